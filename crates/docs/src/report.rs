//! Analytical reports (SPEC capability 7): the monthly analysis for the head (seed 004 §5.4) and
//! the quarterly analytical report due by the 5th (seed 003 §5.5), for one school or rolled up
//! over a district or region. PDF (a table and a bar chart per section) and XLSX.
//!
//! A roll-up hides small counts: with `suppressed_below = Some(5)` every count from 1 to 4 is
//! printed as "<5" in the tables, the charts and the workbook, and a change against the previous
//! period is not printed where either side is hidden (it would give the hidden number away).
//! No totals are computed here for the same reason. A count the caller marks as a complement
//! (`Count::complement`, see `trustbox_domain::suppression`: hidden so that a "<5" of the same
//! section cannot be computed from the total) prints as "x".

use rust_xlsxwriter::{Color, DocProperties, Format, FormatAlign, FormatBorder, Workbook};
use serde_json::json;
use trustbox_i18n::{FluentValue, Tr};

use crate::chart::chart_svg;
use crate::{DocError, Lang, render_pdf};

/// One line of a section: "Bullying: 7 (previous period 4)".
#[derive(Debug, Clone, serde::Serialize)]
pub struct Count {
    pub label: String,
    pub value: i64,
    /// The same count in the period compared with, if known.
    pub previous: Option<i64>,
    /// Hidden to protect a small count of the same section (complementary suppression):
    /// printed "x" when the report hides small counts.
    #[serde(default)]
    pub complement: bool,
    /// The same for `previous`.
    #[serde(default)]
    pub previous_complement: bool,
}

/// The mark of a count hidden by complementary suppression.
pub const COMPLEMENT_MARK: &str = "x";

/// The text that replaces a hidden count ("<5" or "x"), or `None` when it is shown.
pub(crate) fn hidden(value: i64, complement: bool, below: Option<i64>) -> Option<String> {
    if complement && below.is_some() {
        return Some(COMPLEMENT_MARK.into());
    }
    suppressed(value, below)
}

/// A group of counts: by channel, category, author type, anonymous/signed, status, on time /
/// late, forwarded by body, measures.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReportSection {
    pub title: String,
    pub counts: Vec<Count>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ReportDoc {
    pub lang: Lang,
    /// "Quarterly analytical report, Q1 2026".
    pub title: String,
    /// The school, or the district/region of a roll-up.
    pub unit_name: String,
    /// "01.01.2026 – 31.03.2026" or "Q1 2026".
    pub period: String,
    pub previous_period: String,
    pub sections: Vec<ReportSection>,
    /// For roll-ups: counts from 1 up to this limit (exclusive) print as "<5"; 0 prints as 0.
    pub suppressed_below: Option<i64>,
}

/// `Some("<5")` when `value` must not be shown under the limit `below`, else `None`.
pub(crate) fn suppressed(value: i64, below: Option<i64>) -> Option<String> {
    match below {
        Some(limit) if value >= 1 && value < limit => Some(format!("<{limit}")),
        _ => None,
    }
}

/// A count as printed: the number, or "<5".
#[cfg(test)]
fn shown(value: i64, below: Option<i64>) -> String {
    suppressed(value, below).unwrap_or_else(|| value.to_string())
}

/// The change against the previous period, "+3", "−2" or "0"; `None` when there is no previous
/// value or either side is hidden.
fn change(c: &Count, below: Option<i64>) -> Option<i64> {
    let prev = c.previous?;
    if hidden(c.value, c.complement, below).is_some()
        || hidden(prev, c.previous_complement, below).is_some()
    {
        return None;
    }
    Some(c.value - prev)
}

fn signed(d: i64) -> String {
    match d {
        d if d > 0 => format!("+{d}"),
        // U+2212 MINUS SIGN: the typeset minus, as wide as the plus.
        d if d < 0 => format!("\u{2212}{}", d.unsigned_abs()),
        _ => "0".into(),
    }
}

/// The chart of one section exactly as the PDF shows it, for the web page: no caption (the page,
/// like the PDF, puts the section's title above it; screen readers get it as the chart's name),
/// the counts (hidden as the report hides them) and a legend naming the two periods when any
/// count has a previous value.
pub fn section_chart_svg(doc: &ReportDoc, section: &ReportSection) -> String {
    let legend = section
        .counts
        .iter()
        .any(|c| c.previous.is_some())
        .then_some([doc.period.as_str(), doc.previous_period.as_str()]);
    chart_svg(
        None,
        &section.title,
        &section.counts,
        doc.suppressed_below,
        legend,
    )
}

fn columns(tr: Tr) -> [String; 4] {
    [
        tr.t("doc-report-col-label"),
        tr.t("doc-report-col-count"),
        tr.t("doc-report-col-previous"),
        tr.t("doc-report-col-change"),
    ]
}

fn suppression_note(tr: Tr, doc: &ReportDoc) -> Option<String> {
    let limit = doc.suppressed_below.filter(|l| *l > 1)?;
    let note = tr.ta(
        "doc-report-suppressed",
        &[
            ("limit", FluentValue::from(limit)),
            ("max", FluentValue::from(limit - 1)),
        ],
    );
    let complements = doc
        .sections
        .iter()
        .flat_map(|s| &s.counts)
        .any(|c| c.complement || c.previous_complement);
    Some(if complements {
        format!("{note} {}", tr.t("doc-report-complement"))
    } else {
        note
    })
}

/// The report as PDF: A4 portrait; the unit, the title and the period; per section a table
/// (label, count, previous, change) and its bar chart, kept together on one page; a note on
/// hidden small counts when the report hides them.
pub fn report_pdf(doc: &ReportDoc) -> Result<Vec<u8>, DocError> {
    render_pdf("report.typ", report_data(doc))
}

pub(crate) fn report_data(doc: &ReportDoc) -> serde_json::Value {
    let tr = Tr::new(doc.lang);
    let below = doc.suppressed_below;
    let sections: Vec<_> = doc
        .sections
        .iter()
        .map(|s| {
            let rows: Vec<[String; 4]> = s
                .counts
                .iter()
                .map(|c| {
                    [
                        c.label.clone(),
                        hidden(c.value, c.complement, below)
                            .unwrap_or_else(|| c.value.to_string()),
                        c.previous.map_or_else(
                            || "—".into(),
                            |p| {
                                hidden(p, c.previous_complement, below)
                                    .unwrap_or_else(|| p.to_string())
                            },
                        ),
                        change(c, below).map_or_else(|| "—".into(), signed),
                    ]
                })
                .collect();
            json!({
                "title": s.title,
                "rows": rows,
                "chart": if s.counts.is_empty() { String::new() } else { section_chart_svg(doc, s) },
            })
        })
        .collect();
    json!({
        "lang": doc.lang.code(),
        "labels": {
            "title": doc.title,
            "page": tr.ta("doc-page-of", &[("page", "%PAGE%".into()), ("total", "%TOTAL%".into())]),
            "period": tr.t1("doc-report-period", "period", doc.period.as_str()),
            "compared": tr.t1("doc-report-compared", "period", doc.previous_period.as_str()),
            "columns": columns(tr),
            "empty": tr.t("doc-report-empty"),
            "suppressed": suppression_note(tr, doc),
        },
        "unit": doc.unit_name,
        "sections": sections,
    })
}

/// The report as an XLSX workbook: one sheet with a block per section (a bold title, the column
/// heads, the rows), counts as numbers except the hidden ones, which are the text "<5"; printing
/// set up as A4 portrait, one page wide.
pub fn report_xlsx(doc: &ReportDoc) -> Result<Vec<u8>, DocError> {
    write_xlsx(doc).map_err(|e| DocError::Xlsx(e.to_string()))
}

fn write_xlsx(doc: &ReportDoc) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let tr = Tr::new(doc.lang);
    let below = doc.suppressed_below;
    let mut workbook = Workbook::new();
    workbook.set_properties(&DocProperties::new().set_title(&doc.title));
    let sheet = workbook.add_worksheet();
    sheet.set_name(tr.t("doc-report-sheet"))?;

    let title = Format::new().set_bold().set_font_size(14);
    let section = Format::new().set_bold().set_font_size(12);
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin)
        .set_background_color(Color::RGB(0xEBEBEB));
    let label = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin);
    let number = Format::new()
        .set_align(FormatAlign::Right)
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin);
    let delta = number.clone().set_num_format("+0;-0;0");

    sheet.set_column_width(0, 46.0)?;
    for col in 1..=3 {
        sheet.set_column_width(col, 16.0)?;
    }
    sheet.write_string_with_format(0, 0, &doc.unit_name, &title)?;
    sheet.write_string_with_format(1, 0, &doc.title, &title)?;
    sheet.write_string(
        2,
        0,
        tr.t1("doc-report-period", "period", doc.period.as_str()),
    )?;
    sheet.write_string(
        3,
        0,
        tr.t1(
            "doc-report-compared",
            "period",
            doc.previous_period.as_str(),
        ),
    )?;
    let mut r = 4;
    if let Some(note) = suppression_note(tr, doc) {
        sheet.write_string(r, 0, note)?;
        r += 1;
    }

    // A count: a number, or the text "<5" (or "x") when hidden; a missing one stays empty.
    let count = |sheet: &mut rust_xlsxwriter::Worksheet,
                 r: u32,
                 c: u16,
                 v: Option<i64>,
                 complement: bool|
     -> Result<(), rust_xlsxwriter::XlsxError> {
        match v {
            None => sheet.write_blank(r, c, &number).map(|_| ()),
            Some(v) => match hidden(v, complement, below) {
                Some(text) => sheet
                    .write_string_with_format(r, c, text, &number)
                    .map(|_| ()),
                None => sheet
                    .write_number_with_format(r, c, v as f64, &number)
                    .map(|_| ()),
            },
        }
    };

    let cols = columns(tr);
    for s in &doc.sections {
        r += 1;
        sheet.write_string_with_format(r, 0, &s.title, &section)?;
        r += 1;
        for (c, name) in cols.iter().enumerate() {
            sheet.write_string_with_format(r, c as u16, name, &head)?;
        }
        if s.counts.is_empty() {
            r += 1;
            sheet.write_string_with_format(r, 0, tr.t("doc-report-empty"), &label)?;
        }
        for c in &s.counts {
            r += 1;
            // Strings stay strings: a label "=SUM(…)" is text, never a formula.
            sheet.write_string_with_format(r, 0, &c.label, &label)?;
            count(sheet, r, 1, Some(c.value), c.complement)?;
            count(sheet, r, 2, c.previous, c.previous_complement)?;
            match change(c, below) {
                Some(d) => sheet.write_number_with_format(r, 3, d as f64, &delta)?,
                None => sheet.write_blank(r, 3, &number)?,
            };
        }
        r += 1;
    }

    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    let page = tr.ta(
        "doc-page-of",
        &[("page", "&P".into()), ("total", "&N".into())],
    );
    sheet.set_footer(format!("&C{page}"));
    workbook.save_to_buffer()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn small_counts_are_hidden_and_zero_is_not() {
        assert_eq!(shown(0, Some(5)), "0");
        for v in 1..=4 {
            assert_eq!(shown(v, Some(5)), "<5");
        }
        assert_eq!(shown(5, Some(5)), "5");
        assert_eq!(shown(3, None), "3");
    }

    #[test]
    fn a_change_never_reveals_a_hidden_count() {
        let c = |value, previous| Count {
            label: String::new(),
            value,
            previous,
            complement: false,
            previous_complement: false,
        };
        assert_eq!(change(&c(9, Some(3)), Some(5)), None);
        assert_eq!(change(&c(3, Some(9)), Some(5)), None);
        assert_eq!(change(&c(9, Some(6)), Some(5)), Some(3));
        assert_eq!(change(&c(3, Some(9)), None), Some(-6));
        assert_eq!(change(&c(3, None), None), None);
        // A complement hides its change too, and prints "x" only when small counts are hidden.
        let x = Count {
            complement: true,
            ..c(12, Some(30))
        };
        assert_eq!(change(&x, Some(5)), None);
        assert_eq!(hidden(12, true, Some(5)).as_deref(), Some("x"));
        assert_eq!(hidden(12, true, None), None);
        assert_eq!(signed(-6), "\u{2212}6");
        assert_eq!(signed(2), "+2");
    }

    #[test]
    fn a_complement_prints_x_everywhere_the_report_shows_counts() {
        let doc = ReportDoc {
            lang: Lang::En,
            title: "t".into(),
            unit_name: "u".into(),
            period: "p".into(),
            previous_period: "q".into(),
            sections: vec![ReportSection {
                title: "s".into(),
                counts: vec![
                    Count {
                        label: "small".into(),
                        value: 1,
                        previous: Some(0),
                        complement: false,
                        previous_complement: false,
                    },
                    Count {
                        label: "complement".into(),
                        value: 6,
                        previous: Some(9),
                        complement: true,
                        previous_complement: false,
                    },
                ],
            }],
            suppressed_below: Some(5),
        };
        let data = report_data(&doc);
        let rows = &data["sections"][0]["rows"];
        assert_eq!(rows[0][1], "<5");
        assert_eq!(rows[1][1], "x");
        assert_eq!(rows[1][2], "9");
        assert_eq!(rows[1][3], "—", "no change where a side is hidden");
        assert!(
            data["labels"]["suppressed"]
                .as_str()
                .unwrap()
                .contains("worked out from the total")
        );
    }
}
