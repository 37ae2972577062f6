//! The staff dashboard and a school's staff home.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use trustbox_domain::Action;
use trustbox_i18n::Tr;

use super::Layout;
use crate::session::Staff;
use crate::{AppError, AppState};

/// A school in the dashboard with the roles this person holds there.
pub struct MySchool {
    pub name: String,
    pub slug: String,
    pub roles: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    l: Layout,
    tr: Tr,
    is_admin: bool,
    schools: Vec<MySchool>,
    /// Pending grants this person may confirm or refuse (an administrator, a director).
    grants_waiting: usize,
    /// This person's own roles still waiting for confirmation: "role — school".
    my_pending: Vec<String>,
    /// Schools no responsible person can be alerted for (name, slug): the administrator's warning.
    unreachable: Vec<(String, String)>,
}

pub async fn dashboard(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    let tr = staff.tr;
    let mut schools: Vec<MySchool> = Vec::new();
    let mut my_pending = Vec::new();
    for g in &staff.actor.grants {
        let unit = state
            .store
            .unit(g.unit)
            .await
            .map_err(AppError::internal(tr))?;
        let role = tr.t(g.role.message_id());
        if g.pending {
            my_pending.push(format!("{role} — {}", unit.name(tr.code())));
            continue;
        }
        match schools.iter_mut().find(|s| s.slug == unit.slug) {
            Some(s) => s.roles.push(role),
            None => schools.push(MySchool {
                name: unit.name(tr.code()).to_string(),
                slug: unit.slug.clone(),
                roles: vec![role],
            }),
        }
    }
    let grants_waiting = super::grants::waiting_for(&state, &staff).await?;
    let unreachable = if staff.user.is_admin {
        super::contact::unreachable_schools(&state.store, tr.code())
            .await
            .map_err(AppError::internal(tr))?
    } else {
        Vec::new()
    };
    let l = Layout::new(&state, &staff, tr.t("dashboard-title"), "/staff").await?;
    Ok(DashboardPage {
        l,
        tr,
        is_admin: staff.user.is_admin,
        schools,
        grants_waiting,
        my_pending,
        unreachable,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "school_home.html")]
struct SchoolHomePage {
    l: Layout,
    tr: Tr,
    name: String,
    slug: String,
    country: String,
    time_zone: String,
    staff: Vec<(String, String)>,
    /// No responsible person can be alerted; whether the viewer can fix it themself (a
    /// responsible person of the school) or as the administrator.
    unreachable: bool,
    fix_self: bool,
    fix_admin: bool,
}

pub async fn school_home(
    State(state): State<AppState>,
    staff: Staff,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let (unit, _path) = staff.unit(&state, &slug, Action::ViewSchool).await?;
    let people = state
        .store
        .users_of_unit(unit.id)
        .await
        .map_err(AppError::internal(tr))?;
    let mut list = Vec::new();
    for u in people {
        let roles = state
            .store
            .grants_of(u.id)
            .await
            .map_err(AppError::internal(tr))?
            .into_iter()
            .filter(|g| g.unit_id == unit.id && !g.pending)
            .filter_map(|g| trustbox_domain::Role::parse(&g.role))
            .map(|r| tr.t(r.message_id()))
            .collect::<Vec<_>>()
            .join(", ");
        list.push((u.display_name, roles));
    }
    let unreachable = !super::contact::school_reachable(&state.store, unit.id)
        .await
        .map_err(AppError::internal(tr))?;
    let fix_self = staff
        .actor
        .grants
        .iter()
        .any(|g| g.unit == unit.id && g.role == trustbox_domain::Role::Responsible);
    let name = unit.name(tr.code()).to_string();
    let l = Layout::new(&state, &staff, name.clone(), &format!("/staff/s/{slug}")).await?;
    Ok(SchoolHomePage {
        l,
        tr,
        name,
        slug: unit.slug,
        country: unit.country,
        time_zone: unit.time_zone,
        staff: list,
        unreachable,
        fix_self,
        fix_admin: staff.user.is_admin,
    }
    .into_response())
}
