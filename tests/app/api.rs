//! The applicant's JSON API, with a bearer session from an emailed link.

use std::time::Duration;

use serde_json::{Value, json};

use crate::harness::{Options, TestApp, spawn_app, spawn_app_with};

async fn token_for(app: &TestApp, email: &str) -> String {
    let r = app
        .client
        .post(format!("{}/api/v1/sign-in", app.base))
        .json(&json!({"email": email}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 202);
    app.dispatch_pending_jobs().await;
    let link = app
        .smtp
        .wait_for_to(email, Duration::from_secs(5))
        .await
        .link(&app.config.public_url);
    let token = link.rsplit('/').next().unwrap();
    let r = app
        .client
        .post(format!("{}/api/v1/sign-in/{token}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let body: Value = r.json().await.unwrap();
    let again = app
        .client
        .post(format!("{}/api/v1/sign-in/{token}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 410, "a link works once");
    body["token"].as_str().unwrap().to_owned()
}

fn api(app: &TestApp, method: reqwest::Method, path: &str, token: &str) -> reqwest::RequestBuilder {
    // A fresh client: the bearer token alone authenticates (no cookies).
    reqwest::Client::new()
        .request(method, format!("{}{path}", app.base))
        .bearer_auth(token)
}

#[tokio::test]
async fn the_whole_application_through_the_api() {
    let app = spawn_app_with(Options {
        demo: true,
        ..Options::default()
    })
    .await;
    let r = reqwest::Client::new()
        .get(format!("{}/api/v1/me/applications", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "unauthenticated");

    let token = token_for(&app, "api.user@example.org").await;
    let r = api(
        &app,
        reqwest::Method::POST,
        "/api/v1/programs/demo/ai-digital-innovation/applications",
        &token,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let created: Value = r.json().await.unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["status"], "draft");
    assert_eq!(created["complete"], false);
    let r = api(
        &app,
        reqwest::Method::POST,
        "/api/v1/programs/demo/ai-digital-innovation/applications",
        &token,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 200, "one application per program");
    let r = api(
        &app,
        reqwest::Method::POST,
        "/api/v1/programs/2026/ai-digital-innovation/applications",
        &token,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 409, "closed window");

    // Problems come back per field, in the caller's language.
    let r = api(&app, reqwest::Method::PUT, &format!("/api/v1/applications/{id}/steps/identity"), &token)
        .header("accept-language", "fr")
        .json(&json!({"given_names": "Анна", "family_name": "Кузнецова", "certificate_name": "Анна Кузнецова",
            "birth_date-day": "1", "birth_date-month": "13", "birth_date-year": "2000",
            "nationality": "UA", "residence_country": "PL"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["fields"][0]["field"], "birth_date");
    assert_eq!(body["fields"][0]["code"], "error-date-real");
    assert_eq!(
        body["fields"][0]["message"],
        "Saisissez une date qui existe"
    );

    let steps = [
        (
            "identity",
            json!({"given_names": "Анна", "family_name": "Кузнецова", "certificate_name": "Анна Кузнецова",
            "birth_date-day": "1", "birth_date-month": "12", "birth_date-year": "2000", "nationality": "UA", "residence_country": "PL"}),
        ),
        (
            "contact",
            json!({"phone": "+48 22 123 45 67", "address_line1": "ul. Żwirki i Wigury 61", "address_city": "Warszawa", "address_country": "PL"}),
        ),
        (
            "background",
            json!({"category": "engineer_or_data_scientist", "institution": "Politechnika Warszawska",
            "institution_country": "PL", "partner_university": "no", "english_level": "c2"}),
        ),
        (
            "motivation",
            json!({"motivation": "I build machine learning systems for radiology and want to learn from clinicians. ".repeat(4)}),
        ),
        ("declaration", json!({"consent": "yes"})),
    ];
    for (step, body) in steps {
        let r = api(
            &app,
            reqwest::Method::PUT,
            &format!("/api/v1/applications/{id}/steps/{step}"),
            &token,
        )
        .json(&body)
        .send()
        .await
        .unwrap();
        assert_eq!(
            r.status().as_u16(),
            200,
            "{step}: {}",
            r.text().await.unwrap()
        );
    }
    let exe = api(
        &app,
        reqwest::Method::PUT,
        &format!("/api/v1/applications/{id}/documents/cv"),
        &token,
    )
    .body(b"MZ\x90\x00not a pdf".to_vec())
    .send()
    .await
    .unwrap();
    assert_eq!(exe.status().as_u16(), 422);
    for kind in ["cv", "motivation_letter", "proof_of_status"] {
        let r = api(
            &app,
            reqwest::Method::PUT,
            &format!("/api/v1/applications/{id}/documents/{kind}"),
            &token,
        )
        .header("x-file-name", format!("{kind}.pdf"))
        .body(format!("%PDF-1.5\n{kind}\n").into_bytes())
        .send()
        .await
        .unwrap();
        assert_eq!(r.status().as_u16(), 201, "{kind}");
    }
    let r = api(
        &app,
        reqwest::Method::POST,
        &format!("/api/v1/applications/{id}/submit"),
        &token,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let sent: Value = r.json().await.unwrap();
    assert_eq!(sent["status"], "submitted");
    assert_eq!(sent["answers"]["certificate_name"], "Анна Кузнецова");
    assert_eq!(sent["documents"].as_array().unwrap().len(), 3);
    let r = api(
        &app,
        reqwest::Method::POST,
        &format!("/api/v1/applications/{id}/submit"),
        &token,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 409, "sent once");

    app.dispatch_pending_jobs().await;
    let timeline: Value = api(
        &app,
        reqwest::Method::GET,
        &format!("/api/v1/applications/{id}/timeline"),
        &token,
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let kinds: Vec<&str> = timeline
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"email"), "{timeline}");
    assert!(
        timeline
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["what"] == "application.submitted")
    );

    // Another applicant sees nothing of it.
    let other = token_for(&app, "someone.else@example.org").await;
    for path in [
        format!("/api/v1/applications/{id}"),
        format!("/api/v1/applications/{id}/timeline"),
    ] {
        let r = api(&app, reqwest::Method::GET, &path, &other)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 404, "{path}");
    }
    let r = api(
        &app,
        reqwest::Method::PUT,
        &format!("/api/v1/applications/{id}/steps/contact"),
        &other,
    )
    .json(&json!({"phone": "nope"}))
    .send()
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let mine: Value = api(
        &app,
        reqwest::Method::GET,
        "/api/v1/me/applications",
        &other,
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(mine.as_array().unwrap().len(), 0);

    let doc: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    for path in [
        "/api/v1/sign-in",
        "/api/v1/applications/{id}/submit",
        "/api/v1/applications/{id}/steps/{step}",
    ] {
        assert!(
            doc["paths"][path].is_object(),
            "{path} missing from OpenAPI"
        );
    }
    assert!(doc["components"]["securitySchemes"]["session"].is_object());
    app.stop().await;
}

#[tokio::test]
async fn what_the_framework_refuses_is_answered_in_the_apis_json() {
    let app = spawn_app().await;
    let url = format!("{}/api/v1/sign-in", app.base);
    let client = reqwest::Client::new();
    for (request, status, error) in [
        (
            client
                .post(&url)
                .header("content-type", "text/plain")
                .body("hello"),
            415,
            "unsupported_media_type",
        ),
        (
            client
                .post(&url)
                .header("content-type", "application/json")
                .body("{not json"),
            400,
            "bad_request",
        ),
        (
            client
                .post(&url)
                .header("content-type", "application/json")
                .body("{\"mail\": 1}"),
            422,
            "invalid",
        ),
        (
            client.delete(format!("{}/api/v1/programs", app.base)),
            405,
            "method_not_allowed",
        ),
    ] {
        let r = request.send().await.unwrap();
        assert_eq!(r.status().as_u16(), status);
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"], error, "{body}");
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{body}"
        );
    }
}

#[tokio::test]
async fn a_bad_sign_in_address_is_named_with_its_code_in_the_callers_language() {
    let app = spawn_app().await;
    let url = format!("{}/api/v1/sign-in", app.base);
    let client = reqwest::Client::new();
    for (email, language, code, words) in [
        ("   ", "en", "error-email-empty", "Enter"),
        (
            "nobody-at-example.org",
            "fr",
            "error-email-malformed",
            "adresse",
        ),
        (
            &format!("{}@example.org", "a".repeat(250)),
            "en",
            "error-email-too-long",
            "254",
        ),
    ] {
        let r = client
            .post(&url)
            .header("accept-language", language)
            .json(&json!({ "email": email }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 422);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"], "invalid", "{body}");
        assert_eq!(body["fields"][0]["field"], "email", "{body}");
        assert_eq!(body["fields"][0]["code"], code, "{body}");
        let message = body["fields"][0]["message"].as_str().unwrap();
        assert!(message.contains(words), "{language}: {message}");
        assert_eq!(body["message"], message, "{body}");
    }
    // No link was queued for any of them.
    assert_eq!(app.dispatch_pending_jobs().await.done, 0);
    assert!(app.smtp.messages().is_empty());
    app.stop().await;
}
