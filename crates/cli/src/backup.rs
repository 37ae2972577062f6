//! `trustbox backup` and `trustbox restore`: one portable archive of the whole database.
//!
//! The archive is a tar file:
//! - `manifest.json`: format and schema version, the backend it came from, when, the master
//!   key's public fingerprint (its id, not the key), and per table its columns, row count, member
//!   name and the SHA-256 of that member;
//! - `tables/NNN-<table>.jsonl`: one JSON array per row, tables in foreign-key order (bytes in
//!   base64), the same whichever backend wrote it, so a backup of SQLite restores into PostgreSQL
//!   and back;
//! - `SHA256`, last: the SHA-256 of every byte of the tar before it. With the trailer checked to
//!   be exactly the zero blocks a tar ends with, every byte of the file is covered.
//!
//! With a passphrase, the whole tar is encrypted with age (scrypt recipient). The master key and
//! the `keyring/` folder are never in a backup: they are backed up separately (a destroyed key
//! must stay destroyed, and a lost key loses the data).

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use age::secrecy::SecretString;
use base64::Engine;
use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use trustbox_crypto::MasterKey;
use trustbox_store::dump::{Export, Import, Kind, Value};
use trustbox_store::{AuditInput, Backend, SCHEMA_VERSION, Store, redact_url};

use crate::config::Config;

pub const FORMAT: &str = "trustbox-backup";
pub const FORMAT_VERSION: i64 = 1;
const MANIFEST: &str = "manifest.json";
const CHECKSUM: &str = "SHA256";
const AGE_MAGIC: &[u8] = b"age-encryption.org/";
const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub format: String,
    pub format_version: i64,
    pub schema_version: i64,
    pub backend: String,
    pub created_at: String,
    pub trustbox_version: String,
    pub key_fingerprint: String,
    pub encrypted: bool,
    pub tables: Vec<TableEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TableEntry {
    pub name: String,
    pub member: String,
    pub rows: u64,
    pub sha256: String,
    /// `[name, kind]` with kind `int`, `text`, `blob`, `real` or `bool`.
    pub columns: Vec<(String, String)>,
}

/// The passphrase: from `--passphrase-file` (its first line) or `TRUSTBOX_BACKUP_PASSPHRASE`.
pub fn passphrase(file: Option<&Path>) -> Result<Option<SecretString>, String> {
    let text = match file {
        Some(f) => {
            let t = std::fs::read_to_string(f)
                .map_err(|e| format!("cannot read the passphrase file {}: {e}", f.display()))?;
            Some(t.lines().next().unwrap_or("").to_string())
        }
        None => std::env::var("TRUSTBOX_BACKUP_PASSPHRASE").ok(),
    };
    match text {
        Some(t) if t.is_empty() => Err(
            "the backup passphrase is empty: put it in the passphrase file or TRUSTBOX_BACKUP_PASSPHRASE"
                .into(),
        ),
        Some(t) => Ok(Some(SecretString::from(t))),
        None => Ok(None),
    }
}

/// A private scratch folder inside the data folder (which already holds the same data), removed
/// when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    /// A new scratch folder `.WHAT-PID-RANDOM`; first removes the scratch folders (a full copy
    /// of the database) that a backup or migration killed before it could clean up left behind
    /// (their process is gone).
    pub fn new(data_dir: &Path, what: &str) -> Result<Scratch, String> {
        Scratch::clean_stale(data_dir);
        let dir = data_dir.join(format!(".{what}-{}-{:x}", std::process::id(), rand_u32()));
        let mut b = std::fs::DirBuilder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            b.mode(0o700);
        }
        b.recursive(true)
            .create(&dir)
            .map_err(|e| format!("cannot create the folder {}: {e}", dir.display()))?;
        Ok(Scratch(dir))
    }
}

impl Scratch {
    fn clean_stale(data_dir: &Path) {
        let Ok(rd) = std::fs::read_dir(data_dir) else {
            return;
        };
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let Some(rest) = [".backup-", ".migrate-to-"]
                .iter()
                .find_map(|p| name.strip_prefix(p))
            else {
                continue;
            };
            let Some(Ok(pid)) = rest.split('-').next().map(str::parse::<u32>) else {
                continue;
            };
            let alive = pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists();
            if !alive && e.file_type().is_ok_and(|t| t.is_dir()) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn rand_u32() -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    h.finish() as u32
}

fn private_file(path: &Path) -> io::Result<File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

/// The store to read a consistent state from: for SQLite a `VACUUM INTO` copy made while the
/// server may go on writing, for PostgreSQL the database itself (read in one repeatable-read
/// transaction).
pub async fn snapshot_source(store: &Store, scratch: &Scratch) -> Result<Store, String> {
    match store.backend() {
        Backend::Sqlite => {
            let path = scratch.0.join("snapshot.sqlite3");
            // An empty file of mode 0600: `VACUUM INTO` fills it and keeps its mode.
            crate::install::private_db_file(&path)?;
            store
                .sqlite_snapshot(&path)
                .await
                .map_err(|e| format!("cannot copy the database: {e}"))?;
            Store::connect(&format!("sqlite://{}", path.display()))
                .await
                .map_err(|e| e.to_string())
        }
        Backend::Postgres => Ok(store.clone()),
    }
}

fn value_to_json(v: Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Int(i) => i.into(),
        Value::Text(s) => s.into(),
        Value::Blob(b) => B64.encode(b).into(),
        Value::Real(f) => serde_json::Number::from_f64(f)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
        Value::Bool(b) => b.into(),
    }
}

fn json_to_value(j: &serde_json::Value, kind: Kind) -> Option<Value> {
    Some(match (j, kind) {
        (serde_json::Value::Null, _) => Value::Null,
        (serde_json::Value::Number(n), Kind::Int) => Value::Int(n.as_i64()?),
        (serde_json::Value::Number(n), Kind::Real) => Value::Real(n.as_f64()?),
        (serde_json::Value::String(s), Kind::Text) => Value::Text(s.clone()),
        (serde_json::Value::String(s), Kind::Blob) => Value::Blob(B64.decode(s).ok()?),
        (serde_json::Value::Bool(b), Kind::Bool) => Value::Bool(*b),
        _ => return None,
    })
}

/// Hashes what goes through it.
struct HashWriter<W> {
    inner: W,
    hasher: Sha256,
}

impl<W: Write> Write for HashWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

enum Sink {
    Plain(BufWriter<File>),
    Age(age::stream::StreamWriter<BufWriter<File>>),
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Plain(w) => w.write(buf),
            Sink::Age(w) => w.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Plain(w) => w.flush(),
            Sink::Age(w) => w.flush(),
        }
    }
}

impl Sink {
    fn finish(self) -> io::Result<File> {
        let w = match self {
            Sink::Plain(w) => w,
            Sink::Age(w) => w.finish()?,
        };
        w.into_inner().map_err(|e| e.into_error())
    }
}

fn header(path: &str, size: u64, mtime: u64) -> io::Result<tar::Header> {
    let mut h = tar::Header::new_ustar();
    h.set_path(path)?;
    h.set_size(size);
    h.set_mode(0o600);
    h.set_mtime(mtime);
    h.set_entry_type(tar::EntryType::Regular);
    h.set_cksum();
    Ok(h)
}

pub struct BackupSummary {
    pub manifest: Manifest,
    pub bytes: u64,
}

/// Writes the backup of `store` to `out` (which must not exist yet).
pub async fn backup(
    cfg: &Config,
    store: &Store,
    master: &MasterKey,
    out: &Path,
    pass: Option<SecretString>,
) -> Result<BackupSummary, String> {
    if out.exists() {
        return Err(format!(
            "{} exists already: choose another file name (nothing was written)",
            out.display()
        ));
    }
    let scratch = Scratch::new(&cfg.data_dir, "backup")?;
    let source = snapshot_source(store, &scratch).await?;
    let mut export = source.export().await.map_err(|e| e.to_string())?;
    let now = time::OffsetDateTime::now_utc();
    let mtime = now.unix_timestamp().max(0) as u64;
    let mut entries = Vec::new();
    let mut files = Vec::new();
    for (i, t) in export.tables.clone().iter().enumerate() {
        let member = format!("tables/{:03}-{}.jsonl", i + 1, t.name);
        let path = scratch.0.join(format!("{:03}.jsonl", i + 1));
        let file =
            private_file(&path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        let mut w = HashWriter {
            inner: BufWriter::new(file),
            hasher: Sha256::new(),
        };
        let sql = Export::select_sql(t);
        let mut rows = 0u64;
        {
            let mut stream = std::pin::pin!(export.stream(&sql, t));
            while let Some(values) = stream.try_next().await.map_err(|e| e.to_string())? {
                let line =
                    serde_json::Value::Array(values.into_iter().map(value_to_json).collect());
                serde_json::to_writer(&mut w, &line).map_err(|e| e.to_string())?;
                w.write_all(b"\n").map_err(|e| e.to_string())?;
                rows += 1;
            }
        }
        w.flush().map_err(|e| e.to_string())?;
        entries.push(TableEntry {
            name: t.name.clone(),
            member: member.clone(),
            rows,
            sha256: hex::encode(w.hasher.finalize()),
            columns: t
                .columns
                .iter()
                .map(|(c, k)| (c.clone(), k.code().to_string()))
                .collect(),
        });
        files.push((member, path));
    }
    let schema_version = export.schema_version;
    export.done().await.map_err(|e| e.to_string())?;
    if store.backend() == Backend::Sqlite {
        source.close().await;
    }
    let manifest = Manifest {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        schema_version,
        backend: match store.backend() {
            Backend::Sqlite => "sqlite".into(),
            Backend::Postgres => "postgres".into(),
        },
        created_at: now
            .format(&time::format_description::well_known::Rfc3339)
            .map_err(|e| e.to_string())?,
        trustbox_version: env!("CARGO_PKG_VERSION").into(),
        key_fingerprint: master.fingerprint(),
        encrypted: pass.is_some(),
        tables: entries,
    };
    let manifest_bytes = serde_json::to_vec_pretty(&manifest).map_err(|e| e.to_string())?;

    let partial = PathBuf::from(format!("{}.partial", out.display()));
    let _ = std::fs::remove_file(&partial);
    let write = || -> io::Result<u64> {
        let file = BufWriter::new(private_file(&partial)?);
        let sink = match &pass {
            Some(p) => {
                Sink::Age(age::Encryptor::with_user_passphrase(p.clone()).wrap_output(file)?)
            }
            None => Sink::Plain(file),
        };
        let mut b = tar::Builder::new(HashWriter {
            inner: sink,
            hasher: Sha256::new(),
        });
        b.append(
            &header(MANIFEST, manifest_bytes.len() as u64, mtime)?,
            manifest_bytes.as_slice(),
        )?;
        for (member, path) in &files {
            let f = File::open(path)?;
            let len = f.metadata()?.len();
            b.append(&header(member, len, mtime)?, f)?;
        }
        let digest = hex::encode(b.get_mut().hasher.clone().finalize());
        b.append(
            &header(CHECKSUM, digest.len() as u64, mtime)?,
            digest.as_bytes(),
        )?;
        let hw = b.into_inner()?;
        let file = hw.inner.finish()?;
        file.sync_all()?;
        Ok(file.metadata()?.len())
    };
    let bytes = match write() {
        Ok(n) => n,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(format!("cannot write the backup {}: {e}", out.display()));
        }
    };
    std::fs::rename(&partial, out)
        .map_err(|e| format!("cannot write the backup {}: {e}", out.display()))?;
    drop(scratch);
    let total: u64 = manifest.tables.iter().map(|t| t.rows).sum();
    store
        .audit(
            &AuditInput {
                actor_id: None,
                school_id: None,
                action: "backup-created",
                object: "installation",
                detail: &format!(
                    "cli; {} rows; {}",
                    total,
                    if manifest.encrypted {
                        "encrypted"
                    } else {
                        "not encrypted"
                    }
                ),
            },
            now.unix_timestamp(),
        )
        .await
        .map_err(|e| e.to_string())?;
    Ok(BackupSummary { manifest, bytes })
}

/// Hashes every byte read, remembers the hash state at the last few 512-byte block boundaries
/// (so the hash of everything before a tar header can be had after reading it), and counts
/// non-zero bytes from a watch position on.
#[derive(Default)]
struct Tally {
    pos: u64,
    hasher: Sha256,
    marks: VecDeque<(u64, Sha256)>,
    watch_from: Option<u64>,
    nonzero_after_watch: u64,
    eof: bool,
    /// The checksum member was read and matched.
    complete: bool,
}

struct TallyReader<R> {
    inner: R,
    tally: Rc<RefCell<Tally>>,
}

impl<R: Read> Read for TallyReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut t = self.tally.borrow_mut();
        if n == 0 && !buf.is_empty() {
            t.eof = true;
        }
        let mut off = 0;
        while off < n {
            let boundary = (t.pos / 512 + 1) * 512;
            let take = ((n - off) as u64).min(boundary - t.pos) as usize;
            let chunk = &buf[off..off + take];
            t.hasher.update(chunk);
            if let Some(w) = t.watch_from {
                let start = t.pos;
                let nz = chunk
                    .iter()
                    .enumerate()
                    .filter(|(i, b)| start + *i as u64 >= w && **b != 0)
                    .count();
                t.nonzero_after_watch += nz as u64;
            }
            t.pos += take as u64;
            off += take;
            if t.pos.is_multiple_of(512) {
                let (pos, h) = (t.pos, t.hasher.clone());
                t.marks.push_back((pos, h));
                if t.marks.len() > 8 {
                    t.marks.pop_front();
                }
            }
        }
        Ok(n)
    }
}

/// Hashes one member while it is read.
struct MemberReader<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> Read for MemberReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// Why an archive cannot be used; each becomes one line.
#[derive(Debug)]
pub enum ArchiveError {
    Open(String),
    Damaged(String),
    Truncated,
    NeedsPassphrase,
    WrongPassphrase,
    Load(String),
}

impl ArchiveError {
    pub fn line(&self, file: &Path) -> String {
        let f = file.display();
        match self {
            ArchiveError::Open(e) => format!("cannot read the backup {f}: {e}"),
            ArchiveError::Damaged(why) => format!(
                "the backup {f} is damaged ({why}); nothing was changed — use another copy of the backup"
            ),
            ArchiveError::Truncated => format!(
                "the backup {f} is incomplete (the file was cut short); nothing was changed — use another copy of the backup"
            ),
            ArchiveError::NeedsPassphrase => format!(
                "the backup {f} is encrypted: give its passphrase with --passphrase-file FILE or TRUSTBOX_BACKUP_PASSPHRASE; nothing was changed"
            ),
            ArchiveError::WrongPassphrase => format!(
                "the passphrase does not open the backup {f} (wrong passphrase, or a damaged file); nothing was changed"
            ),
            ArchiveError::Load(e) => {
                format!("cannot restore the backup {f}: {e}; nothing was changed")
            }
        }
    }
}

fn io_err(e: io::Error) -> ArchiveError {
    if e.kind() == io::ErrorKind::UnexpectedEof {
        ArchiveError::Truncated
    } else if e.kind() == io::ErrorKind::InvalidData && e.to_string().contains("decrypt") {
        ArchiveError::Damaged("a part does not decrypt: the file is damaged or cut short".into())
    } else {
        ArchiveError::Damaged(e.to_string())
    }
}

fn open_plain(path: &Path, pass: Option<&SecretString>) -> Result<Box<dyn Read>, ArchiveError> {
    let f = File::open(path).map_err(|e| ArchiveError::Open(e.to_string()))?;
    let mut r = BufReader::new(f);
    let head = r
        .fill_buf()
        .map_err(|e| ArchiveError::Open(e.to_string()))?;
    if head.is_empty() {
        return Err(ArchiveError::Truncated);
    }
    if head.starts_with(AGE_MAGIC) {
        let Some(pass) = pass else {
            return Err(ArchiveError::NeedsPassphrase);
        };
        let d = age::Decryptor::new_buffered(r).map_err(|e| match e {
            age::DecryptError::Io(e) => io_err(e),
            other => ArchiveError::Damaged(other.to_string()),
        })?;
        if !d.is_scrypt() {
            return Err(ArchiveError::Damaged(
                "not encrypted with a passphrase".into(),
            ));
        }
        let id = age::scrypt::Identity::new(pass.clone());
        let reader = d
            .decrypt(std::iter::once(&id as &dyn age::Identity))
            .map_err(|e| match e {
                age::DecryptError::NoMatchingKeys
                | age::DecryptError::DecryptionFailed
                | age::DecryptError::KeyDecryptionFailed
                | age::DecryptError::InvalidMac => ArchiveError::WrongPassphrase,
                age::DecryptError::Io(e) => io_err(e),
                other => ArchiveError::Damaged(other.to_string()),
            })?;
        Ok(Box::new(reader))
    } else {
        Ok(Box::new(r))
    }
}

/// What `restore` reads from an archive before it touches anything: the installation's meta
/// values and, per appeal, what its key needs.
#[derive(Debug, Default)]
pub struct Peek {
    pub meta: Vec<(String, String)>,
    pub appeals: Vec<trustbox_store::KeyedAppeal>,
}

impl Peek {
    fn take(&mut self, table: &str, columns: &[String], values: &[Value]) {
        let get = |name: &str| {
            columns
                .iter()
                .position(|c| c == name)
                .and_then(|i| values.get(i))
        };
        let int = |name: &str| match get(name) {
            Some(Value::Int(i)) => Some(*i),
            _ => None,
        };
        match table {
            "meta" => {
                if let (Some(Value::Text(k)), Some(Value::Text(v))) = (get("key"), get("value")) {
                    self.meta.push((k.clone(), v.clone()));
                }
            }
            "appeals" => {
                let destroyed = !matches!(get("destroyed_at"), None | Some(Value::Null));
                if let (false, Some(Value::Blob(key)), Some(id), Some(school_id)) =
                    (destroyed, get("data_key"), int("id"), int("school_id"))
                {
                    self.appeals.push(trustbox_store::KeyedAppeal {
                        id,
                        school_id,
                        received_at: int("received_at").unwrap_or_default(),
                        closed_at: int("closed_at"),
                        data_key: key.clone(),
                        key_bucket_id: int("key_bucket_id"),
                        label: None,
                        journal_year: int("journal_year").unwrap_or_default(),
                        journal_seq: int("journal_seq").unwrap_or_default(),
                    });
                }
            }
            _ => {}
        }
    }
}

/// Reads and checks the whole archive; with `import`, loads every row into it as it goes (the
/// caller commits only when this returns Ok).
pub async fn read_archive(
    path: &Path,
    pass: Option<&SecretString>,
    import: Option<&mut Import>,
) -> Result<Manifest, ArchiveError> {
    read_archive_peek(path, pass, import, None).await
}

/// [`read_archive`], also collecting what [`Peek`] keeps.
pub async fn read_archive_peek(
    path: &Path,
    pass: Option<&SecretString>,
    import: Option<&mut Import>,
    peek: Option<&mut Peek>,
) -> Result<Manifest, ArchiveError> {
    let tally = Rc::new(RefCell::new(Tally::default()));
    match read_tar(path, pass, import, peek, tally.clone()).await {
        // A member that ends early, at the end of the file: the file was cut short.
        Err(ArchiveError::Damaged(_)) if tally.borrow().eof && !tally.borrow().complete => {
            Err(ArchiveError::Truncated)
        }
        other => other,
    }
}

async fn read_tar(
    path: &Path,
    pass: Option<&SecretString>,
    mut import: Option<&mut Import>,
    mut peek: Option<&mut Peek>,
    tally: Rc<RefCell<Tally>>,
) -> Result<Manifest, ArchiveError> {
    let reader = TallyReader {
        inner: open_plain(path, pass)?,
        tally: tally.clone(),
    };
    let mut archive = tar::Archive::new(reader);
    let mut manifest: Option<Manifest> = None;
    let mut next_table = 0usize;
    let mut checksum_seen = false;
    {
        let entries = archive.entries().map_err(io_err)?;
        for entry in entries {
            let mut entry = entry.map_err(io_err)?;
            if checksum_seen {
                return Err(ArchiveError::Damaged("a member after the checksum".into()));
            }
            let name = entry.path().map_err(io_err)?.to_string_lossy().into_owned();
            if manifest.is_none() {
                if name != MANIFEST {
                    return Err(ArchiveError::Damaged(format!(
                        "it does not start with {MANIFEST}: not a Trustbox backup?"
                    )));
                }
                let mut buf = Vec::new();
                entry.read_to_end(&mut buf).map_err(io_err)?;
                let m: Manifest = serde_json::from_slice(&buf)
                    .map_err(|e| ArchiveError::Damaged(format!("the manifest: {e}")))?;
                if m.format != FORMAT {
                    return Err(ArchiveError::Damaged("not a Trustbox backup".into()));
                }
                manifest = Some(m);
                continue;
            }
            let Some(m) = manifest.as_ref() else {
                continue;
            };
            if name == CHECKSUM {
                let header_at = entry.raw_header_position();
                let before = tally
                    .borrow()
                    .marks
                    .iter()
                    .find(|(p, _)| *p == header_at)
                    .map(|(_, h)| hex::encode(h.clone().finalize()));
                if entry.size() != 64 {
                    return Err(ArchiveError::Damaged("the checksum member".into()));
                }
                tally.borrow_mut().watch_from = Some(header_at + 512 + 64);
                let mut buf = String::new();
                entry.read_to_string(&mut buf).map_err(io_err)?;
                if before.as_deref() != Some(buf.as_str()) {
                    return Err(ArchiveError::Damaged("checksum mismatch".into()));
                }
                if next_table != m.tables.len() {
                    return Err(ArchiveError::Damaged("tables are missing".into()));
                }
                checksum_seen = true;
                tally.borrow_mut().complete = true;
                continue;
            }
            let Some(t) = m.tables.get(next_table) else {
                return Err(ArchiveError::Damaged(format!(
                    "an unexpected member {name}"
                )));
            };
            if t.member != name {
                return Err(ArchiveError::Damaged(format!(
                    "member {name} where {} was expected",
                    t.member
                )));
            }
            next_table += 1;
            let kinds: Vec<Kind> = t
                .columns
                .iter()
                .map(|(_, k)| Kind::parse(k))
                .collect::<Option<_>>()
                .ok_or_else(|| ArchiveError::Damaged("a column kind".into()))?;
            let columns: Vec<String> = t.columns.iter().map(|(c, _)| c.clone()).collect();
            let mut r = BufReader::new(MemberReader {
                inner: &mut entry,
                hasher: Sha256::new(),
            });
            let mut rows = 0u64;
            let mut line = String::new();
            loop {
                line.clear();
                let n = r.read_line(&mut line).map_err(io_err)?;
                if n == 0 {
                    break;
                }
                rows += 1;
                let peeking = peek.is_some() && (t.name == "meta" || t.name == "appeals");
                if import.is_some() || peeking {
                    let json: serde_json::Value = serde_json::from_str(&line)
                        .map_err(|e| ArchiveError::Damaged(format!("a row of {}: {e}", t.name)))?;
                    let arr = json
                        .as_array()
                        .filter(|a| a.len() == kinds.len())
                        .ok_or_else(|| ArchiveError::Damaged(format!("a row of {}", t.name)))?;
                    let values: Vec<Value> = arr
                        .iter()
                        .zip(&kinds)
                        .map(|(j, k)| json_to_value(j, *k))
                        .collect::<Option<_>>()
                        .ok_or_else(|| {
                            ArchiveError::Damaged(format!("a value in a row of {}", t.name))
                        })?;
                    if let Some(p) = peek.as_deref_mut() {
                        p.take(&t.name, &columns, &values);
                    }
                    if let Some(imp) = import.as_deref_mut() {
                        imp.insert(&t.name, &columns, values)
                            .await
                            .map_err(|e| ArchiveError::Load(e.to_string()))?;
                    }
                }
            }
            let digest = hex::encode(r.into_inner().hasher.finalize());
            if digest != t.sha256 {
                return Err(ArchiveError::Damaged(format!(
                    "{} does not match its checksum",
                    t.member
                )));
            }
            if rows != t.rows {
                return Err(ArchiveError::Damaged(format!(
                    "{} has {rows} rows, the manifest says {}",
                    t.member, t.rows
                )));
            }
        }
    }
    if !checksum_seen {
        return Err(ArchiveError::Truncated);
    }
    let mut rest = archive.into_inner();
    io::copy(&mut rest, &mut io::sink()).map_err(io_err)?;
    let t = tally.borrow();
    let end = t.watch_from.map(|w| w - 64 + 512 + 1024);
    if t.nonzero_after_watch != 0 {
        return Err(ArchiveError::Damaged("bytes after the checksum".into()));
    }
    if end != Some(t.pos) {
        return Err(if end.is_some_and(|e| t.pos < e) {
            ArchiveError::Truncated
        } else {
            ArchiveError::Damaged("bytes after the end of the archive".into())
        });
    }
    manifest.ok_or(ArchiveError::Truncated)
}

/// Before a restore touches anything: the keyring folder belongs to the backup's installation
/// (its root opens with the master key and is the one the backup names), and every letter of
/// the backup that is not destroyed opens with it — through its bucket or its own entry — or
/// was destroyed on purpose since (its bucket marked shredded).
fn check_keyring(cfg: &Config, key_path: &Path, peek: &Peek) -> Result<(), String> {
    let dir = &cfg.keyring_dir;
    let refuse = |why: String| {
        format!(
            "{why}: point keyring_dir (--keyring-dir) at the keyring folder of the installation that made this backup (backups never contain it) — nothing was changed"
        )
    };
    let known = peek
        .meta
        .iter()
        .find(|(k, _)| k == "keyring_root")
        .map(|(_, v)| v.clone());
    let key = MasterKey::load_file(key_path).map_err(|e| e.to_string())?;
    let keyring = trustbox_crypto::Keyring::lazy(dir);
    let root = match keyring.root(&key) {
        Ok(Some(r)) => r,
        // A backup from before the keyring: its letters' keys are wrapped by the master key
        // (checked below); the keyring is made at the first start.
        Ok(None) if known.is_none() => trustbox_crypto::DerivationRoot::of_master(&key),
        Ok(None) => {
            return Err(refuse(format!(
                "the keyring folder {} is empty, but the letters of this backup are protected by keyring {}",
                dir.display(),
                known.unwrap_or_default()
            )));
        }
        Err(e) => return Err(refuse(e.to_string())),
    };
    if let Some(fp) = known.as_deref()
        && fp != root.fingerprint()
    {
        return Err(refuse(format!(
            "the keyring folder {} (keyring {}) is not the one of this backup (keyring {fp})",
            dir.display(),
            root.fingerprint()
        )));
    }
    let keys = trustbox_web::Keys::with_keyring(key, keyring, &root);
    let mut lost = Vec::new();
    for a in &peek.appeals {
        let aad = trustbox_web::intake::key_aad(a.school_id, a.id);
        match keys.unwrap_data_key(&a.data_key, &aad) {
            Ok(_) => {}
            Err(trustbox_crypto::CryptoError::BucketMissing { id })
                if keys.keyring.was_shredded(id) => {}
            Err(_) => lost.push(format!(
                "school id {} {}/{}",
                a.school_id, a.journal_year, a.journal_seq
            )),
        }
    }
    if !lost.is_empty() {
        let n = lost.len();
        let more = if n > 5 { ", …" } else { "" };
        lost.truncate(5);
        return Err(refuse(format!(
            "the keyring folder {} cannot open {n} letters of this backup ({}{more})",
            dir.display(),
            lost.join(", ")
        )));
    }
    Ok(())
}

/// Restores `file` into the installation's database; see the module documentation.
pub async fn restore(
    cfg: &Config,
    file: &Path,
    pass: Option<SecretString>,
    force: bool,
) -> Result<String, String> {
    // 1. The archive is whole and opens (before anything else is touched).
    let mut peek = Peek::default();
    let manifest = read_archive_peek(file, pass.as_ref(), None, Some(&mut peek))
        .await
        .map_err(|e| e.line(file))?;
    if manifest.format_version > FORMAT_VERSION {
        return Err(format!(
            "the backup {} has format version {} and this Trustbox reads up to {FORMAT_VERSION}; install the newer Trustbox — nothing was changed",
            file.display(),
            manifest.format_version
        ));
    }
    if manifest.schema_version > SCHEMA_VERSION {
        return Err(format!(
            "the backup {} was made by a newer Trustbox (schema version {}, this binary knows up to {SCHEMA_VERSION}); install the newer Trustbox — nothing was changed",
            file.display(),
            manifest.schema_version
        ));
    }
    // 2. The master key of this installation is the one the data was encrypted with.
    let key_path = cfg.key_path();
    if !key_path.exists() {
        return Err(format!(
            "the master key {} is missing: copy the key file of the installation that made this backup there (backups never contain it; its id is {}) — nothing was changed",
            key_path.display(),
            manifest.key_fingerprint
        ));
    }
    let key = MasterKey::load_file(&key_path).map_err(|e| e.to_string())?;
    if key.fingerprint() != manifest.key_fingerprint {
        return Err(format!(
            "the backup {} was made with master key id {}, but {} has id {}: put the key of the installation that made the backup in place — nothing was changed",
            file.display(),
            manifest.key_fingerprint,
            key_path.display(),
            key.fingerprint()
        ));
    }
    // 3. This keyring (with this master key) opens the backup's letters.
    check_keyring(cfg, &key_path, &peek)?;
    // 4. The target is empty, or --force.
    crate::install::prepare_dirs(cfg)?;
    let store = Store::connect(&cfg.database_url)
        .await
        .map_err(|e| e.to_string())?;
    let existing = store.tables().await.map_err(|e| e.to_string())?;
    if !existing.is_empty() {
        let version = store.schema_version().await.map_err(|e| e.to_string())?;
        if version > SCHEMA_VERSION {
            return Err(trustbox_store::StoreError::NewerSchema {
                found: version,
                known: SCHEMA_VERSION,
            }
            .to_string());
        }
    }
    let nonempty = store.nonempty_tables().await.map_err(|e| e.to_string())?;
    if !nonempty.is_empty() && !force {
        let mut list = nonempty
            .iter()
            .take(4)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        if nonempty.len() > 4 {
            list.push_str(", …");
        }
        return Err(format!(
            "the database {} is not empty ({list}); restoring replaces everything in it: add --force if that is what you want — nothing was changed",
            redact_url(&cfg.database_url)
        ));
    }
    // 5. Everything in one transaction: drop, create, load, check, migrate, commit.
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut import = store
        .import(manifest.schema_version, now)
        .await
        .map_err(|e| format!("cannot restore: {e}; nothing was changed"))?;
    let again = read_archive(file, pass.as_ref(), Some(&mut import))
        .await
        .map_err(|e| e.line(file))?;
    if again != manifest {
        return Err(ArchiveError::Damaged("it changed while being read".into()).line(file));
    }
    for t in &manifest.tables {
        if import.count(&t.name) != t.rows {
            return Err(
                ArchiveError::Load(format!("{} rows of {} did not load", t.rows, t.name))
                    .line(file),
            );
        }
    }
    import
        .finish()
        .await
        .map_err(|e| format!("cannot restore: {e}; nothing was changed"))?;
    store
        .set_meta("key_fingerprint", &key.fingerprint())
        .await
        .map_err(|e| e.to_string())?;
    let total: u64 = manifest.tables.iter().map(|t| t.rows).sum();
    store
        .audit(
            &AuditInput {
                actor_id: None,
                school_id: None,
                action: "backup-restored",
                object: "installation",
                detail: &format!("cli; backup of {}; {total} rows", manifest.created_at),
            },
            now,
        )
        .await
        .map_err(|e| e.to_string())?;
    store.close().await;
    Ok(format!(
        "restored {total} rows in {} tables from the backup of {} ({}, schema version {})",
        manifest.tables.len(),
        manifest.created_at,
        manifest.backend,
        manifest.schema_version
    ))
}
