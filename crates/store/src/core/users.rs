//! Users, with the division path of their body, which is their scope.

use grassroots_domain::core::body::BodyId;
use grassroots_domain::core::role::Role;
use grassroots_domain::core::user::{User, UserId, Username};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{Arg, contains, page, under};
use crate::{Result, StoreError, parse_col};

/// A user with what authentication and scope need.
#[derive(Debug, Clone)]
pub struct StoredUser {
    pub user: User,
    pub password_hash: String,
    /// Division of the user's body.
    pub division_code: String,
    /// Path of that division: the user's scope.
    pub scope_path: String,
}

const SELECT_COLS: &str = "u.id, u.county_code, u.username, u.display_name, u.role, u.body_id, u.created_at, \
    u.disabled_at, u.locked_until, u.password_hash, b.division_code, d.path";
const JOINS: &str = "FROM app_user u JOIN body b ON b.id = u.body_id JOIN division d ON d.code = b.division_code";

fn from_row(r: &AnyRow) -> Result<StoredUser> {
    let county: String = r.try_get("county_code")?;
    let username: String = r.try_get("username")?;
    let role: String = r.try_get("role")?;
    Ok(StoredUser {
        user: User {
            id: UserId(r.try_get("id")?),
            county_code: parse_col(&county, "app_user.county_code")?,
            username: Username::parse(&username).map_err(|_| StoreError::Corrupt(format!("username {username}")))?,
            display_name: r.try_get("display_name")?,
            role: parse_col::<Role>(&role, "app_user.role")?,
            body_id: BodyId(r.try_get("body_id")?),
            created_at: r.try_get("created_at")?,
            disabled_at: r.try_get("disabled_at")?,
            locked_until: r.try_get("locked_until")?,
        },
        password_hash: r.try_get("password_hash")?,
        division_code: r.try_get("division_code")?,
        scope_path: r.try_get("path")?,
    })
}

pub struct NewUser<'a> {
    pub county_code: &'a str,
    pub username: &'a Username,
    pub display_name: &'a str,
    pub role: Role,
    pub body_id: BodyId,
    pub password_hash: &'a str,
    pub now: &'a str,
}

pub async fn insert(c: &mut AnyConnection, u: &NewUser<'_>) -> Result<UserId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO app_user (county_code, username, display_name, role, body_id, password_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(u.county_code)
    .bind(u.username.as_str())
    .bind(u.display_name)
    .bind(u.role.as_str())
    .bind(u.body_id.0)
    .bind(u.password_hash)
    .bind(u.now)
    .fetch_one(c)
    .await
    .map_err(StoreError::on_duplicate("username"))?;
    Ok(UserId(id))
}

pub async fn get(c: &mut AnyConnection, id: UserId) -> Result<Option<StoredUser>> {
    let row = sqlx::query(sql!("SELECT {SELECT_COLS} {JOINS} WHERE u.id = $1")).bind(id.0).fetch_optional(c).await?;
    row.as_ref().map(from_row).transpose()
}

/// The user of the live token with this hash (not revoked, not expired at `now`), with
/// the token's id and last use: one query for every API request that carries a token.
pub async fn by_live_token(
    c: &mut AnyConnection,
    token_hash: &str,
    now: &str,
) -> Result<Option<(StoredUser, grassroots_domain::core::user::TokenId, Option<String>)>> {
    let row = sqlx::query(sql!(
        "SELECT {SELECT_COLS}, t.id AS token_id, t.last_used_at {JOINS} JOIN api_token t ON t.user_id = u.id \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2)"
    ))
    .bind(token_hash)
    .bind(now)
    .fetch_optional(c)
    .await?;
    row.map(|r| {
        let id = grassroots_domain::core::user::TokenId(r.try_get("token_id")?);
        Ok((from_row(&r)?, id, r.try_get("last_used_at")?))
    })
    .transpose()
}

pub async fn by_username(c: &mut AnyConnection, username: &str) -> Result<Option<StoredUser>> {
    let row = sqlx::query(sql!("SELECT {SELECT_COLS} {JOINS} WHERE u.username = $1"))
        .bind(username)
        .fetch_optional(c)
        .await?;
    row.as_ref().map(from_row).transpose()
}

#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub body_id: Option<BodyId>,
    pub role: Option<Role>,
    pub username: Option<String>,
}

pub async fn list(
    c: &mut AnyConnection,
    scope_path: &str,
    f: &UserFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<User>, i64)> {
    let from = format!(
        "{JOINS} WHERE d.path LIKE $1 AND ($2 = 0 OR u.body_id = $2) AND ($3 = '' OR u.role = $3) AND ($4 = '' OR u.username LIKE $4 ESCAPE '\\')"
    );
    let args = [
        Arg::Text(under(scope_path)),
        Arg::Int(f.body_id.map(|b| b.0).unwrap_or(0)),
        Arg::Text(f.role.map(|r| r.as_str().to_owned()).unwrap_or_default()),
        Arg::Text(contains(f.username.as_ref())),
    ];
    page(c, SELECT_COLS, &from, "u.username", &args, limit, offset, |r| from_row(r).map(|s| s.user)).await
}

pub async fn set_disabled(c: &mut AnyConnection, id: UserId, at: Option<&str>) -> Result<()> {
    sqlx::query("UPDATE app_user SET disabled_at = $1 WHERE id = $2").bind(at).bind(id.0).execute(c).await?;
    Ok(())
}

pub async fn set_password(c: &mut AnyConnection, id: UserId, hash: &str) -> Result<()> {
    sqlx::query("UPDATE app_user SET password_hash = $1, locked_until = NULL WHERE id = $2")
        .bind(hash)
        .bind(id.0)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn set_locked_until(c: &mut AnyConnection, id: UserId, until: Option<&str>) -> Result<()> {
    sqlx::query("UPDATE app_user SET locked_until = $1 WHERE id = $2").bind(until).bind(id.0).execute(c).await?;
    Ok(())
}

/// Holds the row until the transaction ends, so that a read-check-write cannot race
/// another writer (PostgreSQL locks the row; SQLite already holds the database lock).
pub async fn lock(c: &mut AnyConnection, id: UserId) -> Result<()> {
    sqlx::query("UPDATE app_user SET id = id WHERE id = $1").bind(id.0).execute(c).await?;
    Ok(())
}
