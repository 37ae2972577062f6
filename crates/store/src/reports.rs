//! Counts for the monthly and quarterly reports and the district/region/country roll-ups. A
//! period of whole school-local months is read from the summary table `appeal_stats` (see
//! `stats`); any other period, and the forwards and measures, by GROUP BY queries over the
//! appeals of a set of schools received in it. No personal data is read; contents stay
//! encrypted and untouched.

use std::collections::BTreeMap;

use sqlx::Row;

use crate::{Store, StoreError};

/// Counts of one period for a set of schools.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportCounts {
    pub total: i64,
    pub by_channel: Vec<(String, i64)>,
    pub by_category: Vec<(String, i64)>,
    pub by_author: Vec<(String, i64)>,
    /// (anonymous, signed)
    pub anonymous: (i64, i64),
    pub by_status: Vec<(String, i64)>,
    /// Answered by the deadline, answered late, still open past the deadline, open in time.
    pub on_time: i64,
    pub late: i64,
    pub overdue_open: i64,
    pub open_in_time: i64,
    /// Forwardings by executing body name.
    pub forwarded: Vec<(String, i64)>,
    /// Appeals with at least one record of measures taken.
    pub with_measures: i64,
    pub urgent: i64,
}

/// The counts of one pass: per value of each column, and per answer timing (0 closed without
/// answer, 1 on time, 2 late, 3 open and overdue, 4 open in time).
#[derive(Default)]
struct Cells {
    total: i64,
    anonymous: i64,
    urgent: i64,
    channel: BTreeMap<String, i64>,
    category: BTreeMap<String, i64>,
    author: BTreeMap<String, i64>,
    status: BTreeMap<String, i64>,
    timing: [i64; 5],
}

/// Most frequent first, then by name (as the reports show them).
fn sorted(m: BTreeMap<String, i64>) -> Vec<(String, i64)> {
    let mut v: Vec<(String, i64)> = m.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

/// The most schools in one IN list.
pub(crate) const MAX_IN: usize = 30_000;

/// `$start, $start+1, …`: an IN list of `n` bound values.
///
/// A query with such a list is run unprepared (`.persistent(false)`): each school count gives a
/// different statement (up to 30,000 parameters) that would otherwise sit in every
/// connection's statement cache, and PostgreSQL may plan a cached statement generically after
/// its fifth run, without the period's bounds. The roll-up outliers near 2.9 s of session 4
/// did not come back with this (BENCHMARKS.md, session 5).
pub(crate) fn placeholders(start: usize, n: usize) -> String {
    (start..start + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// Every count of a report but forwards and measures, in one pass over the period's
    /// appeals (the `appeals_report` index holds every column it reads), added to `c`.
    async fn report_cells(
        &self,
        c: &mut Cells,
        schools: &[i64],
        from: i64,
        to: i64,
        today: &str,
    ) -> Result<(), StoreError> {
        let sql = format!(
            "SELECT channel, category, author_type, status, anonymous, urgent, \
             CAST(CASE WHEN answered_on IS NOT NULL AND answered_on <= deadline THEN 1 \
                  WHEN answered_on IS NOT NULL THEN 2 \
                  WHEN status IN ('closed', 'not_an_appeal') THEN 0 \
                  WHEN deadline < $3 THEN 3 ELSE 4 END AS BIGINT) AS timing, \
             COUNT(*) AS n FROM appeals WHERE received_at >= $1 AND received_at < $2 \
             AND school_id IN ({}) GROUP BY channel, category, author_type, status, anonymous, urgent, timing",
            placeholders(4, schools.len())
        );
        let mut q = sqlx::query(&sql)
            .persistent(false)
            .bind(from)
            .bind(to)
            .bind(today);
        for s in schools {
            q = q.bind(*s);
        }
        for r in q.fetch_all(&self.pool).await? {
            let n: i64 = r.try_get("n")?;
            c.total += n;
            *c.channel.entry(r.try_get("channel")?).or_default() += n;
            *c.category.entry(r.try_get("category")?).or_default() += n;
            *c.author.entry(r.try_get("author_type")?).or_default() += n;
            *c.status.entry(r.try_get("status")?).or_default() += n;
            if r.try_get::<i64, _>("anonymous")? == 1 {
                c.anonymous += n;
            }
            if r.try_get::<i64, _>("urgent")? == 1 {
                c.urgent += n;
            }
            let t: i64 = r.try_get("timing")?;
            c.timing[t.clamp(0, 4) as usize] += n;
        }
        Ok(())
    }

    /// The same counts as [`Store::report_cells`] from `appeal_stats`, for schools whose months
    /// begin at `from` and `to` (whole months of their zone), added to `c`.
    async fn stats_cells(
        &self,
        c: &mut Cells,
        schools: &[i64],
        from: i64,
        to: i64,
        today: &str,
    ) -> Result<(), StoreError> {
        let sql = format!(
            "SELECT dim, val, CAST(SUM(n) AS BIGINT) AS n FROM appeal_stats \
             WHERE school_id IN ({}) AND month_start >= $1 AND month_start < $2 \
             GROUP BY dim, val HAVING SUM(n) <> 0",
            placeholders(3, schools.len())
        );
        let mut q = sqlx::query(&sql).persistent(false).bind(from).bind(to);
        for s in schools {
            q = q.bind(*s);
        }
        for r in q.fetch_all(&self.pool).await? {
            let n: i64 = r.try_get("n")?;
            let dim: String = r.try_get("dim")?;
            let val: String = r.try_get("val")?;
            match dim.as_str() {
                "channel" => {
                    c.total += n;
                    *c.channel.entry(val).or_default() += n;
                }
                "category" => *c.category.entry(val).or_default() += n,
                "author" => *c.author.entry(val).or_default() += n,
                "status" => *c.status.entry(val).or_default() += n,
                "anonymous" if val == "1" => c.anonymous += n,
                "urgent" if val == "1" => c.urgent += n,
                "timing" => match val.as_str() {
                    "on_time" => c.timing[1] += n,
                    "late" => c.timing[2] += n,
                    _ => c.timing[0] += n,
                },
                // Still open: overdue when the deadline (YYYY-MM-DD) is before today, as
                // `deadline < today` compares in report_cells.
                "open" if val.as_str() < today => c.timing[3] += n,
                "open" => c.timing[4] += n,
                _ => {}
            }
        }
        Ok(())
    }

    /// Every count but forwards and measures: from `appeal_stats` for the schools for which
    /// [from, to) is whole months of their time zone, from the appeals for the others.
    async fn period_cells(
        &self,
        schools: &[i64],
        from: i64,
        to: i64,
        today: &str,
    ) -> Result<Cells, StoreError> {
        let offsets = self.unit_offsets(schools).await?;
        let mut whole = Vec::new();
        let mut rest = Vec::new();
        for s in schools {
            match offsets.iter().find(|(id, _)| id == s) {
                Some((_, off))
                    if crate::stats::is_month_start(from, *off)
                        && crate::stats::is_month_start(to, *off) =>
                {
                    whole.push(*s)
                }
                _ => rest.push(*s),
            }
        }
        let mut c = Cells::default();
        // One query for a whole country where possible (PostgreSQL scans appeal_stats once
        // per query), within the bound-parameter limits (SQLite 32,766).
        for chunk in whole.chunks(MAX_IN) {
            self.stats_cells(&mut c, chunk, from, to, today).await?;
        }
        for chunk in rest.chunks(MAX_IN) {
            self.report_cells(&mut c, chunk, from, to, today).await?;
        }
        Ok(c)
    }

    async fn scalar(
        &self,
        cond: &str,
        schools: &[i64],
        from: i64,
        to: i64,
        extra: Option<&str>,
    ) -> Result<i64, StoreError> {
        let sql = format!(
            "SELECT COUNT(*) AS n FROM appeals WHERE received_at >= $1 AND received_at < $2 AND school_id IN ({}) AND ({cond})",
            placeholders(if extra.is_some() { 4 } else { 3 }, schools.len())
        );
        let mut q = sqlx::query(&sql).persistent(false).bind(from).bind(to);
        if let Some(e) = extra {
            q = q.bind(e);
        }
        for s in schools {
            q = q.bind(*s);
        }
        let row = q.fetch_one(&self.pool).await?;
        Ok(row.try_get("n")?)
    }

    /// Every count of the reports for appeals of `schools` received in [from, to); `today`
    /// (YYYY-MM-DD) decides what is overdue.
    pub async fn report_counts(
        &self,
        schools: &[i64],
        from: i64,
        to: i64,
        today: &str,
    ) -> Result<ReportCounts, StoreError> {
        if schools.is_empty() {
            return Ok(ReportCounts::default());
        }
        let c = self.period_cells(schools, from, to, today).await?;
        let sql = format!(
            "SELECT b.name AS k, COUNT(*) AS n FROM forwards f JOIN bodies b ON b.id = f.body_id JOIN appeals a ON a.id = f.appeal_id \
             WHERE a.received_at >= $1 AND a.received_at < $2 AND a.school_id IN ({}) GROUP BY b.name ORDER BY n DESC, k",
            placeholders(3, schools.len())
        );
        let mut q = sqlx::query(&sql).persistent(false).bind(from).bind(to);
        for s in schools {
            q = q.bind(*s);
        }
        let forwarded = q
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get::<String, _>("k")?, r.try_get::<i64, _>("n")?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(ReportCounts {
            total: c.total,
            by_channel: sorted(c.channel),
            by_category: sorted(c.category),
            by_author: sorted(c.author),
            anonymous: (c.anonymous, c.total - c.anonymous),
            by_status: sorted(c.status),
            on_time: c.timing[1],
            late: c.timing[2],
            overdue_open: c.timing[3],
            open_in_time: c.timing[4],
            forwarded,
            with_measures: self
                .scalar(
                    "id IN (SELECT appeal_id FROM journal_entries WHERE kind = 'measures')",
                    schools,
                    from,
                    to,
                    None,
                )
                .await?,
            urgent: c.urgent,
        })
    }
}

impl Store {
    /// When and by whom a school's report for `period` was marked submitted.
    pub async fn report_submission(
        &self,
        school_id: i64,
        period: &str,
    ) -> Result<Option<(i64, Option<i64>)>, StoreError> {
        let row: Option<(Option<i64>, Option<i64>)> =
            sqlx::query_as("SELECT submitted_at, submitted_by FROM report_submissions WHERE school_id = $1 AND period = $2")
                .bind(school_id)
                .bind(period)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.and_then(|(at, by)| at.map(|at| (at, by))))
    }

    pub async fn mark_report_submitted(
        &self,
        school_id: i64,
        period: &str,
        user_id: i64,
        now: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO report_submissions (school_id, period, submitted_at, submitted_by) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (school_id, period) DO UPDATE SET submitted_at = excluded.submitted_at, submitted_by = excluded.submitted_by",
        )
        .bind(school_id)
        .bind(period)
        .bind(now)
        .bind(user_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records that the reminder for a report went out, with its mails; false when it already had.
    pub async fn mark_report_reminded(
        &self,
        school_id: i64,
        period: &str,
        now: i64,
        mails: &[crate::NewMail],
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("INSERT INTO report_submissions (school_id, period) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(school_id)
            .bind(period)
            .execute(&mut *tx)
            .await?;
        let r = sqlx::query(
            "UPDATE report_submissions SET reminded_at = $1 WHERE school_id = $2 AND period = $3 AND reminded_at IS NULL AND submitted_at IS NULL",
        )
        .bind(now)
        .bind(school_id)
        .bind(period)
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() == 0 {
            return Ok(false);
        }
        crate::appeals::queue_mails(&mut tx, mails, now).await?;
        tx.commit().await?;
        Ok(true)
    }
}

impl Store {
    /// Installation-wide counts for `/metrics`: appeals by channel and by status (no school,
    /// no personal data).
    pub async fn metric_counts(
        &self,
    ) -> Result<(Vec<(String, i64)>, Vec<(String, i64)>), StoreError> {
        let q = |col: &'static str| {
            let pool = self.pool.clone();
            async move {
                let rows = sqlx::query(&format!(
                    "SELECT {col} AS k, COUNT(*) AS n FROM appeals GROUP BY {col} ORDER BY {col}"
                ))
                .fetch_all(&pool)
                .await?;
                rows.iter()
                    .map(|r| Ok((r.try_get::<String, _>("k")?, r.try_get::<i64, _>("n")?)))
                    .collect::<Result<Vec<_>, StoreError>>()
            }
        };
        Ok((q("channel").await?, q("status").await?))
    }
}
