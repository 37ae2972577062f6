//! Monthly and quarterly analytical reports of a school, and roll-ups of a district, region or
//! country for analysts: counts only, with every count below 5 shown as "<5" in roll-ups so that
//! no pupil can be singled out, and with complementary suppression (the next smallest count of
//! a section that adds up to the total shown as "x", see `trustbox_domain::suppression`) so
//! that no "<5" can be computed back from the total and the other counts.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use time::{Date, Month, PrimitiveDateTime, Time};
use trustbox_domain::Action;
use trustbox_domain::suppression::Shown;
use trustbox_domain::{AuthorType, Category, Channel, Status};
use trustbox_i18n::Tr;
use trustbox_store::{ReportCounts, Unit};

use super::{Layout, fmt_date};
use crate::intake::local_date;
use crate::session::Staff;
use crate::{AppError, AppState, utc_offset};

/// Counts below this are hidden in roll-ups.
pub const SUPPRESS_BELOW: i64 = trustbox_domain::suppression::SUPPRESS_BELOW;

/// A reporting period: a month or a quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Month(i32, u8),
    Quarter(i32, u8),
}

impl Period {
    /// `2026-03` or `2026-Q1`.
    pub fn parse(s: &str) -> Option<Period> {
        let (y, rest) = s.trim().split_once('-')?;
        let y: i32 = y.parse().ok().filter(|y| (2000..=2100).contains(y))?;
        if let Some(q) = rest.strip_prefix('Q').or_else(|| rest.strip_prefix('q')) {
            let q: u8 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
            return Some(Period::Quarter(y, q));
        }
        let m: u8 = rest.parse().ok().filter(|m| (1..=12).contains(m))?;
        Some(Period::Month(y, m))
    }
    pub fn code(self) -> String {
        match self {
            Period::Month(y, m) => format!("{y}-{m:02}"),
            Period::Quarter(y, q) => format!("{y}-Q{q}"),
        }
    }
    pub fn start(self) -> Date {
        let (y, m) = match self {
            Period::Month(y, m) => (y, m),
            Period::Quarter(y, q) => (y, (q - 1) * 3 + 1),
        };
        Date::from_calendar_date(y, Month::try_from(m).unwrap_or(Month::January), 1)
            .unwrap_or(Date::MIN)
    }
    /// The first day after the period.
    pub fn end(self) -> Date {
        self.next().start()
    }
    pub fn next(self) -> Period {
        match self {
            Period::Month(y, 12) => Period::Month(y + 1, 1),
            Period::Month(y, m) => Period::Month(y, m + 1),
            Period::Quarter(y, 4) => Period::Quarter(y + 1, 1),
            Period::Quarter(y, q) => Period::Quarter(y, q + 1),
        }
    }
    pub fn previous(self) -> Period {
        match self {
            Period::Month(y, 1) => Period::Month(y - 1, 12),
            Period::Month(y, m) => Period::Month(y, m - 1),
            Period::Quarter(y, 1) => Period::Quarter(y - 1, 4),
            Period::Quarter(y, q) => Period::Quarter(y, q - 1),
        }
    }
    /// The quarter or month containing `d`.
    pub fn quarter_of(d: Date) -> Period {
        Period::Quarter(d.year(), (u8::from(d.month()) - 1) / 3 + 1)
    }
}

fn ts(school: &Unit, d: Date) -> i64 {
    let off = utc_offset(&school.time_zone).unwrap_or(time::UtcOffset::UTC);
    PrimitiveDateTime::new(d, Time::MIDNIGHT)
        .assume_offset(off)
        .unix_timestamp()
}

/// One line of a report table.
pub struct Line {
    pub n: i64,
    pub prev: i64,
    pub label: String,
    pub value: String,
    pub previous: String,
    pub change: String,
    /// How `n` and `prev` are shown (hidden in roll-ups when small, or as a complement).
    pub shown: Shown,
    pub prev_shown: Shown,
}

/// A section of a report.
pub struct Section {
    pub title: String,
    pub lines: Vec<Line>,
}

fn shown(n: i64, how: Shown) -> String {
    match how {
        Shown::Value => n.to_string(),
        Shown::Small => format!("<{SUPPRESS_BELOW}"),
        Shown::Complement => trustbox_docs::COMPLEMENT_MARK.to_string(),
    }
}

/// A line as shown, once it is known how each of its two counts is shown.
fn line_shown(label: String, now: i64, before: i64, how: (Shown, Shown)) -> Line {
    let hidden = how.0 != Shown::Value || how.1 != Shown::Value;
    let change = if hidden {
        String::new()
    } else if now == before {
        "0".to_string()
    } else if now > before {
        format!("+{}", now - before)
    } else {
        (now - before).to_string()
    };
    Line {
        n: now,
        prev: before,
        label,
        value: shown(now, how.0),
        previous: shown(before, how.1),
        change,
        shown: how.0,
        prev_shown: how.1,
    }
}

/// The lines of one section: `rows` are (label, now, before). In a roll-up (`suppress`) small
/// counts are hidden, and where the section adds up to the report's total (`adds_up`) so are
/// their complements, for each period on its own.
fn lines(rows: Vec<(String, i64, i64)>, adds_up: bool, suppress: bool) -> Vec<Line> {
    let how = |vals: Vec<i64>| {
        if suppress {
            trustbox_domain::suppression::suppress(&vals, adds_up)
        } else {
            vec![Shown::Value; vals.len()]
        }
    };
    let now = how(rows.iter().map(|r| r.1).collect());
    let before = how(rows.iter().map(|r| r.2).collect());
    rows.into_iter()
        .zip(now.into_iter().zip(before))
        .map(|((label, n, b), h)| line_shown(label, n, b, h))
        .collect()
}

fn section(
    title: String,
    tr: Tr,
    now: &[(String, i64)],
    before: &[(String, i64)],
    label: impl Fn(&str) -> String,
    (adds_up, suppress): (bool, bool),
) -> Section {
    let mut keys: Vec<&String> = now.iter().map(|(k, _)| k).collect();
    for (k, _) in before {
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    let get =
        |v: &[(String, i64)], k: &str| v.iter().find(|(x, _)| x == k).map(|(_, n)| *n).unwrap_or(0);
    let _ = tr;
    Section {
        title,
        lines: lines(
            keys.into_iter()
                .map(|k| (label(k), get(now, k), get(before, k)))
                .collect(),
            adds_up,
            suppress,
        ),
    }
}

/// The report's sections from two periods' counts. The sections that add up to the total
/// (channel, category, author, anonymous/signed, status, timeliness) get complementary
/// suppression in a roll-up; the total, the forwardings (an appeal may go to several bodies)
/// and the measures do not add up to anything shown, so only their small counts are hidden.
pub fn sections(tr: Tr, now: &ReportCounts, before: &ReportCounts, suppress: bool) -> Vec<Section> {
    let lbl = |id: Option<&'static str>, raw: &str| {
        id.map(|i| tr.t(i)).unwrap_or_else(|| raw.to_string())
    };
    let adds_up = (true, suppress);
    vec![
        Section {
            title: tr.t("report-total"),
            lines: lines(
                vec![
                    (tr.t("report-appeals"), now.total, before.total),
                    (tr.t("inbox-urgent"), now.urgent, before.urgent),
                ],
                false,
                suppress,
            ),
        },
        section(
            tr.t("inbox-channel"),
            tr,
            &now.by_channel,
            &before.by_channel,
            |k| lbl(Channel::parse(k).map(|c| c.message_id()), k),
            adds_up,
        ),
        section(
            tr.t("inbox-category"),
            tr,
            &now.by_category,
            &before.by_category,
            |k| lbl(Category::parse(k).map(|c| c.message_id()), k),
            adds_up,
        ),
        section(
            tr.t("appeal-author-type"),
            tr,
            &now.by_author,
            &before.by_author,
            |k| lbl(AuthorType::parse(k).map(|c| c.message_id()), k),
            adds_up,
        ),
        Section {
            title: tr.t("report-anonymous-signed"),
            lines: lines(
                vec![
                    (
                        tr.t("appeal-anonymous"),
                        now.anonymous.0,
                        before.anonymous.0,
                    ),
                    (tr.t("report-signed"), now.anonymous.1, before.anonymous.1),
                ],
                true,
                suppress,
            ),
        },
        section(
            tr.t("inbox-status"),
            tr,
            &now.by_status,
            &before.by_status,
            |k| lbl(Status::parse(k).map(|c| c.message_id()), k),
            adds_up,
        ),
        Section {
            title: tr.t("report-timeliness"),
            lines: lines(
                vec![
                    (tr.t("report-on-time"), now.on_time, before.on_time),
                    (tr.t("report-late"), now.late, before.late),
                    (
                        tr.t("report-overdue-open"),
                        now.overdue_open,
                        before.overdue_open,
                    ),
                    (
                        tr.t("report-open-in-time"),
                        now.open_in_time,
                        before.open_in_time,
                    ),
                ],
                true,
                suppress,
            ),
        },
        section(
            tr.t("appeal-forwards"),
            tr,
            &now.forwarded,
            &before.forwarded,
            |k| k.to_string(),
            (false, suppress),
        ),
        Section {
            title: tr.t("history-measures"),
            lines: lines(
                vec![(
                    tr.t("report-with-measures"),
                    now.with_measures,
                    before.with_measures,
                )],
                false,
                suppress,
            ),
        },
    ]
}

#[derive(Deserialize, Default)]
pub struct PeriodQuery {
    #[serde(default)]
    period: String,
    #[serde(default)]
    format: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "report.html")]
struct ReportPage {
    l: Layout,
    tr: Tr,
    action: String,
    period: String,
    period_label: String,
    previous_label: String,
    sections: Vec<Section>,
    /// One SVG bar chart per section, the same the PDF carries.
    charts: Vec<String>,
    rollup: bool,
    error: Option<String>,
    /// For a school's quarter: when it is due, and whether it was submitted.
    due: Option<String>,
    submitted: Option<String>,
    can_submit: bool,
    csrf: String,
}

/// The day a quarter's report is due: the 5th of the month after the quarter (seed 003 §5.5).
pub fn due_date(p: Period) -> Date {
    p.end().replace_day(5).unwrap_or(p.end())
}

fn label(p: Period) -> String {
    format!(
        "{} – {}",
        fmt_date(p.start()),
        fmt_date(p.end().previous_day().unwrap_or(p.end()))
    )
}

/// The schools under a unit (the unit itself when it is a school): a walk down a
/// parent → children map, linear in the number of units.
async fn schools_under(
    state: &AppState,
    unit: &Unit,
) -> Result<Vec<i64>, trustbox_store::StoreError> {
    Ok(schools_in(&state.store.units().await?, unit.id))
}

fn schools_in(all: &[Unit], root: i64) -> Vec<i64> {
    let mut children: std::collections::HashMap<i64, Vec<&Unit>> =
        std::collections::HashMap::with_capacity(all.len());
    for u in all {
        if let Some(p) = u.parent_id {
            children.entry(p).or_default().push(u);
        }
    }
    let mut out = Vec::new();
    if all.iter().any(|x| x.id == root && x.kind == "school") {
        out.push(root);
    }
    let mut seen = std::collections::HashSet::from([root]);
    let mut stack = vec![root];
    while let Some(u) = stack.pop() {
        for c in children.get(&u).into_iter().flatten() {
            if seen.insert(c.id) {
                if c.kind == "school" {
                    out.push(c.id);
                }
                stack.push(c.id);
            }
        }
    }
    out
}

async fn render(
    state: &AppState,
    staff: &Staff,
    unit: &Unit,
    q: &PeriodQuery,
    rollup: bool,
    here: String,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let today = local_date(unit, state.clock.now());
    let current = Period::quarter_of(today);
    let period = if q.period.is_empty() {
        Some(current)
    } else {
        Period::parse(&q.period)
    };
    let title = if rollup {
        tr.t1("rollup-title", "unit", unit.name(tr.code()))
    } else {
        tr.t1("report-title", "school", unit.name(tr.code()))
    };
    let l = Layout::new(state, staff, title, &here).await?;
    let refuse = |msg: &str, l: Layout| {
        let csrf = l.csrf.clone();
        let page = ReportPage {
            due: None,
            submitted: None,
            can_submit: false,
            csrf,
            l,
            tr,
            action: here.clone(),
            period: q.period.clone(),
            period_label: String::new(),
            previous_label: String::new(),
            sections: vec![],
            charts: vec![],
            rollup,
            error: Some(tr.t(msg)),
        };
        Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
    };
    let Some(period) = period else {
        return refuse("err-period-invalid", l);
    };
    if period.start() > today {
        return refuse("err-period-future", l);
    }
    let schools = schools_under(state, unit)
        .await
        .map_err(AppError::internal(tr))?;
    let today_s = today.to_string();
    let now = state
        .store
        .report_counts(
            &schools,
            ts(unit, period.start()),
            ts(unit, period.end()),
            &today_s,
        )
        .await
        .map_err(AppError::internal(tr))?;
    let prev = period.previous();
    let before = state
        .store
        .report_counts(
            &schools,
            ts(unit, prev.start()),
            ts(unit, prev.end()),
            &today_s,
        )
        .await
        .map_err(AppError::internal(tr))?;
    let (due, submitted, can_submit) = match (period, rollup) {
        (Period::Quarter(..), false) => {
            let sub = state
                .store
                .report_submission(unit.id, &period.code())
                .await
                .map_err(AppError::internal(tr))?;
            let submitted = match sub {
                Some((at, by)) => {
                    let who = match by {
                        Some(u) => state
                            .store
                            .user(u)
                            .await
                            .map(|u| u.display_name)
                            .unwrap_or_default(),
                        None => String::new(),
                    };
                    Some(format!("{} · {who}", super::fmt_datetime(unit, at)))
                }
                None => None,
            };
            let path = state
                .store
                .unit_path(unit.id)
                .await
                .map_err(AppError::internal(tr))?;
            let can = staff.can(
                Action::ManageSchool,
                &trustbox_domain::Target::Unit { path: &path },
            ) && !staff.user.is_admin
                && today >= period.end().previous_day().unwrap_or(today);
            (Some(fmt_date(due_date(period))), submitted, can)
        }
        _ => (None, None, false),
    };
    let kind = if rollup {
        "rollup-title"
    } else {
        "report-title"
    };
    let arg = if rollup { "unit" } else { "school" };
    if q.format == "pdf" || q.format == "xlsx" {
        // Documents print in the school's (or unit's) language.
        let dtr = Tr::new(trustbox_domain::Lang::parse(&unit.default_lang).unwrap_or(tr.lang()));
        let doc = report_doc(
            dtr,
            dtr.t1(kind, arg, unit.name(dtr.code())),
            unit.name(dtr.code()).to_string(),
            period,
            &sections(dtr, &now, &before, rollup),
            rollup,
        );
        let file = format!("report-{}-{}", unit.slug, period.code());
        let (ct, ext, bytes) = if q.format == "pdf" {
            (
                "application/pdf",
                "pdf",
                trustbox_docs::report_pdf(&doc)
                    .map_err(|e| AppError::Internal(tr, e.to_string()))?,
            )
        } else {
            (
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xlsx",
                trustbox_docs::report_xlsx(&doc)
                    .map_err(|e| AppError::Internal(tr, e.to_string()))?,
            )
        };
        return Ok((
            [
                (axum::http::header::CONTENT_TYPE, ct.to_string()),
                (
                    axum::http::header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{file}.{ext}\""),
                ),
            ],
            bytes,
        )
            .into_response());
    }
    let secs = sections(tr, &now, &before, rollup);
    let doc = report_doc(tr, String::new(), String::new(), period, &secs, rollup);
    let charts = doc
        .sections
        .iter()
        .map(|s| trustbox_docs::section_chart_svg(&doc, s))
        .collect();
    let csrf = l.csrf.clone();
    let page = ReportPage {
        charts,
        due,
        submitted,
        can_submit,
        csrf,
        l,
        tr,
        action: here.clone(),
        period: period.code(),
        period_label: label(period),
        previous_label: label(prev),
        sections: secs,
        rollup,
        error: None,
    };
    Ok(page.into_response())
}

pub async fn school_report(
    State(state): State<AppState>,
    staff: Staff,
    Path(slug): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, AppError> {
    let (school, _) = staff.unit(&state, &slug, Action::ViewSchoolReports).await?;
    render(
        &state,
        &staff,
        &school,
        &q,
        false,
        format!("/staff/s/{slug}/reports"),
    )
    .await
}

pub async fn rollup(
    State(state): State<AppState>,
    staff: Staff,
    Path(slug): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, AppError> {
    let (unit, _) = staff.unit(&state, &slug, Action::ViewRollup).await?;
    render(&state, &staff, &unit, &q, true, format!("/staff/r/{slug}")).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SubmitForm {
    period: String,
}

/// The responsible person marks a quarter's report as submitted to the director.
pub async fn submit_report(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    crate::session::StaffForm(staff, f): crate::session::StaffForm<SubmitForm>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let (school, _) = staff.unit(&state, &slug, Action::ManageSchool).await?;
    let Some(period @ Period::Quarter(..)) = Period::parse(&f.period) else {
        return Err(AppError::Refused(
            tr,
            StatusCode::UNPROCESSABLE_ENTITY,
            "err-period-invalid",
        ));
    };
    let today = local_date(&school, state.clock.now());
    if period.start() > today {
        return Err(AppError::Refused(
            tr,
            StatusCode::UNPROCESSABLE_ENTITY,
            "err-period-future",
        ));
    }
    let now = state.clock.now_ts();
    state
        .store
        .mark_report_submitted(school.id, &period.code(), staff.user.id, now)
        .await
        .map_err(AppError::internal(tr))?;
    state
        .store
        .audit(
            &trustbox_store::AuditInput {
                actor_id: Some(staff.user.id),
                school_id: Some(school.id),
                action: "report-submitted",
                object: &format!("unit:{}", school.id),
                detail: &period.code(),
            },
            now,
        )
        .await
        .map_err(AppError::internal(tr))?;
    Ok(
        axum::response::Redirect::to(&format!("/staff/s/{slug}/reports?period={}", period.code()))
            .into_response(),
    )
}

/// The document form of a report, with the same sections.
pub fn report_doc(
    tr: Tr,
    title: String,
    unit_name: String,
    period: Period,
    secs: &[Section],
    suppress: bool,
) -> trustbox_docs::ReportDoc {
    trustbox_docs::ReportDoc {
        lang: tr.lang(),
        title,
        unit_name,
        period: label(period),
        previous_period: label(period.previous()),
        sections: secs
            .iter()
            .map(|s| trustbox_docs::ReportSection {
                title: s.title.clone(),
                counts: s
                    .lines
                    .iter()
                    .map(|l| trustbox_docs::Count {
                        label: l.label.clone(),
                        value: l.n,
                        previous: Some(l.prev),
                        complement: l.shown == Shown::Complement,
                        previous_complement: l.prev_shown == Shown::Complement,
                    })
                    .collect(),
            })
            .collect(),
        suppressed_below: suppress.then_some(SUPPRESS_BELOW),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(id: i64, parent: Option<i64>, kind: &str) -> Unit {
        Unit {
            id,
            parent_id: parent,
            kind: kind.into(),
            slug: format!("u{id}"),
            country: "KG".into(),
            name_ky: String::new(),
            name_kk: String::new(),
            name_ru: String::new(),
            name_en: String::new(),
            default_lang: "ky".into(),
            time_zone: "Asia/Bishkek".into(),
            created_at: 0,
        }
    }

    #[test]
    fn schools_under_a_unit() {
        // country 1 > regions 2, 3 > district 4 (under 2) > schools 5, 6; school 7 under 3;
        // school 8 straight under the country; a unit 9 that is its own parent.
        let all = vec![
            u(1, None, "country"),
            u(2, Some(1), "region"),
            u(3, Some(1), "region"),
            u(4, Some(2), "district"),
            u(5, Some(4), "school"),
            u(6, Some(4), "school"),
            u(7, Some(3), "school"),
            u(8, Some(1), "school"),
            u(9, Some(9), "district"),
        ];
        let sorted = |mut v: Vec<i64>| {
            v.sort();
            v
        };
        assert_eq!(sorted(schools_in(&all, 1)), vec![5, 6, 7, 8]);
        assert_eq!(sorted(schools_in(&all, 2)), vec![5, 6]);
        assert_eq!(schools_in(&all, 7), vec![7]);
        assert_eq!(schools_in(&all, 9), Vec::<i64>::new());
        assert_eq!(schools_in(&all, 42), Vec::<i64>::new());
        // 10,000 schools under 100 districts: linear, not quadratic.
        let mut big = vec![u(1, None, "country")];
        for d in 0..100 {
            big.push(u(10 + d, Some(1), "district"));
            for s in 0..100 {
                big.push(u(1000 + d * 100 + s, Some(10 + d), "school"));
            }
        }
        let t = std::time::Instant::now();
        assert_eq!(schools_in(&big, 1).len(), 10_000);
        assert!(t.elapsed() < std::time::Duration::from_secs(1));
    }
}
