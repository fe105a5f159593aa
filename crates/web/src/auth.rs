//! Who is calling: an API token (`Authorization: Bearer`), or a session cookie. Cookie
//! callers must prove on every state-changing request that they came from our own page:
//! forms carry the session's CSRF token, API calls send it as `X-CSRF-Token`.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use grassroots_app::Actor;
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::i18n::Lang;
use crate::state::WebState;

pub const SESSION_COOKIE: &str = "gr_session";
/// Double-submit token for the login form, before any session exists.
pub const LOGIN_CSRF_COOKIE: &str = "gr_login_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";
pub const CSRF_FIELD: &str = "csrf";

/// Comparison whose time does not depend on where the strings differ.
/// A form token for a visitor without a session (the login form, the public's forms) and
/// the cookie that carries it; the post must send both.
pub fn anonymous_form_token(secure: bool) -> (String, Cookie<'static>) {
    let token = grassroots_app::core::auth::new_csrf_token();
    let cookie = Cookie::build((LOGIN_CSRF_COOKIE, token.clone()))
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .path("/")
        .build();
    (token, cookie)
}

pub fn same_secret(a: &str, b: &str) -> bool {
    grassroots_app::core::auth::same_bytes(a.as_bytes(), b.as_bytes())
}

pub fn session_cookie(secret: String, secure: bool, max_age_hours: i64) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, secret))
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .path("/")
        .max_age(time::Duration::hours(max_age_hours))
        .build()
}

pub fn removal(name: &'static str) -> Cookie<'static> {
    Cookie::build((name, "")).path("/").max_age(time::Duration::ZERO).build()
}

fn bearer(parts: &Parts) -> Option<&str> {
    parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

/// The client's address, for login throttling: the peer of the connection, or — behind a
/// reverse proxy that the configuration trusts — the address the proxy appended last to
/// `X-Forwarded-For`. `unknown` when neither is known (in-process tests).
pub struct ClientAddress(pub String);

impl FromRequestParts<WebState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Self::Rejection> {
        let forwarded = || {
            let v = parts.headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).next_back()?;
            v.rsplit(',').next().map(|a| a.trim().to_owned()).filter(|a| !a.is_empty())
        };
        let peer =
            || parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|a| a.0.ip().to_string());
        let addr = if state.behind_proxy { forwarded().or_else(peer) } else { peer() };
        Ok(ClientAddress(addr.unwrap_or_else(|| "unknown".into())))
    }
}

/// The caller of an API route.
pub struct ApiActor(pub Actor);

impl FromRequestParts<WebState> for ApiActor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Self::Rejection> {
        if let Some(token) = bearer(parts) {
            return match state.app.authenticate_token(token).await? {
                Some(actor) => Ok(ApiActor(actor)),
                None => Err(ApiError::unauthorized("invalid_token", "the API token is unknown, revoked or expired")),
            };
        }
        let jar = CookieJar::from_headers(&parts.headers);
        let Some(secret) = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()) else {
            return Err(ApiError::unauthorized(
                "unauthorized",
                "log in or send an API token as “Authorization: Bearer …”",
            ));
        };
        let Some(session) = state.app.session(&secret).await? else {
            return Err(ApiError::unauthorized("session_expired", "the session has expired; log in again"));
        };
        if !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
            if !same_secret(sent, &session.csrf_token) {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "csrf_failed",
                    "missing or wrong X-CSRF-Token header",
                ));
            }
        }
        Ok(ApiActor(session.actor))
    }
}

/// A logged-in page visitor. Without a live session the visitor is sent to the login page.
pub struct PageSession {
    pub actor: Actor,
    pub csrf_token: String,
    pub secret: String,
    pub lang: Lang,
}

impl FromRequestParts<WebState> for PageSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let lang = Lang::from_jar(&jar);
        let back = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
        let to_login = |expired: bool| {
            let next = serde_urlencoded::to_string([("next", back)]).unwrap_or_default();
            let flag = if expired { "&expired=1" } else { "" };
            Redirect::to(&format!("/login?{next}{flag}")).into_response()
        };
        let Some(secret) = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()) else { return Err(to_login(false)) };
        match state.app.session(&secret).await {
            Ok(Some(s)) => Ok(PageSession { actor: s.actor, csrf_token: s.csrf_token, secret, lang }),
            Ok(None) => Err((jar.add(removal(SESSION_COOKIE)), to_login(true)).into_response()),
            Err(e) => Err(crate::pages::error_page(lang, e.into())),
        }
    }
}

impl PageSession {
    /// A form's CSRF field against the session's token: the 403 page when they differ.
    pub(crate) fn form_token_rejection(&self, sent: &str) -> Option<Response> {
        if same_secret(sent, &self.csrf_token) {
            return None;
        }
        let e = ApiError::new(
            StatusCode::FORBIDDEN,
            "csrf_failed",
            "the form is stale or did not come from this site; reload the page",
        );
        Some(crate::pages::error_page(self.lang, e))
    }
}

/// A form posted from one of our pages by a logged-in user: the CSRF field is checked
/// before the form is read, so no page handler can forget it.
pub struct CsrfForm<T> {
    pub session: PageSession,
    pub form: T,
}

impl<T: DeserializeOwned + Send> FromRequest<WebState> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &WebState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let session = PageSession::from_request_parts(&mut parts, state).await?;
        let lang = session.lang;
        let bytes = axum::body::to_bytes(body, crate::FORM_LIMIT).await.map_err(|_| {
            crate::pages::error_page(
                lang,
                ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "the form is too large"),
            )
        })?;
        let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
        let sent = fields.iter().find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v.as_str()).unwrap_or("");
        if let Some(rejection) = session.form_token_rejection(sent) {
            return Err(rejection);
        }
        let form = serde_urlencoded::from_bytes(&bytes).map_err(|e| {
            crate::pages::error_page(
                lang,
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_form", e.to_string()),
            )
        })?;
        Ok(CsrfForm { session, form })
    }
}

/// A file form (`multipart/form-data`) posted from one of our pages by a logged-in user:
/// like [`CsrfForm`], the CSRF field is checked before anything else is used.
pub struct CsrfUpload {
    pub session: PageSession,
    pub fields: std::collections::HashMap<String, String>,
    /// The uploaded file's bytes, when one was sent.
    pub file: Option<axum::body::Bytes>,
    /// The name the browser gave the file.
    pub file_name: Option<String>,
}

impl FromRequest<WebState> for CsrfUpload {
    type Rejection = Response;

    async fn from_request(req: Request, state: &WebState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let session = PageSession::from_request_parts(&mut parts, state).await?;
        let lang = session.lang;
        let bad = |code: &'static str, detail: String| {
            crate::pages::error_page(lang, ApiError::new(StatusCode::BAD_REQUEST, code, detail))
        };
        let mut multipart = axum::extract::Multipart::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|e| bad("invalid_form", e.body_text()))?;
        let mut fields = std::collections::HashMap::new();
        let (mut file, mut file_name) = (None, None);
        while let Some(field) = multipart.next_field().await.map_err(|e| bad("invalid_form", e.body_text()))? {
            let name = field.name().unwrap_or_default().to_owned();
            if let Some(sent_name) = field.file_name() {
                file_name = Some(sent_name.to_owned());
                file = Some(field.bytes().await.map_err(|e| bad("invalid_form", e.body_text()))?);
            } else {
                fields.insert(name, field.text().await.map_err(|e| bad("invalid_form", e.body_text()))?);
            }
        }
        let sent = fields.get(CSRF_FIELD).map(String::as_str).unwrap_or("");
        if let Some(rejection) = session.form_token_rejection(sent) {
            return Err(rejection);
        }
        Ok(CsrfUpload { session, fields, file, file_name })
    }
}
