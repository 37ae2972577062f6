//! `trustbox intake voicemail`: an administrator imports a recording left on the trust phone's
//! answering machine (e.g. copied from the phone system) as a `voicemail` appeal, through the
//! same path as the API. A file that is not audio is refused and nothing is written.

use std::path::Path;
use std::sync::Arc;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use trustbox_store::{AuditInput, StoreError};
use trustbox_web::phone::{Voicemail, VoicemailError, take_voicemail};
use trustbox_web::{AppState, SystemClock};

use crate::config::Config;
use crate::install::{self, english};

pub async fn voicemail(
    cfg: &Config,
    school: &str,
    file: &Path,
    received_at: Option<&str>,
    text: Option<String>,
) -> Result<(), String> {
    // Everything that can be checked without the database first: nothing is opened or written
    // for a missing file, a wrong time or a file that is not audio.
    let audio = std::fs::read(file)
        .map_err(|e| format!("cannot read the recording {}: {e}", file.display()))?;
    let received_at = match received_at {
        None => None,
        Some(t) => Some(OffsetDateTime::parse(t, &Rfc3339).map_err(|_| {
            format!(
                "--received-at {t:?}: {} (RFC 3339, e.g. 2026-11-30T19:05:00+06:00)",
                english("err-received-at-invalid")
            )
        })?),
    };
    let file_name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    trustbox_web::phone::accept_audio(&file_name, audio.clone()).map_err(|e| refusal(file, &e))?;
    let inst = install::open(cfg, true).await?;
    let unit = match inst.store.unit_by_slug(school).await {
        Ok(u) if u.kind == "school" => u,
        Ok(_) | Err(StoreError::NotFound) => {
            return Err(format!(
                "no school {school:?}; `trustbox school list` shows the schools"
            ));
        }
        Err(e) => return Err(e.to_string()),
    };
    let state = AppState::new(
        inst.store.clone(),
        inst.master,
        crate::web_config(cfg, install::public_url(cfg, cfg.listen)),
        Arc::new(SystemClock),
    );
    let r = take_voicemail(
        &state,
        &unit,
        Voicemail {
            audio,
            file_name,
            received_at,
            text,
        },
    )
    .await
    .map_err(|e| refusal(file, &e))?;
    state
        .store
        .audit(
            &AuditInput {
                actor_id: None,
                school_id: Some(unit.id),
                action: "voicemail-imported",
                object: &format!("appeal:{}", r.appeal_id),
                detail: "cli",
            },
            state.clock.now_ts(),
        )
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "registered voicemail {} for {} (answer due {})",
        r.number, unit.slug, r.deadline
    );
    state.store.close().await;
    Ok(())
}

fn refusal(file: &Path, e: &VoicemailError) -> String {
    match e {
        VoicemailError::Invalid { code, .. } => {
            format!("{}: {}", file.display(), english(code))
        }
        VoicemailError::Store(e) => e.to_string(),
    }
}
