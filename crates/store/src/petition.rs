//! Petitions and their timeline. The petitioner's data is stored sealed; this module
//! keeps the sealed text and the digest as given and never sees the data in clear.

use grassroots_domain::petition::{
    Channel, Petition, PetitionId, PetitionKind, PetitionLogLine, PetitionStage, Petitioner,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::core::{Arg, in_scope, page};
use crate::{Result, StoreError, parse_col};

const COLS: &str = "p.id, p.county_code, p.town_code, p.division_code, p.tracking_number, p.channel, p.kind, \
    p.title, p.content, p.people, p.petitioner_sealed, p.petitioner_digest, p.stage, p.received_on, p.sent_on, \
    p.decided_on, p.replied_on, p.extension_days, p.review_asked_on, p.reviewed_on, p.rereview_asked_on, \
    p.rereviewed_on, p.hearing_days, p.closed_on, p.due_on, p.satisfied, p.repeat_of, p.repeat_reason, \
    p.created_by, p.created_at";

/// A petition as stored: the petitioner still sealed, and the digest of the ID number.
#[derive(Debug, Clone)]
pub struct Stored {
    /// Its `petitioner` is empty until the seal is opened.
    pub petition: Petition,
    pub sealed: String,
    pub digest: String,
}

fn stored(r: &AnyRow) -> Result<Stored> {
    let channel: String = r.try_get("channel")?;
    let kind: String = r.try_get("kind")?;
    let stage: String = r.try_get("stage")?;
    let petition = Petition {
        id: PetitionId(r.try_get("id")?),
        county_code: r.try_get("county_code")?,
        town_code: r.try_get("town_code")?,
        division_code: r.try_get("division_code")?,
        tracking_number: r.try_get("tracking_number")?,
        channel: parse_col::<Channel>(&channel, "petition.channel")?,
        kind: parse_col::<PetitionKind>(&kind, "petition.kind")?,
        title: r.try_get("title")?,
        content: r.try_get("content")?,
        people: r.try_get("people")?,
        petitioner: Petitioner::default(),
        stage: parse_col::<PetitionStage>(&stage, "petition.stage")?,
        received_on: r.try_get("received_on")?,
        sent_on: r.try_get::<i64, _>("sent_on")? != 0,
        decided_on: r.try_get("decided_on")?,
        replied_on: r.try_get("replied_on")?,
        extension_days: r.try_get("extension_days")?,
        review_asked_on: r.try_get("review_asked_on")?,
        reviewed_on: r.try_get("reviewed_on")?,
        rereview_asked_on: r.try_get("rereview_asked_on")?,
        rereviewed_on: r.try_get("rereviewed_on")?,
        hearing_days: r.try_get("hearing_days")?,
        closed_on: r.try_get("closed_on")?,
        due_on: r.try_get("due_on")?,
        satisfied: r.try_get::<Option<i64>, _>("satisfied")?.map(|s| s != 0),
        repeat_of: r.try_get::<Option<i64>, _>("repeat_of")?.map(PetitionId),
        repeat_reason: r.try_get("repeat_reason")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
    };
    Ok(Stored { petition, sealed: r.try_get("petitioner_sealed")?, digest: r.try_get("petitioner_digest")? })
}

/// Inserts a petition (its id is ignored) with the sealed petitioner; returns the new id.
pub async fn insert(c: &mut AnyConnection, p: &Petition, sealed: &str, digest: &str) -> Result<PetitionId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO petition (county_code, town_code, division_code, tracking_number, channel, kind, title, content, \
         people, petitioner_sealed, petitioner_digest, stage, received_on, sent_on, extension_days, hearing_days, \
         due_on, repeat_of, repeat_reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
         $11, $12, $13, $14, 0, 0, $15, $16, $17, $18, $19) RETURNING id",
    )
    .bind(&p.county_code)
    .bind(&p.town_code)
    .bind(&p.division_code)
    .bind(&p.tracking_number)
    .bind(p.channel.as_str())
    .bind(p.kind.as_str())
    .bind(&p.title)
    .bind(&p.content)
    .bind(p.people)
    .bind(sealed)
    .bind(digest)
    .bind(p.stage.as_str())
    .bind(&p.received_on)
    .bind(i64::from(p.sent_on))
    .bind(p.due_on.as_deref())
    .bind(p.repeat_of.map(|r| r.0))
    .bind(p.repeat_reason.as_deref())
    .bind(&p.created_by)
    .bind(&p.created_at)
    .fetch_one(c)
    .await
    .map_err(StoreError::on_duplicate("tracking number"))?;
    Ok(PetitionId(id))
}

/// A petition and the path of its division.
pub async fn get(c: &mut AnyConnection, id: PetitionId) -> Result<Option<(Stored, String)>> {
    let row = sqlx::query(sql!(
        "SELECT {COLS}, d.path FROM petition p JOIN division d ON d.code = p.division_code WHERE p.id = $1"
    ))
    .bind(id.0)
    .fetch_optional(c)
    .await?;
    row.map(|r| Ok((stored(&r)?, r.try_get("path")?))).transpose()
}

pub async fn by_tracking_number(c: &mut AnyConnection, number: &str) -> Result<Option<Stored>> {
    let row = sqlx::query(sql!("SELECT {COLS} FROM petition p WHERE p.tracking_number = $1"))
        .bind(number)
        .fetch_optional(c)
        .await?;
    row.as_ref().map(stored).transpose()
}

/// Writes the steps of a petition, if it is still in the stage and rating it was read in.
pub async fn update(c: &mut AnyConnection, p: &Petition, before: &Petition) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE petition SET stage = $1, decided_on = $2, replied_on = $3, extension_days = $4, \
         review_asked_on = $5, reviewed_on = $6, rereview_asked_on = $7, rereviewed_on = $8, hearing_days = $9, \
         closed_on = $10, due_on = $11, satisfied = $12 \
         WHERE id = $13 AND stage = $14 AND extension_days = $15 AND COALESCE(satisfied, -1) = $16",
    )
    .bind(p.stage.as_str())
    .bind(p.decided_on.as_deref())
    .bind(p.replied_on.as_deref())
    .bind(p.extension_days)
    .bind(p.review_asked_on.as_deref())
    .bind(p.reviewed_on.as_deref())
    .bind(p.rereview_asked_on.as_deref())
    .bind(p.rereviewed_on.as_deref())
    .bind(p.hearing_days)
    .bind(p.closed_on.as_deref())
    .bind(p.due_on.as_deref())
    .bind(p.satisfied.map(i64::from))
    .bind(p.id.0)
    .bind(before.stage.as_str())
    .bind(before.extension_days)
    .bind(before.satisfied.map_or(-1, i64::from))
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Petitions of a scope, newest first; or only those past the day they were owed an
/// answer by, most overdue first.
pub async fn list(
    c: &mut AnyConnection,
    scope_path: &str,
    stage: Option<PetitionStage>,
    overdue_before: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Stored>, i64)> {
    let (scope, arg) = in_scope("p", scope_path);
    let mut from = format!("FROM petition p WHERE {scope}");
    let mut args = vec![Arg::Text(arg)];
    if let Some(s) = stage {
        args.push(Arg::Text(s.as_str().to_owned()));
        from.push_str(&format!(" AND p.stage = ${}", args.len()));
    }
    let mut order = "p.received_on DESC, p.id DESC";
    if let Some(day) = overdue_before {
        args.push(Arg::Text(day.to_owned()));
        from.push_str(&format!(" AND p.due_on < ${}", args.len()));
        order = "p.due_on, p.id";
    }
    page(c, COLS, &from, order, &args, limit, offset, stored).await
}

/// Earlier petitions of one petitioner (by the digest of the ID number) in a county.
pub async fn by_petitioner(c: &mut AnyConnection, county: &str, digest: &str) -> Result<Vec<Stored>> {
    let rows = sqlx::query(sql!(
        "SELECT {COLS} FROM petition p WHERE p.petitioner_digest = $1 AND p.county_code = $2 ORDER BY p.id"
    ))
    .bind(digest)
    .bind(county)
    .fetch_all(c)
    .await?;
    rows.iter().map(stored).collect()
}

/// (id, title and content) of the petitions about a town or village received since a
/// day, to compare matters.
pub async fn matters_since(c: &mut AnyConnection, division: &str, since: &str) -> Result<Vec<(PetitionId, String)>> {
    let rows = sqlx::query(
        "SELECT id, title, content FROM petition WHERE division_code = $1 AND received_on >= $2 ORDER BY id DESC",
    )
    .bind(division)
    .bind(since)
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            let (title, content): (String, String) = (r.try_get("title")?, r.try_get("content")?);
            Ok((PetitionId(r.try_get("id")?), format!("{title} {content}")))
        })
        .collect()
}

/// How many petitions (批次) about a county or town (by code) were received in a year.
pub async fn received_in_year(c: &mut AnyConnection, code: &str, year: i32) -> Result<i64> {
    let column = if code.len() == 9 { "town_code" } else { "county_code" };
    Ok(sqlx::query_scalar(sql!(
        "SELECT COUNT(*) FROM petition WHERE {column} = $1 AND received_on >= $2 AND received_on < $3"
    ))
    .bind(code)
    .bind(format!("{year:04}-01-01"))
    .bind(format!("{:04}-01-01", year + 1))
    .fetch_one(c)
    .await?)
}

pub async fn log(c: &mut AnyConnection, id: PetitionId, line: &PetitionLogLine) -> Result<()> {
    sqlx::query(
        "INSERT INTO petition_log (petition_id, action, on_day, note, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id.0)
    .bind(&line.action)
    .bind(&line.on_day)
    .bind(&line.note)
    .bind(&line.recorded_by)
    .bind(&line.recorded_at)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn timeline(c: &mut AnyConnection, id: PetitionId) -> Result<Vec<PetitionLogLine>> {
    let rows = sqlx::query(
        "SELECT action, on_day, note, recorded_by, recorded_at FROM petition_log WHERE petition_id = $1 ORDER BY id",
    )
    .bind(id.0)
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(PetitionLogLine {
                action: r.try_get("action")?,
                on_day: r.try_get("on_day")?,
                note: r.try_get("note")?,
                recorded_by: r.try_get("recorded_by")?,
                recorded_at: r.try_get("recorded_at")?,
            })
        })
        .collect()
}
