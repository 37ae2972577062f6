//! The clean-up job: staff sessions past their expiry and half-finished two-factor logins are
//! deleted from the database, so neither piles up nor lingers after it can no longer be used.

use std::time::Duration;

use trustbox_store::StoreError;

use crate::AppState;

/// What one run deleted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CleanupReport {
    pub sessions: u64,
    pub challenges: u64,
}

/// Deletes what has expired by now.
pub async fn run_cleanup(state: &AppState) -> Result<CleanupReport, StoreError> {
    let now = state.clock.now_ts();
    Ok(CleanupReport {
        sessions: state.store.delete_expired_sessions(now).await?,
        challenges: state.store.delete_expired_challenges(now).await?,
    })
}

/// Runs [`run_cleanup`] now and then every `every`, forever; errors are logged, never fatal.
pub fn spawn_cleanup_job(state: AppState, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            match run_cleanup(&state).await {
                Ok(r) if r.sessions + r.challenges > 0 => tracing::info!(
                    sessions = r.sessions,
                    challenges = r.challenges,
                    "expired sessions and half-finished logins deleted"
                ),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "clean-up job failed"),
            }
        }
    })
}
