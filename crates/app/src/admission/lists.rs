//! Duty lists: a draft made from a file or inherited from the county template, published
//! with the day it takes effect; history, diff, export, and the version in force.

use grassroots_domain::ValidationError;
use grassroots_domain::admission::{ListDiff, ListItem, ListVersion, VersionId, VersionStatus, diff};
use grassroots_domain::core::division::{DivisionCode, Level};
use grassroots_domain::core::role::Permission;
use grassroots_domain::page::{Page, PageRequest};
use grassroots_store::admission::lists as store;
use grassroots_store::core::divisions;
use serde::{Deserialize, Serialize};
use serde_json::json as j;

use super::listfile;
use crate::core::audit::{self, Change};
use crate::core::{now, parse_day};
use crate::{Actor, App, AppError, Result};

/// A version with its items.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VersionWithItems {
    pub version: ListVersion,
    pub items: Vec<ListItem>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    /// The day the version takes effect, YYYY-MM-DD.
    pub effective_from: String,
}

/// Lists belong to a town, or to a county as the template its towns inherit.
fn town_or_county(level: Level) -> Result<()> {
    if matches!(level, Level::Town | Level::County) {
        Ok(())
    } else {
        Err(ValidationError::new(
            "division",
            "not_town_or_county",
            "lists belong to a town, or to a county as its template",
        )
        .into())
    }
}

impl App {
    /// The level of a division in scope (404 outside it).
    async fn division_level(&self, actor: &Actor, code: &DivisionCode) -> Result<Level> {
        let mut c = self.store.conn().await?;
        let d = divisions::get(&mut c, code).await?.ok_or(AppError::NotFound)?;
        actor.within(&d.path)?;
        Ok(d.division.level)
    }

    /// Reads a list file (XLSX or CSV) into a new draft; nothing is stored if any row is bad.
    pub async fn import_list(
        &self,
        actor: &Actor,
        code: &DivisionCode,
        file: &[u8],
        note: &str,
    ) -> Result<ListVersion> {
        let level = self.division_level(actor, code).await?;
        actor.require(Permission::ManageLists)?;
        town_or_county(level)?;
        let items = listfile::read(file)?;
        self.new_draft(actor, code, &items, note, None, "list.import").await
    }

    /// A new draft for a town made from the county template in force today.
    pub async fn inherit_list(&self, actor: &Actor, town: &DivisionCode) -> Result<ListVersion> {
        let level = self.division_level(actor, town).await?;
        actor.require(Permission::ManageLists)?;
        if level != Level::Town {
            return Err(
                ValidationError::new("division", "not_a_town", "only a town inherits the county template").into()
            );
        }
        let mut c = self.store.conn().await?;
        let today = crate::core::today().to_string();
        let template = store::in_force(&mut c, town.county_code().as_str(), &today).await?.ok_or_else(|| {
            ValidationError::new("division", "no_template", "the county has no published template in force")
        })?;
        let items = store::items(&mut c, template.id).await?;
        drop(c);
        let note = format!("inherited from the county template, version {}", template.number);
        self.new_draft(actor, town, &items, &note, Some(template.id), "list.inherit").await
    }

    async fn new_draft(
        &self,
        actor: &Actor,
        code: &DivisionCode,
        items: &[ListItem],
        note: &str,
        based_on: Option<VersionId>,
        action: &str,
    ) -> Result<ListVersion> {
        let note = note.trim();
        if note.chars().count() > 500 {
            return Err(ValidationError::new("note", "too_long", "a note has at most 500 characters").into());
        }
        let mut tx = self.store.begin().await?;
        let new =
            store::NewVersion { division_code: code.as_str(), note, based_on, created_by: &actor.label(), now: &now() };
        let version = store::insert_draft(&mut tx, &new, items).await?;
        let change = Change {
            action,
            object_type: "duty_list_version",
            object_id: version.id.to_string(),
            division_code: Some(code.to_string()),
            before: None,
            after: audit::json(&j!({ "version": version, "items": items.len() })),
        };
        audit::commit(tx, actor, change).await?;
        Ok(version)
    }

    async fn version_in_scope(&self, actor: &Actor, id: VersionId) -> Result<ListVersion> {
        let mut c = self.store.conn().await?;
        let (v, path) = store::get(&mut c, id).await?.ok_or(AppError::NotFound)?;
        actor.may_act_on(&path, Permission::ReadDirectory)?;
        Ok(v)
    }

    pub async fn get_list(&self, actor: &Actor, id: VersionId) -> Result<VersionWithItems> {
        let version = self.version_in_scope(actor, id).await?;
        let mut c = self.store.conn().await?;
        Ok(VersionWithItems { items: store::items(&mut c, id).await?, version })
    }

    /// Versions of the actor's scope, or of one division, newest first.
    pub async fn list_versions(
        &self,
        actor: &Actor,
        division: Option<&DivisionCode>,
        page: PageRequest,
    ) -> Result<Page<ListVersion>> {
        if let Some(code) = division {
            self.division_level(actor, code).await?;
        }
        actor.require(Permission::ReadDirectory)?;
        let mut c = self.store.conn().await?;
        let (items, total) =
            store::list(&mut c, &actor.scope_path, division.map(DivisionCode::as_str), page.limit(), page.offset())
                .await?;
        Ok(Page::new(items, page, total))
    }

    /// Publishes a draft with the day it takes effect; from then on screening uses it.
    pub async fn publish_list(&self, actor: &Actor, id: VersionId, req: PublishRequest) -> Result<ListVersion> {
        let before = self.version_in_scope(actor, id).await?;
        actor.require(Permission::ManageLists)?;
        let day = parse_day(&req.effective_from, "effective_from")?;
        let mut tx = self.store.begin().await?;
        let (current, _) = store::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
        if current.status == VersionStatus::Published {
            return Err(AppError::Conflict(format!("version {} is already published", current.number)));
        }
        if !store::publish(&mut tx, id, &day.to_string(), &now()).await? {
            return Err(AppError::Conflict(format!("version {} is already published", current.number)));
        }
        let (after, _) = store::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
        let change = Change {
            action: "list.publish",
            object_type: "duty_list_version",
            object_id: id.to_string(),
            division_code: Some(before.division_code.clone()),
            before: audit::json(&before),
            after: audit::json(&after),
        };
        audit::commit(tx, actor, change).await?;
        Ok(after)
    }

    /// What changed from version `from` to version `to`.
    pub async fn diff_lists(&self, actor: &Actor, from: VersionId, to: VersionId) -> Result<ListDiff> {
        let a = self.get_list(actor, from).await?;
        let b = self.get_list(actor, to).await?;
        Ok(diff(&a.items, &b.items))
    }

    /// The version in force for a division on a day, with its items.
    pub async fn list_in_force(&self, actor: &Actor, code: &DivisionCode, day: &str) -> Result<VersionWithItems> {
        town_or_county(self.division_level(actor, code).await?)?;
        let day = parse_day(day, "date")?;
        let mut c = self.store.conn().await?;
        let version = store::in_force(&mut c, code.as_str(), &day.to_string()).await?.ok_or(AppError::NotFound)?;
        Ok(VersionWithItems { items: store::items(&mut c, version.id).await?, version })
    }
}
