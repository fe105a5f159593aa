//! API of the reform's headline figures, computed from the records when asked.

use axum::Json;
use axum::extract::State;
use grassroots_app::indicators::Headline;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::income::YearQuery;
use super::{ApiPath, ApiQuery};
use crate::auth::ApiActor;
use crate::error::{ApiError, Problem};
use crate::state::WebState;

pub fn routes(r: OpenApiRouter<WebState>) -> OpenApiRouter<WebState> {
    r.routes(routes!(headline))
}

/// The headline figures of a county or town for a year; null where a flow has no records.
#[utoipa::path(get, path = "/api/v1/divisions/{code}/headline", tag = "indicators",
    params(("code" = String, Path, description = "county or town code"), YearQuery),
    responses((status = 200, body = Headline), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn headline(
    State(s): State<WebState>,
    ApiActor(a): ApiActor,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> Result<Json<Headline>, ApiError> {
    Ok(Json(s.app.headline(&a, &code, q.year).await?))
}
