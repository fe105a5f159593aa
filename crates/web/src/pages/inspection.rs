//! Pages of joint inspections: visits, the proposals to merge departments' plans into one
//! visit, planning for departments, registering targets; and a visit's result entry, laid
//! out to be filled in on a phone at the door.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::Method;
use axum::response::{IntoResponse, Redirect, Response};
use grassroots_app::inspection::{
    InspectionView, MergeRequest, PlanRequest, RecheckRequest, ResultEntry, TargetRequest,
};
use grassroots_domain::core::role::Permission;
use grassroots_domain::inspection::{
    CheckItem, FindingAction, InspectionId, MergeProposal, Outcome, PlanId, Target, TargetId,
};
use grassroots_domain::page::PageRequest;
use serde::Deserialize;

use crate::auth::{CsrfForm, PageSession};
use crate::pages::{Chrome, PageRoutes, after_form, error_page, form_error, pager, render, towns_in_scope};
use crate::state::WebState;

pub fn routes(r: PageRoutes) -> PageRoutes {
    r.route(Method::GET, "/inspections", inspections)
        .route(Method::POST, "/inspections", merge)
        .route(Method::POST, "/inspection-targets", add_target)
        .route(Method::POST, "/inspection-plans", plan)
        .route(Method::GET, "/inspections/{id}", inspection)
        .route(Method::POST, "/inspections/{id}/results", results)
        .route(Method::POST, "/inspections/{id}/recheck", recheck)
}

#[derive(Template)]
#[template(path = "inspections.html")]
struct InspectionsPage {
    c: Chrome,
    error: Option<String>,
    rows: Vec<(i64, String, String, String, i64, bool)>,
    pager: String,
    proposals: Vec<MergeProposal>,
    targets: Vec<Target>,
    towns: Vec<(String, String)>,
    items: Vec<CheckItem>,
    plans: bool,
    conducts: bool,
    today: String,
}

#[derive(Deserialize, Default)]
struct PageQuery {
    page: Option<u32>,
}

async fn inspections(State(s): State<WebState>, session: PageSession, Query(q): Query<PageQuery>) -> Response {
    inspections_page(&s, &session, q, None).await
}

async fn inspections_page(s: &WebState, session: &PageSession, q: PageQuery, error: Option<String>) -> Response {
    let lang = session.lang;
    let a = &session.actor;
    let page = PageRequest::from_parts(q.page, Some(50));
    let plans = a.role.may(Permission::PlanInspections);
    let result = async {
        let list = s.app.list_inspections(a, page).await?;
        let (_, proposals) = s.app.inspection_plans(a).await?;
        let targets = s.app.inspection_targets(a).await?;
        let towns = towns_in_scope(s, session).await?;
        let items = match (plans, a.division_code.get(..6)) {
            (true, Some(county)) => s.app.check_items(a, county).await?,
            _ => Vec::new(),
        };
        Ok::<_, grassroots_app::AppError>((list, proposals, targets, towns, items))
    }
    .await;
    let (list, proposals, targets, towns, items) = match result {
        Ok(r) => r,
        Err(e) => return error_page(lang, e.into()),
    };
    render(&InspectionsPage {
        c: Chrome::of(session),
        error,
        rows: list
            .items
            .iter()
            .map(|v| {
                (v.id.0, v.visit_on.clone(), v.target_name.clone(), v.team.clone(), v.visits_saved, v.done_on.is_some())
            })
            .collect(),
        pager: pager(lang, "/inspections", page.page, page.per_page, list.total),
        proposals,
        targets,
        towns,
        items,
        plans,
        conducts: a.role.may(Permission::ConductInspections),
        today: grassroots_app::core::today().to_string(),
    })
}

#[derive(Deserialize)]
struct MergeForm {
    plans: String,
    visit_on: String,
    team: String,
}

async fn merge(State(s): State<WebState>, f: CsrfForm<MergeForm>) -> Response {
    let lang = f.session.lang;
    let plans = f.form.plans.split(',').filter_map(|p| p.trim().parse().ok()).map(PlanId).collect();
    let req = MergeRequest { plans, visit_on: f.form.visit_on.clone(), team: f.form.team.clone() };
    match s.app.merge_plans(&f.session.actor, req).await {
        Ok(v) => Redirect::to(&format!("/inspections/{}", v.inspection.id)).into_response(),
        Err(e) => match form_error(lang, e) {
            Ok(m) => inspections_page(&s, &f.session, PageQuery::default(), Some(m)).await,
            Err(e) => error_page(lang, e),
        },
    }
}

#[derive(Deserialize)]
struct TargetForm {
    town: String,
    name: String,
    #[serde(default)]
    credit_code: String,
    #[serde(default)]
    address: String,
}

async fn add_target(State(s): State<WebState>, f: CsrfForm<TargetForm>) -> Response {
    let req = TargetRequest {
        town: f.form.town.clone(),
        name: f.form.name.clone(),
        credit_code: Some(f.form.credit_code.clone()),
        address: f.form.address.clone(),
    };
    let result = s.app.add_inspection_target(&f.session.actor, req).await.map(|_| ());
    after_form(f.session.lang, result, "/inspections", |m| {
        inspections_page(&s, &f.session, PageQuery::default(), Some(m))
    })
    .await
}

/// A plan form: the target, the day, and the checked items (repeated `item` fields).
async fn plan(State(s): State<WebState>, f: CsrfForm<Vec<(String, String)>>) -> Response {
    let field = |k: &str| f.form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let req = PlanRequest {
        target_id: TargetId(field("target_id").parse().unwrap_or(0)),
        planned_on: field("planned_on"),
        item_codes: f.form.iter().filter(|(n, _)| n == "item").map(|(_, v)| v.clone()).collect(),
    };
    let result = s.app.plan_inspection(&f.session.actor, req).await.map(|_| ());
    after_form(f.session.lang, result, "/inspections", |m| {
        inspections_page(&s, &f.session, PageQuery::default(), Some(m))
    })
    .await
}

#[derive(Template)]
#[template(path = "inspection.html")]
struct InspectionPage {
    c: Chrome,
    error: Option<String>,
    v: InspectionView,
    outcomes: Vec<(&'static str, &'static str)>,
    conducts: bool,
    today: String,
}

async fn inspection(State(s): State<WebState>, session: PageSession, Path(id): Path<i64>) -> Response {
    inspection_page(&s, &session, id, None).await
}

async fn inspection_page(s: &WebState, session: &PageSession, id: i64, error: Option<String>) -> Response {
    let lang = session.lang;
    match s.app.get_inspection(&session.actor, InspectionId(id)).await {
        Ok(v) => render(&InspectionPage {
            c: Chrome::of(session),
            error,
            v,
            outcomes: Outcome::ALL.iter().map(|o| (o.as_str(), o.label(lang.zh()))).collect(),
            conducts: session.actor.role.may(Permission::ConductInspections),
            today: grassroots_app::core::today().to_string(),
        }),
        Err(e) => error_page(lang, e.into()),
    }
}

/// The result form: for each item `outcome:CODE`, `note:CODE`, `action:CODE`, `by:CODE`.
async fn results(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfForm<Vec<(String, String)>>) -> Response {
    let field = |k: String| f.form.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let mut entries = Vec::new();
    let mut bad = None;
    for (name, value) in &f.form {
        let Some(code) = name.strip_prefix("outcome:") else { continue };
        if value.is_empty() {
            continue;
        }
        let outcome = match value.parse::<Outcome>() {
            Ok(o) => o,
            Err(e) => {
                bad = Some(e);
                break;
            }
        };
        entries.push(ResultEntry {
            item_code: code.to_owned(),
            outcome,
            note: field(format!("note:{code}")),
            action: field(format!("action:{code}")).parse::<FindingAction>().ok(),
            rectify_by: Some(field(format!("by:{code}"))).filter(|d| !d.is_empty()),
        });
    }
    let result = match bad {
        Some(e) => Err(e.into()),
        None => s.app.record_results(&f.session.actor, InspectionId(id), entries).await.map(|_| ()),
    };
    after_form(f.session.lang, result, &format!("/inspections/{id}"), |m| inspection_page(&s, &f.session, id, Some(m)))
        .await
}

#[derive(Deserialize)]
struct RecheckForm {
    item_code: String,
    on: String,
    #[serde(default)]
    passed: Option<String>,
}

async fn recheck(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfForm<RecheckForm>) -> Response {
    let req =
        RecheckRequest { item_code: f.form.item_code.clone(), on: f.form.on.clone(), passed: f.form.passed.is_some() };
    let result = s.app.recheck(&f.session.actor, InspectionId(id), req).await.map(|_| ());
    after_form(f.session.lang, result, &format!("/inspections/{id}"), |m| inspection_page(&s, &f.session, id, Some(m)))
        .await
}
