//! The digital box end to end through the router: write, receipt, follow-up, staff reply,
//! bad input, urgent triage, rate limits, encryption at rest, the JSON API.

use axum::http::StatusCode;
use time::macros::datetime;

use crate::both;
use crate::support::{PDF, TestApp};

both!(
    anonymous_letter_round_trip,
    bad_input_keeps_everything_and_stores_nothing,
    urgent_letter_shows_helplines_first_and_queues_mail,
    wrong_codes_are_slowed_then_refused,
    contents_are_encrypted_at_rest,
    json_api_intake_and_follow_up,
    staff_see_only_what_they_may,
    public_pages_set_no_cookies,
    a_letter_the_database_refuses_is_shown_again_not_acknowledged,
);

async fn setup(app: &TestApp) -> trustbox_store::Unit {
    let kg = app.unit("kg", "country", None, "KG").await;
    let school = app.unit("school-9", "school", Some(&kg), "KG").await;
    app.user("sp", false, Some(("responsible", &school))).await;
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

async fn anonymous_letter_round_trip(app: TestApp) {
    app.clock.set(datetime!(2026-11-16 04:00 UTC)); // Monday, 10:00 in Bishkek
    setup(&app).await;
    let mut pupil = app.client();
    assert_eq!(pupil.get("/ky/school-9").await.status, StatusCode::OK);
    let form = pupil.get("/ky/school-9/write").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains("name=\"anonymous\" value=\"1\" checked"),
        "anonymous by default"
    );
    let res = pupil
        .post_multipart(
            "/ky/school-9/write",
            &letter("Мени 7-Б класстагы балдар күн сайын шылдыңдашат."),
            &[("files", "doc.pdf", PDF)],
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let code = res.by_id("receipt-code").unwrap();
    assert_eq!(code.len(), 19);
    assert!(
        code.chars().enumerate().all(|(i, c)| if i % 5 == 4 {
            c == '-'
        } else {
            c.is_ascii_digit()
        }),
        "{code}"
    );
    assert_eq!(res.by_id("receipt-number").as_deref(), Some("2026/1"));
    assert!(
        res.body.contains("23.11.2026"),
        "five working days after Monday 16 November is Monday 23 November"
    );
    let second = pupil
        .post_multipart("/ky/school-9/write", &letter("Экинчи кат"), &[])
        .await;
    assert_eq!(second.by_id("receipt-number").as_deref(), Some("2026/2"));

    // The author comes back with the code: the letter is there, no answer yet.
    let res = pupil.post("/ky/follow-up", &[("code", &code)]).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("шылдыңдашат"));
    assert!(res.body.contains("doc.pdf"));

    // Staff read it and answer.
    let mut sp = app.client();
    sp.login("sp").await;
    let inbox = sp.get("/staff/s/school-9/appeals").await;
    assert!(inbox.body.contains("2026/1") && inbox.body.contains("2026/2"));
    let id = app
        .store
        .inbox(
            app.store.unit_by_slug("school-9").await.unwrap().id,
            &Default::default(),
            10,
            0,
        )
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.journal_seq == 1)
        .unwrap()
        .id;
    let page = sp.get(&format!("/staff/s/school-9/appeals/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("шылдыңдашат"));
    let token = page.input_value("csrf").unwrap();
    let res = sp
        .post(
            &format!("/staff/s/school-9/appeals/{id}/reply"),
            &[
                ("csrf", &token),
                ("text", "Рахмат, биз класс жетекчиси менен сүйлөшөбүз."),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    // The download of the attachment is the same bytes.
    let file_link = page
        .body
        .split("/files/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let file = sp
        .get(&format!("/staff/s/school-9/appeals/{id}/files/{file_link}"))
        .await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.bytes, PDF);
    assert!(
        file.headers
            .get("content-disposition")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );

    // The author reads the answer and replies, still anonymous.
    let res = pupil.post("/ky/follow-up", &[("code", &code)]).await;
    assert!(res.body.contains("класс жетекчиси менен"));
    let res = pupil
        .post_multipart(
            "/ky/follow-up/reply",
            &[("code", &code), ("text", "Рахмат!")],
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED);
    let page = sp.get(&format!("/staff/s/school-9/appeals/{id}")).await;
    assert!(page.body.contains("Рахмат!"));
    // Every read of personal data is in the audit log.
    let log = app.store.audit_entries(None, 100).await.unwrap();
    assert!(log.iter().filter(|e| e.action == "appeal-viewed").count() >= 2);
    assert!(log.iter().any(|e| e.action == "attachment-viewed"));
    assert!(log.iter().any(|e| e.action == "appeal-registered"));
}

async fn bad_input_keeps_everything_and_stores_nothing(app: TestApp) {
    app.clock.set(datetime!(2026-11-16 04:00 UTC));
    let school = setup(&app).await;
    let mut c = app.client();
    let typed = "Менин досум жөнүндө бир нерсе жазгым келет";
    let fields = [
        ("author", "pupil"),
        ("anonymous", "0"),
        ("name", "Айбек"),
        ("phone", "not a phone"),
        ("category", "nonsense"),
        ("text", typed),
        ("written_on", "2027-01-01"),
        ("answer_via", "personal"),
    ];
    let html = b"<html><script>alert(1)</script></html>".to_vec();
    let res = c
        .post_multipart(
            "/ru/school-9/write",
            &fields,
            &[("files", "letter.pdf", PDF), ("files", "photo.jpg", &html)],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains(typed), "the text is kept");
    assert!(res.body.contains("value=\"Айбек\""), "the name is kept");
    assert!(
        res.body.contains("value=\"2027-01-01\""),
        "the date is kept"
    );
    assert!(
        res.body.contains("letter.pdf"),
        "an accepted file is named for attaching again"
    );
    assert!(
        res.body.contains("photo.jpg"),
        "a refused file is named with its problem"
    );
    for field in ["phone", "category", "written_on", "files"] {
        assert!(
            res.body.contains(&format!("id=\"{field}-error\"")),
            "no message at {field}"
        );
    }
    assert!(res.body.contains("lang=\"ru\""));
    // Empty text, text over the limit.
    let res = c
        .post_multipart("/ru/school-9/write", &letter("   "), &[])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("id=\"text-error\""));
    let long = "а".repeat(10_001);
    let res = c
        .post_multipart("/ru/school-9/write", &letter(&long), &[])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Too many files.
    let six: Vec<(&str, &str, &[u8])> = (0..6).map(|_| ("files", "a.pdf", PDF)).collect();
    let res = c
        .post_multipart("/ru/school-9/write", &letter("текст"), &six)
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    // An unknown school, an unknown language.
    assert_eq!(
        c.post_multipart("/ru/no-such-school/write", &letter("текст"), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(c.get("/xx/school-9").await.status, StatusCode::NOT_FOUND);
    // Nothing was stored half-way.
    assert!(
        app.store
            .inbox(school.id, &Default::default(), 10, 0)
            .await
            .unwrap()
            .is_empty()
    );
    let row: i64 = app
        .store
        .raw_execute("DELETE FROM attachments")
        .await
        .unwrap() as i64;
    assert_eq!(row, 0, "no orphan attachments");
}

async fn urgent_letter_shows_helplines_first_and_queues_mail(app: TestApp) {
    let school = setup(&app).await;
    let sp = app.store.user_by_name("sp").await.unwrap();
    app.store
        .set_user_email(sp.id, Some("sp@school9.example"))
        .await
        .unwrap();
    let mut c = app.client();
    let res = c
        .post_multipart(
            "/ru/school-9/write",
            &letter("Я больше не могу, хочу покончить с собой"),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED);
    let helplines = res.body.find("helplines-h").unwrap();
    let code = res.body.find("receipt-code").unwrap();
    assert!(helplines < code, "helplines come before the code");
    let list = app
        .store
        .inbox(school.id, &Default::default(), 10, 0)
        .await
        .unwrap();
    assert!(list[0].urgent);
    assert!(list[0].risks.contains("suicide"), "{}", list[0].risks);
    // The responsible person is notified at once: the mail is queued with the appeal, and it
    // carries no personal data.
    let n = crate::support::mails_to(&app, "urgent", "sp@school9.example")
        .await
        .len();
    assert_eq!(n, 1);
    let calm = c
        .post_multipart(
            "/ru/school-9/write",
            &letter("Предлагаю поставить новые скамейки во дворе"),
            &[],
        )
        .await;
    let helplines = calm.body.find("helplines-h").unwrap();
    let code = calm.body.find("receipt-code").unwrap();
    assert!(code < helplines, "a calm letter shows the code first");
}

async fn wrong_codes_are_slowed_then_refused(app: TestApp) {
    setup(&app).await;
    let mut c = app.client();
    let res = c
        .post_multipart("/en/school-9/write", &letter("hello"), &[])
        .await;
    let good = res.by_id("receipt-code").unwrap();
    let res = c.post("/en/follow-up", &[("code", "1234")]).await;
    assert!(
        res.body.contains("16 digits"),
        "a malformed code says how a code looks"
    );
    for _ in 0..4 {
        let res = c
            .post("/en/follow-up", &[("code", "0000-0000-0000-0001")])
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        assert!(res.body.contains("no letter with this code"));
        assert!(
            res.body.contains("value=\"0000-0000-0000-0001\""),
            "the typed code is kept"
        );
    }
    let res = c
        .post("/en/follow-up", &[("code", "0000-0000-0000-0002")])
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    // Even the right code is refused for a while, and the message says how long.
    let res = c.post("/en/follow-up", &[("code", &good)]).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(res.body.contains("15 minutes"), "{}", res.body);
    assert!(!res.body.contains("hello"));
    app.clock.advance(time::Duration::minutes(16));
    let res = c.post("/en/follow-up", &[("code", &good)]).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("hello"));
}

async fn contents_are_encrypted_at_rest(app: TestApp) {
    let school = setup(&app).await;
    let mut c = app.client();
    let fields = [
        ("author", "parent"),
        ("anonymous", "0"),
        ("name", "Zarina Distinctivename"),
        ("phone", "+996 555 123 987"),
        ("address", "Toktogul street 777"),
        ("category", "corruption"),
        ("text", "Teacher Quixotic-Pelican asked for money"),
        ("answer_via", "personal"),
    ];
    let res = c
        .post_multipart(
            "/en/school-9/write",
            &fields,
            &[("files", "Secretfilename.pdf", PDF)],
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let code = res.by_id("receipt-code").unwrap();
    let mut sp = app.client();
    sp.login("sp").await;
    let id = app
        .store
        .inbox(school.id, &Default::default(), 1, 0)
        .await
        .unwrap()[0]
        .id;
    let page = sp.get(&format!("/staff/s/school-9/appeals/{id}")).await;
    assert!(
        page.body.contains("Zarina Distinctivename") && page.body.contains("+996 555 123 987"),
        "staff see the contact"
    );
    let token = page.input_value("csrf").unwrap();
    sp.post(
        &format!("/staff/s/school-9/appeals/{id}/reply"),
        &[("csrf", &token), ("text", "Answer-Marmalade-Unique")],
    )
    .await;
    app.store.close().await;
    let dump = crate::support::raw_dump(&app).await;
    for secret in [
        "Distinctivename",
        "555 123 987",
        "Toktogul",
        "Quixotic-Pelican",
        "Secretfilename",
        "Answer-Marmalade",
        &code,
        &code.replace('-', ""),
    ] {
        assert!(
            !dump.contains(secret),
            "{secret:?} is readable in the raw database"
        );
    }
    assert!(
        dump.contains("corruption"),
        "the dump is real (plain metadata is there)"
    );
}

async fn json_api_intake_and_follow_up(app: TestApp) {
    let school = setup(&app).await;
    let mut c = app.client();
    let res = c.post_json("/api/v1/schools/school-9/appeals", r#"{"author":"pupil","category":"question","text":"When is the next opening?","language":"en"}"#, None).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let v: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    let receipt = v["receipt"].as_str().unwrap().to_string();
    assert_eq!(v["number"], "2026/1");
    assert_eq!(v["urgent"], false);
    // Errors have one shape, with the field, in the author's language.
    let res = c
        .post_json(
            "/api/v1/schools/school-9/appeals",
            r#"{"author":"pupil","category":"question","text":"","language":"ru"}"#,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let v: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    assert_eq!(v["error"]["code"], "err-text-empty");
    assert_eq!(v["error"]["field"], "text");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .chars()
            .any(|ch| ('а'..='я').contains(&ch)),
        "Russian message"
    );
    let res = c
        .post_json("/api/v1/schools/school-9/appeals", "{not json", None)
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("malformed_json"));
    let res = c
        .post_json(
            "/api/v1/schools/nowhere/appeals",
            r#"{"author":"pupil","category":"question","text":"x"}"#,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    // Other channels need the school's token.
    let res = c
        .post_json(
            "/api/v1/schools/school-9/appeals",
            r#"{"author":"other","category":"question","text":"call","channel":"phone"}"#,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    app.store
        .create_api_token(
            &trustbox_crypto::token_hash("tb_secret"),
            school.id,
            "PBX",
            0,
        )
        .await
        .unwrap();
    let res = c.post_json("/api/v1/schools/school-9/appeals", r#"{"author":"other","category":"question","text":"call","channel":"voicemail","received_at":"2026-03-15T23:10:00+06:00"}"#, Some("tb_secret")).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let res = c
        .post_json(
            "/api/v1/schools/school-9/appeals",
            r#"{"author":"other","category":"question","text":"call","channel":"phone"}"#,
            Some("tb_wrong"),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    let list = app
        .store
        .inbox(school.id, &Default::default(), 10, 0)
        .await
        .unwrap();
    assert!(list.iter().any(|a| a.channel == "voicemail"));
    // Follow-up.
    let res = c
        .post_json(
            "/api/v1/follow-up",
            &format!(r#"{{"receipt":"{receipt}"}}"#),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let v: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    assert_eq!(v["status"], "new");
    assert_eq!(v["messages"][0]["text"], "When is the next opening?");
    let res = c
        .post_json(
            "/api/v1/follow-up",
            r#"{"receipt":"1111-1111-1111-1111"}"#,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    // The OpenAPI document describes both operations.
    let doc = c.get("/api/openapi.json").await;
    let v: serde_json::Value = serde_json::from_str(&doc.body).unwrap();
    assert!(v["paths"]["/api/v1/schools/{school}/appeals"]["post"].is_object());
    assert!(v["paths"]["/api/v1/follow-up"]["post"].is_object());
}

async fn staff_see_only_what_they_may(app: TestApp) {
    let school = setup(&app).await;
    let member = app
        .user("member", false, Some(("commission", &school)))
        .await;
    app.user("admin", true, None).await;
    let mut c = app.client();
    c.post_multipart(
        "/ru/school-9/write",
        &letter("Секретное письмо номер один"),
        &[],
    )
    .await;
    let id = app
        .store
        .inbox(school.id, &Default::default(), 1, 0)
        .await
        .unwrap()[0]
        .id;
    let mut m = app.client();
    m.login("member").await;
    assert!(
        !m.get("/staff/s/school-9/appeals")
            .await
            .body
            .contains("2026/1"),
        "not assigned: not listed"
    );
    assert_eq!(
        m.get(&format!("/staff/s/school-9/appeals/{id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    app.store.assign(school.id, id, member.id).await.unwrap();
    assert!(
        m.get("/staff/s/school-9/appeals")
            .await
            .body
            .contains("2026/1")
    );
    assert!(
        m.get(&format!("/staff/s/school-9/appeals/{id}"))
            .await
            .body
            .contains("Секретное письмо")
    );
    // The installation administrator never reads letters.
    let mut a = app.client();
    a.login("admin").await;
    assert_eq!(
        a.get(&format!("/staff/s/school-9/appeals/{id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

async fn public_pages_set_no_cookies(app: TestApp) {
    setup(&app).await;
    let mut c = app.client();
    let pages = ["/ky/school-9", "/ky/school-9/write", "/ky/follow-up"];
    for p in pages {
        let res = c.get(p).await;
        assert_eq!(res.status, StatusCode::OK, "{p}");
        assert!(res.headers.get("set-cookie").is_none(), "{p} sets a cookie");
        assert_eq!(res.headers.get("cache-control").unwrap(), "no-store");
        assert!(!res.body.contains("<script"), "{p} has a script");
        assert!(res.body.contains("quick-exit"), "{p} has the quick exit");
    }
    let res = c
        .post_multipart("/ky/school-9/write", &letter("салам"), &[])
        .await;
    assert!(res.headers.get("set-cookie").is_none());
    assert_eq!(res.headers.get("cache-control").unwrap(), "no-store");
    assert!(c.cookies.is_empty());
    // /{school} picks the language from the browser.
    c.accept_language = Some("kk".into());
    assert_eq!(c.get("/school-9").await.location(), "/kk/school-9");
}

both!(photos_lose_their_metadata);

async fn photos_lose_their_metadata(app: TestApp) {
    let school = setup(&app).await;
    let photo: &[u8] = include_bytes!("../fixtures/photo.jpg");
    assert!(
        photo.windows(9).any(|w| w == b"TestPhone"),
        "the fixture carries camera data"
    );
    let mut c = app.client();
    let res = c
        .post_multipart(
            "/en/school-9/write",
            &letter("a photo of the wall"),
            &[("files", "IMG_0001.jpg", photo)],
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let id = app
        .store
        .inbox(school.id, &Default::default(), 1, 0)
        .await
        .unwrap()[0]
        .id;
    let file = app.store.attachments(id).await.unwrap()[0].id;
    let mut sp = app.client();
    sp.login("sp").await;
    let res = sp
        .get(&format!("/staff/s/school-9/appeals/{id}/files/{file}"))
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.headers.get("content-type").unwrap(), "image/jpeg");
    let bytes = &res.bytes;
    for needle in [
        &b"TestPhone"[..],
        b"Exif\0\0",
        b"secret comment",
        b"Pupil Name",
        b"GPS",
    ] {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "{:?} survived",
            String::from_utf8_lossy(needle)
        );
    }
    assert!(bytes.starts_with(&[0xFF, 0xD8]), "still a JPEG");
}

/// When the database cannot take a letter, the author is not told it was received: the form
/// comes back with everything typed and says it was not sent; sending again works.
async fn a_letter_the_database_refuses_is_shown_again_not_acknowledged(app: TestApp) {
    setup(&app).await;
    let mut c = app.client();
    let text = "Биздин класста бир баланы күн сайын шылдыңдашат, жардам бериңиз.";
    app.store
        .raw_execute("ALTER TABLE appeals RENAME TO appeals_away")
        .await
        .unwrap();
    let res = c
        .post_multipart("/ky/school-9/write", &letter(text), &[])
        .await;
    assert_eq!(res.status, StatusCode::SERVICE_UNAVAILABLE, "{}", res.body);
    assert!(res.body.contains(text), "the text is kept: {}", res.body);
    assert!(
        res.body.contains("сактоого мүмкүн болгон жок"),
        "says it was not saved: {}",
        res.body
    );
    assert!(
        !res.body.contains("receipt-code"),
        "no receipt: {}",
        res.body
    );
    app.store
        .raw_execute("ALTER TABLE appeals_away RENAME TO appeals")
        .await
        .unwrap();
    let res = c
        .post_multipart("/ky/school-9/write", &letter(text), &[])
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert!(res.body.contains("receipt-code"));
}
