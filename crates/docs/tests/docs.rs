//! Black-box tests of the printable documents: the journal as PDF (read back with poppler's
//! `pdftotext`), XLSX (opened as the ZIP it is) and CSV (parsed back).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::io::Read;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use trustbox_docs::{
    JournalDoc, JournalRow, Lang, anonymous, journal_csv, journal_pdf, journal_xlsx,
};

const INJECTION: &str = r"#set page(fill: red) ] } $ \";
const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

/// A journal of `n` entries; entry 7 carries Typst syntax in its summary.
fn journal(lang: Lang, n: usize) -> JournalDoc {
    let (who, text) = match lang {
        Lang::Ky => (
            "Асанова Айгүл, 14 жаш",
            "Класста өзүмдү жалгыз сезем, жардам керек",
        ),
        Lang::Kk => (
            "Сәрсенбаева Әйгерім, 15 жас",
            "Сыныпта бір бала мені ұрып жүр, көмектесіңіз",
        ),
        Lang::Ru => (
            "Иванова Мария, 13 лет",
            "Прошу помочь с конфликтом в классе",
        ),
        Lang::En => ("Mary Smith, 13", "Please help with a conflict in class"),
    };
    let rows = (1..=n)
        .map(|i| {
            let anon = i % 3 == 0;
            JournalRow {
                number: format!("2026/{i}"),
                received: format!("{:02}.03.2026 14:05", i % 28 + 1),
                author: if anon {
                    anonymous(lang)
                } else {
                    who.to_string()
                },
                contact: if anon {
                    String::new()
                } else {
                    "Бишкек ш., Манас к. 12, +996 555 123 456".into()
                },
                summary: if i == 7 {
                    INJECTION.to_string()
                } else {
                    text.to_string()
                },
                category: "Буллинг".into(),
                forwarded: "Соцпедагог, 23.03.2026".into(),
                answered_on: "20.03.2026".into(),
                measures: "Жеке баарлашуу өткөрүлдү; ата-энелер менен жолугушуу".into(),
                note: if i == 5 {
                    "2026/3 түзөтүү".into()
                } else {
                    String::new()
                },
            }
        })
        .collect();
    JournalDoc {
        lang,
        school_name: "№ 9 А. Орозбеков атындагы орто мектеби".into(),
        period: "01.01.2026 – 31.12.2026".into(),
        rows,
        final_hash: HASH.into(),
        generated_at: "31.12.2026 18:00".into(),
    }
}

fn temp_path(ext: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::SeqCst);
    std::env::temp_dir().join(format!("trustbox-docs-{}-{n}.{ext}", std::process::id()))
}

/// The PDF's text through `pdftotext` with `mode` ("-layout" or "-raw"). Fails, never skips,
/// when poppler-utils is missing.
fn pdftotext(pdf: &[u8], mode: &str) -> String {
    let path = temp_path("pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext")
        .args([mode, "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext is needed for this test: apt-get install -y poppler-utils");
    let _ = std::fs::remove_file(&path);
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Checks a 60-entry journal in `lang`; returns the page texts.
fn check_pdf(
    lang: Lang,
    title: &str,
    native_word: &str,
    page_of: impl Fn(usize, usize) -> String,
    count_line: &str,
) {
    let doc = journal(lang, 60);
    let pdf = journal_pdf(&doc).unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let text = pdftotext(&pdf, "-layout");
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    let total = pages.len();
    assert!(
        total > 1,
        "60 entries should need more than one page, got {total}"
    );

    let lower = text.to_lowercase();
    assert!(
        lower.contains(&title.to_lowercase()),
        "title {title} missing"
    );
    assert!(
        text.contains(native_word),
        "{native_word} missing (tofu or wrong labels?)"
    );
    assert!(text.contains(&doc.school_name), "school name missing");
    assert!(text.contains(&doc.period), "period missing");

    let tokens: BTreeSet<&str> = text.split_whitespace().collect();
    for i in 1..=60 {
        assert!(
            tokens.contains(format!("2026/{i}").as_str()),
            "entry 2026/{i} missing"
        );
    }
    for (i, page) in pages.iter().enumerate() {
        let footer = page_of(i + 1, total);
        assert!(
            page.contains(&footer),
            "page {} lacks its footer {footer:?}",
            i + 1
        );
        // The column numbers 1…10 under the repeated header.
        assert!(
            page.lines().any(|l| squash(l) == "1 2 3 4 5 6 7 8 9 10"),
            "page {} lacks the repeated table header",
            i + 1
        );
    }
    let closing = squash(pages[total - 1]);
    assert!(
        closing.contains(count_line),
        "closing count {count_line:?} missing"
    );
    assert!(
        closing.contains(HASH),
        "final hash missing from the closing line"
    );

    let raw = squash(&pdftotext(&pdf, "-raw"));
    assert!(
        raw.contains(INJECTION),
        "Typst syntax in a summary was not printed literally"
    );
}

#[test]
fn journal_pdf_in_kyrgyz() {
    check_pdf(
        Lang::Ky,
        "Кайрылууларды эсепке алуу журналы",
        "Көрүлгөн",
        |p, t| format!("{t} беттин {p}-бети"),
        "Журналдагы жазуулардын саны: 60.",
    );
}

#[test]
fn journal_pdf_in_kazakh() {
    check_pdf(
        Lang::Kk,
        "Өтініштерді тіркеу журналы",
        "Әйгерім",
        |p, t| format!("{t} беттің {p}-беті"),
        "Журналдағы жазбалар саны: 60.",
    );
}

#[test]
fn journal_pdf_in_russian_and_english() {
    check_pdf(
        Lang::Ru,
        "Журнал регистрации обращений",
        "Примечание",
        |p, t| format!("Страница {p} из {t}"),
        "Записей в журнале: 60.",
    );
    check_pdf(
        Lang::En,
        "Registration journal of appeals",
        "Measures taken",
        |p, t| format!("Page {p} of {t}"),
        "Entries in the journal: 60.",
    );
}

#[test]
fn an_empty_journal_still_prints() {
    let doc = journal(Lang::Ky, 0);
    let text = squash(&pdftotext(&journal_pdf(&doc).unwrap(), "-layout"));
    assert!(
        text.contains("Бул мезгилде кайрылуулар катталган эмес."),
        "{text}"
    );
    assert!(text.contains("1 беттин 1-бети"), "{text}");
    assert!(text.contains(HASH));
}

fn zip_entry(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("XLSX is a ZIP");
    let mut s = String::new();
    archive
        .by_name(name)
        .unwrap()
        .read_to_string(&mut s)
        .unwrap();
    s
}

#[test]
fn journal_xlsx_is_a_workbook_with_the_cells() {
    let doc = journal(Lang::Kk, 12);
    let xlsx = journal_xlsx(&doc).unwrap();
    let sheet = zip_entry(&xlsx, "xl/worksheets/sheet1.xml");
    // rust_xlsxwriter stores strings in the shared string table, referenced from the sheet.
    let strings = zip_entry(&xlsx, "xl/sharedStrings.xml");
    for s in [
        "Өтініштің реттік нөмірі",
        "Ескертпе",
        "2026/12",
        "Сәрсенбаева Әйгерім, 15 жас",
        HASH,
    ] {
        assert!(strings.contains(s), "{s} missing from the workbook");
    }
    assert!(
        strings.contains("#set page(fill: red) ] } $ \\"),
        "Typst syntax should be plain text here"
    );
    assert!(
        sheet.contains(r#"<pane ySplit="1""#) && sheet.contains(r#"state="frozen""#),
        "header row not frozen"
    );
    assert!(sheet.contains("<cols>"), "column widths not set");
    assert!(
        sheet.contains(r#"<c r="A1""#) && sheet.contains(r#"<c r="J13""#),
        "table not 10 × (1 + 12)"
    );
    let styles = zip_entry(&xlsx, "xl/styles.xml");
    assert!(styles.contains("<b/>"), "no bold header");
    assert!(styles.contains(r#"wrapText="1""#), "no wrapped text");
    let workbook = zip_entry(&xlsx, "xl/workbook.xml");
    assert!(workbook.contains(r#"name="Журнал""#), "sheet name");
}

#[test]
fn a_formula_in_a_cell_stays_text_in_xlsx() {
    let mut doc = journal(Lang::Ru, 1);
    doc.rows[0].summary = "=HYPERLINK(\"http://x\")".into();
    let xlsx = journal_xlsx(&doc).unwrap();
    assert!(
        !zip_entry(&xlsx, "xl/worksheets/sheet1.xml").contains("<f>"),
        "a cell became a formula"
    );
}

#[test]
fn journal_csv_parses_back() {
    let mut doc = journal(Lang::Ky, 9);
    doc.rows[1].summary = "line one\nline two, with \"quotes\"".into();
    doc.rows[2].summary = "=1+1".into();
    let csv = journal_csv(&doc);
    assert!(csv.starts_with('\u{FEFF}'), "no byte-order mark");
    assert!(csv.contains("\r\n"), "RFC 4180 lines end in CRLF");
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(csv.strip_prefix('\u{FEFF}').unwrap().as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header.len(), 10);
    assert_eq!(header[0], "Катар номери");
    assert_eq!(header[9], "Эскертүү");
    let rows: Vec<Vec<String>> = r
        .records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect();
    assert_eq!(rows.len(), 9);
    for (got, want) in rows.iter().zip(&doc.rows) {
        let want = [
            &want.number,
            &want.received,
            &want.author,
            &want.contact,
            &want.summary,
            &want.category,
            &want.forwarded,
            &want.answered_on,
            &want.measures,
            &want.note,
        ];
        for (g, w) in got.iter().zip(want) {
            if w.starts_with('=') {
                assert_eq!(*g, format!("'{w}"), "a formula-like cell must be defused");
            } else {
                assert_eq!(g, w);
            }
        }
    }
    assert_eq!(rows[6][4], INJECTION);
    assert_eq!(rows[2][2], "анонимдүү");
}

#[test]
fn the_word_for_anonymous_is_localized() {
    assert_eq!(anonymous(Lang::Ky), "анонимдүү");
    assert_eq!(anonymous(Lang::Kk), "анонимді");
    assert_eq!(anonymous(Lang::En), "anonymous");
}
