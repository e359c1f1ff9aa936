//! Organizers review a cohort in their pages: scores and comments, reviewers and their
//! conflicts, blind review, decisions with their emails, and the role matrix over every review route.

use std::time::Duration;

use summer_school::domain::audit::Actor;
use summer_school::domain::catalog::{SHIPPED_CATALOG, parse_catalog};
use summer_school::domain::demo::demo_edition;

use crate::applications::demo_app;
use crate::harness::{TestApp, location};
use crate::organizers::Visitor;

pub(crate) const DEMO_HANDS_ON: &str = "demo/hands-on-clinical-emergencies";
const NAME: &str = "Nguyễn Thị Minh Khai";
const INSTITUTION: &str = "Hanoi Medical University";

impl TestApp {
    pub(crate) async fn demo_hands_on_id(&self) -> String {
        let app = self;
        app.store
            .programs()
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.edition_is_demo && p.slug == "hands-on-clinical-emergencies")
            .unwrap()
            .program_id
    }
}

/// A review route: method, path, and the form it is posted with.
type Route<'a> = (&'a str, String, Vec<(&'a str, &'a str)>);

pub(crate) fn reference_of(id: &str) -> String {
    id[..8].to_uppercase()
}

#[tokio::test]
async fn a_director_and_a_reviewer_review_score_and_decide_and_the_applicant_hears_of_it() {
    let app = demo_app().await;
    let id = app.apply_and_send("minh.khai@example.org").await;
    let program = app.demo_hands_on_id().await;
    let director = app
        .signed_in("director@u-paris.fr", "program_director", &[DEMO_HANDS_ON])
        .await;
    let reviewer = app
        .signed_in("reviewer@u-paris.fr", "reviewer", &[DEMO_HANDS_ON])
        .await;

    // The dashboard leads to the queue, which lists the application with its details.
    let (_, dashboard) = director.page("/organizer").await;
    assert!(dashboard.contains(&format!("/organizer/programs/{program}")));
    let (status, queue) = director
        .page(&format!("/organizer/programs/{program}"))
        .await;
    assert_eq!(status, 200);
    assert!(
        queue.contains(NAME) && queue.contains(INSTITUTION),
        "{queue}"
    );
    assert!(
        queue.contains("1 of 1 application") && !queue.contains("1 of 1 applications"),
        "{queue}"
    );
    // Filters: a country nobody is from empties the queue; a minimum score that is not a score is explained.
    let (_, none) = director
        .page(&format!("/organizer/programs/{program}?country=BR"))
        .await;
    assert!(none.contains("0 of 1 application"), "{none}");
    let (_, bad) = director
        .page(&format!("/organizer/programs/{program}?min_score=nine"))
        .await;
    assert!(
        bad.contains("Enter a score from 1 to 5") && bad.contains("value=\"nine\""),
        "{bad}"
    );

    // Before assignment, the reviewer's queue is empty and the application is not theirs to open.
    let (_, queue) = reviewer
        .page(&format!("/organizer/programs/{program}"))
        .await;
    assert!(queue.contains("0 of 0 applications"), "{queue}");
    let page = format!("/organizer/applications/{id}");
    assert_eq!(reviewer.page(&page).await.0, 404);

    // The director assigns the reviewer.
    let (_, html) = director.page(&page).await;
    let reviewer_id = html
        .split("<option value=\"")
        .skip(1)
        .find(|s| s.contains("Dr reviewer"))
        .and_then(|s| s.split('"').next())
        .expect("the reviewer can be assigned")
        .to_owned();
    let r = director
        .submit(
            &page,
            &format!("{page}/reviewers"),
            &[("action", "assign"), ("organizer", &reviewer_id)],
        )
        .await;
    assert_eq!(location(&r), format!("{page}?done=assigned"));

    // The reviewer opens it with its documents inline, and scores: a wrong score is explained, with
    // what was typed kept.
    let (status, html) = reviewer.page(&page).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("<iframe class=\"document-frame\""),
        "documents inline"
    );
    let doc = html
        .split("src=\"")
        .skip(1)
        .find(|s| s.starts_with(&format!("{page}/documents/")))
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let r = reviewer.get(&doc).await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-disposition"], "inline");
    let r = reviewer
        .submit(
            &page,
            &format!("{page}/scores"),
            &[
                ("score-background", "4"),
                ("score-motivation", "7"),
                ("score-english", "5"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("with a whole number from 1 to 5") && html.contains("value=\"7\""),
        "{html}"
    );
    let r = reviewer
        .submit(
            &page,
            &format!("{page}/scores"),
            &[
                ("score-background", "4"),
                ("score-motivation", "4"),
                ("score-english", "3"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = reviewer
        .submit(&page, &format!("{page}/comments"), &[("comment", "  ")])
        .await;
    assert_eq!(r.status().as_u16(), 422, "a blank comment");
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Write your comment") && html.contains("href=\"#comment\""),
        "{html}"
    );
    let r = reviewer
        .submit(
            &page,
            &format!("{page}/comments"),
            &[("comment", "Strong clinical background.")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    // A reviewer does not decide.
    let r = reviewer
        .submit(
            &page,
            &format!("{page}/decision"),
            &[("decision", "waitlist")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);

    // The director sees the mean score (3.67), the comment, and the status moved to under review.
    let (_, html) = director.page(&page).await;
    assert!(
        html.contains("3.67") && html.contains("Strong clinical background."),
        "{html}"
    );
    assert!(html.contains("Being reviewed"), "{html}");

    // Waitlist, then an offer with a partial waiver; each decision emails the applicant.
    let r = director
        .submit(
            &page,
            &format!("{page}/decision"),
            &[("decision", "waitlist")],
        )
        .await;
    assert_eq!(location(&r), format!("{page}?done=waitlisted"));
    let r = director
        .submit(
            &page,
            &format!("{page}/decision"),
            &[
                ("decision", "accept"),
                ("tier", "standard"),
                ("adjustment", "waiver"),
                ("amount", "500"),
                ("reason", ""),
                ("deadline", "2099-01-31"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 409, "a waiver needs its reason");
    let html = r.text().await.unwrap();
    assert!(
        html.contains("it needs a reason") && html.contains("value=\"500\""),
        "{html}"
    );
    // A price that is not an amount is shown at its field, in the visitor's language.
    let r = director
        .submit(
            &page,
            &format!("{page}/decision"),
            &[
                ("decision", "accept"),
                ("tier", "standard"),
                ("adjustment", "set_price"),
                ("amount", "lots"),
                ("reason", "partner scholarship"),
                ("deadline", "2099-01-31"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("href=\"#amount\"")
            && html.contains("id=\"amount-error\"")
            && html.contains("aria-describedby=\"amount-error\"")
            && html.contains("value=\"lots\"")
            && html.contains("Enter the amount in euros"),
        "{html}"
    );
    let r = director
        .submit(
            &page,
            &format!("{page}/decision"),
            &[
                ("decision", "accept"),
                ("tier", "standard"),
                ("adjustment", "waiver"),
                ("amount", "500"),
                ("reason", "partner scholarship"),
                ("deadline", "2099-01-31"),
            ],
        )
        .await;
    assert_eq!(location(&r), format!("{page}?done=offered"));
    let (_, html) = director.page(&page).await;
    assert!(html.contains("€2,600"), "{html}");

    app.dispatch_pending_jobs().await;
    app.dispatch_pending_jobs().await;
    let subjects: Vec<String> = app
        .smtp
        .wait_for(5, Duration::from_secs(5))
        .await
        .iter()
        .filter(|m| m.rcpt_to().contains("minh.khai@example.org"))
        .filter_map(|m| m.header("Subject"))
        .collect();
    assert!(
        subjects.iter().any(|s| s.starts_with("On the waitlist")),
        "{subjects:?}"
    );
    let offer = app
        .smtp
        .wait_for_to("minh.khai@example.org", Duration::from_secs(5))
        .await;
    assert!(
        offer
            .header("Subject")
            .unwrap()
            .starts_with("A place for you")
    );
    let body = offer.text_body();
    assert!(
        body.contains("€2,600") && body.contains("partner scholarship"),
        "{body}"
    );
    assert!(body.contains("31 January 2099, 23:59"), "{body}");

    // An earlier day is refused at its own field, with what was typed kept.
    let r = director
        .submit(
            &page,
            &format!("{page}/deadline"),
            &[("deadline", "2020-01-01")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("href=\"#new-deadline\"")
            && html.contains("id=\"new-deadline-error\"")
            && html.contains("value=\"2020-01-01\""),
        "{html}"
    );
    // A later deadline, audited and emailed.
    let r = director
        .submit(
            &page,
            &format!("{page}/deadline"),
            &[("deadline", "2099-02-15")],
        )
        .await;
    assert_eq!(location(&r), format!("{page}?done=extended"));
    let events = app.store.audit_events("application", &id).await.unwrap();
    for action in [
        "review.assigned",
        "application.under_review",
        "review.scored",
        "application.waitlisted",
        "application.accepted",
        "offer.deadline_extended",
    ] {
        assert!(
            events.iter().any(|e| e.action == action),
            "{action} audited"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn blind_review_hides_who_the_applicant_is_from_reviewers_only() {
    let app = demo_app().await;
    let now = time::OffsetDateTime::now_utc();
    let mut spec = demo_edition(&parse_catalog(SHIPPED_CATALOG).unwrap(), now.date());
    for p in &mut spec.programs {
        p.blind_review = true;
    }
    app.store
        .load_edition(&spec, &Actor::Cli, now)
        .await
        .unwrap();
    let id = app.apply_and_send("minh.khai@example.org").await;
    let program = app.demo_hands_on_id().await;
    let director = app
        .signed_in("director@u-paris.fr", "program_director", &[DEMO_HANDS_ON])
        .await;
    let reviewer = app
        .signed_in("reviewer@u-paris.fr", "reviewer", &[DEMO_HANDS_ON])
        .await;
    let page = format!("/organizer/applications/{id}");
    let (_, html) = director.page(&page).await;
    let reviewer_id = html
        .split("<option value=\"")
        .skip(1)
        .find(|s| s.contains("Dr reviewer"))
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    director
        .submit(
            &page,
            &format!("{page}/reviewers"),
            &[("action", "assign"), ("organizer", &reviewer_id)],
        )
        .await;
    // The director decides, and sees everything.
    assert!(html.contains(NAME) && html.contains(INSTITUTION) && html.contains("Vietnam"));

    // The API answers the director in full.
    let (status, json) = director
        .page(&format!("/api/v1/organizer/applications/{id}"))
        .await;
    assert_eq!(status, 200);
    assert!(json.contains(NAME) && json.contains(INSTITUTION), "{json}");

    for path in [
        page.clone(),
        format!("/organizer/programs/{program}"),
        format!("/api/v1/organizer/applications/{id}"),
        format!("/api/v1/organizer/programs/{program}/applications"),
    ] {
        let (status, html) = reviewer.page(&path).await;
        assert_eq!(status, 200, "{path}");
        for hidden in [
            NAME,
            "Nguyễn",
            INSTITUTION,
            "Vietnam",
            "minh.khai@example.org",
            "+33612345678",
        ] {
            assert!(
                !html.contains(hidden),
                "{path} shows {hidden} to a blind reviewer: {}",
                &html[html.find(hidden).unwrap().saturating_sub(300)..]
            );
        }
        if path.starts_with("/api/") {
            assert!(
                html.contains(&reference_of(&id)),
                "{path} lists the application: {html}"
            );
            for field in ["\"nationality\":null", "\"institution\":null"] {
                assert!(html.contains(field), "{path}: {html}");
            }
        } else {
            assert!(html.contains("Blind review"), "{path} says it is blind");
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn every_review_route_answers_each_role_as_its_permissions_say() {
    let app = demo_app().await;
    let id = app.apply_and_send("minh.khai@example.org").await;
    let program = app.demo_hands_on_id().await;
    let admin = app.signed_in("admin@u-paris.fr", "admin", &[]).await;
    let director = app
        .signed_in("director@u-paris.fr", "program_director", &[DEMO_HANDS_ON])
        .await;
    let other_director = app
        .signed_in("elsewhere@u-paris.fr", "program_director", &[])
        .await;
    let assigned = app
        .signed_in("assigned@u-paris.fr", "reviewer", &[DEMO_HANDS_ON])
        .await;
    let unassigned = app
        .signed_in("unassigned@u-paris.fr", "reviewer", &[DEMO_HANDS_ON])
        .await;
    let finance = app.signed_in("finance@u-paris.fr", "finance", &[]).await;
    let scolarite = app
        .signed_in("scolarite@u-paris.fr", "scolarite", &[])
        .await;
    let page = format!("/organizer/applications/{id}");
    let (_, html) = director.page(&page).await;
    let assigned_id = html
        .split("<option value=\"")
        .skip(1)
        .find(|s| s.contains("assigned@") || s.contains("Dr reviewer"))
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    director
        .submit(
            &page,
            &format!("{page}/reviewers"),
            &[("action", "assign"), ("organizer", &assigned_id)],
        )
        .await;
    // The first assignable "Dr reviewer" is whichever was created first: make sure it is `assigned`.
    if assigned.page(&page).await.0 != 200 {
        let (_, html) = director.page(&page).await;
        let other = html
            .split("<option value=\"")
            .skip(1)
            .find(|s| s.contains("Dr reviewer"))
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_owned();
        director
            .submit(
                &page,
                &format!("{page}/reviewers"),
                &[("action", "unassign"), ("organizer", &assigned_id)],
            )
            .await;
        director
            .submit(
                &page,
                &format!("{page}/reviewers"),
                &[("action", "assign"), ("organizer", &other)],
            )
            .await;
    }
    let document = {
        let (_, html) = director.page(&page).await;
        html.split("src=\"")
            .skip(1)
            .find(|s| s.starts_with(&format!("{page}/documents/")))
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_owned()
    };

    // (method, path, form) for every review route.
    let queue = format!("/organizer/programs/{program}");
    let routes: Vec<Route> = vec![
        ("GET", queue.clone(), vec![]),
        ("GET", page.clone(), vec![]),
        ("GET", document.clone(), vec![]),
        (
            "POST",
            format!("{page}/scores"),
            vec![
                ("score-background", "3"),
                ("score-motivation", "3"),
                ("score-english", "3"),
            ],
        ),
        (
            "POST",
            format!("{page}/comments"),
            vec![("comment", "Seen.")],
        ),
        (
            "POST",
            format!("{page}/reviewers"),
            vec![("action", "nothing")],
        ),
        ("POST", format!("{page}/conflict"), vec![("conflict", "no")]),
        (
            "POST",
            format!("{page}/decision"),
            vec![("decision", "nothing")],
        ),
        (
            "POST",
            format!("{page}/deadline"),
            vec![("deadline", "not a date")],
        ),
        (
            "POST",
            format!("{queue}/decisions"),
            vec![("decision", "nothing")],
        ),
        (
            "GET",
            format!("/api/v1/organizer/programs/{program}/applications"),
            vec![],
        ),
        (
            "GET",
            format!("/api/v1/organizer/applications/{id}"),
            vec![],
        ),
        // Every organizer's own pages.
        ("GET", "/organizer".to_owned(), vec![]),
        ("GET", "/organizer/account/two-factor".to_owned(), vec![]),
        (
            "POST",
            "/organizer/account/two-factor".to_owned(),
            vec![("action", "nothing")],
        ),
        // The team: admins only.
        ("GET", "/organizer/team".to_owned(), vec![]),
        (
            "POST",
            "/organizer/team/invite".to_owned(),
            vec![("email", "not an address")],
        ),
        (
            "POST",
            format!("/organizer/team/{assigned_id}"),
            vec![("role", "nothing")],
        ),
        (
            "POST",
            format!("/organizer/team/{assigned_id}/unlock"),
            vec![],
        ),
        (
            "POST",
            format!("/organizer/team/{assigned_id}/invitation"),
            vec![],
        ),
        // (An unknown member: 404 for admins, who may act.)
        (
            "POST",
            "/organizer/team/no-such-member/deactivate".to_owned(),
            vec![],
        ),
        (
            "POST",
            "/organizer/team/no-such-member/reactivate".to_owned(),
            vec![],
        ),
        (
            "POST",
            "/organizer/team/no-such-member/two-factor-reset".to_owned(),
            vec![],
        ),
        // Discount codes: admins, directors, finance (ending an unknown code: 404 for them).
        ("GET", "/organizer/discount-codes".to_owned(), vec![]),
        (
            "POST",
            "/organizer/discount-codes".to_owned(),
            vec![("code", "x")],
        ),
        (
            "POST",
            "/organizer/discount-codes/demo/NO-SUCH-CODE/end".to_owned(),
            vec![],
        ),
        // Finance: admins and finance (refunding an unknown order: 404 for them).
        ("GET", "/organizer/finance".to_owned(), vec![]),
        (
            "POST",
            "/organizer/finance/orders/no-such-order/refund".to_owned(),
            vec![("amount", "1"), ("reason", "test")],
        ),
        // The cohort and its certificates: admins, directors of the program, scolarité.
        (
            "GET",
            format!("/organizer/programs/{program}/participants"),
            vec![],
        ),
        (
            "POST",
            format!("/organizer/programs/{program}/certificates"),
            vec![],
        ),
        // The queue as a CSV file: those who see every application of the program.
        (
            "GET",
            format!("/organizer/programs/{program}/applications.csv"),
            vec![],
        ),
        // Writing to the program's people: admins, its directors, scolarité.
        (
            "GET",
            format!("/organizer/programs/{program}/message"),
            vec![],
        ),
    ];
    // What each role gets (review routes, then every organizer's own pages, the team's (the last three on an unknown member), the discount codes', finance's, the cohort's): A = allowed (any answer but 403/404 and the sign-in redirect), D = 403,
    // N = 404, S = sent to sign in, U = 401 (the API). Columns follow `routes`.
    let matrix: Vec<(&str, &Visitor, &str)> = vec![
        (
            "admin",
            &admin,
            concat!("AAAAAAAAAAAA", "AAA", "AAAAANNN", "AAN", "AN", "AA", "AA"),
        ),
        (
            "director",
            &director,
            concat!("AAAAAAAAAAAA", "AAA", "DDDDDDDD", "AAN", "DD", "AA", "AA"),
        ),
        (
            "director of another program",
            &other_director,
            concat!("NNNNNNNNNNNN", "AAA", "DDDDDDDD", "DDD", "DD", "NN", "NN"),
        ),
        (
            "assigned reviewer",
            &assigned,
            concat!("AAAAADADDDAA", "AAA", "DDDDDDDD", "DDD", "DD", "DD", "DD"),
        ),
        (
            "unassigned reviewer",
            &unassigned,
            concat!("ANNNNNNNNDAN", "AAA", "DDDDDDDD", "DDD", "DD", "DD", "DD"),
        ),
        (
            "finance",
            &finance,
            concat!("AAADDDDDADAA", "AAA", "DDDDDDDD", "AAN", "AN", "DD", "AD"),
        ),
        (
            "scolarite",
            &scolarite,
            concat!("AAADDDDDDDAA", "AAA", "DDDDDDDD", "DDD", "DD", "AA", "AA"),
        ),
    ];
    let anonymous = Visitor::new(&app);
    // An applicant's session is not an organizer's (the app's own client signed in as the applicant).
    let applicant = Visitor::with_client(&app, app.client.clone());
    for (who, visitor, expected) in matrix.into_iter().chain([
        (
            "anonymous",
            &anonymous,
            concat!("SSSSSSSSSSUU", "SSS", "SSSSSSSS", "SSS", "SS", "SS", "SS"),
        ),
        (
            "applicant",
            &applicant,
            concat!("SSSSSSSSSSUU", "SSS", "SSSSSSSS", "SSS", "SS", "SS", "SS"),
        ),
    ]) {
        assert_eq!(expected.len(), routes.len(), "{who}: one answer per route");
        for ((method, path, form), want) in routes.iter().zip(expected.chars()) {
            let r = if *method == "GET" {
                visitor.get(path).await
            } else {
                // A valid token for this visitor, from a page it can load.
                let from = if want == 'S' {
                    "/organizer/sign-in"
                } else {
                    "/organizer"
                };
                visitor.submit(from, path, form).await
            };
            let status = r.status().as_u16();
            let to_sign_in = status == 303
                && r.headers()["location"]
                    .to_str()
                    .unwrap()
                    .starts_with("/organizer/sign-in");
            let ok = match want {
                'A' => status != 403 && status != 404 && !to_sign_in && status < 500,
                'D' => status == 403,
                'N' => status == 404,
                'S' => to_sign_in,
                'U' => status == 401,
                _ => unreachable!(),
            };
            assert!(ok, "{who} {method} {path}: got {status}, wanted {want}");
        }
    }
    app.stop().await;
}
