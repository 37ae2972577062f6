-- The digital box: school settings, appeals with their encrypted contents, the conversation
-- with the author, attachments, assignees, per-school API tokens and the e-mail outbox.
-- Ids of appeals, messages and attachments are chosen by the application (random), because the
-- encryption binds each ciphertext to its row id before the row is written.
ALTER TABLE users ADD COLUMN email TEXT;

CREATE TABLE school_settings (
    school_id        INTEGER PRIMARY KEY REFERENCES org_units(id),
    answer_days      INTEGER NOT NULL DEFAULT 5,
    numbering        TEXT    NOT NULL DEFAULT 'calendar',
    phone_numbers    TEXT    NOT NULL DEFAULT '',
    phone_hours      TEXT    NOT NULL DEFAULT '',
    opening_schedule TEXT    NOT NULL DEFAULT '',
    updated_at       INTEGER NOT NULL
);

CREATE TABLE journal_counters (
    school_id INTEGER NOT NULL REFERENCES org_units(id),
    year      INTEGER NOT NULL,
    last_seq  INTEGER NOT NULL,
    PRIMARY KEY (school_id, year)
);

CREATE TABLE appeals (
    id           INTEGER PRIMARY KEY,
    school_id    INTEGER NOT NULL REFERENCES org_units(id),
    journal_year INTEGER NOT NULL,
    journal_seq  INTEGER NOT NULL,
    received_at  INTEGER NOT NULL,
    channel      TEXT    NOT NULL,
    author_type  TEXT    NOT NULL,
    anonymous    INTEGER NOT NULL,
    category     TEXT    NOT NULL,
    urgent       INTEGER NOT NULL,
    risks        TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    answer_via   TEXT    NOT NULL,
    written_on   TEXT    NOT NULL,
    deadline     TEXT    NOT NULL,
    lang         TEXT    NOT NULL,
    receipt_hash BLOB    UNIQUE,
    data_key     BLOB    NOT NULL,
    text_enc     BLOB    NOT NULL,
    contact_enc  BLOB,
    version      INTEGER NOT NULL DEFAULT 1,
    updated_at   INTEGER NOT NULL,
    closed_at    INTEGER,
    UNIQUE (school_id, journal_year, journal_seq)
);
CREATE INDEX appeals_inbox ON appeals(school_id, deadline);

CREATE TABLE appeal_messages (
    id         INTEGER PRIMARY KEY,
    appeal_id  INTEGER NOT NULL REFERENCES appeals(id),
    school_id  INTEGER NOT NULL REFERENCES org_units(id),
    at         INTEGER NOT NULL,
    from_staff INTEGER NOT NULL,
    user_id    INTEGER REFERENCES users(id),
    body_enc   BLOB    NOT NULL
);
CREATE INDEX appeal_messages_appeal ON appeal_messages(appeal_id, at);

CREATE TABLE attachments (
    id          INTEGER PRIMARY KEY,
    appeal_id   INTEGER NOT NULL REFERENCES appeals(id),
    school_id   INTEGER NOT NULL REFERENCES org_units(id),
    message_id  INTEGER,
    at          INTEGER NOT NULL,
    mime        TEXT    NOT NULL,
    size        INTEGER NOT NULL,
    name_enc    BLOB    NOT NULL,
    content_enc BLOB    NOT NULL
);
CREATE INDEX attachments_appeal ON attachments(appeal_id);

CREATE TABLE appeal_assignees (
    appeal_id INTEGER NOT NULL REFERENCES appeals(id),
    user_id   INTEGER NOT NULL REFERENCES users(id),
    school_id INTEGER NOT NULL REFERENCES org_units(id),
    PRIMARY KEY (appeal_id, user_id)
);
CREATE INDEX appeal_assignees_user ON appeal_assignees(user_id);

CREATE TABLE api_tokens (
    token_hash BLOB    PRIMARY KEY,
    school_id  INTEGER NOT NULL REFERENCES org_units(id),
    label      TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    school_id       INTEGER REFERENCES org_units(id),
    created_at      INTEGER NOT NULL,
    kind            TEXT    NOT NULL,
    recipient       TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    sent_at         INTEGER,
    last_error      TEXT
);
CREATE INDEX outbox_due ON outbox(sent_at, next_attempt_at);
