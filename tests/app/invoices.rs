//! Who pays, and invoices: an institution named on the application page is sent an invoice in its
//! name (the seller's legal mentions, its VAT number and purchase order, the due date, how to pay by
//! transfer), numbered without gaps when two hundred are issued at once, on SQLite and Postgres.

use std::sync::Arc;
use std::time::Duration;

use summer_school::domain::audit::Actor;
use summer_school::domain::catalog::parse_catalog;
use summer_school::domain::email::EmailAddress;
use summer_school::domain::payer::{Institution, PayerChoice};
use summer_school::domain::status::ReviewMode;
use summer_school::store::Store;
use time::OffsetDateTime;

use crate::cohort::{Applicant, cohort_catalog, complete_draft, submit};
use crate::harness::csrf_of;
use crate::payments::each_backend;

fn hospital(n: usize) -> PayerChoice {
    PayerChoice::Institution(Institution {
        name: format!("Hôpital {n}"),
        address: vec![
            "1 rue de la Santé".into(),
            "75014 Paris".into(),
            "France".into(),
        ],
        vat_number: Some("FR12345678901".into()),
        purchase_order: Some(format!("PO-{n}")),
        contact_email: EmailAddress::parse(&format!("accounts.{n}@hospital.example")).unwrap(),
    })
}

#[tokio::test]
async fn two_hundred_invoices_issued_at_once_are_numbered_one_to_two_hundred() {
    each_backend(async |s: Arc<dyn Store>| {
        let text = cohort_catalog("2099-07-06", "2099-07-17").replacen(
            "capacity = 60\n",
            "capacity = 220\n",
            1,
        );
        s.load_edition(
            &parse_catalog(&text).unwrap(),
            &Actor::Cli,
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
        let program = s
            .programs()
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.review_mode == ReviewMode::FirstCome)
            .unwrap();
        let mut people: Vec<Applicant> = Vec::new();
        for n in 0..200 {
            let a = complete_draft(s.as_ref(), &program, 2_000 + n).await;
            submit(s.as_ref(), &a, ReviewMode::FirstCome, 2_000 + n)
                .await
                .unwrap();
            people.push(a);
        }
        let now = OffsetDateTime::now_utc();
        let mut set = tokio::task::JoinSet::new();
        for (n, a) in people.iter().enumerate() {
            let (s, applicant, application) =
                (s.clone(), a.applicant_id.clone(), a.application_id.clone());
            set.spawn(async move {
                s.set_payer(&applicant, &application, &hospital(n), None, now)
                    .await
                    .unwrap()
                    .unwrap()
            });
        }
        let issued: Vec<String> = set.join_all().await;
        let year = summer_school::domain::calendar::to_paris(now).year();
        let mut numbers: Vec<String> = issued;
        numbers.sort();
        let expected: Vec<String> = (1..=200).map(|n| format!("F-{year}-{n:05}")).collect();
        assert_eq!(numbers, expected);
        // Once invoiced, who pays is not changed by the applicant.
        let a = &people[0];
        assert!(
            s.set_payer(
                &a.applicant_id,
                &a.application_id,
                &PayerChoice::Person,
                None,
                now
            )
            .await
            .is_err()
        );
    })
    .await;
}

#[tokio::test]
async fn an_applicant_names_the_hospital_that_pays_and_it_receives_its_invoice() {
    let app = crate::harness::spawn_app_with(crate::harness::Options {
        demo: true,
        env: vec![
            (
                "BANK_BENEFICIARY",
                "Agent comptable de l'Université Paris Cité".to_owned(),
            ),
            ("BANK_IBAN", "FR76 3000 6000 0112 3456 7890 189".to_owned()),
            ("BANK_BIC", "BNPAFRPPXXX".to_owned()),
        ],
        ..crate::harness::Options::default()
    })
    .await;
    let (id, _, _) = app.offered("institution.paid@example.org").await;
    let (_, page) = app.page(&format!("/applications/{id}")).await;
    assert!(page.contains("Who pays the fee?"), "{page}");
    let action = format!("/applications/{id}/payer");

    // Missing details are named, and what was typed is kept.
    let r = app
        .post_form(
            &action,
            &[
                ("csrf", &csrf_of(&page)),
                ("kind", "institution"),
                ("name", "Bach Mai Hospital"),
                ("vat_number", "12"),
                ("contact_email", "not-an-address"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    for expected in [
        "Enter the institution&#39;s address",
        "Enter the postcode and city",
        "Enter the VAT number as it is written",
        "Enter the email address the invoice goes to",
        "value=\"Bach Mai Hospital\"",
        "value=\"not-an-address\"",
    ] {
        assert!(page.contains(expected), "{expected} in {page}");
    }

    let r = app
        .post_form(
            &action,
            &[
                ("csrf", &csrf_of(&page)),
                ("kind", "institution"),
                ("name", "Bach Mai Hospital"),
                ("address_line1", "78 Giải Phóng"),
                ("city", "100000 Hà Nội"),
                ("country", "Vietnam"),
                ("vat_number", ""),
                ("purchase_order", "PO-2026-117"),
                ("contact_email", "accounts@bachmai.example"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, page) = app.page(&format!("/applications/{id}")).await;
    let year = OffsetDateTime::now_utc().year();
    let number = format!("DEMO-F-{year}-00001");
    assert!(
        page.contains(&format!(
            "Invoice {number} to Bach Mai Hospital, sent to accounts@bachmai.example"
        )),
        "{page}"
    );
    assert!(
        !page.contains("Who pays the fee?"),
        "once invoiced, the form is gone: {page}"
    );

    // The invoice: legal mentions, buyer, purchase order, due date, how to pay.
    let pdf = app
        .get(&format!("/applications/{id}/invoices/{number}.pdf"))
        .await;
    assert_eq!(pdf.status().as_u16(), 200);
    let text = crate::harness::pdf_text(&pdf.bytes().await.unwrap()).await;
    for expected in [
        "INVOICE",
        number.as_str(),
        "BILLED TO",
        "Bach Mai Hospital",
        "78 Giải Phóng",
        "Purchase order: PO-2026-117",
        "Participant:",
        "Total due",
        "€3,100.00",
        "Payable by",
        "IBAN FR76 3000 6000 0112 3456 7890 189",
        "Seller: Université Paris Cité",
        "SIRET 130 025 265 00013",
        "VAT not applicable, article 261-4-4°",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }

    // Emailed to the hospital's accounts, the PDF attached.
    app.dispatch_pending_jobs().await;
    app.dispatch_pending_jobs().await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let mail = loop {
        let found = app
            .smtp
            .messages()
            .into_iter()
            .find(|m| m.rcpt_to().contains("accounts@bachmai.example"));
        if let Some(m) = found {
            break m;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the invoice is emailed"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    };
    assert!(
        mail.header("Subject").is_some_and(|s| s.contains(&number)),
        "{:?}",
        mail.header("Subject")
    );
    assert!(mail.attachment(&format!("{number}.pdf")).is_some());

    // The hospital pays by transfer, quoting the invoice's number: matched, enrolled, and the
    // receipt is in the hospital's name.
    let csv = format!(
        "date,amount,reference,payer,id\n2026-05-04,3100.00,Invoice {number},BACH MAI HOSPITAL,HOSP-1\n"
    );
    let columns = summer_school::domain::bank::CsvColumns::default();
    let (format, lines) =
        summer_school::domain::bank::read_statement(csv.as_bytes(), &columns).unwrap();
    let report = app
        .store
        .import_statement(
            &summer_school::store::bank::StatementImport {
                file_name: "hospital.csv",
                format,
                lines: &lines,
                dry_run: false,
            },
            &Actor::Cli,
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
    assert_eq!(report.matched.len(), 1, "{report:?}");
    app.dispatch_pending_jobs().await;
    app.dispatch_pending_jobs().await;
    let receipts = app.store.receipts(&id).await.unwrap();
    assert_eq!(receipts.len(), 1);
    assert_eq!(receipts[0].payer.name, "Bach Mai Hospital");
    assert_eq!(receipts[0].provider, "bank_transfer");

    // Someone else gets nothing.
    app.sign_in("not.the.applicant@example.org").await;
    assert_eq!(
        app.get(&format!("/applications/{id}/invoices/{number}.pdf"))
            .await
            .status()
            .as_u16(),
        404
    );
    app.stop().await;
}
