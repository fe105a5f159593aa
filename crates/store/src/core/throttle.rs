//! Login attempts, counted per account and per address to slow down guessing.

use sqlx::AnyConnection;

use crate::Result;

/// Records an attempt and returns its id.
pub async fn record(c: &mut AnyConnection, username: &str, address: &str, at: &str, succeeded: bool) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO login_attempt (username, address, at, succeeded) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(username)
    .bind(address)
    .bind(at)
    .bind(i64::from(succeeded))
    .fetch_one(c)
    .await?)
}

/// An attempt recorded as failed before the check turned out to succeed.
pub async fn mark_succeeded(c: &mut AnyConnection, id: i64) -> Result<()> {
    sqlx::query("UPDATE login_attempt SET succeeded = 1 WHERE id = $1").bind(id).execute(c).await?;
    Ok(())
}

/// Failed attempts for this username since `since`, after its last success.
pub async fn failures_for_user(c: &mut AnyConnection, username: &str, since: &str) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM login_attempt WHERE username = $1 AND succeeded = 0 AND at > $2 \
         AND at > COALESCE((SELECT MAX(at) FROM login_attempt WHERE username = $1 AND succeeded = 1), '')",
    )
    .bind(username)
    .bind(since)
    .fetch_one(c)
    .await?)
}

pub async fn failures_from_address(c: &mut AnyConnection, address: &str, since: &str) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM login_attempt WHERE address = $1 AND succeeded = 0 AND at > $2")
        .bind(address)
        .bind(since)
        .fetch_one(c)
        .await?)
}

/// Attempts older than `before` no longer count; keep the table small.
pub async fn prune(c: &mut AnyConnection, before: &str) -> Result<u64> {
    Ok(sqlx::query("DELETE FROM login_attempt WHERE at < $1").bind(before).execute(c).await?.rows_affected())
}
