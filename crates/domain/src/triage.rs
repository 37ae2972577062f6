//! Risk triage: does a letter mention suicide, self-harm, sexual abuse, violence or a weapon?
//!
//! A hit makes the appeal *urgent*: the responsible person is notified at once and the author
//! immediately sees the helpline numbers. A miss is not a decision about the letter: every
//! letter is read by a person. So the lexicon favours precision (no alarm fatigue from letters
//! about a lesson, "сабак"/"сабақ", or about tidying up, "убираться") while covering the common
//! word forms in Kyrgyz, Kazakh, Russian and English.
//!
//! How it works:
//! 1. **Normalise**: lowercase; `ё→е`; Kazakh letters folded onto their Kyrgyz/Russian
//!    neighbours (`қ→к ғ→г ұ→у һ→х і→и ә→э`) so that one Kyrgyz letter typed on a Kazakh
//!    keyboard, or the seeds' own mixed spelling ("ата-әнелер"), still matches. `ө`, `ү`, `ң`
//!    are kept: folding `ө→о` would turn Kyrgyz "өлтүрөм" (I will kill) into "олтурам" (I sit).
//!    Latin look-alikes (`a c e o p x y k m t i`) inside a word that also has Cyrillic letters are
//!    mapped to Cyrillic, which defeats accidental or deliberate mixed-script spelling.
//! 2. **Tokenise** on anything that is not a letter (so `зорлық-зомбылық` is two words and
//!    `don't` is `don t`).
//! 3. **Match** the lexicon: each entry is one or more word patterns; a pattern is an exact word
//!    or a stem ending in `*` (prefix), alternatives separated by `|`. Phrases (several words,
//!    strictly adjacent) are matched first and *consume* their words, so "убить себя" is
//!    suicide and not also violence; then single words are matched on what is left.
//!
//! Decisions worth knowing:
//! - Bullying words (ru "травля", ky "куугунтук", kk "қорлау", en "bullying") are *not* risks:
//!   bullying is the most common category, has its own category, and flagging it would drown
//!   the urgent cases.
//! - Toy weapons ("пистолетик игрушечный") are flagged: a human decides in seconds, a missed
//!   real weapon costs far more.
//! - Threats without a violent verb (ky "коркутат", kk "қорқытады") are not flagged: the same
//!   verbs mean "frighten" (a film, an exam).
//! - Phrases need adjacent words; "хочу очень сильно умереть" is missed. Accepted for now.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// A kind of danger found in a letter. Ordered by severity of the immediate response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskKind {
    SelfHarm,
    Suicide,
    SexualAbuse,
    Violence,
    Weapon,
}

impl RiskKind {
    pub const ALL: &'static [RiskKind] = &[
        RiskKind::SelfHarm,
        RiskKind::Suicide,
        RiskKind::SexualAbuse,
        RiskKind::Violence,
        RiskKind::Weapon,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RiskKind::SelfHarm => "self_harm",
            RiskKind::Suicide => "suicide",
            RiskKind::SexualAbuse => "sexual_abuse",
            RiskKind::Violence => "violence",
            RiskKind::Weapon => "weapon",
        }
    }

    pub fn parse(s: &str) -> Option<RiskKind> {
        RiskKind::ALL.iter().copied().find(|v| v.code() == s)
    }

    pub fn message_id(self) -> &'static str {
        match self {
            RiskKind::SelfHarm => "risk-self-harm",
            RiskKind::Suicide => "risk-suicide",
            RiskKind::SexualAbuse => "risk-sexual-abuse",
            RiskKind::Violence => "risk-violence",
            RiskKind::Weapon => "risk-weapon",
        }
    }
}

impl std::fmt::Display for RiskKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

use RiskKind::{SelfHarm, SexualAbuse, Suicide, Violence, Weapon};

/// The lexicon. Written in ordinary spelling; normalised with the same function as the text.
const LEXICON: &[(RiskKind, &str)] = &[
    // ---------------------------------------------------------------- suicide
    (Suicide, "суицид*|suicid*|самоубий*"),
    // en
    (Suicide, "kill|killing|kms myself"),
    (Suicide, "end|ending|take|taking my life"),
    (Suicide, "take|taking my own life"),
    (Suicide, "want|wanna|wanted to die"),
    (Suicide, "wish i was|were dead"),
    (Suicide, "better off dead"),
    (Suicide, "don t want to live"),
    (Suicide, "dont want to live"),
    (Suicide, "hang|hanging myself"),
    // ru
    (Suicide, "поконч*|покончу с собой"),
    (Suicide, "убить|убью|убила|убил|убиваю себя"),
    (
        Suicide,
        "хочу|хочется|хотела|хотел умереть|умирать|сдохнуть",
    ),
    (Suicide, "не хочу|хочется жить"),
    (Suicide, "жить не хочу|хочется"),
    (Suicide, "повеситься|повешусь|повесился|повесилась"),
    (Suicide, "выпрыгн*|спрыгн*|прыгн* с|из крыши|окна"),
    (Suicide, "наложить|наложу на себя руки"),
    (Suicide, "вскрыть|вскрою|вскрыла вены"),
    // ky
    (Suicide, "өзүмдү өлтүр*"),
    (Suicide, "өзүн өзү өлтүр*"),
    (Suicide, "өлгүм кел*"),
    (Suicide, "жашагым келбей*"),
    (Suicide, "өлүп калгым кел*"),
    (Suicide, "асылып өл*"),
    // kk
    (Suicide, "өзімді өлтір*"),
    (Suicide, "өзін өзі өлтір*"),
    (Suicide, "өлгім кел*"),
    (Suicide, "өмір сүргім келмей*"),
    (Suicide, "асылып өл*"),
    // ---------------------------------------------------------------- self-harm
    (SelfHarm, "self harm*|injur*"),
    (SelfHarm, "selfharm*"),
    (
        SelfHarm,
        "cut|cutting|cuts|hurt|hurting|harm|harming|burn|burning myself",
    ),
    (SelfHarm, "cut|cutting my wrist*|arm*"),
    (SelfHarm, "селфхарм*|самоповрежд*"),
    (SelfHarm, "режу|резать|резала|резал себя|руки|вены"),
    (
        SelfHarm,
        "причиняю|причинять|причиняла|причинила себе боль|вред",
    ),
    (SelfHarm, "наношу|наносила себе порез*|вред|увечья"),
    // ky
    (SelfHarm, "өзүмө зыян*"),
    (SelfHarm, "колумду|өзүмдү|тамырымды|билегимди кес*"),
    // kk
    (SelfHarm, "өзіме зиян*"),
    (SelfHarm, "қолымды|өзімді|тамырымды|білегімді кес*"),
    // ---------------------------------------------------------------- sexual abuse
    (
        SexualAbuse,
        "rape|raped|raping|rapist|rapes|molest*|groped|groping",
    ),
    (SexualAbuse, "pedophil*|paedophil*|педофил*"),
    (SexualAbuse, "sexual|sexually abus*|assault*|harass*"),
    (SexualAbuse, "touch* me|my inappropriate*|private*"),
    // ru
    (
        SexualAbuse,
        "изнасил*|насильник*|насилует|насилуют|насиловал*|растлен*|растлит*|растлевает",
    ),
    (SexualAbuse, "домогает*|домогают*|домогал*|домогательств*"),
    (SexualAbuse, "лапает|лапают|лапал|лапала"),
    (SexualAbuse, "сексуальн* насили*|домога*|приставан*"),
    (SexualAbuse, "интимн* фото*|видео|снимк*"),
    // ky
    (
        SexualAbuse,
        "зордуктады|зордуктап|зордуктаган|зордуктоо*|зордукташ*|зордуктамак*",
    ),
    (SexualAbuse, "сексуалдык|жыныстык зомбулук*|зордук*"),
    // kk
    (SexualAbuse, "зорла*"),
    (SexualAbuse, "сексуалдық|жыныстық зорлық*|зомбылық*"),
    // ---------------------------------------------------------------- violence
    (Violence, "violence|violent*|assault*|murder*|threaten*"),
    (Violence, "beaten|punched|strangled"),
    (Violence, "kill|kills|killed|killing|killer"),
    (Violence, "beat|beats|beating me|us|him|her up"),
    (
        Violence,
        "hit|hits|hitting|kick|kicks|kicked|kicking|punch|punches|punching|slap|slaps|slapped|slapping me|us",
    ),
    // ru
    (
        Violence,
        "насили*|избива*|избил*|избит*|избиени*|избью|побои|побоев",
    ),
    (Violence, "бьет|бьют|побьют|побью|избили|избила"),
    (Violence, "побил|побила|побили меня|его|ее|нас|их"),
    (
        Violence,
        "ударил|ударила|ударили|ударит|ударить|ударю|ударят|ударяет|ударяют|ударял*",
    ),
    (Violence, "пинает|пинают|пинал*|пнул*"),
    (Violence, "душит|душат|душил*|задушу|задушит*|задушил*"),
    (Violence, "убить|убит*|убил*|убий*|убив*|убей*|убь*|угрож*"),
    (
        Violence,
        "драка|драки|драку|дракой|драке|дерутся|дерется|подрался|подралась|подрались",
    ),
    // ky
    (Violence, "зомбулук*|ырайымсыз*"),
    (Violence, "зордук|зордукту|зордукка|зордуктун|зордуктан"),
    (Violence, "урат|урду|уруп|урган|урам|урушуп"),
    (
        Violence,
        "сабады|сабашты|сабашат|сабап|сабаган|сабайт|тепти|тебет|тепкилеп|тепкилейт|тепкилешти",
    ),
    (Violence, "мушта*|өлтүр*"),
    // kk
    (Violence, "зорлық*|зомбылық*|қатыгез*"),
    (Violence, "ұрады|ұрды|ұрып|ұрған|ұрамын|ұратын|соқты|соққы*"),
    (
        Violence,
        "сабайды|тепті|тебеді|тепкіледі|тепкілеп|төбелес*|өлтір*",
    ),
    // ---------------------------------------------------------------- weapons
    (
        Weapon,
        "knife|knives|gun|guns|pistol*|rifle*|shotgun*|firearm*|weapon*|bomb|bombs|explosive*",
    ),
    (Weapon, "stab|stabs|stabbed|stabbing"),
    // ru
    (
        Weapon,
        "нож|ножа|ножом|ножи|ножей|ножу|ножик*|пистолет*|оружи*|огнестрел*",
    ),
    (Weapon, "винтовк*|травмат|травматом|травмата|пырнул*|пырну"),
    (
        Weapon,
        "бомба|бомбу|бомбой|бомбы|взрывчатк*|взорву|взорвать|взорвем|взорвут",
    ),
    (
        Weapon,
        "застрелю|застрелит*|застрелил*|пристрелю|перестреляю|перестрелять|стрелять",
    ),
    // ky
    (Weapon, "бычак*|мылтык*|тапанча*|жардыргыч*"),
    (Weapon, "ок атуучу"),
    // kk
    (Weapon, "пышақ*|мылтық*|тапанша*|жарылғыш*"),
    (Weapon, "қару|қаруы|қарумен|қарулы|қаруды|қаруын"),
];

/// Finds the risks a letter mentions; sorted and without duplicates.
pub fn assess(text: &str) -> Vec<RiskKind> {
    let tokens = tokenize(text);
    let mut used = vec![false; tokens.len()];
    let mut found = BTreeSet::new();

    for (kind, phrase) in COMPILED.iter() {
        let n = phrase.len();
        if n == 0 || n > tokens.len() {
            continue;
        }
        for start in 0..=tokens.len() - n {
            let window = start..start + n;
            if used[window.clone()].iter().any(|u| *u) {
                continue;
            }
            let hit = phrase
                .iter()
                .zip(&tokens[window.clone()])
                .all(|(alts, tok)| alts.iter().any(|p| p.matches(tok)));
            if hit {
                found.insert(*kind);
                if n > 1 {
                    used[window].iter_mut().for_each(|u| *u = true);
                }
            }
        }
    }
    found.into_iter().collect()
}

/// The lexicon compiled once (it used to be compiled for every letter, which was most of the
/// CPU time of a submission): longest phrases first; the sort is stable so the lexicon order
/// breaks ties.
static COMPILED: std::sync::LazyLock<Vec<(RiskKind, Vec<Vec<WordPattern>>)>> =
    std::sync::LazyLock::new(|| {
        let mut entries: Vec<(RiskKind, Vec<Vec<WordPattern>>)> = LEXICON
            .iter()
            .map(|(kind, src)| (*kind, compile(src)))
            .collect();
        entries.sort_by_key(|(_, p)| std::cmp::Reverse(p.len()));
        entries
    });

#[derive(Debug)]
enum WordPattern {
    Exact(String),
    Prefix(String),
}

impl WordPattern {
    fn matches(&self, token: &str) -> bool {
        match self {
            WordPattern::Exact(w) => token == w,
            WordPattern::Prefix(p) => token.starts_with(p.as_str()),
        }
    }
}

/// `"a|b* c"` → `[[Exact(a), Prefix(b)], [Exact(c)]]`, each word normalised like the text.
/// Lexicon words are single words (no hyphens or spaces inside an alternative); a test checks.
fn compile(src: &str) -> Vec<Vec<WordPattern>> {
    src.split_whitespace()
        .map(|word| {
            word.split('|')
                .filter_map(|alt| {
                    let (stem, prefix) = match alt.strip_suffix('*') {
                        Some(s) => (s, true),
                        None => (alt, false),
                    };
                    let norm = tokenize(stem).into_iter().next()?;
                    Some(if prefix {
                        WordPattern::Prefix(norm)
                    } else {
                        WordPattern::Exact(norm)
                    })
                })
                .collect()
        })
        .collect()
}

/// Lowercases and folds one character (see the module docs); returns up to two chars.
fn fold_char(c: char, out: &mut String) {
    for l in c.to_lowercase() {
        out.push(match l {
            'ё' => 'е',
            'қ' => 'к',
            'ғ' => 'г',
            'ұ' => 'у',
            'һ' => 'х',
            'і' => 'и',
            'ә' => 'э',
            other => other,
        });
    }
}

fn is_cyrillic(c: char) -> bool {
    ('\u{0400}'..='\u{04FF}').contains(&c)
}

fn latin_lookalike(c: char) -> Option<char> {
    Some(match c {
        'a' => 'а',
        'c' => 'с',
        'e' => 'е',
        'o' => 'о',
        'p' => 'р',
        'x' => 'х',
        'y' => 'у',
        'k' => 'к',
        'm' => 'м',
        't' => 'т',
        'i' => 'и',
        _ => return None,
    })
}

/// Splits normalised text into words (maximal runs of letters).
pub fn tokenize(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut cur = String::new();
    let flush = |cur: &mut String, tokens: &mut Vec<String>| {
        if cur.is_empty() {
            return;
        }
        let word = std::mem::take(cur);
        if word.chars().any(is_cyrillic) && word.chars().any(|c| c.is_ascii_alphabetic()) {
            tokens.push(
                word.chars()
                    .map(|c| latin_lookalike(c).unwrap_or(c))
                    .collect(),
            );
        } else {
            tokens.push(word);
        }
    };
    for c in text.chars() {
        if c.is_alphabetic() {
            fold_char(c, &mut cur);
        } else {
            flush(&mut cur, &mut tokens);
        }
    }
    flush(&mut cur, &mut tokens);
    tokens
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn check(positives: &[(&str, &[RiskKind])], negatives: &[&str]) {
        for (text, want) in positives {
            assert_eq!(assess(text), want.to_vec(), "positive: {text}");
        }
        for text in negatives {
            assert_eq!(assess(text), Vec::<RiskKind>::new(), "negative: {text}");
        }
    }

    #[test]
    fn codes_and_ids() {
        for r in RiskKind::ALL {
            assert_eq!(RiskKind::parse(r.code()), Some(*r));
            assert_eq!(
                r.message_id(),
                format!("risk-{}", r.code().replace('_', "-"))
            );
        }
    }

    #[test]
    fn lexicon_words_are_single_normalised_words() {
        for (_, src) in LEXICON {
            for word in src.split_whitespace() {
                for alt in word.split('|') {
                    let stem = alt.trim_end_matches('*');
                    assert_eq!(tokenize(stem).len(), 1, "{alt:?} in {src:?}");
                }
            }
        }
    }

    #[test]
    fn normalisation() {
        assert_eq!(
            tokenize("Зорлық-зомбылық, ЁЖИК! ұрады"),
            vec!["зорлык", "зомбылык", "ежик", "урады"]
        );
        // Latin look-alikes inside a Cyrillic word
        assert_eq!(tokenize("yбью"), vec!["убью".to_string()]);
        assert_eq!(tokenize("hello мир 42"), vec!["hello", "мир"]);
    }

    #[test]
    fn russian() {
        check(
            &[
                ("Я хочу умереть, мне никто не поможет", &[Suicide]),
                ("Иногда думаю о самоубийстве", &[Suicide]),
                ("жить не хочу больше", &[Suicide]),
                ("Я режу себя по ночам", &[SelfHarm]),
                ("Отчим меня избивает каждый день", &[Violence]),
                ("Старшеклассники побили меня за школой", &[Violence]),
                ("Он сказал, что убьёт меня", &[Violence]),
                ("Учитель домогается до девочек", &[SexualAbuse]),
                ("Меня изнасиловали", &[SexualAbuse]),
                ("У Саши в рюкзаке нож", &[Weapon]),
                ("Он принёс пистолет и угрожал", &[Violence, Weapon]),
                ("сказал что покончит с собой", &[Suicide]),
                ("Я хочу убить себя", &[Suicide]),
                ("Его ударили по голове", &[Violence]),
            ],
            &[
                "Нас заставляют убираться в классе после уроков",
                "Поставьте ударение в слове правильно",
                "На уроке рисовали дракона",
                "Для труда нужны ножницы, а у меня их нет",
                "Ножка стула сломалась",
                "У нас был задушевный разговор с классным руководителем",
                "Стрелка часов в коридоре не работает",
                "Травматолог сказал, что всё хорошо",
                "Хочу повесить картину в классе",
                "Он побил рекорд школы по бегу",
                "Мне не хочется учить физику",
                "В столовой невкусно, убирают плохо",
            ],
        );
    }

    #[test]
    fn kyrgyz() {
        check(
            &[
                ("Мен өзүмдү өлтүрөм, жардам бергиле", &[Suicide]),
                ("Эч нерсе кылгым келбейт, өлгүм келет", &[Suicide]),
                ("Жашагым келбейт", &[Suicide]),
                ("Ал колумду кесип алдым", &[SelfHarm]),
                ("Үйдө атам апамды урат", &[Violence]),
                ("Балдар мени сабашты", &[Violence]),
                ("Мектепте зомбулук болуп жатат", &[Violence]),
                ("балдарга карата ырайымсыздык", &[Violence]),
                ("Зордук-зомбулук токтосун", &[Violence]),
                ("Ага бычак алып келди", &[Weapon]),
                ("Мугалим кызды зордуктады", &[SexualAbuse]),
                ("Мени өлтүрөм деп коркутат", &[Violence]),
                ("Сексуалдык зомбулук жөнүндө", &[SexualAbuse]),
            ],
            &[
                "Урматтуу мугалим, сабак кызыктуу болсун",
                "Уруксатсыз эч ким кире албайт",
                "Мен партада олтурам",
                "Окуу куралы жетишпейт",
                "Биздин уруу жана өлкө",
                "Мектепке келгим келбейт, сабак көп",
                "Кесе сынып калды",
                "Мени класста куугунтукташат",
                "Өлөң жаттадык",
                "Ишеним кутусун уюштуруунун тартиби",
            ],
        );
    }

    #[test]
    fn kazakh() {
        check(
            &[
                ("Мен өзімді өлтіремін", &[Suicide]),
                ("Өлгім келеді, ешкім түсінбейді", &[Suicide]),
                ("Өмір сүргім келмейді", &[Suicide]),
                ("Өзін-өзі өлтіру туралы ойлаймын", &[Suicide]),
                ("Қолымды кесемін", &[SelfHarm]),
                ("Мектепте зорлық-зомбылық бар", &[Violence]),
                ("Әкем мені ұрады", &[Violence]),
                ("Жоғары сынып оқушылары сабайды", &[Violence]),
                ("Оны зорлады", &[SexualAbuse]),
                ("Сексуалдық зорлық туралы", &[SexualAbuse]),
                ("Оның сөмкесінде пышақ бар", &[Weapon]),
                ("Ол мылтықпен келді", &[Weapon]),
            ],
            &[
                "Сабақ кестесі ыңғайсыз",
                "Асханада ұрлық болды",
                "Жас ұрпақ тәрбиесі",
                "Мектеп ұраны жақсы",
                "Өлең кеші өтті",
                "Қарындаш пен дәптер жетпейді",
                "Жүрегім қатты соғады, емтихан",
                "Өзімді жақсы сезінемін",
                "Мені сыныптастарым қорлайды",
                "Қаражат жетпейді",
            ],
        );
    }

    #[test]
    fn english() {
        check(
            &[
                ("I want to die", &[Suicide]),
                ("sometimes I think about killing myself", &[Suicide]),
                ("I don't want to live anymore", &[Suicide]),
                ("I have been cutting myself", &[SelfHarm]),
                ("self-harm scars", &[SelfHarm]),
                ("my stepfather hits me", &[Violence]),
                ("they beat me up after school", &[Violence]),
                ("the coach touched me inappropriately", &[SexualAbuse]),
                ("he was raped", &[SexualAbuse]),
                ("a boy brought a knife to class", &[Weapon]),
                ("he said he will kill us with a gun", &[Violence, Weapon]),
                ("she was stabbed", &[Weapon]),
            ],
            &[
                "I need a therapist to talk to",
                "grapes in the canteen are old",
                "we need better skills in maths",
                "the stable near school smells",
                "join the kickboxing club",
                "I beat the game yesterday",
                "my phone died during the test",
                "please be punctual",
                "I want to dye my hair",
                "the teacher is really strict",
            ],
        );
    }

    #[test]
    fn mixed_and_deduplicated() {
        assert_eq!(
            assess("Мені ұрады. Меня бьют. They hit me. Мени урат."),
            vec![Violence]
        );
        assert_eq!(
            assess("хочу умереть; у него нож; self harm"),
            vec![SelfHarm, Suicide, Weapon]
        );
        assert_eq!(assess(""), Vec::<RiskKind>::new());
        // toy weapons are flagged on purpose (a person decides quickly)
        assert_eq!(assess("пистолетик игрушечный"), vec![Weapon]);
    }
}
