//! API of joint inspections: targets, checklists, plans with the merge proposals, visits,
//! their results and re-checks, and the indicators.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use grassroots_app::inspection::{
    InspectionIndicators, InspectionView, MergeRequest, PlanRequest, RecheckRequest, ResultEntry, TargetRequest,
};
use grassroots_domain::inspection::{CheckItem, InspectionId, InspectionPlan, JointInspection, MergeProposal, Target};
use grassroots_domain::page::{Page, PageRequest};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::enforcement::PeriodQuery;
use super::{ApiJson, ApiPath, ApiQuery};
use crate::auth::ApiActor;
use crate::error::{ApiError, Problem};
use crate::state::WebState;

pub fn routes(r: OpenApiRouter<WebState>) -> OpenApiRouter<WebState> {
    r.routes(routes!(list_targets, add_target))
        .routes(routes!(check_items, set_check_items))
        .routes(routes!(list_plans, plan_inspection))
        .routes(routes!(list_inspections, merge_plans))
        .routes(routes!(get_inspection))
        .routes(routes!(record_results))
        .routes(routes!(recheck))
        .routes(routes!(inspection_indicators))
}

/// Targets of the caller's scope.
#[utoipa::path(get, path = "/api/v1/inspection-targets", tag = "inspection", responses((status = 200, body = Vec<Target>)))]
async fn list_targets(State(s): State<WebState>, ApiActor(a): ApiActor) -> Result<Json<Vec<Target>>, ApiError> {
    Ok(Json(s.app.inspection_targets(&a).await?))
}

/// Register a business or site; its unified social credit code, when given, is checked.
#[utoipa::path(post, path = "/api/v1/inspection-targets", tag = "inspection", request_body = TargetRequest,
    responses((status = 201, body = Target), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn add_target(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiJson(req): ApiJson<TargetRequest>,
) -> Result<(StatusCode, Json<Target>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.add_inspection_target(&a, req).await?)))
}

/// The county's check items, by department.
#[utoipa::path(get, path = "/api/v1/counties/{code}/check-items", tag = "inspection",
    params(("code" = String, Path, description = "county code")),
    responses((status = 200, body = Vec<CheckItem>), (status = 404, body = Problem)))]
async fn check_items(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<Vec<CheckItem>>, ApiError> {
    Ok(Json(s.app.check_items(&a, &code).await?))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Saved {
    pub saved: usize,
}

/// Add or update check items (a department keeps its own).
#[utoipa::path(put, path = "/api/v1/counties/{code}/check-items", tag = "inspection",
    params(("code" = String, Path, description = "county code")), request_body = Vec<CheckItem>,
    responses((status = 200, body = Saved), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn set_check_items(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(code): ApiPath<String>,
    ApiJson(items): ApiJson<Vec<CheckItem>>,
) -> Result<Json<Saved>, ApiError> {
    Ok(Json(Saved { saved: s.app.set_check_items(&a, &code, items).await? }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PlansView {
    /// Plans not yet made into a visit.
    pub plans: Vec<InspectionPlan>,
    /// Plans for one target close in time: one visit instead of several.
    pub proposals: Vec<MergeProposal>,
}

/// Open plans of the caller's scope and the proposals to merge them.
#[utoipa::path(get, path = "/api/v1/inspection-plans", tag = "inspection", responses((status = 200, body = PlansView)))]
async fn list_plans(State(s): State<WebState>, ApiActor(a): ApiActor) -> Result<Json<PlansView>, ApiError> {
    let (plans, proposals) = s.app.inspection_plans(&a).await?;
    Ok(Json(PlansView { plans, proposals }))
}

/// A department plans an inspection of a target with items of its checklist.
#[utoipa::path(post, path = "/api/v1/inspection-plans", tag = "inspection", request_body = PlanRequest,
    responses((status = 201, body = InspectionPlan), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn plan_inspection(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiJson(req): ApiJson<PlanRequest>,
) -> Result<(StatusCode, Json<InspectionPlan>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.plan_inspection(&a, req).await?)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// Joint visits of the caller's scope, newest first.
#[utoipa::path(get, path = "/api/v1/inspections", tag = "inspection", params(PageQuery),
    responses((status = 200, body = Page<JointInspection>)))]
async fn list_inspections(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<Page<JointInspection>>, ApiError> {
    Ok(Json(s.app.list_inspections(&a, PageRequest::from_parts(q.page, q.per_page)).await?))
}

/// Make plans for one target one visit (the town's team).
#[utoipa::path(post, path = "/api/v1/inspections", tag = "inspection", request_body = MergeRequest,
    responses((status = 201, body = InspectionView), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn merge_plans(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiJson(req): ApiJson<MergeRequest>,
) -> Result<(StatusCode, Json<InspectionView>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.merge_plans(&a, req).await?)))
}

/// A visit with its target and results.
#[utoipa::path(get, path = "/api/v1/inspections/{id}", tag = "inspection", params(("id" = i64, Path)),
    responses((status = 200, body = InspectionView), (status = 404, body = Problem)))]
async fn get_inspection(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<InspectionView>, ApiError> {
    Ok(Json(s.app.get_inspection(&a, InspectionId(id)).await?))
}

/// Enter results of a visit; a failure becomes a rectification order or a case.
#[utoipa::path(post, path = "/api/v1/inspections/{id}/results", tag = "inspection", params(("id" = i64, Path)),
    request_body = Vec<ResultEntry>,
    responses((status = 200, body = InspectionView), (status = 422, body = Problem)))]
async fn record_results(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(entries): ApiJson<Vec<ResultEntry>>,
) -> Result<Json<InspectionView>, ApiError> {
    Ok(Json(s.app.record_results(&a, InspectionId(id), entries).await?))
}

/// Check a rectification order again.
#[utoipa::path(post, path = "/api/v1/inspections/{id}/recheck", tag = "inspection", params(("id" = i64, Path)),
    request_body = RecheckRequest,
    responses((status = 200, body = InspectionView), (status = 422, body = Problem)))]
async fn recheck(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<RecheckRequest>,
) -> Result<Json<InspectionView>, ApiError> {
    Ok(Json(s.app.recheck(&a, InspectionId(id), req).await?))
}

/// Joint inspections done and visits saved in a town over a period.
#[utoipa::path(get, path = "/api/v1/towns/{code}/inspection-indicators", tag = "inspection",
    params(("code" = String, Path, description = "town code"), PeriodQuery),
    responses((status = 200, body = InspectionIndicators), (status = 404, body = Problem)))]
async fn inspection_indicators(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Json<InspectionIndicators>, ApiError> {
    Ok(Json(s.app.inspection_indicators(&a, &code, &q.from, &q.to).await?))
}
