//! The official exceptions to the weekly rhythm.

use grassroots_domain::core::calendar::CalendarDay;
use sqlx::{AnyConnection, Row};
use time::Date;
use time::format_description::well_known::Iso8601;

use crate::{Result, StoreError, parse_col};

pub async fn all(c: &mut AnyConnection) -> Result<Vec<CalendarDay>> {
    let rows = sqlx::query("SELECT day, kind, occasion FROM calendar_day ORDER BY day").fetch_all(c).await?;
    rows.iter()
        .map(|r| {
            let day: String = r.try_get("day")?;
            let kind: String = r.try_get("kind")?;
            Ok(CalendarDay {
                date: Date::parse(&day, &Iso8601::DATE)
                    .map_err(|_| StoreError::Corrupt(format!("calendar_day.day = {day}")))?,
                kind: parse_col(&kind, "calendar_day.kind")?,
                occasion: r.try_get("occasion")?,
            })
        })
        .collect()
}

/// Inserts or replaces one day; returns whether anything changed.
pub async fn upsert(c: &mut AnyConnection, d: &CalendarDay, day: &str) -> Result<bool> {
    let r = sqlx::query(
        "INSERT INTO calendar_day (day, kind, occasion) VALUES ($1, $2, $3) \
         ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, occasion = excluded.occasion \
         WHERE calendar_day.kind <> excluded.kind OR calendar_day.occasion <> excluded.occasion",
    )
    .bind(day)
    .bind(d.kind.as_str())
    .bind(&d.occasion)
    .execute(c)
    .await?;
    Ok(r.rows_affected() > 0)
}
