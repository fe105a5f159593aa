//! CAP 1.2 (OASIS Common Alerting Protocol): warnings read from elsewhere, checked against
//! the rules of the schema with errors that name the element, and written in the schema's
//! element order. The date-time rule of the schema is strict: an offset written out
//! (`+08:00`), never `Z`.

use grassroots_domain::ValidationError;

pub const NAMESPACE: &str = "urn:oasis:names:tc:emergency:cap:1.2";

const STATUS: &[&str] = &["Actual", "Exercise", "System", "Test", "Draft"];
const MSG_TYPE: &[&str] = &["Alert", "Update", "Cancel", "Ack", "Error"];
const SCOPE: &[&str] = &["Public", "Restricted", "Private"];
const CATEGORY: &[&str] =
    &["Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env", "Transport", "Infra", "CBRNE", "Other"];
const RESPONSE_TYPE: &[&str] =
    &["Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor", "Assess", "AllClear", "None"];
const URGENCY: &[&str] = &["Immediate", "Expected", "Future", "Past", "Unknown"];
const SEVERITY: &[&str] = &["Extreme", "Severe", "Moderate", "Minor", "Unknown"];
const CERTAINTY: &[&str] = &["Observed", "Likely", "Possible", "Unlikely", "Unknown"];

/// A name and a value: CAP's eventCode, parameter and geocode.
pub type Pair = (String, String);

/// One CAP message.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Alert {
    pub identifier: String,
    pub sender: String,
    pub sent: String,
    pub status: String,
    pub msg_type: String,
    pub scope: String,
    /// Earlier messages an update or cancellation refers to: `sender,identifier,sent` each.
    pub references: Option<String>,
    pub infos: Vec<Info>,
}

/// One language's account of the warning.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Info {
    pub language: String,
    pub categories: Vec<String>,
    pub event: String,
    pub response_types: Vec<String>,
    pub urgency: String,
    pub severity: String,
    pub certainty: String,
    pub event_codes: Vec<Pair>,
    pub effective: Option<String>,
    pub onset: Option<String>,
    pub expires: Option<String>,
    pub sender_name: Option<String>,
    pub headline: Option<String>,
    pub description: Option<String>,
    pub instruction: Option<String>,
    pub parameters: Vec<Pair>,
    pub areas: Vec<Area>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Area {
    pub area_desc: String,
    /// Closed rings of `lat,lon` pairs separated by spaces (WGS84).
    pub polygons: Vec<String>,
    pub geocodes: Vec<Pair>,
}

/// Whether `s` is a CAP date-time: `YYYY-MM-DDThh:mm:ss±hh:mm`, the offset written out.
pub fn is_cap_datetime(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| r.into_iter().all(|i| b[i].is_ascii_digit());
    b.len() == 25
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
        && matches!(b[19], b'+' | b'-')
        && digits(20..22)
        && b[22] == b':'
        && digits(23..25)
}

/// Checks a polygon: at least four `lat,lon` points in range, the last the same as the first.
pub fn check_polygon(polygon: &str, at: &str) -> Result<(), ValidationError> {
    let points: Vec<&str> = polygon.split_whitespace().collect();
    let parsed: Option<Vec<(f64, f64)>> = points
        .iter()
        .map(|p| {
            let (lat, lon) = p.split_once(',')?;
            Some((lat.parse().ok()?, lon.parse().ok()?))
        })
        .collect();
    let Some(parsed) = parsed.filter(|v| v.iter().all(|(lat, lon)| lat.abs() <= 90.0 && lon.abs() <= 180.0)) else {
        return Err(ValidationError::new(at, "invalid_polygon", "a polygon is “lat,lon” pairs separated by spaces"));
    };
    if parsed.len() < 4 || parsed.first() != parsed.last() {
        return Err(ValidationError::new(
            at,
            "polygon_not_closed",
            "a polygon has at least four points and ends where it begins",
        ));
    }
    Ok(())
}

/// Reads and checks a CAP 1.2 message. Every fault is listed with the element it is in,
/// e.g. `alert/info[1]/onset`.
pub fn parse(xml: &str) -> Result<Alert, ValidationError> {
    let doc = roxmltree::Document::parse(xml)
        .map_err(|e| ValidationError::new("document", "malformed_xml", format!("not well-formed XML: {e}")))?;
    let root = doc.root_element();
    if root.tag_name().name() != "alert" {
        return Err(ValidationError::new(
            root.tag_name().name(),
            "not_cap",
            "the document's root element is not <alert>",
        ));
    }
    if root.tag_name().namespace() != Some(NAMESPACE) {
        let found = root.tag_name().namespace().unwrap_or("none");
        return Err(ValidationError::new(
            "alert",
            "not_cap_1_2",
            format!("the namespace is {found}, not CAP 1.2's {NAMESPACE}"),
        ));
    }
    let mut e = ValidationError::default();
    let text = |n: &roxmltree::Node| n.text().unwrap_or("").trim().to_owned();
    let alert_children = children(root);
    // The schema's sequence: every element in its place, the required ones present.
    let one = |nodes: &[roxmltree::Node], name: &str, at: &str, e: &mut ValidationError| -> Option<String> {
        let found: Vec<_> = nodes.iter().filter(|n| n.tag_name().name() == name).collect();
        match found.as_slice() {
            [] => {
                e.push(format!("{at}/{name}"), "missing_element", format!("<{name}> is required"));
                None
            }
            [n] => Some(text(n)),
            _ => {
                e.push(format!("{at}/{name}"), "repeated_element", format!("<{name}> appears more than once"));
                None
            }
        }
    };
    let optional = |nodes: &[roxmltree::Node], name: &str| -> Option<String> {
        nodes.iter().find(|n| n.tag_name().name() == name).map(text)
    };
    let all = |nodes: &[roxmltree::Node], name: &str| -> Vec<String> {
        nodes.iter().filter(|n| n.tag_name().name() == name).map(text).collect()
    };
    let pairs = |nodes: &[roxmltree::Node], name: &str| -> Vec<Pair> {
        nodes
            .iter()
            .filter(|n| n.tag_name().name() == name)
            .map(|n| {
                let kids = children(*n);
                let get = |k: &str| kids.iter().find(|c| c.tag_name().name() == k).map(text).unwrap_or_default();
                (get("valueName"), get("value"))
            })
            .collect()
    };
    let allowed = |value: &str, set: &[&str], at: String, e: &mut ValidationError| {
        if !set.contains(&value) {
            e.push(at, "invalid_value", format!("“{value}” is not one of {}", set.join(", ")));
        }
    };
    let when = |value: &Option<String>, at: String, e: &mut ValidationError| {
        if let Some(v) = value.as_deref().filter(|v| !is_cap_datetime(v)) {
            e.push(at, "invalid_datetime", format!("“{v}” is not YYYY-MM-DDThh:mm:ss±hh:mm (CAP forbids Z)"));
        }
    };
    let mut alert = Alert {
        identifier: one(&alert_children, "identifier", "alert", &mut e).unwrap_or_default(),
        sender: one(&alert_children, "sender", "alert", &mut e).unwrap_or_default(),
        sent: one(&alert_children, "sent", "alert", &mut e).unwrap_or_default(),
        status: one(&alert_children, "status", "alert", &mut e).unwrap_or_default(),
        msg_type: one(&alert_children, "msgType", "alert", &mut e).unwrap_or_default(),
        scope: one(&alert_children, "scope", "alert", &mut e).unwrap_or_default(),
        references: optional(&alert_children, "references"),
        infos: Vec::new(),
    };
    when(&Some(alert.sent.clone()).filter(|s| !s.is_empty()), "alert/sent".into(), &mut e);
    allowed(&alert.status, STATUS, "alert/status".into(), &mut e);
    allowed(&alert.msg_type, MSG_TYPE, "alert/msgType".into(), &mut e);
    allowed(&alert.scope, SCOPE, "alert/scope".into(), &mut e);
    if matches!(alert.msg_type.as_str(), "Update" | "Cancel") && alert.references.is_none() {
        e.push("alert/references", "missing_element", "an update or cancellation names the message it refers to");
    }
    for (i, info) in alert_children.iter().filter(|n| n.tag_name().name() == "info").enumerate() {
        let at = format!("alert/info[{}]", i + 1);
        let kids = children(*info);
        let mut parsed = Info {
            language: optional(&kids, "language").unwrap_or_else(|| "en-US".into()),
            categories: all(&kids, "category"),
            event: one(&kids, "event", &at, &mut e).unwrap_or_default(),
            response_types: all(&kids, "responseType"),
            urgency: one(&kids, "urgency", &at, &mut e).unwrap_or_default(),
            severity: one(&kids, "severity", &at, &mut e).unwrap_or_default(),
            certainty: one(&kids, "certainty", &at, &mut e).unwrap_or_default(),
            event_codes: pairs(&kids, "eventCode"),
            effective: optional(&kids, "effective"),
            onset: optional(&kids, "onset"),
            expires: optional(&kids, "expires"),
            sender_name: optional(&kids, "senderName"),
            headline: optional(&kids, "headline"),
            description: optional(&kids, "description"),
            instruction: optional(&kids, "instruction"),
            parameters: pairs(&kids, "parameter"),
            areas: Vec::new(),
        };
        if parsed.categories.is_empty() {
            e.push(format!("{at}/category"), "missing_element", "<category> is required");
        }
        for c in &parsed.categories {
            allowed(c, CATEGORY, format!("{at}/category"), &mut e);
        }
        for r in &parsed.response_types {
            allowed(r, RESPONSE_TYPE, format!("{at}/responseType"), &mut e);
        }
        allowed(&parsed.urgency, URGENCY, format!("{at}/urgency"), &mut e);
        allowed(&parsed.severity, SEVERITY, format!("{at}/severity"), &mut e);
        allowed(&parsed.certainty, CERTAINTY, format!("{at}/certainty"), &mut e);
        for (name, value) in [("effective", &parsed.effective), ("onset", &parsed.onset), ("expires", &parsed.expires)]
        {
            when(value, format!("{at}/{name}"), &mut e);
        }
        let instant = |v: &Option<String>| {
            v.as_deref()
                .and_then(|v| time::OffsetDateTime::parse(v, &time::format_description::well_known::Rfc3339).ok())
        };
        if let (Some(onset), Some(expires)) = (instant(&parsed.onset), instant(&parsed.expires))
            && expires <= onset
        {
            e.push(format!("{at}/expires"), "expires_before_onset", "a warning expires after its onset");
        }
        for (j, area) in kids.iter().filter(|n| n.tag_name().name() == "area").enumerate() {
            let at = format!("{at}/area[{}]", j + 1);
            let area_kids = children(*area);
            let a = Area {
                area_desc: one(&area_kids, "areaDesc", &at, &mut e).unwrap_or_default(),
                polygons: all(&area_kids, "polygon"),
                geocodes: pairs(&area_kids, "geocode"),
            };
            for (k, p) in a.polygons.iter().enumerate() {
                if let Err(bad) = check_polygon(p, &format!("{at}/polygon[{}]", k + 1)) {
                    e.errors.extend(bad.errors);
                }
            }
            parsed.areas.push(a);
        }
        alert.infos.push(parsed);
    }
    e.into_result()?;
    Ok(alert)
}

/// The CAP elements under a node (anything of another namespace, e.g. a signature, aside).
fn children<'a, 'i>(n: roxmltree::Node<'a, 'i>) -> Vec<roxmltree::Node<'a, 'i>> {
    n.children().filter(|c| c.is_element() && c.tag_name().namespace() == Some(NAMESPACE)).collect()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The message as CAP 1.2 XML, in the schema's element order.
pub fn write(a: &Alert) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!("<alert xmlns=\"{NAMESPACE}\">\n"));
    let el = |out: &mut String, indent: usize, name: &str, value: &str| {
        out.push_str(&format!("{}<{name}>{}</{name}>\n", "  ".repeat(indent), escape(value)));
    };
    let pair = |out: &mut String, indent: usize, name: &str, (k, v): &Pair| {
        let pad = "  ".repeat(indent);
        out.push_str(&format!(
            "{pad}<{name}>\n{pad}  <valueName>{}</valueName>\n{pad}  <value>{}</value>\n{pad}</{name}>\n",
            escape(k),
            escape(v)
        ));
    };
    for (name, value) in [
        ("identifier", &a.identifier),
        ("sender", &a.sender),
        ("sent", &a.sent),
        ("status", &a.status),
        ("msgType", &a.msg_type),
        ("scope", &a.scope),
    ] {
        el(&mut out, 1, name, value);
    }
    if let Some(r) = &a.references {
        el(&mut out, 1, "references", r);
    }
    for i in &a.infos {
        out.push_str("  <info>\n");
        el(&mut out, 2, "language", &i.language);
        for c in &i.categories {
            el(&mut out, 2, "category", c);
        }
        el(&mut out, 2, "event", &i.event);
        for r in &i.response_types {
            el(&mut out, 2, "responseType", r);
        }
        el(&mut out, 2, "urgency", &i.urgency);
        el(&mut out, 2, "severity", &i.severity);
        el(&mut out, 2, "certainty", &i.certainty);
        for p in &i.event_codes {
            pair(&mut out, 2, "eventCode", p);
        }
        for (name, value) in [
            ("effective", &i.effective),
            ("onset", &i.onset),
            ("expires", &i.expires),
            ("senderName", &i.sender_name),
            ("headline", &i.headline),
            ("description", &i.description),
            ("instruction", &i.instruction),
        ] {
            if let Some(v) = value {
                el(&mut out, 2, name, v);
            }
        }
        for p in &i.parameters {
            pair(&mut out, 2, "parameter", p);
        }
        for area in &i.areas {
            out.push_str("    <area>\n");
            el(&mut out, 3, "areaDesc", &area.area_desc);
            for p in &area.polygons {
                el(&mut out, 3, "polygon", p);
            }
            for g in &area.geocodes {
                pair(&mut out, 3, "geocode", g);
            }
            out.push_str("    </area>\n");
        }
        out.push_str("  </info>\n");
    }
    out.push_str("</alert>\n");
    out
}

/// One line about a valid message: what `grassroots cap validate` prints.
pub fn summary(a: &Alert) -> String {
    let first = a.infos.first();
    format!(
        "valid CAP 1.2: {} {} from {} sent {}; {} info block(s){}",
        a.status,
        a.msg_type,
        a.sender,
        a.sent,
        a.infos.len(),
        first.map(|i| format!(", “{}”, severity {}", i.event, i.severity)).unwrap_or_default()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLES: [&str; 3] = [
        include_str!("../../../../data/cap/cap_amber_alert_example.xml"),
        include_str!("../../../../data/cap/iceland_met_office_yellow_wind.cap.xml"),
        include_str!("../../../../data/cap/australia_bom_thunderstorm_prefixed.cap.xml"),
    ];

    fn codes(xml: &str) -> Vec<(String, String)> {
        parse(xml).unwrap_err().errors.into_iter().map(|f| (f.location, f.code)).collect()
    }

    #[test]
    fn real_messages_are_read_and_written_back_alike() {
        for xml in SAMPLES {
            let a = parse(xml).unwrap();
            assert!(!a.infos.is_empty());
            assert_eq!(parse(&write(&a)).unwrap(), a, "written back, read again");
        }
        let iceland = parse(SAMPLES[1]).unwrap();
        assert_eq!(iceland.infos.len(), 2);
        assert_eq!(iceland.infos[0].parameters[0], ("Color".into(), "Yellow".into()));
        assert!(summary(&iceland).starts_with("valid CAP 1.2: Actual Alert from IMO-Icelandic_Met_Office"));
        let prefixed = parse(SAMPLES[2]).unwrap();
        assert!(prefixed.infos[0].areas[0].geocodes.len() > 1, "a prefixed namespace reads the same");
    }

    #[test]
    fn faults_name_their_element() {
        let iceland = SAMPLES[1];
        let v11 = iceland.replace("emergency:cap:1.2", "emergency:cap:1.1");
        assert_eq!(codes(&v11), [("alert".into(), "not_cap_1_2".into())]);
        assert_eq!(codes("<alert><sent>")[0].1, "malformed_xml");
        let zulu = iceland.replacen("2021-09-10T13:30:26-00:00", "2021-09-10T13:30:26Z", 1);
        assert_eq!(codes(&zulu), [("alert/sent".into(), "invalid_datetime".into())]);
        let no_sender = iceland.replacen("<sender>IMO-Icelandic_Met_Office</sender>", "", 1);
        assert_eq!(codes(&no_sender), [("alert/sender".into(), "missing_element".into())]);
        let open = iceland.replacen(" 64.17,-22.04</polygon>", "</polygon>", 1);
        assert_eq!(codes(&open), [("alert/info[1]/area[1]/polygon[1]".into(), "polygon_not_closed".into())]);
        let backwards = iceland.replacen("<expires>2021-09-13T10:00:00-00:00", "<expires>2021-09-11T10:00:00-00:00", 1);
        assert_eq!(codes(&backwards), [("alert/info[1]/expires".into(), "expires_before_onset".into())]);
        let bad_level = iceland.replacen("<severity>Moderate</severity>", "<severity>Orange</severity>", 1);
        assert_eq!(codes(&bad_level), [("alert/info[1]/severity".into(), "invalid_value".into())]);
    }
}
