//! The HTTP server around [`crate::app`]: HTTP/1.1 with a deadline for request headers (which
//! also closes idle keep-alive connections), a cap on open connections, and a smaller cap per
//! source address, so slow or idle connections cannot take every file descriptor.

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::connect_info::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tower::ServiceExt;

use crate::AppState;
use crate::client::{Cidr, source_of};

/// How connections are bounded.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// A request's headers must arrive within this; an idle keep-alive connection is closed
    /// after it too.
    pub header_timeout: Duration,
    /// Open connections at most (keep it well under the process's file-descriptor limit).
    pub max_connections: usize,
    /// Open connections from one source (IPv6 by /64) at most; trusted proxies are exempt.
    pub per_source: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_timeout: Duration::from_secs(10),
            max_connections: 768,
            per_source: 16,
        }
    }
}

/// Open connections, in total and per source.
#[derive(Default)]
struct Open {
    total: usize,
    by_source: HashMap<IpAddr, usize>,
}

struct Slot {
    open: Arc<Mutex<Open>>,
    source: IpAddr,
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Ok(mut o) = self.open.lock() {
            o.total = o.total.saturating_sub(1);
            if let Some(n) = o.by_source.get_mut(&self.source) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    o.by_source.remove(&self.source);
                }
            }
        }
    }
}

fn take_slot(
    open: &Arc<Mutex<Open>>,
    peer: IpAddr,
    limits: &Limits,
    trusted: &[Cidr],
) -> Option<Slot> {
    let source = source_of(peer);
    let mut o = open.lock().ok()?;
    if o.total >= limits.max_connections {
        return None;
    }
    let exempt = trusted.iter().any(|c| c.contains(peer));
    let n = o.by_source.entry(source).or_insert(0);
    if !exempt && *n >= limits.per_source {
        return None;
    }
    *n += 1;
    o.total += 1;
    Some(Slot {
        open: open.clone(),
        source,
    })
}

/// Serves [`crate::app`] on `listener` until `shutdown` completes, then lets open requests finish.
pub async fn serve<L>(
    mut listener: L,
    state: AppState,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) where
    L: axum::serve::Listener<Addr = SocketAddr>,
{
    let trusted = state.config.trusted_proxies.clone();
    let router = crate::app(state);
    let open = Arc::new(Mutex::new(Open::default()));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    let mut refused: u64 = 0;
    loop {
        let (io, peer) = tokio::select! {
            c = listener.accept() => c,
            () = &mut shutdown => break,
        };
        let Some(slot) = take_slot(&open, peer.ip(), &limits, &trusted) else {
            // Closed at once: the descriptor is free again for someone else.
            refused += 1;
            if refused.is_power_of_two() {
                tracing::warn!(refused, "connection limit reached: connections refused");
            }
            drop(io);
            continue;
        };
        let svc = router.clone().map_request(move |req: Request<Incoming>| {
            let mut req = req.map(Body::new);
            req.extensions_mut().insert(ConnectInfo(peer));
            req
        });
        let svc = TowerToHyperService::new(svc);
        let mut stop = stop_rx.clone();
        let header_timeout = limits.header_timeout;
        tokio::spawn(async move {
            let _slot = slot;
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .max_buf_size(64 * 1024);
            let conn = builder.serve_connection(TokioIo::new(io), svc);
            let mut conn = std::pin::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => return,
                _ = stop.changed() => {}
            }
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        });
    }
    drop(listener);
    drop(stop_rx);
    let _ = stop_tx.send(true);
    // Wait until every connection task has let go of its receiver.
    stop_tx.closed().await;
}
