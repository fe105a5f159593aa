//! The county's catalog of matters it can devolve.

use grassroots_domain::empowerment::{CatalogMatter, Matter, MatterId, PowerType};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::core::{Arg, contains, page};
use crate::{Result, parse_col};

pub(crate) const COLS: &str =
    "m.id, m.county_code, m.code, m.name, m.power_type, m.department, m.legal_basis, m.requirements, m.risk";

pub(crate) fn matter(r: &AnyRow) -> Result<CatalogMatter> {
    let power_type: String = r.try_get("power_type")?;
    let risk: String = r.try_get("risk")?;
    Ok(CatalogMatter {
        id: MatterId(r.try_get("id")?),
        county_code: r.try_get("county_code")?,
        matter: Matter {
            code: r.try_get("code")?,
            name: r.try_get("name")?,
            power_type: parse_col(&power_type, "catalog_matter.power_type")?,
            department: r.try_get("department")?,
            legal_basis: r.try_get("legal_basis")?,
            requirements: r.try_get("requirements")?,
            risk: parse_col(&risk, "catalog_matter.risk")?,
        },
    })
}

/// Adds a matter, or updates the one with the same code; true when it was new.
pub async fn upsert(
    c: &mut AnyConnection,
    county: &str,
    m: &Matter,
    department_body_id: i64,
    now: &str,
) -> Result<bool> {
    let updated = sqlx::query(
        "UPDATE catalog_matter SET name = $1, power_type = $2, department_body_id = $3, department = $4, \
         legal_basis = $5, requirements = $6, risk = $7, updated_at = $8 WHERE county_code = $9 AND code = $10",
    )
    .bind(&m.name)
    .bind(m.power_type.as_str())
    .bind(department_body_id)
    .bind(&m.department)
    .bind(&m.legal_basis)
    .bind(&m.requirements)
    .bind(m.risk.as_str())
    .bind(now)
    .bind(county)
    .bind(&m.code)
    .execute(&mut *c)
    .await?;
    if updated.rows_affected() == 1 {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO catalog_matter (county_code, code, name, power_type, department_body_id, department, \
         legal_basis, requirements, risk, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
    )
    .bind(county)
    .bind(&m.code)
    .bind(&m.name)
    .bind(m.power_type.as_str())
    .bind(department_body_id)
    .bind(&m.department)
    .bind(&m.legal_basis)
    .bind(&m.requirements)
    .bind(m.risk.as_str())
    .bind(now)
    .execute(c)
    .await?;
    Ok(true)
}

/// Filters of the catalog; empty strings match everything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub power_type: String,
    pub department: String,
    pub risk: String,
    pub q: String,
}

/// How many matters a county's catalog holds.
pub async fn count(c: &mut AnyConnection, county: &str) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM catalog_matter WHERE county_code = $1")
        .bind(county)
        .fetch_one(c)
        .await?)
}

pub async fn list(
    c: &mut AnyConnection,
    county: &str,
    f: &Filter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<CatalogMatter>, i64)> {
    let from = "FROM catalog_matter m WHERE m.county_code = $1 AND ($2 = '' OR m.power_type = $2) \
                AND ($3 = '' OR m.department = $3) AND ($4 = '' OR m.risk = $4) \
                AND ($5 = '' OR m.code LIKE $5 ESCAPE '\\' OR m.name LIKE $5 ESCAPE '\\' \
                     OR m.legal_basis LIKE $5 ESCAPE '\\')";
    let args = [
        Arg::Text(county.to_owned()),
        Arg::Text(f.power_type.clone()),
        Arg::Text(f.department.clone()),
        Arg::Text(f.risk.clone()),
        Arg::Text(contains(Some(&f.q))),
    ];
    page(c, COLS, from, "m.code", &args, limit, offset, matter).await
}

/// A matter by code, with the id of the body that owns it.
pub async fn by_code(c: &mut AnyConnection, county: &str, code: &str) -> Result<Option<(CatalogMatter, i64)>> {
    let row = sqlx::query(sql!(
        "SELECT {COLS}, m.department_body_id FROM catalog_matter m WHERE m.county_code = $1 AND m.code = $2"
    ))
    .bind(county)
    .bind(code)
    .fetch_optional(c)
    .await?;
    row.map(|r| Ok((matter(&r)?, r.try_get("department_body_id")?))).transpose()
}

/// The power type of every matter, for the round figures.
pub async fn types(c: &mut AnyConnection, county: &str) -> Result<Vec<PowerType>> {
    let rows: Vec<String> = sqlx::query_scalar("SELECT power_type FROM catalog_matter WHERE county_code = $1")
        .bind(county)
        .fetch_all(c)
        .await?;
    rows.iter().map(|t| parse_col(t, "catalog_matter.power_type")).collect()
}

/// The departments that own matters, for the filter.
pub async fn departments(c: &mut AnyConnection, county: &str) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar("SELECT DISTINCT department FROM catalog_matter WHERE county_code = $1 ORDER BY department")
        .bind(county)
        .fetch_all(c)
        .await?)
}
