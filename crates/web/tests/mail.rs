//! E-mail against a real SMTP server (aiosmtpd on loopback, `tests/smtp_sink.py`), on SQLite and
//! PostgreSQL: delivery with UTF-8 intact, an outage that loses nothing and recovers, two workers
//! that never send a mail twice, and the administrator's outgoing-mail page.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[allow(dead_code, unused_imports)]
#[path = "it/support.rs"]
mod support;

#[path = "common/smtp.rs"]
mod smtp;

use std::collections::BTreeSet;

use axum::Router;
use axum::http::StatusCode;
use smtp::{Sink, free_port};
use support::TestApp;
use trustbox_store::{MailCounts, NewMail, Store};
use trustbox_web::Clock;
use trustbox_web::mail::{MailConfig, Mailer, deliver_due, mail_admin};

/// Runs the test body on both backends, on a multi-threaded runtime.
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(crate::support::TestApp::spawn(trustbox_store::Backend::Sqlite).await).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(crate::support::TestApp::spawn(trustbox_store::Backend::Postgres).await).await;
            }
        }
    )*};
}

both_backends!(
    delivers_each_mail_once_with_utf8_intact,
    outage_loses_nothing_and_recovers,
    two_workers_never_send_a_mail_twice,
    admin_page_shows_undelivered_mail_without_its_text
);

const SUBJECT: &str = "Новое обращение № 2026-7";
const BODY: &str = "Здравствуйте!\nПоступило новое обращение № 2026-7. Срок ответа — 23.03.2026.\nКыргызча/қазақша: ә ө ү ң ғ қ ұ һ і\n";
const PASSWORD: &str = "Sm7p-Secret-Pw";

fn mailer(url: String) -> Mailer {
    Mailer::new(&MailConfig {
        url,
        from: "Trustbox <trustbox@school.example>".into(),
    })
    .unwrap()
}

fn notice(app: &TestApp, recipient: &str, subject: &str, body: &str) -> NewMail {
    trustbox_web::mail::for_staff(
        &app.state.keys,
        NewMail {
            school_id: None,
            kind: "appeal-new".into(),
            recipient: recipient.into(),
            subject: subject.into(),
            body: body.into(),
            ..NewMail::default()
        },
    )
}

fn field<'a>(m: &'a serde_json::Value, k: &str) -> &'a str {
    m[k].as_str().unwrap_or_default()
}

async fn delivers_each_mail_once_with_utf8_intact(app: TestApp) {
    let port = free_port();
    let sink = Sink::start(port);
    let mailer = mailer(format!("smtp://127.0.0.1:{port}"));
    let now = app.clock.now_ts();
    app.store
        .queue_mail(&notice(&app, "director@school.example", SUBJECT, BODY), now)
        .await
        .unwrap();
    app.store
        .queue_mail(
            &notice(
                &app,
                "deputy@school.example",
                "Reminder: 1 appeal is due tomorrow",
                "Open Trustbox to answer it.\n",
            ),
            now,
        )
        .await
        .unwrap();

    let report = deliver_due(&app.store, &app.state.keys, &mailer, now)
        .await
        .unwrap();
    assert_eq!(
        (report.claimed, report.sent, report.failed),
        (2, 2, 0),
        "{report:?}"
    );

    let got = sink.mails();
    assert_eq!(got.len(), 2, "{got:?}");
    let m = got
        .iter()
        .find(|m| m["rcpt_tos"][0] == "director@school.example")
        .expect("the director's mail arrived");
    assert_eq!(field(m, "subject"), SUBJECT);
    assert_eq!(field(m, "body").replace("\r\n", "\n"), BODY);
    assert_eq!(field(m, "content_type"), "text/plain");
    assert_eq!(field(m, "charset").to_lowercase(), "utf-8");
    assert_eq!(field(m, "mail_from"), "trustbox@school.example");
    assert!(field(m, "from").contains("trustbox@school.example"), "{m}");
    assert!(field(m, "to").contains("director@school.example"), "{m}");
    assert!(field(m, "message_id").ends_with("@school.example>"), "{m}");
    assert!(
        field(m, "date").contains("16 Mar 2026"),
        "the Date comes from the clock: {m}"
    );
    let other = got
        .iter()
        .find(|m| m["rcpt_tos"][0] == "deputy@school.example")
        .expect("the deputy's mail arrived");
    assert_eq!(
        field(other, "subject"),
        "Reminder: 1 appeal is due tomorrow"
    );
    assert_ne!(field(m, "message_id"), field(other, "message_id"));

    for row in app.store.all_mails().await.unwrap() {
        assert_eq!(
            (row.sent_at, row.attempts, row.last_error),
            (Some(now), 1, None)
        );
    }
    assert_eq!(
        app.store.mail_counts().await.unwrap(),
        MailCounts {
            pending: 0,
            failed_permanently: 0,
            sent: 2
        }
    );

    // Nothing is sent twice, however often the worker comes round.
    app.clock.advance(time::Duration::hours(5));
    let again = deliver_due(&app.store, &app.state.keys, &mailer, app.clock.now_ts())
        .await
        .unwrap();
    assert_eq!(again.claimed, 0);
    assert_eq!(sink.mails().len(), 2);
}

async fn outage_loses_nothing_and_recovers(app: TestApp) {
    let port = free_port(); // nothing listens here yet
    let mailer = mailer(format!("smtp://mailer:{PASSWORD}@127.0.0.1:{port}"));
    let t0 = app.clock.now_ts();
    app.store
        .queue_mail(&notice(&app, "director@school.example", SUBJECT, BODY), t0)
        .await
        .unwrap();

    let report = deliver_due(&app.store, &app.state.keys, &mailer, t0)
        .await
        .unwrap();
    assert_eq!(
        (report.claimed, report.sent, report.failed),
        (1, 0, 1),
        "{report:?}"
    );
    let row = app.store.all_mails().await.unwrap().remove(0);
    assert_eq!(row.attempts, 1);
    assert_eq!(row.sent_at, None);
    assert_eq!(row.next_attempt_at, t0 + 60, "first retry after a minute");
    let err = row.last_error.clone().unwrap_or_default();
    assert!(!err.is_empty() && !err.contains('\n'), "{err:?}");
    assert!(
        !err.contains(PASSWORD) && !err.contains("director@"),
        "{err:?}"
    );
    assert_eq!(report.last_error.as_deref(), Some(err.as_str()));
    assert_eq!(
        app.store.mail_counts().await.unwrap(),
        MailCounts {
            pending: 1,
            failed_permanently: 0,
            sent: 0
        }
    );

    // Before the back-off ends, the mail is left alone.
    app.clock.advance(time::Duration::seconds(30));
    assert_eq!(
        deliver_due(&app.store, &app.state.keys, &mailer, app.clock.now_ts())
            .await
            .unwrap()
            .claimed,
        0
    );

    // Still down a minute later: the pause doubles.
    app.clock.advance(time::Duration::seconds(30));
    let t1 = app.clock.now_ts();
    assert_eq!(
        deliver_due(&app.store, &app.state.keys, &mailer, t1)
            .await
            .unwrap()
            .failed,
        1
    );
    let row = app.store.all_mails().await.unwrap().remove(0);
    assert_eq!((row.attempts, row.next_attempt_at), (2, t1 + 120));

    // The server comes back; after the pause the same mail goes out, logged in as configured.
    let sink = Sink::start(port);
    app.clock.advance(time::Duration::seconds(121));
    let t2 = app.clock.now_ts();
    let report = deliver_due(&app.store, &app.state.keys, &mailer, t2)
        .await
        .unwrap();
    assert_eq!((report.sent, report.failed), (1, 0), "{report:?}");
    let got = sink.mails();
    assert_eq!(got.len(), 1);
    assert_eq!(field(&got[0], "subject"), SUBJECT);
    assert_eq!(field(&got[0], "body").replace("\r\n", "\n"), BODY);
    assert_eq!(field(&got[0], "auth_login"), "mailer");
    let row = app.store.all_mails().await.unwrap().remove(0);
    assert_eq!(
        (row.sent_at, row.attempts, row.last_error),
        (Some(t2), 3, None)
    );
}

async fn two_workers_never_send_a_mail_twice(app: TestApp) {
    let port = free_port();
    let sink = Sink::start(port);
    let now = app.clock.now_ts();
    for n in 0..12 {
        app.store
            .queue_mail(
                &notice(
                    &app,
                    &format!("staff{n}@school.example"),
                    &format!("Обращение {n}"),
                    BODY,
                ),
                now,
            )
            .await
            .unwrap();
    }
    // Two instances: their own connections to the same database, their own SMTP clients.
    let other = Store::connect(&app._db.url).await.unwrap();
    let (a, b) = (
        mailer(format!("smtp://127.0.0.1:{port}")),
        mailer(format!("smtp://127.0.0.1:{port}")),
    );
    let (ra, rb) = tokio::join!(
        deliver_due(&app.store, &app.state.keys, &a, now),
        deliver_due(&other, &app.state.keys, &b, now)
    );
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!(ra.sent + rb.sent, 12, "{ra:?} {rb:?}");
    let got = sink.mails();
    assert_eq!(got.len(), 12, "each mail exactly once");
    let recipients: BTreeSet<String> = got
        .iter()
        .map(|m| m["rcpt_tos"][0].as_str().unwrap().to_string())
        .collect();
    assert_eq!(recipients.len(), 12);
    assert_eq!(
        app.store.mail_counts().await.unwrap(),
        MailCounts {
            pending: 0,
            failed_permanently: 0,
            sent: 12
        }
    );
    other.close().await;
}

async fn admin_page_shows_undelivered_mail_without_its_text(mut app: TestApp) {
    // Until the route is registered in the router, mount the handler here.
    if !trustbox_web::route_table()
        .iter()
        .any(|r| r.path == "/staff/admin/mail")
    {
        let page = Router::new()
            .route("/staff/admin/mail", axum::routing::get(mail_admin))
            .with_state(app.state.clone());
        app.router = page.merge(app.router.clone());
    }
    let kg = app.unit("kg", "country", None, "KG").await;
    let school = app.unit("school-a", "school", Some(&kg), "KG").await;
    app.user("admin", true, None).await;
    app.user("resp-a", false, Some(("responsible", &school)))
        .await;

    let mailer = mailer(format!(
        "smtp://mailer:{PASSWORD}@127.0.0.1:{}",
        free_port()
    ));
    let now = app.clock.now_ts();
    app.store
        .queue_mail(&notice(&app, "director@school.example", SUBJECT, BODY), now)
        .await
        .unwrap();
    deliver_due(&app.store, &app.state.keys, &mailer, now)
        .await
        .unwrap();
    let err = app.store.all_mails().await.unwrap()[0]
        .last_error
        .clone()
        .unwrap();

    let mut c = app.client();
    c.login("admin").await;
    let res = c.get("/staff/admin/mail").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("<h1>"));
    assert_eq!(res.by_id("mail-pending").as_deref(), Some("1"));
    assert_eq!(res.by_id("mail-sent").as_deref(), Some("0"));
    assert!(
        res.body.contains("d•••@school.example") && !res.body.contains("director@"),
        "the recipient is listed, masked"
    );
    // Nor does the database hold the address in clear.
    assert!(
        !crate::support::raw_dump(&app)
            .await
            .contains("director@school.example"),
        "the address is sealed in the outbox"
    );
    assert!(res.body.contains("appeal-new"), "the kind is listed");
    assert_eq!(
        res.by_id("mail-last-error").as_deref(),
        Some(err.as_str()),
        "the last SMTP error is shown"
    );
    assert!(
        !res.body.contains("Здравствуйте") && !res.body.contains("2026-7"),
        "neither subject nor body is shown"
    );
    assert!(!res.body.contains(PASSWORD));

    // Only installation administrators see it.
    let mut r = app.client();
    r.login("resp-a").await;
    let res = r.get("/staff/admin/mail").await;
    assert_ne!(res.status, StatusCode::OK);
    assert!(!res.body.contains("director@school.example"));
}

/// The background worker delivers on its own and keeps running after a failed round.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn worker_delivers_in_the_background() {
    let app = TestApp::spawn(trustbox_store::Backend::Sqlite).await;
    let port = free_port();
    let sink = Sink::start(port);
    app.store
        .queue_mail(
            &notice(&app, "director@school.example", SUBJECT, BODY),
            app.clock.now_ts(),
        )
        .await
        .unwrap();
    let worker = trustbox_web::mail::spawn_worker(
        app.state.clone(),
        mailer(format!("smtp://127.0.0.1:{port}")),
        std::time::Duration::from_millis(20),
    );
    // Wait (bounded) for the worker's round; no assumption about how soon it comes.
    // Delivered means received by the server *and* recorded as sent (the worker records it
    // right after the server accepts it).
    let delivered = tokio::time::timeout(std::time::Duration::from_secs(20), async {
        while sink.mails().is_empty()
            || app.store.mail_counts().await.map(|c| c.sent).unwrap_or(0) == 0
        {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(
        delivered.is_ok(),
        "the worker delivered nothing within 20 s"
    );
    assert!(!worker.is_finished(), "the worker keeps running");
    worker.abort();
    assert_eq!(sink.mails().len(), 1);
    assert_eq!(app.store.mail_counts().await.unwrap().sent, 1);
}
