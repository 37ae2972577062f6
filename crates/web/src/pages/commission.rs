//! The commission (seed 003 §V): appointed by the director's order with its members, warned
//! when the number is even or no parents' representative is included; the open-vote election
//! of chair and secretary; meetings with their protocols (numbered per school year) printed as
//! the protocols No 1 and No 2 of seed 004.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use trustbox_crypto::{DataKey, aad};
use trustbox_docs::{Heard, ProtocolDoc, Signatory, protocol_pdf};
use trustbox_domain::commission::{
    HalfYear, MIN_MEETINGS_PER_HALF_YEAR, MemberKind, composition_warnings, school_year,
};
use trustbox_domain::{Action, Lang};
use trustbox_i18n::Tr;
use trustbox_store::{CommissionRow, MemberRow, NewCommission, NewMeeting, NewMember, Unit};

use super::admin::Opt;
use super::{Layout, fmt_date, parse_date};
use crate::forms::FormErrors;
use crate::intake::{local_date, new_id};
use crate::session::{Staff, StaffForm};
use crate::{AppError, AppState};

/// Rows offered in the appointment form.
const MEMBER_ROWS: usize = 9;

pub type Pairs = Vec<(String, String)>;

/// The first value of `name` in a form, or "".
pub fn field(p: &Pairs, name: &str) -> String {
    p.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// Every value of `name` (checkboxes).
pub fn fields(p: &Pairs, name: &str) -> Vec<String> {
    p.iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .collect()
}

/// The non-blank lines of a text area, trimmed.
pub fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

/// "position: name" (seed 004 lists "Мектеп инспекторы:" without a name).
fn signatory(line: &str) -> Signatory {
    match line.split_once(':') {
        Some((p, n)) => Signatory {
            position: p.trim().to_string(),
            name: n.trim().to_string(),
        },
        None => Signatory {
            position: String::new(),
            name: line.trim().to_string(),
        },
    }
}

/// The language of a school's documents.
pub fn school_lang(school: &Unit, fallback: Lang) -> Lang {
    Lang::parse(&school.default_lang).unwrap_or(fallback)
}

pub fn pdf_response(bytes: Vec<u8>, file: &str) -> Response {
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/pdf".to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}.pdf\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// A member as listed.
pub struct MemberView {
    pub name: String,
    pub position: String,
    pub kind: String,
    pub account: String,
    pub role: String,
}

pub fn member_views(tr: Tr, c: &CommissionRow, users: &[trustbox_store::User]) -> Vec<MemberView> {
    c.members
        .iter()
        .map(|m| MemberView {
            name: m.name.clone(),
            position: m.position.clone(),
            kind: MemberKind::parse(&m.kind)
                .map(|k| tr.t(k.message_id()))
                .unwrap_or_default(),
            account: m
                .user_id
                .and_then(|u| users.iter().find(|x| x.id == u))
                .map(|u| u.username.clone())
                .unwrap_or_default(),
            role: if c.chair_id == Some(m.id) {
                tr.t("cm-chair")
            } else if c.secretary_id == Some(m.id) {
                tr.t("cm-secretary")
            } else {
                String::new()
            },
        })
        .collect()
}

/// One row of the appointment form as typed.
pub struct MemberInput {
    pub i: usize,
    pub name: String,
    pub position: String,
    pub kinds: Vec<Opt>,
    pub users: Vec<Opt>,
}

#[derive(Template, WebTemplate)]
#[template(path = "commission.html")]
struct CommissionPage {
    l: Layout,
    tr: Tr,
    slug: String,
    commission: Option<CommissionView>,
    may_appoint: bool,
    may_elect: bool,
    order_number: String,
    order_date: String,
    rows: Vec<MemberInput>,
    warnings: Vec<String>,
    confirm_warnings: bool,
    errors: FormErrors,
    election: ElectionInput,
    saved: Option<String>,
}

struct CommissionView {
    order: String,
    members: Vec<MemberView>,
    warnings: Vec<String>,
    election: Option<String>,
}

struct ElectionInput {
    chair: Vec<Opt>,
    secretary: Vec<Opt>,
    elected_on: String,
    chair_votes: String,
    secretary_votes: String,
    errors: FormErrors,
}

fn kind_opts(tr: Tr, current: &str) -> Vec<Opt> {
    let mut v = vec![Opt {
        value: String::new(),
        label: "—".into(),
        selected: current.is_empty(),
    }];
    v.extend(MemberKind::ALL.iter().map(|k| Opt {
        value: k.code().into(),
        label: tr.t(k.message_id()),
        selected: current == k.code(),
    }));
    v
}

fn user_opts(tr: Tr, users: &[trustbox_store::User], current: &str) -> Vec<Opt> {
    let mut v = vec![Opt {
        value: String::new(),
        label: tr.t("cm-no-account"),
        selected: current.is_empty(),
    }];
    v.extend(users.iter().map(|u| Opt {
        value: u.id.to_string(),
        label: format!("{} ({})", u.display_name, u.username),
        selected: current == u.id.to_string(),
    }));
    v
}

fn member_opts(members: &[MemberRow], current: Option<i64>, none: Option<String>) -> Vec<Opt> {
    let mut v = Vec::new();
    if let Some(label) = none {
        v.push(Opt {
            value: String::new(),
            label,
            selected: current.is_none(),
        });
    }
    v.extend(members.iter().map(|m| Opt {
        value: m.id.to_string(),
        label: format!("{} — {}", m.name, m.position),
        selected: current == Some(m.id),
    }));
    v
}

fn election_text(tr: Tr, c: &CommissionRow) -> Option<String> {
    let name = |id: Option<i64>| {
        c.members
            .iter()
            .find(|m| Some(m.id) == id)
            .map(|m| m.name.clone())
    };
    Some(tr.ta(
        "cm-election-recorded",
        &[
            ("date", c.elected_on.clone()?.into()),
            ("chair", name(c.chair_id)?.into()),
            (
                "chair_votes",
                c.chair_votes.clone().unwrap_or_default().into(),
            ),
            ("secretary", name(c.secretary_id)?.into()),
            (
                "secretary_votes",
                c.secretary_votes.clone().unwrap_or_default().into(),
            ),
        ],
    ))
}

struct Typed {
    order_number: String,
    order_date: String,
    rows: Vec<(String, String, String, String)>,
    confirm_warnings: bool,
    warnings: Vec<String>,
    errors: FormErrors,
    election: Option<(Pairs, FormErrors)>,
    saved: Option<String>,
}

impl Typed {
    fn empty() -> Typed {
        Typed {
            order_number: String::new(),
            order_date: String::new(),
            rows: vec![],
            confirm_warnings: false,
            warnings: vec![],
            errors: FormErrors::new(),
            election: None,
            saved: None,
        }
    }
}

async fn page(
    state: &AppState,
    staff: &Staff,
    school: &Unit,
    path: &[i64],
    t: Typed,
) -> Result<CommissionPage, AppError> {
    let tr = staff.tr;
    let target = trustbox_domain::Target::Unit { path };
    let c = state
        .store
        .active_commission(school.id)
        .await
        .map_err(AppError::internal(tr))?;
    let users = state
        .store
        .users_of_unit(school.id)
        .await
        .map_err(AppError::internal(tr))?;
    let commission = c.as_ref().map(|c| {
        let kinds: Vec<MemberKind> = c
            .members
            .iter()
            .filter_map(|m| MemberKind::parse(&m.kind))
            .collect();
        CommissionView {
            order: tr.ta(
                "cm-order",
                &[
                    ("number", c.order_number.clone().into()),
                    (
                        "date",
                        parse_date(&c.order_date)
                            .map(fmt_date)
                            .unwrap_or_default()
                            .into(),
                    ),
                ],
            ),
            members: member_views(tr, c, &users),
            warnings: composition_warnings(&kinds)
                .into_iter()
                .map(|w| tr.t(w.message_id()))
                .collect(),
            election: election_text(tr, c),
        }
    });
    // A new order starts from the members in force.
    let typed_rows = if t.rows.is_empty() && t.errors.is_empty() {
        c.as_ref()
            .map(|c| {
                c.members
                    .iter()
                    .map(|m| {
                        (
                            m.name.clone(),
                            m.position.clone(),
                            m.kind.clone(),
                            m.user_id.map(|u| u.to_string()).unwrap_or_default(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    } else {
        t.rows
    };
    let mut rows = Vec::new();
    for i in 0..MEMBER_ROWS.max(typed_rows.len()) {
        let (name, position, kind, user) = typed_rows.get(i).cloned().unwrap_or_default();
        rows.push(MemberInput {
            i,
            name,
            position,
            kinds: kind_opts(tr, &kind),
            users: user_opts(tr, &users, &user),
        });
    }
    let members = c.as_ref().map(|c| c.members.clone()).unwrap_or_default();
    let (ep, eerr) = t.election.unwrap_or_default();
    let pick = |name: &str, dflt: Option<i64>| {
        let v = field(&ep, name);
        if v.is_empty() { dflt } else { v.parse().ok() }
    };
    let election = ElectionInput {
        chair: member_opts(
            &members,
            pick("chair", c.as_ref().and_then(|c| c.chair_id)),
            None,
        ),
        secretary: member_opts(
            &members,
            pick("secretary", c.as_ref().and_then(|c| c.secretary_id)),
            None,
        ),
        elected_on: field(&ep, "elected_on"),
        chair_votes: field(&ep, "chair_votes"),
        secretary_votes: field(&ep, "secretary_votes"),
        errors: eerr,
    };
    let here = format!("/staff/s/{}/commission", school.slug);
    let l = Layout::new(state, staff, tr.t("cm-title"), &here).await?;
    Ok(CommissionPage {
        l,
        tr,
        slug: school.slug.clone(),
        may_appoint: staff.can(Action::ManageCommission, &target),
        may_elect: c.is_some() && staff.can(Action::WriteProtocol, &target),
        commission,
        order_number: t.order_number,
        order_date: t.order_date,
        rows,
        warnings: t.warnings,
        confirm_warnings: t.confirm_warnings,
        errors: t.errors,
        election,
        saved: t.saved,
    })
}

pub async fn commission(
    State(state): State<AppState>,
    staff: Staff,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let (school, path) = staff.unit(&state, &slug, Action::ViewCommission).await?;
    let now = state.clock.now_ts();
    staff
        .audit(
            &state,
            Some(school.id),
            "commission-viewed",
            &format!("school:{}", school.id),
            "",
            now,
        )
        .await?;
    Ok(page(&state, &staff, &school, &path, Typed::empty())
        .await?
        .into_response())
}

/// The director's order: number, date and the members.
pub async fn appoint(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    StaffForm(staff, p): StaffForm<Pairs>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let (school, path) = staff.unit(&state, &slug, Action::ManageCommission).await?;
    let users = state
        .store
        .users_of_unit(school.id)
        .await
        .map_err(AppError::internal(tr))?;
    let mut errors = FormErrors::new();
    let order_number = field(&p, "order_number").trim().to_string();
    let order_date = field(&p, "order_date").trim().to_string();
    if order_number.is_empty() {
        errors.add(tr, "order_number", "cm-err-order-number");
    }
    let today = local_date(&school, state.clock.now());
    match parse_date(&order_date) {
        Some(d) if d <= today => {}
        _ => errors.add(tr, "order_date", "cm-err-order-date"),
    }
    let mut rows = Vec::new();
    let mut members = Vec::new();
    for i in 0..MEMBER_ROWS.max(20) {
        let get = |f: &str| field(&p, &format!("m{i}_{f}")).trim().to_string();
        let (name, position, kind, user) = (get("name"), get("position"), get("kind"), get("user"));
        if name.is_empty() && position.is_empty() && kind.is_empty() && user.is_empty() {
            continue;
        }
        rows.push((name.clone(), position.clone(), kind.clone(), user.clone()));
        let k = MemberKind::parse(&kind);
        let u = if user.is_empty() {
            Some(None)
        } else {
            user.parse::<i64>()
                .ok()
                .filter(|id| users.iter().any(|x| x.id == *id))
                .map(Some)
        };
        match (name.is_empty(), position.is_empty(), k, u) {
            (false, false, Some(k), Some(u)) => members.push(NewMember {
                id: new_id(),
                name,
                position,
                kind: k.code().into(),
                user_id: u,
            }),
            _ => errors.add(tr, "members", "cm-err-member-row"),
        }
    }
    if rows.is_empty() {
        errors.add(tr, "members", "cm-err-no-members");
    }
    let kinds: Vec<MemberKind> = members
        .iter()
        .filter_map(|m| MemberKind::parse(&m.kind))
        .collect();
    let warnings: Vec<String> = composition_warnings(&kinds)
        .into_iter()
        .map(|w| tr.t(w.message_id()))
        .collect();
    let confirmed = field(&p, "confirm_warnings") == "1";
    if errors.is_empty() && !warnings.is_empty() && !confirmed {
        errors.add(tr, "confirm_warnings", "cm-err-confirm-warnings");
    }
    if !errors.is_empty() {
        let t = Typed {
            order_number,
            order_date,
            rows,
            confirm_warnings: confirmed,
            warnings,
            errors,
            ..Typed::empty()
        };
        let pg = page(&state, &staff, &school, &path, t).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, pg).into_response());
    }
    state
        .store
        .appoint_commission(&NewCommission {
            id: new_id(),
            school_id: school.id,
            order_number,
            order_date,
            created_at: state.clock.now_ts(),
            created_by: Some(staff.user.id),
            members,
        })
        .await
        .map_err(AppError::internal(tr))?;
    let t = Typed {
        saved: Some(tr.t("cm-appointed")),
        ..Typed::empty()
    };
    Ok((
        StatusCode::CREATED,
        page(&state, &staff, &school, &path, t).await?,
    )
        .into_response())
}

/// "for / against / abstained" as three whole numbers, e.g. "3/0/0".
fn votes(s: &str) -> Option<String> {
    let parts: Vec<&str> = s.split(['/', ',', ' ']).filter(|x| !x.is_empty()).collect();
    let n: Vec<u32> = parts
        .iter()
        .map(|x| x.parse().ok())
        .collect::<Option<_>>()?;
    (n.len() == 3).then(|| format!("{}/{}/{}", n[0], n[1], n[2]))
}

/// The open-vote election of chair and secretary at the first meeting (seed 003 §5.4).
pub async fn election(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    StaffForm(staff, p): StaffForm<Pairs>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let (school, path) = staff.unit(&state, &slug, Action::WriteProtocol).await?;
    let c = state
        .store
        .active_commission(school.id)
        .await
        .map_err(AppError::internal(tr))?
        .ok_or(AppError::NotFound(tr))?;
    let mut errors = FormErrors::new();
    let member = |name: &str| {
        field(&p, name)
            .parse::<i64>()
            .ok()
            .filter(|id| c.members.iter().any(|m| m.id == *id))
    };
    let chair = member("chair");
    let secretary = member("secretary");
    if chair.is_none() {
        errors.add(tr, "chair", "cm-err-chair");
    }
    if secretary.is_none() {
        errors.add(tr, "secretary", "cm-err-secretary");
    }
    if chair.is_some() && chair == secretary {
        errors.add(tr, "secretary", "cm-err-same-person");
    }
    let today = local_date(&school, state.clock.now());
    let elected_on = field(&p, "elected_on");
    if !matches!(parse_date(&elected_on), Some(d) if d <= today) {
        errors.add(tr, "elected_on", "cm-err-date");
    }
    let cv = votes(&field(&p, "chair_votes"));
    let sv = votes(&field(&p, "secretary_votes"));
    if cv.is_none() {
        errors.add(tr, "chair_votes", "cm-err-votes");
    }
    if sv.is_none() {
        errors.add(tr, "secretary_votes", "cm-err-votes");
    }
    let (Some(chair), Some(secretary), Some(cv), Some(sv), true) =
        (chair, secretary, cv, sv, errors.is_empty())
    else {
        let t = Typed {
            election: Some((p, errors)),
            ..Typed::empty()
        };
        let pg = page(&state, &staff, &school, &path, t).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, pg).into_response());
    };
    state
        .store
        .record_election(
            school.id,
            c.id,
            chair,
            secretary,
            elected_on.trim(),
            &cv,
            &sv,
            Some(staff.user.id),
            state.clock.now_ts(),
        )
        .await
        .map_err(AppError::internal(tr))?;
    let t = Typed {
        saved: Some(tr.t("cm-elected")),
        ..Typed::empty()
    };
    Ok(page(&state, &staff, &school, &path, t)
        .await?
        .into_response())
}

// ---------------------------------------------------------------------------------------------
// Meetings and protocols.

/// The protocol's text, encrypted under the meeting's data key.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ProtocolBody {
    pub place: String,
    pub present: Vec<(String, String)>,
    pub invited: Vec<(String, String)>,
    pub agenda: Vec<String>,
    pub heard: Vec<(String, String)>,
    pub resolutions: Vec<String>,
}

pub fn meeting_key_aad(school_id: i64, meeting_id: i64) -> Vec<u8> {
    aad(&[
        b"meeting-key",
        &school_id.to_be_bytes(),
        &meeting_id.to_be_bytes(),
    ])
}

pub fn meeting_body_aad(school_id: i64, meeting_id: i64) -> Vec<u8> {
    aad(&[
        b"meeting-body",
        &school_id.to_be_bytes(),
        &meeting_id.to_be_bytes(),
    ])
}

struct MeetingItem {
    id: i64,
    number: String,
    date: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "meetings.html")]
struct MeetingsPage {
    l: Layout,
    tr: Tr,
    slug: String,
    meetings: Vec<MeetingItem>,
    half_year: String,
    short: bool,
    may_write: bool,
    has_commission: bool,
    f: HashMap<String, String>,
    chair: Vec<Opt>,
    secretary: Vec<Opt>,
    present: Vec<(Opt, String)>,
    errors: FormErrors,
    saved: Option<String>,
    saved_id: i64,
}

impl MeetingsPage {
    /// A typed value of the form, or "".
    fn v(&self, k: &str) -> String {
        self.f.get(k).cloned().unwrap_or_default()
    }
}

async fn meetings_page(
    state: &AppState,
    staff: &Staff,
    school: &Unit,
    path: &[i64],
    p: Pairs,
    errors: FormErrors,
    saved: Option<(i64, String)>,
) -> Result<MeetingsPage, AppError> {
    let (saved_id, saved) = match saved {
        Some((id, s)) => (id, Some(s)),
        None => (0, None),
    };
    let tr = staff.tr;
    let c = state
        .store
        .active_commission(school.id)
        .await
        .map_err(AppError::internal(tr))?;
    let rows = state
        .store
        .meetings(school.id)
        .await
        .map_err(AppError::internal(tr))?;
    let meetings = rows
        .iter()
        .map(|m| MeetingItem {
            id: m.id,
            number: tr.ta(
                "cm-protocol-number",
                &[
                    ("number", m.number.to_string().into()),
                    (
                        "year",
                        trustbox_domain::commission::school_year_label(m.school_year as i32).into(),
                    ),
                ],
            ),
            date: parse_date(&m.held_on).map(fmt_date).unwrap_or_default(),
        })
        .collect();
    let today = local_date(school, state.clock.now());
    let h = HalfYear::of(today);
    let (from, to) = h.bounds();
    let held = state
        .store
        .meetings_held(school.id, &from.to_string(), &to.to_string())
        .await
        .map_err(AppError::internal(tr))?;
    let members = c.as_ref().map(|c| c.members.clone()).unwrap_or_default();
    let pick = |name: &str, dflt: Option<i64>| {
        let v = field(&p, name);
        if v.is_empty() && p.is_empty() {
            dflt
        } else {
            v.parse().ok()
        }
    };
    let checked = fields(&p, "present");
    let present = members
        .iter()
        .map(|m| {
            (
                Opt {
                    value: m.id.to_string(),
                    label: format!("{} — {}", m.position, m.name),
                    selected: checked.contains(&m.id.to_string()),
                },
                format!("present-{}", m.id),
            )
        })
        .collect();
    let mut f = HashMap::new();
    for k in [
        "held_on",
        "place",
        "present_other",
        "invited",
        "agenda",
        "heard",
        "resolutions",
        "appeals",
    ] {
        f.insert(k.to_string(), field(&p, k));
    }
    let here = format!("/staff/s/{}/meetings", school.slug);
    let l = Layout::new(state, staff, tr.t("cm-meetings-title"), &here).await?;
    Ok(MeetingsPage {
        l,
        tr,
        slug: school.slug.clone(),
        meetings,
        half_year: tr.ta(
            "cm-half-year-count",
            &[
                ("from", fmt_date(from).into()),
                ("to", fmt_date(to).into()),
                ("count", held.into()),
            ],
        ),
        short: (held as usize) < MIN_MEETINGS_PER_HALF_YEAR,
        may_write: staff.can(
            Action::WriteProtocol,
            &trustbox_domain::Target::Unit { path },
        ),
        has_commission: c.is_some(),
        f,
        chair: member_opts(
            &members,
            pick("chair", c.as_ref().and_then(|c| c.chair_id)),
            Some("—".into()),
        ),
        secretary: member_opts(
            &members,
            pick("secretary", c.as_ref().and_then(|c| c.secretary_id)),
            Some(tr.t("cm-no-secretary")),
        ),
        present,
        errors,
        saved,
        saved_id,
    })
}

pub async fn meetings(
    State(state): State<AppState>,
    staff: Staff,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let (school, path) = staff.unit(&state, &slug, Action::ViewCommission).await?;
    Ok(meetings_page(
        &state,
        &staff,
        &school,
        &path,
        vec![],
        FormErrors::new(),
        None,
    )
    .await?
    .into_response())
}

/// "2022/1, 2022/3" into appeals of this school.
async fn linked_appeals(
    state: &AppState,
    tr: Tr,
    school: &Unit,
    s: &str,
) -> Result<Option<Vec<i64>>, AppError> {
    let mut out = Vec::new();
    for part in s.split([',', ';', ' ']).filter(|x| !x.trim().is_empty()) {
        let Some((y, n)) = part.trim().split_once('/') else {
            return Ok(None);
        };
        let (Ok(y), Ok(n)) = (y.parse::<i64>(), n.parse::<i64>()) else {
            return Ok(None);
        };
        match state
            .store
            .appeal_by_number(school.id, y, n)
            .await
            .map_err(AppError::internal(tr))?
        {
            Some(id) if !out.contains(&id) => out.push(id),
            Some(_) => {}
            None => return Ok(None),
        }
    }
    Ok(Some(out))
}

pub async fn meeting_save(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    StaffForm(staff, p): StaffForm<Pairs>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let (school, path) = staff.unit(&state, &slug, Action::WriteProtocol).await?;
    let c = state
        .store
        .active_commission(school.id)
        .await
        .map_err(AppError::internal(tr))?
        .ok_or(AppError::NotFound(tr))?;
    let mut errors = FormErrors::new();
    let today = local_date(&school, state.clock.now());
    let held_on = parse_date(&field(&p, "held_on")).filter(|d| *d <= today);
    if held_on.is_none() {
        errors.add(tr, "held_on", "cm-err-date");
    }
    let member = |name: &str| {
        field(&p, name)
            .parse::<i64>()
            .ok()
            .and_then(|id| c.members.iter().find(|m| m.id == id))
    };
    let chair = member("chair");
    let secretary = member("secretary");
    if chair.is_none() {
        errors.add(tr, "chair", "cm-err-chair");
    }
    if secretary.is_none() {
        errors.add(tr, "secretary", "cm-err-protocol-secretary");
    }
    let checked = fields(&p, "present");
    let mut present: Vec<(String, String)> = c
        .members
        .iter()
        .filter(|m| checked.contains(&m.id.to_string()))
        .map(|m| (m.position.clone(), m.name.clone()))
        .collect();
    present.extend(lines(&field(&p, "present_other")).iter().map(|l| {
        let s = signatory(l);
        (s.position, s.name)
    }));
    if present.is_empty() {
        errors.add(tr, "present", "cm-err-present");
    }
    let agenda = lines(&field(&p, "agenda"));
    if agenda.is_empty() {
        errors.add(tr, "agenda", "cm-err-agenda");
    }
    let mut heard = Vec::new();
    for l in lines(&field(&p, "heard")) {
        match l.split_once(':') {
            Some((who, what)) if !who.trim().is_empty() && !what.trim().is_empty() => {
                heard.push((who.trim().to_string(), what.trim().to_string()))
            }
            _ => errors.add(tr, "heard", "cm-err-heard"),
        }
    }
    let resolutions = lines(&field(&p, "resolutions"));
    if resolutions.is_empty() {
        errors.add(tr, "resolutions", "cm-err-resolutions");
    }
    let appeals = linked_appeals(&state, tr, &school, &field(&p, "appeals")).await?;
    if appeals.is_none() {
        errors.add(tr, "appeals", "cm-err-appeals");
    }
    let (Some(held_on), Some(chair), Some(secretary), Some(appeals), true) =
        (held_on, chair, secretary, appeals, errors.is_empty())
    else {
        let pg = meetings_page(&state, &staff, &school, &path, p, errors, None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, pg).into_response());
    };
    let body = ProtocolBody {
        place: field(&p, "place").trim().to_string(),
        present,
        invited: lines(&field(&p, "invited"))
            .iter()
            .map(|l| {
                let s = signatory(l);
                (s.position, s.name)
            })
            .collect(),
        agenda,
        heard,
        resolutions,
    };
    let id = new_id();
    let dk = DataKey::generate();
    let json = serde_json::to_vec(&body).map_err(|e| AppError::Internal(tr, e.to_string()))?;
    let now = state.clock.now_ts();
    let number = state
        .store
        .create_meeting(&NewMeeting {
            id,
            school_id: school.id,
            commission_id: c.id,
            school_year: i64::from(school_year(held_on)),
            held_on: held_on.to_string(),
            chair_id: chair.id,
            secretary_id: secretary.id,
            data_key: dk.wrap(&state.keys.master, &meeting_key_aad(school.id, id)),
            body_enc: dk.seal(&meeting_body_aad(school.id, id), &json),
            created_at: now,
            created_by: Some(staff.user.id),
            appeals,
        })
        .await
        .map_err(AppError::internal(tr))?;
    let saved = tr.t1("cm-protocol-saved", "number", number.to_string());
    Ok((
        StatusCode::CREATED,
        meetings_page(
            &state,
            &staff,
            &school,
            &path,
            vec![],
            FormErrors::new(),
            Some((id, saved)),
        )
        .await?,
    )
        .into_response())
}

/// A protocol ready to print or show, with the access already checked and audited.
async fn protocol_doc(
    state: &AppState,
    staff: &Staff,
    slug: &str,
    id: i64,
    action: &str,
) -> Result<(Unit, ProtocolDoc), AppError> {
    let tr = staff.tr;
    let (school, _) = staff.unit(state, slug, Action::ViewCommission).await?;
    let m = state
        .store
        .meeting(school.id, id)
        .await
        .map_err(AppError::internal(tr))?;
    let dk = DataKey::unwrap(
        &state.keys.master,
        &m.data_key,
        &meeting_key_aad(school.id, m.id),
    )
    .map_err(|e| AppError::Internal(tr, e.to_string()))?;
    let body: ProtocolBody = serde_json::from_str(
        &dk.open_string(&meeting_body_aad(school.id, m.id), &m.body_enc)
            .map_err(|e| AppError::Internal(tr, e.to_string()))?,
    )
    .map_err(|e| AppError::Internal(tr, e.to_string()))?;
    let members = state
        .store
        .all_members(school.id)
        .await
        .map_err(AppError::internal(tr))?;
    let sig = |id: i64| {
        members
            .iter()
            .find(|x| x.id == id)
            .map(|x| Signatory {
                position: x.position.clone(),
                name: x.name.clone(),
            })
            .unwrap_or_default()
    };
    let mut linked = Vec::new();
    for a in state
        .store
        .meeting_appeals(m.id)
        .await
        .map_err(AppError::internal(tr))?
    {
        let a = state
            .store
            .appeal(school.id, a)
            .await
            .map_err(AppError::internal(tr))?;
        linked.push(format!("{}/{}", a.journal_year, a.journal_seq));
    }
    let lang = school_lang(&school, tr.lang());
    let pair = |v: &[(String, String)]| {
        v.iter()
            .map(|(p, n)| Signatory {
                position: p.clone(),
                name: n.clone(),
            })
            .collect::<Vec<_>>()
    };
    let doc = ProtocolDoc {
        lang,
        school_name: school.name(lang.code()).to_string(),
        number: m.number.to_string(),
        date: parse_date(&m.held_on).map(fmt_date).unwrap_or_default(),
        place: body.place.clone(),
        chair: sig(m.chair_id),
        secretary: sig(m.secretary_id),
        present: pair(&body.present),
        invited: pair(&body.invited),
        agenda: body.agenda.clone(),
        heard: body
            .heard
            .iter()
            .map(|(s, t)| Heard {
                speaker: s.clone(),
                text: t.clone(),
            })
            .collect(),
        resolutions: body.resolutions.clone(),
        linked_appeals: linked,
    };
    staff
        .audit(
            state,
            Some(school.id),
            action,
            &format!("meeting:{}", m.id),
            "",
            state.clock.now_ts(),
        )
        .await?;
    Ok((school, doc))
}

#[derive(Template, WebTemplate)]
#[template(path = "meeting.html")]
struct MeetingPage {
    l: Layout,
    tr: Tr,
    slug: String,
    id: i64,
    d: ProtocolDoc,
}

pub async fn meeting(
    State(state): State<AppState>,
    staff: Staff,
    Path((slug, id)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let (school, d) = protocol_doc(&state, &staff, &slug, id, "meeting-viewed").await?;
    let here = format!("/staff/s/{}/meetings", school.slug);
    let l = Layout::new(
        &state,
        &staff,
        tr.t1("cm-protocol-title", "number", d.number.as_str()),
        &here,
    )
    .await?;
    Ok(MeetingPage {
        l,
        tr,
        slug: school.slug.clone(),
        id,
        d,
    }
    .into_response())
}

pub async fn protocol_download(
    State(state): State<AppState>,
    staff: Staff,
    Path((slug, id)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    let tr = staff.tr;
    let (_, d) = protocol_doc(&state, &staff, &slug, id, "protocol-printed").await?;
    let pdf = protocol_pdf(&d).map_err(|e| AppError::Internal(tr, e.to_string()))?;
    Ok(pdf_response(pdf, &format!("protocol-{}", d.number)))
}
