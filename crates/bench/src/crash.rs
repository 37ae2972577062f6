//! Crash durability: sustained submissions while the server is killed with SIGKILL at random
//! moments and restarted; afterwards every receipt code a client was given must open its
//! appeal.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Result;
use hyper::StatusCode;
use hyper::body::Bytes;
use rand::Rng;

use crate::http::Conn;
use crate::load::{self, Kind, Spec};
use crate::server::Server;

#[derive(Debug, Default)]
pub struct Outcome {
    pub kills: usize,
    pub receipts: usize,
    pub lost: usize,
    pub failed_requests: u64,
    pub max_restart_ms: f64,
}

/// Runs the test on a started server with school `school`.
pub async fn run(
    server: &mut Server,
    school: &str,
    kills: usize,
    clients: usize,
) -> Result<Outcome> {
    let receipts: load::Receipts = Arc::new(Mutex::new(Vec::new()));
    let mut outcome = Outcome::default();
    let mut handles = Vec::new();
    let mut stops = Vec::new();
    // Half the clients use the form, half the API.
    for kind in [Kind::Form, Kind::Json] {
        let mut spec = Spec::new(
            server.addr,
            school,
            kind,
            clients.div_ceil(2),
            Duration::from_secs(3600),
        );
        spec.record = Some(receipts.clone());
        spec.tolerate_errors = true;
        stops.push(spec.stop.clone());
        handles.push(tokio::spawn(load::run(Arc::new(spec))));
    }
    for _ in 0..kills {
        let wait = rand::thread_rng().gen_range(50..400);
        tokio::time::sleep(Duration::from_millis(wait)).await;
        server.kill9()?;
        outcome.kills += 1;
        let up = server.start().await?;
        outcome.max_restart_ms = outcome.max_restart_ms.max(up.as_secs_f64() * 1000.0);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    for s in &stops {
        s.store(true, Ordering::Relaxed);
    }
    for h in handles {
        let st = h.await??;
        outcome.failed_requests += st.errors;
    }
    let codes = receipts.lock().map(|v| v.clone()).unwrap_or_default();
    outcome.receipts = codes.len();
    let mut conn = Conn::open(server.addr).await?;
    for code in &codes {
        let body = serde_json::json!({"receipt": code}).to_string();
        let a = conn
            .post("/api/v1/follow-up", "application/json", Bytes::from(body))
            .await?;
        if a.status != StatusCode::OK {
            outcome.lost += 1;
        }
    }
    Ok(outcome)
}
