//! The access matrix: every route the router serves × every role × an object in the
//! actor's own scope, in another town of its county, in another county, and no login.
//! The routes come from `grassroots_web::route_table()`, read off the served router; a
//! route without a rule here fails the test, so a new route cannot be missed.

use axum::http::StatusCode;
use grassroots_app::Actor;
use grassroots_app::core::tokens::NewTokenRequest;
use grassroots_domain::core::body::BodyId;
use grassroots_domain::core::role::Role;
use grassroots_web::Surface;
use serde_json::json;

mod requests;
mod rules;
mod world;

use requests::{body_for, call, has_param, query_for};
use rules::{Rule, rule};
use world::{Scope, World, fill, target};

use crate::helpers::*;

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
                // So are its warnings.
                let county_wide = ["/api/v1/rounds/{id}", "/rounds/{id}", "/api/v1/warnings/{id}", "/warnings/{id}"]
                    .iter()
                    .any(|p| r.path.starts_with(p));
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
                    Rule::Income | Rule::Petitions => matches!(role, Role::TownOfficer | Role::DepartmentOfficer),
                    Rule::Bureau => *role == Role::BureauOfficer,
                    Rule::Patrols => matches!(role, Role::VillageOfficer | Role::HazardMonitor),
                    Rule::Recipient => true,
                };
                let no_such_list = (r.path.contains("/lists/{id}") && objects.list.is_none())
                    || ((r.path.contains("/tasks/{id}") || r.path.contains("/task-targets/{id}"))
                        && objects.task.is_none())
                    || (r.path.contains("/plans/{id}") && objects.plan.is_none())
                    || (r.path.contains("/orders/{id}") && objects.order.is_none())
                    || (r.path.contains("/cases/{id}") && objects.case.is_none())
                    || (r.path.contains("/inspections/{id}") && objects.visit.is_none())
                    || (r.path.contains("/events/{id}") && objects.event.is_none())
                    || (r.path.contains("/petitions/{id}") && objects.petition.is_none());
                let s = reply.status;
                let what = format!(
                    "{username} ({role}) {} {path} [{scope:?}] → {s}: {}",
                    r.method,
                    reply.text().chars().take(200).collect::<String>()
                );
                if out_of_scope || no_such_list {
                    assert_eq!(s, StatusCode::NOT_FOUND, "{what}");
                } else if rule == Rule::Recipient {
                    assert!(s.is_success() || s.is_redirection() || s == StatusCode::FORBIDDEN, "{what}");
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
