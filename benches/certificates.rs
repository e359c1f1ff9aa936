//! Certificates, in two parts.
//!
//! 1. Rendering: the time to sign and render one attestation (the PDF with its QR code, the
//!    signature image, fonts subset, the signed record embedded, then PDF-signed as every download
//!    is) and the size of the file, over names in several scripts.
//!    Goals: at most 10 ms per attestation and 100 KB per file.
//! 2. The batch: a cohort of enrolled participants with their attendance and results in a real
//!    database, then one `issue_program` run, as the organizers' button and the CLI do it: the plan,
//!    then per graduate one transaction that numbers, signs and stores their certificates with
//!    their audit events and the email job. Then a second run, which must issue nothing. Goal: a
//!    200-person batch in at most 2 s.
//!
//! Settings (environment): `BENCH_CERTIFICATES` attestations to render (default 200);
//! `BENCH_COHORT` participants in the batch (default 200); `BENCH_DATABASE_URL` a Postgres admin
//! URL (a fresh database is created and dropped; unset: a SQLite file in a temporary folder).
//!
//! Run with `cargo bench --bench certificates`.

use std::time::{Duration, Instant};

use summer_school::documents::certificate::render_with;
use summer_school::documents::seal::Sealer;
use summer_school::documents::signatures::SignatureImages;
use summer_school::domain::certificate::{CertificateRecord, Course, Holder, Issuer, Outcome};
use summer_school::domain::locale::Locale;
use summer_school::domain::status::CertificateKind;
use time::macros::date;

const NAMES: [&str; 5] = [
    "Nguyễn Thị Minh Khai",
    "Γεώργιος Παπαδόπουλος",
    "Анна Кузнецова",
    "Łukasz Żółkiewski-Dvořák",
    "Hélène Dupont-Moreau",
];

fn record(n: usize) -> CertificateRecord {
    CertificateRecord {
        kind: if n.is_multiple_of(2) {
            CertificateKind::AttestationOfSuccess
        } else {
            CertificateKind::Afgsu2
        },
        serial: format!("UPC-SS-2026-HO-{:04}", n + 1),
        verification_code: "7KQ2-MX9D-4T8P-ZR3W".into(),
        verification_url: "https://summerschool.example/verify/7KQ2-MX9D-4T8P-ZR3W".into(),
        locale: if n.is_multiple_of(3) {
            Locale::Fr
        } else {
            Locale::En
        },
        holder: Holder {
            name: NAMES[n % NAMES.len()].into(),
            birth_date: date!(1999 - 03 - 14),
        },
        course: Course {
            title: "Hands-on Training in Clinical Medicine and Emergencies".into(),
            starts_on: date!(2026 - 07 - 06),
            ends_on: date!(2026 - 07 - 17),
            place: "Paris".into(),
            language: "English".into(),
            hours: 60,
            ects: 5,
            workload_hours: None,
            outcomes: vec![
                "Recognise and manage the main medical emergencies".into(),
                "Perform basic and advanced life support as a team".into(),
            ],
        },
        outcome: Outcome {
            passed: true,
            grade: None,
        },
        issuer: Issuer {
            institution: "Université Paris Cité".into(),
            faculty: "UFR de Médecine".into(),
            signatory_name: "Pr Jeanne Martin".into(),
            signatory_title: "Dean".into(),
            place_of_issue: "Paris".into(),
            signature_image: Some("signatory.png".into()),
        },
        issued_on: date!(2026 - 07 - 20),
        valid_until: (n % 2 == 1).then_some(date!(2030 - 07 - 20)),
        supersedes: None,
        demo: false,
        translation: None,
    }
}

fn main() {
    rendering();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(batch());
}

fn rendering() {
    let count: usize = std::env::var("BENCH_CERTIFICATES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let key = ed25519_dalek::SigningKey::from_bytes(&[42; 32]);
    // The first one parses the fonts; it is reported apart.
    let started = Instant::now();
    // With the shipped signature image, as issued certificates are printed.
    let images = SignatureImages::new(concat!(env!("CARGO_MANIFEST_DIR"), "/certificates"));
    let picture = images.for_record(&record(0)).expect("the signature image");
    let (pdf_key, pdf_cert) =
        Sealer::generate_development("bench", time::OffsetDateTime::now_utc())
            .expect("a development pair");
    let sealer = Sealer::from_pem(&pdf_key, &pdf_cert).expect("the pair loads");
    let first = sealer.seal(render_with(
        &record(0),
        &record(0).sign(&key),
        Some(&picture),
    ));
    let cold = started.elapsed();
    let mut times: Vec<Duration> = Vec::with_capacity(count);
    let mut largest = first.len();
    let all = Instant::now();
    for n in 0..count {
        let r = record(n);
        let t = Instant::now();
        let pdf = sealer.seal(render_with(&r, &r.sign(&key), Some(&picture)));
        times.push(t.elapsed());
        largest = largest.max(pdf.len());
    }
    let total = all.elapsed();
    times.sort();
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1000.0);
    println!(
        "| attestations | first (fonts parsed) | p50 | p90 | p99 | max | all | largest file |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    println!(
        "| {count} | {} | {} | {} | {} | {} | {} | {:.1} KB |",
        ms(cold),
        ms(at(0.5)),
        ms(at(0.9)),
        ms(at(0.99)),
        ms(*times.last().unwrap()),
        ms(total),
        largest as f64 / 1024.0
    );
}

/// A database for the batch: a SQLite file, or a fresh Postgres database dropped at the end.
struct BatchDb {
    url: String,
    postgres: Option<(String, String)>,
    _dir: tempfile::TempDir,
}

impl BatchDb {
    async fn create() -> BatchDb {
        use sqlx::Connection;
        let dir = tempfile::tempdir().expect("temporary folder");
        match std::env::var("BENCH_DATABASE_URL") {
            Ok(admin) if !admin.trim().is_empty() => {
                let admin = admin.trim().to_owned();
                let name = format!("ss_bench_{}", uuid::Uuid::new_v4().simple());
                let mut conn = sqlx::PgConnection::connect(&admin)
                    .await
                    .expect("BENCH_DATABASE_URL must name a reachable Postgres server");
                sqlx::query(sqlx::AssertSqlSafe(format!("create database {name}")))
                    .execute(&mut conn)
                    .await
                    .expect("create the benchmark database");
                let _ = conn.close().await;
                let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
                BatchDb {
                    url: format!("{base}/{name}"),
                    postgres: Some((admin.clone(), name)),
                    _dir: dir,
                }
            }
            _ => BatchDb {
                url: format!("sqlite://{}/bench.db", dir.path().display()),
                postgres: None,
                _dir: dir,
            },
        }
    }

    async fn drop_database(&self) {
        use sqlx::Connection;
        if let Some((admin, name)) = &self.postgres
            && let Ok(mut conn) = sqlx::PgConnection::connect(admin).await
        {
            let sql = format!("drop database if exists {name} with (force)");
            let _ = sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut conn)
                .await;
        }
    }
}

async fn batch() {
    use summer_school::domain::audit::Actor;
    use summer_school::domain::catalog::{SHIPPED_CATALOG, parse_catalog};
    use summer_school::domain::completion::{ResultEntry, school_days};
    use summer_school::domain::email::EmailAddress;
    use summer_school::domain::job::OutgoingEmail;
    use summer_school::domain::offer::{Adjustment, payment_deadline};
    use summer_school::store::cohort::DecisionKind;
    use summer_school::store::issuing::{IssueSettings, issue_program};
    use summer_school::store::{
        FormColumn, FormValue, NewSession, SignInLimits, SignInRequest, Store,
    };
    use time::OffsetDateTime;

    let cohort: usize = std::env::var("BENCH_COHORT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let db = BatchDb::create().await;
    let backend = if db.postgres.is_some() {
        "postgres"
    } else {
        "sqlite"
    };
    let store = summer_school::store::connect(&db.url, &Default::default())
        .await
        .expect("the benchmark database");
    let s: &dyn Store = store.as_ref();
    // The shipped Hands-on school (July 2026), with room for the cohort; everyone applied and was
    // admitted in March, while its window was open.
    let mut spec = parse_catalog(SHIPPED_CATALOG).expect("catalog");
    let then = time::macros::datetime!(2026-03-02 10:00 UTC);
    for p in &mut spec.programs {
        p.capacity = u32::try_from(cohort + 10).unwrap_or(u32::MAX);
    }
    s.load_edition(&spec, &Actor::Cli, then)
        .await
        .expect("catalog");
    let program = s
        .programs()
        .await
        .expect("programs")
        .into_iter()
        .find(|p| p.slug == "hands-on-clinical-emergencies")
        .expect("the Hands-on school");
    let mail = |to: &EmailAddress| OutgoingEmail {
        to: to.clone(),
        to_name: None,
        locale: Locale::En,
        subject: "bench".into(),
        text: "bench".into(),
        html: "<p>bench</p>".into(),
        scrub_after_send: false,
        attachments: Vec::new(),
    };
    let seeding = Instant::now();
    let mut people = Vec::with_capacity(cohort);
    for n in 0..cohort {
        let email = EmailAddress::parse(&format!("graduate.{n}@example.org")).expect("address");
        let token_hash = format!("{:064x}", n as u128 * 7919 + 17);
        let requester = format!("bench-{n}");
        s.request_sign_in(
            &SignInRequest {
                email: &email,
                locale: Locale::En,
                next_path: "/my-applications",
                requester: &requester,
                token_hash: &token_hash,
                expires_at: then + time::Duration::minutes(30),
                limits: SignInLimits::default(),
            },
            &mail(&email),
            then,
        )
        .await
        .expect("request_sign_in");
        let session_hash = format!("{:064x}", n as u128 * 104_729 + 3);
        let applicant_id = s
            .consume_sign_in(
                &token_hash,
                &NewSession {
                    session_hash: &session_hash,
                    expires_at: then + time::Duration::days(1),
                    replaces: None,
                },
                then,
            )
            .await
            .expect("consume_sign_in")
            .applicant_id;
        let (application_id, _) = s
            .start_application(&applicant_id, &program.program_id, then)
            .await
            .expect("start_application");
        let text = |t: &str| FormValue::Text(Some(t.to_owned()));
        let name = NAMES[n % NAMES.len()];
        let form = vec![
            (FormColumn::GivenNames, text(name)),
            (FormColumn::FamilyName, text("Bench")),
            (FormColumn::CertificateName, text(&format!("{name} {n}"))),
            (
                FormColumn::BirthDate,
                FormValue::Date(Some(date!(1998 - 05 - 17))),
            ),
            (FormColumn::Category, text("physician")),
            (
                FormColumn::Motivation,
                text(&"Emergency medicine, hands on. ".repeat(8)),
            ),
        ];
        s.save_form(&applicant_id, &application_id, &form, then)
            .await
            .expect("save_form");
        let answers: Vec<(String, String)> = program
            .questions
            .iter()
            .map(|q| (q.key.clone(), "yes".to_owned()))
            .collect();
        s.save_answers(&applicant_id, &application_id, &answers, then)
            .await
            .expect("save_answers");
        let draft = s
            .application(&applicant_id, &application_id)
            .await
            .expect("draft");
        s.submit_application(&applicant_id, &draft, &mail(&email), then)
            .await
            .expect("submit");
        s.decide(
            &application_id,
            &DecisionKind::Accept {
                tier_code: None,
                adjustment: Adjustment::FullWaiver {
                    reason: "Benchmark".into(),
                },
                deadline: payment_deadline(then, 14),
            },
            &Actor::Cli,
            then,
        )
        .await
        .expect("enrol");
        people.push(application_id);
    }
    // Everyone present every day but every tenth person, who missed two days; results for all,
    // the AFGSU 2 validated for two in three.
    for (i, day) in school_days(program.starts_on, program.ends_on)
        .iter()
        .enumerate()
    {
        let marks: Vec<(String, bool)> = people
            .iter()
            .enumerate()
            .map(|(n, id)| (id.clone(), !(n % 10 == 9 && i < 2)))
            .collect();
        // Taken on the day, in the evening.
        let evening = day.with_hms(18, 0, 0).expect("a time").assume_utc();
        s.record_attendance(&program.program_id, *day, &marks, &Actor::Cli, evening)
            .await
            .expect("attendance");
    }
    for (n, id) in people.iter().enumerate() {
        let result = ResultEntry {
            passed: true,
            grade: Some(format!("{}/20", 12 + n % 8)),
            afgsu_validated: Some(n % 3 != 2),
        };
        s.record_result(id, &result, &Actor::Cli, then)
            .await
            .expect("result");
    }
    let seeded = seeding.elapsed();

    let key = ed25519_dalek::SigningKey::from_bytes(&[42; 32]);
    let sign = move |r: &CertificateRecord| r.sign(&key);
    let settings = IssueSettings::for_public_url("https://summerschool.example");
    let now = OffsetDateTime::now_utc();
    let started = Instant::now();
    let report = issue_program(
        s,
        &program.program_id,
        &settings,
        &sign,
        &Actor::Cli,
        now,
        &mut |_, _| {},
    )
    .await
    .expect("the batch");
    let first = started.elapsed();
    let again_started = Instant::now();
    let again = issue_program(
        s,
        &program.program_id,
        &settings,
        &sign,
        &Actor::Cli,
        now,
        &mut |_, _| {},
    )
    .await
    .expect("the second batch");
    let second = again_started.elapsed();
    assert_eq!(again.documents, 0, "a second run issues nothing");
    let ms = |d: Duration| format!("{:.0} ms", d.as_secs_f64() * 1000.0);
    eprintln!("seeded {cohort} participants in {}", ms(seeded));
    println!();
    println!(
        "| database | participants | graduates | documents | skipped | batch | per graduate | second run |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    println!(
        "| {backend} | {cohort} | {} | {} | {} | {} | {:.2} ms | {} |",
        report.graduates,
        report.documents,
        report.skipped.len(),
        ms(first),
        first.as_secs_f64() * 1000.0 / report.graduates.max(1) as f64,
        ms(second),
    );
    drop(store);
    db.drop_database().await;
}
