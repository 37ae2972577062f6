//! Logging in and out, setup links, CSRF, sessions, languages.

use axum::http::StatusCode;

use crate::both;
use crate::support::{PASSWORD, TestApp};

both!(
    setup_link_then_login,
    wrong_password_keeps_username_and_locks,
    csrf_is_required,
    sessions_end_when_idle,
    language_is_per_user,
    public_pages_set_no_cookie_and_carry_headers
);

async fn setup_link_then_login(app: TestApp) {
    let admin = app
        .store
        .create_user(
            &trustbox_store::NewUser {
                username: "admin".into(),
                display_name: "Admin".into(),
                password_hash: None,
                is_admin: true,
                lang: "ru".into(),
            },
            0,
        )
        .await
        .unwrap();
    let link = trustbox_web::setup_link(&app.state, admin.id, 3600)
        .await
        .unwrap();
    let path = link.trim_start_matches("http://127.0.0.1:8080");
    let mut c = app.client();
    assert_eq!(c.get(path).await.status, StatusCode::OK);
    // Too short, then mismatched: shown again with the message at the field.
    let res = c
        .post(
            path,
            &[
                ("password", "short"),
                ("password_confirm", "short"),
                ("lang", "en"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("at least 10 characters"), "{}", res.body);
    assert!(res.body.contains("aria-invalid=\"true\""));
    let res = c
        .post(
            path,
            &[
                ("password", PASSWORD),
                ("password_confirm", "something else"),
                ("lang", "ru"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("lang=\"ru\""));
    let res = c
        .post(
            path,
            &[
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
                ("lang", "en"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    // The link works once.
    assert_eq!(c.get(path).await.status, StatusCode::NOT_FOUND);
    let res = c
        .post(
            path,
            &[
                ("password", "another long password"),
                ("password_confirm", "another long password"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    c.login("admin").await;
    let dash = c.get("/staff").await;
    assert_eq!(dash.status, StatusCode::OK);
    assert!(dash.body.contains("/staff/admin/units"));
}

async fn wrong_password_keeps_username_and_locks(app: TestApp) {
    app.user("aigul", false, None).await;
    let mut c = app.client();
    let page = c.get("/staff/login?lang=en").await;
    let pre = page.input_value("pre").unwrap();
    let res = c
        .post(
            "/staff/login",
            &[
                ("username", "aigul"),
                ("password", "wrong"),
                ("pre", &pre),
                ("lang", "en"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert!(res.body.contains("Wrong username or password"));
    assert_eq!(
        res.input_value("username").as_deref(),
        Some("aigul"),
        "the typed username is kept"
    );
    // An unknown user gets the very same answer.
    let res2 = c
        .post(
            "/staff/login",
            &[
                ("username", "nobody"),
                ("password", "wrong"),
                ("pre", &pre),
                ("lang", "en"),
            ],
        )
        .await;
    assert_eq!(res2.status, StatusCode::UNAUTHORIZED);
    assert!(res2.body.contains("Wrong username or password"));
    for _ in 0..9 {
        c.post(
            "/staff/login",
            &[
                ("username", "aigul"),
                ("password", "wrong"),
                ("pre", &pre),
                ("lang", "en"),
            ],
        )
        .await;
    }
    // Locked now: even the right password is refused, with a clear message.
    let res = c
        .post(
            "/staff/login",
            &[
                ("username", "aigul"),
                ("password", PASSWORD),
                ("pre", &pre),
                ("lang", "en"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert!(res.body.contains("locked for 15 minutes"), "{}", res.body);
    app.clock.advance(time::Duration::minutes(16));
    c.login("aigul").await;
    // The failures are in the audit log.
    let log = app.store.audit_entries(None, 100).await.unwrap();
    assert!(log.iter().filter(|e| e.action == "login-failed").count() >= 10);
}

async fn csrf_is_required(app: TestApp) {
    app.user("admin", true, None).await;
    let mut c = app.client();
    c.login("admin").await;
    let form = [
        ("kind", "school"),
        ("slug", "school-1"),
        ("country", "KG"),
        ("name_ky", "Мектеп"),
        ("default_lang", "ky"),
        ("time_zone", "Asia/Bishkek"),
    ];
    let res = c.post("/staff/admin/units/new", &form).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "no token");
    let mut with_wrong = form.to_vec();
    with_wrong.push(("csrf", "00ff"));
    assert_eq!(
        c.post("/staff/admin/units/new", &with_wrong).await.status,
        StatusCode::FORBIDDEN,
        "wrong token"
    );
    assert!(
        app.store.unit_by_slug("school-1").await.is_err(),
        "nothing was created"
    );
    let token = c.csrf().await;
    let mut ok = form.to_vec();
    ok.push(("csrf", &token));
    assert_eq!(
        c.post("/staff/admin/units/new", &ok).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(app.store.unit_by_slug("school-1").await.is_ok());
    // A login form posted without the page's cookie is refused too.
    let mut other = app.client();
    let res = other
        .post(
            "/staff/login",
            &[
                ("username", "admin"),
                ("password", PASSWORD),
                ("pre", "forged"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

async fn sessions_end_when_idle(app: TestApp) {
    app.user("admin", true, None).await;
    let mut c = app.client();
    c.login("admin").await;
    assert_eq!(c.get("/staff").await.status, StatusCode::OK);
    let cookie = c.cookies.get("tb_session").cloned().unwrap();
    assert!(cookie.len() >= 40);
    app.clock.advance(time::Duration::minutes(50));
    assert_eq!(
        c.get("/staff").await.status,
        StatusCode::OK,
        "activity keeps it alive"
    );
    app.clock.advance(time::Duration::minutes(61));
    let res = c.get("/staff").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/staff/login");
    // Logging out ends the session on the server, not just in the browser.
    c.login("admin").await;
    let saved = c.cookies.clone();
    let token = c.csrf().await;
    assert_eq!(
        c.post("/staff/logout", &[("csrf", &token)]).await.status,
        StatusCode::SEE_OTHER
    );
    c.cookies = saved;
    assert_eq!(c.get("/staff").await.status, StatusCode::SEE_OTHER);
}

async fn language_is_per_user(app: TestApp) {
    app.user("admin", true, None).await;
    let mut c = app.client();
    c.login("admin").await;
    for (code, word) in [
        ("ky", "lang=\"ky\""),
        ("kk", "lang=\"kk\""),
        ("ru", "lang=\"ru\""),
        ("en", "lang=\"en\""),
    ] {
        let token = c.csrf().await;
        let res = c
            .post(
                "/staff/language",
                &[
                    ("csrf", &token),
                    ("lang", code),
                    ("back", "/staff/admin/users"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert_eq!(res.location(), "/staff/admin/users");
        let page = c.get("/staff/admin/users").await;
        assert!(page.body.contains(word), "{code}");
    }
    let token = c.csrf().await;
    let res = c
        .post("/staff/language", &[("csrf", &token), ("lang", "xx")])
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let res = c
        .post(
            "/staff/language",
            &[
                ("csrf", &token),
                ("lang", "ru"),
                ("back", "https://evil.example/"),
            ],
        )
        .await;
    assert_eq!(res.location(), "/staff", "no open redirect");
}

async fn public_pages_set_no_cookie_and_carry_headers(app: TestApp) {
    let mut c = app.client();
    c.accept_language = Some("kk-KZ,kk;q=0.9,ru;q=0.8".into());
    let res = c.get("/").await;
    assert_eq!(res.location(), "/kk");
    for path in ["/kk", "/ky", "/ru", "/en", "/healthz", "/nope/nothing"] {
        let res = c.get(path).await;
        assert!(
            res.headers.get("set-cookie").is_none(),
            "{path} sets a cookie"
        );
        assert_eq!(
            res.headers.get("cache-control").unwrap(),
            "no-store",
            "{path}"
        );
        let csp = res
            .headers
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap();
        assert!(
            csp.contains("default-src 'none'")
                && csp.contains("frame-ancestors 'none'")
                && !csp.contains("unsafe-inline")
        );
        assert_eq!(res.headers.get("referrer-policy").unwrap(), "no-referrer");
    }
    let res = c.get("/ky/nothing/here").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(
        res.body.contains("lang=\"ky\""),
        "not-found speaks the language of the path"
    );
}

both!(metrics_count_without_names);

async fn metrics_count_without_names(app: TestApp) {
    app.unit("school-9", "school", None, "KG").await;
    let mut c = app.client();
    let res = c
        .post_json(
            "/api/v1/schools/school-9/appeals",
            r#"{"author":"pupil","category":"question","text":"Distinctive-Metrics-Text"}"#,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED);
    let m = c.get("/metrics").await;
    assert_eq!(m.status, StatusCode::OK);
    assert!(
        m.body.contains("trustbox_appeals{channel=\"web\"} 1"),
        "{}",
        m.body
    );
    assert!(
        m.body
            .contains("trustbox_appeals_by_status{status=\"new\"} 1")
    );
    assert!(m.body.contains("trustbox_mail_outbox{state=\"pending\"} 0"));
    assert!(
        !m.body.contains("school-9") && !m.body.contains("Distinctive"),
        "no names, no contents"
    );
}

both!(every_menu_link_opens_for_every_role);

async fn every_menu_link_opens_for_every_role(app: TestApp) {
    let kg = app.unit("kg", "country", None, "KG").await;
    let school = app.unit("school-9", "school", Some(&kg), "KG").await;
    app.user("admin", true, None).await;
    for role in ["responsible", "commission", "director", "operator"] {
        app.user(role, false, Some((role, &school))).await;
    }
    app.user("analyst", false, Some(("analyst", &kg))).await;
    for login in [
        "admin",
        "responsible",
        "commission",
        "director",
        "operator",
        "analyst",
    ] {
        let mut c = app.client();
        c.login(login).await;
        let page = c.get("/staff").await;
        let nav = &page.body[page.body.find("<nav class=\"staff\"").unwrap()..];
        let nav = &nav[..nav.find("</nav>").unwrap()];
        let links: Vec<String> = nav
            .split("href=\"")
            .skip(1)
            .map(|s| s.split('"').next().unwrap().to_string())
            .collect();
        assert!(links.len() >= 2, "{login} has a menu: {links:?}");
        for l in links {
            let res = c.get(&l).await;
            assert_eq!(
                res.status,
                StatusCode::OK,
                "{login}: menu link {l} answered {}",
                res.status
            );
        }
    }
}
