//! Organizer accounts: created by the CLI or invited (the invitation read back from the real SMTP
//! server), signed in with a password and optionally a TOTP code computed here, locked after five
//! failures, and kept to their role on every team route.

use std::process::Command;
use std::sync::Arc;

use hmac::{Hmac, KeyInit, Mac};
use reqwest::cookie::{CookieStore, Jar};
use summer_school::domain::email::EmailAddress;
use summer_school::http::auth::sha256_hex;
use summer_school::store::organizers::{LockoutPolicy, SignInAttempt, SignInGate};
use time::OffsetDateTime;

use crate::harness::{TestApp, base_env, binary, csrf_of, location, spawn_app};

pub(crate) const AI: &str = "Artificial Intelligence and Digital Innovation in Medicine";
pub(crate) const HANDS_ON: &str = "Hands-on Training in Clinical Medicine and Emergencies";
const WRONG: &str = "The email address or the password is wrong";

/// A new organizer of this role (given these programs), signed in.
impl TestApp {
    pub(crate) async fn signed_in(&self, email: &str, role: &str, programs: &[&str]) -> Visitor {
        let app = self;
        let password = app.create_organizer(email, role, programs).await;
        let visitor = Visitor::new(app);
        let r = visitor.sign_in(email, &password).await;
        assert_eq!(r.status().as_u16(), 303, "{role} signs in");
        visitor
    }
}

/// Creates an organizer with the CLI against the app's database; returns the one-time password.
impl TestApp {
    pub(crate) async fn create_organizer(
        &self,
        email: &str,
        role: &str,
        programs: &[&str],
    ) -> String {
        let app = self;
        let dir = app.data_dir.path().join("cli");
        std::fs::create_dir_all(&dir).unwrap();
        let env = base_env(&app.db, &app.smtp, &dir);
        let mut args = vec![
            "admin".to_owned(),
            "create-organizer".to_owned(),
            "--email".to_owned(),
            email.to_owned(),
            "--name".to_owned(),
            format!("Dr {role}"),
            "--role".to_owned(),
            role.to_owned(),
        ];
        for p in programs {
            args.push("--program".to_owned());
            args.push((*p).to_owned());
        }
        let out = tokio::task::spawn_blocking(move || {
            Command::new(binary())
                .args(&args)
                .current_dir(&dir)
                .env_clear()
                .envs(env)
                .output()
                .unwrap()
        })
        .await
        .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        stdout
            .lines()
            .last()
            .unwrap()
            .rsplit(' ')
            .next()
            .unwrap()
            .to_owned()
    }
}

/// A browser of its own (cookies kept, redirects not followed) whose cookies the test can read.
pub(crate) struct Visitor {
    pub(crate) client: reqwest::Client,
    jar: Arc<Jar>,
    base: String,
}

impl Visitor {
    /// A visitor sharing another client's cookies (an applicant signed in through the harness).
    pub(crate) fn with_client(app: &TestApp, client: reqwest::Client) -> Visitor {
        Visitor {
            client,
            jar: Arc::new(Jar::default()),
            base: app.base.clone(),
        }
    }

    pub(crate) fn new(app: &TestApp) -> Visitor {
        let jar = Arc::new(Jar::default());
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_provider(jar.clone())
            .build()
            .unwrap();
        Visitor {
            client,
            jar,
            base: app.base.clone(),
        }
    }

    pub(crate) async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    pub(crate) async fn page(&self, path: &str) -> (u16, String) {
        let r = self.get(path).await;
        (r.status().as_u16(), r.text().await.unwrap())
    }

    pub(crate) async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.base))
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    /// Uploads one file as the `file` field of a multipart form, with the CSRF token of `from`.
    pub(crate) async fn upload(
        &self,
        from: &str,
        to: &str,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> reqwest::Response {
        let (_, html) = self.page(from).await;
        let form = reqwest::multipart::Form::new()
            .text("csrf", csrf_of(&html))
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned()),
            );
        self.client
            .post(format!("{}{to}", self.base))
            .multipart(form)
            .send()
            .await
            .unwrap()
    }

    /// Posts a form with the CSRF token of the page it is on.
    pub(crate) async fn submit(
        &self,
        from: &str,
        to: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let (_, html) = self.page(from).await;
        let csrf = csrf_of(&html);
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post(to, &all).await
    }

    pub(crate) async fn sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        self.submit(
            "/organizer/sign-in",
            "/organizer/sign-in",
            &[("email", email), ("password", password), ("next", "")],
        )
        .await
    }

    /// The value of a cookie this browser holds.
    pub(crate) fn cookie(&self, name: &str) -> Option<String> {
        let url: reqwest::Url = self.base.parse().unwrap();
        let header = self.jar.cookies(&url)?;
        header
            .to_str()
            .unwrap()
            .split("; ")
            .find_map(|pair| pair.strip_prefix(&format!("{name}=")).map(str::to_owned))
    }
}

/// The time of a lock as the page words it, replaced so that two pages can be compared.
fn without_time(html: &str) -> String {
    // The sentence is on the page twice (the summary and the field); both times are masked, so that
    // two pages a minute apart compare equal.
    const BEFORE: &str = "Try again after ";
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(BEFORE) {
        let from = at + BEFORE.len();
        out.push_str(&rest[..from]);
        out.push_str("HH:MM");
        rest = rest.get(from + 5..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

// ---- TOTP, computed here from RFC 6238 (independently of the service's own code)

fn base32_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let (mut bits, mut count, mut out) = (0u64, 0, Vec::new());
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
        bits = (bits << 5) | ALPHABET.iter().position(|a| *a == c).unwrap() as u64;
        count += 5;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    out
}

pub(crate) fn totp(secret: &str, step: i64) -> String {
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&base32_decode(secret)).unwrap();
    mac.update(&step.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let o = usize::from(h[19] & 0x0f);
    let n = u32::from_be_bytes([h[o] & 0x7f, h[o + 1], h[o + 2], h[o + 3]]);
    format!("{:06}", n % 1_000_000)
}

pub(crate) fn current_step() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp().div_euclid(30)
}

impl TestApp {
    /// The organizer id behind an address, through the store's sign-in gate.
    pub(crate) async fn organizer_id(&self, email: &str) -> String {
        let app = self;
        let email = EmailAddress::parse(email).unwrap();
        let attempt = SignInAttempt {
            email: &email,
            email_key: "test",
            requester: "test",
            policy: LockoutPolicy::default(),
        };
        match app
            .store
            .sign_in_gate(
                &attempt,
                OffsetDateTime::now_utc() + time::Duration::hours(1),
            )
            .await
            .unwrap()
        {
            SignInGate::Check(Some(account)) => account.organizer_id,
            other => panic!("no account for {email:?}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_address_get_the_same_answer_then_the_right_one_signs_in() {
    let app = spawn_app().await;
    let password = app.create_organizer("chef@u-paris.fr", "admin", &[]).await;

    // Not signed in: organizer pages send to the organizers' sign-in, and remember where to return.
    let visitor = Visitor::new(&app);
    let r = visitor.get("/organizer").await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), "/organizer/sign-in?next=/organizer");
    let (status, form) = visitor.page("/organizer/sign-in?next=/organizer").await;
    assert_eq!(status, 200);
    assert!(form.contains("<label for=\"password\">Password</label>"));
    let french = app
        .get_with_language("/organizer/sign-in", "fr-FR,fr;q=0.9")
        .await;
    assert!(
        french
            .text()
            .await
            .unwrap()
            .contains("<h1>Connexion des organisateurs</h1>")
    );

    let wrong = visitor
        .sign_in("chef@u-paris.fr", "not the password at all")
        .await;
    assert_eq!(wrong.status().as_u16(), 422);
    let wrong = wrong.text().await.unwrap();
    let unknown = visitor
        .sign_in("nobody@u-paris.fr", "not the password at all")
        .await;
    assert_eq!(unknown.status().as_u16(), 422);
    let unknown = unknown.text().await.unwrap();
    assert!(wrong.contains(WRONG) && wrong.contains("There is a problem"));
    assert!(wrong.contains("<title>Error: "));
    assert!(
        wrong.contains("value=\"chef@u-paris.fr\""),
        "what was typed is kept"
    );
    assert!(
        !wrong.contains("not the password at all"),
        "never the password"
    );
    assert_eq!(
        wrong.replace("chef@u-paris.fr", "ADDRESS"),
        unknown.replace("nobody@u-paris.fr", "ADDRESS"),
        "the answer does not tell whether the address has an account"
    );

    let r = visitor.sign_in("chef@u-paris.fr", &password).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), "/organizer");
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("ss_organizer="))
        .expect("an organizer session cookie");
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax")
            && cookie.contains("Max-Age=43200")
            && !cookie.contains("Secure"),
        "{cookie}"
    );
    let (status, dashboard) = visitor.page("/organizer").await;
    assert_eq!(status, 200);
    assert!(dashboard.contains("Signed in as Dr admin, Administrator"));
    assert!(dashboard.contains(AI) && dashboard.contains(HANDS_ON));
    assert!(
        dashboard.contains("<td class=\"numeric\">40</td>"),
        "capacity"
    );

    let id = app.organizer_id("chef@u-paris.fr").await;
    let actions: Vec<String> = app
        .store
        .audit_events("organizer", &id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        [
            "organizer.created",
            "organizer.sign_in_failed",
            "organizer.signed_in"
        ]
    );

    // Each sign-in has its own session id; signing out ends it on the server.
    let first = visitor.cookie("ss_organizer").unwrap();
    let r = visitor.get("/organizer/sign-in").await;
    assert_eq!(r.status().as_u16(), 303, "a signed-in organizer is sent on");
    assert_eq!(location(&r), "/organizer");
    let again = Visitor::new(&app);
    let r = again.sign_in("chef@u-paris.fr", &password).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_ne!(again.cookie("ss_organizer").unwrap(), first);
    let r = visitor
        .submit("/organizer", "/organizer/sign-out", &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), "/organizer/sign-in?done=signed-out");
    assert!(
        app.store
            .organizer_session(&sha256_hex(&first), OffsetDateTime::now_utc())
            .await
            .unwrap()
            .is_none(),
        "the session is gone from the database"
    );
    let replay = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/organizer", app.base))
        .header("cookie", format!("ss_organizer={first}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        replay.status().as_u16(),
        303,
        "the old cookie opens nothing"
    );
    assert_eq!(
        again.get("/organizer").await.status().as_u16(),
        200,
        "other sessions live on"
    );
    app.stop().await;
}

#[tokio::test]
async fn five_failures_lock_an_account_until_the_lock_expires_or_an_admin_lifts_it() {
    let app = spawn_app().await;
    let admin_password = app.create_organizer("chef@u-paris.fr", "admin", &[]).await;
    let password = app
        .create_organizer(
            "dir@u-paris.fr",
            "program_director",
            &["ai-digital-innovation"],
        )
        .await;

    let visitor = Visitor::new(&app);
    for n in 1..=4 {
        let r = visitor.sign_in("dir@u-paris.fr", "wrong password").await;
        assert_eq!(r.status().as_u16(), 422, "failure {n}");
    }
    let fifth = visitor.sign_in("dir@u-paris.fr", "wrong password").await;
    assert_eq!(fifth.status().as_u16(), 429);
    let known = fifth.text().await.unwrap();
    assert!(
        known.contains("This account is locked after too many failed attempts. Try again after ")
            && known.contains("(Paris time)"),
        "{known}"
    );
    // Locked: even the right password is refused, with the same message.
    let r = visitor.sign_in("dir@u-paris.fr", &password).await;
    assert_eq!(r.status().as_u16(), 429);
    assert!(r.text().await.unwrap().contains("This account is locked"));

    // An address without an account locks the same way, so the lock does not reveal an account.
    let mut unknown = String::new();
    for n in 1..=5 {
        let r = visitor.sign_in("ghost@u-paris.fr", "wrong password").await;
        assert_eq!(
            r.status().as_u16(),
            if n < 5 { 422 } else { 429 },
            "failure {n}"
        );
        unknown = r.text().await.unwrap();
    }
    assert_eq!(
        without_time(&known).replace("dir@u-paris.fr", "ADDRESS"),
        without_time(&unknown).replace("ghost@u-paris.fr", "ADDRESS")
    );

    // The lock ends by itself after 15 minutes.
    let id = app.organizer_id("dir@u-paris.fr").await;
    let email = EmailAddress::parse("dir@u-paris.fr").unwrap();
    let attempt = SignInAttempt {
        email: &email,
        email_key: "k",
        requester: "r",
        policy: LockoutPolicy::default(),
    };
    let now = OffsetDateTime::now_utc();
    assert!(matches!(
        app.store.sign_in_gate(&attempt, now).await.unwrap(),
        SignInGate::Locked { .. }
    ));
    assert!(matches!(
        app.store
            .sign_in_gate(&attempt, now + time::Duration::minutes(16))
            .await
            .unwrap(),
        SignInGate::Check(Some(_))
    ));
    let actions: Vec<String> = app
        .store
        .audit_events("organizer", &id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "organizer.sign_in_failed")
            .count(),
        4
    );
    assert!(actions.contains(&"organizer.locked".to_owned()));

    // An admin sees the lock on the team page and lifts it.
    let admin = Visitor::new(&app);
    assert_eq!(
        admin
            .sign_in("chef@u-paris.fr", &admin_password)
            .await
            .status()
            .as_u16(),
        303
    );
    let (_, team) = admin.page("/organizer/team").await;
    assert!(team.contains("Locked until "), "{team}");
    let r = admin
        .submit(
            "/organizer/team",
            &format!("/organizer/team/{id}/unlock"),
            &[],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), "/organizer/team?done=unlocked");
    let (_, team) = admin.page("/organizer/team?done=unlocked").await;
    assert!(team.contains("The account has been unlocked.") && !team.contains("Locked until "));
    let r = visitor.sign_in("dir@u-paris.fr", &password).await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, dashboard) = visitor.page("/organizer").await;
    assert!(
        dashboard.contains(AI) && !dashboard.contains(HANDS_ON),
        "a director sees their programs only"
    );
    app.stop().await;
}

#[tokio::test]
async fn one_visitor_failing_too_often_is_held_off_whatever_the_address() {
    let app = spawn_app().await;
    let password = app.create_organizer("chef@u-paris.fr", "admin", &[]).await;
    let visitor = Visitor::new(&app);
    let limit = LockoutPolicy::default().per_requester;
    for n in 0..limit {
        let r = visitor
            .sign_in(&format!("guess{n}@u-paris.fr"), "wrong password")
            .await;
        assert_eq!(r.status().as_u16(), 422, "failure {n}");
    }
    let r = visitor.sign_in("chef@u-paris.fr", &password).await;
    assert_eq!(r.status().as_u16(), 429);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("too many failed attempts from your network")
    );
    app.stop().await;
}

#[tokio::test]
async fn two_factor_sign_in_with_a_code_computed_here_and_a_code_works_once() {
    let app = spawn_app().await;
    let password = app.create_organizer("chef@u-paris.fr", "admin", &[]).await;
    let visitor = Visitor::new(&app);
    assert_eq!(
        visitor
            .sign_in("chef@u-paris.fr", &password)
            .await
            .status()
            .as_u16(),
        303
    );

    // Enrollment shows the key and the otpauth URI, and wants a code before turning it on.
    let (status, html) = visitor.page("/organizer/account/two-factor").await;
    assert_eq!(status, 200);
    assert!(html.contains("Two-factor sign-in is off"));
    let at = html.find("name=\"secret\" value=\"").unwrap() + "name=\"secret\" value=\"".len();
    let secret = html[at..].split('"').next().unwrap().to_owned();
    assert_eq!(secret.len(), 32, "160 bits in base32");
    assert!(
        html.contains("otpauth://totp/") && html.contains(&format!("secret={secret}&#38;issuer=")),
        "{html}"
    );
    // The QR code on the page, read back by a decoder, is the same link with the same key.
    let scanned = read_qr_svg(&html).expect("a QR code on the page");
    assert!(
        scanned.starts_with("otpauth://totp/")
            && scanned.contains(&format!("secret={secret}&issuer=")),
        "{scanned}"
    );
    let csrf = csrf_of(&html);
    let now = current_step();
    let wrong = ["000000", "111111", "222222", "333333"]
        .into_iter()
        .find(|c| (now - 2..=now + 2).all(|s| totp(&secret, s) != *c))
        .unwrap();
    let r = visitor
        .post(
            "/organizer/account/two-factor",
            &[
                ("csrf", &csrf),
                ("action", "enable"),
                ("secret", &secret),
                ("code", wrong),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("The code is wrong or has already been used"));
    assert!(
        body.contains(&secret),
        "the same key is kept for a second try"
    );
    let step = current_step();
    let r = visitor
        .post(
            "/organizer/account/two-factor",
            &[
                ("csrf", &csrf),
                ("action", "enable"),
                ("secret", &secret),
                ("code", &totp(&secret, step)),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, html) = visitor.page(&location(&r)).await;
    assert!(html.contains("Two-factor sign-in is now on."));

    // Sign out, then in: the password alone opens only the code page.
    visitor
        .submit("/organizer", "/organizer/sign-out", &[])
        .await;
    let r = visitor.sign_in("chef@u-paris.fr", &password).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), "/organizer/sign-in/code?next=/organizer");
    let pending = visitor.get("/organizer").await;
    assert_eq!(pending.status().as_u16(), 303, "no page before the code");
    assert!(location(&pending).starts_with("/organizer/sign-in"));
    let (status, code_page) = visitor
        .page("/organizer/sign-in/code?next=/organizer")
        .await;
    assert_eq!(status, 200);
    let csrf = csrf_of(&code_page);
    // The code that confirmed the enrollment was used: it does not work twice.
    let r = visitor
        .post(
            "/organizer/sign-in/code",
            &[
                ("csrf", &csrf),
                ("next", "/organizer"),
                ("code", &totp(&secret, step)),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("The code is wrong or has already been used")
    );
    let r = visitor
        .post(
            "/organizer/sign-in/code",
            &[
                ("csrf", &csrf),
                ("next", "/organizer"),
                ("code", &totp(&secret, step + 1)),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), "/organizer");
    assert_eq!(visitor.get("/organizer").await.status().as_u16(), 200);

    // Next time, the code just used is refused too.
    visitor
        .submit("/organizer", "/organizer/sign-out", &[])
        .await;
    visitor.sign_in("chef@u-paris.fr", &password).await;
    let r = visitor
        .submit(
            "/organizer/sign-in/code",
            "/organizer/sign-in/code",
            &[("next", "/organizer"), ("code", &totp(&secret, step + 1))],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert_eq!(visitor.get("/organizer").await.status().as_u16(), 303);
    app.stop().await;
}

/// Reads the first inline `<svg>` QR code in `html` (drawn as one path of rectangles
/// `M{left} {top}h{w}v{h}H{left}V{top}`): rasterised, then decoded by rqrr.
fn read_qr_svg(html: &str) -> Option<String> {
    let svg = &html[html.find("<svg")?..];
    let number = |attr: &str| -> Option<usize> {
        let at = svg.find(&format!(" {attr}=\""))? + attr.len() + 3;
        svg[at..].split('"').next()?.parse().ok()
    };
    let (w, h) = (number("width")?, number("height")?);
    let d_at = svg.find(" d=\"")? + 4;
    let d = svg[d_at..].split('"').next()?;
    let mut dark = vec![false; w * h];
    for rect in d.split('M').filter(|r| !r.is_empty()) {
        let mut numbers = rect
            .split(|c: char| !c.is_ascii_digit())
            .filter(|n| !n.is_empty())
            .map(|n| n.parse::<usize>().ok());
        let (left, top, width, height) = (
            numbers.next()??,
            numbers.next()??,
            numbers.next()??,
            numbers.next()??,
        );
        for y in top..(top + height).min(h) {
            for x in left..(left + width).min(w) {
                dark[y * w + x] = true;
            }
        }
    }
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(
            w,
            h,
            |x, y| if dark[y * w + x] { 0 } else { 255 },
        );
    let grids = image.detect_grids();
    grids.first()?.decode().ok().map(|(_, text)| text)
}
