//! E-mail delivery: mails wait in the store's outbox (queued in the same transaction as the
//! event that causes them) and a background worker hands them to an SMTP server, with retries
//! and exponential back-off. A mail server that is down or slow never loses or blocks an appeal:
//! the appeal is committed first, and the worker runs on its own task with timeouts.
//!
//! Mails carry no personal data (the callers queue notices with a journal number and a link,
//! never appeal contents). Errors are recorded as one line, without credentials or the
//! recipient's address.
//!
//! Nor does the outbox keep an address in clear: [`for_author`] seals an author's address
//! under the case's data key (bound to the case; the purge erases it and destroys the key),
//! [`for_staff`] a staff member's under the installation's outbox key (from the keyring's
//! root); the row keeps only a masked form for the administrator's page ([`mask`]). The
//! worker opens the address just before sending, and the store erases it once delivered.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use trustbox_crypto::{DataKey, aad};
use trustbox_store::{MailRow, NewMail, Store, StoreError, redact_url};

use crate::intake::{field_aad, key_aad};
pub use crate::pages::mail_admin::mail_admin;
use crate::{AppState, Keys};

/// How long a claimed mail belongs to one worker before another may try it. Longer than one
/// send can take ([`SEND_DEADLINE`]), so a mail is never sent twice by two instances.
pub const LEASE_SECS: i64 = 300;
/// Connecting and each SMTP command give up after this long.
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(10);
/// One whole send (connect, TLS, authentication, message) gives up after this long.
pub const SEND_DEADLINE: Duration = Duration::from_secs(60);
/// At most this many mails per round; the rest wait for the next round.
pub const ROUND_LIMIT: usize = 100;
/// The first retry waits a minute; each further one twice as long, up to an hour.
pub const FIRST_BACKOFF_SECS: i64 = 60;
pub const MAX_BACKOFF_SECS: i64 = 3600;

/// `meta` keys where the worker leaves the last error and the last success (for the admin page).
pub const META_LAST_ERROR: &str = "mail.last_error";
pub const META_LAST_ERROR_AT: &str = "mail.last_error_at";
pub const META_LAST_SENT_AT: &str = "mail.last_sent_at";

/// An address as the administrator sees it: the first character of the local part, then
/// `•••@` and the domain (`a•••@example.org`). A masked address stays as it is.
pub fn mask(address: &str) -> String {
    let address = address.trim();
    if address.contains('•') {
        return address.to_string();
    }
    match address.rsplit_once('@') {
        Some((local, domain)) => {
            let local = local.rsplit('<').next().unwrap_or(local);
            let first: String = local.chars().take(1).collect();
            format!("{first}•••@{}", domain.trim_end_matches('>'))
        }
        None => "•••".into(),
    }
}

fn staff_aad(school_id: Option<i64>) -> Vec<u8> {
    aad(&[b"outbox-recipient", &school_id.unwrap_or(0).to_be_bytes()])
}

/// A mail to staff: `mail.recipient` (the address) is sealed under the installation's outbox
/// key and replaced by its mask.
pub fn for_staff(keys: &Keys, mut mail: NewMail) -> NewMail {
    mail.recipient_enc = keys
        .outbox
        .seal(&staff_aad(mail.school_id), mail.recipient.as_bytes());
    mail.recipient = mask(&mail.recipient);
    mail.appeal_id = None;
    mail
}

/// A mail to the author of appeal `appeal_id` of `mail.school_id`: `mail.recipient` (the
/// address) is sealed under the case's data key `dk` and replaced by its mask.
pub fn for_author(dk: &DataKey, appeal_id: i64, mut mail: NewMail) -> NewMail {
    let school = mail.school_id.unwrap_or(0);
    mail.recipient_enc = dk.seal(
        &field_aad(school, appeal_id, "outbox-recipient"),
        mail.recipient.as_bytes(),
    );
    mail.recipient = mask(&mail.recipient);
    mail.appeal_id = Some(appeal_id);
    mail
}

/// The address of an outbox mail, opened just before sending; `None` when it is gone (sent
/// already, or its case destroyed).
pub async fn open_recipient(
    store: &Store,
    keys: &Keys,
    mail: &MailRow,
) -> Result<Option<String>, StoreError> {
    let Some(sealed) = &mail.recipient_enc else {
        // A mail queued before addresses were sealed keeps its address in `recipient`.
        return Ok((mail.appeal_id.is_none()
            && mail.recipient.contains('@')
            && !mail.recipient.contains('•'))
        .then(|| mail.recipient.clone()));
    };
    let Some(appeal_id) = mail.appeal_id else {
        return Ok(keys
            .outbox
            .open_string(&staff_aad(mail.school_id), sealed)
            .ok());
    };
    let school = mail.school_id.unwrap_or(0);
    let appeal = match store.appeal(school, appeal_id).await {
        Ok(a) => a,
        Err(StoreError::NotFound) => return Ok(None),
        Err(e) => return Err(e),
    };
    let Ok(dk) = keys.unwrap_data_key(&appeal.data_key, &key_aad(school, appeal_id)) else {
        return Ok(None);
    };
    Ok(dk
        .open_string(&field_aad(school, appeal_id, "outbox-recipient"), sealed)
        .ok())
}

/// Where and as whom to send mail.
#[derive(Clone)]
pub struct MailConfig {
    /// `smtp://USER:PASSWORD@HOST:PORT?tls=required` (STARTTLS), `smtps://USER:PASSWORD@HOST`
    /// (TLS from the start, port 465), or `smtp://HOST:PORT` (plain, for a relay on the same
    /// machine). Special characters in the password are percent-encoded.
    pub url: String,
    /// The sender, e.g. `Trustbox <trustbox@school.kg>`.
    pub from: String,
}

impl fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailConfig")
            .field("url", &redact_url(&self.url))
            .field("from", &self.from)
            .finish()
    }
}

/// A mail configuration that cannot work. Never contains the password.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error(
        "the SMTP URL {url} is not usable ({reason}); write smtp://USER:PASSWORD@HOST:587?tls=required, smtps://USER:PASSWORD@HOST:465 or smtp://HOST:25"
    )]
    BadUrl { url: String, reason: String },
    #[error(
        "the sender address {from:?} is not valid ({reason}); write e.g. \"Trustbox <trustbox@school.kg>\""
    )]
    BadFrom { from: String, reason: String },
}

/// Sends mail through one SMTP server. Cheap to clone.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The domain of Message-IDs (the sender's).
    domain: String,
    /// Strings never to repeat in an error (the password, raw and percent-encoded).
    secrets: Arc<Vec<String>>,
    deadline: Duration,
}

impl fmt::Debug for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// A mailer with the standard timeouts ([`SMTP_TIMEOUT`], [`SEND_DEADLINE`]). Does not
    /// connect yet.
    pub fn new(config: &MailConfig) -> Result<Mailer, MailError> {
        Mailer::with_timeouts(config, SMTP_TIMEOUT, SEND_DEADLINE)
    }

    /// A mailer whose SMTP commands time out after `command` and whole sends after `deadline`.
    pub fn with_timeouts(
        config: &MailConfig,
        command: Duration,
        deadline: Duration,
    ) -> Result<Mailer, MailError> {
        let mut secrets = Vec::new();
        let password = url::Url::parse(&config.url)
            .ok()
            .and_then(|u| u.password().map(str::to_string))
            .filter(|p| !p.is_empty());
        if let Some(p) = password {
            let decoded = percent_encoding::percent_decode_str(&p)
                .decode_utf8_lossy()
                .into_owned();
            if decoded != p {
                secrets.push(decoded);
            }
            secrets.push(p);
        }
        secrets.retain(|s| !s.is_empty());
        let bad_url = |reason: String| MailError::BadUrl {
            url: redact_url(&config.url),
            reason: scrub(&reason, &secrets, None),
        };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&config.url)
            .map_err(|e| bad_url(e.to_string()))?
            .timeout(Some(command))
            .build();
        let from: Mailbox = config
            .from
            .parse()
            .map_err(|e: lettre::address::AddressError| MailError::BadFrom {
                from: config.from.clone(),
                reason: e.to_string(),
            })?;
        let domain = from.email.domain().to_string();
        Ok(Mailer {
            transport,
            from,
            domain,
            secrets: Arc::new(secrets),
            deadline,
        })
    }

    /// The message for an outbox row: plain UTF-8 text, with a Message-ID that stays the same
    /// across retries (so a receiver can drop a duplicate) and the Date of `now`.
    fn message(&self, mail: &MailRow, to: &str, now: i64) -> Result<Message, String> {
        let to: Mailbox = to.parse().map_err(|e: lettre::address::AddressError| {
            format!("invalid recipient address: {e}")
        })?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .message_id(Some(format!(
                "<trustbox.{}.{}@{}>",
                mail.id, mail.created_at, self.domain
            )))
            .date(UNIX_EPOCH + Duration::from_secs(u64::try_from(now).unwrap_or(0)))
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())
            .map_err(|e| format!("cannot build the message: {e}"))
    }

    async fn send(&self, mail: &MailRow, to: &str, now: i64) -> Result<(), Failure> {
        let message = self
            .message(mail, to, now)
            .map_err(|e| Failure::Unsendable(scrub(&e, &self.secrets, Some(to))))?;
        match tokio::time::timeout(self.deadline, self.transport.send(message)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(Failure::Smtp {
                message: scrub(&error_chain(&e), &self.secrets, Some(to)),
                // A 5xx answer concerns this mail; anything else (no connection, timeout, 4xx)
                // the server as a whole, so the round stops instead of waiting on every mail.
                server_trouble: !e.is_permanent(),
            }),
            Err(_) => Err(Failure::Smtp {
                message: format!(
                    "the mail server did not finish within {} s",
                    self.deadline.as_secs()
                ),
                server_trouble: true,
            }),
        }
    }
}

enum Failure {
    /// The mail can never be sent (e.g. its address is invalid): given up at once.
    Unsendable(String),
    Smtp {
        message: String,
        server_trouble: bool,
    },
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let part = c.to_string();
        if !s.contains(&part) {
            s.push_str(": ");
            s.push_str(&part);
        }
        cur = c.source();
    }
    s
}

/// One line, at most 400 characters, without the secrets and without the recipient's address.
fn scrub(s: &str, secrets: &[String], recipient: Option<&str>) -> String {
    let mut out = s.to_string();
    for secret in secrets {
        out = out.replace(secret.as_str(), "***");
    }
    if let Some(r) = recipient.map(str::trim).filter(|r| !r.is_empty()) {
        out = out.replace(r, "<recipient>");
    }
    let mut line = out.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > 400 {
        line = line.chars().take(399).collect::<String>() + "…";
    }
    if line.is_empty() {
        "unknown error".into()
    } else {
        line
    }
}

/// How long to wait before the next attempt after `failed_attempts` failures (1, 2, 4 … minutes,
/// at most an hour).
pub fn backoff_secs(failed_attempts: i64) -> i64 {
    let doublings = failed_attempts.saturating_sub(1).clamp(0, 20) as u32;
    FIRST_BACKOFF_SECS
        .saturating_mul(1i64 << doublings)
        .min(MAX_BACKOFF_SECS)
}

/// What one round of delivery did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    /// Mails this round took from the outbox.
    pub claimed: usize,
    pub sent: usize,
    /// Attempts that failed (retried later, or given up when they never can succeed).
    pub failed: usize,
    /// The last error of this round, as recorded.
    pub last_error: Option<String>,
}

/// Sends the mails due at `now`, one by one, each claimed first so that no other worker sends it
/// too, and records each outcome: sent, or the error and when to try again. Stops early when the
/// mail server is unreachable or slow, so an outage costs one timeout per round, not one per mail.
pub async fn deliver_due(
    store: &Store,
    keys: &Keys,
    mailer: &Mailer,
    now: i64,
) -> Result<DeliveryReport, StoreError> {
    let mut report = DeliveryReport::default();
    while report.claimed < ROUND_LIMIT {
        let Some(mail) = store
            .claim_due_mails(now, LEASE_SECS, 1)
            .await?
            .into_iter()
            .next()
        else {
            break;
        };
        report.claimed += 1;
        let Some(to) = open_recipient(store, keys, &mail).await? else {
            let message = "its address is gone (its case was destroyed)".to_string();
            store.abandon_mail(mail.id, &message).await?;
            report.failed += 1;
            report.last_error = Some(message);
            continue;
        };
        match mailer.send(&mail, &to, now).await {
            Ok(()) => {
                store.mark_mail_sent(mail.id, now).await?;
                report.sent += 1;
            }
            Err(Failure::Unsendable(message)) => {
                store.abandon_mail(mail.id, &message).await?;
                report.failed += 1;
                report.last_error = Some(message);
            }
            Err(Failure::Smtp {
                message,
                server_trouble,
            }) => {
                let next = now.saturating_add(backoff_secs(mail.attempts + 1));
                store.mark_mail_failed(mail.id, &message, next).await?;
                report.failed += 1;
                report.last_error = Some(message);
                if server_trouble {
                    break;
                }
            }
        }
    }
    if report.sent > 0 {
        store.set_meta(META_LAST_SENT_AT, &now.to_string()).await?;
    }
    if let Some(e) = &report.last_error {
        store.set_meta(META_LAST_ERROR, e).await?;
        store.set_meta(META_LAST_ERROR_AT, &now.to_string()).await?;
    }
    Ok(report)
}

/// Runs [`deliver_due`] every `every` until the returned task is aborted. Each round runs on a
/// task of its own, so even an unexpected panic costs one round, never the worker; errors are
/// logged (without personal data) and the next round tries again.
pub fn spawn_worker(
    state: AppState,
    mailer: Mailer,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let (s, m, now) = (state.clone(), mailer.clone(), state.clock.now_ts());
            match tokio::spawn(async move { deliver_due(&s.store, &s.keys, &m, now).await }).await {
                Ok(Ok(r)) if r.failed > 0 => {
                    tracing::warn!(
                        sent = r.sent,
                        failed = r.failed,
                        error = r.last_error.as_deref().unwrap_or(""),
                        "mail delivery: some mails wait for another attempt"
                    )
                }
                Ok(Ok(r)) if r.sent > 0 => tracing::info!(sent = r.sent, "mail delivery"),
                Ok(Ok(_)) => {}
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "mail delivery round failed; trying again later")
                }
                Err(e) => {
                    tracing::error!(error = %e, "mail delivery round stopped unexpectedly; trying again later")
                }
            }
            tokio::time::sleep(every).await;
        }
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_a_minute_up_to_an_hour() {
        let b: Vec<i64> = (1..=9).map(backoff_secs).collect();
        assert_eq!(b, [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
        assert_eq!(backoff_secs(0), 60);
        assert_eq!(backoff_secs(1000), 3600);
    }

    #[test]
    fn config_and_mailer_debug_hide_the_password() {
        let c = MailConfig {
            url: "smtps://mailer:s3cr%23t-pw@mail.example.org:465".into(),
            from: "Trustbox <tb@example.org>".into(),
        };
        let d = format!("{c:?}");
        assert!(!d.contains("s3cr"), "{d}");
        assert!(d.contains("mail.example.org"), "{d}");
        let m = Mailer::new(&c).unwrap();
        let d = format!("{m:?}");
        assert!(!d.contains("s3cr"), "{d}");
        assert_eq!(m.secrets.as_slice(), ["s3cr#t-pw", "s3cr%23t-pw"]);
    }

    #[test]
    fn errors_are_one_line_without_secrets_or_recipient() {
        let s = scrub(
            "535 auth failed for\r\n user x pw s3cr#t-pw to a@b.kg",
            &["s3cr#t-pw".into()],
            Some("a@b.kg"),
        );
        assert_eq!(s, "535 auth failed for user x pw *** to <recipient>");
        assert_eq!(scrub(&"x".repeat(1000), &[], None).chars().count(), 400);
    }

    #[test]
    fn bad_configuration_is_refused_with_advice() {
        let e = Mailer::new(&MailConfig {
            url: "ftp://u:pw123@h".into(),
            from: "tb@example.org".into(),
        })
        .unwrap_err()
        .to_string();
        assert!(e.contains("smtps://") && !e.contains("pw123"), "{e}");
        let e = Mailer::new(&MailConfig {
            url: "smtp://127.0.0.1:25".into(),
            from: "not an address".into(),
        })
        .unwrap_err()
        .to_string();
        assert!(e.contains("sender address"), "{e}");
    }
}
