//! The keyring: a folder outside the database (and so outside database backups) holding the
//! **bucket keys** that wrap the per-appeal data keys, and the **derivation root** of the
//! pepper and session key.
//!
//! Each entry is one file (`bucket-<id>.key`, `root.key`), mode 0600 in a folder of mode 0700,
//! written atomically (temporary file, fsync, link or rename, fsync of the folder). Its content
//! is one line `trustbox-keyring-v1:<base64>`: the 32 key bytes sealed (XChaCha20-Poly1305)
//! under a key derived from the master key and bound to the entry's name, so a stolen keyring
//! alone opens nothing and an entry copied under another name does not open.
//!
//! Destroying a bucket overwrites its file, removes it and fsyncs the folder. A data key
//! wrapped only by destroyed buckets is gone for good — also in every database backup.
//!
//! # Backups and destruction both hold
//!
//! A bucket wraps many letters, and database backups keep every letter's key wrapped by the
//! buckets that wrapped it when the backup was taken. So before a bucket is destroyed (because
//! one of its letters is purged), every letter that bucket **ever** wrapped and that is still
//! live gets its own entry, `letter-<h>.key` (`h` = a hash of the key's associated data, which
//! names the school and the appeal), holding its data key; and the entry `shredded-<id>.key`
//! (random bytes) records that the bucket was destroyed on purpose. Purging a letter deletes
//! its own entry with its buckets. The invariant, kept by the purge:
//!
//! - for every live letter and every bucket that ever wrapped its key, that bucket or the
//!   letter's own entry is in the keyring — so a backup of any age opens it
//!   ([`Keyring::letter_key`] is the fall-back when the bucket is gone);
//! - for every destroyed letter, neither any bucket that ever wrapped its key nor its own
//!   entry is — so no backup opens it.
//!
//! A live letter whose bucket is missing without a `shredded-` mark has lost its key (a
//! keyring folder lost or not this installation's): `trustbox verify` fails on it.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::aead::{aad, open_with, seal_with};
use crate::error::CryptoError;
use crate::keys::{DerivationRoot, KEY_LEN, MasterKey, hkdf32, random_key, sealed};
use crate::{DataKey, KeyEncryptionKey};

const ENTRY_PREFIX: &str = "trustbox-keyring-v1:";
const ENTRY_MAX_LEN: u64 = 256;
const INFO_BUCKET_WRAP: &[u8] = b"trustbox bucket data key wrap v1";
const ROOT_NAME: &str = "root";
/// First byte of a data key wrapped by a bucket: `2` ‖ bucket id (8 bytes, big-endian) ‖ the
/// wrapped key. A data key wrapped by the master key directly (before the keyring) starts
/// with `1`.
const ENVELOPE_BUCKET: u8 = 2;

/// A random 32-byte key kept only in the keyring; it wraps the data keys of the appeals of
/// one bucket (e.g. those created in a month, or expiring on a day). Zeroized on drop (every
/// clone too); `Debug` prints only its id.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct BucketKey {
    #[zeroize(skip)]
    id: i64,
    bytes: [u8; KEY_LEN],
}

impl fmt::Debug for BucketKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BucketKey({}, <redacted>)", self.id)
    }
}

impl sealed::Sealed for BucketKey {
    fn wrapping_key(&self) -> Zeroizing<[u8; KEY_LEN]> {
        Zeroizing::new(hkdf32(&self.bytes, INFO_BUCKET_WRAP))
    }
}

impl KeyEncryptionKey for BucketKey {}

impl BucketKey {
    /// The bucket's id (its row in the database, its file in the keyring).
    pub fn id(&self) -> i64 {
        self.id
    }

    /// A fixed, publicly known bucket key. **For tests only**.
    pub fn for_tests(id: i64, byte: u8) -> BucketKey {
        BucketKey {
            id,
            bytes: [byte; KEY_LEN],
        }
    }
}

/// What wraps a stored data key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WrappedBy {
    /// The master key directly (installations from before the keyring).
    Master,
    /// The bucket with this id.
    Bucket(i64),
    /// Nothing: the key was destroyed (empty), or the value is not a wrapped key.
    Nothing,
}

/// Which key wraps `stored` (the `data_key` column of an appeal).
pub fn wrapped_by(stored: &[u8]) -> WrappedBy {
    match stored.first() {
        Some(&ENVELOPE_BUCKET) if stored.len() > 9 => {
            let mut id = [0u8; 8];
            id.copy_from_slice(&stored[1..9]);
            WrappedBy::Bucket(i64::from_be_bytes(id))
        }
        Some(&1) => WrappedBy::Master,
        _ => WrappedBy::Nothing,
    }
}

impl DataKey {
    /// Wraps this key under a bucket key: `2` ‖ bucket id ‖ [`DataKey::wrap`] output, so the
    /// stored value says which bucket opens it ([`wrapped_by`]).
    pub fn wrap_in_bucket(&self, bucket: &BucketKey, aad: &[u8]) -> Vec<u8> {
        let inner = self.wrap(bucket, aad);
        let mut out = Vec::with_capacity(9 + inner.len());
        out.push(ENVELOPE_BUCKET);
        out.extend_from_slice(&bucket.id.to_be_bytes());
        out.extend_from_slice(&inner);
        out
    }

    /// Opens a value made by [`DataKey::wrap_in_bucket`] with that bucket's key. A value of
    /// another bucket, or any alteration, gives [`CryptoError::Decrypt`].
    pub fn unwrap_from_bucket(
        bucket: &BucketKey,
        stored: &[u8],
        aad: &[u8],
    ) -> Result<DataKey, CryptoError> {
        if wrapped_by(stored) != WrappedBy::Bucket(bucket.id) {
            return Err(CryptoError::Decrypt);
        }
        DataKey::unwrap(bucket, &stored[9..], aad)
    }
}

/// One step of a master key rotation on one keyring entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RotateStep {
    /// The entry already opened with the new master key (done by an earlier, interrupted run).
    AlreadyNew,
    /// The entry was re-wrapped from the old master key to the new one.
    Rewrapped,
}

/// The keyring folder. Reading an entry tries the master key, then (while a rotation is under
/// way) the new master key; new entries are written under the newest one.
#[derive(Debug)]
pub struct Keyring {
    dir: PathBuf,
    pending: Option<MasterKey>,
}

fn entry_aad(name: &str) -> Vec<u8> {
    aad(&[b"trustbox keyring entry", name.as_bytes()])
}

fn bucket_name(id: i64) -> String {
    format!("bucket-{id}")
}

fn shredded_name(id: i64) -> String {
    format!("shredded-{id}")
}

/// The entry of one letter's data key: named by a hash of the key's associated data (which
/// names the school and the appeal), so the name says nothing else.
fn letter_name(key_aad: &[u8]) -> String {
    use sha2::Digest;
    let h = sha2::Sha256::digest([b"trustbox letter entry v1\0".as_slice(), key_aad].concat());
    format!("letter-{}", hex::encode(&h[..16]))
}

impl Keyring {
    /// The keyring in `dir`, creating the folder (mode 0700) if it is missing. Refuses a
    /// folder that group or others can access.
    pub fn open(dir: &Path) -> Result<Keyring, CryptoError> {
        let k = Keyring::lazy(dir);
        k.ensure_dir()?;
        Ok(k)
    }

    /// The keyring in `dir` without touching the disk yet (the folder is made on first write).
    pub fn lazy(dir: &Path) -> Keyring {
        Keyring {
            dir: dir.to_path_buf(),
            pending: None,
        }
    }

    /// Also accept (and write new entries under) `new`: a rotation to `new` is under way.
    pub fn with_pending(mut self, new: Option<MasterKey>) -> Keyring {
        self.pending = new;
        self
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The fingerprint of the master key new entries are written under (the pending one while
    /// a rotation is under way, else `master`).
    pub fn writer_fingerprint(&self, master: &MasterKey) -> String {
        self.pending.as_ref().unwrap_or(master).fingerprint()
    }

    fn io(&self, path: &Path) -> impl Fn(io::Error) -> CryptoError + use<> {
        let path = path.to_path_buf();
        move |source| CryptoError::KeyringIo {
            path: path.clone(),
            source,
        }
    }

    fn ensure_dir(&self) -> Result<(), CryptoError> {
        let err = self.io(&self.dir);
        if !self.dir.exists() {
            fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(&self.dir)
                .map_err(&err)?;
        }
        let meta = fs::metadata(&self.dir).map_err(&err)?;
        if !meta.is_dir() {
            return Err(err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a folder",
            )));
        }
        let mode = meta.mode() & 0o7777;
        if mode & 0o077 != 0 {
            return Err(CryptoError::KeyringInsecure {
                path: self.dir.clone(),
                mode,
            });
        }
        Ok(())
    }

    fn path_of(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.key"))
    }

    fn sync_dir(&self) -> Result<(), CryptoError> {
        File::open(&self.dir)
            .and_then(|d| d.sync_all())
            .map_err(self.io(&self.dir))
    }

    /// The sealed bytes of an entry, or `None` if its file does not exist.
    fn read_entry(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, CryptoError> {
        let path = self.path_of(name);
        let file = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(self.io(&path)(e)),
        };
        let mode = file.metadata().map_err(self.io(&path))?.mode() & 0o7777;
        if mode & 0o077 != 0 {
            return Err(CryptoError::KeyringInsecure { path, mode });
        }
        let mut content = Zeroizing::new(Vec::new());
        file.take(ENTRY_MAX_LEN + 1)
            .read_to_end(&mut content)
            .map_err(self.io(&path))?;
        let malformed = || CryptoError::KeyringEntryMalformed { path: path.clone() };
        let line = content
            .strip_suffix(b"\n")
            .unwrap_or(content.as_slice())
            .strip_prefix(ENTRY_PREFIX.as_bytes())
            .ok_or_else(malformed)?;
        let sealed = STANDARD.decode(line).map_err(|_| malformed())?;
        Ok(Some(Zeroizing::new(sealed)))
    }

    /// Opens an entry with `master`, else with the pending master key.
    fn open_entry(
        &self,
        name: &str,
        master: &MasterKey,
    ) -> Result<Option<Zeroizing<[u8; KEY_LEN]>>, CryptoError> {
        let Some(sealed) = self.read_entry(name)? else {
            return Ok(None);
        };
        let a = entry_aad(name);
        let keys = std::iter::once(master).chain(self.pending.as_ref());
        for k in keys {
            if let Ok(plain) = open_with(&k.keyring_key(), &a, &sealed) {
                let plain = Zeroizing::new(plain);
                let bytes: [u8; KEY_LEN] = plain.as_slice().try_into().map_err(|_| {
                    CryptoError::KeyringEntryMalformed {
                        path: self.path_of(name),
                    }
                })?;
                return Ok(Some(Zeroizing::new(bytes)));
            }
        }
        Err(CryptoError::KeyringWrongMaster {
            path: self.path_of(name),
        })
    }

    /// Writes an entry atomically. With `replace` false it never overwrites an existing file
    /// ([`CryptoError::KeyringEntryExists`]).
    fn write_entry(
        &self,
        name: &str,
        bytes: &[u8; KEY_LEN],
        under: &MasterKey,
        replace: bool,
    ) -> Result<(), CryptoError> {
        self.write_entry_nosync(name, bytes, under, replace)?;
        self.sync_dir()
    }

    /// [`Keyring::write_entry`] without the fsync of the folder (the caller does it once for a
    /// batch).
    fn write_entry_nosync(
        &self,
        name: &str,
        bytes: &[u8; KEY_LEN],
        under: &MasterKey,
        replace: bool,
    ) -> Result<(), CryptoError> {
        self.ensure_dir()?;
        let path = self.path_of(name);
        let err = self.io(&path);
        let sealed = seal_with(&under.keyring_key(), &entry_aad(name), bytes);
        let mut line = Zeroizing::new(String::from(ENTRY_PREFIX));
        STANDARD.encode_string(&sealed, &mut line);
        line.push('\n');
        let tmp = TempEntry(
            self.dir
                .join(format!(".{name}.tmp-{}", hex::encode(&random_key()[..8]))),
        );
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp.0)
            .map_err(&err)?;
        file.write_all(line.as_bytes()).map_err(&err)?;
        file.sync_all().map_err(&err)?;
        drop(file);
        if replace {
            fs::rename(&tmp.0, &path).map_err(&err)?;
        } else {
            match fs::hard_link(&tmp.0, &path) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    return Err(CryptoError::KeyringEntryExists { path });
                }
                Err(e) => return Err(err(e)),
            }
        }
        drop(tmp);
        Ok(())
    }

    /// The derivation root, or `None` if the keyring has none yet.
    pub fn root(&self, master: &MasterKey) -> Result<Option<DerivationRoot>, CryptoError> {
        Ok(self
            .open_entry(ROOT_NAME, master)?
            .map(|b| DerivationRoot::from_bytes(*b)))
    }

    /// The derivation root; if the keyring has none, writes one first: the master key's own
    /// derivation when `keep_master_derivation` (an installation whose receipt codes and
    /// sessions were made under the master key), else a new random one.
    pub fn ensure_root(
        &self,
        master: &MasterKey,
        keep_master_derivation: bool,
    ) -> Result<DerivationRoot, CryptoError> {
        if let Some(r) = self.root(master)? {
            return Ok(r);
        }
        let root = if keep_master_derivation {
            DerivationRoot::of_master(master)
        } else {
            DerivationRoot::generate()
        };
        let under = self.pending.as_ref().unwrap_or(master);
        match self.write_entry(ROOT_NAME, root.bytes(), under, false) {
            Ok(()) => Ok(root),
            // Another instance wrote it first: use theirs.
            Err(CryptoError::KeyringEntryExists { path }) => self
                .root(master)?
                .ok_or(CryptoError::KeyringEntryMalformed { path }),
            Err(e) => Err(e),
        }
    }

    /// Creates a new random bucket key with this id (never overwriting one).
    pub fn create_bucket(&self, master: &MasterKey, id: i64) -> Result<BucketKey, CryptoError> {
        let key = BucketKey {
            id,
            bytes: random_key(),
        };
        let under = self.pending.as_ref().unwrap_or(master);
        self.write_entry(&bucket_name(id), &key.bytes, under, false)?;
        Ok(key)
    }

    /// The bucket key with this id; [`CryptoError::BucketMissing`] if the keyring does not
    /// have it (destroyed, or another keyring folder).
    pub fn bucket(&self, master: &MasterKey, id: i64) -> Result<BucketKey, CryptoError> {
        let bytes = self
            .open_entry(&bucket_name(id), master)?
            .ok_or(CryptoError::BucketMissing { id })?;
        Ok(BucketKey { id, bytes: *bytes })
    }

    /// Destroys a bucket key: overwrites its file with zeros, fsyncs, removes it and fsyncs
    /// the folder. Destroying a missing bucket is not an error (a resumed destruction).
    pub fn destroy_bucket(&self, id: i64) -> Result<(), CryptoError> {
        if self.destroy_entry(&bucket_name(id))? {
            self.sync_dir()?;
        }
        Ok(())
    }

    /// Overwrites an entry with zeros, fsyncs and removes it (the folder is not fsynced);
    /// whether it existed.
    fn destroy_entry(&self, name: &str) -> Result<bool, CryptoError> {
        let path = self.path_of(name);
        let err = self.io(&path);
        match OpenOptions::new().write(true).open(&path) {
            Ok(mut f) => {
                let len = f.metadata().map_err(&err)?.len();
                let zeros = vec![0u8; usize::try_from(len).unwrap_or(0)];
                f.write_all(&zeros).map_err(&err)?;
                f.sync_all().map_err(&err)?;
                drop(f);
                fs::remove_file(&path).map_err(&err)?;
                Ok(true)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(err(e)),
        }
    }

    /// Whether the keyring holds this bucket's key (without opening it).
    pub fn has_bucket(&self, id: i64) -> bool {
        self.path_of(&bucket_name(id)).exists()
    }

    /// Records that the bucket is being destroyed on purpose, after every live letter it ever
    /// wrapped got its own entry ([`Keyring::save_letter_keys`]). Idempotent.
    pub fn mark_shredded(&self, master: &MasterKey, id: i64) -> Result<(), CryptoError> {
        let under = self.pending.as_ref().unwrap_or(master);
        match self.write_entry(&shredded_name(id), &random_key(), under, false) {
            Ok(()) | Err(CryptoError::KeyringEntryExists { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Whether the bucket was destroyed on purpose by a purge ([`Keyring::mark_shredded`]): a
    /// letter it wrapped that has no entry of its own was destroyed.
    pub fn was_shredded(&self, id: i64) -> bool {
        self.path_of(&shredded_name(id)).exists()
    }

    /// Gives each letter (the associated data of its wrapped key, its data key) an entry of
    /// its own, unless it has one; one fsync of the folder at the end. Returns how many were
    /// written.
    pub fn save_letter_keys(
        &self,
        master: &MasterKey,
        letters: &[(Vec<u8>, DataKey)],
    ) -> Result<usize, CryptoError> {
        let under = self.pending.as_ref().unwrap_or(master);
        let mut n = 0;
        for (aad, dk) in letters {
            let name = letter_name(aad);
            if self.path_of(&name).exists() {
                continue;
            }
            match self.write_entry_nosync(&name, dk.bytes(), under, false) {
                Ok(()) => n += 1,
                Err(CryptoError::KeyringEntryExists { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        if n > 0 {
            self.sync_dir()?;
        }
        Ok(n)
    }

    /// The data key kept for the letter whose wrapped key has associated data `key_aad`, if
    /// the keyring has its own entry for it.
    pub fn letter_key(
        &self,
        master: &MasterKey,
        key_aad: &[u8],
    ) -> Result<Option<DataKey>, CryptoError> {
        Ok(self
            .open_entry(&letter_name(key_aad), master)?
            .map(|b| DataKey::from_bytes(*b)))
    }

    /// Destroys the entries of these letters (by their keys' associated data); one fsync of
    /// the folder at the end. Returns how many existed.
    pub fn destroy_letter_keys<'a>(
        &self,
        key_aads: impl IntoIterator<Item = &'a [u8]>,
    ) -> Result<usize, CryptoError> {
        let mut n = 0;
        for a in key_aads {
            if self.destroy_entry(&letter_name(a))? {
                n += 1;
            }
        }
        if n > 0 {
            self.sync_dir()?;
        }
        Ok(n)
    }

    /// The names of the entries (`root`, `bucket-<id>`), sorted.
    pub fn entry_names(&self) -> Result<Vec<String>, CryptoError> {
        let mut out = Vec::new();
        let rd = match fs::read_dir(&self.dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return Err(self.io(&self.dir)(e)),
        };
        for e in rd {
            let e = e.map_err(self.io(&self.dir))?;
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            if let Some(stem) = name.strip_suffix(".key") {
                out.push(stem.to_string());
            }
        }
        out.sort();
        Ok(out)
    }

    /// Re-wraps one entry from `old` to `new` (atomically, by rename). An entry that already
    /// opens with `new` is left alone, so an interrupted rotation can simply be run again.
    pub fn rotate_entry(
        &self,
        name: &str,
        old: &MasterKey,
        new: &MasterKey,
    ) -> Result<RotateStep, CryptoError> {
        let path = self.path_of(name);
        let sealed = self
            .read_entry(name)?
            .ok_or_else(|| CryptoError::KeyringEntryMalformed { path: path.clone() })?;
        let a = entry_aad(name);
        if open_with(&new.keyring_key(), &a, &sealed).is_ok() {
            return Ok(RotateStep::AlreadyNew);
        }
        let plain = Zeroizing::new(
            open_with(&old.keyring_key(), &a, &sealed)
                .map_err(|_| CryptoError::KeyringWrongMaster { path: path.clone() })?,
        );
        let bytes: [u8; KEY_LEN] = plain
            .as_slice()
            .try_into()
            .map_err(|_| CryptoError::KeyringEntryMalformed { path: path.clone() })?;
        let bytes = Zeroizing::new(bytes);
        self.write_entry(name, &bytes, new, true)?;
        Ok(RotateStep::Rewrapped)
    }
}

/// Removes a temporary entry file when dropped.
struct TempEntry(PathBuf);

impl Drop for TempEntry {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;
    use crate::test_support::TempDir;

    #[test]
    fn buckets_round_trip_and_need_the_master_key() {
        let dir = TempDir::new();
        let ring = Keyring::open(&dir.path().join("keyring")).unwrap();
        let mode = fs::metadata(ring.dir()).unwrap().mode() & 0o777;
        assert_eq!(mode, 0o700);
        let master = MasterKey::for_tests(1);
        let b = ring.create_bucket(&master, 42).unwrap();
        let file = ring.dir().join("bucket-42.key");
        assert_eq!(fs::metadata(&file).unwrap().mode() & 0o777, 0o600);
        // The file does not contain the key bytes in any form.
        let content = fs::read_to_string(&file).unwrap();
        for form in crate::test_support::secret_forms(&b.bytes) {
            assert!(!content.contains(&form));
        }
        let again = ring.bucket(&master, 42).unwrap();
        assert_eq!(again.bytes, b.bytes);
        // Never overwritten.
        assert!(matches!(
            ring.create_bucket(&master, 42),
            Err(CryptoError::KeyringEntryExists { .. })
        ));
        // Another master key opens nothing.
        assert!(matches!(
            ring.bucket(&MasterKey::for_tests(2), 42),
            Err(CryptoError::KeyringWrongMaster { .. })
        ));
        // An entry renamed to another bucket does not open.
        fs::copy(&file, ring.dir().join("bucket-43.key")).unwrap();
        fs::set_permissions(
            ring.dir().join("bucket-43.key"),
            fs::Permissions::from_mode(0o600),
        )
        .unwrap();
        assert!(ring.bucket(&master, 43).is_err());

        let dk = DataKey::generate();
        let a = aad(&[b"appeal-key", b"1", b"2"]);
        let stored = dk.wrap_in_bucket(&b, &a);
        assert_eq!(wrapped_by(&stored), WrappedBy::Bucket(42));
        assert_eq!(wrapped_by(&dk.wrap(&master, &a)), WrappedBy::Master);
        assert_eq!(wrapped_by(&[]), WrappedBy::Nothing);
        let back = DataKey::unwrap_from_bucket(&again, &stored, &a).unwrap();
        assert_eq!(back.seal(&a, b"x").len(), dk.seal(&a, b"x").len());
        assert!(DataKey::unwrap_from_bucket(&BucketKey::for_tests(42, 9), &stored, &a).is_err());
        assert!(DataKey::unwrap_from_bucket(&BucketKey::for_tests(41, 9), &stored, &a).is_err());

        ring.destroy_bucket(42).unwrap();
        assert!(!file.exists());
        assert!(matches!(
            ring.bucket(&master, 42),
            Err(CryptoError::BucketMissing { id: 42 })
        ));
        ring.destroy_bucket(42).unwrap();
        assert_eq!(ring.entry_names().unwrap(), vec!["bucket-43".to_string()]);
    }

    #[test]
    fn letter_entries_outlive_their_bucket_until_destroyed() {
        let dir = TempDir::new();
        let ring = Keyring::open(&dir.path().join("keyring")).unwrap();
        let master = MasterKey::for_tests(1);
        let (a1, a2) = (aad(&[b"appeal-key", b"1"]), aad(&[b"appeal-key", b"2"]));
        assert!(ring.letter_key(&master, &a1).unwrap().is_none());
        let dk = DataKey::generate();
        let same = DataKey::from_bytes(*dk.bytes());
        assert_eq!(
            ring.save_letter_keys(&master, &[(a1.clone(), same)])
                .unwrap(),
            1
        );
        // Saved once; a second save leaves it alone.
        let again = DataKey::generate();
        assert_eq!(
            ring.save_letter_keys(&master, &[(a1.clone(), again)])
                .unwrap(),
            0
        );
        let back = ring.letter_key(&master, &a1).unwrap().unwrap();
        assert_eq!(back.bytes(), dk.bytes());
        assert!(ring.letter_key(&master, &a2).unwrap().is_none());
        assert!(ring.letter_key(&MasterKey::for_tests(2), &a1).is_err());
        // The entry's name says nothing but a hash.
        let names = ring.entry_names().unwrap();
        assert_eq!(names.len(), 1);
        assert!(names[0].starts_with("letter-") && names[0].len() == 7 + 32);
        assert!(!ring.was_shredded(5));
        ring.mark_shredded(&master, 5).unwrap();
        ring.mark_shredded(&master, 5).unwrap();
        assert!(ring.was_shredded(5) && !ring.has_bucket(5));
        assert_eq!(
            ring.destroy_letter_keys([a1.as_slice(), a2.as_slice()])
                .unwrap(),
            1
        );
        assert!(ring.letter_key(&master, &a1).unwrap().is_none());
    }

    #[test]
    fn an_open_folder_is_refused() {
        let dir = TempDir::new();
        let k = dir.path().join("keyring");
        fs::create_dir(&k).unwrap();
        fs::set_permissions(&k, fs::Permissions::from_mode(0o755)).unwrap();
        assert!(matches!(
            Keyring::open(&k),
            Err(CryptoError::KeyringInsecure { .. })
        ));
    }

    #[test]
    fn root_keeps_the_master_derivation_and_survives_rotation() {
        let dir = TempDir::new();
        let kdir = dir.path().join("k");
        let ring = Keyring::open(&kdir).unwrap();
        let old = MasterKey::for_tests(1);
        let root = ring.ensure_root(&old, true).unwrap();
        assert_eq!(root.pepper().bytes(), old.pepper().bytes());
        ring.create_bucket(&old, 7).unwrap();
        let b7 = ring.bucket(&old, 7).unwrap().bytes;
        let new = MasterKey::for_tests(2);
        let names = ring.entry_names().unwrap();
        assert_eq!(names, vec!["bucket-7".to_string(), "root".to_string()]);
        // Interrupted after the first entry: reading works with either key while pending.
        assert_eq!(
            ring.rotate_entry(&names[0], &old, &new).unwrap(),
            RotateStep::Rewrapped
        );
        let mid = Keyring::open(&kdir)
            .unwrap()
            .with_pending(Some(MasterKey::for_tests(2)));
        assert_eq!(mid.bucket(&old, 7).unwrap().bytes, b7);
        assert!(mid.root(&old).unwrap().is_some());
        for n in &names {
            ring.rotate_entry(n, &old, &new).unwrap();
        }
        assert_eq!(
            ring.rotate_entry(&names[1], &old, &new).unwrap(),
            RotateStep::AlreadyNew
        );
        assert_eq!(ring.bucket(&new, 7).unwrap().bytes, b7);
        assert!(ring.bucket(&old, 7).is_err());
        let root2 = ring.root(&new).unwrap().unwrap();
        assert_eq!(root2.pepper().bytes(), old.pepper().bytes());
        // A fresh installation gets a random root.
        let dir2 = TempDir::new();
        let r2 = Keyring::open(&dir2.path().join("k"))
            .unwrap()
            .ensure_root(&old, false)
            .unwrap();
        assert_ne!(r2.pepper().bytes(), old.pepper().bytes());
    }
}
