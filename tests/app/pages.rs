//! The public pages and the JSON API, as a visitor and a program see them.

use crate::harness::{Options, spawn_app, spawn_app_with};
use summer_school::domain::audit::Actor;
use summer_school::domain::catalog::{SHIPPED_CATALOG, parse_catalog};

#[tokio::test]
async fn the_home_page_shows_both_schools_with_the_brochure_facts_in_english() {
    let app = spawn_app().await;
    let (status, html) = app.page("/").await;
    assert_eq!(status, 200);
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("Artificial Intelligence and Digital Innovation in Medicine"));
    assert!(html.contains("Hands-on Training in Clinical Medicine and Emergencies"));
    assert!(html.contains("6–17 July 2026"));
    assert!(html.contains("€2,500"));
    assert!(html.contains("€3,100"));
    assert!(html.contains("5 ECTS credits"));
    assert!(html.contains("AFGSU level 2"));
    assert!(html.contains("This edition took place 6–17 July 2026."));
    assert!(html.contains("summerschool.medicine@u-paris.fr"));
    // The AFGSU 2 belongs to the Hands-on school only.
    let ai_card = html.split("<li class=\"program\">").nth(1).unwrap();
    assert!(!ai_card.contains("AFGSU"));
    app.stop().await;
}

#[tokio::test]
async fn a_french_browser_reads_the_site_in_french_and_the_switch_is_remembered() {
    let app = spawn_app().await;
    let html = app
        .get_with_language("/", "fr-FR,fr;q=0.9,en;q=0.5")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("<html lang=\"fr\">"));
    assert!(html.contains("du 6 au 17 juillet 2026"));
    assert!(html.contains("2\u{202f}500\u{a0}€"));
    assert!(html.contains("5 crédits ECTS"));
    assert!(html.contains("Intelligence artificielle et innovation numérique en médecine"));

    // An English browser switches to French: the choice sticks across pages, over Accept-Language.
    let switch = app
        .get("/language/fr?next=/programs/2026/ai-digital-innovation")
        .await;
    assert_eq!(switch.status().as_u16(), 303);
    assert_eq!(
        switch.headers()["location"],
        "/programs/2026/ai-digital-innovation"
    );
    let page = app
        .get_with_language("/programs/2026/ai-digital-innovation", "en")
        .await;
    assert_eq!(page.headers()["vary"], "accept-language, cookie");
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("Toutes les summer schools")
    );
    let back = app.get("/language/en?next=//evil.example").await;
    assert_eq!(
        back.headers()["location"],
        "/",
        "the switch never sends people off-site"
    );
    assert!(
        app.get("/")
            .await
            .text()
            .await
            .unwrap()
            .contains("<html lang=\"en\">")
    );
    app.stop().await;
}

#[tokio::test]
async fn links_of_ours_never_send_anyone_to_another_site() {
    let app = spawn_app().await;
    // Browsers drop tabs and line breaks from an address: `/\t/evil.example` is `//evil.example`.
    for next in [
        "/%09/evil.example",
        "/%0a/evil.example",
        "/%0d%0a/evil.example",
        "/%00",
        "//evil.example",
        "/%5Cevil.example",
        "https://evil.example",
    ] {
        let switch = app.get(&format!("/language/fr?next={next}")).await;
        assert_eq!(switch.status().as_u16(), 303, "{next}");
        assert_eq!(switch.headers()["location"], "/", "{next}");
        let sign_in = app.get(&format!("/sign-in?next={next}")).await;
        assert_eq!(sign_in.status().as_u16(), 200, "{next}");
        let html = sign_in.text().await.unwrap();
        assert!(!html.contains("evil.example"), "{next}: {html}");
    }
}

#[tokio::test]
async fn a_program_page_has_the_details_and_an_unknown_one_is_a_real_404() {
    let app = spawn_app().await;
    let (status, html) = app
        .page("/programs/2026/hands-on-clinical-emergencies")
        .await;
    assert_eq!(status, 200);
    for fact in [
        "iLumens simulation centre",
        "Société Française de Radiologie",
        "60 hours",
        "€3,100",
    ] {
        assert!(html.contains(fact), "missing {fact}");
    }
    assert!(html.contains(
        "<title>Hands-on Training in Clinical Medicine and Emergencies · Summer Schools</title>"
    ));

    let (status, html) = app.page("/programs/2026/no-such-school").await;
    assert_eq!(status, 404);
    assert!(html.contains("<h1>Page not found</h1>"));
    assert!(html.contains("href=\"/\""), "the 404 page leads home");
    let fr = app.get_with_language("/nowhere", "fr").await;
    assert_eq!(fr.status().as_u16(), 404);
    assert!(fr.text().await.unwrap().contains("Page introuvable"));
    let api = app.get("/api/v1/nothing").await;
    assert_eq!(api.status().as_u16(), 404);
    assert_eq!(
        api.json::<serde_json::Value>().await.unwrap()["error"],
        "not_found"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_demo_edition_is_labelled_and_open_for_applications() {
    let app = spawn_app_with(Options {
        demo: true,
        ..Options::default()
    })
    .await;
    let (_, html) = app.page("/").await;
    assert!(html.contains("Demo edition"));
    assert!(html.contains("not a real school"));
    assert!(html.contains("status status--open"));
    assert!(html.contains("40 seats left"));
    let (status, page) = app.page("/programs/demo/ai-digital-innovation").await;
    assert_eq!(status, 200);
    assert!(page.contains("tag--demo"));
    app.stop().await;
}

#[tokio::test]
async fn catalog_text_is_escaped_on_every_page() {
    let app = spawn_app().await;
    let hostile = SHIPPED_CATALOG.replacen(
        "Artificial Intelligence and Digital Innovation in Medicine",
        "AI <script>alert(1)</script> & \\\"Medicine\\\"",
        1,
    );
    let spec = parse_catalog(&hostile).unwrap();
    app.store
        .load_edition(&spec, &Actor::System, time::OffsetDateTime::now_utc())
        .await
        .unwrap();
    app.invalidate_catalog();
    let (_, html) = app.page("/").await;
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(
        html.contains("AI &#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;Medicine&#34;"),
        "{html}"
    );
    app.stop().await;
}

#[tokio::test]
async fn health_api_and_openapi_answer_in_json() {
    let app = spawn_app().await;
    let health = app.get("/healthz").await;
    assert_eq!(health.status().as_u16(), 200);
    assert!(
        health.headers().contains_key("x-request-id"),
        "every response carries its request id"
    );
    let body: serde_json::Value = health.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(
        body["backend"],
        if app.db.is_postgres() {
            "postgres"
        } else {
            "sqlite"
        }
    );

    let programs: serde_json::Value = app.get("/api/v1/programs").await.json().await.unwrap();
    let list = programs.as_array().unwrap();
    assert_eq!(list.len(), 2);
    let hands_on = list
        .iter()
        .find(|p| p["slug"] == "hands-on-clinical-emergencies")
        .unwrap();
    assert_eq!(hands_on["fees"][0]["amount_cents"], 310_000);
    assert_eq!(hands_on["fees"][0]["currency"], "EUR");
    assert_eq!(hands_on["starts_on"], "2026-07-06");
    assert_eq!(hands_on["ends_on"], "2026-07-17");
    assert_eq!(hands_on["ects"], 5);
    assert_eq!(
        hands_on["certifications"],
        serde_json::json!(["attestation_of_success", "afgsu2"])
    );
    assert_eq!(hands_on["applications"]["state"], "closed");
    assert_eq!(
        hands_on["url"],
        "http://summer-school.test/programs/2026/hands-on-clinical-emergencies"
    );

    let doc: serde_json::Value = app.get("/api/openapi.json").await.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert!(doc["paths"]["/api/v1/programs"]["get"].is_object());
    assert!(doc["paths"]["/healthz"]["get"].is_object());
    assert!(doc["components"]["schemas"]["ProgramJson"].is_object());
    // Every route behind a session documents the answers of a missing session and an unknown id;
    // every write, the refusal of a cross-site request.
    let mut documented = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if op["security"].is_null() {
                continue;
            }
            documented += 1;
            let responses = &op["responses"];
            assert!(responses["401"].is_object(), "{method} {path}: 401");
            assert!(responses["404"].is_object(), "{method} {path}: 404");
            if path.starts_with("/api/v1/applications") && method != "get" {
                assert!(responses["403"].is_object(), "{method} {path}: 403");
            }
        }
    }
    assert!(documented >= 9, "{documented} routes behind a session");

    let css = app.get("/static/site.css").await;
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    app.stop().await;
}

/// A TCP relay to Postgres that the test can cut, as a network outage would.
pub(crate) async fn relay_to_postgres(port: u16) -> (u16, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let relay_port = listener.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        // Owned here: aborting the relay drops every connection it carries.
        let mut connections = tokio::task::JoinSet::new();
        while let Ok((mut client, _)) = listener.accept().await {
            let Ok(mut server) = tokio::net::TcpStream::connect(("127.0.0.1", port)).await else {
                continue;
            };
            connections.spawn(async move {
                let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
            });
        }
    });
    (relay_port, task)
}

#[tokio::test]
async fn a_database_outage_answers_503_with_a_page_that_says_to_try_again() {
    // SQLite is a file of this process: only a networked database can be cut off.
    let Some(admin_url) = crate::harness::postgres_url() else {
        return;
    };
    let db = crate::harness::TestDb::fresh_postgres(&admin_url).await;
    let (relay, cut) = relay_to_postgres(5432).await;
    let url = db
        .url()
        .replacen("127.0.0.1:5432", &format!("127.0.0.1:{relay}"), 1);
    assert_ne!(url, db.url(), "the test database is on 127.0.0.1:5432");
    let app = spawn_app_with(Options {
        env: vec![("DATABASE_URL", url)],
        ..Options::default()
    })
    .await;
    // Its database is gone by the end: nothing can finish the queue (it is empty anyway).
    app.leaves_jobs();
    let code = "/verify/2345-6789-ABCD-EFGH";
    assert_eq!(app.get(code).await.status(), 404, "answers while it can");
    cut.abort();
    let _ = cut.await;
    let down = app.get(code).await;
    assert_eq!(down.status(), 503);
    let html = down.text().await.unwrap();
    assert!(html.contains("the service is unavailable"), "{html}");
}

/// Every form is read by one extractor: its token first, then its fields. A body that is not the
/// page's form gets a page that says so, never the framework's plain-text answer.
#[tokio::test]
async fn a_form_is_checked_for_its_token_before_its_fields_are_read() {
    let app = spawn_app().await;
    let (_, html) = app.page("/sign-in").await;
    let csrf = crate::harness::csrf_of(&html);
    let post = |content_type: &'static str, body: String| {
        app.client
            .post(format!("{}/sign-in", app.base))
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    // Not a form: no token, so the same refusal as a wrong one, as a page.
    let r = post("application/json", format!("{{\"csrf\":\"{csrf}\"}}"))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert!(r.text().await.unwrap().contains("This form has expired"));
    // The right token with a field twice: the form cannot be read.
    let r = post(
        "application/x-www-form-urlencoded",
        format!("csrf={csrf}&email=a%40example.org&email=b%40example.org"),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("This form could not be read")
    );
    // A wrong token is refused before anything is read or sent.
    let r = post(
        "application/x-www-form-urlencoded",
        "csrf=forged&email=a%40example.org".to_owned(),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let queued = app
        .store
        .jobs(summer_school::store::JobFilter::All, 10)
        .await
        .unwrap();
    assert!(queued.is_empty(), "no sign-in link was queued: {queued:?}");
    app.stop().await;
}
