//! Countries, the org-unit hierarchy (country > region > district > school) and URL slugs.

use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use crate::lang::Lang;

/// A country the product serves. Decides the holiday calendar, the legal answer limit and the
/// default language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Country {
    #[serde(rename = "KG")]
    Kg,
    #[serde(rename = "KZ")]
    Kz,
}

impl Country {
    pub const ALL: [Country; 2] = [Country::Kg, Country::Kz];

    /// ISO 3166-1 alpha-2 code.
    pub fn code(self) -> &'static str {
        match self {
            Country::Kg => "KG",
            Country::Kz => "KZ",
        }
    }

    /// Case-insensitive ("kg", "KZ").
    pub fn parse(s: &str) -> Option<Country> {
        let s = s.trim();
        Country::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(s))
    }

    /// The state language: Kyrgyz for KG, Kazakh for KZ.
    pub fn default_lang(self) -> Lang {
        match self {
            Country::Kg => Lang::Ky,
            Country::Kz => Lang::Kk,
        }
    }
}

impl std::fmt::Display for Country {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// The level of an org unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrgKind {
    Country,
    Region,
    District,
    School,
}

impl OrgKind {
    pub const ALL: [OrgKind; 4] = [
        OrgKind::Country,
        OrgKind::Region,
        OrgKind::District,
        OrgKind::School,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OrgKind::Country => "country",
            OrgKind::Region => "region",
            OrgKind::District => "district",
            OrgKind::School => "school",
        }
    }

    pub fn parse(s: &str) -> Option<OrgKind> {
        let s = s.trim();
        OrgKind::ALL
            .into_iter()
            .find(|k| k.code().eq_ignore_ascii_case(s))
    }

    /// Whether a unit of kind `self` may have a direct child of kind `child`.
    ///
    /// | parent \ child | region | district | school |
    /// |---|---|---|---|
    /// | country | yes | no | yes (republican-level schools) |
    /// | region | no | yes | yes (city/regional schools) |
    /// | district | no | no | yes |
    /// | school | no | no | no |
    ///
    /// Nothing contains a country: a country is always a root.
    pub fn may_contain(self, child: OrgKind) -> bool {
        matches!(
            (self, child),
            (OrgKind::Country, OrgKind::Region)
                | (OrgKind::Country, OrgKind::School)
                | (OrgKind::Region, OrgKind::District)
                | (OrgKind::Region, OrgKind::School)
                | (OrgKind::District, OrgKind::School)
        )
    }
}

impl std::fmt::Display for OrgKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// Words that cannot be slugs because they are, or may become, top-level URL paths.
pub const RESERVED_SLUGS: &[&str] = &[
    "api",
    "static",
    "staff",
    "setup",
    "admin",
    "healthz",
    "readyz",
    "metrics",
    "ky",
    "kk",
    "ru",
    "en",
    "follow-up",
    "assets",
    "login",
    "logout",
];

/// A URL-safe name of an org unit, e.g. `school-9-osh`.
///
/// Rules: 2..=40 characters of lowercase ASCII letters, digits and `-`; starts with a letter;
/// no `--`; does not end with `-`; not a [`RESERVED_SLUGS`] word. Input is trimmed but not
/// lowercased: the user sees exactly what will be in the URL.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Slug(String);

impl Slug {
    /// Errors: `err-slug-invalid` (shape) or `err-slug-reserved`; field `slug`.
    pub fn parse(s: &str) -> Result<Slug, FieldError> {
        let s = s.trim();
        let invalid = FieldError::new("slug", "err-slug-invalid");
        let len = s.chars().count();
        if !(2..=40).contains(&len) {
            return Err(invalid);
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(invalid);
        }
        if !s.starts_with(|c: char| c.is_ascii_lowercase()) || s.ends_with('-') || s.contains("--")
        {
            return Err(invalid);
        }
        if RESERVED_SLUGS.contains(&s) {
            return Err(FieldError::new("slug", "err-slug-reserved"));
        }
        Ok(Slug(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Slug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Slug {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Slug::parse(&s).map_err(|e| serde::de::Error::custom(e.code))
    }
}

impl AsRef<str> for Slug {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes() {
        assert_eq!(Country::parse("kg"), Some(Country::Kg));
        assert_eq!(Country::parse("KZ"), Some(Country::Kz));
        assert_eq!(Country::parse("RU"), None);
        assert_eq!(Country::Kg.default_lang(), Lang::Ky);
        assert_eq!(Country::Kz.default_lang(), Lang::Kk);
        for c in Country::ALL {
            assert_eq!(Country::parse(c.code()), Some(c));
        }
    }

    #[test]
    fn org_kinds() {
        for k in OrgKind::ALL {
            assert_eq!(OrgKind::parse(k.code()), Some(k));
            assert!(!k.may_contain(OrgKind::Country));
            assert!(!OrgKind::School.may_contain(k));
        }
        assert!(OrgKind::Country.may_contain(OrgKind::Region));
        assert!(OrgKind::Region.may_contain(OrgKind::District));
        assert!(OrgKind::District.may_contain(OrgKind::School));
        assert!(OrgKind::Region.may_contain(OrgKind::School));
        assert!(OrgKind::Country.may_contain(OrgKind::School));
        assert!(!OrgKind::Country.may_contain(OrgKind::District));
        assert!(!OrgKind::District.may_contain(OrgKind::Region));
        assert!(!OrgKind::Region.may_contain(OrgKind::Region));
        assert_eq!(OrgKind::parse("village"), None);
    }

    #[test]
    fn slugs_accepted() {
        for ok in [
            "ab",
            "school-9",
            "osh-11-mektep",
            "a1",
            "bishkek",
            &"a".repeat(40),
        ] {
            let s = Slug::parse(ok);
            assert_eq!(s.as_ref().map(Slug::as_str), Ok(ok), "{ok}");
        }
        assert_eq!(
            Slug::parse("  school-2 ").map(|s| s.to_string()),
            Ok("school-2".into())
        );
    }

    #[test]
    fn slugs_rejected() {
        let long = "a".repeat(41);
        for bad in [
            "", "a", "9school", "-ab", "ab-", "a--b", "School", "шк-9", "a b", "a_b", &long,
        ] {
            assert_eq!(
                Slug::parse(bad),
                Err(FieldError::new("slug", "err-slug-invalid")),
                "{bad:?}"
            );
        }
        for r in RESERVED_SLUGS {
            assert_eq!(
                Slug::parse(r),
                Err(FieldError::new("slug", "err-slug-reserved")),
                "{r}"
            );
        }
    }
}
