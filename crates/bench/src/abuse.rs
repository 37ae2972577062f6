//! `trustbox-bench abuse`: the release binary with its rate limits ON, its open files limited to
//! 1,024 (`prlimit`), and the demo loaded, attacked on loopback only:
//!
//! 1. memory after the demo's start-up (its account creations) and a few PDFs, settled;
//! 2. at once: a flood of parallel wrong logins from many loopback addresses, thousands of slow
//!    connections that send half a request header and wait, and normal traffic (school page,
//!    follow-up with a correct code, a letter) from 127.0.0.1 alongside;
//! 3. the peak memory meanwhile, whether every normal request was answered, and memory after.
//!
//! Every loop is bounded in count and time; only 127.0.0.0/8 is a target.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpSocket;

use crate::Table;

/// What to throw at the server.
pub struct Opts {
    pub bin: PathBuf,
    pub logins: usize,
    pub login_sources: usize,
    pub slow: usize,
    pub slow_sources: usize,
    pub pdfs: usize,
    pub seconds: u64,
}

const TIMEOUT: Duration = Duration::from_secs(30);

struct Srv {
    child: Child,
    addr: SocketAddr,
    data: PathBuf,
    demo: Vec<(String, String)>,
}

impl Drop for Srv {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.data);
    }
}

impl Srv {
    fn rss_kib(&self) -> Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .context("no VmRSS")
    }
}

fn start(bin: &Path) -> Result<Srv> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse()?;
    crate::http::check_loopback(&addr)?;
    let data = std::env::temp_dir().join(format!("tb-bench-abuse-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data)?;
    let mut c = Command::new("prlimit");
    c.arg("--nofile=1024:1024").arg("--").arg(bin);
    for (k, _) in std::env::vars() {
        if k.starts_with("TRUSTBOX_") {
            c.env_remove(k);
        }
    }
    let mut child = c
        .env("TRUSTBOX_DATA_DIR", &data)
        .env("TRUSTBOX_LISTEN", addr.to_string())
        .env("TRUSTBOX_LOG", "warn")
        .args(["serve", "--demo"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("start prlimit … trustbox serve --demo")?;
    let out = child.stdout.take().context("no stdout")?;
    let mut demo = Vec::new();
    let t0 = Instant::now();
    for line in BufReader::new(out).lines() {
        let line = line?;
        if let Some(rest) = line.strip_prefix("Demo account: ") {
            let field = |k: &str| {
                rest.split_whitespace()
                    .find_map(|w| w.strip_prefix(k))
                    .map(str::to_string)
            };
            if let (Some(l), Some(p)) = (field("login="), field("password=")) {
                demo.push((l, p));
            }
        }
        if line.starts_with("Trustbox listening on ") {
            break;
        }
        if t0.elapsed() > Duration::from_secs(120) {
            bail!("the demo did not start within 120 s");
        }
    }
    Ok(Srv {
        child,
        addr,
        data,
        demo,
    })
}

/// One request on a new connection from `local` (a loopback address), `Connection: close`.
async fn request(addr: SocketAddr, local: IpAddr, raw: Vec<u8>) -> Result<(u16, String, Vec<u8>)> {
    crate::http::check_loopback(&addr)?;
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(local, 0))?;
    let mut s = tokio::time::timeout(TIMEOUT, socket.connect(addr))
        .await
        .context("connect timed out")??;
    tokio::time::timeout(TIMEOUT, s.write_all(&raw))
        .await
        .context("write timed out")??;
    let mut buf = Vec::new();
    tokio::time::timeout(TIMEOUT, s.read_to_end(&mut buf))
        .await
        .context("read timed out")??;
    let end = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .context("no answer")?;
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .context("no status")?;
    Ok((status, head, buf[end + 4..].to_vec()))
}

fn get(path: &str, cookie: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: bench\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n")
        .into_bytes()
}

fn post(path: &str, cookie: &str, ct: &str, body: &str) -> Vec<u8> {
    format!(
        "POST {path} HTTP/1.1\r\nHost: bench\r\nCookie: {cookie}\r\nContent-Type: {ct}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn cookies(head: &str) -> String {
    head.lines()
        .filter_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("set-cookie")
                .then(|| v.trim().split(';').next().unwrap_or("").to_string())
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn input_value(body: &[u8], name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let pat = format!("name=\"{name}\" value=\"");
    let i = text.find(&pat)? + pat.len();
    let j = text[i..].find('"')? + i;
    Some(text[i..j].to_string())
}

fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            let enc: String = v
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect();
            format!("{k}={enc}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// A login page's cookie and `pre` token, then the login itself; the answer's status and cookies.
async fn login(addr: SocketAddr, local: IpAddr, user: &str, pw: &str) -> Result<(u16, String)> {
    let (_, head, body) = request(addr, local, get("/staff/login?lang=ru", "")).await?;
    let cookie = cookies(&head);
    let pre = input_value(&body, "pre").context("no pre token")?;
    let f = form(&[
        ("username", user),
        ("password", pw),
        ("pre", &pre),
        ("lang", "ru"),
    ]);
    let (status, head, _) = request(
        addr,
        local,
        post(
            "/staff/login",
            &cookie,
            "application/x-www-form-urlencoded",
            &f,
        ),
    )
    .await?;
    let session = cookies(&head);
    Ok((status, format!("{cookie}; {session}")))
}

fn loopback(a: u8, b: u8, c: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(127, a, b, c))
}

fn mb(kib: u64) -> String {
    format!("{:.1} MB", kib as f64 / 1024.0)
}

pub async fn run(o: &Opts) -> Result<Table> {
    let mut t = Table {
        rows: Vec::new(),
        failures: Vec::new(),
    };
    let srv = start(&o.bin)?;
    let addr = srv.addr;
    let me = loopback(0, 0, 1);
    let after_start = srv.rss_kib()?;
    t.fact(
        "abuse",
        "SQLite",
        "RSS after the demo's start-up",
        mb(after_start),
        format!("{} demo accounts created (argon2 each)", srv.demo.len()),
    );
    // A few PDFs, as the responsible person.
    let (user, pw) = srv
        .demo
        .iter()
        .find(|(l, _)| l == "demo-sp")
        .cloned()
        .context("no demo-sp account printed")?;
    let (status, cookie) = login(addr, me, &user, &pw).await?;
    if status != 303 {
        bail!("demo login answered {status}");
    }
    let mut pdf_bytes = 0;
    let paths = [
        "/staff/s/demo/journal?format=pdf",
        "/staff/s/demo/reports?format=pdf",
        "/staff/s/demo/board-sheet",
    ];
    for i in 0..o.pdfs {
        let path = paths[i % paths.len()];
        let (status, head, body) = request(addr, me, get(path, &cookie)).await?;
        if status != 200 || !head.to_ascii_lowercase().contains("application/pdf") {
            t.failures.push(format!(
                "PDF {path}: {status} {}",
                head.lines().next().unwrap_or("")
            ));
        }
        pdf_bytes += body.len();
    }
    tokio::time::sleep(Duration::from_secs(5)).await;
    let settled = srv.rss_kib()?;
    t.fact(
        "abuse",
        "SQLite",
        &format!("RSS after demo start-up + {} PDFs, 5 s later", o.pdfs),
        mb(settled),
        format!("{} KB of PDF; target < 64 MB", pdf_bytes / 1024),
    );
    if settled >= 64 * 1024 {
        t.failures
            .push(format!("RSS after start-up and PDFs: {}", mb(settled)));
    }
    // A letter, whose code the normal traffic follows up.
    let letter = r#"{"author":"pupil","category":"question","text":"bench letter"}"#;
    let (status, _, body) = request(
        addr,
        me,
        post(
            "/api/v1/schools/demo/appeals",
            "",
            "application/json",
            letter,
        ),
    )
    .await?;
    if status != 201 {
        bail!("letter: {status} {}", String::from_utf8_lossy(&body));
    }
    let receipt = serde_json::from_slice::<serde_json::Value>(&body)?["receipt"]
        .as_str()
        .context("no receipt")?
        .to_string();

    let stop = Arc::new(AtomicBool::new(false));
    let (peak, sampler) = crate::rss_sampler(srv.child.id(), stop.clone());
    let deadline = Instant::now() + Duration::from_secs(o.seconds);

    // Slow connections: half a header, then nothing, held until the server closes them or the
    // run ends.
    let slow_closed = Arc::new(AtomicU64::new(0));
    let slow_open = Arc::new(AtomicU64::new(0));
    let mut slow = tokio::task::JoinSet::new();
    for i in 0..o.slow {
        let src = loopback(2, 0, (i % o.slow_sources.max(1)) as u8 + 1);
        let (closed, open) = (slow_closed.clone(), slow_open.clone());
        slow.spawn(async move {
            // Again and again until the run ends, as a slowloris would.
            while Instant::now() < deadline {
                let Ok(socket) = TcpSocket::new_v4() else {
                    return;
                };
                if socket.bind(SocketAddr::new(src, 0)).is_err() {
                    return;
                }
                let Ok(Ok(mut s)) = tokio::time::timeout(TIMEOUT, socket.connect(addr)).await
                else {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                };
                open.fetch_add(1, Ordering::Relaxed);
                let t0 = Instant::now();
                let _ = s
                    .write_all(b"GET /ru/demo HTTP/1.1\r\nHost: bench\r\n")
                    .await;
                let mut buf = [0u8; 512];
                let left = deadline.saturating_duration_since(Instant::now());
                if let Ok(r) = tokio::time::timeout(left, s.read(&mut buf)).await
                    && matches!(r, Ok(0) | Err(_))
                {
                    closed.fetch_add(1, Ordering::Relaxed);
                }
                if t0.elapsed() < Duration::from_millis(100) {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        });
    }

    // The login flood: wrong passwords for a real account, all at once, from many addresses.
    let statuses = Arc::new(std::sync::Mutex::new(BTreeMap::<String, u64>::new()));
    let slowest = Arc::new(AtomicU64::new(0));
    let mut flood = tokio::task::JoinSet::new();
    for i in 0..o.logins {
        let src = loopback(1, 0, (i % o.login_sources.max(1)) as u8 + 1);
        let (statuses, slowest, user) = (statuses.clone(), slowest.clone(), user.clone());
        flood.spawn(async move {
            let t0 = Instant::now();
            let key = match login(addr, src, &user, "wrong password").await {
                Ok((s, _)) => s.to_string(),
                Err(e) => format!("error: {e}"),
            };
            slowest.fetch_max(t0.elapsed().as_millis() as u64, Ordering::Relaxed);
            if let Ok(mut m) = statuses.lock() {
                *m.entry(key).or_insert(0) += 1;
            }
        });
    }

    // Normal traffic from 127.0.0.1 meanwhile: the school page, the follow-up with the correct
    // code, the health check, and now and then a letter (20 at most, under the per-address limit).
    let mut normal_total = 0u64;
    let mut normal_ok = 0u64;
    let mut normal_worst = Duration::ZERO;
    let mut normal_errors = Vec::new();
    let mut letters = 0;
    let code_form = form(&[("code", &receipt)]);
    while Instant::now() < deadline {
        let mut reqs = vec![
            (get("/ru/demo", ""), 200),
            (
                post(
                    "/ru/follow-up",
                    "",
                    "application/x-www-form-urlencoded",
                    &code_form,
                ),
                200,
            ),
            (get("/healthz", ""), 200),
        ];
        if letters < 20 {
            letters += 1;
            reqs.push((
                post(
                    "/api/v1/schools/demo/appeals",
                    "",
                    "application/json",
                    letter,
                ),
                201,
            ));
        }
        for (raw, want) in reqs {
            normal_total += 1;
            let t0 = Instant::now();
            match request(addr, me, raw).await {
                Ok((s, _, _)) if s == want => normal_ok += 1,
                Ok((s, head, _)) => {
                    normal_errors.push(format!("{s}: {}", head.lines().next().unwrap_or("")))
                }
                Err(e) => normal_errors.push(e.to_string()),
            }
            normal_worst = normal_worst.max(t0.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    while flood.join_next().await.is_some() {}
    stop.store(true, Ordering::Relaxed);
    let _ = sampler.await;
    slow.abort_all();
    while slow.join_next().await.is_some() {}
    let peak = peak.load(Ordering::Relaxed);
    let statuses = statuses.lock().map(|m| m.clone()).unwrap_or_default();
    t.fact(
        "abuse",
        "SQLite",
        &format!(
            "{} parallel wrong logins from {} addresses",
            o.logins, o.login_sources
        ),
        statuses
            .iter()
            .map(|(k, v)| format!("{v}×{k}"))
            .collect::<Vec<_>>()
            .join(", "),
        format!(
            "slowest answer {} ms (401 wrong, 429 this address busy/locked, 503 hashing full)",
            slowest.load(Ordering::Relaxed)
        ),
    );
    t.fact(
        "abuse",
        "SQLite",
        &format!(
            "{} slow clients from {} addresses (half a header, again and again)",
            o.slow, o.slow_sources
        ),
        format!(
            "{} connections opened, {} closed by the server",
            slow_open.load(Ordering::Relaxed),
            slow_closed.load(Ordering::Relaxed)
        ),
        format!("within {} s; server under prlimit --nofile=1024", o.seconds),
    );
    t.fact(
        "abuse",
        "SQLite",
        "normal requests from 127.0.0.1 meanwhile",
        format!("{normal_ok} of {normal_total} answered"),
        format!(
            "slowest {} ms; school page, follow-up with a correct code, /healthz, {letters} letters{}",
            normal_worst.as_millis(),
            normal_errors
                .first()
                .map(|e| format!("; first failure: {e}"))
                .unwrap_or_default()
        ),
    );
    if normal_ok != normal_total {
        t.failures.push(format!(
            "{} of {normal_total} normal requests not answered: {:?}",
            normal_total - normal_ok,
            normal_errors.iter().take(3).collect::<Vec<_>>()
        ));
    }
    t.fact(
        "abuse",
        "SQLite",
        "peak RSS during the attack",
        mb(peak),
        "target < 300 MB".into(),
    );
    if peak >= 300 * 1024 {
        t.failures.push(format!("peak RSS {}", mb(peak)));
    }
    tokio::time::sleep(Duration::from_secs(5)).await;
    t.fact(
        "abuse",
        "SQLite",
        "RSS 5 s after the attack",
        mb(srv.rss_kib()?),
        String::new(),
    );
    Ok(t)
}
