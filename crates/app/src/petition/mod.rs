//! Petitions (信访): registered by the town's or county's staff from a letter, a visit or
//! a call, or filed online by the public without login; accepted or not within 15 days,
//! objected to within 5 working days when sent on by another body, replied to within 60
//! days (extended by at most 30 with approval and notice), reviewed and re-reviewed on the
//! petitioner's request within their windows, and closed. The petitioner's personal data
//! is sealed at rest ([`seal`]), shown masked, and shown in clear only to those who handle
//! petitions, each such view audited. A petition from someone who petitioned before, or
//! about a matter like a recent one, is flagged as a repeat; a matter already re-reviewed
//! is not accepted again.

pub(crate) mod demo;
pub mod seal;

use grassroots_domain::ValidationError;
use grassroots_domain::core::clock::Clock;
use grassroots_domain::core::division::{DivisionCode, Level};
use grassroots_domain::core::role::Permission;
use grassroots_domain::page::{Page, PageRequest};
use grassroots_domain::petition::{
    Channel, OBJECTION_WORKING_DAYS, Petition, PetitionId, PetitionKind, PetitionLogLine, PetitionStage, Petitioner,
    REQUEST_DAYS, SAME_MATTER, check_extension, clocks, similarity,
};
use grassroots_store::core::divisions;
use grassroots_store::petition::{self as store, Stored};
use serde::{Deserialize, Serialize};
use time::{Date, Duration};

use crate::core::audit::{self, Change};
use crate::core::{now, parse_day, required, today, tracking};
use crate::{Actor, App, AppError, Result};

pub use seal::PetitionKey;

/// Petitions received within this many days before are compared for the same matter.
pub const SIMILAR_WITHIN_DAYS: i64 = 365;

fn one() -> i64 {
    1
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PetitionRequest {
    /// The town or village the matter is about.
    pub division: String,
    pub channel: Channel,
    pub kind: PetitionKind,
    pub title: String,
    #[serde(default)]
    pub content: String,
    /// People petitioning together; 1 when absent.
    #[serde(default = "one")]
    pub people: i64,
    pub petitioner: Petitioner,
    /// The day it was received, YYYY-MM-DD; today when absent.
    #[serde(default)]
    pub received_on: Option<String>,
    /// Sent on by a petition office or a higher body (the receiver may object).
    #[serde(default)]
    pub sent_on: bool,
}

/// A step: the stage it moves to, the day it was taken (today when absent) and what was
/// decided or replied.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PetitionStageRequest {
    pub to: PetitionStage,
    #[serde(default)]
    pub on: Option<String>,
    #[serde(default)]
    pub note: String,
    /// Days a re-review spent on a hearing (not counted by its clock).
    #[serde(default)]
    pub hearing_days: Option<i64>,
    /// The petitioner's rating, asked when closing (回访).
    #[serde(default)]
    pub satisfied: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PetitionExtensionRequest {
    pub days: i64,
    /// Who approved it (the body's leader or the higher body).
    pub approved_by: String,
    /// The reason, as told to the petitioner.
    pub note: String,
    #[serde(default)]
    pub on: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PetitionTrackRequest {
    pub tracking_number: String,
    pub phone: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PetitionRatingRequest {
    pub tracking_number: String,
    pub phone: String,
    pub satisfied: bool,
}

/// A petition with its clocks and timeline.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PetitionView {
    pub petition: Petition,
    /// Whether `petition.petitioner` is in clear (a view that was audited) or masked.
    pub in_clear: bool,
    pub overdue: bool,
    pub clocks: Vec<Clock>,
    pub timeline: Vec<PetitionLogLine>,
    /// Steps the reader may take next (empty for those who do not handle petitions).
    pub next: Vec<PetitionStage>,
}

/// What the petitioner sees by tracking number and phone.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PetitionTracking {
    pub tracking_number: String,
    pub title: String,
    pub stage: PetitionStage,
    pub stage_label: &'static str,
    pub received_on: String,
    /// The day the body must next answer by.
    pub due_on: Option<String>,
    pub replied_on: Option<String>,
    pub satisfied: Option<bool>,
    /// Replied to and not yet rated.
    pub may_rate: bool,
}

fn masked(mut p: Petition) -> Petition {
    p.petitioner = p.petitioner.masked();
    p
}

impl App {
    fn petition_key(&self) -> Result<&PetitionKey> {
        self.settings.petition_key.as_ref().ok_or(AppError::Unconfigured(
            "petition_key is not configured: petitioners' personal data cannot be sealed or opened",
        ))
    }

    fn unseal(&self, s: Stored) -> Result<Petition> {
        let mut p = s.petition;
        p.petitioner = self.petition_key()?.open(&s.sealed, &p.tracking_number)?;
        Ok(p)
    }

    /// Registers a petition received by letter, visit, call or online, within the actor's area.
    pub async fn register_petition(&self, actor: &Actor, req: PetitionRequest) -> Result<PetitionView> {
        actor.require(Permission::HandlePetitions)?;
        let id = self.record_petition(actor, req).await?.0;
        self.get_petition(actor, id).await
    }

    /// A petition filed online by the public: the answer is its tracking number.
    pub async fn public_petition(&self, req: PetitionRequest) -> Result<String> {
        let req = PetitionRequest { channel: Channel::Online, received_on: None, sent_on: false, ..req };
        Ok(self.record_petition(&Actor::system("public"), req).await?.1)
    }

    async fn record_petition(&self, actor: &Actor, req: PetitionRequest) -> Result<(PetitionId, String)> {
        let mut e = ValidationError::default();
        required(&req.title, "title", 200, &mut e);
        if req.content.chars().count() > 5000 {
            e.push("content", "too_long", "the content has at most 5,000 characters");
        }
        if !(1..=10_000).contains(&req.people) {
            e.push("people", "invalid_people", "the number of people is 1 to 10,000");
        }
        let petitioner = req.petitioner.checked().map_err(|bad| e.errors.extend(bad.errors)).ok();
        let received = match req.received_on.as_deref().filter(|d| !d.trim().is_empty()) {
            None => Some(today()),
            Some(d) => match parse_day(d, "received_on") {
                Ok(d) if d > today() => {
                    e.push("received_on", "in_the_future", "a petition cannot be received after today");
                    None
                }
                Ok(d) => Some(d),
                Err(AppError::Validation(bad)) => {
                    e.errors.extend(bad.errors);
                    None
                }
                Err(other) => return Err(other),
            },
        };
        let code = DivisionCode::parse(&req.division).map_err(|bad| e.errors.extend(bad.errors)).ok();
        e.into_result()?;
        let (Some(petitioner), Some(received), Some(code)) = (petitioner, received, code) else {
            unreachable!("every fault was returned above")
        };
        let key = self.petition_key()?;
        let mut c = self.store.conn().await?;
        let d = divisions::get(&mut c, &code).await?.ok_or_else(|| {
            ValidationError::new("division", "unknown_division", format!("no division {}", code.as_str()))
        })?;
        actor.within(&d.path).map_err(|_| {
            ValidationError::new("division", "unknown_division", format!("no division {} in your area", code.as_str()))
        })?;
        let town = match d.division.level {
            Level::Town => d.division.code.as_str().to_owned(),
            Level::Village => d.division.parent_code.as_ref().map(|t| t.as_str().to_owned()).unwrap_or_default(),
            _ => return Err(ValidationError::new("division", "not_a_town", "a town or a village").into()),
        };
        let digest = key.digest(&petitioner.id_number);
        let county = code.as_str()[..6].to_owned();
        // A repeat: the same petitioner before, or failing that the most alike matter about
        // the same place within a year.
        let matter = format!("{} {}", req.title.trim(), req.content.trim());
        let earlier = store::by_petitioner(&mut c, &county, &digest).await?;
        let mut repeat = earlier.last().map(|s| (s.petition.id, "same_petitioner".to_owned()));
        if repeat.is_none() {
            let since = (received - Duration::days(SIMILAR_WITHIN_DAYS)).to_string();
            repeat = store::matters_since(&mut c, code.as_str(), &since)
                .await?
                .into_iter()
                .map(|(id, text)| (id, similarity(&matter, &text)))
                .filter(|(_, s)| *s >= SAME_MATTER)
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(id, s)| (id, format!("similar_matter:{s:.2}")));
        }
        drop(c);
        let mut p = Petition {
            id: PetitionId(0),
            county_code: county,
            town_code: town,
            division_code: code.as_str().to_owned(),
            tracking_number: tracking::tracking_number("XF"),
            channel: req.channel,
            kind: req.kind,
            title: req.title.trim().to_owned(),
            content: req.content.trim().to_owned(),
            people: req.people,
            petitioner,
            stage: PetitionStage::Registered,
            received_on: received.to_string(),
            sent_on: req.sent_on,
            decided_on: None,
            replied_on: None,
            extension_days: 0,
            review_asked_on: None,
            reviewed_on: None,
            rereview_asked_on: None,
            rereviewed_on: None,
            hearing_days: 0,
            closed_on: None,
            due_on: None,
            satisfied: None,
            repeat_of: repeat.as_ref().map(|r| r.0),
            repeat_reason: repeat.map(|r| r.1),
            created_by: actor.label(),
            created_at: now(),
        };
        p.due_on = p.duty_due();
        let sealed = key.seal(&p.petitioner, &p.tracking_number)?;
        let mut tx = self.store.begin().await?;
        p.id = store::insert(&mut tx, &p, &sealed, &digest).await?;
        let line = PetitionLogLine {
            action: "registered".into(),
            on_day: p.received_on.clone(),
            note: p.channel.label_zh().into(),
            recorded_by: actor.label(),
            recorded_at: p.created_at.clone(),
        };
        store::log(&mut tx, p.id, &line).await?;
        let (id, number) = (p.id, p.tracking_number.clone());
        let after = masked(p);
        audit::commit(
            tx,
            actor,
            Change {
                action: "petition.register",
                object_type: "petition",
                object_id: id.to_string(),
                division_code: Some(after.division_code.clone()),
                before: None,
                after: audit::json(&after),
            },
        )
        .await?;
        Ok((id, number))
    }

    async fn petition_in_scope(&self, actor: &Actor, id: PetitionId) -> Result<Stored> {
        let mut c = self.store.conn().await?;
        let (s, path) = store::get(&mut c, id).await?.ok_or(AppError::NotFound)?;
        actor.within(&path)?;
        Ok(s)
    }

    /// The page data of a petition already read.
    async fn view_of(&self, actor: &Actor, s: Stored, in_clear: bool) -> Result<PetitionView> {
        let p = self.unseal(s)?;
        let mut c = self.store.conn().await?;
        let timeline = store::timeline(&mut c, p.id).await?;
        drop(c);
        let today = today();
        let clocks = clocks(&self.calendar(), &p.dates(), today);
        let handles = actor.user_id.is_none() || actor.role.may(Permission::HandlePetitions);
        Ok(PetitionView {
            overdue: p.due_on.as_deref().is_some_and(|d| d < today.to_string().as_str()),
            next: if handles { p.stage.next().to_vec() } else { Vec::new() },
            clocks,
            timeline,
            in_clear,
            petition: if in_clear { p } else { masked(p) },
        })
    }

    /// A petition with its petitioner masked.
    pub async fn get_petition(&self, actor: &Actor, id: PetitionId) -> Result<PetitionView> {
        let s = self.petition_in_scope(actor, id).await?;
        self.view_of(actor, s, false).await
    }

    /// A petition with its petitioner in clear, for those who handle petitions; the view is
    /// audited (who, which petition, when — never the data itself).
    pub async fn petition_in_clear(&self, actor: &Actor, id: PetitionId) -> Result<PetitionView> {
        let s = self.petition_in_scope(actor, id).await?;
        actor.require(Permission::HandlePetitions)?;
        let mut c = self.store.conn().await?;
        audit::record(
            &mut c,
            actor,
            Change {
                action: "petition.view_petitioner",
                object_type: "petition",
                object_id: id.to_string(),
                division_code: Some(s.petition.division_code.clone()),
                before: None,
                after: None,
            },
        )
        .await?;
        drop(c);
        self.view_of(actor, s, true).await
    }

    /// Petitions of the actor's area, newest first, petitioners masked; or only the overdue,
    /// most overdue first.
    pub async fn list_petitions(
        &self,
        actor: &Actor,
        stage: Option<PetitionStage>,
        overdue: bool,
        page: PageRequest,
    ) -> Result<Page<Petition>> {
        actor.require(Permission::ReadDirectory)?;
        let today = today().to_string();
        let mut c = self.store.conn().await?;
        let (rows, total) = store::list(
            &mut c,
            &actor.scope_path,
            stage,
            overdue.then_some(today.as_str()),
            page.limit(),
            page.offset(),
        )
        .await?;
        drop(c);
        let items = rows.into_iter().map(|s| self.unseal(s).map(masked)).collect::<Result<_>>()?;
        Ok(Page::new(items, page, total))
    }

    /// Takes the next step of a petition, dated, with what was decided or replied.
    pub async fn move_petition(
        &self,
        actor: &Actor,
        id: PetitionId,
        req: PetitionStageRequest,
    ) -> Result<PetitionView> {
        let s = self.petition_in_scope(actor, id).await?;
        actor.require(Permission::HandlePetitions)?;
        let digest = s.digest.clone();
        let before = self.unseal(s)?;
        before.stage.check_move(req.to)?;
        let on = self.step_day(&before, req.on.as_deref())?;
        let note = req.note.trim().to_owned();
        let day = |d: &Option<String>| d.as_deref().and_then(|d| parse_day(d, "on").ok());
        let late = |from: Option<Date>, what: &str, article: &str| -> Result<()> {
            match from {
                Some(f) if on > f + Duration::days(i64::from(REQUEST_DAYS)) => Err(ValidationError::new(
                    "on",
                    "request_late",
                    format!("a {what} is asked within {REQUEST_DAYS} days ({article}); this one came later"),
                )
                .into()),
                _ => Ok(()),
            }
        };
        use PetitionStage::*;
        let needs_note = matches!(req.to, NotAccepted | Objected | Replied | Reviewed | Rereviewed);
        if needs_note && note.is_empty() {
            return Err(ValidationError::new("note", "required", "write the decision, reason or reply").into());
        }
        let mut next = before.clone();
        next.stage = req.to;
        let on_s = on.to_string();
        match req.to {
            Accepted => {
                self.check_not_rereviewed(&before, &digest).await?;
                next.decided_on = Some(on_s);
            }
            NotAccepted => next.decided_on = Some(on_s),
            Objected => {
                if !before.sent_on {
                    return Err(ValidationError::new(
                        "to",
                        "not_sent_on",
                        "only a matter sent on by another body can be objected to",
                    )
                    .into());
                }
                let received = day(&Some(before.received_on.clone())).unwrap_or(on);
                if on > self.calendar().add_working_days(received, OBJECTION_WORKING_DAYS) {
                    return Err(ValidationError::new(
                        "on",
                        "objection_late",
                        format!("an objection is made within {OBJECTION_WORKING_DAYS} working days of receipt (信访工作条例 第二十三条)"),
                    )
                    .into());
                }
                next.decided_on = Some(on_s);
            }
            Replied => next.replied_on = Some(on_s),
            ReviewAsked => {
                late(day(&before.replied_on), "review", "信访工作条例 第三十五条")?;
                next.review_asked_on = Some(on_s);
            }
            Reviewed => next.reviewed_on = Some(on_s),
            RereviewAsked => {
                late(day(&before.reviewed_on), "re-review", "信访工作条例 第三十六条")?;
                next.rereview_asked_on = Some(on_s);
            }
            Rereviewed => {
                let hearing = req.hearing_days.unwrap_or(0);
                if !(0..=90).contains(&hearing) {
                    return Err(ValidationError::new("hearing_days", "invalid_days", "0 to 90 days").into());
                }
                next.hearing_days = hearing;
                next.rereviewed_on = Some(on_s);
            }
            Closed => {
                next.closed_on = Some(on_s);
                next.satisfied = req.satisfied.or(before.satisfied);
            }
            Registered => {}
        }
        next.due_on = next.duty_due();
        let action = req.to.as_str();
        self.write_petition(actor, &before, &next, action, &on.to_string(), &note).await?;
        self.get_petition(actor, id).await
    }

    /// The day a step is dated: today when not given, never in the future nor before the
    /// step before it.
    fn step_day(&self, before: &Petition, on: Option<&str>) -> Result<Date> {
        let on = match on.filter(|d| !d.trim().is_empty()) {
            Some(d) => parse_day(d, "on")?,
            None => today(),
        };
        if on > today() {
            return Err(ValidationError::new("on", "in_the_future", "a step cannot be dated after today").into());
        }
        if on.to_string() < before.last_step_on() {
            return Err(ValidationError::new(
                "on",
                "before_last_step",
                format!("a step cannot be dated before the one before it ({})", before.last_step_on()),
            )
            .into());
        }
        Ok(on)
    }

    /// 第三十六条第三款: once re-reviewed, the same matter from the same petitioner is not
    /// accepted again.
    async fn check_not_rereviewed(&self, p: &Petition, digest: &str) -> Result<()> {
        let mut c = self.store.conn().await?;
        let earlier = store::by_petitioner(&mut c, &p.county_code, digest).await?;
        let matter = p.matter();
        if let Some(done) = earlier.iter().find(|s| {
            s.petition.id != p.id
                && s.petition.rereviewed_on.is_some()
                && similarity(&matter, &s.petition.matter()) >= SAME_MATTER
        }) {
            return Err(ValidationError::new(
                "to",
                "already_rereviewed",
                format!(
                    "the same matter was re-reviewed in petition {} ({}); it is not accepted again (信访工作条例 第三十六条第三款)",
                    done.petition.id, done.petition.tracking_number
                ),
            )
            .into());
        }
        Ok(())
    }

    /// Extends the handling period of an accepted petition, with the approver and the
    /// reason told to the petitioner.
    pub async fn extend_petition(
        &self,
        actor: &Actor,
        id: PetitionId,
        req: PetitionExtensionRequest,
    ) -> Result<PetitionView> {
        let s = self.petition_in_scope(actor, id).await?;
        actor.require(Permission::HandlePetitions)?;
        let before = self.unseal(s)?;
        if before.stage != PetitionStage::Accepted {
            return Err(ValidationError::new(
                "stage",
                "not_accepted",
                "only an accepted petition's period is extended",
            )
            .into());
        }
        let mut e = ValidationError::default();
        required(&req.approved_by, "approved_by", 100, &mut e);
        required(&req.note, "note", 1000, &mut e);
        let days = u32::try_from(req.days).unwrap_or(0);
        if let Err(bad) = check_extension(days, u32::try_from(before.extension_days).unwrap_or(0)) {
            e.errors.extend(bad.errors);
        }
        e.into_result()?;
        let on = self.step_day(&before, req.on.as_deref())?;
        let mut next = before.clone();
        next.extension_days += i64::from(days);
        next.due_on = next.duty_due();
        let note = format!("{} 天，{} 批准：{}", days, req.approved_by.trim(), req.note.trim());
        self.write_petition(actor, &before, &next, "extended", &on.to_string(), &note).await?;
        self.get_petition(actor, id).await
    }

    async fn write_petition(
        &self,
        actor: &Actor,
        before: &Petition,
        next: &Petition,
        action: &str,
        on: &str,
        note: &str,
    ) -> Result<()> {
        let mut tx = self.store.begin().await?;
        if !store::update(&mut tx, next, before).await? {
            return Err(AppError::Conflict("the petition was changed meanwhile; reload it".into()));
        }
        let line = PetitionLogLine {
            action: action.into(),
            on_day: on.into(),
            note: note.into(),
            recorded_by: actor.label(),
            recorded_at: now(),
        };
        store::log(&mut tx, next.id, &line).await?;
        audit::commit(
            tx,
            actor,
            Change {
                action: &format!("petition.{action}"),
                object_type: "petition",
                object_id: next.id.to_string(),
                division_code: Some(next.division_code.clone()),
                before: audit::json(&masked(before.clone())),
                after: audit::json(&masked(next.clone())),
            },
        )
        .await
    }

    /// Overdue petitions of the actor's area, most overdue first (at most 1,000), without
    /// their petitioners: the list needs no key to read.
    pub async fn overdue_petitions(&self, actor: &Actor) -> Result<Vec<Petition>> {
        actor.require(Permission::ReadDirectory)?;
        let today = today().to_string();
        let mut c = self.store.conn().await?;
        let (rows, _) = store::list(&mut c, &actor.scope_path, None, Some(&today), 1000, 0).await?;
        Ok(rows.into_iter().map(|s| s.petition).collect())
    }

    /// The petitioner's view: found only with the tracking number and the phone given.
    pub async fn track_petition(
        &self,
        req: &PetitionTrackRequest,
        address: &str,
    ) -> Result<(Petition, PetitionTracking)> {
        let number = req.tracking_number.trim();
        let mut c = self.store.conn().await?;
        tracking::check_lookup(&mut c, number, address).await?;
        let phone = tracking::digits(&req.phone);
        let found = match store::by_tracking_number(&mut c, number).await? {
            Some(s) => Some(self.unseal(s)?).filter(|p| !phone.is_empty() && p.petitioner.phone == phone),
            None => None,
        };
        tracking::record_lookup(&mut c, number, address, found.is_some()).await?;
        let p = found.ok_or(AppError::NotFound)?;
        let t = PetitionTracking {
            tracking_number: p.tracking_number.clone(),
            title: p.title.clone(),
            stage: p.stage,
            stage_label: p.stage.label_zh(),
            received_on: p.received_on.clone(),
            due_on: p.due_on.clone(),
            replied_on: p.replied_on.clone(),
            satisfied: p.satisfied,
            may_rate: p.replied_on.is_some() && p.satisfied.is_none(),
        };
        Ok((p, t))
    }

    /// The petitioner rates the reply, once.
    pub async fn rate_petition(&self, req: PetitionRatingRequest, address: &str) -> Result<PetitionTracking> {
        let track = PetitionTrackRequest { tracking_number: req.tracking_number.clone(), phone: req.phone.clone() };
        let (before, t) = self.track_petition(&track, address).await?;
        if before.replied_on.is_none() {
            return Err(
                ValidationError::new("stage", "not_replied", "a petition is rated once it is replied to").into()
            );
        }
        if !t.may_rate {
            return Err(AppError::Conflict("the petition is already rated".into()));
        }
        let next = Petition { satisfied: Some(req.satisfied), ..before.clone() };
        let note = if req.satisfied { "满意" } else { "不满意" };
        let on = today().to_string();
        self.write_petition(&Actor::system("public"), &before, &next, "rated", &on, note).await?;
        Ok(self.track_petition(&track, address).await?.1)
    }

    /// How many petitions about a county or town (by code) were received in a year.
    pub async fn petitions_received(&self, code: &str, year: i32) -> Result<i64> {
        let mut c = self.store.conn().await?;
        Ok(store::received_in_year(&mut c, code, year).await?)
    }
}
