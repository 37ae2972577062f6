//! Background jobs: reminders one working day before an appeal's deadline (to the people
//! assigned and the responsible person) and escalation to the director once it is overdue.
//! Each notice goes out once (a column on the appeal records it, in the same transaction as
//! the mails), so several instances may run the job at once.

use std::sync::Arc;
use std::time::Duration;

use trustbox_domain::Lang;
use trustbox_i18n::Tr;
use trustbox_store::{NewMail, StoreError, Unit};

use crate::AppState;
use crate::intake::{local_date, school_calendar};

/// At most this many reminders (or escalations) of a school, with their mails, are recorded in
/// one transaction: one commit for a round's notices instead of one per appeal.
pub const NOTICES_PER_COMMIT: usize = 200;

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DeadlineReport {
    pub reminders: usize,
    pub escalations: usize,
    pub reports: usize,
}

async fn recipients(
    state: &AppState,
    school: &Unit,
    appeal_id: i64,
    roles: &[&str],
) -> Result<Vec<String>, StoreError> {
    let mut to = Vec::new();
    for r in roles {
        for e in state.store.emails_of_role(school.id, r).await? {
            if !to.contains(&e) {
                to.push(e);
            }
        }
    }
    if roles.contains(&"responsible") {
        for uid in state.store.assignees(appeal_id).await? {
            if let Ok(u) = state.store.user(uid).await
                && let Some(e) = u.email.filter(|e| !e.is_empty() && !u.disabled)
                && !to.contains(&e)
            {
                to.push(e);
            }
        }
    }
    Ok(to)
}

/// Sends the reminders and escalations due now, for every school.
pub async fn run_deadlines(state: &AppState) -> Result<DeadlineReport, StoreError> {
    let mut report = DeadlineReport::default();
    let now = state.clock.now();
    for school in state
        .store
        .units()
        .await?
        .into_iter()
        .filter(|u| u.kind == "school")
    {
        let today = local_date(&school, now);
        let cal = school_calendar(state, &school).await?;
        let tomorrow = cal.add_working_days(today, 1).to_string();
        let tr = Tr::new(Lang::parse(&school.default_lang).unwrap_or(Lang::Ru));
        let link = |id: i64| {
            format!(
                "{}/staff/s/{}/appeals/{id}",
                state.config.public_url.trim_end_matches('/'),
                school.slug
            )
        };
        let mut notices = Vec::new();
        for a in state
            .store
            .appeals_needing("reminded_at", school.id, &tomorrow)
            .await?
        {
            let number = format!("{}/{}", a.journal_year, a.journal_seq);
            let mails = recipients(state, &school, a.id, &["responsible"])
                .await?
                .into_iter()
                .map(|to| {
                    crate::mail::for_staff(
                        &state.keys,
                        NewMail {
                            school_id: Some(school.id),
                            kind: "reminder".into(),
                            recipient: to,
                            subject: tr.t1("mail-reminder-subject", "number", number.as_str()),
                            body: tr.ta(
                                "mail-reminder-body",
                                &[
                                    ("number", number.as_str().into()),
                                    ("deadline", a.deadline.as_str().into()),
                                    ("link", link(a.id).into()),
                                ],
                            ),
                            ..NewMail::default()
                        },
                    )
                })
                .collect::<Vec<_>>();
            notices.push((a.id, mails));
        }
        for chunk in notices.chunks(NOTICES_PER_COMMIT) {
            report.reminders += state
                .store
                .mark_notices("reminded_at", school.id, chunk, now.unix_timestamp())
                .await?;
        }
        // The quarterly report is due by the 5th of the month after the quarter.
        if today.day() <= 5 && matches!(u8::from(today.month()), 1 | 4 | 7 | 10) {
            let period = crate::pages::reports::Period::quarter_of(today).previous();
            let due = crate::pages::fmt_date(crate::pages::reports::due_date(period));
            let code = period.code();
            let link = format!(
                "{}/staff/s/{}/reports?period={code}",
                state.config.public_url.trim_end_matches('/'),
                school.slug
            );
            let mails = recipients(state, &school, 0, &["responsible"])
                .await?
                .into_iter()
                .map(|to| {
                    crate::mail::for_staff(
                        &state.keys,
                        NewMail {
                            school_id: Some(school.id),
                            kind: "report-due".into(),
                            recipient: to,
                            subject: tr.t1("mail-report-due-subject", "period", code.as_str()),
                            body: tr.ta(
                                "mail-report-due-body",
                                &[
                                    ("period", code.as_str().into()),
                                    ("due", due.as_str().into()),
                                    ("link", link.clone().into()),
                                ],
                            ),
                            ..NewMail::default()
                        },
                    )
                })
                .collect::<Vec<_>>();
            if state
                .store
                .mark_report_reminded(school.id, &code, now.unix_timestamp(), &mails)
                .await?
            {
                report.reports += 1;
            }
        }
        let mut notices = Vec::new();
        for a in state
            .store
            .appeals_needing("escalated_at", school.id, &today.to_string())
            .await?
        {
            let number = format!("{}/{}", a.journal_year, a.journal_seq);
            let mails = recipients(state, &school, a.id, &["director"])
                .await?
                .into_iter()
                .map(|to| {
                    crate::mail::for_staff(
                        &state.keys,
                        NewMail {
                            school_id: Some(school.id),
                            kind: "overdue".into(),
                            recipient: to,
                            subject: tr.t1("mail-overdue-subject", "number", number.as_str()),
                            body: tr.ta(
                                "mail-overdue-body",
                                &[
                                    ("number", number.as_str().into()),
                                    ("deadline", a.deadline.as_str().into()),
                                    ("link", link(a.id).into()),
                                ],
                            ),
                            ..NewMail::default()
                        },
                    )
                })
                .collect::<Vec<_>>();
            notices.push((a.id, mails));
        }
        for chunk in notices.chunks(NOTICES_PER_COMMIT) {
            report.escalations += state
                .store
                .mark_notices("escalated_at", school.id, chunk, now.unix_timestamp())
                .await?;
        }
    }
    Ok(report)
}

/// Runs [`run_deadlines`] now and then every `every`, forever; errors are logged, never fatal.
pub fn spawn_deadline_job(state: AppState, every: Duration) -> tokio::task::JoinHandle<()> {
    let state = Arc::new(state);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            match run_deadlines(&state).await {
                Ok(r) if r.reminders + r.escalations > 0 => tracing::info!(
                    reminders = r.reminders,
                    escalations = r.escalations,
                    "deadline notices queued"
                ),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "deadline job failed"),
            }
            match crate::paperbox_jobs::run_paperbox(&state).await {
                Ok(r) if r.opening_reminders + r.meeting_reminders > 0 => tracing::info!(
                    openings = r.opening_reminders,
                    meetings = r.meeting_reminders,
                    "commission reminders queued"
                ),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "commission reminder job failed"),
            }
        }
    })
}
