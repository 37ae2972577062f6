//! The paper box (seed 003 §IV and appendix 2, seed 004's acts): boxes with their seal and
//! opening schedule; openings recorded as they happen — members present, the seal's state,
//! each letter found registered on the spot as a paper appeal (or "no letters found"), the new
//! seal — confirmed by the members present and printed as the act.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use time::{OffsetDateTime, PrimitiveDateTime};
use trustbox_crypto::DataKey;
use trustbox_docs::{ActLetter, OpeningActDoc, Signatory, anonymous, opening_act_pdf};
use trustbox_domain::commission::{
    Schedule, check_new_seal, check_present, letter_identity, school_year,
};
use trustbox_domain::{
    Action, AppealForm, AuthorType, Category, Channel, Contact, validate_appeal,
};
use trustbox_i18n::Tr;
use trustbox_store::{BoxRow, OpeningRow, StoreError, Unit};

use super::admin::Opt;
use super::commission::{Pairs, field, fields, pdf_response, school_lang};
use super::{Layout, fmt_date};
use crate::forms::FormErrors;
use crate::intake::{Submission, field_aad, key_aad, local_date, new_id, prepare, summary_of};
use crate::session::{Staff, StaffForm, constant_eq};
use crate::upload::{self, AcceptedFile, MAX_FILE_BYTES};
use crate::{AppError, AppState, utc_offset};

fn offset(school: &Unit) -> time::UtcOffset {
    utc_offset(&school.time_zone).unwrap_or(time::UtcOffset::UTC)
}

/// `YYYY-MM-DDTHH:MM` in the school's time zone.
fn parse_local(school: &Unit, s: &str) -> Option<OffsetDateTime> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    PrimitiveDateTime::parse(s.trim(), &fmt)
        .ok()
        .map(|t| t.assume_offset(offset(school)))
}

fn local(school: &Unit, ts: i64) -> PrimitiveDateTime {
    let t = OffsetDateTime::from_unix_timestamp(ts)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .to_offset(offset(school));
    PrimitiveDateTime::new(t.date(), t.time())
}

fn hhmm(t: PrimitiveDateTime) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

fn weekday_name(tr: Tr, n: i64) -> String {
    let id = match n {
        1 => "pb-weekday-1",
        2 => "pb-weekday-2",
        3 => "pb-weekday-3",
        4 => "pb-weekday-4",
        5 => "pb-weekday-5",
        6 => "pb-weekday-6",
        _ => "pb-weekday-7",
    };
    tr.t(id)
}

fn schedule_of(b: &BoxRow) -> Option<Schedule> {
    let n = |x: i64| u8::try_from(x).unwrap_or(0);
    Schedule::parse(
        &b.schedule_kind,
        n(b.weekday),
        n(b.day1),
        n(b.day2),
        &b.at_time,
    )
}

pub fn schedule_text(tr: Tr, b: &BoxRow) -> String {
    let at = b.at_time.as_str();
    match b.schedule_kind.as_str() {
        "weekly" => tr.ta(
            "pb-schedule-weekly",
            &[
                ("weekday", weekday_name(tr, b.weekday).into()),
                ("time", at.into()),
            ],
        ),
        "twice_monthly" => tr.ta(
            "pb-schedule-twice",
            &[
                ("day1", b.day1.min(b.day2).into()),
                ("day2", b.day1.max(b.day2).into()),
                ("time", at.into()),
            ],
        ),
        _ => tr.ta(
            "pb-schedule-monthly",
            &[("day", b.day1.into()), ("time", at.into())],
        ),
    }
}

/// The next opening of a box after `now`, in the school's time.
pub fn next_opening(school: &Unit, b: &BoxRow, now: OffsetDateTime) -> Option<PrimitiveDateTime> {
    let t = now.to_offset(offset(school));
    Some(schedule_of(b)?.next_after(PrimitiveDateTime::new(t.date(), t.time())))
}

fn fmt_local(t: PrimitiveDateTime) -> String {
    format!("{} {}", fmt_date(t.date()), hhmm(t))
}

// ---------------------------------------------------------------------------------------------
// Boxes.

struct BoxView {
    location: String,
    seal: String,
    schedule: String,
    next: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "boxes.html")]
struct BoxesPage {
    l: Layout,
    tr: Tr,
    slug: String,
    boxes: Vec<BoxView>,
    may_manage: bool,
    f: HashMap<String, String>,
    kinds: Vec<Opt>,
    weekdays: Vec<Opt>,
    errors: FormErrors,
    saved: Option<String>,
}

impl BoxesPage {
    /// A typed value of the form, or "".
    fn v(&self, k: &str) -> String {
        self.f.get(k).cloned().unwrap_or_default()
    }
}

async fn boxes_page(
    state: &AppState,
    staff: &Staff,
    school: &Unit,
    path: &[i64],
    p: Pairs,
    errors: FormErrors,
    saved: Option<String>,
) -> Result<BoxesPage, AppError> {
    let tr = staff.tr;
    let now = state.clock.now();
    let boxes = state
        .store
        .boxes(school.id)
        .await
        .map_err(AppError::internal(tr))?
        .iter()
        .map(|b| BoxView {
            location: b.location.clone(),
            seal: b.seal.clone(),
            schedule: schedule_text(tr, b),
            next: next_opening(school, b, now)
                .map(fmt_local)
                .unwrap_or_default(),
        })
        .collect();
    let mut f = HashMap::new();
    for k in ["location", "seal", "day1", "day2", "at_time"] {
        f.insert(k.to_string(), field(&p, k));
    }
    if p.is_empty() {
        f.insert("at_time".into(), "12:00".into());
    }
    let kind = field(&p, "schedule_kind");
    let kinds = [
        ("weekly", "pb-kind-weekly"),
        ("twice_monthly", "pb-kind-twice"),
        ("monthly", "pb-kind-monthly"),
    ]
    .iter()
    .map(|(v, id)| Opt {
        value: (*v).into(),
        label: tr.t(id),
        selected: kind == *v,
    })
    .collect();
    let wd = field(&p, "weekday");
    let weekdays = (1..=7)
        .map(|n: i64| Opt {
            value: n.to_string(),
            label: weekday_name(tr, n),
            selected: wd == n.to_string() || (wd.is_empty() && n == 5),
        })
        .collect();
    let here = format!("/staff/s/{}/boxes", school.slug);
    let l = Layout::new(state, staff, tr.t("pb-boxes-title"), &here).await?;
    Ok(BoxesPage {
        l,
        tr,
        slug: school.slug.clone(),
        boxes,
        may_manage: staff.can(
            Action::ManageCommission,
            &trustbox_domain::Target::Unit { path },
        ),
        f,
        kinds,
        weekdays,
        errors,
        saved,
    })
}

pub async fn boxes(
    State(state): State<AppState>,
    staff: Staff,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let (school, path) = staff.unit(&state, &slug, Action::ViewCommission).await?;
    Ok(boxes_page(
        &state,
        &staff,
        &school,
        &path,
        vec![],
        FormErrors::new(),
        None,
    )
    .await?
    .into_response())
}

pub async fn box_save(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    StaffForm(staff, p): StaffForm<Pairs>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let (school, path) = staff.unit(&state, &slug, Action::ManageCommission).await?;
    let mut errors = FormErrors::new();
    let location = field(&p, "location").trim().to_string();
    let seal = field(&p, "seal").trim().to_string();
    if location.is_empty() {
        errors.add(tr, "location", "pb-err-location");
    }
    if seal.is_empty() {
        errors.add(tr, "seal", "pb-err-seal-required");
    }
    let kind = field(&p, "schedule_kind");
    let num = |k: &str| field(&p, k).trim().parse::<u8>().unwrap_or(0);
    let (weekday, day1, day2) = match kind.as_str() {
        "weekly" => (num("weekday"), 0, 0),
        "twice_monthly" => (0, num("day1"), num("day2")),
        _ => (0, num("day1"), 0),
    };
    let at = field(&p, "at_time");
    if Schedule::parse(&kind, weekday, day1, day2, &at).is_none() {
        errors.add(tr, "schedule_kind", "pb-err-schedule");
    }
    if !errors.is_empty() {
        let pg = boxes_page(&state, &staff, &school, &path, p, errors, None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, pg).into_response());
    }
    let now = state.clock.now_ts();
    state
        .store
        .create_box(
            &BoxRow {
                id: new_id(),
                school_id: school.id,
                location,
                seal,
                schedule_kind: kind,
                weekday: i64::from(weekday),
                day1: i64::from(day1),
                day2: i64::from(day2),
                at_time: at.trim().to_string(),
                created_at: now,
                reminded_for: None,
            },
            Some(staff.user.id),
        )
        .await
        .map_err(AppError::internal(tr))?;
    let pg = boxes_page(
        &state,
        &staff,
        &school,
        &path,
        vec![],
        FormErrors::new(),
        Some(tr.t("pb-box-saved")),
    )
    .await?;
    Ok((StatusCode::CREATED, pg).into_response())
}

// ---------------------------------------------------------------------------------------------
// The box-opening journal and starting an opening.

struct OpeningItem {
    id: i64,
    act: String,
    when: String,
    place: String,
    seal_before: String,
    seal_after: String,
    letters: String,
    open: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "openings.html")]
struct OpeningsPage {
    l: Layout,
    tr: Tr,
    slug: String,
    openings: Vec<OpeningItem>,
    may_record: bool,
    has_commission: bool,
    boxes: Vec<Opt>,
    present: Vec<Opt>,
    f: HashMap<String, String>,
    errors: FormErrors,
}

impl OpeningsPage {
    /// A typed value of the form, or "".
    fn v(&self, k: &str) -> String {
        self.f.get(k).cloned().unwrap_or_default()
    }
}

fn act_label(tr: Tr, o: &OpeningRow) -> String {
    tr.ta(
        "pb-act-number",
        &[
            ("number", o.act_number.into()),
            (
                "year",
                trustbox_domain::commission::school_year_label(o.school_year as i32).into(),
            ),
        ],
    )
}

async fn openings_page(
    state: &AppState,
    staff: &Staff,
    school: &Unit,
    path: &[i64],
    p: Pairs,
    errors: FormErrors,
) -> Result<OpeningsPage, AppError> {
    let tr = staff.tr;
    let rows = state
        .store
        .openings(school.id)
        .await
        .map_err(AppError::internal(tr))?;
    let openings = rows
        .iter()
        .rev()
        .map(|o| OpeningItem {
            id: o.id,
            act: act_label(tr, o),
            when: fmt_local(local(school, o.opened_at)),
            place: o.place.clone(),
            seal_before: o.seal_before.clone(),
            seal_after: o.seal_after.clone().unwrap_or_else(|| "—".into()),
            letters: if o.closed_at.is_none() {
                tr.t("pb-opening-in-progress")
            } else if o.letters == 0 {
                tr.t("pb-no-letters-short")
            } else {
                tr.t1("pb-letters-count", "count", o.letters)
            },
            open: o.closed_at.is_none(),
        })
        .collect();
    let boxes_rows = state
        .store
        .boxes(school.id)
        .await
        .map_err(AppError::internal(tr))?;
    let chosen = field(&p, "box");
    let boxes = boxes_rows
        .iter()
        .map(|b| Opt {
            value: b.id.to_string(),
            label: format!("{} ({})", b.location, b.seal),
            selected: chosen == b.id.to_string(),
        })
        .collect();
    let c = state
        .store
        .active_commission(school.id)
        .await
        .map_err(AppError::internal(tr))?;
    let checked = fields(&p, "present");
    let present = c
        .as_ref()
        .map(|c| c.members.clone())
        .unwrap_or_default()
        .iter()
        .map(|m| Opt {
            value: m.id.to_string(),
            label: format!("{} — {}", m.position, m.name),
            selected: checked.contains(&m.id.to_string()),
        })
        .collect();
    let mut f = HashMap::new();
    for k in ["opened_at", "seal_state", "damage_note"] {
        f.insert(k.to_string(), field(&p, k));
    }
    if p.is_empty() {
        let t = state.clock.now().to_offset(offset(school));
        f.insert(
            "opened_at".into(),
            format!("{}T{:02}:{:02}", t.date(), t.hour(), t.minute()),
        );
        f.insert("seal_state".into(), "intact".into());
    }
    let here = format!("/staff/s/{}/openings", school.slug);
    let l = Layout::new(state, staff, tr.t("pb-openings-title"), &here).await?;
    Ok(OpeningsPage {
        l,
        tr,
        slug: school.slug.clone(),
        openings,
        may_record: staff.can(
            Action::RecordOpening,
            &trustbox_domain::Target::Unit { path },
        ),
        has_commission: c.is_some() && !boxes_rows.is_empty(),
        boxes,
        present,
        f,
        errors,
    })
}

pub async fn openings(
    State(state): State<AppState>,
    staff: Staff,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let (school, path) = staff.unit(&state, &slug, Action::ViewCommission).await?;
    Ok(
        openings_page(&state, &staff, &school, &path, vec![], FormErrors::new())
            .await?
            .into_response(),
    )
}

pub async fn opening_start(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    StaffForm(staff, p): StaffForm<Pairs>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let (school, path) = staff.unit(&state, &slug, Action::RecordOpening).await?;
    let c = state
        .store
        .active_commission(school.id)
        .await
        .map_err(AppError::internal(tr))?
        .ok_or(AppError::NotFound(tr))?;
    let mut errors = FormErrors::new();
    let bx = match field(&p, "box").parse::<i64>() {
        Ok(id) => match state.store.paper_box(school.id, id).await {
            Ok(b) => Some(b),
            Err(StoreError::NotFound) => None,
            Err(e) => return Err(AppError::internal(tr)(e)),
        },
        Err(_) => None,
    };
    if bx.is_none() {
        errors.add(tr, "box", "pb-err-box");
    }
    let now = state.clock.now();
    let opened_at = parse_local(&school, &field(&p, "opened_at")).filter(|t| *t <= now);
    if opened_at.is_none() {
        errors.add(tr, "opened_at", "pb-err-opened-at");
    }
    let checked = fields(&p, "present");
    let members: Vec<i64> = c
        .members
        .iter()
        .filter(|m| checked.contains(&m.id.to_string()))
        .map(|m| m.id)
        .collect();
    if let Err(e) = check_present(members.len()) {
        errors.add(tr, e.field, e.code);
    }
    let intact = match field(&p, "seal_state").as_str() {
        "intact" => Some(true),
        "damaged" => Some(false),
        _ => None,
    };
    let damage_note = field(&p, "damage_note").trim().to_string();
    match intact {
        None => errors.add(tr, "seal_state", "pb-err-seal-state"),
        Some(false) if damage_note.is_empty() => {
            errors.add(tr, "damage_note", "pb-err-damage-note")
        }
        _ => {}
    }
    let (Some(bx), Some(opened_at), Some(intact), true) =
        (bx, opened_at, intact, errors.is_empty())
    else {
        let pg = openings_page(&state, &staff, &school, &path, p, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, pg).into_response());
    };
    let id = new_id();
    state
        .store
        .start_opening(&trustbox_store::NewOpening {
            id,
            school_id: school.id,
            box_id: bx.id,
            school_year: i64::from(school_year(local_date(&school, opened_at))),
            opened_at: opened_at.unix_timestamp(),
            place: bx.location.clone(),
            seal_before: bx.seal.clone(),
            seal_intact: intact,
            damage_note,
            recorded_by: Some(staff.user.id),
            members,
        })
        .await
        .map_err(AppError::internal(tr))?;
    Err(AppError::Redirect(format!(
        "/staff/s/{}/openings/{id}",
        school.slug
    )))
}

// ---------------------------------------------------------------------------------------------
// One opening: its letters, the new seal, confirmations, the act.

/// A letter of the act, decrypted.
struct LetterView {
    number: String,
    anonymous: bool,
    from: String,
    return_address: String,
    written_on: String,
    summary: String,
    note: String,
    files: usize,
}

struct PresentView {
    position: String,
    name: String,
    confirmed: bool,
}

struct Loaded {
    school: Unit,
    opening: OpeningRow,
    present: Vec<(trustbox_store::MemberRow, Option<i64>)>,
    letters: Vec<LetterView>,
}

/// The opening with its letters decrypted; only for those who record openings (the commission
/// found these letters in the box and signs the act that lists them). Audited.
async fn load(
    state: &AppState,
    staff: &Staff,
    slug: &str,
    id: i64,
    action: &str,
) -> Result<Loaded, AppError> {
    let tr = staff.tr;
    let (school, _) = staff.unit(state, slug, Action::RecordOpening).await?;
    let opening = state
        .store
        .opening(school.id, id)
        .await
        .map_err(AppError::internal(tr))?;
    let members = state
        .store
        .all_members(school.id)
        .await
        .map_err(AppError::internal(tr))?;
    let present = state
        .store
        .opening_present(opening.id)
        .await
        .map_err(AppError::internal(tr))?
        .into_iter()
        .filter_map(|p| {
            members
                .iter()
                .find(|m| m.id == p.member_id)
                .map(|m| (m.clone(), p.confirmed_at))
        })
        .collect();
    let mut letters = Vec::new();
    for l in state
        .store
        .opening_letters(opening.id)
        .await
        .map_err(AppError::internal(tr))?
    {
        let a = state
            .store
            .appeal(school.id, l.appeal_id)
            .await
            .map_err(AppError::internal(tr))?;
        let dk = DataKey::unwrap(&state.keys.master, &a.data_key, &key_aad(a.school_id, a.id))
            .map_err(|e| AppError::Internal(tr, e.to_string()))?;
        let open = |f: &str, data: &[u8]| {
            dk.open_string(&field_aad(a.school_id, a.id, f), data)
                .map_err(|e| AppError::Internal(tr, e.to_string()))
        };
        let text = open("text", &a.text_enc)?;
        let contact: Contact = match &a.contact_enc {
            Some(c) => serde_json::from_str(&open("contact", c)?)
                .map_err(|e| AppError::Internal(tr, e.to_string()))?,
            None => Contact::default(),
        };
        let note = match &l.note_enc {
            Some(n) => open("opening-note", n)?,
            None => String::new(),
        };
        let files = state
            .store
            .attachments(a.id)
            .await
            .map_err(AppError::internal(tr))?
            .len();
        letters.push(LetterView {
            number: format!("{}/{}", a.journal_year, a.journal_seq),
            anonymous: a.anonymous,
            from: if a.anonymous {
                tr.t("pb-anonymous")
            } else {
                contact.name.clone().unwrap_or_default()
            },
            return_address: [contact.address.clone(), contact.phone.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", "),
            written_on: super::parse_date(&a.written_on)
                .map(fmt_date)
                .unwrap_or_default(),
            summary: summary_of(&text),
            note,
            files,
        });
    }
    staff
        .audit(
            state,
            Some(school.id),
            action,
            &format!("opening:{}", opening.id),
            "",
            state.clock.now_ts(),
        )
        .await?;
    Ok(Loaded {
        school,
        opening,
        present,
        letters,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "opening.html")]
struct OpeningPage {
    l: Layout,
    tr: Tr,
    slug: String,
    id: i64,
    when: String,
    place: String,
    seal_before: String,
    seal_state: String,
    damage_note: String,
    seal_after: String,
    open: bool,
    present: Vec<PresentView>,
    letters: Vec<LetterView>,
    may_confirm: bool,
    f: HashMap<String, String>,
    authors: Vec<Opt>,
    categories: Vec<Opt>,
    reattach: Vec<String>,
    errors: FormErrors,
    close_errors: FormErrors,
    saved: Option<String>,
}

impl OpeningPage {
    /// A typed value of the form, or "".
    fn v(&self, k: &str) -> String {
        self.f.get(k).cloned().unwrap_or_default()
    }
}

async fn opening_page(
    state: &AppState,
    staff: &Staff,
    slug: &str,
    id: i64,
    typed: Option<(HashMap<String, String>, Vec<String>, FormErrors)>,
    close: Option<(HashMap<String, String>, FormErrors)>,
    saved: Option<String>,
) -> Result<OpeningPage, AppError> {
    let tr = staff.tr;
    let ld = load(state, staff, slug, id, "opening-viewed").await?;
    let o = &ld.opening;
    let (mut f, reattach, errors) = typed.unwrap_or_default();
    let (cf, close_errors) = close.unwrap_or_default();
    f.extend(cf);
    f.entry("author".into()).or_insert_with(|| "pupil".into());
    f.entry("anonymous".into()).or_insert_with(|| "1".into());
    let authors = AuthorType::ALL
        .iter()
        .map(|a| Opt {
            value: a.code().into(),
            label: tr.t(a.message_id()),
            selected: f.get("author").map(String::as_str) == Some(a.code()),
        })
        .collect();
    let cat = f.get("category").cloned().unwrap_or_default();
    let mut categories = vec![Opt {
        value: String::new(),
        label: tr.t("write-choose"),
        selected: cat.is_empty(),
    }];
    categories.extend(Category::ALL.iter().map(|c| Opt {
        value: c.code().into(),
        label: tr.t(c.message_id()),
        selected: cat == c.code(),
    }));
    let may_confirm = o.closed_at.is_some()
        && ld
            .present
            .iter()
            .any(|(m, c)| m.user_id == Some(staff.user.id) && c.is_none());
    let here = format!("/staff/s/{}/openings", ld.school.slug);
    let act = act_label(tr, o);
    let l = Layout::new(state, staff, act, &here).await?;
    Ok(OpeningPage {
        l,
        tr,
        slug: ld.school.slug.clone(),
        id: o.id,
        when: fmt_local(local(&ld.school, o.opened_at)),
        place: o.place.clone(),
        seal_before: o.seal_before.clone(),
        seal_state: if o.seal_intact {
            tr.t("pb-seal-intact")
        } else {
            tr.t("pb-seal-damaged")
        },
        damage_note: o.damage_note.clone(),
        seal_after: o.seal_after.clone().unwrap_or_default(),
        open: o.closed_at.is_none(),
        present: ld
            .present
            .iter()
            .map(|(m, c)| PresentView {
                position: m.position.clone(),
                name: m.name.clone(),
                confirmed: c.is_some(),
            })
            .collect(),
        letters: ld.letters,
        may_confirm,
        f,
        authors,
        categories,
        reattach,
        errors,
        close_errors,
        saved,
    })
}

pub async fn opening(
    State(state): State<AppState>,
    staff: Staff,
    Path((slug, id)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    Ok(opening_page(&state, &staff, &slug, id, None, None, None)
        .await?
        .into_response())
}

/// The letter form: text fields and at most one scan or photo.
struct LetterForm {
    fields: HashMap<String, String>,
    files: Vec<AcceptedFile>,
    refused: Vec<(String, &'static str)>,
}

async fn read_letter(mut mp: Multipart) -> Result<LetterForm, ()> {
    let mut lf = LetterForm {
        fields: HashMap::new(),
        files: vec![],
        refused: vec![],
    };
    while let Some(mut field) = mp.next_field().await.map_err(|_| ())? {
        let name = field.name().unwrap_or("").to_string();
        if name == "photo" {
            let fname = field.file_name().unwrap_or("").to_string();
            let mut bytes = Vec::new();
            let mut too_large = false;
            while let Some(chunk) = field.chunk().await.map_err(|_| ())? {
                if bytes.len() + chunk.len() > MAX_FILE_BYTES {
                    too_large = true;
                    continue;
                }
                bytes.extend_from_slice(&chunk);
            }
            if fname.is_empty() && bytes.is_empty() && !too_large {
                continue;
            }
            if !lf.files.is_empty() {
                lf.refused.push((fname, "err-files-too-many"));
                continue;
            }
            let r = if too_large {
                Err(upload::FileError::TooLarge)
            } else {
                // a scan or a photo of the letter: images and PDF, not audio
                upload::accept(&fname, bytes).and_then(|f| match f.kind {
                    upload::FileKind::Audio => Err(upload::FileError::ForbiddenType),
                    _ => Ok(f),
                })
            };
            match r {
                Ok(f) => lf.files.push(f),
                Err(e) => lf.refused.push((fname, e.message_id())),
            }
            continue;
        }
        let text = field.text().await.map_err(|_| ())?;
        lf.fields.insert(name, text);
    }
    Ok(lf)
}

pub async fn letter_save(
    State(state): State<AppState>,
    staff: Staff,
    Path((slug, id)): Path<(String, i64)>,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    // Not found first, whatever the body: nothing of another school answers differently.
    let (school, _) = staff.unit(&state, &slug, Action::RecordOpening).await?;
    staff.unit(&state, &slug, Action::CreateAppeal).await?;
    let o = state
        .store
        .opening(school.id, id)
        .await
        .map_err(AppError::internal(tr))?;
    let bad = || AppError::Refused(tr, StatusCode::BAD_REQUEST, "error-bad-form");
    let lf = read_letter(mp.map_err(|_| bad())?)
        .await
        .map_err(|_| bad())?;
    let sent = lf.fields.get("csrf").map(String::as_str).unwrap_or("");
    if !constant_eq(sent.as_bytes(), staff.csrf.as_bytes()) {
        return Err(AppError::Csrf(tr));
    }
    let g = |k: &str| lf.fields.get(k).cloned().unwrap_or_default();
    let anonymous = g("anonymous") != "0";
    let form = AppealForm {
        author: g("author"),
        anonymous,
        name: g("name"),
        address: g("address"),
        phone: g("phone"),
        category: g("category"),
        text: g("text"),
        written_on: g("written_on"),
        answer_via: if anonymous {
            "board".into()
        } else {
            "personal".into()
        },
        ..Default::default()
    };
    let mut errors = FormErrors::new();
    if o.closed_at.is_some() {
        errors.add(tr, "form", "pb-err-closed");
    }
    if g("written_on").trim().is_empty() {
        errors.add(tr, "written_on", "pb-err-written-on");
    }
    let opened = OffsetDateTime::from_unix_timestamp(o.opened_at)
        .map_err(|e| AppError::Internal(tr, e.to_string()))?;
    let valid = validate_appeal(&form, local_date(&school, opened));
    if let Err(errs) = &valid {
        errors.add_field_errors(tr, errs);
    }
    for (_, msg) in &lf.refused {
        errors.add(tr, "photo", msg);
    }
    let mut reattach: Vec<String> = lf.files.iter().map(|f| f.name.clone()).collect();
    reattach.extend(lf.refused.iter().map(|(n, m)| format!("{n} — {}", tr.t(m))));
    let mut typed = lf.fields.clone();
    typed.remove("csrf");
    let valid = match valid {
        Ok(v) if errors.is_empty() => v,
        _ => {
            let pg = opening_page(
                &state,
                &staff,
                &slug,
                id,
                Some((typed, reattach, errors)),
                None,
                None,
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, pg).into_response());
        }
    };
    let identity = letter_identity(&valid.written_on.to_string(), &valid.text);
    let mut mac_input = b"paper-letter-v1:".to_vec();
    mac_input.extend_from_slice(&o.id.to_be_bytes());
    mac_input.extend_from_slice(identity.as_bytes());
    let fingerprint = state.keys.session.mac(&mac_input);
    let note = g("note").trim().to_string();
    let lang = school_lang(&school, tr.lang());
    let prepared = prepare(
        &state,
        &school,
        Submission {
            valid,
            channel: Channel::Paper,
            lang,
            files: lf.files,
            entered_by: Some(staff.user.id),
            received_at: Some(opened),
        },
    )
    .await
    .map_err(AppError::internal(tr))?;
    let note_enc = (!note.is_empty()).then(|| {
        prepared.dk.seal(
            &field_aad(school.id, prepared.new.id, "opening-note"),
            note.as_bytes(),
        )
    });
    match state
        .store
        .register_opening_letter(o.id, &fingerprint, note_enc.as_deref(), &prepared.new)
        .await
    {
        Ok(reg) => {
            let saved = tr.t1(
                "pb-letter-saved",
                "number",
                format!("{}/{}", reg.journal_year, reg.journal_seq),
            );
            let pg = opening_page(&state, &staff, &slug, id, None, None, Some(saved)).await?;
            Ok((StatusCode::CREATED, pg).into_response())
        }
        Err(StoreError::Duplicate(_)) => {
            let mut errors = FormErrors::new();
            errors.add(tr, "text", "pb-err-duplicate");
            let pg = opening_page(
                &state,
                &staff,
                &slug,
                id,
                Some((typed, reattach, errors)),
                None,
                None,
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, pg).into_response())
        }
        Err(e) => Err(AppError::internal(tr)(e)),
    }
}

pub async fn opening_close(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    StaffForm(staff, p): StaffForm<Pairs>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let (school, _) = staff.unit(&state, &slug, Action::RecordOpening).await?;
    let o = state
        .store
        .opening(school.id, id)
        .await
        .map_err(AppError::internal(tr))?;
    let mut errors = FormErrors::new();
    if o.closed_at.is_some() {
        errors.add(tr, "seal_after", "pb-err-closed");
    }
    let seal_after = field(&p, "seal_after").trim().to_string();
    if let Err(e) = check_new_seal(&o.seal_before, &seal_after) {
        errors.add(tr, e.field, e.code);
    }
    let none = field(&p, "no_letters") == "1";
    if o.letters == 0 && !none {
        errors.add(tr, "no_letters", "pb-err-state-no-letters");
    }
    if o.letters > 0 && none {
        errors.add(tr, "no_letters", "pb-err-letters-registered");
    }
    if !errors.is_empty() {
        let mut f = HashMap::new();
        f.insert("seal_after".to_string(), seal_after);
        f.insert("no_letters".to_string(), field(&p, "no_letters"));
        let pg = opening_page(&state, &staff, &slug, id, None, Some((f, errors)), None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, pg).into_response());
    }
    state
        .store
        .close_opening(
            school.id,
            o.id,
            &seal_after,
            none,
            Some(staff.user.id),
            state.clock.now_ts(),
        )
        .await
        .map_err(AppError::internal(tr))?;
    let pg = opening_page(
        &state,
        &staff,
        &slug,
        id,
        None,
        None,
        Some(tr.t("pb-closed")),
    )
    .await?;
    Ok(pg.into_response())
}

pub async fn opening_confirm(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    StaffForm(staff, _p): StaffForm<Pairs>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let (school, _) = staff.unit(&state, &slug, Action::RecordOpening).await?;
    let o = state
        .store
        .opening(school.id, id)
        .await
        .map_err(AppError::internal(tr))?;
    if o.closed_at.is_none() {
        return Err(AppError::Refused(
            tr,
            StatusCode::CONFLICT,
            "pb-err-confirm-open",
        ));
    }
    let members = state
        .store
        .all_members(school.id)
        .await
        .map_err(AppError::internal(tr))?;
    let present = state
        .store
        .opening_present(o.id)
        .await
        .map_err(AppError::internal(tr))?;
    let mine = present.iter().find(|p| {
        p.confirmed_at.is_none()
            && members
                .iter()
                .any(|m| m.id == p.member_id && m.user_id == Some(staff.user.id))
    });
    let Some(mine) = mine else {
        return Err(AppError::Refused(
            tr,
            StatusCode::FORBIDDEN,
            "pb-err-not-present",
        ));
    };
    state
        .store
        .confirm_opening(
            school.id,
            o.id,
            mine.member_id,
            staff.user.id,
            state.clock.now_ts(),
        )
        .await
        .map_err(AppError::internal(tr))?;
    let pg = opening_page(
        &state,
        &staff,
        &slug,
        id,
        None,
        None,
        Some(tr.t("pb-confirmed")),
    )
    .await?;
    Ok(pg.into_response())
}

pub async fn act_download(
    State(state): State<AppState>,
    staff: Staff,
    Path((slug, id)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let ld = load(&state, &staff, &slug, id, "act-printed").await?;
    let o = &ld.opening;
    if o.closed_at.is_none() {
        return Err(AppError::Refused(
            tr,
            StatusCode::CONFLICT,
            "pb-err-act-open",
        ));
    }
    let lang = school_lang(&ld.school, tr.lang());
    let at = local(&ld.school, o.opened_at);
    let doc = OpeningActDoc {
        lang,
        school_name: ld.school.name(lang.code()).to_string(),
        act_number: o.act_number.to_string(),
        date: fmt_date(at.date()),
        time: hhmm(at),
        place: o.place.clone(),
        seal_before: o.seal_before.clone(),
        seal_intact: o.seal_intact,
        damage_note: o.damage_note.clone(),
        letters: ld
            .letters
            .iter()
            .map(|l| ActLetter {
                from: if l.anonymous {
                    anonymous(lang)
                } else {
                    l.from.clone()
                },
                return_address: l.return_address.clone(),
                written_on: l.written_on.clone(),
                summary: l.summary.clone(),
                number: l.number.clone(),
                note: l.note.clone(),
            })
            .collect(),
        seal_after: o.seal_after.clone().unwrap_or_default(),
        members: ld
            .present
            .iter()
            .map(|(m, _)| Signatory {
                position: m.position.clone(),
                name: m.name.clone(),
            })
            .collect(),
    };
    let pdf = opening_act_pdf(&doc).map_err(|e| AppError::Internal(tr, e.to_string()))?;
    Ok(pdf_response(
        pdf,
        &format!("act-{}-{}", o.school_year, o.act_number),
    ))
}
