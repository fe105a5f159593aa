//! The audit chain: every state change is one record whose hash covers its content and
//! the previous record's hash, so altering, inserting or removing a record breaks the
//! chain at that point.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The hash before the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What one state change did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub seq: i64,
    /// County of the object, when it belongs to one: the log shards with the county.
    pub county_code: Option<String>,
    /// Division of the object, which decides who may read the record.
    pub division_code: Option<String>,
    /// Stored UTC instant.
    pub at: String,
    /// `user:<id>:<username>`, `token:<id>` via a user, or `system:<command>`.
    pub actor: String,
    /// e.g. `user.create`, `session.login`.
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    /// JSON of the object before the change, if it existed.
    pub before: Option<String>,
    /// JSON of the object after the change, if it still exists.
    pub after: Option<String>,
}

/// A stored record: the entry and its links.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AuditRecord {
    #[serde(flatten)]
    pub entry: AuditEntry,
    pub prev_hash: String,
    pub hash: String,
}

/// Each field is length-prefixed so that no two different entries hash the same bytes.
pub fn chain_hash(prev_hash: &str, e: &AuditEntry) -> String {
    let mut h = Sha256::new();
    let seq = e.seq.to_string();
    let fields: [Option<&str>; 11] = [
        Some(prev_hash),
        Some(&seq),
        e.county_code.as_deref(),
        e.division_code.as_deref(),
        Some(&e.at),
        Some(&e.actor),
        Some(&e.action),
        Some(&e.object_type),
        Some(&e.object_id),
        e.before.as_deref(),
        e.after.as_deref(),
    ];
    for f in fields {
        match f {
            Some(s) => {
                h.update((s.len() as u64).to_be_bytes());
                h.update(s.as_bytes());
            }
            None => h.update(u64::MAX.to_be_bytes()),
        }
    }
    hex::encode(h.finalize())
}

/// Where and how the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainBreak {
    pub seq: i64,
    pub problem: ChainProblem,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChainProblem {
    /// The record's content no longer matches its hash.
    Altered,
    /// The record does not link to the one before it: something was inserted or removed.
    Relinked,
    /// Sequence numbers skip: records were removed.
    Missing,
    /// The chain ends before the head says it does: records were removed at the end.
    Truncated,
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.problem {
            ChainProblem::Altered => "altered (content does not match its hash)",
            ChainProblem::Relinked => "inserted or re-linked (does not follow the record before it)",
            ChainProblem::Missing => "missing (records before it were removed)",
            ChainProblem::Truncated => "missing at the end (the chain is shorter than its head)",
        };
        write!(f, "audit record {}: {}", self.seq, what)
    }
}

/// Walks records in sequence order and checks every link, then that the chain reaches
/// the head (`head_seq`, `head_hash`) kept beside it.
pub struct ChainVerifier {
    expected_seq: i64,
    prev_hash: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self { expected_seq: 1, prev_hash: GENESIS.to_owned() }
    }
}

impl ChainVerifier {
    pub fn check(&mut self, r: &AuditRecord) -> Result<(), ChainBreak> {
        let seq = r.entry.seq;
        if seq != self.expected_seq {
            return Err(ChainBreak { seq: self.expected_seq, problem: ChainProblem::Missing });
        }
        if r.prev_hash != self.prev_hash {
            return Err(ChainBreak { seq, problem: ChainProblem::Relinked });
        }
        if chain_hash(&r.prev_hash, &r.entry) != r.hash {
            return Err(ChainBreak { seq, problem: ChainProblem::Altered });
        }
        self.expected_seq += 1;
        self.prev_hash.clone_from(&r.hash);
        Ok(())
    }

    /// Call after the last record. Returns how many records were checked.
    pub fn finish(self, head_seq: i64, head_hash: &str) -> Result<i64, ChainBreak> {
        let last = self.expected_seq - 1;
        if last < head_seq {
            return Err(ChainBreak { seq: last + 1, problem: ChainProblem::Truncated });
        }
        if last > head_seq || self.prev_hash != head_hash {
            return Err(ChainBreak { seq: last, problem: ChainProblem::Relinked });
        }
        Ok(last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditRecord> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|seq| {
                let entry = AuditEntry {
                    seq,
                    county_code: Some("340621".into()),
                    division_code: Some("340621104".into()),
                    at: format!("2026-11-26T08:00:{seq:02}.000000Z"),
                    actor: "system:test".into(),
                    action: "thing.create".into(),
                    object_type: "thing".into(),
                    object_id: seq.to_string(),
                    before: None,
                    after: Some(format!("{{\"n\":{seq}}}")),
                };
                let hash = chain_hash(&prev, &entry);
                let r = AuditRecord { entry, prev_hash: prev.clone(), hash: hash.clone() };
                prev = hash;
                r
            })
            .collect()
    }

    fn verify(rs: &[AuditRecord], head: (i64, &str)) -> Result<i64, ChainBreak> {
        let mut v = ChainVerifier::default();
        for r in rs {
            v.check(r)?;
        }
        v.finish(head.0, head.1)
    }

    #[test]
    fn intact_chain_verifies() {
        let rs = chain(5);
        assert_eq!(verify(&rs, (5, &rs[4].hash)), Ok(5));
    }

    #[test]
    fn altered_record_is_found() {
        let mut rs = chain(5);
        let head = rs[4].hash.clone();
        rs[2].entry.after = Some("{\"n\":99}".into());
        assert_eq!(verify(&rs, (5, &head)), Err(ChainBreak { seq: 3, problem: ChainProblem::Altered }));
    }

    #[test]
    fn removed_record_is_found() {
        let mut rs = chain(5);
        let head = rs[4].hash.clone();
        rs.remove(1);
        assert_eq!(verify(&rs, (5, &head)), Err(ChainBreak { seq: 2, problem: ChainProblem::Missing }));
        let mut rs = chain(5);
        rs.pop();
        assert_eq!(verify(&rs, (5, &head)), Err(ChainBreak { seq: 5, problem: ChainProblem::Truncated }));
    }

    #[test]
    fn inserted_record_is_found() {
        let rs = chain(5);
        let head = rs[4].hash.clone();
        // A forged record 3 rehashed on its own content still fails to link to the true record 2.
        let mut forged = rs.clone();
        forged[2].entry.action = "thing.delete".into();
        forged[2].prev_hash = "f".repeat(64);
        forged[2].hash = chain_hash(&forged[2].prev_hash, &forged[2].entry);
        assert_eq!(verify(&forged, (5, &head)), Err(ChainBreak { seq: 3, problem: ChainProblem::Relinked }));
    }
}
