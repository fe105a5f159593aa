//! The command center: events reported by staff or by the public (with a tracking number
//! the reporter follows by phone) and committed in groups ([`intake`]), files attached,
//! possible duplicates found and merged, dispatch to a body or office of the town with the
//! category's deadline in working days, extensions and pauses, progress to closing and
//! reopening, escalation when overdue, the reporter's rating, and the dispatcher's board.

mod attachments;
pub(crate) mod demo;
pub mod intake;

use grassroots_domain::ValidationError;
use grassroots_domain::command::{
    Attachment, Category, Event, EventId, EventLogLine, EventState, Source, check_phone, check_point, deadline,
    distance_m, escalation_label, mask_phone,
};
use grassroots_domain::core::body::BodyKind;
use grassroots_domain::core::division::DivisionCode;
use grassroots_domain::core::role::Permission;
use grassroots_domain::page::{Page, PageRequest};
use grassroots_domain::restructuring::PlanDocument;
use grassroots_store::command as store;
use grassroots_store::core::{bodies, divisions};
use serde::{Deserialize, Serialize};
use time::Duration;

use crate::core::audit::{self, Change};
use crate::core::{now, parse_day, required, today, tracking};
use crate::{Actor, App, AppError, Result};

/// Reports of the same category in the same town within this many days are compared.
pub const DUPLICATE_DAYS: i64 = 7;
/// Two reports with points closer than this are taken for one place.
pub const DUPLICATE_METRES: f64 = 300.0;
const MAX_EXTENSION_DAYS: i64 = 30;

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    /// Where: a town or one of its villages.
    pub division: String,
    pub source: Source,
    pub category: Category,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub address: String,
    /// WGS84 longitude and latitude.
    #[serde(default)]
    pub lon: Option<f64>,
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub reporter_name: String,
    #[serde(default)]
    pub reporter_phone: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DispatchRequest {
    /// The office or team that will handle it.
    pub office: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgressRequest {
    /// `in_progress`, `resolved`, `closed`, or `in_progress` again to reopen.
    pub to: EventState,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtendRequest {
    /// Working days added to the deadline.
    pub days: i64,
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PauseEventRequest {
    /// `pause` stops the clock (with the reason); `resume` starts it again, the deadline
    /// moved by the working days it stood still.
    pub action: String,
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeEventRequest {
    /// The event this one repeats.
    pub into: EventId,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackRequest {
    pub tracking_number: String,
    pub phone: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicRatingRequest {
    pub tracking_number: String,
    pub phone: String,
    pub satisfied: bool,
}

/// An event with its timeline, whether it is overdue, and reports that may be the same.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EventView {
    pub event: Event,
    pub overdue: bool,
    pub timeline: Vec<EventLogLine>,
    pub possible_duplicates: Vec<EventId>,
    pub attachments: Vec<Attachment>,
    /// Where a dispatcher may send it: the town's bodies and the offices of its
    /// restructuring plan in force (empty for those who do not dispatch).
    pub dispatch_targets: Vec<String>,
}

/// A report on disk: its id, and the number the reporter follows it by.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Reported {
    pub id: EventId,
    pub tracking_number: String,
}

/// What the reporter sees by tracking number and phone.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Tracking {
    pub tracking_number: String,
    pub title: String,
    pub state: EventState,
    pub state_label: &'static str,
    pub reported_at: String,
    pub resolved_on: Option<String>,
    pub satisfied: Option<bool>,
}

/// The dispatcher's board.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Board {
    /// Reported and waiting to be dispatched.
    pub queue: Vec<Event>,
    pub overdue: Vec<Event>,
    /// (office, open, overdue)
    pub by_office: Vec<(String, i64, i64)>,
}

impl App {
    /// Records a report and answers with the event's page data.
    pub async fn report_event(&self, actor: &Actor, req: ReportRequest) -> Result<EventView> {
        let reported = self.report(actor, req).await?;
        self.event_view(actor, reported.id).await
    }

    /// Records a report, answering once it is on disk with its id and tracking number.
    /// Staff report within their scope; `public_report` takes the public's.
    pub async fn report(&self, actor: &Actor, req: ReportRequest) -> Result<Reported> {
        actor.require(Permission::ReportEvents)?;
        self.record_report(actor, req, false).await
    }

    /// A report from the public, without login: its phone number is required, and the
    /// answer is the tracking number.
    pub async fn public_report(&self, req: ReportRequest) -> Result<String> {
        let req = ReportRequest { source: Source::Public, ..req };
        Ok(self.record_report(&Actor::system("public"), req, true).await?.tracking_number)
    }

    /// Checks the report's fields; the writer places it in its town (see [`intake`]).
    async fn record_report(&self, actor: &Actor, req: ReportRequest, public: bool) -> Result<Reported> {
        let code = DivisionCode::parse(&req.division)?;
        let mut e = ValidationError::default();
        required(&req.title, "title", 200, &mut e);
        if req.description.chars().count() > 5000 || req.address.chars().count() > 500 {
            e.push("description", "too_long", "a description has at most 5,000 characters, an address 500");
        }
        if public {
            required(&req.reporter_name, "reporter_name", 100, &mut e);
        }
        if (public || !req.reporter_phone.trim().is_empty())
            && let Err(bad) = check_phone(&req.reporter_phone)
        {
            e.errors.extend(bad.errors);
        }
        match (req.lon, req.lat) {
            (Some(lon), Some(lat)) => {
                if let Err(bad) = check_point(lon, lat) {
                    e.errors.extend(bad.errors);
                }
            }
            (None, None) => {}
            _ => e.push("point", "invalid_point", "give both longitude and latitude, or neither"),
        }
        e.into_result()?;
        let stamp = now();
        let event = Event {
            id: EventId(0),
            county_code: String::new(),
            town_code: String::new(),
            division_code: code.as_str().to_owned(),
            tracking_number: tracking::tracking_number("SJ"),
            source: req.source,
            category: req.category,
            title: req.title.trim().to_owned(),
            description: req.description.trim().to_owned(),
            address: req.address.trim().to_owned(),
            lon: req.lon,
            lat: req.lat,
            reporter_name: req.reporter_name.trim().to_owned(),
            reporter_phone: tracking::digits(&req.reporter_phone),
            state: EventState::New,
            office: None,
            dispatched_on: None,
            due_on: None,
            paused_on: None,
            extra_days: 0,
            resolved_on: None,
            closed_on: None,
            merged_into: None,
            satisfied: None,
            escalation: 0,
            escalated_on: None,
            created_by: actor.label(),
            created_at: stamp.clone(),
        };
        let tracking_number = event.tracking_number.clone();
        let id = intake::submit(&self.intake, actor, event, public).await?;
        Ok(Reported { id, tracking_number })
    }

    async fn event_in_scope(&self, actor: &Actor, id: EventId) -> Result<Event> {
        let mut c = self.store.conn().await?;
        let (event, path) = store::get(&mut c, id).await?.ok_or(AppError::NotFound)?;
        actor.may_act_on(&path, Permission::ReadDirectory)?;
        Ok(event)
    }

    async fn event_view(&self, actor: &Actor, id: EventId) -> Result<EventView> {
        let mut c = self.store.conn().await?;
        let (mut event, _) = store::get(&mut c, id).await?.ok_or(AppError::NotFound)?;
        let timeline = store::timeline(&mut c, id).await?;
        let reported =
            grassroots_domain::core::time::from_stored(&event.created_at).unwrap_or(time::OffsetDateTime::now_utc());
        let since = grassroots_domain::core::time::to_stored(reported - Duration::days(DUPLICATE_DAYS));
        let near = store::recent(&mut c, &event.town_code, event.category, &since).await?;
        let possible_duplicates = near
            .iter()
            .filter(|o| o.id != event.id && o.state != EventState::Merged)
            .filter(|o| match (event.lon.zip(event.lat), o.lon.zip(o.lat)) {
                (Some(a), Some(b)) => distance_m(a, b) <= DUPLICATE_METRES,
                _ => o.division_code == event.division_code,
            })
            .map(|o| o.id)
            .collect();
        let attachments = store::attachments(&mut c, id).await?;
        drop(c);
        let dispatches = actor.user_id.is_none() || actor.role.may(Permission::DispatchEvents);
        if !dispatches {
            // With the number and a masked phone one could guess the rest; neither is shown.
            event.reporter_phone = mask_phone(&event.reporter_phone);
            event.tracking_number = mask_phone(&event.tracking_number);
        }
        let dispatch_targets = if dispatches && event.state.check_move(EventState::Dispatched).is_ok() {
            self.dispatch_targets(&event.town_code).await?
        } else {
            Vec::new()
        };
        Ok(EventView {
            overdue: event.overdue(&today().to_string()),
            timeline,
            possible_duplicates,
            attachments,
            dispatch_targets,
            event,
        })
    }

    /// The bodies of a town and its villages (its government aside), and the offices of
    /// the town's restructuring plan in force today.
    pub async fn dispatch_targets(&self, town: &str) -> Result<Vec<String>> {
        let mut c = self.store.conn().await?;
        let d = divisions::get(&mut c, &DivisionCode::parse(town)?).await?.ok_or(AppError::NotFound)?;
        let (found, _) = bodies::list(&mut c, &d.path, &bodies::BodyFilter::default(), 500, 0).await?;
        let mut targets: Vec<String> =
            found.into_iter().filter(|b| b.kind != BodyKind::Government).map(|b| b.name).collect();
        let day = today().to_string();
        let plans = grassroots_store::restructuring::approved(&mut c, town).await?;
        let in_force = plans.iter().rfind(|(p, _)| p.effective_from.as_deref().is_some_and(|f| *f <= *day));
        if let Some((_, doc)) = in_force {
            let doc: PlanDocument =
                serde_json::from_str(doc).map_err(|e| AppError::Conflict(format!("stored plan unreadable: {e}")))?;
            targets.extend(doc.offices.into_iter().map(|o| o.name));
        }
        targets.sort();
        targets.dedup();
        Ok(targets)
    }

    /// Staff who handle events work those dispatched to their own body; the command center
    /// works them all.
    async fn may_work(&self, actor: &Actor, event: &Event) -> Result<()> {
        if actor.user_id.is_none() || actor.role.may(Permission::DispatchEvents) {
            return Ok(());
        }
        actor.require(Permission::HandleEvents)?;
        let mut c = self.store.conn().await?;
        let body = match actor.body_id {
            Some(id) => bodies::get(&mut c, id).await?.map(|(b, _)| b.name),
            None => None,
        };
        match (&body, &event.office) {
            (Some(b), Some(o)) if b == o => Ok(()),
            _ => Err(AppError::NotYours(format!(
                "the event is dispatched to {}; only that body or the command center works it",
                event.office.as_deref().unwrap_or("no one yet")
            ))),
        }
    }

    pub async fn get_event(&self, actor: &Actor, id: EventId) -> Result<EventView> {
        self.event_in_scope(actor, id).await?;
        self.event_view(actor, id).await
    }

    /// Events of the actor's scope: in one state, or overdue.
    pub async fn list_events(
        &self,
        actor: &Actor,
        state: Option<EventState>,
        overdue: bool,
        page: PageRequest,
    ) -> Result<Page<Event>> {
        actor.require(Permission::ReadDirectory)?;
        let today = today().to_string();
        let mut c = self.store.conn().await?;
        let (mut items, total) = store::list(
            &mut c,
            &actor.scope_path,
            state,
            overdue.then_some(today.as_str()),
            page.limit(),
            page.offset(),
        )
        .await?;
        if !actor.role.may(Permission::DispatchEvents) {
            for e in &mut items {
                e.reporter_phone = mask_phone(&e.reporter_phone);
            }
        }
        Ok(Page::new(items, page, total))
    }

    pub async fn board(&self, actor: &Actor) -> Result<Board> {
        let queue =
            self.list_events(actor, Some(EventState::New), false, PageRequest { page: 1, per_page: 200 }).await?;
        let overdue = self.list_events(actor, None, true, PageRequest { page: 1, per_page: 200 }).await?;
        let mut c = self.store.conn().await?;
        let by_office = store::by_office(&mut c, &actor.scope_path, &today().to_string()).await?;
        Ok(Board { queue: queue.items, overdue: overdue.items, by_office })
    }

    /// Dispatches (or re-dispatches) an event to an office, with the category's deadline.
    pub async fn dispatch_event(&self, actor: &Actor, id: EventId, req: DispatchRequest) -> Result<EventView> {
        let before = self.event_in_scope(actor, id).await?;
        actor.require(Permission::DispatchEvents)?;
        before.state.check_move(EventState::Dispatched)?;
        let mut e = ValidationError::default();
        required(&req.office, "office", 200, &mut e);
        e.into_result()?;
        let targets = self.dispatch_targets(&before.town_code).await?;
        if !targets.iter().any(|t| t == req.office.trim()) {
            return Err(ValidationError::new(
                "office",
                "unknown_office",
                format!("“{}” is not a body or office of the town", req.office.trim()),
            )
            .into());
        }
        let day = today();
        let mut next = before.clone();
        next.state = EventState::Dispatched;
        next.escalation = 0;
        next.escalated_on = None;
        next.office = Some(req.office.trim().to_owned());
        next.dispatched_on = Some(day.to_string());
        let extra = u32::try_from(before.extra_days).unwrap_or(0);
        next.due_on = Some(deadline(&self.calendar(), day, before.category, extra).to_string());
        let note = format!("{} · {} {}", req.office.trim(), next.due_on.as_deref().unwrap_or(""), req.note.trim());
        self.save_event(actor, &before, &next, "dispatched", &note).await
    }

    pub async fn progress_event(&self, actor: &Actor, id: EventId, req: ProgressRequest) -> Result<EventView> {
        let before = self.event_in_scope(actor, id).await?;
        let closing = req.to == EventState::Closed;
        let reopening =
            matches!(before.state, EventState::Resolved | EventState::Closed) && req.to == EventState::InProgress;
        if !actor.role.may(Permission::HandleEvents) {
            actor.require(Permission::DispatchEvents)?;
        }
        before.state.check_move(req.to)?;
        if closing || reopening {
            actor.require(Permission::DispatchEvents)?;
        } else {
            self.may_work(actor, &before).await?;
        }
        if req.to == EventState::Merged || req.to == EventState::Dispatched {
            return Err(ValidationError::new("to", "out_of_order", "dispatch and merge have their own actions").into());
        }
        let day = today().to_string();
        let mut next = before.clone();
        next.state = req.to;
        if !req.to.is_open() {
            next.paused_on = None;
        }
        match req.to {
            EventState::Resolved => next.resolved_on = Some(day),
            EventState::Closed => next.closed_on = Some(day),
            _ if reopening => {
                next.resolved_on = None;
                next.closed_on = None;
                next.satisfied = None;
            }
            _ => {}
        }
        let action = if reopening { "reopened" } else { req.to.as_str() };
        self.save_event(actor, &before, &next, action, req.note.trim()).await
    }

    /// Extends the deadline of an open event by working days, with the reason.
    pub async fn extend_event(&self, actor: &Actor, id: EventId, req: ExtendRequest) -> Result<EventView> {
        let before = self.event_in_scope(actor, id).await?;
        actor.require(Permission::DispatchEvents)?;
        let mut e = ValidationError::default();
        required(&req.reason, "reason", 1000, &mut e);
        if !(1..=MAX_EXTENSION_DAYS).contains(&req.days) {
            e.push("days", "out_of_range", "between 1 and 30 working days");
        }
        e.into_result()?;
        let dispatched = match (before.state.is_open(), before.dispatched_on.as_deref()) {
            (true, Some(d)) => parse_day(d, "dispatched_on")?,
            _ => return Err(ValidationError::new("state", "not_open", "only an open event has a deadline").into()),
        };
        let mut next = before.clone();
        next.extra_days += req.days;
        let extra = u32::try_from(next.extra_days).unwrap_or(0);
        next.due_on = Some(deadline(&self.calendar(), dispatched, before.category, extra).to_string());
        let note = format!("+{} · {}", req.days, req.reason.trim());
        self.save_event(actor, &before, &next, "extended", &note).await
    }

    /// Pauses an open event (its clock stands still) or resumes it.
    pub async fn pause_event(&self, actor: &Actor, id: EventId, req: PauseEventRequest) -> Result<EventView> {
        let before = self.event_in_scope(actor, id).await?;
        actor.require(Permission::DispatchEvents)?;
        if !before.state.is_open() {
            return Err(ValidationError::new("state", "not_open", "only an open event has a clock").into());
        }
        let today = today();
        let mut next = before.clone();
        let note = match (req.action.as_str(), before.paused_on.as_deref()) {
            ("pause", None) => {
                let mut e = ValidationError::default();
                required(&req.reason, "reason", 1000, &mut e);
                e.into_result()?;
                next.paused_on = Some(today.to_string());
                req.reason.trim().to_owned()
            }
            ("resume", Some(since)) => {
                let stood = self.calendar().working_days_between(parse_day(since, "paused_on")?, today);
                let dispatched = parse_day(before.dispatched_on.as_deref().unwrap_or(since), "dispatched_on")?;
                next.paused_on = None;
                next.extra_days += i64::from(stood);
                let extra = u32::try_from(next.extra_days).unwrap_or(0);
                next.due_on = Some(deadline(&self.calendar(), dispatched, before.category, extra).to_string());
                format!("+{stood}")
            }
            ("pause", Some(_)) => return Err(AppError::Conflict("the event is paused already".into())),
            ("resume", None) => return Err(AppError::Conflict("the event is not paused".into())),
            (other, _) => {
                return Err(ValidationError::new(
                    "action",
                    "invalid_action",
                    format!("“{other}” is not pause or resume"),
                )
                .into());
            }
        };
        let action = if next.paused_on.is_some() { "paused" } else { "resumed" };
        self.save_event(actor, &before, &next, action, &note).await
    }

    /// Merges a repeated report into the event it repeats.
    pub async fn merge_event(&self, actor: &Actor, id: EventId, req: MergeEventRequest) -> Result<EventView> {
        let before = self.event_in_scope(actor, id).await?;
        actor.require(Permission::DispatchEvents)?;
        let into = self.event_in_scope(actor, req.into).await?;
        if into.id == before.id || into.state == EventState::Merged || into.town_code != before.town_code {
            return Err(ValidationError::new(
                "into",
                "invalid_merge",
                "merge into another live event of the same town",
            )
            .into());
        }
        before.state.check_move(EventState::Merged)?;
        let mut next = before.clone();
        next.state = EventState::Merged;
        next.merged_into = Some(into.id);
        self.save_event(actor, &before, &next, "merged", &into.tracking_number).await
    }

    async fn save_event(
        &self,
        actor: &Actor,
        before: &Event,
        next: &Event,
        action: &str,
        note: &str,
    ) -> Result<EventView> {
        self.write_event(actor, before, next, action, note).await?;
        self.event_view(actor, before.id).await
    }

    /// Writes a change of an event read as `before`, its timeline line and its audit record
    /// in one transaction; a conflict when someone changed the event meanwhile.
    async fn write_event(&self, actor: &Actor, before: &Event, next: &Event, action: &str, note: &str) -> Result<()> {
        let mut tx = self.store.begin().await?;
        if !store::update(&mut tx, next, before).await? {
            return Err(AppError::Conflict("the event was changed by someone else first; reload it".into()));
        }
        let line =
            EventLogLine { action: action.into(), note: note.into(), recorded_by: actor.label(), recorded_at: now() };
        store::log(&mut tx, next, &line).await?;
        let masked = |e: &Event| Event { reporter_phone: mask_phone(&e.reporter_phone), ..e.clone() };
        let change = Change {
            action: &format!("event.{action}"),
            object_type: "event",
            object_id: before.id.to_string(),
            division_code: Some(before.division_code.clone()),
            before: audit::json(&masked(before)),
            after: audit::json(&masked(next)),
        };
        audit::commit(tx, actor, change).await?;
        Ok(())
    }

    /// Raises every overdue event to where it should have gone today (the town's leadership,
    /// then the county), each rise on its timeline. Run by the server every few minutes and
    /// by `grassroots events escalate`; returns how many events rose.
    pub async fn escalate_overdue(&self) -> Result<usize> {
        let cal = self.calendar();
        let day = today();
        let stamp = day.to_string();
        let actor = Actor::system("escalation");
        let mut after = (String::new(), 0);
        let mut raised = 0;
        loop {
            let mut c = self.store.conn().await?;
            let batch = store::to_escalate(&mut c, &stamp, (&after.0, after.1), 500).await?;
            drop(c);
            let Some(last) = batch.last() else { break };
            after = (last.due_on.clone().unwrap_or_default(), last.id.0);
            for before in batch {
                let level = before.escalation_due(&cal, day);
                if level <= before.escalation {
                    continue;
                }
                let next = Event { escalation: level, escalated_on: Some(stamp.clone()), ..before.clone() };
                match self.write_event(&actor, &before, &next, "escalated", escalation_label(level, true)).await {
                    Ok(()) => raised += 1,
                    // Changed meanwhile: the next run sees it as it is now.
                    Err(AppError::Conflict(_)) => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(raised)
    }

    /// The reporter's view: found only with the tracking number and the phone given. Wrong
    /// lookups are counted per number and per address, and too many must wait.
    pub async fn track_event(&self, req: &TrackRequest, address: &str) -> Result<(Event, Tracking)> {
        let number = req.tracking_number.trim();
        let mut c = self.store.conn().await?;
        tracking::check_lookup(&mut c, number, address).await?;
        let phone = tracking::digits(&req.phone);
        let found =
            store::by_tracking_number(&mut c, number).await?.filter(|e| !phone.is_empty() && e.reporter_phone == phone);
        tracking::record_lookup(&mut c, number, address, found.is_some()).await?;
        let event = found.ok_or(AppError::NotFound)?;
        let tracking = Tracking {
            tracking_number: event.tracking_number.clone(),
            title: event.title.clone(),
            state: event.state,
            state_label: event.state.label_zh(),
            reported_at: grassroots_domain::core::time::display_local(&event.created_at),
            resolved_on: event.resolved_on.clone(),
            satisfied: event.satisfied,
        };
        Ok((event, tracking))
    }

    /// The reporter rates a resolved or closed event, once.
    pub async fn rate_event(&self, req: PublicRatingRequest, address: &str) -> Result<Tracking> {
        let track = TrackRequest { tracking_number: req.tracking_number.clone(), phone: req.phone.clone() };
        let (before, _) = self.track_event(&track, address).await?;
        if !matches!(before.state, EventState::Resolved | EventState::Closed) {
            return Err(ValidationError::new("state", "not_resolved", "an event is rated once it is resolved").into());
        }
        if before.satisfied.is_some() {
            return Err(AppError::Conflict("the event is already rated".into()));
        }
        let next = Event { satisfied: Some(req.satisfied), ..before.clone() };
        let note = if req.satisfied { "满意" } else { "不满意" };
        self.save_event(&Actor::system("public"), &before, &next, "rated", note).await?;
        Ok(self.track_event(&track, address).await?.1)
    }
}
