//! The command center on both backends: reports, possible duplicates and merging, dispatch
//! with working-day deadlines, extension, the overdue board, closing and reopening; and the
//! public's report, tracking and rating without a login.

use grassroots_app::command::{
    DispatchRequest, ExtendRequest, MergeEventRequest, PauseEventRequest, ProgressRequest, PublicRatingRequest,
    ReportRequest, TrackRequest,
};
use grassroots_app::{Actor, App, AppError};
use grassroots_domain::command::{Category, EventState, Source};
use serde_json::json;

use crate::both_backends;
use crate::helpers::*;

async fn actor(app: &App, username: &str) -> Actor {
    let u = app.find_user(&Actor::system("test"), username).await.unwrap();
    app.actor_of(u.id).await.unwrap()
}

fn report(division: &str, category: Category, point: Option<(f64, f64)>) -> ReportRequest {
    ReportRequest {
        division: division.into(),
        source: Source::Patrol,
        category,
        title: "老街占道经营".into(),
        description: String::new(),
        address: "临涣老街".into(),
        lon: point.map(|p| p.0),
        lat: point.map(|p| p.1),
        reporter_name: String::new(),
        reporter_phone: String::new(),
    }
}

fn code_of(e: AppError) -> String {
    match e {
        AppError::Validation(v) => v.errors[0].code.clone(),
        other => panic!("not a validation error: {other:?}"),
    }
}

both_backends!(events_are_dispatched_followed_and_closed, |db: TestDb| async move {
    let app = demo(&db).await;
    let village = actor(&app, "linhuan.village").await;
    let dispatcher = actor(&app, "linhuan.dispatcher").await;
    let officer = actor(&app, "linhuan.officer").await;
    let inspector = actor(&app, "linhuan.inspector").await;

    let first = app
        .report_event(&village, report("340621104200", Category::CityAppearance, Some((116.5851, 33.6189))))
        .await
        .unwrap();
    let near = app
        .report_event(&dispatcher, report("340621104", Category::CityAppearance, Some((116.5853, 33.6190))))
        .await
        .unwrap();
    let far = app
        .report_event(&dispatcher, report("340621104", Category::CityAppearance, Some((116.60, 33.63))))
        .await
        .unwrap();
    assert_eq!(near.possible_duplicates, vec![first.event.id], "the same place and category within days");
    assert!(far.possible_duplicates.is_empty());
    assert!(matches!(
        app.report_event(&village, report("340621105", Category::Other, None)).await,
        Err(AppError::NotFound)
    ));
    let leader = actor(&app, "suixi.leader").await;
    assert!(matches!(
        app.report_event(&leader, report("340621104", Category::Other, None)).await,
        Err(AppError::Forbidden)
    ));
    let mut bad = report("340621104", Category::Other, Some((200.0, 33.0)));
    bad.lat = Some(33.0);
    assert_eq!(code_of(app.report_event(&dispatcher, bad).await.unwrap_err()), "invalid_point");

    // Merging the repeated report; dispatching the first with its category's deadline.
    let merged = app.merge_event(&dispatcher, near.event.id, MergeEventRequest { into: first.event.id }).await.unwrap();
    assert_eq!(merged.event.state, EventState::Merged);
    let step = |to| ProgressRequest { to, note: String::new() };
    assert_eq!(
        code_of(app.progress_event(&officer, first.event.id, step(EventState::Resolved)).await.unwrap_err()),
        "out_of_order"
    );
    let office = DispatchRequest { office: "临涣镇综合行政执法队".into(), note: String::new() };
    assert!(matches!(app.dispatch_event(&officer, first.event.id, office.clone()).await, Err(AppError::Forbidden)));
    let elsewhere = DispatchRequest { office: "双堆集镇综合行政执法队".into(), note: String::new() };
    assert_eq!(
        code_of(app.dispatch_event(&dispatcher, first.event.id, elsewhere).await.unwrap_err()),
        "unknown_office",
        "only a body or office of the event's town"
    );
    let targets = app.get_event(&dispatcher, first.event.id).await.unwrap().dispatch_targets;
    assert!(targets.contains(&"临涣村村民委员会".to_owned()) && !targets.contains(&"临涣镇人民政府".to_owned()));
    let v = app.dispatch_event(&dispatcher, first.event.id, office).await.unwrap();
    let due = v.event.due_on.clone().unwrap();
    let cal = app.calendar();
    let today = grassroots_app::core::today();
    assert_eq!(due, cal.add_working_days(today, 3).to_string(), "street order: three working days");
    let extended = app
        .extend_event(&dispatcher, first.event.id, ExtendRequest { days: 2, reason: "需协调".into() })
        .await
        .unwrap();
    assert_eq!(extended.event.due_on.unwrap(), cal.add_working_days(today, 5).to_string());

    // Time passes: past its deadline the event is on the board as overdue.
    let mut c = app.store.conn().await.unwrap();
    sqlx::query("UPDATE event SET due_on = '2020-01-02' WHERE id = $1")
        .bind(first.event.id.0)
        .execute(&mut *c)
        .await
        .unwrap();
    drop(c);
    let board = app.board(&dispatcher).await.unwrap();
    assert!(board.overdue.iter().any(|e| e.id == first.event.id));
    assert!(board.queue.iter().any(|e| e.id == far.event.id));
    assert!(
        board.by_office.iter().any(|(o, open, overdue)| o == "临涣镇综合行政执法队" && *open == 1 && *overdue == 1)
    );

    // Paused, the clock stands still and the event is not overdue; resumed, it runs again.
    let pause = |action: &str| PauseEventRequest { action: action.into(), reason: "等待专业机构鉴定".into() };
    let paused = app.pause_event(&dispatcher, first.event.id, pause("pause")).await.unwrap();
    assert!(!paused.overdue);
    assert!(!app.board(&dispatcher).await.unwrap().overdue.iter().any(|e| e.id == first.event.id));
    assert!(matches!(app.pause_event(&dispatcher, first.event.id, pause("pause")).await, Err(AppError::Conflict(_))));
    app.pause_event(&dispatcher, first.event.id, pause("resume")).await.unwrap();

    // Worked by the team it went to (not by another office), resolved, closed — and
    // reopened by the command center.
    assert!(matches!(
        app.progress_event(&officer, first.event.id, step(EventState::InProgress)).await,
        Err(AppError::NotYours(_))
    ));
    app.progress_event(&inspector, first.event.id, step(EventState::InProgress)).await.unwrap();
    app.progress_event(&inspector, first.event.id, step(EventState::Resolved)).await.unwrap();
    assert!(matches!(
        app.progress_event(&inspector, first.event.id, step(EventState::Closed)).await,
        Err(AppError::Forbidden)
    ));
    app.progress_event(&dispatcher, first.event.id, step(EventState::Closed)).await.unwrap();
    let reopened = app.progress_event(&dispatcher, first.event.id, step(EventState::InProgress)).await.unwrap();
    assert_eq!(reopened.event.state, EventState::InProgress);
    let actions: Vec<&str> = reopened.timeline.iter().map(|l| l.action.as_str()).collect();
    assert_eq!(
        actions,
        ["reported", "dispatched", "extended", "paused", "resumed", "in_progress", "resolved", "closed", "reopened"]
    );
});

both_backends!(the_public_reports_follows_and_rates, |db: TestDb| async move {
    let app = demo(&db).await;
    let mut req = report("340621104", Category::PublicService, None);
    req.source = Source::Hotline;
    assert_eq!(code_of(app.public_report(req.clone()).await.unwrap_err()), "required", "a name is required");
    req.reporter_name = "王先生".into();
    req.reporter_phone = "1380561".into();
    assert_eq!(code_of(app.public_report(req.clone()).await.unwrap_err()), "invalid_phone");
    req.reporter_phone = "138-0561-1234".into();
    let number = app.public_report(req).await.unwrap();
    let track = |phone: &str| TrackRequest { tracking_number: number.clone(), phone: phone.into() };
    assert!(
        matches!(app.track_event(&track("13900000000"), "10.0.0.1").await, Err(AppError::NotFound)),
        "the number alone is not enough"
    );
    let (event, tracking) = app.track_event(&track("13805611234"), "10.0.0.1").await.unwrap();
    assert_eq!((event.source, tracking.state), (Source::Public, EventState::New));

    // Staff outside the command center see the phone masked.
    let officer = actor(&app, "linhuan.officer").await;
    assert_eq!(app.get_event(&officer, event.id).await.unwrap().event.reporter_phone, "138****1234");
    let dispatcher = actor(&app, "linhuan.dispatcher").await;
    assert_eq!(app.get_event(&dispatcher, event.id).await.unwrap().event.reporter_phone, "13805611234");

    let rating = PublicRatingRequest { tracking_number: number.clone(), phone: "13805611234".into(), satisfied: true };
    assert_eq!(code_of(app.rate_event(rating.clone(), "10.0.0.1").await.unwrap_err()), "not_resolved");
    app.dispatch_event(
        &dispatcher,
        event.id,
        DispatchRequest { office: "临涣镇综合行政执法队".into(), note: String::new() },
    )
    .await
    .unwrap();
    for to in [EventState::InProgress, EventState::Resolved] {
        app.progress_event(&dispatcher, event.id, ProgressRequest { to, note: String::new() }).await.unwrap();
    }
    // Two ratings sent at once: one is taken, the other told it is rated already.
    let unhappy = PublicRatingRequest { satisfied: false, ..rating.clone() };
    let (a, b) = tokio::join!(app.rate_event(rating.clone(), "10.0.0.1"), app.rate_event(unhappy, "10.0.0.1"));
    assert_eq!(usize::from(a.is_ok()) + usize::from(b.is_ok()), 1, "{a:?} {b:?}");
    assert!(matches!(app.rate_event(rating, "10.0.0.1").await, Err(AppError::Conflict(_))));
    let rated = app.get_event(&dispatcher, event.id).await.unwrap();
    assert_eq!(rated.timeline.iter().filter(|l| l.action == "rated").count(), 1);
    // Guessing phones for a number soon has to wait, even with the right one.
    for _ in 0..5 {
        assert!(matches!(app.track_event(&track("13900000000"), "10.0.0.2").await, Err(AppError::NotFound)));
    }
    assert!(matches!(app.track_event(&track("13805611234"), "10.0.0.3").await, Err(AppError::RateLimited)));
});

#[tokio::test]
async fn the_public_pages_and_api_work_without_login() {
    let db = TestDb::sqlite();
    let app = demo(&db).await;
    let anon = Client::new(&app);
    let r = anon
        .json(
            "POST",
            "/api/v1/public/events",
            &json!({
                "division": "340621104", "source": "public", "category": "environment", "title": "河道漂浮垃圾",
                "reporter_name": "李女士", "reporter_phone": "13912345678"
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let number = r.json()["tracking_number"].as_str().unwrap().to_owned();
    let r = anon
        .json("POST", "/api/v1/public/events/track", &json!({ "tracking_number": number, "phone": "13912345678" }))
        .await;
    assert_eq!(r.json()["state"], "new", "{}", r.text());

    // The form: the page sets a token cookie that the post must match.
    let form = anon.get("/report").await;
    let cookie = form
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("gr_login_csrf="))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let token = cookie.trim_start_matches("gr_login_csrf=").to_owned();
    let with_cookie = Client { cookie: Some(cookie), ..anon.clone() };
    let fields = [
        ("csrf", token.as_str()),
        ("division", "340621104"),
        ("category", "safety"),
        ("title", "井盖缺失"),
        ("reporter_name", "赵先生"),
        ("reporter_phone", "13700000000"),
    ];
    let r = with_cookie.form("/report", &fields).await;
    assert!(r.text().contains("id=\"tracking\""), "{}", r.text());
    let r = anon.form("/report", &fields).await;
    assert_eq!(r.status, 403, "without the cookie the form is refused");
    let r = with_cookie
        .form("/track", &[("csrf", token.as_str()), ("tracking_number", number.as_str()), ("phone", "13912345678")])
        .await;
    assert!(r.text().contains("待派遣"), "{}", r.text());

    let c = Client::login(&app, "linhuan.dispatcher").await;
    let board = c.get("/command").await;
    assert!(board.text().contains("河道漂浮垃圾"), "{}", board.text());
}

/// A day `n` working days before today.
fn working_days_ago(app: &App, n: u32) -> time::Date {
    let (cal, today) = (app.calendar(), grassroots_app::core::today());
    let mut d = today;
    while cal.working_days_between(d, today) < n {
        d -= time::Duration::DAY;
    }
    d
}

async fn set_due(app: &App, id: grassroots_domain::command::EventId, due: time::Date) {
    let mut c = app.store.conn().await.unwrap();
    sqlx::query("UPDATE event SET due_on = $1 WHERE id = $2")
        .bind(due.to_string())
        .bind(id.0)
        .execute(&mut *c)
        .await
        .unwrap();
}

both_backends!(overdue_events_rise_to_the_town_then_the_county, |db: TestDb| async move {
    let app = demo(&db).await;
    let dispatcher = actor(&app, "linhuan.dispatcher").await;
    let event = app.report_event(&dispatcher, report("340621104", Category::Safety, None)).await.unwrap().event;
    let office = DispatchRequest { office: "临涣镇综合行政执法队".into(), note: String::new() };
    app.dispatch_event(&dispatcher, event.id, office.clone()).await.unwrap();
    assert_eq!(app.escalate_overdue().await.unwrap(), 0, "on time: nothing rises");

    set_due(&app, event.id, working_days_ago(&app, 1)).await;
    assert_eq!(app.escalate_overdue().await.unwrap(), 1);
    assert_eq!(app.get_event(&dispatcher, event.id).await.unwrap().event.escalation, 1, "the town's leadership");
    assert_eq!(app.escalate_overdue().await.unwrap(), 0, "a rise is made once");

    set_due(&app, event.id, working_days_ago(&app, 3)).await;
    assert_eq!(app.escalate_overdue().await.unwrap(), 1);
    let v = app.get_event(&dispatcher, event.id).await.unwrap();
    assert_eq!(v.event.escalation, 2, "the county");
    assert_eq!(v.timeline.iter().filter(|l| l.action == "escalated").count(), 2);
    let leader = actor(&app, "suixi.leader").await;
    let board = app.board(&leader).await.unwrap();
    assert!(board.overdue.iter().any(|e| e.id == event.id && e.escalation == 2), "the county's board shows it");

    // Dispatched again, with a new deadline, it starts from the bottom.
    let again = app.dispatch_event(&dispatcher, event.id, office).await.unwrap();
    assert_eq!((again.event.escalation, again.overdue), (0, false));
});

both_backends!(files_are_attached_checked_and_kept_intact, |db: TestDb| async move {
    let app = demo(&db).await;
    let village = actor(&app, "linhuan.village").await;
    let dispatcher = actor(&app, "linhuan.dispatcher").await;
    let leader = actor(&app, "suixi.leader").await;
    let event = app.report_event(&village, report("340621104200", Category::Environment, None)).await.unwrap().event;
    // Content of this test only: files are shared by digest, and this one is damaged below.
    let photo = [&[0xFF, 0xD8, 0xFF, 0xE0][..], db.url.as_bytes(), b"files_are_attached"].concat();
    let a = app.attach_to_event(&village, event.id, "秸秆焚烧现场.jpg", photo.clone()).await.unwrap();
    assert_eq!((a.media_type.as_str(), a.size), ("image/jpeg", photo.len() as i64));
    let (_, back) = app.event_attachment(&dispatcher, event.id, a.id).await.unwrap();
    assert_eq!(back, photo);
    let v = app.get_event(&dispatcher, event.id).await.unwrap();
    assert_eq!(v.attachments.len(), 1);
    assert_eq!(v.timeline.last().unwrap().action, "attached");

    let refused = |r: Result<_, AppError>| code_of(r.unwrap_err());
    let exe = b"MZ\x90\x00\x03 a program".to_vec();
    assert_eq!(refused(app.attach_to_event(&village, event.id, "photo.jpg", exe).await), "forbidden_type");
    let big = [b"%PDF-".as_slice(), &vec![b' '; 10 * 1024 * 1024]].concat();
    assert_eq!(refused(app.attach_to_event(&village, event.id, "big.pdf", big).await), "file_too_large");
    assert!(matches!(
        app.attach_to_event(&leader, event.id, "x.pdf", b"%PDF-1.7".to_vec()).await,
        Err(AppError::Forbidden)
    ));
    assert_eq!(app.get_event(&dispatcher, event.id).await.unwrap().attachments.len(), 1, "nothing half-written");

    // A file changed on disk is never served.
    let path = files_dir().join(&a.sha256[..2]).join(&a.sha256);
    std::fs::write(&path, b"\xFF\xD8\xFF tampered").unwrap();
    assert!(matches!(app.event_attachment(&dispatcher, event.id, a.id).await, Err(AppError::Files(_))));
    std::fs::remove_file(&path).unwrap();
    assert!(matches!(app.event_attachment(&dispatcher, event.id, a.id).await, Err(AppError::Files(_))));
});

#[tokio::test]
async fn files_go_up_over_the_api_and_the_event_page() {
    let db = TestDb::sqlite();
    let app = demo(&db).await;
    let village = Client::login(&app, "linhuan.village").await;
    let r = village
        .json(
            "POST",
            "/api/v1/events",
            &json!({ "division": "340621104200", "source": "patrol", "category": "safety", "title": "塌陷区裂缝" }),
        )
        .await;
    let id = r.json()["id"].as_i64().unwrap();
    let photo = [&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A][..], b"files_go_up"].concat();
    let url = format!("/api/v1/events/{id}/attachments?name=%E8%A3%82%E7%BC%9D.png");
    let r = village.send("POST", &url, Some("image/png"), photo.clone()).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let file = r.json()["id"].as_i64().unwrap();
    let r = village.get(&format!("/api/v1/events/{id}/attachments/{file}")).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.headers["content-type"], "image/png");
    assert!(r.headers["content-disposition"].to_str().unwrap().contains("%E8%A3%82%E7%BC%9D.png"));
    assert_eq!(r.body, photo);

    let big = [b"%PDF-".as_slice(), &vec![b' '; 10 * 1024 * 1024 + 10]].concat();
    let r = village.send("POST", &url, Some("application/pdf"), big).await;
    assert_eq!((r.status.as_u16(), r.json()["code"].as_str()), (413, Some("file_too_large")));
    let r = village.send("POST", &url, Some("text/html"), b"<script>alert(1)</script>".to_vec()).await;
    assert_eq!((r.status.as_u16(), r.json()["errors"][0]["code"].as_str()), (422, Some("forbidden_type")));

    // The event page: a multipart form with the CSRF field.
    let upload = |csrf: &str| {
        let b = "XBOUNDARY";
        let mut body = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"scan.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(b"%PDF-1.7 files_go_up");
        body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
        body
    };
    let form = "multipart/form-data; boundary=XBOUNDARY";
    let page = format!("/events/{id}/attachments");
    let r = village.without_csrf().send("POST", &page, Some(form), upload("wrong")).await;
    assert_eq!(r.status, 403, "a stale form is refused");
    let csrf = village.csrf.clone().unwrap();
    let r = village.without_csrf().send("POST", &page, Some(form), upload(&csrf)).await;
    assert_eq!((r.status.as_u16(), r.location()), (303, format!("/events/{id}")), "{}", r.text());
    let shown = village.get(&format!("/events/{id}")).await.text();
    assert!(shown.contains("scan.pdf") && shown.contains("裂缝.png"), "{shown}");
}

both_backends!(reports_arriving_together_are_written_together, |db: TestDb| async move {
    let app = demo(&db).await;
    let dispatcher = actor(&app, "linhuan.dispatcher").await;
    let mut sent = Vec::new();
    for i in 0..100 {
        let (app, dispatcher) = (app.clone(), dispatcher.clone());
        // Every tenth is in another town, out of the dispatcher's scope.
        let place = if i % 10 == 0 { "340621105" } else { "340621104200" };
        sent.push(tokio::spawn(async move { app.report(&dispatcher, report(place, Category::Other, None)).await }));
    }
    let mut ids = std::collections::HashSet::new();
    let mut refused = 0;
    for s in sent {
        match s.await.unwrap() {
            Ok(r) => assert!(ids.insert(r.id), "one id each"),
            Err(AppError::NotFound) => refused += 1,
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!((ids.len(), refused), (90, 10), "a refused report does not sink the others");
    for id in ids.iter().take(5) {
        let v = app.get_event(&dispatcher, *id).await.unwrap();
        assert_eq!((v.event.town_code.as_str(), v.timeline[0].action.as_str()), ("340621104", "reported"));
    }
    assert!(matches!(app.verify_audit().await.unwrap(), grassroots_app::core::audit::Verification::Intact { .. }));
});
