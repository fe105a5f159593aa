//! A statutory clock: a period that starts on a day, counts calendar or working days, and
//! is met on a day or runs past due. Every flow with deadlines in law shows its own.

use serde::Serialize;
use time::{Date, Duration};

use super::calendar::WorkingCalendar;

/// How a period counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = DayCount)]
pub enum Count {
    CalendarDays,
    WorkingDays,
}

/// One clock running on a case, a petition or any record with deadlines in law.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Clock {
    /// A stable name, e.g. `decision` or `payment` for a case, `handling` for a petition.
    pub name: &'static str,
    pub label_zh: &'static str,
    /// Where the law sets it.
    pub article: &'static str,
    pub days: u32,
    pub count: Count,
    pub from: String,
    pub due: String,
    /// The day it was met, if it was.
    pub met_on: Option<String>,
    /// Past due and not met (on the day of evaluation).
    pub overdue: bool,
}

/// The day `days` after `from`, counted as the law says.
pub fn add(cal: &WorkingCalendar, from: Date, days: u32, count: Count) -> Date {
    match count {
        Count::CalendarDays => from + Duration::days(i64::from(days)),
        Count::WorkingDays => cal.add_working_days(from, days),
    }
}

/// A clock from `from`, evaluated on `today`: overdue when met late, or not met and past due.
#[allow(clippy::too_many_arguments)]
pub fn clock(
    cal: &WorkingCalendar,
    today: Date,
    name: &'static str,
    label_zh: &'static str,
    article: &'static str,
    from: Date,
    days: u32,
    count: Count,
    met: Option<Date>,
) -> Clock {
    let due = add(cal, from, days, count);
    Clock {
        name,
        label_zh,
        article,
        days,
        count,
        from: from.to_string(),
        due: due.to_string(),
        met_on: met.map(|d| d.to_string()),
        overdue: match met {
            Some(m) => m > due,
            None => today > due,
        },
    }
}
