//! Appeals: registration (with the journal number, attachments, notifications and the audit
//! entry in one transaction), the author's conversation, attachments, assignees.
//! Contents arrive here already encrypted; the store never sees plaintext personal data.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Arguments, Row};

use std::collections::{BTreeMap, BTreeSet};

use crate::audit::{append_audit, append_audits};
use crate::journal::{BatchEntry, NewJournalEntry, append_journal_many, registration_entry};
use crate::{AuditInput, Store, StoreError};

/// An e-mail to send, queued in the same transaction as the event that causes it. In the mails
/// of a new appeal, `{number}` stands for the journal number it gets.
#[derive(Debug, Clone, Default)]
pub struct NewMail {
    pub school_id: Option<i64>,
    /// The appeal whose author it goes to (its address is sealed under the case's key and
    /// erased at the purge), or `None` for a mail to staff.
    pub appeal_id: Option<i64>,
    pub kind: String,
    /// The address as the administrator sees it, masked (`a•••@example.org`).
    pub recipient: String,
    /// The address, sealed by the caller (see `trustbox_web::mail`).
    pub recipient_enc: Vec<u8>,
    pub subject: String,
    pub body: String,
}

/// An attachment, encrypted by the caller.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub id: i64,
    pub mime: String,
    pub size: i64,
    pub name_enc: Vec<u8>,
    pub content_enc: Vec<u8>,
}

/// An appeal to register. `id` is chosen by the caller (the ciphertexts are bound to it).
#[derive(Debug, Clone)]
pub struct NewAppeal {
    pub id: i64,
    pub school_id: i64,
    pub journal_year: i64,
    pub received_at: i64,
    pub channel: String,
    pub author_type: String,
    pub anonymous: bool,
    pub category: String,
    pub urgent: bool,
    pub risks: String,
    pub answer_via: String,
    pub written_on: String,
    pub deadline: String,
    pub lang: String,
    pub receipt_hash: Option<Vec<u8>>,
    pub data_key: Vec<u8>,
    pub text_enc: Vec<u8>,
    pub contact_enc: Option<Vec<u8>>,
    pub attachments: Vec<NewAttachment>,
    pub mails: Vec<NewMail>,
    /// The staff member who entered it (phone, paper, in person), if any.
    pub entered_by: Option<i64>,
    /// The personal columns of its journal entry (author, contact, short content), encrypted.
    pub journal_payload: Option<Vec<u8>>,
}

/// What registration gave an appeal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Registered {
    pub id: i64,
    pub journal_year: i64,
    pub journal_seq: i64,
}

/// An appeal as stored (contents still encrypted).
#[derive(Debug, Clone)]
pub struct AppealRow {
    pub id: i64,
    pub school_id: i64,
    pub journal_year: i64,
    pub journal_seq: i64,
    pub received_at: i64,
    pub channel: String,
    pub author_type: String,
    pub anonymous: bool,
    pub category: String,
    pub urgent: bool,
    pub risks: String,
    pub status: String,
    pub answer_via: String,
    pub written_on: String,
    pub deadline: String,
    pub lang: String,
    pub data_key: Vec<u8>,
    pub text_enc: Vec<u8>,
    pub contact_enc: Option<Vec<u8>>,
    pub version: i64,
    pub updated_at: i64,
    pub closed_at: Option<i64>,
    pub answered_on: Option<String>,
    pub answer_kind: Option<String>,
}

/// A message of the conversation between staff and the author.
#[derive(Debug, Clone)]
pub struct MessageRow {
    pub id: i64,
    pub at: i64,
    pub from_staff: bool,
    pub user_id: Option<i64>,
    pub body_enc: Vec<u8>,
}

/// A new message, encrypted by the caller, with its attachments.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub id: i64,
    pub appeal_id: i64,
    pub school_id: i64,
    pub at: i64,
    pub from_staff: bool,
    pub user_id: Option<i64>,
    pub body_enc: Vec<u8>,
    pub attachments: Vec<NewAttachment>,
    pub mails: Vec<NewMail>,
}

/// An attachment's description (without its content).
#[derive(Debug, Clone)]
pub struct AttachmentMeta {
    pub id: i64,
    pub message_id: Option<i64>,
    pub at: i64,
    pub mime: String,
    pub size: i64,
    pub name_enc: Vec<u8>,
}

/// Which appeals an inbox lists.
#[derive(Debug, Clone, Default)]
pub struct InboxFilter {
    pub status: Option<String>,
    pub category: Option<String>,
    pub channel: Option<String>,
    pub urgent: Option<bool>,
    /// Only appeals assigned to this user (for staff who see only what they are given).
    pub assigned_to: Option<i64>,
    /// Only open appeals whose deadline is before this date (`YYYY-MM-DD`).
    pub overdue_on: Option<String>,
}

pub(crate) const COLUMNS: &str = "id, school_id, journal_year, journal_seq, received_at, channel, author_type, \
    anonymous, category, urgent, risks, status, answer_via, written_on, deadline, lang, data_key, \
    text_enc, contact_enc, version, updated_at, closed_at, answered_on, answer_kind";

/// [`COLUMNS`] without the ciphertexts and the wrapped key.
const LIST_COLUMNS: &str = "id, school_id, journal_year, journal_seq, received_at, channel, author_type, \
    anonymous, category, urgent, risks, status, answer_via, written_on, deadline, lang, \
    version, updated_at, closed_at, answered_on, answer_kind";

/// A row of [`LIST_COLUMNS`]: the ciphertexts and the key are left empty.
fn row_to_listed(r: &AnyRow) -> Result<AppealRow, sqlx::Error> {
    row_to(r, false)
}

pub(crate) fn row_to_appeal(r: &AnyRow) -> Result<AppealRow, sqlx::Error> {
    row_to(r, true)
}

/// A row of [`COLUMNS`] (`sealed`) or of [`LIST_COLUMNS`].
fn row_to(r: &AnyRow, sealed: bool) -> Result<AppealRow, sqlx::Error> {
    Ok(AppealRow {
        id: r.try_get("id")?,
        school_id: r.try_get("school_id")?,
        journal_year: r.try_get("journal_year")?,
        journal_seq: r.try_get("journal_seq")?,
        received_at: r.try_get("received_at")?,
        channel: r.try_get("channel")?,
        author_type: r.try_get("author_type")?,
        anonymous: r.try_get::<i64, _>("anonymous")? != 0,
        category: r.try_get("category")?,
        urgent: r.try_get::<i64, _>("urgent")? != 0,
        risks: r.try_get("risks")?,
        status: r.try_get("status")?,
        answer_via: r.try_get("answer_via")?,
        written_on: r.try_get("written_on")?,
        deadline: r.try_get("deadline")?,
        lang: r.try_get("lang")?,
        data_key: if sealed {
            r.try_get("data_key")?
        } else {
            Vec::new()
        },
        text_enc: if sealed {
            r.try_get("text_enc")?
        } else {
            Vec::new()
        },
        contact_enc: if sealed {
            r.try_get("contact_enc")?
        } else {
            None
        },
        version: r.try_get("version")?,
        updated_at: r.try_get("updated_at")?,
        closed_at: r.try_get("closed_at")?,
        answered_on: r.try_get("answered_on")?,
        answer_kind: r.try_get("answer_kind")?,
    })
}

async fn insert_attachments(
    conn: &mut AnyConnection,
    appeal_id: i64,
    school_id: i64,
    message_id: Option<i64>,
    at: i64,
    files: &[NewAttachment],
) -> Result<(), StoreError> {
    for f in files {
        sqlx::query(
            "INSERT INTO attachments (id, appeal_id, school_id, message_id, at, mime, size, name_enc, content_enc) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(f.id)
        .bind(appeal_id)
        .bind(school_id)
        .bind(message_id)
        .bind(at)
        .bind(&f.mime)
        .bind(f.size)
        .bind(&f.name_enc)
        .bind(&f.content_enc)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub(crate) async fn queue_mails(
    conn: &mut AnyConnection,
    mails: &[NewMail],
    now: i64,
) -> Result<(), StoreError> {
    for m in mails {
        sqlx::query(
            "INSERT INTO outbox (school_id, created_at, kind, recipient, subject, body, next_attempt_at, \
             appeal_id, recipient_enc) VALUES ($1, $2, $3, $4, $5, $6, $2, $7, $8)",
        )
        .bind(m.school_id)
        .bind(now)
        .bind(&m.kind)
        .bind(&m.recipient)
        .bind(&m.subject)
        .bind(&m.body)
        .bind(m.appeal_id)
        .bind(&m.recipient_enc)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Registers one appeal inside the caller's transaction (e.g. the opening of a paper box
/// registers every letter with its act): the batch path with a batch of one.
pub(crate) async fn register_in(
    tx: &mut AnyConnection,
    a: &NewAppeal,
) -> Result<Registered, StoreError> {
    register_batch_in(tx, std::slice::from_ref(a))
        .await?
        .into_iter()
        .next()
        .ok_or(StoreError::NotFound)
}

/// Registers a batch inside the caller's transaction; see [`Store::register_appeals`].
/// [`Store::register_appeals`] on a connection the caller keeps (the group writer's own).
pub(crate) async fn register_appeals_on(
    conn: &mut AnyConnection,
    batch: &[NewAppeal],
) -> Result<Vec<Registered>, StoreError> {
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    let out = register_batch_in(&mut tx, batch).await?;
    tx.commit().await?;
    Ok(out)
}

pub(crate) async fn register_batch_in(
    tx: &mut AnyConnection,
    batch: &[NewAppeal],
) -> Result<Vec<Registered>, StoreError> {
    // Journal numbers: one counter step per (school, year) for the whole batch.
    let mut counts: BTreeMap<(i64, i64), i64> = BTreeMap::new();
    for a in batch {
        *counts.entry((a.school_id, a.journal_year)).or_default() += 1;
    }
    let mut next: BTreeMap<(i64, i64), i64> = BTreeMap::new();
    for (&(school_id, year), &k) in &counts {
        let row = sqlx::query(
            "INSERT INTO journal_counters (school_id, year, last_seq) VALUES ($1, $2, $3) \
             ON CONFLICT (school_id, year) DO UPDATE SET last_seq = journal_counters.last_seq + $3 \
             RETURNING last_seq",
        )
        .bind(school_id)
        .bind(year)
        .bind(k)
        .fetch_one(&mut *tx)
        .await?;
        let last: i64 = row.try_get("last_seq")?;
        next.insert((school_id, year), last - k + 1);
    }
    let mut out = Vec::with_capacity(batch.len());
    for a in batch {
        let slot = next
            .get_mut(&(a.school_id, a.journal_year))
            .ok_or(StoreError::NotFound)?;
        let seq = *slot;
        *slot += 1;
        out.push(Registered {
            id: a.id,
            journal_year: a.journal_year,
            journal_seq: seq,
        });
    }
    // The appeals in a few multi-row statements (see `bulk`).
    let rows: Vec<(&NewAppeal, i64)> = batch
        .iter()
        .zip(&out)
        .map(|(a, r)| (a, r.journal_seq))
        .collect();
    crate::bulk::insert_rows(
        &mut *tx,
        "INSERT INTO appeals (id, school_id, journal_year, journal_seq, received_at, channel, \
         author_type, anonymous, category, urgent, risks, status, answer_via, written_on, deadline, \
         lang, receipt_hash, data_key, text_enc, contact_enc, updated_at, key_bucket_id)",
        "",
        22,
        &rows,
        |q, (a, seq)| {
            q.add(a.id)?;
            q.add(a.school_id)?;
            q.add(a.journal_year)?;
            q.add(*seq)?;
            q.add(a.received_at)?;
            q.add(&a.channel)?;
            q.add(&a.author_type)?;
            q.add(i64::from(a.anonymous))?;
            q.add(&a.category)?;
            q.add(i64::from(a.urgent))?;
            q.add(&a.risks)?;
            q.add("new")?;
            q.add(&a.answer_via)?;
            q.add(&a.written_on)?;
            q.add(&a.deadline)?;
            q.add(&a.lang)?;
            q.add(a.receipt_hash.as_deref())?;
            q.add(&a.data_key)?;
            q.add(&a.text_enc)?;
            q.add(a.contact_enc.as_deref())?;
            q.add(a.received_at)?;
            q.add(match trustbox_crypto::wrapped_by(&a.data_key) {
                trustbox_crypto::WrappedBy::Bucket(b) => Some(b),
                _ => None,
            })
        },
    )
    .await
    .map_err(|e| match e {
        StoreError::Sql(e) => StoreError::unique(e, "appeal"),
        e => e,
    })?;
    let wraps: Vec<(i64, &[u8], i64)> = batch
        .iter()
        .map(|a| (a.id, a.data_key.as_slice(), a.received_at))
        .collect();
    crate::retention::record_wraps(&mut *tx, &wraps).await?;
    for (a, r) in batch.iter().zip(&out) {
        insert_attachments(
            &mut *tx,
            a.id,
            a.school_id,
            None,
            a.received_at,
            &a.attachments,
        )
        .await?;
        if a.mails.is_empty() {
            continue;
        }
        let number = format!("{}/{}", a.journal_year, r.journal_seq);
        let mails: Vec<NewMail> = a
            .mails
            .iter()
            .map(|m| NewMail {
                subject: m.subject.replace("{number}", &number),
                body: m.body.replace("{number}", &number),
                ..m.clone()
            })
            .collect();
        queue_mails(&mut *tx, &mails, a.received_at).await?;
    }
    // Registration entries: each school's chain once, schools in a fixed order.
    let entries: Vec<NewJournalEntry> = batch
        .iter()
        .zip(&out)
        .map(|(a, r)| registration_entry(a, r.journal_seq))
        .collect();
    let schools: BTreeSet<i64> = batch.iter().map(|a| a.school_id).collect();
    for school_id in schools {
        let mine: Vec<BatchEntry<'_>> = batch
            .iter()
            .zip(&entries)
            .filter(|(a, _)| a.school_id == school_id)
            .map(|(a, e)| (a.id, a.received_at, a.entered_by, e))
            .collect();
        append_journal_many(&mut *tx, school_id, &mine).await?;
    }
    let texts: Vec<(String, String)> = batch
        .iter()
        .zip(&out)
        .map(|(a, r)| {
            (
                format!("appeal:{}", a.id),
                format!("{}/{} {}", a.journal_year, r.journal_seq, a.channel),
            )
        })
        .collect();
    let audits: Vec<(AuditInput<'_>, i64)> = batch
        .iter()
        .zip(&texts)
        .map(|(a, (object, detail))| {
            (
                AuditInput {
                    actor_id: a.entered_by,
                    school_id: Some(a.school_id),
                    action: "appeal-registered",
                    object,
                    detail,
                },
                a.received_at,
            )
        })
        .collect();
    append_audits(&mut *tx, &audits).await?;
    Ok(out)
}

impl Store {
    /// Registers appeals in one transaction: each gets the next journal number of its school and
    /// year (in the order given); its attachments, queued mails, journal and audit entries are
    /// written with it. Each school's journal chain and the audit chain advance once for the
    /// whole batch. When this returns, the appeals are durable (SQLite: `synchronous=FULL`).
    /// Counters and chain heads are taken in a fixed order (by school), so that two instances
    /// on one PostgreSQL never wait for each other in a circle.
    pub async fn register_appeals(
        &self,
        batch: &[NewAppeal],
    ) -> Result<Vec<Registered>, StoreError> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = self.pool.begin().await?;
        let out = register_batch_in(&mut tx, batch).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// An appeal of `school_id`; not found when it belongs to another school.
    pub async fn appeal(&self, school_id: i64, id: i64) -> Result<AppealRow, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM appeals WHERE id = $1 AND school_id = $2"
        ))
        .bind(id)
        .bind(school_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(row_to_appeal(&row)?)
    }

    /// Appeals matching a condition on (school, from, to) — `$1`, `$2`, `$3`.
    pub(crate) async fn appeals_where(
        &self,
        cond: &str,
        school_id: i64,
        from: i64,
        to: i64,
    ) -> Result<Vec<AppealRow>, StoreError> {
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM appeals WHERE {cond}"))
            .bind(school_id)
            .bind(from)
            .bind(to)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(row_to_appeal).collect::<Result<_, _>>()?)
    }

    /// The appeals a query of `COLUMNS` selects, with the school as `$1` and a day as `$2`.
    pub(crate) async fn appeals_by_day(
        &self,
        sql: &str,
        school_id: i64,
        day: &str,
    ) -> Result<Vec<AppealRow>, StoreError> {
        let rows = sqlx::query(sql)
            .bind(school_id)
            .bind(day)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(row_to_appeal).collect::<Result<_, _>>()?)
    }

    /// The appeal a receipt opens (by the receipt's HMAC).
    pub async fn appeal_by_receipt(&self, receipt_hash: &[u8]) -> Result<AppealRow, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM appeals WHERE receipt_hash = $1"
        ))
        .bind(receipt_hash)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(row_to_appeal(&row)?)
    }

    /// A school's appeals for the inbox, most urgent and nearest deadline first.
    pub async fn inbox(
        &self,
        school_id: i64,
        f: &InboxFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<AppealRow>, StoreError> {
        self.inbox_select(COLUMNS, school_id, f, limit, offset)
            .await?
            .iter()
            .map(|r| Ok(row_to_appeal(r)?))
            .collect()
    }

    /// [`Store::inbox`] without the ciphertexts and wrapped keys (empty in what it returns):
    /// what the inbox page lists. Hundreds of rows without their letters are a fraction of
    /// the bytes to read and copy.
    pub async fn inbox_list(
        &self,
        school_id: i64,
        f: &InboxFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<AppealRow>, StoreError> {
        self.inbox_select(LIST_COLUMNS, school_id, f, limit, offset)
            .await?
            .iter()
            .map(|r| Ok(row_to_listed(r)?))
            .collect()
    }

    async fn inbox_select(
        &self,
        columns: &str,
        school_id: i64,
        f: &InboxFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<AnyRow>, StoreError> {
        let mut sql = format!("SELECT {columns} FROM appeals WHERE school_id = $1");
        let mut n = 1;
        let mut next = || {
            n += 1;
            n
        };
        let mut strings: Vec<String> = Vec::new();
        if let Some(s) = &f.status {
            sql.push_str(&format!(" AND status = ${}", next()));
            strings.push(s.clone());
        }
        if let Some(s) = &f.category {
            sql.push_str(&format!(" AND category = ${}", next()));
            strings.push(s.clone());
        }
        if let Some(s) = &f.channel {
            sql.push_str(&format!(" AND channel = ${}", next()));
            strings.push(s.clone());
        }
        if let Some(d) = &f.overdue_on {
            sql.push_str(&format!(
                " AND status NOT IN ('answered', 'closed', 'not_an_appeal') AND deadline < ${}",
                next()
            ));
            strings.push(d.clone());
        }
        let mut ints: Vec<i64> = Vec::new();
        if let Some(u) = f.urgent {
            sql.push_str(&format!(" AND urgent = ${}", next()));
            ints.push(i64::from(u));
        }
        if let Some(u) = f.assigned_to {
            sql.push_str(&format!(
                " AND id IN (SELECT appeal_id FROM appeal_assignees WHERE user_id = ${})",
                next()
            ));
            ints.push(u);
        }
        let l = next();
        let o = next();
        sql.push_str(&format!(
            " ORDER BY CASE WHEN status IN ('closed', 'not_an_appeal') THEN 1 ELSE 0 END, urgent DESC, deadline, journal_year, journal_seq LIMIT ${l} OFFSET ${o}"
        ));
        let mut q = sqlx::query(&sql).bind(school_id);
        for s in &strings {
            q = q.bind(s);
        }
        for i in &ints {
            q = q.bind(*i);
        }
        Ok(q.bind(limit).bind(offset).fetch_all(&self.pool).await?)
    }

    pub async fn messages(&self, appeal_id: i64) -> Result<Vec<MessageRow>, StoreError> {
        let rows = sqlx::query("SELECT id, at, from_staff, user_id, body_enc FROM appeal_messages WHERE appeal_id = $1 ORDER BY at, id")
            .bind(appeal_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(MessageRow {
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    from_staff: r.try_get::<i64, _>("from_staff")? != 0,
                    user_id: r.try_get("user_id")?,
                    body_enc: r.try_get("body_enc")?,
                })
            })
            .collect()
    }

    /// Adds a message (and its files and mails) to an appeal's conversation.
    pub async fn add_message(
        &self,
        m: &NewMessage,
        audit: &AuditInput<'_>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let updated =
            sqlx::query("UPDATE appeals SET updated_at = $1 WHERE id = $2 AND school_id = $3")
                .bind(m.at)
                .bind(m.appeal_id)
                .bind(m.school_id)
                .execute(&mut *tx)
                .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "INSERT INTO appeal_messages (id, appeal_id, school_id, at, from_staff, user_id, body_enc) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(m.id)
        .bind(m.appeal_id)
        .bind(m.school_id)
        .bind(m.at)
        .bind(i64::from(m.from_staff))
        .bind(m.user_id)
        .bind(&m.body_enc)
        .execute(&mut *tx)
        .await?;
        insert_attachments(
            &mut tx,
            m.appeal_id,
            m.school_id,
            Some(m.id),
            m.at,
            &m.attachments,
        )
        .await?;
        queue_mails(&mut tx, &m.mails, m.at).await?;
        append_audit(&mut tx, audit, m.at).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn attachments(&self, appeal_id: i64) -> Result<Vec<AttachmentMeta>, StoreError> {
        let rows = sqlx::query("SELECT id, message_id, at, mime, size, name_enc FROM attachments WHERE appeal_id = $1 ORDER BY at, id")
            .bind(appeal_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(AttachmentMeta {
                    id: r.try_get("id")?,
                    message_id: r.try_get("message_id")?,
                    at: r.try_get("at")?,
                    mime: r.try_get("mime")?,
                    size: r.try_get("size")?,
                    name_enc: r.try_get("name_enc")?,
                })
            })
            .collect()
    }

    /// One attachment's description and encrypted content, if it belongs to that appeal and school.
    pub async fn attachment(
        &self,
        school_id: i64,
        appeal_id: i64,
        id: i64,
    ) -> Result<(AttachmentMeta, Vec<u8>), StoreError> {
        let r = sqlx::query(
            "SELECT id, message_id, at, mime, size, name_enc, content_enc FROM attachments \
             WHERE id = $1 AND appeal_id = $2 AND school_id = $3",
        )
        .bind(id)
        .bind(appeal_id)
        .bind(school_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok((
            AttachmentMeta {
                id: r.try_get("id")?,
                message_id: r.try_get("message_id")?,
                at: r.try_get("at")?,
                mime: r.try_get("mime")?,
                size: r.try_get("size")?,
                name_enc: r.try_get("name_enc")?,
            },
            r.try_get("content_enc")?,
        ))
    }

    pub async fn assignees(&self, appeal_id: i64) -> Result<Vec<i64>, StoreError> {
        let rows: Vec<(i64,)> = sqlx::query_as(
            "SELECT user_id FROM appeal_assignees WHERE appeal_id = $1 ORDER BY user_id",
        )
        .bind(appeal_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    pub async fn assign(
        &self,
        school_id: i64,
        appeal_id: i64,
        user_id: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO appeal_assignees (appeal_id, user_id, school_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(appeal_id)
            .bind(user_id)
            .bind(school_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records a read of personal data in the audit log.
    pub async fn audit_view(&self, input: &AuditInput<'_>, now: i64) -> Result<(), StoreError> {
        self.audit(input, now).await.map(|_| ())
    }
}
