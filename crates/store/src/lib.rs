//! Persistence of Trustbox on SQLite (the embedded default) and PostgreSQL (scale-out).
//!
//! One implementation of each query: SQL that both dialects accept, with `$1` placeholders,
//! run through sqlx's `Any` driver; the backend is picked at run time from the URL scheme.
//! Migrations are plain SQL, one folder per backend (`migrations/sqlite`, `migrations/postgres`),
//! kept side by side. Every row carries its school (org unit); every call that reads or writes
//! school data takes the school it acts for. Times are UNIX seconds passed in by the caller.

mod accounts;
mod appeals;
mod audit;
mod board;
mod bulk;
mod db;
pub mod dump;
mod error;
mod group;
mod journal;
mod migrate;
mod outbox;
mod paperbox;
mod phone;
mod reports;
mod retention;
mod sessions;
mod settings;
mod stats;
pub mod testing;
mod units;
mod users;

pub use accounts::{Challenge, SessionInfo, TotpState};
pub use appeals::{
    AppealRow, AttachmentMeta, InboxFilter, MessageRow, NewAppeal, NewAttachment, NewMail,
    NewMessage, Registered,
};
pub use audit::{AuditEntry, AuditInput, ChainBreak};
pub use board::BoardRow;
pub use db::{Backend, Store, redact_url};
pub use error::StoreError;
pub use group::MAX_BATCH;
pub use journal::{BodyRow, CaseChange, ForwardRow, JournalEntryRow, NewJournalEntry, NoteRow};
pub use migrate::{MigrationOutcome, SCHEMA_VERSION};
pub use outbox::{MAX_MAIL_ATTEMPTS, MailCounts, MailRow};
pub use paperbox::{
    BoxRow, CommissionRow, LetterRow, MeetingRow, MemberRow, NewCommission, NewMeeting, NewMember,
    NewOpening, OpeningRow, PresentRow,
};
pub use phone::PhoneLine;
pub use reports::ReportCounts;
pub use retention::{BucketRow, KeyedAppeal, PurgeCandidate, PurgeOutcome};
pub use sessions::SessionRow;
pub use settings::{ApiTokenRow, SchoolSettings};
pub use units::{NewUnit, Unit, zone_offset_seconds};
pub use users::{GrantRow, NewUser, User};
