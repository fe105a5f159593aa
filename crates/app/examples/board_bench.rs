//! The dispatcher's board over a county with many events: loads the events once (five
//! years of them over every village of Suixi, most long closed, a few hundred new, a few
//! thousand open and some of those overdue), then times `board` for the county's leader
//! and for Linhuan's dispatcher, in process, and prints p50, p95 and the slowest.
//!
//! `cargo run --release -p grassroots-app --example board_bench -- URL 1000000 200`
//! (a database with the demo loaded, events to have, boards to time for each reader).

use std::time::{Duration, Instant};

use grassroots_app::core::divisions::DivisionQuery;
use grassroots_app::{Actor, App, Settings};
use grassroots_domain::command::{Category, Event, EventId, EventState, Source};
use grassroots_domain::core::division::{DivisionCode, Level};
use grassroots_store::command as store;
use time::{Date, OffsetDateTime};

const COUNTY: &str = "340621";
const OFFICES: [&str; 4] = ["临涣镇综合行政执法队", "生态环境保护办公室", "村镇建设办公室", "社会事务办公室"];

/// The `n`th event: its state and dates follow from `n`, spread over five years to today.
fn event(n: u64, village: &(String, String), today: Date) -> Event {
    let days_ago = i64::try_from(n % 1826).unwrap_or(0);
    let (state, days_ago) = match n % 1000 {
        0..3 => (EventState::New, days_ago % 2),
        3..20 => (EventState::InProgress, days_ago % 12),
        20..40 => (EventState::Resolved, days_ago),
        40..45 => (EventState::Merged, days_ago),
        _ => (EventState::Closed, days_ago),
    };
    let reported = today - time::Duration::days(days_ago);
    let day = |d: i64| Some((reported + time::Duration::days(d)).to_string());
    let open_or_done = !matches!(state, EventState::New | EventState::Merged);
    let category = Category::ALL[usize::try_from(n % 7).unwrap_or(0)];
    Event {
        id: EventId(0),
        county_code: COUNTY.into(),
        town_code: village.1.clone(),
        division_code: village.0.clone(),
        tracking_number: format!("SJBENCH{n:010}"),
        source: Source::ALL[usize::try_from(n % 6).unwrap_or(0)],
        category,
        title: format!("{}事件 {n}", category.label_zh()),
        description: String::new(),
        address: String::new(),
        lon: None,
        lat: None,
        reporter_name: String::new(),
        reporter_phone: String::new(),
        state,
        office: open_or_done.then(|| OFFICES[usize::try_from(n % 4).unwrap_or(0)].to_owned()),
        dispatched_on: if open_or_done { day(0) } else { None },
        due_on: if open_or_done { day(i64::from(category.deadline_days()) + 2) } else { None },
        paused_on: None,
        extra_days: 0,
        resolved_on: if matches!(state, EventState::Resolved | EventState::Closed) { day(3) } else { None },
        closed_on: if state == EventState::Closed { day(4) } else { None },
        merged_into: None,
        satisfied: None,
        escalation: 0,
        escalated_on: None,
        created_by: "bench".into(),
        created_at: format!("{reported}T08:00:00Z"),
    }
}

async fn villages(app: &App) -> Result<Vec<(String, String)>, String> {
    let sys = Actor::system("bench");
    let county = DivisionCode::parse(COUNTY).map_err(|e| e.summary())?;
    let mut out = Vec::new();
    for page in 1.. {
        let q =
            DivisionQuery { level: Some(Level::Village), page: Some(page), per_page: Some(200), ..Default::default() };
        let p = app.division_subtree(&sys, &county, q).await.map_err(|e| e.to_string())?;
        out.extend(p.items.iter().filter_map(|v| {
            v.division.parent_code.as_ref().map(|t| (v.division.code.as_str().to_owned(), t.as_str().to_owned()))
        }));
        if p.items.len() < 200 {
            break;
        }
    }
    Ok(out)
}

async fn load(app: &App, wanted: u64) -> Result<(), String> {
    let sys = Actor::system("bench");
    let have = app.list_events(&sys, None, false, Default::default()).await.map_err(|e| e.to_string())?.total;
    let have = u64::try_from(have).unwrap_or(0);
    let villages = villages(app).await?;
    let today = OffsetDateTime::now_utc().date();
    let started = Instant::now();
    let mut n = have;
    // Inserts of 50 rows, 100 of them to a transaction: the fastest mix on both backends.
    while n < wanted {
        let mut tx = app.store.begin().await.map_err(|e| e.to_string())?;
        for _ in 0..100 {
            if n >= wanted {
                break;
            }
            let end = (n + 50).min(wanted);
            let batch: Vec<Event> =
                (n..end).map(|i| event(i, &villages[(i as usize * 7919) % villages.len()], today)).collect();
            let refs: Vec<&Event> = batch.iter().collect();
            store::insert_many(&mut tx, &refs).await.map_err(|e| e.to_string())?;
            n = end;
        }
        tx.commit().await.map_err(|e| e.to_string())?;
    }
    if n > have {
        println!("loaded {} events in {:.0} s", n - have, started.elapsed().as_secs_f64());
    }
    Ok(())
}

async fn time_board(app: &App, who: &str, runs: usize) -> Result<(), String> {
    let user = app.find_user(&Actor::system("bench"), who).await.map_err(|e| e.to_string())?;
    let actor = app.actor_of(user.id).await.map_err(|e| e.to_string())?;
    let mut took: Vec<Duration> = Vec::with_capacity(runs);
    let mut shown = (0, 0, 0);
    for _ in 0..runs {
        let started = Instant::now();
        let b = app.board(&actor).await.map_err(|e| e.to_string())?;
        took.push(started.elapsed());
        shown = (b.queue.len(), b.overdue.len(), b.by_office.len());
    }
    took.sort();
    let at = |q: f64| took[((took.len() as f64 * q) as usize).min(took.len() - 1)].as_secs_f64() * 1000.0;
    println!(
        "board for {who}: {} queued, {} overdue shown, {} offices; p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms ({runs} runs)",
        shown.0,
        shown.1,
        shown.2,
        at(0.5),
        at(0.95),
        at(1.0)
    );
    Ok(())
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let url = args.get(1).ok_or("database URL?")?;
    let wanted: u64 = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(1_000_000);
    let runs: usize = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(200);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| e.to_string())?;
    rt.block_on(async {
        let app = App::open(url, Settings::default()).await.map_err(|e| e.to_string())?;
        load(&app, wanted).await?;
        time_board(&app, "suixi.leader", runs).await?;
        time_board(&app, "linhuan.dispatcher", runs).await
    })
}
