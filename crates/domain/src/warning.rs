//! Geological-hazard weather warnings (地质灾害气象风险预警): the hazard points they are about,
//! the warning as two bureaus issue it together (地质灾害防治条例 第十七条: the natural
//! resources department with the meteorological authority), and its relay to every town,
//! village and hazard monitor of its area, each of whom acknowledges it.

use serde::{Deserialize, Serialize};

use crate::ValidationError;

crate::named_enum! {
    pub HazardKind ("kind", "invalid_hazard_kind") {
        Landslide = ("landslide", "滑坡", "landslide"),
        Collapse = ("collapse", "崩塌", "collapse"),
        DebrisFlow = ("debris_flow", "泥石流", "debris flow"),
        Subsidence = ("subsidence", "地面塌陷", "ground subsidence"),
        Fissure = ("fissure", "地裂缝", "ground fissure"),
    }
}

crate::named_enum! {
    /// Scale as the hazard surveys grade it (by volume or by people and property threatened).
    pub HazardScale ("scale", "invalid_hazard_scale") {
        Small = ("small", "小型", "small"),
        Medium = ("medium", "中型", "medium"),
        Large = ("large", "大型", "large"),
        Huge = ("huge", "特大型", "huge"),
    }
}

crate::typed_id! {
    pub HazardPointId
}

crate::typed_id! {
    pub WarningId
}

crate::typed_id! {
    pub NoticeId
}

/// The person who watches a hazard point. `username` links a user who acknowledges in the
/// app; every monitor can acknowledge by the link in the text message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Monitor {
    #[serde(default)]
    pub id: i64,
    pub name: String,
    pub phone: String,
    #[serde(default)]
    pub username: Option<String>,
}

/// A known hazard site (隐患点) in a village.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct HazardPoint {
    pub id: HazardPointId,
    pub county_code: String,
    pub town_code: String,
    /// The village the point is in.
    pub division_code: String,
    /// The survey's number of the point, unique.
    pub number: String,
    pub name: String,
    pub kind: HazardKind,
    pub scale: HazardScale,
    /// WGS84.
    pub lon: f64,
    pub lat: f64,
    pub households: i64,
    pub people: i64,
    pub shelter: String,
    pub route: String,
    pub monitors: Vec<Monitor>,
}

crate::named_enum! {
    /// 突发事件应对法: 一级 is the highest.
    #[schema(as = WarningLevel)]
    pub Level ("level", "invalid_level") {
        Red = ("red", "红色（Ⅰ级）", "red (level I)"),
        Orange = ("orange", "橙色（Ⅱ级）", "orange (level II)"),
        Yellow = ("yellow", "黄色（Ⅲ级）", "yellow (level III)"),
        Blue = ("blue", "蓝色（Ⅳ级）", "blue (level IV)"),
    }
}

impl Level {
    /// CAP severity by the usual convention (红 Extreme … 蓝 Minor).
    pub fn severity(self) -> &'static str {
        match self {
            Level::Red => "Extreme",
            Level::Orange => "Severe",
            Level::Yellow => "Moderate",
            Level::Blue => "Minor",
        }
    }

    pub fn from_severity(s: &str) -> Option<Level> {
        Level::ALL.iter().copied().find(|l| l.severity() == s)
    }

    /// The colour word, as CAP parameters and Chinese headlines carry it.
    pub fn colour(self, zh: bool) -> &'static str {
        match (self, zh) {
            (Level::Red, true) => "红色",
            (Level::Orange, true) => "橙色",
            (Level::Yellow, true) => "黄色",
            (Level::Blue, true) => "蓝色",
            (Level::Red, false) => "Red",
            (Level::Orange, false) => "Orange",
            (Level::Yellow, false) => "Yellow",
            (Level::Blue, false) => "Blue",
        }
    }

    pub fn from_colour(s: &str) -> Option<Level> {
        let s = s.trim();
        Level::ALL.iter().copied().find(|l| l.colour(true) == s || l.colour(false).eq_ignore_ascii_case(s))
    }
}

/// What a level requires of the towns, villages and monitors it reaches. Each county may
/// set its own; [`LevelRule::default_for`] is what it starts with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LevelRule {
    pub level: Level,
    /// Every point in the area is patrolled within this many hours (0: no patrol asked).
    pub patrol_within_hours: i64,
    /// Evacuation is readied (people told, shelters opened).
    pub ready_evacuation: bool,
    /// The people threatened are evacuated.
    pub evacuate: bool,
    /// Minutes of silence before a recipient's notice goes to the town's command center;
    /// as many again, to the county.
    pub acknowledge_within_minutes: i64,
}

impl LevelRule {
    pub fn default_for(level: Level) -> LevelRule {
        let (patrol, ready, evacuate, minutes) = match level {
            Level::Red => (1, true, true, 15),
            Level::Orange => (2, true, false, 30),
            Level::Yellow => (6, false, false, 60),
            Level::Blue => (0, false, false, 120),
        };
        LevelRule {
            level,
            patrol_within_hours: patrol,
            ready_evacuation: ready,
            evacuate,
            acknowledge_within_minutes: minutes,
        }
    }

    pub fn check(&self) -> Result<(), ValidationError> {
        let mut e = ValidationError::default();
        if !(0..=72).contains(&self.patrol_within_hours) {
            e.push("patrol_within_hours", "out_of_range", "0 to 72 hours");
        }
        if !(1..=1440).contains(&self.acknowledge_within_minutes) {
            e.push("acknowledge_within_minutes", "out_of_range", "1 to 1,440 minutes");
        }
        e.into_result()
    }

    /// The actions in words, as the warning's instruction lists them.
    pub fn actions(&self, zh: bool) -> Vec<String> {
        let mut out = Vec::new();
        if self.patrol_within_hours > 0 {
            out.push(if zh {
                format!("{} 小时内巡查预警区域内全部隐患点", self.patrol_within_hours)
            } else {
                format!("patrol every hazard point of the area within {} hours", self.patrol_within_hours)
            });
        }
        if self.evacuate {
            out.push(if zh { "组织受威胁群众撤离".into() } else { "evacuate the people threatened".into() });
        } else if self.ready_evacuation {
            out.push(if zh { "做好人员撤离准备".into() } else { "be ready to evacuate".into() });
        }
        out.push(if zh {
            format!("{} 分钟内确认收到", self.acknowledge_within_minutes)
        } else {
            format!("acknowledge within {} minutes", self.acknowledge_within_minutes)
        });
        out
    }
}

crate::named_enum! {
    /// The CAP message type of a warning.
    pub MessageType ("msg_type", "invalid_msg_type") {
        Alert = ("Alert", "发布", "alert"),
        Update = ("Update", "更新", "update"),
        Cancel = ("Cancel", "解除", "cancel"),
    }
}

crate::named_enum! {
    /// draft → published (by the co-signature); a published warning is superseded by its
    /// update or cancelled by its cancel. Imported warnings are published as received.
    pub WarningState ("state", "invalid_warning_state") {
        Draft = ("draft", "待会签", "awaiting co-signature"),
        Published = ("published", "已发布", "published"),
        Superseded = ("superseded", "已更新", "superseded"),
        Cancelled = ("cancelled", "已解除", "cancelled"),
        Withdrawn = ("withdrawn", "已撤回", "withdrawn"),
    }
}

crate::named_enum! {
    pub Origin ("origin", "invalid_origin") {
        Issued = ("issued", "本地发布", "issued here"),
        Imported = ("imported", "外部导入", "imported"),
    }
}

/// A warning as stored. Instants are stored in UTC (see [`crate::core::time`]).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Warning {
    pub id: WarningId,
    /// The division of the issuing bureaus (a county, or higher): the area lies within it.
    pub division_code: String,
    pub origin: Origin,
    /// The CAP identifier, given at publication.
    pub identifier: Option<String>,
    pub sender: String,
    pub msg_type: MessageType,
    /// The warning an update or cancel replaces.
    pub references: Option<WarningId>,
    pub level: Level,
    pub headline: String,
    pub description: String,
    pub instruction: String,
    pub onset: String,
    pub expires: String,
    /// Division codes of the area (towns or villages); every one within `division_code`.
    pub areas: Vec<String>,
    /// An optional CAP polygon, `lat,lon lat,lon …`, closed.
    pub polygon: Option<String>,
    pub state: WarningState,
    pub drafted_by: String,
    pub drafting_body: String,
    pub cosigned_by: Option<String>,
    pub cosigning_body: Option<String>,
    /// When it was published (the CAP `sent`).
    pub sent: Option<String>,
    pub created_at: String,
}

impl Warning {
    /// Published and not yet expired at `now` (stored form).
    pub fn active(&self, now: &str) -> bool {
        self.state == WarningState::Published && self.msg_type != MessageType::Cancel && self.expires.as_str() > now
    }
}

crate::named_enum! {
    pub RecipientKind ("kind", "invalid_recipient_kind") {
        Town = ("town", "乡镇", "town"),
        Village = ("village", "村（社区）", "village"),
        Monitor = ("monitor", "群测群防员", "hazard monitor"),
    }
}

/// One recipient's notice of a warning: told once, acknowledged once.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Notice {
    pub id: NoticeId,
    pub warning_id: WarningId,
    pub kind: RecipientKind,
    pub town_code: String,
    /// The town, or the village (of the monitor's point).
    pub division_code: String,
    /// The recipient in words: the town's or village's name, or the monitor's.
    pub name: String,
    pub monitor_id: Option<i64>,
    pub point_id: Option<HazardPointId>,
    pub notified_at: String,
    pub acknowledged_at: Option<String>,
    pub acknowledged_by: Option<String>,
    /// 0 not escalated; 1 to the town's command center; 2 to the county.
    pub escalation: i64,
    pub escalated_at: Option<String>,
}

/// What a monitor (or the village) found on patrol of a point under a warning.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Patrol {
    pub id: i64,
    pub warning_id: WarningId,
    pub point_id: HazardPointId,
    /// Signs of danger seen (cracks, bulging, muddy springs, falling stones).
    pub danger_found: bool,
    pub finding: String,
    /// People moved to the shelter.
    pub evacuated: i64,
    pub reported_by: String,
    pub reported_at: String,
}

/// A subscription: the warnings whose area meets `division_code` are posted to `url`,
/// signed with the secret (HMAC-SHA256 of the body), which is never shown again.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Webhook {
    pub id: i64,
    pub division_code: String,
    pub url: String,
    #[serde(skip)]
    pub secret: String,
    pub active: bool,
    pub created_by: String,
    pub created_at: String,
}

/// Checks the fields of a hazard point as typed or imported; `field` errors name the field.
pub fn check_point_fields(p: &HazardPoint) -> Result<(), ValidationError> {
    let mut e = ValidationError::default();
    if p.number.trim().is_empty() || p.number.chars().count() > 40 {
        e.push("number", "required", "the point's survey number, at most 40 characters");
    }
    if p.name.trim().is_empty() || p.name.chars().count() > 200 {
        e.push("name", "required", "the point's name, at most 200 characters");
    }
    if let Err(bad) = crate::command::check_point(p.lon, p.lat) {
        e.errors.extend(bad.errors);
    }
    if p.households < 0 || p.households > p.people {
        e.push(
            "people",
            "invalid_count",
            "households and people threatened are counts, no more households than people",
        );
    }
    if p.shelter.chars().count() > 500 || p.route.chars().count() > 500 {
        e.push("shelter", "too_long", "the shelter and the route have at most 500 characters each");
    }
    for (i, m) in p.monitors.iter().enumerate() {
        if m.name.trim().is_empty() {
            e.push(format!("monitors[{i}].name"), "required", "the monitor's name");
        }
        if crate::command::check_phone(&m.phone).is_err() {
            e.push(format!("monitors[{i}].phone"), "invalid_phone", "an 11-digit mobile number");
        }
    }
    e.into_result()
}

/// Median and 90th percentile of sorted values (nearest rank), or none when empty.
pub fn median_p90(sorted: &[i64]) -> (Option<i64>, Option<i64>) {
    let rank = |q: f64| {
        let n = sorted.len();
        (n > 0).then(|| sorted[((q * n as f64).ceil() as usize).clamp(1, n) - 1])
    };
    (rank(0.5), rank(0.9))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_map_to_cap_severity_and_back() {
        for l in Level::ALL {
            assert_eq!(Level::from_severity(l.severity()), Some(*l));
            assert_eq!(Level::from_colour(l.colour(true)), Some(*l));
            assert_eq!(Level::from_colour(&l.colour(false).to_lowercase()), Some(*l));
        }
        assert_eq!("橙色（Ⅱ级）".parse::<Level>().unwrap(), Level::Orange);
    }

    #[test]
    fn orange_asks_patrols_and_readiness_red_evacuation() {
        let orange = LevelRule::default_for(Level::Orange);
        assert!(orange.actions(true).iter().any(|a| a.contains("巡查")));
        assert!(orange.actions(true).iter().any(|a| a.contains("撤离准备")));
        assert!(LevelRule::default_for(Level::Red).actions(false).iter().any(|a| a.starts_with("evacuate")));
        assert!(LevelRule { acknowledge_within_minutes: 0, ..orange }.check().is_err());
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        assert_eq!(median_p90(&[]), (None, None));
        assert_eq!(median_p90(&[7]), (Some(7), Some(7)));
        let v: Vec<i64> = (1..=10).collect();
        assert_eq!(median_p90(&v), (Some(5), Some(9)));
    }
}
