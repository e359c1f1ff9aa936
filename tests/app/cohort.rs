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
pub(crate) async fn load_cohort_catalog(store: &dyn Store) -> (ProgramRecord, ProgramRecord) {
    let text = SHIPPED_CATALOG
        .replace(
            "applications_open = 2026-01-05T09:00:00+01:00",
            "applications_open = 2020-01-01T00:00:00+01:00",
        )
        .replace(
            "applications_close = 2026-05-31T23:59:00+02:00",
            "applications_close = 2099-05-31T23:59:00+02:00",
        )
        .replace("starts_on = 2026-07-06", "starts_on = 2099-07-06")
        .replace("ends_on = 2026-07-17", "ends_on = 2099-07-17")
        .replacen("capacity = 40\n", "capacity = 60\n", 1)
        .replacen("review = \"review\"", "review = \"first_come\"", 1)
        .replacen("capacity = 40\n", "capacity = 3\n", 1);
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

#[tokio::test]
async fn a_freed_seat_goes_down_the_waitlist_after_a_decline_or_an_expiry() {
    each_backend(async |arc: &Arc<dyn Store>| {
        let s = arc.as_ref();
        let (_, program) = load_cohort_catalog(s).await;
        let mut people = Vec::new();
        for n in 0..6 {
            let p = complete_draft(s, &program, 1000 + n).await;
            submit(s, &p, ReviewMode::Review, n).await.unwrap();
            people.push(p);
        }
        let director = Actor::Organizer("director".into());
        let now = OffsetDateTime::now_utc();
        // The deadline the site would set: the end of the day, Paris time, in 14 days.
        let deadline = payment_deadline(now, 14);
        for p in &people[..3] {
            let outcome = s
                .decide(&p.application_id, &accept(deadline), &director, now)
                .await
                .unwrap();
            assert!(
                matches!(
                    outcome,
                    DecisionOutcome::Offered {
                        total_cents: 310_000,
                        ..
                    }
                ),
                "{outcome:?}"
            );
        }
        // The cohort is full: a fourth offer is refused, and nothing changes.
        match s
            .decide(&people[3].application_id, &accept(deadline), &director, now)
            .await
        {
            Err(StoreError::Refused(r)) => {
                assert_eq!(r, summer_school::domain::refusal::Refusal::Full)
            }
            other => panic!("expected a full cohort, got {other:?}"),
        }
        assert_eq!(s.seats(&program.program_id).await.unwrap().held, 3);
        for (i, p) in people[3..5].iter().enumerate() {
            let outcome = s
                .decide(&p.application_id, &DecisionKind::Waitlist, &director, now)
                .await
                .unwrap();
            assert_eq!(
                outcome,
                DecisionOutcome::Waitlisted {
                    position: i as i64 + 1
                }
            );
        }
        let reject = DecisionKind::Reject {
            reason: RejectReason::Profile,
        };
        assert_eq!(
            s.decide(&people[5].application_id, &reject, &director, now)
                .await
                .unwrap(),
            DecisionOutcome::Rejected
        );
        // A decision that does not apply to the state is refused.
        match s
            .decide(
                &people[5].application_id,
                &DecisionKind::Waitlist,
                &director,
                now,
            )
            .await
        {
            Err(StoreError::Refused(r)) => {
                assert_eq!(r, summer_school::domain::refusal::Refusal::WrongState)
            }
            other => panic!("expected a refusal, got {other:?}"),
        }

        // The first holder declines: the first in line gets the seat, with its own deadline and notice.
        s.withdraw_application(&people[0].applicant_id, &people[0].application_id, now)
            .await
            .unwrap();
        let fourth = s.standing(&people[3].application_id).await.unwrap();
        let offer = fourth.offer.expect("the first in line has an offer");
        assert!(
            offer.deadline_at > now + Duration::days(13),
            "a fresh deadline: {offer:?}"
        );
        assert_eq!(
            emails(arc, &people[3]).await,
            [
                "Application received".to_owned(),
                format!("On the waitlist: {HANDS_ON}"),
                format!("A place for you: {HANDS_ON}"),
            ]
        );
        assert_eq!(
            s.standing(&people[4].application_id)
                .await
                .unwrap()
                .waitlist_position,
            Some(1)
        );
        assert_eq!(
            s.standing(&people[0].application_id)
                .await
                .unwrap()
                .offer
                .unwrap()
                .status
                .as_str(),
            "cancelled"
        );
        assert_eq!(s.seats(&program.program_id).await.unwrap().held, 3);

        // Reminders: seven days before, once; then two days before.
        let seven_before = deadline - Duration::days(7) + Duration::minutes(1);
        let r = s.run_deadlines(seven_before).await.unwrap();
        assert_eq!((r.expired, r.reminded), (0, 3), "{r:?}");
        assert_eq!(
            s.run_deadlines(seven_before).await.unwrap().reminded,
            0,
            "each reminder once"
        );
        let reminded = s
            .audit_events("application", &people[1].application_id)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "offer.reminded")
            .count();
        assert_eq!(reminded, 1, "each reminder is audited once");
        let r = s
            .run_deadlines(deadline - Duration::days(2) + Duration::minutes(1))
            .await
            .unwrap();
        assert_eq!(r.reminded, 3);
        assert_eq!(
            pending_notices(s, &people[1].application_id).await,
            [
                NoticeKind::Reminder { days: 7 },
                NoticeKind::Reminder { days: 2 }
            ]
        );

        // An extension moves one deadline (audited) and its reminders start again.
        let later = deadline + Duration::days(10);
        s.extend_deadline(&people[1].application_id, later, &director, now)
            .await
            .unwrap();
        match s
            .extend_deadline(&people[1].application_id, deadline, &director, now)
            .await
        {
            Err(StoreError::Refused(r)) => {
                assert_eq!(r, summer_school::domain::refusal::Refusal::DeadlineNotLater)
            }
            other => panic!("an earlier deadline is refused, got {other:?}"),
        }
        let events = s
            .audit_events("application", &people[1].application_id)
            .await
            .unwrap();
        assert!(
            events.iter().any(|e| e.action == "offer.deadline_extended"),
            "{events:?}"
        );

        // The deadline passes: the two unpaid offers expire, and one seat goes to the last in line.
        let r = s.run_deadlines(deadline + Duration::days(1)).await.unwrap();
        assert_eq!((r.expired, r.cascaded), (2, 1), "{r:?}");
        let counts = statuses(s, &people).await;
        assert_eq!(counts.get("expired"), Some(&2), "{counts:?}");
        assert_eq!(
            counts.get("accepted"),
            Some(&2),
            "the extended offer and the cascaded one: {counts:?}"
        );
        assert_eq!(
            pending_notices(s, &people[2].application_id).await.last(),
            Some(&NoticeKind::Expired)
        );
        assert_eq!(
            pending_notices(s, &people[4].application_id).await,
            [NoticeKind::Offer]
        );
        assert_eq!(
            emails(arc, &people[5]).await.last(),
            Some(&format!("Your application to {HANDS_ON}"))
        );
        let seats = s.seats(&program.program_id).await.unwrap();
        assert_eq!(
            (seats.held, seats.waitlisted),
            (2, 0),
            "one seat stays free: nobody waits"
        );
        // Sweeping again changes nothing.
        assert_eq!(
            s.run_deadlines(deadline + Duration::days(1)).await.unwrap(),
            Default::default()
        );
    })
    .await;
}

#[tokio::test]
async fn a_full_waiver_enrolls_at_once_and_bad_adjustments_are_refused() {
    each_backend(async |arc: &Arc<dyn Store>| {
        let s = arc.as_ref();
        let (_, program) = load_cohort_catalog(s).await;
        let a = complete_draft(s, &program, 2000).await;
        submit(s, &a, ReviewMode::Review, 0).await.unwrap();
        let director = Actor::Organizer("director".into());
        let now = OffsetDateTime::now_utc();
        let no_reason = DecisionKind::Accept {
            tier_code: None,
            adjustment: Adjustment::FullWaiver { reason: " ".into() },
            deadline: now + Duration::days(14),
        };
        assert!(matches!(
            s.decide(&a.application_id, &no_reason, &director, now)
                .await,
            Err(StoreError::Refused(_))
        ));
        assert_eq!(
            s.seats(&program.program_id).await.unwrap().held,
            0,
            "a refused offer holds no seat"
        );
        let waived = DecisionKind::Accept {
            tier_code: None,
            adjustment: Adjustment::FullWaiver {
                reason: "faculty guest".into(),
            },
            deadline: now + Duration::days(14),
        };
        let outcome = s
            .decide(&a.application_id, &waived, &director, now)
            .await
            .unwrap();
        assert!(
            matches!(outcome, DecisionOutcome::Enrolled { .. }),
            "{outcome:?}"
        );
        let app = s
            .application(&a.applicant_id, &a.application_id)
            .await
            .unwrap();
        assert_eq!(app.status.as_str(), "enrolled");
        let offer = s.standing(&a.application_id).await.unwrap().offer.unwrap();
        assert_eq!((offer.total_cents, offer.status.as_str()), (0, "paid"));
        assert!(
            offer.explanation.contains("faculty guest"),
            "{}",
            offer.explanation
        );
        assert_eq!(
            emails(arc, &a).await,
            [
                "Application received".to_owned(),
                format!("You are enrolled: {HANDS_ON}")
            ]
        );
    })
    .await;
}

/// What an application shows of its program (questions, fee tiers) follows a catalog reload, also one
/// made by another instance on the same database; its documents and answers come back exactly.
#[tokio::test]
async fn an_application_follows_catalog_reloads_made_by_any_instance() {
    let mut dbs = vec![TestDb::fresh_sqlite()];
    if let Some(url) = crate::harness::postgres_url() {
        dbs.push(TestDb::fresh_postgres(&url).await);
    }
    for db in &dbs {
        let here = store::connect(db.url(), &Default::default()).await.unwrap();
        let there = store::connect(db.url(), &Default::default()).await.unwrap();
        let (_, hands_on) = load_cohort_catalog(here.as_ref()).await;
        let a = complete_draft(here.as_ref(), &hands_on, 1).await;
        let before = here
            .application(&a.applicant_id, &a.application_id)
            .await
            .unwrap();
        assert_eq!(
            before.answers,
            [("health_professional".to_owned(), "yes".to_owned())]
        );
        assert_eq!(before.documents.len(), 1);
        let cv = &before.documents[0];
        assert_eq!(
            (
                cv.kind,
                cv.file_name.as_str(),
                cv.content_type.as_str(),
                cv.size_bytes
            ),
            (DocumentKind::Cv, "cv.pdf", "application/pdf", 1024)
        );
        assert_eq!(before.questions.len(), 1);
        let standard = |r: &store::ApplicationRecord| {
            r.fee_tiers
                .iter()
                .find(|t| t.is_standard)
                .map(|t| t.amount.cents())
        };
        assert_eq!(standard(&before), Some(310_000));

        // The other instance reloads a catalog with a new price and a reworded question.
        let text = SHIPPED_CATALOG
            .replace("amount = \"3100.00\"", "amount = \"3200.00\"")
            .replace(
                "applications_close = 2026-05-31T23:59:00+02:00",
                "applications_close = 2099-05-31T23:59:00+02:00",
            )
            .replace(
                "applications_open = 2026-01-05T09:00:00+01:00",
                "applications_open = 2020-01-01T00:00:00+01:00",
            )
            .replace("starts_on = 2026-07-06", "starts_on = 2099-07-06")
            .replace("ends_on = 2026-07-17", "ends_on = 2099-07-17")
            .replace(
                "label.en = \"Are you a health professional",
                "label.en = \"Reworded: are you a health professional",
            );
        there
            .load_edition(
                &parse_catalog(&text).unwrap(),
                &Actor::Cli,
                OffsetDateTime::now_utc(),
            )
            .await
            .unwrap();
        let after = here
            .application(&a.applicant_id, &a.application_id)
            .await
            .unwrap();
        assert_eq!(
            standard(&after),
            Some(320_000),
            "the new price, not a kept one"
        );
        assert!(after.questions[0].label.en.starts_with("Reworded: "));
        assert_eq!(after.answers, before.answers);
        assert_eq!(after.documents, before.documents);
    }
}

/// The fee rules decide an offer's tier: the one asked for when the applicant may have it, else the
/// cheapest one open to them; a tier an organizer names is taken as they say.
#[tokio::test]
async fn an_offer_takes_the_tier_the_applicant_may_have() {
    each_backend(async |s: &Arc<dyn Store>| {
        let tiers = r#"
[[programs.fee_tiers]]
code = "student"
label = { en = "Student rate", fr = "Tarif étudiant" }
amount = "2500.00"
currency = "EUR"
category = "medical_student"

[[programs.fee_tiers]]
code = "early"
label = { en = "Early bird", fr = "Tarif anticipé" }
amount = "2900.00"
currency = "EUR"
available_until = 2099-01-01T00:00:00+01:00

[[programs.fee_tiers]]
code = "partner"
label = { en = "Partner universities", fr = "Universités partenaires" }
amount = "2000.00"
currency = "EUR"
partner_only = true
"#;
        let text = SHIPPED_CATALOG
            .replace(
                "applications_open = 2026-01-05T09:00:00+01:00",
                "applications_open = 2020-01-01T00:00:00+01:00",
            )
            .replace(
                "applications_close = 2026-05-31T23:59:00+02:00",
                "applications_close = 2098-05-31T23:59:00+02:00",
            )
            .replace("starts_on = 2026-07-06", "starts_on = 2099-07-06")
            .replace("ends_on = 2026-07-17", "ends_on = 2099-07-17")
            .replace(
                "amount = \"3100.00\"\ncurrency = \"EUR\"\nstandard = true\n",
                &format!("amount = \"3100.00\"\ncurrency = \"EUR\"\nstandard = true\n{tiers}"),
            );
        let spec = parse_catalog(&text).unwrap();
        let now = OffsetDateTime::now_utc();
        s.load_edition(&spec, &Actor::Cli, now).await.unwrap();
        let hands_on = s
            .programs()
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.slug == "hands-on-clinical-emergencies")
            .unwrap();
        assert_eq!(hands_on.fee_tiers.len(), 4);
        let offer_for = async |n: usize, requested: Option<&str>, tier_code: Option<&str>| {
            let a = complete_draft(s.as_ref(), &hands_on, n).await;
            if let Some(code) = requested {
                s.save_form(
                    &a.applicant_id,
                    &a.application_id,
                    &[(
                        FormColumn::RequestedFeeTier,
                        FormValue::Text(Some(code.to_owned())),
                    )],
                    now,
                )
                .await
                .unwrap();
            }
            submit(s.as_ref(), &a, ReviewMode::Review, n).await.unwrap();
            let decision = DecisionKind::Accept {
                tier_code: tier_code.map(str::to_owned),
                adjustment: Adjustment::None,
                deadline: payment_deadline(now, 14),
            };
            s.decide(&a.application_id, &decision, &Actor::Cli, now)
                .await
                .unwrap();
            let offer = s.standing(&a.application_id).await.unwrap().offer.unwrap();
            (offer.tier_code.unwrap(), offer.total_cents)
        };
        // A physician (complete_draft's category) asking for the student rate: refused; the cheapest
        // tier open to them is the early bird.
        assert_eq!(
            offer_for(1, Some("student"), None).await,
            ("early".to_owned(), 290_000)
        );
        // Asking for nothing: the same.
        assert_eq!(
            offer_for(2, None, None).await,
            ("early".to_owned(), 290_000)
        );
        // Asking for the standard fee, which they may have: granted as asked.
        assert_eq!(
            offer_for(3, Some("standard"), None).await,
            ("standard".to_owned(), 310_000)
        );
        // An organizer naming the partner rate gives it, whatever the rules say.
        assert_eq!(
            offer_for(4, None, Some("partner")).await,
            ("partner".to_owned(), 200_000)
        );
    })
    .await;
}
