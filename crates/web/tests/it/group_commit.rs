//! Group commit through HTTP: many submissions at once (form and API) are all acknowledged
//! with distinct, consecutive journal numbers, every receipt opens its appeal, and the journal
//! and audit chains verify. On both databases.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;
use trustbox_crypto::{DerivationRoot, Keyring, MasterKey};
use trustbox_web::{AppState, Keys, WebConfig, app};

use crate::both;
use crate::support::{TestApp, multipart};

both!(many_concurrent_submissions_get_consecutive_numbers);

async fn many_concurrent_submissions_get_consecutive_numbers(t: TestApp) {
    t.unit("school-9", "school", None, "KG").await;
    // The same database and key, with the per-address limits off (all requests come from one
    // address here, as in a benchmark).
    // The same keyring too: the follow-ups below go through `t`'s own state.
    let master = MasterKey::for_tests(7);
    let root = DerivationRoot::of_master(&master);
    let keys = Keys::with_keyring(master, Keyring::lazy(t.state.keys.keyring.dir()), &root);
    let state = AppState::with_keys(
        t.store.clone(),
        keys,
        WebConfig {
            rate_limit: false,
            ..WebConfig::default()
        },
        t.clock.clone() as Arc<dyn trustbox_web::Clock>,
    );
    let router = app(state);
    let mut tasks = Vec::new();
    for i in 0..120 {
        let router = router.clone();
        tasks.push(tokio::spawn(async move {
            let req = if i % 3 == 0 {
                let text = format!("form letter {i}");
                let (ct, body) = multipart(
                    &[
                        ("author", "pupil"),
                        ("category", "question"),
                        ("text", &text),
                    ],
                    &[],
                );
                Request::post("/ru/school-9/write")
                    .header(header::CONTENT_TYPE, ct)
                    .body(Body::from(body))
                    .unwrap()
            } else {
                Request::post("/api/v1/schools/school-9/appeals")
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(format!(
                        r#"{{"author":"pupil","category":"question","text":"api letter {i}"}}"#
                    )))
                    .unwrap()
            };
            let res = router.oneshot(req).await.unwrap();
            let status = res.status();
            let body = res.into_body().collect().await.unwrap().to_bytes();
            (i, status, String::from_utf8(body.to_vec()).unwrap())
        }));
    }
    let mut numbers = Vec::new();
    let mut codes = Vec::new();
    for task in tasks {
        let (i, status, body) = task.await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{i}: {body}");
        let (number, code) = if i % 3 == 0 {
            let grab = |id: &str| {
                let pat = format!("id=\"{id}\">");
                let a = body.find(&pat).unwrap() + pat.len();
                let b = body[a..].find('<').unwrap() + a;
                body[a..b].trim().to_string()
            };
            (grab("receipt-number"), grab("receipt-code"))
        } else {
            let v: serde_json::Value = serde_json::from_str(&body).unwrap();
            (
                v["number"].as_str().unwrap().to_string(),
                v["receipt"].as_str().unwrap().to_string(),
            )
        };
        let seq: i64 = number.strip_prefix("2026/").unwrap().parse().unwrap();
        numbers.push(seq);
        codes.push((seq, code));
    }
    numbers.sort();
    assert_eq!(numbers, (1..=120).collect::<Vec<_>>());
    assert_eq!(t.store.verify_journal_chains().await.unwrap(), Ok(120));
    assert!(t.store.verify_audit_chain().await.unwrap().is_ok());
    // Every receipt opens the appeal that got its number.
    let mut c = t.client();
    for (seq, code) in codes {
        let res = c
            .post_json(
                "/api/v1/follow-up",
                &format!(r#"{{"receipt":"{code}"}}"#),
                None,
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let v: serde_json::Value = serde_json::from_str(&res.body).unwrap();
        assert_eq!(v["number"], format!("2026/{seq}"));
    }
}
