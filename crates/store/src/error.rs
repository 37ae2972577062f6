use thiserror::Error;

/// What can go wrong in the store. Messages are one line, say what to do next, and never
/// contain a password (database URLs are redacted).
#[derive(Debug, Error)]
pub enum StoreError {
    #[error(
        "cannot reach the database at {url}: {reason}; check that it runs and that the URL is right"
    )]
    Unreachable { url: String, reason: String },
    #[error("unsupported database URL {url}: use sqlite://PATH or postgres://USER@HOST/DB")]
    UnsupportedUrl { url: String },
    #[error(
        "this database was written by a newer Trustbox (schema version {found}, this binary knows up to {known}); install the newer Trustbox — nothing was changed"
    )]
    NewerSchema { found: i64, known: i64 },
    #[error("not found")]
    NotFound,
    #[error("already exists: {0}")]
    Duplicate(&'static str),
    #[error("changed by someone else in the meantime")]
    Conflict,
    #[error("invalid data: {0}")]
    Invalid(String),
    #[error("the intake writer stopped (the server is shutting down); try again")]
    WriterStopped,
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
}

impl StoreError {
    pub(crate) fn unique(e: sqlx::Error, what: &'static str) -> StoreError {
        if let sqlx::Error::Database(db) = &e
            && db.is_unique_violation()
        {
            return StoreError::Duplicate(what);
        }
        StoreError::Sql(e)
    }
}

impl StoreError {
    /// A fault of the storage rather than of the request (the database is read-only, full,
    /// locked, gone, or out of connections): worth trying again later, so the web layer answers
    /// 503 with `Retry-After`.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Unreachable { .. } | StoreError::WriterStopped => true,
            StoreError::Sql(e) => match e {
                sqlx::Error::Io(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::WorkerCrashed => true,
                sqlx::Error::Database(db) => {
                    let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
                    if db
                        .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
                        .is_some()
                    {
                        // SQLSTATEs: connection, resources, operator intervention, read-only
                        // transaction.
                        code.starts_with("08")
                            || code.starts_with("53")
                            || code.starts_with("57")
                            || code == "25006"
                    } else {
                        // SQLite: BUSY, LOCKED, READONLY, IOERR, FULL, CANTOPEN (and their
                        // extended codes).
                        code.parse::<i64>()
                            .is_ok_and(|n| matches!(n & 0xff, 5 | 6 | 8 | 10 | 13 | 14))
                    }
                }
                _ => false,
            },
            _ => false,
        }
    }
}
