//! Offers after they are made, through the Store trait on both backends: a freed seat goes down
//! the waitlist, a full waiver enrolls at once, applications follow catalog reloads made by any
//! instance, and an offer takes the tier the applicant may have.

use super::*;

#[tokio::test]
async fn a_freed_seat_goes_down_the_waitlist_after_a_decline_or_an_expiry() {
    each_backend(async |arc: &Arc<dyn Store>| {
        let s = arc.as_ref();
        let (_, program) = load_cohort_catalog(s).await;
        let mut people = Vec::new();
        for n in 0..6 {
            let p = complete_draft(s, &program, 1000 + n).await;
            submit(s, &p, ReviewMode::Review, n).await.unwrap();
            people.push(p);
        }
        let director = Actor::Organizer("director".into());
        let now = OffsetDateTime::now_utc();
        // The deadline the site would set: the end of the day, Paris time, in 14 days.
        let deadline = payment_deadline(now, 14);
        for p in &people[..3] {
            let outcome = s
                .decide(&p.application_id, &accept(deadline), &director, now)
                .await
                .unwrap();
            assert!(
                matches!(
                    outcome,
                    DecisionOutcome::Offered {
                        total_cents: 310_000,
                        ..
                    }
                ),
                "{outcome:?}"
            );
        }
        // The cohort is full: a fourth offer is refused, and nothing changes.
        match s
            .decide(&people[3].application_id, &accept(deadline), &director, now)
            .await
        {
            Err(StoreError::Refused(r)) => {
                assert_eq!(r, summer_school::domain::refusal::Refusal::Full)
            }
            other => panic!("expected a full cohort, got {other:?}"),
        }
        assert_eq!(s.seats(&program.program_id).await.unwrap().held, 3);
        for (i, p) in people[3..5].iter().enumerate() {
            let outcome = s
                .decide(&p.application_id, &DecisionKind::Waitlist, &director, now)
                .await
                .unwrap();
            assert_eq!(
                outcome,
                DecisionOutcome::Waitlisted {
                    position: i as i64 + 1
                }
            );
        }
        let reject = DecisionKind::Reject {
            reason: RejectReason::Profile,
        };
        assert_eq!(
            s.decide(&people[5].application_id, &reject, &director, now)
                .await
                .unwrap(),
            DecisionOutcome::Rejected
        );
        // A decision that does not apply to the state is refused.
        match s
            .decide(
                &people[5].application_id,
                &DecisionKind::Waitlist,
                &director,
                now,
            )
            .await
        {
            Err(StoreError::Refused(r)) => {
                assert_eq!(r, summer_school::domain::refusal::Refusal::WrongState)
            }
            other => panic!("expected a refusal, got {other:?}"),
        }

        // The first holder declines: the first in line gets the seat, with its own deadline and notice.
        s.withdraw_application(&people[0].applicant_id, &people[0].application_id, now)
            .await
            .unwrap();
        let fourth = s.standing(&people[3].application_id).await.unwrap();
        let offer = fourth.offer.expect("the first in line has an offer");
        assert!(
            offer.deadline_at > now + Duration::days(13),
            "a fresh deadline: {offer:?}"
        );
        assert_eq!(
            emails(arc, &people[3]).await,
            [
                "Application received".to_owned(),
                format!("On the waitlist: {HANDS_ON}"),
                format!("A place for you: {HANDS_ON}"),
            ]
        );
        assert_eq!(
            s.standing(&people[4].application_id)
                .await
                .unwrap()
                .waitlist_position,
            Some(1)
        );
        assert_eq!(
            s.standing(&people[0].application_id)
                .await
                .unwrap()
                .offer
                .unwrap()
                .status
                .as_str(),
            "cancelled"
        );
        assert_eq!(s.seats(&program.program_id).await.unwrap().held, 3);

        // Reminders: seven days before, once; then two days before.
        let seven_before = deadline - Duration::days(7) + Duration::minutes(1);
        let r = s.run_deadlines(seven_before).await.unwrap();
        assert_eq!((r.expired, r.reminded), (0, 3), "{r:?}");
        assert_eq!(
            s.run_deadlines(seven_before).await.unwrap().reminded,
            0,
            "each reminder once"
        );
        let reminded = s
            .audit_events("application", &people[1].application_id)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "offer.reminded")
            .count();
        assert_eq!(reminded, 1, "each reminder is audited once");
        let r = s
            .run_deadlines(deadline - Duration::days(2) + Duration::minutes(1))
            .await
            .unwrap();
        assert_eq!(r.reminded, 3);
        assert_eq!(
            pending_notices(s, &people[1].application_id).await,
            [
                NoticeKind::Reminder { days: 7 },
                NoticeKind::Reminder { days: 2 }
            ]
        );

        // An extension moves one deadline (audited) and its reminders start again.
        let later = deadline + Duration::days(10);
        s.extend_deadline(&people[1].application_id, later, &director, now)
            .await
            .unwrap();
        match s
            .extend_deadline(&people[1].application_id, deadline, &director, now)
            .await
        {
            Err(StoreError::Refused(r)) => {
                assert_eq!(r, summer_school::domain::refusal::Refusal::DeadlineNotLater)
            }
            other => panic!("an earlier deadline is refused, got {other:?}"),
        }
        let events = s
            .audit_events("application", &people[1].application_id)
            .await
            .unwrap();
        assert!(
            events.iter().any(|e| e.action == "offer.deadline_extended"),
            "{events:?}"
        );

        // The deadline passes: the two unpaid offers expire, and one seat goes to the last in line.
        let r = s.run_deadlines(deadline + Duration::days(1)).await.unwrap();
        assert_eq!((r.expired, r.cascaded), (2, 1), "{r:?}");
        let counts = statuses(s, &people).await;
        assert_eq!(counts.get("expired"), Some(&2), "{counts:?}");
        assert_eq!(
            counts.get("accepted"),
            Some(&2),
            "the extended offer and the cascaded one: {counts:?}"
        );
        assert_eq!(
            pending_notices(s, &people[2].application_id).await.last(),
            Some(&NoticeKind::Expired)
        );
        assert_eq!(
            pending_notices(s, &people[4].application_id).await,
            [NoticeKind::Offer]
        );
        assert_eq!(
            emails(arc, &people[5]).await.last(),
            Some(&format!("Your application to {HANDS_ON}"))
        );
        let seats = s.seats(&program.program_id).await.unwrap();
        assert_eq!(
            (seats.held, seats.waitlisted),
            (2, 0),
            "one seat stays free: nobody waits"
        );
        // Sweeping again changes nothing.
        assert_eq!(
            s.run_deadlines(deadline + Duration::days(1)).await.unwrap(),
            Default::default()
        );
    })
    .await;
}

#[tokio::test]
async fn a_full_waiver_enrolls_at_once_and_bad_adjustments_are_refused() {
    each_backend(async |arc: &Arc<dyn Store>| {
        let s = arc.as_ref();
        let (_, program) = load_cohort_catalog(s).await;
        let a = complete_draft(s, &program, 2000).await;
        submit(s, &a, ReviewMode::Review, 0).await.unwrap();
        let director = Actor::Organizer("director".into());
        let now = OffsetDateTime::now_utc();
        let no_reason = DecisionKind::Accept {
            tier_code: None,
            adjustment: Adjustment::FullWaiver { reason: " ".into() },
            deadline: now + Duration::days(14),
        };
        assert!(matches!(
            s.decide(&a.application_id, &no_reason, &director, now)
                .await,
            Err(StoreError::Refused(_))
        ));
        assert_eq!(
            s.seats(&program.program_id).await.unwrap().held,
            0,
            "a refused offer holds no seat"
        );
        let waived = DecisionKind::Accept {
            tier_code: None,
            adjustment: Adjustment::FullWaiver {
                reason: "faculty guest".into(),
            },
            deadline: now + Duration::days(14),
        };
        let outcome = s
            .decide(&a.application_id, &waived, &director, now)
            .await
            .unwrap();
        assert!(
            matches!(outcome, DecisionOutcome::Enrolled { .. }),
            "{outcome:?}"
        );
        let app = s
            .application(&a.applicant_id, &a.application_id)
            .await
            .unwrap();
        assert_eq!(app.status.as_str(), "enrolled");
        let offer = s.standing(&a.application_id).await.unwrap().offer.unwrap();
        assert_eq!((offer.total_cents, offer.status.as_str()), (0, "paid"));
        assert!(
            offer.explanation.contains("faculty guest"),
            "{}",
            offer.explanation
        );
        assert_eq!(
            emails(arc, &a).await,
            [
                "Application received".to_owned(),
                format!("You are enrolled: {HANDS_ON}")
            ]
        );
    })
    .await;
}

/// What an application shows of its program (questions, fee tiers) follows a catalog reload, also one
/// made by another instance on the same database; its documents and answers come back exactly.
#[tokio::test]
async fn an_application_follows_catalog_reloads_made_by_any_instance() {
    let mut dbs = vec![TestDb::fresh_sqlite()];
    if let Some(url) = crate::harness::postgres_url() {
        dbs.push(TestDb::fresh_postgres(&url).await);
    }
    for db in &dbs {
        let here = store::connect(db.url(), &Default::default()).await.unwrap();
        let there = store::connect(db.url(), &Default::default()).await.unwrap();
        let (_, hands_on) = load_cohort_catalog(here.as_ref()).await;
        let a = complete_draft(here.as_ref(), &hands_on, 1).await;
        let before = here
            .application(&a.applicant_id, &a.application_id)
            .await
            .unwrap();
        assert_eq!(
            before.answers,
            [("health_professional".to_owned(), "yes".to_owned())]
        );
        assert_eq!(before.documents.len(), 1);
        let cv = &before.documents[0];
        assert_eq!(
            (
                cv.kind,
                cv.file_name.as_str(),
                cv.content_type.as_str(),
                cv.size_bytes
            ),
            (DocumentKind::Cv, "cv.pdf", "application/pdf", 1024)
        );
        assert_eq!(before.questions.len(), 1);
        let standard = |r: &store::ApplicationRecord| {
            r.fee_tiers
                .iter()
                .find(|t| t.is_standard)
                .map(|t| t.amount.cents())
        };
        assert_eq!(standard(&before), Some(310_000));

        // The other instance reloads a catalog with a new price and a reworded question.
        let text = SHIPPED_CATALOG
            .replace("amount = \"3100.00\"", "amount = \"3200.00\"")
            .replace(
                "applications_close = 2026-05-31T23:59:00+02:00",
                "applications_close = 2099-05-31T23:59:00+02:00",
            )
            .replace(
                "applications_open = 2026-01-05T09:00:00+01:00",
                "applications_open = 2020-01-01T00:00:00+01:00",
            )
            .replace("starts_on = 2026-07-06", "starts_on = 2099-07-06")
            .replace("ends_on = 2026-07-17", "ends_on = 2099-07-17")
            .replace(
                "label.en = \"Are you a health professional",
                "label.en = \"Reworded: are you a health professional",
            );
        there
            .load_edition(
                &parse_catalog(&text).unwrap(),
                &Actor::Cli,
                OffsetDateTime::now_utc(),
            )
            .await
            .unwrap();
        let after = here
            .application(&a.applicant_id, &a.application_id)
            .await
            .unwrap();
        assert_eq!(
            standard(&after),
            Some(320_000),
            "the new price, not a kept one"
        );
        assert!(after.questions[0].label.en.starts_with("Reworded: "));
        assert_eq!(after.answers, before.answers);
        assert_eq!(after.documents, before.documents);
    }
}

/// The fee rules decide an offer's tier: the one asked for when the applicant may have it, else the
/// cheapest one open to them; a tier an organizer names is taken as they say.
#[tokio::test]
async fn an_offer_takes_the_tier_the_applicant_may_have() {
    each_backend(async |s: &Arc<dyn Store>| {
        let tiers = r#"
[[programs.fee_tiers]]
code = "student"
label = { en = "Student rate", fr = "Tarif étudiant" }
amount = "2500.00"
currency = "EUR"
category = "medical_student"

[[programs.fee_tiers]]
code = "early"
label = { en = "Early bird", fr = "Tarif anticipé" }
amount = "2900.00"
currency = "EUR"
available_until = 2099-01-01T00:00:00+01:00

[[programs.fee_tiers]]
code = "partner"
label = { en = "Partner universities", fr = "Universités partenaires" }
amount = "2000.00"
currency = "EUR"
partner_only = true
"#;
        let text = SHIPPED_CATALOG
            .replace(
                "applications_open = 2026-01-05T09:00:00+01:00",
                "applications_open = 2020-01-01T00:00:00+01:00",
            )
            .replace(
                "applications_close = 2026-05-31T23:59:00+02:00",
                "applications_close = 2098-05-31T23:59:00+02:00",
            )
            .replace("starts_on = 2026-07-06", "starts_on = 2099-07-06")
            .replace("ends_on = 2026-07-17", "ends_on = 2099-07-17")
            .replace(
                "amount = \"3100.00\"\ncurrency = \"EUR\"\nstandard = true\n",
                &format!("amount = \"3100.00\"\ncurrency = \"EUR\"\nstandard = true\n{tiers}"),
            );
        let spec = parse_catalog(&text).unwrap();
        let now = OffsetDateTime::now_utc();
        s.load_edition(&spec, &Actor::Cli, now).await.unwrap();
        let hands_on = s
            .programs()
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.slug == "hands-on-clinical-emergencies")
            .unwrap();
        assert_eq!(hands_on.fee_tiers.len(), 4);
        let offer_for = async |n: usize, requested: Option<&str>, tier_code: Option<&str>| {
            let a = complete_draft(s.as_ref(), &hands_on, n).await;
            if let Some(code) = requested {
                s.save_form(
                    &a.applicant_id,
                    &a.application_id,
                    &[(
                        FormColumn::RequestedFeeTier,
                        FormValue::Text(Some(code.to_owned())),
                    )],
                    now,
                )
                .await
                .unwrap();
            }
            submit(s.as_ref(), &a, ReviewMode::Review, n).await.unwrap();
            let decision = DecisionKind::Accept {
                tier_code: tier_code.map(str::to_owned),
                adjustment: Adjustment::None,
                deadline: payment_deadline(now, 14),
            };
            s.decide(&a.application_id, &decision, &Actor::Cli, now)
                .await
                .unwrap();
            let offer = s.standing(&a.application_id).await.unwrap().offer.unwrap();
            (offer.tier_code.unwrap(), offer.total_cents)
        };
        // A physician (complete_draft's category) asking for the student rate: refused; the cheapest
        // tier open to them is the early bird.
        assert_eq!(
            offer_for(1, Some("student"), None).await,
            ("early".to_owned(), 290_000)
        );
        // Asking for nothing: the same.
        assert_eq!(
            offer_for(2, None, None).await,
            ("early".to_owned(), 290_000)
        );
        // Asking for the standard fee, which they may have: granted as asked.
        assert_eq!(
            offer_for(3, Some("standard"), None).await,
            ("standard".to_owned(), 310_000)
        );
        // An organizer naming the partner rate gives it, whatever the rules say.
        assert_eq!(
            offer_for(4, None, Some("partner")).await,
            ("partner".to_owned(), 200_000)
        );
    })
    .await;
}
