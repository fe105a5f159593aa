//! An orange warning over all of Anhui: 1,685 towns and 18,334 villages (the province's
//! division table), a hazard point in every village watched by three monitors. Times the
//! publication — the co-signature that records one notice per town, village and monitor
//! and queues a text for every monitor, in one transaction — beside a peer that records
//! the same notices one INSERT per row; then the outbox's texts through the logging
//! gateway. Writes every notice's acknowledgement token, one per line, for `wrk`.
//!
//! Usage: warning_bench DATABASE_URL TOKENS_FILE; `warning_bench DATABASE_URL count` counts
//! the notices acknowledged.

use std::time::Instant;

use grassroots_app::core::bodies::NewBodyRequest;
use grassroots_app::warning::DraftRequest;
use grassroots_app::warning::relay::ack_token;
use grassroots_app::{Actor, App, Settings};
use grassroots_domain::core::body::BodyKind;
use grassroots_domain::core::division::DivisionCode;
use grassroots_domain::warning::Level;
use grassroots_store::warning as store;

const ANHUI: &[u8] = include_bytes!("../../../data/anhui-divisions.csv");

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (url, tokens_file) = (&args[1], &args[2]);
    let app = App::open(url, Settings::default()).await?;
    if tokens_file == "count" {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM warning_notice WHERE acknowledged_at IS NOT NULL")
            .fetch_one(&mut *app.store.conn().await?)
            .await?;
        println!("acknowledged: {n}");
        return Ok(());
    }
    let sys = Actor::system("bench");

    let t = Instant::now();
    let d = app.import_divisions(&sys, ANHUI).await?;
    println!("divisions: {} imported in {:.1} s", d.inserted, t.elapsed().as_secs_f64());

    let mut bureaus = Vec::new();
    for name in ["安徽省自然资源厅", "安徽省气象局"] {
        let req =
            NewBodyRequest { division_code: DivisionCode::parse("340000")?, kind: BodyKind::Bureau, name: name.into() };
        let body = app.add_body(&sys, req).await?;
        let mut a = Actor::system("bench");
        a.body_id = Some(body.id);
        a.division_code = "340000".into();
        a.scope_path = "/340000/".into();
        bureaus.push(a);
    }

    let mut csv = String::from("number,name,kind,scale,village_code,lon,lat,households,people,monitors\n");
    let mut villages = 0;
    for line in std::str::from_utf8(ANHUI)?.lines().filter(|l| l.contains(",village,")) {
        let code = line.split(',').next().unwrap_or_default();
        let n: u64 = code.parse()?;
        let phone = |k: u64| format!("13{:09}", (n * 3 + k) % 1_000_000_000);
        csv.push_str(&format!(
            "P{code},隐患点{code},landslide,small,{code},117.2,31.8,5,15,甲 {}; 乙 {}; 丙 {}\n",
            phone(0),
            phone(1),
            phone(2)
        ));
        villages += 1;
    }
    let t = Instant::now();
    let p = app.import_hazard_points(&sys, csv.as_bytes()).await?;
    println!(
        "hazard points: {} in {villages} villages, {} monitors, imported in {:.1} s",
        p.points,
        p.monitors,
        t.elapsed().as_secs_f64()
    );

    let today = grassroots_app::core::today();
    let draft = DraftRequest {
        level: Level::Orange,
        onset: format!("{today} 20:00"),
        expires: format!("{} 20:00", today + time::Duration::days(1)),
        areas: vec!["340000".into()],
        polygon: None,
        headline: String::new(),
        description: "全省发生地质灾害的风险较高。".into(),
        instruction: String::new(),
    };
    let id = app.draft_warning(&bureaus[0], draft).await?.warning.id;
    let t = Instant::now();
    app.cosign_warning(&bureaus[1], id).await?;
    let publish = t.elapsed();
    let mut c = app.store.conn().await?;
    let notices = store::notices(&mut c, id, "/").await?;
    println!(
        "publish (co-sign): {} notices and {} texts queued in {:.0} ms",
        notices.len(),
        p.monitors,
        publish.as_secs_f64() * 1000.0
    );

    // The peer: the same notices, one INSERT per row in one transaction (rolled back).
    let t = Instant::now();
    let mut tx = app.store.begin().await?;
    for n in &notices {
        sqlx::query(
            "INSERT INTO warning_notice (warning_id, recipient, kind, county_code, town_code, division_code, name, \
             monitor_id, point_id, notified_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id.0)
        .bind(format!("peer:{}", n.id))
        .bind(n.kind.as_str())
        .bind(&n.division_code[..6])
        .bind(&n.town_code)
        .bind(&n.division_code)
        .bind(&n.name)
        .bind(n.monitor_id)
        .bind(n.point_id.map(|p| p.0))
        .bind(&n.notified_at)
        .execute(&mut *tx)
        .await?;
    }
    let rows = t.elapsed();
    tx.rollback().await?;
    println!(
        "peer, one INSERT per notice in one transaction: {} rows in {:.0} ms",
        notices.len(),
        rows.as_secs_f64() * 1000.0
    );

    let t = Instant::now();
    let sent = app.relay_due(&grassroots_app::core::now()).await?;
    println!("outbox: {sent} texts through the logging gateway in {:.1} s", t.elapsed().as_secs_f64());

    let secret = store::get(&mut c, id).await?.and_then(|w| w.relay_secret).ok_or("the warning was not published")?;
    let tokens: Vec<String> = notices.iter().map(|n| ack_token(&secret, n.id)).collect();
    std::fs::write(tokens_file, tokens.join("\n") + "\n")?;
    println!("tokens: {} written to {tokens_file}", tokens.len());
    Ok(())
}
