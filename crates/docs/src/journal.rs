//! The registration journal of appeals (SPEC capability 2): PDF, XLSX and CSV with the same
//! columns, named as in the schools' own regulations (seed 001 §4 in Kyrgyz, seed 004 §5.2 in
//! Kazakh).

use rust_xlsxwriter::{Color, DocProperties, Format, FormatAlign, FormatBorder, Workbook};
use serde_json::json;
use trustbox_i18n::{FluentValue, Tr};

use crate::{DocError, Lang, render_pdf};

/// One journal line, already formatted for display (dates as 16.03.2026 14:05).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct JournalRow {
    /// Serial number, "2026/17".
    pub number: String,
    /// Date and time received.
    pub received: String,
    /// Name and age, or the word for "anonymous" in the document's language ([`crate::anonymous`]).
    pub author: String,
    /// Address and phone if given, else empty (always empty for an anonymous appeal, seed 004 §5.3).
    pub contact: String,
    /// Short content.
    pub summary: String,
    pub category: String,
    /// The body the appeal was forwarded to and its review deadline.
    pub forwarded: String,
    pub answered_on: String,
    /// Measures taken / result.
    pub measures: String,
    /// E.g. "correction of entry 2026/3" or "destroyed on 01.02.2027".
    pub note: String,
}

impl JournalRow {
    /// The cells in column order (the order of [`COLUMNS`]).
    fn cells(&self) -> [&str; 10] {
        [
            &self.number,
            &self.received,
            &self.author,
            &self.contact,
            &self.summary,
            &self.category,
            &self.forwarded,
            &self.answered_on,
            &self.measures,
            &self.note,
        ]
    }
}

/// The journal of one school for one period.
#[derive(Debug, Clone, serde::Serialize)]
pub struct JournalDoc {
    pub lang: Lang,
    pub school_name: String,
    /// "01.01.2026 – 31.12.2026".
    pub period: String,
    pub rows: Vec<JournalRow>,
    /// Hex, the hash chain's last value.
    pub final_hash: String,
    pub generated_at: String,
}

/// Column label messages, in column order.
const COLUMNS: [&str; 10] = [
    "doc-col-number",
    "doc-col-received",
    "doc-col-author",
    "doc-col-contact",
    "doc-col-summary",
    "doc-col-category",
    "doc-col-forwarded",
    "doc-col-answered",
    "doc-col-measures",
    "doc-col-note",
];

/// Spreadsheet column widths, in characters, in column order.
const XLSX_WIDTHS: [f64; 10] = [10.0, 16.0, 22.0, 24.0, 50.0, 16.0, 26.0, 14.0, 34.0, 20.0];

fn columns(tr: Tr) -> Vec<String> {
    COLUMNS.iter().map(|id| tr.t(id)).collect()
}

fn count_line(tr: Tr, doc: &JournalDoc) -> String {
    tr.t1(
        "doc-journal-count",
        "count",
        FluentValue::from(doc.rows.len()),
    )
}

/// The journal as PDF: A4 landscape, a ruled table whose header repeats on every page, "page N
/// of M" at the foot, and a closing line with the number of entries and the chain's final hash.
pub fn journal_pdf(doc: &JournalDoc) -> Result<Vec<u8>, DocError> {
    render_pdf("journal.typ", journal_data(doc))
}

pub(crate) fn journal_data(doc: &JournalDoc) -> serde_json::Value {
    let tr = Tr::new(doc.lang);
    let rows: Vec<[&str; 10]> = doc.rows.iter().map(JournalRow::cells).collect();
    json!({
        "lang": doc.lang.code(),
        "labels": {
            "title": tr.t("doc-journal-title"),
            "page": tr.ta("doc-page-of", &[("page", "%PAGE%".into()), ("total", "%TOTAL%".into())]),
            "period": tr.t1("doc-journal-period", "period", doc.period.as_str()),
            "empty": tr.t("doc-journal-empty"),
            "count": count_line(tr, doc),
            "final_hash": tr.t("doc-journal-final-hash"),
            "generated": tr.t1("doc-generated", "date", doc.generated_at.as_str()),
            "columns": columns(tr),
        },
        "school": doc.school_name,
        "rows": rows,
        "hash": doc.final_hash,
    })
}

/// The journal as an XLSX workbook: one sheet, a bold frozen header row, set column widths,
/// wrapped text, printing set up as A4 landscape with the header row repeated; the closing line
/// (entries, final hash) below the table.
pub fn journal_xlsx(doc: &JournalDoc) -> Result<Vec<u8>, DocError> {
    write_xlsx(doc).map_err(|e| DocError::Xlsx(e.to_string()))
}

fn write_xlsx(doc: &JournalDoc) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let tr = Tr::new(doc.lang);
    let title = tr.t("doc-journal-title");
    let mut workbook = Workbook::new();
    workbook.set_properties(&DocProperties::new().set_title(&title));
    let sheet = workbook.add_worksheet();
    sheet.set_name(tr.t("doc-journal-sheet"))?;

    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin)
        .set_background_color(Color::RGB(0xEBEBEB));
    let cell = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin);

    for (col, (label, width)) in columns(tr).iter().zip(XLSX_WIDTHS).enumerate() {
        let col = col as u16;
        sheet.set_column_width(col, width)?;
        sheet.write_string_with_format(0, col, label, &head)?;
    }
    for (i, row) in doc.rows.iter().enumerate() {
        let r = i as u32 + 1;
        for (col, value) in row.cells().iter().enumerate() {
            // Strings stay strings: a pupil's "=SUM(…)" is text, never a formula.
            sheet.write_string_with_format(r, col as u16, *value, &cell)?;
        }
    }
    let last = doc.rows.len() as u32;
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, last, (COLUMNS.len() - 1) as u16)?;

    let closing = last + 2;
    sheet.write_string(closing, 0, count_line(tr, doc))?;
    sheet.write_string(
        closing + 1,
        0,
        format!("{} {}", tr.t("doc-journal-final-hash"), doc.final_hash),
    )?;
    sheet.write_string(
        closing + 2,
        0,
        tr.t1("doc-generated", "date", doc.generated_at.as_str()),
    )?;

    // Printing: A4 landscape, fit to the page width, header row on every page, page N of M.
    let amp = |s: &str| s.replace('&', "&&");
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(0, 0)?;
    let header = format!(
        "&C&\"-,Bold\"{}&\"-,Regular\"\n{}",
        amp(&title),
        amp(&doc.school_name)
    );
    // Excel allows 255 characters; a very long school name gives way to the title alone.
    if header.encode_utf16().count() <= 255 {
        sheet.set_header(header);
    } else {
        sheet.set_header(format!("&C{}", amp(&title)));
    }
    let page = tr.ta(
        "doc-page-of",
        &[("page", "&P".into()), ("total", "&N".into())],
    );
    sheet.set_footer(format!("&C{page}"));

    workbook.save_to_buffer()
}

/// Defuses cells that spreadsheet programs would run as formulas (`=`, `+`, `-`, `@`, tab, CR
/// first) by putting an apostrophe in front, as OWASP recommends for CSV.
fn csv_cell(value: &str) -> std::borrow::Cow<'_, str> {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}").into(),
        _ => value.into(),
    }
}

/// The journal as CSV (RFC 4180): UTF-8 with a byte-order mark so that Excel reads Cyrillic
/// correctly, a header row in the document's language, one line per entry. Cells that would
/// start a formula get a leading apostrophe.
pub fn journal_csv(doc: &JournalDoc) -> String {
    let tr = Tr::new(doc.lang);
    let mut out = String::from("\u{FEFF}");
    match write_csv(tr, doc) {
        Ok(bytes) => out.push_str(&String::from_utf8_lossy(&bytes)),
        // Writing into memory does not fail; should it ever, an empty export is honest.
        Err(e) => tracing::error!(error = %e, "CSV export failed"),
    }
    out
}

fn write_csv(tr: Tr, doc: &JournalDoc) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(columns(tr))?;
    for row in &doc.rows {
        w.write_record(row.cells().iter().map(|c| csv_cell(c).into_owned()))?;
    }
    Ok(w.into_inner().map_err(|e| e.into_error())?)
}
