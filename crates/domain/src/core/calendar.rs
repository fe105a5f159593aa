//! The working-day calendar: weekends and official holidays are off, except adjusted
//! workdays (调休) that the State Council moves onto a weekend. Every working-day
//! deadline in the system is computed here.

use std::collections::BTreeMap;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::{Date, Duration, Weekday};

use crate::ValidationError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// An official holiday, or a weekday given off around one.
    Holiday,
    /// A weekend day worked in exchange (调休).
    Workday,
}

impl DayKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Workday => "workday",
        }
    }
}

impl FromStr for DayKind {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "holiday" => Ok(DayKind::Holiday),
            "workday" => Ok(DayKind::Workday),
            other => {
                Err(ValidationError::new("kind", "invalid_day_kind", format!("“{other}” is not holiday or workday")))
            }
        }
    }
}

/// One exception to the weekly rhythm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CalendarDay {
    #[schema(value_type = String, format = Date)]
    pub date: Date,
    pub kind: DayKind,
    pub occasion: String,
}

#[derive(Debug, Clone, Default)]
pub struct WorkingCalendar {
    exceptions: BTreeMap<Date, DayKind>,
}

impl WorkingCalendar {
    pub fn new(days: impl IntoIterator<Item = CalendarDay>) -> Self {
        Self { exceptions: days.into_iter().map(|d| (d.date, d.kind)).collect() }
    }

    pub fn is_working_day(&self, d: Date) -> bool {
        match self.exceptions.get(&d) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday),
        }
    }

    /// The day on which a period of `n` working days that starts after `start` ends:
    /// the start day itself is not counted, as in the statutes. `n = 0` gives `start`.
    pub fn add_working_days(&self, start: Date, n: u32) -> Date {
        let mut d = start;
        let mut left = n;
        while left > 0 {
            d += Duration::DAY;
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// How many working days lie after `from` up to and including `to`; zero when `to`
    /// is not after `from`.
    pub fn working_days_between(&self, from: Date, to: Date) -> u32 {
        let mut n = 0;
        let mut d = from;
        while d < to {
            d += Duration::DAY;
            if self.is_working_day(d) {
                n += 1;
            }
        }
        n
    }

    /// The years for which official exceptions are known; outside them only weekends count.
    pub fn years_covered(&self) -> Option<(i32, i32)> {
        let first = self.exceptions.keys().next()?.year();
        let last = self.exceptions.keys().next_back()?.year();
        Some((first, last))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn cal() -> WorkingCalendar {
        // National Day 2025: 1–8 October off, Sunday 28 September and Saturday 11 October worked.
        let mut days = vec![];
        for d in 1..=8 {
            days.push(CalendarDay {
                date: Date::from_calendar_date(2025, time::Month::October, d).unwrap(),
                kind: DayKind::Holiday,
                occasion: "National Day".into(),
            });
        }
        for date in [date!(2025 - 09 - 28), date!(2025 - 10 - 11)] {
            days.push(CalendarDay { date, kind: DayKind::Workday, occasion: "National Day".into() });
        }
        WorkingCalendar::new(days)
    }

    #[test]
    fn weekends_are_off_unless_adjusted() {
        let c = cal();
        assert!(!c.is_working_day(date!(2025 - 09 - 27))); // Saturday
        assert!(c.is_working_day(date!(2025 - 09 - 28))); // adjusted Sunday
        assert!(!c.is_working_day(date!(2025 - 10 - 01)));
        assert!(c.is_working_day(date!(2025 - 10 - 11))); // adjusted Saturday
    }

    #[test]
    fn adding_working_days_skips_the_golden_week() {
        let c = cal();
        // Tuesday 30 September + 1 working day → Thursday 9 October.
        assert_eq!(c.add_working_days(date!(2025 - 09 - 30), 1), date!(2025 - 10 - 09));
        // + 3 → Saturday 11 October, an adjusted workday.
        assert_eq!(c.add_working_days(date!(2025 - 09 - 30), 3), date!(2025 - 10 - 11));
        assert_eq!(c.add_working_days(date!(2025 - 09 - 30), 0), date!(2025 - 09 - 30));
    }

    #[test]
    fn counting_is_the_inverse_of_adding() {
        let c = cal();
        let start = date!(2025 - 09 - 20);
        for n in 0..40 {
            let end = c.add_working_days(start, n);
            assert_eq!(c.working_days_between(start, end), n);
        }
        assert_eq!(c.working_days_between(date!(2025 - 10 - 09), date!(2025 - 10 - 01)), 0);
    }
}
