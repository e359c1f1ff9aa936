//! Paying through Stripe Checkout against the stand-in: enrolled once from the signed webhook,
//! and reconciliation finding a missed webhook and a session we never opened.

use std::time::Duration;

use summer_school::domain::payment::Difference;
use summer_school::jobs::reconcile;
use summer_school::payments::signature;
use summer_school::payments::stripe::StripeProvider;
use time::OffsetDateTime;

use crate::harness::location;
use crate::harness::{Options, TestApp, csrf_of, spawn_app_with};
use crate::stripe_stand_in::StandIn;

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

/// An app with the demo edition open, paying through the stand-in at `base`.
async fn stripe_app(base: &str) -> TestApp {
    spawn_app_with(Options {
        demo: true,
        env: stripe_env(base),
        ..Options::default()
    })
    .await
}

#[tokio::test]
async fn paying_through_stripe_checkout_enrolls_once_from_the_signed_webhook() {
    let (stand_in, base) = StandIn::start().await;
    let app = stripe_app(&base).await;
    let (id, now, deadline) = app.offered("stripe.payer@example.org").await;
    let order = app.order_of(&id).await;

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
    assert!(text.contains("RECEIVED FROM"), "{text}");
    assert!(text.contains("SIRET 130 025 265 00013"), "{text}");

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
        serde_json::json!({ "id": "ch_1", "object": "charge", "payment_intent": "pi_test_0001",
                            "amount": 310_000, "amount_refunded": 50_000, "currency": "eur" }),
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
        // Who is refunded, and the seller's legal mentions.
        "REFUNDED TO".to_owned(),
        "Seller: Université Paris Cité, 85 boulevard Saint-Germain, 75006 Paris, France."
            .to_owned(),
        "SIRET 130 025 265 00013".to_owned(),
        "VAT not applicable, article 261-4-4°".to_owned(),
    ] {
        assert!(text.contains(&expected), "{expected} in {text}");
    }
    app.stop().await;
}

#[tokio::test]
async fn reconciliation_reports_a_missed_webhook_and_a_session_we_never_opened() {
    let (stand_in, base) = StandIn::start().await;
    let app = stripe_app(&base).await;
    let (id, _, _) = app.offered("reconciled@example.org").await;
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
        .header("authorization", "Bearer sk_test_another_integration")
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

    // The worker's periodic run finds the same two, shows them to finance and emails them once.
    let finance = app.signed_in("finance@u-paris.fr", "finance", &[]).await;
    assert_eq!(app.worker.reconcile().await.unwrap(), 2);
    let (_, page) = finance.page("/organizer/finance").await;
    assert!(page.contains("over 7 days: 2 differences."), "{page}");
    assert!(
        page.contains("Checkout Session cs_test_0001 is paid at Stripe but not confirmed here"),
        "{page}"
    );
    assert!(
        page.contains("cs_test_0002 is at Stripe but was not opened here"),
        "{page}"
    );
    assert_eq!(
        app.worker.reconcile().await.unwrap(),
        2,
        "the same two again"
    );
    app.dispatch_pending_jobs().await;
    app.dispatch_pending_jobs().await;
    let told = |app: &TestApp| {
        app.smtp
            .messages()
            .into_iter()
            .filter(|m| {
                m.rcpt_to().contains("finance@u-paris.fr")
                    && m.header("Subject")
                        .is_some_and(|s| s.contains("Stripe and our payments differ"))
            })
            .collect::<Vec<_>>()
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while told(&app).is_empty() && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let mails = told(&app);
    assert_eq!(mails.len(), 1, "emailed once for the same differences");
    let body = mails[0].text_body();
    assert!(
        body.contains("cs_test_0001") && body.contains("cs_test_0002"),
        "{body}"
    );
    assert!(body.contains("/organizer/finance"), "{body}");

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

/// Stripe delivers an event again until it gets a 2xx: with the database out of reach the webhook
/// answers 503, so the event is neither lost nor reported as a bug of ours.
#[tokio::test]
async fn a_webhook_that_cannot_reach_the_database_answers_503_for_stripe_to_deliver_it_again() {
    // SQLite is a file of this process: only a networked database can be cut off.
    let Some(admin_url) = crate::harness::postgres_url() else {
        return;
    };
    let db = crate::harness::TestDb::fresh_postgres(&admin_url).await;
    let (relay, cut) = crate::pages::relay_to_postgres(5432).await;
    let url = db
        .url()
        .replacen("127.0.0.1:5432", &format!("127.0.0.1:{relay}"), 1);
    let (_stand_in, base) = StandIn::start().await;
    let mut env = stripe_env(&base);
    env.push(("DATABASE_URL", url));
    let app = spawn_app_with(Options {
        env,
        ..Options::default()
    })
    .await;
    app.leaves_jobs();
    let session = serde_json::json!({
        "id": "cs_test_never_opened", "object": "checkout.session", "payment_status": "paid",
        "amount_total": 310000, "currency": "eur"
    });
    let body = stripe_event("evt_outage_1", "checkout.session.completed", session);
    let signed = || {
        signature::sign(
            &body,
            WEBHOOK_SECRET,
            OffsetDateTime::now_utc().unix_timestamp(),
        )
    };
    assert_eq!(
        deliver(&app, &body, Some(signed())).await,
        200,
        "answered while the database is there"
    );
    cut.abort();
    let _ = cut.await;
    assert_eq!(deliver(&app, &body, Some(signed())).await, 503);
}

/// The stand-in refuses what Stripe refuses of the requests the service makes, so that the tests
/// would see the service make them: no key, an `expires_at` outside 30 minutes to 24 hours from
/// creation, an idempotency key reused with other parameters. The service's own requests pass.
#[tokio::test]
async fn the_stand_in_refuses_what_stripe_refuses_and_the_service_stays_inside() {
    let (stand_in, base) = StandIn::start().await;
    let client = reqwest::Client::new();
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let create = |key: Option<&'static str>, form: Vec<(&'static str, String)>, auth: bool| {
        let mut r = client
            .post(format!("{base}v1/checkout/sessions"))
            .form(&form);
        if auth {
            r = r.header("authorization", "Bearer sk_test_stand_in");
        }
        if let Some(k) = key {
            r = r.header("idempotency-key", k);
        }
        async move {
            let r = r.send().await.unwrap();
            let status = r.status().as_u16();
            (status, r.json::<serde_json::Value>().await.unwrap())
        }
    };
    let (status, _) = create(None, vec![("mode", "payment".into())], false).await;
    assert_eq!(status, 401, "no API key");
    for (expires_at, why) in [
        (now + 29 * 60, "under 30 minutes"),
        (now + 86_400 + 60, "over 24 hours"),
    ] {
        let (status, body) = create(None, vec![("expires_at", expires_at.to_string())], true).await;
        assert_eq!(status, 400, "{why}");
        assert_eq!(body["error"]["param"], "expires_at", "{why}: {body}");
    }
    let (status, _) = create(
        Some("k1"),
        vec![("expires_at", (now + 3_600).to_string())],
        true,
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = create(
        Some("k1"),
        vec![("expires_at", (now + 7_200).to_string())],
        true,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["type"], "idempotency_error", "{body}");
    let (status, _) = create(
        Some("k1"),
        vec![("expires_at", (now + 3_600).to_string())],
        true,
    )
    .await;
    assert_eq!(
        status, 200,
        "the same parameters get the first answer again"
    );

    // The service's checkout, opened a day before the offer's deadline and well before it, passes.
    let app = stripe_app(&base).await;
    let (id, _, _) = app.offered("stripe.window@example.org").await;
    let (_, page) = app.page(&format!("/applications/{id}")).await;
    let r = app
        .post_form(
            &format!("/applications/{id}/pay"),
            &[("csrf", &csrf_of(&page))],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "inside Stripe's window");
    let sent = stand_in.created().pop().unwrap();
    let expires_at: i64 = sent.form["expires_at"].parse().unwrap();
    let created = OffsetDateTime::now_utc().unix_timestamp();
    assert!(
        expires_at <= created + 86_400 - 60,
        "a margin from 24 hours"
    );

    // A completed session that does not say what was charged never enrolls.
    let mut session = stand_in.pay(&sent.session);
    session.as_object_mut().unwrap().remove("amount_total");
    let body = stripe_event("evt_no_amount", "checkout.session.completed", session);
    let t = OffsetDateTime::now_utc().unix_timestamp();
    let signed = signature::sign(&body, WEBHOOK_SECRET, t);
    assert_eq!(deliver(&app, &body, Some(signed)).await, 200);
    let enrolled = app
        .store
        .audit_events("application", &id)
        .await
        .unwrap()
        .into_iter()
        .any(|e| e.action == "application.enrolled");
    assert!(!enrolled, "no amount, no enrollment");
    app.leaves_jobs();
}

/// Fifty presses of Pay at once on one order (a double click, many tabs) open one Checkout
/// Session: the attempt being opened is taken by every other press, with its idempotency key and the
/// same parameters, so Stripe answers with the same session, and the database holds one attempt.
#[tokio::test]
async fn fifty_presses_of_pay_at_once_open_one_checkout() {
    let (stand_in, base) = StandIn::start().await;
    let app = stripe_app(&base).await;
    let (id, _, _) = app.offered("stripe.presses@example.org").await;
    let (_, page) = app.page(&format!("/applications/{id}")).await;
    let csrf = csrf_of(&page);
    let mut presses = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let (client, url, csrf) = (
            app.client.clone(),
            format!("{}/applications/{id}/pay", app.base),
            csrf.clone(),
        );
        presses.spawn(async move {
            let r = client
                .post(url)
                .form(&[("csrf", csrf)])
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), location(&r))
        });
    }
    let answers = presses.join_all().await;
    for (status, _) in &answers {
        assert_eq!(*status, 303, "{answers:?}");
    }
    let places: std::collections::HashSet<&String> = answers.iter().map(|(_, l)| l).collect();
    assert_eq!(
        places.len(),
        1,
        "every press goes to the same checkout: {places:?}"
    );
    let created = stand_in.created();
    assert_eq!(created.len(), 1, "one session at Stripe: {created:?}");
    let order = app.order_of(&id).await;
    let attempts = app
        .store
        .audit_events("application", &id)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "payment.started")
        .count();
    assert_eq!(attempts, 1, "one attempt for order {order:?}");
}

#[tokio::test]
async fn reconciliation_reads_every_page_of_stripes_list() {
    let (stand_in, base) = StandIn::start().await;
    let app = stripe_app(&base).await;
    let (id, _, _) = app.offered("paged@example.org").await;
    let (_, page) = app.page(&format!("/applications/{id}")).await;
    let r = app
        .post_form(
            &format!("/applications/{id}/pay"),
            &[("csrf", &csrf_of(&page))],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    stand_in.pay("cs_test_0001");
    // 130 newer sessions of another integration: ours is on the list's second page of 100.
    let http = reqwest::Client::new();
    for n in 0..130 {
        let r = http
            .post(format!("{base}v1/checkout/sessions"))
            .header("authorization", "Bearer sk_test_another_integration")
            .form(&[
                ("mode", "payment"),
                ("client_reference_id", &format!("other-{n}")),
            ])
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
    }
    // The stand-in pages like Stripe: ten by default, no more than a hundred, from a known id.
    let list = |query: &'static str| {
        let http = http.clone();
        let url = format!("{base}v1/checkout/sessions?{query}");
        async move {
            let r = http
                .get(url)
                .header("authorization", "Bearer sk_test_stand_in")
                .send()
                .await
                .unwrap();
            (
                r.status().as_u16(),
                r.json::<serde_json::Value>().await.unwrap(),
            )
        }
    };
    let (status, first) = list("").await;
    assert_eq!(status, 200);
    assert_eq!(first["data"].as_array().unwrap().len(), 10);
    assert_eq!(first["has_more"], true);
    assert_eq!(first["data"][0]["id"], "cs_test_0131", "newest first");
    let (status, error) = list("limit=101").await;
    assert_eq!(
        (status, error["error"]["param"].as_str()),
        (400, Some("limit"))
    );
    let (status, error) = list("starting_after=cs_nobody").await;
    assert_eq!(
        (status, error["error"]["param"].as_str()),
        (400, Some("starting_after"))
    );
    let (status, last) = list("limit=100&starting_after=cs_test_0032").await;
    assert_eq!(status, 200);
    assert_eq!(last["data"].as_array().unwrap().len(), 31);
    assert_eq!(last["has_more"], false);
    let unauthorized = http
        .get(format!("{base}v1/checkout/sessions"))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthorized.status().as_u16(), 401);

    // Reconciliation reads every page: the missed payment on the second is found.
    let stripe = StripeProvider::new("sk_test_stand_in", Some(&base)).unwrap();
    let found = reconcile::differences(app.store.as_ref(), &stripe, 7, OffsetDateTime::now_utc())
        .await
        .unwrap();
    let missed = found
        .iter()
        .filter(|d| matches!(d, Difference::PaidNotConfirmed { session, .. } if session == "cs_test_0001"))
        .count();
    let strangers = found
        .iter()
        .filter(|d| matches!(d, Difference::UnknownSession { .. }))
        .count();
    assert_eq!((missed, strangers, found.len()), (1, 130, 131));
    app.stop().await;
}

/// Signs and delivers one event; Stripe's answer must be 200.
async fn send(app: &TestApp, id: &str, kind: &str, object: serde_json::Value) {
    let body = stripe_event(id, kind, object);
    let t = OffsetDateTime::now_utc().unix_timestamp();
    assert_eq!(
        deliver(app, &body, Some(signature::sign(&body, WEBHOOK_SECRET, t))).await,
        200,
        "{id}"
    );
}

#[tokio::test]
async fn a_mismatch_and_a_dashboard_refund_show_one_state_to_the_applicant_and_to_finance() {
    let (stand_in, base) = StandIn::start().await;
    let app = stripe_app(&base).await;
    let (id, _, _) = app.offered("mismatch.payer@example.org").await;
    let order = app.order_of(&id).await;
    let pay = async || {
        let (_, page) = app.page(&format!("/applications/{id}")).await;
        app.post_form(
            &format!("/applications/{id}/pay"),
            &[("csrf", &csrf_of(&page))],
        )
        .await
    };
    assert_eq!(pay().await.status().as_u16(), 303);
    // Stripe reports €3,000 paid for the €3,100 session (a coupon set up in its dashboard).
    let mut session = stand_in.pay("cs_test_0001");
    session["amount_total"] = 300_000.into();
    send(&app, "evt_short", "checkout.session.completed", session).await;

    // The applicant is told the payment is being checked, with no Pay button; pressing Pay
    // anyway opens nothing.
    let (_, page) = app.page(&format!("/applications/{id}")).await;
    assert!(page.contains("does not match your fee"), "{page}");
    assert!(
        !page.contains(&format!("\"/applications/{id}/pay\"")),
        "{page}"
    );
    assert!(
        page.contains("Card payment") && page.contains("€3,000"),
        "{page}"
    );
    assert!(page.contains("Still to pay: €100"), "{page}");
    let r = pay().await;
    assert_eq!(
        location(&r),
        format!("/applications/{id}"),
        "no second payment while it is checked: back to the page that says why"
    );
    assert_eq!(stand_in.created().len(), 1);

    // Finance sees the money at Stripe, and the refund form proposes all of it.
    let finance = app.signed_in("finance@u-paris.fr", "finance", &[]).await;
    let (_, page) = finance.page("/organizer/finance").await;
    assert!(page.contains("differs from the order"), "{page}");
    assert!(page.contains("Paid: €3,000"), "{page}");
    assert!(page.contains("value=\"3000.00\""), "{page}");
    let refund_path = format!("/organizer/finance/orders/{order}/refund");
    let r = finance
        .submit(
            "/organizer/finance",
            &refund_path,
            &[("amount", "3000"), ("reason", "Paid the wrong amount")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    app.dispatch_pending_jobs().await;
    app.dispatch_pending_jobs().await;
    let asked = stand_in.refunds();
    assert_eq!(asked.len(), 1);
    send(
        &app,
        "evt_back",
        "refund.updated",
        serde_json::json!({
            "id": asked[0].session, "object": "refund", "status": "succeeded", "amount": 300_000,
            "currency": "eur", "payment_intent": "pi_test_0001",
            "metadata": { "refund_id": asked[0].form["metadata[refund_id]"] },
        }),
    )
    .await;
    // Resolved: the flag is gone for finance, and the applicant may pay the right amount.
    let (_, page) = finance.page("/organizer/finance").await;
    assert!(!page.contains("differs from the order"), "{page}");
    let (_, page) = app.page(&format!("/applications/{id}")).await;
    assert!(!page.contains("does not match your fee"), "{page}");
    assert!(page.contains("Still to pay: €3,100"), "{page}");
    assert_eq!(pay().await.status().as_u16(), 303);
    let session = stand_in.pay("cs_test_0002");
    send(&app, "evt_right", "checkout.session.completed", session).await;
    let (_, page) = app.page(&format!("/applications/{id}")).await;
    assert!(page.contains("Enrolled"), "{page}");
    assert!(page.contains("Your fee is paid in full."), "{page}");

    // €1,000 given back from Stripe's dashboard: counted as €1,000, not as the whole payment.
    send(
        &app,
        "evt_dashboard",
        "charge.refunded",
        serde_json::json!({ "id": "ch_2", "object": "charge", "payment_intent": "pi_test_0002",
                            "amount": 310_000, "amount_refunded": 100_000, "currency": "eur" }),
    )
    .await;
    let (_, page) = finance.page("/organizer/finance").await;
    assert!(page.contains("outside this service"), "{page}");
    assert!(page.contains("Still due: €1,000"), "{page}");
    assert!(
        page.contains("value=\"2100.00\""),
        "the rest is refundable: {page}"
    );
    let (_, page) = app.page(&format!("/applications/{id}")).await;
    assert!(page.contains("Refund by the payment provider"), "{page}");
    assert!(page.contains("Still to pay: €1,000"), "{page}");
    let ledger = app.store.order_ledger(&order).await.unwrap();
    assert_eq!(
        (
            ledger.received_cents(),
            ledger.given_back_cents(),
            ledger.held_cents()
        ),
        (610_000, 400_000, 210_000)
    );
    app.stop().await;
}
