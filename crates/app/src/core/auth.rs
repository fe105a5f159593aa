//! Password login with throttling, server-side sessions and password change.

use grassroots_domain::ValidationError;
use grassroots_domain::core::user::check_new_password;
use grassroots_store::core::throttle::Outcome;
use grassroots_store::core::users::StoredUser;
use grassroots_store::core::{sessions, throttle, users};
use serde_json::json as j;
use sha2::{Digest, Sha256};
use time::Duration;

use super::audit::{self, Change};
use super::password::{hash_password, verify_password};
use super::{now, stored_in};
use crate::{Actor, App, AppError, Result};

/// A fresh session: the secret goes into the cookie, the CSRF token into every form.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub secret: String,
    pub csrf_token: String,
    pub actor: Actor,
}

/// A live session resolved from its cookie.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub actor: Actor,
    pub csrf_token: String,
}

/// Comparison whose time does not depend on where the inputs differ.
pub fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A random secret as hex, from the operating system's generator.
pub(crate) fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::fill(&mut buf[..]);
    hex::encode(buf)
}

/// A token for a form shown before anyone has logged in (double-submit with a cookie).
pub fn new_csrf_token() -> String {
    random_hex(32)
}

pub(crate) fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

impl App {
    /// Checks a password login from `address`. Every attempt is recorded before its
    /// password is checked (see the store's throttle): past the per-address limit the
    /// address waits; past the per-account limit the name is locked for the window —
    /// whether the account exists or not, so that a lock tells nothing.
    pub async fn login(&self, username: &str, password: &str, address: &str) -> Result<NewSession> {
        let username = username.trim().to_ascii_lowercase();
        let mut c = self.store.conn().await?;
        let attempt = throttle::record(&mut c, &username, address, &now(), Outcome::Pending).await?;
        drop(c);
        let result = self.check_login(&username, password, address, attempt).await;
        if result.is_err() {
            let mut c = self.store.conn().await?;
            throttle::settle(&mut c, attempt, Outcome::Failed).await?;
        }
        result
    }

    async fn check_login(&self, username: &str, password: &str, address: &str, attempt: i64) -> Result<NewSession> {
        let window = Duration::minutes(self.settings.throttle_window_minutes);
        let since = stored_in(-window);
        let mut c = self.store.conn().await?;
        if throttle::failures_from_address(&mut c, address, &since).await? >= self.settings.max_failures_per_address {
            return Err(AppError::RateLimited);
        }
        let failures = throttle::failures_for_user(&mut c, username, &since).await?;
        let user = users::by_username(&mut c, username).await?;
        drop(c);
        let locked_until = user.as_ref().and_then(|u| u.user.locked_until.clone()).filter(|u| *u > now());
        if failures > self.settings.max_failures_per_account || locked_until.is_some() {
            let until = locked_until.unwrap_or_else(|| stored_in(window));
            return Err(AppError::AccountLocked(grassroots_domain::core::time::display_local(&until)));
        }
        let Some(user) = user else {
            // Spend the time of a real check so that unknown names cannot be told by timing.
            let _ = verify_password(password, super::password::DUMMY_HASH).await;
            return Err(AppError::BadCredentials);
        };
        if !verify_password(password, &user.password_hash).await {
            if failures == self.settings.max_failures_per_account {
                self.lock_account(&user, &stored_in(window), failures, address).await?;
            }
            return Err(AppError::BadCredentials);
        }
        if user.user.disabled_at.is_some() {
            return Err(AppError::AccountDisabled);
        }
        let secret = random_hex(32);
        let csrf_token = random_hex(32);
        let actor = Actor::from_user(&user, None);
        let expires = stored_in(Duration::hours(self.settings.session_hours));
        let mut tx = self.store.begin().await?;
        throttle::settle(&mut tx, attempt, Outcome::Succeeded).await?;
        if user.user.locked_until.is_some() {
            users::set_locked_until(&mut tx, user.user.id, None).await?;
        }
        sessions::insert(&mut tx, &sha256_hex(&secret), user.user.id, &csrf_token, &now(), &expires).await?;
        let change = Change {
            action: "session.login",
            object_type: "user",
            object_id: user.user.id.to_string(),
            division_code: Some(user.division_code.clone()),
            before: None,
            after: audit::json(&j!({ "address": address, "expires_at": expires })),
        };
        audit::commit(tx, &actor, change).await?;
        Ok(NewSession { secret, csrf_token, actor })
    }

    async fn lock_account(&self, user: &StoredUser, until: &str, failures: i64, address: &str) -> Result<()> {
        let mut tx = self.store.begin().await?;
        users::set_locked_until(&mut tx, user.user.id, Some(until)).await?;
        let change = Change {
            action: "user.lock",
            object_type: "user",
            object_id: user.user.id.to_string(),
            division_code: Some(user.division_code.clone()),
            before: None,
            after: audit::json(&j!({ "locked_until": until, "failures": failures, "address": address })),
        };
        audit::commit(tx, &Actor::system("login throttling"), change).await
    }

    /// The session behind a cookie secret, if it is live and its user still enabled.
    pub async fn session(&self, secret: &str) -> Result<Option<SessionInfo>> {
        let mut c = self.store.conn().await?;
        let Some(s) = sessions::get_live(&mut c, &sha256_hex(secret), &now()).await? else { return Ok(None) };
        let Some(user) = users::get(&mut c, s.user_id).await? else { return Ok(None) };
        if user.user.disabled_at.is_some() {
            return Ok(None);
        }
        Ok(Some(SessionInfo { actor: Actor::from_user(&user, None), csrf_token: s.csrf_token }))
    }

    pub async fn logout(&self, actor: &Actor, secret: &str) -> Result<()> {
        let mut tx = self.store.begin().await?;
        sessions::delete(&mut tx, &sha256_hex(secret)).await?;
        let change = Change {
            action: "session.logout",
            object_type: "user",
            object_id: actor.user_id.map(|u| u.to_string()).unwrap_or_default(),
            division_code: Some(actor.division_code.clone()).filter(|d| !d.is_empty()),
            before: None,
            after: None,
        };
        audit::commit(tx, actor, change).await
    }

    /// Changes the actor's own password; every other session of the user ends. Only a
    /// person in a session may: a token cannot. A wrong current password counts as a failed
    /// login, so a stolen session cannot be used to guess it.
    pub async fn change_password(
        &self,
        actor: &Actor,
        current: &str,
        new: &str,
        keep_secret: Option<&str>,
    ) -> Result<()> {
        let user_id = actor.user_id.filter(|_| actor.via_token.is_none()).ok_or(AppError::Forbidden)?;
        let mut c = self.store.conn().await?;
        let user = users::get(&mut c, user_id).await?.ok_or(AppError::NotFound)?;
        let since = stored_in(-Duration::minutes(self.settings.throttle_window_minutes));
        if throttle::failures_for_user(&mut c, user.user.username.as_str(), &since).await?
            >= self.settings.max_failures_per_account
        {
            return Err(AppError::RateLimited);
        }
        if !verify_password(current, &user.password_hash).await {
            throttle::record(&mut c, user.user.username.as_str(), "password change", &now(), Outcome::Failed).await?;
            let wrong = ValidationError::new("current_password", "wrong_password", "the current password is wrong");
            return Err(wrong.into());
        }
        drop(c);
        check_new_password(user.user.username.as_str(), new)?;
        let hash = hash_password(new).await?;
        let mut tx = self.store.begin().await?;
        users::set_password(&mut tx, user_id, &hash).await?;
        let ended = sessions::delete_for_user(&mut tx, user_id, keep_secret.map(sha256_hex).as_deref()).await?;
        let change = Change {
            action: "user.password_change",
            object_type: "user",
            object_id: user_id.to_string(),
            division_code: Some(user.division_code.clone()),
            before: None,
            after: audit::json(&j!({ "other_sessions_ended": ended })),
        };
        audit::commit(tx, actor, change).await
    }

    /// Removes expired sessions and old login attempts; run periodically by `serve`.
    pub async fn prune_sessions(&self) -> Result<u64> {
        let mut c = self.store.conn().await?;
        let n = sessions::delete_expired(&mut c, &now()).await?;
        throttle::prune(&mut c, &stored_in(-Duration::days(1))).await?;
        Ok(n)
    }
}
