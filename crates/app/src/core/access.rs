//! The one place where scope and role are checked. A user acts within the subtree of its
//! body's division; an object outside that subtree answers "not found" whatever the role,
//! so ids cannot be probed; an action the role may not take inside it is "forbidden".

use grassroots_domain::core::body::BodyId;
use grassroots_domain::core::role::{Permission, Role};
use grassroots_domain::core::user::{TokenId, UserId};
use grassroots_store::core::users::StoredUser;

use crate::{AppError, Result};

/// Who is acting, and where.
#[derive(Debug, Clone)]
pub struct Actor {
    /// `None` for the command line, which acts as the operator of the installation.
    pub user_id: Option<UserId>,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub body_id: Option<BodyId>,
    pub division_code: String,
    /// Path of the division the actor sees; `/` sees everything.
    pub scope_path: String,
    /// Set when the request came with an API token rather than a session.
    pub via_token: Option<TokenId>,
}

impl Actor {
    pub fn from_user(u: &StoredUser, via_token: Option<TokenId>) -> Self {
        Self {
            user_id: Some(u.user.id),
            username: u.user.username.to_string(),
            display_name: u.user.display_name.clone(),
            role: u.user.role,
            body_id: Some(u.user.body_id),
            division_code: u.division_code.clone(),
            scope_path: u.scope_path.clone(),
            via_token,
        }
    }

    /// The operator at the command line: every scope, administrator's rights.
    pub fn system(command: &str) -> Self {
        Self {
            user_id: None,
            username: format!("system:{command}"),
            display_name: command.to_owned(),
            role: Role::Admin,
            body_id: None,
            division_code: String::new(),
            scope_path: "/".into(),
            via_token: None,
        }
    }

    /// How the audit log names this actor.
    pub fn label(&self) -> String {
        match (self.user_id, self.via_token) {
            (Some(u), Some(t)) => format!("user:{u}:{} via token:{t}", self.username),
            (Some(u), None) => format!("user:{u}:{}", self.username),
            (None, _) => self.username.clone(),
        }
    }

    /// 403 unless the role may do this. The operator at the command line may do anything.
    pub fn require(&self, p: Permission) -> Result<()> {
        if self.user_id.is_none() || self.role.may(p) { Ok(()) } else { Err(AppError::Forbidden) }
    }

    pub fn sees(&self, division_path: &str) -> bool {
        division_path.starts_with(&self.scope_path)
    }

    /// 404 unless the object at `division_path` is within scope.
    pub fn within(&self, division_path: &str) -> Result<()> {
        if self.sees(division_path) { Ok(()) } else { Err(AppError::NotFound) }
    }

    /// 404 unless the object at `division_path` is in scope or above it: a county's
    /// published catalog and rounds are read by its towns too.
    pub fn within_or_above(&self, division_path: &str) -> Result<()> {
        if self.sees(division_path) || self.scope_path.starts_with(division_path) {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// An object in scope that the role may act on: scope first, so that an object out of
    /// scope is never told apart from one that does not exist.
    pub fn may_act_on(&self, division_path: &str, p: Permission) -> Result<()> {
        self.within(division_path)?;
        self.require(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn town_officer() -> Actor {
        Actor {
            user_id: Some(UserId(1)),
            username: "t".into(),
            display_name: "t".into(),
            role: Role::TownOfficer,
            body_id: Some(BodyId(1)),
            division_code: "340621104".into(),
            scope_path: "/340000/340600/340621/340621104/".into(),
            via_token: None,
        }
    }

    #[test]
    fn out_of_scope_is_not_found_before_forbidden() {
        let a = town_officer();
        let other_town = "/340000/340600/340621/340621105/";
        assert!(matches!(a.may_act_on(other_town, Permission::ManageUsers), Err(AppError::NotFound)));
        let own_village = "/340000/340600/340621/340621104/340621104201/";
        assert!(matches!(a.may_act_on(own_village, Permission::ManageUsers), Err(AppError::Forbidden)));
        assert!(a.may_act_on(own_village, Permission::ReadDirectory).is_ok());
    }

    #[test]
    fn the_county_is_above_the_town_scope() {
        assert!(!town_officer().sees("/340000/340600/340621/"));
        assert!(Actor::system("test").sees("/340000/340600/340621/"));
    }
}
