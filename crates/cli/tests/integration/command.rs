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

    // Worked, resolved, closed — and reopened by the command center.
    app.progress_event(&officer, first.event.id, step(EventState::InProgress)).await.unwrap();
    app.progress_event(&officer, first.event.id, step(EventState::Resolved)).await.unwrap();
    assert!(matches!(
        app.progress_event(&officer, first.event.id, step(EventState::Closed)).await,
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
    app.dispatch_event(&dispatcher, event.id, DispatchRequest { office: "村镇建设办公室".into(), note: String::new() })
        .await
        .unwrap();
    for to in [EventState::InProgress, EventState::Resolved] {
        app.progress_event(&dispatcher, event.id, ProgressRequest { to, note: String::new() }).await.unwrap();
    }
    assert_eq!(app.rate_event(rating.clone(), "10.0.0.1").await.unwrap().satisfied, Some(true));
    assert!(matches!(app.rate_event(rating, "10.0.0.1").await, Err(AppError::Conflict(_))));
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
