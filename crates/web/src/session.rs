//! Staff sessions and CSRF. The session cookie holds a random token; the database keeps only
//! its SHA-256. Every staff form carries a CSRF token derived from the session token with a key
//! derived from the master key; [`StaffForm`] checks it before a handler sees the form.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use serde::de::DeserializeOwned;
use trustbox_crypto::{to_hex, token_hash};
use trustbox_domain::{Action, Actor, Grant, Lang, Role, Target, can};
use trustbox_i18n::Tr;
use trustbox_store::{Unit, User};

use crate::{AppError, AppState};

pub const SESSION_COOKIE: &str = "tb_session";
/// Before login: a random value in a cookie and in the login form (double submit).
pub const PRE_COOKIE: &str = "tb_pre";

/// The value of cookie `name` in the request, if any.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, path `/`.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age: Option<i64>) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if let Some(a) = max_age {
        c.push_str(&format!("; Max-Age={a}"));
    }
    if state.config.secure_cookies {
        c.push_str("; Secure");
    }
    c
}

/// The language for a page before login: `?lang=`, else Accept-Language, else Russian.
pub fn guess_lang(headers: &HeaderMap, query_lang: Option<&str>) -> Lang {
    query_lang
        .and_then(Lang::parse)
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or(Lang::Ru)
}

/// A logged-in staff member, with what the access policy needs.
pub struct Staff {
    pub user: User,
    pub actor: Actor,
    pub tr: Tr,
    pub csrf: String,
    pub token_hash: [u8; 32],
}

pub fn csrf_for(state: &AppState, token: &str) -> String {
    let mut data = b"csrf:".to_vec();
    data.extend_from_slice(token.as_bytes());
    to_hex(&state.keys.session.mac(&data))
}

impl Staff {
    pub fn can(&self, action: Action, target: &Target) -> bool {
        can(&self.actor, action, target)
    }

    /// The school (or other unit) `slug`, if this person may do `action` there; else not found.
    pub async fn unit(
        &self,
        state: &AppState,
        slug: &str,
        action: Action,
    ) -> Result<(Unit, Vec<i64>), AppError> {
        let tr = self.tr;
        let unit = state
            .store
            .unit_by_slug(slug)
            .await
            .map_err(AppError::internal(tr))?;
        let path = state
            .store
            .unit_path(unit.id)
            .await
            .map_err(AppError::internal(tr))?;
        if !self.can(action, &Target::Unit { path: &path }) {
            return Err(AppError::NotFound(tr));
        }
        Ok((unit, path))
    }

    /// Refuses with not-found unless this person may do `action` for the whole installation.
    pub fn require_installation(&self, action: Action) -> Result<(), AppError> {
        if self.can(action, &Target::Installation) {
            Ok(())
        } else {
            Err(AppError::NotFound(self.tr))
        }
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let login = || AppError::Redirect("/staff/login".into());
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or_else(login)?;
        let hash = token_hash(&token);
        let now = state.clock.now_ts();
        let tr = Tr::new(guess_lang(&parts.headers, None));
        let session = match state
            .store
            .touch_session(
                &hash,
                now,
                now + state.config.session_idle_secs,
                now - state.config.session_absolute_secs,
            )
            .await
        {
            Ok(s) => s,
            Err(trustbox_store::StoreError::NotFound) => return Err(login()),
            Err(e) => return Err(AppError::internal(tr)(e)),
        };
        let user = state
            .store
            .user(session.user_id)
            .await
            .map_err(AppError::internal(tr))?;
        if user.disabled {
            return Err(login());
        }
        let grants = state
            .store
            .grants_of(user.id)
            .await
            .map_err(AppError::internal(tr))?
            .into_iter()
            .filter_map(|g| {
                Some(Grant {
                    role: Role::parse(&g.role)?,
                    unit: g.unit_id,
                    pending: g.pending,
                })
            })
            .collect();
        let actor = Actor {
            user_id: user.id,
            is_admin: user.is_admin,
            grants,
        };
        let tr = Tr::new(Lang::parse(&user.lang).unwrap_or(Lang::Ru));
        Ok(Staff {
            csrf: csrf_for(state, &token),
            user,
            actor,
            tr,
            token_hash: hash,
        })
    }
}

/// A staff form whose CSRF token was checked: `StaffForm(staff, form)`.
pub struct StaffForm<T>(pub Staff, pub T);

impl<T: DeserializeOwned + Send> FromRequest<AppState> for StaffForm<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, AppError> {
        let (mut parts, body) = req.into_parts();
        let staff = Staff::from_request_parts(&mut parts, state).await?;
        let tr = staff.tr;
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|_| AppError::Refused(tr, StatusCode::BAD_REQUEST, "error-bad-form"))?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| AppError::Refused(tr, StatusCode::BAD_REQUEST, "error-bad-form"))?;
        let sent = pairs
            .iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        if !constant_eq(sent.as_bytes(), staff.csrf.as_bytes()) {
            return Err(AppError::Csrf(tr));
        }
        let form: T = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| AppError::Refused(tr, StatusCode::BAD_REQUEST, "error-bad-form"))?;
        Ok(StaffForm(staff, form))
    }
}

/// Compares two byte strings in time independent of where they differ.
pub fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.ct_eq(b).into()
}

impl Staff {
    /// Records an action of this person in the audit log; a failure to record is an error,
    /// never silently skipped.
    pub async fn audit(
        &self,
        state: &AppState,
        school_id: Option<i64>,
        action: &str,
        object: &str,
        detail: &str,
        now: i64,
    ) -> Result<(), AppError> {
        state
            .store
            .audit(
                &trustbox_store::AuditInput {
                    actor_id: Some(self.user.id),
                    school_id,
                    action,
                    object,
                    detail,
                },
                now,
            )
            .await
            .map(|_| ())
            .map_err(AppError::internal(self.tr))
    }
}
