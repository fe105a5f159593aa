//! All of Anhui in one database: the province's 119 counties, 1,685 towns and 18,334
//! villages on top of the demo, and two years of records in the proportions of the pilot
//! towns — for each town a year, about 500 command-center events, 25 enforcement cases and
//! 35 petitions — with a hazard point in every village, and collective income for every
//! village in both years. Then a leader for every county and a dispatcher for the first town
//! of each, whose API tokens it writes one per line to `leaders.tokens` and
//! `dispatchers.tokens` in TOKENS_DIR (default: the working directory), for `bench/province.sh`.
//!
//! `cargo run --release -p grassroots-app --example province -- postgres://…/province [TOKENS_DIR]`

mod common;

use std::collections::BTreeMap;
use std::time::Instant;

use grassroots_app::core::bodies::NewBodyRequest;
use grassroots_app::core::tokens::NewTokenRequest;
use grassroots_app::core::users::NewUserRequest;
use grassroots_app::petition::PetitionKey;
use grassroots_app::{Actor, App, Settings};
use grassroots_domain::core::body::BodyKind;
use grassroots_domain::core::division::DivisionCode;
use grassroots_domain::core::role::Role;

const ANHUI: &[u8] = include_bytes!("../../../data/anhui-divisions.csv");
const YEARS: u64 = 2;
const EVENTS_PER_TOWN_YEAR: u64 = 500;
const CASES_PER_TOWN_YEAR: u64 = 25;
const PETITIONS_PER_TOWN_YEAR: u64 = 35;

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let url = args.get(1).ok_or("database URL?")?;
    let out = std::path::PathBuf::from(args.get(2).map_or(".", String::as_str));
    let settings = Settings { petition_key: Some(PetitionKey::demo()), ..Settings::default() };
    let app = App::open(url, settings).await.map_err(err)?;
    let sys = Actor::system("province");
    app.seed_demo().await.map_err(err)?;
    let t = Instant::now();
    let d = app.import_divisions(&sys, ANHUI).await.map_err(err)?;
    println!("divisions: {} new in {:.1} s", d.inserted, t.elapsed().as_secs_f64());

    // (village, town) of the whole province, and the towns of each county.
    let mut villages = Vec::new();
    let mut towns: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in std::str::from_utf8(ANHUI).map_err(err)?.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        match f.get(2) {
            Some(&"village") => villages.push((f[0].to_owned(), f[3].to_owned())),
            Some(&"town") => towns.entry(f[0][..6].to_owned()).or_default().push(f[0].to_owned()),
            _ => {}
        }
    }
    let town_count = towns.values().map(Vec::len).sum::<usize>() as u64;
    println!("{} counties, {town_count} towns, {} villages", towns.len(), villages.len());

    common::load_events_over(&app, &villages, 0, town_count * EVENTS_PER_TOWN_YEAR * YEARS).await?;
    common::load_cases_over(&app, &villages, 0, town_count * CASES_PER_TOWN_YEAR * YEARS).await?;
    common::load_petitions_over(&app, &villages, 0, town_count * PETITIONS_PER_TOWN_YEAR * YEARS).await?;

    let t = Instant::now();
    let mut income = String::from("village_code,year,source,amount_fen\n");
    let this_year = grassroots_app::core::today().year();
    for (i, (village, _)) in villages.iter().enumerate() {
        for year in [this_year - 2, this_year - 1] {
            for (k, source) in ["operating", "contracting", "investment"].iter().enumerate() {
                income.push_str(&format!(
                    "{village},{year},{source},{}\n",
                    1_000_000 + (i * 7919 + k * 104_729) % 9_000_000
                ));
            }
        }
    }
    let r = app.import_income(&sys, income.as_bytes()).await.map_err(err)?;
    println!("income: {} lines in {:.1} s", r.lines, t.elapsed().as_secs_f64());

    let t = Instant::now();
    let mut points = String::from("number,name,kind,scale,village_code,lon,lat,households,people,monitors\n");
    for (village, _) in &villages {
        points.push_str(&format!(
            "P{village},隐患点{village},landslide,small,{village},117.2,31.8,5,15,甲 13800000000\n"
        ));
    }
    let p = app.import_hazard_points(&sys, points.as_bytes()).await.map_err(err)?;
    println!("hazard points: {} in {:.1} s", p.points, t.elapsed().as_secs_f64());

    let t = Instant::now();
    let (mut leaders, mut dispatchers) = (String::new(), String::new());
    for (county, county_towns) in &towns {
        let leader = account(&app, &sys, county, BodyKind::Government, "人民政府", Role::Viewer, "leader").await?;
        leaders.push_str(&format!("{leader}\n"));
        let town = &county_towns[0];
        let dispatcher =
            account(&app, &sys, town, BodyKind::CommandCenter, "综合指挥中心", Role::Dispatcher, "dispatcher").await?;
        dispatchers.push_str(&format!("{dispatcher}\n"));
    }
    std::fs::write(out.join("leaders.tokens"), leaders).map_err(err)?;
    std::fs::write(out.join("dispatchers.tokens"), dispatchers).map_err(err)?;
    println!("{} leaders and dispatchers with tokens in {:.1} s", towns.len(), t.elapsed().as_secs_f64());
    Ok(())
}

/// A body of `kind` at `division`, a user of `role` in it, and that user's API token.
async fn account(
    app: &App,
    sys: &Actor,
    division: &str,
    kind: BodyKind,
    suffix: &str,
    role: Role,
    what: &str,
) -> Result<String, String> {
    let req = NewBodyRequest {
        division_code: DivisionCode::parse(division).map_err(err)?,
        kind,
        name: format!("{division}{suffix}"),
    };
    let body = app.add_body(sys, req).await.map_err(err)?;
    let user = NewUserRequest {
        username: format!("p{division}.{what}"),
        display_name: format!("{division} {what}"),
        role,
        body_id: body.id,
        password: "province bench password".into(),
    };
    let user = app.add_user(sys, user).await.map_err(err)?;
    let token = app
        .create_token_for(sys, user.id, NewTokenRequest { name: "province".into(), expires_in_days: None })
        .await
        .map_err(err)?;
    Ok(token.secret)
}
