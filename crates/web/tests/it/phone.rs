//! The trust phone: line settings on the public page in and out of hours (seed 004 §4.3), and
//! voicemail through the API becoming a voicemail appeal whose recording staff can play.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use time::macros::datetime;
use tower::ServiceExt;

use crate::both;
use crate::support::{PDF, TestApp, multipart, raw_dump};

both!(
    line_settings_show_on_the_public_page_in_and_out_of_hours,
    bad_line_settings_keep_what_was_typed,
    voicemail_through_the_api_plays_back_for_staff_only,
    voicemail_that_is_not_audio_or_without_token_is_refused,
);

/// A marker inside the audio samples: must never be readable in the database.
const MARKER: &[u8] = b"VOICEMAIL-MARKER-Pelican-7f3a";

/// A real PCM WAV: 8 kHz mono 16-bit, a short tone, with [`MARKER`] among the samples.
pub fn wav() -> Vec<u8> {
    let mut samples: Vec<u8> = Vec::new();
    for i in 0..4000u32 {
        let v = ((i as f32 * 440.0 * std::f32::consts::TAU / 8000.0).sin() * 8000.0) as i16;
        samples.extend_from_slice(&v.to_le_bytes());
    }
    samples.splice(1000..1000, MARKER.iter().copied());
    if samples.len() % 2 == 1 {
        samples.push(0);
    }
    let mut w = Vec::new();
    w.extend_from_slice(b"RIFF");
    w.extend_from_slice(&(36 + samples.len() as u32).to_le_bytes());
    w.extend_from_slice(b"WAVEfmt ");
    w.extend_from_slice(&16u32.to_le_bytes());
    w.extend_from_slice(&1u16.to_le_bytes()); // PCM
    w.extend_from_slice(&1u16.to_le_bytes()); // mono
    w.extend_from_slice(&8000u32.to_le_bytes());
    w.extend_from_slice(&16000u32.to_le_bytes());
    w.extend_from_slice(&2u16.to_le_bytes());
    w.extend_from_slice(&16u16.to_le_bytes());
    w.extend_from_slice(b"data");
    w.extend_from_slice(&(samples.len() as u32).to_le_bytes());
    w.extend_from_slice(&samples);
    w
}

async fn setup(app: &TestApp) -> trustbox_store::Unit {
    let kg = app.unit("kg", "country", None, "KG").await;
    let school = app.unit("school-9", "school", Some(&kg), "KG").await;
    app.user("sp", false, Some(("responsible", &school))).await;
    app.user("dir", false, Some(("director", &school))).await;
    app.user("member", false, Some(("commission", &school)))
        .await;
    app.user("op", false, Some(("operator", &school))).await;
    app.user("analyst", false, Some(("analyst", &kg))).await;
    app.user("admin", true, None).await;
    school
}

fn line_form<'a>(csrf: &'a str, tuesday_to: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("csrf", csrf),
        ("numbers", "+996 312 12-34-56\n 0 800 100 00 00 "),
        ("responsible", "Aigul Sadykova, social pedagogue"),
        (
            "off_ky",
            "Ишеним телефону: сигналдан кийин кабарыңызды калтырыңыз.",
        ),
        ("off_kk", ""),
        ("off_ru", ""),
        ("off_en", ""),
    ];
    const KEYS: [(&str, &str, &str); 6] = [
        ("open_1", "from_1", "to_1"),
        ("open_2", "from_2", "to_2"),
        ("open_3", "from_3", "to_3"),
        ("open_4", "from_4", "to_4"),
        ("open_5", "from_5", "to_5"),
        ("open_6", "from_6", "to_6"),
    ];
    for (i, (open, from, to)) in KEYS.into_iter().enumerate() {
        f.push((open, "1"));
        f.push((from, if i == 5 { "10:00" } else { "09:00" }));
        f.push((
            to,
            match i {
                1 => tuesday_to,
                5 => "13:00",
                _ => "18:30",
            },
        ));
    }
    // Sunday closed; its times are sent all the same, as a browser does.
    f.push(("from_7", "09:00"));
    f.push(("to_7", "18:30"));
    f
}

async fn line_settings_show_on_the_public_page_in_and_out_of_hours(app: TestApp) {
    let school = setup(&app).await;
    // Before anything is saved: the defaults of seed 004 §4.3 and the built-in texts.
    let mut sp = app.client();
    sp.login("sp").await;
    let page = sp.get("/staff/s/school-9/phone").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains(r#"id="open_1" name="open_1" value="1" checked"#)
    );
    assert!(
        !page
            .body
            .contains(r#"id="open_6" name="open_6" value="1" checked"#)
    );
    assert_eq!(page.input_value("from_1").as_deref(), Some("09:00"));
    assert_eq!(page.input_value("to_5").as_deref(), Some("18:30"));
    assert!(
        page.body
            .contains("Сіз сенім телефонына хабарласып отырсыз"),
        "the Kazakh answering text of seed 004 is the default"
    );
    // No number yet: the public page says nothing about a phone.
    let mut public = app.client();
    let res = public.get("/ky/school-9").await;
    assert!(!res.body.contains("id=\"trust-phone\""));

    // The director may set the line; operator, commission, analyst may not.
    for who in ["op", "member", "analyst"] {
        let mut c = app.client();
        c.login(who).await;
        assert_eq!(
            c.get("/staff/s/school-9/phone").await.status,
            StatusCode::NOT_FOUND,
            "{who}"
        );
        assert!(
            !c.get("/staff")
                .await
                .body
                .contains("/staff/s/school-9/phone"),
            "{who}'s menu"
        );
    }
    let mut dir = app.client();
    dir.login("dir").await;
    assert!(
        dir.get("/staff")
            .await
            .body
            .contains("/staff/s/school-9/phone")
    );
    let csrf = dir.csrf().await;
    let res = dir
        .post("/staff/s/school-9/phone", &line_form(&csrf, "18:30"))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.by_id("phone-saved").is_some());
    let line = app.store.phone_line(school.id).await.unwrap();
    assert_eq!(line.numbers, "+996 312 12-34-56\n0 800 100 00 00");
    assert_eq!(
        line.hours,
        "09:00-18:30,09:00-18:30,09:00-18:30,09:00-18:30,09:00-18:30,10:00-13:00,"
    );
    assert_eq!(
        line.off_hours[1], "",
        "an untouched built-in text stays built-in"
    );
    let audit = app.store.audit_entries(Some(school.id), 5).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "phone-line-saved"));

    // Monday 16 March 2026, 09:00 UTC = 15:00 in Bishkek: answered.
    let res = public.get("/ky/school-9").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("+996 312 12-34-56") && res.body.contains("0 800 100 00 00"));
    assert!(
        res.body.contains("Дүйшөмбү – Жума: 09:00–18:30"),
        "{}",
        res.body
    );
    assert!(res.body.contains("Ишемби: 10:00–13:00"));
    assert_eq!(
        res.by_id("phone-now").as_deref(),
        Some("Азыр чалууларга жооп беришет.")
    );
    assert!(res.by_id("phone-off-hours").is_none());
    assert!(
        !res.body.contains("Aigul Sadykova"),
        "responsible people are not public"
    );

    // 20:00 in Bishkek: the answering text, in the reader's language.
    app.clock.set(datetime!(2026-03-16 14:00 UTC));
    let ky = public.get("/ky/school-9").await;
    assert_eq!(
        ky.by_id("phone-off-hours").as_deref(),
        Some("Ишеним телефону: сигналдан кийин кабарыңызды калтырыңыз.")
    );
    let kk = public.get("/kk/school-9").await;
    let kk_text = kk.by_id("phone-off-hours").unwrap();
    assert!(kk_text.starts_with("Саламатсыз ба! Сіз сенім телефонына хабарласып отырсыз."));
    assert!(kk_text.contains("Сіздің өтінішіңіз сырт қалмайды. Рахмет!"));
    assert!(kk.body.contains("Дүйсенбі – Жұма: 09:00–18:30"));
    let ru = public.get("/ru/school-9").await;
    assert!(
        ru.by_id("phone-off-hours")
            .unwrap()
            .starts_with("Здравствуйте! Вы позвонили на телефон доверия.")
    );
    assert!(ru.body.contains("Понедельник – Пятница: 09:00–18:30"));
    assert!(ru.body.contains("Сейчас нерабочее время"));

    // Sunday noon: closed. Saturday 11:00: answered (10:00–13:00).
    app.clock.set(datetime!(2026-03-22 06:00 UTC));
    assert!(
        public
            .get("/ru/school-9")
            .await
            .by_id("phone-off-hours")
            .is_some()
    );
    app.clock.set(datetime!(2026-03-28 05:00 UTC));
    assert!(
        public
            .get("/ru/school-9")
            .await
            .by_id("phone-off-hours")
            .is_none()
    );
    // A day off the school set in its calendar (Tuesday 17 March, noon): the machine answers.
    app.clock.set(datetime!(2026-03-17 06:00 UTC));
    assert!(
        public
            .get("/ru/school-9")
            .await
            .by_id("phone-off-hours")
            .is_none()
    );
    app.store
        .set_calendar_override(school.id, "2026-03-17", Some(false), "test")
        .await
        .unwrap();
    app.state.caches.forget_school(school.id);
    assert!(
        public
            .get("/ru/school-9")
            .await
            .by_id("phone-off-hours")
            .is_some()
    );
}

async fn bad_line_settings_keep_what_was_typed(app: TestApp) {
    let school = setup(&app).await;
    let mut sp = app.client();
    sp.login("sp").await;
    let csrf = sp.csrf().await;
    let before = app.store.phone_line(school.id).await.unwrap();
    // Tuesday ends before it starts.
    let res = sp
        .post("/staff/s/school-9/phone", &line_form(&csrf, "08:00"))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("The end of the hours must be after their start.")
    );
    assert!(res.body.contains(r#"id="day_2-error""#));
    assert!(
        res.body.contains("+996 312 12-34-56"),
        "the numbers typed are kept"
    );
    assert!(
        res.body.contains("сигналдан кийин кабарыңызды"),
        "the texts typed are kept"
    );
    assert_eq!(res.input_value("to_2").as_deref(), Some("08:00"));
    // A time that is not a time, and a number with letters.
    let mut f = line_form(&csrf, "18:30");
    f.retain(|(k, _)| *k != "from_3" && *k != "numbers");
    f.push(("from_3", "nine"));
    f.push(("numbers", "call me maybe"));
    let res = sp.post("/staff/s/school-9/phone", &f).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Give the time as HH:MM"));
    assert!(res.body.contains(r#"id="numbers-error""#));
    assert!(res.body.contains("call me maybe"));
    assert_eq!(
        app.store.phone_line(school.id).await.unwrap(),
        before,
        "nothing saved"
    );
}

async fn post_voicemail(
    app: &TestApp,
    slug: &str,
    token: Option<&str>,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) -> (StatusCode, serde_json::Value) {
    let (ct, body) = multipart(fields, files);
    let mut b =
        Request::post(format!("/api/v1/schools/{slug}/voicemail")).header(header::CONTENT_TYPE, ct);
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let res = app
        .router
        .clone()
        .oneshot(b.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let v = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&bytes)));
    (status, v)
}

async fn voicemail_through_the_api_plays_back_for_staff_only(app: TestApp) {
    let school = setup(&app).await;
    app.store
        .create_api_token(&trustbox_crypto::token_hash("tb_pbx"), school.id, "PBX", 0)
        .await
        .unwrap();
    let audio = wav();
    let (status, v) = post_voicemail(
        &app,
        "school-9",
        Some("tb_pbx"),
        &[("received_at", "2026-03-15T23:10:00+06:00")],
        &[("audio", "msg0001.wav", &audio)],
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(v["number"], "2026/1");
    assert_eq!(v["urgent"], false);
    let list = app
        .store
        .inbox(school.id, &Default::default(), 10, 0)
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    let a = &list[0];
    assert_eq!(a.channel, "voicemail");
    assert_eq!(
        a.received_at,
        datetime!(2026-03-15 17:10 UTC).unix_timestamp()
    );
    let files = app.store.attachments(a.id).await.unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].mime, "audio/wav");
    // The journal has the entry.
    let journal = app.store.journal_of(school.id, a.id).await.unwrap();
    assert!(!journal.is_empty(), "a journal entry for the voicemail");

    // The responsible person plays it on the appeal page.
    let mut sp = app.client();
    sp.login("sp").await;
    let page = sp.get(&format!("/staff/s/school-9/appeals/{}", a.id)).await;
    assert_eq!(page.status, StatusCode::OK);
    let src = format!("/staff/s/school-9/appeals/{}/files/{}", a.id, files[0].id);
    assert!(
        page.body
            .contains(&format!(r#"<audio controls preload="none" src="{src}""#)),
        "{}",
        page.body
    );
    assert!(page.body.contains("Voicemail"));
    let csp = page.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(csp.contains("media-src 'self'"), "{csp}");
    let res = sp.get(&src).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.bytes, audio, "byte-identical playback");
    assert_eq!(res.headers[header::CONTENT_TYPE], "audio/wav");
    assert_eq!(res.headers[header::CACHE_CONTROL], "no-store");
    let audit = app.store.audit_entries(Some(school.id), 10).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "attachment-viewed" && e.object == format!("appeal:{}", a.id)),
        "listening is audited as a read"
    );

    // Not assigned: director, commission member, operator; never: analyst, administrator.
    for who in ["dir", "member", "op", "analyst", "admin"] {
        let mut c = app.client();
        c.login(who).await;
        let res = c.get(&src).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{who} may not listen");
        assert_ne!(res.bytes, audio);
    }

    // At rest the recording is ciphertext.
    app.store.close().await;
    let dump = raw_dump(&app).await;
    assert!(dump.contains("voicemail"), "the dump is real");
    assert!(
        !dump.contains(std::str::from_utf8(MARKER).unwrap()),
        "the recording is readable in the raw database"
    );
}

async fn voicemail_that_is_not_audio_or_without_token_is_refused(app: TestApp) {
    let school = setup(&app).await;
    let kg = app.store.unit_by_slug("kg").await.unwrap();
    let other = app.unit("school-10", "school", Some(&kg), "KG").await;
    app.store
        .create_api_token(&trustbox_crypto::token_hash("tb_pbx"), school.id, "PBX", 0)
        .await
        .unwrap();
    app.store
        .create_api_token(&trustbox_crypto::token_hash("tb_other"), other.id, "PBX", 0)
        .await
        .unwrap();
    let audio = wav();
    for (token, code) in [
        (None, "token_required"),
        (Some("tb_wrong"), "bad_token"),
        (Some("tb_other"), "bad_token"),
    ] {
        let (status, v) =
            post_voicemail(&app, "school-9", token, &[], &[("audio", "m.wav", &audio)]).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{v}");
        assert_eq!(v["error"]["code"], code);
    }
    for (name, bytes) in [
        ("letter.wav", PDF),
        ("page.mp3", &b"<html><script>alert(1)</script></html>"[..]),
        ("photo.ogg", &include_bytes!("../fixtures/photo.jpg")[..]),
    ] {
        let (status, v) = post_voicemail(
            &app,
            "school-9",
            Some("tb_pbx"),
            &[("language", "ru")],
            &[("audio", name, bytes)],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {v}");
        assert_eq!(v["error"]["code"], "err-voicemail-not-audio");
        assert_eq!(v["error"]["field"], "audio");
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with("Этот файл не является звукозаписью"),
            "{v}"
        );
    }
    let (status, v) = post_voicemail(&app, "school-9", Some("tb_pbx"), &[], &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["code"], "err-voicemail-missing");
    let (status, v) = post_voicemail(
        &app,
        "school-9",
        Some("tb_pbx"),
        &[("received_at", "yesterday evening")],
        &[("audio", "m.wav", &audio)],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "received_at");
    let (status, v) = post_voicemail(
        &app,
        "school-9",
        Some("tb_pbx"),
        &[("received_at", "2026-03-17T10:00:00+06:00")],
        &[("audio", "m.wav", &audio)],
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a time in the future"
    );
    assert_eq!(v["error"]["code"], "err-received-at-future");
    let (status, _) = post_voicemail(
        &app,
        "nowhere",
        Some("tb_pbx"),
        &[],
        &[("audio", "m.wav", &audio)],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Too large: refused before anything is read into an appeal.
    let mut big = audio.clone();
    big.resize(trustbox_web::upload::MAX_FILE_BYTES + 1, 0);
    let (status, v) = post_voicemail(
        &app,
        "school-9",
        Some("tb_pbx"),
        &[],
        &[("audio", "big.wav", &big)],
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    assert_eq!(v["error"]["code"], "err-file-too-large");
    // Nothing was written.
    assert!(
        app.store
            .inbox(school.id, &Default::default(), 10, 0)
            .await
            .unwrap()
            .is_empty()
    );
    // The OpenAPI document describes the operation.
    let mut c = app.client();
    let doc: serde_json::Value =
        serde_json::from_str(&c.get("/api/openapi.json").await.body).unwrap();
    let op = &doc["paths"]["/api/v1/schools/{school}/voicemail"]["post"];
    assert!(
        op["requestBody"]["content"]["multipart/form-data"].is_object(),
        "{op}"
    );
}
