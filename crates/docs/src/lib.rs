//! Printable documents: PDF through Typst templates with embedded fonts, spreadsheets (XLSX) and
//! CSV. Callers hand over data already formatted for display; every label comes from the
//! `doc-*` messages of `locales/*/docs.ftl` in the document's language.
//!
//! The Typst plumbing is one function, [`render_pdf`]: a template name from
//! `crates/docs/templates/` and a JSON value the template reads with `load-data()`. User text
//! travels only inside that JSON, so it is printed literally and never runs as Typst code.

mod journal;
mod render;

mod board;
mod chart;
mod poster;
mod report;

pub use journal::{JournalDoc, JournalRow, journal_csv, journal_pdf, journal_xlsx};
pub use render::{TEMPLATES, render_pdf};
pub use trustbox_domain::Lang;

pub use board::{BoardDoc, BoardItem, BoardItemKind, board_pdf};
pub use chart::bar_chart_svg;
pub use poster::{PosterDoc, poster_pdf, qr_svg};
pub use report::{
    COMPLEMENT_MARK, Count, ReportDoc, ReportSection, report_pdf, report_xlsx, section_chart_svg,
};

/// Why a document could not be produced. Both carry a technical cause for the log; neither holds
/// personal data beyond what Typst echoes of the template itself.
#[derive(Debug, thiserror::Error)]
pub enum DocError {
    #[error("document could not be rendered: {0}")]
    Render(String),
    #[error("spreadsheet could not be written: {0}")]
    Xlsx(String),
}

/// The word printed in the author column for an anonymous appeal, in `lang`
/// («анонимдүү», «анонимді», …).
pub fn anonymous(lang: Lang) -> String {
    trustbox_i18n::Tr::new(lang).t("doc-anonymous")
}

mod acts;
pub use acts::{
    ActLetter, Heard, OpeningActDoc, ProtocolDoc, Signatory, opening_act_pdf, protocol_pdf,
};
