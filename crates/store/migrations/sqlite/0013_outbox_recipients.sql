-- The outbox keeps no address in clear: `recipient` holds a masked form for the administrator
-- (a•••@example.org); the address itself is in `recipient_enc`, sealed under the case's data
-- key for an author (with `appeal_id`, erased at the purge of the case) or under the
-- installation's outbox key for staff, and erased once the mail is delivered.
ALTER TABLE outbox ADD COLUMN appeal_id INTEGER;
ALTER TABLE outbox ADD COLUMN recipient_enc BLOB;
-- Mails delivered or given up before this version: their address is no longer needed.
UPDATE outbox SET recipient = '•••' WHERE sent_at IS NOT NULL OR attempts >= 30;
