//! Helpers shared by the unit tests.

use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};

/// A fresh private folder under the system temp dir, removed on drop.
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    #[allow(clippy::expect_used)]
    pub(crate) fn new() -> TempDir {
        let path =
            std::env::temp_dir().join(format!("trustbox-crypto-test-{}", crate::random_token()));
        std::fs::create_dir(&path).expect("create temp dir");
        TempDir(path)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The ways secret bytes could show up in text: hex (both cases), base64 variants, the array's
/// own `Debug`, and the bytes as text when they are printable.
pub(crate) fn secret_forms(bytes: &[u8]) -> Vec<String> {
    let mut forms = vec![
        hex::encode(bytes),
        hex::encode_upper(bytes),
        STANDARD.encode(bytes),
        STANDARD_NO_PAD.encode(bytes),
        URL_SAFE_NO_PAD.encode(bytes),
        format!("{bytes:?}"),
    ];
    // Also the first 8 bytes, in case a type printed a prefix.
    if bytes.len() > 8 {
        forms.push(hex::encode(&bytes[..8]));
        forms.push(
            format!("{:?}", &bytes[..8])
                .trim_end_matches(']')
                .to_string(),
        );
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        forms.push(s.to_string());
    }
    forms
}
