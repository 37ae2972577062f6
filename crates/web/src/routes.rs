//! The route table. The router is built from this table only, so the tenant-isolation test can
//! enumerate every route and no new route escapes the sweep.

use axum::routing::{MethodRouter, get, post};

use crate::AppState;
use crate::pages::{admin, auth, public, school};

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
pub const ROUTE_PARAMS: &[&str] = &["lang", "school", "unit", "user", "token"];

fn r(
    path: &'static str,
    methods: &'static [&'static str],
    access: Access,
    handler: MethodRouter<AppState>,
) -> Route {
    Route { info: RouteInfo { path, methods, access }, handler }
}

pub(crate) fn routes() -> Vec<Route> {
    use Access::*;
    vec![
        r("/", &["GET"], Public, get(public::root)),
        r("/healthz", &["GET"], Public, get(public::healthz)),
        r("/{lang}", &["GET"], Public, get(public::home)),
        r("/setup/{token}", &["GET", "POST"], Public, get(auth::setup_form).post(auth::setup_submit)),
        r("/staff/login", &["GET", "POST"], Public, get(auth::login_form).post(auth::login_submit)),
        r("/staff/logout", &["POST"], Staff, post(auth::logout)),
        r("/staff/language", &["POST"], Staff, post(auth::language)),
        r("/staff", &["GET"], Staff, get(school::dashboard)),
        r("/staff/s/{school}", &["GET"], Staff, get(school::school_home)),
        r("/staff/admin/units", &["GET"], Installation, get(admin::units)),
        r("/staff/admin/units/new", &["GET", "POST"], Installation, get(admin::unit_form).post(admin::unit_create)),
        r("/staff/admin/users", &["GET"], Installation, get(admin::users)),
        r("/staff/admin/users/new", &["GET", "POST"], Installation, get(admin::user_form).post(admin::user_create)),
        r("/staff/admin/users/{user}", &["GET"], Installation, get(admin::user_page)),
        r("/staff/admin/users/{user}/grants", &["POST"], Installation, post(admin::user_grants)),
        r("/staff/admin/users/{user}/reset", &["POST"], Installation, post(admin::user_reset)),
        r("/staff/admin/audit", &["GET"], Installation, get(admin::audit)),
    ]
}

/// Every route's path, methods and access class.
pub fn route_table() -> Vec<RouteInfo> {
    routes().into_iter().map(|r| r.info).collect()
}
