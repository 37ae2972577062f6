//! Journal numbers across a year boundary and deadlines on the countries' working-day
//! calendars, through the API, on both databases.

use axum::http::StatusCode;
use time::OffsetDateTime;
use time::macros::datetime;

use crate::both;
use crate::support::TestApp;

both!(
    numbers_restart_on_the_first_of_january,
    school_year_numbering,
    deadlines_follow_the_calendar
);

async fn send(app: &TestApp, slug: &str, at: OffsetDateTime) -> serde_json::Value {
    app.clock.set(at);
    let mut c = app.client();
    let res = c
        .post_json(
            &format!("/api/v1/schools/{slug}/appeals"),
            r#"{"author":"pupil","category":"question","text":"a question"}"#,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    serde_json::from_str(&res.body).unwrap()
}

async fn numbers_restart_on_the_first_of_january(app: TestApp) {
    app.unit("school-9", "school", None, "KG").await;
    assert_eq!(
        send(&app, "school-9", datetime!(2026-12-31 10:00 UTC)).await["number"],
        "2026/1"
    );
    // 23:50 in Bishkek on 31 December is still 2026.
    assert_eq!(
        send(&app, "school-9", datetime!(2026-12-31 17:50 UTC)).await["number"],
        "2026/2"
    );
    // 00:10 in Bishkek on 1 January (still 31 December in UTC) starts 2027.
    assert_eq!(
        send(&app, "school-9", datetime!(2026-12-31 18:10 UTC)).await["number"],
        "2027/1"
    );
    assert_eq!(
        send(&app, "school-9", datetime!(2027-01-02 08:00 UTC)).await["number"],
        "2027/2"
    );
    // Another school counts on its own.
    app.unit("school-10", "school", None, "KG").await;
    assert_eq!(
        send(&app, "school-10", datetime!(2027-01-02 08:00 UTC)).await["number"],
        "2027/1"
    );
}

async fn school_year_numbering(app: TestApp) {
    let s = app.unit("school-9", "school", None, "KG").await;
    let mut settings = app.store.school_settings(s.id).await.unwrap();
    settings.numbering = "school:09-01".into();
    app.store.save_school_settings(&settings, 0).await.unwrap();
    // Saved behind the app's back (as by another instance): seen once its cache is dropped.
    app.state.caches.forget_school(s.id);
    assert_eq!(
        send(&app, "school-9", datetime!(2026-08-31 06:00 UTC)).await["number"],
        "2025/1"
    );
    assert_eq!(
        send(&app, "school-9", datetime!(2026-09-01 06:00 UTC)).await["number"],
        "2026/1"
    );
    assert_eq!(
        send(&app, "school-9", datetime!(2026-12-31 06:00 UTC)).await["number"],
        "2026/2"
    );
    assert_eq!(
        send(&app, "school-9", datetime!(2027-01-04 06:00 UTC)).await["number"],
        "2026/3",
        "no restart in January"
    );
}

async fn deadlines_follow_the_calendar(app: TestApp) {
    app.unit("kz-school", "school", None, "KZ").await;
    app.unit("kg-school", "school", None, "KG").await;
    // Nauryz 2026: Saturday 21 – Monday 23 March, the weekend days moved to 24 and 25 March.
    let v = send(&app, "kz-school", datetime!(2026-03-19 04:00 UTC)).await;
    assert_eq!(v["deadline"], "2026-03-31");
    // Independence Day in Kyrgyzstan, Monday 31 August 2026.
    let v = send(&app, "kg-school", datetime!(2026-08-28 04:00 UTC)).await;
    assert_eq!(v["deadline"], "2026-09-07");
    // Kazakhstan 2025: Friday 3 January off, Saturday 4 January worked instead; 7 January off.
    let v = send(&app, "kz-school", datetime!(2025-01-02 04:00 UTC)).await;
    assert_eq!(v["deadline"], "2025-01-10");
    // A plain week: Monday to Monday.
    let v = send(&app, "kg-school", datetime!(2026-11-16 04:00 UTC)).await;
    assert_eq!(v["deadline"], "2026-11-23");
    // The school's answer period (here 3 working days) is used.
    let s = app.store.unit_by_slug("kg-school").await.unwrap();
    let mut settings = app.store.school_settings(s.id).await.unwrap();
    settings.answer_days = 3;
    app.store.save_school_settings(&settings, 0).await.unwrap();
    // Saved behind the app's back (as by another instance): seen once its cache is dropped.
    app.state.caches.forget_school(s.id);
    let v = send(&app, "kg-school", datetime!(2026-11-16 04:00 UTC)).await;
    assert_eq!(v["deadline"], "2026-11-19");
}

both!(a_school_day_off_moves_the_deadline);

async fn a_school_day_off_moves_the_deadline(app: TestApp) {
    app.clock.set(datetime!(2026-11-16 04:00 UTC));
    let school = app.unit("kg-school", "school", None, "KG").await;
    app.user("sp", false, Some(("responsible", &school))).await;
    let mut c = app.client();
    c.login("sp").await;
    let page = c.get("/staff/s/kg-school/calendar").await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = page.input_value("csrf").unwrap();
    let res = c
        .post(
            "/staff/s/kg-school/calendar",
            &[
                ("csrf", &csrf),
                ("day", "not a date"),
                ("kind", "off"),
                ("note", "kept note"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("value=\"kept note\""));
    let res = c
        .post(
            "/staff/s/kg-school/calendar",
            &[
                ("csrf", &csrf),
                ("day", "2026-11-18"),
                ("kind", "off"),
                ("note", "quarantine"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("18.11.2026") && res.body.contains("quarantine"));
    let v = send(&app, "kg-school", datetime!(2026-11-16 04:00 UTC)).await;
    assert_eq!(v["deadline"], "2026-11-24", "the school's day off counts");
    let res = c
        .post(
            "/staff/s/kg-school/calendar",
            &[("csrf", &csrf), ("day", "2026-11-18"), ("kind", "remove")],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(
        !res.body.contains("quarantine"),
        "the school's change is gone"
    );
    let v = send(&app, "kg-school", datetime!(2026-11-16 04:00 UTC)).await;
    assert_eq!(v["deadline"], "2026-11-23");
}

both!(the_operator_logs_a_call);

async fn the_operator_logs_a_call(app: TestApp) {
    app.clock.set(datetime!(2026-11-16 10:00 UTC));
    let school = app.unit("kg-school", "school", None, "KG").await;
    app.user("operator", false, Some(("operator", &school)))
        .await;
    let mut c = app.client();
    c.login("operator").await;
    let page = c.get("/staff/s/kg-school/calls").await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = page.input_value("csrf").unwrap();
    // A call in the future and without content: refused, everything kept.
    let res = c
        .post(
            "/staff/s/kg-school/calls",
            &[
                ("csrf", &csrf),
                ("received_at", "2026-11-17T09:00"),
                ("author", "parent"),
                ("anonymous", "0"),
                ("name", "Жылдыз"),
                ("phone", "+996 700 11 22 33"),
                ("category", "violence"),
                ("text", ""),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body.contains("value=\"Жылдыз\"") && res.body.contains("value=\"+996 700 11 22 33\"")
    );
    assert!(res.body.contains("received_at-error") && res.body.contains("id=\"text-error\""));
    let res = c
        .post(
            "/staff/s/kg-school/calls",
            &[
                ("csrf", &csrf),
                ("received_at", "2026-11-16T15:30"),
                ("author", "parent"),
                ("anonymous", "0"),
                ("name", "Жылдыз"),
                ("phone", "+996 700 11 22 33"),
                ("category", "violence"),
                ("text", "Уулун мектептин жанында улуу балдар урушат"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert!(res.body.contains("2026/1"));
    let list = app
        .store
        .inbox(school.id, &Default::default(), 10, 0)
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].channel, "phone");
    assert_eq!(
        list[0].received_at,
        datetime!(2026-11-16 09:30 UTC).unix_timestamp(),
        "15:30 in Bishkek"
    );
    // The operator enters calls but does not read the letters.
    assert_eq!(
        c.get(&format!("/staff/s/kg-school/appeals/{}", list[0].id))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let inbox = c.get("/staff/s/kg-school/appeals").await;
    assert_eq!(inbox.status, StatusCode::NOT_FOUND);
}
