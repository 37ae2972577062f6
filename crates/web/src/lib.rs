//! The HTTP side of Trustbox: the axum router, askama templates, staff sessions, CSRF, rate
//! limits, and (later) the JSON API with its OpenAPI document. Nothing below this crate knows
//! about HTTP. Build the whole application with [`app`].

mod api;
pub mod cache;
pub mod cleanup;
pub mod client;
pub mod clock;
mod error;
mod forms;
#[doc(hidden)]
pub mod fuzzing;
pub mod hashing;
mod helplines;
pub mod intake;
pub mod jobs;
pub mod mail;
pub mod mfa;
mod pages;
pub mod paperbox_jobs;
pub mod password_policy;
pub mod phone;
pub mod rate;
pub mod retention;
mod routes;
mod security;
pub mod server;
mod session;
mod tz;
pub mod upload;

use std::sync::Arc;

use axum::Router;
use trustbox_crypto::{
    BucketKey, CryptoError, DataKey, DerivationRoot, Keyring, MasterKey, Pepper, SubKey, WrappedBy,
    wrapped_by,
};
use trustbox_store::Store;

pub use api::openapi_json;
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::AppError;
pub use routes::{Access, Need, ROUTE_PARAMS, RouteInfo, route_needs, route_table};
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
    /// A staff session ends this many seconds after login, however active.
    pub session_absolute_secs: i64,
    /// How long a failed login waits before answering (slows guessing).
    pub login_failure_delay_ms: u64,
    /// Send `Strict-Transport-Security` (only when this process itself serves HTTPS; behind a
    /// reverse proxy that terminates TLS, the proxy sends it).
    pub hsts: bool,
    /// Longest time a request may take, body included; then `408 Request Timeout`.
    pub request_timeout_secs: u64,
    /// Days a closed appeal is kept before it is destroyed (`domain::retention` bounds).
    pub retention_days: i64,
    /// Reverse proxies whose `X-Forwarded-For` / `Forwarded` is believed (see [`client`]).
    pub trusted_proxies: Vec<client::Cidr>,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            public_url: "http://127.0.0.1:8080".into(),
            secure_cookies: false,
            rate_limit: true,
            session_idle_secs: 60 * 60,
            session_absolute_secs: 12 * 60 * 60,
            login_failure_delay_ms: 600,
            hsts: false,
            request_timeout_secs: 120,
            retention_days: trustbox_domain::retention::DEFAULT_RETENTION_DAYS,
            trusted_proxies: Vec::new(),
        }
    }
}

/// The keys the web layer uses: the master key, the keyring of bucket keys (which wrap the
/// appeals' data keys), and the pepper and session key derived from the keyring's root.
pub struct Keys {
    /// Private on purpose: data keys are wrapped by bucket keys, never by the master key. Open
    /// them with [`Keys::unwrap_data_key`], wrap a new one with
    /// [`crate::retention::wrap_new_data_key`].
    master: MasterKey,
    pub pepper: Pepper,
    pub session: SubKey,
    pub keyring: Keyring,
    /// Hashes two-factor recovery codes.
    pub recovery: SubKey,
    /// Seals staff members' TOTP secrets.
    pub totp: DataKey,
    /// Seals staff addresses in the mail outbox (see [`crate::mail`]).
    pub outbox: DataKey,
    /// Bucket keys opened lately (see [`Keys::bucket`]).
    buckets: cache::TtlMap<i64, BucketKey>,
}

impl Keys {
    /// For tests only: a keyring in a new private folder under the system's temporary folder
    /// (made on first use), and the pepper and session key of the master key itself. Never
    /// for an installation: what is wrapped there is lost with the folder (the CLI opens the
    /// installation's keyring through `install::open` and [`Keys::with_keyring`]).
    pub fn new(master: MasterKey) -> Keys {
        let dir = std::env::temp_dir().join(format!(
            "trustbox-keyring-{}",
            trustbox_crypto::random_token()
        ));
        let root = DerivationRoot::of_master(&master);
        Keys::with_keyring(master, Keyring::lazy(&dir), &root)
    }

    /// The keys of an installation: its master key, its keyring and the keyring's root.
    pub fn with_keyring(master: MasterKey, keyring: Keyring, root: &DerivationRoot) -> Keys {
        Keys {
            pepper: root.pepper(),
            session: root.session_key(),
            recovery: root.recovery_key(),
            totp: root.totp_key(),
            outbox: root.outbox_key(),
            buckets: cache::TtlMap::new(cache::BUCKET_KEY_TTL),
            master,
            keyring,
        }
    }

    /// The master key itself, for `trustbox keys rotate` and the keyring only.
    pub fn master_for_rotation(&self) -> &MasterKey {
        &self.master
    }

    /// A bucket key from the keyring. Kept in memory for [`cache::BUCKET_KEY_TTL`] after it is
    /// read (an inbox page opens hundreds of data keys wrapped by the same few buckets; each
    /// read is a file read and an unwrap); [`Keys::destroy_bucket`] forgets it at once, a
    /// destruction by another instance is followed within the TTL.
    pub fn bucket(&self, id: i64) -> Result<BucketKey, CryptoError> {
        if let Some(k) = self.buckets.get(&id) {
            return Ok(k);
        }
        let k = self.keyring.bucket(&self.master, id)?;
        self.buckets.put(id, k.clone());
        Ok(k)
    }

    /// Fails when the keyring cannot be read with this master key (for `/readyz`): its folder
    /// is listed, and its root and newest bucket key are read from the disk and opened.
    pub fn check_readable(&self) -> Result<(), CryptoError> {
        let names = self.keyring.entry_names()?;
        if names.iter().any(|n| n == "root") {
            self.keyring.root(&self.master)?;
        }
        if let Some(id) = names
            .iter()
            .filter_map(|n| n.strip_prefix("bucket-")?.parse::<i64>().ok())
            .max()
        {
            self.keyring.bucket(&self.master, id)?;
        }
        Ok(())
    }

    /// Destroys a bucket key in the keyring (and forgets it here).
    pub fn destroy_bucket(&self, id: i64) -> Result<(), CryptoError> {
        self.buckets.remove(&id);
        let r = self.keyring.destroy_bucket(id);
        self.buckets.remove(&id);
        r
    }

    /// Opens an appeal's stored data key, whatever wraps it (a bucket of the keyring, or the
    /// master key for keys from before the keyring). A key whose bucket was destroyed (a
    /// database restored from a backup) opens from the letter's own keyring entry if it is still
    /// live; else [`CryptoError::BucketMissing`] (see [`trustbox_crypto::Keyring::was_shredded`]).
    /// A destroyed key gives [`CryptoError::Decrypt`].
    pub fn unwrap_data_key(&self, stored: &[u8], aad: &[u8]) -> Result<DataKey, CryptoError> {
        match wrapped_by(stored) {
            WrappedBy::Bucket(id) => match self.bucket(id) {
                Ok(b) => DataKey::unwrap_from_bucket(&b, stored, aad),
                Err(CryptoError::BucketMissing { id }) => self
                    .keyring
                    .letter_key(&self.master, aad)?
                    .ok_or(CryptoError::BucketMissing { id }),
                Err(e) => Err(e),
            },
            WrappedBy::Master => DataKey::unwrap(&self.master, stored, aad),
            WrappedBy::Nothing => Err(CryptoError::Decrypt),
        }
    }
}

pub struct Inner {
    pub store: Store,
    pub keys: Keys,
    pub config: WebConfig,
    pub clock: Arc<dyn Clock>,
    pub limiter: rate::Limiter,
    /// Password hashing, a few at a time (see [`hashing`]).
    pub hashing: hashing::HashGate,
    /// What intake reads for every submission (school settings and calendar, the month's
    /// bucket), kept for a few seconds.
    pub caches: cache::Caches,
}

/// Shared state of every handler. Cheap to clone.
#[derive(Clone)]
pub struct AppState(pub Arc<Inner>);

impl AppState {
    pub fn new(store: Store, master: MasterKey, config: WebConfig, clock: Arc<dyn Clock>) -> Self {
        AppState::with_keys(store, Keys::new(master), config, clock)
    }

    /// The state of an installation whose keys (master key, keyring) were opened by the caller.
    pub fn with_keys(store: Store, keys: Keys, config: WebConfig, clock: Arc<dyn Clock>) -> Self {
        AppState(Arc::new(Inner {
            store,
            keys,
            limiter: rate::Limiter::new(config.rate_limit),
            hashing: hashing::HashGate::default(),
            caches: cache::Caches::default(),
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
    pub use crate::pages::contact::{mask_email, validate_email};
}
pub use pages::auth::new_setup_link as setup_link;
pub use pages::grants::tell_directors;
