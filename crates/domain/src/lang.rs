//! The four interface languages and how a browser's `Accept-Language` picks one.

use serde::{Deserialize, Serialize};

/// An interface language. Kyrgyz and Kazakh are the schools' own languages; Russian is the
/// common second language of both countries; English is for visitors and developers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Ky,
    Kk,
    Ru,
    En,
}

impl Lang {
    pub const ALL: [Lang; 4] = [Lang::Ky, Lang::Kk, Lang::Ru, Lang::En];

    /// ISO 639-1 code, also the locale folder name.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ky => "ky",
            Lang::Kk => "kk",
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    /// Parses a code case-insensitively ("ky", "KK", " ru ").
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim();
        Lang::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(s))
    }

    /// The language's name written in itself, for the language switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Ky => "Кыргызча",
            Lang::Kk => "Қазақша",
            Lang::Ru => "Русский",
            Lang::En => "English",
        }
    }

    /// Picks the best supported language from an HTTP `Accept-Language` header.
    ///
    /// Each entry is `tag[;q=weight]`; only the primary subtag counts (`ru-RU` → `ru`,
    /// `kk-KZ` → `kk`, `ky-KG` → `ky`). The highest q wins; among equal q the earlier entry
    /// wins. `q=0` means "not acceptable". Entries with a malformed q and the wildcard `*` are
    /// ignored. Returns `None` when nothing supported is acceptable, so the caller falls back
    /// to the school's language.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for entry in header.split(',') {
            let mut parts = entry.split(';');
            let tag = parts.next().unwrap_or("").trim();
            let mut q: f32 = 1.0;
            let mut valid = true;
            for param in parts {
                let param = param.trim();
                if let Some(v) = param
                    .strip_prefix("q=")
                    .or_else(|| param.strip_prefix("Q="))
                {
                    match v.trim().parse::<f32>() {
                        Ok(x) if (0.0..=1.0).contains(&x) => q = x,
                        _ => valid = false,
                    }
                }
            }
            if !valid || q <= 0.0 {
                continue;
            }
            let primary = tag.split(['-', '_']).next().unwrap_or("");
            let Some(lang) = Lang::parse(primary) else {
                continue;
            };
            match best {
                Some((bq, _)) if bq >= q => {}
                _ => best = Some((q, lang)),
            }
        }
        best.map(|(_, l)| l)
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for l in Lang::ALL {
            assert_eq!(Lang::parse(l.code()), Some(l));
            assert_eq!(Lang::parse(&l.code().to_uppercase()), Some(l));
        }
        assert_eq!(Lang::parse("de"), None);
        assert_eq!(Lang::parse(""), None);
        assert_eq!(Lang::Kk.native_name(), "Қазақша");
    }

    #[test]
    fn accept_language() {
        assert_eq!(
            Lang::from_accept_language("ru-RU,ru;q=0.9,en;q=0.8"),
            Some(Lang::Ru)
        );
        assert_eq!(Lang::from_accept_language("kk-KZ"), Some(Lang::Kk));
        assert_eq!(Lang::from_accept_language("ky-KG,ru;q=0.5"), Some(Lang::Ky));
        assert_eq!(
            Lang::from_accept_language("de-DE,en;q=0.3,ru;q=0.7"),
            Some(Lang::Ru)
        );
        assert_eq!(
            Lang::from_accept_language("en;q=0.2, KY;q=0.9"),
            Some(Lang::Ky)
        );
        assert_eq!(Lang::from_accept_language("ru;q=0, en"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("ru;q=0"), None);
        assert_eq!(Lang::from_accept_language("de, fr;q=0.5, *"), None);
        assert_eq!(Lang::from_accept_language(""), None);
        assert_eq!(
            Lang::from_accept_language("ru;q=abc, en;q=0.1"),
            Some(Lang::En)
        );
        // equal q: the first one listed wins
        assert_eq!(
            Lang::from_accept_language("kk;q=0.5, ru;q=0.5"),
            Some(Lang::Kk)
        );
    }
}
