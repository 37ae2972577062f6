//! Staff contact settings: the e-mail address where urgent letters, reminders and escalations
//! reach a person. The person sets it on their own account page (and sends themself a test
//! through the outbox), the administrator on the user's page or in the new-user form, and the
//! CLI with `trustbox user create --email` / `trustbox user set --email`.
//!
//! A school none of whose responsible people can be reached is warned about on its start page
//! and on the administrator's.
//!
//! Addresses are never written to a log or to the audit log (it records only that one was set
//! or removed); lists show them masked (`a•••@school.kg`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use trustbox_domain::Role;
use trustbox_i18n::Tr;
use trustbox_store::{NewMail, Store, StoreError, Unit, User};

use super::Layout;
use crate::forms::FormErrors;
use crate::session::{Staff, StaffForm};
use crate::{AppError, AppState};

/// One test mail per account in this many seconds, so the button cannot be used to spam.
pub const TEST_MAIL_INTERVAL_SECS: i64 = 60;

/// The outbox kind of a test mail.
pub const TEST_MAIL_KIND: &str = "contact-test";

/// The message shown next to the e-mail field when the address is not one.
pub const ERR_EMAIL: &str = "err-staff-email-invalid";

/// Checks a typed address: empty means "no address"; otherwise it must be a plain
/// `name@domain.tld`. Returns the message id of the error.
pub fn validate_email(raw: &str) -> Result<Option<String>, &'static str> {
    let e = raw.trim();
    if e.is_empty() {
        return Ok(None);
    }
    if trustbox_domain::appeal::is_valid_email(e) {
        Ok(Some(e.to_string()))
    } else {
        Err(ERR_EMAIL)
    }
}

/// An address shown in lists: its first character and its domain (`a•••@school.kg`).
pub fn mask_email(e: &str) -> String {
    match e.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}•••@{domain}")
        }
        None => "•••".to_string(),
    }
}

/// Whether somebody holding the responsible role on the school, with an address and not
/// disabled, can be alerted.
pub async fn school_reachable(store: &Store, school_id: i64) -> Result<bool, StoreError> {
    Ok(!store
        .emails_of_role(school_id, Role::Responsible.code())
        .await?
        .is_empty())
}

/// The schools (name, slug) of the installation that no responsible person can be alerted for.
pub async fn unreachable_schools(
    store: &Store,
    lang: &str,
) -> Result<Vec<(String, String)>, StoreError> {
    let mut out = Vec::new();
    for u in store
        .units()
        .await?
        .into_iter()
        .filter(|u: &Unit| u.kind == "school")
    {
        if !school_reachable(store, u.id).await? {
            out.push((u.name(lang).to_string(), u.slug.clone()));
        }
    }
    Ok(out)
}

/// Sets or removes a person's address and records that it changed (never the address itself).
async fn save_email(
    state: &AppState,
    staff: &Staff,
    user: &User,
    email: Option<&str>,
) -> Result<(), AppError> {
    let tr = staff.tr;
    state
        .store
        .set_user_email(user.id, email)
        .await
        .map_err(AppError::internal(tr))?;
    staff
        .audit(
            state,
            None,
            "user-email-set",
            &format!("user:{}", user.id),
            if email.is_some() { "set" } else { "removed" },
            state.clock.now_ts(),
        )
        .await
}

/// The contact form as typed.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ContactForm {
    pub email: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "contact.html")]
struct ContactPage {
    l: Layout,
    tr: Tr,
    /// Where the form posts to.
    action: String,
    /// Whose address it is (the administrator's view), or none (one's own).
    whose: Option<String>,
    f: ContactForm,
    saved: Option<String>,
    errors: FormErrors,
    notice: Option<String>,
    /// The test button (own page only, once an address is saved).
    test: bool,
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    done: Option<String>,
}

async fn own_page(
    state: &AppState,
    staff: &Staff,
    f: ContactForm,
    errors: FormErrors,
    notice: Option<String>,
) -> Result<ContactPage, AppError> {
    let tr = staff.tr;
    let user = state
        .store
        .user(staff.user.id)
        .await
        .map_err(AppError::internal(tr))?;
    let l = Layout::new(
        state,
        staff,
        tr.t("contact-title"),
        "/staff/account/contact",
    )
    .await?;
    Ok(ContactPage {
        l,
        tr,
        action: "/staff/account/contact".into(),
        whose: None,
        f,
        test: user.email.is_some(),
        saved: user.email,
        errors,
        notice,
    })
}

/// The person's own contact settings.
pub async fn own_form(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let f = ContactForm {
        email: staff.user.email.clone().unwrap_or_default(),
    };
    let notice = match q.done.as_deref() {
        Some("saved") => Some(tr.t("contact-saved")),
        Some("removed") => Some(tr.t("contact-removed")),
        Some("test") => Some(tr.t("contact-test-sent")),
        _ => None,
    };
    Ok(own_page(&state, &staff, f, FormErrors::new(), notice)
        .await?
        .into_response())
}

pub async fn own_save(
    State(state): State<AppState>,
    StaffForm(staff, f): StaffForm<ContactForm>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    match validate_email(&f.email) {
        Ok(email) => {
            let user = staff.user.clone();
            save_email(&state, &staff, &user, email.as_deref()).await?;
            let done = if email.is_some() { "saved" } else { "removed" };
            Ok(Redirect::to(&format!("/staff/account/contact?done={done}")).into_response())
        }
        Err(code) => {
            let mut errors = FormErrors::new();
            errors.add(tr, "email", code);
            let page = own_page(&state, &staff, f, errors, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// `meta` key of the time of a person's last test mail.
fn test_key(user_id: i64) -> String {
    format!("contact.test_at.{user_id}")
}

/// "Send me a test": one mail through the outbox (the worker delivers it like any notice), at
/// most one a minute per account.
pub async fn own_test(
    State(state): State<AppState>,
    StaffForm(staff, _f): StaffForm<super::admin::NoFields>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let user = state
        .store
        .user(staff.user.id)
        .await
        .map_err(AppError::internal(tr))?;
    let f = ContactForm {
        email: user.email.clone().unwrap_or_default(),
    };
    let Some(to) = user.email.clone() else {
        let mut errors = FormErrors::new();
        errors.add(tr, "email", "contact-test-no-email");
        let page = own_page(&state, &staff, f, errors, None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let now = state.clock.now_ts();
    let key = test_key(user.id);
    let last = state
        .store
        .meta(&key)
        .await
        .map_err(AppError::internal(tr))?
        .and_then(|v| v.parse::<i64>().ok());
    if last.is_some_and(|t| now >= t && now - t < TEST_MAIL_INTERVAL_SECS) {
        let mut errors = FormErrors::new();
        errors.add(tr, "form", "contact-test-wait");
        let page = own_page(&state, &staff, f, errors, None).await?;
        return Ok((StatusCode::TOO_MANY_REQUESTS, page).into_response());
    }
    state
        .store
        .set_meta(&key, &now.to_string())
        .await
        .map_err(AppError::internal(tr))?;
    let link = format!(
        "{}/staff/account/contact",
        state.config.public_url.trim_end_matches('/')
    );
    state
        .store
        .queue_mail(
            &crate::mail::for_staff(
                &state.keys,
                NewMail {
                    school_id: None,
                    kind: TEST_MAIL_KIND.into(),
                    recipient: to,
                    subject: tr.t("mail-contact-test-subject"),
                    body: tr.t1("mail-contact-test-body", "link", link),
                    ..Default::default()
                },
            ),
            now,
        )
        .await
        .map_err(AppError::internal(tr))?;
    Ok(Redirect::to("/staff/account/contact?done=test").into_response())
}

async fn admin_page(
    state: &AppState,
    staff: &Staff,
    user: &User,
    f: ContactForm,
    errors: FormErrors,
) -> Result<ContactPage, AppError> {
    let tr = staff.tr;
    let here = format!("/staff/admin/users/{}/contact", user.id);
    let l = Layout::new(state, staff, tr.t("contact-title"), &here).await?;
    Ok(ContactPage {
        l,
        tr,
        action: here,
        whose: Some(user.display_name.clone()),
        f,
        saved: user.email.clone(),
        errors,
        notice: None,
        test: false,
    })
}

/// The administrator's form for a user's address.
pub async fn admin_form(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    staff.require_installation(trustbox_domain::Action::ManageInstallation)?;
    let user = state
        .store
        .user(id)
        .await
        .map_err(AppError::internal(staff.tr))?;
    let f = ContactForm {
        email: user.email.clone().unwrap_or_default(),
    };
    Ok(admin_page(&state, &staff, &user, f, FormErrors::new())
        .await?
        .into_response())
}

pub async fn admin_save(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm(staff, f): StaffForm<ContactForm>,
) -> Result<Response, AppError> {
    staff.require_installation(trustbox_domain::Action::ManageInstallation)?;
    let tr = staff.tr;
    let user = state.store.user(id).await.map_err(AppError::internal(tr))?;
    match validate_email(&f.email) {
        Ok(email) => {
            save_email(&state, &staff, &user, email.as_deref()).await?;
            Ok(Redirect::to(&format!("/staff/admin/users/{}", user.id)).into_response())
        }
        Err(code) => {
            let mut errors = FormErrors::new();
            errors.add(tr, "email", code);
            let page = admin_page(&state, &staff, &user, f, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// Sets the address of a new user created by the administrator (the address was validated
/// with the rest of the form).
pub async fn set_new_user_email(
    state: &AppState,
    staff: &Staff,
    user: &User,
    email: Option<&str>,
) -> Result<(), AppError> {
    match email {
        Some(e) => save_email(state, staff, user, Some(e)).await,
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_checked_and_masked() {
        assert_eq!(validate_email("  "), Ok(None));
        assert_eq!(
            validate_email(" sp@school9.kg "),
            Ok(Some("sp@school9.kg".into()))
        );
        for bad in [
            "sp",
            "sp@",
            "@school.kg",
            "sp@school",
            "s p@school.kg",
            "a@b@c.kg",
        ] {
            assert_eq!(validate_email(bad), Err(ERR_EMAIL), "{bad}");
        }
        assert_eq!(mask_email("aigul@school.kg"), "a•••@school.kg");
        assert_eq!(mask_email("айгүл@мектеп.kg"), "а•••@мектеп.kg");
    }
}
