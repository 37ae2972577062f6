-- A grant that lets its holder read letters, made by an administrator, waits for the school's
-- director (or a second administrator) to confirm it; until then it allows nothing. Grants
-- that exist already stay as they are (confirmed).
ALTER TABLE grants ADD COLUMN pending BIGINT NOT NULL DEFAULT 0;
ALTER TABLE grants ADD COLUMN granted_by BIGINT;
ALTER TABLE grants ADD COLUMN granted_at BIGINT;
