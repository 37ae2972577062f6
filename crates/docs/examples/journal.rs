//! Writes a sample registration journal in each language as PDF, XLSX and CSV into the folder
//! given as the first argument (default: the current one), to look at the layout:
//!
//! ```sh
//! cargo run -p trustbox-docs --example journal -- /tmp/journal
//! pdftoppm -png -r 60 /tmp/journal/journal-ky.pdf /tmp/journal/ky
//! ```

use std::path::PathBuf;

use trustbox_docs::{
    JournalDoc, JournalRow, Lang, anonymous, journal_csv, journal_pdf, journal_xlsx,
};

fn sample(lang: Lang) -> JournalDoc {
    let (school, who, texts, category, body, measures) = match lang {
        Lang::Ky => (
            "А. Орозбеков атындагы № 9 орто мектеби",
            "Асанова Айгүл, 14 жаш",
            [
                "Класста өзүмдү жалгыз сезем, эч ким мени менен сүйлөшпөйт",
                "Ашкананын тамагы муздак, өңдөңүздөр",
                "Бир бала телефонумду тартып алды",
            ],
            "Буллинг",
            "Соцпедагог, 23.03.2026 чейин",
            "Жеке баарлашуу өткөрүлдү; ата-энелер менен жолугушуу болду",
        ),
        Lang::Kk => (
            "Бөгенбай батыр атындағы № 12 жалпы білім беретін мектеп",
            "Сәрсенбаева Әйгерім, 15 жас",
            [
                "Сыныпта бір бала мені ұрып жүр, көмектесіңіз",
                "Асхананың тамағы суық, түзетіңіздер",
                "Ұялы телефонымды тартып алды",
            ],
            "Қорқыту",
            "Кәмелетке толмағандар ісі жөніндегі инспектор, 23.03.2026 дейін",
            "Әлеуметтік педагог әңгімелесті; ата-аналармен кездесу өтті",
        ),
        Lang::Ru => (
            "Средняя школа № 9 имени А. Орозбекова",
            "Иванова Мария, 13 лет",
            [
                "Одноклассники смеются надо мной, прошу помочь",
                "В столовой холодная еда",
                "У меня отобрали телефон",
            ],
            "Травля",
            "Социальный педагог, до 23.03.2026",
            "Проведена личная беседа; встреча с родителями",
        ),
        Lang::En => (
            "Secondary school No 9 named after A. Orozbekov",
            "Mary Smith, 13",
            [
                "Classmates laugh at me, please help",
                "The food in the canteen is cold",
                "Someone took my phone",
            ],
            "Bullying",
            "Social pedagogue, by 23.03.2026",
            "Personal conversation held; meeting with the parents",
        ),
    };
    let rows = (1..=60)
        .map(|i| {
            let anon = i % 3 == 0;
            JournalRow {
                number: format!("2026/{i}"),
                received: format!("{:02}.03.2026 14:05", i % 28 + 1),
                author: if anon { anonymous(lang) } else { who.into() },
                contact: match (anon, i) {
                    (true, _) => String::new(),
                    (_, 2) => "aigul.asanova.student@school9-orozbekov.edu.kg".into(),
                    _ => "Бишкек, Манас к. 12, кв. 4; +996 555 123 456".into(),
                },
                summary: match i {
                    7 => r"#set page(fill: red) ] } $ \".into(),
                    4 => "https://example.org/a/very/long/path/to/a/page?with=query ДДДДДДДДДДДДДДДДДДДДДДДДДДДДДДДДДД".into(),
                    _ => texts[i % 3].into(),
                },
                category: category.into(),
                forwarded: body.into(),
                answered_on: "20.03.2026".into(),
                measures: measures.into(),
                note: if i == 5 { "→ 2026/3".into() } else { String::new() },
            }
        })
        .collect();
    JournalDoc {
        lang,
        school_name: school.into(),
        period: "01.01.2026 – 31.12.2026".into(),
        rows,
        final_hash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
        generated_at: "31.12.2026 18:00".into(),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".into()));
    std::fs::create_dir_all(&dir)?;
    for lang in Lang::ALL {
        let doc = sample(lang);
        let code = lang.code();
        std::fs::write(dir.join(format!("journal-{code}.pdf")), journal_pdf(&doc)?)?;
        std::fs::write(
            dir.join(format!("journal-{code}.xlsx")),
            journal_xlsx(&doc)?,
        )?;
        std::fs::write(dir.join(format!("journal-{code}.csv")), journal_csv(&doc))?;
    }
    Ok(())
}
