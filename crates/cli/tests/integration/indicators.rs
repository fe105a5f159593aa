//! The leaders' dashboard: the county beside its pilot towns for a year, every figure
//! computed from the records, with charts and the XLSX export.

use grassroots_app::Actor;

use crate::helpers::*;

#[tokio::test]
async fn a_county_leader_reads_and_exports_the_headline_figures() {
    let db = TestDb::sqlite();
    let app = open(&db).await;
    app.seed_demo().await.unwrap();
    let leader = Client::login(&app, "suixi.leader").await;
    let page = leader.get("/dashboard?division=340621&year=2021").await;
    assert_eq!(page.status, 200);
    let text = page.text();
    for shown in ["临涣镇", "双堆集镇", "+276.8%", "-22.2%", "100.0%", "<svg", "口径", "历年趋势", "按来源", "经营收入"]
    {
        assert!(text.contains(shown), "{shown} missing from {text}");
    }
    let book = leader.get("/dashboard.xlsx?division=340621&year=2021").await;
    assert_eq!(book.status, 200);
    assert!(book.headers["content-type"].to_str().unwrap().contains("spreadsheetml"));
    assert!(book.body.starts_with(b"PK"), "a real XLSX (a zip)");

    // Computed, not stored: a record changes and the figure moves.
    let before = app.headline(&Actor::system("test"), "340621104", 2021).await.unwrap();
    let mut c = app.store.conn().await.unwrap();
    sqlx::query("UPDATE joint_inspection SET done_on = NULL WHERE id = (SELECT MIN(id) FROM joint_inspection)")
        .execute(&mut *c)
        .await
        .unwrap();
    drop(c);
    let after = app.headline(&Actor::system("test"), "340621104", 2021).await.unwrap();
    assert_eq!((before.joint_inspections, after.joint_inspections), (Some(28), Some(27)));

    // Another town's officer cannot read Linhuan's figures.
    let other = Client::login(&app, "shuangduiji.officer").await;
    assert_eq!(other.get("/api/v1/divisions/340621104/headline?year=2021").await.status, 404);
}
