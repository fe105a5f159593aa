//! HTTP: the JSON API (with its OpenAPI document), the server-rendered pages, sessions,
//! health and metrics. Handlers translate between HTTP and use cases; the decisions are
//! made in `grassroots-app`.

pub mod api;
pub mod auth;
pub mod error;
pub mod i18n;
pub mod ops;
pub mod pages;
pub mod state;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use grassroots_app::App;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::error::ApiError;
use crate::state::WebState;

/// Largest JSON body the API reads.
pub const JSON_LIMIT: usize = 1024 * 1024;
/// Largest form a page posts.
pub const FORM_LIMIT: usize = 64 * 1024;

/// Which side of the application a route belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    /// JSON under `/api/v1`; answers 401 without credentials.
    Api,
    /// HTML; sends a visitor without a session to the login page.
    Page,
    /// Open to anyone: login, health, metrics, the OpenAPI document.
    Public,
}

#[derive(Debug, Clone)]
pub struct Route {
    pub method: Method,
    pub path: String,
    pub surface: Surface,
}

/// API routes that answer without a login.
const PUBLIC_API: &[(Method, &str)] = &[
    (Method::POST, "/api/v1/session"),
    (Method::POST, "/api/v1/public/events"),
    (Method::POST, "/api/v1/public/events/track"),
    (Method::POST, "/api/v1/public/events/rating"),
    (Method::POST, "/api/v1/public/petitions"),
    (Method::POST, "/api/v1/public/petitions/track"),
    (Method::POST, "/api/v1/public/petitions/rating"),
    (Method::POST, "/api/v1/public/acknowledgements"),
    (Method::GET, "/api/v1/public/warnings"),
];

struct Parts {
    router: Router<WebState>,
    openapi: utoipa::openapi::OpenApi,
    others: Vec<(Method, &'static str, Surface)>,
}

fn parts() -> Parts {
    let (api, openapi) = api::routes();
    let doc = api::document(&openapi).to_string();
    let serve_doc = move || async move { ([(header::CONTENT_TYPE, "application/json")], doc.clone()) };
    let others = pages::core::routes(pages::PageRoutes::new());
    let others = pages::restructuring::routes(pages::empowerment::routes(pages::admission::routes(others)));
    let others = pages::command::routes(pages::inspection::routes(pages::enforcement::routes(others)));
    let others = pages::petition::routes(pages::indicators::routes(pages::income::routes(others)));
    let others = pages::warning::routes(others)
        .public(Method::GET, "/healthz", ops::healthz)
        .public(Method::GET, "/metrics", ops::metrics)
        .public(Method::GET, "/api/v1/openapi.json", serve_doc);
    Parts { router: Router::new().merge(api).merge(others.router), openapi, others: others.table }
}

/// Every route the server answers, read from the same router it serves: the access
/// tests walk this list, so a new route cannot escape them.
pub fn route_table() -> Vec<Route> {
    let p = parts();
    let mut out = Vec::new();
    for (path, item) in p.openapi.paths.paths.iter() {
        let ops = [
            (Method::GET, item.get.is_some()),
            (Method::POST, item.post.is_some()),
            (Method::PUT, item.put.is_some()),
            (Method::DELETE, item.delete.is_some()),
            (Method::PATCH, item.patch.is_some()),
        ];
        for (method, _) in ops.into_iter().filter(|(_, present)| *present) {
            let public = PUBLIC_API.iter().any(|(m, p)| *m == method && p == path);
            out.push(Route {
                method,
                path: path.clone(),
                surface: if public { Surface::Public } else { Surface::Api },
            });
        }
    }
    out.extend(p.others.into_iter().map(|(method, path, surface)| Route { method, path: path.to_owned(), surface }));
    out
}

/// The whole HTTP application.
/// How the server meets the network.
#[derive(Debug, Clone, Copy)]
pub struct WebOptions {
    /// Mark cookies `Secure` (default true).
    pub secure_cookies: bool,
    /// Trust `X-Forwarded-For` from a reverse proxy in front.
    pub behind_proxy: bool,
}

impl Default for WebOptions {
    fn default() -> Self {
        Self { secure_cookies: true, behind_proxy: false }
    }
}

pub fn router(app: App, options: WebOptions) -> Router {
    let state = WebState {
        app,
        secure_cookies: options.secure_cookies,
        behind_proxy: options.behind_proxy,
        metrics: Arc::default(),
    };
    parts()
        .router
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(JSON_LIMIT))
        .layer(axum::middleware::from_fn_with_state(state.clone(), ops::track))
        .layer(CompressionLayer::new())
        .layer(CatchPanicLayer::new())
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        // Pages and answers carry personal data: no shared or browser cache keeps them.
        // What may be cached (the style sheet, attachments) says so itself.
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; style-src 'self' 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
            ),
        ))
        .with_state(state)
}

async fn not_found(req: Request) -> Response {
    if req.uri().path().starts_with("/api/") {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such route").into_response()
    } else {
        let jar = axum_extra::extract::cookie::CookieJar::from_headers(req.headers());
        pages::error_page(i18n::Lang::from_jar(&jar), ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such page"))
    }
}
