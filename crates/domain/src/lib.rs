//! Pure rules and types of Trustbox: appeal lifecycle, journal numbering, working-day deadlines and holiday calendars, retention, access policy, risk triage, commission rules. No I/O; time is a parameter.

pub mod lang;
pub use lang::Lang;
