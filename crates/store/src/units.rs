use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Store, StoreError};

/// A node of the organisation tree: country, region, district or school.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub kind: String,
    pub slug: String,
    pub country: String,
    pub name_ky: String,
    pub name_kk: String,
    pub name_ru: String,
    pub name_en: String,
    pub default_lang: String,
    pub time_zone: String,
    pub created_at: i64,
}

impl Unit {
    /// The name in `lang` ("ky", "kk", "ru", "en"); falls back to the default language's name.
    pub fn name(&self, lang: &str) -> &str {
        let pick = |l: &str| match l {
            "ky" => &self.name_ky,
            "kk" => &self.name_kk,
            "ru" => &self.name_ru,
            _ => &self.name_en,
        };
        let n = pick(lang);
        if n.is_empty() {
            pick(&self.default_lang)
        } else {
            n
        }
    }
}

/// A unit to create.
#[derive(Debug, Clone)]
pub struct NewUnit {
    pub parent_id: Option<i64>,
    pub kind: String,
    pub slug: String,
    pub country: String,
    pub name_ky: String,
    pub name_kk: String,
    pub name_ru: String,
    pub name_en: String,
    pub default_lang: String,
    pub time_zone: String,
}

/// The UTC offset in seconds of a time zone Trustbox supports (schools in Kyrgyzstan and
/// Kazakhstan: fixed offsets, no daylight saving time; Kazakhstan moved to a single UTC+5 zone on
/// 1 March 2024), or `None` for an unknown name. Stored with each unit (`org_units.utc_offset`)
/// for the triggers that count appeals by school-local month; migration 0011 carries the same
/// table as a CASE.
pub fn zone_offset_seconds(tz: &str) -> Option<i32> {
    let hours = match tz {
        "Asia/Bishkek" => 6,
        "Asia/Almaty" | "Asia/Qostanay" | "Asia/Aqtobe" | "Asia/Aqtau" | "Asia/Atyrau"
        | "Asia/Oral" | "Asia/Qyzylorda" => 5,
        "UTC" => 0,
        _ => return None,
    };
    Some(hours * 3600)
}

const COLUMNS: &str = "id, parent_id, kind, slug, country, name_ky, name_kk, name_ru, name_en, \
                       default_lang, time_zone, created_at";

fn row_to_unit(r: &AnyRow) -> Result<Unit, sqlx::Error> {
    Ok(Unit {
        id: r.try_get("id")?,
        parent_id: r.try_get("parent_id")?,
        kind: r.try_get("kind")?,
        slug: r.try_get("slug")?,
        country: r.try_get("country")?,
        name_ky: r.try_get("name_ky")?,
        name_kk: r.try_get("name_kk")?,
        name_ru: r.try_get("name_ru")?,
        name_en: r.try_get("name_en")?,
        default_lang: r.try_get("default_lang")?,
        time_zone: r.try_get("time_zone")?,
        created_at: r.try_get("created_at")?,
    })
}

impl Store {
    pub async fn create_unit(&self, u: &NewUnit, now: i64) -> Result<Unit, StoreError> {
        let row = sqlx::query(&format!(
            "INSERT INTO org_units (parent_id, kind, slug, country, name_ky, name_kk, name_ru, \
             name_en, default_lang, time_zone, created_at, utc_offset) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING {COLUMNS}"
        ))
        .bind(u.parent_id)
        .bind(&u.kind)
        .bind(&u.slug)
        .bind(&u.country)
        .bind(&u.name_ky)
        .bind(&u.name_kk)
        .bind(&u.name_ru)
        .bind(&u.name_en)
        .bind(&u.default_lang)
        .bind(&u.time_zone)
        .bind(now)
        .bind(i64::from(zone_offset_seconds(&u.time_zone).unwrap_or(0)))
        .fetch_one(&self.pool)
        .await
        .map_err(|e| StoreError::unique(e, "slug"))?;
        Ok(row_to_unit(&row)?)
    }

    pub async fn unit(&self, id: i64) -> Result<Unit, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM org_units WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(row_to_unit(&row)?)
    }

    pub async fn unit_by_slug(&self, slug: &str) -> Result<Unit, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM org_units WHERE slug = $1"))
            .bind(slug)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(row_to_unit(&row)?)
    }

    /// Every unit, ordered so that parents come before children of the same depth.
    pub async fn units(&self) -> Result<Vec<Unit>, StoreError> {
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM org_units ORDER BY id"))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(row_to_unit).collect::<Result<_, _>>()?)
    }

    /// The ids from the root down to `id` inclusive (what the access policy needs).
    pub async fn unit_path(&self, id: i64) -> Result<Vec<i64>, StoreError> {
        let mut path = Vec::new();
        let mut cur = Some(id);
        while let Some(c) = cur {
            if path.contains(&c) || path.len() > 16 {
                break;
            }
            let row: Option<(Option<i64>,)> =
                sqlx::query_as("SELECT parent_id FROM org_units WHERE id = $1")
                    .bind(c)
                    .fetch_optional(&self.pool)
                    .await?;
            let Some((parent,)) = row else {
                return Err(StoreError::NotFound);
            };
            path.push(c);
            cur = parent;
        }
        path.reverse();
        Ok(path)
    }
}
