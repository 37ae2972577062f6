//! HTTPS from the binary: a self-signed certificate made here (rcgen), the built binary serving
//! it on 127.0.0.1, a rustls client talking to it. HSTS only over TLS; bad certificate or key
//! paths are one clear line and a non-zero exit, before anything is written.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::pki_types::ServerName;

const BIN: &str = env!("CARGO_BIN_EXE_trustbox");

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "tb-tls-{name}-{}-{:x}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
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

struct Server {
    child: Child,
    addr: String,
    url: String,
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
        let Ok(line) = rx.recv_timeout(left) else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the server did not start");
        };
        if let Some(url) = line.strip_prefix("Trustbox listening on ") {
            let addr = url.split("://").nth(1).unwrap().to_string();
            return Server {
                child,
                addr,
                url: url.to_string(),
            };
        }
    }
}

/// A self-signed certificate for `localhost`: (certificate PEM, key PEM, certificate DER).
fn self_signed() -> (String, String, Vec<u8>) {
    let ck = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    (
        ck.cert.pem(),
        ck.signing_key.serialize_pem(),
        ck.cert.der().to_vec(),
    )
}

fn request(path: &str, host: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").into_bytes()
}

/// A GET over TLS, trusting only `ca_der`; the whole response as text.
fn https_get(addr: &str, ca_der: &[u8], path: &str) -> String {
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(rustls::pki_types::CertificateDer::from(ca_der.to_vec()))
        .unwrap();
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let name = ServerName::try_from("localhost").unwrap();
    let mut conn = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
    let mut sock = TcpStream::connect(addr).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut tls = rustls::Stream::new(&mut conn, &mut sock);
    tls.write_all(&request(path, "localhost")).unwrap();
    let mut buf = Vec::new();
    // A peer closing without close_notify shows as an error after the data: keep what came.
    let _ = tls.read_to_end(&mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

fn http_get(addr: &str, path: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(&request(path, addr)).unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

fn header_lines(res: &str) -> Vec<String> {
    res.split("\r\n\r\n")
        .next()
        .unwrap()
        .lines()
        .map(str::to_ascii_lowercase)
        .collect()
}

#[test]
fn https_from_the_binary_with_hsts_only_over_tls() {
    let data = tmp("on");
    let (cert, key, der) = self_signed();
    std::fs::write(data.join("cert.pem"), cert).unwrap();
    std::fs::write(data.join("key.pem"), key).unwrap();
    let cert_path = data.join("cert.pem");
    let key_path = data.join("key.pem");
    let s = serve(
        &data,
        &[
            "--tls-cert",
            cert_path.to_str().unwrap(),
            "--tls-key",
            key_path.to_str().unwrap(),
        ],
    );
    assert!(s.url.starts_with("https://127.0.0.1:"), "{}", s.url);
    let res = https_get(&s.addr, &der, "/healthz");
    assert!(res.starts_with("HTTP/1.1 200"), "{res}");
    let h = header_lines(&res);
    assert!(
        h.iter()
            .any(|l| l.starts_with("strict-transport-security: max-age=63072000")),
        "HSTS over TLS: {h:?}"
    );
    // Plain HTTP to the HTTPS port gets no page, and the server goes on serving.
    let plain = http_get(&s.addr, "/healthz");
    assert!(!plain.contains("200 OK"), "{plain}");
    let res = https_get(&s.addr, &der, "/ru");
    assert!(res.starts_with("HTTP/1.1 200"), "{res}");
    drop(s);

    // The same installation over plain HTTP: no HSTS.
    let s = serve(&data, &[]);
    assert!(s.url.starts_with("http://"), "{}", s.url);
    let res = http_get(&s.addr, "/healthz");
    assert!(res.starts_with("HTTP/1.1 200"), "{res}");
    assert!(
        !header_lines(&res)
            .iter()
            .any(|l| l.starts_with("strict-transport-security")),
        "no HSTS over plain HTTP: {res}"
    );
    drop(s);
    let _ = std::fs::remove_dir_all(&data);
}

fn assert_one_clear_line(o: &Output, needle: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "expected failure: {err}");
    let lines: Vec<_> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one line, got: {err}");
    assert!(lines[0].starts_with("error: "), "{err}");
    assert!(lines[0].contains(needle), "expected {needle:?} in: {err}");
}

#[test]
fn bad_certificate_or_key_is_one_clear_line() {
    let data = tmp("bad");
    let (cert, key, _) = self_signed();
    let (_, other_key, _) = self_signed();
    let p = |n: &str| data.join(n).to_str().unwrap().to_string();
    std::fs::write(data.join("cert.pem"), cert).unwrap();
    std::fs::write(data.join("key.pem"), &key).unwrap();
    std::fs::write(data.join("other-key.pem"), other_key).unwrap();
    std::fs::write(data.join("garbage.pem"), "not a certificate\n").unwrap();
    let run = |args: &[&str]| {
        cmd(&data)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .output()
            .unwrap()
    };
    let o = run(&["--tls-cert", &p("missing.pem"), "--tls-key", &p("key.pem")]);
    assert_one_clear_line(&o, "cannot read the TLS certificate");
    let o = run(&[
        "--tls-cert",
        &p("cert.pem"),
        "--tls-key",
        &p("missing-key.pem"),
    ]);
    assert_one_clear_line(&o, "cannot read the TLS key");
    let o = run(&["--tls-cert", &p("garbage.pem"), "--tls-key", &p("key.pem")]);
    assert_one_clear_line(&o, "holds no certificate");
    let o = run(&["--tls-cert", &p("cert.pem"), "--tls-key", &p("garbage.pem")]);
    assert_one_clear_line(&o, "is not a PEM private key");
    let o = run(&[
        "--tls-cert",
        &p("cert.pem"),
        "--tls-key",
        &p("other-key.pem"),
    ]);
    assert_one_clear_line(&o, "does not fit the certificate");
    let o = run(&["--tls-cert", &p("cert.pem")]);
    assert_one_clear_line(&o, "both --tls-cert and --tls-key");
    // Nothing was created by any of these.
    assert!(!data.join("trustbox.sqlite3").exists());
    assert!(!data.join("master.key").exists());
    let _ = std::fs::remove_dir_all(&data);
}
