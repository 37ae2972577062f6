use crate::{Store, StoreError};

/// A staff session as stored: only the hash of the cookie's token is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub user_id: i64,
    pub created_at: i64,
    pub last_seen: i64,
    pub expires_at: i64,
}

impl Store {
    pub async fn create_session(
        &self,
        token_hash: &[u8],
        user_id: i64,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen, expires_at) \
             VALUES ($1, $2, $3, $3, $4)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(now)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The live session for a token hash, sliding its idle expiry to `new_expiry`
    /// (written at most once a minute to spare the disk). A session created at or before
    /// `created_after` has reached its absolute lifetime and is not found, however active.
    pub async fn touch_session(
        &self,
        token_hash: &[u8],
        now: i64,
        new_expiry: i64,
        created_after: i64,
    ) -> Result<SessionRow, StoreError> {
        let row: Option<(i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT user_id, created_at, last_seen, expires_at FROM sessions \
             WHERE token_hash = $1 AND expires_at > $2 AND created_at > $3",
        )
        .bind(token_hash)
        .bind(now)
        .bind(created_after)
        .fetch_optional(&self.pool)
        .await?;
        let (user_id, created_at, last_seen, expires_at) = row.ok_or(StoreError::NotFound)?;
        if now - last_seen >= 60 {
            sqlx::query(
                "UPDATE sessions SET last_seen = $1, expires_at = $2 WHERE token_hash = $3",
            )
            .bind(now)
            .bind(new_expiry)
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        }
        Ok(SessionRow {
            user_id,
            created_at,
            last_seen,
            expires_at,
        })
    }

    pub async fn delete_session(&self, token_hash: &[u8]) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn delete_expired_sessions(&self, now: i64) -> Result<u64, StoreError> {
        let r = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(r.rows_affected())
    }
}
