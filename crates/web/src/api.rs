//! The JSON API for integrations: anonymous public intake, intake from other channels with a
//! per-school token, and follow-up with a receipt. Described by the OpenAPI document served at
//! `/api/openapi.json`. Errors are `{error: {code, message, field}}` with a 4xx status.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use trustbox_crypto::token_hash;
use trustbox_domain::{AppealForm, Channel, Lang, Status, validate_appeal};
use trustbox_i18n::Tr;
use trustbox_store::StoreError;
use utoipa::{OpenApi, ToSchema};

use crate::AppState;
use crate::intake::{Submission, field_aad, key_aad, local_date, message_aad, submit};
use crate::pages::box_public::ClientIp;
use crate::rate::SUBMISSIONS;
use crate::session::guess_lang;

/// Contact details of a signed appeal (all optional).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiContact {
    pub name: Option<String>,
    pub age: Option<String>,
    pub class: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// An appeal.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiAppeal {
    /// `pupil` | `parent` | `teacher` | `other`
    pub author: String,
    /// Anonymous unless `false` (the default is anonymous).
    pub anonymous: Option<bool>,
    pub contact: Option<ApiContact>,
    /// `bullying` | `violence` | `rights` | `corruption` | `psychological` | `study` | `suggestion` | `question` | `other`
    pub category: String,
    pub text: String,
    /// `YYYY-MM-DD`; today when absent.
    pub written_on: Option<String>,
    /// `board` | `personal` | `email`; `board` when absent.
    pub answer_via: Option<String>,
    /// `ky` | `kk` | `ru` | `en`: the language of the author, and of error messages.
    pub language: Option<String>,
    /// Only with a per-school token: `web` | `phone` | `voicemail` | `email` | `in_person` | `paper`.
    pub channel: Option<String>,
    /// Only with a token: when it was received (RFC 3339), if not now (e.g. a voicemail at night).
    /// No earlier than the school's creation nor a year back (`err-received-at-too-old`), not in
    /// the future beyond 5 minutes of clock skew (`err-received-at-future`; within them: now).
    pub received_at: Option<String>,
}

/// What an accepted appeal gets back.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApiReceipt {
    /// The 16-digit receipt code, grouped 4-4-4-4. Shown once: keep it.
    pub receipt: String,
    /// The journal number, e.g. `2026/17`.
    pub number: String,
    /// The answer deadline, `YYYY-MM-DD`.
    pub deadline: String,
    /// Whether the text suggests danger; the author should see the helplines first.
    pub urgent: bool,
}

/// An error.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApiError {
    pub error: ApiErrorBody,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApiErrorBody {
    /// A stable code, e.g. `err-text-empty`, `malformed_json`, `unknown_school`.
    pub code: String,
    /// A message for people, in the requested language.
    pub message: String,
    /// The field at fault, if any.
    pub field: Option<String>,
}

/// Follow-up with a receipt code.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiFollowUp {
    pub receipt: String,
    pub language: Option<String>,
}

/// A message of the conversation.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApiMessage {
    /// `author` | `school`
    pub from: String,
    /// RFC 3339
    pub at: String,
    pub text: String,
}

/// The state of an appeal as its author may see it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApiStatus {
    pub number: String,
    /// `new` | `in_work` | `forwarded` | `answered` | `closed` | `not_an_appeal`
    pub status: String,
    pub received_at: String,
    pub deadline: String,
    pub messages: Vec<ApiMessage>,
}

/// A voicemail as the phone system sends it (`multipart/form-data`).
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // describes the multipart form for the OpenAPI document
pub struct ApiVoicemail {
    /// The recording: WAV, MP3, OGG/Opus, AMR, M4A or WebM, at most 10 MB. The type is read from
    /// the content, not from the file name or the part's Content-Type.
    #[schema(value_type = String, format = Binary)]
    pub audio: Vec<u8>,
    /// When the message was left (RFC 3339, e.g. `2026-11-30T19:05:00+06:00`); now when absent.
    /// No earlier than the school's creation nor a year back (`err-received-at-too-old`), not in
    /// the future beyond 5 minutes of clock skew (`err-received-at-future`; within them: now).
    pub received_at: Option<String>,
    /// A transcript, if the phone system makes one (it is triaged for danger like a letter).
    pub text: Option<String>,
    /// `ky` | `kk` | `ru` | `en`: the language of error messages.
    pub language: Option<String>,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Trustbox API",
        description = "Appeals to a school's trust box, from the web or other channels, and follow-up with a receipt code."
    ),
    paths(create_appeal, voicemail, follow_up),
    components(schemas(
        ApiAppeal,
        ApiVoicemail,
        ApiContact,
        ApiReceipt,
        ApiError,
        ApiErrorBody,
        ApiFollowUp,
        ApiStatus,
        ApiMessage
    ))
)]
struct ApiDoc;

/// The OpenAPI document.
pub fn openapi_json() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_default()
}

pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], openapi_json()).into_response()
}

/// The `received_at` of an appeal or voicemail sent with a token: RFC 3339, no earlier than the
/// school's creation or a year back, no later than now (a sender's clock a few minutes ahead is
/// taken as now). The error is the message id of the API's 422 answer (see [`received_at_error`]).
fn received_at_of(
    state: &AppState,
    school_created_at: i64,
    text: &str,
) -> Result<OffsetDateTime, &'static str> {
    let t = OffsetDateTime::parse(text, &Rfc3339).map_err(|_| "err-received-at-invalid")?;
    let now = state.clock.now();
    trustbox_domain::check_received_at(t.unix_timestamp(), now.unix_timestamp(), school_created_at)
        .map_err(|e| e.message_id())?;
    Ok(t.min(now))
}

fn received_at_error(tr: &Tr, id: &str) -> Response {
    error(
        StatusCode::UNPROCESSABLE_ENTITY,
        id,
        tr.t(id),
        Some("received_at"),
    )
}

fn error(status: StatusCode, code: &str, message: String, field: Option<&str>) -> Response {
    (
        status,
        Json(ApiError {
            error: ApiErrorBody {
                code: code.to_string(),
                message,
                field: field.map(str::to_string),
            },
        }),
    )
        .into_response()
}

fn lang_of(headers: &HeaderMap, requested: Option<&str>) -> Lang {
    requested
        .and_then(Lang::parse)
        .unwrap_or_else(|| guess_lang(headers, None))
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(|t| t.trim().to_string())
}

/// Register an appeal.
///
/// Without a token: an anonymous public submission through the web channel. With a per-school
/// token (`Authorization: Bearer …`): an appeal from another channel entered by a system such as
/// a phone exchange or a bot.
#[utoipa::path(
    post,
    path = "/api/v1/schools/{school}/appeals",
    params(("school" = String, Path, description = "The school's short name (slug)", example = "demo")),
    request_body = ApiAppeal,
    responses(
        (status = 201, description = "Registered; durable before this answer", body = ApiReceipt),
        (status = 400, description = "Malformed JSON", body = ApiError),
        (status = 401, description = "Bad token", body = ApiError),
        (status = 404, description = "Unknown school", body = ApiError),
        (status = 422, description = "Invalid field", body = ApiError),
        (status = 429, description = "Too many submissions", body = ApiError),
    )
)]
pub async fn create_appeal(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    school: Result<Path<String>, PathRejection>,
    body: Result<Json<ApiAppeal>, JsonRejection>,
) -> Response {
    let fallback = Tr::new(lang_of(&headers, None));
    // A path that does not decode (e.g. `%FF`) names no school: the same JSON answer.
    let school = school.map(|Path(s)| s).unwrap_or_default();
    let Json(a) = match body {
        Ok(b) => b,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                format!("{}: {}", fallback.t("error-bad-json"), e.body_text()),
                None,
            );
        }
    };
    let lang = lang_of(&headers, a.language.as_deref());
    let tr = Tr::new(lang);
    if a.language
        .as_deref()
        .is_some_and(|l| Lang::parse(l).is_none())
    {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "err-lang-unknown",
            tr.t("err-lang-unknown"),
            Some("language"),
        );
    }
    // Only the shape of a slug reaches the database (PostgreSQL refuses some bytes, e.g. NUL).
    if trustbox_domain::Slug::parse(&school).is_err() {
        return error(
            StatusCode::NOT_FOUND,
            "unknown_school",
            tr.t("error-unknown-school"),
            None,
        );
    }
    let unit = match crate::cache::unit_by_slug(&state, &school).await {
        Ok(u) if u.kind == "school" => u,
        Ok(_) | Err(StoreError::NotFound) => {
            return error(
                StatusCode::NOT_FOUND,
                "unknown_school",
                tr.t("error-unknown-school"),
                None,
            );
        }
        Err(e) => return internal(tr, e),
    };
    let token_school = match bearer(&headers) {
        None => None,
        Some(t) => match state.store.api_token_school(&token_hash(&t)).await {
            Ok(id) if id == unit.id => Some(id),
            Ok(_) | Err(StoreError::NotFound) => {
                return error(
                    StatusCode::UNAUTHORIZED,
                    "bad_token",
                    tr.t("error-bad-token"),
                    None,
                );
            }
            Err(e) => return internal(tr, e),
        },
    };
    let channel = match (&a.channel, token_school) {
        (None, _) => Channel::Web,
        (Some(c), Some(_)) => match Channel::parse(c) {
            Some(c) => c,
            None => {
                return error(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "err-channel-unknown",
                    tr.t("err-channel-unknown"),
                    Some("channel"),
                );
            }
        },
        (Some(c), None) if c == "web" => Channel::Web,
        (Some(_), None) => {
            return error(
                StatusCode::UNAUTHORIZED,
                "token_required",
                tr.t("error-token-required"),
                Some("channel"),
            );
        }
    };
    let received_at = match (&a.received_at, token_school) {
        (None, _) => None,
        (Some(t), Some(_)) => match received_at_of(&state, unit.created_at, t) {
            Ok(t) => Some(t),
            Err(id) => return received_at_error(&tr, id),
        },
        (Some(_), None) => {
            return error(
                StatusCode::UNAUTHORIZED,
                "token_required",
                tr.t("error-token-required"),
                Some("received_at"),
            );
        }
    };
    let c = a.contact.unwrap_or_default();
    let form = AppealForm {
        author: a.author,
        anonymous: a.anonymous.unwrap_or(true),
        name: c.name.unwrap_or_default(),
        age: c.age.unwrap_or_default(),
        class: c.class.unwrap_or_default(),
        address: c.address.unwrap_or_default(),
        phone: c.phone.unwrap_or_default(),
        email: c.email.unwrap_or_default(),
        category: a.category,
        text: a.text,
        written_on: a.written_on.unwrap_or_default(),
        answer_via: a.answer_via.unwrap_or_default(),
    };
    let now = state.clock.now();
    let valid = match validate_appeal(&form, local_date(&unit, received_at.unwrap_or(now))) {
        Ok(v) => v,
        Err(errs) => {
            let e = &errs[0];
            return error(
                StatusCode::UNPROCESSABLE_ENTITY,
                e.code,
                tr.t(e.code),
                Some(e.field),
            );
        }
    };
    if token_school.is_none() {
        let key = state.limiter.key(ip, "intake");
        if state
            .limiter
            .hit(&key, now.unix_timestamp(), SUBMISSIONS)
            .is_err()
        {
            return error(
                StatusCode::TOO_MANY_REQUESTS,
                "err-too-many-submissions",
                tr.t("err-too-many-submissions"),
                None,
            );
        }
    }
    match submit(
        &state,
        &unit,
        Submission {
            valid,
            channel,
            lang,
            files: vec![],
            entered_by: None,
            received_at,
        },
    )
    .await
    {
        Ok(r) => (
            StatusCode::CREATED,
            Json(ApiReceipt {
                receipt: r.code.grouped(),
                number: r.number.to_string(),
                deadline: r.deadline.to_string(),
                urgent: r.urgent,
            }),
        )
            .into_response(),
        Err(e) => internal(tr, e),
    }
}

/// Largest voicemail request: the recording and a little room for the other fields.
pub const VOICEMAIL_BODY_LIMIT: usize = crate::upload::MAX_FILE_BYTES + 64 * 1024;

/// Register a voicemail.
///
/// The phone system (an Asterisk or FreeSWITCH script) sends a message left on the answering
/// machine with the school's token; it becomes a `voicemail` appeal in the journal with the
/// recording attached, encrypted, for staff to listen to. Example:
/// `curl -H "Authorization: Bearer $TOKEN" -F audio=@msg0000.wav -F received_at=2026-11-30T19:05:00+06:00 https://trust.example/api/v1/schools/school-9/voicemail`
#[utoipa::path(
    post,
    path = "/api/v1/schools/{school}/voicemail",
    params(("school" = String, Path, description = "The school's short name (slug)")),
    request_body(content = ApiVoicemail, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Registered; durable before this answer", body = ApiReceipt),
        (status = 400, description = "Not a multipart form", body = ApiError),
        (status = 401, description = "Missing or bad token", body = ApiError),
        (status = 404, description = "Unknown school", body = ApiError),
        (status = 413, description = "The recording is larger than 10 MB", body = ApiError),
        (status = 422, description = "Not audio, or an invalid field", body = ApiError),
    )
)]
pub async fn voicemail(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(school): Path<String>,
    body: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let mut tr = Tr::new(lang_of(&headers, None));
    let unit = match crate::cache::unit_by_slug(&state, &school).await {
        Ok(u) if u.kind == "school" => u,
        Ok(_) | Err(StoreError::NotFound) => {
            return error(
                StatusCode::NOT_FOUND,
                "unknown_school",
                tr.t("error-unknown-school"),
                None,
            );
        }
        Err(e) => return internal(tr, e),
    };
    let Some(token) = bearer(&headers) else {
        return error(
            StatusCode::UNAUTHORIZED,
            "token_required",
            tr.t("error-token-required"),
            None,
        );
    };
    match state.store.api_token_school(&token_hash(&token)).await {
        Ok(id) if id == unit.id => {}
        Ok(_) | Err(StoreError::NotFound) => {
            return error(
                StatusCode::UNAUTHORIZED,
                "bad_token",
                tr.t("error-bad-token"),
                None,
            );
        }
        Err(e) => return internal(tr, e),
    }
    let mut mp = match body {
        Ok(m) => m,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                "malformed_multipart",
                format!("{}: {}", tr.t("err-voicemail-missing"), e.body_text()),
                None,
            );
        }
    };
    let mut audio: Option<(String, Vec<u8>)> = None;
    let mut received_at = None;
    let mut text = None;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                let too_large = e.status() == StatusCode::PAYLOAD_TOO_LARGE;
                return if too_large {
                    error(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "err-file-too-large",
                        tr.t("err-file-too-large"),
                        Some("audio"),
                    )
                } else {
                    error(
                        StatusCode::BAD_REQUEST,
                        "malformed_multipart",
                        e.body_text(),
                        None,
                    )
                };
            }
        };
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().unwrap_or_default().to_string();
        let bytes = match field.bytes().await {
            Ok(b) => b,
            Err(e) => {
                return if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    error(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "err-file-too-large",
                        tr.t("err-file-too-large"),
                        Some("audio"),
                    )
                } else {
                    error(
                        StatusCode::BAD_REQUEST,
                        "malformed_multipart",
                        e.body_text(),
                        None,
                    )
                };
            }
        };
        let as_text = || String::from_utf8_lossy(&bytes).trim().to_string();
        match name.as_str() {
            "audio" => audio = Some((file_name, bytes.to_vec())),
            "received_at" => received_at = Some(as_text()),
            "text" => text = Some(as_text()),
            "language" => match Lang::parse(&as_text()) {
                Some(l) => tr = Tr::new(l),
                None => {
                    return error(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "err-lang-unknown",
                        tr.t("err-lang-unknown"),
                        Some("language"),
                    );
                }
            },
            _ => {}
        }
    }
    let Some((file_name, audio)) = audio else {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "err-voicemail-missing",
            tr.t("err-voicemail-missing"),
            Some("audio"),
        );
    };
    let received_at = match received_at.filter(|t| !t.is_empty()) {
        None => None,
        Some(t) => match received_at_of(&state, unit.created_at, &t) {
            Ok(t) => Some(t),
            Err(id) => return received_at_error(&tr, id),
        },
    };
    let v = crate::phone::Voicemail {
        audio,
        file_name,
        received_at,
        text,
    };
    match crate::phone::take_voicemail(&state, &unit, v).await {
        Ok(r) => (
            StatusCode::CREATED,
            Json(ApiReceipt {
                receipt: r.code.grouped(),
                number: r.number.to_string(),
                deadline: r.deadline.to_string(),
                urgent: r.urgent,
            }),
        )
            .into_response(),
        Err(crate::phone::VoicemailError::Invalid { field, code }) => {
            let status = if code == "err-file-too-large" {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            error(status, code, tr.t(code), Some(field))
        }
        Err(e) => internal(tr, e),
    }
}

fn internal<E: std::fmt::Display + 'static>(tr: Tr, cause: E) -> Response {
    if let Some(e) = (&cause as &dyn std::any::Any).downcast_ref::<trustbox_store::StoreError>()
        && e.is_unavailable()
    {
        tracing::error!(cause = %e, "storage fault: answered 503");
        let mut res = error(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            tr.t("error-unavailable-text"),
            None,
        );
        res.headers_mut().insert(
            header::RETRY_AFTER,
            axum::http::HeaderValue::from(crate::error::RETRY_AFTER_SECS),
        );
        return res;
    }
    let op = trustbox_crypto::to_hex(&rand::random::<[u8; 6]>());
    tracing::error!(operation = %op, cause = %cause, "api request failed");
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        format!(
            "{} ({})",
            tr.t("error-internal-text"),
            tr.t1("error-operation-id", "id", op.as_str())
        ),
        None,
    )
}

fn rfc3339(ts: i64) -> String {
    OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

/// Read the status and the conversation of an appeal with its receipt code.
#[utoipa::path(
    post,
    path = "/api/v1/follow-up",
    request_body = ApiFollowUp,
    responses(
        (status = 200, description = "The appeal", body = ApiStatus),
        (status = 400, description = "Malformed JSON", body = ApiError),
        (status = 404, description = "No appeal with this code", body = ApiError),
        (status = 422, description = "Not a receipt code", body = ApiError),
        (status = 429, description = "Too many wrong codes", body = ApiError),
    )
)]
pub async fn follow_up(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Result<Json<ApiFollowUp>, JsonRejection>,
) -> Response {
    let fallback = Tr::new(lang_of(&headers, None));
    let Json(f) = match body {
        Ok(b) => b,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                format!("{}: {}", fallback.t("error-bad-json"), e.body_text()),
                None,
            );
        }
    };
    let tr = Tr::new(lang_of(&headers, f.language.as_deref()));
    let a = match crate::pages::box_public::open_by_code(&state, tr, ip, &f.receipt).await {
        Ok(Ok(a)) => a,
        Ok(Err(r)) => return error(r.status, r.code, r.message, Some("receipt")),
        Err(e) => return internal(tr, e),
    };
    let dk = match state
        .keys
        .unwrap_data_key(&a.data_key, &key_aad(a.school_id, a.id))
    {
        Ok(k) => k,
        Err(e) => return internal(tr, e),
    };
    let mut messages = vec![ApiMessage {
        from: "author".into(),
        at: rfc3339(a.received_at),
        text: dk
            .open_string(&field_aad(a.school_id, a.id, "text"), &a.text_enc)
            .unwrap_or_default(),
    }];
    match state.store.messages(a.id).await {
        Ok(ms) => {
            for m in ms {
                messages.push(ApiMessage {
                    from: if m.from_staff {
                        "school".into()
                    } else {
                        "author".into()
                    },
                    at: rfc3339(m.at),
                    text: dk
                        .open_string(&message_aad(a.school_id, a.id, m.id), &m.body_enc)
                        .unwrap_or_default(),
                });
            }
        }
        Err(e) => return internal(tr, e),
    }
    let status = Status::parse(&a.status)
        .map(|s| s.code().to_string())
        .unwrap_or(a.status);
    Json(ApiStatus {
        number: format!("{}/{}", a.journal_year, a.journal_seq),
        status,
        received_at: rfc3339(a.received_at),
        deadline: a.deadline,
        messages,
    })
    .into_response()
}
