//! Server-side sessions. The cookie carries a random secret; only its hash is stored,
//! so a copy of the database cannot be used to take over a session.

use grassroots_domain::core::user::UserId;
use sqlx::{AnyConnection, Row};

use crate::Result;

#[derive(Debug, Clone)]
pub struct StoredSession {
    pub user_id: UserId,
    pub csrf_token: String,
}

pub async fn insert(
    c: &mut AnyConnection,
    id_hash: &str,
    user: UserId,
    csrf: &str,
    now: &str,
    expires: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO session (id_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id_hash)
    .bind(user.0)
    .bind(csrf)
    .bind(now)
    .bind(expires)
    .execute(c)
    .await?;
    Ok(())
}

/// The session with this hash if it has not expired at `now`.
pub async fn get_live(c: &mut AnyConnection, id_hash: &str, now: &str) -> Result<Option<StoredSession>> {
    let row = sqlx::query("SELECT user_id, csrf_token FROM session WHERE id_hash = $1 AND expires_at > $2")
        .bind(id_hash)
        .bind(now)
        .fetch_optional(c)
        .await?;
    row.map(|r| Ok(StoredSession { user_id: UserId(r.try_get("user_id")?), csrf_token: r.try_get("csrf_token")? }))
        .transpose()
}

pub async fn delete(c: &mut AnyConnection, id_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM session WHERE id_hash = $1").bind(id_hash).execute(c).await?;
    Ok(())
}

/// Ends every session of a user (password change, disabling), except `keep` if given.
pub async fn delete_for_user(c: &mut AnyConnection, user: UserId, keep: Option<&str>) -> Result<u64> {
    let r = sqlx::query("DELETE FROM session WHERE user_id = $1 AND id_hash <> $2")
        .bind(user.0)
        .bind(keep.unwrap_or(""))
        .execute(c)
        .await?;
    Ok(r.rows_affected())
}

pub async fn delete_expired(c: &mut AnyConnection, now: &str) -> Result<u64> {
    Ok(sqlx::query("DELETE FROM session WHERE expires_at <= $1").bind(now).execute(c).await?.rows_affected())
}
