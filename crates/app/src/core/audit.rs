//! Writing, reading and verifying the audit chain.

use grassroots_domain::core::audit::{AuditRecord, ChainBreak, ChainVerifier};
use grassroots_domain::core::role::Permission;
use grassroots_domain::page::{Page, PageRequest};
use grassroots_store::Conn;
use grassroots_store::core::audit as store;
use serde::Serialize;

use super::now;
use crate::{Actor, App, Result};

/// What one state change did, for [`record`].
pub struct Change<'a> {
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: String,
    /// Division of the object: who may read the record follows from it.
    pub division_code: Option<String>,
    /// JSON of the object before, from [`json`].
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The JSON an audit record keeps of an object.
pub fn json<T: Serialize>(v: &T) -> Option<String> {
    Some(serde_json::to_string(v).unwrap_or_else(|e| format!("{{\"unserializable\":\"{e}\"}}")))
}

/// Appends the record and commits: the change and its trace land together or not at all.
pub async fn commit(mut tx: grassroots_store::Tx, actor: &Actor, ch: Change<'_>) -> Result<()> {
    record(&mut tx, actor, ch).await?;
    tx.commit().await.map_err(grassroots_store::StoreError::from)?;
    Ok(())
}

/// Appends the record inside the caller's transaction.
pub async fn record(c: &mut Conn, actor: &Actor, ch: Change<'_>) -> Result<()> {
    record_many(c, vec![(actor, ch)]).await
}

/// Appends records in order inside the caller's transaction, with one insert.
pub async fn record_many(c: &mut Conn, changes: Vec<(&Actor, Change<'_>)>) -> Result<()> {
    let at = now();
    let labels: Vec<String> = changes.iter().map(|(a, _)| a.label()).collect();
    let entries = changes
        .iter()
        .zip(&labels)
        .map(|((_, ch), label)| store::NewEntry {
            division_code: ch.division_code.as_deref(),
            at: &at,
            actor: label,
            action: ch.action,
            object_type: ch.object_type,
            object_id: &ch.object_id,
            before: ch.before.clone(),
            after: ch.after.clone(),
        })
        .collect();
    store::append_many(c, entries).await?;
    Ok(())
}

/// The outcome of walking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Verification {
    Intact { records: i64 },
    Broken(ChainBreak),
}

impl App {
    /// Walks the chain from the first record to the head, in batches.
    pub async fn verify_audit(&self) -> Result<Verification> {
        let mut c = self.store.conn().await?;
        let (head_seq, head_hash) = store::head(&mut c).await?;
        let mut v = ChainVerifier::default();
        let mut after = 0;
        loop {
            let batch = store::batch(&mut c, after, 1000).await?;
            let Some(last) = batch.last() else { break };
            after = last.entry.seq;
            for r in &batch {
                if let Err(b) = v.check(r) {
                    return Ok(Verification::Broken(b));
                }
            }
        }
        Ok(match v.finish(head_seq, &head_hash) {
            Ok(records) => Verification::Intact { records },
            Err(b) => Verification::Broken(b),
        })
    }

    /// The log of the actor's scope, newest first. System-wide records (no county) are
    /// shown only to those who see everything.
    pub async fn list_audit(&self, actor: &Actor, page: PageRequest) -> Result<Page<AuditRecord>> {
        actor.require(Permission::ReadAudit)?;
        let mut c = self.store.conn().await?;
        let (items, total) =
            store::list(&mut c, &actor.scope_path, actor.scope_path == "/", page.limit(), page.offset()).await?;
        Ok(Page::new(items, page, total))
    }
}
