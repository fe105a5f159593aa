//! The working-day calendar in force: loaded from the database at start, updatable from
//! a CSV (`date,kind,occasion`) without a release.

use grassroots_domain::ValidationError;
use grassroots_domain::core::calendar::{CalendarDay, WorkingCalendar};
use grassroots_domain::core::role::Permission;
use grassroots_store::core::calendar as store;
use serde::Serialize;
use serde_json::json as j;
use time::Date;
use time::format_description::well_known::Iso8601;

use super::audit::{self, Change};
use crate::{Actor, App, Result};

/// The official calendar shipped with the binary, used when a database has none yet.
const OFFICIAL: &str = include_str!("../../../../data/official-calendar.csv");

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CalendarImport {
    pub rows: usize,
    pub changed: usize,
}

pub fn parse_csv(data: &[u8]) -> Result<Vec<CalendarDay>, ValidationError> {
    let mut rdr = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(data);
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| ValidationError::new("line 1", "malformed_csv", e.to_string()))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_owned())
        .collect();
    if header != ["date", "kind", "occasion"] {
        return Err(ValidationError::new(
            "line 1",
            "bad_header",
            format!("the header is “{}”; expected “date,kind,occasion”", header.join(",")),
        ));
    }
    let mut days = Vec::new();
    let mut errors = ValidationError::default();
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                errors.push(format!("line {}", e.position().map_or(0, |p| p.line())), "malformed_csv", e.to_string());
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| p.line());
        let date = Date::parse(rec.get(0).unwrap_or(""), &Iso8601::DATE);
        let kind = rec.get(1).unwrap_or("").parse();
        match (date, kind) {
            (Ok(date), Ok(kind)) => {
                days.push(CalendarDay { date, kind, occasion: rec.get(2).unwrap_or("").to_owned() })
            }
            (Err(_), _) => {
                errors.push(format!("line {line}, column 1 (date)"), "invalid_date", "a date is written YYYY-MM-DD")
            }
            (_, Err(_)) => {
                errors.push(format!("line {line}, column 2 (kind)"), "invalid_day_kind", "kind is holiday or workday")
            }
        }
    }
    errors.into_result()?;
    Ok(days)
}

impl App {
    pub(crate) async fn seed_calendar_if_empty(&self) -> Result<()> {
        let mut c = self.store.conn().await?;
        if store::all(&mut c).await?.is_empty() {
            drop(c);
            self.import_calendar(&Actor::system("calendar-seed"), OFFICIAL.as_bytes()).await?;
        }
        Ok(())
    }

    pub async fn reload_calendar(&self) -> Result<()> {
        let mut c = self.store.conn().await?;
        let cal = WorkingCalendar::new(store::all(&mut c).await?);
        if let Ok(mut w) = self.calendar.write() {
            *w = std::sync::Arc::new(cal);
        }
        Ok(())
    }

    /// Adds or corrects official days; all or nothing; the calendar in force is reloaded.
    pub async fn import_calendar(&self, actor: &Actor, data: &[u8]) -> Result<CalendarImport> {
        actor.require(Permission::ImportDivisions)?;
        let days = parse_csv(data)?;
        let mut tx = self.store.begin().await?;
        let mut changed = Vec::new();
        for d in &days {
            let day = d.date.to_string();
            if store::upsert(&mut tx, d, &day).await? {
                changed.push(j!({ "date": day, "kind": d.kind.as_str(), "occasion": d.occasion }));
            }
        }
        let summary = CalendarImport { rows: days.len(), changed: changed.len() };
        if changed.is_empty() {
            return Ok(summary);
        }
        let change = Change {
            action: "calendar.import",
            object_type: "calendar",
            object_id: "official".into(),
            division_code: None,
            before: None,
            after: audit::json(&changed),
        };
        audit::commit(tx, actor, change).await?;
        self.reload_calendar().await?;
        Ok(summary)
    }
}
