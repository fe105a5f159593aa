//! API tokens, stored as hashes of their secrets.

use grassroots_domain::core::user::{ApiToken, TokenId, UserId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{Arg, page};
use crate::Result;

const COLS: &str = "id, user_id, name, prefix, created_at, expires_at, revoked_at, last_used_at";

fn from_row(r: &AnyRow) -> Result<ApiToken> {
    Ok(ApiToken {
        id: TokenId(r.try_get("id")?),
        user_id: UserId(r.try_get("user_id")?),
        name: r.try_get("name")?,
        prefix: r.try_get("prefix")?,
        created_at: r.try_get("created_at")?,
        expires_at: r.try_get("expires_at")?,
        revoked_at: r.try_get("revoked_at")?,
        last_used_at: r.try_get("last_used_at")?,
    })
}

pub struct NewToken<'a> {
    pub user_id: UserId,
    pub name: &'a str,
    pub prefix: &'a str,
    pub token_hash: &'a str,
    pub now: &'a str,
    pub expires_at: Option<&'a str>,
}

pub async fn insert(c: &mut AnyConnection, t: &NewToken<'_>) -> Result<ApiToken> {
    let row = sqlx::query(sql!(
        "INSERT INTO api_token (user_id, name, prefix, token_hash, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING {COLS}"
    ))
    .bind(t.user_id.0)
    .bind(t.name)
    .bind(t.prefix)
    .bind(t.token_hash)
    .bind(t.now)
    .bind(t.expires_at)
    .fetch_one(c)
    .await?;
    from_row(&row)
}

pub async fn get(c: &mut AnyConnection, id: TokenId) -> Result<Option<ApiToken>> {
    let row = sqlx::query(sql!("SELECT {COLS} FROM api_token WHERE id = $1")).bind(id.0).fetch_optional(c).await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn touch(c: &mut AnyConnection, id: TokenId, now: &str) -> Result<()> {
    sqlx::query("UPDATE api_token SET last_used_at = $1 WHERE id = $2").bind(now).bind(id.0).execute(c).await?;
    Ok(())
}

pub async fn list_for_user(
    c: &mut AnyConnection,
    user: UserId,
    limit: i64,
    offset: i64,
) -> Result<(Vec<ApiToken>, i64)> {
    let args = [Arg::Int(user.0)];
    page(c, COLS, "FROM api_token WHERE user_id = $1", "id DESC", &args, limit, offset, from_row).await
}

pub async fn revoke(c: &mut AnyConnection, id: TokenId, now: &str) -> Result<()> {
    sqlx::query("UPDATE api_token SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(id.0)
        .execute(c)
        .await?;
    Ok(())
}

/// Holds the row until the transaction ends, so that a read-check-write cannot race
/// another writer (PostgreSQL locks the row; SQLite already holds the database lock).
pub async fn lock(c: &mut AnyConnection, id: TokenId) -> Result<()> {
    sqlx::query("UPDATE api_token SET id = id WHERE id = $1").bind(id.0).execute(c).await?;
    Ok(())
}
