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
    let mut records = append_many(c, vec![n]).await?;
    records.pop().ok_or_else(|| crate::StoreError::Corrupt("an append wrote no record".into()))
}

/// Appends records in order with three statements (more for many thousands): the head is
/// moved once, the chain is computed here, and the records go in with one insert per
/// slice of what one statement binds.
pub async fn append_many(c: &mut AnyConnection, entries: Vec<NewEntry<'_>>) -> Result<Vec<AuditRecord>> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let n = i64::try_from(entries.len()).unwrap_or(i64::MAX);
    let head = sqlx::query("UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash")
        .bind(n)
        .fetch_one(&mut *c)
        .await?;
    let last: i64 = head.try_get("seq")?;
    let mut prev_hash: String = head.try_get("hash")?;
    let mut records = Vec::with_capacity(entries.len());
    for (seq, e) in (last - n + 1..).zip(entries) {
        let entry = AuditEntry {
            seq,
            county_code: e.division_code.and_then(|d| d.get(..6)).map(str::to_owned),
            division_code: e.division_code.map(str::to_owned),
            at: e.at.to_owned(),
            actor: e.actor.to_owned(),
            action: e.action.to_owned(),
            object_type: e.object_type.to_owned(),
            object_id: e.object_id.to_owned(),
            before: e.before,
            after: e.after,
        };
        let hash = chain_hash(&prev_hash, &entry);
        records.push(AuditRecord { entry, prev_hash: std::mem::replace(&mut prev_hash, hash.clone()), hash });
    }
    for slice in records.chunks(crate::core::MAX_BINDS / 12) {
        let sql = format!(
            "INSERT INTO audit_log (seq, county_code, division_code, at, actor, action, object_type, object_id, \
             before_json, after_json, prev_hash, hash) VALUES {}",
            crate::core::placeholders(slice.len(), 12)
        );
        let mut q = sqlx::query(sql!("{sql}"));
        for r in slice {
            let e = &r.entry;
            q = q.bind(e.seq).bind(&e.county_code).bind(&e.division_code).bind(&e.at).bind(&e.actor);
            q = q.bind(&e.action).bind(&e.object_type).bind(&e.object_id).bind(&e.before).bind(&e.after);
            q = q.bind(&r.prev_hash).bind(&r.hash);
        }
        q.execute(&mut *c).await?;
    }
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1").bind(&prev_hash).execute(c).await?;
    Ok(records)
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
