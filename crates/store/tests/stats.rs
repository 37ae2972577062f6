//! The reports' summary counts (`appeal_stats`, migration 0011) on SQLite and PostgreSQL: after
//! a random sequence of registrations, case work, reclassifications, deadline changes, moves,
//! destructions, deletes and a time-zone change, the counts of whole months and quarters (read
//! from the table) and of any other period (read from the appeals) equal those of a model kept
//! by the test; the table equals a recount; the migration's backfill and a restored copy count
//! each appeal once. The journal's pages of each period hold exactly its appeals, in journal
//! order.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use futures_util::TryStreamExt;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use trustbox_store::dump::Export;
use trustbox_store::testing::{TestDb, fresh};
use trustbox_store::{
    AuditInput, Backend, CaseChange, NewAppeal, NewUnit, ReportCounts, Store, zone_offset_seconds,
};

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
                super::$name(trustbox_store::Backend::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(trustbox_store::Backend::Postgres).await;
            }
        }
    )*};
}

both!(
    stats_follow_every_change,
    migration_backfill_counts_existing_appeals,
    a_restored_copy_counts_each_appeal_once,
    concurrent_batches_and_case_work_count_right
);

const ZONES: [&str; 4] = ["Asia/Bishkek", "Asia/Almaty", "UTC", "Asia/Oral"];
const CHANNELS: [&str; 4] = ["web", "phone", "paper", "in_person"];
const CATEGORIES: [&str; 4] = ["question", "complaint", "bullying", "proposal"];
const AUTHORS: [&str; 3] = ["pupil", "parent", "teacher"];
const TODAY: &str = "2026-05-15";

/// An appeal as the test believes it is stored.
#[derive(Debug, Clone)]
struct M {
    id: i64,
    school: i64,
    received_at: i64,
    channel: String,
    category: String,
    author: String,
    anonymous: bool,
    urgent: bool,
    status: String,
    answered_on: Option<String>,
    deadline: String,
    closed: bool,
}

fn unit(slug: &str, kind: &str, parent: Option<i64>, tz: &str) -> NewUnit {
    NewUnit {
        parent_id: parent,
        kind: kind.into(),
        slug: slug.into(),
        country: "KG".into(),
        name_ky: slug.into(),
        name_kk: String::new(),
        name_ru: slug.into(),
        name_en: String::new(),
        default_lang: "ky".into(),
        time_zone: tz.into(),
    }
}

/// Unix time of 00:00 on `y-m-d` in a zone `off` seconds east of UTC.
fn local_midnight(y: i32, m: u32, d: u32, off: i64) -> i64 {
    // Days from civil (H. Hinnant).
    let y = if m <= 2 { y - 1 } else { y } as i64;
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe - 719_468) * 86_400 - off
}

fn date(rng: &mut StdRng) -> String {
    format!(
        "2026-{:02}-{:02}",
        rng.gen_range(1..=7),
        rng.gen_range(1..=28)
    )
}

fn new_appeal(rng: &mut StdRng, id: i64, school: i64, received_at: i64) -> (NewAppeal, M) {
    let m = M {
        id,
        school,
        received_at,
        channel: CHANNELS[rng.gen_range(0..CHANNELS.len())].into(),
        category: CATEGORIES[rng.gen_range(0..CATEGORIES.len())].into(),
        author: AUTHORS[rng.gen_range(0..AUTHORS.len())].into(),
        anonymous: rng.gen_bool(0.5),
        urgent: rng.gen_bool(0.2),
        status: "new".into(),
        answered_on: None,
        deadline: date(rng),
        closed: false,
    };
    let a = NewAppeal {
        id,
        school_id: school,
        journal_year: 2026,
        received_at,
        channel: m.channel.clone(),
        author_type: m.author.clone(),
        anonymous: m.anonymous,
        category: m.category.clone(),
        urgent: m.urgent,
        risks: String::new(),
        answer_via: "board".into(),
        written_on: "2026-01-01".into(),
        deadline: m.deadline.clone(),
        lang: "ky".into(),
        receipt_hash: Some(id.to_be_bytes().repeat(4)),
        data_key: vec![1; 60],
        text_enc: vec![2; 80],
        contact_enc: None,
        attachments: vec![],
        mails: vec![],
        entered_by: None,
        journal_payload: Some(vec![3; 40]),
    };
    (a, m)
}

/// A time of receipt in January–June 2026, often right at or just before a month's start in
/// one of the zones.
fn received(rng: &mut StdRng) -> i64 {
    let month = rng.gen_range(1..=6);
    let off = i64::from(zone_offset_seconds(ZONES[rng.gen_range(0..ZONES.len())]).unwrap());
    let start = local_midnight(2026, month, 1, off);
    match rng.gen_range(0..4) {
        0 => start,
        1 => start - 1,
        _ => start + rng.gen_range(0..28 * 86_400),
    }
}

/// The counts the model expects: what the raw GROUP BY over the appeals gives.
fn expected(model: &[M], schools: &[i64], from: i64, to: i64) -> ReportCounts {
    let sorted = |m: BTreeMap<String, i64>| {
        let mut v: Vec<(String, i64)> = m.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v
    };
    let mut c = ReportCounts::default();
    let (mut ch, mut cat, mut au, mut st) = (
        BTreeMap::new(),
        BTreeMap::new(),
        BTreeMap::new(),
        BTreeMap::new(),
    );
    let mut anon = 0;
    for a in model
        .iter()
        .filter(|a| schools.contains(&a.school) && a.received_at >= from && a.received_at < to)
    {
        c.total += 1;
        *ch.entry(a.channel.clone()).or_insert(0) += 1;
        *cat.entry(a.category.clone()).or_insert(0) += 1;
        *au.entry(a.author.clone()).or_insert(0) += 1;
        *st.entry(a.status.clone()).or_insert(0) += 1;
        anon += i64::from(a.anonymous);
        c.urgent += i64::from(a.urgent);
        match &a.answered_on {
            Some(d) if *d <= a.deadline => c.on_time += 1,
            Some(_) => c.late += 1,
            None if a.status == "closed" || a.status == "not_an_appeal" => {}
            None if a.deadline.as_str() < TODAY => c.overdue_open += 1,
            None => c.open_in_time += 1,
        }
    }
    c.by_channel = sorted(ch);
    c.by_category = sorted(cat);
    c.by_author = sorted(au);
    c.by_status = sorted(st);
    c.anonymous = (anon, c.total - anon);
    c
}

struct World {
    schools: Vec<i64>,
    /// Each school's zone (one changes during the test).
    zones: Vec<&'static str>,
    model: Vec<M>,
}

/// Registers, works on, moves and deletes appeals at random; returns the schools and the model.
async fn random_world(s: &Store, seed: u64, steps: usize) -> World {
    let mut rng = StdRng::seed_from_u64(seed);
    let country = s
        .create_unit(&unit("kg", "country", None, "Asia/Bishkek"), 0)
        .await
        .unwrap();
    let mut schools = Vec::new();
    let mut zones = Vec::new();
    for (i, z) in [
        "Asia/Bishkek",
        "Asia/Bishkek",
        "Asia/Almaty",
        "UTC",
        "Asia/Oral",
    ]
    .into_iter()
    .enumerate()
    {
        let u = s
            .create_unit(&unit(&format!("s{i}"), "school", Some(country.id), z), 0)
            .await
            .unwrap();
        schools.push(u.id);
        zones.push(z);
    }
    let mut model: Vec<M> = Vec::new();
    let mut next_id = 1_000;
    for step in 0..steps {
        let live: Vec<usize> = (0..model.len()).collect();
        let pick = |rng: &mut StdRng| -> Option<usize> {
            (!live.is_empty()).then(|| live[rng.gen_range(0..live.len())])
        };
        match rng.gen_range(0..12) {
            // A batch (one multi-row INSERT), several schools and months.
            0..=2 => {
                let n = rng.gen_range(1..=12);
                let mut batch = Vec::new();
                for _ in 0..n {
                    next_id += 1;
                    let sch = schools[rng.gen_range(0..schools.len())];
                    let at = received(&mut rng);
                    let (a, m) = new_appeal(&mut rng, next_id, sch, at);
                    batch.push(a);
                    model.push(m);
                }
                s.register_appeals(&batch).await.unwrap();
            }
            // Case work: a status change, an answer (on time or late), a closing.
            3..=6 => {
                let Some(i) = pick(&mut rng) else { continue };
                let a = &mut model[i];
                let version = s.appeal(a.school, a.id).await.unwrap().version;
                let mut c = CaseChange {
                    school_id: a.school,
                    appeal_id: a.id,
                    expected_version: version,
                    at: 1_780_000_000 + step as i64,
                    audit_action: "test".into(),
                    ..Default::default()
                };
                match rng.gen_range(0..5) {
                    0 => {
                        let st = ["in_work", "new", "not_an_appeal"][rng.gen_range(0..3)];
                        c.set_status = Some(st.into());
                        a.status = st.into();
                    }
                    1 | 2 => {
                        let d = date(&mut rng);
                        c.set_answered = Some((d.clone(), "letter".into()));
                        c.set_status = Some("answered".into());
                        a.answered_on = Some(d);
                        a.status = "answered".into();
                    }
                    3 => {
                        c.set_status = Some("closed".into());
                        c.set_closed = true;
                        a.status = "closed".into();
                        a.closed = true;
                    }
                    _ => {} // touches the appeal, changes nothing counted
                }
                s.apply_case_change(&c).await.unwrap();
            }
            // Reclassification, a new deadline, urgency (no store path yet: straight SQL,
            // which the triggers see as well).
            7 => {
                let Some(i) = pick(&mut rng) else { continue };
                let a = &mut model[i];
                a.category = CATEGORIES[rng.gen_range(0..CATEGORIES.len())].into();
                a.deadline = date(&mut rng);
                a.urgent = !a.urgent;
                s.raw_execute(&format!(
                    "UPDATE appeals SET category = '{}', deadline = '{}', urgent = {} WHERE id = {}",
                    a.category,
                    a.deadline,
                    i64::from(a.urgent),
                    a.id
                ))
                .await
                .unwrap();
            }
            // Moved to another school and another time (a correction).
            8 => {
                let Some(i) = pick(&mut rng) else { continue };
                let a = &mut model[i];
                a.school = schools[rng.gen_range(0..schools.len())];
                a.received_at = received(&mut rng);
                s.raw_execute(&format!(
                    "UPDATE appeals SET school_id = {}, received_at = {}, journal_seq = 1000000 + id WHERE id = {}",
                    a.school, a.received_at, a.id
                ))
                .await
                .unwrap();
            }
            // Destruction of a closed case (the row and its counts stay).
            9 => {
                let Some(i) = model.iter().position(|a| a.closed) else {
                    continue;
                };
                let a = &model[i];
                s.purge_appeal(
                    a.school,
                    a.id,
                    1_790_000_000,
                    "2026-07-01",
                    &AuditInput {
                        actor_id: None,
                        school_id: Some(a.school),
                        action: "appeal-destroyed",
                        object: &format!("appeal:{}", a.id),
                        detail: "",
                    },
                )
                .await
                .unwrap();
            }
            // A delete (with what refers to it), and a multi-row update of several appeals.
            10 => {
                let Some(i) = pick(&mut rng) else { continue };
                let a = model.remove(i);
                for t in [
                    "appeal_messages",
                    "attachments",
                    "appeal_assignees",
                    "forwards",
                    "appeal_notes",
                    "board_items",
                    "opening_letters",
                    "meeting_appeals",
                    "appeal_key_history",
                    "journal_entries",
                ] {
                    s.raw_execute(&format!("DELETE FROM {t} WHERE appeal_id = {}", a.id))
                        .await
                        .unwrap();
                }
                s.raw_execute(&format!("DELETE FROM appeals WHERE id = {}", a.id))
                    .await
                    .unwrap();
            }
            _ => {
                let sch = schools[rng.gen_range(0..schools.len())];
                for a in model.iter_mut().filter(|a| a.school == sch) {
                    a.channel = "phone".into();
                }
                s.raw_execute(&format!(
                    "UPDATE appeals SET channel = 'phone' WHERE school_id = {sch}"
                ))
                .await
                .unwrap();
            }
        }
        // Halfway, a school changes its zone: its months are counted anew.
        if step == steps / 2 {
            s.set_unit_time_zone(schools[3], "Asia/Bishkek")
                .await
                .unwrap();
            zones[3] = "Asia/Bishkek";
        }
    }
    World {
        schools,
        zones,
        model,
    }
}

/// Every month and quarter of 2026-H1 in every zone, a few periods that are no month's start,
/// for all schools and for each school alone.
async fn check_reports(s: &Store, w: &World, what: &str) {
    let mut periods = Vec::new();
    for z in ZONES {
        let off = i64::from(zone_offset_seconds(z).unwrap());
        for m in 1..=6 {
            periods.push((
                local_midnight(2026, m, 1, off),
                local_midnight(2026, m + 1, 1, off),
            ));
        }
        for q in [1, 4] {
            periods.push((
                local_midnight(2026, q, 1, off),
                local_midnight(2026, q + 3, 1, off),
            ));
        }
        periods.push((
            local_midnight(2026, 2, 10, off),
            local_midnight(2026, 5, 1, off),
        ));
        periods.push((
            local_midnight(2026, 1, 1, off) + 3600,
            local_midnight(2026, 4, 1, off),
        ));
    }
    let mut sets: Vec<Vec<i64>> = vec![w.schools.clone()];
    sets.extend(w.schools.iter().map(|s| vec![*s]));
    for (from, to) in periods {
        for set in &sets {
            let got = s.report_counts(set, from, to, TODAY).await.unwrap();
            let want = expected(&w.model, set, from, to);
            if got != want {
                for a in w.model.iter().filter(|a| {
                    set.contains(&a.school) && a.received_at >= from && a.received_at < to
                }) {
                    eprintln!("{a:?}");
                }
            }
            assert_eq!(
                got, want,
                "{what}: schools {set:?} (zones {:?}), [{from}, {to})",
                w.zones
            );
            // The journal page's count of the period (from the table for whole months).
            if let [school] = set[..] {
                let n = s.appeals_received_count(school, from, to).await.unwrap();
                assert_eq!(
                    n, want.total,
                    "{what}: journal count of {school}, [{from}, {to})"
                );
                // Its pages, walked to the end: every appeal of the period once, none from
                // outside it, in journal order.
                let (mut seen, mut offset) = (Vec::new(), 0);
                loop {
                    let (rows, total) = s
                        .journal_period_page(school, from, to, 7, offset)
                        .await
                        .unwrap();
                    assert_eq!(total, want.total, "{what}: journal page of {school}");
                    if rows.is_empty() {
                        break;
                    }
                    offset += 7;
                    seen.extend(rows.into_iter().map(|(a, _)| a));
                }
                assert!(
                    seen.windows(2)
                        .all(|p| (p[0].journal_year, p[0].journal_seq)
                            < (p[1].journal_year, p[1].journal_seq)),
                    "{what}: journal pages of {school} out of order, [{from}, {to})"
                );
                let mut got: Vec<i64> = seen.iter().map(|a| a.id).collect();
                let mut want_ids: Vec<i64> = w
                    .model
                    .iter()
                    .filter(|a| a.school == school && a.received_at >= from && a.received_at < to)
                    .map(|a| a.id)
                    .collect();
                got.sort_unstable();
                want_ids.sort_unstable();
                assert_eq!(
                    got, want_ids,
                    "{what}: journal pages of {school}, [{from}, {to})"
                );
            }
        }
    }
}

/// A random seed, or `TRUSTBOX_TEST_SEED` to replay a failure.
fn seed() -> u64 {
    let seed = std::env::var("TRUSTBOX_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random);
    eprintln!("seed {seed} (TRUSTBOX_TEST_SEED replays it)");
    seed
}

async fn stats_follow_every_change(backend: Backend) {
    let (s, _db) = open(backend).await;
    let seed = seed();
    let w = random_world(&s, seed, 160).await;
    assert!(w.model.len() > 40, "{} appeals", w.model.len());
    assert_eq!(s.stats_mismatches().await.unwrap(), 0, "seed {seed}");
    check_reports(&s, &w, &format!("seed {seed}")).await;

    // A count that drifted is found, and the rebuild repairs it.
    s.raw_execute("UPDATE appeal_stats SET n = n + 1 WHERE dim = 'channel'")
        .await
        .unwrap();
    assert!(s.stats_mismatches().await.unwrap() > 0);
    // Whole months are read from the table (the drift shows), any other period from the
    // appeals (it does not).
    let off = i64::from(zone_offset_seconds("Asia/Bishkek").unwrap());
    let (from, to) = (
        local_midnight(2026, 1, 1, off),
        local_midnight(2026, 7, 1, off),
    );
    let drifted = s.report_counts(&w.schools, from, to, TODAY).await.unwrap();
    let want = expected(&w.model, &w.schools, from, to);
    let bishkek = w.zones.iter().filter(|z| **z == "Asia/Bishkek").count();
    assert!(
        drifted.total > want.total,
        "{bishkek} schools in Bishkek: {} > {}",
        drifted.total,
        want.total
    );
    let raw = s
        .report_counts(&w.schools, from + 60, to, TODAY)
        .await
        .unwrap();
    assert_eq!(raw, expected(&w.model, &w.schools, from + 60, to));
    // So is the journal's count of a whole period, and not of any other.
    let busy = (0..w.schools.len()).find(|&i| {
        w.zones[i] == "Asia/Bishkek" && expected(&w.model, &[w.schools[i]], from, to).total > 0
    });
    if let Some(i) = busy {
        let school = w.schools[i];
        let want = expected(&w.model, &[school], from, to).total;
        let got = s.appeals_received_count(school, from, to).await.unwrap();
        assert!(
            got > want,
            "the journal count of whole months reads the table: {got} > {want}"
        );
        let want = expected(&w.model, &[school], from + 60, to).total;
        let got = s
            .appeals_received_count(school, from + 60, to)
            .await
            .unwrap();
        assert_eq!(got, want);
    }
    s.rebuild_stats().await.unwrap();
    assert_eq!(s.stats_mismatches().await.unwrap(), 0);
    check_reports(&s, &w, &format!("seed {seed}, rebuilt")).await;
}

async fn migration_backfill_counts_existing_appeals(backend: Backend) {
    let db = fresh(backend).await.unwrap_or_else(|e| panic!("{e}"));
    let s = Store::connect(&db.url).await.unwrap();
    s.migrate_up_to(10, 1_700_000_000).await.unwrap();
    // Units and appeals as a version-10 database holds them (no offset column yet).
    let mut rng = StdRng::seed_from_u64(7);
    let mut schools = Vec::new();
    let mut zones = Vec::new();
    let mut model = Vec::new();
    for (i, z) in ["Asia/Bishkek", "Asia/Almaty", "UTC", "Asia/Qyzylorda"]
        .into_iter()
        .enumerate()
    {
        let id = 10 + i as i64;
        s.raw_execute(&format!(
            "INSERT INTO org_units (id, kind, slug, country, name_ky, name_kk, name_ru, name_en, \
             default_lang, time_zone, created_at) VALUES ({id}, 'school', 's{i}', 'KG', 'a', '', 'a', '', 'ky', '{z}', 0)"
        ))
        .await
        .unwrap();
        schools.push(id);
        zones.push(z);
    }
    for k in 0..300i64 {
        let sch = schools[rng.gen_range(0..schools.len())];
        let at = received(&mut rng);
        let (_, mut m) = new_appeal(&mut rng, 5000 + k, sch, at);
        match rng.gen_range(0..4) {
            0 => {
                m.answered_on = Some(date(&mut rng));
                m.status = "answered".into();
            }
            1 => m.status = "closed".into(),
            _ => {}
        }
        s.raw_execute(&format!(
            "INSERT INTO appeals (id, school_id, journal_year, journal_seq, received_at, channel, author_type, \
             anonymous, category, urgent, risks, status, answer_via, written_on, deadline, lang, data_key, \
             text_enc, updated_at, answered_on) VALUES ({}, {}, 2026, {}, {}, '{}', '{}', {}, '{}', {}, '', '{}', \
             'board', '2026-01-01', '{}', 'ky', X'01', X'02', 0, {})",
            m.id,
            m.school,
            k + 1,
            m.received_at,
            m.channel,
            m.author,
            i64::from(m.anonymous),
            m.category,
            i64::from(m.urgent),
            m.status,
            m.deadline,
            m.answered_on
                .as_ref()
                .map(|d| format!("'{d}'"))
                .unwrap_or_else(|| "NULL".into())
        )
        .replace("X'01', X'02'", blobs(backend)))
        .await
        .unwrap();
        model.push(m);
    }
    s.migrate(1_700_000_001).await.unwrap();
    for (id, z) in schools.iter().zip(&zones) {
        let off: Vec<(i64,)> = s
            .raw_query_i64(&format!("SELECT utc_offset FROM org_units WHERE id = {id}"))
            .await
            .unwrap();
        assert_eq!(
            off,
            vec![(i64::from(zone_offset_seconds(z).unwrap()),)],
            "{z}"
        );
    }
    assert_eq!(s.stats_mismatches().await.unwrap(), 0);
    let w = World {
        schools,
        zones,
        model,
    };
    check_reports(&s, &w, "backfilled").await;
}

fn blobs(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "X'01', X'02'",
        Backend::Postgres => "'\\x01'::bytea, '\\x02'::bytea",
    }
}

async fn a_restored_copy_counts_each_appeal_once(backend: Backend) {
    let (s, _db) = open(backend).await;
    let seed = seed();
    let w = random_world(&s, seed, 80).await;
    // Into a database that already holds counts of its own.
    let (t, _tdb) = open(backend).await;
    random_world(&t, seed ^ 1, 20).await;
    let mut export = s.export().await.unwrap();
    assert!(
        export.tables.iter().all(|t| t.name != "appeal_stats"),
        "the copy does not carry the counts"
    );
    let mut import = t
        .import(export.schema_version, 1_700_000_100)
        .await
        .unwrap();
    for table in export.tables.clone() {
        let columns: Vec<String> = table.columns.iter().map(|(c, _)| c.clone()).collect();
        let sql = Export::select_sql(&table);
        let mut stream = std::pin::pin!(export.stream(&sql, &table));
        while let Some(values) = stream.try_next().await.unwrap() {
            import.insert(&table.name, &columns, values).await.unwrap();
        }
    }
    export.done().await.unwrap();
    import.finish().await.unwrap();
    assert_eq!(t.stats_mismatches().await.unwrap(), 0, "seed {seed}");
    let sum = t
        .raw_query_i64("SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM appeal_stats")
        .await
        .unwrap();
    assert_eq!(
        sum,
        vec![(7 * w.model.len() as i64,)],
        "seven counts an appeal"
    );
    check_reports(&t, &w, &format!("restored, seed {seed}")).await;
}

/// Several writers at once (PostgreSQL: several instances on one database), each registering
/// batches that span schools and months in a different order while others answer and close
/// appeals: nobody deadlocks on the counts, and they add up.
async fn concurrent_batches_and_case_work_count_right(backend: Backend) {
    let (s, _db) = open(backend).await;
    let seed = seed();
    let mut w = random_world(&s, seed, 30).await;
    let mut tasks = Vec::new();
    for k in 0..6u64 {
        let store = s.clone();
        let schools = w.schools.clone();
        let mut rng = StdRng::seed_from_u64(seed.wrapping_add(k));
        let mut made = Vec::new();
        let mut batches = Vec::new();
        for b in 0..5i64 {
            let mut batch = Vec::new();
            for j in 0..20i64 {
                let id = 100_000 + k as i64 * 1_000 + b * 100 + j;
                let sch = schools[rng.gen_range(0..schools.len())];
                let at = received(&mut rng);
                let (a, m) = new_appeal(&mut rng, id, sch, at);
                batch.push(a);
                made.push(m);
            }
            batches.push(batch);
        }
        tasks.push(tokio::spawn(async move {
            for b in &batches {
                store.register_appeals(b).await.unwrap();
            }
            made
        }));
    }
    // Meanwhile, case work on the appeals that were there before.
    let mut work = Vec::new();
    for (i, a) in w.model.iter_mut().enumerate() {
        let store = s.clone();
        let (school, id) = (a.school, a.id);
        let close = i % 2 == 0;
        if close {
            a.status = "closed".into();
        } else {
            a.status = "answered".into();
            a.answered_on = Some("2026-03-03".into());
        }
        work.push(tokio::spawn(async move {
            let version = store.appeal(school, id).await.unwrap().version;
            let mut c = CaseChange {
                school_id: school,
                appeal_id: id,
                expected_version: version,
                at: 1_780_000_000,
                audit_action: "test".into(),
                ..Default::default()
            };
            if close {
                c.set_status = Some("closed".into());
                c.set_closed = true;
            } else {
                c.set_status = Some("answered".into());
                c.set_answered = Some(("2026-03-03".into(), "letter".into()));
            }
            store.apply_case_change(&c).await.unwrap();
        }));
    }
    for t in work {
        t.await.unwrap();
    }
    for t in tasks {
        w.model.extend(t.await.unwrap());
    }
    assert_eq!(s.stats_mismatches().await.unwrap(), 0, "seed {seed}");
    check_reports(&s, &w, &format!("concurrent, seed {seed}")).await;
}
