//! The empowerment menu on both backends: the catalog with errors by row and column, a
//! round from orders to published lists with every refusal the issue names, two officers
//! deciding at once, the power check, taking back, uses and evaluation; and the demo's
//! completed round.

use grassroots_app::core::users::NewUserRequest;
use grassroots_app::empowerment::catalog::Filter;
use grassroots_app::empowerment::catalogfile;
use grassroots_app::empowerment::powers::{RevokeRequest, UseRequest};
use grassroots_app::empowerment::rounds::{
    AssessRequest, DecideRequest, NewRoundRequest, OrderFilter, OrderRequest, PublishRoundRequest,
};
use grassroots_app::{Actor, App, AppError};
use grassroots_domain::core::role::Role;
use grassroots_domain::empowerment::{Opinion, OrderDecision, RoundId, UseKind};
use grassroots_domain::page::PageRequest;
use serde_json::json;

use crate::both_backends;
use crate::helpers::*;

/// Matters of two departments the demo directory has.
pub const CATALOG: &str = "code,name,power_type,department,legal_basis,requirements,risk\n\
    340621CF001,对未取得食品经营许可从事食品经营活动的处罚,penalty,濉溪县市场监督管理局,《中华人民共和国食品安全法》第一百二十二条,持证执法人员2名,high\n\
    340621XK001,个体工商户登记,licensing,濉溪县市场监督管理局,《促进个体工商户发展条例》,,low\n\
    340621CF050,对在禁止区域露天焚烧秸秆的处罚,penalty,濉溪县生态环境分局,《中华人民共和国大气污染防治法》第一百一十九条,,medium\n\
    340621XK010,农药经营许可,licensing,濉溪县农业农村局,《农药管理条例》第二十四条,,medium\n";

async fn actor(app: &App, username: &str) -> Actor {
    let u = app.find_user(&Actor::system("test"), username).await.unwrap();
    app.actor_of(u.id).await.unwrap()
}

/// A department officer of another department than the demo's market regulator.
async fn officer_of(app: &App, body: &str, username: &str, role: Role) -> Actor {
    let sys = Actor::system("test");
    let suixi = grassroots_domain::core::division::DivisionCode::parse("340621").unwrap();
    let mut c = app.store.conn().await.unwrap();
    let body = grassroots_store::core::bodies::find_by_name(&mut c, &suixi, body).await.unwrap().unwrap();
    drop(c);
    let req = NewUserRequest {
        username: username.into(),
        display_name: username.into(),
        role,
        body_id: body.id,
        password: PASSWORD.into(),
    };
    let u = app.add_user(&sys, req).await.unwrap();
    app.actor_of(u.id).await.unwrap()
}

fn today() -> String {
    grassroots_app::core::today().to_string()
}

fn order(town: &str, matter: &str) -> OrderRequest {
    OrderRequest {
        town: town.into(),
        matter_code: matter.into(),
        reason: "集镇区域此类问题多发".into(),
        yearly_volume: 20,
    }
}

fn codes(e: AppError) -> Vec<(String, String)> {
    match e {
        AppError::Validation(v) => v.errors.into_iter().map(|f| (f.location, f.code)).collect(),
        other => panic!("not a validation error: {other:?}"),
    }
}

both_backends!(the_catalog_imports_all_or_nothing, |db: TestDb| async move {
    let app = demo(&db).await;
    let staffing = actor(&app, "suixi.staffing").await;
    let bad = format!(
        "{CATALOG}340621CF002,对某事的处罚,fine,濉溪县市场监督管理局,,,low\n340621CF003,对某事的处罚,penalty,濉溪县不存在局,,,low\n"
    );
    let e = app.import_catalog(&staffing, "340621", bad.as_bytes()).await.unwrap_err();
    assert_eq!(codes(e), [("row 6, column C (power_type)".into(), "invalid_power_type".into())]);
    let bad = format!("{CATALOG}340621CF003,对某事的处罚,penalty,濉溪县不存在局,,,low\n");
    let e = app.import_catalog(&staffing, "340621", bad.as_bytes()).await.unwrap_err();
    assert_eq!(codes(e), [("row 6, column D (department)".into(), "unknown_department".into())]);
    let all = app.list_catalog(&staffing, "340621", &Filter::default(), PageRequest::default()).await.unwrap();
    assert_eq!(all.total, 0, "nothing is half-written");

    let s = app.import_catalog(&staffing, "340621", CATALOG.as_bytes()).await.unwrap();
    assert_eq!((s.inserted, s.updated), (4, 0));
    let s = app.import_catalog(&staffing, "340621", CATALOG.as_bytes()).await.unwrap();
    assert_eq!((s.inserted, s.updated), (0, 4));
    let exported = app.export_catalog(&staffing, "340621").await.unwrap();
    let back: Vec<_> = catalogfile::read(&catalogfile::write_xlsx(&exported).unwrap())
        .unwrap()
        .into_iter()
        .map(|r| r.matter)
        .collect();
    assert_eq!(back, exported);

    // Towns read their county's catalog, filtered; they may not import; another county sees nothing.
    assert_eq!(
        app.list_catalog(&staffing, " 340621 ", &Filter::default(), PageRequest::default()).await.unwrap().total,
        4
    );
    let town = actor(&app, "linhuan.officer").await;
    let penalties = Filter { power_type: "penalty".into(), ..Default::default() };
    assert_eq!(app.list_catalog(&town, "340621", &penalties, PageRequest::default()).await.unwrap().total, 2);
    assert!(matches!(app.import_catalog(&town, "340621", CATALOG.as_bytes()).await, Err(AppError::Forbidden)));
    let xinluo = actor(&app, "xinluo.admin").await;
    assert!(matches!(
        app.list_catalog(&xinluo, "340621", &Filter::default(), PageRequest::default()).await,
        Err(AppError::NotFound)
    ));
});

both_backends!(a_round_goes_from_orders_to_published_lists, |db: TestDb| async move {
    let app = demo(&db).await;
    let staffing = actor(&app, "suixi.staffing").await;
    let linhuan = actor(&app, "linhuan.officer").await;
    let shuangduiji = actor(&app, "shuangduiji.officer").await;
    let market = actor(&app, "suixi.market").await;
    let farming = officer_of(&app, "濉溪县农业农村局", "suixi.farming", Role::DepartmentOfficer).await;
    let ecology = officer_of(&app, "濉溪县生态环境分局", "suixi.ecology", Role::DepartmentOfficer).await;
    app.import_catalog(&staffing, "340621", CATALOG.as_bytes()).await.unwrap();

    let past = NewRoundRequest { county: "340621".into(), title: "2021年度".into(), deadline: "2021-01-01".into() };
    assert_eq!(codes(app.open_round(&staffing, past).await.unwrap_err())[0].1, "in_the_past");
    let req = NewRoundRequest { county: "340621".into(), title: "2021年度乡镇赋权".into(), deadline: today() };
    assert!(matches!(app.open_round(&linhuan, req.clone()).await, Err(AppError::Forbidden)));
    let round = app.open_round(&staffing, req).await.unwrap();

    // Orders: once per matter; not for another town; not from a matter outside the catalog.
    let o1 = app.place_order(&linhuan, round.id, order("340621104", "340621CF001")).await.unwrap();
    let again = app.place_order(&linhuan, round.id, order("340621104", "340621CF001")).await;
    assert!(matches!(again, Err(AppError::Conflict(ref m)) if m.contains("already ordered")), "{again:?}");
    assert!(matches!(
        app.place_order(&linhuan, round.id, order("340621105", "340621CF001")).await,
        Err(AppError::NotFound)
    ));
    assert_eq!(
        codes(app.place_order(&linhuan, round.id, order("340621104", "NOPE")).await.unwrap_err())[0].1,
        "unknown_matter"
    );
    let o2 = app.place_order(&linhuan, round.id, order("340621104", "340621XK010")).await.unwrap();
    let o3 = app.place_order(&shuangduiji, round.id, order("340621105", "340621CF001")).await.unwrap();
    let o4 = app.place_order(&shuangduiji, round.id, order("340621105", "340621CF050")).await.unwrap();
    // Each town sees its own orders; the county all.
    assert_eq!(app.round_orders(&linhuan, round.id, &OrderFilter::default()).await.unwrap().len(), 2);
    assert_eq!(app.round_orders(&staffing, round.id, &OrderFilter::default()).await.unwrap().len(), 4);

    // Deciding while towns may still order is refused.
    let grant = DecideRequest { decision: OrderDecision::Granted, reason: String::new() };
    assert_eq!(codes(app.decide_order(&staffing, o1.id, grant.clone()).await.unwrap_err())[0].1, "ordering_open");
    app.close_round(&staffing, round.id).await.unwrap();
    assert!(matches!(app.close_round(&staffing, round.id).await, Err(AppError::Conflict(_))));
    let late = app.place_order(&linhuan, round.id, order("340621104", "340621XK001")).await.unwrap_err();
    assert_eq!(codes(late)[0].1, "ordering_closed");

    // Assessment: only by the owning department, once, with reasons unless feasible.
    let feasible = AssessRequest { opinion: Opinion::Feasible, assessment: String::new() };
    assert!(matches!(app.assess_order(&farming, o1.id, feasible.clone()).await, Err(AppError::NotYours(_))));
    assert!(matches!(app.assess_order(&linhuan, o1.id, feasible.clone()).await, Err(AppError::Forbidden)));
    let vague = AssessRequest { opinion: Opinion::Conditional, assessment: " ".into() };
    assert_eq!(codes(app.assess_order(&market, o1.id, vague).await.unwrap_err())[0].0, "assessment");
    let queue = app.round_orders(&market, round.id, &OrderFilter { town: None, mine_to_assess: true }).await.unwrap();
    assert_eq!(queue.len(), 2, "the market regulator's queue holds its own matters only");
    app.assess_order(&market, o1.id, feasible.clone()).await.unwrap();
    assert!(matches!(app.assess_order(&market, o1.id, feasible.clone()).await, Err(AppError::Conflict(_))));
    app.assess_order(&farming, o2.id, feasible.clone()).await.unwrap();
    app.assess_order(&market, o3.id, feasible.clone()).await.unwrap();

    // Deciding before all assessments are in is refused.
    assert_eq!(codes(app.decide_order(&staffing, o1.id, grant.clone()).await.unwrap_err())[0].1, "assessments_pending");
    let no = AssessRequest { opinion: Opinion::Infeasible, assessment: "镇无环境监测能力".into() };
    app.assess_order(&ecology, o4.id, no).await.unwrap();

    // Two officers decide the same order at once: one wins, the other is told who did.
    let second = officer_of(&app, "中共濉溪县委机构编制委员会办公室", "suixi.staffing2", Role::StaffingOfficer).await;
    let refuse = DecideRequest { decision: OrderDecision::Refused, reason: "承接条件不足".into() };
    let (a, b) = tokio::join!(
        app.decide_order(&staffing, o1.id, grant.clone()),
        app.decide_order(&second, o1.id, refuse.clone())
    );
    assert!(a.is_ok() != b.is_ok(), "exactly one decision wins: {a:?} {b:?}");
    let lost = if a.is_ok() { b } else { a };
    assert!(matches!(lost, Err(AppError::Conflict(ref m)) if m.contains("already decided")), "{lost:?}");
    let o1_granted = app
        .round_orders(&staffing, round.id, &OrderFilter::default())
        .await
        .unwrap()
        .iter()
        .any(|o| o.id == o1.id && o.decision == Some(OrderDecision::Granted));
    assert_eq!(
        codes(
            app.decide_order(
                &staffing,
                o2.id,
                DecideRequest { decision: OrderDecision::Refused, reason: String::new() }
            )
            .await
            .unwrap_err()
        )[0]
        .0,
        "reason"
    );
    app.decide_order(&staffing, o2.id, grant.clone()).await.unwrap();
    let publish = PublishRoundRequest { effective_from: "2021-07-01".into() };
    assert_eq!(
        codes(app.publish_round(&staffing, round.id, publish.clone()).await.unwrap_err())[0].1,
        "decisions_pending"
    );
    app.decide_order(&staffing, o3.id, grant.clone()).await.unwrap();
    app.decide_order(&staffing, o4.id, refuse.clone()).await.unwrap();

    // Publishing gives each town its own list.
    let versions = app.publish_round(&staffing, round.id, publish.clone()).await.unwrap();
    assert_eq!(versions.len(), 2, "both towns were granted something");
    assert!(matches!(app.publish_round(&staffing, round.id, publish).await, Err(AppError::Conflict(_))));
    let view = app.get_round(&staffing, round.id).await.unwrap();
    assert_eq!(
        (view.stats.orders, view.stats.granted, view.stats.refused),
        (4, 2 + i64::from(o1_granted), 2 - i64::from(o1_granted))
    );
    let lh = app.power_list(&linhuan, "340621104", None).await.unwrap();
    let sdj = app.power_list(&shuangduiji, "340621105", None).await.unwrap();
    assert!(lh.powers.iter().any(|p| p.matter_code == "340621XK010"));
    assert_eq!(sdj.powers.iter().map(|p| p.matter_code.as_str()).collect::<Vec<_>>(), ["340621CF001"]);
    assert!(matches!(app.power_list(&linhuan, "340621105", None).await, Err(AppError::NotFound)));

    // The check the enforcement flow makes: held from the day the list takes effect.
    let held = |d: &'static str| {
        let app = app.clone();
        let s = staffing.clone();
        async move { app.holds_power(&s, "340621105", "340621CF001", d).await.unwrap().held }
    };
    assert!(!held("2021-06-30").await);
    assert!(held("2021-07-01").await);

    // A use is recorded only under a power held that day, never in the future.
    let inspector = actor(&app, "linhuan.inspector").await;
    let use_on = |d: &str, m: &str| UseRequest {
        matter_code: m.into(),
        used_on: d.into(),
        kind: UseKind::Case,
        reference: "临执罚〔2022〕1号".into(),
        complaint: false,
        reversed: false,
    };
    app.record_power_use(&inspector, "340621104", use_on("2022-03-01", "340621XK010")).await.unwrap();
    assert_eq!(
        codes(app.record_power_use(&inspector, "340621104", use_on("2021-06-01", "340621XK010")).await.unwrap_err())[0]
            .1,
        "not_held"
    );
    assert_eq!(
        codes(app.record_power_use(&inspector, "340621104", use_on("2099-01-01", "340621XK010")).await.unwrap_err())[0]
            .1,
        "in_the_future"
    );
    assert!(matches!(
        app.record_power_use(&staffing, "340621104", use_on("2022-03-01", "340621XK010")).await,
        Err(AppError::Forbidden)
    ));
    // Used once, long ago: flagged unused.
    let e = app.evaluate_powers(&linhuan, "340621104").await.unwrap();
    assert!(e.iter().find(|e| e.matter_code == "340621XK010").unwrap().unused);

    // Taking a power back: a new version; held before, not after.
    let revoke = RevokeRequest {
        matter_code: "340621CF001".into(),
        effective_from: "2023-01-01".into(),
        reason: "连续12个月未办理".into(),
    };
    assert!(matches!(app.revoke_power(&linhuan, "340621105", revoke.clone()).await, Err(AppError::NotFound)));
    app.revoke_power(&staffing, "340621105", revoke.clone()).await.unwrap();
    assert!(held("2022-12-31").await);
    assert!(!held("2023-01-01").await);
    assert_eq!(codes(app.revoke_power(&staffing, "340621105", revoke).await.unwrap_err())[0].1, "not_held");
    // A power the town holds is not ordered again.
    let req = NewRoundRequest { county: "340621".into(), title: "第二批".into(), deadline: today() };
    let next = app.open_round(&staffing, req).await.unwrap();
    let held_again = app.place_order(&linhuan, next.id, order("340621104", "340621XK010")).await.unwrap_err();
    assert_eq!(codes(held_again)[0].1, "already_held");
    // A new list cannot take effect before the latest one.
    app.place_order(&shuangduiji, next.id, order("340621105", "340621XK001")).await.unwrap();
    app.close_round(&staffing, next.id).await.unwrap();
    let pending = app.round_orders(&staffing, next.id, &OrderFilter::default()).await.unwrap();
    app.assess_order(&market, pending[0].id, feasible.clone()).await.unwrap();
    app.decide_order(&staffing, pending[0].id, grant.clone()).await.unwrap();
    let early = PublishRoundRequest { effective_from: "2022-06-01".into() };
    assert_eq!(codes(app.publish_round(&staffing, next.id, early).await.unwrap_err())[0].1, "before_latest");
    let later = PublishRoundRequest { effective_from: "2023-06-01".into() };
    app.publish_round(&staffing, next.id, later).await.unwrap();
    assert!(app.holds_power(&staffing, "340621105", "340621XK001", "2023-06-01").await.unwrap().held);
    assert!(!app.holds_power(&staffing, "340621105", "340621CF001", "2023-06-01").await.unwrap().held);
    let history = app.power_list(&shuangduiji, "340621105", None).await.unwrap().history;
    assert_eq!(history[1].removed, ["340621CF001"]);
    assert_eq!(history[0].added, ["340621XK001"]);
});

both_backends!(the_demo_has_a_completed_round_and_a_plan_in_effect, |db: TestDb| async move {
    let app = open(&db).await;
    let s = app.seed_demo().await.unwrap();
    assert!(s.plan && s.empowerment);
    let staffing = actor(&app, "suixi.staffing").await;
    let catalog = app.list_catalog(&staffing, "340621", &Filter::default(), PageRequest::default()).await.unwrap();
    assert_eq!(catalog.total, 220);
    let rounds = app.list_rounds(&staffing, "340621").await.unwrap();
    let pilot = rounds.iter().find(|r| r.title.starts_with("2021")).unwrap();
    let stats = app.get_round(&staffing, pilot.id).await.unwrap().stats;
    assert_eq!((stats.catalog_matters, stats.granted), (220, 124));
    let lists: Vec<Vec<String>> = futures_lists(&app, &staffing).await;
    assert_eq!(lists[0].len() + lists[1].len(), 124);
    assert_ne!(lists[0], lists[1], "one town, one list");
    assert!(app.holds_power(&staffing, "340621104", &lists[0][0], "2021-07-01").await.unwrap().held);
    assert!(!app.holds_power(&staffing, "340621104", &lists[0][0], "2021-06-30").await.unwrap().held);
    // The second round is open and takes orders.
    assert!(rounds.iter().any(|r| r.takes_orders(&today())));
    // Some powers call for a second look.
    let e = app.evaluate_powers(&staffing, "340621104").await.unwrap();
    assert!(
        e.iter().any(|e| e.unused) && e.iter().any(|e| e.mishandled) && e.iter().any(|e| !e.unused && !e.mishandled)
    );
    // Linhuan: 24 departments into 10 offices, in effect.
    let plans = app.list_plans(&staffing, Some("340621104"), PageRequest::default()).await.unwrap();
    let plan = app.get_plan(&staffing, plans.items[0].plan.id).await.unwrap();
    assert_eq!((plan.comparison.departments_before, plan.comparison.offices_after), (24, 10));
    assert_eq!(plan.phase, grassroots_domain::restructuring::PlanPhase::InEffect);
});

async fn futures_lists(app: &App, a: &Actor) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for town in ["340621104", "340621105"] {
        out.push(app.power_list(a, town, None).await.unwrap().powers.into_iter().map(|p| p.matter_code).collect());
    }
    out
}

#[tokio::test]
async fn the_pages_of_a_round_work_for_each_role() {
    let db = TestDb::sqlite();
    let app = demo(&db).await;
    let staffing = actor(&app, "suixi.staffing").await;
    app.import_catalog(&staffing, "340621", CATALOG.as_bytes()).await.unwrap();
    let s = Client::login(&app, "suixi.staffing").await;
    let page = s.get("/catalog?power_type=licensing").await;
    assert!(page.text().contains("个体工商户登记") && !page.text().contains("秸秆"), "{}", page.text());
    let csrf = s.csrf.clone().unwrap();
    let r = s
        .without_csrf()
        .form("/rounds", &[("csrf", &csrf), ("county", "340621"), ("title", "第二批"), ("deadline", &today())])
        .await;
    assert_eq!(r.status, 303, "{}", r.text());
    let round = r.location();

    let t = Client::login(&app, "linhuan.officer").await;
    let page = t.get(&format!("{round}/order")).await;
    assert!(page.text().contains("个体工商户登记"), "{}", page.text());
    let tcsrf = t.csrf.clone().unwrap();
    let fields = [
        ("csrf", tcsrf.as_str()),
        ("town", "340621104"),
        ("matter_code", "340621XK001"),
        ("reason", "便民"),
        ("yearly_volume", "30"),
    ];
    let r = t.without_csrf().form(&format!("{round}/orders"), &fields).await;
    assert_eq!(r.status, 303, "{}", r.text());
    let r = t.without_csrf().form(&format!("{round}/orders"), &fields).await;
    assert_eq!(r.status, 200);
    assert!(r.text().contains("already ordered"), "{}", r.text());

    let m = Client::login(&app, "suixi.market").await;
    let page = m.get(&format!("{round}/assess")).await;
    assert!(page.text().contains("便民"), "{}", page.text());
    let id: i64 = round.rsplit('/').next().unwrap().parse().unwrap();
    let order = app.round_orders(&staffing, RoundId(id), &OrderFilter::default()).await.unwrap()[0].id.0;
    let mcsrf = m.csrf.clone().unwrap();
    let r = m
        .without_csrf()
        .form(&format!("/orders/{order}/assessment"), &[("csrf", &mcsrf), ("opinion", "feasible"), ("assessment", "")])
        .await;
    assert_eq!(r.status, 303, "{}", r.text());

    let r = s.without_csrf().form(&format!("{round}/close"), &[("csrf", &csrf)]).await;
    assert_eq!(r.status, 303);
    let r = s
        .without_csrf()
        .form(&format!("/orders/{order}/decision"), &[("csrf", &csrf), ("decision", "granted"), ("reason", "")])
        .await;
    assert_eq!(r.status, 303, "{}", r.text());
    let r =
        s.without_csrf().form(&format!("{round}/publish"), &[("csrf", &csrf), ("effective_from", "2026-01-01")]).await;
    assert_eq!(r.status, 303, "{}", r.text());
    let page = s.get(&round).await;
    assert!(page.text().contains("<svg") && page.text().contains("临涣镇"), "{}", page.text());
    let page = s.get("/powers?town=340621104").await;
    assert!(page.text().contains("340621XK001") && page.text().contains("收回"), "{}", page.text());
    let api = s.get("/api/v1/towns/340621104/powers/340621XK001/held?date=2026-01-01").await;
    assert_eq!(api.json()["held"], json!(true));
}
