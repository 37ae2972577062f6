//! Retention by crypto-shredding. Every appeal's data key is wrapped by a **bucket key** from
//! the keyring (outside the database and its backups), never by the master key directly:
//! while open by the bucket of its creation month (`open:2026-12`), once closed by the bucket
//! of its expiry day (`expires:2027-12-01` = closing day + retention days). The database keeps,
//! per appeal, every bucket that ever wrapped its key.
//!
//! Purging a case removes its encrypted personal columns in one transaction (the journal row
//! stays, with a `destroyed` entry) and deletes the case's own keyring entry, then, for every
//! still-alive bucket in its key history: moves the surviving appeals wrapped by it to a fresh
//! bucket of the same label, gives **every live appeal that bucket ever wrapped** its own
//! keyring entry (its data key, see [`trustbox_crypto::Keyring`]), marks the bucket as
//! shredded, and deletes the bucket key. So:
//!
//! - a database backup of any age, restored with the current master key and keyring, opens
//!   every letter that is live in production (through its bucket, or its own entry where the
//!   bucket is gone): nothing live is lost;
//! - a destroyed letter's key exists nowhere once its purge has finished (every bucket that
//!   ever wrapped it and its own entry are deleted): no backup taken before opens it.
//!
//! A restored database still lists the letters destroyed since the backup; [`settle`] (run by
//! `trustbox restore` and at the start of every purge run) finishes their destruction and
//! retires the buckets the keyring no longer has.
//!
//! Every step is idempotent and resumable: [`run_purge`] first finishes whatever an earlier,
//! interrupted run left (buckets of destroyed appeals still alive, keyring entries of destroyed
//! appeals, keys still wrapped by the master key, closed appeals whose expiry day moved because
//! `retention_days` changed).

use std::sync::Arc;
use std::time::Duration;

use time::{Date, OffsetDateTime};
use trustbox_crypto::{BucketKey, CryptoError, DataKey, WrappedBy, wrapped_by};
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
            match state.keys.bucket(id) {
                Ok(k) => {
                    state.caches.buckets.put(label.to_string(), id);
                    return Ok(k);
                }
                // A database restored from a backup: the bucket was destroyed since. Take a
                // fresh one; [`settle`] moves the letters it still wraps.
                Err(CryptoError::BucketMissing { .. }) if state.keys.keyring.was_shredded(id) => {
                    state.store.retire_bucket(id, now).await?;
                    continue;
                }
                Err(e) => return Err(e.into()),
            }
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

/// Whether this appeal's key was destroyed on purpose (by a purge, after the backup this
/// database was restored from was taken): its bucket is gone and marked shredded, and it has
/// no keyring entry of its own.
pub fn key_destroyed(state: &AppState, a: &KeyedAppeal) -> bool {
    let WrappedBy::Bucket(id) = wrapped_by(&a.data_key) else {
        return false;
    };
    !state.keys.keyring.has_bucket(id)
        && state.keys.keyring.was_shredded(id)
        && matches!(
            state
                .keys
                .unwrap_data_key(&a.data_key, &key_aad(a.school_id, a.id)),
            Err(CryptoError::BucketMissing { .. })
        )
}

/// Finishes the destruction of an appeal whose key no longer exists (see [`key_destroyed`]).
async fn erase_keyless(state: &AppState, a: &KeyedAppeal, now: i64) -> Result<(), RetentionError> {
    let today = OffsetDateTime::from_unix_timestamp(now)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .date();
    state
        .store
        .erase_keyless_appeal(
            a.school_id,
            a.id,
            now,
            &today.to_string(),
            &AuditInput {
                actor_id: None,
                school_id: Some(a.school_id),
                action: "appeal-destroyed",
                object: &format!("appeal:{}", a.id),
                detail: &format!(
                    "{}/{} its key was destroyed after the restored backup was taken",
                    a.journal_year, a.journal_seq
                ),
            },
        )
        .await?;
    Ok(())
}

/// Destroys a bucket: no new key goes into it, the appeals it still wraps move to a fresh
/// bucket of the same label, every live appeal it ever wrapped gets its own keyring entry
/// (so backups that hold its key wrapped by this bucket still open it), the keyring records
/// that the bucket was shredded on purpose, then its key is deleted from the keyring.
async fn shred_bucket(state: &AppState, b: &BucketRow, now: i64) -> Result<usize, RetentionError> {
    state.store.retire_bucket(b.id, now).await?;
    state.caches.forget_bucket(&b.label);
    let mut moved = 0;
    for a in state.store.appeals_in_bucket(b.id).await? {
        if a.data_key.is_empty() {
            continue;
        }
        if key_destroyed(state, &a) {
            erase_keyless(state, &a, now).await?;
            continue;
        }
        if move_key(state, &a, &b.label, now).await? {
            moved += 1;
        }
    }
    if !state.store.appeals_in_bucket(b.id).await?.is_empty() {
        // Something was wrapped meanwhile; the next run finishes it.
        return Ok(moved);
    }
    let mut keep = Vec::new();
    for a in state.store.live_appeals_ever_in(b.id).await? {
        if a.data_key.is_empty() {
            continue;
        }
        let aad = key_aad(a.school_id, a.id);
        match state.keys.unwrap_data_key(&a.data_key, &aad) {
            Ok(dk) => keep.push((aad, dk)),
            Err(_) if key_destroyed(state, &a) => erase_keyless(state, &a, now).await?,
            // Never destroy a bucket whose live letters could not all be kept.
            Err(e) => return Err(e.into()),
        }
    }
    let kept = keep.len();
    let master = state.keys.master_for_rotation();
    state.keys.keyring.save_letter_keys(master, &keep)?;
    drop(keep);
    state.keys.keyring.mark_shredded(master, b.id)?;
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
                detail: &format!("{} (moved {moved}, kept {kept})", b.label),
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

/// Deletes the keyring entries of destroyed appeals (normally deleted by their purge at once;
/// this finishes an interrupted one). Returns how many there were.
pub async fn forget_destroyed_keys(state: &AppState) -> Result<usize, RetentionError> {
    let gone: Vec<Vec<u8>> = state
        .store
        .destroyed_appeals()
        .await?
        .into_iter()
        .map(|(school, id)| key_aad(school, id))
        .collect();
    Ok(state
        .keys
        .keyring
        .destroy_letter_keys(gone.iter().map(Vec::as_slice))?)
}

/// Brings a database restored from a backup in line with the keyring: every bucket it lists
/// as alive whose key the keyring no longer has because a purge destroyed it since is retired;
/// its live letters move to fresh buckets (their keys come from their own keyring entries),
/// and the letters destroyed since the backup was taken are erased (their keys exist nowhere).
/// Returns how many buckets it settled. Harmless on a database that needs nothing.
pub async fn settle(state: &AppState) -> Result<usize, RetentionError> {
    let now = state.clock.now_ts();
    let mut n = 0;
    for b in state.store.buckets().await? {
        if b.destroyed_at.is_none()
            && !state.keys.keyring.has_bucket(b.id)
            && state.keys.keyring.was_shredded(b.id)
        {
            shred_bucket(state, &b, now).await?;
            n += 1;
        }
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
        PurgeOutcome::Destroyed => {
            let aad = key_aad(school_id, appeal_id);
            state.keys.keyring.destroy_letter_keys([aad.as_slice()])?;
        }
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
    settle(state).await?;
    forget_destroyed_keys(state).await?;
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
    forget_destroyed_keys(state).await?;
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
