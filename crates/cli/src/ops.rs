//! The operations commands (backup, restore, migrate-to), wired to the installation.

use std::path::Path;

use crate::config::Config;
use crate::{backup, install, migrate_to};

pub async fn backup(cfg: Config, out: &Path, passphrase_file: Option<&Path>) -> Result<(), String> {
    let pass = backup::passphrase(passphrase_file)?;
    if let Some(p) = install::sqlite_path(&cfg.database_url)
        && !p.exists()
    {
        return Err(format!(
            "there is no database at {} to back up (see --data-dir / --database-url)",
            p.display()
        ));
    }
    let inst = install::open(&cfg, false).await?;
    if inst.schema_after == 0 {
        return Err(format!(
            "there is no Trustbox installation in {} to back up (see --data-dir / --database-url)",
            trustbox_store::redact_url(&cfg.database_url)
        ));
    }
    let s = backup::backup(&cfg, &inst.store, &inst.master, out, pass).await?;
    let rows: u64 = s.manifest.tables.iter().map(|t| t.rows).sum();
    println!(
        "wrote {} ({} bytes{}): {rows} rows in {} tables, schema version {}, master key id {}",
        out.display(),
        s.bytes,
        if s.manifest.encrypted {
            ", encrypted"
        } else {
            ", NOT encrypted"
        },
        s.manifest.tables.len(),
        s.manifest.schema_version,
        s.manifest.key_fingerprint
    );
    println!(
        "the master key is not in the backup: keep a copy of {} (and its keyring/ folder) separately — without the key the backup cannot be read",
        cfg.key_path().display()
    );
    inst.store.close().await;
    Ok(())
}

pub async fn restore(
    cfg: &Config,
    file: &Path,
    passphrase_file: Option<&Path>,
    force: bool,
) -> Result<(), String> {
    let pass = backup::passphrase(passphrase_file)?;
    let line = backup::restore(cfg, file, pass, force).await?;
    println!("{line}");
    // Letters destroyed since the backup was taken: finish their destruction; buckets
    // destroyed since: their live letters move to fresh ones.
    let state = crate::retention::state(cfg).await?;
    let settled = trustbox_web::retention::settle(&state)
        .await
        .map_err(|e| e.to_string())?;
    if settled > 0 {
        println!(
            "{settled} key buckets of this backup were destroyed by purges since it was taken: their live letters now use new ones, the letters destroyed since are erased again"
        );
    }
    state.store.close().await;
    Ok(())
}

pub async fn migrate_to(cfg: Config, url: &str) -> Result<(), String> {
    let inst = install::open(&cfg, false).await?;
    if inst.schema_after == 0 {
        return Err(format!(
            "there is no Trustbox installation in {} to copy (see --data-dir / --database-url)",
            trustbox_store::redact_url(&cfg.database_url)
        ));
    }
    for line in migrate_to::migrate_to(&cfg, &inst, url).await? {
        println!("{line}");
    }
    inst.store.close().await;
    Ok(())
}
