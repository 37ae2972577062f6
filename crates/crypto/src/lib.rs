//! Cryptography of Trustbox: master key, per-appeal data keys, field encryption, receipt codes,
//! password hashing, tokens and hash chains — all built from RustCrypto primitives, nothing
//! hand-rolled. The key hierarchy: one 32-byte **master key** lives in a file next to the data
//! (mode 0600, never in the database or its backups); HKDF-SHA256 derives named subkeys from it
//! (the receipt-code **pepper**, the web **session key** for CSRF tokens, a key fingerprint for
//! logs, and an internal wrapping key); the master key **wraps** a random **data key** per appeal
//! (XChaCha20-Poly1305), and each data key **seals** that appeal's personal-data fields with
//! associated data built by [`aad`] that binds the school, the appeal and the field, so a
//! ciphertext copied to another appeal or field does not open. Destroying a data key destroys the
//! case. Wrapping goes through the sealed [`KeyEncryptionKey`] trait, implemented by the master
//! key (installations from before the keyring) and by [`BucketKey`]: random keys kept in the
//! [`Keyring`] folder outside the database and its backups, each encrypted there under the master
//! key. A data key is wrapped by the bucket of its creation month, then of its expiry day;
//! deleting a bucket from the keyring (crypto-shredding) makes every data key it wrapped
//! unrecoverable, also from database backups — except those of live letters, which get an entry
//! of their own in the keyring first (see [`Keyring`]: backups and destruction both hold). The pepper and session key come from a
//! [`DerivationRoot`] kept in the keyring, so rotating the master key changes neither. Secret types zeroize on drop and redact
//! themselves in `Debug`; error messages never contain key material.
//!
//! ```
//! use trustbox_crypto::{DataKey, MasterKey, ReceiptCode, aad};
//!
//! let master = MasterKey::for_tests(1); // in production: MasterKey::load_or_create(path)
//! let (school, appeal) = (b"school-1".as_slice(), b"appeal-7".as_slice());
//!
//! // A new appeal gets its own data key, stored only wrapped by the master key.
//! let data_key = DataKey::generate();
//! let wrapped = data_key.wrap(&master, &aad(&[b"appeal-key", school, appeal]));
//! let text = data_key.seal(&aad(&[b"appeal", school, appeal, b"text"]), "Help me".as_bytes());
//!
//! // Later: unwrap the key and open the field with the same associated data.
//! let key = DataKey::unwrap(&master, &wrapped, &aad(&[b"appeal-key", school, appeal]))?;
//! assert_eq!(key.open_string(&aad(&[b"appeal", school, appeal, b"text"]), &text)?, "Help me");
//! // The same ciphertext presented as another appeal's text does not open.
//! assert!(key.open(&aad(&[b"appeal", school, b"appeal-8", b"text"]), &text).is_err());
//!
//! // The author's receipt code: shown once, stored only as a peppered HMAC.
//! let code = ReceiptCode::generate();
//! let stored = code.lookup_hash(&master.pepper());
//! let typed = ReceiptCode::parse(&code.grouped())?;
//! assert_eq!(typed.lookup_hash(&master.pepper()), stored);
//! # Ok::<(), trustbox_crypto::CryptoError>(())
//! ```

mod aead;
mod chain;
mod error;
mod keyring;
mod keys;
mod password;
mod receipt;
mod token;

#[cfg(test)]
mod test_support;

pub use aead::{DataKey, aad};
pub use chain::{CHAIN_GENESIS, chain_hash};
pub use error::CryptoError;
pub use keyring::{BucketKey, Keyring, RotateStep, WrappedBy, wrapped_by};
pub use keys::{DerivationRoot, KeyEncryptionKey, MasterKey, Pepper, SubKey};
pub use password::{
    PASSWORD_PARAMS, PasswordParams, dummy_verify, hash_password, password_needs_rehash,
    verify_password,
};
pub use receipt::ReceiptCode;
pub use token::{random_token, to_hex, token_hash};
