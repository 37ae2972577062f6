//! Black-box tests of the answer board, the corridor poster and the analytical report: PDFs read
//! back with poppler (`pdftotext`, `pdftoppm`), the poster's QR code decoded with `zbarimg`, the
//! workbook opened as the ZIP it is. The tools must be installed: a missing one fails the test.
//!
//! Set `TRUSTBOX_DOCS_OUT=/some/dir` to keep every PDF these tests make, to look at them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Read;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use trustbox_docs::{
    BoardDoc, BoardItem, BoardItemKind, Count, Lang, PosterDoc, ReportDoc, ReportSection,
    bar_chart_svg, board_pdf, poster_pdf, qr_svg, report_pdf, report_xlsx, section_chart_svg,
};

const INJECTION: &str = r"#set page(fill: red) ] } $ \";
/// The fill of the bars of the period reported on (chart.rs); each such rect is one bar.
const BAR_FILL: &str = r##"fill="#2B5C8A""##;

fn temp_path(ext: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::SeqCst);
    std::env::temp_dir().join(format!("trustbox-board-{}-{n}.{ext}", std::process::id()))
}

/// Keeps `pdf` as `$TRUSTBOX_DOCS_OUT/name.pdf` when that variable is set.
fn keep(name: &str, pdf: &[u8]) {
    if let Some(dir) = std::env::var_os("TRUSTBOX_DOCS_OUT") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(PathBuf::from(dir).join(format!("{name}.pdf")), pdf).unwrap();
    }
}

fn run(cmd: &mut Command, hint: &str) -> Vec<u8> {
    let out = cmd.output().unwrap_or_else(|e| panic!("{hint}: {e}"));
    assert!(
        out.status.success(),
        "{hint}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The PDF's text through `pdftotext` with `mode` ("-layout" or "-raw").
fn pdftotext(pdf: &[u8], mode: &str) -> String {
    let path = temp_path("pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = run(
        Command::new("pdftotext")
            .args([mode, "-enc", "UTF-8"])
            .arg(&path)
            .arg("-"),
        "pdftotext is needed for this test: apt-get install -y poppler-utils",
    );
    let _ = std::fs::remove_file(&path);
    String::from_utf8(out).unwrap()
}

fn pages(text: &str) -> usize {
    text.split('\u{c}').filter(|p| !p.trim().is_empty()).count()
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
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

// ---------------------------------------------------------------------------------------------
// Answer board

fn item(kind: BoardItemKind, letter_ref: &str, text: &str, published_on: &str) -> BoardItem {
    BoardItem {
        kind,
        letter_ref: letter_ref.into(),
        text: text.into(),
        published_on: published_on.into(),
    }
}

/// A board in `lang` and the invitation sentence it must print.
fn board(lang: Lang) -> (BoardDoc, &'static str) {
    use BoardItemKind::{Answer, General, Invitation};
    let (school, items, invited) = match lang {
        Lang::Ky => (
            "№ 9 А. Орозбеков атындагы орто мектеби",
            vec![
                item(
                    Answer,
                    "16.03.2026, 14:05 катына",
                    "Катыңды окудук. Класстагы чыр-чатак боюнча класс жетекчиң менен сүйлөштүк; \
                     эгер дагы кайталанса, 12-кабинетке кел же ишеним телефонуна чал.",
                    "19.03.2026",
                ),
                item(
                    Invitation,
                    "18.03.2026, 09:40 каты",
                    "Шаршемби күнү сабактан кийин, 12-кабинет.",
                    "19.03.2026",
                ),
                item(
                    General,
                    "",
                    "Ашканадагы кезек боюнча: 1-сменада тамактануу убактысы 10 мүнөткө узартылды.",
                    "20.03.2026",
                ),
                item(
                    Answer,
                    "K7Q2-M4 коду менен кат",
                    "Рахмат сунушуң үчүн: китепкананын иштөө убактысы 17:00гө чейин узартылат.",
                    "20.03.2026",
                ),
            ],
            "Бул каттын автору социалдык педагог менен жеке баарлашууга чакырылат.",
        ),
        Lang::Kk => (
            "№ 12 Абай атындағы жалпы білім беретін мектеп",
            vec![
                item(
                    Answer,
                    "16.03.2026, 14:05 хатына",
                    "Хатыңды оқыдық. Сыныптағы жанжал туралы сынып жетекшіңмен сөйлестік; \
                     қайталанса, 12-кабинетке кел немесе сенім телефонына қоңырау шал.",
                    "19.03.2026",
                ),
                item(
                    Invitation,
                    "18.03.2026, 09:40 хаты",
                    "Сәрсенбі күні сабақтан кейін, 12-кабинет.",
                    "19.03.2026",
                ),
                item(
                    General,
                    "",
                    "Асханадағы кезек туралы: 1-ауысымда тамақтану уақыты 10 минутқа ұзартылды.",
                    "20.03.2026",
                ),
            ],
            "Осы хаттың авторы әлеуметтік педагогпен жеке әңгімелесуге шақырылады.",
        ),
        Lang::Ru | Lang::En => (
            "Средняя школа № 9 имени А. Орозбекова",
            vec![
                item(
                    Answer,
                    "Письмо от 16.03.2026, 14:05",
                    "Мы прочитали твоё письмо. С классным руководителем поговорили о конфликте \
                     в классе; если повторится — приходи в кабинет 12 или звони на телефон доверия.",
                    "19.03.2026",
                ),
                item(
                    Invitation,
                    "Письмо от 18.03.2026, 09:40",
                    "В среду после уроков, кабинет 12.",
                    "19.03.2026",
                ),
                item(
                    General,
                    "",
                    "Об очереди в столовой: время обеда для 1-й смены продлено на 10 минут.",
                    "20.03.2026",
                ),
            ],
            "Автор этого письма приглашается на личную беседу к социальному педагогу.",
        ),
    };
    (
        BoardDoc {
            lang,
            school_name: school.into(),
            items,
            printed_on: "20.03.2026 16:30".into(),
        },
        invited,
    )
}

fn check_board(lang: Lang, title: &str) {
    let (doc, invited) = board(lang);
    let pdf = board_pdf(&doc).unwrap();
    keep(&format!("board-{}", lang.code()), &pdf);
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let text = squash(&pdftotext(&pdf, "-raw"));
    assert!(
        text.to_lowercase().contains(&title.to_lowercase()),
        "title {title:?} missing: {text}"
    );
    assert!(text.contains(&doc.school_name), "school missing: {text}");
    for item in &doc.items {
        assert!(
            text.contains(&squash(&item.letter_ref)),
            "{:?} missing: {text}",
            item.letter_ref
        );
        assert!(
            text.contains(&squash(&item.text)),
            "{:?} missing: {text}",
            item.text
        );
        assert!(
            text.contains(&item.published_on),
            "publication date missing"
        );
    }
    // The invitation sentence is printed once, with the invitation only.
    assert_eq!(text.matches(invited).count(), 1, "invitation: {text}");
    assert!(text.contains(&doc.printed_on), "print date missing");
}

#[test]
fn board_in_kyrgyz() {
    check_board(Lang::Ky, "Ишеним кутусунун жооптору");
}

#[test]
fn board_in_kazakh() {
    check_board(Lang::Kk, "Сенім жәшігінің жауаптары");
}

#[test]
fn board_in_russian() {
    check_board(Lang::Ru, "Ответы ящика доверия");
}

#[test]
fn a_long_board_breaks_between_items_and_numbers_its_pages() {
    let (mut doc, _) = board(Lang::Ky);
    let base = doc.items.clone();
    for i in 0..6 {
        for it in &base {
            let mut it = it.clone();
            if !it.letter_ref.is_empty() {
                it.letter_ref = format!("{:02}.03.2026, 1{i}:05 катына", i + 1);
            }
            doc.items.push(it);
        }
    }
    let pdf = board_pdf(&doc).unwrap();
    keep("board-ky-long", &pdf);
    let text = pdftotext(&pdf, "-raw");
    let n = pages(&text);
    assert!(n > 1, "28 items should need several pages");
    assert!(text.contains(&format!("{n} беттин {n}-бети")), "{text}");
    for i in 0..6 {
        assert!(text.contains(&format!("{:02}.03.2026, 1{i}:05 катына", i + 1)));
    }
}

#[test]
fn an_empty_board_says_so() {
    let (mut doc, _) = board(Lang::Kk);
    doc.items.clear();
    let text = squash(&pdftotext(&board_pdf(&doc).unwrap(), "-raw"));
    assert!(text.contains("Әзірге жауаптар жоқ."), "{text}");
}

// ---------------------------------------------------------------------------------------------
// Poster

fn poster(lang: Lang, second_lang: Option<Lang>) -> PosterDoc {
    let (school, hours, schedule, helplines) = match lang {
        Lang::Kk => (
            "№ 12 Абай атындағы жалпы білім беретін мектеп",
            "дүйсенбі–жұма, 9:00–17:00",
            "әр сейсенбі 12:00-де",
            vec![
                (
                    "150".to_string(),
                    "Балаларға арналған сенім телефоны, тегін, тәулік бойы".to_string(),
                ),
                (
                    "111".to_string(),
                    "Отбасы және балалар мәселелері жөніндегі байланыс орталығы".to_string(),
                ),
                ("102".to_string(), "Полиция".to_string()),
            ],
        ),
        Lang::Ru | Lang::En => (
            "Средняя школа № 9 имени А. Орозбекова",
            "пн–пт, 8:00–16:00",
            "каждую пятницу в 15:00",
            vec![
                (
                    "111".to_string(),
                    "Детский телефон доверия, бесплатно".to_string(),
                ),
                ("102".to_string(), "Милиция".to_string()),
            ],
        ),
        Lang::Ky => (
            "№ 9 А. Орозбеков атындагы орто мектеби",
            "дүйшөмбү–жума, 8:00–16:00",
            "ар жуманын жумасы, 15:00дө",
            vec![
                (
                    "111".to_string(),
                    "Балдардын ишеним телефону, акысыз".to_string(),
                ),
                ("102".to_string(), "Милиция".to_string()),
            ],
        ),
    };
    PosterDoc {
        lang,
        second_lang,
        school_name: school.into(),
        url: format!(
            "https://trustbox.example.org/s/orozbekov-9?lang={}",
            lang.code()
        ),
        phones: "0776 260 280, 0777 755 534".into(),
        phone_hours: hours.into(),
        helplines,
        opening_schedule: schedule.into(),
    }
}

/// The QR codes zbarimg finds on the first page of `pdf`, rendered at 150 dpi.
fn decode_qr(pdf: &[u8]) -> String {
    let pdf_path = temp_path("pdf");
    std::fs::write(&pdf_path, pdf).unwrap();
    let png_root = temp_path("png");
    let png_root = png_root.with_extension("");
    run(
        Command::new("pdftoppm")
            .args(["-r", "150", "-png", "-singlefile"])
            .arg(&pdf_path)
            .arg(&png_root),
        "pdftoppm is needed for this test: apt-get install -y poppler-utils",
    );
    let png = png_root.with_extension("png");
    let out = run(
        Command::new("zbarimg")
            .args(["--raw", "-q", "-Sdisable", "-Sqrcode.enable"])
            .arg(&png),
        "zbarimg is needed for this test (apt-get install -y zbar-tools) and must find the code",
    );
    let _ = std::fs::remove_file(&pdf_path);
    let _ = std::fs::remove_file(&png);
    String::from_utf8(out).unwrap().trim_end().to_string()
}

fn check_poster(doc: &PosterDoc, words: &[&str]) {
    let pdf = poster_pdf(doc).unwrap();
    let name = match doc.second_lang {
        Some(l) => format!("poster-{}-{}", doc.lang.code(), l.code()),
        None => format!("poster-{}", doc.lang.code()),
    };
    keep(&name, &pdf);
    assert_eq!(
        decode_qr(&pdf),
        doc.url,
        "the QR code must lead to the page"
    );
    let raw = pdftotext(&pdf, "-raw");
    assert_eq!(pages(&raw), 1, "the poster is one page");
    let text = squash(&raw);
    for s in [
        doc.school_name.as_str(),
        doc.phones.as_str(),
        doc.phone_hours.as_str(),
        doc.opening_schedule.as_str(),
    ] {
        assert!(text.contains(s), "{s:?} missing: {text}");
    }
    // The address under the code may wrap at a slash.
    assert!(
        text.replace(' ', "").contains(&doc.url),
        "the URL is not printed under the code"
    );
    for (number, label) in &doc.helplines {
        assert!(
            text.split(' ').any(|t| t == number),
            "helpline {number} missing"
        );
        assert!(text.contains(label.as_str()), "{label:?} missing: {text}");
    }
    for w in words {
        assert!(text.contains(w), "{w:?} missing: {text}");
    }
}

#[test]
fn poster_in_kyrgyz_with_russian_below() {
    check_poster(
        &poster(Lang::Ky, Some(Lang::Ru)),
        &[
            "ИШЕНИМ КУТУСУ",
            "Кантип жазуу керек",
            "Онлайн жазуу үчүн сканерле",
            "ЯЩИК ДОВЕРИЯ",
            "Как написать",
        ],
    );
}

#[test]
fn poster_in_kazakh() {
    let doc = poster(Lang::Kk, None);
    check_poster(
        &doc,
        &[
            "СЕНІМ ЖӘШІГІ",
            "Қалай жазуға болады",
            "Сенім телефоны",
            "Балаларға көмек көрсететін ұлттық телефондар",
        ],
    );
    let text = pdftotext(&poster_pdf(&doc).unwrap(), "-raw");
    assert!(
        !text.contains("Как написать"),
        "no second language asked for"
    );
}

#[test]
fn poster_in_russian_with_kazakh_below() {
    check_poster(
        &poster(Lang::Ru, Some(Lang::Kk)),
        &["ЯЩИК ДОВЕРИЯ", "Как написать", "СЕНІМ ЖӘШІГІ"],
    );
}

#[test]
fn qr_svg_is_an_svg_of_the_url() {
    let svg = qr_svg("https://trustbox.example.org/s/x");
    assert!(svg.starts_with("<svg"), "{svg}");
    assert!(svg.trim_end().ends_with("</svg>"));
    assert!(!svg.contains("<?xml"), "no XML declaration inside HTML");
    assert_ne!(svg, qr_svg("https://trustbox.example.org/s/y"));
    // Too long for any QR code: no panic, no picture.
    assert_eq!(qr_svg(&"x".repeat(8000)), "");
}

// ---------------------------------------------------------------------------------------------
// Report

fn count(label: &str, value: i64, previous: Option<i64>) -> Count {
    Count {
        label: label.into(),
        value,
        previous,
        complement: false,
        previous_complement: false,
    }
}

/// The category whose count (3) a roll-up must hide.
const SMALL: &str = "Үй-бүлөдөгү кыйынчылыктар";

/// A quarterly report in Kyrgyz with eight sections; `SMALL` has 3 letters.
fn report(suppressed_below: Option<i64>) -> ReportDoc {
    let s = |title: &str, counts: Vec<Count>| ReportSection {
        title: title.into(),
        counts,
    };
    ReportDoc {
        lang: Lang::Ky,
        title: "Аналитикалык отчет, 2026-жылдын I чейреги".into(),
        unit_name: "Ош шаарынын билим берүү башкармалыгы".into(),
        period: "I чейрек 2026".into(),
        previous_period: "IV чейрек 2025".into(),
        suppressed_below,
        sections: vec![
            s(
                "Кабыл алуу жолдору боюнча",
                vec![
                    count("Санарип куту", 18, Some(12)),
                    count("Кагаз кат", 7, Some(9)),
                    count("Ишеним телефону", 11, Some(6)),
                    count("Жеке кабыл алуу", 0, Some(2)),
                ],
            ),
            s(
                "Категориялар боюнча",
                vec![
                    count("Буллинг", 9, Some(7)),
                    count(SMALL, 3, Some(8)),
                    count("Окуу", 14, Some(10)),
                    count("Ден соолук", 0, Some(0)),
                    count("Сунуштар", 6, Some(8)),
                ],
            ),
            s(
                "Автордун түрү боюнча",
                vec![
                    count("Окуучу", 27, Some(20)),
                    count("Ата-эне", 6, Some(5)),
                    count("Мугалим", 8, Some(6)),
                ],
            ),
            s(
                "Анонимдүү / кол коюлган",
                vec![
                    count("Анонимдүү", 24, Some(19)),
                    count("Кол коюлган", 17, Some(12)),
                ],
            ),
            s(
                "Абалы боюнча",
                vec![
                    count("Каралууда", 5, None),
                    count("Жооп берилди", 30, None),
                    count("Жабылды", 6, None),
                ],
            ),
            s(
                "Мөөнөтүндө / кечиккен",
                vec![
                    count("Мөөнөтүндө жооп берилген", 34, Some(25)),
                    count("Кечиктирилген", 7, Some(6)),
                ],
            ),
            s(
                "Жөнөтүлгөн уюмдар боюнча",
                vec![
                    count("БИИнин инспектору", 5, Some(6)),
                    count("Балдарды коргоо бөлүмү", 0, None),
                ],
            ),
            s("Көрүлгөн чаралар", vec![]),
        ],
    }
}

/// The lines of `text` that contain `label`.
fn lines_with<'a>(text: &'a str, label: &str) -> Vec<&'a str> {
    text.lines().filter(|l| l.contains(label)).collect()
}

#[test]
fn report_prints_every_label_and_count() {
    let doc = report(None);
    let pdf = report_pdf(&doc).unwrap();
    keep("report-ky", &pdf);
    let text = pdftotext(&pdf, "-layout");
    let flat = squash(&text);
    for s in [
        "Аналитикалык отчет, 2026-жылдын I чейреги",
        "Ош шаарынын билим берүү башкармалыгы",
        "Отчеттук мезгил: I чейрек 2026",
        "Салыштыруу үчүн: IV чейрек 2025",
        "Көрсөткүч",
        "Мурунку мезгил",
        "Маалымат жок.",
    ] {
        assert!(flat.contains(s), "{s:?} missing: {text}");
    }
    for section in &doc.sections {
        assert!(flat.contains(&section.title), "{} missing", section.title);
        for c in &section.counts {
            // Somewhere the label stands on a line with its count: the table row.
            let rows = lines_with(&text, &c.label);
            assert!(
                rows.iter().any(|l| {
                    let t: Vec<&str> = l.split_whitespace().collect();
                    t.contains(&c.value.to_string().as_str())
                }),
                "{} with {} missing: {rows:?}",
                c.label,
                c.value
            );
        }
    }
    // Changes against the previous period: 18 vs 12, 7 vs 9, none without a previous value.
    let row = lines_with(&text, "Санарип куту")[0];
    assert!(squash(row).ends_with("18 12 +6"), "{row}");
    let row = lines_with(&text, "Кагаз кат")[0];
    assert!(squash(row).ends_with("7 9 \u{2212}2"), "{row}");
    let row = lines_with(&text, "Жооп берилди")[0];
    assert!(squash(row).ends_with("30 — —"), "{row}");
    // Without suppression a 3 is a 3, and no "<5" anywhere.
    let row = lines_with(&text, SMALL)[0];
    assert!(squash(row).contains(" 3 8 "), "{row}");
    assert!(!text.contains("<5"));
}

#[test]
fn a_roll_up_hides_small_counts_everywhere() {
    let doc = report(Some(5));
    let pdf = report_pdf(&doc).unwrap();
    keep("report-ky-rollup", &pdf);
    let text = pdftotext(&pdf, "-layout");
    let rows = lines_with(&text, SMALL);
    assert!(!rows.is_empty(), "{SMALL} missing");
    for row in &rows {
        let tokens: Vec<&str> = row.split_whitespace().collect();
        assert!(tokens.contains(&"<5"), "no <5 for {SMALL}: {row}");
        assert!(
            !tokens.contains(&"3"),
            "{SMALL} shows its count of 3: {row}"
        );
        // Neither may the change give it away (8 − 5 = 3 … or −5).
        assert!(
            !tokens
                .iter()
                .any(|t| t.starts_with('\u{2212}') || t.starts_with('+')),
            "{row}"
        );
    }
    // Zero stays zero; 5 and over are shown.
    let row = squash(lines_with(&text, "Ден соолук")[0]);
    assert!(row.ends_with("0 0 0"), "{row}");
    let row = squash(lines_with(&text, "БИИнин инспектору")[0]);
    assert!(row.ends_with("5 6 \u{2212}1"), "{row}");
    let row = squash(lines_with(&text, "Жеке кабыл алуу")[0]);
    assert!(row.ends_with("0 <5 —"), "a previous 2 is hidden too: {row}");
    assert!(
        squash(&text).contains("Чакан сандар (1–4) «<5» деп көрсөтүлгөн"),
        "the note on hidden counts is missing"
    );

    // The chart of the categories: no bar for the hidden count, and its label says "<5".
    let categories = &doc.sections[1];
    let svg = section_chart_svg(&doc, categories);
    assert_eq!(
        svg.matches(BAR_FILL).count(),
        4 + 1,
        "4 bars and the legend"
    );
    assert!(svg.contains("&lt;5"), "the chart labels the hidden count");
    assert!(
        !svg.contains(">\n3\n<") && !svg.contains(">3<"),
        "a 3 in the chart"
    );

    // The workbook: the count is the text "<5", and no number cell holds 3 (or 1, 2, 4).
    let xlsx = report_xlsx(&doc).unwrap();
    let strings = zip_entry(&xlsx, "xl/sharedStrings.xml");
    assert!(strings.contains("&lt;5"), "no <5 in the workbook");
    assert!(strings.contains(SMALL));
    let sheet = zip_entry(&xlsx, "xl/worksheets/sheet1.xml");
    let mut numbers = 0;
    for cell in sheet.split("<c ").skip(1) {
        let cell = &cell[..cell.find("</c>").unwrap_or(cell.len())];
        // Columns B and C hold the counts (D the change, a difference of two shown counts).
        let count_column = cell.starts_with(r#"r="B"#) || cell.starts_with(r#"r="C"#);
        if cell.contains(r#"t="s""#) || !count_column {
            continue;
        }
        if let Some(v) = cell.split("<v>").nth(1) {
            let v = v.split("</v>").next().unwrap();
            numbers += 1;
            let n: f64 = v.parse().unwrap();
            assert!(
                !(1.0..5.0).contains(&n),
                "a number cell holds the hidden {n}: {cell}"
            );
        }
    }
    assert!(numbers > 30, "counts should be numbers, found {numbers}");
}

#[test]
fn report_xlsx_has_every_section_and_count() {
    let doc = report(None);
    let xlsx = report_xlsx(&doc).unwrap();
    let strings = zip_entry(&xlsx, "xl/sharedStrings.xml");
    for s in [
        "Ош шаарынын билим берүү башкармалыгы",
        "Отчеттук мезгил: I чейрек 2026",
        "Көрсөткүч",
        "Өзгөрүү",
    ] {
        assert!(strings.contains(s), "{s} missing");
    }
    for section in &doc.sections {
        assert!(strings.contains(&section.title), "{}", section.title);
        for c in &section.counts {
            assert!(strings.contains(&c.label), "{}", c.label);
        }
    }
    let sheet = zip_entry(&xlsx, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("<v>27</v>") && sheet.contains("<v>34</v>"));
    assert!(!sheet.contains("&lt;5") && !strings.contains("&lt;5"));
    assert!(!sheet.contains("<f>"), "no formulas");
    let workbook = zip_entry(&xlsx, "xl/workbook.xml");
    assert!(workbook.contains(r#"name="Отчет""#), "sheet name");
}

#[test]
fn report_in_kazakh_and_russian() {
    for (lang, head, note) in [
        (
            Lang::Kk,
            "Көрсеткіш",
            "Шағын сандар (1–4) «<5» деп көрсетілген",
        ),
        (
            Lang::Ru,
            "Показатель",
            "Малые числа (1–4) показаны как «<5»",
        ),
    ] {
        let mut doc = report(Some(5));
        doc.lang = lang;
        let pdf = report_pdf(&doc).unwrap();
        keep(&format!("report-{}", lang.code()), &pdf);
        let text = squash(&pdftotext(&pdf, "-layout"));
        assert!(text.contains(head), "{head} missing");
        assert!(text.contains(note), "{note} missing: {text}");
    }
}

#[test]
fn bar_chart_has_one_bar_per_shown_count() {
    let counts = [
        count("Буллинг", 9, None),
        count("Окуу", 14, None),
        count("Ден соолук", 0, None),
        count(SMALL, 3, None),
        count("Сунуштар", 2, None),
    ];
    let svg = bar_chart_svg("Категориялар боюнча", &counts, None, None);
    assert!(svg.starts_with("<svg"), "{svg}");
    assert!(svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("Категориялар боюнча"));
    assert_eq!(svg.matches(BAR_FILL).count(), 5, "{svg}");
    let hidden = bar_chart_svg("Категориялар боюнча", &counts, Some(5), None);
    assert_eq!(hidden.matches(BAR_FILL).count(), 3, "{hidden}");
    assert_eq!(hidden.matches("&lt;5").count(), 2);
    // The legend names the two periods and adds one swatch of the bar colour.
    let with_previous: Vec<Count> = counts
        .iter()
        .map(|c| count(&c.label, c.value, Some(c.value + 6)))
        .collect();
    let legend = bar_chart_svg(
        "x",
        &with_previous,
        Some(5),
        Some(["I чейрек", "IV чейрек"]),
    );
    assert!(legend.contains("I чейрек") && legend.contains("IV чейрек"));
    assert_eq!(legend.matches(BAR_FILL).count(), 3 + 1);
}

#[test]
fn user_text_is_printed_literally_and_never_runs() {
    // Typst syntax in every field the documents print.
    let (mut b, _) = board(Lang::Ru);
    b.school_name = INJECTION.into();
    b.items[0].letter_ref = INJECTION.into();
    b.items[1].text = format!("{INJECTION} #panic(\"x\")");
    let text = squash(&pdftotext(&board_pdf(&b).unwrap(), "-raw"));
    assert!(text.contains(INJECTION), "{text}");
    assert!(text.contains("#panic(\"x\")"), "{text}");

    let mut p = poster(Lang::Ru, Some(Lang::Ky));
    p.school_name = INJECTION.into();
    p.phones = "#{1 + 1} <b>".into();
    p.helplines.push(("$x$".into(), INJECTION.into()));
    let pdf = poster_pdf(&p).unwrap();
    assert_eq!(decode_qr(&pdf), p.url);
    let text = squash(&pdftotext(&pdf, "-raw"));
    assert!(text.contains(INJECTION) && text.contains("#{1 + 1} <b>") && text.contains("$x$"));

    // Markup in a chart label is escaped in the SVG and printed literally in the PDF.
    let mut r = report(Some(5));
    r.title = INJECTION.into();
    r.sections[0].title = "</text><script>alert(1)</script>".into();
    r.sections[1].counts[0].label = format!("{INJECTION} & <b>\"'");
    let svg = section_chart_svg(&r, &r.sections[0]);
    assert!(!svg.contains("<script"), "{svg}");
    assert!(svg.contains("&lt;script&gt;"), "{svg}");
    let svg = section_chart_svg(&r, &r.sections[1]);
    assert!(svg.contains("&amp; &lt;b&gt;&quot;&apos;"), "{svg}");
    let text = squash(&pdftotext(&report_pdf(&r).unwrap(), "-raw"));
    assert!(text.contains(INJECTION), "{text}");
    assert!(text.contains("</text><script>alert(1)</script>"), "{text}");
    let xlsx = report_xlsx(&r).unwrap();
    assert!(!zip_entry(&xlsx, "xl/worksheets/sheet1.xml").contains("<f>"));
}
