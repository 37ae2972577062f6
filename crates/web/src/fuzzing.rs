//! Fuzz targets for every parser of untrusted input. Each takes raw bytes (what libFuzzer or a
//! property test hands it), builds a structured input from them with `arbitrary` (a multipart
//! body, a JSON document, an image made of chunks and segments, Fluent arguments …) and checks
//! that nothing panics and that the invariants hold: no 5xx from the web app, a receipt code
//! parses back to itself, a cleaned image has no metadata left and cleans to itself.
//!
//! Run by `scripts/fuzz TARGET SECONDS` (cargo fuzz, coverage-guided, when it can be built) and
//! by the property tests in `crates/web/tests/fuzz.rs` (a few seconds each in `scripts/test`).
//! Not part of the product: nothing calls this module outside fuzzing.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use arbitrary::{Arbitrary, Unstructured};
use axum::body::Body;
use axum::http::{Request, header};
use img_parts::Bytes;
use img_parts::jpeg::{Jpeg, markers};
use img_parts::png::{Png, PngChunk};
use tower::ServiceExt;
use trustbox_crypto::{MasterKey, ReceiptCode};
use trustbox_i18n::{FluentValue, Lang, Tr};
use trustbox_store::testing::{TestDb, fresh};
use trustbox_store::{Backend, NewUnit};

use crate::{AppState, SystemClock, WebConfig};

/// The targets, by name (for `scripts/fuzz` and the tests).
pub const TARGETS: &[&str] = &[
    "appeal_multipart",
    "form_urlencoded",
    "api_json",
    "receipt_code",
    "image_metadata",
    "fluent_args",
];

/// Runs target `name` on `data`. Panics on a finding.
pub fn run(name: &str, data: &[u8]) {
    match name {
        "appeal_multipart" => harness().appeal_multipart(data),
        "form_urlencoded" => harness().form_urlencoded(data),
        "api_json" => harness().api_json(data),
        "receipt_code" => receipt_code(data),
        "image_metadata" => image_metadata(data),
        "fluent_args" => fluent_args(data),
        other => panic!("no fuzz target {other:?}; targets: {TARGETS:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Receipt codes

pub fn receipt_code(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    for input in [s.as_ref(), s.trim()] {
        if let Ok(code) = ReceiptCode::parse(input) {
            let grouped = code.grouped();
            let digits: String = input.chars().filter(char::is_ascii_digit).collect();
            assert_eq!(grouped.replace([' ', '-'], ""), digits, "{input:?}");
            let again = ReceiptCode::parse(&grouped).expect("a grouped code parses");
            assert_eq!(again.grouped(), grouped);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Image metadata stripping

const PNG_KINDS: &[&[u8; 4]] = &[
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"iCCP", b"sRGB", b"pHYs", b"tEXt",
    b"zTXt", b"iTXt", b"eXIf", b"tIME", b"sPLT", b"prVt", b"acTL", b"fcTL", b"fdAT", b"ABCD",
];
/// PNG chunks that must never survive cleaning.
const PNG_DROPPED: &[&[u8; 4]] = &[
    b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME", b"sPLT", b"prVt",
];
const JPEG_MARKERS: &[u8] = &[
    markers::APP0,
    markers::APP1,
    markers::APP2,
    0xE3,
    0xED, // APP13
    markers::APP14,
    markers::COM,
    markers::DQT,
    markers::DHT,
    markers::SOF0,
    0xC2, // SOF2
    markers::DRI,
    0xF0, // JPG0
];
/// JPEG segments that must never survive cleaning.
const JPEG_DROPPED: &[u8] = &[markers::APP1, 0xE3, 0xED, markers::COM];

fn png_from(u: &mut Unstructured) -> arbitrary::Result<Vec<u8>> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let n = u.int_in_range(0..=10)?;
    for i in 0..n {
        let kind = if i == 0 && u.ratio(4, 5)? {
            *b"IHDR"
        } else {
            **u.choose(PNG_KINDS)?
        };
        let contents: Vec<u8> = if kind == *b"IHDR" && u.ratio(4, 5)? {
            let mut c = vec![0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0];
            u.fill_buffer(&mut c[..8])?;
            c
        } else if kind == *b"eXIf" || kind == *b"tEXt" {
            let mut c = b"GPS\0".to_vec();
            c.extend(Vec::<u8>::arbitrary(u)?);
            c
        } else {
            Vec::<u8>::arbitrary(u)?.into_iter().take(64).collect()
        };
        let chunk = PngChunk::new(kind, Bytes::from(contents));
        let mut bytes = chunk.encoder().bytes().to_vec();
        if u.ratio(1, 20)? && !bytes.is_empty() {
            let i = u.choose_index(bytes.len())?;
            bytes[i] ^= u8::arbitrary(u)? | 1;
        }
        out.extend(bytes);
    }
    if u.ratio(1, 3)? {
        out.extend(Vec::<u8>::arbitrary(u)?);
    }
    Ok(out)
}

fn jpeg_from(u: &mut Unstructured) -> arbitrary::Result<Vec<u8>> {
    let mut out = vec![0xFF, markers::SOI];
    let n = u.int_in_range(0..=10)?;
    for _ in 0..n {
        let marker = if u.ratio(1, 10)? {
            u8::arbitrary(u)?
        } else {
            *u.choose(JPEG_MARKERS)?
        };
        let mut contents: Vec<u8> = Vec::<u8>::arbitrary(u)?.into_iter().take(80).collect();
        if marker == markers::APP1 && u.ratio(1, 2)? {
            let mut c = b"Exif\0\0GPS-LATITUDE".to_vec();
            c.append(&mut contents);
            contents = c;
        }
        if marker == markers::APP0 && u.ratio(1, 2)? {
            let mut c = b"JFIF\0\x01\x02\0\0\x01\0\x01".to_vec();
            c.append(&mut contents);
            contents = c;
        }
        let len = if u.ratio(1, 20)? {
            u16::arbitrary(u)?
        } else {
            (contents.len() + 2) as u16
        };
        out.extend([0xFF, marker]);
        out.extend(len.to_be_bytes());
        out.extend(contents);
    }
    if u.ratio(3, 4)? {
        // A scan: SOS header, entropy-coded data (with stuffing and restart markers), EOI.
        out.extend([0xFF, markers::SOS, 0, 8, 1, 1, 0, 0, 63, 0]);
        for _ in 0..u.int_in_range(0..=20)? {
            match u.int_in_range(0..=5)? {
                0 => out.extend([0xFF, 0x00]),
                1 => out.extend([0xFF, markers::RST0 + u.int_in_range(0..=7)?]),
                2 => out.extend([0xFF, *u.choose(JPEG_MARKERS)?, 0, 4, 1, 2]),
                _ => out.push(u8::arbitrary(u)? & 0xFE),
            }
        }
        if u.ratio(4, 5)? {
            out.extend([0xFF, markers::EOI]);
        }
    }
    if u.ratio(1, 4)? {
        out.extend(b"Exif trailer after EOI");
    }
    Ok(out)
}

pub fn image_metadata(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(which) = u.int_in_range(0..=3u8) else {
        return;
    };
    let bytes = match which {
        0 => png_from(&mut u),
        1 => jpeg_from(&mut u),
        _ => Ok(u.take_rest().to_vec()),
    };
    let Ok(bytes) = bytes else { return };
    let name = String::from_utf8_lossy(&data[..data.len().min(40)]).into_owned();
    let Ok(f) = crate::upload::accept(&name, bytes) else {
        return;
    };
    assert!(
        !f.name.is_empty() && f.name.chars().count() <= 120,
        "{:?}",
        f.name
    );
    assert!(!f.name.contains(['/', '\\', '\u{202E}']), "{:?}", f.name);
    match f.kind {
        crate::upload::FileKind::Png => {
            let png = Png::from_bytes(Bytes::from(f.bytes.clone())).expect("a cleaned PNG parses");
            for c in png.chunks() {
                assert!(
                    !PNG_DROPPED.iter().any(|k| **k == c.kind()),
                    "metadata chunk {:?} kept",
                    String::from_utf8_lossy(&c.kind())
                );
            }
        }
        crate::upload::FileKind::Jpeg => {
            let jpeg =
                Jpeg::from_bytes(Bytes::from(f.bytes.clone())).expect("a cleaned JPEG parses");
            for s in jpeg.segments() {
                if s.marker() == markers::SOS {
                    break;
                }
                assert!(
                    !JPEG_DROPPED.contains(&s.marker()),
                    "metadata segment {:#x} kept",
                    s.marker()
                );
            }
            assert!(
                f.bytes.ends_with(&[0xFF, markers::EOI]),
                "nothing after EOI"
            );
        }
        _ => {}
    }
    // Cleaning a clean file changes nothing.
    let again =
        crate::upload::accept(&f.name, f.bytes.clone()).expect("a cleaned file is accepted");
    assert_eq!(again.bytes, f.bytes, "cleaning is not idempotent");
    assert_eq!(again.mime, f.mime);
}

// ---------------------------------------------------------------------------------------------
// Fluent arguments

/// Per language: the message ids and the variable names used in the messages.
type Catalog = (Lang, Vec<String>, Vec<String>);

fn message_ids() -> &'static [Catalog] {
    static IDS: std::sync::OnceLock<Vec<Catalog>> = std::sync::OnceLock::new();
    IDS.get_or_init(|| {
        trustbox_i18n::SOURCES
            .iter()
            .filter_map(|(code, src)| {
                let lang = Lang::parse(code)?;
                let ids = trustbox_i18n::message_ids(src);
                let mut vars: Vec<String> = src
                    .split('$')
                    .skip(1)
                    .map(|rest| {
                        rest.chars()
                            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                            .collect::<String>()
                    })
                    .filter(|v| !v.is_empty())
                    .collect();
                vars.sort();
                vars.dedup();
                Some((lang, ids, vars))
            })
            .collect()
    })
}

pub fn fluent_args(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let all = message_ids();
    let Ok((lang, ids, vars)) = u.choose(all) else {
        return;
    };
    let Ok(id) = u.choose(ids) else { return };
    let mut names: Vec<String> = Vec::new();
    let mut values: Vec<FluentValue> = Vec::new();
    let n = u.int_in_range(0..=4).unwrap_or(0);
    for _ in 0..n {
        let name = if u.ratio(4, 5).unwrap_or(true) {
            u.choose(vars).cloned().unwrap_or_default()
        } else {
            String::arbitrary(&mut u).unwrap_or_default()
        };
        let value = match u.int_in_range(0..=4u8).unwrap_or(0) {
            0 => FluentValue::from(String::arbitrary(&mut u).unwrap_or_default()),
            1 => FluentValue::from(i64::arbitrary(&mut u).unwrap_or_default()),
            2 => FluentValue::from(f64::arbitrary(&mut u).unwrap_or_default()),
            3 => FluentValue::from(
                *u.choose(&["one", "few", "many", "other", "0", "-1"])
                    .unwrap_or(&"x"),
            ),
            _ => FluentValue::None,
        };
        names.push(name);
        values.push(value);
    }
    let pairs: Vec<(&str, FluentValue)> = names.iter().map(String::as_str).zip(values).collect();
    let tr = Tr::new(*lang);
    let _ = tr.ta(id, &pairs);
}

// ---------------------------------------------------------------------------------------------
// The web app: the appeal form (multipart), the url-encoded forms, the JSON API

/// A real web app on a real SQLite database with one school (`demo`), rate limits off.
pub struct Harness {
    rt: tokio::runtime::Runtime,
    app: axum::Router,
    /// How often each status was answered (to see that the inputs reach the handlers).
    pub statuses: std::sync::Mutex<std::collections::BTreeMap<u16, u64>>,
    _db: TestDb,
}

/// One harness per process (libFuzzer calls a target millions of times).
pub fn harness() -> &'static Harness {
    static H: std::sync::OnceLock<Harness> = std::sync::OnceLock::new();
    H.get_or_init(Harness::new)
}

impl Default for Harness {
    fn default() -> Self {
        Harness::new()
    }
}

impl Harness {
    pub fn new() -> Harness {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let (state, db) = rt.block_on(async {
            let db = fresh(Backend::Sqlite).await.expect("a SQLite database");
            let store = trustbox_store::Store::connect(&db.url)
                .await
                .expect("connect");
            store.migrate(0).await.expect("migrate");
            store
                .create_unit(
                    &NewUnit {
                        parent_id: None,
                        kind: "school".into(),
                        slug: "demo".into(),
                        country: "KG".into(),
                        name_ky: "Демо".into(),
                        name_kk: "Демо".into(),
                        name_ru: "Демо".into(),
                        name_en: "Demo".into(),
                        default_lang: "ky".into(),
                        time_zone: "Asia/Bishkek".into(),
                    },
                    0,
                )
                .await
                .expect("a school");
            let config = WebConfig {
                rate_limit: false,
                ..WebConfig::default()
            };
            let state = AppState::new(
                store,
                MasterKey::for_tests(7),
                config,
                Arc::new(SystemClock),
            );
            (state, db)
        });
        let app = crate::app(state);
        Harness {
            rt,
            app,
            statuses: Default::default(),
            _db: db,
        }
    }

    /// Sends one request to the app; returns the status. A panic in a handler propagates.
    pub fn send(&self, method: &str, path: &str, content_type: &str, body: Vec<u8>) -> u16 {
        let app = self.app.clone();
        let req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::CONTENT_TYPE, content_type)
            .header(header::CONTENT_LENGTH, body.len())
            .body(Body::from(body));
        let Ok(req) = req else {
            return 400;
        };
        self.rt.block_on(async {
            let resp = app.oneshot(req).await.expect("infallible");
            let status = resp.status().as_u16();
            let _ = axum::body::to_bytes(resp.into_body(), 16 << 20).await;
            status
        })
    }

    fn check(&self, method: &str, path: &str, content_type: &str, body: Vec<u8>) {
        let status = self.send(method, path, content_type, body.clone());
        if let Ok(mut m) = self.statuses.lock() {
            *m.entry(status).or_default() += 1;
        }
        assert!(
            status < 500,
            "{method} {path} ({content_type}) answered {status} to {:?}",
            String::from_utf8_lossy(&body[..body.len().min(2000)])
        );
    }

    pub fn appeal_multipart(&self, data: &[u8]) {
        let mut u = Unstructured::new(data);
        let Ok(lang) = u.choose(&["ky", "kk", "ru", "en", "xx"]) else {
            return;
        };
        let boundary = if u.ratio(9, 10).unwrap_or(true) {
            "XyZ-boundary-1".to_string()
        } else {
            String::arbitrary(&mut u).unwrap_or_default()
        };
        let names = [
            "author",
            "anonymous",
            "name",
            "age",
            "class",
            "address",
            "phone",
            "email",
            "category",
            "text",
            "written_on",
            "answer_via",
            "code",
            "files",
            "other",
        ];
        let values = [
            "pupil",
            "parent",
            "teacher",
            "other",
            "0",
            "1",
            "bullying",
            "violence",
            "question",
            "board",
            "personal",
            "email",
            "2026-02-30",
            "2026-12-01",
            "",
        ];
        let mut body = Vec::new();
        if u.ratio(1, 2).unwrap_or(true) {
            // Start from a valid letter, then add (and override) fields.
            for (name, value) in [
                ("author", "pupil"),
                ("category", "bullying"),
                ("text", "they take my phone"),
            ] {
                body.extend(
                    format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                        .as_bytes(),
                );
            }
        }
        let n = u.int_in_range(0..=12).unwrap_or(0);
        for _ in 0..n {
            let name = u.choose(&names).copied().unwrap_or("text");
            body.extend(format!("--{boundary}\r\n").as_bytes());
            if name == "files" {
                let fname = String::arbitrary(&mut u)
                    .unwrap_or_default()
                    .replace('"', "");
                let ct = u
                    .choose(&["image/jpeg", "image/png", "application/pdf", "text/html"])
                    .copied()
                    .unwrap_or("image/png");
                body.extend(
                    format!("Content-Disposition: form-data; name=\"files\"; filename=\"{fname}\"\r\nContent-Type: {ct}\r\n\r\n")
                        .as_bytes(),
                );
                let file = match u.int_in_range(0..=2u8).unwrap_or(0) {
                    0 => png_from(&mut u).unwrap_or_default(),
                    1 => jpeg_from(&mut u).unwrap_or_default(),
                    _ => Vec::<u8>::arbitrary(&mut u).unwrap_or_default(),
                };
                body.extend(file);
            } else {
                body.extend(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                );
                if u.ratio(1, 2).unwrap_or(true) {
                    body.extend(u.choose(&values).copied().unwrap_or("").as_bytes());
                } else {
                    body.extend(Vec::<u8>::arbitrary(&mut u).unwrap_or_default());
                }
            }
            body.extend(b"\r\n");
        }
        if u.ratio(9, 10).unwrap_or(true) {
            body.extend(format!("--{boundary}--\r\n").as_bytes());
        }
        let school = if u.ratio(9, 10).unwrap_or(true) {
            "demo"
        } else {
            "nope"
        };
        if u.ratio(1, 10).unwrap_or(false) {
            body.extend(u.take_rest());
        }
        self.check(
            "POST",
            &format!("/{lang}/{school}/write"),
            &format!("multipart/form-data; boundary={boundary}"),
            body,
        );
    }

    pub fn form_urlencoded(&self, data: &[u8]) {
        let mut u = Unstructured::new(data);
        let Ok(path) = u.choose(&[
            "/ru/follow-up",
            "/ky/follow-up/reply",
            "/kk/demo/write",
            "/staff/login",
            "/en/follow-up",
        ]) else {
            return;
        };
        let body: Vec<u8> = if u.ratio(1, 2).unwrap_or(true) {
            let pairs: Vec<(String, String)> = Vec::arbitrary(&mut u).unwrap_or_default();
            let mut pairs: Vec<(String, String)> = pairs.into_iter().take(20).collect();
            if u.ratio(1, 2).unwrap_or(true) {
                let code = String::arbitrary(&mut u).unwrap_or_default();
                pairs.push(("code".into(), code));
            }
            serde_urlencoded::to_string(&pairs)
                .unwrap_or_default()
                .into_bytes()
        } else {
            u.take_rest().to_vec()
        };
        self.check("POST", path, "application/x-www-form-urlencoded", body);
    }

    pub fn api_json(&self, data: &[u8]) {
        let mut u = Unstructured::new(data);
        let follow = u.ratio(1, 3).unwrap_or(false);
        let body = if u.ratio(4, 5).unwrap_or(true) {
            let keys = [
                "author",
                "anonymous",
                "contact",
                "category",
                "text",
                "written_on",
                "answer_via",
                "language",
                "channel",
                "received_at",
                "receipt",
                "name",
                "age",
                "email",
                "x",
            ];
            let mut obj = serde_json::Map::new();
            if u.ratio(1, 2).unwrap_or(true) {
                // Start from a valid appeal (or follow-up) and change some of it.
                obj.insert("author".into(), "pupil".into());
                obj.insert("category".into(), "bullying".into());
                obj.insert("text".into(), "they take my phone".into());
                if follow {
                    obj.clear();
                    obj.insert("receipt".into(), "1234-5678-9012-3456".into());
                }
            }
            for _ in 0..u.int_in_range(0..=10).unwrap_or(0) {
                let k = u.choose(&keys).copied().unwrap_or("x");
                obj.insert(k.to_string(), json_value(&mut u, 2));
            }
            serde_json::to_vec(&serde_json::Value::Object(obj)).unwrap_or_default()
        } else {
            u.take_rest().to_vec()
        };
        let path = if follow {
            "/api/v1/follow-up"
        } else {
            "/api/v1/schools/demo/appeals"
        };
        self.check("POST", path, "application/json", body);
    }
}

fn json_value(u: &mut Unstructured, depth: u8) -> serde_json::Value {
    let words = [
        "pupil",
        "parent",
        "bullying",
        "violence",
        "board",
        "email",
        "ru",
        "kk",
        "phone",
        "2026-12-01",
        "2026-12-01T10:00:00Z",
        "1234-5678-9012-3456",
        "",
    ];
    match u.int_in_range(0..=7u8).unwrap_or(0) {
        0 => serde_json::Value::Null,
        1 => bool::arbitrary(u).unwrap_or_default().into(),
        2 => i64::arbitrary(u).unwrap_or_default().into(),
        3 => serde_json::Number::from_f64(f64::arbitrary(u).unwrap_or_default())
            .map(serde_json::Value::Number)
            .unwrap_or_default(),
        4 => String::arbitrary(u).unwrap_or_default().into(),
        5 if depth > 0 => {
            let mut m = serde_json::Map::new();
            for k in ["name", "age", "phone", "email", "x"] {
                if u.ratio(1, 2).unwrap_or(false) {
                    m.insert(k.into(), json_value(u, depth - 1));
                }
            }
            m.into()
        }
        6 if depth > 0 => (0..u.int_in_range(0..=3).unwrap_or(0))
            .map(|_| json_value(u, depth - 1))
            .collect::<Vec<_>>()
            .into(),
        _ => u.choose(&words).copied().unwrap_or("").into(),
    }
}
