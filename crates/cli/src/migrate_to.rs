//! `trustbox migrate-to postgres://…`: copies a whole SQLite installation into an empty
//! PostgreSQL database (a district taking over its schools' installations). The source is read
//! from a `VACUUM INTO` copy and never changed; the target is filled in one transaction, then its
//! row counts and hash chains are checked against the source.

use std::io::IsTerminal;

use futures_util::TryStreamExt;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use trustbox_store::dump::Export;
use trustbox_store::{AuditInput, Backend, SCHEMA_VERSION, Store, StoreError, redact_url};

use crate::backup::{Scratch, snapshot_source};
use crate::config::Config;
use crate::install::Installation;

pub async fn migrate_to(
    cfg: &Config,
    inst: &Installation,
    url: &str,
) -> Result<Vec<String>, String> {
    if inst.store.backend() != Backend::Sqlite {
        return Err(
            "migrate-to copies a SQLite installation, and this one is on PostgreSQL already (to move it, use trustbox backup and trustbox restore)"
                .into(),
        );
    }
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Err(format!(
            "the target {} is not a PostgreSQL URL: give postgres://USER@HOST/DB",
            redact_url(url)
        ));
    }
    let target = Store::connect(url).await.map_err(|e| e.to_string())?;
    let shown = redact_url(url);
    let nonempty = target.nonempty_tables().await.map_err(|e| e.to_string())?;
    if !nonempty.is_empty() {
        let mut list = nonempty
            .iter()
            .take(4)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        if nonempty.len() > 4 {
            list.push_str(", …");
        }
        return Err(format!(
            "the target database {shown} already has data ({list}): give an empty database — nothing was changed"
        ));
    }
    if !target.tables().await.map_err(|e| e.to_string())?.is_empty() {
        let v = target.schema_version().await.map_err(|e| e.to_string())?;
        if v > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                found: v,
                known: SCHEMA_VERSION,
            }
            .to_string());
        }
    }

    let scratch = Scratch::new(&cfg.data_dir, "migrate-to")?;
    let source = snapshot_source(&inst.store, &scratch).await?;
    let counts = source.row_counts().await.map_err(|e| e.to_string())?;
    let total: u64 = counts.iter().map(|(_, n)| *n as u64).sum();
    let src_audit = chain_count(source.verify_audit_chain().await, "audit log of the source")?;
    let src_journal = chain_count(
        source.verify_journal_chains().await,
        "journals of the source",
    )?;

    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{msg:>20} [{bar:40}] {pos}/{len} rows")
            .map_err(|e| e.to_string())?
            .progress_chars("=> "),
    );

    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut export = source.export().await.map_err(|e| e.to_string())?;
    let mut import = target
        .import(export.schema_version, now)
        .await
        .map_err(|e| format!("cannot prepare the target {shown}: {e}; nothing was changed"))?;
    for t in export.tables.clone() {
        bar.set_message(t.name.clone());
        let columns: Vec<String> = t.columns.iter().map(|(c, _)| c.clone()).collect();
        let sql = Export::select_sql(&t);
        let mut stream = std::pin::pin!(export.stream(&sql, &t));
        while let Some(values) = stream.try_next().await.map_err(|e| e.to_string())? {
            import
                .insert(&t.name, &columns, values)
                .await
                .map_err(|e| {
                    format!("cannot copy a row of {}: {e}; nothing was changed", t.name)
                })?;
            bar.inc(1);
        }
    }
    export.done().await.map_err(|e| e.to_string())?;
    import
        .finish()
        .await
        .map_err(|e| format!("cannot complete the copy into {shown}: {e}; nothing was changed"))?;
    bar.finish_with_message("copied");
    source.close().await;
    drop(scratch);

    // The target has what the source has, and its chains hold.
    let mut lines = Vec::new();
    let got = target.row_counts().await.map_err(|e| e.to_string())?;
    for (table, n) in &counts {
        let m = got.iter().find(|(t, _)| t == table).map(|(_, m)| *m);
        if m != Some(*n) {
            return Err(format!(
                "the copy of {table} in {shown} has {} rows, the source {n}: the copy is not usable, drop that database and try again",
                m.unwrap_or(0)
            ));
        }
    }
    let audit = chain_count(target.verify_audit_chain().await, "audit log of the copy")?;
    let journal = chain_count(target.verify_journal_chains().await, "journals of the copy")?;
    if audit != src_audit || journal != src_journal {
        return Err(format!(
            "the copy in {shown} has {audit} audit and {journal} journal entries, the source {src_audit} and {src_journal}: the copy is not usable"
        ));
    }
    lines.push(format!(
        "copied {total} rows in {} tables into {shown}; row counts match",
        counts.len()
    ));
    lines.push(format!("audit log: {audit} entries, chain intact"));
    lines.push(format!("journals: {journal} entries, chains intact"));
    target
        .audit(
            &AuditInput {
                actor_id: None,
                school_id: None,
                action: "migrated-from-sqlite",
                object: "installation",
                detail: &format!("cli; {total} rows"),
            },
            now,
        )
        .await
        .map_err(|e| e.to_string())?;
    target.close().await;
    lines.push(format!(
        "the SQLite database was not changed; run Trustbox with --database-url {shown} and the same master.key"
    ));
    Ok(lines)
}

fn chain_count(
    r: Result<Result<i64, trustbox_store::ChainBreak>, StoreError>,
    what: &str,
) -> Result<i64, String> {
    match r.map_err(|e| e.to_string())? {
        Ok(n) => Ok(n),
        Err(b) => Err(format!(
            "the {what} is broken at entry {} ({}): run trustbox verify; nothing was copied over",
            b.entry_id, b.reason
        )),
    }
}
