//! Test fixtures: fresh databases on each backend, an in-process server, logins.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use grassroots_app::{App, Settings};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Says loudly that a suite is skipped; under CI, a skip is a failure.
pub fn skip(what: &str, why: &str) {
    assert!(!in_ci(), "{what} cannot be skipped in CI: {why}");
    eprintln!("\n!!!! SKIPPED: {what}: {why} !!!!\n");
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh, empty database that is removed when dropped.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_name: Option<String>,
}

fn pg_admin_url() -> String {
    std::env::var("GRASSROOTS_TEST_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

impl TestDb {
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        Self { url, _dir: Some(dir), pg_name: None }
    }

    /// A new PostgreSQL database, or `None` (after a loud skip) when no server answers.
    pub async fn postgres(test: &str) -> Option<Self> {
        use sqlx::Connection;
        sqlx::any::install_default_drivers();
        let admin = pg_admin_url();
        let mut conn = match sqlx::AnyConnection::connect(&admin).await {
            Ok(c) => c,
            Err(e) => {
                skip(&format!("PostgreSQL suite ({test})"), &format!("no server at {admin}: {e}"));
                return None;
            }
        };
        let name = format!(
            "gr_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            test.replace(['-', ':'], "_")
        );
        let name: String = name.chars().take(60).collect();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .expect("create database");
        let base = admin.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap_or(admin.clone());
        Some(Self { url: format!("{base}/{name}"), _dir: None, pg_name: Some(name) })
    }

    pub async fn new(backend: Backend, test: &str) -> Option<Self> {
        match backend {
            Backend::Sqlite => Some(Self::sqlite()),
            Backend::Postgres => Self::postgres(test).await,
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = self.pg_name.take() {
            // Best effort, on a thread of its own: Drop cannot await.
            let admin = pg_admin_url();
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
                rt.block_on(async move {
                    use sqlx::Connection;
                    if let Ok(mut c) = sqlx::AnyConnection::connect(&admin).await {
                        let _ =
                            sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
                                .execute(&mut c)
                                .await;
                    }
                });
            })
            .join();
        }
    }
}

/// Runs one async test body on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let db =
                    $crate::helpers::TestDb::new($crate::helpers::Backend::Sqlite, stringify!($name)).await.unwrap();
                ($body)(db).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(db) =
                    $crate::helpers::TestDb::new($crate::helpers::Backend::Postgres, stringify!($name)).await
                {
                    ($body)(db).await;
                }
            }
        }
    };
}

/// Where the tests keep attached files: files are stored under their digest, so tests
/// may share the folder.
pub fn files_dir() -> std::path::PathBuf {
    std::env::temp_dir().join("grassroots-test-files")
}

/// The petition key of the tests (not the demo's, so that tests cannot lean on it).
pub fn test_key() -> grassroots_app::petition::PetitionKey {
    grassroots_app::petition::PetitionKey::from_hex(&"5e".repeat(32)).expect("a 32-byte key")
}

pub async fn open(db: &TestDb) -> App {
    let settings = Settings { files_dir: files_dir(), petition_key: Some(test_key()), ..Settings::default() };
    App::open(&db.url, settings).await.expect("open app")
}

/// An app with the demo counties, bodies and users (no flow data).
pub async fn demo(db: &TestDb) -> App {
    let app = open(db).await;
    app.seed_demo_directory().await.expect("seed demo");
    app
}

pub const PASSWORD: &str = grassroots_app::demo::DEMO_PASSWORD;

/// The HTTP application in-process, as a client sees it.
#[derive(Clone)]
pub struct Client {
    pub router: Router,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
    pub bearer: Option<String>,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn location(&self) -> String {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned()
    }
}

impl Client {
    pub fn new(app: &App) -> Self {
        Self {
            router: grassroots_web::router(app.clone(), grassroots_web::WebOptions::default()),
            cookie: None,
            csrf: None,
            bearer: None,
        }
    }

    pub async fn send(&self, method: &str, path: &str, content_type: Option<&str>, body: Vec<u8>) -> Reply {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(ct) = content_type {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        if let Some(c) = &self.cookie {
            req = req.header(header::COOKIE, c);
        }
        if let Some(t) = &self.csrf {
            req = req.header("x-csrf-token", t);
        }
        if let Some(b) = &self.bearer {
            req = req.header(header::AUTHORIZATION, format!("Bearer {b}"));
        }
        let res = self.router.clone().oneshot(req.body(Body::from(body)).expect("request")).await.expect("response");
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.into_body().collect().await.expect("body").to_bytes().to_vec();
        Reply { status, headers, body }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send("GET", path, None, vec![]).await
    }

    pub async fn json(&self, method: &str, path: &str, body: &Value) -> Reply {
        self.send(method, path, Some("application/json"), body.to_string().into_bytes()).await
    }

    pub async fn form(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let body = serde_urlencoded::to_string(fields).expect("form");
        self.send("POST", path, Some("application/x-www-form-urlencoded"), body.into_bytes()).await
    }

    /// Logs in through the API and keeps the session cookie and CSRF token.
    pub async fn login(app: &App, username: &str) -> Self {
        let mut c = Self::new(app);
        let r =
            c.json("POST", "/api/v1/session", &serde_json::json!({"username": username, "password": PASSWORD})).await;
        assert_eq!(r.status, StatusCode::OK, "login {username}: {}", r.text());
        c.cookie = Some(session_cookie(&r));
        c.csrf = r.json()["csrf_token"].as_str().map(str::to_owned);
        c
    }

    pub fn without_csrf(&self) -> Self {
        Self { csrf: None, ..self.clone() }
    }
}

/// `name=value` of the session cookie a reply sets.
pub fn session_cookie(r: &Reply) -> String {
    r.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("gr_session="))
        .and_then(|v| v.split(';').next())
        .expect("session cookie")
        .to_owned()
}
