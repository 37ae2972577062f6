use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};

use crate::StoreError;

/// Which database engine a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The one handle to persistence. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) pool: AnyPool,
    pub(crate) backend: Backend,
    /// The intake writer (group commit), shared by every clone.
    pub(crate) group: std::sync::Arc<crate::group::GroupCommit>,
}

/// A database URL with any password replaced by `***`, safe for messages and logs.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            if u.password().is_some() {
                let _ = u.set_password(Some("***"));
            }
            u.to_string()
        }
        Err(_) => url.split('?').next().unwrap_or("").to_string(),
    }
}

impl Store {
    /// Connects to `url` (`sqlite://PATH` or `postgres://…`). A SQLite file is created when
    /// missing; its parent folder must exist. SQLite runs in WAL mode with `synchronous=FULL`, so
    /// an acknowledged commit survives power loss.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl {
                url: redact_url(url),
            });
        };
        let mut full = url.to_string();
        if backend == Backend::Sqlite && !full.contains("mode=") {
            full.push_str(if full.contains('?') {
                "&mode=rwc"
            } else {
                "?mode=rwc"
            });
        }
        let unreachable = |e: sqlx::Error| StoreError::Unreachable {
            url: redact_url(url),
            reason: e.to_string(),
        };
        let opts = AnyConnectOptions::from_str(&full)
            .map_err(unreachable)?
            .disable_statement_logging();
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            .min_connections(0)
            .acquire_timeout(Duration::from_secs(10))
            // A SQLite connection cannot go stale, and a ping costs a hand-off to its thread
            // on every acquire (a query outside a transaction, a `begin`): test PostgreSQL
            // connections only (the server may have restarted).
            .test_before_acquire(backend == Backend::Postgres)
            // A connection still inside a transaction when it comes back (its rollback failed,
            // e.g. on a storage fault) is closed, not handed to the next request holding locks.
            .after_release(|conn, _meta| {
                Box::pin(async move {
                    use sqlx::Connection;
                    if conn.is_in_transaction() {
                        // The rollback of a dropped transaction may still be queued: let it run.
                        conn.ping().await?;
                        if conn.is_in_transaction() {
                            tracing::warn!(
                                "a database connection was left in a transaction: closed"
                            );
                            return Ok(false);
                        }
                    }
                    Ok(true)
                })
            })
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute(
                            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; \
                             PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(opts)
            .await
            .map_err(unreachable)?;
        Ok(Store {
            pool,
            backend,
            group: crate::group::GroupCommit::new(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes every connection; waits for them to finish.
    pub async fn close(&self) {
        self.group.release();
        self.pool.close().await;
    }

    /// Answers when the database answers (for `/healthz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Fails when the database cannot be written (read-only files, a read-only mount or
    /// transaction, a full disk): a table made in a transaction that is rolled back, so it
    /// works before the first migration too and leaves nothing behind.
    pub async fn check_writable(&self) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("CREATE TABLE tb_write_probe (x INTEGER)")
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO tb_write_probe (x) VALUES (1)")
            .execute(&mut *tx)
            .await?;
        tx.rollback().await?;
        Ok(())
    }

    /// Runs one SQL statement as it is. For tests and maintenance commands only; never with
    /// user input.
    pub async fn raw_execute(&self, sql: &str) -> Result<u64, StoreError> {
        Ok(sqlx::query(sql).execute(&self.pool).await?.rows_affected())
    }

    /// The first column of every row of `sql`, an integer (tests and benchmarks look behind
    /// the store's back with it).
    #[doc(hidden)]
    pub async fn raw_query_i64(&self, sql: &str) -> Result<Vec<(i64,)>, StoreError> {
        Ok(sqlx::query_as(sql).fetch_all(&self.pool).await?)
    }

    /// A value from the installation's `meta` table.
    pub async fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        let v: Option<(String,)> = sqlx::query_as("SELECT value FROM meta WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(v.map(|(v,)| v))
    }

    pub async fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO meta (key, value) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
