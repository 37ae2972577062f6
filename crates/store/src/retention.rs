//! Retention: key buckets (their ids and labels; the keys themselves live only in the keyring),
//! the history of which buckets wrapped each appeal's key, legal holds, and the purge that
//! removes every encrypted personal column of a case while its journal row stays.

use sqlx::{AnyConnection, Arguments, Row};
use trustbox_crypto::{WrappedBy, wrapped_by};

use crate::audit::append_audit;
use crate::journal::{NewJournalEntry, append_journal};
use crate::{AuditInput, Store, StoreError};

/// A key bucket as recorded in the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketRow {
    pub id: i64,
    pub kind: String,
    pub label: String,
    pub created_at: i64,
    pub retired_at: Option<i64>,
    pub destroyed_at: Option<i64>,
}

/// An appeal's wrapped data key and what decides its bucket.
#[derive(Debug, Clone)]
pub struct KeyedAppeal {
    pub id: i64,
    pub school_id: i64,
    pub received_at: i64,
    pub closed_at: Option<i64>,
    pub data_key: Vec<u8>,
    pub key_bucket_id: Option<i64>,
    /// The label of the bucket that wraps it now, if any.
    pub label: Option<String>,
    pub journal_year: i64,
    pub journal_seq: i64,
}

/// A closed appeal not destroyed yet.
#[derive(Debug, Clone)]
pub struct PurgeCandidate {
    pub id: i64,
    pub school_id: i64,
    pub journal_year: i64,
    pub journal_seq: i64,
    pub category: String,
    pub closed_at: i64,
    pub legal_hold: bool,
}

/// What [`Store::purge_appeal`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PurgeOutcome {
    Destroyed,
    /// Refused: the case is under a legal hold.
    Held,
    AlreadyDestroyed,
    /// Refused: the case is not closed.
    NotClosed,
}

const BUCKET_COLUMNS: &str = "id, kind, label, created_at, retired_at, destroyed_at";

fn row_to_bucket(r: &sqlx::any::AnyRow) -> Result<BucketRow, sqlx::Error> {
    Ok(BucketRow {
        id: r.try_get("id")?,
        kind: r.try_get("kind")?,
        label: r.try_get("label")?,
        created_at: r.try_get("created_at")?,
        retired_at: r.try_get("retired_at")?,
        destroyed_at: r.try_get("destroyed_at")?,
    })
}

fn row_to_keyed(r: &sqlx::any::AnyRow) -> Result<KeyedAppeal, sqlx::Error> {
    Ok(KeyedAppeal {
        id: r.try_get("id")?,
        school_id: r.try_get("school_id")?,
        received_at: r.try_get("received_at")?,
        closed_at: r.try_get("closed_at")?,
        data_key: r.try_get("data_key")?,
        key_bucket_id: r.try_get("key_bucket_id")?,
        label: r.try_get("label")?,
        journal_year: r.try_get("journal_year")?,
        journal_seq: r.try_get("journal_seq")?,
    })
}

const KEYED_SELECT: &str = "SELECT a.id, a.school_id, a.received_at, a.closed_at, a.data_key, \
    a.key_bucket_id, b.label, a.journal_year, a.journal_seq FROM appeals a \
    LEFT JOIN key_buckets b ON b.id = a.key_bucket_id";

/// Records, inside the caller's transaction, that `data_key` (just written for `appeal_id`)
/// is wrapped by its bucket: the bucket must still be live (not retired), and the bucket joins
/// the appeal's key history. Touching the bucket's row also locks it (PostgreSQL) until the
/// transaction ends, so a purge cannot retire the bucket and miss this appeal.
pub(crate) async fn record_wrap(
    conn: &mut AnyConnection,
    appeal_id: i64,
    data_key: &[u8],
    now: i64,
) -> Result<Option<i64>, StoreError> {
    let WrappedBy::Bucket(bucket) = wrapped_by(data_key) else {
        return Ok(None);
    };
    let live = sqlx::query(
        "UPDATE key_buckets SET last_used_at = $1 WHERE id = $2 AND retired_at IS NULL",
    )
    .bind(now)
    .bind(bucket)
    .execute(&mut *conn)
    .await?;
    if live.rows_affected() == 0 {
        return Err(StoreError::Conflict);
    }
    sqlx::query(
        "INSERT INTO appeal_key_history (appeal_id, bucket_id, at) VALUES ($1, $2, $3) \
         ON CONFLICT DO NOTHING",
    )
    .bind(appeal_id)
    .bind(bucket)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(Some(bucket))
}

/// [`record_wrap`] for a batch of new appeals (appeal id, wrapped key, time): each bucket named
/// is checked live and touched once, the history rows go in multi-row inserts. A retired bucket
/// fails the whole batch with [`StoreError::Conflict`].
pub(crate) async fn record_wraps(
    conn: &mut AnyConnection,
    wraps: &[(i64, &[u8], i64)],
) -> Result<(), StoreError> {
    let mut rows: Vec<(i64, i64, i64)> = Vec::with_capacity(wraps.len());
    let mut last_use: std::collections::BTreeMap<i64, i64> = Default::default();
    for &(appeal_id, key, at) in wraps {
        if let WrappedBy::Bucket(bucket) = wrapped_by(key) {
            rows.push((appeal_id, bucket, at));
            let t = last_use.entry(bucket).or_insert(at);
            *t = (*t).max(at);
        }
    }
    for (bucket, at) in last_use {
        let live = sqlx::query(
            "UPDATE key_buckets SET last_used_at = $1 WHERE id = $2 AND retired_at IS NULL",
        )
        .bind(at)
        .bind(bucket)
        .execute(&mut *conn)
        .await?;
        if live.rows_affected() == 0 {
            return Err(StoreError::Conflict);
        }
    }
    crate::bulk::insert_rows(
        conn,
        "INSERT INTO appeal_key_history (appeal_id, bucket_id, at)",
        " ON CONFLICT DO NOTHING",
        3,
        &rows,
        |q, (appeal_id, bucket, at)| {
            q.add(*appeal_id)?;
            q.add(*bucket)?;
            q.add(*at)
        },
    )
    .await?;
    Ok(())
}

/// Replaces an appeal's wrapped key inside the caller's transaction (the bucket it names must
/// be live). With `old`, only if the stored key is still exactly `old`; returns whether it did.
pub(crate) async fn replace_key(
    conn: &mut AnyConnection,
    appeal_id: i64,
    old: Option<&[u8]>,
    new: &[u8],
    now: i64,
) -> Result<bool, StoreError> {
    let bucket = match wrapped_by(new) {
        WrappedBy::Bucket(b) => Some(b),
        _ => None,
    };
    let r = match old {
        Some(old) => {
            sqlx::query(
                "UPDATE appeals SET data_key = $1, key_bucket_id = $2 \
                 WHERE id = $3 AND data_key = $4 AND destroyed_at IS NULL",
            )
            .bind(new)
            .bind(bucket)
            .bind(appeal_id)
            .bind(old)
            .execute(&mut *conn)
            .await?
        }
        None => {
            sqlx::query(
                "UPDATE appeals SET data_key = $1, key_bucket_id = $2 \
                 WHERE id = $3 AND destroyed_at IS NULL",
            )
            .bind(new)
            .bind(bucket)
            .bind(appeal_id)
            .execute(&mut *conn)
            .await?
        }
    };
    if r.rows_affected() == 0 {
        return Ok(false);
    }
    record_wrap(conn, appeal_id, new, now).await?;
    Ok(true)
}

impl Store {
    /// The live (not retired) bucket with this label.
    pub async fn live_bucket(&self, label: &str) -> Result<Option<i64>, StoreError> {
        let r: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM key_buckets WHERE label = $1 AND retired_at IS NULL")
                .bind(label)
                .fetch_optional(&self.pool)
                .await?;
        Ok(r.map(|r| r.0))
    }

    /// Records a new bucket (its key already in the keyring). [`StoreError::Duplicate`] if a
    /// live bucket with this label exists (another instance was quicker).
    pub async fn insert_bucket(
        &self,
        id: i64,
        kind: &str,
        label: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO key_buckets (id, kind, label, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(kind)
        .bind(label)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(|e| StoreError::unique(e, "key bucket"))?;
        Ok(())
    }

    pub async fn bucket_row(&self, id: i64) -> Result<BucketRow, StoreError> {
        let r = sqlx::query(&format!(
            "SELECT {BUCKET_COLUMNS} FROM key_buckets WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(row_to_bucket(&r)?)
    }

    /// Every bucket, oldest first.
    pub async fn buckets(&self) -> Result<Vec<BucketRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {BUCKET_COLUMNS} FROM key_buckets ORDER BY created_at, id"
        ))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(row_to_bucket).collect::<Result<_, _>>()?)
    }

    /// No new key is wrapped by this bucket from now on. Waits for (PostgreSQL: is blocked by)
    /// any transaction that is wrapping a key under it right now.
    pub async fn retire_bucket(&self, id: i64, now: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE key_buckets SET retired_at = COALESCE(retired_at, $1) WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records that the bucket's key was deleted from the keyring.
    pub async fn mark_bucket_destroyed(&self, id: i64, now: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE key_buckets SET retired_at = COALESCE(retired_at, $1), \
             destroyed_at = COALESCE(destroyed_at, $1) WHERE id = $2",
        )
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Buckets retired but not destroyed yet (an interrupted purge to finish).
    pub async fn unfinished_buckets(&self) -> Result<Vec<BucketRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {BUCKET_COLUMNS} FROM key_buckets WHERE retired_at IS NOT NULL \
             AND destroyed_at IS NULL ORDER BY id"
        ))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(row_to_bucket).collect::<Result<_, _>>()?)
    }

    /// Buckets to destroy: alive ones that ever wrapped the key of a destroyed appeal, and
    /// retired ones whose destruction was interrupted.
    pub async fn buckets_to_shred(&self) -> Result<Vec<BucketRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {BUCKET_COLUMNS} FROM key_buckets WHERE destroyed_at IS NULL AND (retired_at IS NOT NULL \
             OR id IN (SELECT h.bucket_id FROM appeal_key_history h JOIN appeals a ON a.id = h.appeal_id \
             WHERE a.destroyed_at IS NOT NULL)) ORDER BY id"
        ))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(row_to_bucket).collect::<Result<_, _>>()?)
    }

    /// Every bucket that ever wrapped this appeal's key.
    pub async fn key_history(&self, appeal_id: i64) -> Result<Vec<BucketRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT b.id, b.kind, b.label, b.created_at, b.retired_at, b.destroyed_at FROM key_buckets b \
             JOIN appeal_key_history h ON h.bucket_id = b.id WHERE h.appeal_id = $1 ORDER BY h.at, b.id",
        )
        .bind(appeal_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(row_to_bucket).collect::<Result<_, _>>()?)
    }

    /// The appeals whose key this bucket wraps now.
    pub async fn appeals_in_bucket(&self, bucket_id: i64) -> Result<Vec<KeyedAppeal>, StoreError> {
        let rows = sqlx::query(&format!(
            "{KEYED_SELECT} WHERE a.key_bucket_id = $1 ORDER BY a.id"
        ))
        .bind(bucket_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(row_to_keyed).collect::<Result<_, _>>()?)
    }

    /// The appeals not destroyed whose key this bucket ever wrapped (now or before).
    pub async fn live_appeals_ever_in(
        &self,
        bucket_id: i64,
    ) -> Result<Vec<KeyedAppeal>, StoreError> {
        let rows = sqlx::query(&format!(
            "{KEYED_SELECT} WHERE a.destroyed_at IS NULL AND a.id IN \
             (SELECT appeal_id FROM appeal_key_history WHERE bucket_id = $1) ORDER BY a.id"
        ))
        .bind(bucket_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(row_to_keyed).collect::<Result<_, _>>()?)
    }

    /// (school id, appeal id) of every destroyed appeal.
    pub async fn destroyed_appeals(&self) -> Result<Vec<(i64, i64)>, StoreError> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT school_id, id FROM appeals WHERE destroyed_at IS NOT NULL ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows)
    }

    /// Appeals (not destroyed) whose key is still wrapped by the master key directly.
    pub async fn appeals_without_bucket(&self) -> Result<Vec<KeyedAppeal>, StoreError> {
        let rows = sqlx::query(&format!(
            "{KEYED_SELECT} WHERE a.key_bucket_id IS NULL AND a.destroyed_at IS NULL ORDER BY a.id"
        ))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(row_to_keyed).collect::<Result<_, _>>()?)
    }

    /// Every appeal not destroyed, with its wrapped key.
    pub async fn live_keyed_appeals(&self) -> Result<Vec<KeyedAppeal>, StoreError> {
        let rows = sqlx::query(&format!(
            "{KEYED_SELECT} WHERE a.destroyed_at IS NULL ORDER BY a.id"
        ))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(row_to_keyed).collect::<Result<_, _>>()?)
    }

    /// Closed appeals not destroyed yet, with the bucket that wraps each.
    pub async fn closed_keyed_appeals(&self) -> Result<Vec<KeyedAppeal>, StoreError> {
        let rows = sqlx::query(&format!(
            "{KEYED_SELECT} WHERE a.closed_at IS NOT NULL AND a.destroyed_at IS NULL ORDER BY a.id"
        ))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(row_to_keyed).collect::<Result<_, _>>()?)
    }

    /// Replaces an appeal's wrapped key, if it is still `old`, recording its new bucket.
    pub async fn rewrap_appeal(
        &self,
        appeal_id: i64,
        old: &[u8],
        new: &[u8],
        now: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = replace_key(&mut tx, appeal_id, Some(old), new, now).await?;
        tx.commit().await?;
        Ok(done)
    }

    /// Closed appeals of every school not destroyed yet, oldest closing first.
    pub async fn purge_candidates(&self) -> Result<Vec<PurgeCandidate>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, school_id, journal_year, journal_seq, category, closed_at, legal_hold FROM appeals \
             WHERE closed_at IS NOT NULL AND destroyed_at IS NULL ORDER BY closed_at, id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PurgeCandidate {
                    id: r.try_get("id")?,
                    school_id: r.try_get("school_id")?,
                    journal_year: r.try_get("journal_year")?,
                    journal_seq: r.try_get("journal_seq")?,
                    category: r.try_get("category")?,
                    closed_at: r.try_get("closed_at")?,
                    legal_hold: r.try_get::<i64, _>("legal_hold")? != 0,
                })
            })
            .collect()
    }

    /// Destroys the contents of a closed appeal in one transaction: its text, contact, receipt,
    /// wrapped key, attachments (names and bytes), conversation, internal notes, forwarding
    /// outcomes, board texts, a paper letter's note and duplicate-check MAC, and the personal part of its
    /// journal entries (a voicemail's audio is one of its attachments). The journal keeps
    /// its entries (their hash chain covers the digest of the removed ciphertext, so it still
    /// verifies) and gets a `destroyed` entry; the audit log records the destruction.
    /// Refuses a case under a legal hold or not closed.
    pub async fn purge_appeal(
        &self,
        school_id: i64,
        appeal_id: i64,
        now: i64,
        destroyed_on: &str,
        audit: &AuditInput<'_>,
    ) -> Result<PurgeOutcome, StoreError> {
        self.erase_appeal(school_id, appeal_id, now, destroyed_on, audit, false)
            .await
    }

    /// Finishes the destruction of an appeal whose key no longer exists anywhere (a database
    /// restored from a backup taken before the purge that destroyed it): the same erasure as
    /// [`Store::purge_appeal`], whatever its state or hold in the restored copy.
    pub async fn erase_keyless_appeal(
        &self,
        school_id: i64,
        appeal_id: i64,
        now: i64,
        destroyed_on: &str,
        audit: &AuditInput<'_>,
    ) -> Result<PurgeOutcome, StoreError> {
        self.erase_appeal(school_id, appeal_id, now, destroyed_on, audit, true)
            .await
    }

    async fn erase_appeal(
        &self,
        school_id: i64,
        appeal_id: i64,
        now: i64,
        destroyed_on: &str,
        audit: &AuditInput<'_>,
        force: bool,
    ) -> Result<PurgeOutcome, StoreError> {
        let mut tx = self.pool.begin().await?;
        let state: Option<(Option<i64>, Option<i64>, i64)> = sqlx::query_as(
            "SELECT closed_at, destroyed_at, legal_hold FROM appeals WHERE id = $1 AND school_id = $2",
        )
        .bind(appeal_id)
        .bind(school_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((closed, destroyed, hold)) = state else {
            return Err(StoreError::NotFound);
        };
        if destroyed.is_some() {
            return Ok(PurgeOutcome::AlreadyDestroyed);
        }
        if closed.is_none() && !force {
            return Ok(PurgeOutcome::NotClosed);
        }
        if hold != 0 && !force {
            return Ok(PurgeOutcome::Held);
        }
        let empty: Vec<u8> = Vec::new();
        let r = sqlx::query(
            "UPDATE appeals SET text_enc = $1, contact_enc = NULL, receipt_hash = NULL, data_key = $1, \
             key_bucket_id = NULL, hold_reason_enc = NULL, destroyed_at = $2, updated_at = $2, \
             version = version + 1 WHERE id = $3 AND school_id = $4 AND destroyed_at IS NULL \
             AND ((legal_hold = 0 AND closed_at IS NOT NULL) OR $5 = 1)",
        )
        .bind(&empty)
        .bind(now)
        .bind(appeal_id)
        .bind(school_id)
        .bind(i64::from(force))
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::Conflict);
        }
        for sql in [
            "UPDATE appeal_messages SET body_enc = $1 WHERE appeal_id = $2",
            "UPDATE attachments SET name_enc = $1, content_enc = $1 WHERE appeal_id = $2",
            "UPDATE appeal_notes SET body_enc = $1 WHERE appeal_id = $2",
            "UPDATE board_items SET text_enc = $1 WHERE appeal_id = $2",
        ] {
            sqlx::query(sql)
                .bind(&empty)
                .bind(appeal_id)
                .execute(&mut *tx)
                .await?;
        }
        // A paper letter's note, and its duplicate-check MAC (of its date and content) replaced
        // by random bytes (the column is unique per opening).
        let noise: [u8; 32] = rand::random();
        sqlx::query(
            "UPDATE opening_letters SET note_enc = NULL, fingerprint = $1 WHERE appeal_id = $2",
        )
        .bind(noise.to_vec())
        .bind(appeal_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE board_items SET withdrawn_at = $1 WHERE appeal_id = $2 AND withdrawn_at IS NULL",
        )
        .bind(now)
        .bind(appeal_id)
        .execute(&mut *tx)
        .await?;
        // Mails to the author: the address goes; one not sent yet is given up.
        sqlx::query(
            "UPDATE outbox SET recipient_enc = NULL, recipient = '•••', \
             attempts = CASE WHEN sent_at IS NULL THEN $1 ELSE attempts END, \
             last_error = CASE WHEN sent_at IS NULL THEN 'its case was destroyed' ELSE last_error END \
             WHERE appeal_id = $2",
        )
        .bind(crate::outbox::MAX_MAIL_ATTEMPTS)
        .bind(appeal_id)
        .execute(&mut *tx)
        .await?;
        for sql in [
            "UPDATE forwards SET outcome_enc = NULL WHERE appeal_id = $1",
            "UPDATE journal_entries SET payload_enc = NULL WHERE appeal_id = $1",
        ] {
            sqlx::query(sql).bind(appeal_id).execute(&mut *tx).await?;
        }
        append_journal(
            &mut tx,
            school_id,
            appeal_id,
            now,
            audit.actor_id,
            &NewJournalEntry {
                kind: "destroyed".into(),
                refers_to: None,
                plain: format!("{{\"destroyed_on\":\"{destroyed_on}\"}}"),
                payload_enc: None,
            },
        )
        .await?;
        append_audit(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(PurgeOutcome::Destroyed)
    }

    /// Puts a case under a legal hold (with its reason, encrypted by the caller) or lifts it,
    /// with its audit entry, in one transaction.
    pub async fn set_legal_hold(
        &self,
        school_id: i64,
        appeal_id: i64,
        hold: Option<&[u8]>,
        now: i64,
        audit: &AuditInput<'_>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let r = sqlx::query(
            "UPDATE appeals SET legal_hold = $1, hold_reason_enc = $2, version = version + 1, updated_at = $3 \
             WHERE id = $4 AND school_id = $5 AND destroyed_at IS NULL",
        )
        .bind(i64::from(hold.is_some()))
        .bind(hold)
        .bind(now)
        .bind(appeal_id)
        .bind(school_id)
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        append_audit(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The id of the appeal with this journal number.
    pub async fn appeal_id_by_number(
        &self,
        school_id: i64,
        year: i64,
        seq: i64,
    ) -> Result<i64, StoreError> {
        let r: Option<(i64,)> = sqlx::query_as(
            "SELECT id FROM appeals WHERE school_id = $1 AND journal_year = $2 AND journal_seq = $3",
        )
        .bind(school_id)
        .bind(year)
        .bind(seq)
        .fetch_optional(&self.pool)
        .await?;
        r.map(|r| r.0).ok_or(StoreError::NotFound)
    }

    /// An appeal's hold (and its encrypted reason) and when it was destroyed, if it was.
    pub async fn retention_of(
        &self,
        school_id: i64,
        appeal_id: i64,
    ) -> Result<(bool, Option<Vec<u8>>, Option<i64>), StoreError> {
        let r: Option<(i64, Option<Vec<u8>>, Option<i64>)> = sqlx::query_as(
            "SELECT legal_hold, hold_reason_enc, destroyed_at FROM appeals WHERE id = $1 AND school_id = $2",
        )
        .bind(appeal_id)
        .bind(school_id)
        .fetch_optional(&self.pool)
        .await?;
        let (h, reason, d) = r.ok_or(StoreError::NotFound)?;
        Ok((h != 0, reason, d))
    }
}
