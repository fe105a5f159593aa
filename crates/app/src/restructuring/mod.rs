//! Restructuring plans: drafted from a plan document, checked, approved with the day they
//! take effect; before/after comparison; who owns a function on a day, which is how work
//! addressed to a function finds its office.

pub(crate) mod demo;

use std::collections::HashMap;

use grassroots_domain::core::division::Level;
use grassroots_domain::core::role::Permission;
use grassroots_domain::page::{Page, PageRequest};
use grassroots_domain::restructuring::{
    Comparison, Owner, Plan, PlanDocument, PlanId, PlanPhase, PlanStatus, history, owner_on, phase,
};
use grassroots_domain::{FieldError, ValidationError};
use grassroots_store::restructuring as store;
use serde::{Deserialize, Serialize};
use serde_json::json as j;

use crate::core::audit::{self, Change};
use crate::core::divisions::Reach;
use crate::core::{now, parse_day, today};
use crate::{Actor, App, AppError, Result};

/// A plan with its document, where it stands, what is wrong with it and the comparison.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanView {
    pub plan: Plan,
    pub phase: PlanPhase,
    pub document: PlanDocument,
    /// Empty when the plan adds up; approval needs it empty.
    pub problems: Vec<FieldError>,
    pub comparison: Comparison,
}

/// A plan in a list, with where it stands today.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanSummary {
    #[serde(flatten)]
    pub plan: Plan,
    pub phase: PlanPhase,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApproveRequest {
    /// The day the plan takes effect, YYYY-MM-DD.
    pub effective_from: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveFunctionRequest {
    pub function: String,
    /// The office it goes to; empty or absent leaves it unmapped.
    #[serde(default)]
    pub office: Option<String>,
}

/// Reads a plan document from JSON, naming the line and column of a syntax error.
pub fn parse_document(data: &[u8]) -> Result<PlanDocument, ValidationError> {
    serde_json::from_slice(data).map_err(|e| {
        ValidationError::new(
            format!("line {}, column {}", e.line(), e.column()),
            "invalid_plan",
            format!("the plan is not a valid plan document: {e}"),
        )
    })
}

const MAX_TITLE: usize = 200;

impl App {
    /// A new draft. It may still have problems; they are listed on the plan.
    pub async fn create_plan(&self, actor: &Actor, doc: PlanDocument) -> Result<PlanView> {
        let mut doc = doc.normalized();
        let town =
            self.division_for(actor, &doc.division_code, Reach::Within, Permission::ManagePlans, Level::Town).await?;
        doc.division_code = town.division.code.to_string();
        check_shape(&doc)?;
        let text = document_text(&doc)?;
        let mut tx = self.store.begin().await?;
        let plan = store::insert_draft(&mut tx, &doc.division_code, &doc.title, &text, &actor.label(), &now()).await?;
        let change = Change {
            action: "plan.create",
            object_type: "restructuring_plan",
            object_id: plan.id.to_string(),
            division_code: Some(plan.division_code.clone()),
            before: None,
            after: audit::json(&j!({ "plan": plan, "document": doc })),
        };
        audit::commit(tx, actor, change).await?;
        self.get_plan(actor, plan.id).await
    }

    /// A plan in scope, its document, and the document as stored (to guard changes with).
    async fn plan_in_scope(&self, actor: &Actor, id: PlanId) -> Result<(Plan, PlanDocument, String)> {
        let mut c = self.store.conn().await?;
        let (plan, text, path) = store::get(&mut c, id).await?.ok_or(AppError::NotFound)?;
        actor.may_act_on(&path, Permission::ReadDirectory)?;
        Ok((plan, read_document(&text)?, text))
    }

    pub async fn get_plan(&self, actor: &Actor, id: PlanId) -> Result<PlanView> {
        let (plan, document, _) = self.plan_in_scope(actor, id).await?;
        let in_effect = self.plan_in_effect(&plan.division_code).await?;
        Ok(PlanView {
            phase: phase(&plan, in_effect, &today().to_string()),
            problems: document.problems().errors,
            comparison: document.comparison(),
            document,
            plan,
        })
    }

    /// The id of the town's plan in effect today.
    async fn plan_in_effect(&self, town: &str) -> Result<Option<PlanId>> {
        let mut c = self.store.conn().await?;
        let today = today().to_string();
        let approved = store::approved(&mut c, town).await?;
        Ok(approved
            .iter()
            .filter(|(p, _)| p.effective_from.as_deref().is_some_and(|d| d <= today.as_str()))
            .max_by(|a, b| (&a.0.effective_from, a.0.number).cmp(&(&b.0.effective_from, b.0.number)))
            .map(|(p, _)| p.id))
    }

    /// Plans of the actor's scope, or of one town, newest first.
    pub async fn list_plans(&self, actor: &Actor, town: Option<&str>, page: PageRequest) -> Result<Page<PlanSummary>> {
        if let Some(t) = town {
            self.division_for(actor, t, Reach::Within, Permission::ReadDirectory, Level::Town).await?;
        }
        actor.require(Permission::ReadDirectory)?;
        let mut c = self.store.conn().await?;
        let (plans, total) = store::list(&mut c, &actor.scope_path, town, page.limit(), page.offset()).await?;
        drop(c);
        let mut in_effect: HashMap<String, Option<PlanId>> = HashMap::new();
        let mut items = Vec::with_capacity(plans.len());
        for plan in plans {
            let current = match in_effect.get(&plan.division_code) {
                Some(id) => *id,
                None => {
                    let id = self.plan_in_effect(&plan.division_code).await?;
                    in_effect.insert(plan.division_code.clone(), id);
                    id
                }
            };
            items.push(PlanSummary { phase: phase(&plan, current, &today().to_string()), plan });
        }
        Ok(Page::new(items, page, total))
    }

    /// Replaces a draft's document (the town stays the same).
    pub async fn replace_plan(&self, actor: &Actor, id: PlanId, doc: PlanDocument) -> Result<PlanView> {
        let (before, old, old_text) = self.plan_in_scope(actor, id).await?;
        actor.require(Permission::ManagePlans)?;
        let doc = doc.normalized();
        if doc.division_code != old.division_code {
            return Err(ValidationError::new("division_code", "other_town", "a plan stays with its town").into());
        }
        check_shape(&doc)?;
        self.save_draft(actor, &before, &old_text, &doc, "plan.replace").await
    }

    /// Maps one function of a draft to another office (or leaves it unmapped).
    pub async fn move_function(&self, actor: &Actor, id: PlanId, req: MoveFunctionRequest) -> Result<PlanView> {
        let (before, mut doc, old_text) = self.plan_in_scope(actor, id).await?;
        actor.require(Permission::ManagePlans)?;
        let office = req.office.map(|o| o.trim().to_owned()).filter(|o| !o.is_empty());
        if let Some(o) = &office
            && doc.office(o).is_none()
        {
            return Err(
                ValidationError::new("office", "unknown_office", format!("no office has the code “{o}”")).into()
            );
        }
        let mut found = false;
        for f in doc.functions.iter_mut().filter(|f| f.code == req.function) {
            f.office = office.clone();
            found = true;
        }
        if !found {
            return Err(ValidationError::new(
                "function",
                "unknown_function",
                format!("no function has the code “{}”", req.function),
            )
            .into());
        }
        self.save_draft(actor, &before, &old_text, &doc, "plan.move_function").await
    }

    async fn save_draft(
        &self,
        actor: &Actor,
        before: &Plan,
        old_text: &str,
        doc: &PlanDocument,
        action: &str,
    ) -> Result<PlanView> {
        let text = document_text(doc)?;
        let mut tx = self.store.begin().await?;
        if !store::replace_document(&mut tx, before.id, &doc.title, &text, old_text).await? {
            return Err(AppError::Conflict(format!(
                "plan {} was approved or changed by someone else; reload it",
                before.number
            )));
        }
        let change = Change {
            action,
            object_type: "restructuring_plan",
            object_id: before.id.to_string(),
            division_code: Some(before.division_code.clone()),
            before: Some(old_text.to_owned()),
            after: Some(text),
        };
        audit::commit(tx, actor, change).await?;
        self.get_plan(actor, before.id).await
    }

    /// Approves a plan that adds up, with the day it takes effect.
    pub async fn approve_plan(&self, actor: &Actor, id: PlanId, req: ApproveRequest) -> Result<PlanView> {
        let (before, doc, text) = self.plan_in_scope(actor, id).await?;
        actor.require(Permission::ManagePlans)?;
        let day = parse_day(&req.effective_from, "effective_from")?.to_string();
        if before.status == PlanStatus::Approved {
            return Err(AppError::Conflict(format!("plan {} is already approved", before.number)));
        }
        doc.problems().into_result()?;
        let mut tx = self.store.begin().await?;
        // Plans take effect in order: one cannot slip in before a plan already approved.
        let approved = store::approved(&mut tx, &before.division_code).await?;
        if let Some(later) =
            approved.iter().filter_map(|(p, _)| p.effective_from.as_deref()).find(|d| *d > day.as_str())
        {
            return Err(ValidationError::new(
                "effective_from",
                "before_latest",
                format!("an approved plan takes effect on {later}; a plan cannot take effect before it"),
            )
            .into());
        }
        if !store::approve(&mut tx, id, &text, &day, &actor.label(), &now()).await? {
            return Err(AppError::Conflict(format!(
                "plan {} was approved or changed by someone else; reload it",
                before.number
            )));
        }
        let (after, _, _) = store::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
        let change = Change {
            action: "plan.approve",
            object_type: "restructuring_plan",
            object_id: id.to_string(),
            division_code: Some(before.division_code.clone()),
            before: audit::json(&before),
            after: audit::json(&after),
        };
        audit::commit(tx, actor, change).await?;
        self.get_plan(actor, id).await
    }

    async fn approved_plans(&self, actor: &Actor, town: &str) -> Result<Vec<(Plan, PlanDocument)>> {
        self.division_for(actor, town, Reach::Within, Permission::ReadDirectory, Level::Town).await?;
        let mut c = self.store.conn().await?;
        store::approved(&mut c, town)
            .await?
            .into_iter()
            .map(|(p, d)| {
                let doc =
                    serde_json::from_str(&d).map_err(|e| AppError::Conflict(format!("stored plan unreadable: {e}")))?;
                Ok((p, doc))
            })
            .collect()
    }

    /// Who owns a function of a town on a day: where work addressed to it goes.
    pub async fn function_owner(&self, actor: &Actor, town: &str, function: &str, day: &str) -> Result<Owner> {
        let plans = self.approved_plans(actor, town).await?;
        let day = parse_day(day, "date")?.to_string();
        owner_on(&plans, function, &day).ok_or(AppError::NotFound)
    }

    /// Every owner a function of a town has had, oldest first.
    pub async fn function_history(&self, actor: &Actor, town: &str, function: &str) -> Result<Vec<Owner>> {
        let plans = self.approved_plans(actor, town).await?;
        let h = history(&plans, function);
        if h.is_empty() { Err(AppError::NotFound) } else { Ok(h) }
    }
}

/// What must hold even of a draft: a title, and a size a page can show.
fn check_shape(doc: &PlanDocument) -> Result<()> {
    let mut e = ValidationError::default();
    crate::core::required(&doc.title, "title", MAX_TITLE, &mut e);
    e.errors.extend(doc.too_large());
    Ok(e.into_result()?)
}

fn document_text(doc: &PlanDocument) -> Result<String> {
    serde_json::to_string(doc).map_err(|e| AppError::Conflict(format!("the plan cannot be written: {e}")))
}

fn read_document(text: &str) -> Result<PlanDocument> {
    serde_json::from_str(text).map_err(|e| AppError::Conflict(format!("a stored plan cannot be read: {e}")))
}
