//! Opening an installation: the data folder, the database and the master key, checked against
//! each other before anything is written.

use std::net::SocketAddr;
use std::path::Path;

use trustbox_crypto::{DerivationRoot, Keyring, MasterKey};
use trustbox_domain::Lang;
use trustbox_i18n::Tr;
use trustbox_store::{AuditInput, NewUser, SCHEMA_VERSION, Store, StoreError};
use trustbox_web::AppState;

use crate::config::Config;

pub struct Installation {
    pub store: Store,
    pub master: MasterKey,
    pub keyring: Keyring,
    pub root: DerivationRoot,
    pub schema_after: i64,
}

impl Installation {
    /// The web layer's keys (master key, keyring, the root's pepper and session key).
    pub fn keys(self) -> (Store, trustbox_web::Keys) {
        let keys = trustbox_web::Keys::with_keyring(self.master, self.keyring, &self.root);
        (self.store, keys)
    }
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

/// Creates the data folder and the SQLite database's folder when missing (mode 0700), and
/// makes the SQLite database file private (mode 0600; SQLite gives its `-wal` and `-shm` files
/// the database file's mode).
pub fn prepare_dirs(cfg: &Config) -> Result<(), String> {
    make_private_dir(&cfg.data_dir)?;
    if let Some(path) = sqlite_path(&cfg.database_url) {
        if let Some(parent) = path.parent() {
            make_private_dir(parent)?;
        }
        private_db_file(&path)?;
    }
    Ok(())
}

/// Creates `path` empty with mode 0600 if it is missing (an empty file is an empty SQLite
/// database); sets mode 0600 on it and its `-wal` and `-shm` files if they are more open.
pub fn private_db_file(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    if path.as_os_str().is_empty() || path.to_string_lossy().contains(":memory:") {
        return Ok(());
    }
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => {
            return Err(format!(
                "cannot create the database {}: {e}",
                path.display()
            ));
        }
    }
    for suffix in ["", "-wal", "-shm"] {
        let p = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
        if let Ok(m) = std::fs::metadata(&p)
            && m.permissions().mode() & 0o077 != 0
        {
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600))
                .map_err(|e| format!("cannot make {} private: {e}", p.display()))?;
        }
    }
    Ok(())
}

/// The file of a `sqlite:` URL.
pub fn sqlite_path(url: &str) -> Option<std::path::PathBuf> {
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .map(|p| Path::new(p.split('?').next().unwrap_or("")).to_path_buf())
}

pub async fn open(cfg: &Config, migrate: bool) -> Result<Installation, String> {
    prepare_dirs(cfg)?;
    let store = Store::connect(&cfg.database_url)
        .await
        .map_err(|e| e.to_string())?;
    // Serving (and migrating) a database that cannot be written is refused now, not found out
    // by the first person who writes (nor by a crash on the first login).
    if migrate && let Err(e) = store.check_writable().await {
        return Err(format!(
            "the database {} cannot be written ({e}); make its files and folder writable by this user (and the disk not full), then start again",
            trustbox_store::redact_url(&cfg.database_url)
        ));
    }
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
    let mut created = false;
    let master = match &known {
        Some(fp) => {
            let key = MasterKey::load_file(&key_path).map_err(|e| e.to_string())?;
            let next = store
                .meta("key_fingerprint_next")
                .await
                .map_err(|e| e.to_string())?
                .filter(|n| !n.is_empty());
            if &key.fingerprint() != fp && next.as_deref() == Some(key.fingerprint().as_str()) {
                // A key rotation swapped the key file and stopped before saying so here.
                store
                    .set_meta("key_fingerprint", &key.fingerprint())
                    .await
                    .map_err(|e| e.to_string())?;
                store
                    .set_meta("key_fingerprint_next", "")
                    .await
                    .map_err(|e| e.to_string())?;
            } else if &key.fingerprint() != fp {
                return Err(format!(
                    "the master key {} (id {}) does not belong to this database (made with key id {fp}); use the key file that was made with it",
                    key_path.display(),
                    key.fingerprint()
                ));
            }
            key
        }
        None => {
            let (key, new) = MasterKey::load_or_create(&key_path).map_err(|e| e.to_string())?;
            created = new;
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
    // A rotation under way (`trustbox keys rotate` interrupted): the keyring may hold entries
    // under the new key already.
    let pending = match MasterKey::load_file(&cfg.new_key_path()) {
        Ok(k) => Some(k),
        Err(trustbox_crypto::CryptoError::KeyFileMissing { .. }) => None,
        Err(e) => return Err(e.to_string()),
    };
    let keyring = Keyring::open(&cfg.keyring_dir)
        .map_err(|e| e.to_string())?
        .with_pending(pending);
    let known_root = if schema_after > 0 {
        store
            .meta("keyring_root")
            .await
            .map_err(|e| e.to_string())?
    } else {
        None
    };
    let root = match keyring.root(&master).map_err(|e| e.to_string())? {
        Some(r) => r,
        None if known_root.is_some() => {
            return Err(format!(
                "the keyring folder {} is empty, but this database's letters are protected by keyring {}: point keyring_dir (--keyring-dir) at this installation's keyring folder; without it the letters cannot be read",
                cfg.keyring_dir.display(),
                known_root.unwrap_or_default()
            ));
        }
        // A new installation gets a random root; an existing one keeps the master key's own
        // derivation, so its receipt codes and sessions stay valid.
        None => keyring
            .ensure_root(&master, !created)
            .map_err(|e| e.to_string())?,
    };
    match &known_root {
        Some(fp) if fp != &root.fingerprint() => {
            return Err(format!(
                "the keyring folder {} (keyring {}) does not belong to this database (keyring {fp}): point keyring_dir (--keyring-dir) at this installation's keyring folder",
                cfg.keyring_dir.display(),
                root.fingerprint()
            ));
        }
        Some(_) => {}
        None if schema_after > 0 => store
            .set_meta("keyring_root", &root.fingerprint())
            .await
            .map_err(|e| e.to_string())?,
        None => {}
    }
    Ok(Installation {
        store,
        master,
        keyring,
        root,
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
