//! Page handlers, grouped by audience.

pub mod account;
pub mod admin;
pub mod auth;
pub mod board_public;
pub mod box_public;
pub mod box_staff;
pub mod calendar;
pub mod calls;
pub mod casework;
pub mod commission;
pub mod contact;
pub mod grants;
pub mod hold;
pub mod journal;
pub mod mail_admin;
pub mod paperbox;
pub mod phone;
pub mod public;
pub mod reports;
pub mod school;
pub mod school_audit;

use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::IntoResponse;
use trustbox_domain::Lang;
use trustbox_i18n::Tr;

use crate::session::{Staff, guess_lang};
use crate::{AppError, AppState};

/// A link in the staff navigation.
#[derive(Debug, Clone)]
pub struct NavLink {
    pub href: String,
    pub label: String,
    pub current: bool,
}

/// A language in the staff language picker.
#[derive(Debug, Clone)]
pub struct LangOption {
    pub code: &'static str,
    pub name: &'static str,
    pub selected: bool,
}

pub fn lang_options(current: Lang) -> Vec<LangOption> {
    Lang::ALL
        .iter()
        .map(|l| LangOption {
            code: l.code(),
            name: l.native_name(),
            selected: *l == current,
        })
        .collect()
}

/// What every staff page's frame needs: navigation, language picker, logout, CSRF.
pub struct Layout {
    pub tr: Tr,
    pub title: String,
    pub user_name: String,
    pub csrf: String,
    pub nav: Vec<NavLink>,
    pub langs: Vec<LangOption>,
    pub here: String,
}

impl Layout {
    pub async fn new(
        state: &AppState,
        staff: &Staff,
        title: String,
        here: &str,
    ) -> Result<Layout, AppError> {
        let tr = staff.tr;
        let mut nav = vec![NavLink {
            href: "/staff".into(),
            label: tr.t("nav-dashboard"),
            current: false,
        }];
        if staff.user.is_admin {
            for (href, id) in [
                ("/staff/admin/units", "nav-units"),
                ("/staff/admin/units/new", "nav-unit-new"),
                ("/staff/admin/users", "nav-users"),
                ("/staff/admin/users/new", "nav-user-new"),
                ("/staff/admin/audit", "nav-audit"),
                ("/staff/grants", "nav-grants"),
                ("/staff/admin/mail", "nav-mail"),
                ("/staff/admin/security", "nav-security"),
            ] {
                nav.push(NavLink {
                    href: href.into(),
                    label: tr.t(id),
                    current: false,
                });
            }
        }
        // One group of links per unit this person holds a role on, each link shown only when
        // the access policy lets them in, so the menu never leads to a refusal.
        let mut seen = Vec::new();
        for g in &staff.actor.grants {
            if seen.contains(&g.unit) {
                continue;
            }
            seen.push(g.unit);
            let unit = state
                .store
                .unit(g.unit)
                .await
                .map_err(AppError::internal(tr))?;
            let path = state
                .store
                .unit_path(unit.id)
                .await
                .map_err(AppError::internal(tr))?;
            let target = trustbox_domain::Target::Unit { path: &path };
            let may = |a: trustbox_domain::Action| staff.can(a, &target);
            use trustbox_domain::Action as A;
            if may(A::ViewRollup) {
                nav.push(NavLink {
                    href: format!("/staff/r/{}", unit.slug),
                    label: tr.t1("nav-rollup", "unit", unit.name(tr.code())),
                    current: false,
                });
            }
            if unit.kind != "school" {
                continue;
            }
            let s = &unit.slug;
            let mut add = |href: String, label: String| {
                nav.push(NavLink {
                    href,
                    label,
                    current: false,
                })
            };
            if may(A::ViewSchool) {
                add(format!("/staff/s/{s}"), unit.name(tr.code()).to_string());
            }
            if may(A::CreateAppeal) {
                add(format!("/staff/s/{s}/calls"), tr.t("nav-calls"));
            }
            if may(A::ManagePhone) {
                add(format!("/staff/s/{s}/phone"), tr.t("phone-title"));
            }
            if may(A::ViewInbox) {
                add(format!("/staff/s/{s}/appeals"), tr.t("nav-inbox"));
            }
            if may(A::ViewCommission) {
                add(format!("/staff/s/{s}/commission"), tr.t("cm-nav"));
                add(format!("/staff/s/{s}/meetings"), tr.t("cm-nav-meetings"));
                add(format!("/staff/s/{s}/boxes"), tr.t("pb-nav-boxes"));
                add(format!("/staff/s/{s}/openings"), tr.t("pb-nav-openings"));
            }
            if may(A::ViewAudit) {
                add(format!("/staff/s/{s}/audit"), tr.t("nav-audit"));
            }
            if may(A::ViewSchoolReports) {
                add(format!("/staff/s/{s}/reports"), tr.t("nav-reports"));
            }
            if staff.can(
                A::ReadAppeal,
                &trustbox_domain::Target::Appeal {
                    path: &path,
                    assignees: &[],
                },
            ) {
                add(format!("/staff/s/{s}/journal"), tr.t("nav-journal"));
            }
        }
        nav.push(NavLink {
            href: "/staff/account".into(),
            label: tr.t("nav-account"),
            current: false,
        });
        for n in &mut nav {
            n.current = n.href == here;
        }
        Ok(Layout {
            tr,
            title,
            user_name: staff.user.display_name.clone(),
            csrf: staff.csrf.clone(),
            nav,
            langs: lang_options(tr.lang()),
            here: here.to_string(),
        })
    }
}

pub async fn static_css() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../../static/app.css"),
    )
}

/// The localized not-found page for any unknown path.
pub async fn not_found(headers: HeaderMap, uri: Uri) -> impl IntoResponse {
    let first = uri
        .path()
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("");
    let lang = Lang::parse(first).unwrap_or_else(|| guess_lang(&headers, None));
    let mut res = AppError::NotFound(Tr::new(lang)).into_response();
    *res.status_mut() = StatusCode::NOT_FOUND;
    res
}

/// A UNIX time as `YYYY-MM-DD HH:MM` UTC, for staff listings.
pub fn format_ts(ts: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .and_then(|t| {
            t.format(time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute]"
            ))
            .ok()
        })
        .unwrap_or_default()
}

/// A date as the seeds write it: `16.03.2026`.
pub fn fmt_date(d: time::Date) -> String {
    format!("{:02}.{:02}.{}", d.day(), u8::from(d.month()), d.year())
}

/// A moment in the school's time zone: `16.03.2026 14:05`.
pub fn fmt_datetime(school: &trustbox_store::Unit, ts: i64) -> String {
    let off = crate::utc_offset(&school.time_zone).unwrap_or(time::UtcOffset::UTC);
    match time::OffsetDateTime::from_unix_timestamp(ts) {
        Ok(t) => {
            let t = t.to_offset(off);
            format!("{} {:02}:{:02}", fmt_date(t.date()), t.hour(), t.minute())
        }
        Err(_) => String::new(),
    }
}

/// A `YYYY-MM-DD` date (surrounding blanks ignored).
pub fn parse_date(s: &str) -> Option<time::Date> {
    time::Date::parse(
        s.trim(),
        &time::format_description::well_known::Iso8601::DATE,
    )
    .ok()
}
