//! The HTTP side of Trustbox: the axum router, askama templates, staff sessions, CSRF, rate
//! limits, and (later) the JSON API with its OpenAPI document. Nothing below this crate knows
//! about HTTP. Build the whole application with [`app`].

mod api;
pub mod clock;
mod error;
mod forms;
mod helplines;
pub mod intake;
pub mod jobs;
pub mod mail;
mod pages;
pub mod paperbox_jobs;
pub mod phone;
pub mod rate;
mod routes;
mod security;
mod session;
mod tz;
pub mod upload;

use std::sync::Arc;

use axum::Router;
use trustbox_crypto::{MasterKey, Pepper, SubKey};
use trustbox_store::Store;

pub use api::openapi_json;
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::AppError;
pub use routes::{Access, ROUTE_PARAMS, RouteInfo, route_table};
pub use tz::utc_offset;

/// Settings the web layer needs (the CLI fills them from file, environment and flags).
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Where people reach this installation, e.g. `https://trust.school.kg`; used in links.
    pub public_url: String,
    /// Mark cookies `Secure` (on when served over HTTPS).
    pub secure_cookies: bool,
    /// Rate limits on intake, follow-up and login (on by default; off only for benchmarks).
    pub rate_limit: bool,
    /// A staff session ends after this many idle seconds.
    pub session_idle_secs: i64,
    /// How long a failed login waits before answering (slows guessing).
    pub login_failure_delay_ms: u64,
    /// Send `Strict-Transport-Security` (only when this process itself serves HTTPS; behind a
    /// reverse proxy that terminates TLS, the proxy sends it).
    pub hsts: bool,
    /// Longest time a request may take, body included; then `408 Request Timeout`.
    pub request_timeout_secs: u64,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            public_url: "http://127.0.0.1:8080".into(),
            secure_cookies: false,
            rate_limit: true,
            session_idle_secs: 60 * 60,
            login_failure_delay_ms: 600,
            hsts: false,
            request_timeout_secs: 120,
        }
    }
}

/// The keys the web layer uses, all derived from the master key.
pub struct Keys {
    pub master: MasterKey,
    pub pepper: Pepper,
    pub session: SubKey,
}

impl Keys {
    pub fn new(master: MasterKey) -> Keys {
        Keys {
            pepper: master.pepper(),
            session: master.session_key(),
            master,
        }
    }
}

pub struct Inner {
    pub store: Store,
    pub keys: Keys,
    pub config: WebConfig,
    pub clock: Arc<dyn Clock>,
    pub limiter: rate::Limiter,
}

/// Shared state of every handler. Cheap to clone.
#[derive(Clone)]
pub struct AppState(pub Arc<Inner>);

impl AppState {
    pub fn new(store: Store, master: MasterKey, config: WebConfig, clock: Arc<dyn Clock>) -> Self {
        AppState(Arc::new(Inner {
            store,
            keys: Keys::new(master),
            limiter: rate::Limiter::new(config.rate_limit),
            config,
            clock,
        }))
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

/// The whole application: every route of [`route_table`], static files, security headers and
/// the localized not-found page.
pub fn app(state: AppState) -> Router {
    let mut router = Router::new();
    for r in routes::routes() {
        router = router.route(r.info.path, r.handler);
    }
    let hsts = state.config.hsts.then(|| {
        tower_http::set_header::SetResponseHeaderLayer::overriding(
            axum::http::header::STRICT_TRANSPORT_SECURITY,
            axum::http::HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        )
    });
    router
        .route("/static/app.css", axum::routing::get(pages::static_css))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(security::headers))
        .layer(tower::util::option_layer(hsts))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            std::time::Duration::from_secs(state.config.request_timeout_secs),
        ))
        .layer(axum::extract::DefaultBodyLimit::max(1024 * 1024))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            routes::UPLOAD_LIMIT + 1024 * 1024,
        ))
        .with_state(state)
}

/// Form types and checks the CLI shares with the admin pages.
pub mod admin_forms {
    pub use crate::pages::admin::{UnitForm, UserForm, ValidUser, validate_unit, validate_user};
}
pub use pages::auth::new_setup_link as setup_link;
