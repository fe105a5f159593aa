//! The catalog of matters, filtered, with export links and the import form.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use grassroots_app::empowerment::catalog::Filter;
use grassroots_domain::core::role::Role;
use grassroots_domain::empowerment::{PowerType, Risk};
use grassroots_domain::page::PageRequest;
use serde::Deserialize;

use super::county_of;
use crate::auth::{CsrfUpload, PageSession};
use crate::pages::{Chrome, error_page, form_error, pager, render, urlencode};
use crate::state::WebState;

#[derive(Template)]
#[template(path = "catalog.html")]
pub(super) struct CatalogPage {
    c: Chrome,
    error: Option<String>,
    notice: Option<String>,
    county: String,
    types: Vec<(&'static str, &'static str)>,
    risks: Vec<(&'static str, &'static str)>,
    departments: Vec<String>,
    q: CatalogQuery,
    total: i64,
    rows: Vec<MatterRow>,
    pager: String,
    staffing: bool,
}

pub(super) struct MatterRow {
    code: String,
    name: String,
    power_type: &'static str,
    department: String,
    legal_basis: String,
    requirements: String,
    risk: &'static str,
}

#[derive(Deserialize, Default)]
pub(super) struct CatalogQuery {
    county: Option<String>,
    power_type: Option<String>,
    department: Option<String>,
    risk: Option<String>,
    q: Option<String>,
    page: Option<u32>,
    /// After an import: how many matters were added and updated.
    inserted: Option<usize>,
    updated: Option<usize>,
}

impl CatalogQuery {
    fn text(v: &Option<String>) -> &str {
        v.as_deref().unwrap_or("")
    }
    fn power_type(&self) -> &str {
        Self::text(&self.power_type)
    }
    fn department(&self) -> &str {
        Self::text(&self.department)
    }
    fn risk(&self) -> &str {
        Self::text(&self.risk)
    }
    fn search(&self) -> &str {
        Self::text(&self.q)
    }
}

pub(super) async fn catalog(
    State(s): State<WebState>,
    session: PageSession,
    Query(q): Query<CatalogQuery>,
) -> Response {
    catalog_page(&s, &session, q, None).await
}

async fn catalog_page(s: &WebState, session: &PageSession, q: CatalogQuery, error: Option<String>) -> Response {
    let lang = session.lang;
    let county = county_of(session, q.county.as_deref());
    let filter = Filter {
        power_type: q.power_type().to_owned(),
        department: q.department().to_owned(),
        risk: q.risk().to_owned(),
        q: q.search().to_owned(),
    };
    let page = PageRequest::from_parts(q.page, Some(50));
    let result = async {
        let list = s.app.list_catalog(&session.actor, &county, &filter, page).await?;
        let departments = s.app.catalog_departments(&session.actor, &county).await?;
        Ok::<_, grassroots_app::AppError>((list, departments))
    }
    .await;
    let (list, departments) = match result {
        Ok(r) => r,
        Err(e) => return error_page(lang, e.into()),
    };
    let base = format!(
        "/catalog?county={}&power_type={}&department={}&risk={}&q={}",
        urlencode(&county),
        urlencode(&filter.power_type),
        urlencode(&filter.department),
        urlencode(&filter.risk),
        urlencode(&filter.q)
    );
    let rows = list
        .items
        .iter()
        .map(|m| MatterRow {
            code: m.matter.code.clone(),
            name: m.matter.name.clone(),
            power_type: m.matter.power_type.label(lang.zh()),
            department: m.matter.department.clone(),
            legal_basis: m.matter.legal_basis.clone(),
            requirements: m.matter.requirements.clone(),
            risk: m.matter.risk.label(lang.zh()),
        })
        .collect();
    render(&CatalogPage {
        c: Chrome::of(session),
        error,
        notice: q.inserted.zip(q.updated).map(|(i, u)| {
            format!("{} {i} · {} {u}", lang.pick("导入完成：新增", "Imported: added"), lang.pick("更新", "updated"))
        }),
        county,
        types: PowerType::ALL.iter().map(|t| (t.as_str(), t.label(lang.zh()))).collect(),
        risks: Risk::ALL.iter().map(|r| (r.as_str(), r.label(lang.zh()))).collect(),
        departments,
        total: list.total,
        rows,
        pager: pager(lang, &base, page.page, page.per_page, list.total),
        staffing: session.actor.role == Role::StaffingOfficer,
        q,
    })
}

pub(super) async fn import(State(s): State<WebState>, f: CsrfUpload) -> Response {
    let lang = f.session.lang;
    let county = county_of(&f.session, f.fields.get("county").map(String::as_str));
    let data = f.file.as_deref().unwrap_or_default();
    match s.app.import_catalog(&f.session.actor, &county, data).await {
        Ok(r) => Redirect::to(&format!(
            "/catalog?county={}&inserted={}&updated={}",
            urlencode(&county),
            r.inserted,
            r.updated
        ))
        .into_response(),
        Err(e) => match form_error(lang, e) {
            Ok(msg) => {
                let q = CatalogQuery { county: Some(county), ..Default::default() };
                catalog_page(&s, &f.session, q, Some(msg)).await
            }
            Err(e) => error_page(lang, e),
        },
    }
}
