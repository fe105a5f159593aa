//! Pages of enforcement cases: the list of the scope with the filing form, and a case file
//! with its stage, running clocks, timeline and the forms for what comes next.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::Method;
use axum::response::{IntoResponse, Redirect, Response};
use grassroots_app::enforcement::{AdvanceRequest, CaseView, FileRequest, PauseRequest, RatingRequest, RemindRequest};
use grassroots_domain::ValidationError;
use grassroots_domain::core::role::{Permission, Role};
use grassroots_domain::enforcement::{CaseId, Procedure, Satisfaction, Stage};
use grassroots_domain::page::PageRequest;
use serde::Deserialize;

use crate::auth::{CsrfForm, PageSession};
use crate::pages::{Chrome, PageRoutes, after_form, error_page, form_error, pager, render, towns_in_scope, urlencode};
use crate::state::WebState;

pub fn routes(r: PageRoutes) -> PageRoutes {
    r.route(Method::GET, "/cases", cases)
        .route(Method::POST, "/cases", file)
        .route(Method::GET, "/cases/{id}", case)
        .route(Method::POST, "/cases/{id}/advance", advance)
        .route(Method::POST, "/cases/{id}/pause", pause)
        .route(Method::POST, "/cases/{id}/remind", remind)
        .route(Method::POST, "/cases/{id}/rating", rate)
}

fn action_label(lang: crate::i18n::Lang, action: &str) -> &'static str {
    match action.parse::<Stage>() {
        Ok(stage) => stage.label(lang.zh()),
        Err(_) => match action {
            "suspend" => lang.pick("中止", "suspended"),
            "extend" => lang.pick("延长期限", "extended"),
            "remind" => lang.pick("催告", "demand to pay"),
            "rating" => lang.pick("回访评价", "rating"),
            _ => lang.pick("其他", "other"),
        },
    }
}

/// Yuan as typed (“500”, “500.5”) to fen, without floating point.
fn fen(yuan: &str) -> Result<i64, ValidationError> {
    let bad = || ValidationError::new("fine_fen", "invalid_number", format!("“{yuan}” is not an amount in yuan"));
    let (whole, part) = yuan.trim().split_once('.').unwrap_or((yuan.trim(), ""));
    if whole.is_empty() || part.len() > 2 || !whole.chars().chain(part.chars()).all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let part: i64 = format!("{part:0<2}").parse().map_err(|_| bad())?;
    whole.checked_mul(100).and_then(|w| w.checked_add(part)).ok_or_else(bad)
}

fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

#[derive(Template)]
#[template(path = "cases.html")]
struct CasesPage {
    c: Chrome,
    error: Option<String>,
    rows: Vec<CaseRow>,
    stages: Vec<(&'static str, &'static str)>,
    stage: String,
    overdue: bool,
    pager: String,
    towns: Vec<(String, String)>,
    may_file: bool,
    today: String,
}

struct CaseRow {
    id: i64,
    number: String,
    town: String,
    party: String,
    procedure: &'static str,
    stage: &'static str,
    filed_on: String,
}

#[derive(Deserialize, Default)]
struct CasesQuery {
    stage: Option<String>,
    /// Only open cases with a clock past due.
    overdue: Option<String>,
    page: Option<u32>,
}

async fn cases(State(s): State<WebState>, session: PageSession, Query(q): Query<CasesQuery>) -> Response {
    cases_page(&s, &session, q, None).await
}

async fn cases_page(s: &WebState, session: &PageSession, q: CasesQuery, error: Option<String>) -> Response {
    let lang = session.lang;
    let stage = q.stage.clone().unwrap_or_default();
    let page = PageRequest::from_parts(q.page, Some(50));
    let overdue = q.overdue.as_deref().is_some_and(|o| !o.is_empty());
    let result = async {
        let list = if overdue {
            let late = s.app.overdue_cases(&session.actor).await?;
            let total = late.len() as i64;
            grassroots_domain::page::Page::new(
                late.into_iter().map(|(c, _)| c).collect(),
                PageRequest::from_parts(Some(1), Some(200)),
                total,
            )
        } else {
            s.app.list_cases(&session.actor, stage.parse::<Stage>().ok(), page).await?
        };
        let towns = towns_in_scope(s, session).await?;
        Ok::<_, grassroots_app::AppError>((list, towns))
    }
    .await;
    let (list, towns) = match result {
        Ok(r) => r,
        Err(e) => return error_page(lang, e.into()),
    };
    let name = |code: &str| towns.iter().find(|t| t.0 == code).map_or(code.to_owned(), |t| t.1.clone());
    let rows = list
        .items
        .iter()
        .map(|c| CaseRow {
            id: c.id.0,
            number: c.document_number.clone(),
            town: name(&c.division_code),
            party: c.party_name.clone(),
            procedure: c.procedure.label(lang.zh()),
            stage: c.stage.label(lang.zh()),
            filed_on: c.filed_on.clone(),
        })
        .collect();
    render(&CasesPage {
        c: Chrome::of(session),
        error,
        rows,
        stages: Stage::ALL.iter().map(|s| (s.as_str(), s.label(lang.zh()))).collect(),
        pager: pager(lang, &format!("/cases?stage={}", urlencode(&stage)), page.page, page.per_page, list.total),
        stage,
        overdue,
        towns,
        may_file: session.actor.role.may(Permission::HandleCases),
        today: grassroots_app::core::today().to_string(),
    })
}

#[derive(Deserialize)]
struct FileForm {
    town: String,
    procedure: String,
    party_name: String,
    #[serde(default)]
    party_is_organisation: Option<String>,
    act_date: String,
    #[serde(default)]
    discovered_on: String,
    filed_on: String,
    #[serde(default)]
    matter_code: String,
    legal_basis: String,
    facts: String,
    #[serde(default)]
    caused_harm: Option<String>,
}

async fn file(State(s): State<WebState>, f: CsrfForm<FileForm>) -> Response {
    let lang = f.session.lang;
    let form = &f.form;
    let result = match form.procedure.parse::<Procedure>() {
        Ok(procedure) => {
            let req = FileRequest {
                town: form.town.clone(),
                procedure,
                party_name: form.party_name.clone(),
                party_is_organisation: form.party_is_organisation.is_some(),
                act_date: form.act_date.clone(),
                filed_on: Some(form.filed_on.clone()),
                discovered_on: Some(form.discovered_on.clone()),
                matter_code: Some(form.matter_code.clone()),
                legal_basis: form.legal_basis.clone(),
                facts: form.facts.clone(),
                caused_harm: form.caused_harm.is_some(),
            };
            s.app.file_case(&f.session.actor, req).await
        }
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(v) => Redirect::to(&format!("/cases/{}", v.case.id)).into_response(),
        Err(e) => match form_error(lang, e) {
            Ok(m) => cases_page(&s, &f.session, CasesQuery::default(), Some(m)).await,
            Err(e) => error_page(lang, e),
        },
    }
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    c: Chrome,
    error: Option<String>,
    v: CaseView,
    /// What each line of the timeline did, in the reader's language.
    actions: Vec<&'static str>,
    procedure: &'static str,
    stage: &'static str,
    fine: String,
    surcharge: String,
    next: Vec<(&'static str, &'static str)>,
    satisfactions: Vec<(&'static str, &'static str)>,
    satisfaction: String,
    handles: bool,
    today: String,
}

async fn case(State(s): State<WebState>, session: PageSession, Path(id): Path<i64>) -> Response {
    case_page(&s, &session, id, None).await
}

async fn case_page(s: &WebState, session: &PageSession, id: i64, error: Option<String>) -> Response {
    let lang = session.lang;
    let v = match s.app.get_case(&session.actor, CaseId(id)).await {
        Ok(v) => v,
        Err(e) => return error_page(lang, e.into()),
    };
    render(&CasePage {
        c: Chrome::of(session),
        error,
        actions: v.timeline.iter().map(|e| action_label(lang, &e.action)).collect(),
        procedure: v.case.procedure.label(lang.zh()),
        stage: v.case.stage.label(lang.zh()),
        fine: v.case.fine_fen.map(yuan).unwrap_or_default(),
        surcharge: yuan(v.surcharge_fen),
        next: v.next.iter().map(|s| (s.as_str(), s.label(lang.zh()))).collect(),
        satisfactions: Satisfaction::ALL.iter().map(|s| (s.as_str(), s.label(lang.zh()))).collect(),
        satisfaction: v.case.satisfaction.map(|s| s.label(lang.zh()).to_owned()).unwrap_or_default(),
        handles: session.actor.role == Role::Inspector,
        today: grassroots_app::core::today().to_string(),
        v,
    })
}

/// After a form on the case page: back to it, or the page again with the message.
async fn back_to_case(
    s: &WebState,
    session: &PageSession,
    id: i64,
    result: Result<(), grassroots_app::AppError>,
) -> Response {
    after_form(session.lang, result, &format!("/cases/{id}"), |m| case_page(s, session, id, Some(m))).await
}

#[derive(Deserialize)]
struct AdvanceForm {
    to: String,
    on: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    hearing_on: String,
    #[serde(default)]
    penalty: String,
    #[serde(default)]
    fine_yuan: String,
}

async fn advance(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfForm<AdvanceForm>) -> Response {
    let form = &f.form;
    let request = || -> Result<AdvanceRequest, ValidationError> {
        let fine = match form.fine_yuan.trim() {
            "" => None,
            y => Some(fen(y)?),
        };
        Ok(AdvanceRequest {
            to: form.to.parse()?,
            on: form.on.clone(),
            note: form.note.clone(),
            hearing_on: Some(form.hearing_on.clone()).filter(|h| !h.is_empty()),
            penalty: Some(form.penalty.clone()).filter(|p| !p.is_empty()),
            fine_fen: fine,
        })
    };
    let result = match request() {
        Ok(req) => s.app.advance_case(&f.session.actor, CaseId(id), req).await.map(|_| ()),
        Err(e) => Err(e.into()),
    };
    back_to_case(&s, &f.session, id, result).await
}

#[derive(Deserialize)]
struct PauseForm {
    kind: String,
    days: String,
    reason: String,
    approved_by: String,
}

async fn pause(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfForm<PauseForm>) -> Response {
    let req = PauseRequest {
        kind: f.form.kind.clone(),
        days: f.form.days.trim().parse().unwrap_or(0),
        reason: f.form.reason.clone(),
        approved_by: f.form.approved_by.clone(),
    };
    let result = s.app.pause_case(&f.session.actor, CaseId(id), req).await.map(|_| ());
    back_to_case(&s, &f.session, id, result).await
}

#[derive(Deserialize)]
struct RemindForm {
    on: String,
}

async fn remind(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfForm<RemindForm>) -> Response {
    let req = RemindRequest { on: f.form.on.clone() };
    let result = s.app.remind_case(&f.session.actor, CaseId(id), req).await.map(|_| ());
    back_to_case(&s, &f.session, id, result).await
}

#[derive(Deserialize)]
struct RatingForm {
    satisfaction: String,
    #[serde(default)]
    note: String,
}

async fn rate(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfForm<RatingForm>) -> Response {
    let result = match f.form.satisfaction.parse::<Satisfaction>() {
        Ok(satisfaction) => {
            let req = RatingRequest { satisfaction, note: f.form.note.clone() };
            s.app.rate_case(&f.session.actor, CaseId(id), req).await.map(|_| ())
        }
        Err(e) => Err(e.into()),
    };
    back_to_case(&s, &f.session, id, result).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_become_fen_exactly() {
        assert_eq!(fen("500").unwrap(), 50_000);
        assert_eq!(fen("500.5").unwrap(), 50_050);
        assert_eq!(fen(" 0.07 ").unwrap(), 7);
        for bad in ["", "-1", "1.234", "五百", "1e3", "."] {
            assert!(fen(bad).is_err(), "{bad}");
        }
        assert_eq!(yuan(50_050), "500.50");
    }
}
