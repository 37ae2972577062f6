//! Hash chains for the audit log and the registration journal.

use sha2::{Digest, Sha256};

/// The `prev` of the first entry of a chain.
pub const CHAIN_GENESIS: [u8; 32] = [0; 32];

const CHAIN_TAG: &[u8] = b"trustbox chain v1";

/// The hash of a chain entry:
/// SHA-256(`"trustbox chain v1"` ‖ `prev` ‖ len(`entry`) as 8 bytes big-endian ‖ `entry`).
/// Changing, removing or reordering any earlier entry changes every later hash.
pub fn chain_hash(prev: &[u8; 32], entry: &[u8]) -> [u8; 32] {
    Sha256::new()
        .chain_update(CHAIN_TAG)
        .chain_update(prev)
        .chain_update((entry.len() as u64).to_be_bytes())
        .chain_update(entry)
        .finalize()
        .into()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn changes_when_prev_or_entry_changes() {
        let h = chain_hash(&CHAIN_GENESIS, b"entry 1");
        assert_eq!(h, chain_hash(&CHAIN_GENESIS, b"entry 1"));
        assert_ne!(h, chain_hash(&CHAIN_GENESIS, b"entry 2"));
        assert_ne!(h, chain_hash(&CHAIN_GENESIS, b""));
        let mut prev = CHAIN_GENESIS;
        prev[31] = 1;
        assert_ne!(h, chain_hash(&prev, b"entry 1"));
        assert_ne!(h, CHAIN_GENESIS);
    }

    #[test]
    fn a_changed_entry_changes_all_later_hashes() {
        let entries: [&[u8]; 3] = [b"a", b"b", b"c"];
        let run = |es: &[&[u8]]| {
            es.iter()
                .scan(CHAIN_GENESIS, |prev, e| {
                    *prev = chain_hash(prev, e);
                    Some(*prev)
                })
                .collect::<Vec<_>>()
        };
        let good = run(&entries);
        let bad = run(&[b"a", b"B", b"c"]);
        assert_eq!(good[0], bad[0]);
        assert_ne!(good[1], bad[1]);
        assert_ne!(good[2], bad[2]);
    }

    #[test]
    fn matches_the_documented_construction() {
        let mut input = b"trustbox chain v1".to_vec();
        input.extend_from_slice(&[7u8; 32]);
        input.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 3]);
        input.extend_from_slice(b"xyz");
        let expected: [u8; 32] = Sha256::digest(&input).into();
        assert_eq!(chain_hash(&[7u8; 32], b"xyz"), expected);
    }
}
