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

    // Positive control: B's own staff reach B.
    let mut cb = app.client();
    cb.login("resp-b").await;
    assert_eq!(cb.get("/staff/s/school-b").await.status, StatusCode::OK);

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
                "unit" => b.id.to_string(),
                "user" => resp_b.id.to_string(),
                "lang" => "en".into(),
                "token" => "x".into(),
                other => panic!("the sweep does not know how to fill {{{other}}}: teach it"),
            };
            path = path.replace(&format!("{{{p}}}"), &value);
        }
        assert!(!path.contains('{'), "route {} has a parameter not in ROUTE_PARAMS", route.path);
        for m in route.methods {
            let res = match *m {
                "GET" => ca.get(&path).await,
                "POST" => ca.post(&path, &[("csrf", &csrf)]).await,
                other => panic!("unexpected method {other}"),
            };
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{m} {path} answered {} to a user of another school", res.status);
            assert!(!res.body.contains("resp-b"), "{m} {path} leaked a name");
            checked += 1;
        }
    }
    assert!(checked >= 10, "the sweep checked only {checked} route/method pairs");
}
