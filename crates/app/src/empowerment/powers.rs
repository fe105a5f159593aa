//! Each town's power list (一镇一单): the version in force and its history, the check the
//! enforcement flow calls before filing a case, taking a power back, and the evaluation
//! of each power by its recorded uses.

use grassroots_domain::ValidationError;
use grassroots_domain::core::division::{DivisionCode, Level};
use grassroots_domain::core::role::Permission;
use grassroots_domain::empowerment::{Evaluation, Power, PowerListVersion, PowerUse, UseKind, evaluate, year_before};
use grassroots_store::empowerment::{catalog, powers as store};
use serde::{Deserialize, Serialize};
use serde_json::json as j;

use crate::core::audit::{self, Change};
use crate::core::divisions::Reach;
use crate::core::{now, parse_day, required, today};
use crate::{Actor, App, AppError, Result};

/// A version of a town's list with what it added and removed against the one before.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VersionChange {
    pub version: PowerListVersion,
    pub powers: usize,
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

/// A town's list in force on a day, and its whole history.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PowerListView {
    pub division_code: String,
    pub town_name: String,
    pub date: String,
    pub version: Option<PowerListVersion>,
    pub powers: Vec<Power>,
    /// Newest first.
    pub history: Vec<VersionChange>,
}

/// The answer to “does town T hold power P on day D?”.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Holding {
    pub held: bool,
    /// The list in force that day, if any.
    pub version: Option<PowerListVersion>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeRequest {
    pub matter_code: String,
    /// The day the town stops holding it, YYYY-MM-DD.
    pub effective_from: String,
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UseRequest {
    pub matter_code: String,
    pub used_on: String,
    pub kind: UseKind,
    /// The case or service number.
    pub reference: String,
    #[serde(default)]
    pub complaint: bool,
    #[serde(default)]
    pub reversed: bool,
}

impl App {
    /// A town in scope that the role may act on: its code and name.
    async fn town(&self, actor: &Actor, town: &str, p: Permission) -> Result<(DivisionCode, String)> {
        let d = self.division_for(actor, town, Reach::Within, p, Level::Town).await?;
        Ok((d.division.code, d.division.name))
    }

    /// A town's list in force on `date` (today when absent) and its history.
    pub async fn power_list(&self, actor: &Actor, town: &str, date: Option<&str>) -> Result<PowerListView> {
        let (code, town_name) = self.town(actor, town, Permission::ReadDirectory).await?;
        let date = match date.filter(|d| !d.is_empty()) {
            Some(d) => parse_day(d, "date")?,
            None => today(),
        }
        .to_string();
        let mut c = self.store.conn().await?;
        let version = store::in_force(&mut c, code.as_str(), &date).await?;
        let powers = match &version {
            Some(v) => store::powers(&mut c, v.id).await?.into_iter().map(|(_, p)| p).collect(),
            None => Vec::new(),
        };
        let versions = store::versions(&mut c, code.as_str()).await?;
        let mut history = Vec::with_capacity(versions.len());
        let mut previous: Vec<String> = Vec::new();
        for v in versions.into_iter().rev() {
            let codes: Vec<String> =
                store::powers(&mut c, v.id).await?.into_iter().map(|(_, p)| p.matter_code).collect();
            history.push(VersionChange {
                powers: codes.len(),
                added: codes.iter().filter(|p| !previous.contains(p)).cloned().collect(),
                removed: previous.iter().filter(|p| !codes.contains(p)).cloned().collect(),
                version: v,
            });
            previous = codes;
        }
        history.reverse();
        Ok(PowerListView { division_code: code.to_string(), town_name, date, version, powers, history })
    }

    /// Whether a town holds a power on a day: the matter is on the town's list in force
    /// then. The enforcement flow asks this before a case is filed; the command line and
    /// the other flows ask it as the operator.
    pub async fn holds_power(&self, actor: &Actor, town: &str, matter_code: &str, date: &str) -> Result<Holding> {
        let (code, _) = self.town(actor, town, Permission::ReadDirectory).await?;
        let date = parse_day(date, "date")?.to_string();
        let mut c = self.store.conn().await?;
        let version = store::in_force(&mut c, code.as_str(), &date).await?;
        let held = match (&version, catalog::by_code(&mut c, code.county_code().as_str(), matter_code).await?) {
            (Some(v), Some((m, _))) => store::contains(&mut c, v.id, m.id).await?,
            _ => false,
        };
        Ok(Holding { held, version })
    }

    /// Takes a power back from a town: a new version of its list without it.
    pub async fn revoke_power(&self, actor: &Actor, town: &str, req: RevokeRequest) -> Result<PowerListVersion> {
        let (code, _) = self.town(actor, town, Permission::ManageEmpowerment).await?;
        let day = parse_day(&req.effective_from, "effective_from")?.to_string();
        let mut e = ValidationError::default();
        required(&req.reason, "reason", 1000, &mut e);
        e.into_result()?;
        let mut tx = self.store.begin().await?;
        let latest = store::latest(&mut tx, code.as_str()).await?.ok_or_else(|| {
            ValidationError::new("town", "no_power_list", "the town has no power list to take a power from")
        })?;
        if day < latest.effective_from {
            return Err(ValidationError::new(
                "effective_from",
                "before_latest",
                format!(
                    "the latest list takes effect on {}; a change cannot take effect before it",
                    latest.effective_from
                ),
            )
            .into());
        }
        let entries = store::powers(&mut tx, latest.id).await?;
        let Some((_, taken)) = entries.iter().find(|(_, p)| p.matter_code == req.matter_code.trim()) else {
            return Err(ValidationError::new(
                "matter_code",
                "not_held",
                format!("the town's list does not hold “{}”", req.matter_code),
            )
            .into());
        };
        let taken = taken.clone();
        let keep: Vec<_> = entries
            .into_iter()
            .filter(|(_, p)| p.matter_code != taken.matter_code)
            .map(|(id, p)| (id, p.held_since))
            .collect();
        let note = format!("收回 {} {}：{}", taken.matter_code, taken.name, req.reason.trim());
        let new = store::NewVersion {
            division: code.as_str(),
            effective_from: &day,
            note: &note,
            round: None,
            by: &actor.label(),
            now: &now(),
        };
        let v = store::insert_version(&mut tx, &new, &keep).await?;
        let change = Change {
            action: "power.revoke",
            object_type: "power_list_version",
            object_id: v.id.to_string(),
            division_code: Some(code.to_string()),
            before: audit::json(&latest),
            after: audit::json(&j!({ "version": v, "taken_back": taken, "reason": req.reason.trim() })),
        };
        audit::commit(tx, actor, change).await?;
        Ok(v)
    }

    /// Records a case or service done under a power the town held that day.
    pub async fn record_power_use(&self, actor: &Actor, town: &str, req: UseRequest) -> Result<PowerUse> {
        let (code, _) = self.town(actor, town, Permission::RecordPowerUse).await?;
        let day = parse_day(&req.used_on, "used_on")?;
        let mut e = ValidationError::default();
        required(&req.reference, "reference", 100, &mut e);
        if day > today() {
            e.push("used_on", "in_the_future", "a use is recorded after it happens");
        }
        e.into_result()?;
        let day = day.to_string();
        if !self.holds_power(actor, town, req.matter_code.trim(), &day).await?.held {
            return Err(ValidationError::new(
                "matter_code",
                "not_held",
                format!("the town did not hold “{}” on {day}", req.matter_code),
            )
            .into());
        }
        let mut tx = self.store.begin().await?;
        let (m, _) = catalog::by_code(&mut tx, code.county_code().as_str(), req.matter_code.trim())
            .await?
            .ok_or(AppError::NotFound)?;
        let new = store::NewUse {
            division: code.as_str(),
            matter: m.id,
            used_on: &day,
            kind: req.kind,
            reference: req.reference.trim(),
            complaint: req.complaint,
            reversed: req.reversed,
            by: &actor.label(),
            now: &now(),
        };
        let id = store::insert_use(&mut tx, &new).await?;
        let used = PowerUse {
            id,
            division_code: code.to_string(),
            matter_code: m.matter.code,
            used_on: day.clone(),
            kind: req.kind,
            reference: req.reference.trim().to_owned(),
            complaint: req.complaint,
            reversed: req.reversed,
            recorded_by: actor.label(),
            recorded_at: new.now.to_owned(),
        };
        let change = Change {
            action: "power.use",
            object_type: "power_use",
            object_id: id.to_string(),
            division_code: Some(code.to_string()),
            before: None,
            after: audit::json(&used),
        };
        audit::commit(tx, actor, change).await?;
        Ok(used)
    }

    /// Each power of the town's list in force today, with its use in the last twelve months
    /// and the flags that call for a second look.
    pub async fn evaluate_powers(&self, actor: &Actor, town: &str) -> Result<Vec<Evaluation>> {
        let (code, _) = self.town(actor, town, Permission::ReadDirectory).await?;
        let today = today();
        let mut c = self.store.conn().await?;
        let powers = match store::in_force(&mut c, code.as_str(), &today.to_string()).await? {
            Some(v) => store::powers(&mut c, v.id).await?.into_iter().map(|(_, p)| p).collect(),
            None => Vec::new(),
        };
        let uses = store::uses(&mut c, code.as_str(), &year_before(today).to_string()).await?;
        Ok(evaluate(&powers, &uses, today))
    }
}
