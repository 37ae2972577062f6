//! Password hashing behind a gate: argon2 takes 19 MiB and tens of milliseconds a hash, so only
//! a few run at once ([`HASH_PERMITS`]), a short queue waits behind them, and everything past
//! that is refused at once (503 with `Retry-After`) instead of taking the server's memory. One
//! source may have only [`PER_SOURCE`] logins in flight; its next ones are refused (429) before
//! anything is hashed.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use tokio::sync::Semaphore;

/// Hashes that run at the same time.
pub const HASH_PERMITS: usize = 2;
/// Hashes that may wait for a permit; more are refused.
pub const QUEUE: usize = 16;
/// Logins one source may have in flight.
pub const PER_SOURCE: u32 = 3;

/// The hashing is full: try again in a moment.
#[derive(Debug)]
pub struct Busy;

pub struct HashGate {
    permits: Semaphore,
    waiting: AtomicUsize,
    started: AtomicU64,
    in_flight: Mutex<HashMap<[u8; 32], u32>>,
}

impl Default for HashGate {
    fn default() -> Self {
        HashGate {
            permits: Semaphore::new(HASH_PERMITS),
            waiting: AtomicUsize::new(0),
            started: AtomicU64::new(0),
            in_flight: Mutex::new(HashMap::new()),
        }
    }
}

/// A source's place among its logins in flight; given back when dropped.
pub struct SourceGuard<'a> {
    gate: &'a HashGate,
    key: [u8; 32],
}

impl Drop for SourceGuard<'_> {
    fn drop(&mut self) {
        if let Ok(mut m) = self.gate.in_flight.lock()
            && let Some(n) = m.get_mut(&self.key)
        {
            *n = n.saturating_sub(1);
            if *n == 0 {
                m.remove(&self.key);
            }
        }
    }
}

struct Waiting<'a>(&'a AtomicUsize);
impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl HashGate {
    /// A place for one more login of `source` (a rate-limit key), or `None` when it has
    /// [`PER_SOURCE`] in flight already.
    pub fn enter(&self, source: [u8; 32]) -> Option<SourceGuard<'_>> {
        let mut m = self.in_flight.lock().ok()?;
        let n = m.entry(source).or_insert(0);
        if *n >= PER_SOURCE {
            return None;
        }
        *n += 1;
        Some(SourceGuard {
            gate: self,
            key: source,
        })
    }

    /// Runs `f` (a password hash or check) on the blocking pool once a permit is free; refused
    /// at once when [`QUEUE`] others already wait.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Busy> {
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= HASH_PERMITS + QUEUE {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(Busy);
        }
        let _waiting = Waiting(&self.waiting);
        let _permit = self.permits.acquire().await.map_err(|_| Busy)?;
        self.started.fetch_add(1, Ordering::SeqCst);
        tokio::task::spawn_blocking(f).await.map_err(|_| Busy)
    }

    /// How many hashes were started since the server started (tests watch it).
    pub fn started(&self) -> u64 {
        self.started.load(Ordering::SeqCst)
    }
}
