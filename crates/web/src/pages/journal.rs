//! The registration journal of a school, with the seeds' columns: on the page and as CSV,
//! XLSX and PDF for any period. Only those who may read every appeal of the school see it.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use time::{Date, Month, PrimitiveDateTime, Time};
use trustbox_crypto::to_hex;
use trustbox_domain::{Action, Category, Lang, Target};
use trustbox_i18n::Tr;
use trustbox_store::Unit;

use super::{Layout, fmt_date, fmt_datetime, parse_date};
use crate::intake::{JournalPayload, journal_aad, key_aad};
use crate::session::Staff;
use crate::{AppError, AppState, utc_offset};

/// One line of the journal, formatted for display.
#[derive(Debug, Clone, Default)]
pub struct Line {
    pub number: String,
    pub received: String,
    pub author: String,
    pub contact: String,
    pub summary: String,
    pub category: String,
    pub forwarded: String,
    pub answered_on: String,
    pub measures: String,
    pub note: String,
}

#[derive(Deserialize, Default)]
pub struct JournalQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    format: String,
    /// Which page of the period (from 1) the screen shows.
    #[serde(default)]
    page: String,
}

fn start_ts(school: &Unit, d: Date) -> i64 {
    let off = utc_offset(&school.time_zone).unwrap_or(time::UtcOffset::UTC);
    PrimitiveDateTime::new(d, Time::MIDNIGHT)
        .assume_offset(off)
        .unix_timestamp()
}

/// The journal lines of appeals received from `from` to `to` inclusive, and the chain's head.
pub async fn lines(
    state: &AppState,
    school: &Unit,
    tr: Tr,
    from: Date,
    to: Date,
) -> Result<(Vec<Line>, String, i64), AppError> {
    let end = to
        .next_day()
        .map(|d| start_ts(school, d))
        .unwrap_or(i64::MAX);
    let rows = state
        .store
        .journal_period(school.id, start_ts(school, from), end)
        .await
        .map_err(AppError::internal(tr))?;
    to_lines(state, school, tr, rows).await
}

/// Lines shown on one journal page; the documents (PDF, XLSX, CSV) hold the whole period.
pub const PAGE_LINES: i64 = 200;

/// One page (from 1) of the journal lines of a period, the chain's head and length, and the
/// number of appeals in the period.
pub async fn page_lines(
    state: &AppState,
    school: &Unit,
    tr: Tr,
    from: Date,
    to: Date,
    page: i64,
) -> Result<(Vec<Line>, String, i64, i64), AppError> {
    let end = to
        .next_day()
        .map(|d| start_ts(school, d))
        .unwrap_or(i64::MAX);
    let (rows, total) = state
        .store
        .journal_period_page(
            school.id,
            start_ts(school, from),
            end,
            PAGE_LINES,
            (page - 1).max(0) * PAGE_LINES,
        )
        .await
        .map_err(AppError::internal(tr))?;
    let (lines, head, n) = to_lines(state, school, tr, rows).await?;
    Ok((lines, head, n, total))
}

async fn to_lines(
    state: &AppState,
    school: &Unit,
    tr: Tr,
    rows: Vec<(
        trustbox_store::AppealRow,
        Vec<trustbox_store::JournalEntryRow>,
    )>,
) -> Result<(Vec<Line>, String, i64), AppError> {
    let mut out = Vec::with_capacity(rows.len());
    for (a, entries) in rows {
        let dk = state
            .keys
            .unwrap_data_key(&a.data_key, &key_aad(a.school_id, a.id))
            .ok();
        let mut l = Line {
            number: format!("{}/{}", a.journal_year, a.journal_seq),
            received: fmt_datetime(school, a.received_at),
            category: Category::parse(&a.category)
                .map(|c| tr.t(c.message_id()))
                .unwrap_or(a.category.clone()),
            ..Default::default()
        };
        let mut forwards = Vec::new();
        let mut measures = Vec::new();
        let mut notes = Vec::new();
        let mut destroyed_mark = false;
        for e in &entries {
            let p: JournalPayload = match (&dk, &e.payload_enc) {
                (Some(dk), Some(enc)) => dk
                    .open_string(&journal_aad(a.school_id, a.id), enc)
                    .ok()
                    .and_then(|s| serde_json::from_str(&s).ok())
                    .unwrap_or_default(),
                _ => JournalPayload::default(),
            };
            let plain: serde_json::Value = serde_json::from_str(&e.plain).unwrap_or_default();
            let get = |k: &str| {
                plain
                    .get(k)
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string()
            };
            match e.kind.as_str() {
                "registered" => {
                    l.author = p.author.unwrap_or_else(|| tr.t("journal-anonymous"));
                    l.contact = p.contact.unwrap_or_default();
                    l.summary = p.summary.unwrap_or_default();
                }
                "correction" => {
                    if let Some(s) = p.summary {
                        l.summary = s;
                        notes.push(tr.t1(
                            "journal-corrected-on",
                            "date",
                            fmt_datetime(school, e.at),
                        ));
                    }
                }
                "forwarded" => forwards.push(format!(
                    "{} ({} {})",
                    get("body"),
                    tr.t("journal-until"),
                    parse_date(&get("deadline"))
                        .map(fmt_date)
                        .unwrap_or_default()
                )),
                "forward-outcome" => {
                    if let Some(o) = p.outcome {
                        measures.push(o);
                    }
                }
                "answered" => {
                    l.answered_on = parse_date(&get("answered_on"))
                        .map(fmt_date)
                        .unwrap_or_default()
                }
                "measures" => {
                    if let Some(m) = p.measures {
                        measures.push(m);
                    }
                }
                "destroyed" => {
                    destroyed_mark = true;
                    notes.push(
                        tr.t1(
                            "retention-destroyed-on",
                            "date",
                            parse_date(&get("destroyed_on"))
                                .map(fmt_date)
                                .unwrap_or_default(),
                        ),
                    );
                }
                "status" if get("status") == "not_an_appeal" => notes.push(format!(
                    "{}: {}",
                    tr.t("status-not-an-appeal"),
                    get("reason")
                )),
                _ => {}
            }
        }
        if dk.is_none() && !destroyed_mark {
            notes.push(tr.t("journal-destroyed"));
        }
        l.forwarded = forwards.join("; ");
        l.measures = measures.join(" / ");
        l.note = notes.join("; ");
        out.push(l);
    }
    let (n, head) = state
        .store
        .journal_head(school.id)
        .await
        .map_err(AppError::internal(tr))?;
    Ok((out, to_hex(&head), n))
}

#[derive(Template, WebTemplate)]
#[template(path = "journal.html")]
struct JournalPage {
    l: Layout,
    tr: Tr,
    slug: String,
    from: String,
    to: String,
    lines: Vec<Line>,
    head: String,
    chain_len: i64,
    page: i64,
    pages: i64,
    page_label: String,
}

pub async fn journal(
    State(state): State<AppState>,
    staff: Staff,
    Path(slug): Path<String>,
    Query(q): Query<JournalQuery>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let (school, path) = staff.unit(&state, &slug, Action::ViewInbox).await?;
    if !staff.can(
        Action::ReadAppeal,
        &Target::Appeal {
            path: &path,
            assignees: &[],
        },
    ) {
        return Err(AppError::NotFound(tr));
    }
    let today = crate::intake::local_date(&school, state.clock.now());
    let year_start = Date::from_calendar_date(today.year(), Month::January, 1).unwrap_or(today);
    let year_end = Date::from_calendar_date(today.year(), Month::December, 31).unwrap_or(today);
    let from = parse_date(&q.from).unwrap_or(year_start);
    let to = parse_date(&q.to).unwrap_or(year_end).max(from);
    // The view is recorded durably before anything of the journal is sent, but its commit (one
    // fsync) runs alongside the reads that build the page rather than before them: the page
    // costs the longer of the two, not their sum (BENCHMARKS.md, session 5).
    let object = format!("unit:{}", school.id);
    let detail = format!("{from}..{to} {}", q.format);
    let audit = staff.audit(
        &state,
        Some(school.id),
        "journal-viewed",
        &object,
        &detail,
        state.clock.now_ts(),
    );
    let doc_lang = Lang::parse(&school.default_lang).unwrap_or(tr.lang());
    let file = format!("journal-{}-{from}-{to}", school.slug);
    match q.format.as_str() {
        "csv" | "xlsx" | "pdf" => {
            // Documents print in the school's language.
            let dtr = Tr::new(doc_lang);
            let ((), (dlines, head, _)) =
                tokio::try_join!(audit, self::lines(&state, &school, dtr, from, to))?;
            let doc = trustbox_docs::JournalDoc {
                lang: doc_lang,
                school_name: school.name(doc_lang.code()).to_string(),
                period: format!("{} – {}", fmt_date(from), fmt_date(to)),
                rows: dlines.into_iter().map(to_doc_row).collect(),
                final_hash: head.clone(),
                generated_at: fmt_datetime(&school, state.clock.now_ts()),
            };
            let (ct, ext, bytes) = match q.format.as_str() {
                "csv" => (
                    "text/csv; charset=utf-8",
                    "csv",
                    trustbox_docs::journal_csv(&doc).into_bytes(),
                ),
                "xlsx" => (
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "xlsx",
                    trustbox_docs::journal_xlsx(&doc)
                        .map_err(|e| AppError::Internal(tr, e.to_string()))?,
                ),
                _ => (
                    "application/pdf",
                    "pdf",
                    trustbox_docs::journal_pdf(&doc)
                        .map_err(|e| AppError::Internal(tr, e.to_string()))?,
                ),
            };
            Ok((
                [
                    (header::CONTENT_TYPE, ct.to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{file}.{ext}\""),
                    ),
                ],
                bytes,
            )
                .into_response())
        }
        _ => {
            let here = format!("/staff/s/{slug}/journal");
            let page = q.page.parse::<i64>().unwrap_or(1).max(1);
            let ((), l, (lines, head, chain_len, total)) = tokio::try_join!(
                audit,
                Layout::new(&state, &staff, tr.t("journal-title"), &here),
                page_lines(&state, &school, tr, from, to, page)
            )?;
            let pages = ((total + PAGE_LINES - 1) / PAGE_LINES).max(1);
            Ok(JournalPage {
                l,
                tr,
                slug,
                from: from.to_string(),
                to: to.to_string(),
                lines,
                head,
                chain_len,
                page: page.min(pages),
                pages,
                page_label: tr.ta(
                    "perf-journal-page",
                    &[
                        ("page", page.min(pages).into()),
                        ("pages", pages.into()),
                        ("total", total.into()),
                    ],
                ),
            }
            .into_response())
        }
    }
}

fn to_doc_row(l: Line) -> trustbox_docs::JournalRow {
    trustbox_docs::JournalRow {
        number: l.number,
        received: l.received,
        author: l.author,
        contact: l.contact,
        summary: l.summary,
        category: l.category,
        forwarded: l.forwarded,
        answered_on: l.answered_on,
        measures: l.measures,
        note: l.note,
    }
}
