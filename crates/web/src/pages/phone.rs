//! The trust phone line's settings (seed 004 §4.3): numbers, responsible people, hours per
//! weekday and the answering machine's text in each language. The responsible person or the
//! director (and the installation administrator, who sees no appeal here) may change them.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use trustbox_domain::phone::{PhoneHours, day};
use trustbox_domain::{Action, Lang};
use trustbox_i18n::Tr;
use trustbox_store::{PhoneLine, Unit};

use super::Layout;
use crate::forms::FormErrors;
use crate::phone::{DAY_IDS, MAX_SETTING_CHARS, is_open};
use crate::session::{Staff, StaffForm};
use crate::{AppError, AppState};

/// The line form as typed: `open_1`…`open_7`, `from_1`…, `to_1`… (Monday = 1).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct PhoneForm {
    pub numbers: String,
    pub responsible: String,
    pub off_ky: String,
    pub off_kk: String,
    pub off_ru: String,
    pub off_en: String,
    #[serde(flatten)]
    pub days: std::collections::HashMap<String, String>,
}

/// One weekday row of the form.
pub struct DayRow {
    pub n: usize,
    pub label: String,
    pub open: bool,
    pub from: String,
    pub to: String,
    pub error: Option<String>,
}

/// One language's answering text.
pub struct OffRow {
    pub field: &'static str,
    pub label: String,
    pub value: String,
    pub lang: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "phone_settings.html")]
struct PhonePage {
    l: Layout,
    tr: Tr,
    slug: String,
    numbers: String,
    responsible: String,
    days: Vec<DayRow>,
    offs: Vec<OffRow>,
    errors: FormErrors,
    saved: bool,
    open_now: bool,
}

fn form_of(line: &PhoneLine) -> PhoneForm {
    let hours = PhoneHours::parse(&line.hours).unwrap_or_default();
    let mut days = std::collections::HashMap::new();
    for (i, d) in hours.days.iter().enumerate() {
        let n = i + 1;
        let (from, to) = match d {
            Some(d) => {
                days.insert(format!("open_{n}"), "1".to_string());
                (d.from_text(), d.to_text())
            }
            None => ("09:00".into(), "18:30".into()),
        };
        days.insert(format!("from_{n}"), from);
        days.insert(format!("to_{n}"), to);
    }
    PhoneForm {
        numbers: line.numbers.clone(),
        responsible: line.responsible.clone(),
        off_ky: line.off_hours[0].clone(),
        off_kk: line.off_hours[1].clone(),
        off_ru: line.off_hours[2].clone(),
        off_en: line.off_hours[3].clone(),
        days,
    }
}

async fn page(
    state: &AppState,
    staff: &Staff,
    school: &Unit,
    f: PhoneForm,
    errors: FormErrors,
    day_errors: Vec<Option<String>>,
    saved: bool,
) -> Result<PhonePage, AppError> {
    let tr = staff.tr;
    let get = |k: String| f.days.get(&k).cloned().unwrap_or_default();
    let days = (1..=7)
        .zip(day_errors.into_iter().chain(std::iter::repeat(None)))
        .map(|(n, error)| DayRow {
            n,
            label: tr.t(DAY_IDS[n - 1]),
            open: !get(format!("open_{n}")).is_empty(),
            from: get(format!("from_{n}")),
            to: get(format!("to_{n}")),
            error,
        })
        .collect();
    let offs = [
        ("off_ky", Lang::Ky, &f.off_ky),
        ("off_kk", Lang::Kk, &f.off_kk),
        ("off_ru", Lang::Ru, &f.off_ru),
        ("off_en", Lang::En, &f.off_en),
    ]
    .into_iter()
    .map(|(field, lang, v)| OffRow {
        field,
        label: tr.t1("phone-off-hours-in", "lang", lang.native_name()),
        value: if v.trim().is_empty() {
            Tr::new(lang).t("phone-off-hours-default")
        } else {
            v.clone()
        },
        lang: lang.code(),
    })
    .collect();
    let line = state
        .store
        .phone_line(school.id)
        .await
        .map_err(AppError::internal(tr))?;
    let hours = PhoneHours::parse(&line.hours).unwrap_or_default();
    let open_now = is_open(state, school, &hours, state.clock.now())
        .await
        .map_err(AppError::internal(tr))?;
    let here = format!("/staff/s/{}/phone", school.slug);
    let l = Layout::new(state, staff, tr.t("phone-title"), &here).await?;
    Ok(PhonePage {
        l,
        tr,
        slug: school.slug.clone(),
        numbers: f.numbers.clone(),
        responsible: f.responsible.clone(),
        days,
        offs,
        errors,
        saved,
        open_now,
    })
}

pub async fn phone(
    State(state): State<AppState>,
    staff: Staff,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let (school, _) = staff.unit(&state, &slug, Action::ManagePhone).await?;
    let line = state
        .store
        .phone_line(school.id)
        .await
        .map_err(AppError::internal(tr))?;
    Ok(page(
        &state,
        &staff,
        &school,
        form_of(&line),
        FormErrors::new(),
        Vec::new(),
        false,
    )
    .await?
    .into_response())
}

/// Checks the form; the line to store, or the errors (per field, and per weekday row).
pub fn validate(
    tr: Tr,
    school_id: i64,
    f: &PhoneForm,
) -> Result<PhoneLine, (FormErrors, Vec<Option<String>>)> {
    let mut errors = FormErrors::new();
    let mut day_errors: Vec<Option<String>> = vec![None; 7];
    let mut hours = PhoneHours { days: [None; 7] };
    for n in 1..=7usize {
        let get = |k: &str| f.days.get(&format!("{k}_{n}")).cloned().unwrap_or_default();
        if get("open").is_empty() {
            continue;
        }
        match day(&get("from"), &get("to")) {
            Ok(d) => hours.days[n - 1] = Some(d),
            Err(e) => {
                errors.add(tr, &format!("day_{n}"), e.code);
                day_errors[n - 1] = Some(tr.t(e.code));
            }
        }
    }
    for (field, v) in [
        ("numbers", &f.numbers),
        ("responsible", &f.responsible),
        ("off_ky", &f.off_ky),
        ("off_kk", &f.off_kk),
        ("off_ru", &f.off_ru),
        ("off_en", &f.off_en),
    ] {
        if v.chars().count() > MAX_SETTING_CHARS {
            errors.add(tr, field, "err-phone-too-long");
        }
    }
    let numbers: Vec<&str> = f
        .numbers
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    for n in &numbers {
        let digits = n.chars().filter(char::is_ascii_digit).count();
        let allowed = n.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c));
        if !allowed || !(3..=20).contains(&digits) {
            errors.add(tr, "numbers", "err-phone-invalid");
        }
    }
    if !errors.is_empty() {
        return Err((errors, day_errors));
    }
    // The built-in text is shown in empty fields; kept unchanged, it stays "built-in" so that
    // a better wording in a later version reaches the school.
    let own = |lang: Lang, v: &str| {
        let v = v.trim();
        if v == Tr::new(lang).t("phone-off-hours-default") {
            String::new()
        } else {
            v.to_string()
        }
    };
    Ok(PhoneLine {
        school_id,
        numbers: numbers.join("\n"),
        responsible: f
            .responsible
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n"),
        hours: hours.code(),
        off_hours: [
            own(Lang::Ky, &f.off_ky),
            own(Lang::Kk, &f.off_kk),
            own(Lang::Ru, &f.off_ru),
            own(Lang::En, &f.off_en),
        ],
    })
}

pub async fn phone_save(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    StaffForm(staff, f): StaffForm<PhoneForm>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let (school, _) = staff.unit(&state, &slug, Action::ManagePhone).await?;
    let line = match validate(tr, school.id, &f) {
        Ok(l) => l,
        Err((errors, day_errors)) => {
            let p = page(&state, &staff, &school, f, errors, day_errors, false).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response());
        }
    };
    let now = state.clock.now_ts();
    state
        .store
        .save_phone_line(&line, now)
        .await
        .map_err(AppError::internal(tr))?;
    staff
        .audit(
            &state,
            Some(school.id),
            "phone-line-saved",
            &format!("unit:{}", school.id),
            "",
            now,
        )
        .await?;
    Ok(page(
        &state,
        &staff,
        &school,
        form_of(&line),
        FormErrors::new(),
        Vec::new(),
        true,
    )
    .await?
    .into_response())
}
