//! The store's conformance suite: every test runs on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use trustbox_store::testing::{TestDb, fresh};
use trustbox_store::{AuditInput, Backend, NewUnit, NewUser, SCHEMA_VERSION, Store, StoreError};

async fn open(backend: Backend) -> (Store, TestDb) {
    let db = fresh(backend).await.unwrap_or_else(|e| panic!("{e}"));
    let store = Store::connect(&db.url).await.unwrap();
    store.migrate(1_700_000_000).await.unwrap();
    (store, db)
}

macro_rules! both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                let (s, _db) = super::open(trustbox_store::Backend::Sqlite).await;
                super::$name(s).await;
            }
            #[tokio::test]
            async fn postgres() {
                let (s, _db) = super::open(trustbox_store::Backend::Postgres).await;
                super::$name(s).await;
            }
        }
    )*};
}

both!(
    migrations,
    units_and_paths,
    users_grants_sessions,
    setup_tokens,
    audit_chain,
    notice_due_uses_its_index
);

fn unit(slug: &str, kind: &str, parent: Option<i64>) -> NewUnit {
    NewUnit {
        parent_id: parent,
        kind: kind.into(),
        slug: slug.into(),
        country: "KG".into(),
        name_ky: format!("{slug} ky"),
        name_kk: String::new(),
        name_ru: format!("{slug} ru"),
        name_en: String::new(),
        default_lang: "ky".into(),
        time_zone: "Asia/Bishkek".into(),
    }
}

async fn migrations(s: Store) {
    assert_eq!(s.schema_version().await.unwrap(), SCHEMA_VERSION);
    let again = s.migrate(1_700_000_001).await.unwrap();
    assert_eq!(
        again.before, SCHEMA_VERSION,
        "a second migrate changes nothing"
    );
    // A database from a newer Trustbox is refused and left as it is.
    sqlx_insert_version(&s, SCHEMA_VERSION + 1).await;
    match s.migrate(1_700_000_002).await {
        Err(StoreError::NewerSchema { found, known }) => {
            assert_eq!((found, known), (SCHEMA_VERSION + 1, SCHEMA_VERSION));
        }
        other => panic!("expected NewerSchema, got {other:?}"),
    }
    assert_eq!(s.schema_version().await.unwrap(), SCHEMA_VERSION + 1);
}

async fn sqlx_insert_version(s: &Store, v: i64) {
    // Behind the store's back, as a newer binary would have done.
    s.raw_execute(&format!(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES ({v}, 'future', 0)"
    ))
    .await
    .unwrap();
}

async fn units_and_paths(s: Store) {
    let kg = s
        .create_unit(&unit("kg", "country", None), 1)
        .await
        .unwrap();
    let osh = s
        .create_unit(&unit("osh", "region", Some(kg.id)), 1)
        .await
        .unwrap();
    let school = s
        .create_unit(&unit("school-9", "school", Some(osh.id)), 1)
        .await
        .unwrap();
    assert_eq!(
        s.unit_path(school.id).await.unwrap(),
        vec![kg.id, osh.id, school.id]
    );
    assert_eq!(s.unit_by_slug("school-9").await.unwrap(), school);
    assert_eq!(school.name("ru"), "school-9 ru");
    assert_eq!(
        school.name("kk"),
        "school-9 ky",
        "an empty name falls back to the default language"
    );
    assert!(matches!(
        s.create_unit(&unit("osh", "school", None), 1).await,
        Err(StoreError::Duplicate(_))
    ));
    assert!(matches!(
        s.unit_by_slug("nope").await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(s.units().await.unwrap().len(), 3);
}

async fn users_grants_sessions(s: Store) {
    let school = s
        .create_unit(&unit("school-1", "school", None), 1)
        .await
        .unwrap();
    let nu = NewUser {
        username: "aigul".into(),
        display_name: "Айгүл".into(),
        password_hash: Some("h".into()),
        is_admin: false,
        lang: "ky".into(),
    };
    let u = s.create_user(&nu, 5).await.unwrap();
    assert!(matches!(
        s.create_user(&nu, 5).await,
        Err(StoreError::Duplicate(_))
    ));
    assert!(!s.admin_exists().await.unwrap());
    s.add_grant(u.id, school.id, "responsible").await.unwrap();
    s.add_grant(u.id, school.id, "responsible").await.unwrap();
    assert_eq!(
        s.grants_of(u.id).await.unwrap().len(),
        1,
        "granting twice is harmless"
    );
    assert_eq!(
        s.users_of_unit(school.id).await.unwrap()[0].username,
        "aigul"
    );
    // A pending grant: listed as pending, not staff of the unit, no notifications; confirmed
    // once, refused once; a confirmed grant is neither confirmed nor refused again.
    assert!(!s.grants_of(u.id).await.unwrap()[0].pending);
    let p = s
        .create_user(
            &NewUser {
                username: "pending".into(),
                ..nu.clone()
            },
            5,
        )
        .await
        .unwrap();
    s.set_user_email(p.id, Some("p@example.org")).await.unwrap();
    assert!(
        s.add_pending_grant(p.id, school.id, "director", Some(u.id), 7)
            .await
            .unwrap()
    );
    assert!(
        !s.add_pending_grant(p.id, school.id, "director", Some(u.id), 8)
            .await
            .unwrap(),
        "asking twice is harmless"
    );
    let g = s.grant(p.id, school.id, "director").await.unwrap();
    assert!(g.pending);
    assert_eq!((g.granted_by, g.granted_at), (Some(u.id), Some(7)));
    assert_eq!(s.pending_grants().await.unwrap(), vec![g]);
    assert_eq!(s.users_of_unit(school.id).await.unwrap().len(), 1);
    assert!(
        s.emails_of_role(school.id, "director")
            .await
            .unwrap()
            .is_empty()
    );
    s.confirm_grant(p.id, school.id, "director").await.unwrap();
    assert!(matches!(
        s.confirm_grant(p.id, school.id, "director").await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.refuse_grant(p.id, school.id, "director").await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        s.emails_of_role(school.id, "director").await.unwrap(),
        vec!["p@example.org".to_string()]
    );
    s.add_pending_grant(p.id, school.id, "operator", None, 9)
        .await
        .unwrap();
    s.refuse_grant(p.id, school.id, "operator").await.unwrap();
    assert!(s.pending_grants().await.unwrap().is_empty());
    assert_eq!(s.grants_of(p.id).await.unwrap().len(), 1);
    // Lockout after the maximum number of failures.
    for i in 1..=2 {
        assert_eq!(s.record_failed_login(u.id, 3, 999).await.unwrap(), i);
    }
    assert_eq!(s.user(u.id).await.unwrap().locked_until, None);
    s.record_failed_login(u.id, 3, 999).await.unwrap();
    assert_eq!(s.user(u.id).await.unwrap().locked_until, Some(999));
    s.record_successful_login(u.id).await.unwrap();
    assert_eq!(s.user(u.id).await.unwrap().locked_until, None);
    // Sessions: found while live, gone when expired or deleted, gone when the user is disabled.
    let hash = [7u8; 32];
    s.create_session(&hash, u.id, 100, 200).await.unwrap();
    assert_eq!(
        s.touch_session(&hash, 170, 300, i64::MIN)
            .await
            .unwrap()
            .user_id,
        u.id
    );
    assert!(
        s.touch_session(&hash, 299, 400, i64::MIN).await.is_ok(),
        "touching slid the expiry to 300"
    );
    assert!(
        s.touch_session(&hash, 330, 500, i64::MIN).await.is_ok(),
        "and the touch at 299 slid it to 400"
    );
    assert!(matches!(
        s.touch_session(&hash, 401, 600, i64::MIN).await,
        Err(StoreError::NotFound)
    ));
    s.create_session(&[8u8; 32], u.id, 100, 10_000)
        .await
        .unwrap();
    s.set_user_disabled(u.id, true).await.unwrap();
    assert!(matches!(
        s.touch_session(&[8u8; 32], 150, 300, i64::MIN).await,
        Err(StoreError::NotFound)
    ));
}

async fn setup_tokens(s: Store) {
    let nu = NewUser {
        username: "admin".into(),
        display_name: "A".into(),
        password_hash: None,
        is_admin: true,
        lang: "ru".into(),
    };
    let u = s.create_user(&nu, 5).await.unwrap();
    assert!(s.admin_exists().await.unwrap());
    s.create_setup_token(&[1u8; 32], u.id, 1000).await.unwrap();
    assert_eq!(s.setup_token_user(&[1u8; 32], 10).await.unwrap(), u.id);
    assert!(
        matches!(
            s.setup_token_user(&[1u8; 32], 1000).await,
            Err(StoreError::NotFound)
        ),
        "expired"
    );
    assert_eq!(
        s.use_setup_token(&[1u8; 32], "phc", 10).await.unwrap(),
        u.id
    );
    assert_eq!(
        s.user(u.id).await.unwrap().password_hash.as_deref(),
        Some("phc")
    );
    assert!(
        matches!(
            s.use_setup_token(&[1u8; 32], "other", 11).await,
            Err(StoreError::NotFound)
        ),
        "works once"
    );
}

async fn audit_chain(s: Store) {
    for i in 0..5 {
        let detail = format!("d{i}");
        s.audit(
            &AuditInput {
                actor_id: Some(1),
                school_id: Some(2),
                action: "test",
                object: "x",
                detail: &detail,
            },
            100 + i,
        )
        .await
        .unwrap();
    }
    assert_eq!(s.verify_audit_chain().await.unwrap(), Ok(5));
    assert_eq!(s.audit_entries(Some(2), 10).await.unwrap().len(), 5);
    assert_eq!(s.audit_entries(Some(3), 10).await.unwrap().len(), 0);
    // Concurrent appends never fork the chain.
    let mut tasks = Vec::new();
    for i in 0..10 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            s.audit(
                &AuditInput {
                    actor_id: None,
                    school_id: None,
                    action: "c",
                    object: "x",
                    detail: "",
                },
                200 + i,
            )
            .await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(s.verify_audit_chain().await.unwrap(), Ok(15));
    // An edit behind the application's back is found, and named.
    s.raw_execute("UPDATE audit_log SET detail = 'forged' WHERE id = 3")
        .await
        .unwrap();
    let broken = s.verify_audit_chain().await.unwrap().unwrap_err();
    assert_eq!(broken.entry_id, 3);
    s.raw_execute("UPDATE audit_log SET detail = 'd2' WHERE id = 3")
        .await
        .unwrap();
    assert_eq!(s.verify_audit_chain().await.unwrap(), Ok(15));
    // So is a removed tail.
    s.raw_execute("DELETE FROM audit_log WHERE id = 15")
        .await
        .unwrap();
    assert!(s.verify_audit_chain().await.unwrap().is_err());
}

/// The deadline job's question (every 15 minutes, for every school) is answered from the partial
/// index of the appeals still waiting for that notice, not by reading every open appeal of the
/// school up to the deadline (555 ms for a school with 100,000: BENCHMARKS.md, session 7).
async fn notice_due_uses_its_index(s: Store) {
    for (column, index) in [
        ("reminded_at", "appeals_remind_due"),
        ("escalated_at", "appeals_escalate_due"),
    ] {
        let plan = trustbox_store::testing::notice_due_plan(&s, column, 7, "2026-12-04")
            .await
            .unwrap();
        assert!(
            plan.contains(index),
            "{:?}: the {column} question does not use {index}:\n{plan}",
            s.backend()
        );
    }
}
