//! `trustbox intake voicemail`, run as an administrator would, on SQLite and PostgreSQL: the
//! recording becomes a voicemail appeal whose audio decrypts to the same bytes and is not
//! readable at rest; a file that is not audio (or a bad time, an unknown school, a missing
//! file) is one clear line, a non-zero exit, and nothing written.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use time::format_description::well_known::Rfc3339;
use trustbox_crypto::{DerivationRoot, Keyring, MasterKey};
use trustbox_store::testing::{TestDb, fresh};
use trustbox_store::{Backend, Store};
use trustbox_web::intake::{attachment_aad, key_aad};

const BIN: &str = env!("CARGO_BIN_EXE_trustbox");
const MARKER: &[u8] = b"CLI-VOICEMAIL-MARKER-Walrus-91c2";

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "tb-intake-{name}-{}-{:x}",
        std::process::id(),
        rand_u64()
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64,
    );
    h.finish()
}

fn run(data: &Path, db: &TestDb, args: &[&str]) -> Output {
    let mut c = Command::new(BIN);
    for (k, _) in std::env::vars() {
        if k.starts_with("TRUSTBOX_") {
            c.env_remove(k);
        }
    }
    c.env("TRUSTBOX_LOG", "warn")
        .arg("--data-dir")
        .arg(data)
        .arg("--database-url")
        .arg(&db.url)
        .args(args)
        .output()
        .unwrap()
}

fn assert_one_clear_line(o: &Output, needle: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "expected failure: {err}");
    let lines: Vec<_> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one line, got: {err}");
    assert!(lines[0].starts_with("error: "), "{err}");
    assert!(lines[0].contains(needle), "expected {needle:?} in: {err}");
}

/// A real PCM WAV (8 kHz mono 16-bit) with [`MARKER`] among its samples.
fn wav() -> Vec<u8> {
    let mut samples: Vec<u8> = (0..3000u32)
        .flat_map(|i| (((i % 40) as i16 - 20) * 400).to_le_bytes())
        .collect();
    samples.splice(500..500, MARKER.iter().copied());
    let mut w = b"RIFF".to_vec();
    w.extend_from_slice(&(36 + samples.len() as u32).to_le_bytes());
    w.extend_from_slice(b"WAVEfmt ");
    w.extend_from_slice(&16u32.to_le_bytes());
    for v in [1u16, 1] {
        w.extend_from_slice(&v.to_le_bytes());
    }
    for v in [8000u32, 16000] {
        w.extend_from_slice(&v.to_le_bytes());
    }
    for v in [2u16, 16] {
        w.extend_from_slice(&v.to_le_bytes());
    }
    w.extend_from_slice(b"data");
    w.extend_from_slice(&(samples.len() as u32).to_le_bytes());
    w.extend_from_slice(&samples);
    w
}

async fn raw(db: &TestDb) -> String {
    match db.backend {
        Backend::Sqlite => {
            let mut all = Vec::new();
            for f in std::fs::read_dir(db.dir.as_ref().unwrap())
                .unwrap()
                .flatten()
            {
                // A -wal or -shm file may vanish as the last connection closes.
                if let Ok(bytes) = std::fs::read(f.path()) {
                    all.extend(bytes);
                }
            }
            String::from_utf8_lossy(&all).into_owned()
        }
        Backend::Postgres => {
            let out = Command::new("pg_dump").arg(&db.url).output().unwrap();
            assert!(out.status.success());
            String::from_utf8_lossy(&out.stdout).into_owned()
        }
    }
}

async fn voicemail_from_the_command_line(backend: Backend) {
    let db = fresh(backend).await.unwrap_or_else(|e| panic!("{e}"));
    let data = tmp("vm");
    for args in [
        &[
            "school",
            "create",
            "--kind",
            "country",
            "--slug",
            "kg",
            "--country",
            "KG",
            "--name-ky",
            "Кыргызстан",
        ][..],
        &[
            "school",
            "create",
            "--slug",
            "school-9",
            "--parent",
            "kg",
            "--country",
            "KG",
            "--name-ky",
            "Мектеп 9",
        ],
    ] {
        let o = run(&data, &db, args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let audio = wav();
    let msg = data.join("message.wav");
    std::fs::write(&msg, &audio).unwrap();
    let fake = data.join("message2.wav");
    std::fs::write(&fake, b"%PDF-1.4\n%%EOF\n").unwrap();
    let received = (time::OffsetDateTime::now_utc() - time::Duration::hours(20))
        .replace_nanosecond(0)
        .unwrap()
        .to_offset(time::macros::offset!(+6));
    let at = received.format(&Rfc3339).unwrap();

    // Refusals first: nothing may be written by any of them.
    let file = fake.to_str().unwrap();
    let o = run(
        &data,
        &db,
        &[
            "intake",
            "voicemail",
            "--school",
            "school-9",
            "--file",
            file,
        ],
    );
    assert_one_clear_line(&o, "This file is not a sound recording");
    let o = run(
        &data,
        &db,
        &[
            "intake",
            "voicemail",
            "--school",
            "school-9",
            "--file",
            data.join("none.wav").to_str().unwrap(),
        ],
    );
    assert_one_clear_line(&o, "cannot read the recording");
    let good = msg.to_str().unwrap();
    let o = run(
        &data,
        &db,
        &[
            "intake",
            "voicemail",
            "--school",
            "school-9",
            "--file",
            good,
            "--received-at",
            "30.11.2026 19:05",
        ],
    );
    assert_one_clear_line(&o, "--received-at");
    let o = run(
        &data,
        &db,
        &[
            "intake",
            "voicemail",
            "--school",
            "school-99",
            "--file",
            good,
        ],
    );
    assert_one_clear_line(&o, "no school \"school-99\"");
    let store = Store::connect(&db.url).await.unwrap();
    let school = store.unit_by_slug("school-9").await.unwrap();
    assert!(
        store
            .inbox(school.id, &Default::default(), 10, 0)
            .await
            .unwrap()
            .is_empty(),
        "nothing written by a refusal"
    );

    let o = run(
        &data,
        &db,
        &[
            "intake",
            "voicemail",
            "--school",
            "school-9",
            "--file",
            good,
            "--received-at",
            &at,
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("registered voicemail"), "{out}");

    let list = store
        .inbox(school.id, &Default::default(), 10, 0)
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    let a = store.appeal(school.id, list[0].id).await.unwrap();
    assert_eq!(a.channel, "voicemail");
    assert_eq!(a.received_at, received.unix_timestamp());
    assert!(!store.journal_of(school.id, a.id).await.unwrap().is_empty());
    let files = store.attachments(a.id).await.unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].mime, "audio/wav");
    let (meta, content) = store
        .attachment(school.id, a.id, files[0].id)
        .await
        .unwrap();
    let master = MasterKey::load_file(&data.join("master.key")).unwrap();
    // The data key is wrapped by a keyring bucket (crypto-shredding), opened as the server does.
    let root = DerivationRoot::of_master(&master);
    let keys =
        trustbox_web::Keys::with_keyring(master, Keyring::lazy(&data.join("keyring")), &root);
    let dk = keys
        .unwrap_data_key(&a.data_key, &key_aad(school.id, a.id))
        .unwrap();
    let plain = dk
        .open(
            &attachment_aad(school.id, a.id, meta.id, "content"),
            &content,
        )
        .unwrap();
    assert_eq!(plain, audio, "the recording comes back byte-identical");
    let audit = store.audit_entries(Some(school.id), 10).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "voicemail-imported"));
    store.close().await;
    let dump = raw(&db).await;
    assert!(dump.contains("voicemail"), "the dump is real");
    assert!(!dump.contains(std::str::from_utf8(MARKER).unwrap()));
    let _ = std::fs::remove_dir_all(&data);
}

#[tokio::test]
async fn voicemail_from_the_command_line_sqlite() {
    voicemail_from_the_command_line(Backend::Sqlite).await;
}

#[tokio::test]
async fn voicemail_from_the_command_line_postgres() {
    voicemail_from_the_command_line(Backend::Postgres).await;
}
