//! Restructuring plans on both backends: problems listed before approval, remapping,
//! approval with a day of effect, who owns a function on a day, and who may do what.

use grassroots_app::restructuring::{ApproveRequest, MoveFunctionRequest, parse_document};
use grassroots_app::{Actor, App, AppError};
use grassroots_domain::restructuring::{PlanDocument, PlanPhase};
use serde_json::json;

use crate::both_backends;
use crate::helpers::*;

pub const LINHUAN_PLAN: &[u8] = include_bytes!("../../../../data/restructuring/linhuan-plan.json");

async fn actor(app: &App, username: &str) -> Actor {
    let u = app.find_user(&Actor::system("test"), username).await.unwrap();
    app.actor_of(u.id).await.unwrap()
}

fn approve(day: &str) -> ApproveRequest {
    ApproveRequest { effective_from: day.into() }
}

fn linhuan() -> PlanDocument {
    parse_document(LINHUAN_PLAN).unwrap()
}

both_backends!(a_plan_is_checked_approved_and_routes_work, |db: TestDb| async move {
    let app = demo(&db).await;
    let staffing = actor(&app, "suixi.staffing").await;

    // The real plan adds up: 24 departments into 10 offices, every post accounted for.
    let good = linhuan();
    assert!(good.problems().is_empty(), "{}", good.problems().summary());
    let c = good.comparison();
    assert_eq!((c.departments_before, c.offices_after), (24, 10));
    assert_eq!(c.posts_before, c.posts_after);

    // A broken draft is stored, its problems listed, and approval refused with all of them.
    let mut broken = linhuan();
    let moved = broken.functions[0].code.clone();
    broken.functions[0].office = None;
    let mut twice = broken.functions[1].clone();
    twice.office = broken.offices.iter().map(|o| o.code.clone()).find(|o| Some(o) != twice.office.as_ref());
    broken.functions.push(twice);
    let draft = app.create_plan(&staffing, broken).await.unwrap();
    let codes: Vec<&str> = draft.problems.iter().map(|p| p.code.as_str()).collect();
    assert!(codes.contains(&"unmapped") && codes.contains(&"mapped_twice"), "{codes:?}");
    let Err(AppError::Validation(e)) = app.approve_plan(&staffing, draft.plan.id, approve("2021-06-01")).await else {
        panic!("an invalid plan was approved")
    };
    assert_eq!(e.errors.len(), draft.problems.len());
    assert!(e.errors.iter().any(|f| f.location == format!("function {moved}")), "{}", e.summary());

    // Fixing it on the page's terms: map the function, drop the duplicate by replacing.
    let office = linhuan().functions[0].office.clone();
    let fixed = app
        .move_function(&staffing, draft.plan.id, MoveFunctionRequest { function: moved.clone(), office })
        .await
        .unwrap();
    assert!(fixed.problems.iter().all(|p| p.code != "unmapped"));
    let view = app.replace_plan(&staffing, draft.plan.id, linhuan()).await.unwrap();
    assert!(view.problems.is_empty());
    let view = app.approve_plan(&staffing, draft.plan.id, approve("2021-06-01")).await.unwrap();
    assert_eq!(view.phase, PlanPhase::InEffect);
    assert!(matches!(
        app.approve_plan(&staffing, draft.plan.id, approve("2021-06-01")).await,
        Err(AppError::Conflict(_))
    ));
    assert!(matches!(app.replace_plan(&staffing, draft.plan.id, linhuan()).await, Err(AppError::Conflict(_))));

    // Work addressed to a function goes to the legacy department before, the office after.
    let f = &linhuan().functions[0];
    let before = app.function_owner(&staffing, "340621104", &f.code, "2021-05-31").await.unwrap();
    assert_eq!((before.kind.as_str(), before.code.as_str()), ("department", f.department.as_str()));
    let after = app.function_owner(&staffing, "340621104", &f.code, "2021-06-01").await.unwrap();
    assert_eq!((after.kind.as_str(), Some(after.code.as_str())), ("office", f.office.as_deref()));

    // A later plan moves it; the history shows all three owners and the first is superseded.
    let mut later = linhuan();
    let from = later.functions[0].office.clone().unwrap();
    let to = later.offices.iter().map(|o| o.code.clone()).find(|o| *o != from).unwrap();
    let posts = later.functions[0].posts;
    later.functions[0].office = Some(to.clone());
    later.offices.iter_mut().find(|o| o.code == from).unwrap().posts -= posts;
    later.offices.iter_mut().find(|o| o.code == to).unwrap().posts += posts;
    let second = app.create_plan(&staffing, later).await.unwrap();
    assert!(second.problems.is_empty(), "{:?}", second.problems);
    app.approve_plan(&staffing, second.plan.id, approve("2023-01-01")).await.unwrap();
    // Plans take effect in order: none can slip in before one already approved.
    let third = app.create_plan(&staffing, linhuan()).await.unwrap();
    let Err(AppError::Validation(e)) = app.approve_plan(&staffing, third.plan.id, approve("2022-01-01")).await else {
        panic!("a plan slipped in before a later one")
    };
    assert_eq!(e.errors[0].code, "before_latest");
    // An edit made on a copy someone else has changed since lands nowhere: every write of a
    // draft is guarded by the document it was made from.
    let mut c = app.store.conn().await.unwrap();
    let stale = grassroots_store::restructuring::replace_document(&mut c, third.plan.id, "t", "{}", "stale").await;
    assert!(!stale.unwrap());
    drop(c);
    let owners: Vec<String> =
        app.function_history(&staffing, "340621104", &f.code).await.unwrap().into_iter().map(|o| o.code).collect();
    assert_eq!(owners, [f.department.clone(), from, to]);
    assert_eq!(app.get_plan(&staffing, draft.plan.id).await.unwrap().phase, PlanPhase::Superseded);
    assert!(matches!(app.function_owner(&staffing, "340621104", "F999", "2024-01-01").await, Err(AppError::NotFound)));

    // Who may: a town officer reads but may not draft; another county sees nothing.
    let town = actor(&app, "linhuan.officer").await;
    assert!(app.get_plan(&town, draft.plan.id).await.is_ok());
    assert!(matches!(app.create_plan(&town, linhuan()).await, Err(AppError::Forbidden)));
    let xinluo = actor(&app, "xinluo.admin").await;
    assert!(matches!(app.get_plan(&xinluo, draft.plan.id).await, Err(AppError::NotFound)));
    assert!(matches!(app.create_plan(&xinluo, linhuan()).await, Err(AppError::NotFound)));
    // Codes are read as people type them, spaces and all.
    let mut spaced = linhuan();
    spaced.division_code = " 340621105 ".into();
    assert_eq!(app.create_plan(&staffing, spaced).await.unwrap().plan.division_code, "340621105");
    let mut county = linhuan();
    county.division_code = "340621".into();
    let Err(AppError::Validation(e)) = app.create_plan(&staffing, county).await else { panic!("a county plan") };
    assert_eq!(e.errors[0].code, "not_a_town");
});

#[tokio::test]
async fn the_api_and_pages_show_plans_and_name_bad_json() {
    let db = TestDb::sqlite();
    let app = demo(&db).await;
    let c = Client::login(&app, "suixi.staffing").await;
    let r =
        c.send("POST", "/api/v1/plans", Some("application/json"), b"{\"division_code\": \"340621104\",".to_vec()).await;
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(r.json()["detail"].as_str().unwrap().contains("line 1 column 30"), "{}", r.text());
    let r = c.json("POST", "/api/v1/plans", &serde_json::from_slice::<serde_json::Value>(LINHUAN_PLAN).unwrap()).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["plan"]["id"].as_i64().unwrap();
    let r = c.json("POST", &format!("/api/v1/plans/{id}/approve"), &json!({ "effective_from": "2021-06-01" })).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let r = c.get("/api/v1/towns/340621104/functions/F001/owner?date=2022-01-01").await;
    assert_eq!(r.json()["kind"], "office", "{}", r.text());

    let page = c.get(&format!("/plans/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(page.text().contains("综合行政执法队") && page.text().contains("生效中"), "{}", page.text());
    let page = c.get("/plans?town=340621104&function=F001&date=2021-05-01").await;
    assert!(page.text().contains("改革前"), "{}", page.text());

    // A file that is not a plan, uploaded on the page, is named and nothing is stored.
    let b = "XB";
    let mut body =
        format!("--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n", c.csrf.clone().unwrap());
    body.push_str(&format!("--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.json\"\r\nContent-Type: application/json\r\n\r\n{{\"title\": 1}}\r\n--{b}--\r\n"));
    let r = c
        .without_csrf()
        .send("POST", "/plans", Some(&format!("multipart/form-data; boundary={b}")), body.into_bytes())
        .await;
    assert_eq!(r.status, 200);
    assert!(r.text().contains("line 1"), "{}", r.text());
    assert_eq!(c.get("/api/v1/plans").await.json()["total"], 1);
}
