//! What the benchmarks load: five years of a county's records over every village of
//! Suixi, generated from their number so that a run can be repeated and extended.

// Each benchmark loads only what it reads.
#![allow(dead_code)]

use std::time::Instant;

use grassroots_app::core::divisions::DivisionQuery;
use grassroots_app::{Actor, App};
use grassroots_domain::command::{Category, Event, EventId, EventState, Source};
use grassroots_domain::core::division::{DivisionCode, Level};
use grassroots_store::command as store;
use time::{Date, OffsetDateTime};

pub const COUNTY: &str = "340621";
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
        county_code: village.0[..6].to_owned(),
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

/// (village, town) codes of the county.
pub async fn villages(app: &App) -> Result<Vec<(String, String)>, String> {
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

/// Events up to `wanted` in all.
pub async fn load_events(app: &App, wanted: u64) -> Result<(), String> {
    let sys = Actor::system("bench");
    let have = app.list_events(&sys, None, false, Default::default()).await.map_err(|e| e.to_string())?.total;
    let have = u64::try_from(have).unwrap_or(0);
    load_events_over(app, &villages(app).await?, have, wanted).await
}

/// Events numbered `have` up to `wanted` over `villages` (village, town).
pub async fn load_events_over(app: &App, villages: &[(String, String)], have: u64, wanted: u64) -> Result<(), String> {
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

/// Cases up to `wanted` in all over the county's towns, five years to today; most closed
/// within days and rated.
pub async fn load_cases(app: &App, wanted: u64) -> Result<(), String> {
    use grassroots_store::enforcement as cases;
    let mut c = app.store.conn().await.map_err(|e| e.to_string())?;
    let have = cases::filed_count(&mut c, COUNTY, "2000-01-01", "2100-01-01").await.map_err(|e| e.to_string())?;
    drop(c);
    load_cases_over(app, &villages(app).await?, u64::try_from(have).unwrap_or(0), wanted).await
}

/// Cases numbered `have` up to `wanted` over the towns of `villages`.
pub async fn load_cases_over(app: &App, villages: &[(String, String)], have: u64, wanted: u64) -> Result<(), String> {
    use grassroots_domain::enforcement::{Case, CaseId, Procedure, Satisfaction, Stage};
    use grassroots_store::enforcement::{self as cases, NewCase};
    let mut towns: Vec<String> = villages.iter().map(|v| v.1.clone()).collect();
    towns.sort();
    towns.dedup();
    let today = OffsetDateTime::now_utc().date();
    let started = Instant::now();
    let mut n = have;
    while n < wanted {
        let mut tx = app.store.begin().await.map_err(|e| e.to_string())?;
        for _ in 0..1000 {
            if n >= wanted {
                break;
            }
            let filed = today - time::Duration::days(i64::try_from(n % 1826).unwrap_or(0) + 20);
            let (town, filed_on) = (&towns[n as usize % towns.len()], filed.to_string());
            let number = format!("BENCH{n:09}");
            let new = NewCase {
                division: town,
                year: filed.year(),
                number: i64::try_from(n).unwrap_or(0),
                document_number: &number,
                procedure: Procedure::General,
                party_name: "某经营者",
                party_is_organisation: false,
                act_date: &filed_on,
                discovered_on: &filed_on,
                caused_harm: false,
                matter: None,
                legal_basis: "bench",
                facts: "bench",
                filed_on: &filed_on,
                by: "bench",
                now: "2026-01-01T00:00:00Z",
            };
            let id = cases::insert(&mut tx, &new).await.map_err(|e| e.to_string())?;
            let closed = (filed + time::Duration::days(i64::try_from(2 + n % 9).unwrap_or(0))).to_string();
            let satisfaction = [Some(Satisfaction::Satisfied), Some(Satisfaction::Fair), None][n as usize % 3];
            let done = Case {
                id: CaseId(id.0),
                county_code: town[..6].to_owned(),
                division_code: town.to_string(),
                document_number: number.clone(),
                procedure: Procedure::General,
                stage: Stage::Closed,
                party_name: String::new(),
                party_is_organisation: false,
                act_date: filed_on.clone(),
                discovered_on: None,
                caused_harm: false,
                matter_code: None,
                legal_basis: String::new(),
                facts: String::new(),
                filed_on: filed_on.clone(),
                notified_on: None,
                hearing_requested_on: None,
                hearing_on: None,
                decided_on: Some(closed.clone()),
                penalty: None,
                fine_fen: None,
                served_on: None,
                reminded_on: None,
                executed_on: None,
                closed_on: Some(closed),
                suspended_days: 0,
                extension_days: 0,
                satisfaction,
                created_by: String::new(),
                created_at: String::new(),
            };
            cases::update(&mut tx, &done, Stage::Filed).await.map_err(|e| e.to_string())?;
            n += 1;
        }
        tx.commit().await.map_err(|e| e.to_string())?;
    }
    if n > have {
        println!("loaded {} cases in {:.0} s", n - have, started.elapsed().as_secs_f64());
    }
    Ok(())
}

/// Petitions up to `wanted` in all over the county's villages, five years to today, each
/// sealed as the flow seals them; most replied and closed, some open.
pub async fn load_petitions(app: &App, wanted: u64) -> Result<(), String> {
    use grassroots_store::petition as petitions;
    let mut c = app.store.conn().await.map_err(|e| e.to_string())?;
    let mut have = 0;
    for year in 2015..=2030 {
        have += petitions::received_in_year(&mut c, COUNTY, year).await.map_err(|e| e.to_string())?;
    }
    drop(c);
    load_petitions_over(app, &villages(app).await?, u64::try_from(have).unwrap_or(0), wanted).await
}

/// Petitions numbered `have` up to `wanted` over `villages`.
pub async fn load_petitions_over(
    app: &App,
    villages: &[(String, String)],
    have: u64,
    wanted: u64,
) -> Result<(), String> {
    use grassroots_domain::petition::{Channel, Petition, PetitionId, PetitionKind, PetitionStage, Petitioner};
    use grassroots_store::petition as petitions;
    let key = app.settings.petition_key.clone().ok_or("no petition key")?;
    let today = OffsetDateTime::now_utc().date();
    let started = Instant::now();
    let mut n = have;
    while n < wanted {
        let mut tx = app.store.begin().await.map_err(|e| e.to_string())?;
        for _ in 0..1000 {
            if n >= wanted {
                break;
            }
            let village = &villages[(n as usize * 7919) % villages.len()];
            let received = today - time::Duration::days(i64::try_from(n % 1826).unwrap_or(0));
            let day = |d: i64| Some((received + time::Duration::days(d)).to_string());
            let open = n % 1826 < 60;
            let mut p = Petition {
                id: PetitionId(0),
                county_code: village.0[..6].to_owned(),
                town_code: village.1.clone(),
                division_code: village.0.clone(),
                tracking_number: format!("XFBENCH{n:010}"),
                channel: Channel::ALL[n as usize % 4],
                kind: PetitionKind::ALL[n as usize % 3],
                title: format!("信访事项 {n}"),
                content: String::new(),
                people: 1,
                petitioner: Petitioner::default(),
                stage: if open { PetitionStage::Accepted } else { PetitionStage::Closed },
                received_on: received.to_string(),
                sent_on: false,
                decided_on: day(3),
                replied_on: if open { None } else { day(40) },
                extension_days: 0,
                review_asked_on: None,
                reviewed_on: None,
                rereview_asked_on: None,
                rereviewed_on: None,
                hearing_days: 0,
                closed_on: if open { None } else { day(50) },
                due_on: None,
                satisfied: None,
                repeat_of: None,
                repeat_reason: None,
                created_by: "bench".into(),
                created_at: "2026-01-01T00:00:00Z".into(),
            };
            p.due_on = p.duty_due();
            let who = Petitioner {
                name: "某某".into(),
                id_number: format!("{n:018}"),
                phone: "13800000000".into(),
                address: village.0.clone(),
            };
            let sealed = key.seal(&who, &p.tracking_number).map_err(|e| e.to_string())?;
            petitions::insert(&mut tx, &p, &sealed, &key.digest(&who.id_number)).await.map_err(|e| e.to_string())?;
            n += 1;
        }
        tx.commit().await.map_err(|e| e.to_string())?;
    }
    if n > have {
        let loaded = n - have;
        println!("loaded {loaded} petitions in {:.0} s", started.elapsed().as_secs_f64());
    }
    Ok(())
}

/// Runs `f` `runs` times and prints p50, p95 and the slowest.
pub async fn time<F, Fut, T>(what: &str, runs: usize, mut f: F) -> Result<(), String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, String>>,
{
    let mut took = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        f().await?;
        took.push(started.elapsed());
    }
    took.sort();
    let at = |q: f64| took[((took.len() as f64 * q) as usize).min(took.len() - 1)].as_secs_f64() * 1000.0;
    println!("{what}: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms ({runs} runs)", at(0.5), at(0.95), at(1.0));
    Ok(())
}
