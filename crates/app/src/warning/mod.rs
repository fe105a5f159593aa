//! Geological-hazard weather warnings (地质灾害气象风险预警). One bureau drafts (level, onset
//! and expiry, area, description and instruction); a user of the other bureau of the same
//! division co-signs, which publishes it: the CAP message is fixed, and in the same
//! transaction every town, village and hazard monitor of the area gets a notice and every
//! delivery owed (text messages, webhooks) is queued ([`relay`]). Recipients acknowledge
//! ([`ack`]); the silent are escalated to their town's command center, then the county.
//! Monitors report patrols. Updates and cancels are drafted and co-signed the same way and
//! reference the message they replace. Warnings from elsewhere are imported as CAP.

pub mod ack;
pub mod board;
pub mod cap;
pub(crate) mod demo;
pub mod message;
pub mod points;
pub mod relay;

use grassroots_domain::ValidationError;
use grassroots_domain::core::division::DivisionCode;
use grassroots_domain::core::role::Permission;
use grassroots_domain::core::time::{SHANGHAI, from_stored, to_stored};
use grassroots_domain::warning::{Level, LevelRule, MessageType, Origin, Warning, WarningId, WarningState};
use grassroots_store::core::divisions;
use grassroots_store::warning::{self as store, Stored};
use serde::{Deserialize, Serialize};
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::core::audit::{self, Change};
use crate::core::now;
use crate::{Actor, App, AppError, Result};

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftRequest {
    pub level: Level,
    /// Beijing time, `2022-06-08T20:00` (as a date-time field gives it) or CAP's form.
    pub onset: String,
    pub expires: String,
    /// Division codes of the area: the district itself, its towns or its villages.
    pub areas: Vec<String>,
    /// Optional CAP polygon, `lat,lon lat,lon …`, its last point the first.
    #[serde(default)]
    pub polygon: Option<String>,
    /// Made from the level and the bureaus when left empty.
    #[serde(default)]
    pub headline: String,
    pub description: String,
    /// The level's required actions when left empty.
    #[serde(default)]
    pub instruction: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviseRequest {
    /// `Update` (a new level, time or area) or `Cancel` (the warning is lifted).
    pub msg_type: MessageType,
    /// For an update: the whole warning as it now stands. A cancel keeps the warning's
    /// fields and may say why in the description.
    #[serde(default)]
    pub draft: Option<DraftRequest>,
    #[serde(default)]
    pub description: String,
}

/// The warnings a user sees, in the groups the warnings page shows.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WarningList {
    /// Drafts of the other bureau awaiting this user's co-signature.
    pub to_cosign: Vec<Warning>,
    /// Drafts of this user's bureau awaiting the other's.
    pub drafted: Vec<Warning>,
    pub active: Vec<Warning>,
    pub past: Vec<Warning>,
}

/// A warning with what its page shows.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WarningView {
    pub warning: Warning,
    pub level_label: &'static str,
    /// The area's divisions: (code, name).
    pub area_names: Vec<(String, String)>,
    pub rule: LevelRule,
    pub actions: Vec<String>,
    pub may_cosign: bool,
    pub may_revise: bool,
    pub may_withdraw: bool,
    pub active: bool,
}

const MAX_AREAS: usize = 2_000;

/// A date-time as users and CAP give it, read as an instant in the stored form.
fn instant(s: &str, field: &str) -> Result<String, ValidationError> {
    let s = s.trim();
    if let Some(t) = message::stored_time(s) {
        return Ok(t);
    }
    let local = s.replace(' ', "T");
    let formats: [&[time::format_description::BorrowedFormatItem<'static>]; 2] = [
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]"),
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
    ];
    formats
        .iter()
        .find_map(|f| PrimitiveDateTime::parse(&local, f).ok())
        .map(|t| to_stored(t.assume_offset(SHANGHAI)))
        .ok_or_else(|| {
            ValidationError::new(field, "invalid_datetime", "a date and time in Beijing time, such as 2022-06-08 20:00")
        })
}

impl App {
    /// What each level requires in the division's warnings: its own rules, or the defaults.
    pub async fn warning_rules(&self, division: &str) -> Result<Vec<LevelRule>> {
        let mut c = self.store.conn().await?;
        let own = store::rules(&mut c, division).await?;
        Ok(Level::ALL
            .iter()
            .map(|l| own.iter().find(|r| r.level == *l).cloned().unwrap_or_else(|| LevelRule::default_for(*l)))
            .collect())
    }

    async fn rule_for(&self, division: &str, level: Level) -> Result<LevelRule> {
        let rules = self.warning_rules(division).await?;
        Ok(rules.into_iter().find(|r| r.level == level).unwrap_or_else(|| LevelRule::default_for(level)))
    }

    /// Sets what a level requires in the bureau's division.
    pub async fn set_warning_rule(&self, actor: &Actor, rule: LevelRule) -> Result<Vec<LevelRule>> {
        actor.require(Permission::IssueWarnings)?;
        rule.check()?;
        let before = self.rule_for(&actor.division_code, rule.level).await?;
        let mut tx = self.store.begin().await?;
        store::set_rule(&mut tx, &actor.division_code, &rule).await?;
        let change = Change {
            action: "warning.rule",
            object_type: "warning_rule",
            object_id: format!("{}:{}", actor.division_code, rule.level),
            division_code: Some(actor.division_code.clone()),
            before: audit::json(&before),
            after: audit::json(&rule),
        };
        audit::commit(tx, actor, change).await?;
        self.warning_rules(&actor.division_code).await
    }

    /// Checks a draft's fields against the issuing division and makes the warning.
    async fn drafted(&self, actor: &Actor, req: DraftRequest, msg_type: MessageType) -> Result<Stored> {
        let mut e = ValidationError::default();
        let onset = instant(&req.onset, "onset").map_err(|bad| e.errors.extend(bad.errors)).ok();
        let expires = instant(&req.expires, "expires").map_err(|bad| e.errors.extend(bad.errors)).ok();
        if let (Some(o), Some(x)) = (&onset, &expires)
            && x <= o
        {
            e.push("expires", "expires_before_onset", "the warning must expire after its onset");
        }
        if req.description.trim().is_empty() || req.description.chars().count() > 5000 {
            e.push("description", "required", "what is expected, at most 5,000 characters");
        }
        if req.headline.chars().count() > 200 || req.instruction.chars().count() > 5000 {
            e.push("headline", "too_long", "a headline has at most 200 characters, an instruction 5,000");
        }
        let polygon = req.polygon.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned);
        if let Some(p) = &polygon
            && let Err(bad) = cap::check_polygon(p, "polygon")
        {
            e.errors.extend(bad.errors);
        }
        let mut areas: Vec<String> = Vec::new();
        for code in &req.areas {
            let code = code.trim().to_owned();
            if !code.is_empty() && !areas.contains(&code) {
                areas.push(code);
            }
        }
        if areas.is_empty() || areas.len() > MAX_AREAS {
            e.push("areas", "required", "choose the area: the district, or some of its towns or villages");
        }
        let mut c = self.store.conn().await?;
        let issuer = DivisionCode::parse(&actor.division_code)?;
        let issuer_path = divisions::get(&mut c, &issuer).await?.map(|d| d.path).ok_or(AppError::NotFound)?;
        let codes: Vec<&str> = areas.iter().map(String::as_str).collect();
        let found = divisions::get_many(&mut c, &codes).await?;
        for (i, code) in areas.iter().enumerate() {
            match found.get(code) {
                Some(d) if d.path.starts_with(&issuer_path) => {}
                Some(d) => e.push(
                    format!("areas[{i}]"),
                    "outside_district",
                    format!("{} ({code}) is outside the issuing district {}", d.division.name, actor.division_code),
                ),
                None => e.push(format!("areas[{i}]"), "unknown_division", format!("no division {code}")),
            }
        }
        e.into_result()?;
        let (onset, expires) = (onset.unwrap_or_default(), expires.unwrap_or_default());
        let rule = self.rule_for(&actor.division_code, req.level).await?;
        let body = body_name(&mut c, actor).await?;
        let headline = match req.headline.trim() {
            "" => {
                let what = if msg_type == MessageType::Cancel { "解除" } else { "发布" };
                format!("{body}{what}地质灾害气象风险{}预警", req.level.colour(true))
            }
            h => h.to_owned(),
        };
        let instruction = match req.instruction.trim() {
            "" => format!("{}。", rule.actions(true).join("；")),
            i => i.to_owned(),
        };
        Ok(Stored {
            warning: Warning {
                id: WarningId(0),
                division_code: actor.division_code.clone(),
                origin: Origin::Issued,
                identifier: None,
                sender: format!("grassroots.{}", actor.division_code),
                msg_type,
                references: None,
                level: req.level,
                headline,
                description: req.description.trim().to_owned(),
                instruction,
                onset,
                expires,
                areas,
                polygon,
                state: WarningState::Draft,
                drafted_by: actor.label(),
                drafting_body: body,
                cosigned_by: None,
                cosigning_body: None,
                sent: None,
                created_at: now(),
            },
            drafting_body_id: actor.body_id.map(|b| b.0),
            cap_xml: None,
            relay_secret: None,
        })
    }

    /// Drafts a warning for the co-signature of the other bureau.
    pub async fn draft_warning(&self, actor: &Actor, req: DraftRequest) -> Result<WarningView> {
        let id = self.draft_warning_at(actor, req, &now()).await?;
        self.warning_view(actor, id).await
    }

    pub(crate) async fn draft_warning_at(&self, actor: &Actor, req: DraftRequest, at: &str) -> Result<WarningId> {
        actor.require(Permission::IssueWarnings)?;
        let mut w = self.drafted(actor, req, MessageType::Alert).await?;
        w.warning.created_at = at.to_owned();
        self.insert_draft(actor, w).await
    }

    async fn insert_draft(&self, actor: &Actor, w: Stored) -> Result<WarningId> {
        let mut tx = self.store.begin().await?;
        let id = store::insert_warning(&mut tx, &w).await?;
        let change = Change {
            action: "warning.draft",
            object_type: "warning",
            object_id: id.to_string(),
            division_code: Some(w.warning.division_code.clone()),
            before: None,
            after: audit::json(&Warning { id, ..w.warning }),
        };
        audit::commit(tx, actor, change).await?;
        Ok(id)
    }

    /// Drafts an update or a cancel of a published warning; it is co-signed like any draft.
    pub async fn revise_warning(&self, actor: &Actor, id: WarningId, req: ReviseRequest) -> Result<WarningView> {
        let (old, _) = self.issued_for_bureau(actor, id).await?;
        if old.warning.state != WarningState::Published || old.warning.msg_type == MessageType::Cancel {
            return Err(AppError::Conflict("only a published warning in force can be updated or cancelled".into()));
        }
        let o = &old.warning;
        let mut w = match (req.msg_type, req.draft) {
            (MessageType::Update, Some(draft)) => self.drafted(actor, draft, MessageType::Update).await?,
            (MessageType::Update, None) => {
                return Err(ValidationError::new("draft", "required", "an update states the whole warning").into());
            }
            (MessageType::Cancel, _) => {
                let keep = DraftRequest {
                    level: o.level,
                    onset: message::cap_time(&o.onset),
                    expires: message::cap_time(&o.expires),
                    areas: o.areas.clone(),
                    polygon: o.polygon.clone(),
                    headline: String::new(),
                    description: match req.description.trim() {
                        "" => format!("{}已解除。", o.headline),
                        d => d.to_owned(),
                    },
                    instruction: "预警解除，恢复正常生产生活，继续关注天气变化。".into(),
                };
                self.drafted(actor, keep, MessageType::Cancel).await?
            }
            (MessageType::Alert, _) => {
                return Err(ValidationError::new("msg_type", "invalid_msg_type", "Update or Cancel").into());
            }
        };
        w.warning.references = Some(id);
        let draft = self.insert_draft(actor, w).await?;
        self.warning_view(actor, draft).await
    }

    /// The drafter's bureau withdraws its draft before it is co-signed.
    pub async fn withdraw_warning(&self, actor: &Actor, id: WarningId) -> Result<WarningView> {
        let (w, _) = self.issued_for_bureau(actor, id).await?;
        if w.warning.state != WarningState::Draft {
            return Err(AppError::Conflict("the warning is no longer a draft".into()));
        }
        if w.drafting_body_id != actor.body_id.map(|b| b.0) {
            return Err(AppError::NotYours("only the drafting bureau withdraws its draft".into()));
        }
        let mut tx = self.store.begin().await?;
        if !store::set_state(&mut tx, id, WarningState::Draft, WarningState::Withdrawn).await? {
            return Err(AppError::Conflict("the warning is no longer a draft".into()));
        }
        let change = Change {
            action: "warning.withdraw",
            object_type: "warning",
            object_id: id.to_string(),
            division_code: Some(w.warning.division_code.clone()),
            before: audit::json(&w.warning.state),
            after: audit::json(&WarningState::Withdrawn),
        };
        audit::commit(tx, actor, change).await?;
        self.warning_view(actor, id).await
    }

    /// Co-signs a draft of the other bureau, which publishes it now.
    pub async fn cosign_warning(&self, actor: &Actor, id: WarningId) -> Result<WarningView> {
        self.cosign_warning_at(actor, id, &now()).await?;
        self.warning_view(actor, id).await
    }

    /// Co-signs and publishes at `at` (the demo replays a past day); returns the notices made.
    pub(crate) async fn cosign_warning_at(&self, actor: &Actor, id: WarningId, at: &str) -> Result<u64> {
        let (draft, _) = self.issued_for_bureau(actor, id).await?;
        let w = &draft.warning;
        if w.state != WarningState::Draft {
            return Err(AppError::Conflict(format!(
                "the warning is {}, not awaiting co-signature",
                w.state.label_en()
            )));
        }
        if draft.drafting_body_id.is_some() && draft.drafting_body_id == actor.body_id.map(|b| b.0) {
            return Err(ValidationError::new(
                "cosigned_by",
                "same_bureau",
                "the bureau that drafted a warning cannot co-sign it: a user of the other bureau co-signs",
            )
            .into());
        }
        if w.expires.as_str() <= at {
            return Err(ValidationError::new("expires", "expired", "the warning has expired; draft it again").into());
        }
        let mut c = self.store.conn().await?;
        let cosigning_body = body_name(&mut c, actor).await?;
        let codes: Vec<&str> = w.areas.iter().map(String::as_str).collect();
        let found = divisions::get_many(&mut c, &codes).await?;
        let areas: message::AreaNames = w
            .areas
            .iter()
            .filter_map(|code| found.get(code).map(|d| (code.clone(), d.division.name.clone())))
            .collect();
        let reference = match w.references {
            Some(r) => store::get(&mut c, r).await?.map(|o| {
                let o = o.warning;
                (o.sender, o.identifier.unwrap_or_default(), o.sent.unwrap_or_default())
            }),
            None => None,
        };
        drop(c);
        let rule = self.rule_for(&w.division_code, w.level).await?;
        // The identifier's sequence digit is chosen inside the transaction; a co-signature
        // of the same division in the same second that commits first makes this one a
        // conflict (the unique sender and identifier), to be published again.
        let mut tx = self.store.begin().await?;
        let stem = message::identifier_stem(&w.division_code, at);
        let taken = store::identifiers_like(&mut tx, &stem).await?;
        let Some(identifier) = (0..10).map(|n| format!("{stem}{n}")).find(|i| !taken.contains(i)) else {
            return Err(AppError::Conflict("ten warnings were published this second; publish again".into()));
        };
        let published = Warning {
            state: WarningState::Published,
            identifier: Some(identifier.clone()),
            sent: Some(at.to_owned()),
            cosigned_by: Some(actor.label()),
            cosigning_body: Some(cosigning_body.clone()),
            ..w.clone()
        };
        let xml = cap::write(&message::alert(&published, &rule, &areas, reference.as_ref()));
        // What is published must read back as valid CAP; anything else is a fault here.
        cap::parse(&xml).map_err(|e| AppError::Conflict(format!("the CAP message came out invalid: {e}")))?;
        let secret = hex::encode(rand::random::<[u8; 32]>());
        let ok = store::publish(&mut tx, id, &actor.label(), &cosigning_body, &identifier, at, &xml, &secret).await?;
        if !ok {
            return Err(AppError::Conflict("the warning was co-signed or withdrawn meanwhile".into()));
        }
        if let Some(r) = w.references {
            let to = if w.msg_type == MessageType::Cancel { WarningState::Cancelled } else { WarningState::Superseded };
            if !store::set_state(&mut tx, r, WarningState::Published, to).await? {
                return Err(AppError::Conflict("the warning it replaces is no longer in force".into()));
            }
        }
        let paths: Vec<String> = found.values().map(|d| d.path.clone()).collect();
        let relayed = relay::notify(&mut tx, id, &paths, at).await?;
        let change = Change {
            action: "warning.publish",
            object_type: "warning",
            object_id: id.to_string(),
            division_code: Some(w.division_code.clone()),
            before: audit::json(&w.state),
            after: audit::json(&serde_json::json!({
                "identifier": identifier,
                "cosigning_body": cosigning_body,
                "notices": relayed.notices,
                "texts": relayed.texts,
                "webhooks": relayed.webhooks,
            })),
        };
        audit::commit(tx, actor, change).await?;
        Ok(relayed.notices)
    }

    /// A warning issued here, for one of the bureaus of its division to act on: unknown
    /// outside the reader's area, forbidden to other roles, refused to other divisions'
    /// bureaus. Imported warnings are changed by their sender, not here.
    async fn issued_for_bureau(&self, actor: &Actor, id: WarningId) -> Result<(Stored, String)> {
        let mut c = self.store.conn().await?;
        let w = store::get(&mut c, id).await?.ok_or(AppError::NotFound)?;
        let path = match DivisionCode::parse(&w.warning.division_code) {
            Ok(code) => divisions::get(&mut c, &code).await?.map(|d| d.path),
            Err(_) => None,
        };
        if let Some(path) = &path {
            actor.within_or_above(path)?;
        }
        actor.require(Permission::IssueWarnings)?;
        let Some(path) = path.filter(|_| w.warning.origin == Origin::Issued) else {
            return Err(AppError::Conflict("an imported warning is changed by its sender, not here".into()));
        };
        if actor.user_id.is_some() && actor.division_code != w.warning.division_code {
            return Err(AppError::NotYours(format!(
                "the warning is {}'s; its own bureaus act on it",
                w.warning.division_code
            )));
        }
        Ok((w, path))
    }

    /// A warning as its page shows it. Drafts are seen by the bureaus of the district;
    /// published and imported warnings by everyone within or under it.
    pub async fn warning_view(&self, actor: &Actor, id: WarningId) -> Result<WarningView> {
        let mut c = self.store.conn().await?;
        let stored = store::get(&mut c, id).await?.ok_or(AppError::NotFound)?;
        let w = stored.warning;
        if w.origin == Origin::Issued {
            let code = DivisionCode::parse(&w.division_code)?;
            let path = divisions::get(&mut c, &code).await?.map(|d| d.path).ok_or(AppError::NotFound)?;
            actor.within_or_above(&path)?;
            if matches!(w.state, WarningState::Draft | WarningState::Withdrawn) {
                actor.may_act_on(&path, Permission::IssueWarnings)?;
            }
        }
        let codes: Vec<&str> = w.areas.iter().map(String::as_str).collect();
        let found = divisions::get_many(&mut c, &codes).await?;
        drop(c);
        let area_names = w
            .areas
            .iter()
            .map(|a| (a.clone(), found.get(a).map(|d| d.division.name.clone()).unwrap_or_default()))
            .collect();
        let rule = self.rule_for(&w.division_code, w.level).await?;
        let issuer = actor.role.may(Permission::IssueWarnings) && w.origin == Origin::Issued;
        let own_bureau = stored.drafting_body_id.is_some() && stored.drafting_body_id == actor.body_id.map(|b| b.0);
        let in_force = w.active(&now());
        Ok(WarningView {
            level_label: w.level.label_zh(),
            area_names,
            actions: rule.actions(true),
            rule,
            may_cosign: issuer && w.state == WarningState::Draft && !own_bureau,
            may_revise: issuer && in_force,
            may_withdraw: issuer && w.state == WarningState::Draft && own_bureau,
            active: in_force,
            warning: w,
        })
    }

    /// The warnings a user sees, grouped for the warnings page.
    pub async fn warnings(&self, actor: &Actor) -> Result<WarningList> {
        // Drafts are seen by the bureaus of their own division only.
        let drafts_of = actor.role.may(Permission::IssueWarnings).then_some(actor.division_code.as_str());
        let mut c = self.store.conn().await?;
        let all = store::list(&mut c, &actor.scope_path, drafts_of, 500).await?;
        let now = now();
        let mut list = WarningList { to_cosign: vec![], drafted: vec![], active: vec![], past: vec![] };
        for (w, drafting_body) in all {
            match w.state {
                WarningState::Draft => {
                    if drafting_body == actor.body_id.map(|b| b.0) {
                        list.drafted.push(w)
                    } else {
                        list.to_cosign.push(w)
                    }
                }
                WarningState::Withdrawn => {}
                _ if w.active(&now) => list.active.push(w),
                _ => list.past.push(w),
            }
        }
        Ok(list)
    }

    /// Warnings in force now, for everyone: the public page and the Atom feed.
    pub async fn active_warnings(&self) -> Result<Vec<Warning>> {
        let mut c = self.store.conn().await?;
        Ok(store::active(&mut c, &now()).await?.into_iter().map(|s| s.warning).collect())
    }

    /// The CAP message of a published or imported warning; public, as warnings are.
    pub async fn warning_cap(&self, id: WarningId) -> Result<String> {
        let mut c = self.store.conn().await?;
        let w = store::get(&mut c, id).await?.ok_or(AppError::NotFound)?;
        match (w.warning.state, w.cap_xml) {
            (WarningState::Draft | WarningState::Withdrawn, _) | (_, None) => Err(AppError::NotFound),
            (_, Some(xml)) => Ok(xml),
        }
    }

    /// The CAP messages of the warnings in force, for `cap export --active`.
    pub async fn active_caps(&self) -> Result<Vec<String>> {
        let mut c = self.store.conn().await?;
        Ok(store::active(&mut c, &now()).await?.into_iter().filter_map(|s| s.cap_xml).collect())
    }

    /// An Atom feed of the warnings in force, each linking to its CAP message (the usual
    /// way CAP is syndicated). `base` is the public address of the site.
    pub async fn warnings_feed(&self, base: &str) -> Result<String> {
        let active = self.active_warnings().await?;
        let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
        let rfc = |s: &str| {
            from_stored(s)
                .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
                .unwrap_or_default()
        };
        let updated = active.iter().filter_map(|w| w.sent.as_deref()).max().map(rfc).unwrap_or_else(|| rfc(&now()));
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
        out.push_str(&format!("  <id>{}/warnings/feed.atom</id>\n", esc(base)));
        out.push_str("  <title>地质灾害气象风险预警（生效中）</title>\n");
        out.push_str(&format!("  <updated>{updated}</updated>\n"));
        out.push_str(&format!("  <link rel=\"self\" href=\"{}/warnings/feed.atom\"/>\n", esc(base)));
        for w in &active {
            let cap_url = format!("{base}/warnings/{}/cap.xml", w.id);
            out.push_str("  <entry>\n");
            out.push_str(&format!(
                "    <id>urn:grassroots:{}:{}</id>\n",
                esc(&w.sender),
                esc(w.identifier.as_deref().unwrap_or(""))
            ));
            out.push_str(&format!("    <title>{}</title>\n", esc(&w.headline)));
            out.push_str(&format!("    <updated>{}</updated>\n", rfc(w.sent.as_deref().unwrap_or(&w.created_at))));
            out.push_str(&format!("    <author><name>{}</name></author>\n", esc(&w.drafting_body)));
            out.push_str(&format!("    <summary>{}</summary>\n", esc(&w.description)));
            out.push_str(&format!(
                "    <link rel=\"alternate\" type=\"application/cap+xml\" href=\"{}\"/>\n",
                esc(&cap_url)
            ));
            out.push_str("  </entry>\n");
        }
        out.push_str("</feed>\n");
        Ok(out)
    }

    /// Imports a CAP message from elsewhere (a provincial feed): checked, then recorded as
    /// published as received, with the message kept as it came. An update or cancel of a
    /// message imported before replaces it. The same message twice is recorded once.
    pub async fn import_cap(&self, actor: &Actor, xml: &str) -> Result<Imported> {
        actor.require(Permission::IssueWarnings)?;
        let alert = cap::parse(xml)?;
        let r = message::received(&alert)?;
        let mut c = self.store.conn().await?;
        if let Some(old) = store::by_identifier(&mut c, &r.sender, &r.identifier).await? {
            return Ok(Imported { id: old.warning.id, new: false, summary: cap::summary(&alert) });
        }
        let mut replaces = None;
        for (sender, identifier) in &r.references {
            // Only a message imported before; a warning issued here is changed here.
            if let Some(old) = store::by_identifier(&mut c, sender, identifier).await?
                && old.warning.origin == Origin::Imported
            {
                replaces = Some(old.warning.id);
            }
        }
        let codes: Vec<&str> = r.division_codes.iter().map(String::as_str).collect();
        let known = divisions::get_many(&mut c, &codes).await?;
        drop(c);
        let w = Stored {
            warning: Warning {
                id: WarningId(0),
                division_code: actor.division_code.clone(),
                origin: Origin::Imported,
                identifier: Some(r.identifier.clone()),
                sender: r.sender.clone(),
                msg_type: r.msg_type,
                references: replaces,
                level: r.level,
                headline: r.headline.chars().take(500).collect(),
                description: r.description.clone(),
                instruction: r.instruction.clone(),
                onset: r.onset.clone(),
                expires: r.expires.clone(),
                areas: r.division_codes.iter().filter(|c| known.contains_key(*c)).cloned().collect(),
                polygon: r.polygon.clone(),
                state: WarningState::Published,
                drafted_by: actor.label(),
                drafting_body: r.sender_name.chars().take(200).collect(),
                cosigned_by: None,
                cosigning_body: None,
                sent: Some(r.sent.clone()),
                created_at: now(),
            },
            drafting_body_id: None,
            cap_xml: Some(xml.to_owned()),
            relay_secret: None,
        };
        let mut tx = self.store.begin().await?;
        let id = store::insert_warning(&mut tx, &w).await?;
        if let Some(old) = replaces {
            let to = if r.msg_type == MessageType::Cancel { WarningState::Cancelled } else { WarningState::Superseded };
            store::set_state(&mut tx, old, WarningState::Published, to).await?;
        }
        let change = Change {
            action: "warning.import",
            object_type: "warning",
            object_id: id.to_string(),
            division_code: (!actor.division_code.is_empty()).then(|| actor.division_code.clone()),
            before: None,
            after: audit::json(&Warning { id, ..w.warning }),
        };
        audit::commit(tx, actor, change).await?;
        Ok(Imported { id, new: true, summary: cap::summary(&alert) })
    }
}

/// What an import did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Imported {
    pub id: WarningId,
    /// False when the same message was imported before.
    pub new: bool,
    pub summary: String,
}

/// The name of the actor's body (the operator's own name at the command line).
async fn body_name(c: &mut grassroots_store::Conn, actor: &Actor) -> Result<String> {
    Ok(match actor.body_id {
        Some(b) => grassroots_store::core::bodies::get(c, b).await?.map(|(b, _)| b.name).unwrap_or_default(),
        None => actor.display_name.clone(),
    })
}

/// Seconds from one stored instant to another.
pub(crate) fn seconds_between(from: &str, to: &str) -> Option<i64> {
    let (a, b): (OffsetDateTime, OffsetDateTime) = (from_stored(from)?, from_stored(to)?);
    Some((b - a).whole_seconds())
}
