//! Staff contact settings, black-box over HTTP on SQLite and PostgreSQL, with mail delivered to a
//! real SMTP server (aiosmtpd on loopback, `tests/smtp_sink.py`): the administrator sets an
//! address in the new-user form and on a user's page and an urgent alert reaches it; a person
//! sets their own and sends themself a test (throttled); bad addresses are refused with the form
//! kept; a school that no responsible person can be alerted for is warned about.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[allow(dead_code, unused_imports)]
#[path = "it/support.rs"]
mod support;

#[path = "common/smtp.rs"]
mod smtp;

use axum::http::StatusCode;
use smtp::Sink;
use support::TestApp;
use trustbox_web::Clock;
use trustbox_web::mail::deliver_due;

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
    admin_sets_addresses_and_an_urgent_alert_reaches_them,
    own_address_and_a_test_mail_that_arrives,
    bad_addresses_are_refused_with_the_form_kept,
    warning_while_no_responsible_person_can_be_reached,
);

fn field<'a>(m: &'a serde_json::Value, k: &str) -> &'a str {
    m[k].as_str().unwrap_or_default()
}

/// Kyrgyzstan, school 9 with a responsible person `sp` (no address yet), and an administrator.
async fn setup(app: &TestApp) -> trustbox_store::Unit {
    let kg = app.unit("kg", "country", None, "KG").await;
    let school = app.unit("school-9", "school", Some(&kg), "KG").await;
    app.user("sp", false, Some(("responsible", &school))).await;
    app.user("admin", true, None).await;
    school
}

fn letter(text: &str) -> Vec<(&str, &str)> {
    vec![
        ("author", "pupil"),
        ("anonymous", "1"),
        ("category", "bullying"),
        ("text", text),
        ("written_on", ""),
        ("answer_via", "board"),
    ]
}

async fn admin_sets_addresses_and_an_urgent_alert_reaches_them(app: TestApp) {
    let school = setup(&app).await;
    let sink = Sink::start_free();
    let mut admin = app.client();
    admin.login("admin").await;
    let csrf = admin.csrf().await;

    // A new pedagogue with an address, from the new-user form.
    let form = admin.get("/staff/admin/users/new").await;
    assert!(form.body.contains("name=\"email\""), "{}", form.body);
    let res = admin
        .post(
            "/staff/admin/users/new",
            &[
                ("csrf", &csrf),
                ("username", "aigul"),
                ("display_name", "Айгүл Садыкова"),
                ("lang", "ky"),
                ("email", " aigul@school9.example "),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert!(
        res.body.contains("aigul@school9.example"),
        "the user page shows it"
    );
    let aigul = app.store.user_by_name("aigul").await.unwrap();
    assert_eq!(aigul.email.as_deref(), Some("aigul@school9.example"));
    app.store
        .add_grant(aigul.id, school.id, "responsible")
        .await
        .unwrap();

    // An existing responsible person's address, on the user's page.
    let sp = app.store.user_by_name("sp").await.unwrap();
    let page = admin.get(&format!("/staff/admin/users/{}", sp.id)).await;
    assert!(
        page.body
            .contains(&format!("/staff/admin/users/{}/contact", sp.id))
    );
    let res = admin
        .post(
            &format!("/staff/admin/users/{}/contact", sp.id),
            &[("csrf", &csrf), ("email", "sp@school9.example")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), format!("/staff/admin/users/{}", sp.id));

    // The list shows who can be reached and how, masked.
    let list = admin.get("/staff/admin/users").await;
    assert!(list.body.contains("a•••@school9.example"), "{}", list.body);
    assert!(list.body.contains("s•••@school9.example"), "{}", list.body);
    assert!(
        !list.body.contains("aigul@school9.example"),
        "masked in the list"
    );
    assert!(
        list.body.contains("none: cannot be reached"),
        "the administrator has no address"
    );

    // An urgent letter: both responsible people are alerted through the real SMTP server.
    let mut pupil = app.client();
    let res = pupil
        .post_multipart(
            "/ru/school-9/write",
            &letter("Я больше не могу, хочу покончить с собой"),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED);
    let report = deliver_due(
        &app.store,
        &app.state.keys,
        &sink.mailer(),
        app.clock.now_ts(),
    )
    .await
    .unwrap();
    assert_eq!((report.sent, report.failed), (2, 0), "{report:?}");
    for to in ["aigul@school9.example", "sp@school9.example"] {
        let got = sink.to(to);
        assert_eq!(got.len(), 1, "{to}: {got:?}");
        let body = field(&got[0], "body");
        assert!(body.contains("/staff/s/school-9/appeals/"), "{body}");
        assert!(!body.contains("покончить"), "no letter text in a mail");
    }

    // The audit log records that addresses were set, never the addresses.
    let audit = admin.get("/staff/admin/audit").await;
    assert!(audit.body.contains("user-email-set"), "{}", audit.body);
    assert!(!audit.body.contains("@school9.example"), "{}", audit.body);
}

async fn own_address_and_a_test_mail_that_arrives(app: TestApp) {
    setup(&app).await;
    let sink = Sink::start_free();
    let mut sp = app.client();
    sp.login("sp").await;
    let account = sp.get("/staff/account").await;
    assert!(account.body.contains("/staff/account/contact"));
    assert!(
        account.body.contains("cannot reach you"),
        "{}",
        account.body
    );
    let csrf = sp.csrf().await;

    // No address yet: no test button, and a forged test request is refused.
    let page = sp.get("/staff/account/contact").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("/staff/account/contact/test"));
    let res = sp
        .post("/staff/account/contact/test", &[("csrf", &csrf)])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body.contains("Save an e-mail address first"),
        "{}",
        res.body
    );

    let res = sp
        .post(
            "/staff/account/contact",
            &[("csrf", &csrf), ("email", "sp.new@school9.example")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/staff/account/contact?done=saved");
    let page = sp.get("/staff/account/contact?done=saved").await;
    assert!(page.body.contains("The address is saved"), "{}", page.body);
    assert!(page.body.contains("value=\"sp.new@school9.example\""));
    assert!(page.body.contains("/staff/account/contact/test"));

    // Send me a test: queued in the outbox, delivered by the worker's round.
    let res = sp
        .post("/staff/account/contact/test", &[("csrf", &csrf)])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/staff/account/contact?done=test");
    let sent = sp.get("/staff/account/contact?done=test").await;
    assert!(
        sent.body.contains("test mail is on its way"),
        "{}",
        sent.body
    );
    // A second one within the minute is refused, and nothing more is queued.
    app.clock.advance(time::Duration::seconds(30));
    let res = sp
        .post("/staff/account/contact/test", &[("csrf", &csrf)])
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(res.body.contains("Wait a minute"), "{}", res.body);
    let report = deliver_due(
        &app.store,
        &app.state.keys,
        &sink.mailer(),
        app.clock.now_ts(),
    )
    .await
    .unwrap();
    assert_eq!((report.sent, report.failed), (1, 0), "{report:?}");
    let got = sink.to("sp.new@school9.example");
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(field(&got[0], "subject"), "Trustbox: test message");
    assert!(
        field(&got[0], "body").contains("/staff/account/contact"),
        "{:?}",
        got[0]
    );
    // After the minute, another test may go.
    app.clock.advance(time::Duration::seconds(31));
    let res = sp
        .post("/staff/account/contact/test", &[("csrf", &csrf)])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    deliver_due(
        &app.store,
        &app.state.keys,
        &sink.mailer(),
        app.clock.now_ts(),
    )
    .await
    .unwrap();
    assert_eq!(sink.to("sp.new@school9.example").len(), 2);

    // Removing the address: nothing reaches the person, and the page says so.
    let res = sp
        .post(
            "/staff/account/contact",
            &[("csrf", &csrf), ("email", "  ")],
        )
        .await;
    assert_eq!(res.location(), "/staff/account/contact?done=removed");
    assert_eq!(app.store.user_by_name("sp").await.unwrap().email, None);
    let account = sp.get("/staff/account").await;
    assert!(
        account.body.contains("cannot reach you"),
        "{}",
        account.body
    );
}

async fn bad_addresses_are_refused_with_the_form_kept(app: TestApp) {
    setup(&app).await;
    let sp_user = app.store.user_by_name("sp").await.unwrap();
    app.store
        .set_user_email(sp_user.id, Some("sp@school9.example"))
        .await
        .unwrap();

    let mut sp = app.client();
    sp.login("sp").await;
    let csrf = sp.csrf().await;
    for bad in ["sp@school9", "sp school9.example", "@school9.example"] {
        let res = sp
            .post("/staff/account/contact", &[("csrf", &csrf), ("email", bad)])
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(
            res.body.contains("This is not an e-mail address"),
            "{}",
            res.body
        );
        assert!(res.body.contains("aria-invalid=\"true\""));
        let kept = format!("value=\"{}\"", bad.replace('@', "&#64;"));
        assert!(
            res.body.contains(&format!("value=\"{bad}\"")) || res.body.contains(&kept),
            "what was typed is kept: {}",
            res.body
        );
    }
    assert_eq!(
        app.store.user_by_name("sp").await.unwrap().email.as_deref(),
        Some("sp@school9.example"),
        "nothing changed"
    );

    let mut admin = app.client();
    admin.login("admin").await;
    let csrf = admin.csrf().await;
    let res = admin
        .post(
            "/staff/admin/users/new",
            &[
                ("csrf", &csrf),
                ("username", "aigul"),
                ("display_name", "Айгүл Садыкова"),
                ("lang", "ky"),
                ("email", "aigul@"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("This is not an e-mail address"));
    assert!(res.body.contains("value=\"aigul\""), "username kept");
    assert!(res.body.contains("Айгүл Садыкова"), "name kept");
    assert!(
        res.body.contains("value=\"aigul@\"") || res.body.contains("value=\"aigul&#64;\""),
        "address kept: {}",
        res.body
    );
    assert!(
        app.store.user_by_name("aigul").await.is_err(),
        "not created"
    );
    let res = admin
        .post(
            &format!("/staff/admin/users/{}/contact", sp_user.id),
            &[("csrf", &csrf), ("email", "x@@school9.example")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("This is not an e-mail address"));
    assert_eq!(
        app.store.user_by_name("sp").await.unwrap().email.as_deref(),
        Some("sp@school9.example"),
        "nothing changed"
    );
}

async fn warning_while_no_responsible_person_can_be_reached(app: TestApp) {
    let school = setup(&app).await;
    let kg = app.store.unit_by_slug("kg").await.unwrap();
    let other = app.unit("school-10", "school", Some(&kg), "KG").await;
    let director = app
        .user("director", false, Some(("director", &school)))
        .await;
    // A director's address does not make the school reachable: urgent letters go to the
    // responsible people.
    app.store
        .set_user_email(director.id, Some("director@school9.example"))
        .await
        .unwrap();
    let other_sp = app.user("sp10", false, Some(("responsible", &other))).await;
    app.store
        .set_user_email(other_sp.id, Some("sp10@school10.example"))
        .await
        .unwrap();

    let mut sp = app.client();
    sp.login("sp").await;
    let home = sp.get("/staff/s/school-9").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("id=\"unreachable\""), "{}", home.body);
    assert!(home.body.contains("href=\"/staff/account/contact\""));
    let mut admin = app.client();
    admin.login("admin").await;
    let dash = admin.get("/staff").await;
    assert!(dash.body.contains("id=\"unreachable\""), "{}", dash.body);
    assert!(dash.body.contains("/staff/s/school-9\""));
    assert!(
        !dash.body.contains("/staff/s/school-10\""),
        "school 10 can be reached"
    );
    let home10 = admin.get("/staff/s/school-10").await;
    assert!(!home10.body.contains("id=\"unreachable\""));

    // A disabled responsible person with an address does not count either.
    app.store
        .set_user_disabled(other_sp.id, true)
        .await
        .unwrap();
    let dash = admin.get("/staff").await;
    assert!(dash.body.contains("/staff/s/school-10\""), "{}", dash.body);

    // Once the responsible person of school 9 sets an address, its warning goes.
    let csrf = sp.csrf().await;
    let res = sp
        .post(
            "/staff/account/contact",
            &[("csrf", &csrf), ("email", "sp@school9.example")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let home = sp.get("/staff/s/school-9").await;
    assert!(!home.body.contains("id=\"unreachable\""), "{}", home.body);
    let dash = admin.get("/staff").await;
    assert!(!dash.body.contains("/staff/s/school-9\""), "{}", dash.body);
}
