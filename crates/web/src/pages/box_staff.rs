//! The digital box, staff side: the inbox, an appeal with its conversation and attachments,
//! replies to the author, and the school's settings and API tokens. Every view of personal
//! data is written to the audit log.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use trustbox_crypto::{DataKey, random_token, to_hex, token_hash};
use trustbox_domain::{
    Action, AnswerVia, AuthorType, Category, Channel, Contact, RiskKind, Status, Target,
};
use trustbox_i18n::Tr;
use trustbox_store::{AppealRow, AuditInput, InboxFilter, NewMessage, SchoolSettings, Unit};

use super::admin::Opt;
use super::{Layout, fmt_date, fmt_datetime, parse_date};
use crate::forms::FormErrors;
use crate::intake::{attachment_aad, field_aad, local_date, message_aad, new_id};
use crate::session::{Staff, StaffForm};
use crate::{AppError, AppState};

fn label<T>(tr: Tr, v: Option<T>, id: impl Fn(T) -> &'static str, raw: &str) -> String {
    v.map(|v| tr.t(id(v))).unwrap_or_else(|| raw.to_string())
}

/// An inbox row (no personal data).
pub struct InboxRow {
    pub id: i64,
    pub number: String,
    pub received: String,
    pub channel: String,
    pub category: String,
    pub urgent: bool,
    pub status: String,
    pub deadline: String,
    pub overdue: bool,
}

#[derive(Deserialize, Default)]
pub struct InboxQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    urgent: String,
    #[serde(default)]
    overdue: String,
    #[serde(default)]
    assignee: String,
    /// Which page of the list (from 1).
    #[serde(default)]
    page: String,
}

/// Letters on one page of the inbox.
pub const INBOX_PAGE: i64 = 100;

impl InboxQuery {
    /// This query's link to another page of the list, with the same filters.
    fn page_link(&self, slug: &str, page: i64) -> String {
        let mut q: Vec<(&str, String)> = [
            ("status", &self.status),
            ("category", &self.category),
            ("channel", &self.channel),
            ("urgent", &self.urgent),
            ("overdue", &self.overdue),
            ("assignee", &self.assignee),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k, v.clone()))
        .collect();
        q.push(("page", page.to_string()));
        format!(
            "/staff/s/{slug}/appeals?{}",
            serde_urlencoded::to_string(&q).unwrap_or_default()
        )
    }
}

/// A forwarding past its review deadline, as listed above the inbox.
pub struct OverdueForward {
    pub appeal_id: i64,
    pub number: String,
    pub body: String,
    pub deadline: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "inbox.html")]
struct InboxPage {
    l: Layout,
    tr: Tr,
    slug: String,
    rows: Vec<InboxRow>,
    statuses: Vec<Opt>,
    categories: Vec<Opt>,
    channels: Vec<Opt>,
    urgent: bool,
    overdue: bool,
    assignees: Vec<Opt>,
    overdue_forwards: Vec<OverdueForward>,
    /// "Page N" and the links to the pages before and after, when there is more than one.
    page_label: String,
    prev: Option<String>,
    next: Option<String>,
}

fn options(tr: Tr, all: Vec<(&'static str, &'static str)>, current: &str) -> Vec<Opt> {
    let mut v = vec![Opt {
        value: String::new(),
        label: tr.t("filter-any"),
        selected: current.is_empty(),
    }];
    v.extend(all.into_iter().map(|(code, id)| Opt {
        value: code.to_string(),
        label: tr.t(id),
        selected: current == code,
    }));
    v
}

fn is_responsible(staff: &Staff, path: &[i64]) -> bool {
    // Only those who may read every appeal of the school (not just assigned ones).
    staff.can(
        Action::ReadAppeal,
        &Target::Appeal {
            path,
            assignees: &[],
        },
    )
}

pub async fn inbox(
    State(state): State<AppState>,
    staff: Staff,
    Path(slug): Path<String>,
    Query(q): Query<InboxQuery>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let (school, path) = staff.unit(&state, &slug, Action::ViewInbox).await?;
    let today = local_date(&school, state.clock.now());
    let filter = InboxFilter {
        status: Status::parse(&q.status).map(|s| s.code().to_string()),
        category: Category::parse(&q.category).map(|c| c.code().to_string()),
        channel: Channel::parse(&q.channel).map(|c| c.code().to_string()),
        urgent: (q.urgent == "1").then_some(true),
        assigned_to: if is_responsible(&staff, &path) {
            q.assignee.parse::<i64>().ok()
        } else {
            Some(staff.user.id)
        },
        overdue_on: (q.overdue == "1").then(|| today.to_string()),
    };
    // A page at a time, in the inbox's order (read from its index); one more than shown says
    // whether there is a next page, without counting a school's 100,000 letters.
    let page = q.page.parse::<i64>().unwrap_or(1).clamp(1, 1_000_000);
    let mut list = state
        .store
        .inbox_list(school.id, &filter, INBOX_PAGE + 1, (page - 1) * INBOX_PAGE)
        .await
        .map_err(AppError::internal(tr))?;
    let more = list.len() as i64 > INBOX_PAGE;
    list.truncate(INBOX_PAGE as usize);
    let today_s = today.to_string();
    let rows = list
        .iter()
        .map(|a| {
            let status = Status::parse(&a.status);
            InboxRow {
                id: a.id,
                number: format!("{}/{}", a.journal_year, a.journal_seq),
                received: fmt_datetime(&school, a.received_at),
                channel: label(
                    tr,
                    Channel::parse(&a.channel),
                    |c| c.message_id(),
                    &a.channel,
                ),
                category: label(
                    tr,
                    Category::parse(&a.category),
                    |c| c.message_id(),
                    &a.category,
                ),
                urgent: a.urgent,
                status: label(tr, status, |s| s.message_id(), &a.status),
                deadline: parse_date(&a.deadline).map(fmt_date).unwrap_or_default(),
                overdue: status.is_some_and(|s| s.is_open() && s != Status::Answered)
                    && a.deadline < today_s,
            }
        })
        .collect();
    let statuses = options(
        tr,
        Status::ALL
            .iter()
            .map(|s| (s.code(), s.message_id()))
            .collect(),
        &q.status,
    );
    let categories = options(
        tr,
        Category::ALL
            .iter()
            .map(|s| (s.code(), s.message_id()))
            .collect(),
        &q.category,
    );
    let channels = options(
        tr,
        Channel::ALL
            .iter()
            .map(|s| (s.code(), s.message_id()))
            .collect(),
        &q.channel,
    );
    let people = state
        .store
        .users_of_unit(school.id)
        .await
        .map_err(AppError::internal(tr))?;
    let mut assignees = vec![Opt {
        value: String::new(),
        label: tr.t("filter-any"),
        selected: q.assignee.is_empty(),
    }];
    if is_responsible(&staff, &path) {
        assignees.extend(people.iter().map(|u| Opt {
            value: u.id.to_string(),
            label: u.display_name.clone(),
            selected: q.assignee == u.id.to_string(),
        }));
    }
    let mut overdue_forwards = Vec::new();
    if is_responsible(&staff, &path) {
        let bodies = state
            .store
            .bodies(&path)
            .await
            .map_err(AppError::internal(tr))?;
        for f in state
            .store
            .overdue_forwards(school.id, &today_s)
            .await
            .map_err(AppError::internal(tr))?
        {
            let number = list
                .iter()
                .find(|a| a.id == f.appeal_id)
                .map(|a| format!("{}/{}", a.journal_year, a.journal_seq));
            let number = match number {
                Some(n) => n,
                None => state
                    .store
                    .appeal(school.id, f.appeal_id)
                    .await
                    .map(|a| format!("{}/{}", a.journal_year, a.journal_seq))
                    .unwrap_or_default(),
            };
            overdue_forwards.push(OverdueForward {
                appeal_id: f.appeal_id,
                number,
                body: bodies
                    .iter()
                    .find(|b| b.id == f.body_id)
                    .map(|b| b.name.clone())
                    .unwrap_or_default(),
                deadline: parse_date(&f.deadline).map(fmt_date).unwrap_or_default(),
            });
        }
    }
    let here = format!("/staff/s/{slug}/appeals");
    let prev = (page > 1).then(|| q.page_link(&slug, page - 1));
    let next = more.then(|| q.page_link(&slug, page + 1));
    let l = Layout::new(
        &state,
        &staff,
        tr.t1("inbox-title", "school", school.name(tr.code())),
        &here,
    )
    .await?;
    Ok(InboxPage {
        l,
        tr,
        slug,
        rows,
        statuses,
        categories,
        channels,
        urgent: q.urgent == "1",
        overdue: q.overdue == "1",
        assignees,
        overdue_forwards,
        page_label: tr.t1("inbox-page", "page", page),
        prev,
        next,
    }
    .into_response())
}

/// The appeal, if this person may do `action` with it; else not found.
async fn readable(
    state: &AppState,
    staff: &Staff,
    slug: &str,
    id: i64,
    action: Action,
) -> Result<(Unit, AppealRow, DataKey), AppError> {
    let c = super::casework::load(state, staff, slug, id, action).await?;
    Ok((c.school, c.appeal, c.dk))
}

/// A message as staff see it.
pub struct StaffMessage {
    pub from_staff: bool,
    pub who: String,
    pub at: String,
    pub body: String,
}

/// An attachment as listed.
pub struct FileRow {
    pub id: i64,
    pub name: String,
    pub mime: String,
    pub size_kb: i64,
    /// A recording (a voicemail, a voice message): played on the page.
    pub is_audio: bool,
}

/// What a person typed into one of the appeal page's forms, to show it again.
#[derive(Debug, Default, Clone)]
pub struct Typed {
    pub form: String,
    pub text: String,
    pub board_text: String,
}

/// An entry of the appeal's history.
pub struct HistoryRow {
    pub at: String,
    pub who: String,
    pub what: String,
    pub detail: String,
}

/// An item of this appeal on the answer board.
pub struct BoardView {
    pub id: i64,
    pub kind: String,
    pub text: String,
    pub until: String,
    pub live: bool,
}

/// A forwarding as listed.
pub struct ForwardView {
    pub id: i64,
    pub body: String,
    pub sent_on: String,
    pub deadline: String,
    pub overdue: bool,
    pub outcome: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "appeal.html")]
pub(crate) struct AppealPage {
    l: Layout,
    tr: Tr,
    slug: String,
    id: i64,
    received: String,
    channel: String,
    author: String,
    anonymous: bool,
    contact: Vec<(String, String)>,
    category: String,
    risks: Vec<String>,
    urgent: bool,
    written_on: String,
    answer_via: String,
    deadline: String,
    status: String,
    text: String,
    messages: Vec<StaffMessage>,
    files: Vec<FileRow>,
    can_work: bool,
    can_assign: bool,
    version: i64,
    next_statuses: Vec<Opt>,
    staff_opts: Vec<Opt>,
    assigned: Vec<(i64, String)>,
    bodies: Vec<Opt>,
    forwards: Vec<ForwardView>,
    history: Vec<HistoryRow>,
    summary: String,
    measures: Vec<String>,
    board_items: Vec<BoardView>,
    answer_personal_only: bool,
    has_email: bool,
    today: String,
    typed: Typed,
    errors: FormErrors,
    retention: super::hold::RetentionView,
}

pub(crate) async fn appeal_page(
    state: &AppState,
    staff: &Staff,
    slug: &str,
    id: i64,
    typed: Typed,
    errors: FormErrors,
) -> Result<AppealPage, AppError> {
    let tr = staff.tr;
    let (school, a, dk) = readable(state, staff, slug, id, Action::ReadAppeal).await?;
    let open = |field: &str, data: &[u8]| {
        dk.open_string(&field_aad(a.school_id, a.id, field), data)
            .map_err(|e| AppError::Internal(tr, e.to_string()))
    };
    let text = open("text", &a.text_enc)?;
    let mut contact = Vec::new();
    if let Some(c) = &a.contact_enc {
        let c: Contact = serde_json::from_str(&open("contact", c)?)
            .map_err(|e| AppError::Internal(tr, e.to_string()))?;
        for (id, v) in [
            ("write-name", c.name),
            ("write-age", c.age),
            ("write-class", c.class),
            ("write-address", c.address),
            ("write-phone", c.phone),
            ("write-email", c.email),
        ] {
            if let Some(v) = v {
                contact.push((tr.t(id), v));
            }
        }
    }
    let users = state
        .store
        .users_of_unit(school.id)
        .await
        .map_err(AppError::internal(tr))?;
    let mut messages = Vec::new();
    for m in state
        .store
        .messages(a.id)
        .await
        .map_err(AppError::internal(tr))?
    {
        let who = if m.from_staff {
            m.user_id
                .and_then(|u| users.iter().find(|x| x.id == u))
                .map(|u| u.display_name.clone())
                .unwrap_or_else(|| tr.t("appeal-staff"))
        } else {
            tr.t("appeal-author")
        };
        messages.push(StaffMessage {
            from_staff: m.from_staff,
            who,
            at: fmt_datetime(&school, m.at),
            body: dk
                .open_string(&message_aad(a.school_id, a.id, m.id), &m.body_enc)
                .map_err(|e| AppError::Internal(tr, e.to_string()))?,
        });
    }
    let files = state
        .store
        .attachments(a.id)
        .await
        .map_err(AppError::internal(tr))?
        .into_iter()
        .map(|f| FileRow {
            name: dk
                .open_string(
                    &attachment_aad(a.school_id, a.id, f.id, "name"),
                    &f.name_enc,
                )
                .unwrap_or_default(),
            id: f.id,
            is_audio: f.mime.starts_with("audio/"),
            mime: f.mime,
            size_kb: (f.size + 1023) / 1024,
        })
        .collect();
    let now = state.clock.now_ts();
    state
        .store
        .audit_view(
            &AuditInput {
                actor_id: Some(staff.user.id),
                school_id: Some(school.id),
                action: "appeal-viewed",
                object: &format!("appeal:{}", a.id),
                detail: "",
            },
            now,
        )
        .await
        .map_err(AppError::internal(tr))?;
    let path = state
        .store
        .unit_path(school.id)
        .await
        .map_err(AppError::internal(tr))?;
    let assignees = state
        .store
        .assignees(a.id)
        .await
        .map_err(AppError::internal(tr))?;
    let status = Status::parse(&a.status);
    let name_of = |uid: Option<i64>| {
        uid.and_then(|u| users.iter().find(|x| x.id == u))
            .map(|u| u.display_name.clone())
            .unwrap_or_default()
    };
    // History: the journal entries and internal notes, oldest first.
    let entries = state
        .store
        .journal_of(school.id, a.id)
        .await
        .map_err(AppError::internal(tr))?;
    let mut history = Vec::new();
    let mut summary = String::new();
    let mut measures = Vec::new();
    for e in &entries {
        let payload: crate::intake::JournalPayload = e
            .payload_enc
            .as_ref()
            .and_then(|p| {
                dk.open_string(&crate::intake::journal_aad(school.id, a.id), p)
                    .ok()
            })
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default();
        let plain: serde_json::Value = serde_json::from_str(&e.plain).unwrap_or_default();
        let get = |k: &str| {
            plain
                .get(k)
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string()
        };
        if let Some(s) = &payload.summary {
            summary = s.clone();
        }
        if let Some(m) = &payload.measures {
            measures.push(m.clone());
        }
        let (what, detail) = match e.kind.as_str() {
            "registered" => (tr.t("history-registered"), get("number")),
            "status" => (
                tr.t("history-status"),
                format!(
                    "{} {}",
                    Status::parse(&get("status"))
                        .map(|s| tr.t(s.message_id()))
                        .unwrap_or_default(),
                    get("reason")
                )
                .trim()
                .to_string(),
            ),
            "forwarded" => (
                tr.t("history-forwarded"),
                format!(
                    "{} · {}",
                    get("body"),
                    parse_date(&get("deadline"))
                        .map(fmt_date)
                        .unwrap_or_default()
                ),
            ),
            "forward-outcome" => (
                tr.t("history-outcome"),
                payload.outcome.clone().unwrap_or_default(),
            ),
            "answered" => (tr.t("history-answered"), get("kind")),
            "measures" => (
                tr.t("history-measures"),
                payload.measures.clone().unwrap_or_default(),
            ),
            "correction" => (
                tr.t("history-correction"),
                payload.summary.clone().unwrap_or_default(),
            ),
            other => (other.to_string(), String::new()),
        };
        history.push((
            e.at,
            HistoryRow {
                at: fmt_datetime(&school, e.at),
                who: name_of(e.actor_id),
                what,
                detail,
            },
        ));
    }
    let now_ts = state.clock.now_ts();
    let mut board_items = Vec::new();
    for b in state
        .store
        .board_of_appeal(school.id, a.id)
        .await
        .map_err(AppError::internal(tr))?
    {
        let text = dk
            .open_string(
                &crate::intake::board_aad(school.id, a.id, b.id),
                &b.text_enc,
            )
            .unwrap_or_default();
        let live = b.expires_at > now_ts && b.withdrawn_at.is_none();
        history.push((
            b.published_at,
            HistoryRow {
                at: fmt_datetime(&school, b.published_at),
                who: String::new(),
                what: tr.t("history-board"),
                detail: if b.kind == "invitation" {
                    tr.t("board-invitation-short")
                } else {
                    text.clone()
                },
            },
        ));
        board_items.push(BoardView {
            id: b.id,
            kind: tr.t(if b.kind == "invitation" {
                "board-kind-invitation"
            } else {
                "board-kind-answer"
            }),
            text,
            until: fmt_datetime(&school, b.expires_at),
            live,
        });
    }
    for n in state
        .store
        .notes(a.id)
        .await
        .map_err(AppError::internal(tr))?
    {
        let aad = trustbox_crypto::aad(&[
            b"note",
            &school.id.to_be_bytes(),
            &a.id.to_be_bytes(),
            &n.id.to_be_bytes(),
        ]);
        let body = dk.open_string(&aad, &n.body_enc).unwrap_or_default();
        let what = if n.kind == "board" {
            tr.t("history-board")
        } else {
            tr.t("history-note")
        };
        history.push((
            n.at,
            HistoryRow {
                at: fmt_datetime(&school, n.at),
                who: name_of(n.user_id),
                what,
                detail: body,
            },
        ));
    }
    history.sort_by_key(|(at, _)| *at);
    let history = history.into_iter().map(|(_, h)| h).collect();
    let mut bodies_list = state
        .store
        .bodies(&path)
        .await
        .map_err(AppError::internal(tr))?;
    if bodies_list.is_empty() {
        let stl = Tr::new(trustbox_domain::Lang::parse(&school.default_lang).unwrap_or(tr.lang()));
        for (kind, id) in [
            ("administration", "body-administration"),
            ("pedagogical_council", "body-pedagogical-council"),
            ("directors_meeting", "body-directors-meeting"),
            ("juvenile_inspector", "body-juvenile-inspector"),
            ("child_rights", "body-child-rights"),
        ] {
            bodies_list.push(
                state
                    .store
                    .create_body(school.id, &stl.t(id), kind)
                    .await
                    .map_err(AppError::internal(tr))?,
            );
        }
    }
    let today = local_date(&school, state.clock.now());
    let forwards = state
        .store
        .forwards_of(a.id)
        .await
        .map_err(AppError::internal(tr))?
        .into_iter()
        .map(|w| {
            let aad = trustbox_crypto::aad(&[
                b"forward",
                &school.id.to_be_bytes(),
                &a.id.to_be_bytes(),
                &w.id.to_be_bytes(),
            ]);
            ForwardView {
                id: w.id,
                body: bodies_list
                    .iter()
                    .find(|b| b.id == w.body_id)
                    .map(|b| b.name.clone())
                    .unwrap_or_default(),
                sent_on: parse_date(&w.sent_on).map(fmt_date).unwrap_or_default(),
                overdue: w.outcome_on.is_none() && w.deadline < today.to_string(),
                deadline: parse_date(&w.deadline).map(fmt_date).unwrap_or_default(),
                outcome: w
                    .outcome_enc
                    .as_ref()
                    .and_then(|o| dk.open_string(&aad, o).ok()),
            }
        })
        .collect();
    let bodies = bodies_list
        .iter()
        .map(|b| Opt {
            value: b.id.to_string(),
            label: b.name.clone(),
            selected: false,
        })
        .collect();
    let next_statuses = Status::ALL
        .iter()
        .filter(|s| status.is_some_and(|cur| cur.can_move_to(**s)))
        .map(|s| Opt {
            value: s.code().to_string(),
            label: tr.t(s.message_id()),
            selected: false,
        })
        .collect();
    let mut staff_opts = Vec::new();
    for u in &users {
        let roles: Vec<String> = state
            .store
            .grants_of(u.id)
            .await
            .map_err(AppError::internal(tr))?
            .into_iter()
            .filter(|g| g.unit_id == school.id && !g.pending)
            .filter_map(|g| trustbox_domain::Role::parse(&g.role))
            .map(|r| tr.t(r.message_id()))
            .collect();
        staff_opts.push(Opt {
            value: u.id.to_string(),
            label: format!("{} ({}, {})", u.display_name, u.username, roles.join(", ")),
            selected: false,
        });
    }
    let retention = super::hold::view(
        state,
        staff,
        school.id,
        a.id,
        a.closed_at.filter(|_| status.is_some_and(|s| s.is_final())),
        &path,
        &assignees,
        &dk,
    )
    .await?;
    let assigned = assignees.iter().map(|u| (*u, name_of(Some(*u)))).collect();
    let has_email = contact.iter().any(|(k, _)| *k == tr.t("write-email"));
    let number = format!("{}/{}", a.journal_year, a.journal_seq);
    let here = format!("/staff/s/{slug}/appeals/{id}");
    let l = Layout::new(
        state,
        staff,
        tr.t1("appeal-title", "number", number.as_str()),
        &here,
    )
    .await?;
    Ok(AppealPage {
        l,
        tr,
        slug: slug.to_string(),
        id: a.id,
        received: fmt_datetime(&school, a.received_at),
        channel: label(
            tr,
            Channel::parse(&a.channel),
            |c| c.message_id(),
            &a.channel,
        ),
        author: label(
            tr,
            AuthorType::parse(&a.author_type),
            |c| c.message_id(),
            &a.author_type,
        ),
        anonymous: a.anonymous,
        contact,
        category: label(
            tr,
            Category::parse(&a.category),
            |c| c.message_id(),
            &a.category,
        ),
        risks: a
            .risks
            .split(',')
            .filter_map(RiskKind::parse)
            .map(|r| tr.t(r.message_id()))
            .collect(),
        urgent: a.urgent,
        written_on: parse_date(&a.written_on).map(fmt_date).unwrap_or_default(),
        answer_via: label(
            tr,
            AnswerVia::parse(&a.answer_via),
            |c| c.message_id(),
            &a.answer_via,
        ),
        deadline: parse_date(&a.deadline).map(fmt_date).unwrap_or_default(),
        status: label(tr, status, |s| s.message_id(), &a.status),
        text,
        messages,
        files,
        can_work: staff.can(
            Action::WorkAppeal,
            &Target::Appeal {
                path: &path,
                assignees: &assignees,
            },
        ) && status.is_some_and(|s| s.is_open()),
        can_assign: staff.can(
            Action::AssignAppeal,
            &Target::Appeal {
                path: &path,
                assignees: &assignees,
            },
        ),
        version: a.version,
        next_statuses,
        staff_opts,
        assigned,
        bodies,
        forwards,
        history,
        summary,
        measures,
        board_items,
        answer_personal_only: a.answer_via != "board",
        has_email,
        today: today.to_string(),
        typed,
        errors,
        retention,
    })
}

pub async fn appeal(
    State(state): State<AppState>,
    staff: Staff,
    Path((slug, id)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    Ok(appeal_page(
        &state,
        &staff,
        &slug,
        id,
        Typed::default(),
        FormErrors::new(),
    )
    .await?
    .into_response())
}

#[derive(Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    text: String,
}

pub async fn reply(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    StaffForm(staff, f): StaffForm<ReplyForm>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let (school, a, dk) = readable(&state, &staff, &slug, id, Action::WorkAppeal).await?;
    let text = f.text.trim();
    let mut errors = FormErrors::new();
    if text.is_empty() {
        errors.add(tr, "text", "err-text-empty");
    } else if text.chars().count() > trustbox_domain::MAX_TEXT_CHARS {
        errors.add(tr, "text", "err-text-too-long");
    }
    if !Status::parse(&a.status).is_some_and(|s| s.is_open()) {
        errors.add(tr, "text", "err-appeal-closed");
    }
    if !errors.is_empty() {
        let page = appeal_page(
            &state,
            &staff,
            &slug,
            id,
            Typed {
                form: "reply".into(),
                text: f.text,
                board_text: String::new(),
            },
            errors,
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let mid = new_id();
    let now = state.clock.now_ts();
    let msg = NewMessage {
        id: mid,
        appeal_id: a.id,
        school_id: school.id,
        at: now,
        from_staff: true,
        user_id: Some(staff.user.id),
        body_enc: dk.seal(&message_aad(school.id, a.id, mid), text.as_bytes()),
        attachments: vec![],
        mails: vec![],
    };
    state
        .store
        .add_message(
            &msg,
            &AuditInput {
                actor_id: Some(staff.user.id),
                school_id: Some(school.id),
                action: "staff-replied",
                object: &format!("appeal:{}", a.id),
                detail: "",
            },
        )
        .await
        .map_err(AppError::internal(tr))?;
    Ok(Redirect::to(&format!("/staff/s/{slug}/appeals/{id}")).into_response())
}

pub async fn file(
    State(state): State<AppState>,
    staff: Staff,
    Path((slug, id, file)): Path<(String, i64, i64)>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let (school, a, dk) = readable(&state, &staff, &slug, id, Action::ReadAppeal).await?;
    let (meta, content) = state
        .store
        .attachment(school.id, a.id, file)
        .await
        .map_err(AppError::internal(tr))?;
    let bytes = dk
        .open(
            &attachment_aad(school.id, a.id, meta.id, "content"),
            &content,
        )
        .map_err(|e| AppError::Internal(tr, e.to_string()))?;
    state
        .store
        .audit_view(
            &AuditInput {
                actor_id: Some(staff.user.id),
                school_id: Some(school.id),
                action: "attachment-viewed",
                object: &format!("appeal:{}", a.id),
                detail: &meta.id.to_string(),
            },
            state.clock.now_ts(),
        )
        .await
        .map_err(AppError::internal(tr))?;
    let ext = crate::upload::extension_for(&meta.mime);
    let disposition = format!(
        "attachment; filename=\"appeal-{}-{}-{}.{ext}\"",
        a.journal_year,
        a.journal_seq,
        meta.id % 100_000
    );
    Ok((
        [
            (header::CONTENT_TYPE, meta.mime.clone()),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::HeaderName::from_static("content-security-policy"),
                "default-src 'none'; sandbox".to_string(),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// An API token as listed.
pub struct TokenRow {
    pub id: String,
    pub label: String,
    pub created: String,
    pub revoked: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "school_settings.html")]
struct SettingsPage {
    l: Layout,
    tr: Tr,
    slug: String,
    s: SettingsForm,
    errors: FormErrors,
    numberings: Vec<Opt>,
    tokens: Vec<TokenRow>,
    new_token: Option<String>,
    saved: bool,
    text_fields: Vec<(&'static str, &'static str, String)>,
}

/// The settings form as typed.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct SettingsForm {
    pub answer_days: String,
    pub numbering: String,
    pub opening_schedule: String,
}

impl From<&SchoolSettings> for SettingsForm {
    fn from(s: &SchoolSettings) -> Self {
        SettingsForm {
            answer_days: s.answer_days.to_string(),
            numbering: s.numbering.clone(),
            opening_schedule: s.opening_schedule.clone(),
        }
    }
}

async fn settings_page(
    state: &AppState,
    staff: &Staff,
    school: &Unit,
    s: SettingsForm,
    errors: FormErrors,
    new_token: Option<String>,
    saved: bool,
) -> Result<SettingsPage, AppError> {
    let tr = staff.tr;
    let tokens = state
        .store
        .api_tokens(school.id)
        .await
        .map_err(AppError::internal(tr))?
        .into_iter()
        .map(|t| TokenRow {
            id: to_hex(&t.token_hash[..8]),
            label: t.label,
            created: fmt_datetime(school, t.created_at),
            revoked: t.revoked_at.is_some(),
        })
        .collect();
    let numberings = vec![
        Opt {
            value: "calendar".into(),
            label: tr.t("settings-numbering-calendar"),
            selected: s.numbering == "calendar",
        },
        Opt {
            value: "school:09-01".into(),
            label: tr.t("settings-numbering-school"),
            selected: s.numbering == "school:09-01",
        },
    ];
    let here = format!("/staff/s/{}/settings", school.slug);
    let l = Layout::new(state, staff, tr.t("settings-title"), &here).await?;
    // The trust phone's numbers and hours have their own page (`/staff/s/{school}/phone`).
    let text_fields = vec![(
        "opening_schedule",
        "settings-opening",
        s.opening_schedule.clone(),
    )];
    Ok(SettingsPage {
        l,
        tr,
        slug: school.slug.clone(),
        s,
        errors,
        numberings,
        tokens,
        new_token,
        saved,
        text_fields,
    })
}

pub async fn settings(
    State(state): State<AppState>,
    staff: Staff,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let (school, _) = staff.unit(&state, &slug, Action::ManageSchool).await?;
    let s = state
        .store
        .school_settings(school.id)
        .await
        .map_err(AppError::internal(tr))?;
    Ok(settings_page(
        &state,
        &staff,
        &school,
        SettingsForm::from(&s),
        FormErrors::new(),
        None,
        false,
    )
    .await?
    .into_response())
}

pub async fn settings_save(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    StaffForm(staff, f): StaffForm<SettingsForm>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let (school, _) = staff.unit(&state, &slug, Action::ManageSchool).await?;
    let mut errors = FormErrors::new();
    let country =
        trustbox_domain::Country::parse(&school.country).unwrap_or(trustbox_domain::Country::Kg);
    let days = match f
        .answer_days
        .trim()
        .parse::<u32>()
        .map_err(|_| ())
        .and_then(|n| trustbox_domain::validate_answer_days(country, n).map_err(|_| ()))
    {
        Ok(n) => n,
        Err(()) => {
            errors.add(tr, "answer_days", "err-answer-days-limit");
            0
        }
    };
    let numbering = match trustbox_domain::NumberingPolicy::parse_field(f.numbering.trim()) {
        Ok(p) => p.code(),
        Err(e) => {
            errors.add(tr, e.field, e.code);
            String::new()
        }
    };
    for (field, v) in [("opening_schedule", &f.opening_schedule)] {
        if v.chars().count() > 1000 {
            errors.add(tr, field, "err-setting-too-long");
        }
    }
    if !errors.is_empty() {
        let page = settings_page(&state, &staff, &school, f, errors, None, false).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let old = state
        .store
        .school_settings(school.id)
        .await
        .map_err(AppError::internal(tr))?;
    let s = SchoolSettings {
        school_id: school.id,
        answer_days: i64::from(days),
        numbering,
        phone_numbers: old.phone_numbers,
        phone_hours: old.phone_hours,
        opening_schedule: f.opening_schedule.trim().to_string(),
    };
    let now = state.clock.now_ts();
    state
        .store
        .save_school_settings(&s, now)
        .await
        .map_err(AppError::internal(tr))?;
    state.caches.forget_school(school.id);
    staff
        .audit(
            &state,
            Some(school.id),
            "settings-saved",
            &format!("unit:{}", school.id),
            "",
            now,
        )
        .await?;
    Ok(settings_page(
        &state,
        &staff,
        &school,
        SettingsForm::from(&s),
        FormErrors::new(),
        None,
        true,
    )
    .await?
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TokenForm {
    op: String,
    label: String,
    id: String,
}

pub async fn tokens(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    StaffForm(staff, f): StaffForm<TokenForm>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let (school, _) = staff.unit(&state, &slug, Action::ManageSchool).await?;
    let settings = state
        .store
        .school_settings(school.id)
        .await
        .map_err(AppError::internal(tr))?;
    let now = state.clock.now_ts();
    if f.op == "revoke" {
        let list = state
            .store
            .api_tokens(school.id)
            .await
            .map_err(AppError::internal(tr))?;
        if let Some(t) = list.iter().find(|t| to_hex(&t.token_hash[..8]) == f.id) {
            state
                .store
                .revoke_api_token(school.id, &t.token_hash, now)
                .await
                .map_err(AppError::internal(tr))?;
            staff
                .audit(
                    &state,
                    Some(school.id),
                    "api-token-revoked",
                    &format!("unit:{}", school.id),
                    &f.id,
                    now,
                )
                .await?;
        }
        return Ok(Redirect::to(&format!("/staff/s/{slug}/settings")).into_response());
    }
    let label = f.label.trim();
    if label.is_empty() || label.chars().count() > 100 {
        let mut errors = FormErrors::new();
        errors.add(tr, "label", "err-token-label");
        let page = settings_page(
            &state,
            &staff,
            &school,
            SettingsForm::from(&settings),
            errors,
            None,
            false,
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let token = format!("tb_{}", random_token());
    state
        .store
        .create_api_token(&token_hash(&token), school.id, label, now)
        .await
        .map_err(AppError::internal(tr))?;
    staff
        .audit(
            &state,
            Some(school.id),
            "api-token-created",
            &format!("unit:{}", school.id),
            label,
            now,
        )
        .await?;
    Ok(settings_page(
        &state,
        &staff,
        &school,
        SettingsForm::from(&settings),
        FormErrors::new(),
        Some(token),
        false,
    )
    .await?
    .into_response())
}
