//! Logging in and out, first-start setup links, the staff language.

use std::time::Duration;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use trustbox_crypto::{dummy_verify, hash_password, random_token, token_hash, verify_password};
use trustbox_domain::Lang;
use trustbox_i18n::Tr;
use trustbox_store::{AuditInput, StoreError};

use super::{LangOption, lang_options};
use crate::forms::FormErrors;
use crate::rate::{LOGIN_FAILURES_ACCOUNT, LOGIN_FAILURES_PER_SOURCE};
use crate::session::{
    PRE_COOKIE, SESSION_COOKIE, StaffForm, constant_eq, cookie, guess_lang, set_cookie,
};
use crate::{AppError, AppState};

/// Failed password confirmations (a logged-in user re-typing the password) before the account is
/// locked for a while. Logins themselves are throttled per account and source
/// ([`crate::rate::LOGIN_FAILURES_ACCOUNT`]), never by locking the account.
pub const MAX_FAILED_LOGINS: i64 = 10;
/// How long a locked account stays locked.
pub const LOCK_SECS: i64 = 15 * 60;

#[derive(Deserialize, Default)]
pub struct LangQuery {
    lang: Option<String>,
    done: Option<String>,
    why: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct LoginPage {
    tr: Tr,
    langs: Vec<LangOption>,
    pre: String,
    username: String,
    error: Option<String>,
    notice: Option<String>,
}

fn login_page(
    state: &AppState,
    tr: Tr,
    pre: String,
    username: String,
    error: Option<String>,
    notice: Option<String>,
    status: StatusCode,
) -> Response {
    let page = LoginPage {
        tr,
        langs: lang_options(tr.lang()),
        pre: pre.clone(),
        username,
        error,
        notice,
    };
    let mut res = (status, page).into_response();
    if let Ok(v) = set_cookie(state, PRE_COOKIE, &pre, Some(3600)).parse() {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

pub async fn login_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LangQuery>,
) -> Response {
    let tr = Tr::new(guess_lang(&headers, q.lang.as_deref()));
    let pre = cookie(&headers, PRE_COOKIE)
        .filter(|p| p.len() >= 32)
        .unwrap_or_else(random_token);
    let notice = match (q.done, q.why.as_deref()) {
        (Some(_), _) => Some(tr.t("setup-done")),
        (None, Some("codes")) => Some(tr.t("mfa-too-many-codes")),
        _ => None,
    };
    login_page(&state, tr, pre, String::new(), None, notice, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    pre: String,
    #[serde(default)]
    lang: String,
}

pub async fn login_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    ip: super::box_public::ClientIp,
    Form(f): Form<LoginForm>,
) -> Result<Response, AppError> {
    let tr = Tr::new(Lang::parse(&f.lang).unwrap_or_else(|| guess_lang(&headers, None)));
    let pre_cookie = cookie(&headers, PRE_COOKIE).unwrap_or_default();
    if pre_cookie.is_empty() || !constant_eq(pre_cookie.as_bytes(), f.pre.as_bytes()) {
        // The login page was not loaded from here (or cookies are off): show it afresh.
        let pre = random_token();
        return Ok(login_page(
            &state,
            tr,
            pre,
            f.username,
            Some(tr.t("login-error-expired")),
            None,
            StatusCode::FORBIDDEN,
        ));
    }
    let now = state.clock.now_ts();
    let username = f.username.trim().to_string();
    let fail = |status: StatusCode, msg: String| {
        let state = state.clone();
        let username = username.clone();
        let pre = pre_cookie.clone();
        async move {
            tokio::time::sleep(Duration::from_millis(state.config.login_failure_delay_ms)).await;
            Ok(login_page(
                &state,
                tr,
                pre,
                username,
                Some(msg),
                None,
                status,
            ))
        }
    };
    let locked = |minutes: i64| tr.t1("login-error-locked", "minutes", minutes);
    // Per source address (an in-memory salted hash, never stored): refused while blocked.
    let src = state.limiter.key(ip.0, "login-source");
    let source_locked = |wait: i64| tr.t1("login-error-source-locked", "minutes", (wait + 59) / 60);
    if let Some(wait) = state.limiter.blocked(&src, now) {
        return fail(StatusCode::TOO_MANY_REQUESTS, source_locked(wait)).await;
    }
    // A source has only a few logins in flight; the next ones are refused before any hash.
    let Some(_in_flight) = state.hashing.enter(src) else {
        return fail(StatusCode::TOO_MANY_REQUESTS, tr.t("login-error-busy")).await;
    };
    // Failures are counted per account AND source: someone else's wrong passwords never lock
    // the real user out. An unknown username is counted the same way, with the same words.
    let account = state
        .limiter
        .key_from("login-account", &username.to_lowercase(), ip.0);
    if let Some(wait) = state.limiter.blocked(&account, now) {
        return fail(StatusCode::UNAUTHORIZED, locked((wait + 59) / 60)).await;
    }
    let busy = || tr.t("login-error-busy");
    let user = match state.store.user_by_name(&username).await {
        Ok(u) => u,
        Err(StoreError::NotFound) => {
            let pw = f.password.clone();
            if state.hashing.run(move || dummy_verify(&pw)).await.is_err() {
                return fail(StatusCode::SERVICE_UNAVAILABLE, busy()).await;
            }
            let account_hit = state
                .limiter
                .hit_growing(&account, now, LOGIN_FAILURES_ACCOUNT);
            let src_hit = state.limiter.hit(&src, now, LOGIN_FAILURES_PER_SOURCE);
            if let Err(wait) = account_hit {
                return fail(StatusCode::UNAUTHORIZED, locked((wait + 59) / 60)).await;
            }
            if let Err(wait) = src_hit {
                return fail(StatusCode::TOO_MANY_REQUESTS, source_locked(wait)).await;
            }
            return fail(StatusCode::UNAUTHORIZED, tr.t("login-error-wrong")).await;
        }
        Err(e) => return Err(AppError::internal(tr)(e)),
    };
    if let Some(until) = user.locked_until.filter(|u| *u > now) {
        return fail(StatusCode::UNAUTHORIZED, locked((until - now + 59) / 60)).await;
    }
    let ok = match (&user.password_hash, user.disabled) {
        (Some(hash), false) => {
            let (pw, hash) = (f.password.clone(), hash.clone());
            match state.hashing.run(move || verify_password(&pw, &hash)).await {
                Ok(ok) => ok,
                Err(_) => return fail(StatusCode::SERVICE_UNAVAILABLE, busy()).await,
            }
        }
        _ => false,
    };
    if !ok {
        // Counted for the audit log only: the account itself is never locked by failures.
        let n = state
            .store
            .record_failed_login(user.id, i64::MAX, 0)
            .await
            .map_err(AppError::internal(tr))?;
        let _ = state
            .store
            .audit(
                &AuditInput {
                    actor_id: Some(user.id),
                    school_id: None,
                    action: "login-failed",
                    object: "user",
                    detail: &format!("attempt {n}"),
                },
                now,
            )
            .await;
        let account_hit = state
            .limiter
            .hit_growing(&account, now, LOGIN_FAILURES_ACCOUNT);
        let src_hit = state.limiter.hit(&src, now, LOGIN_FAILURES_PER_SOURCE);
        if let Err(wait) = account_hit {
            return fail(StatusCode::UNAUTHORIZED, locked((wait + 59) / 60)).await;
        }
        if let Err(wait) = src_hit {
            return fail(StatusCode::TOO_MANY_REQUESTS, source_locked(wait)).await;
        }
        return fail(StatusCode::UNAUTHORIZED, tr.t("login-error-wrong")).await;
    }
    state.limiter.forget(&account);
    // The password is right: a session now, or first the second factor (no session before).
    super::account::after_password(&state, &user, tr).await
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn logout(
    State(state): State<AppState>,
    StaffForm(staff, _): StaffForm<Empty>,
) -> Result<Response, AppError> {
    state
        .store
        .delete_session(&staff.token_hash)
        .await
        .map_err(AppError::internal(staff.tr))?;
    let now = state.clock.now_ts();
    let _ = state
        .store
        .audit(
            &AuditInput {
                actor_id: Some(staff.user.id),
                school_id: None,
                action: "logout",
                object: "user",
                detail: "",
            },
            now,
        )
        .await;
    let mut res = Redirect::to(&format!("/staff/login?lang={}", staff.tr.code())).into_response();
    if let Ok(v) = set_cookie(&state, SESSION_COOKIE, "", Some(0)).parse() {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(res)
}

#[derive(Deserialize)]
pub struct LanguageForm {
    lang: String,
    #[serde(default)]
    back: String,
}

pub async fn language(
    State(state): State<AppState>,
    StaffForm(staff, f): StaffForm<LanguageForm>,
) -> Result<Response, AppError> {
    let lang = Lang::parse(&f.lang).ok_or(AppError::Refused(
        staff.tr,
        StatusCode::BAD_REQUEST,
        "error-bad-form",
    ))?;
    state
        .store
        .set_user_lang(staff.user.id, lang.code())
        .await
        .map_err(AppError::internal(staff.tr))?;
    let back = if f.back.starts_with("/staff") && !f.back.starts_with("//") {
        f.back
    } else {
        "/staff".into()
    };
    Ok(Redirect::to(&back).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "setup.html")]
struct SetupPage {
    tr: Tr,
    langs: Vec<LangOption>,
    token: String,
    valid: bool,
    errors: FormErrors,
}

pub async fn setup_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    Query(q): Query<LangQuery>,
) -> Result<Response, AppError> {
    let tr = Tr::new(guess_lang(&headers, q.lang.as_deref()));
    let valid = match state
        .store
        .setup_token_user(&token_hash(&token), state.clock.now_ts())
        .await
    {
        Ok(_) => true,
        Err(StoreError::NotFound) => false,
        Err(e) => return Err(AppError::internal(tr)(e)),
    };
    let status = if valid {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    Ok((
        status,
        SetupPage {
            tr,
            langs: lang_options(tr.lang()),
            token,
            valid,
            errors: FormErrors::new(),
        },
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
    #[serde(default)]
    lang: String,
}

pub async fn setup_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    Form(f): Form<SetupForm>,
) -> Result<Response, AppError> {
    let tr = Tr::new(Lang::parse(&f.lang).unwrap_or_else(|| guess_lang(&headers, None)));
    let now = state.clock.now_ts();
    let hash = token_hash(&token);
    let invalid = || {
        (
            StatusCode::NOT_FOUND,
            SetupPage {
                tr,
                langs: lang_options(tr.lang()),
                token: token.clone(),
                valid: false,
                errors: FormErrors::new(),
            },
        )
            .into_response()
    };
    let user = match state.store.setup_token_user(&hash, now).await {
        Ok(id) => state.store.user(id).await.map_err(AppError::internal(tr))?,
        Err(StoreError::NotFound) => return Ok(invalid()),
        Err(e) => return Err(AppError::internal(tr)(e)),
    };
    let words = crate::password_policy::personal_words(&state, &user)
        .await
        .map_err(AppError::internal(tr))?;
    if let Some(p) = crate::password_policy::check(tr, &f.password, &f.password_confirm, &words) {
        let mut errors = FormErrors::new();
        errors.add_text(p.field, p.message);
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            SetupPage {
                tr,
                langs: lang_options(tr.lang()),
                token,
                valid: true,
                errors,
            },
        )
            .into_response());
    }
    let pw = f.password.clone();
    let phc = state
        .hashing
        .run(move || hash_password(&pw))
        .await
        .map_err(|_| AppError::Unavailable(tr))?
        .map_err(|e| AppError::Internal(tr, e.to_string()))?;
    match state.store.use_setup_token(&hash, &phc, now).await {
        Ok(user_id) => {
            state
                .store
                .audit(
                    &AuditInput {
                        actor_id: Some(user_id),
                        school_id: None,
                        action: "password-set",
                        object: "user",
                        detail: "setup link",
                    },
                    now,
                )
                .await
                .map_err(AppError::internal(tr))?;
            Ok(Redirect::to(&format!("/staff/login?lang={}&done=1", tr.code())).into_response())
        }
        Err(StoreError::NotFound) => Ok(invalid()),
        Err(e) => Err(AppError::internal(tr)(e)),
    }
}

/// A fresh one-time setup link for `user_id`, valid for `valid_secs`.
pub async fn new_setup_link(
    state: &AppState,
    user_id: i64,
    valid_secs: i64,
) -> Result<String, StoreError> {
    let token = random_token();
    let now = state.clock.now_ts();
    state
        .store
        .create_setup_token(&token_hash(&token), user_id, now + valid_secs)
        .await?;
    Ok(format!(
        "{}/setup/{}",
        state.config.public_url.trim_end_matches('/'),
        token
    ))
}
