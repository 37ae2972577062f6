-- The answer board: items published for anonymous authors (answers, invitations to a personal
-- conversation, general answers). The text is written by staff and encrypted with the appeal's
-- key like everything else of the case, so destroying the case removes it from the board too.
CREATE TABLE board_items (
    id           INTEGER PRIMARY KEY,
    school_id    INTEGER NOT NULL REFERENCES org_units(id),
    appeal_id    INTEGER NOT NULL REFERENCES appeals(id),
    kind         TEXT    NOT NULL,
    text_enc     BLOB    NOT NULL,
    published_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    withdrawn_at INTEGER,
    created_by   INTEGER REFERENCES users(id)
);
CREATE INDEX board_items_school ON board_items(school_id, published_at);
