//! Certificates: issued (numbered, signed, stored), found by their public code, corrected by a
//! superseding certificate, revoked; the public verification page and key; the PDF read back.

use summer_school::domain::audit::Actor;
use summer_school::domain::certificate::{
    CertificateRecord, Course, Holder, Issuer, Outcome, Translation, afgsu_valid_until,
};
use summer_school::domain::locale::Locale;
use summer_school::domain::status::CertificateKind;
use summer_school::store::StoreError;
use summer_school::store::certificates::{CertificateDraft, StoredCertificate};
use time::macros::date;

use crate::applications::demo_app;
use crate::harness::{Options, TestApp, spawn_app_with};

pub(crate) fn record(name: &str, kind: CertificateKind) -> CertificateRecord {
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
            workload_hours: None,
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
        translation: Some(Translation {
            locale: Locale::Fr,
            title: "Formation pratique en médecine clinique et aux urgences".into(),
            language: "anglais".into(),
            outcomes: vec!["Prendre en charge un arrêt cardiaque en équipe".into()],
            faculty: "UFR de Médecine".into(),
            signatory_title: "Doyenne".into(),
        }),
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
        // What the paper says, to compare it with: hours, credits, the result.
        "60 contact hours",
        "ECTS credits",
        "Passed",
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
    // A PDF signature over the whole file, as Poppler reads it; any change afterwards breaks it.
    let (valid, said) = crate::harness::pdfsig(&pdf);
    assert!(valid, "{said}");
    assert!(said.contains("ETSI.CAdES.detached"), "{said}");
    for (how, changed) in crate::harness::tamperings(&pdf) {
        let (valid, said) = crate::harness::pdfsig(&changed);
        assert!(!valid, "{how}: still valid: {said}");
    }
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
    assert!(
        badge["proof"].is_array(),
        "a set of proofs, as OB 3.0 wants"
    );
    // The issuer's profile is the controller document of the key the proof names.
    // (The app's public address is not where this test reaches it.)
    let local = |url: &str| url.replacen(&app.config.public_url, &app.base, 1);
    let issuer: serde_json::Value = anonymous
        .get(local(badge["issuer"]["id"].as_str().unwrap()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(issuer["id"], badge["issuer"]["id"]);
    assert_eq!(
        issuer["assertionMethod"][0],
        badge["proof"][0]["verificationMethod"]
    );
    assert_eq!(
        issuer["verificationMethod"][0]["id"],
        issuer["assertionMethod"][0]
    );
    assert_eq!(issuer["verificationMethod"][0]["controller"], issuer["id"]);
    // Its place in the revocation list, not set while it stands.
    let status = &badge["credentialStatus"];
    assert_eq!(status["type"], "BitstringStatusListEntry");
    let place: i64 = status["statusListIndex"].as_str().unwrap().parse().unwrap();
    let list_url = local(status["statusListCredential"].as_str().unwrap());
    let revoked_places = async || -> Vec<i64> {
        let list: serde_json::Value = anonymous
            .get(&list_url)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            summer_school::domain::badge::verify_proof(&list, &key),
            Ok(true),
            "the list is signed by the issuer"
        );
        summer_school::domain::badge::decode_list(
            list["credentialSubject"]["encodedList"].as_str().unwrap(),
        )
        .unwrap()
    };
    let before = revoked_places().await;
    assert!(!before.contains(&place), "{before:?}");
    assert_eq!(
        before.len(),
        1,
        "the one it corrected is revoked: {before:?}"
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
    assert!(
        revoked_places().await.contains(&place),
        "the revocation is in the published list at once"
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
    // And the published X.509 certificate is the one the file's PDF signature names.
    let seal = summer_school::documents::seal::check(&pdf).unwrap();
    assert_eq!(
        key["pdfSigningCertificateSha256"].as_str(),
        Some(seal.certificate_sha256.as_str())
    );
    assert!(
        key["pdfSigningCertificate"]
            .as_str()
            .unwrap()
            .starts_with("-----BEGIN CERTIFICATE-----")
    );
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

/// Badges as outside verifiers read them: Digital Bazaar's `@digitalbazaar/vc` with the
/// eddsa-jcs-2022 cryptosuite and its Bitstring Status List checker, and 1EdTech's Open Badges 3.0
/// schema (`tests/badges/verify.mjs`), every address resolved from the running app. A standing
/// badge verifies and is not revoked; a revoked one and a replaced one verify as issued and show
/// revoked.
#[tokio::test]
async fn badges_pass_digital_bazaars_verifier_and_1edtechs_schema_and_show_their_revocation() {
    let app = spawn_app_with(Options {
        demo: true,
        reachable_public_url: true,
        ..Options::default()
    })
    .await;
    let badge = async |email: &str, id: &str, code: &str| -> serde_json::Value {
        app.sign_in(email).await;
        let r = app
            .get(&format!("/applications/{id}/certificates/{code}/badge"))
            .await;
        assert_eq!(r.status().as_u16(), 200);
        r.json().await.unwrap()
    };
    let graduate = "badge.graduate@example.org";
    let id = app.apply_and_send(graduate).await;
    let replaced = issue(
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
    let replaced_badge = badge(graduate, &id, &replaced.record.verification_code).await;
    let mut corrected = record(
        "Nguyễn Thị Minh Khai",
        CertificateKind::AttestationOfSuccess,
    );
    corrected.outcome.grade = Some("16/20".into());
    let corrected = issue(
        &app,
        &id,
        corrected,
        Some(replaced.record.verification_code.clone()),
    )
    .await
    .unwrap();
    let corrected_badge = badge(graduate, &id, &corrected.record.verification_code).await;
    let mut afgsu = record("Γεώργιος Παπαδόπουλος", CertificateKind::Afgsu2);
    afgsu.course.ects = 0;
    afgsu.valid_until = Some(afgsu_valid_until(afgsu.course.ends_on));
    let afgsu = issue(&app, &id, afgsu, None).await.unwrap();
    let afgsu_badge = badge(graduate, &id, &afgsu.record.verification_code).await;
    let other = "badge.revoked@example.org";
    let other_id = app.apply_and_send(other).await;
    let revoked = issue(
        &app,
        &other_id,
        record("Anna Kuznetsova", CertificateKind::AttestationOfSuccess),
        None,
    )
    .await
    .unwrap();
    let revoked_badge = badge(other, &other_id, &revoked.record.verification_code).await;
    app.store
        .revoke_certificate(
            &revoked.record.verification_code,
            "Issued in error",
            &Actor::Cli,
            time::OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();

    let said = crate::harness::verify_badges(
        &app.base,
        &[corrected_badge, afgsu_badge, replaced_badge, revoked_badge],
    )
    .await;
    for (one, revoked) in said.iter().zip([false, false, true, true]) {
        assert_eq!(one["schemaValid"], true, "1EdTech's schema: {one}");
        assert_eq!(one["verified"], true, "Digital Bazaar's verifier: {one}");
        assert_eq!(one["revoked"], revoked, "the status list: {one}");
    }
}

/// One signed record, two pages: the graduate downloads the certificate in English and in French,
/// both carry the same record (and verify with it), both are PDF-signed; a language the record does
/// not hold is not offered.
#[tokio::test]
async fn a_certificate_downloads_in_english_and_in_french_from_one_signed_record() {
    let app = demo_app().await;
    let email = "bilingual@example.org";
    let id = app.apply_and_send(email).await;
    let mut r = record("Anna Kuznetsova", CertificateKind::AttestationOfSuccess);
    r.outcome.grade = Some("17/20".into());
    let issued = issue(&app, &id, r, None).await.unwrap();
    let code = issued.record.verification_code.clone();
    app.sign_in(email).await;
    let (status, page) = app.page("/certificates").await;
    assert_eq!(status, 200);
    let base = format!("/applications/{id}/certificates/{code}/pdf");
    for (lang, label) in [
        ("en", "Download in English (PDF)"),
        ("fr", "Download in French (PDF)"),
    ] {
        assert!(
            page.contains(&format!("href=\"{base}/{lang}\"")) && page.contains(label),
            "{lang}: {page}"
        );
    }
    let key = summer_school::startup::signing_key(&app.config)
        .unwrap()
        .verifying_key();
    for (lang, title, not) in [
        (
            "en",
            "Hands-on Training in Clinical Medicine and Emergencies",
            "Formation pratique",
        ),
        (
            "fr",
            "Formation pratique en médecine clinique et aux urgences",
            "Hands-on Training",
        ),
    ] {
        let r = app.get(&format!("{base}/{lang}")).await;
        assert_eq!(r.status().as_u16(), 200, "{lang}");
        let disposition = r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_owned();
        let pdf = r.bytes().await.unwrap();
        let text = crate::harness::pdf_text(&pdf).await;
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains(title) && !flat.contains(not),
            "{lang}: {flat}"
        );
        assert!(flat.contains("17/20"), "{lang}: {flat}");
        let (embedded, signature) =
            summer_school::documents::certificate::read_embedded(&pdf).unwrap();
        assert_eq!(embedded, issued.record, "{lang}: the one signed record");
        assert!(embedded.verify(&key, &signature));
        let checked = summer_school::documents::certificate::check_file(&pdf, &key);
        assert!(checked.is_ok(), "{lang}: {checked:?}");
        let (valid, said) = crate::harness::pdfsig(&pdf);
        assert!(valid, "{lang}: {said}");
        if lang == "fr" {
            assert!(
                disposition.contains("UPC-SS-2026-HO-0001-fr.pdf"),
                "{disposition}"
            );
        }
    }
    // The plain address is the graduate's own language.
    let own = app.get(&base).await.bytes().await.unwrap();
    assert!(
        crate::harness::pdf_text(&own)
            .await
            .contains("Hands-on Training")
    );
    assert_eq!(app.get(&format!("{base}/de")).await.status().as_u16(), 404);

    // A record issued before certificates were bilingual holds one language: only it is offered.
    let other = "monolingual@example.org";
    let other_id = app.apply_and_send(other).await;
    let mut old = record("Jan Kowalski", CertificateKind::AttestationOfSuccess);
    old.translation = None;
    let old = issue(&app, &other_id, old, None).await.unwrap();
    app.sign_in(other).await;
    let old_base = format!(
        "/applications/{other_id}/certificates/{}/pdf",
        old.record.verification_code
    );
    let (_, page) = app.page("/certificates").await;
    assert!(page.contains(&format!("{old_base}/en")), "{page}");
    assert!(!page.contains(&format!("{old_base}/fr")), "{page}");
    assert_eq!(
        app.get(&format!("{old_base}/fr")).await.status().as_u16(),
        404
    );
}
