-- The answer board: items published for anonymous authors (answers, invitations to a personal
-- conversation, general answers). The text is written by staff and encrypted with the appeal's
-- key like everything else of the case, so destroying the case removes it from the board too.
CREATE TABLE board_items (
    id           BIGINT  PRIMARY KEY,
    school_id    BIGINT  NOT NULL REFERENCES org_units(id),
    appeal_id    BIGINT  NOT NULL REFERENCES appeals(id),
    kind         TEXT    NOT NULL,
    text_enc     BYTEA   NOT NULL,
    published_at BIGINT  NOT NULL,
    expires_at   BIGINT  NOT NULL,
    withdrawn_at BIGINT ,
    created_by   BIGINT  REFERENCES users(id)
);
CREATE INDEX board_items_school ON board_items(school_id, published_at);
