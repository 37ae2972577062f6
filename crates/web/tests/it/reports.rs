//! Reports against a hand-counted fixture, roll-ups that hide small counts, and refusals.

use axum::http::StatusCode;
use time::OffsetDateTime;
use time::macros::datetime;

use crate::both;
use crate::support::TestApp;

both!(report_figures_match_a_hand_counted_fixture);

async fn send(app: &TestApp, slug: &str, at: OffsetDateTime, json: &str) {
    app.clock.set(at);
    let mut c = app.client();
    let res = c
        .post_json(&format!("/api/v1/schools/{slug}/appeals"), json, None)
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
}

async fn post(c: &mut crate::support::Client<'_>, id: i64, what: &str, extra: Vec<(&str, String)>) {
    let path = format!("/staff/s/school-a/appeals/{id}");
    let page = c.get(&path).await;
    let mut f = vec![
        ("csrf".to_string(), page.input_value("csrf").unwrap()),
        ("version".to_string(), page.input_value("version").unwrap()),
    ];
    f.extend(extra.into_iter().map(|(k, v)| (k.to_string(), v)));
    let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = c.post(&format!("{path}/{what}"), &pairs).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{what}: {}", res.body);
}

fn row(body: &str, label: &str) -> String {
    let i = body
        .find(&format!("<td>{label}</td>"))
        .unwrap_or_else(|| panic!("no row {label}"));
    let end = body[i..].find("</tr>").unwrap() + i;
    body[i..end].replace("<td>", "").replace("</td>", "|")
}

async fn report_figures_match_a_hand_counted_fixture(app: TestApp) {
    let kg = app.unit("kg", "country", None, "KG").await;
    let district = app.unit("osh-district", "district", Some(&kg), "KG").await;
    let a = app.unit("school-a", "school", Some(&district), "KG").await;
    let b = app.unit("school-b", "school", Some(&district), "KG").await;
    app.unit("school-elsewhere", "school", Some(&kg), "KG")
        .await;
    app.user("sp", false, Some(("responsible", &a))).await;
    app.user("analyst", false, Some(("analyst", &district)))
        .await;
    // Q3: one letter in A.
    send(
        &app,
        "school-a",
        datetime!(2026-08-10 04:00 UTC),
        r#"{"author":"pupil","category":"study","text":"q3"}"#,
    )
    .await;
    // Q4: three in A, two in B, one elsewhere (not in the district).
    send(
        &app,
        "school-a",
        datetime!(2026-11-02 04:00 UTC),
        r#"{"author":"pupil","category":"bullying","text":"one"}"#,
    )
    .await;
    send(&app, "school-a", datetime!(2026-11-03 04:00 UTC), r#"{"author":"parent","anonymous":false,"contact":{"name":"Асель"},"category":"bullying","text":"two"}"#).await;
    send(
        &app,
        "school-a",
        datetime!(2026-11-04 04:00 UTC),
        r#"{"author":"teacher","category":"question","text":"three"}"#,
    )
    .await;
    send(
        &app,
        "school-b",
        datetime!(2026-11-04 05:00 UTC),
        r#"{"author":"pupil","category":"violence","text":"b1"}"#,
    )
    .await;
    send(
        &app,
        "school-b",
        datetime!(2026-11-05 05:00 UTC),
        r#"{"author":"pupil","category":"violence","text":"b2"}"#,
    )
    .await;
    send(
        &app,
        "school-elsewhere",
        datetime!(2026-11-05 05:00 UTC),
        r#"{"author":"pupil","category":"violence","text":"x"}"#,
    )
    .await;
    // In A: answer the first on time on the board, forward the second, record measures on the third.
    app.clock.set(datetime!(2026-11-05 06:00 UTC));
    let mut sp = app.client();
    sp.login("sp").await;
    let list = app
        .store
        .inbox(a.id, &Default::default(), 10, 0)
        .await
        .unwrap();
    let by_seq = |n: i64| list.iter().find(|x| x.journal_seq == n).unwrap().id;

    post(
        &mut sp,
        by_seq(2),
        "answer",
        vec![
            ("kind", "board".into()),
            ("text", "ok".into()),
            ("board_text", "ok".into()),
        ],
    )
    .await;
    let page = sp
        .get(&format!("/staff/s/school-a/appeals/{}", by_seq(3)))
        .await;
    let i = page.body.find("name=\"body\"").unwrap();
    let body_id = page.body[i..]
        .split("<option value=\"")
        .nth(2)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let _ = post(
        &mut sp,
        by_seq(3),
        "forward",
        vec![("body", body_id), ("deadline", "2026-11-09".into())],
    )
    .await;
    post(
        &mut sp,
        by_seq(4),
        "measures",
        vec![("text", "class hour".into())],
    )
    .await;
    // The school's quarterly report.
    let r = sp.get("/staff/s/school-a/reports?period=2026-Q4").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(row(&r.body, "Letters received"), "Letters received|3|1|+2|");
    assert_eq!(row(&r.body, "Bullying"), "Bullying|2|0|+2|");
    assert_eq!(row(&r.body, "Question"), "Question|1|0|+1|");
    assert_eq!(row(&r.body, "Studies"), "Studies|0|1|-1|");
    assert_eq!(row(&r.body, "Teacher"), "Teacher|1|0|+1|");
    assert_eq!(row(&r.body, "anonymous"), "anonymous|2|1|+1|");
    assert_eq!(row(&r.body, "signed"), "signed|1|0|+1|");
    assert_eq!(
        row(&r.body, "answered by the deadline"),
        "answered by the deadline|1|0|+1|"
    );
    assert_eq!(
        row(&r.body, "letters with measures recorded"),
        "letters with measures recorded|1|0|+1|"
    );
    assert!(r.body.contains("|1|") || r.body.contains("<td>1</td>"));
    // The same report as PDF (in the school's language) and XLSX.
    let pdf = sp
        .get("/staff/s/school-a/reports?period=2026-Q4&format=pdf")
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    let text = crate::support::pdf_text(&pdf.bytes);
    assert!(text.contains("Кордоо"), "category in Kyrgyz: {text}");
    let xlsx = sp
        .get("/staff/s/school-a/reports?period=2026-Q4&format=xlsx")
        .await;
    assert!(xlsx.bytes.starts_with(b"PK"));
    assert!(r.body.contains("<svg"), "charts on the page");
    // The month, and refusals.
    let m = sp.get("/staff/s/school-a/reports?period=2026-11").await;
    assert_eq!(row(&m.body, "Letters received"), "Letters received|3|0|+3|");
    let f = sp.get("/staff/s/school-a/reports?period=2027-Q1").await;
    assert_eq!(f.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(f.body.contains("has not begun yet"));
    assert_eq!(
        sp.get("/staff/s/school-a/reports?period=soon").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        sp.get("/staff/r/osh-district?period=2026-Q4").await.status,
        StatusCode::NOT_FOUND,
        "no analyst rights"
    );
    // The district roll-up hides counts under 5 and never sees the school outside it.
    let mut an = app.client();
    an.login("analyst").await;
    let r = an.get("/staff/r/osh-district?period=2026-Q4").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        row(&r.body, "Letters received"),
        "Letters received|5|&#60;5||"
    );
    assert_eq!(row(&r.body, "Bullying"), "Bullying|&#60;5|0||");
    assert_eq!(row(&r.body, "Violence"), "Violence|&#60;5|0||");
    assert!(!r.body.contains("Асель"));
    assert_eq!(
        an.get("/staff/s/school-a/reports").await.status,
        StatusCode::NOT_FOUND,
        "analysts see no single school"
    );
    assert_eq!(
        an.get("/staff/r/kg").await.status,
        StatusCode::NOT_FOUND,
        "nor units above theirs"
    );
    let _ = b;
}

both!(the_quarterly_report_is_due_by_the_fifth);

async fn the_quarterly_report_is_due_by_the_fifth(app: TestApp) {
    app.clock.set(datetime!(2027-01-02 04:00 UTC));
    let school = app.unit("school-a", "school", None, "KG").await;
    let sp = app.user("sp", false, Some(("responsible", &school))).await;
    app.store
        .set_user_email(sp.id, Some("sp@school-a.example"))
        .await
        .unwrap();
    app.user("director", false, Some(("director", &school)))
        .await;
    // The reminder goes out once, in the first days of the month after the quarter.
    let r = trustbox_web::jobs::run_deadlines(&app.state).await.unwrap();
    assert_eq!(r.reports, 1);
    assert_eq!(
        trustbox_web::jobs::run_deadlines(&app.state)
            .await
            .unwrap()
            .reports,
        0
    );
    let n = crate::support::mails_to(&app, "report-due", "sp@school-a.example")
        .await
        .iter()
        .filter(|m| m.subject.contains("2026-Q4"))
        .count();
    assert_eq!(n, 1);
    // The director sees it is not submitted yet, and cannot submit it.
    let mut d = app.client();
    d.login("director").await;
    let page = d.get("/staff/s/school-a/reports?period=2026-Q4").await;
    assert!(
        page.body.contains("Not yet submitted") && page.body.contains("05.01.2027"),
        "{}",
        page.body
    );
    let csrf = page.input_value("csrf").unwrap();
    assert_eq!(
        d.post(
            "/staff/s/school-a/reports/submit",
            &[("csrf", &csrf), ("period", "2026-Q4")]
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    // The responsible person submits it; the director sees when and by whom.
    let mut c = app.client();
    c.login("sp").await;
    let page = c.get("/staff/s/school-a/reports?period=2026-Q4").await;
    let csrf = page.input_value("csrf").unwrap();
    assert_eq!(
        c.post(
            "/staff/s/school-a/reports/submit",
            &[("csrf", &csrf), ("period", "2027-Q2")]
        )
        .await
        .status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not a future quarter"
    );
    assert_eq!(
        c.post(
            "/staff/s/school-a/reports/submit",
            &[("csrf", &csrf), ("period", "2026-Q4")]
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    let page = d.get("/staff/s/school-a/reports?period=2026-Q4").await;
    assert!(
        page.body.contains("Submitted to the director") && page.body.contains("sp name"),
        "{}",
        page.body
    );
}
