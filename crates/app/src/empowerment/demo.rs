//! The empowerment part of the demo: Suixi's catalog of 220 matters; the 2021 round in
//! which Linhuan and Shuangduiji ordered from it, the departments assessed and the staffing
//! office granted 124 powers, each town's list different; uses of those powers since, so
//! the evaluation has something to flag; and a second round open for orders.

use std::collections::BTreeMap;

use grassroots_domain::empowerment::{Opinion, OrderDecision, PowerType, UseKind};
use serde::Deserialize;
use time::Duration;

use super::catalogfile;
use super::powers::UseRequest;
use super::rounds::{AssessRequest, DecideRequest, NewRoundRequest, OrderFilter, OrderRequest, PublishRoundRequest};
use crate::core::today;
use crate::demo::{LINHUAN, SHUANGDUIJI, SUIXI, department, user};
use crate::{Actor, App, AppError, Result};

const CATALOG: &[u8] = include_bytes!("../../../../data/empowerment/catalog.csv");
const PILOT_ORDERS: &[u8] = include_bytes!("../../../../data/empowerment/pilot-orders.csv");
/// The day the pilot towns' power lists took effect.
pub(crate) const PILOT_LISTS_FROM: &str = "2021-07-01";

#[derive(Deserialize)]
struct PilotOrder {
    town: String,
    matter_code: String,
    reason: String,
    yearly_volume: i64,
    opinion: Opinion,
    assessment: String,
    decision: OrderDecision,
    decision_reason: String,
}

fn town_officer(town: &str) -> &'static str {
    if town == LINHUAN { "linhuan.officer" } else { "shuangduiji.officer" }
}

/// Returns whether anything was made (not when the demo already has its rounds).
pub(crate) async fn seed(app: &App, staffing: &Actor) -> Result<bool> {
    if !app.list_rounds(staffing, SUIXI).await?.is_empty() {
        return Ok(false);
    }
    for r in catalogfile::read(CATALOG)? {
        department(app, &r.matter.department).await?;
    }
    app.import_catalog(staffing, SUIXI, CATALOG).await?;

    let pilot: Vec<PilotOrder> = csv::Reader::from_reader(PILOT_ORDERS)
        .deserialize()
        .collect::<Result<_, _>>()
        .map_err(|e| AppError::Conflict(format!("demo orders unreadable: {e}")))?;
    let title = "2021年度乡镇赋权事项（看单点菜）".to_owned();
    let req = NewRoundRequest { county: SUIXI.into(), title, deadline: today().to_string() };
    let round = app.open_round(staffing, req).await?;
    let mut placed = BTreeMap::new();
    for p in &pilot {
        let town = user(app, town_officer(&p.town)).await?;
        let req = OrderRequest {
            town: p.town.clone(),
            matter_code: p.matter_code.clone(),
            reason: p.reason.clone(),
            yearly_volume: p.yearly_volume,
        };
        let order = app.place_order(&town, round.id, req).await?;
        placed.insert(order.id, p);
    }
    app.close_round(staffing, round.id).await?;
    for order in app.round_orders(staffing, round.id, &OrderFilter::default()).await? {
        let p = placed[&order.id];
        let dept = department(app, &order.department).await?;
        app.assess_order(&dept, order.id, AssessRequest { opinion: p.opinion, assessment: p.assessment.clone() })
            .await?;
    }
    for (id, p) in &placed {
        app.decide_order(staffing, *id, DecideRequest { decision: p.decision, reason: p.decision_reason.clone() })
            .await?;
    }
    app.publish_round(staffing, round.id, PublishRoundRequest { effective_from: PILOT_LISTS_FROM.into() }).await?;

    record_uses(app).await?;

    // A second round, open now, with a few orders already in.
    let req = NewRoundRequest {
        county: SUIXI.into(),
        title: format!("{}年度乡镇赋权事项（第二批）", today().year()),
        deadline: (today() + Duration::days(30)).to_string(),
    };
    let second = app.open_round(staffing, req).await?;
    let linhuan = user(app, town_officer(LINHUAN)).await?;
    let held = app.power_list(&linhuan, LINHUAN, None).await?.powers;
    let wanted = app
        .export_catalog(&linhuan, SUIXI)
        .await?
        .into_iter()
        .filter(|m| m.power_type == PowerType::Penalty && m.department == "濉溪县城市管理局")
        .filter(|m| !held.iter().any(|p| p.matter_code == m.code))
        .take(3);
    for m in wanted {
        let req = OrderRequest {
            town: LINHUAN.into(),
            matter_code: m.code,
            reason: "临涣古镇文旅街区市容秩序问题多发，县城管执法力量难以及时到场，需就近处置".into(),
            yearly_volume: 12,
        };
        app.place_order(&linhuan, second.id, req).await?;
    }
    Ok(true)
}

/// Cases and services under the pilot towns' powers: most powers used in the last year,
/// one in five not used at all, a few with complaints or a reversal.
async fn record_uses(app: &App) -> Result<()> {
    let today = today();
    for town in [LINHUAN, SHUANGDUIJI] {
        let officer = user(app, town_officer(town)).await?;
        let powers = app.power_list(&officer, town, None).await?.powers;
        for (i, p) in powers.iter().enumerate() {
            if i % 5 == 4 {
                continue;
            }
            let kind = match p.power_type {
                PowerType::Penalty | PowerType::Coercion | PowerType::Inspection => UseKind::Case,
                _ => UseKind::Service,
            };
            for k in 0..(1 + i % 4) {
                let used_on = today - Duration::days((20 + 37 * k + 11 * (i % 7)) as i64);
                let troubled = i % 17 == 3 && k == 0;
                let req = UseRequest {
                    matter_code: p.matter_code.clone(),
                    used_on: used_on.to_string(),
                    kind,
                    reference: format!(
                        "{}{}-{:03}-{}",
                        if kind == UseKind::Case { "案" } else { "件" },
                        town,
                        i,
                        k + 1
                    ),
                    complaint: troubled,
                    reversed: troubled && i % 2 == 1,
                };
                app.record_power_use(&officer, town, req).await?;
            }
        }
    }
    Ok(())
}
