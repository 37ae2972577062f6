//! `serve --demo`: a Kyrgyz school `demo` and a Kazakh school `demo-kz` with staff accounts, so
//! a newcomer can try everything at once. Passwords are new at every start and printed.

use trustbox_crypto::{hash_password, random_token};
use trustbox_store::{NewUnit, NewUser, StoreError};
use trustbox_web::AppState;

struct DemoUnit {
    slug: &'static str,
    parent: Option<&'static str>,
    kind: &'static str,
    country: &'static str,
    names: [&'static str; 4],
    lang: &'static str,
    tz: &'static str,
}

const UNITS: &[DemoUnit] = &[
    DemoUnit {
        slug: "kg",
        parent: None,
        kind: "country",
        country: "KG",
        names: [
            "Кыргыз Республикасы",
            "Қырғыз Республикасы",
            "Кыргызская Республика",
            "Kyrgyz Republic",
        ],
        lang: "ky",
        tz: "Asia/Bishkek",
    },
    DemoUnit {
        slug: "demo",
        parent: Some("kg"),
        kind: "school",
        country: "KG",
        names: [
            "№ 9 орто мектеби (демо)",
            "№ 9 орта мектеп (демо)",
            "Средняя школа № 9 (демо)",
            "Secondary school No 9 (demo)",
        ],
        lang: "ky",
        tz: "Asia/Bishkek",
    },
    DemoUnit {
        slug: "kz",
        parent: None,
        kind: "country",
        country: "KZ",
        names: [
            "Казакстан Республикасы",
            "Қазақстан Республикасы",
            "Республика Казахстан",
            "Republic of Kazakhstan",
        ],
        lang: "kk",
        tz: "Asia/Almaty",
    },
    DemoUnit {
        slug: "demo-kz",
        parent: Some("kz"),
        kind: "school",
        country: "KZ",
        names: [
            "Интернат-колледж (демо)",
            "Интернат-колледж (демо)",
            "Колледж-интернат (демо)",
            "Boarding college (demo)",
        ],
        lang: "kk",
        tz: "Asia/Almaty",
    },
];

/// (login, display name, role, unit slug, language)
const STAFF: &[(&str, &str, &str, &str, &str)] = &[
    (
        "demo-sp",
        "Айгүл Социалдык педагог",
        "responsible",
        "demo",
        "ky",
    ),
    ("demo-director", "Бакыт Директор", "director", "demo", "ky"),
    (
        "demo-commission",
        "Нурлан Комиссия мүчөсү",
        "commission",
        "demo",
        "ky",
    ),
    ("demo-operator", "Асель Оператор", "operator", "demo", "ky"),
    (
        "demo-kz-sp",
        "Әлия Әлеуметтік педагог",
        "responsible",
        "demo-kz",
        "kk",
    ),
    (
        "demo-kz-director",
        "Ерлан Директор",
        "director",
        "demo-kz",
        "kk",
    ),
    ("demo-analyst", "District analyst", "analyst", "kg", "ru"),
];

/// Loads (or refreshes) the demo installation and returns the lines to print.
pub async fn load(state: &AppState) -> Result<Vec<String>, String> {
    let store = &state.store;
    let now = state.clock.now_ts();
    let err = |e: StoreError| e.to_string();
    for u in UNITS {
        if store.unit_by_slug(u.slug).await.is_ok() {
            continue;
        }
        let parent_id = match u.parent {
            Some(p) => Some(store.unit_by_slug(p).await.map_err(err)?.id),
            None => None,
        };
        let new = NewUnit {
            parent_id,
            kind: u.kind.into(),
            slug: u.slug.into(),
            country: u.country.into(),
            name_ky: u.names[0].into(),
            name_kk: u.names[1].into(),
            name_ru: u.names[2].into(),
            name_en: u.names[3].into(),
            default_lang: u.lang.into(),
            time_zone: u.tz.into(),
        };
        store.create_unit(&new, now).await.map_err(err)?;
    }
    let mut lines = Vec::new();
    for (login, name, role, unit, lang) in STAFF {
        let password: String = random_token()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .take(16)
            .collect();
        let pw = password.clone();
        let hash = tokio::task::spawn_blocking(move || hash_password(&pw))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
        let user = match store.user_by_name(login).await {
            Ok(u) => {
                store.set_password(u.id, &hash).await.map_err(err)?;
                u
            }
            Err(StoreError::NotFound) => store
                .create_user(
                    &NewUser {
                        username: (*login).into(),
                        display_name: (*name).into(),
                        password_hash: Some(hash),
                        is_admin: false,
                        lang: (*lang).into(),
                    },
                    now,
                )
                .await
                .map_err(err)?,
            Err(e) => return Err(e.to_string()),
        };
        let unit_id = store.unit_by_slug(unit).await.map_err(err)?.id;
        store.add_grant(user.id, unit_id, role).await.map_err(err)?;
        lines.push(format!(
            "Demo account: school={unit} role={role} login={login} password={password}"
        ));
    }
    letters(state).await?;
    Ok(lines)
}

/// (school, language, author, anonymous, name, category, text)
type Letter = (
    &'static str,
    &'static str,
    &'static str,
    bool,
    &'static str,
    &'static str,
    &'static str,
);
const LETTERS: &[Letter] = &[
    (
        "demo",
        "ky",
        "pupil",
        true,
        "",
        "bullying",
        "Саламатсызбы. 7-Б класстагы балдар мени тыныгуу учурунда шылдыңдашат жана сумкамды ыргытып салышат. Мугалимге айтканга уялам.",
    ),
    (
        "demo",
        "ky",
        "parent",
        false,
        "Гүлнара Асанова",
        "corruption",
        "Класс жетекчиси ата-энелерден ремонт үчүн деп акча чогултуп жатат, бирок эч кандай отчет жок.",
    ),
    (
        "demo",
        "ru",
        "pupil",
        true,
        "",
        "suggestion",
        "Предлагаю сделать в библиотеке уголок для настольных игр на переменах.",
    ),
    (
        "demo-kz",
        "kk",
        "pupil",
        true,
        "",
        "psychological",
        "Сәлеметсіз бе. Емтихандарға байланысты өте қатты уайымдаймын, ұйықтай алмаймын. Психологпен сөйлескім келеді.",
    ),
    (
        "demo-kz",
        "kk",
        "teacher",
        false,
        "Айгерім Серікқызы",
        "question",
        "Сенім жәшігі қай күндері ашылады? Хаттарға жауап қай жерде ілінеді?",
    ),
];

/// A few letters, once, so that the inbox and the journal are not empty: a school that has
/// letters already gets none.
async fn letters(state: &AppState) -> Result<(), String> {
    let mut skip = Vec::new();
    for slug in ["demo", "demo-kz"] {
        let school = state
            .store
            .unit_by_slug(slug)
            .await
            .map_err(|e| e.to_string())?;
        if !state
            .store
            .inbox(school.id, &Default::default(), 1, 0)
            .await
            .map_err(|e| e.to_string())?
            .is_empty()
        {
            skip.push(slug);
        }
    }
    for (slug, lang, author, anonymous, name, category, text) in LETTERS {
        if skip.contains(slug) {
            continue;
        }
        let school = state
            .store
            .unit_by_slug(slug)
            .await
            .map_err(|e| e.to_string())?;
        let today = trustbox_web::intake::local_date(&school, state.clock.now());
        let form = trustbox_domain::AppealForm {
            author: (*author).into(),
            anonymous: *anonymous,
            name: (*name).into(),
            category: (*category).into(),
            text: (*text).into(),
            ..Default::default()
        };
        let valid = trustbox_domain::validate_appeal(&form, today)
            .map_err(|e| format!("demo letter: {e:?}"))?;
        let lang = trustbox_domain::Lang::parse(lang).unwrap_or(trustbox_domain::Lang::Ru);
        trustbox_web::intake::submit(
            state,
            &school,
            trustbox_web::intake::Submission {
                valid,
                channel: trustbox_domain::Channel::Web,
                lang,
                files: vec![],
                entered_by: None,
                received_at: None,
            },
        )
        .await
        .map_err(|e| e.to_string())?;
    }
    Ok(())
}
