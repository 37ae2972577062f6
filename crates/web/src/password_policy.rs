//! The password policy: strength as the `zxcvbn` crate estimates it (score 3 of 4 at least), not
//! character rules. zxcvbn is told what an attacker would try first: the username, the person's
//! name, the names of their schools, and the product's name. Its feedback is shown localized.

use trustbox_i18n::Tr;
use zxcvbn::feedback::{Suggestion, Warning};

/// Shortest password accepted (kept as a first, plain check).
pub const MIN_CHARS: usize = 10;
/// Longest password accepted (zxcvbn and argon2 get slow on novels).
pub const MAX_CHARS: usize = 200;
/// The least zxcvbn score accepted (0–4).
pub const MIN_SCORE: u8 = 3;

/// Words every Trustbox password is checked against, besides the person's own.
pub const PRODUCT_WORDS: &[&str] = &[
    "trustbox",
    "trust box",
    "trust",
    "ишеним кутусу",
    "сенім жәшігі",
    "ящик доверия",
    "school",
    "мектеп",
    "школа",
];

/// What is wrong with a new password: the field and the localized text to show there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: &'static str,
    pub message: String,
}

fn warning_id(w: Warning) -> &'static str {
    match w {
        Warning::StraightRowsOfKeysAreEasyToGuess => "pw-warn-keyboard-rows",
        Warning::ShortKeyboardPatternsAreEasyToGuess => "pw-warn-keyboard-short",
        Warning::RepeatsLikeAaaAreEasyToGuess => "pw-warn-repeats",
        Warning::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess => "pw-warn-repeated-groups",
        Warning::ThisIsATop10Password
        | Warning::ThisIsATop100Password
        | Warning::ThisIsACommonPassword => "pw-warn-common",
        Warning::ThisIsSimilarToACommonlyUsedPassword => "pw-warn-similar-common",
        Warning::SequencesLikeAbcAreEasyToGuess => "pw-warn-sequences",
        Warning::RecentYearsAreEasyToGuess => "pw-warn-years",
        Warning::AWordByItselfIsEasyToGuess => "pw-warn-single-word",
        Warning::DatesAreOftenEasyToGuess => "pw-warn-dates",
        Warning::NamesAndSurnamesByThemselvesAreEasyToGuess
        | Warning::CommonNamesAndSurnamesAreEasyToGuess => "pw-warn-names",
    }
}

fn suggestion_id(s: Suggestion) -> &'static str {
    match s {
        Suggestion::UseAFewWordsAvoidCommonPhrases => "pw-hint-few-words",
        Suggestion::NoNeedForSymbolsDigitsOrUppercaseLetters => "pw-hint-no-symbols-needed",
        Suggestion::AddAnotherWordOrTwo => "pw-hint-another-word",
        Suggestion::CapitalizationDoesntHelpVeryMuch
        | Suggestion::AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase => "pw-hint-capitals",
        Suggestion::ReversedWordsArentMuchHarderToGuess => "pw-hint-reversed",
        Suggestion::PredictableSubstitutionsDontHelpVeryMuch => "pw-hint-substitutions",
        Suggestion::UseALongerKeyboardPatternWithMoreTurns => "pw-hint-keyboard",
        Suggestion::AvoidRepeatedWordsAndCharacters => "pw-hint-repeats",
        Suggestion::AvoidSequences => "pw-hint-sequences",
        Suggestion::AvoidRecentYears
        | Suggestion::AvoidYearsThatAreAssociatedWithYou
        | Suggestion::AvoidDatesAndYearsThatAreAssociatedWithYou => "pw-hint-years",
    }
}

/// Checks a new password and its confirmation against the policy. `personal` holds the words
/// of this person and their schools (username, name, school names).
pub fn check(tr: Tr, password: &str, confirm: &str, personal: &[String]) -> Option<Problem> {
    let n = password.chars().count();
    if n < MIN_CHARS {
        return Some(Problem {
            field: "password",
            message: tr.t("err-password-short"),
        });
    }
    if n > MAX_CHARS {
        return Some(Problem {
            field: "password",
            message: tr.t("err-password-long"),
        });
    }
    let mut inputs: Vec<&str> = PRODUCT_WORDS.to_vec();
    let mut words: Vec<String> = Vec::new();
    for p in personal {
        let p = p.trim().to_lowercase();
        if p.is_empty() {
            continue;
        }
        // Each word of a name or a school name on its own, too.
        words.extend(
            p.split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.chars().count() >= 3)
                .map(str::to_string),
        );
        words.push(p);
    }
    inputs.extend(words.iter().map(String::as_str));
    let entropy = zxcvbn::zxcvbn(password, &inputs);
    if u8::from(entropy.score()) < MIN_SCORE {
        let mut message = tr.t("err-password-weak");
        let fb = entropy.feedback();
        if let Some(w) = fb.and_then(|f| f.warning()) {
            message.push(' ');
            message.push_str(&tr.t(warning_id(w)));
        }
        let hints: Vec<&'static str> = fb
            .map(|f| f.suggestions().iter().map(|s| suggestion_id(*s)).collect())
            .unwrap_or_default();
        if hints.is_empty() {
            message.push(' ');
            message.push_str(&tr.t("pw-hint-few-words"));
        }
        let mut seen = Vec::new();
        for h in hints {
            if !seen.contains(&h) {
                seen.push(h);
                message.push(' ');
                message.push_str(&tr.t(h));
            }
        }
        return Some(Problem {
            field: "password",
            message,
        });
    }
    if password != confirm {
        return Some(Problem {
            field: "password_confirm",
            message: tr.t("err-password-mismatch"),
        });
    }
    None
}

/// The words of a person and their units that a password must not lean on.
pub async fn personal_words(
    state: &crate::AppState,
    user: &trustbox_store::User,
) -> Result<Vec<String>, trustbox_store::StoreError> {
    let mut out = vec![user.username.clone(), user.display_name.clone()];
    for g in state.store.grants_of(user.id).await? {
        let u = state.store.unit(g.unit_id).await?;
        out.extend([
            u.slug.clone(),
            u.name_ky.clone(),
            u.name_kk.clone(),
            u.name_ru.clone(),
            u.name_en.clone(),
        ]);
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use trustbox_domain::Lang;

    #[test]
    fn weak_passwords_are_refused_with_feedback() {
        let tr = Tr::new(Lang::En);
        for weak in [
            "password123",
            "qwertyuiop",
            "aaaaaaaaaaaa",
            "trustbox2026",
            "1234567890",
        ] {
            let p = check(tr, weak, weak, &[]).unwrap_or_else(|| panic!("{weak} passed"));
            assert_eq!(p.field, "password");
            assert!(
                p.message.starts_with(&tr.t("err-password-weak")),
                "{}",
                p.message
            );
        }
        // Personal words count as guessable.
        let p = check(
            tr,
            "aigul.asanova",
            "aigul.asanova",
            &["aigul.asanova".into()],
        );
        assert!(p.is_some());
        let p = check(
            tr,
            "bishkek-lyceum",
            "bishkek-lyceum",
            &["bishkek-lyceum".into()],
        );
        assert!(p.is_some());
    }

    #[test]
    fn strong_passwords_pass_and_must_match() {
        let tr = Tr::new(Lang::En);
        let good = "lamp orbit velvet cactus";
        assert_eq!(check(tr, good, good, &["aigul".into()]), None);
        let p = check(tr, good, "lamp orbit velvet", &[]).unwrap();
        assert_eq!(p.field, "password_confirm");
        assert_eq!(
            check(tr, "short", "short", &[]).unwrap().message,
            tr.t("err-password-short")
        );
    }
}
