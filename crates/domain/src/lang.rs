//! TEMPORARY placeholder until the domain branch lands (same API as specified).
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Ky,
    Kk,
    Ru,
    En,
}

impl Lang {
    pub const ALL: [Lang; 4] = [Lang::Ky, Lang::Kk, Lang::Ru, Lang::En];
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ky => "ky",
            Lang::Kk => "kk",
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }
    pub fn parse(s: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code().eq_ignore_ascii_case(s))
    }
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        header
            .split(',')
            .filter_map(|p| Lang::parse(p.trim().get(..2)?))
            .next()
    }
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Ky => "Кыргызча",
            Lang::Kk => "Қазақша",
            Lang::Ru => "Русский",
            Lang::En => "English",
        }
    }
}
