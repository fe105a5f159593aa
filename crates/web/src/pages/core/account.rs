//! One's own account: API tokens and password.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use grassroots_app::core::tokens::NewTokenRequest;
use grassroots_domain::core::time::display_local;
use grassroots_domain::core::user::TokenId;
use grassroots_domain::page::PageRequest;
use serde::Deserialize;

use crate::auth::{CsrfForm, PageSession};
use crate::pages::{Chrome, Empty, after_form, error_page, form_error, render};
use crate::state::WebState;

// ---- tokens ----

#[derive(Template)]
#[template(path = "tokens.html")]
pub(super) struct TokensPage {
    c: Chrome,
    error: Option<String>,
    secret: Option<String>,
    rows: Vec<TokenRow>,
}

pub(super) struct TokenRow {
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

pub(super) async fn tokens(State(s): State<WebState>, session: PageSession) -> Response {
    tokens_page(&s, &session, None, None).await
}

#[derive(Deserialize)]
pub(super) struct TokenForm {
    name: String,
    expires_in_days: Option<String>,
}

pub(super) async fn create_token(State(s): State<WebState>, f: CsrfForm<TokenForm>) -> Response {
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

pub(super) async fn revoke_token(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfForm<Empty>) -> Response {
    let result = s.app.revoke_token(&f.session.actor, TokenId(id)).await.map(|_| ());
    after_form(f.session.lang, result, "/tokens", |msg| tokens_page(&s, &f.session, None, Some(msg))).await
}

// ---- password ----

#[derive(Template)]
#[template(path = "password.html")]
pub(super) struct PasswordPage {
    c: Chrome,
    error: Option<String>,
    done: bool,
}

pub(super) async fn password_form(session: PageSession) -> Response {
    render(&PasswordPage { c: Chrome::of(&session), error: None, done: false })
}

#[derive(Deserialize)]
pub(super) struct PasswordForm {
    current_password: String,
    new_password: String,
}

pub(super) async fn change_password(State(s): State<WebState>, f: CsrfForm<PasswordForm>) -> Response {
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
