//! The relay board of a warning — per town: the town's own acknowledgement, its villages'
//! and its monitors', and how many were escalated — with the warning's indicators: time to
//! acknowledge (median and 90th percentile), coverage, patrols and evacuations. Everyone
//! sees the part of it within their scope.

use std::collections::BTreeMap;

use grassroots_domain::core::division::DivisionCode;
use grassroots_domain::core::role::Permission;
use grassroots_domain::warning::{HazardPoint, Notice, Patrol, RecipientKind, WarningId, median_p90};
use grassroots_store::core::divisions;
use grassroots_store::warning as store;
use serde::Serialize;

use super::WarningView;
use crate::{Actor, App, Result};

/// Told and acknowledged, for one kind of recipient.
#[derive(Debug, Clone, Copy, Default, Serialize, utoipa::ToSchema)]
#[schema(as = RecipientCount)]
pub struct Count {
    pub told: i64,
    pub acknowledged: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TownLine {
    pub town_code: String,
    pub town_name: String,
    pub town: Count,
    pub villages: Count,
    pub monitors: Count,
    /// Silent notices gone up to the command center or the county.
    pub escalated: i64,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Indicators {
    pub recipients: i64,
    pub acknowledged: i64,
    /// Acknowledged of those told, 0 to 1.
    pub coverage: f64,
    pub median_minutes: Option<f64>,
    pub p90_minutes: Option<f64>,
    pub escalated: i64,
    /// Hazard points in the area (within the reader's scope), and how many were patrolled.
    pub points: i64,
    pub points_patrolled: i64,
    pub danger_found: i64,
    pub evacuated: i64,
}

/// Deliveries of the outbox in one channel (`sms`, `webhook`) and state (`pending`,
/// `sent`, `failed`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DeliveryCount {
    pub channel: String,
    pub state: String,
    pub count: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RelayBoard {
    pub view: WarningView,
    pub towns: Vec<TownLine>,
    pub indicators: Indicators,
    pub deliveries: Vec<DeliveryCount>,
    /// The notices of one town when it is asked for: who is still silent, who answered.
    pub notices: Vec<Notice>,
    pub patrols: Vec<Patrol>,
    /// The reader's own notices of this warning, to acknowledge.
    pub mine: Vec<Notice>,
    /// The points the reader may report patrols of (monitors and village officers).
    pub my_points: Vec<HazardPoint>,
}

impl App {
    /// The board of a published warning within the reader's scope; `town` lists that
    /// town's notices one by one.
    pub async fn relay_board(&self, actor: &Actor, id: WarningId, town: Option<&str>) -> Result<RelayBoard> {
        let view = self.warning_view(actor, id).await?;
        let scope = actor.scope_path.as_str();
        let mut c = self.store.conn().await?;
        let tally = store::tally(&mut c, id, scope).await?;
        let codes: Vec<&str> = tally.iter().map(|(t, ..)| t.as_str()).collect();
        let names = divisions::get_many(&mut c, &codes).await?;
        let mut towns: BTreeMap<String, TownLine> = BTreeMap::new();
        let mut ind = Indicators::default();
        for (code, kind, told, acked, escalated) in &tally {
            let line = towns.entry(code.clone()).or_insert_with(|| TownLine {
                town_code: code.clone(),
                town_name: names.get(code).map(|d| d.division.name.clone()).unwrap_or_default(),
                town: Count::default(),
                villages: Count::default(),
                monitors: Count::default(),
                escalated: 0,
            });
            let slot = match kind {
                RecipientKind::Town => &mut line.town,
                RecipientKind::Village => &mut line.villages,
                RecipientKind::Monitor => &mut line.monitors,
            };
            slot.told += told;
            slot.acknowledged += acked;
            line.escalated += escalated;
            ind.recipients += told;
            ind.acknowledged += acked;
            ind.escalated += escalated;
        }
        if ind.recipients > 0 {
            ind.coverage = ind.acknowledged as f64 / ind.recipients as f64;
        }
        let mut seconds: Vec<i64> = store::ack_times(&mut c, id, scope)
            .await?
            .iter()
            .filter_map(|(told, acked)| super::seconds_between(told, acked))
            .collect();
        seconds.sort_unstable();
        let (median, p90) = median_p90(&seconds);
        let minutes = |s: Option<i64>| s.map(|s| (s as f64 / 6.0).round() / 10.0);
        (ind.median_minutes, ind.p90_minutes) = (minutes(median), minutes(p90));
        // Points of the area within the scope: under whichever of the two paths is deeper.
        let areas: Vec<&str> = view.warning.areas.iter().map(String::as_str).collect();
        for area in divisions::get_many(&mut c, &areas).await?.values() {
            if area.path.starts_with(scope) {
                ind.points += store::count_points_under(&mut c, &area.path).await?;
            } else if scope.starts_with(&area.path) {
                ind.points += store::count_points_under(&mut c, scope).await?;
            }
        }
        let patrols = store::patrols(&mut c, id, scope).await?;
        let mut patrolled: Vec<_> = patrols.iter().map(|p| p.point_id).collect();
        patrolled.sort_unstable();
        patrolled.dedup();
        ind.points_patrolled = patrolled.len() as i64;
        ind.danger_found = patrols.iter().filter(|p| p.danger_found).count() as i64;
        ind.evacuated = patrols.iter().map(|p| p.evacuated).sum();
        let notices = match town {
            Some(t) if DivisionCode::parse(t).is_ok() => {
                store::notices(&mut c, id, scope).await?.into_iter().filter(|n| n.town_code == t).collect()
            }
            _ => Vec::new(),
        };
        let mine = self.inbox_on(&mut c, actor, store::Inbox::Of(id)).await?;
        let my_points = if actor.role.may(Permission::ReportPatrols) && actor.user_id.is_some() {
            let all = store::points(&mut c, scope, 500, 0).await?.0;
            all.into_iter()
                .filter(|p| {
                    actor.role != grassroots_domain::core::role::Role::HazardMonitor
                        || p.monitors.iter().any(|m| m.username.as_deref() == Some(&actor.username))
                })
                .collect()
        } else {
            Vec::new()
        };
        let deliveries = if actor.role.may(Permission::IssueWarnings) {
            let counts = store::delivery_counts(&mut c, id).await?;
            counts.into_iter().map(|(channel, state, count)| DeliveryCount { channel, state, count }).collect()
        } else {
            Vec::new()
        };
        Ok(RelayBoard {
            view,
            towns: towns.into_values().collect(),
            indicators: ind,
            deliveries,
            notices,
            patrols,
            mine,
            my_points,
        })
    }

    /// The notices of warnings in force addressed to the user, unacknowledged first.
    pub async fn my_notices(&self, actor: &Actor) -> Result<Vec<Notice>> {
        let mut c = self.store.conn().await?;
        self.inbox_on(&mut c, actor, store::Inbox::InForce(&crate::core::now())).await
    }

    async fn inbox_on(
        &self,
        c: &mut grassroots_store::Conn,
        actor: &Actor,
        of: store::Inbox<'_>,
    ) -> Result<Vec<Notice>> {
        use grassroots_domain::core::role::Role;
        let kind = match actor.role {
            Role::TownOfficer | Role::Dispatcher => RecipientKind::Town,
            Role::VillageOfficer => RecipientKind::Village,
            Role::HazardMonitor => RecipientKind::Monitor,
            _ => return Ok(Vec::new()),
        };
        // A monitor's notices are found by the account, not by the village.
        let division = if kind == RecipientKind::Monitor { "" } else { actor.division_code.as_str() };
        Ok(store::inbox(c, division, kind, &actor.username, of).await?)
    }
}
