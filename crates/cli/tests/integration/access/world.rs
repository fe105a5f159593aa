//! The objects the matrix points at: at every division a demo user stands in, and the two
//! others each user is tested against, a body, a user, a token and one object of every
//! flow; and the paths filled with them.

use std::collections::HashMap;

use grassroots_app::admission::lists::PublishRequest;
use grassroots_app::admission::tasks::NewTaskRequest;
use grassroots_app::command::ReportRequest;
use grassroots_app::core::bodies::NewBodyRequest;
use grassroots_app::core::tokens::NewTokenRequest;
use grassroots_app::core::users::NewUserRequest;
use grassroots_app::empowerment::rounds::{NewRoundRequest, OrderRequest};
use grassroots_app::enforcement::FileRequest;
use grassroots_app::inspection::{MergeRequest, PlanRequest, TargetRequest};
use grassroots_app::petition::PetitionRequest;
use grassroots_app::restructuring::{ApproveRequest, parse_document};
use grassroots_app::{Actor, App};
use grassroots_domain::command::{Category, Source};
use grassroots_domain::core::body::BodyKind;
use grassroots_domain::core::division::DivisionCode;
use grassroots_domain::core::role::Role;
use grassroots_domain::enforcement::Procedure;
use grassroots_domain::inspection::CheckItem;

use crate::empowerment::CATALOG;
use crate::helpers::*;
use crate::restructuring::LINHUAN_PLAN;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scope {
    Own,
    ForeignTown,
    ForeignCounty,
}

/// Objects at one division: a body, a user in it, that user's token, and — for a town or
/// county — a published list version and a task sent there (for a county, to one of its
/// towns) with its target, an approved plan and an order of the county's round; for any
/// division, the round of its county.
#[derive(Debug, Clone)]
pub(super) struct Objects {
    pub(super) division: String,
    pub(super) body: i64,
    pub(super) user: i64,
    pub(super) token: i64,
    pub(super) list: Option<i64>,
    pub(super) task: Option<(i64, i64)>,
    pub(super) plan: Option<i64>,
    pub(super) round: Option<i64>,
    pub(super) order: Option<i64>,
    pub(super) case: Option<i64>,
    /// A target with one visit made and one plan still open.
    pub(super) target: Option<i64>,
    pub(super) visit: Option<i64>,
    pub(super) open_plan: Option<i64>,
    pub(super) event: Option<i64>,
    /// A photo attached to that event.
    pub(super) attachment: Option<i64>,
    pub(super) petition: Option<i64>,
    /// The county's warning, a hazard point in (or under) the division, and the notice
    /// addressed to it (for a county, to its first town).
    pub(super) warning: Option<i64>,
    pub(super) point: Option<i64>,
    pub(super) notice: Option<i64>,
}

pub(super) struct World {
    pub(super) app: App,
    /// Objects by division code.
    pub(super) at: HashMap<String, Objects>,
}

pub(super) fn county_of(code: &str) -> &str {
    &code[..6]
}

/// The division whose objects stand for `scope` as seen from an actor at `home`.
pub(super) fn target(home: &str, scope: Scope) -> String {
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
    pub(super) async fn new(app: App) -> Self {
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
                    attachment: None,
                    petition: None,
                    warning: None,
                    point: None,
                    notice: None,
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
            let photo = [0xFF, 0xD8, 0xFF, 0xE0, b'J', b'F', b'I', b'F'].to_vec();
            let attachment = app.attach_to_event(&sys, event, "现场.jpg", photo).await.unwrap().id;
            let petition = app.register_petition(&sys, petition_request(&town)).await.unwrap().petition.id;
            for d in [town.as_str(), &town[..6]] {
                if let Some(o) = at.get_mut(d).filter(|o| o.plan.is_none()) {
                    o.plan = Some(plan.0);
                    o.order = Some(order.0);
                    o.case = Some(case.0);
                    o.target = Some(target);
                    o.visit = Some(visit);
                    o.open_plan = Some(open_plan);
                    o.event = Some(event.0);
                    o.attachment = Some(attachment.0);
                    o.petition = Some(petition.0);
                }
            }
        }
        for o in at.values_mut() {
            o.round = Some(rounds[&o.division[..6]].0);
        }
        warning_fixtures(&app, &mut at).await;
        Self { app, at }
    }
}

/// Each county: a hazard point in a village of every division of the matrix (Xinluo's
/// Hongguang watched by the demo's monitor) and a warning over the whole county, drafted
/// by its natural resources bureau and co-signed by its meteorological bureau.
async fn warning_fixtures(app: &App, at: &mut HashMap<String, Objects>) {
    use grassroots_app::warning::DraftRequest;
    use grassroots_domain::warning::{Level, RecipientKind, WarningId};
    let mut c = app.store.conn().await.unwrap();
    let mut village_of = HashMap::new();
    for d in at.keys() {
        let v: String = sqlx::query_scalar(
            "SELECT code FROM division WHERE level = 'village' AND code LIKE $1 ORDER BY code LIMIT 1",
        )
        .bind(format!("{d}%"))
        .fetch_one(&mut *c)
        .await
        .unwrap();
        village_of.insert(d.clone(), v);
    }
    let mut villages: Vec<&String> = village_of.values().collect();
    villages.sort();
    villages.dedup();
    let mut csv = String::from("number,name,kind,scale,village_code,lon,lat,households,people,monitors\n");
    for v in villages {
        let monitor = if v == "350802104201" { "黄师傅 13800000001 xinluo.monitor" } else { "测试 13800000002" };
        csv.push_str(&format!("FX{v},测试隐患点{v},landslide,small,{v},117.0,25.1,3,9,{monitor}\n"));
    }
    app.import_hazard_points(&Actor::system("access-test"), csv.as_bytes()).await.unwrap();
    let bureaus =
        [("340621", "濉溪县自然资源和规划局", "濉溪县气象局"), ("350802", "龙岩市新罗区自然资源局", "新罗区气象局")];
    let mut warnings = HashMap::new();
    for (county, resources, weather) in bureaus {
        let code = DivisionCode::parse(county).unwrap();
        let path = grassroots_store::core::divisions::get(&mut c, &code).await.unwrap().unwrap().path;
        let mut bureau = Vec::new();
        for name in [resources, weather] {
            let b = grassroots_store::core::bodies::find_by_name(&mut c, &code, name).await.unwrap().unwrap();
            let mut a = Actor::system("access-test");
            a.body_id = Some(b.id);
            a.division_code = county.into();
            a.scope_path = path.clone();
            bureau.push(a);
        }
        let (drafter, cosigner) = (&bureau[0], &bureau[1]);
        let today = grassroots_app::core::today();
        let req = DraftRequest {
            level: Level::Blue,
            onset: format!("{today} 08:00"),
            expires: format!("{} 08:00", today + time::Duration::days(30)),
            areas: vec![county.into()],
            polygon: None,
            headline: String::new(),
            description: "测试预警".into(),
            instruction: String::new(),
        };
        let id = app.draft_warning(drafter, req).await.unwrap().warning.id;
        app.cosign_warning(cosigner, id).await.unwrap();
        warnings.insert(county, id);
    }
    for (d, o) in at.iter_mut() {
        let warning: WarningId = warnings[&d[..6]];
        o.warning = Some(warning.0);
        let number = format!("FX{}", village_of[d]);
        o.point = grassroots_store::warning::point_id_by_number(&mut c, &number).await.unwrap().map(|p| p.0);
        let notices = grassroots_store::warning::notices(&mut c, warning, "/").await.unwrap();
        let wanted = match d.len() {
            12 => notices.iter().find(|n| n.kind == RecipientKind::Village && &n.division_code == d),
            9 => notices.iter().find(|n| n.kind == RecipientKind::Town && &n.division_code == d),
            _ => notices.iter().find(|n| n.kind == RecipientKind::Town),
        };
        o.notice = wanted.map(|n| n.id.0);
    }
}

/// A target of the town with one joint visit made from a plan, and a second plan open.
pub(super) async fn inspection_fixture(app: &App, town: &str, departments: &HashMap<String, Actor>) -> (i64, i64, i64) {
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

pub(super) fn event_report(division: &str) -> ReportRequest {
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

pub(super) fn petition_request(town: &str) -> PetitionRequest {
    serde_json::from_value(petition_json(town)).unwrap()
}

/// A petition about `town` as the API takes it.
pub(super) fn petition_json(town: &str) -> serde_json::Value {
    serde_json::json!({
        "division": town, "channel": "letter", "kind": "claim", "title": "测试信访事项",
        "petitioner": {"name": "测试", "id_number": "11010519491231002X", "phone": "13800001234", "address": "测试地址"}
    })
}

/// A case on a statutory duty of the town, which needs no devolved power.
pub(super) fn case_filing(town: &str) -> FileRequest {
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
        discovered_on: None,
        caused_harm: false,
    }
}

/// Fills `{code}` and `{id}` with an object of the right kind.
pub(super) fn fill(path: &str, o: &Objects, own_token: Option<i64>) -> String {
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
    } else if path.contains("/petitions/{id}") {
        o.petition.unwrap_or(0)
    } else if path.contains("/warnings/{id}") {
        o.warning.unwrap_or(0)
    } else if path.contains("/warning-notices/{id}") {
        o.notice.unwrap_or(0)
    } else if path.contains("/hazard-points/{id}") {
        o.point.unwrap_or(0)
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
        .replace("{file}", &o.attachment.unwrap_or(0).to_string())
        .replace("{matter}", &format!("{}CF001", &o.division[..6]))
}
