//! In-memory rate limits for the public side (intake, follow-up guesses) and nothing persisted:
//! clients are keyed by a salted hash of their address, the salt is new at every start, and the
//! table lives only in memory — no IP address is ever written anywhere.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

/// How many events a key may have in a window, and how long it is refused after that.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub max: u32,
    pub window_secs: i64,
    pub block_secs: i64,
}

/// Wrong receipt codes: five in a quarter of an hour, then a quarter of an hour's pause.
pub const FOLLOW_UP_FAILURES: Policy = Policy {
    max: 5,
    window_secs: 15 * 60,
    block_secs: 15 * 60,
};
/// Submissions: a whole class may write from one school network, so generous.
pub const SUBMISSIONS: Policy = Policy {
    max: 30,
    window_secs: 10 * 60,
    block_secs: 10 * 60,
};

/// Failed logins (wrong password or wrong second-factor code) from one address: a school's
/// whole network may share one, so more than one account's worth, then a quarter of an hour.
pub const LOGIN_FAILURES_PER_SOURCE: Policy = Policy {
    max: 30,
    window_secs: 15 * 60,
    block_secs: 15 * 60,
};
/// Failed logins of one account from one source (a username that does not exist is counted the
/// same way, so the answers do not tell which usernames exist): the tenth locks that account for
/// that source only, for a quarter of an hour, and every further lock-out doubles the wait (up to
/// a day). Someone else's wrong passwords never lock the real user out.
pub const LOGIN_FAILURES_ACCOUNT: Growing = Growing {
    max: 9,
    window_secs: 24 * 3600,
    first_block_secs: 15 * 60,
    longest_block_secs: 24 * 3600,
};

/// Like [`Policy`], but each block after the first lasts twice as long as the one before.
#[derive(Debug, Clone, Copy)]
pub struct Growing {
    pub max: u32,
    pub window_secs: i64,
    pub first_block_secs: i64,
    pub longest_block_secs: i64,
}

/// Most keys the table holds; newcomers beyond that share one key (so a flood of sources cannot
/// grow memory without bound, and is throttled together).
const MAX_ENTRIES: usize = 200_000;
/// The key newcomers share when the table is full.
const OVERFLOW: [u8; 32] = [0xff; 32];

#[derive(Debug, Clone, Copy)]
struct Entry {
    window_start: i64,
    count: u32,
    blocked_until: i64,
    /// How many blocks this key had (for [`Growing`] policies).
    strikes: u32,
}

/// A keyed counter of events. `enabled = false` turns every check into a yes (benchmarks).
pub struct Limiter {
    salt: [u8; 32],
    enabled: bool,
    entries: Mutex<Table>,
}

/// The counters, and the size at which old ones are next swept out.
#[derive(Default)]
struct Table {
    map: HashMap<[u8; 32], Entry>,
    sweep_at: usize,
}

impl Limiter {
    pub fn new(enabled: bool) -> Limiter {
        Limiter {
            salt: rand::random(),
            enabled,
            entries: Mutex::new(Table {
                map: HashMap::new(),
                sweep_at: 50_000,
            }),
        }
    }

    /// The key of a client address (or of "unknown" when there is none): IPv6 by its /64.
    pub fn key(&self, ip: Option<IpAddr>, scope: &str) -> [u8; 32] {
        let mut data = self.salt.to_vec();
        data.extend_from_slice(scope.as_bytes());
        data.push(0);
        data.extend_from_slice(
            ip.map(|i| crate::client::source_of(i).to_string())
                .unwrap_or_default()
                .as_bytes(),
        );
        trustbox_crypto::token_hash(&trustbox_crypto::to_hex(&data))
    }

    /// The key of a value seen from a client address (an account from one source).
    pub fn key_from(&self, scope: &str, value: &str, ip: Option<IpAddr>) -> [u8; 32] {
        let source = self.key(ip, scope);
        self.key_of(
            scope,
            &format!("{value}\0{}", trustbox_crypto::to_hex(&source)),
        )
    }

    /// The key of any other value (e.g. a username that does not exist), salted the same way.
    pub fn key_of(&self, scope: &str, value: &str) -> [u8; 32] {
        let mut data = self.salt.to_vec();
        data.extend_from_slice(scope.as_bytes());
        data.push(0);
        data.extend_from_slice(value.as_bytes());
        trustbox_crypto::token_hash(&trustbox_crypto::to_hex(&data))
    }

    /// Seconds until `key` may try again, if it is refused now.
    pub fn blocked(&self, key: &[u8; 32], now: i64) -> Option<i64> {
        if !self.enabled {
            return None;
        }
        let map = self.entries.lock().ok()?;
        map.map
            .get(key)
            .filter(|e| e.blocked_until > now)
            .map(|e| e.blocked_until - now)
    }

    /// Counts one event; returns the count in the window, or the seconds to wait when the
    /// policy's maximum is passed.
    pub fn hit(&self, key: &[u8; 32], now: i64, p: Policy) -> Result<u32, i64> {
        if !self.enabled {
            return Ok(0);
        }
        let Ok(mut map) = self.entries.lock() else {
            return Ok(0);
        };
        let e = entry(&mut map, key, now);
        if e.blocked_until > now {
            return Err(e.blocked_until - now);
        }
        if now - e.window_start >= p.window_secs {
            *e = fresh(now);
        }
        e.count += 1;
        if e.count > p.max {
            e.blocked_until = now + p.block_secs;
            return Err(p.block_secs);
        }
        Ok(e.count)
    }

    /// Counts one event under a [`Growing`] policy: past the maximum the key is blocked, each
    /// block twice as long as the one before; the count starts again after each block.
    pub fn hit_growing(&self, key: &[u8; 32], now: i64, p: Growing) -> Result<u32, i64> {
        if !self.enabled {
            return Ok(0);
        }
        let Ok(mut map) = self.entries.lock() else {
            return Ok(0);
        };
        let e = entry(&mut map, key, now);
        if e.blocked_until > now {
            return Err(e.blocked_until - now);
        }
        if now - e.window_start >= p.window_secs {
            *e = fresh(now);
        }
        e.count += 1;
        if e.count > p.max {
            let wait = p
                .first_block_secs
                .saturating_mul(1_i64.checked_shl(e.strikes.min(30)).unwrap_or(i64::MAX))
                .min(p.longest_block_secs);
            e.strikes += 1;
            e.count = 0;
            e.window_start = now;
            e.blocked_until = now + wait;
            return Err(wait);
        }
        Ok(e.count)
    }

    /// Forgets a key (an account's failures from a source, after a successful login).
    pub fn forget(&self, key: &[u8; 32]) {
        if let Ok(mut map) = self.entries.lock() {
            map.map.remove(key);
        }
    }
}

fn fresh(now: i64) -> Entry {
    Entry {
        window_start: now,
        count: 0,
        blocked_until: 0,
        strikes: 0,
    }
}

/// The entry of `key`, made when missing; old entries are swept when the table grows, and past
/// [`MAX_ENTRIES`] newcomers share one entry.
fn entry<'m>(table: &'m mut Table, key: &[u8; 32], now: i64) -> &'m mut Entry {
    if table.map.len() >= table.sweep_at {
        table
            .map
            .retain(|_, e| e.blocked_until > now || now - e.window_start < 24 * 3600);
        table.sweep_at = (table.map.len() * 2).max(50_000);
    }
    let map = &mut table.map;
    let key = if map.len() >= MAX_ENTRIES && !map.contains_key(key) {
        &OVERFLOW
    } else {
        key
    };
    map.entry(*key).or_insert_with(|| fresh(now))
}
