//! Joint inspections on both backends: credit codes checked, plans of several departments
//! for one target proposed and merged into one visit, results with rectification and
//! re-check, and the pilot year's figures computed from the visits.

use grassroots_app::inspection::{MergeRequest, PlanRequest, RecheckRequest, ResultEntry, TargetRequest};
use grassroots_app::{Actor, App, AppError};
use grassroots_domain::inspection::{FindingAction, Outcome};

use crate::both_backends;
use crate::helpers::*;

async fn actor(app: &App, username: &str) -> Actor {
    let u = app.find_user(&Actor::system("test"), username).await.unwrap();
    app.actor_of(u.id).await.unwrap()
}

fn code_of(e: AppError) -> String {
    match e {
        AppError::Validation(v) => v.errors[0].code.clone(),
        other => panic!("not a validation error: {other:?}"),
    }
}

both_backends!(plans_become_one_visit_and_the_figures_follow, |db: TestDb| async move {
    let app = open(&db).await;
    assert_eq!(app.seed_demo().await.unwrap().inspections, 28);
    let leader = actor(&app, "suixi.leader").await;
    let year = app.inspection_indicators(&leader, "340621104", "2021-07-01", "2022-06-30").await.unwrap();
    assert_eq!(year.joint_inspections, 28);
    assert_eq!(year.visits_saved, 42);
    let calendar_year = app.inspection_indicators(&leader, "340621104", "2021-01-01", "2021-12-31").await.unwrap();
    assert_eq!(calendar_year.joint_inspections, 28, "the year 2021 holds them all");

    let inspector = actor(&app, "linhuan.inspector").await;
    let market = actor(&app, "suixi.market").await;
    // A credit code with a wrong check character is refused, naming it.
    let bad = TargetRequest {
        town: "340621104".into(),
        name: "临涣镇某新开饭店".into(),
        credit_code: Some("91350100M000100Y44".into()),
        address: "临涣镇".into(),
    };
    assert_eq!(code_of(app.add_inspection_target(&inspector, bad.clone()).await.unwrap_err()), "invalid_credit_code");
    let target = app
        .add_inspection_target(&inspector, TargetRequest { credit_code: Some("91350100M000100Y43".into()), ..bad })
        .await
        .unwrap();

    // Two departments plan the same target a week apart: one visit is proposed.
    let plan = |items: Vec<&str>, on: &str| PlanRequest {
        target_id: target.id,
        planned_on: on.into(),
        item_codes: items.into_iter().map(str::to_owned).collect(),
    };
    let e = app.plan_inspection(&market, plan(vec!["XF-01"], "2099-03-01")).await.unwrap_err();
    assert_eq!(code_of(e), "not_on_checklist", "a department plans with its own checklist");
    assert_eq!(
        code_of(app.plan_inspection(&market, plan(vec!["SC-01"], "2020-03-01")).await.unwrap_err()),
        "in_the_past"
    );
    assert!(matches!(
        app.plan_inspection(&inspector, plan(vec!["SC-01"], "2099-03-01")).await,
        Err(AppError::Forbidden)
    ));
    let p1 = app.plan_inspection(&market, plan(vec!["SC-01", "SC-02"], "2099-03-01")).await.unwrap();
    // A department keeps its own checklist and cannot take over another's items.
    let theirs = grassroots_domain::inspection::CheckItem {
        code: "XF-01".into(),
        department: "濉溪县市场监督管理局".into(),
        area: "消防安全".into(),
        text: "改写".into(),
    };
    assert!(matches!(app.set_check_items(&market, "340621", vec![theirs]).await, Err(AppError::NotYours(_))));
    // The fire brigade has no demo user; the operator acts on its behalf.
    let sys_fire = {
        let mut a = Actor::system("test");
        let mut c = app.store.conn().await.unwrap();
        let suixi = grassroots_domain::core::division::DivisionCode::parse("340621").unwrap();
        a.body_id = grassroots_store::core::bodies::find_by_name(&mut c, &suixi, "濉溪县消防救援大队")
            .await
            .unwrap()
            .map(|b| b.id);
        a
    };
    let p2 = app.plan_inspection(&sys_fire, plan(vec!["XF-01"], "2099-03-08")).await.unwrap();
    let (_, proposals) = app.inspection_plans(&inspector).await.unwrap();
    let mine = proposals.iter().find(|p| p.target_id == target.id).unwrap();
    assert_eq!((mine.plans.clone(), mine.visits_saved), (vec![p1.id, p2.id], 1));

    let merge = MergeRequest {
        plans: vec![p1.id, p2.id],
        visit_on: "2026-03-05".into(),
        team: "执法队、市场监管、消防".into(),
    };
    assert!(matches!(app.merge_plans(&market, merge.clone()).await, Err(AppError::Forbidden)));
    let v = app.merge_plans(&inspector, merge.clone()).await.unwrap();
    assert_eq!(v.results.len(), 3);
    assert!(matches!(app.merge_plans(&inspector, merge).await, Err(AppError::Conflict(_))), "a plan is merged once");

    // Results: a failure needs what becomes of it; a rectification order is checked again.
    let entry = |code: &str, outcome, action, by: Option<&str>| ResultEntry {
        item_code: code.into(),
        outcome,
        note: String::new(),
        action,
        rectify_by: by.map(str::to_owned),
    };
    let e = app.record_results(&inspector, v.inspection.id, vec![entry("SC-01", Outcome::Fail, None, None)]).await;
    assert_eq!(code_of(e.unwrap_err()), "action_required");
    let partly = app
        .record_results(
            &inspector,
            v.inspection.id,
            vec![entry("SC-01", Outcome::Fail, Some(FindingAction::Rectify), Some("2026-03-12"))],
        )
        .await
        .unwrap();
    assert!(partly.inspection.done_on.is_none());
    let done = app
        .record_results(
            &inspector,
            v.inspection.id,
            vec![entry("SC-02", Outcome::Pass, None, None), entry("XF-01", Outcome::NotApplicable, None, None)],
        )
        .await
        .unwrap();
    assert_eq!(done.inspection.done_on.as_deref(), Some("2026-03-05"));
    let recheck = RecheckRequest { item_code: "SC-01".into(), on: "2026-03-11".into(), passed: false };
    let after = app.recheck(&inspector, v.inspection.id, recheck.clone()).await.unwrap();
    assert_eq!(after.results.iter().find(|r| r.item_code == "SC-01").unwrap().action, Some(FindingAction::Case));
    assert_eq!(code_of(app.recheck(&inspector, v.inspection.id, recheck).await.unwrap_err()), "nothing_to_recheck");
    let rewrite = vec![entry("SC-01", Outcome::Pass, None, None)];
    let e = app.record_results(&inspector, v.inspection.id, rewrite).await;
    assert_eq!(code_of(e.unwrap_err()), "already_rechecked", "a rechecked finding is not rewritten");

    // The town's figures for 2026 count it; another town sees none of it.
    let y = app.inspection_indicators(&leader, "340621104", "2026-01-01", "2026-12-31").await.unwrap();
    assert_eq!((y.joint_inspections, y.visits_saved), (1, 1));
    let other = actor(&app, "shuangduiji.officer").await;
    assert!(matches!(app.get_inspection(&other, v.inspection.id).await, Err(AppError::NotFound)));
});

#[tokio::test]
async fn results_are_entered_on_the_page() {
    let db = TestDb::sqlite();
    let app = open(&db).await;
    app.seed_demo().await.unwrap();
    let c = Client::login(&app, "linhuan.inspector").await;
    let list = c.get("/inspections").await;
    assert!(list.text().contains("临涣老街某棒棒茶馆"), "{}", list.text());
    let inspector = actor(&app, "linhuan.inspector").await;
    // A visit whose findings were not rechecked yet: those results stand.
    let mut id = None;
    for v in app.list_inspections(&inspector, Default::default()).await.unwrap().items {
        let results = app.get_inspection(&inspector, v.id).await.unwrap().results;
        if results.iter().any(|r| r.item_code == "SC-01") && results.iter().all(|r| r.rechecked_on.is_none()) {
            id = Some(v.id);
            break;
        }
    }
    let id = id.expect("a visit without rechecks");
    let page = c.get(&format!("/inspections/{id}")).await;
    assert!(page.text().contains("outcome:SC-01"), "{}", page.text());
    let csrf = c.csrf.clone().unwrap();
    let r = c
        .without_csrf()
        .form(
            &format!("/inspections/{id}/results"),
            &[
                ("csrf", &csrf),
                ("outcome:SC-01", "fail"),
                ("note:SC-01", "无健康证"),
                ("action:SC-01", ""),
                ("by:SC-01", ""),
            ],
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(r.text().contains("不合格项须选择责令整改或立案查处"), "{}", r.text());
}
