//! API of the command center: reporting, the board, an event's page data, dispatch,
//! progress, extension, merging; and the public's report, tracking and rating, which need
//! no login but the tracking number and the phone number given.

use axum::Json;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use grassroots_app::command::{
    Board, DispatchRequest, EventView, ExtendRequest, MergeEventRequest, PauseEventRequest, ProgressRequest,
    PublicRatingRequest, ReportRequest, Reported, TrackRequest, Tracking,
};
use grassroots_domain::command::{Attachment, AttachmentId, Event, EventId, EventState, MAX_ATTACHMENT_BYTES};
use grassroots_domain::page::{Page, PageRequest};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiJson, ApiPath, ApiQuery};
use crate::auth::{ApiActor, ClientAddress};
use crate::error::{ApiError, Problem};
use crate::state::WebState;

pub fn routes(r: OpenApiRouter<WebState>) -> OpenApiRouter<WebState> {
    r.routes(routes!(list_events, report_event))
        .routes(routes!(get_event))
        .routes(routes!(board))
        .routes(routes!(dispatch_event))
        .routes(routes!(progress_event))
        .routes(routes!(extend_event))
        .routes(routes!(merge_event))
        .routes(routes!(pause_event))
        .routes(uploads(routes!(attach_to_event)))
        .routes(routes!(event_attachment))
        .routes(routes!(public_report))
        .routes(routes!(public_track))
        .routes(routes!(public_rate))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct EventQuery {
    pub state: Option<EventState>,
    /// Only open events past their deadline.
    pub overdue: Option<bool>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// Events of the caller's scope, newest first.
#[utoipa::path(get, path = "/api/v1/events", tag = "command", params(EventQuery), responses((status = 200, body = Page<Event>)))]
async fn list_events(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<EventQuery>,
) -> Result<Json<Page<Event>>, ApiError> {
    let page = PageRequest::from_parts(q.page, q.per_page);
    Ok(Json(s.app.list_events(&a, q.state, q.overdue.unwrap_or(false), page).await?))
}

/// Report an event (staff: patrol, hotline, petition, inspection, warning). The answer
/// comes once the event is on disk: its id and tracking number (the event itself is at
/// `/api/v1/events/{id}`, with the reports that may be the same).
#[utoipa::path(post, path = "/api/v1/events", tag = "command", request_body = ReportRequest,
    responses((status = 201, body = Reported), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn report_event(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiJson(req): ApiJson<ReportRequest>,
) -> Result<(StatusCode, Json<Reported>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.report(&a, req).await?)))
}

/// An event with its timeline and the reports that may be the same.
#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "command", params(("id" = i64, Path)),
    responses((status = 200, body = EventView), (status = 404, body = Problem)))]
async fn get_event(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<EventView>, ApiError> {
    Ok(Json(s.app.get_event(&a, EventId(id)).await?))
}

/// The dispatcher's board: the queue, the overdue, and the load of each office.
#[utoipa::path(get, path = "/api/v1/board", tag = "command", responses((status = 200, body = Board)))]
async fn board(State(s): State<WebState>, ApiActor(a): ApiActor) -> Result<Json<Board>, ApiError> {
    Ok(Json(s.app.board(&a).await?))
}

/// Dispatch an event to an office with the category's deadline in working days.
#[utoipa::path(post, path = "/api/v1/events/{id}/dispatch", tag = "command", params(("id" = i64, Path)),
    request_body = DispatchRequest,
    responses((status = 200, body = EventView), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn dispatch_event(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<DispatchRequest>,
) -> Result<Json<EventView>, ApiError> {
    Ok(Json(s.app.dispatch_event(&a, EventId(id), req).await?))
}

/// Move an event on: in progress, resolved, closed; or reopen it.
#[utoipa::path(post, path = "/api/v1/events/{id}/progress", tag = "command", params(("id" = i64, Path)),
    request_body = ProgressRequest,
    responses((status = 200, body = EventView), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn progress_event(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ProgressRequest>,
) -> Result<Json<EventView>, ApiError> {
    Ok(Json(s.app.progress_event(&a, EventId(id), req).await?))
}

/// Extend an open event's deadline by working days, with the reason.
#[utoipa::path(post, path = "/api/v1/events/{id}/extend", tag = "command", params(("id" = i64, Path)),
    request_body = ExtendRequest,
    responses((status = 200, body = EventView), (status = 422, body = Problem)))]
async fn extend_event(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ExtendRequest>,
) -> Result<Json<EventView>, ApiError> {
    Ok(Json(s.app.extend_event(&a, EventId(id), req).await?))
}

/// Merge a repeated report into the event it repeats.
#[utoipa::path(post, path = "/api/v1/events/{id}/merge", tag = "command", params(("id" = i64, Path)),
    request_body = MergeEventRequest,
    responses((status = 200, body = EventView), (status = 422, body = Problem)))]
async fn merge_event(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<MergeEventRequest>,
) -> Result<Json<EventView>, ApiError> {
    Ok(Json(s.app.merge_event(&a, EventId(id), req).await?))
}

/// Pause an open event (its clock stands still) or resume it.
#[utoipa::path(post, path = "/api/v1/events/{id}/pause", tag = "command", params(("id" = i64, Path)),
    request_body = PauseEventRequest,
    responses((status = 200, body = EventView), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn pause_event(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<PauseEventRequest>,
) -> Result<Json<EventView>, ApiError> {
    Ok(Json(s.app.pause_event(&a, EventId(id), req).await?))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublicReported {
    /// Keep it: with the phone number it shows how the report is handled.
    pub tracking_number: String,
}

/// Report an event without logging in (the public); the answer is the tracking number.
#[utoipa::path(post, path = "/api/v1/public/events", tag = "command", request_body = ReportRequest, security(()),
    responses((status = 201, body = PublicReported), (status = 422, body = Problem)))]
async fn public_report(
    State(s): State<WebState>,
    ApiJson(req): ApiJson<ReportRequest>,
) -> Result<(StatusCode, Json<PublicReported>), ApiError> {
    Ok((StatusCode::CREATED, Json(PublicReported { tracking_number: s.app.public_report(req).await? })))
}

/// Follow a report by its tracking number and the phone number given.
#[utoipa::path(post, path = "/api/v1/public/events/track", tag = "command", request_body = TrackRequest, security(()),
    responses((status = 200, body = Tracking), (status = 404, body = Problem), (status = 429, body = Problem)))]
async fn public_track(
    State(s): State<WebState>,
    ClientAddress(address): ClientAddress,
    ApiJson(req): ApiJson<TrackRequest>,
) -> Result<Json<Tracking>, ApiError> {
    Ok(Json(s.app.track_event(&req, &address).await?.1))
}

/// Rate the result of a resolved report, once.
#[utoipa::path(post, path = "/api/v1/public/events/rating", tag = "command", request_body = PublicRatingRequest, security(()),
    responses((status = 200, body = Tracking), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn public_rate(
    State(s): State<WebState>,
    ClientAddress(address): ClientAddress,
    ApiJson(req): ApiJson<PublicRatingRequest>,
) -> Result<Json<Tracking>, ApiError> {
    Ok(Json(s.app.rate_event(req, &address).await?))
}

/// A route that takes a file: the JSON limit does not apply, the handler reads up to its own.
fn uploads(r: utoipa_axum::router::UtoipaMethodRouter<WebState>) -> utoipa_axum::router::UtoipaMethodRouter<WebState> {
    let (schemas, paths, method) = r;
    (schemas, paths, method.layer(DefaultBodyLimit::disable()))
}

/// The body of an upload, refused with a clear problem once it passes the largest file taken.
async fn read_upload(body: Body) -> Result<Vec<u8>, ApiError> {
    axum::body::to_bytes(body, MAX_ATTACHMENT_BYTES + 1).await.map(|b| b.to_vec()).map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "file_too_large",
            "the file is larger than 10 MiB, the most an event takes",
        )
    })
}

/// A stored file as a download; photos shown in place, documents saved.
pub(crate) fn file_response(a: &Attachment, bytes: Vec<u8>) -> Response {
    let disposition = if a.media_type.starts_with("image/") { "inline" } else { "attachment" };
    // RFC 5987: the name's UTF-8 bytes, those outside attr-char percent-encoded.
    let name: String = a
        .file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let mut res = Body::from(bytes).into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&a.media_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!("{disposition}; filename*=UTF-8''{name}")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=3600"));
    res
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AttachQuery {
    /// The file's name, as it is shown.
    pub name: String,
}

/// Attach a file to an event: the body is the file (JPEG, PNG, WebP or PDF, judged by its
/// content; at most 10 MiB).
#[utoipa::path(post, path = "/api/v1/events/{id}/attachments", tag = "command", params(("id" = i64, Path), AttachQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = Attachment), (status = 403, body = Problem), (status = 413, body = Problem),
        (status = 422, body = Problem)))]
async fn attach_to_event(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<AttachQuery>,
    body: Body,
) -> Result<(StatusCode, Json<Attachment>), ApiError> {
    let bytes = read_upload(body).await?;
    Ok((StatusCode::CREATED, Json(s.app.attach_to_event(&a, EventId(id), &q.name, bytes).await?)))
}

/// A file attached to an event, checked against its SHA-256 before it is sent.
#[utoipa::path(get, path = "/api/v1/events/{id}/attachments/{file}", tag = "command",
    params(("id" = i64, Path), ("file" = i64, Path)),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 404, body = Problem)))]
async fn event_attachment(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath((id, file)): ApiPath<(i64, i64)>,
) -> Result<Response, ApiError> {
    let (att, bytes) = s.app.event_attachment(&a, EventId(id), AttachmentId(file)).await?;
    Ok(file_response(&att, bytes))
}
