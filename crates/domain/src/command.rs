//! Unified command (统一指挥): events from every source reach the town's command center,
//! are dispatched to an office with a deadline in working days set per category, and are
//! followed until closed. Pauses and extensions move the deadline; silence past it is
//! overdue and escalates.

use serde::Serialize;
use time::Date;

use crate::ValidationError;
use crate::core::calendar::WorkingCalendar;

crate::named_enum! {
    pub Source ("source", "invalid_source") {
        Patrol = ("patrol", "网格巡查", "patrol"),
        Hotline = ("hotline", "热线", "hotline"),
        Petition = ("petition", "信访", "petition"),
        Inspection = ("inspection", "检查发现", "inspection"),
        Warning = ("warning", "预警", "warning"),
        Public = ("public", "群众上报", "the public"),
    }
}

crate::named_enum! {
    /// new → dispatched → in progress → resolved → closed; a resolved or closed event may
    /// be reopened (back to in progress).
    pub EventState ("state", "invalid_event_state") {
        New = ("new", "待派遣", "new"),
        Dispatched = ("dispatched", "已派遣", "dispatched"),
        InProgress = ("in_progress", "处置中", "in progress"),
        Resolved = ("resolved", "已办结", "resolved"),
        Closed = ("closed", "已结案", "closed"),
        Merged = ("merged", "已合并", "merged"),
    }
}

crate::named_enum! {
    pub Category ("category", "invalid_category") {
        CityAppearance = ("city_appearance", "市容秩序", "street order"),
        Environment = ("environment", "生态环境", "environment"),
        Safety = ("safety", "安全隐患", "safety hazard"),
        Dispute = ("dispute", "矛盾纠纷", "dispute"),
        Construction = ("construction", "违法建设", "illegal building"),
        PublicService = ("public_service", "民生服务", "public service"),
        Other = ("other", "其他", "other"),
    }
}

impl Category {
    /// Working days the office has from dispatch: hazards at once, disputes with time.
    pub fn deadline_days(self) -> u32 {
        match self {
            Category::Safety => 1,
            Category::CityAppearance | Category::Environment => 3,
            Category::Construction | Category::PublicService => 5,
            Category::Dispute | Category::Other => 7,
        }
    }
}

impl EventState {
    pub fn next(self) -> &'static [EventState] {
        use EventState::*;
        match self {
            New => &[Dispatched, Merged],
            Dispatched => &[InProgress, Dispatched],
            InProgress => &[Resolved],
            Resolved => &[Closed, InProgress],
            Closed => &[InProgress],
            Merged => &[],
        }
    }

    pub fn check_move(self, to: EventState) -> Result<(), ValidationError> {
        if self.next().contains(&to) {
            Ok(())
        } else {
            Err(ValidationError::new(
                "state",
                "out_of_order",
                format!("an event that is “{}” cannot become “{}”", self.as_str(), to.as_str()),
            ))
        }
    }

    /// Still in the hands of an office, so its deadline runs.
    pub fn is_open(self) -> bool {
        matches!(self, EventState::Dispatched | EventState::InProgress)
    }
}

crate::typed_id! {
    /// Typed id of an event.
    pub EventId
}

/// An event as stored.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Event {
    pub id: EventId,
    pub county_code: String,
    /// The town whose command center handles it.
    pub town_code: String,
    /// Where it happened: the town or one of its villages.
    pub division_code: String,
    pub tracking_number: String,
    pub source: Source,
    pub category: Category,
    pub title: String,
    pub description: String,
    pub address: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub reporter_name: String,
    /// Masked (138****1234) for those who do not dispatch.
    pub reporter_phone: String,
    pub state: EventState,
    /// The office or team it is dispatched to.
    pub office: Option<String>,
    pub dispatched_on: Option<String>,
    pub due_on: Option<String>,
    /// Set while the event is paused (挂起): its clock stands still.
    pub paused_on: Option<String>,
    /// Working days added by approved extensions and by pauses.
    pub extra_days: i64,
    pub resolved_on: Option<String>,
    pub closed_on: Option<String>,
    pub merged_into: Option<EventId>,
    /// The reporter's rating of the result.
    pub satisfied: Option<bool>,
    /// How far up an overdue event has gone: 0 not at all, 1 the town's leadership, 2 the
    /// county. A new dispatch starts again from 0.
    pub escalation: i64,
    pub escalated_on: Option<String>,
    pub created_by: String,
    pub created_at: String,
}

impl Event {
    /// Open past its deadline on `today`.
    pub fn overdue(&self, today: &str) -> bool {
        self.state.is_open() && self.paused_on.is_none() && self.due_on.as_deref().is_some_and(|d| d < today)
    }

    /// Who the event is now before, in words.
    pub fn escalated_to(&self, zh: bool) -> &'static str {
        escalation_label(self.escalation, zh)
    }

    /// How far up the event should have gone on `today`: overdue, to the town's leadership;
    /// more than [`COUNTY_ESCALATION_DAYS`] working days overdue, to the county.
    pub fn escalation_due(&self, cal: &WorkingCalendar, today: Date) -> i64 {
        let due = self.due_on.as_deref().and_then(crate::core::time::parse_date);
        match due {
            Some(due) if self.overdue(&today.to_string()) => {
                if cal.working_days_between(due, today) > COUNTY_ESCALATION_DAYS { 2 } else { 1 }
            }
            _ => 0,
        }
    }
}

/// Working days past its deadline after which an overdue event goes up to the county.
pub const COUNTY_ESCALATION_DAYS: u32 = 2;

/// Who an event escalated to `level` is now before.
pub fn escalation_label(level: i64, zh: bool) -> &'static str {
    match (level, zh) {
        (0, true) => "未升级",
        (0, false) => "not escalated",
        (1, true) => "已升级至镇领导",
        (1, false) => "up to the town's leadership",
        (_, true) => "已升级至县指挥中心",
        (_, false) => "up to the county command center",
    }
}

crate::typed_id! {
    /// Typed id of a file attached to an event.
    pub AttachmentId
}

/// A file attached to an event: photos of the scene, a scanned letter. The file itself is
/// kept on disk under its SHA-256, which is checked again whenever it is read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Attachment {
    pub id: AttachmentId,
    pub event_id: EventId,
    pub file_name: String,
    pub media_type: String,
    pub size: i64,
    /// Hex SHA-256 of the content.
    pub sha256: String,
    pub added_by: String,
    pub added_at: String,
}

/// The largest file an event takes.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;
/// Files an event takes, at most.
pub const MAX_ATTACHMENTS: usize = 20;

/// The media type of a file judged by its first bytes, never by its name or by what the
/// sender claims: JPEG, PNG, WebP photos and PDF documents; anything else is refused.
pub fn sniff_media_type(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some("image/png"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some("image/webp"),
        [b'%', b'P', b'D', b'F', b'-', ..] => Some("application/pdf"),
        _ => None,
    }
}

/// Checks an attachment before it is stored: its name, its size, its type by content.
pub fn check_attachment(file_name: &str, bytes: &[u8]) -> Result<&'static str, ValidationError> {
    let mut e = ValidationError::default();
    let name = file_name.trim();
    if name.is_empty() || name.chars().count() > 200 || name.chars().any(|c| c.is_control() || c == '/' || c == '\\') {
        e.push("file_name", "invalid_file_name", "a file name of 1 to 200 characters, without / or \\");
    }
    if bytes.is_empty() {
        e.push("file", "empty_file", "the file is empty");
    } else if bytes.len() > MAX_ATTACHMENT_BYTES {
        e.push("file", "file_too_large", "the file is larger than 10 MiB, the most an event takes");
    }
    let kind = sniff_media_type(bytes);
    if kind.is_none() && !bytes.is_empty() {
        e.push("file", "forbidden_type", "only JPEG, PNG or WebP photos and PDF documents are taken");
    }
    e.into_result()?;
    Ok(kind.unwrap_or("application/octet-stream"))
}

/// One line of an event's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct EventLogLine {
    pub action: String,
    pub note: String,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// A phone number as shown to those who need not call it: 138****1234.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 7 {
        return "*".repeat(chars.len());
    }
    let (head, tail) = (&chars[..3], &chars[chars.len() - 4..]);
    format!("{}****{}", head.iter().collect::<String>(), tail.iter().collect::<String>())
}

/// The deadline of a dispatched event: the category's working days from dispatch, plus
/// approved extensions, plus the working days it was paused.
pub fn deadline(cal: &WorkingCalendar, dispatched: Date, category: Category, extra_working_days: u32) -> Date {
    cal.add_working_days(dispatched, category.deadline_days() + extra_working_days)
}

/// Checks a WGS84 point.
pub fn check_point(lon: f64, lat: f64) -> Result<(), ValidationError> {
    if (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat) && lon.is_finite() && lat.is_finite() {
        Ok(())
    } else {
        Err(ValidationError::new("point", "invalid_point", "longitude −180…180 and latitude −90…90 (WGS84)"))
    }
}

/// Great-circle distance in metres between two WGS84 points.
pub fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lon1, lat1, lon2, lat2) = (a.0.to_radians(), a.1.to_radians(), b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * 6_371_000.0 * h.sqrt().asin()
}

/// Checks a mainland mobile number as people type it.
pub fn check_phone(phone: &str) -> Result<(), ValidationError> {
    let digits: String = phone.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if digits.len() == 11 && digits.starts_with('1') && digits.chars().all(|c| c.is_ascii_digit()) {
        Ok(())
    } else {
        Err(ValidationError::new("phone", "invalid_phone", "an 11-digit mobile number"))
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn events_move_in_order_and_reopen() {
        assert!(EventState::New.check_move(EventState::Dispatched).is_ok());
        assert!(EventState::New.check_move(EventState::Resolved).is_err());
        assert!(EventState::Closed.check_move(EventState::InProgress).is_ok());
        assert!(EventState::Merged.check_move(EventState::InProgress).is_err());
    }

    #[test]
    fn deadlines_count_working_days() {
        let cal = WorkingCalendar::new(Vec::new());
        // Friday + 3 working days = Wednesday.
        assert_eq!(deadline(&cal, date!(2022 - 05 - 06), Category::Environment, 0), date!(2022 - 05 - 11));
        assert_eq!(deadline(&cal, date!(2022 - 05 - 06), Category::Environment, 2), date!(2022 - 05 - 13));
    }

    #[test]
    fn attachments_are_judged_by_content_and_size() {
        assert_eq!(check_attachment("现场.jpg", &[0xFF, 0xD8, 0xFF, 0xE0, 0]).unwrap(), "image/jpeg");
        assert_eq!(check_attachment("scan.pdf", b"%PDF-1.7 ...").unwrap(), "application/pdf");
        let code = |r: Result<&str, ValidationError>| r.unwrap_err().errors[0].code.clone();
        assert_eq!(code(check_attachment("photo.jpg", b"MZ\x90\x00 not a photo")), "forbidden_type");
        assert_eq!(code(check_attachment("../etc/passwd", b"%PDF-1.7")), "invalid_file_name");
        let big = [b"%PDF-".as_slice(), &vec![0; MAX_ATTACHMENT_BYTES]].concat();
        assert_eq!(code(check_attachment("big.pdf", &big)), "file_too_large");
    }

    #[test]
    fn escalation_rises_with_working_days_overdue() {
        let cal = WorkingCalendar::new(Vec::new());
        let mut e = Event {
            id: EventId(1),
            county_code: "340621".into(),
            town_code: "340621104".into(),
            division_code: "340621104".into(),
            tracking_number: "SJ1".into(),
            source: Source::Patrol,
            category: Category::Safety,
            title: "t".into(),
            description: String::new(),
            address: String::new(),
            lon: None,
            lat: None,
            reporter_name: String::new(),
            reporter_phone: String::new(),
            state: EventState::Dispatched,
            office: Some("执法队".into()),
            dispatched_on: Some("2022-05-05".into()),
            due_on: Some("2022-05-06".into()),
            paused_on: None,
            extra_days: 0,
            resolved_on: None,
            closed_on: None,
            merged_into: None,
            satisfied: None,
            escalation: 0,
            escalated_on: None,
            created_by: "x".into(),
            created_at: "2022-05-05T00:00:00Z".into(),
        };
        // Due Friday 6 May: on time that day, the town's leadership on Monday and Tuesday
        // (one and two working days over), the county from Wednesday.
        assert_eq!(e.escalation_due(&cal, date!(2022 - 05 - 06)), 0);
        assert_eq!(e.escalation_due(&cal, date!(2022 - 05 - 08)), 1);
        assert_eq!(e.escalation_due(&cal, date!(2022 - 05 - 10)), 1);
        assert_eq!(e.escalation_due(&cal, date!(2022 - 05 - 11)), 2);
        e.paused_on = Some("2022-05-07".into());
        assert_eq!(e.escalation_due(&cal, date!(2022 - 05 - 11)), 0, "a paused clock does not escalate");
    }

    #[test]
    fn points_phones_and_distances() {
        assert!(check_point(116.7, 33.6).is_ok());
        assert!(check_point(200.0, 33.6).is_err());
        assert!(check_phone("138 0000 1234").is_ok());
        assert!(check_phone("2380000123").is_err());
        let d = distance_m((116.700, 33.600), (116.701, 33.600));
        assert!((d - 92.6).abs() < 1.0, "{d}");
    }
}
