//! Pure rules and types of Trustbox: appeal lifecycle, journal numbering, working-day deadlines
//! and holiday calendars, retention, access policy and risk triage.
//!
//! No I/O: no database, no HTTP, no clock. Time comes in as a parameter (`today`, `received`),
//! so every rule is a plain function that a unit test can pin down.

pub mod access;
pub mod appeal;
pub mod calendar;
pub mod commission;
pub mod error;
pub mod journal;
pub mod lang;
pub mod org;
pub mod phone;
pub mod received;
pub mod retention;
pub mod suppression;
pub mod triage;

pub use access::{
    Action, Actor, ConfirmRefusal, Grant, Role, Target, can, grant_needs_confirmation, may_confirm,
};
pub use appeal::{
    AnswerVia, AppealForm, AuthorType, Category, Channel, Contact, MAX_TEXT_CHARS, Status,
    ValidAppeal, validate_appeal,
};
pub use calendar::{Calendar, DEFAULT_ANSWER_DAYS, legal_limit, validate_answer_days};
pub use error::FieldError;
pub use journal::{JournalNumber, NumberingPolicy, deadline, journal_year};
pub use lang::Lang;
pub use org::{Country, OrgKind, Slug};
pub use received::{ReceivedAtError, check_received_at};
pub use retention::{DEFAULT_RETENTION_DAYS, purge_due};
pub use triage::{RiskKind, assess};

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    /// The domain must stay free of I/O frameworks (DESIGN.md: "nothing in domain knows about
    /// storage"); checked on the real dependency tree.
    #[test]
    fn no_io_dependencies() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let out = std::process::Command::new(env!("CARGO"))
            .args([
                "tree",
                "-p",
                "trustbox-domain",
                "-e",
                "normal",
                "--prefix",
                "none",
            ])
            .current_dir(&root)
            .output()
            .expect("run cargo tree");
        assert!(
            out.status.success(),
            "cargo tree failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let tree = String::from_utf8_lossy(&out.stdout);
        assert!(
            tree.contains("trustbox-domain"),
            "unexpected output: {tree}"
        );
        for banned in ["sqlx", "axum", "tokio"] {
            assert!(
                !tree.lines().any(|l| l.starts_with(banned)),
                "trustbox-domain depends on {banned}:\n{tree}"
            );
        }
    }
}
