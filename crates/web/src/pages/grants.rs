//! Grants that wait for a second person. The administrator runs the installation and never reads
//! a letter: a role that can read letters (any school role), given by a logged-in administrator,
//! is recorded *pending* and allows nothing until the school's director or another
//! administrator confirms it on `/staff/grants` (`trustbox_domain::may_confirm` decides who
//! may). The school's directors are told by mail (when they have an address) and see it on
//! their start page. Asking, confirming and refusing are all in the audit log.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use trustbox_domain::{Grant, Role, grant_needs_confirmation, may_confirm};
use trustbox_i18n::Tr;
use trustbox_store::{GrantRow, NewMail, StoreError, Unit, User};

use super::Layout;
use crate::session::{Staff, StaffForm};
use crate::{AppError, AppState};

/// Gives `user` the `role` on `unit`, as the logged-in administrator `staff`: a role that can
/// read letters at a school is recorded pending (its directors are told); any other is in force
/// at once. Returns whether the grant waits for confirmation.
pub async fn grant_role(
    state: &AppState,
    staff: &Staff,
    user: &User,
    role: Role,
    unit: &Unit,
    now: i64,
) -> Result<bool, AppError> {
    let tr = staff.tr;
    let object = format!("user:{}", user.id);
    if unit.kind == "school" && grant_needs_confirmation(role) {
        let added = state
            .store
            .add_pending_grant(user.id, unit.id, role.code(), Some(staff.user.id), now)
            .await
            .map_err(AppError::internal(tr))?;
        if added {
            staff
                .audit(
                    state,
                    Some(unit.id),
                    "role-grant-requested",
                    &object,
                    role.code(),
                    now,
                )
                .await?;
            tell_directors(state, &staff.user.display_name, user, role, unit, now)
                .await
                .map_err(AppError::internal(tr))?;
        }
        return Ok(added);
    }
    state
        .store
        .add_grant(user.id, unit.id, role.code())
        .await
        .map_err(AppError::internal(tr))?;
    staff
        .audit(
            state,
            Some(unit.id),
            "role-granted",
            &object,
            role.code(),
            now,
        )
        .await?;
    Ok(false)
}

/// Queues a mail to each confirmed director of the school who has an address, in the school's
/// language: who (`by`, a name; empty for the command line) asked for which role for whom,
/// and where to confirm or refuse it.
pub async fn tell_directors(
    state: &AppState,
    by: &str,
    user: &User,
    role: Role,
    unit: &Unit,
    now: i64,
) -> Result<(), StoreError> {
    let tr = Tr::new(
        trustbox_domain::Lang::parse(&unit.default_lang).unwrap_or(trustbox_domain::Lang::Ru),
    );
    let link = format!(
        "{}/staff/grants",
        state.config.public_url.trim_end_matches('/')
    );
    let school = unit.name(tr.code()).to_string();
    let by = if by.is_empty() {
        tr.t("grant-by-cli")
    } else {
        by.to_string()
    };
    for to in state
        .store
        .emails_of_role(unit.id, Role::Director.code())
        .await?
    {
        let mail = crate::mail::for_staff(
            &state.keys,
            NewMail {
                school_id: Some(unit.id),
                kind: "grant-pending".into(),
                recipient: to,
                subject: tr.t1("mail-grant-pending-subject", "school", school.as_str()),
                body: tr.ta(
                    "mail-grant-pending-body",
                    &[
                        ("admin", by.as_str().into()),
                        ("user", user.display_name.as_str().into()),
                        ("role", tr.t(role.message_id()).into()),
                        ("school", school.as_str().into()),
                        ("link", link.as_str().into()),
                    ],
                ),
                ..Default::default()
            },
        );
        state.store.queue_mail(&mail, now).await?;
    }
    Ok(())
}

/// A pending grant this person may see: the administrators see all of them, a director those
/// of their schools.
fn visible(staff: &Staff, g: &GrantRow) -> bool {
    staff.user.is_admin
        || staff
            .actor
            .grants
            .iter()
            .any(|d| !d.pending && d.role == Role::Director && d.unit == g.unit_id)
}

fn decide(staff: &Staff, g: &GrantRow) -> Result<(), trustbox_domain::ConfirmRefusal> {
    let role = Role::parse(&g.role).unwrap_or(Role::Responsible);
    may_confirm(
        &staff.actor,
        Grant {
            role,
            unit: g.unit_id,
            pending: true,
        },
        g.user_id,
        g.granted_by,
    )
}

/// How many pending grants this person could confirm now (for the start page).
pub async fn waiting_for(state: &AppState, staff: &Staff) -> Result<usize, AppError> {
    if !staff.user.is_admin && !staff.actor.grants.iter().any(|g| g.role == Role::Director) {
        return Ok(0);
    }
    Ok(state
        .store
        .pending_grants()
        .await
        .map_err(AppError::internal(staff.tr))?
        .iter()
        .filter(|g| visible(staff, g) && decide(staff, g).is_ok())
        .count())
}

/// A pending grant as listed.
pub struct PendingRow {
    pub user_id: i64,
    pub unit_id: i64,
    pub role_code: String,
    pub role: String,
    pub unit: String,
    pub grantee: String,
    pub granted_by: String,
    pub granted_at: String,
    /// Why this person may not decide it (a message), or `None` when they may.
    pub why_not: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "grants_pending.html")]
struct PendingPage {
    l: Layout,
    tr: Tr,
    rows: Vec<PendingRow>,
}

async fn page(state: &AppState, staff: &Staff) -> Result<PendingPage, AppError> {
    let tr = staff.tr;
    let units = state.store.units().await.map_err(AppError::internal(tr))?;
    let users = state.store.users().await.map_err(AppError::internal(tr))?;
    let name_of = |id: Option<i64>| match id.and_then(|id| users.iter().find(|u| u.id == id)) {
        Some(u) => format!("{} ({})", u.display_name, u.username),
        None => tr.t("grant-by-cli"),
    };
    let mut rows = Vec::new();
    for g in state
        .store
        .pending_grants()
        .await
        .map_err(AppError::internal(tr))?
    {
        if !visible(staff, &g) {
            continue;
        }
        rows.push(PendingRow {
            user_id: g.user_id,
            unit_id: g.unit_id,
            role: Role::parse(&g.role)
                .map(|r| tr.t(r.message_id()))
                .unwrap_or_else(|| g.role.clone()),
            unit: units
                .iter()
                .find(|u| u.id == g.unit_id)
                .map(|u| u.name(tr.code()).to_string())
                .unwrap_or_default(),
            grantee: name_of(Some(g.user_id)),
            granted_by: name_of(g.granted_by),
            granted_at: g.granted_at.map(super::format_ts).unwrap_or_default(),
            why_not: decide(staff, &g).err().map(|r| tr.t(r.message_id())),
            role_code: g.role,
        });
    }
    let l = Layout::new(state, staff, tr.t("grants-title"), "/staff/grants").await?;
    Ok(PendingPage { l, tr, rows })
}

/// `GET /staff/grants`: the pending grants this person may see, with confirm and refuse.
pub async fn pending(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    Ok(page(&state, &staff).await?.into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecideForm {
    pub user: String,
    pub unit: String,
    pub role: String,
    /// `confirm` or `refuse`.
    pub op: String,
}

/// `POST /staff/grants`: confirms or refuses one pending grant.
pub async fn decide_grant(
    State(state): State<AppState>,
    StaffForm(staff, f): StaffForm<DecideForm>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let (Ok(user_id), Ok(unit_id), Some(role)) = (
        f.user.trim().parse::<i64>(),
        f.unit.trim().parse::<i64>(),
        Role::parse(f.role.trim()),
    ) else {
        return Err(AppError::NotFound(tr));
    };
    let g = match state.store.grant(user_id, unit_id, role.code()).await {
        Ok(g) if g.pending && visible(&staff, &g) => g,
        Ok(_) | Err(StoreError::NotFound) => return Err(AppError::NotFound(tr)),
        Err(e) => return Err(AppError::internal(tr)(e)),
    };
    if let Err(why) = decide(&staff, &g) {
        return Err(AppError::Refused(
            tr,
            StatusCode::FORBIDDEN,
            why.message_id(),
        ));
    }
    let now = state.clock.now_ts();
    let (result, action) = match f.op.as_str() {
        "confirm" => (
            state
                .store
                .confirm_grant(user_id, unit_id, role.code())
                .await,
            "role-grant-confirmed",
        ),
        "refuse" => (
            state
                .store
                .refuse_grant(user_id, unit_id, role.code())
                .await,
            "role-grant-refused",
        ),
        _ => return Err(AppError::NotFound(tr)),
    };
    result.map_err(AppError::internal(tr))?;
    let by = g
        .granted_by
        .map(|b| format!("user:{b}"))
        .unwrap_or_else(|| "cli".into());
    staff
        .audit(
            &state,
            Some(unit_id),
            action,
            &format!("user:{user_id}"),
            &format!("{}; granted by {by}", role.code()),
            now,
        )
        .await?;
    Ok(Redirect::to("/staff/grants").into_response())
}
