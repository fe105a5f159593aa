//! The defenses SECURITY.md promises, each tried from outside: session fixation, CSRF on
//! every form, security headers on every kind of answer, upload limits on every route that
//! takes a body, the password policy, and personal data kept out of the audit log and of
//! the answers of those not handling it. (Scope and roles: the access matrix; throttling:
//! `store::login_throttling_and_sessions`, `store::parallel_guesses_cannot_pass_the_limit`.)

use axum::http::{StatusCode, header};
use grassroots_web::Surface;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn a_session_id_is_never_the_visitors_choice() {
    let db = TestDb::sqlite();
    let app = demo(&db).await;
    let planted = "gr_session=planted-by-an-attacker-0123456789abcdef0123456789abcdef";
    let mut c = Client { cookie: Some(planted.into()), ..Client::new(&app) };
    assert_eq!(c.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
    let r = c.json("POST", "/api/v1/session", &json!({"username": "linhuan.officer", "password": PASSWORD})).await;
    assert_eq!(r.status, StatusCode::OK);
    let issued = session_cookie(&r);
    assert_ne!(issued, planted, "login issues its own id");
    assert_eq!(c.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED, "the planted id stays worthless");

    // A second login from the same browser gets a new id; logging out ends it on the server.
    c.cookie = Some(issued.clone());
    c.csrf = r.json()["csrf_token"].as_str().map(str::to_owned);
    let again = c.json("POST", "/api/v1/session", &json!({"username": "linhuan.officer", "password": PASSWORD})).await;
    let second = session_cookie(&again);
    assert_ne!(second, issued);
    let cookie = r
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|v| v.starts_with("gr_session="));
    let cookie = cookie.unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"), "{cookie}");
    assert_eq!(c.send("DELETE", "/api/v1/session", None, vec![]).await.status, StatusCode::NO_CONTENT);
    assert_eq!(c.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED, "the old id no longer opens anything");
}

/// Every path parameter filled with something that parses, so the request reaches its body.
fn filled(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').unwrap() + open;
        let name = &rest[open + 1..close];
        out.push_str(if name.contains("code") || name == "town" { "340621104" } else { "1" });
        rest = &rest[close + 1..];
    }
    out + rest
}

#[tokio::test]
async fn every_form_needs_its_csrf_token() {
    let db = TestDb::sqlite();
    let app = demo(&db).await;
    let admin = Client::login(&app, "suixi.admin").await.without_csrf();
    let mut checked = 0;
    for r in grassroots_web::route_table().iter().filter(|r| r.method == "POST" && r.surface == Surface::Page) {
        let path = filled(&r.path);
        let mut reply = admin.form(&path, &[("title", "x")]).await;
        if reply.status == StatusCode::BAD_REQUEST {
            // An upload form: the same without the field, as multipart.
            let body = "--b\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nx\r\n--b--\r\n";
            reply = admin.send("POST", &path, Some("multipart/form-data; boundary=b"), body.into()).await;
        }
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "POST {path} without the CSRF field: {}", reply.text());
        checked += 1;
    }
    assert!(checked > 20, "only {checked} forms found");
    // The API with a session cookie needs the header; `api::cookie_callers_need_the_csrf_token…`
    // covers it and bearer tokens.
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let db = TestDb::sqlite();
    let app = demo(&db).await;
    let anonymous = Client::new(&app);
    let officer = Client::login(&app, "linhuan.officer").await;
    let answers = [
        ("login page", anonymous.get("/login").await),
        ("page", officer.get("/").await),
        ("redirect", anonymous.get("/events").await),
        ("API", officer.get("/api/v1/me").await),
        ("API error", anonymous.get("/api/v1/me").await),
        ("not found", anonymous.get("/no/such/page").await),
        ("public page", anonymous.get("/alerts").await),
    ];
    for (what, r) in &answers {
        let h =
            |name: header::HeaderName| r.headers.get(&name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        let csp = h(header::CONTENT_SECURITY_POLICY);
        for directive in ["default-src 'self'", "frame-ancestors 'none'", "form-action 'self'"] {
            assert!(csp.contains(directive), "{what}: CSP lacks {directive}: {csp}");
        }
        assert!(!csp.contains("script-src") || !csp.contains("unsafe-inline'; script"), "{what}: no inline scripts");
        assert_eq!(h(header::X_CONTENT_TYPE_OPTIONS), "nosniff", "{what}");
        assert_eq!(h(header::X_FRAME_OPTIONS), "DENY", "{what}");
        assert_eq!(h(header::REFERRER_POLICY), "same-origin", "{what}");
        assert_eq!(h(header::CACHE_CONTROL), "no-store", "{what}: personal data stays out of shared caches");
    }
    // Secure cookies when the deployment says it is behind HTTPS.
    let secure =
        grassroots_web::router(app.clone(), grassroots_web::WebOptions { secure_cookies: true, ..Default::default() });
    let c = Client { router: secure, ..Client::new(&app) };
    let r = c.json("POST", "/api/v1/session", &json!({"username": "linhuan.officer", "password": PASSWORD})).await;
    let cookie = r.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn every_body_has_a_limit() {
    let db = TestDb::sqlite();
    let app = demo(&db).await;
    let admin = Client::login(&app, "suixi.admin").await;
    let too_big = vec![b' '; grassroots_web::JSON_LIMIT + 1];
    let openapi = Client::new(&app).get("/api/v1/openapi.json").await.json();
    let takes_body = |method: &str, path: &str| !openapi["paths"][path][method.to_lowercase()]["requestBody"].is_null();
    let mut checked = 0;
    for r in grassroots_web::route_table() {
        if r.surface != Surface::Api || !takes_body(r.method.as_str(), &r.path) || r.path.ends_with("/attachments") {
            continue; // attachments take 10 MiB: command::attachments… tries 10 MiB and one byte
        }
        let path = filled(&r.path);
        let reply = admin.send(r.method.as_str(), &path, Some("application/json"), too_big.clone()).await;
        assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE, "{} {path}: {}", r.method, reply.text());
        checked += 1;
    }
    assert!(checked > 20, "only {checked} routes with bodies");
    let big_form = "x".repeat(grassroots_web::FORM_LIMIT + 1);
    let r = admin.form("/cases", &[("title", &big_form)]).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn a_table_that_spans_a_whole_sheet_is_refused_without_building_it() {
    // One cell in A1 and one in XFD1048576: 17 billion cells if the grid were built.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "kind").unwrap();
    sheet.write_string(1_048_575, 16_383, "far").unwrap();
    let xlsx = book.save_to_buffer().unwrap();
    let e = grassroots_app::admission::listfile::read(&xlsx).unwrap_err();
    assert_eq!(e.errors[0].code, "table_too_large", "{e:?}");
    assert!(e.errors[0].location.contains("XFD"), "{e:?}");
}

#[tokio::test]
async fn passwords_are_long_not_the_name_and_not_common() {
    let db = TestDb::sqlite();
    let app = demo(&db).await;
    let admin = Client::login(&app, "suixi.admin").await;
    let body = admin.get("/api/v1/bodies?q=临涣镇党政办公室").await.json()["items"][0]["id"].as_i64().unwrap();
    for (password, code) in [
        ("short", "password_too_short"),
        ("Li.Xiaoming", "password_is_username"),
        ("1234567890", "password_too_common"),
        ("qwertyuiop", "password_too_common"),
        ("aaaaaaaaaaaa", "password_too_common"),
        ("woaini1314520", "password_too_common"),
    ] {
        let user = json!({"username": "li.xiaoming", "display_name": "李晓明", "role": "town_officer", "body_id": body, "password": password});
        let r = admin.json("POST", "/api/v1/users", &user).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{password}");
        let codes: Vec<String> =
            r.json()["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap().to_owned()).collect();
        assert!(codes.contains(&code.to_owned()), "{password}: {codes:?}");
    }
    let user = json!({"username": "li.xiaoming", "display_name": "李晓明", "role": "town_officer", "body_id": body, "password": "临涣 spring rain 2026"});
    let r = admin.json("POST", "/api/v1/users", &user).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
}

/// Runs of digits in `text` that look like a mainland mobile number or an ID number.
fn personal_numbers(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        while i < b.len() && (b[i].is_ascii_digit() || (i > start && i - start == 17 && b[i] == b'X')) {
            i += 1;
        }
        let run = std::str::from_utf8(&b[start..i]).unwrap();
        if (run.len() == 11 && run.starts_with('1') && run.as_bytes()[1] >= b'3') || run.len() == 18 {
            out.push(run.to_owned());
        }
        i = if i == start { i + 1 } else { i };
    }
    out
}

#[tokio::test]
async fn personal_data_is_masked_in_the_audit_log_and_for_those_not_handling_it() {
    let db = TestDb::sqlite();
    let app = demo(&db).await;
    let public = Client::new(&app);
    let petition = json!({"division": "340621104", "channel": "online", "kind": "suggestion", "title": "建议增设路灯",
        "petitioner": {"name": "赵六", "id_number": "11010519491231002X", "phone": "13800006666", "address": "临涣镇"}});
    assert_eq!(public.json("POST", "/api/v1/public/petitions", &petition).await.status, StatusCode::CREATED);
    let event = json!({"division": "340621104200", "category": "other", "source": "public", "title": "路灯不亮", "reporter_name": "钱女士", "reporter_phone": "13900007777"});
    let r = public.json("POST", "/api/v1/public/events", &event).await;
    assert!(r.status.is_success(), "{}", r.text());

    // The audit log: every record's before and after, whoever wrote it.
    let store = grassroots_store::Store::connect(&db.url).await.unwrap();
    let mut c = store.conn().await.unwrap();
    let records: Vec<(i64, String)> = sqlx::query_as(
        "SELECT seq, object_type || ' ' || COALESCE(before_json, '') || COALESCE(after_json, '') FROM audit_log",
    )
    .fetch_all(&mut *c)
    .await
    .unwrap();
    for kind in ["petition ", "event "] {
        assert!(records.iter().any(|(_, text)| text.starts_with(kind)), "the {kind}was audited");
    }
    for (seq, text) in &records {
        assert!(personal_numbers(text).is_empty(), "audit record {seq} holds {:?}", personal_numbers(text));
    }
    drop(c);
    store.close().await;

    // Lists, for a county leader who handles neither.
    let leader = Client::login(&app, "suixi.leader").await;
    for path in ["/api/v1/petitions?per_page=100", "/api/v1/events?per_page=100", "/petitions", "/events"] {
        let text = leader.get(path).await.text();
        assert!(personal_numbers(&text).is_empty(), "{path} shows {:?}", personal_numbers(&text));
    }
}

#[test]
fn a_cap_message_with_a_dtd_is_refused_before_any_entity_is_expanded() {
    let alert = |dtd: &str| {
        format!(
            r#"<?xml version="1.0"?>{dtd}<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&x;</identifier></alert>"#
        )
    };
    let laughs = alert(
        r#"<!DOCTYPE alert [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY x "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>"#,
    );
    let outside = alert(r#"<!DOCTYPE alert [<!ENTITY x SYSTEM "file:///etc/passwd">]>"#);
    for xml in [laughs, outside] {
        let e = grassroots_app::warning::cap::parse(&xml).unwrap_err();
        assert_eq!(e.errors[0].code, "malformed_xml", "{e:?}");
        assert!(!format!("{e:?}").contains("lollol") && !format!("{e:?}").contains("root:"), "{e:?}");
    }
}
