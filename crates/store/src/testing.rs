//! Fresh databases for tests: a new SQLite file, or a new PostgreSQL database created from the
//! admin URL in `TRUSTBOX_TEST_PG` (default `postgres://postgres@127.0.0.1:5432/postgres`).
//! A PostgreSQL that does not answer fails the test: tests never skip a backend silently.

use std::path::PathBuf;

use sqlx::{Connection, Executor};

use crate::Backend;

/// A database made for one test; the SQLite folder is removed when dropped.
#[derive(Debug)]
pub struct TestDb {
    pub url: String,
    pub backend: Backend,
    pub dir: Option<PathBuf>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(d) = &self.dir {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}

fn unique() -> String {
    let n: u64 = rand::random();
    format!("{:x}_{}", n, std::process::id())
}

/// The PostgreSQL admin URL the tests use.
pub fn pg_admin_url() -> String {
    std::env::var("TRUSTBOX_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A fresh, empty database of `backend`.
pub async fn fresh(backend: Backend) -> Result<TestDb, String> {
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(format!("trustbox-test-{}", unique()));
            std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
            Ok(TestDb {
                url: format!("sqlite://{}", dir.join("t.sqlite3").display()),
                backend,
                dir: Some(dir),
            })
        }
        Backend::Postgres => {
            let admin = pg_admin_url();
            let mut conn = sqlx::PgConnection::connect(&admin).await.map_err(|e| {
                format!("PostgreSQL for tests does not answer at {} ({e}): run scripts/test, which starts one, or set TRUSTBOX_TEST_PG", crate::redact_url(&admin))
            })?;
            let name = format!("tb_t_{}", unique());
            conn.execute(format!("CREATE DATABASE {name}").as_str())
                .await
                .map_err(|e| e.to_string())?;
            let mut url = url::Url::parse(&admin).map_err(|e| e.to_string())?;
            url.set_path(&format!("/{name}"));
            Ok(TestDb {
                url: url.to_string(),
                backend,
                dir: None,
            })
        }
    }
}

/// The plan the database makes for the deadline job's question ([`crate::Store::appeals_needing`]
/// for `column`, school `school_id`, day `day`), one line per step as `EXPLAIN` gives it. On
/// PostgreSQL sequential scans are turned off for it: a test's few rows are otherwise read
/// whole, and the question is whether an index *can* serve the query.
pub async fn notice_due_plan(
    store: &crate::Store,
    column: &str,
    school_id: i64,
    day: &str,
) -> Result<String, crate::StoreError> {
    let sql = crate::journal::needing_sql(store.backend(), column)
        .replace("$1", &school_id.to_string())
        .replace("$2", &format!("'{}'", day.replace('\'', "")));
    let mut tx = store.pool.begin().await?;
    let lines: Vec<String> = match store.backend() {
        Backend::Sqlite => {
            let rows: Vec<(i64, i64, i64, String)> =
                sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}"))
                    .fetch_all(&mut *tx)
                    .await?;
            rows.into_iter().map(|r| r.3).collect()
        }
        Backend::Postgres => {
            sqlx::query("SET LOCAL enable_seqscan = off")
                .execute(&mut *tx)
                .await?;
            let rows: Vec<(String,)> = sqlx::query_as(&format!("EXPLAIN {sql}"))
                .fetch_all(&mut *tx)
                .await?;
            rows.into_iter().map(|r| r.0).collect()
        }
    };
    tx.rollback().await?;
    Ok(lines.join("\n"))
}
