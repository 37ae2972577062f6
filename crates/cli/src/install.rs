//! Opening an installation: the data folder, the database and the master key, checked against
//! each other before anything is written.

use std::net::SocketAddr;
use std::path::Path;

use trustbox_crypto::MasterKey;
use trustbox_domain::Lang;
use trustbox_i18n::Tr;
use trustbox_store::{AuditInput, NewUser, SCHEMA_VERSION, Store, StoreError};
use trustbox_web::AppState;

use crate::config::Config;

pub struct Installation {
    pub store: Store,
    pub master: MasterKey,
    pub schema_after: i64,
}

/// The English text of a message id (for command-line errors).
pub fn english(id: &str) -> String {
    Tr::new(Lang::En).t(id)
}

/// The base URL for links: the configured public URL, else the address we listen on.
pub fn public_url(cfg: &Config, local: SocketAddr) -> String {
    match &cfg.public_url {
        Some(u) => u.trim_end_matches('/').to_string(),
        None => {
            let host = if local.ip().is_unspecified() {
                "127.0.0.1".to_string()
            } else {
                local.ip().to_string()
            };
            let host = if local.is_ipv6() && !local.ip().is_unspecified() {
                format!("[{host}]")
            } else {
                host
            };
            let scheme = if cfg.tls.is_some() { "https" } else { "http" };
            format!("{scheme}://{host}:{}", local.port())
        }
    }
}

fn make_private_dir(dir: &Path) -> Result<(), String> {
    if dir.as_os_str().is_empty() || dir.exists() {
        return Ok(());
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
        .map_err(|e| format!("cannot create the folder {}: {e}", dir.display()))
}

pub async fn open(cfg: &Config, migrate: bool) -> Result<Installation, String> {
    make_private_dir(&cfg.data_dir)?;
    if let Some(path) = cfg
        .database_url
        .strip_prefix("sqlite://")
        .or_else(|| cfg.database_url.strip_prefix("sqlite:"))
    {
        let path = path.split('?').next().unwrap_or("");
        if let Some(parent) = Path::new(path).parent() {
            make_private_dir(parent)?;
        }
    }
    let store = Store::connect(&cfg.database_url)
        .await
        .map_err(|e| e.to_string())?;
    let version = store.schema_version().await.map_err(|e| e.to_string())?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            found: version,
            known: SCHEMA_VERSION,
        }
        .to_string());
    }
    let key_path = cfg.key_path();
    let known = if version > 0 {
        store
            .meta("key_fingerprint")
            .await
            .map_err(|e| e.to_string())?
    } else {
        None
    };
    let master = match &known {
        Some(fp) => {
            let key = MasterKey::load_file(&key_path).map_err(|e| e.to_string())?;
            if &key.fingerprint() != fp {
                return Err(format!(
                    "the master key {} (id {}) does not belong to this database (made with key id {fp}); use the key file that was made with it",
                    key_path.display(),
                    key.fingerprint()
                ));
            }
            key
        }
        None => {
            let (key, created) = MasterKey::load_or_create(&key_path).map_err(|e| e.to_string())?;
            if created {
                tracing::info!(path = %key_path.display(), id = %key.fingerprint(), "created a new master key; back it up: without it the data cannot be read");
            }
            key
        }
    };
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut schema_after = version;
    if migrate {
        schema_after = store.migrate(now).await.map_err(|e| e.to_string())?.after;
    }
    if known.is_none() && schema_after > 0 {
        store
            .set_meta("key_fingerprint", &master.fingerprint())
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(Installation {
        store,
        master,
        schema_after,
    })
}

/// On the very first start, creates the installation administrator `admin` without a password
/// and returns a one-time setup link. Returns `None` once an administrator exists.
pub async fn first_admin(state: &AppState) -> Result<Option<String>, String> {
    if state
        .store
        .admin_exists()
        .await
        .map_err(|e| e.to_string())?
    {
        return Ok(None);
    }
    let now = state.clock.now_ts();
    let new = NewUser {
        username: "admin".into(),
        display_name: "Administrator".into(),
        password_hash: None,
        is_admin: true,
        lang: "ru".into(),
    };
    let user = match state.store.create_user(&new, now).await {
        Ok(u) => u,
        // Another instance on the same database was quicker.
        Err(StoreError::Duplicate(_)) => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    state
        .store
        .audit(
            &AuditInput {
                actor_id: None,
                school_id: None,
                action: "user-created",
                object: &format!("user:{}", user.id),
                detail: "first start",
            },
            now,
        )
        .await
        .map_err(|e| e.to_string())?;
    let link = trustbox_web::setup_link(state, user.id, 7 * 24 * 3600)
        .await
        .map_err(|e| e.to_string())?;
    Ok(Some(link))
}
