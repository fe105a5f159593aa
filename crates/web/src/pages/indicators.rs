//! The leaders' dashboard: the reform's headline figures for a county and each of its
//! towns (or one town) in a year, side by side with their definitions and charts, exported
//! as XLSX; and the same table as a page to print.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use grassroots_app::indicators::{Figure, Headline, YearFigures, xlsx};
use serde::Deserialize;

use crate::auth::PageSession;
use crate::pages::{Chrome, PageRoutes, chart, error_page, render, towns_in_scope};
use crate::state::WebState;

pub fn routes(r: PageRoutes) -> PageRoutes {
    r.route(Method::GET, "/dashboard", dashboard).route(Method::GET, "/dashboard.xlsx", export)
}

/// A row of the table: a figure's name, its value for each division, its definition.
pub struct Row {
    pub name: &'static str,
    pub shown: Vec<String>,
    pub definition: &'static str,
}

/// A figure as a whole number for a chart; zero where the flow has no records.
fn value(h: &Headline, key: &str) -> i64 {
    h.figures(true).into_iter().find(|f| f.key == key).and_then(|f| f.value).unwrap_or(0.0) as i64
}

fn rows(all: &[Headline], zh: bool) -> Vec<Row> {
    let figures: Vec<Vec<Figure>> = all.iter().map(|h| h.figures(zh)).collect();
    let Some(first) = figures.first() else { return Vec::new() };
    (0..first.len())
        .map(|i| Row {
            name: first[i].name,
            shown: figures.iter().map(|f| f[i].shown.clone()).collect(),
            definition: first[i].definition,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    c: Chrome,
    division: String,
    divisions: Vec<(String, String)>,
    year: i32,
    years: Vec<i32>,
    columns: Vec<String>,
    rows: Vec<Row>,
    charts: Vec<(&'static str, String)>,
}

#[derive(Deserialize, Default)]
struct DashboardQuery {
    division: Option<String>,
    year: Option<i32>,
}

impl DashboardQuery {
    fn or_home(self, session: &PageSession) -> (String, i32) {
        let year = self.year.unwrap_or(grassroots_app::core::today().year() - 1);
        (self.division.filter(|d| !d.is_empty()).unwrap_or(session.actor.division_code.clone()), year)
    }
}

async fn dashboard(State(s): State<WebState>, session: PageSession, Query(q): Query<DashboardQuery>) -> Response {
    let lang = session.lang;
    let (division, year) = q.or_home(&session);
    let home = session.actor.division_code.clone();
    let result = async {
        let mut divisions = vec![(home.clone(), lang.pick("本辖区", "my area").to_owned())];
        if home.len() == 6 {
            divisions.extend(towns_in_scope(&s, &session).await?);
        }
        let all = s.app.headlines(&session.actor, &division, year).await?;
        // The trend: the division's own figures over the five years up to this one.
        let trend = s.app.trend(&session.actor, &division, year - 4..=year).await?;
        let income = s.app.income(&session.actor, &division, year).await?;
        Ok::<_, grassroots_app::AppError>((all, trend, income, divisions))
    }
    .await;
    let (all, trend, income, divisions) = match result {
        Ok(r) => r,
        Err(e) => return error_page(lang, e.into()),
    };
    let by_year = |values: &dyn Fn(&YearFigures) -> Vec<i64>| -> Vec<(String, Vec<i64>)> {
        trend.iter().map(|y| (y.year.to_string(), values(y))).collect()
    };
    let towns = if all.len() > 1 { &all[1..] } else { &all[..] };
    let by_town = |keys: &[&str], scale: i64| -> Vec<(String, Vec<i64>)> {
        towns.iter().map(|h| (h.division_name.clone(), keys.iter().map(|k| value(h, k) / scale).collect())).collect()
    };
    let (cases, visits) = (lang.pick("执法案件", "cases"), lang.pick("综合查一次", "joint inspections"));
    let wan = [(lang.pick("万元", "10,000 yuan"), "#2b6cb0")];
    let charts = vec![
        (
            lang.pick("历年趋势：案件、联合检查与信访", "Trend: cases, joint inspections and petitions"),
            chart::bars(
                &[(cases, "#2b6cb0"), (visits, "#dd6b20"), (lang.pick("信访", "petitions"), "#718096")],
                &by_year(&|y| vec![y.cases, y.joint_inspections, y.petitions]),
                false,
            ),
        ),
        (
            lang.pick("历年趋势：村级集体经济收入（万元）", "Trend: collective income (10,000 yuan)"),
            chart::bars(&wan, &by_year(&|y| vec![y.collective_income_fen / 1_000_000]), false),
        ),
        (
            lang.pick("按来源：村级集体经济收入（万元）", "By source: collective income (10,000 yuan)"),
            chart::bars(
                &[(lang.pick("上年", "year before"), "#a0aec0"), (lang.pick("本年", "this year"), "#2b6cb0")],
                &income
                    .by_source
                    .iter()
                    .map(|t| {
                        (
                            t.source.label(lang.zh()).to_owned(),
                            vec![t.sum.previous_fen / 1_000_000, t.sum.fen / 1_000_000],
                        )
                    })
                    .collect::<Vec<_>>(),
                false,
            ),
        ),
        (
            lang.pick("各乡镇：案件与联合检查", "By town: cases and joint inspections"),
            chart::bars(
                &[(cases, "#2b6cb0"), (visits, "#dd6b20")],
                &by_town(&["cases", "joint_inspections"], 1),
                false,
            ),
        ),
        (
            lang.pick("各乡镇：赋予权力（项）", "By town: powers granted"),
            chart::bars(&[(lang.pick("项", "powers"), "#2b6cb0")], &by_town(&["powers_granted"], 1), false),
        ),
        (
            lang.pick("各乡镇：村级集体经济收入（万元）", "By town: collective income (10,000 yuan)"),
            chart::bars(&wan, &by_town(&["collective_income_fen"], 1_000_000), false),
        ),
    ];
    let this_year = grassroots_app::core::today().year();
    render(&DashboardPage {
        c: Chrome::of(&session),
        division,
        divisions,
        year,
        years: (2015..=this_year).rev().collect(),
        columns: all.iter().map(|h| h.division_name.clone()).collect(),
        rows: rows(&all, lang.zh()),
        charts,
    })
}

async fn export(State(s): State<WebState>, session: PageSession, Query(q): Query<DashboardQuery>) -> Response {
    let (division, year) = q.or_home(&session);
    let book = match s.app.headlines(&session.actor, &division, year).await.and_then(|all| xlsx(&all)) {
        Ok(book) => book,
        Err(e) => return error_page(session.lang, e.into()),
    };
    let mut res = book.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"headline-{division}-{year}.xlsx\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

#[derive(Template)]
#[template(path = "report_print.html")]
struct Printable<'a> {
    title: String,
    columns: Vec<&'a str>,
    rows: Vec<Row>,
}

/// The headline table as a self-contained page to print (`grassroots report --format html`).
pub fn printable(all: &[Headline]) -> String {
    let title = all.first().map_or(String::new(), |h| format!("{} {} 年 改革主要指标", h.division_name, h.year));
    let page =
        Printable { title, columns: all.iter().map(|h| h.division_name.as_str()).collect(), rows: rows(all, true) };
    page.render().unwrap_or_else(|e| format!("<!doctype html><p>{e}</p>"))
}
