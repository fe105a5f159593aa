//! Duty lists on both backends: import, publish, the version in force, diff, inheritance
//! from the county template, and who may do what.

use grassroots_app::admission::lists::PublishRequest;
use grassroots_app::{Actor, App, AppError};
use grassroots_domain::admission::{ItemKind, VersionStatus};
use grassroots_domain::core::division::DivisionCode;
use grassroots_domain::page::PageRequest;

use crate::both_backends;
use crate::helpers::*;

pub const LISTS: &[u8] = include_bytes!("../../../../data/screening/lists.csv");

fn code(s: &str) -> DivisionCode {
    DivisionCode::parse(s).unwrap()
}

async fn actor(app: &App, username: &str) -> Actor {
    let u = app.find_user(&Actor::system("test"), username).await.unwrap();
    app.actor_of(u.id).await.unwrap()
}

fn publish(day: &str) -> PublishRequest {
    PublishRequest { effective_from: day.into() }
}

both_backends!(lists_are_versioned_published_and_compared, |db: TestDb| async move {
    let app = demo(&db).await;
    let staffing = actor(&app, "suixi.staffing").await;
    let linhuan = code("340621104");
    let v1 = app.import_list(&staffing, &linhuan, LISTS, "2022年版").await.unwrap();
    assert_eq!((v1.number, v1.status), (1, VersionStatus::Draft));
    // A draft is not in force.
    assert!(matches!(app.list_in_force(&staffing, &linhuan, "2026-01-01").await, Err(AppError::NotFound)));
    app.publish_list(&staffing, v1.id, publish("2022-03-01")).await.unwrap();
    assert!(matches!(app.publish_list(&staffing, v1.id, publish("2022-03-01")).await, Err(AppError::Conflict(_))));

    let edited = String::from_utf8(LISTS.to_vec())
        .unwrap()
        .replace("村（社区）党组织换届选举指导", "村（社区）党组织换届选举指导和监督");
    let edited: String = edited.lines().filter(|l| !l.contains("LH-JB-022")).collect::<Vec<_>>().join("\n");
    let v2 = app.import_list(&staffing, &linhuan, edited.as_bytes(), "2025年修订").await.unwrap();
    app.publish_list(&staffing, v2.id, publish("2025-07-01")).await.unwrap();
    let old = app.list_in_force(&staffing, &linhuan, "2024-12-31").await.unwrap();
    let new = app.list_in_force(&staffing, &linhuan, "2025-07-01").await.unwrap();
    assert_eq!((old.version.number, new.version.number), (1, 2));
    assert_eq!(old.items.len(), 58);
    assert_eq!(new.items.len(), 57);
    let d = app.diff_lists(&staffing, v1.id, v2.id).await.unwrap();
    assert_eq!((d.added.len(), d.removed.len(), d.changed.len(), d.unchanged), (0, 1, 1, 56));
    assert_eq!(d.removed[0].code, "LH-JB-022");
    assert_eq!(d.changed[0].fields[0].0, "title");

    // The town sees its lists; another town's officer does not; no one else may publish.
    let officer = actor(&app, "linhuan.officer").await;
    assert_eq!(app.get_list(&officer, v2.id).await.unwrap().items.len(), 57);
    assert!(matches!(app.publish_list(&officer, v2.id, publish("2025-07-01")).await, Err(AppError::Forbidden)));
    let other = actor(&app, "shuangduiji.officer").await;
    assert!(matches!(app.get_list(&other, v2.id).await, Err(AppError::NotFound)));
    let foreign = actor(&app, "xinluo.admin").await;
    assert!(matches!(app.import_list(&foreign, &linhuan, LISTS, "").await, Err(AppError::NotFound)));
    let history = app.list_versions(&officer, Some(&linhuan), PageRequest::default()).await.unwrap();
    assert_eq!(history.total, 2);
    assert_eq!(app.list_versions(&other, None, PageRequest::default()).await.unwrap().total, 0);
});

both_backends!(towns_inherit_the_county_template, |db: TestDb| async move {
    let app = demo(&db).await;
    let staffing = actor(&app, "suixi.staffing").await;
    assert!(matches!(app.inherit_list(&staffing, &code("340621105")).await, Err(AppError::Validation(_))));
    let template = app.import_list(&staffing, &code("340621"), LISTS, "县级模板").await.unwrap();
    app.publish_list(&staffing, template.id, publish("2022-01-01")).await.unwrap();
    let draft = app.inherit_list(&staffing, &code("340621105")).await.unwrap();
    assert_eq!(draft.based_on, Some(template.id));
    let got = app.get_list(&staffing, draft.id).await.unwrap();
    assert_eq!(got.items.len(), 58);
    assert_eq!(got.items.iter().filter(|i| i.kind == ItemKind::Negative).count(), 13);
});

both_backends!(a_bad_list_file_stores_nothing, |db: TestDb| async move {
    let app = demo(&db).await;
    let staffing = actor(&app, "suixi.staffing").await;
    let bad = "kind,code,title\nduty,A-1,甲\nduty,A-1,乙\n";
    let Err(AppError::Validation(e)) = app.import_list(&staffing, &code("340621104"), bad.as_bytes(), "").await else {
        panic!()
    };
    assert_eq!(e.errors[0].code, "duplicate_code");
    assert_eq!(app.list_versions(&staffing, None, PageRequest::default()).await.unwrap().total, 0);
    let Err(AppError::Validation(e)) = app.import_list(&staffing, &code("340621104200"), LISTS, "").await else {
        panic!()
    };
    assert_eq!(e.errors[0].code, "not_town_or_county");
});

#[tokio::test]
async fn lists_over_http_round_trip_through_xlsx() {
    use axum::http::StatusCode;
    use grassroots_app::admission::listfile;
    let db = TestDb::sqlite();
    let app = demo(&db).await;
    let c = Client::login(&app, "suixi.staffing").await;
    let xlsx = listfile::write_xlsx(&listfile::read(LISTS).unwrap()).unwrap();
    let xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let r = c.send("POST", "/api/v1/divisions/340621104/lists?note=2022", Some(xlsx_type), xlsx).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["id"].as_i64().unwrap();
    let r = c
        .json("POST", &format!("/api/v1/lists/{id}/publish"), &serde_json::json!({"effective_from": "2022-03-01"}))
        .await;
    assert_eq!(r.json()["status"], "published");
    let negative = c.get(&format!("/api/v1/lists/{id}?kind=negative")).await.json();
    assert_eq!(negative["items"].as_array().unwrap().len(), 13);
    let found = c.get(&format!("/api/v1/lists/{id}?q=%E9%A3%9F%E5%93%81")).await.json();
    assert!(found["items"].as_array().unwrap().iter().all(|i| i.to_string().contains("食品")));

    // Export, import again: the same list.
    let exported = c.get(&format!("/api/v1/lists/{id}/export?format=xlsx")).await;
    assert_eq!(exported.headers["content-type"], xlsx_type);
    let r = c.send("POST", "/api/v1/divisions/340621104/lists", Some(xlsx_type), exported.body).await;
    let again = r.json()["id"].as_i64().unwrap();
    let d = c.get(&format!("/api/v1/lists/{again}/diff?against={id}")).await.json();
    assert_eq!(
        (
            d["added"].as_array().unwrap().len(),
            d["removed"].as_array().unwrap().len(),
            d["changed"].as_array().unwrap().len()
        ),
        (0, 0, 0)
    );
    assert_eq!(d["unchanged"], 58);

    let r = c.get("/api/v1/divisions/340621104/lists/in-force?date=2023-01-01").await.json();
    assert_eq!(r["version"]["id"].as_i64(), Some(id));
    let r = c
        .send("POST", "/api/v1/divisions/340621104/lists", Some("application/octet-stream"), vec![0, 159, 146, 150])
        .await;
    assert_eq!((r.status, r.json()["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("validation_failed")));
    assert_eq!(r.json()["errors"][0]["code"], "unsupported_file");
}

async fn pilot_lists(app: &App) {
    let sys = Actor::system("test");
    for town in ["340621104", "340621105"] {
        let v = app.import_list(&sys, &code(town), LISTS, "2022年版").await.unwrap();
        app.publish_list(&sys, v.id, publish("2022-03-01")).await.unwrap();
    }
}

fn task(title: &str, text: &str, towns: &[&str]) -> grassroots_app::admission::tasks::NewTaskRequest {
    grassroots_app::admission::tasks::NewTaskRequest {
        title: title.into(),
        text: text.into(),
        targets: towns.iter().map(|t| code(t)).collect(),
        due_date: Some("2026-12-31".into()),
        legal_basis: None,
    }
}

both_backends!(tasks_are_screened_ruled_appealed_and_counted, |db: TestDb| async move {
    use grassroots_app::admission::tasks::{AppealRequest, RulingRequest};
    use grassroots_domain::admission::Decision;
    use grassroots_domain::admission::task::TargetState;
    let app = demo(&db).await;
    pilot_lists(&app).await;
    let market = actor(&app, "suixi.market").await;
    let both = ["340621104", "340621105"];

    let coop = app
        .send_task(
            &market,
            task(
                "关于协助开展节日食品安全检查的通知",
                "请各乡镇配合县市场监管局对辖区农村集体聚餐和小餐饮开展监督检查。",
                &both,
            ),
        )
        .await
        .unwrap();
    assert!(coop.targets.iter().all(|t| t.decision == Decision::Cooperation && t.state == TargetState::Accepted));
    assert_eq!(coop.targets[0].lead_department.as_deref(), Some("县市场监督管理局"));
    let refused = app
        .send_task(
            &market,
            task(
                "关于由乡镇核发食品经营许可证的通知",
                "即日起辖区小餐饮的食品经营许可证由各乡镇受理审查并核发。",
                &both[..1],
            ),
        )
        .await
        .unwrap();
    assert_eq!((refused.targets[0].decision, refused.targets[0].state), (Decision::Negative, TargetState::Refused));
    assert!(refused.targets[0].evidence_json.contains("许可证"));
    let review = app
        .send_task(
            &market,
            task(
                "关于下达招商引资任务并实行考核排名的通知",
                "请各乡镇完成年度招商引资签约项目三个，年底排名通报。",
                &both,
            ),
        )
        .await
        .unwrap();
    assert!(review.targets.iter().all(|t| t.decision == Decision::Review && t.state == TargetState::PendingReview));

    // The town sees its own copy only; another county does not see the task at all.
    let shuangduiji = actor(&app, "shuangduiji.officer").await;
    assert_eq!(app.get_task(&shuangduiji, review.task.id).await.unwrap().targets.len(), 1);
    assert!(matches!(app.get_task(&actor(&app, "xinluo.admin").await, review.task.id).await, Err(AppError::NotFound)));

    // The staffing office's queue and rulings.
    let staffing = actor(&app, "suixi.staffing").await;
    let queue = app.list_targets(&staffing, Some(TargetState::PendingReview), PageRequest::default()).await.unwrap();
    assert_eq!(queue.total, 2);
    let (first, second) = (review.targets[0].id, review.targets[1].id);
    let no_reason = RulingRequest { accept: false, reason: " ".into(), add_item: None };
    assert!(matches!(app.rule_on_target(&staffing, first, no_reason).await, Err(AppError::Validation(_))));
    assert!(matches!(
        app.rule_on_target(&market, first, RulingRequest { accept: false, reason: "x".into(), add_item: None }).await,
        Err(AppError::Forbidden)
    ));
    let refuse = RulingRequest {
        accept: false,
        reason: "招商引资考核排名属于“清单之外无事项”，不予准入".into(),
        add_item: None,
    };
    assert_eq!(app.rule_on_target(&staffing, first, refuse).await.unwrap().state, TargetState::Refused);
    let mut item = app
        .get_list(&staffing, app.list_in_force(&staffing, &code("340621105"), "2026-01-01").await.unwrap().version.id)
        .await
        .unwrap()
        .items[0]
        .clone();
    item.code = "LH-JB-099".into();
    item.title = "招商引资项目服务".into();
    let mut negative = item.clone();
    negative.kind = ItemKind::Negative;
    let wrong = RulingRequest { accept: true, reason: "x".into(), add_item: Some(negative) };
    assert!(matches!(app.rule_on_target(&staffing, second, wrong).await, Err(AppError::Validation(_))));
    let accept = RulingRequest { accept: true, reason: "纳入基本履职事项".into(), add_item: Some(item) };
    assert_eq!(app.rule_on_target(&staffing, second, accept).await.unwrap().state, TargetState::Accepted);
    let now_in_force =
        app.list_in_force(&staffing, &code("340621105"), &grassroots_app::core::today().to_string()).await.unwrap();
    assert_eq!(now_in_force.items.len(), 59);
    assert!(matches!(
        app.rule_on_target(&staffing, second, RulingRequest { accept: true, reason: String::new(), add_item: None })
            .await,
        Err(AppError::Conflict(_))
    ));

    // One appeal of a refusal, by the sender only.
    let appeal = || AppealRequest { reason: "该任务系上级统一部署".into() };
    assert!(matches!(
        app.appeal_target(&shuangduiji, first, appeal()).await,
        Err(AppError::NotFound | AppError::Forbidden)
    ));
    assert_eq!(app.appeal_target(&market, first, appeal()).await.unwrap().state, TargetState::PendingReview);
    let refuse_again = RulingRequest { accept: false, reason: "维持原决定".into(), add_item: None };
    app.rule_on_target(&staffing, first, refuse_again).await.unwrap();
    assert!(matches!(app.appeal_target(&market, first, appeal()).await, Err(AppError::Conflict(_))));

    // Withdrawal reaches every town where the task is open; a refusal stays a refusal.
    let w = app.withdraw_task(&market, coop.task.id).await.unwrap();
    assert!(w.targets.iter().all(|t| t.state == TargetState::Withdrawn));
    let w = app.withdraw_task(&market, refused.task.id).await.unwrap();
    assert_eq!(w.targets[0].state, TargetState::Refused);
    assert!(matches!(app.withdraw_task(&market, coop.task.id).await, Err(AppError::Conflict(_))));

    let report = app.burden(&staffing).await.unwrap();
    let row = &report.rows[0];
    assert_eq!(row.sender, "濉溪县市场监督管理局");
    assert_eq!((row.cooperation, row.negative, row.review, row.total), (2, 1, 2, 5));
    assert!(row.month.len() == 7 && row.month.starts_with("20"), "{row:?}");
    assert!((row.refused_share - 0.4).abs() < 1e-9, "{row:?}");
    assert!(report.review_hours.values().all(|h| *h >= 0.0));
});

both_backends!(bad_tasks_are_refused_whole, |db: TestDb| async move {
    let app = demo(&db).await;
    pilot_lists(&app).await;
    let market = actor(&app, "suixi.market").await;
    let Err(AppError::Validation(e)) = app.send_task(&market, task("", "内容", &[])).await else { panic!() };
    let at: Vec<&str> = e.errors.iter().map(|f| f.location.as_str()).collect();
    assert_eq!(at, ["title", "targets"]);
    let long = "很".repeat(20_001);
    let Err(AppError::Validation(e)) =
        app.send_task(&market, task("标题", &long, &["350802104", "340621104200"])).await
    else {
        panic!()
    };
    let codes: Vec<&str> = e.errors.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, ["too_long", "not_a_town_of_your_county", "not_a_town_of_your_county"]);
    assert!(matches!(
        app.send_task(&actor(&app, "linhuan.officer").await, task("标题", "内容", &["340621104"])).await,
        Err(AppError::Forbidden)
    ));
    let staffing = actor(&app, "suixi.staffing").await;
    assert_eq!(app.list_targets(&staffing, None, PageRequest::default()).await.unwrap().total, 0);
});

#[tokio::test]
async fn the_pages_send_show_and_rule() {
    use axum::http::StatusCode;
    let db = TestDb::sqlite();
    let app = demo(&db).await;
    pilot_lists(&app).await;
    let market = Client::login(&app, "suixi.market").await;
    let csrf = market.csrf.clone().unwrap();
    let page = market.without_csrf();
    let form = [
        ("csrf", csrf.as_str()),
        ("title", "关于由乡镇核发食品经营许可证的通知"),
        ("text", "即日起辖区小餐饮的食品经营许可证由各乡镇受理审查并核发。"),
        ("targets", "340621104"),
        ("targets", "340621105"),
    ];
    let r = page.form("/tasks", &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let html = page.get(&r.location()).await.text();
    assert!(html.contains("负面清单") && html.contains("<mark>") && html.contains("LH-FM-"), "{html}");
    let empty = [("csrf", csrf.as_str()), ("title", "标题"), ("text", "内容")];
    let html = page.form("/tasks", &empty).await.text();
    assert!(html.contains("输入有误"), "{html}");

    let review = [
        ("csrf", csrf.as_str()),
        ("title", "关于下达招商引资任务的通知"),
        ("text", "完成签约项目三个，年底排名通报。"),
        ("targets", "340621104"),
    ];
    page.form("/tasks", &review).await;
    let staffing = Client::login(&app, "suixi.staffing").await;
    let queue = staffing.get("/review").await.text();
    assert!(queue.contains("关于下达招商引资任务的通知") && queue.contains("/ruling"), "{queue}");
    let target =
        staffing.get("/api/v1/task-targets?state=pending_review").await.json()["items"][0]["id"].as_i64().unwrap();
    let s_csrf = staffing.csrf.clone().unwrap();
    let ruling = [("csrf", s_csrf.as_str()), ("accept", "false"), ("reason", "清单之外无事项")];
    let r = staffing.without_csrf().form(&format!("/task-targets/{target}/ruling"), &ruling).await;
    assert_eq!((r.status, r.location()), (StatusCode::SEE_OTHER, "/review".to_owned()));
    assert_eq!(staffing.get("/api/v1/task-targets?state=pending_review").await.json()["total"], 0);
    let html = staffing.get("/tasks?state=%22%3E%3Ch1%3Einjected&page=2").await.text();
    assert!(!html.contains("<h1>injected"), "the state parameter reaches the page unescaped");
    let burden = staffing.get("/burden").await.text();
    assert!(burden.contains("<svg") && burden.contains("濉溪县市场监督管理局"), "{burden}");
    // A town's new draft from the county template, through the page.
    let template = app.import_list(&Actor::system("test"), &code("340621"), LISTS, "模板").await.unwrap();
    app.publish_list(&Actor::system("test"), template.id, publish("2022-01-01")).await.unwrap();
    let r =
        staffing.without_csrf().form("/lists/inherit", &[("csrf", s_csrf.as_str()), ("division", "340621105")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert!(staffing.get(&r.location()).await.text().contains("草稿"));
    let lists = staffing.get("/lists?division=340621104&kind=negative").await.text();
    assert!(lists.contains("LH-FM-001") && !lists.contains("LH-JB-001"));
}
