//! The public's pages of geohazard warnings, without login: the warnings in force, their
//! Atom feed and CAP files, and the acknowledgement link a monitor opens from a text
//! message.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use grassroots_app::AppError;
use grassroots_domain::core::time::display_local;
use grassroots_domain::warning::{MessageType, Notice, RecipientKind, WarningId};
use serde::Deserialize;

use super::swatch;
use crate::auth::anonymous_form_token;
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::pages::command::{stale_form, token_matches};
use crate::pages::{Chrome, error_page, form_error, render};
use crate::state::WebState;

/// What the CAP message of a warning says in one language: its area in words, and the
/// headline, description and instruction of the English account.
#[derive(Default)]
struct CapWords {
    area: String,
    headline: Option<String>,
    description: Option<String>,
    instruction: Option<String>,
}

async fn cap_words(s: &WebState, id: WarningId, lang: Lang) -> CapWords {
    let Ok(xml) = s.app.warning_cap(id).await else { return CapWords::default() };
    let Ok(alert) = grassroots_app::warning::cap::parse(&xml) else { return CapWords::default() };
    let zh = alert.infos.iter().find(|i| i.language.starts_with("zh")).or(alert.infos.first());
    let en = alert.infos.iter().find(|i| i.language.starts_with("en")).filter(|_| lang == Lang::En);
    CapWords {
        area: zh
            .map(|i| i.areas.iter().map(|a| a.area_desc.as_str()).collect::<Vec<_>>().join("、"))
            .unwrap_or_default(),
        headline: en.and_then(|i| i.headline.clone()),
        description: en.and_then(|i| i.description.clone()),
        instruction: en.and_then(|i| i.instruction.clone()),
    }
}

struct Alert {
    id: i64,
    colour: &'static str,
    level: &'static str,
    headline: String,
    bodies: String,
    onset: String,
    expires: String,
    description: String,
    instruction: String,
    area: String,
    update: bool,
}

#[derive(Template)]
#[template(path = "public_warnings.html")]
struct AlertsPage {
    c: Chrome,
    alerts: Vec<Alert>,
}

pub(super) async fn alerts(State(s): State<WebState>, jar: CookieJar) -> Response {
    let lang = Lang::from_jar(&jar);
    let active = match s.app.active_warnings().await {
        Ok(a) => a,
        Err(e) => return error_page(lang, e.into()),
    };
    let mut alerts = Vec::with_capacity(active.len());
    for w in active {
        let words = cap_words(&s, w.id, lang).await;
        let bodies: Vec<&str> =
            [Some(w.drafting_body.as_str()), w.cosigning_body.as_deref()].into_iter().flatten().collect();
        alerts.push(Alert {
            id: w.id.0,
            colour: swatch(w.level),
            level: w.level.label(lang.zh()),
            headline: words.headline.unwrap_or(w.headline),
            bodies: bodies.join("、"),
            onset: display_local(&w.onset),
            expires: display_local(&w.expires),
            description: words.description.unwrap_or(w.description),
            instruction: words.instruction.unwrap_or(w.instruction),
            area: if words.area.is_empty() { w.areas.join("、") } else { words.area },
            update: w.msg_type == MessageType::Update,
        });
    }
    render(&AlertsPage { c: Chrome::anonymous(lang, String::new()), alerts })
}

fn typed(content_type: &'static str, body: String) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

pub(super) async fn feed(State(s): State<WebState>, jar: CookieJar) -> Response {
    match s.app.warnings_feed(&s.app.settings.public_url).await {
        Ok(xml) => typed("application/atom+xml; charset=utf-8", xml),
        Err(e) => error_page(Lang::from_jar(&jar), e.into()),
    }
}

pub(super) async fn cap_xml(State(s): State<WebState>, jar: CookieJar, Path(id): Path<i64>) -> Response {
    match s.app.warning_cap(WarningId(id)).await {
        Ok(xml) => typed("application/cap+xml; charset=utf-8", xml),
        Err(e) => error_page(Lang::from_jar(&jar), e.into()),
    }
}

#[derive(Template)]
#[template(path = "ack.html")]
struct AckPage {
    c: Chrome,
    error: Option<String>,
    token: String,
    name: String,
    kind: &'static str,
    monitor: bool,
    notified: String,
    /// When it was acknowledged, if it was.
    acknowledged: Option<String>,
    /// Acknowledged just now by this form.
    done: bool,
    headline: String,
    period: String,
    instruction: String,
}

impl AckPage {
    async fn of(s: &WebState, lang: Lang, csrf: String, token: &str, n: &Notice) -> Self {
        let (headline, period, instruction) = match s.app.warning_cap(n.warning_id).await.ok().and_then(|x| {
            let a = grassroots_app::warning::cap::parse(&x).ok()?;
            let want = if lang == Lang::En { "en" } else { "zh" };
            a.infos.iter().find(|i| i.language.starts_with(want)).or(a.infos.first()).cloned()
        }) {
            Some(i) => {
                let shown = |t: Option<String>| {
                    t.and_then(|t| grassroots_app::warning::message::stored_time(&t)).map(|t| display_local(&t))
                };
                let period = match (shown(i.onset), shown(i.expires)) {
                    (Some(from), Some(to)) => format!("{from} – {to}"),
                    _ => String::new(),
                };
                (i.headline.unwrap_or_default(), period, i.instruction.unwrap_or_default())
            }
            None => Default::default(),
        };
        AckPage {
            c: Chrome::anonymous(lang, csrf),
            error: None,
            token: token.to_owned(),
            name: n.name.clone(),
            kind: n.kind.label(lang.zh()),
            monitor: n.kind == RecipientKind::Monitor,
            notified: display_local(&n.notified_at),
            acknowledged: n.acknowledged_at.as_deref().map(display_local),
            done: false,
            headline,
            period,
            instruction,
        }
    }
}

fn not_found(lang: Lang) -> Response {
    error_page(lang, ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such acknowledgement link"))
}

pub(super) async fn ack_form(State(s): State<WebState>, jar: CookieJar, Path(token): Path<String>) -> Response {
    let lang = Lang::from_jar(&jar);
    let notice = match s.app.notice_of_link(&token).await {
        Ok(n) => n,
        Err(AppError::NotFound) => return not_found(lang),
        Err(e) => return error_page(lang, e.into()),
    };
    let (csrf, cookie) = anonymous_form_token(s.secure_cookies);
    let page = AckPage::of(&s, lang, csrf, &token, &notice).await;
    (jar.add(cookie), render(&page)).into_response()
}

#[derive(Deserialize)]
pub(super) struct AckConfirmForm {
    csrf: String,
}

pub(super) async fn ack_confirm(
    State(s): State<WebState>,
    jar: CookieJar,
    Path(token): Path<String>,
    axum::Form(f): axum::Form<AckConfirmForm>,
) -> Response {
    let lang = Lang::from_jar(&jar);
    if !token_matches(&jar, &f.csrf) {
        return stale_form(lang);
    }
    let notice = match s.app.notice_of_link(&token).await {
        Ok(n) => n,
        Err(AppError::NotFound) => return not_found(lang),
        Err(e) => return error_page(lang, e.into()),
    };
    let mut page = AckPage::of(&s, lang, f.csrf.clone(), &token, &notice).await;
    match s.app.acknowledge_by_link(&token).await {
        Ok(a) => {
            page.acknowledged = Some(display_local(&a.acknowledged_at));
            page.done = !a.already;
        }
        Err(AppError::NotFound) => return not_found(lang),
        Err(e) => match form_error(lang, e) {
            Ok(m) => page.error = Some(m),
            Err(e) => return error_page(lang, e),
        },
    }
    render(&page)
}
