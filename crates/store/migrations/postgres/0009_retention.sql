-- Retention and crypto-shredding. An appeal's data key is wrapped by a *bucket key* kept in the
-- keyring folder outside the database (and so outside its backups): the bucket of its creation
-- month while open (label 'open:2026-12'), the bucket of its expiry day once closed
-- ('expires:2027-12-01'). Only the bucket's id and label are here; its key material is only in
-- the keyring. Every bucket that ever wrapped an appeal's key is remembered, so that purging
-- the appeal can destroy all of them (after moving the surviving appeals to fresh buckets).
CREATE TABLE key_buckets (
    id           BIGINT PRIMARY KEY,
    kind         TEXT    NOT NULL,
    label        TEXT    NOT NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    -- No new key is wrapped by a retired bucket; its appeals are being moved away.
    retired_at   BIGINT,
    -- Its key was deleted from the keyring.
    destroyed_at BIGINT
);
CREATE UNIQUE INDEX key_buckets_live_label ON key_buckets(label) WHERE retired_at IS NULL;

CREATE TABLE appeal_key_history (
    appeal_id BIGINT NOT NULL REFERENCES appeals(id),
    bucket_id BIGINT NOT NULL REFERENCES key_buckets(id),
    at        BIGINT NOT NULL,
    PRIMARY KEY (appeal_id, bucket_id)
);
CREATE INDEX appeal_key_history_bucket ON appeal_key_history(bucket_id);

ALTER TABLE appeals ADD COLUMN key_bucket_id BIGINT REFERENCES key_buckets(id);
ALTER TABLE appeals ADD COLUMN destroyed_at BIGINT;
ALTER TABLE appeals ADD COLUMN legal_hold BIGINT NOT NULL DEFAULT 0;
-- Why the case is held (staff text, encrypted with the appeal's key).
ALTER TABLE appeals ADD COLUMN hold_reason_enc BYTEA;
CREATE INDEX appeals_key_bucket ON appeals(key_bucket_id);
