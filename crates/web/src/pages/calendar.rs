//! A school's working-day calendar: the country's public holidays and transfers as shipped
//! (estimates flagged), and the school's own changes, which the responsible person or the
//! administrator edits. Deadlines and reminders follow the result.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use trustbox_domain::calendar::{DayKind, builtin_entries};
use trustbox_domain::{Action, Country};
use trustbox_i18n::Tr;
use trustbox_store::Unit;

use super::{Layout, fmt_date};
use crate::forms::FormErrors;
use crate::intake::local_date;
use crate::session::{Staff, StaffForm};
use crate::{AppError, AppState};

/// A day of the calendar as listed.
pub struct DayRow {
    pub date: String,
    pub iso: String,
    pub what: String,
    pub note: String,
    pub estimate: bool,
    pub own: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "calendar.html")]
struct CalendarPage {
    l: Layout,
    tr: Tr,
    slug: String,
    days: Vec<DayRow>,
    errors: FormErrors,
    f: CalendarForm,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct CalendarForm {
    pub day: String,
    pub kind: String,
    pub note: String,
}

async fn page(
    state: &AppState,
    staff: &Staff,
    school: &Unit,
    errors: FormErrors,
    f: CalendarForm,
) -> Result<CalendarPage, AppError> {
    let tr = staff.tr;
    let country = Country::parse(&school.country).unwrap_or(Country::Kg);
    let year = local_date(school, state.clock.now()).year();
    let mut days: Vec<DayRow> = builtin_entries(country)
        .filter(|e| e.date.year() >= year && e.date.year() <= year + 1)
        .map(|e| DayRow {
            date: fmt_date(e.date),
            iso: e.date.to_string(),
            what: tr.t(match e.kind {
                DayKind::WorkingDay => "calendar-working",
                DayKind::WorkingHoliday => "calendar-working-holiday",
                _ => "calendar-day-off",
            }),
            note: e.note.to_string(),
            estimate: e.estimate,
            own: false,
        })
        .collect();
    for (day, working, note) in state
        .store
        .calendar_overrides(school.id)
        .await
        .map_err(AppError::internal(tr))?
    {
        let date = super::parse_date(&day).map(fmt_date).unwrap_or(day.clone());
        days.push(DayRow {
            date,
            iso: day,
            what: tr.t(if working {
                "calendar-working"
            } else {
                "calendar-day-off"
            }),
            note,
            estimate: false,
            own: true,
        });
    }
    days.sort_by(|a, b| a.iso.cmp(&b.iso));
    let here = format!("/staff/s/{}/calendar", school.slug);
    let l = Layout::new(state, staff, tr.t("calendar-title"), &here).await?;
    Ok(CalendarPage {
        l,
        tr,
        slug: school.slug.clone(),
        days,
        errors,
        f,
    })
}

pub async fn calendar(
    State(state): State<AppState>,
    staff: Staff,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let (school, _) = staff.unit(&state, &slug, Action::ManageSchool).await?;
    Ok(page(
        &state,
        &staff,
        &school,
        FormErrors::new(),
        CalendarForm::default(),
    )
    .await?
    .into_response())
}

pub async fn calendar_save(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    StaffForm(staff, f): StaffForm<CalendarForm>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let (school, _) = staff.unit(&state, &slug, Action::ManageSchool).await?;
    let mut errors = FormErrors::new();
    let day = super::parse_date(&f.day);
    if day.is_none() {
        errors.add(tr, "day", "err-deadline-invalid");
    }
    let working = match f.kind.as_str() {
        "off" => Some(false),
        "working" => Some(true),
        "remove" => None,
        _ => {
            errors.add(tr, "kind", "err-calendar-kind");
            None
        }
    };
    if f.note.chars().count() > 200 {
        errors.add(tr, "note", "err-setting-too-long");
    }
    let Some(day) = day.filter(|_| errors.is_empty()) else {
        let p = page(&state, &staff, &school, errors, f).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response());
    };
    state
        .store
        .set_calendar_override(school.id, &day.to_string(), working, f.note.trim())
        .await
        .map_err(AppError::internal(tr))?;
    state.caches.forget_school(school.id);
    staff
        .audit(
            &state,
            Some(school.id),
            "calendar-changed",
            &format!("unit:{}", school.id),
            &format!("{day} {}", f.kind),
            state.clock.now_ts(),
        )
        .await?;
    Ok(page(
        &state,
        &staff,
        &school,
        FormErrors::new(),
        CalendarForm::default(),
    )
    .await?
    .into_response())
}
