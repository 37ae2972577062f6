//! The administrator's pages: organisation tree, staff accounts, audit; in all four languages.

use axum::http::StatusCode;
use trustbox_web::{Access, route_table};

use crate::both;
use crate::support::TestApp;

both!(
    every_admin_page_in_four_languages,
    unit_form_keeps_input_and_checks_the_tree,
    user_creation_gives_a_setup_link
);

async fn every_admin_page_in_four_languages(app: TestApp) {
    let kg = app.unit("kg", "country", None, "KG").await;
    let school = app.unit("school-a", "school", Some(&kg), "KG").await;
    let admin = app.user("admin", true, None).await;
    app.user("resp-a", false, Some(("responsible", &school)))
        .await;
    let mut c = app.client();
    c.login("admin").await;
    for lang in ["ky", "kk", "ru", "en"] {
        let token = c.csrf().await;
        c.post("/staff/language", &[("csrf", &token), ("lang", lang)])
            .await;
        for route in route_table()
            .iter()
            .filter(|r| r.access == Access::Installation && r.methods.contains(&"GET"))
        {
            let path = route.path.replace("{user}", &admin.id.to_string());
            let res = c.get(&path).await;
            assert_eq!(res.status, StatusCode::OK, "{path} in {lang}");
            assert!(
                res.body.contains(&format!("<html lang=\"{lang}\">")),
                "{path} in {lang}"
            );
            assert!(res.body.contains("<h1>"), "{path} has a heading");
        }
    }
}

async fn unit_form_keeps_input_and_checks_the_tree(app: TestApp) {
    let kg = app.unit("kg", "country", None, "KG").await;
    let school = app.unit("school-a", "school", Some(&kg), "KG").await;
    app.user("admin", true, None).await;
    let mut c = app.client();
    c.login("admin").await;
    let token = c.csrf().await;
    let parent = school.id.to_string();
    // A school under a school, a bad slug, a missing name: all said at once, input kept.
    let res = c
        .post(
            "/staff/admin/units/new",
            &[
                ("csrf", &token),
                ("kind", "school"),
                ("parent", &parent),
                ("slug", "Bad Slug!"),
                ("country", "KG"),
                ("name_ru", "Школа 5"),
                ("default_lang", "ky"),
                ("time_zone", "Asia/Bishkek"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("value=\"Bad Slug!\""), "typed slug kept");
    assert!(res.body.contains("value=\"Школа 5\""), "typed name kept");
    assert!(res.body.contains("cannot belong there"));
    assert!(res.body.contains("small Latin letters"));
    assert!(res.body.contains("at least in the language of documents"));
    // A Kazakh school under the Kyrgyz country is refused.
    let kgid = kg.id.to_string();
    let res = c
        .post(
            "/staff/admin/units/new",
            &[
                ("csrf", &token),
                ("kind", "school"),
                ("parent", &kgid),
                ("slug", "kz-school"),
                ("country", "KZ"),
                ("name_kk", "Мектеп"),
                ("default_lang", "kk"),
                ("time_zone", "Asia/Almaty"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A taken slug.
    let res = c
        .post(
            "/staff/admin/units/new",
            &[
                ("csrf", &token),
                ("kind", "school"),
                ("parent", &kgid),
                ("slug", "school-a"),
                ("country", "KG"),
                ("name_ky", "Мектеп"),
                ("default_lang", "ky"),
                ("time_zone", "Asia/Bishkek"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("used by another unit"));
    let res = c
        .post(
            "/staff/admin/units/new",
            &[
                ("csrf", &token),
                ("kind", "school"),
                ("parent", &kgid),
                ("slug", "school-b"),
                ("country", "KG"),
                ("name_ky", "№ 2 мектеп"),
                ("default_lang", "ky"),
                ("time_zone", "Asia/Bishkek"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let b = app.store.unit_by_slug("school-b").await.unwrap();
    assert_eq!(app.store.unit_path(b.id).await.unwrap(), vec![kg.id, b.id]);
    assert!(
        app.store
            .audit_entries(None, 10)
            .await
            .unwrap()
            .iter()
            .any(|e| e.action == "unit-created")
    );
}

async fn user_creation_gives_a_setup_link(app: TestApp) {
    let kg = app.unit("kg", "country", None, "KG").await;
    let school = app.unit("school-a", "school", Some(&kg), "KG").await;
    app.user("admin", true, None).await;
    let mut c = app.client();
    c.login("admin").await;
    let token = c.csrf().await;
    let sid = school.id.to_string();
    let kgid = kg.id.to_string();
    let res = c
        .post(
            "/staff/admin/users/new",
            &[
                ("csrf", &token),
                ("username", "x"),
                ("display_name", ""),
                ("lang", "ky"),
                ("role", "analyst"),
                ("unit", &sid),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("3 to 40"));
    assert!(res.body.contains("full name"));
    assert!(res.body.contains("Analysts work on a country"));
    let res = c
        .post(
            "/staff/admin/users/new",
            &[
                ("csrf", &token),
                ("username", "aigul.sp"),
                ("display_name", "Айгүл Асанова"),
                ("lang", "ky"),
                ("role", "responsible"),
                ("unit", &sid),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let i = res.body.find("/setup/").expect("a setup link is shown");
    let token_link: String = res.body[i..].chars().take_while(|c| *c != '<').collect();
    let user = app.store.user_by_name("aigul.sp").await.unwrap();
    assert!(user.password_hash.is_none());
    assert_eq!(
        app.store.grants_of(user.id).await.unwrap()[0].role,
        "responsible"
    );
    // The new person sets a password with the link and sees their school.
    let mut p = app.client();
    let res = p
        .post(
            &token_link,
            &[
                ("password", crate::support::PASSWORD),
                ("password_confirm", crate::support::PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    p.login("aigul.sp").await;
    // The role reads letters: it waits for the school's director or a second administrator
    // (issue 19), and the new person sees it waiting.
    let home = p.get("/staff").await.body;
    assert!(!home.contains("/staff/s/school-a"));
    assert!(home.contains("id=\"my-pending-grants\""));
    app.user("admin2", true, None).await;
    let mut a2 = app.client();
    a2.login("admin2").await;
    let csrf = a2.csrf().await;
    let uid = user.id.to_string();
    let res = a2
        .post(
            "/staff/grants",
            &[
                ("csrf", &csrf),
                ("user", &uid),
                ("unit", &sid),
                ("role", "responsible"),
                ("op", "confirm"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(p.get("/staff").await.body.contains("/staff/s/school-a"));
    // An analyst on the country.
    let res = c
        .post(
            "/staff/admin/users/new",
            &[
                ("csrf", &token),
                ("username", "analyst"),
                ("display_name", "A"),
                ("lang", "ru"),
                ("role", "analyst"),
                ("unit", &kgid),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED);
    let res = c
        .post(
            "/staff/admin/users/new",
            &[
                ("csrf", &token),
                ("username", "analyst"),
                ("display_name", "A"),
                ("lang", "ru"),
            ],
        )
        .await;
    assert!(res.body.contains("username is taken"));
}
