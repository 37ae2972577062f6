//! Fluent message bundles for Kyrgyz, Kazakh, Russian and English, used by pages, e-mails and
//! printed documents. The `.ftl` files live in `locales/{ky,kk,ru,en}/` at the workspace root and
//! are compiled into the binary. Unicode isolation marks are off (they would show up in HTML).

use std::sync::LazyLock;

pub use fluent_bundle::FluentValue;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
pub use trustbox_domain::Lang;

/// All the `.ftl` files of one locale, concatenated: the pages and mails (`main.ftl`), the
/// printed documents (`docs.ftl`), and one file per feature area so that work on different
/// features does not edit the same file (`paperbox`, `commission`, `phone`, `security`, `retention`,
/// `ops`).
macro_rules! locale_sources {
    ($code:literal) => {
        concat!(
            include_str!(concat!("../../../locales/", $code, "/main.ftl")),
            "\n",
            include_str!(concat!("../../../locales/", $code, "/docs.ftl")),
            "\n",
            include_str!(concat!("../../../locales/", $code, "/paperbox.ftl")),
            "\n",
            include_str!(concat!("../../../locales/", $code, "/commission.ftl")),
            "\n",
            include_str!(concat!("../../../locales/", $code, "/phone.ftl")),
            "\n",
            include_str!(concat!("../../../locales/", $code, "/security.ftl")),
            "\n",
            include_str!(concat!("../../../locales/", $code, "/retention.ftl")),
            "\n",
            include_str!(concat!("../../../locales/", $code, "/ops.ftl"))
        )
    };
}

/// The sources of each locale, in `Lang::ALL` order (see [`locale_sources`]).
pub const SOURCES: [(&str, &str); 4] = [
    ("ky", locale_sources!("ky")),
    ("kk", locale_sources!("kk")),
    ("ru", locale_sources!("ru")),
    ("en", locale_sources!("en")),
];

type Bundle = FluentBundle<FluentResource>;

fn build(code: &str, src: &str) -> Bundle {
    let langid: unic_langid::LanguageIdentifier = code.parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![langid]);
    bundle.set_use_isolating(false);
    let res = match FluentResource::try_new(src.to_string()) {
        Ok(r) => r,
        Err((r, errs)) => {
            tracing::error!(locale = code, errors = ?errs, "locale file has syntax errors");
            r
        }
    };
    if let Err(errs) = bundle.add_resource(res) {
        tracing::error!(locale = code, errors = ?errs, "locale file has duplicate messages");
    }
    bundle
}

static BUNDLES: LazyLock<Vec<Bundle>> =
    LazyLock::new(|| SOURCES.iter().map(|(c, s)| build(c, s)).collect());

fn index(lang: Lang) -> usize {
    match lang {
        Lang::Ky => 0,
        Lang::Kk => 1,
        Lang::Ru => 2,
        Lang::En => 3,
    }
}

/// A translator for one language: cheap to copy, pass it to every template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tr {
    lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Tr {
        Tr { lang }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The language code for `<html lang>` and URLs.
    pub fn code(&self) -> &'static str {
        self.lang.code()
    }

    /// The message `id` without arguments.
    pub fn t(&self, id: &str) -> String {
        self.format(id, None)
    }

    /// The message `id` with one argument.
    pub fn t1<'a>(&self, id: &str, name: &'a str, value: impl Into<FluentValue<'a>>) -> String {
        let mut args = FluentArgs::new();
        args.set(name, value);
        self.format(id, Some(&args))
    }

    /// The message `id` with several arguments.
    pub fn ta<'a>(&self, id: &str, pairs: &[(&'a str, FluentValue<'a>)]) -> String {
        let mut args = FluentArgs::new();
        for (k, v) in pairs {
            args.set(*k, v.clone());
        }
        self.format(id, Some(&args))
    }

    fn format(&self, id: &str, args: Option<&FluentArgs>) -> String {
        let mut bundle = &BUNDLES[index(self.lang)];
        if !bundle.has_message(id) {
            // A test keeps every locale complete; should one slip through, English is better
            // than a bare id.
            tracing::warn!(id, lang = self.lang.code(), "missing message");
            bundle = &BUNDLES[index(Lang::En)];
        }
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            return id.to_string();
        };
        let mut errors = vec![];
        let s = bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::warn!(
                id,
                lang = self.lang.code(),
                ?errors,
                "message formatting error"
            );
        }
        s.into_owned()
    }

    /// Whether the message exists (for optional, data-driven texts).
    pub fn has(&self, id: &str) -> bool {
        BUNDLES[index(self.lang)].has_message(id)
    }
}

/// The message ids defined in a locale source (for the completeness tests).
pub fn message_ids(src: &str) -> Vec<String> {
    let res = match FluentResource::try_new(src.to_string()) {
        Ok(r) => r,
        Err((r, _)) => r,
    };
    res.entries()
        .filter_map(|e| match e {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
            _ => None,
        })
        .collect()
}
