-- Foundation: installation metadata, organisation tree, staff accounts, sessions, audit log.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE org_units (
    id           INTEGER PRIMARY KEY,
    parent_id    INTEGER REFERENCES org_units(id),
    kind         TEXT    NOT NULL,
    slug         TEXT    NOT NULL UNIQUE,
    country      TEXT    NOT NULL,
    name_ky      TEXT    NOT NULL,
    name_kk      TEXT    NOT NULL,
    name_ru      TEXT    NOT NULL,
    name_en      TEXT    NOT NULL,
    default_lang TEXT    NOT NULL,
    time_zone    TEXT    NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX org_units_parent ON org_units(parent_id);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    password_hash TEXT,
    is_admin      INTEGER NOT NULL DEFAULT 0,
    lang          TEXT    NOT NULL DEFAULT 'ru',
    disabled      INTEGER NOT NULL DEFAULT 0,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  INTEGER,
    created_at    INTEGER NOT NULL
);

CREATE TABLE grants (
    user_id INTEGER NOT NULL REFERENCES users(id),
    unit_id INTEGER NOT NULL REFERENCES org_units(id),
    role    TEXT    NOT NULL,
    PRIMARY KEY (user_id, unit_id, role)
);
CREATE INDEX grants_unit ON grants(unit_id);

CREATE TABLE sessions (
    token_hash BLOB    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE setup_tokens (
    token_hash BLOB    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);

CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    actor_id   INTEGER,
    school_id  INTEGER,
    action     TEXT    NOT NULL,
    object     TEXT    NOT NULL,
    detail     TEXT    NOT NULL,
    prev_hash  BLOB    NOT NULL,
    hash       BLOB    NOT NULL
);
CREATE INDEX audit_log_school ON audit_log(school_id, id);

-- Heads of the hash chains (the audit log; later the per-school journals). Updating the head is
-- the first statement of every append, so appends are serialised and the chain cannot fork.
CREATE TABLE chain_heads (
    name TEXT    PRIMARY KEY,
    seq  INTEGER NOT NULL,
    hash BLOB    NOT NULL
);
