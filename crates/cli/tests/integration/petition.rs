//! Petitions on both backends: the statutory course with its dated steps and the bars of
//! the 2022 regulation, bad input refused whole, personal data sealed at rest, masked for
//! those who do not handle petitions and audited when shown in clear, repeats found, the
//! public's petition, tracking and rating; over HTTP the same; and the demo's −22.2%.

use grassroots_app::petition::{
    PetitionExtensionRequest, PetitionRatingRequest, PetitionRequest, PetitionStageRequest, PetitionTrackRequest,
};
use grassroots_app::{Actor, App, AppError, Settings};
use grassroots_domain::page::PageRequest;
use grassroots_domain::petition::{Channel, PetitionId, PetitionKind, PetitionStage, Petitioner};
use serde_json::json;
use time::Duration;

use crate::both_backends;
use crate::helpers::*;

async fn actor(app: &App, username: &str) -> Actor {
    let u = app.find_user(&Actor::system("test"), username).await.unwrap();
    app.actor_of(u.id).await.unwrap()
}

fn codes(e: AppError) -> Vec<(String, String)> {
    match e {
        AppError::Validation(v) => v.errors.into_iter().map(|f| (f.location, f.code)).collect(),
        other => panic!("not a validation error: {other:?}"),
    }
}

/// A well-formed ID number from its first 17 digits.
fn id_number(first17: &str) -> String {
    format!("{first17}{}", grassroots_domain::petition::id_check_character(first17))
}

fn day(n: i64) -> String {
    (grassroots_app::core::today() - Duration::days(n)).to_string()
}

/// 张三 of the GB 11643-1999 example.
fn someone() -> Petitioner {
    Petitioner {
        name: "张三".into(),
        id_number: "11010519491231002X".into(),
        phone: "13800001234".into(),
        address: "濉溪县临涣镇临涣村".into(),
    }
}

fn request(received: &str) -> PetitionRequest {
    PetitionRequest {
        division: "340621104200".into(),
        channel: Channel::Letter,
        kind: PetitionKind::Claim,
        title: "采煤塌陷区搬迁安置补偿".into(),
        content: "反映本组搬迁安置补偿款尚未足额发放，请求核实。".into(),
        people: 1,
        petitioner: someone(),
        received_on: Some(received.into()),
        sent_on: false,
    }
}

fn step(to: PetitionStage, on: &str, note: &str) -> PetitionStageRequest {
    PetitionStageRequest { to, on: Some(on.into()), note: note.into(), hearing_days: None, satisfied: None }
}

async fn count(app: &App) -> i64 {
    let mut c = app.store.conn().await.unwrap();
    sqlx::query_scalar("SELECT COUNT(*) FROM petition").fetch_one(&mut *c).await.unwrap()
}

both_backends!(a_petition_runs_its_statutory_course, |db: TestDb| async move {
    use PetitionStage::*;
    let app = demo(&db).await;
    let officer = actor(&app, "linhuan.officer").await;
    let v = app.register_petition(&officer, request(&day(100))).await.unwrap();
    let id = v.petition.id;
    assert_eq!(v.petition.stage, Registered);
    assert_eq!(v.petition.due_on.as_deref(), Some(day(85).as_str()), "told within 15 days");
    assert!(v.overdue, "100 days on and nobody told the petitioner");
    let late: Vec<PetitionId> = app.overdue_petitions(&officer).await.unwrap().iter().map(|p| p.id).collect();
    assert_eq!(late, [id]);

    // Out of order, in the future, before the step before, without its reply: refused.
    assert_eq!(
        codes(app.move_petition(&officer, id, step(Replied, &day(90), "答复")).await.unwrap_err())[0].1,
        "out_of_order"
    );
    assert_eq!(
        codes(app.move_petition(&officer, id, step(Accepted, &day(-1), "")).await.unwrap_err())[0].1,
        "in_the_future"
    );
    assert_eq!(
        codes(app.move_petition(&officer, id, step(Accepted, &day(101), "")).await.unwrap_err())[0].1,
        "before_last_step"
    );
    let not_sent_on = app.move_petition(&officer, id, step(Objected, &day(99), "不属本机关")).await.unwrap_err();
    assert_eq!(codes(not_sent_on)[0].1, "not_sent_on");

    let v = app.move_petition(&officer, id, step(Accepted, &day(95), "")).await.unwrap();
    assert_eq!(v.petition.due_on.as_deref(), Some(day(35).as_str()), "60 days from acceptance");
    let ext = |days: i64| PetitionExtensionRequest {
        days,
        approved_by: "镇长".into(),
        note: "需多部门核查，已告知信访人".into(),
        on: Some(day(40)),
    };
    assert_eq!(codes(app.extend_petition(&officer, id, ext(31)).await.unwrap_err())[0].1, "over_extension_limit");
    let v = app.extend_petition(&officer, id, ext(20)).await.unwrap();
    assert_eq!(v.petition.due_on.as_deref(), Some(day(15).as_str()), "60 + 20 days");
    assert!(app.extend_petition(&officer, id, ext(11)).await.is_err(), "30 days in all at most");
    let v = app.move_petition(&officer, id, step(Replied, &day(20), "已核实并补发")).await.unwrap();
    assert!(!v.overdue && v.petition.due_on.is_none(), "replied in time: nothing owed");
    let handling = v.clocks.iter().find(|c| c.name == "handling").unwrap();
    assert_eq!((handling.met_on.as_deref(), handling.overdue), (Some(day(20).as_str()), false));

    // The review window: 30 days from the reply.
    let v = app.move_petition(&officer, id, step(ReviewAsked, &day(5), "")).await.unwrap();
    assert_eq!(v.petition.due_on.as_deref(), Some(day(-25).as_str()), "answered within 30 days");
    let v = app.move_petition(&officer, id, step(Reviewed, &day(1), "维持")).await.unwrap();
    assert_eq!(v.next, [RereviewAsked, Closed]);
    let v = app.move_petition(&officer, id, step(RereviewAsked, &day(0), "")).await.unwrap();
    let req = PetitionStageRequest { hearing_days: Some(5), ..step(Rereviewed, &day(0), "复核维持") };
    let v2 = app.move_petition(&officer, id, req).await.unwrap();
    assert_eq!(v.petition.stage, RereviewAsked);
    assert_eq!(v2.petition.hearing_days, 5);
    let closing = PetitionStageRequest { satisfied: Some(false), ..step(Closed, &day(0), "") };
    let v = app.move_petition(&officer, id, closing).await.unwrap();
    assert_eq!((v.petition.stage, v.petition.satisfied), (Closed, Some(false)));
    assert!(v.next.is_empty());
    let actions: Vec<&str> = v.timeline.iter().map(|l| l.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "registered",
            "accepted",
            "extended",
            "replied",
            "review_asked",
            "reviewed",
            "rereview_asked",
            "rereviewed",
            "closed"
        ]
    );

    // After re-review the same matter from the same petitioner is not accepted again;
    // a late review request is refused.
    let again = app.register_petition(&officer, request(&day(0))).await.unwrap();
    assert_eq!(again.petition.repeat_of, Some(id));
    assert_eq!(again.petition.repeat_reason.as_deref(), Some("same_petitioner"));
    let refused = app.move_petition(&officer, again.petition.id, step(Accepted, &day(0), "")).await.unwrap_err();
    assert_eq!(codes(refused)[0].1, "already_rereviewed");
    let old = app
        .register_petition(
            &officer,
            PetitionRequest {
                petitioner: Petitioner { id_number: id_number("34062119900101001"), ..someone() },
                title: "要求补发养老保险待遇".into(),
                content: "待遇停发".into(),
                ..request(&day(120))
            },
        )
        .await
        .unwrap()
        .petition
        .id;
    app.move_petition(&officer, old, step(Accepted, &day(119), "")).await.unwrap();
    app.move_petition(&officer, old, step(Replied, &day(80), "已补发")).await.unwrap();
    let late = app.move_petition(&officer, old, step(ReviewAsked, &day(40), "")).await.unwrap_err();
    assert_eq!(codes(late)[0].1, "request_late", "39 days after the reply");
});

both_backends!(bad_petitions_are_refused_whole, |db: TestDb| async move {
    let app = demo(&db).await;
    let officer = actor(&app, "linhuan.officer").await;
    let before = count(&app).await;
    let bad = PetitionRequest {
        title: " ".into(),
        people: 0,
        petitioner: Petitioner {
            name: String::new(),
            id_number: "110105194912310021".into(),
            phone: "12345".into(),
            address: String::new(),
        },
        ..request(&day(-3))
    };
    let got = codes(app.register_petition(&officer, bad).await.unwrap_err());
    for want in [
        ("title", "required"),
        ("people", "invalid_people"),
        ("petitioner.name", "required"),
        ("petitioner.id_number", "id_check_digit"),
        ("petitioner.phone", "invalid_phone"),
        ("petitioner.address", "required"),
        ("received_on", "in_the_future"),
    ] {
        assert!(got.contains(&(want.0.to_owned(), want.1.to_owned())), "{want:?} in {got:?}");
    }
    let elsewhere = PetitionRequest { division: "340621105200".into(), ..request(&day(0)) };
    assert_eq!(codes(app.register_petition(&officer, elsewhere).await.unwrap_err())[0].1, "unknown_division");
    let viewer = actor(&app, "suixi.leader").await;
    assert!(matches!(app.register_petition(&viewer, request(&day(0))).await, Err(AppError::Forbidden)));
    assert_eq!(count(&app).await, before, "nothing half-written");

    // Without a key nothing is taken, and nothing is stored in clear instead.
    let unkeyed = App::open(&db.url, Settings { files_dir: files_dir(), ..Settings::default() }).await.unwrap();
    let officer = actor(&unkeyed, "linhuan.officer").await;
    assert!(matches!(unkeyed.register_petition(&officer, request(&day(0))).await, Err(AppError::Unconfigured(_))));
    assert_eq!(count(&app).await, before);
});

both_backends!(petitioners_are_sealed_masked_and_audited, |db: TestDb| async move {
    let app = demo(&db).await;
    let officer = actor(&app, "linhuan.officer").await;
    let v = app.register_petition(&officer, request(&day(0))).await.unwrap();
    let id = v.petition.id;
    assert_eq!(v.petition.petitioner.name, "张*", "shown masked by default");
    assert_eq!(v.petition.petitioner.id_number, "110105***********X");
    assert!(!v.in_clear);

    // At rest: sealed text and a digest, none of the data.
    let mut c = app.store.conn().await.unwrap();
    let (sealed, digest): (String, String) =
        sqlx::query_as("SELECT petitioner_sealed, petitioner_digest FROM petition WHERE id = $1")
            .bind(id.0)
            .fetch_one(&mut *c)
            .await
            .unwrap();
    drop(c);
    for clear in ["张三", "11010519491231002X", "13800001234", "临涣村"] {
        assert!(!sealed.contains(clear) && !digest.contains(clear), "{clear} at rest");
    }
    assert!(sealed.starts_with("v1:"));
    // Another installation's key opens nothing.
    let other = Settings {
        files_dir: files_dir(),
        petition_key: Some(grassroots_app::petition::PetitionKey::demo()),
        ..Settings::default()
    };
    let other = App::open(&db.url, other).await.unwrap();
    assert!(matches!(other.get_petition(&Actor::system("test"), id).await, Err(AppError::Store(_))));

    // Those who do not handle petitions see it masked and may not open it.
    let viewer = actor(&app, "suixi.leader").await;
    assert_eq!(app.get_petition(&viewer, id).await.unwrap().petition.petitioner.phone, "138****1234");
    assert!(matches!(app.petition_in_clear(&viewer, id).await, Err(AppError::Forbidden)));
    let elsewhere = actor(&app, "shuangduiji.officer").await;
    assert!(matches!(app.petition_in_clear(&elsewhere, id).await, Err(AppError::NotFound)));
    let listed = app.list_petitions(&viewer, None, false, PageRequest::default()).await.unwrap();
    assert!(listed.items.iter().all(|p| p.petitioner.name.ends_with('*')));

    // A handler sees it in clear; the view is audited, without the data.
    let full = app.petition_in_clear(&officer, id).await.unwrap();
    assert!(full.in_clear);
    assert_eq!(full.petition.petitioner, someone());
    let audit = app.list_audit(&Actor::system("test"), PageRequest::from_parts(Some(1), Some(200))).await.unwrap();
    let views: Vec<_> = audit.items.iter().filter(|r| r.entry.action == "petition.view_petitioner").collect();
    assert_eq!(views.len(), 1);
    assert_eq!(
        (views[0].entry.object_id.as_str(), views[0].entry.actor.contains("linhuan.officer")),
        (id.to_string().as_str(), true)
    );
    for r in audit.items.iter().filter(|r| r.entry.object_type == "petition") {
        let text = format!("{:?}{:?}", r.entry.before, r.entry.after);
        assert!(!text.contains("张三") && !text.contains("13800001234"), "clear data in the audit log: {text}");
    }
});

both_backends!(repeats_are_found_and_the_public_follows_its_petition, |db: TestDb| async move {
    let app = demo(&db).await;
    let officer = actor(&app, "linhuan.officer").await;
    let first = app.register_petition(&officer, request(&day(30))).await.unwrap().petition.id;
    // Someone else, the same matter about the same village in other words.
    let neighbour = Petitioner { name: "李四".into(), id_number: id_number("34062119850505001"), ..someone() };
    let retold = PetitionRequest {
        petitioner: neighbour,
        title: "反映采煤塌陷搬迁安置补偿款未足额发放".into(),
        content: "本组搬迁安置补偿款一直没有足额发放，请求核实。".into(),
        ..request(&day(10))
    };
    let v = app.register_petition(&officer, retold).await.unwrap();
    assert_eq!(v.petition.repeat_of, Some(first));
    assert!(v.petition.repeat_reason.as_deref().unwrap().starts_with("similar_matter:"));
    let unrelated = PetitionRequest {
        petitioner: Petitioner { id_number: id_number("34062119700303001"), ..someone() },
        title: "建议增设公交站点".into(),
        content: "老人就医不便".into(),
        ..request(&day(10))
    };
    assert_eq!(app.register_petition(&officer, unrelated).await.unwrap().petition.repeat_of, None);

    // Online, without login: the channel is online whatever is sent; followed by number
    // and phone, rated once after the reply.
    let public = PetitionRequest {
        channel: Channel::Letter,
        petitioner: Petitioner { id_number: id_number("34062120000101001"), phone: "13900002222".into(), ..someone() },
        title: "建议修缮村内道路".into(),
        ..request(&day(50))
    };
    let number = app.public_petition(public).await.unwrap();
    assert!(number.starts_with("XF"));
    let wrong = PetitionTrackRequest { tracking_number: number.clone(), phone: "13900003333".into() };
    assert!(matches!(app.track_petition(&wrong, "10.0.0.1").await, Err(AppError::NotFound)));
    let right = PetitionTrackRequest { tracking_number: number.clone(), phone: "139 0000 2222".into() };
    let (p, t) = app.track_petition(&right, "10.0.0.1").await.unwrap();
    assert_eq!(
        (p.channel, p.received_on.as_str(), t.stage),
        (Channel::Online, day(0).as_str(), PetitionStage::Registered)
    );
    let rate =
        |satisfied| PetitionRatingRequest { tracking_number: number.clone(), phone: "13900002222".into(), satisfied };
    assert_eq!(codes(app.rate_petition(rate(true), "10.0.0.1").await.unwrap_err())[0].1, "not_replied");
    app.move_petition(&officer, p.id, step(PetitionStage::Accepted, &day(0), "")).await.unwrap();
    app.move_petition(&officer, p.id, step(PetitionStage::Replied, &day(0), "已列入明年计划")).await.unwrap();
    assert_eq!(app.rate_petition(rate(true), "10.0.0.1").await.unwrap().satisfied, Some(true));
    assert!(matches!(app.rate_petition(rate(false), "10.0.0.1").await, Err(AppError::Conflict(_))));
    // Guessing numbers is throttled.
    for _ in 0..5 {
        let _ = app
            .track_petition(&PetitionTrackRequest { tracking_number: "XF1".into(), phone: "1".into() }, "10.0.0.9")
            .await;
    }
    let guess = PetitionTrackRequest { tracking_number: "XF1".into(), phone: "1".into() };
    assert!(matches!(app.track_petition(&guess, "10.0.0.8").await, Err(AppError::RateLimited)));

    // Objections: a matter sent on may be objected to within 5 working days.
    let sent = PetitionRequest {
        sent_on: true,
        petitioner: Petitioner { id_number: id_number("34062119600606001"), ..someone() },
        title: "反映河道非法采砂".into(),
        content: "夜间采砂".into(),
        ..request(&day(20))
    };
    let sent = app.register_petition(&officer, sent).await.unwrap().petition.id;
    let late = app.move_petition(&officer, sent, step(PetitionStage::Objected, &day(0), "应由县水利局办理")).await;
    assert_eq!(codes(late.unwrap_err())[0].1, "objection_late");
});

#[tokio::test]
async fn petitions_over_http() {
    let db = TestDb::sqlite();
    let app = demo(&db).await;
    let officer = Client::login(&app, "linhuan.officer").await;
    let body = serde_json::to_value(json!({
        "division": "340621104200", "channel": "visit", "kind": "claim", "title": "低保资格认定",
        "petitioner": {"name": "王五", "id_number": "11010519491231002X", "phone": "13800005555", "address": "临涣村"}
    }))
    .unwrap();
    let r = officer.json("POST", "/api/v1/petitions", &body).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["petition"]["id"].as_i64().unwrap();
    assert_eq!(r.json()["petition"]["petitioner"]["name"], "王*");
    let bad = json!({"division": "340621104200", "channel": "visit", "kind": "claim", "title": "x",
        "petitioner": {"name": "王五", "id_number": "110105194912310021", "phone": "13800005555", "address": "临涣村"}});
    let r = officer.json("POST", "/api/v1/petitions", &bad).await;
    assert_eq!((r.status.as_u16(), r.json()["errors"][0]["location"].as_str()), (422, Some("petitioner.id_number")));
    let missing = json!({"division": "340621104200", "channel": "visit", "kind": "claim", "title": "x",
        "petitioner": {"name": "王五"}});
    let problem = officer.json("POST", "/api/v1/petitions", &missing).await.json();
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().filter_map(|e| e["location"].as_str()).collect();
    assert_eq!(fields, ["petitioner.id_number", "petitioner.phone", "petitioner.address"], "every missing field named");
    let r = officer.get(&format!("/api/v1/petitions/{id}/petitioner")).await;
    assert_eq!((r.status.as_u16(), r.json()["petition"]["petitioner"]["name"].as_str()), (200, Some("王五")));
    let r = officer.json("POST", &format!("/api/v1/petitions/{id}/stage"), &json!({"to": "accepted"})).await;
    assert_eq!((r.status.as_u16(), r.json()["petition"]["stage"].as_str()), (200, Some("accepted")));
    let leader = Client::login(&app, "suixi.leader").await;
    assert_eq!(leader.get(&format!("/api/v1/petitions/{id}/petitioner")).await.status, 403);
    assert_eq!(
        leader.get(&format!("/api/v1/petitions/{id}")).await.json()["petition"]["petitioner"]["phone"],
        "138****5555"
    );
    let r = leader.get("/api/v1/petitions?overdue=true").await;
    assert_eq!((r.status.as_u16(), r.json()["total"].as_i64()), (200, Some(0)));

    // The public, without a session.
    let public = Client::new(&app);
    let r = public
        .json(
            "POST",
            "/api/v1/public/petitions",
            &json!({"division": "340621104", "channel": "online", "kind": "suggestion", "title": "建议增设路灯",
                "petitioner": {"name": "赵六", "id_number": "11010519491231002X", "phone": "13800006666", "address": "临涣镇"}}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let number = r.json()["tracking_number"].as_str().unwrap().to_owned();
    let r = public
        .json("POST", "/api/v1/public/petitions/track", &json!({"tracking_number": number, "phone": "13800006666"}))
        .await;
    assert_eq!((r.status.as_u16(), r.json()["stage"].as_str()), (200, Some("registered")));

    // The pages: the list and the petition, masked; shown in full on a deliberate POST.
    let page = officer.get("/petitions").await;
    assert!(page.text().contains("低保资格认定") && page.text().contains("王*"));
    let page = officer.get(&format!("/petitions/{id}")).await.text();
    assert!(page.contains("王*") && !page.contains("13800005555"));
    let csrf = officer.csrf.clone().unwrap();
    let page = officer.without_csrf();
    assert_eq!(
        page.form(&format!("/petitions/{id}/petitioner"), &[]).await.status.as_u16(),
        403,
        "a CSRF field is needed"
    );
    let full = page.form(&format!("/petitions/{id}/petitioner"), &[("csrf", &csrf)]).await.text();
    assert!(full.contains("13800005555"), "{full}");
    let step = [("csrf", csrf.as_str()), ("to", "replied"), ("on", ""), ("note", "")];
    let moved = page.form(&format!("/petitions/{id}/stage"), &step).await.text();
    assert!(moved.contains("class=\"error\"") && moved.contains("note"), "{moved}");
}

#[tokio::test]
async fn the_demo_s_petitions_fall_22_2_percent_and_run_their_course() {
    let db = TestDb::sqlite();
    let app = open(&db).await;
    app.seed_demo().await.unwrap();
    let sys = Actor::system("test");
    let h = app.headline(&sys, "340621104", 2021).await.unwrap();
    assert_eq!(h.petitions, Some(35));
    assert_eq!((h.petitions_yoy.unwrap() * 1000.0).round(), -222.0);
    let late = app.overdue_petitions(&sys).await.unwrap();
    let stages: Vec<PetitionStage> = late.iter().map(|p| p.stage).collect();
    assert_eq!(stages, [PetitionStage::Accepted, PetitionStage::Registered], "handling and acceptance overdue");
    // A record changes, the figure moves.
    let officer = actor(&app, "linhuan.officer").await;
    app.register_petition(&officer, request("2021-06-01")).await.unwrap();
    assert_eq!(app.headline(&sys, "340621104", 2021).await.unwrap().petitions, Some(36));
    let again = app.seed_demo().await.unwrap();
    assert_eq!(again.petitions, 0, "a second run adds nothing");
}
