//! The reform's headline figures for a county or town and a year, each computed from the
//! records of its flow when asked — never stored — and each with its written definition.
//! A figure is none where its flow has no records for the division and year.

use std::collections::BTreeSet;

use grassroots_domain::admission::ItemKind;
use grassroots_domain::core::division::{DivisionCode, Level};
use grassroots_domain::core::role::Permission;
use grassroots_store::core::divisions::{self, DivisionFilter};
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
    /// each of `years`: four aggregates a year, for the trend charts.
    pub async fn trend(
        &self,
        actor: &Actor,
        division: &str,
        years: std::ops::RangeInclusive<i32>,
    ) -> Result<Vec<YearFigures>> {
        actor.require(Permission::ReadDirectory)?;
        let mut c = self.store.conn().await?;
        let d = divisions::get(&mut c, &DivisionCode::parse(division)?).await?.ok_or(AppError::NotFound)?;
        actor.within(&d.path)?;
        let code = d.division.code.as_str();
        let mut out = Vec::new();
        for year in years {
            let (first, last) = (format!("{year}-01-01"), format!("{year}-12-31"));
            out.push(YearFigures {
                year,
                cases: grassroots_store::enforcement::filed_count(&mut c, code, &first, &last).await?,
                joint_inspections: grassroots_store::inspection::visits_made(&mut c, code, &first, &last).await?,
                petitions: grassroots_store::petition::received_in_year(&mut c, code, year).await?,
                collective_income_fen: grassroots_store::income::total(&mut c, code, year).await?,
            });
        }
        Ok(out)
    }

    /// A town's headline; or a county's, followed by those of its towns that have records.
    pub async fn headlines(&self, actor: &Actor, division: &str, year: i32) -> Result<Vec<Headline>> {
        let first = self.headline(actor, division, year).await?;
        let mut out = Vec::new();
        if first.division_code.len() == 6 {
            let mut c = self.store.conn().await?;
            let d = divisions::get(&mut c, &DivisionCode::parse(division)?).await?.ok_or(AppError::NotFound)?;
            let filter = DivisionFilter { level: Some(Level::Town.as_str().to_owned()), ..Default::default() };
            let (towns, _) = divisions::list(&mut c, &d.path, &filter, 1000, 0).await?;
            drop(c);
            for t in towns {
                let h = self.headline(actor, t.division.code.as_str(), year).await?;
                if h.has_records() {
                    out.push(h);
                }
            }
        }
        out.insert(0, first);
        Ok(out)
    }

    /// The headline figures of a county or town for a year.
    pub async fn headline(&self, actor: &Actor, division: &str, year: i32) -> Result<Headline> {
        actor.require(Permission::ReadDirectory)?;
        let mut c = self.store.conn().await?;
        let d = divisions::get(&mut c, &DivisionCode::parse(division)?).await?.ok_or(AppError::NotFound)?;
        actor.within(&d.path)?;
        let towns: Vec<String> = match d.division.level {
            Level::Town => vec![d.division.code.as_str().to_owned()],
            Level::County => {
                let filter = DivisionFilter { level: Some(Level::Town.as_str().to_owned()), ..Default::default() };
                let (towns, _) = divisions::list(&mut c, &d.path, &filter, 1000, 0).await?;
                towns.into_iter().map(|t| t.division.code.as_str().to_owned()).collect()
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
        drop(c);
        let county = &d.division.code.as_str()[..6];
        let (first, last) = (format!("{year}-01-01"), format!("{year}-12-31"));
        let mut h = Headline {
            division_code: d.division.code.as_str().to_owned(),
            division_name: d.division.name.clone(),
            year,
            ..Default::default()
        };

        let code = d.division.code.as_str();
        let mut c = self.store.conn().await?;
        let cases = grassroots_store::enforcement::figures(&mut c, code, &first, &last).await?;
        let visits = grassroots_store::inspection::visits_made(&mut c, code, &first, &last).await?;
        let (mut received, mut refused) = (0, 0);
        let (mut before, mut after, mut granted, mut duties) = (0, 0, 0, 0);
        let mut areas = BTreeSet::new();
        // Tasks carry instants: the year runs from midnight to midnight in Shanghai.
        let new_year = |y: i32| {
            let day = time::Date::from_calendar_date(y, time::Month::January, 1).unwrap_or(time::Date::MIN);
            grassroots_domain::core::time::to_stored(
                day.midnight().assume_offset(grassroots_domain::core::time::SHANGHAI),
            )
        };
        let (year_starts, year_ends) = (new_year(year), new_year(year + 1));
        for town in &towns {
            let (r, f) =
                grassroots_store::admission::tasks::received_and_refused(&mut c, town, &year_starts, &year_ends)
                    .await?;
            received += r;
            refused += f;
            let plans = grassroots_store::restructuring::approved(&mut c, town).await?;
            let in_force = plans.iter().rfind(|(p, _)| p.effective_from.as_deref().is_some_and(|f| f <= last.as_str()));
            if let Some((_, doc)) = in_force {
                let doc: grassroots_domain::restructuring::PlanDocument = serde_json::from_str(doc)
                    .map_err(|e| AppError::Conflict(format!("stored plan unreadable: {e}")))?;
                before += doc.departments.len() as i64;
                after += doc.offices.len() as i64;
            }
            if let Some(v) = grassroots_store::empowerment::powers::in_force(&mut c, town, &last).await? {
                granted += grassroots_store::empowerment::powers::count(&mut c, v.id).await?;
            }
            if let Some(v) = grassroots_store::admission::lists::in_force(&mut c, town, &last).await? {
                for item in grassroots_store::admission::lists::items(&mut c, v.id).await? {
                    if item.kind == ItemKind::Duty {
                        duties += 1;
                        areas.insert(item.area);
                    }
                }
            }
        }
        let catalog = grassroots_store::empowerment::catalog::count(&mut c, county).await?;
        drop(c);
        h.cases = some(cases.filed);
        h.avg_case_days = (cases.closed > 0).then(|| cases.days as f64 / cases.closed as f64);
        h.satisfaction_rate = (cases.rated > 0).then(|| cases.satisfied as f64 / cases.rated as f64);
        h.joint_inspections = some(visits);
        h.tasks_received = some(received);
        h.tasks_refused = h.tasks_received.map(|_| refused);
        h.offices_before = some(before);
        h.offices_after = some(after);
        h.powers_granted = some(granted);
        h.duties = some(duties);
        h.duty_areas = some(areas.len() as i64);
        h.catalog_matters = some(catalog);
        let income = self.income(actor, h.division_code.as_str(), year).await?;
        h.collective_income_fen = (income.total.fen > 0).then_some(income.total.fen);
        h.collective_income_yoy = income.total.growth;
        let (now, last_year) =
            (self.petitions_received(code, year).await?, self.petitions_received(code, year - 1).await?);
        h.petitions = some(now);
        h.petitions_yoy = grassroots_domain::income::growth(now, last_year);
        Ok(h)
    }
}
