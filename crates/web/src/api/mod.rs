//! The JSON API under `/api/v1`. Every route is declared with its OpenAPI description and
//! registered through `utoipa-axum`, so the document served at `/api/v1/openapi.json` is
//! generated from the same code that routes: it cannot drift.

pub mod admission;
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

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::error::ApiError;
use crate::state::WebState;

#[derive(OpenApi)]
#[openapi(
    info(title = "grassroots API", version = "1", description = "Township governance: divisions, bodies, users, tokens, audit, calendar."),
    tags(
        (name = "core", description = "Divisions, bodies, users, sessions, tokens, audit and the working-day calendar"),
        (name = "admission", description = "Duty lists and task admission (准入)"),
        (name = "restructuring", description = "Restructuring plans: legacy departments into comprehensive offices"),
        (name = "empowerment", description = "The empowerment menu (看单点菜, 一镇一单) and each town's power list"),
        (name = "enforcement", description = "Enforcement cases under the Administrative Penalty Law, with their statutory clocks"),
        (name = "inspection", description = "Joint inspections (综合查一次): one visit per target for many departments"),
        (name = "command", description = "The command center: events, dispatch with working-day deadlines, the public's reports"),
        (name = "petition", description = "Petitions (信访): stages and clocks of the 2022 regulation, sealed personal data, the public's petitions"),
        (name = "income", description = "Village collective income by source, year on year, and the weak villages"),
        (name = "indicators", description = "The reform's headline figures, computed from the records"),
        (name = "warning", description = "Geohazard weather warnings: joint issue by two bureaus, CAP 1.2, relay, acknowledgement, escalation, hazard points"),
    ),
    modifiers(&Security),
)]
struct ApiDoc;

struct Security;
impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
        let c = openapi.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        c.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::auth::SESSION_COOKIE))),
        );
    }
}

/// The API routes and their OpenAPI document, built together.
pub fn routes() -> (axum::Router<WebState>, utoipa::openapi::OpenApi) {
    let mut doc = ApiDoc::openapi();
    doc.security = Some(vec![
        utoipa::openapi::security::SecurityRequirement::new("bearer", Vec::<String>::new()),
        utoipa::openapi::security::SecurityRequirement::new("session", Vec::<String>::new()),
    ]);
    let routes = core::routes(OpenApiRouter::with_openapi(doc));
    let routes = empowerment::routes(restructuring::routes(admission::task_routes(admission::routes(routes))));
    let routes = petition::routes(income::routes(command::routes(inspection::routes(enforcement::routes(routes)))));
    let routes = warning::routes(indicators::routes(routes));
    routes.split_for_parts()
}

/// The OpenAPI document as served, with what every operation shares said once here rather
/// than on each: an error is a problem
/// document (RFC 9457) sent as `application/problem+json`, whatever its status (`default`
/// covers malformed input, authentication, limits and the like); and a table upload is
/// XLSX or CSV, sniffed from its bytes, so any binary content type is taken.
pub fn document(doc: &utoipa::openapi::OpenApi) -> serde_json::Value {
    const PROBLEM: &str = "#/components/schemas/Problem";
    let mut v = serde_json::to_value(doc).unwrap_or_default();
    let problem = serde_json::json!({"schema": {"$ref": PROBLEM}});
    for item in v["paths"].as_object_mut().into_iter().flat_map(|p| p.values_mut()) {
        for op in item.as_object_mut().into_iter().flat_map(|i| i.values_mut()).filter(|o| o.get("responses").is_some())
        {
            for response in op["responses"].as_object_mut().into_iter().flat_map(|r| r.values_mut()) {
                let content = &mut response["content"];
                if content["application/json"]["schema"]["$ref"] == PROBLEM
                    && let Some(c) = content.as_object_mut()
                {
                    c.remove("application/json");
                    c.insert("application/problem+json".into(), problem.clone());
                }
            }
            op["responses"]["default"] = serde_json::json!({
                "description": "a problem document: malformed input, authentication, scope, not found, limits",
                "content": {"application/problem+json": problem.clone()},
            });
            if let Some(content) = op.pointer_mut("/requestBody/content").and_then(|c| c.as_object_mut())
                && content.keys().any(|k| k.contains("spreadsheetml"))
            {
                let binary = serde_json::json!({"schema": {"type": "string", "format": "binary"}});
                content.insert("application/octet-stream".into(), binary.clone());
                content.insert("text/csv".into(), binary);
            }
        }
    }
    v
}

/// JSON body whose every rejection is a problem document: malformed JSON, a wrong type,
/// an unknown field, a missing content type, a body over the limit.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(rej) => Err(match &rej {
                JsonRejection::JsonDataError(e) => {
                    let detail = std::error::Error::source(e).map(|s| s.to_string()).unwrap_or_else(|| e.body_text());
                    let code = if detail.contains("unknown field") { "unknown_field" } else { "invalid_field" };
                    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, detail)
                }
                JsonRejection::JsonSyntaxError(_) => {
                    ApiError::new(StatusCode::BAD_REQUEST, "invalid_json", rej.body_text())
                }
                JsonRejection::MissingJsonContentType(_) => ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    "send Content-Type: application/json",
                ),
                _ if rej.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "the request body is too large")
                }
                _ => ApiError::new(rej.status(), "invalid_body", rej.body_text()),
            }),
        }
    }
}

/// Query string with problem-document rejections; unknown parameters are refused.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|e: QueryRejection| ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", e.body_text()))
    }
}

/// Path parameters; one that cannot name anything answers 404 like an absent object.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|_: PathRejection| ApiError::new(StatusCode::NOT_FOUND, "not_found", "not found"))
    }
}

/// A raw body (an uploaded file) whose rejections are problem documents.
pub struct ApiBytes(pub axum::body::Bytes);

impl<S: Send + Sync> FromRequest<S> for ApiBytes {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::body::Bytes::from_request(req, state).await.map(ApiBytes).map_err(|rej| {
            if rej.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "the file is too large")
            } else {
                ApiError::new(rej.status(), "invalid_body", rej.body_text())
            }
        })
    }
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// `xlsx` (Chinese header, as counties publish) or `csv` (English header).
    pub format: Option<String>,
}

/// A table as a download: XLSX unless CSV is asked for.
pub fn spreadsheet(
    format: Option<&str>,
    name: &str,
    csv: impl FnOnce() -> Vec<u8>,
    xlsx: impl FnOnce() -> Result<Vec<u8>, grassroots_domain::ValidationError>,
) -> Result<axum::response::Response, ApiError> {
    use axum::http::header;
    use axum::response::IntoResponse;
    let (bytes, mime, ext) = match format.unwrap_or("xlsx") {
        "csv" => (csv(), "text/csv; charset=utf-8", "csv"),
        "xlsx" => (
            xlsx().map_err(grassroots_app::AppError::from)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        other => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_format",
                format!("“{other}” is not xlsx or csv"),
            ));
        }
    };
    let disposition = format!("attachment; filename=\"{name}.{ext}\"");
    Ok(([(header::CONTENT_TYPE, mime.to_owned()), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response())
}
