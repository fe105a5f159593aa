//! Bodies: each sits at one division, at the level its kind belongs to.

use grassroots_domain::ValidationError;
use grassroots_domain::core::body::{Body, BodyId, BodyKind};
use grassroots_domain::core::division::DivisionCode;
use grassroots_domain::core::role::Permission;
use grassroots_domain::page::{Page, PageRequest};
use grassroots_store::core::{bodies, divisions};
use serde::Deserialize;

use super::audit::{self, Change};
use super::now;
use crate::{Actor, App, AppError, Result};

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBodyRequest {
    pub division_code: DivisionCode,
    pub kind: BodyKind,
    pub name: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct BodyQuery {
    #[param(value_type = Option<String>)]
    pub division: Option<DivisionCode>,
    pub kind: Option<BodyKind>,
    /// Part of the name.
    pub q: Option<String>,
    /// Page number, from 1.
    pub page: Option<u32>,
    /// Rows per page, at most 200.
    pub per_page: Option<u32>,
}

impl App {
    pub async fn add_body(&self, actor: &Actor, req: NewBodyRequest) -> Result<Body> {
        let name = req.name.trim();
        let mut tx = self.store.begin().await?;
        let unknown = || {
            ValidationError::new(
                "division_code",
                "unknown_division",
                format!("there is no division {}", req.division_code),
            )
        };
        let division = divisions::get(&mut tx, &req.division_code).await?.ok_or_else(unknown)?;
        actor.within(&division.path).map_err(|_| unknown())?;
        actor.require(Permission::ManageBodies)?;
        let mut errors = ValidationError::default();
        if name.is_empty() || name.chars().count() > 100 {
            errors.push("name", "invalid_name", "a body name has 1 to 100 characters");
        }
        if !req.kind.fits_level(division.division.level) {
            errors.push(
                "kind",
                "kind_does_not_fit_level",
                format!("a {} cannot sit at a {} division", req.kind.label_en(), division.division.level.as_str()),
            );
        }
        errors.into_result()?;
        let body = bodies::insert(&mut tx, &req.division_code, req.kind, name, &now()).await?;
        let change = Change {
            action: "body.create",
            object_type: "body",
            object_id: body.id.to_string(),
            division_code: Some(body.division_code.to_string()),
            before: None,
            after: audit::json(&body),
        };
        audit::commit(tx, actor, change).await?;
        Ok(body)
    }

    pub async fn get_body(&self, actor: &Actor, id: BodyId) -> Result<Body> {
        let mut c = self.store.conn().await?;
        let (body, path) = bodies::get(&mut c, id).await?.ok_or(AppError::NotFound)?;
        actor.may_act_on(&path, Permission::ReadDirectory)?;
        Ok(body)
    }

    pub async fn list_bodies(&self, actor: &Actor, q: BodyQuery) -> Result<Page<Body>> {
        actor.require(Permission::ReadDirectory)?;
        let page = PageRequest::from_parts(q.page, q.per_page);
        let filter = bodies::BodyFilter { division: q.division, kind: q.kind, name: q.q };
        let mut c = self.store.conn().await?;
        let (items, total) = bodies::list(&mut c, &actor.scope_path, &filter, page.limit(), page.offset()).await?;
        Ok(Page::new(items, page, total))
    }
}
