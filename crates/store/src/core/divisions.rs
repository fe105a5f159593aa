//! Divisions and their tree.

use grassroots_domain::core::division::{Division, DivisionCode};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{Arg, contains, page, under};
use crate::{Result, parse_col};

/// A stored division with its materialized path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDivision {
    pub division: Division,
    pub path: String,
}

const COLS: &str = "code, name, level, parent_code, path";

fn from_row(r: &AnyRow) -> Result<StoredDivision> {
    let code: String = r.try_get("code")?;
    let parent: Option<String> = r.try_get("parent_code")?;
    let level: String = r.try_get("level")?;
    Ok(StoredDivision {
        division: Division {
            code: parse_col(&code, "division.code")?,
            name: r.try_get("name")?,
            level: parse_col(&level, "division.level")?,
            parent_code: parent.map(|p| parse_col(&p, "division.parent_code")).transpose()?,
        },
        path: r.try_get("path")?,
    })
}

pub async fn get(c: &mut AnyConnection, code: &DivisionCode) -> Result<Option<StoredDivision>> {
    let row =
        sqlx::query(sql!("SELECT {COLS} FROM division WHERE code = $1")).bind(code.as_str()).fetch_optional(c).await?;
    row.as_ref().map(from_row).transpose()
}

/// The divisions with these codes, by code; codes that are unknown are left out.
pub async fn get_many(
    c: &mut AnyConnection,
    codes: &[&str],
) -> Result<std::collections::HashMap<String, StoredDivision>> {
    let mut found = std::collections::HashMap::with_capacity(codes.len());
    // In slices, within what either database binds to one statement.
    for slice in codes.chunks(crate::core::MAX_BINDS) {
        let list: Vec<String> = (1..=slice.len()).map(|i| format!("${i}")).collect();
        let sql = format!("SELECT {COLS} FROM division WHERE code IN ({})", list.join(", "));
        let mut q = sqlx::query(sql!("{sql}"));
        for code in slice {
            q = q.bind(*code);
        }
        for r in q.fetch_all(&mut *c).await? {
            let d = from_row(&r)?;
            found.insert(d.division.code.as_str().to_owned(), d);
        }
    }
    Ok(found)
}

pub async fn insert(c: &mut AnyConnection, d: &Division, path: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO division (code, name, level, parent_code, county_code, path) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(d.code.as_str())
    .bind(&d.name)
    .bind(d.level.as_str())
    .bind(d.parent_code.as_ref().map(|p| p.as_str().to_owned()))
    .bind(d.code.county_code().as_str())
    .bind(path)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn rename(c: &mut AnyConnection, code: &DivisionCode, name: &str) -> Result<()> {
    sqlx::query("UPDATE division SET name = $1 WHERE code = $2").bind(name).bind(code.as_str()).execute(c).await?;
    Ok(())
}

/// Filters of a division list; all optional.
#[derive(Debug, Clone, Default)]
pub struct DivisionFilter {
    pub parent: Option<DivisionCode>,
    pub level: Option<String>,
    /// Substring of the name.
    pub name: Option<String>,
}

/// Divisions under `scope_path` matching the filter, by code; and the total count.
pub async fn list(
    c: &mut AnyConnection,
    scope_path: &str,
    f: &DivisionFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<StoredDivision>, i64)> {
    let from = "FROM division WHERE path LIKE $1 AND ($2 = '' OR parent_code = $2) \
        AND ($3 = '' OR level = $3) AND ($4 = '' OR name LIKE $4 ESCAPE '\\')";
    let args = [
        Arg::Text(under(scope_path)),
        Arg::Text(f.parent.as_ref().map(|p| p.as_str().to_owned()).unwrap_or_default()),
        Arg::Text(f.level.clone().unwrap_or_default()),
        Arg::Text(contains(f.name.as_ref())),
    ];
    page(c, COLS, from, "code", &args, limit, offset, from_row).await
}

/// The ancestors of a division, root first, read from its path in one query.
pub async fn ancestors(c: &mut AnyConnection, path: &str) -> Result<Vec<StoredDivision>> {
    let codes: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let Some((_, above)) = codes.split_last() else { return Ok(vec![]) };
    if above.is_empty() {
        return Ok(vec![]);
    }
    let marks: Vec<String> = (1..=above.len()).map(|i| format!("${i}")).collect();
    let mut q =
        sqlx::query(sql!("SELECT {COLS} FROM division WHERE code IN ({}) ORDER BY length(path)", marks.join(", ")));
    for code in above {
        q = q.bind(*code);
    }
    q.fetch_all(c).await?.iter().map(from_row).collect()
}
