//! Seats, offers, the waitlist and deadlines, through the Store trait on SQLite and Postgres: the
//! capacity holds under 500 concurrent attempts (also from two instances on one database), and a seat
//! freed by a decline or an expired offer goes down the waitlist by itself.

use std::collections::HashMap;
use std::sync::Arc;

use summer_school::config::Config;
use summer_school::domain::audit::Actor;
use summer_school::domain::catalog::{SHIPPED_CATALOG, parse_catalog};
use summer_school::domain::email::EmailAddress;
use summer_school::domain::job::{JobPayload, NoticeKind, OutgoingEmail};
use summer_school::domain::locale::Locale;
use summer_school::domain::offer::{Adjustment, payment_deadline};
use summer_school::domain::status::{ApplicationStatus, DocumentKind, RejectReason, ReviewMode};
use summer_school::startup;
use summer_school::store::cohort::{DecisionKind, DecisionOutcome};
use summer_school::store::{
    self, FormColumn, FormValue, JobFilter, NewDocument, NewSession, ProgramRecord, SignInLimits,
    SignInRequest, Store, StoreError, TimelineEntry,
};
use time::{Duration, OffsetDateTime};

use crate::harness::TestDb;

/// The shipped catalog with both windows open; the AI school first come, first served with 60 seats,
/// the Hands-on school reviewed with 3 seats.
/// The shipped catalog for the cohort tests: applications open until 2099, the schools from
/// `starts_on` to `ends_on` (`2099-07-06`), the first program first-come with 60 places, the
/// second reviewed with 3.
pub(crate) fn cohort_catalog(starts_on: &str, ends_on: &str) -> String {
    SHIPPED_CATALOG
        .replace(
            "applications_open = 2026-01-05T09:00:00+01:00",
            "applications_open = 2020-01-01T00:00:00+01:00",
        )
        .replace(
            "applications_close = 2026-05-31T23:59:00+02:00",
            "applications_close = 2099-05-31T23:59:00+02:00",
        )
        .replace(
            "starts_on = 2026-07-06",
            &format!("starts_on = {starts_on}"),
        )
        .replace("ends_on = 2026-07-17", &format!("ends_on = {ends_on}"))
        .replacen("capacity = 40\n", "capacity = 60\n", 1)
        .replacen("review = \"review\"", "review = \"first_come\"", 1)
        .replacen("capacity = 40\n", "capacity = 3\n", 1)
}

pub(crate) async fn load_cohort_catalog(store: &dyn Store) -> (ProgramRecord, ProgramRecord) {
    let text = cohort_catalog("2099-07-06", "2099-07-17");
    let spec = parse_catalog(&text).expect("the adjusted catalog parses");
    store
        .load_edition(&spec, &Actor::Cli, OffsetDateTime::now_utc())
        .await
        .unwrap();
    let programs = store.programs().await.unwrap();
    let first_come = programs
        .iter()
        .find(|p| p.review_mode == ReviewMode::FirstCome)
        .expect("a first-come program")
        .clone();
    let reviewed = programs
        .iter()
        .find(|p| p.review_mode == ReviewMode::Review && p.capacity == 3)
        .expect("a reviewed program")
        .clone();
    assert_eq!(first_come.capacity, 60);
    (first_come, reviewed)
}

fn received(n: usize) -> OutgoingEmail {
    OutgoingEmail {
        to: EmailAddress::parse(&format!("cohort.{n}@example.org")).unwrap(),
        to_name: None,
        locale: Locale::En,
        subject: "Application received".into(),
        text: "text".into(),
        html: "<p>html</p>".into(),
        scrub_after_send: false,
        attachments: Vec::new(),
    }
}

/// An applicant (signed in through a link, as the site does) with a complete draft.
pub(crate) struct Applicant {
    pub applicant_id: String,
    pub application_id: String,
}

pub(crate) async fn complete_draft(
    store: &dyn Store,
    program: &ProgramRecord,
    n: usize,
) -> Applicant {
    complete_draft_at(store, program, n, OffsetDateTime::now_utc()).await
}

/// [`complete_draft`] as of `now` (a school whose application window is closed today).
pub(crate) async fn complete_draft_at(
    store: &dyn Store,
    program: &ProgramRecord,
    n: usize,
    now: OffsetDateTime,
) -> Applicant {
    let email = EmailAddress::parse(&format!("cohort.{n}@example.org")).unwrap();
    let token_hash = format!("{:064x}", n as u128 * 7919 + 17);
    let requester = format!("requester-{n}");
    store
        .request_sign_in(
            &SignInRequest {
                email: &email,
                locale: Locale::En,
                next_path: "/my-applications",
                requester: &requester,
                token_hash: &token_hash,
                expires_at: now + Duration::minutes(30),
                limits: SignInLimits::default(),
            },
            &received(n),
            now,
        )
        .await
        .unwrap();
    let session_hash = format!("{:064x}", n as u128 * 104_729 + 3);
    let signed_in = store
        .consume_sign_in(
            &token_hash,
            &NewSession {
                session_hash: &session_hash,
                expires_at: now + Duration::days(1),
                replaces: None,
            },
            now,
        )
        .await
        .unwrap();
    let applicant_id = signed_in.applicant_id;
    let (application_id, _) = store
        .start_application(&applicant_id, &program.program_id, now)
        .await
        .unwrap();
    let text = |s: &str| FormValue::Text(Some(s.to_owned()));
    let form = vec![
        (FormColumn::GivenNames, text(&format!("Zofia {n}"))),
        (FormColumn::FamilyName, text("Łukasiewicz")),
        (
            FormColumn::CertificateName,
            text(&format!("Zofia Łukasiewicz {n}")),
        ),
        (
            FormColumn::BirthDate,
            FormValue::Date(Some(time::macros::date!(1996 - 02 - 29))),
        ),
        (FormColumn::Category, text("physician")),
        (
            FormColumn::Motivation,
            text(&"Emergency medicine, hands on. ".repeat(8)),
        ),
    ];
    store
        .save_form(&applicant_id, &application_id, &form, now)
        .await
        .unwrap();
    let answers: Vec<(String, String)> = program
        .questions
        .iter()
        .map(|q| (q.key.clone(), "yes".to_owned()))
        .collect();
    if !answers.is_empty() {
        store
            .save_answers(&applicant_id, &application_id, &answers, now)
            .await
            .unwrap();
    }
    let key = format!("cohort/{application_id}/cv");
    store
        .put_document(
            &applicant_id,
            &application_id,
            &NewDocument {
                kind: DocumentKind::Cv,
                file_name: "cv.pdf",
                content_type: "application/pdf",
                size_bytes: 1024,
                sha256: &format!("{:064x}", n),
                blob_key: &key,
            },
            now,
        )
        .await
        .unwrap();
    Applicant {
        applicant_id,
        application_id,
    }
}

pub(crate) async fn submit(
    store: &dyn Store,
    a: &Applicant,
    mode: ReviewMode,
    n: usize,
) -> Result<(), StoreError> {
    submit_at(store, a, mode, n, OffsetDateTime::now_utc()).await
}

/// [`submit`] as of `now`.
pub(crate) async fn submit_at(
    store: &dyn Store,
    a: &Applicant,
    mode: ReviewMode,
    n: usize,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let draft = store
        .application(&a.applicant_id, &a.application_id)
        .await?;
    assert_eq!(draft.review_mode, mode);
    store
        .submit_application(&a.applicant_id, &draft, &received(n), now)
        .await
}

/// How many applications of the program are in each status.
async fn statuses(store: &dyn Store, people: &[Applicant]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for p in people {
        let a = store
            .application(&p.applicant_id, &p.application_id)
            .await
            .unwrap();
        *counts.entry(a.status.as_str().to_owned()).or_default() += 1;
    }
    counts
}

/// Delivers every queued job (notices are rendered into emails, written as .eml files), then returns
/// the subjects of the emails in the application's timeline, oldest first.
async fn emails(store: &Arc<dyn Store>, a: &Applicant) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let env: HashMap<String, String> = [
        ("DATABASE_URL", "sqlite://unused.db".to_owned()),
        ("DATA_DIR", dir.path().display().to_string()),
        ("MAIL_TRANSPORT", "file".to_owned()),
        (
            "MAIL_OUTBOX_DIR",
            dir.path().join("outbox").display().to_string(),
        ),
        ("PUBLIC_URL", "http://summer-school.test".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let config = Config::from_map(&env).unwrap();
    let worker = startup::worker(&config, store.clone(), Default::default()).unwrap();
    let report = worker.run_until_idle().await.unwrap();
    assert_eq!(report.dead + report.retrying, 0, "{report:?}");
    store
        .timeline(&a.applicant_id, &a.application_id)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|e| match e {
            TimelineEntry::Email { subject, sent, .. } => {
                assert!(sent, "{subject} was delivered");
                Some(subject)
            }
            TimelineEntry::Event { .. } => None,
        })
        .collect()
}

/// Notices queued for one application and not delivered yet (a sweep run "in the future" makes
/// notices due in the future too), oldest first.
pub(crate) async fn pending_notices(store: &dyn Store, application_id: &str) -> Vec<NoticeKind> {
    let mut jobs = store.jobs(JobFilter::Pending, 100_000).await.unwrap();
    jobs.reverse();
    jobs.into_iter()
        .filter_map(
            |j| match serde_json::from_value::<JobPayload>(j.payload).ok()? {
                JobPayload::Notify(n) if n.application_id == application_id => Some(n.kind),
                _ => None,
            },
        )
        .collect()
}

const HANDS_ON: &str = "Hands-on Training in Clinical Medicine and Emergencies";

/// 500 applicants submit at once to a first-come program with 60 seats, through `instances` stores
/// (connection pools, as separate processes have) on one database.
async fn five_hundred_for_sixty(db: &TestDb, instances: usize) {
    let stores: Vec<Arc<dyn Store>> = {
        let mut v = Vec::new();
        for _ in 0..instances {
            let options = store::ConnectOptions {
                max_connections: 8,
                ..Default::default()
            };
            v.push(store::connect(db.url(), &options).await.unwrap());
        }
        v
    };
    let (program, _) = load_cohort_catalog(stores[0].as_ref()).await;
    let mut people = Vec::new();
    for n in 0..500 {
        people.push(complete_draft(stores[0].as_ref(), &program, n).await);
    }
    let people = Arc::new(people);
    let mut tasks = Vec::new();
    for n in 0..500 {
        let store = stores[n % instances].clone();
        let people = people.clone();
        tasks.push(tokio::spawn(async move {
            submit(store.as_ref(), &people[n], ReviewMode::FirstCome, n).await
        }));
    }
    for t in tasks {
        t.await
            .unwrap()
            .expect("every submission succeeds: a seat or a waitlist place");
    }
    let s = stores[0].as_ref();
    let counts = statuses(s, &people).await;
    assert_eq!(counts.get("accepted"), Some(&60), "{counts:?}");
    assert_eq!(counts.get("waitlisted"), Some(&440), "{counts:?}");
    let seats = s.seats(&program.program_id).await.unwrap();
    assert_eq!(
        (seats.capacity, seats.held, seats.waitlisted),
        (60, 60, 440)
    );
    // Each holder has one pending order; the waitlist is a strict order 1..=440.
    let mut positions = Vec::new();
    let mut orders = 0;
    for p in people.iter() {
        let standing = s.standing(&p.application_id).await.unwrap();
        if let Some(offer) = standing.offer {
            orders += 1;
            assert_eq!(offer.total_cents, 250_000);
        }
        positions.extend(standing.waitlist_position);
    }
    assert_eq!(orders, 60);
    positions.sort();
    assert_eq!(positions, (1..=440).collect::<Vec<i64>>());
    // Every claim left its trail: the submission, then the seat or the waitlist place, audited in that
    // order; the "application received" email and the offer or waitlist notice, queued.
    for p in people.iter().step_by(7) {
        let status = s
            .application(&p.applicant_id, &p.application_id)
            .await
            .unwrap()
            .status;
        let (decided, notice) = match status {
            ApplicationStatus::Accepted => ("application.accepted", NoticeKind::Offer),
            ApplicationStatus::Waitlisted => ("application.waitlisted", NoticeKind::Waitlisted),
            other => panic!("{other:?}"),
        };
        let actions: Vec<String> = s
            .audit_events("application", &p.application_id)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(
            actions[actions.len().saturating_sub(2)..],
            ["application.submitted", decided],
            "{status:?}"
        );
        let received = s
            .timeline(&p.applicant_id, &p.application_id)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| matches!(e, TimelineEntry::Email { .. }))
            .count();
        assert_eq!(received, 1, "the received email is queued");
        assert_eq!(pending_notices(s, &p.application_id).await, [notice]);
    }
}

#[tokio::test]
async fn five_hundred_attempts_take_exactly_sixty_seats_on_sqlite() {
    five_hundred_for_sixty(&TestDb::fresh_sqlite(), 1).await;
}

#[tokio::test]
async fn five_hundred_attempts_take_exactly_sixty_seats_from_two_processes_on_one_sqlite_file() {
    five_hundred_for_sixty(&TestDb::fresh_sqlite(), 2).await;
}

#[tokio::test]
async fn five_hundred_attempts_take_exactly_sixty_seats_on_postgres_also_from_two_instances() {
    let Some(url) = crate::harness::postgres_url() else {
        return;
    };
    five_hundred_for_sixty(&TestDb::fresh_postgres(&url).await, 1).await;
    five_hundred_for_sixty(&TestDb::fresh_postgres(&url).await, 2).await;
}

async fn each_backend(story: impl AsyncFn(&Arc<dyn Store>)) {
    let sqlite = TestDb::fresh_sqlite();
    story(
        &store::connect(sqlite.url(), &Default::default())
            .await
            .unwrap(),
    )
    .await;
    if let Some(url) = crate::harness::postgres_url() {
        let pg = TestDb::fresh_postgres(&url).await;
        story(&store::connect(pg.url(), &Default::default()).await.unwrap()).await;
    }
}

pub(crate) fn accept(deadline: OffsetDateTime) -> DecisionKind {
    DecisionKind::Accept {
        tier_code: None,
        adjustment: Adjustment::None,
        deadline,
    }
}

mod offers;
