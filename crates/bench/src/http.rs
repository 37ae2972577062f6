//! A minimal HTTP/1.1 keep-alive client on hyper, for loopback addresses only.

use std::net::SocketAddr;

use anyhow::{Context, Result, bail};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper::{Method, Request, StatusCode, header};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// One keep-alive connection to the server under test, with the cookies it was given.
pub struct Conn {
    addr: SocketAddr,
    send: SendRequest<Full<Bytes>>,
    pub cookies: Vec<(String, String)>,
}

/// An answer: status, body, and its Set-Cookie pairs.
pub struct Answer {
    pub status: StatusCode,
    pub body: Bytes,
}

impl Answer {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Refuses any target but the loopback interface: benchmarks never load another machine.
pub fn check_loopback(addr: &SocketAddr) -> Result<()> {
    if !addr.ip().is_loopback() {
        bail!("refusing to load {addr}: benchmarks target 127.0.0.1 only");
    }
    Ok(())
}

impl Conn {
    pub async fn open(addr: SocketAddr) -> Result<Conn> {
        check_loopback(&addr)?;
        let stream = TcpStream::connect(addr)
            .await
            .with_context(|| format!("connect to {addr}"))?;
        stream.set_nodelay(true)?;
        let (send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        Ok(Conn {
            addr,
            send,
            cookies: Vec::new(),
        })
    }

    pub async fn request(
        &mut self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Bytes,
    ) -> Result<Answer> {
        if self.send.ready().await.is_err() {
            // The server closed the connection (e.g. it was restarted): open a new one.
            let cookies = std::mem::take(&mut self.cookies);
            *self = Conn::open(self.addr).await?;
            self.cookies = cookies;
        }
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, self.addr.to_string());
        if let Some(ct) = content_type {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        if !self.cookies.is_empty() {
            let c = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            req = req.header(header::COOKIE, c);
        }
        let res = self.send.send_request(req.body(Full::new(body))?).await?;
        let status = res.status();
        for v in res.headers().get_all(header::SET_COOKIE) {
            let s = v.to_str().unwrap_or("");
            if let Some((k, val)) = s.split(';').next().and_then(|kv| kv.split_once('=')) {
                self.cookies.retain(|(n, _)| n != k);
                if !val.is_empty() && !s.contains("Max-Age=0") {
                    self.cookies.push((k.to_string(), val.to_string()));
                }
            }
        }
        let body = res.into_body().collect().await?.to_bytes();
        Ok(Answer { status, body })
    }

    pub async fn get(&mut self, path: &str) -> Result<Answer> {
        self.request(Method::GET, path, None, Bytes::new()).await
    }

    pub async fn post(&mut self, path: &str, content_type: &str, body: Bytes) -> Result<Answer> {
        self.request(Method::POST, path, Some(content_type), body)
            .await
    }
}

/// One request on a fresh connection (for "is it up yet").
pub async fn get_once(addr: SocketAddr, path: &str) -> Result<Answer> {
    Conn::open(addr).await?.get(path).await
}

/// A multipart/form-data body of text fields.
pub fn multipart(fields: &[(&str, &str)]) -> (String, Bytes) {
    let boundary = "----trustbox-bench-7f3a9c";
    let mut b = String::new();
    for (k, v) in fields {
        b.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        ));
    }
    b.push_str(&format!("--{boundary}--\r\n"));
    (
        format!("multipart/form-data; boundary={boundary}"),
        Bytes::from(b),
    )
}

/// `application/x-www-form-urlencoded` of simple ASCII fields.
pub fn urlencoded(fields: &[(&str, &str)]) -> Bytes {
    let enc = |s: &str| {
        s.bytes()
            .map(|c| match c {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    (c as char).to_string()
                }
                b' ' => "+".into(),
                _ => format!("%{c:02X}"),
            })
            .collect::<String>()
    };
    Bytes::from(
        fields
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&"),
    )
}
