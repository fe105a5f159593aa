//! Pages of the shared concepts: login, home, divisions, bodies, users, tokens, password,
//! audit log, language switch.

mod account;
mod audit;
mod directory;
mod session;

use axum::http::Method;
use axum::response::{IntoResponse, Redirect, Response};
use grassroots_domain::core::body::BodyKind;
use grassroots_domain::core::role::Role;
use serde::Deserialize;

use crate::error::ApiError;
use crate::i18n::Lang;
use crate::pages::PageRoutes;

pub fn routes(r: PageRoutes) -> PageRoutes {
    r.public(Method::GET, "/login", session::login_form)
        .public(Method::POST, "/login", session::login)
        .public(Method::GET, "/lang", session::switch_lang)
        .route(Method::POST, "/logout", session::logout)
        .route(Method::GET, "/", session::home)
        .route(Method::GET, "/divisions", directory::divisions_root)
        .route(Method::GET, "/divisions/{code}", directory::division)
        .route(Method::GET, "/bodies", directory::bodies)
        .route(Method::POST, "/bodies", directory::create_body)
        .route(Method::GET, "/users", directory::users)
        .route(Method::POST, "/users", directory::create_user)
        .route(Method::POST, "/users/{id}/disable", directory::disable_user)
        .route(Method::POST, "/users/{id}/enable", directory::enable_user)
        .route(Method::GET, "/tokens", account::tokens)
        .route(Method::POST, "/tokens", account::create_token)
        .route(Method::POST, "/tokens/{id}/revoke", account::revoke_token)
        .route(Method::GET, "/password", account::password_form)
        .route(Method::POST, "/password", account::change_password)
        .route(Method::GET, "/audit", audit::audit)
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

/// A form with no fields but the CSRF token.
#[derive(Deserialize)]
pub(super) struct Empty {}

/// Search and page of a list page.
#[derive(Deserialize, Default)]
pub(super) struct ListQuery {
    q: Option<String>,
    page: Option<u32>,
}

/// The message a failed form shows above it, in the visitor's language.
/// After a form: on success, on to `next`; on bad input or a conflict, the page again with
/// the message above its form; on anything else, an error page.
async fn after_form<F: Future<Output = Response>>(
    lang: Lang,
    result: Result<(), grassroots_app::AppError>,
    next: &str,
    again: impl FnOnce(String) -> F,
) -> Response {
    match result {
        Ok(()) => Redirect::to(next).into_response(),
        Err(e) => match form_error(lang, e) {
            Ok(msg) => again(msg).await,
            Err(e) => crate::pages::error_page(lang, e),
        },
    }
}

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
            m.push(' ');
            m.push_str(&crate::i18n::field_error(lang, fe));
        }
        Ok(m)
    } else {
        Err(e)
    }
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)]).map(|e| e.trim_start_matches('=').to_owned()).unwrap_or_default()
}
