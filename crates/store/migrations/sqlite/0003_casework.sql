-- The registration journal and case work. Journal entries are append-only and chained by hash
-- per school (chain head `journal:<school id>`). Their personal part (author, contact, short
-- content, measures) is encrypted with the appeal's data key; the chain covers the SHA-256 of
-- that ciphertext, so the chain still verifies after a purge removes the ciphertext itself.
CREATE TABLE journal_entries (
    id             INTEGER PRIMARY KEY,
    school_id      INTEGER NOT NULL REFERENCES org_units(id),
    seq            INTEGER NOT NULL,
    appeal_id      INTEGER NOT NULL REFERENCES appeals(id),
    kind           TEXT    NOT NULL,
    at             INTEGER NOT NULL,
    actor_id       INTEGER REFERENCES users(id),
    refers_to      INTEGER,
    plain          TEXT    NOT NULL,
    payload_enc    BLOB,
    payload_digest BLOB    NOT NULL,
    prev_hash      BLOB    NOT NULL,
    hash           BLOB    NOT NULL,
    UNIQUE (school_id, seq)
);
CREATE INDEX journal_entries_appeal ON journal_entries(appeal_id, id);

-- Executing bodies an appeal can be forwarded to: per school, or per district/region (unit).
CREATE TABLE bodies (
    id        INTEGER PRIMARY KEY,
    unit_id   INTEGER NOT NULL REFERENCES org_units(id),
    name      TEXT    NOT NULL,
    kind      TEXT    NOT NULL,
    active    INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX bodies_unit ON bodies(unit_id);

CREATE TABLE forwards (
    id          INTEGER PRIMARY KEY,
    appeal_id   INTEGER NOT NULL REFERENCES appeals(id),
    school_id   INTEGER NOT NULL REFERENCES org_units(id),
    body_id     INTEGER NOT NULL REFERENCES bodies(id),
    sent_on     TEXT    NOT NULL,
    deadline    TEXT    NOT NULL,
    outcome_on  TEXT,
    outcome_enc BLOB,
    created_by  INTEGER REFERENCES users(id)
);
CREATE INDEX forwards_school ON forwards(school_id, outcome_on, deadline);

CREATE TABLE appeal_notes (
    id        INTEGER PRIMARY KEY,
    appeal_id INTEGER NOT NULL REFERENCES appeals(id),
    school_id INTEGER NOT NULL REFERENCES org_units(id),
    at        INTEGER NOT NULL,
    user_id   INTEGER REFERENCES users(id),
    kind      TEXT    NOT NULL,
    body_enc  BLOB    NOT NULL
);
CREATE INDEX appeal_notes_appeal ON appeal_notes(appeal_id, at);

-- A school's own changes to the country's working-day calendar.
CREATE TABLE calendar_overrides (
    school_id INTEGER NOT NULL REFERENCES org_units(id),
    day       TEXT    NOT NULL,
    working   INTEGER NOT NULL,
    note      TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (school_id, day)
);

ALTER TABLE appeals ADD COLUMN answered_on TEXT;
ALTER TABLE appeals ADD COLUMN answer_kind TEXT;
ALTER TABLE appeals ADD COLUMN reminded_at INTEGER;
ALTER TABLE appeals ADD COLUMN escalated_at INTEGER;
