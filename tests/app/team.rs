//! The organizers' team: an invitation read back from the real SMTP server sets a password once,
//! the team pages are for admins only, the CLI names programs by slug, and an admin turns an
//! account off and on and resets a lost phone's second factor.

use std::process::Command;
use std::time::Duration;

use summer_school::domain::email::EmailAddress;
use summer_school::http::auth::sha256_hex;
use time::OffsetDateTime;

use crate::harness::location;
use crate::harness::{TestApp, base_env, binary, csrf_of, spawn_app};
use crate::organizers::{AI, HANDS_ON, Visitor, current_step, totp};

#[tokio::test]
async fn an_invitation_read_back_from_the_mail_server_sets_a_password_once() {
    let app = spawn_app().await;
    let password = app.create_organizer("chef@u-paris.fr", "admin", &[]).await;
    let admin = Visitor::new(&app);
    admin.sign_in("chef@u-paris.fr", &password).await;
    let programs = app.store.programs().await.unwrap();
    let ai = programs
        .iter()
        .find(|p| p.slug == "ai-digital-innovation")
        .unwrap()
        .program_id
        .clone();

    // A reviewer needs a program and everyone a name: refused with everything typed kept.
    let r = admin
        .submit(
            "/organizer/team",
            "/organizer/team/invite",
            &[
                ("email", "rev@u-paris.fr"),
                ("name", " "),
                ("role", "reviewer"),
                ("lang", "fr"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("There is a problem") && body.contains("<title>Error: Team"));
    assert!(
        body.contains("<a href=\"#name\">Enter the person"),
        "{body}"
    );
    assert!(body.contains("<a href=\"#programs\">Choose at least one program"));
    assert!(body.contains("value=\"rev@u-paris.fr\""));
    assert!(body.contains("value=\"reviewer\" checked"));

    let r = admin
        .submit(
            "/organizer/team",
            "/organizer/team/invite",
            &[
                ("email", "rev@u-paris.fr"),
                ("name", "Dr Inès Martin"),
                ("role", "reviewer"),
                ("program", &ai),
                ("lang", "fr"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), "/organizer/team?done=invited");
    let (_, team) = admin.page("/organizer/team?done=invited").await;
    assert!(
        team.contains("The invitation has been sent.") && team.contains("Invited, no password yet")
    );
    let r = admin
        .submit(
            "/organizer/team",
            "/organizer/team/invite",
            &[
                ("email", "rev@u-paris.fr"),
                ("name", "Again"),
                ("role", "finance"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("An organizer with this email address already exists")
    );

    // The invitation arrives in French, with a single-use link.
    app.dispatch_pending_jobs().await;
    let mail = app
        .smtp
        .wait_for_to("rev@u-paris.fr", Duration::from_secs(5))
        .await;
    assert!(
        mail.text_body().contains("Dr admin vous invite"),
        "{}",
        mail.text_body()
    );
    let link = mail.link(&app.config.public_url);
    let path = link.trim_start_matches(&app.config.public_url).to_owned();
    assert!(
        path.starts_with("/organizer/invitations/")
            && path.len() == "/organizer/invitations/".len() + 64
    );
    let first_path = path;

    // Sent again (say the first one was lost): only the newest link works.
    let reviewer_id = app.organizer_id("rev@u-paris.fr").await;
    let r = admin
        .submit(
            "/organizer/team",
            &format!("/organizer/team/{reviewer_id}/invitation"),
            &[],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    app.dispatch_pending_jobs().await;
    assert_eq!(app.smtp.wait_for(3, Duration::from_secs(5)).await.len(), 3);
    let mail = app
        .smtp
        .wait_for_to("rev@u-paris.fr", Duration::from_secs(5))
        .await;
    let path = mail
        .link(&app.config.public_url)
        .trim_start_matches(&app.config.public_url)
        .to_owned();
    assert_ne!(path, first_path);
    assert_eq!(Visitor::new(&app).page(&first_path).await.0, 410);
    let token = path.rsplit('/').next().unwrap().to_owned();

    let invitee = Visitor::new(&app);
    let (status, form) = invitee.page(&path).await;
    assert_eq!(status, 200);
    assert!(form.contains("as Dr Inès Martin (rev@u-paris.fr)"));
    let csrf = csrf_of(&form);
    let r = invitee
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("password", "too short"),
                ("confirm", "too short"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("The password must be 12 characters or more")
            && !body.contains("too short\"")
    );
    let r = invitee
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("password", "a long enough passphrase"),
                ("confirm", "a long enough passphrasf"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("The two passwords are not the same")
    );
    let r = invitee
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("password", "a long enough passphrase"),
                ("confirm", "a long enough passphrase"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.text().await.unwrap().contains("Your password is set"));

    // Used once: the link no longer works, to read or to post.
    let (status, gone) = invitee.page(&path).await;
    assert_eq!(status, 410);
    assert!(gone.contains("This invitation no longer works"));
    let r = invitee
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("password", "another passphrase!"),
                ("confirm", "another passphrase!"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 410);
    // An invitation also stops working after 72 hours.
    let later = OffsetDateTime::now_utc() + time::Duration::hours(73);
    let hash = sha256_hex(&token);
    assert!(matches!(
        app.store.invitation(&hash, later).await,
        Err(summer_school::store::StoreError::Refused(reason)) if reason == summer_school::domain::refusal::Refusal::LinkUsed
    ));

    let r = invitee
        .sign_in("rev@u-paris.fr", "a long enough passphrase")
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, dashboard) = invitee.page("/organizer").await;
    assert!(dashboard.contains("Dr Inès Martin, Reviewer"));
    assert!(dashboard.contains(AI) && !dashboard.contains(HANDS_ON));
    let organization_id = app
        .store
        .organizer_session(
            &sha256_hex(&invitee.cookie("ss_organizer").unwrap()),
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap()
        .unwrap()
        .organization_id;

    // An invitation never used expires.
    let email = EmailAddress::parse("late@u-paris.fr").unwrap();
    let late_token = "cd".repeat(32);
    let late_hash = sha256_hex(&late_token);
    let mail = summer_school::email::render::organizer_invitation(
        summer_school::i18n::Tr(summer_school::domain::locale::Locale::En),
        &email,
        "Late",
        summer_school::domain::status::OrganizerRole::Finance,
        "Dr admin",
        "http://x.test",
    );
    let now = OffsetDateTime::now_utc();
    app.store
        .invite_organizer(
            &summer_school::store::organizers::NewInvitation {
                organization_id: &organization_id,
                email: &email,
                display_name: "Late",
                role: summer_school::domain::status::OrganizerRole::Finance,
                programs: &[],
                token_hash: &late_hash,
                expires_at: now - time::Duration::minutes(1),
            },
            &mail,
            &summer_school::domain::audit::Actor::Cli,
            now,
        )
        .await
        .unwrap();
    let late = format!("/organizer/invitations/{late_token}");
    let (status, _) = invitee.page(&late).await;
    assert_eq!(status, 410);
    let csrf = csrf_of(&invitee.page("/organizer").await.1);
    let r = invitee
        .post(
            &late,
            &[
                ("csrf", &csrf),
                ("password", "a long enough passphrase"),
                ("confirm", "a long enough passphrase"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 410);
    assert!(matches!(
        app.store.accept_invitation(&late_hash, "$argon2id$x", now).await,
        Err(summer_school::store::StoreError::Refused(reason)) if reason == summer_school::domain::refusal::Refusal::LinkExpired
    ));
    app.stop().await;
}

#[tokio::test]
async fn the_team_pages_are_for_admins_only_and_everyone_else_is_refused_or_sent_to_sign_in() {
    let app = spawn_app().await;
    let admin_password = app.create_organizer("chef@u-paris.fr", "admin", &[]).await;
    let admin_id = app.organizer_id("chef@u-paris.fr").await;
    let mut others = Vec::new();
    for (email, role, programs) in [
        (
            "dir@u-paris.fr",
            "program_director",
            vec!["ai-digital-innovation"],
        ),
        (
            "rev@u-paris.fr",
            "reviewer",
            vec!["2026/hands-on-clinical-emergencies"],
        ),
        ("money@u-paris.fr", "finance", vec![]),
        ("scol@u-paris.fr", "scolarite", vec![]),
    ] {
        let password = app.create_organizer(email, role, &programs).await;
        others.push((email, role, password));
    }

    for (email, role, password) in &others {
        let v = Visitor::new(&app);
        assert_eq!(
            v.sign_in(email, password).await.status().as_u16(),
            303,
            "{role}"
        );
        let (status, dashboard) = v.page("/organizer").await;
        assert_eq!(status, 200, "{role}");
        assert!(
            !dashboard.contains("href=\"/organizer/team\""),
            "{role}: no team link"
        );
        let (status, page) = v.page("/organizer/team").await;
        assert_eq!(status, 403, "{role}");
        assert!(
            page.contains("You do not have access to this page"),
            "{role}"
        );
        let csrf = csrf_of(&dashboard);
        for (path, fields) in [
            (
                "/organizer/team/invite".to_owned(),
                vec![("email", "x@u-paris.fr"), ("name", "X"), ("role", "admin")],
            ),
            (
                format!("/organizer/team/{admin_id}"),
                vec![("role", "reviewer")],
            ),
            (format!("/organizer/team/{admin_id}/unlock"), vec![]),
        ] {
            let mut all = vec![("csrf", csrf.as_str())];
            all.extend(fields);
            let r = v.post(&path, &all).await;
            assert_eq!(r.status().as_u16(), 403, "{role} {path}");
        }
        let visible: Vec<bool> = [AI, HANDS_ON]
            .iter()
            .map(|t| dashboard.contains(t))
            .collect();
        let expected = match *role {
            "program_director" => vec![true, false],
            "reviewer" => vec![false, true],
            _ => vec![true, true],
        };
        assert_eq!(visible, expected, "{role}'s programs");
    }

    // Nobody, and an applicant, are sent to the organizers' sign-in.
    let anonymous = Visitor::new(&app);
    let r = anonymous.get("/organizer/team").await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), "/organizer/sign-in?next=/organizer/team");
    let r = anonymous
        .post("/organizer/team/invite", &[("email", "x@u-paris.fr")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), "/organizer/sign-in");
    app.sign_in("ana.silva@example.org").await;
    let r = app.get("/organizer/team").await;
    assert_eq!(
        r.status().as_u16(),
        303,
        "an applicant session opens no organizer page"
    );
    assert_eq!(location(&r), "/organizer/sign-in?next=/organizer/team");
    assert_eq!(app.get("/organizer").await.status().as_u16(), 303);

    // The admin may; a form without its CSRF token is refused even so.
    let admin = Visitor::new(&app);
    admin.sign_in("chef@u-paris.fr", &admin_password).await;
    let (status, team) = admin.page("/organizer/team").await;
    assert_eq!(status, 200);
    for (email, _, _) in &others {
        assert!(team.contains(email));
    }
    let r = admin
        .post(
            "/organizer/team/invite",
            &[("email", "x@u-paris.fr"), ("name", "X"), ("role", "admin")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);
    let r = admin
        .post(
            "/organizer/team/invite",
            &[
                ("csrf", "forged"),
                ("email", "x@u-paris.fr"),
                ("name", "X"),
                ("role", "admin"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);
    let r = admin.post("/organizer/sign-out", &[]).await;
    assert_eq!(r.status().as_u16(), 403, "even signing out needs the token");

    // Roles change at once: the reviewer becomes director of the AI school.
    let reviewer_id = app.organizer_id("rev@u-paris.fr").await;
    let ai = app
        .store
        .programs()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.slug == "ai-digital-innovation")
        .unwrap()
        .program_id;
    let r = admin
        .submit(
            "/organizer/team",
            &format!("/organizer/team/{reviewer_id}"),
            &[("role", "program_director")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422, "a director needs a program");
    assert!(r.text().await.unwrap().contains(&format!(
        "<a href=\"#programs-{reviewer_id}\">Choose at least one program"
    )));
    let r = admin
        .submit(
            "/organizer/team",
            &format!("/organizer/team/{reviewer_id}"),
            &[("role", "program_director"), ("program", &ai)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let reviewer = Visitor::new(&app);
    let (_, _, rev_password) = others.iter().find(|o| o.0 == "rev@u-paris.fr").unwrap();
    reviewer.sign_in("rev@u-paris.fr", rev_password).await;
    let (_, dashboard) = reviewer.page("/organizer").await;
    assert!(
        dashboard.contains("Program director")
            && dashboard.contains(AI)
            && !dashboard.contains(HANDS_ON)
    );

    // There is always an admin left.
    let r = admin
        .submit(
            "/organizer/team",
            &format!("/organizer/team/{admin_id}"),
            &[("role", "finance")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("There must always be at least one administrator")
    );
    let audit: Vec<String> = app
        .store
        .audit_events("organizer", &reviewer_id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| format!("{} {} {}", e.actor, e.action, e.detail))
        .collect();
    assert!(
        audit.contains(&format!(
            "organizer:{admin_id} organizer.access_changed was reviewer; now role program_director, 1 program(s)"
        )),
        "{audit:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_cli_gives_programs_by_slug_and_refuses_unknown_ones() {
    let app = spawn_app_with_demo().await;
    let dir = app.data_dir.path().join("cli");
    std::fs::create_dir_all(&dir).unwrap();
    let run = |args: &[&str]| {
        Command::new(binary())
            .args(["admin", "create-organizer"])
            .args(args)
            .current_dir(&dir)
            .env_clear()
            .envs(base_env(&app.db, &app.smtp, &dir))
            .output()
            .unwrap()
    };
    let out = run(&[
        "--email",
        "x@u-paris.fr",
        "--role",
        "reviewer",
        "--program",
        "nope",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--program: there is no program `nope`")
            && err.contains("2026/ai-digital-innovation"),
        "{err}"
    );
    let out = run(&[
        "--email",
        "x@u-paris.fr",
        "--role",
        "finance",
        "--program",
        "ai-digital-innovation",
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("acts on every program"));
    // A bare slug gives the school in every edition (here 2026 and the demo); EDITION/SLUG only one.
    let out = run(&[
        "--email",
        "a@u-paris.fr",
        "--role",
        "reviewer",
        "--program",
        "ai-digital-innovation",
    ]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("with role reviewer on 2 program(s)"));
    let out = run(&[
        "--email",
        "b@u-paris.fr",
        "--role",
        "reviewer",
        "--program",
        "demo/ai-digital-innovation",
    ]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("with role reviewer on 1 program(s)"));
    app.stop().await;
}

async fn spawn_app_with_demo() -> TestApp {
    crate::harness::spawn_app_with(crate::harness::Options {
        demo: true,
        ..Default::default()
    })
    .await
}

#[tokio::test]
async fn an_admin_turns_an_account_off_and_on_and_turns_off_a_lost_phones_two_factor() {
    let app = spawn_app().await;
    let admin_password = app.create_organizer("chef@u-paris.fr", "admin", &[]).await;
    let password = app.create_organizer("fin@u-paris.fr", "finance", &[]).await;
    let admin = Visitor::new(&app);
    assert_eq!(
        admin
            .sign_in("chef@u-paris.fr", &admin_password)
            .await
            .status()
            .as_u16(),
        303
    );
    let member = Visitor::new(&app);
    assert_eq!(
        member
            .sign_in("fin@u-paris.fr", &password)
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(member.page("/organizer/finance").await.0, 200);
    let id = app.organizer_id("fin@u-paris.fr").await;
    let admin_id = app.organizer_id("chef@u-paris.fr").await;

    // The member enrols an app; then loses the phone, and an admin turns two-factor off for them.
    let (_, html) = member.page("/organizer/account/two-factor").await;
    let at = html.find("name=\"secret\" value=\"").unwrap() + "name=\"secret\" value=\"".len();
    let secret = html[at..].split('"').next().unwrap().to_owned();
    let r = member
        .post(
            "/organizer/account/two-factor",
            &[
                ("csrf", &csrf_of(&html)),
                ("action", "enable"),
                ("secret", &secret),
                ("code", &totp(&secret, current_step())),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, team) = admin.page("/organizer/team").await;
    let reset = format!("/organizer/team/{id}/two-factor-reset");
    assert!(
        team.contains(&reset),
        "offered for a member with two-factor on"
    );
    assert!(
        !team.contains(&format!("/organizer/team/{admin_id}/deactivate")),
        "not offered for oneself"
    );
    let r = admin.submit("/organizer/team", &reset, &[]).await;
    assert_eq!(location(&r), "/organizer/team?done=two-factor-reset");
    // Their session ended; the password alone signs them in again, with no code asked.
    assert_eq!(
        member.get("/organizer/finance").await.status().as_u16(),
        303
    );
    let r = member.sign_in("fin@u-paris.fr", &password).await;
    assert_eq!(location(&r), "/organizer");
    let (_, page) = member.page("/organizer/account/two-factor").await;
    assert!(page.contains("Two-factor sign-in is off"));

    // Deactivated: the open session ends at once, and signing in answers like a wrong password.
    let wrong = Visitor::new(&app)
        .sign_in("fin@u-paris.fr", "wrong password")
        .await
        .text()
        .await
        .unwrap();
    let r = admin
        .submit(
            "/organizer/team",
            &format!("/organizer/team/{id}/deactivate"),
            &[],
        )
        .await;
    assert_eq!(location(&r), "/organizer/team?done=deactivated");
    let (_, team) = admin.page("/organizer/team?done=deactivated").await;
    assert!(team.contains("The account has been deactivated") && team.contains("Deactivated on "));
    assert!(team.contains(&format!("/organizer/team/{id}/reactivate")));
    let r = member.get("/organizer/finance").await;
    assert_eq!(r.status().as_u16(), 303);
    assert!(location(&r).starts_with("/organizer/sign-in"));
    let r = member.sign_in("fin@u-paris.fr", &password).await;
    assert_eq!(
        r.status().as_u16(),
        422,
        "the right password no longer works"
    );
    let without_token = |html: &str| -> String {
        html.lines()
            .filter(|l| !l.contains("name=\"csrf\""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        without_token(&r.text().await.unwrap()),
        without_token(&wrong),
        "the same answer as a wrong password"
    );

    // An admin cannot turn off their own account, nor the last active admin's; the page says why.
    let r = admin
        .submit(
            "/organizer/team",
            &format!("/organizer/team/{admin_id}/deactivate"),
            &[],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("You cannot deactivate your own account")
    );
    let now = OffsetDateTime::now_utc();
    let org = app
        .store
        .organizer_session(&sha256_hex(&admin.cookie("ss_organizer").unwrap()), now)
        .await
        .unwrap()
        .unwrap()
        .organization_id;
    assert!(matches!(
        app.store
            .set_organizer_active(&org, &admin_id, false, &summer_school::domain::audit::Actor::Cli, now)
            .await,
        Err(summer_school::store::StoreError::Refused(r)) if r == summer_school::domain::refusal::Refusal::LastAdmin
    ));

    // Reactivated: the password works again. Each change is in the audit trail.
    let r = admin
        .submit(
            "/organizer/team",
            &format!("/organizer/team/{id}/reactivate"),
            &[],
        )
        .await;
    assert_eq!(location(&r), "/organizer/team?done=reactivated");
    assert_eq!(
        member
            .sign_in("fin@u-paris.fr", &password)
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(member.page("/organizer/finance").await.0, 200);
    let actions: Vec<String> = app
        .store
        .audit_events("organizer", &id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .filter(|a| a.contains("activated") || a.contains("two_factor"))
        .collect();
    assert_eq!(
        actions,
        [
            "organizer.two_factor_enabled",
            "organizer.two_factor_reset",
            "organizer.deactivated",
            "organizer.reactivated"
        ]
    );
    app.stop().await;
}
