//! `trustbox-bench`: the benchmark suite of Trustbox. It starts the release binary on a free
//! loopback port with a fresh data folder (and a fresh PostgreSQL database), loads it, and
//! prints one table (Markdown, as in BENCHMARKS.md). Only 127.0.0.1 is ever a target.
//!
//!   trustbox-bench suite --bin target/release/trustbox            # the full suite
//!   trustbox-bench suite --bin target/release/trustbox --smoke    # seconds; fails loudly
//!
//! PostgreSQL runs use fresh databases made from the admin URL in `TRUSTBOX_TEST_PG`.

mod abuse;
mod crash;
mod datagen;
mod http;
mod load;
mod server;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use clap::{Parser, Subcommand};
use time::OffsetDateTime;
use trustbox_store::testing::fresh;
use trustbox_store::{Backend, Store};

use load::{Kind, Spec, Stats};
use server::Server;

#[derive(Parser)]
#[command(
    name = "trustbox-bench",
    about = "Benchmarks of Trustbox (loopback only)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the suite and print one table
    Suite {
        /// The trustbox binary under test (a release build)
        #[arg(long)]
        bin: PathBuf,
        /// A short run (seconds) that fails loudly when something is broken
        #[arg(long)]
        smoke: bool,
        /// Which parts: submit, crash, scale, footprint (comma-separated)
        #[arg(long, default_value = "footprint,submit,crash,scale")]
        only: String,
        /// sqlite, postgres (comma-separated)
        #[arg(long, default_value = "sqlite,postgres")]
        backends: String,
        /// Seconds per load run [default: 1 with --smoke, else 5]
        #[arg(long)]
        seconds: Option<u64>,
        /// Kills in the crash test [default: 3 with --smoke, else 25]
        #[arg(long)]
        kills: Option<usize>,
        /// Appeals in the big school, and in all schools together [default: 2000/4000 with
        /// --smoke, else 100000/1000000]
        #[arg(long)]
        big: Option<usize>,
        #[arg(long)]
        total: Option<usize>,
        /// Schools in the scale test [default: 20 with --smoke, else 1000]
        #[arg(long)]
        schools: Option<usize>,
        /// PostgreSQL only: after the scale test, copy its appeals by SQL into more schools of
        /// the country until it holds this many, and load the country roll-up [default: 0
        /// (no copy) with --smoke, else 10000000]
        #[arg(long)]
        country: Option<usize>,
        /// Keep the data folders (under /var/tmp) for a look afterwards
        #[arg(long)]
        keep: bool,
    },
    /// Load the staff pages of the scale test again, on what `suite --only scale --keep` left
    Pages {
        /// The trustbox binary under test (a release build)
        #[arg(long)]
        bin: PathBuf,
        /// The kept data folder (`…/scale-SQLite` or `…/scale-PostgreSQL`)
        #[arg(long)]
        data: PathBuf,
        /// The kept PostgreSQL database's URL (none: the SQLite file in the data folder)
        #[arg(long)]
        db: Option<String>,
        /// Seconds per page
        #[arg(long, default_value_t = 5)]
        seconds: u64,
        /// Only the pages whose name holds this (e.g. `journal`), for a profile of one page
        #[arg(long)]
        page: Option<String>,
    },
    /// Attack the binary (rate limits on, 1,024 open files, the demo loaded): memory after the
    /// demo and a few PDFs, then a login flood, slow connections and normal traffic at once
    Abuse {
        /// The trustbox binary under test (a release build)
        #[arg(long)]
        bin: PathBuf,
        /// Parallel wrong logins
        #[arg(long, default_value_t = 500)]
        logins: usize,
        /// Loopback addresses the logins come from (127.1.0.N)
        #[arg(long, default_value_t = 50)]
        login_sources: usize,
        /// Slow clients (half a request header, again and again)
        #[arg(long, default_value_t = 2000)]
        slow: usize,
        /// Loopback addresses the slow clients come from (127.2.0.N)
        #[arg(long, default_value_t = 40)]
        slow_sources: usize,
        /// PDFs rendered before memory is measured
        #[arg(long, default_value_t = 3)]
        pdfs: usize,
        /// Seconds the attack lasts
        #[arg(long, default_value_t = 20)]
        seconds: u64,
    },
}

/// One line of the result table.
struct Row {
    part: &'static str,
    backend: String,
    what: String,
    clients: String,
    rate: String,
    p50: String,
    p99: String,
    note: String,
}

struct Table {
    rows: Vec<Row>,
    failures: Vec<String>,
}

impl Table {
    fn load(
        &mut self,
        part: &'static str,
        backend: Backend,
        what: &str,
        clients: usize,
        s: &Stats,
    ) {
        self.rows.push(Row {
            part,
            backend: name(backend).into(),
            what: what.into(),
            clients: clients.to_string(),
            rate: format!("{:.0}/s", s.per_sec()),
            p50: format!("{:.1} ms", s.pct_ms(0.5)),
            p99: format!("{:.1} ms", s.pct_ms(0.99)),
            note: match (&s.first_error, s.errors) {
                (_, 0) => format!("{} ok", s.ok),
                (Some(e), n) => format!("{} ok, {n} FAILED: {}", s.ok, e.replace('|', "/")),
                (None, n) => format!("{} ok, {n} FAILED", s.ok),
            },
        });
        if s.errors > 0 || s.ok == 0 {
            self.failures.push(format!(
                "{part} {what} ({}, {clients} clients): {} ok, {} errors, first: {}",
                name(backend),
                s.ok,
                s.errors,
                s.first_error.as_deref().unwrap_or("none")
            ));
        }
    }
    fn fact(&mut self, part: &'static str, backend: &str, what: &str, value: String, note: String) {
        self.rows.push(Row {
            part,
            backend: backend.into(),
            what: what.into(),
            clients: String::new(),
            rate: value,
            p50: String::new(),
            p99: String::new(),
            note,
        });
    }
    fn print(&self) {
        println!(
            "| part | db | what | clients | result | p50 | p99 | note |\n|---|---|---|---:|---:|---:|---:|---|"
        );
        for r in &self.rows {
            println!(
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                r.part, r.backend, r.what, r.clients, r.rate, r.p50, r.p99, r.note
            );
        }
    }
}

fn name(b: Backend) -> &'static str {
    match b {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    }
}

struct Ctx {
    bin: PathBuf,
    work: PathBuf,
    smoke: bool,
    secs: Duration,
    /// PostgreSQL databases to drop at the end: (admin URL, name).
    pg_dbs: Vec<String>,
}

impl Ctx {
    /// A fresh server (data folder and database) with one school `bench`.
    async fn server(&mut self, label: &str, backend: Backend) -> Result<Server> {
        let data = self.work.join(format!("{label}-{}", name(backend)));
        let url = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => {
                let db = fresh(Backend::Postgres).await.map_err(|e| anyhow!("{e}"))?;
                if let Some(n) = db.url.rsplit('/').next() {
                    self.pg_dbs.push(n.to_string());
                }
                Some(db.url.clone())
            }
        };
        Server::new(&self.bin, data, url)
    }
}

async fn create_school(srv: &Server, slug: &str) -> Result<()> {
    srv.run(&[
        "school",
        "create",
        "--slug",
        slug,
        "--country",
        "KG",
        "--name-ky",
        "Бенч мектеби",
        "--name-ru",
        "Школа бенча",
    ])?;
    Ok(())
}

/// Samples the server's resident memory while a load runs; returns the peak in KiB.
fn rss_sampler(pid: u32, stop: Arc<AtomicBool>) -> (Arc<AtomicU64>, tokio::task::JoinHandle<()>) {
    let peak = Arc::new(AtomicU64::new(0));
    let p = peak.clone();
    let h = tokio::spawn(async move {
        while !stop.load(Ordering::Relaxed) {
            if let Ok(s) = std::fs::read_to_string(format!("/proc/{pid}/status"))
                && let Some(kb) = s
                    .lines()
                    .find_map(|l| l.strip_prefix("VmRSS:"))
                    .and_then(|v| v.split_whitespace().next())
                    .and_then(|v| v.parse::<u64>().ok())
            {
                p.fetch_max(kb, Ordering::Relaxed);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    (peak, h)
}

async fn submit(ctx: &mut Ctx, t: &mut Table, backend: Backend, footprint: bool) -> Result<()> {
    let mut srv = ctx.server("submit", backend).await?;
    create_school(&srv, "bench").await?;
    srv.start().await?;
    if footprint {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let idle = srv.rss_kib()?;
        t.fact(
            "footprint",
            name(backend),
            "idle RSS (after start, before load)",
            format!("{:.1} MB", idle as f64 / 1024.0),
            "target ≤ 20 MB".into(),
        );
    }
    let stop = Arc::new(AtomicBool::new(false));
    let (peak, sampler) = rss_sampler(srv.pid().unwrap_or(0), stop.clone());
    let codes: load::Receipts = Default::default();
    let clients: &[usize] = if ctx.smoke { &[1, 16] } else { &[1, 16, 64] };
    for kind in [Kind::Form, Kind::Json] {
        for &c in clients {
            let mut spec = Spec::new(srv.addr, "bench", kind, c, ctx.secs);
            spec.record = Some(codes.clone());
            let s = load::run(Arc::new(spec)).await?;
            t.load("submit", backend, kind.label(), c, &s);
        }
    }
    let sample: Vec<String> = codes
        .lock()
        .map(|v| v.iter().step_by(7).take(5000).cloned().collect())
        .unwrap_or_default();
    for kind in [Kind::Page, Kind::FollowUp] {
        let mut spec = Spec::new(srv.addr, "bench", kind, 16, ctx.secs);
        spec.codes = sample.clone();
        let s = load::run(Arc::new(spec)).await?;
        t.load("read", backend, kind.label(), 16, &s);
    }
    stop.store(true, Ordering::Relaxed);
    let _ = sampler.await;
    let total = codes.lock().map(|v| v.len()).unwrap_or(0);
    if footprint {
        t.fact(
            "footprint",
            name(backend),
            "peak RSS under the loads above",
            format!("{:.1} MB", peak.load(Ordering::Relaxed) as f64 / 1024.0),
            String::new(),
        );
        // Start on the database the loads filled, several times: the median and the worst.
        let mut starts = Vec::new();
        for _ in 0..5 {
            srv.kill9()?;
            starts.push(srv.start().await?.as_secs_f64() * 1000.0);
        }
        starts.sort_by(f64::total_cmp);
        t.fact(
            "footprint",
            name(backend),
            "start to first answered request",
            format!("{:.0} ms", starts[2]),
            format!(
                "median of 5, worst {:.0} ms; existing database with {total} appeals; target ≤ 100 ms",
                starts[4]
            ),
        );
        if backend == Backend::Sqlite {
            page_bytes(t, &srv).await?;
        }
    }
    Ok(())
}

async fn page_bytes(t: &mut Table, srv: &Server) -> Result<()> {
    let mut c = http::Conn::open(srv.addr).await?;
    let css = c.get("/static/app.css").await?.body.len();
    for (what, path) in [
        ("school page", "/ru/bench"),
        ("write form", "/ru/bench/write"),
        ("follow-up form", "/ru/follow-up"),
    ] {
        let a = c.get(path).await?;
        let html = a.text();
        let script = html.contains("<script");
        let total = a.body.len() + css;
        t.fact(
            "footprint",
            "-",
            &format!("public page bytes: {what} + CSS"),
            format!("{:.1} KB", total as f64 / 1024.0),
            format!(
                "HTML {} B + CSS {css} B, uncompressed; script: {}; target ≤ 30 KB, no script",
                a.body.len(),
                if script { "YES" } else { "none" }
            ),
        );
        if script || total > 30 * 1024 || a.status != hyper::StatusCode::OK {
            t.failures.push(format!(
                "{what}: {} bytes, script {script}, {}",
                total, a.status
            ));
        }
    }
    Ok(())
}

async fn crash_test(ctx: &mut Ctx, t: &mut Table, backend: Backend, kills: usize) -> Result<()> {
    let mut srv = ctx.server("crash", backend).await?;
    create_school(&srv, "bench").await?;
    srv.start().await?;
    let o = crash::run(&mut srv, "bench", kills, 16).await?;
    t.fact(
        "crash",
        name(backend),
        "kill -9 during submissions, restart, open every receipt",
        format!("lost {}", o.lost),
        format!(
            "{} kills, {} receipts given, all checked; {} requests cut off by the kills (no receipt given); restart ≤ {:.0} ms",
            o.kills, o.receipts, o.failed_requests, o.max_restart_ms
        ),
    );
    if o.lost > 0 || o.receipts == 0 || o.kills < kills {
        t.failures.push(format!(
            "crash test on {}: {} lost of {} receipts, {} kills",
            name(backend),
            o.lost,
            o.receipts,
            o.kills
        ));
    }
    Ok(())
}

async fn login(addr: std::net::SocketAddr, username: &str) -> Result<Vec<(String, String)>> {
    let mut c = http::Conn::open(addr).await?;
    let page = c.get("/staff/login").await?.text();
    let pat = "name=\"pre\" value=\"";
    let i = page.find(pat).context("no pre field on the login page")? + pat.len();
    let pre = &page[i..i + page[i..].find('"').context("pre")?];
    let body = http::urlencoded(&[
        ("username", username),
        ("password", datagen::PASSWORD),
        ("pre", pre),
        ("lang", "ru"),
    ]);
    let a = c
        .post("/staff/login", "application/x-www-form-urlencoded", body)
        .await?;
    if !c.cookies.iter().any(|(k, _)| k == "tb_session") {
        bail!(
            "login as {username} failed: {} {}",
            a.status,
            a.text().chars().take(200).collect::<String>()
        );
    }
    Ok(c.cookies)
}

/// How big the scale test's database is.
struct Sizes {
    /// Appeals in the big school.
    big: usize,
    /// Appeals in all schools together.
    total: usize,
    schools: usize,
    /// PostgreSQL: appeals in the country after copying (0: no copy).
    country: usize,
}

async fn scale(ctx: &mut Ctx, t: &mut Table, backend: Backend, sizes: &Sizes) -> Result<()> {
    let &Sizes {
        big,
        total,
        schools,
        country,
    } = sizes;
    let mut srv = ctx.server("scale", backend).await?;
    let (store, keys) = datagen::open(&srv.data, &srv.db_url).await?;
    let tree = datagen::tree(&store, "sc", 1, schools).await?;
    // Everything in the current quarter, up to now.
    let now = OffsetDateTime::now_utc();
    let q0 = time::Date::from_calendar_date(
        now.year(),
        time::Month::try_from(((u8::from(now.month()) - 1) / 3) * 3 + 1)?,
        1,
    )?
    .midnight()
    .assume_utc()
    .unix_timestamp()
        + 6 * 3600;
    let to = now.unix_timestamp() - 60;
    let rest = (total.saturating_sub(big)).div_ceil(schools.saturating_sub(1).max(1));
    let t1 = datagen::appeals(&store, &keys, &tree.schools[..1], big, q0, to, 500).await?;
    let t2 = datagen::appeals(&store, &keys, &tree.schools[1..], rest, q0, to, 500).await?;
    let made = big + rest * (schools - 1);
    t.fact(
        "scale",
        name(backend),
        "generate appeals through the store",
        format!("{:.0}/s", made as f64 / (t1 + t2).as_secs_f64()),
        format!(
            "{made} appeals in {schools} schools ({big} in one) in {:.1} s, batches of 500",
            (t1 + t2).as_secs_f64()
        ),
    );
    // Planner statistics, as autovacuum would gather them (this machine's PostgreSQL runs with
    // autovacuum off: without them it seq-scans the journal entries of a 100,000-letter page).
    if backend == Backend::Postgres {
        store.raw_execute("ANALYZE").await?;
    }
    store.close().await;
    drop(store);
    srv.start().await?;
    let quarter = current_quarter();
    let resp = login(srv.addr, "sc-bench-responsible").await?;
    let analyst = login(srv.addr, "sc-bench-analyst").await?;
    load_pages(
        ctx.secs,
        t,
        backend,
        &srv,
        big,
        made as u64,
        &resp,
        &analyst,
        None,
    )
    .await?;
    let s0 = &tree.schools[0].slug;
    if backend == Backend::Postgres && country > made {
        let copies = country.div_ceil(made) - 1;
        let store = Store::connect(&srv.db_url).await?;
        let t0 = Instant::now();
        let rows = datagen::copy_into_new_schools(&store, &tree, copies, made as u64).await?;
        t.fact(
            "scale",
            name(backend),
            "copy appeals by SQL into more schools",
            format!("{:.0}/s", rows as f64 / t0.elapsed().as_secs_f64()),
            format!(
                "{rows} copies in {} more schools ({} districts) in {:.1} s; {} appeals in all",
                copies * schools,
                copies,
                t0.elapsed().as_secs_f64(),
                made as u64 + rows
            ),
        );
        store.raw_execute("ANALYZE").await?;
        store.close().await;
        let mut spec = Spec::new(srv.addr, s0, Kind::Staff, 1, ctx.secs);
        spec.path = format!("/staff/r/{}?period={quarter}", tree.country.slug);
        spec.cookies = analyst.clone();
        let s = load::run(Arc::new(spec)).await?;
        t.load(
            "scale",
            backend,
            &format!("country roll-up {quarter}, {} appeals", made as u64 + rows),
            1,
            &s,
        );
    }
    Ok(())
}

/// The current quarter as the report pages name it, e.g. `2026-Q4`.
fn current_quarter() -> String {
    let now = OffsetDateTime::now_utc();
    format!("{}-Q{}", now.year(), (u8::from(now.month()) - 1) / 3 + 1)
}

/// Loads the staff pages of a database the generator filled (prefix `sc`): the big school's
/// inbox and journal, and the roll-ups of the first district and the country, one client each.
#[allow(clippy::too_many_arguments)]
async fn load_pages(
    secs: Duration,
    t: &mut Table,
    backend: Backend,
    srv: &Server,
    big: usize,
    made: u64,
    resp: &[(String, String)],
    analyst: &[(String, String)],
    only_page: Option<&str>,
) -> Result<()> {
    let quarter = current_quarter();
    type Cookies<'a> = &'a [(String, String)];
    let pages: Vec<(String, String, Cookies)> = vec![
        (
            format!("staff inbox, school with {big}"),
            "/staff/s/sc-s0/appeals".into(),
            resp,
        ),
        (
            format!("staff journal page, school with {big}"),
            "/staff/s/sc-s0/journal".into(),
            resp,
        ),
        (
            format!("district roll-up {quarter}, {made} appeals"),
            format!("/staff/r/sc-d0?period={quarter}"),
            analyst,
        ),
        (
            format!("country roll-up {quarter}, {made} appeals"),
            format!("/staff/r/sc-kg?period={quarter}"),
            analyst,
        ),
    ];
    for (what, path, cookies) in pages {
        if only_page.is_some_and(|p| !what.contains(p)) {
            continue;
        }
        let mut spec = Spec::new(srv.addr, "sc-s0", Kind::Staff, 1, secs);
        spec.path = path;
        spec.cookies = cookies.to_vec();
        let s = load::run(Arc::new(spec)).await?;
        t.load("scale", backend, &what, 1, &s);
    }
    Ok(())
}

/// `trustbox-bench pages`: the staff pages of the scale test again, on a data folder (and
/// database) that `suite --only scale --keep` left behind, without generating it anew.
async fn pages(
    bin: &Path,
    data: &Path,
    db: Option<String>,
    secs: Duration,
    only_page: Option<&str>,
) -> Result<Table> {
    let bin = std::fs::canonicalize(bin).with_context(|| format!("binary {}", bin.display()))?;
    let mut srv = Server::new(&bin, data.to_path_buf(), db)?;
    let store = Store::connect(&srv.db_url).await?;
    let backend = store.backend();
    let made = store
        .raw_query_i64("SELECT COUNT(*) FROM appeals")
        .await?
        .first()
        .map_or(0, |r| r.0);
    let big = store
        .raw_query_i64(
            "SELECT COUNT(*) FROM appeals WHERE school_id = (SELECT id FROM org_units WHERE slug = 'sc-s0')",
        )
        .await?
        .first()
        .map_or(0, |r| r.0);
    store.close().await;
    if big == 0 {
        bail!(
            "{} holds no school sc-s0 with appeals: not a scale-test database",
            srv.db_url
        );
    }
    let load_before = loadavg();
    srv.start().await?;
    let mut t = Table {
        rows: Vec::new(),
        failures: Vec::new(),
    };
    let resp = login(srv.addr, "sc-bench-responsible").await?;
    let analyst = login(srv.addr, "sc-bench-analyst").await?;
    load_pages(
        secs,
        &mut t,
        backend,
        &srv,
        big as usize,
        made as u64,
        &resp,
        &analyst,
        only_page,
    )
    .await?;
    t.fact(
        "-",
        "-",
        "machine load (1-minute load average, 2 cores)",
        format!("{load_before} → {}", loadavg()),
        "at start → at end".into(),
    );
    Ok(t)
}

async fn drop_pg(dbs: &[String]) {
    if dbs.is_empty() {
        return;
    }
    let admin = trustbox_store::testing::pg_admin_url();
    if let Ok(s) = Store::connect(&admin).await {
        for d in dbs {
            let _ = s
                .raw_execute(&format!("DROP DATABASE IF EXISTS {d} WITH (FORCE)"))
                .await;
        }
        s.close().await;
    }
}

/// Renames the kept databases from the tests' `tb_t_<random>_<pid>` to `tb_bench_<random>_<pid>`:
/// `scripts/test` drops leftover `tb_t_` databases whose process has ended, and would drop
/// these too. Returns the names they have now (the old one where the rename failed).
async fn keep_pg(dbs: &[String]) -> Vec<String> {
    let admin = trustbox_store::testing::pg_admin_url();
    let Ok(s) = Store::connect(&admin).await else {
        return dbs.to_vec();
    };
    let mut kept = Vec::new();
    for d in dbs {
        let new = d.replacen("tb_t_", "tb_bench_", 1);
        match s
            .raw_execute(&format!("ALTER DATABASE {d} RENAME TO {new}"))
            .await
        {
            Ok(_) => kept.push(new),
            Err(e) => {
                eprintln!("could not rename {d} to {new} ({e}): the next scripts/test may drop it");
                kept.push(d.clone());
            }
        }
    }
    s.close().await;
    kept
}

#[allow(clippy::too_many_arguments)]
async fn suite(
    bin: &Path,
    smoke: bool,
    only: &str,
    backends: &str,
    seconds: Option<u64>,
    kills: Option<usize>,
    sizes: Sizes,
    keep: bool,
) -> Result<Table> {
    let bin = std::fs::canonicalize(bin).with_context(|| format!("binary {}", bin.display()))?;
    let work = std::env::temp_dir().join(format!(
        "trustbox-bench-{}-{}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&work)?;
    let mut ctx = Ctx {
        bin: bin.clone(),
        work: work.clone(),
        smoke,
        secs: Duration::from_secs(seconds.unwrap_or(if smoke { 1 } else { 5 })),
        pg_dbs: Vec::new(),
    };
    let mut t = Table {
        rows: Vec::new(),
        failures: Vec::new(),
    };
    let parts: Vec<&str> = only.split(',').map(str::trim).collect();
    let bks: Vec<Backend> = backends
        .split(',')
        .filter_map(|b| match b.trim() {
            "sqlite" => Some(Backend::Sqlite),
            "postgres" | "pg" => Some(Backend::Postgres),
            _ => None,
        })
        .collect();
    let t0 = Instant::now();
    let load_before = loadavg();
    let result: Result<()> = async {
        if parts.contains(&"footprint") {
            let size = std::fs::metadata(&bin)?.len();
            t.fact(
                "footprint",
                "-",
                "binary size (release)",
                format!("{:.1} MB", size as f64 / 1024.0 / 1024.0),
                bin.display().to_string(),
            );
        }
        for &b in &bks {
            if parts.contains(&"submit") || parts.contains(&"footprint") {
                submit(&mut ctx, &mut t, b, parts.contains(&"footprint")).await?;
            }
        }
        for &b in &bks {
            if parts.contains(&"crash") {
                crash_test(
                    &mut ctx,
                    &mut t,
                    b,
                    kills.unwrap_or(if smoke { 3 } else { 25 }),
                )
                .await?;
            }
        }
        for &b in &bks {
            if parts.contains(&"scale") {
                scale(&mut ctx, &mut t, b, &sizes).await?;
            }
        }
        Ok(())
    }
    .await;
    if keep {
        let kept = keep_pg(&ctx.pg_dbs).await;
        eprintln!("PostgreSQL databases kept: {}", kept.join(" "));
    } else {
        drop_pg(&ctx.pg_dbs).await;
    }
    if !keep {
        let _ = std::fs::remove_dir_all(&work);
    } else {
        eprintln!("data folders kept in {}", work.display());
    }
    result?;
    t.fact(
        "-",
        "-",
        "machine load (1-minute load average, 2 cores)",
        format!("{load_before} → {}", loadavg()),
        "at start → at end; other work on the machine competes with the server".into(),
    );
    t.fact(
        "-",
        "-",
        "suite wall time",
        format!("{:.0} s", t0.elapsed().as_secs_f64()),
        if smoke {
            "--smoke".into()
        } else {
            String::new()
        },
    );
    Ok(t)
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("trustbox-bench: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = match cli.command {
        Command::Suite {
            bin,
            smoke,
            only,
            backends,
            seconds,
            kills,
            big,
            total,
            schools,
            country,
            keep,
        } => {
            let sizes = Sizes {
                big: big.unwrap_or(if smoke { 2000 } else { 100_000 }),
                total: total.unwrap_or(if smoke { 4000 } else { 1_000_000 }),
                schools: schools.unwrap_or(if smoke { 20 } else { 1000 }),
                country: country.unwrap_or(if smoke { 0 } else { 10_000_000 }),
            };
            rt.block_on(suite(
                &bin, smoke, &only, &backends, seconds, kills, sizes, keep,
            ))
        }
        Command::Pages {
            bin,
            data,
            db,
            seconds,
            page,
        } => rt.block_on(pages(
            &bin,
            &data,
            db,
            Duration::from_secs(seconds),
            page.as_deref(),
        )),
        Command::Abuse {
            bin,
            logins,
            login_sources,
            slow,
            slow_sources,
            pdfs,
            seconds,
        } => rt.block_on(abuse::run(&abuse::Opts {
            bin,
            logins,
            login_sources,
            slow,
            slow_sources,
            pdfs,
            seconds,
        })),
    };
    match result {
        Ok(t) => {
            t.print();
            if t.failures.is_empty() {
                ExitCode::SUCCESS
            } else {
                eprintln!("\ntrustbox-bench: FAILED:");
                for f in &t.failures {
                    eprintln!("  - {f}");
                }
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("trustbox-bench: FAILED: {e:#}");
            ExitCode::FAILURE
        }
    }
}
