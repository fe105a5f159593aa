//! Petitions (信访) under the 信访工作条例 (2022): how they arrive, their three kinds, the
//! stages a matter goes through up to the re-review after which it is not accepted again,
//! and the statutory clocks of each stage.

use serde::{Deserialize, Serialize};
use time::{Date, Duration};

use crate::ValidationError;
use crate::command::{check_phone, mask_phone};
use crate::core::calendar::WorkingCalendar;
use crate::core::clock::{Clock, Count, clock};

crate::typed_id!(pub PetitionId);

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
    /// replied → review asked → reviewed → re-review asked → re-reviewed; a replied,
    /// reviewed or re-reviewed matter may be closed. After re-review the same matter on the
    /// same facts is not accepted again (第三十六条第三款).
    pub PetitionStage ("stage", "invalid_petition_stage") {
        Registered = ("registered", "已登记", "registered"),
        Accepted = ("accepted", "已受理", "accepted"),
        NotAccepted = ("not_accepted", "不予受理", "not accepted"),
        Objected = ("objected", "已提出异议", "objected to"),
        Replied = ("replied", "已答复", "replied"),
        ReviewAsked = ("review_asked", "申请复查", "review asked"),
        Reviewed = ("reviewed", "已复查", "reviewed"),
        RereviewAsked = ("rereview_asked", "申请复核", "re-review asked"),
        Rereviewed = ("rereviewed", "已复核", "re-reviewed"),
        Closed = ("closed", "已办结", "closed"),
    }
}

impl PetitionStage {
    /// Stages in which the body owes the petitioner something by a day.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Registered | Self::Accepted | Self::ReviewAsked | Self::RereviewAsked)
    }

    pub fn next(self) -> &'static [PetitionStage] {
        use PetitionStage::*;
        match self {
            Registered => &[Accepted, NotAccepted, Objected],
            Accepted => &[Replied],
            Replied => &[ReviewAsked, Closed],
            ReviewAsked => &[Reviewed],
            Reviewed => &[RereviewAsked, Closed],
            RereviewAsked => &[Rereviewed],
            Rereviewed => &[Closed],
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
    pub replied: Option<Date>,
    pub extension_days: u32,
    pub review_asked: Option<Date>,
    pub reviewed: Option<Date>,
    pub rereview_asked: Option<Date>,
    pub rereviewed: Option<Date>,
    /// Days a re-review spent on a hearing, which the re-review clock does not count.
    pub hearing_days: u32,
}

/// Who petitions: personal data, kept sealed at rest and shown masked to those who do not
/// handle the matter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
// A field left out is empty, so that the check names every missing field at once.
#[serde(default)]
pub struct Petitioner {
    pub name: String,
    /// 公民身份号码 (GB 11643-1999), 18 characters.
    pub id_number: String,
    pub phone: String,
    pub address: String,
}

impl Petitioner {
    /// The data trimmed and checked, every field's fault listed; the ID number's letter in
    /// upper case and the phone's digits only.
    pub fn checked(&self) -> Result<Petitioner, ValidationError> {
        let mut e = ValidationError::default();
        let name = self.name.trim();
        match name.chars().count() {
            0 => e.push("petitioner.name", "required", "the petitioner's name is empty"),
            n if n > 50 => e.push("petitioner.name", "too_long", "a name has at most 50 characters"),
            _ => {}
        }
        let id_number = self.id_number.trim().to_uppercase();
        if let Err(bad) = check_id_number(&id_number) {
            e.errors.extend(bad.errors);
        }
        let phone: String = self.phone.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if check_phone(&phone).is_err() {
            e.push("petitioner.phone", "invalid_phone", "an 11-digit mobile number");
        }
        let address = self.address.trim();
        match address.chars().count() {
            0 => e.push("petitioner.address", "required", "the address to answer to is empty"),
            n if n > 200 => e.push("petitioner.address", "too_long", "an address has at most 200 characters"),
            _ => {}
        }
        e.into_result()?;
        Ok(Petitioner { name: name.to_owned(), id_number, phone, address: address.to_owned() })
    }

    /// What is shown to those who do not handle the matter: the surname, the ID number's
    /// region and last digit, the phone's first three and last four digits, the address's
    /// first six characters.
    pub fn masked(&self) -> Petitioner {
        let keep = |s: &str, head: usize, tail: usize| -> String {
            let c: Vec<char> = s.chars().collect();
            if c.len() <= head + tail {
                return "*".repeat(c.len());
            }
            let mut out: String = c[..head].iter().collect();
            out.push_str(&"*".repeat(c.len() - head - tail));
            out.extend(&c[c.len() - tail..]);
            out
        };
        let address: String = self.address.chars().take(6).collect();
        Petitioner {
            name: keep(&self.name, 1, 0),
            id_number: keep(&self.id_number, 6, 1),
            phone: mask_phone(&self.phone),
            address: if self.address.chars().count() > 6 { format!("{address}……") } else { address },
        }
    }
}

/// Checks a citizen ID number: 17 digits, the birth date they hold, and the check
/// character of GB 11643-1999 (ISO 7064 MOD 11-2).
pub fn check_id_number(id: &str) -> Result<(), ValidationError> {
    let bad = |code: &str, message: &str| Err(ValidationError::new("petitioner.id_number", code, message));
    let c: Vec<char> = id.chars().collect();
    if c.len() != 18 || !c[..17].iter().all(char::is_ascii_digit) || !(c[17].is_ascii_digit() || c[17] == 'X') {
        return bad("invalid_id_number", "an ID number is 17 digits and a digit or X");
    }
    let birth = &id[6..14];
    let born = birth.parse::<i32>().ok().and_then(|n| {
        let month = time::Month::try_from(u8::try_from(n / 100 % 100).ok()?).ok()?;
        Date::from_calendar_date(n / 10000, month, u8::try_from(n % 100).ok()?).ok()
    });
    if born.is_none_or(|d| d.year() < 1900) {
        return bad("invalid_id_number", "the ID number's birth date (characters 7 to 14) is not a date");
    }
    if c[17] != id_check_character(&id[..17]) {
        return bad("id_check_digit", "the ID number's last character does not match the others (wrong check digit)");
    }
    Ok(())
}

/// The 18th character of an ID number whose first 17 digits are given.
pub fn id_check_character(first17: &str) -> char {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17.chars().zip(WEIGHTS).map(|(d, w)| d.to_digit(10).unwrap_or(0) * w).sum();
    b"10X98765432"[(sum % 11) as usize] as char
}

/// How alike two texts are, 0 to 1: the Dice coefficient of their character pairs, letters
/// and digits only. Chinese has no spaces to split words on; pairs of characters catch the
/// same matter retold in other words well enough to flag it for a person to judge.
pub fn similarity(a: &str, b: &str) -> f64 {
    fn pairs(s: &str) -> Vec<(char, char)> {
        let c: Vec<char> = s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect();
        let mut p: Vec<(char, char)> = c.windows(2).map(|w| (w[0], w[1])).collect();
        p.sort_unstable();
        p
    }
    let (x, y) = (pairs(a), pairs(b));
    if x.is_empty() || y.is_empty() {
        return if a.trim() == b.trim() && !a.trim().is_empty() { 1.0 } else { 0.0 };
    }
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    2.0 * shared as f64 / (x.len() + y.len()) as f64
}

/// Texts at least this alike are taken for the same matter.
pub const SAME_MATTER: f64 = 0.5;

/// A petition as stored, its petitioner masked or in clear as the reader may see.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Petition {
    pub id: PetitionId,
    pub county_code: String,
    pub town_code: String,
    /// The town or village the matter is about.
    pub division_code: String,
    pub tracking_number: String,
    pub channel: Channel,
    pub kind: PetitionKind,
    pub title: String,
    pub content: String,
    /// People who petition together (联名、集体访), 1 or more.
    pub people: i64,
    pub petitioner: Petitioner,
    pub stage: PetitionStage,
    pub received_on: String,
    pub sent_on: bool,
    pub decided_on: Option<String>,
    pub replied_on: Option<String>,
    pub extension_days: i64,
    pub review_asked_on: Option<String>,
    pub reviewed_on: Option<String>,
    pub rereview_asked_on: Option<String>,
    pub rereviewed_on: Option<String>,
    pub hearing_days: i64,
    pub closed_on: Option<String>,
    /// The day the body must next answer by; none when it owes nothing.
    pub due_on: Option<String>,
    pub satisfied: Option<bool>,
    /// An earlier petition this one repeats, and why it was taken for a repeat.
    pub repeat_of: Option<PetitionId>,
    pub repeat_reason: Option<String>,
    pub created_by: String,
    pub created_at: String,
}

/// A step on a petition's timeline: what was done, the day it counts from, by whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PetitionLogLine {
    pub action: String,
    pub on_day: String,
    pub note: String,
    pub recorded_by: String,
    pub recorded_at: String,
}

fn day(s: &Option<String>) -> Option<Date> {
    s.as_deref().and_then(|s| Date::parse(s, &time::format_description::well_known::Iso8601::DATE).ok())
}

impl Petition {
    pub fn dates(&self) -> PetitionDates {
        PetitionDates {
            received: day(&Some(self.received_on.clone())),
            sent_on: self.sent_on,
            decided_acceptance: day(&self.decided_on),
            replied: day(&self.replied_on),
            extension_days: u32::try_from(self.extension_days).unwrap_or(0),
            review_asked: day(&self.review_asked_on),
            reviewed: day(&self.reviewed_on),
            rereview_asked: day(&self.rereview_asked_on),
            rereviewed: day(&self.rereviewed_on),
            hearing_days: u32::try_from(self.hearing_days).unwrap_or(0),
        }
    }

    /// The day the body must next answer by in its stage (all these periods count
    /// calendar days): acceptance, handling, review or re-review.
    pub fn duty_due(&self) -> Option<String> {
        let d = self.dates();
        let plus = |from: Option<Date>, days: u32| from.map(|f| (f + Duration::days(i64::from(days))).to_string());
        match self.stage {
            PetitionStage::Registered => plus(d.received, ACCEPTANCE_DAYS),
            PetitionStage::Accepted => plus(d.decided_acceptance, HANDLING_DAYS + d.extension_days),
            PetitionStage::ReviewAsked => plus(d.review_asked, REVIEW_DAYS),
            PetitionStage::RereviewAsked => plus(d.rereview_asked, REVIEW_DAYS + d.hearing_days),
            _ => None,
        }
    }

    /// The day of the last step taken: a later step may not be dated before it.
    pub fn last_step_on(&self) -> String {
        [&self.closed_on, &self.rereviewed_on, &self.rereview_asked_on, &self.reviewed_on, &self.review_asked_on]
            .into_iter()
            .chain([&self.replied_on, &self.decided_on])
            .flatten()
            .max()
            .cloned()
            .unwrap_or_else(|| self.received_on.clone())
    }

    /// The text compared to find the same matter.
    pub fn matter(&self) -> String {
        format!("{} {}", self.title, self.content)
    }
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
            d.replied,
        ));
    }
    let windows = [
        (d.replied, d.review_asked, "review_request", "申请复查", "信访工作条例 第三十五条"),
        (d.reviewed, d.rereview_asked, "rereview_request", "申请复核", "信访工作条例 第三十六条"),
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
    if let Some(asked) = d.rereview_asked {
        let days = REVIEW_DAYS + d.hearing_days;
        out.push(clock(
            cal,
            today,
            "rereview",
            "出具复核意见",
            "信访工作条例 第三十六条",
            asked,
            days,
            CalendarDays,
            d.rereviewed,
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
        assert!(Registered.check_move(Replied).is_err());
        assert!(Replied.check_move(Reviewed).is_err(), "a review is asked first");
        assert!(Rereviewed.check_move(ReviewAsked).is_err(), "nothing after the re-review but closing");
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

        d.replied = Some(date!(2022 - 09 - 05));
        d.review_asked = Some(date!(2022 - 09 - 20));
        d.reviewed = Some(date!(2022 - 10 - 25));
        d.rereview_asked = Some(date!(2022 - 11 - 01));
        d.hearing_days = 10;
        let c = clocks(&cal, &d, date!(2022 - 12 - 01));
        assert_eq!(due(&c, "review"), ("2022-10-20".into(), true), "reviewed 5 days late");
        assert_eq!(due(&c, "rereview"), ("2022-12-11".into(), false), "a hearing's days are not counted");
        assert!(!due(&c, "review_request").1);
    }

    #[test]
    fn id_numbers_are_checked_to_the_last_character() {
        // The example of GB 11643-1999.
        assert!(check_id_number("11010519491231002X").is_ok());
        assert_eq!(check_id_number("110105194912310021").unwrap_err().errors[0].code, "id_check_digit");
        assert_eq!(check_id_number("11010519491331002X").unwrap_err().errors[0].code, "invalid_id_number");
        assert!(check_id_number("1101051949123100").is_err());
        let p = Petitioner {
            name: " 张三 ".into(),
            id_number: "11010519491231002x".into(),
            phone: "138-0000-1234".into(),
            address: "淮北市濉溪县临涣镇".into(),
        };
        let p = p.checked().unwrap();
        assert_eq!(p.id_number, "11010519491231002X");
        let m = p.masked();
        assert_eq!(
            (m.name.as_str(), m.id_number.as_str(), m.phone.as_str()),
            ("张*", "110105***********X", "138****1234")
        );
        assert_eq!(m.address, "淮北市濉溪县……");
        let e = Petitioner::default().checked().unwrap_err();
        let fields: Vec<&str> = e.errors.iter().map(|f| f.location.as_str()).collect();
        assert_eq!(fields, ["petitioner.name", "petitioner.id_number", "petitioner.phone", "petitioner.address"]);
    }

    #[test]
    fn the_same_matter_retold_is_alike() {
        let a = "临涣镇某村道路塌陷，多次反映未修复";
        let b = "反映临涣镇某村道路塌陷一直未修复";
        assert!(similarity(a, b) >= SAME_MATTER, "{}", similarity(a, b));
        assert!(similarity(a, "要求补发2021年养老保险待遇") < 0.2);
        assert_eq!(similarity(a, a), 1.0);
    }

    #[test]
    fn each_stage_owes_its_answer_by_a_day() {
        let mut p = Petition {
            id: PetitionId(1),
            county_code: String::new(),
            town_code: String::new(),
            division_code: String::new(),
            tracking_number: String::new(),
            channel: Channel::Letter,
            kind: PetitionKind::Claim,
            title: String::new(),
            content: String::new(),
            people: 1,
            petitioner: Petitioner::default(),
            stage: PetitionStage::Registered,
            received_on: "2022-06-01".into(),
            sent_on: false,
            decided_on: None,
            replied_on: None,
            extension_days: 0,
            review_asked_on: None,
            reviewed_on: None,
            rereview_asked_on: None,
            rereviewed_on: None,
            hearing_days: 0,
            closed_on: None,
            due_on: None,
            satisfied: None,
            repeat_of: None,
            repeat_reason: None,
            created_by: String::new(),
            created_at: String::new(),
        };
        assert_eq!(p.duty_due().as_deref(), Some("2022-06-16"));
        p.stage = PetitionStage::Accepted;
        p.decided_on = Some("2022-06-10".into());
        p.extension_days = 10;
        assert_eq!(p.duty_due().as_deref(), Some("2022-08-19"), "60 days and 10 more");
        p.stage = PetitionStage::Replied;
        p.replied_on = Some("2022-08-01".into());
        assert_eq!(p.duty_due(), None);
        assert_eq!(p.last_step_on(), "2022-08-01");
    }

    #[test]
    fn extensions_are_capped_at_thirty_days() {
        assert!(check_extension(30, 0).is_ok());
        assert_eq!(check_extension(10, 25).unwrap_err().errors[0].code, "over_extension_limit");
        assert!(check_extension(0, 0).is_err());
    }
}
