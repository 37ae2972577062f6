//! Group commit: many appeals registered at once through the intake writer get distinct,
//! consecutive journal numbers per school and year, and the journal and audit chains stay
//! valid; one bad appeal in a batch costs the others nothing. On SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use trustbox_store::testing::{TestDb, fresh};
use trustbox_store::{Backend, NewAppeal, NewUnit, Store, StoreError};

async fn open(backend: Backend) -> (Store, TestDb) {
    let db = fresh(backend).await.unwrap_or_else(|e| panic!("{e}"));
    let store = Store::connect(&db.url).await.unwrap();
    store.migrate(1_700_000_000).await.unwrap();
    (store, db)
}

macro_rules! both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                let (s, _db) = super::open(trustbox_store::Backend::Sqlite).await;
                super::$name(s).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let (s, _db) = super::open(trustbox_store::Backend::Postgres).await;
                super::$name(s).await;
            }
        }
    )*};
}

both!(
    concurrent_registrations_get_consecutive_numbers_and_valid_chains,
    a_bad_appeal_does_not_sink_its_batch,
    a_large_batch_is_stored_column_for_column
);

async fn school(s: &Store, slug: &str) -> i64 {
    s.create_unit(
        &NewUnit {
            parent_id: None,
            kind: "school".into(),
            slug: slug.into(),
            country: "KG".into(),
            name_ky: slug.into(),
            name_kk: String::new(),
            name_ru: slug.into(),
            name_en: String::new(),
            default_lang: "ky".into(),
            time_zone: "Asia/Bishkek".into(),
        },
        0,
    )
    .await
    .unwrap()
    .id
}

fn appeal(id: i64, school_id: i64, year: i64) -> NewAppeal {
    NewAppeal {
        id,
        school_id,
        journal_year: year,
        received_at: 1_780_000_000 + id,
        channel: "web".into(),
        author_type: "pupil".into(),
        anonymous: true,
        category: "question".into(),
        urgent: false,
        risks: String::new(),
        answer_via: "board".into(),
        written_on: "2026-05-01".into(),
        deadline: "2026-05-08".into(),
        lang: "ky".into(),
        receipt_hash: Some(id.to_be_bytes().repeat(4)),
        data_key: vec![1; 60],
        text_enc: vec![2; 80],
        contact_enc: None,
        attachments: vec![],
        mails: vec![],
        entered_by: None,
        journal_payload: Some(vec![3; 40]),
    }
}

async fn concurrent_registrations_get_consecutive_numbers_and_valid_chains(s: Store) {
    let schools = [
        school(&s, "a").await,
        school(&s, "b").await,
        school(&s, "c").await,
    ];
    // 300 at once: three schools, two journal years in the first one, interleaved.
    let mut tasks = Vec::new();
    for i in 0..300i64 {
        let sch = schools[(i % 3) as usize];
        let year = if i % 3 == 0 && i % 2 == 0 { 2027 } else { 2026 };
        let store = s.clone();
        let task =
            tokio::spawn(async move { store.register_appeal(appeal(1000 + i, sch, year)).await });
        tasks.push((sch, task));
    }
    let mut numbers: BTreeMap<(i64, i64), Vec<i64>> = BTreeMap::new();
    for (i, (school_id, t)) in tasks.into_iter().enumerate() {
        let r = t.await.unwrap().unwrap();
        assert_eq!(r.id, 1000 + i as i64);
        let stored = s.appeal(school_id, r.id).await.unwrap();
        assert_eq!(
            (stored.journal_year, stored.journal_seq),
            (r.journal_year, r.journal_seq)
        );
        numbers
            .entry((school_id, r.journal_year))
            .or_default()
            .push(r.journal_seq);
    }
    assert_eq!(numbers.len(), 4, "{numbers:?}");
    for ((school_id, year), mut seqs) in numbers {
        seqs.sort();
        let n = seqs.len() as i64;
        assert_eq!(
            seqs,
            (1..=n).collect::<Vec<_>>(),
            "school {school_id}, {year}: distinct and consecutive"
        );
    }
    // What `trustbox verify` checks: every journal chain and the audit chain.
    assert_eq!(s.verify_journal_chains().await.unwrap(), Ok(300));
    let audited = s.verify_audit_chain().await.unwrap().unwrap();
    assert!(audited >= 300, "{audited}");
    // Each appeal's registration entry carries its own number.
    for sch in schools {
        let (len, _) = s.journal_head(sch).await.unwrap();
        assert_eq!(len, 100);
    }
}

async fn a_bad_appeal_does_not_sink_its_batch(s: Store) {
    let sch = school(&s, "a").await;
    s.register_appeal(appeal(7, sch, 2026)).await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..50i64 {
        // Number 20 reuses the id of the appeal above: refused alone, the others pass.
        let id = if i == 20 { 7 } else { 100 + i };
        let store = s.clone();
        tasks.push(tokio::spawn(async move {
            store.register_appeal(appeal(id, sch, 2026)).await
        }));
    }
    let mut ok = Vec::new();
    for (i, t) in tasks.into_iter().enumerate() {
        match t.await.unwrap() {
            Ok(r) => ok.push(r.journal_seq),
            Err(StoreError::Duplicate(_)) => assert_eq!(i, 20),
            Err(e) => panic!("appeal {i}: {e}"),
        }
    }
    ok.sort();
    assert_eq!(ok, (2..=50).collect::<Vec<_>>(), "no gap, no number twice");
    assert_eq!(s.verify_journal_chains().await.unwrap(), Ok(50));
    assert!(s.verify_audit_chain().await.unwrap().is_ok());
}

/// A batch of 300 (multi-row statements of 128, 128, 32, 8 and 4 rows) whose appeals differ in
/// every column: each is read back exactly as given, and the inbox list is the inbox without
/// the ciphertexts.
async fn a_large_batch_is_stored_column_for_column(s: Store) {
    let schools = [school(&s, "a").await, school(&s, "b").await];
    let bucket = 4242_i64;
    s.insert_bucket(bucket, "open", "open:2026-05", 0)
        .await
        .unwrap();
    let batch: Vec<NewAppeal> = (0..300i64)
        .map(|i| {
            let mut a = appeal(5000 + i, schools[(i % 2) as usize], 2026);
            a.received_at += i * 17;
            a.channel = ["web", "phone", "paper"][(i % 3) as usize].into();
            a.author_type = ["pupil", "parent", "teacher", "other"][(i % 4) as usize].into();
            a.anonymous = i % 5 == 0;
            a.category = format!("cat-{}", i % 7);
            a.urgent = i % 11 == 0;
            a.risks = if i % 13 == 0 {
                "self_harm".into()
            } else {
                String::new()
            };
            a.answer_via = ["board", "personal"][(i % 2) as usize].into();
            a.written_on = format!("2026-05-{:02}", 1 + i % 28);
            a.deadline = format!("2026-06-{:02}", 1 + i % 29);
            a.lang = ["ky", "kk", "ru", "en"][(i % 4) as usize].into();
            // Wrapped by the bucket (2 ‖ its id ‖ …), as intake stores keys.
            a.data_key = [
                vec![2],
                bucket.to_be_bytes().to_vec(),
                vec![(i % 251) as u8; 51],
            ]
            .concat();
            a.text_enc = (0..(50 + i % 40)).map(|k| (k + i) as u8).collect();
            a.contact_enc = (i % 3 == 1).then(|| vec![9; (i % 20) as usize + 1]);
            a
        })
        .collect();
    let regs = s.register_appeals(&batch).await.unwrap();
    assert_eq!(regs.len(), 300);
    for (a, r) in batch.iter().zip(&regs) {
        let got = s.appeal(a.school_id, a.id).await.unwrap();
        assert_eq!(
            (got.journal_year, got.journal_seq),
            (r.journal_year, r.journal_seq)
        );
        assert_eq!(got.received_at, a.received_at, "{}", a.id);
        assert_eq!(got.updated_at, a.received_at);
        assert_eq!(got.channel, a.channel);
        assert_eq!(got.author_type, a.author_type);
        assert_eq!(got.anonymous, a.anonymous);
        assert_eq!(got.category, a.category);
        assert_eq!(got.urgent, a.urgent);
        assert_eq!(got.risks, a.risks);
        assert_eq!(got.status, "new");
        assert_eq!(got.answer_via, a.answer_via);
        assert_eq!(got.written_on, a.written_on);
        assert_eq!(got.deadline, a.deadline);
        assert_eq!(got.lang, a.lang);
        assert_eq!(got.data_key, a.data_key);
        assert_eq!(got.text_enc, a.text_enc);
        assert_eq!(got.contact_enc, a.contact_enc);
        let by_receipt = s
            .appeal_by_receipt(a.receipt_hash.as_deref().unwrap())
            .await
            .unwrap();
        assert_eq!(by_receipt.id, a.id);
    }
    for seqs in schools.map(|sch| {
        regs.iter()
            .zip(&batch)
            .filter(|(_, a)| a.school_id == sch)
            .map(|(r, _)| r.journal_seq)
            .collect::<Vec<_>>()
    }) {
        assert_eq!(seqs, (1..=150).collect::<Vec<_>>(), "in arrival order");
    }
    assert_eq!(s.verify_journal_chains().await.unwrap(), Ok(300));
    assert!(s.verify_audit_chain().await.unwrap().unwrap() >= 300);
    assert_eq!(s.appeals_in_bucket(bucket).await.unwrap().len(), 300);
    let full = s
        .inbox(schools[0], &Default::default(), 500, 0)
        .await
        .unwrap();
    let list = s
        .inbox_list(schools[0], &Default::default(), 500, 0)
        .await
        .unwrap();
    assert_eq!(full.len(), 150);
    let cleared: Vec<_> = full
        .into_iter()
        .map(|mut a| {
            a.data_key.clear();
            a.text_enc.clear();
            a.contact_enc = None;
            a
        })
        .collect();
    assert_eq!(format!("{cleared:?}"), format!("{list:?}"));
}
