//! Joint inspections: targets, each department's checklist, the inspections departments
//! plan, the proposal to make the plans for one target one visit, the visit's results, and
//! what becomes of a failure — a rectification order checked again, or a case.

pub(crate) mod demo;

use std::collections::BTreeSet;

use grassroots_domain::ValidationError;
use grassroots_domain::core::division::Level;
use grassroots_domain::core::role::Permission;
use grassroots_domain::inspection::{
    CheckItem, FindingAction, InspectionId, InspectionPlan, ItemResult, JointInspection, MergeProposal, Outcome,
    PlanId, Target, TargetId, check_uscc, merge_proposals,
};
use grassroots_domain::page::{Page, PageRequest};
use grassroots_store::core::bodies;
use grassroots_store::inspection as store;
use serde::{Deserialize, Serialize};
use serde_json::json as j;

use crate::core::audit::{self, Change};
use crate::core::divisions::Reach;
use crate::core::{now, parse_day, required, today};
use crate::{Actor, App, AppError, Result};

/// Plans for one target within this many days of each other are proposed as one visit.
pub const MERGE_WINDOW_DAYS: i64 = 30;

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetRequest {
    pub town: String,
    pub name: String,
    #[serde(default)]
    pub credit_code: Option<String>,
    #[serde(default)]
    pub address: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    pub target_id: TargetId,
    pub planned_on: String,
    pub item_codes: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeRequest {
    pub plans: Vec<PlanId>,
    pub visit_on: String,
    pub team: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResultEntry {
    pub item_code: String,
    pub outcome: Outcome,
    #[serde(default)]
    pub note: String,
    /// Required for a failure.
    #[serde(default)]
    pub action: Option<FindingAction>,
    /// For a rectification order: the day it must be done by.
    #[serde(default)]
    pub rectify_by: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecheckRequest {
    pub item_code: String,
    pub on: String,
    /// Whether the rectification was found done.
    pub passed: bool,
}

/// A visit with its target and results.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InspectionView {
    pub inspection: JointInspection,
    pub target: Target,
    pub results: Vec<ItemResult>,
}

/// The joint-inspection figures of a town over a period, from the visits.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct InspectionIndicators {
    /// Visits made, with every result entered.
    pub joint_inspections: i64,
    /// Separate department visits those replaced, less the visits themselves.
    pub visits_saved: i64,
}

impl App {
    /// The name of the actor's department, for a user; none for the operator.
    async fn own_department(&self, actor: &Actor) -> Result<Option<String>> {
        match actor.body_id {
            Some(id) => {
                let mut c = self.store.conn().await?;
                Ok(bodies::get(&mut c, id).await?.map(|(b, _)| b.name))
            }
            None => Ok(None),
        }
    }

    pub async fn add_inspection_target(&self, actor: &Actor, req: TargetRequest) -> Result<Target> {
        // Departments and the town's team register targets; the role is checked before the
        // town named in the body is looked at.
        if actor.require(Permission::ConductInspections).is_err() {
            actor.require(Permission::PlanInspections)?;
        }
        let town = self.division_for(actor, &req.town, Reach::Within, Permission::ReadDirectory, Level::Town).await?;
        let mut e = ValidationError::default();
        required(&req.name, "name", 200, &mut e);
        if req.address.chars().count() > 500 {
            e.push("address", "too_long", "an address has at most 500 characters");
        }
        let credit_code = req.credit_code.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(str::to_uppercase);
        if let Some(code) = &credit_code
            && let Err(bad) = check_uscc(code)
        {
            e.errors.extend(bad.errors);
        }
        e.into_result()?;
        let code = town.division.code.to_string();
        let mut tx = self.store.begin().await?;
        let id =
            store::insert_target(&mut tx, &code, req.name.trim(), credit_code.as_deref(), req.address.trim(), &now())
                .await?;
        let (target, _) = store::get_target(&mut tx, id).await?.ok_or(AppError::NotFound)?;
        let change = Change {
            action: "target.add",
            object_type: "inspection_target",
            object_id: id.to_string(),
            division_code: Some(code),
            before: None,
            after: audit::json(&target),
        };
        audit::commit(tx, actor, change).await?;
        Ok(target)
    }

    pub async fn inspection_targets(&self, actor: &Actor) -> Result<Vec<Target>> {
        actor.require(Permission::ReadDirectory)?;
        let mut c = self.store.conn().await?;
        Ok(store::targets(&mut c, &actor.scope_path).await?)
    }

    /// Adds or updates check items of the county; a department keeps only its own.
    pub async fn set_check_items(&self, actor: &Actor, county: &str, items: Vec<CheckItem>) -> Result<usize> {
        let d = self.division_for(actor, county, Reach::Within, Permission::PlanInspections, Level::County).await?;
        let own = self.own_department(actor).await?;
        let mut e = ValidationError::default();
        for (i, item) in items.iter().enumerate() {
            let at = format!("items[{i}]");
            if item.code.trim().is_empty() || item.text.trim().is_empty() || item.department.trim().is_empty() {
                e.push(&at, "required", "an item needs a code, a department and a text");
            }
            if let Some(own) = &own
                && item.department != *own
            {
                return Err(AppError::NotYours(format!("{} keeps only its own check items", own)));
            }
        }
        e.into_result()?;
        let county = d.division.code.to_string();
        let mut tx = self.store.begin().await?;
        let existing = store::items(&mut tx, &county, None).await?;
        let replaced: Vec<&CheckItem> =
            existing.iter().filter(|old| items.iter().any(|i| i.code == old.code)).collect();
        if let Some(theirs) =
            replaced.iter().find(|old| items.iter().any(|i| i.code == old.code && i.department != old.department))
        {
            return Err(AppError::NotYours(format!("{} is an item of {}", theirs.code, theirs.department)));
        }
        for item in &items {
            store::upsert_item(&mut tx, &county, item).await?;
        }
        let change = Change {
            action: "check_items.set",
            object_type: "check_item",
            object_id: county.clone(),
            division_code: Some(county.clone()),
            before: audit::json(&replaced),
            after: audit::json(&items),
        };
        audit::commit(tx, actor, change).await?;
        Ok(items.len())
    }

    pub async fn check_items(&self, actor: &Actor, county: &str) -> Result<Vec<CheckItem>> {
        let d =
            self.division_for(actor, county, Reach::WithinOrAbove, Permission::ReadDirectory, Level::County).await?;
        let mut c = self.store.conn().await?;
        Ok(store::items(&mut c, d.division.code.as_str(), None).await?)
    }

    async fn inspection_target_in_scope(&self, actor: &Actor, id: TargetId) -> Result<Target> {
        let mut c = self.store.conn().await?;
        let (target, path) = store::get_target(&mut c, id).await?.ok_or(AppError::NotFound)?;
        actor.within(&path)?;
        Ok(target)
    }

    /// A department plans to inspect a target with items of its own checklist.
    pub async fn plan_inspection(&self, actor: &Actor, req: PlanRequest) -> Result<InspectionPlan> {
        // The role first: the target named in the body is not looked up for those who may
        // not plan at all, so nothing about it is revealed either way.
        actor.require(Permission::PlanInspections)?;
        let target = self.inspection_target_in_scope(actor, req.target_id).await?;
        let day = parse_day(&req.planned_on, "planned_on")?;
        if actor.user_id.is_some() && day < today() {
            return Err(ValidationError::new("planned_on", "in_the_past", "an inspection is planned ahead").into());
        }
        let department = self.own_department(actor).await?.ok_or(AppError::Forbidden)?;
        let mut c = self.store.conn().await?;
        let own = store::items(&mut c, &target.county_code, Some(&department)).await?;
        drop(c);
        let codes: BTreeSet<&str> = req.item_codes.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect();
        if codes.is_empty() {
            return Err(ValidationError::new("item_codes", "required", "a plan checks at least one item").into());
        }
        if let Some(other) = codes.iter().find(|c| !own.iter().any(|i| i.code == **c)) {
            return Err(ValidationError::new(
                "item_codes",
                "not_on_checklist",
                format!("“{other}” is not on the checklist of {department}"),
            )
            .into());
        }
        let codes: Vec<String> = codes.into_iter().map(str::to_owned).collect();
        let mut tx = self.store.begin().await?;
        let new = store::NewPlan {
            target: &target,
            department_body_id: actor.body_id.map_or(0, |b| b.0),
            department: &department,
            planned_on: &day.to_string(),
            item_codes: &codes,
            by: &actor.label(),
            now: &now(),
        };
        let id = store::insert_plan(&mut tx, &new).await?;
        let plan = store::get_plan(&mut tx, id).await?.ok_or(AppError::NotFound)?;
        let change = Change {
            action: "inspection.plan",
            object_type: "inspection_plan",
            object_id: id.to_string(),
            division_code: Some(target.division_code.clone()),
            before: None,
            after: audit::json(&plan),
        };
        audit::commit(tx, actor, change).await?;
        Ok(plan)
    }

    /// Plans not yet made into a visit, and the visits they could be merged into.
    pub async fn inspection_plans(&self, actor: &Actor) -> Result<(Vec<InspectionPlan>, Vec<MergeProposal>)> {
        actor.require(Permission::ReadDirectory)?;
        let mut c = self.store.conn().await?;
        let open = store::plans(&mut c, &actor.scope_path, true).await?;
        let proposals = merge_proposals(&open, MERGE_WINDOW_DAYS);
        Ok((open, proposals))
    }

    /// Makes plans for one target one visit by one team, with every planned item.
    pub async fn merge_plans(&self, actor: &Actor, req: MergeRequest) -> Result<InspectionView> {
        actor.require(Permission::ConductInspections)?;
        let mut c = self.store.conn().await?;
        let mut plans = Vec::new();
        for id in &req.plans {
            plans.push(store::get_plan(&mut c, *id).await?.ok_or(AppError::NotFound)?);
        }
        drop(c);
        let first =
            plans.first().ok_or_else(|| ValidationError::new("plans", "required", "name the plans to merge"))?;
        let target = self.inspection_target_in_scope(actor, first.target_id).await?;
        if plans.iter().any(|p| p.target_id != target.id) {
            return Err(ValidationError::new("plans", "other_target", "one visit inspects one target").into());
        }
        let visit_on = parse_day(&req.visit_on, "visit_on")?;
        let mut e = ValidationError::default();
        required(&req.team, "team", 500, &mut e);
        e.into_result()?;
        let mut c = self.store.conn().await?;
        let all = store::items(&mut c, &target.county_code, None).await?;
        drop(c);
        let mut items: Vec<CheckItem> = Vec::new();
        for p in &plans {
            for code in &p.item_codes {
                if let Some(item) = all.iter().find(|i| &i.code == code)
                    && !items.iter().any(|i| i.code == item.code)
                {
                    items.push(item.clone());
                }
            }
        }
        let mut tx = self.store.begin().await?;
        let new = store::NewVisit {
            target: &target,
            visit_on: &visit_on.to_string(),
            team: req.team.trim(),
            visits_saved: plans.len() as i64 - 1,
            by: &actor.label(),
            now: &now(),
        };
        let id = store::insert_visit(&mut tx, &new, &items).await?;
        for p in &plans {
            if !store::merge_plan(&mut tx, p.id, id).await? {
                return Err(AppError::Conflict(format!(
                    "the plan of {} was merged into a visit already",
                    p.department
                )));
            }
        }
        let change = Change {
            action: "inspection.merge",
            object_type: "joint_inspection",
            object_id: id.to_string(),
            division_code: Some(target.division_code.clone()),
            before: None,
            after: audit::json(&j!({ "plans": req.plans, "items": items.len(), "visit_on": new.visit_on })),
        };
        audit::commit(tx, actor, change).await?;
        self.get_inspection(actor, id).await
    }

    pub async fn get_inspection(&self, actor: &Actor, id: InspectionId) -> Result<InspectionView> {
        let mut c = self.store.conn().await?;
        let (inspection, path) = store::get_visit(&mut c, id).await?.ok_or(AppError::NotFound)?;
        actor.may_act_on(&path, Permission::ReadDirectory)?;
        let (target, _) = store::get_target(&mut c, inspection.target_id).await?.ok_or(AppError::NotFound)?;
        let results = store::results(&mut c, id).await?;
        Ok(InspectionView { inspection, target, results })
    }

    pub async fn list_inspections(&self, actor: &Actor, page: PageRequest) -> Result<Page<JointInspection>> {
        actor.require(Permission::ReadDirectory)?;
        let mut c = self.store.conn().await?;
        let (items, total) = store::visits(&mut c, &actor.scope_path, page.limit(), page.offset()).await?;
        Ok(Page::new(items, page, total))
    }

    /// Enters results of a visit; once every item has one the visit is done.
    pub async fn record_results(
        &self,
        actor: &Actor,
        id: InspectionId,
        entries: Vec<ResultEntry>,
    ) -> Result<InspectionView> {
        let before = self.get_inspection(actor, id).await?;
        actor.require(Permission::ConductInspections)?;
        let visit_on = parse_day(&before.inspection.visit_on, "visit_on")?;
        let mut e = ValidationError::default();
        let mut changed = Vec::new();
        for (i, entry) in entries.iter().enumerate() {
            let at = format!("results[{i}] ({})", entry.item_code);
            let Some(current) = before.results.iter().find(|r| r.item_code == entry.item_code) else {
                e.push(&at, "unknown_item", "this visit has no such item");
                continue;
            };
            if current.rechecked_on.is_some() {
                e.push(&at, "already_rechecked", "its rectification was rechecked; the result stands");
                continue;
            }
            let mut next = current.clone();
            next.outcome = Some(entry.outcome);
            next.note = entry.note.trim().to_owned();
            next.action = None;
            next.rectify_by = None;
            if entry.outcome == Outcome::Fail {
                match (entry.action, entry.rectify_by.as_deref().filter(|d| !d.is_empty())) {
                    (None, _) => e.push(&at, "action_required", "a failure becomes a rectification order or a case"),
                    (Some(FindingAction::Rectify), None) => {
                        e.push(&at, "rectify_by_required", "a rectification order has a deadline")
                    }
                    (Some(FindingAction::Rectify), Some(by)) => match parse_day(by, "rectify_by") {
                        Ok(d) if d > visit_on => {
                            next.action = Some(FindingAction::Rectify);
                            next.rectify_by = Some(d.to_string());
                        }
                        _ => e.push(&at, "invalid_deadline", "the deadline is a day after the visit"),
                    },
                    (Some(FindingAction::Case), _) => next.action = Some(FindingAction::Case),
                }
            }
            changed.push(next);
        }
        e.into_result()?;
        let mut tx = self.store.begin().await?;
        // Two saves of one visit at once queue here, so the last sees every result.
        store::lock_visit(&mut tx, id).await?;
        let rechecked = store::results(&mut tx, id).await?.into_iter().filter(|r| r.rechecked_on.is_some());
        if let Some(r) = rechecked.into_iter().find(|r| changed.iter().any(|c| c.item_code == r.item_code)) {
            return Err(AppError::Conflict(format!("{} was rechecked meanwhile; its result stands", r.item_code)));
        }
        for r in &changed {
            store::set_result(&mut tx, id, r).await?;
        }
        let results = store::results(&mut tx, id).await?;
        let done = results.iter().all(|r| r.outcome.is_some());
        store::set_done(&mut tx, id, done.then_some(before.inspection.visit_on.as_str())).await?;
        let change = Change {
            action: "inspection.results",
            object_type: "joint_inspection",
            object_id: id.to_string(),
            division_code: Some(before.inspection.division_code.clone()),
            before: audit::json(&before.results),
            after: audit::json(&results),
        };
        audit::commit(tx, actor, change).await?;
        self.get_inspection(actor, id).await
    }

    /// The second look at a rectification order.
    pub async fn recheck(&self, actor: &Actor, id: InspectionId, req: RecheckRequest) -> Result<InspectionView> {
        let before = self.get_inspection(actor, id).await?;
        actor.require(Permission::ConductInspections)?;
        let on = parse_day(&req.on, "on")?;
        let Some(current) = before.results.iter().find(|r| r.item_code == req.item_code) else {
            return Err(ValidationError::new("item_code", "unknown_item", "this visit has no such item").into());
        };
        if current.action != Some(FindingAction::Rectify) || current.rechecked_on.is_some() {
            return Err(ValidationError::new("item_code", "nothing_to_recheck", "no open rectification order").into());
        }
        if on.to_string() < before.inspection.visit_on || on > today() {
            return Err(ValidationError::new("on", "invalid_date", "between the visit and today").into());
        }
        let mut next = current.clone();
        next.rechecked_on = Some(on.to_string());
        if req.passed {
            next.note = format!("{} 复查合格", next.note).trim().to_owned();
        } else {
            // Not rectified in time: it becomes a case.
            next.action = Some(FindingAction::Case);
            next.note = format!("{} 复查未整改", next.note).trim().to_owned();
        }
        let mut tx = self.store.begin().await?;
        store::set_result(&mut tx, id, &next).await?;
        let change = Change {
            action: "inspection.recheck",
            object_type: "joint_inspection",
            object_id: id.to_string(),
            division_code: Some(before.inspection.division_code.clone()),
            before: audit::json(current),
            after: audit::json(&next),
        };
        audit::commit(tx, actor, change).await?;
        self.get_inspection(actor, id).await
    }

    /// Joint inspections done and visits saved in a town over `[from, to]`.
    pub async fn inspection_indicators(
        &self,
        actor: &Actor,
        town: &str,
        from: &str,
        to: &str,
    ) -> Result<InspectionIndicators> {
        let d = self.division_for(actor, town, Reach::Within, Permission::ReadDirectory, Level::Town).await?;
        let (from, to) = (parse_day(from, "from")?, parse_day(to, "to")?);
        let mut c = self.store.conn().await?;
        let visits =
            store::visits_between(&mut c, d.division.code.as_str(), &from.to_string(), &to.to_string()).await?;
        let done: Vec<&JointInspection> = visits.iter().filter(|v| v.done_on.is_some()).collect();
        Ok(InspectionIndicators {
            joint_inspections: done.len() as i64,
            visits_saved: done.iter().map(|v| v.visits_saved).sum(),
        })
    }
}
