//! A division's lists: the version in force (or any other), filtered; history; diff;
//! import and publication for the staffing office.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use grassroots_app::admission::lists::PublishRequest;
use grassroots_domain::admission::{ItemKind, ListDiff, VersionId, VersionStatus};
use grassroots_domain::core::division::DivisionCode;
use grassroots_domain::core::role::Role;
use grassroots_domain::page::PageRequest;
use serde::Deserialize;

use super::kind_label;
use crate::auth::{CsrfForm, CsrfUpload, PageSession};
use crate::i18n::Lang;
use crate::pages::{Chrome, after_form, error_page, form_error, render, urlencode};
use crate::state::WebState;

#[derive(Template)]
#[template(path = "lists.html")]
pub(super) struct ListsPage {
    c: Chrome,
    error: Option<String>,
    division: String,
    division_name: String,
    divisions: Vec<(String, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    kind: String,
    areas: Vec<String>,
    area: String,
    q: String,
    version: Option<VersionRow>,
    versions: Vec<VersionRow>,
    items: Vec<ItemRow>,
    diff: Option<ListDiff>,
    staffing: bool,
}

pub(super) struct VersionRow {
    id: i64,
    number: i64,
    status_label: &'static str,
    draft: bool,
    effective_from: Option<String>,
    effective: String,
    note: String,
}

pub(super) struct ItemRow {
    code: String,
    kind: &'static str,
    area: String,
    title: String,
    description: String,
    lead: String,
}

#[derive(Deserialize, Default)]
pub(super) struct ListsQuery {
    division: Option<String>,
    version: Option<i64>,
    against: Option<i64>,
    kind: Option<String>,
    area: Option<String>,
    q: Option<String>,
}

pub(super) async fn lists(State(s): State<WebState>, session: PageSession, Query(q): Query<ListsQuery>) -> Response {
    lists_page(&s, &session, q, None).await
}

async fn lists_page(s: &WebState, session: &PageSession, q: ListsQuery, error: Option<String>) -> Response {
    let lang = session.lang;
    let a = &session.actor;
    let today = grassroots_app::core::today().to_string();
    let result = async {
        let all = s.app.list_versions(a, None, PageRequest { page: 1, per_page: 200 }).await?;
        let mut divisions: Vec<String> = all.items.iter().map(|v| v.division_code.clone()).collect();
        divisions.sort();
        divisions.dedup();
        let division = q
            .division
            .clone()
            .filter(|d| !d.is_empty())
            .or_else(|| divisions.iter().find(|d| a.division_code.starts_with(d.as_str())).cloned())
            .or_else(|| divisions.first().cloned())
            .unwrap_or_else(|| a.division_code.clone());
        let code = DivisionCode::parse(&division)?;
        let mut names = Vec::new();
        for d in &divisions {
            let name =
                s.app.get_division(a, &DivisionCode::parse(d)?).await.map(|v| v.division.name).unwrap_or_default();
            names.push((d.clone(), name));
        }
        let division_name = s.app.get_division(a, &code).await.map(|v| v.division.name).unwrap_or_default();
        let versions = s.app.list_versions(a, Some(&code), PageRequest { page: 1, per_page: 200 }).await?.items;
        let chosen = match q.version {
            Some(id) => Some(id),
            None => match s.app.list_in_force(a, &code, &today).await {
                Ok(v) => Some(v.version.id.0),
                Err(_) => versions.first().map(|v| v.id.0),
            },
        };
        let current = match chosen {
            Some(id) => Some(s.app.get_list(a, VersionId(id)).await?),
            None => None,
        };
        let diff = match (q.against, chosen) {
            (Some(from), Some(to)) => Some(s.app.diff_lists(a, VersionId(from), VersionId(to)).await?),
            _ => None,
        };
        Ok::<_, grassroots_app::AppError>((division, division_name, names, versions, current, diff))
    }
    .await;
    let (division, division_name, divisions, versions, current, diff) = match result {
        Ok(r) => r,
        Err(e) => return error_page(lang, e.into()),
    };
    let row = |v: &grassroots_domain::admission::ListVersion| VersionRow {
        id: v.id.0,
        number: v.number,
        status_label: if v.status == VersionStatus::Draft { lang.t("draft") } else { lang.t("published") },
        draft: v.status == VersionStatus::Draft,
        effective_from: v.effective_from.clone(),
        effective: v.effective_from.clone().unwrap_or_default(),
        note: v.note.clone(),
    };
    let kind = q.kind.clone().unwrap_or_default();
    let area = q.area.clone().unwrap_or_default();
    let search = q.q.clone().unwrap_or_default();
    let mut areas: Vec<String> = current.iter().flat_map(|v| v.items.iter().map(|i| i.area.clone())).collect();
    areas.sort();
    areas.dedup();
    let items = current
        .iter()
        .flat_map(|v| v.items.iter())
        .filter(|i| kind.is_empty() || i.kind.as_str() == kind)
        .filter(|i| area.is_empty() || i.area == area)
        .filter(|i| {
            search.is_empty()
                || i.code.contains(&search)
                || i.title.contains(&search)
                || i.description.contains(&search)
                || i.keywords.iter().any(|k| k.contains(&search))
        })
        .map(|i| ItemRow {
            code: i.code.clone(),
            kind: kind_label(lang, i.kind),
            area: i.area.clone(),
            title: i.title.clone(),
            description: i.description.clone(),
            lead: i.lead_department.clone(),
        })
        .collect();
    render(&ListsPage {
        c: Chrome::of(session),
        error,
        division,
        division_name,
        divisions,
        kinds: ItemKind::ALL.iter().map(|k| (k.as_str(), kind_label(lang, *k))).collect(),
        kind,
        areas,
        area,
        q: search,
        version: current.as_ref().map(|v| row(&v.version)),
        versions: versions.iter().map(row).collect(),
        items,
        diff,
        staffing: session.actor.role == Role::StaffingOfficer,
    })
}

pub(super) async fn import(State(s): State<WebState>, f: CsrfUpload) -> Response {
    let lang = f.session.lang;
    let division = f.fields.get("division").cloned().unwrap_or_default();
    let note = f.fields.get("note").cloned().unwrap_or_default();
    let result = match DivisionCode::parse(&division) {
        Ok(code) => s
            .app
            .import_list(&f.session.actor, &code, f.file.as_deref().unwrap_or_default(), &note)
            .await
            .map(|v| v.id.0),
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(id) => axum::response::IntoResponse::into_response(axum::response::Redirect::to(&format!(
            "/lists?division={}&version={id}",
            urlencode(&division)
        ))),
        Err(e) => match form_error(lang, e) {
            Ok(msg) => {
                lists_page(&s, &f.session, ListsQuery { division: Some(division), ..Default::default() }, Some(msg))
                    .await
            }
            Err(e) => error_page(lang, e),
        },
    }
}

#[derive(Deserialize)]
pub(super) struct InheritForm {
    division: String,
}

/// A town's new draft from the county template in force.
pub(super) async fn inherit(State(s): State<WebState>, f: CsrfForm<InheritForm>) -> Response {
    let lang = f.session.lang;
    let division = f.form.division.clone();
    let result = match DivisionCode::parse(&division) {
        Ok(code) => s.app.inherit_list(&f.session.actor, &code).await.map(|v| v.id.0),
        Err(e) => Err(e.into()),
    };
    let next = format!("/lists?division={}&version={}", urlencode(&division), result.as_ref().copied().unwrap_or(0));
    let again = |msg| {
        lists_page(&s, &f.session, ListsQuery { division: Some(division.clone()), ..Default::default() }, Some(msg))
    };
    after_form(lang, result.map(|_| ()), &next, again).await
}

#[derive(Deserialize)]
pub(super) struct PublishForm {
    effective_from: String,
}

pub(super) async fn publish(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfForm<PublishForm>) -> Response {
    let lang: Lang = f.session.lang;
    let req = PublishRequest { effective_from: f.form.effective_from.clone() };
    let result = s.app.publish_list(&f.session.actor, VersionId(id), req).await;
    let division = result.as_ref().map(|v| v.division_code.clone()).unwrap_or_default();
    let next = format!("/lists?division={division}&version={id}");
    after_form(lang, result.map(|_| ()), &next, |msg| lists_page(&s, &f.session, ListsQuery::default(), Some(msg)))
        .await
}
