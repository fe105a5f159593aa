//! API of village collective income: importing a table, and the sums of a county, town
//! or village for a year beside the year before.

use axum::Json;
use axum::extract::State;
use grassroots_app::income::{ImportedIncome, IncomeSummary};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiBytes, ApiPath, ApiQuery};
use crate::auth::ApiActor;
use crate::error::{ApiError, Problem};
use crate::state::WebState;

pub fn routes(r: OpenApiRouter<WebState>) -> OpenApiRouter<WebState> {
    r.routes(routes!(import_income)).routes(routes!(income))
}

/// Import amounts from an XLSX or CSV file sent as the body (village code, year, source,
/// amount in fen): amounts already recorded are replaced; all or nothing.
#[utoipa::path(post, path = "/api/v1/income", tag = "income",
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    responses((status = 200, body = ImportedIncome), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn import_income(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiBytes(body): ApiBytes,
) -> Result<Json<ImportedIncome>, ApiError> {
    Ok(Json(s.app.import_income(&a, &body).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct YearQuery {
    pub year: i32,
}

/// A county's, town's or village's collective income in a year beside the year before: by
/// source, by town or village, and the weak villages.
#[utoipa::path(get, path = "/api/v1/divisions/{code}/income", tag = "income",
    params(("code" = String, Path, description = "county, town or village code"), YearQuery),
    responses((status = 200, body = IncomeSummary), (status = 404, body = Problem)))]
async fn income(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> Result<Json<IncomeSummary>, ApiError> {
    Ok(Json(s.app.income(&a, &code, q.year).await?))
}
