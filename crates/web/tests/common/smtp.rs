//! A real SMTP server for the tests: `tests/smtp_sink.py` (aiosmtpd) on a loopback port, shared
//! by the test binaries that deliver mail (`mail.rs`, `contact.rs`).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

use trustbox_web::mail::{MailConfig, Mailer};

/// A python3 that has aiosmtpd; a missing one fails the test (it never skips).
pub fn python() -> &'static str {
    static PY: OnceLock<String> = OnceLock::new();
    PY.get_or_init(|| {
        let mut candidates: Vec<String> =
            std::env::var("TRUSTBOX_TEST_PYTHON").into_iter().collect();
        candidates.extend(["python3".to_string(), "/usr/bin/python3".to_string()]);
        for c in candidates {
            let ok = Command::new(&c)
                .args(["-c", "import aiosmtpd"])
                .output()
                .map(|o| o.status.success())
                .unwrap_or(false);
            if ok {
                return c;
            }
        }
        panic!(
            "the mail tests need a real SMTP server: install Debian's python3-aiosmtpd \
             (apt-get install -y python3-aiosmtpd; scripts/test does) or `pip install aiosmtpd`, \
             or set TRUSTBOX_TEST_PYTHON to a python3 that has it"
        )
    })
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `tests/smtp_sink.py` listening on a loopback port; killed when dropped.
pub struct Sink {
    child: Child,
    dir: PathBuf,
    pub port: u16,
}

impl Sink {
    pub fn start(port: u16) -> Sink {
        let dir = std::env::temp_dir().join(format!(
            "trustbox-smtp-{}-{:x}",
            std::process::id(),
            rand::random::<u64>()
        ));
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_sink.py");
        let mut child = Command::new(python())
            .arg(script)
            .arg(port.to_string())
            .arg(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start tests/smtp_sink.py");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        if line.trim() != "ready" {
            let _ = child.kill();
            let mut err = String::new();
            let _ = child.stderr.take().unwrap().read_to_string(&mut err);
            panic!("the SMTP sink did not start on port {port}: {line}{err}");
        }
        Sink { child, dir, port }
    }

    /// A sink on a free loopback port.
    pub fn start_free() -> Sink {
        Sink::start(free_port())
    }

    /// A mailer that delivers to this sink.
    pub fn mailer(&self) -> Mailer {
        Mailer::new(&MailConfig {
            url: format!("smtp://127.0.0.1:{}", self.port),
            from: "Trustbox <trustbox@school.example>".into(),
        })
        .unwrap()
    }

    /// The mails that reached `to`.
    pub fn to(&self, to: &str) -> Vec<serde_json::Value> {
        self.mails()
            .into_iter()
            .filter(|m| m["rcpt_tos"].as_array().unwrap().iter().any(|r| r == to))
            .collect()
    }

    /// What the server received, in order of arrival.
    pub fn mails(&self) -> Vec<serde_json::Value> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .map(|d| {
                d.flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "json"))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
            .iter()
            .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
            .collect()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
