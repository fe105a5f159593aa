//! Rounds of the menu: the staffing office opens one with a deadline; towns order matters
//! with a reason and expected yearly volume; the owning department assesses each order;
//! once ordering is over and every order is assessed, the staffing office decides each
//! one; publishing gives every town with a granted order a new version of its power list.

use std::collections::BTreeMap;

use grassroots_domain::ValidationError;
use grassroots_domain::core::division::Level;
use grassroots_domain::core::role::Permission;
use grassroots_domain::empowerment::{
    Opinion, Order, OrderDecision, OrderId, PowerListVersion, Round, RoundId, RoundStats, RoundStatus, round_stats,
};
use grassroots_store::empowerment::{catalog, powers, rounds as store};
use serde::{Deserialize, Serialize};
use serde_json::json as j;

use crate::core::audit::{self, Change};
use crate::core::divisions::Reach;
use crate::core::{now, parse_day, required, today};
use crate::{Actor, App, AppError, Result};

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRoundRequest {
    pub county: String,
    pub title: String,
    /// The last day orders are taken, YYYY-MM-DD.
    pub deadline: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderRequest {
    /// The town ordering.
    pub town: String,
    pub matter_code: String,
    pub reason: String,
    /// Cases or services the town expects a year.
    pub yearly_volume: i64,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessRequest {
    pub opinion: Opinion,
    /// Reasons, and for a conditional opinion the conditions.
    #[serde(default)]
    pub assessment: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecideRequest {
    pub decision: OrderDecision,
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishRoundRequest {
    /// The day the new power lists take effect, YYYY-MM-DD.
    pub effective_from: String,
}

/// A round with its figures and whether it still takes orders today.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoundView {
    pub round: Round,
    pub takes_orders: bool,
    pub stats: RoundStats,
}

/// Which orders of a round to show.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    /// One town's.
    pub town: Option<String>,
    /// Only those of the actor's own department's matters (the assessment queue).
    pub mine_to_assess: bool,
}

/// The two changes an order goes through after it is placed.
enum Update<'a> {
    Assess(Opinion, &'a str),
    Decide(OrderDecision, &'a str),
}

const MAX_TEXT: usize = 1000;
const MAX_VOLUME: i64 = 1_000_000;

impl App {
    pub async fn open_round(&self, actor: &Actor, req: NewRoundRequest) -> Result<Round> {
        let county = self
            .division_for(actor, &req.county, Reach::WithinOrAbove, Permission::ManageEmpowerment, Level::County)
            .await?
            .division
            .code;
        let county = county.as_str();
        let mut e = ValidationError::default();
        required(&req.title, "title", 200, &mut e);
        e.into_result()?;
        let deadline = parse_day(&req.deadline, "deadline")?;
        if deadline < today() {
            return Err(ValidationError::new("deadline", "in_the_past", "the deadline has already passed").into());
        }
        let mut tx = self.store.begin().await?;
        if catalog::types(&mut tx, county).await?.is_empty() {
            return Err(
                ValidationError::new("county", "empty_catalog", "the county has no catalog to order from").into()
            );
        }
        let round =
            store::insert_round(&mut tx, county, req.title.trim(), &deadline.to_string(), &actor.label(), &now())
                .await?;
        let change = Change {
            action: "round.open",
            object_type: "empowerment_round",
            object_id: round.id.to_string(),
            division_code: Some(round.county_code.clone()),
            before: None,
            after: audit::json(&round),
        };
        audit::commit(tx, actor, change).await?;
        Ok(round)
    }

    async fn round_in_reach(&self, actor: &Actor, id: RoundId) -> Result<Round> {
        let mut c = self.store.conn().await?;
        let round = store::get_round(&mut c, id).await?.ok_or(AppError::NotFound)?;
        drop(c);
        self.division_for(actor, &round.county_code, Reach::WithinOrAbove, Permission::ReadDirectory, Level::County)
            .await?;
        Ok(round)
    }

    pub async fn list_rounds(&self, actor: &Actor, county: &str) -> Result<Vec<Round>> {
        let d =
            self.division_for(actor, county, Reach::WithinOrAbove, Permission::ReadDirectory, Level::County).await?;
        let mut c = self.store.conn().await?;
        Ok(store::rounds(&mut c, d.division.code.as_str()).await?)
    }

    /// A round and its figures, over the orders the actor can see.
    pub async fn get_round(&self, actor: &Actor, id: RoundId) -> Result<RoundView> {
        let round = self.round_in_reach(actor, id).await?;
        let mut c = self.store.conn().await?;
        let types = catalog::types(&mut c, &round.county_code).await?;
        let orders = store::orders(&mut c, id, &actor.scope_path, None, None).await?;
        Ok(RoundView {
            takes_orders: round.takes_orders(&today().to_string()),
            stats: round_stats(&types, &orders),
            round,
        })
    }

    /// Orders of a round the actor can see: a town sees its own, the county all of them.
    pub async fn round_orders(&self, actor: &Actor, id: RoundId, f: &OrderFilter) -> Result<Vec<Order>> {
        self.round_in_reach(actor, id).await?;
        let department = if f.mine_to_assess {
            actor.require(Permission::AssessOrders)?;
            Some(actor.body_id.map_or(0, |b| b.0))
        } else {
            None
        };
        let mut c = self.store.conn().await?;
        Ok(store::orders(&mut c, id, &actor.scope_path, f.town.as_deref(), department).await?)
    }

    /// Ends ordering before the deadline.
    pub async fn close_round(&self, actor: &Actor, id: RoundId) -> Result<Round> {
        let before = self.round_in_reach(actor, id).await?;
        actor.require(Permission::ManageEmpowerment)?;
        let mut tx = self.store.begin().await?;
        if !store::close(&mut tx, id, &now()).await? {
            return Err(AppError::Conflict("the round is no longer open".into()));
        }
        let after = store::get_round(&mut tx, id).await?.ok_or(AppError::NotFound)?;
        let change = Change {
            action: "round.close",
            object_type: "empowerment_round",
            object_id: before.id.to_string(),
            division_code: Some(before.county_code.clone()),
            before: audit::json(&before),
            after: audit::json(&after),
        };
        audit::commit(tx, actor, change).await?;
        Ok(after)
    }

    /// A town orders a matter of the round's catalog.
    pub async fn place_order(&self, actor: &Actor, round: RoundId, req: OrderRequest) -> Result<Order> {
        let r = self.round_in_reach(actor, round).await?;
        let town = self
            .division_for(actor, &req.town, Reach::Within, Permission::OrderPowers, Level::Town)
            .await?
            .division
            .code;
        if town.county_code().as_str() != r.county_code {
            return Err(ValidationError::new("town", "other_county", "only a town of the round's county orders").into());
        }
        let mut e = ValidationError::default();
        required(&req.reason, "reason", MAX_TEXT, &mut e);
        if !(0..=MAX_VOLUME).contains(&req.yearly_volume) {
            e.push("yearly_volume", "out_of_range", "the expected yearly volume is between 0 and 1,000,000");
        }
        e.into_result()?;
        let mut tx = self.store.begin().await?;
        let r = store::lock_round(&mut tx, round).await?.ok_or(AppError::NotFound)?;
        if !r.takes_orders(&today().to_string()) {
            return Err(ValidationError::new(
                "round",
                "ordering_closed",
                format!("the round stopped taking orders (deadline {})", r.deadline),
            )
            .into());
        }
        let (matter, _) =
            catalog::by_code(&mut tx, &r.county_code, req.matter_code.trim()).await?.ok_or_else(|| {
                ValidationError::new(
                    "matter_code",
                    "unknown_matter",
                    format!("the catalog has no matter “{}”", req.matter_code),
                )
            })?;
        if let Some(list) = powers::latest(&mut tx, town.as_str()).await?
            && powers::contains(&mut tx, list.id, matter.id).await?
        {
            return Err(ValidationError::new(
                "matter_code",
                "already_held",
                format!("the town already holds “{}”", matter.matter.name),
            )
            .into());
        }
        let new = store::NewOrder {
            round,
            town: town.as_str(),
            matter: matter.id,
            reason: req.reason.trim(),
            yearly_volume: req.yearly_volume,
            by: &actor.label(),
            now: &now(),
        };
        let id = store::insert_order(&mut tx, &new).await?;
        let (order, _, _) = store::get_order(&mut tx, id).await?.ok_or(AppError::NotFound)?;
        let change = Change {
            action: "order.place",
            object_type: "power_order",
            object_id: id.to_string(),
            division_code: Some(town.to_string()),
            before: None,
            after: audit::json(&order),
        };
        audit::commit(tx, actor, change).await?;
        Ok(order)
    }

    /// An order whose town is in scope, and the body that owns its matter.
    async fn order_in_scope(&self, actor: &Actor, id: OrderId) -> Result<(Order, i64)> {
        let mut c = self.store.conn().await?;
        let (order, body, path) = store::get_order(&mut c, id).await?.ok_or(AppError::NotFound)?;
        actor.within(&path)?;
        Ok((order, body))
    }

    /// One order, for whoever sees its town.
    pub async fn get_order(&self, actor: &Actor, id: OrderId) -> Result<Order> {
        Ok(self.order_in_scope(actor, id).await?.0)
    }

    /// The owning department's assessment of an order; once, and only by that department.
    pub async fn assess_order(&self, actor: &Actor, id: OrderId, req: AssessRequest) -> Result<Order> {
        let (before, body) = self.order_in_scope(actor, id).await?;
        actor.require(Permission::AssessOrders)?;
        if actor.body_id.map(|b| b.0) != Some(body) && actor.user_id.is_some() {
            return Err(AppError::NotYours(format!(
                "{} belongs to {}; only it assesses orders for it",
                before.matter_name, before.department
            )));
        }
        let mut e = ValidationError::default();
        if req.opinion == Opinion::Feasible {
            if req.assessment.chars().count() > MAX_TEXT {
                e.push("assessment", "too_long", "the assessment has at most 1,000 characters");
            }
        } else {
            required(&req.assessment, "assessment", MAX_TEXT, &mut e);
        }
        e.into_result()?;
        self.change_order(actor, &before, Update::Assess(req.opinion, req.assessment.trim())).await
    }

    /// The staffing office's decision on an order. Only once ordering is over and every
    /// order of the round is assessed, so all towns are weighed together; only once.
    pub async fn decide_order(&self, actor: &Actor, id: OrderId, req: DecideRequest) -> Result<Order> {
        let (before, _) = self.order_in_scope(actor, id).await?;
        actor.require(Permission::ManageEmpowerment)?;
        let against = req.decision == OrderDecision::Granted && before.opinion == Some(Opinion::Infeasible);
        let mut e = ValidationError::default();
        if req.decision == OrderDecision::Refused || against {
            required(&req.reason, "reason", MAX_TEXT, &mut e);
        }
        e.into_result()?;
        let decided = self.change_order(actor, &before, Update::Decide(req.decision, req.reason.trim())).await;
        match decided {
            Err(AppError::Conflict(_)) => {
                let (now, _) = self.order_in_scope(actor, id).await?;
                Err(AppError::Conflict(format!(
                    "{} already decided this order at {}: {}",
                    now.decided_by.unwrap_or_default(),
                    grassroots_domain::core::time::display_local(&now.decided_at.unwrap_or_default()),
                    now.decision.map_or("", |d| d.label_en())
                )))
            }
            other => other,
        }
    }

    /// Runs one guarded update of an order with its round locked and audits it; a lost race
    /// is a conflict.
    async fn change_order(&self, actor: &Actor, before: &Order, update: Update<'_>) -> Result<Order> {
        let mut tx = self.store.begin().await?;
        let round = store::lock_round(&mut tx, before.round_id).await?.ok_or(AppError::NotFound)?;
        if round.status == RoundStatus::Published {
            return Err(AppError::Conflict("the round is already published".into()));
        }
        if let Update::Decide(..) = update {
            if round.takes_orders(&today().to_string()) {
                return Err(ValidationError::new(
                    "round",
                    "ordering_open",
                    format!("towns may order until {}; close the round first", round.deadline),
                )
                .into());
            }
            let (unassessed, _) = store::open_counts(&mut tx, round.id).await?;
            if unassessed > 0 {
                return Err(ValidationError::new(
                    "round",
                    "assessments_pending",
                    format!("{unassessed} orders of the round still await their department's assessment"),
                )
                .into());
            }
        }
        let (by, now) = (actor.label(), now());
        let (action, done) = match update {
            Update::Assess(opinion, text) => {
                ("order.assess", store::assess(&mut tx, before.id, opinion, text, &by, &now).await?)
            }
            Update::Decide(decision, reason) => {
                ("order.decide", store::decide(&mut tx, before.id, decision, reason, &by, &now).await?)
            }
        };
        if !done {
            return Err(AppError::Conflict("the order was changed by someone else first".into()));
        }
        let (after, _, _) = store::get_order(&mut tx, before.id).await?.ok_or(AppError::NotFound)?;
        let change = Change {
            action,
            object_type: "power_order",
            object_id: before.id.to_string(),
            division_code: Some(before.division_code.clone()),
            before: audit::json(before),
            after: audit::json(&after),
        };
        audit::commit(tx, actor, change).await?;
        Ok(after)
    }

    /// Publishes a decided round: each town with a granted order gets a new version of its
    /// power list — its latest list plus what was granted — taking effect on the day given.
    pub async fn publish_round(
        &self,
        actor: &Actor,
        id: RoundId,
        req: PublishRoundRequest,
    ) -> Result<Vec<PowerListVersion>> {
        let before = self.round_in_reach(actor, id).await?;
        actor.require(Permission::ManageEmpowerment)?;
        let day = parse_day(&req.effective_from, "effective_from")?.to_string();
        if before.status == RoundStatus::Published {
            return Err(AppError::Conflict("the round is already published".into()));
        }
        if before.takes_orders(&today().to_string()) {
            return Err(ValidationError::new("round", "ordering_open", "close the round before publishing").into());
        }
        let mut tx = self.store.begin().await?;
        let (_, undecided) = store::open_counts(&mut tx, id).await?;
        if undecided > 0 {
            return Err(ValidationError::new(
                "round",
                "decisions_pending",
                format!("{undecided} orders of the round are not decided yet"),
            )
            .into());
        }
        let stamp = now();
        if !store::publish(&mut tx, id, &day, &actor.label(), &stamp).await? {
            return Err(AppError::Conflict("the round was published by someone else first".into()));
        }
        let orders = store::orders(&mut tx, id, "/", None, None).await?;
        let mut granted: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for o in orders.iter().filter(|o| o.decision == Some(OrderDecision::Granted)) {
            granted.entry(&o.division_code).or_default().push(&o.matter_code);
        }
        let mut versions = Vec::new();
        for (town, codes) in granted {
            let mut entries = match powers::latest(&mut tx, town).await? {
                // Lists take effect in order: a new one cannot slip in before the latest.
                Some(v) if v.effective_from > day => {
                    return Err(ValidationError::new(
                        "effective_from",
                        "before_latest",
                        format!(
                            "a list of {town} takes effect on {}; a new one cannot take effect before it",
                            v.effective_from
                        ),
                    )
                    .into());
                }
                Some(v) => powers::powers(&mut tx, v.id).await?.into_iter().map(|(id, p)| (id, p.held_since)).collect(),
                None => Vec::new(),
            };
            for code in codes {
                let (m, _) = catalog::by_code(&mut tx, &before.county_code, code).await?.ok_or(AppError::NotFound)?;
                if !entries.iter().any(|(id, _)| *id == m.id) {
                    entries.push((m.id, day.clone()));
                }
            }
            let note = format!("{}：赋权", before.title);
            let new = powers::NewVersion {
                division: town,
                effective_from: &day,
                note: &note,
                round: Some(id),
                by: &actor.label(),
                now: &stamp,
            };
            let v = powers::insert_version(&mut tx, &new, &entries).await?;
            audit::record(
                &mut tx,
                actor,
                Change {
                    action: "power_list.publish",
                    object_type: "power_list_version",
                    object_id: v.id.to_string(),
                    division_code: Some(town.to_owned()),
                    before: None,
                    after: audit::json(&j!({ "version": v, "powers": entries.len() })),
                },
            )
            .await?;
            versions.push(v);
        }
        let after = store::get_round(&mut tx, id).await?.ok_or(AppError::NotFound)?;
        let change = Change {
            action: "round.publish",
            object_type: "empowerment_round",
            object_id: id.to_string(),
            division_code: Some(before.county_code.clone()),
            before: audit::json(&before),
            after: audit::json(&after),
        };
        audit::commit(tx, actor, change).await?;
        Ok(versions)
    }
}
