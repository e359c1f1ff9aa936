//! The store conformance story: the same steps, the same answers, on SQLite and on Postgres.
//! The story always runs on SQLite, and on Postgres too when `TEST_DATABASE_URL` is set (CI sets it).

use std::sync::Arc;
use std::time::Duration;

use summer_school::domain::audit::Actor;
use summer_school::domain::catalog::{SHIPPED_CATALOG, parse_catalog};
use summer_school::domain::email::EmailAddress;
use summer_school::domain::job::{JobPayload, OutgoingEmail};
use summer_school::domain::locale::Locale;
use summer_school::domain::status::{CertificateKind, JobStatus};
use summer_school::store::{self, Backend, JobFilter, Store, StoreError};
use time::OffsetDateTime;

use crate::harness::TestDb;

async fn each_backend(story: impl AsyncFn(Arc<dyn Store>)) {
    let sqlite = TestDb::fresh_sqlite();
    let s = store::connect(sqlite.url(), &Default::default())
        .await
        .unwrap();
    assert_eq!(s.backend(), Backend::Sqlite);
    story(s).await;
    if let Some(url) = crate::harness::postgres_url() {
        let pg = TestDb::fresh_postgres(&url).await;
        let s = store::connect(pg.url(), &Default::default()).await.unwrap();
        assert_eq!(s.backend(), Backend::Postgres);
        story(s).await;
    }
}

fn mail(n: usize) -> JobPayload {
    JobPayload::SendEmail(OutgoingEmail {
        to: EmailAddress::parse("story@example.org").unwrap(),
        to_name: None,
        locale: Locale::En,
        subject: format!("story {n}"),
        text: "text".into(),
        html: "<p>html</p>".into(),
        scrub_after_send: false,
        attachments: Vec::new(),
    })
}

#[tokio::test]
async fn catalog_story() {
    each_backend(async |s: Arc<dyn Store>| {
        let now = OffsetDateTime::now_utc();
        let spec = parse_catalog(SHIPPED_CATALOG).unwrap();
        assert_eq!(s.edition_count().await.unwrap(), 0);
        let first = s.load_edition(&spec, &Actor::Cli, now).await.unwrap();
        assert!(first.edition_created);
        assert_eq!((first.programs_created, first.programs_updated), (2, 0));

        let programs = s.programs().await.unwrap();
        assert_eq!(programs.len(), 2);
        let hands_on = &programs[1];
        assert_eq!(hands_on.slug, "hands-on-clinical-emergencies");
        assert_eq!(hands_on.standard_fee().unwrap().amount.cents(), 310_000);
        assert_eq!(hands_on.certifications, vec![CertificateKind::AttestationOfSuccess, CertificateKind::Afgsu2]);
        assert_eq!(hands_on.places.len(), 3);
        assert_eq!(hands_on.application_opens_at, spec.programs[1].application_opens_at);
        assert_eq!(hands_on.seats_left(), 40);

        // A reload updates in place: same ids, new values.
        let changed = parse_catalog(&SHIPPED_CATALOG.replacen("amount = \"2500.00\"", "amount = \"2600.00\"", 1)).unwrap();
        let again = s.load_edition(&changed, &Actor::Cli, now).await.unwrap();
        assert_eq!(again.edition_id, first.edition_id);
        assert_eq!((again.programs_created, again.programs_updated), (0, 2));
        let reloaded = s.programs().await.unwrap();
        assert_eq!(reloaded[0].program_id, programs[0].program_id);
        assert_eq!(reloaded[0].standard_fee().unwrap().amount.cents(), 260_000);

        // A file that drops a program is refused whole: nothing changes.
        let mut shrunk = changed.clone();
        shrunk.programs.truncate(1);
        shrunk.programs[0].hours = 99;
        let refused = s.load_edition(&shrunk, &Actor::Cli, now).await;
        assert!(matches!(refused, Err(StoreError::Refused(ref m)) if m.to_string().contains("hands-on-clinical-emergencies")));
        assert_eq!(s.programs().await.unwrap()[0].hours, 60, "nothing half-loaded");

        let audit = s.audit_events("edition", &first.edition_id).await.unwrap();
        assert_eq!(audit.len(), 2, "one audit event per load that changed something");
        assert!(audit.iter().all(|a| a.action == "catalog.loaded" && a.actor == "cli"));

        let editions = s.editions().await.unwrap();
        assert_eq!(editions.len(), 1);
        assert_eq!(editions[0].program_count, 2);
        s.ping().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn job_story() {
    each_backend(async |s: Arc<dyn Store>| {
        let t0 = OffsetDateTime::now_utc();
        let lease = Duration::from_secs(60);
        let a = s.enqueue_job(&mail(1), 2, t0).await.unwrap();
        let b = s
            .enqueue_job(&mail(2), 2, t0 + time::Duration::seconds(1))
            .await
            .unwrap();
        assert!(
            s.claim_job(t0 - time::Duration::seconds(1), lease)
                .await
                .unwrap()
                .is_none(),
            "not due yet"
        );

        let first = s
            .claim_job(t0 + time::Duration::seconds(5), lease)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((first.job_id, first.attempt), (a, 1));
        let payload: JobPayload = serde_json::from_value(first.payload.clone()).unwrap();
        assert_eq!(payload, mail(1));
        let second = s
            .claim_job(t0 + time::Duration::seconds(5), lease)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(second.job_id, b, "a claimed job is not handed out twice");
        assert!(
            s.claim_job(t0 + time::Duration::seconds(5), lease)
                .await
                .unwrap()
                .is_none()
        );

        // b fails and is retried later; a's lease expires and another worker takes it over.
        let later = t0 + time::Duration::seconds(30);
        assert!(
            s.fail_job(b, 1, "SMTP: 451 try later", Some(later), t0)
                .await
                .unwrap()
        );
        let taken_over = s
            .claim_job(t0 + time::Duration::seconds(120), lease)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((taken_over.job_id, taken_over.attempt), (a, 2));
        assert!(
            !s.complete_job(a, 1, None, t0).await.unwrap(),
            "the first worker lost its lease: its word no longer counts"
        );
        assert!(s.complete_job(a, 2, None, t0).await.unwrap());

        let b_again = s
            .claim_job(t0 + time::Duration::seconds(121), lease)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((b_again.job_id, b_again.attempt), (b, 2));
        assert!(
            s.fail_job(b, 2, "SMTP: 550 no such user", None, t0)
                .await
                .unwrap()
        );

        let dead = s.jobs(JobFilter::Dead, 10).await.unwrap();
        assert_eq!(dead.len(), 1);
        assert_eq!(dead[0].job_id, b);
        assert_eq!(
            dead[0].last_error.as_deref(),
            Some("SMTP: 550 no such user")
        );
        let all = s.jobs(JobFilter::All, 10).await.unwrap();
        assert_eq!(
            all.iter().find(|j| j.job_id == a).unwrap().status,
            JobStatus::Done
        );

        assert!(matches!(
            s.retry_job(a, &Actor::Cli, t0).await,
            Err(StoreError::Refused(_))
        ));
        assert!(matches!(
            s.retry_job(999_999, &Actor::Cli, t0).await,
            Err(StoreError::NotFound)
        ));
        s.retry_job(b, &Actor::Cli, t0).await.unwrap();
        let pending = s.jobs(JobFilter::Pending, 10).await.unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(
            (pending[0].status, pending[0].attempts),
            (JobStatus::Queued, 0)
        );
    })
    .await;
}

#[tokio::test]
async fn constraints_have_the_same_names_on_both_backends() {
    each_backend(async |s: Arc<dyn Store>| {
        let now = OffsetDateTime::now_utc();
        s.load_edition(&parse_catalog(SHIPPED_CATALOG).unwrap(), &Actor::Cli, now)
            .await
            .unwrap();
        let new = summer_school::store::NewOrganizer {
            organization_slug: "upcite-medecine".into(),
            email: EmailAddress::parse("twice@example.org").unwrap(),
            display_name: "Twice".into(),
            role: summer_school::domain::status::OrganizerRole::Reviewer,
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$x$y".into(),
            programs: Vec::new(),
        };
        let JobPayload::SendEmail(welcome) = mail(0) else {
            unreachable!("mail() builds emails")
        };
        s.create_organizer(&new, &welcome, &Actor::Cli, now)
            .await
            .unwrap();
        match s.create_organizer(&new, &welcome, &Actor::Cli, now).await {
            Err(StoreError::Conflict { constraint }) => {
                assert_eq!(constraint, "organizer_organization_id_email_key")
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
        assert_eq!(
            s.jobs(JobFilter::All, 10).await.unwrap().len(),
            1,
            "the refused organizer queued no email"
        );
        let unknown = summer_school::store::NewOrganizer {
            organization_slug: "nope".into(),
            ..new
        };
        assert!(matches!(
            s.create_organizer(&unknown, &welcome, &Actor::Cli, now)
                .await,
            Err(StoreError::Refused(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn several_instances_can_migrate_one_postgres_at_once() {
    let Some(url) = crate::harness::postgres_url() else {
        eprintln!("note: TEST_DATABASE_URL is not set; skipped");
        return;
    };
    let db = TestDb::fresh_postgres(&url).await;
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let url = db.url().to_owned();
            tokio::spawn(async move { store::connect(&url, &Default::default()).await.map(|_| ()) })
        })
        .collect();
    for h in handles {
        h.await.unwrap().expect("every instance starts");
    }
}

/// Two editions of one year whose programs share their codes (a second session loaded beside the
/// first, its programs coded AI and HO too) number their certificates in one series per prefix,
/// year and code: twelve issuances at once, six in each edition, take every number from 1 to 12
/// once (before, the second edition's first certificate collided with the first's and answered
/// 500). A correction issued the next year takes that year's series, after what it holds.
#[tokio::test]
async fn two_editions_of_a_year_with_the_same_codes_issue_one_gap_free_series_concurrently() {
    use summer_school::store::certificates::CertificateDraft;
    each_backend(async |s: Arc<dyn Store>| {
        let now = OffsetDateTime::now_utc();
        let second = SHIPPED_CATALOG.replacen("slug = \"2026\"", "slug = \"2026-autumn\"", 1);
        for text in [SHIPPED_CATALOG, second.as_str()] {
            s.load_edition(&parse_catalog(text).unwrap(), &Actor::Cli, now)
                .await
                .unwrap();
        }
        let programs = s.programs().await.unwrap();
        let hands_on: Vec<_> = programs
            .iter()
            .filter(|p| p.slug == "hands-on-clinical-emergencies")
            .collect();
        assert_eq!(hands_on.len(), 2, "one Hands-on school per edition");
        let mut applications = Vec::new();
        for (e, program) in hands_on.iter().enumerate() {
            let during = program.application_opens_at + time::Duration::hours(1);
            for i in 0..6 {
                let email = EmailAddress::parse(&format!("series-{e}-{i}@example.org")).unwrap();
                let applicant = s.demo_applicant(&email, Locale::En, now).await.unwrap();
                let (id, _) = s
                    .start_application(&applicant, &program.program_id, during)
                    .await
                    .unwrap();
                applications.push(id);
            }
        }
        let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
        let draft = |application_id: &str, year: i32| {
            let mut record = crate::certificates::record(
                "Anna Kuznetsova",
                CertificateKind::AttestationOfSuccess,
            );
            record.issued_on = record.issued_on.replace_year(year).unwrap();
            CertificateDraft {
                application_id: application_id.to_owned(),
                record,
                serial_prefix: "UPC-SS".into(),
                program_code: "HO".into(),
                verify_base: "https://summer.example/verify/".into(),
                supersedes: None,
            }
        };
        let mut tasks = tokio::task::JoinSet::new();
        for id in &applications {
            let (s, draft, key) = (s.clone(), draft(id, 2026), key.clone());
            tasks.spawn(async move {
                let sign =
                    move |r: &summer_school::domain::certificate::CertificateRecord| r.sign(&key);
                s.issue_certificate(&draft, &sign, &Actor::Cli, OffsetDateTime::now_utc())
                    .await
                    .map(|c| (c.record.serial, c.status_index))
            });
        }
        let (mut serials, mut places): (Vec<String>, Vec<Option<i64>>) = tasks
            .join_all()
            .await
            .into_iter()
            .map(|r| r.expect("every issuance goes through"))
            .unzip();
        serials.sort();
        let expected: Vec<String> = (1..=12).map(|n| format!("UPC-SS-2026-HO-{n:04}")).collect();
        assert_eq!(serials, expected, "one series, gap-free, each number once");
        // Each took its own place in the revocation list, in order from the first.
        places.sort();
        let expected: Vec<Option<i64>> = (0..12).map(Some).collect();
        assert_eq!(places, expected, "one status-list place each");

        // The next year's series is its own, and a correction of this year's cohort issued then
        // goes on after what that series holds.
        let sign = |r: &summer_school::domain::certificate::CertificateRecord| r.sign(&key);
        let mut correction = draft(&applications[0], 2027);
        correction.supersedes = Some(
            s.certificates_of(&applications[0])
                .await
                .unwrap()
                .remove(0)
                .record
                .verification_code,
        );
        let corrected = s
            .issue_certificate(&correction, &sign, &Actor::Cli, now)
            .await
            .unwrap();
        assert_eq!(corrected.record.serial, "UPC-SS-2027-HO-0001");
        // The corrected one no longer stands: its place is set in the list, and only its place.
        let first = s
            .certificate_by_code(correction.supersedes.as_deref().unwrap())
            .await
            .unwrap()
            .unwrap();
        let revoked = s
            .revoked_places(0, summer_school::domain::badge::STATUS_LIST_LEN)
            .await
            .unwrap();
        assert_eq!(revoked.places, vec![first.status_index.unwrap()]);
        assert!(revoked.changed_at.is_some());
        assert_eq!(corrected.status_index, Some(12));
        // A refused issuance (this one already holds its certificate) takes no number.
        let refused = s
            .issue_certificate(&draft(&applications[1], 2027), &sign, &Actor::Cli, now)
            .await;
        assert!(
            matches!(refused, Err(StoreError::Refused(_))),
            "{refused:?}"
        );
        let email = EmailAddress::parse("series-late@example.org").unwrap();
        let late = s.demo_applicant(&email, Locale::En, now).await.unwrap();
        let during = hands_on[0].application_opens_at + time::Duration::hours(1);
        let (late, _) = s
            .start_application(&late, &hands_on[0].program_id, during)
            .await
            .unwrap();
        let next = s
            .issue_certificate(&draft(&late, 2027), &sign, &Actor::Cli, now)
            .await
            .unwrap();
        assert_eq!(next.record.serial, "UPC-SS-2027-HO-0002");
    })
    .await;
}
