//! Tenant isolation: a user of school A gets 404 for every object of school B on every staff
//! route. The sweep walks the router's own route table, so a new route cannot escape it.

use axum::http::StatusCode;
use trustbox_web::{Access, ROUTE_PARAMS, route_table};

use crate::both;
use crate::support::TestApp;

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
