//! `appeal_stats`: the marginal counts of appeals per school, school-local month of receipt and
//! value of each counted column, that the reports and roll-ups read instead of the appeals
//! (migration 0011 describes the table). Database triggers keep it in the same transaction as
//! every change to an appeal; here are the recount ([`Store::rebuild_stats`]), the check
//! ([`Store::stats_mismatches`]), the change of a unit's time zone and the calendar arithmetic
//! that decides whether a period can be read from the table.

use sqlx::{AnyConnection, Row};

use crate::{Backend, Store, StoreError};

/// The start of the school-local month of `received` (unix seconds) for a school `off` seconds
/// east of UTC, as SQL of `backend`.
fn month_start_sql(backend: Backend, received: &str, off: &str) -> String {
    match backend {
        Backend::Sqlite => format!(
            "CAST(strftime('%s', {received} + {off}, 'unixepoch', 'start of month') AS INTEGER) - {off}"
        ),
        Backend::Postgres => format!(
            "CAST(EXTRACT(EPOCH FROM date_trunc('month', to_timestamp({received} + {off}) AT TIME ZONE 'UTC')) AS BIGINT) - {off}"
        ),
    }
}

/// The rows appeal_stats should hold, counted from `appeals` (of one school when `one_school`:
/// bound as `$1`). The same query as migration 0011's backfill.
pub(crate) fn recount_sql(backend: Backend, one_school: bool) -> String {
    let filter = if one_school {
        "WHERE a.school_id = $1"
    } else {
        ""
    };
    format!(
        "SELECT j.school_id AS school_id, j.month_start AS month_start, \
         CASE WHEN x.dim = 'timing' AND j.answered_on IS NULL AND j.status NOT IN ('closed', 'not_an_appeal') THEN 'open' ELSE x.dim END AS dim, \
         CASE x.dim WHEN 'channel' THEN j.channel WHEN 'category' THEN j.category \
              WHEN 'author' THEN j.author_type WHEN 'status' THEN j.status \
              WHEN 'anonymous' THEN CAST(j.anonymous AS TEXT) WHEN 'urgent' THEN CAST(j.urgent AS TEXT) \
              ELSE CASE WHEN j.answered_on IS NOT NULL AND j.answered_on <= j.deadline THEN 'on_time' \
                        WHEN j.answered_on IS NOT NULL THEN 'late' \
                        WHEN j.status IN ('closed', 'not_an_appeal') THEN 'closed' \
                        ELSE j.deadline END END AS val, \
         CAST(SUM(j.n) AS BIGINT) AS n \
         FROM (SELECT a.school_id, {ms} AS month_start, \
                      a.channel, a.category, a.author_type, a.status, a.anonymous, a.urgent, a.answered_on, a.deadline, \
                      COUNT(*) AS n \
               FROM appeals a JOIN org_units o ON o.id = a.school_id {filter} \
               GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10) j \
         CROSS JOIN (SELECT 'channel' AS dim UNION ALL SELECT 'category' UNION ALL SELECT 'author' \
                     UNION ALL SELECT 'status' UNION ALL SELECT 'anonymous' UNION ALL SELECT 'urgent' \
                     UNION ALL SELECT 'timing') x \
         GROUP BY 1, 2, 3, 4",
        ms = month_start_sql(backend, "a.received_at", "o.utc_offset"),
    )
}

/// Replaces the counts (of one school, or all) with a recount, inside the caller's transaction.
/// The insert adds to a row a concurrent registration may have made meanwhile (PostgreSQL),
/// which the recount's snapshot does not see.
async fn rebuild_on(
    conn: &mut AnyConnection,
    backend: Backend,
    school: Option<i64>,
) -> Result<u64, StoreError> {
    let ins = format!(
        "INSERT INTO appeal_stats (school_id, month_start, dim, val, n) {} \
         ON CONFLICT (school_id, month_start, dim, val) DO UPDATE SET n = appeal_stats.n + excluded.n",
        recount_sql(backend, school.is_some())
    );
    match school {
        Some(s) => {
            sqlx::query("DELETE FROM appeal_stats WHERE school_id = $1")
                .bind(s)
                .execute(&mut *conn)
                .await?;
            Ok(sqlx::query(&ins)
                .bind(s)
                .execute(&mut *conn)
                .await?
                .rows_affected())
        }
        None => {
            sqlx::query("DELETE FROM appeal_stats")
                .execute(&mut *conn)
                .await?;
            Ok(sqlx::query(&ins).execute(&mut *conn).await?.rows_affected())
        }
    }
}

impl Store {
    /// Recounts `appeal_stats` from the appeals, in one transaction: the repair when
    /// [`Store::stats_mismatches`] finds a difference, and what a bulk load calls when done.
    /// Returns the rows written.
    pub async fn rebuild_stats(&self) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let n = rebuild_on(&mut tx, self.backend(), None).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// How many (school, month, column, value) counts of `appeal_stats` differ from a recount
    /// of the appeals (0 when the triggers did their work); `trustbox verify` reports it.
    pub async fn stats_mismatches(&self) -> Result<i64, StoreError> {
        let recount = recount_sql(self.backend(), false);
        let stored = "SELECT school_id, month_start, dim, val, n FROM appeal_stats WHERE n <> 0";
        let mut total = 0;
        for sql in [
            format!("SELECT COUNT(*) AS n FROM ({recount} EXCEPT {stored}) x"),
            format!("SELECT COUNT(*) AS n FROM ({stored} EXCEPT {recount}) x"),
        ] {
            let n: i64 = sqlx::query(&sql)
                .fetch_one(&self.pool)
                .await?
                .try_get("n")?;
            total += n;
        }
        Ok(total)
    }

    /// Changes a unit's time zone (and the offset the counting triggers read), recounting its
    /// appeals by the months of the new zone, in one transaction. PostgreSQL: writes to
    /// `appeals` wait meanwhile, so that none is counted with the old offset after the recount.
    pub async fn set_unit_time_zone(
        &self,
        unit_id: i64,
        time_zone: &str,
    ) -> Result<(), StoreError> {
        let off = crate::zone_offset_seconds(time_zone)
            .ok_or_else(|| StoreError::Invalid(format!("unknown time zone {time_zone:?}")))?;
        let mut tx = self.pool.begin().await?;
        let r = sqlx::query("UPDATE org_units SET time_zone = $1, utc_offset = $2 WHERE id = $3")
            .bind(time_zone)
            .bind(i64::from(off))
            .bind(unit_id)
            .execute(&mut *tx)
            .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        if self.backend() == Backend::Postgres {
            sqlx::query("LOCK TABLE appeals IN SHARE MODE")
                .execute(&mut *tx)
                .await?;
        }
        rebuild_on(&mut tx, self.backend(), Some(unit_id)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The UTC offsets (seconds) of the given units that exist.
    pub(crate) async fn unit_offsets(&self, ids: &[i64]) -> Result<Vec<(i64, i64)>, StoreError> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(crate::reports::MAX_IN) {
            let sql = format!(
                "SELECT id, utc_offset FROM org_units WHERE id IN ({})",
                crate::reports::placeholders(1, chunk.len())
            );
            let mut q = sqlx::query(&sql).persistent(false);
            for id in chunk {
                q = q.bind(*id);
            }
            for r in q.fetch_all(&self.pool).await? {
                out.push((r.try_get("id")?, r.try_get("utc_offset")?));
            }
        }
        Ok(out)
    }

    /// Migrates only up to `version` (tests of a later migration's backfill).
    #[doc(hidden)]
    pub async fn migrate_up_to(&self, version: i64, now: i64) -> Result<(), StoreError> {
        let before = self.schema_version().await?;
        let mut tx = self.pool.begin().await?;
        crate::migrate::migrate_conn(&mut tx, self.backend(), before, version, now).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Days since 1970-01-01 → (year, month, day) of the proleptic Gregorian calendar
/// (H. Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Whether `t` is the start of a month for a school `off` seconds east of UTC.
pub(crate) fn is_month_start(t: i64, off: i64) -> bool {
    let local = t + off;
    local.rem_euclid(86_400) == 0 && civil_from_days(local.div_euclid(86_400)).2 == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_starts() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        // 2026-04-01 00:00 in Bishkek (UTC+6) is 2026-03-31 18:00 UTC.
        let bishkek = 1_775_001_600 - 6 * 3600;
        assert!(is_month_start(bishkek, 21_600));
        assert!(!is_month_start(bishkek, 18_000));
        assert!(!is_month_start(bishkek, 0));
        assert!(is_month_start(1_775_001_600, 0));
        assert!(!is_month_start(1_775_001_600 + 86_400, 0));
    }
}
