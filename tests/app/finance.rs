//! The finance office: money that came too late is flagged and given back with a credit note, and
//! a paid enrollment is cancelled with part of the fee given back, the seat freed and the
//! applicant told why.

use std::time::Duration;

use time::OffsetDateTime;

use crate::applications::demo_app;
use crate::harness::location;
use crate::harness::{TestApp, csrf_of};

#[tokio::test]
async fn finance_is_told_of_money_that_came_too_late_and_gives_it_back_with_a_credit_note() {
    let app = demo_app().await;
    let finance = app.signed_in("finance@u-paris.fr", "finance", &[]).await;
    let (id, _, deadline) = app.offered("late.payer@example.org").await;
    let (_, page) = app.page(&format!("/applications/{id}")).await;
    let r = app
        .post_form(
            &format!("/applications/{id}/pay"),
            &[("csrf", &csrf_of(&page))],
        )
        .await;
    let checkout = location(&r);
    let (_, html) = app.page(&checkout).await;
    // The deadline passes while the applicant hesitates on the checkout page; then they pay.
    // The expiry's notice is queued at that instant, still to come on the real clock.
    app.leaves_jobs();
    app.store
        .run_deadlines(deadline + time::Duration::seconds(1))
        .await
        .unwrap();
    let r = app
        .post_form(&checkout, &[("csrf", &csrf_of(&html)), ("outcome", "pay")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, page) = app.page(&format!("/applications/{id}")).await;
    assert!(
        !page.contains("Enrolled"),
        "never enrolled after expiry: {page}"
    );

    // Finance hears of it by email, with where to act.
    app.dispatch_pending_jobs().await;
    // Finance's alert (the organizer's welcome went to the same address before).
    let alert = {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let found = app.smtp.messages().into_iter().find(|m| {
                m.rcpt_to().contains("finance@u-paris.fr")
                    && m.header("Subject")
                        .is_some_and(|s| s.contains("A payment needs the finance office"))
            });
            if let Some(m) = found {
                break m;
            }
            assert!(std::time::Instant::now() < deadline, "finance is told");
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    };
    let body = alert.text_body();
    assert!(
        body.contains("More money arrived than the order asks"),
        "{body}"
    );
    assert!(body.contains("/organizer/finance"), "{body}");
    assert!(
        body.contains("Hands-on Training in Clinical Medicine"),
        "{body}"
    );
    // The applicant's timeline does not show finance's mail.
    let (_, page) = app.page(&format!("/applications/{id}")).await;
    assert!(!page.contains("needs the finance office"), "{page}");

    let (status, page) = finance.page("/organizer/finance").await;
    assert_eq!(status, 200);
    assert!(
        page.contains("More money arrived than the order asks"),
        "{page}"
    );
    assert!(
        page.contains("value=\"3100.00\""),
        "the whole payment proposed: {page}"
    );
    let order = app.order_of(&id).await;
    let refund_path = format!("/organizer/finance/orders/{order}/refund");
    // Bad amounts and a missing reason are refused, with what was typed kept.
    let r = finance
        .submit(
            "/organizer/finance",
            &refund_path,
            &[("amount", "4000"), ("reason", "Late")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("more than what was paid"), "{page}");
    assert!(page.contains("value=\"4000\""));
    let r = finance
        .submit(
            "/organizer/finance",
            &refund_path,
            &[("amount", "abc"), ("reason", "")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Enter an amount in euros greater than zero"),
        "{page}"
    );
    assert!(page.contains("why the money is given back"), "{page}");

    let r = finance
        .submit(
            "/organizer/finance",
            &refund_path,
            &[("amount", "3100,00"), ("reason", "Paid after the deadline")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    // The simulated provider refunds at once: done, a credit note, the flag cleared.
    app.dispatch_pending_jobs().await;
    app.dispatch_pending_jobs().await;
    let (_, page) = finance.page("/organizer/finance").await;
    assert!(page.contains("Done"), "{page}");
    assert!(
        !page.contains("More money arrived than the order asks"),
        "{page}"
    );
    // Nothing is left to give back.
    let r = finance
        .submit(
            "/organizer/finance",
            &refund_path,
            &[("amount", "1"), ("reason", "Again")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    // Welcome, received, offer, expiry, alert, refund.
    let mails = app.smtp.wait_for(6, Duration::from_secs(10)).await;
    let told = mails
        .iter()
        .find(|m| {
            m.header("Subject")
                .is_some_and(|s| s.starts_with("Your refund"))
        })
        .expect("the applicant is told");
    assert!(told.rcpt_to().contains("late.payer@example.org"));
    let note = format!("DEMO-A-{}-00001", OffsetDateTime::now_utc().year());
    let text = crate::harness::pdf_text(&told.attachment(&format!("{note}.pdf")).unwrap()).await;
    assert!(
        text.contains("€3,100.00") && text.contains("Paid after the deadline"),
        "{text}"
    );
    // And can download it again.
    let r = app
        .get(&format!("/applications/{id}/receipts/{note}.pdf"))
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let trail: Vec<String> = app
        .store
        .audit_events("application", &id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for action in ["order.flagged", "refund.requested", "refund.completed"] {
        assert!(trail.iter().any(|a| a == action), "{action} in {trail:?}");
    }
    app.stop().await;
}

/// The mail to `address` whose subject contains `subject`, waited for.
async fn mail_with_subject(
    app: &TestApp,
    address: &str,
    subject: &str,
) -> crate::harness::ReceivedMail {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let found = app.smtp.messages().into_iter().find(|m| {
            m.rcpt_to().contains(address)
                && m.header("Subject").is_some_and(|s| s.contains(subject))
        });
        if let Some(m) = found {
            return m;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no mail to {address} about {subject}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

#[tokio::test]
async fn finance_cancels_a_paid_enrollment_frees_the_seat_gives_part_back_and_the_applicant_is_told_why()
 {
    let app = demo_app().await;
    let finance = app.signed_in("finance@u-paris.fr", "finance", &[]).await;
    let (id, _, _) = app.offered("visa.refused@example.org").await;
    app.pay_at_the_simulated_checkout(&id).await;
    app.dispatch_pending_jobs().await;
    let program_id = app.store.program_of(&id).await.unwrap().unwrap();
    let seats = || async {
        app.store
            .programs()
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.program_id == program_id)
            .unwrap()
            .seats_held
    };
    let held = seats().await;
    let order = app.order_of(&id).await;
    let action = format!("/organizer/finance/orders/{order}/refund");
    let (_, page) = finance.page("/organizer/finance").await;
    assert!(
        page.contains(&format!("id=\"cancel-{order}\"")),
        "an enrolled applicant's order offers the cancellation: {page}"
    );
    // The form says what the program's cancellation terms give back today.
    assert!(
        page.contains("By the cancellation terms, cancelling today gives back"),
        "{page}"
    );

    // A wrong amount refuses everything and keeps the box ticked.
    let r = finance
        .submit(
            "/organizer/finance",
            &action,
            &[
                ("amount", "lots"),
                ("reason", "Visa refused"),
                ("cancel", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("Enter an amount in euros"), "{page}");
    let at = page.find(&format!("id=\"cancel-{order}\"")).unwrap();
    assert!(
        page[at..at + 80].contains("checked"),
        "{}",
        &page[at..at + 80]
    );
    assert_eq!(
        app.store.standing(&id).await.unwrap().cancel_reason,
        None,
        "nothing changed"
    );

    // Cancelled with 2,600 € of 3,100 € given back (the policy keeps 500 €).
    let r = finance
        .submit(
            "/organizer/finance",
            &action,
            &[
                ("amount", "2600"),
                ("reason", "Visa refused"),
                ("cancel", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), "/organizer/finance?done=cancelled");
    assert_eq!(seats().await, held - 1, "the seat is freed");
    let trail: Vec<String> = app
        .store
        .audit_events("application", &id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(
        trail.contains(&"application.cancelled".to_owned())
            && trail.contains(&"refund.requested".to_owned()),
        "{trail:?}"
    );
    app.dispatch_pending_jobs().await;
    app.dispatch_pending_jobs().await;
    let told = mail_with_subject(&app, "visa.refused@example.org", "Your place is cancelled").await;
    assert!(
        told.text_body().contains("Visa refused"),
        "{}",
        told.text_body()
    );
    let refunded = mail_with_subject(&app, "visa.refused@example.org", "Your refund").await;
    assert!(
        refunded.text_body().contains("2,600"),
        "{}",
        refunded.text_body()
    );
    let (_, page) = app.page(&format!("/applications/{id}")).await;
    assert!(
        page.contains("Your enrollment was cancelled. The reason given: Visa refused"),
        "{page}"
    );

    // Once cancelled there is nothing left to cancel; what was kept can still be refunded alone.
    let r = finance
        .submit(
            "/organizer/finance",
            &action,
            &[("amount", "0"), ("reason", "Again"), ("cancel", "yes")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("there is no enrollment to cancel")
    );
    let r = finance
        .submit(
            "/organizer/finance",
            &action,
            &[("amount", "500"), ("reason", "Goodwill")],
        )
        .await;
    assert_eq!(location(&r), "/organizer/finance?done=refund");

    // Everything given back while still enrolled: the form then only cancels, with a reason.
    let (other, _, _) = app.offered("all.back@example.org").await;
    app.pay_at_the_simulated_checkout(&other).await;
    let order = app.order_of(&other).await;
    let action = format!("/organizer/finance/orders/{order}/refund");
    let r = finance
        .submit(
            "/organizer/finance",
            &action,
            &[("amount", "3100"), ("reason", "Goodwill")],
        )
        .await;
    assert_eq!(location(&r), "/organizer/finance?done=refund");
    let (_, page) = finance.page("/organizer/finance").await;
    let row = &page[page.find(&format!("id=\"order-{order}\"")).unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(
        row.contains("Nothing paid is left to give back") && !row.contains("name=\"amount\""),
        "{row}"
    );
    let r = finance
        .submit(
            "/organizer/finance",
            &action,
            &[("reason", "Illness"), ("cancel", "yes")],
        )
        .await;
    assert_eq!(location(&r), "/organizer/finance?done=cancelled");
    assert_eq!(
        app.store
            .standing(&other)
            .await
            .unwrap()
            .cancel_reason
            .as_deref(),
        Some("Illness")
    );
    app.stop().await;
}

#[tokio::test]
async fn an_enrolled_participant_reads_the_cancellation_terms_and_cancels_with_the_refund_they_give()
 {
    use summer_school::domain::calendar::{format_date, to_paris};
    use summer_school::domain::cancellation::CancelReason;
    use summer_school::domain::locale::Locale;
    let app = demo_app().await;
    let (id, _, _) = app.offered("terms.reader@example.org").await;
    app.pay_at_the_simulated_checkout(&id).await;
    let terms = app
        .store
        .cancellation_terms(&id)
        .await
        .unwrap()
        .expect("the catalog's policy");
    let start = terms.starts_on;
    let day = |days: i64, locale| format_date(start - time::Duration::days(days), locale);
    let today = to_paris(OffsetDateTime::now_utc()).date();
    let back = terms
        .policy
        .quote(310_000, start, today, CancelReason::Choice)
        .cents;
    let (_, page) = app.page(&format!("/applications/{id}")).await;
    for expected in [
        "If you cancel".to_owned(),
        format!(
            "All of the fee back if you cancel by {}.",
            day(60, Locale::En)
        ),
        format!(
            "50 % of the fee back if you cancel by {}.",
            day(30, Locale::En)
        ),
        format!("After {}, nothing is refunded.", day(30, Locale::En)),
        "everything back less a €150 fee".to_owned(),
        format!(
            "If you cancelled today, you would get €{} back.",
            summer_school::domain::money::Money::eur(back)
                .unwrap()
                .display(Locale::En)
                .trim_start_matches('€')
        ),
    ] {
        assert!(page.contains(&expected), "{expected} in {page}");
    }
    let page = app
        .get_with_language(&format!("/applications/{id}"), "fr")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Si vous annulez"), "{page}");
    assert!(
        page.contains(&format!(
            "Remboursement de la totalité des frais pour une annulation au plus tard le {}.",
            day(60, Locale::Fr)
        )),
        "{page}"
    );

    // The participant cancels: the page before says what comes back, then they confirm.
    let cancel = format!("/applications/{id}/cancel");
    let (status, page) = app.page(&cancel).await;
    assert_eq!(status, 200, "{page}");
    let shown = |cents: i64| {
        summer_school::domain::money::Money::eur(cents)
            .unwrap()
            .display(Locale::En)
    };
    if back > 0 {
        assert!(
            page.contains(&format!(
                "If you cancel today, {} comes back to you",
                shown(back)
            )),
            "{page}"
        );
    }
    assert!(page.contains("This cannot be undone."), "{page}");
    assert!(page.contains("No, keep my place"), "{page}");
    let r = app.post_form(&cancel, &[("csrf", &csrf_of(&page))]).await;
    assert_eq!(r.status().as_u16(), 303);
    app.dispatch_pending_jobs().await;
    app.dispatch_pending_jobs().await;
    let (_, page) = app.page(&format!("/applications/{id}")).await;
    assert!(page.contains("Cancelled"), "{page}");
    let order = app.order_of(&id).await;
    let ledger = app.store.order_ledger(&order).await.unwrap();
    assert_eq!(ledger.given_back_cents(), back);
    assert_eq!(
        ledger.balance(),
        summer_school::domain::ledger::Balance::Settled
    );
    let trail = app.store.audit_events("application", &id).await.unwrap();
    assert!(
        trail
            .iter()
            .any(|e| e.action == "application.cancelled" && e.actor.starts_with("applicant:")),
        "{trail:?}"
    );
    // Cancelled, the page is gone.
    assert_eq!(app.get(&cancel).await.status().as_u16(), 404);
    app.stop().await;
}
