//! The enforcement part of the demo: Linhuan's pilot year — 51 cases on the powers the
//! town was granted, summary and general, every one closed and rated, taking five days on
//! average from filing to closing. All are filed between July and December 2021, so the
//! year 2021 holds the figures the reform reported for it.

use grassroots_domain::empowerment::PowerType;
use grassroots_domain::enforcement::{Procedure, Satisfaction, Stage};
use time::{Date, Duration, Month};

use super::{AdvanceRequest, FileRequest, RatingRequest};
use crate::demo::{LINHUAN, user};
use crate::{App, Result};

pub(crate) const PILOT_CASES: usize = 51;
/// Filing to closing, on average over the pilot year, in days.
pub(crate) const PILOT_AVERAGE_DAYS: i64 = 5;
const GENERAL_CASES: usize = 18;

const PARTIES: &[(&str, bool)] = &[
    ("临涣老街某棒棒茶馆", true),
    ("王某某", false),
    ("临涣镇某烧烤店", true),
    ("李某", false),
    ("某建材经营部", true),
    ("张某某", false),
    ("临涣集贸市场某摊位经营者", false),
    ("某废品收购站", true),
];

/// Returns how many cases were filed (none when the demo has cases already).
pub(crate) async fn seed(app: &App) -> Result<usize> {
    let inspector = user(app, "linhuan.inspector").await?;
    if app.list_cases(&inspector, None, Default::default()).await?.total > 0 {
        return Ok(0);
    }
    let powers: Vec<String> = app
        .power_list(&inspector, LINHUAN, Some("2021-07-01"))
        .await?
        .powers
        .into_iter()
        .filter(|p| p.power_type == PowerType::Penalty)
        .map(|p| p.matter_code)
        .collect();
    if powers.is_empty() {
        return Ok(0);
    }
    let cal = app.calendar();
    let start = Date::from_calendar_date(2021, Month::July, 12).unwrap_or(Date::MIN);
    // General cases wait out the party's five working days to be heard before the decision,
    // so they take longer; summary cases are settled on the spot and paid within days.
    let general: Vec<(Date, Date, Date)> = (0..GENERAL_CASES)
        .map(|i| {
            let filed = start + Duration::days(9 * i as i64);
            let notified = filed + Duration::days(1);
            let decided = cal.add_working_days(notified, 5) + Duration::days(1);
            (filed, notified, decided)
        })
        .collect();
    let general_days: i64 = general.iter().map(|(f, _, d)| (*d - *f).whole_days() + 1).sum();
    let mut left = PILOT_AVERAGE_DAYS * PILOT_CASES as i64 - general_days;
    let mut filed_cases = 0;
    for i in 0..PILOT_CASES {
        let (party, organisation) = PARTIES[i % PARTIES.len()];
        let matter = &powers[i % powers.len()];
        let (procedure, filed) = if i < GENERAL_CASES {
            (Procedure::General, general[i].0)
        } else {
            (Procedure::Summary, start + Duration::days(5 * (i - GENERAL_CASES) as i64 + 3))
        };
        let req = FileRequest {
            town: LINHUAN.into(),
            procedure,
            party_name: party.into(),
            party_is_organisation: organisation,
            act_date: (filed - Duration::days(1)).to_string(),
            filed_on: Some(filed.to_string()),
            matter_code: Some(matter.clone()),
            legal_basis: "依据本镇赋权事项目录所列法律法规".into(),
            facts: "执法队员巡查发现，经现场检查、询问，当事人对违法事实无异议。".into(),
            discovered_on: None,
            caused_harm: false,
        };
        let case = app.file_case(&inspector, req).await?.case;
        let step = |to: Stage, on: Date| AdvanceRequest {
            to,
            on: on.to_string(),
            note: String::new(),
            hearing_on: None,
            penalty: None,
            fine_fen: None,
        };
        let closed = if procedure == Procedure::General {
            let (_, notified, decided) = general[i];
            app.advance_case(&inspector, case.id, step(Stage::Investigating, filed)).await?;
            app.advance_case(&inspector, case.id, step(Stage::Notified, notified)).await?;
            let decision = AdvanceRequest {
                penalty: Some("警告并处罚款".into()),
                fine_fen: Some(50_000 + 10_000 * (i % 5) as i64),
                ..step(Stage::Decided, decided)
            };
            app.advance_case(&inspector, case.id, decision).await?;
            app.advance_case(&inspector, case.id, step(Stage::Served, decided)).await?;
            decided + Duration::days(1)
        } else {
            // Spread what is left of the average over the summary cases, a few days each.
            let remaining = (PILOT_CASES - i) as i64;
            let days = (left / remaining).clamp(0, 14);
            left -= days;
            let decision = AdvanceRequest {
                penalty: Some("当场罚款".into()),
                fine_fen: Some(5_000 * (1 + (i % 4) as i64)),
                ..step(Stage::Decided, filed)
            };
            app.advance_case(&inspector, case.id, decision).await?;
            filed + Duration::days(days)
        };
        app.advance_case(&inspector, case.id, step(Stage::Executed, closed)).await?;
        app.advance_case(&inspector, case.id, step(Stage::Closed, closed)).await?;
        let satisfaction = if i % 6 == 5 { Satisfaction::Fair } else { Satisfaction::Satisfied };
        app.rate_case(&inspector, case.id, RatingRequest { satisfaction, note: "电话回访".into() }).await?;
        filed_cases += 1;
    }
    Ok(filed_cases)
}
