-- Accounts: TOTP two-factor (the secret sealed under a key derived from the master key, bound
-- to the user; the last accepted time step, so no code works twice), recovery codes (HMAC only),
-- the half-done logins between password and second factor, and the roles that must use 2FA.
ALTER TABLE users ADD COLUMN totp_secret BYTEA;
ALTER TABLE users ADD COLUMN totp_pending BYTEA;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT ;
ALTER TABLE users ADD COLUMN totp_enabled_at BIGINT ;

CREATE TABLE recovery_codes (
    user_id    BIGINT  NOT NULL REFERENCES users(id),
    code_hash  BYTEA   NOT NULL,
    created_at BIGINT  NOT NULL,
    used_at    BIGINT ,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE login_challenges (
    token_hash BYTEA   PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users(id),
    purpose    TEXT    NOT NULL,
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL,
    attempts   BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX login_challenges_user ON login_challenges(user_id);

CREATE TABLE mfa_required_roles (
    role TEXT PRIMARY KEY
);
