//! A director writes to a program's participants or its waitlist: one email each, in their
//! language, recorded in the audit log.

use std::time::Duration;

use summer_school::domain::audit::Actor;

use crate::applications::demo_app;
use crate::harness::location;
use crate::review::DEMO_HANDS_ON;

#[tokio::test]
async fn a_director_writes_to_the_participants_or_the_waitlist_and_each_gets_one_email() {
    use summer_school::domain::offer::{Adjustment, payment_deadline};
    use summer_school::store::cohort::DecisionKind;

    let app = demo_app().await;
    let enrolled = app.apply_and_send("enrolled@example.org").await;
    let waiting = app.apply_and_send("waiting@example.org").await;
    let _sent = app.apply_and_send("just.sent@example.org").await;
    let now = time::OffsetDateTime::now_utc();
    app.store
        .decide(
            &enrolled,
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
    app.store
        .decide(&waiting, &DecisionKind::Waitlist, &Actor::Cli, now)
        .await
        .unwrap();
    app.dispatch_pending_jobs().await;
    let program = app.demo_hands_on_id().await;
    let director = app
        .signed_in("director@u-paris.fr", "program_director", &[DEMO_HANDS_ON])
        .await;
    let (_, queue) = director
        .page(&format!("/organizer/programs/{program}"))
        .await;
    let page = format!("/organizer/programs/{program}/message");
    assert!(queue.contains(&page), "the queue links to it");

    // A mistake sends nothing and keeps what was typed.
    let r = director
        .submit(
            &page,
            &page,
            &[
                ("audience", "participants"),
                ("subject", ""),
                ("body", "Bring your badge."),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Enter a subject")
            && html.contains("Bring your badge.")
            && html.contains("aria-describedby=\"subject-error\" aria-invalid=\"true\""),
        "{html}"
    );

    // To the participants: the enrolled applicant only, with the paragraphs as written.
    let r = director
        .submit(
            &page,
            &page,
            &[
                ("audience", "participants"),
                ("subject", "Welcome day on Monday"),
                (
                    "body",
                    "We meet at 9:00 in the main hall.\r\n\r\nBring your badge.",
                ),
            ],
        )
        .await;
    assert_eq!(location(&r), format!("{page}?sent=1"));
    let (_, done) = director.page(&location(&r)).await;
    assert!(
        done.contains("The message is on its way to 1 person."),
        "{done}"
    );
    app.dispatch_pending_jobs().await;
    let mail = app
        .smtp
        .wait_for_to("enrolled@example.org", Duration::from_secs(10))
        .await;
    assert_eq!(
        mail.header("subject").as_deref(),
        Some("Welcome day on Monday")
    );
    let text = mail.text_body();
    assert!(
        text.contains("We meet at 9:00 in the main hall.") && text.contains("Bring your badge."),
        "{text}"
    );
    assert!(
        text.contains(&format!("/applications/{enrolled}")),
        "{text}"
    );

    // To the waitlist: the waitlisted applicant only.
    let r = director
        .submit(
            &page,
            &page,
            &[
                ("audience", "waitlisted"),
                ("subject", "Where you stand"),
                ("body", "Places may free up until June."),
            ],
        )
        .await;
    assert_eq!(location(&r), format!("{page}?sent=1"));
    app.dispatch_pending_jobs().await;
    app.smtp
        .wait_for_to("waiting@example.org", Duration::from_secs(10))
        .await;
    // One email each, and none to the applicant whose application is only sent.
    let messages = app.smtp.messages();
    let count = |to: &str, subject: &str| {
        messages
            .iter()
            .filter(|m| {
                m.rcpt_to().contains(to) && m.header("subject").is_some_and(|s| s == subject)
            })
            .count()
    };
    for (to, subject, n) in [
        ("enrolled@example.org", "Welcome day on Monday", 1),
        ("waiting@example.org", "Where you stand", 1),
        ("enrolled@example.org", "Where you stand", 0),
        ("waiting@example.org", "Welcome day on Monday", 0),
        ("just.sent@example.org", "Welcome day on Monday", 0),
        ("just.sent@example.org", "Where you stand", 0),
    ] {
        assert_eq!(count(to, subject), n, "{to}: {subject}");
    }
    let trail: Vec<String> = app
        .store
        .audit_events("program", &program)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "program.message_sent")
        .map(|e| e.detail)
        .collect();
    assert_eq!(
        trail,
        [
            "1 recipients; to participants: Welcome day on Monday",
            "1 recipients; to waitlisted: Where you stand"
        ]
    );
    app.stop().await;
}
