//! Login, logout, the language switch and the home page of each role.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use serde::Deserialize;

use super::role_label;
use crate::auth::{
    ClientAddress, CsrfForm, LOGIN_CSRF_COOKIE, PageSession, SESSION_COOKIE, anonymous_form_token, removal,
    same_secret, session_cookie,
};
use crate::error::ApiError;
use crate::i18n::{LANG_COOKIE, Lang};
use crate::pages::{Chrome, Empty, error_page, render};
use crate::state::WebState;

/// Only paths of this site may be a redirect target after login. Browsers drop tabs and
/// newlines from URLs and read a backslash as a slash, so `/<tab>/evil.example` would leave.
fn safe_next(next: &str) -> &str {
    let plain = next.chars().all(|c| !c.is_control() && !c.is_whitespace() && c != '\\');
    if plain && next.starts_with('/') && !next.starts_with("//") { next } else { "/" }
}

// ---- login ----

#[derive(Template)]
#[template(path = "login.html")]
pub(super) struct LoginPage {
    c: Chrome,
    next: String,
    username: String,
    expired: bool,
    error: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct LoginQuery {
    next: Option<String>,
    expired: Option<u8>,
}

pub(super) async fn login_form(State(s): State<WebState>, jar: CookieJar, Query(q): Query<LoginQuery>) -> Response {
    let lang = Lang::from_jar(&jar);
    let (token, cookie) = anonymous_form_token(s.secure_cookies);
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
pub(super) struct LoginForm {
    csrf: String,
    username: String,
    password: String,
    next: Option<String>,
}

pub(super) async fn login(
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
                error: Some(crate::i18n::error_message(lang, e.code).to_owned()),
            };
            (e.status, render(&page)).into_response()
        }
    }
}

pub(super) async fn logout(State(s): State<WebState>, jar: CookieJar, f: CsrfForm<Empty>) -> Response {
    let lang = f.session.lang;
    if let Err(e) = s.app.logout(&f.session.actor, &f.session.secret).await {
        return error_page(lang, e.into());
    }
    (jar.add(removal(SESSION_COOKIE)), Redirect::to("/login")).into_response()
}

#[derive(Deserialize)]
pub(super) struct LangQuery {
    to: String,
}

pub(super) async fn switch_lang(
    jar: CookieJar,
    headers: axum::http::HeaderMap,
    Query(q): Query<LangQuery>,
) -> Response {
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
pub(super) struct HomePage {
    c: Chrome,
    display_name: String,
    role_label: &'static str,
    body_name: String,
    scope_code: String,
    scope_name: String,
    task: &'static str,
    calendar_note: String,
}

pub(super) async fn home(State(s): State<WebState>, session: PageSession) -> Response {
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
        Some((from, to)) if lang == Lang::Zh => format!("已载入 {from}–{to} 年。"),
        Some((from, to)) => format!("Loaded for {from}–{to}."),
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
