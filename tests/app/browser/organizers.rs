//! Organizers in the browser: a director reviews and offers a place, an accepted applicant pays,
//! the cohort goes to certificates that a graduate shares, and a newcomer walks the demo in every
//! role.

use super::*;

#[tokio::test]
async fn a_director_reviews_scores_and_offers_a_place_in_the_browser() {
    let app = demo_app().await;
    let id = app.apply_and_send("minh.khai@example.org").await;
    let password = app
        .create_organizer(
            "director@u-paris.fr",
            "program_director",
            &["demo/hands-on-clinical-emergencies"],
        )
        .await;
    let driver = Chromedriver::start();
    let c = driver.browser().await;

    // Any organizer page leads to sign-in, and back.
    organizer_signs_in(&c, &app, "director@u-paris.fr", &password).await;

    // Dashboard → the school's queue → the application.
    click(&c, Locator::LinkText(HANDS_ON_TITLE)).await;
    wait_for_path(&c, "the queue", |p| p.starts_with("/organizer/programs/")).await;
    wait_for_text(&c, "Nguyễn Thị Minh Khai").await;
    wait_for_text(&c, "1 of 1 application").await;
    click(&c, Locator::LinkText(&id[..8].to_uppercase())).await;
    let page = format!("/organizer/applications/{id}");
    wait_for_path(&c, "the application", |p| p == page).await;
    wait_for_text(&c, "Hanoi Medical University").await;

    // Scores: one out of range is explained, then all three are saved.
    type_into(&c, "score-background", "4").await;
    type_into(&c, "score-motivation", "9").await;
    type_into(&c, "score-english", "5").await;
    press(&c, "Save my scores").await;
    wait_for_text(&c, "There is a problem").await;
    wait_for_text(&c, "with a whole number from 1 to 5").await;
    // What was typed is shown again; the wrong score is corrected (set directly: the second try does
    // not depend on how the browser takes keystrokes into a field that already holds text).
    let kept = c
        .execute(
            "return ['background','motivation','english'].map(k => document.getElementById('score-' + k).value)",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(kept, json!(["4", "9", "5"]), "the scores as typed");
    c.execute(
        "document.getElementById('score-motivation').value = '4'",
        vec![],
    )
    .await
    .unwrap();
    press(&c, "Save my scores").await;
    wait_for_text(&c, "Your scores are saved.").await;
    wait_for_text(&c, "Being reviewed").await;

    // The offer at the listed fee, with the program's usual deadline.
    press(&c, "Offer a place").await;
    wait_for_text(&c, "A place is offered").await;
    wait_for_text(&c, "Accepted: pay to confirm your place").await;
    wait_for_text(&c, "€3,100").await;

    app.dispatch_pending_jobs().await;
    app.dispatch_pending_jobs().await;
    let offer = app
        .smtp
        .wait_for_to("minh.khai@example.org", Duration::from_secs(10))
        .await;
    assert_eq!(
        offer.header("Subject").as_deref(),
        Some(format!("A place for you: {HANDS_ON_TITLE}").as_str())
    );
    c.close().await.unwrap();
    app.stop().await;
}

#[tokio::test]
async fn an_accepted_applicant_pays_at_the_simulated_checkout_in_the_browser() {
    let app = demo_app().await;
    let driver = Chromedriver::start();
    let c = driver.browser().await;
    // Signed in in the browser first (its link is the first email to this address), then the
    // application sent and accepted.
    open(&c, &app, "/sign-in").await;
    sign_in_here(&c, &app, "payer.browser@example.org").await;
    let id = app.apply_and_send("payer.browser@example.org").await;
    let now = time::OffsetDateTime::now_utc();
    app.store
        .decide(
            &id,
            &crate::cohort::accept(summer_school::domain::offer::payment_deadline(now, 14)),
            &summer_school::domain::audit::Actor::Cli,
            now,
        )
        .await
        .unwrap();

    let page = format!("/applications/{id}");
    open(&c, &app, &page).await;
    wait_for_text(&c, "Accepted: pay to confirm your place").await;
    press(&c, "Pay €3,100 now").await;
    wait_for_path(&c, "the checkout", |p| {
        p.starts_with("/checkout/simulated/")
    })
    .await;
    wait_for_text(&c, "Demonstration checkout").await;
    wait_for_text(&c, "€3,100").await;
    press(&c, "Pay").await;
    wait_for_path(&c, "the page the checkout returns to", |p| {
        p.starts_with(&format!("/applications/{id}/payments/"))
    })
    .await;
    wait_for_text(&c, "Your payment has been received").await;
    click(&c, Locator::LinkText("Back to your application")).await;
    wait_for_path(&c, "the application", |p| p == page).await;
    wait_for_text(&c, "Enrolled").await;
    c.close().await.unwrap();
    app.stop().await;
}

#[tokio::test]
async fn organizers_take_a_cohort_to_certificates_and_a_graduate_shares_a_verified_one_in_the_browser()
 {
    use summer_school::domain::completion::school_days;
    use time::macros::date;

    let app = crate::harness::spawn_app().await;
    let (program, people) = app.past_cohort(2).await;
    // The setup's emails go out before anyone signs in.
    app.dispatch_pending_jobs().await;
    app.smtp.wait_for(2, Duration::from_secs(5)).await;
    let password = app
        .create_organizer(
            "director@u-paris.fr",
            "program_director",
            &["2026/hands-on-clinical-emergencies"],
        )
        .await;
    let driver = Chromedriver::start();
    let c = driver.browser().await;
    organizer_signs_in(&c, &app, "director@u-paris.fr", &password).await;

    // The queue leads to the cohort page.
    open(&c, &app, &format!("/organizer/programs/{program}")).await;
    click(
        &c,
        Locator::LinkText("Participants, attendance and certificates"),
    )
    .await;
    let cohort = format!("/organizer/programs/{program}/participants");
    wait_for_path(&c, "the cohort page", |p| p == cohort).await;
    wait_for_text(&c, "Issuing now: 0 graduates").await;

    // Both were there every day: twenty boxes on the grid.
    for day in school_days(date!(2026 - 07 - 06), date!(2026 - 07 - 17)) {
        for id in &people {
            tick(&c, "present", &format!("{id}|{day}")).await;
        }
    }
    click(&c, Locator::Id("save-attendance")).await;
    wait_for_text(&c, "Attendance saved.").await;

    // Results: the first passed with a grade and the AFGSU 2; the second passed without it.
    choose(&c, &format!("result-{}", people[0]), "passed").await;
    type_into(&c, &format!("grade-{}", people[0]), "16/20").await;
    choose(&c, &format!("afgsu-{}", people[0]), "yes").await;
    choose(&c, &format!("result-{}", people[1]), "passed").await;
    click(&c, Locator::Id("save-results")).await;
    wait_for_text(&c, "Results saved.").await;
    wait_for_text(&c, "Issuing now: 2 graduates would receive 3 documents").await;
    press(&c, "Issue the certificates").await;
    wait_for_text(&c, "2 graduates received 3 documents.").await;

    // The graduate signs in, finds both certificates, fetches the PDF and opens the link to share.
    app.dispatch_pending_jobs().await;
    open(&c, &app, "/certificates").await;
    sign_in_here(&c, &app, "cohort.900@example.org").await;
    wait_for_path(&c, "the certificates page", |p| p == "/certificates").await;
    wait_for_text(&c, "Attestation of success").await;
    wait_for_text(&c, "AFGSU 2").await;
    let held = app.store.certificates_of(&people[0]).await.unwrap();
    let success = held
        .iter()
        .find(|h| {
            h.record.kind == summer_school::domain::status::CertificateKind::AttestationOfSuccess
        })
        .unwrap();
    let code = &success.record.verification_code;
    let copy = find(
        &c,
        Locator::Css(&format!("button[data-copy='share-{code}']")),
    )
    .await;
    assert!(
        copy.is_displayed().await.unwrap(),
        "the copy button, once its script runs"
    );
    let fetched = c
        .execute(
            "return fetch(arguments[0]).then(r => r.status + ' ' + r.headers.get('content-type'))",
            vec![json!(format!(
                "/applications/{}/certificates/{code}/pdf",
                people[0]
            ))],
        )
        .await
        .unwrap();
    assert_eq!(fetched, json!("200 application/pdf"));
    let shared = find(&c, Locator::Id(&format!("share-{code}")))
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap();
    assert!(shared.ends_with(&format!("/verify/{code}")), "{shared}");
    let path = shared
        .strip_prefix(app.config.public_url.trim_end_matches('/'))
        .unwrap()
        .to_owned();
    open(&c, &app, &path).await;
    wait_for_text(&c, "Valid: this certificate was issued by us").await;
    wait_for_text(&c, "Its electronic signature checks against our public key").await;
    wait_for_text(&c, &success.record.serial).await;
    c.close().await.unwrap();
    app.stop().await;
}

#[tokio::test]
async fn a_newcomer_walks_the_demo_as_director_graduate_and_verifier_in_the_browser() {
    let app = spawn_app_with(Options {
        full_demo: true,
        ..Options::default()
    })
    .await;
    app.dispatch_pending_jobs().await;
    let driver = Chromedriver::start();
    let c = driver.browser().await;

    // The banner of any page leads to /demo; one click signs in as the demo's director.
    open(&c, &app, "/").await;
    click(&c, Locator::LinkText("Sign in as anyone of the demo")).await;
    wait_for_path(&c, "the demo page", |p| p == "/demo").await;
    wait_for_text(&c, "Try the demo").await;
    press(&c, "Sign in as Pr Amadou Diallo").await;
    wait_for_path(&c, "the dashboard", |p| p == "/organizer").await;
    wait_for_text(&c, "Pr Amadou Diallo").await;
    // The queue of the open demo edition's AI school holds the demo's applicants.
    let open_ai = app
        .store
        .programs()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.edition_slug == "demo" && p.slug == "ai-digital-innovation")
        .unwrap();
    open(
        &c,
        &app,
        &format!("/organizer/programs/{}", open_ai.program_id),
    )
    .await;
    wait_for_text(&c, "Oluwaseun").await;
    wait_for_text(&c, "Kowalska").await;

    // Back to /demo, as the graduate: their certificates, and the PDF downloads.
    open(&c, &app, "/demo").await;
    let graduate = summer_school::domain::demo::demo_graduate();
    press(&c, &format!("Sign in as {}", graduate.certificate_name)).await;
    wait_for_path(&c, "the certificates page", |p| p == "/certificates").await;
    wait_for_text(&c, "Attestation of success").await;
    wait_for_text(&c, "DEMO-UPC-SS-").await;
    // In either language, from the one signed record.
    for label in ["Download in English (PDF)", "Download in French (PDF)"] {
        let href = find(&c, Locator::LinkText(label))
            .await
            .attr("href")
            .await
            .unwrap()
            .expect("a download link");
        let fetched = c
            .execute(
                "return fetch(arguments[0]).then(r => r.status + ' ' + r.headers.get('content-type'))",
                vec![json!(href)],
            )
            .await
            .unwrap();
        assert_eq!(fetched, json!("200 application/pdf"), "{label}");
    }

    // A visitor with nothing but a code: the demo's certificate verifies, labelled as a demo.
    c.delete_all_cookies().await.unwrap();
    open(&c, &app, "/demo").await;
    let code = find(&c, Locator::Css("a.demo-code"))
        .await
        .text()
        .await
        .unwrap();
    click(&c, Locator::LinkText(&code)).await;
    wait_for_path(&c, "the verification page", |p| p.starts_with("/verify/")).await;
    wait_for_text(&c, "This is a demo document").await;
    wait_for_text(&c, "DEMO-").await;
    c.close().await.unwrap();
    app.stop().await;
}

#[tokio::test]
async fn an_applicant_names_the_institution_that_pays_in_the_browser_and_fixes_what_is_missing() {
    let app = demo_app().await;
    let driver = Chromedriver::start();
    let c = driver.browser().await;
    open(&c, &app, "/sign-in").await;
    sign_in_here(&c, &app, "institution.browser@example.org").await;
    let id = app.apply_and_send("institution.browser@example.org").await;
    let now = time::OffsetDateTime::now_utc();
    app.store
        .decide(
            &id,
            &crate::cohort::accept(summer_school::domain::offer::payment_deadline(now, 14)),
            &summer_school::domain::audit::Actor::Cli,
            now,
        )
        .await
        .unwrap();
    let page = format!("/applications/{id}");
    open(&c, &app, &page).await;
    wait_for_text(&c, "Who pays the fee?").await;
    tick(&c, "kind", "institution").await;
    type_into(&c, "payer-name", "Bach Mai Hospital").await;
    type_into(&c, "payer-contact_email", "accounts@bachmai.example").await;
    press(&c, "Save who pays").await;
    // What is missing is named; what was typed and chosen is kept.
    wait_for_text(&c, "Enter the institution's address").await;
    wait_for_text(&c, "Enter the postcode and city").await;
    let kept = find(&c, Locator::Id("payer-name"))
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(kept, "Bach Mai Hospital");
    assert!(
        find(&c, Locator::Id("payer-institution"))
            .await
            .is_selected()
            .await
            .unwrap()
    );
    type_into(&c, "payer-address_line1", "78 Giải Phóng").await;
    type_into(&c, "payer-city", "100000 Hà Nội").await;
    type_into(&c, "payer-country", "Vietnam").await;
    press(&c, "Save who pays").await;
    wait_for_path(&c, "the application", |p| p == page).await;
    wait_for_text(&c, "to Bach Mai Hospital, sent to accounts@bachmai.example").await;
    c.close().await.unwrap();
    app.dispatch_pending_jobs().await;
    app.stop().await;
}
