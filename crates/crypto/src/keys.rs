//! The master key, its file, and the subkeys derived from it.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::CryptoError;

/// Length in bytes of every symmetric key in this crate.
pub(crate) const KEY_LEN: usize = 32;

/// First part of the single line of a master key file.
const KEY_FILE_PREFIX: &str = "trustbox-master-key-v1:";
/// A well-formed key file is 23 + 44 + 2 bytes at most; anything much longer is not one.
const KEY_FILE_MAX_LEN: u64 = 256;

const INFO_PEPPER: &[u8] = b"trustbox receipt pepper v1";
const INFO_SESSION: &[u8] = b"trustbox session v1";
const INFO_KEY_ID: &[u8] = b"trustbox key id v1";
const INFO_WRAP: &[u8] = b"trustbox data key wrap v1";
const INFO_ROOT_ID: &[u8] = b"trustbox root id v1";
const INFO_KEYRING: &[u8] = b"trustbox keyring entry wrap v1";
const INFO_TOTP: &[u8] = b"trustbox totp secret v1";
const INFO_OUTBOX: &[u8] = b"trustbox outbox staff recipient v1";
const INFO_RECOVERY: &[u8] = b"trustbox recovery codes v1";

pub(crate) fn random_key() -> [u8; KEY_LEN] {
    let mut bytes = [0u8; KEY_LEN];
    OsRng.fill_bytes(&mut bytes);
    bytes
}

/// HKDF-SHA256 (no salt) of `ikm` under `info`, 32 bytes of output.
#[expect(
    clippy::expect_used,
    reason = "HKDF-SHA256 expands to at most 255 * 32 bytes; 32 always fits"
)]
pub(crate) fn hkdf32(ikm: &[u8; KEY_LEN], info: &[u8]) -> [u8; KEY_LEN] {
    let mut out = [0u8; KEY_LEN];
    Hkdf::<Sha256>::new(None, ikm)
        .expand(info, &mut out)
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    out
}

/// HMAC-SHA256 keyed with a 32-byte key.
#[expect(
    clippy::expect_used,
    reason = "HMAC accepts keys of any length; new_from_slice cannot fail"
)]
pub(crate) fn hmac_sha256(key: &[u8; KEY_LEN]) -> Hmac<Sha256> {
    <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC accepts keys of any length")
}

pub(crate) mod sealed {
    /// Keeps [`super::KeyEncryptionKey`] implementable only inside this crate, and its key
    /// bytes unreachable from outside.
    pub trait Sealed {
        /// The 32-byte XChaCha20-Poly1305 key used to wrap data keys.
        fn wrapping_key(&self) -> zeroize::Zeroizing<[u8; super::KEY_LEN]>;
    }
}

/// A key that wraps (encrypts) per-appeal [`crate::DataKey`]s.
///
/// Today only [`MasterKey`] implements it. Crypto-shredding per expiry month will add a
/// key-encryption key kept outside database backups; it will implement this trait, and
/// [`crate::DataKey::wrap`] / [`crate::DataKey::unwrap`] will accept it unchanged. The trait is
/// sealed: it cannot be implemented outside this crate.
pub trait KeyEncryptionKey: sealed::Sealed {}

/// The installation's root secret: 32 random bytes kept in a key file beside the data folder.
///
/// Never stored in the database; zeroized on drop; `Debug` prints `MasterKey(<redacted>)`.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct MasterKey {
    bytes: [u8; KEY_LEN],
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(<redacted>)")
    }
}

impl sealed::Sealed for MasterKey {
    fn wrapping_key(&self) -> Zeroizing<[u8; KEY_LEN]> {
        Zeroizing::new(hkdf32(&self.bytes, INFO_WRAP))
    }
}

impl KeyEncryptionKey for MasterKey {}

impl MasterKey {
    /// A new random master key from the operating system's generator.
    pub fn generate() -> MasterKey {
        MasterKey {
            bytes: random_key(),
        }
    }

    /// A fixed, publicly known key with every byte equal to `byte`. **For tests only**: data
    /// sealed under it is not protected.
    pub fn for_tests(byte: u8) -> MasterKey {
        MasterKey {
            bytes: [byte; KEY_LEN],
        }
    }

    /// Creates a new random key and writes it to `path` atomically: a temporary file in the
    /// same folder is created with mode 0600, written and fsynced, then linked into place
    /// (never replacing an existing file), and the folder is fsynced.
    ///
    /// Fails with [`CryptoError::KeyFileExists`] if `path` already exists.
    pub fn create_file(path: &Path) -> Result<MasterKey, CryptoError> {
        let key = MasterKey::generate();
        key.write_new_file(path)?;
        Ok(key)
    }

    /// Reads the key from `path`. Refuses a file that group or others can access
    /// ([`CryptoError::KeyFileInsecure`]), a missing file ([`CryptoError::KeyFileMissing`]) and
    /// anything but one well-formed key line ([`CryptoError::KeyFileMalformed`]).
    pub fn load_file(path: &Path) -> Result<MasterKey, CryptoError> {
        let unreadable = |source: io::Error| CryptoError::KeyFileUnreadable {
            path: path.to_path_buf(),
            source,
        };
        let file = match File::open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(CryptoError::KeyFileMissing {
                    path: path.to_path_buf(),
                });
            }
            Err(e) => return Err(unreadable(e)),
        };
        // Check the file we actually opened, not the path again (no check-then-use race).
        let meta = file.metadata().map_err(unreadable)?;
        if !meta.is_file() {
            return Err(unreadable(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a regular file",
            )));
        }
        let mode = meta.mode() & 0o7777;
        if mode & 0o077 != 0 {
            return Err(CryptoError::KeyFileInsecure {
                path: path.to_path_buf(),
                mode,
            });
        }
        let mut content = Zeroizing::new(Vec::with_capacity(KEY_FILE_MAX_LEN as usize + 1));
        file.take(KEY_FILE_MAX_LEN + 1)
            .read_to_end(&mut content)
            .map_err(unreadable)?;
        parse_key_file(&content).ok_or_else(|| CryptoError::KeyFileMalformed {
            path: path.to_path_buf(),
        })
    }

    /// Loads the key at `path`, or creates it if the file does not exist. The flag is `true`
    /// when a new key was created (a new installation).
    pub fn load_or_create(path: &Path) -> Result<(MasterKey, bool), CryptoError> {
        match MasterKey::load_file(path) {
            Ok(key) => Ok((key, false)),
            Err(CryptoError::KeyFileMissing { .. }) => match MasterKey::create_file(path) {
                Ok(key) => Ok((key, true)),
                // Another process created it between our load and our create: use theirs.
                Err(CryptoError::KeyFileExists { .. }) => Ok((MasterKey::load_file(path)?, false)),
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        }
    }

    /// The pepper under which receipt codes are hashed (HKDF info `trustbox receipt pepper v1`).
    pub fn pepper(&self) -> Pepper {
        Pepper {
            bytes: hkdf32(&self.bytes, INFO_PEPPER),
        }
    }

    /// The key the web layer uses to MAC session-bound values such as CSRF tokens
    /// (HKDF info `trustbox session v1`).
    pub fn session_key(&self) -> SubKey {
        SubKey {
            bytes: hkdf32(&self.bytes, INFO_SESSION),
        }
    }

    /// A short public identifier of this key: the first 8 hex digits of
    /// SHA-256(HKDF(master, `trustbox key id v1`)). Safe to print and log; lets an operator see
    /// which key a database belongs to. Reveals nothing usable about the key.
    pub fn fingerprint(&self) -> String {
        let id = Zeroizing::new(hkdf32(&self.bytes, INFO_KEY_ID));
        let digest = Sha256::digest(id.as_ref());
        hex::encode(&digest[..4])
    }

    /// The key that encrypts the entries of the keyring (bucket keys, the derivation root).
    pub(crate) fn keyring_key(&self) -> Zeroizing<[u8; KEY_LEN]> {
        Zeroizing::new(hkdf32(&self.bytes, INFO_KEYRING))
    }

    /// The master key's own bytes, as the seed of a [`crate::DerivationRoot`] for an
    /// installation that derived its pepper and session key from the master key directly.
    pub(crate) fn root_seed(&self) -> Zeroizing<[u8; KEY_LEN]> {
        Zeroizing::new(self.bytes)
    }

    /// Moves the key file `new` over `current` (a rename, atomic on one filesystem) and fsyncs
    /// the folder: the last step of a key rotation. Both files must be in the same folder.
    pub fn promote_file(new: &Path, current: &Path) -> Result<(), CryptoError> {
        let write_err = |source: io::Error| CryptoError::KeyFileWrite {
            path: current.to_path_buf(),
            source,
        };
        MasterKey::load_file(new)?;
        fs::rename(new, current).map_err(write_err)?;
        let dir = match current.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        File::open(&dir)
            .and_then(|d| d.sync_all())
            .map_err(write_err)?;
        Ok(())
    }

    fn key_file_line(&self) -> Zeroizing<String> {
        let mut line = Zeroizing::new(String::with_capacity(KEY_FILE_PREFIX.len() + 45));
        line.push_str(KEY_FILE_PREFIX);
        STANDARD.encode_string(self.bytes, &mut line);
        line.push('\n');
        line
    }

    fn write_new_file(&self, path: &Path) -> Result<(), CryptoError> {
        let write_err = |source: io::Error| CryptoError::KeyFileWrite {
            path: path.to_path_buf(),
            source,
        };
        let exists = || CryptoError::KeyFileExists {
            path: path.to_path_buf(),
        };
        if fs::symlink_metadata(path).is_ok() {
            return Err(exists());
        }
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = path.file_name().ok_or_else(|| {
            write_err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the path does not name a file",
            ))
        })?;
        let mut tmp_name = std::ffi::OsString::from(".");
        tmp_name.push(name);
        tmp_name.push(format!(".tmp-{}", hex::encode(&random_key()[..8])));
        let tmp = TempFile(dir.join(tmp_name));

        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp.0)
            .map_err(write_err)?;
        file.write_all(self.key_file_line().as_bytes())
            .map_err(write_err)?;
        file.sync_all().map_err(write_err)?;
        drop(file);

        // A hard link never replaces an existing file, unlike rename: two installers racing
        // cannot overwrite each other's key. Filesystems without hard links fall back to rename.
        match fs::hard_link(&tmp.0, path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Err(exists()),
            Err(_) if fs::symlink_metadata(path).is_ok() => return Err(exists()),
            Err(_) => fs::rename(&tmp.0, path).map_err(write_err)?,
        }
        drop(tmp);
        File::open(&dir)
            .and_then(|d| d.sync_all())
            .map_err(write_err)?;
        Ok(())
    }
}

/// Removes the temporary key file when dropped (after a successful link, or on any failure).
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

/// Parses `trustbox-master-key-v1:<base64 of 32 bytes>` with an optional final newline.
fn parse_key_file(content: &[u8]) -> Option<MasterKey> {
    let line = content
        .strip_suffix(b"\r\n")
        .or_else(|| content.strip_suffix(b"\n"))
        .unwrap_or(content);
    let encoded = line.strip_prefix(KEY_FILE_PREFIX.as_bytes())?;
    let decoded = Zeroizing::new(STANDARD.decode(encoded).ok()?);
    let bytes: [u8; KEY_LEN] = decoded.as_slice().try_into().ok()?;
    Some(MasterKey { bytes })
}

/// The secret from which the receipt-code pepper and the session key are derived. It is kept
/// in the keyring, wrapped by the master key, so that rotating the master key changes neither:
/// receipt codes handed out before a rotation still open after it. An installation that began
/// before the keyring existed starts with the master key's own bytes as its root
/// ([`DerivationRoot::of_master`]), so its pepper and session key stay what they were.
/// Zeroized on drop; redacted in `Debug`.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct DerivationRoot {
    bytes: [u8; KEY_LEN],
}

impl fmt::Debug for DerivationRoot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DerivationRoot(<redacted>)")
    }
}

impl DerivationRoot {
    /// The root whose derivations equal those of `master` itself (pepper, session key).
    pub fn of_master(master: &MasterKey) -> DerivationRoot {
        DerivationRoot {
            bytes: *master.root_seed(),
        }
    }

    pub(crate) fn generate() -> DerivationRoot {
        DerivationRoot {
            bytes: random_key(),
        }
    }

    pub(crate) fn from_bytes(bytes: [u8; KEY_LEN]) -> DerivationRoot {
        DerivationRoot { bytes }
    }

    pub(crate) fn bytes(&self) -> &[u8; KEY_LEN] {
        &self.bytes
    }

    /// The pepper under which receipt codes are hashed (HKDF info `trustbox receipt pepper v1`).
    pub fn pepper(&self) -> Pepper {
        Pepper {
            bytes: hkdf32(&self.bytes, INFO_PEPPER),
        }
    }

    /// A short public identifier of this root (8 hex digits), to check that a keyring
    /// belongs to a database. Reveals nothing usable about the root.
    pub fn fingerprint(&self) -> String {
        let id = Zeroizing::new(hkdf32(&self.bytes, INFO_ROOT_ID));
        hex::encode(&Sha256::digest(id.as_ref())[..4])
    }

    /// The key that MACs session-bound values such as CSRF tokens (HKDF info
    /// `trustbox session v1`).
    pub fn session_key(&self) -> SubKey {
        SubKey {
            bytes: hkdf32(&self.bytes, INFO_SESSION),
        }
    }

    /// The key that seals staff members' TOTP secrets (HKDF info `trustbox totp secret v1`).
    /// Seal each secret with associated data naming the user, so a sealed secret copied to
    /// another account does not open.
    pub fn totp_key(&self) -> crate::DataKey {
        crate::DataKey::from_bytes(hkdf32(&self.bytes, INFO_TOTP))
    }

    /// The key that seals staff members' addresses in the mail outbox until delivery (HKDF
    /// info `trustbox outbox staff recipient v1`). Authors' addresses are sealed under their
    /// case's data key instead, so a purge destroys them with the case.
    pub fn outbox_key(&self) -> crate::DataKey {
        crate::DataKey::from_bytes(hkdf32(&self.bytes, INFO_OUTBOX))
    }

    /// The key under which two-factor recovery codes are hashed (HMAC-SHA256) for storage
    /// (HKDF info `trustbox recovery codes v1`).
    pub fn recovery_key(&self) -> SubKey {
        SubKey {
            bytes: hkdf32(&self.bytes, INFO_RECOVERY),
        }
    }
}

/// The secret under which receipt codes are hashed for lookup. Derived from the master key;
/// zeroized on drop; redacted in `Debug`.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct Pepper {
    bytes: [u8; KEY_LEN],
}

impl Pepper {
    pub(crate) fn bytes(&self) -> &[u8; KEY_LEN] {
        &self.bytes
    }
}

impl fmt::Debug for Pepper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pepper(<redacted>)")
    }
}

/// A 32-byte HMAC-SHA256 key derived from the master key for one purpose. Zeroized on drop;
/// redacted in `Debug`.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct SubKey {
    bytes: [u8; KEY_LEN],
}

impl fmt::Debug for SubKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SubKey(<redacted>)")
    }
}

impl SubKey {
    /// HMAC-SHA256 of `data` under this key.
    pub fn mac(&self, data: &[u8]) -> [u8; 32] {
        let mut mac = hmac_sha256(&self.bytes);
        mac.update(data);
        mac.finalize().into_bytes().into()
    }

    /// Whether `tag` is the MAC of `data`, compared in constant time. A tag of the wrong length
    /// is simply `false`.
    pub fn verify(&self, data: &[u8], tag: &[u8]) -> bool {
        let mut mac = hmac_sha256(&self.bytes);
        mac.update(data);
        mac.verify_slice(tag).is_ok()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::test_support::{TempDir, secret_forms};
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn create_then_load_gives_same_key_with_mode_0600() {
        let dir = TempDir::new();
        let path = dir.path().join("master.key");
        let created = MasterKey::create_file(&path).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode, 0o600);
        let loaded = MasterKey::load_file(&path).unwrap();
        assert_eq!(created.fingerprint(), loaded.fingerprint());
        assert_eq!(created.bytes, loaded.bytes);
        // No temporary file left behind.
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn key_file_has_the_documented_format() {
        let dir = TempDir::new();
        let path = dir.path().join("master.key");
        let key = MasterKey::create_file(&path).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            format!("trustbox-master-key-v1:{}\n", STANDARD.encode(key.bytes))
        );
    }

    #[test]
    fn create_refuses_to_overwrite() {
        let dir = TempDir::new();
        let path = dir.path().join("master.key");
        let first = MasterKey::create_file(&path).unwrap();
        let err = MasterKey::create_file(&path).unwrap_err();
        assert!(matches!(err, CryptoError::KeyFileExists { .. }), "{err:?}");
        assert_eq!(
            MasterKey::load_file(&path).unwrap().fingerprint(),
            first.fingerprint()
        );
    }

    #[test]
    fn load_of_group_or_world_readable_file_is_refused() {
        let dir = TempDir::new();
        let path = dir.path().join("master.key");
        MasterKey::create_file(&path).unwrap();
        for mode in [0o644, 0o640, 0o604, 0o620] {
            fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
            match MasterKey::load_file(&path) {
                Err(CryptoError::KeyFileInsecure { mode: m, .. }) => assert_eq!(m, mode),
                other => panic!("mode {mode:o}: expected KeyFileInsecure, got {other:?}"),
            }
        }
        fs::set_permissions(&path, fs::Permissions::from_mode(0o400)).unwrap();
        MasterKey::load_file(&path).unwrap();
    }

    #[test]
    fn load_of_malformed_file_is_refused() {
        let dir = TempDir::new();
        let path = dir.path().join("master.key");
        let good = STANDARD.encode([7u8; 32]);
        let cases = [
            String::new(),
            "garbage\n".to_string(),
            format!("{good}\n"),
            format!("trustbox-master-key-v2:{good}\n"),
            format!("trustbox-master-key-v1:{}\n", STANDARD.encode([7u8; 31])),
            format!("trustbox-master-key-v1:{}\n", STANDARD.encode([7u8; 33])),
            format!("trustbox-master-key-v1:{good}\n\n"),
            format!("trustbox-master-key-v1: {good}\n"),
            format!("trustbox-master-key-v1:{good}\nextra\n"),
            format!("trustbox-master-key-v1:{}\n", "A".repeat(1000)),
        ];
        for content in cases {
            fs::write(&path, &content).unwrap();
            fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
            let err = MasterKey::load_file(&path).unwrap_err();
            assert!(
                matches!(err, CryptoError::KeyFileMalformed { .. }),
                "{content:?}: {err:?}"
            );
        }
        // Sanity: the same writer produces a loadable file when the content is right.
        fs::write(&path, format!("trustbox-master-key-v1:{good}\n")).unwrap();
        assert_eq!(MasterKey::load_file(&path).unwrap().bytes, [7u8; 32]);
        fs::write(&path, format!("trustbox-master-key-v1:{good}")).unwrap();
        assert_eq!(MasterKey::load_file(&path).unwrap().bytes, [7u8; 32]);
    }

    #[test]
    fn load_of_missing_file_says_missing() {
        let dir = TempDir::new();
        let path = dir.path().join("master.key");
        let err = MasterKey::load_file(&path).unwrap_err();
        assert!(matches!(err, CryptoError::KeyFileMissing { .. }), "{err:?}");
        assert!(err.to_string().contains("master.key"));
    }

    #[test]
    fn load_of_directory_is_unreadable() {
        let dir = TempDir::new();
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o700)).unwrap();
        let err = MasterKey::load_file(dir.path()).unwrap_err();
        assert!(
            matches!(err, CryptoError::KeyFileUnreadable { .. }),
            "{err:?}"
        );
    }

    #[test]
    fn load_or_create_creates_once_then_loads() {
        let dir = TempDir::new();
        let path = dir.path().join("master.key");
        let (a, created_a) = MasterKey::load_or_create(&path).unwrap();
        let (b, created_b) = MasterKey::load_or_create(&path).unwrap();
        assert!(created_a);
        assert!(!created_b);
        assert_eq!(a.fingerprint(), b.fingerprint());
    }

    #[test]
    fn load_or_create_does_not_hide_other_errors() {
        let dir = TempDir::new();
        let path = dir.path().join("master.key");
        fs::write(&path, "nonsense").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        assert!(matches!(
            MasterKey::load_or_create(&path),
            Err(CryptoError::KeyFileMalformed { .. })
        ));
        assert_eq!(fs::read_to_string(&path).unwrap(), "nonsense");
    }

    #[test]
    fn create_in_missing_folder_is_a_write_error() {
        let dir = TempDir::new();
        let path = dir.path().join("no-such-folder").join("master.key");
        let err = MasterKey::create_file(&path).unwrap_err();
        assert!(matches!(err, CryptoError::KeyFileWrite { .. }), "{err:?}");
    }

    #[test]
    fn fingerprint_is_8_hex_and_depends_on_key() {
        let a = MasterKey::for_tests(1).fingerprint();
        let b = MasterKey::for_tests(2).fingerprint();
        assert_eq!(a.len(), 8);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_ne!(a, b);
        assert_eq!(a, MasterKey::for_tests(1).fingerprint());
        assert_ne!(
            MasterKey::generate().fingerprint(),
            MasterKey::generate().fingerprint()
        );
    }

    #[test]
    fn derived_keys_are_distinct_and_deterministic() {
        let m = MasterKey::for_tests(9);
        let pepper = m.pepper();
        let session = m.session_key();
        let wrap = sealed::Sealed::wrapping_key(&m);
        assert_ne!(pepper.bytes, session.bytes);
        assert_ne!(pepper.bytes, *wrap);
        assert_ne!(session.bytes, *wrap);
        assert_ne!(pepper.bytes, m.bytes);
        assert_eq!(pepper.bytes, MasterKey::for_tests(9).pepper().bytes);
        assert_ne!(pepper.bytes, MasterKey::for_tests(8).pepper().bytes);
    }

    #[test]
    fn account_keys_are_distinct_purpose_keys() {
        // Derived from the root (kept across master-key rotations), like the pepper.
        let mk = MasterKey::for_tests(9);
        let m = DerivationRoot::of_master(&mk);
        let rec = m.recovery_key();
        assert_ne!(rec.bytes, m.session_key().bytes);
        assert_ne!(rec.bytes, m.pepper().bytes);
        assert_eq!(
            rec.mac(b"x"),
            DerivationRoot::of_master(&MasterKey::for_tests(9))
                .recovery_key()
                .mac(b"x")
        );
        // The TOTP key seals for this master key and purpose only.
        let aad = crate::aad(&[b"totp", b"7"]);
        let sealed = m.totp_key().seal(&aad, b"secret");
        assert_eq!(
            DerivationRoot::of_master(&MasterKey::for_tests(9))
                .totp_key()
                .open(&aad, &sealed)
                .unwrap(),
            b"secret"
        );
        assert!(
            DerivationRoot::of_master(&MasterKey::for_tests(8))
                .totp_key()
                .open(&aad, &sealed)
                .is_err()
        );
        assert!(
            m.totp_key()
                .open(&crate::aad(&[b"totp", b"8"]), &sealed)
                .is_err()
        );
        assert_ne!(
            *sealed::Sealed::wrapping_key(&mk),
            hkdf32(&m.bytes, INFO_TOTP)
        );
    }

    #[test]
    fn subkey_mac_verifies_only_the_right_tag() {
        let k = MasterKey::for_tests(3).session_key();
        let tag = k.mac(b"csrf:session-1");
        assert!(k.verify(b"csrf:session-1", &tag));
        assert!(!k.verify(b"csrf:session-2", &tag));
        let mut bad = tag;
        bad[31] ^= 1;
        assert!(!k.verify(b"csrf:session-1", &bad));
        assert!(!k.verify(b"csrf:session-1", &tag[..31]));
        assert!(!k.verify(b"csrf:session-1", &[]));
        let other = MasterKey::for_tests(4).session_key();
        assert!(!other.verify(b"csrf:session-1", &tag));
    }

    #[test]
    fn debug_of_key_types_is_redacted() {
        let m = MasterKey::generate();
        let dbg = format!("{m:?} {:?}", MasterKey::for_tests(0xab));
        for form in secret_forms(&m.bytes)
            .into_iter()
            .chain(secret_forms(&[0xab; 32]))
        {
            assert!(!dbg.contains(&form), "{dbg} contains {form}");
        }
        assert!(dbg.contains("MasterKey(<redacted>)"));

        let p = m.pepper();
        let s = m.session_key();
        let dbg = format!("{p:?} {s:?}");
        for form in secret_forms(&p.bytes)
            .into_iter()
            .chain(secret_forms(&s.bytes))
        {
            assert!(!dbg.contains(&form), "{dbg} contains {form}");
        }
        assert_eq!(dbg, "Pepper(<redacted>) SubKey(<redacted>)");
    }

    #[test]
    fn error_messages_do_not_contain_key_material() {
        let dir = TempDir::new();
        let path = dir.path().join("master.key");
        let key = MasterKey::create_file(&path).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let err = MasterKey::load_file(&path).unwrap_err();
        let msg = format!("{err} {err:?}");
        assert!(msg.contains("0644"), "{msg}");
        for form in secret_forms(&key.bytes) {
            assert!(!msg.contains(&form));
        }
    }
}
