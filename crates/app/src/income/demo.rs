//! The income part of the demo: every village of the two pilot towns for 2020 and 2021,
//! imported through the same table a town would send. Shuangduiji's collectives went from
//! 1,250,000 yuan to 4,710,000 (+276.8%) as the reform's report says; Linhuan's grew more
//! slowly. Most villages' operating income crossed the 100,000-yuan line in 2021.

use grassroots_domain::core::division::{DivisionCode, Level};
use grassroots_domain::income::{IncomeLine, IncomeSource};

use super::incomefile;
use crate::core::divisions::DivisionQuery;
use crate::demo::{LINHUAN, SHUANGDUIJI, user};
use crate::{Actor, App, Result};

/// Each town's total in fen for 2020 and 2021, and the officer who sends its table.
const TOTALS: [(&str, i64, i64, &str); 2] = [
    (SHUANGDUIJI, 125_000_000, 471_000_000, "shuangduiji.officer"),
    (LINHUAN, 310_000_000, 372_000_000, "linhuan.officer"),
];

/// Shares of a village's income by source: (operating, contracting, investment, subsidy, other) in percent.
const SHARES_2020: [i64; 5] = [30, 30, 5, 30, 5];
const SHARES_2021: [i64; 5] = [55, 20, 10, 12, 3];

/// Returns how many amounts were imported (none when the demo has them already).
pub(crate) async fn seed(app: &App) -> Result<usize> {
    let sys = Actor::system("demo");
    if app.income(&sys, SHUANGDUIJI, 2021).await?.total.fen > 0 {
        return Ok(0);
    }
    let mut imported = 0;
    for (town, total_2020, total_2021, officer) in TOTALS {
        let mut lines = Vec::new();
        let code = DivisionCode::parse(town)?;
        let q = DivisionQuery { level: Some(Level::Village), per_page: Some(200), ..Default::default() };
        let villages = app.division_subtree(&sys, &code, q).await?.items;
        // Villages differ: uneven weights spread the town's total.
        let weights: Vec<i64> = (1..=villages.len() as i64).map(|i| 3 + (i * 7) % 5).collect();
        let sum: i64 = weights.iter().sum();
        for (year, total, shares) in [(2020, total_2020, SHARES_2020), (2021, total_2021, SHARES_2021)] {
            let mut left = total;
            for (i, (v, w)) in villages.iter().zip(&weights).enumerate() {
                let village_total = if i + 1 == villages.len() { left } else { total * w / sum };
                left -= village_total;
                let mut village_left = village_total;
                for (j, source) in IncomeSource::ALL.iter().enumerate() {
                    let amount =
                        if j + 1 == IncomeSource::ALL.len() { village_left } else { village_total * shares[j] / 100 };
                    village_left -= amount;
                    let line = IncomeLine {
                        village_code: v.division.code.as_str().to_owned(),
                        year,
                        source: *source,
                        amount_fen: amount,
                    };
                    lines.push(line);
                }
            }
        }
        imported += app.import_income(&user(app, officer).await?, &incomefile::write_csv(&lines)).await?.lines;
    }
    Ok(imported)
}
