//! The append-only, hash-chained audit log. Appends are serialised by updating the one
//! head row inside the writer's transaction, which both backends lock until commit.

use grassroots_domain::core::audit::{AuditEntry, AuditRecord, chain_hash};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{Arg, page, under};
use crate::Result;

/// The fields of a record the caller provides; `seq` and the hashes are assigned here.
pub struct NewEntry<'a> {
    /// Division of the object; its county is derived from it.
    pub division_code: Option<&'a str>,
    pub at: &'a str,
    pub actor: &'a str,
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: &'a str,
    pub before: Option<String>,
    pub after: Option<String>,
}

pub async fn append(c: &mut AnyConnection, n: NewEntry<'_>) -> Result<AuditRecord> {
    let head =
        sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash").fetch_one(&mut *c).await?;
    let seq: i64 = head.try_get("seq")?;
    let prev_hash: String = head.try_get("hash")?;
    let entry = AuditEntry {
        seq,
        county_code: n.division_code.and_then(|d| d.get(..6)).map(str::to_owned),
        division_code: n.division_code.map(str::to_owned),
        at: n.at.to_owned(),
        actor: n.actor.to_owned(),
        action: n.action.to_owned(),
        object_type: n.object_type.to_owned(),
        object_id: n.object_id.to_owned(),
        before: n.before,
        after: n.after,
    };
    let hash = chain_hash(&prev_hash, &entry);
    sqlx::query(
        "INSERT INTO audit_log (seq, county_code, division_code, at, actor, action, object_type, object_id, \
         before_json, after_json, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(seq)
    .bind(&entry.county_code)
    .bind(&entry.division_code)
    .bind(&entry.at)
    .bind(&entry.actor)
    .bind(&entry.action)
    .bind(&entry.object_type)
    .bind(&entry.object_id)
    .bind(&entry.before)
    .bind(&entry.after)
    .bind(&prev_hash)
    .bind(&hash)
    .execute(&mut *c)
    .await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1").bind(&hash).execute(c).await?;
    Ok(AuditRecord { entry, prev_hash, hash })
}

const COLS: &str = "seq, county_code, division_code, at, actor, action, object_type, object_id, before_json, after_json, prev_hash, hash";

fn from_row(r: &AnyRow) -> Result<AuditRecord> {
    Ok(AuditRecord {
        entry: AuditEntry {
            seq: r.try_get("seq")?,
            county_code: r.try_get("county_code")?,
            division_code: r.try_get("division_code")?,
            at: r.try_get("at")?,
            actor: r.try_get("actor")?,
            action: r.try_get("action")?,
            object_type: r.try_get("object_type")?,
            object_id: r.try_get("object_id")?,
            before: r.try_get("before_json")?,
            after: r.try_get("after_json")?,
        },
        prev_hash: r.try_get("prev_hash")?,
        hash: r.try_get("hash")?,
    })
}

pub async fn head(c: &mut AnyConnection) -> Result<(i64, String)> {
    let r = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(c).await?;
    Ok((r.try_get("seq")?, r.try_get("hash")?))
}

/// Records with `seq > after`, in order, at most `limit`: verification reads in batches.
pub async fn batch(c: &mut AnyConnection, after: i64, limit: i64) -> Result<Vec<AuditRecord>> {
    let rows = sqlx::query(sql!("SELECT {COLS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"))
        .bind(after)
        .bind(limit)
        .fetch_all(c)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Newest first, about objects under `scope_path`; records with no division (system-wide
/// changes) only when `include_system`.
pub async fn list(
    c: &mut AnyConnection,
    scope_path: &str,
    include_system: bool,
    limit: i64,
    offset: i64,
) -> Result<(Vec<AuditRecord>, i64)> {
    let from = "FROM audit_log WHERE (division_code IN (SELECT code FROM division WHERE path LIKE $1) \
        OR ($2 = 1 AND division_code IS NULL))";
    let args = [Arg::Text(under(scope_path)), Arg::Int(i64::from(include_system))];
    page(c, COLS, from, "seq DESC", &args, limit, offset, from_row).await
}
