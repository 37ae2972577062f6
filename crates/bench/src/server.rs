//! The server under test: the release binary started on a free loopback port with its own data
//! folder (and database), killed and restarted at will.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::http;

pub struct Server {
    pub bin: PathBuf,
    pub data: PathBuf,
    pub db_url: String,
    pub addr: SocketAddr,
    child: Option<Child>,
}

fn free_port() -> Result<u16> {
    let l = TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.port())
}

impl Server {
    /// A server description with a fresh data folder; `db_url` None means SQLite in the folder.
    pub fn new(bin: &Path, data: PathBuf, db_url: Option<String>) -> Result<Server> {
        std::fs::create_dir_all(&data)?;
        let db_url = db_url
            .unwrap_or_else(|| format!("sqlite://{}", data.join("trustbox.sqlite3").display()));
        let addr: SocketAddr = format!("127.0.0.1:{}", free_port()?).parse()?;
        http::check_loopback(&addr)?;
        Ok(Server {
            bin: bin.to_path_buf(),
            data,
            db_url,
            addr,
            child: None,
        })
    }

    fn command(&self) -> Command {
        let mut c = Command::new(&self.bin);
        c.env("TRUSTBOX_DATA_DIR", &self.data)
            .env("TRUSTBOX_DATABASE_URL", &self.db_url)
            .env("TRUSTBOX_LISTEN", self.addr.to_string())
            .env("TRUSTBOX_RATE_LIMIT", "off")
            // `TRUSTBOX_BENCH_SERVER_LOG` (e.g. `warn,sqlx::query=debug`, every statement with
            // its time) is for a profile; measured runs keep the default.
            .env(
                "TRUSTBOX_LOG",
                std::env::var("TRUSTBOX_BENCH_SERVER_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .env_remove("TRUSTBOX_CONFIG")
            .env_remove("TRUSTBOX_SMTP_URL");
        c
    }

    /// Runs a one-shot command of the binary (e.g. `school create …`) on this data folder.
    pub fn run(&self, args: &[&str]) -> Result<String> {
        let out = self.command().args(args).output()?;
        if !out.status.success() {
            bail!(
                "trustbox {} failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Starts `serve` and waits for the first answered request; returns how long that took.
    pub async fn start(&mut self) -> Result<Duration> {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.data.join("server.log"))?;
        let t0 = Instant::now();
        let child = self
            .command()
            .arg("serve")
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("start {}", self.bin.display()))?;
        self.child = Some(child);
        loop {
            if let Ok(a) = http::get_once(self.addr, "/healthz").await
                && a.status.is_success()
            {
                return Ok(t0.elapsed());
            }
            if let Some(c) = self.child.as_mut()
                && let Some(status) = c.try_wait()?
            {
                bail!(
                    "the server exited ({status}) before answering; see {}",
                    self.data.join("server.log").display()
                );
            }
            if t0.elapsed() > Duration::from_secs(60) {
                bail!("the server did not answer within 60 s");
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(|c| c.id())
    }

    /// `kill -9`: no chance to flush or shut down cleanly.
    pub fn kill9(&mut self) -> Result<()> {
        if let Some(mut c) = self.child.take() {
            c.kill()?;
            c.wait()?;
        }
        Ok(())
    }

    /// Resident memory of the server process in KiB (VmRSS from /proc).
    pub fn rss_kib(&self) -> Result<u64> {
        let pid = self.pid().context("server not running")?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .context("no VmRSS in /proc/PID/status")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.kill9();
    }
}
