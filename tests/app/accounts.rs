//! Applicant accounts: sign-in by emailed link (read back from the real SMTP server), sessions, CSRF.

use std::time::Duration;

use summer_school::domain::email::EmailAddress;
use summer_school::domain::locale::Locale;
use summer_school::email::render;
use summer_school::i18n::Tr;
use summer_school::store::{SignInLimits, SignInRequest};
use time::OffsetDateTime;

use crate::harness::{csrf_of, spawn_app};

#[tokio::test]
async fn an_applicant_signs_in_with_a_link_read_back_from_the_mail_server() {
    let app = spawn_app().await;
    // Not signed in: the applicant's page sends to sign-in, and remembers where to come back.
    let r = app.get("/my-applications").await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], "/sign-in?next=/my-applications");

    let (status, html) = app.page("/sign-in?next=/my-applications").await;
    assert_eq!(status, 200);
    assert!(html.contains("<label for=\"email\">Email address</label>"));
    let r = app
        .post_form(
            "/sign-in",
            &[
                ("csrf", &csrf_of(&html)),
                ("email", "ana.silva@example.org"),
                ("next", "/my-applications"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let body = r.text().await.unwrap();
    assert!(body.contains("Check your email") && body.contains("ana.silva@example.org"));

    app.dispatch_pending_jobs().await;
    let mail = app
        .smtp
        .wait_for_to("ana.silva@example.org", Duration::from_secs(5))
        .await;
    assert!(mail.header("Subject").unwrap().contains("sign-in link"));
    let link = mail.link(&app.config.public_url);
    let path = link.trim_start_matches(&app.config.public_url).to_owned();
    assert!(
        path.starts_with("/sign-in/link/") && path.len() == "/sign-in/link/".len() + 64,
        "{path}"
    );

    // Opening the link (as a mail scanner would) does not use it up.
    let (status, confirm) = app.page(&path).await;
    assert_eq!(status, 200);
    let (_, confirm_again) = app.page(&path).await;
    let r = app
        .post_form(&path, &[("csrf", &csrf_of(&confirm_again))])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], "/my-applications");
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect::<Vec<_>>();
    let session = cookie
        .iter()
        .find(|c| c.starts_with("ss_session="))
        .expect("a session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax"),
        "{session}"
    );

    let (status, page) = app.page("/my-applications").await;
    assert_eq!(status, 200);
    assert!(page.contains("Signed in as ana.silva@example.org"));

    // The link works once.
    let (_, reopened) = app.page(&path).await;
    assert_ne!(
        csrf_of(&reopened),
        csrf_of(&confirm),
        "signing in changes the form tokens"
    );
    let r = app.post_form(&path, &[("csrf", &csrf_of(&reopened))]).await;
    assert_eq!(r.status().as_u16(), 410);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("This sign-in link no longer works")
    );

    // Signing out ends the session on the server, not only in the browser.
    let r = app
        .post_form("/sign-out", &[("csrf", &csrf_of(&page))])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(app.get("/my-applications").await.status().as_u16(), 303);
    app.stop().await;
}

#[tokio::test]
async fn expired_and_unknown_links_are_refused() {
    let app = spawn_app().await;
    let email = EmailAddress::parse("late@example.org").unwrap();
    let token = "ab".repeat(32);
    let hash = summer_school::http::auth::sha256_hex(&token);
    let now = OffsetDateTime::now_utc();
    let request = SignInRequest {
        email: &email,
        locale: Locale::En,
        next_path: "/",
        requester: "test",
        token_hash: &hash,
        expires_at: now - time::Duration::minutes(1),
        limits: SignInLimits::default(),
    };
    let mail = render::sign_in_link(Tr(Locale::En), &email, "https://x.test/link");
    app.store
        .request_sign_in(&request, &mail, now - time::Duration::minutes(31))
        .await
        .unwrap();
    let path = format!("/sign-in/link/{token}");
    let (_, html) = app.page(&path).await;
    let r = app.post_form(&path, &[("csrf", &csrf_of(&html))]).await;
    assert_eq!(r.status().as_u16(), 410, "expired");
    let unknown = format!("/sign-in/link/{}", "cd".repeat(32));
    let r = app.post_form(&unknown, &[("csrf", &csrf_of(&html))]).await;
    assert_eq!(
        r.status().as_u16(),
        410,
        "unknown links get the same answer"
    );
    assert_eq!(
        app.get("/my-applications").await.status().as_u16(),
        303,
        "not signed in"
    );
    app.stop().await;
}

#[tokio::test]
async fn forms_without_their_csrf_token_are_refused() {
    let app = spawn_app().await;
    let (_, html) = app.page("/sign-in").await;
    let r = app
        .post_form("/sign-in", &[("email", "x@example.org")])
        .await;
    assert_eq!(r.status().as_u16(), 403);
    assert!(r.text().await.unwrap().contains("This form has expired"));
    let r = app
        .post_form(
            "/sign-in",
            &[("csrf", &"0".repeat(64)), ("email", "x@example.org")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 403, "a made-up token");
    // Another browser's token does not work here.
    let other = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let r = other
        .post(format!("{}/sign-in", app.base))
        .form(&[
            ("csrf", csrf_of(&html).as_str()),
            ("email", "x@example.org"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(
        app.dispatch_pending_jobs().await.done,
        0,
        "nothing was sent"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_bad_address_is_explained_in_the_visitors_language_with_what_they_typed() {
    let app = spawn_app().await;
    let (_, html) = app.page("/sign-in").await;
    let r = app
        .client
        .post(format!("{}/sign-in", app.base))
        .header("accept-language", "fr")
        .form(&[
            ("csrf", csrf_of(&html).as_str()),
            ("email", "marie.curie@"),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("<title>Erreur : Se connecter pour candidater"),
        "{page}"
    );
    assert!(page.contains("Il y a un problème"));
    assert!(page.contains("href=\"#email\""));
    assert!(page.contains("Saisissez une adresse électronique au bon format"));
    assert!(
        page.contains("value=\"marie.curie@\""),
        "what they typed is kept"
    );
    app.stop().await;
}

#[tokio::test]
async fn sign_in_links_are_rate_limited_with_the_same_answer() {
    let app = spawn_app().await;
    for _ in 0..7 {
        let (_, html) = app.page("/sign-in").await;
        let r = app
            .post_form(
                "/sign-in",
                &[
                    ("csrf", &csrf_of(&html)),
                    ("email", "eager@example.org"),
                    ("next", "/"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 200);
        assert!(r.text().await.unwrap().contains("Check your email"));
    }
    let report = app.dispatch_pending_jobs().await;
    assert_eq!(report.done, 5, "at most 5 links an hour to one address");
    app.stop().await;
}

#[tokio::test]
async fn a_session_belongs_to_one_browser_and_the_first_sign_in_makes_the_account() {
    let app = spawn_app().await;
    app.sign_in("first.time@example.org").await;
    let (status, page) = app.page("/my-applications").await;
    assert_eq!(status, 200);
    assert!(page.contains("first.time@example.org"));
    let stranger = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = stranger
        .get(format!("{}/my-applications", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303, "another browser is not signed in");
    app.stop().await;
}

#[tokio::test]
async fn behind_a_proxy_the_limit_counts_each_visitor_not_the_proxy() {
    let app = crate::harness::spawn_app_with(crate::harness::Options {
        env: vec![("CLIENT_IP_HEADER", "x-forwarded-for".to_owned())],
        ..Default::default()
    })
    .await;
    let ask = |email: String, ip: &'static str| {
        let app = &app;
        async move {
            let (_, html) = app.page("/sign-in").await;
            let r = app
                .client
                .post(format!("{}/sign-in", app.base))
                .header("x-forwarded-for", format!("198.51.100.1, {ip}"))
                .form(&[
                    ("csrf", csrf_of(&html).as_str()),
                    ("email", email.as_str()),
                    ("next", "/"),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 200);
        }
    };
    for n in 0..32 {
        ask(format!("visitor{n}@example.org"), "203.0.113.7").await;
    }
    ask("elsewhere@example.org".to_owned(), "203.0.113.99").await;
    let report = app.dispatch_pending_jobs().await;
    assert_eq!(
        report.done, 31,
        "30 links for the busy visitor, and one for another visitor behind the same proxy"
    );
    app.stop().await;
}
