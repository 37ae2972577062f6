//! Installation administration: the organisation tree, staff accounts and their roles, the
//! audit log. Only installation administrators reach these pages; they never see appeal content.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use trustbox_domain::{Action, Country, FieldError, Lang, OrgKind, Role, Slug};
use trustbox_i18n::Tr;
use trustbox_store::{NewUnit, NewUser, StoreError, Unit};

use super::Layout;
use super::auth::new_setup_link;
use crate::forms::FormErrors;
use crate::session::{Staff, StaffForm};
use crate::tz::{ZONES, utc_offset};
use crate::{AppError, AppState};

/// How long a first setup link for a new account stays valid.
pub const SETUP_LINK_SECS: i64 = 7 * 24 * 3600;
/// How long a password-reset link stays valid.
pub const RESET_LINK_SECS: i64 = 24 * 3600;

/// A unit row in the tree listing.
pub struct UnitRow {
    pub id: i64,
    pub depth: usize,
    pub kind: String,
    pub name: String,
    pub slug: String,
    pub country: String,
    pub lang: String,
}

fn tree(units: &[Unit], lang: &str) -> Vec<UnitRow> {
    fn walk(units: &[Unit], parent: Option<i64>, depth: usize, lang: &str, out: &mut Vec<UnitRow>) {
        for u in units.iter().filter(|u| u.parent_id == parent) {
            out.push(UnitRow {
                id: u.id,
                depth,
                kind: u.kind.clone(),
                name: u.name(lang).to_string(),
                slug: u.slug.clone(),
                country: u.country.clone(),
                lang: u.default_lang.clone(),
            });
            if depth < 8 {
                walk(units, Some(u.id), depth + 1, lang, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(units, None, 0, lang, &mut out);
    out
}

fn unit_label(tr: Tr, r: &UnitRow) -> String {
    format!(
        "{}{} ({})",
        "— ".repeat(r.depth),
        r.name,
        kind_label(tr, &r.kind)
    )
}

fn kind_label(tr: Tr, kind: &str) -> String {
    OrgKind::parse(kind)
        .map(|k| tr.t(kind_message(k)))
        .unwrap_or_else(|| kind.to_string())
}

fn kind_message(k: OrgKind) -> &'static str {
    match k {
        OrgKind::Country => "kind-country",
        OrgKind::Region => "kind-region",
        OrgKind::District => "kind-district",
        OrgKind::School => "kind-school",
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_units.html")]
struct UnitsPage {
    l: Layout,
    tr: Tr,
    rows: Vec<(UnitRow, String)>,
}

pub async fn units(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    staff.require_installation(Action::ManageInstallation)?;
    let tr = staff.tr;
    let all = state.store.units().await.map_err(AppError::internal(tr))?;
    let rows = tree(&all, tr.code())
        .into_iter()
        .map(|r| {
            let k = kind_label(tr, &r.kind);
            (r, k)
        })
        .collect();
    let l = Layout::new(&state, &staff, tr.t("units-title"), "/staff/admin/units").await?;
    Ok(UnitsPage { l, tr, rows }.into_response())
}

/// The unit form as typed.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct UnitForm {
    pub kind: String,
    pub parent: String,
    pub slug: String,
    pub country: String,
    pub name_ky: String,
    pub name_kk: String,
    pub name_ru: String,
    pub name_en: String,
    pub default_lang: String,
    pub time_zone: String,
}

/// Checks a unit form against the tree; all problems at once.
pub fn validate_unit(f: &UnitForm, units: &[Unit]) -> Result<NewUnit, Vec<FieldError>> {
    let mut errs = Vec::new();
    let kind = OrgKind::parse(f.kind.trim());
    if kind.is_none() {
        errs.push(FieldError {
            field: "kind",
            code: "err-kind-unknown",
        });
    }
    let slug = match Slug::parse(f.slug.trim()) {
        Ok(s) => Some(s),
        Err(e) => {
            errs.push(e);
            None
        }
    };
    let country = Country::parse(f.country.trim());
    if country.is_none() {
        errs.push(FieldError {
            field: "country",
            code: "err-country-unknown",
        });
    }
    let parent = if f.parent.trim().is_empty() {
        None
    } else {
        match f
            .parent
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|id| units.iter().find(|u| u.id == id))
        {
            Some(p) => Some(p),
            None => {
                errs.push(FieldError {
                    field: "parent",
                    code: "err-parent-unknown",
                });
                None
            }
        }
    };
    if let (Some(p), Some(k)) = (parent, kind) {
        let pk = OrgKind::parse(&p.kind);
        if !pk.is_some_and(|pk| pk.may_contain(k)) {
            errs.push(FieldError {
                field: "parent",
                code: "err-parent-kind",
            });
        } else if country.is_some_and(|c| c.code() != p.country) {
            errs.push(FieldError {
                field: "country",
                code: "err-country-parent",
            });
        }
    }
    let lang = Lang::parse(f.default_lang.trim());
    if lang.is_none() {
        errs.push(FieldError {
            field: "default_lang",
            code: "err-lang-unknown",
        });
    }
    if utc_offset(f.time_zone.trim()).is_none() {
        errs.push(FieldError {
            field: "time_zone",
            code: "err-time-zone-unknown",
        });
    }
    let names = [&f.name_ky, &f.name_kk, &f.name_ru, &f.name_en];
    if names.iter().any(|n| n.chars().count() > 200) {
        errs.push(FieldError {
            field: "name_ru",
            code: "err-unit-name-too-long",
        });
    }
    if let Some(l) = lang {
        let idx = Lang::ALL.iter().position(|x| *x == l).unwrap_or(0);
        if names[idx].trim().is_empty() {
            let field = ["name_ky", "name_kk", "name_ru", "name_en"][idx];
            errs.push(FieldError {
                field,
                code: "err-unit-name-required",
            });
        }
    }
    match (errs.is_empty(), kind, slug, country, lang) {
        (true, Some(kind), Some(slug), Some(country), Some(lang)) => Ok(NewUnit {
            parent_id: parent.map(|p| p.id),
            kind: kind.code().to_string(),
            slug: slug.as_str().to_string(),
            country: country.code().to_string(),
            name_ky: f.name_ky.trim().to_string(),
            name_kk: f.name_kk.trim().to_string(),
            name_ru: f.name_ru.trim().to_string(),
            name_en: f.name_en.trim().to_string(),
            default_lang: lang.code().to_string(),
            time_zone: f.time_zone.trim().to_string(),
        }),
        _ => Err(errs),
    }
}

/// An option of a `<select>`.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn opts(items: impl IntoIterator<Item = (String, String)>, current: &str) -> Vec<Opt> {
    items
        .into_iter()
        .map(|(value, label)| Opt {
            selected: value == current,
            value,
            label,
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_unit_form.html")]
struct UnitFormPage {
    l: Layout,
    tr: Tr,
    f: UnitForm,
    errors: FormErrors,
    kinds: Vec<Opt>,
    parents: Vec<Opt>,
    countries: Vec<Opt>,
    langs: Vec<Opt>,
    zones: Vec<Opt>,
}

async fn unit_form_page(
    state: &AppState,
    staff: &Staff,
    f: UnitForm,
    errors: FormErrors,
) -> Result<UnitFormPage, AppError> {
    let tr = staff.tr;
    let units = state.store.units().await.map_err(AppError::internal(tr))?;
    let kinds = opts(
        [
            OrgKind::Country,
            OrgKind::Region,
            OrgKind::District,
            OrgKind::School,
        ]
        .map(|k| (k.code().to_string(), tr.t(kind_message(k)))),
        &f.kind,
    );
    let mut parent_items = vec![(String::new(), tr.t("unit-no-parent"))];
    parent_items.extend(
        tree(&units, tr.code())
            .into_iter()
            .filter(|r| r.kind != "school")
            .map(|r| (r.id.to_string(), unit_label(tr, &r))),
    );
    let parents = opts(parent_items, &f.parent);
    let countries = opts(
        [Country::Kg, Country::Kz].map(|c| (c.code().to_string(), tr.t(country_message(c)))),
        &f.country,
    );
    let langs = opts(
        Lang::ALL.map(|l| (l.code().to_string(), l.native_name().to_string())),
        &f.default_lang,
    );
    let zones = opts(
        ZONES.iter().map(|z| (z.to_string(), z.to_string())),
        &f.time_zone,
    );
    let l = Layout::new(
        state,
        staff,
        tr.t("unit-new-title"),
        "/staff/admin/units/new",
    )
    .await?;
    Ok(UnitFormPage {
        l,
        tr,
        f,
        errors,
        kinds,
        parents,
        countries,
        langs,
        zones,
    })
}

fn country_message(c: Country) -> &'static str {
    match c {
        Country::Kg => "country-kg",
        Country::Kz => "country-kz",
    }
}

pub async fn unit_form(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    staff.require_installation(Action::ManageInstallation)?;
    let f = UnitForm {
        kind: "school".into(),
        country: "KG".into(),
        default_lang: "ky".into(),
        time_zone: "Asia/Bishkek".into(),
        ..Default::default()
    };
    Ok(unit_form_page(&state, &staff, f, FormErrors::new())
        .await?
        .into_response())
}

pub async fn unit_create(
    State(state): State<AppState>,
    StaffForm(staff, f): StaffForm<UnitForm>,
) -> Result<Response, AppError> {
    staff.require_installation(Action::ManageInstallation)?;
    let tr = staff.tr;
    let units = state.store.units().await.map_err(AppError::internal(tr))?;
    let mut errors = FormErrors::new();
    match validate_unit(&f, &units) {
        Ok(new) => {
            let now = state.clock.now_ts();
            match state.store.create_unit(&new, now).await {
                Ok(unit) => {
                    staff
                        .audit(
                            &state,
                            Some(unit.id),
                            "unit-created",
                            &format!("unit:{}", unit.id),
                            &unit.slug,
                            now,
                        )
                        .await?;
                    return Ok(Redirect::to("/staff/admin/units").into_response());
                }
                Err(StoreError::Duplicate(_)) => errors.add(tr, "slug", "err-slug-taken"),
                Err(e) => return Err(AppError::internal(tr)(e)),
            }
        }
        Err(errs) => errors.add_field_errors(tr, &errs),
    }
    let page = unit_form_page(&state, &staff, f, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// A user row in the users listing.
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub is_admin: bool,
    pub disabled: bool,
    pub has_password: bool,
    /// The e-mail address notices go to, masked; none: nothing reaches this person.
    pub contact: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_users.html")]
struct UsersPage {
    l: Layout,
    tr: Tr,
    users: Vec<UserRow>,
}

pub async fn users(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    staff.require_installation(Action::ManageInstallation)?;
    let tr = staff.tr;
    let users = state
        .store
        .users()
        .await
        .map_err(AppError::internal(tr))?
        .into_iter()
        .map(|u| UserRow {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            is_admin: u.is_admin,
            disabled: u.disabled,
            has_password: u.password_hash.is_some(),
            contact: u.email.as_deref().map(super::contact::mask_email),
        })
        .collect();
    let l = Layout::new(&state, &staff, tr.t("users-title"), "/staff/admin/users").await?;
    Ok(UsersPage { l, tr, users }.into_response())
}

/// The new-user form as typed.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct UserForm {
    pub username: String,
    pub display_name: String,
    pub lang: String,
    pub is_admin: Option<String>,
    pub role: String,
    pub unit: String,
    /// Where notices reach the person (empty: none yet).
    pub email: String,
}

/// A validated new user with an optional first role.
pub struct ValidUser {
    pub user: NewUser,
    pub grant: Option<(Role, i64)>,
    pub email: Option<String>,
}

/// Checks a user form; all problems at once.
pub fn validate_user(f: &UserForm, units: &[Unit]) -> Result<ValidUser, Vec<FieldError>> {
    let mut errs = Vec::new();
    let username = f.username.trim().to_lowercase();
    let ok_chars = username
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
    if username.len() < 3 || username.len() > 40 || !ok_chars {
        errs.push(FieldError {
            field: "username",
            code: "err-username-invalid",
        });
    }
    let display = f.display_name.trim();
    if display.is_empty() || display.chars().count() > 200 {
        errs.push(FieldError {
            field: "display_name",
            code: "err-display-name-required",
        });
    }
    let lang = Lang::parse(f.lang.trim());
    if lang.is_none() {
        errs.push(FieldError {
            field: "lang",
            code: "err-lang-unknown",
        });
    }
    let mut grant = None;
    if !f.role.trim().is_empty() || !f.unit.trim().is_empty() {
        let role = Role::parse(f.role.trim());
        let unit = f
            .unit
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|id| units.iter().find(|u| u.id == id));
        match (role, unit) {
            (None, _) => errs.push(FieldError {
                field: "role",
                code: "err-role-unknown",
            }),
            (_, None) => errs.push(FieldError {
                field: "unit",
                code: "err-parent-unknown",
            }),
            (Some(r), Some(u)) => {
                let is_school = u.kind == "school";
                if (r == Role::Analyst) == is_school {
                    errs.push(FieldError {
                        field: "role",
                        code: "err-role-unit-kind",
                    });
                } else {
                    grant = Some((r, u.id));
                }
            }
        }
    }
    let email = super::contact::validate_email(&f.email).unwrap_or_else(|code| {
        errs.push(FieldError {
            field: "email",
            code,
        });
        None
    });
    match (errs.is_empty(), lang) {
        (true, Some(lang)) => Ok(ValidUser {
            user: NewUser {
                username,
                display_name: display.to_string(),
                password_hash: None,
                is_admin: f.is_admin.is_some(),
                lang: lang.code().to_string(),
            },
            grant,
            email,
        }),
        _ => Err(errs),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_user_form.html")]
struct UserFormPage {
    l: Layout,
    tr: Tr,
    f: UserForm,
    errors: FormErrors,
    langs: Vec<Opt>,
    roles: Vec<Opt>,
    units: Vec<Opt>,
}

fn role_opts(tr: Tr, current: &str) -> Vec<Opt> {
    let mut items = vec![(String::new(), tr.t("role-none"))];
    items.extend(
        Role::ALL
            .iter()
            .map(|r| (r.code().to_string(), tr.t(r.message_id()))),
    );
    opts(items, current)
}

fn unit_opts(tr: Tr, units: &[Unit], current: &str) -> Vec<Opt> {
    let mut items = vec![(String::new(), tr.t("unit-none"))];
    items.extend(
        tree(units, tr.code())
            .into_iter()
            .map(|r| (r.id.to_string(), unit_label(tr, &r))),
    );
    opts(items, current)
}

async fn user_form_page(
    state: &AppState,
    staff: &Staff,
    f: UserForm,
    errors: FormErrors,
) -> Result<UserFormPage, AppError> {
    let tr = staff.tr;
    let units = state.store.units().await.map_err(AppError::internal(tr))?;
    let langs = opts(
        Lang::ALL.map(|l| (l.code().to_string(), l.native_name().to_string())),
        &f.lang,
    );
    let roles = role_opts(tr, &f.role);
    let units = unit_opts(tr, &units, &f.unit);
    let l = Layout::new(
        state,
        staff,
        tr.t("user-new-title"),
        "/staff/admin/users/new",
    )
    .await?;
    Ok(UserFormPage {
        l,
        tr,
        f,
        errors,
        langs,
        roles,
        units,
    })
}

pub async fn user_form(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    staff.require_installation(Action::ManageInstallation)?;
    let f = UserForm {
        lang: staff.tr.code().to_string(),
        ..Default::default()
    };
    Ok(user_form_page(&state, &staff, f, FormErrors::new())
        .await?
        .into_response())
}

pub async fn user_create(
    State(state): State<AppState>,
    StaffForm(staff, f): StaffForm<UserForm>,
) -> Result<Response, AppError> {
    staff.require_installation(Action::ManageInstallation)?;
    let tr = staff.tr;
    let units = state.store.units().await.map_err(AppError::internal(tr))?;
    let mut errors = FormErrors::new();
    match validate_user(&f, &units) {
        Ok(v) => {
            let now = state.clock.now_ts();
            match state.store.create_user(&v.user, now).await {
                Ok(user) => {
                    if let Some((role, unit)) = v.grant
                        && let Some(unit) = units.iter().find(|u| u.id == unit)
                    {
                        super::grants::grant_role(&state, &staff, &user, role, unit, now).await?;
                    }
                    staff
                        .audit(
                            &state,
                            None,
                            "user-created",
                            &format!("user:{}", user.id),
                            &user.username,
                            now,
                        )
                        .await?;
                    super::contact::set_new_user_email(&state, &staff, &user, v.email.as_deref())
                        .await?;
                    let link = new_setup_link(&state, user.id, SETUP_LINK_SECS)
                        .await
                        .map_err(AppError::internal(tr))?;
                    let page = user_page_data(&state, &staff, user.id, Some(link)).await?;
                    return Ok((StatusCode::CREATED, page).into_response());
                }
                Err(StoreError::Duplicate(_)) => errors.add(tr, "username", "err-username-taken"),
                Err(e) => return Err(AppError::internal(tr)(e)),
            }
        }
        Err(errs) => errors.add_field_errors(tr, &errs),
    }
    let page = user_form_page(&state, &staff, f, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// A role held, as listed on the user page.
pub struct GrantView {
    pub role_code: String,
    pub role: String,
    pub unit_id: i64,
    pub unit: String,
    /// Waiting for the school's director or another administrator to confirm it.
    pub pending: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_user.html")]
struct UserPage {
    l: Layout,
    tr: Tr,
    id: i64,
    username: String,
    display_name: String,
    is_admin: bool,
    has_password: bool,
    grants: Vec<GrantView>,
    setup_link: Option<String>,
    roles: Vec<Opt>,
    units: Vec<Opt>,
    errors: FormErrors,
    sessions: Vec<super::account::SessionView>,
    mfa_on: bool,
    email: Option<String>,
}

async fn user_page_data(
    state: &AppState,
    staff: &Staff,
    user_id: i64,
    setup_link: Option<String>,
) -> Result<UserPage, AppError> {
    let tr = staff.tr;
    let user = state
        .store
        .user(user_id)
        .await
        .map_err(AppError::internal(tr))?;
    let all_units = state.store.units().await.map_err(AppError::internal(tr))?;
    let grants = state
        .store
        .grants_of(user.id)
        .await
        .map_err(AppError::internal(tr))?
        .into_iter()
        .map(|g| GrantView {
            role: Role::parse(&g.role)
                .map(|r| tr.t(r.message_id()))
                .unwrap_or_else(|| g.role.clone()),
            role_code: g.role,
            pending: g.pending,
            unit_id: g.unit_id,
            unit: all_units
                .iter()
                .find(|u| u.id == g.unit_id)
                .map(|u| u.name(tr.code()).to_string())
                .unwrap_or_default(),
        })
        .collect();
    let sessions = super::account::session_views(state, user.id, tr).await?;
    let mfa_on = state
        .store
        .totp_state(user.id)
        .await
        .map_err(AppError::internal(tr))?
        .secret
        .is_some();
    let here = format!("/staff/admin/users/{}", user.id);
    let l = Layout::new(state, staff, user.display_name.clone(), &here).await?;
    Ok(UserPage {
        l,
        tr,
        id: user.id,
        username: user.username,
        display_name: user.display_name,
        is_admin: user.is_admin,
        has_password: user.password_hash.is_some(),
        grants,
        setup_link,
        roles: role_opts(tr, ""),
        units: unit_opts(tr, &all_units, ""),
        errors: FormErrors::new(),
        sessions,
        mfa_on,
        email: user.email,
    })
}

pub async fn user_page(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    staff.require_installation(Action::ManageInstallation)?;
    Ok(user_page_data(&state, &staff, id, None)
        .await?
        .into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct GrantForm {
    pub op: String,
    pub role: String,
    pub unit: String,
}

pub async fn user_grants(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm(staff, f): StaffForm<GrantForm>,
) -> Result<Response, AppError> {
    staff.require_installation(Action::ManageInstallation)?;
    let tr = staff.tr;
    let user = state.store.user(id).await.map_err(AppError::internal(tr))?;
    let units = state.store.units().await.map_err(AppError::internal(tr))?;
    let now = state.clock.now_ts();
    let role = Role::parse(f.role.trim());
    let unit = f
        .unit
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|id| units.iter().find(|u| u.id == id));
    let mut errors = FormErrors::new();
    match (role, unit) {
        (Some(role), Some(unit)) if f.op == "remove" => {
            state
                .store
                .remove_grant(user.id, unit.id, role.code())
                .await
                .map_err(AppError::internal(tr))?;
            staff
                .audit(
                    &state,
                    Some(unit.id),
                    "role-removed",
                    &format!("user:{}", user.id),
                    role.code(),
                    now,
                )
                .await?;
        }
        (Some(role), Some(unit)) => {
            if (role == Role::Analyst) == (unit.kind == "school") {
                errors.add(tr, "role", "err-role-unit-kind");
            } else {
                super::grants::grant_role(&state, &staff, &user, role, unit, now).await?;
            }
        }
        (None, _) => errors.add(tr, "role", "err-role-unknown"),
        (_, None) => errors.add(tr, "unit", "err-parent-unknown"),
    }
    if errors.is_empty() {
        return Ok(Redirect::to(&format!("/staff/admin/users/{}", user.id)).into_response());
    }
    let mut page = user_page_data(&state, &staff, user.id, None).await?;
    page.errors = errors;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct NoFields {}

pub async fn user_reset(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm(staff, _): StaffForm<NoFields>,
) -> Result<Response, AppError> {
    staff.require_installation(Action::ManageInstallation)?;
    let tr = staff.tr;
    let user = state.store.user(id).await.map_err(AppError::internal(tr))?;
    let now = state.clock.now_ts();
    // A reset: earlier links stop working, every session of the person ends now, and the new
    // link works once, for a day.
    state
        .store
        .revoke_setup_tokens(user.id, now)
        .await
        .map_err(AppError::internal(tr))?;
    let ended = state
        .store
        .revoke_sessions_of(user.id)
        .await
        .map_err(AppError::internal(tr))?;
    let link = new_setup_link(&state, user.id, RESET_LINK_SECS)
        .await
        .map_err(AppError::internal(tr))?;
    staff
        .audit(
            &state,
            None,
            "setup-link-issued",
            &format!("user:{}", user.id),
            &format!("reset; sessions ended: {ended}"),
            now,
        )
        .await?;
    Ok(user_page_data(&state, &staff, user.id, Some(link))
        .await?
        .into_response())
}

/// An audit entry as listed.
pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub detail: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    l: Layout,
    tr: Tr,
    rows: Vec<AuditRow>,
}

pub async fn audit(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    staff.require_installation(Action::ViewAudit)?;
    let tr = staff.tr;
    let entries = state
        .store
        .audit_entries(None, 300)
        .await
        .map_err(AppError::internal(tr))?;
    let users = state.store.users().await.map_err(AppError::internal(tr))?;
    let rows = entries
        .into_iter()
        .map(|e| AuditRow {
            id: e.id,
            at: crate::pages::format_ts(e.at),
            actor: e
                .actor_id
                .and_then(|a| users.iter().find(|u| u.id == a))
                .map(|u| u.username.clone())
                .unwrap_or_default(),
            action: e.action,
            object: e.object,
            detail: e.detail,
        })
        .collect();
    let l = Layout::new(&state, &staff, tr.t("audit-title"), "/staff/admin/audit").await?;
    Ok(AuditPage { l, tr, rows }.into_response())
}
