//! Pure rules and types of Trustbox: appeal lifecycle, journal numbering, working-day deadlines
//! and holiday calendars, retention, access policy and risk triage.
//!
//! No I/O: no database, no HTTP, no clock. Time comes in as a parameter (`today`, `received`),
//! so every rule is a plain function that a unit test can pin down.

pub mod appeal;
pub mod error;
pub mod lang;
pub mod org;
pub mod triage;

pub use appeal::{
    AnswerVia, AppealForm, AuthorType, Category, Channel, Contact, MAX_TEXT_CHARS, Status,
    ValidAppeal, validate_appeal,
};
pub use error::FieldError;
pub use lang::Lang;
pub use org::{Country, OrgKind, Slug};
pub use triage::{RiskKind, assess};
