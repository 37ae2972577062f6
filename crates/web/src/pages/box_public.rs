//! The digital box, public side: the school's page, the letter form, the receipt, the
//! follow-up with the receipt code. No cookies, no script, nothing cached.

use std::net::IpAddr;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use time::Date;
use trustbox_crypto::ReceiptCode;
use trustbox_domain::{
    AnswerVia, AppealForm, AuthorType, Category, Channel, Country, Lang, Status, validate_appeal,
};
use trustbox_i18n::Tr;
use trustbox_store::{AppealRow, AuditInput, NewMessage, StoreError, Unit};

use super::{LangOption, fmt_date, fmt_datetime};
use crate::forms::FormErrors;
use crate::intake::{
    Submission, field_aad, key_aad, local_date, message_aad, new_id, seal_files, submit,
};
use crate::rate::{FOLLOW_UP_FAILURES, SUBMISSIONS};
use crate::session::guess_lang;
use crate::upload::{self, AcceptedFile, MAX_FILE_BYTES, MAX_FILES};
use crate::{AppError, AppState};

pub use crate::client::ClientIp;

/// What every public page's frame needs.
pub struct PublicLayout {
    pub tr: Tr,
    pub title: String,
    pub langs: Vec<LangOption>,
    pub hrefs: Vec<String>,
}

impl PublicLayout {
    /// `path_after_lang` is the rest of this page's address, so the language links keep the page.
    pub fn new(tr: Tr, title: String, path_after_lang: &str) -> PublicLayout {
        let langs = super::lang_options(tr.lang());
        let hrefs = langs
            .iter()
            .map(|l| format!("/{}{}", l.code, path_after_lang))
            .collect();
        PublicLayout {
            tr,
            title,
            langs,
            hrefs,
        }
    }
}

fn parse_lang(lang: &str) -> Result<Lang, AppError> {
    Lang::parse(lang).ok_or(AppError::NotFound(Tr::new(Lang::Ru)))
}

async fn school(state: &AppState, tr: Tr, slug: &str) -> Result<Unit, AppError> {
    match crate::cache::unit_by_slug(state, slug).await {
        Ok(u) if u.kind == "school" => Ok(u),
        Ok(_) | Err(StoreError::NotFound) => Err(AppError::NotFound(tr)),
        Err(e) => Err(AppError::internal(tr)(e)),
    }
}

/// A helpline as shown.
pub struct Helpline {
    pub number: String,
    pub label: String,
}

fn helplines(tr: Tr, school: &Unit) -> Vec<Helpline> {
    let country = Country::parse(&school.country).unwrap_or(Country::Kg);
    crate::helplines::helplines(country)
        .iter()
        .map(|(n, id)| Helpline {
            number: n.to_string(),
            label: tr.t(id),
        })
        .collect()
}

/// `/{x}`: a language's home page, or a school's page in the browser's language.
pub async fn lang_or_school(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(x): Path<String>,
) -> Result<Response, AppError> {
    if Lang::parse(&x).is_some() {
        return super::public::home(State(state), Path(x)).await;
    }
    let lang = guess_lang(&headers, None);
    let s = school(&state, Tr::new(lang), &x).await?;
    Ok(Redirect::to(&format!("/{}/{}", lang.code(), s.slug)).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "school_public.html")]
struct SchoolPage {
    p: PublicLayout,
    tr: Tr,
    slug: String,
    name: String,
    answer_days: i64,
    phone: Option<crate::phone::PublicPhone>,
    opening_schedule: String,
    helplines: Vec<Helpline>,
}

pub async fn school_page(
    State(state): State<AppState>,
    Path((lang, slug)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let tr = Tr::new(parse_lang(&lang)?);
    let s = school(&state, tr, &slug).await?;
    let config = crate::intake::school_config(&state, &s)
        .await
        .map_err(AppError::internal(tr))?;
    let settings = &config.settings;
    let name = s.name(tr.code()).to_string();
    let phone = crate::phone::public_phone(&state, &s, tr)
        .await
        .map_err(AppError::internal(tr))?;
    Ok(SchoolPage {
        p: PublicLayout::new(tr, name.clone(), &format!("/{}", s.slug)),
        tr,
        helplines: helplines(tr, &s),
        slug: s.slug,
        name,
        answer_days: settings.answer_days,
        phone,
        opening_schedule: settings.opening_schedule.clone(),
    }
    .into_response())
}

/// A choice in a radio group or select.
pub struct Choice {
    pub value: &'static str,
    pub label: String,
    pub checked: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "write.html")]
struct WritePage {
    p: PublicLayout,
    tr: Tr,
    slug: String,
    name: String,
    f: AppealForm,
    errors: FormErrors,
    reattach: Vec<String>,
    authors: Vec<Choice>,
    categories: Vec<Choice>,
    answers: Vec<Choice>,
    today: String,
    max_files: usize,
    max_chars: usize,
    contact_fields: Vec<(&'static str, &'static str, &'static str, String)>,
}

fn write_page(
    tr: Tr,
    s: &Unit,
    f: AppealForm,
    errors: FormErrors,
    reattach: Vec<String>,
    today: Date,
) -> WritePage {
    let authors = AuthorType::ALL
        .iter()
        .map(|a| Choice {
            value: a.code(),
            label: tr.t(a.message_id()),
            checked: f.author == a.code(),
        })
        .collect();
    let categories = Category::ALL
        .iter()
        .map(|c| Choice {
            value: c.code(),
            label: tr.t(c.message_id()),
            checked: f.category == c.code(),
        })
        .collect();
    let current = if f.answer_via.is_empty() {
        "board"
    } else {
        f.answer_via.as_str()
    };
    let answers = AnswerVia::ALL
        .iter()
        .map(|a| Choice {
            value: a.code(),
            label: tr.t(a.message_id()),
            checked: current == a.code(),
        })
        .collect();
    let name = s.name(tr.code()).to_string();
    let contact_fields = vec![
        ("name", "write-name", "text", f.name.clone()),
        ("age", "write-age", "text", f.age.clone()),
        ("class", "write-class", "text", f.class.clone()),
        ("address", "write-address", "text", f.address.clone()),
        ("phone", "write-phone", "tel", f.phone.clone()),
        ("email", "write-email", "email", f.email.clone()),
    ];
    WritePage {
        contact_fields,
        p: PublicLayout::new(tr, tr.t("write-title"), &format!("/{}/write", s.slug)),
        tr,
        slug: s.slug.clone(),
        name,
        f,
        errors,
        reattach,
        authors,
        categories,
        answers,
        today: today.to_string(),
        max_files: MAX_FILES,
        max_chars: trustbox_domain::MAX_TEXT_CHARS,
    }
}

pub async fn write_form(
    State(state): State<AppState>,
    Path((lang, slug)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let tr = Tr::new(parse_lang(&lang)?);
    let s = school(&state, tr, &slug).await?;
    let today = local_date(&s, state.clock.now());
    let f = AppealForm {
        anonymous: true,
        written_on: today.to_string(),
        ..Default::default()
    };
    Ok(write_page(tr, &s, f, FormErrors::new(), vec![], today).into_response())
}

/// The fields and files of a multipart appeal or reply form.
pub struct Parsed {
    pub form: AppealForm,
    pub code: String,
    pub files: Vec<AcceptedFile>,
    /// (file name, message id) of files refused.
    pub refused: Vec<(String, &'static str)>,
    pub too_many: bool,
}

/// Reads a multipart form: text fields into an [`AppealForm`], files through [`upload::accept`].
pub async fn read_multipart(mut mp: Multipart) -> Result<Parsed, ()> {
    let mut p = Parsed {
        form: AppealForm::default(),
        code: String::new(),
        files: vec![],
        refused: vec![],
        too_many: false,
    };
    let mut anonymous_seen = false;
    while let Some(mut field) = mp.next_field().await.map_err(|_| ())? {
        let name = field.name().unwrap_or("").to_string();
        if name == "files" {
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
                continue; // the empty file input
            }
            if p.files.len() >= MAX_FILES {
                p.too_many = true;
                p.refused.push((fname, "err-files-too-many"));
                continue;
            }
            let result = if too_large {
                Err(upload::FileError::TooLarge)
            } else {
                upload::accept(&fname, bytes)
            };
            match result {
                Ok(f) => p.files.push(f),
                Err(e) => p.refused.push((fname, e.message_id())),
            }
            continue;
        }
        let text = field.text().await.map_err(|_| ())?;
        let f = &mut p.form;
        match name.as_str() {
            "author" => f.author = text,
            "anonymous" => {
                anonymous_seen = true;
                f.anonymous = text != "0";
            }
            "name" => f.name = text,
            "age" => f.age = text,
            "class" => f.class = text,
            "address" => f.address = text,
            "phone" => f.phone = text,
            "email" => f.email = text,
            "category" => f.category = text,
            "text" => f.text = text,
            "written_on" => f.written_on = text,
            "answer_via" => f.answer_via = text,
            "code" => p.code = text,
            _ => {}
        }
    }
    if !anonymous_seen {
        p.form.anonymous = true; // anonymous unless the author chose to sign
    }
    Ok(p)
}

#[derive(Template, WebTemplate)]
#[template(path = "receipt.html")]
struct ReceiptPage {
    p: PublicLayout,
    tr: Tr,
    slug: String,
    name: String,
    code: String,
    number: String,
    deadline: String,
    urgent: bool,
    anonymous: bool,
    files: usize,
    helplines: Vec<Helpline>,
}

pub async fn write_submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path((lang, slug)): Path<(String, String)>,
    mp: Multipart,
) -> Result<Response, AppError> {
    let lang = parse_lang(&lang)?;
    let tr = Tr::new(lang);
    let s = school(&state, tr, &slug).await?;
    let parsed = read_multipart(mp)
        .await
        .map_err(|_| AppError::Refused(tr, StatusCode::BAD_REQUEST, "error-bad-form"))?;
    let now = state.clock.now();
    let today = local_date(&s, now);
    let mut errors = FormErrors::new();
    let valid = validate_appeal(&parsed.form, today);
    if let Err(errs) = &valid {
        errors.add_field_errors(tr, errs);
    }
    for (name, id) in &parsed.refused {
        errors.add(tr, "files", id);
        let _ = name;
    }
    let key = state.limiter.key(ip, "intake");
    if errors.is_empty()
        && let Err(wait) = state.limiter.hit(&key, now.unix_timestamp(), SUBMISSIONS)
    {
        errors.add(tr, "form", "err-too-many-submissions");
        tracing::warn!(wait, "intake rate limit reached");
    }
    let valid = match valid {
        Ok(v) if errors.is_empty() => v,
        _ => {
            // Shown again with everything typed; files cannot be kept without cookies, so each
            // one is named for attaching again.
            let mut reattach: Vec<String> = parsed.files.iter().map(|f| f.name.clone()).collect();
            reattach.extend(
                parsed
                    .refused
                    .iter()
                    .map(|(n, id)| format!("{n} — {}", tr.t(id))),
            );
            let page = write_page(tr, &s, parsed.form, errors, reattach, today);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let anonymous = valid.anonymous;
    let files = parsed.files.len();
    let file_names: Vec<String> = parsed.files.iter().map(|f| f.name.clone()).collect();
    let receipt = match submit(
        &state,
        &s,
        Submission {
            valid,
            channel: Channel::Web,
            lang,
            files: parsed.files,
            entered_by: None,
            received_at: None,
        },
    )
    .await
    {
        Ok(r) => r,
        Err(e) => {
            // Not registered: the author is told so, with the form as typed, to send again.
            tracing::error!(error = %e, school = %s.slug, "a letter could not be registered");
            let mut errors = FormErrors::new();
            errors.add(tr, "form", "err-not-saved");
            let page = write_page(tr, &s, parsed.form, errors, file_names, today);
            return Ok((StatusCode::SERVICE_UNAVAILABLE, page).into_response());
        }
    };
    let name = s.name(tr.code()).to_string();
    let page = ReceiptPage {
        p: PublicLayout::new(tr, tr.t("receipt-title"), &format!("/{}", s.slug)),
        tr,
        helplines: helplines(tr, &s),
        slug: s.slug,
        name,
        code: receipt.code.grouped(),
        number: receipt.number.to_string(),
        deadline: fmt_date(receipt.deadline),
        urgent: receipt.urgent,
        anonymous,
        files,
    };
    Ok((StatusCode::CREATED, page).into_response())
}

/// A message of the conversation as the author sees it.
pub struct ShownMessage {
    pub from_staff: bool,
    pub at: String,
    pub body: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "follow_up.html")]
struct FollowUpPage {
    p: PublicLayout,
    tr: Tr,
    code: String,
    error: Option<String>,
    found: Option<FoundAppeal>,
    errors: FormErrors,
    reply: String,
    reattach: Vec<String>,
    sent: bool,
    max_files: usize,
}

/// What the author may see of their appeal.
pub struct FoundAppeal {
    pub school_name: String,
    pub number: String,
    pub received: String,
    pub status: String,
    pub deadline: String,
    pub open: bool,
    pub messages: Vec<ShownMessage>,
    pub files: Vec<String>,
}

fn follow_up_page(tr: Tr, code: String) -> FollowUpPage {
    FollowUpPage {
        p: PublicLayout::new(tr, tr.t("follow-up-title"), "/follow-up"),
        tr,
        code,
        error: None,
        found: None,
        errors: FormErrors::new(),
        reply: String::new(),
        reattach: vec![],
        sent: false,
        max_files: MAX_FILES,
    }
}

pub async fn follow_up_form(Path(lang): Path<String>) -> Result<Response, AppError> {
    let tr = Tr::new(parse_lang(&lang)?);
    Ok(follow_up_page(tr, String::new()).into_response())
}

/// Why a receipt code opened nothing: an HTTP status, a stable code for the API, a message.
pub(crate) struct Refusal {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

/// Opens an appeal by its receipt code, for the follow-up page and the API alike: wrong or
/// malformed codes are counted per client (IPv6 by its /64), slowed, and then that client is
/// refused for a while. There is no lock for everyone: a correct code from anyone else opens its
/// letter whatever others guess (guessing is pointless anyway: see DESIGN.md, "Receipt codes").
pub(crate) async fn open_by_code(
    state: &AppState,
    tr: Tr,
    ip: Option<IpAddr>,
    code: &str,
) -> Result<Result<AppealRow, Refusal>, StoreError> {
    let now = state.clock.now_ts();
    let key = state.limiter.key(ip, "follow-up");
    let blocked = |wait: i64| Refusal {
        status: StatusCode::TOO_MANY_REQUESTS,
        code: "too_many_attempts",
        message: tr.t1("follow-up-blocked", "minutes", (wait + 59) / 60),
    };
    if let Some(wait) = state.limiter.blocked(&key, now) {
        return Ok(Err(blocked(wait)));
    }
    if code.trim().is_empty() {
        return Ok(Err(Refusal {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "err-receipt-required",
            message: tr.t("follow-up-code-required"),
        }));
    }
    let failure = |status: StatusCode, code: &'static str, message_id: &str| match state
        .limiter
        .hit(&key, now, FOLLOW_UP_FAILURES)
    {
        Err(wait) => blocked(wait),
        Ok(_) => Refusal {
            status,
            code,
            message: tr.t(message_id),
        },
    };
    let Ok(receipt) = ReceiptCode::parse(code) else {
        return Ok(Err(failure(
            StatusCode::UNPROCESSABLE_ENTITY,
            "err-receipt-format",
            "follow-up-code-format",
        )));
    };
    match state
        .store
        .appeal_by_receipt(&receipt.lookup_hash(&state.keys.pepper))
        .await
    {
        Ok(a) => Ok(Ok(a)),
        Err(StoreError::NotFound) => {
            tokio::time::sleep(std::time::Duration::from_millis(
                state.config.login_failure_delay_ms,
            ))
            .await;
            Ok(Err(failure(
                StatusCode::NOT_FOUND,
                "not_found",
                "follow-up-not-found",
            )))
        }
        Err(e) => Err(e),
    }
}

async fn found(state: &AppState, tr: Tr, a: &AppealRow) -> Result<FoundAppeal, AppError> {
    let s = state
        .store
        .unit(a.school_id)
        .await
        .map_err(AppError::internal(tr))?;
    let dk = state
        .keys
        .unwrap_data_key(&a.data_key, &key_aad(a.school_id, a.id))
        .map_err(|e| AppError::Internal(tr, e.to_string()))?;
    let mut messages = vec![ShownMessage {
        from_staff: false,
        at: fmt_datetime(&s, a.received_at),
        body: dk
            .open_string(&field_aad(a.school_id, a.id, "text"), &a.text_enc)
            .map_err(|e| AppError::Internal(tr, e.to_string()))?,
    }];
    for m in state
        .store
        .messages(a.id)
        .await
        .map_err(AppError::internal(tr))?
    {
        messages.push(ShownMessage {
            from_staff: m.from_staff,
            at: fmt_datetime(&s, m.at),
            body: dk
                .open_string(&message_aad(a.school_id, a.id, m.id), &m.body_enc)
                .map_err(|e| AppError::Internal(tr, e.to_string()))?,
        });
    }
    let files = state
        .store
        .attachments(a.id)
        .await
        .map_err(AppError::internal(tr))?
        .into_iter()
        .filter_map(|f| {
            dk.open_string(
                &crate::intake::attachment_aad(a.school_id, a.id, f.id, "name"),
                &f.name_enc,
            )
            .ok()
        })
        .collect();
    let status = Status::parse(&a.status).unwrap_or(Status::New);
    Ok(FoundAppeal {
        school_name: s.name(tr.code()).to_string(),
        number: format!("{}/{}", a.journal_year, a.journal_seq),
        received: fmt_datetime(&s, a.received_at),
        status: tr.t(status.message_id()),
        deadline: super::parse_date(&a.deadline)
            .map(fmt_date)
            .unwrap_or_else(|| a.deadline.clone()),
        open: status.is_open(),
        messages,
        files,
    })
}

#[derive(serde::Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

pub async fn follow_up_submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(lang): Path<String>,
    axum::Form(f): axum::Form<CodeForm>,
) -> Result<Response, AppError> {
    let tr = Tr::new(parse_lang(&lang)?);
    let mut page = follow_up_page(tr, f.code.clone());
    match open_by_code(&state, tr, ip, &f.code)
        .await
        .map_err(AppError::internal(tr))?
    {
        Ok(a) => {
            page.found = Some(found(&state, tr, &a).await?);
            Ok(page.into_response())
        }
        Err(r) => {
            page.error = Some(r.message);
            Ok((r.status, page).into_response())
        }
    }
}

pub async fn follow_up_reply(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(lang): Path<String>,
    mp: Multipart,
) -> Result<Response, AppError> {
    let tr = Tr::new(parse_lang(&lang)?);
    let parsed = read_multipart(mp)
        .await
        .map_err(|_| AppError::Refused(tr, StatusCode::BAD_REQUEST, "error-bad-form"))?;
    let mut page = follow_up_page(tr, parsed.code.clone());
    let a = match open_by_code(&state, tr, ip, &parsed.code)
        .await
        .map_err(AppError::internal(tr))?
    {
        Ok(a) => a,
        Err(r) => {
            page.error = Some(r.message);
            return Ok((r.status, page).into_response());
        }
    };
    let text = parsed.form.text.trim().to_string();
    if text.is_empty() && parsed.files.is_empty() {
        page.errors.add(tr, "text", "err-text-empty");
    }
    if text.chars().count() > trustbox_domain::MAX_TEXT_CHARS {
        page.errors.add(tr, "text", "err-text-too-long");
    }
    for (_, id) in &parsed.refused {
        page.errors.add(tr, "files", id);
    }
    let status = Status::parse(&a.status).unwrap_or(Status::New);
    if !status.is_open() {
        page.errors.add(tr, "text", "err-appeal-closed");
    }
    if !page.errors.is_empty() {
        page.reply = parsed.form.text;
        page.reattach = parsed.files.iter().map(|f| f.name.clone()).collect();
        page.found = Some(found(&state, tr, &a).await?);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let dk = state
        .keys
        .unwrap_data_key(&a.data_key, &key_aad(a.school_id, a.id))
        .map_err(|e| AppError::Internal(tr, e.to_string()))?;
    let id = new_id();
    let now = state.clock.now_ts();
    let msg = NewMessage {
        id,
        appeal_id: a.id,
        school_id: a.school_id,
        at: now,
        from_staff: false,
        user_id: None,
        body_enc: dk.seal(&message_aad(a.school_id, a.id, id), text.as_bytes()),
        attachments: seal_files(&dk, a.school_id, a.id, &parsed.files),
        mails: vec![],
    };
    let detail = format!("{} files", parsed.files.len());
    state
        .store
        .add_message(
            &msg,
            &AuditInput {
                actor_id: None,
                school_id: Some(a.school_id),
                action: "author-replied",
                object: &format!("appeal:{}", a.id),
                detail: &detail,
            },
        )
        .await
        .map_err(AppError::internal(tr))?;
    page.sent = true;
    page.found = Some(found(&state, tr, &a).await?);
    Ok((StatusCode::CREATED, page).into_response())
}
