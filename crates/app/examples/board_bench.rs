//! The dispatcher's board over a county with many events: loads the events once (five
//! years of them over every village of Suixi, most long closed, a few hundred new, a few
//! thousand open and some of those overdue), then times `board` for the county's leader
//! and for Linhuan's dispatcher, in process, and prints p50, p95 and the slowest.
//!
//! `cargo run --release -p grassroots-app --example board_bench -- URL 1000000 200`
//! (a database with the demo loaded, events to have, boards to time for each reader).

mod common;

use grassroots_app::{Actor, App, Settings};

async fn time_board(app: &App, who: &str, runs: usize) -> Result<(), String> {
    let user = app.find_user(&Actor::system("bench"), who).await.map_err(|e| e.to_string())?;
    let actor = &app.actor_of(user.id).await.map_err(|e| e.to_string())?;
    let b = app.board(actor).await.map_err(|e| e.to_string())?;
    let what = format!(
        "board for {who}: {} queued, {} overdue shown, {} offices",
        b.queue.len(),
        b.overdue.len(),
        b.by_office.len()
    );
    common::time(&what, runs, || async move { app.board(actor).await.map_err(|e| e.to_string()) }).await
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let url = args.get(1).ok_or("database URL?")?;
    let wanted: u64 = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(1_000_000);
    let runs: usize = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(200);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| e.to_string())?;
    rt.block_on(async {
        let app = App::open(url, Settings::default()).await.map_err(|e| e.to_string())?;
        common::load_events(&app, wanted).await?;
        time_board(&app, "suixi.leader", runs).await?;
        time_board(&app, "linhuan.dispatcher", runs).await
    })
}
