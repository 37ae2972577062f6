//! Tenant isolation: a user of school A gets 404 for every object of school B on every staff
//! route. The sweep walks the router's own route table, so a new route cannot escape it.

use axum::http::StatusCode;
use trustbox_web::{Access, ROUTE_PARAMS, route_table};

use crate::both;
use crate::support::{PASSWORD, TestApp};

both!(school_a_cannot_reach_school_b);

async fn school_a_cannot_reach_school_b(app: TestApp) {
    let kg = app.unit("kg", "country", None, "KG").await;
    let a = app.unit("school-a", "school", Some(&kg), "KG").await;
    let b = app.unit("school-b", "school", Some(&kg), "KG").await;
    let _resp_a = app.user("resp-a", false, Some(("responsible", &a))).await;
    let resp_b = app.user("resp-b", false, Some(("responsible", &b))).await;

    // An appeal with an attachment in school B.
    let valid = trustbox_domain::validate_appeal(
        &trustbox_domain::AppealForm {
            author: "pupil".into(),
            anonymous: true,
            category: "bullying".into(),
            text: "resp-b must never leak".into(),
            ..Default::default()
        },
        time::macros::date!(2026 - 03 - 16),
    )
    .unwrap();
    let file = trustbox_web::upload::accept("a.pdf", crate::support::PDF.to_vec()).unwrap();
    let receipt = trustbox_web::intake::submit(
        &app.state,
        &b,
        trustbox_web::intake::Submission {
            valid,
            channel: trustbox_domain::Channel::Web,
            lang: trustbox_domain::Lang::Ky,
            files: vec![file],
            entered_by: None,
            received_at: None,
        },
    )
    .await
    .unwrap();
    let appeal_b = receipt.appeal_id;
    let file_b = app.store.attachments(appeal_b).await.unwrap()[0].id;

    // A commission, a box, an opening and a meeting in school B.
    let member = 9_001;
    app.store
        .appoint_commission(&trustbox_store::NewCommission {
            id: 9_000,
            school_id: b.id,
            order_number: "1".into(),
            order_date: "2026-03-01".into(),
            created_at: 0,
            created_by: None,
            members: vec![trustbox_store::NewMember {
                id: member,
                name: "resp-b member".into(),
                position: "p".into(),
                kind: "other".into(),
                user_id: Some(resp_b.id),
            }],
        })
        .await
        .unwrap();
    let bx = trustbox_store::BoxRow {
        id: 9_002,
        school_id: b.id,
        location: "foyer".into(),
        seal: "1".into(),
        schedule_kind: "weekly".into(),
        weekday: 2,
        day1: 0,
        day2: 0,
        at_time: "12:00".into(),
        created_at: 0,
        reminded_for: None,
    };
    app.store.create_box(&bx, None).await.unwrap();
    let opening_b = 9_003;
    app.store
        .start_opening(&trustbox_store::NewOpening {
            id: opening_b,
            school_id: b.id,
            box_id: bx.id,
            school_year: 2025,
            opened_at: 0,
            place: "foyer".into(),
            seal_before: "1".into(),
            seal_intact: true,
            damage_note: String::new(),
            recorded_by: None,
            members: vec![member],
        })
        .await
        .unwrap();
    let meeting_b = 9_004;
    app.store
        .create_meeting(&trustbox_store::NewMeeting {
            id: meeting_b,
            school_id: b.id,
            commission_id: 9_000,
            school_year: 2025,
            held_on: "2026-03-02".into(),
            chair_id: member,
            secretary_id: member,
            data_key: vec![0; 8],
            body_enc: vec![0; 8],
            created_at: 0,
            created_by: None,
            appeals: vec![],
        })
        .await
        .unwrap();

    // Positive control: B's own staff reach B.
    let mut cb = app.client();
    cb.login("resp-b").await;
    assert_eq!(cb.get("/staff/s/school-b").await.status, StatusCode::OK);
    assert_eq!(
        cb.get(&format!("/staff/s/school-b/appeals/{appeal_b}"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        cb.get(&format!(
            "/staff/s/school-b/appeals/{appeal_b}/files/{file_b}"
        ))
        .await
        .status,
        StatusCode::OK
    );

    let mut ca = app.client();
    ca.login("resp-a").await;
    assert_eq!(ca.get("/staff/s/school-a").await.status, StatusCode::OK);
    let csrf = ca.csrf().await;
    let mut checked = 0;
    for route in route_table() {
        if route.access == Access::Public {
            continue;
        }
        let has_param = route.path.contains('{');
        if !has_param && route.access == Access::Staff {
            continue; // e.g. /staff itself, logout: no object of anyone else's
        }
        let mut path = route.path.to_string();
        for p in ROUTE_PARAMS {
            let value = match *p {
                "school" => b.slug.clone(),
                "unit" => b.slug.clone(),
                "user" => resp_b.id.to_string(),
                "lang" => "en".into(),
                "token" => "x".into(),
                "appeal" => appeal_b.to_string(),
                "file" => file_b.to_string(),
                "opening" => opening_b.to_string(),
                "meeting" => meeting_b.to_string(),
                other => panic!("the sweep does not know how to fill {{{other}}}: teach it"),
            };
            path = path.replace(&format!("{{{p}}}"), &value);
        }
        assert!(
            !path.contains('{'),
            "route {} has a parameter not in ROUTE_PARAMS",
            route.path
        );
        for m in route.methods {
            let res = match *m {
                "GET" => ca.get(&path).await,
                "POST" => ca.post(&path, &[("csrf", &csrf)]).await,
                other => panic!("unexpected method {other}"),
            };
            assert_eq!(
                res.status,
                StatusCode::NOT_FOUND,
                "{m} {path} answered {} to a user of another school",
                res.status
            );
            assert!(!res.body.contains("resp-b"), "{m} {path} leaked a name");
            // And the same object through A's own school path is not found either.
            if path.contains(&format!("/staff/s/{}/", b.slug)) {
                let via_a = path.replace(
                    &format!("/staff/s/{}/", b.slug),
                    &format!("/staff/s/{}/", a.slug),
                );
                let res = match *m {
                    "GET" => ca.get(&via_a).await,
                    _ => ca.post(&via_a, &[("csrf", &csrf)]).await,
                };
                if via_a.contains(&appeal_b.to_string())
                    || via_a.contains(&format!("/openings/{opening_b}"))
                    || via_a.contains(&format!("/meetings/{meeting_b}"))
                {
                    assert_eq!(
                        res.status,
                        StatusCode::NOT_FOUND,
                        "{m} {via_a}: B's appeal through A's path"
                    );
                }
            }
            checked += 1;
        }
    }
    assert!(
        checked >= 10,
        "the sweep checked only {checked} route/method pairs"
    );
}

both!(
    every_role_gets_what_the_policy_says_on_every_staff_route,
    every_staff_form_refuses_a_missing_or_wrong_csrf_token,
    receipt_guessing_is_refused_on_the_page_and_the_api
);

/// A commission (with `member_user` in it), a box, an open opening and a meeting in `school`:
/// the opening's and the meeting's ids.
async fn paper_side(app: &TestApp, school: &trustbox_store::Unit, member_user: i64) -> (i64, i64) {
    // A commission, a box, an opening and a meeting in school B.
    let member = 9_001;
    app.store
        .appoint_commission(&trustbox_store::NewCommission {
            id: 9_000,
            school_id: school.id,
            order_number: "1".into(),
            order_date: "2026-03-01".into(),
            created_at: 0,
            created_by: None,
            members: vec![trustbox_store::NewMember {
                id: member,
                name: "resp-b member".into(),
                position: "p".into(),
                kind: "other".into(),
                user_id: Some(member_user),
            }],
        })
        .await
        .unwrap();
    let bx = trustbox_store::BoxRow {
        id: 9_002,
        school_id: school.id,
        location: "foyer".into(),
        seal: "1".into(),
        schedule_kind: "weekly".into(),
        weekday: 2,
        day1: 0,
        day2: 0,
        at_time: "12:00".into(),
        created_at: 0,
        reminded_for: None,
    };
    app.store.create_box(&bx, None).await.unwrap();
    let opening_b = 9_003;
    app.store
        .start_opening(&trustbox_store::NewOpening {
            id: opening_b,
            school_id: school.id,
            box_id: bx.id,
            school_year: 2025,
            opened_at: 0,
            place: "foyer".into(),
            seal_before: "1".into(),
            seal_intact: true,
            damage_note: String::new(),
            recorded_by: None,
            members: vec![member],
        })
        .await
        .unwrap();
    let meeting_b = 9_004;
    app.store
        .create_meeting(&trustbox_store::NewMeeting {
            id: meeting_b,
            school_id: school.id,
            commission_id: 9_000,
            school_year: 2025,
            held_on: "2026-03-02".into(),
            chair_id: member,
            secretary_id: member,
            data_key: vec![0; 8],
            body_enc: vec![0; 8],
            created_at: 0,
            created_by: None,
            appeals: vec![],
        })
        .await
        .unwrap();

    (opening_b, meeting_b)
}

/// POST routes whose form names a sub-object (an empty form finds none: not found).
const FORM_NAMES_OBJECT: &[&str] = &[
    "/staff/s/{school}/appeals/{appeal}/withdraw",
    "/staff/grants",
];
/// GET routes that answer "conflict" for a state of the object (an open opening has no act yet).
const GET_MAY_CONFLICT: &[&str] = &["/staff/s/{school}/openings/{opening}/act.pdf"];
/// GET routes whose object in this sweep is a bare fixture (a meeting row whose protocol is not
/// a real sealed one): for those "allowed" means past the access check (not 404, not the login
/// page); the pages themselves are tested with real protocols in the commission tests.
const FIXTURE_ONLY: &[&str] = &[
    "/staff/s/{school}/meetings/{meeting}",
    "/staff/s/{school}/meetings/{meeting}/protocol.pdf",
];
/// POST routes that take multipart forms (a letter with its scan).
const MULTIPART: &[&str] = &["/staff/s/{school}/openings/{opening}/letters"];

/// Who the authorization sweep logs in as.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Role(&'static str),
    Admin,
    LoggedOut,
}

fn fill(path: &str, values: &[(&str, String)]) -> String {
    let mut out = path.to_string();
    for p in ROUTE_PARAMS {
        let v = values
            .iter()
            .find(|(k, _)| k == p)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("the sweep does not know how to fill {{{p}}}: teach it"));
        out = out.replace(&format!("{{{p}}}"), &v);
    }
    assert!(
        !out.contains('{'),
        "{path} has a parameter not in ROUTE_PARAMS"
    );
    out
}

/// A letter with an attachment in `school`.
async fn letter_with_file(app: &TestApp, school: &trustbox_store::Unit) -> (i64, i64) {
    let valid = trustbox_domain::validate_appeal(
        &trustbox_domain::AppealForm {
            author: "pupil".into(),
            anonymous: true,
            category: "bullying".into(),
            text: "the sweep's letter".into(),
            ..Default::default()
        },
        time::macros::date!(2026 - 03 - 16),
    )
    .unwrap();
    let file = trustbox_web::upload::accept("a.pdf", crate::support::PDF.to_vec()).unwrap();
    let receipt = trustbox_web::intake::submit(
        &app.state,
        school,
        trustbox_web::intake::Submission {
            valid,
            channel: trustbox_domain::Channel::Web,
            lang: trustbox_domain::Lang::Ky,
            files: vec![file],
            entered_by: None,
            received_at: None,
        },
    )
    .await
    .unwrap();
    let file_id = app.store.attachments(receipt.appeal_id).await.unwrap()[0].id;
    (receipt.appeal_id, file_id)
}

async fn every_role_gets_what_the_policy_says_on_every_staff_route(app: TestApp) {
    use trustbox_domain::{Actor, Grant, Role, Target, can};
    use trustbox_web::{Need, route_needs};

    let kg = app.unit("kg", "country", None, "KG").await;
    let school = app.unit("school-9", "school", Some(&kg), "KG").await;
    let mut users = Vec::new();
    for role in ["responsible", "commission", "director", "operator"] {
        users.push((
            Who::Role(role),
            app.user(role, false, Some((role, &school))).await,
        ));
    }
    users.push((
        Who::Role("analyst"),
        app.user("analyst", false, Some(("analyst", &kg))).await,
    ));
    users.push((Who::Admin, app.user("admin", true, None).await));
    let (appeal, file) = letter_with_file(&app, &school).await;
    // Assigned to the commission member and the operator, not to the director: both cases.
    let assignees: Vec<i64> = users
        .iter()
        .filter(|(w, _)| matches!(w, Who::Role("commission") | Who::Role("operator")))
        .map(|(_, u)| u.id)
        .collect();
    for a in &assignees {
        app.store.assign(school.id, appeal, *a).await.unwrap();
    }
    let responsible_id = users[0].1.id;
    let (opening, meeting) = paper_side(&app, &school, users[1].1.id).await;
    let school_path = app.store.unit_path(school.id).await.unwrap();
    let kg_path = app.store.unit_path(kg.id).await.unwrap();
    let values = [
        ("lang", "en".to_string()),
        ("school", school.slug.clone()),
        ("unit", kg.slug.clone()),
        ("user", responsible_id.to_string()),
        ("token", "x".to_string()),
        ("appeal", appeal.to_string()),
        ("file", file.to_string()),
        ("opening", opening.to_string()),
        ("meeting", meeting.to_string()),
    ];

    let mut sweep: Vec<(Who, Option<trustbox_store::User>)> =
        users.iter().map(|(w, u)| (*w, Some(u.clone()))).collect();
    sweep.push((Who::LoggedOut, None));
    let mut checked = 0;
    let mut allowed_seen = 0;
    let mut failures: Vec<String> = Vec::new();
    for (who, user) in sweep {
        let mut c = app.client();
        let actor = match &user {
            Some(u) => {
                c.login(&u.username).await;
                Actor {
                    user_id: u.id,
                    is_admin: u.is_admin,
                    grants: app
                        .store
                        .grants_of(u.id)
                        .await
                        .unwrap()
                        .into_iter()
                        .map(|g| Grant {
                            role: Role::parse(&g.role).unwrap(),
                            unit: g.unit_id,
                            pending: g.pending,
                        })
                        .collect(),
                }
            }
            None => Actor::default(),
        };
        let csrf = if user.is_some() {
            c.csrf().await
        } else {
            String::new()
        };
        // Logging out last, so the session lasts the whole sweep.
        let mut routes: Vec<_> = route_table()
            .into_iter()
            .filter(|r| r.access != Access::Public)
            .collect();
        routes.sort_by_key(|r| r.path == "/staff/logout");
        for route in routes {
            for m in route.methods {
                let needs = route_needs(route.path, m).unwrap_or_else(|| {
                    panic!(
                        "{m} {} is not in route_needs: declare what it requires",
                        route.path
                    )
                });
                if route.access == Access::Installation {
                    assert!(
                        needs.iter().all(|n| matches!(n, Need::Installation(_))),
                        "{}: an installation route needs installation rights",
                        route.path
                    );
                }
                let unit_path = if route.path.contains("{unit}") {
                    &kg_path
                } else {
                    &school_path
                };
                let may = needs.iter().all(|n| match *n {
                    Need::LoggedIn => true,
                    Need::Installation(a) => can(&actor, a, &Target::Installation),
                    Need::Unit(a) => can(&actor, a, &Target::Unit { path: unit_path }),
                    Need::Appeal(a) => can(
                        &actor,
                        a,
                        &Target::Appeal {
                            path: &school_path,
                            assignees: &assignees,
                        },
                    ),
                    Need::AllAppeals(a) => can(
                        &actor,
                        a,
                        &Target::Appeal {
                            path: &school_path,
                            assignees: &[],
                        },
                    ),
                });
                let path = fill(route.path, &values);
                let res = match *m {
                    "GET" => c.get(&path).await,
                    "POST" if MULTIPART.contains(&route.path) => {
                        c.post_multipart(&path, &[("csrf", &csrf)], &[]).await
                    }
                    "POST" => c.post(&path, &[("csrf", &csrf)]).await,
                    other => panic!("unexpected method {other}"),
                };
                let what = format!("{who:?}: {m} {path} answered {}", res.status);
                if who == Who::LoggedOut {
                    if res.status != StatusCode::SEE_OTHER || res.location() != "/staff/login" {
                        failures.push(format!("{what}, expected the login page"));
                    }
                } else if !may {
                    if res.status != StatusCode::NOT_FOUND {
                        failures.push(format!("{what}, policy says no: 404 expected"));
                    }
                    assert!(!res.body.contains("the sweep's letter"), "{what} leaked");
                } else if *m == "GET" {
                    let conflict_ok = GET_MAY_CONFLICT.contains(&route.path)
                        && res.status == StatusCode::CONFLICT;
                    let fixture_ok = FIXTURE_ONLY.contains(&route.path)
                        && res.status != StatusCode::NOT_FOUND
                        && res.location() != "/staff/login";
                    if res.status != StatusCode::OK && !conflict_ok && !fixture_ok {
                        failures.push(format!("{what}, policy says yes: 200 expected"));
                    }
                    allowed_seen += 1;
                } else {
                    // An empty form from someone allowed: refused as a bad form, never as
                    // "not yours" or "not logged in". (A form naming a sub-object, like a
                    // board item, finds none in an empty form: that is its own not-found.)
                    let names_object = FORM_NAMES_OBJECT.contains(&route.path);
                    let refused = [
                        StatusCode::FORBIDDEN,
                        StatusCode::UNAUTHORIZED,
                        StatusCode::INTERNAL_SERVER_ERROR,
                    ]
                    .contains(&res.status)
                        || (res.status == StatusCode::NOT_FOUND && !names_object)
                        || res.location() == "/staff/login";
                    if refused {
                        failures.push(format!("{what}, policy says yes"));
                    }
                    allowed_seen += 1;
                }
                checked += 1;
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked >= 7 * 50, "only {checked} role/route/method cases");
    assert!(
        allowed_seen >= 50,
        "only {allowed_seen} allowed cases: the sweep is too weak"
    );
}

/// The database as text: `sqlite3 .dump` or `pg_dump`, to see that nothing changed.
fn db_text(app: &TestApp) -> String {
    match app._db.backend {
        trustbox_store::Backend::Sqlite => {
            let file = app._db.url.trim_start_matches("sqlite://");
            let out = std::process::Command::new("sqlite3")
                .arg(file)
                .arg(".dump")
                .output()
                .expect("the sqlite3 command line (Debian sqlite3) is needed");
            assert!(out.status.success());
            String::from_utf8_lossy(&out.stdout).into_owned()
        }
        trustbox_store::Backend::Postgres => {
            let out = std::process::Command::new("pg_dump")
                .arg(&app._db.url)
                .output()
                .expect("pg_dump is needed");
            assert!(out.status.success());
            // pg_dump 15.14+ brackets its output with a random \restrict key.
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter(|l| !l.starts_with("\\restrict") && !l.starts_with("\\unrestrict"))
                .collect::<Vec<_>>()
                .join("\n")
        }
    }
}

async fn every_staff_form_refuses_a_missing_or_wrong_csrf_token(app: TestApp) {
    let kg = app.unit("kg", "country", None, "KG").await;
    let school = app.unit("school-9", "school", Some(&kg), "KG").await;
    let resp = app
        .user("resp", false, Some(("responsible", &school)))
        .await;
    app.user("admin", true, None).await;
    let (appeal, file) = letter_with_file(&app, &school).await;
    let (opening, meeting) = paper_side(&app, &school, resp.id).await;
    let values = [
        ("lang", "en".to_string()),
        ("school", school.slug.clone()),
        ("unit", kg.slug.clone()),
        ("user", resp.id.to_string()),
        ("token", "x".to_string()),
        ("appeal", appeal.to_string()),
        ("file", file.to_string()),
        ("opening", opening.to_string()),
        ("meeting", meeting.to_string()),
    ];
    let mut r = app.client();
    r.login("resp").await;
    let mut a = app.client();
    a.login("admin").await;
    // A token that is valid, but for another session.
    let mut other = app.client();
    other.login("resp").await;
    let foreign = other.csrf().await;
    let before = db_text(&app);
    let mut checked = 0;
    for route in route_table() {
        if route.access == Access::Public || !route.methods.contains(&"POST") {
            continue;
        }
        let path = fill(route.path, &values);
        let c = if route.access == Access::Installation {
            &mut a
        } else {
            &mut r
        };
        // Something a real form would send, so only the token is wrong.
        let fields = [
            ("text", "csrf sweep"),
            ("lang", "ru"),
            ("status", "closed"),
            ("password", PASSWORD),
            ("all", "1"),
        ];
        for token in [None, Some("00ff"), Some(""), Some(foreign.as_str())] {
            let mut form: Vec<(&str, &str)> = fields.to_vec();
            if let Some(t) = token {
                form.push(("csrf", t));
            }
            let res = if MULTIPART.contains(&route.path) {
                c.post_multipart(&path, &form, &[]).await
            } else {
                c.post(&path, &form).await
            };
            assert_eq!(
                res.status,
                StatusCode::FORBIDDEN,
                "POST {path} with csrf {token:?} answered {}",
                res.status
            );
            assert!(
                res.body.contains("The form has expired"),
                "POST {path}: the refusal says what happened"
            );
            checked += 1;
        }
    }
    assert!(checked >= 4 * 20, "only {checked} refusals checked");
    let after = db_text(&app);
    let changed: Vec<&str> = after
        .lines()
        .filter(|l| !before.lines().any(|b| b == *l))
        .collect();
    assert!(
        changed.is_empty(),
        "a refused form changed the database: {changed:?}"
    );
    assert_eq!(after.len(), before.len());
    // The sessions survived (logout without a token did not log out).
    assert_eq!(r.get("/staff").await.status, StatusCode::OK);
    assert_eq!(a.get("/staff").await.status, StatusCode::OK);
}

async fn receipt_guessing_is_refused_on_the_page_and_the_api(app: TestApp) {
    let kg = app.unit("kg", "country", None, "KG").await;
    app.unit("school-9", "school", Some(&kg), "KG").await;
    let mut c = app.client();
    c.peer = Some("192.0.2.10:1234".parse().unwrap());
    let res = c
        .post_json(
            "/api/v1/schools/school-9/appeals",
            r#"{"author":"pupil","category":"question","text":"guess me"}"#,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let good = serde_json::from_str::<serde_json::Value>(&res.body).unwrap()["receipt"]
        .as_str()
        .unwrap()
        .to_string();
    // Wrong codes through the API, then refused on both the API and the page.
    for i in 0..6 {
        let res = c
            .post_json(
                "/api/v1/follow-up",
                &format!(r#"{{"receipt":"1111-1111-1111-111{i}"}}"#),
                None,
            )
            .await;
        let want = if i < 5 {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(res.status, want, "guess {i}");
    }
    let res = c
        .post_json(
            "/api/v1/follow-up",
            &format!(r#"{{"receipt":"{good}"}}"#),
            None,
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::TOO_MANY_REQUESTS,
        "API: {}",
        res.body
    );
    assert!(!res.body.contains("guess me"));
    let res = c.post("/en/follow-up", &[("code", &good)]).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "page");
    assert!(!res.body.contains("guess me"));
    // Another address is not blocked; this one is again after the pause.
    let mut d = app.client();
    d.peer = Some("192.0.2.11:1234".parse().unwrap());
    assert_eq!(
        d.post("/en/follow-up", &[("code", &good)]).await.status,
        StatusCode::OK
    );
    app.clock.advance(time::Duration::minutes(16));
    // Now wrong codes on the page block the API.
    for i in 0..6 {
        let res = c
            .post(
                "/en/follow-up",
                &[("code", &format!("2222-2222-2222-222{i}"))],
            )
            .await;
        let want = if i < 5 {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(res.status, want, "page guess {i}");
    }
    let res = c
        .post_json(
            "/api/v1/follow-up",
            &format!(r#"{{"receipt":"{good}"}}"#),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    app.clock.advance(time::Duration::minutes(16));
    let res = c
        .post_json(
            "/api/v1/follow-up",
            &format!(r#"{{"receipt":"{good}"}}"#),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("guess me"));
}
