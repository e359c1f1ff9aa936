//! Certificates: issued (numbered, signed, stored), found by their public code, corrected by a
//! superseding certificate, revoked; the public verification page and key; the PDF read back.

use summer_school::domain::audit::Actor;
use summer_school::domain::certificate::{
    CertificateRecord, Course, Holder, Issuer, Outcome, afgsu_valid_until,
};
use summer_school::domain::locale::Locale;
use summer_school::domain::status::CertificateKind;
use summer_school::store::StoreError;
use summer_school::store::certificates::{CertificateDraft, StoredCertificate};
use time::macros::date;

use crate::applications::demo_app;
use crate::harness::{Options, TestApp, spawn_app_with};

fn record(name: &str, kind: CertificateKind) -> CertificateRecord {
    CertificateRecord {
        kind,
        serial: String::new(),
        verification_code: String::new(),
        verification_url: String::new(),
        locale: Locale::En,
        holder: Holder {
            name: name.into(),
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
            outcomes: vec!["Manage a cardiac arrest as a team".into()],
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
            signature_image: None,
        },
        issued_on: date!(2026 - 07 - 20),
        valid_until: None,
        supersedes: None,
        demo: false,
    }
}

async fn issue(
    app: &TestApp,
    application_id: &str,
    record: CertificateRecord,
    supersedes: Option<String>,
) -> Result<StoredCertificate, StoreError> {
    let key = summer_school::startup::signing_key(&app.config).unwrap();
    let sign = move |r: &CertificateRecord| r.sign(&key);
    app.store
        .issue_certificate(
            &CertificateDraft {
                application_id: application_id.to_owned(),
                record,
                serial_prefix: "UPC-SS".into(),
                program_code: "HO".into(),
                verify_base: format!("{}/verify/", app.base),
                supersedes,
            },
            &sign,
            &Actor::Cli,
            time::OffsetDateTime::now_utc(),
        )
        .await
}

#[tokio::test]
async fn a_certificate_is_verified_in_public_corrected_and_revoked() {
    let app = demo_app().await;
    let id = app.apply_and_send("graduate@example.org").await;
    let first = issue(
        &app,
        &id,
        record(
            "Nguyễn Thị Minh Khai",
            CertificateKind::AttestationOfSuccess,
        ),
        None,
    )
    .await
    .unwrap();
    assert_eq!(first.record.serial, "UPC-SS-2026-HO-0001");
    let code = first.record.verification_code.clone();
    assert!(
        first
            .record
            .verification_url
            .ends_with(&format!("/verify/{code}"))
    );

    // Anyone can check it, with the name partly masked.
    let anonymous = reqwest::Client::new();
    let page = |path: String| {
        let anonymous = anonymous.clone();
        let base = app.base.clone();
        async move {
            let r = anonymous.get(format!("{base}{path}")).send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let (status, html) = page(format!("/verify/{code}")).await;
    assert_eq!(status, 200);
    for expected in [
        "Valid: this certificate was issued by us",
        "N. T. M. Khai",
        "UPC-SS-2026-HO-0001",
        "Hands-on Training in Clinical Medicine",
        "Université Paris Cité",
        "Its electronic signature checks against our public key",
    ] {
        assert!(html.contains(expected), "{expected}: {html}");
    }
    assert!(
        !html.contains("Nguyễn Thị Minh Khai"),
        "the full name stays private"
    );
    // Lower case typed from the paper still finds it; unknown and malformed codes are a plain 404.
    assert_eq!(
        page(format!("/verify/{}", code.to_lowercase())).await.0,
        200
    );
    let (status, html) = page("/verify/2222-2222-2222-2222".into()).await;
    assert_eq!(status, 404);
    assert!(!html.contains("UPC-SS"), "{html}");
    assert_eq!(page("/verify/..%2F..%2Fetc".into()).await.0, 404);

    // Issued once per kind; a correction supersedes.
    let again = issue(
        &app,
        &id,
        record(
            "Nguyễn Thị Minh Khai",
            CertificateKind::AttestationOfSuccess,
        ),
        None,
    )
    .await;
    assert!(
        matches!(again, Err(StoreError::Refused(r)) if r == summer_school::domain::refusal::Refusal::AlreadyIssued)
    );
    let mut corrected = record(
        "Nguyễn Thị Minh Khải",
        CertificateKind::AttestationOfSuccess,
    );
    corrected.outcome.grade = Some("16/20".into());
    let second = issue(&app, &id, corrected, Some(code.clone()))
        .await
        .unwrap();
    assert_eq!(second.record.serial, "UPC-SS-2026-HO-0002");
    assert_eq!(
        second.record.supersedes.as_deref(),
        Some("UPC-SS-2026-HO-0001")
    );
    let (_, html) = page(format!("/verify/{code}")).await;
    assert!(
        html.contains("Replaced") && html.contains("UPC-SS-2026-HO-0002"),
        "{html}"
    );
    let code2 = second.record.verification_code.clone();
    let (_, html) = page(format!("/verify/{code2}")).await;
    assert!(html.contains("Valid"), "{html}");

    // The graduate finds the standing certificate on their page, as a PDF and an Open Badge.
    let (_, mine) = app.page(&format!("/applications/{id}")).await;
    assert!(
        mine.contains("Your certificates") && mine.contains("UPC-SS-2026-HO-0002"),
        "{mine}"
    );
    assert!(
        !mine.contains("UPC-SS-2026-HO-0001"),
        "the superseded one is gone: {mine}"
    );
    assert!(
        mine.contains(&second.record.verification_url),
        "the address to share"
    );
    let key = summer_school::startup::signing_key(&app.config)
        .unwrap()
        .verifying_key();
    let r = app
        .get(&format!("/applications/{id}/certificates/{code2}/pdf"))
        .await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let pdf = r.bytes().await.unwrap();
    let (embedded, signature) = summer_school::documents::certificate::read_embedded(&pdf).unwrap();
    assert_eq!(embedded, second.record);
    assert!(embedded.verify(&key, &signature));
    let r = app
        .get(&format!("/applications/{id}/certificates/{code2}/badge"))
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let badge: serde_json::Value = r.json().await.unwrap();
    assert_eq!(badge["type"][1], "OpenBadgeCredential");
    assert_eq!(
        summer_school::domain::badge::verify_proof(&badge, &key),
        Ok(true)
    );
    // Nobody else gets them.
    app.sign_in("someone.else@example.org").await;
    for what in ["pdf", "badge"] {
        let r = app
            .get(&format!("/applications/{id}/certificates/{code2}/{what}"))
            .await;
        assert_eq!(r.status().as_u16(), 404, "{what}");
    }
    app.sign_in("graduate@example.org").await;

    // Revoked, with its reason.
    app.store
        .revoke_certificate(
            &code2,
            "Issued in error: the assessment was not passed",
            &Actor::Cli,
            time::OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
    let (_, html) = page(format!("/verify/{code2}")).await;
    assert!(
        html.contains("Revoked") && html.contains("Issued in error"),
        "{html}"
    );
    let r = app
        .get(&format!("/applications/{id}/certificates/{code2}/pdf"))
        .await;
    assert_eq!(
        r.status().as_u16(),
        404,
        "a revoked certificate is not offered any more"
    );
    let trail: Vec<String> = app
        .store
        .audit_events("application", &id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .filter(|a| a.starts_with("certificate."))
        .collect();
    assert_eq!(
        trail,
        [
            "certificate.issued",
            "certificate.issued",
            "certificate.revoked"
        ]
    );

    // An AFGSU 2 attestation past its four years shows as expired.
    let mut afgsu = record("Nguyễn Thị Minh Khai", CertificateKind::Afgsu2);
    afgsu.issued_on = date!(2020 - 07 - 17);
    afgsu.valid_until = Some(afgsu_valid_until(afgsu.issued_on));
    let old = issue(&app, &id, afgsu, None).await.unwrap();
    let (_, html) = page(format!("/verify/{}", old.record.verification_code)).await;
    assert!(
        html.contains("Expired") && html.contains("17 July 2024"),
        "{html}"
    );

    // The published key checks the stored record and the file made from it.
    let r = anonymous
        .get(format!("{}/certificates/key.json", app.base))
        .send()
        .await
        .unwrap();
    let key: serde_json::Value = r.json().await.unwrap();
    let hex = key["publicKeyHex"].as_str().unwrap();
    let bytes: [u8; 32] = summer_school::domain::certificate::from_hex(hex)
        .unwrap()
        .try_into()
        .unwrap();
    let public = ed25519_dalek::VerifyingKey::from_bytes(&bytes).unwrap();
    let stored = app
        .store
        .certificate_by_code(&code2)
        .await
        .unwrap()
        .unwrap();
    assert!(stored.record.verify(&public, &stored.signature));
    let pdf = summer_school::documents::certificate::render(
        &stored.record,
        &stored.signature.clone().try_into().unwrap(),
    );
    let (embedded, signature) = summer_school::documents::certificate::read_embedded(&pdf).unwrap();
    assert!(embedded.verify(&public, &signature));
    assert!(
        key["publicKeyMultibase"]
            .as_str()
            .unwrap()
            .starts_with("z6Mk")
    );
    app.stop().await;
}

/// Status, `Cache-Control`, `Location` and body of a response.
async fn answer(request: reqwest::RequestBuilder) -> (u16, String, String, String) {
    let r = request.send().await.unwrap();
    let header = |name: &str| {
        r.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let (cache, location) = (header("cache-control"), header("location"));
    (
        r.status().as_u16(),
        cache,
        location,
        r.text().await.unwrap(),
    )
}

#[tokio::test]
async fn a_code_that_matches_nothing_gets_a_page_that_helps_find_the_right_one() {
    // The site sends its mail from another address than the catalog's: the page names the
    // catalog's.
    let app = spawn_app_with(Options {
        demo: true,
        env: vec![("MAIL_FROM", "Robot <robot@example.net>".into())],
        ..Options::default()
    })
    .await;
    let contact = r#"<a href="mailto:summerschool.medicine@u-paris.fr">"#;
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let get = |path: &str| anonymous.get(format!("{}{path}", app.base));

    // A well-formed code that is nobody's: a 404 that says so, with the code, where codes are
    // printed, a box to type it again and whom to write to.
    let (status, cache, _, html) = answer(get("/verify/2222-2222-2222-2222")).await;
    assert_eq!(status, 404);
    assert_eq!(cache, "no-store");
    for expected in [
        "<h1>No certificate or letter has this code</h1>",
        "with the code “2222-2222-2222-2222”",
        "Where to find the code",
        "On a certificate: at the bottom of the page",
        "On an invitation letter:",
        "It never contains 0, 1, I or O",
        r#"<form method="get" action="/verify""#,
        r#"<label for="code">Verification code</label>"#,
        r#"id="code-hint""#,
        r#"value="2222-2222-2222-2222""#,
        contact,
    ] {
        assert!(html.contains(expected), "{expected}: {html}");
    }
    assert!(
        !html.contains("Page not found") && !html.contains("UPC-SS"),
        "{html}"
    );
    assert!(
        !html.contains("This is not how our codes are written"),
        "{html}"
    );

    // Malformed: the same page, escaped and shortened, never an error.
    let (status, _, _, html) = answer(get("/verify/%3Cscript%3Ealert(1)%3C%2Fscript%3E")).await;
    assert_eq!(status, 404);
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(
        html.contains("&#60;script&#62;alert(1)&#60;/script&#62;")
            && html.contains("This is not how our codes are written"),
        "{html}"
    );
    let long = "Z".repeat(300);
    let (status, _, _, html) = answer(get(&format!("/verify/{long}"))).await;
    assert_eq!(status, 404);
    assert!(html.contains(&format!("“{}…”", "Z".repeat(40))), "{html}");
    assert!(!html.contains(&"Z".repeat(41)), "{html}");
    let (status, _, _, html) = answer(get("/verify/%FF%FE%00x")).await;
    assert_eq!(status, 404);
    assert!(
        html.contains("No certificate or letter has this code"),
        "{html}"
    );

    // In French.
    let (status, _, _, html) =
        answer(get("/verify/2222-2222-2222-2222").header("accept-language", "fr")).await;
    assert_eq!(status, 404);
    for expected in [
        r#"<html lang="fr">"#,
        "Aucun certificat ni aucune lettre",
        "portant le code « 2222-2222-2222-2222 »",
        "Où trouver le code",
        r#"<label for="code">Code de vérification</label>"#,
        contact,
    ] {
        assert!(html.contains(expected), "{expected}: {html}");
    }

    // The bare form, and the form left empty.
    let (status, _, _, html) = answer(get("/verify")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("<h1>Check a certificate or an invitation letter</h1>")
            && html.contains(r#"<label for="code">"#)
            && html.contains(contact)
            && !html.contains("There is a problem"),
        "{html}"
    );
    let (status, _, _, html) = answer(get("/verify?code=+")).await;
    assert_eq!(status, 422);
    for expected in [
        "<title>Error: Check a certificate or an invitation letter",
        "There is a problem",
        r##"<a href="#code">Enter the verification code printed on the document</a>"##,
        r#"id="code-error""#,
        r#"aria-describedby="code-hint code-error""#,
    ] {
        assert!(html.contains(expected), "{expected}: {html}");
    }
    // Something that is not a code is shown on its page, as typed.
    let (status, _, location, _) = answer(get("/verify?code=%3Cb%3E")).await;
    assert_eq!((status, location.as_str()), (303, "/verify/%3Cb%3E"));

    // A real code typed from paper, in small letters with spaces and no dashes, reaches the
    // certificate, through the form and at its address.
    let id = app.apply_and_send("graduate@example.org").await;
    let issued = issue(
        &app,
        &id,
        record("Ana Lima", CertificateKind::AttestationOfSuccess),
        None,
    )
    .await
    .unwrap();
    let code = issued.record.verification_code.clone();
    let typed = format!(" {} ", code.to_lowercase().replace('-', " "));
    let (status, _, location, _) = answer(
        anonymous
            .get(format!("{}/verify", app.base))
            .query(&[("code", &typed)]),
    )
    .await;
    assert_eq!((status, location.clone()), (303, format!("/verify/{code}")));
    let (status, _, _, html) = answer(get(&location)).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Valid: this certificate was issued by us"),
        "{html}"
    );
    assert!(
        html.contains(r#"<a href="/verify">Check another code</a>"#),
        "{html}"
    );
    let squashed = code.to_lowercase().replace('-', "%20");
    let (status, _, _, html) = answer(get(&format!("/verify/{squashed}"))).await;
    assert_eq!(status, 200);
    assert!(html.contains(&issued.record.serial), "{html}");
    app.stop().await;
}

#[tokio::test]
async fn every_accepted_name_prints_exactly_with_its_credits_dates_and_serial() {
    let key = ed25519_dalek::SigningKey::from_bytes(&[11; 32]);
    for (name, locale, credits, dates) in [
        (
            "Nguyễn Thị Minh Khai",
            Locale::En,
            "5 ECTS credits",
            "6–17 July 2026",
        ),
        (
            "Γεώργιος Παπαδόπουλος",
            Locale::En,
            "5 ECTS credits",
            "6–17 July 2026",
        ),
        (
            "Анна Кузнецова",
            Locale::Fr,
            "5 crédits ECTS",
            "du 6 au 17 juillet 2026",
        ),
        (
            "Łukasz Żółkiewski-Dvořák",
            Locale::Fr,
            "5 crédits ECTS",
            "du 6 au 17 juillet 2026",
        ),
    ] {
        let mut r = record(name, CertificateKind::AttestationOfSuccess);
        r.locale = locale;
        r.serial = "UPC-SS-2026-HO-0042".into();
        r.verification_code = "7KQ2-MX9D-4T8P-ZR3W".into();
        r.verification_url = "https://summerschool.example/verify/7KQ2-MX9D-4T8P-ZR3W".into();
        let pdf = summer_school::documents::certificate::render(&r, &r.sign(&key));
        assert!(pdf.len() < 100 * 1024, "{name}: {} bytes", pdf.len());
        let text = crate::harness::pdf_text(&pdf).await;
        for expected in [
            name,
            credits,
            dates,
            "UPC-SS-2026-HO-0042",
            "7KQ2-MX9D-4T8P-ZR3W",
        ] {
            assert!(text.contains(expected), "{expected} in {text}");
        }
    }
}

#[tokio::test]
async fn attendance_and_results_decide_who_completes_on_both_databases() {
    use std::sync::Arc;
    use summer_school::domain::completion::{CompletionRule, Shortfall, school_days};
    use summer_school::domain::offer::{Adjustment, payment_deadline};
    use summer_school::domain::status::ReviewMode;
    use summer_school::store::cohort::DecisionKind;
    use summer_school::store::{self, Store};

    use crate::cohort::{complete_draft, load_cohort_catalog, submit};
    use crate::harness::TestDb;
    use summer_school::domain::issuance::{PlanError, Skip};
    use summer_school::store::JobFilter;
    use summer_school::store::certificates::{
        BatchError, IssueSettings, ResultEntry, correct_certificate, issue_program,
    };

    let mut dbs = vec![TestDb::fresh_sqlite()];
    if let Some(url) = crate::harness::postgres_url() {
        dbs.push(TestDb::fresh_postgres(&url).await);
    }
    for db in &dbs {
        let s: Arc<dyn Store> = store::connect(db.url(), &Default::default()).await.unwrap();
        let (_, reviewed) = load_cohort_catalog(s.as_ref()).await;
        let now = time::OffsetDateTime::now_utc();
        let mut people = Vec::new();
        for n in 0..3 {
            let a = complete_draft(s.as_ref(), &reviewed, 700 + n).await;
            submit(s.as_ref(), &a, ReviewMode::Review, 700 + n)
                .await
                .unwrap();
            // A full waiver enrolls at once.
            s.decide(
                &a.application_id,
                &DecisionKind::Accept {
                    tier_code: None,
                    adjustment: Adjustment::FullWaiver {
                        reason: "Faculty guest".into(),
                    },
                    deadline: payment_deadline(now, 14),
                },
                &Actor::Cli,
                now,
            )
            .await
            .unwrap();
            people.push(a.application_id);
        }
        let outsider = complete_draft(s.as_ref(), &reviewed, 799)
            .await
            .application_id;
        let days = school_days(reviewed.starts_on, reviewed.ends_on);
        assert_eq!(days.len(), 10);
        // Attendance is taken as the days go by: here, recorded once the school is over.
        let after = days[9]
            .next_day()
            .unwrap()
            .with_hms(12, 0, 0)
            .unwrap()
            .assume_utc();
        // Day by day: the first is always there, the second misses two days, the third is there.
        for (i, day) in days.iter().enumerate() {
            let marks = vec![
                (people[0].clone(), true),
                (people[1].clone(), i >= 2),
                (people[2].clone(), true),
            ];
            s.record_attendance(&reviewed.program_id, *day, &marks, &Actor::Cli, after)
                .await
                .unwrap();
        }
        // A mark corrected later replaces the first one.
        s.record_attendance(
            &reviewed.program_id,
            days[0],
            &[(people[1].clone(), false)],
            &Actor::Cli,
            after,
        )
        .await
        .unwrap();
        let saturday = days[4].next_day().unwrap();
        assert!(matches!(
            s.record_attendance(&reviewed.program_id, saturday, &[(people[0].clone(), true)], &Actor::Cli, after).await,
            Err(StoreError::Refused(r)) if r == summer_school::domain::refusal::Refusal::NotASchoolDay
        ));
        assert!(matches!(
            s.record_attendance(&reviewed.program_id, days[0], &[(outsider.clone(), true)], &Actor::Cli, after).await,
            Err(StoreError::Refused(r)) if r == summer_school::domain::refusal::Refusal::NotEnrolled
        ));
        // Nobody can have attended a day still to come: the evening before, in Paris, it is refused.
        let eve = days[9]
            .previous_day()
            .unwrap()
            .with_hms(20, 0, 0)
            .unwrap()
            .assume_utc();
        assert!(matches!(
            s.record_attendance(&reviewed.program_id, days[9], &[(people[0].clone(), true)], &Actor::Cli, eve).await,
            Err(StoreError::Refused(r)) if r == summer_school::domain::refusal::Refusal::FutureDay
        ));
        let passed = ResultEntry {
            passed: true,
            grade: Some("15/20".into()),
            afgsu_validated: Some(true),
        };
        for id in &people[..2] {
            s.record_result(id, &passed, &Actor::Cli, now)
                .await
                .unwrap();
        }
        assert!(matches!(
            s.record_result(&outsider, &passed, &Actor::Cli, now).await,
            Err(StoreError::Refused(r)) if r == summer_school::domain::refusal::Refusal::NotEnrolled
        ));
        // Several at once are all or nothing: one outsider and nobody's result changes.
        let other = ResultEntry {
            grade: Some("9/20".into()),
            ..passed.clone()
        };
        assert!(matches!(
            s.record_results(&[(people[0].clone(), other.clone()), (outsider.clone(), other)], &Actor::Cli, now).await,
            Err(StoreError::Refused(r)) if r == summer_school::domain::refusal::Refusal::NotEnrolled
        ));

        let rule = CompletionRule {
            min_days_present: 9,
            assessment_required: true,
        };
        let participants = s.participants(&reviewed.program_id).await.unwrap();
        assert_eq!(participants.len(), 3);
        let of = |id: &str| {
            participants
                .iter()
                .find(|p| p.application_id == id)
                .unwrap()
        };
        assert_eq!(of(&people[0]).days_present.len(), 10);
        assert_eq!(rule.check(&of(&people[0]).participation()), Ok(()));
        assert!(rule.afgsu(&of(&people[0]).participation()));
        assert_eq!(
            rule.check(&of(&people[1]).participation()),
            Err(Shortfall::Attendance {
                present: 8,
                required: 9
            })
        );
        assert_eq!(
            rule.check(&of(&people[2]).participation()),
            Err(Shortfall::NoResult)
        );
        assert!(of(&people[0]).certificate_name.starts_with("Zofia"));
        let recorded = s
            .audit_events("program", &reviewed.program_id)
            .await
            .unwrap();
        assert_eq!(
            recorded
                .iter()
                .filter(|e| e.action == "attendance.recorded")
                .count(),
            11
        );
        let results = s.audit_events("application", &people[0]).await.unwrap();
        assert!(results.iter().any(|e| e.action == "result.recorded"
            && e.detail.contains("15/20")
            && e.detail.contains("AFGSU 2 validated")));

        // Batch issuance, with the catalog's rule (Hands-on: all 10 days and a passed assessment).
        let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
        let sign = move |r: &CertificateRecord| r.sign(&key);
        let settings = IssueSettings::for_public_url("https://summer.example.org/");
        let at = |d: time::Date| d.with_hms(10, 0, 0).unwrap().assume_utc();
        let batch = |now: time::OffsetDateTime| {
            let s = s.clone();
            let program_id = reviewed.program_id.clone();
            let settings = settings.clone();
            let sign = sign.clone();
            async move {
                let mut seen = Vec::new();
                let report = issue_program(
                    s.as_ref(),
                    &program_id,
                    &settings,
                    &sign,
                    &Actor::Cli,
                    now,
                    &mut |done, total| seen.push((done, total)),
                )
                .await;
                (report, seen)
            }
        };
        // Not before the school's last day.
        assert!(matches!(
            batch(at(date!(2099 - 07 - 16))).await.0,
            Err(BatchError::Plan(PlanError::NotFinished(d))) if d == date!(2099 - 07 - 17)
        ));
        // Two organizers press the button at once: each graduate receives their certificates once.
        let ((one, seen_one), (two, seen_two)) = tokio::join!(
            batch(at(date!(2099 - 07 - 20))),
            batch(at(date!(2099 - 07 - 20)))
        );
        let (one, two) = (one.unwrap(), two.unwrap());
        assert_eq!(one.graduates + two.graduates, 1, "{one:?} {two:?}");
        assert_eq!(one.documents + two.documents, 2);
        assert_eq!(one.up_to_date + two.up_to_date, 1);
        // The one that issued heard of its progress (the other may have found nothing to do).
        let seen = if one.graduates == 1 {
            seen_one
        } else {
            seen_two
        };
        assert_eq!(seen, [(1, 1)]);
        let report = if one.graduates == 1 { one } else { two };
        let skipped: Vec<(&str, Skip)> = report
            .skipped
            .iter()
            .map(|(id, why)| (id.as_str(), *why))
            .collect();
        assert!(skipped.contains(&(
            people[1].as_str(),
            Skip::Shortfall(Shortfall::Attendance {
                present: 8,
                required: 10
            })
        )));
        assert!(skipped.contains(&(people[2].as_str(), Skip::Shortfall(Shortfall::NoResult))));
        let held = s.certificates_of(&people[0]).await.unwrap();
        let kinds: Vec<CertificateKind> = held.iter().map(|c| c.record.kind).collect();
        assert!(kinds.contains(&CertificateKind::AttestationOfSuccess));
        assert!(kinds.contains(&CertificateKind::Afgsu2));
        let success = held
            .iter()
            .find(|c| c.record.kind == CertificateKind::AttestationOfSuccess)
            .unwrap();
        assert_eq!(success.record.course.ects, 5);
        assert_eq!(
            success.record.course.outcomes.len(),
            3,
            "the catalog's outcomes"
        );
        assert_eq!(success.record.outcome.grade.as_deref(), Some("15/20"));
        assert_eq!(success.record.issuer.signatory_name, "Pr Claire Moreau");
        assert!(success.record.serial.starts_with("UPC-SS-2099-HO-000"));
        assert!(
            success
                .record
                .verification_url
                .starts_with("https://summer.example.org/verify/")
        );
        let afgsu = held
            .iter()
            .find(|c| c.record.kind == CertificateKind::Afgsu2)
            .unwrap();
        assert!(afgsu.record.issuer.institution.starts_with("CESU 75"));
        assert_eq!(afgsu.record.course.hours, 21);
        assert_eq!(afgsu.record.valid_until, Some(date!(2103 - 07 - 20)));
        let ready = |id: String| {
            let s = s.clone();
            async move {
                s.jobs(JobFilter::All, 1000)
                    .await
                    .unwrap()
                    .iter()
                    .filter(|j| {
                        j.kind == "notify"
                            && j.payload.to_string().contains(&id)
                            && j.payload.to_string().contains("certificates_ready")
                    })
                    .count()
            }
        };
        assert_eq!(
            ready(people[0].clone()).await,
            1,
            "one email for both documents"
        );

        // Again: nothing twice. Once the missing result is in, only that graduate receives theirs.
        let again = batch(at(date!(2099 - 07 - 21))).await.0.unwrap();
        assert_eq!(
            (again.graduates, again.documents, again.up_to_date),
            (0, 0, 1)
        );
        assert_eq!(s.certificates_of(&people[0]).await.unwrap().len(), 2);
        s.record_result(
            &people[2],
            &ResultEntry {
                passed: true,
                grade: None,
                afgsu_validated: None,
            },
            &Actor::Cli,
            now,
        )
        .await
        .unwrap();
        let third = batch(at(date!(2099 - 07 - 22))).await.0.unwrap();
        assert_eq!(
            (third.graduates, third.documents, third.up_to_date),
            (1, 1, 1)
        );
        assert_eq!(ready(people[0].clone()).await, 1);
        assert_eq!(ready(people[2].clone()).await, 1);

        // A corrected grade: the correction supersedes, the old one shows as replaced.
        s.record_result(
            &people[0],
            &ResultEntry {
                passed: true,
                grade: Some("17/20".into()),
                afgsu_validated: Some(true),
            },
            &Actor::Cli,
            now,
        )
        .await
        .unwrap();
        let corrected = correct_certificate(
            s.as_ref(),
            &success.record.verification_code,
            &settings,
            &sign,
            &Actor::Cli,
            at(date!(2099 - 07 - 23)),
        )
        .await
        .unwrap();
        assert_eq!(corrected.record.outcome.grade.as_deref(), Some("17/20"));
        assert_eq!(
            corrected.record.supersedes.as_deref(),
            Some(success.record.serial.as_str())
        );
        let old = s
            .certificate_by_code(&success.record.verification_code)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            old.superseded_by.as_deref(),
            Some(corrected.record.serial.as_str())
        );
        assert_eq!(
            ready(people[0].clone()).await,
            2,
            "the correction is emailed too"
        );
        assert!(
            matches!(
                correct_certificate(
                    s.as_ref(),
                    &success.record.verification_code,
                    &settings,
                    &sign,
                    &Actor::Cli,
                    now
                )
                .await,
                Err(BatchError::NotFound)
            ),
            "a superseded certificate is not corrected twice"
        );
    }
}

/// A past school (the shipped Hands-on school of July 2026) with `n` participants enrolled with a
/// full waiver while its window was open; their application ids, in order.
impl TestApp {
    pub(crate) async fn past_cohort(&self, n: usize) -> (String, Vec<String>) {
        let app = self;
        use summer_school::domain::offer::{Adjustment, payment_deadline};
        use summer_school::domain::status::ReviewMode;
        use summer_school::store::cohort::DecisionKind;

        use crate::cohort::{complete_draft_at, submit_at};

        let s = app.store.as_ref();
        let program = s
            .programs()
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.edition_slug == "2026" && p.slug == "hands-on-clinical-emergencies")
            .unwrap();
        let then = time::macros::datetime!(2026-03-02 10:00 UTC);
        let mut ids = Vec::new();
        for i in 0..n {
            let a = complete_draft_at(s, &program, 900 + i, then).await;
            submit_at(s, &a, ReviewMode::Review, 900 + i, then)
                .await
                .unwrap();
            s.decide(
                &a.application_id,
                &DecisionKind::Accept {
                    tier_code: None,
                    adjustment: Adjustment::FullWaiver {
                        reason: "Faculty scholarship".into(),
                    },
                    deadline: payment_deadline(then, 14),
                },
                &Actor::Cli,
                then,
            )
            .await
            .unwrap();
            ids.push(a.application_id);
        }
        (program.program_id, ids)
    }
}

#[tokio::test]
async fn organizers_take_a_cohort_from_attendance_to_certificates_graduates_download_and_share() {
    use crate::harness::pdf_text;
    use summer_school::domain::completion::school_days;

    let app = crate::harness::spawn_app().await;
    let (program, people) = app.past_cohort(4).await;
    let director = app
        .signed_in(
            "director@u-paris.fr",
            "program_director",
            &["2026/hands-on-clinical-emergencies"],
        )
        .await;
    let page = format!("/organizer/programs/{program}/participants");
    let (status, html) = director.page(&page).await;
    assert_eq!(status, 200);
    for expected in [
        "Zofia Łukasiewicz 900",
        "Zofia Łukasiewicz 903",
        "present at least 10 of the 10 school days",
        "Signed by <strong>Pr Claire Moreau, Dean of the Faculty of Medicine</strong>",
        "Issuing now: 0 graduates would receive 0 documents",
    ] {
        assert!(html.contains(expected), "{expected}");
    }
    // The program's queue links here.
    let (_, queue) = director
        .page(&format!("/organizer/programs/{program}"))
        .await;
    assert!(queue.contains(&page));

    // The grid: three there every day, the fourth half the time.
    let days = school_days(
        time::macros::date!(2026 - 07 - 06),
        time::macros::date!(2026 - 07 - 17),
    );
    let mut boxes = Vec::new();
    for (i, day) in days.iter().enumerate() {
        for (p, id) in people.iter().enumerate() {
            if p < 3 || i % 2 == 0 {
                boxes.push(format!("{id}|{day}"));
            }
        }
    }
    let fields: Vec<(&str, &str)> = boxes.iter().map(|b| ("present", b.as_str())).collect();
    let r = director
        .submit(
            &page,
            &format!("/organizer/programs/{program}/attendance"),
            &fields,
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, html) = director.page(&format!("{page}?done=attendance")).await;
    assert!(html.contains("Attendance saved."));
    assert!(html.contains("Present 5 days, 10 required."));
    let audit = app.store.audit_events("program", &program).await.unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|e| e.action == "attendance.recorded")
            .count(),
        10,
        "one entry per day"
    );
    // Saving the same grid again records nothing.
    director
        .submit(
            &page,
            &format!("/organizer/programs/{program}/attendance"),
            &fields,
        )
        .await;
    let audit = app.store.audit_events("program", &program).await.unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|e| e.action == "attendance.recorded")
            .count(),
        10
    );

    // Results: a mistake keeps what was typed and records nothing.
    let results = format!("/organizer/programs/{program}/results");
    let long = "sixteen out of twenty points";
    let (r0, g0, a0) = (
        format!("result-{}", people[0]),
        format!("grade-{}", people[0]),
        format!("afgsu-{}", people[0]),
    );
    let (r1, a1) = (
        format!("result-{}", people[1]),
        format!("afgsu-{}", people[1]),
    );
    let (g2, r3) = (
        format!("grade-{}", people[2]),
        format!("result-{}", people[3]),
    );
    let r = director
        .submit(
            &page,
            &results,
            &[(&r0, "passed"), (&g0, long), (&a0, "yes"), (&g2, "12/20")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("A grade has at most 20 characters"));
    assert!(
        html.contains("Choose passed or not passed"),
        "a grade without a result"
    );
    assert!(html.contains(long), "what was typed is kept");
    let participants = app.store.participants(&program).await.unwrap();
    assert!(participants.iter().all(|p| p.result.is_none()));
    // An AFGSU value the grid does not offer is refused as the import refuses it, not dropped.
    let r = director
        .submit(&page, &results, &[(&r0, "passed"), (&a0, "maybe")])
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Choose whether the AFGSU 2 practical training was validated"),
        "{html}"
    );
    let participants = app.store.participants(&program).await.unwrap();
    assert!(participants.iter().all(|p| p.result.is_none()));
    let r = director
        .submit(
            &page,
            &results,
            &[
                (&r0, "passed"),
                (&g0, "16/20"),
                (&a0, "yes"),
                (&r1, "passed"),
                (&a1, "no"),
                (&r3, "passed"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);

    // A results file: one wrong line records nothing; the right file records.
    let import = format!("/organizer/programs/{program}/results/import");
    let r = director
        .upload(
            &page,
            &import,
            "results.csv",
            b"email,result\ncohort.902@example.org,failed\nstranger@example.org,passed\n".to_vec(),
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Line 3: no enrolled participant has the address stranger@example.org"),
        "{html}"
    );
    let r = director
        .upload(
            &page,
            &import,
            "résultats.csv",
            "email;result;grade\ncohort.902@example.org;ajourné;8/20\n"
                .as_bytes()
                .to_vec(),
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, html) = director.page(&page).await;
    assert!(html.contains("Assessment not passed."));
    assert!(
        html.contains("Issuing now: 2 graduates would receive 3 documents; 0 already hold theirs; 2 do not complete yet."),
        "{html}"
    );

    // The cohort as a file: a line each, every day, the result; it imports back as it is.
    let export = format!("/organizer/programs/{program}/participants.csv");
    assert!(html.contains(&export));
    let r = director.get(&export).await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let file = r.bytes().await.unwrap().to_vec();
    let text = String::from_utf8(file.clone()).unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 5, "a heading and four participants: {text}");
    assert!(
        lines[0].starts_with("name,email,2026-07-06,")
            && lines[0].contains(",days_present,result,grade,afgsu,completion,certificates"),
        "{}",
        lines[0]
    );
    let failed = lines
        .iter()
        .find(|l| l.contains("cohort.902@example.org"))
        .unwrap();
    assert!(
        failed.contains(",failed,8/20,") && failed.contains("Assessment not passed."),
        "{failed}"
    );
    let before = app.store.participants(&program).await.unwrap();
    let r = director
        .upload(&page, &import, "participants.csv", file)
        .await;
    assert_eq!(r.status().as_u16(), 303, "the exported file imports back");
    let after = app.store.participants(&program).await.unwrap();
    assert_eq!(
        before.iter().map(|p| p.result.clone()).collect::<Vec<_>>(),
        after.iter().map(|p| p.result.clone()).collect::<Vec<_>>()
    );

    // Issue: two graduates, three documents; again: nothing.
    let issue = format!("/organizer/programs/{program}/certificates");
    let r = director.submit(&page, &issue, &[]).await;
    assert_eq!(r.status().as_u16(), 303);
    let done = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        done.ends_with("done=issued&graduates=2&documents=3"),
        "{done}"
    );
    let r = director.submit(&page, &issue, &[]).await;
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with("graduates=0&documents=0")
    );
    let held = |i: usize| {
        let id = people[i].clone();
        let store = app.store.clone();
        async move { store.certificates_of(&id).await.unwrap() }
    };
    assert_eq!(held(0).await.len(), 2);
    assert_eq!(held(1).await.len(), 1, "no AFGSU 2 without the validation");
    assert!(held(2).await.is_empty() && held(3).await.is_empty());
    // Graduates' journeys are complete (once, though the batch ran twice); the others are still
    // enrolled, and everyone stays on the cohort page.
    for (i, completed) in [(0, 1), (1, 1), (2, 0), (3, 0)] {
        let moves = app
            .store
            .audit_events("application", &people[i])
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "application.completed")
            .count();
        assert_eq!(moves, completed, "participant {i}");
    }
    let (_, cohort) = director.page(&page).await;
    for (i, id) in people.iter().enumerate() {
        assert!(cohort.contains(id.as_str()), "participant {i} is listed");
    }

    // The graduate's email carries both documents.
    app.dispatch_pending_jobs().await;
    let mail = app
        .smtp
        .wait_for_to("cohort.900@example.org", std::time::Duration::from_secs(5))
        .await;
    assert!(
        mail.header("subject")
            .unwrap()
            .contains("Your certificates")
    );
    let first = held(0).await;
    for c in &first {
        let pdf = mail.attachment(&c.record.file_name()).expect("attached");
        assert!(pdf_text(&pdf).await.contains(&c.record.serial));
    }

    // The graduate's page: both, to download and share; nobody else's.
    app.sign_in("cohort.900@example.org").await;
    let (_, application) = app.page(&format!("/applications/{}", people[0])).await;
    assert!(
        application.contains("Completed") && application.contains("You completed the school"),
        "{application}"
    );
    let (status, mine) = app.page("/certificates").await;
    assert_eq!(status, 200);
    let success = first
        .iter()
        .find(|c| c.record.kind == CertificateKind::AttestationOfSuccess)
        .unwrap();
    for expected in [
        success.record.serial.as_str(),
        success.record.verification_url.as_str(),
        "Copy the link",
        "/static/copy.js",
        "Valid until",
    ] {
        assert!(mine.contains(expected), "{expected}");
    }
    let pdf_href = format!(
        "/applications/{}/certificates/{}/pdf",
        people[0], success.record.verification_code
    );
    assert!(mine.contains(&pdf_href));
    let pdf = app.get(&pdf_href).await.bytes().await.unwrap();
    let text = pdf_text(&pdf).await;
    assert!(
        text.contains("Zofia Łukasiewicz 900") && text.contains("5 ECTS"),
        "{text}"
    );
    let other = TestApp::browser(&app);
    other.sign_in_as(&app, "cohort.901@example.org").await;
    let r = other
        .client
        .get(format!("{}{pdf_href}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404, "another graduate's document");
    let theirs = other
        .client
        .get(format!("{}/certificates", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!theirs.contains(&success.record.serial));
    assert!(app.get("/static/copy.js").await.status().is_success());

    // Revoke (a reason is required) and correct, from the cohort page.
    let code = &success.record.verification_code;
    let revoke = format!("/organizer/programs/{program}/certificates/{code}/revoke");
    let r = director.submit(&page, &revoke, &[("reason", "  ")]).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Give the reason for revoking")
    );
    let r = director
        .submit(&page, &revoke, &[("reason", "Attendance sheet was wrong")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, verify) = app.page(&format!("/verify/{code}")).await;
    assert!(verify.contains("Revoked") && verify.contains("Attendance sheet was wrong"));
    let second = held(1).await.remove(0);
    let correct = format!(
        "/organizer/programs/{program}/certificates/{}/correct",
        second.record.verification_code
    );
    let r = director.submit(&page, &correct, &[]).await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, verify) = app
        .page(&format!("/verify/{}", second.record.verification_code))
        .await;
    assert!(verify.contains("Replaced"), "{verify}");
    // A certificate of another program is not reached from this one.
    let r = director
        .submit(
            &page,
            &format!(
                "/organizer/programs/not-this-one/certificates/{}/revoke",
                second.record.verification_code
            ),
            &[("reason", "x")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 404);
    app.stop().await;
}

#[tokio::test]
async fn an_admitted_applicant_gets_a_visa_letter_and_the_passport_data_is_erased_after_the_school()
{
    use summer_school::domain::offer::{Adjustment, payment_deadline};
    use summer_school::domain::status::ReviewMode;
    use summer_school::store::cohort::DecisionKind;

    use crate::cohort::{complete_draft, load_cohort_catalog, submit};
    use crate::harness::pdf_text;

    let app = crate::harness::spawn_app().await;
    let s = app.store.as_ref();
    let (_, reviewed) = load_cohort_catalog(s).await;
    let now = time::OffsetDateTime::now_utc();
    // One still a draft, one enrolled.
    let draft = complete_draft(s, &reviewed, 40).await;
    let admitted = complete_draft(s, &reviewed, 41).await;
    submit(s, &admitted, ReviewMode::Review, 41).await.unwrap();
    s.decide(
        &admitted.application_id,
        &DecisionKind::Accept {
            tier_code: None,
            adjustment: Adjustment::FullWaiver {
                reason: "Partner university".into(),
            },
            deadline: payment_deadline(now, 14),
        },
        &Actor::Cli,
        now,
    )
    .await
    .unwrap();

    // The setup's own emails go out first, so that signing in reads the link's.
    app.dispatch_pending_jobs().await;
    app.smtp
        .wait_for(2, std::time::Duration::from_secs(5))
        .await;
    // Not before a place is offered.
    app.sign_in("cohort.40@example.org").await;
    let (status, html) = app
        .page(&format!(
            "/applications/{}/visa-letter",
            draft.application_id
        ))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("once you have been offered a place"));
    assert!(!html.contains("passport_number"), "no form");

    app.sign_in("cohort.41@example.org").await;
    let id = &admitted.application_id;
    let page = format!("/applications/{id}/visa-letter");
    let (_, application) = app.page(&format!("/applications/{id}")).await;
    assert!(
        application.contains(&page),
        "the application page links to it"
    );
    let (status, form) = app.page(&page).await;
    assert_eq!(status, 200);
    assert!(
        form.contains("valid until at least 17 October 2099"),
        "{form}"
    );
    let csrf = crate::harness::csrf_of(&form);
    let fields = |number: &str, expiry_year: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("passport_name", "NGUYỄN Thị Minh Khai".to_owned()),
            ("passport_number", number.to_owned()),
            ("nationality", "VN".to_owned()),
            ("birth_date-day", "14".to_owned()),
            ("birth_date-month", "3".to_owned()),
            ("birth_date-year", "1999".to_owned()),
            ("passport_expiry-day", "1".to_owned()),
            ("passport_expiry-month", "8".to_owned()),
            ("passport_expiry-year", expiry_year.to_owned()),
        ]
    };
    let as_refs = |f: &Vec<(&'static str, String)>| -> Vec<(&'static str, String)> { f.clone() };
    let post = |f: Vec<(&'static str, String)>| {
        let page = page.clone();
        let client = app.client.clone();
        let base = app.base.clone();
        async move {
            client
                .post(format!("{base}{page}"))
                .form(&f)
                .send()
                .await
                .unwrap()
        }
    };
    let r = post(as_refs(&fields("12#4", "2099"))).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Enter the passport number as printed"));
    assert!(html.contains("valid until at least three months after the school ends"));
    assert!(
        html.contains("NGUYỄN Thị Minh Khai"),
        "what was typed is kept"
    );
    assert!(s.visa_letter(id).await.unwrap().is_none(), "nothing stored");

    let r = post(as_refs(&fields("c 1234 567", "2100"))).await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, ready) = app.page(&page).await;
    let year = now.year();
    assert!(
        ready.contains(&format!("Your letter V-{year}-00001 is ready.")),
        "{ready}"
    );
    let pdf = app.get(&format!("{page}/pdf")).await;
    assert_eq!(pdf.status().as_u16(), 200);
    let bytes = pdf.bytes().await.unwrap();
    // Signed with the signatory's signature image, as the catalog names it.
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let first = *doc.get_pages().values().next().unwrap();
    assert!(String::from_utf8_lossy(&doc.get_page_content(first)).contains("/Signature Do"));
    let text = pdf_text(&bytes).await;
    for expected in [
        "LETTER OF INVITATION",
        "NGUYỄN Thị Minh Khai",
        "C1234567",
        "Vietnam",
        "Clinical Medicine and Emergencies",
        "6–17 July 2099",
        "is enrolled",
        "Pr Claire Moreau",
        "Consulates can check this letter",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
    // The letter names where a consulate checks it; anyone can, without signing in, and sees no
    // passport data and only initials.
    let at = text.find("/verify/").expect("the verification address") + "/verify/".len();
    let code: String = text[at..].chars().take(19).collect();
    let check = |code: String| {
        let base = app.base.clone();
        async move {
            let r = reqwest::get(format!("{base}/verify/{code}")).await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let (status, verified) = check(code.clone()).await;
    assert_eq!(status, 200, "{code}");
    assert!(
        verified.contains("Invitation letter verification")
            && verified.contains("Valid: we issued this invitation letter")
            && verified.contains(&format!("V-{}-00001", now.year()))
            && verified.contains("Clinical Medicine and Emergencies"),
        "{verified}"
    );
    assert!(!verified.contains("C1234567") && !verified.contains("Minh Khai"));
    assert!(!verified.contains("cohort.41@example.org"));
    // Nobody else sees the form, the data or the letter.
    let other = TestApp::browser(&app);
    other.sign_in_as(&app, "cohort.40@example.org").await;
    for path in [page.clone(), format!("{page}/pdf")] {
        let r = other
            .client
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 404, "{path}");
    }
    // The audit trail names the letter, never the passport.
    let audit = s.audit_events("application", id).await.unwrap();
    let requested = audit
        .iter()
        .find(|e| e.action == "visa_letter.requested")
        .unwrap();
    assert!(!requested.detail.contains("C1234567"));

    // After the school (17 July 2099), the worker's sweep erases the passport data.
    let after = time::macros::date!(2099 - 07 - 18);
    assert_eq!(
        s.erase_visa_data(time::macros::date!(2099 - 07 - 17), now)
            .await
            .unwrap(),
        0
    );
    assert_eq!(s.erase_visa_data(after, now).await.unwrap(), 1);
    assert_eq!(s.erase_visa_data(after, now).await.unwrap(), 0);
    let kept = s.visa_letter(id).await.unwrap().unwrap();
    assert!(kept.passport.is_none() && kept.erased_at.is_some());
    let (_, erased) = app.page(&page).await;
    assert!(erased.contains("has been erased"), "{erased}");
    assert!(!erased.contains("C1234567"));
    assert_eq!(app.get(&format!("{page}/pdf")).await.status().as_u16(), 404);
    let audit = s.audit_events("application", id).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "visa_letter.erased"));
    // The letter stays checkable; once the place is given up, the check says it no longer stands.
    assert!(check(code.clone()).await.1.contains("Valid: we issued"));
    s.cancel_enrollment(id, "Visa refused", None, &Actor::Cli, now)
        .await
        .unwrap();
    let (_, withdrawn) = check(code).await;
    assert!(
        withdrawn.contains("No longer valid: the participant no longer has a place"),
        "{withdrawn}"
    );
    app.stop().await;
}

#[tokio::test]
async fn badges_carry_a_qr_code_that_checks_the_participant_in_for_the_day() {
    use summer_school::domain::calendar::to_paris;
    use summer_school::domain::catalog::{SHIPPED_CATALOG, parse_catalog};
    use summer_school::domain::offer::{Adjustment, payment_deadline};
    use summer_school::domain::status::ReviewMode;
    use summer_school::store::cohort::DecisionKind;
    use time::{Duration, Weekday};

    use crate::cohort::{complete_draft_at, submit_at};
    use crate::harness::pdf_text;

    let app = crate::harness::spawn_app().await;
    let s = app.store.as_ref();
    // The schools run this week and next; the window closed before they started.
    let now = time::OffsetDateTime::now_utc();
    let today = to_paris(now).date();
    let then = now - Duration::days(20);
    let text = SHIPPED_CATALOG
        .replace(
            "starts_on = 2026-07-06",
            &format!("starts_on = {}", today - Duration::days(7)),
        )
        .replace(
            "ends_on = 2026-07-17",
            &format!("ends_on = {}", today + Duration::days(7)),
        )
        .replace(
            "applications_open = 2026-01-05T09:00:00+01:00",
            "applications_open = 2020-01-01T00:00:00+01:00",
        )
        .replace(
            "applications_close = 2026-05-31T23:59:00+02:00",
            &format!(
                "applications_close = {}T23:59:00+00:00",
                today - Duration::days(10)
            ),
        );
    s.load_edition(&parse_catalog(&text).unwrap(), &Actor::Cli, now)
        .await
        .unwrap();
    let program = s
        .programs()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.edition_slug == "2026" && p.slug == "hands-on-clinical-emergencies")
        .unwrap();
    let mut people = Vec::new();
    for n in 0..3 {
        let a = complete_draft_at(s, &program, 60 + n, then).await;
        submit_at(s, &a, ReviewMode::Review, 60 + n, then)
            .await
            .unwrap();
        s.decide(
            &a.application_id,
            &DecisionKind::Accept {
                tier_code: None,
                adjustment: Adjustment::FullWaiver {
                    reason: "Faculty guest".into(),
                },
                deadline: payment_deadline(then, 14),
            },
            &Actor::Cli,
            then,
        )
        .await
        .unwrap();
        people.push(a.application_id);
    }
    let director = app
        .signed_in(
            "director@u-paris.fr",
            "program_director",
            &["2026/hands-on-clinical-emergencies"],
        )
        .await;
    let pid = &program.program_id;
    let (_, cohort) = director
        .page(&format!("/organizer/programs/{pid}/participants"))
        .await;
    assert!(cohort.contains(&format!("/organizer/programs/{pid}/badges.pdf")));
    // The last day is still to come: its boxes are shown and cannot be ticked.
    let last = *summer_school::domain::completion::school_days(program.starts_on, program.ends_on)
        .last()
        .unwrap();
    let future_box = format!(r#"value="{}|{last}""#, people[0]);
    let at = cohort.find(&future_box).expect("the last day's box");
    let input = &cohort[at..at + cohort[at..].find('>').unwrap()];
    assert!(input.contains("disabled"), "{input}");
    let r = director
        .get(&format!("/organizer/programs/{pid}/badges.pdf"))
        .await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let text = pdf_text(&r.bytes().await.unwrap()).await;
    // Long names wrap on the badge: three names, each with its number.
    assert_eq!(text.matches("Zofia Łukasiewicz").count(), 3, "{text}");
    for n in 60..63 {
        assert!(text.contains(&n.to_string()), "{text}");
    }
    assert!(text.contains("Organizers: scan to check in"));
    let badges = s.badges(pid).await.unwrap();
    assert_eq!(badges.len(), 3);
    assert!(
        !text.contains(&badges[0].token),
        "the token is in the QR code only"
    );
    assert_eq!(s.badges(pid).await.unwrap(), badges, "tokens are made once");

    let badge = badges
        .iter()
        .find(|b| b.application_id == people[0])
        .unwrap();
    let check_in = format!("/organizer/check-in/{}", badge.token);
    let (status, html) = director.page(&check_in).await;
    assert_eq!(status, 200);
    assert!(html.contains("Zofia Łukasiewicz 60"));
    let weekday = !matches!(today.weekday(), Weekday::Saturday | Weekday::Sunday);
    if weekday {
        assert!(html.contains("Not marked present today yet."));
        let r = director.submit(&check_in, &check_in, &[]).await;
        assert_eq!(r.status().as_u16(), 303);
        let (_, html) = director.page(&format!("{check_in}?done=present")).await;
        assert!(html.contains("Marked present.") && html.contains("Present today."));
        assert!(!html.contains("id=\"check-in\""), "nothing more to mark");
        let participants = s.participants(pid).await.unwrap();
        let first = participants
            .iter()
            .find(|p| p.application_id == people[0])
            .unwrap();
        assert_eq!(first.days_present, [today]);
        let others = participants
            .iter()
            .filter(|p| p.days_present.is_empty())
            .count();
        assert_eq!(others, 2, "only the scanned participant");
    } else {
        assert!(html.contains("not a school day"), "{html}");
        assert!(!html.contains("id=\"check-in\""));
        // A forged press changes nothing and claims nothing.
        let r = director.submit(&check_in, &check_in, &[]).await;
        assert_eq!(r.headers()["location"], check_in.as_str());
        let participants = s.participants(pid).await.unwrap();
        assert!(participants.iter().all(|p| p.days_present.is_empty()));
    }
    // An unknown badge is 404; a reviewer may not check in; nobody signed out may.
    assert_eq!(
        director
            .get(&format!("/organizer/check-in/{}", "0".repeat(32)))
            .await
            .status()
            .as_u16(),
        404
    );
    let reviewer = app
        .signed_in(
            "reviewer@u-paris.fr",
            "reviewer",
            &["2026/hands-on-clinical-emergencies"],
        )
        .await;
    assert_eq!(reviewer.get(&check_in).await.status().as_u16(), 403);
    let anonymous = crate::organizers::Visitor::new(&app);
    let r = anonymous.get(&check_in).await;
    assert_eq!(r.status().as_u16(), 303);
    app.stop().await;
}

#[tokio::test]
async fn the_command_line_issues_a_programs_certificates_once_and_says_who_is_skipped() {
    use summer_school::domain::completion::school_days;
    use summer_school::store::certificates::ResultEntry;

    let app = crate::harness::spawn_app().await;
    let (program, people) = app.past_cohort(2).await;
    let s = app.store.as_ref();
    for day in school_days(date!(2026 - 07 - 06), date!(2026 - 07 - 17)) {
        let marks: Vec<(String, bool)> = people.iter().map(|p| (p.clone(), true)).collect();
        s.record_attendance(
            &program,
            day,
            &marks,
            &Actor::Cli,
            time::OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
    }
    s.record_result(
        &people[0],
        &ResultEntry {
            passed: true,
            grade: None,
            afgsu_validated: Some(true),
        },
        &Actor::Cli,
        time::OffsetDateTime::now_utc(),
    )
    .await
    .unwrap();
    let dir = app.data_dir.path().join("cli");
    std::fs::create_dir_all(&dir).unwrap();
    let env = crate::harness::base_env(&app.db, &app.smtp, &dir);
    let run = |args: &[&str]| {
        let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        let env = env.clone();
        let dir = dir.clone();
        async move {
            tokio::task::spawn_blocking(move || {
                std::process::Command::new(crate::harness::binary())
                    .args(&args)
                    .current_dir(&dir)
                    .env_clear()
                    .envs(env)
                    .output()
                    .unwrap()
            })
            .await
            .unwrap()
        }
    };
    let issue = [
        "certificates",
        "issue",
        "--edition",
        "2026",
        "--program",
        "hands-on-clinical-emergencies",
    ];
    let mut dry = issue.to_vec();
    dry.push("--dry-run");
    let out = run(&dry).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("would issue  Zofia Łukasiewicz 900: attestation_of_success, afgsu2"),
        "{stdout}"
    );
    assert!(stdout.contains("would skip   Zofia Łukasiewicz 901: no result entered"));
    assert!(
        s.certificates_of(&people[0]).await.unwrap().is_empty(),
        "a dry run issues nothing"
    );

    let out = run(&issue).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("1 graduate received 2 documents"),
        "{stdout}"
    );
    assert_eq!(s.certificates_of(&people[0]).await.unwrap().len(), 2);
    let out = run(&issue).await;
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout
            .contains("0 graduates received 0 documents (each is emailed); 1 already held theirs"),
        "{stdout}"
    );
    assert_eq!(s.certificates_of(&people[0]).await.unwrap().len(), 2);

    let out = run(&[
        "certificates",
        "issue",
        "--edition",
        "2026",
        "--program",
        "nope",
    ])
    .await;
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("there is no program `nope` in edition `2026`"),
        "{err}"
    );
    app.stop().await;
}
