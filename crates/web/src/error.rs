//! Errors as RFC 9457 problem details for the API, with the stable code of the use case.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use grassroots_app::AppError;
use grassroots_domain::FieldError;
use serde::Serialize;

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem: `urn:grassroots:problem:<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable machine code, e.g. `validation_failed`, `not_found`.
    pub code: String,
    /// For validation problems: each field or row and column that is wrong.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub detail: String,
    pub errors: Vec<FieldError>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self { status, code, detail: detail.into(), errors: vec![] }
    }
    pub fn unauthorized(code: &'static str, detail: &str) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, detail)
    }
}

pub fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::Forbidden | AppError::NotYours(_) => StatusCode::FORBIDDEN,
        AppError::BadCredentials | AppError::AccountDisabled => StatusCode::UNAUTHORIZED,
        AppError::AccountLocked(_) => StatusCode::LOCKED,
        AppError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::Store(_) | AppError::Files(_) => StatusCode::INTERNAL_SERVER_ERROR,
        AppError::Unconfigured(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let status = status_of(&e);
        let code = e.code();
        let detail = match &e {
            // Database errors are logged, never shown.
            AppError::Store(inner) => {
                tracing::error!(error = %inner, "storage error");
                "internal error".to_owned()
            }
            AppError::Files(inner) => {
                tracing::error!(error = %inner, "file storage error");
                "internal error: a stored file could not be written or read intact".to_owned()
            }
            other => other.to_string(),
        };
        let errors = match e {
            AppError::Validation(v) => v.errors,
            _ => vec![],
        };
        Self { status, code, detail, errors }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let title = self.status.canonical_reason().unwrap_or("Error").to_owned();
        let body = Problem {
            kind: format!("urn:grassroots:problem:{}", self.code),
            title,
            status: self.status.as_u16(),
            detail: self.detail,
            code: self.code.to_owned(),
            errors: self.errors,
        };
        let mut res = (self.status, Json(body)).into_response();
        res.headers_mut()
            .insert(axum::http::header::CONTENT_TYPE, axum::http::HeaderValue::from_static("application/problem+json"));
        res
    }
}
