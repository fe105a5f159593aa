//! CAP 1.2: the real samples and a written warning pass `grassroots cap validate` and the
//! OASIS schema (with xmllint, required under CI); a broken file fails naming the element.

use std::path::{Path, PathBuf};
use std::process::Command;

use grassroots_app::warning::ack::PatrolRequest;
use grassroots_app::warning::cap::{self, Alert, Area, Info};
use grassroots_app::warning::relay::{LoggingSms, WebhookRequest, signature as signature_of};
use grassroots_app::warning::{DraftRequest, ReviseRequest};
use grassroots_app::{App, AppError, Settings};
use grassroots_domain::page::PageRequest;
use grassroots_domain::warning::{Level, MessageType, RecipientKind, WarningState};

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

async fn actor(app: &App, username: &str) -> grassroots_app::Actor {
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

fn codes(e: grassroots_app::AppError) -> Vec<(String, String)> {
    match e {
        grassroots_app::AppError::Validation(v) => v.errors.into_iter().map(|f| (f.location, f.code)).collect(),
        other => panic!("not a validation error: {other:?}"),
    }
}

const XINLUO_POINTS: &[u8] = include_bytes!("../../../../data/hazard-points/xinluo.csv");

/// Two towns of Xinluo, from tonight for a day.
fn orange(areas: &[&str]) -> DraftRequest {
    let today = grassroots_app::core::today();
    DraftRequest {
        level: Level::Orange,
        onset: format!("{today} 20:00"),
        expires: format!("{} 20:00", today + time::Duration::days(1)),
        areas: areas.iter().map(|a| (*a).to_owned()).collect(),
        polygon: None,
        headline: String::new(),
        description: "受强降雨影响，发生地质灾害的风险较高。".into(),
        instruction: String::new(),
    }
}

fn minutes_later(n: i64) -> String {
    grassroots_domain::core::time::to_stored(time::OffsetDateTime::now_utc() + time::Duration::minutes(n))
}

both_backends!(a_warning_from_draft_to_acknowledgement_and_escalation, |db: TestDb| async move {
    let sms = std::sync::Arc::new(LoggingSms::default());
    let settings = Settings { sms: sms.clone(), public_url: "https://gr.example".into(), ..Settings::default() };
    let app = App::open(&db.url, settings).await.unwrap();
    app.seed_demo_directory().await.unwrap();
    let resources = actor(&app, "xinluo.resources").await;
    let weather = actor(&app, "xinluo.weather").await;
    let done = app.import_hazard_points(&resources, XINLUO_POINTS).await.unwrap();
    assert_eq!(done.points, 116);

    // Bad drafts are refused whole, each fault at its field.
    let mut bad = orange(&["350802104", "340621104"]);
    bad.expires = bad.onset.clone();
    bad.polygon = Some("25.1,116.9 25.2,117.1 25.0,117.2".into());
    let e = codes(app.draft_warning(&resources, bad).await.unwrap_err());
    assert!(e.contains(&("expires".into(), "expires_before_onset".into())), "{e:?}");
    assert!(e.contains(&("areas[1]".into(), "outside_district".into())), "{e:?}");
    assert!(e.iter().any(|(at, code)| at.starts_with("polygon") && code == "polygon_not_closed"), "{e:?}");
    assert!(app.warnings(&resources).await.unwrap().drafted.is_empty(), "nothing half-written");
    let viewer = actor(&app, "wanan.officer").await;
    assert!(matches!(app.draft_warning(&viewer, orange(&["350802104"])).await, Err(AppError::Forbidden)));

    // Drafted by one bureau; the same bureau cannot co-sign; the other publishes.
    let id = app.draft_warning(&resources, orange(&["350802104", "350802105"])).await.unwrap().warning.id;
    let e = codes(app.cosign_warning(&resources, id).await.unwrap_err());
    assert_eq!(e, vec![("cosigned_by".into(), "same_bureau".into())]);
    assert_eq!(app.warnings(&weather).await.unwrap().to_cosign.len(), 1, "the co-sign queue");
    let suixi = actor(&app, "suixi.resources").await;
    assert!(app.warnings(&suixi).await.unwrap().to_cosign.is_empty(), "another district's drafts are not seen");
    let view = app.cosign_warning(&weather, id).await.unwrap();
    let w = &view.warning;
    assert_eq!(w.state, WarningState::Published);
    assert!(w.identifier.as_deref().unwrap().starts_with("35080200000000_"));
    assert_eq!(w.identifier.as_deref().unwrap().len(), 31);
    assert_eq!(w.cosigning_body.as_deref(), Some("新罗区气象局"));
    assert!(matches!(app.cosign_warning(&weather, id).await, Err(AppError::Conflict(_))), "published once");
    let xml = app.warning_cap(id).await.unwrap();
    let alert = cap::parse(&xml).unwrap();
    assert_eq!(alert.infos[0].severity, "Severe");
    assert!(alert.infos[0].areas[0].geocodes.contains(&("GB/T 2260".into(), "350802104".into())));

    // Every town, village and monitor of the two towns is told once.
    let board = app.relay_board(&resources, id, None).await.unwrap();
    let told = board.indicators.recipients;
    let (villages, monitors) = (20 + 13, board.towns.iter().map(|t| t.monitors.told).sum::<i64>());
    assert_eq!(told, 2 + villages + monitors, "{:?}", board.towns);
    assert!(monitors > 20);
    assert_eq!(app.relay_due(&minutes_later(0)).await.unwrap() as i64, monitors, "a text per monitor");
    assert_eq!(app.relay_due(&minutes_later(0)).await.unwrap(), 0, "each sent once");
    let texts = sms.sent();
    assert_eq!(texts.len() as i64, monitors);
    let (_, text) = &texts[0];
    assert!(text.contains("https://gr.example/ack/"), "{text}");

    // Each acknowledges its own; another's is refused saying whose it is.
    let notices = app.relay_board(&resources, id, Some("350802104")).await.unwrap().notices;
    let town = notices.iter().find(|n| n.kind == RecipientKind::Town).unwrap();
    let hongguang =
        notices.iter().find(|n| n.division_code == "350802104201" && n.kind == RecipientKind::Village).unwrap();
    let wanan = actor(&app, "wanan.officer").await;
    let first = app.acknowledge_notice(&wanan, town.id).await.unwrap();
    assert!(!first.already);
    assert!(app.acknowledge_notice(&wanan, town.id).await.unwrap().already, "the first stands");
    match app.acknowledge_notice(&wanan, hongguang.id).await {
        Err(AppError::NotYours(m)) => assert!(m.contains("红光村"), "{m}"),
        other => panic!("{other:?}"),
    }
    app.acknowledge_notice(&actor(&app, "hongguang.village").await, hongguang.id).await.unwrap();
    let other_county = actor(&app, "linhuan.officer").await;
    assert!(matches!(app.acknowledge_notice(&other_county, town.id).await, Err(AppError::NotFound)));
    // The monitor by the link in the text message; a forged link is unknown.
    let token = text.rsplit("/ack/").next().unwrap();
    // The link opened twice at once: one is the first, the other finds it acknowledged.
    let (a, b) = tokio::join!(app.acknowledge_by_link(token), app.acknowledge_by_link(token));
    assert_eq!([a.unwrap().already, b.unwrap().already].iter().filter(|already| !**already).count(), 1);
    let forged = format!("{}.{}", town.id, &token[token.find('.').unwrap() + 1..]);
    assert!(matches!(app.acknowledge_by_link(&forged).await, Err(AppError::NotFound)));

    // Silence past the level's 30 minutes goes to the command center, as long again to the county.
    assert_eq!(app.escalate_warnings(&minutes_later(10)).await.unwrap(), 0);
    let silent = told - 3;
    assert_eq!(app.escalate_warnings(&minutes_later(31)).await.unwrap() as i64, silent);
    let dispatcher = actor(&app, "wanan.dispatcher").await;
    let board_events = app.board(&dispatcher).await.unwrap();
    assert!(
        board_events.queue.iter().any(|e| e.title.starts_with("预警未确认")),
        "an event at Wan'an's command center"
    );
    assert_eq!(app.escalate_warnings(&minutes_later(40)).await.unwrap(), 0, "the second step waits as long again");
    assert_eq!(app.escalate_warnings(&minutes_later(62)).await.unwrap() as i64, silent);
    let ind = app.relay_board(&resources, id, None).await.unwrap().indicators;
    assert_eq!((ind.acknowledged, ind.escalated), (3, silent));
    assert!(ind.median_minutes.is_some());

    // Patrols: the monitor of the point, what was found, no more people than threatened.
    let monitor = actor(&app, "xinluo.monitor").await;
    let point = app.hazard_points(&monitor, PageRequest::default()).await.unwrap().items[0].clone();
    let patrol =
        |evacuated| PatrolRequest { point_id: point.id, danger_found: true, finding: "坡脚裂缝".into(), evacuated };
    let e = codes(app.report_patrol(&monitor, id, patrol(point.people + 1)).await.unwrap_err());
    assert_eq!(e, vec![("evacuated".into(), "out_of_range".into())]);
    app.report_patrol(&monitor, id, patrol(5)).await.unwrap();
    assert!(matches!(app.report_patrol(&wanan, id, patrol(1)).await, Err(AppError::Forbidden)));
    let ind = app.relay_board(&resources, id, None).await.unwrap().indicators;
    assert_eq!((ind.points_patrolled, ind.danger_found, ind.evacuated), (1, 1, 5));

    // An update raises it to red and replaces it; a cancel lifts it.
    let mut red = orange(&["350802104", "350802105"]);
    red.level = Level::Red;
    let revise = ReviseRequest { msg_type: MessageType::Update, draft: Some(red), description: String::new() };
    let update = app.revise_warning(&weather, id, revise).await.unwrap().warning.id;
    app.cosign_warning(&resources, update).await.unwrap();
    let old = app.warning_view(&resources, id).await.unwrap().warning;
    assert_eq!(old.state, WarningState::Superseded);
    let xml = app.warning_cap(update).await.unwrap();
    let alert = cap::parse(&xml).unwrap();
    assert_eq!(alert.msg_type, "Update");
    assert!(alert.references.unwrap().contains(w.identifier.as_deref().unwrap()));
    assert!(app.warnings_feed("https://gr.example").await.unwrap().contains(&format!("/warnings/{update}/cap.xml")));
    let cancel = ReviseRequest { msg_type: MessageType::Cancel, draft: None, description: String::new() };
    let cancel = app.revise_warning(&resources, update, cancel).await.unwrap().warning.id;
    app.cosign_warning(&weather, cancel).await.unwrap();
    assert_eq!(app.warning_view(&resources, update).await.unwrap().warning.state, WarningState::Cancelled);
    assert!(app.active_warnings().await.unwrap().is_empty(), "nothing in force after the cancel");
});

both_backends!(cap_from_elsewhere_imports_once_and_bad_files_name_the_element, |db: TestDb| async move {
    let app = demo(&db).await;
    let bureau = actor(&app, "xinluo.resources").await;
    for sample in [
        "cap_amber_alert_example.xml",
        "iceland_met_office_yellow_wind.cap.xml",
        "australia_bom_thunderstorm_prefixed.cap.xml",
    ] {
        let xml = std::fs::read_to_string(data(sample)).unwrap();
        let first = app.import_cap(&bureau, &xml).await.unwrap();
        assert!(first.new, "{sample}");
        let again = app.import_cap(&bureau, &xml).await.unwrap();
        assert_eq!((again.new, again.id), (false, first.id), "{sample} is recorded once");
        assert_eq!(app.warning_cap(first.id).await.unwrap(), xml, "kept as it came");
    }
    let iceland = app.warnings(&bureau).await.unwrap();
    assert!(iceland.past.iter().any(|w| w.level == Level::Yellow), "the colour parameter gives the level");
    let amber = std::fs::read_to_string(data("cap_amber_alert_example.xml")).unwrap();
    let v11 = amber.replace("urn:oasis:names:tc:emergency:cap:1.2", "urn:oasis:names:tc:emergency:cap:1.1");
    assert_eq!(codes(app.import_cap(&bureau, &v11).await.unwrap_err())[0].1, "not_cap_1_2");
    let broken = amber.replace("<msgType>Alert</msgType>", "");
    assert_eq!(
        codes(app.import_cap(&bureau, &broken).await.unwrap_err())[0],
        ("alert/msgType".into(), "missing_element".into())
    );
    let ack = amber.replace("<msgType>Alert</msgType>", "<msgType>Ack</msgType>");
    assert_eq!(codes(app.import_cap(&bureau, &ack).await.unwrap_err())[0].1, "not_a_warning");
    assert!(codes(app.import_cap(&bureau, "<alert").await.unwrap_err())[0].1.contains("xml"));
    let town = actor(&app, "wanan.officer").await;
    assert!(matches!(app.import_cap(&town, &amber).await, Err(AppError::Forbidden)));
});

both_backends!(hazard_point_files_are_all_or_nothing_with_row_and_column, |db: TestDb| async move {
    let app = demo(&db).await;
    let bureau = actor(&app, "xinluo.resources").await;
    let csv = "编号,名称,类型,规模,村代码,经度,纬度,威胁户数,威胁人数,监测员\n\
        A1,甲滑坡,滑坡,小型,350802104201,116.9,25.2,3,9,黄师傅 13800000001\n\
        A2,乙滑坡,火山,小型,350802104201,116.9,25.2,3,9,黄师傅 1380000\n\
        A1,丙滑坡,崩塌,中型,340621104200,116.9,95.2,3,9,\n";
    let e = codes(app.import_hazard_points(&bureau, csv.as_bytes()).await.unwrap_err());
    assert!(e.contains(&("row 3, column C (kind)".into(), "invalid_hazard_kind".into())), "{e:?}");
    assert!(e.contains(&("row 3, column J (monitors)".into(), "invalid_phone".into())), "{e:?}");
    assert!(e.contains(&("row 4, column F (lon)".into(), "invalid_point".into())), "{e:?}");
    assert_eq!(app.hazard_points(&bureau, PageRequest::default()).await.unwrap().total, 0, "nothing written");
    let outside = "number,name,kind,scale,village_code,lon,lat,households,people\nB1,丁,landslide,small,340621104200,116.6,33.6,1,3\n";
    let e = codes(app.import_hazard_points(&bureau, outside.as_bytes()).await.unwrap_err());
    assert_eq!(e, vec![("row 2, column E (village_code)".into(), "outside_district".into())]);
    let good = "number,name,kind,scale,village_code,lon,lat,households,people\nB1,丁,landslide,small,350802104201,116.9,25.2,1,3\n";
    app.import_hazard_points(&bureau, good.as_bytes()).await.unwrap();
    let e = codes(app.import_hazard_points(&bureau, good.as_bytes()).await.unwrap_err());
    assert_eq!(e[0].1, "point_exists");
    // A monitor's account must be a hazard monitor of the point's village.
    let header = "number,name,kind,scale,village_code,lon,lat,households,people,monitors\n";
    let wrong = format!("{header}C1,戊,landslide,small,350802104201,116.9,25.2,1,3,王 13800000003 hongguang.village\n");
    let e = codes(app.import_hazard_points(&bureau, wrong.as_bytes()).await.unwrap_err());
    assert_eq!(e, vec![("row 2, column J (monitors)".into(), "unknown_monitor_user".into())]);
    let right = format!("{header}C1,戊,landslide,small,350802104201,116.9,25.2,1,3,王 13800000003 xinluo.monitor\n");
    app.import_hazard_points(&bureau, right.as_bytes()).await.unwrap();
});

/// The demo's replayed warning exported by the command line passes the OASIS schema; a
/// real message imports once; a bad table of points fails naming its row and column.
#[test]
fn the_command_line_exports_valid_cap_and_imports() {
    use crate::cli::run;
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("cap.db").display());
    assert!(run(&db, &["demo", "--no-serve"]).status.success());
    let o = run(&db, &["cap", "export", "1"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let exported = dir.path().join("exported.xml");
    std::fs::write(&exported, &o.stdout).unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("<identifier>35080200000000_20220608183000_0</identifier>"), "{text}");
    assert!(text.contains("<onset>2022-06-08T20:00:00+08:00</onset>"));
    assert!(validate(&exported).status.success());
    if let Some(valid) = xmllint(&exported) {
        assert!(valid, "the exported warning breaks the OASIS schema");
    }
    let none_active = run(&db, &["cap", "export", "--active"]);
    assert!(none_active.status.success() && none_active.stdout.is_empty(), "the 2022 warning is no longer in force");

    let sample = data("iceland_met_office_yellow_wind.cap.xml");
    let o = run(&db, &["cap", "import", sample.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("imported as warning 2"), "{o:?}");
    let o = run(&db, &["cap", "import", sample.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("already imported as warning 2"), "{o:?}");

    let bad = dir.path().join("points.csv");
    std::fs::write(&bad, "number,name,kind,scale,village_code,lon,lat,households,people\nZ1,甲,landslide,tiny,350802104201,116.9,25.2,1,3\n").unwrap();
    let o = run(&db, &["hazard-points", "import", bad.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("row 2, column D (scale)"), "{o:?}");
}

/// What a webhook receiver got: each call's signature header and body.
type Calls = std::sync::Arc<std::sync::Mutex<Vec<(String, String, Vec<u8>)>>>;

/// A receiving system on a free port that fails its first call and takes the rest.
async fn receiver() -> (String, Calls) {
    use axum::http::{HeaderMap, StatusCode};
    let calls: Calls = Default::default();
    let kept = calls.clone();
    let hook = move |headers: HeaderMap, body: axum::body::Bytes| {
        let kept = kept.clone();
        async move {
            let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
            let mut calls = kept.lock().unwrap();
            calls.push((header("x-grassroots-signature"), header("x-grassroots-delivery"), body.to_vec()));
            if calls.len() == 1 { StatusCode::SERVICE_UNAVAILABLE } else { StatusCode::OK }
        }
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(
        async move { axum::serve(listener, axum::Router::new().route("/hook", axum::routing::post(hook))).await },
    );
    (url, calls)
}

both_backends!(the_outbox_survives_a_restart_and_webhooks_are_signed_and_retried, |db: TestDb| async move {
    let app = demo(&db).await;
    let (url, calls) = receiver().await;
    let admin = actor(&app, "xinluo.admin").await;
    let hook = app.add_webhook(&admin, WebhookRequest { url: url.clone() }).await.unwrap();
    let suixi = app.add_webhook(&actor(&app, "suixi.admin").await, WebhookRequest { url }).await.unwrap();
    assert_ne!(hook.secret, suixi.secret);
    let e = codes(app.add_webhook(&admin, WebhookRequest { url: "ftp://x".into() }).await.unwrap_err());
    assert_eq!(e[0].1, "invalid_url");
    let resources = actor(&app, "xinluo.resources").await;
    app.import_hazard_points(&resources, XINLUO_POINTS).await.unwrap();
    let id = app.draft_warning(&resources, orange(&["350802104"])).await.unwrap().warning.id;
    app.cosign_warning(&actor(&app, "xinluo.weather").await, id).await.unwrap();
    let monitors = app.relay_board(&resources, id, None).await.unwrap().towns[0].monitors.told;

    // Stopped before anything was sent: a new process finds every delivery still owed.
    drop(app);
    let sms = std::sync::Arc::new(LoggingSms::default());
    let settings = Settings { sms: sms.clone(), ..Settings::default() };
    let app = App::open(&db.url, settings).await.unwrap();
    assert_eq!(app.relay_due(&minutes_later(0)).await.unwrap() as i64, monitors, "the texts; the webhook failed once");
    assert_eq!(sms.sent().len() as i64, monitors);
    assert_eq!(app.relay_due(&minutes_later(0)).await.unwrap(), 0, "the retry waits");
    assert_eq!(app.relay_due(&minutes_later(2)).await.unwrap(), 1, "the webhook, retried");
    assert_eq!(app.relay_due(&minutes_later(60)).await.unwrap(), 0, "nothing twice");
    let calls = calls.lock().unwrap().clone();
    assert_eq!(calls.len(), 2, "Suixi's webhook is not called for Xinluo's warning");
    let (signature, delivery, body) = &calls[1];
    assert_eq!(signature, &signature_of(&hook.secret, body));
    assert_eq!(delivery, &calls[0].1, "the same delivery id on the retry");
    let payload: serde_json::Value = serde_json::from_slice(body).unwrap();
    assert_eq!(payload["warning"]["id"], id.0);
    assert!(payload["cap"].as_str().unwrap().contains("urn:oasis:names:tc:emergency:cap:1.2"));
    let board = app.relay_board(&resources, id, None).await.unwrap();
    let sent =
        |channel: &str| board.deliveries.iter().find(|d| d.channel == channel && d.state == "sent").map(|d| d.count);
    assert_eq!((sent("sms"), sent("webhook")), (Some(monitors), Some(1)));
});
