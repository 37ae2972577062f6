//! The registration journal: append-only entries chained by hash per school, and the case-work
//! changes that write them. A change of an appeal, its journal entry, its audit entry, the
//! message to the author and the mails it causes are one transaction; the appeal's `version`
//! is checked first, so of two people editing at once the second gets a conflict.

use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Arguments, Row};
use trustbox_crypto::{CHAIN_GENESIS, chain_hash};

use crate::appeals::queue_mails;
use crate::audit::{advance_head, advance_head_by, append_audit, canonical, set_head};
use crate::{AuditInput, ChainBreak, NewMail, Store, StoreError};

/// A journal entry to append. `plain` is JSON of the non-personal columns; `payload_enc` the
/// personal ones, encrypted with the appeal's data key.
#[derive(Debug, Clone)]
pub struct NewJournalEntry {
    pub kind: String,
    pub refers_to: Option<i64>,
    pub plain: String,
    pub payload_enc: Option<Vec<u8>>,
}

/// A journal entry as stored.
#[derive(Debug, Clone)]
pub struct JournalEntryRow {
    pub id: i64,
    pub school_id: i64,
    pub seq: i64,
    pub appeal_id: i64,
    pub kind: String,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub refers_to: Option<i64>,
    pub plain: String,
    pub payload_enc: Option<Vec<u8>>,
}

fn digest(payload: Option<&[u8]>) -> Vec<u8> {
    Sha256::digest(payload.unwrap_or_default()).to_vec()
}

#[allow(clippy::too_many_arguments)] // the columns the hash covers, spelled out
fn entry_bytes(
    school_id: i64,
    seq: i64,
    appeal_id: i64,
    kind: &str,
    at: i64,
    actor: Option<i64>,
    refers_to: Option<i64>,
    plain: &str,
    digest: &[u8],
) -> Vec<u8> {
    canonical(&[
        school_id.to_string().as_bytes(),
        seq.to_string().as_bytes(),
        appeal_id.to_string().as_bytes(),
        kind.as_bytes(),
        at.to_string().as_bytes(),
        actor.map(|a| a.to_string()).unwrap_or_default().as_bytes(),
        refers_to
            .map(|a| a.to_string())
            .unwrap_or_default()
            .as_bytes(),
        plain.as_bytes(),
        digest,
    ])
}

/// The payload digest of entry `seq` and its chain hash after `prev`.
fn entry_hash(
    prev: &[u8; 32],
    school_id: i64,
    seq: i64,
    appeal_id: i64,
    at: i64,
    actor_id: Option<i64>,
    e: &NewJournalEntry,
) -> (Vec<u8>, [u8; 32]) {
    let d = digest(e.payload_enc.as_deref());
    let bytes = entry_bytes(
        school_id,
        seq,
        appeal_id,
        &e.kind,
        at,
        actor_id,
        e.refers_to,
        &e.plain,
        &d,
    );
    (d, chain_hash(prev, &bytes))
}

/// Appends a journal entry inside the caller's transaction; returns its id.
pub(crate) async fn append_journal(
    conn: &mut AnyConnection,
    school_id: i64,
    appeal_id: i64,
    at: i64,
    actor_id: Option<i64>,
    e: &NewJournalEntry,
) -> Result<i64, StoreError> {
    let chain = format!("journal:{school_id}");
    let (seq, prev) = advance_head(conn, &chain).await?;
    let (id, hash) = insert_entry(conn, school_id, seq, prev, appeal_id, at, actor_id, e).await?;
    set_head(conn, &chain, &hash).await?;
    Ok(id)
}

/// One entry of a batch: (appeal id, time, actor, entry).
pub(crate) type BatchEntry<'a> = (i64, i64, Option<i64>, &'a NewJournalEntry);

/// Appends several entries to one school's journal, in order, advancing its chain head once
/// (group commit: many registrations of one school in one transaction).
pub(crate) async fn append_journal_many(
    conn: &mut AnyConnection,
    school_id: i64,
    entries: &[BatchEntry<'_>],
) -> Result<(), StoreError> {
    let chain = format!("journal:{school_id}");
    let (first, mut prev) = advance_head_by(conn, &chain, entries.len() as i64).await?;
    // Hashed one after the other in memory, written in a few multi-row statements.
    let mut rows = Vec::with_capacity(entries.len());
    for (i, &(appeal_id, at, actor_id, e)) in entries.iter().enumerate() {
        let seq = first + i as i64;
        let (d, hash) = entry_hash(&prev, school_id, seq, appeal_id, at, actor_id, e);
        rows.push((seq, appeal_id, at, actor_id, e, d, prev, hash));
        prev = hash;
    }
    crate::bulk::insert_rows(
        conn,
        "INSERT INTO journal_entries (school_id, seq, appeal_id, kind, at, actor_id, refers_to, plain, payload_enc, payload_digest, prev_hash, hash)",
        "",
        12,
        &rows,
        |q, (seq, appeal_id, at, actor_id, e, d, prev, hash)| {
            q.add(school_id)?;
            q.add(*seq)?;
            q.add(*appeal_id)?;
            q.add(&e.kind)?;
            q.add(*at)?;
            q.add(*actor_id)?;
            q.add(e.refers_to)?;
            q.add(&e.plain)?;
            q.add(e.payload_enc.as_deref())?;
            q.add(d.as_slice())?;
            q.add(prev.as_slice())?;
            q.add(hash.as_slice())
        },
    )
    .await?;
    set_head(conn, &chain, &prev).await?;
    Ok(())
}

/// Writes entry `seq` of a school's journal after `prev`; returns its id and hash.
#[allow(clippy::too_many_arguments)] // the columns of the entry
async fn insert_entry(
    conn: &mut AnyConnection,
    school_id: i64,
    seq: i64,
    prev: [u8; 32],
    appeal_id: i64,
    at: i64,
    actor_id: Option<i64>,
    e: &NewJournalEntry,
) -> Result<(i64, [u8; 32]), StoreError> {
    let (d, hash) = entry_hash(&prev, school_id, seq, appeal_id, at, actor_id, e);
    let row = sqlx::query(
        "INSERT INTO journal_entries (school_id, seq, appeal_id, kind, at, actor_id, refers_to, plain, payload_enc, payload_digest, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(school_id)
    .bind(seq)
    .bind(appeal_id)
    .bind(&e.kind)
    .bind(at)
    .bind(actor_id)
    .bind(e.refers_to)
    .bind(&e.plain)
    .bind(e.payload_enc.as_deref())
    .bind(d)
    .bind(prev.to_vec())
    .bind(hash.to_vec())
    .fetch_one(&mut *conn)
    .await?;
    Ok((row.try_get("id")?, hash))
}

fn row_to_entry(r: &AnyRow) -> Result<JournalEntryRow, sqlx::Error> {
    Ok(JournalEntryRow {
        id: r.try_get("id")?,
        school_id: r.try_get("school_id")?,
        seq: r.try_get("seq")?,
        appeal_id: r.try_get("appeal_id")?,
        kind: r.try_get("kind")?,
        at: r.try_get("at")?,
        actor_id: r.try_get("actor_id")?,
        refers_to: r.try_get("refers_to")?,
        plain: r.try_get("plain")?,
        payload_enc: r.try_get("payload_enc")?,
    })
}

fn row_to_forward(r: &AnyRow) -> Result<ForwardRow, sqlx::Error> {
    Ok(ForwardRow {
        id: r.try_get("id")?,
        appeal_id: r.try_get("appeal_id")?,
        body_id: r.try_get("body_id")?,
        sent_on: r.try_get("sent_on")?,
        deadline: r.try_get("deadline")?,
        outcome_on: r.try_get("outcome_on")?,
        outcome_enc: r.try_get("outcome_enc")?,
    })
}

const ENTRY_COLUMNS: &str =
    "id, school_id, seq, appeal_id, kind, at, actor_id, refers_to, plain, payload_enc";

/// An executing body (administration, police juvenile inspector, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyRow {
    pub id: i64,
    pub unit_id: i64,
    pub name: String,
    pub kind: String,
}

/// A forwarding of an appeal to a body.
#[derive(Debug, Clone)]
pub struct ForwardRow {
    pub id: i64,
    pub appeal_id: i64,
    pub body_id: i64,
    pub sent_on: String,
    pub deadline: String,
    pub outcome_on: Option<String>,
    pub outcome_enc: Option<Vec<u8>>,
}

/// An internal note on an appeal (never shown to the author).
#[derive(Debug, Clone)]
pub struct NoteRow {
    pub id: i64,
    pub at: i64,
    pub user_id: Option<i64>,
    pub kind: String,
    pub body_enc: Vec<u8>,
}

/// One case-work change, applied atomically.
#[derive(Debug, Clone, Default)]
pub struct CaseChange {
    pub school_id: i64,
    pub appeal_id: i64,
    /// The appeal's version the person saw; a different one is a conflict.
    pub expected_version: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub set_status: Option<String>,
    pub set_answered: Option<(String, String)>,
    pub set_closed: bool,
    pub journal: Vec<NewJournalEntry>,
    /// A message to the author: (id, encrypted body).
    pub message: Option<(i64, Vec<u8>)>,
    /// An internal note: (id, kind, encrypted body).
    pub note: Option<(i64, String, Vec<u8>)>,
    /// A forwarding: (id, body id, sent on, deadline).
    pub forward: Option<(i64, i64, String, String)>,
    /// The outcome of a forwarding: (forward id, date, encrypted outcome).
    pub forward_outcome: Option<(i64, String, Vec<u8>)>,
    pub assign: Option<i64>,
    pub unassign: Option<i64>,
    /// A board item: (id, kind, encrypted text, expires at).
    pub board: Option<(i64, String, Vec<u8>, i64)>,
    pub mails: Vec<NewMail>,
    /// The appeal's data key wrapped anew (e.g. under the bucket of its expiry day when it is
    /// closed), replacing the stored one in the same transaction.
    pub rewrap: Option<Vec<u8>>,
    pub audit_action: String,
    pub audit_detail: String,
}

impl Store {
    /// Applies a case-work change: checks and bumps the version, then writes everything it
    /// carries and its journal and audit entries, in one transaction.
    pub async fn apply_case_change(&self, c: &CaseChange) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let bumped = sqlx::query(
            "UPDATE appeals SET version = version + 1, updated_at = $1, status = COALESCE($2, status), \
             answered_on = COALESCE($3, answered_on), answer_kind = COALESCE($4, answer_kind), \
             closed_at = CASE WHEN $5 = 1 THEN $1 ELSE closed_at END \
             WHERE id = $6 AND school_id = $7 AND version = $8",
        )
        .bind(c.at)
        .bind(c.set_status.as_deref())
        .bind(c.set_answered.as_ref().map(|a| a.0.as_str()))
        .bind(c.set_answered.as_ref().map(|a| a.1.as_str()))
        .bind(i64::from(c.set_closed))
        .bind(c.appeal_id)
        .bind(c.school_id)
        .bind(c.expected_version)
        .execute(&mut *tx)
        .await?;
        if bumped.rows_affected() == 0 {
            let exists: Option<(i64,)> =
                sqlx::query_as("SELECT version FROM appeals WHERE id = $1 AND school_id = $2")
                    .bind(c.appeal_id)
                    .bind(c.school_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            return Err(if exists.is_some() {
                StoreError::Conflict
            } else {
                StoreError::NotFound
            });
        }
        if let Some(key) = &c.rewrap {
            crate::retention::replace_key(&mut tx, c.appeal_id, None, key, c.at).await?;
        }
        for e in &c.journal {
            append_journal(&mut tx, c.school_id, c.appeal_id, c.at, c.actor_id, e).await?;
        }
        if let Some((id, body)) = &c.message {
            sqlx::query("INSERT INTO appeal_messages (id, appeal_id, school_id, at, from_staff, user_id, body_enc) VALUES ($1, $2, $3, $4, 1, $5, $6)")
                .bind(*id)
                .bind(c.appeal_id)
                .bind(c.school_id)
                .bind(c.at)
                .bind(c.actor_id)
                .bind(body)
                .execute(&mut *tx)
                .await?;
        }
        if let Some((id, kind, body)) = &c.note {
            sqlx::query("INSERT INTO appeal_notes (id, appeal_id, school_id, at, user_id, kind, body_enc) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(*id)
                .bind(c.appeal_id)
                .bind(c.school_id)
                .bind(c.at)
                .bind(c.actor_id)
                .bind(kind)
                .bind(body)
                .execute(&mut *tx)
                .await?;
        }
        if let Some((id, body_id, sent_on, deadline)) = &c.forward {
            sqlx::query("INSERT INTO forwards (id, appeal_id, school_id, body_id, sent_on, deadline, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(*id)
                .bind(c.appeal_id)
                .bind(c.school_id)
                .bind(*body_id)
                .bind(sent_on)
                .bind(deadline)
                .bind(c.actor_id)
                .execute(&mut *tx)
                .await?;
        }
        if let Some((id, on, outcome)) = &c.forward_outcome {
            let r = sqlx::query("UPDATE forwards SET outcome_on = $1, outcome_enc = $2 WHERE id = $3 AND appeal_id = $4 AND school_id = $5")
                .bind(on)
                .bind(outcome)
                .bind(*id)
                .bind(c.appeal_id)
                .bind(c.school_id)
                .execute(&mut *tx)
                .await?;
            if r.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
        }
        if let Some((id, kind, text, expires)) = &c.board {
            sqlx::query(
                "INSERT INTO board_items (id, school_id, appeal_id, kind, text_enc, published_at, expires_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(*id)
            .bind(c.school_id)
            .bind(c.appeal_id)
            .bind(kind)
            .bind(text)
            .bind(c.at)
            .bind(*expires)
            .bind(c.actor_id)
            .execute(&mut *tx)
            .await?;
        }
        if let Some(u) = c.assign {
            sqlx::query("INSERT INTO appeal_assignees (appeal_id, user_id, school_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(c.appeal_id)
                .bind(u)
                .bind(c.school_id)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(u) = c.unassign {
            sqlx::query("DELETE FROM appeal_assignees WHERE appeal_id = $1 AND user_id = $2")
                .bind(c.appeal_id)
                .bind(u)
                .execute(&mut *tx)
                .await?;
        }
        queue_mails(&mut tx, &c.mails, c.at).await?;
        append_audit(
            &mut tx,
            &AuditInput {
                actor_id: c.actor_id,
                school_id: Some(c.school_id),
                action: &c.audit_action,
                object: &format!("appeal:{}", c.appeal_id),
                detail: &c.audit_detail,
            },
            c.at,
        )
        .await?;
        tx.commit().await?;
        Ok(c.expected_version + 1)
    }

    /// The journal entries of one appeal, oldest first.
    pub async fn journal_of(
        &self,
        school_id: i64,
        appeal_id: i64,
    ) -> Result<Vec<JournalEntryRow>, StoreError> {
        let rows = sqlx::query(&format!("SELECT {ENTRY_COLUMNS} FROM journal_entries WHERE school_id = $1 AND appeal_id = $2 ORDER BY seq"))
            .bind(school_id)
            .bind(appeal_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(row_to_entry).collect::<Result<_, _>>()?)
    }

    /// Appeals received in [from, to) with all their journal entries, in journal order.
    pub async fn journal_period(
        &self,
        school_id: i64,
        from: i64,
        to: i64,
    ) -> Result<Vec<(crate::AppealRow, Vec<JournalEntryRow>)>, StoreError> {
        let appeals = self.appeals_received(school_id, from, to).await?;
        let rows = sqlx::query(&format!(
            "SELECT {ENTRY_COLUMNS} FROM journal_entries WHERE school_id = $1 AND appeal_id IN \
             (SELECT id FROM appeals WHERE school_id = $1 AND received_at >= $2 AND received_at < $3) ORDER BY seq"
        ))
        .bind(school_id)
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        // Grouped by appeal in one pass (entries stay in journal order within each appeal).
        let mut by_appeal: std::collections::HashMap<i64, Vec<JournalEntryRow>> =
            std::collections::HashMap::with_capacity(appeals.len());
        for r in &rows {
            let e = row_to_entry(r)?;
            by_appeal.entry(e.appeal_id).or_default().push(e);
        }
        Ok(appeals
            .into_iter()
            .map(|a| {
                let mine = by_appeal.remove(&a.id).unwrap_or_default();
                (a, mine)
            })
            .collect())
    }

    /// How many appeals of a school were received in [from, to). Whole months of the school's
    /// zone (a journal year, a quarter) are read from `appeal_stats` (one row per month: every
    /// appeal has exactly one channel) instead of counting 100,000 rows; other periods count
    /// the appeals.
    pub async fn appeals_received_count(
        &self,
        school_id: i64,
        from: i64,
        to: i64,
    ) -> Result<i64, StoreError> {
        let whole = self
            .unit_offsets(&[school_id])
            .await?
            .first()
            .is_some_and(|&(_, off)| {
                crate::stats::is_month_start(from, off) && crate::stats::is_month_start(to, off)
            });
        let sql = if whole {
            "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM appeal_stats \
             WHERE school_id = $1 AND month_start >= $2 AND month_start < $3 AND dim = 'channel'"
        } else {
            "SELECT COUNT(*) FROM appeals WHERE school_id = $1 AND received_at >= $2 AND received_at < $3"
        };
        let (n,): (i64,) = sqlx::query_as(sql)
            .bind(school_id)
            .bind(from)
            .bind(to)
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }

    /// One page of a period's journal: `limit` appeals received in [from, to) from `offset` on,
    /// in journal order, with all their entries; and how many appeals the period has in all.
    /// A school with 100,000 appeals a year shows its journal a page at a time.
    pub async fn journal_period_page(
        &self,
        school_id: i64,
        from: i64,
        to: i64,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<(crate::AppealRow, Vec<JournalEntryRow>)>, i64), StoreError> {
        let total = self.appeals_received_count(school_id, from, to).await?;
        // On SQLite the page walks the journal's own index (school, year, number) and stops
        // after `offset + limit` rows: it would rather range-scan `received_at` and sort the
        // whole period, and `+received_at` keeps it off that index. PostgreSQL picks between the
        // two plans well when it sees the period's bounds (0.7 ms for a big school's year, 4.5 ms
        // for its last month, at 10M), but a prepared statement goes to a generic plan after
        // five runs, and that one range-scans and sorts the whole year (100–990 ms): the query
        // runs unprepared there (EXPLAIN in BENCHMARKS.md, session 6).
        let (received, persistent) = match self.backend() {
            crate::Backend::Sqlite => ("+received_at", true),
            crate::Backend::Postgres => ("received_at", false),
        };
        let sql = format!(
            "SELECT {} FROM appeals WHERE school_id = $1 AND {received} >= $2 AND {received} < $3 \
             ORDER BY journal_year, journal_seq LIMIT $4 OFFSET $5",
            crate::appeals::COLUMNS
        );
        let rows = sqlx::query(&sql)
            .persistent(persistent)
            .bind(school_id)
            .bind(from)
            .bind(to)
            .bind(limit)
            .bind(offset)
            .fetch_all(&self.pool)
            .await?;
        let appeals: Vec<crate::AppealRow> = rows
            .iter()
            .map(crate::appeals::row_to_appeal)
            .collect::<Result<_, _>>()?;
        let mut by_appeal: std::collections::HashMap<i64, Vec<JournalEntryRow>> =
            std::collections::HashMap::with_capacity(appeals.len());
        if !appeals.is_empty() {
            let ids = (2..appeals.len() + 2)
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", ");
            // By the appeal index (`+school_id`: not by the school's, which would walk every
            // entry of the school in `seq` order to find these few).
            let sql = format!(
                "SELECT {ENTRY_COLUMNS} FROM journal_entries WHERE +school_id = $1 AND appeal_id IN ({ids}) ORDER BY seq"
            );
            let mut q = sqlx::query(&sql).bind(school_id);
            for a in &appeals {
                q = q.bind(a.id);
            }
            for r in q.fetch_all(&self.pool).await? {
                let e = row_to_entry(&r)?;
                by_appeal.entry(e.appeal_id).or_default().push(e);
            }
        }
        Ok((
            appeals
                .into_iter()
                .map(|a| {
                    let mine = by_appeal.remove(&a.id).unwrap_or_default();
                    (a, mine)
                })
                .collect(),
            total,
        ))
    }

    /// The hash at the head of a school's journal chain and its length.
    pub async fn journal_head(&self, school_id: i64) -> Result<(i64, Vec<u8>), StoreError> {
        let row: Option<(i64, Vec<u8>)> =
            sqlx::query_as("SELECT seq, hash FROM chain_heads WHERE name = $1")
                .bind(format!("journal:{school_id}"))
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.unwrap_or((0, CHAIN_GENESIS.to_vec())))
    }

    /// Walks every school's journal chain; returns the number of entries checked, or the first
    /// entry that does not match (named by school and journal sequence).
    pub async fn verify_journal_chains(&self) -> Result<Result<i64, ChainBreak>, StoreError> {
        let heads: Vec<(String, i64, Vec<u8>)> = sqlx::query_as(
            "SELECT name, seq, hash FROM chain_heads WHERE name LIKE 'journal:%' ORDER BY name",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut total = 0;
        for (name, head_seq, head_hash) in heads {
            let school_id: i64 = name.trim_start_matches("journal:").parse().unwrap_or(0);
            let rows = sqlx::query(
                "SELECT id, school_id, seq, appeal_id, kind, at, actor_id, refers_to, plain, payload_enc, payload_digest, prev_hash, hash \
                 FROM journal_entries WHERE school_id = $1 ORDER BY seq",
            )
            .bind(school_id)
            .fetch_all(&self.pool)
            .await?;
            let mut prev = CHAIN_GENESIS;
            let mut expected = 1;
            let brk = |seq: i64, reason: &str| {
                Ok(Err(ChainBreak {
                    chain: name.clone(),
                    entry_id: seq,
                    reason: reason.into(),
                }))
            };
            for r in &rows {
                let e = row_to_entry(r)?;
                if e.seq != expected {
                    return brk(expected, "entry missing");
                }
                let stored_digest: Vec<u8> = r.try_get("payload_digest")?;
                if let Some(p) = &e.payload_enc
                    && digest(Some(p)) != stored_digest
                {
                    return brk(e.seq, "encrypted content does not match its digest");
                }
                let stored_prev: Vec<u8> = r.try_get("prev_hash")?;
                let stored: Vec<u8> = r.try_get("hash")?;
                if stored_prev != prev {
                    return brk(e.seq, "previous hash does not match");
                }
                let h = chain_hash(
                    &prev,
                    &entry_bytes(
                        e.school_id,
                        e.seq,
                        e.appeal_id,
                        &e.kind,
                        e.at,
                        e.actor_id,
                        e.refers_to,
                        &e.plain,
                        &stored_digest,
                    ),
                );
                if stored != h {
                    return brk(e.seq, "content does not match its hash");
                }
                prev = h;
                expected += 1;
                total += 1;
            }
            if head_seq != expected - 1 || head_hash != prev {
                return brk(expected, "entries after this one were removed");
            }
        }
        Ok(Ok(total))
    }

    /// Appeals of a school received in [from, to), in journal order.
    pub async fn appeals_received(
        &self,
        school_id: i64,
        from: i64,
        to: i64,
    ) -> Result<Vec<crate::AppealRow>, StoreError> {
        self.appeals_where("school_id = $1 AND received_at >= $2 AND received_at < $3 ORDER BY journal_year, journal_seq", school_id, from, to).await
    }

    pub async fn bodies(&self, unit_ids: &[i64]) -> Result<Vec<BodyRow>, StoreError> {
        let mut out = Vec::new();
        for u in unit_ids {
            let rows: Vec<(i64, i64, String, String)> = sqlx::query_as("SELECT id, unit_id, name, kind FROM bodies WHERE unit_id = $1 AND active = 1 ORDER BY id")
                .bind(*u)
                .fetch_all(&self.pool)
                .await?;
            out.extend(rows.into_iter().map(|(id, unit_id, name, kind)| BodyRow {
                id,
                unit_id,
                name,
                kind,
            }));
        }
        Ok(out)
    }

    pub async fn create_body(
        &self,
        unit_id: i64,
        name: &str,
        kind: &str,
    ) -> Result<BodyRow, StoreError> {
        let row = sqlx::query(
            "INSERT INTO bodies (unit_id, name, kind) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(unit_id)
        .bind(name)
        .bind(kind)
        .fetch_one(&self.pool)
        .await?;
        Ok(BodyRow {
            id: row.try_get("id")?,
            unit_id,
            name: name.to_string(),
            kind: kind.to_string(),
        })
    }

    pub async fn forwards_of(&self, appeal_id: i64) -> Result<Vec<ForwardRow>, StoreError> {
        let rows = sqlx::query("SELECT id, appeal_id, body_id, sent_on, deadline, outcome_on, outcome_enc FROM forwards WHERE appeal_id = $1 ORDER BY sent_on, id")
            .bind(appeal_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(row_to_forward).collect::<Result<_, _>>()?)
    }

    /// Forwards of a school still without an outcome whose deadline is before `today`.
    pub async fn overdue_forwards(
        &self,
        school_id: i64,
        today: &str,
    ) -> Result<Vec<ForwardRow>, StoreError> {
        let rows = sqlx::query("SELECT id, appeal_id, body_id, sent_on, deadline, outcome_on, outcome_enc FROM forwards WHERE school_id = $1 AND outcome_on IS NULL AND deadline < $2 ORDER BY deadline")
            .bind(school_id)
            .bind(today)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(row_to_forward).collect::<Result<_, _>>()?)
    }

    pub async fn notes(&self, appeal_id: i64) -> Result<Vec<NoteRow>, StoreError> {
        let rows = sqlx::query("SELECT id, at, user_id, kind, body_enc FROM appeal_notes WHERE appeal_id = $1 ORDER BY at, id")
            .bind(appeal_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(NoteRow {
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    user_id: r.try_get("user_id")?,
                    kind: r.try_get("kind")?,
                    body_enc: r.try_get("body_enc")?,
                })
            })
            .collect()
    }

    /// A school's own calendar changes: (day, working, note).
    pub async fn calendar_overrides(
        &self,
        school_id: i64,
    ) -> Result<Vec<(String, bool, String)>, StoreError> {
        let rows: Vec<(String, i64, String)> = sqlx::query_as(
            "SELECT day, working, note FROM calendar_overrides WHERE school_id = $1 ORDER BY day",
        )
        .bind(school_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(d, w, n)| (d, w != 0, n)).collect())
    }

    pub async fn set_calendar_override(
        &self,
        school_id: i64,
        day: &str,
        working: Option<bool>,
        note: &str,
    ) -> Result<(), StoreError> {
        match working {
            None => {
                sqlx::query("DELETE FROM calendar_overrides WHERE school_id = $1 AND day = $2")
                    .bind(school_id)
                    .bind(day)
                    .execute(&self.pool)
                    .await?;
            }
            Some(w) => {
                sqlx::query(
                    "INSERT INTO calendar_overrides (school_id, day, working, note) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (school_id, day) DO UPDATE SET working = excluded.working, note = excluded.note",
                )
                .bind(school_id)
                .bind(day)
                .bind(i64::from(w))
                .bind(note)
                .execute(&self.pool)
                .await?;
            }
        }
        Ok(())
    }
}

/// The registration entry written with a new appeal that got number `seq`.
pub(crate) fn registration_entry(a: &crate::NewAppeal, seq: i64) -> NewJournalEntry {
    let plain = format!(
        "{{\"number\":\"{}/{}\",\"received_at\":{},\"channel\":\"{}\",\"category\":\"{}\",\"anonymous\":{},\"author\":\"{}\",\"deadline\":\"{}\"}}",
        a.journal_year,
        seq,
        a.received_at,
        a.channel,
        a.category,
        a.anonymous,
        a.author_type,
        a.deadline
    );
    NewJournalEntry {
        kind: "registered".into(),
        refers_to: None,
        plain,
        payload_enc: a.journal_payload.clone(),
    }
}

/// The appeals column of a notice: `"reminded_at"`, or else `"escalated_at"` (never a caller's
/// text in the SQL).
fn notice_column(column: &str) -> &'static str {
    match column {
        "reminded_at" => "reminded_at",
        _ => "escalated_at",
    }
}

/// The query of [`Store::appeals_needing`] (school `$1`, day `$2`). It is answered from the
/// partial index `appeals_remind_due` or `appeals_escalate_due` (migration 12), which holds only
/// the appeals still waiting for that notice. SQLite, without statistics, would rather take the
/// inbox's `(school_id, deadline)` and read every open appeal up to the day; `INDEXED BY`
/// holds it to the partial index (and makes the query fail, not slow down, if a change here
/// left the index unusable: `trustbox-store`'s `notice_due_uses_its_index`).
pub(crate) fn needing_sql(backend: crate::Backend, column: &str) -> String {
    let col = notice_column(column);
    let (cmp, index) = match col {
        "reminded_at" => ("<=", "appeals_remind_due"),
        _ => ("<", "appeals_escalate_due"),
    };
    let from = match backend {
        crate::Backend::Sqlite => format!("appeals INDEXED BY {index}"),
        crate::Backend::Postgres => "appeals".into(),
    };
    format!(
        "SELECT {} FROM {from} WHERE school_id = $1 AND {col} IS NULL AND status IN ('new', 'in_work', 'forwarded') AND deadline {cmp} $2 ORDER BY deadline",
        crate::appeals::COLUMNS
    )
}

impl Store {
    /// Open appeals (not answered, closed or refused) of every school whose deadline is on or
    /// before `day` and that have not had the given notice yet: `"reminded_at"` or `"escalated_at"`.
    pub async fn appeals_needing(
        &self,
        column: &str,
        school_id: i64,
        day: &str,
    ) -> Result<Vec<crate::AppealRow>, StoreError> {
        self.appeals_by_day(&needing_sql(self.backend(), column), school_id, day)
            .await
    }

    /// Records that reminders or escalations went out for these appeals of a school, each with
    /// its mails, all in one transaction: one commit (one fsync) for a round's notices, not one
    /// per appeal (a school back after a week's outage, or a journal just imported, has hundreds
    /// due at once). An appeal that already had the notice (another instance was quicker) is
    /// left out, with its mails. Returns how many were recorded.
    pub async fn mark_notices(
        &self,
        column: &str,
        school_id: i64,
        notices: &[(i64, Vec<NewMail>)],
        now: i64,
    ) -> Result<usize, StoreError> {
        let col = notice_column(column);
        let sql = format!(
            "UPDATE appeals SET {col} = $1 WHERE id = $2 AND school_id = $3 AND {col} IS NULL"
        );
        let mut tx = self.pool.begin().await?;
        let mut marked = 0;
        for (appeal_id, mails) in notices {
            let r = sqlx::query(&sql)
                .bind(now)
                .bind(appeal_id)
                .bind(school_id)
                .execute(&mut *tx)
                .await?;
            if r.rows_affected() == 0 {
                continue;
            }
            queue_mails(&mut tx, mails, now).await?;
            marked += 1;
        }
        tx.commit().await?;
        Ok(marked)
    }
}
