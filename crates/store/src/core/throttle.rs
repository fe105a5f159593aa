//! Login attempts, counted per account and per address to slow down guessing.
//!
//! An attempt is recorded as `pending` before its password is checked and settled as
//! `failed` or `succeeded` after. Per account, pending attempts count as failures, so a
//! burst of parallel guesses cannot all slip past the limit; per address they do not,
//! so many people logging in at once behind one office's NAT are not held up.

use sqlx::AnyConnection;

use crate::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Pending,
    Failed,
    Succeeded,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Pending => "pending",
            Outcome::Failed => "failed",
            Outcome::Succeeded => "succeeded",
        }
    }
}

/// Records an attempt and returns its id.
pub async fn record(c: &mut AnyConnection, username: &str, address: &str, at: &str, outcome: Outcome) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO login_attempt (username, address, at, outcome) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(username)
    .bind(address)
    .bind(at)
    .bind(outcome.as_str())
    .fetch_one(c)
    .await?)
}

pub async fn settle(c: &mut AnyConnection, id: i64, outcome: Outcome) -> Result<()> {
    sqlx::query("UPDATE login_attempt SET outcome = $1 WHERE id = $2")
        .bind(outcome.as_str())
        .bind(id)
        .execute(c)
        .await?;
    Ok(())
}

/// Failed or pending attempts for this username since `since`, after its last success.
pub async fn failures_for_user(c: &mut AnyConnection, username: &str, since: &str) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM login_attempt WHERE username = $1 AND outcome <> 'succeeded' AND at > $2 \
         AND at > COALESCE((SELECT MAX(at) FROM login_attempt WHERE username = $1 AND outcome = 'succeeded'), '')",
    )
    .bind(username)
    .bind(since)
    .fetch_one(c)
    .await?)
}

/// Failed attempts from this address since `since`.
pub async fn failures_from_address(c: &mut AnyConnection, address: &str, since: &str) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM login_attempt WHERE address = $1 AND outcome = 'failed' AND at > $2")
        .bind(address)
        .bind(since)
        .fetch_one(c)
        .await?)
}

/// Attempts older than `before` no longer count; keep the table small.
pub async fn prune(c: &mut AnyConnection, before: &str) -> Result<u64> {
    Ok(sqlx::query("DELETE FROM login_attempt WHERE at < $1").bind(before).execute(c).await?.rows_affected())
}
