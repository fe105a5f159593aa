//! Pages of the command center — the dispatcher's board with the report form, and an
//! event's page with its timeline and what can be done next — and the public's pages to
//! report an event without logging in and to follow it by tracking number and phone.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use grassroots_app::command::{
    Board, DispatchRequest, EventView, ExtendRequest, MergeEventRequest, PauseEventRequest, ProgressRequest,
    PublicRatingRequest, ReportRequest, TrackRequest, Tracking,
};
use grassroots_domain::ValidationError;
use grassroots_domain::command::{Category, EventId, EventState, Source};
use grassroots_domain::core::role::Permission;
use serde::Deserialize;

use crate::auth::{
    ClientAddress, CsrfForm, CsrfUpload, LOGIN_CSRF_COOKIE, PageSession, anonymous_form_token, same_secret,
};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::pages::{Chrome, PageRoutes, after_form, error_page, form_error, pairs, render, towns_in_scope};
use crate::state::WebState;

pub fn routes(r: PageRoutes) -> PageRoutes {
    r.route(Method::GET, "/command", board)
        .route(Method::POST, "/events", report)
        .route(Method::GET, "/events/{id}", event)
        .route(Method::POST, "/events/{id}/dispatch", dispatch)
        .route(Method::POST, "/events/{id}/progress", progress)
        .route(Method::POST, "/events/{id}/extend", extend)
        .route(Method::POST, "/events/{id}/merge", merge)
        .route(Method::POST, "/events/{id}/pause", pause)
        .upload("/events/{id}/attachments", upload)
        .route(Method::GET, "/events/{id}/attachments/{file}", attachment)
        .public(Method::GET, "/report", public_form)
        .public(Method::POST, "/report", public_report)
        .public(Method::GET, "/track", track_form)
        .public(Method::POST, "/track", track)
        .public(Method::POST, "/track/rate", rate)
}

#[derive(Template)]
#[template(path = "command.html")]
struct BoardPage {
    c: Chrome,
    error: Option<String>,
    board: Board,
    towns: Vec<(String, String)>,
    categories: Vec<(&'static str, &'static str)>,
    sources: Vec<(&'static str, &'static str)>,
    reports: bool,
}

async fn board(State(s): State<WebState>, session: PageSession) -> Response {
    board_page(&s, &session, None).await
}

async fn board_page(s: &WebState, session: &PageSession, error: Option<String>) -> Response {
    let lang = session.lang;
    let result = async {
        Ok::<_, grassroots_app::AppError>((s.app.board(&session.actor).await?, towns_in_scope(s, session).await?))
    }
    .await;
    let (board, towns) = match result {
        Ok(r) => r,
        Err(e) => return error_page(lang, e.into()),
    };
    render(&BoardPage {
        c: Chrome::of(session),
        error,
        board,
        towns,
        categories: pairs(Category::ALL, |c| (c.as_str(), c.label(lang.zh()))),
        sources: pairs(&Source::ALL[..5], |s| (s.as_str(), s.label(lang.zh()))),
        reports: session.actor.role.may(Permission::ReportEvents),
    })
}

#[derive(Deserialize)]
struct ReportForm {
    division: String,
    #[serde(default)]
    source: String,
    category: String,
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    lon: String,
    #[serde(default)]
    lat: String,
    #[serde(default)]
    reporter_name: String,
    #[serde(default)]
    reporter_phone: String,
}

impl ReportForm {
    fn request(&self, public: bool) -> Result<ReportRequest, ValidationError> {
        let number = |v: &str, field: &str| -> Result<Option<f64>, ValidationError> {
            match v.trim() {
                "" => Ok(None),
                t => t.parse().map(Some).map_err(|_| ValidationError::new(field, "invalid_number", "a number")),
            }
        };
        Ok(ReportRequest {
            division: self.division.clone(),
            source: if public { Source::Public } else { self.source.parse()? },
            category: self.category.parse()?,
            title: self.title.clone(),
            description: self.description.clone(),
            address: self.address.clone(),
            lon: number(&self.lon, "lon")?,
            lat: number(&self.lat, "lat")?,
            reporter_name: self.reporter_name.clone(),
            reporter_phone: self.reporter_phone.clone(),
        })
    }
}

async fn report(State(s): State<WebState>, f: CsrfForm<ReportForm>) -> Response {
    let lang = f.session.lang;
    let result = match f.form.request(false) {
        Ok(req) => s.app.report_event(&f.session.actor, req).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(v) => Redirect::to(&format!("/events/{}", v.event.id)).into_response(),
        Err(e) => match form_error(lang, e) {
            Ok(m) => board_page(&s, &f.session, Some(m)).await,
            Err(e) => error_page(lang, e),
        },
    }
}

#[derive(Template)]
#[template(path = "event.html")]
struct EventPage {
    c: Chrome,
    error: Option<String>,
    v: EventView,
    /// What each line of the timeline did, in the reader's language.
    actions: Vec<&'static str>,
    state: &'static str,
    category: &'static str,
    source: &'static str,
    next: Vec<(&'static str, &'static str)>,
    dispatches: bool,
    handles: bool,
}

async fn event(State(s): State<WebState>, session: PageSession, Path(id): Path<i64>) -> Response {
    event_page(&s, &session, id, None).await
}

async fn event_page(s: &WebState, session: &PageSession, id: i64, error: Option<String>) -> Response {
    let lang = session.lang;
    match s.app.get_event(&session.actor, EventId(id)).await {
        Ok(v) => render(&EventPage {
            c: Chrome::of(session),
            error,
            actions: v.timeline.iter().map(|l| action_label(lang, &l.action)).collect(),
            state: v.event.state.label(lang.zh()),
            category: v.event.category.label(lang.zh()),
            source: v.event.source.label(lang.zh()),
            next: v
                .event
                .state
                .next()
                .iter()
                .filter(|n| !matches!(n, EventState::Dispatched | EventState::Merged))
                .map(|n| (n.as_str(), n.label(lang.zh())))
                .collect(),
            dispatches: session.actor.role.may(Permission::DispatchEvents),
            handles: session.actor.role.may(Permission::HandleEvents),
            v,
        }),
        Err(e) => error_page(lang, e.into()),
    }
}

/// After a form on the event page: back to it, or the page again with the message.
async fn back_to_event(
    s: &WebState,
    session: &PageSession,
    id: i64,
    result: Result<(), grassroots_app::AppError>,
) -> Response {
    after_form(session.lang, result, &format!("/events/{id}"), |m| event_page(s, session, id, Some(m))).await
}

fn action_label(lang: Lang, action: &str) -> &'static str {
    match action {
        "reported" => lang.pick("上报", "reported"),
        "dispatched" => lang.pick("派遣", "dispatched"),
        "extended" => lang.pick("延期", "extended"),
        "paused" => lang.pick("挂起", "paused"),
        "resumed" => lang.pick("恢复", "resumed"),
        "merged" => lang.pick("合并", "merged"),
        "reopened" => lang.pick("重新办理", "reopened"),
        "rated" => lang.pick("评价", "rated"),
        "attached" => lang.pick("上传附件", "file attached"),
        "escalated" => lang.pick("超期升级", "escalated"),
        other => other.parse::<EventState>().map_or(lang.pick("其他", "other"), |s| s.label(lang.zh())),
    }
}

#[derive(Deserialize)]
struct DispatchForm {
    office: String,
    #[serde(default)]
    note: String,
}

async fn dispatch(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfForm<DispatchForm>) -> Response {
    let req = DispatchRequest { office: f.form.office.clone(), note: f.form.note.clone() };
    let result = s.app.dispatch_event(&f.session.actor, EventId(id), req).await.map(|_| ());
    back_to_event(&s, &f.session, id, result).await
}

#[derive(Deserialize)]
struct ProgressForm {
    to: String,
    #[serde(default)]
    note: String,
}

async fn progress(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfForm<ProgressForm>) -> Response {
    let result = match f.form.to.parse::<EventState>() {
        Ok(to) => {
            let req = ProgressRequest { to, note: f.form.note.clone() };
            s.app.progress_event(&f.session.actor, EventId(id), req).await.map(|_| ())
        }
        Err(e) => Err(e.into()),
    };
    back_to_event(&s, &f.session, id, result).await
}

#[derive(Deserialize)]
struct ExtendForm {
    days: String,
    reason: String,
}

async fn extend(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfForm<ExtendForm>) -> Response {
    let req = ExtendRequest { days: f.form.days.trim().parse().unwrap_or(0), reason: f.form.reason.clone() };
    let result = s.app.extend_event(&f.session.actor, EventId(id), req).await.map(|_| ());
    back_to_event(&s, &f.session, id, result).await
}

#[derive(Deserialize)]
struct MergeForm {
    into: String,
}

async fn merge(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfForm<MergeForm>) -> Response {
    let req = MergeEventRequest { into: EventId(f.form.into.trim().parse().unwrap_or(0)) };
    let result = s.app.merge_event(&f.session.actor, EventId(id), req).await.map(|_| ());
    back_to_event(&s, &f.session, id, result).await
}

#[derive(Deserialize)]
struct PauseForm {
    action: String,
    #[serde(default)]
    reason: String,
}

async fn pause(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfForm<PauseForm>) -> Response {
    let req = PauseEventRequest { action: f.form.action.clone(), reason: f.form.reason.clone() };
    let result = s.app.pause_event(&f.session.actor, EventId(id), req).await.map(|_| ());
    back_to_event(&s, &f.session, id, result).await
}

/// A file from the event page.
async fn upload(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfUpload) -> Response {
    let result = match (f.file, f.file_name.as_deref()) {
        (Some(bytes), Some(name)) => {
            s.app.attach_to_event(&f.session.actor, EventId(id), name, bytes.to_vec()).await.map(|_| ())
        }
        _ => Err(ValidationError::new("file", "required", "choose a file").into()),
    };
    back_to_event(&s, &f.session, id, result).await
}

async fn attachment(State(s): State<WebState>, session: PageSession, Path((id, file)): Path<(i64, i64)>) -> Response {
    match s.app.event_attachment(&session.actor, EventId(id), grassroots_domain::command::AttachmentId(file)).await {
        Ok((a, bytes)) => crate::api::command::file_response(&a, bytes),
        Err(e) => error_page(session.lang, e.into()),
    }
}

// ---- the public: no login; forms carry a token matched against a cookie ----

#[derive(Template)]
#[template(path = "public_report.html")]
struct PublicReportPage {
    c: Chrome,
    error: Option<String>,
    tracking_number: Option<String>,
    categories: Vec<(&'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "public_track.html")]
struct PublicTrackPage {
    c: Chrome,
    error: Option<String>,
    tracking: Option<Tracking>,
    number: String,
    phone: String,
}

pub(super) fn token_matches(jar: &CookieJar, sent: &str) -> bool {
    jar.get(LOGIN_CSRF_COOKIE).is_some_and(|c| !c.value().is_empty() && same_secret(sent, c.value()))
}

pub(super) fn lookup_failed(lang: Lang, e: &grassroots_app::AppError) -> String {
    match e {
        grassroots_app::AppError::RateLimited => {
            lang.pick("查询失败次数过多，请稍后再试。", "Too many failed lookups; try again later.").to_owned()
        }
        _ => lang.pick("查询编号与手机号不符。", "No report has that number and phone.").to_owned(),
    }
}

pub(super) fn stale_form(lang: Lang) -> Response {
    error_page(lang, ApiError::new(StatusCode::FORBIDDEN, "csrf_failed", "form token mismatch"))
}

async fn public_form(State(s): State<WebState>, jar: CookieJar) -> Response {
    let lang = Lang::from_jar(&jar);
    let (token, cookie) = anonymous_form_token(s.secure_cookies);
    let page = PublicReportPage {
        c: Chrome::anonymous(lang, token),
        error: None,
        tracking_number: None,
        categories: pairs(Category::ALL, |c| (c.as_str(), c.label(lang.zh()))),
    };
    (jar.add(cookie), render(&page)).into_response()
}

#[derive(Deserialize)]
struct PublicReportForm {
    csrf: String,
    #[serde(flatten)]
    report: ReportForm,
}

async fn public_report(
    State(s): State<WebState>,
    jar: CookieJar,
    axum::Form(f): axum::Form<PublicReportForm>,
) -> Response {
    let lang = Lang::from_jar(&jar);
    if !token_matches(&jar, &f.csrf) {
        return stale_form(lang);
    }
    let result = match f.report.request(true) {
        Ok(req) => s.app.public_report(req).await,
        Err(e) => Err(e.into()),
    };
    let (tracking_number, error) = match result {
        Ok(n) => (Some(n), None),
        Err(e) => match form_error(lang, e) {
            Ok(m) => (None, Some(m)),
            Err(e) => return error_page(lang, e),
        },
    };
    let page = PublicReportPage {
        c: Chrome::anonymous(lang, f.csrf.clone()),
        error,
        tracking_number,
        categories: pairs(Category::ALL, |c| (c.as_str(), c.label(lang.zh()))),
    };
    render(&page)
}

async fn track_form(State(s): State<WebState>, jar: CookieJar) -> Response {
    let lang = Lang::from_jar(&jar);
    let (token, cookie) = anonymous_form_token(s.secure_cookies);
    let page = PublicTrackPage {
        c: Chrome::anonymous(lang, token),
        error: None,
        tracking: None,
        number: String::new(),
        phone: String::new(),
    };
    (jar.add(cookie), render(&page)).into_response()
}

#[derive(Deserialize)]
struct TrackForm {
    csrf: String,
    tracking_number: String,
    phone: String,
    #[serde(default)]
    satisfied: Option<String>,
}

async fn track(
    State(s): State<WebState>,
    ClientAddress(address): ClientAddress,
    jar: CookieJar,
    axum::Form(f): axum::Form<TrackForm>,
) -> Response {
    let lang = Lang::from_jar(&jar);
    if !token_matches(&jar, &f.csrf) {
        return stale_form(lang);
    }
    let req = TrackRequest { tracking_number: f.tracking_number.clone(), phone: f.phone.clone() };
    let (tracking, error) = match s.app.track_event(&req, &address).await {
        Ok((_, t)) => (Some(t), None),
        Err(e) => (None, Some(lookup_failed(lang, &e))),
    };
    render(&PublicTrackPage {
        c: Chrome::anonymous(lang, f.csrf.clone()),
        error,
        tracking,
        number: f.tracking_number,
        phone: f.phone,
    })
}

async fn rate(
    State(s): State<WebState>,
    ClientAddress(address): ClientAddress,
    jar: CookieJar,
    axum::Form(f): axum::Form<TrackForm>,
) -> Response {
    let lang = Lang::from_jar(&jar);
    if !token_matches(&jar, &f.csrf) {
        return stale_form(lang);
    }
    let req = PublicRatingRequest {
        tracking_number: f.tracking_number.clone(),
        phone: f.phone.clone(),
        satisfied: f.satisfied.as_deref() == Some("yes"),
    };
    let (tracking, error) = match s.app.rate_event(req, &address).await {
        Ok(t) => (Some(t), None),
        Err(e @ (grassroots_app::AppError::NotFound | grassroots_app::AppError::RateLimited)) => {
            (None, Some(lookup_failed(lang, &e)))
        }
        Err(e) => match form_error(lang, e) {
            Ok(m) => (None, Some(m)),
            Err(e) => return error_page(lang, e),
        },
    };
    render(&PublicTrackPage {
        c: Chrome::anonymous(lang, f.csrf.clone()),
        error,
        tracking,
        number: f.tracking_number,
        phone: f.phone,
    })
}
