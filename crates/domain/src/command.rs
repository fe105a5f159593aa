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
    pub created_by: String,
    pub created_at: String,
}

impl Event {
    /// Open past its deadline on `today`.
    pub fn overdue(&self, today: &str) -> bool {
        self.state.is_open() && self.paused_on.is_none() && self.due_on.as_deref().is_some_and(|d| d < today)
    }
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
    fn points_phones_and_distances() {
        assert!(check_point(116.7, 33.6).is_ok());
        assert!(check_point(200.0, 33.6).is_err());
        assert!(check_phone("138 0000 1234").is_ok());
        assert!(check_phone("2380000123").is_err());
        let d = distance_m((116.700, 33.600), (116.701, 33.600));
        assert!((d - 92.6).abs() < 1.0, "{d}");
    }
}
