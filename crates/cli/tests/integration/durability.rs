//! Nothing accepted is ever lost: writes acknowledged before a SIGKILL are all there after
//! the restart, a backup taken while serving restores and checks out, and a database left by
//! every earlier schema version upgrades with its records — on SQLite and on PostgreSQL.

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::Connection;

use crate::both_backends;
use crate::cli::{Server, run, stderr, stdout};
use crate::helpers::*;

/// Any 64 hex digits: the servers of these tests seal new petitions with it.
const PETITION_KEY: &str = "5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed";

/// How many times the server is killed. CI runs a few; `GRASSROOTS_CRASH_ROUNDS=20` is the
/// full run (SECURITY.md).
fn rounds() -> u32 {
    std::env::var("GRASSROOTS_CRASH_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(3)
}

/// A small xorshift: kill moments vary from run to run, and the seed is printed to replay one.
struct Moments(u64);

impl Moments {
    fn new() -> Self {
        let seed = std::env::var("GRASSROOTS_CRASH_SEED")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos() as u64 | 1);
        eprintln!("crash moments: GRASSROOTS_CRASH_SEED={seed}");
        Self(seed)
    }

    /// Milliseconds in [low, high).
    fn next(&mut self, low: u64, high: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        low + self.0 % (high - low)
    }
}

async fn demo_db(db: &TestDb) {
    let o = run(&db.url, &["demo", "--no-serve"]);
    assert!(o.status.success(), "demo: {}", stderr(&o));
}

fn token(db: &TestDb, user: &str) -> String {
    let o = run(&db.url, &["token", "create", user, "--name", "durability"]);
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o).lines().last().unwrap().trim().to_owned()
}

/// Tracking numbers of what the server acknowledged (201), per kind of write.
#[derive(Default)]
struct Acknowledged {
    events: Vec<String>,
    petitions: Vec<String>,
}

/// Writers that post until the server goes away: staff reports (the grouped commit path)
/// and the public's petitions (one sealed transaction each).
fn writers(base: &str, token: &str, round: u32, acked: &Arc<Mutex<Acknowledged>>) -> Vec<tokio::task::JoinHandle<()>> {
    let mut out = Vec::new();
    for n in 0..16 {
        let (base, token, acked) = (base.to_owned(), token.to_owned(), acked.clone());
        out.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let petitions = n % 4 == 0;
            for i in 0.. {
                let sent = if petitions {
                    let body = serde_json::json!({"division": "340621104", "channel": "online", "kind": "suggestion",
                        "title": format!("耐久 {round}-{n}-{i}"),
                        "petitioner": {"name": "赵六", "id_number": "11010519491231002X", "phone": "13800006666", "address": "临涣镇"}});
                    http.post(format!("{base}/api/v1/public/petitions")).json(&body).send().await
                } else {
                    let body = serde_json::json!({"division": "340621104200", "source": "patrol", "category": "other",
                        "title": format!("耐久 {round}-{n}-{i}")});
                    http.post(format!("{base}/api/v1/events")).bearer_auth(&token).json(&body).send().await
                };
                let Ok(r) = sent else { break };
                if r.status() != 201 {
                    break;
                }
                let Ok(v) = r.json::<serde_json::Value>().await else { break };
                let number = v["tracking_number"].as_str().unwrap().to_owned();
                let mut a = acked.lock().unwrap();
                if petitions { a.petitions.push(number) } else { a.events.push(number) }
            }
        }));
    }
    out
}

async fn stored(url: &str, sql: &'static str) -> HashSet<String> {
    let mut c = sqlx::AnyConnection::connect(url).await.unwrap();
    let rows: Vec<String> = sqlx::query_scalar(sql).fetch_all(&mut c).await.unwrap();
    rows.into_iter().collect()
}

/// B-tree checks on PostgreSQL need the contrib extension amcheck; tests install it.
async fn with_amcheck(db: &TestDb) {
    if db.url.starts_with("postgres") {
        let mut c = sqlx::AnyConnection::connect(&db.url).await.unwrap();
        sqlx::query("CREATE EXTENSION IF NOT EXISTS amcheck").execute(&mut c).await.unwrap();
    }
}

fn assert_checks_out(url: &str) {
    let o = run(url, &["check"]);
    assert!(o.status.success() && stdout(&o).contains("OK: database intact"), "{}{}", stdout(&o), stderr(&o));
}

both_backends!(acknowledged_writes_survive_repeated_kills, |db: TestDb| async move {
    demo_db(&db).await;
    with_amcheck(&db).await;
    let token = token(&db, "linhuan.dispatcher");
    let acked = Arc::new(Mutex::new(Acknowledged::default()));
    let mut moments = Moments::new();
    for round in 0..rounds() {
        let server = Server::start_with(&db.url, "serve", &[("GRASSROOTS_PETITION_KEY", PETITION_KEY)]);
        let writers = writers(&server.base, &token, round, &acked);
        tokio::time::sleep(Duration::from_millis(moments.next(150, 1500))).await;
        server.signal("-KILL");
        for w in writers {
            w.await.unwrap();
        }
    }
    let acked = std::mem::take(&mut *acked.lock().unwrap());
    assert!(acked.events.len() > 50 && !acked.petitions.is_empty(), "too few writes went through to prove anything");
    let events = stored(&db.url, "SELECT tracking_number FROM event").await;
    let lost: Vec<_> = acked.events.iter().filter(|t| !events.contains(*t)).collect();
    assert!(lost.is_empty(), "{} of {} acknowledged reports lost: {lost:?}", lost.len(), acked.events.len());
    let petitions = stored(&db.url, "SELECT tracking_number FROM petition").await;
    let lost: Vec<_> = acked.petitions.iter().filter(|t| !petitions.contains(*t)).collect();
    assert!(lost.is_empty(), "{} of {} acknowledged petitions lost: {lost:?}", lost.len(), acked.petitions.len());
    assert_checks_out(&db.url);
});

both_backends!(a_backup_taken_while_serving_restores_and_checks_out, |db: TestDb| async move {
    demo_db(&db).await;
    let token = token(&db, "linhuan.dispatcher");
    let acked = Arc::new(Mutex::new(Acknowledged::default()));
    let server = Server::start_with(&db.url, "serve", &[("GRASSROOTS_PETITION_KEY", PETITION_KEY)]);
    let writers = writers(&server.base, &token, 0, &acked);
    // The backup begins once writes are under way, however slow the machine.
    for _ in 0..300 {
        if acked.lock().unwrap().events.len() > 10 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let before: HashSet<String> = acked.lock().unwrap().events.iter().cloned().collect();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("backup");
    let o = run(&db.url, &["backup", file.to_str().unwrap()]);
    assert!(o.status.success(), "backup while serving: {}", stderr(&o));
    server.signal("-KILL");
    for w in writers {
        w.await.unwrap();
    }
    assert!(before.len() > 10, "writes were under way when the backup began");

    // Restored into a new database, checked, served.
    let target =
        TestDb::new(if db.url.starts_with("sqlite") { Backend::Sqlite } else { Backend::Postgres }, "restored")
            .await
            .unwrap();
    let o = run(&target.url, &["restore", file.to_str().unwrap()]);
    assert!(o.status.success() && stdout(&o).contains("OK: database intact"), "{}{}", stdout(&o), stderr(&o));
    let restored = stored(&target.url, "SELECT tracking_number FROM event").await;
    let missing: Vec<_> = before.iter().filter(|t| !restored.contains(*t)).collect();
    assert!(missing.is_empty(), "reports acknowledged before the backup are missing: {missing:?}");
    let server = Server::start(&target.url, "serve");
    let r = reqwest::Client::new()
        .get(format!("{}/api/v1/events?per_page=1", server.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "the restored database serves, tokens and all");
    drop(server);

    // Never over a database in use, never from a damaged file.
    let o = run(&target.url, &["restore", file.to_str().unwrap()]);
    assert!(!o.status.success(), "a second restore over the first is refused");
    assert!(stderr(&o).contains("exists") || stderr(&o).contains("has tables"), "{}", stderr(&o));
    if db.url.starts_with("sqlite") {
        let mut bytes = std::fs::read(&file).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle..middle + 4096].fill(0x5a);
        let damaged = dir.path().join("damaged");
        std::fs::write(&damaged, bytes).unwrap();
        let o = run(&target.url, &["restore", "--replace", damaged.to_str().unwrap()]);
        assert!(!o.status.success(), "a damaged backup is refused: {}", stdout(&o));
        assert_checks_out(&target.url);
        let still = stored(&target.url, "SELECT tracking_number FROM event").await;
        assert_eq!(still, restored, "the database in place is untouched");
    }
});

/// Copies the reference's rows of every table the target has, in the target's columns, with
/// foreign keys off (the copy goes table by table).
async fn copy_rows(reference: &str, target: &str, tables: &BTreeMap<String, Vec<String>>) {
    let mut t = sqlx::AnyConnection::connect(target).await.unwrap();
    if target.starts_with("sqlite") {
        sqlx::query("PRAGMA foreign_keys = OFF").execute(&mut t).await.unwrap();
        let file = reference.trim_start_matches("sqlite://");
        sqlx::query(sqlx::AssertSqlSafe(format!("ATTACH DATABASE '{file}' AS ref"))).execute(&mut t).await.unwrap();
        for (table, columns) in tables {
            // Rows the migrations seed (the audit chain's head) give way to the reference's.
            sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM main.\"{table}\""))).execute(&mut t).await.unwrap();
            let columns = columns.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ");
            let sql = format!("INSERT INTO main.\"{table}\" ({columns}) SELECT {columns} FROM ref.\"{table}\"");
            sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut t).await.unwrap();
        }
        return;
    }
    let mut r = sqlx::AnyConnection::connect(reference).await.unwrap();
    sqlx::query("SET session_replication_role = replica").execute(&mut t).await.unwrap();
    for table in tables.keys() {
        let rows: String = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COALESCE(json_agg(x), '[]')::text FROM \"{table}\" x"
        )))
        .fetch_one(&mut r)
        .await
        .unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM \"{table}\""))).execute(&mut t).await.unwrap();
        // The record type is the target's: columns added later are left out.
        let sql = format!(
            "INSERT INTO \"{table}\" OVERRIDING SYSTEM VALUE SELECT * FROM json_populate_recordset(NULL::\"{table}\", $1::json)"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(rows).execute(&mut t).await.unwrap();
    }
    let identities: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text FROM information_schema.columns \
         WHERE table_schema = current_schema() AND is_identity = 'YES'",
    )
    .fetch_all(&mut t)
    .await
    .unwrap();
    for (table, column) in identities {
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), COALESCE(MAX(\"{column}\"), 0) + 1, false)::text FROM \"{table}\""
        );
        sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_one(&mut t).await.unwrap();
    }
}

async fn count(url: &str, table: &str) -> i64 {
    let mut c = sqlx::AnyConnection::connect(url).await.unwrap();
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM \"{table}\"")))
        .fetch_one(&mut c)
        .await
        .unwrap()
}

both_backends!(every_earlier_schema_version_upgrades_with_its_records, |db: TestDb| async move {
    // The reference: today's schema with the demo's records in every flow.
    demo_db(&db).await;
    let reference = grassroots_store::Store::connect(&db.url).await.unwrap();
    let latest = reference.schema().await.unwrap();
    reference.close().await;
    let backend = if db.url.starts_with("sqlite") { Backend::Sqlite } else { Backend::Postgres };
    let versions = grassroots_store::Store::schema_versions();
    for &version in &versions[..versions.len() - 1] {
        let old = TestDb::new(backend, &format!("v{version}")).await.unwrap();
        let store = grassroots_store::Store::connect(&old.url).await.unwrap();
        store.migrate_to(version).await.unwrap();
        let tables = store.schema().await.unwrap();
        store.close().await;
        copy_rows(&db.url, &old.url, &tables).await;

        // The new release starts on it: migrations run, the records stay, everything checks.
        assert_checks_out(&old.url);
        let store = grassroots_store::Store::connect(&old.url).await.unwrap();
        assert_eq!(store.schema().await.unwrap(), latest, "from version {version}: the schema is today's");
        store.close().await;
        for table in tables.keys().filter(|t| !t.starts_with("_sqlx")) {
            assert_eq!(count(&old.url, table).await, count(&db.url, table).await, "from version {version}: {table}");
        }
        // And takes new records, in the old flows and the new ones.
        let o = run(&old.url, &["token", "create", "linhuan.dispatcher", "--name", "after the upgrade"]);
        assert!(o.status.success(), "from version {version}: {}", stderr(&o));
        let o = run(&old.url, &["demo", "--no-serve"]);
        assert!(o.status.success(), "from version {version}: the demo on the upgraded database: {}", stderr(&o));
        assert_checks_out(&old.url);
    }
});
