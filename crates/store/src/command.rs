//! Events of the command center and their timeline.

use grassroots_domain::command::{
    Attachment, AttachmentId, Category, Event, EventId, EventLogLine, EventState, Source,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::core::{Arg, in_scope, page, placeholders};
use crate::{Result, StoreError, parse_col};

const COLS: &str = "e.id, e.county_code, e.town_code, e.division_code, e.tracking_number, e.source, e.category, \
    e.title, e.description, e.address, e.lon, e.lat, e.reporter_name, e.reporter_phone, e.state, e.office, \
    e.dispatched_on, e.due_on, e.paused_on, e.extra_days, e.resolved_on, e.closed_on, e.merged_into, e.satisfied, \
    e.escalation, e.escalated_on, e.created_by, e.created_at";

fn event(r: &AnyRow) -> Result<Event> {
    let source: String = r.try_get("source")?;
    let category: String = r.try_get("category")?;
    let state: String = r.try_get("state")?;
    Ok(Event {
        id: EventId(r.try_get("id")?),
        county_code: r.try_get("county_code")?,
        town_code: r.try_get("town_code")?,
        division_code: r.try_get("division_code")?,
        tracking_number: r.try_get("tracking_number")?,
        source: parse_col::<Source>(&source, "event.source")?,
        category: parse_col::<Category>(&category, "event.category")?,
        title: r.try_get("title")?,
        description: r.try_get("description")?,
        address: r.try_get("address")?,
        lon: r.try_get("lon")?,
        lat: r.try_get("lat")?,
        reporter_name: r.try_get("reporter_name")?,
        reporter_phone: r.try_get("reporter_phone")?,
        state: parse_col::<EventState>(&state, "event.state")?,
        office: r.try_get("office")?,
        dispatched_on: r.try_get("dispatched_on")?,
        due_on: r.try_get("due_on")?,
        paused_on: r.try_get("paused_on")?,
        extra_days: r.try_get("extra_days")?,
        resolved_on: r.try_get("resolved_on")?,
        closed_on: r.try_get("closed_on")?,
        merged_into: r.try_get::<Option<i64>, _>("merged_into")?.map(EventId),
        satisfied: r.try_get::<Option<i64>, _>("satisfied")?.map(|s| s != 0),
        escalation: r.try_get("escalation")?,
        escalated_on: r.try_get("escalated_on")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
    })
}

/// Inserts events as given (their ids are ignored) with one statement, and returns the
/// new ids in the same order.
pub async fn insert_many(c: &mut AnyConnection, events: &[&Event]) -> Result<Vec<EventId>> {
    if events.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "INSERT INTO event (county_code, town_code, division_code, tracking_number, source, category, title, \
         description, address, lon, lat, reporter_name, reporter_phone, state, office, dispatched_on, due_on, \
         paused_on, extra_days, resolved_on, closed_on, merged_into, satisfied, escalation, escalated_on, \
         created_by, created_at) VALUES {} RETURNING id, tracking_number",
        placeholders(events.len(), 27)
    );
    let mut q = sqlx::query(sql!("{sql}"));
    for e in events {
        q = q.bind(&e.county_code).bind(&e.town_code).bind(&e.division_code).bind(&e.tracking_number);
        q = q.bind(e.source.as_str()).bind(e.category.as_str()).bind(&e.title).bind(&e.description);
        q = q.bind(&e.address).bind(e.lon).bind(e.lat).bind(&e.reporter_name).bind(&e.reporter_phone);
        q = q.bind(e.state.as_str()).bind(&e.office).bind(&e.dispatched_on).bind(&e.due_on).bind(&e.paused_on);
        q = q.bind(e.extra_days).bind(&e.resolved_on).bind(&e.closed_on).bind(e.merged_into.map(|m| m.0));
        q = q.bind(e.satisfied.map(i64::from)).bind(e.escalation).bind(&e.escalated_on).bind(&e.created_by);
        q = q.bind(&e.created_at);
    }
    let rows = q.fetch_all(c).await.map_err(StoreError::on_duplicate("tracking number"))?;
    // The order rows come back in is not promised: match them by tracking number.
    let mut ids = std::collections::HashMap::with_capacity(rows.len());
    for r in &rows {
        ids.insert(r.try_get::<String, _>("tracking_number")?, r.try_get::<i64, _>("id")?);
    }
    events
        .iter()
        .map(|e| {
            ids.get(&e.tracking_number)
                .map(|id| EventId(*id))
                .ok_or_else(|| StoreError::Corrupt(format!("no id came back for {}", e.tracking_number)))
        })
        .collect()
}

/// An event and the path of the division where it happened.
pub async fn get(c: &mut AnyConnection, id: EventId) -> Result<Option<(Event, String)>> {
    let row = sqlx::query(sql!(
        "SELECT {COLS}, d.path FROM event e JOIN division d ON d.code = e.division_code WHERE e.id = $1"
    ))
    .bind(id.0)
    .fetch_optional(c)
    .await?;
    row.map(|r| Ok((event(&r)?, r.try_get("path")?))).transpose()
}

pub async fn by_tracking_number(c: &mut AnyConnection, number: &str) -> Result<Option<Event>> {
    let row = sqlx::query(sql!("SELECT {COLS} FROM event e WHERE e.tracking_number = $1"))
        .bind(number)
        .fetch_optional(c)
        .await?;
    row.as_ref().map(event).transpose()
}

const OPEN: &str = "e.state IN ('dispatched', 'in_progress')";

/// Events under `scope_path`: in one state, or open past `overdue_before`.
pub async fn list(
    c: &mut AnyConnection,
    scope_path: &str,
    state: Option<EventState>,
    overdue_before: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Event>, i64)> {
    let (scope, arg) = in_scope("e", scope_path);
    let mut from = format!("FROM event e WHERE {scope}");
    let mut args = vec![Arg::Text(arg)];
    if let Some(s) = state {
        args.push(Arg::Text(s.as_str().to_owned()));
        from.push_str(&format!(" AND e.state = ${}", args.len()));
    }
    // The overdue come most overdue first; the others newest first.
    let mut order = "e.created_at DESC, e.id DESC";
    if let Some(day) = overdue_before {
        args.push(Arg::Text(day.to_owned()));
        from.push_str(&format!(" AND {OPEN} AND e.paused_on IS NULL AND e.due_on < ${}", args.len()));
        order = "e.due_on, e.id";
    }
    page(c, COLS, &from, order, &args, limit, offset, event).await
}

/// Open, running events past their deadline (due before `today`) not yet escalated to
/// the county, by deadline: the page after `after` (a deadline and an id).
pub async fn to_escalate(c: &mut AnyConnection, today: &str, after: (&str, i64), limit: i64) -> Result<Vec<Event>> {
    let rows = sqlx::query(sql!(
        "SELECT {COLS} FROM event e WHERE {OPEN} AND e.paused_on IS NULL \
         AND e.due_on < $1 AND e.escalation < 2 AND (e.due_on > $2 OR (e.due_on = $2 AND e.id > $3)) \
         ORDER BY e.due_on, e.id LIMIT $4"
    ))
    .bind(today)
    .bind(after.0)
    .bind(after.1)
    .bind(limit)
    .fetch_all(c)
    .await?;
    rows.iter().map(event).collect()
}

/// Open events per office under `scope_path`: (office, open, overdue on `today`).
pub async fn by_office(c: &mut AnyConnection, scope_path: &str, today: &str) -> Result<Vec<(String, i64, i64)>> {
    let (scope, arg) = in_scope("e", scope_path);
    let rows = sqlx::query(sql!(
        "SELECT e.office, COUNT(*) AS open, \
         COALESCE(SUM(CASE WHEN e.due_on < $2 AND e.paused_on IS NULL THEN 1 ELSE 0 END), 0) AS overdue \
         FROM event e WHERE {scope} AND {OPEN} GROUP BY e.office ORDER BY e.office"
    ))
    .bind(arg)
    .bind(today)
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get::<Option<String>, _>("office")?.unwrap_or_default(),
                r.try_get("open")?,
                r.try_get("overdue")?,
            ))
        })
        .collect()
}

/// Recent events of a town in a category since `since`, to look for the same report twice.
pub async fn recent(c: &mut AnyConnection, town: &str, category: Category, since: &str) -> Result<Vec<Event>> {
    let rows = sqlx::query(sql!(
        "SELECT {COLS} FROM event e WHERE e.town_code = $1 AND e.category = $2 AND e.created_at >= $3 \
         AND e.state <> 'merged' ORDER BY e.created_at DESC LIMIT 200"
    ))
    .bind(town)
    .bind(category.as_str())
    .bind(since)
    .fetch_all(c)
    .await?;
    rows.iter().map(event).collect()
}

/// Writes the changeable fields if the event is still as `before` was read: in the same
/// state, with the same rating and escalation (so a rating or an escalation is made once).
pub async fn update(c: &mut AnyConnection, e: &Event, before: &Event) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE event SET state = $1, office = $2, dispatched_on = $3, due_on = $4, extra_days = $5, resolved_on = $6, \
         closed_on = $7, merged_into = $8, satisfied = $9, paused_on = $10, escalation = $11, escalated_on = $12 \
         WHERE id = $13 AND state = $14 AND COALESCE(satisfied, -1) = $15 AND escalation = $16",
    )
    .bind(e.state.as_str())
    .bind(e.office.as_deref())
    .bind(e.dispatched_on.as_deref())
    .bind(e.due_on.as_deref())
    .bind(e.extra_days)
    .bind(e.resolved_on.as_deref())
    .bind(e.closed_on.as_deref())
    .bind(e.merged_into.map(|m| m.0))
    .bind(e.satisfied.map(i64::from))
    .bind(e.paused_on.as_deref())
    .bind(e.escalation)
    .bind(e.escalated_on.as_deref())
    .bind(e.id.0)
    .bind(before.state.as_str())
    .bind(before.satisfied.map_or(-1, i64::from))
    .bind(before.escalation)
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Timeline lines of many events with one statement.
pub async fn log_many(c: &mut AnyConnection, lines: &[(&Event, EventLogLine)]) -> Result<()> {
    if lines.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO event_log (county_code, event_id, action, note, recorded_by, recorded_at) VALUES {}",
        placeholders(lines.len(), 6)
    );
    let mut q = sqlx::query(sql!("{sql}"));
    for (e, l) in lines {
        q = q.bind(&e.county_code).bind(e.id.0).bind(&l.action).bind(&l.note).bind(&l.recorded_by);
        q = q.bind(&l.recorded_at);
    }
    q.execute(c).await?;
    Ok(())
}

pub async fn log(c: &mut AnyConnection, e: &Event, line: &EventLogLine) -> Result<()> {
    sqlx::query(
        "INSERT INTO event_log (county_code, event_id, action, note, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&e.county_code)
    .bind(e.id.0)
    .bind(&line.action)
    .bind(&line.note)
    .bind(&line.recorded_by)
    .bind(&line.recorded_at)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn timeline(c: &mut AnyConnection, id: EventId) -> Result<Vec<EventLogLine>> {
    let rows =
        sqlx::query("SELECT action, note, recorded_by, recorded_at FROM event_log WHERE event_id = $1 ORDER BY id")
            .bind(id.0)
            .fetch_all(c)
            .await?;
    rows.iter()
        .map(|r| {
            Ok(EventLogLine {
                action: r.try_get("action")?,
                note: r.try_get("note")?,
                recorded_by: r.try_get("recorded_by")?,
                recorded_at: r.try_get("recorded_at")?,
            })
        })
        .collect()
}

fn attachment(r: &AnyRow) -> Result<Attachment> {
    Ok(Attachment {
        id: AttachmentId(r.try_get("id")?),
        event_id: EventId(r.try_get("event_id")?),
        file_name: r.try_get("file_name")?,
        media_type: r.try_get("media_type")?,
        size: r.try_get("size")?,
        sha256: r.try_get("sha256")?,
        added_by: r.try_get("added_by")?,
        added_at: r.try_get("added_at")?,
    })
}

const ATTACHMENT_COLS: &str = "id, event_id, file_name, media_type, size, sha256, added_by, added_at";

pub async fn add_attachment(c: &mut AnyConnection, e: &Event, a: &Attachment) -> Result<AttachmentId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO event_attachment (county_code, event_id, file_name, media_type, size, sha256, added_by, added_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(&e.county_code)
    .bind(e.id.0)
    .bind(&a.file_name)
    .bind(&a.media_type)
    .bind(a.size)
    .bind(&a.sha256)
    .bind(&a.added_by)
    .bind(&a.added_at)
    .fetch_one(c)
    .await?;
    Ok(AttachmentId(id))
}

pub async fn attachments(c: &mut AnyConnection, event: EventId) -> Result<Vec<Attachment>> {
    let rows = sqlx::query(sql!("SELECT {ATTACHMENT_COLS} FROM event_attachment WHERE event_id = $1 ORDER BY id"))
        .bind(event.0)
        .fetch_all(c)
        .await?;
    rows.iter().map(attachment).collect()
}

pub async fn attachment_of(c: &mut AnyConnection, event: EventId, id: AttachmentId) -> Result<Option<Attachment>> {
    let row = sqlx::query(sql!("SELECT {ATTACHMENT_COLS} FROM event_attachment WHERE event_id = $1 AND id = $2"))
        .bind(event.0)
        .bind(id.0)
        .fetch_optional(c)
        .await?;
    row.as_ref().map(attachment).transpose()
}
