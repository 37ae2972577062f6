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
