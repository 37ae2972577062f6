//! The second step of logging in (a TOTP or recovery code), two-factor enrolment (forced right
//! after the password when a role requires it, or chosen on the account page), the "change my
//! password" page, and the administrator's security pages: roles that must use two-factor, a
//! user's live sessions with revocation, and clearing a user's two-factor.
//!
//! Between the password and the second factor there is no session: only a half-done login
//! ("challenge") whose token is in its own cookie and whose hash is in the database.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use trustbox_crypto::{hash_password, random_token, to_hex, token_hash, verify_password};
use trustbox_domain::{Action, Lang, Role};
use trustbox_i18n::Tr;
use trustbox_store::{AuditInput, StoreError, User};

use super::Layout;
use super::auth::{LOCK_SECS, MAX_FAILED_LOGINS};
use crate::forms::FormErrors;
use crate::mfa::{self, ADMIN_ROLE, CHALLENGE_SECS, MAX_CODE_ATTEMPTS};
use crate::password_policy;
use crate::rate::{LOGIN_FAILURES_ACCOUNT, LOGIN_FAILURES_PER_SOURCE};
use crate::session::{
    PRE_COOKIE, SESSION_COOKIE, Staff, StaffForm, constant_eq, cookie, csrf_for, guess_lang,
    set_cookie,
};
use crate::{AppError, AppState};

/// The cookie of a half-done login.
pub const MFA_COOKIE: &str = "tb_mfa";

fn audit_input<'a>(user_id: i64, action: &'a str, detail: &'a str) -> AuditInput<'a> {
    AuditInput {
        actor_id: Some(user_id),
        school_id: None,
        action,
        object: "user",
        detail,
    }
}

/// Opens a full session for `user` (both factors done) and goes to the dashboard, or shows
/// `page` (the recovery codes right after enrolment) with the session cookie set.
pub async fn start_session(
    state: &AppState,
    user: &User,
    tr: Tr,
    how: &str,
    page: Option<Response>,
) -> Result<Response, AppError> {
    let now = state.clock.now_ts();
    state
        .store
        .record_successful_login(user.id)
        .await
        .map_err(AppError::internal(tr))?;
    let token = random_token();
    state
        .store
        .create_session(
            &token_hash(&token),
            user.id,
            now,
            now + state.config.session_idle_secs,
        )
        .await
        .map_err(AppError::internal(tr))?;
    state
        .store
        .audit(&audit_input(user.id, "login", how), now)
        .await
        .map_err(AppError::internal(tr))?;
    let mut res = page.unwrap_or_else(|| Redirect::to("/staff").into_response());
    let h = res.headers_mut();
    for c in [
        set_cookie(state, SESSION_COOKIE, &token, None),
        set_cookie(state, PRE_COOKIE, "", Some(0)),
        set_cookie(state, MFA_COOKIE, "", Some(0)),
    ] {
        if let Ok(v) = c.parse() {
            h.append(header::SET_COOKIE, v);
        }
    }
    Ok(res)
}

/// After a right password: a session, or the second step (code or enrolment) first.
pub async fn after_password(state: &AppState, user: &User, tr: Tr) -> Result<Response, AppError> {
    let st = state
        .store
        .totp_state(user.id)
        .await
        .map_err(AppError::internal(tr))?;
    let purpose = if st.secret.is_some() {
        "code"
    } else if mfa::required_for(state, user)
        .await
        .map_err(AppError::internal(tr))?
    {
        "enrol"
    } else {
        return start_session(state, user, tr, "password", None).await;
    };
    let now = state.clock.now_ts();
    let token = random_token();
    state
        .store
        .create_challenge(
            &token_hash(&token),
            user.id,
            purpose,
            now,
            now + CHALLENGE_SECS,
        )
        .await
        .map_err(AppError::internal(tr))?;
    let mut res =
        Redirect::to(&format!("/staff/login/{purpose}?lang={}", tr.code())).into_response();
    if let Ok(v) = set_cookie(state, MFA_COOKIE, &token, Some(CHALLENGE_SECS)).parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(res)
}

/// The half-done login of this request, if live and of `purpose`.
async fn challenge_of(
    state: &AppState,
    headers: &HeaderMap,
    purpose: &str,
    tr: Tr,
) -> Result<Option<(String, User)>, AppError> {
    let Some(token) = cookie(headers, MFA_COOKIE) else {
        return Ok(None);
    };
    let now = state.clock.now_ts();
    match state.store.challenge(&token_hash(&token), now).await {
        Ok(c) if c.purpose == purpose => {
            let user = state
                .store
                .user(c.user_id)
                .await
                .map_err(AppError::internal(tr))?;
            if user.disabled {
                return Ok(None);
            }
            Ok(Some((token, user)))
        }
        Ok(_) | Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(AppError::internal(tr)(e)),
    }
}

fn back_to_login(tr: Tr, why: Option<&str>) -> Response {
    let q = why.map(|w| format!("&why={w}")).unwrap_or_default();
    Redirect::to(&format!("/staff/login?lang={}{q}", tr.code())).into_response()
}

fn challenge_csrf(state: &AppState, token: &str) -> String {
    csrf_for(state, &format!("mfa:{token}"))
}

#[derive(Deserialize, Default)]
pub struct LangOnly {
    lang: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "login_code.html")]
struct CodePage {
    tr: Tr,
    csrf: String,
    error: Option<String>,
}

pub async fn code_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LangOnly>,
) -> Result<Response, AppError> {
    let tr = Tr::new(guess_lang(&headers, q.lang.as_deref()));
    let Some((token, _)) = challenge_of(&state, &headers, "code", tr).await? else {
        return Ok(back_to_login(tr, None));
    };
    Ok(CodePage {
        tr,
        csrf: challenge_csrf(&state, &token),
        error: None,
    }
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CodeForm {
    code: String,
    csrf: String,
    lang: String,
}

pub async fn code_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    ip: super::box_public::ClientIp,
    Form(f): Form<CodeForm>,
) -> Result<Response, AppError> {
    let tr = Tr::new(Lang::parse(&f.lang).unwrap_or_else(|| guess_lang(&headers, None)));
    let Some((token, user)) = challenge_of(&state, &headers, "code", tr).await? else {
        return Ok(back_to_login(tr, None));
    };
    let csrf = challenge_csrf(&state, &token);
    if !constant_eq(f.csrf.as_bytes(), csrf.as_bytes()) {
        return Err(AppError::Csrf(tr));
    }
    let now = state.clock.now_ts();
    let src = state.limiter.key(ip.0, "login-source");
    let refuse = |status: StatusCode, msg: String| {
        (
            status,
            CodePage {
                tr,
                csrf: csrf.clone(),
                error: Some(msg),
            },
        )
            .into_response()
    };
    if let Some(wait) = state.limiter.blocked(&src, now) {
        return Ok(refuse(
            StatusCode::TOO_MANY_REQUESTS,
            tr.t1("login-error-source-locked", "minutes", (wait + 59) / 60),
        ));
    }
    let account = state
        .limiter
        .key_from("login-account", &user.username.to_lowercase(), ip.0);
    if let Some(wait) = state.limiter.blocked(&account, now) {
        return Ok(refuse(
            StatusCode::UNAUTHORIZED,
            tr.t1("login-error-locked", "minutes", (wait + 59) / 60),
        ));
    }
    if let Some(until) = user.locked_until.filter(|u| *u > now) {
        return Ok(refuse(
            StatusCode::UNAUTHORIZED,
            tr.t1("login-error-locked", "minutes", (until - now + 59) / 60),
        ));
    }
    let typed = f.code.trim();
    let (ok, how) = if mfa::looks_like_recovery(typed) {
        (
            mfa::accept_recovery(&state, user.id, typed, now)
                .await
                .map_err(AppError::internal(tr))?,
            "recovery code",
        )
    } else {
        (
            mfa::accept_code(&state, user.id, typed, now)
                .await
                .map_err(AppError::internal(tr))?,
            "totp",
        )
    };
    if ok {
        state
            .store
            .delete_challenge(&token_hash(&token))
            .await
            .map_err(AppError::internal(tr))?;
        return start_session(&state, &user, tr, how, None).await;
    }
    // A wrong (or reused) code counts against the half-done login, the account and the source.
    let attempts = state
        .store
        .challenge_failed(&token_hash(&token))
        .await
        .map_err(AppError::internal(tr))?;
    // Counted for the audit log; the lock is per account and source, never the account's.
    let n = state
        .store
        .record_failed_login(user.id, i64::MAX, 0)
        .await
        .map_err(AppError::internal(tr))?;
    let _ = state
        .store
        .audit(
            &audit_input(
                user.id,
                "login-failed",
                &format!("second factor, attempt {n}"),
            ),
            now,
        )
        .await;
    let account_hit = state
        .limiter
        .hit_growing(&account, now, LOGIN_FAILURES_ACCOUNT);
    let src_hit = state.limiter.hit(&src, now, LOGIN_FAILURES_PER_SOURCE);
    if let Err(wait) = account_hit {
        let _ = state.store.delete_challenge(&token_hash(&token)).await;
        return Ok(refuse(
            StatusCode::UNAUTHORIZED,
            tr.t1("login-error-locked", "minutes", (wait + 59) / 60),
        ));
    }
    if let Err(wait) = src_hit {
        return Ok(refuse(
            StatusCode::TOO_MANY_REQUESTS,
            tr.t1("login-error-source-locked", "minutes", (wait + 59) / 60),
        ));
    }
    if attempts >= MAX_CODE_ATTEMPTS {
        let _ = state.store.delete_challenge(&token_hash(&token)).await;
        let mut res = back_to_login(tr, Some("codes"));
        if let Ok(v) = set_cookie(&state, MFA_COOKIE, "", Some(0)).parse() {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
        return Ok(res);
    }
    Ok(refuse(StatusCode::UNAUTHORIZED, tr.t("mfa-code-wrong")))
}

/// What the enrolment form shows.
pub struct Enrolment {
    pub qr_svg: String,
    pub secret_text: String,
    pub action: String,
    pub csrf: String,
    pub error: Option<String>,
}

/// The user's pending secret (made and kept sealed if there is none yet).
async fn pending_secret(
    state: &AppState,
    user: &User,
    tr: Tr,
) -> Result<zeroize::Zeroizing<Vec<u8>>, AppError> {
    let st = state
        .store
        .totp_state(user.id)
        .await
        .map_err(AppError::internal(tr))?;
    if let Some(s) = st
        .pending
        .and_then(|p| mfa::open_secret(state, user.id, &p))
    {
        return Ok(s);
    }
    let secret = mfa::new_secret();
    state
        .store
        .set_totp_pending(user.id, Some(&mfa::seal_secret(state, user.id, &secret)))
        .await
        .map_err(AppError::internal(tr))?;
    Ok(secret)
}

async fn enrolment(
    state: &AppState,
    user: &User,
    tr: Tr,
    action: &str,
    csrf: String,
    error: Option<String>,
) -> Result<Enrolment, AppError> {
    let secret = pending_secret(state, user, tr).await?;
    Ok(Enrolment {
        qr_svg: trustbox_docs::qr_svg(&mfa::otpauth_url(&secret, &user.username)),
        secret_text: mfa::secret_text(&secret),
        action: action.to_string(),
        csrf,
        error,
    })
}

/// Checks the first code against the pending secret and turns two-factor on; returns the new
/// recovery codes to show once, or `None` for a wrong code.
async fn confirm_enrolment(
    state: &AppState,
    user: &User,
    tr: Tr,
    code: &str,
) -> Result<Option<Vec<String>>, AppError> {
    let now = state.clock.now_ts();
    let st = state
        .store
        .totp_state(user.id)
        .await
        .map_err(AppError::internal(tr))?;
    let Some(sealed) = st.pending else {
        return Ok(None);
    };
    let Some(secret) = mfa::open_secret(state, user.id, &sealed) else {
        return Ok(None);
    };
    let Some(step) = mfa::matching_step(&secret, code, now) else {
        return Ok(None);
    };
    let (codes, hashes) = mfa::new_recovery_codes(state, user.id);
    state
        .store
        .enable_totp(user.id, &sealed, step, &hashes, now)
        .await
        .map_err(AppError::internal(tr))?;
    state
        .store
        .audit(&audit_input(user.id, "2fa-enabled", ""), now)
        .await
        .map_err(AppError::internal(tr))?;
    Ok(Some(codes))
}

#[derive(Template, WebTemplate)]
#[template(path = "login_enrol.html")]
struct LoginEnrolPage {
    tr: Tr,
    e: Enrolment,
}

#[derive(Template, WebTemplate)]
#[template(path = "login_recovery.html")]
struct LoginRecoveryPage {
    tr: Tr,
    codes: Vec<String>,
}

pub async fn enrol_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LangOnly>,
) -> Result<Response, AppError> {
    let tr = Tr::new(guess_lang(&headers, q.lang.as_deref()));
    let Some((token, user)) = challenge_of(&state, &headers, "enrol", tr).await? else {
        return Ok(back_to_login(tr, None));
    };
    let csrf = challenge_csrf(&state, &token);
    let e = enrolment(&state, &user, tr, "/staff/login/enrol", csrf, None).await?;
    Ok(LoginEnrolPage { tr, e }.into_response())
}

pub async fn enrol_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<CodeForm>,
) -> Result<Response, AppError> {
    let tr = Tr::new(Lang::parse(&f.lang).unwrap_or_else(|| guess_lang(&headers, None)));
    let Some((token, user)) = challenge_of(&state, &headers, "enrol", tr).await? else {
        return Ok(back_to_login(tr, None));
    };
    let csrf = challenge_csrf(&state, &token);
    if !constant_eq(f.csrf.as_bytes(), csrf.as_bytes()) {
        return Err(AppError::Csrf(tr));
    }
    match confirm_enrolment(&state, &user, tr, &f.code).await? {
        Some(codes) => {
            state
                .store
                .delete_challenge(&token_hash(&token))
                .await
                .map_err(AppError::internal(tr))?;
            let page = LoginRecoveryPage { tr, codes }.into_response();
            start_session(&state, &user, tr, "password, 2fa enrolled", Some(page)).await
        }
        None => {
            let attempts = state
                .store
                .challenge_failed(&token_hash(&token))
                .await
                .map_err(AppError::internal(tr))?;
            if attempts >= MAX_CODE_ATTEMPTS {
                let _ = state.store.delete_challenge(&token_hash(&token)).await;
                return Ok(back_to_login(tr, Some("codes")));
            }
            let e = enrolment(
                &state,
                &user,
                tr,
                "/staff/login/enrol",
                csrf,
                Some(tr.t("mfa-code-wrong")),
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, LoginEnrolPage { tr, e }).into_response())
        }
    }
}

// ---- the account pages of a logged-in person ----

#[derive(Template, WebTemplate)]
#[template(path = "account.html")]
struct AccountPage {
    l: Layout,
    tr: Tr,
    mfa_on: bool,
    mfa_required: bool,
    codes_left: i64,
    notice: Option<String>,
    /// Where notices reach this person (the contact settings).
    email: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn account(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let st = state
        .store
        .totp_state(staff.user.id)
        .await
        .map_err(AppError::internal(tr))?;
    let codes_left = state
        .store
        .recovery_codes_left(staff.user.id)
        .await
        .map_err(AppError::internal(tr))?;
    let mfa_required = mfa::required_for(&state, &staff.user)
        .await
        .map_err(AppError::internal(tr))?;
    let notice = match q.done.as_deref() {
        Some("password") => Some(tr.t("account-password-changed")),
        Some("2fa-off") => Some(tr.t("mfa-disabled")),
        _ => None,
    };
    let l = Layout::new(&state, &staff, tr.t("account-title"), "/staff/account").await?;
    Ok(AccountPage {
        l,
        tr,
        mfa_on: st.secret.is_some(),
        mfa_required,
        codes_left,
        notice,
        email: staff.user.email.clone(),
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "account_password.html")]
struct PasswordPage {
    l: Layout,
    tr: Tr,
    errors: FormErrors,
}

pub async fn password_form(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let l = Layout::new(
        &state,
        &staff,
        tr.t("account-password-title"),
        "/staff/account/password",
    )
    .await?;
    Ok(PasswordPage {
        l,
        tr,
        errors: FormErrors::new(),
    }
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    current: String,
    password: String,
    password_confirm: String,
}

pub async fn password_submit(
    State(state): State<AppState>,
    StaffForm(staff, f): StaffForm<PasswordForm>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let now = state.clock.now_ts();
    let mut errors = FormErrors::new();
    let current_ok = match staff.user.password_hash.clone() {
        Some(hash) => {
            let pw = f.current.clone();
            state
                .hashing
                .run(move || verify_password(&pw, &hash))
                .await
                .map_err(|_| AppError::Unavailable(tr))?
        }
        None => false,
    };
    if !current_ok {
        state
            .store
            .record_failed_login(staff.user.id, MAX_FAILED_LOGINS, now + LOCK_SECS)
            .await
            .map_err(AppError::internal(tr))?;
        errors.add(tr, "current", "account-current-wrong");
    } else {
        let words = password_policy::personal_words(&state, &staff.user)
            .await
            .map_err(AppError::internal(tr))?;
        if let Some(p) = password_policy::check(tr, &f.password, &f.password_confirm, &words) {
            errors.add_text(p.field, p.message);
        } else if f.password == f.current {
            errors.add(tr, "password", "account-password-same");
        }
    }
    if !errors.is_empty() {
        let l = Layout::new(
            &state,
            &staff,
            tr.t("account-password-title"),
            "/staff/account/password",
        )
        .await?;
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            PasswordPage { l, tr, errors },
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
    state
        .store
        .set_password(staff.user.id, &phc)
        .await
        .map_err(AppError::internal(tr))?;
    // Every other session of this person ends; this one goes on.
    let others = state
        .store
        .sessions_of(staff.user.id, now, i64::MIN)
        .await
        .map_err(AppError::internal(tr))?;
    for s in others.iter().filter(|s| s.token_hash != staff.token_hash) {
        state
            .store
            .revoke_session(staff.user.id, &s.token_hash)
            .await
            .map_err(AppError::internal(tr))?;
    }
    staff
        .audit(
            &state,
            None,
            "password-changed",
            &format!("user:{}", staff.user.id),
            "",
            now,
        )
        .await?;
    Ok(Redirect::to("/staff/account?done=password").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "account_2fa.html")]
struct TwoFactorPage {
    l: Layout,
    tr: Tr,
    e: Option<Enrolment>,
    codes: Vec<String>,
    mfa_required: bool,
    codes_left: i64,
    errors: FormErrors,
}

async fn two_factor_page(
    state: &AppState,
    staff: &Staff,
    codes: Vec<String>,
    error: Option<String>,
    errors: FormErrors,
) -> Result<TwoFactorPage, AppError> {
    let tr = staff.tr;
    let st = state
        .store
        .totp_state(staff.user.id)
        .await
        .map_err(AppError::internal(tr))?;
    let e = if st.secret.is_none() {
        Some(
            enrolment(
                state,
                &staff.user,
                tr,
                "/staff/account/2fa",
                staff.csrf.clone(),
                error,
            )
            .await?,
        )
    } else {
        None
    };
    let codes_left = state
        .store
        .recovery_codes_left(staff.user.id)
        .await
        .map_err(AppError::internal(tr))?;
    let mfa_required = mfa::required_for(state, &staff.user)
        .await
        .map_err(AppError::internal(tr))?;
    let l = Layout::new(state, staff, tr.t("mfa-title"), "/staff/account/2fa").await?;
    Ok(TwoFactorPage {
        l,
        tr,
        e,
        codes,
        mfa_required,
        codes_left,
        errors,
    })
}

pub async fn two_factor(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    Ok(
        two_factor_page(&state, &staff, vec![], None, FormErrors::new())
            .await?
            .into_response(),
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ConfirmForm {
    code: String,
}

pub async fn two_factor_confirm(
    State(state): State<AppState>,
    StaffForm(staff, f): StaffForm<ConfirmForm>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let st = state
        .store
        .totp_state(staff.user.id)
        .await
        .map_err(AppError::internal(tr))?;
    if st.secret.is_some() {
        return Ok(Redirect::to("/staff/account/2fa").into_response());
    }
    match confirm_enrolment(&state, &staff.user, tr, &f.code).await? {
        Some(codes) => Ok(
            two_factor_page(&state, &staff, codes, None, FormErrors::new())
                .await?
                .into_response(),
        ),
        None => {
            let page = two_factor_page(
                &state,
                &staff,
                vec![],
                Some(tr.t("mfa-code-wrong")),
                FormErrors::new(),
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DisableForm {
    password: String,
}

pub async fn two_factor_disable(
    State(state): State<AppState>,
    StaffForm(staff, f): StaffForm<DisableForm>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let now = state.clock.now_ts();
    let mut errors = FormErrors::new();
    if mfa::required_for(&state, &staff.user)
        .await
        .map_err(AppError::internal(tr))?
    {
        errors.add(tr, "password", "mfa-required-cannot-disable");
    } else {
        let ok = match staff.user.password_hash.clone() {
            Some(hash) => {
                let pw = f.password.clone();
                state
                    .hashing
                    .run(move || verify_password(&pw, &hash))
                    .await
                    .map_err(|_| AppError::Unavailable(tr))?
            }
            None => false,
        };
        if !ok {
            state
                .store
                .record_failed_login(staff.user.id, MAX_FAILED_LOGINS, now + LOCK_SECS)
                .await
                .map_err(AppError::internal(tr))?;
            errors.add(tr, "password", "account-current-wrong");
        }
    }
    if !errors.is_empty() {
        let page = two_factor_page(&state, &staff, vec![], None, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    state
        .store
        .disable_totp(staff.user.id)
        .await
        .map_err(AppError::internal(tr))?;
    staff
        .audit(
            &state,
            None,
            "2fa-disabled",
            &format!("user:{}", staff.user.id),
            "",
            now,
        )
        .await?;
    Ok(Redirect::to("/staff/account?done=2fa-off").into_response())
}

pub async fn recovery_renew(
    State(state): State<AppState>,
    StaffForm(staff, f): StaffForm<ConfirmForm>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let now = state.clock.now_ts();
    if !mfa::accept_code(&state, staff.user.id, &f.code, now)
        .await
        .map_err(AppError::internal(tr))?
    {
        let mut errors = FormErrors::new();
        errors.add(tr, "code", "mfa-code-wrong");
        let page = two_factor_page(&state, &staff, vec![], None, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let (codes, hashes) = mfa::new_recovery_codes(&state, staff.user.id);
    state
        .store
        .replace_recovery_codes(staff.user.id, &hashes, now)
        .await
        .map_err(AppError::internal(tr))?;
    staff
        .audit(
            &state,
            None,
            "2fa-recovery-renewed",
            &format!("user:{}", staff.user.id),
            "",
            now,
        )
        .await?;
    Ok(
        two_factor_page(&state, &staff, codes, None, FormErrors::new())
            .await?
            .into_response(),
    )
}

// ---- the administrator's side ----

/// A choice of the "two-factor required" setting.
pub struct RoleChoice {
    pub code: &'static str,
    pub label: String,
    pub checked: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_security.html")]
struct SecurityPage {
    l: Layout,
    tr: Tr,
    roles: Vec<RoleChoice>,
    saved: bool,
}

async fn security_page(
    state: &AppState,
    staff: &Staff,
    saved: bool,
) -> Result<SecurityPage, AppError> {
    let tr = staff.tr;
    let required = state
        .store
        .mfa_required_roles()
        .await
        .map_err(AppError::internal(tr))?;
    let mut roles = vec![RoleChoice {
        code: ADMIN_ROLE,
        label: tr.t("mfa-role-admin"),
        checked: required.iter().any(|r| r == ADMIN_ROLE),
    }];
    roles.extend(Role::ALL.iter().map(|r| RoleChoice {
        code: r.code(),
        label: tr.t(r.message_id()),
        checked: required.iter().any(|x| x == r.code()),
    }));
    let l = Layout::new(
        state,
        staff,
        tr.t("security-title"),
        "/staff/admin/security",
    )
    .await?;
    Ok(SecurityPage {
        l,
        tr,
        roles,
        saved,
    })
}

pub async fn security(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    staff.require_installation(Action::ManageInstallation)?;
    Ok(security_page(&state, &staff, false).await?.into_response())
}

pub async fn security_save(
    State(state): State<AppState>,
    StaffForm(staff, pairs): StaffForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    staff.require_installation(Action::ManageInstallation)?;
    let tr = staff.tr;
    let mut chosen: Vec<&str> = Vec::new();
    for (k, v) in &pairs {
        if k != "role" {
            continue;
        }
        let code = if v == ADMIN_ROLE {
            ADMIN_ROLE
        } else {
            match Role::parse(v) {
                Some(r) => r.code(),
                None => {
                    return Err(AppError::Refused(
                        tr,
                        StatusCode::BAD_REQUEST,
                        "error-bad-form",
                    ));
                }
            }
        };
        if !chosen.contains(&code) {
            chosen.push(code);
        }
    }
    state
        .store
        .set_mfa_required_roles(&chosen)
        .await
        .map_err(AppError::internal(tr))?;
    staff
        .audit(
            &state,
            None,
            "2fa-required-roles",
            "installation",
            &chosen.join(","),
            state.clock.now_ts(),
        )
        .await?;
    Ok(security_page(&state, &staff, true).await?.into_response())
}

/// A live session as listed for the administrator.
pub struct SessionView {
    pub id: String,
    pub created: String,
    pub last_seen: String,
}

/// The live sessions of a user, for the user page.
pub async fn session_views(
    state: &AppState,
    user_id: i64,
    tr: Tr,
) -> Result<Vec<SessionView>, AppError> {
    let now = state.clock.now_ts();
    Ok(state
        .store
        .sessions_of(user_id, now, now - state.config.session_absolute_secs)
        .await
        .map_err(AppError::internal(tr))?
        .into_iter()
        .map(|s| SessionView {
            id: to_hex(&s.token_hash),
            created: super::format_ts(s.created_at),
            last_seen: super::format_ts(s.last_seen),
        })
        .collect())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RevokeForm {
    session: String,
    all: String,
}

pub async fn user_sessions_revoke(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm(staff, f): StaffForm<RevokeForm>,
) -> Result<Response, AppError> {
    staff.require_installation(Action::ManageInstallation)?;
    let tr = staff.tr;
    let user = state.store.user(id).await.map_err(AppError::internal(tr))?;
    let now = state.clock.now_ts();
    let detail = if !f.all.is_empty() {
        let n = state
            .store
            .revoke_sessions_of(user.id)
            .await
            .map_err(AppError::internal(tr))?;
        format!("all ({n})")
    } else {
        let hash = hex::decode(f.session.trim())
            .ok()
            .filter(|h| h.len() == 32)
            .ok_or(AppError::Refused(
                tr,
                StatusCode::BAD_REQUEST,
                "error-bad-form",
            ))?;
        if !state
            .store
            .revoke_session(user.id, &hash)
            .await
            .map_err(AppError::internal(tr))?
        {
            return Err(AppError::NotFound(tr));
        }
        "one".to_string()
    };
    staff
        .audit(
            &state,
            None,
            "sessions-revoked",
            &format!("user:{}", user.id),
            &detail,
            now,
        )
        .await?;
    Ok(Redirect::to(&format!("/staff/admin/users/{}", user.id)).into_response())
}

#[derive(Deserialize, Default)]
pub struct NoFields {}

pub async fn user_mfa_reset(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm(staff, _): StaffForm<NoFields>,
) -> Result<Response, AppError> {
    staff.require_installation(Action::ManageInstallation)?;
    let tr = staff.tr;
    let user = state.store.user(id).await.map_err(AppError::internal(tr))?;
    state
        .store
        .disable_totp(user.id)
        .await
        .map_err(AppError::internal(tr))?;
    state
        .store
        .revoke_sessions_of(user.id)
        .await
        .map_err(AppError::internal(tr))?;
    staff
        .audit(
            &state,
            None,
            "2fa-reset",
            &format!("user:{}", user.id),
            "",
            state.clock.now_ts(),
        )
        .await?;
    Ok(Redirect::to(&format!("/staff/admin/users/{}", user.id)).into_response())
}
