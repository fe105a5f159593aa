//! The storage ceiling of event intake: the same writes a report makes over HTTP (the
//! event, its first timeline line, its audit record, committed in groups), made directly
//! through the store in one process, with no HTTP, no queue and no authentication.
//!
//! `cargo run --release -p grassroots-app --example intake_direct -- sqlite://bench/out/direct.db 100000 32`
//! (database with the demo loaded, events to write, events per transaction).

use std::time::Instant;

use grassroots_app::command::intake;
use grassroots_app::{Actor, App, Settings};
use grassroots_domain::command::{Category, Event, EventId, EventState, Source};

fn event(n: usize) -> Event {
    Event {
        id: EventId(0),
        county_code: "340621".into(),
        town_code: "340621104".into(),
        division_code: "340621104200".into(),
        tracking_number: format!("SJDIRECT{n:012}{}", rand::random::<u32>()),
        source: Source::Patrol,
        category: Category::Other,
        title: "测试事件".into(),
        description: String::new(),
        address: "临涣村".into(),
        lon: None,
        lat: None,
        reporter_name: String::new(),
        reporter_phone: String::new(),
        state: EventState::New,
        office: None,
        dispatched_on: None,
        due_on: None,
        paused_on: None,
        extra_days: 0,
        resolved_on: None,
        closed_on: None,
        merged_into: None,
        satisfied: None,
        escalation: 0,
        escalated_on: None,
        created_by: "bench".into(),
        created_at: grassroots_domain::core::time::to_stored(time::OffsetDateTime::now_utc()),
    }
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let url = args.get(1).ok_or("database URL?")?;
    let total: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let batch: usize = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(32);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    rt.block_on(async {
        let app = App::open(url, Settings::default()).await.map_err(|e| e.to_string())?;
        let actor = Actor::system("bench");
        let started = Instant::now();
        let mut written = 0;
        while written < total {
            let events: Vec<Event> = (written..(written + batch).min(total)).map(event).collect();
            let refs: Vec<(&Actor, &Event)> = events.iter().map(|e| (&actor, e)).collect();
            intake::write(&app.store, &refs).await.map_err(|e| e.to_string())?;
            written += events.len();
        }
        let secs = started.elapsed().as_secs_f64();
        println!("{written} events in {secs:.2} s, {batch} per transaction: {:.0} events/s", written as f64 / secs);
        Ok(())
    })
}
