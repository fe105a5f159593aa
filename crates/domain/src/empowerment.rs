//! Empowerment by menu (看单点菜, 一镇一单): the county's catalog of powers it can devolve,
//! rounds in which each town orders what it can use, the owning department's assessment,
//! the staffing office's decision, and each town's own published power list. A devolved
//! power is evaluated by its use, and can be taken back.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use time::Date;

use crate::ValidationError;

crate::named_enum! {
    /// The kinds of administrative power of a 权责清单.
    pub PowerType ("power_type", "invalid_power_type") {
        Licensing = ("licensing", "行政许可", "licensing"),
        Penalty = ("penalty", "行政处罚", "penalty"),
        Coercion = ("coercion", "行政强制", "coercion"),
        Inspection = ("inspection", "行政检查", "inspection"),
        Confirmation = ("confirmation", "行政确认", "confirmation"),
        Payment = ("payment", "行政给付", "payment"),
        Reward = ("reward", "行政奖励", "reward"),
        Adjudication = ("adjudication", "行政裁决", "adjudication"),
        Other = ("other", "其他行政权力", "other"),
    }
}

crate::named_enum! {
    pub Risk ("risk", "invalid_risk") {
        Low = ("low", "低", "low"),
        Medium = ("medium", "中", "medium"),
        High = ("high", "高", "high"),
    }
}

crate::named_enum! {
    /// The owning department's assessment of an order (部门论证).
    pub Opinion ("opinion", "invalid_opinion") {
        Feasible = ("feasible", "可行", "feasible"),
        Conditional = ("conditional", "有条件可行", "feasible with conditions"),
        Infeasible = ("infeasible", "不可行", "not feasible"),
    }
}

crate::named_enum! {
    /// The staffing office's decision on an order.
    pub OrderDecision ("decision", "invalid_decision") {
        Granted = ("granted", "同意赋权", "granted"),
        Refused = ("refused", "不予赋权", "refused"),
    }
}

crate::named_enum! {
    /// Where an order stands.
    pub OrderState ("state", "invalid_order_state") {
        Ordered = ("ordered", "待论证", "awaiting assessment"),
        Assessed = ("assessed", "待决定", "awaiting decision"),
        Granted = ("granted", "同意赋权", "granted"),
        Refused = ("refused", "不予赋权", "refused"),
    }
}

crate::named_enum! {
    /// A round takes orders until its deadline (or until closed early), then is decided and
    /// published.
    pub RoundStatus ("status", "invalid_round_status") {
        Open = ("open", "点单中", "open for orders"),
        Closed = ("closed", "论证决定中", "assessing and deciding"),
        Published = ("published", "已发布", "published"),
    }
}

crate::named_enum! {
    /// How a devolved power was used.
    pub UseKind ("kind", "invalid_use_kind") {
        Case = ("case", "办案", "case"),
        Service = ("service", "办件", "service"),
    }
}

crate::typed_id!(pub MatterId);
crate::typed_id!(pub RoundId);
crate::typed_id!(pub OrderId);
crate::typed_id!(pub PowerListId);

/// One matter of the county's catalog: a power the county can devolve to its towns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Matter {
    pub code: String,
    pub name: String,
    pub power_type: PowerType,
    /// The county department that holds the power and assesses orders for it.
    pub department: String,
    pub legal_basis: String,
    /// What a town needs to exercise it: qualified staff, equipment.
    pub requirements: String,
    pub risk: Risk,
}

impl Matter {
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut e = ValidationError::default();
        let mut text = |field: &str, value: &str, required: bool, max: usize| {
            if required && value.trim().is_empty() {
                e.push(field, "required", format!("a matter needs its {field}"));
            } else if value.chars().count() > max {
                e.push(field, "too_long", format!("{field} has at most {max} characters"));
            }
        };
        text("code", &self.code, true, 50);
        text("name", &self.name, true, 300);
        text("department", &self.department, true, 100);
        text("legal_basis", &self.legal_basis, false, 2000);
        text("requirements", &self.requirements, false, 2000);
        e.into_result()
    }
}

/// A matter as the catalog stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CatalogMatter {
    pub id: MatterId,
    pub county_code: String,
    #[serde(flatten)]
    pub matter: Matter,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Round {
    pub id: RoundId,
    pub county_code: String,
    pub title: String,
    /// The last day orders are taken (Asia/Shanghai), YYYY-MM-DD.
    pub deadline: String,
    pub status: RoundStatus,
    /// The day the power lists made by this round take effect, once published.
    pub effective_from: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub closed_at: Option<String>,
    pub published_by: Option<String>,
    pub published_at: Option<String>,
}

impl Round {
    pub fn takes_orders(&self, today: &str) -> bool {
        self.status == RoundStatus::Open && today <= self.deadline.as_str()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Order {
    pub id: OrderId,
    pub round_id: RoundId,
    pub county_code: String,
    /// The town that ordered.
    pub division_code: String,
    pub town_name: String,
    pub matter_code: String,
    pub matter_name: String,
    pub power_type: PowerType,
    pub department: String,
    pub reason: String,
    pub yearly_volume: i64,
    pub ordered_by: String,
    pub ordered_at: String,
    pub opinion: Option<Opinion>,
    pub assessment: Option<String>,
    pub assessed_by: Option<String>,
    pub assessed_at: Option<String>,
    pub decision: Option<OrderDecision>,
    pub decision_reason: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
}

impl Order {
    pub fn state(&self) -> OrderState {
        match (self.decision, self.opinion) {
            (Some(OrderDecision::Granted), _) => OrderState::Granted,
            (Some(OrderDecision::Refused), _) => OrderState::Refused,
            (None, Some(_)) => OrderState::Assessed,
            (None, None) => OrderState::Ordered,
        }
    }
}

/// One published version of a town's power list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PowerListVersion {
    pub id: PowerListId,
    pub county_code: String,
    pub division_code: String,
    pub number: i64,
    pub effective_from: String,
    pub note: String,
    /// The round that made it; none when a power was taken back.
    pub round_id: Option<RoundId>,
    pub created_by: String,
    pub created_at: String,
}

/// A power on a town's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Power {
    pub matter_code: String,
    pub name: String,
    pub power_type: PowerType,
    pub department: String,
    pub risk: Risk,
    /// The day the town first held it without a break.
    pub held_since: String,
}

/// A case or service done under a devolved power, with how it turned out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PowerUse {
    pub id: i64,
    pub division_code: String,
    pub matter_code: String,
    pub used_on: String,
    pub kind: UseKind,
    pub reference: String,
    /// The party complained about how the power was used.
    pub complaint: bool,
    /// The act was reversed on reconsideration or in court.
    pub reversed: bool,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// How a devolved power has been used in the twelve months before the day of evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Evaluation {
    pub matter_code: String,
    pub name: String,
    pub power_type: PowerType,
    pub held_since: String,
    pub cases: i64,
    pub services: i64,
    pub complaints: i64,
    pub reversals: i64,
    pub last_used: Option<String>,
    /// Held for at least twelve months and not used in the last twelve.
    pub unused: bool,
    /// Reversed at least once, or complained about in three uses or in a fifth of them.
    pub mishandled: bool,
}

/// The same day a year earlier (29 February falls back to the 28th).
pub fn year_before(d: Date) -> Date {
    let year = d.year() - 1;
    let day = d.day().min(time::util::days_in_month(d.month(), year));
    Date::from_calendar_date(year, d.month(), day).unwrap_or(d)
}

/// Evaluates each power of a town's list against the uses recorded for the town.
pub fn evaluate(powers: &[Power], uses: &[PowerUse], today: Date) -> Vec<Evaluation> {
    let from = year_before(today).to_string();
    let today = today.to_string();
    powers
        .iter()
        .map(|p| {
            let mine: Vec<&PowerUse> = uses
                .iter()
                .filter(|u| u.matter_code == p.matter_code && u.used_on > from && u.used_on <= today)
                .collect();
            let count = |f: &dyn Fn(&PowerUse) -> bool| mine.iter().filter(|u| f(u)).count() as i64;
            let cases = count(&|u| u.kind == UseKind::Case);
            let services = count(&|u| u.kind == UseKind::Service);
            let complaints = count(&|u| u.complaint);
            let reversals = count(&|u| u.reversed);
            let total = cases + services;
            Evaluation {
                matter_code: p.matter_code.clone(),
                name: p.name.clone(),
                power_type: p.power_type,
                held_since: p.held_since.clone(),
                cases,
                services,
                complaints,
                reversals,
                last_used: mine.iter().map(|u| u.used_on.clone()).max(),
                unused: total == 0 && p.held_since <= from,
                mishandled: reversals > 0 || complaints >= 3 || (total > 0 && complaints * 5 >= total),
            }
        })
        .collect()
}

/// Figures of one round: the catalog, what was ordered and granted, per town and per type.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, utoipa::ToSchema)]
pub struct RoundStats {
    pub catalog_matters: i64,
    pub orders: i64,
    /// Distinct matters ordered by at least one town.
    pub matters_ordered: i64,
    pub assessed: i64,
    pub granted: i64,
    pub refused: i64,
    pub by_town: Vec<TownStats>,
    pub by_type: Vec<TypeStats>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TownStats {
    pub division_code: String,
    pub name: String,
    pub ordered: i64,
    pub granted: i64,
    pub refused: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TypeStats {
    pub power_type: PowerType,
    pub catalog: i64,
    pub ordered: i64,
    pub granted: i64,
}

pub fn round_stats(catalog: &[PowerType], orders: &[Order]) -> RoundStats {
    let mut s = RoundStats { catalog_matters: catalog.len() as i64, orders: orders.len() as i64, ..Default::default() };
    s.matters_ordered = orders.iter().map(|o| o.matter_code.as_str()).collect::<HashSet<_>>().len() as i64;
    let mut towns: BTreeMap<&str, TownStats> = BTreeMap::new();
    for o in orders {
        let t = towns.entry(&o.division_code).or_insert_with(|| TownStats {
            division_code: o.division_code.clone(),
            name: o.town_name.clone(),
            ordered: 0,
            granted: 0,
            refused: 0,
        });
        t.ordered += 1;
        match o.state() {
            OrderState::Granted => {
                t.granted += 1;
                s.granted += 1;
            }
            OrderState::Refused => {
                t.refused += 1;
                s.refused += 1;
            }
            _ => {}
        }
        if o.opinion.is_some() {
            s.assessed += 1;
        }
    }
    s.by_town = towns.into_values().collect();
    s.by_type = PowerType::ALL
        .iter()
        .map(|&t| TypeStats {
            power_type: t,
            catalog: catalog.iter().filter(|c| **c == t).count() as i64,
            ordered: orders.iter().filter(|o| o.power_type == t).count() as i64,
            granted: orders.iter().filter(|o| o.power_type == t && o.state() == OrderState::Granted).count() as i64,
        })
        .filter(|t| t.catalog > 0 || t.ordered > 0)
        .collect();
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn power_types_read_english_and_chinese() {
        assert_eq!("行政处罚".parse::<PowerType>().unwrap(), PowerType::Penalty);
        assert_eq!("adjudication".parse::<PowerType>().unwrap(), PowerType::Adjudication);
        let e = "罚款".parse::<PowerType>().unwrap_err();
        assert_eq!(e.errors[0].location, "power_type");
        assert_eq!(PowerType::ALL.len(), 9);
    }

    fn power(code: &str, since: &str) -> Power {
        Power {
            matter_code: code.into(),
            name: code.into(),
            power_type: PowerType::Penalty,
            department: "d".into(),
            risk: Risk::Low,
            held_since: since.into(),
        }
    }

    fn used(code: &str, on: &str, complaint: bool, reversed: bool) -> PowerUse {
        PowerUse {
            id: 0,
            division_code: "340621104".into(),
            matter_code: code.into(),
            used_on: on.into(),
            kind: UseKind::Case,
            reference: String::new(),
            complaint,
            reversed,
            recorded_by: String::new(),
            recorded_at: String::new(),
        }
    }

    #[test]
    fn unused_and_mishandled_powers_are_flagged() {
        let powers =
            [power("A", "2021-07-01"), power("B", "2021-07-01"), power("C", "2022-06-01"), power("D", "2021-07-01")];
        let uses = [
            used("A", "2022-03-01", false, false),
            used("B", "2021-05-01", false, false), // more than a year ago
            used("D", "2022-05-01", false, true),
        ];
        let e = evaluate(&powers, &uses, date!(2022 - 07 - 15));
        let flags: Vec<(bool, bool)> = e.iter().map(|e| (e.unused, e.mishandled)).collect();
        // C is new: not yet a year to prove itself
        assert_eq!(flags, [(false, false), (true, false), (false, false), (false, true)]);
        assert_eq!(e[0].last_used.as_deref(), Some("2022-03-01"));
        assert_eq!(year_before(date!(2024 - 02 - 29)), date!(2023 - 02 - 28));
    }
}
