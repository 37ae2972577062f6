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
/// Wrong receipt codes from everyone together (a guessing botnet).
pub const FOLLOW_UP_FAILURES_ALL: Policy = Policy {
    max: 300,
    window_secs: 60,
    block_secs: 60,
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
/// Failed logins with a username that does not exist: counted like an account's (locked for a
/// quarter of an hour at the tenth), so the answers do not tell which usernames exist.
pub const LOGIN_FAILURES_UNKNOWN_USER: Policy = Policy {
    max: 9,
    window_secs: 24 * 3600,
    block_secs: 15 * 60,
};

#[derive(Debug, Clone, Copy)]
struct Entry {
    window_start: i64,
    count: u32,
    blocked_until: i64,
}

/// A keyed counter of events. `enabled = false` turns every check into a yes (benchmarks).
pub struct Limiter {
    salt: [u8; 32],
    enabled: bool,
    entries: Mutex<HashMap<[u8; 32], Entry>>,
}

/// The key everyone shares, for global limits.
pub const EVERYONE: [u8; 32] = [0; 32];

impl Limiter {
    pub fn new(enabled: bool) -> Limiter {
        Limiter {
            salt: rand::random(),
            enabled,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The key of a client address (or of "unknown" when there is none).
    pub fn key(&self, ip: Option<IpAddr>, scope: &str) -> [u8; 32] {
        let mut data = self.salt.to_vec();
        data.extend_from_slice(scope.as_bytes());
        data.push(0);
        data.extend_from_slice(ip.map(|i| i.to_string()).unwrap_or_default().as_bytes());
        trustbox_crypto::token_hash(&trustbox_crypto::to_hex(&data))
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
        map.get(key)
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
        if map.len() > 50_000 {
            map.retain(|_, e| e.blocked_until > now || now - e.window_start < 3600);
        }
        let e = map.entry(*key).or_insert(Entry {
            window_start: now,
            count: 0,
            blocked_until: 0,
        });
        if e.blocked_until > now {
            return Err(e.blocked_until - now);
        }
        if now - e.window_start >= p.window_secs {
            *e = Entry {
                window_start: now,
                count: 0,
                blocked_until: 0,
            };
        }
        e.count += 1;
        if e.count > p.max {
            e.blocked_until = now + p.block_secs;
            return Err(p.block_secs);
        }
        Ok(e.count)
    }
}
