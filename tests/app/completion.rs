//! The cohort from attendance to completion: the completion rule on both databases, the cohort
//! page's grid and results file, and graduates downloading and sharing what they earned.

use summer_school::domain::audit::Actor;
use summer_school::domain::certificate::CertificateRecord;
use summer_school::domain::status::CertificateKind;
use summer_school::store::StoreError;
use time::macros::date;

use crate::harness::TestApp;

#[tokio::test]
async fn attendance_and_results_decide_who_completes_on_both_databases() {
    use std::sync::Arc;
    use summer_school::domain::completion::{CompletionRule, Shortfall, school_days};
    use summer_school::domain::offer::{Adjustment, payment_deadline};
    use summer_school::domain::status::ReviewMode;
    use summer_school::store::cohort::DecisionKind;
    use summer_school::store::{self, Store};

    use crate::cohort::{complete_draft, load_cohort_catalog, submit};
    use crate::harness::TestDb;
    use summer_school::domain::issuance::{PlanError, Skip};
    use summer_school::store::JobFilter;
    use summer_school::store::certificates::ResultEntry;
    use summer_school::store::issuing::{
        BatchError, IssueSettings, correct_certificate, issue_program,
    };

    let mut dbs = vec![TestDb::fresh_sqlite()];
    if let Some(url) = crate::harness::postgres_url() {
        dbs.push(TestDb::fresh_postgres(&url).await);
    }
    for db in &dbs {
        let s: Arc<dyn Store> = store::connect(db.url(), &Default::default()).await.unwrap();
        let (_, reviewed) = load_cohort_catalog(s.as_ref()).await;
        let now = time::OffsetDateTime::now_utc();
        let mut people = Vec::new();
        for n in 0..3 {
            let a = complete_draft(s.as_ref(), &reviewed, 700 + n).await;
            submit(s.as_ref(), &a, ReviewMode::Review, 700 + n)
                .await
                .unwrap();
            // A full waiver enrolls at once.
            s.decide(
                &a.application_id,
                &DecisionKind::Accept {
                    tier_code: None,
                    adjustment: Adjustment::FullWaiver {
                        reason: "Faculty guest".into(),
                    },
                    deadline: payment_deadline(now, 14),
                },
                &Actor::Cli,
                now,
            )
            .await
            .unwrap();
            people.push(a.application_id);
        }
        let outsider = complete_draft(s.as_ref(), &reviewed, 799)
            .await
            .application_id;
        let days = school_days(reviewed.starts_on, reviewed.ends_on);
        assert_eq!(days.len(), 10);
        // Attendance is taken as the days go by: here, recorded once the school is over.
        let after = days[9]
            .next_day()
            .unwrap()
            .with_hms(12, 0, 0)
            .unwrap()
            .assume_utc();
        // Day by day: the first is always there, the second misses two days, the third is there.
        for (i, day) in days.iter().enumerate() {
            let marks = vec![
                (people[0].clone(), true),
                (people[1].clone(), i >= 2),
                (people[2].clone(), true),
            ];
            s.record_attendance(&reviewed.program_id, *day, &marks, &Actor::Cli, after)
                .await
                .unwrap();
        }
        // A mark corrected later replaces the first one.
        s.record_attendance(
            &reviewed.program_id,
            days[0],
            &[(people[1].clone(), false)],
            &Actor::Cli,
            after,
        )
        .await
        .unwrap();
        let saturday = days[4].next_day().unwrap();
        assert!(matches!(
            s.record_attendance(&reviewed.program_id, saturday, &[(people[0].clone(), true)], &Actor::Cli, after).await,
            Err(StoreError::Refused(r)) if r == summer_school::domain::refusal::Refusal::NotASchoolDay
        ));
        assert!(matches!(
            s.record_attendance(&reviewed.program_id, days[0], &[(outsider.clone(), true)], &Actor::Cli, after).await,
            Err(StoreError::Refused(r)) if r == summer_school::domain::refusal::Refusal::NotEnrolled
        ));
        // Nobody can have attended a day still to come: the evening before, in Paris, it is refused.
        let eve = days[9]
            .previous_day()
            .unwrap()
            .with_hms(20, 0, 0)
            .unwrap()
            .assume_utc();
        assert!(matches!(
            s.record_attendance(&reviewed.program_id, days[9], &[(people[0].clone(), true)], &Actor::Cli, eve).await,
            Err(StoreError::Refused(r)) if r == summer_school::domain::refusal::Refusal::FutureDay
        ));
        let passed = ResultEntry {
            passed: true,
            grade: Some("15/20".into()),
            afgsu_validated: Some(true),
        };
        for id in &people[..2] {
            s.record_result(id, &passed, &Actor::Cli, now)
                .await
                .unwrap();
        }
        assert!(matches!(
            s.record_result(&outsider, &passed, &Actor::Cli, now).await,
            Err(StoreError::Refused(r)) if r == summer_school::domain::refusal::Refusal::NotEnrolled
        ));
        // Several at once are all or nothing: one outsider and nobody's result changes.
        let other = ResultEntry {
            grade: Some("9/20".into()),
            ..passed.clone()
        };
        assert!(matches!(
            s.record_results(&[(people[0].clone(), other.clone()), (outsider.clone(), other)], &Actor::Cli, now).await,
            Err(StoreError::Refused(r)) if r == summer_school::domain::refusal::Refusal::NotEnrolled
        ));

        let rule = CompletionRule {
            min_days_present: 9,
            assessment_required: true,
        };
        let participants = s.participants(&reviewed.program_id).await.unwrap();
        assert_eq!(participants.len(), 3);
        let of = |id: &str| {
            participants
                .iter()
                .find(|p| p.application_id == id)
                .unwrap()
        };
        assert_eq!(of(&people[0]).days_present.len(), 10);
        assert_eq!(rule.check(&of(&people[0]).participation()), Ok(()));
        assert!(rule.afgsu(&of(&people[0]).participation()));
        assert_eq!(
            rule.check(&of(&people[1]).participation()),
            Err(Shortfall::Attendance {
                present: 8,
                required: 9
            })
        );
        assert_eq!(
            rule.check(&of(&people[2]).participation()),
            Err(Shortfall::NoResult)
        );
        assert!(of(&people[0]).certificate_name.starts_with("Zofia"));
        let recorded = s
            .audit_events("program", &reviewed.program_id)
            .await
            .unwrap();
        assert_eq!(
            recorded
                .iter()
                .filter(|e| e.action == "attendance.recorded")
                .count(),
            11
        );
        let results = s.audit_events("application", &people[0]).await.unwrap();
        assert!(results.iter().any(|e| e.action == "result.recorded"
            && e.detail.contains("15/20")
            && e.detail.contains("AFGSU 2 validated")));

        // Batch issuance, with the catalog's rule (Hands-on: all 10 days and a passed assessment).
        let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
        let sign = move |r: &CertificateRecord| r.sign(&key);
        let settings = IssueSettings::for_public_url("https://summer.example.org/");
        let at = |d: time::Date| d.with_hms(10, 0, 0).unwrap().assume_utc();
        let batch = |now: time::OffsetDateTime| {
            let s = s.clone();
            let program_id = reviewed.program_id.clone();
            let settings = settings.clone();
            let sign = sign.clone();
            async move {
                let mut seen = Vec::new();
                let report = issue_program(
                    s.as_ref(),
                    &program_id,
                    &settings,
                    &sign,
                    &Actor::Cli,
                    now,
                    &mut |done, total| seen.push((done, total)),
                )
                .await;
                (report, seen)
            }
        };
        // Not before the school's last day.
        assert!(matches!(
            batch(at(date!(2099 - 07 - 16))).await.0,
            Err(BatchError::Plan(PlanError::NotFinished(d))) if d == date!(2099 - 07 - 17)
        ));
        // Two organizers press the button at once: each graduate receives their certificates once.
        let ((one, seen_one), (two, seen_two)) = tokio::join!(
            batch(at(date!(2099 - 07 - 20))),
            batch(at(date!(2099 - 07 - 20)))
        );
        let (one, two) = (one.unwrap(), two.unwrap());
        assert_eq!(one.graduates + two.graduates, 1, "{one:?} {two:?}");
        assert_eq!(one.documents + two.documents, 2);
        assert_eq!(one.up_to_date + two.up_to_date, 1);
        // The one that issued heard of its progress (the other may have found nothing to do).
        let seen = if one.graduates == 1 {
            seen_one
        } else {
            seen_two
        };
        assert_eq!(seen, [(1, 1)]);
        let report = if one.graduates == 1 { one } else { two };
        let skipped: Vec<(&str, Skip)> = report
            .skipped
            .iter()
            .map(|(id, why)| (id.as_str(), *why))
            .collect();
        assert!(skipped.contains(&(
            people[1].as_str(),
            Skip::Shortfall(Shortfall::Attendance {
                present: 8,
                required: 10
            })
        )));
        assert!(skipped.contains(&(people[2].as_str(), Skip::Shortfall(Shortfall::NoResult))));
        let held = s.certificates_of(&people[0]).await.unwrap();
        let kinds: Vec<CertificateKind> = held.iter().map(|c| c.record.kind).collect();
        assert!(kinds.contains(&CertificateKind::AttestationOfSuccess));
        assert!(kinds.contains(&CertificateKind::Afgsu2));
        let success = held
            .iter()
            .find(|c| c.record.kind == CertificateKind::AttestationOfSuccess)
            .unwrap();
        assert_eq!(success.record.course.ects, 5);
        assert_eq!(
            success.record.course.outcomes.len(),
            3,
            "the catalog's outcomes"
        );
        assert_eq!(success.record.outcome.grade.as_deref(), Some("15/20"));
        assert_eq!(success.record.issuer.signatory_name, "Pr Claire Moreau");
        assert!(success.record.serial.starts_with("UPC-SS-2099-HO-000"));
        assert!(
            success
                .record
                .verification_url
                .starts_with("https://summer.example.org/verify/")
        );
        let afgsu = held
            .iter()
            .find(|c| c.record.kind == CertificateKind::Afgsu2)
            .unwrap();
        assert!(afgsu.record.issuer.institution.starts_with("CESU 75"));
        assert_eq!(afgsu.record.course.hours, 21);
        // The catalog's credit workload travels with the attestation of success, not the AFGSU.
        assert_eq!(success.record.course.workload_hours, Some(125));
        assert_eq!(afgsu.record.course.workload_hours, None);
        // Four years from the last day of training (17 July), not from the day of issue.
        assert_eq!(afgsu.record.valid_until, Some(date!(2103 - 07 - 17)));
        let ready = |id: String| {
            let s = s.clone();
            async move {
                s.jobs(JobFilter::All, 1000)
                    .await
                    .unwrap()
                    .iter()
                    .filter(|j| {
                        j.kind == "notify"
                            && j.payload.to_string().contains(&id)
                            && j.payload.to_string().contains("certificates_ready")
                    })
                    .count()
            }
        };
        assert_eq!(
            ready(people[0].clone()).await,
            1,
            "one email for both documents"
        );

        // Again: nothing twice. Once the missing result is in, only that graduate receives theirs.
        let again = batch(at(date!(2099 - 07 - 21))).await.0.unwrap();
        assert_eq!(
            (again.graduates, again.documents, again.up_to_date),
            (0, 0, 1)
        );
        assert_eq!(s.certificates_of(&people[0]).await.unwrap().len(), 2);
        s.record_result(
            &people[2],
            &ResultEntry {
                passed: true,
                grade: None,
                afgsu_validated: None,
            },
            &Actor::Cli,
            now,
        )
        .await
        .unwrap();
        let third = batch(at(date!(2099 - 07 - 22))).await.0.unwrap();
        assert_eq!(
            (third.graduates, third.documents, third.up_to_date),
            (1, 1, 1)
        );
        assert_eq!(ready(people[0].clone()).await, 1);
        assert_eq!(ready(people[2].clone()).await, 1);

        // A corrected grade: the correction supersedes, the old one shows as replaced.
        s.record_result(
            &people[0],
            &ResultEntry {
                passed: true,
                grade: Some("17/20".into()),
                afgsu_validated: Some(true),
            },
            &Actor::Cli,
            now,
        )
        .await
        .unwrap();
        let corrected = correct_certificate(
            s.as_ref(),
            &success.record.verification_code,
            &settings,
            &sign,
            &Actor::Cli,
            at(date!(2099 - 07 - 23)),
        )
        .await
        .unwrap();
        assert_eq!(corrected.record.outcome.grade.as_deref(), Some("17/20"));
        assert_eq!(
            corrected.record.supersedes.as_deref(),
            Some(success.record.serial.as_str())
        );
        let old = s
            .certificate_by_code(&success.record.verification_code)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            old.superseded_by.as_deref(),
            Some(corrected.record.serial.as_str())
        );
        assert_eq!(
            ready(people[0].clone()).await,
            2,
            "the correction is emailed too"
        );
        assert!(
            matches!(
                correct_certificate(
                    s.as_ref(),
                    &success.record.verification_code,
                    &settings,
                    &sign,
                    &Actor::Cli,
                    now
                )
                .await,
                Err(BatchError::NotFound)
            ),
            "a superseded certificate is not corrected twice"
        );
    }
}

/// A past school (the shipped Hands-on school of July 2026) with `n` participants enrolled with a
/// full waiver while its window was open; their application ids, in order.
impl TestApp {
    pub(crate) async fn past_cohort(&self, n: usize) -> (String, Vec<String>) {
        let app = self;
        use summer_school::domain::offer::{Adjustment, payment_deadline};
        use summer_school::domain::status::ReviewMode;
        use summer_school::store::cohort::DecisionKind;

        use crate::cohort::{complete_draft_at, submit_at};

        let s = app.store.as_ref();
        let program = s
            .programs()
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.edition_slug == "2026" && p.slug == "hands-on-clinical-emergencies")
            .unwrap();
        let then = time::macros::datetime!(2026-03-02 10:00 UTC);
        let mut ids = Vec::new();
        for i in 0..n {
            let a = complete_draft_at(s, &program, 900 + i, then).await;
            submit_at(s, &a, ReviewMode::Review, 900 + i, then)
                .await
                .unwrap();
            s.decide(
                &a.application_id,
                &DecisionKind::Accept {
                    tier_code: None,
                    adjustment: Adjustment::FullWaiver {
                        reason: "Faculty scholarship".into(),
                    },
                    deadline: payment_deadline(then, 14),
                },
                &Actor::Cli,
                then,
            )
            .await
            .unwrap();
            ids.push(a.application_id);
        }
        (program.program_id, ids)
    }
}

#[tokio::test]
async fn organizers_take_a_cohort_from_attendance_to_certificates_graduates_download_and_share() {
    use crate::harness::pdf_text;
    use summer_school::domain::completion::school_days;

    let app = crate::harness::spawn_app().await;
    let (program, people) = app.past_cohort(4).await;
    let director = app
        .signed_in(
            "director@u-paris.fr",
            "program_director",
            &["2026/hands-on-clinical-emergencies"],
        )
        .await;
    let page = format!("/organizer/programs/{program}/participants");
    let (status, html) = director.page(&page).await;
    assert_eq!(status, 200);
    for expected in [
        "Zofia Łukasiewicz 900",
        "Zofia Łukasiewicz 903",
        "present at least 10 of the 10 school days",
        "Signed by <strong>Pr Claire Moreau, Dean of the Faculty of Medicine</strong>",
        "Issuing now: 0 graduates would receive 0 documents",
    ] {
        assert!(html.contains(expected), "{expected}");
    }
    // The program's queue links here.
    let (_, queue) = director
        .page(&format!("/organizer/programs/{program}"))
        .await;
    assert!(queue.contains(&page));

    // The grid: three there every day, the fourth half the time.
    let days = school_days(
        time::macros::date!(2026 - 07 - 06),
        time::macros::date!(2026 - 07 - 17),
    );
    let mut boxes = Vec::new();
    for (i, day) in days.iter().enumerate() {
        for (p, id) in people.iter().enumerate() {
            if p < 3 || i % 2 == 0 {
                boxes.push(format!("{id}|{day}"));
            }
        }
    }
    let fields: Vec<(&str, &str)> = boxes.iter().map(|b| ("present", b.as_str())).collect();
    let r = director
        .submit(
            &page,
            &format!("/organizer/programs/{program}/attendance"),
            &fields,
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, html) = director.page(&format!("{page}?done=attendance")).await;
    assert!(html.contains("Attendance saved."));
    assert!(html.contains("Present 5 days, 10 required."));
    let audit = app.store.audit_events("program", &program).await.unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|e| e.action == "attendance.recorded")
            .count(),
        10,
        "one entry per day"
    );
    // Saving the same grid again records nothing.
    director
        .submit(
            &page,
            &format!("/organizer/programs/{program}/attendance"),
            &fields,
        )
        .await;
    let audit = app.store.audit_events("program", &program).await.unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|e| e.action == "attendance.recorded")
            .count(),
        10
    );

    // Results: a mistake keeps what was typed and records nothing.
    let results = format!("/organizer/programs/{program}/results");
    let long = "sixteen out of twenty points";
    let (r0, g0, a0) = (
        format!("result-{}", people[0]),
        format!("grade-{}", people[0]),
        format!("afgsu-{}", people[0]),
    );
    let (r1, a1) = (
        format!("result-{}", people[1]),
        format!("afgsu-{}", people[1]),
    );
    let (g2, r3) = (
        format!("grade-{}", people[2]),
        format!("result-{}", people[3]),
    );
    let r = director
        .submit(
            &page,
            &results,
            &[(&r0, "passed"), (&g0, long), (&a0, "yes"), (&g2, "12/20")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("A grade has at most 20 characters"));
    assert!(
        html.contains("Choose passed or not passed"),
        "a grade without a result"
    );
    assert!(html.contains(long), "what was typed is kept");
    let participants = app.store.participants(&program).await.unwrap();
    assert!(participants.iter().all(|p| p.result.is_none()));
    // An AFGSU value the grid does not offer is refused as the import refuses it, not dropped.
    let r = director
        .submit(&page, &results, &[(&r0, "passed"), (&a0, "maybe")])
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Choose whether the AFGSU 2 practical training was validated"),
        "{html}"
    );
    let participants = app.store.participants(&program).await.unwrap();
    assert!(participants.iter().all(|p| p.result.is_none()));
    let r = director
        .submit(
            &page,
            &results,
            &[
                (&r0, "passed"),
                (&g0, "16/20"),
                (&a0, "yes"),
                (&r1, "passed"),
                (&a1, "no"),
                (&r3, "passed"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);

    // A results file: one wrong line records nothing; the right file records.
    let import = format!("/organizer/programs/{program}/results/import");
    let r = director
        .upload(
            &page,
            &import,
            "results.csv",
            b"email,result\ncohort.902@example.org,failed\nstranger@example.org,passed\n".to_vec(),
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Line 3: no enrolled participant has the address stranger@example.org"),
        "{html}"
    );
    let r = director
        .upload(
            &page,
            &import,
            "résultats.csv",
            "email;result;grade\ncohort.902@example.org;ajourné;8/20\n"
                .as_bytes()
                .to_vec(),
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, html) = director.page(&page).await;
    assert!(html.contains("Assessment not passed."));
    assert!(
        html.contains("Issuing now: 2 graduates would receive 3 documents; 0 already hold theirs; 2 do not complete yet."),
        "{html}"
    );

    // The cohort as a file: a line each, every day, the result; it imports back as it is.
    let export = format!("/organizer/programs/{program}/participants.csv");
    assert!(html.contains(&export));
    let r = director.get(&export).await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let file = r.bytes().await.unwrap().to_vec();
    let text = String::from_utf8(file.clone()).unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 5, "a heading and four participants: {text}");
    assert!(
        lines[0].starts_with("name,email,2026-07-06,")
            && lines[0].contains(",days_present,result,grade,afgsu,completion,certificates"),
        "{}",
        lines[0]
    );
    let failed = lines
        .iter()
        .find(|l| l.contains("cohort.902@example.org"))
        .unwrap();
    assert!(
        failed.contains(",failed,8/20,") && failed.contains("Assessment not passed."),
        "{failed}"
    );
    let before = app.store.participants(&program).await.unwrap();
    let r = director
        .upload(&page, &import, "participants.csv", file)
        .await;
    assert_eq!(r.status().as_u16(), 303, "the exported file imports back");
    let after = app.store.participants(&program).await.unwrap();
    assert_eq!(
        before.iter().map(|p| p.result.clone()).collect::<Vec<_>>(),
        after.iter().map(|p| p.result.clone()).collect::<Vec<_>>()
    );

    // Issue: two graduates, three documents; again: nothing.
    let issue = format!("/organizer/programs/{program}/certificates");
    let r = director.submit(&page, &issue, &[]).await;
    assert_eq!(r.status().as_u16(), 303);
    let done = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        done.ends_with("done=issued&graduates=2&documents=3"),
        "{done}"
    );
    let r = director.submit(&page, &issue, &[]).await;
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with("graduates=0&documents=0")
    );
    let held = |i: usize| {
        let id = people[i].clone();
        let store = app.store.clone();
        async move { store.certificates_of(&id).await.unwrap() }
    };
    assert_eq!(held(0).await.len(), 2);
    assert_eq!(held(1).await.len(), 1, "no AFGSU 2 without the validation");
    assert!(held(2).await.is_empty() && held(3).await.is_empty());
    // Graduates' journeys are complete (once, though the batch ran twice); the others are still
    // enrolled, and everyone stays on the cohort page.
    for (i, completed) in [(0, 1), (1, 1), (2, 0), (3, 0)] {
        let moves = app
            .store
            .audit_events("application", &people[i])
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "application.completed")
            .count();
        assert_eq!(moves, completed, "participant {i}");
    }
    let (_, cohort) = director.page(&page).await;
    for (i, id) in people.iter().enumerate() {
        assert!(cohort.contains(id.as_str()), "participant {i} is listed");
    }

    // The graduate's email carries both documents.
    app.dispatch_pending_jobs().await;
    let mail = app
        .smtp
        .wait_for_to("cohort.900@example.org", std::time::Duration::from_secs(5))
        .await;
    assert!(
        mail.header("subject")
            .unwrap()
            .contains("Your certificates")
    );
    let first = held(0).await;
    for c in &first {
        let pdf = mail.attachment(&c.record.file_name()).expect("attached");
        assert!(pdf_text(&pdf).await.contains(&c.record.serial));
        let (valid, said) = crate::harness::pdfsig(&pdf);
        assert!(valid, "the attached copy is PDF-signed too: {said}");
    }

    // The graduate's page: both, to download and share; nobody else's.
    app.sign_in("cohort.900@example.org").await;
    let (_, application) = app.page(&format!("/applications/{}", people[0])).await;
    assert!(
        application.contains("Completed") && application.contains("You completed the school"),
        "{application}"
    );
    let (status, mine) = app.page("/certificates").await;
    assert_eq!(status, 200);
    let success = first
        .iter()
        .find(|c| c.record.kind == CertificateKind::AttestationOfSuccess)
        .unwrap();
    for expected in [
        success.record.serial.as_str(),
        success.record.verification_url.as_str(),
        "Copy the link",
        "/static/copy.js",
        "Valid until",
    ] {
        assert!(mine.contains(expected), "{expected}");
    }
    let pdf_href = format!(
        "/applications/{}/certificates/{}/pdf",
        people[0], success.record.verification_code
    );
    assert!(mine.contains(&pdf_href));
    let pdf = app.get(&pdf_href).await.bytes().await.unwrap();
    let text = pdf_text(&pdf).await;
    assert!(
        text.contains("Zofia Łukasiewicz 900") && text.contains("5 ECTS"),
        "{text}"
    );
    let other = TestApp::browser(&app);
    other.sign_in_as(&app, "cohort.901@example.org").await;
    let r = other
        .client
        .get(format!("{}{pdf_href}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404, "another graduate's document");
    let theirs = other
        .client
        .get(format!("{}/certificates", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!theirs.contains(&success.record.serial));
    assert!(app.get("/static/copy.js").await.status().is_success());

    // Revoke (a reason is required) and correct, from the cohort page.
    let code = &success.record.verification_code;
    let revoke = format!("/organizer/programs/{program}/certificates/{code}/revoke");
    let r = director.submit(&page, &revoke, &[("reason", "  ")]).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Give the reason for revoking")
    );
    let r = director
        .submit(&page, &revoke, &[("reason", "Attendance sheet was wrong")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, verify) = app.page(&format!("/verify/{code}")).await;
    assert!(verify.contains("Revoked") && verify.contains("Attendance sheet was wrong"));
    let second = held(1).await.remove(0);
    let correct = format!(
        "/organizer/programs/{program}/certificates/{}/correct",
        second.record.verification_code
    );
    let r = director.submit(&page, &correct, &[]).await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, verify) = app
        .page(&format!("/verify/{}", second.record.verification_code))
        .await;
    assert!(verify.contains("Replaced"), "{verify}");
    // A certificate of another program is not reached from this one.
    let r = director
        .submit(
            &page,
            &format!(
                "/organizer/programs/not-this-one/certificates/{}/revoke",
                second.record.verification_code
            ),
            &[("reason", "x")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 404);
    app.stop().await;
}
