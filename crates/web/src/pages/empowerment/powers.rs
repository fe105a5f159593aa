//! A town's power list: the version in force with each power's use in the last year and
//! its flags, the history of versions, taking a power back, and recording a use.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use grassroots_app::empowerment::powers::{PowerListView, RevokeRequest, UseRequest};
use grassroots_domain::core::role::{Permission, Role};
use grassroots_domain::empowerment::{Evaluation, UseKind};
use serde::Deserialize;

use crate::auth::{CsrfForm, PageSession};
use crate::pages::{Chrome, after_form, error_page, render, towns_in_scope, urlencode};
use crate::state::WebState;

#[derive(Template)]
#[template(path = "powers.html")]
pub(super) struct PowersPage {
    c: Chrome,
    error: Option<String>,
    towns: Vec<(String, String)>,
    list: Option<PowerListView>,
    rows: Vec<PowerRow>,
    unused: usize,
    mishandled: usize,
    staffing: bool,
    records_use: bool,
    today: String,
}

pub(super) struct PowerRow {
    code: String,
    name: String,
    power_type: &'static str,
    department: String,
    held_since: String,
    e: Option<Evaluation>,
}

#[derive(Deserialize, Default)]
pub(super) struct PowersQuery {
    town: Option<String>,
    date: Option<String>,
}

pub(super) async fn powers(State(s): State<WebState>, session: PageSession, Query(q): Query<PowersQuery>) -> Response {
    powers_page(&s, &session, q, None).await
}

async fn powers_page(s: &WebState, session: &PageSession, q: PowersQuery, error: Option<String>) -> Response {
    let lang = session.lang;
    let a = &session.actor;
    let towns = match towns_in_scope(s, session).await {
        Ok(t) => t,
        Err(e) => return error_page(lang, e.into()),
    };
    let town = q.town.clone().filter(|t| !t.is_empty()).or_else(|| towns.first().map(|t| t.0.clone()));
    let (list, evaluation) = match &town {
        Some(t) => match s.app.power_list(a, t, q.date.as_deref()).await {
            Ok(l) => (Some(l), s.app.evaluate_powers(a, t).await.unwrap_or_default()),
            Err(e) => return error_page(lang, e.into()),
        },
        None => (None, Vec::new()),
    };
    let rows = list
        .iter()
        .flat_map(|l| l.powers.iter())
        .map(|p| PowerRow {
            code: p.matter_code.clone(),
            name: p.name.clone(),
            power_type: p.power_type.label(lang.zh()),
            department: p.department.clone(),
            held_since: p.held_since.clone(),
            e: evaluation.iter().find(|e| e.matter_code == p.matter_code).cloned(),
        })
        .collect();
    render(&PowersPage {
        c: Chrome::of(session),
        error,
        towns,
        unused: evaluation.iter().filter(|e| e.unused).count(),
        mishandled: evaluation.iter().filter(|e| e.mishandled).count(),
        list,
        rows,
        staffing: a.role == Role::StaffingOfficer,
        records_use: a.role.may(Permission::RecordPowerUse),
        today: grassroots_app::core::today().to_string(),
    })
}

#[derive(Deserialize)]
pub(super) struct RevokeForm {
    town: String,
    matter_code: String,
    effective_from: String,
    reason: String,
}

pub(super) async fn revoke(State(s): State<WebState>, f: CsrfForm<RevokeForm>) -> Response {
    let town = f.form.town.clone();
    let req = RevokeRequest {
        matter_code: f.form.matter_code.clone(),
        effective_from: f.form.effective_from.clone(),
        reason: f.form.reason.clone(),
    };
    let result = s.app.revoke_power(&f.session.actor, &town, req).await.map(|_| ());
    let q = || PowersQuery { town: Some(town.clone()), date: None };
    after_form(f.session.lang, result, &format!("/powers?town={}", urlencode(&town)), |m| {
        powers_page(&s, &f.session, q(), Some(m))
    })
    .await
}

#[derive(Deserialize)]
pub(super) struct UseForm {
    town: String,
    matter_code: String,
    used_on: String,
    kind: String,
    reference: String,
    #[serde(default)]
    complaint: Option<String>,
    #[serde(default)]
    reversed: Option<String>,
}

pub(super) async fn record_use(State(s): State<WebState>, f: CsrfForm<UseForm>) -> Response {
    let town = f.form.town.clone();
    let result = match f.form.kind.parse::<UseKind>() {
        Ok(kind) => {
            let req = UseRequest {
                matter_code: f.form.matter_code.clone(),
                used_on: f.form.used_on.clone(),
                kind,
                reference: f.form.reference.clone(),
                complaint: f.form.complaint.is_some(),
                reversed: f.form.reversed.is_some(),
            };
            s.app.record_power_use(&f.session.actor, &town, req).await.map(|_| ())
        }
        Err(e) => Err(e.into()),
    };
    let q = || PowersQuery { town: Some(town.clone()), date: None };
    after_form(f.session.lang, result, &format!("/powers?town={}", urlencode(&town)), |m| {
        powers_page(&s, &f.session, q(), Some(m))
    })
    .await
}
