//! The administrator never reads a letter: a role that can read letters, given by an
//! administrator, waits for the school's director or a second administrator; nobody confirms
//! their own. Also the token API's bounds on `received_at`, and roll-ups whose small counts
//! cannot be computed back from the total.

use axum::http::StatusCode;
use time::macros::datetime;

use crate::both;
use crate::support::{Client, TestApp};

both!(
    an_administrator_cannot_read_until_the_director_confirms,
    a_second_administrator_confirms_and_a_director_refuses,
    received_at_is_bounded_by_the_school_and_the_clock,
    rollup_small_counts_cannot_be_computed_from_the_total
);

/// Kyrgyz school A with its director (with a mail address) and one letter; returns the school,
/// the director and the letter's id.
async fn school_with_a_letter(app: &TestApp) -> (trustbox_store::Unit, trustbox_store::User, i64) {
    let kg = app.unit("kg", "country", None, "KG").await;
    let school = app.unit("school-a", "school", Some(&kg), "KG").await;
    let director = app
        .user("director", false, Some(("director", &school)))
        .await;
    app.store
        .set_user_email(director.id, Some("director@school-a.example"))
        .await
        .unwrap();
    let res = app
        .client()
        .post_json(
            "/api/v1/schools/school-a/appeals",
            r#"{"author":"pupil","category":"bullying","text":"the secret letter"}"#,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let id = app
        .store
        .inbox(school.id, &Default::default(), 10, 0)
        .await
        .unwrap()[0]
        .id;
    (school, director, id)
}

async fn grant(c: &mut Client<'_>, user: i64, role: &str, unit: i64) {
    let csrf = c.csrf().await;
    let res = c
        .post(
            &format!("/staff/admin/users/{user}/grants"),
            &[
                ("csrf", &csrf),
                ("op", "add"),
                ("role", role),
                ("unit", &unit.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

async fn decide(
    c: &mut Client<'_>,
    user: i64,
    role: &str,
    unit: i64,
    op: &str,
) -> crate::support::Res {
    let csrf = c.csrf().await;
    c.post(
        "/staff/grants",
        &[
            ("csrf", &csrf),
            ("user", &user.to_string()),
            ("role", role),
            ("unit", &unit.to_string()),
            ("op", op),
        ],
    )
    .await
}

async fn audit_actions(app: &TestApp) -> Vec<String> {
    app.store
        .audit_entries(None, 200)
        .await
        .unwrap()
        .into_iter()
        .map(|e| format!("{} {} {}", e.action, e.object, e.detail))
        .collect()
}

async fn an_administrator_cannot_read_until_the_director_confirms(app: TestApp) {
    let (school, director, letter) = school_with_a_letter(&app).await;
    let admin = app.user("admin", true, None).await;
    let mut a = app.client();
    a.login("admin").await;
    let appeal = format!("/staff/s/school-a/appeals/{letter}");
    // The administrator gives themselves the responsible role: it waits, and reads nothing.
    grant(&mut a, admin.id, "responsible", school.id).await;
    let page = a.get(&format!("/staff/admin/users/{}", admin.id)).await;
    assert!(
        page.body.contains("waiting for confirmation"),
        "{}",
        page.body
    );
    let res = a.get(&appeal).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(!res.body.contains("the secret letter"));
    assert_eq!(
        a.get("/staff/s/school-a/appeals").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        a.get("/staff/s/school-a/journal").await.status,
        StatusCode::NOT_FOUND
    );
    // Their own grant: listed with the reason, and refused when they try anyway.
    let list = a.get("/staff/grants").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body
            .contains("Nobody confirms or refuses a role given to themselves"),
        "{}",
        list.body
    );
    assert!(!list.body.contains("value=\"confirm\""));
    let res = decide(&mut a, admin.id, "responsible", school.id, "confirm").await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    assert!(
        res.body
            .contains("Nobody confirms or refuses a role given to themselves")
    );
    assert_eq!(a.get(&appeal).await.status, StatusCode::NOT_FOUND);

    // The director is told: a mail through the outbox, and their start page.
    let mails = app.store.all_mails().await.unwrap();
    let mail = mails
        .iter()
        .find(|m| m.kind == "grant-pending")
        .expect("a mail to the director");
    let to = trustbox_web::mail::open_recipient(&app.store, &app.state.keys, mail)
        .await
        .unwrap();
    assert_eq!(to.as_deref(), Some("director@school-a.example"));
    assert_eq!(
        mail.recipient, "d•••@school-a.example",
        "masked in the outbox"
    );
    assert!(mail.body.contains("/staff/grants"), "{}", mail.body);
    assert!(!mail.body.contains("the secret letter"));
    let mut d = app.client();
    d.login("director").await;
    let home = d.get("/staff").await;
    assert!(home.body.contains("id=\"grants-waiting\""), "{}", home.body);
    let list = d.get("/staff/grants").await;
    assert!(list.body.contains("admin name"), "{}", list.body);
    assert!(list.body.contains("value=\"confirm\""));
    // The director confirms: now the administrator reads as the school's responsible person.
    let res = decide(&mut d, admin.id, "responsible", school.id, "confirm").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = a.get(&appeal).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("the secret letter"));
    assert!(
        !d.get("/staff").await.body.contains("id=\"grants-waiting\""),
        "nothing waits any more"
    );
    // Deciding twice finds nothing.
    let res = decide(&mut d, admin.id, "responsible", school.id, "refuse").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let audit = audit_actions(&app).await;
    let who = format!("user:{}", admin.id);
    assert!(
        audit
            .iter()
            .any(|e| e == &format!("role-grant-requested {who} responsible")),
        "{audit:?}"
    );
    assert!(
        audit
            .iter()
            .any(|e| e == &format!("role-grant-confirmed {who} responsible; granted by {who}")),
        "{audit:?}"
    );
    let _ = director;
}

async fn a_second_administrator_confirms_and_a_director_refuses(app: TestApp) {
    let (school, _director, letter) = school_with_a_letter(&app).await;
    let admin1 = app.user("admin1", true, None).await;
    let admin2 = app.user("admin2", true, None).await;
    let newcomer = app.user("newcomer", false, None).await;
    let appeal = format!("/staff/s/school-a/appeals/{letter}");
    let mut a1 = app.client();
    a1.login("admin1").await;
    let mut a2 = app.client();
    a2.login("admin2").await;
    let mut n = app.client();
    n.login("newcomer").await;

    // admin1 gives the newcomer the responsible role: waiting, also on the newcomer's page.
    grant(&mut a1, newcomer.id, "responsible", school.id).await;
    assert_eq!(n.get(&appeal).await.status, StatusCode::NOT_FOUND);
    assert!(
        n.get("/staff")
            .await
            .body
            .contains("id=\"my-pending-grants\"")
    );
    let res = decide(&mut a1, newcomer.id, "responsible", school.id, "confirm").await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "not the one who gave it");
    assert!(res.body.contains("You gave this role yourself"));
    assert_eq!(
        decide(&mut n, newcomer.id, "responsible", school.id, "confirm")
            .await
            .status,
        StatusCode::NOT_FOUND,
        "the newcomer does not even see it"
    );
    // A second administrator confirms it.
    let res = decide(&mut a2, newcomer.id, "responsible", school.id, "confirm").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = n.get(&appeal).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("the secret letter"));

    // admin2 gives admin1 a role: admin1 cannot confirm a grant for themselves.
    grant(&mut a2, admin1.id, "commission", school.id).await;
    let res = decide(&mut a1, admin1.id, "commission", school.id, "confirm").await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(
        res.body
            .contains("Nobody confirms or refuses a role given to themselves")
    );

    // The director refuses it: the grant is gone, and it never allowed anything.
    let mut d = app.client();
    d.login("director").await;
    let res = decide(&mut d, admin1.id, "commission", school.id, "refuse").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(app.store.grants_of(admin1.id).await.unwrap().is_empty());
    assert!(
        audit_actions(&app)
            .await
            .iter()
            .any(|e| e.starts_with(&format!("role-grant-refused user:{} commission", admin1.id)))
    );
    // An analyst role reads no letter: in force at once, no confirmation.
    let district = app
        .unit(
            "d1",
            "district",
            Some(&app.store.unit_by_slug("kg").await.unwrap()),
            "KG",
        )
        .await;
    grant(&mut a1, newcomer.id, "analyst", district.id).await;
    assert!(
        app.store
            .grants_of(newcomer.id)
            .await
            .unwrap()
            .iter()
            .any(|g| g.role == "analyst" && !g.pending)
    );
    let _ = admin2;
}

async fn received_at_is_bounded_by_the_school_and_the_clock(app: TestApp) {
    let kg = app.unit("kg", "country", None, "KG").await;
    // A school created on 2026-02-01; the clock says 2026-03-16 09:00 UTC.
    let school = app
        .store
        .create_unit(
            &trustbox_store::NewUnit {
                parent_id: Some(kg.id),
                kind: "school".into(),
                slug: "new-school".into(),
                country: "KG".into(),
                name_ky: "Жаңы мектеп".into(),
                name_kk: String::new(),
                name_ru: String::new(),
                name_en: String::new(),
                default_lang: "ky".into(),
                time_zone: "Asia/Bishkek".into(),
            },
            datetime!(2026-02-01 00:00 UTC).unix_timestamp(),
        )
        .await
        .unwrap();
    app.store
        .create_api_token(&trustbox_crypto::token_hash("tb_pbx"), school.id, "PBX", 0)
        .await
        .unwrap();
    let mut c = app.client();
    let send = |at: &str| {
        format!(
            r#"{{"author":"other","category":"question","text":"call","channel":"phone","language":"en","received_at":"{at}"}}"#
        )
    };
    for (at, code) in [
        ("0001-01-01T00:00:00Z", "err-received-at-too-old"),
        // Before the school existed (and less than a year back).
        ("2026-01-31T23:00:00Z", "err-received-at-too-old"),
        ("2026-03-16T10:00:00Z", "err-received-at-future"),
        ("9999-12-31T23:59:59Z", "err-received-at-future"),
    ] {
        let res = c
            .post_json(
                "/api/v1/schools/new-school/appeals",
                &send(at),
                Some("tb_pbx"),
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{at}");
        let v: serde_json::Value = serde_json::from_str(&res.body).unwrap();
        assert_eq!(v["error"]["code"], code, "{at}");
        assert_eq!(v["error"]["field"], "received_at");
        assert!(
            v["error"]["message"].as_str().unwrap().contains("received"),
            "{}",
            res.body
        );
    }
    assert!(
        app.store
            .inbox(school.id, &Default::default(), 10, 0)
            .await
            .unwrap()
            .is_empty(),
        "nothing written"
    );
    // In bounds: accepted; a sender two minutes ahead is taken as now.
    for at in ["2026-02-01T00:00:00Z", "2026-03-16T09:02:00Z"] {
        let res = c
            .post_json(
                "/api/v1/schools/new-school/appeals",
                &send(at),
                Some("tb_pbx"),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{at}: {}", res.body);
    }
    let list = app
        .store
        .inbox(school.id, &Default::default(), 10, 0)
        .await
        .unwrap();
    let now = datetime!(2026-03-16 09:00 UTC).unix_timestamp();
    assert!(list.iter().all(|a| a.received_at <= now));
    // The same bounds for a voicemail.
    let audio = crate::phone::wav();
    let (ct, body) = crate::support::multipart(
        &[("received_at", "2024-01-01T00:00:00Z")],
        &[("audio", "m.wav", &audio)],
    );
    let req = axum::http::Request::post("/api/v1/schools/new-school/voicemail")
        .header(axum::http::header::CONTENT_TYPE, ct)
        .header(axum::http::header::AUTHORIZATION, "Bearer tb_pbx")
        .body(axum::body::Body::from(body))
        .unwrap();
    let res = tower::ServiceExt::oneshot(app.router.clone(), req)
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

/// A district with one school and 15 letters: bullying 1, violence 6, question 8. The "<5" of
/// bullying must not be recoverable as total − violence − question.
async fn rollup_small_counts_cannot_be_computed_from_the_total(app: TestApp) {
    let kg = app.unit("kg", "country", None, "KG").await;
    let district = app.unit("osh-district", "district", Some(&kg), "KG").await;
    app.unit("school-a", "school", Some(&district), "KG").await;
    app.user("analyst", false, Some(("analyst", &district)))
        .await;
    app.clock.set(datetime!(2026-11-02 04:00 UTC));
    let mut i = 0;
    for (category, n) in [("bullying", 1), ("violence", 6), ("question", 8)] {
        for _ in 0..n {
            i += 1;
            let mut c = app.client();
            c.peer = Some(format!("192.0.2.{i}:1000").parse().unwrap());
            let res = c
                .post_json(
                    "/api/v1/schools/school-a/appeals",
                    &format!(r#"{{"author":"pupil","category":"{category}","text":"l{i}"}}"#),
                    None,
                )
                .await;
            assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        }
    }
    let mut an = app.client();
    an.login("analyst").await;
    let r = an.get("/staff/r/osh-district?period=2026-Q4").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let cell = |label: &str| {
        let i = r
            .body
            .find(&format!("<td>{label}</td><td>"))
            .unwrap_or_else(|| panic!("no row {label}"))
            + label.len()
            + 13;
        r.body[i..i + r.body[i..].find('<').unwrap()].to_string()
    };
    assert_eq!(cell("Letters received"), "15");
    assert_eq!(cell("Bullying"), "&#60;5");
    assert_eq!(cell("Violence"), "x", "the next smallest is hidden too");
    assert_eq!(cell("Question"), "8");
    // Whatever the reader subtracts, at least two counts stay unknown.
    let shown: i64 = ["Bullying", "Violence", "Question"]
        .iter()
        .filter_map(|l| cell(l).parse::<i64>().ok())
        .sum();
    assert_eq!(15 - shown, 7, "1 + 6 hidden together, neither alone");
    assert!(r.body.contains("cannot be worked out from the total"));
}
