//! Appeals: the closed vocabularies (author, category, answer channel, intake channel, status),
//! the status transition table and validation of the public submission form.

use serde::{Deserialize, Serialize};
use time::Date;
use time::macros::format_description;

use crate::error::FieldError;
use crate::triage::{self, RiskKind};

/// Who wrote the appeal (journal column "author").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthorType {
    Pupil,
    Parent,
    Teacher,
    Other,
}

impl AuthorType {
    pub const ALL: &'static [AuthorType] = &[
        AuthorType::Pupil,
        AuthorType::Parent,
        AuthorType::Teacher,
        AuthorType::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AuthorType::Pupil => "pupil",
            AuthorType::Parent => "parent",
            AuthorType::Teacher => "teacher",
            AuthorType::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<AuthorType> {
        AuthorType::ALL.iter().copied().find(|v| v.code() == s)
    }

    pub fn message_id(self) -> &'static str {
        match self {
            AuthorType::Pupil => "author-pupil",
            AuthorType::Parent => "author-parent",
            AuthorType::Teacher => "author-teacher",
            AuthorType::Other => "author-other",
        }
    }
}

/// What the appeal is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Bullying,
    Violence,
    Rights,
    Corruption,
    Psychological,
    Study,
    Suggestion,
    Question,
    Other,
}

impl Category {
    pub const ALL: &'static [Category] = &[
        Category::Bullying,
        Category::Violence,
        Category::Rights,
        Category::Corruption,
        Category::Psychological,
        Category::Study,
        Category::Suggestion,
        Category::Question,
        Category::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Category::Bullying => "bullying",
            Category::Violence => "violence",
            Category::Rights => "rights",
            Category::Corruption => "corruption",
            Category::Psychological => "psychological",
            Category::Study => "study",
            Category::Suggestion => "suggestion",
            Category::Question => "question",
            Category::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.iter().copied().find(|v| v.code() == s)
    }

    pub fn message_id(self) -> &'static str {
        match self {
            Category::Bullying => "category-bullying",
            Category::Violence => "category-violence",
            Category::Rights => "category-rights",
            Category::Corruption => "category-corruption",
            Category::Psychological => "category-psychological",
            Category::Study => "category-study",
            Category::Suggestion => "category-suggestion",
            Category::Question => "category-question",
            Category::Other => "category-other",
        }
    }
}

/// How the author wants the answer: on the public board (identified by the letter's date and
/// time, never by the author), personally (a conversation), or by e-mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerVia {
    Board,
    Personal,
    Email,
}

impl AnswerVia {
    pub const ALL: &'static [AnswerVia] =
        &[AnswerVia::Board, AnswerVia::Personal, AnswerVia::Email];

    pub fn code(self) -> &'static str {
        match self {
            AnswerVia::Board => "board",
            AnswerVia::Personal => "personal",
            AnswerVia::Email => "email",
        }
    }

    pub fn parse(s: &str) -> Option<AnswerVia> {
        AnswerVia::ALL.iter().copied().find(|v| v.code() == s)
    }

    pub fn message_id(self) -> &'static str {
        match self {
            AnswerVia::Board => "answer-via-board",
            AnswerVia::Personal => "answer-via-personal",
            AnswerVia::Email => "answer-via-email",
        }
    }

    /// Whether this answer channel needs a signed (non-anonymous) letter.
    pub fn needs_signature(self) -> bool {
        !matches!(self, AnswerVia::Board)
    }
}

/// How the appeal reached the school.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Web,
    Phone,
    Voicemail,
    Email,
    InPerson,
    Paper,
}

impl Channel {
    pub const ALL: &'static [Channel] = &[
        Channel::Web,
        Channel::Phone,
        Channel::Voicemail,
        Channel::Email,
        Channel::InPerson,
        Channel::Paper,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Phone => "phone",
            Channel::Voicemail => "voicemail",
            Channel::Email => "email",
            Channel::InPerson => "in_person",
            Channel::Paper => "paper",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.iter().copied().find(|v| v.code() == s)
    }

    pub fn message_id(self) -> &'static str {
        match self {
            Channel::Web => "channel-web",
            Channel::Phone => "channel-phone",
            Channel::Voicemail => "channel-voicemail",
            Channel::Email => "channel-email",
            Channel::InPerson => "channel-in-person",
            Channel::Paper => "channel-paper",
        }
    }
}

/// Where an appeal is in its life.
///
/// Transition table ([`Status::can_move_to`]); anything not listed is refused, including
/// staying in the same status:
///
/// | from \ to | new | in_work | forwarded | answered | closed | not_an_appeal |
/// |---|---|---|---|---|---|---|
/// | new | | yes | | | | yes |
/// | in_work | | | yes | yes | | yes |
/// | forwarded | | yes | | yes | | |
/// | answered | | yes (reopen) | | | yes | |
/// | closed | | | | | | |
/// | not_an_appeal | | | | | | |
///
/// `closed` and `not_an_appeal` (spam, a test, a drawing) are final: a mistake is corrected by a
/// new journal entry, never by rewriting the old one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    New,
    InWork,
    Forwarded,
    Answered,
    Closed,
    NotAnAppeal,
}

impl Status {
    pub const ALL: &'static [Status] = &[
        Status::New,
        Status::InWork,
        Status::Forwarded,
        Status::Answered,
        Status::Closed,
        Status::NotAnAppeal,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::InWork => "in_work",
            Status::Forwarded => "forwarded",
            Status::Answered => "answered",
            Status::Closed => "closed",
            Status::NotAnAppeal => "not_an_appeal",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.iter().copied().find(|v| v.code() == s)
    }

    pub fn message_id(self) -> &'static str {
        match self {
            Status::New => "status-new",
            Status::InWork => "status-in-work",
            Status::Forwarded => "status-forwarded",
            Status::Answered => "status-answered",
            Status::Closed => "status-closed",
            Status::NotAnAppeal => "status-not-an-appeal",
        }
    }

    /// See the table on [`Status`].
    pub fn can_move_to(self, next: Status) -> bool {
        use Status::*;
        matches!(
            (self, next),
            (New, InWork)
                | (New, NotAnAppeal)
                | (InWork, Forwarded)
                | (InWork, Answered)
                | (InWork, NotAnAppeal)
                | (Forwarded, InWork)
                | (Forwarded, Answered)
                | (Answered, Closed)
                | (Answered, InWork)
        )
    }

    /// Still needs work: counts towards the deadline and the inbox. `answered` is open too
    /// (waiting to be closed, may be reopened); `closed` and `not_an_appeal` are not.
    pub fn is_open(self) -> bool {
        !self.is_final()
    }

    /// No transition leaves this status.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Closed | Status::NotAnAppeal)
    }
}

macro_rules! impl_display_code {
    ($($t:ty),*) => {$(
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    )*};
}
impl_display_code!(AuthorType, Category, AnswerVia, Channel, Status);

/// The public submission form exactly as typed (all strings), so that a form failing
/// validation can be shown again with everything still in it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AppealForm {
    pub author: String,
    pub anonymous: bool,
    pub name: String,
    pub age: String,
    pub class: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub category: String,
    pub text: String,
    /// `YYYY-MM-DD` (an HTML date input); empty means "today".
    pub written_on: String,
    /// empty means `board`.
    pub answer_via: String,
}

/// The author's contact details, trimmed; an empty field is `None`. Always all-`None` for an
/// anonymous appeal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub name: Option<String>,
    pub age: Option<String>,
    pub class: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl Contact {
    pub fn is_empty(&self) -> bool {
        self == &Contact::default()
    }
}

/// A validated appeal, ready to be registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidAppeal {
    pub author: AuthorType,
    pub anonymous: bool,
    pub contact: Contact,
    pub category: Category,
    /// Trimmed at both ends; inner text untouched.
    pub text: String,
    pub written_on: Date,
    pub answer_via: AnswerVia,
    /// `!risks.is_empty()`: notify the responsible person at once, show helplines.
    pub urgent: bool,
    pub risks: Vec<RiskKind>,
}

/// Longest letter text, in characters (not bytes).
pub const MAX_TEXT_CHARS: usize = 10_000;
pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_AGE_CHARS: usize = 20;
pub const MAX_CLASS_CHARS: usize = 20;
pub const MAX_ADDRESS_CHARS: usize = 300;
pub const MAX_PHONE_CHARS: usize = 40;
pub const MAX_EMAIL_CHARS: usize = 254;
/// How far back a date of writing may be: letters lie in a paper box for weeks, but not years.
pub const MAX_WRITTEN_AGO_DAYS: i64 = 366;

/// Validates the public form; returns every field error at once (in form order).
///
/// Decisions beyond the obvious:
/// - `author` and `category` are required (`err-…-required` when empty, `err-…-unknown` when not
///   one of the codes); `answer_via` empty means `board`.
/// - `written_on` empty means `today`; otherwise `YYYY-MM-DD`, not after `today`, not more than
///   [`MAX_WRITTEN_AGO_DAYS`] before it.
/// - `anonymous`: the contact fields are dropped without being checked (a pupil who typed a name
///   and then ticked "anonymous" must not be blocked by it), and `answer_via` must be `board`.
/// - signed (not anonymous): a name is required; every given contact field is checked.
/// - `age`: a number must be 5..=120 (`err-age-out-of-range`); anything with a non-digit
///   ("7 класс", "12 жашта", "about 40") is kept as free text of at most 20 characters
///   (`err-age-too-long`). Pupils do write the class into the age field, and refusing it would
///   lose a letter for nothing.
/// - `phone`: only digits, spaces, `+ - ( )`; 5..=20 digits; at most 40 characters.
/// - `email`: at most 254 characters, no whitespace, exactly one `@`, a non-empty local part,
///   a domain with a dot that neither starts nor ends with a dot and has no empty label.
///   `answer_via = email` needs one (`err-email-required`).
pub fn validate_appeal(form: &AppealForm, today: Date) -> Result<ValidAppeal, Vec<FieldError>> {
    let mut errors = Vec::new();

    let author = match form.author.trim() {
        "" => {
            errors.push(FieldError::new("author", "err-author-required"));
            None
        }
        s => {
            let a = AuthorType::parse(s);
            if a.is_none() {
                errors.push(FieldError::new("author", "err-author-unknown"));
            }
            a
        }
    };

    let contact = if form.anonymous {
        Contact::default()
    } else {
        validate_contact(form, &mut errors)
    };

    let category = match form.category.trim() {
        "" => {
            errors.push(FieldError::new("category", "err-category-required"));
            None
        }
        s => {
            let c = Category::parse(s);
            if c.is_none() {
                errors.push(FieldError::new("category", "err-category-unknown"));
            }
            c
        }
    };

    let text = form.text.trim();
    if text.is_empty() {
        errors.push(FieldError::new("text", "err-text-empty"));
    } else if text.chars().count() > MAX_TEXT_CHARS {
        errors.push(FieldError::new("text", "err-text-too-long"));
    }

    let written_on = validate_written_on(&form.written_on, today, &mut errors);

    let answer_via = match form.answer_via.trim() {
        "" => Some(AnswerVia::Board),
        s => {
            let a = AnswerVia::parse(s);
            if a.is_none() {
                errors.push(FieldError::new("answer_via", "err-answer-via-unknown"));
            }
            a
        }
    };
    if let Some(via) = answer_via {
        if form.anonymous && via.needs_signature() {
            errors.push(FieldError::new(
                "answer_via",
                "err-answer-via-needs-signature",
            ));
        } else if via == AnswerVia::Email
            && contact.email.is_none()
            && !errors.iter().any(|e| e.field == "email")
        {
            errors.push(FieldError::new("email", "err-email-required"));
        }
    }

    match (author, category, written_on, answer_via) {
        (Some(author), Some(category), Some(written_on), Some(answer_via)) if errors.is_empty() => {
            let risks = triage::assess(text);
            Ok(ValidAppeal {
                author,
                anonymous: form.anonymous,
                contact,
                category,
                text: text.to_owned(),
                written_on,
                answer_via,
                urgent: !risks.is_empty(),
                risks,
            })
        }
        _ => Err(errors),
    }
}

fn validate_written_on(raw: &str, today: Date, errors: &mut Vec<FieldError>) -> Option<Date> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Some(today);
    }
    let Ok(date) = Date::parse(raw, format_description!("[year]-[month]-[day]")) else {
        errors.push(FieldError::new("written_on", "err-written-on-invalid"));
        return None;
    };
    if date > today {
        errors.push(FieldError::new("written_on", "err-written-on-future"));
        return None;
    }
    if (today - date).whole_days() > MAX_WRITTEN_AGO_DAYS {
        errors.push(FieldError::new("written_on", "err-written-on-too-old"));
        return None;
    }
    Some(date)
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

fn too_long(s: &Option<String>, max: usize) -> bool {
    s.as_ref().is_some_and(|v| v.chars().count() > max)
}

fn validate_contact(form: &AppealForm, errors: &mut Vec<FieldError>) -> Contact {
    let c = Contact {
        name: non_empty(&form.name),
        age: non_empty(&form.age),
        class: non_empty(&form.class),
        address: non_empty(&form.address),
        phone: non_empty(&form.phone),
        email: non_empty(&form.email),
    };
    match &c.name {
        None => errors.push(FieldError::new("name", "err-name-required")),
        Some(_) if too_long(&c.name, MAX_NAME_CHARS) => {
            errors.push(FieldError::new("name", "err-name-too-long"))
        }
        Some(_) => {}
    }
    if let Some(code) = c.age.as_deref().and_then(age_error) {
        errors.push(FieldError::new("age", code));
    }
    if too_long(&c.class, MAX_CLASS_CHARS) {
        errors.push(FieldError::new("class", "err-class-too-long"));
    }
    if too_long(&c.address, MAX_ADDRESS_CHARS) {
        errors.push(FieldError::new("address", "err-address-too-long"));
    }
    if c.phone.as_deref().is_some_and(|p| !is_valid_phone(p)) {
        errors.push(FieldError::new("phone", "err-phone-invalid"));
    }
    if c.email.as_deref().is_some_and(|e| !is_valid_email(e)) {
        errors.push(FieldError::new("email", "err-email-invalid"));
    }
    c
}

fn age_error(age: &str) -> Option<&'static str> {
    if age.chars().all(|c| c.is_ascii_digit()) {
        match age.parse::<u32>() {
            Ok(n) if (5..=120).contains(&n) => None,
            _ => Some("err-age-out-of-range"),
        }
    } else if age.chars().count() > MAX_AGE_CHARS {
        Some("err-age-too-long")
    } else {
        None
    }
}

/// Digits, spaces, `+ - ( )` only; 5..=20 digits; at most [`MAX_PHONE_CHARS`] characters.
pub fn is_valid_phone(phone: &str) -> bool {
    let phone = phone.trim();
    if phone.chars().count() > MAX_PHONE_CHARS {
        return false;
    }
    if !phone
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')'))
    {
        return false;
    }
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    (5..=20).contains(&digits)
}

/// A simple but real e-mail check (see [`validate_appeal`]). Unicode is allowed in both parts
/// (IDN domains such as `мектеп.кг` exist); whitespace and control characters are not.
pub fn is_valid_email(email: &str) -> bool {
    if email.chars().count() > MAX_EMAIL_CHARS
        || email.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return false;
    }
    let mut parts = email.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    if local.is_empty() || local.chars().count() > 64 {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 03 - 18);

    fn form() -> AppealForm {
        AppealForm {
            author: "pupil".into(),
            anonymous: true,
            category: "bullying".into(),
            text: "  Бизди 7-б класста шылдыңдашат.  ".into(),
            ..AppealForm::default()
        }
    }

    fn signed() -> AppealForm {
        AppealForm {
            anonymous: false,
            name: " Айгүл ".into(),
            ..form()
        }
    }

    fn codes(r: Result<ValidAppeal, Vec<FieldError>>) -> Vec<&'static str> {
        match r {
            Ok(_) => vec![],
            Err(e) => e.into_iter().map(|e| e.code).collect(),
        }
    }

    #[test]
    fn enums_round_trip_and_ids() {
        for v in AuthorType::ALL {
            assert_eq!(AuthorType::parse(v.code()), Some(*v));
            assert_eq!(v.message_id(), format!("author-{}", v.code()));
        }
        for v in Category::ALL {
            assert_eq!(Category::parse(v.code()), Some(*v));
            assert_eq!(v.message_id(), format!("category-{}", v.code()));
        }
        for v in AnswerVia::ALL {
            assert_eq!(AnswerVia::parse(v.code()), Some(*v));
            assert_eq!(v.message_id(), format!("answer-via-{}", v.code()));
        }
        for v in Channel::ALL {
            assert_eq!(Channel::parse(v.code()), Some(*v));
            assert_eq!(
                v.message_id(),
                format!("channel-{}", v.code().replace('_', "-"))
            );
        }
        for v in Status::ALL {
            assert_eq!(Status::parse(v.code()), Some(*v));
            assert_eq!(
                v.message_id(),
                format!("status-{}", v.code().replace('_', "-"))
            );
        }
        assert_eq!(Category::ALL.len(), 9);
        assert_eq!(Channel::parse("in_person"), Some(Channel::InPerson));
        assert_eq!(Channel::parse("InPerson"), None);
        assert_eq!(Status::parse("not_an_appeal"), Some(Status::NotAnAppeal));
        assert_eq!(Category::parse("Bullying"), None);
        assert_eq!(Status::InWork.to_string(), "in_work");
    }

    #[test]
    fn status_transitions_exhaustive() {
        use Status::*;
        let allowed = [
            (New, InWork),
            (New, NotAnAppeal),
            (InWork, Forwarded),
            (InWork, Answered),
            (InWork, NotAnAppeal),
            (Forwarded, InWork),
            (Forwarded, Answered),
            (Answered, Closed),
            (Answered, InWork),
        ];
        for &a in Status::ALL {
            for &b in Status::ALL {
                assert_eq!(
                    a.can_move_to(b),
                    allowed.contains(&(a, b)),
                    "{a:?} -> {b:?}"
                );
            }
        }
        assert!(New.is_open() && InWork.is_open() && Forwarded.is_open() && Answered.is_open());
        assert!(!Closed.is_open() && !NotAnAppeal.is_open());
    }

    #[test]
    fn minimal_anonymous_appeal_is_valid() {
        let v = validate_appeal(&form(), TODAY).unwrap();
        assert_eq!(v.author, AuthorType::Pupil);
        assert!(v.anonymous);
        assert_eq!(v.contact, Contact::default());
        assert_eq!(v.category, Category::Bullying);
        assert_eq!(v.text, "Бизди 7-б класста шылдыңдашат.");
        assert_eq!(v.written_on, TODAY);
        assert_eq!(v.answer_via, AnswerVia::Board);
        assert!(!v.urgent);
        assert!(v.risks.is_empty());
    }

    #[test]
    fn every_error_at_once() {
        let f = AppealForm {
            author: "alien".into(),
            anonymous: true,
            category: "".into(),
            text: "   \n ".into(),
            written_on: "18.03.2026".into(),
            answer_via: "pigeon".into(),
            ..AppealForm::default()
        };
        assert_eq!(
            codes(validate_appeal(&f, TODAY)),
            vec![
                "err-author-unknown",
                "err-category-required",
                "err-text-empty",
                "err-written-on-invalid",
                "err-answer-via-unknown",
            ]
        );
        let f = AppealForm {
            author: "".into(),
            category: "weather".into(),
            ..form()
        };
        assert_eq!(
            codes(validate_appeal(&f, TODAY)),
            vec!["err-author-required", "err-category-unknown"]
        );
    }

    #[test]
    fn text_length_counts_characters() {
        let f = AppealForm {
            text: "ө".repeat(MAX_TEXT_CHARS),
            ..form()
        };
        assert!(validate_appeal(&f, TODAY).is_ok());
        let f = AppealForm {
            text: "ө".repeat(MAX_TEXT_CHARS + 1),
            ..form()
        };
        assert_eq!(codes(validate_appeal(&f, TODAY)), vec!["err-text-too-long"]);
    }

    #[test]
    fn written_on_rules() {
        let with = |d: &str| AppealForm {
            written_on: d.into(),
            ..form()
        };
        assert_eq!(
            validate_appeal(&with("2026-03-18"), TODAY)
                .unwrap()
                .written_on,
            TODAY
        );
        assert_eq!(
            validate_appeal(&with(" 2025-03-17 "), TODAY)
                .unwrap()
                .written_on,
            date!(2025 - 03 - 17)
        );
        assert_eq!(
            codes(validate_appeal(&with("2026-03-19"), TODAY)),
            vec!["err-written-on-future"]
        );
        assert_eq!(
            codes(validate_appeal(&with("2025-03-16"), TODAY)),
            vec!["err-written-on-too-old"]
        );
        for bad in [
            "2026-02-30",
            "2026-3-1",
            "yesterday",
            "2026/03/01",
            "20260301",
        ] {
            assert_eq!(
                codes(validate_appeal(&with(bad), TODAY)),
                vec!["err-written-on-invalid"],
                "{bad}"
            );
        }
    }

    #[test]
    fn anonymous_drops_contact_and_refuses_personal_answers() {
        let f = AppealForm {
            name: "Азамат".into(),
            phone: "not a phone".into(),
            email: "broken".into(),
            ..form()
        };
        let v = validate_appeal(&f, TODAY).unwrap();
        assert!(v.contact.is_empty());
        for via in ["personal", "email"] {
            let f = AppealForm {
                answer_via: via.into(),
                ..form()
            };
            assert_eq!(
                codes(validate_appeal(&f, TODAY)),
                vec!["err-answer-via-needs-signature"],
                "{via}"
            );
        }
    }

    #[test]
    fn signed_appeal_keeps_trimmed_contact() {
        let f = AppealForm {
            age: " 14 ".into(),
            class: "8 «Б»".into(),
            address: "Ош ш., Ленин көч. 5".into(),
            phone: "+996 (555) 12-34-56".into(),
            email: "aigul@mektep.kg".into(),
            answer_via: "email".into(),
            ..signed()
        };
        let v = validate_appeal(&f, TODAY).unwrap();
        assert_eq!(
            v.contact,
            Contact {
                name: Some("Айгүл".into()),
                age: Some("14".into()),
                class: Some("8 «Б»".into()),
                address: Some("Ош ш., Ленин көч. 5".into()),
                phone: Some("+996 (555) 12-34-56".into()),
                email: Some("aigul@mektep.kg".into()),
            }
        );
        assert_eq!(v.answer_via, AnswerVia::Email);
        assert!(!v.anonymous);
    }

    #[test]
    fn signed_needs_name_and_email_answer_needs_email() {
        let f = AppealForm {
            name: "  ".into(),
            answer_via: "email".into(),
            ..signed()
        };
        assert_eq!(
            codes(validate_appeal(&f, TODAY)),
            vec!["err-name-required", "err-email-required"]
        );
        // an invalid e-mail is reported once, as invalid, not also as missing
        let f = AppealForm {
            email: "a@b".into(),
            answer_via: "email".into(),
            ..signed()
        };
        assert_eq!(codes(validate_appeal(&f, TODAY)), vec!["err-email-invalid"]);
        let f = AppealForm {
            answer_via: "personal".into(),
            ..signed()
        };
        assert_eq!(
            validate_appeal(&f, TODAY).unwrap().answer_via,
            AnswerVia::Personal
        );
    }

    #[test]
    fn contact_length_limits() {
        let f = AppealForm {
            name: "а".repeat(201),
            class: "х".repeat(21),
            address: "а".repeat(301),
            ..signed()
        };
        assert_eq!(
            codes(validate_appeal(&f, TODAY)),
            vec![
                "err-name-too-long",
                "err-class-too-long",
                "err-address-too-long"
            ]
        );
        let f = AppealForm {
            name: "а".repeat(200),
            class: "х".repeat(20),
            address: "а".repeat(300),
            ..signed()
        };
        assert!(validate_appeal(&f, TODAY).is_ok());
    }

    #[test]
    fn age_numbers_and_free_text() {
        let age = |a: &str| {
            codes(validate_appeal(
                &AppealForm {
                    age: a.into(),
                    ..signed()
                },
                TODAY,
            ))
        };
        for ok in ["5", "14", "120", "7 класс", "12 жашта", "он төрт", ""] {
            assert!(age(ok).is_empty(), "{ok}");
        }
        for bad in ["4", "0", "121", "999999999999999999999"] {
            assert_eq!(age(bad), vec!["err-age-out-of-range"], "{bad}");
        }
        assert_eq!(age(&"а".repeat(21)), vec!["err-age-too-long"]);
    }

    #[test]
    fn phones() {
        for ok in [
            "+996 555 123 456",
            "0(312)62-00-00",
            "12345",
            "+7 701 000 00 00",
        ] {
            assert!(is_valid_phone(ok), "{ok}");
        }
        for bad in [
            "1234",
            "+996 555 123 456 789 012 345",
            "555-ABC",
            "tel:12345",
            "12345; drop",
            "",
        ] {
            assert!(!is_valid_phone(bad), "{bad}");
        }
        let f = AppealForm {
            phone: "12-34".into(),
            ..signed()
        };
        assert_eq!(codes(validate_appeal(&f, TODAY)), vec!["err-phone-invalid"]);
    }

    #[test]
    fn emails() {
        for ok in [
            "a@b.kg",
            "first.last+tag@mail.school.kz",
            "ученик@мектеп.кг",
            "x_y@sub-domain.example.com",
        ] {
            assert!(is_valid_email(ok), "{ok}");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        for bad in [
            "", "plain", "@b.kg", "a@", "a@b", "a@@b.kg", "a@b@c.kg", "a b@c.kg", "a@.kg", "a@b.",
            "a@b..kg", "a@-b.kg", &long,
        ] {
            assert!(!is_valid_email(bad), "{bad}");
        }
    }

    #[test]
    fn urgent_comes_from_triage() {
        let f = AppealForm {
            text: "Мен өзүмдү өлтүрөм, жардам бергиле".into(),
            ..form()
        };
        let v = validate_appeal(&f, TODAY).unwrap();
        assert!(v.urgent);
        assert_eq!(v.risks, vec![RiskKind::Suicide]);
    }
}
