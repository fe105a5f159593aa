//! Village collective income on both backends: a table imported all or nothing with its
//! errors by row and column, amounts replaced and audited, the sums and growth of a
//! village, town and county, the weak villages, scope; and the demo's 276.8%.

use grassroots_app::{Actor, App, AppError};

use crate::both_backends;
use crate::helpers::*;

async fn actor(app: &App, username: &str) -> Actor {
    let u = app.find_user(&Actor::system("test"), username).await.unwrap();
    app.actor_of(u.id).await.unwrap()
}

fn locations(e: AppError) -> Vec<(String, String)> {
    match e {
        AppError::Validation(v) => v.errors.into_iter().map(|f| (f.location, f.code)).collect(),
        other => panic!("not a validation error: {other:?}"),
    }
}

both_backends!(income_is_imported_summed_and_compared, |db: TestDb| async move {
    let app = demo(&db).await;
    let officer = actor(&app, "linhuan.officer").await;
    let header = "village_code,year,source,amount_fen\n";
    let bad = format!(
        "{header}340621104200,2021,operating,-5\n340621105200,2021,operating,100\n340621104201,2099,subsidy,1\n\
         340621104202,2021,lottery,1\n340621104203,2021,经营收入,12.5\n"
    );
    let errors = locations(app.import_income(&officer, bad.as_bytes()).await.unwrap_err());
    let at = |l: &str, c: &str| (l.to_owned(), c.to_owned());
    for e in [
        at("row 2, column D (amount_fen)", "negative_amount"),
        at("row 4, column B (year)", "future_period"),
        at("row 5, column C (source)", "invalid_income_source"),
        at("row 6, column D (amount_fen)", "invalid_amount"),
    ] {
        assert!(errors.contains(&e), "{e:?} in {errors:?}");
    }
    let other_town = format!("{header}340621105200,2021,operating,100\n");
    let errors = locations(app.import_income(&officer, other_town.as_bytes()).await.unwrap_err());
    assert_eq!(errors, [at("row 2, column A (village_code)", "unknown_village")], "another town's village");
    let sys = Actor::system("test");
    assert_eq!(app.income(&sys, "340621104", 2021).await.unwrap().total.fen, 0, "nothing half-written");

    let table = "村代码,年度,收入来源,金额（分）\n340621104200,2020,经营收入,5000000\n340621104200,2021,经营收入,15000000\n\
         340621104200,2021,补助收入,3000000\n340621104201,2020,经营收入,4000000\n340621104201,2021,经营收入,4000000\n";
    let done = app.import_income(&officer, table.as_bytes()).await.unwrap();
    assert_eq!((done.lines, done.replaced), (5, 0));
    let town = app.income(&officer, "340621104", 2021).await.unwrap();
    assert_eq!((town.total.fen, town.total.previous_fen), (22_000_000, 9_000_000));
    assert!((town.total.growth.unwrap() - 13.0 / 9.0).abs() < 1e-9);
    assert_eq!(town.parts.len(), 2, "by village");
    assert_eq!(town.weak.iter().map(|w| w.code.as_str()).collect::<Vec<_>>(), ["340621104201"], "below 100,000 yuan");
    let county = app.income(&sys, "340621", 2021).await.unwrap();
    assert_eq!((county.parts.len(), county.parts[0].code.as_str()), (1, "340621104"), "by town");

    // A correction replaces the amount; the figure moves.
    let fix = format!("{header}340621104201,2021,operating,12000000\n");
    assert_eq!(app.import_income(&officer, fix.as_bytes()).await.unwrap().replaced, 1);
    let town = app.income(&officer, "340621104", 2021).await.unwrap();
    assert_eq!(town.total.fen, 30_000_000);
    assert!(town.weak.is_empty());

    let leader = actor(&app, "suixi.leader").await;
    assert!(matches!(app.import_income(&leader, fix.as_bytes()).await, Err(AppError::Forbidden)));
    let other = actor(&app, "shuangduiji.officer").await;
    assert!(matches!(app.income(&other, "340621104", 2021).await, Err(AppError::NotFound)));
});

#[tokio::test]
async fn the_demo_reproduces_shuangduiji_s_276_8_percent() {
    let db = TestDb::sqlite();
    let app = open(&db).await;
    app.seed_demo().await.unwrap();
    let s = app.income(&Actor::system("test"), "340621105", 2021).await.unwrap();
    assert_eq!((s.total.fen, s.total.previous_fen), (471_000_000, 125_000_000));
    assert_eq!((s.total.growth.unwrap() * 1000.0).round() / 10.0, 276.8);
    let before = app.income(&Actor::system("test"), "340621105", 2020).await.unwrap();
    assert_eq!(before.weak.len(), before.parts.len(), "in 2020 every village was weak");
    assert!(s.weak.len() < before.weak.len() / 2, "in 2021 most were not: {} weak", s.weak.len());

    let c = Client::login(&app, "suixi.leader").await;
    let r = c.get("/api/v1/divisions/340621105/income?year=2021").await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["fen"], 471_000_000);
    let page = c.get("/income?division=340621105&year=2021").await.text();
    assert!(page.contains("4,710,000.00") && page.contains("+276.8%") && page.contains("<svg"), "{page}");

    // A town's officer imports on the page; a bad table comes back with the row and column.
    let officer = Client::login(&app, "shuangduiji.officer").await;
    let upload = |table: &str| {
        let b = "XBOUNDARY";
        let csrf = officer.csrf.clone().unwrap();
        format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"income.csv\"\r\nContent-Type: text/csv\r\n\r\n{table}\r\n--{b}--\r\n"
        )
        .into_bytes()
    };
    let form = Some("multipart/form-data; boundary=XBOUNDARY");
    let bad = upload("村代码,年度,收入来源,金额（分）\n340621105200,2021,经营收入,-1\n");
    let r = officer.without_csrf().send("POST", "/income/import", form, bad).await;
    assert!(r.text().contains("第 2 行 D 列"), "{}", r.text());
    let good = upload("村代码,年度,收入来源,金额（分）\n340621105200,2022,经营收入,20000000\n");
    let r = officer.without_csrf().send("POST", "/income/import", form, good).await;
    assert_eq!((r.status.as_u16(), r.location()), (303, "/income?imported=1".to_owned()), "{}", r.text());
}
