//! Retention through the router: a purged letter cannot be read from the live database nor
//! from a backup taken before the purge (the backup is restored and tried); holds stop the
//! purge and are refused clearly; the dry run changes nothing; journal and audit chains still
//! verify; past report counts do not change; a new retention period re-buckets closed cases;
//! keys wrapped by the master key (older installations) move to buckets.

use std::sync::Arc;

use axum::http::StatusCode;
use time::macros::{date, datetime};
use trustbox_crypto::{CryptoError, DerivationRoot, Keyring, MasterKey, WrappedBy, wrapped_by};
use trustbox_store::testing::fresh;
use trustbox_store::{Backend, ReportCounts, Store};
use trustbox_web::intake::{field_aad, key_aad};
use trustbox_web::retention::{
    bucket_for, due, migrate_legacy_keys, rebucket_closed, run_purge, settle,
};
use trustbox_web::{AppState, Keys, WebConfig};

use crate::both;
use crate::support::{Client, TestApp, mails_to, raw_dump};

both!(
    a_purged_letter_cannot_be_read_from_a_backup_taken_before,
    backups_of_any_age_open_every_live_letter_and_no_purged_one,
    a_hold_stops_the_purge_and_is_refused_clearly,
    retention_changes_and_old_keys_move_to_buckets,
    a_bucket_retired_by_another_instance_is_replaced_at_the_next_letter,
);

async fn setup(app: &TestApp) {
    let kg = app.unit("kg", "country", None, "KG").await;
    let school = app.unit("school-9", "school", Some(&kg), "KG").await;
    app.user("sp", false, Some(("responsible", &school))).await;
}

async fn letter(app: &TestApp, text: &str) -> i64 {
    let mut c = app.client();
    let fields = [
        ("author", "pupil"),
        ("anonymous", "0"),
        ("name", "Бакыт"),
        ("email", "bakyt@example.kg"),
        ("category", "violence"),
        ("text", text),
        ("answer_via", "personal"),
    ];
    let res = c.post_multipart("/ky/school-9/write", &fields, &[]).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let school = app.store.unit_by_slug("school-9").await.unwrap();
    app.store
        .inbox(school.id, &Default::default(), 100, 0)
        .await
        .unwrap()
        .into_iter()
        .max_by_key(|a| a.journal_seq)
        .unwrap()
        .id
}

async fn act(
    c: &mut Client<'_>,
    id: i64,
    what: &str,
    fields: &[(&str, &str)],
) -> crate::support::Res {
    let page = c.get(&format!("/staff/s/school-9/appeals/{id}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let csrf = page.input_value("csrf").unwrap();
    let version = page.input_value("version").unwrap_or_default();
    let mut all = vec![("csrf", csrf.as_str()), ("version", version.as_str())];
    all.extend_from_slice(fields);
    c.post(&format!("/staff/s/school-9/appeals/{id}/{what}"), &all)
        .await
}

/// Closes a letter as "not an appeal" (the shortest way to a closed case), with a staff reply
/// first so the conversation has something to destroy.
async fn close(c: &mut Client<'_>, id: i64, reply: &str) {
    let res = act(c, id, "reply", &[("text", reply)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = act(
        c,
        id,
        "status",
        &[("status", "not_an_appeal"), ("reason", "test")],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

/// The text of an appeal through `state`'s keys, or the error on the way.
async fn read_text(state: &AppState, school_id: i64, id: i64) -> Result<String, CryptoError> {
    let a = state.store.appeal(school_id, id).await.unwrap();
    let dk = state
        .keys
        .unwrap_data_key(&a.data_key, &key_aad(school_id, id))?;
    dk.open_string(&field_aad(school_id, id, "text"), &a.text_enc)
}

/// A state over `store` with the test master key and the keyring folder of `app`.
fn same_keys(app: &TestApp, store: Store, retention_days: i64) -> AppState {
    let master = MasterKey::for_tests(7);
    let root = DerivationRoot::of_master(&master);
    let keys = Keys::with_keyring(master, Keyring::lazy(app.state.keys.keyring.dir()), &root);
    AppState::with_keys(
        store,
        keys,
        WebConfig {
            retention_days,
            ..WebConfig::default()
        },
        app.clock.clone(),
    )
}

/// A backup of the whole database in a file: SQLite `VACUUM INTO`, PostgreSQL `pg_dump`.
async fn backup(app: &TestApp) -> std::path::PathBuf {
    let file = std::env::temp_dir().join(format!(
        "tb-retention-backup-{}-{:x}",
        std::process::id(),
        rand::random::<u64>()
    ));
    match app._db.backend {
        Backend::Sqlite => {
            app.store
                .raw_execute(&format!("VACUUM INTO '{}'", file.display()))
                .await
                .unwrap();
        }
        Backend::Postgres => {
            let out = std::process::Command::new("pg_dump")
                .arg("--no-owner")
                .arg("-f")
                .arg(&file)
                .arg(&app._db.url)
                .output()
                .expect("pg_dump (postgresql-client) is needed");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    file
}

/// Restores a backup into a fresh database and connects to it.
async fn restore(
    app: &TestApp,
    file: &std::path::Path,
) -> (Store, Option<trustbox_store::testing::TestDb>) {
    match app._db.backend {
        Backend::Sqlite => {
            let copy = file.with_extension(format!("restored-{:x}", rand::random::<u64>()));
            std::fs::copy(file, &copy).unwrap();
            let store = Store::connect(&format!("sqlite://{}", copy.display()))
                .await
                .unwrap();
            (store, None)
        }
        Backend::Postgres => {
            let db = fresh(Backend::Postgres).await.unwrap();
            let out = std::process::Command::new("psql")
                .arg("-q")
                .arg("-v")
                .arg("ON_ERROR_STOP=1")
                .arg("-f")
                .arg(file)
                .arg(&db.url)
                .output()
                .expect("psql (postgresql-client) is needed");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            (Store::connect(&db.url).await.unwrap(), Some(db))
        }
    }
}

async fn counts(app: &TestApp, school_id: i64) -> ReportCounts {
    let from = datetime!(2026-01-01 00:00 UTC).unix_timestamp();
    let to = datetime!(2026-04-01 00:00 UTC).unix_timestamp();
    app.store
        .report_counts(&[school_id], from, to, "2027-02-01")
        .await
        .unwrap()
}

async fn a_purged_letter_cannot_be_read_from_a_backup_taken_before(app: TestApp) {
    setup(&app).await;
    let school = app.store.unit_by_slug("school-9").await.unwrap();
    app.clock.set(datetime!(2026-01-10 05:00 UTC));
    let gone = letter(&app, "Purged secret letter Q7ZX").await;
    let same_month = letter(&app, "Same month survivor").await;
    app.clock.set(datetime!(2026-02-15 05:00 UTC));
    let other = letter(&app, "Other month survivor").await;
    let mut sp = app.client();
    sp.login("sp").await;
    app.clock.set(datetime!(2026-01-10 06:00 UTC));
    // The author is told of the answer by mail: the outbox keeps the address sealed.
    let res = act(
        &mut sp,
        gone,
        "answer",
        &[
            ("kind", "personal"),
            ("text", "We will talk in person."),
            ("send_email", "1"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(mails_to(&app, "answer", "bakyt@example.kg").await.len(), 1);
    let res = act(&mut sp, gone, "reply", &[("text", "Staff reply secret R8")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = act(&mut sp, gone, "status", &[("status", "closed")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let before = counts(&app, school.id).await;
    assert_eq!(before.total, 3);

    // A year and a day later: due.
    app.clock.set(datetime!(2027-01-10 08:00 UTC));
    let today = date!(2027 - 01 - 10);
    let listed = due(&app.state, today).await.unwrap();
    assert_eq!(
        listed.iter().map(|d| d.appeal_id).collect::<Vec<_>>(),
        vec![gone]
    );
    assert!(!listed[0].held);
    // Listing changed nothing.
    assert_eq!(
        read_text(&app.state, school.id, gone).await.unwrap(),
        "Purged secret letter Q7ZX"
    );
    let history_before = app.store.key_history(gone).await.unwrap();
    assert_eq!(
        history_before
            .iter()
            .map(|b| b.label.as_str())
            .collect::<Vec<_>>(),
        vec!["open:2026-01", "expires:2027-01-10"]
    );

    let file = backup(&app).await;
    let report = run_purge(&app.state, today).await.unwrap();
    assert_eq!(report.destroyed, vec![format!("school-9 2026/1")]);
    assert_eq!(report.buckets_destroyed, 2);

    // The live database: the contents are gone, the journal row stays and the chains verify.
    let a = app.store.appeal(school.id, gone).await.unwrap();
    assert!(a.text_enc.is_empty() && a.data_key.is_empty() && a.contact_enc.is_none());
    assert_eq!(
        (a.journal_year, a.journal_seq, a.category.as_str()),
        (2026, 1, "violence")
    );
    assert!(
        app.store
            .messages(gone)
            .await
            .unwrap()
            .iter()
            .all(|m| m.body_enc.is_empty())
    );
    assert!(
        app.store
            .journal_of(school.id, gone)
            .await
            .unwrap()
            .iter()
            .all(|e| e.payload_enc.is_none())
    );
    let dump = raw_dump(&app).await;
    for secret in [
        "Purged secret letter Q7ZX",
        "Staff reply secret R8",
        "Бакыт",
        "bakyt@example.kg",
    ] {
        assert!(!dump.contains(secret), "{secret} is in the live database");
    }
    // The author's mail: its address is erased with the case, and it is never sent.
    let mail = app
        .store
        .all_mails()
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.kind == "answer")
        .unwrap();
    assert_eq!(mail.recipient_enc, None);
    assert!(mail.sent_at.is_none() && mail.attempts >= trustbox_store::MAX_MAIL_ATTEMPTS);
    assert!(app.store.verify_journal_chains().await.unwrap().is_ok());
    assert!(app.store.verify_audit_chain().await.unwrap().is_ok());
    assert_eq!(
        counts(&app, school.id).await,
        before,
        "past counts do not change"
    );
    sp.login("sp").await; // the session expired meanwhile
    let res = sp.get(&format!("/staff/s/school-9/appeals/{gone}")).await;
    assert_eq!(res.status, StatusCode::GONE);
    assert!(
        res.body.contains("destroyed after its keeping time") || res.body.contains("жок кылынган"),
        "{}",
        res.body
    );
    let journal = sp
        .get("/staff/s/school-9/journal?from=2026-01-01&to=2026-12-31")
        .await;
    assert_eq!(journal.status, StatusCode::OK);
    assert!(
        journal.body.contains("10.01.2027"),
        "the journal says when it was destroyed"
    );
    // The survivors still open, also the one whose bucket was destroyed (moved to a new one).
    assert_eq!(
        read_text(&app.state, school.id, same_month).await.unwrap(),
        "Same month survivor"
    );
    assert_eq!(
        read_text(&app.state, school.id, other).await.unwrap(),
        "Other month survivor"
    );
    // Every bucket that ever wrapped the purged key is destroyed, in the DB and in the keyring.
    for b in app.store.key_history(gone).await.unwrap() {
        assert!(b.destroyed_at.is_some(), "{}", b.label);
        assert!(matches!(
            app.state.keys.bucket(b.id),
            Err(CryptoError::BucketMissing { .. })
        ));
    }
    // The audit log records the destruction.
    assert_eq!(
        app.store
            .raw_execute("UPDATE audit_log SET id = id WHERE action = 'appeal-destroyed'")
            .await
            .unwrap(),
        1
    );

    // The backup taken before: restored with the same master key and the current keyring.
    let (old, _keep) = restore(&app, &file).await;
    let restored = same_keys(&app, old, 365);
    let a = restored.store.appeal(school.id, gone).await.unwrap();
    assert!(
        !a.text_enc.is_empty(),
        "the backup still holds the ciphertext"
    );
    let err = read_text(&restored, school.id, gone).await.unwrap_err();
    assert!(matches!(err, CryptoError::BucketMissing { .. }), "{err:?}");
    // Its outbox row still holds the sealed address, which no key opens any more.
    for m in restored.store.all_mails().await.unwrap() {
        let to = trustbox_web::mail::open_recipient(&restored.store, &restored.keys, &m)
            .await
            .unwrap();
        assert_eq!(to, None, "{m:?}");
    }
    for b in restored.store.key_history(gone).await.unwrap() {
        assert!(
            restored.keys.bucket(b.id).is_err(),
            "bucket {} survived",
            b.label
        );
    }
    assert_eq!(
        read_text(&restored, school.id, other).await.unwrap(),
        "Other month survivor"
    );
    // The survivor of the same month: its bucket is gone, its own keyring entry opens it.
    assert_eq!(
        read_text(&restored, school.id, same_month).await.unwrap(),
        "Same month survivor"
    );
    let _ = std::fs::remove_file(&file);
}

/// Letters over three months, a legal hold, a retention change, backups taken at several
/// moments; one case is purged, later a second. Every backup, restored into a fresh database
/// with the current master key and keyring, opens every letter still live in production and no
/// purged one; settling it erases what was destroyed since and lets new letters in.
async fn backups_of_any_age_open_every_live_letter_and_no_purged_one(app: TestApp) {
    setup(&app).await;
    let school = app.store.unit_by_slug("school-9").await.unwrap();
    app.clock.set(datetime!(2026-01-10 05:00 UTC));
    let jan1 = letter(&app, "January first").await;
    let jan2 = letter(&app, "January purged").await;
    app.clock.set(datetime!(2026-02-12 05:00 UTC));
    let feb_held = letter(&app, "February held").await;
    let feb_open = letter(&app, "February open").await;
    app.clock.set(datetime!(2026-03-05 05:00 UTC));
    let mar = letter(&app, "March closed later").await;
    let early = backup(&app).await; // every letter open, in its month's bucket
    app.clock.set(datetime!(2026-03-06 05:00 UTC));
    let mut sp = app.client();
    sp.login("sp").await;
    close(&mut sp, jan2, "reply one").await;
    close(&mut sp, feb_held, "reply two").await;
    let res = act(
        &mut sp,
        feb_held,
        "hold",
        &[("op", "set"), ("text", "Police inquiry")],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    app.clock.set(datetime!(2026-06-01 05:00 UTC));
    sp.login("sp").await;
    close(&mut sp, mar, "reply three").await;
    let closed = backup(&app).await; // closed ones in their expiry-day buckets
    // The installation keeps closed cases 400 days from now on: the job re-buckets.
    let longer = same_keys(&app, app.store.clone(), 400);
    assert_eq!(rebucket_closed(&longer).await.unwrap(), 3);
    let rebucketed = backup(&app).await;

    // 400 days after 2026-03-06: the January letter is purged, the held one kept.
    app.clock.set(datetime!(2027-04-12 05:00 UTC));
    let report = run_purge(&longer, date!(2027 - 04 - 12)).await.unwrap();
    assert_eq!(report.destroyed.len(), 1, "{report:?}");
    assert_eq!(report.held.len(), 1, "{report:?}");
    let live = [
        (jan1, "January first"),
        (feb_held, "February held"),
        (feb_open, "February open"),
        (mar, "March closed later"),
    ];
    for (id, text) in live {
        assert_eq!(read_text(&longer, school.id, id).await.unwrap(), text);
    }
    assert!(read_text(&longer, school.id, jan2).await.is_err());

    for file in [&early, &closed, &rebucketed] {
        let (old, _keep) = restore(&app, file).await;
        let restored = same_keys(&app, old, 400);
        for (id, text) in live {
            assert_eq!(
                read_text(&restored, school.id, id).await.unwrap(),
                text,
                "{text} from {}",
                file.display()
            );
        }
        assert!(
            read_text(&restored, school.id, jan2).await.is_err(),
            "the purged letter opens from {}",
            file.display()
        );
        // Settling: the purged letter's remains are erased, survivors still open, and a new
        // letter of a month whose bucket is gone gets a fresh one.
        assert!(settle(&restored).await.unwrap() > 0);
        let a = restored.store.appeal(school.id, jan2).await.unwrap();
        let (_, _, destroyed) = restored.store.retention_of(school.id, jan2).await.unwrap();
        assert!(destroyed.is_some() && a.text_enc.is_empty());
        for (id, text) in live {
            assert_eq!(read_text(&restored, school.id, id).await.unwrap(), text);
        }
        let b = bucket_for(&restored, "open:2026-01", app.state.clock.now_ts())
            .await
            .unwrap();
        assert!(restored.keys.keyring.has_bucket(b.id()));
    }

    // Later the January survivor is closed and purged too: from then on no backup opens it,
    // not even through the keyring entry that kept it readable so far.
    app.clock.set(datetime!(2027-04-13 05:00 UTC));
    sp.login("sp").await;
    close(&mut sp, jan1, "reply four").await;
    app.clock.set(datetime!(2028-05-20 05:00 UTC));
    let report = run_purge(&longer, date!(2028 - 05 - 20)).await.unwrap();
    assert!(report.destroyed.len() >= 2, "{report:?}");
    for file in [&early, &closed, &rebucketed] {
        let (old, _keep) = restore(&app, file).await;
        let restored = same_keys(&app, old, 400);
        for id in [jan1, jan2] {
            assert!(read_text(&restored, school.id, id).await.is_err());
        }
        for (id, text) in [(feb_held, "February held"), (feb_open, "February open")] {
            assert_eq!(read_text(&restored, school.id, id).await.unwrap(), text);
        }
        let _ = std::fs::remove_file(file);
    }
}

async fn a_hold_stops_the_purge_and_is_refused_clearly(app: TestApp) {
    setup(&app).await;
    let school = app.store.unit_by_slug("school-9").await.unwrap();
    app.clock.set(datetime!(2026-03-02 05:00 UTC));
    let id = letter(&app, "Held letter").await;
    let mut sp = app.client();
    sp.login("sp").await;
    close(&mut sp, id, "reply").await;
    // A hold needs a reason; the form comes back with the error.
    let res = act(&mut sp, id, "hold", &[("op", "set"), ("text", "  ")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body.contains("Say why the case is held"),
        "{}",
        res.body
    );
    let res = act(
        &mut sp,
        id,
        "hold",
        &[("op", "set"), ("text", "Court case 12/2026")],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = sp.get(&format!("/staff/s/school-9/appeals/{id}")).await;
    assert!(page.body.contains("Court case 12/2026") && page.body.contains("On legal hold"));
    assert!(
        !page.body.contains("id=\"destroy-form\""),
        "not offered before its time"
    );
    // Before its time, destroying is refused with the date it is kept until.
    let res = act(&mut sp, id, "destroy", &[]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body.contains("On legal hold") || res.body.contains("legal hold"),
        "{}",
        res.body
    );

    app.clock.set(datetime!(2027-06-01 05:00 UTC));
    let today = date!(2027 - 06 - 01);
    sp.login("sp").await; // the session expired meanwhile
    let page = sp.get(&format!("/staff/s/school-9/appeals/{id}")).await;
    assert!(
        page.body.contains("id=\"destroy-form\""),
        "offered once due"
    );
    let r = run_purge(&app.state, today).await.unwrap();
    assert!(r.destroyed.is_empty());
    assert_eq!(r.held, vec!["school-9 2026/1".to_string()]);
    assert!(due(&app.state, today).await.unwrap()[0].held);
    assert_eq!(
        read_text(&app.state, school.id, id).await.unwrap(),
        "Held letter"
    );
    let res = act(&mut sp, id, "destroy", &[]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("This case is on legal hold and was not destroyed"),
        "{}",
        res.body
    );
    assert_eq!(
        read_text(&app.state, school.id, id).await.unwrap(),
        "Held letter"
    );
    // Lifted: destroying now works, by hand.
    let res = act(&mut sp, id, "hold", &[("op", "lift")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = act(&mut sp, id, "destroy", &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(read_text(&app.state, school.id, id).await.is_err());
    let n = app
        .store
        .raw_execute("UPDATE audit_log SET id = id WHERE action IN ('legal-hold-placed', 'legal-hold-lifted', 'appeal-destroyed')")
        .await
        .unwrap();
    assert_eq!(n, 3);
    assert!(app.store.verify_journal_chains().await.unwrap().is_ok());
}

async fn retention_changes_and_old_keys_move_to_buckets(app: TestApp) {
    setup(&app).await;
    let school = app.store.unit_by_slug("school-9").await.unwrap();
    app.clock.set(datetime!(2026-03-02 05:00 UTC));
    let closed = letter(&app, "Closed letter").await;
    let open = letter(&app, "Open letter").await;
    let mut sp = app.client();
    sp.login("sp").await;
    close(&mut sp, closed, "reply").await;
    let label = |store: Store, id: i64| async move {
        store
            .key_history(id)
            .await
            .unwrap()
            .into_iter()
            .map(|b| b.label)
            .collect::<Vec<_>>()
    };
    let mut labels = label(app.store.clone(), closed).await;
    labels.sort();
    assert_eq!(labels, vec!["expires:2027-03-02", "open:2026-03"]);
    // The installation keeps closed cases 30 days from now on: the job re-buckets.
    let short = same_keys(&app, app.store.clone(), 30);
    assert_eq!(rebucket_closed(&short).await.unwrap(), 1);
    assert_eq!(rebucket_closed(&short).await.unwrap(), 0, "idempotent");
    let now_in = app
        .store
        .live_bucket("expires:2026-04-01")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        app.store.appeals_in_bucket(now_in).await.unwrap()[0].id,
        closed
    );
    assert!(
        label(app.store.clone(), closed)
            .await
            .contains(&"expires:2026-04-01".to_string())
    );
    assert_eq!(
        read_text(&short, school.id, closed).await.unwrap(),
        "Closed letter"
    );
    // Not due on 2026-03-31, due on 2026-04-01.
    assert!(due(&short, date!(2026 - 03 - 31)).await.unwrap().is_empty());
    assert_eq!(due(&short, date!(2026 - 04 - 01)).await.unwrap().len(), 1);

    // An older installation: the open letter's key wrapped by the master key directly.
    let a = app.store.appeal(school.id, open).await.unwrap();
    let dk = app
        .state
        .keys
        .unwrap_data_key(&a.data_key, &key_aad(school.id, open))
        .unwrap();
    let legacy = dk.wrap(&MasterKey::for_tests(7), &key_aad(school.id, open));
    let hex: String = legacy.iter().map(|b| format!("{b:02x}")).collect();
    let lit = match app._db.backend {
        Backend::Sqlite => format!("X'{hex}'"),
        Backend::Postgres => format!("'\\x{hex}'::bytea"),
    };
    app.store
        .raw_execute(&format!(
            "UPDATE appeals SET data_key = {lit}, key_bucket_id = NULL WHERE id = {open}"
        ))
        .await
        .unwrap();
    assert_eq!(
        read_text(&app.state, school.id, open).await.unwrap(),
        "Open letter"
    );
    assert_eq!(migrate_legacy_keys(&app.state).await.unwrap(), 1);
    assert_eq!(
        migrate_legacy_keys(&app.state).await.unwrap(),
        0,
        "idempotent"
    );
    let a = app.store.appeal(school.id, open).await.unwrap();
    assert_eq!(
        trustbox_crypto::wrapped_by(&a.data_key),
        trustbox_crypto::WrappedBy::Bucket(
            app.store
                .live_bucket("open:2026-03")
                .await
                .unwrap()
                .unwrap()
        )
    );
    assert_eq!(
        read_text(&app.state, school.id, open).await.unwrap(),
        "Open letter"
    );
    // A process whose master key was rotated away writes no keyring entry (it would be lost).
    app.clock.set(datetime!(2026-05-04 05:00 UTC));
    app.store
        .set_meta("key_fingerprint", "00000000")
        .await
        .unwrap();
    let mut c = app.client();
    let res = c
        .post_multipart(
            "/ky/school-9/write",
            &[
                ("author", "pupil"),
                ("category", "violence"),
                ("text", "x"),
                ("answer_via", "board"),
            ],
            &[],
        )
        .await;
    assert!(res.status.is_server_error(), "{}", res.status);
    assert!(
        app.store
            .live_bucket("open:2026-05")
            .await
            .unwrap()
            .is_none()
    );
    let fp = MasterKey::for_tests(7).fingerprint();
    app.store.set_meta("key_fingerprint", &fp).await.unwrap();
    let id = letter(&app, "May letter").await;
    assert_eq!(
        read_text(&app.state, school.id, id).await.unwrap(),
        "May letter"
    );
    let _ = Arc::clone(&app.clock);
}

/// Intake keeps the month's bucket (id and key) in memory for a while. When another instance
/// retires it meanwhile, the next letter finds out inside its transaction, is wrapped again in
/// a fresh bucket and registered: the author gets a receipt, nothing is lost. Destroying a
/// bucket through this instance forgets its key at once.
async fn a_bucket_retired_by_another_instance_is_replaced_at_the_next_letter(app: TestApp) {
    setup(&app).await;
    let school = app.store.unit_by_slug("school-9").await.unwrap();
    let bucket_of = |key: &[u8]| match wrapped_by(key) {
        WrappedBy::Bucket(b) => b,
        other => panic!("not in a bucket: {other:?}"),
    };
    let first = letter(&app, "first letter").await;
    let b1 = bucket_of(&app.store.appeal(school.id, first).await.unwrap().data_key);
    // Another instance's purge retires it (this instance still has it cached).
    let now = app.state.clock.now_ts();
    app.store.retire_bucket(b1, now).await.unwrap();
    let second = letter(&app, "second letter").await;
    let b2 = bucket_of(&app.store.appeal(school.id, second).await.unwrap().data_key);
    assert_ne!(b1, b2, "the retired bucket must not wrap a new key");
    let label = trustbox_web::retention::open_label(now);
    assert_eq!(app.store.live_bucket(&label).await.unwrap(), Some(b2));
    assert_eq!(
        read_text(&app.state, school.id, second).await.unwrap(),
        "second letter"
    );
    // The first is still readable (its bucket is retired, not destroyed) …
    assert_eq!(
        read_text(&app.state, school.id, first).await.unwrap(),
        "first letter"
    );
    // … until the bucket is destroyed: then its key is gone from memory too.
    app.state.keys.destroy_bucket(b1).unwrap();
    assert!(matches!(
        app.state.keys.bucket(b1),
        Err(CryptoError::BucketMissing { .. })
    ));
    assert!(read_text(&app.state, school.id, first).await.is_err());
}
