//! The route table. The router is built from this table only, so the tenant-isolation test can
//! enumerate every route and no new route escapes the sweep.

use axum::extract::DefaultBodyLimit;
use axum::routing::{MethodRouter, get, post};

use crate::pages::{
    account, admin, auth, board_public, box_public, box_staff, calendar, calls, casework,
    commission, contact, hold, journal, mail_admin, paperbox, phone, public, reports, school,
    school_audit,
};
use trustbox_domain::Action;

use crate::{AppState, api};

/// Largest upload request: five files of 10 MB and the letter.
pub const UPLOAD_LIMIT: usize = 52 * 1024 * 1024;

/// Who may reach a route at all (the handlers then decide per object with `domain::can`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, no login.
    Public,
    /// Logged-in staff; objects are checked per school.
    Staff,
    /// Logged-in installation administrators only.
    Installation,
}

/// What the tests need to know of a route.
#[derive(Debug, Clone)]
pub struct RouteInfo {
    pub path: &'static str,
    pub methods: &'static [&'static str],
    pub access: Access,
}

pub(crate) struct Route {
    pub info: RouteInfo,
    pub handler: MethodRouter<AppState>,
}

/// The names path parameters may have; the isolation sweep knows how to fill each.
pub const ROUTE_PARAMS: &[&str] = &[
    "lang", "school", "unit", "user", "token", "appeal", "file", "opening", "meeting",
];

fn r(
    path: &'static str,
    methods: &'static [&'static str],
    access: Access,
    handler: MethodRouter<AppState>,
) -> Route {
    Route {
        info: RouteInfo {
            path,
            methods,
            access,
        },
        handler,
    }
}

pub(crate) fn routes() -> Vec<Route> {
    use Access::*;
    vec![
        r("/", &["GET"], Public, get(public::root)),
        r("/healthz", &["GET"], Public, get(public::healthz)),
        r("/readyz", &["GET"], Public, get(public::readyz)),
        r("/metrics", &["GET"], Public, get(public::metrics)),
        r("/api/openapi.json", &["GET"], Public, get(api::openapi)),
        r(
            "/api/v1/schools/{school}/appeals",
            &["POST"],
            Public,
            post(api::create_appeal),
        ),
        r(
            "/api/v1/schools/{school}/voicemail",
            &["POST"],
            Public,
            post(api::voicemail).layer(DefaultBodyLimit::max(api::VOICEMAIL_BODY_LIMIT)),
        ),
        r("/api/v1/follow-up", &["POST"], Public, post(api::follow_up)),
        r("/{lang}", &["GET"], Public, get(box_public::lang_or_school)),
        r(
            "/{lang}/follow-up",
            &["GET", "POST"],
            Public,
            get(box_public::follow_up_form).post(box_public::follow_up_submit),
        ),
        r(
            "/{lang}/follow-up/reply",
            &["POST"],
            Public,
            post(box_public::follow_up_reply).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        ),
        r(
            "/{lang}/{school}",
            &["GET"],
            Public,
            get(box_public::school_page),
        ),
        r(
            "/{lang}/{school}/board",
            &["GET"],
            Public,
            get(board_public::board),
        ),
        r(
            "/{lang}/{school}/write",
            &["GET", "POST"],
            Public,
            get(box_public::write_form)
                .post(box_public::write_submit)
                .layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        ),
        r(
            "/setup/{token}",
            &["GET", "POST"],
            Public,
            get(auth::setup_form).post(auth::setup_submit),
        ),
        r(
            "/staff/login",
            &["GET", "POST"],
            Public,
            get(auth::login_form).post(auth::login_submit),
        ),
        r(
            "/staff/login/code",
            &["GET", "POST"],
            Public,
            get(account::code_form).post(account::code_submit),
        ),
        r(
            "/staff/login/enrol",
            &["GET", "POST"],
            Public,
            get(account::enrol_form).post(account::enrol_submit),
        ),
        r("/staff/account", &["GET"], Staff, get(account::account)),
        r(
            "/staff/account/contact",
            &["GET", "POST"],
            Staff,
            get(contact::own_form).post(contact::own_save),
        ),
        r(
            "/staff/account/contact/test",
            &["POST"],
            Staff,
            post(contact::own_test),
        ),
        r(
            "/staff/admin/users/{user}/contact",
            &["GET", "POST"],
            Installation,
            get(contact::admin_form).post(contact::admin_save),
        ),
        r(
            "/staff/account/password",
            &["GET", "POST"],
            Staff,
            get(account::password_form).post(account::password_submit),
        ),
        r(
            "/staff/account/2fa",
            &["GET", "POST"],
            Staff,
            get(account::two_factor).post(account::two_factor_confirm),
        ),
        r(
            "/staff/account/2fa/disable",
            &["POST"],
            Staff,
            post(account::two_factor_disable),
        ),
        r(
            "/staff/account/2fa/recovery",
            &["POST"],
            Staff,
            post(account::recovery_renew),
        ),
        r(
            "/staff/admin/security",
            &["GET", "POST"],
            Installation,
            get(account::security).post(account::security_save),
        ),
        r(
            "/staff/admin/users/{user}/sessions",
            &["POST"],
            Installation,
            post(account::user_sessions_revoke),
        ),
        r(
            "/staff/admin/users/{user}/2fa-reset",
            &["POST"],
            Installation,
            post(account::user_mfa_reset),
        ),
        r("/staff/logout", &["POST"], Staff, post(auth::logout)),
        r("/staff/language", &["POST"], Staff, post(auth::language)),
        r("/staff", &["GET"], Staff, get(school::dashboard)),
        r(
            "/staff/grants",
            &["GET", "POST"],
            Staff,
            get(crate::pages::grants::pending).post(crate::pages::grants::decide_grant),
        ),
        r(
            "/staff/s/{school}",
            &["GET"],
            Staff,
            get(school::school_home),
        ),
        r(
            "/staff/s/{school}/appeals",
            &["GET"],
            Staff,
            get(box_staff::inbox),
        ),
        r(
            "/staff/s/{school}/appeals/{appeal}",
            &["GET"],
            Staff,
            get(box_staff::appeal),
        ),
        r(
            "/staff/s/{school}/appeals/{appeal}/reply",
            &["POST"],
            Staff,
            post(box_staff::reply),
        ),
        r(
            "/staff/s/{school}/appeals/{appeal}/invite",
            &["POST"],
            Staff,
            post(casework::invite),
        ),
        r(
            "/staff/s/{school}/appeals/{appeal}/withdraw",
            &["POST"],
            Staff,
            post(casework::withdraw),
        ),
        r(
            "/staff/s/{school}/appeals/{appeal}/status",
            &["POST"],
            Staff,
            post(casework::status),
        ),
        r(
            "/staff/s/{school}/appeals/{appeal}/hold",
            &["POST"],
            Staff,
            post(hold::hold),
        ),
        r(
            "/staff/s/{school}/appeals/{appeal}/destroy",
            &["POST"],
            Staff,
            post(hold::destroy),
        ),
        r(
            "/staff/s/{school}/appeals/{appeal}/assign",
            &["POST"],
            Staff,
            post(casework::assign),
        ),
        r(
            "/staff/s/{school}/appeals/{appeal}/note",
            &["POST"],
            Staff,
            post(casework::note),
        ),
        r(
            "/staff/s/{school}/appeals/{appeal}/answer",
            &["POST"],
            Staff,
            post(casework::answer),
        ),
        r(
            "/staff/s/{school}/appeals/{appeal}/forward",
            &["POST"],
            Staff,
            post(casework::forward),
        ),
        r(
            "/staff/s/{school}/appeals/{appeal}/outcome",
            &["POST"],
            Staff,
            post(casework::forward_outcome),
        ),
        r(
            "/staff/s/{school}/appeals/{appeal}/measures",
            &["POST"],
            Staff,
            post(casework::measures),
        ),
        r(
            "/staff/s/{school}/appeals/{appeal}/summary",
            &["POST"],
            Staff,
            post(casework::summary),
        ),
        r(
            "/staff/s/{school}/appeals/{appeal}/files/{file}",
            &["GET"],
            Staff,
            get(box_staff::file),
        ),
        r(
            "/staff/s/{school}/settings",
            &["GET", "POST"],
            Staff,
            get(box_staff::settings).post(box_staff::settings_save),
        ),
        r(
            "/staff/s/{school}/tokens",
            &["POST"],
            Staff,
            post(box_staff::tokens),
        ),
        r(
            "/staff/s/{school}/journal",
            &["GET"],
            Staff,
            get(journal::journal),
        ),
        r(
            "/staff/s/{school}/board-sheet",
            &["GET"],
            Staff,
            get(board_public::board_sheet),
        ),
        r(
            "/staff/s/{school}/poster",
            &["GET"],
            Staff,
            get(board_public::poster),
        ),
        r(
            "/staff/s/{school}/calls",
            &["GET", "POST"],
            Staff,
            get(calls::calls).post(calls::call_save),
        ),
        r(
            "/staff/s/{school}/phone",
            &["GET", "POST"],
            Staff,
            get(phone::phone).post(phone::phone_save),
        ),
        r(
            "/staff/s/{school}/reports",
            &["GET"],
            Staff,
            get(reports::school_report),
        ),
        r(
            "/staff/s/{school}/reports/submit",
            &["POST"],
            Staff,
            post(reports::submit_report),
        ),
        r("/staff/r/{unit}", &["GET"], Staff, get(reports::rollup)),
        r(
            "/staff/s/{school}/audit",
            &["GET"],
            Staff,
            get(school_audit::school_audit),
        ),
        r(
            "/staff/s/{school}/calendar",
            &["GET", "POST"],
            Staff,
            get(calendar::calendar).post(calendar::calendar_save),
        ),
        // The paper box and the commission (issue 5).
        r(
            "/staff/s/{school}/commission",
            &["GET", "POST"],
            Staff,
            get(commission::commission).post(commission::appoint),
        ),
        r(
            "/staff/s/{school}/commission/election",
            &["POST"],
            Staff,
            post(commission::election),
        ),
        r(
            "/staff/s/{school}/meetings",
            &["GET", "POST"],
            Staff,
            get(commission::meetings).post(commission::meeting_save),
        ),
        r(
            "/staff/s/{school}/meetings/{meeting}",
            &["GET"],
            Staff,
            get(commission::meeting),
        ),
        r(
            "/staff/s/{school}/meetings/{meeting}/protocol.pdf",
            &["GET"],
            Staff,
            get(commission::protocol_download),
        ),
        r(
            "/staff/s/{school}/boxes",
            &["GET", "POST"],
            Staff,
            get(paperbox::boxes).post(paperbox::box_save),
        ),
        r(
            "/staff/s/{school}/openings",
            &["GET", "POST"],
            Staff,
            get(paperbox::openings).post(paperbox::opening_start),
        ),
        r(
            "/staff/s/{school}/openings/{opening}",
            &["GET"],
            Staff,
            get(paperbox::opening),
        ),
        r(
            "/staff/s/{school}/openings/{opening}/letters",
            &["POST"],
            Staff,
            post(paperbox::letter_save).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        ),
        r(
            "/staff/s/{school}/openings/{opening}/close",
            &["POST"],
            Staff,
            post(paperbox::opening_close),
        ),
        r(
            "/staff/s/{school}/openings/{opening}/confirm",
            &["POST"],
            Staff,
            post(paperbox::opening_confirm),
        ),
        r(
            "/staff/s/{school}/openings/{opening}/act.pdf",
            &["GET"],
            Staff,
            get(paperbox::act_download),
        ),
        r(
            "/staff/admin/units",
            &["GET"],
            Installation,
            get(admin::units),
        ),
        r(
            "/staff/admin/units/new",
            &["GET", "POST"],
            Installation,
            get(admin::unit_form).post(admin::unit_create),
        ),
        r(
            "/staff/admin/users",
            &["GET"],
            Installation,
            get(admin::users),
        ),
        r(
            "/staff/admin/users/new",
            &["GET", "POST"],
            Installation,
            get(admin::user_form).post(admin::user_create),
        ),
        r(
            "/staff/admin/users/{user}",
            &["GET"],
            Installation,
            get(admin::user_page),
        ),
        r(
            "/staff/admin/users/{user}/grants",
            &["POST"],
            Installation,
            post(admin::user_grants),
        ),
        r(
            "/staff/admin/users/{user}/reset",
            &["POST"],
            Installation,
            post(admin::user_reset),
        ),
        r(
            "/staff/admin/audit",
            &["GET"],
            Installation,
            get(admin::audit),
        ),
        r(
            "/staff/admin/mail",
            &["GET"],
            Installation,
            get(mail_admin::mail_admin),
        ),
    ]
}

/// Every route's path, methods and access class.
pub fn route_table() -> Vec<RouteInfo> {
    routes().into_iter().map(|r| r.info).collect()
}

/// What a staff route requires of the person asking, as its handler checks it with
/// `domain::can`. The authorization sweep derives the status every role must get on every route
/// from this and [`Access`]; a staff route missing here fails the sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Any logged-in staff member (their own dashboard, account, language, logout).
    LoggedIn,
    /// `action` on the whole installation.
    Installation(Action),
    /// `action` on the school or unit named by `{school}` or `{unit}` in the path.
    Unit(Action),
    /// `action` on the appeal named by `{appeal}` (its school, its assignees).
    Appeal(Action),
    /// `action` on every appeal of the school, assigned or not (the responsible person's view).
    AllAppeals(Action),
}

/// The needs of a staff route and method (all must hold), or `None` for a route this table
/// does not know (public routes, or a new route someone forgot to declare).
pub fn route_needs(path: &str, method: &str) -> Option<&'static [Need]> {
    use Action::*;
    use Need::*;
    let needs: &'static [Need] = match (path, method) {
        ("/staff" | "/staff/account" | "/staff/account/password" | "/staff/grants", _)
        | ("/staff/account/2fa" | "/staff/account/2fa/disable", _)
        | ("/staff/account/2fa/recovery" | "/staff/logout" | "/staff/language", _) => &[LoggedIn],
        ("/staff/account/contact" | "/staff/account/contact/test", _) => &[LoggedIn],
        ("/staff/s/{school}", "GET") => &[Unit(ViewSchool)],
        ("/staff/s/{school}/appeals", "GET") => &[Unit(ViewInbox)],
        ("/staff/s/{school}/appeals/{appeal}", "GET")
        | ("/staff/s/{school}/appeals/{appeal}/files/{file}", "GET") => {
            &[Unit(ViewSchool), Appeal(ReadAppeal)]
        }
        ("/staff/s/{school}/appeals/{appeal}/assign", "POST") => {
            &[Unit(ViewSchool), Appeal(AssignAppeal)]
        }
        (p, "POST") if p.starts_with("/staff/s/{school}/appeals/{appeal}/") => {
            &[Unit(ViewSchool), Appeal(WorkAppeal)]
        }
        ("/staff/s/{school}/settings" | "/staff/s/{school}/calendar", _)
        | ("/staff/s/{school}/tokens" | "/staff/s/{school}/reports/submit", "POST") => {
            &[Unit(ManageSchool)]
        }
        ("/staff/s/{school}/journal", "GET") => &[Unit(ViewInbox), AllAppeals(ReadAppeal)],
        ("/staff/s/{school}/board-sheet", "GET") => &[Unit(ViewInbox)],
        ("/staff/s/{school}/poster", "GET") => &[Unit(ViewSchool)],
        ("/staff/s/{school}/calls", _) => &[Unit(CreateAppeal)],
        ("/staff/s/{school}/phone", _) => &[Unit(ManagePhone)],
        ("/staff/s/{school}/reports", "GET") => &[Unit(ViewSchoolReports)],
        ("/staff/r/{unit}", "GET") => &[Unit(ViewRollup)],
        ("/staff/s/{school}/audit", "GET") => &[Unit(ViewAudit)],
        ("/staff/s/{school}/commission" | "/staff/s/{school}/boxes", "POST") => {
            &[Unit(ManageCommission)]
        }
        ("/staff/s/{school}/commission/election" | "/staff/s/{school}/meetings", "POST") => {
            &[Unit(WriteProtocol)]
        }
        ("/staff/s/{school}/openings", "POST")
        | ("/staff/s/{school}/openings/{opening}/close", "POST")
        | ("/staff/s/{school}/openings/{opening}/confirm", "POST")
        | ("/staff/s/{school}/openings/{opening}", "GET")
        | ("/staff/s/{school}/openings/{opening}/act.pdf", "GET") => &[Unit(RecordOpening)],
        ("/staff/s/{school}/openings/{opening}/letters", "POST") => {
            &[Unit(RecordOpening), Unit(CreateAppeal)]
        }
        ("/staff/s/{school}/commission" | "/staff/s/{school}/boxes", "GET")
        | ("/staff/s/{school}/meetings" | "/staff/s/{school}/openings", "GET")
        | ("/staff/s/{school}/meetings/{meeting}", "GET")
        | ("/staff/s/{school}/meetings/{meeting}/protocol.pdf", "GET") => &[Unit(ViewCommission)],
        ("/staff/admin/audit", "GET") => &[Installation(ViewAudit)],
        (p, _) if p.starts_with("/staff/admin/") => &[Installation(ManageInstallation)],
        _ => return None,
    };
    Some(needs)
}
