//! Random bearer tokens and hex output.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::keys::random_key;

/// 32 random bytes as URL-safe base64 without padding (43 characters): session ids, setup
/// links, API tokens, CSRF nonces. Store only [`token_hash`] of it.
pub fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(random_key())
}

/// SHA-256 of the token's bytes: what the database keeps instead of the token. (Tokens carry
/// 256 bits of entropy, so a plain hash is enough; no salt or slow hash needed.)
pub fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Lower-case hex of `b`.
pub fn to_hex(b: &[u8]) -> String {
    hex::encode(b)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_43_url_safe_chars_and_differ() {
        let a = random_token();
        let b = random_token();
        assert_eq!(a.len(), 43);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        );
        assert_ne!(a, b);
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).unwrap().len(), 32);
    }

    #[test]
    fn token_hash_is_sha256() {
        assert_eq!(
            to_hex(&token_hash("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_ne!(token_hash("abc"), token_hash("abd"));
    }

    #[test]
    fn hex_is_lower_case() {
        assert_eq!(to_hex(&[0x00, 0xab, 0xff]), "00abff");
        assert_eq!(to_hex(&[]), "");
    }
}
