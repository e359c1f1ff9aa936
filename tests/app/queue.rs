//! The review queue as a director uses it: sorting by a column heading with the filters kept, and
//! decisions taken on the checked applications at once.

use std::time::Duration;

use crate::applications::demo_app;
use crate::harness::location;
use crate::review::DEMO_HANDS_ON;

#[tokio::test]
async fn bulk_decisions_apply_to_the_checked_applications_of_the_program_only() {
    let app = demo_app().await;
    let first = app.apply_and_send("first@example.org").await;
    let second = app.apply_and_send("second@example.org").await;
    let third = app.apply_and_send("third@example.org").await;
    let program = app.demo_hands_on_id().await;
    let director = app
        .signed_in("director@u-paris.fr", "program_director", &[DEMO_HANDS_ON])
        .await;
    let queue = format!("/organizer/programs/{program}");
    let (_, html) = director.page(&queue).await;
    assert!(
        html.contains(&format!("value=\"{first}\"")),
        "a check box per application"
    );
    // Nothing ticked and no decision chosen: both named, nothing decided; what was ticked and
    // chosen comes back with the problem.
    let r = director
        .submit(
            &queue,
            &format!("{queue}/decisions"),
            &[("reason", "profile")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Tick at least one application")
            && html.contains("href=\"#bulk\"")
            && html.contains("Choose the decision to apply")
            && html.contains("<option value=\"profile\" selected>"),
        "{html}"
    );
    let r = director
        .submit(
            &queue,
            &format!("{queue}/decisions"),
            &[
                ("decision", "reject"),
                ("reason", ""),
                ("application", &third),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422, "a rejection needs its reason");
    let html = r.text().await.unwrap();
    assert!(
        html.contains(&format!("value=\"{third}\" checked"))
            && html.contains("value=\"reject\" checked"),
        "{html}"
    );
    // In French, nought is not one.
    director.page("/language/fr?next=/organizer").await;
    let (_, html) = director.page(&format!("{queue}?done=0")).await;
    assert!(html.contains("Aucune candidature traitée."), "{html}");
    director.page("/language/en?next=/organizer").await;
    let r = director
        .submit(
            &queue,
            &format!("{queue}/decisions"),
            &[
                ("decision", "reject"),
                ("reason", "incomplete"),
                ("application", &first),
                ("application", &second),
                // Not an application of this program: skipped.
                ("application", "0123456789abcdef0123456789abcdef"),
            ],
        )
        .await;
    assert_eq!(location(&r), format!("{queue}?done=2"));
    let (_, html) = director.page(&location(&r)).await;
    assert!(html.contains("2 applications decided."), "{html}");
    for (id, status) in [
        (&first, "rejected"),
        (&second, "rejected"),
        (&third, "submitted"),
    ] {
        let standing = app.store.review_detail(id).await.unwrap();
        assert_eq!(standing.application.status.as_str(), status);
    }
    app.dispatch_pending_jobs().await;
    app.dispatch_pending_jobs().await;
    let mail = app
        .smtp
        .wait_for_to("second@example.org", Duration::from_secs(5))
        .await;
    assert!(
        mail.text_body().contains("missing documents or answers"),
        "{}",
        mail.text_body()
    );
    app.stop().await;
}

#[tokio::test]
async fn the_queue_sorts_by_a_column_heading_and_keeps_its_filters() {
    let app = demo_app().await;
    let first = app.apply_and_send("first@example.org").await;
    let second = app.apply_and_send("second@example.org").await;
    let third = app.apply_and_send("third@example.org").await;
    let program = app.demo_hands_on_id().await;
    let director = app
        .signed_in("director@u-paris.fr", "program_director", &[DEMO_HANDS_ON])
        .await;
    let queue = format!("/organizer/programs/{program}");
    // Scores: the second best, the first worst, the third not scored.
    for (id, score) in [(&first, "2"), (&second, "5")] {
        let page = format!("/organizer/applications/{id}");
        let r = director
            .submit(
                &page,
                &format!("{page}/scores"),
                &[
                    ("score-background", score),
                    ("score-motivation", score),
                    ("score-english", score),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303, "{id}");
    }
    // Where each application's check box comes in the page: the order of the rows.
    let order = |html: &str| -> Vec<String> {
        let mut at: Vec<(usize, String)> = [&first, &second, &third]
            .into_iter()
            .map(|id| (html.find(&format!("value=\"{id}\"")).unwrap(), id.clone()))
            .collect();
        at.sort();
        at.into_iter().map(|(_, id)| id).collect()
    };
    let (_, html) = director.page(&queue).await;
    assert_eq!(
        order(&html),
        [first.clone(), second.clone(), third.clone()],
        "oldest first by default"
    );
    assert!(
        html.contains("aria-sort=\"ascending\""),
        "the date column says so"
    );

    // The score heading: best first, the unscored last; clicked again, worst first, unscored last.
    let href = |html: &str, label: &str| -> String {
        let at = html.find(&format!(">{label}</a>")).unwrap();
        let start = html[..at].rfind("href=\"").unwrap() + 6;
        html[start..at - 1]
            .replace("&#38;", "&")
            .replace("&amp;", "&")
    };
    let by_score = href(&html, "Score");
    assert!(by_score.contains("sort=score&dir=desc"), "{by_score}");
    let (_, html) = director.page(&by_score).await;
    assert_eq!(order(&html), [second.clone(), first.clone(), third.clone()]);
    assert!(html.contains("aria-sort=\"descending\""));
    let (_, html) = director.page(&href(&html, "Score")).await;
    assert_eq!(order(&html), [first.clone(), second.clone(), third.clone()]);

    // A filter is kept by the headings, and the order by the filter form.
    let (_, html) = director
        .page(&format!(
            "{queue}?documents=complete&sort=submitted&dir=desc"
        ))
        .await;
    assert_eq!(
        order(&html),
        [third.clone(), second.clone(), first.clone()],
        "newest first"
    );
    assert!(href(&html, "Score").contains("documents=complete"));
    assert!(
        html.contains("name=\"sort\" value=\"submitted\"")
            && html.contains("name=\"dir\" value=\"desc\"")
    );
    // The same list as a file: the filters and the order of the page, with the email addresses.
    let (_, html) = director.page(&format!("{queue}?sort=score&dir=desc")).await;
    let at = html.find("applications.csv?").expect("the export link");
    let start = html[..at].rfind("href=\"").unwrap() + 6;
    let end = at + html[at..].find('"').unwrap();
    let link = html[start..end].replace("&#38;", "&").replace("&amp;", "&");
    let r = director.get(&link).await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let body = r.text().await.unwrap();
    let body = body.trim_start_matches('\u{feff}');
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(lines.len(), 4, "a heading and three applications: {body}");
    assert!(
        lines[0].contains("Email address") && lines[0].contains("Score"),
        "{}",
        lines[0]
    );
    for (line, email) in lines[1..].iter().zip([
        "second@example.org",
        "first@example.org",
        "third@example.org",
    ]) {
        assert!(line.contains(email), "{line}");
    }
    // A reviewer, who sees only what is assigned to them, gets no list of everyone.
    let reviewer = app
        .signed_in("reviewer@u-paris.fr", "reviewer", &[DEMO_HANDS_ON])
        .await;
    assert_eq!(reviewer.get(&link).await.status().as_u16(), 403);
    // Nonsense falls back to the date sent.
    let (status, html) = director
        .page(&format!("{queue}?sort=nonsense&dir=sideways"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(order(&html), [first.clone(), second.clone(), third.clone()]);
    app.stop().await;
}
