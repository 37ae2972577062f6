//! Every message exists in all four locales, none is unused, and each file parses cleanly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use trustbox_i18n::{SOURCES, message_ids};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn ids(src: &str) -> BTreeSet<String> {
    message_ids(src).into_iter().collect()
}

#[test]
fn every_locale_parses_without_errors() {
    for (code, src) in SOURCES {
        if let Err((_, errs)) = fluent_bundle::FluentResource::try_new(src.to_string()) {
            panic!("locales/{code}/*.ftl has syntax errors: {errs:?}");
        }
        let all = message_ids(src);
        let unique: BTreeSet<_> = all.iter().collect();
        assert_eq!(all.len(), unique.len(), "locales/{code}/*.ftl defines a message twice");
    }
}

#[test]
fn every_locale_has_the_same_messages() {
    let en = ids(SOURCES[3].1);
    assert!(en.len() > 20, "the English locale looks empty");
    for (code, src) in SOURCES {
        let this = ids(src);
        let missing: Vec<_> = en.difference(&this).collect();
        let extra: Vec<_> = this.difference(&en).collect();
        assert!(missing.is_empty(), "locales/{code}/*.ftl lacks: {missing:?}");
        assert!(extra.is_empty(), "locales/{code}/*.ftl has messages English lacks: {extra:?}");
    }
}

fn collect_sources(dir: &Path, out: &mut String) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if p.is_dir() {
            if name != "target" && name != "tests" {
                collect_sources(&p, out);
            }
        } else if [".rs", ".html", ".typ", ".txt"].iter().any(|x| name.ends_with(x)) {
            out.push_str(&std::fs::read_to_string(&p).unwrap_or_default());
            out.push('\n');
        }
    }
}

#[test]
fn every_message_is_used_somewhere() {
    let mut code = String::new();
    collect_sources(&workspace().join("crates"), &mut code);
    let unused: Vec<_> = ids(SOURCES[3].1)
        .into_iter()
        .filter(|id| !code.contains(&format!("\"{id}\"")))
        .collect();
    assert!(unused.is_empty(), "messages no code uses (remove them or use them): {unused:?}");
}
