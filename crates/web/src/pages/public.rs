//! Public pages: no login, no cookies, no script.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use trustbox_domain::Lang;
use trustbox_i18n::Tr;

use crate::session::guess_lang;
use crate::{AppError, AppState};

pub async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response()
        }
    }
}

/// Readiness: the database takes a write (in a transaction that is rolled back) and the keyring
/// opens. 503 with `Retry-After` otherwise, so a load balancer or supervisor stops sending
/// people here. `/healthz` stays the liveness check (the process answers, the database answers).
pub async fn readyz(State(state): State<AppState>) -> Response {
    let mut faults = Vec::new();
    if let Err(e) = state.store.check_writable().await {
        tracing::error!(error = %e, "readiness: the database cannot be written");
        faults.push("database not writable");
    }
    let keys = state.clone();
    match tokio::task::spawn_blocking(move || keys.keys.check_readable()).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            tracing::error!(error = %e, "readiness: the keyring cannot be read");
            faults.push("keyring not readable");
        }
        Err(_) => faults.push("keyring not readable"),
    }
    if faults.is_empty() {
        return (StatusCode::OK, "ready\n").into_response();
    }
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(
            axum::http::header::RETRY_AFTER,
            crate::error::RETRY_AFTER_SECS.to_string(),
        )],
        format!("not ready: {}\n", faults.join(", ")),
    )
        .into_response()
}

/// `/` sends people to the home page in their browser's language.
pub async fn root(headers: HeaderMap) -> Redirect {
    Redirect::to(&format!("/{}", guess_lang(&headers, None).code()))
}

/// A school as listed on the public home page.
pub struct SchoolLink {
    pub name: String,
    pub slug: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "public_home.html")]
struct HomePage {
    tr: Tr,
    schools: Vec<SchoolLink>,
    other_langs: Vec<(&'static str, &'static str)>,
}

pub async fn home(
    State(state): State<AppState>,
    Path(lang): Path<String>,
) -> Result<Response, AppError> {
    let Some(lang) = Lang::parse(&lang) else {
        return Err(AppError::NotFound(Tr::new(Lang::Ru)));
    };
    let tr = Tr::new(lang);
    let schools = state
        .store
        .units()
        .await
        .map_err(AppError::internal(tr))?
        .into_iter()
        .filter(|u| u.kind == "school")
        .map(|u| SchoolLink {
            name: u.name(lang.code()).to_string(),
            slug: u.slug,
        })
        .collect();
    let other_langs = Lang::ALL
        .iter()
        .filter(|l| **l != lang)
        .map(|l| (l.code(), l.native_name()))
        .collect();
    Ok(HomePage {
        tr,
        schools,
        other_langs,
    }
    .into_response())
}

/// Prometheus text format: counts of appeals by channel and status, the mail outbox, and the
/// build. No personal data and no school names in any label.
pub async fn metrics(State(state): State<AppState>) -> Response {
    let (by_channel, by_status) = match state.store.metric_counts().await {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "metrics: database does not answer");
            return (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response();
        }
    };
    let mail = state.store.mail_counts().await.unwrap_or_default();
    let mut out = String::new();
    out.push_str("# HELP trustbox_build_info The running Trustbox version.\n# TYPE trustbox_build_info gauge\n");
    out.push_str(&format!(
        "trustbox_build_info{{version=\"{}\"}} 1\n",
        env!("CARGO_PKG_VERSION")
    ));
    out.push_str(
        "# HELP trustbox_appeals Appeals registered, by channel.\n# TYPE trustbox_appeals gauge\n",
    );
    for (k, n) in &by_channel {
        out.push_str(&format!("trustbox_appeals{{channel=\"{k}\"}} {n}\n"));
    }
    out.push_str("# HELP trustbox_appeals_by_status Appeals by status.\n# TYPE trustbox_appeals_by_status gauge\n");
    for (k, n) in &by_status {
        out.push_str(&format!(
            "trustbox_appeals_by_status{{status=\"{k}\"}} {n}\n"
        ));
    }
    out.push_str("# HELP trustbox_mail_outbox Mails in the outbox, by state.\n# TYPE trustbox_mail_outbox gauge\n");
    out.push_str(&format!(
        "trustbox_mail_outbox{{state=\"pending\"}} {}\n",
        mail.pending
    ));
    out.push_str(&format!(
        "trustbox_mail_outbox{{state=\"failed\"}} {}\n",
        mail.failed_permanently
    ));
    out.push_str(&format!(
        "trustbox_mail_outbox{{state=\"sent\"}} {}\n",
        mail.sent
    ));
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    )
        .into_response()
}
