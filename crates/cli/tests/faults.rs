//! Storage faults and hostile configuration, run as an operator would: a database that cannot
//! be written is refused at start with one clear line (not served, and not found out by a crash
//! on the first login).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use trustbox_store::testing::fresh;
use trustbox_store::{Backend, Store};

const BIN: &str = env!("CARGO_BIN_EXE_trustbox");

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "tb-faults-{name}-{}-{}",
        std::process::id(),
        trustbox_crypto::random_token()
    ));
    let _ = std::fs::remove_dir_all(&d);
    d
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

/// Runs `serve`; a server that starts anyway is stopped after a while (then the test fails).
fn serve_expecting_refusal(data: &Path, extra: &[&str]) -> Output {
    let child = cmd(data)
        .args(extra)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let started = Instant::now();
    let watchdog = std::thread::spawn(move || {
        while started.elapsed() < Duration::from_secs(60) {
            std::thread::sleep(Duration::from_millis(200));
            if !Path::new(&format!("/proc/{pid}")).exists() {
                return;
            }
        }
        let _ = Command::new("kill").arg(pid.to_string()).status();
    });
    let out = child.wait_with_output().unwrap();
    let _ = watchdog.join();
    out
}

fn assert_one_clear_line(o: &Output, needle: &str) {
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(!o.status.success(), "expected a refusal, got: {stdout}");
    assert!(!stdout.contains("listening"), "it served: {stdout}");
    let err = String::from_utf8_lossy(&o.stderr);
    let lines: Vec<_> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one line, got: {err}");
    assert!(lines[0].starts_with("error: "), "{err}");
    assert!(lines[0].contains(needle), "expected {needle:?} in: {err}");
}

#[test]
fn a_read_only_sqlite_database_is_refused_at_start() {
    let data = tmp("ro");
    let out = cmd(&data).arg("migrate").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let url = format!(
        "sqlite://{}?mode=ro",
        data.join("trustbox.sqlite3").display()
    );
    let out = serve_expecting_refusal(&data, &["--database-url", &url]);
    assert_one_clear_line(&out, "cannot be written");
    let _ = std::fs::remove_dir_all(&data);
}

#[tokio::test]
async fn a_read_only_postgres_database_is_refused_at_start() {
    let db = fresh(Backend::Postgres).await.unwrap();
    let data = tmp("ro-pg");
    let out = cmd(&data)
        .args(["--database-url", &db.url, "migrate"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let name = db.url.rsplit('/').next().unwrap().to_string();
    let store = Store::connect(&db.url).await.unwrap();
    store
        .raw_execute(&format!(
            "ALTER DATABASE {name} SET default_transaction_read_only = on"
        ))
        .await
        .unwrap();
    store.close().await;
    let url = db.url.clone();
    let data2 = data.clone();
    let out = tokio::task::spawn_blocking(move || {
        serve_expecting_refusal(&data2, &["--database-url", &url])
    })
    .await
    .unwrap();
    assert_one_clear_line(&out, "cannot be written");
    let _ = std::fs::remove_dir_all(&data);
}

#[test]
fn trusted_proxies_are_checked_and_shown() {
    let data = tmp("proxies");
    let out = cmd(&data)
        .args(["--trusted-proxies", "10.0.0.0/8, ::1", "config", "check"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("trusted_proxies = \"10.0.0.0/8,::1/128\""),
        "{stdout}"
    );
    let out = cmd(&data)
        .env("TRUSTBOX_TRUSTED_PROXIES", "10.0.0.0/33")
        .args(["config", "check"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("trusted_proxies") && err.contains("prefix"),
        "{err}"
    );
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(
        data.join("trustbox.toml"),
        "trusted_proxies = [\"127.0.0.1\", \"fd00::/8\"]\n",
    )
    .unwrap();
    let out = cmd(&data).args(["config", "check"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("trusted_proxies = \"127.0.0.1/32,fd00::/8\""),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&data);
}
