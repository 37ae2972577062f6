//! The load generator: N clients, each on its own keep-alive connection, sending one request
//! after the other for a fixed time; latencies of every request, throughput of the successful.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use hyper::StatusCode;
use hyper::body::Bytes;

use crate::http::{self, Conn};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The public form (multipart POST), answered with the receipt page.
    Form,
    /// The JSON API, answered with the receipt as JSON.
    Json,
    /// The school's public page (GET).
    Page,
    /// Follow-up with a receipt code through the JSON API.
    FollowUp,
    /// A staff page (GET) with a logged-in session.
    Staff,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Form => "submit: form POST",
            Kind::Json => "submit: JSON API",
            Kind::Page => "public school page",
            Kind::FollowUp => "follow-up with receipt (API)",
            Kind::Staff => "staff page",
        }
    }
}

/// What one run measured.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub ok: u64,
    pub errors: u64,
    pub elapsed: Duration,
    /// Microseconds, sorted.
    pub latencies: Vec<u32>,
    pub first_error: Option<String>,
}

impl Stats {
    pub fn per_sec(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
    pub fn pct_ms(&self, p: f64) -> f64 {
        if self.latencies.is_empty() {
            return f64::NAN;
        }
        let i = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies[i.min(self.latencies.len() - 1)] as f64 / 1000.0
    }
}

/// Receipt codes the clients were given (for the crash test).
pub type Receipts = Arc<Mutex<Vec<String>>>;

pub struct Spec {
    pub addr: SocketAddr,
    pub school: String,
    pub kind: Kind,
    pub clients: usize,
    pub duration: Duration,
    /// Staff: the page path; FollowUp: unused.
    pub path: String,
    /// FollowUp: codes to open; Staff: the session cookies.
    pub codes: Vec<String>,
    pub cookies: Vec<(String, String)>,
    /// Where to put every receipt code handed out.
    pub record: Option<Receipts>,
    /// Keep going through connection errors (the server is being killed).
    pub tolerate_errors: bool,
    /// Set to end the run before `duration`.
    pub stop: Arc<AtomicBool>,
}

impl Spec {
    pub fn new(
        addr: SocketAddr,
        school: &str,
        kind: Kind,
        clients: usize,
        duration: Duration,
    ) -> Spec {
        Spec {
            addr,
            school: school.to_string(),
            kind,
            clients,
            duration,
            path: String::new(),
            codes: Vec::new(),
            cookies: Vec::new(),
            record: None,
            tolerate_errors: false,
            stop: Arc::new(AtomicBool::new(false)),
        }
    }
}

fn text(i: u64) -> String {
    format!(
        "Benchmark letter {i}. In our class a boy is teased every day at the break; \
         the teachers do not see it. Please talk to the class."
    )
}

/// The receipt code in a receipt page or JSON answer.
pub fn receipt_of(kind: Kind, body: &str) -> Option<String> {
    match kind {
        Kind::Json => serde_json::from_str::<serde_json::Value>(body)
            .ok()?
            .get("receipt")?
            .as_str()
            .map(str::to_string),
        _ => {
            let i = body.find("id=\"receipt-code\">")? + "id=\"receipt-code\">".len();
            let j = body[i..].find('<')? + i;
            Some(body[i..j].trim().to_string())
        }
    }
}

async fn one(conn: &mut Conn, spec: &Spec, n: u64) -> Result<(StatusCode, Bytes)> {
    let a = match spec.kind {
        Kind::Form => {
            let t = text(n);
            let (ct, body) = http::multipart(&[
                ("author", "pupil"),
                ("anonymous", "1"),
                ("category", "bullying"),
                ("text", &t),
                ("written_on", ""),
                ("answer_via", "board"),
            ]);
            conn.post(&format!("/ru/{}/write", spec.school), &ct, body)
                .await?
        }
        Kind::Json => {
            let body = serde_json::json!({
                "author": "pupil",
                "category": "bullying",
                "text": text(n),
                "language": "ru",
            })
            .to_string();
            conn.post(
                &format!("/api/v1/schools/{}/appeals", spec.school),
                "application/json",
                Bytes::from(body),
            )
            .await?
        }
        Kind::Page => conn.get(&format!("/ru/{}", spec.school)).await?,
        Kind::FollowUp => {
            let code = &spec.codes[n as usize % spec.codes.len().max(1)];
            let body = serde_json::json!({"receipt": code, "language": "ru"}).to_string();
            conn.post("/api/v1/follow-up", "application/json", Bytes::from(body))
                .await?
        }
        Kind::Staff => conn.get(&spec.path).await?,
    };
    Ok((a.status, a.body))
}

fn expected(kind: Kind) -> StatusCode {
    match kind {
        Kind::Form | Kind::Json => StatusCode::CREATED,
        _ => StatusCode::OK,
    }
}

/// Runs the load and returns what it measured.
pub async fn run(spec: Arc<Spec>) -> Result<Stats> {
    http::check_loopback(&spec.addr)?;
    if spec.kind == Kind::FollowUp && spec.codes.is_empty() {
        bail!("follow-up load needs receipt codes");
    }
    let start = Instant::now();
    let deadline = start + spec.duration;
    let mut tasks = Vec::new();
    for c in 0..spec.clients {
        let spec = spec.clone();
        tasks.push(tokio::spawn(async move {
            let mut st = Stats::default();
            let mut conn: Option<Conn> = None;
            let mut n = (c as u64) << 32;
            while Instant::now() < deadline && !spec.stop.load(Ordering::Relaxed) {
                n += 1;
                if conn.is_none() {
                    match Conn::open(spec.addr).await {
                        Ok(mut k) => {
                            k.cookies = spec.cookies.clone();
                            conn = Some(k);
                        }
                        Err(e) => {
                            st.errors += 1;
                            st.first_error.get_or_insert_with(|| e.to_string());
                            if !spec.tolerate_errors {
                                break;
                            }
                            tokio::time::sleep(Duration::from_millis(5)).await;
                            continue;
                        }
                    }
                }
                let Some(k) = conn.as_mut() else { continue };
                let t0 = Instant::now();
                match one(k, &spec, n).await {
                    Ok((status, body)) if status == expected(spec.kind) => {
                        st.latencies
                            .push(t0.elapsed().as_micros().min(u32::MAX as u128) as u32);
                        if let Some(rec) = &spec.record {
                            let code = receipt_of(spec.kind, &String::from_utf8_lossy(&body));
                            match code {
                                Some(code) => {
                                    if let Ok(mut v) = rec.lock() {
                                        v.push(code);
                                    }
                                }
                                None => {
                                    st.errors += 1;
                                    st.first_error
                                        .get_or_insert_with(|| "answer without receipt".into());
                                    continue;
                                }
                            }
                        }
                        st.ok += 1;
                    }
                    Ok((status, body)) => {
                        st.errors += 1;
                        st.first_error.get_or_insert_with(|| {
                            format!(
                                "{status}: {}",
                                String::from_utf8_lossy(&body)
                                    .chars()
                                    .take(300)
                                    .collect::<String>()
                            )
                        });
                        if !spec.tolerate_errors {
                            break;
                        }
                    }
                    Err(e) => {
                        st.errors += 1;
                        st.first_error.get_or_insert_with(|| e.to_string());
                        conn = None;
                        if !spec.tolerate_errors {
                            break;
                        }
                    }
                }
            }
            st
        }));
    }
    let mut all = Stats::default();
    for t in tasks {
        let st = t.await?;
        all.ok += st.ok;
        all.errors += st.errors;
        all.latencies.extend(st.latencies);
        if all.first_error.is_none() {
            all.first_error = st.first_error;
        }
    }
    all.elapsed = start.elapsed();
    all.latencies.sort_unstable();
    Ok(all)
}
