use sqlx::{AnyConnection, Row};

use crate::{Backend, Store, StoreError};

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

/// The migrations, in order; each backend has its own SQL, kept side by side.
const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        sqlite: include_str!("../migrations/sqlite/0001_foundation.sql"),
        postgres: include_str!("../migrations/postgres/0001_foundation.sql"),
    },
    Migration {
        version: 2,
        name: "appeals",
        sqlite: include_str!("../migrations/sqlite/0002_appeals.sql"),
        postgres: include_str!("../migrations/postgres/0002_appeals.sql"),
    },
    Migration {
        version: 3,
        name: "casework",
        sqlite: include_str!("../migrations/sqlite/0003_casework.sql"),
        postgres: include_str!("../migrations/postgres/0003_casework.sql"),
    },
    Migration {
        version: 4,
        name: "board",
        sqlite: include_str!("../migrations/sqlite/0004_board.sql"),
        postgres: include_str!("../migrations/postgres/0004_board.sql"),
    },
    Migration {
        version: 5,
        name: "report_submissions",
        sqlite: include_str!("../migrations/sqlite/0005_report_submissions.sql"),
        postgres: include_str!("../migrations/postgres/0005_report_submissions.sql"),
    },
    Migration {
        version: 6,
        name: "paperbox",
        sqlite: include_str!("../migrations/sqlite/0006_paperbox.sql"),
        postgres: include_str!("../migrations/postgres/0006_paperbox.sql"),
    },
    Migration {
        version: 7,
        name: "phone",
        sqlite: include_str!("../migrations/sqlite/0007_phone.sql"),
        postgres: include_str!("../migrations/postgres/0007_phone.sql"),
    },
    Migration {
        version: 8,
        name: "accounts",
        sqlite: include_str!("../migrations/sqlite/0008_accounts.sql"),
        postgres: include_str!("../migrations/postgres/0008_accounts.sql"),
    },
    Migration {
        version: 9,
        name: "retention",
        sqlite: include_str!("../migrations/sqlite/0009_retention.sql"),
        postgres: include_str!("../migrations/postgres/0009_retention.sql"),
    },
    Migration {
        version: 10,
        name: "perf",
        sqlite: include_str!("../migrations/sqlite/0010_perf.sql"),
        postgres: include_str!("../migrations/postgres/0010_perf.sql"),
    },
    Migration {
        version: 11,
        name: "stats",
        sqlite: include_str!("../migrations/sqlite/0011_stats.sql"),
        postgres: include_str!("../migrations/postgres/0011_stats.sql"),
    },
    Migration {
        version: 12,
        name: "notice_due",
        sqlite: include_str!("../migrations/sqlite/0012_notice_due.sql"),
        postgres: include_str!("../migrations/postgres/0012_notice_due.sql"),
    },
    Migration {
        version: 13,
        name: "outbox_recipients",
        sqlite: include_str!("../migrations/sqlite/0013_outbox_recipients.sql"),
        postgres: include_str!("../migrations/postgres/0013_outbox_recipients.sql"),
    },
    Migration {
        version: 14,
        name: "grant_confirmation",
        sqlite: include_str!("../migrations/sqlite/0014_grant_confirmation.sql"),
        postgres: include_str!("../migrations/postgres/0014_grant_confirmation.sql"),
    },
];

/// The newest schema version this binary knows: the last migration's.
pub const SCHEMA_VERSION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].version;

/// What [`Store::migrate`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationOutcome {
    pub before: i64,
    pub after: i64,
}

impl Store {
    /// The schema version of the database (0 for an empty one).
    pub async fn schema_version(&self) -> Result<i64, StoreError> {
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, \
             name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
        )
        .execute(&self.pool)
        .await?;
        let row = sqlx::query("SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get::<i64, _>("v")?)
    }

    /// Brings the schema up to [`SCHEMA_VERSION`], each migration in its own transaction.
    /// Refuses, changing nothing, a database written by a newer Trustbox.
    pub async fn migrate(&self, now: i64) -> Result<MigrationOutcome, StoreError> {
        let before = self.schema_version().await?;
        if before > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                found: before,
                known: SCHEMA_VERSION,
            });
        }
        for m in MIGRATIONS.iter().filter(|m| m.version > before) {
            let sql = match self.backend() {
                Backend::Sqlite => m.sqlite,
                Backend::Postgres => m.postgres,
            };
            let mut tx = self.pool.begin().await?;
            sqlx::raw_sql(sql).execute(&mut *tx).await?;
            sqlx::query(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            )
            .bind(m.version)
            .bind(m.name)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            tracing::info!(version = m.version, name = m.name, "applied migration");
        }
        Ok(MigrationOutcome {
            before,
            after: SCHEMA_VERSION.max(before),
        })
    }
}

/// Applies the migrations after `from` up to `to` on `conn`, inside the caller's transaction
/// (restoring a backup creates the schema, loads the rows and migrates in one transaction).
pub(crate) async fn migrate_conn(
    conn: &mut AnyConnection,
    backend: Backend,
    from: i64,
    to: i64,
    now: i64,
) -> Result<(), StoreError> {
    for m in MIGRATIONS
        .iter()
        .filter(|m| m.version > from && m.version <= to)
    {
        let sql = match backend {
            Backend::Sqlite => m.sqlite,
            Backend::Postgres => m.postgres,
        };
        sqlx::raw_sql(sql).execute(&mut *conn).await?;
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(m.version)
        .bind(m.name)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
