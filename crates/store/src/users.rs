use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Store, StoreError};

/// A staff account. The password hash never leaves the store except for verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub password_hash: Option<String>,
    pub is_admin: bool,
    pub lang: String,
    pub disabled: bool,
    pub failed_logins: i64,
    pub locked_until: Option<i64>,
    pub created_at: i64,
    pub email: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password_hash: Option<String>,
    pub is_admin: bool,
    pub lang: String,
}

/// A role held on an org unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantRow {
    pub user_id: i64,
    pub unit_id: i64,
    pub role: String,
    /// Waiting for a confirmation (see `trustbox_domain::may_confirm`); allows nothing yet.
    pub pending: bool,
    /// The administrator who made the grant (`None`: the installer, the command line, or a
    /// grant from before confirmations existed).
    pub granted_by: Option<i64>,
    pub granted_at: Option<i64>,
}

const GRANT_COLUMNS: &str = "user_id, unit_id, role, pending, granted_by, granted_at";

fn row_to_grant(r: &AnyRow) -> Result<GrantRow, sqlx::Error> {
    Ok(GrantRow {
        user_id: r.try_get("user_id")?,
        unit_id: r.try_get("unit_id")?,
        role: r.try_get("role")?,
        pending: r.try_get::<i64, _>("pending")? != 0,
        granted_by: r.try_get("granted_by")?,
        granted_at: r.try_get("granted_at")?,
    })
}

const COLUMNS: &str = "id, username, display_name, password_hash, is_admin, lang, disabled, \
                       failed_logins, locked_until, created_at, email";

fn row_to_user(r: &AnyRow) -> Result<User, sqlx::Error> {
    Ok(User {
        id: r.try_get("id")?,
        username: r.try_get("username")?,
        display_name: r.try_get("display_name")?,
        password_hash: r.try_get("password_hash")?,
        is_admin: r.try_get::<i64, _>("is_admin")? != 0,
        lang: r.try_get("lang")?,
        disabled: r.try_get::<i64, _>("disabled")? != 0,
        failed_logins: r.try_get("failed_logins")?,
        locked_until: r.try_get("locked_until")?,
        created_at: r.try_get("created_at")?,
        email: r.try_get("email")?,
    })
}

impl Store {
    pub async fn create_user(&self, u: &NewUser, now: i64) -> Result<User, StoreError> {
        let row = sqlx::query(&format!(
            "INSERT INTO users (username, display_name, password_hash, is_admin, lang, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING {COLUMNS}"
        ))
        .bind(&u.username)
        .bind(&u.display_name)
        .bind(u.password_hash.as_deref())
        .bind(i64::from(u.is_admin))
        .bind(&u.lang)
        .bind(now)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| StoreError::unique(e, "username"))?;
        Ok(row_to_user(&row)?)
    }

    pub async fn user(&self, id: i64) -> Result<User, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(row_to_user(&row)?)
    }

    pub async fn user_by_name(&self, username: &str) -> Result<User, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE username = $1"))
            .bind(username)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(row_to_user(&row)?)
    }

    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM users ORDER BY username"))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(row_to_user).collect::<Result<_, _>>()?)
    }

    /// Staff of one unit (users holding any confirmed role on it).
    pub async fn users_of_unit(&self, unit_id: i64) -> Result<Vec<User>, StoreError> {
        let cols = COLUMNS
            .split(", ")
            .map(|c| format!("u.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let rows = sqlx::query(&format!(
            "SELECT DISTINCT {cols} FROM users u JOIN grants g ON g.user_id = u.id \
             WHERE g.unit_id = $1 AND g.pending = 0 ORDER BY u.username"
        ))
        .bind(unit_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(row_to_user).collect::<Result<_, _>>()?)
    }

    pub async fn admin_exists(&self) -> Result<bool, StoreError> {
        let n: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users WHERE is_admin = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(n.0 > 0)
    }

    pub async fn set_password(&self, user_id: i64, hash: &str) -> Result<(), StoreError> {
        let r = sqlx::query(
            "UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = NULL \
             WHERE id = $2",
        )
        .bind(hash)
        .bind(user_id)
        .execute(&self.pool)
        .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    pub async fn set_user_email(
        &self,
        user_id: i64,
        email: Option<&str>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET email = $1 WHERE id = $2")
            .bind(email)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn set_user_lang(&self, user_id: i64, lang: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET lang = $1 WHERE id = $2")
            .bind(lang)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn set_user_disabled(&self, user_id: i64, disabled: bool) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
            .bind(i64::from(disabled))
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user_id)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// Counts a failed login; locks the account until `lock_until` once `max_failures` is reached.
    pub async fn record_failed_login(
        &self,
        user_id: i64,
        max_failures: i64,
        lock_until: i64,
    ) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins",
        )
        .bind(user_id)
        .fetch_one(&self.pool)
        .await?;
        let n: i64 = row.try_get("failed_logins")?;
        if n >= max_failures {
            sqlx::query("UPDATE users SET locked_until = $1, failed_logins = 0 WHERE id = $2")
                .bind(lock_until)
                .bind(user_id)
                .execute(&self.pool)
                .await?;
        }
        Ok(n)
    }

    pub async fn record_successful_login(&self, user_id: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn add_grant(
        &self,
        user_id: i64,
        unit_id: i64,
        role: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO grants (user_id, unit_id, role) VALUES ($1, $2, $3) \
             ON CONFLICT DO NOTHING",
        )
        .bind(user_id)
        .bind(unit_id)
        .bind(role)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn remove_grant(
        &self,
        user_id: i64,
        unit_id: i64,
        role: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM grants WHERE user_id = $1 AND unit_id = $2 AND role = $3")
            .bind(user_id)
            .bind(unit_id)
            .bind(role)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Every grant of a user, pending ones included (`pending` says which).
    pub async fn grants_of(&self, user_id: i64) -> Result<Vec<GrantRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {GRANT_COLUMNS} FROM grants WHERE user_id = $1 ORDER BY unit_id, role"
        ))
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(row_to_grant).collect::<Result<_, _>>()?)
    }

    /// Records a grant that waits for confirmation. `false` when the person holds that role
    /// there already (confirmed or pending): nothing changes then.
    pub async fn add_pending_grant(
        &self,
        user_id: i64,
        unit_id: i64,
        role: &str,
        granted_by: Option<i64>,
        now: i64,
    ) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "INSERT INTO grants (user_id, unit_id, role, pending, granted_by, granted_at) \
             VALUES ($1, $2, $3, 1, $4, $5) ON CONFLICT DO NOTHING",
        )
        .bind(user_id)
        .bind(unit_id)
        .bind(role)
        .bind(granted_by)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected() == 1)
    }

    /// One grant, pending or not.
    pub async fn grant(
        &self,
        user_id: i64,
        unit_id: i64,
        role: &str,
    ) -> Result<GrantRow, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {GRANT_COLUMNS} FROM grants WHERE user_id = $1 AND unit_id = $2 AND role = $3"
        ))
        .bind(user_id)
        .bind(unit_id)
        .bind(role)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(row_to_grant(&row)?)
    }

    /// Confirms a pending grant; `NotFound` when there is no such pending grant (decided
    /// meanwhile, or withdrawn).
    pub async fn confirm_grant(
        &self,
        user_id: i64,
        unit_id: i64,
        role: &str,
    ) -> Result<(), StoreError> {
        let r = sqlx::query(
            "UPDATE grants SET pending = 0 \
             WHERE user_id = $1 AND unit_id = $2 AND role = $3 AND pending = 1",
        )
        .bind(user_id)
        .bind(unit_id)
        .bind(role)
        .execute(&self.pool)
        .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Refuses (deletes) a pending grant; `NotFound` when there is no such pending grant.
    pub async fn refuse_grant(
        &self,
        user_id: i64,
        unit_id: i64,
        role: &str,
    ) -> Result<(), StoreError> {
        let r = sqlx::query(
            "DELETE FROM grants WHERE user_id = $1 AND unit_id = $2 AND role = $3 AND pending = 1",
        )
        .bind(user_id)
        .bind(unit_id)
        .bind(role)
        .execute(&self.pool)
        .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Every pending grant of the installation, oldest first.
    pub async fn pending_grants(&self) -> Result<Vec<GrantRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {GRANT_COLUMNS} FROM grants WHERE pending = 1 \
             ORDER BY granted_at, unit_id, user_id, role"
        ))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(row_to_grant).collect::<Result<_, _>>()?)
    }

    /// Stores the hash of a one-time setup token for `user_id` (first start, password reset).
    pub async fn create_setup_token(
        &self,
        token_hash: &[u8],
        user_id: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO setup_tokens (token_hash, user_id, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The user a still-valid, unused setup token belongs to.
    pub async fn setup_token_user(&self, token_hash: &[u8], now: i64) -> Result<i64, StoreError> {
        let row: Option<(i64,)> = sqlx::query_as(
            "SELECT user_id FROM setup_tokens WHERE token_hash = $1 AND used_at IS NULL \
             AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| r.0).ok_or(StoreError::NotFound)
    }

    /// Sets the password and spends the token in one transaction; a token works once.
    pub async fn use_setup_token(
        &self,
        token_hash: &[u8],
        password_hash: &str,
        now: i64,
    ) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let row: Option<(i64,)> = sqlx::query_as(
            "UPDATE setup_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL \
             AND expires_at > $1 RETURNING user_id",
        )
        .bind(now)
        .bind(token_hash)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((user_id,)) = row else {
            return Err(StoreError::NotFound);
        };
        sqlx::query(
            "UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = NULL WHERE id = $2",
        )
        .bind(password_hash)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM login_challenges WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(user_id)
    }
}
