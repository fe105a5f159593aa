//! The burden dashboard: what each department pushes down, as a table and a chart.

use std::collections::BTreeMap;
use std::fmt::Write;

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

/// Horizontal stacked bars, one per department, as inline SVG: no script, a few kilobytes.
fn chart(lang: Lang, totals: &BTreeMap<&str, [i64; 4]>) -> String {
    const COLORS: [&str; 4] = ["#2e7d32", "#1565c0", "#c62828", "#f9a825"];
    let keys = ["duty", "cooperation", "negative", "decision.review"];
    let max = totals.values().map(|t| t.iter().sum::<i64>()).max().unwrap_or(0).max(1) as f64;
    let (label_w, bar_w, row_h) = (220.0, 460.0, 22.0);
    let height = 30.0 + row_h * totals.len() as f64;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {w} {height}" width="100%" style="max-width:{w}px;font-size:12px">"#,
        w = label_w + bar_w + 40.0
    );
    for (i, key) in keys.iter().enumerate() {
        let x = label_w + i as f64 * 110.0;
        let _ = write!(
            svg,
            r#"<rect x="{x}" y="4" width="10" height="10" fill="{}"/><text x="{}" y="13">{}</text>"#,
            COLORS[i],
            x + 14.0,
            esc(lang.t(key))
        );
    }
    for (row, (sender, counts)) in totals.iter().enumerate() {
        let y = 24.0 + row as f64 * row_h;
        let _ = write!(svg, r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#, label_w - 6.0, y + 13.0, esc(sender));
        let mut x = label_w;
        for (i, n) in counts.iter().enumerate() {
            let w = *n as f64 / max * bar_w;
            if w > 0.0 {
                let _ = write!(
                    svg,
                    r#"<rect x="{x:.1}" y="{y}" width="{w:.1}" height="16" fill="{}"><title>{} {n}</title></rect>"#,
                    COLORS[i],
                    esc(lang.t(keys[i]))
                );
            }
            x += w;
        }
        let _ = write!(svg, r#"<text x="{:.1}" y="{}">{}</text>"#, x + 4.0, y + 13.0, counts.iter().sum::<i64>());
    }
    svg.push_str("</svg>");
    svg
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
