//! Duty list versions and their items.

use grassroots_domain::admission::{ListItem, ListVersion, VersionId, VersionStatus};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::core::{Arg, page, under};
use crate::{Result, StoreError, parse_col};

const COLS: &str = "v.id, v.county_code, v.division_code, v.number, v.status, v.effective_from, v.note, v.based_on, \
    v.created_by, v.created_at, v.published_at";

fn version(r: &AnyRow) -> Result<ListVersion> {
    let status: String = r.try_get("status")?;
    Ok(ListVersion {
        id: VersionId(r.try_get("id")?),
        county_code: r.try_get("county_code")?,
        division_code: r.try_get("division_code")?,
        number: r.try_get("number")?,
        status: parse_col::<VersionStatus>(&status, "duty_list_version.status")?,
        effective_from: r.try_get("effective_from")?,
        note: r.try_get("note")?,
        based_on: r.try_get::<Option<i64>, _>("based_on")?.map(VersionId),
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        published_at: r.try_get("published_at")?,
    })
}

pub struct NewVersion<'a> {
    pub division_code: &'a str,
    pub note: &'a str,
    pub based_on: Option<VersionId>,
    pub created_by: &'a str,
    pub now: &'a str,
}

/// A new draft numbered after the division's last version, with its items.
pub async fn insert_draft(c: &mut AnyConnection, v: &NewVersion<'_>, items: &[ListItem]) -> Result<ListVersion> {
    let number: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(number), 0) + 1 FROM duty_list_version WHERE division_code = $1")
            .bind(v.division_code)
            .fetch_one(&mut *c)
            .await?;
    let county = v.division_code.get(..6).unwrap_or(v.division_code);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO duty_list_version (county_code, division_code, number, status, note, based_on, created_by, created_at) \
         VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7) RETURNING id",
    )
    .bind(county)
    .bind(v.division_code)
    .bind(number)
    .bind(v.note)
    .bind(v.based_on.map(|b| b.0))
    .bind(v.created_by)
    .bind(v.now)
    .fetch_one(&mut *c)
    .await
    .map_err(StoreError::on_duplicate("version number (another draft was made at the same moment)"))?;
    let row =
        sqlx::query(sql!("SELECT {COLS} FROM duty_list_version v WHERE v.id = $1")).bind(id).fetch_one(&mut *c).await?;
    let created = version(&row)?;
    for (position, item) in items.iter().enumerate() {
        sqlx::query(
            "INSERT INTO duty_list_item (county_code, version_id, position, code, kind, area, title, description, \
             lead_department, legal_basis, office, keywords) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(county)
        .bind(created.id.0)
        .bind(position as i64)
        .bind(&item.code)
        .bind(item.kind.as_str())
        .bind(&item.area)
        .bind(&item.title)
        .bind(&item.description)
        .bind(&item.lead_department)
        .bind(&item.legal_basis)
        .bind(&item.office)
        .bind(item.keywords.join(";"))
        .execute(&mut *c)
        .await?;
    }
    Ok(created)
}

/// A version and the path of its division.
pub async fn get(c: &mut AnyConnection, id: VersionId) -> Result<Option<(ListVersion, String)>> {
    let row = sqlx::query(sql!(
        "SELECT {COLS}, d.path FROM duty_list_version v JOIN division d ON d.code = v.division_code WHERE v.id = $1"
    ))
    .bind(id.0)
    .fetch_optional(c)
    .await?;
    row.map(|r| Ok((version(&r)?, r.try_get("path")?))).transpose()
}

pub async fn items(c: &mut AnyConnection, id: VersionId) -> Result<Vec<ListItem>> {
    let rows = sqlx::query(
        "SELECT code, kind, area, title, description, lead_department, legal_basis, office, keywords \
         FROM duty_list_item WHERE version_id = $1 ORDER BY position",
    )
    .bind(id.0)
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get("kind")?;
            let keywords: String = r.try_get("keywords")?;
            Ok(ListItem {
                code: r.try_get("code")?,
                kind: parse_col(&kind, "duty_list_item.kind")?,
                area: r.try_get("area")?,
                title: r.try_get("title")?,
                description: r.try_get("description")?,
                lead_department: r.try_get("lead_department")?,
                legal_basis: r.try_get("legal_basis")?,
                office: r.try_get("office")?,
                keywords: keywords.split(';').filter(|k| !k.is_empty()).map(str::to_owned).collect(),
            })
        })
        .collect()
}

/// Versions of divisions under `scope_path` (one division when given), newest first.
pub async fn list(
    c: &mut AnyConnection,
    scope_path: &str,
    division: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<ListVersion>, i64)> {
    let from = "FROM duty_list_version v JOIN division d ON d.code = v.division_code \
                WHERE d.path LIKE $1 AND ($2 = '' OR v.division_code = $2)";
    let args = [Arg::Text(under(scope_path)), Arg::Text(division.unwrap_or_default().to_owned())];
    page(c, COLS, from, "v.division_code, v.number DESC", &args, limit, offset, version).await
}

/// Publishes a draft; false when it was no longer a draft (someone published it first).
pub async fn publish(c: &mut AnyConnection, id: VersionId, effective_from: &str, now: &str) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE duty_list_version SET status = 'published', effective_from = $1, published_at = $2 \
         WHERE id = $3 AND status = 'draft'",
    )
    .bind(effective_from)
    .bind(now)
    .bind(id.0)
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// The published version in force on `date` (YYYY-MM-DD): the latest to take effect by then.
pub async fn in_force(c: &mut AnyConnection, division: &str, date: &str) -> Result<Option<ListVersion>> {
    let row = sqlx::query(sql!(
        "SELECT {COLS} FROM duty_list_version v WHERE v.division_code = $1 AND v.status = 'published' \
         AND v.effective_from <= $2 ORDER BY v.effective_from DESC, v.number DESC LIMIT 1"
    ))
    .bind(division)
    .bind(date)
    .fetch_optional(c)
    .await?;
    row.as_ref().map(version).transpose()
}
