//! Bodies: the organisations that act.

use grassroots_domain::core::body::{Body, BodyId, BodyKind};
use grassroots_domain::core::division::DivisionCode;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{Arg, contains, page, under};
use crate::{Result, StoreError, parse_col};

const COLS: &str = "b.id, b.county_code, b.division_code, b.kind, b.name, b.created_at";

pub(crate) fn from_row(r: &AnyRow) -> Result<Body> {
    let county: String = r.try_get("county_code")?;
    let division: String = r.try_get("division_code")?;
    let kind: String = r.try_get("kind")?;
    Ok(Body {
        id: BodyId(r.try_get("id")?),
        county_code: parse_col(&county, "body.county_code")?,
        division_code: parse_col(&division, "body.division_code")?,
        kind: parse_col(&kind, "body.kind")?,
        name: r.try_get("name")?,
        created_at: r.try_get("created_at")?,
    })
}

pub async fn insert(
    c: &mut AnyConnection,
    division: &DivisionCode,
    kind: BodyKind,
    name: &str,
    now: &str,
) -> Result<Body> {
    let row = sqlx::query(
        "INSERT INTO body (county_code, division_code, kind, name, created_at) VALUES ($1, $2, $3, $4, $5) \
         RETURNING id, county_code, division_code, kind, name, created_at",
    )
    .bind(division.county_code().as_str())
    .bind(division.as_str())
    .bind(kind.as_str())
    .bind(name)
    .bind(now)
    .fetch_one(c)
    .await
    .map_err(StoreError::on_duplicate("name at this division"))?;
    from_row(&row)
}

/// A body and the path of its division.
pub async fn get(c: &mut AnyConnection, id: BodyId) -> Result<Option<(Body, String)>> {
    let row = sqlx::query(sql!(
        "SELECT {COLS}, d.path FROM body b JOIN division d ON d.code = b.division_code WHERE b.id = $1"
    ))
    .bind(id.0)
    .fetch_optional(c)
    .await?;
    row.map(|r| Ok((from_row(&r)?, r.try_get("path")?))).transpose()
}

pub async fn find_by_name(c: &mut AnyConnection, division: &DivisionCode, name: &str) -> Result<Option<Body>> {
    let row = sqlx::query(sql!("SELECT {COLS} FROM body b WHERE b.division_code = $1 AND b.name = $2"))
        .bind(division.as_str())
        .bind(name)
        .fetch_optional(c)
        .await?;
    row.as_ref().map(from_row).transpose()
}

#[derive(Debug, Clone, Default)]
pub struct BodyFilter {
    pub division: Option<DivisionCode>,
    pub kind: Option<BodyKind>,
    pub name: Option<String>,
}

pub async fn list(
    c: &mut AnyConnection,
    scope_path: &str,
    f: &BodyFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Body>, i64)> {
    let from = "FROM body b JOIN division d ON d.code = b.division_code WHERE d.path LIKE $1 \
        AND ($2 = '' OR b.division_code = $2) AND ($3 = '' OR b.kind = $3) AND ($4 = '' OR b.name LIKE $4 ESCAPE '\\')";
    let args = [
        Arg::Text(under(scope_path)),
        Arg::Text(f.division.as_ref().map(|d| d.as_str().to_owned()).unwrap_or_default()),
        Arg::Text(f.kind.map(|k| k.as_str().to_owned()).unwrap_or_default()),
        Arg::Text(contains(f.name.as_ref())),
    ];
    page(c, COLS, from, "b.division_code, b.id", &args, limit, offset, from_row).await
}
