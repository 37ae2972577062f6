//! `trustbox user set USERNAME --email ADDR | --no-email`, and the address of `user create
//! --email`: where urgent letters, reminders and escalations reach a staff member. The address
//! is never printed in full nor written to the audit log (only that one was set or removed).

use trustbox_store::{AuditInput, Store, User};
use trustbox_web::admin_forms::{mask_email, validate_email};

use crate::install::english;

/// Sets (or with `None` removes) a user's address and records the change in the audit log.
pub async fn set_email(
    store: &Store,
    user: &User,
    email: Option<&str>,
    now: i64,
) -> Result<(), String> {
    if email.is_none() && user.email.is_none() {
        return Ok(());
    }
    store
        .set_user_email(user.id, email)
        .await
        .map_err(|e| e.to_string())?;
    store
        .audit(
            &AuditInput {
                actor_id: None,
                school_id: None,
                action: "user-email-set",
                object: &format!("user:{}", user.id),
                detail: if email.is_some() { "set" } else { "removed" },
            },
            now,
        )
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// `trustbox user set USERNAME --email ADDR` (`None`: `--no-email`).
pub async fn user_set(store: &Store, username: &str, email: Option<String>) -> Result<(), String> {
    let user = store
        .user_by_name(username)
        .await
        .map_err(|_| format!("no account named {username:?}: see `trustbox user list`"))?;
    let email = match email {
        Some(raw) => match validate_email(&raw) {
            Ok(Some(e)) => Some(e),
            Ok(None) => return Err("--email: give an address, or --no-email to remove it".into()),
            Err(code) => return Err(format!("--email: {}", english(code))),
        },
        None => None,
    };
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    set_email(store, &user, email.as_deref(), now).await?;
    match email {
        Some(e) => println!(
            "{username}: notices go to {} by e-mail; `trustbox serve` delivers them through the outbox",
            mask_email(&e)
        ),
        None => println!("{username}: no e-mail address; no notice reaches this person"),
    }
    Ok(())
}
