//! The HTTP surface: problem details, bad input, CSRF, tokens, pagination, the OpenAPI
//! document, the login page and its language switch.

use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn bad_input_gets_problem_details_and_changes_nothing() {
    let db = TestDb::sqlite();
    let app = demo(&db).await;
    let admin = Client::login(&app, "suixi.admin").await;
    let users_before = admin.get("/api/v1/users").await.json()["total"].as_i64().unwrap();

    let r = admin.send("POST", "/api/v1/users", Some("application/json"), b"{\"username\": ".to_vec()).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.headers["content-type"], "application/problem+json");
    assert_eq!(r.json()["code"], "invalid_json");

    let r = admin
        .json("POST", "/api/v1/users", &json!({"username": "x.y.z", "display_name": "X", "role": "viewer", "body_id": 1, "password": "long enough pw", "admin": true}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["code"], "unknown_field");
    assert!(r.json()["detail"].as_str().unwrap().contains("admin"));

    let r = admin
        .json(
            "POST",
            "/api/v1/users",
            &json!({"username": "ab", "display_name": "", "role": "viewer", "body_id": 1, "password": "short"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let p = r.json();
    assert_eq!(p["code"], "validation_failed");
    assert_eq!(p["type"], "urn:grassroots:problem:validation_failed");
    let fields: Vec<&str> = p["errors"].as_array().unwrap().iter().map(|e| e["location"].as_str().unwrap()).collect();
    assert!(
        fields.contains(&"username") && fields.contains(&"password") && fields.contains(&"display_name"),
        "{fields:?}"
    );

    let big = vec![b' '; grassroots_web::JSON_LIMIT + 10];
    let r = admin.send("POST", "/api/v1/users", Some("application/json"), big).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.json()["code"], "payload_too_large");

    let r = admin.send("POST", "/api/v1/users", Some("text/plain"), b"{}".to_vec()).await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let r = admin.get("/api/v1/divisions?colour=red").await;
    assert_eq!((r.status, r.json()["code"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_query")));

    // A duplicate is a conflict, not a crash.
    let body = admin.get("/api/v1/bodies?q=临涣镇党政办公室").await.json()["items"][0]["id"].as_i64().unwrap();
    let dup = json!({"username": "linhuan.officer", "display_name": "重名", "role": "town_officer", "body_id": body, "password": "long enough pw"});
    let r = admin.json("POST", "/api/v1/users", &dup).await;
    assert_eq!((r.status, r.json()["code"].as_str()), (StatusCode::CONFLICT, Some("conflict")));

    assert_eq!(admin.get("/api/v1/users").await.json()["total"].as_i64().unwrap(), users_before);
    let r = admin.get("/api/v1/nothing-here").await;
    assert_eq!((r.status, r.json()["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
}

#[tokio::test]
async fn cookie_callers_need_the_csrf_token_bearer_callers_do_not() {
    let db = TestDb::sqlite();
    let app = demo(&db).await;
    let c = Client::login(&app, "linhuan.officer").await;
    let r = c.without_csrf().json("POST", "/api/v1/tokens", &json!({"name": "bridge"})).await;
    assert_eq!((r.status, r.json()["code"].as_str()), (StatusCode::FORBIDDEN, Some("csrf_failed")));
    let r = c.json("POST", "/api/v1/tokens", &json!({"name": "bridge", "expires_in_days": 30})).await;
    assert_eq!(r.status, StatusCode::CREATED);
    let created = r.json();
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("grt_"));

    let token_client = Client { bearer: Some(secret.clone()), ..Client::new(&app) };
    let me = token_client.get("/api/v1/me").await.json();
    assert_eq!((me["username"].as_str(), me["via_token"].as_bool()), (Some("linhuan.officer"), Some(true)));
    // A token cannot breed tokens that would outlive it, nor change the password.
    let r = token_client.json("POST", "/api/v1/tokens", &json!({"name": "second"})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = token_client
        .json("PUT", "/api/v1/me/password", &json!({"current_password": PASSWORD, "new_password": "another long one"}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Bearer callers need no CSRF token.
    let admin = Client::login(&app, "suixi.admin").await;
    let admin_secret = admin.json("POST", "/api/v1/tokens", &json!({"name": "provisioning"})).await.json()["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let admin_token = Client { bearer: Some(admin_secret), ..Client::new(&app) };
    let r = admin_token
        .json(
            "POST",
            "/api/v1/bodies",
            &json!({"division_code": "340621104", "kind": "town_office", "name": "临涣镇经济发展办公室"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    // Listing never shows a secret.
    let list = c.get("/api/v1/tokens").await.text();
    assert!(!list.contains(&secret[4..]), "secret leaked: {list}");
    let id = created["token"]["id"].as_i64().unwrap();
    assert_eq!(c.send("DELETE", &format!("/api/v1/tokens/{id}"), None, vec![]).await.status, StatusCode::OK);
    let r = token_client.get("/api/v1/me").await;
    assert_eq!((r.status, r.json()["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_token")));

    let stale = Client { cookie: Some("gr_session=0000".into()), ..Client::new(&app) };
    let r = stale.get("/api/v1/me").await;
    assert_eq!((r.status, r.json()["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("session_expired")));
    let r = stale.get("/").await;
    assert!(r.location().contains("expired=1"), "{}", r.location());
}

#[tokio::test]
async fn lists_are_paginated_and_filtered() {
    let db = TestDb::sqlite();
    let app = demo(&db).await;
    let c = Client::login(&app, "suixi.leader").await;
    let p1 = c.get("/api/v1/divisions?level=village&per_page=20").await.json();
    let p2 = c.get("/api/v1/divisions?level=village&per_page=20&page=2").await.json();
    assert_eq!(p1["items"].as_array().unwrap().len(), 20);
    assert_eq!(p1["total"], p2["total"]);
    assert_ne!(p1["items"][0]["code"], p2["items"][0]["code"]);
    let towns = c.get("/api/v1/divisions/340621/children?per_page=200").await.json();
    assert_eq!(towns["total"], 13);
    let found = c.get("/api/v1/divisions?q=%E4%B8%B4%E6%B6%A3").await.json();
    assert!(found["items"].as_array().unwrap().iter().all(|d| d["name"].as_str().unwrap().contains("临涣")));
    // Wildcards typed by a user match themselves, on both backends.
    assert_eq!(c.get("/api/v1/users?q=_").await.json()["total"], 0);
    assert_eq!(c.get("/api/v1/users?q=%25").await.json()["total"], 0);
    assert_eq!(c.get("/api/v1/users?q=linhuan.").await.json()["total"], 4);
    let capped = c.get("/api/v1/divisions?per_page=100000").await.json();
    assert_eq!(capped["per_page"], 200);
    let d = c.get("/api/v1/calendar/deadline?start=2025-09-30&days=1").await.json();
    assert_eq!(d["due"], "2025-10-09");
    let w = c.get("/api/v1/calendar/working-days?from=2025-09-30&to=2025-10-09").await.json();
    assert_eq!(w["working_days"], 1);
}

#[tokio::test]
async fn the_openapi_document_describes_every_api_route() {
    let db = TestDb::sqlite();
    let app = open(&db).await;
    let r = Client::new(&app).get("/api/v1/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{}", doc["openapi"]);
    let paths = doc["paths"].as_object().unwrap();
    for route in grassroots_web::route_table()
        .iter()
        .filter(|r| r.path.starts_with("/api/v1/") && r.path != "/api/v1/openapi.json")
    {
        let item = paths.get(&route.path).unwrap_or_else(|| panic!("{} missing from the document", route.path));
        let op = &item[route.method.as_str().to_lowercase()];
        assert!(op.is_object(), "{} {}", route.method, route.path);
        // Errors are problem documents in their own media type; `default` covers the rest.
        for (status, response) in op["responses"].as_object().unwrap() {
            if status.starts_with('4') || status.starts_with('5') || status == "default" {
                assert!(
                    response["content"]["application/problem+json"].is_object(),
                    "{status} of {} {}",
                    route.method,
                    route.path
                );
            }
        }
    }
    let schemas = &doc["components"]["schemas"];
    assert!(schemas["Problem"].is_object());
    // Enums are described by the names they are sent as, and no two types share a name.
    assert_eq!(schemas["EventState"]["enum"][0], "new");
    assert_eq!(schemas["Level"]["enum"], serde_json::json!(["province", "city", "county", "town", "village"]));
    assert_eq!(schemas["WarningLevel"]["enum"][0], "red");
    assert_eq!(schemas["BurdenReport"]["properties"]["review_hours"]["propertyNames"]["type"], "string", "JSON keys");
}

#[tokio::test]
async fn the_login_page_works_in_both_languages() {
    let db = TestDb::sqlite();
    let app = demo(&db).await;
    let c = Client::new(&app);
    let page = c.get("/login").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("<html lang=\"zh-CN\">") && html.contains("登录"));
    let csrf_cookie = page
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("gr_login_csrf="))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let token = csrf_cookie.trim_start_matches("gr_login_csrf=").to_owned();
    assert!(html.contains(&token));

    // Without the form token: refused.
    let r = c.form("/login", &[("username", "linhuan.officer"), ("password", PASSWORD), ("csrf", "forged")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let with_cookie = Client { cookie: Some(csrf_cookie.clone()), ..c.clone() };
    let r = with_cookie
        .form("/login", &[("username", "linhuan.officer"), ("password", "wrong"), ("csrf", &token), ("next", "/")])
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.text().contains("用户名或密码错误"));
    let r = with_cookie
        .form(
            "/login",
            &[("username", "linhuan.officer"), ("password", PASSWORD), ("csrf", &token), ("next", "//evil.example/")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/", "an off-site next is ignored");
    for evil in ["/\t/evil.example/", "/\\evil.example", "http://evil.example/"] {
        let r = with_cookie
            .form(
                "/login",
                &[("username", "linhuan.officer"), ("password", PASSWORD), ("csrf", &token), ("next", evil)],
            )
            .await;
        assert_eq!(r.location(), "/", "{evil:?}");
    }
    let cookie = session_cookie(&r);
    let set = r
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("gr_session="))
        .unwrap()
        .to_owned();
    assert!(set.contains("HttpOnly") && set.contains("Secure") && set.contains("SameSite=Lax"), "{set}");

    let me = Client { cookie: Some(cookie.clone()), ..Client::new(&app) };
    let home = me.get("/").await.text();
    assert!(home.contains("乡镇工作人员") && home.contains("临涣镇"), "{home}");
    let english = Client { cookie: Some(format!("{cookie}; gr_lang=en")), ..Client::new(&app) };
    let home = english.get("/").await.text();
    assert!(home.contains("town officer") && home.contains("<html lang=\"en\">"));

    // A form without the session's CSRF token changes nothing.
    let r = me.form("/tokens", &[("name", "sneaky")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!me.get("/tokens").await.text().contains("sneaky"));
}

#[tokio::test]
async fn health_and_metrics() {
    let db = TestDb::sqlite();
    let app = open(&db).await;
    let c = Client::new(&app);
    assert_eq!(c.get("/healthz").await.status, StatusCode::OK);
    c.get("/login").await;
    let m = c.get("/metrics").await.text();
    assert!(m.contains("grassroots_http_requests_total{class=\"2xx\"}"), "{m}");
    assert!(m.contains("grassroots_http_request_duration_seconds_bucket{le=\"+Inf\"}"));
}

#[tokio::test]
async fn forms_say_what_is_wrong_in_the_visitors_language() {
    let db = TestDb::sqlite();
    let app = demo(&db).await;
    let admin = Client::login(&app, "suixi.admin").await;
    let csrf = admin.csrf.clone().unwrap();
    let page = admin.without_csrf();
    let body = admin.get("/api/v1/bodies?q=临涣镇党政办公室").await.json()["items"][0]["id"].to_string();
    let form = [
        ("csrf", csrf.as_str()),
        ("username", "x"),
        ("display_name", "某人"),
        ("role", "town_officer"),
        ("body_id", &body),
        ("password", "short"),
    ];
    let html = page.form("/users", &form).await.text();
    assert!(html.contains("密码至少 10 个字符") && html.contains("用户名须为"), "{html}");
    let english = Client { cookie: Some(format!("{}; gr_lang=en", admin.cookie.clone().unwrap())), ..page.clone() };
    let html = english.form("/users", &form).await.text();
    assert!(html.contains("password: a password has at least 10 characters"), "{html}");
    let form = [
        ("csrf", csrf.as_str()),
        ("username", "linhuan.clerk"),
        ("display_name", "文书"),
        ("role", "town_officer"),
        ("body_id", &body),
        ("password", "long enough pw"),
    ];
    let r = page.form("/users", &form).await;
    assert_eq!((r.status, r.location()), (StatusCode::SEE_OTHER, "/users".to_owned()));
    assert!(page.get("/users").await.text().contains("linhuan.clerk"));
}
