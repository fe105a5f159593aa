//! The joint-inspection part of the demo: Linhuan's pilot year — shops, eateries and
//! workshops with real-form credit codes, four departments' checklists, and 28 joint visits
//! between July and December 2021, each made of two or three departments' plans, a few
//! failures ordered rectified and checked again.

use grassroots_domain::inspection::{CheckItem, FindingAction, Outcome, uscc_check_char};
use time::{Date, Duration, Month};

use super::{MergeRequest, PlanRequest, RecheckRequest, ResultEntry, TargetRequest};
use crate::demo::{LINHUAN, SUIXI, department, user};
use crate::{Actor, App, Result};

pub(crate) const PILOT_VISITS: usize = 28;

/// (department, area, [(code, text)])
type Checklist = (&'static str, &'static str, &'static [(&'static str, &'static str)]);

const CHECKLISTS: &[Checklist] = &[
    (
        "濉溪县市场监督管理局",
        "食品安全",
        &[
            ("SC-01", "从业人员持有效健康证明"),
            ("SC-02", "食品经营许可证在有效期内并悬挂"),
            ("SC-03", "原料进货查验记录完整"),
        ],
    ),
    (
        "濉溪县消防救援大队",
        "消防安全",
        &[("XF-01", "疏散通道、安全出口畅通"), ("XF-02", "灭火器配置并在有效期内"), ("XF-03", "电气线路无私拉乱接")],
    ),
    (
        "濉溪县应急管理局",
        "安全生产",
        &[("AJ-01", "液化石油气钢瓶存放符合要求并安装报警装置"), ("AJ-02", "安全生产责任制和隐患自查记录")],
    ),
    ("濉溪县生态环境分局", "生态环境", &[("HB-01", "油烟净化设施正常运行"), ("HB-02", "废水、固废按规定收集处置")]),
];

const TARGETS: &[(&str, &str)] = &[
    ("临涣老街某棒棒茶馆", "临涣镇老街"),
    ("临涣镇某烧烤店", "临涣镇文昌路"),
    ("临涣镇某农家乐", "临涣镇沈圩村"),
    ("临涣镇某超市", "临涣镇中心街"),
    ("临涣镇某饭店", "临涣镇浍河路"),
    ("临涣镇某建材经营部", "临涣镇临南路"),
    ("临涣镇某汽修厂", "临涣镇海孜村"),
    ("临涣镇某网吧", "临涣镇中心街"),
    ("临涣镇某宾馆", "临涣镇古城路"),
    ("临涣镇某糕点作坊", "临涣镇老街"),
    ("临涣镇某液化气供应站", "临涣镇石集村"),
    ("临涣镇某幼儿园食堂", "临涣镇临涣村"),
    ("临涣镇某养殖场", "临涣镇湖沟村"),
    ("临涣镇某农资店", "临涣镇徐楼村"),
];

/// A credit code of the real form (个体工商户, registered in Suixi) with its check character.
fn credit_code(i: usize) -> Option<String> {
    let first = format!("92{SUIXI}MA2T{:05}", 10_000 + i * 37);
    uscc_check_char(&first).map(|c| format!("{first}{c}"))
}

/// Returns how many visits were made (none when the demo has inspections already).
pub(crate) async fn seed(app: &App) -> Result<usize> {
    let inspector = user(app, "linhuan.inspector").await?;
    if app.list_inspections(&inspector, Default::default()).await?.total > 0 {
        return Ok(0);
    }
    let mut departments: Vec<Actor> = Vec::new();
    for (name, area, items) in CHECKLISTS {
        let dept = department(app, name).await?;
        let items = items
            .iter()
            .map(|(code, text)| CheckItem {
                code: (*code).into(),
                department: (*name).into(),
                area: (*area).into(),
                text: (*text).into(),
            })
            .collect();
        app.set_check_items(&dept, SUIXI, items).await?;
        departments.push(dept);
    }
    let mut targets = Vec::new();
    for (i, (name, address)) in TARGETS.iter().enumerate() {
        let req = TargetRequest {
            town: LINHUAN.into(),
            name: (*name).into(),
            credit_code: credit_code(i),
            address: (*address).into(),
        };
        targets.push(app.add_inspection_target(&inspector, req).await?);
    }
    let start = Date::from_calendar_date(2021, Month::July, 19).unwrap_or(Date::MIN);
    for k in 0..PILOT_VISITS {
        let target = &targets[k % targets.len()];
        let day = start + Duration::days(6 * k as i64);
        // Food and fire every time; safety or environment as well on every other visit.
        let mut who = vec![0, 1];
        if k % 2 == 0 {
            who.push(2 + (k / 2) % 2);
        }
        let mut plans = Vec::new();
        for (n, d) in who.iter().enumerate() {
            let codes = CHECKLISTS[*d].2.iter().map(|(c, _)| (*c).to_owned()).collect();
            let req = PlanRequest {
                target_id: target.id,
                planned_on: (day + Duration::days(2 * n as i64)).to_string(),
                item_codes: codes,
            };
            plans.push(app.plan_inspection(&departments[*d], req).await?.id);
        }
        let visit_on = day + Duration::days(3);
        let req = MergeRequest {
            plans,
            visit_on: visit_on.to_string(),
            team: "临涣镇综合行政执法队 陈队员、县市场监管局 李科长、县消防救援大队 周参谋".into(),
        };
        let visit = app.merge_plans(&inspector, req).await?;
        let failing = (k % 5 == 2).then(|| visit.results[0].item_code.clone());
        let entries = visit
            .results
            .iter()
            .map(|r| {
                let fails = Some(&r.item_code) == failing.as_ref();
                ResultEntry {
                    item_code: r.item_code.clone(),
                    outcome: if fails { Outcome::Fail } else { Outcome::Pass },
                    note: if fails { "现场发现问题，已告知经营者".into() } else { String::new() },
                    action: fails.then_some(FindingAction::Rectify),
                    rectify_by: fails.then(|| (visit_on + Duration::days(7)).to_string()),
                }
            })
            .collect();
        app.record_results(&inspector, visit.inspection.id, entries).await?;
        if let Some(item_code) = failing {
            let req = RecheckRequest { item_code, on: (visit_on + Duration::days(6)).to_string(), passed: true };
            app.recheck(&inspector, visit.inspection.id, req).await?;
        }
    }
    Ok(PILOT_VISITS)
}
