//! Hazard points, warnings, their notices, patrols, webhooks and the outbox of deliveries.

use grassroots_domain::warning::{
    HazardKind, HazardPoint, HazardPointId, HazardScale, Level, LevelRule, MessageType, Monitor, Notice, NoticeId,
    Origin, Patrol, RecipientKind, Warning, WarningId, WarningState, Webhook,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::core::{Arg, in_scope, page, placeholders, under};
use crate::{Result, StoreError, parse_col};

// ---- hazard points ----

const POINT_COLS: &str = "p.id, p.county_code, p.town_code, p.division_code, p.number, p.name, p.kind, p.scale, \
    p.lon, p.lat, p.households, p.people, p.shelter, p.route";

fn point(r: &AnyRow) -> Result<HazardPoint> {
    let kind: String = r.try_get("kind")?;
    let scale: String = r.try_get("scale")?;
    Ok(HazardPoint {
        id: HazardPointId(r.try_get("id")?),
        county_code: r.try_get("county_code")?,
        town_code: r.try_get("town_code")?,
        division_code: r.try_get("division_code")?,
        number: r.try_get("number")?,
        name: r.try_get("name")?,
        kind: parse_col::<HazardKind>(&kind, "hazard_point.kind")?,
        scale: parse_col::<HazardScale>(&scale, "hazard_point.scale")?,
        lon: r.try_get("lon")?,
        lat: r.try_get("lat")?,
        households: r.try_get("households")?,
        people: r.try_get("people")?,
        shelter: r.try_get("shelter")?,
        route: r.try_get("route")?,
        monitors: Vec::new(),
    })
}

/// Inserts a point with its monitors; its town and county are as given.
pub async fn insert_point(c: &mut AnyConnection, p: &HazardPoint, by: &str, at: &str) -> Result<HazardPointId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO hazard_point (county_code, town_code, division_code, number, name, kind, scale, lon, lat, \
         households, people, shelter, route, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
    )
    .bind(&p.county_code)
    .bind(&p.town_code)
    .bind(&p.division_code)
    .bind(&p.number)
    .bind(&p.name)
    .bind(p.kind.as_str())
    .bind(p.scale.as_str())
    .bind(p.lon)
    .bind(p.lat)
    .bind(p.households)
    .bind(p.people)
    .bind(&p.shelter)
    .bind(&p.route)
    .bind(by)
    .bind(at)
    .fetch_one(&mut *c)
    .await
    .map_err(StoreError::on_duplicate("hazard point number"))?;
    insert_monitors(c, id, &p.monitors).await?;
    Ok(HazardPointId(id))
}

async fn insert_monitors(c: &mut AnyConnection, point: i64, monitors: &[Monitor]) -> Result<()> {
    if monitors.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO hazard_monitor (point_id, name, phone, username) VALUES {}",
        placeholders(monitors.len(), 4)
    );
    let mut q = sqlx::query(sql!("{sql}"));
    for m in monitors {
        q = q.bind(point).bind(&m.name).bind(&m.phone).bind(&m.username);
    }
    q.execute(c).await?;
    Ok(())
}

/// The numbers among `numbers` that are taken.
pub async fn taken_numbers(c: &mut AnyConnection, numbers: &[&str]) -> Result<Vec<String>> {
    let mut taken = Vec::new();
    for slice in numbers.chunks(crate::core::MAX_BINDS) {
        let sql = format!(
            "SELECT number FROM hazard_point WHERE number IN ({})",
            (1..=slice.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
        );
        let mut q = sqlx::query_scalar(sql!("{sql}"));
        for n in slice {
            q = q.bind(*n);
        }
        taken.extend(q.fetch_all(&mut *c).await?);
    }
    Ok(taken)
}

async fn with_monitors(c: &mut AnyConnection, mut points: Vec<HazardPoint>) -> Result<Vec<HazardPoint>> {
    if points.is_empty() {
        return Ok(points);
    }
    let sql = format!(
        "SELECT id, point_id, name, phone, username FROM hazard_monitor WHERE point_id IN ({}) ORDER BY id",
        (1..=points.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
    );
    let mut q = sqlx::query(sql!("{sql}"));
    for p in &points {
        q = q.bind(p.id.0);
    }
    for r in q.fetch_all(c).await? {
        let point: i64 = r.try_get("point_id")?;
        if let Some(p) = points.iter_mut().find(|p| p.id.0 == point) {
            p.monitors.push(Monitor {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                phone: r.try_get("phone")?,
                username: r.try_get("username")?,
            });
        }
    }
    Ok(points)
}

pub async fn point_id_by_number(c: &mut AnyConnection, number: &str) -> Result<Option<HazardPointId>> {
    let id: Option<i64> =
        sqlx::query_scalar("SELECT id FROM hazard_point WHERE number = $1").bind(number).fetch_optional(c).await?;
    Ok(id.map(HazardPointId))
}

/// A point with its monitors, and the path of its village.
pub async fn point_by_id(c: &mut AnyConnection, id: HazardPointId) -> Result<Option<(HazardPoint, String)>> {
    let row = sqlx::query(sql!(
        "SELECT {POINT_COLS}, d.path FROM hazard_point p JOIN division d ON d.code = p.division_code WHERE p.id = $1"
    ))
    .bind(id.0)
    .fetch_optional(&mut *c)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let path: String = r.try_get("path")?;
    let p = with_monitors(c, vec![point(&r)?]).await?.remove(0);
    Ok(Some((p, path)))
}

/// Points under `scope_path`, by town and number, with their monitors.
pub async fn points(
    c: &mut AnyConnection,
    scope_path: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<HazardPoint>, i64)> {
    let (scope, arg) = in_scope("p", scope_path);
    let from = format!("FROM hazard_point p WHERE {scope}");
    let (list, total) =
        page(c, POINT_COLS, &from, "p.town_code, p.number", &[Arg::Text(arg)], limit, offset, point).await?;
    Ok((with_monitors(c, list).await?, total))
}

/// Points of the villages under any of `paths` (the area of a warning).
pub async fn points_under(c: &mut AnyConnection, path: &str) -> Result<Vec<HazardPoint>> {
    let rows = sqlx::query(sql!(
        "SELECT {POINT_COLS} FROM hazard_point p JOIN division d ON d.code = p.division_code \
         WHERE d.path LIKE $1 ORDER BY p.number"
    ))
    .bind(under(path))
    .fetch_all(c)
    .await?;
    rows.iter().map(point).collect()
}

/// The points whose monitor is the user `username`.
pub async fn points_of_monitor(c: &mut AnyConnection, username: &str) -> Result<Vec<HazardPointId>> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT DISTINCT point_id FROM hazard_monitor WHERE username = $1")
        .bind(username)
        .fetch_all(c)
        .await?;
    Ok(ids.into_iter().map(HazardPointId).collect())
}

// ---- level rules ----

/// The rules a division set for itself, by level.
pub async fn rules(c: &mut AnyConnection, division: &str) -> Result<Vec<LevelRule>> {
    let rows = sqlx::query(
        "SELECT level, patrol_within_hours, ready_evacuation, evacuate, acknowledge_within_minutes \
         FROM warning_rule WHERE division_code = $1",
    )
    .bind(division)
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            let level: String = r.try_get("level")?;
            Ok(LevelRule {
                level: parse_col::<Level>(&level, "warning_rule.level")?,
                patrol_within_hours: r.try_get("patrol_within_hours")?,
                ready_evacuation: r.try_get::<i64, _>("ready_evacuation")? != 0,
                evacuate: r.try_get::<i64, _>("evacuate")? != 0,
                acknowledge_within_minutes: r.try_get("acknowledge_within_minutes")?,
            })
        })
        .collect()
}

pub async fn set_rule(c: &mut AnyConnection, division: &str, rule: &LevelRule) -> Result<()> {
    sqlx::query(
        "INSERT INTO warning_rule (division_code, level, patrol_within_hours, ready_evacuation, evacuate, \
         acknowledge_within_minutes) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (division_code, level) DO UPDATE SET patrol_within_hours = excluded.patrol_within_hours, \
         ready_evacuation = excluded.ready_evacuation, evacuate = excluded.evacuate, \
         acknowledge_within_minutes = excluded.acknowledge_within_minutes",
    )
    .bind(division)
    .bind(rule.level.as_str())
    .bind(rule.patrol_within_hours)
    .bind(i64::from(rule.ready_evacuation))
    .bind(i64::from(rule.evacuate))
    .bind(rule.acknowledge_within_minutes)
    .execute(c)
    .await?;
    Ok(())
}

// ---- warnings ----

const WARNING_COLS: &str = "w.id, w.division_code, w.origin, w.identifier, w.sender, w.msg_type, w.references_id, \
    w.level, w.headline, w.description, w.instruction, w.onset, w.expires, w.areas, w.polygon, w.state, \
    w.drafted_by, w.drafting_body, w.cosigned_by, w.cosigning_body, w.sent, w.created_at";

fn warning(r: &AnyRow) -> Result<Warning> {
    let origin: String = r.try_get("origin")?;
    let msg_type: String = r.try_get("msg_type")?;
    let level: String = r.try_get("level")?;
    let state: String = r.try_get("state")?;
    let areas: String = r.try_get("areas")?;
    Ok(Warning {
        id: WarningId(r.try_get("id")?),
        division_code: r.try_get("division_code")?,
        origin: parse_col::<Origin>(&origin, "warning.origin")?,
        identifier: r.try_get("identifier")?,
        sender: r.try_get("sender")?,
        msg_type: parse_col::<MessageType>(&msg_type, "warning.msg_type")?,
        references: r.try_get::<Option<i64>, _>("references_id")?.map(WarningId),
        level: parse_col::<Level>(&level, "warning.level")?,
        headline: r.try_get("headline")?,
        description: r.try_get("description")?,
        instruction: r.try_get("instruction")?,
        onset: r.try_get("onset")?,
        expires: r.try_get("expires")?,
        areas: areas.split_whitespace().map(str::to_owned).collect(),
        polygon: r.try_get("polygon")?,
        state: parse_col::<WarningState>(&state, "warning.state")?,
        drafted_by: r.try_get("drafted_by")?,
        drafting_body: r.try_get("drafting_body")?,
        cosigned_by: r.try_get("cosigned_by")?,
        cosigning_body: r.try_get("cosigning_body")?,
        sent: r.try_get("sent")?,
        created_at: r.try_get("created_at")?,
    })
}

/// A warning as stored, with what is kept beside it and never sent out.
#[derive(Debug, Clone)]
pub struct Stored {
    pub warning: Warning,
    pub drafting_body_id: Option<i64>,
    /// The CAP message fixed at publication or import.
    pub cap_xml: Option<String>,
    /// Keys the acknowledgement links of the warning's notices.
    pub relay_secret: Option<String>,
}

fn stored(r: &AnyRow) -> Result<Stored> {
    Ok(Stored {
        warning: warning(r)?,
        drafting_body_id: r.try_get("drafting_body_id")?,
        cap_xml: r.try_get("cap_xml")?,
        relay_secret: r.try_get("relay_secret")?,
    })
}

pub async fn insert_warning(c: &mut AnyConnection, w: &Stored) -> Result<WarningId> {
    let v = &w.warning;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO warning (division_code, origin, identifier, sender, msg_type, references_id, level, headline, \
         description, instruction, onset, expires, areas, polygon, state, drafted_by, drafting_body, drafting_body_id, \
         cosigned_by, cosigning_body, sent, cap_xml, relay_secret, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, \
         $23, $24) RETURNING id",
    )
    .bind(&v.division_code)
    .bind(v.origin.as_str())
    .bind(&v.identifier)
    .bind(&v.sender)
    .bind(v.msg_type.as_str())
    .bind(v.references.map(|r| r.0))
    .bind(v.level.as_str())
    .bind(&v.headline)
    .bind(&v.description)
    .bind(&v.instruction)
    .bind(&v.onset)
    .bind(&v.expires)
    .bind(v.areas.join(" "))
    .bind(&v.polygon)
    .bind(v.state.as_str())
    .bind(&v.drafted_by)
    .bind(&v.drafting_body)
    .bind(w.drafting_body_id)
    .bind(&v.cosigned_by)
    .bind(&v.cosigning_body)
    .bind(&v.sent)
    .bind(&w.cap_xml)
    .bind(&w.relay_secret)
    .bind(&v.created_at)
    .fetch_one(c)
    .await
    .map_err(StoreError::on_duplicate("CAP sender and identifier"))?;
    Ok(WarningId(id))
}

pub async fn get(c: &mut AnyConnection, id: WarningId) -> Result<Option<Stored>> {
    let row = sqlx::query(sql!(
        "SELECT {WARNING_COLS}, w.drafting_body_id, w.cap_xml, w.relay_secret FROM warning w WHERE w.id = $1"
    ))
    .bind(id.0)
    .fetch_optional(c)
    .await?;
    row.as_ref().map(stored).transpose()
}

pub async fn by_identifier(c: &mut AnyConnection, sender: &str, identifier: &str) -> Result<Option<Stored>> {
    let row = sqlx::query(sql!(
        "SELECT {WARNING_COLS}, w.drafting_body_id, w.cap_xml, w.relay_secret FROM warning w \
         WHERE w.sender = $1 AND w.identifier = $2"
    ))
    .bind(sender)
    .bind(identifier)
    .fetch_optional(c)
    .await?;
    row.as_ref().map(stored).transpose()
}

/// Identifiers already given in `prefix` (the division and second of a publication).
pub async fn identifiers_like(c: &mut AnyConnection, prefix: &str) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar("SELECT identifier FROM warning WHERE identifier LIKE $1")
        .bind(format!("{prefix}%"))
        .fetch_all(c)
        .await?)
}

/// Publishes a draft if it is still one: the co-signer, the identifier, the instant and
/// the CAP message are fixed together.
#[allow(clippy::too_many_arguments)]
pub async fn publish(
    c: &mut AnyConnection,
    id: WarningId,
    cosigned_by: &str,
    cosigning_body: &str,
    identifier: &str,
    sent: &str,
    cap_xml: &str,
    relay_secret: &str,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE warning SET state = 'published', cosigned_by = $1, cosigning_body = $2, identifier = $3, sent = $4, \
         cap_xml = $5, relay_secret = $6 WHERE id = $7 AND state = 'draft'",
    )
    .bind(cosigned_by)
    .bind(cosigning_body)
    .bind(identifier)
    .bind(sent)
    .bind(cap_xml)
    .bind(relay_secret)
    .bind(id.0)
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Moves a warning from one state to another; false if it was no longer in `from`.
pub async fn set_state(c: &mut AnyConnection, id: WarningId, from: WarningState, to: WarningState) -> Result<bool> {
    let r = sqlx::query("UPDATE warning SET state = $1 WHERE id = $2 AND state = $3")
        .bind(to.as_str())
        .bind(id.0)
        .bind(from.as_str())
        .execute(c)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Warnings issued within or above the scope, or imported: drafts only to `drafts_too`,
/// newest first.
pub async fn list(c: &mut AnyConnection, scope_path: &str, drafts_too: bool, limit: i64) -> Result<Vec<Warning>> {
    let drafts = if drafts_too { "" } else { "AND w.state <> 'draft' AND w.state <> 'withdrawn'" };
    let rows = sqlx::query(sql!(
        "SELECT {WARNING_COLS} FROM warning w LEFT JOIN division d ON d.code = w.division_code \
         WHERE (w.origin = 'imported' OR d.path LIKE $1 OR $2 LIKE d.path || '%') {drafts} \
         ORDER BY w.created_at DESC, w.id DESC LIMIT $3"
    ))
    .bind(under(scope_path))
    .bind(scope_path)
    .bind(limit)
    .fetch_all(c)
    .await?;
    rows.iter().map(warning).collect()
}

/// Published warnings not yet expired at `now`, newest first.
pub async fn active(c: &mut AnyConnection, now: &str) -> Result<Vec<Stored>> {
    let rows = sqlx::query(sql!(
        "SELECT {WARNING_COLS}, w.drafting_body_id, w.cap_xml, w.relay_secret FROM warning w \
         WHERE w.state = 'published' AND w.msg_type <> 'Cancel' AND w.expires > $1 ORDER BY w.sent DESC, w.id DESC"
    ))
    .bind(now)
    .fetch_all(c)
    .await?;
    rows.iter().map(stored).collect()
}

/// Published warnings of this installation whose notices may still need escalating.
pub async fn relaying(c: &mut AnyConnection, since: &str) -> Result<Vec<Warning>> {
    let rows = sqlx::query(sql!(
        "SELECT {WARNING_COLS} FROM warning w WHERE w.origin = 'issued' AND w.msg_type <> 'Cancel' \
         AND w.state IN ('published', 'superseded') AND w.sent >= $1 ORDER BY w.id"
    ))
    .bind(since)
    .fetch_all(c)
    .await?;
    rows.iter().map(warning).collect()
}

// ---- notices ----

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

/// A user's own notices of warnings: those of their town or village as a body, and those
/// of the points they watch; unacknowledged first; only of warnings in force at `now`
/// when it is given.
pub async fn inbox(
    c: &mut AnyConnection,
    division: &str,
    kind: RecipientKind,
    username: &str,
    now: Option<&str>,
) -> Result<Vec<Notice>> {
    let rows = sqlx::query(sql!(
        "SELECT {NOTICE_COLS} FROM warning_notice n WHERE ((n.division_code = $1 AND n.kind = $2) \
         OR n.monitor_id IN (SELECT id FROM hazard_monitor WHERE username = $3)) \
         AND ($4 = '' OR n.warning_id IN (SELECT id FROM warning WHERE state = 'published' AND expires > $4)) \
         ORDER BY n.acknowledged_at IS NOT NULL, n.id DESC LIMIT 100"
    ))
    .bind(division)
    .bind(kind.as_str())
    .bind(username)
    .bind(now.unwrap_or(""))
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

/// Raises notices of a warning still silent, notified at or before `notified_before`, from
/// escalation `from` to `from + 1`; returns (town, count) of those raised.
pub async fn escalate(
    c: &mut AnyConnection,
    warning: WarningId,
    from: i64,
    notified_before: &str,
    at: &str,
) -> Result<Vec<(String, i64)>> {
    // A notice goes up one step at a time, and the second step waits as long again.
    let since = if from == 0 { "n.notified_at" } else { "n.escalated_at" };
    let rows = sqlx::query(sql!(
        "SELECT n.town_code, COUNT(*) AS n FROM warning_notice n WHERE n.warning_id = $1 \
         AND n.acknowledged_at IS NULL AND n.escalation = $2 AND {since} <= $3 GROUP BY n.town_code ORDER BY n.town_code"
    ))
    .bind(warning.0)
    .bind(from)
    .bind(notified_before)
    .fetch_all(&mut *c)
    .await?;
    let raised = rows
        .iter()
        .map(|r| Ok((r.try_get::<String, _>("town_code")?, r.try_get::<i64, _>("n")?)))
        .collect::<Result<Vec<_>>>()?;
    let by_time = if from == 0 { "notified_at" } else { "escalated_at" };
    sqlx::query(sql!(
        "UPDATE warning_notice SET escalation = $1, escalated_at = $2 WHERE warning_id = $3 \
         AND acknowledged_at IS NULL AND escalation = $4 AND {by_time} <= $5"
    ))
    .bind(from + 1)
    .bind(at)
    .bind(warning.0)
    .bind(from)
    .bind(notified_before)
    .execute(c)
    .await?;
    Ok(raised)
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

// ---- patrols ----

pub async fn insert_patrol(c: &mut AnyConnection, p: &Patrol, town: &str) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO warning_patrol (warning_id, point_id, town_code, danger_found, finding, evacuated, reported_by, \
         reported_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(p.warning_id.0)
    .bind(p.point_id.0)
    .bind(town)
    .bind(i64::from(p.danger_found))
    .bind(&p.finding)
    .bind(p.evacuated)
    .bind(&p.reported_by)
    .bind(&p.reported_at)
    .fetch_one(c)
    .await?)
}

/// The patrols of a warning, newest first; only those of `town` when given.
pub async fn patrols(c: &mut AnyConnection, warning: WarningId, town: Option<&str>) -> Result<Vec<Patrol>> {
    let rows = sqlx::query(
        "SELECT id, warning_id, point_id, danger_found, finding, evacuated, reported_by, reported_at \
         FROM warning_patrol WHERE warning_id = $1 AND ($2 = '' OR town_code = $2) ORDER BY id DESC",
    )
    .bind(warning.0)
    .bind(town.unwrap_or(""))
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

// ---- webhooks and the outbox ----

fn webhook(r: &AnyRow) -> Result<Webhook> {
    Ok(Webhook {
        id: r.try_get("id")?,
        division_code: r.try_get("division_code")?,
        url: r.try_get("url")?,
        secret: r.try_get("secret")?,
        active: r.try_get::<i64, _>("active")? != 0,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
    })
}

pub async fn insert_webhook(c: &mut AnyConnection, w: &Webhook) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO warning_webhook (division_code, url, secret, active, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(&w.division_code)
    .bind(&w.url)
    .bind(&w.secret)
    .bind(i64::from(w.active))
    .bind(&w.created_by)
    .bind(&w.created_at)
    .fetch_one(c)
    .await?)
}

/// Active webhooks of divisions under `scope_path` or above it, with their division's path.
pub async fn webhooks(c: &mut AnyConnection, scope_path: &str) -> Result<Vec<(Webhook, String)>> {
    let rows = sqlx::query(
        "SELECT h.id, h.division_code, h.url, h.secret, h.active, h.created_by, h.created_at, d.path \
         FROM warning_webhook h JOIN division d ON d.code = h.division_code \
         WHERE h.active = 1 AND (d.path LIKE $1 OR $2 LIKE d.path || '%') ORDER BY h.id",
    )
    .bind(under(scope_path))
    .bind(scope_path)
    .fetch_all(c)
    .await?;
    rows.iter().map(|r| Ok((webhook(r)?, r.try_get("path")?))).collect()
}

pub async fn webhook_by_id(c: &mut AnyConnection, id: i64) -> Result<Option<Webhook>> {
    let row = sqlx::query(
        "SELECT id, division_code, url, secret, active, created_by, created_at FROM warning_webhook WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(c)
    .await?;
    row.as_ref().map(webhook).transpose()
}

/// A delivery owed: a text to a monitor or a webhook call.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub id: i64,
    pub warning_id: WarningId,
    pub channel: String,
    pub notice_id: Option<NoticeId>,
    pub webhook_id: Option<i64>,
    pub attempts: i64,
}

/// Deliveries pending and due at `now`, oldest first.
pub async fn due(c: &mut AnyConnection, now: &str, limit: i64) -> Result<Vec<Delivery>> {
    let rows = sqlx::query(
        "SELECT id, warning_id, channel, notice_id, webhook_id, attempts FROM warning_delivery \
         WHERE state = 'pending' AND next_at <= $1 ORDER BY next_at, id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Delivery {
                id: r.try_get("id")?,
                warning_id: WarningId(r.try_get("warning_id")?),
                channel: r.try_get("channel")?,
                notice_id: r.try_get::<Option<i64>, _>("notice_id")?.map(NoticeId),
                webhook_id: r.try_get("webhook_id")?,
                attempts: r.try_get("attempts")?,
            })
        })
        .collect()
}

/// Records an attempt: sent, or failed with the next try at `next_at` (none: given up).
pub async fn attempted(
    c: &mut AnyConnection,
    id: i64,
    now: &str,
    error: Option<&str>,
    next_at: Option<&str>,
) -> Result<()> {
    let state = match (error, next_at) {
        (None, _) => "sent",
        (Some(_), Some(_)) => "pending",
        (Some(_), None) => "failed",
    };
    sqlx::query(
        "UPDATE warning_delivery SET state = $1, attempts = attempts + 1, sent_at = $2, last_error = $3, \
         next_at = COALESCE($4, next_at) WHERE id = $5 AND state = 'pending'",
    )
    .bind(state)
    .bind(error.is_none().then_some(now))
    .bind(error)
    .bind(next_at)
    .bind(id)
    .execute(c)
    .await?;
    Ok(())
}

/// Per channel and state: (channel, state, count) of a warning's deliveries.
pub async fn delivery_counts(c: &mut AnyConnection, warning: WarningId) -> Result<Vec<(String, String, i64)>> {
    let rows = sqlx::query(
        "SELECT channel, state, COUNT(*) AS n FROM warning_delivery WHERE warning_id = $1 \
         GROUP BY channel, state ORDER BY channel, state",
    )
    .bind(warning.0)
    .fetch_all(c)
    .await?;
    rows.iter().map(|r| Ok((r.try_get("channel")?, r.try_get("state")?, r.try_get("n")?))).collect()
}
