//! API of the empowerment menu: the catalog (search, import, export), rounds and their
//! orders, assessments and decisions, and each town's power list — in force, history,
//! the power check, taking back, uses and evaluation.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use grassroots_app::empowerment::catalog::{CatalogImport, Filter};
use grassroots_app::empowerment::catalogfile;
use grassroots_app::empowerment::powers::{Holding, PowerListView, RevokeRequest, UseRequest};
use grassroots_app::empowerment::rounds::{
    AssessRequest, DecideRequest, NewRoundRequest, OrderFilter, OrderRequest, PublishRoundRequest, RoundView,
};
use grassroots_domain::empowerment::{
    CatalogMatter, Evaluation, Order, OrderId, PowerListVersion, PowerType, PowerUse, Risk, Round, RoundId,
};
use grassroots_domain::page::{Page, PageRequest};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiBytes, ApiJson, ApiPath, ApiQuery, ExportQuery, spreadsheet};
use crate::auth::ApiActor;
use crate::error::{ApiError, Problem};
use crate::state::WebState;

pub fn routes(r: OpenApiRouter<WebState>) -> OpenApiRouter<WebState> {
    r.routes(routes!(list_catalog, import_catalog))
        .routes(routes!(export_catalog))
        .routes(routes!(list_rounds))
        .routes(routes!(open_round))
        .routes(routes!(get_round))
        .routes(routes!(close_round))
        .routes(routes!(publish_round))
        .routes(routes!(list_orders, place_order))
        .routes(routes!(assess_order))
        .routes(routes!(decide_order))
        .routes(routes!(power_list))
        .routes(routes!(holds_power))
        .routes(routes!(revoke_power))
        .routes(routes!(record_use))
        .routes(routes!(evaluate_powers))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CatalogQuery {
    pub power_type: Option<PowerType>,
    pub department: Option<String>,
    pub risk: Option<Risk>,
    /// Part of the code, name or legal basis.
    pub q: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// The county's catalog of matters, filtered; the county's towns read it too.
#[utoipa::path(get, path = "/api/v1/counties/{code}/catalog", tag = "empowerment",
    params(("code" = String, Path, description = "county code"), CatalogQuery),
    responses((status = 200, body = Page<CatalogMatter>), (status = 404, body = Problem)))]
async fn list_catalog(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<CatalogQuery>,
) -> Result<Json<Page<CatalogMatter>>, ApiError> {
    let filter = Filter {
        power_type: q.power_type.map(|t| t.as_str().to_owned()).unwrap_or_default(),
        department: q.department.unwrap_or_default(),
        risk: q.risk.map(|r| r.as_str().to_owned()).unwrap_or_default(),
        q: q.q.unwrap_or_default(),
    };
    Ok(Json(s.app.list_catalog(&a, &code, &filter, PageRequest::from_parts(q.page, q.per_page)).await?))
}

/// Import matters from an XLSX or CSV file sent as the body: new codes are added, known
/// ones updated; all or nothing (staffing office).
#[utoipa::path(post, path = "/api/v1/counties/{code}/catalog", tag = "empowerment",
    params(("code" = String, Path, description = "county code")),
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    responses((status = 200, body = CatalogImport), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn import_catalog(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(code): ApiPath<String>,
    ApiBytes(body): ApiBytes,
) -> Result<Json<CatalogImport>, ApiError> {
    Ok(Json(s.app.import_catalog(&a, &code, &body).await?))
}

/// The catalog as a file that imports back to the same matters.
#[utoipa::path(get, path = "/api/v1/counties/{code}/catalog/export", tag = "empowerment",
    params(("code" = String, Path, description = "county code"), ExportQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>), (status = 404, body = Problem)))]
async fn export_catalog(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let matters = s.app.export_catalog(&a, &code).await?;
    spreadsheet(
        q.format.as_deref(),
        &format!("catalog-{code}"),
        || catalogfile::write_csv(&matters),
        || catalogfile::write_xlsx(&matters),
    )
}

/// The county's rounds, newest first.
#[utoipa::path(get, path = "/api/v1/counties/{code}/rounds", tag = "empowerment",
    params(("code" = String, Path, description = "county code")),
    responses((status = 200, body = Vec<Round>), (status = 404, body = Problem)))]
async fn list_rounds(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<Vec<Round>>, ApiError> {
    Ok(Json(s.app.list_rounds(&a, &code).await?))
}

/// Open a round with a deadline for orders (staffing office).
#[utoipa::path(post, path = "/api/v1/rounds", tag = "empowerment", request_body = NewRoundRequest,
    responses((status = 201, body = Round), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn open_round(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiJson(req): ApiJson<NewRoundRequest>,
) -> Result<(StatusCode, Json<Round>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.open_round(&a, req).await?)))
}

/// A round with its figures: catalog, ordered, granted, per town and per type.
#[utoipa::path(get, path = "/api/v1/rounds/{id}", tag = "empowerment", params(("id" = i64, Path)),
    responses((status = 200, body = RoundView), (status = 404, body = Problem)))]
async fn get_round(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<RoundView>, ApiError> {
    Ok(Json(s.app.get_round(&a, RoundId(id)).await?))
}

/// Stop taking orders before the deadline (staffing office).
#[utoipa::path(post, path = "/api/v1/rounds/{id}/close", tag = "empowerment", params(("id" = i64, Path)),
    responses((status = 200, body = Round), (status = 409, body = Problem)))]
async fn close_round(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Round>, ApiError> {
    Ok(Json(s.app.close_round(&a, RoundId(id)).await?))
}

/// Publish a decided round: each town with granted orders gets a new power list version.
#[utoipa::path(post, path = "/api/v1/rounds/{id}/publish", tag = "empowerment", params(("id" = i64, Path)),
    request_body = PublishRoundRequest,
    responses((status = 200, body = Vec<PowerListVersion>), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn publish_round(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<PublishRoundRequest>,
) -> Result<Json<Vec<PowerListVersion>>, ApiError> {
    Ok(Json(s.app.publish_round(&a, RoundId(id), req).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OrderQuery {
    /// Only this town's orders.
    pub town: Option<String>,
    /// Only orders for the caller's own department's matters (the assessment queue).
    pub mine: Option<bool>,
}

/// Orders of a round the caller can see: a town its own, the county all.
#[utoipa::path(get, path = "/api/v1/rounds/{id}/orders", tag = "empowerment", params(("id" = i64, Path), OrderQuery),
    responses((status = 200, body = Vec<Order>), (status = 404, body = Problem)))]
async fn list_orders(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<OrderQuery>,
) -> Result<Json<Vec<Order>>, ApiError> {
    let f = OrderFilter { town: q.town, mine_to_assess: q.mine.unwrap_or(false) };
    Ok(Json(s.app.round_orders(&a, RoundId(id), &f).await?))
}

/// Order a matter for a town (town officer), until the deadline; once per matter.
#[utoipa::path(post, path = "/api/v1/rounds/{id}/orders", tag = "empowerment", params(("id" = i64, Path)),
    request_body = OrderRequest,
    responses((status = 201, body = Order), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn place_order(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<OrderRequest>,
) -> Result<(StatusCode, Json<Order>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.place_order(&a, RoundId(id), req).await?)))
}

/// The owning department's assessment of an order (only that department; once).
#[utoipa::path(post, path = "/api/v1/orders/{id}/assessment", tag = "empowerment", params(("id" = i64, Path)),
    request_body = AssessRequest,
    responses((status = 200, body = Order), (status = 403, body = Problem), (status = 409, body = Problem)))]
async fn assess_order(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<AssessRequest>,
) -> Result<Json<Order>, ApiError> {
    Ok(Json(s.app.assess_order(&a, OrderId(id), req).await?))
}

/// The staffing office's decision on an order, once ordering is over and all orders are
/// assessed; of two officers deciding at once, one wins and the other gets 409.
#[utoipa::path(post, path = "/api/v1/orders/{id}/decision", tag = "empowerment", params(("id" = i64, Path)),
    request_body = DecideRequest,
    responses((status = 200, body = Order), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn decide_order(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<DecideRequest>,
) -> Result<Json<Order>, ApiError> {
    Ok(Json(s.app.decide_order(&a, OrderId(id), req).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DateQuery {
    /// YYYY-MM-DD; today when absent.
    pub date: Option<String>,
}

/// A town's power list in force on a day, with its history.
#[utoipa::path(get, path = "/api/v1/towns/{code}/powers", tag = "empowerment",
    params(("code" = String, Path, description = "town code"), DateQuery),
    responses((status = 200, body = PowerListView), (status = 404, body = Problem)))]
async fn power_list(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<DateQuery>,
) -> Result<Json<PowerListView>, ApiError> {
    Ok(Json(s.app.power_list(&a, &code, q.date.as_deref()).await?))
}

/// Does the town hold this power on this day? The check made before a case is filed.
#[utoipa::path(get, path = "/api/v1/towns/{code}/powers/{matter}/held", tag = "empowerment",
    params(("code" = String, Path, description = "town code"), ("matter" = String, Path, description = "matter code"), DateQuery),
    responses((status = 200, body = Holding), (status = 404, body = Problem)))]
async fn holds_power(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath((code, matter)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<DateQuery>,
) -> Result<Json<Holding>, ApiError> {
    let date = q.date.unwrap_or_else(|| grassroots_app::core::today().to_string());
    Ok(Json(s.app.holds_power(&a, &code, &matter, &date).await?))
}

/// Take a power back from a town: a new version of its list (staffing office).
#[utoipa::path(post, path = "/api/v1/towns/{code}/powers/revoke", tag = "empowerment",
    params(("code" = String, Path, description = "town code")), request_body = RevokeRequest,
    responses((status = 201, body = PowerListVersion), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn revoke_power(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(code): ApiPath<String>,
    ApiJson(req): ApiJson<RevokeRequest>,
) -> Result<(StatusCode, Json<PowerListVersion>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.revoke_power(&a, &code, req).await?)))
}

/// Record a case or service done under a power the town held that day.
#[utoipa::path(post, path = "/api/v1/towns/{code}/power-uses", tag = "empowerment",
    params(("code" = String, Path, description = "town code")), request_body = UseRequest,
    responses((status = 201, body = PowerUse), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn record_use(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(code): ApiPath<String>,
    ApiJson(req): ApiJson<UseRequest>,
) -> Result<(StatusCode, Json<PowerUse>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.record_power_use(&a, &code, req).await?)))
}

/// Each power of the town's list with its use in the last twelve months and its flags.
#[utoipa::path(get, path = "/api/v1/towns/{code}/powers/evaluation", tag = "empowerment",
    params(("code" = String, Path, description = "town code")),
    responses((status = 200, body = Vec<Evaluation>), (status = 404, body = Problem)))]
async fn evaluate_powers(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<Vec<Evaluation>>, ApiError> {
    Ok(Json(s.app.evaluate_powers(&a, &code).await?))
}
