//! API of petitions: registration by staff, the list and overdue list, a petition with its
//! clocks (the petitioner masked) or with the petitioner in clear (audited), its steps and
//! extension; and the public's online petition, tracking and rating, which need no login
//! but the tracking number and the phone number given.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use grassroots_app::petition::{
    PetitionExtensionRequest, PetitionRatingRequest, PetitionRequest, PetitionStageRequest, PetitionTrackRequest,
    PetitionTracking, PetitionView,
};
use grassroots_domain::page::{Page, PageRequest};
use grassroots_domain::petition::{Petition, PetitionId, PetitionStage};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::command::PublicReported;
use super::{ApiJson, ApiPath, ApiQuery};
use crate::auth::{ApiActor, ClientAddress};
use crate::error::{ApiError, Problem};
use crate::state::WebState;

pub fn routes(r: OpenApiRouter<WebState>) -> OpenApiRouter<WebState> {
    r.routes(routes!(list_petitions, register_petition))
        .routes(routes!(get_petition))
        .routes(routes!(petitioner))
        .routes(routes!(move_petition))
        .routes(routes!(extend_petition))
        .routes(routes!(public_petition))
        .routes(routes!(public_track))
        .routes(routes!(public_rate))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PetitionQuery {
    pub stage: Option<PetitionStage>,
    /// Only petitions past the day they were owed an answer by, most overdue first.
    pub overdue: Option<bool>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// Petitions of the caller's area, newest first, petitioners masked.
#[utoipa::path(get, path = "/api/v1/petitions", tag = "petition", params(PetitionQuery),
    responses((status = 200, body = Page<Petition>)))]
async fn list_petitions(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<PetitionQuery>,
) -> Result<Json<Page<Petition>>, ApiError> {
    let page = PageRequest::from_parts(q.page, q.per_page);
    Ok(Json(s.app.list_petitions(&a, q.stage, q.overdue.unwrap_or(false), page).await?))
}

/// Register a petition received by letter, visit, call or online (the town's office, the
/// county's petition bureau). The petitioner's data is checked (the ID number to its check
/// digit) and stored sealed.
#[utoipa::path(post, path = "/api/v1/petitions", tag = "petition", request_body = PetitionRequest,
    responses((status = 201, body = PetitionView), (status = 403, body = Problem), (status = 422, body = Problem),
        (status = 503, body = Problem)))]
async fn register_petition(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiJson(req): ApiJson<PetitionRequest>,
) -> Result<(StatusCode, Json<PetitionView>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.register_petition(&a, req).await?)))
}

/// A petition with its clocks and timeline; the petitioner masked.
#[utoipa::path(get, path = "/api/v1/petitions/{id}", tag = "petition", params(("id" = i64, Path)),
    responses((status = 200, body = PetitionView), (status = 404, body = Problem)))]
async fn get_petition(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<PetitionView>, ApiError> {
    Ok(Json(s.app.get_petition(&a, PetitionId(id)).await?))
}

/// The petition with its petitioner in clear, for those who handle petitions. Every such
/// view is written to the audit log.
#[utoipa::path(get, path = "/api/v1/petitions/{id}/petitioner", tag = "petition", params(("id" = i64, Path)),
    responses((status = 200, body = PetitionView), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn petitioner(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<PetitionView>, ApiError> {
    Ok(Json(s.app.petition_in_clear(&a, PetitionId(id)).await?))
}

/// Take the next step: accept or not, object, reply, record a request for review or
/// re-review and its answer, close. Each is dated and checked against the regulation.
#[utoipa::path(post, path = "/api/v1/petitions/{id}/stage", tag = "petition", params(("id" = i64, Path)),
    request_body = PetitionStageRequest,
    responses((status = 200, body = PetitionView), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn move_petition(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<PetitionStageRequest>,
) -> Result<Json<PetitionView>, ApiError> {
    Ok(Json(s.app.move_petition(&a, PetitionId(id), req).await?))
}

/// Extend an accepted petition's handling period (at most 30 days in all), with the
/// approver and the reason told to the petitioner.
#[utoipa::path(post, path = "/api/v1/petitions/{id}/extension", tag = "petition", params(("id" = i64, Path)),
    request_body = PetitionExtensionRequest,
    responses((status = 200, body = PetitionView), (status = 422, body = Problem)))]
async fn extend_petition(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<PetitionExtensionRequest>,
) -> Result<Json<PetitionView>, ApiError> {
    Ok(Json(s.app.extend_petition(&a, PetitionId(id), req).await?))
}

/// File a petition online without logging in; the answer is the tracking number.
#[utoipa::path(post, path = "/api/v1/public/petitions", tag = "petition", request_body = PetitionRequest,
    security(()), responses((status = 201, body = PublicReported), (status = 422, body = Problem)))]
async fn public_petition(
    State(s): State<WebState>,
    ApiJson(req): ApiJson<PetitionRequest>,
) -> Result<(StatusCode, Json<PublicReported>), ApiError> {
    Ok((StatusCode::CREATED, Json(PublicReported { tracking_number: s.app.public_petition(req).await? })))
}

/// Follow a petition by its tracking number and the petitioner's phone.
#[utoipa::path(post, path = "/api/v1/public/petitions/track", tag = "petition", request_body = PetitionTrackRequest,
    security(()), responses((status = 200, body = PetitionTracking), (status = 404, body = Problem),
        (status = 429, body = Problem)))]
async fn public_track(
    State(s): State<WebState>,
    ClientAddress(address): ClientAddress,
    ApiJson(req): ApiJson<PetitionTrackRequest>,
) -> Result<Json<PetitionTracking>, ApiError> {
    Ok(Json(s.app.track_petition(&req, &address).await?.1))
}

/// Rate the reply to a petition, once.
#[utoipa::path(post, path = "/api/v1/public/petitions/rating", tag = "petition",
    request_body = PetitionRatingRequest, security(()),
    responses((status = 200, body = PetitionTracking), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn public_rate(
    State(s): State<WebState>,
    ClientAddress(address): ClientAddress,
    ApiJson(req): ApiJson<PetitionRatingRequest>,
) -> Result<Json<PetitionTracking>, ApiError> {
    Ok(Json(s.app.rate_petition(req, &address).await?))
}
