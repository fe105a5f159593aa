//! The reform's headline figures for a county or town and a year, each computed from the
//! records of its flow when asked — never stored — and each with its written definition.
//! A figure is none where its flow has no records for the division and year.

use std::collections::BTreeSet;

use grassroots_domain::admission::ItemKind;
use grassroots_domain::core::division::{DivisionCode, Level};
use grassroots_domain::core::role::Permission;
use grassroots_domain::income::growth;
use grassroots_store::core::divisions::{self, DivisionFilter, StoredDivision};
use grassroots_store::enforcement::CaseFigures;
use serde::Serialize;

use crate::{Actor, App, AppError, Result};

/// The headline table: the keys are stable, for the API and `grassroots report`.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Headline {
    pub division_code: String,
    pub division_name: String,
    pub year: i32,
    pub joint_inspections: Option<i64>,
    pub cases: Option<i64>,
    pub avg_case_days: Option<f64>,
    pub satisfaction_rate: Option<f64>,
    pub petitions: Option<i64>,
    pub petitions_yoy: Option<f64>,
    pub collective_income_fen: Option<i64>,
    pub collective_income_yoy: Option<f64>,
    pub offices_before: Option<i64>,
    pub offices_after: Option<i64>,
    pub catalog_matters: Option<i64>,
    pub powers_granted: Option<i64>,
    pub duties: Option<i64>,
    pub duty_areas: Option<i64>,
    pub tasks_received: Option<i64>,
    pub tasks_refused: Option<i64>,
}

/// Each figure's key, its name and its definition, in Chinese and in English.
pub const DEFINITIONS: &[(&str, &str, &str, &str)] = &[
    (
        "joint_inspections",
        "综合查一次",
        "每次联合检查计一次，以全部检查项录入结果之日计入年度",
        "joint visits, counted in the year their every result was entered",
    ),
    ("cases", "执法案件", "当年立案的行政处罚案件数", "penalty cases filed in the year"),
    (
        "avg_case_days",
        "平均办案天数",
        "当年立案且已结案的案件，立案日至结案日的平均自然日数（含首尾）",
        "over the year's cases now closed: mean calendar days from filing to closing, both counted",
    ),
    (
        "satisfaction_rate",
        "满意率",
        "当年立案且已回访的案件中，满意或基本满意的比例",
        "share of the year's rated cases rated satisfied or fairly satisfied",
    ),
    (
        "petitions",
        "信访件数",
        "当年收到的信访事项数（批次，联名信访计一件），按收到日期计",
        "petitions received in the year, by the day received (a joint petition counts once)",
    ),
    (
        "petitions_yoy",
        "信访同比",
        "（本年件数 − 上年件数）÷ 上年件数",
        "(this year's petitions − last year's) ÷ last year's",
    ),
    (
        "collective_income_fen",
        "村级集体经济收入",
        "辖区内各村集体当年各项收入之和",
        "the sum of every income of the villages' collectives in the year",
    ),
    (
        "collective_income_yoy",
        "集体收入同比",
        "（本年 − 上年）÷ 上年，同一口径",
        "(this year − last) ÷ last, on the same basis",
    ),
    (
        "offices_before",
        "改革前机构数",
        "年末生效的机构改革方案中的原内设机构数",
        "legacy departments in the restructuring plan in force at the year's end",
    ),
    ("offices_after", "改革后机构数", "同一方案中的综合办公室数", "comprehensive offices in that plan"),
    ("catalog_matters", "赋权目录事项", "所在县赋权事项目录中的事项数", "matters in the county's catalog"),
    (
        "powers_granted",
        "赋予权力",
        "年末各镇权力清单中的事项数之和",
        "matters on the towns' power lists in force at the year's end",
    ),
    (
        "duties",
        "履职事项",
        "年末生效的履职事项清单中的基本履职事项数",
        "duty items of the lists in force at the year's end",
    ),
    ("duty_areas", "履职领域", "这些事项所属领域的个数", "the areas those duties fall in"),
    (
        "tasks_received",
        "收到任务",
        "当年县直部门派往本镇的任务数",
        "tasks county departments sent to the town in the year",
    ),
    ("tasks_refused", "退回任务", "其中现为退回（不予准入）的任务数", "of those, the ones standing refused"),
];

/// One figure of a headline as it is shown: its name, its value in words and as a number
/// (for spreadsheets), and its definition.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub key: &'static str,
    pub name: &'static str,
    pub value: Option<f64>,
    pub shown: String,
    pub definition: &'static str,
}

impl Headline {
    /// The figures in the order of [`DEFINITIONS`], in Chinese or English.
    pub fn figures(&self, zh: bool) -> Vec<Figure> {
        let values = serde_json::to_value(self).unwrap_or_default();
        DEFINITIONS
            .iter()
            .map(|(key, name_zh, definition_zh, definition_en)| {
                let value = values[*key].as_f64();
                let shown = match value {
                    None => "—".to_owned(),
                    Some(v) if key.ends_with("_yoy") => format!("{:+.1}%", v * 100.0),
                    Some(v) if *key == "satisfaction_rate" => format!("{:.1}%", v * 100.0),
                    Some(v) if *key == "collective_income_fen" => {
                        format!("{} {}", grassroots_domain::income::yuan(v as i64), if zh { "元" } else { "yuan" })
                    }
                    Some(v) if *key == "avg_case_days" => format!("{v:.1}"),
                    Some(v) => format!("{v}"),
                };
                Figure {
                    key,
                    name: if zh { name_zh } else { key },
                    value,
                    shown,
                    definition: if zh { definition_zh } else { definition_en },
                }
            })
            .collect()
    }
}

/// The headlines side by side in one sheet — a row per figure, a column per division —
/// with numbers as numbers and each figure's definition in the last column.
pub fn xlsx(headlines: &[Headline]) -> Result<Vec<u8>> {
    let fail = |e: rust_xlsxwriter::XlsxError| AppError::Conflict(format!("the workbook cannot be written: {e}"));
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("改革主要指标").map_err(fail)?;
    sheet.write_string(0, 0, "指标").map_err(fail)?;
    let last = headlines.len() as u16 + 1;
    for (i, h) in headlines.iter().enumerate() {
        sheet.write_string(0, i as u16 + 1, format!("{} {}", h.division_name, h.year)).map_err(fail)?;
    }
    sheet.write_string(0, last, "口径").map_err(fail)?;
    for (i, h) in headlines.iter().enumerate() {
        for (r, f) in h.figures(true).iter().enumerate() {
            let row = r as u32 + 1;
            if i == 0 {
                sheet.write_string(row, 0, f.name).map_err(fail)?;
                sheet.write_string(row, last, f.definition).map_err(fail)?;
            }
            let value = if f.key == "collective_income_fen" { f.value.map(|v| v / 100.0) } else { f.value };
            if let Some(v) = value {
                sheet.write_number(row, i as u16 + 1, v).map_err(fail)?;
            }
        }
    }
    book.save_to_buffer().map_err(fail)
}

fn some(n: i64) -> Option<i64> {
    (n > 0).then_some(n)
}

impl Headline {
    /// Whether any flow has records for this division and year.
    pub fn has_records(&self) -> bool {
        self.figures(true).iter().any(|f| f.value.is_some() && f.key != "catalog_matters")
    }
}

/// What the trend charts show of a county or town in one year.
#[derive(Debug, Clone, Copy, Default, Serialize, utoipa::ToSchema)]
pub struct YearFigures {
    pub year: i32,
    pub cases: i64,
    pub joint_inspections: i64,
    pub petitions: i64,
    pub collective_income_fen: i64,
}

impl App {
    /// A county's or town's cases, joint inspections, petitions and collective income in
    /// each of `years`: four counts a year over the county's or town's indexes, for the
    /// trend charts.
    pub async fn trend(
        &self,
        actor: &Actor,
        division: &str,
        years: std::ops::RangeInclusive<i32>,
    ) -> Result<Vec<YearFigures>> {
        use grassroots_store::{enforcement, income, inspection, petition};
        let (d, _) = self.county_or_town(actor, division).await?;
        let code = d.division.code.as_str();
        let mut c = self.store.conn().await?;
        let mut out = Vec::new();
        for year in years {
            let (first, last) = (format!("{year}-01-01"), format!("{year}-12-31"));
            out.push(YearFigures {
                year,
                cases: enforcement::filed_count(&mut c, code, &first, &last).await?,
                joint_inspections: inspection::visits_made(&mut c, code, &first, &last).await?,
                petitions: petition::received_in_year(&mut c, code, year).await?,
                collective_income_fen: income::total(&mut c, code, year).await?,
            });
        }
        Ok(out)
    }

    /// A town's headline; or a county's, followed by those of its towns that have records.
    /// Each town's records are read once: the county's figures are their sums.
    pub async fn headlines(&self, actor: &Actor, division: &str, year: i32) -> Result<Vec<Headline>> {
        let (county, towns) = self.tallies(actor, division, year).await?;
        let mut out = vec![county];
        if out[0].division_code.len() == 6 {
            out.extend(towns.into_iter().filter(Headline::has_records));
        }
        Ok(out)
    }

    /// The headline figures of a county or town for a year.
    pub async fn headline(&self, actor: &Actor, division: &str, year: i32) -> Result<Headline> {
        Ok(self.tallies(actor, division, year).await?.0)
    }

    /// A county or town in the actor's area, and its towns (for a town, itself).
    async fn county_or_town(&self, actor: &Actor, division: &str) -> Result<(StoredDivision, Vec<(String, String)>)> {
        actor.require(Permission::ReadDirectory)?;
        let mut c = self.store.conn().await?;
        let d = divisions::get(&mut c, &DivisionCode::parse(division)?).await?.ok_or(AppError::NotFound)?;
        actor.within(&d.path)?;
        let towns = match d.division.level {
            Level::Town => vec![(d.division.code.as_str().to_owned(), d.division.name.clone())],
            Level::County => {
                let filter = DivisionFilter { level: Some(Level::Town.as_str().to_owned()), ..Default::default() };
                let (towns, _) = divisions::list(&mut c, &d.path, &filter, 1000, 0).await?;
                towns.into_iter().map(|t| (t.division.code.as_str().to_owned(), t.division.name)).collect()
            }
            _ => {
                return Err(grassroots_domain::ValidationError::new(
                    "division",
                    "not_a_county",
                    "the headline is for a county or a town",
                )
                .into());
            }
        };
        Ok((d, towns))
    }

    /// The headline of a county or town, and those of its towns (for a town, itself): each
    /// town's records counted once, through its own indexes, and the county's summed.
    async fn tallies(&self, actor: &Actor, division: &str, year: i32) -> Result<(Headline, Vec<Headline>)> {
        let (d, towns) = self.county_or_town(actor, division).await?;
        let code = d.division.code.as_str();
        let mut c = self.store.conn().await?;
        let catalog = grassroots_store::empowerment::catalog::count(&mut c, &code[..6]).await?;
        drop(c);
        // A county's towns are read side by side, each on its own connection: a dashboard
        // waits for the slowest town, not for their sum.
        let mut reading = tokio::task::JoinSet::new();
        for (i, (town, _)) in towns.iter().enumerate() {
            let (store, town) = (self.store.clone(), town.clone());
            reading.spawn(async move {
                let mut c = store.conn().await?;
                Ok::<_, AppError>((i, Tally::of_town(&mut c, &town, year).await?))
            });
        }
        let mut tallies = vec![Tally::default(); towns.len()];
        while let Some(done) = reading.join_next().await {
            let (i, t) = done.map_err(|e| AppError::Conflict(format!("a town's figures were not read: {e}")))??;
            tallies[i] = t;
        }
        let mut whole = Tally::default();
        let mut parts = Vec::with_capacity(towns.len());
        for ((town, name), t) in towns.iter().zip(&tallies) {
            whole.add(t);
            parts.push(t.headline(town, name, year, catalog));
        }
        Ok((whole.headline(code, &d.division.name, year, catalog), parts))
    }
}

/// What the headline counts of a town's records in a year; a county's are its towns' sums
/// (every case, visit, petition and village belongs to one town).
#[derive(Debug, Clone, Default)]
struct Tally {
    cases: CaseFigures,
    visits: i64,
    petitions: i64,
    petitions_before: i64,
    income: i64,
    income_before: i64,
    received: i64,
    refused: i64,
    offices_before: i64,
    offices_after: i64,
    powers: i64,
    duties: i64,
    areas: BTreeSet<String>,
}

impl Tally {
    /// What the headline counts of a town's records in a year.
    async fn of_town(c: &mut grassroots_store::Conn, town: &str, year: i32) -> Result<Tally> {
        use grassroots_store::{admission, empowerment, enforcement, income, inspection, petition, restructuring};
        let (first, last) = (format!("{year}-01-01"), format!("{year}-12-31"));
        let mut t = Tally {
            cases: enforcement::figures(c, town, &first, &last).await?,
            visits: inspection::visits_made(c, town, &first, &last).await?,
            petitions: petition::received_in_year(c, town, year).await?,
            petitions_before: petition::received_in_year(c, town, year - 1).await?,
            income: income::total(c, town, year).await?,
            income_before: income::total(c, town, year - 1).await?,
            ..Tally::default()
        };
        // Tasks carry instants: the year runs from midnight to midnight in Shanghai.
        let new_year = |y: i32| {
            let day = time::Date::from_calendar_date(y, time::Month::January, 1).unwrap_or(time::Date::MIN);
            grassroots_domain::core::time::to_stored(
                day.midnight().assume_offset(grassroots_domain::core::time::SHANGHAI),
            )
        };
        (t.received, t.refused) =
            admission::tasks::received_and_refused(c, town, &new_year(year), &new_year(year + 1)).await?;
        let plans = restructuring::approved(c, town).await?;
        if let Some((_, doc)) =
            plans.iter().rfind(|(p, _)| p.effective_from.as_deref().is_some_and(|f| f <= last.as_str()))
        {
            let doc: grassroots_domain::restructuring::PlanDocument =
                serde_json::from_str(doc).map_err(|e| AppError::Conflict(format!("stored plan unreadable: {e}")))?;
            t.offices_before = doc.departments.len() as i64;
            t.offices_after = doc.offices.len() as i64;
        }
        if let Some(v) = empowerment::powers::in_force(c, town, &last).await? {
            t.powers = empowerment::powers::count(c, v.id).await?;
        }
        if let Some(v) = admission::lists::in_force(c, town, &last).await? {
            for item in admission::lists::items(c, v.id).await?.into_iter().filter(|i| i.kind == ItemKind::Duty) {
                t.duties += 1;
                t.areas.insert(item.area);
            }
        }
        Ok(t)
    }

    fn add(&mut self, o: &Tally) {
        let (a, b) = (&mut self.cases, &o.cases);
        (a.filed, a.closed, a.days, a.rated, a.satisfied) =
            (a.filed + b.filed, a.closed + b.closed, a.days + b.days, a.rated + b.rated, a.satisfied + b.satisfied);
        self.visits += o.visits;
        self.petitions += o.petitions;
        self.petitions_before += o.petitions_before;
        self.income += o.income;
        self.income_before += o.income_before;
        self.received += o.received;
        self.refused += o.refused;
        self.offices_before += o.offices_before;
        self.offices_after += o.offices_after;
        self.powers += o.powers;
        self.duties += o.duties;
        self.areas.extend(o.areas.iter().cloned());
    }

    fn headline(&self, code: &str, name: &str, year: i32, catalog: i64) -> Headline {
        let c = &self.cases;
        let share = |part: i64, of: i64| (of > 0).then(|| part as f64 / of as f64);
        let received = some(self.received);
        Headline {
            division_code: code.to_owned(),
            division_name: name.to_owned(),
            year,
            joint_inspections: some(self.visits),
            cases: some(c.filed),
            avg_case_days: share(c.days, c.closed),
            satisfaction_rate: share(c.satisfied, c.rated),
            petitions: some(self.petitions),
            petitions_yoy: growth(self.petitions, self.petitions_before),
            collective_income_fen: some(self.income),
            collective_income_yoy: growth(self.income, self.income_before),
            offices_before: some(self.offices_before),
            offices_after: some(self.offices_after),
            catalog_matters: some(catalog),
            powers_granted: some(self.powers),
            duties: some(self.duties),
            duty_areas: some(self.areas.len() as i64),
            tasks_received: received,
            tasks_refused: received.map(|_| self.refused),
        }
    }
}
