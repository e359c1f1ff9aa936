//! Paying an offer: the simulated checkout over HTTP to the confirmation email, and the store's rules
//! for providers' events (each applied once, late or mismatched money flagged, never enrolled), on
//! SQLite and on Postgres.

use std::sync::Arc;
use std::time::Duration;

use summer_school::domain::audit::Actor;
use summer_school::domain::job::NoticeKind;
use summer_school::domain::ledger::Balance;
use summer_school::domain::offer::payment_deadline;
use summer_school::domain::payment::{Attention, EventOutcome, PaymentEvent, PaymentEventKind};
use summer_school::domain::status::{ApplicationStatus, LedgerKind, ReviewMode};
use summer_school::store::{self, Store};
use time::OffsetDateTime;

use crate::applications::demo_app;
use crate::cohort::{
    Applicant, accept, complete_draft, load_cohort_catalog, pending_notices, submit,
};
use crate::harness::{TestApp, TestDb, csrf_of, location};

impl TestApp {
    /// An applicant who sent their application through the pages and was offered a place at the
    /// catalog price; returns the application id, the moment of the offer and its deadline.
    pub(crate) async fn offered(&self, email: &str) -> (String, OffsetDateTime, OffsetDateTime) {
        let app = self;
        let id = app.apply_and_send(email).await;
        let now = OffsetDateTime::now_utc();
        let deadline = payment_deadline(now, 14);
        app.store
            .decide(&id, &accept(deadline), &Actor::Cli, now)
            .await
            .unwrap();
        (id, now, deadline)
    }
}

impl TestApp {
    /// The id of the application's order.
    pub(crate) async fn order_of(&self, application_id: &str) -> String {
        let app = self;
        app.store
            .standing(application_id)
            .await
            .unwrap()
            .offer
            .expect("an offer")
            .order_id
    }
}

impl TestApp {
    /// The signed-in applicant presses "Pay", then "Pay" on the simulated checkout: enrolled.
    pub(crate) async fn pay_at_the_simulated_checkout(&self, application_id: &str) {
        let app = self;
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
}

#[tokio::test]
async fn an_accepted_applicant_pays_at_the_simulated_checkout_and_is_enrolled_once() {
    let app = demo_app().await;
    let (id, _, _) = app.offered("payer@example.org").await;

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

pub(crate) fn event(
    id: &str,
    session: &str,
    order: &str,
    cents: i64,
    kind: PaymentEventKind,
) -> PaymentEvent {
    PaymentEvent {
        provider: "simulated".into(),
        event_id: id.into(),
        session: Some(session.into()),
        intent: None,
        refund: None,
        order_id: Some(order.into()),
        amount_cents: Some(cents),
        currency: Some("eur".into()),
        refunded_total_cents: None,
        kind,
    }
}

pub(crate) async fn status_of(store: &dyn Store, a: &Applicant) -> ApplicationStatus {
    store
        .application(&a.applicant_id, &a.application_id)
        .await
        .unwrap()
        .status
}

pub(crate) async fn each_backend(story: impl AsyncFn(Arc<dyn Store>)) {
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

/// What a receipt's lines add up to.
fn paid_cents(r: &summer_school::domain::receipt::ReceiptRecord) -> i64 {
    r.lines.iter().map(|l| l.cents).sum()
}

/// The money an order holds by its ledger, and where it stands.
async fn ledger_of(store: &dyn Store, order: &str) -> (i64, Balance) {
    let ledger = store.order_ledger(order).await.unwrap();
    (ledger.held_cents(), ledger.balance())
}

/// A refund finance starts, answered done by the provider at once.
async fn refunded(store: &dyn Store, order: &str, cents: i64, now: OffsetDateTime) {
    let refund = store
        .start_refund(order, cents, "Given back", &Actor::Cli, now)
        .await
        .unwrap();
    store
        .refund_sent(&refund, &format!("re_{refund}"), true, now)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_mismatched_payment_is_held_in_the_ledger_until_given_back_then_the_order_is_paid_again()
{
    each_backend(async |s: Arc<dyn Store>| {
        let (a, order, cents) = accepted_with_checkout(s.as_ref(), 1, "cs_short").await;
        let now = OffsetDateTime::now_utc();
        let short = event(
            "evt_short",
            "cs_short",
            &order,
            cents - 10_000,
            PaymentEventKind::Completed { paid: true },
        );
        assert_eq!(
            s.apply_payment_event(&short, now).await.unwrap(),
            EventOutcome::Flagged {
                attention: Attention::Mismatch
            }
        );
        // The money is at the provider: the ledger holds it, the order still asks the rest.
        assert_eq!(
            ledger_of(s.as_ref(), &order).await,
            (cents - 10_000, Balance::Due(10_000))
        );
        // A second delivery of the same payment adds nothing.
        let again = PaymentEvent {
            event_id: "evt_short_again".into(),
            ..short.clone()
        };
        s.apply_payment_event(&again, now).await.unwrap();
        assert_eq!(ledger_of(s.as_ref(), &order).await.0, cents - 10_000);
        // Finance cannot give back more than the ledger holds; giving it all back clears the flag.
        assert!(matches!(
            s.start_refund(&order, cents, "Too much", &Actor::Cli, now)
                .await,
            Err(store::StoreError::Refused(_))
        ));
        refunded(s.as_ref(), &order, cents - 10_000, now).await;
        assert_eq!(
            ledger_of(s.as_ref(), &order).await,
            (0, Balance::Due(cents))
        );
        let trail = audit_trail(s.as_ref(), &a).await;
        assert!(trail.iter().any(|t| t == "order.flag_cleared"), "{trail:?}");
        let flagged = s
            .finance_overview()
            .await
            .unwrap()
            .orders
            .into_iter()
            .find(|o| o.order_id == order)
            .unwrap();
        assert_eq!(flagged.attention, None);
        // The applicant pays again, the right amount this time: enrolled, settled.
        let start = s
            .start_payment(&a.applicant_id, &a.application_id, "simulated", now)
            .await
            .unwrap();
        s.attach_checkout(
            &start.payment_id,
            "cs_right",
            "/checkout",
            now + time::Duration::hours(1),
            now,
        )
        .await
        .unwrap();
        let right = event(
            "evt_right",
            "cs_right",
            &order,
            cents,
            PaymentEventKind::Completed { paid: true },
        );
        assert!(matches!(
            s.apply_payment_event(&right, now).await.unwrap(),
            EventOutcome::Enrolled { .. }
        ));
        assert_eq!(
            ledger_of(s.as_ref(), &order).await,
            (cents, Balance::Settled)
        );
    })
    .await;
}

#[tokio::test]
async fn a_partial_refund_in_the_providers_dashboard_then_ours_of_the_rest_balance_exactly() {
    each_backend(async |s: Arc<dyn Store>| {
        let (a, order, cents) = accepted_with_checkout(s.as_ref(), 1, "cs_dash").await;
        let now = OffsetDateTime::now_utc();
        let later = |minutes: i64| now + time::Duration::minutes(minutes);
        let paid = PaymentEvent {
            intent: Some("pi_dash".into()),
            ..event(
                "evt_paid",
                "cs_dash",
                &order,
                cents,
                PaymentEventKind::Completed { paid: true },
            )
        };
        assert!(matches!(
            s.apply_payment_event(&paid, now).await.unwrap(),
            EventOutcome::Enrolled { .. }
        ));
        assert_eq!(
            ledger_of(s.as_ref(), &order).await,
            (cents, Balance::Settled)
        );
        // €1,000 given back from the provider's dashboard: its charge event says so in all.
        let charge = |id: &str, total: i64| PaymentEvent {
            event_id: id.into(),
            session: None,
            intent: Some("pi_dash".into()),
            order_id: None,
            amount_cents: None,
            currency: None,
            refunded_total_cents: Some(total),
            kind: PaymentEventKind::Refunded,
            ..paid.clone()
        };
        assert_eq!(
            s.apply_payment_event(&charge("evt_dash", 100_000), later(1))
                .await
                .unwrap(),
            EventOutcome::Flagged {
                attention: Attention::Refunded
            }
        );
        assert_eq!(
            ledger_of(s.as_ref(), &order).await,
            (cents - 100_000, Balance::Due(100_000))
        );
        // Not taken as a full refund: what finance may still give back is the rest, no more.
        let overview = s.finance_overview().await.unwrap();
        let row = overview
            .orders
            .iter()
            .find(|o| o.order_id == order)
            .unwrap();
        assert_eq!(row.refundable_cents(), cents - 100_000);
        assert_eq!(row.refunded_cents(), 100_000);
        assert!(matches!(
            s.start_refund(&order, cents - 100_000 + 1, "Rest", &Actor::Cli, now)
                .await,
            Err(store::StoreError::Refused(_))
        ));
        // Our refund of the rest, cancelling the enrollment: then the charge's own event, whose
        // total counts both, adds nothing.
        let refund = s
            .cancel_enrollment(
                &a.application_id,
                "Visa refused",
                Some(cents - 100_000),
                &Actor::Cli,
                later(2),
            )
            .await
            .unwrap()
            .unwrap();
        s.refund_sent(&refund, "re_rest", true, later(3))
            .await
            .unwrap();
        assert_eq!(
            s.apply_payment_event(&charge("evt_all", cents), later(4))
                .await
                .unwrap(),
            EventOutcome::Unchanged
        );
        let ledger = s.order_ledger(&order).await.unwrap();
        assert_eq!(ledger.held_cents(), 0);
        assert_eq!(ledger.received_cents(), cents);
        assert_eq!(ledger.given_back_cents(), cents);
        assert_eq!(ledger.balance(), Balance::Settled);
        let kinds: Vec<LedgerKind> = ledger.entries.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            [
                LedgerKind::Card,
                LedgerKind::ProviderRefund,
                LedgerKind::Refund
            ]
        );
        // A replay of the dashboard's event changes nothing.
        assert_eq!(
            s.apply_payment_event(&charge("evt_dash", 100_000), now)
                .await
                .unwrap(),
            EventOutcome::Duplicate
        );
    })
    .await;
}

#[tokio::test]
async fn paying_twice_flags_the_second_payment_for_its_refund_and_the_ledger_settles() {
    each_backend(async |s: Arc<dyn Store>| {
        let (a, order, cents) = accepted_with_checkout(s.as_ref(), 1, "cs_first").await;
        let now = OffsetDateTime::now_utc();
        // A second attempt with another provider, both checkouts open (a second device).
        let second = s
            .start_payment(&a.applicant_id, &a.application_id, "stripe", now)
            .await
            .unwrap();
        s.attach_checkout(
            &second.payment_id,
            "cs_second",
            "/checkout",
            now + time::Duration::hours(1),
            now,
        )
        .await
        .unwrap();
        let first = event(
            "evt_first",
            "cs_first",
            &order,
            cents,
            PaymentEventKind::Completed { paid: true },
        );
        assert!(matches!(
            s.apply_payment_event(&first, now).await.unwrap(),
            EventOutcome::Enrolled { .. }
        ));
        let again = PaymentEvent {
            provider: "stripe".into(),
            ..event(
                "evt_second",
                "cs_second",
                &order,
                cents,
                PaymentEventKind::Completed { paid: true },
            )
        };
        assert_eq!(
            s.apply_payment_event(&again, now).await.unwrap(),
            EventOutcome::Flagged {
                attention: Attention::RefundDue
            }
        );
        assert_eq!(
            ledger_of(s.as_ref(), &order).await,
            (2 * cents, Balance::Overpaid(cents))
        );
        // The second payment given back: settled, the flag cleared, the enrollment kept.
        refunded(s.as_ref(), &order, cents, now).await;
        assert_eq!(
            ledger_of(s.as_ref(), &order).await,
            (cents, Balance::Settled)
        );
        let row = s
            .finance_overview()
            .await
            .unwrap()
            .orders
            .into_iter()
            .find(|o| o.order_id == order)
            .unwrap();
        assert_eq!(row.attention, None);
        assert_eq!(status_of(s.as_ref(), &a).await, ApplicationStatus::Enrolled);
    })
    .await;
}
