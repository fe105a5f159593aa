//! The audit log of one's scope (administrators).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use grassroots_domain::core::time::display_local;
use grassroots_domain::page::PageRequest;

use crate::auth::PageSession;
use crate::pages::{Chrome, ListQuery, error_page, pager, render};
use crate::state::WebState;

#[derive(Template)]
#[template(path = "audit.html")]
pub(super) struct AuditPage {
    c: Chrome,
    total: i64,
    rows: Vec<(i64, String, String, String, String)>,
    pager: String,
}

pub(super) async fn audit(State(s): State<WebState>, session: PageSession, Query(q): Query<ListQuery>) -> Response {
    let lang = session.lang;
    let page = PageRequest::from_parts(q.page, Some(50));
    let list = match s.app.list_audit(&session.actor, page).await {
        Ok(l) => l,
        Err(e) => return error_page(lang, e.into()),
    };
    render(&AuditPage {
        c: Chrome::of(&session),
        total: list.total,
        rows: list
            .items
            .iter()
            .map(|r| {
                let e = &r.entry;
                (
                    e.seq,
                    display_local(&e.at),
                    e.actor.clone(),
                    e.action.clone(),
                    format!("{} {}", e.object_type, e.object_id),
                )
            })
            .collect(),
        pager: pager(lang, "/audit", list.page, list.per_page, list.total),
    })
}
