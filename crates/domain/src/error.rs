//! Field-level validation errors.
//!
//! A [`FieldError`] names the form field and a Fluent message id that the web layer shows next
//! to that field. Ids follow `err-<field>-<problem>`. Every id the domain can return is listed
//! here with its English meaning (the `en` locale text should say the same, plus what to do):
//!
//! | field | code | English |
//! |---|---|---|
//! | `author` | `err-author-required` | Please choose who is writing (pupil, parent, teacher, other). |
//! | `author` | `err-author-unknown` | This kind of author is not known; choose one from the list. |
//! | `category` | `err-category-required` | Please choose what the letter is about. |
//! | `category` | `err-category-unknown` | This category is not known; choose one from the list. |
//! | `text` | `err-text-empty` | Please write your letter; the text is empty. |
//! | `text` | `err-text-too-long` | The letter is too long (at most 10,000 characters); shorten it or send a second letter. |
//! | `written_on` | `err-written-on-invalid` | The date of writing is not a valid date (YYYY-MM-DD). |
//! | `written_on` | `err-written-on-future` | The date of writing is in the future. |
//! | `written_on` | `err-written-on-too-old` | The date of writing is more than a year ago. |
//! | `answer_via` | `err-answer-via-unknown` | This way of answering is not known; choose one from the list. |
//! | `answer_via` | `err-answer-via-needs-signature` | An anonymous letter can only be answered on the board; sign the letter to get a personal or e-mail answer. |
//! | `name` | `err-name-required` | A signed letter needs your name; give it or tick "anonymous". |
//! | `name` | `err-name-too-long` | The name is too long (at most 200 characters). |
//! | `age` | `err-age-out-of-range` | The age must be a number from 5 to 120. |
//! | `age` | `err-age-too-long` | The age is too long (at most 20 characters). |
//! | `class` | `err-class-too-long` | The class is too long (at most 20 characters). |
//! | `address` | `err-address-too-long` | The address is too long (at most 300 characters). |
//! | `phone` | `err-phone-invalid` | The phone number is not valid: use digits, spaces, +, -, ( ) and 5 to 20 digits. |
//! | `email` | `err-email-invalid` | The e-mail address is not valid. |
//! | `email` | `err-email-required` | To get the answer by e-mail, give your e-mail address. |
//! | `slug` | `err-slug-invalid` | The short name may use small Latin letters, digits and single hyphens, 2 to 40 characters, starting with a letter. |
//! | `slug` | `err-slug-reserved` | This short name is reserved; choose another. |
//! | `answer_days` | `err-answer-days-limit` | The answer period must be from 1 working day up to the legal limit (14 in Kyrgyzstan, 15 in Kazakhstan). |
//! | `retention_days` | `err-retention-days-invalid` | The retention period must be from 30 to 3650 days. |
//! | `numbering` | `err-numbering-invalid` | The journal numbering must restart on 1 January or on a valid date of the school year. |

use serde::Serialize;

/// A validation failure of one form field; `code` is a Fluent message id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, thiserror::Error)]
#[error("{field}: {code}")]
pub struct FieldError {
    pub field: &'static str,
    pub code: &'static str,
}

impl FieldError {
    pub const fn new(field: &'static str, code: &'static str) -> FieldError {
        FieldError { field, code }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_field_and_code() {
        assert_eq!(
            FieldError::new("text", "err-text-empty").to_string(),
            "text: err-text-empty"
        );
    }
}
