//! `spawn_app` for tests: a fresh database, a manual clock, and a client that keeps cookies.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use time::macros::datetime;
use tower::ServiceExt;
use trustbox_crypto::{MasterKey, hash_password};
use trustbox_store::testing::{TestDb, fresh};
use trustbox_store::{Backend, NewUnit, NewUser, Store, Unit, User};
use trustbox_web::{AppState, ManualClock, WebConfig, app};

/// Runs the test body on both backends.
#[macro_export]
macro_rules! both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name($crate::support::TestApp::spawn(trustbox_store::Backend::Sqlite).await).await;
            }
            #[tokio::test]
            async fn postgres() {
                super::$name($crate::support::TestApp::spawn(trustbox_store::Backend::Postgres).await).await;
            }
        }
    )*};
}

pub const PASSWORD: &str = "correct horse battery staple";

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    pub clock: Arc<ManualClock>,
    pub store: Store,
    pub _db: TestDb,
}

#[derive(Debug)]
pub struct Res {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    pub bytes: Vec<u8>,
}

impl Res {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
    /// The value of `<input name=NAME value=...>` (first one).
    pub fn input_value(&self, name: &str) -> Option<String> {
        let pat = format!("name=\"{name}\" value=\"");
        let i = self.body.find(&pat)? + pat.len();
        let j = self.body[i..].find('"')? + i;
        Some(self.body[i..j].to_string())
    }
}

/// A browser-like client: keeps cookies between requests.
pub struct Client<'a> {
    app: &'a TestApp,
    pub cookies: HashMap<String, String>,
    pub accept_language: Option<String>,
    /// The client's address as the server sees it (none: like a test without a socket).
    pub peer: Option<std::net::SocketAddr>,
    /// Headers sent with every request (e.g. `X-Forwarded-For`).
    pub extra_headers: Vec<(&'static str, String)>,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        TestApp::spawn_with(backend, |_| {}).await
    }

    /// Like [`TestApp::spawn`], with the configuration changed by `configure`.
    pub async fn spawn_with(backend: Backend, configure: impl FnOnce(&mut WebConfig)) -> TestApp {
        let db = fresh(backend).await.unwrap_or_else(|e| panic!("{e}"));
        let store = Store::connect(&db.url).await.unwrap();
        store.migrate(0).await.unwrap();
        let clock = Arc::new(ManualClock::new(datetime!(2026-03-16 09:00 UTC)));
        let mut config = WebConfig {
            login_failure_delay_ms: 0,
            ..WebConfig::default()
        };
        configure(&mut config);
        let state = AppState::new(
            store.clone(),
            MasterKey::for_tests(7),
            config,
            clock.clone(),
        );
        TestApp {
            router: app(state.clone()),
            state,
            clock,
            store,
            _db: db,
        }
    }

    pub fn client(&self) -> Client<'_> {
        Client {
            app: self,
            cookies: HashMap::new(),
            accept_language: None,
            peer: None,
            extra_headers: Vec::new(),
        }
    }

    pub async fn unit(&self, slug: &str, kind: &str, parent: Option<&Unit>, country: &str) -> Unit {
        let lang = if country == "KZ" { "kk" } else { "ky" };
        self.store
            .create_unit(
                &NewUnit {
                    parent_id: parent.map(|p| p.id),
                    kind: kind.into(),
                    slug: slug.into(),
                    country: country.into(),
                    name_ky: format!("{slug}-ky"),
                    name_kk: format!("{slug}-kk"),
                    name_ru: format!("{slug}-ru"),
                    name_en: format!("{slug}-en"),
                    default_lang: lang.into(),
                    time_zone: if country == "KZ" {
                        "Asia/Almaty".into()
                    } else {
                        "Asia/Bishkek".into()
                    },
                },
                0,
            )
            .await
            .unwrap()
    }

    /// A staff account with [`PASSWORD`], holding `role` on `unit` (if given).
    pub async fn user(&self, username: &str, admin: bool, role: Option<(&str, &Unit)>) -> User {
        let hash = hash_password(PASSWORD).unwrap();
        let u = self
            .store
            .create_user(
                &NewUser {
                    username: username.into(),
                    display_name: format!("{username} name"),
                    password_hash: Some(hash),
                    is_admin: admin,
                    lang: "en".into(),
                },
                0,
            )
            .await
            .unwrap();
        if let Some((role, unit)) = role {
            self.store.add_grant(u.id, unit.id, role).await.unwrap();
        }
        u
    }
}

impl Client<'_> {
    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn send(&mut self, mut req: Request<Body>) -> Res {
        if let Some(p) = self.peer {
            req.extensions_mut().insert(axum::extract::ConnectInfo(p));
        }
        for (k, v) in &self.extra_headers {
            req.headers_mut().append(*k, v.parse().unwrap());
        }
        let res = self.app.router.clone().oneshot(req).await.unwrap();
        for v in res.headers().get_all(header::SET_COOKIE) {
            let s = v.to_str().unwrap();
            let kv = s.split(';').next().unwrap();
            let (k, val) = kv.split_once('=').unwrap();
            if val.is_empty() || s.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), val.to_string());
            }
        }
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Res {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes: bytes.to_vec(),
        }
    }

    pub async fn get(&mut self, path: &str) -> Res {
        let mut b = Request::get(path).header(header::COOKIE, self.cookie_header());
        if let Some(l) = &self.accept_language {
            b = b.header(header::ACCEPT_LANGUAGE, l);
        }
        self.send(b.body(Body::empty()).unwrap()).await
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Res {
        let body = serde_urlencoded::to_string(form).unwrap();
        let req = Request::post(path)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// Sends username and password through the login page; the answer as it comes.
    pub async fn login_password(&mut self, username: &str, password: &str) -> Res {
        let page = self.get("/staff/login?lang=en").await;
        let pre = page.input_value("pre").unwrap();
        self.post(
            "/staff/login",
            &[
                ("username", username),
                ("password", password),
                ("pre", &pre),
                ("lang", "en"),
            ],
        )
        .await
    }

    /// Logs in through the login page; panics unless it lands on the dashboard.
    pub async fn login(&mut self, username: &str) {
        let page = self.get("/staff/login?lang=en").await;
        let pre = page.input_value("pre").unwrap();
        let res = self
            .post(
                "/staff/login",
                &[
                    ("username", username),
                    ("password", PASSWORD),
                    ("pre", &pre),
                    ("lang", "en"),
                ],
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::SEE_OTHER,
            "login of {username} failed: {}",
            res.body
        );
        assert_eq!(res.location(), "/staff");
    }

    /// The CSRF token of the current session (read from the dashboard).
    pub async fn csrf(&mut self) -> String {
        let res = self.get("/staff").await;
        res.input_value("csrf")
            .expect("a staff page carries a CSRF token")
    }
}

/// A multipart/form-data body: text fields and files (name, file name, bytes).
pub fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----trustbox-test-boundary-7d1f";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (k, fname, bytes) in files {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"; filename=\"{fname}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

impl Client<'_> {
    pub async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Res {
        let (ct, body) = multipart(fields, files);
        let req = Request::post(path)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    pub async fn post_json(&mut self, path: &str, json: &str, token: Option<&str>) -> Res {
        let mut b = Request::post(path).header(header::CONTENT_TYPE, "application/json");
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(b.body(Body::from(json.to_string())).unwrap())
            .await
    }
}

impl Res {
    /// The text of the element with `id` (first text node after `id="..."`).
    pub fn by_id(&self, id: &str) -> Option<String> {
        let pat = format!("id=\"{id}\"");
        let i = self.body.find(&pat)?;
        let j = self.body[i..].find('>')? + i + 1;
        let k = self.body[j..].find('<')? + j;
        Some(self.body[j..k].to_string())
    }
}

/// A tiny valid PDF.
pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

/// The outbox mails of `kind` (any kind when empty) whose sealed address opens to `to`.
pub async fn mails_to(app: &TestApp, kind: &str, to: &str) -> Vec<trustbox_store::MailRow> {
    let mut out = Vec::new();
    for m in app.store.all_mails().await.unwrap() {
        if !kind.is_empty() && m.kind != kind {
            continue;
        }
        let addr = trustbox_web::mail::open_recipient(&app.store, &app.state.keys, &m)
            .await
            .unwrap();
        if addr.as_deref() == Some(to) {
            out.push(m);
        }
    }
    out
}

/// Everything the database holds, as text: the raw SQLite file, or `pg_dump` of the database.
pub async fn raw_dump(app: &TestApp) -> String {
    match app._db.backend {
        Backend::Sqlite => {
            let dir = app._db.dir.as_ref().unwrap();
            let mut all = Vec::new();
            for f in std::fs::read_dir(dir).unwrap().flatten() {
                all.extend(std::fs::read(f.path()).unwrap());
            }
            String::from_utf8_lossy(&all).into_owned()
        }
        Backend::Postgres => {
            let out = std::process::Command::new("pg_dump")
                .arg(&app._db.url)
                .output()
                .expect("pg_dump (postgresql-client) is needed for this test");
            assert!(
                out.status.success(),
                "pg_dump failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8_lossy(&out.stdout).into_owned()
        }
    }
}

/// The text of a PDF, through Debian's `pdftotext` (the test fails when it is missing).
pub fn pdf_text(pdf: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!("tb-test-{:x}.pdf", rand_id()));
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed; scripts/test installs it");
    let _ = std::fs::remove_file(&path);
    assert!(out.status.success(), "not a readable PDF");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn rand_id() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(std::process::id() as u64);
    h.finish()
}
