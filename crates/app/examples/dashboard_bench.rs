//! The leaders' dashboard over a county with five years of records: loads events, cases
//! and petitions once (see `common`), then times, in process, what each dashboard page
//! and `grassroots report` compute — the headline of the county and of a town, the county
//! beside its towns with the five-year trend, the income summary, the overdue petitions —
//! and, as the peer, the county's case figures read record by record as a first version did.
//!
//! `cargo run --release -p grassroots-app --example dashboard_bench -- URL 800000 200000 200000 50`
//! (a database with the demo loaded; events, cases and petitions to have; runs of each, 0
//! to load only).

mod common;

use grassroots_app::petition::PetitionKey;
use grassroots_app::{Actor, App, Settings};
use grassroots_domain::page::PageRequest;

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let url = args.get(1).ok_or("database URL?")?;
    let n = |i: usize, default: u64| args.get(i).and_then(|n| n.parse().ok()).unwrap_or(default);
    let (events, cases, petitions) = (n(2, 800_000), n(3, 200_000), n(4, 200_000));
    let runs = usize::try_from(n(5, 50)).unwrap_or(50);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| e.to_string())?;
    rt.block_on(async {
        let settings = Settings { petition_key: Some(PetitionKey::demo()), ..Settings::default() };
        let app = App::open(url, settings).await.map_err(|e| e.to_string())?;
        common::load_events(&app, events).await?;
        common::load_cases(&app, cases).await?;
        common::load_petitions(&app, petitions).await?;
        if runs == 0 {
            return Ok(());
        }
        let user = app.find_user(&Actor::system("bench"), "suixi.leader").await.map_err(|e| e.to_string())?;
        let leader = app.actor_of(user.id).await.map_err(|e| e.to_string())?;
        let year = grassroots_app::core::today().year() - 1;
        let (a, app) = (&leader, &app);
        let e = |e: grassroots_app::AppError| e.to_string();
        common::time("report: the county's headline for a year", runs, || async move {
            app.headline(a, "340621", year).await.map_err(e)
        })
        .await?;
        // The peer: the county's case figures read the way the first version read them,
        // every case of every town into memory, beside one aggregate per town.
        let mut towns: Vec<String> = common::villages(app).await?.into_iter().map(|v| v.1).collect();
        towns.sort();
        towns.dedup();
        let (from, to, towns) = (format!("{year}-01-01"), format!("{year}-12-31"), &towns);
        let (from, to) = (&from, &to);
        common::time("peer: the county's cases, every record read, town by town", runs, || async move {
            for town in towns {
                app.case_indicators(a, town, from, to).await.map_err(e)?;
            }
            Ok(())
        })
        .await?;
        common::time("the same figures, one aggregate per town", runs, || async move {
            let mut c = app.store.conn().await.map_err(|x| x.to_string())?;
            for town in towns {
                grassroots_store::enforcement::figures(&mut c, town, from, to).await.map_err(|x| x.to_string())?;
            }
            Ok(())
        })
        .await?;
        common::time("report: a town's headline for a year", runs, || async move {
            app.headline(a, "340621104", year).await.map_err(e)
        })
        .await?;
        common::time("dashboard: the county beside its towns, and the trend", runs, || async move {
            app.headlines(a, "340621", year).await.map_err(e)?;
            app.trend(a, "340621", year - 4..=year).await.map_err(e)
        })
        .await?;
        common::time("dashboard: a town, and its trend", runs, || async move {
            app.headlines(a, "340621104", year).await.map_err(e)?;
            app.trend(a, "340621104", year - 4..=year).await.map_err(e)
        })
        .await?;
        common::time("income: the county's year by town and source", runs, || async move {
            app.income(a, "340621", year).await.map_err(e)
        })
        .await?;
        common::time("petitions: the overdue, first page", runs, || async move {
            app.list_petitions(a, None, true, PageRequest::default()).await.map_err(e)
        })
        .await?;
        common::time("petitions: the newest, first page", runs, || async move {
            app.list_petitions(a, None, false, PageRequest::default()).await.map_err(e)
        })
        .await
    })
}
