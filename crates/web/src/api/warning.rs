//! API of geohazard warnings: drafting, co-signing (which publishes and relays), updates
//! and cancels, the relay board, acknowledgements (in the app and by the text message's
//! link, without login), patrols, CAP import and export, hazard points, the level rules
//! and webhook subscriptions.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use grassroots_app::warning::ack::{Acknowledged, PatrolRequest};
use grassroots_app::warning::board::RelayBoard;
use grassroots_app::warning::points::ImportedPoints;
use grassroots_app::warning::relay::{WebhookCreated, WebhookRequest};
use grassroots_app::warning::{DraftRequest, Imported, ReviseRequest, WarningList, WarningView};
use grassroots_domain::page::{Page, PageRequest};
use grassroots_domain::warning::{
    HazardPoint, HazardPointId, LevelRule, Notice, NoticeId, Patrol, Warning, WarningId, Webhook,
};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiBytes, ApiJson, ApiPath, ApiQuery};
use crate::auth::ApiActor;
use crate::error::{ApiError, Problem};
use crate::state::WebState;

pub fn routes(r: OpenApiRouter<WebState>) -> OpenApiRouter<WebState> {
    r.routes(routes!(list_warnings, draft_warning))
        .routes(routes!(get_warning))
        .routes(routes!(cosign_warning))
        .routes(routes!(withdraw_warning))
        .routes(routes!(revise_warning))
        .routes(routes!(board))
        .routes(routes!(export_cap))
        .routes(routes!(import_cap))
        .routes(routes!(report_patrol))
        .routes(routes!(my_notices))
        .routes(routes!(acknowledge))
        .routes(routes!(public_acknowledge))
        .routes(routes!(public_warnings))
        .routes(routes!(rules, set_rule))
        .routes(routes!(hazard_points, import_hazard_points))
        .routes(routes!(hazard_point))
        .routes(routes!(webhooks, add_webhook))
}

/// The warnings of the caller's area: drafts awaiting the caller's co-signature, the
/// caller's bureau's drafts, those in force, and past ones.
#[utoipa::path(get, path = "/api/v1/warnings", tag = "warning", responses((status = 200, body = WarningList)))]
async fn list_warnings(State(s): State<WebState>, ApiActor(a): ApiActor) -> Result<Json<WarningList>, ApiError> {
    Ok(Json(s.app.warnings(&a).await?))
}

/// Draft a warning (a bureau); the other bureau of the district co-signs it.
#[utoipa::path(post, path = "/api/v1/warnings", tag = "warning", request_body = DraftRequest,
    responses((status = 201, body = WarningView), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn draft_warning(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiJson(req): ApiJson<DraftRequest>,
) -> Result<(StatusCode, Json<WarningView>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.draft_warning(&a, req).await?)))
}

#[utoipa::path(get, path = "/api/v1/warnings/{id}", tag = "warning", params(("id" = i64, Path)),
    responses((status = 200, body = WarningView), (status = 404, body = Problem)))]
async fn get_warning(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<WarningView>, ApiError> {
    Ok(Json(s.app.warning_view(&a, WarningId(id)).await?))
}

/// Co-sign a draft of the other bureau: it is published now, its CAP message fixed, and
/// every town, village and monitor of its area notified.
#[utoipa::path(post, path = "/api/v1/warnings/{id}/cosign", tag = "warning", params(("id" = i64, Path)),
    responses((status = 200, body = WarningView), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn cosign_warning(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<WarningView>, ApiError> {
    Ok(Json(s.app.cosign_warning(&a, WarningId(id)).await?))
}

/// Withdraw one's own bureau's draft before it is co-signed.
#[utoipa::path(post, path = "/api/v1/warnings/{id}/withdraw", tag = "warning", params(("id" = i64, Path)),
    responses((status = 200, body = WarningView), (status = 409, body = Problem)))]
async fn withdraw_warning(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<WarningView>, ApiError> {
    Ok(Json(s.app.withdraw_warning(&a, WarningId(id)).await?))
}

/// Draft an update or a cancel of a published warning; it references the warning and is
/// co-signed like any draft.
#[utoipa::path(post, path = "/api/v1/warnings/{id}/revisions", tag = "warning", params(("id" = i64, Path)),
    request_body = ReviseRequest,
    responses((status = 201, body = WarningView), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn revise_warning(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ReviseRequest>,
) -> Result<(StatusCode, Json<WarningView>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.revise_warning(&a, WarningId(id), req).await?)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct BoardQuery {
    /// List this town's notices one by one.
    pub town: Option<String>,
}

/// The relay board within the caller's scope: per town, acknowledged, pending and
/// escalated; the indicators; patrols; the caller's own notices.
#[utoipa::path(get, path = "/api/v1/warnings/{id}/board", tag = "warning", params(("id" = i64, Path), BoardQuery),
    responses((status = 200, body = RelayBoard), (status = 404, body = Problem)))]
async fn board(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<BoardQuery>,
) -> Result<Json<RelayBoard>, ApiError> {
    Ok(Json(s.app.relay_board(&a, WarningId(id), q.town.as_deref()).await?))
}

fn cap_response(xml: String) -> Response {
    ([(header::CONTENT_TYPE, "application/cap+xml; charset=utf-8")], xml).into_response()
}

/// The CAP 1.2 message of a published or imported warning.
#[utoipa::path(get, path = "/api/v1/warnings/{id}/cap", tag = "warning", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/cap+xml", body = String), (status = 404, body = Problem)))]
async fn export_cap(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    s.app.warning_view(&a, WarningId(id)).await?;
    Ok(cap_response(s.app.warning_cap(WarningId(id)).await?))
}

/// Import a CAP 1.2 message from elsewhere (the body): checked, each fault named by its
/// element; the same message twice is recorded once.
#[utoipa::path(post, path = "/api/v1/warnings/import", tag = "warning",
    request_body(content = String, content_type = "application/cap+xml"),
    responses((status = 200, body = Imported), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn import_cap(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiBytes(body): ApiBytes,
) -> Result<Json<Imported>, ApiError> {
    let xml = String::from_utf8(body.to_vec())
        .map_err(|_| grassroots_domain::ValidationError::new("file", "not_utf8", "CAP files are UTF-8 XML"))
        .map_err(grassroots_app::AppError::from)?;
    Ok(Json(s.app.import_cap(&a, &xml).await?))
}

/// Report a patrol of a point under a warning: what was found, people moved.
#[utoipa::path(post, path = "/api/v1/warnings/{id}/patrols", tag = "warning", params(("id" = i64, Path)),
    request_body = PatrolRequest,
    responses((status = 201, body = Patrol), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn report_patrol(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<PatrolRequest>,
) -> Result<(StatusCode, Json<Patrol>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.report_patrol(&a, WarningId(id), req).await?)))
}

/// The notices addressed to the caller (their town, village or points), unacknowledged first.
#[utoipa::path(get, path = "/api/v1/warning-notices", tag = "warning", responses((status = 200, body = Vec<Notice>)))]
async fn my_notices(State(s): State<WebState>, ApiActor(a): ApiActor) -> Result<Json<Vec<Notice>>, ApiError> {
    Ok(Json(s.app.my_notices(&a).await?))
}

/// Acknowledge a notice addressed to the caller; another's is refused, saying whose it is.
#[utoipa::path(post, path = "/api/v1/warning-notices/{id}/acknowledgement", tag = "warning",
    params(("id" = i64, Path)),
    responses((status = 200, body = Acknowledged), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn acknowledge(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Acknowledged>, ApiError> {
    Ok(Json(s.app.acknowledge_notice(&a, NoticeId(id)).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkAcknowledgement {
    /// The token of the text message's link (`/ack/{token}`).
    pub token: String,
}

/// Acknowledge by the token of a text message's link, without login.
#[utoipa::path(post, path = "/api/v1/public/acknowledgements", tag = "warning", request_body = LinkAcknowledgement,
    responses((status = 200, body = Acknowledged), (status = 404, body = Problem)))]
async fn public_acknowledge(
    State(s): State<WebState>,
    ApiJson(req): ApiJson<LinkAcknowledgement>,
) -> Result<Json<Acknowledged>, ApiError> {
    Ok(Json(s.app.acknowledge_by_link(&req.token).await?))
}

/// Warnings in force, for anyone.
#[utoipa::path(get, path = "/api/v1/public/warnings", tag = "warning", responses((status = 200, body = Vec<Warning>)))]
async fn public_warnings(State(s): State<WebState>) -> Result<Json<Vec<Warning>>, ApiError> {
    Ok(Json(s.app.active_warnings().await?))
}

/// What each level requires in the caller's division.
#[utoipa::path(get, path = "/api/v1/warning-rules", tag = "warning", responses((status = 200, body = Vec<LevelRule>)))]
async fn rules(State(s): State<WebState>, ApiActor(a): ApiActor) -> Result<Json<Vec<LevelRule>>, ApiError> {
    Ok(Json(s.app.warning_rules(&a.division_code).await?))
}

/// Set what a level requires in the bureau's division.
#[utoipa::path(put, path = "/api/v1/warning-rules", tag = "warning", request_body = LevelRule,
    responses((status = 200, body = Vec<LevelRule>), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn set_rule(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiJson(rule): ApiJson<LevelRule>,
) -> Result<Json<Vec<LevelRule>>, ApiError> {
    Ok(Json(s.app.set_warning_rule(&a, rule).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// Hazard points of the caller's area, by town and number.
#[utoipa::path(get, path = "/api/v1/hazard-points", tag = "warning", params(PageQuery),
    responses((status = 200, body = Page<HazardPoint>)))]
async fn hazard_points(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<Page<HazardPoint>>, ApiError> {
    Ok(Json(s.app.hazard_points(&a, PageRequest::from_parts(q.page, q.per_page)).await?))
}

/// Import hazard points from an XLSX or CSV file sent as the body; all or nothing, errors
/// by row and column.
#[utoipa::path(post, path = "/api/v1/hazard-points", tag = "warning",
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    responses((status = 200, body = ImportedPoints), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn import_hazard_points(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiBytes(body): ApiBytes,
) -> Result<Json<ImportedPoints>, ApiError> {
    Ok(Json(s.app.import_hazard_points(&a, &body).await?))
}

#[utoipa::path(get, path = "/api/v1/hazard-points/{id}", tag = "warning", params(("id" = i64, Path)),
    responses((status = 200, body = HazardPoint), (status = 404, body = Problem)))]
async fn hazard_point(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<HazardPoint>, ApiError> {
    Ok(Json(s.app.hazard_point(&a, HazardPointId(id)).await?))
}

/// Webhooks subscribed to the warnings of the administrator's area.
#[utoipa::path(get, path = "/api/v1/warning-webhooks", tag = "warning",
    responses((status = 200, body = Vec<Webhook>), (status = 403, body = Problem)))]
async fn webhooks(State(s): State<WebState>, ApiActor(a): ApiActor) -> Result<Json<Vec<Webhook>>, ApiError> {
    Ok(Json(s.app.webhooks(&a).await?))
}

/// Subscribe a webhook; the answer holds its signing secret, shown this once.
#[utoipa::path(post, path = "/api/v1/warning-webhooks", tag = "warning", request_body = WebhookRequest,
    responses((status = 201, body = WebhookCreated), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn add_webhook(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiJson(req): ApiJson<WebhookRequest>,
) -> Result<(StatusCode, Json<WebhookCreated>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.add_webhook(&a, req).await?)))
}
