//! A real browser: Debian's headless Chromium, driven over WebDriver by chromedriver,
//! logs in to the demo, opens the home page, orders a power from the menu of the open
//! round, shows a petitioner, petitions as the public, co-signs a geohazard warning and
//! acknowledges it as a village.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::cli::{Server, run, sqlite_url};
use crate::helpers::*;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

struct Driver {
    child: Child,
    base: String,
    http: reqwest::Client,
    session: String,
}

impl Driver {
    async fn start(profile: &std::path::Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver");
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        let started = Instant::now();
        while http.get(format!("{base}/status")).send().await.is_err() {
            assert!(started.elapsed() < Duration::from_secs(30), "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     format!("--user-data-dir={}", profile.display())]
        }}}});
        let r: Value = http.post(format!("{base}/session")).json(&caps).send().await.unwrap().json().await.unwrap();
        let session = r["value"]["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {r}")).to_owned();
        Self { child, base, http, session }
    }

    async fn cmd(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let r = self.try_cmd(method, path, body).await;
        assert!(r["value"].get("error").is_none(), "webdriver {path}: {r}");
        r["value"].clone()
    }

    /// The raw answer, errors included: for polling a page that may be changing.
    async fn try_cmd(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let mut req = self.http.request(method, url);
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send().await.unwrap().json().await.unwrap()
    }

    /// The text of an element, or nothing while the page is between two loads.
    async fn text_now(&self, css: &str) -> String {
        let found =
            self.try_cmd(reqwest::Method::POST, "/element", Some(json!({"using": "css selector", "value": css}))).await;
        let Some(id) = found["value"][ELEMENT].as_str() else { return String::new() };
        let text = self.try_cmd(reqwest::Method::GET, &format!("/element/{id}/text"), None).await;
        text["value"].as_str().unwrap_or("").to_owned()
    }

    async fn goto(&self, url: &str) {
        self.cmd(reqwest::Method::POST, "/url", Some(json!({"url": url}))).await;
    }

    async fn find(&self, css: &str) -> String {
        let v = self.cmd(reqwest::Method::POST, "/element", Some(json!({"using": "css selector", "value": css}))).await;
        v[ELEMENT].as_str().unwrap_or_else(|| panic!("no element {css}: {v}")).to_owned()
    }

    async fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css).await;
        self.cmd(reqwest::Method::POST, &format!("/element/{id}/value"), Some(json!({"text": text}))).await;
    }

    async fn click(&self, css: &str) {
        let id = self.find(css).await;
        self.cmd(reqwest::Method::POST, &format!("/element/{id}/click"), Some(json!({}))).await;
    }

    async fn text(&self, css: &str) -> String {
        let id = self.find(css).await;
        self.cmd(reqwest::Method::GET, &format!("/element/{id}/text"), None).await.as_str().unwrap_or("").to_owned()
    }

    async fn attribute(&self, css: &str, name: &str) -> String {
        let id = self.find(css).await;
        let path = format!("/element/{id}/attribute/{name}");
        self.cmd(reqwest::Method::GET, &path, None).await.as_str().unwrap_or("").to_owned()
    }

    async fn url(&self) -> String {
        self.cmd(reqwest::Method::GET, "/url", None).await.as_str().unwrap_or("").to_owned()
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_logs_in_and_sees_the_home_page() {
    if !std::path::Path::new(CHROMIUM).exists() || !std::path::Path::new(CHROMEDRIVER).exists() {
        skip("browser test", "install Debian's chromium and chromium-driver");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite_url(dir.path(), "browser.db");
    assert!(run(&db, &["migrate"]).status.success());
    let server = Server::start(&db, "demo");
    let driver = Driver::start(&dir.path().join("profile")).await;

    driver.goto(&format!("{}/", server.base)).await;
    assert!(driver.url().await.contains("/login"), "anonymous visitors land on the login page");
    sign_in(&driver, &server.base, "linhuan.officer").await;
    assert_eq!(driver.text("#greeting").await, "临涣镇党政办 张干事");
    assert_eq!(driver.text("#role").await, "乡镇工作人员");

    driver.goto(&format!("{}/divisions/340621105", server.base)).await;
    assert!(driver.text("#error").await.contains("未找到"), "another town is out of sight");

    // Ordering from the menu of the open round: the order shows up in the town's orders.
    driver.goto(&format!("{}/rounds", server.base)).await;
    let order_page = driver.attribute("table a[href$='/order']", "href").await;
    driver.goto(&format!("{}{order_page}", server.base)).await;
    let before = driver.text("#orders").await;
    let matter = driver.attribute("#menu form input[name=matter_code]", "value").await;
    assert!(!before.contains(&matter), "{matter} is not ordered yet");
    driver.type_into("#menu form input[name=reason]", "集镇规模扩大，群众办事需就近").await;
    driver.click("#menu form button").await;
    let started = Instant::now();
    while !driver.text_now("#orders").await.contains(&matter) {
        assert!(started.elapsed() < Duration::from_secs(10), "the order did not appear");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // An overdue petition: the petitioner masked until the officer asks to see them.
    driver.goto(&format!("{}/petitions?overdue=1", server.base)).await;
    let petition = driver.attribute("table a[href^='/petitions/']", "href").await;
    driver.goto(&format!("{}{petition}", server.base)).await;
    assert!(driver.text("#petitioner").await.contains('*'), "masked at first");
    driver.click("form[action$='/petitioner'] button").await;
    let started = Instant::now();
    while driver.text_now("#petitioner").await.contains('*') {
        assert!(started.elapsed() < Duration::from_secs(10), "the petitioner was not shown");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // The public petitions online and follows it by number and phone.
    driver.goto(&format!("{}/petition", server.base)).await;
    for (field, value) in [
        ("division", "340621104200"),
        ("title", "建议在村口增设路灯"),
        ("name", "赵六"),
        ("id_number", "11010519491231002X"),
        ("phone", "13800006666"),
        ("address", "临涣镇临涣村"),
    ] {
        driver.type_into(&format!("form[action='/petition'] input[name={field}]"), value).await;
    }
    driver.click("form[action='/petition'] button").await;
    let started = Instant::now();
    while driver.text_now("#tracking").await.is_empty() {
        assert!(started.elapsed() < Duration::from_secs(10), "no tracking number");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let number = driver.text("#tracking").await;
    driver.goto(&format!("{}/petition/track", server.base)).await;
    driver.type_into("form[action='/petition/track'] input[name=tracking_number]", &number).await;
    driver.type_into("form[action='/petition/track'] input[name=phone]", "13800006666").await;
    driver.click("form[action='/petition/track'] button").await;
    let started = Instant::now();
    while driver.text_now("#stage").await != "已登记" {
        assert!(started.elapsed() < Duration::from_secs(10), "the petition was not found by its number");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // A warning drafted by the natural resources bureau is co-signed in the browser by the
    // meteorological bureau, and Hongguang's village acknowledges it from its list.
    let api = reqwest::Client::new();
    let login = api
        .post(format!("{}/api/v1/session", server.base))
        .json(&json!({"username": "xinluo.resources", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let cookie = login.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let csrf = login.json::<Value>().await.unwrap()["csrf_token"].as_str().unwrap().to_owned();
    let today = grassroots_app::core::today();
    let draft = json!({"level": "orange", "onset": format!("{today} 20:00"),
        "expires": format!("{} 20:00", today + time::Duration::days(1)), "areas": ["350802104"],
        "description": "受强降雨影响，发生地质灾害的风险较高。"});
    let call = |method: reqwest::Method, path: String| {
        api.request(method, format!("{}{path}", server.base)).header("cookie", &cookie).header("x-csrf-token", &csrf)
    };
    let drafted: Value =
        call(reqwest::Method::POST, "/api/v1/warnings".into()).json(&draft).send().await.unwrap().json().await.unwrap();
    let id = drafted["warning"]["id"].as_i64().unwrap_or_else(|| panic!("{drafted}"));

    sign_in(&driver, &server.base, "xinluo.weather").await;
    driver.goto(&format!("{}/warnings/{id}", server.base)).await;
    assert_eq!(driver.text("#state").await, "待会签");
    driver.click("form[action$='/cosign'] button").await;
    let started = Instant::now();
    while driver.text_now("#state").await != "已发布" {
        assert!(started.elapsed() < Duration::from_secs(10), "the co-signature did not publish it");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    sign_in(&driver, &server.base, "hongguang.village").await;
    driver.goto(&format!("{}/warnings", server.base)).await;
    driver.click("form[action^='/warning-notices/'] button").await;
    let started = Instant::now();
    loop {
        let board: Value = call(reqwest::Method::GET, format!("/api/v1/warnings/{id}/board"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if board["indicators"]["acknowledged"] == 1 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "the acknowledgement did not arrive: {board}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    driver.cmd(reqwest::Method::DELETE, "", None).await;
}

/// Signs out whoever is signed in and signs in as `username`.
async fn sign_in(driver: &Driver, base: &str, username: &str) {
    driver.cmd(reqwest::Method::DELETE, "/cookie", None).await;
    driver.goto(&format!("{base}/login")).await;
    driver.type_into("#username", username).await;
    driver.type_into("#password", PASSWORD).await;
    driver.click("#submit").await;
    let started = Instant::now();
    while driver.url().await.contains("/login") {
        assert!(started.elapsed() < Duration::from_secs(10), "{username} is still on the login page");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
