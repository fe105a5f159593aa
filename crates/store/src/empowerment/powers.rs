//! Towns' power lists (一镇一单) as published versions, and the uses of each power.

use grassroots_domain::empowerment::{MatterId, Power, PowerListId, PowerListVersion, PowerUse, RoundId, UseKind};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::{Result, StoreError, parse_col};

const COLS: &str = "v.id, v.county_code, v.division_code, v.number, v.effective_from, v.note, v.round_id, \
    v.created_by, v.created_at";

fn version(r: &AnyRow) -> Result<PowerListVersion> {
    Ok(PowerListVersion {
        id: PowerListId(r.try_get("id")?),
        county_code: r.try_get("county_code")?,
        division_code: r.try_get("division_code")?,
        number: r.try_get("number")?,
        effective_from: r.try_get("effective_from")?,
        note: r.try_get("note")?,
        round_id: r.try_get::<Option<i64>, _>("round_id")?.map(RoundId),
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
    })
}

pub struct NewVersion<'a> {
    pub division: &'a str,
    pub effective_from: &'a str,
    pub note: &'a str,
    pub round: Option<RoundId>,
    pub by: &'a str,
    pub now: &'a str,
}

/// A new version with its entries: (matter, held since).
pub async fn insert_version(
    c: &mut AnyConnection,
    v: &NewVersion<'_>,
    entries: &[(MatterId, String)],
) -> Result<PowerListVersion> {
    let number: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(number), 0) + 1 FROM power_list_version WHERE division_code = $1")
            .bind(v.division)
            .fetch_one(&mut *c)
            .await?;
    let county = v.division.get(..6).unwrap_or(v.division);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO power_list_version (county_code, division_code, number, effective_from, note, round_id, \
         created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(county)
    .bind(v.division)
    .bind(number)
    .bind(v.effective_from)
    .bind(v.note)
    .bind(v.round.map(|r| r.0))
    .bind(v.by)
    .bind(v.now)
    .fetch_one(&mut *c)
    .await
    .map_err(StoreError::on_duplicate("power list number (another version was made at the same moment)"))?;
    for (matter, since) in entries {
        sqlx::query(
            "INSERT INTO power_list_entry (county_code, version_id, matter_id, held_since) VALUES ($1, $2, $3, $4)",
        )
        .bind(county)
        .bind(id)
        .bind(matter.0)
        .bind(since)
        .execute(&mut *c)
        .await?;
    }
    let row =
        sqlx::query(sql!("SELECT {COLS} FROM power_list_version v WHERE v.id = $1")).bind(id).fetch_one(c).await?;
    version(&row)
}

/// Every version of a town's list, newest first.
pub async fn versions(c: &mut AnyConnection, division: &str) -> Result<Vec<PowerListVersion>> {
    let rows =
        sqlx::query(sql!("SELECT {COLS} FROM power_list_version v WHERE v.division_code = $1 ORDER BY v.number DESC"))
            .bind(division)
            .fetch_all(c)
            .await?;
    rows.iter().map(version).collect()
}

/// The version in force on `date`: the latest to take effect by then.
pub async fn in_force(c: &mut AnyConnection, division: &str, date: &str) -> Result<Option<PowerListVersion>> {
    let row = sqlx::query(sql!(
        "SELECT {COLS} FROM power_list_version v WHERE v.division_code = $1 AND v.effective_from <= $2 \
         ORDER BY v.effective_from DESC, v.number DESC LIMIT 1"
    ))
    .bind(division)
    .bind(date)
    .fetch_optional(c)
    .await?;
    row.as_ref().map(version).transpose()
}

/// The newest version, whatever day it takes effect; the next version builds on it.
pub async fn latest(c: &mut AnyConnection, division: &str) -> Result<Option<PowerListVersion>> {
    Ok(versions(c, division).await?.into_iter().next())
}

/// The powers of a version, by matter code.
/// How many powers a version of a power list holds.
pub async fn count(c: &mut AnyConnection, version: PowerListId) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM power_list_entry WHERE version_id = $1")
        .bind(version.0)
        .fetch_one(c)
        .await?)
}

pub async fn powers(c: &mut AnyConnection, version: PowerListId) -> Result<Vec<(MatterId, Power)>> {
    let rows = sqlx::query(
        "SELECT m.id, m.code, m.name, m.power_type, m.department, m.risk, e.held_since FROM power_list_entry e \
         JOIN catalog_matter m ON m.id = e.matter_id WHERE e.version_id = $1 ORDER BY m.code",
    )
    .bind(version.0)
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            let power_type: String = r.try_get("power_type")?;
            let risk: String = r.try_get("risk")?;
            Ok((
                MatterId(r.try_get("id")?),
                Power {
                    matter_code: r.try_get("code")?,
                    name: r.try_get("name")?,
                    power_type: parse_col(&power_type, "catalog_matter.power_type")?,
                    department: r.try_get("department")?,
                    risk: parse_col(&risk, "catalog_matter.risk")?,
                    held_since: r.try_get("held_since")?,
                },
            ))
        })
        .collect()
}

/// Whether a version holds a matter.
pub async fn contains(c: &mut AnyConnection, version: PowerListId, matter: MatterId) -> Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM power_list_entry WHERE version_id = $1 AND matter_id = $2")
        .bind(version.0)
        .bind(matter.0)
        .fetch_one(c)
        .await?;
    Ok(n > 0)
}

pub struct NewUse<'a> {
    pub division: &'a str,
    pub matter: MatterId,
    pub used_on: &'a str,
    pub kind: UseKind,
    pub reference: &'a str,
    pub complaint: bool,
    pub reversed: bool,
    pub by: &'a str,
    pub now: &'a str,
}

pub async fn insert_use(c: &mut AnyConnection, u: &NewUse<'_>) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO power_use (county_code, division_code, matter_id, used_on, kind, reference, complaint, reversed, \
         recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(u.division.get(..6).unwrap_or(u.division))
    .bind(u.division)
    .bind(u.matter.0)
    .bind(u.used_on)
    .bind(u.kind.as_str())
    .bind(u.reference)
    .bind(i64::from(u.complaint))
    .bind(i64::from(u.reversed))
    .bind(u.by)
    .bind(u.now)
    .fetch_one(c)
    .await?)
}

/// A town's uses on or after `since`, newest first.
pub async fn uses(c: &mut AnyConnection, division: &str, since: &str) -> Result<Vec<PowerUse>> {
    let rows = sqlx::query(
        "SELECT u.id, u.division_code, m.code, u.used_on, u.kind, u.reference, u.complaint, u.reversed, \
         u.recorded_by, u.recorded_at FROM power_use u JOIN catalog_matter m ON m.id = u.matter_id \
         WHERE u.division_code = $1 AND u.used_on >= $2 ORDER BY u.used_on DESC, u.id DESC",
    )
    .bind(division)
    .bind(since)
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get("kind")?;
            Ok(PowerUse {
                id: r.try_get("id")?,
                division_code: r.try_get("division_code")?,
                matter_code: r.try_get("code")?,
                used_on: r.try_get("used_on")?,
                kind: parse_col(&kind, "power_use.kind")?,
                reference: r.try_get("reference")?,
                complaint: r.try_get::<i64, _>("complaint")? != 0,
                reversed: r.try_get::<i64, _>("reversed")? != 0,
                recorded_by: r.try_get("recorded_by")?,
                recorded_at: r.try_get("recorded_at")?,
            })
        })
        .collect()
}
