//! Staff accounts beyond the password: TOTP two-factor state, recovery codes, half-done logins
//! (password checked, second factor not yet), the roles that must use two-factor, and the
//! administrator's view of a user's sessions. Secrets arrive here sealed or hashed only.

use sqlx::Row;

use crate::{Store, StoreError};

/// A user's two-factor state as stored (the secrets sealed by the caller).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TotpState {
    /// The confirmed secret, sealed; `None` when two-factor is off.
    pub secret: Option<Vec<u8>>,
    /// A secret shown on the enrolment page and not yet confirmed with a code, sealed.
    pub pending: Option<Vec<u8>>,
    /// The last time step whose code was accepted: no code of this step or earlier works again.
    pub last_step: Option<i64>,
    pub enabled_at: Option<i64>,
}

/// A login between its two steps: the password was right, the second factor is still due
/// (`purpose = "code"`), or two-factor must first be set up (`purpose = "enrol"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub user_id: i64,
    pub purpose: String,
    pub created_at: i64,
    pub attempts: i64,
}

/// A live session as the administrator sees it: when it began and was last used, nothing about
/// where from. `token_hash` is the SHA-256 of the cookie (not usable as a cookie itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    pub token_hash: Vec<u8>,
    pub created_at: i64,
    pub last_seen: i64,
}

impl Store {
    pub async fn totp_state(&self, user_id: i64) -> Result<TotpState, StoreError> {
        let row = sqlx::query(
            "SELECT totp_secret, totp_pending, totp_last_step, totp_enabled_at FROM users \
             WHERE id = $1",
        )
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(TotpState {
            secret: row.try_get("totp_secret")?,
            pending: row.try_get("totp_pending")?,
            last_step: row.try_get("totp_last_step")?,
            enabled_at: row.try_get("totp_enabled_at")?,
        })
    }

    /// Keeps (or forgets, with `None`) the sealed secret shown on the enrolment page.
    pub async fn set_totp_pending(
        &self,
        user_id: i64,
        sealed: Option<&[u8]>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET totp_pending = $1 WHERE id = $2")
            .bind(sealed)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Turns two-factor on with `sealed` (the confirmed secret), remembering `step` (the step
    /// of the confirming code) and replacing the recovery codes, all in one transaction.
    pub async fn enable_totp(
        &self,
        user_id: i64,
        sealed: &[u8],
        step: i64,
        recovery_hashes: &[[u8; 32]],
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE users SET totp_secret = $1, totp_pending = NULL, totp_last_step = $2, \
             totp_enabled_at = $3 WHERE id = $4",
        )
        .bind(sealed)
        .bind(step)
        .bind(now)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        for h in recovery_hashes {
            sqlx::query(
                "INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES ($1, $2, $3)",
            )
            .bind(user_id)
            .bind(&h[..])
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Turns two-factor off and forgets the secret and the recovery codes.
    pub async fn disable_totp(&self, user_id: i64) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL, \
             totp_enabled_at = NULL WHERE id = $1",
        )
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Accepts a code of time step `step` once: `true` when `step` is later than every step
    /// accepted before (atomically, so two requests with one code cannot both pass).
    pub async fn accept_totp_step(&self, user_id: i64, step: i64) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_secret IS NOT NULL \
             AND (totp_last_step IS NULL OR totp_last_step < $1)",
        )
        .bind(step)
        .bind(user_id)
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected() == 1)
    }

    /// Spends a recovery code (by its hash): `true` the first time only.
    pub async fn use_recovery_code(
        &self,
        user_id: i64,
        code_hash: &[u8],
        now: i64,
    ) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 \
             AND used_at IS NULL",
        )
        .bind(now)
        .bind(user_id)
        .bind(code_hash)
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected() == 1)
    }

    /// Replaces every recovery code of the user.
    pub async fn replace_recovery_codes(
        &self,
        user_id: i64,
        hashes: &[[u8; 32]],
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        for h in hashes {
            sqlx::query(
                "INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES ($1, $2, $3)",
            )
            .bind(user_id)
            .bind(&h[..])
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// How many recovery codes are still unused.
    pub async fn recovery_codes_left(&self, user_id: i64) -> Result<i64, StoreError> {
        let n: (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(user_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(n.0)
    }

    pub async fn create_challenge(
        &self,
        token_hash: &[u8],
        user_id: i64,
        purpose: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO login_challenges (token_hash, user_id, purpose, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(purpose)
        .bind(now)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The live challenge of a token hash.
    pub async fn challenge(&self, token_hash: &[u8], now: i64) -> Result<Challenge, StoreError> {
        let row: Option<(i64, String, i64, i64)> = sqlx::query_as(
            "SELECT user_id, purpose, created_at, attempts FROM login_challenges \
             WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        let (user_id, purpose, created_at, attempts) = row.ok_or(StoreError::NotFound)?;
        Ok(Challenge {
            user_id,
            purpose,
            created_at,
            attempts,
        })
    }

    /// Counts a wrong code against a challenge; returns the attempts so far.
    pub async fn challenge_failed(&self, token_hash: &[u8]) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "UPDATE login_challenges SET attempts = attempts + 1 WHERE token_hash = $1 \
             RETURNING attempts",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(row.try_get("attempts")?)
    }

    pub async fn delete_challenge(&self, token_hash: &[u8]) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM login_challenges WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn delete_expired_challenges(&self, now: i64) -> Result<u64, StoreError> {
        let r = sqlx::query("DELETE FROM login_challenges WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(r.rows_affected())
    }

    /// The roles (codes, plus `admin` for installation administrators) that must use
    /// two-factor authentication.
    pub async fn mfa_required_roles(&self) -> Result<Vec<String>, StoreError> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT role FROM mfa_required_roles ORDER BY role")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    pub async fn set_mfa_required_roles(&self, roles: &[&str]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM mfa_required_roles")
            .execute(&mut *tx)
            .await?;
        for r in roles {
            sqlx::query("INSERT INTO mfa_required_roles (role) VALUES ($1)")
                .bind(*r)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The user's sessions still alive at `now` (idle and absolute limits both), newest first.
    pub async fn sessions_of(
        &self,
        user_id: i64,
        now: i64,
        created_after: i64,
    ) -> Result<Vec<SessionInfo>, StoreError> {
        let rows: Vec<(Vec<u8>, i64, i64)> = sqlx::query_as(
            "SELECT token_hash, created_at, last_seen FROM sessions WHERE user_id = $1 \
             AND expires_at > $2 AND created_at > $3 ORDER BY created_at DESC",
        )
        .bind(user_id)
        .bind(now)
        .bind(created_after)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(token_hash, created_at, last_seen)| SessionInfo {
                token_hash,
                created_at,
                last_seen,
            })
            .collect())
    }

    /// Ends one session of `user_id` (by token hash); `false` if there was none.
    pub async fn revoke_session(
        &self,
        user_id: i64,
        token_hash: &[u8],
    ) -> Result<bool, StoreError> {
        let r = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash = $2")
            .bind(user_id)
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(r.rows_affected() > 0)
    }

    /// Ends every session and half-done login of `user_id`; returns the sessions ended.
    pub async fn revoke_sessions_of(&self, user_id: i64) -> Result<u64, StoreError> {
        let r = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        sqlx::query("DELETE FROM login_challenges WHERE user_id = $1")
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(r.rows_affected())
    }

    /// Spends every unused setup link of `user_id` (a new one replaces them).
    pub async fn revoke_setup_tokens(&self, user_id: i64, now: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE setup_tokens SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
            .bind(now)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
