//! Restructuring plans, each with its whole document as JSON.

use grassroots_domain::restructuring::{Plan, PlanId, PlanStatus};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::core::{Arg, page, under};
use crate::{Result, StoreError, parse_col};

const COLS: &str = "p.id, p.county_code, p.division_code, p.number, p.title, p.status, p.effective_from, \
    p.created_by, p.created_at, p.approved_by, p.approved_at";

fn plan(r: &AnyRow) -> Result<Plan> {
    let status: String = r.try_get("status")?;
    Ok(Plan {
        id: PlanId(r.try_get("id")?),
        county_code: r.try_get("county_code")?,
        division_code: r.try_get("division_code")?,
        number: r.try_get("number")?,
        title: r.try_get("title")?,
        status: parse_col::<PlanStatus>(&status, "restructuring_plan.status")?,
        effective_from: r.try_get("effective_from")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        approved_by: r.try_get("approved_by")?,
        approved_at: r.try_get("approved_at")?,
    })
}

/// A new draft numbered after the town's last plan.
pub async fn insert_draft(
    c: &mut AnyConnection,
    division: &str,
    title: &str,
    document: &str,
    created_by: &str,
    now: &str,
) -> Result<Plan> {
    let number: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(number), 0) + 1 FROM restructuring_plan WHERE division_code = $1")
            .bind(division)
            .fetch_one(&mut *c)
            .await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO restructuring_plan (county_code, division_code, number, title, status, document, created_by, \
         created_at) VALUES ($1, $2, $3, $4, 'draft', $5, $6, $7) RETURNING id",
    )
    .bind(division.get(..6).unwrap_or(division))
    .bind(division)
    .bind(number)
    .bind(title)
    .bind(document)
    .bind(created_by)
    .bind(now)
    .fetch_one(&mut *c)
    .await
    .map_err(StoreError::on_duplicate("plan number (another plan was made at the same moment)"))?;
    Ok(get(c, PlanId(id)).await?.ok_or(StoreError::Corrupt("plan vanished".into()))?.0)
}

/// A plan, its document and the path of its town.
pub async fn get(c: &mut AnyConnection, id: PlanId) -> Result<Option<(Plan, String, String)>> {
    let row = sqlx::query(sql!(
        "SELECT {COLS}, p.document, d.path FROM restructuring_plan p JOIN division d ON d.code = p.division_code \
         WHERE p.id = $1"
    ))
    .bind(id.0)
    .fetch_optional(c)
    .await?;
    row.map(|r| Ok((plan(&r)?, r.try_get("document")?, r.try_get("path")?))).transpose()
}

/// Plans of towns under `scope_path` (one town when given), by town, newest first.
pub async fn list(
    c: &mut AnyConnection,
    scope_path: &str,
    division: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Plan>, i64)> {
    let from = "FROM restructuring_plan p JOIN division d ON d.code = p.division_code \
                WHERE d.path LIKE $1 AND ($2 = '' OR p.division_code = $2)";
    let args = [Arg::Text(under(scope_path)), Arg::Text(division.unwrap_or_default().to_owned())];
    page(c, COLS, from, "p.division_code, p.number DESC", &args, limit, offset, plan).await
}

/// Replaces a draft's document if it is still a draft holding `old`; false when someone
/// changed or approved it first, so no edit overwrites another unseen.
pub async fn replace_document(
    c: &mut AnyConnection,
    id: PlanId,
    title: &str,
    document: &str,
    old: &str,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE restructuring_plan SET title = $1, document = $2 WHERE id = $3 AND status = 'draft' AND document = $4",
    )
    .bind(title)
    .bind(document)
    .bind(id.0)
    .bind(old)
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Approves a draft if it still holds the document that was checked; false when someone
/// approved or changed it first.
pub async fn approve(
    c: &mut AnyConnection,
    id: PlanId,
    checked: &str,
    effective_from: &str,
    by: &str,
    now: &str,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE restructuring_plan SET status = 'approved', effective_from = $1, approved_by = $2, approved_at = $3 \
         WHERE id = $4 AND status = 'draft' AND document = $5",
    )
    .bind(effective_from)
    .bind(by)
    .bind(now)
    .bind(id.0)
    .bind(checked)
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Every approved plan of a town with its document.
pub async fn approved(c: &mut AnyConnection, division: &str) -> Result<Vec<(Plan, String)>> {
    let rows = sqlx::query(sql!(
        "SELECT {COLS}, p.document FROM restructuring_plan p WHERE p.division_code = $1 AND p.status = 'approved' \
         ORDER BY p.effective_from, p.number"
    ))
    .bind(division)
    .fetch_all(c)
    .await?;
    rows.iter().map(|r| Ok((plan(r)?, r.try_get("document")?))).collect()
}
