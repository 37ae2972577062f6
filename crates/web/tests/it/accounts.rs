//! Accounts: TOTP two-factor (enrolment, two-step login, no reuse, tolerance, recovery codes,
//! mandatory per role), password strength, login throttling per account and per source, session
//! lifetime, the administrator's session list and revocation, reset links.

use axum::http::StatusCode;
use trustbox_web::Clock;

use crate::both;
use crate::support::{Client, PASSWORD, Res, TestApp};

both!(
    totp_enrolment_and_two_step_login,
    two_factor_required_by_role_forces_enrolment,
    passwords_are_judged_by_strength,
    login_is_throttled_per_account_and_per_source,
    sessions_have_an_absolute_lifetime_and_can_be_revoked,
    reset_link_ends_sessions_works_once_and_expires
);

/// The code an authenticator app would show at `at` for the key shown on the enrolment page.
fn app_code(secret_text: &str, at: i64) -> String {
    let b32: String = secret_text.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = totp_rs::Secret::Encoded(b32).to_bytes().unwrap();
    totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, bytes, None, "x".into())
        .unwrap()
        .generate(at as u64)
}

fn now(app: &TestApp) -> i64 {
    app.clock.now_ts()
}

/// The recovery codes of the page shown right after enrolment.
fn recovery_codes(res: &Res) -> Vec<String> {
    let i = res
        .body
        .find("id=\"recovery-codes\"")
        .expect("recovery codes shown");
    let part = &res.body[i..];
    let part = &part[..part.find("</ol>").unwrap()];
    part.split("<code>")
        .skip(1)
        .map(|s| s.split("</code>").next().unwrap().to_string())
        .collect()
}

/// Turns two-factor on for the logged-in client; returns the key text and recovery codes.
async fn enrol(app: &TestApp, c: &mut Client<'_>) -> (String, Vec<String>) {
    let page = c.get("/staff/account/2fa").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<svg"), "a QR code is shown");
    let secret = page.by_id("totp-secret").expect("the key is shown as text");
    let csrf = c.csrf().await;
    let res = c
        .post(
            "/staff/account/2fa",
            &[("csrf", &csrf), ("code", &app_code(&secret, now(app)))],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let codes = recovery_codes(&res);
    (secret, codes)
}

async fn second_step(c: &mut Client<'_>, code: &str) -> Res {
    let page = c.get("/staff/login/code?lang=en").await;
    assert_eq!(page.status, StatusCode::OK, "the code page opens");
    let csrf = page.input_value("csrf").unwrap();
    c.post(
        "/staff/login/code",
        &[("csrf", &csrf), ("code", code), ("lang", "en")],
    )
    .await
}

async fn totp_enrolment_and_two_step_login(app: TestApp) {
    let kg = app.unit("kg", "country", None, "KG").await;
    let school = app.unit("school-9", "school", Some(&kg), "KG").await;
    app.user("aigul", false, Some(("responsible", &school)))
        .await;
    let mut c = app.client();
    c.login("aigul").await;

    // A wrong first code is refused; the key stays the same on reload.
    let page = c.get("/staff/account/2fa").await;
    let secret = page.by_id("totp-secret").unwrap();
    assert_eq!(
        c.get("/staff/account/2fa").await.by_id("totp-secret"),
        Some(secret.clone())
    );
    let csrf = c.csrf().await;
    let wrong = if app_code(&secret, now(&app)) == "000000" {
        "111111"
    } else {
        "000000"
    };
    let res = c
        .post("/staff/account/2fa", &[("csrf", &csrf), ("code", wrong)])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("This code is wrong"), "{}", res.body);
    let (secret2, codes) = enrol(&app, &mut c).await;
    assert_eq!(secret, secret2);
    assert_eq!(codes.len(), 10);
    let enrol_code = app_code(&secret, now(&app));

    // The secret and the recovery codes are not stored readable.
    let dump = crate::support::raw_dump(&app).await;
    let b32: String = secret.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(!dump.contains(&b32), "the TOTP key is stored in clear");
    for code in &codes {
        assert!(
            !dump.contains(code.as_str()),
            "a recovery code is stored in clear"
        );
    }

    // Logging in now takes two steps, and there is no session after the first.
    let mut p = app.client();
    let res = p.login_password("aigul", PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/staff/login/code?lang=en");
    assert!(
        !p.cookies.contains_key("tb_session"),
        "no session before the second factor"
    );
    assert_eq!(p.get("/staff").await.location(), "/staff/login");
    // The code already used for enrolment does not work again (same time step).
    let res = second_step(&mut p, &enrol_code).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert!(res.body.contains("already used"));
    assert!(!p.cookies.contains_key("tb_session"));
    // The next step's code works (one step of tolerance ahead), and only once.
    let next = app_code(&secret, now(&app) + 30);
    let res = second_step(&mut p, &next).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/staff");
    assert_eq!(p.get("/staff").await.status, StatusCode::OK);
    let mut q = app.client();
    q.login_password("aigul", PASSWORD).await;
    let res = second_step(&mut q, &next).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "a code works once");
    // Two steps later the code of one step before is still accepted, two steps before not.
    app.clock.advance(time::Duration::seconds(90));
    let res = second_step(&mut q, &app_code(&secret, now(&app) - 60)).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "two steps old");
    let res = second_step(&mut q, &app_code(&secret, now(&app) - 30)).await;
    assert_eq!(
        res.status,
        StatusCode::SEE_OTHER,
        "one step old: {}",
        res.body
    );

    // A recovery code works once, instead of the app's code.
    let mut r = app.client();
    r.login_password("aigul", PASSWORD).await;
    let res = second_step(&mut r, &codes[3].to_uppercase()).await;
    assert_eq!(
        res.status,
        StatusCode::SEE_OTHER,
        "recovery code: {}",
        res.body
    );
    let mut r2 = app.client();
    r2.login_password("aigul", PASSWORD).await;
    let res = second_step(&mut r2, &codes[3]).await;
    assert_eq!(
        res.status,
        StatusCode::UNAUTHORIZED,
        "a recovery code works once"
    );
    assert!(
        r.get("/staff/account")
            .await
            .body
            .contains("Unused recovery codes: 9"),
        "nine left"
    );

    // Five wrong codes throw the half-done login away.
    let mut s = app.client();
    s.login_password("aigul", PASSWORD).await;
    for _ in 0..4 {
        assert_eq!(
            second_step(&mut s, "123456").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let res = second_step(&mut s, "123456").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(res.location().starts_with("/staff/login?"));
    assert_eq!(
        s.get("/staff/login/code").await.status,
        StatusCode::SEE_OTHER
    );
    let page = s.get(res.location()).await;
    assert!(page.body.contains("Too many wrong codes"), "{}", page.body);

    // Turning it off needs the password.
    let csrf = c.csrf().await;
    let res = c
        .post(
            "/staff/account/2fa/disable",
            &[("csrf", &csrf), ("password", "not it")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = c
        .post(
            "/staff/account/2fa/disable",
            &[("csrf", &csrf), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let mut t = app.client();
    t.login("aigul").await;
    let log = app.store.audit_entries(None, 200).await.unwrap();
    for action in ["2fa-enabled", "2fa-disabled", "login-failed"] {
        assert!(log.iter().any(|e| e.action == action), "{action} audited");
    }
}

async fn two_factor_required_by_role_forces_enrolment(app: TestApp) {
    let kg = app.unit("kg", "country", None, "KG").await;
    let school = app.unit("school-9", "school", Some(&kg), "KG").await;
    app.user("admin", true, None).await;
    app.user("aigul", false, Some(("responsible", &school)))
        .await;
    app.user("oper", false, Some(("operator", &school))).await;
    let mut a = app.client();
    a.login("admin").await;
    let page = a.get("/staff/admin/security").await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = a.csrf().await;
    let res = a
        .post(
            "/staff/admin/security",
            &[("csrf", &csrf), ("role", "responsible"), ("role", "bogus")],
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::BAD_REQUEST,
        "an unknown role is refused"
    );
    assert!(app.store.mfa_required_roles().await.unwrap().is_empty());
    let res = a
        .post(
            "/staff/admin/security",
            &[("csrf", &csrf), ("role", "responsible")],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("checked"));
    assert_eq!(
        app.store.mfa_required_roles().await.unwrap(),
        vec!["responsible".to_string()]
    );

    // The operator is not concerned.
    let mut o = app.client();
    o.login("oper").await;

    // The responsible person goes to enrolment right after the password, and nowhere else.
    let mut c = app.client();
    let res = c.login_password("aigul", PASSWORD).await;
    assert_eq!(res.location(), "/staff/login/enrol?lang=en");
    assert!(!c.cookies.contains_key("tb_session"));
    for path in ["/staff", "/staff/s/school-9", "/staff/account"] {
        assert_eq!(c.get(path).await.location(), "/staff/login", "{path}");
    }
    assert_eq!(
        c.get("/staff/login/code").await.status,
        StatusCode::SEE_OTHER,
        "the code step is not for an enrolment"
    );
    let page = c.get("/staff/login/enrol?lang=en").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Your role requires two-factor"));
    let secret = page.by_id("totp-secret").unwrap();
    let csrf = page.input_value("csrf").unwrap();
    let res = c
        .post(
            "/staff/login/enrol",
            &[("csrf", "forged"), ("code", &app_code(&secret, now(&app)))],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = c
        .post(
            "/staff/login/enrol",
            &[("csrf", &csrf), ("code", "12345"), ("lang", "en")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!c.cookies.contains_key("tb_session"));
    let res = c
        .post(
            "/staff/login/enrol",
            &[
                ("csrf", &csrf),
                ("code", &app_code(&secret, now(&app))),
                ("lang", "en"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(recovery_codes(&res).len(), 10);
    assert!(c.cookies.contains_key("tb_session"));
    assert_eq!(c.get("/staff/s/school-9").await.status, StatusCode::OK);
    // It cannot be turned off while the role requires it.
    let csrf = c.csrf().await;
    let res = c
        .post(
            "/staff/account/2fa/disable",
            &[("csrf", &csrf), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("cannot be turned off"));
    // Next time: the code step.
    app.clock.advance(time::Duration::seconds(30));
    let mut d = app.client();
    let res = d.login_password("aigul", PASSWORD).await;
    assert_eq!(res.location(), "/staff/login/code?lang=en");
    let res = second_step(&mut d, &app_code(&secret, now(&app))).await;
    assert_eq!(res.location(), "/staff");

    // The administrator clears it (lost phone): sessions end, enrolment again at next login.
    let user = app.store.user_by_name("aigul").await.unwrap();
    let csrf = a.csrf().await;
    let res = a
        .post(
            &format!("/staff/admin/users/{}/2fa-reset", user.id),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(d.get("/staff").await.location(), "/staff/login");
    let res = d.login_password("aigul", PASSWORD).await;
    assert_eq!(res.location(), "/staff/login/enrol?lang=en");
}

async fn passwords_are_judged_by_strength(app: TestApp) {
    let kg = app.unit("kg", "country", None, "KG").await;
    let school = app.unit("bishkek-lyceum", "school", Some(&kg), "KG").await;
    let user = app
        .user("aigul.asanova", false, Some(("responsible", &school)))
        .await;
    let link = trustbox_web::setup_link(&app.state, user.id, 3600)
        .await
        .unwrap();
    let path = link.trim_start_matches("http://127.0.0.1:8080").to_string();
    let mut c = app.client();
    for weak in [
        "password1234",
        "qwertyuiopasdf",
        "aigul.asanova",
        "bishkek-lyceum",
        "trustbox-2026",
    ] {
        let res = c
            .post(
                &path,
                &[
                    ("password", weak),
                    ("password_confirm", weak),
                    ("lang", "en"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{weak}");
        let msg = res.by_id("password-error").unwrap_or_default();
        assert!(
            msg.starts_with("This password is too easy to guess. "),
            "{weak}: {msg}"
        );
        assert!(msg.len() > 60, "{weak}: a hint follows: {msg}");
    }
    // Localized, with a hint, in every language.
    for (lang, text) in [
        ("ru", "Этот пароль слишком легко угадать."),
        ("ky", "Бул сырсөздү табуу өтө оңой."),
        ("kk", "Бұл құпиясөзді табу тым оңай."),
    ] {
        let res = c
            .post(
                &path,
                &[
                    ("password", "password1234"),
                    ("password_confirm", "password1234"),
                    ("lang", lang),
                ],
            )
            .await;
        assert!(res.body.contains(text), "{lang}");
    }
    let strong = "lamp orbit velvet cactus";
    let res = c
        .post(
            &path,
            &[
                ("password", strong),
                ("password_confirm", strong),
                ("lang", "en"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = c.login_password("aigul.asanova", strong).await;
    assert_eq!(res.location(), "/staff");

    // Changing one's own password: current one checked, strength checked, others logged out.
    let mut other = app.client();
    other.login_password("aigul.asanova", strong).await;
    assert_eq!(other.get("/staff").await.status, StatusCode::OK);
    assert_eq!(
        c.get("/staff/account/password").await.status,
        StatusCode::OK
    );
    let csrf = c.csrf().await;
    let next = "harbor quilt meadow piano";
    let res = c
        .post(
            "/staff/account/password",
            &[
                ("csrf", &csrf),
                ("current", "wrong one"),
                ("password", next),
                ("password_confirm", next),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("current password is wrong"));
    let res = c
        .post(
            "/staff/account/password",
            &[
                ("csrf", &csrf),
                ("current", strong),
                ("password", "aigul12345"),
                ("password_confirm", "aigul12345"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("too easy to guess"));
    let res = c
        .post(
            "/staff/account/password",
            &[
                ("csrf", &csrf),
                ("current", strong),
                ("password", next),
                ("password_confirm", next),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(
        c.get(res.location())
            .await
            .body
            .contains("Your password is changed")
    );
    assert_eq!(other.get("/staff").await.location(), "/staff/login");
    let mut fresh = app.client();
    assert_eq!(
        fresh.login_password("aigul.asanova", strong).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        fresh.login_password("aigul.asanova", next).await.location(),
        "/staff"
    );
}

async fn login_is_throttled_per_account_and_per_source(app: TestApp) {
    app.user("aigul", false, None).await;
    // An unknown username locks after as many tries as a real one, with the same words.
    let mut c = app.client();
    c.peer = Some("10.0.0.1:5000".parse().unwrap());
    let mut last_real = None;
    let mut last_ghost = None;
    for _ in 0..10 {
        last_real = Some(c.login_password("aigul", "wrong").await);
        last_ghost = Some(c.login_password("ghost", "wrong").await);
    }
    let (real, ghost) = (last_real.unwrap(), last_ghost.unwrap());
    assert_eq!(real.status, ghost.status);
    assert_eq!(real.by_id("login-error"), ghost.by_id("login-error"));
    assert!(
        real.by_id("login-error")
            .unwrap()
            .contains("locked for 15 minutes"),
        "{:?}",
        real.by_id("login-error")
    );
    let res = c.login_password("ghost", "wrong").await;
    assert!(res.body.contains("locked for 15 minutes"));

    // One address trying many accounts is stopped, another address is not.
    let mut bad = app.client();
    bad.peer = Some("203.0.113.7:4000".parse().unwrap());
    for i in 0..30 {
        let res = bad.login_password(&format!("user{i}"), "guess").await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "try {i}");
    }
    let res = bad.login_password("someone", "guess").await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        res.body
            .contains("from this network. Try again in 15 minutes"),
        "{}",
        res.body
    );
    app.clock.advance(time::Duration::minutes(16));
    let mut good = app.client();
    good.peer = Some("198.51.100.2:4000".parse().unwrap());
    good.login("aigul").await;
    app.clock.advance(time::Duration::minutes(-16));
    // Even the right password from the blocked address waits.
    let res = bad.login_password("aigul", PASSWORD).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    app.clock.advance(time::Duration::minutes(16));
    bad.login("aigul").await;
    // Nothing about addresses is stored.
    let dump = crate::support::raw_dump(&app).await;
    assert!(!dump.contains("203.0.113.7") && !dump.contains("10.0.0.1"));
}

async fn sessions_have_an_absolute_lifetime_and_can_be_revoked(app: TestApp) {
    let admin = app.user("admin", true, None).await;
    let aigul = app.user("aigul", false, None).await;
    let mut c = app.client();
    c.login("aigul").await;
    // Busy all day: still over after 12 hours.
    for _ in 0..14 {
        app.clock.advance(time::Duration::minutes(50));
        assert_eq!(c.get("/staff").await.status, StatusCode::OK);
    }
    app.clock.advance(time::Duration::minutes(50));
    assert_eq!(
        c.get("/staff").await.location(),
        "/staff/login",
        "12 h at most"
    );

    let mut one = app.client();
    one.login("aigul").await;
    app.clock.advance(time::Duration::minutes(5));
    let mut two = app.client();
    two.login("aigul").await;
    app.clock.advance(time::Duration::minutes(2));
    assert_eq!(one.get("/staff").await.status, StatusCode::OK);
    let mut a = app.client();
    a.login("admin").await;
    let page = a.get(&format!("/staff/admin/users/{}", aigul.id)).await;
    assert_eq!(page.status, StatusCode::OK);
    let table = &page.body[page.body.find("id=\"sessions\"").expect("a session list")..];
    let table = &table[..table.find("</table>").unwrap()];
    assert_eq!(table.matches("name=\"session\"").count(), 2, "{table}");
    assert!(
        table.contains("2026-03-16 21:55") || table.contains("21:"),
        "{table}"
    );
    assert!(!table.contains("127.0.0.1") && !table.to_lowercase().contains("mozilla"));
    // Revoke the newest one (listed first): `two` is out, `one` goes on.
    let first = table.split("name=\"session\" value=\"").nth(1).unwrap();
    let id = first.split('"').next().unwrap().to_string();
    let csrf = a.csrf().await;
    let res = a
        .post(
            &format!("/staff/admin/users/{}/sessions", aigul.id),
            &[("csrf", &csrf), ("session", &id)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(two.get("/staff").await.location(), "/staff/login");
    assert_eq!(one.get("/staff").await.status, StatusCode::OK);
    // A session of someone else cannot be revoked through this user.
    let res = a
        .post(
            &format!("/staff/admin/users/{}/sessions", admin.id),
            &[("csrf", &csrf), ("session", &id)],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    two.login("aigul").await;
    let res = a
        .post(
            &format!("/staff/admin/users/{}/sessions", aigul.id),
            &[("csrf", &csrf), ("all", "1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(one.get("/staff").await.location(), "/staff/login");
    assert_eq!(two.get("/staff").await.location(), "/staff/login");
    assert_eq!(
        a.get("/staff").await.status,
        StatusCode::OK,
        "the admin stays"
    );
    assert!(
        app.store
            .audit_entries(None, 50)
            .await
            .unwrap()
            .iter()
            .any(|e| e.action == "sessions-revoked")
    );
}

async fn reset_link_ends_sessions_works_once_and_expires(app: TestApp) {
    app.user("admin", true, None).await;
    let aigul = app.user("aigul", false, None).await;
    let mut c = app.client();
    c.login("aigul").await;
    let mut a = app.client();
    a.login("admin").await;
    let first = reset_link(&mut a, aigul.id).await;
    assert_eq!(
        c.get("/staff").await.location(),
        "/staff/login",
        "sessions end at once"
    );
    // A new link replaces the first; the new one expires after 24 hours.
    let second = reset_link(&mut a, aigul.id).await;
    assert_eq!(c.get(&first).await.status, StatusCode::NOT_FOUND);
    assert_eq!(c.get(&second).await.status, StatusCode::OK);
    app.clock
        .advance(time::Duration::hours(24) + time::Duration::seconds(1));
    assert_eq!(c.get(&second).await.status, StatusCode::NOT_FOUND, "24 h");
    a.login("admin").await;
    let third = reset_link(&mut a, aigul.id).await;
    let pw = "violet canyon marble drum";
    let res = c
        .post(&third, &[("password", pw), ("password_confirm", pw)])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = c
        .post(&third, &[("password", pw), ("password_confirm", pw)])
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "once");
    assert_eq!(c.login_password("aigul", pw).await.location(), "/staff");
}

/// The administrator makes a reset link for `id` on the user page; the link's path.
async fn reset_link(a: &mut Client<'_>, id: i64) -> String {
    let csrf = a.csrf().await;
    let res = a
        .post(
            &format!("/staff/admin/users/{id}/reset"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let link = res.by_id("setup-link").expect("the link is shown");
    link.trim_start_matches("http://127.0.0.1:8080").to_string()
}
