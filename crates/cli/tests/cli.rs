//! The binary, run as an operator would: first start, configuration, bad input. Each failure
//! must end with one clear line and a non-zero exit, and leave nothing damaged.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use trustbox_store::testing::fresh;
use trustbox_store::{Backend, Store};

const BIN: &str = env!("CARGO_BIN_EXE_trustbox");

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "tb-cli-{name}-{}-{:x}",
        std::process::id(),
        rand_u64()
    ));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64,
    );
    h.finish()
}

fn cmd(data: &Path) -> Command {
    let mut c = Command::new(BIN);
    for (k, _) in std::env::vars() {
        if k.starts_with("TRUSTBOX_") {
            c.env_remove(k);
        }
    }
    c.env("TRUSTBOX_LOG", "warn").arg("--data-dir").arg(data);
    c
}

fn run(data: &Path, args: &[&str]) -> Output {
    cmd(data).args(args).output().unwrap()
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
    lines: Vec<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(data: &Path, extra: &[&str]) -> Server {
    let mut child = cmd(data)
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
                let done = line.starts_with("Trustbox listening on ");
                lines.push(line.clone());
                if done {
                    let url = line
                        .trim_start_matches("Trustbox listening on ")
                        .to_string();
                    return Server { child, url, lines };
                }
            }
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                let mut e = String::new();
                child.stderr.take().unwrap().read_to_string(&mut e).unwrap();
                panic!("server did not start; stdout: {lines:?}; stderr: {e}");
            }
        }
    }
}

fn http_get(url: &str, path: &str) -> (u16, String) {
    let addr = url.trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut buf = String::new();
    s.read_to_string(&mut buf).unwrap();
    let status = buf.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, buf)
}

#[test]
fn first_start_prints_the_setup_link_once() {
    let data = tmp("first");
    let s = serve(&data, &[]);
    let link: Vec<_> = s.lines.iter().filter(|l| l.contains("/setup/")).collect();
    assert_eq!(link.len(), 1, "{:?}", s.lines);
    assert!(link[0].contains(&s.url));
    assert_eq!(http_get(&s.url, "/healthz").0, 200);
    let (st, body) = http_get(&s.url, "/staff/login?lang=ky");
    assert_eq!(st, 200);
    assert!(body.contains("lang=\"ky\""));
    drop(s);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(data.join("master.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the key file is private");
    }
    let s = serve(&data, &[]);
    assert!(
        !s.lines.iter().any(|l| l.contains("/setup/")),
        "printed again: {:?}",
        s.lines
    );
    drop(s);
    // The administrator can get a new link from the command line.
    let o = run(&data, &["user", "reset", "admin"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("/setup/"));
    let _ = std::fs::remove_dir_all(&data);
}

#[test]
fn demo_prints_accounts_and_is_repeatable() {
    let data = tmp("demo");
    let s = serve(&data, &["--demo"]);
    let accounts: Vec<_> = s
        .lines
        .iter()
        .filter(|l| l.starts_with("Demo account: school="))
        .collect();
    assert!(
        accounts.iter().any(|l| l.contains("school=demo ")),
        "{accounts:?}"
    );
    assert!(
        accounts.iter().any(|l| l.contains("school=demo-kz ")),
        "{accounts:?}"
    );
    let (_, home) = http_get(&s.url, "/kk");
    assert!(home.contains("/kk/demo-kz"));
    drop(s);
    let s = serve(&data, &["--demo"]);
    assert!(s.lines.iter().any(|l| l.starts_with("Demo account: ")));
    drop(s);
    let v = stdout(&run(&data, &["verify"]));
    assert!(
        v.contains("journals: 5 entries"),
        "a few demo letters, once: {v}"
    );
    let o = run(&data, &["school", "list"]);
    assert_eq!(
        stdout(&o).lines().filter(|l| l.starts_with("demo")).count(),
        2,
        "{}",
        stdout(&o)
    );
    // Without --demo nothing fake is created.
    let clean = tmp("nodemo");
    let s = serve(&clean, &[]);
    drop(s);
    assert_eq!(stdout(&run(&clean, &["school", "list"])).trim(), "");
    let _ = std::fs::remove_dir_all(&data);
    let _ = std::fs::remove_dir_all(&clean);
}

#[test]
fn a_bad_config_file_is_named_with_its_line() {
    let data = tmp("cfg");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(
        data.join("trustbox.toml"),
        "listen = \"127.0.0.1:9000\"\nlisen = \"oops\"\n",
    )
    .unwrap();
    let o = run(&data, &["config", "check"]);
    assert_one_clear_line(&o, "line 2");
    assert!(stderr(&o).contains("lisen"));
    std::fs::write(data.join("trustbox.toml"), "listen = \"not an address\"\n").unwrap();
    assert_one_clear_line(&run(&data, &["config", "check"]), "listen address");
    std::fs::write(
        data.join("trustbox.toml"),
        "listen = \"127.0.0.1:9000\"\nrate_limit = false\n",
    )
    .unwrap();
    let o = run(&data, &["config", "check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("listen = \"127.0.0.1:9000\""));
    assert!(stdout(&o).contains("rate_limit = false"));
    // Environment beats the file, flags beat the environment.
    let o = cmd(&data)
        .env("TRUSTBOX_LISTEN", "127.0.0.1:9001")
        .args(["config", "check"])
        .output()
        .unwrap();
    assert!(stdout(&o).contains("127.0.0.1:9001"));
    let o = cmd(&data)
        .env("TRUSTBOX_LISTEN", "127.0.0.1:9001")
        .args(["--listen", "127.0.0.1:9002", "config", "check"])
        .output()
        .unwrap();
    assert!(stdout(&o).contains("127.0.0.1:9002"));
    let o = cmd(&data)
        .env("TRUSTBOX_RATE_LIMIT", "sometimes")
        .args(["config", "check"])
        .output()
        .unwrap();
    assert_one_clear_line(&o, "on or off");
    let _ = std::fs::remove_dir_all(&data);
}

#[test]
fn an_unreachable_database_is_one_line_without_the_password() {
    let data = tmp("unreach");
    let o = run(
        &data,
        &[
            "--database-url",
            "postgres://tb:s3cret@127.0.0.1:1/none",
            "migrate",
        ],
    );
    assert_one_clear_line(&o, "cannot reach the database");
    assert!(!stderr(&o).contains("s3cret"), "{}", stderr(&o));
    let o = run(
        &data,
        &["--database-url", "mysql://x@127.0.0.1/y", "migrate"],
    );
    assert_one_clear_line(&o, "not supported");
}

#[test]
fn a_port_in_use_fails_before_anything_is_written() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = busy.local_addr().unwrap().to_string();
    let data = tmp("port");
    let o = run(&data, &["serve", "--listen", &addr]);
    assert_one_clear_line(&o, "cannot listen on");
    assert!(!data.exists(), "nothing was created");
}

#[test]
fn key_problems_are_refused_and_nothing_changes() {
    let data = tmp("key");
    assert!(run(&data, &["migrate"]).status.success());
    assert!(
        run(
            &data,
            &[
                "school",
                "create",
                "--slug",
                "school-1",
                "--country",
                "KG",
                "--name-ky",
                "Мектеп"
            ]
        )
        .status
        .success()
    );
    let before = stdout(&run(&data, &["school", "list"]));
    let key = data.join("master.key");
    let saved = std::fs::read(&key).unwrap();
    // Missing.
    std::fs::remove_file(&key).unwrap();
    assert_one_clear_line(&run(&data, &["migrate"]), "missing");
    assert!(!key.exists(), "a missing key is not silently replaced");
    // Another installation's key.
    let other = tmp("key-other");
    assert!(run(&other, &["migrate"]).status.success());
    std::fs::copy(other.join("master.key"), &key).unwrap();
    assert_one_clear_line(
        &run(&data, &["migrate"]),
        "does not belong to this database",
    );
    // Readable by others.
    std::fs::write(&key, &saved).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        let o = run(&data, &["migrate"]);
        assert!(!o.status.success());
        assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    assert!(
        run(&data, &["migrate"]).status.success(),
        "the right key works again"
    );
    assert_eq!(
        stdout(&run(&data, &["school", "list"])),
        before,
        "the data is intact"
    );
    assert!(run(&data, &["verify"]).status.success());
    let _ = std::fs::remove_dir_all(&data);
    let _ = std::fs::remove_dir_all(&other);
}

#[tokio::test]
async fn a_database_from_a_newer_version_is_refused() {
    let data = tmp("newer");
    assert!(run(&data, &["migrate"]).status.success());
    let url = format!("sqlite://{}", data.join("trustbox.sqlite3").display());
    let store = Store::connect(&url).await.unwrap();
    store
        .raw_execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)",
        )
        .await
        .unwrap();
    store.close().await;
    let o = run(&data, &["serve", "--listen", "127.0.0.1:0"]);
    assert_one_clear_line(&o, "newer Trustbox");
    let _ = std::fs::remove_dir_all(&data);
}

#[tokio::test]
async fn schools_users_and_verify_from_the_command_line() {
    let data = tmp("admin");
    let ok = |o: Output| {
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    ok(run(
        &data,
        &[
            "school",
            "create",
            "--kind",
            "country",
            "--slug",
            "kz",
            "--country",
            "KZ",
            "--name-kk",
            "Қазақстан",
        ],
    ));
    ok(run(
        &data,
        &[
            "school",
            "create",
            "--slug",
            "college-1",
            "--parent",
            "kz",
            "--country",
            "KZ",
            "--name-kk",
            "Колледж",
            "--name-ru",
            "Колледж",
        ],
    ));
    let o = run(
        &data,
        &[
            "school",
            "create",
            "--slug",
            "Bad!",
            "--country",
            "KG",
            "--name-ky",
            "x",
        ],
    );
    assert_one_clear_line(&o, "--slug");
    let o = run(
        &data,
        &[
            "school",
            "create",
            "--slug",
            "college-1",
            "--country",
            "KZ",
            "--name-kk",
            "x",
        ],
    );
    assert_one_clear_line(&o, "exists already");
    let list = ok(run(&data, &["school", "list"]));
    assert!(
        list.contains("college-1\tschool\tKZ\tkz\tКолледж"),
        "{list}"
    );
    let out = ok(run(
        &data,
        &[
            "user",
            "create",
            "--username",
            "aliya",
            "--name",
            "Әлия",
            "--lang",
            "kk",
            "--role",
            "responsible",
            "--unit",
            "college-1",
        ],
    ));
    assert!(out.contains("/setup/"));
    let o = run(
        &data,
        &["user", "create", "--username", "aliya", "--name", "Әлия"],
    );
    assert_one_clear_line(&o, "taken");
    // A role that reads letters waits for the school's director or an administrator…
    assert!(ok(run(&data, &["user", "list"])).contains("responsible@college-1 (pending)"));
    // …unless the command line names one who confirmed it (the server root's break-glass path).
    let create = |username: &'static str, confirmer: &'static str| {
        let args = [
            "user",
            "create",
            "--username",
            username,
            "--name",
            "Дана",
            "--role",
            "director",
            "--unit",
            "college-1",
            "--confirmed-by",
            confirmer,
        ];
        run(&data, &args)
    };
    assert_one_clear_line(&create("dana", "aliya"), "neither a director");
    assert_one_clear_line(&create("dana", "nobody"), "no account named");
    ok(run(
        &data,
        &[
            "user",
            "create",
            "--username",
            "root",
            "--name",
            "Root",
            "--admin",
        ],
    ));
    ok(create("dana", "root"));
    let list = ok(run(&data, &["user", "list"]));
    assert!(
        list.contains("director@college-1") && !list.contains("director@college-1 (pending)"),
        "{list}"
    );
    assert!(ok(run(&data, &["verify"])).contains("chain intact"));
    // An edit behind the application's back is found, and named.
    let url = format!("sqlite://{}", data.join("trustbox.sqlite3").display());
    let store = Store::connect(&url).await.unwrap();
    store
        .raw_execute("UPDATE audit_log SET detail = 'forged' WHERE id = 2")
        .await
        .unwrap();
    store.close().await;
    let o = run(&data, &["verify"]);
    assert_one_clear_line(&o, "entry 2");
    let _ = std::fs::remove_dir_all(&data);
}

#[tokio::test]
async fn serves_on_postgresql_from_the_url_scheme() {
    let db = fresh(Backend::Postgres)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let data = tmp("pg");
    let s = serve(&data, &["--database-url", &db.url, "--demo"]);
    assert!(s.lines.iter().any(|l| l.contains("/setup/")));
    assert_eq!(http_get(&s.url, "/healthz").0, 200);
    // A second instance on the same database serves too, and does not print a new link.
    let data2 = tmp("pg2");
    std::fs::create_dir_all(&data2).unwrap();
    std::fs::copy(data.join("master.key"), data2.join("master.key")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            data2.join("master.key"),
            std::fs::Permissions::from_mode(0o600),
        )
        .unwrap();
    }
    // ... and the same keyring folder (a shared disk in production).
    let ring = data.join("keyring");
    let s2 = serve(
        &data2,
        &[
            "--database-url",
            &db.url,
            "--keyring-dir",
            ring.to_str().unwrap(),
        ],
    );
    assert!(!s2.lines.iter().any(|l| l.contains("/setup/")));
    let (_, home) = http_get(&s2.url, "/ru");
    assert!(
        home.contains("/ru/demo"),
        "both instances see the same data"
    );
    drop(s);
    drop(s2);
    let _ = std::fs::remove_dir_all(&data);
    let _ = std::fs::remove_dir_all(&data2);
}

fn http_post_json(url: &str, path: &str, json: &str) -> (u16, String) {
    let addr = url.trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).unwrap();
    write!(s, "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{json}", json.len()).unwrap();
    let mut buf = String::new();
    s.read_to_string(&mut buf).unwrap();
    let status = buf.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, buf)
}

fn journal_tamper_is_named(data: &Path, db_url: Option<&str>, tamper: impl Fn()) {
    let mut args = vec!["--demo"];
    if let Some(u) = db_url {
        args.extend(["--database-url", u]);
    }
    let s = serve(data, &args);
    for text in ["first letter", "second letter", "third letter"] {
        let (st, body) = http_post_json(
            &s.url,
            "/api/v1/schools/demo/appeals",
            &format!(r#"{{"author":"pupil","category":"violence","text":"{text}"}}"#),
        );
        assert_eq!(st, 201, "{body}");
    }
    drop(s);
    let verify = |d: &Path| {
        let mut c = cmd(d);
        if let Some(u) = db_url {
            c.args(["--database-url", u]);
        }
        c.arg("verify").output().unwrap()
    };
    let o = verify(data);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("journals: 8 entries"), "{}", stdout(&o));
    tamper();
    let o = verify(data);
    assert_one_clear_line(&o, "journal of school demo broken at entry 5");
}

#[test]
fn verify_names_a_journal_entry_edited_with_sqlite3() {
    let data = tmp("tamper-sqlite");
    let db = data.join("trustbox.sqlite3");
    journal_tamper_is_named(&data, None, || {
        let out = Command::new("sqlite3")
            .arg(&db)
            .arg("UPDATE journal_entries SET plain = replace(plain, 'violence', 'question') WHERE seq = 5 AND school_id = (SELECT id FROM org_units WHERE slug = 'demo')")
            .output()
            .expect("the sqlite3 command-line tool is needed (scripts/test installs it)");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    });
    let _ = std::fs::remove_dir_all(&data);
}

#[tokio::test]
async fn verify_names_a_journal_entry_edited_with_psql() {
    let db = fresh(Backend::Postgres)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let data = tmp("tamper-pg");
    let url = db.url.clone();
    journal_tamper_is_named(&data, Some(&url), || {
        let out = Command::new("psql")
            .arg(&url)
            .arg("-c")
            .arg("UPDATE journal_entries SET plain = replace(plain, 'violence', 'question') WHERE seq = 5 AND school_id = (SELECT id FROM org_units WHERE slug = 'demo')")
            .output()
            .expect("psql (postgresql-client) is needed");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    });
    let _ = std::fs::remove_dir_all(&data);
}

#[test]
fn no_address_or_user_agent_of_an_author_is_stored_or_logged() {
    let data = tmp("noip");
    let mut child = cmd(&data)
        .env("TRUSTBOX_LOG", "trace")
        .args(["serve", "--listen", "127.0.0.1:0", "--demo"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut url = String::new();
    let mut line = String::new();
    while out.read_line(&mut line).unwrap() > 0 {
        if let Some(u) = line.trim().strip_prefix("Trustbox listening on ") {
            url = u.to_string();
            break;
        }
        line.clear();
    }
    assert!(!url.is_empty(), "the server did not start");
    let addr = url.trim_start_matches("http://").to_string();
    let json = r#"{"author":"pupil","category":"bullying","text":"they take my phone"}"#;
    let mut s = TcpStream::connect(&addr).unwrap();
    write!(
        s,
        "POST /api/v1/schools/demo/appeals HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: DistinctiveAgent/9.9 (Pupil phone)\r\nX-Forwarded-For: 203.0.113.77\r\nX-Real-IP: 198.51.100.23\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{json}",
        json.len()
    )
    .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    assert!(resp.starts_with("HTTP/1.1 201"), "{resp}");
    let _ = child.kill();
    let _ = child.wait();
    let mut logs = String::new();
    out.read_to_string(&mut logs).unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut logs)
        .unwrap();
    assert!(
        logs.contains("TRACE") || logs.contains("DEBUG") || logs.contains("INFO"),
        "the logs were captured: {logs}"
    );
    let mut stored = Vec::new();
    for f in std::fs::read_dir(&data).unwrap().flatten() {
        if f.path().is_dir() {
            // The keyring: one file per key.
            for k in std::fs::read_dir(f.path()).unwrap().flatten() {
                stored.extend(std::fs::read(k.path()).unwrap());
            }
            continue;
        }
        stored.extend(std::fs::read(f.path()).unwrap());
    }
    let stored = String::from_utf8_lossy(&stored);
    for needle in [
        "DistinctiveAgent",
        "203.0.113.77",
        "198.51.100.23",
        "127.0.0.1",
    ] {
        assert!(
            !logs.contains(needle) || needle == "127.0.0.1",
            "{needle} in the logs"
        );
        assert!(!stored.contains(needle), "{needle} in the data folder");
    }
    let _ = std::fs::remove_dir_all(&data);
}
