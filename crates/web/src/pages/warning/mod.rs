//! Pages of geohazard warnings: the warnings a user sees and the notices they are to
//! acknowledge, the composer of a draft (an area picker over the district's towns and
//! villages, the level's rules beside it), a warning's live relay board with its
//! indicators and patrol reports, the hazard points and their import; and the public's
//! pages ([`public`]).

mod public;

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::Method;
use axum::response::{IntoResponse, Redirect, Response};
use grassroots_app::AppError;
use grassroots_app::warning::board::RelayBoard;
use grassroots_app::warning::{DraftRequest, ReviseRequest, WarningList, ack::PatrolRequest};
use grassroots_domain::ValidationError;
use grassroots_domain::command::mask_phone;
use grassroots_domain::core::role::Permission;
use grassroots_domain::core::time::display_local;
use grassroots_domain::page::PageRequest;
use grassroots_domain::warning::{
    HazardPointId, Level, MessageType, Notice, NoticeId, Patrol, Warning, WarningId, WarningState,
};
use serde::Deserialize;

use crate::auth::{CsrfForm, CsrfUpload, PageSession};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::pages::{Chrome, PageRoutes, error_page, form_error, pager, render, towns_in_scope};
use crate::state::WebState;

pub fn routes(r: PageRoutes) -> PageRoutes {
    r.route(Method::GET, "/warnings", warnings)
        .route(Method::POST, "/warnings", submit)
        .route(Method::GET, "/warnings/new", composer)
        .route(Method::GET, "/warnings/{id}", warning)
        .route(Method::POST, "/warnings/{id}/cosign", cosign)
        .route(Method::POST, "/warnings/{id}/withdraw", withdraw)
        .route(Method::POST, "/warnings/{id}/cancel", cancel)
        .route(Method::POST, "/warnings/{id}/patrols", patrol)
        .route(Method::POST, "/warning-notices/{id}/acknowledge", acknowledge)
        .route(Method::GET, "/hazard-points", hazard_points)
        .route(Method::POST, "/hazard-points/import", import)
        .public(Method::GET, "/alerts", public::alerts)
        .public(Method::GET, "/warnings/feed.atom", public::feed)
        .public(Method::GET, "/warnings/{id}/cap.xml", public::cap_xml)
        .public(Method::GET, "/ack/{token}", public::ack_form)
        .public(Method::POST, "/ack/{token}", public::ack_confirm)
}

/// The colour of a level's swatch.
pub(super) fn swatch(level: Level) -> &'static str {
    match level {
        Level::Red => "#d32f2f",
        Level::Orange => "#f57c00",
        Level::Yellow => "#fbc02d",
        Level::Blue => "#1976d2",
    }
}

/// `2022-06-08 20:00`, Beijing time; empty for nothing.
pub(super) fn local(stored: Option<&str>) -> String {
    stored.map(display_local).unwrap_or_default()
}

/// Bad input, conflicts and someone else's object are shown above the form, the last with
/// the use case's own words (whose notice or point it is); anything else is an error page.
fn shown(lang: Lang, e: AppError) -> Result<String, ApiError> {
    match e {
        AppError::NotYours(m) => Ok(format!("{}{m}", lang.pick("不能办理：", "Not yours: "))),
        e => form_error(lang, e),
    }
}

// ---- the warnings page ----

/// One warning as a list shows it.
struct Row {
    id: i64,
    colour: &'static str,
    level: &'static str,
    headline: String,
    onset: String,
    expires: String,
    state: &'static str,
    msg_type: &'static str,
    /// An update or a cancel: its type is shown beside the headline.
    revision: bool,
}

impl Row {
    fn of(lang: Lang, w: &Warning) -> Self {
        Row {
            id: w.id.0,
            colour: swatch(w.level),
            level: w.level.label(lang.zh()),
            headline: w.headline.clone(),
            onset: display_local(&w.onset),
            expires: display_local(&w.expires),
            state: w.state.label(lang.zh()),
            msg_type: w.msg_type.label(lang.zh()),
            revision: w.msg_type != MessageType::Alert,
        }
    }
}

/// One notice as a list shows it.
struct NoticeRow {
    id: i64,
    warning_id: i64,
    warning: String,
    name: String,
    kind: &'static str,
    notified: String,
    acknowledged: Option<String>,
    by: String,
    escalation: &'static str,
}

impl NoticeRow {
    fn of(lang: Lang, n: &Notice, headlines: &HashMap<i64, String>) -> Self {
        NoticeRow {
            id: n.id.0,
            warning_id: n.warning_id.0,
            warning: headlines.get(&n.warning_id.0).cloned().unwrap_or_else(|| format!("#{}", n.warning_id)),
            name: n.name.clone(),
            kind: n.kind.label(lang.zh()),
            notified: display_local(&n.notified_at),
            acknowledged: n.acknowledged_at.as_deref().map(display_local),
            by: n.acknowledged_by.clone().unwrap_or_default(),
            escalation: match n.escalation {
                0 => "",
                1 => lang.pick("已上报镇指挥中心", "to the town's command center"),
                _ => lang.pick("已上报区县", "to the county"),
            },
        }
    }
}

#[derive(Template)]
#[template(path = "warnings.html")]
struct WarningsPage {
    c: Chrome,
    error: Option<String>,
    notices: Vec<NoticeRow>,
    receives: bool,
    to_cosign: Vec<Row>,
    drafted: Vec<Row>,
    active: Vec<Row>,
    past: Vec<Row>,
    issues: bool,
}

async fn warnings(State(s): State<WebState>, session: PageSession) -> Response {
    warnings_page(&s, &session, None).await
}

async fn warnings_page(s: &WebState, session: &PageSession, error: Option<String>) -> Response {
    let lang = session.lang;
    let actor = &session.actor;
    let result = async { Ok::<_, AppError>((s.app.warnings(actor).await?, s.app.my_notices(actor).await?)) }.await;
    let (list, mine): (WarningList, Vec<Notice>) = match result {
        Ok(r) => r,
        Err(e) => return error_page(lang, e.into()),
    };
    let headlines: HashMap<i64, String> = [&list.to_cosign, &list.drafted, &list.active, &list.past]
        .into_iter()
        .flatten()
        .map(|w| (w.id.0, w.headline.clone()))
        .collect();
    let rows = |ws: &[Warning]| ws.iter().map(|w| Row::of(lang, w)).collect::<Vec<_>>();
    render(&WarningsPage {
        c: Chrome::of(session),
        error,
        notices: mine
            .iter()
            .filter(|n| n.acknowledged_at.is_none())
            .map(|n| NoticeRow::of(lang, n, &headlines))
            .collect(),
        receives: actor.role.may(Permission::AcknowledgeWarnings),
        to_cosign: rows(&list.to_cosign),
        drafted: rows(&list.drafted),
        active: rows(&list.active),
        // A published warning (not a cancel) among the past ones has run out.
        past: list
            .past
            .iter()
            .map(|w| Row {
                state: if w.state == WarningState::Published && w.msg_type != MessageType::Cancel {
                    lang.pick("已过期", "expired")
                } else {
                    w.state.label(lang.zh())
                },
                ..Row::of(lang, w)
            })
            .collect(),
        issues: actor.role.may(Permission::IssueWarnings),
    })
}

// ---- the composer ----

/// What the composer shows in its fields, as typed.
#[derive(Default)]
struct DraftValues {
    level: String,
    onset: String,
    expires: String,
    areas: Vec<String>,
    polygon: String,
    headline: String,
    description: String,
    instruction: String,
    update_of: Option<i64>,
}

impl DraftValues {
    /// From the posted pairs; `areas` comes once per box ticked.
    fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut v = DraftValues::default();
        for (k, val) in pairs {
            match k.as_str() {
                "level" => v.level = val.clone(),
                "onset" => v.onset = val.clone(),
                "expires" => v.expires = val.clone(),
                "areas" => v.areas.push(val.clone()),
                "polygon" => v.polygon = val.clone(),
                "headline" => v.headline = val.clone(),
                "description" => v.description = val.clone(),
                "instruction" => v.instruction = val.clone(),
                "update_of" => v.update_of = val.trim().parse().ok(),
                _ => {}
            }
        }
        v
    }

    /// An earlier warning's fields, for its update. The times as a date-time field takes.
    fn of(w: &Warning) -> Self {
        DraftValues {
            level: w.level.as_str().to_owned(),
            onset: display_local(&w.onset).replace(' ', "T"),
            expires: display_local(&w.expires).replace(' ', "T"),
            areas: w.areas.clone(),
            polygon: w.polygon.clone().unwrap_or_default(),
            headline: w.headline.clone(),
            description: w.description.clone(),
            instruction: w.instruction.clone(),
            update_of: Some(w.id.0),
        }
    }

    fn request(&self) -> Result<DraftRequest, ValidationError> {
        Ok(DraftRequest {
            level: self.level.parse()?,
            onset: self.onset.clone(),
            expires: self.expires.clone(),
            areas: self.areas.clone(),
            polygon: Some(self.polygon.clone()).filter(|p| !p.trim().is_empty()),
            headline: self.headline.clone(),
            description: self.description.clone(),
            instruction: self.instruction.clone(),
        })
    }
}

/// A level as the select and the rules beside it show it.
struct LevelOption {
    value: &'static str,
    label: &'static str,
    colour: &'static str,
    actions: Vec<String>,
}

/// A box of the area picker: a town with its villages.
struct TownPick {
    code: String,
    name: String,
    checked: bool,
    /// Some village of it is ticked: its list starts open.
    open: bool,
    villages: Vec<(String, String, bool)>,
}

#[derive(Template)]
#[template(path = "warning_new.html")]
struct ComposerPage {
    c: Chrome,
    error: Option<String>,
    v: DraftValues,
    levels: Vec<LevelOption>,
    district: Option<(String, String, bool)>,
    towns: Vec<TownPick>,
    issues: bool,
}

#[derive(Deserialize, Default)]
struct ComposerQuery {
    update: Option<i64>,
}

async fn composer(State(s): State<WebState>, session: PageSession, Query(q): Query<ComposerQuery>) -> Response {
    let values = match q.update {
        Some(id) => match s.app.warning_view(&session.actor, WarningId(id)).await {
            Ok(v) => DraftValues::of(&v.warning),
            Err(e) => return error_page(session.lang, e.into()),
        },
        None => DraftValues { level: Level::Blue.as_str().to_owned(), ..Default::default() },
    };
    composer_page(&s, &session, values, None).await
}

/// Villages of a scope read at most this many pages of 200.
const MAX_VILLAGE_PAGES: u32 = 25;

async fn composer_page(s: &WebState, session: &PageSession, v: DraftValues, error: Option<String>) -> Response {
    use grassroots_app::core::divisions::DivisionQuery;
    use grassroots_domain::core::division::Level as DivisionLevel;
    let lang = session.lang;
    let actor = &session.actor;
    let result = async {
        let rules = s.app.warning_rules(&actor.division_code).await?;
        let home = s.app.home_division(actor).await?;
        let towns = towns_in_scope(s, session).await?;
        let mut villages: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for page in 1..=MAX_VILLAGE_PAGES {
            let q = DivisionQuery {
                level: Some(DivisionLevel::Village),
                page: Some(page),
                per_page: Some(200),
                ..Default::default()
            };
            let found = s.app.list_divisions(actor, q).await?;
            let n = found.items.len();
            for d in found.items {
                let parent = d.division.parent_code.as_ref().map(|p| p.as_str().to_owned()).unwrap_or_default();
                villages.entry(parent).or_default().push((d.division.code.to_string(), d.division.name));
            }
            if n < 200 {
                break;
            }
        }
        Ok::<_, AppError>((rules, home, towns, villages))
    }
    .await;
    let (rules, home, towns, mut villages) = match result {
        Ok(r) => r,
        Err(e) => return error_page(lang, e.into()),
    };
    let ticked = |code: &str| v.areas.iter().any(|a| a == code);
    let towns = towns
        .into_iter()
        .map(|(code, name)| {
            let villages: Vec<(String, String, bool)> = villages
                .remove(&code)
                .unwrap_or_default()
                .into_iter()
                .map(|(c, n)| {
                    let t = ticked(&c);
                    (c, n, t)
                })
                .collect();
            TownPick { checked: ticked(&code), open: villages.iter().any(|(_, _, t)| *t), code, name, villages }
        })
        .collect();
    let district = home.map(|d| {
        let code = d.division.code.to_string();
        let t = ticked(&code);
        (code, d.division.name, t)
    });
    let levels = rules
        .iter()
        .map(|r| LevelOption {
            value: r.level.as_str(),
            label: r.level.label(lang.zh()),
            colour: swatch(r.level),
            actions: r.actions(lang.zh()),
        })
        .collect();
    render(&ComposerPage {
        c: Chrome::of(session),
        error,
        v,
        levels,
        district,
        towns,
        issues: actor.role.may(Permission::IssueWarnings),
    })
}

async fn submit(State(s): State<WebState>, f: CsrfForm<Vec<(String, String)>>) -> Response {
    let lang = f.session.lang;
    let actor = &f.session.actor;
    let values = DraftValues::from_pairs(&f.form);
    let result = match values.request() {
        Ok(req) => match values.update_of {
            Some(id) => {
                let revise =
                    ReviseRequest { msg_type: MessageType::Update, draft: Some(req), description: String::new() };
                s.app.revise_warning(actor, WarningId(id), revise).await
            }
            None => s.app.draft_warning(actor, req).await,
        },
        // Whoever may not draft is told so, whatever they typed.
        Err(_) if !actor.role.may(Permission::IssueWarnings) => Err(AppError::Forbidden),
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(v) => Redirect::to(&format!("/warnings/{}", v.warning.id)).into_response(),
        Err(e) => match shown(lang, name_areas(e, &values.areas)) {
            Ok(m) => composer_page(&s, &f.session, values, Some(m)).await,
            Err(e) => error_page(lang, e),
        },
    }
}

/// `areas[i]` of an error as `area CODE`: the use case counts the codes as it keeps them
/// (trimmed, empty and repeated ones left out), and the drafter knows codes, not places.
fn name_areas(e: AppError, sent: &[String]) -> AppError {
    let AppError::Validation(mut v) = e else { return e };
    let mut kept: Vec<&str> = Vec::new();
    for a in sent.iter().map(|a| a.trim()).filter(|a| !a.is_empty()) {
        if !kept.contains(&a) {
            kept.push(a);
        }
    }
    for fe in &mut v.errors {
        let i =
            fe.location.strip_prefix("areas[").and_then(|r| r.strip_suffix(']')).and_then(|i| i.parse::<usize>().ok());
        if let Some(code) = i.and_then(|i| kept.get(i)) {
            fe.location = format!("area {code}");
        }
    }
    AppError::Validation(v)
}

// ---- a warning and its relay board ----

struct PatrolRow {
    point: String,
    danger: bool,
    finding: String,
    evacuated: i64,
    by: String,
    at: String,
}

#[derive(Template)]
#[template(path = "warning.html")]
struct WarningPage {
    c: Chrome,
    error: Option<String>,
    b: RelayBoard,
    colour: &'static str,
    level: &'static str,
    state: &'static str,
    msg_type: &'static str,
    /// A cancel: no level's actions apply.
    cancel: bool,
    sent: String,
    onset: String,
    expires: String,
    town: String,
    town_name: String,
    notices: Vec<NoticeRow>,
    mine: Vec<NoticeRow>,
    patrols: Vec<PatrolRow>,
    /// The points the reader may report patrols of, while the warning takes patrols.
    points: Vec<(i64, String)>,
    coverage: String,
    median: String,
    p90: String,
    deliveries: Vec<(String, String, i64)>,
}

#[derive(Deserialize, Default)]
struct BoardQuery {
    town: Option<String>,
}

async fn warning(
    State(s): State<WebState>,
    session: PageSession,
    Path(id): Path<i64>,
    Query(q): Query<BoardQuery>,
) -> Response {
    board_page(&s, &session, id, q.town, None).await
}

async fn board_page(
    s: &WebState,
    session: &PageSession,
    id: i64,
    town: Option<String>,
    error: Option<String>,
) -> Response {
    let lang = session.lang;
    let town = town.filter(|t| !t.is_empty());
    let b = match s.app.relay_board(&session.actor, WarningId(id), town.as_deref()).await {
        Ok(b) => b,
        Err(e) => return error_page(lang, e.into()),
    };
    let w = &b.view.warning;
    let headlines = HashMap::from([(w.id.0, w.headline.clone())]);
    let point_names: HashMap<HazardPointId, String> =
        b.my_points.iter().map(|p| (p.id, format!("{} {}", p.number, p.name))).collect();
    let minutes = |m: Option<f64>| m.map_or("—".to_owned(), |m| format!("{m:.1}"));
    let patrol_row = |p: &Patrol| PatrolRow {
        point: point_names.get(&p.point_id).cloned().unwrap_or_else(|| format!("#{}", p.point_id)),
        danger: p.danger_found,
        finding: p.finding.clone(),
        evacuated: p.evacuated,
        by: p.reported_by.clone(),
        at: display_local(&p.reported_at),
    };
    let town = town.unwrap_or_default();
    let page = WarningPage {
        c: Chrome::of(session),
        error,
        colour: swatch(w.level),
        level: w.level.label(lang.zh()),
        state: w.state.label(lang.zh()),
        msg_type: w.msg_type.label(lang.zh()),
        cancel: w.msg_type == MessageType::Cancel,
        sent: local(w.sent.as_deref()),
        onset: display_local(&w.onset),
        expires: display_local(&w.expires),
        town_name: b.towns.iter().find(|t| t.town_code == town).map(|t| t.town_name.clone()).unwrap_or_default(),
        town,
        notices: b.notices.iter().map(|n| NoticeRow::of(lang, n, &headlines)).collect(),
        mine: b.mine.iter().map(|n| NoticeRow::of(lang, n, &headlines)).collect(),
        patrols: b.patrols.iter().map(patrol_row).collect(),
        // As the use case takes them: under a published (or since updated) warning, not a cancel.
        points: if matches!(w.state, WarningState::Published | WarningState::Superseded)
            && w.msg_type != MessageType::Cancel
        {
            b.my_points.iter().map(|p| (p.id.0, format!("{} {}（{}）", p.number, p.name, p.people))).collect()
        } else {
            Vec::new()
        },
        deliveries: b.deliveries.iter().map(|d| delivery(lang, &d.channel, &d.state, d.count)).collect(),
        coverage: format!("{:.1}%", b.indicators.coverage * 100.0),
        median: minutes(b.indicators.median_minutes),
        p90: minutes(b.indicators.p90_minutes),
        b,
    };
    render(&page)
}

/// A line of the outbox's counts in words.
fn delivery(lang: Lang, channel: &str, state: &str, count: i64) -> (String, String, i64) {
    let channel = match channel {
        "sms" => lang.pick("短信", "text message"),
        "webhook" => lang.pick("接口推送", "webhook"),
        other => other,
    };
    let state = match state {
        "pending" => lang.pick("待发送", "pending"),
        "sent" => lang.pick("已发送", "sent"),
        "failed" => lang.pick("发送失败", "failed"),
        other => other,
    };
    (channel.to_owned(), state.to_owned(), count)
}

/// After an action on a warning: on success to `next`; bad input, conflicts and someone
/// else's object on the warning's page again; anything else, the error page.
async fn back_to_board(s: &WebState, session: &PageSession, id: i64, result: Result<String, AppError>) -> Response {
    match result {
        Ok(next) => Redirect::to(&next).into_response(),
        Err(e) => match shown(session.lang, e) {
            Ok(m) => board_page(s, session, id, None, Some(m)).await,
            Err(e) => error_page(session.lang, e),
        },
    }
}

async fn cosign(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfForm<super::Empty>) -> Response {
    let result = s.app.cosign_warning(&f.session.actor, WarningId(id)).await.map(|_| format!("/warnings/{id}"));
    back_to_board(&s, &f.session, id, result).await
}

async fn withdraw(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfForm<super::Empty>) -> Response {
    let result = s.app.withdraw_warning(&f.session.actor, WarningId(id)).await.map(|_| "/warnings".to_owned());
    back_to_board(&s, &f.session, id, result).await
}

#[derive(Deserialize)]
struct CancelForm {
    /// Why it is lifted; the cancel's description.
    #[serde(default)]
    description: String,
}

async fn cancel(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfForm<CancelForm>) -> Response {
    let req = ReviseRequest { msg_type: MessageType::Cancel, draft: None, description: f.form.description.clone() };
    let result = s.app.revise_warning(&f.session.actor, WarningId(id), req).await;
    back_to_board(&s, &f.session, id, result.map(|v| format!("/warnings/{}", v.warning.id))).await
}

#[derive(Deserialize)]
struct PatrolForm {
    point_id: String,
    #[serde(default)]
    danger_found: Option<String>,
    #[serde(default)]
    finding: String,
    #[serde(default)]
    evacuated: String,
}

impl PatrolForm {
    fn request(&self) -> Result<PatrolRequest, ValidationError> {
        let point_id = self
            .point_id
            .trim()
            .parse()
            .map_err(|_| ValidationError::new("point_id", "required", "choose the point patrolled"))?;
        let evacuated = match self.evacuated.trim() {
            "" => 0,
            n => n.parse().map_err(|_| ValidationError::new("evacuated", "invalid_number", "a whole number"))?,
        };
        Ok(PatrolRequest {
            point_id: HazardPointId(point_id),
            danger_found: self.danger_found.is_some(),
            finding: self.finding.clone(),
            evacuated,
        })
    }
}

async fn patrol(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfForm<PatrolForm>) -> Response {
    let result = match f.form.request() {
        Ok(req) => s.app.report_patrol(&f.session.actor, WarningId(id), req).await.map(|_| format!("/warnings/{id}")),
        Err(e) => Err(e.into()),
    };
    back_to_board(&s, &f.session, id, result).await
}

#[derive(Deserialize)]
struct AckForm {
    /// The warning whose page the button is on, to show it again on an error.
    #[serde(default)]
    warning: Option<i64>,
}

async fn acknowledge(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfForm<AckForm>) -> Response {
    let lang = f.session.lang;
    match s.app.acknowledge_notice(&f.session.actor, NoticeId(id)).await {
        Ok(a) => Redirect::to(&format!("/warnings/{}", a.warning_id)).into_response(),
        Err(e) => match (shown(lang, e), f.form.warning) {
            (Ok(m), Some(w)) => board_page(&s, &f.session, w, None, Some(m)).await,
            (Ok(m), None) => warnings_page(&s, &f.session, Some(m)).await,
            (Err(e), _) => error_page(lang, e),
        },
    }
}

// ---- hazard points ----

struct PointRow {
    number: String,
    name: String,
    kind: &'static str,
    scale: &'static str,
    village: String,
    households: i64,
    people: i64,
    monitors: Vec<(String, String)>,
    shelter: String,
    route: String,
}

#[derive(Template)]
#[template(path = "hazard_points.html")]
struct PointsPage {
    c: Chrome,
    error: Option<String>,
    notice: Option<String>,
    rows: Vec<PointRow>,
    total: i64,
    pager: String,
    issues: bool,
}

#[derive(Deserialize, Default)]
struct PointsQuery {
    page: Option<u32>,
    imported: Option<usize>,
    monitors: Option<usize>,
}

async fn hazard_points(State(s): State<WebState>, session: PageSession, Query(q): Query<PointsQuery>) -> Response {
    points_page(&s, &session, q, None).await
}

async fn points_page(s: &WebState, session: &PageSession, q: PointsQuery, error: Option<String>) -> Response {
    let lang = session.lang;
    let page = PageRequest::from_parts(q.page, Some(50));
    let list = match s.app.hazard_points(&session.actor, page).await {
        Ok(l) => l,
        Err(e) => return error_page(lang, e.into()),
    };
    let rows = list
        .items
        .iter()
        .map(|p| PointRow {
            number: p.number.clone(),
            name: p.name.clone(),
            kind: p.kind.label(lang.zh()),
            scale: p.scale.label(lang.zh()),
            village: p.division_code.clone(),
            households: p.households,
            people: p.people,
            monitors: p.monitors.iter().map(|m| (m.name.clone(), mask_phone(&m.phone))).collect(),
            shelter: p.shelter.clone(),
            route: p.route.clone(),
        })
        .collect();
    let notice = q.imported.map(|n| {
        let m = q.monitors.unwrap_or(0);
        match lang {
            Lang::Zh => format!("已导入隐患点 {n} 个，监测员 {m} 名。"),
            Lang::En => format!("Imported {n} hazard points and {m} monitors."),
        }
    });
    render(&PointsPage {
        c: Chrome::of(session),
        error,
        notice,
        rows,
        total: list.total,
        pager: pager(lang, "/hazard-points", page.page, page.per_page, list.total),
        issues: session.actor.role.may(Permission::IssueWarnings),
    })
}

async fn import(State(s): State<WebState>, f: CsrfUpload) -> Response {
    let lang = f.session.lang;
    let data = f.file.as_deref().unwrap_or_default();
    match s.app.import_hazard_points(&f.session.actor, data).await {
        Ok(r) => Redirect::to(&format!("/hazard-points?imported={}&monitors={}", r.points, r.monitors)).into_response(),
        Err(e) => match shown(lang, e) {
            Ok(m) => points_page(&s, &f.session, PointsQuery::default(), Some(m)).await,
            Err(e) => error_page(lang, e),
        },
    }
}
