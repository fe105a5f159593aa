//! The access matrix: every route the router serves × every role × an object in the
//! actor's own scope, in another town of its county, in another county, and no login.
//! The routes come from `grassroots_web::route_table()`, read off the served router; a
//! route without a rule here fails the test, so a new route cannot be missed.

use std::collections::HashMap;

use axum::http::{Method, StatusCode};
use grassroots_app::admission::lists::PublishRequest;
use grassroots_app::admission::tasks::NewTaskRequest;
use grassroots_app::command::ReportRequest;
use grassroots_app::core::bodies::NewBodyRequest;
use grassroots_app::core::tokens::NewTokenRequest;
use grassroots_app::core::users::NewUserRequest;
use grassroots_app::empowerment::rounds::{NewRoundRequest, OrderRequest};
use grassroots_app::enforcement::FileRequest;
use grassroots_app::inspection::{MergeRequest, PlanRequest, TargetRequest};
use grassroots_app::restructuring::{ApproveRequest, parse_document};
use grassroots_app::{Actor, App};
use grassroots_domain::command::{Category, Source};
use grassroots_domain::core::body::{BodyId, BodyKind};
use grassroots_domain::core::division::DivisionCode;
use grassroots_domain::core::role::Role;
use grassroots_domain::enforcement::Procedure;
use grassroots_domain::inspection::CheckItem;
use grassroots_web::Surface;
use serde_json::{Value, json};

use crate::empowerment::CATALOG;
use crate::helpers::*;
use crate::restructuring::LINHUAN_PLAN;

/// Who may use a route, inside their scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// Anyone logged in.
    Anyone,
    /// Administrators only; others get 403.
    Admin,
    /// Own objects for anyone, others' for administrators of their scope; 404 otherwise.
    OwnerOrAdmin,
    /// The staffing office only; others get 403.
    Staffing,
    /// The department that sent the task, or owns the matter (in the demo, county
    /// department officers).
    Sender,
    /// Town officers: ordering from the menu.
    Town,
    /// Town officers and inspectors: recording the use of a power.
    Recorder,
    /// The town's enforcement team: cases and joint visits.
    Inspector,
    /// Those who take part in inspections: county departments and the town's team.
    Inspects,
    /// Staff of towns and villages who report events.
    Reporter,
    /// The town's command center.
    Dispatcher,
    /// Offices that work dispatched events.
    Handler,
}

fn rule(method: &Method, path: &str) -> Option<Rule> {
    use Rule::*;
    let m = method.as_str();
    Some(match (m, path) {
        ("POST", "/api/v1/bodies") | ("POST", "/bodies") => Admin,
        ("POST", "/api/v1/users") | ("POST", "/users") => Admin,
        ("POST", "/api/v1/users/{id}/disable") | ("POST", "/api/v1/users/{id}/enable") => Admin,
        ("POST", "/users/{id}/disable") | ("POST", "/users/{id}/enable") => Admin,
        ("GET", "/api/v1/audit") | ("GET", "/audit") => Admin,
        ("DELETE", "/api/v1/tokens/{id}") | ("POST", "/tokens/{id}/revoke") => OwnerOrAdmin,
        ("GET", "/api/v1/me") | ("PUT", "/api/v1/me/password") | ("DELETE", "/api/v1/session") => Anyone,
        ("GET", "/api/v1/divisions") | ("GET", "/api/v1/divisions/{code}") => Anyone,
        ("GET", "/api/v1/divisions/{code}/children") | ("GET", "/api/v1/divisions/{code}/subtree") => Anyone,
        ("GET", "/api/v1/divisions/{code}/ancestors") => Anyone,
        ("GET", "/api/v1/bodies") | ("GET", "/api/v1/bodies/{id}") => Anyone,
        ("GET", "/api/v1/users") | ("GET", "/api/v1/users/{id}") => Anyone,
        ("GET", "/api/v1/tokens") | ("POST", "/api/v1/tokens") => Anyone,
        ("GET", "/api/v1/calendar/working-days") | ("GET", "/api/v1/calendar/deadline") => Anyone,
        ("GET", "/") | ("GET", "/divisions") | ("GET", "/divisions/{code}") => Anyone,
        ("GET", "/bodies") | ("GET", "/users") | ("GET", "/tokens") | ("POST", "/tokens") => Anyone,
        ("GET", "/password") | ("POST", "/password") | ("POST", "/logout") => Anyone,
        ("POST", "/api/v1/divisions/{code}/lists") | ("POST", "/api/v1/divisions/{code}/lists/inherit") => Staffing,
        ("POST", "/api/v1/lists/{id}/publish") => Staffing,
        ("GET", "/api/v1/lists") | ("GET", "/api/v1/lists/{id}") | ("GET", "/api/v1/lists/{id}/diff") => Anyone,
        ("GET", "/api/v1/lists/{id}/export") | ("GET", "/api/v1/divisions/{code}/lists/in-force") => Anyone,
        ("POST", "/api/v1/tasks") => Sender,
        ("POST", "/api/v1/tasks/{id}/withdraw") | ("POST", "/api/v1/task-targets/{id}/appeal") => Sender,
        ("POST", "/api/v1/task-targets/{id}/ruling") => Staffing,
        ("GET", "/api/v1/tasks/{id}") | ("GET", "/api/v1/task-targets") | ("GET", "/api/v1/burden") => Anyone,
        ("GET", "/lists") | ("GET", "/tasks") | ("GET", "/tasks/{id}") | ("GET", "/review") | ("GET", "/burden") => {
            Anyone
        }
        ("POST", "/lists/import") | ("POST", "/lists/{id}/publish") | ("POST", "/task-targets/{id}/ruling") => Staffing,
        ("POST", "/lists/inherit") => Staffing,
        ("POST", "/tasks") | ("POST", "/tasks/{id}/withdraw") | ("POST", "/task-targets/{id}/appeal") => Sender,
        ("GET", "/api/v1/plans") | ("GET", "/api/v1/plans/{id}") => Anyone,
        ("GET", "/api/v1/towns/{code}/functions/{function}/owner") => Anyone,
        ("GET", "/api/v1/towns/{code}/functions/{function}/history") => Anyone,
        ("POST", "/api/v1/plans") | ("PUT", "/api/v1/plans/{id}") => Staffing,
        ("POST", "/api/v1/plans/{id}/move-function") | ("POST", "/api/v1/plans/{id}/approve") => Staffing,
        ("GET", "/api/v1/counties/{code}/catalog") | ("GET", "/api/v1/counties/{code}/catalog/export") => Anyone,
        ("GET", "/api/v1/counties/{code}/rounds") | ("GET", "/api/v1/rounds/{id}") => Anyone,
        ("GET", "/api/v1/rounds/{id}/orders") => Anyone,
        ("POST", "/api/v1/counties/{code}/catalog") | ("POST", "/api/v1/rounds") => Staffing,
        ("POST", "/api/v1/rounds/{id}/close") | ("POST", "/api/v1/rounds/{id}/publish") => Staffing,
        ("POST", "/api/v1/rounds/{id}/orders") => Town,
        ("POST", "/api/v1/orders/{id}/assessment") => Sender,
        ("POST", "/api/v1/orders/{id}/decision") => Staffing,
        ("GET", "/api/v1/towns/{code}/powers") | ("GET", "/api/v1/towns/{code}/powers/{matter}/held") => Anyone,
        ("GET", "/api/v1/towns/{code}/powers/evaluation") => Anyone,
        ("POST", "/api/v1/towns/{code}/powers/revoke") => Staffing,
        ("POST", "/api/v1/towns/{code}/power-uses") => Recorder,
        ("GET", "/plans") | ("GET", "/plans/{id}") | ("GET", "/catalog") | ("GET", "/rounds") => Anyone,
        ("GET", "/rounds/{id}") | ("GET", "/rounds/{id}/order") | ("GET", "/rounds/{id}/decide") => Anyone,
        ("GET", "/powers") => Anyone,
        ("GET", "/rounds/{id}/assess") | ("POST", "/orders/{id}/assessment") => Sender,
        ("POST", "/plans") | ("POST", "/plans/{id}/move-function") | ("POST", "/plans/{id}/approve") => Staffing,
        ("POST", "/catalog/import") | ("POST", "/rounds") | ("POST", "/rounds/{id}/close") => Staffing,
        ("POST", "/rounds/{id}/publish") | ("POST", "/orders/{id}/decision") | ("POST", "/powers/revoke") => Staffing,
        ("POST", "/rounds/{id}/orders") => Town,
        ("POST", "/powers/uses") => Recorder,
        ("GET", "/api/v1/cases") | ("GET", "/api/v1/cases/{id}") => Anyone,
        ("GET", "/api/v1/towns/{code}/case-indicators") | ("GET", "/cases") | ("GET", "/cases/{id}") => Anyone,
        ("POST", "/api/v1/cases") | ("POST", "/api/v1/cases/{id}/advance") | ("POST", "/api/v1/cases/{id}/pause") => {
            Inspector
        }
        ("POST", "/api/v1/cases/{id}/remind") | ("POST", "/api/v1/cases/{id}/rating") => Inspector,
        ("POST", "/cases") | ("POST", "/cases/{id}/advance") | ("POST", "/cases/{id}/pause") => Inspector,
        ("POST", "/cases/{id}/remind") | ("POST", "/cases/{id}/rating") => Inspector,
        ("GET", "/api/v1/inspection-targets") | ("GET", "/api/v1/counties/{code}/check-items") => Anyone,
        ("GET", "/api/v1/inspection-plans") | ("GET", "/api/v1/inspections") => Anyone,
        ("GET", "/api/v1/inspections/{id}") | ("GET", "/api/v1/towns/{code}/inspection-indicators") => Anyone,
        ("GET", "/inspections") | ("GET", "/inspections/{id}") => Anyone,
        ("POST", "/api/v1/inspection-targets") | ("POST", "/inspection-targets") => Inspects,
        ("PUT", "/api/v1/counties/{code}/check-items") => Sender,
        ("POST", "/api/v1/inspection-plans") | ("POST", "/inspection-plans") => Sender,
        ("POST", "/api/v1/inspections") | ("POST", "/inspections") => Inspector,
        ("POST", "/api/v1/inspections/{id}/results") | ("POST", "/inspections/{id}/results") => Inspector,
        ("POST", "/api/v1/inspections/{id}/recheck") | ("POST", "/inspections/{id}/recheck") => Inspector,
        ("GET", "/api/v1/events") | ("GET", "/api/v1/events/{id}") | ("GET", "/api/v1/board") => Anyone,
        ("GET", "/command") | ("GET", "/events/{id}") => Anyone,
        ("POST", "/api/v1/events") | ("POST", "/events") => Reporter,
        ("POST", "/api/v1/events/{id}/dispatch") | ("POST", "/events/{id}/dispatch") => Dispatcher,
        ("POST", "/api/v1/events/{id}/extend") | ("POST", "/events/{id}/extend") => Dispatcher,
        ("POST", "/api/v1/events/{id}/merge") | ("POST", "/events/{id}/merge") => Dispatcher,
        ("POST", "/api/v1/events/{id}/pause") | ("POST", "/events/{id}/pause") => Dispatcher,
        ("GET", "/api/v1/cases/overdue") => Anyone,
        ("POST", "/api/v1/events/{id}/progress") | ("POST", "/events/{id}/progress") => Handler,
        _ => return None,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Own,
    ForeignTown,
    ForeignCounty,
}

/// Objects at one division: a body, a user in it, that user's token, and — for a town or
/// county — a published list version and a task sent there (for a county, to one of its
/// towns) with its target, an approved plan and an order of the county's round; for any
/// division, the round of its county.
#[derive(Debug, Clone)]
struct Objects {
    division: String,
    body: i64,
    user: i64,
    token: i64,
    list: Option<i64>,
    task: Option<(i64, i64)>,
    plan: Option<i64>,
    round: Option<i64>,
    order: Option<i64>,
    case: Option<i64>,
    /// A target with one visit made and one plan still open.
    target: Option<i64>,
    visit: Option<i64>,
    open_plan: Option<i64>,
    event: Option<i64>,
}

struct World {
    app: App,
    /// Objects by division code.
    at: HashMap<String, Objects>,
}

fn county_of(code: &str) -> &str {
    &code[..6]
}

/// The division whose objects stand for `scope` as seen from an actor at `home`.
fn target(home: &str, scope: Scope) -> String {
    let suixi = county_of(home) == "340621";
    match scope {
        Scope::Own => home.to_owned(),
        Scope::ForeignTown if suixi => if home.starts_with("340621105") { "340621104" } else { "340621105" }.into(),
        Scope::ForeignTown => "350802100".into(),
        Scope::ForeignCounty if suixi => "350802104".into(),
        Scope::ForeignCounty => "340621104".into(),
    }
}

impl World {
    async fn new(app: App) -> Self {
        let sys = Actor::system("access-test");
        let mut at = HashMap::new();
        let mut divisions: Vec<String> = vec![];
        for (username, ..) in grassroots_app::demo::USERS {
            let u = app.find_user(&sys, username).await.unwrap();
            let home = app.actor_of(u.id).await.unwrap().division_code;
            for s in [Scope::Own, Scope::ForeignTown, Scope::ForeignCounty] {
                divisions.push(target(&home, s));
            }
        }
        divisions.sort();
        divisions.dedup();
        for (i, d) in divisions.iter().enumerate() {
            let code = DivisionCode::parse(d).unwrap();
            let village = d.len() == 12;
            let (kind, role) = if village {
                (BodyKind::VillageCommittee, Role::VillageOfficer)
            } else {
                (BodyKind::Government, Role::Viewer)
            };
            let body = app
                .add_body(&sys, NewBodyRequest { division_code: code, kind, name: format!("测试机构{i}") })
                .await
                .unwrap();
            let user = app
                .add_user(
                    &sys,
                    NewUserRequest {
                        username: format!("fixture{i}"),
                        display_name: format!("测试用户{i}"),
                        role,
                        body_id: body.id,
                        password: PASSWORD.into(),
                    },
                )
                .await
                .unwrap();
            let owner = app.actor_of(user.id).await.unwrap();
            let token = app
                .create_token(&owner, NewTokenRequest { name: "fixture".into(), expires_in_days: None })
                .await
                .unwrap();
            let list = if village {
                None
            } else {
                let v = app
                    .import_list(&sys, &DivisionCode::parse(d).unwrap(), crate::admission::LISTS, "fixture")
                    .await
                    .unwrap();
                app.publish_list(&sys, v.id, PublishRequest { effective_from: "2022-01-01".into() }).await.unwrap();
                Some(v.id.0)
            };
            at.insert(
                d.clone(),
                Objects {
                    division: d.clone(),
                    body: body.id.0,
                    user: user.id.0,
                    token: token.token.id.0,
                    list,
                    task: None,
                    plan: None,
                    round: None,
                    order: None,
                    case: None,
                    target: None,
                    visit: None,
                    open_plan: None,
                    event: None,
                },
            );
        }
        // A department in each county sends a task to each town; a county's objects hold
        // the task sent to its first town.
        let xinluo_market = app
            .add_body(
                &sys,
                NewBodyRequest {
                    division_code: DivisionCode::parse("350802").unwrap(),
                    kind: BodyKind::CountyDepartment,
                    name: "新罗区市场监督管理局".into(),
                },
            )
            .await
            .unwrap();
        let req = NewUserRequest {
            username: "xinluo.market".into(),
            display_name: "新罗区市场监管局".into(),
            role: Role::DepartmentOfficer,
            body_id: xinluo_market.id,
            password: PASSWORD.into(),
        };
        let xinluo_sender = app.actor_of(app.add_user(&sys, req).await.unwrap().id).await.unwrap();
        let suixi_sender = app.actor_of(app.find_user(&sys, "suixi.market").await.unwrap().id).await.unwrap();
        let towns: Vec<String> = at.keys().filter(|d| d.len() == 9).cloned().collect();
        for town in towns {
            let sender = if town.starts_with("340621") { &suixi_sender } else { &xinluo_sender };
            let req = NewTaskRequest {
                title: "关于下达招商引资任务的通知".into(),
                text: "请完成签约项目三个。".into(),
                targets: vec![DivisionCode::parse(&town).unwrap()],
                due_date: None,
                legal_basis: None,
            };
            let sent = app.send_task(sender, req).await.unwrap();
            let ids = (sent.task.id.0, sent.targets[0].id.0);
            if let Some(o) = at.get_mut(&town) {
                o.task = Some(ids);
            }
            if let Some(o) = at.get_mut(&town[..6]).filter(|o| o.task.is_none()) {
                o.task = Some(ids);
            }
        }
        // Each county has a catalog and an open round; each town an approved plan and an
        // order; a county's objects hold its first town's.
        let xinluo_catalog =
            CATALOG.replace("340621", "350802").replace("濉溪县市场监督管理局", "新罗区市场监督管理局");
        let xinluo_catalog: String =
            xinluo_catalog.lines().filter(|l| !l.contains("濉溪县")).map(|l| format!("{l}\n")).collect();
        let mut rounds = HashMap::new();
        for (county, catalog) in [("340621", CATALOG.to_owned()), ("350802", xinluo_catalog)] {
            app.import_catalog(&sys, county, catalog.as_bytes()).await.unwrap();
            let deadline = (grassroots_app::core::today() + time::Duration::days(30)).to_string();
            let req = NewRoundRequest { county: county.into(), title: "测试轮次".into(), deadline };
            rounds.insert(county.to_owned(), app.open_round(&sys, req).await.unwrap().id);
        }
        // Each county's market regulator keeps a checklist; it plans the fixture visits.
        let mut departments = HashMap::new();
        for (county, body) in [("340621", "濉溪县市场监督管理局"), ("350802", "新罗区市场监督管理局")]
        {
            let mut c = app.store.conn().await.unwrap();
            let code = DivisionCode::parse(county).unwrap();
            let b = grassroots_store::core::bodies::find_by_name(&mut c, &code, body).await.unwrap().unwrap();
            drop(c);
            let item = CheckItem {
                code: "SC-01".into(),
                department: body.into(),
                area: "食品安全".into(),
                text: "健康证".into(),
            };
            app.set_check_items(&sys, county, vec![item]).await.unwrap();
            let mut dept = Actor::system("access-test");
            dept.body_id = Some(b.id);
            departments.insert(county.to_owned(), dept);
        }
        let mut towns: Vec<String> = at.keys().filter(|d| d.len() == 9).cloned().collect();
        towns.sort();
        for town in towns {
            let mut doc = parse_document(LINHUAN_PLAN).unwrap();
            doc.division_code = town.clone();
            let plan = app.create_plan(&sys, doc).await.unwrap().plan.id;
            app.approve_plan(&sys, plan, ApproveRequest { effective_from: "2021-06-01".into() }).await.unwrap();
            let req = OrderRequest {
                town: town.clone(),
                matter_code: format!("{}CF001", &town[..6]),
                reason: "测试".into(),
                yearly_volume: 1,
            };
            let order = app.place_order(&sys, rounds[&town[..6]], req).await.unwrap().id;
            let case = app.file_case(&sys, case_filing(&town)).await.unwrap().case.id;
            let (target, visit, open_plan) = inspection_fixture(&app, &town, &departments).await;
            let event = app.report_event(&sys, event_report(&town)).await.unwrap().event.id;
            for d in [town.as_str(), &town[..6]] {
                if let Some(o) = at.get_mut(d).filter(|o| o.plan.is_none()) {
                    o.plan = Some(plan.0);
                    o.order = Some(order.0);
                    o.case = Some(case.0);
                    o.target = Some(target);
                    o.visit = Some(visit);
                    o.open_plan = Some(open_plan);
                    o.event = Some(event.0);
                }
            }
        }
        for o in at.values_mut() {
            o.round = Some(rounds[&o.division[..6]].0);
        }
        Self { app, at }
    }
}

/// A target of the town with one joint visit made from a plan, and a second plan open.
async fn inspection_fixture(app: &App, town: &str, departments: &HashMap<String, Actor>) -> (i64, i64, i64) {
    let sys = Actor::system("access-test");
    let req =
        TargetRequest { town: town.into(), name: "测试商户".into(), credit_code: None, address: String::new() };
    let target = app.add_inspection_target(&sys, req).await.unwrap().id;
    let dept = &departments[&town[..6]];
    let plan = |on: &str| PlanRequest { target_id: target, planned_on: on.into(), item_codes: vec!["SC-01".into()] };
    let first = app.plan_inspection(dept, plan("2025-03-01")).await.unwrap().id;
    let open = app.plan_inspection(dept, plan("2025-09-01")).await.unwrap().id;
    let merge = MergeRequest { plans: vec![first], visit_on: "2025-03-02".into(), team: "测试检查组".into() };
    let visit = app.merge_plans(&sys, merge).await.unwrap().inspection.id;
    (target.0, visit.0, open.0)
}

fn event_report(division: &str) -> ReportRequest {
    ReportRequest {
        division: division.into(),
        source: Source::Patrol,
        category: Category::Other,
        title: "测试事件".into(),
        description: String::new(),
        address: String::new(),
        lon: None,
        lat: None,
        reporter_name: String::new(),
        reporter_phone: String::new(),
    }
}

/// A case on a statutory duty of the town, which needs no devolved power.
fn case_filing(town: &str) -> FileRequest {
    FileRequest {
        town: town.into(),
        procedure: Procedure::General,
        party_name: "测试当事人".into(),
        party_is_organisation: false,
        act_date: "2025-01-02".into(),
        filed_on: Some("2025-01-03".into()),
        matter_code: None,
        legal_basis: "《村庄和集镇规划建设管理条例》第三十七条".into(),
        facts: "测试".into(),
        caused_harm: false,
    }
}

/// Fills `{code}` and `{id}` with an object of the right kind.
fn fill(path: &str, o: &Objects, own_token: Option<i64>) -> String {
    let id = if path.contains("/bodies/") {
        o.body
    } else if path.contains("/lists/{id}") {
        // A village has no lists, nor tasks: id 0 stands for one that does not exist.
        o.list.unwrap_or(0)
    } else if path.contains("/tasks/{id}") {
        o.task.map_or(0, |t| t.0)
    } else if path.contains("/task-targets/{id}") {
        o.task.map_or(0, |t| t.1)
    } else if path.contains("/plans/{id}") {
        o.plan.unwrap_or(0)
    } else if path.contains("/rounds/{id}") {
        o.round.unwrap_or(0)
    } else if path.contains("/orders/{id}") {
        o.order.unwrap_or(0)
    } else if path.contains("/cases/{id}") {
        o.case.unwrap_or(0)
    } else if path.contains("/inspections/{id}") {
        o.visit.unwrap_or(0)
    } else if path.contains("/events/{id}") {
        o.event.unwrap_or(0)
    } else if path.contains("/users/") {
        o.user
    } else if path.contains("/tokens/") {
        own_token.unwrap_or(o.token)
    } else {
        0
    };
    path.replace("{code}", &o.division)
        .replace("{id}", &id.to_string())
        .replace("{function}", "F001")
        .replace("{matter}", &format!("{}CF001", &o.division[..6]))
}

fn query_for(path: &str) -> &'static str {
    match path {
        "/api/v1/calendar/working-days" => "?from=2025-09-30&to=2025-10-31",
        "/api/v1/calendar/deadline" => "?start=2025-09-30&days=5",
        "/api/v1/divisions/{code}/lists/in-force" => "?date=2025-01-01",
        "/api/v1/lists/{id}/diff" => "?against={id}",
        "/api/v1/lists/{id}/export" | "/api/v1/counties/{code}/catalog/export" => "?format=csv",
        "/api/v1/towns/{code}/functions/{function}/owner" => "?date=2024-01-01",
        "/api/v1/towns/{code}/powers/{matter}/held" => "?date=2024-01-01",
        "/api/v1/towns/{code}/case-indicators" | "/api/v1/towns/{code}/inspection-indicators" => {
            "?from=2024-01-01&to=2025-12-31"
        }
        _ => "",
    }
}

static UNIQUE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A request body that the route accepts from an allowed caller.
fn body_for(method: &Method, path: &str, home: &Objects) -> Value {
    let n = UNIQUE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let village = home.division.len() == 12;
    match (method.as_str(), path) {
        ("POST", "/api/v1/bodies") | ("POST", "/bodies") => json!({
            "division_code": home.division, "kind": if village { "village_committee" } else { "government" }, "name": format!("新机构{n}")
        }),
        ("POST", "/api/v1/users") | ("POST", "/users") => json!({
            "username": format!("new.user{n}"), "display_name": "新用户", "role": if village { "village_officer" } else { "viewer" },
            "body_id": home.body, "password": "a long enough password"
        }),
        ("POST", "/api/v1/tokens") | ("POST", "/tokens") => json!({ "name": format!("t{n}") }),
        // A wrong current password: allowed callers get 422, never 403, and nothing changes.
        ("PUT", "/api/v1/me/password") | ("POST", "/password") => {
            json!({ "current_password": "not it", "new_password": "something long enough" })
        }
        ("POST", "/api/v1/lists/{id}/publish") | ("POST", "/lists/{id}/publish") => {
            json!({ "effective_from": "2026-01-01" })
        }
        ("POST", "/tasks") => json!({
            "title": format!("关于开展秋冬季森林防灭火工作的通知{n}"), "text": "请做好巡山护林。",
            "targets": format!("{}104", &home.division[..6])
        }),
        ("POST", "/task-targets/{id}/ruling") => json!({ "accept": "false", "reason": "不予准入" }),
        ("POST", "/task-targets/{id}/appeal") => json!({ "reason": "该任务系上级统一部署" }),
        ("POST", "/lists/import") | ("POST", "/lists/inherit") | ("POST", "/plans") => {
            json!({ "division": home.division })
        }
        ("POST", "/api/v1/tasks") => json!({
            "title": format!("关于开展秋冬季森林防灭火工作的通知{n}"), "text": "请做好巡山护林。",
            "targets": [format!("{}104", &home.division[..6])]
        }),
        ("POST", "/api/v1/task-targets/{id}/ruling") => json!({ "accept": false, "reason": "不予准入" }),
        ("POST", "/api/v1/task-targets/{id}/appeal") => json!({ "reason": "该任务系上级统一部署" }),
        ("POST", "/api/v1/plans") | ("PUT", "/api/v1/plans/{id}") => {
            let mut doc: Value = serde_json::from_slice(LINHUAN_PLAN).unwrap();
            doc["division_code"] = json!(home.division);
            doc
        }
        ("POST", "/api/v1/plans/{id}/move-function") | ("POST", "/plans/{id}/move-function") => {
            json!({ "function": "F001", "office": "O01" })
        }
        ("POST", "/api/v1/plans/{id}/approve") | ("POST", "/plans/{id}/approve") => {
            json!({ "effective_from": "2021-06-01" })
        }
        ("POST", "/api/v1/rounds") | ("POST", "/rounds") => {
            json!({ "county": &home.division[..6], "title": format!("第{n}批"), "deadline": "2099-01-01" })
        }
        ("POST", "/api/v1/rounds/{id}/publish") | ("POST", "/rounds/{id}/publish") => {
            json!({ "effective_from": "2021-07-01" })
        }
        ("POST", "/api/v1/rounds/{id}/orders") => json!({
            "town": home.division, "matter_code": format!("{}CF001", &home.division[..6]), "reason": "便民", "yearly_volume": 1
        }),
        ("POST", "/rounds/{id}/orders") => json!({
            "town": home.division, "matter_code": format!("{}CF001", &home.division[..6]), "reason": "便民", "yearly_volume": "1"
        }),
        ("POST", "/api/v1/orders/{id}/assessment") => json!({ "opinion": "feasible", "assessment": "" }),
        ("POST", "/orders/{id}/assessment") => json!({ "opinion": "feasible", "assessment": "" }),
        ("POST", "/api/v1/orders/{id}/decision") => json!({ "decision": "granted", "reason": "" }),
        ("POST", "/orders/{id}/decision") => json!({ "decision": "granted", "reason": "" }),
        ("POST", "/api/v1/towns/{code}/powers/revoke") => json!({
            "matter_code": format!("{}CF001", &home.division[..6]), "effective_from": "2030-01-01", "reason": "测试"
        }),
        ("POST", "/powers/revoke") => json!({
            "town": home.division, "matter_code": format!("{}CF001", &home.division[..6]), "effective_from": "2030-01-01", "reason": "测试"
        }),
        ("POST", "/api/v1/towns/{code}/power-uses") => json!({
            "matter_code": format!("{}CF001", &home.division[..6]), "used_on": "2024-01-01", "kind": "case", "reference": "测试"
        }),
        ("POST", "/powers/uses") => json!({
            "town": home.division, "matter_code": format!("{}CF001", &home.division[..6]), "used_on": "2024-01-01", "kind": "case", "reference": "测试"
        }),
        ("POST", "/catalog/import") => json!({ "county": &home.division[..6] }),
        ("POST", "/api/v1/cases") => json!({
            "town": home.division, "procedure": "general", "party_name": "测试", "act_date": "2025-01-02",
            "legal_basis": "测试依据", "facts": "测试"
        }),
        ("POST", "/cases") => json!({
            "town": home.division, "procedure": "general", "party_name": "测试", "act_date": "2025-01-02",
            "filed_on": "2025-01-03", "legal_basis": "测试依据", "facts": "测试"
        }),
        ("POST", "/api/v1/cases/{id}/advance") | ("POST", "/cases/{id}/advance") => {
            json!({ "to": "investigating", "on": "2025-01-03" })
        }
        ("POST", "/api/v1/cases/{id}/pause") => {
            json!({ "kind": "suspend", "days": 1, "reason": "测试", "approved_by": "镇长" })
        }
        ("POST", "/cases/{id}/pause") => {
            json!({ "kind": "suspend", "days": "1", "reason": "测试", "approved_by": "镇长" })
        }
        ("POST", "/api/v1/cases/{id}/remind") | ("POST", "/cases/{id}/remind") => json!({ "on": "2025-01-04" }),
        ("POST", "/api/v1/cases/{id}/rating") | ("POST", "/cases/{id}/rating") => {
            json!({ "satisfaction": "satisfied" })
        }
        ("POST", "/api/v1/inspection-targets") | ("POST", "/inspection-targets") => {
            json!({ "town": home.division, "name": format!("新商户{n}"), "address": "测试" })
        }
        ("PUT", "/api/v1/counties/{code}/check-items") => {
            json!([{ "code": "SC-09", "department": "濉溪县市场监督管理局", "area": "食品安全", "text": "测试" }])
        }
        ("POST", "/api/v1/inspection-plans") => json!({
            "target_id": home.target.unwrap_or(0), "planned_on": "2099-01-01", "item_codes": ["SC-01"]
        }),
        ("POST", "/inspection-plans") => json!({
            "target_id": home.target.unwrap_or(0).to_string(), "planned_on": "2099-01-01", "item": "SC-01"
        }),
        ("POST", "/api/v1/inspections") => json!({
            "plans": [home.open_plan.unwrap_or(0)], "visit_on": "2025-09-02", "team": "测试"
        }),
        ("POST", "/inspections") => json!({
            "plans": home.open_plan.unwrap_or(0).to_string(), "visit_on": "2025-09-02", "team": "测试"
        }),
        ("POST", "/api/v1/inspections/{id}/results") => json!([]),
        ("POST", "/api/v1/inspections/{id}/recheck") | ("POST", "/inspections/{id}/recheck") => {
            json!({ "item_code": "SC-01", "on": "2025-03-03", "passed": true })
        }
        ("POST", "/api/v1/events") | ("POST", "/events") => json!({
            "division": home.division, "source": "patrol", "category": "other", "title": format!("测试事件{n}")
        }),
        ("POST", "/api/v1/events/{id}/dispatch") | ("POST", "/events/{id}/dispatch") => {
            json!({ "office": "测试办公室" })
        }
        ("POST", "/api/v1/events/{id}/progress") | ("POST", "/events/{id}/progress") => json!({ "to": "in_progress" }),
        ("POST", "/api/v1/events/{id}/extend") => json!({ "days": 1, "reason": "测试" }),
        ("POST", "/events/{id}/extend") => json!({ "days": "1", "reason": "测试" }),
        ("POST", "/api/v1/events/{id}/merge") => json!({ "into": home.event.unwrap_or(0) }),
        ("POST", "/events/{id}/merge") => json!({ "into": home.event.unwrap_or(0).to_string() }),
        ("POST", "/api/v1/events/{id}/pause") | ("POST", "/events/{id}/pause") => {
            json!({ "action": "pause", "reason": "测试" })
        }
        _ => json!({}),
    }
}

fn form_fields(v: &Value) -> Vec<(String, String)> {
    v.as_object()
        .map(|o| {
            o.iter().map(|(k, v)| (k.clone(), v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()))).collect()
        })
        .unwrap_or_default()
}

async fn call(c: &Client, surface: Surface, method: &Method, path: &str, body_json: &Value) -> Reply {
    let body = body_json;
    match (surface, method.as_str()) {
        (Surface::Page, "POST") if ["/lists/import", "/catalog/import", "/plans"].contains(&path) => {
            let b = "XBOUNDARY";
            let mut body = String::new();
            let mut fields = form_fields(body_json);
            fields.push(("csrf".into(), c.csrf.clone().unwrap_or_default()));
            fields.push(("note".into(), "matrix".into()));
            for (name, value) in fields {
                body.push_str(&format!("--{b}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"));
            }
            body.push_str(&format!("--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"upload\"\r\nContent-Type: text/csv\r\n\r\n"));
            let mut bytes = body.into_bytes();
            match path {
                "/catalog/import" => bytes.extend_from_slice(CATALOG.as_bytes()),
                "/plans" => {
                    let mut doc: Value = serde_json::from_slice(LINHUAN_PLAN).unwrap();
                    doc["division_code"] = body_json["division"].clone();
                    bytes.extend_from_slice(doc.to_string().as_bytes());
                }
                _ => bytes.extend_from_slice(crate::admission::LISTS),
            }
            bytes.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
            c.without_csrf().send("POST", path, Some(&format!("multipart/form-data; boundary={b}")), bytes).await
        }
        (Surface::Page, "POST") => {
            let mut fields = form_fields(body);
            if let Some(t) = &c.csrf {
                fields.push(("csrf".into(), t.clone()));
            }
            let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            c.without_csrf().form(path, &f).await
        }
        (_, "GET") => c.get(path).await,
        (_, "POST") if path.ends_with("/lists") => {
            c.send("POST", path, Some("text/csv"), crate::admission::LISTS.to_vec()).await
        }
        _ => c.json(method.as_str(), path, body).await,
    }
}

fn has_param(path: &str) -> bool {
    path.contains('{')
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_every_role_every_scope() {
    let db = TestDb::sqlite();
    let world = World::new(demo(&db).await).await;
    let routes = grassroots_web::route_table();
    assert!(routes.len() > 30, "route table looks short: {}", routes.len());
    let missing: Vec<_> = routes
        .iter()
        .filter(|r| r.surface != Surface::Public && rule(&r.method, &r.path).is_none())
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(missing.is_empty(), "routes without an access rule in this test: {missing:?}");

    let anonymous = Client::new(&world.app);
    let mut checked = 0;
    for r in &routes {
        let path = fill(&format!("{}{}", r.path, query_for(&r.path)), &world.at["340621104"], None);
        let reply = call(&anonymous, r.surface, &r.method, &path, &json!({})).await;
        match r.surface {
            Surface::Api => assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "anonymous {} {path}", r.method),
            Surface::Page => {
                assert_eq!(reply.status, StatusCode::SEE_OTHER, "anonymous {} {path}", r.method);
                assert!(reply.location().starts_with("/login"), "anonymous {} {path} → {}", r.method, reply.location());
            }
            Surface::Public => assert!(
                reply.status.as_u16() < 500 && reply.status != StatusCode::UNAUTHORIZED,
                "public {} {path}: {}",
                r.method,
                reply.status
            ),
        }
        checked += 1;
    }

    for (username, _, role, ..) in grassroots_app::demo::USERS {
        let sys = Actor::system("access-test");
        let me = world.app.find_user(&sys, username).await.unwrap();
        let home_code = world.app.actor_of(me.id).await.unwrap().division_code;
        let home = &world.at[&home_code];
        let client = Client::login(&world.app, username).await;
        let own_token = world
            .app
            .create_token(
                &world.app.actor_of(me.id).await.unwrap(),
                NewTokenRequest { name: "own".into(), expires_in_days: None },
            )
            .await
            .unwrap()
            .token
            .id
            .0;
        let town_level = home_code.len() > 6;
        for r in routes.iter().filter(|r| r.surface != Surface::Public) {
            let rule = rule(&r.method, &r.path).unwrap();
            let scopes: &[Scope] = if has_param(&r.path) {
                &[Scope::Own, Scope::ForeignTown, Scope::ForeignCounty]
            } else {
                &[Scope::Own]
            };
            for &scope in scopes {
                let objects = &world.at[&target(&home_code, scope)];
                let owns = rule == Rule::OwnerOrAdmin && scope == Scope::Own;
                let path = fill(&format!("{}{}", r.path, query_for(&r.path)), objects, owns.then_some(own_token));
                // Routes that end the session get a session of their own.
                let ends_session = matches!(r.path.as_str(), "/logout" | "/api/v1/session");
                let c = if ends_session { Client::login(&world.app, username).await } else { client.clone() };
                let reply = call(&c, r.surface, &r.method, &path, &body_for(&r.method, &r.path, home)).await;
                // A county's rounds are read by all its towns: another town's is the same round.
                let county_wide = r.path.starts_with("/api/v1/rounds/{id}") || r.path.starts_with("/rounds/{id}");
                let out_of_scope =
                    scope == Scope::ForeignCounty || (scope == Scope::ForeignTown && town_level && !county_wide);
                let allowed = match rule {
                    Rule::Anyone => true,
                    Rule::Admin => *role == Role::Admin,
                    Rule::OwnerOrAdmin => owns || *role == Role::Admin,
                    Rule::Staffing => *role == Role::StaffingOfficer,
                    Rule::Sender => *role == Role::DepartmentOfficer,
                    Rule::Town => *role == Role::TownOfficer,
                    Rule::Recorder => matches!(role, Role::TownOfficer | Role::Inspector),
                    Rule::Inspector => *role == Role::Inspector,
                    Rule::Inspects => matches!(role, Role::Inspector | Role::DepartmentOfficer),
                    Rule::Reporter => matches!(
                        role,
                        Role::TownOfficer
                            | Role::Dispatcher
                            | Role::Inspector
                            | Role::VillageOfficer
                            | Role::HazardMonitor
                    ),
                    Rule::Dispatcher => *role == Role::Dispatcher,
                    Rule::Handler => matches!(role, Role::TownOfficer | Role::Dispatcher | Role::Inspector),
                };
                let no_such_list = (r.path.contains("/lists/{id}") && objects.list.is_none())
                    || ((r.path.contains("/tasks/{id}") || r.path.contains("/task-targets/{id}"))
                        && objects.task.is_none())
                    || (r.path.contains("/plans/{id}") && objects.plan.is_none())
                    || (r.path.contains("/orders/{id}") && objects.order.is_none())
                    || (r.path.contains("/cases/{id}") && objects.case.is_none())
                    || (r.path.contains("/inspections/{id}") && objects.visit.is_none())
                    || (r.path.contains("/events/{id}") && objects.event.is_none());
                let s = reply.status;
                let what = format!(
                    "{username} ({role}) {} {path} [{scope:?}] → {s}: {}",
                    r.method,
                    reply.text().chars().take(200).collect::<String>()
                );
                if out_of_scope || no_such_list {
                    assert_eq!(s, StatusCode::NOT_FOUND, "{what}");
                } else if allowed {
                    assert!(s.as_u16() < 500 && ![401, 403, 404].contains(&s.as_u16()), "{what}");
                } else if rule == Rule::OwnerOrAdmin {
                    assert_eq!(s, StatusCode::NOT_FOUND, "someone else's token is invisible: {what}");
                } else {
                    assert_eq!(s, StatusCode::FORBIDDEN, "{what}");
                }
                checked += 1;
            }
        }
        assert_lists_stay_in_scope(&world, &client, &home_code, me.id.0).await;
    }
    eprintln!("access matrix: {checked} requests checked over {} routes", routes.len());
}

/// No list returns a row from outside the caller's scope.
async fn assert_lists_stay_in_scope(world: &World, c: &Client, home: &str, me: i64) {
    let sys = Actor::system("access-test");
    let items = |r: Reply| r.json()["items"].as_array().cloned().unwrap_or_default();
    let divisions = items(c.get("/api/v1/divisions?per_page=200").await);
    assert!(!divisions.is_empty());
    for d in &divisions {
        assert!(d["code"].as_str().unwrap().starts_with(home), "{home} sees division {d}");
    }
    for b in items(c.get("/api/v1/bodies?per_page=200").await) {
        assert!(b["division_code"].as_str().unwrap().starts_with(home), "{home} sees body {b}");
    }
    for u in items(c.get("/api/v1/users?per_page=200").await) {
        let body = world.app.get_body(&sys, BodyId(u["body_id"].as_i64().unwrap())).await.unwrap();
        assert!(body.division_code.as_str().starts_with(home), "{home} sees user {u}");
    }
    for t in items(c.get("/api/v1/tokens?per_page=200").await) {
        assert_eq!(t["user_id"].as_i64(), Some(me), "tokens of others are listed");
    }
    let audit = c.get("/api/v1/audit?per_page=200").await;
    if audit.status == StatusCode::OK {
        for rec in items(audit) {
            let division = rec["division_code"].as_str().unwrap_or("");
            assert!(division.starts_with(home), "{home} reads an audit record about {division}: {rec}");
        }
    }
}
