//! Targets, check items, inspection plans, joint visits and their results.

use grassroots_domain::inspection::{
    CheckItem, FindingAction, InspectionId, InspectionPlan, ItemResult, JointInspection, Outcome, PlanId, Target,
    TargetId,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::core::{Arg, page, under};
use crate::{Result, StoreError, parse_col};

fn county(division: &str) -> &str {
    division.get(..6).unwrap_or(division)
}

const TARGET_COLS: &str = "t.id, t.county_code, t.division_code, t.name, t.credit_code, t.address";

fn target(r: &AnyRow) -> Result<Target> {
    Ok(Target {
        id: TargetId(r.try_get("id")?),
        county_code: r.try_get("county_code")?,
        division_code: r.try_get("division_code")?,
        name: r.try_get("name")?,
        credit_code: r.try_get("credit_code")?,
        address: r.try_get("address")?,
    })
}

pub async fn insert_target(
    c: &mut AnyConnection,
    division: &str,
    name: &str,
    credit_code: Option<&str>,
    address: &str,
    now: &str,
) -> Result<TargetId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO inspection_target (county_code, division_code, name, credit_code, address, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(county(division))
    .bind(division)
    .bind(name)
    .bind(credit_code)
    .bind(address)
    .bind(now)
    .fetch_one(c)
    .await
    .map_err(StoreError::on_duplicate("target name in this town"))?;
    Ok(TargetId(id))
}

/// A target and the path of its town.
pub async fn get_target(c: &mut AnyConnection, id: TargetId) -> Result<Option<(Target, String)>> {
    let row = sqlx::query(sql!(
        "SELECT {TARGET_COLS}, d.path FROM inspection_target t JOIN division d ON d.code = t.division_code WHERE t.id = $1"
    ))
    .bind(id.0)
    .fetch_optional(c)
    .await?;
    row.map(|r| Ok((target(&r)?, r.try_get("path")?))).transpose()
}

pub async fn targets(c: &mut AnyConnection, scope_path: &str) -> Result<Vec<Target>> {
    let rows = sqlx::query(sql!(
        "SELECT {TARGET_COLS} FROM inspection_target t JOIN division d ON d.code = t.division_code \
         WHERE d.path LIKE $1 ORDER BY t.division_code, t.name"
    ))
    .bind(under(scope_path))
    .fetch_all(c)
    .await?;
    rows.iter().map(target).collect()
}

pub async fn upsert_item(c: &mut AnyConnection, county_code: &str, item: &CheckItem) -> Result<()> {
    let updated =
        sqlx::query("UPDATE check_item SET department = $1, area = $2, text = $3 WHERE county_code = $4 AND code = $5")
            .bind(&item.department)
            .bind(&item.area)
            .bind(&item.text)
            .bind(county_code)
            .bind(&item.code)
            .execute(&mut *c)
            .await?;
    if updated.rows_affected() == 0 {
        sqlx::query("INSERT INTO check_item (county_code, code, department, area, text) VALUES ($1, $2, $3, $4, $5)")
            .bind(county_code)
            .bind(&item.code)
            .bind(&item.department)
            .bind(&item.area)
            .bind(&item.text)
            .execute(c)
            .await?;
    }
    Ok(())
}

/// The check items of a county, one department's when given.
pub async fn items(c: &mut AnyConnection, county_code: &str, department: Option<&str>) -> Result<Vec<CheckItem>> {
    let rows = sqlx::query(
        "SELECT code, department, area, text FROM check_item WHERE county_code = $1 AND ($2 = '' OR department = $2) \
         ORDER BY department, code",
    )
    .bind(county_code)
    .bind(department.unwrap_or_default())
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(CheckItem {
                code: r.try_get("code")?,
                department: r.try_get("department")?,
                area: r.try_get("area")?,
                text: r.try_get("text")?,
            })
        })
        .collect()
}

const PLAN_COLS: &str = "p.id, p.target_id, t.name AS target_name, p.division_code, p.department, p.planned_on, p.item_codes, p.inspection_id";

fn plan(r: &AnyRow) -> Result<InspectionPlan> {
    let codes: String = r.try_get("item_codes")?;
    Ok(InspectionPlan {
        id: PlanId(r.try_get("id")?),
        target_id: TargetId(r.try_get("target_id")?),
        target_name: r.try_get("target_name")?,
        division_code: r.try_get("division_code")?,
        department: r.try_get("department")?,
        planned_on: r.try_get("planned_on")?,
        item_codes: codes.split(';').filter(|c| !c.is_empty()).map(str::to_owned).collect(),
        inspection_id: r.try_get::<Option<i64>, _>("inspection_id")?.map(InspectionId),
    })
}

pub struct NewPlan<'a> {
    pub target: &'a Target,
    pub department_body_id: i64,
    pub department: &'a str,
    pub planned_on: &'a str,
    pub item_codes: &'a [String],
    pub by: &'a str,
    pub now: &'a str,
}

pub async fn insert_plan(c: &mut AnyConnection, p: &NewPlan<'_>) -> Result<PlanId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO inspection_plan (county_code, division_code, target_id, department_body_id, department, \
         planned_on, item_codes, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(&p.target.county_code)
    .bind(&p.target.division_code)
    .bind(p.target.id.0)
    .bind(p.department_body_id)
    .bind(p.department)
    .bind(p.planned_on)
    .bind(p.item_codes.join(";"))
    .bind(p.by)
    .bind(p.now)
    .fetch_one(c)
    .await?;
    Ok(PlanId(id))
}

/// Plans of towns under `scope_path`; only those not yet merged when `open`.
pub async fn plans(c: &mut AnyConnection, scope_path: &str, open: bool) -> Result<Vec<InspectionPlan>> {
    let rows = sqlx::query(sql!(
        "SELECT {PLAN_COLS} FROM inspection_plan p JOIN inspection_target t ON t.id = p.target_id \
         JOIN division d ON d.code = p.division_code WHERE d.path LIKE $1 AND ($2 = 0 OR p.inspection_id IS NULL) \
         ORDER BY p.target_id, p.planned_on"
    ))
    .bind(under(scope_path))
    .bind(i64::from(open))
    .fetch_all(c)
    .await?;
    rows.iter().map(plan).collect()
}

pub async fn get_plan(c: &mut AnyConnection, id: PlanId) -> Result<Option<InspectionPlan>> {
    let row = sqlx::query(sql!(
        "SELECT {PLAN_COLS} FROM inspection_plan p JOIN inspection_target t ON t.id = p.target_id WHERE p.id = $1"
    ))
    .bind(id.0)
    .fetch_optional(c)
    .await?;
    row.as_ref().map(plan).transpose()
}

/// Ties a plan to a visit; false when it was merged already.
pub async fn merge_plan(c: &mut AnyConnection, plan: PlanId, into: InspectionId) -> Result<bool> {
    let r = sqlx::query("UPDATE inspection_plan SET inspection_id = $1 WHERE id = $2 AND inspection_id IS NULL")
        .bind(into.0)
        .bind(plan.0)
        .execute(c)
        .await?;
    Ok(r.rows_affected() == 1)
}

const VISIT_COLS: &str = "j.id, j.county_code, j.division_code, j.target_id, t.name AS target_name, j.visit_on, j.team, \
    j.visits_saved, j.done_on, j.created_by, j.created_at";

fn visit(r: &AnyRow) -> Result<JointInspection> {
    Ok(JointInspection {
        id: InspectionId(r.try_get("id")?),
        county_code: r.try_get("county_code")?,
        division_code: r.try_get("division_code")?,
        target_id: TargetId(r.try_get("target_id")?),
        target_name: r.try_get("target_name")?,
        visit_on: r.try_get("visit_on")?,
        team: r.try_get("team")?,
        visits_saved: r.try_get("visits_saved")?,
        done_on: r.try_get("done_on")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
    })
}

pub struct NewVisit<'a> {
    pub target: &'a Target,
    pub visit_on: &'a str,
    pub team: &'a str,
    pub visits_saved: i64,
    pub by: &'a str,
    pub now: &'a str,
}

pub async fn insert_visit(c: &mut AnyConnection, v: &NewVisit<'_>, items: &[CheckItem]) -> Result<InspectionId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO joint_inspection (county_code, division_code, target_id, visit_on, team, visits_saved, \
         created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(&v.target.county_code)
    .bind(&v.target.division_code)
    .bind(v.target.id.0)
    .bind(v.visit_on)
    .bind(v.team)
    .bind(v.visits_saved)
    .bind(v.by)
    .bind(v.now)
    .fetch_one(&mut *c)
    .await?;
    for item in items {
        sqlx::query(
            "INSERT INTO inspection_result (county_code, inspection_id, item_code, department, text, note) \
             VALUES ($1, $2, $3, $4, $5, '')",
        )
        .bind(&v.target.county_code)
        .bind(id)
        .bind(&item.code)
        .bind(&item.department)
        .bind(&item.text)
        .execute(&mut *c)
        .await?;
    }
    Ok(InspectionId(id))
}

/// A visit and the path of its town.
pub async fn get_visit(c: &mut AnyConnection, id: InspectionId) -> Result<Option<(JointInspection, String)>> {
    let row = sqlx::query(sql!(
        "SELECT {VISIT_COLS}, d.path FROM joint_inspection j JOIN inspection_target t ON t.id = j.target_id \
         JOIN division d ON d.code = j.division_code WHERE j.id = $1"
    ))
    .bind(id.0)
    .fetch_optional(c)
    .await?;
    row.map(|r| Ok((visit(&r)?, r.try_get("path")?))).transpose()
}

pub async fn visits(
    c: &mut AnyConnection,
    scope_path: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<JointInspection>, i64)> {
    let from = "FROM joint_inspection j JOIN inspection_target t ON t.id = j.target_id \
                JOIN division d ON d.code = j.division_code WHERE d.path LIKE $1";
    let args = [Arg::Text(under(scope_path))];
    page(c, VISIT_COLS, from, "j.visit_on DESC, j.id DESC", &args, limit, offset, visit).await
}

/// Visits of one town made in `[from, to]`, for the indicators.
pub async fn visits_between(
    c: &mut AnyConnection,
    division: &str,
    from: &str,
    to: &str,
) -> Result<Vec<JointInspection>> {
    let rows = sqlx::query(sql!(
        "SELECT {VISIT_COLS} FROM joint_inspection j JOIN inspection_target t ON t.id = j.target_id \
         WHERE j.division_code = $1 AND j.visit_on >= $2 AND j.visit_on <= $3"
    ))
    .bind(division)
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await?;
    rows.iter().map(visit).collect()
}

/// Joint visits made (not only planned) in a county (6-digit code) or town between two days.
pub async fn visits_made(c: &mut AnyConnection, code: &str, from: &str, to: &str) -> Result<i64> {
    let column = if code.len() == 6 { "county_code" } else { "division_code" };
    Ok(sqlx::query_scalar(sql!(
        "SELECT COUNT(*) FROM joint_inspection WHERE {column} = $1 AND visit_on >= $2 AND visit_on <= $3 \
         AND done_on IS NOT NULL"
    ))
    .bind(code)
    .bind(from)
    .bind(to)
    .fetch_one(c)
    .await?)
}

pub async fn results(c: &mut AnyConnection, id: InspectionId) -> Result<Vec<ItemResult>> {
    let rows = sqlx::query(
        "SELECT item_code, department, text, outcome, note, action, rectify_by, rechecked_on, case_id \
         FROM inspection_result WHERE inspection_id = $1 ORDER BY department, item_code",
    )
    .bind(id.0)
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            let outcome: Option<String> = r.try_get("outcome")?;
            let action: Option<String> = r.try_get("action")?;
            Ok(ItemResult {
                item_code: r.try_get("item_code")?,
                department: r.try_get("department")?,
                text: r.try_get("text")?,
                outcome: outcome.map(|o| parse_col::<Outcome>(&o, "inspection_result.outcome")).transpose()?,
                note: r.try_get("note")?,
                action: action.map(|a| parse_col::<FindingAction>(&a, "inspection_result.action")).transpose()?,
                rectify_by: r.try_get("rectify_by")?,
                rechecked_on: r.try_get("rechecked_on")?,
                case_id: r.try_get("case_id")?,
            })
        })
        .collect()
}

pub async fn set_result(c: &mut AnyConnection, id: InspectionId, r: &ItemResult) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE inspection_result SET outcome = $1, note = $2, action = $3, rectify_by = $4, rechecked_on = $5, \
         case_id = $6 WHERE inspection_id = $7 AND item_code = $8",
    )
    .bind(r.outcome.map(|o| o.as_str()))
    .bind(&r.note)
    .bind(r.action.map(|a| a.as_str()))
    .bind(r.rectify_by.as_deref())
    .bind(r.rechecked_on.as_deref())
    .bind(r.case_id)
    .bind(id.0)
    .bind(&r.item_code)
    .execute(c)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Holds the visit's row until the transaction ends.
pub async fn lock_visit(c: &mut AnyConnection, id: InspectionId) -> Result<()> {
    sqlx::query("UPDATE joint_inspection SET id = id WHERE id = $1").bind(id.0).execute(c).await?;
    Ok(())
}

pub async fn set_done(c: &mut AnyConnection, id: InspectionId, done_on: Option<&str>) -> Result<()> {
    sqlx::query("UPDATE joint_inspection SET done_on = $1 WHERE id = $2").bind(done_on).bind(id.0).execute(c).await?;
    Ok(())
}
