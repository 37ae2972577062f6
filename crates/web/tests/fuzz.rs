//! The fuzz targets of `trustbox_web::fuzzing` driven by proptest on stable Rust: random bytes
//! (shrunk to a small case on a finding) for a time budget per target, `TRUSTBOX_FUZZ_SECS`
//! (default 2). `scripts/test` runs each for a few seconds; `scripts/fuzz TARGET SECONDS` runs one
//! longer, coverage-guided with cargo fuzz where it builds.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

fn budget() -> Duration {
    let secs: f64 = std::env::var("TRUSTBOX_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2.0);
    Duration::from_secs_f64(secs)
}

/// Runs `target` on random inputs until the budget is spent; fails with the smallest input
/// found that makes it panic.
fn fuzz(target: &str) {
    let deadline = Instant::now() + budget();
    let runs = std::cell::Cell::new(0u64);
    while Instant::now() < deadline {
        // A new runner each round: one runner counts its successes across calls.
        let mut runner = TestRunner::new(Config {
            cases: 64,
            failure_persistence: None,
            ..Config::default()
        });
        let result = runner.run(&vec(any::<u8>(), 0..2048), |data| {
            runs.set(runs.get() + 1);
            let r = std::panic::catch_unwind(|| trustbox_web::fuzzing::run(target, &data));
            r.map_err(|e| {
                let msg = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                TestCaseError::fail(msg)
            })
        });
        if let Err(e) = result {
            panic!("fuzz target {target} found: {e}");
        }
    }
    let statuses = trustbox_web::fuzzing::harness()
        .statuses
        .lock()
        .map(|m| format!("{m:?}"))
        .unwrap_or_default();
    eprintln!(
        "fuzz target {target}: {} inputs in {:?}, no finding (web answers so far: {statuses})",
        runs.get(),
        budget()
    );
}

#[test]
#[ignore = "a timed fuzz run: scripts/test's fuzz step and scripts/fuzz run it"]
fn fuzz_appeal_multipart() {
    fuzz("appeal_multipart");
}

#[test]
#[ignore = "a timed fuzz run: scripts/test's fuzz step and scripts/fuzz run it"]
fn fuzz_form_urlencoded() {
    fuzz("form_urlencoded");
}

#[test]
#[ignore = "a timed fuzz run: scripts/test's fuzz step and scripts/fuzz run it"]
fn fuzz_api_json() {
    fuzz("api_json");
}

#[test]
#[ignore = "a timed fuzz run: scripts/test's fuzz step and scripts/fuzz run it"]
fn fuzz_receipt_code() {
    fuzz("receipt_code");
}

#[test]
#[ignore = "a timed fuzz run: scripts/test's fuzz step and scripts/fuzz run it"]
fn fuzz_image_metadata() {
    fuzz("image_metadata");
}

#[test]
#[ignore = "a timed fuzz run: scripts/test's fuzz step and scripts/fuzz run it"]
fn fuzz_fluent_args() {
    fuzz("fluent_args");
}

#[test]
fn every_target_has_a_test() {
    let src = include_str!("fuzz.rs");
    for t in trustbox_web::fuzzing::TARGETS {
        assert!(src.contains(&format!("fn fuzz_{t}()")), "{t}");
    }
}

/// The harness is the real app: valid input is accepted, so the random inputs reach the handlers.
#[test]
fn the_harness_accepts_a_valid_letter() {
    let h = trustbox_web::fuzzing::harness();
    let json = br#"{"author":"pupil","category":"bullying","text":"they take my phone"}"#;
    assert_eq!(
        h.send(
            "POST",
            "/api/v1/schools/demo/appeals",
            "application/json",
            json.to_vec()
        ),
        201
    );
    let b = "--B\r\nContent-Disposition: form-data; name=\"author\"\r\n\r\npupil\r\n--B\r\nContent-Disposition: form-data; name=\"category\"\r\n\r\nbullying\r\n--B\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nthey take my phone\r\n--B--\r\n";
    assert_eq!(
        h.send(
            "POST",
            "/ru/demo/write",
            "multipart/form-data; boundary=B",
            b.as_bytes().to_vec()
        ),
        201
    );
    assert_eq!(
        h.send(
            "POST",
            "/ru/demo/write",
            "multipart/form-data; boundary=B",
            b"--B--".to_vec()
        ),
        422
    );
}
