//! One error type for every handler. Each variant renders a localized page that says what to
//! do next; internal errors show an operation id and log the cause (never personal data).

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use trustbox_i18n::Tr;
use trustbox_store::StoreError;

#[derive(Debug)]
pub enum AppError {
    /// Not there, or not yours: the same answer, so nothing leaks across schools.
    NotFound(Tr),
    /// The form's CSRF token was missing or wrong (or the session ended meanwhile).
    Csrf(Tr),
    /// Someone else changed the record first.
    Conflict(Tr),
    /// A refused request with a message id to show.
    Refused(Tr, StatusCode, &'static str),
    /// A failure of ours; the cause goes to the log with an operation id.
    Internal(Tr, String),
    /// Go elsewhere first (e.g. log in).
    Redirect(String),
    /// The storage (or the password hashing) cannot take this now: 503 with `Retry-After`.
    Unavailable(Tr),
}

/// Seconds a client is asked to wait after a 503.
pub const RETRY_AFTER_SECS: u64 = 30;

impl AppError {
    pub fn internal(tr: Tr) -> impl FnOnce(StoreError) -> AppError {
        move |e| match e {
            StoreError::NotFound => AppError::NotFound(tr),
            StoreError::Conflict => AppError::Conflict(tr),
            other if other.is_unavailable() => {
                tracing::error!(cause = %other, "storage fault: answered 503");
                AppError::Unavailable(tr)
            }
            other => AppError::Internal(tr, other.to_string()),
        }
    }
    pub fn other(tr: Tr) -> impl FnOnce(String) -> AppError {
        move |e| AppError::Internal(tr, e)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    tr: Tr,
    title: String,
    message: String,
    op_id: Option<String>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (tr, status, title, message, op_id) = match self {
            AppError::Redirect(to) => return Redirect::to(&to).into_response(),
            AppError::NotFound(tr) => (
                tr,
                StatusCode::NOT_FOUND,
                "error-not-found-title",
                "error-not-found-text",
                None,
            ),
            AppError::Csrf(tr) => (
                tr,
                StatusCode::FORBIDDEN,
                "error-csrf-title",
                "error-csrf-text",
                None,
            ),
            AppError::Conflict(tr) => (
                tr,
                StatusCode::CONFLICT,
                "error-conflict-title",
                "error-conflict-text",
                None,
            ),
            AppError::Refused(tr, status, msg) => (tr, status, "error-refused-title", msg, None),
            AppError::Unavailable(tr) => (
                tr,
                StatusCode::SERVICE_UNAVAILABLE,
                "error-unavailable-title",
                "error-unavailable-text",
                None,
            ),
            AppError::Internal(tr, cause) => {
                let op = hex::encode(rand::random::<[u8; 6]>());
                tracing::error!(operation = %op, cause = %cause, "request failed");
                (
                    tr,
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "error-internal-title",
                    "error-internal-text",
                    Some(op),
                )
            }
        };
        let page = ErrorPage {
            tr,
            title: tr.t(title),
            message: tr.t(message),
            op_id,
        };
        let mut res = match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => status.into_response(),
        };
        if status == StatusCode::SERVICE_UNAVAILABLE {
            res.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(RETRY_AFTER_SECS),
            );
        }
        res
    }
}
