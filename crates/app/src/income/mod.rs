//! Village collective income: imported by towns or the county's agriculture department
//! (all or nothing, errors by row and column), summed for a county, town or village and
//! year with its growth on the year before, by source and by part, and the weak villages.

pub(crate) mod demo;
pub mod incomefile;

use std::collections::{BTreeMap, HashMap};

use grassroots_domain::ValidationError;
use grassroots_domain::core::division::{DivisionCode, Level};
use grassroots_domain::core::role::Permission;
use grassroots_domain::income::{IncomeLine, IncomeSource, growth};
use grassroots_store::core::divisions;
use grassroots_store::income as store;
use serde::Serialize;

use crate::core::audit::{self, Change};
use crate::core::{now, today};
use crate::{Actor, App, AppError, Result};

/// What an import did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportedIncome {
    pub lines: usize,
    /// Amounts that replaced one recorded before.
    pub replaced: usize,
}

/// A sum this year beside the year before.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Compared {
    pub fen: i64,
    pub previous_fen: i64,
    /// (this − previous) / previous; none when there is nothing to compare with.
    pub growth: Option<f64>,
}

impl Compared {
    fn add(&mut self, fen: i64, previous: bool) {
        if previous {
            self.previous_fen += fen
        } else {
            self.fen += fen
        }
        self.growth = growth(self.fen, self.previous_fen);
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SourceTotal {
    pub source: IncomeSource,
    pub label: &'static str,
    #[serde(flatten)]
    pub sum: Compared,
}

/// A town of the county, or a village of the town.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PartTotal {
    pub code: String,
    pub name: String,
    #[serde(flatten)]
    pub sum: Compared,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WeakVillage {
    pub code: String,
    pub name: String,
    pub operating_fen: i64,
}

/// The collective income of a county, town or village in a year.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IncomeSummary {
    pub division_code: String,
    pub division_name: String,
    pub year: i32,
    #[serde(flatten)]
    pub total: Compared,
    pub by_source: Vec<SourceTotal>,
    pub parts: Vec<PartTotal>,
    /// Villages with records this year whose operating income is below the line.
    pub weak: Vec<WeakVillage>,
    pub weak_below_fen: i64,
}

impl App {
    /// Imports a table of amounts. Every village must be one in the actor's scope; an
    /// amount already recorded for the village, year and source is replaced.
    pub async fn import_income(&self, actor: &Actor, data: &[u8]) -> Result<ImportedIncome> {
        actor.require(Permission::RecordIncome)?;
        let read = incomefile::read(data, today().year())?;
        let codes: Vec<&str> = read.iter().map(|r| r.line.village_code.as_str()).collect();
        let mut c = self.store.conn().await?;
        let found = divisions::get_many(&mut c, &codes).await?;
        drop(c);
        let mut e = ValidationError::default();
        for r in &read {
            match found.get(&r.line.village_code) {
                Some(d) if d.division.level == Level::Village && actor.within(&d.path).is_ok() => {}
                _ => {
                    e.push(&r.village_at, "unknown_village", format!("no village {} in your area", r.line.village_code))
                }
            }
        }
        e.into_result()?;
        let (by, at) = (actor.label(), now());
        let mut tx = self.store.begin().await?;
        let mut replaced = Vec::new();
        for r in &read {
            let town = found[&r.line.village_code].division.parent_code.as_ref().map(|t| t.as_str()).unwrap_or("");
            let n = store::NewLine { line: &r.line, town_code: town, by: &by, at: &at };
            if let Some(before) = store::upsert(&mut tx, &n).await? {
                replaced.push((r.line.clone(), before));
            }
        }
        let lines: Vec<&IncomeLine> = read.iter().map(|r| &r.line).collect();
        let change = Change {
            action: "income.import",
            object_type: "village_income",
            object_id: format!("{} lines", lines.len()),
            division_code: Some(actor.division_code.clone()).filter(|d| !d.is_empty()),
            before: audit::json(&replaced),
            after: audit::json(&lines),
        };
        audit::commit(tx, actor, change).await?;
        Ok(ImportedIncome { lines: read.len(), replaced: replaced.len() })
    }

    /// A county's, town's or village's collective income in `year` beside the year before.
    pub async fn income(&self, actor: &Actor, division: &str, year: i32) -> Result<IncomeSummary> {
        let mut c = self.store.conn().await?;
        let d = divisions::get(&mut c, &DivisionCode::parse(division)?).await?.ok_or(AppError::NotFound)?;
        actor.within(&d.path)?;
        if d.division.level < Level::County {
            return Err(ValidationError::new("division", "not_a_county", "a county, town or village").into());
        }
        let code = d.division.code.as_str().to_owned();
        let now = store::lines(&mut c, &code, year).await?;
        let before = store::lines(&mut c, &code, year - 1).await?;
        let villages: Vec<&str> = now.iter().chain(&before).map(|l| l.village_code.as_str()).collect();
        let names = divisions::get_many(&mut c, &villages).await?;
        let part_of = |village: &str| -> String {
            match d.division.level {
                Level::County => names
                    .get(village)
                    .and_then(|v| v.division.parent_code.as_ref())
                    .map_or(String::new(), |t| t.as_str().to_owned()),
                _ => village.to_owned(),
            }
        };
        let mut total = Compared::default();
        let mut by_source: BTreeMap<IncomeSource, Compared> = BTreeMap::new();
        let mut parts: BTreeMap<String, Compared> = BTreeMap::new();
        let mut operating: HashMap<&str, i64> = HashMap::new();
        for (lines, previous) in [(&now, false), (&before, true)] {
            for l in lines.iter() {
                total.add(l.amount_fen, previous);
                by_source.entry(l.source).or_default().add(l.amount_fen, previous);
                parts.entry(part_of(&l.village_code)).or_default().add(l.amount_fen, previous);
                if !previous {
                    *operating.entry(l.village_code.as_str()).or_default() +=
                        if l.source == IncomeSource::Operating { l.amount_fen } else { 0 };
                }
            }
        }
        let part_codes: Vec<&str> = parts.keys().map(String::as_str).collect();
        let part_names = divisions::get_many(&mut c, &part_codes).await?;
        let name =
            |code: &str| part_names.get(code).or(names.get(code)).map_or(String::new(), |d| d.division.name.clone());
        let threshold = self.settings.weak_village_below_fen;
        let mut weak: Vec<WeakVillage> = operating
            .iter()
            .filter(|(_, fen)| **fen < threshold)
            .map(|(code, fen)| WeakVillage { code: (*code).to_owned(), name: name(code), operating_fen: *fen })
            .collect();
        weak.sort_by(|a, b| a.operating_fen.cmp(&b.operating_fen).then(a.code.cmp(&b.code)));
        Ok(IncomeSummary {
            division_code: code,
            division_name: d.division.name.clone(),
            year,
            total,
            by_source: by_source
                .into_iter()
                .map(|(source, sum)| SourceTotal { source, label: source.label_zh(), sum })
                .collect(),
            parts: parts
                .iter()
                .map(|(code, sum)| PartTotal { code: code.clone(), name: name(code), sum: sum.clone() })
                .collect(),
            weak,
            weak_below_fen: threshold,
        })
    }
}
