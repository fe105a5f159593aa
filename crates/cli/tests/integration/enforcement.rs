//! Enforcement cases on both backends: filing only on a power held on the day of the act,
//! within the limitation period; stages in order with the statutory clocks; gapless numbers
//! under concurrency; and the pilot year's figures computed from the cases.

use grassroots_app::enforcement::{AdvanceRequest, FileRequest, PauseRequest, RatingRequest, RemindRequest};
use grassroots_app::{Actor, App, AppError};
use grassroots_domain::enforcement::{Procedure, Satisfaction, Stage};

use crate::both_backends;
use crate::helpers::*;

async fn actor(app: &App, username: &str) -> Actor {
    let u = app.find_user(&Actor::system("test"), username).await.unwrap();
    app.actor_of(u.id).await.unwrap()
}

/// A held penalty power of Linhuan from the demo (granted from 2021-07-01).
async fn held_power(app: &App, a: &Actor) -> String {
    let list = app.power_list(a, "340621104", Some("2021-07-01")).await.unwrap();
    list.powers[0].matter_code.clone()
}

fn filing(matter: Option<&str>, act: &str, filed: &str, procedure: Procedure) -> FileRequest {
    FileRequest {
        town: "340621104".into(),
        procedure,
        party_name: "临涣镇某烧烤店".into(),
        party_is_organisation: true,
        act_date: act.into(),
        filed_on: Some(filed.into()),
        matter_code: matter.map(str::to_owned),
        legal_basis: "《中华人民共和国大气污染防治法》第一百一十八条".into(),
        facts: "露天烧烤，油烟直排。".into(),
        discovered_on: None,
        caused_harm: false,
    }
}

fn step(to: Stage, on: &str) -> AdvanceRequest {
    AdvanceRequest { to, on: on.into(), note: String::new(), hearing_on: None, penalty: None, fine_fen: None }
}

fn code_of(e: AppError) -> String {
    match e {
        AppError::Validation(v) => v.errors[0].code.clone(),
        other => panic!("not a validation error: {other:?}"),
    }
}

both_backends!(the_pilot_year_is_computed_from_its_cases, |db: TestDb| async move {
    let app = open(&db).await;
    assert_eq!(app.seed_demo().await.unwrap().cases, 51);
    let leader = actor(&app, "suixi.leader").await;
    let year = app.case_indicators(&leader, "340621104", "2021-07-01", "2022-06-30").await.unwrap();
    assert_eq!((year.filed, year.closed), (51, 51));
    assert_eq!(year.avg_days, Some(5.0));
    assert_eq!((year.satisfaction_rate, year.on_time_share), (Some(1.0), Some(1.0)));
    let calendar_year = app.case_indicators(&leader, "340621104", "2021-01-01", "2021-12-31").await.unwrap();
    assert_eq!(calendar_year.filed, 51, "the year 2021 holds them all, as the reform reported it");

    // One more case, ten days and a dissatisfied party: both figures move.
    let inspector = actor(&app, "linhuan.inspector").await;
    let matter = held_power(&app, &inspector).await;
    let v =
        app.file_case(&inspector, filing(Some(&matter), "2022-06-19", "2022-06-20", Procedure::Summary)).await.unwrap();
    let decide =
        AdvanceRequest { fine_fen: Some(10_000), penalty: Some("罚款".into()), ..step(Stage::Decided, "2022-06-20") };
    app.advance_case(&inspector, v.case.id, decide).await.unwrap();
    app.advance_case(&inspector, v.case.id, step(Stage::Executed, "2022-06-30")).await.unwrap();
    app.advance_case(&inspector, v.case.id, step(Stage::Closed, "2022-06-30")).await.unwrap();
    let rating = RatingRequest { satisfaction: Satisfaction::Dissatisfied, note: String::new() };
    app.rate_case(&inspector, v.case.id, rating.clone()).await.unwrap();
    assert!(matches!(app.rate_case(&inspector, v.case.id, rating).await, Err(AppError::Conflict(_))));
    let moved = app.case_indicators(&leader, "340621104", "2021-07-01", "2022-06-30").await.unwrap();
    assert_eq!(moved.filed, 52);
    assert!((moved.avg_days.unwrap() - 265.0 / 52.0).abs() < 1e-9, "{moved:?}");
    assert!((moved.satisfaction_rate.unwrap() - 51.0 / 52.0).abs() < 1e-9);
    assert!(v.case.document_number.starts_with("临涣综执罚〔2022〕"), "{}", v.case.document_number);

    // The headline counts the same cases in one aggregate per division, on either backend.
    for division in ["340621104", "340621"] {
        let h = app.headline(&leader, division, 2021).await.unwrap();
        assert_eq!((h.cases, h.avg_case_days, h.satisfaction_rate), (Some(51), Some(5.0), Some(1.0)), "{division}");
        let h = app.headline(&leader, division, 2022).await.unwrap();
        assert_eq!((h.cases, h.avg_case_days, h.satisfaction_rate), (Some(1), Some(10.0), Some(0.0)), "{division}");
    }
    let trend = app.trend(&leader, "340621", 2020..=2022).await.unwrap();
    let counted: Vec<_> = trend.iter().map(|y| (y.year, y.cases, y.joint_inspections, y.petitions)).collect();
    assert_eq!(counted, [(2020, 0, 0, 75), (2021, 51, 28, 62), (2022, 1, 0, 0)]);
});

both_backends!(a_case_follows_the_law, |db: TestDb| async move {
    let app = open(&db).await;
    app.seed_demo().await.unwrap();
    let inspector = actor(&app, "linhuan.inspector").await;
    let matter = held_power(&app, &inspector).await;

    // Filing: on a power held on the day of the act, within two years, not in the future.
    let before_grant = filing(Some(&matter), "2021-06-30", "2021-07-02", Procedure::General);
    assert_eq!(code_of(app.file_case(&inspector, before_grant).await.unwrap_err()), "power_not_held");
    let barred = filing(Some(&matter), "2021-07-02", "2023-07-03", Procedure::General);
    assert_eq!(code_of(app.file_case(&inspector, barred).await.unwrap_err()), "time_barred");
    let mut harmful = filing(Some(&matter), "2021-07-02", "2023-07-03", Procedure::General);
    harmful.caused_harm = true;
    let harmful = app.file_case(&inspector, harmful).await.expect("five years when harm was done");
    assert!(harmful.case.caused_harm, "and the case says why");
    // The period runs from the act to its discovery, not to the filing.
    let mut found_in_time = filing(Some(&matter), "2021-07-02", "2023-07-03", Procedure::General);
    found_in_time.discovered_on = Some("2023-06-30".into());
    let found = app.file_case(&inspector, found_in_time).await.expect("discovered within two years");
    assert_eq!(found.case.discovered_on.as_deref(), Some("2023-06-30"));
    let later = filing(Some(&matter), "2022-01-02", "2022-01-01", Procedure::General);
    assert_eq!(code_of(app.file_case(&inspector, later).await.unwrap_err()), "dates_out_of_order");
    let mut after_filing = filing(Some(&matter), "2021-07-02", "2021-07-05", Procedure::General);
    after_filing.discovered_on = Some("2021-07-06".into());
    assert_eq!(code_of(app.file_case(&inspector, after_filing).await.unwrap_err()), "dates_out_of_order");
    let mut duty = filing(None, "2021-03-01", "2021-03-02", Procedure::General);
    duty.legal_basis = "《村庄和集镇规划建设管理条例》第三十七条（乡级人民政府）".into();
    assert!(app.file_case(&inspector, duty).await.is_ok(), "a statutory duty of the town needs no devolved power");
    let town_officer = actor(&app, "linhuan.officer").await;
    let ok = filing(Some(&matter), "2021-09-28", "2021-09-29", Procedure::General);
    assert!(matches!(app.file_case(&town_officer, ok.clone()).await, Err(AppError::Forbidden)));
    let mut other_town = ok.clone();
    other_town.town = "340621105".into();
    assert!(matches!(app.file_case(&inspector, other_town).await, Err(AppError::NotFound)));

    // A general case across the 2021 National Day holiday.
    let id = app.file_case(&inspector, ok).await.unwrap().case.id;
    let e = app.advance_case(&inspector, id, step(Stage::Decided, "2021-09-29")).await.unwrap_err();
    assert_eq!(code_of(e), "out_of_order");
    app.advance_case(&inspector, id, step(Stage::Investigating, "2021-09-29")).await.unwrap();
    let e = app.advance_case(&inspector, id, step(Stage::Notified, "2021-09-28")).await.unwrap_err();
    assert_eq!(code_of(e), "before_previous_stage");
    app.advance_case(&inspector, id, step(Stage::Notified, "2021-09-29")).await.unwrap();
    // Not decided while the party may still ask to be heard.
    let hasty = AdvanceRequest { fine_fen: Some(100_000), ..step(Stage::Decided, "2021-10-12") };
    assert_eq!(code_of(app.advance_case(&inspector, id, hasty).await.unwrap_err()), "before_hearing_window_ends");
    // Five working days to ask for a hearing: 30 Sep, 8, 9, 11, 12 October.
    let late = AdvanceRequest { hearing_on: Some("2021-11-01".into()), ..step(Stage::Hearing, "2021-10-13") };
    assert_eq!(code_of(app.advance_case(&inspector, id, late).await.unwrap_err()), "hearing_request_late");
    let soon = AdvanceRequest { hearing_on: Some("2021-10-19".into()), ..step(Stage::Hearing, "2021-10-12") };
    assert_eq!(code_of(app.advance_case(&inspector, id, soon).await.unwrap_err()), "hearing_too_soon");
    let heard = AdvanceRequest { hearing_on: Some("2021-10-21".into()), ..step(Stage::Hearing, "2021-10-12") };
    app.advance_case(&inspector, id, heard).await.unwrap();
    let pause =
        PauseRequest { kind: "extend".into(), days: 30, reason: "案情复杂".into(), approved_by: "镇长".into() };
    app.advance_case(
        &inspector,
        id,
        AdvanceRequest {
            fine_fen: Some(100_000), penalty: Some("罚款".into()), ..step(Stage::Decided, "2021-10-25")
        },
    )
    .await
    .unwrap();
    assert_eq!(code_of(app.pause_case(&inspector, id, pause).await.unwrap_err()), "already_decided");
    let v = app.advance_case(&inspector, id, step(Stage::Served, "2021-10-26")).await.unwrap();
    let due = |name: &str| v.clocks.iter().find(|c| c.name == name).unwrap().due.clone();
    assert_eq!(due("decision"), "2021-12-28");
    assert_eq!(due("hearing_request"), "2021-10-12");
    assert_eq!(due("payment"), "2021-11-10");
    // Unpaid years later: the surcharge is capped at the fine; a demand to pay starts the
    // ten-working-day wait before a court may be asked to enforce.
    assert_eq!(v.surcharge_fen, 100_000);
    assert_eq!(
        code_of(app.advance_case(&inspector, id, step(Stage::Closed, "2021-11-01")).await.unwrap_err()),
        "fine_unpaid"
    );
    let early = RemindRequest { on: "2021-11-05".into() };
    assert_eq!(code_of(app.remind_case(&inspector, id, early).await.unwrap_err()), "not_yet_due");
    let v = app.remind_case(&inspector, id, RemindRequest { on: "2021-11-12".into() }).await.unwrap();
    assert_eq!(v.clocks.iter().find(|c| c.name == "court_application").unwrap().due, "2021-11-26");
    assert_eq!(v.timeline.len(), 7, "{:?}", v.timeline);
    // Unpaid past its due day, the case is on the overdue list with the payment clock.
    let late = app.overdue_cases(&inspector).await.unwrap();
    let (_, clocks) = late.iter().find(|(c, _)| c.id == id).unwrap();
    // Years later, the three months to ask a court to enforce (after the six to sue) are
    // over too: the town has lost that chance, and the list says so.
    assert_eq!(clocks.iter().map(|k| k.name).collect::<Vec<_>>(), ["payment", "court_deadline"]);

    // Summary procedure: at most 200 yuan for a person, on the spot.
    let mut person = filing(Some(&matter), "2022-03-01", "2022-03-01", Procedure::Summary);
    person.party_is_organisation = false;
    let sid = app.file_case(&inspector, person).await.unwrap().case.id;
    let later = AdvanceRequest { fine_fen: Some(5_000), ..step(Stage::Decided, "2022-03-02") };
    assert_eq!(code_of(app.advance_case(&inspector, sid, later).await.unwrap_err()), "summary_not_on_the_spot");
    let too_much = AdvanceRequest { fine_fen: Some(20_001), ..step(Stage::Decided, "2022-03-01") };
    assert_eq!(code_of(app.advance_case(&inspector, sid, too_much).await.unwrap_err()), "over_summary_limit");
});

both_backends!(case_numbers_have_no_gaps_or_repeats_under_concurrency, |db: TestDb| async move {
    let app = open(&db).await;
    app.seed_demo().await.unwrap();
    let inspector = actor(&app, "linhuan.inspector").await;
    let matter = held_power(&app, &inspector).await;
    let mut handles = Vec::new();
    for _ in 0..12 {
        let (app, a, m) = (app.clone(), inspector.clone(), matter.clone());
        handles.push(tokio::spawn(async move {
            app.file_case(&a, filing(Some(&m), "2023-01-02", "2023-01-03", Procedure::General)).await
        }));
    }
    let mut numbers = Vec::new();
    for h in handles {
        numbers.push(h.await.unwrap().unwrap().case.document_number);
    }
    numbers.sort();
    let mut expected: Vec<String> = (1..=12).map(|n| format!("临涣综执罚〔2023〕{n}号")).collect();
    expected.sort();
    assert_eq!(numbers, expected);
});

#[tokio::test]
async fn the_case_pages_show_clocks_and_take_the_next_stage() {
    let db = TestDb::sqlite();
    let app = open(&db).await;
    app.seed_demo().await.unwrap();
    let inspector = actor(&app, "linhuan.inspector").await;
    let matter = held_power(&app, &inspector).await;
    let id = app
        .file_case(&inspector, filing(Some(&matter), "2022-05-09", "2022-05-10", Procedure::General))
        .await
        .unwrap()
        .case
        .id;
    let c = Client::login(&app, "linhuan.inspector").await;
    let page = c.get(&format!("/cases/{id}")).await;
    assert!(page.text().contains("行政处罚法 第六十条") && page.text().contains("2022-08-08"), "{}", page.text());
    let csrf = c.csrf.clone().unwrap();
    let r = c
        .without_csrf()
        .form(&format!("/cases/{id}/advance"), &[("csrf", &csrf), ("to", "investigating"), ("on", "2022-05-10")])
        .await;
    assert_eq!(r.status, 303, "{}", r.text());
    let r = c
        .without_csrf()
        .form(&format!("/cases/{id}/advance"), &[("csrf", &csrf), ("to", "closed"), ("on", "2022-05-10")])
        .await;
    assert_eq!(r.status, 200);
    assert!(r.text().contains("不能跳过或倒退环节"), "the out-of-order move is refused on the page: {}", r.text());
    assert!(r.text().contains("调查取证"), "the timeline reads in Chinese");
    let list = c.get("/cases?stage=investigating").await;
    assert!(list.text().contains(&format!("/cases/{id}")));
    let other = Client::login(&app, "shuangduiji.officer").await;
    assert_eq!(other.get(&format!("/cases/{id}")).await.status, 404);
}
