//! Geohazard warnings: what each level requires, the warnings themselves; hazard points
//! ([`points`]), notices and patrols ([`notices`]), webhooks and the outbox ([`outbox`]).

mod notices;
mod outbox;
mod points;

pub use notices::*;
pub use outbox::*;
pub use points::*;

use grassroots_domain::warning::{Level, LevelRule, MessageType, Origin, Warning, WarningId, WarningState};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::core::under;
use crate::{Result, StoreError, parse_col};

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

const WARNING_COLS: &str = "w.id, w.division_code, w.origin, w.identifier, w.sender, w.msg_type, w.references_id, \
    w.level, w.headline, w.description, w.instruction, w.onset, w.expires, w.areas, w.polygon, w.state, \
    w.drafted_by, w.drafting_body, w.cosigned_by, w.cosigning_body, w.sent, w.created_at";

/// A warning's columns and what is kept beside it.
const STORED_COLS: &str = "w.id, w.division_code, w.origin, w.identifier, w.sender, w.msg_type, w.references_id, \
    w.level, w.headline, w.description, w.instruction, w.onset, w.expires, w.areas, w.polygon, w.state, \
    w.drafted_by, w.drafting_body, w.cosigned_by, w.cosigning_body, w.sent, w.created_at, w.drafting_body_id, \
    w.cap_xml, w.relay_secret";

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
    let row =
        sqlx::query(sql!("SELECT {STORED_COLS} FROM warning w WHERE w.id = $1")).bind(id.0).fetch_optional(c).await?;
    row.as_ref().map(stored).transpose()
}

pub async fn by_identifier(c: &mut AnyConnection, sender: &str, identifier: &str) -> Result<Option<Stored>> {
    let row = sqlx::query(sql!(
        "SELECT {STORED_COLS} FROM warning w \
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
    .await
    .map_err(StoreError::on_duplicate("CAP sender and identifier"))?;
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

/// Warnings issued within or above the scope, or imported, newest first, each with the
/// body that drafted it; drafts only those of `drafts_of` (the reader's own division's).
pub async fn list(
    c: &mut AnyConnection,
    scope_path: &str,
    drafts_of: Option<&str>,
    limit: i64,
) -> Result<Vec<(Warning, Option<i64>)>> {
    let rows = sqlx::query(sql!(
        "SELECT {WARNING_COLS}, w.drafting_body_id FROM warning w LEFT JOIN division d ON d.code = w.division_code \
         WHERE (w.origin = 'imported' OR d.path LIKE $1 OR $2 LIKE d.path || '%') \
         AND (w.state NOT IN ('draft', 'withdrawn') OR w.division_code = $3) \
         ORDER BY w.created_at DESC, w.id DESC LIMIT $4"
    ))
    .bind(under(scope_path))
    .bind(scope_path)
    .bind(drafts_of.unwrap_or(""))
    .bind(limit)
    .fetch_all(c)
    .await?;
    rows.iter().map(|r| Ok((warning(r)?, r.try_get("drafting_body_id")?))).collect()
}

/// Published warnings not yet expired at `now`, newest first.
pub async fn active(c: &mut AnyConnection, now: &str) -> Result<Vec<Stored>> {
    let rows = sqlx::query(sql!(
        "SELECT {STORED_COLS} FROM warning w \
         WHERE w.state = 'published' AND w.msg_type <> 'Cancel' AND w.expires > $1 ORDER BY w.sent DESC, w.id DESC"
    ))
    .bind(now)
    .fetch_all(c)
    .await?;
    rows.iter().map(stored).collect()
}

/// Warnings of this installation in force at `now`: their silent notices escalate.
pub async fn relaying(c: &mut AnyConnection, now: &str) -> Result<Vec<Warning>> {
    let rows = sqlx::query(sql!(
        "SELECT {WARNING_COLS} FROM warning w WHERE w.origin = 'issued' AND w.msg_type <> 'Cancel' \
         AND w.state = 'published' AND w.expires > $1 ORDER BY w.id"
    ))
    .bind(now)
    .fetch_all(c)
    .await?;
    rows.iter().map(warning).collect()
}
