//! The trust phone line of a school (migration 0007).

use sqlx::Row;

use crate::{Store, StoreError};

/// Hours of seed 004 §4.3 in the stored form (Monday first).
pub const DEFAULT_HOURS: &str = "09:00-18:30,09:00-18:30,09:00-18:30,09:00-18:30,09:00-18:30,,";

/// A school's trust phone line (defaults when never saved).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneLine {
    pub school_id: i64,
    /// One number per line.
    pub numbers: String,
    /// The responsible people, one per line (name, position).
    pub responsible: String,
    /// Seven `HH:MM-HH:MM` ranges, Monday first, empty for a closed day.
    pub hours: String,
    /// The answering machine's text per language (`ky`, `kk`, `ru`, `en`); empty = built-in.
    pub off_hours: [String; 4],
}

impl PhoneLine {
    pub fn defaults(school_id: i64) -> PhoneLine {
        PhoneLine {
            school_id,
            numbers: String::new(),
            responsible: String::new(),
            hours: DEFAULT_HOURS.into(),
            off_hours: Default::default(),
        }
    }
}

impl Store {
    pub async fn phone_line(&self, school_id: i64) -> Result<PhoneLine, StoreError> {
        let row = sqlx::query(
            "SELECT numbers, responsible, hours, off_hours_ky, off_hours_kk, off_hours_ru, off_hours_en \
             FROM phone_lines WHERE school_id = $1",
        )
        .bind(school_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else {
            return Ok(PhoneLine::defaults(school_id));
        };
        Ok(PhoneLine {
            school_id,
            numbers: r.try_get("numbers")?,
            responsible: r.try_get("responsible")?,
            hours: r.try_get("hours")?,
            off_hours: [
                r.try_get("off_hours_ky")?,
                r.try_get("off_hours_kk")?,
                r.try_get("off_hours_ru")?,
                r.try_get("off_hours_en")?,
            ],
        })
    }

    pub async fn save_phone_line(&self, p: &PhoneLine, now: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO phone_lines (school_id, numbers, responsible, hours, off_hours_ky, off_hours_kk, \
             off_hours_ru, off_hours_en, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (school_id) DO UPDATE SET numbers = excluded.numbers, \
             responsible = excluded.responsible, hours = excluded.hours, \
             off_hours_ky = excluded.off_hours_ky, off_hours_kk = excluded.off_hours_kk, \
             off_hours_ru = excluded.off_hours_ru, off_hours_en = excluded.off_hours_en, \
             updated_at = excluded.updated_at",
        )
        .bind(p.school_id)
        .bind(&p.numbers)
        .bind(&p.responsible)
        .bind(&p.hours)
        .bind(&p.off_hours[0])
        .bind(&p.off_hours[1])
        .bind(&p.off_hours[2])
        .bind(&p.off_hours[3])
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
