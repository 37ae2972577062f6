//! Case work through the router: from new to closed through forwarding, conflicts, refusals,
//! and the journal chain that records it.

use axum::http::StatusCode;
use time::macros::datetime;

use crate::both;
use crate::support::{Client, TestApp};

both!(
    new_to_closed_through_forwarding,
    two_people_editing_at_once,
    bad_case_work_is_refused
);

async fn letter(app: &TestApp, text: &str, answer_via: &str, anonymous: &str) -> i64 {
    let mut c = app.client();
    let fields = [
        ("author", "pupil"),
        ("anonymous", anonymous),
        ("name", "Бакыт"),
        ("email", "bakyt@example.kg"),
        ("category", "violence"),
        ("text", text),
        ("answer_via", answer_via),
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

async fn setup(app: &TestApp) {
    let kg = app.unit("kg", "country", None, "KG").await;
    let school = app.unit("school-9", "school", Some(&kg), "KG").await;
    app.user("sp", false, Some(("responsible", &school))).await;
    app.user("member", false, Some(("commission", &school)))
        .await;
}

/// Posts a case-work form with the page's CSRF token and current version.
async fn act(
    c: &mut Client<'_>,
    id: i64,
    what: &str,
    fields: &[(&str, &str)],
) -> crate::support::Res {
    let page = c.get(&format!("/staff/s/school-9/appeals/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = page.input_value("csrf").unwrap();
    let version = page.input_value("version").unwrap_or_default();
    let mut all = vec![("csrf", csrf.as_str()), ("version", version.as_str())];
    all.extend_from_slice(fields);
    c.post(&format!("/staff/s/school-9/appeals/{id}/{what}"), &all)
        .await
}

async fn new_to_closed_through_forwarding(app: TestApp) {
    app.clock.set(datetime!(2026-11-16 04:00 UTC));
    setup(&app).await;
    let id = letter(
        &app,
        "Тыныгуу учурунда улуу класстын окуучусу мени урду.",
        "personal",
        "0",
    )
    .await;
    let school = app.store.unit_by_slug("school-9").await.unwrap();
    let member = app.store.user_by_name("member").await.unwrap();
    let mut sp = app.client();
    sp.login("sp").await;
    let m = member.id.to_string();
    assert_eq!(
        act(&mut sp, id, "assign", &[("user", &m), ("op", "add")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.store.appeal(school.id, id).await.unwrap().status,
        "in_work"
    );
    // The assigned member now sees it.
    let mut mem = app.client();
    mem.login("member").await;
    assert_eq!(
        mem.get(&format!("/staff/s/school-9/appeals/{id}"))
            .await
            .status,
        StatusCode::OK
    );
    // Forward to the juvenile inspector with a deadline.
    let page = sp.get(&format!("/staff/s/school-9/appeals/{id}")).await;
    // The default bodies, in the school's language: the fourth is the police juvenile inspector.
    let i = page.body.find("name=\"body\"").unwrap();
    let opts: Vec<&str> = page.body[i..]
        .split("<option value=\"")
        .skip(2)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    let body_id = opts[3].to_string();
    assert!(
        page.body.contains("БИИнин") || page.body.contains("инспектор"),
        "bodies are named in the school's language"
    );
    let res = act(
        &mut sp,
        id,
        "forward",
        &[("body", &body_id), ("deadline", "2026-11-20")],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        app.store.appeal(school.id, id).await.unwrap().status,
        "forwarded"
    );
    // Overdue forwards are listed once the deadline passes.
    assert!(
        app.store
            .overdue_forwards(school.id, "2026-11-21")
            .await
            .unwrap()
            .len()
            == 1
    );
    let fw = app.store.forwards_of(id).await.unwrap()[0].id.to_string();
    assert_eq!(
        act(
            &mut sp,
            id,
            "outcome",
            &[
                ("forward", &fw),
                ("text", "Инспектор ата-энелер менен сүйлөштү")
            ]
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        act(
            &mut sp,
            id,
            "measures",
            &[("text", "Класстык саат өткөрүлдү")]
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        act(&mut sp, id, "summary", &[("text", "Тыныгууда урушуу")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        act(
            &mut sp,
            id,
            "note",
            &[("text", "Ата-энеси менен жолугушуу пландалды")]
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    let res = act(
        &mut sp,
        id,
        "answer",
        &[
            ("kind", "personal"),
            ("text", "Сиз менен жеке сүйлөшөбүз."),
            ("send_email", "1"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let a = app.store.appeal(school.id, id).await.unwrap();
    assert_eq!(a.status, "answered");
    assert_eq!(a.answered_on.as_deref(), Some("2026-11-16"));
    assert_eq!(
        outbox_count(&app, "answer", "bakyt@example.kg").await,
        1,
        "the author is told by mail"
    );
    assert_eq!(
        act(&mut sp, id, "status", &[("status", "closed")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert!(
        app.store
            .appeal(school.id, id)
            .await
            .unwrap()
            .closed_at
            .is_some()
    );
    // The history tells it all; the journal chain holds.
    let page = sp.get(&format!("/staff/s/school-9/appeals/{id}")).await;
    for word in [
        "Инспектор ата-энелер менен сүйлөштү",
        "Класстык саат өткөрүлдү",
        "Тыныгууда урушуу",
        "Ата-энеси менен жолугушуу",
    ] {
        assert!(page.body.contains(word), "history lacks {word}");
    }
    let kinds: Vec<String> = app
        .store
        .journal_of(school.id, id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            "registered",
            "status",
            "forwarded",
            "forward-outcome",
            "measures",
            "correction",
            "answered",
            "status"
        ]
    );
    assert!(app.store.verify_journal_chains().await.unwrap().is_ok());
    assert!(app.store.verify_audit_chain().await.unwrap().is_ok());
    // Closed: no more answers.
    let res = act(
        &mut sp,
        id,
        "answer",
        &[("kind", "personal"), ("text", "again")],
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body.contains("This letter is closed"),
        "the refusal says why"
    );
}

async fn two_people_editing_at_once(app: TestApp) {
    setup(&app).await;
    let id = letter(&app, "Бир кат", "board", "1").await;
    let mut a = app.client();
    a.login("sp").await;
    let mut b = app.client();
    b.login("sp").await;
    let page_a = a.get(&format!("/staff/s/school-9/appeals/{id}")).await;
    let page_b = b.get(&format!("/staff/s/school-9/appeals/{id}")).await;
    let (csrf_a, v) = (
        page_a.input_value("csrf").unwrap(),
        page_a.input_value("version").unwrap(),
    );
    let csrf_b = page_b.input_value("csrf").unwrap();
    let res = a
        .post(
            &format!("/staff/s/school-9/appeals/{id}/measures"),
            &[
                ("csrf", &csrf_a),
                ("version", &v),
                ("text", "First person's measures"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = b
        .post(
            &format!("/staff/s/school-9/appeals/{id}/measures"),
            &[
                ("csrf", &csrf_b),
                ("version", &v),
                ("text", "Second person's measures"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(
        res.body.contains("Second person&#39;s measures")
            || res.body.contains("Second person's measures"),
        "the second person's text is kept"
    );
    let school = app.store.unit_by_slug("school-9").await.unwrap();
    let n = app
        .store
        .journal_of(school.id, id)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.kind == "measures")
        .count();
    assert_eq!(n, 1, "nothing overwritten, nothing doubled");
}

async fn bad_case_work_is_refused(app: TestApp) {
    setup(&app).await;
    let id = letter(&app, "Бир кат", "personal", "0").await;
    let mut c = app.client();
    c.login("sp").await;
    let res = act(
        &mut c,
        id,
        "forward",
        &[("body", ""), ("deadline", "2026-03-20")],
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("forward-body-error"));
    let page = c.get(&format!("/staff/s/school-9/appeals/{id}")).await;
    let i = page.body.find("name=\"body\"").unwrap();
    let body_id = page.body[i..]
        .split("<option value=\"")
        .nth(2)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let res = act(
        &mut c,
        id,
        "forward",
        &[("body", &body_id), ("deadline", "2027-06-01")],
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("legal limit"));
    let res = act(
        &mut c,
        id,
        "forward",
        &[("body", &body_id), ("deadline", "2020-01-01")],
    )
    .await;
    assert!(res.body.contains("cannot be in the past"));
    let res = act(&mut c, id, "status", &[("status", "flying")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = act(&mut c, id, "status", &[("status", "closed")]).await;
    assert!(
        res.body.contains("not possible from the current status"),
        "new → closed is not a step"
    );
    let res = act(&mut c, id, "status", &[("status", "not_an_appeal")]).await;
    assert!(res.body.contains("Give the reason"));
    // The author asked for a personal answer: not on the board.
    let res = act(
        &mut c,
        id,
        "answer",
        &[("kind", "board"), ("text", "x"), ("board_text", "y")],
    )
    .await;
    assert!(res.body.contains("do not publish it on the board"));
    // A commission member who is not assigned cannot act at all.
    let mut m = app.client();
    m.login("member").await;
    let csrf = m.csrf().await;
    let res = m
        .post(
            &format!("/staff/s/school-9/appeals/{id}/measures"),
            &[("csrf", &csrf), ("version", "1"), ("text", "x")],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

/// School 9 with mail addresses for its responsible (`sp`) and a new director: the deadline
/// job's reminders and escalations have someone to go to.
async fn mail_addresses(app: &TestApp) -> trustbox_store::Unit {
    let school = app.store.unit_by_slug("school-9").await.unwrap();
    let director = app
        .user("director", false, Some(("director", &school)))
        .await;
    app.store
        .set_user_email(director.id, Some("director@school9.example"))
        .await
        .unwrap();
    let sp = app.store.user_by_name("sp").await.unwrap();
    app.store
        .set_user_email(sp.id, Some("sp@school9.example"))
        .await
        .unwrap();
    school
}

/// How many mails of `kind` to `to` wait in the outbox.
async fn outbox_count(app: &TestApp, kind: &str, to: &str) -> u64 {
    crate::support::mails_to(app, kind, to).await.len() as u64
}

/// `n` anonymous questions to school 9 through the API, each from its own address (the
/// intake's limit is per address), numbered `letter 0`, `letter 1`, …
async fn many_letters(app: &TestApp, n: usize) {
    for i in 0..n {
        let mut c = app.client();
        c.peer = Some(
            format!("192.0.2.{}:{}", i % 200 + 1, 1000 + i)
                .parse()
                .unwrap(),
        );
        let res = c
            .post_json(
                "/api/v1/schools/school-9/appeals",
                &format!(r#"{{"author":"pupil","category":"question","text":"letter {i}"}}"#),
                None,
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{i}: {}", res.body);
    }
}

both!(
    deadline_reminders_and_escalation,
    a_backlog_of_notices_goes_out_once
);

async fn deadline_reminders_and_escalation(app: TestApp) {
    app.clock.set(datetime!(2026-11-16 04:00 UTC));
    setup(&app).await;
    let school = mail_addresses(&app).await;
    let open = letter(&app, "open letter", "board", "1").await;
    let answered = letter(&app, "answered letter", "board", "1").await;
    let mut c = app.client();
    c.login("sp").await;
    assert_eq!(
        act(
            &mut c,
            answered,
            "answer",
            &[
                ("kind", "board"),
                ("text", "answer"),
                ("board_text", "board")
            ]
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    // Thursday: the deadline (Monday 23) is two working days away — nothing yet.
    app.clock.set(datetime!(2026-11-19 04:00 UTC));
    assert_eq!(
        trustbox_web::jobs::run_deadlines(&app.state).await.unwrap(),
        Default::default()
    );
    // Friday: one working day before — a reminder, once.
    app.clock.set(datetime!(2026-11-20 04:00 UTC));
    let r = trustbox_web::jobs::run_deadlines(&app.state).await.unwrap();
    assert_eq!((r.reminders, r.escalations), (1, 0));
    assert_eq!(
        outbox_count(&app, "reminder", "sp@school9.example").await,
        1
    );
    assert_eq!(
        trustbox_web::jobs::run_deadlines(&app.state)
            .await
            .unwrap()
            .reminders,
        0,
        "only once"
    );
    // Tuesday 24: overdue — the director is told, once; the answered letter never.
    app.clock.set(datetime!(2026-11-24 04:00 UTC));
    let r = trustbox_web::jobs::run_deadlines(&app.state).await.unwrap();
    assert_eq!(r.escalations, 1);
    assert_eq!(
        outbox_count(&app, "overdue", "director@school9.example").await,
        1
    );
    assert_eq!(
        trustbox_web::jobs::run_deadlines(&app.state)
            .await
            .unwrap()
            .escalations,
        0
    );
    let a = app.store.appeal(school.id, open).await.unwrap();
    let overdue = app
        .store
        .inbox(
            school.id,
            &trustbox_store::InboxFilter {
                overdue_on: Some("2026-11-24".into()),
                ..Default::default()
            },
            10,
            0,
        )
        .await
        .unwrap();
    assert_eq!(
        overdue.iter().map(|x| x.id).collect::<Vec<_>>(),
        vec![a.id],
        "the overdue view lists it"
    );
    // Mails carry the number and a link, never the letter.
    let n = app
        .store
        .raw_execute("UPDATE outbox SET attempts = attempts WHERE body LIKE '%open letter%'")
        .await
        .unwrap();
    assert_eq!(n, 0);
}

/// More letters due at once than one commit records (a school back after an outage): every
/// one is reminded, then escalated, exactly once, with its mail, even with two rounds running
/// at the same time (as two instances would).
async fn a_backlog_of_notices_goes_out_once(app: TestApp) {
    app.clock.set(datetime!(2026-11-16 04:00 UTC));
    setup(&app).await;
    mail_addresses(&app).await;
    let n = 2 * trustbox_web::jobs::NOTICES_PER_COMMIT + 50;
    many_letters(&app, n).await;
    // Friday, one working day before the deadline: two rounds at once.
    app.clock.set(datetime!(2026-11-20 04:00 UTC));
    let (a, b) = tokio::join!(
        trustbox_web::jobs::run_deadlines(&app.state),
        trustbox_web::jobs::run_deadlines(&app.state)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.reminders + b.reminders, n, "{a:?} {b:?}");
    assert_eq!(a.escalations + b.escalations, 0);
    assert_eq!(
        outbox_count(&app, "reminder", "sp@school9.example").await,
        n as u64,
        "one mail per letter"
    );
    let again = trustbox_web::jobs::run_deadlines(&app.state).await.unwrap();
    assert_eq!(again.reminders, 0, "only once");
    // Tuesday: all overdue.
    app.clock.set(datetime!(2026-11-24 04:00 UTC));
    let r = trustbox_web::jobs::run_deadlines(&app.state).await.unwrap();
    assert_eq!((r.reminders, r.escalations), (0, n));
    assert_eq!(
        outbox_count(&app, "overdue", "director@school9.example").await,
        n as u64
    );
    assert_eq!(
        trustbox_web::jobs::run_deadlines(&app.state)
            .await
            .unwrap()
            .escalations,
        0
    );
}

both!(journal_exports_audit_and_inbox_views);

async fn journal_exports_audit_and_inbox_views(app: TestApp) {
    app.clock.set(datetime!(2026-11-16 04:00 UTC));
    setup(&app).await;
    let school = app.store.unit_by_slug("school-9").await.unwrap();
    app.user("director", false, Some(("director", &school)))
        .await;
    let member = app.store.user_by_name("member").await.unwrap();
    let id = letter(&app, "Кантип жардам алсам болот?", "board", "1").await;
    letter(&app, "Экинчи кат", "board", "1").await;
    let mut sp = app.client();
    sp.login("sp").await;
    let m = member.id.to_string();
    act(&mut sp, id, "assign", &[("user", &m), ("op", "add")]).await;
    // The assignee filter lists only that person's letters.
    let inbox = sp
        .get(&format!("/staff/s/school-9/appeals?assignee={m}"))
        .await;
    assert!(
        inbox.body.contains("2026/1") && !inbox.body.contains("2026/2"),
        "{}",
        inbox.body
    );
    // An overdue forwarding is listed above the inbox.
    let page = sp.get(&format!("/staff/s/school-9/appeals/{id}")).await;
    let i = page.body.find("name=\"body\"").unwrap();
    let body_id = page.body[i..]
        .split("<option value=\"")
        .nth(2)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(
        act(
            &mut sp,
            id,
            "forward",
            &[("body", &body_id), ("deadline", "2026-11-17")]
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    app.clock.set(datetime!(2026-11-18 04:00 UTC));
    sp.login("sp").await;
    let inbox = sp.get("/staff/s/school-9/appeals").await;
    assert!(
        inbox.body.contains("overdue-forwards-h"),
        "overdue forwards listed"
    );
    // The journal as CSV (in the school's language) and XLSX.
    let csv = sp
        .get("/staff/s/school-9/journal?from=2026-01-01&to=2026-12-31&format=csv")
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.headers
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(csv.body.contains("2026/1") && csv.body.contains("2026/2"));
    assert!(
        csv.body.contains("Кантип жардам алсам болот?"),
        "short content"
    );
    assert!(
        csv.body.contains("анонимдүү"),
        "the anonymous mark in Kyrgyz"
    );
    let xlsx = sp.get("/staff/s/school-9/journal?format=xlsx").await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.bytes.starts_with(b"PK"), "an XLSX is a zip");
    let html = sp.get("/staff/s/school-9/journal").await;
    assert!(html.body.contains("Кантип жардам алсам болот?"));
    // The period filter.
    let empty = sp
        .get("/staff/s/school-9/journal?from=2025-01-01&to=2025-12-31&format=csv")
        .await;
    assert!(!empty.body.contains("2026/1"));
    // The director reads the school's audit log; a commission member does not, nor the journal.
    let mut d = app.client();
    d.login("director").await;
    let audit = d.get("/staff/s/school-9/audit").await;
    assert_eq!(audit.status, StatusCode::OK);
    assert!(audit.body.contains("journal-viewed") && audit.body.contains("forwarded"));
    assert_eq!(
        d.get("/staff/s/school-9/journal").await.status,
        StatusCode::NOT_FOUND
    );
    let mut mm = app.client();
    mm.login("member").await;
    assert_eq!(
        mm.get("/staff/s/school-9/audit").await.status,
        StatusCode::NOT_FOUND
    );
}

both!(the_inbox_pages_through_a_long_list);

/// 230 letters: the inbox shows them a hundred at a time in its order, each once, with links to
/// the pages before and after that keep the filters.
async fn the_inbox_pages_through_a_long_list(app: TestApp) {
    app.clock.set(datetime!(2026-11-16 04:00 UTC));
    setup(&app).await;
    many_letters(&app, 230).await;
    let mut sp = app.client();
    sp.login("sp").await;
    let numbers = |body: &str| -> Vec<i64> {
        body.split("\">2026/")
            .skip(1)
            .map(|s| s.split('<').next().unwrap().parse().unwrap())
            .collect()
    };
    let p1 = sp.get("/staff/s/school-9/appeals?category=question").await;
    assert_eq!(p1.status, StatusCode::OK);
    assert_eq!(numbers(&p1.body), (1..=100).collect::<Vec<_>>());
    assert!(!p1.body.contains("rel=\"prev\""));
    assert!(
        p1.body.contains(
            "href=\"/staff/s/school-9/appeals?category=question&#38;page=2\" rel=\"next\""
        ),
        "{}",
        p1.body
    );
    let p2 = sp
        .get("/staff/s/school-9/appeals?category=question&page=2")
        .await;
    assert_eq!(numbers(&p2.body), (101..=200).collect::<Vec<_>>());
    assert!(p2.body.contains("page=1\" rel=\"prev\"") && p2.body.contains("page=3\" rel=\"next\""));
    assert!(p2.body.contains("Page 2"), "the page is named");
    let p3 = sp
        .get("/staff/s/school-9/appeals?category=question&page=3")
        .await;
    assert_eq!(numbers(&p3.body), (201..=230).collect::<Vec<_>>());
    assert!(p3.body.contains("rel=\"prev\"") && !p3.body.contains("rel=\"next\""));
    // Past the end: an empty page, not an error; a bad page number is the first page.
    let p9 = sp.get("/staff/s/school-9/appeals?page=9").await;
    assert_eq!(p9.status, StatusCode::OK);
    assert!(numbers(&p9.body).is_empty());
    let bad = sp.get("/staff/s/school-9/appeals?page=x").await;
    assert_eq!(numbers(&bad.body), (1..=100).collect::<Vec<_>>());
    // A filter that leaves fewer than a page shows no pager.
    let none = sp.get("/staff/s/school-9/appeals?category=violence").await;
    assert!(numbers(&none.body).is_empty() && !none.body.contains("class=\"pager\""));
}

both!(the_answer_board_never_names_the_author);

async fn the_answer_board_never_names_the_author(app: TestApp) {
    app.clock.set(datetime!(2026-11-16 04:00 UTC));
    setup(&app).await;
    let id = letter(&app, "Мен Айбекмин, 7-Б, мени Нурбек урат", "board", "1").await;
    let signed = letter(&app, "Кол коюлган кат", "personal", "0").await;
    let mut sp = app.client();
    sp.login("sp").await;
    let res = act(
        &mut sp,
        id,
        "answer",
        &[
            ("kind", "board"),
            ("text", "Жеке жооп"),
            (
                "board_text",
                "Класс жетекчиңиз менен сүйлөштүк, мындан ары мындай болбойт.",
            ),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let mut public = app.client();
    let board = public.get("/ky/school-9/board").await;
    assert_eq!(board.status, StatusCode::OK);
    assert!(
        board.body.contains("Класс жетекчиңиз менен сүйлөштүк"),
        "the board text is shown"
    );
    assert!(
        board.body.contains("16.11.2026 10:00") && board.body.contains("2026/1"),
        "identified by date, time and number"
    );
    for secret in ["Айбек", "Нурбек", "7-Б", "Жеке жооп", "Бакыт"] {
        assert!(
            !board.body.contains(secret),
            "{secret} must not be on the board"
        );
    }
    // The printed sheet for the stand carries the same, and nothing more.
    let sheet = sp.get("/staff/s/school-9/board-sheet").await;
    assert_eq!(sheet.status, StatusCode::OK);
    let text = crate::support::pdf_text(&sheet.bytes);
    assert!(text.contains("сүйлөштүк"), "{text}");
    for secret in ["Айбек", "Нурбек", "Жеке жооп"] {
        assert!(
            !text.contains(secret),
            "{secret} must not be on the printed board"
        );
    }
    let poster = sp.get("/staff/s/school-9/poster").await;
    assert_eq!(poster.status, StatusCode::OK);
    assert!(
        crate::support::pdf_text(&poster.bytes).contains("111"),
        "the poster carries the helplines"
    );
    assert!(board.headers.get("set-cookie").is_none());
    // An invitation for an anonymous letter; refused for a signed one.
    let other = letter(&app, "Дагы бир кат", "board", "1").await;
    assert_eq!(
        act(&mut sp, other, "invite", &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let board = public.get("/en/school-9/board").await;
    assert!(
        board.body.contains("is invited to a personal conversation"),
        "{}",
        board.body
    );
    let res = act(&mut sp, signed, "invite", &[]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("contact them personally"));
    // Withdrawn: gone at once. The rest leaves by itself after 30 days.
    let school = app.store.unit_by_slug("school-9").await.unwrap();
    let item = app.store.board_of_appeal(school.id, other).await.unwrap()[0]
        .id
        .to_string();
    let page = sp.get(&format!("/staff/s/school-9/appeals/{other}")).await;
    let csrf = page.input_value("csrf").unwrap();
    assert_eq!(
        sp.post(
            &format!("/staff/s/school-9/appeals/{other}/withdraw"),
            &[("csrf", &csrf), ("item", &item)]
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    let board = public.get("/en/school-9/board").await;
    assert!(!board.body.contains("is invited to a personal conversation"));
    assert!(board.body.contains("Класс жетекчиңиз"));
    app.clock.advance(time::Duration::days(31));
    let board = public.get("/en/school-9/board").await;
    assert!(!board.body.contains("Класс жетекчиңиз"), "expired");
    assert!(board.body.contains("no answers on the board"));
}
