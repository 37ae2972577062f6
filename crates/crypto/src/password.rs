//! Staff password hashing with argon2id.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;
use rand::rngs::OsRng;

use crate::error::CryptoError;

/// Argon2id cost parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordParams {
    /// Memory in KiB.
    pub m_cost_kib: u32,
    /// Passes over memory.
    pub t_cost: u32,
    /// Lanes.
    pub p_cost: u32,
}

/// The parameters of new hashes: OWASP's argon2id minimum (19 MiB, 2 passes, 1 lane).
pub const PASSWORD_PARAMS: PasswordParams = PasswordParams {
    m_cost_kib: 19_456,
    t_cost: 2,
    p_cost: 1,
};

/// A hash of a random, discarded password (a 32-byte token) made with [`PASSWORD_PARAMS`], for
/// [`dummy_verify`]. Nothing verifies against it.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$vkKtL0zGhqnuLFeyKRaoqw$d4T2TlNrN7+79nRuUTtvTSGjnCEZjvaRBsrocmRc8Qg";

fn hasher() -> Result<Argon2<'static>, CryptoError> {
    let p = PASSWORD_PARAMS;
    let params = Params::new(p.m_cost_kib, p.t_cost, p.p_cost, None)
        .map_err(|_| CryptoError::PasswordHash)?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes `password` with argon2id, [`PASSWORD_PARAMS`] and a random 16-byte salt; returns the
/// PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) to store.
pub fn hash_password(password: &str) -> Result<String, CryptoError> {
    let mut salt_bytes = [0u8; 16];
    OsRng.fill_bytes(&mut salt_bytes);
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|_| CryptoError::PasswordHash)?;
    let hash = hasher()?
        .hash_password(password.as_bytes(), &salt)
        .map_err(|_| CryptoError::PasswordHash)?;
    Ok(hash.to_string())
}

/// Whether `password` matches the stored PHC string `phc`, using the parameters recorded in it.
/// A malformed hash, or one that is not argon2id, is `false`.
pub fn verify_password(password: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    if parsed.algorithm != Algorithm::Argon2id.ident() {
        return false;
    }
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
}

/// Whether a stored hash should be replaced by a fresh [`hash_password`] at the next successful
/// login (malformed, not argon2id, or other parameters than [`PASSWORD_PARAMS`]).
pub fn password_needs_rehash(phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return true;
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return true;
    };
    parsed.algorithm != Algorithm::Argon2id.ident()
        || parsed.version != Some(Version::V0x13.into())
        || params.m_cost() != PASSWORD_PARAMS.m_cost_kib
        || params.t_cost() != PASSWORD_PARAMS.t_cost
        || params.p_cost() != PASSWORD_PARAMS.p_cost
}

/// Runs one full verification against a fixed hash and throws the result away, so a login with
/// an unknown user name costs as much time as one with a known name.
pub fn dummy_verify(password: &str) {
    let _ = verify_password(password, DUMMY_HASH);
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn hash_then_verify() {
        let phc = hash_password("correct horse battery staple").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify_password("correct horse battery staple", &phc));
        assert!(!verify_password("correct horse battery stapl", &phc));
        assert!(!verify_password("", &phc));
        assert!(!password_needs_rehash(&phc));
    }

    #[test]
    fn same_password_gets_different_salts() {
        let a = hash_password("same").unwrap();
        let b = hash_password("same").unwrap();
        assert_ne!(a, b);
        assert!(verify_password("same", &a) && verify_password("same", &b));
    }

    #[test]
    fn malformed_hash_is_false() {
        for phc in [
            "",
            "not a hash",
            "$argon2id$v=19$m=19456,t=2,p=1$",
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$",
            "$bcrypt$whatever",
            &DUMMY_HASH[..DUMMY_HASH.len() - 5],
        ] {
            assert!(!verify_password("password", phc), "{phc:?}");
            assert!(password_needs_rehash(phc), "{phc:?}");
        }
    }

    #[test]
    fn other_argon2_variants_are_refused() {
        let salt = SaltString::encode_b64(&[1u8; 16]).unwrap();
        let params = Params::new(8, 1, 1, None).unwrap();
        let weak = Argon2::new(Algorithm::Argon2i, Version::V0x13, params.clone())
            .hash_password(b"pw", &salt)
            .unwrap()
            .to_string();
        assert!(!verify_password("pw", &weak));
        assert!(password_needs_rehash(&weak));
        // The same with argon2id verifies (so the refusal above is about the variant), but
        // still wants a rehash because its parameters are weaker than ours.
        let weak_id = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password(b"pw", &salt)
            .unwrap()
            .to_string();
        assert!(verify_password("pw", &weak_id));
        assert!(password_needs_rehash(&weak_id));
    }

    #[test]
    fn dummy_hash_uses_current_parameters() {
        // If PASSWORD_PARAMS change, regenerate DUMMY_HASH, or unknown users become faster
        // to reject than known ones.
        assert!(!password_needs_rehash(DUMMY_HASH));
        assert!(!verify_password("", DUMMY_HASH));
        dummy_verify("anything");
    }
}
