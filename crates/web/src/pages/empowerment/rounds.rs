//! Rounds: the list with the form to open one; a round's figures with charts; the ordering
//! page of a town; the assessment queue of a department; the decision board of the
//! staffing office, where ordering is closed and the round published.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use grassroots_app::empowerment::catalog::Filter;
use grassroots_app::empowerment::rounds::{
    AssessRequest, DecideRequest, NewRoundRequest, OrderFilter, OrderRequest, PublishRoundRequest, RoundView,
};
use grassroots_domain::core::role::Role;

use grassroots_domain::empowerment::{Opinion, Order, OrderDecision, OrderId, OrderState, PowerType, Round, RoundId};
use grassroots_domain::page::PageRequest;
use serde::Deserialize;

use super::county_of;
use crate::auth::{CsrfForm, PageSession};
use crate::i18n::Lang;
use crate::pages::chart::bars;
use crate::pages::{Chrome, Empty, after_form, error_page, pager, render, urlencode};
use crate::state::WebState;

type AppResult<T> = Result<T, grassroots_app::AppError>;

pub(super) struct RoundRow {
    id: i64,
    title: String,
    deadline: String,
    status: &'static str,
    effective_from: String,
    open: bool,
}

fn round_row(lang: Lang, r: &Round) -> RoundRow {
    RoundRow {
        id: r.id.0,
        title: r.title.clone(),
        deadline: r.deadline.clone(),
        status: r.status.label(lang.zh()),
        effective_from: r.effective_from.clone().unwrap_or_default(),
        open: r.takes_orders(&grassroots_app::core::today().to_string()),
    }
}

pub(super) struct OrderRow {
    id: i64,
    town: String,
    matter: String,
    matter_name: String,
    power_type: &'static str,
    department: String,
    reason: String,
    volume: i64,
    state: &'static str,
    opinion: String,
    assessment: String,
    decision_reason: String,
    assessed: bool,
    decided: bool,
}

fn order_row(lang: Lang, o: &Order) -> OrderRow {
    OrderRow {
        id: o.id.0,
        town: o.town_name.clone(),
        matter: o.matter_code.clone(),
        matter_name: o.matter_name.clone(),
        power_type: o.power_type.label(lang.zh()),
        department: o.department.clone(),
        reason: o.reason.clone(),
        volume: o.yearly_volume,
        state: o.state().label(lang.zh()),
        opinion: o.opinion.map(|p| p.label(lang.zh()).to_owned()).unwrap_or_default(),
        assessment: o.assessment.clone().unwrap_or_default(),
        decision_reason: o.decision_reason.clone().unwrap_or_default(),
        assessed: o.opinion.is_some(),
        decided: o.decision.is_some(),
    }
}

// ---- the list of rounds ----

#[derive(Template)]
#[template(path = "rounds.html")]
pub(super) struct RoundsPage {
    c: Chrome,
    error: Option<String>,
    county: String,
    rows: Vec<RoundRow>,
    staffing: bool,
}

#[derive(Deserialize, Default)]
pub(super) struct CountyQuery {
    county: Option<String>,
}

pub(super) async fn rounds(State(s): State<WebState>, session: PageSession, Query(q): Query<CountyQuery>) -> Response {
    rounds_page(&s, &session, q.county.as_deref(), None).await
}

async fn rounds_page(s: &WebState, session: &PageSession, county: Option<&str>, error: Option<String>) -> Response {
    let lang = session.lang;
    let county = county_of(session, county);
    match s.app.list_rounds(&session.actor, &county).await {
        Ok(list) => render(&RoundsPage {
            c: Chrome::of(session),
            error,
            rows: list.iter().map(|r| round_row(lang, r)).collect(),
            county,
            staffing: session.actor.role == Role::StaffingOfficer,
        }),
        Err(e) => error_page(lang, e.into()),
    }
}

#[derive(Deserialize)]
pub(super) struct OpenForm {
    county: String,
    title: String,
    deadline: String,
}

pub(super) async fn open(State(s): State<WebState>, f: CsrfForm<OpenForm>) -> Response {
    let req = NewRoundRequest {
        county: f.form.county.clone(),
        title: f.form.title.clone(),
        deadline: f.form.deadline.clone(),
    };
    let result = s.app.open_round(&f.session.actor, req).await;
    let next = format!("/rounds/{}", result.as_ref().map_or(0, |r| r.id.0));
    after_form(f.session.lang, result.map(|_| ()), &next, |m| {
        rounds_page(&s, &f.session, Some(&f.form.county), Some(m))
    })
    .await
}

// ---- a round's figures ----

#[derive(Template)]
#[template(path = "round.html")]
pub(super) struct RoundPage {
    c: Chrome,
    round: RoundRow,
    v: RoundView,
    type_chart: String,
    town_chart: String,
    types: Vec<(&'static str, i64, i64, i64)>,
}

pub(super) async fn round(State(s): State<WebState>, session: PageSession, Path(id): Path<i64>) -> Response {
    let lang = session.lang;
    let v = match s.app.get_round(&session.actor, RoundId(id)).await {
        Ok(v) => v,
        Err(e) => return error_page(lang, e.into()),
    };
    let series = [
        (lang.pick("目录事项", "in catalog"), "#9e9e9e"),
        (lang.pick("点单", "ordered"), "#1565c0"),
        (lang.pick("赋权", "granted"), "#2e7d32"),
    ];
    let by_type: Vec<(String, Vec<i64>)> = v
        .stats
        .by_type
        .iter()
        .map(|t| (t.power_type.label(lang.zh()).to_owned(), vec![t.catalog, t.ordered, t.granted]))
        .collect();
    let by_town: Vec<(String, Vec<i64>)> =
        v.stats.by_town.iter().map(|t| (t.name.clone(), vec![t.ordered, t.granted, t.refused])).collect();
    let town_series = [
        (lang.pick("点单", "ordered"), "#1565c0"),
        (lang.pick("赋权", "granted"), "#2e7d32"),
        (lang.pick("不予赋权", "refused"), "#c62828"),
    ];
    render(&RoundPage {
        c: Chrome::of(&session),
        round: round_row(lang, &v.round),
        type_chart: bars(&series, &by_type, false),
        town_chart: bars(&town_series, &by_town, false),
        types: v
            .stats
            .by_type
            .iter()
            .map(|t| (t.power_type.label(lang.zh()), t.catalog, t.ordered, t.granted))
            .collect(),
        v,
    })
}

// ---- the ordering page of a town ----

#[derive(Template)]
#[template(path = "round_order.html")]
pub(super) struct OrderPage {
    c: Chrome,
    error: Option<String>,
    round: RoundRow,
    town: String,
    may_order: bool,
    types: Vec<(&'static str, &'static str)>,
    q: OrderQuery,
    /// (code, name, type, department, requirements, held or ordered already)
    matters: Vec<(String, String, &'static str, String, String, &'static str)>,
    pager: String,
    mine: Vec<OrderRow>,
}

#[derive(Deserialize, Default)]
pub(super) struct OrderQuery {
    power_type: Option<String>,
    q: Option<String>,
    page: Option<u32>,
}

impl OrderQuery {
    fn power_type(&self) -> &str {
        self.power_type.as_deref().unwrap_or("")
    }
    fn search(&self) -> &str {
        self.q.as_deref().unwrap_or("")
    }
}

pub(super) async fn order_page(
    State(s): State<WebState>,
    session: PageSession,
    Path(id): Path<i64>,
    Query(q): Query<OrderQuery>,
) -> Response {
    show_order_page(&s, &session, id, q, None).await
}

async fn show_order_page(
    s: &WebState,
    session: &PageSession,
    id: i64,
    q: OrderQuery,
    error: Option<String>,
) -> Response {
    let lang = session.lang;
    let a = &session.actor;
    let town = a.division_code.get(..9).unwrap_or_default().to_owned();
    let page = PageRequest::from_parts(q.page, Some(50));
    let result = async {
        let v = s.app.get_round(a, RoundId(id)).await?;
        let filter = Filter { power_type: q.power_type().to_owned(), q: q.search().to_owned(), ..Default::default() };
        let catalog = s.app.list_catalog(a, &v.round.county_code, &filter, page).await?;
        let mine = s.app.round_orders(a, RoundId(id), &OrderFilter::default()).await?;
        let held: Vec<String> = match a.role {
            Role::TownOfficer => {
                s.app.power_list(a, &town, None).await?.powers.into_iter().map(|p| p.matter_code).collect()
            }
            _ => Vec::new(),
        };
        AppResult::Ok((v, catalog, mine, held))
    }
    .await;
    let (v, catalog, mine, held) = match result {
        Ok(r) => r,
        Err(e) => return error_page(lang, e.into()),
    };
    let ordered = |code: &str| mine.iter().any(|o| o.matter_code == code && o.division_code == town);
    let status = |code: &str| {
        if held.iter().any(|h| h == code) {
            lang.pick("已持有", "held")
        } else if ordered(code) {
            lang.pick("已点", "ordered")
        } else {
            ""
        }
    };
    let base = format!("/rounds/{id}/order?power_type={}&q={}", urlencode(q.power_type()), urlencode(q.search()));
    render(&OrderPage {
        c: Chrome::of(session),
        error,
        may_order: a.role == Role::TownOfficer && v.takes_orders,
        round: round_row(lang, &v.round),
        town: town.clone(),
        types: PowerType::ALL.iter().map(|t| (t.as_str(), t.label(lang.zh()))).collect(),
        matters: catalog
            .items
            .iter()
            .map(|m| {
                let m = &m.matter;
                (
                    m.code.clone(),
                    m.name.clone(),
                    m.power_type.label(lang.zh()),
                    m.department.clone(),
                    m.requirements.clone(),
                    status(&m.code),
                )
            })
            .collect(),
        pager: pager(lang, &base, page.page, page.per_page, catalog.total),
        mine: mine.iter().map(|o| order_row(lang, o)).collect(),
        q,
    })
}

#[derive(Deserialize)]
pub(super) struct PlaceForm {
    town: String,
    matter_code: String,
    reason: String,
    yearly_volume: String,
}

pub(super) async fn place(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfForm<PlaceForm>) -> Response {
    let lang = f.session.lang;
    let volume = f.form.yearly_volume.trim().parse::<i64>().unwrap_or(-1);
    let req = OrderRequest {
        town: f.form.town.clone(),
        matter_code: f.form.matter_code.clone(),
        reason: f.form.reason.clone(),
        yearly_volume: volume,
    };
    let result = s.app.place_order(&f.session.actor, RoundId(id), req).await.map(|_| ());
    after_form(lang, result, &format!("/rounds/{id}/order"), |m| {
        show_order_page(&s, &f.session, id, OrderQuery::default(), Some(m))
    })
    .await
}

// ---- the assessment queue of a department ----

#[derive(Template)]
#[template(path = "round_assess.html")]
pub(super) struct AssessPage {
    c: Chrome,
    error: Option<String>,
    round: RoundRow,
    pending: Vec<OrderRow>,
    done: Vec<OrderRow>,
    opinions: Vec<(&'static str, &'static str)>,
    published: bool,
}

pub(super) async fn assess_page(State(s): State<WebState>, session: PageSession, Path(id): Path<i64>) -> Response {
    show_assess_page(&s, &session, id, None).await
}

async fn show_assess_page(s: &WebState, session: &PageSession, id: i64, error: Option<String>) -> Response {
    let lang = session.lang;
    let a = &session.actor;
    let result = async {
        let v = s.app.get_round(a, RoundId(id)).await?;
        let orders = s.app.round_orders(a, RoundId(id), &OrderFilter { town: None, mine_to_assess: true }).await?;
        AppResult::Ok((v, orders))
    }
    .await;
    let (v, orders) = match result {
        Ok(r) => r,
        Err(e) => return error_page(lang, e.into()),
    };
    let (pending, done): (Vec<&Order>, Vec<&Order>) = orders.iter().partition(|o| o.opinion.is_none());
    render(&AssessPage {
        c: Chrome::of(session),
        error,
        published: v.round.published_at.is_some(),
        round: round_row(lang, &v.round),
        pending: pending.into_iter().map(|o| order_row(lang, o)).collect(),
        done: done.into_iter().map(|o| order_row(lang, o)).collect(),
        opinions: Opinion::ALL.iter().map(|o| (o.as_str(), o.label(lang.zh()))).collect(),
    })
}

#[derive(Deserialize)]
pub(super) struct AssessForm {
    opinion: String,
    #[serde(default)]
    assessment: String,
}

pub(super) async fn assess(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfForm<AssessForm>) -> Response {
    let lang = f.session.lang;
    let round = match s.app.get_order(&f.session.actor, OrderId(id)).await {
        Ok(o) => o.round_id.0,
        Err(e) => return error_page(lang, e.into()),
    };
    let result = match f.form.opinion.parse::<Opinion>() {
        Ok(opinion) => {
            let req = AssessRequest { opinion, assessment: f.form.assessment.clone() };
            s.app.assess_order(&f.session.actor, OrderId(id), req).await.map(|_| ())
        }
        Err(e) => Err(e.into()),
    };
    after_form(lang, result, &format!("/rounds/{round}/assess"), |m| show_assess_page(&s, &f.session, round, Some(m)))
        .await
}

// ---- the decision board of the staffing office ----

#[derive(Template)]
#[template(path = "round_decide.html")]
pub(super) struct DecidePage {
    c: Chrome,
    error: Option<String>,
    round: RoundRow,
    rows: Vec<OrderRow>,
    state: String,
    states: Vec<(&'static str, &'static str)>,
    undecided: usize,
    unassessed: usize,
    staffing: bool,
    published: bool,
}

#[derive(Deserialize, Default)]
pub(super) struct DecideQuery {
    state: Option<String>,
}

pub(super) async fn decide_page(
    State(s): State<WebState>,
    session: PageSession,
    Path(id): Path<i64>,
    Query(q): Query<DecideQuery>,
) -> Response {
    show_decide_page(&s, &session, id, q, None).await
}

async fn show_decide_page(
    s: &WebState,
    session: &PageSession,
    id: i64,
    q: DecideQuery,
    error: Option<String>,
) -> Response {
    let lang = session.lang;
    let a = &session.actor;
    let result = async {
        let v = s.app.get_round(a, RoundId(id)).await?;
        let orders = s.app.round_orders(a, RoundId(id), &OrderFilter::default()).await?;
        AppResult::Ok((v, orders))
    }
    .await;
    let (v, orders) = match result {
        Ok(r) => r,
        Err(e) => return error_page(lang, e.into()),
    };
    let state = q.state.unwrap_or_default();
    let rows =
        orders.iter().filter(|o| state.is_empty() || o.state().as_str() == state).map(|o| order_row(lang, o)).collect();
    render(&DecidePage {
        c: Chrome::of(session),
        error,
        round: round_row(lang, &v.round),
        rows,
        states: OrderState::ALL.iter().map(|s| (s.as_str(), s.label(lang.zh()))).collect(),
        state,
        undecided: orders.iter().filter(|o| o.decision.is_none()).count(),
        unassessed: orders.iter().filter(|o| o.opinion.is_none()).count(),
        staffing: a.role == Role::StaffingOfficer,
        published: v.round.published_at.is_some(),
    })
}

#[derive(Deserialize)]
pub(super) struct DecideForm {
    decision: String,
    #[serde(default)]
    reason: String,
}

pub(super) async fn decide(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfForm<DecideForm>) -> Response {
    let lang = f.session.lang;
    let round = match s.app.get_order(&f.session.actor, OrderId(id)).await {
        Ok(o) => o.round_id.0,
        Err(e) => return error_page(lang, e.into()),
    };
    let result = match f.form.decision.parse::<OrderDecision>() {
        Ok(decision) => {
            let req = DecideRequest { decision, reason: f.form.reason.clone() };
            s.app.decide_order(&f.session.actor, OrderId(id), req).await.map(|_| ())
        }
        Err(e) => Err(e.into()),
    };
    after_form(lang, result, &format!("/rounds/{round}/decide"), |m| {
        show_decide_page(&s, &f.session, round, DecideQuery::default(), Some(m))
    })
    .await
}

pub(super) async fn close(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfForm<Empty>) -> Response {
    let result = s.app.close_round(&f.session.actor, RoundId(id)).await.map(|_| ());
    after_form(f.session.lang, result, &format!("/rounds/{id}/decide"), |m| {
        show_decide_page(&s, &f.session, id, DecideQuery::default(), Some(m))
    })
    .await
}

#[derive(Deserialize)]
pub(super) struct PublishForm {
    effective_from: String,
}

pub(super) async fn publish(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfForm<PublishForm>) -> Response {
    let req = PublishRoundRequest { effective_from: f.form.effective_from.clone() };
    let result = s.app.publish_round(&f.session.actor, RoundId(id), req).await.map(|_| ());
    after_form(f.session.lang, result, &format!("/rounds/{id}"), |m| {
        show_decide_page(&s, &f.session, id, DecideQuery::default(), Some(m))
    })
    .await
}
