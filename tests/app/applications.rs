//! The application, from the program page to the applicant's page, over HTTP as a browser does it.

use std::time::Duration;

use crate::harness::{Options, TestApp, csrf_of, spawn_app_with};

const PROGRAM: &str = "/programs/demo/hands-on-clinical-emergencies";

pub(crate) async fn demo_app() -> TestApp {
    spawn_app_with(Options {
        demo: true,
        ..Options::default()
    })
    .await
}

/// Starts an application as the signed-in applicant; returns its id.
impl TestApp {
    pub(crate) async fn start_application(&self) -> String {
        let app = self;
        let (status, page) = app.page(&format!("{PROGRAM}/apply")).await;
        assert_eq!(status, 200);
        let r = app
            .post_form(&format!("{PROGRAM}/apply"), &[("csrf", &csrf_of(&page))])
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let location = r.headers()["location"].to_str().unwrap().to_owned();
        location
            .trim_start_matches("/applications/")
            .split('/')
            .next()
            .unwrap()
            .to_owned()
    }
}

impl TestApp {
    pub(crate) async fn post_step(
        &self,
        id: &str,
        step: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let app = self;
        let (status, page) = app.page(&format!("/applications/{id}/step/{step}")).await;
        assert_eq!(status, 200, "step {step}");
        let mut all = vec![("csrf", csrf_of(&page))];
        all.extend(fields.iter().map(|(k, v)| (*k, v.to_string())));
        let pairs: Vec<(&str, &str)> = all.iter().map(|(k, v)| (*k, v.as_str())).collect();
        app.post_form(&format!("/applications/{id}/step/{step}"), &pairs)
            .await
    }
}

fn identity(name: &str) -> Vec<(&'static str, String)> {
    vec![
        ("given_names", name.to_owned()),
        ("family_name", "Test".to_owned()),
        ("certificate_name", name.to_owned()),
        ("birth_date-day", "14".to_owned()),
        ("birth_date-month", "2".to_owned()),
        ("birth_date-year", "1999".to_owned()),
        ("nationality", "VN".to_owned()),
        ("residence_country", "FR".to_owned()),
    ]
}

async fn upload(
    app: &TestApp,
    id: &str,
    files: Vec<(&'static str, &'static str, Vec<u8>)>,
) -> reqwest::Response {
    let (_, page) = app.page(&format!("/applications/{id}/documents")).await;
    let mut form = reqwest::multipart::Form::new().text("csrf", csrf_of(&page));
    for (field, name, bytes) in files {
        form = form.part(
            field,
            reqwest::multipart::Part::bytes(bytes).file_name(name),
        );
    }
    app.client
        .post(format!("{}/applications/{id}/documents", app.base))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

fn pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {text}\n%%EOF\n").into_bytes()
}

impl TestApp {
    pub(crate) async fn fill_everything(&self, id: &str) {
        let app = self;
        let fields = identity("Nguyễn Thị Minh Khai");
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            app.post_step(id, "identity", &pairs)
                .await
                .status()
                .as_u16(),
            303
        );
        let r = app
            .post_step(
                id,
                "contact",
                &[
                    ("phone", "+33 6 12 34 56 78"),
                    ("address_line1", "12 rue de l'École-de-Médecine"),
                    ("address_city", "Paris"),
                    ("address_postcode", "75006"),
                    ("address_country", "FR"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let r = app
            .post_step(
                id,
                "background",
                &[
                    ("category", "medical_student"),
                    ("study_year", "5"),
                    ("institution", "Hanoi Medical University"),
                    ("institution_country", "VN"),
                    ("partner_university", "no"),
                    ("english_level", "c1"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let motivation = "I want to learn emergency medicine hands-on. ".repeat(6);
        // The Hands-on school's own question (from the catalog) decides AFGSU 2 eligibility: it is required.
        let r = app
            .post_step(id, "motivation", &[("motivation", &motivation)])
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let page = r.text().await.unwrap();
        assert!(
            page.contains("Are you a health professional")
                && page.contains("href=\"#q_health_professional\"")
        );
        assert!(
            page.contains("I want to learn emergency medicine hands-on."),
            "the motivation typed is kept"
        );
        let answered = [
            ("motivation", motivation.as_str()),
            ("q_health_professional", "yes"),
        ];
        let r = app.post_step(id, "motivation", &answered).await;
        assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
        let r = upload(
            app,
            id,
            vec![
                ("cv", "CV Nguyễn.pdf", pdf("cv")),
                ("motivation_letter", "letter.pdf", pdf("letter")),
                (
                    "proof_of_status",
                    "transcript.png",
                    b"\x89PNG\r\n\x1a\n0000".to_vec(),
                ),
            ],
        )
        .await;
        assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
        assert_eq!(
            app.post_step(id, "declaration", &[("consent", "yes")])
                .await
                .status()
                .as_u16(),
            303
        );
    }
}

#[tokio::test]
async fn an_applicant_applies_from_the_program_page_to_the_received_email() {
    let app = demo_app().await;
    let (_, program) = app.page(PROGRAM).await;
    assert!(
        program.contains(&format!("href=\"{PROGRAM}/apply\"")),
        "an Apply button while the window is open"
    );
    // Applying asks to sign in first, then comes back.
    let r = app.get(&format!("{PROGRAM}/apply")).await;
    assert_eq!(r.status().as_u16(), 303);
    app.sign_in("minh.khai@example.org").await;
    let id = app.start_application().await;
    app.fill_everything(&id).await;

    let (status, check) = app.page(&format!("/applications/{id}/check")).await;
    assert_eq!(status, 200);
    for shown in [
        "Nguyễn Thị Minh Khai",
        "14 February 1999",
        "Vietnam",
        "+33612345678",
        "Hanoi Medical University",
        "Are you a health professional",
        "CV Nguyễn.pdf",
        "transcript.png",
    ] {
        assert!(check.contains(shown), "check page lacks {shown}");
    }
    let r = app
        .post_form(
            &format!("/applications/{id}/submit"),
            &[("csrf", &csrf_of(&check))],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, page) = app.page(r.headers()["location"].to_str().unwrap()).await;
    assert!(page.contains("Application sent"));
    let reference = id[..8].to_uppercase();
    assert!(page.contains(&reference));
    assert!(page.contains("Sent, waiting for review"));

    app.dispatch_pending_jobs().await;
    let mail = app
        .smtp
        .wait_for_to("minh.khai@example.org", Duration::from_secs(5))
        .await;
    assert!(
        mail.text_body().contains(&reference),
        "{}",
        mail.text_body()
    );
    assert!(mail.text_body().contains("3 documents."));
    let (_, page) = app.page(&format!("/applications/{id}")).await;
    assert!(
        page.contains("Application sent") && page.contains("Email sent: Application received"),
        "{page}"
    );
    let (_, list) = app.page("/my-applications").await;
    assert!(list.contains("Hands-on Training in Clinical Medicine and Emergencies"));

    // The documents download for their owner only, byte for byte.
    let doc_link = page
        .split("href=\"")
        .find(|s| s.starts_with(&format!("/applications/{id}/documents/")))
        .unwrap();
    let doc_link = doc_link.split('"').next().unwrap();
    let r = app.get(doc_link).await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.bytes().await.unwrap().to_vec(), pdf("cv"));

    // A sent application cannot be edited any more; it can be withdrawn.
    let r = app.get(&format!("/applications/{id}/step/identity")).await;
    assert_eq!(r.status().as_u16(), 303);
    let r = app
        .post_form(
            &format!("/applications/{id}/withdraw"),
            &[("csrf", &csrf_of(&page))],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, page) = app.page(&format!("/applications/{id}")).await;
    assert!(page.contains("Withdrawn") && page.contains("Application withdrawn"));
    app.stop().await;
}

#[tokio::test]
async fn another_applicant_gets_404_for_an_application_its_documents_and_timeline() {
    let app = demo_app().await;
    app.sign_in("owner@example.org").await;
    let id = app.start_application().await;
    app.fill_everything(&id).await;
    let (_, page) = app.page(&format!("/applications/{id}")).await;
    let doc_link = page
        .split("href=\"")
        .find(|s| s.starts_with(&format!("/applications/{id}/documents/")))
        .unwrap();
    let doc_link = doc_link.split('"').next().unwrap().to_owned();

    let other = TestApp::browser(&app);
    other.sign_in_as(&app, "intruder@example.org").await;
    for path in [
        format!("/applications/{id}"),
        format!("/applications/{id}/check"),
        format!("/applications/{id}/step/identity"),
        format!("/applications/{id}/documents"),
        doc_link.clone(),
    ] {
        let r = other
            .client
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 404, "{path}");
    }
    app.stop().await;
}

#[tokio::test]
async fn errors_are_shown_in_the_applicants_language_with_what_they_typed() {
    let app = demo_app().await;
    app.sign_in("erreurs@example.org").await;
    let id = app.start_application().await;
    let (_, page) = app.page(&format!("/applications/{id}/step/identity")).await;
    let r = app
        .client
        .post(format!("{}/applications/{id}/step/identity", app.base))
        .header("accept-language", "fr")
        .form(&[
            ("csrf", csrf_of(&page).as_str()),
            ("given_names", "Zoë"),
            ("family_name", ""),
            ("certificate_name", "张伟"),
            ("birth_date-day", "31"),
            ("birth_date-month", "2"),
            ("birth_date-year", "1999"),
            ("nationality", "XX"),
            ("residence_country", "FR"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("<title>Erreur : Votre identité"), "{html}");
    assert!(html.contains("href=\"#family_name\"") && html.contains("href=\"#birth_date\""));
    assert!(html.contains("Saisissez un nom"));
    assert!(
        html.contains("Saisissez votre nom sous sa forme latine"),
        "the Latin-form message"
    );
    assert!(html.contains("Saisissez une date qui existe"));
    assert!(html.contains("Choisissez un pays dans la liste"));
    assert!(
        html.contains("value=\"Zoë\"")
            && html.contains("value=\"张伟\"")
            && html.contains("value=\"31\""),
        "kept"
    );
    let record = app
        .store
        .applications_of(&applicant_id(&app, &id).await)
        .await
        .unwrap();
    assert_eq!(
        record[0].form.given_names, None,
        "nothing saved from a step with errors"
    );
    app.stop().await;
}

async fn applicant_id(app: &TestApp, application_id: &str) -> String {
    let events = app
        .store
        .audit_events("application", application_id)
        .await
        .unwrap();
    events[0].actor.trim_start_matches("applicant:").to_owned()
}

#[tokio::test]
async fn names_from_every_script_the_certificates_can_print_are_stored_exactly() {
    let app = demo_app().await;
    app.sign_in("names@example.org").await;
    let id = app.start_application().await;
    let owner = applicant_id(&app, &id).await;
    for name in [
        "Hélène Dupont-Moreau",
        "Łukasz Żółkiewski",
        "Nguyễn Thị Minh Khai",
        "Γεώργιος Παπαδόπουλος",
        "Анна Кузнецова",
        "Seán O'Brien-Ní Dhomhnaill",
        "Jean-Luc d’Arcy",
    ] {
        let fields = identity(name);
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = app.post_step(&id, "identity", &pairs).await;
        assert_eq!(r.status().as_u16(), 303, "{name} refused");
        let stored = app.store.application(&owner, &id).await.unwrap();
        assert_eq!(stored.form.certificate_name.as_deref(), Some(name));
        assert_eq!(stored.form.given_names.as_deref(), Some(name));
    }
    for unprintable in ["张伟", "محمد", "Արամ", "דוד"] {
        let mut fields = identity("Valid Name");
        fields[2].1 = unprintable.to_owned();
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = app.post_step(&id, "identity", &pairs).await;
        assert_eq!(r.status().as_u16(), 422, "{unprintable}");
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("Enter your name in its Latin form")
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn a_disguised_executable_and_an_11_mb_file_are_refused_and_nothing_is_stored() {
    let app = demo_app().await;
    app.sign_in("files@example.org").await;
    let id = app.start_application().await;
    let owner = applicant_id(&app, &id).await;
    let exe = b"MZ\x90\x00\x03\x00\x00\x00this program cannot be run in DOS mode".to_vec();
    let r = upload(&app, &id, vec![("cv", "cv.pdf", exe)]).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("The file must be a PDF, JPEG or PNG")
    );

    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(11 * 1024 * 1024, b'0');
    let r = upload(&app, &id, vec![("motivation_letter", "letter.pdf", big)]).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("The file must be smaller than 10 MB")
    );

    assert!(
        app.store
            .application(&owner, &id)
            .await
            .unwrap()
            .documents
            .is_empty()
    );
    let uploads = app.data_dir.path().join("uploads");
    let stored = std::fs::read_dir(uploads.join("documents"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(stored, 0, "no file kept");
    app.stop().await;
}

#[tokio::test]
async fn one_application_per_program_and_only_while_applications_are_open() {
    let app = demo_app().await;
    app.sign_in("once@example.org").await;
    let first = app.start_application().await;
    let (_, page) = app.page(&format!("{PROGRAM}/apply")).await;
    let r = app
        .post_form(&format!("{PROGRAM}/apply"), &[("csrf", &csrf_of(&page))])
        .await;
    assert_eq!(
        r.headers()["location"].to_str().unwrap(),
        format!("/applications/{first}"),
        "back to the one they have"
    );

    // The 2026 schools are over: their window is closed.
    let (status, closed) = app.page("/programs/2026/ai-digital-innovation/apply").await;
    assert_eq!(status, 200);
    assert!(closed.contains("Applications for this school are not open"));
    assert!(!closed.contains("Start your application"));
    let r = app
        .post_form(
            "/programs/2026/ai-digital-innovation/apply",
            &[("csrf", &csrf_of(&page))],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let owner = applicant_id(&app, &first).await;
    assert_eq!(
        app.store.applications_of(&owner).await.unwrap().len(),
        1,
        "no application opened"
    );
    app.stop().await;
}

#[tokio::test]
async fn an_applicant_can_ask_for_a_reduced_fee_with_its_proof() {
    use summer_school::domain::catalog::{
        ApplicantCategory, FeeTierSpec, LocalizedText, SHIPPED_CATALOG, Slug, parse_catalog,
    };
    use summer_school::domain::money::Money;
    let app = demo_app().await;
    // An edition whose AI school also offers a reduced fee to medical students.
    let now = time::OffsetDateTime::now_utc();
    let mut spec = summer_school::domain::demo::demo_edition(
        &parse_catalog(SHIPPED_CATALOG).unwrap(),
        now.date(),
    );
    spec.slug = Slug::parse("edition.slug", "reduced").unwrap();
    spec.programs[0].fee_tiers.push(FeeTierSpec {
        code: Slug::parse("code", "medical-student").unwrap(),
        label: LocalizedText {
            en: "Medical students".into(),
            fr: "Étudiants en médecine".into(),
        },
        amount: Money::eur(200_000).unwrap(),
        standard: false,
        category: Some(ApplicantCategory::MedicalStudent),
        partner_only: false,
        available_until: None,
    });
    let actor = summer_school::domain::audit::Actor::System;
    app.store.load_edition(&spec, &actor, now).await.unwrap();
    app.invalidate_catalog();

    app.sign_in("reduced@example.org").await;
    let (_, page) = app
        .page("/programs/reduced/ai-digital-innovation/apply")
        .await;
    let r = app
        .post_form(
            "/programs/reduced/ai-digital-innovation/apply",
            &[("csrf", &csrf_of(&page))],
        )
        .await;
    let id = r.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/applications/")
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let background = [
        ("category", "medical_student"),
        ("study_year", "4"),
        ("institution", "Université de Montréal"),
        ("institution_country", "CA"),
        ("partner_university", "yes"),
        ("english_level", "b2"),
    ];
    let r = app.post_step(&id, "background", &background).await;
    assert_eq!(
        r.status().as_u16(),
        422,
        "the fee question is asked when there are several tiers"
    );
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Which fee do you ask for?") && html.contains("Medical students: €2,000"),
        "{html}"
    );
    let mut with_tier = background.to_vec();
    with_tier.push(("requested_fee_tier", "medical-student"));
    assert_eq!(
        app.post_step(&id, "background", &with_tier)
            .await
            .status()
            .as_u16(),
        303
    );

    // The proof is now one of the documents to upload.
    let r = upload(
        &app,
        &id,
        vec![
            ("cv", "cv.pdf", pdf("cv")),
            ("motivation_letter", "l.pdf", pdf("l")),
            ("proof_of_status", "p.pdf", pdf("p")),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("Proof for a reduced fee"));
    let r = upload(
        &app,
        &id,
        vec![(
            "fee_proof",
            "student card.jpg",
            vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3],
        )],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, check) = app.page(&format!("/applications/{id}/check")).await;
    assert!(check.contains("Medical students: €2,000") && check.contains("student card.jpg"));
    app.stop().await;
}

/// Makes the demo Hands-on school first come, first served, with one seat.
impl TestApp {
    pub(crate) async fn one_seat_first_come(&self) {
        let app = self;
        use summer_school::domain::audit::Actor;
        use summer_school::domain::catalog::{SHIPPED_CATALOG, parse_catalog};
        use summer_school::domain::demo::demo_edition;
        use summer_school::domain::status::ReviewMode;
        let now = time::OffsetDateTime::now_utc();
        let mut spec = demo_edition(&parse_catalog(SHIPPED_CATALOG).unwrap(), now.date());
        let hands_on = spec
            .programs
            .iter_mut()
            .find(|p| p.slug.as_str() == "hands-on-clinical-emergencies")
            .unwrap();
        hands_on.review_mode = ReviewMode::FirstCome;
        hands_on.capacity = 1;
        app.store
            .load_edition(&spec, &Actor::Cli, now)
            .await
            .unwrap();
        app.invalidate_catalog();
    }
}

impl TestApp {
    pub(crate) async fn apply_and_send(&self, email: &str) -> String {
        let app = self;
        app.sign_in(email).await;
        let id = app.start_application().await;
        app.fill_everything(&id).await;
        let (_, check) = app.page(&format!("/applications/{id}/check")).await;
        let r = app
            .post_form(
                &format!("/applications/{id}/submit"),
                &[("csrf", &csrf_of(&check))],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        id
    }
}

#[tokio::test]
async fn first_come_takes_the_seat_at_once_and_a_decline_passes_it_down_the_waitlist() {
    let app = demo_app().await;
    app.one_seat_first_come().await;
    let first = app.apply_and_send("first@example.org").await;
    let (_, page) = app.page(&format!("/applications/{first}")).await;
    assert!(
        page.contains("Accepted: pay to confirm your place"),
        "{page}"
    );
    assert!(page.contains("Please pay €3,100 by"), "{page}");
    assert!(page.contains("Decline the offer"), "{page}");

    let second = app.apply_and_send("second@example.org").await;
    let (_, page) = app.page(&format!("/applications/{second}")).await;
    assert!(page.contains("You are first on the waitlist"), "{page}");
    let standing: serde_json::Value = app
        .client
        .get(format!(
            "{}/api/v1/applications/{second}/standing",
            app.base
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(standing["waitlist_position"], 1, "{standing}");
    assert!(standing["offer"].is_null(), "{standing}");

    app.dispatch_pending_jobs().await;
    let offer = app
        .smtp
        .wait_for_to("first@example.org", Duration::from_secs(5))
        .await;
    let mails: Vec<String> = app
        .smtp
        .wait_for(6, Duration::from_secs(5))
        .await
        .iter()
        .filter_map(|m| m.header("Subject"))
        .collect();
    assert!(
        mails.iter().any(|s| s.contains("A place for you"))
            && mails.iter().any(|s| s.contains("On the waitlist")),
        "{mails:?}"
    );
    assert!(offer.rcpt_to().contains("first@example.org"));

    // The first declines: the seat goes to the second at once, with an email.
    app.sign_in("first@example.org").await;
    let (_, page) = app.page(&format!("/applications/{first}")).await;
    let r = app
        .post_form(
            &format!("/applications/{first}/withdraw"),
            &[("csrf", &csrf_of(&page))],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, page) = app.page(&format!("/applications/{first}")).await;
    assert!(page.contains("Withdrawn"), "{page}");
    app.sign_in("second@example.org").await;
    let (_, page) = app.page(&format!("/applications/{second}")).await;
    assert!(page.contains("Please pay €3,100 by"), "{page}");
    assert!(page.contains("A place was offered"), "{page}");
    app.dispatch_pending_jobs().await;
    let subjects: Vec<String> = app
        .smtp
        .messages()
        .iter()
        .filter(|m| m.rcpt_to().contains("second@example.org"))
        .filter_map(|m| m.header("Subject"))
        .collect();
    assert!(
        subjects
            .iter()
            .filter(|s| s.contains("A place for you"))
            .count()
            == 1,
        "{subjects:?}"
    );
    app.stop().await;
}

/// Uploads are read by one extractor too: every part, then the token, before the handler looks at
/// a file. A forged or missing token stores nothing; the right one stores the file.
#[tokio::test]
async fn an_upload_is_checked_for_its_token_before_its_files_are_kept() {
    let app = demo_app().await;
    app.sign_in("uploader@example.org").await;
    let id = app.start_application().await;
    let send = |token: Option<&str>| {
        let mut form = reqwest::multipart::Form::new();
        if let Some(t) = token {
            form = form.text("csrf", t.to_owned());
        }
        let form = form.part(
            "cv",
            reqwest::multipart::Part::bytes(pdf("cv")).file_name("cv.pdf"),
        );
        app.client
            .post(format!("{}/applications/{id}/documents", app.base))
            .multipart(form)
            .send()
    };
    for token in [None, Some("forged")] {
        let r = send(token).await.unwrap();
        assert_eq!(r.status().as_u16(), 403, "token {token:?}");
        assert!(r.text().await.unwrap().contains("This form has expired"));
    }
    // Not multipart at all: no token either.
    let r = app
        .client
        .post(format!("{}/applications/{id}/documents", app.base))
        .header("content-type", "text/plain")
        .body("cv.pdf")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let (_, page) = app.page(&format!("/applications/{id}/documents")).await;
    assert!(!page.contains("cv.pdf"), "nothing was kept: {page}");

    let r = send(Some(&csrf_of(&page))).await.unwrap();
    assert_eq!(
        r.status().as_u16(),
        422,
        "kept, and the other documents still asked for"
    );
    let (_, page) = app.page(&format!("/applications/{id}/documents")).await;
    assert!(page.contains("cv.pdf"), "the file is kept: {page}");
    app.stop().await;
}
