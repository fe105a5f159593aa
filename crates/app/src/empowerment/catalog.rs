//! The county's catalog of matters: import (added or updated by code, never half-done),
//! export, and search. Towns of the county read it to order from it.

use grassroots_domain::ValidationError;
use grassroots_domain::core::body::BodyKind;
use grassroots_domain::core::division::Level;
use grassroots_domain::core::role::Permission;
use grassroots_domain::empowerment::{CatalogMatter, Matter};
use grassroots_domain::page::{Page, PageRequest};
use grassroots_store::core::bodies;
use grassroots_store::empowerment::catalog as store;
pub use grassroots_store::empowerment::catalog::Filter;
use serde::Serialize;
use serde_json::json as j;

use super::catalogfile;
use crate::core::audit::{self, Change};
use crate::core::divisions::Reach;
use crate::core::now;
use crate::{Actor, App, Result};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CatalogImport {
    pub inserted: usize,
    pub updated: usize,
}

impl App {
    /// Reads a catalog file into the county's catalog: matters are added, or updated when
    /// their code is known. Each department must be a body of the county.
    pub async fn import_catalog(&self, actor: &Actor, county: &str, data: &[u8]) -> Result<CatalogImport> {
        let county_code = self
            .division_for(actor, county, Reach::WithinOrAbove, Permission::ManageEmpowerment, Level::County)
            .await?
            .division
            .code;
        let county = county_code.as_str();
        let read = catalogfile::read(data)?;
        let mut tx = self.store.begin().await?;
        let mut errors = ValidationError::default();
        let mut resolved = Vec::with_capacity(read.len());
        for r in &read {
            match bodies::find_by_name(&mut tx, &county_code, &r.matter.department).await? {
                Some(b) if matches!(b.kind, BodyKind::CountyDepartment | BodyKind::Bureau) => resolved.push(b.id.0),
                _ => errors.push(
                    &r.department_at,
                    "unknown_department",
                    format!("“{}” is not a department of this county", r.matter.department),
                ),
            }
        }
        errors.into_result()?;
        let now = now();
        let mut summary = CatalogImport::default();
        let mut replaced = Vec::new();
        for (r, body) in read.iter().zip(resolved) {
            if let Some((old, _)) = store::by_code(&mut tx, county, &r.matter.code).await? {
                replaced.push(old.matter);
            }
            if store::upsert(&mut tx, county, &r.matter, body, &now).await? {
                summary.inserted += 1;
            } else {
                summary.updated += 1;
            }
        }
        let matters: Vec<&Matter> = read.iter().map(|r| &r.matter).collect();
        let change = Change {
            action: "catalog.import",
            object_type: "catalog",
            object_id: county.to_owned(),
            division_code: Some(county.to_owned()),
            before: audit::json(&j!({ "replaced": replaced })),
            after: audit::json(&j!({ "inserted": summary.inserted, "updated": summary.updated, "matters": matters })),
        };
        audit::commit(tx, actor, change).await?;
        Ok(summary)
    }

    pub async fn list_catalog(
        &self,
        actor: &Actor,
        county: &str,
        filter: &Filter,
        page: PageRequest,
    ) -> Result<Page<CatalogMatter>> {
        let d =
            self.division_for(actor, county, Reach::WithinOrAbove, Permission::ReadDirectory, Level::County).await?;
        let mut c = self.store.conn().await?;
        let (items, total) = store::list(&mut c, d.division.code.as_str(), filter, page.limit(), page.offset()).await?;
        Ok(Page::new(items, page, total))
    }

    /// The whole catalog, for export.
    pub async fn export_catalog(&self, actor: &Actor, county: &str) -> Result<Vec<Matter>> {
        let d =
            self.division_for(actor, county, Reach::WithinOrAbove, Permission::ReadDirectory, Level::County).await?;
        let mut c = self.store.conn().await?;
        let (all, _) = store::list(&mut c, d.division.code.as_str(), &Filter::default(), i64::MAX, 0).await?;
        Ok(all.into_iter().map(|m| m.matter).collect())
    }

    /// The departments that own matters of the catalog.
    pub async fn catalog_departments(&self, actor: &Actor, county: &str) -> Result<Vec<String>> {
        let d =
            self.division_for(actor, county, Reach::WithinOrAbove, Permission::ReadDirectory, Level::County).await?;
        let mut c = self.store.conn().await?;
        Ok(store::departments(&mut c, d.division.code.as_str()).await?)
    }
}
