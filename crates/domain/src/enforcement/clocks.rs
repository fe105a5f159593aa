//! The statutory clocks of a penalty case. Periods count calendar days unless the law says
//! otherwise: the Administrative Penalty Law (2021) 第八十五条 makes its “二日、三日、五日、
//! 七日” working days, and the Administrative Coercion Law 第六十九条 does the same for its
//! periods of ten days or less. The day an event happens is not counted (the period starts
//! the next day).

use time::Date;

use super::Stage;
use crate::core::calendar::WorkingCalendar;
pub use crate::core::clock::{Clock, Count, clock};

/// The dates a case has reached so far, and what stretches its clocks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseDates {
    pub filed: Option<Date>,
    pub notified: Option<Date>,
    pub hearing_requested: Option<Date>,
    pub decided: Option<Date>,
    pub served: Option<Date>,
    pub executed: Option<Date>,
    /// A written demand to pay (催告), under the Administrative Coercion Law.
    pub reminded: Option<Date>,
    /// Days the case was suspended (中止): the decision clock stops meanwhile.
    pub suspended_days: u32,
    /// Days of approved extension of the decision period.
    pub extension_days: u32,
    /// The fine, when the decision imposes one.
    pub fine_fen: Option<i64>,
}

pub const DECISION_DAYS: u32 = 90;
pub const HEARING_REQUEST_DAYS: u32 = 5;
pub const HEARING_NOTICE_DAYS: u32 = 7;
pub const SERVICE_DAYS: u32 = 7;
pub const PAYMENT_DAYS: u32 = 15;
pub const COURT_AFTER_REMINDER_DAYS: u32 = 10;

/// Every clock that has started on a case, evaluated on `today`.
pub fn clocks(cal: &WorkingCalendar, d: &CaseDates, stage: Stage, today: Date) -> Vec<Clock> {
    use Count::*;
    let mut out = Vec::new();
    if let Some(filed) = d.filed {
        let days = DECISION_DAYS + d.extension_days + d.suspended_days;
        out.push(clock(
            cal,
            today,
            "decision",
            "作出处罚决定",
            "行政处罚法 第六十条",
            filed,
            days,
            CalendarDays,
            d.decided,
        ));
    }
    if let Some(notified) = d.notified {
        let asked = d.hearing_requested.or(if stage > Stage::Notified { Some(notified) } else { None });
        let mut c = clock(
            cal,
            today,
            "hearing_request",
            "当事人申请听证",
            "行政处罚法 第六十四条第一项、第八十五条",
            notified,
            HEARING_REQUEST_DAYS,
            WorkingDays,
            asked,
        );
        // The party's window, not the authority's duty: it closes, it is never overdue.
        c.overdue = false;
        out.push(c);
    }
    if let Some(decided) = d.decided {
        out.push(clock(
            cal,
            today,
            "service",
            "送达处罚决定书",
            "行政处罚法 第六十一条、第八十五条",
            decided,
            SERVICE_DAYS,
            WorkingDays,
            d.served,
        ));
    }
    if let (Some(served), Some(_)) = (d.served, d.fine_fen) {
        out.push(clock(
            cal,
            today,
            "payment",
            "缴纳罚款",
            "行政处罚法 第六十七条",
            served,
            PAYMENT_DAYS,
            CalendarDays,
            d.executed,
        ));
    }
    if let Some(reminded) = d.reminded {
        let mut c = clock(
            cal,
            today,
            "court_application",
            "催告期满后可申请法院强制执行",
            "行政强制法 第五十四条、第六十九条",
            reminded,
            COURT_AFTER_REMINDER_DAYS,
            WorkingDays,
            None,
        );
        // A waiting period, not a deadline: the authority may apply only after it ends.
        c.overdue = false;
        out.push(c);
    }
    if let (Some(served), Some(_)) = (d.served, d.fine_fen) {
        // The party may sue within six months of service (行政诉讼法 第四十六条), the longest
        // of its remedies; once that has run, a town without power of its own to enforce
        // has three months to apply to the court (行政强制法 第五十三条), or loses the chance.
        let from = add_months(served, REMEDY_MONTHS);
        let days = u32::try_from((add_months(from, COURT_APPLICATION_MONTHS) - from).whole_days()).unwrap_or(0);
        out.push(clock(
            cal,
            today,
            "court_deadline",
            "申请法院强制执行期限",
            "行政强制法 第五十三条",
            from,
            days,
            CalendarDays,
            d.executed,
        ));
    }
    out
}

/// Months the party has to sue after service; the court application window opens after.
pub const REMEDY_MONTHS: u32 = 6;
pub const COURT_APPLICATION_MONTHS: u32 = 3;

/// The same day `months` later, or the month's last day when it has no such day.
pub fn add_months(d: Date, months: u32) -> Date {
    let total = d.year() * 12 + i32::from(u8::from(d.month())) - 1 + i32::try_from(months).unwrap_or(0);
    let (year, month) = (total.div_euclid(12), u8::try_from(total.rem_euclid(12) + 1).unwrap_or(1));
    let month = time::Month::try_from(month).unwrap_or(time::Month::January);
    let day = d.day().min(time::util::days_in_month(month, year));
    Date::from_calendar_date(year, month, day).unwrap_or(d)
}

/// The earliest day a hearing may be held when the party is notified on `notice`: at least
/// seven (working) days later (第六十四条第二项、第八十五条).
pub fn earliest_hearing(cal: &WorkingCalendar, notice: Date) -> Date {
    cal.add_working_days(notice, HEARING_NOTICE_DAYS)
}

/// The late-payment surcharge on `today` (第七十二条第一项): 3% of the fine for each day past
/// the due day, never more than the fine; in fen, rounded down.
pub fn surcharge(fine_fen: i64, due: Date, today: Date) -> i64 {
    let late = (today - due).whole_days().max(0);
    (fine_fen.saturating_mul(3).saturating_mul(late) / 100).min(fine_fen)
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::core::calendar::{CalendarDay, DayKind};

    fn calendar() -> WorkingCalendar {
        // The 2021 National Day holiday: 1–7 October off, 26 September and 9 October worked.
        let mut days: Vec<CalendarDay> = (1..=7)
            .map(|d| CalendarDay {
                date: Date::from_calendar_date(2021, time::Month::October, d).unwrap(),
                kind: DayKind::Holiday,
                occasion: "国庆节".into(),
            })
            .collect();
        for d in [date!(2021 - 09 - 26), date!(2021 - 10 - 09)] {
            days.push(CalendarDay { date: d, kind: DayKind::Workday, occasion: "国庆节调休".into() });
        }
        WorkingCalendar::new(days)
    }

    #[test]
    fn short_periods_count_working_days_and_long_ones_calendar_days() {
        let cal = calendar();
        let d = CaseDates {
            filed: Some(date!(2021 - 09 - 01)),
            notified: Some(date!(2021 - 09 - 29)),
            decided: Some(date!(2021 - 09 - 30)),
            served: Some(date!(2021 - 10 - 12)),
            fine_fen: Some(50_000),
            ..Default::default()
        };
        let c = clocks(&cal, &d, Stage::Served, date!(2021 - 10 - 20));
        let due = |n: &str| c.iter().find(|c| c.name == n).unwrap().due.clone();
        assert_eq!(due("decision"), "2021-11-30");
        // 29 Sep (Wed) + 5 working days: 30 Sep, 8, 9 (adjusted workday), 11, 12 Oct.
        assert_eq!(due("hearing_request"), "2021-10-12");
        // 30 Sep + 7 working days: 8, 9, 11, 12, 13, 14, 15 Oct; served on the 12th is on time.
        assert_eq!(due("service"), "2021-10-15");
        assert!(!c.iter().find(|c| c.name == "service").unwrap().overdue);
        assert_eq!(due("payment"), "2021-10-27");
        // Unpaid: six months to sue run to 12 April 2022, then three months to apply to court.
        let court = c.iter().find(|c| c.name == "court_deadline").unwrap();
        assert_eq!((court.from.as_str(), court.due.as_str()), ("2022-04-12", "2022-07-12"));
        assert!(
            clocks(&cal, &d, Stage::Served, date!(2022 - 07 - 13))
                .iter()
                .any(|c| c.name == "court_deadline" && c.overdue)
        );
    }

    #[test]
    fn months_end_on_the_same_day_or_the_last_of_the_month() {
        assert_eq!(add_months(date!(2021 - 08 - 31), 6), date!(2022 - 02 - 28));
        assert_eq!(add_months(date!(2021 - 10 - 12), 3), date!(2022 - 01 - 12));
        assert_eq!(add_months(date!(2024 - 02 - 29), 12), date!(2025 - 02 - 28));
    }

    #[test]
    fn suspension_and_extension_stretch_the_decision_clock() {
        let cal = calendar();
        let d = CaseDates {
            filed: Some(date!(2022 - 01 - 10)),
            suspended_days: 10,
            extension_days: 30,
            ..Default::default()
        };
        let c = clocks(&cal, &d, Stage::Investigating, date!(2022 - 05 - 01));
        assert_eq!(c[0].due, "2022-05-20");
        assert!(!c[0].overdue);
        let c = clocks(&cal, &d, Stage::Investigating, date!(2022 - 05 - 21));
        assert!(c[0].overdue);
    }

    #[test]
    fn the_surcharge_is_three_percent_a_day_capped_at_the_fine() {
        let due = date!(2022 - 03 - 01);
        assert_eq!(surcharge(100_000, due, due), 0);
        assert_eq!(surcharge(100_000, due, date!(2022 - 03 - 02)), 3_000);
        assert_eq!(surcharge(100_000, due, date!(2022 - 03 - 11)), 30_000);
        assert_eq!(surcharge(100_000, due, date!(2022 - 06 - 01)), 100_000);
        assert_eq!(surcharge(333, due, date!(2022 - 03 - 02)), 9);
    }

    #[test]
    fn a_hearing_is_notified_seven_working_days_ahead() {
        assert_eq!(earliest_hearing(&calendar(), date!(2021 - 09 - 29)), date!(2021 - 10 - 14));
    }
}
