//! The burden dashboard: what each department pushes down, as a table and a chart.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use crate::auth::PageSession;
use crate::i18n::Lang;
use crate::pages::{Chrome, error_page, render};
use crate::state::WebState;

#[derive(Template)]
#[template(path = "burden.html")]
pub(super) struct BurdenPage {
    c: Chrome,
    chart: String,
    rows: Vec<Row>,
}

pub(super) struct Row {
    sender: String,
    month: String,
    duty: i64,
    cooperation: i64,
    negative: i64,
    review: i64,
    total: i64,
    refused: String,
    hours: String,
}

pub(super) async fn burden(State(s): State<WebState>, session: PageSession) -> Response {
    let lang = session.lang;
    let report = match s.app.burden(&session.actor).await {
        Ok(r) => r,
        Err(e) => return error_page(lang, e.into()),
    };
    let rows = report
        .rows
        .iter()
        .map(|r| Row {
            sender: r.sender.clone(),
            month: r.month.clone(),
            duty: r.duty,
            cooperation: r.cooperation,
            negative: r.negative,
            review: r.review,
            total: r.total,
            refused: format!("{:.0}%", r.refused_share * 100.0),
            hours: report.review_hours.get(&r.sender_body_id).map(|h| format!("{h:.1}")).unwrap_or_else(|| "—".into()),
        })
        .collect();
    let mut totals: BTreeMap<&str, [i64; 4]> = BTreeMap::new();
    for r in &report.rows {
        let t = totals.entry(r.sender.as_str()).or_default();
        t[0] += r.duty;
        t[1] += r.cooperation;
        t[2] += r.negative;
        t[3] += r.review;
    }
    render(&BurdenPage { c: Chrome::of(&session), chart: chart(lang, &totals), rows })
}

/// Stacked bars, one per department.
fn chart(lang: Lang, totals: &BTreeMap<&str, [i64; 4]>) -> String {
    const COLORS: [&str; 4] = ["#2e7d32", "#1565c0", "#c62828", "#f9a825"];
    let keys = ["duty", "cooperation", "negative", "decision.review"];
    let series: Vec<(&str, &str)> = keys.iter().zip(COLORS).map(|(k, c)| (lang.t(k), c)).collect();
    let rows: Vec<(String, Vec<i64>)> = totals.iter().map(|(s, t)| (s.to_string(), t.to_vec())).collect();
    crate::pages::chart::bars(&series, &rows, true)
}
