//! The real pages in a real headless Chromium, driven through chromedriver (WebDriver): what an
//! applicant sees and clicks, from the home page to the "Application received" email.
//!
//! Each test starts its own chromedriver on a free port and a fresh browser profile. They need the
//! Debian packages `chromium` and `chromium-driver` (`scripts/test` installs them); without them the
//! test binary stops at once with one line (the harness's preflight), they never pass silently.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use crate::harness::{Options, TestApp, free_port, spawn_app_with};

pub(crate) const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub(crate) const CHROMIUM: &str = "/usr/bin/chromium";
/// Without these Chromium waits for the network (closed here) or for a first-run dialog.
const CHROMIUM_ARGS: [&str; 9] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,1024",
];
const PROGRAM: &str = "/programs/demo/hands-on-clinical-emergencies";
const AI_TITLE: &str = "Artificial Intelligence and Digital Innovation in Medicine";
const HANDS_ON_TITLE: &str = "Hands-on Training in Clinical Medicine and Emergencies";
/// How long a page may take to appear after a click.
const PATIENCE: Duration = Duration::from_secs(15);

/// A chromedriver process (in its own process group, with the browsers it starts), stopped on drop.
struct Chromedriver {
    child: Child,
    port: u16,
    profile: tempfile::TempDir,
}

impl Chromedriver {
    fn start() -> Chromedriver {
        // Both are there (else one line and exit), checked once for the whole test binary.
        crate::harness::preflight();
        use std::os::unix::process::CommandExt;
        let port = free_port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {CHROMEDRIVER} (install chromium-driver): {e}")
            });
        let driver = Chromedriver {
            child,
            port,
            profile: tempfile::tempdir().expect("a temporary browser profile"),
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not listen on port {port} within 10 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        driver
    }

    /// A new browser session: headless Chromium with a fresh profile.
    async fn browser(&self) -> Client {
        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|a| a.to_string()).collect();
        args.push(format!("--user-data-dir={}", self.profile.path().display()));
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": CHROMIUM, "args": args },
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!()
        };
        ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .expect("a Chromium session from chromedriver")
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        // Politely first (chromedriver then quits its browsers), then the whole process group.
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", self.port)) {
            let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
            let _ = s.write_all(
                b"GET /shutdown HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
            );
            let _ = s.read_to_end(&mut Vec::new());
        }
        let deadline = Instant::now() + Duration::from_secs(2);
        while TcpStream::connect(("127.0.0.1", self.port)).is_ok() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        // Not reaped yet, so the group id is still ours.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn demo_app() -> TestApp {
    spawn_app_with(Options {
        demo: true,
        ..Options::default()
    })
    .await
}

async fn open(c: &Client, app: &TestApp, path: &str) {
    c.goto(&format!("{}{path}", app.base))
        .await
        .unwrap_or_else(|e| panic!("open {path}: {e}"));
}

async fn current_path(c: &Client) -> String {
    c.current_url()
        .await
        .expect("the current URL")
        .path()
        .to_owned()
}

/// Waits until the browser shows a page whose path satisfies `wanted`; returns the path.
async fn wait_for_path(c: &Client, what: &str, wanted: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let path = current_path(c).await;
        let ready = c
            .execute("return document.readyState", vec![])
            .await
            .map(|s| s == "complete")
            .unwrap_or(false);
        if ready && wanted(&path) {
            return path;
        }
        assert!(
            Instant::now() < deadline,
            "expected {what}, the browser is still on {path}:\n{}",
            page_text(c).await
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The text of the page as rendered (what is visible).
async fn page_text(c: &Client) -> String {
    match c.find(Locator::Css("body")).await {
        Ok(body) => body.text().await.unwrap_or_default(),
        Err(e) => format!("(no page: {e})"),
    }
}

/// Waits until the page shows `text`.
async fn wait_for_text(c: &Client, text: &str) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let shown = page_text(c).await;
        if shown.contains(text) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the page at {} never showed {text:?}:\n{shown}",
            current_path(c).await
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn find(c: &Client, locator: Locator<'_>) -> Element {
    let described = format!("{locator:?}");
    match c.wait().at_most(PATIENCE).for_element(locator).await {
        Ok(element) => element,
        Err(e) => panic!("no {described} on {}: {e}", current_path(c).await),
    }
}

async fn click(c: &Client, locator: Locator<'_>) {
    let described = format!("{locator:?}");
    find(c, locator)
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {described}: {e}"));
}

/// Clicks the form button labelled `label` (the page's main form).
async fn press(c: &Client, label: &str) {
    let xpath = format!("//main//form//button[@type='submit' and normalize-space()='{label}']");
    click(c, Locator::XPath(&xpath)).await;
}

/// Types into the field with this id, as a person would (key by key).
/// Types into the field, then waits until the field holds what was typed: the next action (a click
/// on a button) must not overtake keystrokes the browser has not applied yet.
async fn type_into(c: &Client, id: &str, text: &str) {
    let field = find(c, Locator::Id(id)).await;
    field
        .send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("type into #{id}: {e}"));
    // A file input shows only the file's name (behind a fake path).
    let expected = if field.attr("type").await.ok().flatten().as_deref() == Some("file") {
        text.rsplit('/').next().unwrap_or(text)
    } else {
        text
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let value = field.prop("value").await.ok().flatten().unwrap_or_default();
        if value.ends_with(expected) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "#{id} holds {value:?}, not what was typed ({text:?})"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

async fn choose(c: &Client, select_id: &str, value: &str) {
    find(c, Locator::Id(select_id))
        .await
        .select_by_value(value)
        .await
        .unwrap_or_else(|e| panic!("choose {value} in #{select_id}: {e}"));
}

/// Clicks the radio button or checkbox with this name and value.
async fn tick(c: &Client, name: &str, value: &str) {
    let css = format!("input[name='{name}'][value='{value}']");
    let input = find(c, Locator::Css(&css)).await;
    input
        .click()
        .await
        .unwrap_or_else(|e| panic!("tick {css}: {e}"));
    assert!(
        input.is_selected().await.unwrap(),
        "{css} is ticked after a click"
    );
}

/// Answers the school's own questions from the catalog (yes/no radios named `q_<key>`), if it has
/// any: a medical student answers yes.
async fn answer_program_questions(c: &Client) {
    let yes = c
        .find_all(Locator::Css("input[type='radio'][name^='q_'][value='yes']"))
        .await
        .expect("the page's questions");
    for radio in yes {
        radio.click().await.expect("answer a question");
        assert!(radio.is_selected().await.unwrap(), "the answer is ticked");
    }
}

/// Presses Continue and waits for the next page.
async fn continue_to(c: &Client, what: &str, wanted: impl Fn(&str) -> bool) -> String {
    press(c, "Continue").await;
    wait_for_path(c, what, wanted).await
}

/// An organizer page leads to the organizer sign-in page; email and password there lead to the
/// dashboard.
async fn organizer_signs_in(c: &Client, app: &TestApp, email: &str, password: &str) {
    open(c, app, "/organizer").await;
    wait_for_path(c, "the organizer sign-in page", |p| {
        p == "/organizer/sign-in"
    })
    .await;
    type_into(c, "email", email).await;
    type_into(c, "password", password).await;
    press(c, "Sign in").await;
    wait_for_path(c, "the dashboard", |p| p == "/organizer").await;
}

/// Signs in from the sign-in page the browser is on: email, the link from the real SMTP server,
/// the button. Leaves the browser where the sign-in page said it would go next.
async fn sign_in_here(c: &Client, app: &TestApp, email: &str) {
    wait_for_path(c, "the sign-in page", |p| p == "/sign-in").await;
    type_into(c, "email", email).await;
    press(c, "Email me a sign-in link").await;
    wait_for_text(c, "Check your email").await;
    assert!(
        page_text(c).await.contains(email),
        "the page names the address"
    );

    app.dispatch_pending_jobs().await;
    let mail = app.smtp.wait_for_to(email, Duration::from_secs(10)).await;
    let link = mail.link(&app.config.public_url);
    let path = link
        .strip_prefix(app.config.public_url.as_str())
        .unwrap_or_else(|| panic!("{link} is on the site"))
        .to_owned();
    assert!(path.starts_with("/sign-in/link/"), "{link}");
    open(c, app, &path).await;
    wait_for_text(c, "Continue signing in").await;
    press(c, "Sign in").await;
    wait_for_path(c, "to leave the sign-in link page", |p| {
        !p.starts_with("/sign-in")
    })
    .await;
}

/// From the program page, signed out: Apply, sign in, start. Returns the application id.
async fn start_application(c: &Client, app: &TestApp, email: &str) -> String {
    open(c, app, PROGRAM).await;
    click(c, Locator::LinkText("Apply to this school")).await;
    sign_in_here(c, app, email).await;
    let apply = format!("{PROGRAM}/apply");
    wait_for_path(c, "back to the apply page", |p| p == apply).await;
    wait_for_text(c, "Apply: Hands-on Training").await;
    press(c, "Start your application").await;
    let path = wait_for_path(c, "the identity step", |p| {
        p.starts_with("/applications/") && p.ends_with("/step/identity")
    })
    .await;
    path.trim_start_matches("/applications/")
        .trim_end_matches("/step/identity")
        .to_owned()
}

#[tokio::test]
async fn the_home_page_shows_both_schools_and_switches_to_french() {
    let app = demo_app().await;
    let driver = Chromedriver::start();
    let c = driver.browser().await;

    open(&c, &app, "/").await;
    let h1 = find(&c, Locator::Css("h1")).await;
    assert_eq!(h1.text().await.unwrap(), "Summer Schools in Paris");
    let html = find(&c, Locator::Css("html")).await;
    assert_eq!(html.attr("lang").await.unwrap().as_deref(), Some("en"));
    for title in [AI_TITLE, HANDS_ON_TITLE] {
        let link = find(&c, Locator::LinkText(title)).await;
        assert!(link.is_displayed().await.unwrap(), "{title} is visible");
    }

    click(&c, Locator::LinkText("Français")).await;
    wait_for_text(&c, "Summer Schools à Paris").await;
    assert_eq!(
        current_path(&c).await,
        "/",
        "the switch comes back to the page"
    );
    let html = find(&c, Locator::Css("html")).await;
    assert_eq!(html.attr("lang").await.unwrap().as_deref(), Some("fr"));
    let text = page_text(&c).await;
    assert!(
        text.contains("Intelligence artificielle et innovation numérique en médecine"),
        "{text}"
    );

    // Remembered in a cookie: a reload, and another page, stay in French.
    c.refresh().await.unwrap();
    wait_for_text(&c, "Summer Schools à Paris").await;
    let html = find(&c, Locator::Css("html")).await;
    assert_eq!(html.attr("lang").await.unwrap().as_deref(), Some("fr"));
    open(&c, &app, PROGRAM).await;
    wait_for_text(&c, "Formation pratique en médecine clinique et en urgences").await;

    c.close().await.unwrap();
    drop(driver);
    app.stop().await;
}

#[tokio::test]
async fn an_applicant_applies_in_the_browser() {
    let app = demo_app().await;
    let driver = Chromedriver::start();
    let c = driver.browser().await;
    let email = "lukasz.zolkiewski@example.org";

    // From the home page to the program, then Apply, which asks to sign in first.
    open(&c, &app, "/").await;
    click(&c, Locator::Css(&format!("h3 a[href='{PROGRAM}']"))).await;
    wait_for_path(&c, "the program page", |p| p == PROGRAM).await;
    wait_for_text(&c, HANDS_ON_TITLE).await;
    click(&c, Locator::LinkText("Apply to this school")).await;
    sign_in_here(&c, &app, email).await;
    let apply = format!("{PROGRAM}/apply");
    wait_for_path(&c, "back to the apply page", |p| p == apply).await;
    press(&c, "Start your application").await;
    let path = wait_for_path(&c, "the identity step", |p| p.ends_with("/step/identity")).await;
    let id = path
        .trim_start_matches("/applications/")
        .trim_end_matches("/step/identity")
        .to_owned();
    let step = |s: &str| format!("/applications/{id}/step/{s}");

    wait_for_text(&c, "Your identity").await;
    type_into(&c, "given_names", "Łukasz").await;
    type_into(&c, "family_name", "Żółkiewski").await;
    type_into(&c, "certificate_name", "Łukasz Żółkiewski").await;
    type_into(&c, "birth_date", "14").await;
    type_into(&c, "birth_date-month", "2").await;
    type_into(&c, "birth_date-year", "1999").await;
    choose(&c, "nationality", "PL").await;
    choose(&c, "residence_country", "FR").await;
    let contact = step("contact");
    continue_to(&c, "the contact step", |p| p == contact).await;

    type_into(&c, "phone", "+33 6 12 34 56 78").await;
    type_into(&c, "address_line1", "12 rue de l'École-de-Médecine").await;
    type_into(&c, "address_line2", "Bâtiment Jules-Déjerine").await;
    type_into(&c, "address_city", "Paris").await;
    type_into(&c, "address_postcode", "75006").await;
    choose(&c, "address_country", "FR").await;
    let background = step("background");
    continue_to(&c, "the background step", |p| p == background).await;

    tick(&c, "category", "medical_student").await;
    type_into(&c, "study_year", "5").await;
    type_into(&c, "institution", "Uniwersytet Jagielloński").await;
    choose(&c, "institution_country", "PL").await;
    tick(&c, "partner_university", "no").await;
    tick(&c, "english_level", "c1").await;
    let motivation = step("motivation");
    continue_to(&c, "the motivation step", |p| p == motivation).await;

    let why = "I want to learn emergency medicine with my own hands, in Paris. ".repeat(5);
    type_into(&c, "motivation", why.trim_end()).await;
    answer_program_questions(&c).await;
    let documents = format!("/applications/{id}/documents");
    continue_to(&c, "the documents page", |p| p == documents).await;

    // Real files, chosen through the file inputs.
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str, bytes: &[u8]| -> PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    };
    let cv = file("CV Żółkiewski.pdf", b"%PDF-1.4\n% cv\n%%EOF\n");
    let letter = file("letter.pdf", b"%PDF-1.4\n% letter\n%%EOF\n");
    let transcript = file("transcript.png", b"\x89PNG\r\n\x1a\n0000");
    for (input, path) in [
        ("cv", &cv),
        ("motivation_letter", &letter),
        ("proof_of_status", &transcript),
    ] {
        type_into(&c, input, &path.display().to_string()).await;
    }
    let declaration = step("declaration");
    continue_to(&c, "the declaration step", |p| p == declaration).await;

    tick(&c, "consent", "yes").await;
    let check = format!("/applications/{id}/check");
    continue_to(&c, "the check page", |p| p == check).await;

    wait_for_text(&c, "Check your answers before sending your application").await;
    let text = page_text(&c).await;
    for shown in [
        "Łukasz",
        "Żółkiewski",
        "Łukasz Żółkiewski",
        "14 February 1999",
        "Poland",
        "+33612345678",
        "12 rue de l'École-de-Médecine",
        "Uniwersytet Jagielloński",
        "I want to learn emergency medicine",
        "CV Żółkiewski.pdf",
        "letter.pdf",
        "transcript.png",
    ] {
        assert!(
            text.contains(shown),
            "the check page lacks {shown}:\n{text}"
        );
    }
    assert!(!text.contains("Not answered yet"), "{text}");

    press(&c, "Send application").await;
    let application = format!("/applications/{id}");
    wait_for_path(&c, "the application page", |p| p == application).await;
    wait_for_text(&c, "Application sent").await;
    let reference = id[..8].to_uppercase();
    let text = page_text(&c).await;
    assert!(
        text.contains(&reference),
        "the reference {reference}:\n{text}"
    );
    assert!(text.contains("Sent, waiting for review"), "{text}");
    assert!(text.contains("CV Żółkiewski.pdf"), "{text}");

    app.dispatch_pending_jobs().await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let received = loop {
        let found = app.smtp.messages().into_iter().find(|m| {
            m.rcpt_to().contains(email)
                && m.header("Subject")
                    .is_some_and(|s| s.contains("Application received"))
        });
        if let Some(m) = found {
            break m;
        }
        assert!(
            Instant::now() < deadline,
            "no \"Application received\" email to {email}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    };
    assert!(
        received.text_body().contains(&reference),
        "{}",
        received.text_body()
    );

    c.close().await.unwrap();
    drop(driver);
    app.stop().await;
}

#[tokio::test]
async fn errors_show_a_summary_that_links_to_the_field() {
    let app = demo_app().await;
    let driver = Chromedriver::start();
    let c = driver.browser().await;

    let id = start_application(&c, &app, "errors@example.org").await;
    let identity = format!("/applications/{id}/step/identity");
    continue_to(&c, "the identity step again", |p| p == identity).await;

    wait_for_text(&c, "There is a problem").await;
    let title = c.title().await.unwrap();
    assert!(title.starts_with("Error:"), "the title says so: {title}");
    let summary = find(&c, Locator::Css(".error-summary")).await;
    assert_eq!(
        summary.attr("role").await.unwrap().as_deref(),
        Some("alert")
    );
    let links = summary.find_all(Locator::Css("a")).await.unwrap();
    assert!(
        links.len() >= 5,
        "one link per problem, got {}",
        links.len()
    );
    let first = &links[0];
    let href = first.attr("href").await.unwrap().expect("a link");
    let field = href.strip_prefix('#').expect("a link within the page");
    assert!(
        !first.text().await.unwrap().is_empty(),
        "the link says what is wrong"
    );
    let message = find(&c, Locator::Id(&format!("{field}-error"))).await;
    assert_eq!(
        message.text().await.unwrap(),
        first.text().await.unwrap(),
        "the same message next to the field"
    );

    first.click().await.unwrap();
    let deadline = Instant::now() + PATIENCE;
    while c.current_url().await.unwrap().fragment() != Some(field) {
        assert!(Instant::now() < deadline, "the URL never got #{field}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let focused = c.active_element().await.unwrap();
    assert_eq!(
        focused.attr("id").await.unwrap().as_deref(),
        Some(field),
        "the field has the focus"
    );
    // Typing now goes into that field.
    focused.send_keys("Łukasz").await.unwrap();
    assert_eq!(
        find(&c, Locator::Id(field))
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("Łukasz")
    );

    c.close().await.unwrap();
    drop(driver);
    app.stop().await;
}

mod organizers;
