//! The e-mail outbox: mails are queued in the same transaction as the event that causes them
//! (see `queue_mails`) and handed to the mail server later by a worker, so a mail server outage
//! never loses or blocks an appeal.
//!
//! Several Trustbox instances may share one PostgreSQL: a worker first *claims* a due mail by a
//! conditional UPDATE that only one of them can win (it moves `next_attempt_at` forward by a
//! lease), then sends it and records the outcome. A worker that dies between claiming and
//! recording leaves the mail to be tried again once the lease has run out.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::appeals::queue_mails;
use crate::{NewMail, Store, StoreError};

/// After this many failed attempts a mail is no longer tried; the admin page lists it as failed.
/// With the worker's back-off (1, 2, 4 … minutes, capped at one hour) that is about a day.
pub const MAX_MAIL_ATTEMPTS: i64 = 30;

/// A mail of the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailRow {
    pub id: i64,
    pub school_id: Option<i64>,
    pub created_at: i64,
    pub kind: String,
    /// The address masked (`a•••@example.org`), for the administrator's page.
    pub recipient: String,
    /// The address sealed (under the case's key when `appeal_id` is set, else the
    /// installation's outbox key); `None` once delivered or its case purged.
    pub recipient_enc: Option<Vec<u8>>,
    /// The appeal whose author the mail goes to.
    pub appeal_id: Option<i64>,
    pub subject: String,
    pub body: String,
    /// Delivery attempts so far (failed ones, plus the successful one once sent).
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub sent_at: Option<i64>,
    /// The last delivery error, one line without credentials.
    pub last_error: Option<String>,
}

/// How many mails are waiting, have been given up, and were sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MailCounts {
    pub pending: i64,
    pub failed_permanently: i64,
    pub sent: i64,
}

const MAIL_COLUMNS: &str = "id, school_id, created_at, kind, recipient, recipient_enc, appeal_id, subject, body, attempts, next_attempt_at, sent_at, last_error";

fn row_to_mail(r: &AnyRow) -> Result<MailRow, sqlx::Error> {
    Ok(MailRow {
        id: r.try_get("id")?,
        school_id: r.try_get("school_id")?,
        created_at: r.try_get("created_at")?,
        kind: r.try_get("kind")?,
        recipient: r.try_get("recipient")?,
        recipient_enc: r.try_get("recipient_enc")?,
        appeal_id: r.try_get("appeal_id")?,
        subject: r.try_get("subject")?,
        body: r.try_get("body")?,
        attempts: r.try_get("attempts")?,
        next_attempt_at: r.try_get("next_attempt_at")?,
        sent_at: r.try_get("sent_at")?,
        last_error: r.try_get("last_error")?,
    })
}

impl Store {
    /// Queues one mail on its own, for events that write nothing else. Mails caused by an
    /// appeal or a message are queued by `register_appeals` / `add_message` in their transaction.
    pub async fn queue_mail(&self, mail: &NewMail, now: i64) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        queue_mails(&mut conn, std::slice::from_ref(mail), now).await
    }

    /// Claims up to `limit` mails that are due at `now` for one worker: each is taken by a
    /// conditional UPDATE that moves its next attempt `lease_secs` ahead, so two workers (also
    /// on two instances sharing a database) never get the same mail. Oldest due first.
    pub async fn claim_due_mails(
        &self,
        now: i64,
        lease_secs: i64,
        limit: i64,
    ) -> Result<Vec<MailRow>, StoreError> {
        if limit <= 0 {
            return Ok(Vec::new());
        }
        let lease_until = now.saturating_add(lease_secs.max(1));
        // Look at a few more than wanted: another worker may win some of them.
        let candidates = sqlx::query(&format!(
            "SELECT {MAIL_COLUMNS} FROM outbox \
             WHERE sent_at IS NULL AND attempts < $1 AND next_attempt_at <= $2 \
             ORDER BY next_attempt_at, id LIMIT $3"
        ))
        .bind(MAX_MAIL_ATTEMPTS)
        .bind(now)
        .bind(limit.saturating_mul(4).max(16))
        .fetch_all(&self.pool)
        .await?;
        let mut claimed = Vec::new();
        for r in &candidates {
            if claimed.len() as i64 >= limit {
                break;
            }
            let mut mail = row_to_mail(r)?;
            let won = sqlx::query(
                "UPDATE outbox SET next_attempt_at = $1 \
                 WHERE id = $2 AND next_attempt_at = $3 AND attempts = $4 AND sent_at IS NULL",
            )
            .bind(lease_until)
            .bind(mail.id)
            .bind(mail.next_attempt_at)
            .bind(mail.attempts)
            .execute(&self.pool)
            .await?
            .rows_affected()
                == 1;
            if won {
                mail.next_attempt_at = lease_until;
                claimed.push(mail);
            }
        }
        Ok(claimed)
    }

    /// Records that mail `id` was accepted by the mail server, and erases its address (a mail
    /// from before the addresses were sealed keeps only a mask).
    pub async fn mark_mail_sent(&self, id: i64, now: i64) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE outbox SET sent_at = $1, attempts = attempts + 1, last_error = NULL, \
             recipient = CASE WHEN recipient_enc IS NULL THEN '•••' ELSE recipient END, \
             recipient_enc = NULL WHERE id = $2 AND sent_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Records a failed attempt of mail `id`: one more attempt, the error (one line, no
    /// credentials), and when to try again.
    pub async fn mark_mail_failed(
        &self,
        id: i64,
        error: &str,
        next_attempt_at: i64,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 \
             WHERE id = $3 AND sent_at IS NULL",
        )
        .bind(error)
        .bind(next_attempt_at)
        .bind(id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Gives mail `id` up at once (it can never be sent, e.g. its address is invalid).
    pub async fn abandon_mail(&self, id: i64, error: &str) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE outbox SET attempts = $1, last_error = $2 WHERE id = $3 AND sent_at IS NULL",
        )
        .bind(MAX_MAIL_ATTEMPTS)
        .bind(error)
        .bind(id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Mails not (yet) delivered, waiting or given up, oldest first.
    pub async fn undelivered_mails(&self, limit: i64) -> Result<Vec<MailRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {MAIL_COLUMNS} FROM outbox WHERE sent_at IS NULL ORDER BY created_at, id LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(row_to_mail).collect::<Result<_, _>>()?)
    }

    /// One mail of the outbox.
    pub async fn mail(&self, id: i64) -> Result<MailRow, StoreError> {
        let row = sqlx::query(&format!("SELECT {MAIL_COLUMNS} FROM outbox WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(row_to_mail(&row)?)
    }

    /// Every mail of the outbox, oldest first (for tests and maintenance).
    pub async fn all_mails(&self) -> Result<Vec<MailRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {MAIL_COLUMNS} FROM outbox ORDER BY created_at, id"
        ))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(row_to_mail).collect::<Result<_, _>>()?)
    }

    /// How many mails wait, were given up, and were sent.
    pub async fn mail_counts(&self) -> Result<MailCounts, StoreError> {
        let r = sqlx::query(
            "SELECT \
               COUNT(CASE WHEN sent_at IS NULL AND attempts < $1 THEN 1 END) AS pending, \
               COUNT(CASE WHEN sent_at IS NULL AND attempts >= $1 THEN 1 END) AS failed, \
               COUNT(sent_at) AS sent \
             FROM outbox",
        )
        .bind(MAX_MAIL_ATTEMPTS)
        .fetch_one(&self.pool)
        .await?;
        Ok(MailCounts {
            pending: r.try_get("pending")?,
            failed_permanently: r.try_get("failed")?,
            sent: r.try_get("sent")?,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::Backend;
    use crate::testing::{TestDb, fresh};

    async fn store(backend: Backend) -> (Store, TestDb) {
        let db = fresh(backend).await.unwrap_or_else(|e| panic!("{e}"));
        let store = Store::connect(&db.url).await.unwrap();
        store.migrate(0).await.unwrap();
        (store, db)
    }

    fn mail(n: usize) -> NewMail {
        NewMail {
            school_id: None,
            kind: "test".into(),
            recipient: format!("r{n}@example.org"),
            recipient_enc: vec![1, 2, 3],
            subject: format!("Тема {n}"),
            body: format!("Текст {n}"),
            ..NewMail::default()
        }
    }

    async fn claims_are_exclusive_and_outcomes_recorded(backend: Backend) {
        let (s, _db) = store(backend).await;
        for n in 0..3 {
            s.queue_mail(&mail(n), 1000 + n as i64).await.unwrap();
        }
        // Not yet due before it was queued.
        assert!(s.claim_due_mails(999, 60, 10).await.unwrap().is_empty());
        let first = s.claim_due_mails(1001, 60, 10).await.unwrap();
        assert_eq!(
            first
                .iter()
                .map(|m| m.recipient.as_str())
                .collect::<Vec<_>>(),
            ["r0@example.org", "r1@example.org"]
        );
        assert_eq!(first[0].next_attempt_at, 1061);
        assert_eq!(first[0].subject, "Тема 0");
        // Claimed mails are not claimed again while the lease runs; the third one is.
        let second = s.claim_due_mails(1010, 60, 10).await.unwrap();
        assert_eq!(second.len(), 1);
        assert_eq!(second[0].recipient, "r2@example.org");
        assert!(s.claim_due_mails(1010, 60, 10).await.unwrap().is_empty());

        s.mark_mail_sent(first[0].id, 1011).await.unwrap();
        assert_eq!(
            s.mail(first[0].id).await.unwrap().recipient_enc,
            None,
            "erased once sent"
        );
        assert_eq!(
            first[1].recipient_enc.as_deref(),
            Some([1u8, 2, 3].as_slice())
        );
        assert!(matches!(
            s.mark_mail_sent(first[0].id, 1012).await,
            Err(StoreError::NotFound)
        ));
        s.mark_mail_failed(first[1].id, "Connection error: refused", 1100)
            .await
            .unwrap();
        let m = s.mail(first[1].id).await.unwrap();
        assert_eq!(
            (m.attempts, m.next_attempt_at, m.last_error.as_deref()),
            (1, 1100, Some("Connection error: refused"))
        );
        assert_eq!(
            s.mail_counts().await.unwrap(),
            MailCounts {
                pending: 2,
                failed_permanently: 0,
                sent: 1
            }
        );

        // A lapsed lease (the worker died) makes the mail due again.
        let again = s.claim_due_mails(1071, 60, 10).await.unwrap();
        assert_eq!(
            again.iter().map(|m| m.id).collect::<Vec<_>>(),
            [second[0].id]
        );
        // The failed one comes back after its back-off.
        let retry = s.claim_due_mails(1100, 60, 10).await.unwrap();
        assert_eq!(
            retry.iter().map(|m| m.id).collect::<Vec<_>>(),
            [first[1].id]
        );

        s.abandon_mail(second[0].id, "invalid address")
            .await
            .unwrap();
        assert_eq!(
            s.mail_counts().await.unwrap(),
            MailCounts {
                pending: 1,
                failed_permanently: 1,
                sent: 1
            }
        );
        let undelivered = s.undelivered_mails(10).await.unwrap();
        assert_eq!(
            undelivered.iter().map(|m| m.id).collect::<Vec<_>>(),
            [first[1].id, second[0].id]
        );
        // Given up: never claimed again.
        assert!(
            s.claim_due_mails(1_000_000, 60, 10)
                .await
                .unwrap()
                .iter()
                .all(|m| m.id != second[0].id)
        );
    }

    async fn gives_up_after_max_attempts(backend: Backend) {
        let (s, _db) = store(backend).await;
        s.queue_mail(&mail(0), 0).await.unwrap();
        let id = s.all_mails().await.unwrap()[0].id;
        for i in 0..MAX_MAIL_ATTEMPTS {
            let c = s.claim_due_mails(i * 10, 5, 1).await.unwrap();
            assert_eq!(c.len(), 1, "attempt {i}");
            s.mark_mail_failed(id, "down", i * 10 + 10).await.unwrap();
        }
        assert!(s.claim_due_mails(1_000_000, 5, 1).await.unwrap().is_empty());
        assert_eq!(
            s.mail_counts().await.unwrap(),
            MailCounts {
                pending: 0,
                failed_permanently: 1,
                sent: 0
            }
        );
    }

    /// Many workers racing for the same mails: each mail is claimed exactly once.
    async fn racing_claims(backend: Backend) {
        let (s, _db) = store(backend).await;
        for n in 0..20 {
            s.queue_mail(&mail(n), 100).await.unwrap();
        }
        let mut tasks = Vec::new();
        for _ in 0..4 {
            let s = s.clone();
            tasks.push(tokio::spawn(async move {
                let mut got = Vec::new();
                loop {
                    let c = s.claim_due_mails(200, 600, 2).await.unwrap();
                    if c.is_empty() {
                        break got;
                    }
                    got.extend(c.into_iter().map(|m| m.id));
                }
            }));
        }
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        all.sort_unstable();
        let mut unique = all.clone();
        unique.dedup();
        assert_eq!(all.len(), 20, "claimed: {all:?}");
        assert_eq!(unique.len(), 20);
    }

    #[tokio::test]
    async fn outbox_sqlite() {
        claims_are_exclusive_and_outcomes_recorded(Backend::Sqlite).await;
    }
    #[tokio::test]
    async fn outbox_postgres() {
        claims_are_exclusive_and_outcomes_recorded(Backend::Postgres).await;
    }
    #[tokio::test]
    async fn outbox_gives_up_sqlite() {
        gives_up_after_max_attempts(Backend::Sqlite).await;
    }
    #[tokio::test]
    async fn outbox_gives_up_postgres() {
        gives_up_after_max_attempts(Backend::Postgres).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn outbox_racing_claims_sqlite() {
        racing_claims(Backend::Sqlite).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn outbox_racing_claims_postgres() {
        racing_claims(Backend::Postgres).await;
    }
}
