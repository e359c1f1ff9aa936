//! The outbox: every email arrives, once, through a real SMTP server, whatever happens to the process
//! or the mail server.

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use summer_school::domain::audit::Actor;
use summer_school::domain::email::EmailAddress;
use summer_school::domain::job::{JobPayload, OutgoingEmail};
use summer_school::domain::locale::Locale;
use summer_school::domain::status::{JobStatus, OrganizerRole};
use summer_school::email::render;
use summer_school::i18n::Tr;
use summer_school::jobs::Outcome;
use summer_school::store::{JobFilter, NewOrganizer, Store};
use time::OffsetDateTime;

use crate::harness::{
    Options, SmtpSink, TestDb, base_env, binary, csrf_of, free_port, spawn_app, spawn_app_with,
};

fn email_to(address: &str, n: usize) -> OutgoingEmail {
    OutgoingEmail {
        to: EmailAddress::parse(address).unwrap(),
        to_name: Some("Zoë Nguyễn-Łukasiewicz".to_owned()),
        locale: Locale::Fr,
        subject: format!("Message n°{n} — café"),
        text: format!("Bonjour, message {n}."),
        html: format!("<p>Bonjour, message {n}.</p>"),
        scrub_after_send: false,
        attachments: Vec::new(),
    }
}

async fn enqueue(store: &dyn Store, address: &str, n: usize) -> i64 {
    store
        .enqueue_job(
            &JobPayload::SendEmail(email_to(address, n)),
            3,
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn creating_an_organizer_queues_a_welcome_email_that_arrives_with_text_and_html() {
    let app = spawn_app().await;
    let email = EmailAddress::parse("director@u-paris.fr").unwrap();
    let welcome = render::organizer_welcome(
        Tr(Locale::Fr),
        &email,
        "Dr Élise Durand",
        OrganizerRole::ProgramDirector,
        "https://x.test",
    );
    let new = NewOrganizer {
        organization_slug: "upcite-medecine".into(),
        email: email.clone(),
        display_name: "Dr Élise Durand".into(),
        role: OrganizerRole::ProgramDirector,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA".into(),
        programs: Vec::new(),
    };
    let id = app
        .store
        .create_organizer(&new, &welcome, &Actor::Cli, OffsetDateTime::now_utc())
        .await
        .unwrap();
    let audit = app.store.audit_events("organizer", &id).await.unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, "organizer.created");
    assert_eq!(audit[0].actor, "cli");

    // Nothing is sent before the worker runs: the email is a row written with the organizer.
    assert!(app.smtp.messages().is_empty());
    let report = app.dispatch_pending_jobs().await;
    assert_eq!(report.done, 1);
    let mail = app.smtp.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(mail.len(), 1);
    let m = &mail[0];
    assert!(m.rcpt_to().contains("director@u-paris.fr"));
    assert!(m.raw.contains("multipart/alternative"));
    assert!(m.raw.contains("text/plain"));
    assert!(m.raw.contains("text/html"));
    assert!(m.message_id().ends_with("@summer-school.test>"));
    assert!(
        m.header("Subject").unwrap().contains("=?utf-8?")
            || m.raw.contains("Votre compte organisateur")
    );

    // A second organizer with the same address is refused by the database, and nothing else happens.
    let again = app
        .store
        .create_organizer(&new, &welcome, &Actor::Cli, OffsetDateTime::now_utc())
        .await;
    assert!(
        matches!(again, Err(summer_school::store::StoreError::Conflict { ref constraint }) if constraint == "organizer_organization_id_email_key")
    );
    assert_eq!(app.dispatch_pending_jobs().await.done, 0);
    app.stop().await;
}

#[tokio::test]
async fn when_the_mail_server_is_down_jobs_retry_then_arrive_once_it_is_back() {
    let mut app = spawn_app().await;
    app.smtp.stop();
    let id = enqueue(app.store.as_ref(), "ana@example.org", 1).await;
    let due_at_first = app
        .store
        .jobs(JobFilter::All, 10)
        .await
        .unwrap()
        .into_iter()
        .find(|j| j.job_id == id)
        .unwrap()
        .run_at;
    assert_eq!(app.worker.run_one().await.unwrap(), Outcome::Retrying(id));
    let jobs = app.store.jobs(JobFilter::All, 10).await.unwrap();
    let job = jobs.iter().find(|j| j.job_id == id).unwrap();
    assert_eq!(job.status, JobStatus::Queued);
    assert_eq!(job.attempts, 1);
    assert!(
        job.last_error.as_deref().unwrap_or("").contains("SMTP"),
        "{:?}",
        job.last_error
    );
    // Put back for later, not for now: compared with when it was first due rather than with the
    // clock, which a loaded machine may have carried past the short test backoff already.
    assert!(
        job.run_at > due_at_first,
        "the retry waits for its backoff: due {} after first {due_at_first}",
        job.run_at
    );

    app.smtp.resume();
    tokio::time::sleep(Duration::from_millis(150)).await;
    let report = app.dispatch_pending_jobs().await;
    assert_eq!(report.done, 1);
    let mail = app.smtp.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(mail.len(), 1, "delivered exactly once");
    assert_eq!(app.dispatch_pending_jobs().await.done, 0);
    app.stop().await;
}

#[tokio::test]
async fn a_job_past_its_attempts_is_dead_listed_and_can_be_retried() {
    let mut app = spawn_app().await;
    app.smtp.stop();
    let id = enqueue(app.store.as_ref(), "ben@example.org", 1).await;
    // JOB_MAX_ATTEMPTS=3 with 100–400 ms backoff in tests.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        app.dispatch_pending_jobs().await;
        let dead = app.store.jobs(JobFilter::Dead, 10).await.unwrap();
        if dead.iter().any(|j| j.job_id == id) {
            break;
        }
        assert!(Instant::now() < deadline, "job never died");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let dead = app.store.jobs(JobFilter::Dead, 10).await.unwrap();
    assert_eq!(dead[0].attempts, 3);
    assert!(dead[0].finished_at.is_some());

    // Operators see it from the CLI, retry it, and it goes out once the server is back.
    let listed = cli(&app, &["jobs", "list", "--dead"]);
    assert!(
        listed.contains(&format!("{id}")) && listed.contains("dead"),
        "{listed}"
    );
    app.smtp.resume();
    let retried = cli(&app, &["jobs", "retry", &id.to_string()]);
    assert!(retried.contains("queued again"), "{retried}");
    let audit = app
        .store
        .audit_events("job", &id.to_string())
        .await
        .unwrap();
    assert_eq!(audit.last().unwrap().action, "job.retried");
    assert_eq!(app.dispatch_pending_jobs().await.done, 1);
    assert_eq!(app.smtp.wait_for(1, Duration::from_secs(5)).await.len(), 1);
    let refused = app
        .store
        .retry_job(id, &Actor::Cli, OffsetDateTime::now_utc())
        .await;
    assert!(refused.is_err(), "only dead jobs are retried");
    app.stop().await;
}

fn cli(app: &crate::harness::TestApp, args: &[&str]) -> String {
    let out = Command::new(binary())
        .args(args)
        .env_clear()
        .env("DATABASE_URL", app.db.url())
        .env("DATA_DIR", app.data_dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{:?} failed: {}",
        args,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `JOB_MAX_ATTEMPTS` holds for the emails a state change queues (here a sign-in link), not only
/// for jobs queued by hand.
#[tokio::test]
async fn a_state_change_queues_its_email_with_the_configured_attempts() {
    for attempts in [2, 5] {
        let app = spawn_app_with(Options {
            env: vec![("JOB_MAX_ATTEMPTS", attempts.to_string())],
            ..Options::default()
        })
        .await;
        let (_, html) = app.page("/sign-in").await;
        let r = app
            .post_form(
                "/sign-in",
                &[("csrf", &csrf_of(&html)), ("email", "chloe@example.org")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 200);
        let jobs = app.store.jobs(JobFilter::Pending, 10).await.unwrap();
        assert_eq!(jobs.len(), 1, "{jobs:?}");
        assert_eq!(jobs[0].max_attempts, attempts);
        app.stop().await;
    }
}

#[tokio::test]
async fn two_workers_never_send_the_same_job() {
    let app = spawn_app().await;
    for n in 0..40 {
        enqueue(app.store.as_ref(), "many@example.org", n).await;
    }
    let other =
        summer_school::startup::worker(&app.config, app.store.clone(), Default::default()).unwrap();
    let (a, b) = tokio::join!(app.worker.run_until_idle(), other.run_until_idle());
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.done + b.done, 40);
    let mail = app.smtp.wait_for(40, Duration::from_secs(10)).await;
    let mut ids: Vec<String> = mail.iter().map(|m| m.message_id()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 40);
    assert_eq!(mail.len(), 40);
    app.stop().await;
}

/// A server process, killed if the test ends early.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The real binary, serving with its worker, on the given database and mail server.
fn serve(db: &TestDb, smtp: &SmtpSink, data_dir: &std::path::Path) -> (Server, u16) {
    let port = free_port();
    let mut env = base_env(db, smtp, data_dir);
    env.insert("BIND_ADDR".into(), format!("127.0.0.1:{port}"));
    env.insert("JOB_LEASE_SECS".into(), "2".into());
    // A loaded machine can make the mail server slow: do not let a job die of it in this test.
    env.insert("JOB_MAX_ATTEMPTS".into(), "30".into());
    env.insert("RUST_LOG".into(), "warn".into());
    let child = Command::new(binary())
        .arg("serve")
        .env_clear()
        .envs(&env)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server(child);
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    (server, port)
}

fn signal(server: &mut Server, sig: &str) {
    Command::new("kill")
        .args([sig, &server.0.id().to_string()])
        .status()
        .unwrap();
    server.0.wait().unwrap();
}

async fn batch_survives(sig: &str) -> (HashMap<String, Vec<String>>, usize) {
    let db = TestDb::fresh().await;
    let smtp = SmtpSink::start();
    let data = tempfile::tempdir().unwrap();
    let (mut first, _) = serve(&db, &smtp, data.path());
    let store = summer_school::store::connect(db.url(), &Default::default())
        .await
        .unwrap();
    let total = 300;
    for n in 0..total {
        enqueue(store.as_ref(), &format!("batch{n}@example.org"), n).await;
    }
    // Stop the server in the middle of the batch.
    let seen = smtp.wait_for(1, Duration::from_secs(20)).await.len();
    assert!(seen >= 1, "the batch had started");
    signal(&mut first, sig);
    let at_stop = smtp.messages().len();
    let (mut second, _) = serve(&db, &smtp, data.path());
    let mail = smtp.wait_for(total, Duration::from_secs(120)).await;
    // Give a duplicate, if any, time to show.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mail = if mail.len() >= total {
        smtp.messages()
    } else {
        mail
    };
    signal(&mut second, "-TERM");
    let mut by_id: HashMap<String, Vec<String>> = HashMap::new();
    for m in mail {
        by_id.entry(m.message_id()).or_default().push(
            m.raw
                .split_once("\n\n")
                .map(|(_, b)| b.to_owned())
                .unwrap_or_default(),
        );
    }
    (by_id, at_stop)
}

#[tokio::test]
async fn stopping_the_server_mid_batch_loses_and_duplicates_nothing() {
    let (by_id, at_stop) = batch_survives("-TERM").await;
    assert!(
        at_stop < 300,
        "the stop happened mid-batch ({at_stop} of 300 sent)"
    );
    assert_eq!(by_id.len(), 300, "every email arrives");
    assert!(
        by_id.values().all(|copies| copies.len() == 1),
        "each exactly once"
    );
}

#[tokio::test]
async fn killing_the_server_mid_batch_loses_nothing_and_a_resend_is_the_same_message() {
    let (by_id, _) = batch_survives("-KILL").await;
    assert_eq!(by_id.len(), 300, "every email arrives");
    let duplicated = by_id.values().filter(|copies| copies.len() > 1).count();
    // A kill between the SMTP server's acceptance and our commit can resend at most the job in hand,
    // and then as the same message (same Message-ID, same body), which mail clients fold into one.
    assert!(duplicated <= 1, "{duplicated} messages were sent twice");
    for copies in by_id.values() {
        assert!(
            copies.windows(2).all(|w| w[0] == w[1]),
            "a resend is byte-identical"
        );
    }
}
