//! Intake: one path for every channel. The domain validates and triages, the crypto crate
//! encrypts with a fresh data key per appeal, the store registers it durably. A receipt is
//! returned only after the commit.

use time::{Date, OffsetDateTime};
use trustbox_crypto::{BucketKey, DataKey, ReceiptCode, aad};
use trustbox_domain::{
    Calendar, Channel, Country, JournalNumber, Lang, NumberingPolicy, ValidAppeal, deadline,
    journal_year,
};
use trustbox_i18n::Tr;
use trustbox_store::{NewAppeal, NewAttachment, NewMail, StoreError, Unit};

use std::sync::Arc;

use crate::cache::SchoolConfig;
use crate::upload::AcceptedFile;
use crate::{AppState, utc_offset};

/// An appeal ready to register.
pub struct Submission {
    pub valid: ValidAppeal,
    pub channel: Channel,
    pub lang: Lang,
    pub files: Vec<AcceptedFile>,
    /// The staff member who typed it in (phone, paper, in person).
    pub entered_by: Option<i64>,
    /// When it was received, if not now (a voicemail recorded at night, a letter from the box).
    pub received_at: Option<OffsetDateTime>,
}

/// What the author (or the integrating system) is told.
pub struct Receipt {
    pub appeal_id: i64,
    pub code: ReceiptCode,
    pub number: JournalNumber,
    pub deadline: Date,
    pub urgent: bool,
}

/// Associated data binding a ciphertext to its school, appeal and field.
pub fn field_aad(school_id: i64, appeal_id: i64, field: &str) -> Vec<u8> {
    aad(&[
        b"appeal",
        &school_id.to_be_bytes(),
        &appeal_id.to_be_bytes(),
        field.as_bytes(),
    ])
}

pub fn key_aad(school_id: i64, appeal_id: i64) -> Vec<u8> {
    aad(&[
        b"appeal-key",
        &school_id.to_be_bytes(),
        &appeal_id.to_be_bytes(),
    ])
}

pub fn attachment_aad(school_id: i64, appeal_id: i64, attachment_id: i64, part: &str) -> Vec<u8> {
    aad(&[
        b"attachment",
        &school_id.to_be_bytes(),
        &appeal_id.to_be_bytes(),
        &attachment_id.to_be_bytes(),
        part.as_bytes(),
    ])
}

pub fn message_aad(school_id: i64, appeal_id: i64, message_id: i64) -> Vec<u8> {
    aad(&[
        b"message",
        &school_id.to_be_bytes(),
        &appeal_id.to_be_bytes(),
        &message_id.to_be_bytes(),
    ])
}

pub fn board_aad(school_id: i64, appeal_id: i64, item_id: i64) -> Vec<u8> {
    aad(&[
        b"board",
        &school_id.to_be_bytes(),
        &appeal_id.to_be_bytes(),
        &item_id.to_be_bytes(),
    ])
}

/// How long an item stays on the answer board unless withdrawn earlier.
pub const BOARD_DAYS: i64 = 30;

pub fn journal_aad(school_id: i64, appeal_id: i64) -> Vec<u8> {
    aad(&[
        b"journal",
        &school_id.to_be_bytes(),
        &appeal_id.to_be_bytes(),
    ])
}

/// The personal columns of a journal entry: who wrote (name and age), contact (address and
/// phone), the short content, measures. Absent fields are left out.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct JournalPayload {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measures: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
}

/// The first words of a letter, for the journal's "short content" until staff write one.
pub fn summary_of(text: &str) -> String {
    let t: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.chars().count() <= 160 {
        return t;
    }
    let cut: String = t.chars().take(157).collect();
    format!("{}…", cut.rsplit_once(' ').map(|(a, _)| a).unwrap_or(&cut))
}

fn journal_payload(v: &ValidAppeal) -> Result<Vec<u8>, StoreError> {
    let c = &v.contact;
    let join = |parts: &[&Option<String>]| {
        let s = parts
            .iter()
            .filter_map(|p| p.as_deref())
            .collect::<Vec<_>>()
            .join(", ");
        (!s.is_empty()).then_some(s)
    };
    let p = JournalPayload {
        author: if v.anonymous {
            None
        } else {
            join(&[&c.name, &c.age, &c.class])
        },
        contact: if v.anonymous {
            None
        } else {
            join(&[&c.address, &c.phone, &c.email])
        },
        summary: Some(summary_of(&v.text)),
        measures: None,
        outcome: None,
    };
    serde_json::to_vec(&p).map_err(|e| StoreError::Invalid(e.to_string()))
}

/// A new positive row id (appeals, messages, attachments, buckets…; ciphertexts are bound to
/// it). Time-ordered, so that a table's and its id indexes' new rows go to the end of their
/// B-trees instead of each to a page of its own: a random id made every registered appeal
/// dirty a page of each, and SQLite's durable submissions twice as slow (BENCHMARKS.md).
///
/// The high 41 bits are milliseconds since 2020-01-01 (until 2089), the low 22 a random number
/// below 2^21, moved up past the last id when the clock has not; so ids never repeat within a
/// process, and two instances on one PostgreSQL collide only if the same millisecond draws the
/// same number (a unique-key error: the letter is refused, not lost, and can be sent again).
pub fn new_id() -> i64 {
    use std::sync::atomic::{AtomicI64, Ordering};
    static LAST: AtomicI64 = AtomicI64::new(0);
    const EPOCH_MS: i128 = 1_577_836_800_000;
    let ms = (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000 - EPOCH_MS)
        .clamp(0, (1 << 41) - 1) as i64;
    let fresh = (ms << 22) | i64::from(rand::random::<u32>() >> 11);
    let prev = LAST
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |last| {
            Some(fresh.max(last + 1))
        })
        .unwrap_or(0);
    fresh.max(prev + 1)
}

/// The school's local date at `at`.
pub fn local_date(school: &Unit, at: OffsetDateTime) -> Date {
    let off = utc_offset(&school.time_zone).unwrap_or(time::UtcOffset::UTC);
    at.to_offset(off).date()
}

/// The country's working-day calendar without the school's own changes.
pub fn calendar(school: &Unit) -> Calendar {
    Calendar::builtin(Country::parse(&school.country).unwrap_or(Country::Kg))
}

/// The school's working-day calendar: the country's, with the changes the school made.
pub async fn school_calendar(state: &AppState, school: &Unit) -> Result<Calendar, StoreError> {
    Ok(school_config(state, school).await?.calendar.clone())
}

/// The school's settings and calendar, read at most every [`crate::cache::SCHOOL_TTL`].
pub async fn school_config(
    state: &AppState,
    school: &Unit,
) -> Result<Arc<SchoolConfig>, StoreError> {
    if let Some(c) = state.caches.schools.get(&school.id) {
        return Ok(c);
    }
    let settings = state.store.school_settings(school.id).await?;
    let mut off = Vec::new();
    let mut work = Vec::new();
    for (day, working, _) in state.store.calendar_overrides(school.id).await? {
        if let Ok(d) = Date::parse(&day, &time::format_description::well_known::Iso8601::DATE) {
            if working { work.push(d) } else { off.push(d) }
        }
    }
    let c = Arc::new(SchoolConfig {
        settings,
        calendar: calendar(school).with_overrides(&off, &work),
    });
    state.caches.schools.put(school.id, c.clone());
    Ok(c)
}

/// Encrypts attachments for an appeal (and optionally a message).
pub fn seal_files(
    dk: &DataKey,
    school_id: i64,
    appeal_id: i64,
    files: &[AcceptedFile],
) -> Vec<NewAttachment> {
    files
        .iter()
        .map(|f| {
            let id = new_id();
            NewAttachment {
                id,
                mime: f.mime.to_string(),
                size: f.bytes.len() as i64,
                name_enc: dk.seal(
                    &attachment_aad(school_id, appeal_id, id, "name"),
                    f.name.as_bytes(),
                ),
                content_enc: dk.seal(
                    &attachment_aad(school_id, appeal_id, id, "content"),
                    &f.bytes,
                ),
            }
        })
        .collect()
}

/// An appeal's fields sealed with its own data key, and that key wrapped for storage.
pub struct SealedAppeal {
    /// The data key itself, for what the caller seals alongside.
    pub dk: DataKey,
    pub data_key: Vec<u8>,
    pub text_enc: Vec<u8>,
    pub contact_enc: Option<Vec<u8>>,
    pub attachments: Vec<NewAttachment>,
    pub journal_payload: Vec<u8>,
}

/// Seals an appeal's fields (text, contact, files, journal columns) with a fresh data key
/// bound to its school and id, and wraps that key. The one place where an appeal is encrypted
/// (intake and the benchmark data generator both use it).
pub fn seal_appeal(
    bucket: &BucketKey,
    school_id: i64,
    id: i64,
    v: &ValidAppeal,
    files: &[AcceptedFile],
) -> Result<SealedAppeal, StoreError> {
    let dk = DataKey::generate();
    let contact_enc = if v.anonymous || v.contact == Default::default() {
        None
    } else {
        let json =
            serde_json::to_vec(&v.contact).map_err(|e| StoreError::Invalid(e.to_string()))?;
        Some(dk.seal(&field_aad(school_id, id, "contact"), &json))
    };
    Ok(SealedAppeal {
        data_key: dk.wrap_in_bucket(bucket, &key_aad(school_id, id)),
        text_enc: dk.seal(&field_aad(school_id, id, "text"), v.text.as_bytes()),
        contact_enc,
        attachments: seal_files(&dk, school_id, id, files),
        journal_payload: dk.seal(&journal_aad(school_id, id), &journal_payload(v)?),
        dk,
    })
}

/// A submission encrypted and ready to register, with what its receipt will say.
pub struct Prepared {
    pub new: NewAppeal,
    /// The appeal's data key, for what the caller seals alongside.
    pub dk: DataKey,
    pub code: ReceiptCode,
    pub deadline: Date,
    pub urgent: bool,
}

/// Registers a submission and returns its receipt once it is durable.
pub async fn submit(
    state: &AppState,
    school: &Unit,
    sub: Submission,
) -> Result<Receipt, StoreError> {
    let p = prepare(state, school, sub).await?;
    let appeal_id = p.new.id;
    // Group commit: answered once the batch holding this appeal is durable.
    let received_at = p.new.received_at;
    let r = match state.store.register_appeal_or_return(p.new).await {
        Ok(r) => r,
        // The month's bucket was retired after we read it (a purge, maybe on another
        // instance): wrap the same data key in the fresh one and register again.
        Err((StoreError::Conflict, Some(new))) => {
            let label = crate::retention::open_label(received_at);
            state.caches.forget_bucket(&label);
            let bucket = crate::retention::bucket_for(state, &label, received_at).await?;
            let new = NewAppeal {
                data_key: p.dk.wrap_in_bucket(&bucket, &key_aad(school.id, appeal_id)),
                ..new
            };
            state.store.register_appeal(new).await?
        }
        Err((e, _)) => return Err(e),
    };
    Ok(Receipt {
        appeal_id,
        code: p.code,
        number: JournalNumber {
            year: r.journal_year as i32,
            seq: r.journal_seq,
        },
        deadline: p.deadline,
        urgent: p.urgent,
    })
}

/// Validates nothing more: numbers the deadline, encrypts everything under a fresh data key and
/// queues the urgent mails, so the caller can register it in its own transaction.
pub async fn prepare(
    state: &AppState,
    school: &Unit,
    sub: Submission,
) -> Result<Prepared, StoreError> {
    let now = sub.received_at.unwrap_or_else(|| state.clock.now());
    let today = local_date(school, now);
    let config = school_config(state, school).await?;
    let settings = &config.settings;
    let policy =
        NumberingPolicy::parse(&settings.numbering).unwrap_or(NumberingPolicy::CalendarYear);
    let due = deadline(
        &config.calendar,
        today,
        settings.answer_days.clamp(1, 15) as u32,
    );
    let id = new_id();
    let v = &sub.valid;
    // The data key is wrapped by the keyring bucket of the month received (crypto-shredding).
    let bucket = crate::retention::bucket_for(
        state,
        &crate::retention::open_label(now.unix_timestamp()),
        now.unix_timestamp(),
    )
    .await?;
    let sealed = seal_appeal(&bucket, school.id, id, v, &sub.files)?;
    let code = ReceiptCode::generate();
    let mut mails = Vec::new();
    if v.urgent {
        let tr = Tr::new(Lang::parse(&school.default_lang).unwrap_or(Lang::Ru));
        for to in state.store.emails_of_role(school.id, "responsible").await? {
            mails.push(crate::mail::for_staff(
                &state.keys,
                NewMail {
                    school_id: Some(school.id),
                    kind: "urgent".into(),
                    recipient: to,
                    subject: tr.t1("mail-urgent-subject", "number", "{number}"),
                    body: tr.ta(
                        "mail-urgent-body",
                        &[
                            ("number", "{number}".into()),
                            (
                                "link",
                                format!(
                                    "{}/staff/s/{}/appeals/{}",
                                    state.config.public_url.trim_end_matches('/'),
                                    school.slug,
                                    id
                                )
                                .into(),
                            ),
                        ],
                    ),
                    ..NewMail::default()
                },
            ));
        }
    }
    let new = NewAppeal {
        id,
        school_id: school.id,
        journal_year: i64::from(journal_year(policy, today)),
        received_at: now.unix_timestamp(),
        channel: sub.channel.code().to_string(),
        author_type: v.author.code().to_string(),
        anonymous: v.anonymous,
        category: v.category.code().to_string(),
        urgent: v.urgent,
        risks: v
            .risks
            .iter()
            .map(|r| r.code())
            .collect::<Vec<_>>()
            .join(","),
        answer_via: v.answer_via.code().to_string(),
        written_on: v.written_on.to_string(),
        deadline: due.to_string(),
        lang: sub.lang.code().to_string(),
        receipt_hash: Some(code.lookup_hash(&state.keys.pepper).to_vec()),
        data_key: sealed.data_key,
        text_enc: sealed.text_enc,
        contact_enc: sealed.contact_enc,
        attachments: sealed.attachments,
        mails,
        entered_by: sub.entered_by,
        journal_payload: Some(sealed.journal_payload),
    };
    Ok(Prepared {
        urgent: v.urgent,
        new,
        dk: sealed.dk,
        code,
        deadline: due,
    })
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::new_id;

    #[test]
    fn ids_are_positive_time_ordered_and_never_repeat_across_threads() {
        let before = time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
        let threads: Vec<_> = (0..4)
            .map(|_| std::thread::spawn(|| (0..50_000).map(|_| new_id()).collect::<Vec<_>>()))
            .collect();
        let mut all = Vec::new();
        for t in threads {
            let ids = t.join().expect("thread");
            // Each thread sees its ids strictly increasing.
            assert!(ids.windows(2).all(|w| w[0] < w[1]));
            all.extend(ids);
        }
        let after = time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
        let n = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), n, "an id repeated");
        assert!(all[0] > 0);
        // The high bits are the milliseconds since 2020 (the counter may run a little ahead of
        // the clock when many ids are drawn in one millisecond).
        let ms = |id: i64| i128::from(id >> 22) + 1_577_836_800_000;
        assert!(ms(all[0]) >= before - 1, "{} < {before}", ms(all[0]));
        assert!(
            ms(all[n - 1]) <= after + 1000,
            "{} > {after}",
            ms(all[n - 1])
        );
    }
}
