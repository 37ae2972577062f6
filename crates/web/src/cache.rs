//! Small in-memory caches for what every submission reads and rarely changes: a school's
//! settings and working-day calendar, the id of the month's keyring bucket, and (in
//! [`crate::Keys`]) bucket keys. Each entry lives a few seconds at most, so a change made by
//! another instance on the same database is seen within that time; a change made through this
//! instance is seen at once (the handlers that make it call `forget_*`).
//!
//! None of them can make a registration wrong: the bucket's liveness is checked again inside
//! the registering transaction (a retired bucket fails it with a conflict, and intake retries
//! with a fresh one), and a school's settings are what they were a few seconds earlier.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use trustbox_domain::Calendar;
use trustbox_store::{SchoolSettings, StoreError, Unit};

use crate::AppState;

/// How long a school's settings and calendar are reused.
pub const SCHOOL_TTL: Duration = Duration::from_secs(5);
/// How long the id of a label's live bucket is reused.
pub const BUCKET_ID_TTL: Duration = Duration::from_secs(30);
/// How long a unit (found by its short name) is reused. Units are never changed once made.
pub const UNIT_TTL: Duration = Duration::from_secs(60);
/// How long an opened bucket key stays in memory.
pub const BUCKET_KEY_TTL: Duration = Duration::from_secs(30);
/// More entries than this and the expired ones are swept on the next insert.
const SWEEP_AT: usize = 4096;

/// A map whose entries expire `ttl` after they were put.
pub struct TtlMap<K, V> {
    ttl: Duration,
    map: Mutex<HashMap<K, (Instant, V)>>,
}

impl<K: Eq + Hash, V: Clone> TtlMap<K, V> {
    pub fn new(ttl: Duration) -> Self {
        TtlMap {
            ttl,
            map: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, (Instant, V)>> {
        // A panic while holding the lock leaves nothing half-written: keep going.
        self.map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The value, if it was put less than the TTL ago.
    pub fn get(&self, k: &K) -> Option<V> {
        let mut m = self.lock();
        match m.get(k) {
            Some((at, v)) if at.elapsed() < self.ttl => Some(v.clone()),
            Some(_) => {
                m.remove(k);
                None
            }
            None => None,
        }
    }

    pub fn put(&self, k: K, v: V) {
        let mut m = self.lock();
        if m.len() >= SWEEP_AT {
            let ttl = self.ttl;
            m.retain(|_, (at, _)| at.elapsed() < ttl);
        }
        m.insert(k, (Instant::now(), v));
    }

    pub fn remove(&self, k: &K) {
        self.lock().remove(k);
    }

    pub fn clear(&self) {
        self.lock().clear();
    }
}

/// A school's settings and calendar as intake and case work use them.
#[derive(Debug)]
pub struct SchoolConfig {
    pub settings: SchoolSettings,
    pub calendar: Calendar,
}

/// The caches of one [`crate::AppState`].
pub struct Caches {
    pub units: TtlMap<String, Unit>,
    pub schools: TtlMap<i64, Arc<SchoolConfig>>,
    pub buckets: TtlMap<String, i64>,
}

impl Default for Caches {
    fn default() -> Self {
        Caches {
            units: TtlMap::new(UNIT_TTL),
            schools: TtlMap::new(SCHOOL_TTL),
            buckets: TtlMap::new(BUCKET_ID_TTL),
        }
    }
}

impl Caches {
    /// After a change of a school's settings or calendar.
    pub fn forget_school(&self, school_id: i64) {
        self.schools.remove(&school_id);
    }

    /// After the live bucket of `label` was retired (or a registration found it retired).
    pub fn forget_bucket(&self, label: &str) {
        self.buckets.remove(&label.to_string());
    }
}

/// The unit with this short name (every public page and submission starts with it). An unknown
/// name is not remembered: the unit may be created the next moment.
pub async fn unit_by_slug(state: &AppState, slug: &str) -> Result<Unit, StoreError> {
    if let Some(u) = state.caches.units.get(&slug.to_string()) {
        return Ok(u);
    }
    let u = state.store.unit_by_slug(slug).await?;
    state.caches.units.put(slug.to_string(), u.clone());
    Ok(u)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_and_can_be_forgotten() {
        let m: TtlMap<i64, &str> = TtlMap::new(Duration::from_millis(50));
        m.put(1, "a");
        m.put(2, "b");
        assert_eq!(m.get(&1), Some("a"));
        m.remove(&1);
        assert_eq!(m.get(&1), None);
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(m.get(&2), None, "expired");
        m.put(2, "c");
        assert_eq!(m.get(&2), Some("c"));
        m.clear();
        assert_eq!(m.get(&2), None);
    }

    #[test]
    fn a_full_map_sweeps_expired_entries() {
        let m: TtlMap<usize, usize> = TtlMap::new(Duration::from_millis(1));
        for i in 0..SWEEP_AT {
            m.put(i, i);
        }
        std::thread::sleep(Duration::from_millis(5));
        m.put(SWEEP_AT, 0);
        assert_eq!(m.lock().len(), 1);
    }
}
