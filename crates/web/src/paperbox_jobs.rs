//! Reminders of the paper box and the commission, run with the deadline job: a mail to the
//! commission members who have an account a day before each scheduled opening of a box, and
//! to the chair and the director when fewer than two meetings were held in a half-year (seed
//! 003 §5.3), once per half-year. Each is marked sent in the same transaction as its mails, so
//! several instances may run the job at once. No mail carries personal data: a box's place, a
//! date, a count and a link.

use time::{Duration, PrimitiveDateTime};
use trustbox_domain::Lang;
use trustbox_domain::commission::meetings_reminder_due;
use trustbox_i18n::Tr;
use trustbox_store::{NewMail, StoreError, Unit};

use crate::AppState;
use crate::intake::local_date;
use crate::pages::paperbox::next_opening;
use crate::pages::{fmt_date, fmt_datetime};

/// How long before an opening its reminder goes out.
pub const REMIND_BEFORE: Duration = Duration::hours(24);

/// What one run queued.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PaperboxReport {
    pub opening_reminders: usize,
    pub meeting_reminders: usize,
}

async fn email_of(state: &AppState, user_id: i64) -> Option<String> {
    let u = state.store.user(user_id).await.ok()?;
    u.email.filter(|e| !e.is_empty() && !u.disabled)
}

/// Sends the reminders due now, for every school with a commission.
pub async fn run_paperbox(state: &AppState) -> Result<PaperboxReport, StoreError> {
    let mut report = PaperboxReport::default();
    let now = state.clock.now();
    let base = state.config.public_url.trim_end_matches('/').to_string();
    for school in state
        .store
        .units()
        .await?
        .into_iter()
        .filter(|u| u.kind == "school")
    {
        let Some(c) = state.store.active_commission(school.id).await? else {
            continue;
        };
        let tr = Tr::new(Lang::parse(&school.default_lang).unwrap_or(Lang::Ru));
        let mut members = Vec::new();
        for m in &c.members {
            if let Some(uid) = m.user_id
                && let Some(e) = email_of(state, uid).await
                && !members.contains(&e)
            {
                members.push(e);
            }
        }
        let link = format!("{base}/staff/s/{}/openings", school.slug);
        for b in state.store.boxes(school.id).await? {
            let Some(next) = next_opening(&school, &b, now) else {
                continue;
            };
            let at = local_ts(&school, next);
            if at - now.unix_timestamp() > REMIND_BEFORE.whole_seconds()
                || b.reminded_for == Some(at)
            {
                continue;
            }
            let when = fmt_datetime(&school, at);
            let mails: Vec<NewMail> = members
                .iter()
                .map(|to| {
                    crate::mail::for_staff(
                        &state.keys,
                        NewMail {
                            school_id: Some(school.id),
                            kind: "box-opening".into(),
                            recipient: to.clone(),
                            subject: tr.t1("pb-mail-reminder-subject", "when", when.as_str()),
                            body: tr.ta(
                                "pb-mail-reminder-body",
                                &[
                                    ("place", b.location.as_str().into()),
                                    ("when", when.as_str().into()),
                                    ("link", link.as_str().into()),
                                ],
                            ),
                            ..NewMail::default()
                        },
                    )
                })
                .collect();
            if state
                .store
                .mark_box_reminded(school.id, b.id, at, now.unix_timestamp(), &mails)
                .await?
            {
                report.opening_reminders += 1;
            }
        }
        report.meeting_reminders += meetings_reminder(state, &school, &c, &base).await?;
    }
    Ok(report)
}

fn local_ts(school: &Unit, t: PrimitiveDateTime) -> i64 {
    let off = crate::utc_offset(&school.time_zone).unwrap_or(time::UtcOffset::UTC);
    t.assume_offset(off).unix_timestamp()
}

async fn meetings_reminder(
    state: &AppState,
    school: &Unit,
    c: &trustbox_store::CommissionRow,
    base: &str,
) -> Result<usize, StoreError> {
    let now = state.clock.now();
    let today = local_date(school, now);
    let h = trustbox_domain::commission::HalfYear::of(today);
    let (from, to) = h.bounds();
    let held = state
        .store
        .meetings_held(school.id, &from.to_string(), &to.to_string())
        .await?;
    let Some(h) = meetings_reminder_due(today, held as usize) else {
        return Ok(0);
    };
    let mut recipients = state.store.emails_of_role(school.id, "director").await?;
    if let Some(chair) = c
        .chair_id
        .and_then(|id| c.members.iter().find(|m| m.id == id))
        .and_then(|m| m.user_id)
        && let Some(e) = email_of(state, chair).await
        && !recipients.contains(&e)
    {
        recipients.push(e);
    }
    let tr = Tr::new(Lang::parse(&school.default_lang).unwrap_or(Lang::Ru));
    let link = format!("{base}/staff/s/{}/meetings", school.slug);
    let mails: Vec<NewMail> = recipients
        .into_iter()
        .map(|recipient| {
            crate::mail::for_staff(
                &state.keys,
                NewMail {
                    school_id: Some(school.id),
                    kind: "commission-meetings".into(),
                    recipient,
                    subject: tr.t("cm-mail-meetings-subject"),
                    body: tr.ta(
                        "cm-mail-meetings-body",
                        &[
                            ("count", held.into()),
                            ("from", fmt_date(from).into()),
                            ("to", fmt_date(to).into()),
                            ("link", link.as_str().into()),
                        ],
                    ),
                    ..NewMail::default()
                },
            )
        })
        .collect();
    let period = format!("meetings-{}", h.code());
    Ok(usize::from(
        state
            .store
            .mark_commission_reminder(school.id, &period, now.unix_timestamp(), &mails)
            .await?,
    ))
}
