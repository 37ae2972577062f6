//! Group commit for intake. A durable commit costs one fsync, and a disk manages a few hundred
//! of those a second; so one writer task takes the appeals that arrive while the previous
//! commit is being made durable and registers them together in one transaction
//! ([`Store::register_appeals`]). Each caller is answered only after its batch is durable.
//! Journal numbers and the hash chains come out exactly as if the appeals had been registered
//! one after the other, in the order they reached the writer.

use std::sync::{Arc, OnceLock};

use tokio::sync::{Notify, mpsc, oneshot};

use sqlx::Any;
use sqlx::pool::PoolConnection;

use crate::{Backend, NewAppeal, Registered, Store, StoreError};

/// At most this many appeals go into one transaction.
pub const MAX_BATCH: usize = 256;

/// The answer to one caller: its journal number, or the error with its appeal given back (so
/// that the caller can mend and retry it without having kept a copy).
type Reply = oneshot::Sender<Result<Registered, (StoreError, NewAppeal)>>;

/// The handle to the writer task of a [`Store`], started on first use.
#[derive(Default)]
pub(crate) struct GroupCommit {
    tx: OnceLock<mpsc::UnboundedSender<(NewAppeal, Reply)>>,
    /// Tells the writer to give its connection back ([`Store::close`] waits for every one).
    release: Arc<Notify>,
}

impl std::fmt::Debug for GroupCommit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GroupCommit")
    }
}

impl GroupCommit {
    pub(crate) fn new() -> Arc<GroupCommit> {
        Arc::new(GroupCommit::default())
    }

    /// The writer gives its connection back to the pool (before the pool is closed).
    pub(crate) fn release(&self) {
        self.release.notify_one();
    }
}

/// The writer's own connection: kept from batch to batch, so that its page cache holds the
/// pages every batch touches (the ends of the indexes, the chain heads, the counters) instead of
/// reading them again through whichever pooled connection comes next. SQLite gives it a larger
/// cache and checkpoints its WAL less often (each checkpoint copies and fsyncs on the writer's
/// path).
async fn writer_conn(store: &Store) -> Option<PoolConnection<Any>> {
    let mut conn = store.pool.acquire().await.ok()?;
    if store.backend() == Backend::Sqlite {
        // 8 MiB of pages (the default is 2 MiB); a checkpoint every 4,000 WAL pages (16 MiB,
        // the default 1,000). Measured: BENCHMARKS.md, session 4.
        for sql in ["PRAGMA cache_size=-8192", "PRAGMA wal_autocheckpoint=4000"] {
            if let Err(e) = sqlx::query(sql).execute(&mut *conn).await {
                tracing::warn!(error = %e, "writer connection settings");
            }
        }
    }
    Some(conn)
}

async fn writer(
    store: Store,
    mut rx: mpsc::UnboundedReceiver<(NewAppeal, Reply)>,
    release: Arc<Notify>,
) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    let mut conn = None;
    loop {
        tokio::select! {
            biased;
            () = release.notified() => {
                conn = None;
                continue;
            }
            n = rx.recv_many(&mut jobs, MAX_BATCH) => if n == 0 { break },
        }
        let (appeals, replies): (Vec<NewAppeal>, Vec<Reply>) = jobs.drain(..).unzip();
        if conn.is_none() {
            conn = writer_conn(&store).await;
        }
        let result = match conn.as_mut() {
            Some(c) => crate::appeals::register_appeals_on(c, &appeals).await,
            None => store.register_appeals(&appeals).await,
        };
        if result.is_err() {
            // A fresh connection for the next batch, in case this one is what failed.
            conn = None;
        }
        match result {
            Ok(regs) => {
                for (r, reply) in regs.into_iter().zip(replies) {
                    let _ = reply.send(Ok(r));
                }
            }
            Err(e) if appeals.len() == 1 => {
                if let (Some(reply), Some(a)) =
                    (replies.into_iter().next(), appeals.into_iter().next())
                {
                    let _ = reply.send(Err((e, a)));
                }
            }
            Err(e) => {
                // Nothing of the batch was written. One bad appeal must not cost the others
                // theirs: each is tried on its own and gets its own answer.
                tracing::warn!(error = %e, size = appeals.len(), "group commit failed; registering one by one");
                for (a, reply) in appeals.into_iter().zip(replies) {
                    let r = match store.register_appeals(std::slice::from_ref(&a)).await {
                        Ok(v) => v.into_iter().next().ok_or((StoreError::NotFound, a)),
                        Err(e) => Err((e, a)),
                    };
                    let _ = reply.send(r);
                }
            }
        }
    }
}

impl Store {
    /// Registers one appeal through the group commit and returns its journal number once it is
    /// durable. Under load, appeals arriving together share one transaction and one fsync.
    pub async fn register_appeal(&self, a: NewAppeal) -> Result<Registered, StoreError> {
        self.register_appeal_or_return(a).await.map_err(|(e, _)| e)
    }

    /// [`Store::register_appeal`], giving the appeal back with the error (e.g. to wrap its key
    /// in a fresh bucket after a [`StoreError::Conflict`] and try again). When the writer is
    /// gone, the error comes without it.
    pub async fn register_appeal_or_return(
        &self,
        a: NewAppeal,
    ) -> Result<Registered, (StoreError, Option<NewAppeal>)> {
        let tx = self.group.tx.get_or_init(|| {
            let (tx, rx) = mpsc::unbounded_channel();
            // The writer holds a handle without the committer, so that it ends when the last
            // handle of this store is dropped.
            let store = Store {
                pool: self.pool.clone(),
                backend: self.backend(),
                group: GroupCommit::new(),
            };
            tokio::spawn(writer(store, rx, self.group.release.clone()));
            tx
        });
        let (reply, answer) = oneshot::channel();
        if let Err(mpsc::error::SendError((a, _))) = tx.send((a, reply)) {
            // The writer is gone (its runtime stopped): register directly.
            return match self.register_appeals(std::slice::from_ref(&a)).await {
                Ok(v) => v.into_iter().next().ok_or((StoreError::NotFound, Some(a))),
                Err(e) => Err((e, Some(a))),
            };
        }
        match answer.await {
            Ok(r) => r.map_err(|(e, a)| (e, Some(a))),
            Err(_) => Err((StoreError::WriterStopped, None)),
        }
    }
}
