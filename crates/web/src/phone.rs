//! The trust phone (seed 004 §4.3–4.5): what the school's public page says about the line
//! (numbers, hours, and outside them the answering machine's text), and voicemail intake, one
//! path for the API and the command line.

use time::OffsetDateTime;
use trustbox_domain::phone::PhoneHours;
use trustbox_domain::{AppealForm, Channel, Lang, validate_appeal};
use trustbox_i18n::Tr;
use trustbox_store::{PhoneLine, StoreError, Unit};

use crate::intake::{Receipt, Submission, local_date, school_calendar, submit};
use crate::upload::{self, FileError, FileKind};
use crate::{AppState, utc_offset};

/// The weekday names, Monday first.
pub const DAY_IDS: [&str; 7] = [
    "phone-day-1",
    "phone-day-2",
    "phone-day-3",
    "phone-day-4",
    "phone-day-5",
    "phone-day-6",
    "phone-day-7",
];

/// Longest text of a line setting, in chars.
pub const MAX_SETTING_CHARS: usize = 2000;

/// A number as shown, and as a `tel:` link dials it.
#[derive(Debug, Clone)]
pub struct Number {
    pub text: String,
    pub tel: String,
}

/// The line as the public page shows it.
#[derive(Debug, Clone)]
pub struct PublicPhone {
    pub numbers: Vec<Number>,
    /// e.g. `Monday – Friday: 09:00–18:30`
    pub hours: Vec<String>,
    pub open_now: bool,
    /// The answering machine's text in the reader's language.
    pub off_hours: String,
}

/// The answering machine's text in `tr`'s language: the school's own, else the built-in one.
pub fn off_hours_text(line: &PhoneLine, tr: Tr) -> String {
    let own = match tr.lang() {
        Lang::Ky => &line.off_hours[0],
        Lang::Kk => &line.off_hours[1],
        Lang::Ru => &line.off_hours[2],
        Lang::En => &line.off_hours[3],
    };
    if own.trim().is_empty() {
        tr.t("phone-off-hours-default")
    } else {
        own.trim().to_string()
    }
}

/// The hours as lines for people, consecutive days with the same hours grouped.
pub fn hours_lines(hours: &PhoneHours, tr: Tr) -> Vec<String> {
    let name = |wd: time::Weekday| tr.t(DAY_IDS[usize::from(wd.number_days_from_monday())]);
    hours
        .groups()
        .into_iter()
        .map(|(first, last, h)| {
            let days = if first == last {
                name(first)
            } else {
                tr.ta(
                    "phone-days-range",
                    &[("first", name(first).into()), ("last", name(last).into())],
                )
            };
            tr.ta(
                "phone-hours-line",
                &[
                    ("days", days.into()),
                    ("from", h.from_text().into()),
                    ("to", h.to_text().into()),
                ],
            )
        })
        .collect()
}

/// Whether the line is answered at `at` in the school's time zone, on its calendar.
pub async fn is_open(
    state: &AppState,
    school: &Unit,
    hours: &PhoneHours,
    at: OffsetDateTime,
) -> Result<bool, StoreError> {
    let off = utc_offset(&school.time_zone).unwrap_or(time::UtcOffset::UTC);
    let t = at.to_offset(off);
    let cal = school_calendar(state, school).await?;
    let holiday = !cal.is_working_day(t.date()) && cal.days_off().any(|d| d == t.date());
    let minute = u16::from(t.hour()) * 60 + u16::from(t.minute());
    Ok(hours.is_open(t.weekday(), minute, holiday))
}

/// The line for the public page, or `None` when the school has given no number.
pub async fn public_phone(
    state: &AppState,
    school: &Unit,
    tr: Tr,
) -> Result<Option<PublicPhone>, StoreError> {
    let line = state.store.phone_line(school.id).await?;
    let numbers: Vec<Number> = line
        .numbers
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| Number {
            text: l.to_string(),
            tel: l
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '+')
                .collect(),
        })
        .collect();
    if numbers.is_empty() {
        return Ok(None);
    }
    let hours = PhoneHours::parse(&line.hours).unwrap_or_default();
    let open_now = is_open(state, school, &hours, state.clock.now()).await?;
    Ok(Some(PublicPhone {
        numbers,
        hours: hours_lines(&hours, tr),
        open_now,
        off_hours: off_hours_text(&line, tr),
    }))
}

/// A recording left on the answering machine.
pub struct Voicemail {
    pub audio: Vec<u8>,
    /// The file name as sent (only for the display name).
    pub file_name: String,
    /// When the message was left, if not now.
    pub received_at: Option<OffsetDateTime>,
    /// A transcript from the phone system, if it makes one; else a standard text.
    pub text: Option<String>,
}

/// Why a voicemail was refused: a Fluent message id and the field at fault.
#[derive(Debug, thiserror::Error)]
pub enum VoicemailError {
    #[error("{code}")]
    Invalid {
        field: &'static str,
        code: &'static str,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn invalid(field: &'static str, code: &'static str) -> VoicemailError {
    VoicemailError::Invalid { field, code }
}

/// Checks a recording: size, then an audio type sniffed from the content (never the name).
pub fn accept_audio(name: &str, bytes: Vec<u8>) -> Result<upload::AcceptedFile, VoicemailError> {
    match upload::accept(name, bytes) {
        Ok(f) if f.kind == FileKind::Audio => Ok(f),
        Ok(_) | Err(FileError::ForbiddenType | FileError::Broken) => {
            Err(invalid("audio", "err-voicemail-not-audio"))
        }
        Err(e) => Err(invalid("audio", e.message_id())),
    }
}

/// Registers a voicemail as a `voicemail` appeal with the recording attached (encrypted with
/// the appeal's data key like every attachment). Nothing is written when it is refused.
pub async fn take_voicemail(
    state: &AppState,
    school: &Unit,
    v: Voicemail,
) -> Result<Receipt, VoicemailError> {
    let file = accept_audio(&v.file_name, v.audio)?;
    let now = state.clock.now();
    // No earlier than a year back, no later than now (a sender's clock a few minutes ahead is
    // taken as now). The API also refuses a time before the school's creation; a recording
    // imported by hand on the server (`trustbox intake`) may be older than a school just set up.
    let received_at = match v.received_at {
        None => None,
        Some(t) => {
            trustbox_domain::check_received_at(t.unix_timestamp(), now.unix_timestamp(), i64::MIN)
                .map_err(|e| invalid("received_at", e.message_id()))?;
            Some(t.min(now))
        }
    };
    let lang = Lang::parse(&school.default_lang).unwrap_or(Lang::Ru);
    let text = match v.text.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() => t.to_string(),
        _ => Tr::new(lang).t("phone-voicemail-text"),
    };
    let received = received_at.unwrap_or(now);
    let form = AppealForm {
        author: "other".into(),
        anonymous: true,
        category: "other".into(),
        text,
        written_on: local_date(school, received).to_string(),
        answer_via: "board".into(),
        ..Default::default()
    };
    let valid = validate_appeal(&form, local_date(school, now)).map_err(|errs| {
        let e = errs.first().copied();
        invalid(
            e.map(|e| e.field).unwrap_or("text"),
            e.map(|e| e.code).unwrap_or("err-text-empty"),
        )
    })?;
    Ok(submit(
        state,
        school,
        Submission {
            valid,
            channel: Channel::Voicemail,
            lang,
            files: vec![file],
            entered_by: None,
            received_at,
        },
    )
    .await?)
}
