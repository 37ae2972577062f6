//! The data generator: fills a database through the store (not HTTP), with appeals sealed the
//! way intake seals them, registered in large batches (the same group-commit path).

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};
use time::{Date, OffsetDateTime};
use trustbox_crypto::{BucketKey, MasterKey, ReceiptCode, hash_password};
use trustbox_domain::{AppealForm, ValidAppeal, validate_appeal};
use trustbox_store::{NewAppeal, NewUnit, NewUser, Store, Unit};
use trustbox_web::Keys;
use trustbox_web::intake::{new_id, seal_appeal};

/// What a batch of generated appeals is made from.
struct Gen<'a> {
    keys: &'a Keys,
    schools: &'a [Unit],
    tpl: &'a [ValidAppeal],
    buckets: &'a HashMap<String, BucketKey>,
    from: i64,
    step: i64,
}

impl Gen<'_> {
    /// Appeals number `range` of the run: appeal k is the (k / schools)-th of school
    /// k % schools, so every school fills at the same pace, oldest first.
    fn batch(&self, range: std::ops::Range<usize>) -> Result<Vec<NewAppeal>> {
        let mut out = Vec::with_capacity(range.len());
        for k in range {
            let (i, si) = (k / self.schools.len(), k % self.schools.len());
            let s = &self.schools[si];
            let at = self.from + self.step * i as i64 + (si as i64 % self.step);
            let when = OffsetDateTime::from_unix_timestamp(at)?;
            let v = &self.tpl[(i + si) % self.tpl.len()];
            let id = new_id();
            let label = trustbox_web::retention::open_label(at);
            let bucket = self
                .buckets
                .get(&label)
                .ok_or_else(|| anyhow!("no bucket for {label}"))?;
            let sealed = seal_appeal(bucket, s.id, id, v, &[])?;
            let day = when.date();
            let due = day + time::Duration::days(7);
            out.push(NewAppeal {
                id,
                school_id: s.id,
                journal_year: i64::from(day.year()),
                received_at: at,
                channel: if i % 7 == 3 { "phone" } else { "web" }.into(),
                author_type: v.author.code().into(),
                anonymous: v.anonymous,
                category: v.category.code().into(),
                urgent: v.urgent,
                risks: v
                    .risks
                    .iter()
                    .map(|r| r.code())
                    .collect::<Vec<_>>()
                    .join(","),
                answer_via: v.answer_via.code().into(),
                written_on: day.to_string(),
                deadline: due.to_string(),
                lang: "ru".into(),
                receipt_hash: Some(
                    ReceiptCode::generate()
                        .lookup_hash(&self.keys.pepper)
                        .to_vec(),
                ),
                data_key: sealed.data_key,
                text_enc: sealed.text_enc,
                contact_enc: sealed.contact_enc,
                attachments: sealed.attachments,
                mails: Vec::new(),
                entered_by: None,
                journal_payload: Some(sealed.journal_payload),
            });
        }
        Ok(out)
    }
}

pub const PASSWORD: &str = "bench password 4 trustbox";

fn unit(slug: &str, kind: &str, parent: Option<i64>) -> NewUnit {
    NewUnit {
        parent_id: parent,
        kind: kind.into(),
        slug: slug.into(),
        country: "KG".into(),
        name_ky: format!("{slug} мектеби"),
        name_kk: String::new(),
        name_ru: format!("Школа {slug}"),
        name_en: String::new(),
        default_lang: "ru".into(),
        time_zone: "Asia/Bishkek".into(),
    }
}

/// The tree the generator makes: one country, `districts` districts, schools spread over them.
pub struct Tree {
    pub country: Unit,
    pub districts: Vec<Unit>,
    pub schools: Vec<Unit>,
}

pub async fn open(data: &Path, db_url: &str) -> Result<(Store, Keys)> {
    std::fs::create_dir_all(data)?;
    let (master, _) = MasterKey::load_or_create(&data.join("master.key"))
        .map_err(|e| anyhow!("master key: {e}"))?;
    let store = Store::connect(db_url).await?;
    store
        .migrate(OffsetDateTime::now_utc().unix_timestamp())
        .await?;
    // The installation's own keyring, as `trustbox serve` opens it, so that the server can
    // open what the generator seals.
    let keyring = trustbox_crypto::Keyring::open(&data.join("keyring"))
        .map_err(|e| anyhow!("keyring: {e}"))?;
    let root = keyring
        .ensure_root(&master, false)
        .map_err(|e| anyhow!("keyring: {e}"))?;
    Ok((store, Keys::with_keyring(master, keyring, &root)))
}

/// The keyring bucket that wraps the data keys of appeals received at `now` (as the intake
/// does: the bucket of the month).
async fn month_bucket(store: &Store, keys: &Keys, now: i64) -> Result<BucketKey> {
    let label = trustbox_web::retention::open_label(now);
    if let Some(id) = store.live_bucket(&label).await? {
        return keys.bucket(id).map_err(|e| anyhow!("keyring: {e}"));
    }
    let id = new_id();
    let key = keys
        .keyring
        .create_bucket(keys.master_for_rotation(), id)
        .map_err(|e| anyhow!("keyring: {e}"))?;
    store.insert_bucket(id, "open", &label, now).await?;
    Ok(key)
}

/// Creates the units and two staff accounts (`bench-responsible` on the first school,
/// `bench-analyst` on the country), both with [`PASSWORD`].
pub async fn tree(store: &Store, prefix: &str, districts: usize, schools: usize) -> Result<Tree> {
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let country = store
        .create_unit(&unit(&format!("{prefix}-kg"), "country", None), now)
        .await?;
    let mut ds = Vec::new();
    for d in 0..districts {
        ds.push(
            store
                .create_unit(
                    &unit(&format!("{prefix}-d{d}"), "district", Some(country.id)),
                    now,
                )
                .await?,
        );
    }
    let mut ss = Vec::new();
    for s in 0..schools {
        let parent = ds[s % ds.len()].id;
        ss.push(
            store
                .create_unit(
                    &unit(&format!("{prefix}-s{s}"), "school", Some(parent)),
                    now,
                )
                .await?,
        );
    }
    let hash = hash_password(PASSWORD).map_err(|e| anyhow!("{e}"))?;
    for (name, role, unit) in [
        ("bench-responsible", "responsible", &ss[0]),
        ("bench-analyst", "analyst", &country),
    ] {
        let u = store
            .create_user(
                &NewUser {
                    username: format!("{prefix}-{name}"),
                    display_name: name.into(),
                    password_hash: Some(hash.clone()),
                    is_admin: false,
                    lang: "ru".into(),
                },
                now,
            )
            .await?;
        store.add_grant(u.id, unit.id, role).await?;
    }
    Ok(Tree {
        country,
        districts: ds,
        schools: ss,
    })
}

fn templates(today: Date) -> Result<Vec<ValidAppeal>> {
    let mut out = Vec::new();
    for (author, category, text) in [
        (
            "pupil",
            "bullying",
            "В нашем классе мальчика каждый день дразнят на перемене.",
        ),
        (
            "parent",
            "study",
            "Ребёнку не объясняют домашние задания, прошу помочь.",
        ),
        (
            "teacher",
            "corruption",
            "Родителей просят сдавать деньги на ремонт класса.",
        ),
        (
            "pupil",
            "psychological",
            "Мне тяжело, я ни с кем не могу поговорить.",
        ),
        (
            "other",
            "suggestion",
            "Предлагаю открыть кружок робототехники.",
        ),
        ("pupil", "question", "Когда будет расписание экзаменов?"),
    ] {
        let form = AppealForm {
            author: author.into(),
            anonymous: true,
            category: category.into(),
            text: text.into(),
            ..Default::default()
        };
        out.push(validate_appeal(&form, today).map_err(|e| anyhow!("template: {e:?}"))?);
    }
    Ok(out)
}

/// Registers `per_school` appeals in each school, received evenly between `from` and `to`
/// (UNIX seconds), oldest first, in batches of `batch`. Returns the time it took. The next
/// batch is sealed while the previous one is being registered (the database works in its own
/// thread or process meanwhile).
pub async fn appeals(
    store: &Store,
    keys: &Keys,
    schools: &[Unit],
    per_school: usize,
    from: i64,
    to: i64,
    batch: usize,
) -> Result<Duration> {
    let t0 = Instant::now();
    let today = OffsetDateTime::now_utc().date();
    let tpl = templates(today)?;
    let step = ((to - from) / per_school.max(1) as i64).max(1);
    // The month buckets of the whole span, opened before sealing starts.
    let mut buckets: HashMap<String, BucketKey> = HashMap::new();
    let mut t = from;
    while t <= to + 86_400 {
        let label = trustbox_web::retention::open_label(t.min(to));
        if let std::collections::hash_map::Entry::Vacant(e) = buckets.entry(label) {
            e.insert(month_bucket(store, keys, t.min(to)).await?);
        }
        t += 86_400;
    }
    let n = per_school * schools.len();
    let maker = Gen {
        keys,
        schools,
        tpl: &tpl,
        buckets: &buckets,
        from,
        step,
    };
    let mut next = maker.batch(0..batch.min(n))?;
    let mut done = next.len();
    while !next.is_empty() {
        let cur = std::mem::take(&mut next);
        let upto = (done + batch).min(n);
        let (r, sealed) = tokio::join!(store.register_appeals(&cur), async {
            maker.batch(done..upto)
        });
        r.context("register a batch")?;
        next = sealed?;
        done = upto;
    }
    // A realistic mix of states for the reports: a third answered on time, a sixth late,
    // a sixth in work, the rest new.
    store
        .raw_execute(
            "UPDATE appeals SET status = 'answered', answered_on = written_on WHERE journal_seq % 6 IN (0, 1)",
        )
        .await?;
    store
        .raw_execute(
            "UPDATE appeals SET status = 'answered', answered_on = '2099-01-01' WHERE journal_seq % 6 = 2",
        )
        .await?;
    store
        .raw_execute("UPDATE appeals SET status = 'in_work' WHERE journal_seq % 6 = 3")
        .await?;
    // The open appeals whose deadline has come have had their reminder and escalation, as the
    // deadline job (every 15 minutes) would have sent them: otherwise a server started on this
    // data spends its first minutes sending half a million of them, one commit each, and the
    // staff pages are measured against that (BENCHMARKS.md, session 7).
    let open = "status IN ('new', 'in_work', 'forwarded')";
    store
        .raw_execute(&format!(
            "UPDATE appeals SET reminded_at = received_at + 345600 WHERE {open} AND deadline <= '{}'",
            today.next_day().unwrap_or(today)
        ))
        .await?;
    store
        .raw_execute(&format!(
            "UPDATE appeals SET escalated_at = received_at + 432000 WHERE {open} AND deadline < '{today}'"
        ))
        .await?;
    Ok(t0.elapsed())
}

/// PostgreSQL, for the country roll-up: `copies` times, a new district with as many schools as
/// the tree has, each school getting a copy (made by SQL, in the database) of the appeals of
/// its model school. Only what reports count is meaningful in a copy: its ciphertexts stay
/// bound to the original's id and do not open, and it has no receipt. `per_copy`: the appeals
/// of the tree's schools. Returns the rows made.
pub async fn copy_into_new_schools(
    store: &Store,
    tree: &Tree,
    copies: usize,
    per_copy: u64,
) -> Result<u64> {
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let mut rows = 0;
    for k in 1..=copies {
        let d = store
            .create_unit(
                &unit(&format!("sc-c{k}"), "district", Some(tree.country.id)),
                now,
            )
            .await?;
        for s in &tree.schools {
            store
                .create_unit(
                    &unit(&format!("{}-c{k}", s.slug), "school", Some(d.id)),
                    now,
                )
                .await?;
        }
        // Every column of `appeals` (whatever the migrations made), with a new id and school.
        store
            .raw_execute(&format!(
                "DO $$ DECLARE cols text; sel text; BEGIN \
                 SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position), \
                        string_agg(CASE column_name \
                            WHEN 'id' THEN '(1 + random() * 9.2e18)::bigint' \
                            WHEN 'school_id' THEN 'm.new_id' \
                            WHEN 'receipt_hash' THEN 'NULL' \
                            ELSE 'a.' || quote_ident(column_name) END, ', ' ORDER BY ordinal_position) \
                   INTO cols, sel FROM information_schema.columns \
                  WHERE table_name = 'appeals' AND table_schema = current_schema(); \
                 EXECUTE format('INSERT INTO appeals (%s) SELECT %s FROM appeals a JOIN \
                   (SELECT o.id AS old_id, n.id AS new_id FROM org_units o \
                      JOIN org_units n ON n.slug = o.slug || %L WHERE o.parent_id = %s) m \
                   ON m.old_id = a.school_id', cols, sel, '-c{k}', {}); END $$",
                tree.districts[0].id
            ))
            .await?;
        rows += per_copy;
    }
    Ok(rows)
}
