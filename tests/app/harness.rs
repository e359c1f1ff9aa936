//! The test harness: the real app on port 0 with a fresh database (a temporary SQLite file, or a fresh
//! Postgres database when `TEST_DATABASE_URL` is set) and a real SMTP server (aiosmtpd) whose mailbox
//! the tests read back.
//!
//! The parts the tests run (aiosmtpd, Chromium and chromedriver, pdftotext, pdfsig, qpdf, openssl,
//! Node.js with the badge verifier of `tests/badges`, and Postgres when `TEST_DATABASE_URL` is set)
//! are checked once, before the first of them is used: when any is missing the test binary prints
//! one line naming them all and `scripts/test`, and exits.

use std::collections::HashMap;
use std::net::TcpListener as StdListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Once};
use std::time::{Duration, Instant};

use summer_school::config::Config;
use summer_school::jobs::{RunReport, Worker};
use summer_school::startup::{self, Running};
use summer_school::store::{JobFilter, Store};

mod mail;
pub use mail::{ReceivedMail, SmtpSink};

/// A fresh database for one test, removed afterwards.
pub enum TestDb {
    Sqlite {
        _dir: tempfile::TempDir,
        url: String,
    },
    Postgres {
        admin_url: String,
        name: String,
        url: String,
    },
}

/// The Python that runs the tests' SMTP server.
fn smtp_sink_python() -> String {
    std::env::var("SMTP_SINK_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".to_owned())
}

/// Whether `program args…` starts and exits successfully (its output is not shown).
fn runs(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Whether `path` is a file someone may run.
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Why the Postgres server at `url` does not answer, if it does not.
fn postgres_unreachable(url: &str) -> Option<String> {
    let url = url.to_owned();
    // Called from inside the tests' runtimes: connect on a thread with its own.
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            use sqlx::Connection;
            let connect = sqlx::PgConnection::connect(&url);
            match tokio::time::timeout(Duration::from_secs(10), connect).await {
                Ok(Ok(conn)) => {
                    let _ = conn.close().await;
                    None
                }
                Ok(Err(e)) => Some(e.to_string()),
                Err(_) => Some("no answer within 10 s".to_owned()),
            }
        })
    })
    .join()
    .unwrap_or_else(|_| Some("the check panicked".to_owned()))
}

/// `url` with its password, if any, replaced by `***`, to print it.
fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((user_info, host)) if user_info.contains(':') => {
            let user = user_info.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}")
        }
        _ => url.to_owned(),
    }
}

/// What the tests need and this machine lacks, as Debian packages (and Postgres), all at once.
fn missing_parts() -> Vec<String> {
    use crate::browser::{CHROMEDRIVER, CHROMIUM};
    let mut missing = Vec::new();
    let python = smtp_sink_python();
    if !runs(&python, &["-c", "import aiosmtpd"]) {
        missing.push(if python == "/usr/bin/python3" {
            "python3-aiosmtpd".to_owned()
        } else {
            format!("python3-aiosmtpd (for SMTP_SINK_PYTHON={python})")
        });
    }
    if !is_executable(Path::new(CHROMIUM)) {
        missing.push("chromium".to_owned());
    }
    if !runs(CHROMEDRIVER, &["--version"]) {
        missing.push("chromium-driver".to_owned());
    }
    if !runs("pdftotext", &["-v"]) || !runs("pdfsig", &["-v"]) {
        missing.push("poppler-utils".to_owned());
    }
    if !runs("qpdf", &["--version"]) {
        missing.push("qpdf".to_owned());
    }
    if !runs("openssl", &["version"]) {
        missing.push("openssl".to_owned());
    }
    if !runs("node", &["--version"]) {
        missing.push("nodejs".to_owned());
    }
    if !badge_verifier_dir().join("node_modules").is_dir() {
        missing.push("the badge verifier (npm ci --prefix tests/badges)".to_owned());
    }
    if !runs(
        &bank_python().to_string_lossy(),
        &["-c", "import pyiso20022.camt.camt_053_001_02, xsdata"],
    ) {
        missing.push(
            "the camt.053 writer (python3 -m venv tests/bank/.venv, then its pip install -r tests/bank/requirements.txt)"
                .to_owned(),
        );
    }
    if let Ok(url) = std::env::var("TEST_DATABASE_URL")
        && !url.is_empty()
        && let Some(why) = postgres_unreachable(&url)
    {
        let why = why.split_whitespace().collect::<Vec<_>>().join(" ");
        let url = without_password(&url);
        missing.push(format!(
            "Postgres answering at TEST_DATABASE_URL={url} ({why})"
        ));
    }
    missing
}

/// Checks once per test binary, before the first part is used, that every part the tests run is
/// there. Without one, a clear line and exit rather than a panic in every test.
/// The Postgres to run a test's Postgres part on (`TEST_DATABASE_URL`). Without one the part is
/// skipped, and says so: to stderr, and as a line in the file `SUMMER_SCHOOL_SKIPPED` names, which
/// `scripts/test` reads into its summary (a skipped part never passes silently).
pub fn postgres_url() -> Option<String> {
    if let Ok(url) = std::env::var("TEST_DATABASE_URL")
        && !url.is_empty()
    {
        return Some(url);
    }
    // The test harness names each test's thread after the test.
    let what = std::thread::current().name().map_or_else(
        || "a test".to_owned(),
        |n| format!("{n} (its Postgres part)"),
    );
    eprintln!("skipped: {what} (needs Postgres: TEST_DATABASE_URL; scripts/test sets it)");
    if let Ok(path) = std::env::var("SUMMER_SCHOOL_SKIPPED") {
        use std::io::Write;
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            let _ = writeln!(f, "{what}");
        }
    }
    None
}

pub fn preflight() {
    static CHECKED: Once = Once::new();
    CHECKED.call_once(|| {
        let missing = missing_parts();
        if !missing.is_empty() {
            use std::io::Write;
            // Straight to stderr: the test harness captures `eprintln!` from tests.
            let _ = writeln!(
                std::io::stderr().lock(),
                "summer-school tests need {}: run scripts/test, which installs and starts them",
                missing.join(", ")
            );
            std::process::exit(2);
        }
    });
}

impl TestDb {
    /// SQLite unless `TEST_DATABASE_URL` names a Postgres server.
    pub async fn fresh() -> TestDb {
        match std::env::var("TEST_DATABASE_URL") {
            Ok(url) if !url.is_empty() => TestDb::fresh_postgres(&url).await,
            _ => TestDb::fresh_sqlite(),
        }
    }

    pub fn fresh_sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}/test.db", dir.path().display());
        TestDb::Sqlite { _dir: dir, url }
    }

    pub async fn fresh_postgres(admin_url: &str) -> TestDb {
        use sqlx::Connection;
        preflight();
        let name = format!("ss_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = sqlx::PgConnection::connect(admin_url)
            .await
            .expect("TEST_DATABASE_URL must name a reachable Postgres");
        sqlx::query(sqlx::AssertSqlSafe(format!("create database {name}")))
            .execute(&mut conn)
            .await
            .expect("create test database");
        let base = admin_url.rsplit_once('/').map_or(admin_url, |(b, _)| b);
        TestDb::Postgres {
            admin_url: admin_url.to_owned(),
            url: format!("{base}/{name}"),
            name,
        }
    }

    pub fn url(&self) -> &str {
        match self {
            TestDb::Sqlite { url, .. } | TestDb::Postgres { url, .. } => url,
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, TestDb::Postgres { .. })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres {
            admin_url, name, ..
        } = self
        {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // Drop runs outside any runtime we may block: use a thread with its own.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    use sqlx::Connection;
                    if let Ok(mut c) = sqlx::PgConnection::connect(&admin_url).await {
                        let sql = format!("drop database if exists {name} with (force)");
                        let _ = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut c).await;
                    }
                });
            })
            .join();
        }
    }
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The environment a test app runs with (before any test-specific change).
pub fn base_env(db: &TestDb, smtp: &SmtpSink, data_dir: &Path) -> HashMap<String, String> {
    [
        ("DATABASE_URL", db.url().to_owned()),
        ("DATA_DIR", data_dir.display().to_string()),
        ("BIND_ADDR", "127.0.0.1:0".to_owned()),
        ("PUBLIC_URL", "http://summer-school.test".to_owned()),
        ("MAIL_TRANSPORT", "smtp".to_owned()),
        ("SMTP_URL", smtp.url()),
        ("JOB_MAX_ATTEMPTS", "3".to_owned()),
        ("JOB_BACKOFF_BASE_MS", "100".to_owned()),
        ("JOB_BACKOFF_MAX_MS", "400".to_owned()),
        ("JOB_LEASE_SECS", "10".to_owned()),
        ("JOB_POLL_MS", "50".to_owned()),
        ("DATABASE_MAX_CONNECTIONS", "5".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// A running app with its database and mail server.
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub store: Arc<dyn Store>,
    pub config: Arc<Config>,
    pub worker: Worker,
    running: Option<Running>,
    pub smtp: SmtpSink,
    pub data_dir: tempfile::TempDir,
    pub db: TestDb,
    /// Set by [`TestApp::leaves_jobs`]: the test means to end with jobs not done.
    leaves_jobs: std::sync::atomic::AtomicBool,
}

#[derive(Default)]
pub struct Options {
    /// The demo edition open for applications, empty: a school anyone can apply to today.
    pub demo: bool,
    /// The whole demo, as `serve --demo` seeds it (its people, the past cohort, `/demo`).
    pub full_demo: bool,
    pub env: Vec<(&'static str, String)>,
    /// `PUBLIC_URL` is the address the app listens on (not the default `http://summer-school.test`),
    /// for outside tools that follow the links the app writes.
    pub reachable_public_url: bool,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

pub async fn spawn_app_with(options: Options) -> TestApp {
    let db = TestDb::fresh().await;
    let smtp = SmtpSink::start();
    let data_dir = tempfile::tempdir().unwrap();
    let mut env = base_env(&db, &smtp, data_dir.path());
    for (k, v) in options.env {
        env.insert(k.to_owned(), v);
    }
    let mut config = Config::from_map(&env).expect("test configuration");
    config.demo = options.full_demo;
    let catalog = startup::read_catalog(None).unwrap();
    let listener = startup::bind(config.bind).await.unwrap();
    if options.reachable_public_url {
        config.public_url = format!("http://{}", listener.local_addr().unwrap());
    }
    let store = startup::open_store(&config).await.unwrap();
    startup::seed(store.as_ref(), &catalog, options.demo)
        .await
        .unwrap();
    if options.full_demo {
        startup::seed_demo(&config, store.as_ref(), &catalog)
            .await
            .unwrap();
    }
    let config = Arc::new(config);
    let running = startup::start(config.clone(), store.clone(), listener, false)
        .await
        .unwrap();
    let worker = startup::worker(&config, store.clone(), Default::default()).unwrap();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap();
    TestApp {
        base: format!("http://{}", running.addr),
        client,
        store,
        config,
        worker,
        running: Some(running),
        smtp,
        data_dir,
        db,
        leaves_jobs: Default::default(),
    }
}

impl TestApp {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("request")
    }

    pub async fn get_with_language(&self, path: &str, accept_language: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .header("accept-language", accept_language)
            .send()
            .await
            .expect("request")
    }

    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.base))
            .form(fields)
            .send()
            .await
            .expect("request")
    }

    /// A second browser on the same app (its own cookies).
    pub fn browser(app: &TestApp) -> Browser {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .unwrap();
        Browser {
            client,
            base: app.base.clone(),
        }
    }

    /// Signs in as `email` through the real flow: form, email read back from SMTP, link, button.
    pub async fn sign_in(&self, email: &str) {
        // Signing in again later must read the new link, not an older email.
        let seen = self
            .smtp
            .messages()
            .iter()
            .filter(|m| m.rcpt_to().contains(email))
            .map(|m| m.job_number())
            .max()
            .unwrap_or(0);
        let (_, html) = self.page("/sign-in").await;
        let r = self
            .post_form(
                "/sign-in",
                &[
                    ("csrf", &csrf_of(&html)),
                    ("email", email),
                    ("next", "/my-applications"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 200, "sign-in request");
        self.dispatch_pending_jobs().await;
        // The newest sign-in email to this address (other emails may arrive in between). A wait,
        // not a timing check: generous, for a loaded machine.
        let deadline = Instant::now() + Duration::from_secs(20);
        let mail = loop {
            let newest = self
                .smtp
                .messages()
                .into_iter()
                .filter(|m| m.rcpt_to().contains(email) && m.job_number() > seen)
                .filter(|m| m.link(&self.config.public_url).contains("/sign-in/link/"))
                .max_by_key(|m| m.job_number());
            if let Some(mail) = newest {
                break mail;
            }
            assert!(Instant::now() < deadline, "no new sign-in email to {email}");
            tokio::time::sleep(Duration::from_millis(25)).await;
        };
        let link = mail.link(&self.config.public_url);
        let path = link.trim_start_matches(&self.config.public_url).to_owned();
        let (status, html) = self.page(&path).await;
        assert_eq!(status, 200, "confirmation page");
        let r = self.post_form(&path, &[("csrf", &csrf_of(&html))]).await;
        assert_eq!(r.status().as_u16(), 303, "signed in");
    }

    pub async fn page(&self, path: &str) -> (u16, String) {
        let r = self.get(path).await;
        (r.status().as_u16(), r.text().await.unwrap())
    }

    /// Performs every due job, as the worker in `serve` would.
    pub async fn dispatch_pending_jobs(&self) -> RunReport {
        self.worker.run_until_idle().await.expect("worker")
    }

    /// Makes the next page read the catalog from the store (as it would within a second anyway).
    pub fn invalidate_catalog(&self) {
        self.running
            .as_ref()
            .expect("running")
            .state
            .catalog
            .invalidate();
    }

    pub async fn stop(mut self) {
        if let Some(r) = self.running.take() {
            r.shutdown(Duration::from_secs(5)).await;
        }
    }

    /// Says that this test ends with jobs queued, running or dead on purpose (a retry scheduled
    /// for later, a job meant to fail, a database cut off). Without it, when its app is dropped a
    /// test finishes the queue as `serve`'s worker would, and fails if any job then died or is
    /// still waiting: an email nobody could send is a defect a test must see.
    pub fn leaves_jobs(&self) {
        self.leaves_jobs
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// Runs every due job with a worker of its own, then every job not done, as `kind status`.
    fn finish_jobs(&self) -> Vec<String> {
        let config = self.config.clone();
        // Drop runs inside the test's runtime, which it must not block on: a thread and a runtime
        // of its own, with its own connections to the app's database.
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let store = startup::open_store(&config)
                    .await
                    .expect("the app's database");
                let worker =
                    startup::worker(&config, store.clone(), Default::default()).expect("worker");
                worker.run_until_idle().await.expect("worker");
                let mut left = Vec::new();
                for filter in [JobFilter::Pending, JobFilter::Dead] {
                    for job in store.jobs(filter, 1000).await.expect("jobs") {
                        let error = job.last_error.unwrap_or_default();
                        left.push(format!("{} {} {error}", job.kind, job.status));
                    }
                }
                left
            })
        })
        .join()
        .expect("finishing the job queue")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if std::thread::panicking() || self.leaves_jobs.load(std::sync::atomic::Ordering::Relaxed) {
            return;
        }
        let left = self.finish_jobs();
        assert!(
            left.is_empty(),
            "jobs not done at the end of the test, after running every due one: {} (call \
             leaves_jobs() if that is the point)",
            left.join("; ")
        );
    }
}

/// The path of the built binary, for CLI and process tests.
pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_summer-school"))
}

/// Where a redirect sends the visitor.
pub fn location(r: &reqwest::Response) -> String {
    r.headers()["location"].to_str().unwrap().to_owned()
}

/// The value of the hidden `csrf` field in a page.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let at = html.find(marker).expect("a form with a CSRF token") + marker.len();
    html[at..].split('"').next().unwrap().to_owned()
}

/// Another browser, with its own cookies.
pub struct Browser {
    pub client: reqwest::Client,
    pub base: String,
}

impl Browser {
    async fn page(&self, path: &str) -> String {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.base))
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    pub async fn sign_in_as(&self, app: &TestApp, email: &str) {
        let html = self.page("/sign-in").await;
        let r = self
            .post(
                "/sign-in",
                &[
                    ("csrf", &csrf_of(&html)),
                    ("email", email),
                    ("next", "/my-applications"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 200);
        app.dispatch_pending_jobs().await;
        let mail = app.smtp.wait_for_to(email, Duration::from_secs(5)).await;
        let path = mail
            .link(&app.config.public_url)
            .trim_start_matches(&app.config.public_url)
            .to_owned();
        let html = self.page(&path).await;
        let r = self.post(&path, &[("csrf", &csrf_of(&html))]).await;
        assert_eq!(r.status().as_u16(), 303);
    }
}

/// What Poppler's `pdfsig` says of a PDF's signature: whether it calls it valid and covering the
/// whole file (it exits 0 either way, so both lines are looked for), and all it printed.
pub fn pdfsig(pdf: &[u8]) -> (bool, String) {
    preflight();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdfsig")
        .arg(&path)
        .output()
        .expect("pdfsig (poppler-utils) runs");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let whole = said.contains("Total document signed");
    let valid = said.contains("Signature Validation: Signature is Valid.");
    (whole && valid, said)
}

fn badge_verifier_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("badges")
}

/// What Digital Bazaar's verifier and 1EdTech's Open Badges 3.0 schema say of each credential
/// (`tests/badges/verify.mjs`), resolving every address under `base` from the running app: one
/// object per credential, `schemaValid`, `schemaErrors`, `verified`, `errors` and `revoked`.
pub async fn verify_badges(
    base: &str,
    credentials: &[serde_json::Value],
) -> Vec<serde_json::Value> {
    preflight();
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (i, credential) in credentials.iter().enumerate() {
        let path = dir.path().join(format!("badge-{i}.json"));
        std::fs::write(&path, serde_json::to_vec_pretty(credential).unwrap()).unwrap();
        files.push(path);
    }
    let out = tokio::process::Command::new("node")
        .arg(badge_verifier_dir().join("verify.mjs"))
        .arg(base)
        .args(&files)
        .output()
        .await
        .expect("node runs");
    assert!(out.status.success(), "verify.mjs: {out:?}");
    let said: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object a line"))
        .collect();
    assert_eq!(said.len(), credentials.len(), "{said:?}");
    said
}

/// The ways a signed PDF can be changed afterwards, each of which `pdfsig` must report: one byte
/// of the signed part altered, and bytes appended (an incremental update a forger would add).
pub fn tamperings(pdf: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    let mut altered = pdf.to_vec();
    // A digit of the `/ID` near the end of the file: the file still parses.
    let at = altered
        .windows(4)
        .rposition(|w| w == b"/ID[")
        .expect("the file has an /ID")
        + 5;
    altered[at] = if altered[at] == b'0' { b'1' } else { b'0' };
    let mut appended = pdf.to_vec();
    appended.extend_from_slice(b"\n% appended after signing\n");
    vec![("one byte changed", altered), ("bytes appended", appended)]
}

/// The text of a PDF as `pdftotext -layout` reads it (poppler-utils), and whether `qpdf --check`
/// finds the file sound.
pub async fn pdf_text(pdf: &[u8]) -> String {
    preflight();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = tokio::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .await
        .expect("pdftotext (poppler-utils) runs");
    assert!(out.status.success(), "pdftotext: {out:?}");
    let check = tokio::process::Command::new("qpdf")
        .arg("--check")
        .arg(&path)
        .output()
        .await
        .expect("qpdf runs");
    assert!(check.status.success(), "qpdf --check: {check:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// The Python with pyiso20022 (ISO 20022's schema as bindings) that writes test bank statements.
pub fn bank_python() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bank/.venv/bin/python")
}

/// A camt.053.001.02 file, as `tests/bank/camt053.py` writes it from `spec` (see there).
pub fn camt053(spec: &serde_json::Value) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new(bank_python())
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bank/camt053.py"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the camt.053 writer starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(spec.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "camt053.py: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The QR codes printed on a PDF's first page: rendered by Poppler's `pdftoppm` (grey, 200 dpi),
/// then decoded by rqrr.
pub async fn pdf_qr_codes(pdf: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.pdf");
    std::fs::write(&input, pdf).unwrap();
    let out = dir.path().join("page");
    let status = tokio::process::Command::new("pdftoppm")
        .args(["-r", "200", "-gray", "-singlefile", "-f", "1", "-l", "1"])
        .arg(&input)
        .arg(&out)
        .status()
        .await
        .expect("pdftoppm runs");
    assert!(status.success(), "pdftoppm failed");
    let pgm = std::fs::read(dir.path().join("page.pgm")).unwrap();
    // Binary PGM: "P5", width, height, maximum, one whitespace, then one byte a pixel.
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&pgm[start..at]).into_owned());
    }
    assert_eq!(fields[0], "P5");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let pixels = &pgm[at + 1..];
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
    image
        .detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, text)| text))
        .collect()
}
