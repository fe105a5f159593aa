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
    assert_eq!(old.items.len(), 49);
    assert_eq!(new.items.len(), 48);
    let d = app.diff_lists(&staffing, v1.id, v2.id).await.unwrap();
    assert_eq!((d.added.len(), d.removed.len(), d.changed.len(), d.unchanged), (0, 1, 1, 47));
    assert_eq!(d.removed[0].code, "LH-JB-022");
    assert_eq!(d.changed[0].fields[0].0, "title");

    // The town sees its lists; another town's officer does not; no one else may publish.
    let officer = actor(&app, "linhuan.officer").await;
    assert_eq!(app.get_list(&officer, v2.id).await.unwrap().items.len(), 48);
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
    assert_eq!(got.items.len(), 49);
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
    assert_eq!(d["unchanged"], 49);

    let r = c.get("/api/v1/divisions/340621104/lists/in-force?date=2023-01-01").await.json();
    assert_eq!(r["version"]["id"].as_i64(), Some(id));
    let r = c
        .send("POST", "/api/v1/divisions/340621104/lists", Some("application/octet-stream"), vec![0, 159, 146, 150])
        .await;
    assert_eq!((r.status, r.json()["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("validation_failed")));
    assert_eq!(r.json()["errors"][0]["code"], "unsupported_file");
}
