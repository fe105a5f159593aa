//! Users: created by an administrator within its scope, in a body whose kind fits the role.

use grassroots_domain::ValidationError;
use grassroots_domain::core::body::BodyId;
use grassroots_domain::core::role::{Permission, Role};
use grassroots_domain::core::user::{User, UserId, Username, check_new_password};
use grassroots_domain::page::{Page, PageRequest};
use grassroots_store::core::{bodies, sessions, users};
use serde::Deserialize;

use super::audit::{self, Change};
use super::now;
use super::password::hash_password;
use crate::{Actor, App, AppError, Result};

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserRequest {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub body_id: BodyId,
    pub password: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UserQuery {
    pub body_id: Option<i64>,
    pub role: Option<Role>,
    /// Part of the username.
    pub q: Option<String>,
    /// Page number, from 1.
    pub page: Option<u32>,
    /// Rows per page, at most 200.
    pub per_page: Option<u32>,
}

impl App {
    pub async fn add_user(&self, actor: &Actor, req: NewUserRequest) -> Result<User> {
        // The role first: nobody else may make Argon2 work for them.
        actor.require(Permission::ManageUsers)?;
        let mut errors = ValidationError::default();
        let mut c = self.store.conn().await?;
        // A body outside scope is reported like one that does not exist.
        let body = match bodies::get(&mut c, req.body_id).await? {
            Some((body, path)) if actor.sees(&path) => Some(body),
            _ => {
                errors.push("body_id", "unknown_body", format!("there is no body {}", req.body_id));
                None
            }
        };
        drop(c);
        if let Some(body) = &body
            && !req.role.fits(body.kind)
        {
            let message = format!("a {} cannot belong to a {}", req.role.label_en(), body.kind.label_en());
            errors.push("role", "role_does_not_fit_body", message);
        }
        let username = Username::parse(&req.username).map_err(|e| errors.errors.extend(e.errors)).ok();
        let display_name = req.display_name.trim();
        if display_name.is_empty() || display_name.chars().count() > 100 {
            errors.push("display_name", "invalid_display_name", "a display name has 1 to 100 characters");
        }
        if let Err(e) = check_new_password(&req.username, &req.password) {
            errors.errors.extend(e.errors);
        }
        // Every problem found, then Argon2 only for a request that is good.
        let (Some(username), Some(body)) = (username, body) else { return Err(errors.into()) };
        errors.into_result()?;
        let hash = hash_password(&req.password).await?;
        let mut tx = self.store.begin().await?;
        let id = users::insert(
            &mut tx,
            &users::NewUser {
                county_code: body.county_code.as_str(),
                username: &username,
                display_name,
                role: req.role,
                body_id: body.id,
                password_hash: &hash,
                now: &now(),
            },
        )
        .await?;
        let user = users::get(&mut tx, id).await?.ok_or(AppError::NotFound)?.user;
        let change = Change {
            action: "user.create",
            object_type: "user",
            object_id: id.to_string(),
            division_code: Some(body.division_code.to_string()),
            before: None,
            after: audit::json(&user),
        };
        audit::commit(tx, actor, change).await?;
        Ok(user)
    }

    pub async fn get_user(&self, actor: &Actor, id: UserId) -> Result<User> {
        let mut c = self.store.conn().await?;
        let u = users::get(&mut c, id).await?.ok_or(AppError::NotFound)?;
        if actor.user_id != Some(id) {
            actor.may_act_on(&u.scope_path, Permission::ReadDirectory)?;
        }
        Ok(u.user)
    }

    /// The actor a user is when it acts (for the command line acting on a user's behalf).
    pub async fn actor_of(&self, id: UserId) -> Result<Actor> {
        let mut c = self.store.conn().await?;
        let u = users::get(&mut c, id).await?.ok_or(AppError::NotFound)?;
        Ok(Actor::from_user(&u, None))
    }

    pub async fn find_user(&self, actor: &Actor, username: &str) -> Result<User> {
        let mut c = self.store.conn().await?;
        let u = users::by_username(&mut c, &username.to_ascii_lowercase()).await?.ok_or(AppError::NotFound)?;
        actor.within(&u.scope_path)?;
        Ok(u.user)
    }

    pub async fn list_users(&self, actor: &Actor, q: UserQuery) -> Result<Page<User>> {
        actor.require(Permission::ReadDirectory)?;
        let page = PageRequest::from_parts(q.page, q.per_page);
        let filter = users::UserFilter { body_id: q.body_id.map(BodyId), role: q.role, username: q.q };
        let mut c = self.store.conn().await?;
        let (items, total) = users::list(&mut c, &actor.scope_path, &filter, page.limit(), page.offset()).await?;
        Ok(Page::new(items, page, total))
    }

    /// Disables or re-enables a user; disabling ends its sessions at once.
    pub async fn set_user_disabled(&self, actor: &Actor, id: UserId, disabled: bool) -> Result<User> {
        let mut tx = self.store.begin().await?;
        users::lock(&mut tx, id).await?;
        let before = users::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
        actor.may_act_on(&before.scope_path, Permission::ManageUsers)?;
        if actor.user_id == Some(id) && disabled {
            return Err(AppError::Conflict("you cannot disable your own account".into()));
        }
        if before.user.disabled_at.is_some() == disabled {
            return Ok(before.user);
        }
        let at = now();
        users::set_disabled(&mut tx, id, disabled.then_some(at.as_str())).await?;
        if disabled {
            sessions::delete_for_user(&mut tx, id, None).await?;
        }
        let after = users::get(&mut tx, id).await?.ok_or(AppError::NotFound)?.user;
        let change = Change {
            action: if disabled { "user.disable" } else { "user.enable" },
            object_type: "user",
            object_id: id.to_string(),
            division_code: Some(before.division_code.clone()),
            before: audit::json(&before.user),
            after: audit::json(&after),
        };
        audit::commit(tx, actor, change).await?;
        Ok(after)
    }
}
