//! The answer board (SPEC capability 4; seed 000, seed 001 §3.4): the printable A4 sheet for the
//! physical stand. Each answer is identified only by the letter's date and time or its public
//! reference; the sheet prints `letter_ref` and the staff-written `text` and nothing else of a
//! case (the caller never hands over a letter's text or anything naming its author).

use serde_json::json;
use trustbox_i18n::Tr;

use crate::{DocError, Lang, render_pdf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum BoardItemKind {
    /// An answer to an anonymous letter.
    Answer,
    /// "The author of the letter of <date, time> is invited to a personal conversation with the
    /// social pedagogue" (seed 001 §3.4).
    Invitation,
    /// A general answer, also read out at a meeting.
    General,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct BoardItem {
    pub kind: BoardItemKind,
    /// "letter of 16.03.2026, 14:05" or a public reference, in the document's language; may be
    /// empty for a general answer.
    pub letter_ref: String,
    /// Written by staff; may be empty for an invitation.
    pub text: String,
    pub published_on: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct BoardDoc {
    pub lang: Lang,
    pub school_name: String,
    pub items: Vec<BoardItem>,
    pub printed_on: String,
}

/// The board as PDF: A4 portrait in large type, one framed block per item that never breaks
/// across pages, invitations marked out; the school, the title and a line on how to find one's
/// answer at the top, the print date at the foot.
pub fn board_pdf(doc: &BoardDoc) -> Result<Vec<u8>, DocError> {
    render_pdf("board.typ", board_data(doc))
}

pub(crate) fn board_data(doc: &BoardDoc) -> serde_json::Value {
    let tr = Tr::new(doc.lang);
    let items: Vec<_> = doc
        .items
        .iter()
        .map(|item| {
            let (kind, label) = match item.kind {
                BoardItemKind::Answer => ("answer", tr.t("doc-board-answer")),
                BoardItemKind::Invitation => ("invitation", tr.t("doc-board-invitation")),
                BoardItemKind::General => ("general", tr.t("doc-board-general")),
            };
            json!({
                "kind": kind,
                "label": label,
                "ref": item.letter_ref,
                "text": item.text,
                "published": tr.t1("doc-board-published", "date", item.published_on.as_str()),
            })
        })
        .collect();
    json!({
        "lang": doc.lang.code(),
        "labels": {
            "title": tr.t("doc-board-title"),
            "page": tr.ta("doc-page-of", &[("page", "%PAGE%".into()), ("total", "%TOTAL%".into())]),
            "hint": tr.t("doc-board-hint"),
            "invited": tr.t("doc-board-invited"),
            "empty": tr.t("doc-board-empty"),
            "printed": tr.t1("doc-generated", "date", doc.printed_on.as_str()),
        },
        "school": doc.school_name,
        "items": items,
    })
}
