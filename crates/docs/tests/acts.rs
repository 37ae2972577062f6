//! Black-box tests of the act of opening the trust box and the commission's protocol, read back
//! from the PDF with poppler's `pdftotext` (and `pdftoppm` for the injection case). Both tools
//! must be installed: the tests fail, never skip, without them.
//!
//! The Kazakh cases replay the 2021–2022 school year of seed 004 (the boarding college's register
//! book): the acts of 27.10.2021, 05.12.2021, 10.02.2022 and 11.03.2022 ("we, the undersigned,
//! found no letters"), the opening of 24.01.2022 that protocol No 2 reports letters from, and the
//! protocols No 1 (11.11.2021) and No 2 (25.01.2022) with the seed's own names, positions, agenda,
//! "heard" and resolutions. The seed gives no act numbers, times, seal numbers, box location or the
//! letter's text; those are made up here and marked so.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use trustbox_docs::{
    ActLetter, Heard, Lang, OpeningActDoc, ProtocolDoc, Signatory, anonymous, opening_act_pdf,
    protocol_pdf,
};

const INJECTION: &str = r"#set page(fill: red) ] } $ \";

const COLLEGE: &str = "«Бөгенбай батыр атындағы облыстық олимпиадалық резервтің мамандырылған \
                       мектеп интернат колледжі» коммуналдық мемлекеттік мекемесі";
const KEMIN: &str = "А.И.Сураньаев атындагы Кемин № 2 орто мектеби";

fn sig(position: &str, name: &str) -> Signatory {
    Signatory {
        position: position.into(),
        name: name.into(),
    }
}

fn temp_path(ext: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::SeqCst);
    std::env::temp_dir().join(format!("trustbox-acts-{}-{n}.{ext}", std::process::id()))
}

/// The PDF's text through `pdftotext` with `mode` ("-layout" or "-raw"). With
/// `TRUSTBOX_DOCS_DUMP=<dir>` set, every PDF read is also kept there to look at.
fn pdftotext(pdf: &[u8], mode: &str) -> String {
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    if let Ok(dir) = std::env::var("TRUSTBOX_DOCS_DUMP") {
        let name = std::thread::current()
            .name()
            .unwrap_or("pdf")
            .replace("::", "-");
        let n = temp_path("x");
        let n = n.file_stem().unwrap().to_string_lossy();
        std::fs::write(PathBuf::from(dir).join(format!("{name}-{n}.pdf")), pdf).unwrap();
    }
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

/// The `-layout` text with all runs of white space made single spaces.
fn layout_text(pdf: &[u8]) -> String {
    squash(&pdftotext(pdf, "-layout"))
}

fn assert_has(text: &str, what: &str, needle: &str) {
    assert!(
        text.contains(&squash(needle)),
        "{what}: {needle:?} missing from\n{text}"
    );
}

fn page_count(text_with_form_feeds: &str) -> usize {
    text_with_form_feeds
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .count()
}

// ---------------------------------------------------------------------------------------------
// Seed 004: the acts of the 2021–2022 school year.

const NO_LETTERS_KK: &str = "«Сенім жәшігін» ашу кезінде еш бір хаттың болмауын анықтадық.";

/// An act of the college; `number`, time, place and seals are made up (the seed has none).
fn college_act(
    number: u32,
    date: &str,
    members: Vec<Signatory>,
    letters: Vec<ActLetter>,
) -> OpeningActDoc {
    OpeningActDoc {
        lang: Lang::Kk,
        school_name: COLLEGE.into(),
        act_number: number.to_string(),
        date: date.into(),
        time: "12:00".into(),
        place: "бірінші қабаттағы фойе".into(),
        seal_before: format!("КК-{:03}", number + 40),
        seal_intact: true,
        damage_note: String::new(),
        letters,
        seal_after: format!("КК-{:03}", number + 41),
        members,
    }
}

fn members_2021() -> Vec<Signatory> {
    vec![
        sig("ДТІЖО", "А.Курманбаева"),
        sig("Педагог психолог", "О.Саденова"),
        sig("Әлеуметтік педагог", "Д.Мухтарова"),
    ]
}

fn members_2022() -> Vec<Signatory> {
    vec![
        sig("ДТІЖО", "А.Курманбаева"),
        sig("Педагог психолог", "Р.Нурмышова"),
        sig("Әлеуметтік педагог", "Д.Мухтарова"),
    ]
}

/// Date, school, title, the no-letters sentence or not, every member with position and
/// signature caption, the seals.
fn check_college_act(doc: &OpeningActDoc) -> String {
    let pdf = opening_act_pdf(doc).unwrap();
    let raw = pdftotext(&pdf, "-layout");
    assert_eq!(page_count(&raw), 1, "an act fits on one page");
    let text = squash(&raw);
    let what = format!("act of {}", doc.date);
    assert_has(&text, &what, COLLEGE);
    assert_has(&text, &what, "«Сенім жәшігін» ашу кезінде түзілген");
    assert_has(&text, &what, &format!("АКТ № {}", doc.act_number));
    assert_has(&text, &what, &format!("Күні: {} ж.", doc.date));
    assert_has(&text, &what, "Уақыты: 12:00");
    assert_has(&text, &what, "Жәшіктің орны: бірінші қабаттағы фойе");
    assert_has(&text, &what, "Біз, төменде қол қоюшылар");
    assert_has(
        &text,
        &what,
        &format!(
            "Ашқанға дейін жәшіктің № {} пломбасы бүтін",
            doc.seal_before
        ),
    );
    assert_has(
        &text,
        &what,
        &format!(
            "барлық қатысушылардың көзінше № {} пломбамен пломбаланды",
            doc.seal_after
        ),
    );
    assert_has(&text, &what, "Қол қоюшылар:");
    for m in &doc.members {
        assert_has(&text, &what, &m.name);
        // Each member's name appears in the list and again at the signature line.
        assert!(
            text.matches(m.name.as_str()).count() >= 2,
            "{what}: {} has no signature line",
            m.name
        );
        assert_has(&text, &what, &m.position);
    }
    assert_eq!(
        text.matches("(қолы)").count(),
        doc.members.len(),
        "{what}: one signature line per member"
    );
    assert_has(&text, &what, "1 беттің 1-беті");
    if doc.letters.is_empty() {
        assert_has(&text, &what, NO_LETTERS_KK);
        assert!(
            !text.contains("Хат кімнен түсті"),
            "{what}: no table when no letters"
        );
    } else {
        assert!(
            !text.contains(NO_LETTERS_KK),
            "{what}: letters found yet 'no letters'"
        );
    }
    text
}

#[test]
fn seed_004_acts_with_no_letters() {
    let acts = [
        college_act(1, "27.10.2021", members_2021(), vec![]),
        college_act(2, "05.12.2021", members_2021(), vec![]),
        college_act(4, "10.02.2022", members_2022(), vec![]),
        college_act(5, "11.03.2022", members_2022(), vec![]),
    ];
    for act in &acts {
        check_college_act(act);
    }
}

#[test]
fn seed_004_opening_of_24_january_2022_with_one_letter() {
    // Protocol No 2 says the box opened on 24 January held a letter about a pupil's behaviour;
    // the act itself is not in the seed, so its letter row is made up from the protocol.
    let letter = ActLetter {
        from: anonymous(Lang::Kk),
        return_address: String::new(),
        written_on: "20.01.2022".into(),
        summary: "Оқушының жатақханадағы тәртібі туралы".into(),
        number: "2022/1".into(),
        note: "25.01.2022 комиссия отырысында қаралды".into(),
    };
    let act = college_act(
        3,
        "24.01.2022",
        vec![
            sig("ДТІЖО", "А.Курманбаева"),
            sig("Әлеуметтік педагог", "Д.Мухтарова"),
        ],
        vec![letter],
    );
    let text = check_college_act(&act);
    let what = "act of 24.01.2022";
    assert_has(
        &text,
        what,
        "«Сенім жәшігінен» алынған хаттар саны: 1. Алынған хаттардың тізімі:",
    );
    // The letter's row: in -layout the cells of one row share a line.
    let raw = pdftotext(&opening_act_pdf(&act).unwrap(), "-layout");
    let row = raw
        .lines()
        .find(|l| l.contains("2022/1"))
        .unwrap_or_else(|| panic!("no row with the journal number in\n{raw}"));
    for cell in ["1", "анонимді", "20.01.2022"] {
        assert!(
            row.contains(cell),
            "{cell:?} not on the letter's row {row:?}"
        );
    }
    // Wrapped cells interleave in -layout; -raw keeps each cell's words together.
    let all = squash(&pdftotext(&opening_act_pdf(&act).unwrap(), "-raw"));
    for col in [
        "Хат кімнен түсті",
        "Кері мекенжайы",
        "Жазылған күні",
        "Қысқаша мазмұны",
        "Журналдағы тіркеу нөмірі",
        "Ескертпе",
    ] {
        assert_has(&all, what, col);
    }
    assert_has(&all, what, "Оқушының жатақханадағы тәртібі туралы");
    assert_has(&all, what, "25.01.2022 комиссия отырысында қаралды");
}

// ---------------------------------------------------------------------------------------------
// Seed 004: the protocols.

fn protocol_1() -> ProtocolDoc {
    ProtocolDoc {
        lang: Lang::Kk,
        school_name: COLLEGE.into(),
        number: "1".into(),
        date: "11.11.2021".into(),
        place: String::new(),
        chair: sig(
            "Директордың тәрбие істері жөніндегі орынбасары",
            "А.Курманбаева",
        ),
        secretary: sig("Педагог – психолог", "О.Саденова"),
        present: vec![
            sig(
                "Директордың тәрбие істері жөніндегі орынбасары",
                "А.Курманбаева",
            ),
            sig("Педагог – психолог", "О.Саденова"),
            sig("Әлеуметтік –педагог", "Д.Мухтарова"),
            // The seed lists the school inspector without a name.
            sig("Мектеп инспекторы", ""),
        ],
        invited: vec![],
        agenda: vec!["Сенім жәшігіне түскен хаттарды талқылау.".into()],
        heard: vec![Heard {
            speaker: "Педагог – психолог О.Саденова".into(),
            text: "Күн тәртібінде мәселе бойынша қараша айының 11 – ші жұлдызы күні сенім \
                   жәшігін ашқанын, жәшікке еш қандай хат түспегенін айтты."
                .into(),
        }],
        resolutions: vec![
            "Сенім жәшігі айына екі рет ашылып, хаттар бойынша жұмыстар атқарылсын.".into(),
        ],
        linked_appeals: vec![],
    }
}

fn protocol_2() -> ProtocolDoc {
    ProtocolDoc {
        lang: Lang::Kk,
        school_name: COLLEGE.into(),
        number: "2".into(),
        date: "25.01.2022".into(),
        place: "Әлеуметтік педагогтың кабинеті".into(),
        chair: sig(
            "Директордың тәрбие ісі жөніндегі орынбасары",
            "А.Курманбаева",
        ),
        secretary: sig("Әлеуметтік педагог", "Д.Ж.Мухтарова"),
        present: vec![
            sig(
                "Директордың тәрбие ісі жөніндегі орынбасары",
                "А.Курманбаева",
            ),
            sig("Әлеуметтік –педагог", "Д.Мухтарова"),
        ],
        invited: vec![
            sig("жаттықтырушы", "А.Сағындықов"),
            sig("сынып жетекшісі", "Э.Ермаханова"),
            sig("оқушы", "Н.Оңал"),
        ],
        agenda: vec!["Сенім жәшігіне түскен хаттарды талқылау.".into()],
        heard: vec![
            Heard {
                speaker: "ТІЖ орынбасары Курманбаева А.А".into(),
                text: "қаңтар айының 24 күні сенім жәшігін ашқанын, ішінен хаттар шыққандығын \
                       айтып, жиналысты ашты."
                    .into(),
            },
            Heard {
                speaker: "Сынып жетекшісі Э.Ермаханова".into(),
                text: "оқушының сабағы жақсы екендігін, тәртібі жағынан да осы уақытқа дейін \
                       ешқандай ескерту болмағандығын айтты."
                    .into(),
            },
            Heard {
                speaker: "Әлеуметтік педагог Д. Мухтарова".into(),
                text: "осыған дейін бір рет тәртібіне байланысты профилактикалық әңгіме \
                       жүргізілгендігін айтты."
                    .into(),
            },
            Heard {
                speaker: "Жаттықтырушы Сағындықов А.".into(),
                text: "спорт жағынан биылғы жылы жетістіктері жоқ екендігін, ата-анасымен \
                       сөйлесу керектігін айтты."
                    .into(),
            },
            Heard {
                speaker: "Оқушы Оңал Н.".into(),
                text: "хаттағы жазылған жағдайдың барлығын істемегенін, бірақ арасында шындық \
                       жазылғанындығын мойындап, енді қайталанбайдындығын айтып, кешірім сұрады."
                    .into(),
            },
        ],
        resolutions: vec![
            "Оқушыға ескерту берілсін.".into(),
            "Ата-анасына айтылсын.".into(),
            "Сенім жәшігі айына екі рет ашылып, хаттар бойынша жұмыстар атқарылсын.".into(),
        ],
        linked_appeals: vec!["2022/1".into()],
    }
}

/// Date, number, every person present and invited, agenda, heard, numbered resolutions, the
/// two signature lines.
fn check_protocol(doc: &ProtocolDoc) -> String {
    let pdf = protocol_pdf(doc).unwrap();
    let text = layout_text(&pdf);
    let what = format!("protocol No {}", doc.number);
    assert_has(&text, &what, COLLEGE);
    assert_has(&text, &what, "«Сенім жәшігі» комиссия мүшелерінің отырысы");
    assert_has(&text, &what, &format!("ХАТТАМА № {}", doc.number));
    assert_has(&text, &what, &format!("{} ж.", doc.date));
    for label in ["Қатысқандар:", "Күн тәртібінде:", "Тыңдалды:", "Қаулы:"]
    {
        assert_has(&text, &what, label);
    }
    assert_has(&text, &what, "Жиналыс төрағасы:");
    assert_has(&text, &what, "Хатшы:");
    for p in doc.present.iter().chain(&doc.invited) {
        assert_has(&text, &what, &p.position);
        assert_has(&text, &what, &p.name);
    }
    for (i, item) in doc.agenda.iter().enumerate() {
        assert_has(&text, &what, &format!("{}. {item}", i + 1));
    }
    for h in &doc.heard {
        assert_has(&text, &what, &format!("{} — {}", h.speaker, h.text));
    }
    for (i, r) in doc.resolutions.iter().enumerate() {
        assert_has(&text, &what, &format!("{}. {r}", i + 1));
    }
    // Signature lines: the chair's and the secretary's name after the text, each with a caption.
    let signatures = &text[text.find("Қаулы:").unwrap()..];
    assert_has(signatures, &what, &doc.chair.name);
    assert_has(signatures, &what, &doc.secretary.name);
    assert_eq!(
        text.matches("(қолы)").count(),
        2,
        "{what}: chair and secretary sign"
    );
    text
}

#[test]
fn seed_004_protocol_no_1_of_11_november_2021() {
    let doc = protocol_1();
    let text = check_protocol(&doc);
    assert_has(&text, "protocol No 1", "Мектеп инспекторы");
    assert!(
        !text.contains("Шақырылғандар"),
        "nobody was invited to No 1: {text}"
    );
    assert!(
        !text.contains("Қаралған өтініштер"),
        "No 1 has no linked appeals"
    );
}

#[test]
fn seed_004_protocol_no_2_of_25_january_2022() {
    let doc = protocol_2();
    let text = check_protocol(&doc);
    let what = "protocol No 2";
    assert_has(&text, what, "Шақырылғандар:");
    assert_has(&text, what, "Әлеуметтік педагогтың кабинеті");
    assert_has(
        &text,
        what,
        "Қаралған өтініштер (журналдағы тіркеу нөмірлері): 2022/1",
    );
    // The heard section keeps the order of the meeting.
    let pos = |s: &str| text.find(s).unwrap();
    assert!(pos("Курманбаева А.А") < pos("Э.Ермаханова —"));
    assert!(pos("Э.Ермаханова —") < pos("Оқушы Оңал Н."));
    assert!(pos("Оқушы Оңал Н.") < pos("Қаулы:"));
}

// ---------------------------------------------------------------------------------------------
// Seed 003 appendix 2: a Kyrgyz act with two letters, one of them anonymous.

fn kyrgyz_act() -> OpeningActDoc {
    OpeningActDoc {
        lang: Lang::Ky,
        school_name: KEMIN.into(),
        act_number: "7".into(),
        // A Tuesday at 12:00, as the regulation sets (003 §4.3).
        date: "12.10.2021".into(),
        time: "12:00".into(),
        place: "биринчи кабаттагы кире бериштин жанындагы фойе".into(),
        seal_before: "0107".into(),
        seal_intact: false,
        damage_note: "пломбанын жиби үзүлгөн, кутучанын капкагы бүтүн".into(),
        letters: vec![
            ActLetter {
                from: anonymous(Lang::Ky),
                return_address: String::new(),
                written_on: "08.10.2021".into(),
                summary: "Ашканада улуу класстар кезекте кичүүлөрдү түртөт".into(),
                number: "2021/14".into(),
                note: String::new(),
            },
            ActLetter {
                from: "Асанова Гүлнара, 7-Б класстын окуучусунун апасы".into(),
                return_address: "Кемин ш., Ленин к. 5, +996 555 000 111".into(),
                written_on: "11.10.2021".into(),
                summary: "Класс жетекчиси ата-энелерден акча чогултат".into(),
                number: "2021/15".into(),
                note: "Директорго жөнөтүлдү".into(),
            },
        ],
        seal_after: "0108".into(),
        members: vec![
            sig(
                "Тарбия иштери боюнча директордун орун басары",
                "Ж.Токтогулова",
            ),
            sig("Социалдык педагог", "А.Мамбетова"),
            sig("Ата-энелер коомчулугунун өкүлү", "Б.Асанов"),
        ],
    }
}

#[test]
fn kyrgyz_act_with_two_letters_one_anonymous() {
    let doc = kyrgyz_act();
    let pdf = opening_act_pdf(&doc).unwrap();
    let raw_layout = pdftotext(&pdf, "-layout");
    let text = squash(&raw_layout);
    let what = "Kyrgyz act";
    for s in [
        KEMIN,
        "«Ишеним кутусун» ачуу жана жарандардын кайрылууларын алып коюу",
        "АКТЫСЫ № 7",
        "Датасы: 12.10.2021-ж.",
        "Убактысы: саат 12:00",
        "Кутучанын орду: биринчи кабаттагы кире бериштин жанындагы фойе",
        "Биз, төмөндө кол койгон «Ишеним кутусун» ачуу боюнча комиссиянын мүчөлөрү:",
        "«Ишеним кутусунун» иштөө тартиби жөнүндө жобого ылайык 12.10.2021-ж. саат 12:00 \
         жарандардын кайрылууларын жыйноого арналган «Ишеним кутусун» ачуу ишке ашырылды.",
        "Ачууга чейин кутучанын № 0107 пломбасы бузулган же кутучада механикалык бузулуу бар.",
        "Бузулуунун мүнөздөмөсү: пломбанын жиби үзүлгөн, кутучанын капкагы бүтүн",
        "«Ишеним кутусунан» алынган кайрылуулардын саны: 2. Кабыл алынган кайрылуулардын тизмеси:",
        "Кайтарым дареги",
        "Эскертүү",
        "бардык катышкандардын көзүнчө № 0108 пломба менен пломбаланды.",
        "Комиссиянын мүчөлөрү:",
        "1 беттин 1-бети",
    ] {
        assert_has(&text, what, s);
    }
    assert!(
        !text.contains("табылган жок"),
        "letters found yet 'no letters'"
    );
    for m in &doc.members {
        assert!(
            text.matches(m.name.as_str()).count() >= 2,
            "{} listed and signing",
            m.name
        );
    }
    assert_eq!(text.matches("(колу)").count(), 3, "three signature lines");
    // Each letter's row starts on the line with its journal number.
    for (number, cells) in [
        ("2021/14", ["1", "анонимдүү", "08.10.2021"]),
        ("2021/15", ["2", "Асанова", "11.10.2021"]),
    ] {
        let row = raw_layout
            .lines()
            .find(|l| l.contains(number))
            .unwrap_or_else(|| panic!("no row {number} in\n{raw_layout}"));
        for cell in cells {
            assert!(row.contains(cell), "{cell:?} not on row {row:?}");
        }
    }
    let raw = squash(&pdftotext(&pdf, "-raw"));
    for s in [
        "Ашканада улуу класстар кезекте кичүүлөрдү түртөт",
        "Класс жетекчиси ата-энелерден акча чогултат",
        "Директорго жөнөтүлдү",
    ] {
        assert_has(&raw, what, s);
    }
}

#[test]
fn kyrgyz_act_with_no_letters_uses_the_no_letters_sentence() {
    let mut doc = kyrgyz_act();
    doc.letters.clear();
    doc.seal_intact = true;
    doc.damage_note.clear();
    let text = layout_text(&opening_act_pdf(&doc).unwrap());
    assert_has(
        &text,
        "Kyrgyz act",
        "«Ишеним кутусунда» жарандардын кайрылуулары табылган жок.",
    );
    assert_has(
        &text,
        "Kyrgyz act",
        "Ачууга чейин кутучанын № 0107 пломбасы бузулган эмес, кутучада механикалык бузулуу жок.",
    );
    assert!(!text.contains("Бузулуунун мүнөздөмөсү"));
    assert!(
        !text.contains("Кайтарым дареги"),
        "no table without letters"
    );
}

// ---------------------------------------------------------------------------------------------
// User text never runs as Typst code.

/// The colour of the top-left pixel of page 1, through `pdftoppm` (binary PPM).
fn corner_pixel(pdf: &[u8]) -> [u8; 3] {
    let path = temp_path("pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftoppm")
        .args(["-r", "10", "-f", "1", "-l", "1"])
        .arg(&path)
        .output()
        .expect("pdftoppm is needed for this test: apt-get install -y poppler-utils");
    let _ = std::fs::remove_file(&path);
    assert!(out.status.success(), "pdftoppm failed");
    // "P6\n<w> <h>\n255\n" then RGB bytes.
    let ppm = out.stdout;
    assert!(ppm.starts_with(b"P6"), "not a PPM");
    let mut newlines = 0;
    let start = ppm
        .iter()
        .position(|b| {
            if *b == b'\n' {
                newlines += 1;
            }
            newlines == 3
        })
        .unwrap()
        + 1;
    [ppm[start], ppm[start + 1], ppm[start + 2]]
}

#[test]
fn typst_syntax_in_user_text_is_printed_literally() {
    let mut act = kyrgyz_act();
    act.letters[0].summary = INJECTION.into();
    act.letters[1].from = "*bold* _emph_ <label> @ref".into();
    act.place = "#pagebreak()".into();
    act.members[0].name = "#text(size: 40pt)[X]".into();
    let pdf = opening_act_pdf(&act).unwrap();
    let raw = squash(&pdftotext(&pdf, "-raw"));
    assert_has(&raw, "act", INJECTION);
    assert_has(&raw, "act", "*bold* _emph_ <label> @ref");
    assert_has(&raw, "act", "#pagebreak()");
    assert_has(&raw, "act", "#text(size: 40pt)[X]");
    assert_eq!(
        page_count(&pdftotext(&pdf, "-layout")),
        1,
        "no page break ran"
    );
    assert_eq!(
        corner_pixel(&pdf),
        [255, 255, 255],
        "the page turned colour"
    );

    let mut protocol = protocol_2();
    protocol.resolutions.push(INJECTION.into());
    protocol.heard[0].text = INJECTION.into();
    protocol.agenda[0] = "$ x^2 $ ] #set text(fill: red)".into();
    protocol.linked_appeals.push("#pagebreak()".into());
    let pdf = protocol_pdf(&protocol).unwrap();
    let raw = squash(&pdftotext(&pdf, "-raw"));
    assert_has(&raw, "protocol", &format!("4. {INJECTION}"));
    assert_has(&raw, "protocol", "$ x^2 $ ] #set text(fill: red)");
    assert_has(&raw, "protocol", "2022/1, #pagebreak()");
    assert_eq!(
        corner_pixel(&pdf),
        [255, 255, 255],
        "the page turned colour"
    );
}

// ---------------------------------------------------------------------------------------------
// Russian and English print too, with their own labels.

#[test]
fn acts_and_protocols_print_in_russian_and_english() {
    for (lang, act_words, protocol_words) in [
        (
            Lang::Ru,
            [
                "АКТ № 7",
                "Мы, нижеподписавшиеся",
                "Краткое содержание",
                "(подпись)",
            ],
            [
                "ПРОТОКОЛ № 2",
                "Присутствовали:",
                "Слушали:",
                "Постановили:",
            ],
        ),
        (
            Lang::En,
            [
                "ACT NO 7",
                "We, the undersigned",
                "Short content",
                "(signature)",
            ],
            ["MINUTES NO 2", "Present:", "Heard:", "Resolved:"],
        ),
    ] {
        let mut act = kyrgyz_act();
        act.lang = lang;
        let text = layout_text(&opening_act_pdf(&act).unwrap());
        for w in act_words {
            assert_has(&text, lang.code(), w);
        }
        act.letters.clear();
        let text = layout_text(&opening_act_pdf(&act).unwrap());
        let none = match lang {
            Lang::Ru => "При вскрытии «Ящика доверия» обращений не обнаружено.",
            _ => "No letters were found when the trust box was opened.",
        };
        assert_has(&text, lang.code(), none);

        let mut protocol = protocol_2();
        protocol.lang = lang;
        let text = layout_text(&protocol_pdf(&protocol).unwrap());
        for w in protocol_words {
            assert_has(&text, lang.code(), w);
        }
    }
}

/// A long meeting runs onto a second page: the footer numbers both and the signatures stay
/// together.
#[test]
fn a_long_protocol_breaks_across_pages() {
    let mut doc = protocol_2();
    doc.heard = (1..=30)
        .map(|i| Heard {
            speaker: format!("Сөйлеуші {i}"),
            text: "оқушының сабағы жақсы екендігін, тәртібі жағынан да осы уақытқа дейін \
                   ешқандай ескерту болмағандығын айтты."
                .into(),
        })
        .collect();
    let raw = pdftotext(&protocol_pdf(&doc).unwrap(), "-layout");
    let pages: Vec<&str> = raw
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert!(pages.len() >= 2, "30 speeches should need two pages");
    let total = pages.len();
    for (i, p) in pages.iter().enumerate() {
        assert!(
            p.contains(&format!("{total} беттің {}-беті", i + 1)),
            "page {} footer",
            i + 1
        );
    }
    // The running header names the document from the second page on.
    assert!(squash(pages[1]).contains("хаттамасы № 2"));
    let last = squash(pages[total - 1]);
    assert!(last.contains("Жиналыс төрағасы:") && last.contains("Хатшы:"));
    assert_eq!(last.matches("(қолы)").count(), 2);
}
