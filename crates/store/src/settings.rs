//! Per-school settings and per-school API tokens.

use sqlx::Row;

use crate::{Store, StoreError};

/// What a school sets for itself (defaults when never saved).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolSettings {
    pub school_id: i64,
    pub answer_days: i64,
    pub numbering: String,
    pub phone_numbers: String,
    pub phone_hours: String,
    pub opening_schedule: String,
}

impl SchoolSettings {
    pub fn defaults(school_id: i64) -> SchoolSettings {
        SchoolSettings {
            school_id,
            answer_days: 5,
            numbering: "calendar".into(),
            phone_numbers: String::new(),
            phone_hours: String::new(),
            opening_schedule: String::new(),
        }
    }
}

/// A per-school API token as listed (the token itself is shown once and never stored).
#[derive(Debug, Clone)]
pub struct ApiTokenRow {
    pub token_hash: Vec<u8>,
    pub label: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

impl Store {
    pub async fn school_settings(&self, school_id: i64) -> Result<SchoolSettings, StoreError> {
        let row = sqlx::query(
            "SELECT answer_days, numbering, phone_numbers, phone_hours, opening_schedule \
             FROM school_settings WHERE school_id = $1",
        )
        .bind(school_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else {
            return Ok(SchoolSettings::defaults(school_id));
        };
        Ok(SchoolSettings {
            school_id,
            answer_days: r.try_get("answer_days")?,
            numbering: r.try_get("numbering")?,
            phone_numbers: r.try_get("phone_numbers")?,
            phone_hours: r.try_get("phone_hours")?,
            opening_schedule: r.try_get("opening_schedule")?,
        })
    }

    pub async fn save_school_settings(
        &self,
        s: &SchoolSettings,
        now: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO school_settings (school_id, answer_days, numbering, phone_numbers, phone_hours, opening_schedule, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (school_id) DO UPDATE SET \
             answer_days = excluded.answer_days, numbering = excluded.numbering, phone_numbers = excluded.phone_numbers, \
             phone_hours = excluded.phone_hours, opening_schedule = excluded.opening_schedule, updated_at = excluded.updated_at",
        )
        .bind(s.school_id)
        .bind(s.answer_days)
        .bind(&s.numbering)
        .bind(&s.phone_numbers)
        .bind(&s.phone_hours)
        .bind(&s.opening_schedule)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn create_api_token(
        &self,
        token_hash: &[u8],
        school_id: i64,
        label: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO api_tokens (token_hash, school_id, label, created_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(school_id)
            .bind(label)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The school a live API token belongs to.
    pub async fn api_token_school(&self, token_hash: &[u8]) -> Result<i64, StoreError> {
        let row: Option<(i64,)> = sqlx::query_as(
            "SELECT school_id FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| r.0).ok_or(StoreError::NotFound)
    }

    pub async fn api_tokens(&self, school_id: i64) -> Result<Vec<ApiTokenRow>, StoreError> {
        let rows = sqlx::query("SELECT token_hash, label, created_at, revoked_at FROM api_tokens WHERE school_id = $1 ORDER BY created_at")
            .bind(school_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(ApiTokenRow {
                    token_hash: r.try_get("token_hash")?,
                    label: r.try_get("label")?,
                    created_at: r.try_get("created_at")?,
                    revoked_at: r.try_get("revoked_at")?,
                })
            })
            .collect()
    }

    pub async fn revoke_api_token(
        &self,
        school_id: i64,
        token_hash: &[u8],
        now: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE school_id = $2 AND token_hash = $3",
        )
        .bind(now)
        .bind(school_id)
        .bind(token_hash)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// E-mail addresses of a school's staff holding `role`, confirmed (for notifications).
    pub async fn emails_of_role(
        &self,
        school_id: i64,
        role: &str,
    ) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT u.email FROM users u JOIN grants g ON g.user_id = u.id \
             WHERE g.unit_id = $1 AND g.role = $2 AND g.pending = 0 AND u.disabled = 0 AND u.email IS NOT NULL AND u.email <> '' ORDER BY u.id",
        )
        .bind(school_id)
        .bind(role)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok(r.try_get::<String, _>("email")?))
            .collect()
    }
}
