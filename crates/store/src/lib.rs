//! Persistence of Trustbox on SQLite (embedded default) and PostgreSQL (scale-out): one query implementation, per-backend migrations.
