//! Pages of restructuring: the plans of the scope with the upload of a new draft and the
//! lookup of a function's owner; a plan with its problems, its before/after comparison,
//! the remapping of a function and approval.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::Method;
use axum::response::{IntoResponse, Redirect, Response};
use grassroots_app::restructuring::{ApproveRequest, MoveFunctionRequest, PlanView, parse_document};
use grassroots_domain::core::role::Role;
use grassroots_domain::page::PageRequest;
use grassroots_domain::restructuring::{Owner, PlanId, PlanStatus};
use serde::Deserialize;

use crate::auth::{CsrfForm, CsrfUpload, PageSession};
use crate::pages::{Chrome, PageRoutes, after_form, error_page, form_error, render, towns_in_scope};
use crate::state::WebState;

pub fn routes(r: PageRoutes) -> PageRoutes {
    r.route(Method::GET, "/plans", plans)
        .route(Method::POST, "/plans", upload)
        .route(Method::GET, "/plans/{id}", plan)
        .route(Method::POST, "/plans/{id}/move-function", move_function)
        .route(Method::POST, "/plans/{id}/approve", approve)
}

#[derive(Template)]
#[template(path = "plans.html")]
struct PlansPage {
    c: Chrome,
    error: Option<String>,
    rows: Vec<PlanRow>,
    towns: Vec<(String, String)>,
    staffing: bool,
    lookup: LookupQuery,
    owner: Option<Owner>,
    history: Vec<Owner>,
}

struct PlanRow {
    id: i64,
    town: String,
    number: i64,
    title: String,
    phase: &'static str,
    effective_from: String,
}

#[derive(Deserialize, Default)]
struct LookupQuery {
    town: Option<String>,
    function: Option<String>,
    date: Option<String>,
}

async fn plans(State(s): State<WebState>, session: PageSession, Query(q): Query<LookupQuery>) -> Response {
    plans_page(&s, &session, q, None).await
}

async fn plans_page(s: &WebState, session: &PageSession, q: LookupQuery, error: Option<String>) -> Response {
    let lang = session.lang;
    let a = &session.actor;
    let result = async {
        let towns = towns_in_scope(s, session).await?;
        let list = s.app.list_plans(a, None, PageRequest { page: 1, per_page: 200 }).await?;
        let name_of = |code: &str| towns.iter().find(|t| t.0 == code).map_or(code.to_owned(), |t| t.1.clone());
        let rows = list
            .items
            .iter()
            .map(|p| PlanRow {
                id: p.plan.id.0,
                town: name_of(&p.plan.division_code),
                number: p.plan.number,
                title: p.plan.title.clone(),
                phase: p.phase.label(lang.zh()),
                effective_from: p.plan.effective_from.clone().unwrap_or_default(),
            })
            .collect();
        Ok::<_, grassroots_app::AppError>((towns, rows))
    }
    .await;
    let (towns, rows) = match result {
        Ok(r) => r,
        Err(e) => return error_page(lang, e.into()),
    };
    let (mut owner, mut history, mut error) = (None, Vec::new(), error);
    if let (Some(town), Some(function)) = (q.town.as_deref(), q.function.as_deref().filter(|f| !f.is_empty())) {
        let date =
            q.date.clone().filter(|d| !d.is_empty()).unwrap_or_else(|| grassroots_app::core::today().to_string());
        match s.app.function_owner(a, town, function.trim(), &date).await {
            Ok(o) => {
                owner = Some(o);
                history = s.app.function_history(a, town, function.trim()).await.unwrap_or_default();
            }
            Err(e) => match form_error(lang, e) {
                Ok(m) => error = Some(m),
                Err(e) if e.code == "not_found" => {
                    error = Some(
                        lang.pick(
                            "该镇没有这一职能，或尚无生效的改革方案。",
                            "No such function, or no plan in effect.",
                        )
                        .into(),
                    )
                }
                Err(e) => return error_page(lang, e),
            },
        }
    }
    render(&PlansPage {
        c: Chrome::of(session),
        error,
        rows,
        towns,
        staffing: session.actor.role == Role::StaffingOfficer,
        lookup: q,
        owner,
        history,
    })
}

/// A new draft from an uploaded plan document (JSON).
async fn upload(State(s): State<WebState>, f: CsrfUpload) -> Response {
    let lang = f.session.lang;
    let result = match parse_document(f.file.as_deref().unwrap_or_default()) {
        Ok(doc) => s.app.create_plan(&f.session.actor, doc).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(v) => Redirect::to(&format!("/plans/{}", v.plan.id)).into_response(),
        Err(e) => match form_error(lang, e) {
            Ok(msg) => plans_page(&s, &f.session, LookupQuery::default(), Some(msg)).await,
            Err(e) => error_page(lang, e),
        },
    }
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    c: Chrome,
    error: Option<String>,
    v: PlanView,
    problems: Vec<String>,
    phase: &'static str,
    draft: bool,
    staffing: bool,
}

async fn plan(State(s): State<WebState>, session: PageSession, Path(id): Path<i64>) -> Response {
    plan_page(&s, &session, id, None).await
}

async fn plan_page(s: &WebState, session: &PageSession, id: i64, error: Option<String>) -> Response {
    let lang = session.lang;
    match s.app.get_plan(&session.actor, PlanId(id)).await {
        Ok(v) => render(&PlanPage {
            c: Chrome::of(session),
            error,
            problems: v.problems.iter().map(|p| crate::i18n::field_error(lang, p)).collect(),
            phase: v.phase.label(lang.zh()),
            draft: v.plan.status == PlanStatus::Draft,
            staffing: session.actor.role == Role::StaffingOfficer,
            v,
        }),
        Err(e) => error_page(lang, e.into()),
    }
}

#[derive(Deserialize)]
struct MoveForm {
    function: String,
    #[serde(default)]
    office: String,
}

async fn move_function(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfForm<MoveForm>) -> Response {
    let req = MoveFunctionRequest { function: f.form.function.clone(), office: Some(f.form.office.clone()) };
    let result = s.app.move_function(&f.session.actor, PlanId(id), req).await.map(|_| ());
    after_form(f.session.lang, result, &format!("/plans/{id}"), |m| plan_page(&s, &f.session, id, Some(m))).await
}

#[derive(Deserialize)]
struct ApproveForm {
    effective_from: String,
}

async fn approve(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfForm<ApproveForm>) -> Response {
    let req = ApproveRequest { effective_from: f.form.effective_from.clone() };
    let result = s.app.approve_plan(&f.session.actor, PlanId(id), req).await.map(|_| ());
    after_form(f.session.lang, result, &format!("/plans/{id}"), |m| plan_page(&s, &f.session, id, Some(m))).await
}
