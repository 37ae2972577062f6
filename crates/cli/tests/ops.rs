//! Backup, restore and migrate-to, run as an operator would, on populated installations (demo
//! schools and letters, an appeal with an attachment, staff, journal and audit rows), on SQLite
//! and PostgreSQL. Every bad input ends with one clear line, a non-zero exit, and nothing changed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use sha2::Digest;
use trustbox_crypto::MasterKey;
use trustbox_store::dump::{Export, Value};
use trustbox_store::testing::fresh;
use trustbox_store::{Backend, Store};
use trustbox_web::{AppState, SystemClock, WebConfig};

const BIN: &str = env!("CARGO_BIN_EXE_trustbox");

fn tmp(name: &str) -> PathBuf {
    let n: u64 = {
        use std::hash::{BuildHasher, Hasher};
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos(),
        );
        h.finish()
    };
    let d = std::env::temp_dir().join(format!("tb-ops-{name}-{}-{n:x}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// An installation: a data folder and, for PostgreSQL, a database URL.
struct Inst {
    data: PathBuf,
    url: Option<String>,
}

impl Inst {
    fn sqlite(name: &str) -> Inst {
        Inst {
            data: tmp(name),
            url: None,
        }
    }
    async fn postgres(name: &str) -> Inst {
        let db = fresh(Backend::Postgres)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        Inst {
            data: tmp(name),
            url: Some(db.url.clone()),
        }
    }
    fn db_url(&self) -> String {
        self.url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data.join("trustbox.sqlite3").display()))
    }
    fn cmd(&self) -> Command {
        let mut c = Command::new(BIN);
        for (k, _) in std::env::vars() {
            if k.starts_with("TRUSTBOX_") {
                c.env_remove(k);
            }
        }
        c.env("TRUSTBOX_LOG", "warn")
            .arg("--data-dir")
            .arg(&self.data);
        if let Some(u) = &self.url {
            c.args(["--database-url", u]);
        }
        c
    }
    fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }
    fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(
            o.status.success(),
            "{args:?} failed: {}{}",
            stdout(&o),
            stderr(&o)
        );
        stdout(&o)
    }
    /// A second installation on the same master key and keyring (a new machine the key and
    /// the keyring folder were copied to, as the README says to keep them).
    fn copy_key_to(&self, other: &Inst) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::create_dir_all(&other.data).unwrap();
        let to = other.data.join("master.key");
        std::fs::copy(self.data.join("master.key"), &to).unwrap();
        std::fs::set_permissions(&to, std::fs::Permissions::from_mode(0o600)).unwrap();
        let ring = self.data.join("keyring");
        if ring.is_dir() {
            let dest = other.data.join("keyring");
            std::fs::create_dir_all(&dest).unwrap();
            std::fs::set_permissions(&dest, std::fs::Permissions::from_mode(0o700)).unwrap();
            for e in std::fs::read_dir(&ring).unwrap() {
                let e = e.unwrap();
                let t = dest.join(e.file_name());
                std::fs::copy(e.path(), &t).unwrap();
                std::fs::set_permissions(&t, std::fs::Permissions::from_mode(0o600)).unwrap();
            }
        }
    }
}

impl Drop for Inst {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.data);
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// One line that starts with "error:" and says `needle`.
fn assert_one_clear_line(o: &Output, needle: &str) {
    assert!(
        !o.status.success(),
        "expected failure, got success: {}",
        stdout(o)
    );
    let err = stderr(o);
    let lines: Vec<_> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one line, got: {err}");
    assert!(lines[0].starts_with("error: "), "{err}");
    assert!(lines[0].contains(needle), "expected {needle:?} in: {err}");
}

struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(inst: &Inst, extra: &[&str]) -> Server {
    let mut child = inst
        .cmd()
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => {
                if let Some(u) = line.strip_prefix("Trustbox listening on ") {
                    let url = u.to_string();
                    return Server { child, url };
                }
            }
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the server did not start");
            }
        }
    }
}

fn http_post_json(url: &str, path: &str, json: &str) -> (u16, String) {
    let addr = url.trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).unwrap();
    write!(s, "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{json}", json.len()).unwrap();
    let mut buf = String::new();
    s.read_to_string(&mut buf).unwrap();
    let status = buf.split_whitespace().nth(1).unwrap().parse().unwrap();
    let body = buf.split("\r\n\r\n").nth(1).unwrap_or("").to_string();
    (status, body)
}

/// What a populated installation holds that must come back.
struct Fixture {
    /// Receipt code and text of an appeal sent through the JSON API.
    api_code: String,
    api_text: String,
    /// An appeal with an attachment, registered through the intake code.
    school_id: i64,
    appeal_id: i64,
    text: String,
    attachment_id: i64,
    attachment: Vec<u8>,
}

fn pdf_bytes() -> Vec<u8> {
    let mut b = b"%PDF-1.4\n".to_vec();
    b.extend((0..=255u8).cycle().take(3000));
    b.extend_from_slice(b"\n%%EOF\n");
    b
}

async fn state_of(inst: &Inst) -> AppState {
    let store = Store::connect(&inst.db_url()).await.unwrap();
    let master = MasterKey::load_file(&inst.data.join("master.key")).unwrap();
    // The installation's own keyring, as the server opens it.
    let ring = trustbox_crypto::Keyring::open(&inst.data.join("keyring")).unwrap();
    let root = ring
        .root(&master)
        .unwrap()
        .unwrap_or_else(|| trustbox_crypto::DerivationRoot::of_master(&master));
    let keys = trustbox_web::Keys::with_keyring(master, ring, &root);
    AppState::with_keys(store, keys, WebConfig::default(), Arc::new(SystemClock))
}

async fn populate(inst: &Inst) -> Fixture {
    let s = serve(inst, &["--demo"]);
    let api_text = "Мени классташтарым урушат, жардам бериңизчи \u{1F622} \"quoted\" \\ backslash";
    let (st, body) = http_post_json(
        &s.url,
        "/api/v1/schools/demo/appeals",
        &serde_json::json!({"author": "pupil", "category": "bullying", "text": api_text})
            .to_string(),
    );
    assert_eq!(st, 201, "{body}");
    let receipt: serde_json::Value = serde_json::from_str(&body).unwrap();
    let api_code = receipt["receipt"].as_str().unwrap().to_string();
    drop(s);

    let state = state_of(inst).await;
    let school = state.store.unit_by_slug("demo-kz").await.unwrap();
    let text = "Мені сыныптастарым қорлайды; суретті қосып жібердім.".to_string();
    let form = trustbox_domain::AppealForm {
        author: "parent".into(),
        anonymous: false,
        name: "Әлия".into(),
        category: "violence".into(),
        text: text.clone(),
        ..Default::default()
    };
    let today = trustbox_web::intake::local_date(&school, state.clock.now());
    let valid = trustbox_domain::validate_appeal(&form, today).unwrap();
    let file = trustbox_web::upload::accept("акт.pdf", pdf_bytes()).unwrap();
    let r = trustbox_web::intake::submit(
        &state,
        &school,
        trustbox_web::intake::Submission {
            valid,
            channel: trustbox_domain::Channel::Web,
            lang: trustbox_domain::Lang::Kk,
            files: vec![file],
            entered_by: None,
            received_at: None,
        },
    )
    .await
    .unwrap();
    let atts = state.store.attachments(r.appeal_id).await.unwrap();
    assert_eq!(atts.len(), 1);
    state.store.close().await;
    Fixture {
        api_code,
        api_text: api_text.to_string(),
        school_id: school.id,
        appeal_id: r.appeal_id,
        text,
        attachment_id: atts[0].id,
        attachment: pdf_bytes(),
    }
}

/// The restored installation holds the same letters, readable with the same key.
async fn assert_readable(inst: &Inst, fx: &Fixture) {
    let v = inst.ok(&["verify"]);
    assert!(
        v.contains("chain intact") && v.contains("chains intact"),
        "{v}"
    );
    let state = state_of(inst).await;
    let a = state
        .store
        .appeal(fx.school_id, fx.appeal_id)
        .await
        .unwrap();
    let dk = state
        .keys
        .unwrap_data_key(
            &a.data_key,
            &trustbox_web::intake::key_aad(fx.school_id, fx.appeal_id),
        )
        .unwrap();
    let text = dk
        .open_string(
            &trustbox_web::intake::field_aad(fx.school_id, fx.appeal_id, "text"),
            &a.text_enc,
        )
        .unwrap();
    assert_eq!(text, fx.text);
    let (_, enc) = state
        .store
        .attachment(fx.school_id, fx.appeal_id, fx.attachment_id)
        .await
        .unwrap();
    let content = dk
        .open(
            &trustbox_web::intake::attachment_aad(
                fx.school_id,
                fx.appeal_id,
                fx.attachment_id,
                "content",
            ),
            &enc,
        )
        .unwrap();
    assert_eq!(content, fx.attachment);
    state.store.close().await;
    // And through the web app: the author's follow-up with the receipt code.
    let s = serve(inst, &[]);
    let (st, body) = http_post_json(
        &s.url,
        "/api/v1/follow-up",
        &serde_json::json!({"receipt": fx.api_code}).to_string(),
    );
    assert_eq!(st, 200, "{body}");
    let status: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        status["messages"][0]["text"].as_str(),
        Some(fx.api_text.as_str())
    );
}

type Dump = BTreeMap<String, Vec<Vec<Value>>>;

async fn dump(inst: &Inst) -> Dump {
    let store = Store::connect(&inst.db_url()).await.unwrap();
    let mut export = store.export().await.unwrap();
    let mut out = BTreeMap::new();
    for t in export.tables.clone() {
        let sql = Export::select_sql(&t);
        let rows: Vec<Vec<Value>> = export.stream(&sql, &t).try_collect().await.unwrap();
        out.insert(t.name.clone(), rows);
    }
    export.done().await.unwrap();
    store.close().await;
    out
}

/// Equal, except that each side has audited its own backup or restore since.
fn assert_same_data(a: &Dump, b: &Dump) {
    let keys_a: Vec<_> = a.keys().collect();
    let keys_b: Vec<_> = b.keys().collect();
    assert_eq!(keys_a, keys_b);
    for (t, rows) in a {
        if t == "audit_log" || t == "chain_heads" {
            continue;
        }
        assert_eq!(rows, &b[t], "table {t} differs");
    }
    let (x, y) = (&a["audit_log"], &b["audit_log"]);
    let n = x.len().min(y.len()) - 1;
    assert!(n > 3);
    assert_eq!(x[..n], y[..n], "the audit log differs");
}

fn nonzero_rows(d: &Dump, table: &str) -> usize {
    let n = d.get(table).map(Vec::len).unwrap_or(0);
    assert!(n > 0, "the fixture has no {table}");
    n
}

async fn round_trip(from: Inst, to: Inst, encrypted: bool) {
    let fx = populate(&from).await;
    let archive = from.data.join("backup.tar");
    let pass_file = from.data.join("pass.txt");
    std::fs::write(&pass_file, "correct horse battery staple\n").unwrap();
    let mut args = vec!["backup", "--out", archive.to_str().unwrap()];
    if encrypted {
        args.extend(["--passphrase-file", pass_file.to_str().unwrap()]);
    }
    let out = from.ok(&args);
    assert!(out.contains("master key is not in the backup"), "{out}");
    let before = dump(&from).await;
    for t in [
        "org_units",
        "users",
        "grants",
        "appeals",
        "attachments",
        "journal_entries",
        "audit_log",
        "chain_heads",
    ] {
        nonzero_rows(&before, t);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&archive).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the archive is private");
    }
    // Never the master key, in any form.
    let bytes = std::fs::read(&archive).unwrap();
    let key = std::fs::read(from.data.join("master.key")).unwrap();
    assert!(!bytes.windows(16).any(|w| key.windows(16).any(|k| k == w)));
    if encrypted {
        assert!(bytes.starts_with(b"age-encryption.org/"));
        assert!(!bytes.windows(4).any(|w| w == b"demo"), "encrypted");
    } else {
        let manifest = String::from_utf8_lossy(&bytes[512..4096]).to_string();
        assert!(manifest.contains("\"key_fingerprint\""), "{manifest}");
    }
    from.copy_key_to(&to);
    let mut args = vec!["restore", archive.to_str().unwrap()];
    if encrypted {
        args.extend(["--passphrase-file", pass_file.to_str().unwrap()]);
    }
    let out = to.ok(&args);
    assert!(out.contains("restored"), "{out}");
    assert!(out.contains("chain intact"), "verify ran: {out}");
    // The reports' summary counts are not in the copy: counted anew, once, on restore.
    assert!(
        out.contains("report counts: equal to a recount of the appeals"),
        "{out}"
    );
    let after = dump(&to).await;
    assert_same_data(&before, &after);
    assert_readable(&to, &fx).await;
    // The restored installation keeps working: new rows get new ids (PostgreSQL sequences).
    to.ok(&[
        "school",
        "create",
        "--slug",
        "after-restore",
        "--country",
        "KG",
        "--name-ky",
        "Жаңы",
    ]);
    to.ok(&["verify"]);
}

#[tokio::test]
async fn sqlite_backup_restores_into_sqlite() {
    round_trip(Inst::sqlite("rt-ss-from"), Inst::sqlite("rt-ss-to"), false).await;
}

#[tokio::test]
async fn encrypted_sqlite_backup_restores_into_postgres() {
    round_trip(
        Inst::sqlite("rt-sp-from"),
        Inst::postgres("rt-sp-to").await,
        true,
    )
    .await;
}

#[tokio::test]
async fn postgres_backup_restores_into_sqlite() {
    round_trip(
        Inst::postgres("rt-ps-from").await,
        Inst::sqlite("rt-ps-to"),
        true,
    )
    .await;
}

#[tokio::test]
async fn postgres_backup_restores_into_postgres() {
    round_trip(
        Inst::postgres("rt-pp-from").await,
        Inst::postgres("rt-pp-to").await,
        false,
    )
    .await;
}

/// Rebuilds a plain archive with a changed manifest and a correct checksum (what a newer
/// Trustbox would write).
fn rewrite_manifest(archive: &Path, out: &Path, change: impl Fn(&mut serde_json::Value)) {
    let mut a = tar::Archive::new(std::fs::File::open(archive).unwrap());
    let mut members = Vec::new();
    for e in a.entries().unwrap() {
        let mut e = e.unwrap();
        let name = e.path().unwrap().to_string_lossy().into_owned();
        let mut buf = Vec::new();
        e.read_to_end(&mut buf).unwrap();
        members.push((name, buf));
    }
    let mut m: serde_json::Value = serde_json::from_slice(&members[0].1).unwrap();
    change(&mut m);
    members[0].1 = serde_json::to_vec(&m).unwrap();
    members.pop();
    let mut raw = Vec::new();
    {
        let mut b = tar::Builder::new(&mut raw);
        for (name, data) in &members {
            let mut h = tar::Header::new_ustar();
            h.set_path(name).unwrap();
            h.set_size(data.len() as u64);
            h.set_mode(0o600);
            h.set_cksum();
            b.append(&h, data.as_slice()).unwrap();
        }
        b.finish().unwrap();
    }
    raw.truncate(raw.len() - 1024);
    let digest = hex::encode(sha2::Sha256::digest(&raw));
    let mut b = tar::Builder::new(raw);
    let mut h = tar::Header::new_ustar();
    h.set_path("SHA256").unwrap();
    h.set_size(64);
    h.set_mode(0o600);
    h.set_cksum();
    b.append(&h, digest.as_bytes()).unwrap();
    std::fs::write(out, b.into_inner().unwrap()).unwrap();
}

async fn unchanged(to: &Inst, before: &Dump, what: &str) {
    assert_eq!(&dump(to).await, before, "{what} changed the target");
    let o = to.run(&["verify"]);
    assert!(o.status.success(), "{what}: {}", stderr(&o));
}

#[tokio::test]
async fn bad_backups_are_refused_and_nothing_changes() {
    let from = Inst::sqlite("bad-from");
    populate(&from).await;
    let plain = from.data.join("plain.tar");
    let enc = from.data.join("enc.tar.age");
    let pass = from.data.join("pass.txt");
    let wrong = from.data.join("wrong.txt");
    std::fs::write(&pass, "the right one\n").unwrap();
    std::fs::write(&wrong, "not the right one\n").unwrap();
    from.ok(&["backup", "--out", plain.to_str().unwrap()]);
    let o = from.run(&["backup", "--out", plain.to_str().unwrap()]);
    assert_one_clear_line(&o, "exists already");
    from.ok(&[
        "backup",
        "--out",
        enc.to_str().unwrap(),
        "--passphrase-file",
        pass.to_str().unwrap(),
    ]);

    // The target: a working installation restored from that backup, plus a school of its own.
    let to = Inst::sqlite("bad-to");
    from.copy_key_to(&to);
    to.ok(&["restore", plain.to_str().unwrap()]);
    to.ok(&[
        "school",
        "create",
        "--slug",
        "own",
        "--country",
        "KG",
        "--name-ky",
        "Өз",
    ]);
    let before = dump(&to).await;
    let restore = |file: &Path, extra: &[&str]| {
        let mut c = to.cmd();
        c.arg("restore").arg(file).args(extra);
        c.output().unwrap()
    };

    // Not empty, without --force.
    assert_one_clear_line(&restore(&plain, &[]), "not empty");
    unchanged(&to, &before, "no --force").await;

    // A flipped byte anywhere: in a header, the manifest, the rows, the checksum, the trailer.
    let bytes = std::fs::read(&plain).unwrap();
    let n = bytes.len();
    for pos in [
        0,
        100,
        600,
        n / 3,
        n / 2,
        n - 2048 - 512 - 1,
        n - 1024 - 500,
        n - 1024 - 400,
        n - 600,
        n - 1,
    ] {
        let mut b = bytes.clone();
        b[pos] ^= 0x20;
        let f = to.data.join(format!("flip-{pos}.tar"));
        std::fs::write(&f, &b).unwrap();
        let o = restore(&f, &["--force"]);
        assert!(!o.status.success(), "a flip at {pos} of {n} was not seen");
        assert_one_clear_line(&o, "backup");
        assert!(stderr(&o).contains("nothing was changed"), "{}", stderr(&o));
    }
    let mut b = bytes.clone();
    b[n / 2] ^= 0x01;
    let f = to.data.join("corrupt.tar");
    std::fs::write(&f, &b).unwrap();
    assert_one_clear_line(&restore(&f, &["--force"]), "is damaged");
    unchanged(&to, &before, "a corrupt archive").await;

    // Cut short.
    for cut in [n / 2, n - 1024, 10] {
        let f = to.data.join(format!("cut-{cut}.tar"));
        std::fs::write(&f, &bytes[..cut]).unwrap();
        assert_one_clear_line(&restore(&f, &["--force"]), "incomplete");
    }
    let eb = std::fs::read(&enc).unwrap();
    let f = to.data.join("cut.tar.age");
    std::fs::write(&f, &eb[..eb.len() / 2]).unwrap();
    let o = restore(
        &f,
        &["--force", "--passphrase-file", pass.to_str().unwrap()],
    );
    assert_one_clear_line(&o, "nothing was changed");
    unchanged(&to, &before, "a truncated archive").await;

    // Encrypted: no passphrase, a wrong one.
    assert_one_clear_line(&restore(&enc, &["--force"]), "is encrypted");
    assert_one_clear_line(
        &restore(
            &enc,
            &["--force", "--passphrase-file", wrong.to_str().unwrap()],
        ),
        "passphrase does not open",
    );
    let o = to
        .cmd()
        .env("TRUSTBOX_BACKUP_PASSPHRASE", "also wrong")
        .args(["restore", enc.to_str().unwrap(), "--force"])
        .output()
        .unwrap();
    assert_one_clear_line(&o, "passphrase does not open");
    unchanged(&to, &before, "a wrong passphrase").await;

    // From a newer Trustbox.
    let newer = to.data.join("newer.tar");
    rewrite_manifest(&plain, &newer, |m| m["schema_version"] = 999.into());
    assert_one_clear_line(&restore(&newer, &["--force"]), "newer Trustbox");
    // (The rewritten archive is otherwise valid: the same with the right version restores.)
    let same = to.data.join("same.tar");
    rewrite_manifest(&plain, &same, |_| {});
    let check = Inst::sqlite("bad-check");
    from.copy_key_to(&check);
    check.ok(&["restore", same.to_str().unwrap()]);
    unchanged(&to, &before, "a newer archive").await;

    // Another installation's key.
    let other = Inst::sqlite("bad-other");
    other.ok(&["migrate"]);
    let o = other.run(&["restore", plain.to_str().unwrap()]);
    assert_one_clear_line(&o, "master key id");
    let o = Inst::sqlite("bad-nokey").run(&["restore", plain.to_str().unwrap()]);
    assert_one_clear_line(&o, "is missing");

    // With --force, the same target is replaced by the backup.
    let o = restore(&plain, &["--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let after = dump(&to).await;
    assert!(
        !format!("{:?}", after["org_units"]).contains("\"own\""),
        "replaced"
    );
}

#[tokio::test]
async fn migrate_to_copies_sqlite_into_postgres_and_leaves_the_source() {
    let src = Inst::sqlite("mig-src");
    let fx = populate(&src).await;
    let before = dump(&src).await;
    let target = fresh(Backend::Postgres)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let o = src.run(&["migrate-to", &target.url]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("row counts match"), "{out}");
    assert!(
        out.contains("audit log:") && out.contains("chain intact"),
        "{out}"
    );
    assert!(
        out.contains("journals:") && out.contains("chains intact"),
        "{out}"
    );
    assert_eq!(stderr(&o).trim(), "", "no progress bar without a terminal");
    assert_eq!(dump(&src).await, before, "the source is unchanged");
    // The copy is the installation: same data, readable with the same key, on PostgreSQL.
    let pg = Inst {
        data: tmp("mig-pg"),
        url: Some(target.url.clone()),
    };
    src.copy_key_to(&pg);
    let copied = dump(&pg).await;
    assert_same_data(&before, &copied);
    assert_readable(&pg, &fx).await;
    pg.ok(&[
        "school",
        "create",
        "--slug",
        "after",
        "--country",
        "KG",
        "--name-ky",
        "Кийин",
    ]);
    // A target with data is refused, and stays as it was.
    let again = dump(&pg).await;
    let o = src.run(&["migrate-to", &target.url]);
    assert_one_clear_line(&o, "already has data");
    assert_eq!(dump(&pg).await, again);
    // Not PostgreSQL, or from PostgreSQL: refused.
    assert_one_clear_line(
        &src.run(&["migrate-to", "sqlite:///tmp/x.sqlite3"]),
        "not a PostgreSQL URL",
    );
    assert_one_clear_line(
        &pg.run(&["migrate-to", &target.url]),
        "on PostgreSQL already",
    );
}

#[test]
fn migrate_to_shows_a_progress_bar_on_a_terminal() {
    // A real terminal: tmux runs the command, capture-pane reads the screen.
    let tmux = Command::new("tmux").arg("-V").output();
    assert!(
        tmux.is_ok_and(|o| o.status.success()),
        "tmux is needed (scripts/test installs it)"
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    let src = Inst::sqlite("mig-tty");
    rt.block_on(populate(&src));
    let target = rt
        .block_on(fresh(Backend::Postgres))
        .unwrap_or_else(|e| panic!("{e}"));
    let session = format!("tbops{}", std::process::id());
    let log = src.data.join("screen");
    let script = format!(
        "TRUSTBOX_LOG=warn {BIN} --data-dir {} migrate-to {}; echo EXIT=$? > {}.done; sleep 60",
        src.data.display(),
        target.url,
        log.display()
    );
    let st = Command::new("tmux")
        .args([
            "-L",
            &session,
            "new-session",
            "-d",
            "-x",
            "200",
            "-y",
            "30",
            "-s",
            &session,
            &script,
        ])
        .status()
        .unwrap();
    assert!(st.success());
    let done = PathBuf::from(format!("{}.done", log.display()));
    let deadline = Instant::now() + Duration::from_secs(120);
    while !done.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let o = Command::new("tmux")
        .args(["-L", &session, "capture-pane", "-p", "-t", &session])
        .output()
        .unwrap();
    let screen = String::from_utf8_lossy(&o.stdout).into_owned();
    let _ = Command::new("tmux")
        .args(["-L", &session, "kill-server"])
        .status();
    let done = std::fs::read_to_string(&done).unwrap_or_default();
    assert!(done.contains("EXIT=0"), "{done}\n{screen}");
    assert!(screen.contains("row counts match"), "{screen}");
    // The bar stays on the screen, complete: "N/N rows".
    let bar = screen
        .lines()
        .find(|l| l.contains(" rows"))
        .unwrap_or_else(|| panic!("no progress bar: {screen}"));
    let counts = bar.split_whitespace().find(|w| w.contains('/')).unwrap();
    let (a, b) = counts.split_once('/').unwrap();
    assert_eq!(a, b, "{bar}");
    assert!(a.parse::<u64>().unwrap() > 20, "{bar}");
}
