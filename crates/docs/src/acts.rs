//! The act of opening the trust box (SPEC capability 5: seed 003 appendix 2 in Kyrgyz, the acts
//! of seed 004 in Kazakh) and the protocol of a commission meeting (capability 6: protocols No 1
//! and No 2 of seed 004). Both are A4 portrait with the school's name above a centred title and
//! signature lines at the foot; the wording of each label is in `locales/*/docs.ftl`
//! (`doc-act-*`, `doc-protocol-*`).

use serde::Serialize;
use serde_json::json;
use trustbox_i18n::{FluentValue, Tr};

use crate::{DocError, Lang, render_pdf};

/// A person who signs: "Педагог-психолог", "О.Саденова".
#[derive(Debug, Clone, Default, Serialize)]
pub struct Signatory {
    pub position: String,
    pub name: String,
}

/// One letter taken out of the box, already registered in the journal.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ActLetter {
    /// The author's name, or the word for "anonymous" ([`crate::anonymous`]).
    pub from: String,
    pub return_address: String,
    /// The date the author wrote on the letter (27.10.2021), empty if none.
    pub written_on: String,
    pub summary: String,
    /// The journal number given at registration ("2022/1").
    pub number: String,
    pub note: String,
}

/// One opening of one box, as the commission recorded it.
#[derive(Debug, Clone, Serialize)]
pub struct OpeningActDoc {
    pub lang: Lang,
    pub school_name: String,
    pub act_number: String,
    /// 27.10.2021
    pub date: String,
    /// 12:00
    pub time: String,
    /// Where the box hangs, read after "Place:" ("first-floor foyer").
    pub place: String,
    /// The seal number found on the box; empty prints "—".
    pub seal_before: String,
    pub seal_intact: bool,
    /// What was wrong with the seal or the box; printed when not empty.
    pub damage_note: String,
    /// Empty: the sentence that no letters were found.
    pub letters: Vec<ActLetter>,
    /// The new seal put on after the opening; empty prints "—".
    pub seal_after: String,
    /// The commission members present; each gets a signature line.
    pub members: Vec<Signatory>,
}

/// A speech recorded under "heard": the speaker (position and name as one string) and what was
/// said.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Heard {
    pub speaker: String,
    pub text: String,
}

/// The protocol of one meeting of the commission.
#[derive(Debug, Clone, Serialize)]
pub struct ProtocolDoc {
    pub lang: Lang,
    pub school_name: String,
    pub number: String,
    /// 11.11.2021
    pub date: String,
    /// Where the meeting was held; empty prints nothing.
    pub place: String,
    pub chair: Signatory,
    pub secretary: Signatory,
    /// Members present; a position with an empty name prints as is (seed 004 No 1 lists
    /// "Мектеп инспекторы:" without a name).
    pub present: Vec<Signatory>,
    /// Empty: the section is left out.
    pub invited: Vec<Signatory>,
    pub agenda: Vec<String>,
    pub heard: Vec<Heard>,
    pub resolutions: Vec<String>,
    /// Journal numbers of the appeals discussed; empty: the line is left out.
    pub linked_appeals: Vec<String>,
}

/// A seal number, or a dash when none was recorded.
fn seal(s: &str) -> &str {
    if s.trim().is_empty() { "—" } else { s }
}

fn page_label(tr: Tr) -> String {
    tr.ta(
        "doc-page-of",
        &[("page", "%PAGE%".into()), ("total", "%TOTAL%".into())],
    )
}

/// The act of opening the box as PDF: A4 portrait; the school's name, «… ачуу актысы» /
/// «Сенім жәшігін ашу кезінде түзілген акт» and its number centred; date, time and place; "we,
/// the undersigned" with the members and their positions; the state of the seal and the box;
/// the table of letters or the sentence that none were found; the new seal; a signature line
/// (position, name, ________) for every member.
pub fn opening_act_pdf(doc: &OpeningActDoc) -> Result<Vec<u8>, DocError> {
    render_pdf("opening_act.typ", opening_act_data(doc))
}

pub(crate) fn opening_act_data(doc: &OpeningActDoc) -> serde_json::Value {
    let tr = Tr::new(doc.lang);
    let number = doc.act_number.as_str();
    let date = doc.date.as_str();
    let time = doc.time.as_str();
    let seal_state = if doc.seal_intact {
        tr.t1("doc-act-seal-intact", "seal", seal(&doc.seal_before))
    } else {
        tr.t1("doc-act-seal-damaged", "seal", seal(&doc.seal_before))
    };
    let damage = if doc.damage_note.trim().is_empty() {
        String::new()
    } else {
        tr.t1("doc-act-damage", "note", doc.damage_note.as_str())
    };
    // One row per letter, numbered from 1 here so the template only prints text.
    let letters: Vec<[String; 7]> = doc
        .letters
        .iter()
        .enumerate()
        .map(|(i, l)| {
            [
                (i + 1).to_string(),
                l.from.clone(),
                l.return_address.clone(),
                l.written_on.clone(),
                l.summary.clone(),
                l.number.clone(),
                l.note.clone(),
            ]
        })
        .collect();
    json!({
        "lang": doc.lang.code(),
        "labels": {
            "title": tr.t1("doc-act-title", "number", number),
            "page": page_label(tr),
            "lead": tr.t("doc-act-lead"),
            "heading": tr.t1("doc-act-heading", "number", number),
            "date": tr.t1("doc-act-date", "date", date),
            "time": tr.t1("doc-act-time", "time", time),
            "place": tr.t1("doc-act-place", "place", doc.place.as_str()),
            "intro": tr.t("doc-act-intro"),
            "opened": tr.ta("doc-act-opened", &[("date", date.into()), ("time", time.into())]),
            "seal": seal_state,
            "damage": damage,
            "none": tr.t("doc-act-no-letters"),
            "found": tr.t1("doc-act-letters-found", "count", FluentValue::from(doc.letters.len())),
            "columns": [
                tr.t("doc-act-col-index"),
                tr.t("doc-act-col-from"),
                tr.t("doc-act-col-return"),
                tr.t("doc-act-col-written"),
                tr.t("doc-act-col-summary"),
                tr.t("doc-act-col-number"),
                tr.t("doc-act-col-note"),
            ],
            "sealed_after": tr.t1("doc-act-sealed-after", "seal", seal(&doc.seal_after)),
            "signatures": tr.t("doc-act-signatures"),
            "signature": tr.t("doc-act-signature"),
        },
        "school": doc.school_name,
        "place": doc.place,
        "members": doc.members,
        "letters": letters,
    })
}

/// The protocol of a commission meeting as PDF: A4 portrait like protocols No 1 and No 2 of seed
/// 004: the school's name, «Хаттама № 1» centred, the date (and place), chair and secretary,
/// present, invited, the numbered agenda, "heard" with speaker and text, the numbered
/// resolutions, the linked appeals, and the chair's and the secretary's signature lines.
pub fn protocol_pdf(doc: &ProtocolDoc) -> Result<Vec<u8>, DocError> {
    render_pdf("protocol.typ", protocol_data(doc))
}

pub(crate) fn protocol_data(doc: &ProtocolDoc) -> serde_json::Value {
    let tr = Tr::new(doc.lang);
    let number = doc.number.as_str();
    let linked = if doc.linked_appeals.is_empty() {
        String::new()
    } else {
        tr.t1(
            "doc-protocol-linked",
            "numbers",
            doc.linked_appeals.join(", "),
        )
    };
    json!({
        "lang": doc.lang.code(),
        "labels": {
            "title": tr.t1("doc-protocol-title", "number", number),
            "page": page_label(tr),
            "lead": tr.t("doc-protocol-lead"),
            "heading": tr.t1("doc-protocol-heading", "number", number),
            "date": tr.t1("doc-protocol-date", "date", doc.date.as_str()),
            "chair": tr.t("doc-protocol-chair"),
            "secretary": tr.t("doc-protocol-secretary"),
            "present": tr.t("doc-protocol-present"),
            "invited": tr.t("doc-protocol-invited"),
            "agenda": tr.t("doc-protocol-agenda"),
            "heard": tr.t("doc-protocol-heard"),
            "resolved": tr.t("doc-protocol-resolved"),
            "linked": linked,
            "signature": tr.t("doc-protocol-signature"),
        },
        "school": doc.school_name,
        "place": doc.place,
        "chair": doc.chair,
        "secretary": doc.secretary,
        "present": doc.present,
        "invited": doc.invited,
        "agenda": doc.agenda,
        "heard": doc.heard,
        "resolutions": doc.resolutions,
    })
}
