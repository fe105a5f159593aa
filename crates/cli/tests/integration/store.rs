//! The store suite: the same tests on SQLite and PostgreSQL, through the use cases.

use grassroots_app::core::audit::Verification;
use grassroots_app::core::divisions::DivisionQuery;
use grassroots_app::{Actor, AppError};
use grassroots_domain::core::audit::ChainProblem;
use grassroots_domain::core::division::{DivisionCode, Level};
use time::macros::date;

use crate::both_backends;
use crate::helpers::*;

fn code(s: &str) -> DivisionCode {
    DivisionCode::parse(s).unwrap()
}

async fn division_count(app: &grassroots_app::App) -> i64 {
    app.list_divisions(&Actor::system("test"), DivisionQuery::default()).await.unwrap().total
}

#[tokio::test]
async fn both_migration_sets_give_the_same_tables_and_columns() {
    let lite = TestDb::sqlite();
    let Some(pg) = TestDb::postgres("schema").await else { return };
    let a = open(&lite).await.store.schema().await.unwrap();
    let b = open(&pg).await.store.schema().await.unwrap();
    assert!(a.contains_key("audit_log") && a.contains_key("division"), "{a:?}");
    assert_eq!(a, b);
}

both_backends!(demo_is_idempotent, |db: TestDb| async move {
    let app = open(&db).await;
    let first = app.seed_demo().await.unwrap();
    assert_eq!(first.divisions, 641);
    assert!(first.users >= 10);
    assert_eq!(first.tasks, 60);
    let second = app.seed_demo().await.unwrap();
    assert_eq!(second, Default::default());
});

both_backends!(division_tree_queries, |db: TestDb| async move {
    let app = demo(&db).await;
    let sys = Actor::system("test");
    let towns = app
        .division_subtree(&sys, &code("340621"), DivisionQuery { parent: Some(code("340621")), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(towns.total, 13, "Suixi has 11 towns and 2 development zones");
    assert!(towns.items.iter().any(|d| d.division.name == "临涣镇"));
    let ancestors = app.division_ancestors(&sys, &code("340621104200")).await.unwrap();
    let names: Vec<_> = ancestors.iter().map(|d| d.division.name.as_str()).collect();
    assert_eq!(names, ["安徽省", "淮北市", "濉溪县", "临涣镇"]);
    let found = app.list_divisions(&sys, DivisionQuery { q: Some("双堆".into()), ..Default::default() }).await.unwrap();
    assert!(found.items.iter().any(|d| d.division.code.as_str() == "340621105"));
    let villages = app
        .division_subtree(
            &sys,
            &code("340621104"),
            DivisionQuery { level: Some(Level::Village), per_page: Some(5), ..Default::default() },
        )
        .await
        .unwrap();
    assert_eq!(villages.items.len(), 5);
    assert!(villages.total > 5);
    assert!(villages.items.iter().all(|d| d.division.code.as_str().starts_with("340621104")));
});

both_backends!(division_import_is_all_or_nothing, |db: TestDb| async move {
    let app = demo(&db).await;
    let sys = Actor::system("test");
    let before = division_count(&app).await;
    // Row 2 is fine, row 3 names an unknown parent: nothing may be written.
    let bad = "code,name,level,parent_code\n340621901,新镇甲,town,340621\n340621902,新镇乙,town,349999\n";
    let Err(AppError::Validation(e)) = app.import_divisions(&sys, bad.as_bytes()).await else { panic!("accepted") };
    assert_eq!(e.errors[0].location, "line 3, column 4 (parent_code)");
    assert_eq!(e.errors[0].code, "unknown_parent");
    assert_eq!(division_count(&app).await, before);

    let dup = "code,name,level,parent_code\n340621901,新镇甲,town,340621\n340621901,新镇甲,town,340621\n";
    let Err(AppError::Validation(e)) = app.import_divisions(&sys, dup.as_bytes()).await else { panic!("accepted") };
    assert_eq!(e.errors[0].code, "duplicate_code");

    let cycle = "code,name,level,parent_code\n340621901,甲,town,340621902\n340621902,乙,town,340621901\n";
    let Err(AppError::Validation(e)) = app.import_divisions(&sys, cycle.as_bytes()).await else { panic!("accepted") };
    assert_eq!(e.errors[0].code, "parent_cycle");

    let malformed = "code,name,level,parent_code\n340621901,甲,town\n";
    let Err(AppError::Validation(e)) = app.import_divisions(&sys, malformed.as_bytes()).await else {
        panic!("accepted")
    };
    assert_eq!(e.errors[0].location, "line 2");

    let inverted = "code,name,level,parent_code\n340621104299,某村,county,340621104\n";
    assert!(app.import_divisions(&sys, inverted.as_bytes()).await.is_err());
    assert_eq!(division_count(&app).await, before);

    // Children may come before their parents.
    let good = "code,name,level,parent_code\n340621901200,新村,village,340621901\n340621901,新镇甲,town,340621\n340621104,临涣镇（新名）,town,340621\n";
    let s = app.import_divisions(&sys, good.as_bytes()).await.unwrap();
    assert_eq!((s.inserted, s.renamed, s.unchanged), (2, 1, 0));
    assert_eq!(app.get_division(&sys, &code("340621104")).await.unwrap().division.name, "临涣镇（新名）");
    let again = app.import_divisions(&sys, good.as_bytes()).await.unwrap();
    assert_eq!((again.inserted, again.renamed, again.unchanged), (0, 0, 3));
    // A county administrator may not change divisions every county shares.
    let admin = app.actor_of(app.find_user(&sys, "suixi.admin").await.unwrap().id).await.unwrap();
    assert!(matches!(app.import_divisions(&admin, good.as_bytes()).await, Err(AppError::Forbidden)));
});

both_backends!(login_throttling_and_sessions, |db: TestDb| async move {
    let app = demo(&db).await;
    assert!(matches!(app.login("linhuan.officer", "wrong password", "10.0.0.1").await, Err(AppError::BadCredentials)));
    assert!(matches!(app.login("nobody.here", PASSWORD, "10.0.0.1").await, Err(AppError::BadCredentials)));
    let s = app.login("LINHUAN.OFFICER", PASSWORD, "10.0.0.1").await.unwrap();
    let live = app.session(&s.secret).await.unwrap().expect("live session");
    assert_eq!(live.actor.username, "linhuan.officer");
    assert_eq!(live.csrf_token, s.csrf_token);
    // The secret is never stored.
    let mut c = app.store.conn().await.unwrap();
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM session WHERE id_hash = $1")
        .bind(&s.secret)
        .fetch_one(&mut *c)
        .await
        .unwrap();
    assert_eq!(stored, 0);
    // Expiry: a session past its time is gone.
    sqlx::query("UPDATE session SET expires_at = '2000-01-01T00:00:00.000000Z'").execute(&mut *c).await.unwrap();
    assert!(app.session(&s.secret).await.unwrap().is_none());
    drop(c);

    for _ in 0..5 {
        assert!(matches!(
            app.login("shuangduiji.officer", "wrong password", "10.0.0.2").await,
            Err(AppError::BadCredentials)
        ));
    }
    // Locked now, even with the right password.
    assert!(matches!(app.login("shuangduiji.officer", PASSWORD, "10.0.0.3").await, Err(AppError::AccountLocked(_))));

    // A name that does not exist locks the same way, so a lock reveals nothing.
    for _ in 0..5 {
        assert!(matches!(app.login("nobody.at.all", "x", "10.0.0.4").await, Err(AppError::BadCredentials)));
    }
    assert!(matches!(app.login("nobody.at.all", "x", "10.0.0.4").await, Err(AppError::AccountLocked(_))));

    for i in 0..20 {
        let _ = app.login(&format!("ghost{i}"), "x", "10.0.0.9").await;
    }
    assert!(matches!(app.login("linhuan.inspector", PASSWORD, "10.0.0.9").await, Err(AppError::RateLimited)));
    assert!(app.login("linhuan.inspector", PASSWORD, "10.0.0.10").await.is_ok());
});

both_backends!(disabling_ends_sessions_and_tokens, |db: TestDb| async move {
    let app = demo(&db).await;
    let sys = Actor::system("test");
    let user = app.find_user(&sys, "linhuan.dispatcher").await.unwrap();
    let s = app.login("linhuan.dispatcher", PASSWORD, "10.0.0.1").await.unwrap();
    let token = app
        .create_token(
            &s.actor,
            grassroots_app::core::tokens::NewTokenRequest { name: "bridge".into(), expires_in_days: None },
        )
        .await
        .unwrap();
    assert!(app.authenticate_token(&token.secret).await.unwrap().is_some());
    app.set_user_disabled(&sys, user.id, true).await.unwrap();
    assert!(app.session(&s.secret).await.unwrap().is_none());
    assert!(app.authenticate_token(&token.secret).await.unwrap().is_none());
    assert!(matches!(app.login("linhuan.dispatcher", PASSWORD, "10.0.0.1").await, Err(AppError::AccountDisabled)));
    app.set_user_disabled(&sys, user.id, false).await.unwrap();
    assert!(app.authenticate_token(&token.secret).await.unwrap().is_some());
    app.revoke_token(&s.actor, token.token.id).await.unwrap();
    assert!(app.authenticate_token(&token.secret).await.unwrap().is_none());
});

both_backends!(password_change_ends_other_sessions, |db: TestDb| async move {
    let app = demo(&db).await;
    let a = app.login("linhuan.village", PASSWORD, "10.0.0.1").await.unwrap();
    let b = app.login("linhuan.village", PASSWORD, "10.0.0.2").await.unwrap();
    let Err(AppError::Validation(e)) = app.change_password(&a.actor, PASSWORD, "short", Some(&a.secret)).await else {
        panic!()
    };
    assert_eq!(e.errors[0].code, "password_too_short");
    assert!(app.change_password(&a.actor, "not the password", "a much longer one", Some(&a.secret)).await.is_err());
    app.change_password(&a.actor, PASSWORD, "a much longer one", Some(&a.secret)).await.unwrap();
    assert!(app.session(&a.secret).await.unwrap().is_some());
    assert!(app.session(&b.secret).await.unwrap().is_none());
    assert!(app.login("linhuan.village", "a much longer one", "10.0.0.1").await.is_ok());
});

both_backends!(audit_chain_detects_tampering, |db: TestDb| async move {
    let app = demo(&db).await;
    let Verification::Intact { records } = app.verify_audit().await.unwrap() else { panic!("demo chain broken") };
    assert!(records > 30, "every body and user creation is audited: {records}");
    let mut c = app.store.conn().await.unwrap();
    // The application cannot rewrite history: the log refuses updates and deletes.
    assert!(sqlx::query("UPDATE audit_log SET actor = 'someone' WHERE seq = 3").execute(&mut *c).await.is_err());
    assert!(sqlx::query("DELETE FROM audit_log WHERE seq = 3").execute(&mut *c).await.is_err());
    // Someone with the database's keys goes around the guard.
    let drop_guard = match app.store.backend() {
        grassroots_store::Backend::Sqlite => {
            vec!["DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"]
        }
        grassroots_store::Backend::Postgres => vec!["DROP TRIGGER audit_log_no_change ON audit_log"],
    };
    for s in drop_guard {
        sqlx::query(s).execute(&mut *c).await.unwrap();
    }
    sqlx::query("UPDATE audit_log SET after_json = '{}' WHERE seq = 7").execute(&mut *c).await.unwrap();
    let Verification::Broken(b) = app.verify_audit().await.unwrap() else { panic!("alteration missed") };
    assert_eq!((b.seq, b.problem), (7, ChainProblem::Altered));
});

both_backends!(audit_chain_detects_removal, |db: TestDb| async move {
    let app = demo(&db).await;
    let mut c = app.store.conn().await.unwrap();
    let guard = match app.store.backend() {
        grassroots_store::Backend::Sqlite => "DROP TRIGGER audit_log_no_delete",
        grassroots_store::Backend::Postgres => "DROP TRIGGER audit_log_no_change ON audit_log",
    };
    sqlx::query(guard).execute(&mut *c).await.unwrap();
    sqlx::query("DELETE FROM audit_log WHERE seq = 5").execute(&mut *c).await.unwrap();
    let Verification::Broken(b) = app.verify_audit().await.unwrap() else { panic!("removal missed") };
    assert_eq!((b.seq, b.problem), (5, ChainProblem::Missing));
    let (last,): (i64,) = (sqlx::query_scalar("SELECT MAX(seq) FROM audit_log").fetch_one(&mut *c).await.unwrap(),);
    sqlx::query("DELETE FROM audit_log WHERE seq >= 5").execute(&mut *c).await.unwrap();
    let Verification::Broken(b) = app.verify_audit().await.unwrap() else { panic!("truncation missed") };
    assert_eq!(b.problem, ChainProblem::Truncated, "last was {last}");
});

both_backends!(working_day_calendar, |db: TestDb| async move {
    let app = open(&db).await;
    let cal = app.calendar();
    assert_eq!(cal.years_covered(), Some((2019, 2026)));
    assert!(!cal.is_working_day(date!(2025 - 10 - 01)));
    // Spring Festival 2026: 15–23 February off, Saturday 14 and 28 February worked.
    assert!(cal.is_working_day(date!(2026 - 02 - 14)));
    assert_eq!(cal.add_working_days(date!(2026 - 02 - 13), 1), date!(2026 - 02 - 14));
    assert_eq!(cal.add_working_days(date!(2026 - 02 - 14), 1), date!(2026 - 02 - 24));
    let sys = Actor::system("test");
    let bad = "date,kind,occasion\n2027-13-01,holiday,x\n2027-01-01,feast,y\n";
    let Err(AppError::Validation(e)) = app.import_calendar(&sys, bad.as_bytes()).await else { panic!("accepted") };
    assert_eq!(e.errors[0].location, "line 2, column 1 (date)");
    assert_eq!(e.errors[1].location, "line 3, column 2 (kind)");
    let good = "date,kind,occasion\n2027-01-01,holiday,New Year's Day\n";
    assert_eq!(app.import_calendar(&sys, good.as_bytes()).await.unwrap().changed, 1);
    assert!(!app.calendar().is_working_day(date!(2027 - 01 - 01)));
    assert_eq!(app.import_calendar(&sys, good.as_bytes()).await.unwrap().changed, 0);
});

both_backends!(parallel_guesses_cannot_pass_the_limit, |db: TestDb| async move {
    let app = demo(&db).await;
    let guesses = (0..16).map(|i| {
        let app = app.clone();
        tokio::spawn(async move { app.login("linhuan.inspector", &format!("guess {i}"), &format!("10.1.0.{i}")).await })
    });
    let mut checked = 0;
    for g in guesses {
        if matches!(g.await.unwrap(), Err(AppError::BadCredentials)) {
            checked += 1;
        }
    }
    assert!(checked <= 5, "{checked} passwords were checked in one window");
});

both_backends!(a_town_administrator_reads_only_its_town_in_the_audit_log, |db: TestDb| async move {
    use grassroots_app::core::users::NewUserRequest;
    let app = demo(&db).await;
    let sys = Actor::system("test");
    let town_gov = app
        .list_bodies(
            &sys,
            grassroots_app::core::bodies::BodyQuery { q: Some("临涣镇人民政府".into()), ..Default::default() },
        )
        .await
        .unwrap()
        .items[0]
        .id;
    let req = NewUserRequest {
        username: "linhuan.admin".into(),
        display_name: "临涣镇管理员".into(),
        role: grassroots_domain::core::role::Role::Admin,
        body_id: town_gov,
        password: PASSWORD.into(),
    };
    let admin = app.actor_of(app.add_user(&sys, req).await.unwrap().id).await.unwrap();
    let log = app.list_audit(&admin, grassroots_domain::page::PageRequest { page: 1, per_page: 200 }).await.unwrap();
    assert!(log.total > 0, "the town's own records are visible");
    for r in &log.items {
        assert!(r.entry.division_code.as_deref().unwrap_or("").starts_with("340621104"), "{:?}", r.entry);
    }
});

both_backends!(an_office_behind_one_address_logs_in_at_once, |db: TestDb| async move {
    let app = demo(&db).await;
    let logins = grassroots_app::demo::USERS.iter().map(|(username, ..)| {
        let app = app.clone();
        tokio::spawn(async move { app.login(username, PASSWORD, "10.2.0.1").await })
    });
    for l in logins {
        assert!(l.await.unwrap().is_ok());
    }
});
