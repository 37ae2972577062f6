//! Per-appeal data keys and authenticated field encryption (XChaCha20-Poly1305).

use std::fmt;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use rand::RngCore;
use rand::rngs::OsRng;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::CryptoError;
use crate::keys::{KEY_LEN, KeyEncryptionKey, random_key};

/// First byte of every sealed or wrapped value: the format version.
const FORMAT_V1: u8 = 1;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const HEADER_LEN: usize = 1 + NONCE_LEN;

/// A random 32-byte key for one appeal. It seals that appeal's personal-data fields and is
/// itself stored only wrapped by a [`KeyEncryptionKey`]. Forgetting every wrapped copy destroys
/// the case. Zeroized on drop; `Debug` prints `DataKey(<redacted>)`.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct DataKey {
    bytes: [u8; KEY_LEN],
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}

impl DataKey {
    /// A key from derived bytes (purpose keys of the master key).
    pub(crate) fn from_bytes(bytes: [u8; KEY_LEN]) -> DataKey {
        DataKey { bytes }
    }

    /// The raw key bytes (for the keyring's per-letter entries only).
    pub(crate) fn bytes(&self) -> &[u8; KEY_LEN] {
        &self.bytes
    }

    /// A new random data key from the operating system's generator.
    pub fn generate() -> DataKey {
        DataKey {
            bytes: random_key(),
        }
    }

    /// A fixed, publicly known key with every byte equal to `byte`. **For tests only**.
    pub fn for_tests(byte: u8) -> DataKey {
        DataKey {
            bytes: [byte; KEY_LEN],
        }
    }

    /// Encrypts this key under `kek`, bound to `aad` (build it with [`aad`], naming the school
    /// and appeal). Output: version byte `1` ‖ 24-byte random nonce ‖ ciphertext with tag.
    pub fn wrap<K: KeyEncryptionKey + ?Sized>(&self, kek: &K, aad: &[u8]) -> Vec<u8> {
        seal_with(&kek.wrapping_key(), aad, &self.bytes)
    }

    /// Decrypts a key produced by [`DataKey::wrap`] with the same `kek` and `aad`. Any mismatch
    /// or alteration gives [`CryptoError::Decrypt`].
    pub fn unwrap<K: KeyEncryptionKey + ?Sized>(
        kek: &K,
        wrapped: &[u8],
        aad: &[u8],
    ) -> Result<DataKey, CryptoError> {
        let plain = Zeroizing::new(open_with(&kek.wrapping_key(), aad, wrapped)?);
        let bytes: [u8; KEY_LEN] = plain
            .as_slice()
            .try_into()
            .map_err(|_| CryptoError::Decrypt)?;
        Ok(DataKey { bytes })
    }

    /// Encrypts `plaintext` bound to `aad` (build it with [`aad`], naming school, appeal and
    /// field). Output: version byte `1` ‖ 24-byte random nonce ‖ ciphertext with 16-byte tag.
    ///
    /// # Panics
    /// Only if `plaintext` is larger than 256 GiB, the XChaCha20 limit.
    pub fn seal(&self, aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
        seal_with(&self.bytes, aad, plaintext)
    }

    /// Decrypts a value produced by [`DataKey::seal`] with the same key and `aad`. A wrong key,
    /// a different `aad`, or any changed, added or missing byte gives [`CryptoError::Decrypt`].
    pub fn open(&self, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
        open_with(&self.bytes, aad, sealed)
    }

    /// Like [`DataKey::open`], for text fields. Plaintext that is not UTF-8 also gives
    /// [`CryptoError::Decrypt`].
    pub fn open_string(&self, aad: &[u8], sealed: &[u8]) -> Result<String, CryptoError> {
        String::from_utf8(self.open(aad, sealed)?).map_err(|e| {
            e.into_bytes().zeroize();
            CryptoError::Decrypt
        })
    }
}

/// Associated data for [`DataKey::seal`] / [`DataKey::wrap`]: each part as an 8-byte big-endian
/// length followed by its bytes, so no two different lists of parts encode the same way
/// (`["ab", "c"]` ≠ `["a", "bc"]`).
///
/// Use a fixed shape per purpose, for example
/// `aad(&[b"appeal", school_id, appeal_id, b"text"])`, so a ciphertext moved to another school,
/// appeal or field fails to open.
pub fn aad(parts: &[&[u8]]) -> Vec<u8> {
    let len = parts.iter().map(|p| 8 + p.len()).sum();
    let mut out = Vec::with_capacity(len);
    for part in parts {
        out.extend_from_slice(&(part.len() as u64).to_be_bytes());
        out.extend_from_slice(part);
    }
    out
}

/// The AEAD's associated data: the format version byte, then the caller's `aad`, so the header
/// is authenticated too.
fn full_aad(aad: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + aad.len());
    out.push(FORMAT_V1);
    out.extend_from_slice(aad);
    out
}

#[expect(
    clippy::expect_used,
    reason = "XChaCha20-Poly1305 encryption fails only above 256 GiB of plaintext"
)]
pub(crate) fn seal_with(key: &[u8; KEY_LEN], aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
    let cipher = XChaCha20Poly1305::new(Key::from_slice(key));
    let mut nonce = [0u8; NONCE_LEN];
    OsRng.fill_bytes(&mut nonce);
    let ciphertext = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad: &full_aad(aad),
            },
        )
        .expect("plaintext within the XChaCha20-Poly1305 length limit");
    let mut out = Vec::with_capacity(HEADER_LEN + ciphertext.len());
    out.push(FORMAT_V1);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ciphertext);
    out
}

pub(crate) fn open_with(
    key: &[u8; KEY_LEN],
    aad: &[u8],
    sealed: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    if sealed.len() < HEADER_LEN + TAG_LEN || sealed[0] != FORMAT_V1 {
        return Err(CryptoError::Decrypt);
    }
    let (nonce, ciphertext) = sealed[1..].split_at(NONCE_LEN);
    XChaCha20Poly1305::new(Key::from_slice(key))
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad: &full_aad(aad),
            },
        )
        .map_err(|_| CryptoError::Decrypt)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::MasterKey;
    use crate::test_support::secret_forms;

    fn field_aad(appeal: &[u8], field: &[u8]) -> Vec<u8> {
        aad(&[b"appeal", b"school-1", appeal, field])
    }

    #[test]
    fn seal_open_round_trip() {
        let k = DataKey::generate();
        let a = field_aad(b"appeal-1", b"text");
        for plain in [&b""[..], b"x", "Мени урушат. Мен коркуп жатам.".as_bytes()]
        {
            let sealed = k.seal(&a, plain);
            assert_eq!(sealed[0], 1);
            assert_eq!(sealed.len(), 1 + 24 + plain.len() + 16);
            assert_eq!(k.open(&a, &sealed).unwrap(), plain);
        }
        let s = k.seal(&a, "Менин атым Айгүл".as_bytes());
        assert_eq!(k.open_string(&a, &s).unwrap(), "Менин атым Айгүл");
    }

    #[test]
    fn ciphertext_hides_plaintext_and_uses_fresh_nonces() {
        let k = DataKey::for_tests(1);
        let a = field_aad(b"appeal-1", b"text");
        let plain = b"a very recognisable plaintext string";
        let s1 = k.seal(&a, plain);
        let s2 = k.seal(&a, plain);
        assert_ne!(s1, s2);
        assert_ne!(s1[1..25], s2[1..25]);
        assert!(!s1.windows(plain.len()).any(|w| w == plain));
    }

    #[test]
    fn open_with_wrong_aad_fails() {
        let k = DataKey::generate();
        let sealed = k.seal(&field_aad(b"appeal-1", b"text"), b"secret");
        for wrong in [
            field_aad(b"appeal-2", b"text"),
            field_aad(b"appeal-1", b"contact"),
            aad(&[b"appeal", b"school-2", b"appeal-1", b"text"]),
            Vec::new(),
        ] {
            assert!(matches!(k.open(&wrong, &sealed), Err(CryptoError::Decrypt)));
        }
    }

    #[test]
    fn open_with_wrong_key_fails() {
        let a = field_aad(b"appeal-1", b"text");
        let sealed = DataKey::generate().seal(&a, b"secret");
        assert!(matches!(
            DataKey::generate().open(&a, &sealed),
            Err(CryptoError::Decrypt)
        ));
    }

    #[test]
    fn any_flipped_byte_fails() {
        let k = DataKey::generate();
        let a = field_aad(b"appeal-1", b"text");
        let sealed = k.seal(&a, b"secret text");
        for i in 0..sealed.len() {
            let mut t = sealed.clone();
            t[i] ^= 0x01;
            assert!(
                matches!(k.open(&a, &t), Err(CryptoError::Decrypt)),
                "byte {i}"
            );
        }
    }

    #[test]
    fn truncated_or_extended_ciphertext_fails() {
        let k = DataKey::generate();
        let a = field_aad(b"appeal-1", b"text");
        let sealed = k.seal(&a, b"secret text");
        for n in 0..sealed.len() {
            assert!(k.open(&a, &sealed[..n]).is_err(), "prefix {n}");
        }
        let mut longer = sealed.clone();
        longer.push(0);
        assert!(k.open(&a, &longer).is_err());
        assert!(k.open(&a, &sealed).is_ok());
    }

    #[test]
    fn open_string_rejects_non_utf8() {
        let k = DataKey::generate();
        let a = field_aad(b"appeal-1", b"text");
        let sealed = k.seal(&a, &[0xff, 0xfe]);
        assert!(matches!(
            k.open_string(&a, &sealed),
            Err(CryptoError::Decrypt)
        ));
    }

    #[test]
    fn wrap_unwrap_round_trip_and_wrong_master_fails() {
        let master = MasterKey::for_tests(7);
        let dk = DataKey::generate();
        let a = aad(&[b"appeal-key", b"school-1", b"appeal-1"]);
        let wrapped = dk.wrap(&master, &a);
        assert_eq!(wrapped.len(), 1 + 24 + 32 + 16);
        let back = DataKey::unwrap(&master, &wrapped, &a).unwrap();
        assert_eq!(back.bytes, dk.bytes);

        assert!(matches!(
            DataKey::unwrap(&MasterKey::for_tests(8), &wrapped, &a),
            Err(CryptoError::Decrypt)
        ));
        assert!(matches!(
            DataKey::unwrap(&MasterKey::generate(), &wrapped, &a),
            Err(CryptoError::Decrypt)
        ));
        let other = aad(&[b"appeal-key", b"school-1", b"appeal-2"]);
        assert!(matches!(
            DataKey::unwrap(&master, &wrapped, &other),
            Err(CryptoError::Decrypt)
        ));
        // The master key is not used directly as the wrapping key.
        assert!(DataKey { bytes: [7; 32] }.open(&a, &wrapped).is_err());
        // A wrapped key is not openable as a sealed field under the data key either.
        assert!(dk.open(&a, &wrapped).is_err());
    }

    #[test]
    fn unwrap_refuses_a_sealed_value_of_wrong_length() {
        // Something sealed under the wrapping key that is not 32 bytes is not a data key.
        let master = MasterKey::for_tests(7);
        let wk = crate::keys::sealed::Sealed::wrapping_key(&master);
        let a = aad(&[b"x"]);
        let bogus = seal_with(&wk, &a, &[1u8; 31]);
        assert!(matches!(
            DataKey::unwrap(&master, &bogus, &a),
            Err(CryptoError::Decrypt)
        ));
        let good = seal_with(&wk, &a, &[1u8; 32]);
        assert!(DataKey::unwrap(&master, &good, &a).is_ok());
    }

    #[test]
    fn aad_encoding_is_unambiguous() {
        assert_ne!(aad(&[b"ab", b"c"]), aad(&[b"a", b"bc"]));
        assert_ne!(aad(&[b"abc"]), aad(&[b"abc", b""]));
        assert_ne!(aad(&[]), aad(&[b""]));
        assert_eq!(
            aad(&[b"ab", b""]),
            [&[0, 0, 0, 0, 0, 0, 0, 2][..], b"ab", &[0; 8]].concat()
        );
    }

    #[test]
    fn debug_of_data_key_is_redacted() {
        for dk in [DataKey::generate(), DataKey::for_tests(0x5c)] {
            let dbg = format!("{dk:?}");
            assert_eq!(dbg, "DataKey(<redacted>)");
            for form in secret_forms(&dk.bytes) {
                assert!(!dbg.contains(&form));
            }
        }
    }

    #[test]
    fn decrypt_error_says_nothing_about_the_data() {
        let msg = CryptoError::Decrypt.to_string();
        assert!(msg.starts_with("decryption failed"));
    }
}
