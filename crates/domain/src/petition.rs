//! Petitions (信访) under the 信访工作条例 (2022): how they arrive, their three kinds, the
//! stages a matter goes through up to the re-review after which it is not accepted again,
//! and the statutory clocks of each stage.

use time::Date;

use crate::ValidationError;
use crate::core::calendar::WorkingCalendar;
use crate::core::clock::{Clock, Count, clock};

crate::named_enum! {
    pub Channel ("channel", "invalid_channel") {
        Letter = ("letter", "来信", "letter"),
        Visit = ("visit", "来访", "visit"),
        Phone = ("phone", "电话", "phone"),
        Online = ("online", "网上信访", "online"),
    }
}

crate::named_enum! {
    /// 第二十九条至第三十一条.
    pub PetitionKind ("kind", "invalid_petition_kind") {
        Suggestion = ("suggestion", "建议意见类", "suggestion"),
        Accusation = ("accusation", "检举控告类", "accusation"),
        Claim = ("claim", "申诉求决类", "claim"),
    }
}

crate::named_enum! {
    /// registered → accepted (or not accepted, or objected to as another body's) →
    /// answered → review asked → reviewed → re-review asked → re-reviewed; an answered,
    /// reviewed or re-reviewed matter may be closed. After re-review the same matter on the
    /// same facts is not accepted again (第三十六条第三款).
    pub PetitionStage ("stage", "invalid_petition_stage") {
        Registered = ("registered", "已登记", "registered"),
        Accepted = ("accepted", "已受理", "accepted"),
        NotAccepted = ("not_accepted", "不予受理", "not accepted"),
        Objected = ("objected", "已提出异议", "objected to"),
        Answered = ("answered", "已答复", "answered"),
        ReviewAsked = ("review_asked", "申请复查", "review asked"),
        Reviewed = ("reviewed", "已复查", "reviewed"),
        RecheckAsked = ("recheck_asked", "申请复核", "re-review asked"),
        Rechecked = ("rechecked", "已复核", "re-reviewed"),
        Closed = ("closed", "已办结", "closed"),
    }
}

impl PetitionStage {
    pub fn next(self) -> &'static [PetitionStage] {
        use PetitionStage::*;
        match self {
            Registered => &[Accepted, NotAccepted, Objected],
            Accepted => &[Answered],
            Answered => &[ReviewAsked, Closed],
            ReviewAsked => &[Reviewed],
            Reviewed => &[RecheckAsked, Closed],
            RecheckAsked => &[Rechecked],
            Rechecked => &[Closed],
            NotAccepted | Objected | Closed => &[],
        }
    }

    pub fn check_move(self, to: PetitionStage) -> Result<(), ValidationError> {
        if self.next().contains(&to) {
            Ok(())
        } else {
            Err(ValidationError::new(
                "stage",
                "out_of_order",
                format!("a petition that is “{}” cannot become “{}”", self.as_str(), to.as_str()),
            ))
        }
    }
}

/// Days to tell the petitioner whether the matter is accepted (第二十三条).
pub const ACCEPTANCE_DAYS: u32 = 15;
/// Working days to object that a matter sent on belongs to another body (第二十三条第三款).
pub const OBJECTION_WORKING_DAYS: u32 = 5;
/// Days to handle an accepted matter, and the most an approved extension adds (第三十四条).
pub const HANDLING_DAYS: u32 = 60;
pub const MAX_EXTENSION_DAYS: u32 = 30;
/// Days the petitioner has to ask for a review or re-review, and the body to answer one
/// (第三十五条、第三十六条).
pub const REQUEST_DAYS: u32 = 30;
pub const REVIEW_DAYS: u32 = 30;

/// The days a petition has reached, and what stretches its clocks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PetitionDates {
    pub received: Option<Date>,
    /// Sent on by a petition office or a higher body: the receiver may object within days.
    pub sent_on: bool,
    pub decided_acceptance: Option<Date>,
    pub answered: Option<Date>,
    pub extension_days: u32,
    pub review_asked: Option<Date>,
    pub reviewed: Option<Date>,
    pub recheck_asked: Option<Date>,
    pub rechecked: Option<Date>,
    /// Days a re-review spent on a hearing, which the re-review clock does not count.
    pub hearing_days: u32,
}

/// Checks an extension of the handling period.
pub fn check_extension(days: u32, already: u32) -> Result<(), ValidationError> {
    if days == 0 || already + days > MAX_EXTENSION_DAYS {
        Err(ValidationError::new(
            "days",
            "over_extension_limit",
            format!("the handling period is extended by at most {MAX_EXTENSION_DAYS} days in all (第三十四条)"),
        ))
    } else {
        Ok(())
    }
}

/// Every clock that has started on a petition, evaluated on `today`.
pub fn clocks(cal: &WorkingCalendar, d: &PetitionDates, today: Date) -> Vec<Clock> {
    use Count::*;
    let mut out = Vec::new();
    if let Some(received) = d.received {
        let article = "信访工作条例 第二十三条";
        out.push(clock(
            cal,
            today,
            "acceptance",
            "告知是否受理",
            article,
            received,
            ACCEPTANCE_DAYS,
            CalendarDays,
            d.decided_acceptance,
        ));
        if d.sent_on {
            let mut c = clock(
                cal,
                today,
                "objection",
                "提出异议",
                "信访工作条例 第二十三条第三款",
                received,
                OBJECTION_WORKING_DAYS,
                WorkingDays,
                None,
            );
            // The receiver's right, not its duty: the window closes, it is never overdue.
            c.overdue = false;
            out.push(c);
        }
    }
    if let Some(accepted) = d.decided_acceptance.filter(|_| d.received.is_some()) {
        let days = HANDLING_DAYS + d.extension_days.min(MAX_EXTENSION_DAYS);
        out.push(clock(
            cal,
            today,
            "handling",
            "办结并书面答复",
            "信访工作条例 第三十四条",
            accepted,
            days,
            CalendarDays,
            d.answered,
        ));
    }
    let windows = [
        (d.answered, d.review_asked, "review_request", "申请复查", "信访工作条例 第三十五条"),
        (d.reviewed, d.recheck_asked, "recheck_request", "申请复核", "信访工作条例 第三十六条"),
    ];
    for (from, met, name, label, article) in windows {
        if let Some(from) = from {
            let mut c = clock(cal, today, name, label, article, from, REQUEST_DAYS, CalendarDays, met);
            // The petitioner's window: late requests are refused, the body is never late.
            c.overdue = false;
            out.push(c);
        }
    }
    if let Some(asked) = d.review_asked {
        out.push(clock(
            cal,
            today,
            "review",
            "出具复查意见",
            "信访工作条例 第三十五条",
            asked,
            REVIEW_DAYS,
            CalendarDays,
            d.reviewed,
        ));
    }
    if let Some(asked) = d.recheck_asked {
        let days = REVIEW_DAYS + d.hearing_days;
        out.push(clock(
            cal,
            today,
            "recheck",
            "出具复核意见",
            "信访工作条例 第三十六条",
            asked,
            days,
            CalendarDays,
            d.rechecked,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn due(c: &[Clock], name: &str) -> (String, bool) {
        let c = c.iter().find(|c| c.name == name).unwrap();
        (c.due.clone(), c.overdue)
    }

    #[test]
    fn a_petition_runs_its_course_in_order() {
        use PetitionStage::*;
        assert!(Registered.check_move(Accepted).is_ok());
        assert!(Registered.check_move(Answered).is_err());
        assert!(Answered.check_move(Reviewed).is_err(), "a review is asked first");
        assert!(Rechecked.check_move(ReviewAsked).is_err(), "nothing after the re-review but closing");
        assert!(Closed.next().is_empty());
    }

    #[test]
    fn the_clocks_of_the_2022_regulation() {
        let cal = WorkingCalendar::new(Vec::new());
        let mut d = PetitionDates { received: Some(date!(2022 - 06 - 01)), sent_on: true, ..Default::default() };
        let c = clocks(&cal, &d, date!(2022 - 06 - 20));
        assert_eq!(due(&c, "acceptance"), ("2022-06-16".into(), true), "15 days, not told: overdue");
        // 1 June 2022 is a Wednesday: 5 working days end on Wednesday 8 June.
        assert_eq!(due(&c, "objection"), ("2022-06-08".into(), false));

        d.decided_acceptance = Some(date!(2022 - 06 - 10));
        d.extension_days = 30;
        let c = clocks(&cal, &d, date!(2022 - 09 - 01));
        assert!(!due(&c, "acceptance").1, "told within 15 days");
        assert_eq!(due(&c, "handling"), ("2022-09-08".into(), false), "60 days and 30 more");

        d.answered = Some(date!(2022 - 09 - 05));
        d.review_asked = Some(date!(2022 - 09 - 20));
        d.reviewed = Some(date!(2022 - 10 - 25));
        d.recheck_asked = Some(date!(2022 - 11 - 01));
        d.hearing_days = 10;
        let c = clocks(&cal, &d, date!(2022 - 12 - 01));
        assert_eq!(due(&c, "review"), ("2022-10-20".into(), true), "reviewed 5 days late");
        assert_eq!(due(&c, "recheck"), ("2022-12-11".into(), false), "a hearing's days are not counted");
        assert!(!due(&c, "review_request").1);
    }

    #[test]
    fn extensions_are_capped_at_thirty_days() {
        assert!(check_extension(30, 0).is_ok());
        assert_eq!(check_extension(10, 25).unwrap_err().errors[0].code, "over_extension_limit");
        assert!(check_extension(0, 0).is_err());
    }
}
