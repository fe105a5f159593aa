//! One notice per recipient of a warning, its acknowledgement and escalation; patrols.

use grassroots_domain::warning::{HazardPointId, Notice, NoticeId, Patrol, RecipientKind, WarningId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::core::{in_scope, under};
use crate::{Result, parse_col};

const NOTICE_COLS: &str = "n.id, n.warning_id, n.kind, n.town_code, n.division_code, n.name, n.monitor_id, \
    n.point_id, n.notified_at, n.acknowledged_at, n.acknowledged_by, n.escalation, n.escalated_at";

fn notice_row(r: &AnyRow) -> Result<Notice> {
    let kind: String = r.try_get("kind")?;
    Ok(Notice {
        id: NoticeId(r.try_get("id")?),
        warning_id: WarningId(r.try_get("warning_id")?),
        kind: parse_col::<RecipientKind>(&kind, "warning_notice.kind")?,
        town_code: r.try_get("town_code")?,
        division_code: r.try_get("division_code")?,
        name: r.try_get("name")?,
        monitor_id: r.try_get("monitor_id")?,
        point_id: r.try_get::<Option<i64>, _>("point_id")?.map(HazardPointId),
        notified_at: r.try_get("notified_at")?,
        acknowledged_at: r.try_get("acknowledged_at")?,
        acknowledged_by: r.try_get("acknowledged_by")?,
        escalation: r.try_get("escalation")?,
        escalated_at: r.try_get("escalated_at")?,
    })
}

/// Records one notice for every town, village and monitor under the division at `path`,
/// each once however the area's divisions overlap; returns how many were new.
pub async fn notify_under(c: &mut AnyConnection, warning: WarningId, path: &str, at: &str) -> Result<u64> {
    let mut n = 0;
    // Towns under the area, and the town above an area that is a village.
    n += sqlx::query(
        "INSERT INTO warning_notice (warning_id, recipient, kind, county_code, town_code, division_code, name, \
         notified_at) SELECT $1, 'town:' || d.code, 'town', d.county_code, d.code, d.code, d.name, $2 \
         FROM division d WHERE d.level = 'town' AND (d.path LIKE $3 OR $4 LIKE d.path || '%') \
         ON CONFLICT (warning_id, recipient) DO NOTHING",
    )
    .bind(warning.0)
    .bind(at)
    .bind(under(path))
    .bind(path)
    .execute(&mut *c)
    .await?
    .rows_affected();
    n += sqlx::query(
        "INSERT INTO warning_notice (warning_id, recipient, kind, county_code, town_code, division_code, name, \
         notified_at) SELECT $1, 'village:' || d.code, 'village', d.county_code, d.parent_code, d.code, d.name, $2 \
         FROM division d WHERE d.level = 'village' AND d.path LIKE $3 \
         ON CONFLICT (warning_id, recipient) DO NOTHING",
    )
    .bind(warning.0)
    .bind(at)
    .bind(under(path))
    .execute(&mut *c)
    .await?
    .rows_affected();
    n += sqlx::query(
        "INSERT INTO warning_notice (warning_id, recipient, kind, county_code, town_code, division_code, name, \
         monitor_id, point_id, notified_at) \
         SELECT $1, 'monitor:' || m.id, 'monitor', p.county_code, p.town_code, p.division_code, m.name, m.id, p.id, $2 \
         FROM hazard_monitor m JOIN hazard_point p ON p.id = m.point_id JOIN division d ON d.code = p.division_code \
         WHERE d.path LIKE $3 ON CONFLICT (warning_id, recipient) DO NOTHING",
    )
    .bind(warning.0)
    .bind(at)
    .bind(under(path))
    .execute(&mut *c)
    .await?
    .rows_affected();
    Ok(n)
}

/// Queues a text message for every monitor told of the warning.
pub async fn queue_texts(c: &mut AnyConnection, warning: WarningId, at: &str) -> Result<u64> {
    Ok(sqlx::query(
        "INSERT INTO warning_delivery (warning_id, channel, notice_id, state, attempts, next_at) \
         SELECT warning_id, 'sms', id, 'pending', 0, $2 FROM warning_notice WHERE warning_id = $1 AND kind = 'monitor'",
    )
    .bind(warning.0)
    .bind(at)
    .execute(c)
    .await?
    .rows_affected())
}

pub async fn queue_webhook(c: &mut AnyConnection, warning: WarningId, webhook: i64, at: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO warning_delivery (warning_id, channel, webhook_id, state, attempts, next_at) \
         VALUES ($1, 'webhook', $2, 'pending', 0, $3)",
    )
    .bind(warning.0)
    .bind(webhook)
    .bind(at)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn notice(c: &mut AnyConnection, id: NoticeId) -> Result<Option<Notice>> {
    let row = sqlx::query(sql!("SELECT {NOTICE_COLS} FROM warning_notice n WHERE n.id = $1"))
        .bind(id.0)
        .fetch_optional(c)
        .await?;
    row.as_ref().map(notice_row).transpose()
}

/// The phone of the monitor a notice is for.
pub async fn monitor_phone(c: &mut AnyConnection, notice: NoticeId) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT m.phone FROM warning_notice n JOIN hazard_monitor m ON m.id = n.monitor_id WHERE n.id = $1",
    )
    .bind(notice.0)
    .fetch_optional(c)
    .await?)
}

pub async fn monitor_username(c: &mut AnyConnection, monitor: i64) -> Result<Option<String>> {
    Ok(sqlx::query_scalar::<_, Option<String>>("SELECT username FROM hazard_monitor WHERE id = $1")
        .bind(monitor)
        .fetch_optional(c)
        .await?
        .flatten())
}

/// Whether the division (a village) was told of the warning.
pub async fn told(c: &mut AnyConnection, warning: WarningId, division: &str) -> Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM warning_notice WHERE warning_id = $1 AND division_code = $2")
        .bind(warning.0)
        .bind(division)
        .fetch_one(c)
        .await?;
    Ok(n > 0)
}

/// Points of the villages under `path`.
pub async fn count_points_under(c: &mut AnyConnection, path: &str) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM hazard_point p JOIN division d ON d.code = p.division_code WHERE d.path LIKE $1",
    )
    .bind(under(path))
    .fetch_one(c)
    .await?)
}

/// A notice with the secret of its warning's acknowledgement links.
pub async fn notice_with_secret(c: &mut AnyConnection, id: NoticeId) -> Result<Option<(Notice, String)>> {
    let row = sqlx::query(sql!(
        "SELECT {NOTICE_COLS}, w.relay_secret FROM warning_notice n JOIN warning w ON w.id = n.warning_id \
         WHERE n.id = $1"
    ))
    .bind(id.0)
    .fetch_optional(c)
    .await?;
    row.map(|r| Ok((notice_row(&r)?, r.try_get::<Option<String>, _>("relay_secret")?.unwrap_or_default()))).transpose()
}

/// The notices of a warning under `scope_path`, by town, kind and name.
pub async fn notices(c: &mut AnyConnection, warning: WarningId, scope_path: &str) -> Result<Vec<Notice>> {
    let (scope, arg) = in_scope("n", scope_path);
    let rows = sqlx::query(sql!(
        "SELECT {NOTICE_COLS} FROM warning_notice n WHERE {scope} AND n.warning_id = $2 \
         ORDER BY n.town_code, n.kind DESC, n.division_code, n.id"
    ))
    .bind(arg)
    .bind(warning.0)
    .fetch_all(c)
    .await?;
    rows.iter().map(notice_row).collect()
}

/// Which of a user's notices: those of warnings in force at an instant, or of one warning.
#[derive(Debug, Clone, Copy)]
pub enum Inbox<'a> {
    InForce(&'a str),
    Of(WarningId),
}

/// A user's own notices of warnings: those of their town or village as a body, and those
/// of the points they watch; unacknowledged first.
pub async fn inbox(
    c: &mut AnyConnection,
    division: &str,
    kind: RecipientKind,
    username: &str,
    of: Inbox<'_>,
) -> Result<Vec<Notice>> {
    let (now, warning) = match of {
        Inbox::InForce(now) => (now, 0),
        Inbox::Of(w) => ("", w.0),
    };
    let rows = sqlx::query(sql!(
        "SELECT {NOTICE_COLS} FROM warning_notice n WHERE ((n.division_code = $1 AND n.kind = $2) \
         OR n.monitor_id IN (SELECT id FROM hazard_monitor WHERE username = $3)) \
         AND ($4 = '' OR n.warning_id IN (SELECT id FROM warning WHERE state = 'published' AND expires > $4)) \
         AND ($5 = 0 OR n.warning_id = $5) ORDER BY n.acknowledged_at IS NOT NULL, n.id DESC LIMIT 100"
    ))
    .bind(division)
    .bind(kind.as_str())
    .bind(username)
    .bind(now)
    .bind(warning)
    .fetch_all(c)
    .await?;
    rows.iter().map(notice_row).collect()
}

/// Acknowledges notices not yet acknowledged: (id, by). Returns the ids newly acknowledged.
pub async fn acknowledge(c: &mut AnyConnection, acks: &[(NoticeId, String)], at: &str) -> Result<Vec<NoticeId>> {
    let mut done = Vec::with_capacity(acks.len());
    for (id, by) in acks {
        let r = sqlx::query(
            "UPDATE warning_notice SET acknowledged_at = $1, acknowledged_by = $2 WHERE id = $3 AND acknowledged_at IS NULL",
        )
        .bind(at)
        .bind(by)
        .bind(id.0)
        .execute(&mut *c)
        .await?;
        if r.rows_affected() == 1 {
            done.push(*id);
        }
    }
    Ok(done)
}

/// Raises the notices of a warning still silent from escalation `from` to `from + 1`:
/// those notified (for the first step) or last raised (for the second) at or before
/// `cutoff`. Returns (town, count) of those raised, read off the update itself.
pub async fn escalate(
    c: &mut AnyConnection,
    warning: WarningId,
    from: i64,
    cutoff: &str,
    at: &str,
) -> Result<Vec<(String, i64)>> {
    // A notice goes up one step at a time, and the second step waits as long again.
    let since = if from == 0 { "notified_at" } else { "escalated_at" };
    let towns: Vec<String> = sqlx::query_scalar(sql!(
        "UPDATE warning_notice SET escalation = $1, escalated_at = $2 WHERE warning_id = $3 \
         AND acknowledged_at IS NULL AND escalation = $4 AND {since} <= $5 RETURNING town_code"
    ))
    .bind(from + 1)
    .bind(at)
    .bind(warning.0)
    .bind(from)
    .bind(cutoff)
    .fetch_all(c)
    .await?;
    let mut raised = std::collections::BTreeMap::new();
    for town in towns {
        *raised.entry(town).or_insert(0) += 1;
    }
    Ok(raised.into_iter().collect())
}

/// Per town and kind of recipient: (town, kind, told, acknowledged, escalated and silent).
pub async fn tally(
    c: &mut AnyConnection,
    warning: WarningId,
    scope_path: &str,
) -> Result<Vec<(String, RecipientKind, i64, i64, i64)>> {
    let (scope, arg) = in_scope("n", scope_path);
    let rows = sqlx::query(sql!(
        "SELECT n.town_code, n.kind, COUNT(*) AS told, COUNT(n.acknowledged_at) AS acked, \
         COALESCE(SUM(CASE WHEN n.acknowledged_at IS NULL AND n.escalation > 0 THEN 1 ELSE 0 END), 0) AS escalated \
         FROM warning_notice n WHERE {scope} AND n.warning_id = $2 GROUP BY n.town_code, n.kind ORDER BY n.town_code"
    ))
    .bind(arg)
    .bind(warning.0)
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get("kind")?;
            Ok((
                r.try_get("town_code")?,
                parse_col::<RecipientKind>(&kind, "warning_notice.kind")?,
                r.try_get("told")?,
                r.try_get("acked")?,
                r.try_get("escalated")?,
            ))
        })
        .collect()
}

/// (notified, acknowledged) of the acknowledged notices of a warning under the scope.
pub async fn ack_times(c: &mut AnyConnection, warning: WarningId, scope_path: &str) -> Result<Vec<(String, String)>> {
    let (scope, arg) = in_scope("n", scope_path);
    let rows = sqlx::query(sql!(
        "SELECT n.notified_at, n.acknowledged_at FROM warning_notice n WHERE {scope} AND n.warning_id = $2 \
         AND n.acknowledged_at IS NOT NULL"
    ))
    .bind(arg)
    .bind(warning.0)
    .fetch_all(c)
    .await?;
    rows.iter().map(|r| Ok((r.try_get("notified_at")?, r.try_get("acknowledged_at")?))).collect()
}

pub async fn insert_patrol(c: &mut AnyConnection, p: &Patrol) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO warning_patrol (warning_id, point_id, danger_found, finding, evacuated, reported_by, \
         reported_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(p.warning_id.0)
    .bind(p.point_id.0)
    .bind(i64::from(p.danger_found))
    .bind(&p.finding)
    .bind(p.evacuated)
    .bind(&p.reported_by)
    .bind(&p.reported_at)
    .fetch_one(c)
    .await?)
}

/// The patrols of a warning at points under `scope_path`, newest first.
pub async fn patrols(c: &mut AnyConnection, warning: WarningId, scope_path: &str) -> Result<Vec<Patrol>> {
    let (scope, arg) = in_scope("p", scope_path);
    let rows = sqlx::query(sql!(
        "SELECT t.id, t.warning_id, t.point_id, t.danger_found, t.finding, t.evacuated, t.reported_by, t.reported_at \
         FROM warning_patrol t JOIN hazard_point p ON p.id = t.point_id WHERE {scope} AND t.warning_id = $2 \
         ORDER BY t.id DESC"
    ))
    .bind(arg)
    .bind(warning.0)
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Patrol {
                id: r.try_get("id")?,
                warning_id: WarningId(r.try_get("warning_id")?),
                point_id: HazardPointId(r.try_get("point_id")?),
                danger_found: r.try_get::<i64, _>("danger_found")? != 0,
                finding: r.try_get("finding")?,
                evacuated: r.try_get("evacuated")?,
                reported_by: r.try_get("reported_by")?,
                reported_at: r.try_get("reported_at")?,
            })
        })
        .collect()
}
