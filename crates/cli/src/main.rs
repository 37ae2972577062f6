//! `trustbox`, the one binary: serve, migrate, config check, school, user, verify.
//! Every failure ends with one line saying what to do, and a non-zero exit code.

mod backup;
mod config;
mod contact;
mod demo;
mod install;
mod intake;
mod migrate_to;
mod ops;
mod retention;
mod tls;

use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use trustbox_web::{AppState, SystemClock, WebConfig};

use config::{Config, GlobalOpts};

/// mimalloc hands freed memory back to the system within milliseconds; glibc's allocator kept
/// argon2's 19 MiB blocks for good (see BENCHMARKS.md, session 8: 47 MB after the demo's
/// start-up; the PDF renderer's caches still hold about 60 MB more).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "trustbox",
    version,
    about = "Trustbox: the school trust box and trust phone, in software"
)]
struct Cli {
    #[command(flatten)]
    global: GlobalOpts,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (creates the database and master key on first start)
    Serve {
        /// Also load the demo installation (schools `demo` and `demo-kz` with staff accounts)
        #[arg(long)]
        demo: bool,
    },
    /// Bring the database schema up to date and exit
    Migrate,
    /// Configuration commands
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Organisation units: countries, regions, districts, schools
    School {
        #[command(subcommand)]
        command: SchoolCommand,
    },
    /// Staff accounts
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Check the hash chains of the audit log (and journals); exits non-zero on a break
    Verify,
    /// Recount the reports' summary counts (appeal_stats) from the appeals: the repair when
    /// `verify` finds them different
    RebuildStats,
    /// Write the whole database to one archive (never the master key: back it up separately)
    Backup {
        /// The archive to write (must not exist yet)
        #[arg(long)]
        out: std::path::PathBuf,
        /// Encrypt with the passphrase on the first line of this file [or TRUSTBOX_BACKUP_PASSPHRASE]
        #[arg(long)]
        passphrase_file: Option<std::path::PathBuf>,
    },
    /// Restore an archive written by `trustbox backup`, then verify the hash chains
    Restore {
        file: std::path::PathBuf,
        /// The passphrase of an encrypted archive [or TRUSTBOX_BACKUP_PASSPHRASE]
        #[arg(long)]
        passphrase_file: Option<std::path::PathBuf>,
        /// Replace a database that is not empty
        #[arg(long)]
        force: bool,
    },
    /// Copy this SQLite installation into an empty PostgreSQL database (the source is not changed)
    MigrateTo {
        /// postgres://USER@HOST/DB
        url: String,
    },
    /// Register appeals that arrived by other channels
    Intake {
        #[command(subcommand)]
        command: IntakeCommand,
    },
    /// Destroy closed appeals whose retention time is up (the server also does it daily)
    Purge {
        /// Only list what would be destroyed; change nothing
        #[arg(long)]
        dry_run: bool,
        /// Only this appeal: SCHOOL/YEAR/NUMBER, e.g. demo/2026/3
        #[arg(long)]
        appeal: Option<String>,
        /// Act as on this day, YYYY-MM-DD, never later than today (a --dry-run may look
        /// ahead) [default: today]
        #[arg(long)]
        today: Option<String>,
        /// Do not ask for confirmation (for scripts; without it a purge asks on a terminal
        /// and refuses when there is none)
        #[arg(long)]
        yes: bool,
    },
    /// Key management
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
}

#[derive(Subcommand)]
enum IntakeCommand {
    /// Import a recording from the trust phone's answering machine as a voicemail appeal
    Voicemail {
        /// The school's slug
        #[arg(long)]
        school: String,
        /// WAV, MP3, OGG/Opus, AMR, M4A or WebM, at most 10 MB
        #[arg(long)]
        file: std::path::PathBuf,
        /// When the message was left, RFC 3339 (e.g. 2026-11-30T19:05:00+06:00) [default: now]
        #[arg(long)]
        received_at: Option<String>,
        /// A transcript, if there is one
        #[arg(long)]
        text: Option<String>,
    },
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Make a new master key and re-wrap every keyring key under it (stop the server first);
    /// run it again if it was interrupted
    Rotate,
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Check the configuration file and print the configuration in force
    Check,
}

#[derive(Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per run
enum SchoolCommand {
    /// Create a school (or a country, region or district with --kind)
    Create {
        #[arg(long)]
        slug: String,
        #[arg(long, default_value = "school")]
        kind: String,
        /// The slug of the unit it belongs to
        #[arg(long)]
        parent: Option<String>,
        /// KG or KZ
        #[arg(long)]
        country: String,
        #[arg(long, default_value = "")]
        name_ky: String,
        #[arg(long, default_value = "")]
        name_kk: String,
        #[arg(long, default_value = "")]
        name_ru: String,
        #[arg(long, default_value = "")]
        name_en: String,
        /// ky, kk, ru or en [default: the country's language]
        #[arg(long)]
        lang: Option<String>,
        /// e.g. Asia/Bishkek [default: the country's]
        #[arg(long)]
        time_zone: Option<String>,
    },
    /// List every unit
    List,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a staff account and print its one-time setup link
    Create {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "ru")]
        lang: String,
        /// Installation administrator
        #[arg(long)]
        admin: bool,
        /// responsible, commission, director, operator or analyst
        #[arg(long)]
        role: Option<String>,
        /// The slug of the school (or district/region/country for analysts)
        #[arg(long)]
        unit: Option<String>,
        /// A school role waits for the school's director or an administrator to confirm it on
        /// /staff/grants, unless this names the school's director (or an administrator) who
        /// confirmed it already: the break-glass path of the server's root, recorded in the
        /// audit log
        #[arg(long, value_name = "USERNAME")]
        confirmed_by: Option<String>,
        /// The e-mail address urgent letters, reminders and escalations go to
        #[arg(long)]
        email: Option<String>,
    },
    /// Change an account's contact settings (the e-mail address notices go to)
    Set {
        username: String,
        /// The new e-mail address
        #[arg(
            long,
            conflicts_with = "no_email",
            required_unless_present = "no_email"
        )]
        email: Option<String>,
        /// Remove the e-mail address (no notice reaches the person)
        #[arg(long)]
        no_email: bool,
    },
    /// Print a new one-time setup link for an account (forgotten password, lost first link)
    Reset { username: String },
    /// List staff accounts
    List,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("TRUSTBOX_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let cfg = config::resolve(&cli.global)?;
    match cli.command {
        Command::Serve { demo } => serve(cfg, demo).await,
        Command::Migrate => {
            let inst = install::open(&cfg, true).await?;
            println!("database schema is at version {}", inst.schema_after);
            Ok(())
        }
        Command::Config {
            command: ConfigCommand::Check,
        } => {
            match &cfg.file {
                Some(p) => println!("configuration file {}: ok", p.display()),
                None => println!("no configuration file; defaults and environment in force"),
            }
            println!("data_dir = {:?}", cfg.data_dir.display().to_string());
            println!(
                "database_url = {:?}",
                trustbox_store::redact_url(&cfg.database_url)
            );
            println!("listen = {:?}", cfg.listen.to_string());
            println!("public_url = {:?}", install::public_url(&cfg, cfg.listen));
            println!("rate_limit = {}", cfg.rate_limit);
            println!("session_idle_minutes = {}", cfg.session_idle_minutes);
            println!(
                "smtp_url = {:?}",
                cfg.smtp_url
                    .as_deref()
                    .map(trustbox_store::redact_url)
                    .unwrap_or_default()
            );
            println!("mail_from = {:?}", cfg.mail_from);
            match &cfg.tls {
                Some((c, k)) => {
                    println!("tls_cert = {:?}", c.display().to_string());
                    println!("tls_key = {:?}", k.display().to_string());
                }
                None => println!("tls = off (plain HTTP; put a reverse proxy with TLS in front)"),
            }
            println!("request_timeout_seconds = {}", cfg.request_timeout_secs);
            println!("keyring_dir = {:?}", cfg.keyring_dir.display().to_string());
            println!("retention_days = {}", cfg.retention_days);
            println!("trusted_proxies = {:?}", cfg.trusted_proxies_text());
            Ok(())
        }
        Command::School { command } => school(cfg, command).await,
        Command::User { command } => user(cfg, command).await,
        Command::Verify => verify(cfg).await,
        Command::RebuildStats => {
            let inst = install::open(&cfg, false).await?;
            let n = inst
                .store
                .rebuild_stats()
                .await
                .map_err(|e| e.to_string())?;
            println!("report counts: {n} rows recounted from the appeals");
            Ok(())
        }
        Command::Backup {
            out,
            passphrase_file,
        } => ops::backup(cfg, &out, passphrase_file.as_deref()).await,
        Command::Restore {
            file,
            passphrase_file,
            force,
        } => {
            ops::restore(&cfg, &file, passphrase_file.as_deref(), force).await?;
            verify(cfg).await
        }
        Command::MigrateTo { url } => ops::migrate_to(cfg, &url).await,
        Command::Intake {
            command:
                IntakeCommand::Voicemail {
                    school,
                    file,
                    received_at,
                    text,
                },
        } => intake::voicemail(&cfg, &school, &file, received_at.as_deref(), text).await,
        Command::Purge {
            dry_run,
            appeal,
            today,
            yes,
        } => retention::purge(&cfg, dry_run, appeal, today, yes).await,
        Command::Keys {
            command: KeysCommand::Rotate,
        } => retention::rotate(&cfg).await,
    }
}

fn web_config(cfg: &Config, public_url: String) -> WebConfig {
    WebConfig {
        retention_days: cfg.retention_days,
        secure_cookies: public_url.starts_with("https://") || cfg.tls.is_some(),
        public_url,
        rate_limit: cfg.rate_limit,
        session_idle_secs: cfg.session_idle_minutes * 60,
        hsts: cfg.tls.is_some(),
        request_timeout_secs: cfg.request_timeout_secs,
        trusted_proxies: cfg.trusted_proxies.clone(),
        ..WebConfig::default()
    }
}

async fn serve(cfg: Config, demo: bool) -> Result<(), String> {
    // The certificate and key are checked before anything else.
    let tls = match &cfg.tls {
        Some((cert, key)) => Some(tls::load(cert, key)?),
        None => None,
    };
    // Bind first: a port in use must fail before anything is written.
    let listener = tokio::net::TcpListener::bind(cfg.listen).await.map_err(|e| {
        format!(
            "cannot listen on {}: {e}; stop the program using it or choose another address with --listen / TRUSTBOX_LISTEN",
            cfg.listen
        )
    })?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let inst = install::open(&cfg, true).await?;
    let public_url = install::public_url(&cfg, local);
    let (store, keys) = inst.keys();
    let state = AppState::with_keys(
        store.clone(),
        keys,
        web_config(&cfg, public_url.clone()),
        Arc::new(SystemClock),
    );
    // Keys of an installation from before the keyring move to their buckets (resumable).
    let moved = trustbox_web::retention::migrate_legacy_keys(&state)
        .await
        .map_err(|e| e.to_string())?;
    if moved > 0 {
        tracing::info!(
            keys = moved,
            "moved data keys from the master key to keyring buckets"
        );
    }
    if let Some(link) = install::first_admin(&state).await? {
        println!(
            "First start: set the administrator's password here (this link is shown once): {link}"
        );
        println!("Then log in at {public_url}/staff/login as \"admin\".");
    }
    if demo {
        for line in demo::load(&state).await? {
            println!("{line}");
        }
    }
    let _deadlines = trustbox_web::jobs::spawn_deadline_job(
        state.clone(),
        std::time::Duration::from_secs(15 * 60),
    );
    let _cleanup = trustbox_web::cleanup::spawn_cleanup_job(
        state.clone(),
        std::time::Duration::from_secs(15 * 60),
    );
    let _retention = trustbox_web::retention::spawn_retention_job(
        state.clone(),
        std::time::Duration::from_secs(6 * 3600),
    );
    let _mail = match &cfg.smtp_url {
        Some(url) => {
            let mc = trustbox_web::mail::MailConfig {
                url: url.clone(),
                from: cfg.mail_from.clone(),
            };
            let mailer = trustbox_web::mail::Mailer::new(&mc).map_err(|e| e.to_string())?;
            Some(trustbox_web::mail::spawn_worker(
                state.clone(),
                mailer,
                std::time::Duration::from_secs(30),
            ))
        }
        None => {
            tracing::warn!(
                "no mail server configured (--smtp-url / TRUSTBOX_SMTP_URL): notifications wait in the outbox"
            );
            None
        }
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    println!("Trustbox listening on {scheme}://{local}");
    let limits = trustbox_web::server::Limits::default();
    match tls {
        Some(config) => {
            let listener = tls::TlsListener::new(listener, config)
                .map_err(|e| format!("cannot listen on {local}: {e}"))?;
            trustbox_web::server::serve(listener, state, limits, shutdown()).await
        }
        None => trustbox_web::server::serve(listener, state, limits, shutdown()).await,
    }
    store.close().await;
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

async fn school(cfg: Config, command: SchoolCommand) -> Result<(), String> {
    let inst = install::open(&cfg, true).await?;
    let store = &inst.store;
    match command {
        SchoolCommand::List => {
            for u in store.units().await.map_err(|e| e.to_string())? {
                let parent = match u.parent_id {
                    Some(p) => store.unit(p).await.map(|p| p.slug).unwrap_or_default(),
                    None => "-".into(),
                };
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    u.slug,
                    u.kind,
                    u.country,
                    parent,
                    u.name(&u.default_lang)
                );
            }
            Ok(())
        }
        SchoolCommand::Create {
            slug,
            kind,
            parent,
            country,
            name_ky,
            name_kk,
            name_ru,
            name_en,
            lang,
            time_zone,
        } => {
            let units = store.units().await.map_err(|e| e.to_string())?;
            let parent_id = match parent {
                Some(p) => Some(
                    units
                        .iter()
                        .find(|u| u.slug == p)
                        .map(|u| u.id)
                        .ok_or_else(|| {
                            format!("no unit with slug {p:?}: see `trustbox school list`")
                        })?,
                ),
                None => None,
            };
            let c = trustbox_domain::Country::parse(&country);
            let form = trustbox_web::admin_forms::UnitForm {
                kind,
                parent: parent_id.map(|p| p.to_string()).unwrap_or_default(),
                slug,
                country: country.clone(),
                name_ky,
                name_kk,
                name_ru,
                name_en,
                default_lang: lang.unwrap_or_else(|| {
                    c.map(|c| c.default_lang().code())
                        .unwrap_or("ru")
                        .to_string()
                }),
                time_zone: time_zone.unwrap_or_else(|| {
                    if c == Some(trustbox_domain::Country::Kz) {
                        "Asia/Almaty".into()
                    } else {
                        "Asia/Bishkek".into()
                    }
                }),
            };
            let new = trustbox_web::admin_forms::validate_unit(&form, &units).map_err(|errs| {
                errs.iter()
                    .map(|e| {
                        format!(
                            "--{}: {}",
                            e.field.replace('_', "-"),
                            install::english(e.code)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            })?;
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            let unit = store.create_unit(&new, now).await.map_err(|e| match e {
                trustbox_store::StoreError::Duplicate(_) => {
                    format!("a unit with slug {:?} exists already", new.slug)
                }
                other => other.to_string(),
            })?;
            store
                .audit(
                    &trustbox_store::AuditInput {
                        actor_id: None,
                        school_id: Some(unit.id),
                        action: "unit-created",
                        object: &format!("unit:{}", unit.id),
                        detail: "cli",
                    },
                    now,
                )
                .await
                .map_err(|e| e.to_string())?;
            println!("created {} {}", unit.kind, unit.slug);
            Ok(())
        }
    }
}

async fn user(cfg: Config, command: UserCommand) -> Result<(), String> {
    let state = retention::state(&cfg).await?;
    let store = &state.store;
    match command {
        UserCommand::List => {
            for u in store.users().await.map_err(|e| e.to_string())? {
                let grants = store.grants_of(u.id).await.map_err(|e| e.to_string())?;
                let mut roles = Vec::new();
                for g in grants {
                    let unit = store
                        .unit(g.unit_id)
                        .await
                        .map(|u| u.slug)
                        .unwrap_or_default();
                    let pending = if g.pending { " (pending)" } else { "" };
                    roles.push(format!("{}@{}{pending}", g.role, unit));
                }
                println!(
                    "{}\t{}\t{}{}",
                    u.username,
                    u.display_name,
                    if u.is_admin { "admin " } else { "" },
                    roles.join(",")
                );
            }
            Ok(())
        }
        UserCommand::Create {
            username,
            name,
            lang,
            admin,
            role,
            unit,
            confirmed_by,
            email,
        } => {
            let units = store.units().await.map_err(|e| e.to_string())?;
            let unit_id = match &unit {
                Some(s) => Some(
                    units
                        .iter()
                        .find(|u| &u.slug == s)
                        .map(|u| u.id)
                        .ok_or_else(|| {
                            format!("no unit with slug {s:?}: see `trustbox school list`")
                        })?,
                ),
                None => None,
            };
            let form = trustbox_web::admin_forms::UserForm {
                username,
                display_name: name,
                lang,
                is_admin: admin.then(|| "1".to_string()),
                role: role.unwrap_or_default(),
                unit: unit_id.map(|u| u.to_string()).unwrap_or_default(),
                email: email.unwrap_or_default(),
            };
            let v = trustbox_web::admin_forms::validate_user(&form, &units).map_err(|errs| {
                errs.iter()
                    .map(|e| {
                        format!(
                            "--{}: {}",
                            e.field.replace('_', "-"),
                            install::english(e.code)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            })?;
            // Who confirms a grant that lets its holder read letters (checked before anything
            // is written).
            let confirmer = match (&confirmed_by, &v.grant) {
                (None, _) => None,
                (Some(_), None) => {
                    return Err("--confirmed-by: only with --role and --unit".into());
                }
                (Some(name), Some((_, unit))) => {
                    let c = store.user_by_name(name).await.map_err(|_| {
                        format!(
                            "--confirmed-by: no account named {name:?}: see `trustbox user list`"
                        )
                    })?;
                    let director = store
                        .grants_of(c.id)
                        .await
                        .map_err(|e| e.to_string())?
                        .iter()
                        .any(|g| !g.pending && g.unit_id == *unit && g.role == "director");
                    if c.disabled || !(director || c.is_admin) {
                        return Err(format!(
                            "--confirmed-by: {name:?} is neither a director of this school nor an administrator"
                        ));
                    }
                    Some(c)
                }
            };
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            let user = store.create_user(&v.user, now).await.map_err(|e| match e {
                trustbox_store::StoreError::Duplicate(_) => {
                    format!("the username {:?} is taken", v.user.username)
                }
                other => other.to_string(),
            })?;
            let mut waits = false;
            if let Some((role, unit_id)) = v.grant {
                let unit = units
                    .iter()
                    .find(|u| u.id == unit_id)
                    .ok_or("the unit disappeared")?;
                let needs =
                    unit.kind == "school" && trustbox_domain::grant_needs_confirmation(role);
                let (action, detail) = match (&confirmer, needs) {
                    (Some(c), true) => (
                        "role-granted",
                        format!("{}; cli, confirmed by user:{}", role.code(), c.id),
                    ),
                    (None, true) => ("role-grant-requested", format!("{}; cli", role.code())),
                    (_, false) => ("role-granted", format!("{}; cli", role.code())),
                };
                if needs && confirmer.is_none() {
                    store
                        .add_pending_grant(user.id, unit.id, role.code(), None, now)
                        .await
                        .map_err(|e| e.to_string())?;
                    trustbox_web::tell_directors(&state, "", &user, role, unit, now)
                        .await
                        .map_err(|e| e.to_string())?;
                    waits = true;
                } else {
                    store
                        .add_grant(user.id, unit.id, role.code())
                        .await
                        .map_err(|e| e.to_string())?;
                }
                store
                    .audit(
                        &trustbox_store::AuditInput {
                            actor_id: None,
                            school_id: Some(unit.id),
                            action,
                            object: &format!("user:{}", user.id),
                            detail: &detail,
                        },
                        now,
                    )
                    .await
                    .map_err(|e| e.to_string())?;
            }
            store
                .audit(
                    &trustbox_store::AuditInput {
                        actor_id: None,
                        school_id: None,
                        action: "user-created",
                        object: &format!("user:{}", user.id),
                        detail: "cli",
                    },
                    now,
                )
                .await
                .map_err(|e| e.to_string())?;
            contact::set_email(store, &user, v.email.as_deref(), now).await?;
            let link = trustbox_web::setup_link(&state, user.id, 7 * 24 * 3600)
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "created {}; one-time setup link (valid 7 days): {link}",
                user.username
            );
            if waits {
                println!(
                    "the role waits for the school's director or an administrator to confirm it \
                     at /staff/grants (or give --confirmed-by)"
                );
            }
            Ok(())
        }
        UserCommand::Set {
            username,
            email,
            no_email,
        } => contact::user_set(store, &username, email.filter(|_| !no_email)).await,
        UserCommand::Reset { username } => {
            let user = store
                .user_by_name(&username)
                .await
                .map_err(|_| format!("no account named {username:?}: see `trustbox user list`"))?;
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            // Earlier links stop working and every session of the person ends.
            store
                .revoke_setup_tokens(user.id, now)
                .await
                .map_err(|e| e.to_string())?;
            store
                .revoke_sessions_of(user.id)
                .await
                .map_err(|e| e.to_string())?;
            let link = trustbox_web::setup_link(&state, user.id, 24 * 3600)
                .await
                .map_err(|e| e.to_string())?;
            store
                .audit(
                    &trustbox_store::AuditInput {
                        actor_id: None,
                        school_id: None,
                        action: "setup-link-issued",
                        object: &format!("user:{}", user.id),
                        detail: "cli",
                    },
                    now,
                )
                .await
                .map_err(|e| e.to_string())?;
            println!("one-time setup link for {username} (valid 24 hours): {link}");
            Ok(())
        }
    }
}

async fn verify(cfg: Config) -> Result<(), String> {
    let inst = install::open(&cfg, false).await?;
    let audit = match inst
        .store
        .verify_audit_chain()
        .await
        .map_err(|e| e.to_string())?
    {
        Ok(n) => n,
        Err(b) => {
            return Err(format!(
                "{} chain broken at entry {}: {}",
                b.chain, b.entry_id, b.reason
            ));
        }
    };
    println!("audit log: {audit} entries, chain intact");
    match inst
        .store
        .verify_journal_chains()
        .await
        .map_err(|e| e.to_string())?
    {
        Ok(n) => {
            println!("journals: {n} entries, chains intact");
            let off = inst
                .store
                .stats_mismatches()
                .await
                .map_err(|e| e.to_string())?;
            if off > 0 {
                return Err(format!(
                    "report counts: {off} counts of appeal_stats differ from a recount of the appeals (repair: trustbox rebuild-stats)"
                ));
            }
            println!("report counts: equal to a recount of the appeals");
            let (ok, shredded) = retention::verify_keys(&cfg).await?;
            println!("data keys: {ok} open with the master key and keyring");
            if shredded > 0 {
                println!(
                    "data keys: {shredded} belong to appeals destroyed after this database was backed up (their keys no longer exist)"
                );
            }
            Ok(())
        }
        Err(b) => {
            let school = b.chain.trim_start_matches("journal:").parse::<i64>().ok();
            let slug = match school {
                Some(id) => inst
                    .store
                    .unit(id)
                    .await
                    .map(|u| u.slug)
                    .unwrap_or_default(),
                None => String::new(),
            };
            Err(format!(
                "journal of school {slug} broken at entry {} of its chain: {}",
                b.entry_id, b.reason
            ))
        }
    }
}
