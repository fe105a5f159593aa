//! Tasks: the list of decisions in scope with the form to send one; a task with each
//! town's decision and the evidence marked in its text; withdrawal and appeal for the
//! sender; the staffing office's review queue and its rulings.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use grassroots_app::admission::tasks::{AppealRequest, NewTaskRequest, RulingRequest};
use grassroots_domain::admission::task::{TargetId, TargetState, TaskId};
use grassroots_domain::admission::{ItemKind, ListItem};
use grassroots_domain::core::division::DivisionCode;
use grassroots_domain::core::role::Role;
use grassroots_domain::core::time::display_local;
use grassroots_domain::page::PageRequest;
use serde::Deserialize;

use super::{decision_label, kind_label, state_label};
use crate::auth::{CsrfForm, PageSession};
use crate::i18n::Lang;
use crate::pages::{Chrome, Empty, after_form, error_page, form_error, pager, render, towns_in_scope};
use crate::state::WebState;

const STATES: [TargetState; 4] =
    [TargetState::Accepted, TargetState::Refused, TargetState::PendingReview, TargetState::Withdrawn];

#[derive(Template)]
#[template(path = "tasks.html")]
pub(super) struct TasksPage {
    c: Chrome,
    error: Option<String>,
    total: i64,
    states: Vec<(&'static str, &'static str)>,
    rows: Vec<TargetRow>,
    pager: String,
    sender: bool,
    towns: Vec<(String, String)>,
}

pub(super) struct TargetRow {
    task_id: i64,
    title: String,
    town: String,
    decision: &'static str,
    item: String,
    state: &'static str,
}

#[derive(Deserialize, Default)]
pub(super) struct TasksQuery {
    state: Option<String>,
    page: Option<u32>,
}

pub(super) async fn tasks(State(s): State<WebState>, session: PageSession, Query(q): Query<TasksQuery>) -> Response {
    tasks_page(&s, &session, q, None).await
}

async fn tasks_page(s: &WebState, session: &PageSession, q: TasksQuery, error: Option<String>) -> Response {
    let lang = session.lang;
    let state = q.state.as_deref().and_then(|st| st.parse::<TargetState>().ok());
    let list = match s.app.list_targets(&session.actor, state, PageRequest::from_parts(q.page, Some(50))).await {
        Ok(l) => l,
        Err(e) => return error_page(lang, e.into()),
    };
    let towns = match towns_in_scope(s, session).await {
        Ok(t) => t,
        Err(e) => return error_page(lang, e.into()),
    };
    let town_name =
        |code: &str| towns.iter().find(|(c, _)| c == code).map(|(_, n)| n.clone()).unwrap_or_else(|| code.to_owned());
    let rows = list
        .items
        .iter()
        .map(|t| TargetRow {
            task_id: t.task_id.0,
            title: t.task_title.clone(),
            town: town_name(&t.division_code),
            decision: decision_label(lang, t.decision),
            item: [t.item_code.clone(), t.item_title.clone()].into_iter().flatten().collect::<Vec<_>>().join(" "),
            state: state_label(lang, t.state),
        })
        .collect();
    // The parsed state, never the raw parameter: the pager's links are markup.
    let base = match state {
        Some(st) => format!("/tasks?state={}", st.as_str()),
        None => "/tasks".to_owned(),
    };
    render(&TasksPage {
        c: Chrome::of(session),
        error,
        total: list.total,
        states: STATES.iter().map(|st| (st.as_str(), state_label(lang, *st))).collect(),
        rows,
        pager: pager(lang, &base, list.page, list.per_page, list.total),
        sender: session.actor.role == Role::DepartmentOfficer,
        towns,
    })
}

/// Sending a task: the form's fields, with `targets` repeated once per ticked town.
pub(super) async fn send(State(s): State<WebState>, f: CsrfForm<Vec<(String, String)>>) -> Response {
    let lang = f.session.lang;
    let field = |name: &str| f.form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    let targets: Result<Vec<DivisionCode>, _> =
        f.form.iter().filter(|(k, _)| k == "targets").map(|(_, v)| DivisionCode::parse(v)).collect();
    let result = match targets {
        Ok(targets) => {
            let due = Some(field("due_date")).filter(|d| !d.is_empty());
            let req = NewTaskRequest {
                title: field("title"),
                text: field("text"),
                targets,
                due_date: due,
                legal_basis: None,
            };
            s.app.send_task(&f.session.actor, req).await.map(|v| v.task.id.0)
        }
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(id) => Redirect::to(&format!("/tasks/{id}")).into_response(),
        Err(e) => match form_error(lang, e) {
            Ok(msg) => tasks_page(&s, &f.session, TasksQuery::default(), Some(msg)).await,
            Err(e) => error_page(lang, e),
        },
    }
}

#[derive(Template)]
#[template(path = "task.html")]
pub(super) struct TaskPage {
    c: Chrome,
    error: Option<String>,
    id: i64,
    title: String,
    sender_name: String,
    created: String,
    due: Option<String>,
    status: String,
    can_withdraw: bool,
    targets: Vec<TargetCard>,
}

pub(super) struct TargetCard {
    id: i64,
    town: String,
    decision: &'static str,
    state: &'static str,
    item: Option<String>,
    lead: Option<String>,
    score: f64,
    ruling: Option<String>,
    highlighted: String,
    can_appeal: bool,
}

/// The task's text with the words that decided marked; everything else escaped.
fn highlight(text: &str, evidence_json: &str) -> String {
    let spans: Vec<(usize, usize)> = serde_json::from_str::<serde_json::Value>(evidence_json)
        .ok()
        .and_then(|v| v["evidence"].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .flat_map(|e| e["spans"].as_array().cloned().unwrap_or_default())
        .filter_map(|s| Some((s[0].as_u64()? as usize, s[1].as_u64()? as usize)))
        .collect();
    let chars: Vec<char> = text.chars().collect();
    let mut mark = vec![false; chars.len()];
    for (a, b) in spans {
        for m in mark.iter_mut().take(b.min(chars.len())).skip(a) {
            *m = true;
        }
    }
    let mut out = String::new();
    let mut marked = false;
    for (ch, inside) in chars.iter().zip(mark) {
        if inside != marked {
            out.push_str(if inside { "<mark>" } else { "</mark>" });
            marked = inside;
        }
        match ch {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("<br>"),
            c => out.push(*c),
        }
    }
    if marked {
        out.push_str("</mark>");
    }
    out
}

pub(super) async fn task(State(s): State<WebState>, session: PageSession, Path(id): Path<i64>) -> Response {
    task_page(&s, &session, id, None).await
}

async fn task_page(s: &WebState, session: &PageSession, id: i64, error: Option<String>) -> Response {
    let lang = session.lang;
    let view = match s.app.get_task(&session.actor, TaskId(id)).await {
        Ok(v) => v,
        Err(e) => return error_page(lang, e.into()),
    };
    let towns = towns_in_scope(s, session).await.unwrap_or_default();
    let sender_name = s
        .app
        .get_body(&session.actor, grassroots_domain::core::body::BodyId(view.task.sender_body_id))
        .await
        .map(|b| b.name)
        .unwrap_or_default();
    let mine = session.actor.role == Role::DepartmentOfficer
        && session.actor.body_id.map(|b| b.0) == Some(view.task.sender_body_id);
    let text = format!("{}\n{}", view.task.title, view.task.text);
    let targets = view
        .targets
        .iter()
        .map(|t| TargetCard {
            id: t.id.0,
            town: towns
                .iter()
                .find(|(c, _)| *c == t.division_code)
                .map(|(_, n)| n.clone())
                .unwrap_or_else(|| t.division_code.clone()),
            decision: decision_label(lang, t.decision),
            state: state_label(lang, t.state),
            item: t.item_code.as_ref().map(|c| format!("{c} {}", t.item_title.clone().unwrap_or_default())),
            lead: t.lead_department.clone(),
            score: t.score,
            ruling: t.ruling.as_ref().map(|r| format!("{r}：{}", t.ruling_reason.clone().unwrap_or_default())),
            highlighted: highlight(&text, &t.evidence_json),
            can_appeal: mine && t.state == TargetState::Refused && t.appealed_at.is_none(),
        })
        .collect();
    render(&TaskPage {
        c: Chrome::of(session),
        error,
        id,
        title: view.task.title.clone(),
        sender_name,
        created: display_local(&view.task.created_at),
        due: view.task.due_date.clone(),
        status: if view.task.status == "withdrawn" { lang.t("state.withdrawn").to_owned() } else { String::new() },
        can_withdraw: mine && view.task.status != "withdrawn",
        targets,
    })
}

pub(super) async fn withdraw(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfForm<Empty>) -> Response {
    let result = s.app.withdraw_task(&f.session.actor, TaskId(id)).await.map(|_| ());
    after_form(f.session.lang, result, &format!("/tasks/{id}"), |msg| task_page(&s, &f.session, id, Some(msg))).await
}

#[derive(Deserialize)]
pub(super) struct AppealForm {
    reason: String,
}

pub(super) async fn appeal(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfForm<AppealForm>) -> Response {
    let result =
        s.app.appeal_target(&f.session.actor, TargetId(id), AppealRequest { reason: f.form.reason.clone() }).await;
    let task = result.as_ref().map(|t| t.task_id.0).unwrap_or(0);
    after_form(f.session.lang, result.map(|_| ()), &format!("/tasks/{task}"), |msg| {
        tasks_page(&s, &f.session, TasksQuery::default(), Some(msg))
    })
    .await
}

#[derive(Template)]
#[template(path = "review.html")]
pub(super) struct ReviewPage {
    c: Chrome,
    error: Option<String>,
    total: i64,
    rows: Vec<ReviewRow>,
    pager: String,
    staffing: bool,
    kinds: Vec<(&'static str, &'static str)>,
}

pub(super) struct ReviewRow {
    id: i64,
    task_id: i64,
    title: String,
    town: String,
    why: String,
    appeal: Option<String>,
}

pub(super) async fn review(State(s): State<WebState>, session: PageSession, Query(q): Query<TasksQuery>) -> Response {
    review_page(&s, &session, q.page, None).await
}

async fn review_page(s: &WebState, session: &PageSession, page: Option<u32>, error: Option<String>) -> Response {
    let lang = session.lang;
    let list = match s
        .app
        .list_targets(&session.actor, Some(TargetState::PendingReview), PageRequest::from_parts(page, Some(20)))
        .await
    {
        Ok(l) => l,
        Err(e) => return error_page(lang, e.into()),
    };
    let towns = towns_in_scope(s, session).await.unwrap_or_default();
    let rows = list
        .items
        .iter()
        .map(|t| {
            let why = serde_json::from_str::<serde_json::Value>(&t.evidence_json)
                .ok()
                .and_then(|v| v["abstained"].as_str().map(str::to_owned))
                .unwrap_or_default();
            ReviewRow {
                id: t.id.0,
                task_id: t.task_id.0,
                title: t.task_title.clone(),
                town: towns
                    .iter()
                    .find(|(c, _)| *c == t.division_code)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_else(|| t.division_code.clone()),
                why,
                appeal: t.appeal_reason.clone(),
            }
        })
        .collect();
    render(&ReviewPage {
        c: Chrome::of(session),
        error,
        total: list.total,
        rows,
        pager: pager(lang, "/review", list.page, list.per_page, list.total),
        staffing: session.actor.role == Role::StaffingOfficer,
        kinds: [ItemKind::Duty, ItemKind::Cooperation].iter().map(|k| (k.as_str(), kind_label(lang, *k))).collect(),
    })
}

#[derive(Deserialize)]
pub(super) struct RulingForm {
    accept: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    item_code: String,
    #[serde(default)]
    item_kind: String,
    #[serde(default)]
    item_title: String,
    #[serde(default)]
    item_lead: String,
}

pub(super) async fn rule(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfForm<RulingForm>) -> Response {
    let lang: Lang = f.session.lang;
    let form = &f.form;
    let accept = form.accept == "true";
    let add_item = if accept && !form.item_code.trim().is_empty() {
        Some(ListItem {
            code: form.item_code.trim().to_owned(),
            kind: form.item_kind.parse().unwrap_or(ItemKind::Duty),
            area: String::new(),
            title: form.item_title.trim().to_owned(),
            description: String::new(),
            lead_department: form.item_lead.trim().to_owned(),
            legal_basis: String::new(),
            office: String::new(),
            keywords: vec![],
        })
    } else {
        None
    };
    let req = RulingRequest { accept, reason: form.reason.clone(), add_item };
    let result = s.app.rule_on_target(&f.session.actor, TargetId(id), req).await.map(|_| ());
    after_form(lang, result, "/review", |msg| review_page(&s, &f.session, None, Some(msg))).await
}
