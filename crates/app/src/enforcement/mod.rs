//! Enforcement cases: filing (only on a power the town held on the day of the act, or on a
//! statutory duty of the town, and within the limitation period), each stage in order with
//! its date, suspension and extension with their approval, the demand to pay, the party's
//! rating, the running clocks, and the indicators the dashboards read.

pub(crate) mod demo;

use grassroots_domain::ValidationError;
use grassroots_domain::core::division::Level;
use grassroots_domain::core::role::Permission;
use grassroots_domain::enforcement::clocks::{self, Clock, PAYMENT_DAYS};
use grassroots_domain::enforcement::{Case, CaseEvent, CaseId, Procedure, Satisfaction, Stage, summary_fine_limit};
use grassroots_domain::page::{Page, PageRequest};
use grassroots_store::empowerment::catalog;
use grassroots_store::enforcement as store;
use serde::{Deserialize, Serialize};
use time::{Date, Duration};

use crate::core::audit::{self, Change};
use crate::core::divisions::Reach;
use crate::core::{now, parse_day, required, today};
use crate::{Actor, App, AppError, Result};

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileRequest {
    pub town: String,
    pub procedure: Procedure,
    pub party_name: String,
    #[serde(default)]
    pub party_is_organisation: bool,
    /// The day of the act, YYYY-MM-DD.
    pub act_date: String,
    /// The day of filing (立案), YYYY-MM-DD; today when absent.
    #[serde(default)]
    pub filed_on: Option<String>,
    /// The day the act was discovered, YYYY-MM-DD; the day of filing when absent. The
    /// limitation runs from the act to its discovery (第三十六条).
    #[serde(default)]
    pub discovered_on: Option<String>,
    /// The devolved power the case rests on. Absent when the case is a statutory duty of
    /// the town itself, which `legal_basis` must then name.
    #[serde(default)]
    pub matter_code: Option<String>,
    pub legal_basis: String,
    pub facts: String,
    /// The act endangered life, health or financial safety and caused harm: the limitation
    /// period is five years instead of two (第三十六条).
    #[serde(default)]
    pub caused_harm: bool,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdvanceRequest {
    pub to: Stage,
    /// The day the stage was reached, YYYY-MM-DD.
    pub on: String,
    #[serde(default)]
    pub note: String,
    /// For `hearing`: the day of the hearing (at least 7 working days after the notice).
    #[serde(default)]
    pub hearing_on: Option<String>,
    /// For `decided`: the penalty in words; empty means no penalty.
    #[serde(default)]
    pub penalty: Option<String>,
    /// For `decided`: the fine in fen.
    #[serde(default)]
    pub fine_fen: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PauseRequest {
    /// `suspend` (中止: the decision clock stops) or `extend` (延长 the decision period).
    pub kind: String,
    pub days: i64,
    pub reason: String,
    /// The head who approved it.
    pub approved_by: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RemindRequest {
    /// The day the demand to pay (催告书) was served.
    pub on: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingRequest {
    pub satisfaction: Satisfaction,
    #[serde(default)]
    pub note: String,
}

/// A case file: the case, its clocks today, what is owed, and its timeline.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseView {
    pub case: Case,
    pub clocks: Vec<Clock>,
    /// The stages it may go to next.
    pub next: Vec<Stage>,
    /// Late-payment surcharge owed today, in fen.
    pub surcharge_fen: i64,
    pub timeline: Vec<CaseEvent>,
}

/// The reform's enforcement figures for a town over a period, computed from the cases.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CaseIndicators {
    pub filed: i64,
    pub closed: i64,
    /// Filed → closed, calendar days, over the closed cases.
    pub avg_days: Option<f64>,
    pub avg_working_days: Option<f64>,
    /// Share of decided cases decided within their decision period.
    pub on_time_share: Option<f64>,
    /// Share of rated cases rated satisfied or fairly satisfied.
    pub satisfaction_rate: Option<f64>,
}

const LIMITATION_YEARS: i32 = 2;
const LIMITATION_YEARS_HARM: i32 = 5;
const MAX_PAUSE_DAYS: i64 = 365;

/// The town's short name for document numbers: 临涣镇 → 临涣.
fn short_name(name: &str) -> &str {
    ["镇", "乡", "街道", "人民政府"].iter().find_map(|s| name.strip_suffix(s)).unwrap_or(name)
}

fn years_back(d: Date, years: i32) -> Date {
    let y = d.year() - years;
    let day = d.day().min(time::util::days_in_month(d.month(), y));
    Date::from_calendar_date(y, d.month(), day).unwrap_or(d)
}

fn not_after_today(d: Date, field: &str) -> Result<()> {
    if d > today() {
        return Err(ValidationError::new(field, "in_the_future", "a date in the future").into());
    }
    Ok(())
}

impl App {
    /// Files a case. Refused unless the town held the power on the day of the act (or the
    /// case is a statutory duty of the town with its basis named), and unless the act is
    /// within the limitation period. The number is the town's next for the year.
    pub async fn file_case(&self, actor: &Actor, req: FileRequest) -> Result<CaseView> {
        let town = self.division_for(actor, &req.town, Reach::Within, Permission::HandleCases, Level::Town).await?;
        let code = town.division.code.as_str().to_owned();
        let mut e = ValidationError::default();
        required(&req.party_name, "party_name", 200, &mut e);
        required(&req.legal_basis, "legal_basis", 2000, &mut e);
        required(&req.facts, "facts", 10_000, &mut e);
        e.into_result()?;
        let act = parse_day(&req.act_date, "act_date")?;
        let filed = match req.filed_on.as_deref().filter(|d| !d.trim().is_empty()) {
            Some(d) => parse_day(d, "filed_on")?,
            None => today(),
        };
        not_after_today(filed, "filed_on")?;
        let discovered = match req.discovered_on.as_deref().filter(|d| !d.trim().is_empty()) {
            Some(d) => parse_day(d, "discovered_on")?,
            None => filed,
        };
        if act > discovered || discovered > filed {
            return Err(ValidationError::new(
                "discovered_on",
                "dates_out_of_order",
                "the act, its discovery and the filing come in that order",
            )
            .into());
        }
        let years = if req.caused_harm { LIMITATION_YEARS_HARM } else { LIMITATION_YEARS };
        if act < years_back(discovered, years) {
            return Err(ValidationError::new(
                "act_date",
                "time_barred",
                format!("an act undiscovered for {years} years is no longer punished (行政处罚法 第三十六条)"),
            )
            .into());
        }
        let matter_code = req.matter_code.as_deref().map(str::trim).filter(|m| !m.is_empty());
        let matter = match matter_code {
            Some(m) => {
                let held_then = self.holds_power(actor, &code, m, &act.to_string()).await?.held;
                if held_then && !self.holds_power(actor, &code, m, &filed.to_string()).await?.held {
                    return Err(ValidationError::new(
                        "matter_code",
                        "power_not_held",
                        format!("{} no longer holds “{m}” on {filed}", town.division.name),
                    )
                    .into());
                }
                if !held_then {
                    return Err(ValidationError::new(
                        "matter_code",
                        "power_not_held",
                        format!("{} did not hold “{m}” on {act}: the case cannot be filed on it", town.division.name),
                    )
                    .into());
                }
                let mut c = self.store.conn().await?;
                let (m, _) = catalog::by_code(&mut c, &code[..6], m).await?.ok_or(AppError::NotFound)?;
                Some((m.id.0, m.matter.code))
            }
            None => None,
        };
        let year = filed.year();
        let mut tx = self.store.begin().await?;
        let number = store::next_number(&mut tx, &code, year, "penalty_case").await?;
        let document_number = format!("{}综执罚〔{year}〕{number}号", short_name(&town.division.name));
        let (by, stamp) = (actor.label(), now());
        let new = store::NewCase {
            division: &code,
            year,
            number,
            document_number: &document_number,
            procedure: req.procedure,
            party_name: req.party_name.trim(),
            party_is_organisation: req.party_is_organisation,
            act_date: &act.to_string(),
            discovered_on: &discovered.to_string(),
            caused_harm: req.caused_harm,
            matter: matter.as_ref().map(|(id, c)| (*id, c.as_str())),
            legal_basis: req.legal_basis.trim(),
            facts: req.facts.trim(),
            filed_on: &filed.to_string(),
            by: &by,
            now: &stamp,
        };
        let id = store::insert(&mut tx, &new).await?;
        let (case, _) = store::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
        let event = CaseEvent {
            action: Stage::Filed.as_str().into(),
            on_date: case.filed_on.clone(),
            note: document_number.clone(),
            recorded_by: by.clone(),
            recorded_at: stamp.clone(),
        };
        store::add_event(&mut tx, &case, &event).await?;
        if let Some((matter_id, _)) = &matter {
            // The case is a use of the devolved power: the empowerment evaluation counts it.
            let used = grassroots_store::empowerment::powers::NewUse {
                division: &code,
                matter: grassroots_domain::empowerment::MatterId(*matter_id),
                used_on: &case.filed_on,
                kind: grassroots_domain::empowerment::UseKind::Case,
                reference: &document_number,
                complaint: false,
                reversed: false,
                by: &by,
                now: &stamp,
            };
            grassroots_store::empowerment::powers::insert_use(&mut tx, &used).await?;
        }
        let change = Change {
            action: "case.file",
            object_type: "enforcement_case",
            object_id: id.to_string(),
            division_code: Some(code),
            before: None,
            after: audit::json(&case),
        };
        audit::commit(tx, actor, change).await?;
        self.get_case(actor, id).await
    }

    async fn case_in_scope(&self, actor: &Actor, id: CaseId) -> Result<Case> {
        let mut c = self.store.conn().await?;
        let (case, path) = store::get(&mut c, id).await?.ok_or(AppError::NotFound)?;
        actor.may_act_on(&path, Permission::ReadDirectory)?;
        Ok(case)
    }

    pub async fn get_case(&self, actor: &Actor, id: CaseId) -> Result<CaseView> {
        let case = self.case_in_scope(actor, id).await?;
        let mut c = self.store.conn().await?;
        let timeline = store::events(&mut c, id).await?;
        let today = today();
        let clocks = clocks::clocks(&self.calendar(), &case.dates(), case.stage, today);
        let surcharge_fen = match (case.fine_fen, clocks.iter().find(|c| c.name == "payment")) {
            (Some(fine), Some(p)) if case.executed_on.is_none() => {
                parse_day(&p.due, "due").map(|due| clocks::surcharge(fine, due, today)).unwrap_or(0)
            }
            _ => 0,
        };
        Ok(CaseView { next: case.stage.next(case.procedure).to_vec(), clocks, surcharge_fen, timeline, case })
    }

    /// Cases of the actor's scope, at one stage when given, newest first.
    pub async fn list_cases(&self, actor: &Actor, stage: Option<Stage>, page: PageRequest) -> Result<Page<Case>> {
        actor.require(Permission::ReadDirectory)?;
        let mut c = self.store.conn().await?;
        let (items, total) = store::list(&mut c, &actor.scope_path, stage, page.limit(), page.offset()).await?;
        Ok(Page::new(items, page, total))
    }

    /// Cases of the actor's scope with a statutory clock past due today, and which clocks.
    pub async fn overdue_cases(&self, actor: &Actor) -> Result<Vec<(Case, Vec<Clock>)>> {
        actor.require(Permission::ReadDirectory)?;
        let mut c = self.store.conn().await?;
        let (all, _) = store::list(&mut c, &actor.scope_path, None, i64::MAX, 0).await?;
        let cal = self.calendar();
        let today = today();
        Ok(all
            .into_iter()
            .filter(|case| case.stage != Stage::Closed)
            .filter_map(|case| {
                let late: Vec<Clock> =
                    clocks::clocks(&cal, &case.dates(), case.stage, today).into_iter().filter(|k| k.overdue).collect();
                (!late.is_empty()).then_some((case, late))
            })
            .collect())
    }

    /// Moves a case to its next stage on a day, with what that stage needs.
    pub async fn advance_case(&self, actor: &Actor, id: CaseId, req: AdvanceRequest) -> Result<CaseView> {
        let before = self.case_in_scope(actor, id).await?;
        actor.require(Permission::HandleCases)?;
        before.stage.check_move(req.to, before.procedure)?;
        let on = parse_day(&req.on, "on")?;
        not_after_today(on, "on")?;
        if on.to_string().as_str() < before.last_day() {
            return Err(ValidationError::new(
                "on",
                "before_previous_stage",
                format!("the case reached its present stage on {}", before.last_day()),
            )
            .into());
        }
        let day = Some(on.to_string());
        let mut next = before.clone();
        next.stage = req.to;
        let cal = self.calendar();
        match req.to {
            Stage::Investigating => {}
            Stage::Notified => next.notified_on = day,
            Stage::Hearing => {
                let notified = before.dates().notified.ok_or(AppError::NotFound)?;
                let last = cal.add_working_days(notified, clocks::HEARING_REQUEST_DAYS);
                if on > last {
                    return Err(ValidationError::new(
                        "on",
                        "hearing_request_late",
                        format!("a hearing is asked for within 5 working days of the notice, by {last} (第六十四条)"),
                    )
                    .into());
                }
                let hearing = parse_day(req.hearing_on.as_deref().unwrap_or_default(), "hearing_on")?;
                let earliest = clocks::earliest_hearing(&cal, on);
                if hearing < earliest {
                    return Err(ValidationError::new(
                        "hearing_on",
                        "hearing_too_soon",
                        format!("the party is told 7 working days ahead: the hearing is on {earliest} at the earliest"),
                    )
                    .into());
                }
                next.hearing_requested_on = day;
                next.hearing_on = Some(hearing.to_string());
            }
            Stage::Decided => {
                // The party has five working days from the notice to state, defend and ask
                // for a hearing; a decision comes after them (第六十四条), or after the hearing.
                if let (Stage::Notified, Some(notified)) = (before.stage, before.dates().notified) {
                    let window = cal.add_working_days(notified, clocks::HEARING_REQUEST_DAYS);
                    if on <= window {
                        return Err(ValidationError::new(
                            "on",
                            "before_hearing_window_ends",
                            format!("the party may ask for a hearing until {window}; decide after it"),
                        )
                        .into());
                    }
                }
                if before.procedure == Procedure::Summary && on.to_string() != before.filed_on {
                    return Err(ValidationError::new(
                        "on",
                        "summary_not_on_the_spot",
                        "a summary procedure is decided on the spot, the day it is filed (第五十一条)",
                    )
                    .into());
                }
                let fine = req.fine_fen.unwrap_or(0);
                if fine < 0 {
                    return Err(ValidationError::new("fine_fen", "negative", "a fine cannot be negative").into());
                }
                if before.procedure == Procedure::Summary && fine > summary_fine_limit(before.party_is_organisation) {
                    return Err(ValidationError::new(
                        "fine_fen",
                        "over_summary_limit",
                        "on the spot the fine is at most 200 yuan for a person, 3,000 for an organisation (第五十一条)",
                    )
                    .into());
                }
                let penalty = req.penalty.clone().unwrap_or_default();
                next.penalty =
                    Some(if penalty.trim().is_empty() && fine == 0 { "不予处罚".into() } else { penalty });
                next.fine_fen = (fine > 0).then_some(fine);
                next.decided_on = day.clone();
                if before.procedure == Procedure::Summary {
                    // 当场作出、当场交付 (第五十二条).
                    next.served_on = day;
                }
            }
            Stage::Served => next.served_on = day,
            Stage::Executed => next.executed_on = day,
            Stage::Closed => {
                if before.stage == Stage::Served && before.fine_fen.is_some() {
                    return Err(ValidationError::new(
                        "to",
                        "fine_unpaid",
                        "a fine is paid (or enforced) before the case is closed",
                    )
                    .into());
                }
                next.closed_on = day
            }
            Stage::Filed => {}
        }
        let event = CaseEvent {
            action: req.to.as_str().into(),
            on_date: on.to_string(),
            note: req.note.trim().to_owned(),
            recorded_by: actor.label(),
            recorded_at: now(),
        };
        self.save_case(actor, &before, &next, &event, "case.advance").await
    }

    /// Suspends the case or extends its decision period, with the reason and who approved.
    pub async fn pause_case(&self, actor: &Actor, id: CaseId, req: PauseRequest) -> Result<CaseView> {
        let before = self.case_in_scope(actor, id).await?;
        actor.require(Permission::HandleCases)?;
        let mut e = ValidationError::default();
        required(&req.reason, "reason", 1000, &mut e);
        required(&req.approved_by, "approved_by", 100, &mut e);
        if !(1..=MAX_PAUSE_DAYS).contains(&req.days) {
            e.push("days", "out_of_range", "between 1 and 365 days");
        }
        e.into_result()?;
        if before.decided_on.is_some() {
            return Err(ValidationError::new("stage", "already_decided", "the decision period is over").into());
        }
        if before.suspended_days + before.extension_days + req.days > MAX_PAUSE_DAYS {
            return Err(ValidationError::new(
                "days",
                "out_of_range",
                "suspensions and extensions of one case add up to at most 365 days",
            )
            .into());
        }
        let mut next = before.clone();
        let action = match req.kind.as_str() {
            "suspend" => {
                next.suspended_days += req.days;
                "suspend"
            }
            "extend" => {
                next.extension_days += req.days;
                "extend"
            }
            other => {
                return Err(ValidationError::new(
                    "kind",
                    "invalid_kind",
                    format!("“{other}” is not suspend or extend"),
                )
                .into());
            }
        };
        let event = CaseEvent {
            action: action.into(),
            on_date: today().to_string(),
            note: format!("{} 日；{}；批准：{}", req.days, req.reason.trim(), req.approved_by.trim()),
            recorded_by: actor.label(),
            recorded_at: now(),
        };
        self.save_case(actor, &before, &next, &event, "case.pause").await
    }

    /// Records the demand to pay (催告) served after the fine fell due.
    pub async fn remind_case(&self, actor: &Actor, id: CaseId, req: RemindRequest) -> Result<CaseView> {
        let before = self.case_in_scope(actor, id).await?;
        actor.require(Permission::HandleCases)?;
        let on = parse_day(&req.on, "on")?;
        not_after_today(on, "on")?;
        let due = match (before.fine_fen, before.dates().served) {
            (Some(_), Some(served)) if before.executed_on.is_none() => served + Duration::days(i64::from(PAYMENT_DAYS)),
            _ => {
                return Err(
                    ValidationError::new("stage", "nothing_owed", "no fine is served and unpaid on this case").into()
                );
            }
        };
        if on <= due {
            return Err(ValidationError::new("on", "not_yet_due", format!("the fine is due by {due}")).into());
        }
        let mut next = before.clone();
        next.reminded_on = Some(on.to_string());
        let event = CaseEvent {
            action: "remind".into(),
            on_date: on.to_string(),
            note: String::new(),
            recorded_by: actor.label(),
            recorded_at: now(),
        };
        self.save_case(actor, &before, &next, &event, "case.remind").await
    }

    /// The party's rating, once the case is closed.
    pub async fn rate_case(&self, actor: &Actor, id: CaseId, req: RatingRequest) -> Result<CaseView> {
        let before = self.case_in_scope(actor, id).await?;
        actor.require(Permission::HandleCases)?;
        if before.stage != Stage::Closed {
            return Err(ValidationError::new("stage", "not_closed", "the party rates a closed case").into());
        }
        if before.satisfaction.is_some() {
            return Err(AppError::Conflict("the case is already rated".into()));
        }
        let mut next = before.clone();
        next.satisfaction = Some(req.satisfaction);
        let event = CaseEvent {
            action: "rating".into(),
            on_date: today().to_string(),
            note: format!("{} {}", req.satisfaction.label_zh(), req.note.trim()),
            recorded_by: actor.label(),
            recorded_at: now(),
        };
        self.save_case(actor, &before, &next, &event, "case.rate").await
    }

    async fn save_case(
        &self,
        actor: &Actor,
        before: &Case,
        next: &Case,
        event: &CaseEvent,
        action: &str,
    ) -> Result<CaseView> {
        let mut tx = self.store.begin().await?;
        if !store::update(&mut tx, next, before.stage).await? {
            return Err(AppError::Conflict("the case was moved by someone else first; reload it".into()));
        }
        store::add_event(&mut tx, next, event).await?;
        let change = Change {
            action,
            object_type: "enforcement_case",
            object_id: before.id.to_string(),
            division_code: Some(before.division_code.clone()),
            before: audit::json(before),
            after: audit::json(next),
        };
        audit::commit(tx, actor, change).await?;
        self.get_case(actor, before.id).await
    }

    /// The enforcement figures of a town for cases filed in `[from, to]`.
    pub async fn case_indicators(&self, actor: &Actor, town: &str, from: &str, to: &str) -> Result<CaseIndicators> {
        let d = self.division_for(actor, town, Reach::Within, Permission::ReadDirectory, Level::Town).await?;
        let (from, to) = (parse_day(from, "from")?, parse_day(to, "to")?);
        let mut c = self.store.conn().await?;
        let cases = store::filed_between(&mut c, d.division.code.as_str(), &from.to_string(), &to.to_string()).await?;
        Ok(indicators(&self.calendar(), &cases))
    }
}

/// The figures, from the cases alone.
pub fn indicators(cal: &grassroots_domain::core::calendar::WorkingCalendar, cases: &[Case]) -> CaseIndicators {
    let mut out = CaseIndicators { filed: cases.len() as i64, ..Default::default() };
    let mean = |v: &[i64]| (!v.is_empty()).then(|| v.iter().sum::<i64>() as f64 / v.len() as f64);
    let share = |yes: usize, of: usize| (of > 0).then(|| yes as f64 / of as f64);
    let (mut days, mut working) = (Vec::new(), Vec::new());
    let (mut decided, mut on_time, mut rated, mut satisfied) = (0, 0, 0, 0);
    for case in cases {
        let d = case.dates();
        let closed = case.closed_on.as_deref().and_then(grassroots_domain::core::time::parse_date);
        if let (Some(filed), Some(closed)) = (d.filed, closed) {
            days.push((closed - filed).whole_days());
            working.push(i64::from(cal.working_days_between(filed, closed)));
        }
        if let (Some(filed), Some(dec)) = (d.filed, d.decided) {
            decided += 1;
            let due = filed + Duration::days(i64::from(clocks::DECISION_DAYS + d.extension_days + d.suspended_days));
            if dec <= due {
                on_time += 1;
            }
        }
        if let Some(s) = case.satisfaction {
            rated += 1;
            if s.is_satisfied() {
                satisfied += 1;
            }
        }
    }
    out.closed = days.len() as i64;
    out.avg_days = mean(&days);
    out.avg_working_days = mean(&working);
    out.on_time_share = share(on_time, decided);
    out.satisfaction_rate = share(satisfied, rated);
    out
}
