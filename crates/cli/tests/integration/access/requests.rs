//! The request each route is sent: its query, a body the route accepts from an allowed
//! caller, sent as JSON, a form or an upload.

use axum::http::Method;
use grassroots_web::Surface;
use serde_json::{Value, json};

use super::world::Objects;
use crate::empowerment::CATALOG;
use crate::helpers::*;
use crate::restructuring::LINHUAN_PLAN;

pub(super) fn query_for(path: &str) -> &'static str {
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
        "/api/v1/events/{id}/attachments" => "?name=photo.jpg",
        "/api/v1/divisions/{code}/income" | "/api/v1/divisions/{code}/headline" => "?year=2021",
        _ => "",
    }
}

pub(super) static UNIQUE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A request body that the route accepts from an allowed caller.
pub(super) fn body_for(method: &Method, path: &str, home: &Objects) -> Value {
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
        ("POST", "/api/v1/petitions") => super::world::petition_json(&home.division[..home.division.len().min(9)]),
        ("POST", "/petitions") => json!({
            "division": &home.division[..home.division.len().min(9)], "channel": "letter", "kind": "claim",
            "title": "测试信访事项", "name": "测试", "id_number": "11010519491231002X", "phone": "13800001234",
            "address": "测试地址"
        }),
        ("POST", "/api/v1/petitions/{id}/stage") | ("POST", "/petitions/{id}/stage") => json!({ "to": "accepted" }),
        ("POST", "/api/v1/petitions/{id}/extension") => {
            json!({ "days": 1, "approved_by": "镇长", "note": "测试" })
        }
        ("POST", "/petitions/{id}/extension") => json!({ "days": "1", "approved_by": "镇长", "note": "测试" }),
        ("POST", "/api/v1/warnings") | ("POST", "/warnings") => json!({
            "level": "blue", "onset": "2026-01-01 08:00", "expires": "2099-01-01 08:00", "areas": [home.division],
            "description": format!("测试预警{n}")
        }),
        ("POST", "/api/v1/warnings/{id}/revisions") => json!({ "msg_type": "Cancel" }),
        ("POST", "/warnings/{id}/cancel") => json!({ "description": "测试解除" }),
        ("POST", "/api/v1/warnings/{id}/patrols") => {
            json!({ "point_id": home.point.unwrap_or(0), "danger_found": false })
        }
        ("POST", "/warnings/{id}/patrols") => {
            json!({ "point_id": home.point.unwrap_or(0).to_string(), "evacuated": "0" })
        }
        ("PUT", "/api/v1/warning-rules") => json!({
            "level": "blue", "patrol_within_hours": 0, "ready_evacuation": false, "evacuate": false,
            "acknowledge_within_minutes": 120
        }),
        ("POST", "/api/v1/warning-webhooks") => json!({ "url": "http://127.0.0.1:9/hook" }),
        _ => json!({}),
    }
}

pub(super) fn form_fields(v: &Value) -> Vec<(String, String)> {
    v.as_object()
        .map(|o| {
            o.iter().map(|(k, v)| (k.clone(), v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()))).collect()
        })
        .unwrap_or_default()
}

pub(super) async fn call(c: &Client, surface: Surface, method: &Method, path: &str, body_json: &Value) -> Reply {
    let body = body_json;
    match (surface, method.as_str()) {
        (Surface::Page, "POST")
            if ["/lists/import", "/catalog/import", "/plans", "/income/import", "/hazard-points/import"]
                .contains(&path)
                || path.ends_with("/attachments") =>
        {
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

pub(super) fn has_param(path: &str) -> bool {
    path.contains('{')
}
