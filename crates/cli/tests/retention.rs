//! `trustbox purge` and `trustbox keys rotate`, run as an operator would, on SQLite and
//! PostgreSQL: letters come in through the API, staff close and hold them through the web
//! pages, then the commands act; receipts handed out before a rotation still open after it,
//! also when the rotation was killed half-way and run again.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use trustbox_store::Backend;
use trustbox_store::testing::fresh;

const BIN: &str = env!("CARGO_BIN_EXE_trustbox");

fn tmp(name: &str) -> PathBuf {
    let n: u64 = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let d = std::env::temp_dir().join(format!("tb-ret-{name}-{}-{n:x}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

struct Inst {
    data: PathBuf,
    db: Option<String>,
    keyring: Option<PathBuf>,
}

impl Inst {
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
        if let Some(u) = &self.db {
            c.args(["--database-url", u]);
        }
        if let Some(k) = &self.keyring {
            c.arg("--keyring-dir").arg(k);
        }
        c
    }
    fn url(&self) -> String {
        self.db
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data.join("trustbox.sqlite3").display()))
    }
    /// Runs one SQL statement on the installation's database (the test's way to move time).
    fn sql(&self, stmt: &str) -> u64 {
        let (url, stmt) = (self.url(), stmt.to_string());
        std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(async {
                    let s = trustbox_store::Store::connect(&url).await.unwrap();
                    let n = s.raw_execute(&stmt).await.unwrap();
                    s.close().await;
                    n
                })
        })
        .join()
        .unwrap()
    }
    fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }
    fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(
            o.status.success(),
            "{args:?} failed: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).into_owned()
    }
    fn serve(&self, extra: &[&str]) -> Server {
        let mut child = self
            .cmd()
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
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
        let mut lines = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    lines.push(line.clone());
                    if let Some(u) = line.strip_prefix("Trustbox listening on http://") {
                        return Server {
                            child,
                            addr: u.to_string(),
                            lines,
                        };
                    }
                }
                Err(_) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    let mut e = String::new();
                    child.stderr.take().unwrap().read_to_string(&mut e).unwrap();
                    panic!("server did not start: {lines:?} {e}");
                }
            }
        }
    }
}

struct Server {
    child: Child,
    addr: String,
    lines: Vec<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A tiny HTTP/1.1 client that keeps cookies.
struct Http<'a> {
    addr: &'a str,
    cookies: HashMap<String, String>,
}

struct Res {
    status: u16,
    body: String,
}

impl Http<'_> {
    fn send(&mut self, method: &str, path: &str, ctype: &str, body: &str) -> Res {
        let mut s = TcpStream::connect(self.addr).unwrap();
        let cookie: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nCookie: {}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\r\n{body}",
            self.addr,
            cookie.join("; "),
            body.len()
        )
        .unwrap();
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).unwrap();
        let text = String::from_utf8_lossy(&buf).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
        for l in head.lines() {
            let lower = l.to_ascii_lowercase();
            if lower.starts_with("set-cookie:") {
                let kv = l[11..].trim().split(';').next().unwrap();
                if let Some((k, v)) = kv.split_once('=') {
                    self.cookies.insert(k.to_string(), v.to_string());
                }
            }
        }
        // Bodies may be chunked; tests only search them for text.
        Res {
            status,
            body: body.to_string(),
        }
    }
    fn get(&mut self, path: &str) -> Res {
        self.send("GET", path, "text/plain", "")
    }
    fn form(&mut self, path: &str, fields: &[(&str, &str)]) -> Res {
        let body: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("{k}={}", enc(v)))
            .collect();
        self.send(
            "POST",
            path,
            "application/x-www-form-urlencoded",
            &body.join("&"),
        )
    }
    fn json(&mut self, path: &str, json: &str) -> Res {
        self.send("POST", path, "application/json", json)
    }
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn input(body: &str, name: &str) -> Option<String> {
    let pat = format!("name=\"{name}\" value=\"");
    let i = body.find(&pat)? + pat.len();
    let j = body[i..].find('"')? + i;
    Some(body[i..j].to_string())
}

/// Posts a letter through the API; returns (receipt code, journal number).
fn letter(http: &mut Http, text: &str) -> (String, String) {
    let r = http.json(
        "/api/v1/schools/demo/appeals",
        &format!(r#"{{"author":"pupil","category":"violence","text":"{text}"}}"#),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let field = |k: &str| {
        let pat = format!("\"{k}\":\"");
        let i = r.body.find(&pat).unwrap() + pat.len();
        r.body[i..i + r.body[i..].find('"').unwrap()].to_string()
    };
    (field("receipt"), field("number"))
}

/// The text of the first message a receipt opens, or the status code.
fn follow_up(http: &mut Http, receipt: &str) -> Result<String, u16> {
    let r = http.json(
        "/api/v1/follow-up",
        &format!(r#"{{"receipt":"{receipt}"}}"#),
    );
    if r.status != 200 {
        return Err(r.status);
    }
    Ok(r.body)
}

fn login(http: &mut Http, lines: &[String]) {
    let acct = lines
        .iter()
        .find(|l| l.starts_with("Demo account: school=demo role=responsible"))
        .unwrap_or_else(|| panic!("{lines:?}"));
    let get = |k: &str| {
        acct.split_whitespace()
            .find_map(|w| w.strip_prefix(&format!("{k}=")))
            .unwrap()
            .to_string()
    };
    let page = http.get("/staff/login?lang=en");
    let pre = input(&page.body, "pre").unwrap();
    let r = http.form(
        "/staff/login",
        &[
            ("username", &get("login")),
            ("password", &get("password")),
            ("pre", &pre),
            ("lang", "en"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
}

/// The staff page id of the appeal with this text (from the inbox).
fn appeal_id(http: &mut Http, text: &str) -> String {
    let inbox = http.get("/staff/s/demo/appeals");
    let mut ids: Vec<String> = inbox
        .body
        .split("/staff/s/demo/appeals/")
        .skip(1)
        .map(|s| s.chars().take_while(|c| c.is_ascii_digit()).collect())
        .filter(|s: &String| !s.is_empty())
        .collect();
    ids.dedup();
    for id in ids {
        if http
            .get(&format!("/staff/s/demo/appeals/{id}"))
            .body
            .contains(text)
        {
            return id;
        }
    }
    panic!("no appeal with {text:?}")
}

fn act(http: &mut Http, id: &str, what: &str, fields: &[(&str, &str)]) -> Res {
    let page = http.get(&format!("/staff/s/demo/appeals/{id}"));
    let csrf = input(&page.body, "csrf").unwrap();
    let version = input(&page.body, "version").unwrap_or_default();
    let mut all = vec![("csrf", csrf.as_str()), ("version", version.as_str())];
    all.extend_from_slice(fields);
    http.form(&format!("/staff/s/demo/appeals/{id}/{what}"), &all)
}

/// N of "data keys: N open …" in the output of `trustbox verify`.
fn open_keys(verify: &str) -> usize {
    verify
        .lines()
        .find_map(|l| l.strip_prefix("data keys: "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no key count in {verify}"))
}

fn scenario(inst: &Inst, fresh: &Inst) {
    let s = inst.serve(&["--demo"]);
    let mut http = Http {
        addr: &s.addr,
        cookies: HashMap::new(),
    };
    let (gone_code, gone_no) = letter(&mut http, "Letter to purge K2P");
    let (held_code, held_no) = letter(&mut http, "Letter on hold H5");
    let (kept_code, _) = letter(&mut http, "Letter kept open W3");
    login(&mut http, &s.lines);
    let gone = appeal_id(&mut http, "Letter to purge K2P");
    let held = appeal_id(&mut http, "Letter on hold H5");
    for id in [&gone, &held] {
        let r = act(
            &mut http,
            id,
            "status",
            &[("status", "not_an_appeal"), ("reason", "test")],
        );
        assert_eq!(r.status, 303, "{}", r.body);
    }
    let r = act(
        &mut http,
        &held,
        "hold",
        &[("op", "set"), ("text", "Police inquiry")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(
        follow_up(&mut http, &gone_code)
            .unwrap()
            .contains("Letter to purge K2P")
    );
    drop(s);

    let today = time::OffsetDateTime::now_utc().date();
    let later = (today + time::Duration::days(366)).to_string();
    // Nothing is due today.
    let out = inst.ok(&["purge", "--dry-run"]);
    assert!(out.contains("nothing to destroy"), "{out}");
    // A year on: the dry run lists both, the held one as kept, and changes nothing.
    let out = inst.ok(&["purge", "--dry-run", "--today", &later]);
    let gone_line = format!("demo {gone_no}");
    let held_line = format!("demo {held_no}");
    assert!(
        out.lines()
            .any(|l| l.starts_with(&gone_line) && l.contains("would be destroyed")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with(&held_line) && l.contains("on legal hold")),
        "{out}"
    );
    assert_eq!(
        inst.ok(&["purge", "--dry-run", "--today", &later]),
        out,
        "a dry run changes nothing"
    );
    // A real purge never acts on a day that has not come.
    let spec = format!("demo/{held_no}");
    let o = inst.run(&["purge", "--appeal", &spec, "--today", &later, "--yes"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("is later than today") && err.contains("nothing was destroyed"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    // Not yet due: refused with the date.
    let o = inst.run(&["purge", "--appeal", &format!("demo/{gone_no}"), "--yes"]);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("is kept until"),
        "{o:?}"
    );
    // Without a terminal and without --yes, a purge is refused.
    let o = inst.run(&["purge"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--yes") && err.contains("nothing was destroyed"),
        "{err}"
    );

    // Rotation, killed after one keyring entry, then run again.
    let key_before = std::fs::read(inst.data.join("master.key")).unwrap();
    let o = inst
        .cmd()
        .env("TRUSTBOX_TEST_ROTATE_STOP_AFTER", "1")
        .args(["keys", "rotate"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("run `trustbox keys rotate` again"));
    assert!(inst.data.join("master.key.new").exists());
    assert_eq!(
        std::fs::read(inst.data.join("master.key")).unwrap(),
        key_before
    );
    // Half-way, the installation still works (reads both keys).
    let v = inst.ok(&["verify"]);
    assert!(v.contains("chains intact"), "{v}");
    let keys = open_keys(&v);
    assert!(keys >= 3, "{v}");
    let out = inst.ok(&["keys", "rotate"]);
    assert!(
        out.contains("master key rotated") && out.contains("were done by an earlier run"),
        "{out}"
    );
    assert!(!inst.data.join("master.key.new").exists());
    assert_ne!(
        std::fs::read(inst.data.join("master.key")).unwrap(),
        key_before
    );
    assert!(inst.ok(&["verify"]).contains("chains intact"));

    // A year and more on: the two closed cases were closed 400 days ago.
    assert_eq!(
        inst.sql(
            "UPDATE appeals SET closed_at = closed_at - 400 * 86400 WHERE closed_at IS NOT NULL"
        ),
        2
    );
    // A held case is refused by name, clearly.
    let o = inst.run(&["purge", "--appeal", &spec, "--yes"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("under a legal hold") && err.contains("nothing was destroyed"),
        "{err}"
    );
    // A backup just before the purge; a killed earlier backup left its staging copy behind.
    let stale = inst.data.join(".backup-4000000000-1");
    std::fs::create_dir_all(&stale).unwrap();
    std::fs::write(stale.join("snapshot.sqlite3"), b"a full copy").unwrap();
    let archive = inst.data.with_extension("tar");
    inst.ok(&["backup", "--out", archive.to_str().unwrap()]);
    assert!(
        !stale.exists(),
        "the staging copy of a killed backup is cleaned"
    );
    // Now purge for real.
    let out = inst.ok(&["purge", "--yes"]);
    assert!(out.contains(&format!("destroyed demo {gone_no}")), "{out}");
    assert!(
        out.contains(&format!("kept demo {held_no}: on legal hold")),
        "{out}"
    );
    assert!(inst.ok(&["verify"]).contains("chains intact"));
    let out = inst.ok(&["purge", "--dry-run", "--today", &later]);
    assert!(!out.contains(&gone_line), "{out}");

    // The backup from before the purge, restored into a fresh installation with the current
    // master key: first without the keyring (refused before anything is touched), then with it.
    std::fs::create_dir_all(&fresh.data).unwrap();
    std::fs::copy(inst.data.join("master.key"), fresh.data.join("master.key")).unwrap();
    let o = fresh.run(&["restore", archive.to_str().unwrap()]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("keyring") && err.contains("nothing was changed"),
        "{err}"
    );
    assert!(!fresh.data.join("trustbox.sqlite3").exists() || fresh.db.is_some());
    let restored = Inst {
        data: fresh.data.clone(),
        db: fresh.db.clone(),
        keyring: Some(inst.data.join("keyring")),
    };
    // No --force: the refused attempt left the database empty.
    let out = restored.ok(&["restore", archive.to_str().unwrap()]);
    assert!(out.contains("chains intact"), "{out}");
    assert!(open_keys(&out) >= 3, "{out}");
    let s = restored.serve(&[]);
    let mut http = Http {
        addr: &s.addr,
        cookies: HashMap::new(),
    };
    assert!(
        follow_up(&mut http, &kept_code)
            .unwrap()
            .contains("Letter kept open W3")
    );
    assert!(
        follow_up(&mut http, &held_code)
            .unwrap()
            .contains("Letter on hold H5")
    );
    assert!(follow_up(&mut http, &gone_code).is_err());
    drop(s);
    let _ = std::fs::remove_file(&archive);

    // Receipts handed out before the rotation still open after it; the purged one does not.
    let s = inst.serve(&[]);
    let mut http = Http {
        addr: &s.addr,
        cookies: HashMap::new(),
    };
    assert!(
        follow_up(&mut http, &kept_code)
            .unwrap()
            .contains("Letter kept open W3")
    );
    assert!(
        follow_up(&mut http, &held_code)
            .unwrap()
            .contains("Letter on hold H5")
    );
    let purged = follow_up(&mut http, &gone_code);
    assert!(purged.is_err(), "{purged:?}");
    // New letters work under the new key.
    let (code, _) = letter(&mut http, "After rotation");
    assert!(
        follow_up(&mut http, &code)
            .unwrap()
            .contains("After rotation")
    );
    drop(s);
    // The keyring is private.
    use std::os::unix::fs::PermissionsExt;
    let ring = inst.data.join("keyring");
    assert_eq!(
        std::fs::metadata(&ring).unwrap().permissions().mode() & 0o777,
        0o700
    );
    for e in std::fs::read_dir(&ring).unwrap().flatten() {
        assert_eq!(e.metadata().unwrap().permissions().mode() & 0o777, 0o600);
    }
    // So are the database files.
    if inst.db.is_none() {
        for f in [
            "trustbox.sqlite3",
            "trustbox.sqlite3-wal",
            "trustbox.sqlite3-shm",
        ] {
            if let Ok(m) = std::fs::metadata(inst.data.join(f)) {
                assert_eq!(m.permissions().mode() & 0o777, 0o600, "{f}");
            }
        }
    }
    // A live letter whose key is gone from the keyring: verify fails and says which.
    for e in std::fs::read_dir(&ring).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with("bucket-") || name.starts_with("letter-") {
            std::fs::remove_file(e.path()).unwrap();
        }
    }
    let o = inst.run(&["verify"]);
    assert!(!o.status.success(), "{o:?}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("cannot be opened") && err.contains("demo "),
        "{err}"
    );
    assert!(!err.contains("Letter kept open"), "{err}");
    let _ = std::fs::remove_dir_all(&inst.data);
    let _ = std::fs::remove_dir_all(&fresh.data);
}

#[test]
fn purge_hold_rotation_backup_and_restore_on_sqlite() {
    scenario(
        &Inst {
            data: tmp("sqlite"),
            db: None,
            keyring: None,
        },
        &Inst {
            data: tmp("sqlite-restored"),
            db: None,
            keyring: None,
        },
    );
}

#[tokio::test]
async fn purge_hold_rotation_backup_and_restore_on_postgres() {
    let db = fresh(Backend::Postgres)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let db2 = fresh(Backend::Postgres)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let inst = Inst {
        data: tmp("pg"),
        db: Some(db.url.clone()),
        keyring: None,
    };
    let other = Inst {
        data: tmp("pg-restored"),
        db: Some(db2.url.clone()),
        keyring: None,
    };
    tokio::task::spawn_blocking(move || scenario(&inst, &other))
        .await
        .unwrap();
    drop(db);
    drop(db2);
}

#[test]
fn a_keyring_that_does_not_belong_is_refused() {
    let inst = Inst {
        data: tmp("ring"),
        db: None,
        keyring: None,
    };
    drop(inst.serve(&[]));
    // Another (empty) keyring folder: refused, the letters would be unreadable.
    let other = tmp("ring-other");
    let o = inst
        .cmd()
        .args(["--keyring-dir"])
        .arg(&other)
        .arg("verify")
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("keyring") && err.contains("keyring_dir"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&inst.data);
    let _ = std::fs::remove_dir_all(&other);
    let _: &Path = &inst.data;
}
