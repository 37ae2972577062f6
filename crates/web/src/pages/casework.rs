//! Case work on an appeal: status, assignment, internal notes, the answer, forwarding to an
//! executing body and its outcome, measures taken, corrections of the journal's short content.
//! Each change is one store transaction that checks the version the person saw.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use trustbox_crypto::DataKey;
use trustbox_domain::{Action, Country, Status, Target, legal_limit};
use trustbox_i18n::Tr;
use trustbox_store::{AppealRow, CaseChange, NewJournalEntry, NewMail, StoreError, Unit};

use crate::forms::FormErrors;
use crate::intake::{
    JournalPayload, field_aad, journal_aad, key_aad, local_date, message_aad, new_id,
    school_calendar,
};
use crate::session::{Staff, StaffForm};
use crate::{AppError, AppState};

/// Every case-work form carries the version of the appeal the person saw, and one text.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CaseForm {
    pub version: i64,
    pub status: String,
    pub reason: String,
    pub user: String,
    pub op: String,
    pub text: String,
    pub kind: String,
    pub board_text: String,
    pub send_email: Option<String>,
    pub body: String,
    pub deadline: String,
    pub forward: String,
}

/// The appeal and what this person may do with it.
pub struct Ctx {
    pub school: Unit,
    pub path: Vec<i64>,
    pub appeal: AppealRow,
    pub dk: DataKey,
}

pub async fn load(
    state: &AppState,
    staff: &Staff,
    slug: &str,
    id: i64,
    action: Action,
) -> Result<Ctx, AppError> {
    let tr = staff.tr;
    let (school, path) = staff
        .unit(state, slug, Action::ViewSchool)
        .await
        .map_err(|_| AppError::NotFound(tr))?;
    let appeal = state
        .store
        .appeal(school.id, id)
        .await
        .map_err(AppError::internal(tr))?;
    let assignees = state
        .store
        .assignees(appeal.id)
        .await
        .map_err(AppError::internal(tr))?;
    if !staff.can(
        action,
        &Target::Appeal {
            path: &path,
            assignees: &assignees,
        },
    ) {
        return Err(AppError::NotFound(tr));
    }
    let dk = match state
        .keys
        .unwrap_data_key(&appeal.data_key, &key_aad(appeal.school_id, appeal.id))
    {
        Ok(dk) => dk,
        // Destroyed after its keeping time: say so, not "internal error".
        Err(_) if appeal.data_key.is_empty() => {
            return Err(AppError::Refused(
                tr,
                StatusCode::GONE,
                "retention-destroyed-page",
            ));
        }
        Err(e) => return Err(AppError::Internal(tr, e.to_string())),
    };
    Ok(Ctx {
        school,
        path,
        appeal,
        dk,
    })
}

/// A journal entry whose personal part (`p`) is sealed with the appeal's key.
fn sealed_entry(
    c: &Ctx,
    tr: Tr,
    kind: &str,
    refers_to: Option<i64>,
    plain: String,
    p: &JournalPayload,
) -> Result<NewJournalEntry, AppError> {
    let json = serde_json::to_vec(p).map_err(|e| AppError::Internal(tr, e.to_string()))?;
    Ok(NewJournalEntry {
        kind: kind.into(),
        refers_to,
        plain,
        payload_enc: Some(c.dk.seal(&journal_aad(c.school.id, c.appeal.id), &json)),
    })
}

/// Re-renders the appeal page with the problems and what was typed.
pub(crate) async fn refused(
    state: &AppState,
    staff: &Staff,
    slug: &str,
    id: i64,
    form: &str,
    f: &CaseForm,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let status = if errors.get("conflict").is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = super::box_staff::appeal_page(
        state,
        staff,
        slug,
        id,
        super::box_staff::Typed {
            form: form.to_string(),
            text: f.text.clone(),
            board_text: f.board_text.clone(),
        },
        errors,
    )
    .await?;
    Ok((status, page).into_response())
}

async fn apply(
    state: &AppState,
    staff: &Staff,
    slug: &str,
    id: i64,
    form: &str,
    f: &CaseForm,
    change: CaseChange,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    match state.store.apply_case_change(&change).await {
        Ok(_) => Ok(Redirect::to(&format!("/staff/s/{slug}/appeals/{id}")).into_response()),
        Err(StoreError::Conflict) => {
            let mut errors = FormErrors::new();
            errors.add(tr, "conflict", "error-conflict-text");
            refused(state, staff, slug, id, form, f, errors).await
        }
        Err(e) => Err(AppError::internal(tr)(e)),
    }
}

fn base(c: &Ctx, staff: &Staff, now: i64, f: &CaseForm, action: &str) -> CaseChange {
    CaseChange {
        school_id: c.school.id,
        appeal_id: c.appeal.id,
        expected_version: f.version,
        at: now,
        actor_id: Some(staff.user.id),
        audit_action: action.to_string(),
        ..Default::default()
    }
}

fn plain(pairs: &[(&str, &str)]) -> String {
    let map: serde_json::Map<String, serde_json::Value> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.to_string())))
        .collect();
    serde_json::Value::Object(map).to_string()
}

fn status_of(a: &AppealRow) -> Status {
    Status::parse(&a.status).unwrap_or(Status::New)
}

pub async fn status(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    StaffForm(staff, f): StaffForm<CaseForm>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let c = load(&state, &staff, &slug, id, Action::WorkAppeal).await?;
    let current = status_of(&c.appeal);
    let mut errors = FormErrors::new();
    let Some(next) = Status::parse(&f.status) else {
        errors.add(tr, "status", "err-status-unknown");
        return refused(&state, &staff, &slug, id, "status", &f, errors).await;
    };
    if !current.can_move_to(next) {
        errors.add(tr, "status", "err-status-transition");
    }
    if next == Status::NotAnAppeal && f.reason.trim().is_empty() {
        errors.add(tr, "reason", "err-reason-required");
    }
    if !errors.is_empty() {
        return refused(&state, &staff, &slug, id, "status", &f, errors).await;
    }
    let now = state.clock.now_ts();
    let mut ch = base(&c, &staff, now, &f, "status-changed");
    ch.set_status = Some(next.code().to_string());
    ch.set_closed = matches!(next, Status::Closed | Status::NotAnAppeal);
    if ch.set_closed {
        // From now on the key is wrapped by the bucket of the day the case expires.
        ch.rewrap = Some(
            crate::retention::wrap_for_closing(&state, &c.dk, c.school.id, c.appeal.id, now)
                .await
                .map_err(|e| AppError::Internal(tr, e.to_string()))?,
        );
    }
    ch.audit_detail = format!("{} -> {}", current.code(), next.code());
    ch.journal.push(NewJournalEntry {
        kind: "status".into(),
        refers_to: None,
        plain: plain(&[("status", next.code()), ("reason", f.reason.trim())]),
        payload_enc: None,
    });
    apply(&state, &staff, &slug, id, "status", &f, ch).await
}

pub async fn assign(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    StaffForm(staff, f): StaffForm<CaseForm>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let c = load(&state, &staff, &slug, id, Action::AssignAppeal).await?;
    let users = state
        .store
        .users_of_unit(c.school.id)
        .await
        .map_err(AppError::internal(tr))?;
    let Some(user) = f
        .user
        .parse::<i64>()
        .ok()
        .and_then(|u| users.iter().find(|x| x.id == u))
    else {
        let mut errors = FormErrors::new();
        errors.add(tr, "user", "err-assignee-unknown");
        return refused(&state, &staff, &slug, id, "assign", &f, errors).await;
    };
    let now = state.clock.now_ts();
    let mut ch = base(
        &c,
        &staff,
        now,
        &f,
        if f.op == "remove" {
            "unassigned"
        } else {
            "assigned"
        },
    );
    ch.audit_detail = format!("user:{}", user.id);
    if f.op == "remove" {
        ch.unassign = Some(user.id);
    } else {
        ch.assign = Some(user.id);
        if status_of(&c.appeal) == Status::New {
            ch.set_status = Some(Status::InWork.code().to_string());
            ch.journal.push(NewJournalEntry {
                kind: "status".into(),
                refers_to: None,
                plain: plain(&[("status", "in_work")]),
                payload_enc: None,
            });
        }
    }
    apply(&state, &staff, &slug, id, "assign", &f, ch).await
}

fn check_text(tr: Tr, errors: &mut FormErrors, field: &str, text: &str, max: usize) {
    if text.trim().is_empty() {
        errors.add(tr, field, "err-text-empty");
    } else if text.chars().count() > max {
        errors.add(tr, field, "err-text-too-long");
    }
}

pub async fn note(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    StaffForm(staff, f): StaffForm<CaseForm>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let c = load(&state, &staff, &slug, id, Action::WorkAppeal).await?;
    let mut errors = FormErrors::new();
    check_text(tr, &mut errors, "text", &f.text, 10_000);
    if !errors.is_empty() {
        return refused(&state, &staff, &slug, id, "note", &f, errors).await;
    }
    let now = state.clock.now_ts();
    let nid = new_id();
    let mut ch = base(&c, &staff, now, &f, "note-added");
    let aad = trustbox_crypto::aad(&[
        b"note",
        &c.school.id.to_be_bytes(),
        &c.appeal.id.to_be_bytes(),
        &nid.to_be_bytes(),
    ]);
    ch.note = Some((
        nid,
        "note".into(),
        c.dk.seal(&aad, f.text.trim().as_bytes()),
    ));
    apply(&state, &staff, &slug, id, "note", &f, ch).await
}

/// The answer: personal (recorded; e-mailed to a signed author on request), on the answer board
/// (its own text), or read out at a meeting. The author also sees it with the receipt code.
pub async fn answer(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    StaffForm(staff, f): StaffForm<CaseForm>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let c = load(&state, &staff, &slug, id, Action::WorkAppeal).await?;
    let mut errors = FormErrors::new();
    let current = status_of(&c.appeal);
    // Answering a new letter takes it into work first.
    let from = if current == Status::New {
        Status::InWork
    } else {
        current
    };
    if !from.can_move_to(Status::Answered) {
        errors.add(
            tr,
            "answer",
            if current.is_open() {
                "err-status-transition"
            } else {
                "err-appeal-closed"
            },
        );
    }
    if !["personal", "board", "meeting"].contains(&f.kind.as_str()) {
        errors.add(tr, "kind", "err-answer-kind");
    }
    check_text(tr, &mut errors, "text", &f.text, 10_000);
    if f.kind == "board" {
        check_text(tr, &mut errors, "board_text", &f.board_text, 2_000);
        if c.appeal.answer_via == "personal" || c.appeal.answer_via == "email" {
            errors.add(tr, "kind", "err-board-personal");
        }
    }
    let contact: trustbox_domain::Contact = match &c.appeal.contact_enc {
        Some(enc) => {
            c.dk.open_string(&field_aad(c.school.id, c.appeal.id, "contact"), enc)
                .ok()
                .and_then(|s| serde_json::from_str(&s).ok())
                .unwrap_or_default()
        }
        None => Default::default(),
    };
    let email = f.send_email.is_some();
    if email && contact.email.is_none() {
        errors.add(tr, "send_email", "err-no-author-email");
    }
    if !errors.is_empty() {
        return refused(&state, &staff, &slug, id, "answer", &f, errors).await;
    }
    let now = state.clock.now_ts();
    let today = local_date(&c.school, state.clock.now()).to_string();
    let mid = new_id();
    let mut ch = base(&c, &staff, now, &f, "answered");
    if current == Status::New {
        ch.journal.push(NewJournalEntry {
            kind: "status".into(),
            refers_to: None,
            plain: plain(&[("status", "in_work")]),
            payload_enc: None,
        });
    }
    ch.set_status = Some(Status::Answered.code().to_string());
    ch.set_answered = Some((today.clone(), f.kind.clone()));
    ch.message = Some((
        mid,
        c.dk.seal(
            &message_aad(c.school.id, c.appeal.id, mid),
            f.text.trim().as_bytes(),
        ),
    ));
    ch.audit_detail = f.kind.clone();
    if f.kind == "board" {
        let bid = new_id();
        let text = c.dk.seal(
            &crate::intake::board_aad(c.school.id, c.appeal.id, bid),
            f.board_text.trim().as_bytes(),
        );
        ch.board = Some((
            bid,
            "answer".into(),
            text,
            now + crate::intake::BOARD_DAYS * 86_400,
        ));
    }
    ch.journal.push(NewJournalEntry {
        kind: "answered".into(),
        refers_to: None,
        plain: plain(&[("answered_on", &today), ("kind", &f.kind)]),
        payload_enc: None,
    });
    if let (true, Some(to)) = (email, contact.email) {
        // The mail says only that an answer is waiting; the text stays in Trustbox.
        let lang = trustbox_domain::Lang::parse(&c.appeal.lang).unwrap_or(tr.lang());
        let atr = Tr::new(lang);
        let number = format!("{}/{}", c.appeal.journal_year, c.appeal.journal_seq);
        ch.mails.push(crate::mail::for_author(
            &c.dk,
            c.appeal.id,
            NewMail {
                school_id: Some(c.school.id),
                kind: "answer".into(),
                recipient: to,
                subject: atr.t1("mail-answer-subject", "number", number.as_str()),
                body: atr.ta(
                    "mail-answer-body",
                    &[
                        ("number", number.as_str().into()),
                        (
                            "link",
                            format!(
                                "{}/{}/follow-up",
                                state.config.public_url.trim_end_matches('/'),
                                lang.code()
                            )
                            .into(),
                        ),
                    ],
                ),
                ..NewMail::default()
            },
        ));
    }
    apply(&state, &staff, &slug, id, "answer", &f, ch).await
}

pub async fn forward(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    StaffForm(staff, f): StaffForm<CaseForm>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let c = load(&state, &staff, &slug, id, Action::WorkAppeal).await?;
    let mut errors = FormErrors::new();
    let bodies = state
        .store
        .bodies(&c.path)
        .await
        .map_err(AppError::internal(tr))?;
    let body = f
        .body
        .parse::<i64>()
        .ok()
        .and_then(|b| bodies.iter().find(|x| x.id == b));
    if body.is_none() {
        errors.add(tr, "body", "err-body-required");
    }
    let today = local_date(&c.school, state.clock.now());
    let country = Country::parse(&c.school.country).unwrap_or(Country::Kg);
    let received = local_date(
        &c.school,
        time::OffsetDateTime::from_unix_timestamp(c.appeal.received_at)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH),
    );
    let limit = school_calendar(&state, &c.school)
        .await
        .map_err(AppError::internal(tr))?
        .add_working_days(received, legal_limit(country));
    let deadline = super::parse_date(&f.deadline);
    match deadline {
        None => errors.add(tr, "deadline", "err-deadline-invalid"),
        Some(d) if d < today => errors.add(tr, "deadline", "err-deadline-past"),
        Some(d) if d > limit => errors.add(tr, "deadline", "err-deadline-legal-limit"),
        _ => {}
    }
    let current = status_of(&c.appeal);
    if !current.is_open() {
        errors.add(tr, "body", "err-appeal-closed");
    } else if current != Status::Forwarded
        && !current.can_move_to(Status::Forwarded)
        && current != Status::New
    {
        errors.add(tr, "body", "err-status-transition");
    }
    let (Some(body), Some(deadline), true) = (body, deadline, errors.is_empty()) else {
        return refused(&state, &staff, &slug, id, "forward", &f, errors).await;
    };
    let now = state.clock.now_ts();
    let mut ch = base(&c, &staff, now, &f, "forwarded");
    if current == Status::New {
        ch.journal.push(NewJournalEntry {
            kind: "status".into(),
            refers_to: None,
            plain: plain(&[("status", "in_work")]),
            payload_enc: None,
        });
    }
    ch.set_status = Some(Status::Forwarded.code().to_string());
    ch.forward = Some((new_id(), body.id, today.to_string(), deadline.to_string()));
    ch.audit_detail = format!("body:{}", body.id);
    ch.journal.push(NewJournalEntry {
        kind: "forwarded".into(),
        refers_to: None,
        plain: plain(&[("body", &body.name), ("deadline", &deadline.to_string())]),
        payload_enc: None,
    });
    apply(&state, &staff, &slug, id, "forward", &f, ch).await
}

pub async fn forward_outcome(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    StaffForm(staff, f): StaffForm<CaseForm>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let c = load(&state, &staff, &slug, id, Action::WorkAppeal).await?;
    let forwards = state
        .store
        .forwards_of(c.appeal.id)
        .await
        .map_err(AppError::internal(tr))?;
    let mut errors = FormErrors::new();
    let fw = f.forward.parse::<i64>().ok().and_then(|x| {
        forwards
            .iter()
            .find(|w| w.id == x && w.outcome_on.is_none())
    });
    if fw.is_none() {
        errors.add(tr, "forward", "err-forward-unknown");
    }
    check_text(tr, &mut errors, "text", &f.text, 5_000);
    let Some(fw) = fw.filter(|_| errors.is_empty()) else {
        return refused(&state, &staff, &slug, id, "outcome", &f, errors).await;
    };
    let now = state.clock.now_ts();
    let today = local_date(&c.school, state.clock.now()).to_string();
    let mut ch = base(&c, &staff, now, &f, "forward-outcome");
    let aad = trustbox_crypto::aad(&[
        b"forward",
        &c.school.id.to_be_bytes(),
        &c.appeal.id.to_be_bytes(),
        &fw.id.to_be_bytes(),
    ]);
    ch.forward_outcome = Some((
        fw.id,
        today.clone(),
        c.dk.seal(&aad, f.text.trim().as_bytes()),
    ));
    ch.journal.push(sealed_entry(
        &c,
        tr,
        "forward-outcome",
        None,
        plain(&[("date", &today)]),
        &JournalPayload {
            outcome: Some(f.text.trim().to_string()),
            ..Default::default()
        },
    )?);
    if status_of(&c.appeal) == Status::Forwarded {
        ch.set_status = Some(Status::InWork.code().to_string());
    }
    apply(&state, &staff, &slug, id, "outcome", &f, ch).await
}

pub async fn measures(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    StaffForm(staff, f): StaffForm<CaseForm>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let c = load(&state, &staff, &slug, id, Action::WorkAppeal).await?;
    let mut errors = FormErrors::new();
    check_text(tr, &mut errors, "text", &f.text, 2_000);
    if status_of(&c.appeal) == Status::NotAnAppeal {
        errors.add(tr, "text", "err-appeal-closed");
    }
    if !errors.is_empty() {
        return refused(&state, &staff, &slug, id, "measures", &f, errors).await;
    }
    let now = state.clock.now_ts();
    let mut ch = base(&c, &staff, now, &f, "measures-recorded");
    ch.journal.push(sealed_entry(
        &c,
        tr,
        "measures",
        None,
        "{}".into(),
        &JournalPayload {
            measures: Some(f.text.trim().to_string()),
            ..Default::default()
        },
    )?);
    apply(&state, &staff, &slug, id, "measures", &f, ch).await
}

/// A correction of the journal's short content: a new entry that refers to the registration.
pub async fn summary(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    StaffForm(staff, f): StaffForm<CaseForm>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let c = load(&state, &staff, &slug, id, Action::WorkAppeal).await?;
    let mut errors = FormErrors::new();
    check_text(tr, &mut errors, "text", &f.text, 500);
    if !errors.is_empty() {
        return refused(&state, &staff, &slug, id, "summary", &f, errors).await;
    }
    let entries = state
        .store
        .journal_of(c.school.id, c.appeal.id)
        .await
        .map_err(AppError::internal(tr))?;
    let registered = entries
        .iter()
        .find(|e| e.kind == "registered")
        .map(|e| e.id);
    let now = state.clock.now_ts();
    let mut ch = base(&c, &staff, now, &f, "journal-corrected");
    ch.journal.push(sealed_entry(
        &c,
        tr,
        "correction",
        registered,
        plain(&[("field", "summary")]),
        &JournalPayload {
            summary: Some(f.text.trim().to_string()),
            ..Default::default()
        },
    )?);
    apply(&state, &staff, &slug, id, "summary", &f, ch).await
}

/// Publishes on the board the notice "the author of the letter of <date, time> is invited to a
/// personal conversation with the social pedagogue" (seed 001 §3.4), for an anonymous letter.
pub async fn invite(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    StaffForm(staff, f): StaffForm<CaseForm>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let c = load(&state, &staff, &slug, id, Action::WorkAppeal).await?;
    let mut errors = FormErrors::new();
    if !c.appeal.anonymous {
        errors.add(tr, "invite", "err-invite-signed");
    }
    if !status_of(&c.appeal).is_open() {
        errors.add(tr, "invite", "err-appeal-closed");
    }
    if !errors.is_empty() {
        return refused(&state, &staff, &slug, id, "invite", &f, errors).await;
    }
    let now = state.clock.now_ts();
    let mut ch = base(&c, &staff, now, &f, "invited-on-board");
    let bid = new_id();
    let text = c.dk.seal(
        &crate::intake::board_aad(c.school.id, c.appeal.id, bid),
        b"",
    );
    ch.board = Some((
        bid,
        "invitation".into(),
        text,
        now + crate::intake::BOARD_DAYS * 86_400,
    ));
    ch.journal.push(NewJournalEntry {
        kind: "invitation".into(),
        refers_to: None,
        plain: "{}".into(),
        payload_enc: None,
    });
    apply(&state, &staff, &slug, id, "invite", &f, ch).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WithdrawForm {
    pub item: String,
}

/// Takes an item off the board.
pub async fn withdraw(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    StaffForm(staff, f): StaffForm<WithdrawForm>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let c = load(&state, &staff, &slug, id, Action::WorkAppeal).await?;
    let items = state
        .store
        .board_of_appeal(c.school.id, c.appeal.id)
        .await
        .map_err(AppError::internal(tr))?;
    let item = f
        .item
        .parse::<i64>()
        .ok()
        .and_then(|i| items.iter().find(|b| b.id == i))
        .ok_or(AppError::NotFound(tr))?;
    let now = state.clock.now_ts();
    match state
        .store
        .withdraw_board_item(c.school.id, item.id, now)
        .await
    {
        Ok(()) | Err(StoreError::NotFound) => {}
        Err(e) => return Err(AppError::internal(tr)(e)),
    }
    state
        .store
        .audit(
            &trustbox_store::AuditInput {
                actor_id: Some(staff.user.id),
                school_id: Some(c.school.id),
                action: "board-withdrawn",
                object: &format!("appeal:{}", c.appeal.id),
                detail: &item.id.to_string(),
            },
            now,
        )
        .await
        .map_err(AppError::internal(tr))?;
    Ok(Redirect::to(&format!("/staff/s/{slug}/appeals/{id}")).into_response())
}
