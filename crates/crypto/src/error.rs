use std::io;
use std::path::PathBuf;

/// Everything that can go wrong in this crate. Each message is one English line that says what
/// to do next; none contains key material, plaintext, passwords or receipt codes.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    /// The master key file does not exist (and the caller did not ask to create it).
    #[error(
        "the master key file {} is missing: restore it from your key backup, or start with an empty data folder to create a new installation",
        path.display()
    )]
    KeyFileMissing { path: PathBuf },

    /// The master key file exists but could not be read.
    #[error(
        "the master key file {} cannot be read ({source}): check that it is a regular file owned by the user running trustbox",
        path.display()
    )]
    KeyFileUnreadable { path: PathBuf, source: io::Error },

    /// The master key file does not hold a well-formed key.
    #[error(
        "the master key file {} is damaged (it must be one line \"trustbox-master-key-v1:\" followed by 32 bytes in base64): restore it from your key backup",
        path.display()
    )]
    KeyFileMalformed { path: PathBuf },

    /// The master key file can be read or written by group or others.
    #[error(
        "the master key file {} has permissions {mode:04o}, so other users can access it: run `chmod 600 {}` and consider the key compromised if others could read it",
        path.display(),
        path.display()
    )]
    KeyFileInsecure { path: PathBuf, mode: u32 },

    /// [`crate::MasterKey::create_file`] found a file already in place; it never overwrites one.
    #[error(
        "the master key file {} already exists: refusing to overwrite it (move it away first if you really mean to replace the key; data sealed under it will then be unreadable)",
        path.display()
    )]
    KeyFileExists { path: PathBuf },

    /// Writing a new master key file failed.
    #[error(
        "could not write the master key file {} ({source}): check that the data folder exists and is writable by the user running trustbox",
        path.display()
    )]
    KeyFileWrite { path: PathBuf, source: io::Error },

    /// Authenticated decryption failed: wrong key, wrong associated data, or tampered/truncated
    /// ciphertext. Deliberately says nothing more.
    #[error(
        "decryption failed: the data was altered or belongs to another key or record; restore it from a backup taken with the same master key"
    )]
    Decrypt,

    /// A receipt code is not exactly 16 ASCII digits (spaces, dashes and dots between digits allowed).
    #[error(
        "the receipt code must be 16 digits, for example 1234-5678-9012-3456: check it and try again"
    )]
    InvalidReceipt,

    /// Password hashing failed (should not happen with the built-in parameters).
    #[error("the password could not be hashed: try again, and report this if it happens again")]
    PasswordHash,

    /// The keyring folder (or one of its files) can be accessed by group or others.
    #[error(
        "the keyring {} has permissions {mode:04o}, so other users can access it: run `chmod -R go-rwx {}` and consider its keys compromised if others could read them",
        path.display(),
        path.display()
    )]
    KeyringInsecure { path: PathBuf, mode: u32 },

    /// Reading or writing the keyring failed.
    #[error(
        "the keyring file {} cannot be read or written ({source}): check that the keyring folder exists and belongs to the user running trustbox",
        path.display()
    )]
    KeyringIo { path: PathBuf, source: io::Error },

    /// A keyring file does not hold a well-formed entry.
    #[error(
        "the keyring file {} is damaged: restore the keyring folder from its current copy",
        path.display()
    )]
    KeyringEntryMalformed { path: PathBuf },

    /// A keyring entry does not open with the master key.
    #[error(
        "the keyring file {} does not open with this master key: use the master key of this keyring, or finish an interrupted rotation with `trustbox keys rotate`",
        path.display()
    )]
    KeyringWrongMaster { path: PathBuf },

    /// A keyring entry that must be new exists already.
    #[error("the keyring file {} exists already: refusing to overwrite it", path.display())]
    KeyringEntryExists { path: PathBuf },

    /// A bucket key is not in the keyring: destroyed (its appeals were purged), or the keyring
    /// folder is not the one this database belongs to.
    #[error(
        "the key of bucket {id} is not in the keyring: it was destroyed when its appeals were purged, or this is not the keyring folder of this database (set keyring_dir)"
    )]
    BucketMissing { id: i64 },

    /// Any other input/output error.
    #[error(
        "an input/output error occurred ({0}): check the disk and the permissions of the data folder"
    )]
    Io(#[from] io::Error),
}
