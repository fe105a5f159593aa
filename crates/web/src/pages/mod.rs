//! Server-rendered pages: plain HTML forms, no client-side framework, a few kilobytes each
//! so they load on a weak rural connection and work on a phone.

pub mod admission;
pub mod chart;
pub mod command;
pub mod core;
pub mod empowerment;
pub mod enforcement;
pub mod income;
pub mod indicators;
pub mod inspection;
pub mod petition;
pub mod restructuring;
pub mod warning;

use askama::Template;
use axum::handler::Handler;
use axum::http::{Method, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, on};
use serde::Deserialize;

use crate::Surface;
use crate::auth::PageSession;
use crate::error::ApiError;
use crate::i18n::{Lang, error_message};
use crate::state::WebState;

/// What every page's frame needs: language, who is logged in, the CSRF token.
pub struct Chrome {
    pub lang: Lang,
    pub user: Option<String>,
    pub csrf: String,
    pub admin: bool,
}

impl Chrome {
    pub fn of(s: &PageSession) -> Self {
        Self {
            lang: s.lang,
            user: Some(s.actor.display_name.clone()),
            csrf: s.csrf_token.clone(),
            admin: s.actor.role == grassroots_domain::core::role::Role::Admin,
        }
    }
    pub fn anonymous(lang: Lang, csrf: String) -> Self {
        Self { lang, user: None, csrf, admin: false }
    }
}

pub fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    c: Chrome,
    code: String,
    message: String,
}

/// An error as a page, in the visitor's language, with the details of bad input.
pub fn error_page(lang: Lang, e: ApiError) -> Response {
    let mut message = error_message(lang, e.code).to_owned();
    for fe in &e.errors {
        message.push(' ');
        message.push_str(&crate::i18n::field_error(lang, fe));
    }
    if e.errors.is_empty() && matches!(e.code, "conflict" | "invalid_form") {
        message.push(' ');
        message.push_str(&e.detail);
    }
    let page = ErrorPage { c: Chrome::anonymous(lang, String::new()), code: e.code.to_owned(), message };
    (e.status, render(&page)).into_response()
}

/// Links to the previous and next page of a list, keeping the other query parameters.
pub fn pager(lang: Lang, base: &str, page: u32, per_page: u32, total: i64) -> String {
    let mut out = String::from("<p>");
    let sep = if base.contains('?') { '&' } else { '?' };
    if page > 1 {
        out.push_str(&format!("<a href=\"{base}{sep}page={}\">{}</a> ", page - 1, lang.t("prev")));
    }
    if i64::from(page) * i64::from(per_page) < total {
        out.push_str(&format!("<a href=\"{base}{sep}page={}\">{}</a>", page + 1, lang.t("next")));
    }
    out.push_str("</p>");
    out
}

/// A form with no fields but the CSRF token.
#[derive(Deserialize)]
pub struct Empty {}

/// Search and page of a list page.
#[derive(Deserialize, Default)]
pub struct ListQuery {
    pub q: Option<String>,
    pub page: Option<u32>,
}

/// After a form: on success, on to `next`; on bad input or a conflict, the page again with
/// the message above its form; on anything else, an error page.
pub async fn after_form<F: Future<Output = Response>>(
    lang: Lang,
    result: Result<(), grassroots_app::AppError>,
    next: &str,
    again: impl FnOnce(String) -> F,
) -> Response {
    match result {
        Ok(()) => Redirect::to(next).into_response(),
        Err(e) => match form_error(lang, e) {
            Ok(msg) => again(msg).await,
            Err(e) => error_page(lang, e),
        },
    }
}

/// Bad input and conflicts are shown above the form; anything else is an error page.
pub fn form_error(lang: Lang, e: grassroots_app::AppError) -> Result<String, ApiError> {
    let e = ApiError::from(e);
    if matches!(e.code, "validation_failed" | "conflict") {
        let mut m = crate::i18n::error_message(lang, e.code).to_owned();
        if e.errors.is_empty() {
            m.push(' ');
            m.push_str(&e.detail);
        }
        for fe in &e.errors {
            m.push(' ');
            m.push_str(&crate::i18n::field_error(lang, fe));
        }
        Ok(m)
    } else {
        Err(e)
    }
}

/// (code, name) of the towns of the actor's scope.
pub async fn towns_in_scope(
    s: &WebState,
    session: &PageSession,
) -> Result<Vec<(String, String)>, grassroots_app::AppError> {
    use grassroots_app::core::divisions::DivisionQuery;
    use grassroots_domain::core::division::Level;
    let q = DivisionQuery { level: Some(Level::Town), per_page: Some(200), ..Default::default() };
    Ok(s.app
        .list_divisions(&session.actor, q)
        .await?
        .items
        .into_iter()
        .map(|d| (d.division.code.to_string(), d.division.name))
        .collect())
}

/// The (name, label) of each value of an enum, for a select.
pub fn pairs<T: Copy>(all: &[T], f: impl Fn(T) -> (&'static str, &'static str)) -> Vec<(&'static str, &'static str)> {
    all.iter().map(|v| f(*v)).collect()
}

pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)]).map(|e| e.trim_start_matches('=').to_owned()).unwrap_or_default()
}

/// Routes outside the API, recorded as they are added so tests can enumerate every one.
pub struct PageRoutes {
    pub router: axum::Router<WebState>,
    pub table: Vec<(Method, &'static str, Surface)>,
}

impl PageRoutes {
    pub fn new() -> Self {
        Self { router: axum::Router::new(), table: Vec::new() }
    }

    /// A page for logged-in users.
    pub fn route<H: Handler<T, WebState>, T: 'static>(self, method: Method, path: &'static str, handler: H) -> Self {
        self.add(method, path, handler, Surface::Page)
    }

    /// A page form that carries a file attached to a record: the body may be as large as
    /// the largest such file, and a little more for the form around it.
    pub fn upload<H: Handler<T, WebState>, T: 'static>(mut self, path: &'static str, handler: H) -> Self {
        let limit = grassroots_domain::command::MAX_ATTACHMENT_BYTES + crate::FORM_LIMIT;
        let mr: MethodRouter<WebState> =
            axum::routing::post(handler).layer(axum::extract::DefaultBodyLimit::max(limit));
        self.router = self.router.route(path, mr);
        self.table.push((Method::POST, path, Surface::Page));
        self
    }

    /// A route anyone may use: login, health, metrics.
    pub fn public<H: Handler<T, WebState>, T: 'static>(self, method: Method, path: &'static str, handler: H) -> Self {
        self.add(method, path, handler, Surface::Public)
    }

    fn add<H: Handler<T, WebState>, T: 'static>(
        mut self,
        method: Method,
        path: &'static str,
        handler: H,
        surface: Surface,
    ) -> Self {
        let filter = axum::routing::MethodFilter::try_from(method.clone()).unwrap_or(axum::routing::MethodFilter::GET);
        let mr: MethodRouter<WebState> = on(filter, handler);
        self.router = self.router.route(path, mr);
        self.table.push((method, path, surface));
        self
    }
}

impl Default for PageRoutes {
    fn default() -> Self {
        Self::new()
    }
}
