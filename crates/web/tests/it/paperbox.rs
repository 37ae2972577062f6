//! The paper box and the commission through HTTP: the 2021–2022 school year of seed 004
//! replayed (the commission appointed, the five openings with their acts, protocols No 1 and
//! No 2) and the PDFs read back with `pdftotext`; every refused input with its localized message
//! and the form shown again as typed; the reminders; who may see what.

use axum::http::StatusCode;
use time::OffsetDateTime;
use time::macros::datetime;
use trustbox_store::{NewUnit, Unit, User};

use crate::both;
use crate::support::{Client, Res, TestApp, pdf_text};

const COLLEGE: &str = "«Бөгенбай батыр атындағы облыстық олимпиадалық резервтің мамандырылған \
                       мектеп интернат колледжі» коммуналдық мемлекеттік мекемесі";
const NO_LETTERS_KK: &str = "«Сенім жәшігін» ашу кезінде еш бір хаттың болмауын анықтадық.";
const PLACE: &str = "бірінші қабаттағы фойе";

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn assert_has(text: &str, what: &str, needle: &str) {
    assert!(
        text.contains(&squash(needle)),
        "{what}: {needle:?} missing from\n{text}"
    );
}

async fn college(app: &TestApp) -> Unit {
    let kz = app.unit("kz", "country", None, "KZ").await;
    app.store
        .create_unit(
            &NewUnit {
                parent_id: Some(kz.id),
                kind: "school".into(),
                slug: "college".into(),
                country: "KZ".into(),
                name_ky: COLLEGE.into(),
                name_kk: COLLEGE.into(),
                name_ru: COLLEGE.into(),
                name_en: COLLEGE.into(),
                default_lang: "kk".into(),
                time_zone: "Asia/Almaty".into(),
            },
            0,
        )
        .await
        .unwrap()
}

/// A client logged in at `at` (sessions are idle-limited, so each step of the year logs in).
async fn at<'a>(app: &'a TestApp, when: OffsetDateTime, user: &str) -> Client<'a> {
    app.clock.set(when);
    let mut c = app.client();
    c.login(user).await;
    c
}

/// The value of the option labelled with `label` in the page (a member or a box).
fn option_value(res: &Res, label: &str) -> String {
    let i = res
        .body
        .find(label)
        .unwrap_or_else(|| panic!("{label:?} not on the page"));
    let before = &res.body[..i];
    let j = before.rfind("value=\"").unwrap() + 7;
    let k = before[j..].find('"').unwrap() + j;
    before[j..k].to_string()
}

/// Member ids in the order of `names`, read from a page listing them as options or checkboxes.
fn member_ids(res: &Res, names: &[&str]) -> Vec<String> {
    names.iter().map(|n| option_value(res, n)).collect()
}

struct Year<'a> {
    app: &'a TestApp,
    school: Unit,
}

impl Year<'_> {
    fn path(&self, p: &str) -> String {
        format!("/staff/s/{}{p}", self.school.slug)
    }

    /// Opens the box at `when` (local 12:00) with `members`, registers `letters`, seals it with
    /// `seal_after`, returns the opening's page path.
    async fn opening(
        &self,
        when: OffsetDateTime,
        members: &[&str],
        letters: &[&[(&str, &str)]],
        seal_after: &str,
    ) -> String {
        let mut c = at(self.app, when, "mukhtarova").await;
        let csrf = c.csrf().await;
        let page = c.get(&self.path("/openings")).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let bx = option_value(&page, &format!("{PLACE} ("));
        let ids = member_ids(&page, members);
        let date = when.date();
        let opened_at = format!("{date}T12:00");
        let mut form: Vec<(&str, &str)> = vec![
            ("csrf", &csrf),
            ("box", &bx),
            ("opened_at", &opened_at),
            ("seal_state", "intact"),
            ("damage_note", ""),
        ];
        for id in &ids {
            form.push(("present", id));
        }
        let res = c.post(&self.path("/openings"), &form).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let opening = res.location().to_string();
        for l in letters {
            let mut fields = vec![("csrf", csrf.as_str())];
            fields.extend_from_slice(l);
            let res = c
                .post_multipart(&format!("{opening}/letters"), &fields, &[])
                .await;
            assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        }
        let mut close = vec![("csrf", csrf.as_str()), ("seal_after", seal_after)];
        if letters.is_empty() {
            close.push(("no_letters", "1"));
        }
        let res = c.post(&format!("{opening}/close"), &close).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        opening
    }
}

fn names<'a>(m: &[(&'a str, &'a str)]) -> Vec<&'a str> {
    m.iter().map(|x| x.1).collect()
}

fn kk_act_checks(
    text: &str,
    number: u32,
    date: &str,
    members: &[(&str, &str)],
    seals: (&str, &str),
) {
    let what = format!("act of {date}");
    assert_has(text, &what, COLLEGE);
    assert_has(text, &what, "«Сенім жәшігін» ашу кезінде түзілген");
    assert_has(text, &what, &format!("АКТ № {number}"));
    assert_has(text, &what, &format!("Күні: {date} ж."));
    assert_has(text, &what, "Уақыты: 12:00");
    assert_has(text, &what, &format!("Жәшіктің орны: {PLACE}"));
    assert_has(text, &what, "Біз, төменде қол қоюшылар");
    assert_has(
        text,
        &what,
        &format!("Ашқанға дейін жәшіктің № {} пломбасы бүтін", seals.0),
    );
    assert_has(
        text,
        &what,
        &format!(
            "барлық қатысушылардың көзінше № {} пломбамен пломбаланды",
            seals.1
        ),
    );
    for (position, name) in members {
        assert!(
            text.matches(name).count() >= 2,
            "{what}: {name} is not listed and at a signature line:\n{text}"
        );
        assert_has(text, &what, position);
    }
    assert_eq!(
        text.matches("(қолы)").count(),
        members.len(),
        "{what}: one signature line per member present"
    );
}

both!(seed_004_school_year_2021_22_replayed);

async fn seed_004_school_year_2021_22_replayed(app: TestApp) {
    let school = college(&app).await;
    let director = app
        .user("director", false, Some(("director", &school)))
        .await;
    let kurmanbaeva = app
        .user("kurmanbaeva", false, Some(("commission", &school)))
        .await;
    let sadenova = app
        .user("sadenova", false, Some(("commission", &school)))
        .await;
    let nurmyshova = app
        .user("nurmyshova", false, Some(("commission", &school)))
        .await;
    let mukhtarova = app
        .user("mukhtarova", false, Some(("responsible", &school)))
        .await;
    for u in [&director, &kurmanbaeva, &sadenova, &nurmyshova, &mukhtarova] {
        app.store.set_user_lang(u.id, "kk").await.unwrap();
    }
    let y = Year {
        app: &app,
        school: school.clone(),
    };

    // 1 September 2021: the director's order. Three members, no parents' representative: the
    // form comes back with the warning in Kazakh and everything typed; saved once confirmed.
    let appoint =
        |csrf: &str, order: &str, date: &str, rows: &[(&str, &str, &str, &User)], confirm: bool| {
            let mut form: Vec<(String, String)> = vec![
                ("csrf".into(), csrf.into()),
                ("order_number".into(), order.into()),
                ("order_date".into(), date.into()),
            ];
            for (i, (name, position, kind, user)) in rows.iter().enumerate() {
                form.push((format!("m{i}_name"), (*name).into()));
                form.push((format!("m{i}_position"), (*position).into()));
                form.push((format!("m{i}_kind"), (*kind).into()));
                form.push((format!("m{i}_user"), user.id.to_string()));
            }
            if confirm {
                form.push(("confirm_warnings".into(), "1".into()));
            }
            form
        };
    let rows_2021 = [
        ("А.Курманбаева", "ДТІЖО", "deputy_director", &kurmanbaeva),
        ("О.Саденова", "Педагог психолог", "psychologist", &sadenova),
        (
            "Д.Мухтарова",
            "Әлеуметтік педагог",
            "social_pedagogue",
            &mukhtarova,
        ),
    ];
    let mut d = at(&app, datetime!(2021-09-01 06:00 UTC), "director").await;
    let csrf = d.csrf().await;
    let form = appoint(&csrf, "112-н", "2021-09-01", &rows_2021, false);
    let f: Vec<(&str, &str)> = form.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let res = d.post(&y.path("/commission"), &f).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Құрамда ата-аналар өкілі жоқ; ереже бойынша ол міндетті."),
        "{}",
        res.body
    );
    assert!(res.body.contains("value=\"112-н\""));
    assert!(res.body.contains("value=\"О.Саденова\""));
    let form = appoint(&csrf, "112-н", "2021-09-01", &rows_2021, true);
    let f: Vec<(&str, &str)> = form.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let res = d.post(&y.path("/commission"), &f).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert!(res.body.contains("2021 жылғы № 112-н бұйрық") || res.body.contains("№ 112-н"));

    // The box, by the responsible person: twice a month (seed 004's resolution).
    let mut r = at(&app, datetime!(2021-09-01 07:00 UTC), "mukhtarova").await;
    let csrf = r.csrf().await;
    let res = r
        .post(
            &y.path("/boxes"),
            &[
                ("csrf", &csrf),
                ("location", PLACE),
                ("seal", "КК-041"),
                ("schedule_kind", "twice_monthly"),
                ("day1", "10"),
                ("day2", "25"),
                ("at_time", "12:00"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);

    let m2021 = [
        ("ДТІЖО", "А.Курманбаева"),
        ("Педагог психолог", "О.Саденова"),
        ("Әлеуметтік педагог", "Д.Мухтарова"),
    ];
    let act1 = y
        .opening(
            datetime!(2021-10-27 09:00 UTC),
            &names(&m2021),
            &[],
            "КК-042",
        )
        .await;

    // 11 November 2021: the first meeting elects chair and secretary, protocol No 1.
    let mut k = at(&app, datetime!(2021-11-11 09:00 UTC), "kurmanbaeva").await;
    let csrf = k.csrf().await;
    let page = k.get(&y.path("/commission")).await;
    let ids = member_ids(&page, &["А.Курманбаева —", "О.Саденова —"]);
    let res = k
        .post(
            &y.path("/commission/election"),
            &[
                ("csrf", &csrf),
                ("elected_on", "2021-11-11"),
                ("chair", &ids[0]),
                ("chair_votes", "3/0/0"),
                ("secretary", &ids[1]),
                ("secretary_votes", "3/0/0"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("3/0/0"), "{}", res.body);
    let page = k.get(&y.path("/meetings")).await;
    let present = member_ids(
        &page,
        &[
            "ДТІЖО — А.Курманбаева",
            "Педагог психолог — О.Саденова",
            "Әлеуметтік педагог — Д.Мухтарова",
        ],
    );
    let heard_1 = "Педагог – психолог О.Саденова: Күн тәртібінде мәселе бойынша қараша айының 11 – ші \
                   жұлдызы күні сенім жәшігін ашқанын, жәшікке еш қандай хат түспегенін айтты.";
    let res = k
        .post(
            &y.path("/meetings"),
            &[
                ("csrf", &csrf),
                ("held_on", "2021-11-11"),
                ("place", ""),
                ("chair", &ids[0]),
                ("secretary", &ids[1]),
                ("present", &present[0]),
                ("present", &present[1]),
                ("present", &present[2]),
                ("present_other", "Мектеп инспекторы:"),
                ("invited", ""),
                ("agenda", "Сенім жәшігіне түскен хаттарды талқылау."),
                ("heard", heard_1),
                (
                    "resolutions",
                    "Сенім жәшігі айына екі рет ашылып, хаттар бойынша жұмыстар атқарылсын.",
                ),
                ("appeals", ""),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let p1 = res.by_id("saved").is_some();
    assert!(p1);
    let p1_link = {
        let i = res.body.find("/meetings/").unwrap();
        let rest = &res.body[i..];
        let j = rest.find('"').unwrap();
        y.path(&rest[..j])
    };

    let act2 = y
        .opening(
            datetime!(2021-12-05 09:00 UTC),
            &names(&m2021),
            &[],
            "КК-043",
        )
        .await;

    // January 2022: a new order, Р.Нурмышова replaces О.Саденова.
    let rows_2022 = [
        ("А.Курманбаева", "ДТІЖО", "deputy_director", &kurmanbaeva),
        (
            "Р.Нурмышова",
            "Педагог психолог",
            "psychologist",
            &nurmyshova,
        ),
        (
            "Д.Мухтарова",
            "Әлеуметтік педагог",
            "social_pedagogue",
            &mukhtarova,
        ),
    ];
    let mut d = at(&app, datetime!(2022-01-10 06:00 UTC), "director").await;
    let csrf = d.csrf().await;
    let form = appoint(&csrf, "3-н", "2022-01-10", &rows_2022, true);
    let f: Vec<(&str, &str)> = form.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let res = d.post(&y.path("/commission"), &f).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);

    // 24 January 2022: one anonymous letter, registered as paper appeal 2022/1.
    let letter: &[(&str, &str)] = &[
        ("author", "pupil"),
        ("anonymous", "1"),
        ("written_on", "2022-01-20"),
        ("category", "other"),
        ("text", "Оқушының жатақханадағы тәртібі туралы"),
        ("note", "25.01.2022 комиссия отырысында қаралды"),
    ];
    let m_24 = [
        ("ДТІЖО", "А.Курманбаева"),
        ("Әлеуметтік педагог", "Д.Мухтарова"),
    ];
    let act3 = y
        .opening(
            datetime!(2022-01-24 09:00 UTC),
            &names(&m_24),
            &[letter],
            "КК-044",
        )
        .await;
    let appeal = app
        .store
        .appeal_by_number(school.id, 2022, 1)
        .await
        .unwrap();
    let appeal = app.store.appeal(school.id, appeal.unwrap()).await.unwrap();
    assert_eq!(appeal.channel, "paper");
    assert!(appeal.anonymous);
    assert_eq!(appeal.written_on, "2022-01-20");

    // 25 January 2022: election in the new commission, protocol No 2 with invited persons.
    let mut k = at(&app, datetime!(2022-01-25 09:00 UTC), "kurmanbaeva").await;
    let csrf = k.csrf().await;
    let page = k.get(&y.path("/commission")).await;
    let ids = member_ids(&page, &["А.Курманбаева —", "Д.Мухтарова —"]);
    let res = k
        .post(
            &y.path("/commission/election"),
            &[
                ("csrf", &csrf),
                ("elected_on", "2022-01-25"),
                ("chair", &ids[0]),
                ("chair_votes", "3/0/0"),
                ("secretary", &ids[1]),
                ("secretary_votes", "2/0/1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let page = k.get(&y.path("/meetings")).await;
    let present = member_ids(
        &page,
        &["ДТІЖО — А.Курманбаева", "Әлеуметтік педагог — Д.Мухтарова"],
    );
    let heard_2 = "ТІЖ орынбасары Курманбаева А.А: қаңтар айының 24 күні сенім жәшігін ашқанын, ішінен хаттар шыққандығын айтып, жиналысты ашты.\n\
                   Сынып жетекшісі Э.Ермаханова: оқушының сабағы жақсы екендігін, тәртібі жағынан да осы уақытқа дейін ешқандай ескерту болмағандығын айтты.\n\
                   Әлеуметтік педагог Д. Мухтарова: осыған дейін бір рет тәртібіне байланысты профилактикалық әңгіме жүргізілгендігін айтты.\n\
                   Жаттықтырушы Сағындықов А.: спорт жағынан биылғы жылы жетістіктері жоқ екендігін, ата-анасымен сөйлесу керектігін айтты.\n\
                   Оқушы Оңал Н.: хаттағы жазылған жағдайдың барлығын істемегенін, бірақ арасында шындық жазылғанындығын мойындап, енді қайталанбайдындығын айтып, кешірім сұрады.";
    let resolutions_2 = "Оқушыға ескерту берілсін.\nАта-анасына айтылсын.\nСенім жәшігі айына екі рет ашылып, хаттар бойынша жұмыстар атқарылсын.";
    let res = k
        .post(
            &y.path("/meetings"),
            &[
                ("csrf", &csrf),
                ("held_on", "2022-01-25"),
                ("place", "Әлеуметтік педагогтың кабинеті"),
                ("chair", &ids[0]),
                ("secretary", &ids[1]),
                ("present", &present[0]),
                ("present", &present[1]),
                ("present_other", ""),
                (
                    "invited",
                    "жаттықтырушы: А.Сағындықов\nсынып жетекшісі: Э.Ермаханова\nоқушы: Н.Оңал",
                ),
                ("agenda", "Сенім жәшігіне түскен хаттарды талқылау."),
                ("heard", heard_2),
                ("resolutions", resolutions_2),
                ("appeals", "2022/1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let p2_link = {
        let i = res.body.find("/meetings/").unwrap();
        let rest = &res.body[i..];
        let j = rest.find('"').unwrap();
        y.path(&rest[..j])
    };

    let m2022 = [
        ("ДТІЖО", "А.Курманбаева"),
        ("Педагог психолог", "Р.Нурмышова"),
        ("Әлеуметтік педагог", "Д.Мухтарова"),
    ];
    let act4 = y
        .opening(
            datetime!(2022-02-10 09:00 UTC),
            &names(&m2022),
            &[],
            "КК-045",
        )
        .await;
    let act5 = y
        .opening(
            datetime!(2022-03-11 09:00 UTC),
            &names(&m2022),
            &[],
            "КК-046",
        )
        .await;

    // The members present who have accounts confirm the acts.
    let mut k = at(&app, datetime!(2022-03-11 10:00 UTC), "kurmanbaeva").await;
    let csrf = k.csrf().await;
    let res = k.post(&format!("{act5}/confirm"), &[("csrf", &csrf)]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = k.post(&format!("{act5}/confirm"), &[("csrf", &csrf)]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "confirmed twice");
    let mut s = at(&app, datetime!(2022-03-11 10:05 UTC), "sadenova").await;
    let csrf = s.csrf().await;
    let res = s.post(&format!("{act5}/confirm"), &[("csrf", &csrf)]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "not present at act 5");

    // The box-opening journal: every act with the seals before and after.
    let mut r = at(&app, datetime!(2022-03-12 09:00 UTC), "mukhtarova").await;
    let journal = r.get(&y.path("/openings")).await;
    assert_eq!(journal.status, StatusCode::OK);
    for (n, before, after) in [
        (1, "КК-041", "КК-042"),
        (2, "КК-042", "КК-043"),
        (3, "КК-043", "КК-044"),
        (4, "КК-044", "КК-045"),
        (5, "КК-045", "КК-046"),
    ] {
        let row = format!("№ {n} акт (2021–2022)");
        let i = journal
            .body
            .find(&row)
            .unwrap_or_else(|| panic!("{row} not in the journal:\n{}", journal.body));
        let tr_end = journal.body[i..].find("</tr>").unwrap() + i;
        let cells = &journal.body[i..tr_end];
        assert!(
            cells.contains(before) && cells.contains(after),
            "{row}: {cells}"
        );
    }

    // The acts as PDF.
    let seals = [
        ("КК-041", "КК-042"),
        ("КК-042", "КК-043"),
        ("КК-043", "КК-044"),
        ("КК-044", "КК-045"),
        ("КК-045", "КК-046"),
    ];
    for (i, (path, date, members)) in [
        (&act1, "27.10.2021", &m2021[..]),
        (&act2, "05.12.2021", &m2021[..]),
        (&act3, "24.01.2022", &m_24[..]),
        (&act4, "10.02.2022", &m2022[..]),
        (&act5, "11.03.2022", &m2022[..]),
    ]
    .into_iter()
    .enumerate()
    {
        let res = r.get(&format!("{path}/act.pdf")).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert_eq!(res.headers["content-type"], "application/pdf");
        let text = squash(&pdf_text(&res.bytes));
        kk_act_checks(&text, i as u32 + 1, date, members, seals[i]);
        if i == 2 {
            assert!(!text.contains(NO_LETTERS_KK), "letters found yet 'none'");
            assert_has(&text, date, "«Сенім жәшігінен» алынған хаттар саны: 1.");
            for cell in ["анонимді", "20.01.2022", "2022/1", "Оқушының жатақханадағы"]
            {
                assert_has(&text, date, cell);
            }
        } else {
            assert_has(&text, date, NO_LETTERS_KK);
        }
    }

    // The protocols as PDF, read by the director.
    let mut d = at(&app, datetime!(2022-03-12 10:00 UTC), "director").await;
    let res = d.get(&format!("{p1_link}/protocol.pdf")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let t1 = squash(&pdf_text(&res.bytes));
    assert_has(&t1, "No 1", COLLEGE);
    assert_has(&t1, "No 1", "ХАТТАМА № 1");
    assert_has(&t1, "No 1", "11.11.2021 ж.");
    for n in [
        "А.Курманбаева",
        "О.Саденова",
        "Д.Мухтарова",
        "Мектеп инспекторы",
    ] {
        assert_has(&t1, "No 1", n);
    }
    assert_has(&t1, "No 1", "1. Сенім жәшігіне түскен хаттарды талқылау.");
    assert_has(
        &t1,
        "No 1",
        "Педагог – психолог О.Саденова — Күн тәртібінде мәселе бойынша",
    );
    assert_has(
        &t1,
        "No 1",
        "1. Сенім жәшігі айына екі рет ашылып, хаттар бойынша жұмыстар атқарылсын.",
    );
    assert!(!t1.contains("Шақырылғандар"), "nobody invited to No 1");
    assert_eq!(t1.matches("(қолы)").count(), 2, "chair and secretary sign");

    let res = d.get(&format!("{p2_link}/protocol.pdf")).await;
    assert_eq!(res.status, StatusCode::OK);
    let t2 = squash(&pdf_text(&res.bytes));
    assert_has(&t2, "No 2", "ХАТТАМА № 2");
    assert_has(&t2, "No 2", "25.01.2022 ж.");
    assert_has(&t2, "No 2", "Әлеуметтік педагогтың кабинеті");
    assert_has(&t2, "No 2", "Шақырылғандар:");
    for n in [
        "жаттықтырушы",
        "А.Сағындықов",
        "сынып жетекшісі",
        "Э.Ермаханова",
        "оқушы",
        "Н.Оңал",
        "А.Курманбаева",
        "Д.Мухтарова",
    ] {
        assert_has(&t2, "No 2", n);
    }
    for r in [
        "1. Оқушыға ескерту берілсін.",
        "2. Ата-анасына айтылсын.",
        "3. Сенім жәшігі айына екі рет ашылып, хаттар бойынша жұмыстар атқарылсын.",
    ] {
        assert_has(&t2, "No 2", r);
    }
    assert_has(
        &t2,
        "No 2",
        "Қаралған өтініштер (журналдағы тіркеу нөмірлері): 2022/1",
    );
    assert_has(&t2, "No 2", "Оқушы Оңал Н. — хаттағы жазылған");
    assert_eq!(t2.matches("(қолы)").count(), 2);

    // Protocols are numbered per school year: the next school year starts again at No 1.
    let mut k = at(&app, datetime!(2022-09-15 09:00 UTC), "kurmanbaeva").await;
    let csrf = k.csrf().await;
    let page = k.get(&y.path("/meetings")).await;
    let ids = member_ids(&page, &["А.Курманбаева —", "Д.Мухтарова —"]);
    let res = k
        .post(
            &y.path("/meetings"),
            &[
                ("csrf", &csrf),
                ("held_on", "2022-09-15"),
                ("chair", &ids[0]),
                ("secretary", &ids[1]),
                ("present_other", "Педагог психолог: Р.Нурмышова"),
                ("agenda", "Жаңа оқу жылы."),
                ("resolutions", "Жоспар бекітілсін."),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert!(res.body.contains("№ 1 хаттама сақталды."), "{}", res.body);

    // Every read of the letters and the protocols is in the audit log.
    let audit = app.store.audit_entries(Some(school.id), 500).await.unwrap();
    for action in [
        "commission-appointed",
        "commission-elected",
        "box-created",
        "opening-started",
        "opening-letter",
        "opening-closed",
        "opening-confirmed",
        "opening-viewed",
        "act-printed",
        "meeting-recorded",
        "protocol-printed",
    ] {
        assert!(
            audit.iter().any(|e| e.action == action),
            "no {action} in the audit log"
        );
    }
}

/// A Kyrgyz school with a commission of three (seed 001: the social pedagogue, the psychologist
/// and a parent) and a box opened on Tuesdays at 12:00 (seed 003 §4.3).
async fn kyrgyz_school(app: &TestApp) -> (Unit, Vec<User>) {
    let kg = app.unit("kg", "country", None, "KG").await;
    let s = app.unit("kemin", "school", Some(&kg), "KG").await;
    let resp = app.user("resp", false, Some(("responsible", &s))).await;
    let psy = app.user("psy", false, Some(("commission", &s))).await;
    let dir = app.user("dir", false, Some(("director", &s))).await;
    for (u, e) in [
        (&resp, "resp@school.kg"),
        (&psy, "psy@school.kg"),
        (&dir, "dir@school.kg"),
    ] {
        app.store.set_user_email(u.id, Some(e)).await.unwrap();
    }
    let mut c = app.client();
    c.login("resp").await;
    let csrf = c.csrf().await;
    let (r, p, d) = (resp.id.to_string(), psy.id.to_string(), dir.id.to_string());
    let _ = d;
    let res = c
        .post(
            "/staff/s/kemin/commission",
            &[
                ("csrf", &csrf),
                ("order_number", "45"),
                ("order_date", "2026-03-02"),
                ("m0_name", "Асанова Б."),
                ("m0_position", "Социалдык педагог"),
                ("m0_kind", "social_pedagogue"),
                ("m0_user", &r),
                ("m1_name", "Токтогулова Ч."),
                ("m1_position", "Педагог-психолог"),
                ("m1_kind", "psychologist"),
                ("m1_user", &p),
                ("m2_name", "Иманалиев Т."),
                ("m2_position", "Ата-энелер комитетинин төрагасы"),
                ("m2_kind", "parent_rep"),
                ("m2_user", ""),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let res = c
        .post(
            "/staff/s/kemin/boxes",
            &[
                ("csrf", &csrf),
                ("location", "биринчи кабаттагы фойе"),
                ("seal", "0107"),
                ("schedule_kind", "weekly"),
                ("weekday", "2"),
                ("at_time", "12:00"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    (s, vec![resp, psy, dir])
}

both!(bad_input_is_refused_with_a_message_and_kept);

async fn bad_input_is_refused_with_a_message_and_kept(app: TestApp) {
    let (_s, _users) = kyrgyz_school(&app).await;
    let mut c = app.client();
    c.login("resp").await;
    let csrf = c.csrf().await;

    // An even number of members; then no parents' representative: warned, nothing lost.
    let res = c
        .post(
            "/staff/s/kemin/commission",
            &[
                ("csrf", &csrf),
                ("order_number", "46"),
                ("order_date", "2026-03-03"),
                ("m0_name", "Асанова Б."),
                ("m0_position", "Социалдык педагог"),
                ("m0_kind", "social_pedagogue"),
                ("m1_name", "Иманалиев Т."),
                ("m1_position", "Ата-эне"),
                ("m1_kind", "parent_rep"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("The commission has an even number of members")
    );
    assert!(
        !res.body
            .contains("representative is included; the regulation requires one")
    );
    assert!(res.body.contains("value=\"46\"") && res.body.contains("value=\"Иманалиев Т.\""));
    assert!(res.body.contains("<option value=\"parent_rep\" selected>"));
    let res = c
        .post(
            "/staff/s/kemin/commission",
            &[
                ("csrf", &csrf),
                ("order_number", "47"),
                ("order_date", "2026-03-03"),
                ("m0_name", "Асанова Б."),
                ("m0_position", "Социалдык педагог"),
                ("m0_kind", "social_pedagogue"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("representative is included; the regulation requires one")
    );
    assert!(res.body.contains("value=\"47\"") && res.body.contains("value=\"Асанова Б.\""));
    // the commission of three is still the one in force
    let current = app.store.active_commission(_s.id).await.unwrap().unwrap();
    assert_eq!(current.order_number, "45");

    // Fewer than two members present.
    let page = c.get("/staff/s/kemin/openings").await;
    let bx = option_value(&page, "биринчи кабаттагы фойе (");
    let asanova = option_value(&page, "Асанова Б.");
    let res = c
        .post(
            "/staff/s/kemin/openings",
            &[
                ("csrf", &csrf),
                ("box", &bx),
                ("opened_at", "2026-03-16T12:00"),
                ("present", &asanova),
                ("seal_state", "damaged"),
                ("damage_note", "the thread of the seal is torn"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("At least two members of the commission must be present to open the box.")
    );
    assert!(res.body.contains("value=\"2026-03-16T12:00\""));
    assert!(
        res.body
            .contains("value=\"the thread of the seal is torn\"")
    );
    assert!(res.body.contains(&format!("value=\"{asanova}\" checked")));
    assert!(res.body.contains("value=\"damaged\" checked"));
    assert!(app.store.openings(_s.id).await.unwrap().is_empty());

    // The same refusal in Kyrgyz.
    app.store.set_user_lang(_users[0].id, "ky").await.unwrap();
    let res = c
        .post(
            "/staff/s/kemin/openings",
            &[
                ("csrf", &csrf),
                ("box", &bx),
                ("opened_at", "2026-03-16T12:00"),
                ("seal_state", "intact"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Кутучаны ачууда комиссиянын кеминде эки мүчөсү катышышы керек.")
    );
    app.store.set_user_lang(_users[0].id, "en").await.unwrap();

    // A proper opening.
    let toktogulova = option_value(&page, "Токтогулова Ч.");
    let res = c
        .post(
            "/staff/s/kemin/openings",
            &[
                ("csrf", &csrf),
                ("box", &bx),
                ("opened_at", "2026-03-16T12:00"),
                ("present", &asanova),
                ("present", &toktogulova),
                ("seal_state", "intact"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let opening = res.location().to_string();

    // A letter registered twice in the same opening.
    let letter = [
        ("csrf", csrf.as_str()),
        ("author", "parent"),
        ("anonymous", "0"),
        ("name", "Асанова Гүлнара"),
        ("address", "Кемин ш., Ленин к. 5"),
        ("written_on", "2026-03-11"),
        ("category", "corruption"),
        ("text", "Класс жетекчиси ата-энелерден акча чогултат"),
    ];
    let res = c
        .post_multipart(&format!("{opening}/letters"), &letter, &[])
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let mut again = letter.to_vec();
    again[7] = ("text", "Класс  жетекчиси ата-энелерден акча   чогултат");
    let res = c
        .post_multipart(&format!("{opening}/letters"), &again, &[])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains(
        "This letter (same date written and same content) is already registered at this opening."
    ));
    assert!(res.body.contains("value=\"Асанова Гүлнара\""));
    assert!(
        res.body
            .contains("Класс  жетекчиси ата-энелерден акча   чогултат</textarea>")
    );
    assert_eq!(
        app.store
            .opening_letters(opening_id(&opening))
            .await
            .unwrap()
            .len(),
        1
    );
    // A different letter of the same day is fine.
    let mut other = letter.to_vec();
    other[7] = ("text", "Ашканада улуу класстар кичүүлөрдү түртөт");
    other[2] = ("anonymous", "1");
    let res = c
        .post_multipart(&format!("{opening}/letters"), &other, &[])
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    // A file that is not a scan or a photo.
    let res = c
        .post_multipart(
            &format!("{opening}/letters"),
            &letter,
            &[("photo", "letter.exe", b"MZ\x90\x00not an image")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("letter.exe"));

    // The new seal equal to the old one; "no letters" although letters were registered.
    let res = c
        .post(
            &format!("{opening}/close"),
            &[("csrf", &csrf), ("seal_after", " 0107 ")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("The new seal number must differ from the old one.")
    );
    assert!(res.body.contains("value=\"0107\""));
    let res = c
        .post(
            &format!("{opening}/close"),
            &[("csrf", &csrf), ("seal_after", "0108"), ("no_letters", "1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("value=\"0108\""));
    let res = c
        .post(
            &format!("{opening}/close"),
            &[("csrf", &csrf), ("seal_after", "0108")],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let boxes = app.store.boxes(_s.id).await.unwrap();
    assert_eq!(boxes[0].seal, "0108");
    // A closed opening takes no more letters.
    let mut late = letter.to_vec();
    late[7] = ("text", "another");
    let res = c
        .post_multipart(&format!("{opening}/letters"), &late, &[])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A protocol without a secretary.
    let page = c.get("/staff/s/kemin/meetings").await;
    let chair = option_value(&page, "Асанова Б. —");
    let res = c
        .post(
            "/staff/s/kemin/meetings",
            &[
                ("csrf", &csrf),
                ("held_on", "2026-03-16"),
                ("chair", &chair),
                ("secretary", ""),
                ("present", &asanova),
                ("agenda", "Кутудан алынган каттарды талкуулоо."),
                ("heard", "Асанова Б.: эки кат алынганын айтты."),
                ("resolutions", "Каттар боюнча иш жүргүзүлсүн."),
                ("invited", "класс жетекчи: Т. Сыдыкова"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("A protocol needs a secretary: choose one from the members.")
    );
    assert!(
        res.body
            .contains("Кутудан алынган каттарды талкуулоо.</textarea>")
    );
    assert!(res.body.contains("класс жетекчи: Т. Сыдыкова</textarea>"));
    assert!(
        res.body
            .contains("Асанова Б.: эки кат алынганын айтты.</textarea>")
    );
    assert!(app.store.meetings(_s.id).await.unwrap().is_empty());
    // Unknown journal numbers are refused as well.
    let secretary = option_value(&page, "Токтогулова Ч. —");
    let res = c
        .post(
            "/staff/s/kemin/meetings",
            &[
                ("csrf", &csrf),
                ("held_on", "2026-03-16"),
                ("chair", &chair),
                ("secretary", &secretary),
                ("present", &asanova),
                ("agenda", "a"),
                ("resolutions", "b"),
                ("appeals", "2026/99"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("value=\"2026/99\""));
}

fn opening_id(path: &str) -> i64 {
    path.rsplit('/').next().unwrap().parse().unwrap()
}

both!(letters_are_encrypted_and_only_the_commission_sees_them);

async fn letters_are_encrypted_and_only_the_commission_sees_them(app: TestApp) {
    let (s, users) = kyrgyz_school(&app).await;
    let op = app.user("op", false, Some(("operator", &s))).await;
    let _analyst = app.user("analyst", false, Some(("analyst", &s))).await;
    let _admin = app.user("root", true, None).await;
    let _ = (op, users);
    let mut c = app.client();
    c.login("psy").await;
    let csrf = c.csrf().await;
    let page = c.get("/staff/s/kemin/openings").await;
    assert_eq!(page.status, StatusCode::OK);
    let bx = option_value(&page, "биринчи кабаттагы фойе (");
    let a = option_value(&page, "Асанова Б.");
    let t = option_value(&page, "Токтогулова Ч.");
    let res = c
        .post(
            "/staff/s/kemin/openings",
            &[
                ("csrf", &csrf),
                ("box", &bx),
                ("opened_at", "2026-03-16T12:00"),
                ("present", &a),
                ("present", &t),
                ("seal_state", "intact"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let opening = res.location().to_string();
    let secret = "Zarina-secret-letter-text";
    let res = c
        .post_multipart(
            &format!("{opening}/letters"),
            &[
                ("csrf", &csrf),
                ("author", "pupil"),
                ("anonymous", "0"),
                ("name", "ZarName"),
                ("address", "ZarAddr"),
                ("written_on", "2026-03-13"),
                ("category", "bullying"),
                ("text", secret),
                ("note", "ZarNote"),
            ],
            &[("photo", "letter.pdf", crate::support::PDF)],
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert!(res.body.contains("ZarName"));
    let res = c
        .post(
            &format!("{opening}/close"),
            &[("csrf", &csrf), ("seal_after", "0108")],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    // The member present with an account confirms; the act prints the letter.
    let res = c
        .post(&format!("{opening}/confirm"), &[("csrf", &csrf)])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let pdf = c.get(&format!("{opening}/act.pdf")).await;
    assert_eq!(pdf.status, StatusCode::OK);
    let text = squash(&pdf_text(&pdf.bytes));
    for needle in ["ZarName", "ZarAddr", "ZarNote", "2026/1"] {
        assert_has(&text, "Kyrgyz act", needle);
    }
    assert_has(&text, "Kyrgyz act", "Токтогулова Ч.");

    // At rest: nothing personal in clear.
    let dump = crate::support::raw_dump(&app).await;
    for s in ["ZarName", "ZarAddr", "ZarNote", secret] {
        assert!(!dump.contains(s), "{s} stored in clear");
    }

    // The director sees the journal of openings but not the letters; operator, analyst and the
    // installation administrator see nothing of it.
    let mut d = app.client();
    d.login("dir").await;
    assert_eq!(
        d.get("/staff/s/kemin/openings").await.status,
        StatusCode::OK
    );
    assert_eq!(d.get(&opening).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        d.get(&format!("{opening}/act.pdf")).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(
        d.get("/staff")
            .await
            .body
            .contains("/staff/s/kemin/commission")
    );
    for who in ["op", "analyst", "root"] {
        let mut x = app.client();
        x.login(who).await;
        let home = x.get("/staff").await;
        assert!(!home.body.contains("/staff/s/kemin/openings"), "{who} menu");
        for path in [
            "/staff/s/kemin/commission",
            "/staff/s/kemin/meetings",
            "/staff/s/kemin/boxes",
            "/staff/s/kemin/openings",
            opening.as_str(),
            &format!("{opening}/act.pdf"),
        ] {
            let res = x.get(path).await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{who} {path}");
            assert!(!res.body.contains("Zar"), "{who} {path}");
        }
    }
    // The commission member sees the menu entries.
    let home = c.get("/staff").await;
    for p in ["commission", "meetings", "boxes", "openings"] {
        assert!(
            home.body.contains(&format!("/staff/s/kemin/{p}")),
            "{p} in the menu"
        );
    }
}

both!(reminders_before_openings_and_for_too_few_meetings);

async fn reminders_before_openings_and_for_too_few_meetings(app: TestApp) {
    let (s, _users) = kyrgyz_school(&app).await;
    // Monday 16.03.2026 09:00 UTC = 15:00 in Bishkek: the Tuesday 12:00 opening is 21 h away.
    let page = {
        let mut c = app.client();
        c.login("resp").await;
        c.get("/staff/s/kemin/boxes").await
    };
    assert!(
        page.body.contains("17.03.2026 12:00"),
        "next opening shown: {}",
        page.body
    );
    app.clock.set(datetime!(2026-03-15 09:00 UTC));
    let r = trustbox_web::paperbox_jobs::run_paperbox(&app.state)
        .await
        .unwrap();
    assert_eq!(r.opening_reminders, 0, "two days before: not yet");
    app.clock.set(datetime!(2026-03-16 09:00 UTC));
    let r = trustbox_web::paperbox_jobs::run_paperbox(&app.state)
        .await
        .unwrap();
    assert_eq!(r.opening_reminders, 1);
    let r = trustbox_web::paperbox_jobs::run_paperbox(&app.state)
        .await
        .unwrap();
    assert_eq!(r.opening_reminders, 0, "once per opening");
    let mails = app.store.all_mails().await.unwrap();
    let box_mails: Vec<_> = mails.iter().filter(|m| m.kind == "box-opening").collect();
    let mut to: Vec<&str> = box_mails.iter().map(|m| m.recipient.as_str()).collect();
    to.sort();
    // the members with accounts: the social pedagogue and the psychologist; not the director
    // (the outbox shows their addresses masked; sealed, they open to the full ones)
    assert_eq!(to, ["p•••@school.kg", "r•••@school.kg"]);
    for a in ["psy@school.kg", "resp@school.kg"] {
        assert_eq!(
            crate::support::mails_to(&app, "box-opening", a).await.len(),
            1
        );
    }
    assert!(
        box_mails[0].subject.contains("17.03.2026 12:00"),
        "{}",
        box_mails[0].subject
    );
    assert!(box_mails[0].body.contains("/staff/s/kemin/openings"));
    // a week later, the next Tuesday
    app.clock.set(datetime!(2026-03-23 09:00 UTC));
    let r = trustbox_web::paperbox_jobs::run_paperbox(&app.state)
        .await
        .unwrap();
    assert_eq!(r.opening_reminders, 1);

    // June with no meeting: the director is told once.
    app.clock.set(datetime!(2026-05-31 09:00 UTC));
    let r = trustbox_web::paperbox_jobs::run_paperbox(&app.state)
        .await
        .unwrap();
    assert_eq!(r.meeting_reminders, 0);
    app.clock.set(datetime!(2026-06-01 09:00 UTC));
    let r = trustbox_web::paperbox_jobs::run_paperbox(&app.state)
        .await
        .unwrap();
    assert_eq!(r.meeting_reminders, 1);
    app.clock.set(datetime!(2026-06-20 09:00 UTC));
    let r = trustbox_web::paperbox_jobs::run_paperbox(&app.state)
        .await
        .unwrap();
    assert_eq!(r.meeting_reminders, 0, "once per half-year");
    let m: Vec<_> = app
        .store
        .all_mails()
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.kind == "commission-meetings")
        .collect();
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].recipient, "d•••@school.kg");
    assert_eq!(
        crate::support::mails_to(&app, "commission-meetings", "dir@school.kg")
            .await
            .len(),
        1
    );
    assert!(m[0].body.contains("01.01.2026") && m[0].body.contains("30.06.2026"));
    let _ = s;

    // Two meetings in the second half-year: no reminder in December.
    let mut c = app.client();
    app.clock.set(datetime!(2026-09-10 06:00 UTC));
    c.login("resp").await;
    let csrf = c.csrf().await;
    let page = c.get("/staff/s/kemin/meetings").await;
    let chair = option_value(&page, "Асанова Б. —");
    let sec = option_value(&page, "Токтогулова Ч. —");
    let present = option_value(&page, "Социалдык педагог — Асанова Б.");
    for day in ["2026-09-10", "2026-09-09"] {
        let res = c
            .post(
                "/staff/s/kemin/meetings",
                &[
                    ("csrf", &csrf),
                    ("held_on", day),
                    ("chair", &chair),
                    ("secretary", &sec),
                    ("present", &present),
                    ("agenda", "Каттар."),
                    ("resolutions", "Иш жүргүзүлсүн."),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    }
    app.clock.set(datetime!(2026-12-01 09:00 UTC));
    let r = trustbox_web::paperbox_jobs::run_paperbox(&app.state)
        .await
        .unwrap();
    assert_eq!(r.meeting_reminders, 0);
}
