//! Paying an offer: the simulated checkout over HTTP to the confirmation email, and the store's rules
//! for providers' events (each applied once, late or mismatched money flagged, never enrolled), on
//! SQLite and on Postgres.

use std::sync::Arc;
use std::time::Duration;

use summer_school::domain::audit::Actor;
use summer_school::domain::job::NoticeKind;
use summer_school::domain::offer::payment_deadline;
use summer_school::domain::payment::{Attention, EventOutcome, PaymentEvent, PaymentEventKind};
use summer_school::domain::status::{ApplicationStatus, ReviewMode};
use summer_school::store::{self, Store};
use time::OffsetDateTime;

use crate::applications::demo_app;
use crate::cohort::{
    Applicant, accept, complete_draft, load_cohort_catalog, pending_notices, submit,
};
use crate::harness::{Options, TestApp, TestDb, csrf_of, spawn_app_with};
use crate::stripe_stand_in::StandIn;
use summer_school::domain::payment::Difference;
use summer_school::jobs::reconcile;
use summer_school::payments::signature;
use summer_school::payments::stripe::StripeProvider;

fn location(r: &reqwest::Response) -> String {
    r.headers()["location"].to_str().unwrap().to_owned()
}

/// An applicant who sent their application through the pages and was offered a place at the
/// catalog price; returns the application id, the moment of the offer and its deadline.
async fn offered(app: &TestApp, email: &str) -> (String, OffsetDateTime, OffsetDateTime) {
    let id = app.apply_and_send(email).await;
    let now = OffsetDateTime::now_utc();
    let deadline = payment_deadline(now, 14);
    app.store
        .decide(&id, &accept(deadline), &Actor::Cli, now)
        .await
        .unwrap();
    (id, now, deadline)
}

/// The id of the application's order.
async fn order_of(app: &TestApp, application_id: &str) -> String {
    app.store
        .standing(application_id)
        .await
        .unwrap()
        .offer
        .expect("an offer")
        .order_id
}

/// The signed-in applicant presses "Pay", then "Pay" on the simulated checkout: enrolled.
async fn pay_at_the_simulated_checkout(app: &TestApp, application_id: &str) {
    let (_, page) = app.page(&format!("/applications/{application_id}")).await;
    let r = app
        .post_form(
            &format!("/applications/{application_id}/pay"),
            &[("csrf", &csrf_of(&page))],
        )
        .await;
    let checkout = location(&r);
    let (_, html) = app.page(&checkout).await;
    let r = app
        .post_form(&checkout, &[("csrf", &csrf_of(&html)), ("outcome", "pay")])
        .await;
    assert_eq!(r.status().as_u16(), 303, "paid");
}

#[tokio::test]
async fn an_accepted_applicant_pays_at_the_simulated_checkout_and_is_enrolled_once() {
    let app = demo_app().await;
    let (id, _, _) = offered(&app, "payer@example.org").await;

    let (_, page) = app.page(&format!("/applications/{id}")).await;
    assert!(page.contains("Pay €3,100 now"), "{page}");
    let pay = |page: String| {
        let app = &app;
        let id = id.clone();
        async move {
            app.post_form(
                &format!("/applications/{id}/pay"),
                &[("csrf", &csrf_of(&page))],
            )
            .await
        }
    };
    let r = pay(page.clone()).await;
    assert_eq!(r.status().as_u16(), 303);
    let checkout = location(&r);
    assert!(checkout.starts_with("/checkout/simulated/"), "{checkout}");
    // Pressing "Pay" again sends the applicant back to the same open checkout.
    assert_eq!(location(&pay(page.clone()).await), checkout);
    // A form without its token changes nothing.
    let r = app
        .post_form(&format!("/applications/{id}/pay"), &[("csrf", "forged")])
        .await;
    assert_eq!(r.status().as_u16(), 403);

    let (status, html) = app.page(&checkout).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("€3,100") && html.contains("Demonstration checkout"),
        "{html}"
    );
    let token = csrf_of(&html);
    let r = app
        .post_form(&checkout, &[("csrf", &token), ("outcome", "pay")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let back = location(&r);
    assert!(
        back.starts_with(&format!("/applications/{id}/payments/")),
        "{back}"
    );
    let (_, html) = app.page(&back).await;
    assert!(html.contains("Your payment has been received"), "{html}");
    let (_, page) = app.page(&format!("/applications/{id}")).await;
    assert!(
        page.contains("Enrolled") && !page.contains("Pay €3,100 now"),
        "{page}"
    );

    // The button pressed again (an old tab): the attempt is settled, nothing more happens.
    let r = app
        .post_form(&checkout, &[("csrf", &token), ("outcome", "pay")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let enrolled = app
        .store
        .audit_events("application", &id)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "application.enrolled")
        .count();
    assert_eq!(enrolled, 1);

    // The confirmation arrives by email, in the applicant's language, with the amount.
    app.dispatch_pending_jobs().await;
    let mails = app.smtp.wait_for(3, Duration::from_secs(10)).await;
    let confirmation = mails
        .iter()
        .find(|m| {
            m.header("Subject")
                .is_some_and(|s| s.starts_with("You are enrolled"))
        })
        .expect("the confirmation email");
    assert!(confirmation.rcpt_to().contains("payer@example.org"));
    assert!(
        confirmation
            .text_body()
            .contains("We have received your payment of €3,100"),
        "{}",
        confirmation.text_body()
    );
    // With the school in a calendar invitation.
    assert!(
        confirmation.raw.contains("summer-school.ics"),
        "{}",
        confirmation.raw
    );
    assert!(confirmation.raw.contains("text/calendar"));
    // And the receipt, numbered, saying what was paid, to whom, for what.
    let number = format!("DEMO-R-{}-00001", OffsetDateTime::now_utc().year());
    let receipt = confirmation
        .attachment(&format!("{number}.pdf"))
        .unwrap_or_else(|| panic!("a receipt attached: {}", confirmation.raw));
    let text = crate::harness::pdf_text(&receipt).await;
    for expected in [
        "RECEIPT".to_owned(),
        format!("No. {number}"),
        "Hands-on Training in Clinical Medicine".to_owned(),
        "Total paid".to_owned(),
        "€3,100.00".to_owned(),
        "Demonstration payment".to_owned(),
        "payer@example.org".to_owned(),
    ] {
        assert!(text.contains(expected.as_str()), "{expected} in {text}");
    }
    // The applicant can download it again from the application.
    let (status, page) = app.page(&format!("/applications/{id}")).await;
    assert_eq!(status, 200);
    assert!(page.contains(&number), "{page}");
    let r = app
        .get(&format!("/applications/{id}/receipts/{number}.pdf"))
        .await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(
        r.bytes().await.unwrap().as_ref(),
        receipt.as_slice(),
        "the same document"
    );

    // Nobody else sees the checkout or the payment.
    let payment = checkout
        .trim_start_matches("/checkout/simulated/")
        .to_owned();
    app.sign_in("intruder@example.org").await;
    assert_eq!(app.get(&checkout).await.status().as_u16(), 404);
    assert_eq!(
        app.get(&format!("/applications/{id}/receipts/{number}.pdf"))
            .await
            .status()
            .as_u16(),
        404
    );
    assert_eq!(
        app.get(&format!("/applications/{id}/payments/{payment}"))
            .await
            .status()
            .as_u16(),
        404
    );
    app.stop().await;
}

/// An accepted applicant of the reviewed program with an attempt opened at `session`; returns the
/// applicant, the order id and the amount.
async fn accepted_with_checkout(
    store: &dyn Store,
    n: usize,
    session: &str,
) -> (Applicant, String, i64) {
    let (_, reviewed) = load_cohort_catalog(store).await;
    let a = complete_draft(store, &reviewed, n).await;
    submit(store, &a, ReviewMode::Review, n).await.unwrap();
    let now = OffsetDateTime::now_utc();
    store
        .decide(
            &a.application_id,
            &accept(payment_deadline(now, 14)),
            &Actor::Cli,
            now,
        )
        .await
        .unwrap();
    let start = store
        .start_payment(&a.applicant_id, &a.application_id, "simulated", now)
        .await
        .unwrap();
    store
        .attach_checkout(
            &start.payment_id,
            session,
            "/checkout",
            now + time::Duration::hours(1),
            now,
        )
        .await
        .unwrap();
    (a, start.order_id, start.amount_cents)
}

fn event(id: &str, session: &str, order: &str, cents: i64, kind: PaymentEventKind) -> PaymentEvent {
    PaymentEvent {
        provider: "simulated".into(),
        event_id: id.into(),
        session: Some(session.into()),
        intent: None,
        refund: None,
        order_id: Some(order.into()),
        amount_cents: Some(cents),
        currency: Some("eur".into()),
        kind,
    }
}

async fn status_of(store: &dyn Store, a: &Applicant) -> ApplicationStatus {
    store
        .application(&a.applicant_id, &a.application_id)
        .await
        .unwrap()
        .status
}

async fn each_backend(story: impl AsyncFn(Arc<dyn Store>)) {
    let mut dbs = vec![TestDb::fresh_sqlite()];
    if let Some(url) = crate::harness::postgres_url() {
        dbs.push(TestDb::fresh_postgres(&url).await);
    }
    for db in &dbs {
        story(store::connect(db.url(), &Default::default()).await.unwrap()).await;
    }
}

#[tokio::test]
async fn each_event_is_applied_once_whatever_order_and_how_often_it_arrives() {
    each_backend(async |s: Arc<dyn Store>| {
        let (a, order, cents) = accepted_with_checkout(s.as_ref(), 1, "cs_once").await;
        let paid = event(
            "evt_paid",
            "cs_once",
            &order,
            cents,
            PaymentEventKind::Completed { paid: true },
        );
        // The same event five times at once.
        let mut tasks = Vec::new();
        for _ in 0..5 {
            let (s, paid) = (s.clone(), paid.clone());
            tasks.push(tokio::spawn(async move {
                s.apply_payment_event(&paid, OffsetDateTime::now_utc())
                    .await
                    .unwrap()
            }));
        }
        let mut outcomes = Vec::new();
        for t in tasks {
            outcomes.push(t.await.unwrap());
        }
        let enrolled = outcomes
            .iter()
            .filter(|o| matches!(o, EventOutcome::Enrolled { .. }))
            .count();
        let duplicates = outcomes
            .iter()
            .filter(|o| **o == EventOutcome::Duplicate)
            .count();
        assert_eq!((enrolled, duplicates), (1, 4), "{outcomes:?}");
        // What comes after (the session's expiry, a delayed success) changes nothing.
        let now = OffsetDateTime::now_utc();
        let expired = event(
            "evt_expired",
            "cs_once",
            &order,
            cents,
            PaymentEventKind::Expired,
        );
        assert_eq!(
            s.apply_payment_event(&expired, now).await.unwrap(),
            EventOutcome::Unchanged
        );
        let late = event(
            "evt_async",
            "cs_once",
            &order,
            cents,
            PaymentEventKind::AsyncSucceeded,
        );
        assert_eq!(
            s.apply_payment_event(&late, now).await.unwrap(),
            EventOutcome::Unchanged
        );
        assert_eq!(status_of(s.as_ref(), &a).await, ApplicationStatus::Enrolled);
        let actions: Vec<String> = s
            .audit_events("application", &a.application_id)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .filter(|a| a == "application.enrolled" || a == "order.paid")
            .collect();
        assert_eq!(actions, ["order.paid", "application.enrolled"]);
        // One receipt to issue; issuing it queues the confirmation; a retried job does nothing.
        let receipts = queued_receipts(s.as_ref()).await;
        assert_eq!(receipts.len(), 1, "{receipts:?}");
        assert!(s.issue_receipt(&receipts[0], now).await.unwrap().is_some());
        assert_eq!(s.issue_receipt(&receipts[0], now).await.unwrap(), None);
        let notices = pending_notices(s.as_ref(), &a.application_id).await;
        assert_eq!(
            notices
                .iter()
                .filter(|n| **n == NoticeKind::Enrolled)
                .count(),
            1,
            "one confirmation: {notices:?}"
        );

        // A bank debit: completed unpaid, then its success enrolls.
        let (b, order, cents) = accepted_with_checkout(s.as_ref(), 2, "cs_debit").await;
        let unpaid = event(
            "evt_b1",
            "cs_debit",
            &order,
            cents,
            PaymentEventKind::Completed { paid: false },
        );
        assert_eq!(
            s.apply_payment_event(&unpaid, now).await.unwrap(),
            EventOutcome::Pending
        );
        assert_eq!(status_of(s.as_ref(), &b).await, ApplicationStatus::Accepted);
        let settled = event(
            "evt_b2",
            "cs_debit",
            &order,
            cents,
            PaymentEventKind::AsyncSucceeded,
        );
        assert!(matches!(
            s.apply_payment_event(&settled, now).await.unwrap(),
            EventOutcome::Enrolled { .. }
        ));
        // Each step of the attempt is in the application's audit trail.
        let trail = audit_trail(s.as_ref(), &b).await;
        let steps: Vec<&str> = trail
            .iter()
            .map(String::as_str)
            .filter(|a| a.starts_with("payment.") || *a == "order.paid")
            .collect();
        assert_eq!(
            steps,
            [
                "payment.started",
                "payment.checkout_opened",
                "payment.awaiting",
                "order.paid"
            ]
        );

        // A session that expires unpaid closes its attempt, audited; the offer still stands.
        let (c, order, cents) = accepted_with_checkout(s.as_ref(), 3, "cs_gone").await;
        let gone = event(
            "evt_c1",
            "cs_gone",
            &order,
            cents,
            PaymentEventKind::Expired,
        );
        assert_eq!(
            s.apply_payment_event(&gone, now).await.unwrap(),
            EventOutcome::Closed
        );
        assert!(
            audit_trail(s.as_ref(), &c)
                .await
                .contains(&"payment.cancelled".to_owned())
        );
        assert_eq!(status_of(s.as_ref(), &c).await, ApplicationStatus::Accepted);
    })
    .await;
}

async fn audit_trail(store: &dyn Store, a: &Applicant) -> Vec<String> {
    store
        .audit_events("application", &a.application_id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

#[tokio::test]
async fn money_for_an_expired_offer_or_the_wrong_amount_is_flagged_never_enrolled() {
    each_backend(async |s: Arc<dyn Store>| {
        // Paid after the deadline swept the offer away: flagged for a refund.
        let (a, order, cents) = accepted_with_checkout(s.as_ref(), 1, "cs_late").await;
        let later = OffsetDateTime::now_utc() + time::Duration::days(30);
        assert!(s.run_deadlines(later).await.unwrap().expired >= 1);
        let paid = event(
            "evt_late",
            "cs_late",
            &order,
            cents,
            PaymentEventKind::Completed { paid: true },
        );
        assert_eq!(
            s.apply_payment_event(&paid, later).await.unwrap(),
            EventOutcome::Flagged {
                attention: Attention::RefundDue
            }
        );
        assert_eq!(status_of(s.as_ref(), &a).await, ApplicationStatus::Expired);

        // An amount that is not the attempt's: flagged, the offer still stands.
        let (b, order, cents) = accepted_with_checkout(s.as_ref(), 2, "cs_wrong").await;
        let wrong = event(
            "evt_wrong",
            "cs_wrong",
            &order,
            cents - 1,
            PaymentEventKind::Completed { paid: true },
        );
        let now = OffsetDateTime::now_utc();
        assert_eq!(
            s.apply_payment_event(&wrong, now).await.unwrap(),
            EventOutcome::Flagged {
                attention: Attention::Mismatch
            }
        );
        assert_eq!(status_of(s.as_ref(), &b).await, ApplicationStatus::Accepted);
        let flagged = s
            .audit_events("application", &b.application_id)
            .await
            .unwrap()
            .into_iter()
            .any(|e| e.action == "order.flagged" && e.detail.starts_with("mismatch"));
        assert!(flagged);

        // A session we never opened is kept and ignored.
        let stranger = event(
            "evt_other",
            "cs_unknown",
            "o",
            1,
            PaymentEventKind::Completed { paid: true },
        );
        assert_eq!(
            s.apply_payment_event(&stranger, now).await.unwrap(),
            EventOutcome::Unchanged
        );
        assert_eq!(
            s.apply_payment_event(&stranger, now).await.unwrap(),
            EventOutcome::Duplicate
        );

        // Nothing to pay once enrolled, or for someone else's application.
        assert!(
            s.start_payment(&a.applicant_id, &b.application_id, "simulated", now)
                .await
                .is_err()
        );
    })
    .await;
}

const WEBHOOK_SECRET: &str = "whsec_stand_in_secret";

/// Posts a raw webhook body with this `Stripe-Signature` header (none when `None`).
async fn deliver(app: &TestApp, body: &[u8], signature: Option<String>) -> u16 {
    let mut request = app
        .client
        .post(format!("{}/webhooks/stripe", app.base))
        .header("content-type", "application/json")
        .body(body.to_vec());
    if let Some(s) = signature {
        request = request.header("stripe-signature", s);
    }
    request.send().await.unwrap().status().as_u16()
}

fn stripe_event(id: &str, kind: &str, object: serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "id": id, "object": "event", "type": kind, "api_version": "2026-09-30.endive",
        "created": OffsetDateTime::now_utc().unix_timestamp(), "livemode": false,
        "data": { "object": object }
    }))
    .unwrap()
}

/// The Stripe settings of an app that talks to the stand-in at `base`.
fn stripe_env(base: &str) -> Vec<(&'static str, String)> {
    vec![
        ("PAYMENT_PROVIDER", "stripe".to_owned()),
        ("STRIPE_SECRET_KEY", "sk_test_stand_in".to_owned()),
        ("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET.to_owned()),
        ("STRIPE_API_BASE", base.to_owned()),
    ]
}

#[tokio::test]
async fn paying_through_stripe_checkout_enrolls_once_from_the_signed_webhook() {
    let (stand_in, base) = StandIn::start().await;
    let app = spawn_app_with(Options {
        demo: true,
        env: stripe_env(&base),
        ..Options::default()
    })
    .await;
    let (id, now, deadline) = offered(&app, "stripe.payer@example.org").await;
    let order = order_of(&app, &id).await;

    // "Pay" opens a Checkout Session with what we owe, and pressing it again reuses it.
    let (_, page) = app.page(&format!("/applications/{id}")).await;
    let pay = || async {
        let r = app
            .post_form(
                &format!("/applications/{id}/pay"),
                &[("csrf", &csrf_of(&page))],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        location(&r)
    };
    let checkout = pay().await;
    assert_eq!(checkout, "https://checkout.stripe.test/c/pay/cs_test_0001");
    assert_eq!(pay().await, checkout);
    let created = stand_in.created();
    assert_eq!(created.len(), 1, "one session for one attempt");
    let sent = &created[0];
    assert_eq!(sent.session, "cs_test_0001");
    let field = |k: &str| sent.form.get(k).map(String::as_str);
    assert_eq!(field("mode"), Some("payment"));
    assert_eq!(
        field("line_items[0][price_data][unit_amount]"),
        Some("310000")
    );
    assert_eq!(field("line_items[0][price_data][currency]"), Some("eur"));
    assert_eq!(field("line_items[0][quantity]"), Some("1"));
    assert!(
        field("line_items[0][price_data][product_data][name]")
            .is_some_and(|n| n.starts_with("Hands-on Training in Clinical Medicine")),
        "{:?}",
        sent.form
    );
    assert_eq!(field("client_reference_id"), Some(order.as_str()));
    assert_eq!(field("metadata[order_id]"), Some(order.as_str()));
    assert_eq!(field("customer_email"), Some("stripe.payer@example.org"));
    assert_eq!(field("locale"), Some("en"));
    let expires: i64 = field("expires_at").unwrap().parse().unwrap();
    assert!(expires <= deadline.unix_timestamp() && expires >= now.unix_timestamp() + 1800);
    assert!(
        sent.idempotency_key
            .as_deref()
            .is_some_and(|k| k.starts_with("payment-"))
    );
    assert_eq!(
        sent.authorization.as_deref(),
        Some("Bearer sk_test_stand_in")
    );

    // With Stripe configured, the simulated checkout does not exist, not even for a simulated attempt
    // left from before (one is made here through the store).
    let applicant = app
        .store
        .audit_events("application", &id)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.action == "application.submitted")
        .and_then(|e| e.actor.strip_prefix("applicant:").map(str::to_owned))
        .unwrap();
    let old = app
        .store
        .start_payment(&applicant, &id, "simulated", now)
        .await
        .unwrap();
    app.store
        .attach_checkout(
            &old.payment_id,
            "sim_old",
            "/x",
            now + time::Duration::hours(1),
            now,
        )
        .await
        .unwrap();
    let simulated = format!("/checkout/simulated/{}", old.payment_id);
    assert_eq!(app.get(&simulated).await.status().as_u16(), 404);

    // The customer pays; Stripe's webhook says so, signed. Delivered five times at once.
    let session = stand_in.pay("cs_test_0001");
    let body = stripe_event("evt_paid_1", "checkout.session.completed", session.clone());
    let t = OffsetDateTime::now_utc().unix_timestamp();
    let signed = signature::sign(&body, WEBHOOK_SECRET, t);
    let once = || deliver(&app, &body, Some(signed.clone()));
    let answers = tokio::join!(once(), once(), once(), once(), once());
    assert_eq!(answers, (200, 200, 200, 200, 200));
    let enrolled = app
        .store
        .audit_events("application", &id)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "application.enrolled")
        .count();
    assert_eq!(enrolled, 1);
    let (_, page) = app.page(&format!("/applications/{id}")).await;
    assert!(page.contains("Enrolled"), "{page}");

    // What is refused before anything reads the body.
    let expired = stripe_event("evt_exp", "checkout.session.expired", session);
    let mut changed = expired.clone();
    let at = changed.len() - 3;
    changed[at] ^= 1;
    let wrong = "0".repeat(64);
    let good = signature::sign(&expired, WEBHOOK_SECRET, t);
    let v1 = good.split("v1=").nth(1).unwrap().to_owned();
    assert_eq!(deliver(&app, &expired, None).await, 400, "no header");
    assert_eq!(
        deliver(&app, &changed, Some(good.clone())).await,
        400,
        "a changed byte"
    );
    assert_eq!(
        deliver(
            &app,
            &expired,
            Some(signature::sign(&expired, "whsec_other", t))
        )
        .await,
        400,
        "another secret"
    );
    assert_eq!(
        deliver(
            &app,
            &expired,
            Some(signature::sign(&expired, WEBHOOK_SECRET, t - 301))
        )
        .await,
        400,
        "older than 300 s"
    );
    assert_eq!(
        deliver(&app, &expired, Some(format!("t={t},v0={v1}"))).await,
        400,
        "v0 only"
    );
    assert_eq!(
        deliver(&app, &expired, Some(format!("t={t},v1={wrong},v1={v1}"))).await,
        200,
        "the second v1 matches"
    );
    // Unknown types are acknowledged and ignored.
    let other = stripe_event(
        "evt_other",
        "customer.created",
        serde_json::json!({ "id": "cus_1" }),
    );
    let signed = signature::sign(&other, WEBHOOK_SECRET, t);
    assert_eq!(deliver(&app, &other, Some(signed)).await, 200);
    let (_, page) = app.page(&format!("/applications/{id}")).await;
    assert!(
        page.contains("Enrolled"),
        "completed then expired: still enrolled"
    );

    app.dispatch_pending_jobs().await;
    let mails = app.smtp.wait_for(3, Duration::from_secs(10)).await;
    let confirmations: Vec<_> = mails
        .iter()
        .filter(|m| {
            m.header("Subject")
                .is_some_and(|s| s.starts_with("You are enrolled"))
        })
        .collect();
    assert_eq!(confirmations.len(), 1);
    // With the calendar invitation and the receipt of the card payment.
    let confirmation = confirmations[0];
    let ics = confirmation
        .attachment("summer-school.ics")
        .expect("an .ics");
    let ics = String::from_utf8(ics).unwrap();
    assert!(ics.contains("BEGIN:VEVENT"), "{ics}");
    let number = format!("DEMO-R-{}-00001", OffsetDateTime::now_utc().year());
    let receipt = confirmation
        .attachment(&format!("{number}.pdf"))
        .expect("a receipt");
    let text = crate::harness::pdf_text(&receipt).await;
    assert!(text.contains("Card payment (Stripe)"), "{text}");
    assert!(text.contains(&format!("No. {number}")), "{text}");

    // Finance gives €500 back: the refund goes to Stripe on the payment intent, once.
    let finance = app.signed_in("finance@u-paris.fr", "finance", &[]).await;
    let (_, page) = finance.page("/organizer/finance").await;
    assert!(
        page.contains("Stripe Payer") || page.contains("stripe.payer@example.org"),
        "{page}"
    );
    let refund_path = format!("/organizer/finance/orders/{order}/refund");
    let r = finance
        .submit(
            "/organizer/finance",
            &refund_path,
            &[
                ("amount", "500"),
                ("reason", "Arrives a week late: agreed partial refund"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    app.dispatch_pending_jobs().await;
    app.dispatch_pending_jobs().await;
    let refunds = stand_in.refunds();
    assert_eq!(refunds.len(), 1, "{refunds:?}");
    let asked = &refunds[0];
    assert_eq!(asked.form.get("amount").map(String::as_str), Some("50000"));
    assert_eq!(
        asked.form.get("payment_intent").map(String::as_str),
        Some("pi_test_0001")
    );
    assert!(
        asked
            .idempotency_key
            .as_deref()
            .is_some_and(|k| k.starts_with("refund-"))
    );
    let our_refund = asked.form["metadata[refund_id]"].clone();
    let (_, page) = finance.page("/organizer/finance").await;
    assert!(page.contains("Sent, waiting for the provider"), "{page}");
    // Stripe says it went through (twice, and the charge-level event too): one credit note, and
    // the order is not taken for money given back elsewhere.
    let refund_object = serde_json::json!({
        "id": asked.session, "object": "refund", "status": "succeeded", "amount": 50000,
        "currency": "eur", "payment_intent": "pi_test_0001", "metadata": { "refund_id": our_refund },
    });
    let t = OffsetDateTime::now_utc().unix_timestamp();
    for id in ["evt_refund_ok", "evt_refund_ok"] {
        let body = stripe_event(id, "refund.updated", refund_object.clone());
        assert_eq!(
            deliver(&app, &body, Some(signature::sign(&body, WEBHOOK_SECRET, t))).await,
            200
        );
    }
    let charge = stripe_event(
        "evt_charge_refunded",
        "charge.refunded",
        serde_json::json!({ "id": "ch_1", "object": "charge", "payment_intent": "pi_test_0001" }),
    );
    assert_eq!(
        deliver(
            &app,
            &charge,
            Some(signature::sign(&charge, WEBHOOK_SECRET, t))
        )
        .await,
        200
    );
    let trail: Vec<String> = app
        .store
        .audit_events("application", &id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        trail.iter().filter(|a| *a == "refund.completed").count(),
        1,
        "{trail:?}"
    );
    assert!(!trail.iter().any(|a| a == "order.flagged"), "{trail:?}");
    let (_, page) = finance.page("/organizer/finance").await;
    assert!(page.contains("Done") && page.contains("€500"), "{page}");
    // The applicant is told, with the credit note that names the receipt it corrects.
    app.dispatch_pending_jobs().await;
    // Received, offer, enrolled, finance's welcome, and the refund.
    let mails = app.smtp.wait_for(5, Duration::from_secs(10)).await;
    let told = mails
        .iter()
        .find(|m| {
            m.header("Subject")
                .is_some_and(|s| s.starts_with("Your refund"))
        })
        .expect("the refund's email");
    let note = format!("DEMO-A-{}-00001", OffsetDateTime::now_utc().year());
    let pdf = told
        .attachment(&format!("{note}.pdf"))
        .expect("the credit note");
    let text = crate::harness::pdf_text(&pdf).await;
    for expected in [
        "CREDIT NOTE".to_owned(),
        format!("No. {note}"),
        "Total refunded".to_owned(),
        "€500.00".to_owned(),
        format!("corrects receipt {number}"),
        "agreed partial refund".to_owned(),
    ] {
        assert!(text.contains(&expected), "{expected} in {text}");
    }
    app.stop().await;
}

#[tokio::test]
async fn reconciliation_reports_a_missed_webhook_and_a_session_we_never_opened() {
    let (stand_in, base) = StandIn::start().await;
    let app = spawn_app_with(Options {
        demo: true,
        env: stripe_env(&base),
        ..Options::default()
    })
    .await;
    let (id, _, _) = offered(&app, "reconciled@example.org").await;
    let (_, page) = app.page(&format!("/applications/{id}")).await;
    let r = app
        .post_form(
            &format!("/applications/{id}/pay"),
            &[("csrf", &csrf_of(&page))],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    // Paid at Stripe, but the webhook never came; and a session of another integration.
    let session = stand_in.pay("cs_test_0001");
    let foreign = reqwest::Client::new()
        .post(format!("{base}v1/checkout/sessions"))
        .form(&[("mode", "payment"), ("client_reference_id", "elsewhere")])
        .send()
        .await
        .unwrap();
    assert!(foreign.status().is_success());
    let stripe = StripeProvider::new("sk_test_stand_in", Some(&base)).unwrap();
    let found = reconcile::differences(app.store.as_ref(), &stripe, 7, OffsetDateTime::now_utc())
        .await
        .unwrap();
    let lines: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("cs_test_0001: paid at the provider, not confirmed here"))
    );
    assert!(lines.contains(&"cs_test_0002: at the provider, unknown here".to_owned()));

    // The worker's periodic run finds the same two.
    assert_eq!(app.worker.reconcile().await.unwrap(), 2);

    // The command says the same, and fails so that a scheduler notices.
    // Asynchronously: the stand-in answers on this test's own runtime.
    let out = tokio::process::Command::new(crate::harness::binary())
        .args(["payments", "reconcile", "--days", "2"])
        .env_clear()
        .envs(crate::harness::base_env(
            &app.db,
            &app.smtp,
            app.data_dir.path(),
        ))
        .envs(stripe_env(&base))
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(
        stdout.contains("cs_test_0001: paid at the provider, not confirmed here"),
        "{stdout}"
    );

    // Once the webhook arrives, only the stranger is left.
    let body = stripe_event("evt_late_hook", "checkout.session.completed", session);
    let signed = signature::sign(
        &body,
        WEBHOOK_SECRET,
        OffsetDateTime::now_utc().unix_timestamp(),
    );
    assert_eq!(deliver(&app, &body, Some(signed)).await, 200);
    let found = reconcile::differences(app.store.as_ref(), &stripe, 7, OffsetDateTime::now_utc())
        .await
        .unwrap();
    assert_eq!(
        found,
        [Difference::UnknownSession {
            session: "cs_test_0002".into()
        }]
    );
    assert_eq!(app.worker.reconcile().await.unwrap(), 1);
    app.stop().await;
}

#[tokio::test]
async fn receipts_are_numbered_without_gaps_when_payments_arrive_together() {
    each_backend(async |s: Arc<dyn Store>| {
        // The first-come program: sending the application makes the offer.
        let (first_come, _) = load_cohort_catalog(s.as_ref()).await;
        let now = OffsetDateTime::now_utc();
        let mut paid = Vec::new();
        for n in 0..12 {
            let a = complete_draft(s.as_ref(), &first_come, 100 + n).await;
            submit(s.as_ref(), &a, ReviewMode::FirstCome, 100 + n)
                .await
                .unwrap();
            let start = s
                .start_payment(&a.applicant_id, &a.application_id, "simulated", now)
                .await
                .unwrap();
            let session = format!("cs_gapless_{n}");
            s.attach_checkout(
                &start.payment_id,
                &session,
                "/checkout",
                now + time::Duration::hours(1),
                now,
            )
            .await
            .unwrap();
            let confirm = event(
                &format!("evt_{n}"),
                &session,
                &start.order_id,
                start.amount_cents,
                PaymentEventKind::Completed { paid: true },
            );
            paid.push((a, confirm));
        }
        // Every payment confirmed at once, each delivered twice.
        let mut tasks = tokio::task::JoinSet::new();
        for (_, e) in paid.iter().chain(paid.iter()) {
            let (s, e) = (s.clone(), e.clone());
            tasks.spawn(async move {
                s.apply_payment_event(&e, OffsetDateTime::now_utc())
                    .await
                    .unwrap()
            });
        }
        let enrolled = tasks
            .join_all()
            .await
            .into_iter()
            .filter(|o| matches!(o, EventOutcome::Enrolled { .. }))
            .count();
        assert_eq!(enrolled, 12);
        // The receipts come from the jobs the enrollments queued: issued all at once too.
        let mut tasks = tokio::task::JoinSet::new();
        for payment in queued_receipts(s.as_ref()).await {
            let s = s.clone();
            tasks.spawn(async move {
                s.issue_receipt(&payment, OffsetDateTime::now_utc())
                    .await
                    .unwrap()
            });
        }
        let issued = tasks.join_all().await;
        assert_eq!(issued.iter().filter(|n| n.is_some()).count(), 12);
        let year = OffsetDateTime::now_utc().year();
        let mut numbers = Vec::new();
        for (a, _) in &paid {
            let receipts = s.receipts(&a.application_id).await.unwrap();
            assert_eq!(receipts.len(), 1, "one receipt per payment");
            assert!(receipts[0].total_cents > 0);
            assert_eq!(receipts[0].total_cents, paid_cents(&receipts[0]));
            numbers.push(receipts[0].number.clone());
        }
        numbers.sort();
        let expected: Vec<String> = (1..=12).map(|n| format!("R-{year}-{n:05}")).collect();
        assert_eq!(numbers, expected, "1 to 12, no gap, no repeat");
    })
    .await;
}

/// What a receipt's lines add up to.
fn paid_cents(r: &summer_school::domain::receipt::ReceiptRecord) -> i64 {
    r.lines.iter().map(|l| l.cents).sum()
}

#[tokio::test]
async fn finance_is_told_of_money_that_came_too_late_and_gives_it_back_with_a_credit_note() {
    let app = demo_app().await;
    let finance = app.signed_in("finance@u-paris.fr", "finance", &[]).await;
    let (id, _, deadline) = offered(&app, "late.payer@example.org").await;
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
        body.contains("The money arrived after the offer had expired"),
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
        page.contains("The money arrived after the offer had expired"),
        "{page}"
    );
    assert!(
        page.contains("value=\"3100.00\""),
        "the whole payment proposed: {page}"
    );
    let order = order_of(&app, &id).await;
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
        !page.contains("The money arrived after the offer had expired"),
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

/// The payments whose receipt the outbox waits to issue.
pub(crate) async fn queued_receipts(store: &dyn Store) -> Vec<String> {
    store
        .jobs(summer_school::store::JobFilter::Pending, 10_000)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|j| match serde_json::from_value(j.payload) {
            Ok(summer_school::domain::job::JobPayload::IssueReceipt { payment_id }) => {
                Some(payment_id)
            }
            _ => None,
        })
        .collect()
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
    let (id, _, _) = offered(&app, "visa.refused@example.org").await;
    pay_at_the_simulated_checkout(&app, &id).await;
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
    let order = order_of(&app, &id).await;
    let action = format!("/organizer/finance/orders/{order}/refund");
    let (_, page) = finance.page("/organizer/finance").await;
    assert!(
        page.contains(&format!("id=\"cancel-{order}\"")),
        "an enrolled applicant's order offers the cancellation: {page}"
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
    let (other, _, _) = offered(&app, "all.back@example.org").await;
    pay_at_the_simulated_checkout(&app, &other).await;
    let order = order_of(&app, &other).await;
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
