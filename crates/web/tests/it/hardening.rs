//! Abuse and faults (issue 19): who the client is behind a proxy, no lock a prankster can turn
//! on everyone, staff lockout per account and source, bounded password hashing, slow headers,
//! readiness on a read-only database, and the clean-up job.

use std::io::{Read, Write};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use time::macros::datetime;
use tower::ServiceExt;
use trustbox_crypto::MasterKey;
use trustbox_store::{Backend, Store};
use trustbox_web::{AppState, WebConfig};

use crate::support::{PASSWORD, TestApp};

crate::both!(
    forwarded_addresses_are_believed_only_from_trusted_proxies,
    a_correct_code_opens_whatever_others_guess,
    someone_elses_wrong_passwords_do_not_lock_the_staff_member_out,
    parallel_logins_from_one_source_do_not_all_hash,
    readyz_fails_and_writes_answer_503_on_a_read_only_database,
    the_clean_up_job_deletes_expired_sessions,
);

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

async fn school(app: &TestApp) {
    app.clock.set(datetime!(2026-11-16 04:00 UTC));
    let kg = app.unit("kg", "country", None, "KG").await;
    app.unit("school-9", "school", Some(&kg), "KG").await;
}

/// Posts a letter from a client at `peer`; its receipt code.
async fn write_letter(app: &TestApp, peer: &str, text: &str) -> String {
    let mut c = app.client();
    c.peer = Some(peer.parse().unwrap());
    let res = c
        .post_multipart("/en/school-9/write", &letter(text), &[])
        .await;
    res.by_id("receipt-code")
        .unwrap_or_else(|| panic!("no receipt: {}", res.body))
}

fn wrong(i: usize) -> String {
    format!("9999-0000-{:04}-{:04}", i / 10_000, i % 10_000)
}

async fn forwarded_addresses_are_believed_only_from_trusted_proxies(base: TestApp) {
    // The proxies of this installation: 10.0.0.0/8.
    let app = TestApp::spawn_with(base.store.backend(), |c| {
        c.trusted_proxies = trustbox_web::client::parse_trusted("10.0.0.0/8").unwrap();
    })
    .await;
    school(&app).await;
    let good = write_letter(&app, "192.0.2.1:1000", "behind the proxy").await;
    let via_proxy = |xff: &str| {
        let mut c = app.client();
        c.peer = Some("10.0.0.2:40000".parse().unwrap());
        c.extra_headers = vec![("x-forwarded-for", xff.to_string())];
        c
    };
    // A prankster behind the proxy (who also wrote a fake first hop) guesses until refused.
    let mut prankster = via_proxy("6.6.6.6, 198.51.100.7");
    for i in 0..5 {
        let res = prankster
            .post("/en/follow-up", &[("code", &wrong(i))])
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "guess {i}");
    }
    let res = prankster
        .post("/en/follow-up", &[("code", &wrong(9))])
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    // Through a second trusted hop the prankster is still the same client.
    let mut again = via_proxy("198.51.100.7, 10.9.9.9");
    let res = again.post("/en/follow-up", &[("code", &good)]).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
    // Another pupil through the very same proxy is someone else: the code opens.
    let mut pupil = via_proxy("198.51.100.8");
    let res = pupil.post("/en/follow-up", &[("code", &good)]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("behind the proxy"));
    // The same header from a peer that is not a trusted proxy is ignored: a client cannot
    // choose who it is, however it rotates the header.
    let mut direct = app.client();
    direct.peer = Some("203.0.113.5:5000".parse().unwrap());
    for i in 0..6 {
        direct.extra_headers = vec![("x-forwarded-for", format!("198.51.100.{}", 50 + i))];
        let res = direct.post("/en/follow-up", &[("code", &wrong(i))]).await;
        let want = if i < 5 {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(res.status, want, "guess {i}");
    }
    direct.extra_headers = vec![
        ("x-forwarded-for", "198.51.100.99".to_string()),
        ("forwarded", "for=198.51.100.98".to_string()),
    ];
    let res = direct.post("/en/follow-up", &[("code", &good)]).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    // IPv6 clients are one source per /64.
    let mut v6 = via_proxy("2001:db8:1:2::1");
    for i in 0..6 {
        v6.extra_headers = vec![("x-forwarded-for", format!("2001:db8:1:2::{:x}", 100 + i))];
        let res = v6.post("/en/follow-up", &[("code", &wrong(i))]).await;
        let want = if i < 5 {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(res.status, want, "guess {i}");
    }
    v6.extra_headers = vec![("forwarded", "for=\"[2001:db8:1:2::ffff]:443\"".to_string())];
    let res = v6.post("/en/follow-up", &[("code", &good)]).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "same /64");
    v6.extra_headers = vec![("forwarded", "for=\"[2001:db8:1:3::1]:443\"".to_string())];
    let res = v6.post("/en/follow-up", &[("code", &good)]).await;
    assert_eq!(res.status, StatusCode::OK, "another /64");
    // Nothing about addresses is stored.
    let dump = crate::support::raw_dump(&app).await;
    assert!(!dump.contains("198.51.100.7") && !dump.contains("2001:db8"));
}

async fn a_correct_code_opens_whatever_others_guess(app: TestApp) {
    school(&app).await;
    let good = write_letter(&app, "192.0.2.1:1000", "my letter").await;
    // One prankster, far past their own limit.
    let mut one = app.client();
    one.peer = Some("203.0.113.1:1".parse().unwrap());
    for i in 0..20 {
        one.post("/en/follow-up", &[("code", &wrong(i))]).await;
    }
    // And 61 addresses, five wrong codes each (305 guesses).
    for s in 0..61 {
        let mut c = app.client();
        c.peer = Some(
            format!("198.18.{}.{}:2000", s / 200, s % 200 + 1)
                .parse()
                .unwrap(),
        );
        for i in 0..5 {
            let res = c
                .post("/en/follow-up", &[("code", &wrong(100 + s * 5 + i))])
                .await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "source {s}, guess {i}");
        }
    }
    // The pupil's correct code opens the letter, on the page and through the API.
    let mut pupil = app.client();
    pupil.peer = Some("192.0.2.77:3000".parse().unwrap());
    let res = pupil.post("/en/follow-up", &[("code", &good)]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("my letter"));
    let res = pupil
        .post_json(
            "/api/v1/follow-up",
            &format!(r#"{{"receipt":"{good}"}}"#),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("my letter"));
    // The prankster's own source stays refused.
    let res = one.post("/en/follow-up", &[("code", &good)]).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
}

async fn someone_elses_wrong_passwords_do_not_lock_the_staff_member_out(app: TestApp) {
    let aigul = app.user("aigul", false, None).await;
    let mut attacker = app.client();
    attacker.peer = Some("203.0.113.9:4000".parse().unwrap());
    let mut last = None;
    for _ in 0..25 {
        last = Some(attacker.login_password("aigul", "wrong").await);
    }
    let last = last.unwrap();
    assert!(
        last.body.contains("locked for 15 minutes"),
        "the attacker is refused: {}",
        last.body
    );
    // Aigul, from her own network, logs in with her password at once.
    let mut real = app.client();
    real.peer = Some("192.0.2.44:5000".parse().unwrap());
    real.login("aigul").await;
    let user = app.store.user(aigul.id).await.unwrap();
    assert!(
        user.locked_until.is_none(),
        "the account itself is not locked"
    );
    // The attacker's wait grows: after the first quarter of an hour, ten more wrong
    // passwords lock them out for half an hour.
    app.clock.advance(time::Duration::minutes(16));
    for _ in 0..9 {
        let res = attacker.login_password("aigul", "wrong").await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        assert!(
            res.body.contains("Wrong username or password"),
            "{}",
            res.body
        );
    }
    let res = attacker.login_password("aigul", "wrong").await;
    assert!(res.body.contains("locked for 30 minutes"), "{}", res.body);
    // Even the right password from the attacker's source waits.
    let res = attacker.login_password("aigul", PASSWORD).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    real.get("/staff").await;
}

async fn parallel_logins_from_one_source_do_not_all_hash(app: TestApp) {
    app.user("aigul", false, None).await;
    let peer: std::net::SocketAddr = "203.0.113.20:1000".parse().unwrap();
    // Each request carries its own login page's cookie, as 40 browser tabs would.
    let mut requests = Vec::new();
    for _ in 0..40 {
        let mut c = app.client();
        c.peer = Some(peer);
        let page = c.get("/staff/login?lang=en").await;
        let pre = page.input_value("pre").unwrap();
        let cookie = c
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let body = serde_urlencoded::to_string([
            ("username", "aigul"),
            ("password", "wrong"),
            ("pre", pre.as_str()),
            ("lang", "en"),
        ])
        .unwrap();
        let mut req = Request::post("/staff/login")
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(peer));
        requests.push(req);
    }
    let before = app.state.hashing.started();
    let mut set = tokio::task::JoinSet::new();
    for req in requests {
        let router = app.router.clone();
        set.spawn(async move { router.oneshot(req).await.unwrap().status() });
    }
    let mut statuses = Vec::new();
    while let Some(s) = set.join_next().await {
        statuses.push(s.unwrap());
    }
    let hashed = app.state.hashing.started() - before;
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(
        hashed <= trustbox_web::hashing::PER_SOURCE as u64,
        "{hashed} of 40 ran argon2"
    );
    assert_eq!(refused as u64 + hashed, 40, "{statuses:?}");
}

/// The app on a read-only handle of the test's database.
async fn read_only_app(app: &TestApp) -> (axum::Router, Store) {
    let url = match app.store.backend() {
        Backend::Sqlite => format!("{}?mode=ro", app._db.url),
        Backend::Postgres => {
            let name = app._db.url.rsplit('/').next().unwrap().to_string();
            app.store
                .raw_execute(&format!(
                    "ALTER DATABASE {name} SET default_transaction_read_only = on"
                ))
                .await
                .unwrap();
            app._db.url.clone()
        }
    };
    let store = Store::connect(&url).await.unwrap();
    let state = AppState::new(
        store.clone(),
        MasterKey::for_tests(7),
        WebConfig {
            login_failure_delay_ms: 0,
            ..WebConfig::default()
        },
        app.clock.clone() as Arc<dyn trustbox_web::Clock>,
    );
    (trustbox_web::app(state), store)
}

async fn get(router: &axum::Router, path: &str) -> (StatusCode, axum::http::HeaderMap) {
    let res = router
        .clone()
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    (res.status(), res.headers().clone())
}

async fn readyz_fails_and_writes_answer_503_on_a_read_only_database(app: TestApp) {
    school(&app).await;
    app.user("aigul", false, None).await;
    assert_eq!(get(&app.router, "/readyz").await.0, StatusCode::OK);
    let (ro, _store) = read_only_app(&app).await;
    // Alive, but not ready.
    assert_eq!(get(&ro, "/healthz").await.0, StatusCode::OK);
    let (status, headers) = get(&ro, "/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(headers.contains_key(header::RETRY_AFTER));
    // A letter through the API: 503 with a retry hint, not a 500.
    let res = ro
        .clone()
        .oneshot(
            Request::post("/api/v1/schools/school-9/appeals")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(
                    r#"{"author":"pupil","category":"question","text":"hello"}"#,
                ))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(res.headers().contains_key(header::RETRY_AFTER));
    let body = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .unwrap();
    let body = String::from_utf8_lossy(&body);
    assert!(body.contains("\"unavailable\""), "{body}");
    // A page that writes: a wrong password is recorded, so the login page answers 503 too.
    let mut c = app.client();
    let page = c.get("/staff/login?lang=en").await;
    let pre = page.input_value("pre").unwrap();
    let cookie = c
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let body = serde_urlencoded::to_string([
        ("username", "aigul"),
        ("password", "wrong"),
        ("pre", pre.as_str()),
        ("lang", "en"),
    ])
    .unwrap();
    let res = ro
        .clone()
        .oneshot(
            Request::post("/staff/login")
                .header(header::COOKIE, cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(res.headers().contains_key(header::RETRY_AFTER));
    if app.store.backend() == Backend::Postgres {
        let name = app._db.url.rsplit('/').next().unwrap().to_string();
        app.store
            .raw_execute(&format!(
                "ALTER DATABASE {name} RESET default_transaction_read_only"
            ))
            .await
            .unwrap();
    }
}

async fn the_clean_up_job_deletes_expired_sessions(app: TestApp) {
    app.user("aigul", false, None).await;
    let mut c = app.client();
    c.login("aigul").await;
    let mut d = app.client();
    app.clock.advance(time::Duration::minutes(30));
    d.login("aigul").await;
    let count = |sql: &'static str| {
        let store = app.store.clone();
        async move { store.raw_query_i64(sql).await.unwrap()[0].0 }
    };
    assert_eq!(count("SELECT COUNT(*) FROM sessions").await, 2);
    // The first one has been idle for over an hour; the second one not yet.
    app.clock.advance(time::Duration::minutes(45));
    let r = trustbox_web::cleanup::run_cleanup(&app.state)
        .await
        .unwrap();
    assert_eq!(r.sessions, 1);
    assert_eq!(count("SELECT COUNT(*) FROM sessions").await, 1);
    assert_eq!(d.get("/staff").await.status, StatusCode::OK);
    app.clock.advance(time::Duration::hours(2));
    trustbox_web::cleanup::run_cleanup(&app.state)
        .await
        .unwrap();
    assert_eq!(count("SELECT COUNT(*) FROM sessions").await, 0);
}

/// A server with a one-second header deadline: a client that sends half its headers and then
/// nothing is disconnected; a whole request is answered.
#[tokio::test]
async fn slow_headers_are_cut_off() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let limits = trustbox_web::server::Limits {
        header_timeout: std::time::Duration::from_secs(1),
        max_connections: 64,
        per_source: 4,
    };
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(trustbox_web::server::serve(
        listener,
        app.state.clone(),
        limits,
        async move {
            let _ = stop_rx.await;
        },
    ));
    let outcome = tokio::task::spawn_blocking(move || {
        let mut slow = std::net::TcpStream::connect(addr).unwrap();
        // A safety net only: the server must close long before this.
        slow.set_read_timeout(Some(std::time::Duration::from_secs(60)))
            .unwrap();
        slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            .unwrap();
        let mut buf = Vec::new();
        let closed = match slow.read_to_end(&mut buf) {
            Ok(_) => true,
            Err(e) => e.kind() == std::io::ErrorKind::ConnectionReset,
        };
        // The per-source cap: the fifth connection from this address is closed at once, while
        // four others are held open.
        let held: Vec<_> = (0..4)
            .map(|_| std::net::TcpStream::connect(addr).unwrap())
            .collect();
        let mut fifth = std::net::TcpStream::connect(addr).unwrap();
        fifth
            .set_read_timeout(Some(std::time::Duration::from_secs(60)))
            .unwrap();
        let _ = fifth.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        let mut answer = Vec::new();
        let fifth_closed = match fifth.read_to_end(&mut answer) {
            Ok(_) => answer.is_empty(),
            Err(e) => e.kind() == std::io::ErrorKind::ConnectionReset,
        };
        drop(held);
        (
            closed,
            String::from_utf8_lossy(&buf).into_owned(),
            fifth_closed,
        )
    })
    .await
    .unwrap();
    assert!(outcome.0, "the slow connection was not closed");
    assert!(!outcome.1.contains("200 OK"), "{}", outcome.1);
    assert!(outcome.2, "the fifth connection from one source was served");
    // A whole request on a fresh connection is answered.
    let answer = tokio::task::spawn_blocking(move || {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(60)))
            .unwrap();
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut buf = String::new();
        let _ = s.read_to_string(&mut buf);
        buf
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let _ = stop_tx.send(());
    server.await.unwrap();
}
