//! Tasks and their target towns' decisions.

use grassroots_domain::admission::task::{TargetId, TargetState, Task, TaskId, TaskTarget};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::core::{Arg, page, under};
use crate::{Result, parse_col};

const TASK_COLS: &str = "t.id, t.county_code, t.sender_body_id, t.sender, t.title, t.text, t.legal_basis, t.due_date, \
    t.status, t.created_at, t.withdrawn_at";
const TARGET_COLS: &str = "tt.id, tt.task_id, t.title AS task_title, tt.division_code, tt.list_version_id, tt.decision, tt.item_code, tt.item_title, \
    tt.lead_department, tt.score, tt.evidence_json, tt.state, tt.ruling, tt.ruling_reason, tt.ruled_by, tt.ruled_at, \
    tt.appeal_reason, tt.appealed_at, tt.created_at";

/// Targets with their task (for its title) and town (for its path).
const TARGETS: &str = "task_target tt JOIN task t ON t.id = tt.task_id JOIN division d ON d.code = tt.division_code";

fn task(r: &AnyRow) -> Result<Task> {
    Ok(Task {
        id: TaskId(r.try_get("id")?),
        county_code: r.try_get("county_code")?,
        sender_body_id: r.try_get("sender_body_id")?,
        sender: r.try_get("sender")?,
        title: r.try_get("title")?,
        text: r.try_get("text")?,
        legal_basis: r.try_get("legal_basis")?,
        due_date: r.try_get("due_date")?,
        status: r.try_get("status")?,
        created_at: r.try_get("created_at")?,
        withdrawn_at: r.try_get("withdrawn_at")?,
    })
}

fn target(r: &AnyRow) -> Result<TaskTarget> {
    let decision: String = r.try_get("decision")?;
    let state: String = r.try_get("state")?;
    Ok(TaskTarget {
        id: TargetId(r.try_get("id")?),
        task_id: TaskId(r.try_get("task_id")?),
        task_title: r.try_get("task_title")?,
        division_code: r.try_get("division_code")?,
        list_version_id: r.try_get("list_version_id")?,
        decision: parse_col(&decision, "task_target.decision")?,
        item_code: r.try_get("item_code")?,
        item_title: r.try_get("item_title")?,
        lead_department: r.try_get("lead_department")?,
        score: r.try_get("score")?,
        evidence_json: r.try_get("evidence_json")?,
        state: parse_col::<TargetState>(&state, "task_target.state")?,
        ruling: r.try_get("ruling")?,
        ruling_reason: r.try_get("ruling_reason")?,
        ruled_by: r.try_get("ruled_by")?,
        ruled_at: r.try_get("ruled_at")?,
        appeal_reason: r.try_get("appeal_reason")?,
        appealed_at: r.try_get("appealed_at")?,
        created_at: r.try_get("created_at")?,
    })
}

pub struct NewTask<'a> {
    pub county_code: &'a str,
    pub sender_body_id: i64,
    pub sender: &'a str,
    pub title: &'a str,
    pub text: &'a str,
    pub legal_basis: &'a str,
    pub due_date: Option<&'a str>,
    pub now: &'a str,
}

pub async fn insert_task(c: &mut AnyConnection, t: &NewTask<'_>) -> Result<TaskId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO task (county_code, sender_body_id, sender, title, text, legal_basis, due_date, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', $8) RETURNING id",
    )
    .bind(t.county_code)
    .bind(t.sender_body_id)
    .bind(t.sender)
    .bind(t.title)
    .bind(t.text)
    .bind(t.legal_basis)
    .bind(t.due_date)
    .bind(t.now)
    .fetch_one(c)
    .await?;
    Ok(TaskId(id))
}

pub struct NewTarget<'a> {
    pub task: TaskId,
    pub division_code: &'a str,
    pub list_version_id: Option<i64>,
    pub decision: &'a str,
    pub item_code: Option<&'a str>,
    pub item_title: Option<&'a str>,
    pub lead_department: Option<&'a str>,
    pub score: f64,
    pub evidence_json: &'a str,
    pub state: TargetState,
    pub now: &'a str,
}

pub async fn insert_target(c: &mut AnyConnection, t: &NewTarget<'_>) -> Result<TargetId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO task_target (county_code, task_id, division_code, list_version_id, decision, item_code, item_title, \
         lead_department, score, evidence_json, state, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(t.division_code.get(..6).unwrap_or(t.division_code))
    .bind(t.task.0)
    .bind(t.division_code)
    .bind(t.list_version_id)
    .bind(t.decision)
    .bind(t.item_code)
    .bind(t.item_title)
    .bind(t.lead_department)
    .bind(t.score)
    .bind(t.evidence_json)
    .bind(t.state.as_str())
    .bind(t.now)
    .fetch_one(c)
    .await?;
    Ok(TargetId(id))
}

/// A task and the division path of its sender's body.
pub async fn get_task(c: &mut AnyConnection, id: TaskId) -> Result<Option<(Task, String)>> {
    let row = sqlx::query(sql!(
        "SELECT {TASK_COLS}, d.path FROM task t JOIN body b ON b.id = t.sender_body_id \
         JOIN division d ON d.code = b.division_code WHERE t.id = $1"
    ))
    .bind(id.0)
    .fetch_optional(c)
    .await?;
    row.map(|r| Ok((task(&r)?, r.try_get("path")?))).transpose()
}

pub async fn targets_of(c: &mut AnyConnection, id: TaskId) -> Result<Vec<(TaskTarget, String)>> {
    let rows = sqlx::query(sql!(
        "SELECT {TARGET_COLS}, d.path FROM {TARGETS} \
         WHERE tt.task_id = $1 ORDER BY tt.division_code"
    ))
    .bind(id.0)
    .fetch_all(c)
    .await?;
    rows.iter().map(|r| Ok((target(r)?, r.try_get("path")?))).collect()
}

/// A target and the path of its town.
pub async fn get_target(c: &mut AnyConnection, id: TargetId) -> Result<Option<(TaskTarget, String)>> {
    let row = sqlx::query(sql!("SELECT {TARGET_COLS}, d.path FROM {TARGETS} WHERE tt.id = $1"))
        .bind(id.0)
        .fetch_optional(c)
        .await?;
    row.map(|r| Ok((target(&r)?, r.try_get("path")?))).transpose()
}

/// Targets of towns under `scope_path`, newest first, optionally in one state.
pub async fn list_targets(
    c: &mut AnyConnection,
    scope_path: &str,
    state: Option<TargetState>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<TaskTarget>, i64)> {
    let from = format!("FROM {TARGETS} WHERE d.path LIKE $1 AND ($2 = '' OR tt.state = $2)");
    let args = [Arg::Text(under(scope_path)), Arg::Text(state.map(|s| s.as_str().to_owned()).unwrap_or_default())];
    page(c, TARGET_COLS, &from, "tt.id DESC", &args, limit, offset, target).await
}

pub async fn set_ruling(
    c: &mut AnyConnection,
    id: TargetId,
    state: TargetState,
    ruling: &str,
    reason: &str,
    by: &str,
    now: &str,
) -> Result<()> {
    sqlx::query("UPDATE task_target SET state = $1, ruling = $2, ruling_reason = $3, ruled_by = $4, ruled_at = $5 WHERE id = $6")
        .bind(state.as_str())
        .bind(ruling)
        .bind(reason)
        .bind(by)
        .bind(now)
        .bind(id.0)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn set_appeal(c: &mut AnyConnection, id: TargetId, reason: &str, now: &str) -> Result<()> {
    sqlx::query("UPDATE task_target SET state = 'pending_review', appeal_reason = $1, appealed_at = $2 WHERE id = $3")
        .bind(reason)
        .bind(now)
        .bind(id.0)
        .execute(c)
        .await?;
    Ok(())
}

/// Withdraws an active task from the towns where it is still open (accepted or waiting
/// for review); refusals stay refusals, so the burden count keeps them. False when the
/// task was no longer active.
pub async fn withdraw(c: &mut AnyConnection, id: TaskId, now: &str) -> Result<bool> {
    let r = sqlx::query("UPDATE task SET status = 'withdrawn', withdrawn_at = $1 WHERE id = $2 AND status = 'active'")
        .bind(now)
        .bind(id.0)
        .execute(&mut *c)
        .await?;
    if r.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE task_target SET state = 'withdrawn' WHERE task_id = $1 AND state IN ('accepted', 'pending_review')",
    )
    .bind(id.0)
    .execute(c)
    .await?;
    Ok(true)
}

/// Holds the target's row for a read-check-write.
pub async fn lock_target(c: &mut AnyConnection, id: TargetId) -> Result<()> {
    sqlx::query("UPDATE task_target SET id = id WHERE id = $1").bind(id.0).execute(c).await?;
    Ok(())
}

/// One target, as the burden count needs it. Months are a matter of local time, so the
/// grouping is left to the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct BurdenRow {
    pub sender_body_id: i64,
    pub sender_name: String,
    pub created_at: String,
    pub decision: String,
    pub state: String,
    /// When the staffing office was last asked: the appeal if there was one, else screening.
    pub review_from: String,
    pub ruled_at: Option<String>,
}

pub async fn burden(c: &mut AnyConnection, scope_path: &str) -> Result<Vec<BurdenRow>> {
    let rows = sqlx::query(
        "SELECT t.sender_body_id, b.name, tt.created_at, tt.decision, tt.state, \
         COALESCE(tt.appealed_at, tt.created_at) AS review_from, tt.ruled_at \
         FROM task_target tt JOIN task t ON t.id = tt.task_id JOIN body b ON b.id = t.sender_body_id \
         JOIN division d ON d.code = tt.division_code WHERE d.path LIKE $1 ORDER BY b.name, tt.created_at",
    )
    .bind(under(scope_path))
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(BurdenRow {
                sender_body_id: r.try_get("sender_body_id")?,
                sender_name: r.try_get("name")?,
                created_at: r.try_get("created_at")?,
                decision: r.try_get("decision")?,
                state: r.try_get("state")?,
                review_from: r.try_get("review_from")?,
                ruled_at: r.try_get("ruled_at")?,
            })
        })
        .collect()
}

/// Tasks that reached a town between two instants (`from` included, `to` not), and how
/// many of them stand refused.
pub async fn received_and_refused(c: &mut AnyConnection, town: &str, from: &str, to: &str) -> Result<(i64, i64)> {
    let r = sqlx::query(
        "SELECT COUNT(*) AS received, COALESCE(SUM(CASE WHEN state = 'refused' THEN 1 ELSE 0 END), 0) AS refused \
         FROM task_target WHERE division_code = $1 AND created_at >= $2 AND created_at < $3",
    )
    .bind(town)
    .bind(from)
    .bind(to)
    .fetch_one(c)
    .await?;
    Ok((r.try_get("received")?, r.try_get("refused")?))
}
