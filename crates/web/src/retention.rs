//! Retention by crypto-shredding. Every appeal's data key is wrapped by a **bucket key** from
//! the keyring (outside the database and its backups), never by the master key directly:
//! while open by the bucket of its creation month (`open:2026-12`), once closed by the bucket
//! of its expiry day (`expires:2027-12-01` = closing day + retention days). The database keeps,
//! per appeal, every bucket that ever wrapped its key.
//!
//! Purging a case removes its encrypted personal columns in one transaction (the journal row
//! stays, with a `destroyed` entry), then, for every still-alive bucket in its key history,
//! moves the surviving appeals wrapped by it to a fresh bucket of the same label and deletes
//! the bucket key from the keyring. A database backup taken before the purge then holds the
//! purged appeal's key only wrapped by keys that exist nowhere any more.
//!
//! Every step is idempotent and resumable: [`run_purge`] first finishes whatever an earlier,
//! interrupted run left (buckets of destroyed appeals still alive, keys still wrapped by the
//! master key, closed appeals whose expiry day moved because `retention_days` changed).

use std::sync::Arc;
use std::time::Duration;

use time::{Date, OffsetDateTime};
use trustbox_crypto::{BucketKey, CryptoError, DataKey};
use trustbox_domain::retention::{purge_date, purge_due};
use trustbox_store::{AuditInput, BucketRow, KeyedAppeal, PurgeOutcome, StoreError};

use crate::AppState;
use crate::intake::{key_aad, new_id};

/// What can go wrong while wrapping, moving or destroying keys.
#[derive(Debug, thiserror::Error)]
pub enum RetentionError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    /// The master key was rotated (or a rotation is under way) since this process started.
    #[error(
        "the master key was changed by `trustbox keys rotate` while this process was running: restart trustbox (no key was written)"
    )]
    KeyRotated,
}

impl From<RetentionError> for StoreError {
    fn from(e: RetentionError) -> StoreError {
        match e {
            RetentionError::Store(s) => s,
            RetentionError::Crypto(c) => StoreError::Invalid(c.to_string()),
            RetentionError::KeyRotated => {
                StoreError::Invalid(RetentionError::KeyRotated.to_string())
            }
        }
    }
}

/// The label of the bucket of appeals received in the month of `received_at` (UTC).
pub fn open_label(received_at: i64) -> String {
    let d = OffsetDateTime::from_unix_timestamp(received_at)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .date();
    format!("open:{:04}-{:02}", d.year(), u8::from(d.month()))
}

/// The day (UTC) an appeal was closed.
pub fn closed_on(closed_at: i64) -> Date {
    OffsetDateTime::from_unix_timestamp(closed_at)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .date()
}

/// The day a case closed at `closed_at` is destroyed, under `days` of retention.
pub fn expiry_day(closed_at: i64, days: i64) -> Date {
    purge_date(closed_on(closed_at), days).unwrap_or(Date::MAX)
}

/// The label of the bucket of appeals expiring on `day`.
pub fn expiry_label(day: Date) -> String {
    format!("expires:{day}")
}

/// The bucket an appeal belongs in now: its expiry day once closed, else its creation month.
fn target_label(received_at: i64, closed_at: Option<i64>, days: i64) -> String {
    match closed_at {
        Some(c) => expiry_label(expiry_day(c, days)),
        None => open_label(received_at),
    }
}

fn kind_of(label: &str) -> &str {
    label.split(':').next().unwrap_or("")
}

/// The live bucket with `label`, created (key in the keyring first, then its row) if needed.
pub async fn bucket_for(
    state: &AppState,
    label: &str,
    now: i64,
) -> Result<BucketKey, RetentionError> {
    if let Some(id) = state.caches.buckets.get(&label.to_string()) {
        return Ok(state.keys.bucket(id)?);
    }
    loop {
        if let Some(id) = state.store.live_bucket(label).await? {
            state.caches.buckets.put(label.to_string(), id);
            return Ok(state.keys.bucket(id)?);
        }
        // A keyring entry written under a master key that a rotation replaced would be lost.
        let expected = match state.store.meta("key_fingerprint_next").await? {
            Some(n) if !n.is_empty() => Some(n),
            _ => state.store.meta("key_fingerprint").await?,
        };
        let master = state.keys.master_for_rotation();
        if expected.is_some_and(|fp| fp != state.keys.keyring.writer_fingerprint(master)) {
            return Err(RetentionError::KeyRotated);
        }
        let id = new_id();
        let key = state.keys.keyring.create_bucket(master, id)?;
        match state
            .store
            .insert_bucket(id, kind_of(label), label, now)
            .await
        {
            Ok(()) => {
                state.caches.buckets.put(label.to_string(), id);
                return Ok(key);
            }
            // Another instance made this bucket at the same moment: use theirs.
            Err(StoreError::Duplicate(_)) => {
                drop(key);
                state.keys.destroy_bucket(id)?;
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// The stored form of a new appeal's data key: wrapped by the bucket of its creation month.
/// (The one call the intake makes.)
pub async fn wrap_new_data_key(
    state: &AppState,
    dk: &DataKey,
    school_id: i64,
    appeal_id: i64,
    received_at: i64,
) -> Result<Vec<u8>, StoreError> {
    let bucket = bucket_for(state, &open_label(received_at), received_at).await?;
    Ok(dk.wrap_in_bucket(&bucket, &key_aad(school_id, appeal_id)))
}

/// The stored form of a closing appeal's data key: wrapped by the bucket of its expiry day.
pub async fn wrap_for_closing(
    state: &AppState,
    dk: &DataKey,
    school_id: i64,
    appeal_id: i64,
    closed_at: i64,
) -> Result<Vec<u8>, RetentionError> {
    let label = expiry_label(expiry_day(closed_at, state.config.retention_days));
    let bucket = bucket_for(state, &label, closed_at).await?;
    Ok(dk.wrap_in_bucket(&bucket, &key_aad(school_id, appeal_id)))
}

/// Moves one appeal's key to the bucket `label` (if it is still what we read).
async fn move_key(
    state: &AppState,
    a: &KeyedAppeal,
    label: &str,
    now: i64,
) -> Result<bool, RetentionError> {
    let aad = key_aad(a.school_id, a.id);
    let dk = state.keys.unwrap_data_key(&a.data_key, &aad)?;
    // A bucket retired under our feet (a purge elsewhere) gives a conflict: take the fresh one.
    for _ in 0..3 {
        let bucket = bucket_for(state, label, now).await?;
        let new = dk.wrap_in_bucket(&bucket, &aad);
        match state
            .store
            .rewrap_appeal(a.id, &a.data_key, &new, now)
            .await
        {
            Ok(done) => return Ok(done),
            Err(StoreError::Conflict) => state.caches.forget_bucket(label),
            Err(e) => return Err(e.into()),
        }
    }
    Err(StoreError::Conflict.into())
}

/// Moves every key still wrapped by the master key directly (an installation from before the
/// keyring) into its bucket. Idempotent; an interrupted run is simply run again.
pub async fn migrate_legacy_keys(state: &AppState) -> Result<usize, RetentionError> {
    let now = state.clock.now_ts();
    let mut n = 0;
    for a in state.store.appeals_without_bucket().await? {
        if a.data_key.is_empty() {
            continue;
        }
        let label = target_label(a.received_at, a.closed_at, state.config.retention_days);
        if move_key(state, &a, &label, now).await? {
            n += 1;
        }
    }
    Ok(n)
}

/// Moves closed appeals whose expiry day changed (a new `retention_days`) to the right bucket.
pub async fn rebucket_closed(state: &AppState) -> Result<usize, RetentionError> {
    let now = state.clock.now_ts();
    let mut n = 0;
    for a in state.store.closed_keyed_appeals().await? {
        let want = target_label(a.received_at, a.closed_at, state.config.retention_days);
        if a.key_bucket_id.is_some()
            && a.label.as_deref() != Some(want.as_str())
            && move_key(state, &a, &want, now).await?
        {
            n += 1;
        }
    }
    Ok(n)
}

/// Destroys a bucket: no new key goes into it, the appeals it still wraps move to a fresh
/// bucket of the same label, then its key is deleted from the keyring.
async fn shred_bucket(state: &AppState, b: &BucketRow, now: i64) -> Result<usize, RetentionError> {
    state.store.retire_bucket(b.id, now).await?;
    state.caches.forget_bucket(&b.label);
    let mut moved = 0;
    for a in state.store.appeals_in_bucket(b.id).await? {
        if move_key(state, &a, &b.label, now).await? {
            moved += 1;
        }
    }
    if !state.store.appeals_in_bucket(b.id).await?.is_empty() {
        // Something was wrapped meanwhile; the next run finishes it.
        return Ok(moved);
    }
    state.keys.destroy_bucket(b.id)?;
    state.store.mark_bucket_destroyed(b.id, now).await?;
    state
        .store
        .audit(
            &AuditInput {
                actor_id: None,
                school_id: None,
                action: "key-bucket-destroyed",
                object: &format!("key-bucket:{}", b.id),
                detail: &format!("{} (moved {moved})", b.label),
            },
            now,
        )
        .await?;
    Ok(moved)
}

/// Destroys every still-alive bucket that wrapped the key of a destroyed appeal, and finishes
/// buckets whose destruction was interrupted.
pub async fn shred_pending(state: &AppState) -> Result<usize, RetentionError> {
    let now = state.clock.now_ts();
    let mut n = 0;
    for b in state.store.buckets_to_shred().await? {
        shred_bucket(state, &b, now).await?;
        n += 1;
    }
    Ok(n)
}

/// A closed case whose time is up (or would be, but for its hold).
#[derive(Debug, Clone)]
pub struct Due {
    pub appeal_id: i64,
    pub school_id: i64,
    pub school_slug: String,
    pub number: String,
    pub category: String,
    pub closed_on: Date,
    pub expires_on: Date,
    pub held: bool,
}

/// The closed cases due for destruction on `today`, held ones included (flagged).
pub async fn due(state: &AppState, today: Date) -> Result<Vec<Due>, StoreError> {
    let days = state.config.retention_days;
    let units = state.store.units().await?;
    let mut out = Vec::new();
    for c in state.store.purge_candidates().await? {
        let closed = closed_on(c.closed_at);
        if !purge_due(closed, today, days, false) {
            continue;
        }
        out.push(Due {
            appeal_id: c.id,
            school_id: c.school_id,
            school_slug: units
                .iter()
                .find(|u| u.id == c.school_id)
                .map(|u| u.slug.clone())
                .unwrap_or_default(),
            number: format!("{}/{}", c.journal_year, c.journal_seq),
            category: c.category,
            closed_on: closed,
            expires_on: expiry_day(c.closed_at, days),
            held: c.legal_hold,
        });
    }
    Ok(out)
}

/// Why a purge of one case was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Held,
    NotClosed,
    NotDue(Date),
    AlreadyDestroyed,
}

/// Destroys one case now (if closed, due and not held), then its buckets; returns how many
/// bucket keys were deleted from the keyring.
pub async fn purge_one(
    state: &AppState,
    school_id: i64,
    appeal_id: i64,
    actor_id: Option<i64>,
    today: Date,
) -> Result<Result<usize, Refusal>, RetentionError> {
    let Some(c) = state
        .store
        .purge_candidates()
        .await?
        .into_iter()
        .find(|c| c.id == appeal_id && c.school_id == school_id)
    else {
        let (_, _, destroyed) = state.store.retention_of(school_id, appeal_id).await?;
        return Ok(Err(if destroyed.is_some() {
            Refusal::AlreadyDestroyed
        } else {
            Refusal::NotClosed
        }));
    };
    if c.legal_hold {
        return Ok(Err(Refusal::Held));
    }
    let days = state.config.retention_days;
    if !purge_due(closed_on(c.closed_at), today, days, false) {
        return Ok(Err(Refusal::NotDue(expiry_day(c.closed_at, days))));
    }
    let now = state.clock.now_ts();
    let number = format!("{}/{}", c.journal_year, c.journal_seq);
    let outcome = state
        .store
        .purge_appeal(
            school_id,
            appeal_id,
            now,
            &today.to_string(),
            &AuditInput {
                actor_id,
                school_id: Some(school_id),
                action: "appeal-destroyed",
                object: &format!("appeal:{appeal_id}"),
                detail: &format!("{number} closed {}", closed_on(c.closed_at)),
            },
        )
        .await?;
    match outcome {
        PurgeOutcome::Destroyed => {}
        PurgeOutcome::Held => return Ok(Err(Refusal::Held)),
        PurgeOutcome::NotClosed => return Ok(Err(Refusal::NotClosed)),
        PurgeOutcome::AlreadyDestroyed => return Ok(Err(Refusal::AlreadyDestroyed)),
    }
    Ok(Ok(shred_pending(state).await?))
}

/// What one run of the retention job did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PurgeReport {
    pub destroyed: Vec<String>,
    pub held: Vec<String>,
    pub migrated_keys: usize,
    pub rebucketed: usize,
    pub buckets_destroyed: usize,
}

/// The daily job: finish interrupted work, move master-wrapped keys to buckets, re-bucket
/// closed cases whose expiry day moved, then destroy every due case not under a hold.
pub async fn run_purge(state: &AppState, today: Date) -> Result<PurgeReport, RetentionError> {
    let mut r = PurgeReport {
        buckets_destroyed: shred_pending(state).await?,
        migrated_keys: migrate_legacy_keys(state).await?,
        rebucketed: rebucket_closed(state).await?,
        ..PurgeReport::default()
    };
    for d in due(state, today).await? {
        let name = format!("{} {}", d.school_slug, d.number);
        if d.held {
            r.held.push(name);
            continue;
        }
        if let Ok(n) = purge_one(state, d.school_id, d.appeal_id, None, today).await? {
            r.destroyed.push(name);
            r.buckets_destroyed += n;
        }
    }
    r.buckets_destroyed += shred_pending(state).await?;
    Ok(r)
}

/// Runs [`run_purge`] now and then every `every`; errors are logged, never fatal.
pub fn spawn_retention_job(state: AppState, every: Duration) -> tokio::task::JoinHandle<()> {
    let state = Arc::new(state);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            let today = state.clock.now().date();
            match run_purge(&state, today).await {
                Ok(r) => {
                    if !r.destroyed.is_empty() || r.migrated_keys + r.rebucketed > 0 {
                        tracing::info!(
                            destroyed = r.destroyed.len(),
                            held = r.held.len(),
                            migrated_keys = r.migrated_keys,
                            rebucketed = r.rebucketed,
                            buckets_destroyed = r.buckets_destroyed,
                            "retention job"
                        );
                    }
                }
                Err(e) => tracing::error!(error = %e, "retention job failed"),
            }
        }
    })
}
