//! API tokens for integrations: a secret shown once, stored as its hash, scoped to the
//! user who made it (it acts as that user), revocable.

use grassroots_domain::ValidationError;
use grassroots_domain::core::role::Permission;
use grassroots_domain::core::user::{ApiToken, TokenId, UserId};
use grassroots_domain::page::{Page, PageRequest};
use grassroots_store::core::{tokens, users};
use serde::{Deserialize, Serialize};

use super::audit::{self, Change};
use super::auth::{random_hex, sha256_hex};
use super::{now, stored_in};
use crate::{Actor, App, AppError, Result};

pub const TOKEN_PREFIX: &str = "grt_";

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenRequest {
    /// What the token is for, e.g. "county hotline bridge".
    pub name: String,
    /// Days until it expires; none for no expiry.
    pub expires_in_days: Option<u32>,
}

/// A newly created token: the only time its secret is shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CreatedToken {
    pub token: ApiToken,
    pub secret: String,
}

impl App {
    /// Creates a token acting as the caller. Only a person in a session may: a token that
    /// could make tokens would outlive its own revocation.
    pub async fn create_token(&self, actor: &Actor, req: NewTokenRequest) -> Result<CreatedToken> {
        actor.require(Permission::OwnTokens)?;
        let owner = actor.user_id.filter(|_| actor.via_token.is_none()).ok_or(AppError::Forbidden)?;
        self.issue_token(actor, owner, req).await
    }

    /// Creates a token for a user of the caller's scope (administrators; the command line).
    pub async fn create_token_for(&self, actor: &Actor, owner: UserId, req: NewTokenRequest) -> Result<CreatedToken> {
        let mut c = self.store.conn().await?;
        let user = users::get(&mut c, owner).await?.ok_or(AppError::NotFound)?;
        drop(c);
        actor.may_act_on(&user.scope_path, Permission::ManageUsers)?;
        self.issue_token(actor, owner, req).await
    }

    async fn issue_token(&self, actor: &Actor, owner: UserId, req: NewTokenRequest) -> Result<CreatedToken> {
        let name = req.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(ValidationError::new("name", "invalid_name", "a token name has 1 to 100 characters").into());
        }
        if req.expires_in_days == Some(0) || req.expires_in_days.is_some_and(|d| d > 3650) {
            return Err(ValidationError::new("expires_in_days", "out_of_range", "expiry is 1 to 3650 days").into());
        }
        let secret = format!("{TOKEN_PREFIX}{}", random_hex(24));
        let expires = req.expires_in_days.map(|d| stored_in(time::Duration::days(i64::from(d))));
        let mut tx = self.store.begin().await?;
        let user = users::get(&mut tx, owner).await?.ok_or(AppError::NotFound)?;
        let new = tokens::NewToken {
            user_id: owner,
            name,
            prefix: &secret[..TOKEN_PREFIX.len() + 6],
            token_hash: &sha256_hex(&secret),
            now: &now(),
            expires_at: expires.as_deref(),
        };
        let token = tokens::insert(&mut tx, &new).await?;
        let change = Change {
            action: "token.create",
            object_type: "api_token",
            object_id: token.id.to_string(),
            division_code: Some(user.division_code),
            before: None,
            after: audit::json(&token),
        };
        audit::commit(tx, actor, change).await?;
        Ok(CreatedToken { token, secret })
    }

    /// The actor whose token this is, if the token is live and its user enabled.
    pub async fn authenticate_token(&self, secret: &str) -> Result<Option<Actor>> {
        if !secret.starts_with(TOKEN_PREFIX) {
            return Ok(None);
        }
        let mut c = self.store.conn().await?;
        let found = users::by_live_token(&mut c, &sha256_hex(secret), &now()).await?;
        let Some((user, token_id, last_used_at)) = found else { return Ok(None) };
        if user.user.disabled_at.is_some() {
            return Ok(None);
        }
        // Bookkeeping, not a decision: last use is kept on the token, not in the audit log,
        // written at most once a minute so that reads stay reads, and never fails a request.
        let stale = stored_in(-time::Duration::minutes(1));
        if last_used_at.as_deref().is_none_or(|t| t < stale.as_str())
            && let Err(e) = tokens::touch(&mut c, token_id, &now()).await
        {
            tracing::warn!(error = %e, token = %token_id, "cannot record token use");
        }
        Ok(Some(Actor::from_user(&user, Some(token_id))))
    }

    pub async fn list_tokens(&self, actor: &Actor, page: PageRequest) -> Result<Page<ApiToken>> {
        actor.require(Permission::OwnTokens)?;
        let user_id = actor.user_id.ok_or(AppError::Forbidden)?;
        let mut c = self.store.conn().await?;
        let (items, total) = tokens::list_for_user(&mut c, user_id, page.limit(), page.offset()).await?;
        Ok(Page::new(items, page, total))
    }

    /// Revokes a token. Its owner may; so may an administrator whose scope holds the owner;
    /// to anyone else the token does not exist.
    pub async fn revoke_token(&self, actor: &Actor, id: TokenId) -> Result<ApiToken> {
        let mut tx = self.store.begin().await?;
        tokens::lock(&mut tx, id).await?;
        let token = tokens::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
        let owner = users::get(&mut tx, token.user_id).await?.ok_or(AppError::NotFound)?;
        if actor.user_id != Some(token.user_id) {
            actor.may_act_on(&owner.scope_path, Permission::ManageUsers).map_err(|_| AppError::NotFound)?;
        }
        if token.revoked_at.is_some() {
            return Err(AppError::Conflict("the token is already revoked".into()));
        }
        tokens::revoke(&mut tx, id, &now()).await?;
        let after = tokens::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
        let change = Change {
            action: "token.revoke",
            object_type: "api_token",
            object_id: id.to_string(),
            division_code: Some(owner.division_code),
            before: audit::json(&token),
            after: audit::json(&after),
        };
        audit::commit(tx, actor, change).await?;
        Ok(after)
    }
}
