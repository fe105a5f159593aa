//! Pages of the empowerment menu: the catalog; the rounds, each with its figures, the
//! ordering page for a town, the assessment queue for a department and the decision board
//! for the staffing office; a town's power list with its history and evaluation.

mod catalog;
mod powers;
mod rounds;

use axum::http::Method;

use crate::auth::PageSession;
use crate::pages::PageRoutes;

pub fn routes(r: PageRoutes) -> PageRoutes {
    r.route(Method::GET, "/catalog", catalog::catalog)
        .route(Method::POST, "/catalog/import", catalog::import)
        .route(Method::GET, "/rounds", rounds::rounds)
        .route(Method::POST, "/rounds", rounds::open)
        .route(Method::GET, "/rounds/{id}", rounds::round)
        .route(Method::GET, "/rounds/{id}/order", rounds::order_page)
        .route(Method::POST, "/rounds/{id}/orders", rounds::place)
        .route(Method::GET, "/rounds/{id}/assess", rounds::assess_page)
        .route(Method::POST, "/orders/{id}/assessment", rounds::assess)
        .route(Method::GET, "/rounds/{id}/decide", rounds::decide_page)
        .route(Method::POST, "/orders/{id}/decision", rounds::decide)
        .route(Method::POST, "/rounds/{id}/close", rounds::close)
        .route(Method::POST, "/rounds/{id}/publish", rounds::publish)
        .route(Method::GET, "/powers", powers::powers)
        .route(Method::POST, "/powers/revoke", powers::revoke)
        .route(Method::POST, "/powers/uses", powers::record_use)
}

/// The county whose catalog and rounds the actor works with: its own, or the one asked for.
fn county_of(session: &PageSession, asked: Option<&str>) -> String {
    asked
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .unwrap_or_else(|| session.actor.division_code.get(..6).unwrap_or_default().to_owned())
}
