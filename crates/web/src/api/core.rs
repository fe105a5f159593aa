//! API of the shared concepts: sessions, the caller, divisions, bodies, users, tokens,
//! the audit log and the working-day calendar.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use grassroots_app::core::bodies::{BodyQuery, NewBodyRequest};
use grassroots_app::core::divisions::{DivisionQuery, DivisionView};
use grassroots_app::core::tokens::{CreatedToken, NewTokenRequest};
use grassroots_app::core::users::{NewUserRequest, UserQuery};
use grassroots_domain::core::audit::AuditRecord;
use grassroots_domain::core::body::{Body, BodyId};
use grassroots_domain::core::division::DivisionCode;
use grassroots_domain::core::role::Role;
use grassroots_domain::core::user::{ApiToken, TokenId, User, UserId};
use grassroots_domain::page::{Page, PageRequest};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiJson, ApiPath, ApiQuery};
use crate::auth::{ApiActor, ClientAddress, SESSION_COOKIE, removal, session_cookie};
use crate::error::{ApiError, Problem};
use crate::state::WebState;

type ApiResult<T> = Result<Json<T>, ApiError>;

pub fn routes(r: OpenApiRouter<WebState>) -> OpenApiRouter<WebState> {
    r.routes(routes!(login, logout))
        .routes(routes!(me))
        .routes(routes!(change_password))
        .routes(routes!(list_divisions))
        .routes(routes!(get_division))
        .routes(routes!(division_children))
        .routes(routes!(division_subtree))
        .routes(routes!(division_ancestors))
        .routes(routes!(list_bodies, create_body))
        .routes(routes!(get_body))
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user))
        .routes(routes!(disable_user))
        .routes(routes!(enable_user))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
        .routes(routes!(list_audit))
        .routes(routes!(working_days))
        .routes(routes!(deadline))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// The caller and what it sees.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Me {
    pub user_id: Option<UserId>,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub body_id: Option<BodyId>,
    /// The division at the top of the caller's scope.
    pub division_code: String,
    pub via_token: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LoginResponse {
    pub me: Me,
    /// Send as `X-CSRF-Token` on every state-changing request made with the session cookie.
    pub csrf_token: String,
}

fn me_of(a: &grassroots_app::Actor) -> Me {
    Me {
        user_id: a.user_id,
        username: a.username.clone(),
        display_name: a.display_name.clone(),
        role: a.role,
        body_id: a.body_id,
        division_code: a.division_code.clone(),
        via_token: a.via_token.is_some(),
    }
}

/// Log in with a password; the session cookie comes back with the CSRF token.
#[utoipa::path(post, path = "/api/v1/session", tag = "core", security(()), request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = Problem), (status = 423, body = Problem), (status = 429, body = Problem)))]
async fn login(
    State(s): State<WebState>,
    ClientAddress(address): ClientAddress,
    jar: CookieJar,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let session = s.app.login(&req.username, &req.password, &address).await?;
    let cookie = session_cookie(session.secret, s.secure_cookies, s.app.settings.session_hours);
    let body = LoginResponse { me: me_of(&session.actor), csrf_token: session.csrf_token };
    Ok((jar.add(cookie), Json(body)).into_response())
}

/// End the current session.
#[utoipa::path(delete, path = "/api/v1/session", tag = "core", responses((status = 204), (status = 401, body = Problem)))]
async fn logout(State(s): State<WebState>, ApiActor(a): ApiActor, jar: CookieJar) -> Result<Response, ApiError> {
    if let Some(secret) = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()) {
        s.app.logout(&a, &secret).await?;
    }
    Ok((jar.add(removal(SESSION_COOKIE)), StatusCode::NO_CONTENT).into_response())
}

/// Who is calling.
#[utoipa::path(get, path = "/api/v1/me", tag = "core", responses((status = 200, body = Me), (status = 401, body = Problem)))]
async fn me(ApiActor(a): ApiActor) -> Json<Me> {
    Json(me_of(&a))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// Change one's own password; other sessions end.
#[utoipa::path(put, path = "/api/v1/me/password", tag = "core", request_body = PasswordChange,
    responses((status = 204), (status = 422, body = Problem)))]
async fn change_password(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    jar: CookieJar,
    ApiJson(req): ApiJson<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    let keep = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned());
    s.app.change_password(&a, &req.current_password, &req.new_password, keep.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Divisions of the caller's scope; filter by parent, level or name.
#[utoipa::path(get, path = "/api/v1/divisions", tag = "core", params(DivisionQuery),
    responses((status = 200, body = Page<DivisionView>), (status = 401, body = Problem)))]
async fn list_divisions(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<DivisionQuery>,
) -> ApiResult<Page<DivisionView>> {
    Ok(Json(s.app.list_divisions(&a, q).await?))
}

#[utoipa::path(get, path = "/api/v1/divisions/{code}", tag = "core", params(("code" = String, Path, description = "division code")),
    responses((status = 200, body = DivisionView), (status = 404, body = Problem)))]
async fn get_division(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(code): ApiPath<DivisionCode>,
) -> ApiResult<DivisionView> {
    Ok(Json(s.app.get_division(&a, &code).await?))
}

/// The children of a division.
#[utoipa::path(get, path = "/api/v1/divisions/{code}/children", tag = "core",
    params(("code" = String, Path, description = "division code"), PageRequest),
    responses((status = 200, body = Page<DivisionView>), (status = 404, body = Problem)))]
async fn division_children(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(code): ApiPath<DivisionCode>,
    ApiQuery(p): ApiQuery<PageRequest>,
) -> ApiResult<Page<DivisionView>> {
    let q = DivisionQuery {
        parent: Some(code.clone()),
        page: Some(p.page),
        per_page: Some(p.per_page),
        ..Default::default()
    };
    Ok(Json(s.app.division_subtree(&a, &code, q).await?))
}

/// A division and everything under it; filter by level or name.
#[utoipa::path(get, path = "/api/v1/divisions/{code}/subtree", tag = "core",
    params(("code" = String, Path, description = "division code"), DivisionQuery),
    responses((status = 200, body = Page<DivisionView>), (status = 404, body = Problem)))]
async fn division_subtree(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(code): ApiPath<DivisionCode>,
    ApiQuery(q): ApiQuery<DivisionQuery>,
) -> ApiResult<Page<DivisionView>> {
    Ok(Json(s.app.division_subtree(&a, &code, q).await?))
}

/// The ancestors of a division within the caller's scope, root first.
#[utoipa::path(get, path = "/api/v1/divisions/{code}/ancestors", tag = "core", params(("code" = String, Path, description = "division code")),
    responses((status = 200, body = Vec<DivisionView>), (status = 404, body = Problem)))]
async fn division_ancestors(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(code): ApiPath<DivisionCode>,
) -> ApiResult<Vec<DivisionView>> {
    Ok(Json(s.app.division_ancestors(&a, &code).await?))
}

#[utoipa::path(get, path = "/api/v1/bodies", tag = "core", params(BodyQuery), responses((status = 200, body = Page<Body>)))]
async fn list_bodies(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<BodyQuery>,
) -> ApiResult<Page<Body>> {
    Ok(Json(s.app.list_bodies(&a, q).await?))
}

/// Create a body at a division of the caller's scope (administrators).
#[utoipa::path(post, path = "/api/v1/bodies", tag = "core", request_body = NewBodyRequest,
    responses((status = 201, body = Body), (status = 403, body = Problem), (status = 422, body = Problem), (status = 409, body = Problem)))]
async fn create_body(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiJson(req): ApiJson<NewBodyRequest>,
) -> Result<(StatusCode, Json<Body>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.add_body(&a, req).await?)))
}

#[utoipa::path(get, path = "/api/v1/bodies/{id}", tag = "core", params(("id" = i64, Path)), responses((status = 200, body = Body), (status = 404, body = Problem)))]
async fn get_body(State(s): State<WebState>, ApiActor(a): ApiActor, ApiPath(id): ApiPath<i64>) -> ApiResult<Body> {
    Ok(Json(s.app.get_body(&a, BodyId(id)).await?))
}

#[utoipa::path(get, path = "/api/v1/users", tag = "core", params(UserQuery), responses((status = 200, body = Page<User>)))]
async fn list_users(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiQuery(q): ApiQuery<UserQuery>,
) -> ApiResult<Page<User>> {
    Ok(Json(s.app.list_users(&a, q).await?))
}

/// Create a user in a body of the caller's scope (administrators).
#[utoipa::path(post, path = "/api/v1/users", tag = "core", request_body = NewUserRequest,
    responses((status = 201, body = User), (status = 403, body = Problem), (status = 422, body = Problem), (status = 409, body = Problem)))]
async fn create_user(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiJson(req): ApiJson<NewUserRequest>,
) -> Result<(StatusCode, Json<User>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.add_user(&a, req).await?)))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "core", params(("id" = i64, Path)), responses((status = 200, body = User), (status = 404, body = Problem)))]
async fn get_user(State(s): State<WebState>, ApiActor(a): ApiActor, ApiPath(id): ApiPath<i64>) -> ApiResult<User> {
    Ok(Json(s.app.get_user(&a, UserId(id)).await?))
}

/// Disable a user; its sessions end at once (administrators).
#[utoipa::path(post, path = "/api/v1/users/{id}/disable", tag = "core", params(("id" = i64, Path)),
    responses((status = 200, body = User), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn disable_user(State(s): State<WebState>, ApiActor(a): ApiActor, ApiPath(id): ApiPath<i64>) -> ApiResult<User> {
    Ok(Json(s.app.set_user_disabled(&a, UserId(id), true).await?))
}

/// Enable a disabled user (administrators).
#[utoipa::path(post, path = "/api/v1/users/{id}/enable", tag = "core", params(("id" = i64, Path)),
    responses((status = 200, body = User), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn enable_user(State(s): State<WebState>, ApiActor(a): ApiActor, ApiPath(id): ApiPath<i64>) -> ApiResult<User> {
    Ok(Json(s.app.set_user_disabled(&a, UserId(id), false).await?))
}

/// The caller's own API tokens.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "core", params(PageRequest), responses((status = 200, body = Page<ApiToken>)))]
async fn list_tokens(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiQuery(p): ApiQuery<PageRequest>,
) -> ApiResult<Page<ApiToken>> {
    Ok(Json(s.app.list_tokens(&a, p).await?))
}

/// Create an API token acting as the caller; its secret is in this answer only.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "core", request_body = NewTokenRequest,
    responses((status = 201, body = CreatedToken), (status = 422, body = Problem)))]
async fn create_token(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiJson(req): ApiJson<NewTokenRequest>,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.create_token(&a, req).await?)))
}

/// Revoke a token: one's own, or (administrators) one of a user in scope.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "core", params(("id" = i64, Path)),
    responses((status = 200, body = ApiToken), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn revoke_token(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<ApiToken> {
    Ok(Json(s.app.revoke_token(&a, TokenId(id)).await?))
}

/// The audit log of the caller's scope, newest first (administrators).
#[utoipa::path(get, path = "/api/v1/audit", tag = "core", params(PageRequest),
    responses((status = 200, body = Page<AuditRecord>), (status = 403, body = Problem)))]
async fn list_audit(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiQuery(p): ApiQuery<PageRequest>,
) -> ApiResult<Page<AuditRecord>> {
    Ok(Json(s.app.list_audit(&a, p).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct BetweenQuery {
    #[param(value_type = String, format = Date)]
    pub from: Date,
    #[param(value_type = String, format = Date)]
    pub to: Date,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WorkingDays {
    #[schema(value_type = String, format = Date)]
    pub from: Date,
    #[schema(value_type = String, format = Date)]
    pub to: Date,
    /// Working days after `from` up to and including `to`.
    pub working_days: u32,
}

/// Count working days between two dates on the official calendar.
#[utoipa::path(get, path = "/api/v1/calendar/working-days", tag = "core", params(BetweenQuery), responses((status = 200, body = WorkingDays)))]
async fn working_days(
    State(s): State<WebState>,
    _caller: ApiActor,
    ApiQuery(q): ApiQuery<BetweenQuery>,
) -> Json<WorkingDays> {
    let n = s.app.calendar().working_days_between(q.from, q.to);
    Json(WorkingDays { from: q.from, to: q.to, working_days: n })
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DeadlineQuery {
    #[param(value_type = String, format = Date)]
    pub start: Date,
    /// Working days allowed; the start day is not counted.
    pub days: u32,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Deadline {
    #[schema(value_type = String, format = Date)]
    pub start: Date,
    pub days: u32,
    #[schema(value_type = String, format = Date)]
    pub due: Date,
}

/// The day a period of working days ends.
#[utoipa::path(get, path = "/api/v1/calendar/deadline", tag = "core", params(DeadlineQuery), responses((status = 200, body = Deadline)))]
async fn deadline(
    State(s): State<WebState>,
    _caller: ApiActor,
    ApiQuery(q): ApiQuery<DeadlineQuery>,
) -> Result<Json<Deadline>, ApiError> {
    if q.days > 3650 {
        return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "out_of_range", "days is at most 3650"));
    }
    let due = s.app.calendar().add_working_days(q.start, q.days);
    Ok(Json(Deadline { start: q.start, days: q.days, due }))
}
