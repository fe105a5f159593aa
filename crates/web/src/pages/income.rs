//! The page of village collective income: a county's, town's or village's sum for a year
//! beside the year before, by source and by town or village with a chart, the weak
//! villages, and the import of a table.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::Method;
use axum::response::{IntoResponse, Redirect, Response};
use grassroots_app::income::IncomeSummary;
use grassroots_domain::core::role::Permission;
use grassroots_domain::income::yuan;
use serde::Deserialize;

use crate::auth::{CsrfUpload, PageSession};
use crate::pages::{Chrome, PageRoutes, chart, error_page, form_error, render, towns_in_scope};
use crate::state::WebState;

pub fn routes(r: PageRoutes) -> PageRoutes {
    r.route(Method::GET, "/income", income).route(Method::POST, "/income/import", import)
}

#[derive(Template)]
#[template(path = "income.html")]
struct IncomePage {
    c: Chrome,
    error: Option<String>,
    notice: Option<String>,
    s: IncomeSummary,
    divisions: Vec<(String, String)>,
    years: Vec<i32>,
    chart: String,
    records: bool,
}

#[derive(Deserialize, Default)]
struct IncomeQuery {
    division: Option<String>,
    year: Option<i32>,
    imported: Option<usize>,
}

impl IncomePage {
    /// As a percentage with its sign, or a dash without a base year.
    fn percent(&self, g: &Option<f64>) -> String {
        g.map_or("—".to_owned(), |g| format!("{:+.1}%", g * 100.0))
    }

    fn yuan(&self, fen: &i64) -> String {
        yuan(*fen)
    }
}

async fn income(State(s): State<WebState>, session: PageSession, Query(q): Query<IncomeQuery>) -> Response {
    income_page(&s, &session, q, None).await
}

async fn income_page(s: &WebState, session: &PageSession, q: IncomeQuery, error: Option<String>) -> Response {
    let lang = session.lang;
    let this_year = grassroots_app::core::today().year();
    let year = q.year.unwrap_or(this_year - 1);
    let home = session.actor.division_code.clone();
    let division = q.division.filter(|d| !d.is_empty()).unwrap_or(home.clone());
    let result = async {
        let mut divisions = vec![(home.clone(), lang.pick("本辖区", "my area").to_owned())];
        if home.len() == 6 {
            divisions.extend(towns_in_scope(s, session).await?);
        }
        Ok::<_, grassroots_app::AppError>((s.app.income(&session.actor, &division, year).await?, divisions))
    }
    .await;
    let (summary, divisions) = match result {
        Ok(r) => r,
        Err(e) => return error_page(lang, e.into()),
    };
    let series = [(lang.pick("本年", "this year"), "#2b6cb0"), (lang.pick("上年", "year before"), "#a0aec0")];
    let rows: Vec<(String, Vec<i64>)> =
        summary.parts.iter().map(|p| (p.name.clone(), vec![p.sum.fen / 100, p.sum.previous_fen / 100])).collect();
    render(&IncomePage {
        c: Chrome::of(session),
        error,
        notice: q.imported.map(|n| format!("{} {n}", lang.pick("已导入金额条数：", "amounts imported:"))),
        chart: chart::bars(&series, &rows, false),
        s: summary,
        divisions,
        years: (2015..=this_year).rev().collect(),
        records: session.actor.role.may(Permission::RecordIncome),
    })
}

async fn import(State(s): State<WebState>, f: CsrfUpload) -> Response {
    let lang = f.session.lang;
    let data = f.file.as_deref().unwrap_or_default();
    match s.app.import_income(&f.session.actor, data).await {
        Ok(r) => Redirect::to(&format!("/income?imported={}", r.lines)).into_response(),
        Err(e) => match form_error(lang, e) {
            Ok(msg) => income_page(&s, &f.session, IncomeQuery::default(), Some(msg)).await,
            Err(e) => error_page(lang, e),
        },
    }
}
