//! API of duty lists (import, inherit, publish, history, the version in force, diff,
//! export) and of tasks sent down (send, decisions, review queue, rulings, appeal,
//! withdrawal, burden).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use grassroots_app::admission::listfile;
use grassroots_app::admission::lists::{PublishRequest, VersionWithItems};
use grassroots_app::admission::tasks::{AppealRequest, BurdenReport, NewTaskRequest, RulingRequest, TaskView};
use grassroots_domain::admission::task::{TargetId, TargetState, TaskId, TaskTarget};
use grassroots_domain::admission::{ItemKind, ListDiff, ListVersion, VersionId};
use grassroots_domain::core::division::DivisionCode;
use grassroots_domain::page::{Page, PageRequest};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiBytes, ApiJson, ApiPath, ApiQuery, ExportQuery, spreadsheet};
use crate::auth::ApiActor;
use crate::error::{ApiError, Problem};
use crate::state::WebState;

pub fn routes(r: OpenApiRouter<WebState>) -> OpenApiRouter<WebState> {
    r.routes(routes!(list_versions))
        .routes(routes!(import_list))
        .routes(routes!(inherit_list))
        .routes(routes!(list_in_force))
        .routes(routes!(get_list))
        .routes(routes!(publish_list))
        .routes(routes!(diff_lists))
        .routes(routes!(export_list))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct VersionQuery {
    /// Only this division's versions.
    pub division: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// List versions of the caller's scope, newest first.
#[utoipa::path(get, path = "/api/v1/lists", tag = "admission", params(VersionQuery), responses((status = 200, body = Page<ListVersion>)))]
async fn list_versions(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<VersionQuery>,
) -> Result<Json<Page<ListVersion>>, ApiError> {
    let division =
        q.division.as_deref().map(DivisionCode::parse).transpose().map_err(grassroots_app::AppError::from)?;
    Ok(Json(s.app.list_versions(&a, division.as_ref(), PageRequest::from_parts(q.page, q.per_page)).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// What this version is, e.g. "2025年修订".
    pub note: Option<String>,
}

/// Import a town's lists, or the county template, from an XLSX or CSV file sent as the
/// body; the result is a draft (staffing office).
#[utoipa::path(post, path = "/api/v1/divisions/{code}/lists", tag = "admission",
    params(("code" = String, Path, description = "town or county code"), ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    responses((status = 201, body = ListVersion), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn import_list(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(code): ApiPath<DivisionCode>,
    ApiQuery(q): ApiQuery<ImportQuery>,
    ApiBytes(body): ApiBytes,
) -> Result<(StatusCode, Json<ListVersion>), ApiError> {
    let v = s.app.import_list(&a, &code, &body, q.note.as_deref().unwrap_or("")).await?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// Start a town's new draft from the county template in force (staffing office).
#[utoipa::path(post, path = "/api/v1/divisions/{code}/lists/inherit", tag = "admission",
    params(("code" = String, Path, description = "town code")),
    responses((status = 201, body = ListVersion), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn inherit_list(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(code): ApiPath<DivisionCode>,
) -> Result<(StatusCode, Json<ListVersion>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.inherit_list(&a, &code).await?)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DayQuery {
    /// YYYY-MM-DD.
    pub date: String,
}

/// The published version in force for a division on a day, with its items.
#[utoipa::path(get, path = "/api/v1/divisions/{code}/lists/in-force", tag = "admission",
    params(("code" = String, Path, description = "town or county code"), DayQuery),
    responses((status = 200, body = VersionWithItems), (status = 404, body = Problem)))]
async fn list_in_force(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(code): ApiPath<DivisionCode>,
    ApiQuery(q): ApiQuery<DayQuery>,
) -> Result<Json<VersionWithItems>, ApiError> {
    Ok(Json(s.app.list_in_force(&a, &code, &q.date).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ItemFilter {
    pub kind: Option<ItemKind>,
    pub area: Option<String>,
    /// Part of the code, title, description or keywords.
    pub q: Option<String>,
}

/// A version and its items, filtered by kind, area or words.
#[utoipa::path(get, path = "/api/v1/lists/{id}", tag = "admission", params(("id" = i64, Path), ItemFilter),
    responses((status = 200, body = VersionWithItems), (status = 404, body = Problem)))]
async fn get_list(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(f): ApiQuery<ItemFilter>,
) -> Result<Json<VersionWithItems>, ApiError> {
    let mut v = s.app.get_list(&a, VersionId(id)).await?;
    v.items.retain(|i| {
        f.kind.is_none_or(|k| i.kind == k)
            && f.area.as_deref().is_none_or(|area| i.area == area)
            && f.q.as_deref().is_none_or(|q| {
                [&i.code, &i.title, &i.description].iter().any(|t| t.contains(q))
                    || i.keywords.iter().any(|k| k.contains(q))
            })
    });
    Ok(Json(v))
}

/// Publish a draft with the day it takes effect (staffing office).
#[utoipa::path(post, path = "/api/v1/lists/{id}/publish", tag = "admission", params(("id" = i64, Path)), request_body = PublishRequest,
    responses((status = 200, body = ListVersion), (status = 403, body = Problem), (status = 409, body = Problem)))]
async fn publish_list(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<PublishRequest>,
) -> Result<Json<ListVersion>, ApiError> {
    Ok(Json(s.app.publish_list(&a, VersionId(id), req).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DiffQuery {
    /// The earlier version to compare with.
    pub against: i64,
}

/// What changed from version `against` to this one.
#[utoipa::path(get, path = "/api/v1/lists/{id}/diff", tag = "admission", params(("id" = i64, Path), DiffQuery),
    responses((status = 200, body = ListDiff), (status = 404, body = Problem)))]
async fn diff_lists(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<DiffQuery>,
) -> Result<Json<ListDiff>, ApiError> {
    Ok(Json(s.app.diff_lists(&a, VersionId(q.against), VersionId(id)).await?))
}

/// A version as a file that imports back to the same list.
#[utoipa::path(get, path = "/api/v1/lists/{id}/export", tag = "admission", params(("id" = i64, Path), ExportQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>), (status = 404, body = Problem)))]
async fn export_list(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let v = s.app.get_list(&a, VersionId(id)).await?;
    let name = format!("duty-list-{}-v{}", v.version.division_code, v.version.number);
    spreadsheet(q.format.as_deref(), &name, || listfile::write_csv(&v.items), || listfile::write_xlsx(&v.items))
}

pub fn task_routes(r: OpenApiRouter<WebState>) -> OpenApiRouter<WebState> {
    r.routes(routes!(send_task))
        .routes(routes!(get_task))
        .routes(routes!(withdraw_task))
        .routes(routes!(list_targets))
        .routes(routes!(rule_on_target))
        .routes(routes!(appeal_target))
        .routes(routes!(burden))
}

/// Send a task to towns of the sender's county; each town's decision comes back at once
/// (county departments).
#[utoipa::path(post, path = "/api/v1/tasks", tag = "admission", request_body = NewTaskRequest,
    responses((status = 201, body = TaskView), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn send_task(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiJson(req): ApiJson<NewTaskRequest>,
) -> Result<(StatusCode, Json<TaskView>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.send_task(&a, req).await?)))
}

/// A task with the decisions of the towns the caller may see.
#[utoipa::path(get, path = "/api/v1/tasks/{id}", tag = "admission", params(("id" = i64, Path)),
    responses((status = 200, body = TaskView), (status = 404, body = Problem)))]
async fn get_task(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<TaskView>, ApiError> {
    Ok(Json(s.app.get_task(&a, TaskId(id)).await?))
}

/// Take a task back from every town (its sender).
#[utoipa::path(post, path = "/api/v1/tasks/{id}/withdraw", tag = "admission", params(("id" = i64, Path)),
    responses((status = 200, body = TaskView), (status = 403, body = Problem), (status = 409, body = Problem)))]
async fn withdraw_task(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<TaskView>, ApiError> {
    Ok(Json(s.app.withdraw_task(&a, TaskId(id)).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TargetQuery {
    /// `pending_review` is the staffing office's queue; `accepted` a town's work.
    pub state: Option<TargetState>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// Target towns' decisions in the caller's scope, newest first.
#[utoipa::path(get, path = "/api/v1/task-targets", tag = "admission", params(TargetQuery), responses((status = 200, body = Page<TaskTarget>)))]
async fn list_targets(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<TargetQuery>,
) -> Result<Json<Page<TaskTarget>>, ApiError> {
    Ok(Json(s.app.list_targets(&a, q.state, PageRequest::from_parts(q.page, q.per_page)).await?))
}

/// Rule on a task waiting for review (staffing office).
#[utoipa::path(post, path = "/api/v1/task-targets/{id}/ruling", tag = "admission", params(("id" = i64, Path)), request_body = RulingRequest,
    responses((status = 200, body = TaskTarget), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn rule_on_target(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<RulingRequest>,
) -> Result<Json<TaskTarget>, ApiError> {
    Ok(Json(s.app.rule_on_target(&a, TargetId(id), req).await?))
}

/// Appeal a refusal, once (the task's sender).
#[utoipa::path(post, path = "/api/v1/task-targets/{id}/appeal", tag = "admission", params(("id" = i64, Path)), request_body = AppealRequest,
    responses((status = 200, body = TaskTarget), (status = 403, body = Problem), (status = 409, body = Problem)))]
async fn appeal_target(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<AppealRequest>,
) -> Result<Json<TaskTarget>, ApiError> {
    Ok(Json(s.app.appeal_target(&a, TargetId(id), req).await?))
}

/// What each department pushes down: tasks per month by decision, share refused, review times.
#[utoipa::path(get, path = "/api/v1/burden", tag = "admission", responses((status = 200, body = BurdenReport)))]
async fn burden(State(s): State<WebState>, ApiActor(a): ApiActor) -> Result<Json<BurdenReport>, ApiError> {
    Ok(Json(s.app.burden(&a).await?))
}
