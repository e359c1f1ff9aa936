//! The demo (`serve --demo`): seeded once with people at every stage and in every role, numbered in
//! series of its own, and a `/demo` page that signs in as its people and nobody else. On SQLite, and
//! on Postgres when `TEST_DATABASE_URL` is set.

use summer_school::demo::SeedOutcome;
use summer_school::domain::audit::Actor;
use summer_school::domain::demo::{DEMO_APPLICANTS, DEMO_ORGANIZERS, Stage, demo_graduate};
use summer_school::domain::email::EmailAddress;
use summer_school::domain::status::{
    ApplicationStatus, CertificateKind, CertificateStatus, OrganizerRole, ReviewMode,
};
use summer_school::startup;
use summer_school::store::NewOrganizer;
use summer_school::store::demo::{DemoAccounts, DemoApplicantAccount, DemoDocumentKind};
use time::OffsetDateTime;

use crate::cohort::{complete_draft, load_cohort_catalog, submit};
use crate::harness::{Options, TestApp, csrf_of, spawn_app, spawn_app_with};

async fn demo_app() -> TestApp {
    spawn_app_with(Options {
        full_demo: true,
        ..Options::default()
    })
    .await
}

/// Presses a *Sign in as …* button of `/demo`: `who` is `organizer/{id}` or `applicant/{id}`.
async fn sign_in_from_demo(app: &TestApp, who: &str) -> reqwest::Response {
    let html = app.get("/demo").await.text().await.unwrap();
    let csrf = csrf_of(&html);
    app.post_form(&format!("/demo/sign-in/{who}"), &[("csrf", &csrf)])
        .await
}

/// The demo applicant whose story stops at `stage`.
fn applicant_at(accounts: &DemoAccounts, stage: Stage) -> &DemoApplicantAccount {
    let person = DEMO_APPLICANTS.iter().find(|a| a.stage == stage).unwrap();
    accounts
        .applicants
        .iter()
        .find(|a| a.email == person.email())
        .unwrap()
}

fn year() -> i32 {
    OffsetDateTime::now_utc().year()
}

#[tokio::test]
async fn the_demo_is_seeded_once_and_a_second_start_changes_nothing() {
    let app = demo_app().await;
    // What the seeding queued (receipts, emails) is done, as a running server would do it.
    app.dispatch_pending_jobs().await;
    let first = app.store.census().await.unwrap();
    let catalog = startup::read_catalog(None).unwrap();
    let again = startup::seed_demo(&app.config, app.store.as_ref(), &catalog)
        .await
        .unwrap();
    assert_eq!(again, SeedOutcome::AlreadySeeded);
    app.dispatch_pending_jobs().await;
    assert_eq!(app.store.census().await.unwrap(), first, "the same rows");

    // One organizer per role, every applicant of the cast, each at their stage.
    let accounts = app.store.demo_accounts().await.unwrap();
    let roles: Vec<OrganizerRole> = accounts.organizers.iter().map(|o| o.role).collect();
    assert_eq!(roles, OrganizerRole::ALL.to_vec());
    assert_eq!(accounts.applicants.len(), DEMO_APPLICANTS.len());
    for person in &DEMO_APPLICANTS {
        let account = accounts
            .applicants
            .iter()
            .find(|a| a.email == person.email())
            .unwrap_or_else(|| panic!("{} is seeded", person.email()));
        assert_eq!(account.applications.len(), 1, "{}", person.email());
        let (edition, _, status) = &account.applications[0];
        assert_eq!(edition, person.stage.edition().slug());
        let expected = match person.stage {
            Stage::Draft => ApplicationStatus::Draft,
            Stage::Submitted => ApplicationStatus::Submitted,
            Stage::UnderReview => ApplicationStatus::UnderReview,
            Stage::Waitlisted => ApplicationStatus::Waitlisted,
            Stage::Offered => ApplicationStatus::Accepted,
            Stage::Enrolled | Stage::Absent => ApplicationStatus::Enrolled,
            Stage::Rejected => ApplicationStatus::Rejected,
            Stage::Withdrawn => ApplicationStatus::Withdrawn,
            Stage::Graduated | Stage::GraduatedWithVisa | Stage::Corrected | Stage::Revoked => {
                ApplicationStatus::Completed
            }
        };
        assert_eq!(*status, expected, "{}", person.email());
    }

    // The past cohort's documents: success and AFGSU 2 for four graduates, one replaced by a
    // correction, one revoked, and two visa letters; every number in the demo's own series.
    let documents = app.store.demo_documents().await.unwrap();
    let count = |what: DemoDocumentKind| documents.iter().filter(|d| d.what == what).count();
    use CertificateKind::{Afgsu2, AttestationOfSuccess as Success};
    use CertificateStatus::{Issued, Revoked, Superseded};
    assert_eq!(count(DemoDocumentKind::Certificate(Success, Issued)), 3);
    assert_eq!(count(DemoDocumentKind::Certificate(Success, Superseded)), 1);
    assert_eq!(count(DemoDocumentKind::Certificate(Success, Revoked)), 1);
    assert_eq!(count(DemoDocumentKind::Certificate(Afgsu2, Issued)), 4);
    assert_eq!(count(DemoDocumentKind::VisaLetter), 2);
    for d in &documents {
        assert!(d.number.starts_with("DEMO-"), "{}", d.number);
    }
    // The paid ones have receipts, numbered DEMO-R-.
    let graduate = accounts
        .applicants
        .iter()
        .find(|a| a.email == demo_graduate().email())
        .unwrap();
    let applications = app
        .store
        .applications_of(&graduate.applicant_id)
        .await
        .unwrap();
    let receipts = app
        .store
        .receipts(&applications[0].application_id)
        .await
        .unwrap();
    assert_eq!(receipts.len(), 1);
    assert!(
        receipts[0]
            .number
            .starts_with(&format!("DEMO-R-{}-", year())),
        "{}",
        receipts[0].number
    );
}

#[tokio::test]
async fn a_real_payment_and_letter_after_the_demo_take_the_first_real_numbers() {
    let app = demo_app().await;
    app.dispatch_pending_jobs().await;
    let s = app.store.as_ref();
    let (first_come, _) = load_cohort_catalog(s).await;
    let a = complete_draft(s, &first_come, 7).await;
    submit(s, &a, ReviewMode::FirstCome, 7).await.unwrap();
    let now = OffsetDateTime::now_utc();
    let start = s
        .start_payment(&a.applicant_id, &a.application_id, "simulated", now)
        .await
        .unwrap();
    s.attach_checkout(
        &start.payment_id,
        "sim_real",
        "/checkout",
        now + time::Duration::hours(1),
        now,
    )
    .await
    .unwrap();
    let paid = summer_school::domain::payment::PaymentEvent {
        provider: "simulated".into(),
        event_id: "evt_real".into(),
        session: Some("sim_real".into()),
        intent: None,
        refund: None,
        order_id: None,
        amount_cents: Some(start.amount_cents),
        currency: Some(start.currency.clone()),
        refunded_total_cents: None,
        kind: summer_school::domain::payment::PaymentEventKind::Completed { paid: true },
    };
    s.apply_payment_event(&paid, now).await.unwrap();
    app.dispatch_pending_jobs().await;
    let receipts = s.receipts(&a.application_id).await.unwrap();
    assert_eq!(receipts[0].number, format!("R-{}-00001", year()));

    let passport = summer_school::domain::visa::PassportData {
        name: "REAL PERSON".into(),
        number: "X1234567".into(),
        nationality: summer_school::domain::countries::CountryCode::parse("BR").unwrap(),
        birth_date: time::macros::date!(1999 - 01 - 01),
        expires_on: time::macros::date!(2100 - 01 - 01),
    };
    let letter = s
        .request_visa_letter(&a.applicant_id, &a.application_id, &passport, now)
        .await
        .unwrap();
    assert_eq!(letter.number, format!("V-{}-00001", year()));
}

#[tokio::test]
async fn without_the_demo_there_is_no_demo_page_and_no_demo_people() {
    let app = spawn_app().await;
    assert_eq!(app.get("/demo").await.status(), 404);
    let refused = app
        .post_form("/demo/sign-in/organizer/anyone", &[("csrf", "x")])
        .await;
    assert_eq!(refused.status(), 404);
    assert!(
        app.store
            .demo_accounts()
            .await
            .unwrap()
            .organizers
            .is_empty()
    );
    let home = app.get("/").await.text().await.unwrap();
    assert!(!home.contains("href=\"/demo\""), "no banner");
}

#[tokio::test]
async fn the_demo_page_signs_in_as_its_people_and_nobody_else() {
    let app = demo_app().await;
    let page = app.get("/demo").await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["cache-control"], "no-store");
    let html = page.text().await.unwrap();
    for o in &DEMO_ORGANIZERS {
        assert!(html.contains(o.name), "{}", o.name);
    }
    for a in &DEMO_APPLICANTS {
        assert!(html.contains(a.certificate_name), "{}", a.certificate_name);
    }
    assert!(html.contains("DEMO-UPC-SS-") && html.contains("DEMO-V-"));
    let csrf = csrf_of(&html);
    let accounts = app.store.demo_accounts().await.unwrap();
    let director = accounts
        .organizers
        .iter()
        .find(|o| o.role == OrganizerRole::ProgramDirector)
        .unwrap();

    // Without the form's token: refused, nobody signed in.
    let forged = app
        .post_form(
            &format!("/demo/sign-in/organizer/{}", director.organizer_id),
            &[("csrf", "forged")],
        )
        .await;
    assert_eq!(forged.status(), 403);

    let signed_in = app
        .post_form(
            &format!("/demo/sign-in/organizer/{}", director.organizer_id),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(signed_in.status(), 303);
    assert_eq!(signed_in.headers()["location"], "/organizer");
    let dashboard = app.get("/organizer").await.text().await.unwrap();
    assert!(dashboard.contains("Pr Amadou Diallo"), "{dashboard}");
    assert!(dashboard.contains("Demo"), "{dashboard}");

    // A real organizer cannot be signed in as from the demo page.
    let real = app
        .store
        .create_organizer(
            &NewOrganizer {
                organization_slug: "upcite-medecine".into(),
                email: EmailAddress::parse("real.admin@u-paris.fr").unwrap(),
                display_name: "Real Admin".into(),
                role: OrganizerRole::Admin,
                password_hash: "$argon2id$unusable".into(),
                programs: Vec::new(),
            },
            &summer_school::email::render::test_message(
                summer_school::i18n::Tr(Default::default()),
                &EmailAddress::parse("real.admin@u-paris.fr").unwrap(),
                &app.base,
            ),
            &Actor::Cli,
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
    let refused = sign_in_from_demo(&app, &format!("organizer/{real}")).await;
    assert_eq!(refused.status(), 404);

    // Five wrong passwords lock a demo account as any other; the demo page then says so.
    let reviewer = accounts
        .organizers
        .iter()
        .find(|o| o.role == OrganizerRole::Reviewer)
        .unwrap();
    let other = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap();
    for _ in 0..5 {
        let url = format!("{}/organizer/sign-in", app.base);
        let form = other.get(&url).send().await.unwrap().text().await.unwrap();
        let token = csrf_of(&form);
        let fields = [
            ("csrf", token.as_str()),
            ("email", reviewer.email.as_str()),
            ("password", "not the demo password"),
        ];
        other.post(&url).form(&fields).send().await.unwrap();
    }
    let locked = sign_in_from_demo(&app, &format!("organizer/{}", reviewer.organizer_id)).await;
    assert_eq!(locked.status(), 409);
    let text = locked.text().await.unwrap();
    assert!(
        text.contains("This demo account is locked for now"),
        "{text}"
    );

    // The demo graduate lands on their certificates, numbered and labelled as the demo's.
    let graduate = accounts
        .applicants
        .iter()
        .find(|a| a.email == demo_graduate().email())
        .unwrap();
    let to_certificates =
        sign_in_from_demo(&app, &format!("applicant/{}", graduate.applicant_id)).await;
    assert_eq!(to_certificates.status(), 303);
    assert_eq!(to_certificates.headers()["location"], "/certificates");
    // Their receipt, as they download it, says DEMO across the page.
    let application = &app
        .store
        .applications_of(&graduate.applicant_id)
        .await
        .unwrap()[0];
    app.dispatch_pending_jobs().await;
    let receipt = &app
        .store
        .receipts(&application.application_id)
        .await
        .unwrap()[0];
    let path = format!(
        "/applications/{}/receipts/{}.pdf",
        application.application_id, receipt.number
    );
    assert_demo_pdf(&app, &path).await;
    let certificates = app.get("/certificates").await.text().await.unwrap();
    assert!(
        certificates.contains("DEMO-UPC-SS-") && certificates.contains("AFGSU 2"),
        "{certificates}"
    );
    // An applicant of the draft stage lands on their applications.
    let drafter = accounts
        .applicants
        .iter()
        .find(|a| a.email == DEMO_APPLICANTS[0].email())
        .unwrap();
    let mine = sign_in_from_demo(&app, &format!("applicant/{}", drafter.applicant_id)).await;
    assert_eq!(mine.headers()["location"], "/my-applications");
    let list = app.get("/my-applications").await.text().await.unwrap();
    assert!(list.contains(&DEMO_APPLICANTS[0].email()), "{list}");

    // The enrolled applicant's visa letter says DEMO across the page too (the graduate's passport
    // data is erased, as after any school that is over).
    let enrolled = applicant_at(&accounts, Stage::Enrolled);
    sign_in_from_demo(&app, &format!("applicant/{}", enrolled.applicant_id)).await;
    let application = &app
        .store
        .applications_of(&enrolled.applicant_id)
        .await
        .unwrap()[0];
    let path = format!(
        "/applications/{}/visa-letter/pdf",
        application.application_id
    );
    assert_demo_pdf(&app, &path).await;
}

async fn assert_demo_pdf(app: &TestApp, path: &str) {
    let pdf = app.get(path).await;
    assert_eq!(pdf.status(), 200, "{path}");
    let text = crate::harness::pdf_text(&pdf.bytes().await.unwrap()).await;
    assert!(
        text.contains("DEMO — NOT A REAL DOCUMENT"),
        "{path}: {text}"
    );
}

#[tokio::test]
async fn demo_documents_say_demo_on_the_page_and_in_their_signed_record() {
    let app = demo_app().await;
    let documents = app.store.demo_documents().await.unwrap();
    let success = documents
        .iter()
        .find(|d| {
            d.what
                == DemoDocumentKind::Certificate(
                    CertificateKind::AttestationOfSuccess,
                    CertificateStatus::Issued,
                )
        })
        .unwrap();
    let stored = app
        .store
        .certificate_by_code(&success.code)
        .await
        .unwrap()
        .unwrap();
    assert!(stored.record.demo, "the signed record says demo");
    assert!(
        String::from_utf8(stored.record.canonical())
            .unwrap()
            .contains("\"demo\":true")
    );
    let signature: [u8; 64] = stored.signature.clone().try_into().unwrap();
    let pdf = summer_school::documents::certificate::render(&stored.record, &signature);
    let text = crate::harness::pdf_text(&pdf).await;
    assert!(text.contains("DEMO — NOT A REAL DOCUMENT"), "{text}");

    let verify = app.get(&format!("/verify/{}", success.code)).await;
    assert_eq!(verify.status(), 200);
    let html = verify.text().await.unwrap();
    assert!(
        html.contains("verify-demo") && html.contains("This is a demo document"),
        "{html}"
    );
    let letter = documents
        .iter()
        .find(|d| d.what == DemoDocumentKind::VisaLetter)
        .unwrap();
    let html = app
        .get(&format!("/verify/{}", letter.code))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("This is a demo document"), "{html}");
}

#[tokio::test]
async fn the_demo_plays_on_a_catalog_whose_schools_have_other_names() {
    let app = spawn_app().await;
    let text = summer_school::domain::catalog::SHIPPED_CATALOG
        .replace("ai-digital-innovation", "digital-medicine")
        .replace("hands-on-clinical-emergencies", "emergency-skills");
    let catalog = summer_school::domain::catalog::parse_catalog(&text).unwrap();
    let seeded = startup::seed_demo(&app.config, app.store.as_ref(), &catalog)
        .await
        .unwrap();
    assert!(matches!(seeded, SeedOutcome::Seeded { applicants: 13, .. }));
    let accounts = app.store.demo_accounts().await.unwrap();
    let on = |program: &str| {
        accounts
            .applicants
            .iter()
            .filter(|a| a.applications.iter().any(|(_, p, _)| p == program))
            .count()
    };
    // The AFGSU 2 school takes the Hands-on part of the cast, the other school the rest.
    let hands_on = DEMO_APPLICANTS
        .iter()
        .filter(|a| a.school == summer_school::domain::demo::DemoSchool::HandsOn)
        .count();
    assert_eq!(on("emergency-skills"), hands_on);
    assert_eq!(on("digital-medicine"), DEMO_APPLICANTS.len() - hands_on);
    assert!(!app.store.demo_documents().await.unwrap().is_empty());
}

#[tokio::test]
async fn pages_with_personal_data_are_never_cached() {
    let app = demo_app().await;
    let accounts = app.store.demo_accounts().await.unwrap();
    let admin = &accounts.organizers[0];
    let enrolled = applicant_at(&accounts, Stage::Enrolled);
    for who in [
        format!("organizer/{}", admin.organizer_id),
        format!("applicant/{}", enrolled.applicant_id),
    ] {
        assert_eq!(sign_in_from_demo(&app, &who).await.status(), 303);
    }
    let application = &app
        .store
        .applications_of(&enrolled.applicant_id)
        .await
        .unwrap()[0];
    let id = &application.application_id;
    let program = &application.program_id;
    for path in [
        "/my-applications".to_owned(),
        format!("/applications/{id}"),
        format!("/api/v1/applications/{id}"),
        "/api/v1/me/applications".to_owned(),
        "/organizer".to_owned(),
        format!("/organizer/programs/{program}"),
        format!("/organizer/applications/{id}"),
        format!("/api/v1/organizer/applications/{id}"),
        "/organizer/finance".to_owned(),
    ] {
        let page = app.get(&path).await;
        assert!(page.status().is_success(), "{path}: {}", page.status());
        let cache = page.headers()["cache-control"].to_str().unwrap().to_owned();
        assert!(cache.contains("no-store"), "{path}: {cache}");
    }
    // What is the same for everyone keeps its own rule.
    let stylesheet = app.get(summer_school::http::views::stylesheet_href()).await;
    assert!(
        stylesheet.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
}

#[tokio::test]
async fn a_cross_site_form_cannot_write_through_the_api_with_the_session_cookie() {
    let app = demo_app().await;
    let accounts = app.store.demo_accounts().await.unwrap();
    let submitted = applicant_at(&accounts, Stage::Submitted);
    sign_in_from_demo(&app, &format!("applicant/{}", submitted.applicant_id)).await;
    let id = &app
        .store
        .applications_of(&submitted.applicant_id)
        .await
        .unwrap()[0]
        .application_id;
    let url = format!("{}/api/v1/applications/{id}/withdraw", app.base);
    // What a form on another site can send: the cookie, no body or a form's type.
    for forged in [
        app.client.post(&url),
        app.client
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("x=1"),
        app.client.post(&url).header("content-type", "text/plain"),
    ] {
        let r = forged.send().await.unwrap();
        assert_eq!(r.status(), 403);
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["error"], "csrf", "{body}");
    }
    let still = app
        .store
        .applications_of(&submitted.applicant_id)
        .await
        .unwrap();
    assert_eq!(
        still[0].status,
        ApplicationStatus::Submitted,
        "nothing changed"
    );
    // The page's own script (or any client) sends JSON: it works.
    let r = app
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let now = app
        .store
        .applications_of(&submitted.applicant_id)
        .await
        .unwrap();
    assert_eq!(now[0].status, ApplicationStatus::Withdrawn);
}

/// The applicant's timeline tells their own journey in words: no reviewer's score or comment, no
/// internal action name, no missing message.
#[tokio::test]
async fn an_applicants_timeline_shows_their_journey_and_nothing_internal() {
    let app = demo_app().await;
    let accounts = app.store.demo_accounts().await.unwrap();
    for (stage, expected) in [
        (Stage::UnderReview, "Review of your application began"),
        (Stage::Offered, "Payment page opened"),
    ] {
        let person = applicant_at(&accounts, stage);
        let who = format!("applicant/{}", person.applicant_id);
        assert_eq!(sign_in_from_demo(&app, &who).await.status(), 303);
        let application = &app
            .store
            .applications_of(&person.applicant_id)
            .await
            .unwrap()[0];
        let page = app
            .get(&format!("/applications/{}", application.application_id))
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("Application sent"), "{stage:?}");
        assert!(page.contains(expected), "{stage:?}: {expected}");
        for internal in ["review.", "timeline-", "application.", "payment."] {
            assert!(!page.contains(internal), "{stage:?} shows {internal}");
        }
        // The organizers' trail keeps everything.
        let trail: Vec<String> = app
            .store
            .audit_events("application", &application.application_id)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        if stage == Stage::UnderReview {
            assert!(trail.iter().any(|a| a == "review.scored"), "{trail:?}");
        }
    }
}

/// The database itself refuses a move the journey does not allow, whatever code asks for it.
#[tokio::test]
async fn the_database_refuses_a_move_the_journey_does_not_allow() {
    let app = demo_app().await;
    let accounts = app.store.demo_accounts().await.unwrap();
    let rejected = applicant_at(&accounts, Stage::Rejected);
    let id = app
        .store
        .applications_of(&rejected.applicant_id)
        .await
        .unwrap()[0]
        .application_id
        .clone();
    let sql = "update application set status = 'accepted' where application_id = $1";
    let refused = if app.db.is_postgres() {
        let pool = sqlx::PgPool::connect(app.db.url()).await.unwrap();
        sqlx::query(sql).bind(&id).execute(&pool).await.map(|_| ())
    } else {
        let pool = sqlx::SqlitePool::connect(app.db.url()).await.unwrap();
        sqlx::query(sql).bind(&id).execute(&pool).await.map(|_| ())
    };
    let error = refused.expect_err("rejected → accepted is not a move");
    assert!(
        error.to_string().contains("application_transition"),
        "{error}"
    );
    let status = app
        .store
        .applications_of(&rejected.applicant_id)
        .await
        .unwrap()[0]
        .status;
    assert_eq!(status, ApplicationStatus::Rejected);
}
