//! `trustbox purge` (destroy closed appeals whose time is up) and `trustbox keys rotate`
//! (a new master key, every keyring entry re-wrapped under it, resumable).

use std::sync::Arc;

use time::Date;
use trustbox_crypto::{CryptoError, MasterKey, RotateStep};
use trustbox_web::retention::{self, Refusal};
use trustbox_web::{AppState, SystemClock};

use crate::config::Config;
use crate::install;

/// The state of an installation for a command (no listening address needed).
pub async fn state(cfg: &Config) -> Result<AppState, String> {
    state_of(install::open(cfg, true).await?, cfg)
}

fn state_of(inst: install::Installation, cfg: &Config) -> Result<AppState, String> {
    let (store, keys) = inst.keys();
    let public_url = install::public_url(cfg, cfg.listen);
    Ok(AppState::with_keys(
        store,
        keys,
        crate::web_config(cfg, public_url),
        Arc::new(SystemClock),
    ))
}

fn parse_day(s: &str) -> Result<Date, String> {
    Date::parse(s, &time::format_description::well_known::Iso8601::DATE)
        .map_err(|_| format!("--today must be a date like 2027-12-01, not {s:?}"))
}

/// `SCHOOL/YEAR/NUMBER` → (school id, appeal id).
async fn find_appeal(state: &AppState, spec: &str) -> Result<(i64, i64), String> {
    let bad = || format!("--appeal must be SCHOOL/YEAR/NUMBER, e.g. demo/2026/3, not {spec:?}");
    let mut parts = spec.split('/');
    let (Some(slug), Some(year), Some(seq), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let year: i64 = year.parse().map_err(|_| bad())?;
    let seq: i64 = seq.parse().map_err(|_| bad())?;
    let school = state
        .store
        .unit_by_slug(slug)
        .await
        .map_err(|_| format!("no school with slug {slug:?}: see `trustbox school list`"))?;
    let id = state
        .store
        .appeal_id_by_number(school.id, year, seq)
        .await
        .map_err(|_| format!("school {slug} has no appeal {year}/{seq} in its journal"))?;
    Ok((school.id, id))
}

pub async fn purge(
    cfg: &Config,
    dry_run: bool,
    appeal: Option<String>,
    today: Option<String>,
    yes: bool,
) -> Result<(), String> {
    let now_day = time::OffsetDateTime::now_utc().date();
    let today = match &today {
        Some(s) => parse_day(s)?,
        None => now_day,
    };
    if !dry_run && today > now_day {
        return Err(format!(
            "--today {today} is later than today ({now_day}): a purge never destroys before the day has come (only --dry-run may look ahead); nothing was destroyed"
        ));
    }
    let state = state(cfg).await?;
    let only = match &appeal {
        Some(spec) => Some(find_appeal(&state, spec).await?),
        None => None,
    };
    if dry_run {
        let due = retention::due(&state, today)
            .await
            .map_err(|e| e.to_string())?;
        let due: Vec<_> = due
            .into_iter()
            .filter(|d| only.is_none_or(|(_, a)| a == d.appeal_id))
            .collect();
        if due.is_empty() {
            println!(
                "nothing to destroy on {today} (retention {} days)",
                cfg.retention_days
            );
        }
        for d in due {
            println!(
                "{} {}\t{}\tclosed {}\texpired {}\t{}",
                d.school_slug,
                d.number,
                d.category,
                d.closed_on,
                d.expires_on,
                if d.held {
                    "on legal hold: kept"
                } else {
                    "would be destroyed"
                }
            );
        }
        return Ok(());
    }
    if !yes {
        confirm(&state, today, only.map(|(_, a)| a)).await?;
    }
    if let (Some((school_id, appeal_id)), Some(spec)) = (only, &appeal) {
        let r = retention::purge_one(&state, school_id, appeal_id, None, today)
            .await
            .map_err(|e| e.to_string())?;
        return match r {
            Ok(_) => {
                println!("destroyed {spec}");
                Ok(())
            }
            Err(Refusal::Held) => Err(format!(
                "appeal {spec} is under a legal hold: lift the hold on its page first; nothing was destroyed"
            )),
            Err(Refusal::NotClosed) => Err(format!(
                "appeal {spec} is not closed: only closed appeals are destroyed; nothing was destroyed"
            )),
            Err(Refusal::NotDue(day)) => Err(format!(
                "appeal {spec} is kept until {day} (retention {} days); nothing was destroyed",
                cfg.retention_days
            )),
            Err(Refusal::AlreadyDestroyed) => Err(format!("appeal {spec} was destroyed already")),
        };
    }
    let r = retention::run_purge(&state, today)
        .await
        .map_err(|e| e.to_string())?;
    for d in &r.destroyed {
        println!("destroyed {d}");
    }
    for h in &r.held {
        println!("kept {h}: on legal hold");
    }
    println!(
        "{} destroyed, {} on hold, {} keys moved from the master key to buckets, {} moved to a new expiry day, {} bucket keys deleted from the keyring",
        r.destroyed.len(),
        r.held.len(),
        r.migrated_keys,
        r.rebucketed,
        r.buckets_destroyed
    );
    Ok(())
}

/// Asks on the terminal before a purge (lists what is due); refuses without a terminal.
async fn confirm(state: &AppState, today: Date, only: Option<i64>) -> Result<(), String> {
    use std::io::{BufRead, IsTerminal, Write};
    if !std::io::stdin().is_terminal() {
        return Err(
            "a purge destroys letters for good and asks for confirmation on a terminal: add --yes to run it from a script (see what it would do with --dry-run); nothing was destroyed"
                .into(),
        );
    }
    let due: Vec<_> = retention::due(state, today)
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|d| !d.held && only.is_none_or(|a| a == d.appeal_id))
        .collect();
    for d in &due {
        println!(
            "{} {}\t{}\tclosed {}",
            d.school_slug, d.number, d.category, d.closed_on
        );
    }
    print!(
        "Destroy these {} cases for good (as on {today})? Type yes to go on: ",
        due.len()
    );
    std::io::stdout().flush().map_err(|e| e.to_string())?;
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| e.to_string())?;
    if answer.trim() != "yes" {
        return Err("not confirmed; nothing was destroyed".into());
    }
    Ok(())
}

/// A new master key; every keyring entry (the bucket keys and the derivation root) re-wrapped
/// under it one by one; then the new key file takes the old one's place. Killed at any point,
/// running it again finishes the job: `master.key.new` and each entry's state are the progress.
pub async fn rotate(cfg: &Config) -> Result<(), String> {
    let state = state(cfg).await?;
    // Keys still wrapped by the master key directly move to buckets first (under the old key).
    let migrated = retention::migrate_legacy_keys(&state)
        .await
        .map_err(|e| e.to_string())?;
    let new_path = cfg.new_key_path();
    let new = match MasterKey::load_file(&new_path) {
        Ok(k) => k,
        Err(CryptoError::KeyFileMissing { .. }) => {
            MasterKey::create_file(&new_path).map_err(|e| e.to_string())?
        }
        Err(e) => return Err(e.to_string()),
    };
    let old = state.keys.master_for_rotation();
    state
        .store
        .set_meta("key_fingerprint_next", &new.fingerprint())
        .await
        .map_err(|e| e.to_string())?;
    let stop_after: Option<usize> = std::env::var("TRUSTBOX_TEST_ROTATE_STOP_AFTER")
        .ok()
        .and_then(|v| v.parse().ok());
    let ring = &state.keys.keyring;
    let (mut rewrapped, mut already) = (0usize, 0usize);
    // Two passes: the second catches an entry written while the first ran.
    for pass in 0..2 {
        for name in ring.entry_names().map_err(|e| e.to_string())? {
            match ring
                .rotate_entry(&name, old, &new)
                .map_err(|e| e.to_string())?
            {
                RotateStep::Rewrapped => rewrapped += 1,
                RotateStep::AlreadyNew if pass == 0 => already += 1,
                RotateStep::AlreadyNew => {}
            }
            if stop_after == Some(rewrapped) {
                return Err(format!(
                    "stopped after {rewrapped} keyring entries (TRUSTBOX_TEST_ROTATE_STOP_AFTER): run `trustbox keys rotate` again to finish"
                ));
            }
        }
    }
    MasterKey::promote_file(&new_path, &cfg.key_path()).map_err(|e| e.to_string())?;
    state
        .store
        .set_meta("key_fingerprint", &new.fingerprint())
        .await
        .map_err(|e| e.to_string())?;
    state
        .store
        .set_meta("key_fingerprint_next", "")
        .await
        .map_err(|e| e.to_string())?;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    state
        .store
        .audit(
            &trustbox_store::AuditInput {
                actor_id: None,
                school_id: None,
                action: "master-key-rotated",
                object: "master-key",
                detail: &format!("{} -> {}", old.fingerprint(), new.fingerprint()),
            },
            now,
        )
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "master key rotated: id {} -> {}; {rewrapped} keyring entries re-wrapped ({already} were done by an earlier run), {migrated} keys moved from the master key to buckets",
        old.fingerprint(),
        new.fingerprint()
    );
    println!(
        "Back up the new {} now and destroy copies of the old one.",
        cfg.key_path().display()
    );
    Ok(())
}

/// For `trustbox verify`: every data key of an appeal not destroyed opens with this master key
/// and keyring (through its bucket, or the letter's own keyring entry where the bucket was
/// destroyed). A key destroyed on purpose by a purge after this database was backed up (its
/// bucket marked shredded, no entry of its own) is counted, not an error; any other key that
/// does not open fails, naming the appeals by school and journal number.
pub async fn verify_keys(cfg: &Config) -> Result<(usize, usize), String> {
    let inst = install::open(cfg, false).await?;
    if inst.schema_after < trustbox_store::SCHEMA_VERSION {
        return Ok((0, 0)); // `trustbox migrate` first; nothing to check yet
    }
    let state = state_of(inst, cfg)?;
    check_keys(&state).await
}

/// See [`verify_keys`].
pub async fn check_keys(state: &AppState) -> Result<(usize, usize), String> {
    let (mut ok, mut shredded) = (0, 0);
    let mut lost = Vec::new();
    let units = state.store.units().await.map_err(|e| e.to_string())?;
    for a in state
        .store
        .live_keyed_appeals()
        .await
        .map_err(|e| e.to_string())?
    {
        match state.keys.unwrap_data_key(
            &a.data_key,
            &trustbox_web::intake::key_aad(a.school_id, a.id),
        ) {
            Ok(_) => ok += 1,
            Err(CryptoError::BucketMissing { .. }) if retention::key_destroyed(state, &a) => {
                shredded += 1
            }
            Err(e) => {
                let slug = units
                    .iter()
                    .find(|u| u.id == a.school_id)
                    .map(|u| u.slug.as_str())
                    .unwrap_or("?");
                lost.push((
                    format!("{slug} {}/{}", a.journal_year, a.journal_seq),
                    e.to_string(),
                ));
            }
        }
    }
    if let Some((_, why)) = lost.first() {
        let mut names: Vec<&str> = lost.iter().take(10).map(|(n, _)| n.as_str()).collect();
        if lost.len() > 10 {
            names.push("…");
        }
        return Err(format!(
            "data keys: {} live letters cannot be opened ({}): {why}",
            lost.len(),
            names.join(", ")
        ));
    }
    Ok((ok, shredded))
}
