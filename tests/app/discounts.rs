//! Discount codes: organizers create them (every field checked), applicants type them on the form
//! (checked at once), an offer takes one use and prices with it, and the limit holds when offers are
//! made at the same moment, on both databases.

use std::sync::Arc;

use summer_school::domain::audit::Actor;
use summer_school::domain::fees::DiscountKind;
use summer_school::domain::payment::{PaymentEvent, PaymentEventKind};
use summer_school::domain::receipt::LineItem;
use summer_school::domain::status::ReviewMode;
use summer_school::store::discounts::{DiscountScope, NewDiscountCode};
use summer_school::store::{self, FormColumn, FormValue, Store};
use time::OffsetDateTime;

use crate::applications::demo_app;
use crate::cohort::{complete_draft, load_cohort_catalog, submit};
use crate::harness::{TestDb, csrf_of};

#[tokio::test]
async fn an_organizer_makes_a_code_and_an_applicant_who_types_it_is_offered_the_lower_fee() {
    let app = demo_app().await;
    app.one_seat_first_come().await;
    let program = app
        .store
        .programs()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.edition_is_demo && p.slug == "hands-on-clinical-emergencies")
        .unwrap()
        .program_id;
    let finance = app.signed_in("finance@u-paris.fr", "finance", &[]).await;
    let (status, list) = finance.page("/organizer/discount-codes").await;
    assert_eq!(status, 200);
    assert!(list.contains("No discount code yet."), "{list}");
    assert!(
        list.contains("Every programme of"),
        "an edition-wide code is offered to finance"
    );

    // Every field is checked; what was typed stays.
    let r = finance
        .submit(
            "/organizer/discount-codes",
            "/organizer/discount-codes",
            &[
                ("code", "no spaces allowed"),
                ("scope", "program:not-a-program"),
                ("kind", "percent"),
                ("amount", "150"),
                ("max_uses", "0"),
                ("expires_on", "2001-01-01"),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    // Each field points at its own message, for screen readers.
    for field in ["code", "amount", "max_uses", "expires_on"] {
        assert!(
            page.contains(&format!(
                "aria-describedby=\"{field}-error\" aria-invalid=\"true\""
            )),
            "{field}: {page}"
        );
    }
    for message in [
        "A code is 3 to 32 letters, digits or hyphens",
        "Choose a programme you manage.",
        "Enter a whole percentage from 1 to 100.",
        "Enter a whole number from 1 to 100000",
        "Enter a date that is not past",
        "Say in up to 200 characters what the code is for.",
    ] {
        assert!(page.contains(message), "{message}: {page}");
    }
    assert!(page.contains("value=\"no spaces allowed\""));
    assert!(page.contains("value=\"2001-01-01\""));

    let scope = format!("program:{program}");
    let good = [
        ("code", "partner-2026"),
        ("scope", scope.as_str()),
        ("kind", "percent"),
        ("amount", "10"),
        ("max_uses", "1"),
        ("expires_on", ""),
        ("note", "Partner universities' agreement"),
    ];
    let r = finance
        .submit(
            "/organizer/discount-codes",
            "/organizer/discount-codes",
            &good,
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, list) = finance.page("/organizer/discount-codes?done=created").await;
    assert!(
        list.contains("PARTNER-2026") && list.contains("10 %") && list.contains("0 / 1"),
        "{list}"
    );
    // The same name twice in an edition is refused.
    let r = finance
        .submit(
            "/organizer/discount-codes",
            "/organizer/discount-codes",
            &good,
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("has a code with this name already")
    );

    // The applicant types a code that does not exist, then the right one (in lower case).
    app.sign_in("coded@example.org").await;
    let id = app.start_application().await;
    app.fill_everything(&id).await;
    let background = |code: &'static str| {
        vec![
            ("category", "medical_student"),
            ("study_year", "5"),
            ("institution", "Hanoi Medical University"),
            ("institution_country", "VN"),
            ("partner_university", "yes"),
            ("english_level", "c1"),
            ("discount_code", code),
        ]
    };
    let r = app
        .post_step(&id, "background", &background("NOPE-2026"))
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("This code does not exist for this programme"),
        "{page}"
    );
    assert!(page.contains("value=\"NOPE-2026\""));
    let r = app
        .post_step(&id, "background", &background(" partner-2026 "))
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, check) = app.page(&format!("/applications/{id}/check")).await;
    assert!(check.contains("PARTNER-2026"), "{check}");
    let r = app
        .post_form(
            &format!("/applications/{id}/submit"),
            &[("csrf", &csrf_of(&check))],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);

    // First come: the offer is made at once, 10 % off €3,100, and says how.
    let (_, page) = app.page(&format!("/applications/{id}")).await;
    assert!(page.contains("Please pay €2,790 by"), "{page}");
    assert!(page.contains("PARTNER-2026"), "{page}");
    let (_, list) = finance.page("/organizer/discount-codes").await;
    assert!(list.contains("1 / 1"), "one use taken: {list}");

    // Used up: the next applicant hears it on the form.
    app.sign_in("late@example.org").await;
    let late = app.start_application().await;
    app.fill_everything(&late).await;
    let r = app
        .post_step(&late, "background", &background("PARTNER-2026"))
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("already been used as many times as it allows")
    );

    // Ending it early: new applicants are told it expired.
    let (_, list) = finance.page("/organizer/discount-codes").await;
    let end = list
        .split("action=\"")
        .find_map(|s| {
            s.split('"')
                .next()
                .filter(|a| a.ends_with("/PARTNER-2026/end"))
        })
        .expect("an end button")
        .to_owned();
    let r = finance.submit("/organizer/discount-codes", &end, &[]).await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, list) = finance.page("/organizer/discount-codes").await;
    assert!(list.contains("Ended on"), "{list}");
    let trail = app
        .store
        .audit_events("discount_code", "PARTNER-2026")
        .await
        .unwrap();
    let actions: Vec<_> = trail.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["discount_code.created", "discount_code.ended"]);
    app.stop().await;
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
async fn a_code_limited_to_three_uses_discounts_exactly_three_of_twelve_simultaneous_offers() {
    each_backend(async |s: Arc<dyn Store>| {
        let (first_come, _) = load_cohort_catalog(s.as_ref()).await;
        let now = OffsetDateTime::now_utc();
        s.create_discount_code(
            &NewDiscountCode {
                code: "THREE".into(),
                scope: DiscountScope::Program(first_come.program_id.clone()),
                kind: DiscountKind::Amount(50_000),
                max_uses: Some(3),
                expires_at: None,
                note: "three".into(),
            },
            &Actor::Cli,
            now,
        )
        .await
        .unwrap();
        let mut people = Vec::new();
        for n in 0..12 {
            let a = complete_draft(s.as_ref(), &first_come, 300 + n).await;
            s.save_form(
                &a.applicant_id,
                &a.application_id,
                &[(
                    FormColumn::DiscountCode,
                    FormValue::Text(Some("THREE".into())),
                )],
                now,
            )
            .await
            .unwrap();
            people.push(a);
        }
        // Twelve first-come submissions at once: each makes an offer that wants the code.
        let people = Arc::new(people);
        let mut tasks = tokio::task::JoinSet::new();
        for n in 0..people.len() {
            let (s, people) = (s.clone(), people.clone());
            tasks.spawn(async move {
                submit(s.as_ref(), &people[n], ReviewMode::FirstCome, 300 + n)
                    .await
                    .unwrap()
            });
        }
        tasks.join_all().await;
        let mut discounted = Vec::new();
        for a in people.iter() {
            let offer = s
                .standing(&a.application_id)
                .await
                .unwrap()
                .offer
                .expect("an offer");
            let list = first_come
                .fee_tiers
                .iter()
                .find(|t| t.is_standard)
                .unwrap()
                .amount
                .cents();
            if offer.total_cents == list - 50_000 {
                assert!(offer.explanation.contains("THREE"), "{}", offer.explanation);
                discounted.push(a);
            } else {
                assert_eq!(offer.total_cents, list, "full price without the code");
            }
        }
        assert_eq!(discounted.len(), 3, "exactly the code's three uses");
        // Taking a use is in the offer's audit trail.
        for a in &discounted {
            let trail = s
                .audit_events("application", &a.application_id)
                .await
                .unwrap();
            assert!(
                trail.iter().any(|e| e.action == "application.accepted"
                    && e.detail
                        .contains("discount code THREE (-50000 cents, one use taken)")),
                "{trail:?}"
            );
        }
        let uses = |codes: Vec<summer_school::store::discounts::DiscountCodeView>| {
            codes.into_iter().find(|c| c.code == "THREE").unwrap().uses
        };
        assert_eq!(uses(s.discount_codes().await.unwrap()), 3);
        // Paid, its receipt shows the code's line.
        let payer = discounted[1];
        let start = s
            .start_payment(&payer.applicant_id, &payer.application_id, "simulated", now)
            .await
            .unwrap();
        s.attach_checkout(
            &start.payment_id,
            "cs_three",
            "/checkout",
            now + time::Duration::hours(1),
            now,
        )
        .await
        .unwrap();
        let paid = PaymentEvent {
            provider: "simulated".into(),
            event_id: "evt_three".into(),
            session: Some("cs_three".into()),
            intent: None,
            refund: None,
            order_id: Some(start.order_id.clone()),
            amount_cents: Some(start.amount_cents),
            currency: Some("eur".into()),
            refunded_total_cents: None,
            kind: PaymentEventKind::Completed { paid: true },
        };
        s.apply_payment_event(&paid, now).await.unwrap();
        for payment in crate::payments::queued_receipts(s.as_ref()).await {
            s.issue_receipt(&payment, now).await.unwrap();
        }
        let receipt = s.receipts(&payer.application_id).await.unwrap().remove(0);
        assert_eq!(
            receipt
                .lines
                .iter()
                .map(|l| (l.item.clone(), l.cents))
                .collect::<Vec<_>>(),
            [
                (LineItem::Fee, start.amount_cents + 50_000),
                (
                    LineItem::Discount {
                        code: "THREE".into()
                    },
                    -50_000
                ),
            ]
        );
        // A discounted offer declined gives its use back.
        s.withdraw_application(
            &discounted[0].applicant_id,
            &discounted[0].application_id,
            now,
        )
        .await
        .unwrap();
        assert_eq!(uses(s.discount_codes().await.unwrap()), 2);
    })
    .await;
}
