//! The outgoing-mail page for installation administrators: how many mails wait, were given up
//! or were sent, the undelivered ones (never their text), and the mail server's last error.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use trustbox_domain::Action;
use trustbox_i18n::Tr;
use trustbox_store::{MAX_MAIL_ATTEMPTS, MailCounts};

use super::{Layout, format_ts};
use crate::mail::{META_LAST_ERROR, META_LAST_ERROR_AT, META_LAST_SENT_AT};
use crate::session::Staff;
use crate::{AppError, AppState};

/// The page lists at most this many undelivered mails (oldest first).
const LIST_LIMIT: i64 = 200;

/// An undelivered mail as listed: no subject, no body.
pub struct MailLine {
    pub id: i64,
    pub created: String,
    pub kind: String,
    pub recipient: String,
    pub attempts: i64,
    /// The next attempt, or "given up".
    pub next: String,
    pub last_error: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_mail.html")]
struct MailPage {
    l: Layout,
    tr: Tr,
    counts: MailCounts,
    rows: Vec<MailLine>,
    more: bool,
    last_error: Option<String>,
    last_error_at: String,
    last_sent_at: String,
}

fn meta_ts(v: Option<String>) -> Option<i64> {
    v.and_then(|s| s.parse().ok())
}

/// `GET /staff/admin/mail`.
pub async fn mail_admin(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    staff.require_installation(Action::ManageInstallation)?;
    let tr = staff.tr;
    let store = &state.store;
    let counts = store.mail_counts().await.map_err(AppError::internal(tr))?;
    let mails = store
        .undelivered_mails(LIST_LIMIT)
        .await
        .map_err(AppError::internal(tr))?;
    let more = counts.pending + counts.failed_permanently > mails.len() as i64;
    let given_up = tr.t("mail-admin-given-up");
    let rows = mails
        .into_iter()
        .map(|m| MailLine {
            id: m.id,
            created: format_ts(m.created_at),
            kind: m.kind,
            recipient: crate::mail::mask(&m.recipient),
            attempts: m.attempts,
            next: if m.attempts >= MAX_MAIL_ATTEMPTS {
                given_up.clone()
            } else {
                format_ts(m.next_attempt_at)
            },
            last_error: m.last_error.unwrap_or_default(),
        })
        .collect();
    let last_error = store
        .meta(META_LAST_ERROR)
        .await
        .map_err(AppError::internal(tr))?
        .filter(|e| !e.is_empty());
    let last_error_at = meta_ts(
        store
            .meta(META_LAST_ERROR_AT)
            .await
            .map_err(AppError::internal(tr))?,
    )
    .map(format_ts)
    .unwrap_or_default();
    let last_sent_at = meta_ts(
        store
            .meta(META_LAST_SENT_AT)
            .await
            .map_err(AppError::internal(tr))?,
    )
    .map(format_ts)
    .unwrap_or_else(|| tr.t("mail-admin-never"));
    let l = Layout::new(
        &state,
        &staff,
        tr.t("mail-admin-title"),
        "/staff/admin/mail",
    )
    .await?;
    Ok(MailPage {
        l,
        tr,
        counts,
        rows,
        more,
        last_error,
        last_error_at,
        last_sent_at,
    }
    .into_response())
}
