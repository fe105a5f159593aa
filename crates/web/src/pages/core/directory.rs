//! The directory of one's scope: divisions, bodies and users.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use grassroots_app::core::bodies::{BodyQuery, NewBodyRequest};
use grassroots_app::core::divisions::DivisionQuery;
use grassroots_app::core::users::{NewUserRequest, UserQuery};
use grassroots_domain::core::body::{BodyId, BodyKind};
use grassroots_domain::core::division::DivisionCode;
use grassroots_domain::core::role::Role;
use grassroots_domain::core::user::UserId;
use serde::Deserialize;

use super::{kind_label, role_label};
use crate::auth::{CsrfForm, PageSession};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::pages::{Chrome, Empty, ListQuery, after_form, error_page, pager, render, urlencode};
use crate::state::WebState;

// ---- divisions ----

#[derive(Template)]
#[template(path = "divisions.html")]
pub(super) struct DivisionsPage {
    c: Chrome,
    current: Option<CurrentDivision>,
    ancestors: Vec<(String, String)>,
    q: String,
    rows: Vec<(String, String, &'static str)>,
    page: PageInfo,
    pager: String,
}

pub(super) struct CurrentDivision {
    code: String,
    name: String,
}

pub(super) struct PageInfo {
    total: i64,
}

pub(super) async fn divisions_root(
    State(s): State<WebState>,
    session: PageSession,
    Query(q): Query<ListQuery>,
) -> Response {
    if q.q.as_deref().unwrap_or("").is_empty() {
        return Redirect::to(&format!("/divisions/{}", session.actor.division_code)).into_response();
    }
    division_page(s, session, None, q).await
}

pub(super) async fn division(
    State(s): State<WebState>,
    session: PageSession,
    Path(code): Path<String>,
    Query(q): Query<ListQuery>,
) -> Response {
    match DivisionCode::parse(&code) {
        Ok(code) => division_page(s, session, Some(code), q).await,
        Err(_) => error_page(session.lang, ApiError::new(StatusCode::NOT_FOUND, "not_found", "not found")),
    }
}

async fn division_page(s: WebState, session: PageSession, code: Option<DivisionCode>, q: ListQuery) -> Response {
    let lang = session.lang;
    let a = &session.actor;
    let search = q.q.clone().unwrap_or_default();
    let page_no = q.page.unwrap_or(1);
    let result = async {
        let current = match &code {
            Some(c) => Some(s.app.get_division(a, c).await?),
            None => None,
        };
        let ancestors = match &code {
            Some(c) => s.app.division_ancestors(a, c).await?,
            None => vec![],
        };
        let query = DivisionQuery {
            parent: if search.is_empty() { code.clone() } else { None },
            q: Some(search.clone()).filter(|s| !s.is_empty()),
            page: Some(page_no),
            per_page: Some(50),
            ..Default::default()
        };
        let list = match &code {
            Some(c) => s.app.division_subtree(a, c, query).await?,
            None => s.app.list_divisions(a, query).await?,
        };
        Ok::<_, grassroots_app::AppError>((current, ancestors, list))
    }
    .await;
    let (current, ancestors, list) = match result {
        Ok(r) => r,
        Err(e) => return error_page(lang, e.into()),
    };
    let base = match &code {
        Some(c) => format!("/divisions/{c}?q={}", urlencode(&search)),
        None => format!("/divisions?q={}", urlencode(&search)),
    };
    render(&DivisionsPage {
        c: Chrome::of(&session),
        current: current.map(|d| CurrentDivision { code: d.division.code.to_string(), name: d.division.name }),
        ancestors: ancestors.into_iter().map(|d| (d.division.code.to_string(), d.division.name)).collect(),
        q: search,
        rows: list
            .items
            .iter()
            .map(|d| {
                let level = if lang == Lang::Zh { d.division.level.label_zh() } else { d.division.level.as_str() };
                (d.division.code.to_string(), d.division.name.clone(), level)
            })
            .collect(),
        pager: pager(lang, &base, list.page, list.per_page, list.total),
        page: PageInfo { total: list.total },
    })
}

// ---- bodies ----

#[derive(Template)]
#[template(path = "bodies.html")]
pub(super) struct BodiesPage {
    c: Chrome,
    error: Option<String>,
    total: i64,
    rows: Vec<(String, &'static str, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    pager: String,
}

async fn bodies_page(s: &WebState, session: &PageSession, page: Option<u32>, error: Option<String>) -> Response {
    let lang = session.lang;
    let q = BodyQuery { page, per_page: Some(50), ..Default::default() };
    let list = match s.app.list_bodies(&session.actor, q).await {
        Ok(l) => l,
        Err(e) => return error_page(lang, e.into()),
    };
    render(&BodiesPage {
        c: Chrome::of(session),
        error,
        total: list.total,
        rows: list
            .items
            .iter()
            .map(|b| (b.name.clone(), kind_label(lang, b.kind), b.division_code.to_string()))
            .collect(),
        kinds: BodyKind::ALL.iter().map(|k| (k.as_str(), kind_label(lang, *k))).collect(),
        pager: pager(lang, "/bodies", list.page, list.per_page, list.total),
    })
}

pub(super) async fn bodies(State(s): State<WebState>, session: PageSession, Query(q): Query<ListQuery>) -> Response {
    bodies_page(&s, &session, q.page, None).await
}

#[derive(Deserialize)]
pub(super) struct BodyForm {
    name: String,
    division_code: String,
    kind: String,
}

pub(super) async fn create_body(State(s): State<WebState>, f: CsrfForm<BodyForm>) -> Response {
    let (session, form) = (f.session, f.form);
    let parsed = (|| {
        Ok::<_, grassroots_domain::ValidationError>(NewBodyRequest {
            division_code: DivisionCode::parse(&form.division_code)?,
            kind: form.kind.parse()?,
            name: form.name.clone(),
        })
    })();
    let result = match parsed {
        Ok(req) => s.app.add_body(&session.actor, req).await.map(|_| ()),
        Err(e) => Err(e.into()),
    };
    after_form(session.lang, result, "/bodies", |msg| bodies_page(&s, &session, None, Some(msg))).await
}

// ---- users ----

#[derive(Template)]
#[template(path = "users.html")]
pub(super) struct UsersPage {
    c: Chrome,
    error: Option<String>,
    total: i64,
    rows: Vec<UserRow>,
    roles: Vec<(&'static str, &'static str)>,
    bodies: Vec<(i64, String)>,
    pager: String,
}

pub(super) struct UserRow {
    id: i64,
    username: String,
    display_name: String,
    role: &'static str,
    disabled: bool,
}

async fn users_page(s: &WebState, session: &PageSession, page: Option<u32>, error: Option<String>) -> Response {
    let lang = session.lang;
    let a = &session.actor;
    let list = match s.app.list_users(a, UserQuery { page, per_page: Some(50), ..Default::default() }).await {
        Ok(l) => l,
        Err(e) => return error_page(lang, e.into()),
    };
    let bodies = if a.role == Role::Admin {
        match s.app.list_bodies(a, BodyQuery { per_page: Some(200), ..Default::default() }).await {
            Ok(b) => b.items.into_iter().map(|b| (b.id.0, b.name)).collect(),
            Err(e) => return error_page(lang, e.into()),
        }
    } else {
        vec![]
    };
    render(&UsersPage {
        c: Chrome::of(session),
        error,
        total: list.total,
        rows: list
            .items
            .iter()
            .map(|u| UserRow {
                id: u.id.0,
                username: u.username.to_string(),
                display_name: u.display_name.clone(),
                role: role_label(lang, u.role),
                disabled: u.disabled_at.is_some(),
            })
            .collect(),
        roles: Role::ALL.iter().map(|r| (r.as_str(), role_label(lang, *r))).collect(),
        bodies,
        pager: pager(lang, "/users", list.page, list.per_page, list.total),
    })
}

pub(super) async fn users(State(s): State<WebState>, session: PageSession, Query(q): Query<ListQuery>) -> Response {
    users_page(&s, &session, q.page, None).await
}

#[derive(Deserialize)]
pub(super) struct UserForm {
    username: String,
    display_name: String,
    role: String,
    body_id: i64,
    password: String,
}

pub(super) async fn create_user(State(s): State<WebState>, f: CsrfForm<UserForm>) -> Response {
    let (session, form) = (f.session, f.form);
    let result = match form.role.parse::<Role>() {
        Ok(role) => s
            .app
            .add_user(
                &session.actor,
                NewUserRequest {
                    username: form.username,
                    display_name: form.display_name,
                    role,
                    body_id: BodyId(form.body_id),
                    password: form.password,
                },
            )
            .await
            .map(|_| ()),
        Err(e) => Err(e.into()),
    };
    after_form(session.lang, result, "/users", |msg| users_page(&s, &session, None, Some(msg))).await
}

async fn set_disabled(s: WebState, f: CsrfForm<Empty>, id: i64, disabled: bool) -> Response {
    let result = s.app.set_user_disabled(&f.session.actor, UserId(id), disabled).await.map(|_| ());
    after_form(f.session.lang, result, "/users", |msg| users_page(&s, &f.session, None, Some(msg))).await
}

pub(super) async fn disable_user(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfForm<Empty>) -> Response {
    set_disabled(s, f, id, true).await
}

pub(super) async fn enable_user(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfForm<Empty>) -> Response {
    set_disabled(s, f, id, false).await
}
