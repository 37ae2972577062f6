//! Typst → PDF: one engine with the embedded fonts and every template, built on first use.

use std::sync::LazyLock;

use typst::diag::SourceDiagnostic;
use typst::foundations::{Dict, IntoValue};
use typst_as_lib::{TypstAsLibError, TypstEngine};
use typst_layout::PagedDocument;

use crate::DocError;

/// Every template, by the name passed to [`render_pdf`]. `common.typ` holds the shared page
/// setup and is imported by the others.
pub const TEMPLATES: [(&str, &str); 7] = [
    ("common.typ", include_str!("../templates/common.typ")),
    ("journal.typ", include_str!("../templates/journal.typ")),
    (
        "opening_act.typ",
        include_str!("../templates/opening_act.typ"),
    ),
    ("protocol.typ", include_str!("../templates/protocol.typ")),
    ("board.typ", include_str!("../templates/board.typ")),
    ("poster.typ", include_str!("../templates/poster.typ")),
    ("report.typ", include_str!("../templates/report.typ")),
];

/// Libertinus Serif and New Computer Modern (Cyrillic including ә ғ қ ң ө ұ ү һ і) and DejaVu
/// Sans Mono, compiled into the binary: no system fonts are looked up, so a document looks the
/// same on every server.
static ENGINE: LazyLock<TypstEngine> = LazyLock::new(|| {
    TypstEngine::builder()
        .fonts(typst_assets::fonts())
        .with_static_source_file_resolver(TEMPLATES)
        .build()
});

/// Lays out `template` with `data` (read in the template by `load-data()` from `common.typ`).
pub(crate) fn layout(template: &str, data: &serde_json::Value) -> Result<PagedDocument, DocError> {
    if !TEMPLATES.iter().any(|(name, _)| *name == template) {
        return Err(DocError::Render(format!("no template named {template}")));
    }
    let mut inputs = Dict::new();
    inputs.insert("data".into(), data.to_string().into_value());
    let warned = ENGINE.compile_with_input(template, inputs);
    for w in &warned.warnings {
        tracing::warn!(template, warning = %w.message, "typst warning");
    }
    warned.output.map_err(|e| match e {
        TypstAsLibError::TypstSource(diags) => DocError::Render(messages(&diags)),
        other => DocError::Render(other.to_string()),
    })
}

fn messages(diags: &[SourceDiagnostic]) -> String {
    diags
        .iter()
        .map(|d| d.message.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Renders the Typst template `template` (a name from [`TEMPLATES`]) to PDF bytes. `data_json`
/// reaches the template as a value, never as source text.
pub fn render_pdf(template: &str, data_json: serde_json::Value) -> Result<Vec<u8>, DocError> {
    let doc = layout(template, &data_json)?;
    typst_pdf::pdf(&doc, &typst_pdf::PdfOptions::default())
        .map_err(|diags| DocError::Render(messages(&diags)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use typst::layout::{Frame, FrameItem};

    use super::*;

    /// Every shaped glyph, as (text, font family, glyph id).
    fn glyphs(frame: &Frame, out: &mut Vec<(String, String, u16)>) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(g) => glyphs(&g.frame, out),
                FrameItem::Text(t) => {
                    let family = t.font.font().info().family.clone();
                    for g in &t.glyphs {
                        let s = t.text.get(g.range()).unwrap_or("").to_string();
                        out.push((s, family.clone(), g.id));
                    }
                }
                _ => {}
            }
        }
    }

    /// Kazakh and Kyrgyz letters are drawn from the embedded fonts, not as tofu (glyph 0).
    #[test]
    fn kazakh_and_kyrgyz_letters_have_glyphs() {
        let letters = "ӘәҒғҚқҢңӨөҰұҮүҺһІі Кайрылуу Өтініш";
        let data = serde_json::json!({
            "lang": "kk",
            "labels": {
                "title": letters, "page": "%PAGE%/%TOTAL%", "period": letters, "empty": "",
                "count": letters, "final_hash": letters, "generated": letters,
                "columns": [letters, "2", "3", "4", "5", "6", "7", "8", "9", "10"],
            },
            "school": letters,
            "rows": [[letters, letters, "", "", letters, "", "", "", "", ""]],
            "hash": "00ff",
        });
        let doc = layout("journal.typ", &data).unwrap();
        let mut all = vec![];
        for page in doc.pages() {
            glyphs(&page.frame, &mut all);
        }
        for ch in letters.chars().filter(|c| c.is_alphabetic()) {
            let s = ch.to_string();
            let drawn: Vec<_> = all.iter().filter(|(t, _, _)| *t == s).collect();
            assert!(!drawn.is_empty(), "{ch} was not laid out at all");
            for (_, family, id) in drawn {
                assert_ne!(*id, 0, "{ch} is drawn as tofu in {family}");
            }
        }
    }

    #[test]
    fn an_unknown_template_is_an_error_not_a_panic() {
        let err = render_pdf("nope.typ", serde_json::json!({})).unwrap_err();
        assert!(matches!(err, DocError::Render(_)), "{err:?}");
    }

    #[test]
    fn data_the_template_cannot_use_is_a_render_error() {
        let err = render_pdf("journal.typ", serde_json::json!({"lang": "kk"})).unwrap_err();
        assert!(matches!(err, DocError::Render(_)), "{err:?}");
    }
}
