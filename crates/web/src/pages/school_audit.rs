//! A school's audit log, for its director and responsible person: who read or changed what.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use trustbox_domain::Action;
use trustbox_i18n::Tr;

use super::Layout;
use super::admin::AuditRow;
use crate::session::Staff;
use crate::{AppError, AppState};

#[derive(Template, WebTemplate)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    l: Layout,
    tr: Tr,
    rows: Vec<AuditRow>,
}

pub async fn school_audit(
    State(state): State<AppState>,
    staff: Staff,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let (school, _) = staff.unit(&state, &slug, Action::ViewAudit).await?;
    let entries = state
        .store
        .audit_entries(Some(school.id), 500)
        .await
        .map_err(AppError::internal(tr))?;
    let users = state.store.users().await.map_err(AppError::internal(tr))?;
    let rows = entries
        .into_iter()
        .map(|e| AuditRow {
            id: e.id,
            at: super::fmt_datetime(&school, e.at),
            actor: e
                .actor_id
                .and_then(|a| users.iter().find(|u| u.id == a))
                .map(|u| u.display_name.clone())
                .unwrap_or_default(),
            action: e.action,
            object: e.object,
            detail: e.detail,
        })
        .collect();
    let here = format!("/staff/s/{slug}/audit");
    let l = Layout::new(
        &state,
        &staff,
        tr.t1("school-audit-title", "school", school.name(tr.code())),
        &here,
    )
    .await?;
    Ok(AuditPage { l, tr, rows }.into_response())
}
