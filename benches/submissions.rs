//! Applicants' submissions per second: each request is a real `POST /applications/{id}/submit` from a
//! signed-in applicant, against the app started in-process (session looked up in the database, CSRF
//! token checked, the application loaded and checked complete, the status change written with its
//! audit event and the outbox row of the "application received" email).
//!
//! The database is a fresh SQLite file in a temporary folder, or a fresh Postgres database
//! (`ss_bench_<uuid>`, dropped at the end) when `BENCH_DATABASE_URL` names a Postgres server. The
//! worker is not started, so the outbox rows stay rows: this measures the write path, not SMTP.
//!
//! Settings (environment):
//! - `BENCH_DATABASE_URL`      postgres://… admin URL (unset: SQLite)
//! - `BENCH_APPLICATIONS`      complete drafts to seed (default 30000; the rate budget)
//! - `BENCH_CONCURRENCY`       concurrent clients (default 16)
//! - `BENCH_SECONDS`           measured duration (default 20)
//! - `BENCH_WARMUP_SECONDS`    submissions before measuring, not counted (default 2)
//! - `BENCH_DB_CONNECTIONS`    the app's `DATABASE_MAX_CONNECTIONS` (default: the app's, 2 per core)
//! - `BENCH_SEED_CONCURRENCY`  concurrent seeding tasks (default: the pool size)
//! - `BENCH_KEEP_DATABASE`     `1` keeps the Postgres database afterwards, to inspect it
//! - `BENCH_LOG`               tracing filter for the app (default `warn,sqlx::query=error`)
//! - `BENCH_PG_SETTINGS`       diagnostic settings for the benchmark database, e.g.
//!   `synchronous_commit=off,plan_cache_mode=force_generic_plan`
//!
//! - `BENCH_SCENARIO=seats`     instead: `BENCH_CLAIMS` applicants (default 200) submit at the same
//!   instant to a first-come program with `BENCH_SEATS` places (default 60); each submission is a claim
//!   on a seat. Reports the latencies and checks that exactly that many hold a seat.
//!
//! - `BENCH_SCENARIO=webhooks`  instead: `BENCH_ORDERS` accepted applicants (default 1000) each with an
//!   open Stripe checkout; `BENCH_CONCURRENCY` clients post signed `checkout.session.completed` events
//!   (each delivered `BENCH_DUPLICATES` times, default 3) and then `checkout.session.expired` to
//!   `/webhooks/stripe`. Reports events per second and checks that every order was enrolled exactly
//!   once.
//!
//! Run with `cargo bench --bench submissions` (see benches/README.md).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use summer_school::config::Config;
use summer_school::domain::email::EmailAddress;
use summer_school::domain::locale::Locale;
use summer_school::domain::status::{ApplicationStatus, DocumentKind};
use summer_school::email::render;
use summer_school::http::application::{PRIVACY_VERSION, TERMS_VERSION};
use summer_school::http::auth::{self, LINK_TTL, SESSION_TTL};
use summer_school::i18n::Tr;
use summer_school::startup;
use summer_school::store::{
    FormColumn, FormValue, JobFilter, NewDocument, NewSession, SignInLimits, SignInRequest, Store,
    TimelineEntry,
};
use time::OffsetDateTime;

#[path = "submissions/db.rs"]
mod db;
#[path = "submissions/scenarios.rs"]
mod scenarios;

use db::BenchDb;
use scenarios::{seats, webhooks};

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}=`{v}` is not a valid value")),
        _ => default,
    }
}

/// One seeded applicant with a complete draft.
struct Seeded {
    applicant_id: String,
    application_id: String,
    /// The `Cookie` header value (`ss_session=<raw token>`).
    cookie: String,
    /// The form body (`csrf=<token>`).
    body: String,
}

/// Every column of the form, filled with values the steps would accept.
fn complete_form(now: OffsetDateTime, n: usize) -> Vec<(FormColumn, FormValue)> {
    let text = |s: &str| FormValue::Text(Some(s.to_owned()));
    vec![
        (FormColumn::GivenNames, text(&format!("Minh Khai {n}"))),
        (FormColumn::FamilyName, text("Nguyễn")),
        (
            FormColumn::CertificateName,
            text(&format!("Nguyễn Thị Minh Khai {n}")),
        ),
        (
            FormColumn::BirthDate,
            FormValue::Date(Some(time::macros::date!(1999 - 02 - 14))),
        ),
        (FormColumn::Nationality, text("VN")),
        (FormColumn::ResidenceCountry, text("FR")),
        (FormColumn::Phone, text("+33612345678")),
        (
            FormColumn::AddressLine1,
            text("12 rue de l'École-de-Médecine"),
        ),
        (FormColumn::AddressLine2, text("Bâtiment B")),
        (FormColumn::AddressCity, text("Paris")),
        (FormColumn::AddressPostcode, text("75006")),
        (FormColumn::AddressCountry, text("FR")),
        (FormColumn::Category, text("medical_student")),
        (FormColumn::StudyYear, FormValue::Int(Some(5))),
        (FormColumn::Institution, text("Hanoi Medical University")),
        (FormColumn::InstitutionCountry, text("VN")),
        (FormColumn::PartnerUniversity, FormValue::Bool(Some(false))),
        (FormColumn::EnglishLevel, text("c1")),
        (
            FormColumn::Motivation,
            text(&"I want to learn emergency medicine hands-on. ".repeat(6)),
        ),
        (FormColumn::PrivacyVersion, text(PRIVACY_VERSION)),
        (FormColumn::TermsVersion, text(TERMS_VERSION)),
        (FormColumn::ConsentedAt, FormValue::Time(Some(now))),
    ]
}

/// Signs applicant `n` in and fills a complete draft, all through the store.
async fn seed_one(
    store: &dyn Store,
    state: &summer_school::http::AppState,
    program: &(String, Vec<String>),
    n: usize,
) -> Seeded {
    let (program_id, questions) = program;
    let now = OffsetDateTime::now_utc();
    let tr = Tr(Locale::En);
    let email = EmailAddress::parse(&format!("bench.applicant.{n}@example.org")).unwrap();
    let link_token = auth::random_token();
    let link_hash = auth::sha256_hex(&link_token);
    let requester = auth::keyed_hash(state, "requester", &format!("bench-{n}"));
    let request = SignInRequest {
        email: &email,
        locale: Locale::En,
        next_path: "/my-applications",
        requester: &requester,
        token_hash: &link_hash,
        expires_at: now + LINK_TTL,
        limits: SignInLimits::default(),
    };
    let link = format!("http://summer-school.bench/sign-in/link/{link_token}");
    store
        .request_sign_in(&request, &render::sign_in_link(tr, &email, &link), now)
        .await
        .expect("request_sign_in");
    let session_token = auth::random_token();
    let session_hash = auth::sha256_hex(&session_token);
    let signed_in = store
        .consume_sign_in(
            &link_hash,
            &NewSession {
                session_hash: &session_hash,
                expires_at: now + SESSION_TTL,
                replaces: None,
            },
            now,
        )
        .await
        .expect("consume_sign_in");
    let applicant_id = signed_in.applicant_id;
    let (application_id, created) = store
        .start_application(&applicant_id, program_id, now)
        .await
        .expect("start_application");
    assert!(created, "each applicant applies once");
    store
        .save_form(&applicant_id, &application_id, &complete_form(now, n), now)
        .await
        .expect("save_form");
    // The program's own questions (yes/no), answered as the motivation step would.
    if !questions.is_empty() {
        let answers: Vec<(String, String)> = questions
            .iter()
            .map(|k| (k.clone(), "yes".to_owned()))
            .collect();
        store
            .save_answers(&applicant_id, &application_id, &answers, now)
            .await
            .expect("save_answers");
    }
    for (kind, file_name, content_type) in [
        (DocumentKind::Cv, "cv.pdf", "application/pdf"),
        (
            DocumentKind::MotivationLetter,
            "letter.pdf",
            "application/pdf",
        ),
        (DocumentKind::ProofOfStatus, "transcript.png", "image/png"),
    ] {
        let blob_key = format!("bench/{application_id}/{}", kind.as_str());
        let sha = auth::sha256_hex(&blob_key);
        store
            .put_document(
                &applicant_id,
                &application_id,
                &NewDocument {
                    kind,
                    file_name,
                    content_type,
                    size_bytes: 2048,
                    sha256: &sha,
                    blob_key: &blob_key,
                },
                now,
            )
            .await
            .expect("put_document");
    }
    // The token the server expects: the same keyed hash of the session as `issue_csrf`.
    let csrf = auth::keyed_hash(
        state,
        "csrf",
        &format!("session:{}", auth::sha256_hex(&session_token)),
    );
    Seeded {
        applicant_id,
        application_id,
        cookie: format!("{}={session_token}", auth::SESSION_COOKIE),
        body: format!("csrf={csrf}"),
    }
}

/// One request's result.
struct Sample {
    started: Instant,
    latency: Duration,
    /// `None` when the submission succeeded, else what went wrong.
    error: Option<String>,
}

fn percentile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// CPU time (seconds) used so far: by this process's threads, grouped by name, and by the whole
/// machine (so that the database server's share shows as "outside this process"). Linux only.
#[derive(Debug, Clone, Default)]
struct CpuSample {
    app: f64,
    sqlite: f64,
    clients: f64,
    other: f64,
    /// The Postgres server processes serving the benchmark database.
    db_backends: f64,
    machine_busy: f64,
    machine_total: f64,
}

/// Clock ticks per second: 100 on every Linux we run on (sysconf(_SC_CLK_TCK)).
const HZ: f64 = 100.0;

/// User + system CPU seconds from a `/proc/…/stat` line.
fn stat_cpu_secs(stat: &str) -> Option<f64> {
    // Fields after the `(comm)`: state is field 3, utime 14, stime 15.
    let rest = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    Some((f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?) / HZ)
}

fn cpu_sample(postgres_db: Option<&str>) -> Option<CpuSample> {
    let mut s = CpuSample::default();
    if let Some(db) = postgres_db {
        for p in std::fs::read_dir("/proc").ok()?.flatten() {
            let Ok(cmdline) = std::fs::read(p.path().join("cmdline")) else {
                continue;
            };
            if String::from_utf8_lossy(&cmdline).contains(db)
                && let Ok(stat) = std::fs::read_to_string(p.path().join("stat"))
            {
                s.db_backends += stat_cpu_secs(&stat).unwrap_or(0.0);
            }
        }
    }
    for task in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
        let (Ok(comm), Ok(stat)) = (
            std::fs::read_to_string(task.path().join("comm")),
            std::fs::read_to_string(task.path().join("stat")),
        ) else {
            continue;
        };
        let Some(secs) = stat_cpu_secs(&stat) else {
            continue;
        };
        let comm = comm.trim();
        if comm.starts_with("app-") {
            s.app += secs;
        } else if comm.starts_with("sqlx-sqlite") {
            s.sqlite += secs;
        } else if comm.starts_with("bench-") {
            s.clients += secs;
        } else {
            s.other += secs;
        }
    }
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let cpu: Vec<f64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .filter_map(|v| v.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal …
    let idle = cpu.get(3)? + cpu.get(4).unwrap_or(&0.0);
    let total: f64 = cpu.iter().take(8).sum();
    s.machine_busy = (total - idle) / HZ;
    s.machine_total = total / HZ;
    Some(s)
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument that is not ours means "not this bench".
    if std::env::args()
        .skip(1)
        .any(|a| !a.starts_with("--") && !"submissions".contains(a.as_str()))
    {
        return;
    }
    let filter = std::env::var("BENCH_LOG").unwrap_or_else(|_| "warn,sqlx::query=error".to_owned());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .try_init();
    // The app and the load generator on separate runtimes (named threads), so that the CPU each one
    // uses can be told apart; both have as many workers as there are CPUs, as `serve` would.
    let app = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("app-worker")
        .build()
        .expect("app runtime");
    let bench = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("bench-client")
        .build()
        .expect("client runtime");
    let consistent = bench.block_on(run(app.handle().clone()));
    drop(bench);
    drop(app);
    if !consistent {
        std::process::exit(1);
    }
}

/// The whole benchmark; `app` runs the server and owns the database pool. Returns whether the
/// database agrees with what the clients saw.
async fn run(app: tokio::runtime::Handle) -> bool {
    let applications: usize = env_or("BENCH_APPLICATIONS", 30_000);
    let concurrency: usize = env_or("BENCH_CONCURRENCY", 16);
    let seconds: f64 = env_or("BENCH_SECONDS", 20.0);
    let warmup: f64 = env_or("BENCH_WARMUP_SECONDS", 2.0);
    // The app's own default (two connections per core for SQLite, four for Postgres), unless set.
    let pool: Option<u32> = std::env::var("BENCH_DB_CONNECTIONS")
        .ok()
        .and_then(|v| v.parse().ok());

    let dir = tempfile::tempdir().expect("temporary folder");
    let db = BenchDb::create(dir.path()).await;
    let env: HashMap<String, String> = [
        ("DATABASE_URL", db.url().to_owned()),
        ("DATA_DIR", dir.path().display().to_string()),
        ("BIND_ADDR", "127.0.0.1:0".to_owned()),
        ("PUBLIC_URL", "http://summer-school.bench".to_owned()),
        ("MAIL_TRANSPORT", "file".to_owned()),
        (
            "MAIL_OUTBOX_DIR",
            dir.path().join("outbox").display().to_string(),
        ),
        ("SECRET_KEY", auth::random_token()),
        // Stripe for the webhook scenario; nothing is ever sent to this address.
        ("PAYMENT_PROVIDER", "stripe".to_owned()),
        ("STRIPE_SECRET_KEY", "sk_test_bench".to_owned()),
        ("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET.to_owned()),
        ("STRIPE_API_BASE", "http://127.0.0.1:9/".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .chain(pool.map(|n| ("DATABASE_MAX_CONNECTIONS".to_owned(), n.to_string())))
    .collect();
    let config = Config::from_map(&env).expect("benchmark configuration");
    let pool = config.database_max_connections;
    let seed_concurrency: usize = env_or("BENCH_SEED_CONCURRENCY", pool as usize).max(1);
    let (store, running) = app
        .spawn(async move {
            let catalog = startup::read_catalog(None).expect("shipped catalog");
            let listener = startup::bind(config.bind).await.expect("bind");
            let store = startup::open_store(&config).await.expect("open store");
            startup::seed(store.as_ref(), &catalog, true)
                .await
                .expect("seed catalog and demo edition");
            let config = Arc::new(config);
            let running = startup::start(config, store.clone(), listener, false)
                .await
                .expect("start the app");
            (store, running)
        })
        .await
        .expect("app start task");
    let base = format!("http://{}", running.addr);
    let state = running.state.clone();

    let now = OffsetDateTime::now_utc();
    // Each open demo program with the keys of its own questions.
    let programs: Vec<(String, Vec<String>)> = store
        .programs()
        .await
        .expect("programs")
        .into_iter()
        .filter(|p| {
            p.edition_is_demo
                && p.window(now) == summer_school::domain::catalog::ApplicationWindow::Open
        })
        .map(|p| {
            (
                p.program_id,
                p.questions.into_iter().map(|q| q.key).collect(),
            )
        })
        .collect();
    assert!(!programs.is_empty(), "the demo edition has open programs");
    if std::env::var("BENCH_SCENARIO").is_ok_and(|s| s == "seats") {
        return seats(&store, &state, &base, db.backend()).await;
    }
    if std::env::var("BENCH_SCENARIO").is_ok_and(|s| s == "webhooks") {
        return webhooks(&store, &state, &base, db.backend()).await;
    }

    println!();
    println!("# summer-school submissions benchmark");
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        println!(
            "load average before seeding: {} (anything else running skews the figures)",
            load.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    println!(
        "backend {}, {} CPUs, pool {pool}, {concurrency} clients, {seconds} s (+{warmup} s warm-up), {applications} drafts",
        db.backend(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );

    // ---- seeding, through the store --------------------------------------------------------------
    let seed_started = Instant::now();
    let next = Arc::new(AtomicUsize::new(0));
    let programs = Arc::new(programs);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..seed_concurrency {
        let (store, state, next, programs) =
            (store.clone(), state.clone(), next.clone(), programs.clone());
        tasks.spawn(async move {
            let mut out = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= applications {
                    return out;
                }
                let program = &programs[n % programs.len()];
                out.push((n, seed_one(store.as_ref(), &state, program, n).await));
            }
        });
    }
    let mut seeded: Vec<(usize, Seeded)> = Vec::with_capacity(applications);
    while let Some(r) = tasks.join_next().await {
        seeded.extend(r.expect("seeding task"));
    }
    seeded.sort_by_key(|(n, _)| *n);
    let seeded: Arc<Vec<Seeded>> = Arc::new(seeded.into_iter().map(|(_, s)| s).collect());
    let seed_time = seed_started.elapsed();
    println!(
        "seeded {} complete drafts ({} programs) in {:.1} s ({:.0} applicants/s, 7 or 8 write transactions each)",
        seeded.len(),
        programs.len(),
        seed_time.as_secs_f64(),
        seeded.len() as f64 / seed_time.as_secs_f64()
    );
    let count_send_email = |jobs: &[summer_school::store::JobSummary]| {
        jobs.iter().filter(|j| j.kind == "send_email").count()
    };
    let jobs_before = count_send_email(
        &store
            .jobs(JobFilter::All, i64::MAX)
            .await
            .expect("jobs before"),
    );

    // ---- the load ------------------------------------------------------------------------------
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let measure_from = started + Duration::from_secs_f64(warmup);
    let stop_at = measure_from + Duration::from_secs_f64(seconds);
    let mut clients = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (seeded, next, base) = (seeded.clone(), next.clone(), base.clone());
        clients.spawn(async move {
            let client = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client");
            let mut samples = Vec::new();
            let mut succeeded = Vec::new();
            while Instant::now() < stop_at {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(a) = seeded.get(i) else { break };
                let url = format!("{base}/applications/{}/submit", a.application_id);
                let expected = format!("/applications/{}?sent=1", a.application_id);
                let t = Instant::now();
                let r = client
                    .post(&url)
                    .header(reqwest::header::COOKIE, &a.cookie)
                    .header(
                        reqwest::header::CONTENT_TYPE,
                        "application/x-www-form-urlencoded",
                    )
                    .body(a.body.clone())
                    .send()
                    .await;
                let error = match r {
                    Err(e) => Some(format!("transport: {e}")),
                    Ok(r) => {
                        let status = r.status().as_u16();
                        let location = r
                            .headers()
                            .get(reqwest::header::LOCATION)
                            .and_then(|l| l.to_str().ok())
                            .unwrap_or("")
                            .to_owned();
                        // Read the body so the connection is reused.
                        let _ = r.bytes().await;
                        if status == 303 && location == expected {
                            None
                        } else if status == 303 {
                            Some(format!(
                                "303 to {}",
                                location.replace(&a.application_id, "{id}")
                            ))
                        } else {
                            Some(status.to_string())
                        }
                    }
                };
                let latency = t.elapsed();
                if error.is_none() {
                    succeeded.push(i);
                }
                samples.push(Sample {
                    started: t,
                    latency,
                    error,
                });
            }
            (samples, succeeded)
        });
    }
    let pg_name = db.postgres_name();
    let pg = pg_name.clone();
    let cpu_at_start = tokio::spawn(async move {
        tokio::time::sleep_until(measure_from.into()).await;
        cpu_sample(pg.as_deref())
    });
    let mut samples = Vec::new();
    let mut succeeded = Vec::new();
    while let Some(r) = clients.join_next().await {
        let (s, ok) = r.expect("client task");
        samples.extend(s);
        succeeded.extend(ok);
    }
    let cpu_at_end = cpu_sample(pg_name.as_deref());
    let cpu_at_start = cpu_at_start.await.ok().flatten();
    let ran_out = next.load(Ordering::Relaxed) >= seeded.len();

    // ---- figures (requests started in the measured window) ---------------------------------------
    let measured: Vec<&Sample> = samples
        .iter()
        .filter(|s| s.started >= measure_from)
        .collect();
    let window_end = measured
        .iter()
        .map(|s| s.started + s.latency)
        .max()
        .unwrap_or(measure_from);
    let window = window_end.saturating_duration_since(measure_from);
    let ok = measured.iter().filter(|s| s.error.is_none()).count();
    let mut errors: BTreeMap<String, usize> = BTreeMap::new();
    for s in &measured {
        if let Some(e) = &s.error {
            *errors.entry(e.clone()).or_default() += 1;
        }
    }
    let mut all_errors: BTreeMap<String, usize> = BTreeMap::new();
    for s in &samples {
        if let Some(e) = &s.error {
            *all_errors.entry(e.clone()).or_default() += 1;
        }
    }
    let mut latencies: Vec<Duration> = measured.iter().map(|s| s.latency).collect();
    latencies.sort();
    let rate = ok as f64 / window.as_secs_f64().max(f64::EPSILON);

    // ---- checks through the store ----------------------------------------------------------------
    let check_started = Instant::now();
    let next = Arc::new(AtomicUsize::new(0));
    let mut checks = tokio::task::JoinSet::new();
    for _ in 0..seed_concurrency {
        let (store, seeded, next) = (store.clone(), seeded.clone(), next.clone());
        checks.spawn(async move {
            let (mut submitted, mut draft, mut emails_wrong) = (0usize, 0usize, 0usize);
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(a) = seeded.get(i) else {
                    return (submitted, draft, emails_wrong);
                };
                let record = store
                    .application(&a.applicant_id, &a.application_id)
                    .await
                    .expect("application");
                match record.status {
                    ApplicationStatus::Submitted => {
                        submitted += 1;
                        let emails = store
                            .timeline(&a.applicant_id, &a.application_id)
                            .await
                            .expect("timeline")
                            .into_iter()
                            .filter(|e| matches!(e, TimelineEntry::Email { .. }))
                            .count();
                        if emails != 1 {
                            emails_wrong += 1;
                        }
                    }
                    ApplicationStatus::Draft => draft += 1,
                    _ => {}
                }
            }
        });
    }
    let (mut submitted, mut drafts, mut emails_wrong) = (0, 0, 0);
    while let Some(r) = checks.join_next().await {
        let (s, d, e) = r.expect("check task");
        submitted += s;
        drafts += d;
        emails_wrong += e;
    }
    let jobs_after = count_send_email(
        &store
            .jobs(JobFilter::All, i64::MAX)
            .await
            .expect("jobs after"),
    );
    let new_jobs = jobs_after - jobs_before;
    let check_time = check_started.elapsed();

    // ---- summary -----------------------------------------------------------------------------------
    println!();
    println!(
        "| backend | clients | duration | submissions | submissions/s | p50 | p90 | p99 | max | errors |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    println!(
        "| {} | {concurrency} | {:.1} s | {ok} | {rate:.0} | {} | {} | {} | {} | {} |",
        db.backend(),
        window.as_secs_f64(),
        ms(percentile(&latencies, 0.50)),
        ms(percentile(&latencies, 0.90)),
        ms(percentile(&latencies, 0.99)),
        ms(latencies.last().copied().unwrap_or_default()),
        if errors.is_empty() {
            "0".to_owned()
        } else {
            errors
                .iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        },
    );
    println!();
    if ran_out {
        println!(
            "note: the {} seeded drafts ran out before the {seconds} s were over: raise BENCH_APPLICATIONS",
            seeded.len()
        );
    }
    println!(
        "warm-up: {} requests ({} errors), not in the figures above",
        samples.len() - measured.len(),
        all_errors.values().sum::<usize>() - errors.values().sum::<usize>()
    );
    println!(
        "seeding: {:.1} s for {} drafts",
        seed_time.as_secs_f64(),
        seeded.len()
    );
    let consistent = submitted == succeeded.len()
        && new_jobs == succeeded.len()
        && emails_wrong == 0
        && submitted + drafts == seeded.len();
    println!(
        "check ({:.1} s): {submitted} applications submitted for {} successful requests, {drafts} still drafts, {new_jobs} new send_email outbox rows, {emails_wrong} submitted applications without exactly one email: {}",
        check_time.as_secs_f64(),
        succeeded.len(),
        if consistent {
            "consistent"
        } else {
            "INCONSISTENT"
        }
    );

    if let (Some(a), Some(b)) = (cpu_at_start, cpu_at_end) {
        let per = |secs: f64| format!("{:.0} µs", secs / ok.max(1) as f64 * 1e6);
        let ours = [
            ("app", b.app - a.app),
            ("sqlite threads", b.sqlite - a.sqlite),
            ("postgres server", b.db_backends - a.db_backends),
            ("load generator", b.clients - a.clients),
            ("other threads", b.other - a.other),
        ];
        let machine = b.machine_busy - a.machine_busy;
        let counted: f64 = ours.iter().map(|(_, v)| v).sum();
        let capacity = b.machine_total - a.machine_total;
        let mut parts: Vec<String> = ours
            .iter()
            .filter(|(_, v)| *v > 0.0)
            .map(|(k, v)| format!("{k} {}", per(*v)))
            .collect();
        parts.push(format!(
            "everything else on the machine {}",
            per((machine - counted).max(0.0))
        ));
        println!(
            "CPU in the measured window: machine {:.0}% busy; per submission: {}",
            100.0 * machine / capacity.max(f64::EPSILON),
            parts.join(", ")
        );
    }

    running.shutdown(Duration::from_secs(5)).await;
    drop(store);
    drop(state);
    drop(db);
    consistent
}

const WEBHOOK_SECRET: &str = "whsec_bench_secret";
