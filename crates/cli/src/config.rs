//! Configuration: defaults, then a TOML file, then environment variables, then flags.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::Args;
use serde::Deserialize;

/// Options every command takes (each also read from a `TRUSTBOX_*` variable).
#[derive(Debug, Clone, Args)]
pub struct GlobalOpts {
    /// TOML configuration file [default: DATA_DIR/trustbox.toml when it exists]
    #[arg(long, env = "TRUSTBOX_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Folder for the SQLite database, the master key and backups [default: ./data]
    #[arg(long, env = "TRUSTBOX_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// sqlite://PATH or postgres://USER@HOST/DB [default: sqlite://DATA_DIR/trustbox.sqlite3]
    #[arg(long, env = "TRUSTBOX_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Address to listen on [default: 127.0.0.1:8080]
    #[arg(long, env = "TRUSTBOX_LISTEN", global = true)]
    pub listen: Option<String>,
    /// The address people use to reach this installation, for links [default: http://LISTEN]
    #[arg(long, env = "TRUSTBOX_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// Mail server for notifications: smtp://USER:PASS@HOST:587?tls=required (STARTTLS),
    /// smtps://USER:PASS@HOST:465 (TLS), or smtp://HOST:25 (plain, a relay on this machine only)
    #[arg(long, env = "TRUSTBOX_SMTP_URL", global = true)]
    pub smtp_url: Option<String>,
    /// Sender of notifications, e.g. "Trustbox <trustbox@school.kg>"
    #[arg(long, env = "TRUSTBOX_MAIL_FROM", global = true)]
    pub mail_from: Option<String>,
    /// Rate limits on intake, follow-up and login: on or off (off only for benchmarks)
    #[arg(long, env = "TRUSTBOX_RATE_LIMIT", global = true)]
    pub rate_limit: Option<String>,
    /// Serve HTTPS directly: the certificate chain, PEM (with --tls-key) [default: plain HTTP]
    #[arg(long, env = "TRUSTBOX_TLS_CERT", global = true)]
    pub tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert, PEM (PKCS#8, PKCS#1 or SEC1)
    #[arg(long, env = "TRUSTBOX_TLS_KEY", global = true)]
    pub tls_key: Option<PathBuf>,
    /// Longest time a request may take, in seconds, uploads included [default: 120]
    #[arg(long, env = "TRUSTBOX_REQUEST_TIMEOUT", global = true)]
    pub request_timeout: Option<u64>,
    /// Folder of the keyring (the keys that protect the letters), outside database backups
    /// [default: DATA_DIR/keyring]
    #[arg(long, env = "TRUSTBOX_KEYRING_DIR", global = true)]
    pub keyring_dir: Option<PathBuf>,
    /// Reverse proxies whose X-Forwarded-For / Forwarded is believed: addresses or networks,
    /// comma-separated, e.g. 127.0.0.1,::1 [default: none, the connecting address is the client]
    #[arg(long, env = "TRUSTBOX_TRUSTED_PROXIES", global = true)]
    pub trusted_proxies: Option<String>,
}

/// The configuration file's keys; unknown keys are errors, so typos are caught.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub listen: Option<String>,
    pub public_url: Option<String>,
    pub rate_limit: Option<bool>,
    pub session_idle_minutes: Option<i64>,
    pub smtp_url: Option<String>,
    pub mail_from: Option<String>,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    pub request_timeout_seconds: Option<u64>,
    pub keyring_dir: Option<PathBuf>,
    pub retention_days: Option<i64>,
    pub trusted_proxies: Option<Vec<String>>,
}

/// The configuration in force.
#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub database_url: String,
    pub listen: SocketAddr,
    pub public_url: Option<String>,
    pub rate_limit: bool,
    pub session_idle_minutes: i64,
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// Certificate chain and key when the binary serves HTTPS itself.
    pub tls: Option<(PathBuf, PathBuf)>,
    pub request_timeout_secs: u64,
    pub keyring_dir: PathBuf,
    pub retention_days: i64,
    pub file: Option<PathBuf>,
    pub trusted_proxies: Vec<trustbox_web::client::Cidr>,
}

impl Config {
    pub fn key_path(&self) -> PathBuf {
        self.data_dir.join("master.key")
    }

    /// The trusted proxies as they would be written in the file.
    pub fn trusted_proxies_text(&self) -> String {
        self.trusted_proxies
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Where a master key rotation writes the new key until it is complete.
    pub fn new_key_path(&self) -> PathBuf {
        self.data_dir.join("master.key.new")
    }
}

pub fn read_file(path: &Path) -> Result<FileConfig, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the configuration file {}: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| {
        let msg = e.message().to_string();
        let at = e
            .span()
            .map(|s| {
                let line = text[..s.start.min(text.len())].matches('\n').count() + 1;
                format!(" (line {line})")
            })
            .unwrap_or_default();
        format!(
            "the configuration file {} is not valid{at}: {msg}",
            path.display()
        )
    })
}

fn parse_bool(name: &str, v: &str) -> Result<bool, String> {
    match v.trim().to_ascii_lowercase().as_str() {
        "on" | "true" | "1" | "yes" => Ok(true),
        "off" | "false" | "0" | "no" => Ok(false),
        other => Err(format!("{name} must be on or off, not {other:?}")),
    }
}

pub fn resolve(g: &GlobalOpts) -> Result<Config, String> {
    let default_dir = PathBuf::from("data");
    let file_path = match &g.config {
        Some(p) => Some(p.clone()),
        None => {
            let p = g
                .data_dir
                .clone()
                .unwrap_or_else(|| default_dir.clone())
                .join("trustbox.toml");
            p.exists().then_some(p)
        }
    };
    let file = match &file_path {
        Some(p) => read_file(p)?,
        None => FileConfig::default(),
    };
    let data_dir = g.data_dir.clone().or(file.data_dir).unwrap_or(default_dir);
    let database_url = g
        .database_url
        .clone()
        .or(file.database_url)
        .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("trustbox.sqlite3").display()));
    if !(database_url.starts_with("sqlite:")
        || database_url.starts_with("postgres://")
        || database_url.starts_with("postgresql://"))
    {
        return Err(format!(
            "the database URL {} is not supported: use sqlite://PATH or postgres://USER@HOST/DB",
            trustbox_store::redact_url(&database_url)
        ));
    }
    let listen_s = g
        .listen
        .clone()
        .or(file.listen)
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    let listen: SocketAddr = listen_s.parse().map_err(|_| {
        format!("the listen address {listen_s:?} is not valid: use IP:PORT, e.g. 127.0.0.1:8080")
    })?;
    let rate_limit = match &g.rate_limit {
        Some(v) => parse_bool("TRUSTBOX_RATE_LIMIT", v)?,
        None => file.rate_limit.unwrap_or(true),
    };
    let public_url = g.public_url.clone().or(file.public_url);
    if let Some(u) = &public_url
        && !(u.starts_with("http://") || u.starts_with("https://"))
    {
        return Err(format!(
            "the public URL {u:?} must start with http:// or https://"
        ));
    }
    let session_idle_minutes = file.session_idle_minutes.unwrap_or(60);
    if !(5..=24 * 60).contains(&session_idle_minutes) {
        return Err("session_idle_minutes must be between 5 and 1440".into());
    }
    let smtp_url = g
        .smtp_url
        .clone()
        .or(file.smtp_url)
        .filter(|u| !u.trim().is_empty());
    let mail_from = g
        .mail_from
        .clone()
        .or(file.mail_from)
        .unwrap_or_else(|| "Trustbox <trustbox@localhost>".into());
    let tls = match (
        g.tls_cert.clone().or(file.tls_cert),
        g.tls_key.clone().or(file.tls_key),
    ) {
        (Some(c), Some(k)) => Some((c, k)),
        (None, None) => None,
        _ => {
            return Err(
                "HTTPS needs both --tls-cert and --tls-key (or TRUSTBOX_TLS_CERT and TRUSTBOX_TLS_KEY, or tls_cert and tls_key in the file)"
                    .into(),
            );
        }
    };
    let request_timeout_secs = g
        .request_timeout
        .or(file.request_timeout_seconds)
        .unwrap_or(120);
    if !(5..=3600).contains(&request_timeout_secs) {
        return Err("the request timeout must be between 5 and 3600 seconds".into());
    }
    let keyring_dir = g
        .keyring_dir
        .clone()
        .or(file.keyring_dir)
        .unwrap_or_else(|| data_dir.join("keyring"));
    let retention_days = file
        .retention_days
        .unwrap_or(trustbox_domain::retention::DEFAULT_RETENTION_DAYS);
    if trustbox_domain::retention::validate_retention_days(retention_days).is_err() {
        return Err(format!(
            "retention_days must be between {} and {} (days a closed appeal is kept), not {retention_days}",
            trustbox_domain::retention::MIN_RETENTION_DAYS,
            trustbox_domain::retention::MAX_RETENTION_DAYS
        ));
    }
    let trusted_proxies = match (&g.trusted_proxies, file.trusted_proxies) {
        (Some(list), _) => trustbox_web::client::parse_trusted(list),
        (None, Some(list)) => trustbox_web::client::parse_trusted(&list.join(",")),
        (None, None) => Ok(Vec::new()),
    }
    .map_err(|e| format!("trusted_proxies: {e}"))?;
    Ok(Config {
        trusted_proxies,
        keyring_dir,
        retention_days,
        data_dir,
        database_url,
        listen,
        public_url,
        rate_limit,
        session_idle_minutes,
        smtp_url,
        mail_from,
        tls,
        request_timeout_secs,
        file: file_path,
    })
}
