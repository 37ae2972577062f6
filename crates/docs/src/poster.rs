//! The corridor poster (SPEC capability 10; seed 000 "announcements in the places set aside",
//! seed 003 §4.1–4.3, seed 004 §4.1): how to write in three steps, a QR code to the school's
//! public page, the trust phone with its hours, the box's opening schedule and the national
//! child helplines. One A4 page, optionally with a second language under the first.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use serde_json::json;
use trustbox_i18n::{FluentValue, Tr};

use crate::{DocError, Lang, render_pdf};

#[derive(Debug, Clone, serde::Serialize)]
pub struct PosterDoc {
    pub lang: Lang,
    /// A second language printed smaller under each text (e.g. Russian under Kyrgyz).
    pub second_lang: Option<Lang>,
    pub school_name: String,
    /// The school's public page, encoded in the QR code and printed under it.
    pub url: String,
    /// The trust phone number(s), as printed.
    pub phones: String,
    pub phone_hours: String,
    /// (number, label), e.g. ("111", "Детский телефон доверия").
    pub helplines: Vec<(String, String)>,
    /// "every Friday at 15:00".
    pub opening_schedule: String,
}

/// The poster as PDF: one A4 page.
pub fn poster_pdf(doc: &PosterDoc) -> Result<Vec<u8>, DocError> {
    let qr = try_qr_svg(&doc.url)?;
    render_pdf("poster.typ", poster_data(doc, &qr))
}

/// A QR code for `url` as SVG: black modules on white with the standard quiet zone, one SVG
/// unit per module (scale it with CSS or the document), medium error correction. Also used on
/// the web page. Returns an empty string (and logs) for a URL too long for any QR code.
pub fn qr_svg(url: &str) -> String {
    try_qr_svg(url).unwrap_or_else(|e| {
        tracing::error!(error = %e, "QR code could not be made");
        String::new()
    })
}

fn try_qr_svg(url: &str) -> Result<String, DocError> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
        .map_err(|e| DocError::Render(format!("QR code: {e}")))?;
    let svg = code
        .render::<svg::Color<'_>>()
        .module_dimensions(1, 1)
        .dark_color(svg::Color("#000"))
        .light_color(svg::Color("#fff"))
        .build();
    // Inline in HTML the XML declaration is noise; the SVG itself starts at <svg.
    Ok(match svg.find("<svg") {
        Some(i) => svg[i..].to_string(),
        None => svg,
    })
}

/// Every text of the poster in `lang`.
fn labels(lang: Lang, doc: &PosterDoc) -> serde_json::Value {
    let tr = Tr::new(lang);
    json!({
        "title": tr.t("doc-poster-title"),
        "lead": tr.t("doc-poster-lead"),
        "steps_title": tr.t("doc-poster-steps-title"),
        "steps": [tr.t("doc-poster-step1"), tr.t("doc-poster-step2"), tr.t("doc-poster-step3")],
        "scan": tr.t("doc-poster-scan"),
        "phone": tr.t("doc-poster-phone"),
        "hours": tr.t1("doc-poster-hours", "hours", FluentValue::from(doc.phone_hours.as_str())),
        "opening": tr.t1("doc-poster-opening", "schedule", doc.opening_schedule.as_str()),
        "helplines": tr.t("doc-poster-helplines"),
        "confidential": tr.t("doc-poster-confidential"),
    })
}

pub(crate) fn poster_data(doc: &PosterDoc, qr: &str) -> serde_json::Value {
    let first = labels(doc.lang, doc);
    let second = doc
        .second_lang
        .filter(|l| *l != doc.lang)
        .map(|l| labels(l, doc));
    let helplines: Vec<[&str; 2]> = doc
        .helplines
        .iter()
        .map(|(n, l)| [n.as_str(), l.as_str()])
        .collect();
    json!({
        "lang": doc.lang.code(),
        "labels": first,
        "second": second,
        "school": doc.school_name,
        "url": doc.url,
        "qr": qr,
        "phones": doc.phones,
        "helplines": helplines,
    })
}
