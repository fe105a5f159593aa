//! A warning as a CAP 1.2 message and back: the identifier in the GB/T 35965.1 style
//! (`ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N`: the issuing division, organisation, unit and
//! extension codes, the Beijing time of issue and a sequence digit), an information block
//! in Chinese as the bureaus wrote it and one in English made from its fields, and the
//! area's divisions as GB/T 2260 geocodes.

use grassroots_domain::ValidationError;
use grassroots_domain::core::time::{SHANGHAI, from_stored, to_stored};
use grassroots_domain::warning::{Level, LevelRule, MessageType, Warning};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::cap::{Alert, Area, Info};

/// The geocode name of a Chinese administrative division code.
pub const GEOCODE: &str = "GB/T 2260";
pub const EVENT_ZH: &str = "地质灾害气象风险预警";
pub const EVENT_EN: &str = "Geological hazard weather risk warning";

/// An instant in CAP's form, Beijing time: `2022-06-08T20:00:00+08:00`.
pub fn cap_time(stored: &str) -> String {
    const CAP: &[time::format_description::BorrowedFormatItem<'static>] = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory]:[offset_minute]"
    );
    from_stored(stored).and_then(|t| t.to_offset(SHANGHAI).format(CAP).ok()).unwrap_or_else(|| stored.to_owned())
}

/// A CAP instant in the stored form (UTC). `-00:00` (offset unknown) is read as UTC.
pub fn stored_time(cap: &str) -> Option<String> {
    let s = cap.trim();
    let s = s.strip_suffix("-00:00").map(|h| format!("{h}+00:00")).unwrap_or_else(|| s.to_owned());
    OffsetDateTime::parse(&s, &Rfc3339).ok().map(to_stored)
}

/// The identifier's stem for a publication by `division` at `sent`:
/// `350802` + `000000` + `00` + `_20220608183000_`; the sequence digit follows.
pub fn identifier_stem(division: &str, sent: &str) -> String {
    const STAMP: &[time::format_description::BorrowedFormatItem<'static>] =
        time::macros::format_description!("[year][month][day][hour][minute][second]");
    let stamp = from_stored(sent).and_then(|t| t.to_offset(SHANGHAI).format(STAMP).ok()).unwrap_or_default();
    let zone: String = division.chars().take(6).collect();
    format!("{zone:0<6}00000000_{stamp}_")
}

/// Names of the area's divisions, in the order of the warning.
pub type AreaNames = Vec<(String, String)>;

/// The earlier message an update or cancel replaces: (sender, identifier, sent).
pub type Reference = (String, String, String);

/// The CAP message of a published warning.
pub fn alert(w: &Warning, rule: &LevelRule, areas: &AreaNames, reference: Option<&Reference>) -> Alert {
    let sent = w.sent.as_deref().map(cap_time).unwrap_or_default();
    let names_zh: Vec<&str> = areas.iter().map(|(_, n)| n.as_str()).collect();
    let cancel = w.msg_type == MessageType::Cancel;
    let response = if cancel {
        vec!["AllClear"]
    } else {
        match w.level {
            Level::Red => vec!["Evacuate", "Monitor"],
            Level::Orange => vec!["Prepare", "Monitor"],
            Level::Yellow | Level::Blue => vec!["Monitor"],
        }
    };
    let urgency = if w.sent.as_deref().is_some_and(|s| s >= w.onset.as_str()) { "Immediate" } else { "Expected" };
    let senders = [Some(w.drafting_body.as_str()), w.cosigning_body.as_deref()];
    let sender_name: Vec<&str> = senders.into_iter().flatten().collect();
    let area = Area {
        area_desc: names_zh.join("、"),
        polygons: w.polygon.iter().cloned().collect(),
        geocodes: areas.iter().map(|(code, _)| (GEOCODE.to_owned(), code.clone())).collect(),
    };
    let info = |zh: bool| Info {
        language: if zh { "zh-CN" } else { "en-US" }.into(),
        categories: vec!["Geo".into(), "Met".into()],
        event: if zh { EVENT_ZH } else { EVENT_EN }.into(),
        response_types: response.iter().map(|r| (*r).to_owned()).collect(),
        urgency: urgency.into(),
        severity: w.level.severity().into(),
        certainty: "Likely".into(),
        effective: Some(sent.clone()),
        onset: Some(cap_time(&w.onset)),
        expires: Some(cap_time(&w.expires)),
        sender_name: Some(sender_name.join("、")),
        headline: Some(if zh { w.headline.clone() } else { headline_en(w, areas.len()) }),
        description: Some(if zh { w.description.clone() } else { description_en(w) }),
        instruction: Some(if zh {
            w.instruction.clone()
        } else if cancel {
            "The warning is lifted.".into()
        } else {
            let mut a = rule.actions(false);
            if let Some(first) = a.first_mut() {
                *first = capitalised(first);
            }
            format!("{}.", a.join("; "))
        }),
        parameters: vec![
            (if zh { "预警颜色" } else { "Color" }.into(), w.level.colour(zh).into()),
            (if zh { "预警级别" } else { "Level" }.into(), w.level.label(zh).into()),
        ],
        areas: vec![area.clone()],
        ..Default::default()
    };
    Alert {
        identifier: w.identifier.clone().unwrap_or_default(),
        sender: w.sender.clone(),
        sent: sent.clone(),
        status: "Actual".into(),
        msg_type: w.msg_type.as_str().into(),
        scope: "Public".into(),
        references: reference.map(|(s, i, t)| format!("{s},{i},{}", cap_time(t))),
        infos: vec![info(true), info(false)],
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

fn headline_en(w: &Warning, areas: usize) -> String {
    let what = match w.msg_type {
        MessageType::Cancel => "lifted",
        MessageType::Update => "updated",
        MessageType::Alert => "issued",
    };
    let level = capitalised(w.level.label_en());
    format!("{level} {} {what} for {areas} division(s)", EVENT_EN.to_lowercase())
}

fn description_en(w: &Warning) -> String {
    format!(
        "Geological hazards (landslides, collapses, debris flows) are likely in the area from {} to {}, Beijing time.",
        cap_time(&w.onset),
        cap_time(&w.expires)
    )
}

/// What an imported message says, in the terms of a warning.
#[derive(Debug, Clone)]
pub struct Received {
    pub identifier: String,
    pub sender: String,
    pub sent: String,
    pub msg_type: MessageType,
    /// (sender, identifier) of each message it replaces.
    pub references: Vec<(String, String)>,
    pub level: Level,
    pub headline: String,
    pub description: String,
    pub instruction: String,
    pub sender_name: String,
    pub onset: String,
    pub expires: String,
    /// GB/T 2260 codes of its areas, when it carries any.
    pub division_codes: Vec<String>,
    pub polygon: Option<String>,
}

/// Reads a checked CAP message as a warning: the Chinese block if there is one, else the
/// first. The level is the colour parameter, else the severity (an unknown severity is
/// taken for blue, the lowest). Without onset or expiry: from `sent` for 24 hours.
pub fn received(a: &Alert) -> Result<Received, ValidationError> {
    if a.status != "Actual" {
        return Err(ValidationError::new(
            "alert/status",
            "not_actual",
            format!("only actual warnings are imported; this one is “{}”", a.status),
        ));
    }
    let msg_type = match a.msg_type.as_str() {
        "Alert" => MessageType::Alert,
        "Update" => MessageType::Update,
        "Cancel" => MessageType::Cancel,
        other => {
            return Err(ValidationError::new(
                "alert/msgType",
                "not_a_warning",
                format!("“{other}” messages are not warnings; alerts, updates and cancels are imported"),
            ));
        }
    };
    let Some(info) = a.infos.iter().find(|i| i.language.starts_with("zh")).or(a.infos.first()) else {
        return Err(ValidationError::new("alert/info", "missing_element", "a warning needs an info block"));
    };
    let bad_time = |at: &str| ValidationError::new(at, "invalid_datetime", "not a date and time with an offset");
    let sent = stored_time(&a.sent).ok_or_else(|| bad_time("alert/sent"))?;
    let colour = info.parameters.iter().find(|(k, _)| matches!(k.as_str(), "Color" | "Colour" | "预警颜色" | "颜色"));
    let level = colour
        .and_then(|(_, v)| Level::from_colour(v))
        .or_else(|| Level::from_severity(&info.severity))
        .unwrap_or(Level::Blue);
    let onset = match info.onset.as_deref().or(info.effective.as_deref()) {
        Some(t) => stored_time(t).ok_or_else(|| bad_time("alert/info/onset"))?,
        None => sent.clone(),
    };
    let expires = match info.expires.as_deref() {
        Some(t) => stored_time(t).ok_or_else(|| bad_time("alert/info/expires"))?,
        None => from_stored(&onset).map(|t| to_stored(t + time::Duration::hours(24))).unwrap_or_default(),
    };
    let division_codes = info
        .areas
        .iter()
        .flat_map(|area| area.geocodes.iter())
        .filter(|(k, v)| k == GEOCODE && v.len() >= 6 && v.chars().all(|c| c.is_ascii_digit()))
        .map(|(_, v)| v.clone())
        .collect();
    let references = a
        .references
        .as_deref()
        .unwrap_or("")
        .split_whitespace()
        .filter_map(|r| {
            let mut parts = r.split(',');
            Some((parts.next()?.to_owned(), parts.next()?.to_owned()))
        })
        .collect();
    Ok(Received {
        identifier: a.identifier.clone(),
        sender: a.sender.clone(),
        sent,
        msg_type,
        references,
        level,
        headline: info.headline.clone().unwrap_or_else(|| info.event.clone()),
        description: info.description.clone().unwrap_or_default(),
        instruction: info.instruction.clone().unwrap_or_default(),
        sender_name: info.sender_name.clone().unwrap_or_else(|| a.sender.clone()),
        onset,
        expires,
        division_codes,
        polygon: info.areas.iter().flat_map(|area| area.polygons.iter()).next().cloned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_beijing_with_the_offset_written_out() {
        assert_eq!(cap_time("2022-06-08T12:00:00.000000Z"), "2022-06-08T20:00:00+08:00");
        assert_eq!(stored_time("2022-06-08T20:00:00+08:00").unwrap(), "2022-06-08T12:00:00.000000Z");
        assert_eq!(stored_time("2021-09-12T18:00:00-00:00").unwrap(), "2021-09-12T18:00:00.000000Z");
        assert!(stored_time("2022-06-08 20:00").is_none());
    }

    #[test]
    fn identifier_in_the_national_style() {
        let stem = identifier_stem("350802", "2022-06-08T10:30:00.000000Z");
        assert_eq!(format!("{stem}0"), "35080200000000_20220608183000_0");
        assert_eq!(format!("{stem}0").len(), 31);
    }
}
