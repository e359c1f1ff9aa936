//! Letters and badges: the visa letter of an admitted applicant (verified in public, its passport
//! data erased after the school) and the badges whose QR code checks a participant in.

use summer_school::domain::audit::Actor;

use crate::harness::TestApp;

#[tokio::test]
async fn an_admitted_applicant_gets_a_visa_letter_and_the_passport_data_is_erased_after_the_school()
{
    use summer_school::domain::offer::{Adjustment, payment_deadline};
    use summer_school::domain::status::ReviewMode;
    use summer_school::store::cohort::DecisionKind;

    use summer_school::domain::catalog::parse_catalog;

    use crate::cohort::{cohort_catalog, complete_draft, load_cohort_catalog, submit};
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
    let (valid, said) = crate::harness::pdfsig(&bytes);
    assert!(
        valid,
        "the letter is PDF-signed over the whole file: {said}"
    );
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
    assert!(!verified.contains("have changed since"), "{verified}");
    // The school moves a week later: the letter still prints the dates it was issued with, and
    // the check shows those and says the school's dates have changed.
    let moved = cohort_catalog("2099-07-13", "2099-07-24");
    s.load_edition(&parse_catalog(&moved).unwrap(), &Actor::Cli, now)
        .await
        .unwrap();
    app.invalidate_catalog();
    let reprinted = pdf_text(&app.get(&format!("{page}/pdf")).await.bytes().await.unwrap()).await;
    assert!(reprinted.contains("6–17 July 2099"), "{reprinted}");
    let (_, verified) = check(code.clone()).await;
    assert!(
        verified.contains("6–17 July 2099")
            && verified.contains(
                "dates have changed since this letter was issued: it is now held 13–24 July 2099"
            ),
        "{verified}"
    );
    // Back to its dates before the erasure below.
    let (_, _) = load_cohort_catalog(s).await;
    app.invalidate_catalog();
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
