//! Black-box tests of the whole router (one test binary), each on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

mod accounts;
mod admin;
mod auth;
mod casework;
mod digital_box;
mod grants;
mod group_commit;
mod hardening;
mod isolation;
mod numbering;
mod paperbox;
mod phone;
mod reports;
mod retention;
