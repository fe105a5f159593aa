//! API of restructuring plans: drafts, the problems that block approval, approval with the
//! day of effect, and who owns a function on a day.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use grassroots_app::restructuring::{ApproveRequest, MoveFunctionRequest, PlanSummary, PlanView};
use grassroots_domain::page::{Page, PageRequest};
use grassroots_domain::restructuring::{Owner, PlanDocument, PlanId};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiJson, ApiPath, ApiQuery};
use crate::auth::ApiActor;
use crate::error::{ApiError, Problem};
use crate::state::WebState;

pub fn routes(r: OpenApiRouter<WebState>) -> OpenApiRouter<WebState> {
    r.routes(routes!(list_plans, create_plan))
        .routes(routes!(get_plan, replace_plan))
        .routes(routes!(move_function))
        .routes(routes!(approve_plan))
        .routes(routes!(function_owner))
        .routes(routes!(function_history))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PlanQuery {
    /// Only this town's plans.
    pub town: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// Plans of the caller's scope, newest first, each with where it stands today.
#[utoipa::path(get, path = "/api/v1/plans", tag = "restructuring", params(PlanQuery),
    responses((status = 200, body = Page<PlanSummary>)))]
async fn list_plans(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<PlanQuery>,
) -> Result<Json<Page<PlanSummary>>, ApiError> {
    Ok(Json(s.app.list_plans(&a, q.town.as_deref(), PageRequest::from_parts(q.page, q.per_page)).await?))
}

/// Draft a plan for a town (staffing office). A draft may have problems; they are listed.
#[utoipa::path(post, path = "/api/v1/plans", tag = "restructuring", request_body = PlanDocument,
    responses((status = 201, body = PlanView), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_plan(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiJson(doc): ApiJson<PlanDocument>,
) -> Result<(StatusCode, Json<PlanView>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.create_plan(&a, doc).await?)))
}

/// A plan with its document, its problems and the before/after comparison.
#[utoipa::path(get, path = "/api/v1/plans/{id}", tag = "restructuring", params(("id" = i64, Path)),
    responses((status = 200, body = PlanView), (status = 404, body = Problem)))]
async fn get_plan(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<PlanView>, ApiError> {
    Ok(Json(s.app.get_plan(&a, PlanId(id)).await?))
}

/// Replace a draft's document (staffing office).
#[utoipa::path(put, path = "/api/v1/plans/{id}", tag = "restructuring", params(("id" = i64, Path)),
    request_body = PlanDocument,
    responses((status = 200, body = PlanView), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn replace_plan(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(doc): ApiJson<PlanDocument>,
) -> Result<Json<PlanView>, ApiError> {
    Ok(Json(s.app.replace_plan(&a, PlanId(id), doc).await?))
}

/// Map one function of a draft to another office, or leave it unmapped.
#[utoipa::path(post, path = "/api/v1/plans/{id}/move-function", tag = "restructuring", params(("id" = i64, Path)),
    request_body = MoveFunctionRequest,
    responses((status = 200, body = PlanView), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn move_function(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<MoveFunctionRequest>,
) -> Result<Json<PlanView>, ApiError> {
    Ok(Json(s.app.move_function(&a, PlanId(id), req).await?))
}

/// Approve a plan with the day it takes effect; refused with every problem while it does
/// not add up.
#[utoipa::path(post, path = "/api/v1/plans/{id}/approve", tag = "restructuring", params(("id" = i64, Path)),
    request_body = ApproveRequest,
    responses((status = 200, body = PlanView), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn approve_plan(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ApproveRequest>,
) -> Result<Json<PlanView>, ApiError> {
    Ok(Json(s.app.approve_plan(&a, PlanId(id), req).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OwnerQuery {
    /// YYYY-MM-DD.
    pub date: String,
}

/// Who owns a town's function on a day: where work addressed to it goes.
#[utoipa::path(get, path = "/api/v1/towns/{code}/functions/{function}/owner", tag = "restructuring",
    params(("code" = String, Path), ("function" = String, Path), OwnerQuery),
    responses((status = 200, body = Owner), (status = 404, body = Problem)))]
async fn function_owner(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath((code, function)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<OwnerQuery>,
) -> Result<Json<Owner>, ApiError> {
    Ok(Json(s.app.function_owner(&a, &code, &function, &q.date).await?))
}

/// Every owner a town's function has had, oldest first.
#[utoipa::path(get, path = "/api/v1/towns/{code}/functions/{function}/history", tag = "restructuring",
    params(("code" = String, Path), ("function" = String, Path)),
    responses((status = 200, body = Vec<Owner>), (status = 404, body = Problem)))]
async fn function_history(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath((code, function)): ApiPath<(String, String)>,
) -> Result<Json<Vec<Owner>>, ApiError> {
    Ok(Json(s.app.function_history(&a, &code, &function).await?))
}
