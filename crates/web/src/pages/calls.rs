//! The trust phone's call log: the operator (or the responsible person) notes a call in a few
//! fields and it becomes a journal entry with channel "phone" (seed 004 §4.3–4.5).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use time::{OffsetDateTime, PrimitiveDateTime};
use trustbox_domain::{Action, AppealForm, AuthorType, Category, Channel, Lang, validate_appeal};
use trustbox_i18n::Tr;
use trustbox_store::Unit;

use super::Layout;
use super::admin::Opt;
use crate::forms::FormErrors;
use crate::intake::{Submission, local_date, submit};
use crate::session::{Staff, StaffForm};
use crate::{AppError, AppState, utc_offset};

/// The call form as typed.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct CallForm {
    pub received_at: String,
    pub author: String,
    pub anonymous: String,
    pub name: String,
    pub phone: String,
    pub address: String,
    pub category: String,
    pub text: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "calls.html")]
struct CallsPage {
    l: Layout,
    tr: Tr,
    slug: String,
    f: CallForm,
    errors: FormErrors,
    authors: Vec<Opt>,
    categories: Vec<Opt>,
    saved: Option<String>,
}

async fn page(
    state: &AppState,
    staff: &Staff,
    school: &Unit,
    f: CallForm,
    errors: FormErrors,
    saved: Option<String>,
) -> Result<CallsPage, AppError> {
    let tr = staff.tr;
    let authors = AuthorType::ALL
        .iter()
        .map(|a| Opt {
            value: a.code().into(),
            label: tr.t(a.message_id()),
            selected: f.author == a.code(),
        })
        .collect();
    let mut categories = vec![Opt {
        value: String::new(),
        label: tr.t("write-choose"),
        selected: f.category.is_empty(),
    }];
    categories.extend(Category::ALL.iter().map(|c| Opt {
        value: c.code().into(),
        label: tr.t(c.message_id()),
        selected: f.category == c.code(),
    }));
    let here = format!("/staff/s/{}/calls", school.slug);
    let l = Layout::new(state, staff, tr.t("calls-title"), &here).await?;
    Ok(CallsPage {
        l,
        tr,
        slug: school.slug.clone(),
        f,
        errors,
        authors,
        categories,
        saved,
    })
}

fn now_local(state: &AppState, school: &Unit) -> String {
    let off = utc_offset(&school.time_zone).unwrap_or(time::UtcOffset::UTC);
    let t = state.clock.now().to_offset(off);
    format!("{}T{:02}:{:02}", t.date(), t.hour(), t.minute())
}

pub async fn calls(
    State(state): State<AppState>,
    staff: Staff,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let (school, _) = staff.unit(&state, &slug, Action::CreateAppeal).await?;
    let f = CallForm {
        received_at: now_local(&state, &school),
        author: "pupil".into(),
        anonymous: "1".into(),
        ..Default::default()
    };
    Ok(page(&state, &staff, &school, f, FormErrors::new(), None)
        .await?
        .into_response())
}

pub async fn call_save(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    StaffForm(staff, f): StaffForm<CallForm>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let (school, _) = staff.unit(&state, &slug, Action::CreateAppeal).await?;
    let mut errors = FormErrors::new();
    let off = utc_offset(&school.time_zone).unwrap_or(time::UtcOffset::UTC);
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let received = PrimitiveDateTime::parse(f.received_at.trim(), &fmt)
        .ok()
        .map(|t| t.assume_offset(off));
    let now = state.clock.now();
    let received: Option<OffsetDateTime> = match received {
        Some(t) if t <= now => Some(t),
        _ => {
            errors.add(tr, "received_at", "err-call-time");
            None
        }
    };
    let form = AppealForm {
        author: f.author.clone(),
        anonymous: f.anonymous != "0",
        name: f.name.clone(),
        phone: f.phone.clone(),
        address: f.address.clone(),
        category: f.category.clone(),
        text: f.text.clone(),
        written_on: received
            .map(|t| local_date(&school, t).to_string())
            .unwrap_or_default(),
        answer_via: if f.anonymous != "0" {
            "board".into()
        } else {
            "personal".into()
        },
        ..Default::default()
    };
    let valid = validate_appeal(&form, local_date(&school, now));
    if let Err(errs) = &valid {
        errors.add_field_errors(tr, errs);
    }
    let (Ok(valid), Some(received), true) = (valid, received, errors.is_empty()) else {
        let p = page(&state, &staff, &school, f, errors, None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response());
    };
    let lang = Lang::parse(&school.default_lang).unwrap_or(tr.lang());
    let receipt = submit(
        &state,
        &school,
        Submission {
            valid,
            channel: Channel::Phone,
            lang,
            files: vec![],
            entered_by: Some(staff.user.id),
            received_at: Some(received),
        },
    )
    .await
    .map_err(AppError::internal(tr))?;
    let saved = tr.t1("calls-saved", "number", receipt.number.to_string());
    let fresh = CallForm {
        received_at: now_local(&state, &school),
        author: "pupil".into(),
        anonymous: "1".into(),
        ..Default::default()
    };
    Ok((
        StatusCode::CREATED,
        page(
            &state,
            &staff,
            &school,
            fresh,
            FormErrors::new(),
            Some(saved),
        )
        .await?,
    )
        .into_response())
}
