//! The `grassroots` binary as an operator uses it: demo, import, users, tokens, audit
//! verification, backup while serving, durability across a killed process, shutdown.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use calamine::Reader;

use crate::helpers::*;

const BIN: &str = env!("CARGO_BIN_EXE_grassroots");

pub fn run(db: &str, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .arg("--database-url")
        .arg(db)
        .env_remove("GRASSROOTS_CONFIG")
        .env("GRASSROOTS_FILES_DIR", files_dir())
        .output()
        .expect("run grassroots")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A running `serve`, killed when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
}

impl Server {
    pub fn start(db: &str, command: &str) -> Self {
        Self::start_with(db, command, &[])
    }

    /// With more environment, e.g. the petition key.
    pub fn start_with(db: &str, command: &str, env: &[(&str, &str)]) -> Self {
        let port = free_port();
        let child = Command::new(BIN)
            .args([command, "--database-url", db, "--listen", &format!("127.0.0.1:{port}")])
            .env("GRASSROOTS_FILES_DIR", files_dir())
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn serve");
        let base = format!("http://127.0.0.1:{port}");
        let s = Self { child, base };
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(30), "server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        s
    }

    pub fn signal(&self, sig: &str) {
        Command::new("kill").args([sig, &self.child.id().to_string()]).status().expect("kill");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn sqlite_url(dir: &Path, name: &str) -> String {
    format!("sqlite://{}", dir.join(name).display())
}

#[test]
fn help_is_everywhere() {
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["demo", "--help"],
        vec!["user", "add", "--help"],
        vec!["token", "create", "--help"],
        vec!["divisions", "import", "--help"],
        vec!["calendar", "import", "--help"],
        vec!["audit", "verify", "--help"],
        vec!["backup", "--help"],
    ] {
        let o = Command::new(BIN).args(&args).output().unwrap();
        assert!(o.status.success(), "{args:?}");
        assert!(stdout(&o).contains("Usage:"), "{args:?}");
    }
}

#[test]
fn the_demo_refuses_a_public_address_unless_told() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite_url(dir.path(), "demo.db");
    let o = run(&db, &["demo", "--listen", "0.0.0.0:0", "--no-serve"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--public"), "{}", stderr(&o));
    let o = run(&db, &["demo", "--listen", "0.0.0.0:0", "--no-serve", "--public"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn operators_administer_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite_url(dir.path(), "ops.db");
    assert!(run(&db, &["migrate"]).status.success());
    assert!(run(&db, &["demo", "--no-serve"]).status.success());

    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "code,name,level,parent_code\n340621999,某镇,town,340621\n3406219,坏码,town,340621\n")
        .unwrap();
    let o = run(&db, &["divisions", "import", bad.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("line 3, column 1 (code)"), "{}", stderr(&o));

    let good = dir.path().join("good.csv");
    std::fs::write(&good, "code,name,level,parent_code\n340621999,某镇,town,340621\n").unwrap();
    let o = run(&db, &["divisions", "import", good.to_str().unwrap()]);
    assert!(stdout(&o).contains("1 added"), "{}", stdout(&o));

    let o = run(&db, &["user", "list", "--q", "linhuan"]);
    let line = stdout(&o).lines().find(|l| l.contains("linhuan.officer")).unwrap().to_owned();
    let body = line.split('\t').find_map(|f| f.strip_prefix("body ")).unwrap().to_owned();
    let o = run(
        &db,
        &[
            "user",
            "add",
            "--username",
            "linhuan.clerk",
            "--display-name",
            "文书",
            "--role",
            "town_officer",
            "--body-id",
            &body,
            "--password",
            "a long password",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(
        &db,
        &[
            "user",
            "add",
            "--username",
            "linhuan.clerk2",
            "--display-name",
            "文书",
            "--role",
            "hazard_monitor",
            "--body-id",
            &body,
            "--password",
            "a long password",
        ],
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("role"), "{}", stderr(&o));

    let o = run(&db, &["token", "create", "linhuan.clerk", "--name", "bridge"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let secret = out.lines().find(|l| l.starts_with("grt_")).unwrap();
    let id = out.split_whitespace().nth(1).unwrap();
    assert!(!secret.is_empty());
    assert!(run(&db, &["token", "revoke", id]).status.success());
    assert!(run(&db, &["user", "disable", "linhuan.clerk"]).status.success());
    assert!(stdout(&run(&db, &["user", "list", "--q", "clerk"])).contains("disabled"));

    let cal = dir.path().join("cal.csv");
    std::fs::write(&cal, "date,kind,occasion\n2027-01-01,holiday,New Year's Day\n").unwrap();
    assert!(stdout(&run(&db, &["calendar", "import", cal.to_str().unwrap()])).contains("1 changed"));

    let o = run(&db, &["audit", "verify"]);
    assert!(o.status.success());
    assert!(stdout(&o).starts_with("OK:"), "{}", stdout(&o));
}

#[tokio::test]
async fn audit_verify_names_the_tampered_record() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite_url(dir.path(), "tamper.db");
    assert!(run(&db, &["demo", "--no-serve"]).status.success());
    {
        let store = grassroots_store::Store::connect(&db).await.unwrap();
        let mut c = store.conn().await.unwrap();
        sqlx::query("DROP TRIGGER audit_log_no_update").execute(&mut *c).await.unwrap();
        sqlx::query("UPDATE audit_log SET actor = 'user:1:someone-else' WHERE seq = 12")
            .execute(&mut *c)
            .await
            .unwrap();
        drop(c);
        store.close().await;
    }
    let o = run(&db, &["audit", "verify"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stdout(&o).contains("audit record 12: altered"), "{}", stdout(&o));
}

#[tokio::test]
async fn an_acknowledged_write_survives_a_killed_process_and_backup_works_while_serving() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite_url(dir.path(), "live.db");
    assert!(run(&db, &["demo", "--no-serve"]).status.success());
    let server = Server::start(&db, "serve");
    let http = reqwest::Client::new();
    let login = http
        .post(format!("{}/api/v1/session", server.base))
        .json(&serde_json::json!({"username": "suixi.admin", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let cookie = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("gr_session="))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let csrf = login.json::<serde_json::Value>().await.unwrap()["csrf_token"].as_str().unwrap().to_owned();
    let r = http
        .post(format!("{}/api/v1/tokens", server.base))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({"name": "acknowledged"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);

    let backup = dir.path().join("copy.db");
    let o = run(&db, &["backup", backup.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));

    server.signal("-KILL");
    drop(server);
    let store = grassroots_store::Store::connect(&db).await.unwrap();
    let mut c = store.conn().await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM api_token WHERE name = 'acknowledged'")
        .fetch_one(&mut *c)
        .await
        .unwrap();
    assert_eq!(n, 1, "the acknowledged token was lost");
    drop(c);
    store.close().await;
    assert!(stdout(&run(&db, &["audit", "verify"])).starts_with("OK:"));

    let copy = format!("sqlite://{}", backup.display());
    let o = run(&copy, &["audit", "verify"]);
    assert!(stdout(&o).starts_with("OK:"), "the backup is consistent: {}", stdout(&o));
    assert!(stdout(&run(&copy, &["user", "list", "--q", "suixi.admin"])).contains("suixi.admin"));
}

#[tokio::test]
async fn reports_acknowledged_under_load_survive_a_killed_process() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite_url(dir.path(), "intake.db");
    assert!(run(&db, &["demo", "--no-serve"]).status.success());
    let o = run(&db, &["token", "create", "linhuan.dispatcher", "--name", "load"]);
    let token = stdout(&o).lines().last().unwrap().trim().to_owned();
    let server = Server::start(&db, "serve");
    let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut senders = Vec::new();
    for n in 0..16 {
        let (url, token, acknowledged) =
            (format!("{}/api/v1/events", server.base), token.clone(), acknowledged.clone());
        senders.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            for i in 0.. {
                let body = serde_json::json!({
                    "division": "340621104200", "source": "patrol", "category": "other", "title": format!("负载 {n}-{i}")
                });
                let Ok(r) = http.post(&url).bearer_auth(&token).json(&body).send().await else { break };
                if r.status() != 201 {
                    break;
                }
                let Ok(v) = r.json::<serde_json::Value>().await else { break };
                acknowledged.lock().unwrap().push(v["tracking_number"].as_str().unwrap().to_owned());
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.signal("-KILL");
    for s in senders {
        s.await.unwrap();
    }
    drop(server);
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() > 50, "only {} reports went through", acknowledged.len());
    let store = grassroots_store::Store::connect(&db).await.unwrap();
    let mut c = store.conn().await.unwrap();
    let stored: Vec<String> = sqlx::query_scalar("SELECT tracking_number FROM event").fetch_all(&mut *c).await.unwrap();
    let stored: std::collections::HashSet<String> = stored.into_iter().collect();
    let lost: Vec<&String> = acknowledged.iter().filter(|t| !stored.contains(*t)).collect();
    assert!(lost.is_empty(), "{} of {} acknowledged reports were lost", lost.len(), acknowledged.len());
    drop(c);
    store.close().await;
    assert!(stdout(&run(&db, &["audit", "verify"])).starts_with("OK:"), "each report with its audit record");
}

#[tokio::test]
async fn overdue_events_are_escalated_and_listed_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite_url(dir.path(), "events.db");
    assert!(run(&db, &["demo", "--no-serve"]).status.success());
    let o = run(&db, &["events", "escalate"]);
    assert_eq!(stdout(&o).trim(), "0 events escalated", "{}", stderr(&o));
    let store = grassroots_store::Store::connect(&db).await.unwrap();
    let mut c = store.conn().await.unwrap();
    sqlx::query("UPDATE event SET due_on = '2020-01-02' WHERE title = '田间焚烧秸秆'").execute(&mut *c).await.unwrap();
    drop(c);
    store.close().await;
    assert_eq!(stdout(&run(&db, &["events", "escalate"])).trim(), "1 events escalated");
    let listed = stdout(&run(&db, &["events", "overdue"]));
    assert!(
        listed.starts_with("2020-01-02\t已升级至县指挥中心\t340621104\t生态环境保护办公室\t田间焚烧秸秆"),
        "{listed}"
    );
    assert!(run(&db, &["cases", "overdue"]).status.success());
}

/// Duty items of the demo's lists, and the areas they fall in.
const DUTIES: i64 = 31;
const DUTY_AREAS: i64 = 6;

#[test]
fn the_report_computes_the_reform_s_figures_from_the_records() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite_url(dir.path(), "report.db");
    assert!(run(&db, &["demo", "--no-serve"]).status.success());
    let report = |division: &str| {
        let o = run(&db, &["report", "--division", division, "--year", "2021", "--format", "json"]);
        assert!(o.status.success(), "{}", stderr(&o));
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()
    };
    let linhuan = report("340621104");
    assert_eq!(linhuan["joint_inspections"], 28);
    assert_eq!(linhuan["cases"], 51);
    assert_eq!(linhuan["avg_case_days"], 5.0);
    assert_eq!(linhuan["satisfaction_rate"], 1.0);
    assert_eq!((linhuan["offices_before"].as_i64(), linhuan["offices_after"].as_i64()), (Some(24), Some(10)));
    assert_eq!((linhuan["catalog_matters"].as_i64(), linhuan["powers_granted"].as_i64()), (Some(220), Some(70)));
    assert_eq!(linhuan["petitions"], 35);
    assert_eq!((linhuan["petitions_yoy"].as_f64().unwrap() * 1000.0).round(), -222.0);
    assert_eq!((linhuan["duties"].as_i64(), linhuan["duty_areas"].as_i64()), (Some(DUTIES), Some(DUTY_AREAS)));
    let shuangduiji = report("340621105");
    assert_eq!((shuangduiji["collective_income_yoy"].as_f64().unwrap() * 1000.0).round(), 2768.0);
    assert_eq!(report("340621")["powers_granted"], 124);
    // The demo's lists (in force since October 2021) and its 60 tasks, sent today.
    let this_year = time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+8)).year();
    let now = {
        let o = run(&db, &["report", "--division", "340621104", "--year", &this_year.to_string(), "--format", "json"]);
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()
    };
    assert_eq!((now["duties"].as_i64(), now["duty_areas"].as_i64()), (Some(DUTIES), Some(DUTY_AREAS)));
    assert_eq!(now["tasks_received"], 60);
    assert!(now["tasks_refused"].as_i64().unwrap() > 0);

    // A record changes, the figure moves.
    let table = dir.path().join("income.csv");
    std::fs::write(&table, "village_code,year,source,amount_fen\n340621105200,2021,other,29000000\n").unwrap();
    assert!(run(&db, &["income", "import", table.to_str().unwrap()]).status.success());
    let moved = report("340621105")["collective_income_fen"].as_i64().unwrap();
    assert_ne!(moved, 471_000_000);
    let text = stdout(&run(&db, &["report", "--division", "340621104", "--year", "2021"]));
    assert!(text.contains("执法案件\t51\t") && text.contains("满意率\t100.0%"), "{text}");

    // The county beside its towns, as a workbook and as a page to print.
    let book = dir.path().join("headline.xlsx");
    let args = ["report", "--division", "340621", "--year", "2021", "--format", "xlsx", "--output"];
    let o = run(&db, &[&args[..], &[book.to_str().unwrap()]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&book).unwrap();
    let sheet = wb.worksheet_range("改革主要指标").unwrap();
    let header: Vec<String> = sheet.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(header[..4], ["指标", "濉溪县 2021", "临涣镇 2021", "双堆集镇 2021"]);
    let cases = sheet.rows().find(|r| r[0] == "执法案件").unwrap();
    assert_eq!(cases[2], calamine::Data::Float(51.0), "numbers as numbers");
    let html = stdout(&run(&db, &["report", "--division", "340621", "--year", "2021", "--format", "html"]));
    assert!(html.starts_with("<!doctype html>") && html.contains("执法案件") && html.contains("双堆集镇"), "{html}");
}

#[test]
fn serve_shuts_down_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite_url(dir.path(), "term.db");
    let mut server = Server::start(&db, "serve");
    server.signal("-TERM");
    let started = Instant::now();
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert!(status.success(), "{status}");
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(15), "serve did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn screen_works_on_files_alone() {
    let dir = tempfile::tempdir().unwrap();
    let lists = dir.path().join("lists.csv");
    std::fs::write(
        &lists,
        "事项类型,事项编码,领域,事项名称,具体内容,牵头部门\n\
         基本履职事项,D1,应急管理,地质灾害隐患点巡查,汛期组织群测群防员巡查隐患点并报告险情,\n\
         配合履职事项,C1,市场监管,配合开展食品安全监督检查,配合县局对食品经营单位开展监督检查,县市场监督管理局\n\
         负面清单,N1,市场监管,食品经营许可证核发,食品经营许可的受理审查发证由县局办理,县市场监督管理局\n",
    )
    .unwrap();
    let tasks = dir.path().join("tasks.jsonl");
    std::fs::write(
        &tasks,
        "{\"id\":\"a\",\"title\":\"关于协助开展节日食品安全检查的通知\",\"description\":\"请各乡镇配合县市场监管局对食品经营户开展监督检查。\"}\n\
         {\"id\":\"b\",\"title\":\"关于由乡镇核发食品经营许可证的通知\",\"description\":\"小餐饮的食品经营许可证由各乡镇受理审查并核发。\"}\n\
         {\"id\":\"c\",\"title\":\"关于做好汛期地质灾害隐患点巡查的通知\",\"description\":\"请组织群测群防员加密巡查。\"}\n\
         {\"id\":\"d\",\"title\":\"关于下达招商引资任务的通知\",\"description\":\"完成签约项目三个，年底排名通报。\"}\n",
    )
    .unwrap();
    let out = dir.path().join("out.jsonl");
    let o = Command::new(BIN)
        .args([
            "screen",
            "--lists",
            lists.to_str().unwrap(),
            "--input",
            tasks.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let lines: Vec<serde_json::Value> =
        std::fs::read_to_string(&out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let got: Vec<(&str, &str, Option<&str>)> = lines
        .iter()
        .map(|l| (l["id"].as_str().unwrap(), l["decision"].as_str().unwrap(), l["item"].as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("a", "cooperation", Some("C1")),
            ("b", "negative", Some("N1")),
            ("c", "duty", Some("D1")),
            ("d", "review", None)
        ]
    );
    for l in &lines {
        let keys: Vec<&str> = l.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["decision", "evidence", "id", "item", "score"]);
    }
    assert!(lines[1]["evidence"].as_array().unwrap().iter().any(|e| e.as_str().unwrap().contains("许可证")));

    std::fs::write(&tasks, "{\"id\":1,\"title\":\"甲\"}\n{\"id\":2,\"description\":\"无标题\"}\n").unwrap();
    let o = Command::new(BIN)
        .args(["screen", "--lists", lists.to_str().unwrap(), "--input", tasks.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(stderr(&o).contains("line 2"), "{}", stderr(&o));
    std::fs::write(&lists, "事项类型,事项编码,事项名称\n基本履职事项,D1,甲\n其他,D2,乙\n").unwrap();
    let o = Command::new(BIN)
        .args(["screen", "--lists", lists.to_str().unwrap(), "--input", tasks.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(stderr(&o).contains("row 3, column A (kind)"), "{}", stderr(&o));
}
