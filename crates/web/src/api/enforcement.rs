//! API of enforcement cases: filing, the case file with its running clocks, each stage,
//! suspension and extension, the demand to pay, the party's rating, and the indicators.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use grassroots_app::enforcement::{
    AdvanceRequest, CaseIndicators, CaseView, FileRequest, PauseRequest, RatingRequest, RemindRequest,
};
use grassroots_domain::enforcement::clocks::Clock;
use grassroots_domain::enforcement::{Case, CaseId, Stage};
use grassroots_domain::page::{Page, PageRequest};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiJson, ApiPath, ApiQuery};
use crate::auth::ApiActor;
use crate::error::{ApiError, Problem};
use crate::state::WebState;

pub fn routes(r: OpenApiRouter<WebState>) -> OpenApiRouter<WebState> {
    r.routes(routes!(list_cases, file_case))
        .routes(routes!(overdue_cases))
        .routes(routes!(get_case))
        .routes(routes!(advance_case))
        .routes(routes!(pause_case))
        .routes(routes!(remind_case))
        .routes(routes!(rate_case))
        .routes(routes!(case_indicators))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CaseQuery {
    pub stage: Option<Stage>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// Cases of the caller's scope, newest first.
#[utoipa::path(get, path = "/api/v1/cases", tag = "enforcement", params(CaseQuery),
    responses((status = 200, body = Page<Case>)))]
async fn list_cases(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<CaseQuery>,
) -> Result<Json<Page<Case>>, ApiError> {
    Ok(Json(s.app.list_cases(&a, q.stage, PageRequest::from_parts(q.page, q.per_page)).await?))
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct OverdueCase {
    pub case: Case,
    /// The clocks past due today.
    pub clocks: Vec<Clock>,
}

/// Open cases of the caller's scope with a statutory clock past due today.
#[utoipa::path(get, path = "/api/v1/cases/overdue", tag = "enforcement", responses((status = 200, body = Vec<OverdueCase>)))]
async fn overdue_cases(State(s): State<WebState>, ApiActor(a): ApiActor) -> Result<Json<Vec<OverdueCase>>, ApiError> {
    let list = s.app.overdue_cases(&a).await?;
    Ok(Json(list.into_iter().map(|(case, clocks)| OverdueCase { case, clocks }).collect()))
}

/// File a case (the town's enforcement team): refused unless the town held the power on
/// the day of the act, or the case is a statutory duty of the town; numbered without gaps.
#[utoipa::path(post, path = "/api/v1/cases", tag = "enforcement", request_body = FileRequest,
    responses((status = 201, body = CaseView), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn file_case(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiJson(req): ApiJson<FileRequest>,
) -> Result<(StatusCode, Json<CaseView>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.file_case(&a, req).await?)))
}

/// The case file: stage, running clocks, surcharge owed, timeline.
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "enforcement", params(("id" = i64, Path)),
    responses((status = 200, body = CaseView), (status = 404, body = Problem)))]
async fn get_case(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<CaseView>, ApiError> {
    Ok(Json(s.app.get_case(&a, CaseId(id)).await?))
}

/// Move a case to its next stage on a day.
#[utoipa::path(post, path = "/api/v1/cases/{id}/advance", tag = "enforcement", params(("id" = i64, Path)),
    request_body = AdvanceRequest,
    responses((status = 200, body = CaseView), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn advance_case(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<AdvanceRequest>,
) -> Result<Json<CaseView>, ApiError> {
    Ok(Json(s.app.advance_case(&a, CaseId(id), req).await?))
}

/// Suspend a case or extend its decision period, with the reason and the approving head.
#[utoipa::path(post, path = "/api/v1/cases/{id}/pause", tag = "enforcement", params(("id" = i64, Path)),
    request_body = PauseRequest,
    responses((status = 200, body = CaseView), (status = 422, body = Problem)))]
async fn pause_case(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<PauseRequest>,
) -> Result<Json<CaseView>, ApiError> {
    Ok(Json(s.app.pause_case(&a, CaseId(id), req).await?))
}

/// Record the demand to pay (催告) served after an unpaid fine fell due.
#[utoipa::path(post, path = "/api/v1/cases/{id}/remind", tag = "enforcement", params(("id" = i64, Path)),
    request_body = RemindRequest,
    responses((status = 200, body = CaseView), (status = 422, body = Problem)))]
async fn remind_case(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<RemindRequest>,
) -> Result<Json<CaseView>, ApiError> {
    Ok(Json(s.app.remind_case(&a, CaseId(id), req).await?))
}

/// The party's satisfaction with a closed case.
#[utoipa::path(post, path = "/api/v1/cases/{id}/rating", tag = "enforcement", params(("id" = i64, Path)),
    request_body = RatingRequest,
    responses((status = 200, body = CaseView), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn rate_case(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<RatingRequest>,
) -> Result<Json<CaseView>, ApiError> {
    Ok(Json(s.app.rate_case(&a, CaseId(id), req).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PeriodQuery {
    /// First day of the period, YYYY-MM-DD.
    pub from: String,
    /// Last day of the period, YYYY-MM-DD.
    pub to: String,
}

/// A town's enforcement figures for cases filed in a period, computed from the cases.
#[utoipa::path(get, path = "/api/v1/towns/{code}/case-indicators", tag = "enforcement",
    params(("code" = String, Path, description = "town code"), PeriodQuery),
    responses((status = 200, body = CaseIndicators), (status = 404, body = Problem)))]
async fn case_indicators(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Json<CaseIndicators>, ApiError> {
    Ok(Json(s.app.case_indicators(&a, &code, &q.from, &q.to).await?))
}
