//! Village collective income: amounts per village, year and source, and their sums.

use grassroots_domain::income::{IncomeLine, IncomeSource};
use sqlx::{AnyConnection, Row};

use crate::{Result, parse_col};

/// One amount as written: the line, its village's town and county, who and when.
pub struct NewLine<'a> {
    pub line: &'a IncomeLine,
    pub town_code: &'a str,
    pub by: &'a str,
    pub at: &'a str,
}

/// Writes the amount of a village, year and source, replacing what was there; returns
/// the amount it replaced.
pub async fn upsert(c: &mut AnyConnection, n: &NewLine<'_>) -> Result<Option<i64>> {
    let l = n.line;
    let before: Option<i64> = sqlx::query_scalar(
        "SELECT amount_fen FROM village_income WHERE village_code = $1 AND year = $2 AND source = $3",
    )
    .bind(&l.village_code)
    .bind(i64::from(l.year))
    .bind(l.source.as_str())
    .fetch_optional(&mut *c)
    .await?;
    sqlx::query(
        "INSERT INTO village_income (county_code, town_code, village_code, year, source, amount_fen, recorded_by, \
         recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (village_code, year, source) DO UPDATE \
         SET amount_fen = excluded.amount_fen, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
    )
    .bind(l.village_code.get(..6).unwrap_or(""))
    .bind(n.town_code)
    .bind(&l.village_code)
    .bind(i64::from(l.year))
    .bind(l.source.as_str())
    .bind(l.amount_fen)
    .bind(n.by)
    .bind(n.at)
    .execute(c)
    .await?;
    Ok(before)
}

/// The condition keeping rows to a county, town or village (its argument is `$1`).
fn under(code: &str) -> &'static str {
    match code.len() {
        12 => "i.village_code = $1",
        9 => "i.town_code = $1",
        _ => "i.county_code = $1",
    }
}

/// Every amount of the villages under `code` (a county, town or village) in `year`.
pub async fn lines(c: &mut AnyConnection, code: &str, year: i32) -> Result<Vec<IncomeLine>> {
    let rows = sqlx::query(sql!(
        "SELECT i.village_code, i.year, i.source, i.amount_fen FROM village_income i WHERE {} AND i.year = $2 \
         ORDER BY i.village_code, i.source",
        under(code)
    ))
    .bind(code)
    .bind(i64::from(year))
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            let source: String = r.try_get("source")?;
            Ok(IncomeLine {
                village_code: r.try_get("village_code")?,
                year: i32::try_from(r.try_get::<i64, _>("year")?).unwrap_or(0),
                source: parse_col::<IncomeSource>(&source, "village_income.source")?,
                amount_fen: r.try_get("amount_fen")?,
            })
        })
        .collect()
}

/// The sum of every amount of the villages under `code` (a county, town or village) in `year`.
pub async fn total(c: &mut AnyConnection, code: &str, year: i32) -> Result<i64> {
    Ok(sqlx::query_scalar(sql!(
        "SELECT CAST(COALESCE(SUM(i.amount_fen), 0) AS BIGINT) FROM village_income i WHERE {} AND i.year = $2",
        under(code)
    ))
    .bind(code)
    .bind(i64::from(year))
    .fetch_one(c)
    .await?)
}
