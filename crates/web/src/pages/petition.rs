//! Pages of petitions — the list with the overdue filter and the registration form, a
//! petition's page with its clocks, timeline and next step, the petitioner masked unless a
//! handler asks to see them (audited) — and the public's pages to petition online and to
//! follow a petition by tracking number and phone.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::Method;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use grassroots_app::petition::{
    PetitionExtensionRequest, PetitionRatingRequest, PetitionRequest, PetitionStageRequest, PetitionTrackRequest,
    PetitionTracking, PetitionView,
};
use grassroots_domain::ValidationError;
use grassroots_domain::core::clock::Count;
use grassroots_domain::core::role::Permission;
use grassroots_domain::page::PageRequest;
use grassroots_domain::petition::{Channel, PetitionId, PetitionKind, PetitionStage, Petitioner};
use serde::Deserialize;

use super::command::{lookup_failed, stale_form, token_matches};
use crate::auth::{ClientAddress, CsrfForm, PageSession, anonymous_form_token};
use crate::i18n::Lang;
use crate::pages::{
    Chrome, PageRoutes, after_form, error_page, form_error, pager, pairs, render, towns_in_scope, urlencode,
};
use crate::state::WebState;

pub fn routes(r: PageRoutes) -> PageRoutes {
    r.route(Method::GET, "/petitions", petitions)
        .route(Method::POST, "/petitions", register)
        .route(Method::GET, "/petitions/{id}", petition)
        .route(Method::POST, "/petitions/{id}/petitioner", reveal)
        .route(Method::POST, "/petitions/{id}/stage", move_to)
        .route(Method::POST, "/petitions/{id}/extension", extend)
        .public(Method::GET, "/petition", public_form)
        .public(Method::POST, "/petition", public_petition)
        .public(Method::GET, "/petition/track", track_form)
        .public(Method::POST, "/petition/track", track)
        .public(Method::POST, "/petition/track/rate", rate)
}

fn kinds(lang: Lang) -> Vec<(&'static str, &'static str)> {
    pairs(PetitionKind::ALL, |k| (k.as_str(), k.label(lang.zh())))
}

struct PetitionRow {
    id: i64,
    number: String,
    title: String,
    petitioner: String,
    kind: &'static str,
    stage: &'static str,
    received_on: String,
    due_on: String,
    overdue: bool,
    repeat: bool,
}

#[derive(Template)]
#[template(path = "petitions.html")]
struct PetitionsPage {
    c: Chrome,
    error: Option<String>,
    rows: Vec<PetitionRow>,
    stages: Vec<(&'static str, &'static str)>,
    stage: String,
    overdue: bool,
    pager: String,
    towns: Vec<(String, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    channels: Vec<(&'static str, &'static str)>,
    handles: bool,
    today: String,
}

#[derive(Deserialize, Default)]
struct PetitionsQuery {
    stage: Option<String>,
    overdue: Option<String>,
    page: Option<u32>,
}

async fn petitions(State(s): State<WebState>, session: PageSession, Query(q): Query<PetitionsQuery>) -> Response {
    petitions_page(&s, &session, q, None).await
}

async fn petitions_page(s: &WebState, session: &PageSession, q: PetitionsQuery, error: Option<String>) -> Response {
    let lang = session.lang;
    let stage = q.stage.clone().unwrap_or_default();
    let overdue = q.overdue.as_deref().is_some_and(|o| !o.is_empty());
    let page = PageRequest::from_parts(q.page, Some(50));
    let result = async {
        let list = s.app.list_petitions(&session.actor, stage.parse().ok(), overdue, page).await?;
        Ok::<_, grassroots_app::AppError>((list, towns_in_scope(s, session).await?))
    }
    .await;
    let (list, towns) = match result {
        Ok(r) => r,
        Err(e) => return error_page(lang, e.into()),
    };
    let today = grassroots_app::core::today().to_string();
    let rows = list
        .items
        .iter()
        .map(|p| PetitionRow {
            id: p.id.0,
            number: p.tracking_number.clone(),
            title: p.title.clone(),
            petitioner: p.petitioner.name.clone(),
            kind: p.kind.label(lang.zh()),
            stage: p.stage.label(lang.zh()),
            received_on: p.received_on.clone(),
            overdue: p.due_on.as_deref().is_some_and(|d| d < today.as_str()),
            due_on: p.due_on.clone().unwrap_or_default(),
            repeat: p.repeat_of.is_some(),
        })
        .collect();
    let base = format!("/petitions?stage={}&overdue={}", urlencode(&stage), if overdue { "1" } else { "" });
    render(&PetitionsPage {
        c: Chrome::of(session),
        error,
        rows,
        stages: pairs(PetitionStage::ALL, |s| (s.as_str(), s.label(lang.zh()))),
        pager: pager(lang, &base, page.page, page.per_page, list.total),
        stage,
        overdue,
        towns,
        kinds: kinds(lang),
        channels: pairs(&Channel::ALL[..3], |c| (c.as_str(), c.label(lang.zh()))),
        handles: session.actor.role.may(Permission::HandlePetitions),
        today,
    })
}

#[derive(Deserialize)]
struct PetitionForm {
    division: String,
    #[serde(default)]
    channel: String,
    kind: String,
    title: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    people: String,
    name: String,
    id_number: String,
    phone: String,
    address: String,
    #[serde(default)]
    received_on: String,
    #[serde(default)]
    sent_on: Option<String>,
}

impl PetitionForm {
    fn request(&self, public: bool) -> Result<PetitionRequest, ValidationError> {
        let people = match self.people.trim() {
            "" => 1,
            n => n.parse().map_err(|_| ValidationError::new("people", "invalid_people", "a whole number"))?,
        };
        Ok(PetitionRequest {
            division: self.division.clone(),
            channel: if public { Channel::Online } else { self.channel.parse()? },
            kind: self.kind.parse()?,
            title: self.title.clone(),
            content: self.content.clone(),
            people,
            petitioner: Petitioner {
                name: self.name.clone(),
                id_number: self.id_number.clone(),
                phone: self.phone.clone(),
                address: self.address.clone(),
            },
            received_on: Some(self.received_on.clone()),
            sent_on: self.sent_on.is_some(),
        })
    }
}

async fn register(State(s): State<WebState>, f: CsrfForm<PetitionForm>) -> Response {
    let lang = f.session.lang;
    let result = match f.form.request(false) {
        Ok(req) => s.app.register_petition(&f.session.actor, req).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(v) => Redirect::to(&format!("/petitions/{}", v.petition.id)).into_response(),
        Err(e) => match form_error(lang, e) {
            Ok(m) => petitions_page(&s, &f.session, PetitionsQuery::default(), Some(m)).await,
            Err(e) => error_page(lang, e),
        },
    }
}

#[derive(Template)]
#[template(path = "petition.html")]
struct PetitionPage {
    c: Chrome,
    error: Option<String>,
    v: PetitionView,
    stage: &'static str,
    kind: &'static str,
    channel: &'static str,
    /// What each line of the timeline did, in the reader's language.
    actions: Vec<&'static str>,
    next: Vec<(&'static str, &'static str)>,
    handles: bool,
    today: String,
}

impl PetitionPage {
    fn working(&self, count: &Count) -> bool {
        *count == Count::WorkingDays
    }
}

async fn petition(State(s): State<WebState>, session: PageSession, Path(id): Path<i64>) -> Response {
    petition_page(&s, &session, id, false, None).await
}

async fn petition_page(
    s: &WebState,
    session: &PageSession,
    id: i64,
    in_clear: bool,
    error: Option<String>,
) -> Response {
    let lang = session.lang;
    let view = if in_clear {
        s.app.petition_in_clear(&session.actor, PetitionId(id)).await
    } else {
        s.app.get_petition(&session.actor, PetitionId(id)).await
    };
    match view {
        Ok(v) => render(&PetitionPage {
            c: Chrome::of(session),
            error,
            stage: v.petition.stage.label(lang.zh()),
            kind: v.petition.kind.label(lang.zh()),
            channel: v.petition.channel.label(lang.zh()),
            actions: v.timeline.iter().map(|l| action_label(lang, &l.action)).collect(),
            next: v.next.iter().map(|n| (n.as_str(), n.label(lang.zh()))).collect(),
            handles: session.actor.role.may(Permission::HandlePetitions),
            today: grassroots_app::core::today().to_string(),
            v,
        }),
        Err(e) => error_page(lang, e.into()),
    }
}

fn action_label(lang: Lang, action: &str) -> &'static str {
    match action {
        "registered" => lang.pick("登记", "registered"),
        "extended" => lang.pick("延长办理期限", "extended"),
        "rated" => lang.pick("评价", "rated"),
        other => other.parse::<PetitionStage>().map_or(lang.pick("其他", "other"), |s| s.label(lang.zh())),
    }
}

async fn back_to_petition(
    s: &WebState,
    session: &PageSession,
    id: i64,
    result: Result<(), grassroots_app::AppError>,
) -> Response {
    after_form(session.lang, result, &format!("/petitions/{id}"), |m| petition_page(s, session, id, false, Some(m)))
        .await
}

#[derive(Deserialize)]
struct RevealForm {}

/// The petitioner in clear: a POST, so that the audited view is a deliberate act.
async fn reveal(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfForm<RevealForm>) -> Response {
    petition_page(&s, &f.session, id, true, None).await
}

#[derive(Deserialize)]
struct StageForm {
    to: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    hearing_days: String,
    #[serde(default)]
    satisfied: String,
}

async fn move_to(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfForm<StageForm>) -> Response {
    let form = &f.form;
    let result = match form.to.parse::<PetitionStage>() {
        Ok(to) => {
            let req = PetitionStageRequest {
                to,
                on: Some(form.on.clone()),
                note: form.note.clone(),
                hearing_days: form.hearing_days.trim().parse().ok(),
                satisfied: match form.satisfied.as_str() {
                    "yes" => Some(true),
                    "no" => Some(false),
                    _ => None,
                },
            };
            s.app.move_petition(&f.session.actor, PetitionId(id), req).await.map(|_| ())
        }
        Err(e) => Err(e.into()),
    };
    back_to_petition(&s, &f.session, id, result).await
}

#[derive(Deserialize)]
struct ExtensionForm {
    days: String,
    approved_by: String,
    note: String,
    #[serde(default)]
    on: String,
}

async fn extend(State(s): State<WebState>, Path(id): Path<i64>, f: CsrfForm<ExtensionForm>) -> Response {
    let req = PetitionExtensionRequest {
        days: f.form.days.trim().parse().unwrap_or(0),
        approved_by: f.form.approved_by.clone(),
        note: f.form.note.clone(),
        on: Some(f.form.on.clone()),
    };
    let result = s.app.extend_petition(&f.session.actor, PetitionId(id), req).await.map(|_| ());
    back_to_petition(&s, &f.session, id, result).await
}

// ---- the public: no login; forms carry a token matched against a cookie ----

#[derive(Template)]
#[template(path = "public_petition.html")]
struct PublicPetitionPage {
    c: Chrome,
    error: Option<String>,
    tracking_number: Option<String>,
    kinds: Vec<(&'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "public_petition_track.html")]
struct PublicTrackPage {
    c: Chrome,
    error: Option<String>,
    tracking: Option<PetitionTracking>,
    number: String,
    phone: String,
}

async fn public_form(State(s): State<WebState>, jar: CookieJar) -> Response {
    let lang = Lang::from_jar(&jar);
    let (token, cookie) = anonymous_form_token(s.secure_cookies);
    let page = PublicPetitionPage {
        c: Chrome::anonymous(lang, token),
        error: None,
        tracking_number: None,
        kinds: kinds(lang),
    };
    (jar.add(cookie), render(&page)).into_response()
}

#[derive(Deserialize)]
struct PublicPetitionForm {
    csrf: String,
    #[serde(flatten)]
    petition: PetitionForm,
}

async fn public_petition(
    State(s): State<WebState>,
    jar: CookieJar,
    axum::Form(f): axum::Form<PublicPetitionForm>,
) -> Response {
    let lang = Lang::from_jar(&jar);
    if !token_matches(&jar, &f.csrf) {
        return stale_form(lang);
    }
    let result = match f.petition.request(true) {
        Ok(req) => s.app.public_petition(req).await,
        Err(e) => Err(e.into()),
    };
    let (tracking_number, error) = match result {
        Ok(n) => (Some(n), None),
        Err(e) => match form_error(lang, e) {
            Ok(m) => (None, Some(m)),
            Err(e) => return error_page(lang, e),
        },
    };
    render(&PublicPetitionPage {
        c: Chrome::anonymous(lang, f.csrf.clone()),
        error,
        tracking_number,
        kinds: kinds(lang),
    })
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

/// The tracking page again, with what the lookup or rating found.
fn track_page(lang: Lang, f: TrackForm, tracking: Option<PetitionTracking>, error: Option<String>) -> Response {
    render(&PublicTrackPage {
        c: Chrome::anonymous(lang, f.csrf),
        error,
        tracking,
        number: f.tracking_number,
        phone: f.phone,
    })
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
    let req = PetitionTrackRequest { tracking_number: f.tracking_number.clone(), phone: f.phone.clone() };
    let (tracking, error) = match s.app.track_petition(&req, &address).await {
        Ok((_, t)) => (Some(t), None),
        Err(e) => (None, Some(lookup_failed(lang, &e))),
    };
    track_page(lang, f, tracking, error)
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
    let req = PetitionRatingRequest {
        tracking_number: f.tracking_number.clone(),
        phone: f.phone.clone(),
        satisfied: f.satisfied.as_deref() == Some("yes"),
    };
    let (tracking, error) = match s.app.rate_petition(req, &address).await {
        Ok(t) => (Some(t), None),
        Err(e @ (grassroots_app::AppError::NotFound | grassroots_app::AppError::RateLimited)) => {
            (None, Some(lookup_failed(lang, &e)))
        }
        Err(e) => match form_error(lang, e) {
            Ok(m) => (None, Some(m)),
            Err(e) => return error_page(lang, e),
        },
    };
    track_page(lang, f, tracking, error)
}
