//! Two-factor authentication: TOTP (RFC 6238 through the `totp-rs` crate: SHA-1, 6 digits,
//! 30-second steps, one step of tolerance either way), secrets sealed at rest under a purpose
//! key of the master key and bound to the user, each code accepted once (the last accepted step
//! is remembered), and ten one-time recovery codes kept only as HMACs under another purpose key.

use rand::Rng;
use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, TOTP};
use trustbox_crypto::aad;
use trustbox_store::StoreError;
use zeroize::Zeroizing;

use crate::AppState;

/// Seconds per TOTP step.
pub const STEP_SECS: i64 = 30;
/// Recovery codes made at enrolment.
pub const RECOVERY_CODES: usize = 10;
/// Characters of recovery codes: no 0/o, 1/l/i.
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
/// Wrong second-factor codes before a half-done login is thrown away.
pub const MAX_CODE_ATTEMPTS: i64 = 5;
/// How long the second step of a login may take.
pub const CHALLENGE_SECS: i64 = 10 * 60;
/// The pseudo-role of installation administrators in the "2FA required" setting.
pub const ADMIN_ROLE: &str = "admin";

fn secret_aad(user_id: i64) -> Vec<u8> {
    aad(&[b"totp-secret", user_id.to_string().as_bytes()])
}

/// A new random 160-bit secret (the size RFC 4226 recommends).
pub fn new_secret() -> Zeroizing<Vec<u8>> {
    let mut s = Zeroizing::new(vec![0u8; 20]);
    rand::thread_rng().fill(&mut s[..]);
    s
}

/// Seals a secret for `user_id`.
pub fn seal_secret(state: &AppState, user_id: i64, secret: &[u8]) -> Vec<u8> {
    state.keys.totp.seal(&secret_aad(user_id), secret)
}

/// Opens a secret sealed for `user_id`; `None` if it does not open (wrong user, wrong key).
pub fn open_secret(state: &AppState, user_id: i64, sealed: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    state
        .keys
        .totp
        .open(&secret_aad(user_id), sealed)
        .ok()
        .map(Zeroizing::new)
}

fn totp(secret: &[u8], username: &str) -> Option<TOTP> {
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        STEP_SECS as u64,
        secret.to_vec(),
        Some("Trustbox".into()),
        username.replace(':', "_"),
    )
    .ok()
}

/// The `otpauth://` address for authenticator apps (what the QR code holds).
pub fn otpauth_url(secret: &[u8], username: &str) -> String {
    totp(secret, username)
        .map(|t| t.get_url())
        .unwrap_or_default()
}

/// The secret as base32 in groups of four, for typing into an app by hand.
pub fn secret_text(secret: &[u8]) -> String {
    let b32 = totp(secret, "x")
        .map(|t| t.get_secret_base32())
        .unwrap_or_default();
    b32.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The step of `now`.
pub fn step_of(now: i64) -> i64 {
    now.div_euclid(STEP_SECS)
}

/// The code of a step (tests and the enrolment check use it).
pub fn code_at(secret: &[u8], step: i64) -> String {
    totp(secret, "x")
        .map(|t| t.generate((step.max(0) * STEP_SECS) as u64))
        .unwrap_or_default()
}

/// The step (now, one before or one after) whose code `typed` is, if any; compared in constant
/// time. Whether the step was used already is for the caller ([`accept_code`]).
pub fn matching_step(secret: &[u8], typed: &str, now: i64) -> Option<i64> {
    let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if typed.len() != 6 || !typed.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now_step = step_of(now);
    let mut found = None;
    for s in [now_step - 1, now_step, now_step + 1] {
        let c = code_at(secret, s);
        if bool::from(c.as_bytes().ct_eq(typed.as_bytes())) {
            found = Some(s);
        }
    }
    found
}

/// Whether `typed` is a fresh code of the user's confirmed secret: right, within a step of now,
/// and of a later step than any accepted before (then that step is remembered).
pub async fn accept_code(
    state: &AppState,
    user_id: i64,
    typed: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let st = state.store.totp_state(user_id).await?;
    let Some(secret) = st.secret.and_then(|s| open_secret(state, user_id, &s)) else {
        return Ok(false);
    };
    match matching_step(&secret, typed, now) {
        Some(step) => state.store.accept_totp_step(user_id, step).await,
        None => Ok(false),
    }
}

/// Ten new recovery codes (`abcde-fghjk`) and their hashes to store.
pub fn new_recovery_codes(state: &AppState, user_id: i64) -> (Vec<String>, Vec<[u8; 32]>) {
    let mut rng = rand::thread_rng();
    let codes: Vec<String> = (0..RECOVERY_CODES)
        .map(|_| {
            let raw: String = (0..10)
                .map(|_| RECOVERY_ALPHABET[rng.gen_range(0..RECOVERY_ALPHABET.len())] as char)
                .collect();
            format!("{}-{}", &raw[..5], &raw[5..])
        })
        .collect();
    let hashes = codes
        .iter()
        .map(|c| recovery_hash(state, user_id, c))
        .collect();
    (codes, hashes)
}

/// Whether `typed` looks like a recovery code rather than a six-digit TOTP code.
pub fn looks_like_recovery(typed: &str) -> bool {
    normalize_recovery(typed).len() == 10
}

fn normalize_recovery(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The stored form of a recovery code of `user_id`: HMAC under the recovery key, bound to the
/// user, of the code without dashes, blanks or capitals.
pub fn recovery_hash(state: &AppState, user_id: i64, code: &str) -> [u8; 32] {
    let mut data = format!("recovery:{user_id}:").into_bytes();
    data.extend_from_slice(normalize_recovery(code).as_bytes());
    state.keys.recovery.mac(&data)
}

/// Spends a recovery code of the user: `true` once per code.
pub async fn accept_recovery(
    state: &AppState,
    user_id: i64,
    typed: &str,
    now: i64,
) -> Result<bool, StoreError> {
    if !looks_like_recovery(typed) {
        return Ok(false);
    }
    state
        .store
        .use_recovery_code(user_id, &recovery_hash(state, user_id, typed), now)
        .await
}

/// Whether any of the user's roles (or being an administrator) requires two-factor.
pub async fn required_for(
    state: &AppState,
    user: &trustbox_store::User,
) -> Result<bool, StoreError> {
    let roles = state.store.mfa_required_roles().await?;
    if roles.is_empty() {
        return Ok(false);
    }
    if user.is_admin && roles.iter().any(|r| r == ADMIN_ROLE) {
        return Ok(true);
    }
    let grants = state.store.grants_of(user.id).await?;
    Ok(grants.iter().any(|g| roles.contains(&g.role)))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_sha1_vector() {
        // RFC 6238 appendix B, SHA-1, T = 59 s: 94287082 (8 digits); the 6-digit code is the
        // last six digits.
        let secret = b"12345678901234567890";
        assert_eq!(code_at(secret, 59 / 30), "287082");
        assert_eq!(code_at(secret, 1111111109 / 30), "081804");
    }

    #[test]
    fn tolerance_is_one_step_either_way() {
        let secret = b"12345678901234567890";
        let now = 1_000_000_000;
        let s = step_of(now);
        for d in [-1, 0, 1] {
            assert_eq!(
                matching_step(secret, &code_at(secret, s + d), now),
                Some(s + d)
            );
        }
        for d in [-3, -2, 2, 3] {
            assert_eq!(
                matching_step(secret, &code_at(secret, s + d), now),
                None,
                "{d}"
            );
        }
        assert_eq!(matching_step(secret, "12345", now), None);
        assert_eq!(matching_step(secret, "abcdef", now), None);
        let spaced = code_at(secret, s);
        let spaced = format!("{} {}", &spaced[..3], &spaced[3..]);
        assert_eq!(matching_step(secret, &spaced, now), Some(s));
    }

    #[test]
    fn recovery_codes_look_right() {
        assert!(looks_like_recovery("abcde-fghjk"));
        assert!(looks_like_recovery(" ABCDE FGHJK "));
        assert!(!looks_like_recovery("123456"));
        assert_eq!(normalize_recovery("AbCdE-fGhJk"), "abcdefghjk");
    }
}
