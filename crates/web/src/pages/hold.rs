//! Retention on the appeal page: until when a closed case is kept, a legal hold (staff action
//! with a reason, audited) that stops its destruction, and destroying a due case now.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use trustbox_domain::{Action, Target};
use trustbox_i18n::Tr;
use trustbox_store::AuditInput;

use crate::forms::FormErrors;
use crate::intake::field_aad;
use crate::pages::casework::{CaseForm, load, refused};
use crate::pages::fmt_date;
use crate::retention::{self, Refusal};
use crate::session::{Staff, StaffForm};
use crate::{AppError, AppState};

/// Longest reason for a legal hold.
const MAX_REASON: usize = 2000;

/// What the appeal page shows about keeping and destroying the case.
#[derive(Debug, Default, Clone)]
pub struct RetentionView {
    /// The person may place or lift a hold and destroy a due case.
    pub can_act: bool,
    pub closed: bool,
    /// "Kept until …, then destroyed."
    pub until: String,
    pub due: bool,
    pub held: bool,
    pub reason: String,
}

/// The retention part of the appeal page.
#[allow(clippy::too_many_arguments)]
pub async fn view(
    state: &AppState,
    staff: &Staff,
    school_id: i64,
    appeal_id: i64,
    closed_at: Option<i64>,
    path: &[i64],
    assignees: &[i64],
    dk: &trustbox_crypto::DataKey,
) -> Result<RetentionView, AppError> {
    let tr = staff.tr;
    let (held, reason_enc, _) = state
        .store
        .retention_of(school_id, appeal_id)
        .await
        .map_err(AppError::internal(tr))?;
    let reason = reason_enc
        .and_then(|r| {
            dk.open_string(&field_aad(school_id, appeal_id, "hold-reason"), &r)
                .ok()
        })
        .unwrap_or_default();
    let today = state.clock.now().date();
    let days = state.config.retention_days;
    let (until, due) = match closed_at {
        Some(c) => {
            let day = retention::expiry_day(c, days);
            (
                tr.t1("retention-kept-until", "date", fmt_date(day)),
                day <= today,
            )
        }
        None => (String::new(), false),
    };
    Ok(RetentionView {
        can_act: staff.can(Action::WorkAppeal, &Target::Appeal { path, assignees }),
        closed: closed_at.is_some(),
        until,
        due,
        held,
        reason,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct HoldForm {
    pub op: String,
    pub text: String,
}

fn typed(text: &str) -> CaseForm {
    CaseForm {
        text: text.to_string(),
        ..CaseForm::default()
    }
}

/// Places a legal hold on a case (a reason is required) or lifts it.
pub async fn hold(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    StaffForm(staff, f): StaffForm<HoldForm>,
) -> Result<Response, AppError> {
    let tr: Tr = staff.tr;
    let c = load(&state, &staff, &slug, id, Action::WorkAppeal).await?;
    let reason = f.text.trim();
    let set = f.op != "lift";
    let mut errors = FormErrors::new();
    if set && reason.is_empty() {
        errors.add(tr, "text", "retention-err-reason-required");
    } else if reason.chars().count() > MAX_REASON {
        errors.add(tr, "text", "retention-err-reason-long");
    }
    if !errors.is_empty() {
        return refused(&state, &staff, &slug, id, "hold", &typed(&f.text), errors).await;
    }
    let sealed = set.then(|| {
        c.dk.seal(
            &field_aad(c.school.id, c.appeal.id, "hold-reason"),
            reason.as_bytes(),
        )
    });
    let now = state.clock.now_ts();
    state
        .store
        .set_legal_hold(
            c.school.id,
            c.appeal.id,
            sealed.as_deref(),
            now,
            &AuditInput {
                actor_id: Some(staff.user.id),
                school_id: Some(c.school.id),
                action: if set {
                    "legal-hold-placed"
                } else {
                    "legal-hold-lifted"
                },
                object: &format!("appeal:{}", c.appeal.id),
                detail: "",
            },
        )
        .await
        .map_err(AppError::internal(tr))?;
    Ok(Redirect::to(&format!("/staff/s/{slug}/appeals/{id}#retention")).into_response())
}

/// Destroys a closed case whose retention time is up, now; refused for a held case or one
/// still kept.
pub async fn destroy(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    StaffForm(staff, _f): StaffForm<HoldForm>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let c = load(&state, &staff, &slug, id, Action::WorkAppeal).await?;
    let today = state.clock.now().date();
    let r = retention::purge_one(&state, c.school.id, c.appeal.id, Some(staff.user.id), today)
        .await
        .map_err(|e| AppError::Internal(tr, e.to_string()))?;
    let mut errors = FormErrors::new();
    match r {
        Ok(_) => {
            return Ok(Redirect::to(&format!("/staff/s/{slug}/appeals/{id}")).into_response());
        }
        Err(Refusal::Held) => errors.add(tr, "destroy", "retention-err-held"),
        Err(Refusal::NotClosed) => errors.add(tr, "destroy", "retention-err-not-closed"),
        Err(Refusal::NotDue(day)) => {
            errors.add_text(
                "destroy",
                tr.t1("retention-err-not-due", "date", fmt_date(day)),
            );
        }
        Err(Refusal::AlreadyDestroyed) => return Err(AppError::NotFound(tr)),
    }
    refused(&state, &staff, &slug, id, "destroy", &typed(""), errors).await
}
