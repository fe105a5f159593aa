//! Tasks sent down: screened against each target town's lists in force, refused or
//! accepted at once, or sent to the staffing office, whose ruling may add the task to the
//! town's lists; withdrawal by the sender; one appeal of a refusal; the burden each
//! department pushes down.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use grassroots_domain::ValidationError;
use grassroots_domain::admission::task::{TargetId, TargetState, Task, TaskId, TaskTarget};
use grassroots_domain::admission::{Decision, ListItem, VersionId};
use grassroots_domain::core::division::{DivisionCode, Level};
use grassroots_domain::core::role::Permission;
use grassroots_domain::page::{Page, PageRequest};
use grassroots_store::admission::{lists as list_store, tasks as store};
use grassroots_store::core::divisions;
use grassroots_text::{Screener, Segmenter};
use serde::{Deserialize, Serialize};
use serde_json::json as j;
use time::format_description::well_known::Iso8601;

use crate::core::audit::{self, Change};
use crate::core::{now, required};
use crate::{Actor, App, AppError, Result};

pub const MAX_TITLE: usize = 200;
pub const MAX_TEXT: usize = 20_000;
pub const MAX_TARGETS: usize = 100;

/// A published version's items and the engine indexed over them.
type Indexed = Arc<(Vec<ListItem>, Screener)>;

/// Engines by list version: a published version never changes, so its items and index are
/// read and built once.
#[derive(Default)]
pub struct Screeners {
    segmenter: OnceLock<Arc<Segmenter>>,
    by_version: Mutex<HashMap<i64, Indexed>>,
}

impl Screeners {
    async fn get(&self, c: &mut grassroots_store::Conn, version: VersionId) -> Result<Indexed> {
        if let Some(s) = self.by_version.lock().ok().and_then(|m| m.get(&version.0).cloned()) {
            return Ok(s);
        }
        let items = list_store::items(c, version).await?;
        let segmenter = self.segmenter.get_or_init(|| Arc::new(Segmenter::new())).clone();
        let screener = Screener::new(segmenter, &items);
        let indexed = Arc::new((items, screener));
        if let Ok(mut m) = self.by_version.lock() {
            m.insert(version.0, indexed.clone());
        }
        Ok(indexed)
    }
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTaskRequest {
    pub title: String,
    pub text: String,
    /// Codes of the target towns, all in the sender's county.
    #[schema(value_type = Vec<String>)]
    pub targets: Vec<DivisionCode>,
    /// YYYY-MM-DD.
    pub due_date: Option<String>,
    pub legal_basis: Option<String>,
}

/// A task with the decisions of the target towns the caller may see.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TaskView {
    pub task: Task,
    pub targets: Vec<TaskTarget>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RulingRequest {
    /// Accept into the town's work, or refuse.
    pub accept: bool,
    /// Why; required for a refusal.
    pub reason: String,
    /// When accepting: an item to add to the town's lists, published at once as a new version.
    pub add_item: Option<ListItem>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppealRequest {
    pub reason: String,
}

/// One sender's month.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct BurdenRow {
    pub sender_body_id: i64,
    pub sender: String,
    /// YYYY-MM.
    pub month: String,
    pub duty: i64,
    pub cooperation: i64,
    pub negative: i64,
    pub review: i64,
    pub total: i64,
    /// Share of targets refused in the end (negative list or ruling).
    pub refused_share: f64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BurdenReport {
    pub rows: Vec<BurdenRow>,
    /// Average hours from screening to the staffing office's ruling, by sender body id.
    #[schema(value_type = BTreeMap<String, f64>)]
    pub review_hours: BTreeMap<i64, f64>,
}

impl App {
    /// Sends a task; each target town is screened against its lists in force today.
    pub async fn send_task(&self, actor: &Actor, req: NewTaskRequest) -> Result<TaskView> {
        actor.require(Permission::SendTasks)?;
        let body = actor.body_id.ok_or(AppError::Forbidden)?;
        let mut errors = ValidationError::default();
        required(&req.title, "title", MAX_TITLE, &mut errors);
        required(&req.text, "text", MAX_TEXT, &mut errors);
        if req.targets.is_empty() {
            errors.push("targets", "required", "a task goes to at least one town");
        } else if req.targets.len() > MAX_TARGETS {
            errors.push("targets", "too_many", format!("at most {MAX_TARGETS} towns"));
        }
        let due = match req.due_date.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            Some(d) => match time::Date::parse(d, &Iso8601::DATE) {
                Ok(d) => Some(d.to_string()),
                Err(_) => {
                    errors.push("due_date", "invalid_date", "a date is written YYYY-MM-DD");
                    None
                }
            },
            None => None,
        };
        let mut c = self.store.conn().await?;
        let mut seen = std::collections::HashSet::new();
        for (i, town) in req.targets.iter().enumerate() {
            let d = divisions::get(&mut c, town).await?;
            let ok = d.as_ref().is_some_and(|d| d.division.level == Level::Town && actor.sees(&d.path));
            if !ok {
                errors.push(
                    format!("targets[{i}]"),
                    "not_a_town_of_your_county",
                    format!("{town} is not a town of your county"),
                );
            } else if !seen.insert(town.clone()) {
                errors.push(format!("targets[{i}]"), "duplicate_target", format!("{town} is named twice"));
            }
        }
        errors.into_result()?;
        // Screen what is stored (trimmed), so evidence places match the text shown; and do
        // it before the transaction, so the write lock stays short.
        let (title, text) = (req.title.trim(), req.text.trim());
        let day = crate::core::today().to_string();
        let mut decided = Vec::new();
        for town in &req.targets {
            let version = list_store::in_force(&mut c, town.as_str(), &day).await?;
            let outcome = match version {
                Some(v) => {
                    let indexed = self.screeners.get(&mut c, v.id).await?;
                    let (items, screener) = &*indexed;
                    let s = screener.screen(title, text);
                    let item = s.item.as_ref().and_then(|code| items.iter().find(|i| &i.code == code)).cloned();
                    (
                        Some(v.id.0),
                        s.decision,
                        item,
                        s.score,
                        j!({ "evidence": s.evidence, "action": s.action, "abstained": s.abstained }),
                    )
                }
                None => (None, Decision::Review, None, 0.0, j!({ "abstained": "no_list_in_force" })),
            };
            decided.push((town, outcome));
        }
        drop(c);
        let mut tx = self.store.begin().await?;
        let created = now();
        let new = store::NewTask {
            county_code: actor.division_code.get(..6).unwrap_or_default(),
            sender_body_id: body.0,
            sender: &actor.label(),
            title,
            text,
            legal_basis: req.legal_basis.as_deref().unwrap_or("").trim(),
            due_date: due.as_deref(),
            now: &created,
        };
        let id = store::insert_task(&mut tx, &new).await?;
        for (town, (version, decision, item, score, evidence)) in &decided {
            let evidence = evidence.to_string();
            let target = store::NewTarget {
                task: id,
                division_code: town.as_str(),
                list_version_id: *version,
                decision: decision.as_str(),
                item_code: item.as_ref().map(|i| i.code.as_str()),
                item_title: item.as_ref().map(|i| i.title.as_str()),
                lead_department: item.as_ref().map(|i| i.lead_department.as_str()).filter(|l| !l.is_empty()),
                score: *score,
                evidence_json: &evidence,
                state: TargetState::after_screening(*decision),
                now: &created,
            };
            store::insert_target(&mut tx, &target).await?;
        }
        let (task, _) = store::get_task(&mut tx, id).await?.ok_or(AppError::NotFound)?;
        let targets: Vec<TaskTarget> = store::targets_of(&mut tx, id).await?.into_iter().map(|(t, _)| t).collect();
        let change = Change {
            action: "task.send",
            object_type: "task",
            object_id: id.to_string(),
            division_code: Some(actor.division_code.clone()),
            before: None,
            after: audit::json(
                &j!({ "task": task, "decisions": targets.iter().map(|t| (&t.division_code, t.decision, &t.item_code)).collect::<Vec<_>>() }),
            ),
        };
        audit::commit(tx, actor, change).await?;
        Ok(TaskView { task, targets })
    }

    /// A task with the targets the actor may see: the sender's county sees all; a town
    /// sees its own copy; to anyone else it does not exist.
    pub async fn get_task(&self, actor: &Actor, id: TaskId) -> Result<TaskView> {
        let mut c = self.store.conn().await?;
        let (task, sender_path) = store::get_task(&mut c, id).await?.ok_or(AppError::NotFound)?;
        let targets: Vec<TaskTarget> =
            store::targets_of(&mut c, id).await?.into_iter().filter(|(_, p)| actor.sees(p)).map(|(t, _)| t).collect();
        if !actor.sees(&sender_path) && targets.is_empty() {
            return Err(AppError::NotFound);
        }
        actor.require(Permission::ReadDirectory)?;
        Ok(TaskView { task, targets })
    }

    /// Targets in the actor's scope, newest first: a town's work queue, or — for
    /// `pending_review` — the staffing office's review queue.
    pub async fn list_targets(
        &self,
        actor: &Actor,
        state: Option<TargetState>,
        page: PageRequest,
    ) -> Result<Page<TaskTarget>> {
        actor.require(Permission::ReadDirectory)?;
        let mut c = self.store.conn().await?;
        let (items, total) = store::list_targets(&mut c, &actor.scope_path, state, page.limit(), page.offset()).await?;
        Ok(Page::new(items, page, total))
    }

    async fn target_in_scope(&self, actor: &Actor, c: &mut grassroots_store::Conn, id: TargetId) -> Result<TaskTarget> {
        let (target, path) = store::get_target(c, id).await?.ok_or(AppError::NotFound)?;
        actor.within(&path)?;
        Ok(target)
    }

    /// The staffing office rules on a target waiting for review.
    pub async fn rule_on_target(&self, actor: &Actor, id: TargetId, req: RulingRequest) -> Result<TaskTarget> {
        let mut tx = self.store.begin().await?;
        store::lock_target(&mut tx, id).await?;
        let before = self.target_in_scope(actor, &mut tx, id).await?;
        actor.require(Permission::RuleOnTasks)?;
        if before.state != TargetState::PendingReview {
            return Err(AppError::Conflict(format!("the task is {}, not waiting for review", before.state.as_str())));
        }
        let reason = req.reason.trim();
        if !req.accept && reason.is_empty() {
            return Err(ValidationError::new("reason", "required", "a refusal gives its reason").into());
        }
        if !req.accept && req.add_item.is_some() {
            return Err(ValidationError::new("add_item", "not_allowed", "only an accepted task adds an item").into());
        }
        let mut added = None;
        if let Some(item) = &req.add_item {
            item.validate()?;
            if item.kind == grassroots_domain::admission::ItemKind::Negative {
                let e = ValidationError::new(
                    "add_item.kind",
                    "not_allowed",
                    "accepting a task adds a duty or cooperation item",
                );
                return Err(e.into());
            }
            let current =
                list_store::in_force(&mut tx, &before.division_code, &crate::core::today().to_string()).await?;
            let mut items = match &current {
                Some(v) => list_store::items(&mut tx, v.id).await?,
                None => vec![],
            };
            if items.iter().any(|i| i.code == item.code) {
                return Err(ValidationError::new(
                    "add_item.code",
                    "duplicate_code",
                    format!("{} is already on the list", item.code),
                )
                .into());
            }
            items.push(item.clone());
            let note = format!("item {} added by ruling on task {}", item.code, before.task_id);
            let new = list_store::NewVersion {
                division_code: &before.division_code,
                note: &note,
                based_on: current.map(|v| v.id),
                created_by: &actor.label(),
                now: &now(),
            };
            let v = list_store::insert_draft(&mut tx, &new, &items).await?;
            list_store::publish(&mut tx, v.id, &crate::core::today().to_string(), &now()).await?;
            let version = Change {
                action: "list.add_by_ruling",
                object_type: "duty_list_version",
                object_id: v.id.to_string(),
                division_code: Some(before.division_code.clone()),
                before: None,
                after: audit::json(&j!({ "version": v, "item": item, "task_target": id })),
            };
            audit::record(&mut tx, actor, version).await?;
            added = Some(v.id);
        }
        let state = if req.accept { TargetState::Accepted } else { TargetState::Refused };
        store::set_ruling(
            &mut tx,
            id,
            state,
            if req.accept { "accept" } else { "refuse" },
            reason,
            &actor.label(),
            &now(),
        )
        .await?;
        let after = self.target_in_scope(actor, &mut tx, id).await?;
        let change = Change {
            action: "task.rule",
            object_type: "task_target",
            object_id: id.to_string(),
            division_code: Some(before.division_code.clone()),
            before: audit::json(&before),
            after: audit::json(&j!({ "target": after, "list_version_added": added })),
        };
        audit::commit(tx, actor, change).await?;
        Ok(after)
    }

    /// A task the actor sent. Whoever may see the task (the sender's county, a target town)
    /// is told 403; anyone else 404.
    async fn own_task(&self, actor: &Actor, c: &mut grassroots_store::Conn, id: TaskId) -> Result<Task> {
        let (task, path) = store::get_task(c, id).await?.ok_or(AppError::NotFound)?;
        if !actor.sees(&path) && !store::targets_of(c, id).await?.iter().any(|(_, p)| actor.sees(p)) {
            return Err(AppError::NotFound);
        }
        actor.require(Permission::SendTasks)?;
        if actor.body_id.map(|b| b.0) != Some(task.sender_body_id) {
            return Err(AppError::Forbidden);
        }
        Ok(task)
    }

    /// The sender takes a task back from every town.
    pub async fn withdraw_task(&self, actor: &Actor, id: TaskId) -> Result<TaskView> {
        let mut tx = self.store.begin().await?;
        let before = self.own_task(actor, &mut tx, id).await?;
        if !store::withdraw(&mut tx, id, &now()).await? {
            return Err(AppError::Conflict("the task is already withdrawn".into()));
        }
        let (task, _) = store::get_task(&mut tx, id).await?.ok_or(AppError::NotFound)?;
        let targets = store::targets_of(&mut tx, id).await?.into_iter().map(|(t, _)| t).collect();
        let change = Change {
            action: "task.withdraw",
            object_type: "task",
            object_id: id.to_string(),
            division_code: Some(actor.division_code.clone()),
            before: audit::json(&before),
            after: audit::json(&task),
        };
        audit::commit(tx, actor, change).await?;
        Ok(TaskView { task, targets })
    }

    /// The sender appeals a refusal once; the target goes to the staffing office.
    pub async fn appeal_target(&self, actor: &Actor, id: TargetId, req: AppealRequest) -> Result<TaskTarget> {
        let mut tx = self.store.begin().await?;
        store::lock_target(&mut tx, id).await?;
        let (before, _) = store::get_target(&mut tx, id).await?.ok_or(AppError::NotFound)?;
        self.own_task(actor, &mut tx, before.task_id).await?;
        if before.state != TargetState::Refused {
            return Err(AppError::Conflict("only a refused task can be appealed".into()));
        }
        if before.appealed_at.is_some() {
            return Err(AppError::Conflict("a refusal can be appealed once".into()));
        }
        let reason = req.reason.trim();
        if reason.is_empty() || reason.chars().count() > 2000 {
            return Err(ValidationError::new(
                "reason",
                "required",
                "an appeal gives its reason, at most 2,000 characters",
            )
            .into());
        }
        store::set_appeal(&mut tx, id, reason, &now()).await?;
        let (after, _) = store::get_target(&mut tx, id).await?.ok_or(AppError::NotFound)?;
        let change = Change {
            action: "task.appeal",
            object_type: "task_target",
            object_id: id.to_string(),
            division_code: Some(before.division_code.clone()),
            before: audit::json(&before),
            after: audit::json(&after),
        };
        audit::commit(tx, actor, change).await?;
        Ok(after)
    }

    /// Tasks per sending department per month by decision, the share refused, and how
    /// long the staffing office takes to rule.
    pub async fn burden(&self, actor: &Actor) -> Result<BurdenReport> {
        use grassroots_domain::core::time::{SHANGHAI, from_stored};
        actor.require(Permission::ReadDirectory)?;
        let mut c = self.store.conn().await?;
        let mut rows: BTreeMap<(String, String, i64), BurdenRow> = BTreeMap::new();
        let mut hours: BTreeMap<i64, (f64, f64)> = BTreeMap::new();
        for r in store::burden(&mut c, &actor.scope_path).await? {
            let Some(created) = from_stored(&r.created_at) else { continue };
            // The month as the county lives it, in Shanghai time.
            let local = created.to_offset(SHANGHAI);
            let month = format!("{}-{:02}", local.year(), u8::from(local.month()));
            let key = (r.sender_name.clone(), month.clone(), r.sender_body_id);
            let row = rows.entry(key).or_insert_with(|| BurdenRow {
                sender_body_id: r.sender_body_id,
                sender: r.sender_name.clone(),
                month,
                ..Default::default()
            });
            match r.decision.as_str() {
                "duty" => row.duty += 1,
                "cooperation" => row.cooperation += 1,
                "negative" => row.negative += 1,
                _ => row.review += 1,
            }
            row.total += 1;
            if r.state == "refused" {
                row.refused_share += 1.0;
            }
            if let (Some(asked), Some(ruled)) =
                (from_stored(&r.review_from), r.ruled_at.as_deref().and_then(from_stored))
            {
                let e = hours.entry(r.sender_body_id).or_default();
                e.0 += (ruled - asked).as_seconds_f64() / 3600.0;
                e.1 += 1.0;
            }
        }
        let rows: Vec<BurdenRow> = rows
            .into_values()
            .map(|mut r| {
                r.refused_share = (r.refused_share / r.total as f64 * 1000.0).round() / 1000.0;
                r
            })
            .collect();
        let review_hours = hours.into_iter().map(|(k, (sum, n))| (k, (sum / n * 10.0).round() / 10.0)).collect();
        Ok(BurdenReport { rows, review_hours })
    }
}
