//! CAP 1.2: the real samples and a written warning pass `grassroots cap validate` and the
//! OASIS schema (with xmllint, required under CI); a broken file fails naming the element.

use std::path::{Path, PathBuf};
use std::process::Command;

use grassroots_app::warning::cap::{self, Alert, Area, Info};

use crate::both_backends;
use crate::helpers::*;

const BIN: &str = env!("CARGO_BIN_EXE_grassroots");

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/cap").join(name)
}

fn validate(file: &Path) -> std::process::Output {
    Command::new(BIN).args(["cap", "validate"]).arg(file).output().expect("run grassroots")
}

/// Xinluo's orange (level II) geological-hazard warning of 8 June 2022, from 20:00 for 24
/// hours, in Chinese and English, its identifier in the GB/T 35965.1 style.
fn xinluo() -> Alert {
    let info = |language: &str, event: &str, headline: &str, area: &str| Info {
        language: language.into(),
        categories: vec!["Geo".into(), "Met".into()],
        event: event.into(),
        response_types: vec!["Prepare".into(), "Monitor".into()],
        urgency: "Expected".into(),
        severity: "Severe".into(),
        certainty: "Likely".into(),
        onset: Some("2022-06-08T20:00:00+08:00".into()),
        expires: Some("2022-06-09T20:00:00+08:00".into()),
        sender_name: Some("龙岩市新罗区自然资源局 龙岩市新罗区气象局".into()),
        headline: Some(headline.into()),
        parameters: vec![("level".into(), "II".into()), ("color".into(), "orange".into())],
        areas: vec![Area {
            area_desc: area.into(),
            polygons: vec!["25.10,116.90 25.20,117.10 25.00,117.20 24.90,117.00 25.10,116.90".into()],
            geocodes: vec![("GB/T 2260".into(), "350802".into())],
        }],
        ..Info::default()
    };
    Alert {
        identifier: "35080200000000_20220608183000_0".into(),
        sender: "350802-natural-resources".into(),
        sent: "2022-06-08T18:30:00+08:00".into(),
        status: "Actual".into(),
        msg_type: "Alert".into(),
        scope: "Public".into(),
        references: None,
        infos: vec![
            info("zh-CN", "地质灾害气象风险预警", "新罗区地质灾害气象风险橙色预警（Ⅱ级）", "龙岩市新罗区"),
            info("en-US", "Geological hazard weather risk warning", "Orange (level II) warning", "Xinluo District"),
        ],
    }
}

fn xmllint(file: &Path) -> Option<bool> {
    let schema = data("CAP-v1.2.xsd");
    match Command::new("xmllint").arg("--noout").arg("--schema").arg(&schema).arg(file).output() {
        Ok(o) => Some(o.status.success()),
        Err(_) => {
            skip("xmllint schema check", "install Debian's libxml2-utils");
            None
        }
    }
}

#[test]
fn cap_files_validate_and_broken_ones_name_the_element() {
    let dir = tempfile::tempdir().unwrap();
    let written = dir.path().join("xinluo.cap.xml");
    std::fs::write(&written, cap::write(&xinluo())).unwrap();
    let mut files: Vec<PathBuf> =
        ["cap_amber_alert_example.xml", "iceland_met_office_yellow_wind.cap.xml"].iter().map(|f| data(f)).collect();
    files.push(data("australia_bom_thunderstorm_prefixed.cap.xml"));
    files.push(written.clone());
    for f in &files {
        let o = validate(f);
        assert!(o.status.success(), "{}: {}", f.display(), String::from_utf8_lossy(&o.stderr));
        assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 1, "one line");
        if let Some(valid) = xmllint(f) {
            assert!(valid, "{} breaks the OASIS schema", f.display());
        }
    }
    let o = validate(&written);
    assert!(String::from_utf8_lossy(&o.stdout).contains("“地质灾害气象风险预警”, severity Severe"));

    // An expiry before the onset and a Z time: refused, each fault at its element.
    let mut bad = xinluo();
    bad.infos[0].expires = Some("2022-06-08T19:00:00+08:00".into());
    let broken = dir.path().join("broken.xml");
    std::fs::write(&broken, cap::write(&bad).replace("+08:00</sent>", "Z</sent>")).unwrap();
    let o = validate(&broken);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(err.contains("alert/sent") && err.contains("alert/info[1]/expires"), "{err}");
    if let Some(valid) = xmllint(&broken) {
        assert!(!valid, "the schema refuses a Z time too");
    }
}

async fn actor(app: &grassroots_app::App, username: &str) -> grassroots_app::Actor {
    let u = app.find_user(&grassroots_app::Actor::system("test"), username).await.unwrap();
    app.actor_of(u.id).await.unwrap()
}

both_backends!(demo_replays_xinluos_orange_warning, |db: TestDb| async move {
    let app = open(&db).await;
    let n = app.seed_demo().await.unwrap().notices as u64;
    assert!(n > 300, "every town, village and monitor of the ten towns is told: {n}");
    let bureau = actor(&app, "xinluo.resources").await;
    let list = app.warnings(&bureau).await.unwrap();
    let w = list.past.first().expect("the replayed warning").clone();
    assert_eq!(w.identifier.as_deref(), Some("35080200000000_20220608183000_0"));
    let board = app.relay_board(&bureau, w.id, Some("350802104")).await.unwrap();
    let ind = &board.indicators;
    assert_eq!(ind.recipients as u64, n);
    assert!(ind.coverage > 0.75 && ind.coverage < 0.95, "mostly acknowledged: {}", ind.coverage);
    assert!(ind.escalated > 0, "the rest escalated");
    assert!(ind.median_minutes.unwrap() < ind.p90_minutes.unwrap());
    assert!(ind.points_patrolled > 0 && ind.evacuated > 0);
    assert!(!board.notices.is_empty());
    let xml = app.warning_cap(w.id).await.unwrap();
    cap::parse(&xml).expect("the published CAP reads back");
    assert!(xml.contains("<language>zh-CN</language>") && xml.contains("<language>en-US</language>"));
});
