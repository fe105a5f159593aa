//! Pages of the shared concepts: login, home, divisions, bodies, users, tokens, password,
//! audit log, language switch.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use grassroots_app::core::bodies::{BodyQuery, NewBodyRequest};
use grassroots_app::core::divisions::DivisionQuery;
use grassroots_app::core::tokens::NewTokenRequest;
use grassroots_app::core::users::{NewUserRequest, UserQuery};
use grassroots_domain::core::body::{BodyId, BodyKind};
use grassroots_domain::core::division::DivisionCode;
use grassroots_domain::core::role::Role;
use grassroots_domain::core::time::display_local;
use grassroots_domain::core::user::{TokenId, UserId};
use grassroots_domain::page::PageRequest;
use serde::Deserialize;

use super::{Chrome, PageRoutes, error_page, pager, render};
use crate::auth::{
    ClientAddress, CsrfForm, LOGIN_CSRF_COOKIE, PageSession, SESSION_COOKIE, removal, same_secret, session_cookie,
};
use crate::error::ApiError;
use crate::i18n::{LANG_COOKIE, Lang};
use crate::state::WebState;

pub fn routes(r: PageRoutes) -> PageRoutes {
    r.public(Method::GET, "/login", login_form)
        .public(Method::POST, "/login", login)
        .public(Method::GET, "/lang", switch_lang)
        .route(Method::POST, "/logout", logout)
        .route(Method::GET, "/", home)
        .route(Method::GET, "/divisions", divisions_root)
        .route(Method::GET, "/divisions/{code}", division)
        .route(Method::GET, "/bodies", bodies)
        .route(Method::POST, "/bodies", create_body)
        .route(Method::GET, "/users", users)
        .route(Method::POST, "/users", create_user)
        .route(Method::POST, "/users/{id}/disable", disable_user)
        .route(Method::POST, "/users/{id}/enable", enable_user)
        .route(Method::GET, "/tokens", tokens)
        .route(Method::POST, "/tokens", create_token)
        .route(Method::POST, "/tokens/{id}/revoke", revoke_token)
        .route(Method::GET, "/password", password_form)
        .route(Method::POST, "/password", change_password)
        .route(Method::GET, "/audit", audit)
}

fn role_label(lang: Lang, r: Role) -> &'static str {
    match lang {
        Lang::Zh => r.label_zh(),
        Lang::En => r.label_en(),
    }
}

fn kind_label(lang: Lang, k: BodyKind) -> &'static str {
    match lang {
        Lang::Zh => k.label_zh(),
        Lang::En => k.label_en(),
    }
}

/// Only paths of this site may be a redirect target after login. Browsers drop tabs and
/// newlines from URLs and read a backslash as a slash, so `/<tab>/evil.example` would leave.
fn safe_next(next: &str) -> &str {
    let plain = next.chars().all(|c| !c.is_control() && !c.is_whitespace() && c != '\\');
    if plain && next.starts_with('/') && !next.starts_with("//") { next } else { "/" }
}

// ---- login ----

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    c: Chrome,
    next: String,
    username: String,
    expired: bool,
    error: Option<String>,
}

#[derive(Deserialize)]
struct LoginQuery {
    next: Option<String>,
    expired: Option<u8>,
}

async fn login_form(State(s): State<WebState>, jar: CookieJar, Query(q): Query<LoginQuery>) -> Response {
    let lang = Lang::from_jar(&jar);
    let token = grassroots_app::core::auth::new_csrf_token();
    let cookie = Cookie::build((LOGIN_CSRF_COOKIE, token.clone()))
        .http_only(true)
        .secure(s.secure_cookies)
        .same_site(SameSite::Strict)
        .path("/")
        .build();
    let page = LoginPage {
        c: Chrome::anonymous(lang, token),
        next: q.next.unwrap_or_else(|| "/".into()),
        username: String::new(),
        expired: q.expired.is_some(),
        error: None,
    };
    (jar.add(cookie), render(&page)).into_response()
}

#[derive(Deserialize)]
struct LoginForm {
    csrf: String,
    username: String,
    password: String,
    next: Option<String>,
}

async fn login(
    State(s): State<WebState>,
    ClientAddress(address): ClientAddress,
    jar: CookieJar,
    axum::Form(f): axum::Form<LoginForm>,
) -> Response {
    let lang = Lang::from_jar(&jar);
    let expected = jar.get(LOGIN_CSRF_COOKIE).map(|c| c.value().to_owned()).unwrap_or_default();
    if expected.is_empty() || !same_secret(&f.csrf, &expected) {
        return error_page(lang, ApiError::new(StatusCode::FORBIDDEN, "csrf_failed", "login form token mismatch"));
    }
    match s.app.login(&f.username, &f.password, &address).await {
        Ok(session) => {
            let cookie = session_cookie(session.secret, s.secure_cookies, s.app.settings.session_hours);
            let next = safe_next(f.next.as_deref().unwrap_or("/")).to_owned();
            (jar.add(cookie).remove(removal(LOGIN_CSRF_COOKIE)), Redirect::to(&next)).into_response()
        }
        Err(e) => {
            let e = ApiError::from(e);
            let page = LoginPage {
                c: Chrome::anonymous(lang, expected),
                next: f.next.unwrap_or_default(),
                username: f.username,
                expired: false,
                error: Some(super::super::i18n::error_message(lang, e.code).to_owned()),
            };
            (e.status, render(&page)).into_response()
        }
    }
}

#[derive(Deserialize)]
struct Empty {}

async fn logout(State(s): State<WebState>, jar: CookieJar, f: CsrfForm<Empty>) -> Response {
    let lang = f.session.lang;
    if let Err(e) = s.app.logout(&f.session.actor, &f.session.secret).await {
        return error_page(lang, e.into());
    }
    (jar.add(removal(SESSION_COOKIE)), Redirect::to("/login")).into_response()
}

#[derive(Deserialize)]
struct LangQuery {
    to: String,
}

async fn switch_lang(jar: CookieJar, headers: axum::http::HeaderMap, Query(q): Query<LangQuery>) -> Response {
    let value = if q.to == "en" { "en" } else { "zh" };
    let cookie = Cookie::build((LANG_COOKIE, value))
        .path("/")
        .same_site(SameSite::Lax)
        .max_age(time::Duration::days(365))
        .build();
    // Back to the page the switch was pressed on, if it was ours.
    let back = headers
        .get(axum::http::header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.find("://").and_then(|i| r[i + 3..].find('/').map(|j| r[i + 3 + j..].to_owned())))
        .unwrap_or_else(|| "/".into());
    (jar.add(cookie), Redirect::to(safe_next(&back))).into_response()
}

// ---- home ----

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    c: Chrome,
    display_name: String,
    role_label: &'static str,
    body_name: String,
    scope_code: String,
    scope_name: String,
    task: &'static str,
    calendar_note: String,
}

async fn home(State(s): State<WebState>, session: PageSession) -> Response {
    let a = &session.actor;
    let lang = session.lang;
    let body_name = match a.body_id {
        Some(id) => s.app.get_body(a, id).await.map(|b| b.name).unwrap_or_default(),
        None => String::new(),
    };
    let scope = match s.app.home_division(a).await {
        Ok(d) => d,
        Err(e) => return error_page(lang, e.into()),
    };
    let calendar_note = match s.app.calendar().years_covered() {
        Some((from, to)) => format!("{from}–{to}"),
        None => String::new(),
    };
    let task_key = format!("task.{}", a.role.as_str());
    render(&HomePage {
        c: Chrome::of(&session),
        display_name: a.display_name.clone(),
        role_label: role_label(lang, a.role),
        body_name,
        scope_code: scope.as_ref().map(|d| d.division.code.to_string()).unwrap_or_default(),
        scope_name: scope.map(|d| d.division.name).unwrap_or_default(),
        task: lang.t(&task_key),
        calendar_note,
    })
}

// ---- divisions ----

#[derive(Template)]
#[template(path = "divisions.html")]
struct DivisionsPage {
    c: Chrome,
    current: Option<CurrentDivision>,
    ancestors: Vec<(String, String)>,
    q: String,
    rows: Vec<(String, String, &'static str)>,
    page: PageInfo,
    pager: String,
}

struct CurrentDivision {
    code: String,
    name: String,
}

struct PageInfo {
    total: i64,
}

#[derive(Deserialize, Default)]
struct ListQuery {
    q: Option<String>,
    page: Option<u32>,
}

async fn divisions_root(State(s): State<WebState>, session: PageSession, Query(q): Query<ListQuery>) -> Response {
    if q.q.as_deref().unwrap_or("").is_empty() {
        return Redirect::to(&format!("/divisions/{}", session.actor.division_code)).into_response();
    }
    division_page(s, session, None, q).await
}

async fn division(
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

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)]).map(|e| e.trim_start_matches('=').to_owned()).unwrap_or_default()
}

// ---- bodies ----

#[derive(Template)]
#[template(path = "bodies.html")]
struct BodiesPage {
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

async fn bodies(State(s): State<WebState>, session: PageSession, Query(q): Query<ListQuery>) -> Response {
    bodies_page(&s, &session, q.page, None).await
}

#[derive(Deserialize)]
struct BodyForm {
    name: String,
    division_code: String,
    kind: String,
}

/// The message a failed form shows above it, in the visitor's language.
/// Bad input and conflicts are shown above the form; anything else is an error page.
fn form_error(lang: Lang, e: grassroots_app::AppError) -> Result<String, ApiError> {
    let e = ApiError::from(e);
    if matches!(e.code, "validation_failed" | "conflict") {
        let mut m = crate::i18n::error_message(lang, e.code).to_owned();
        if e.errors.is_empty() {
            m.push(' ');
            m.push_str(&e.detail);
        }
        for fe in &e.errors {
            m.push_str(&format!(" {}: {}.", fe.location, fe.message));
        }
        Ok(m)
    } else {
        Err(e)
    }
}

async fn create_body(State(s): State<WebState>, f: CsrfForm<BodyForm>) -> Response {
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
    match result {
        Ok(()) => Redirect::to("/bodies").into_response(),
        Err(e) => match form_error(session.lang, e) {
            Ok(msg) => bodies_page(&s, &session, None, Some(msg)).await,
            Err(e) => error_page(session.lang, e),
        },
    }
}

// ---- users ----

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    c: Chrome,
    error: Option<String>,
    total: i64,
    rows: Vec<UserRow>,
    roles: Vec<(&'static str, &'static str)>,
    bodies: Vec<(i64, String)>,
    pager: String,
}

struct UserRow {
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

async fn users(State(s): State<WebState>, session: PageSession, Query(q): Query<ListQuery>) -> Response {
    users_page(&s, &session, q.page, None).await
}

#[derive(Deserialize)]
struct UserForm {
    username: String,
    display_name: String,
    role: String,
    body_id: i64,
    password: String,
}

async fn create_user(State(s): State<WebState>, f: CsrfForm<UserForm>) -> Response {
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
    match result {
        Ok(()) => Redirect::to("/users").into_response(),
        Err(e) => match form_error(session.lang, e) {
            Ok(msg) => users_page(&s, &session, None, Some(msg)).await,
            Err(e) => error_page(session.lang, e),
        },
    }
}

async fn set_disabled(s: WebState, f: CsrfForm<Empty>, id: i64, disabled: bool) -> Response {
    match s.app.set_user_disabled(&f.session.actor, UserId(id), disabled).await {
        Ok(_) => Redirect::to("/users").into_response(),
        Err(e) => match form_error(f.session.lang, e) {
            Ok(msg) => users_page(&s, &f.session, None, Some(msg)).await,
            Err(e) => error_page(f.session.lang, e),
        },
    }
}

async fn disable_user(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfForm<Empty>) -> Response {
    set_disabled(s, f, id, true).await
}

async fn enable_user(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfForm<Empty>) -> Response {
    set_disabled(s, f, id, false).await
}

// ---- tokens ----

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    c: Chrome,
    error: Option<String>,
    secret: Option<String>,
    rows: Vec<TokenRow>,
}

struct TokenRow {
    id: i64,
    name: String,
    prefix: String,
    created: String,
    expires: String,
    last_used: String,
    revoked: bool,
}

async fn tokens_page(s: &WebState, session: &PageSession, secret: Option<String>, error: Option<String>) -> Response {
    let list = match s.app.list_tokens(&session.actor, PageRequest { page: 1, per_page: 200 }).await {
        Ok(l) => l,
        Err(e) => return error_page(session.lang, e.into()),
    };
    let show = |t: &Option<String>| t.as_deref().map(display_local).unwrap_or_else(|| "—".into());
    render(&TokensPage {
        c: Chrome::of(session),
        error,
        secret,
        rows: list
            .items
            .iter()
            .map(|t| TokenRow {
                id: t.id.0,
                name: t.name.clone(),
                prefix: t.prefix.clone(),
                created: display_local(&t.created_at),
                expires: show(&t.expires_at),
                last_used: show(&t.last_used_at),
                revoked: t.revoked_at.is_some(),
            })
            .collect(),
    })
}

async fn tokens(State(s): State<WebState>, session: PageSession) -> Response {
    tokens_page(&s, &session, None, None).await
}

#[derive(Deserialize)]
struct TokenForm {
    name: String,
    expires_in_days: Option<String>,
}

async fn create_token(State(s): State<WebState>, f: CsrfForm<TokenForm>) -> Response {
    let (session, form) = (f.session, f.form);
    let days = match form.expires_in_days.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => Ok(None),
        Some(d) => d.parse::<u32>().map(Some).map_err(|_| {
            grassroots_domain::ValidationError::new("expires_in_days", "invalid_number", "days must be a whole number")
                .into()
        }),
    };
    let result = match days {
        Ok(expires_in_days) => {
            s.app.create_token(&session.actor, NewTokenRequest { name: form.name, expires_in_days }).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(created) => tokens_page(&s, &session, Some(created.secret), None).await,
        Err(e) => match form_error(session.lang, e) {
            Ok(msg) => tokens_page(&s, &session, None, Some(msg)).await,
            Err(e) => error_page(session.lang, e),
        },
    }
}

async fn revoke_token(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfForm<Empty>) -> Response {
    match s.app.revoke_token(&f.session.actor, TokenId(id)).await {
        Ok(_) => Redirect::to("/tokens").into_response(),
        Err(e) => match form_error(f.session.lang, e) {
            Ok(msg) => tokens_page(&s, &f.session, None, Some(msg)).await,
            Err(e) => error_page(f.session.lang, e),
        },
    }
}

// ---- password ----

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    c: Chrome,
    error: Option<String>,
    done: bool,
}

async fn password_form(session: PageSession) -> Response {
    render(&PasswordPage { c: Chrome::of(&session), error: None, done: false })
}

#[derive(Deserialize)]
struct PasswordForm {
    current_password: String,
    new_password: String,
}

async fn change_password(State(s): State<WebState>, f: CsrfForm<PasswordForm>) -> Response {
    let (session, form) = (f.session, f.form);
    match s.app.change_password(&session.actor, &form.current_password, &form.new_password, Some(&session.secret)).await
    {
        Ok(()) => render(&PasswordPage { c: Chrome::of(&session), error: None, done: true }),
        Err(e) => match form_error(session.lang, e) {
            Ok(msg) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&PasswordPage { c: Chrome::of(&session), error: Some(msg), done: false }),
            )
                .into_response(),
            Err(e) => error_page(session.lang, e),
        },
    }
}

// ---- audit ----

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    c: Chrome,
    total: i64,
    rows: Vec<(i64, String, String, String, String)>,
    pager: String,
}

async fn audit(State(s): State<WebState>, session: PageSession, Query(q): Query<ListQuery>) -> Response {
    let lang = session.lang;
    let page = PageRequest::from_parts(q.page, Some(50));
    let list = match s.app.list_audit(&session.actor, page).await {
        Ok(l) => l,
        Err(e) => return error_page(lang, e.into()),
    };
    render(&AuditPage {
        c: Chrome::of(&session),
        total: list.total,
        rows: list
            .items
            .iter()
            .map(|r| {
                let e = &r.entry;
                (
                    e.seq,
                    display_local(&e.at),
                    e.actor.clone(),
                    e.action.clone(),
                    format!("{} {}", e.object_type, e.object_id),
                )
            })
            .collect(),
        pager: pager(lang, "/audit", list.page, list.per_page, list.total),
    })
}
