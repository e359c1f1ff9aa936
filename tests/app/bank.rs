//! Bank transfers: statements written from ISO 20022's camt.053 schema (pyiso20022's bindings) and
//! the bank's CSV export, imported all or nothing, each line once, matched by reference, then
//! amount and name; short payments leave a balance, overpayments are flagged, the rest waits for
//! finance; on SQLite and Postgres.

use serde_json::json;
use summer_school::domain::audit::Actor;
use summer_school::domain::bank::{Confidence, CreditorReference, CsvColumns, read_statement};
use summer_school::domain::ledger::Balance;
use summer_school::domain::payment::Attention;
use summer_school::domain::status::{ApplicationStatus, ReviewMode};
use summer_school::store::Store;
use summer_school::store::bank::{ImportReport, StatementImport, TransferOutcome};
use time::OffsetDateTime;

use crate::cohort::{Applicant, complete_draft, load_cohort_catalog, submit};
use crate::harness::camt053;
use crate::payments::{each_backend, status_of};

/// An applicant offered a place (the first-come program offers one on submission): the
/// applicant, its order, fee and payment reference.
async fn accepted(store: &dyn Store, n: usize) -> (Applicant, String, i64, String) {
    let (first_come, _) = load_cohort_catalog(store).await;
    let a = complete_draft(store, &first_come, n).await;
    submit(store, &a, ReviewMode::FirstCome, n).await.unwrap();
    assert_eq!(status_of(store, &a).await, ApplicationStatus::Accepted);
    let offer = store
        .standing(&a.application_id)
        .await
        .unwrap()
        .offer
        .unwrap();
    (
        a,
        offer.order_id,
        offer.total_cents,
        offer.payment_reference,
    )
}

fn euros(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

async fn import(store: &dyn Store, file: &[u8], dry_run: bool) -> ImportReport {
    let (format, lines) = read_statement(file, &CsvColumns::default()).unwrap();
    store
        .import_statement(
            &StatementImport {
                file_name: "statement.xml",
                format,
                lines: &lines,
                dry_run,
            },
            &Actor::Cli,
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap()
}

async fn balance(store: &dyn Store, order: &str) -> Balance {
    store.order_ledger(order).await.unwrap().balance()
}

#[tokio::test]
async fn a_camt053_statement_pays_exactly_short_and_over_once_and_leaves_the_rest_to_finance() {
    each_backend(async |s: std::sync::Arc<dyn Store>| {
        let store = s.as_ref();
        let (a, order_a, fee, ref_a) = accepted(store, 1).await;
        let (b, order_b, _, ref_b) = accepted(store, 2).await;
        let (c, order_c, _, ref_c) = accepted(store, 3).await;
        let (d, order_d, _, _) = accepted(store, 4).await;
        let iban = "FR7630006000011234567890189";
        let rf = |r: &str| CreditorReference::for_payment_reference(r);
        let spec = json!({
            "msg_id": "STMT-2026-05-06",
            "statements": [
                { "id": "S-0504", "iban": iban, "entries": [
                    // Exact, with the creditor reference in the structured remittance.
                    { "amount": euros(fee), "booked": "2026-05-04", "ref": "BNK-1",
                      "txs": [{ "ref": "TX-1", "creditor_ref": rf(&ref_a).as_str(),
                                "debtor": "Zofia Lukasiewicz" }] },
                    // Short by €100, the reference typed in groups in the free text.
                    { "amount": euros(fee - 10_000), "booked": "2026-05-04", "ref": "BNK-2",
                      "txs": [{ "ref": "TX-2", "ustrd": [format!("Summer school {}", rf(&ref_b).grouped())],
                                "debtor": "Hospital Bach Mai" }] },
                    // €50 over, with the payment reference.
                    { "amount": euros(fee + 5_000), "booked": "2026-05-05", "ref": "BNK-3",
                      "txs": [{ "ref": "TX-3", "ustrd": [format!("Fee {ref_c}")], "debtor": "Z. Lukasiewicz" }] },
                    // One entry, two transfers: the rest of B's fee by amount and name, and a stranger.
                    { "amount": euros(10_000 + 4_242), "booked": "2026-05-05", "ref": "BNK-4",
                      "txs": [
                        { "ref": "TX-4a", "amount": euros(10_000), "debtor": "ZOFIA LUKASIEWICZ" },
                        { "ref": "TX-4b", "amount": euros(4_242), "debtor": "Someone Else",
                          "ustrd": ["Donation"] }
                      ] },
                    // Bank fees going out, and a transfer not booked yet.
                    { "amount": "12.50", "credit": false, "booked": "2026-05-05", "ref": "BNK-5" },
                    { "amount": euros(fee), "booked": "2026-05-05", "ref": "BNK-6", "status": "PDNG",
                      "txs": [{ "ref": "TX-6", "creditor_ref": rf(&ref_a).as_str() }] },
                ]},
                { "id": "S-0505", "iban": iban, "opening": "0.00", "entries": [
                    // The first transfer again (statements overlap): counted once.
                    { "amount": euros(fee), "booked": "2026-05-04", "ref": "BNK-1",
                      "txs": [{ "ref": "TX-1", "creditor_ref": rf(&ref_a).as_str() }] },
                    // D's fee from an institution that wrote no reference: only a suggestion.
                    { "amount": euros(fee), "booked": "2026-05-06", "ref": "BNK-7",
                      "txs": [{ "ref": "TX-7", "debtor": "Hanoi Medical University" }] },
                ]},
            ]
        });
        let xml = camt053(&spec);

        // A dry run says what would happen and changes nothing.
        let dry = import(store, xml.as_bytes(), true).await;
        assert!(dry.dry_run);
        assert_eq!((dry.lines, dry.matched.len(), dry.unmatched.len()), (8, 4, 2));
        assert_eq!(balance(store, &order_a).await, Balance::Due(fee));
        assert_eq!(status_of(store, &a).await, ApplicationStatus::Accepted);
        assert!(store.bank_lines(false).await.unwrap().is_empty());

        let report = import(store, xml.as_bytes(), false).await;
        assert_eq!((report.duplicates, report.debits), (1, 1));
        let outcomes: Vec<(String, Confidence, TransferOutcome)> = report
            .matched
            .iter()
            .map(|m| (m.order_id.clone(), m.confidence, m.outcome))
            .collect();
        assert_eq!(
            outcomes,
            [
                (order_a.clone(), Confidence::Reference, TransferOutcome::Enrolled),
                (
                    order_b.clone(),
                    Confidence::Reference,
                    TransferOutcome::Short { due_cents: 10_000 }
                ),
                (
                    order_c.clone(),
                    Confidence::Reference,
                    TransferOutcome::Overpaid { over_cents: 5_000 }
                ),
                (order_b.clone(), Confidence::AmountAndName, TransferOutcome::Enrolled),
            ]
        );
        for (who, order) in [(&a, &order_a), (&b, &order_b)] {
            assert_eq!(status_of(store, who).await, ApplicationStatus::Enrolled);
            assert_eq!(balance(store, order).await, Balance::Settled);
        }
        assert_eq!(status_of(store, &c).await, ApplicationStatus::Enrolled);
        assert_eq!(balance(store, &order_c).await, Balance::Overpaid(5_000));
        let flagged = store.finance_overview().await.unwrap();
        let row_c = flagged.orders.iter().find(|o| o.order_id == order_c).unwrap();
        assert_eq!(row_c.attention, Some(Attention::RefundDue));
        assert_eq!(row_c.refundable_cents(), fee + 5_000);

        // C's €50 too much goes back by transfer from the university's bank: recorded, done.
        let refund = store
            .start_refund(&order_c, 5_000, "Paid €50 too much", &Actor::Cli, OffsetDateTime::now_utc())
            .await
            .unwrap();
        assert!(!refund.is_empty());
        assert_eq!(balance(store, &order_c).await, Balance::Settled);
        let row_c = store
            .finance_overview()
            .await
            .unwrap()
            .orders
            .into_iter()
            .find(|o| o.order_id == order_c)
            .unwrap();
        assert_eq!((row_c.attention, row_c.refundable_cents()), (None, fee));
        assert!(
            store
                .jobs(summer_school::store::JobFilter::All, 1_000)
                .await
                .unwrap()
                .iter()
                .all(|j| j.kind != "start_refund"),
            "no provider is asked to refund a transfer"
        );

        // Waiting for finance: the stranger, and D's fee with D suggested by its amount.
        let waiting = store.bank_lines(false).await.unwrap();
        assert_eq!(waiting.len(), 2);
        let suggested = waiting
            .iter()
            .find(|l| l.confidence == Some(Confidence::Amount))
            .unwrap();
        assert_eq!(suggested.order_id.as_deref(), Some(order_d.as_str()));
        assert_eq!(status_of(store, &d).await, ApplicationStatus::Accepted);
        let outcome = store
            .match_line_by_hand(&suggested.line_id, &order_d, &Actor::Cli, OffsetDateTime::now_utc())
            .await
            .unwrap();
        assert_eq!(outcome, TransferOutcome::Enrolled);
        assert_eq!(status_of(store, &d).await, ApplicationStatus::Enrolled);
        // A line matched already cannot be matched again.
        assert!(
            store
                .match_line_by_hand(&suggested.line_id, &order_a, &Actor::Cli, OffsetDateTime::now_utc())
                .await
                .is_err()
        );
        let matched = store.bank_lines(true).await.unwrap();
        assert_eq!(matched.len(), 5);
        assert!(matched.iter().any(|l| l.confidence == Some(Confidence::ByHand)));

        // The same file again changes nothing.
        let again = import(store, xml.as_bytes(), false).await;
        assert_eq!((again.duplicates, again.matched.len()), (8, 0));
        assert_eq!(balance(store, &order_c).await, Balance::Settled);
        assert_eq!(store.bank_lines(false).await.unwrap().len(), 1);

        // A malformed file is refused whole, naming the line of the entry at fault.
        let broken = xml.replacen(&format!(">{}<", euros(fee - 10_000)), ">31x0.00<", 1);
        let at = broken[..broken.find(">31x0.00<").unwrap()].lines().count();
        let error = read_statement(broken.as_bytes(), &CsvColumns::default()).unwrap_err();
        assert!((at - 2..=at).contains(&error.line), "{error} vs line {at}");
        assert_eq!(
            error.problem,
            summer_school::domain::bank::StatementProblem::Amount("31x0.00".into())
        );
    })
    .await;
}

/// `payments import` as an operator runs it, with the bank's CSV columns configured.
async fn import_command(
    app: &crate::harness::TestApp,
    file: &std::path::Path,
    dry_run: bool,
) -> (bool, String) {
    let mut args = vec![
        "payments".to_owned(),
        "import".to_owned(),
        file.display().to_string(),
    ];
    if dry_run {
        args.push("--dry-run".to_owned());
    }
    let out = tokio::process::Command::new(crate::harness::binary())
        .args(&args)
        .env_clear()
        .envs(crate::harness::base_env(&app.db, &app.smtp, app.data_dir.path()))
        .env(
            "BANK_CSV_COLUMNS",
            "date=Date opération;amount=Montant;reference=Libellé;payer=Donneur d'ordre;id=Référence banque;delimiter=semicolon",
        )
        .output()
        .await
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[tokio::test]
async fn a_csv_export_is_imported_by_the_command_with_a_dry_run_once_and_all_or_nothing() {
    let app = crate::applications::demo_app().await;
    let mut people = Vec::new();
    for who in ["csv.exact", "csv.short", "csv.over"] {
        let (id, _, _) = app.offered(&format!("{who}@example.org")).await;
        let offer = app.store.standing(&id).await.unwrap().offer.unwrap();
        people.push((id, offer));
    }
    let fee = people[0].1.total_cents;
    let french = |cents: i64| format!("{},{:02}", cents / 100, cents % 100);
    let rf = CreditorReference::for_payment_reference(&people[0].1.payment_reference);
    let csv = format!(
        "Date opération;Montant;Libellé;Donneur d'ordre;Référence banque\n\
         04/05/2026;{};VIR SEPA {};Ada Lovelace;B-001\n\
         04/05/2026;{};FRAIS {};Hôpital Necker;B-002\n\
         05/05/2026;{};{};Hôpital Necker;B-003\n\
         05/05/2026;123,45;DON;Quelqu'un;B-004\n\
         05/05/2026;-15,00;COMMISSION;;B-005\n\
         04/05/2026;{};VIR SEPA {};Ada Lovelace;B-001\n",
        french(fee),
        rf.grouped(),
        french(fee - 1_000),
        people[1].1.payment_reference,
        french(fee + 2_000),
        people[2].1.payment_reference,
        french(fee),
        rf.grouped(),
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("releve.csv");
    std::fs::write(&file, &csv).unwrap();
    let paid = async |i: usize| {
        app.store
            .standing(&people[i].0)
            .await
            .unwrap()
            .offer
            .unwrap()
            .status
            == summer_school::domain::status::OrderStatus::Paid
    };

    let (ok, out) = import_command(&app, &file, true).await;
    assert!(ok, "{out}");
    assert!(out.contains("dry run, nothing changed"), "{out}");
    assert!(
        out.contains("line 2:") && out.contains("paid, enrolled"),
        "{out}"
    );
    assert!(!paid(0).await, "a dry run changes nothing");

    let (ok, out) = import_command(&app, &file, false).await;
    assert!(ok, "{out}");
    assert!(out.contains("1000 cents still due"), "{out}");
    assert!(
        out.contains("2000 cents over, flagged for a refund"),
        "{out}"
    );
    assert!(out.contains("line 5: not matched"), "{out}");
    assert!(
        out.contains("6 line(s): 3 matched, 1 waiting, 1 imported before, 1 money out"),
        "{out}"
    );
    assert!(paid(0).await && !paid(1).await && paid(2).await);
    let ledger = app.store.order_ledger(&people[1].1.order_id).await.unwrap();
    assert_eq!(ledger.balance(), Balance::Due(1_000));

    let (ok, out) = import_command(&app, &file, false).await;
    assert!(ok, "{out}");
    assert!(
        out.contains("0 matched, 0 waiting, 6 imported before"),
        "{out}"
    );

    // A malformed amount: refused, the line named, nothing of the file imported.
    let broken = csv.replace("123,45", "12x,45").replace("B-00", "C-00");
    std::fs::write(&file, &broken).unwrap();
    let (ok, out) = import_command(&app, &file, false).await;
    assert!(!ok, "{out}");
    assert!(out.contains("line 5") && out.contains("12x,45"), "{out}");
    assert!(out.contains("nothing was imported"), "{out}");
    assert_eq!(
        app.store.order_ledger(&people[1].1.order_id).await.unwrap(),
        ledger
    );

    // The €10 the bank kept from the short transfer: finance writes it off, with a reason, and
    // the participant is enrolled.
    let finance = app.signed_in("finance@u-paris.fr", "finance", &[]).await;
    let (_, page) = finance.page("/organizer/finance").await;
    assert!(page.contains("Write off the €10 still due"), "{page}");
    let order = &people[1].1.order_id;
    let action = format!("/organizer/finance/orders/{order}/write-off");
    let r = finance
        .submit("/organizer/finance", &action, &[("reason", " ")])
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("why the rest of the fee is written off"),
        "{page}"
    );
    let r = finance
        .submit(
            "/organizer/finance",
            &action,
            &[("reason", "Bank charges kept by the payer's bank")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert!(paid(1).await, "enrolled once the rest is written off");
    let ledger = app.store.order_ledger(order).await.unwrap();
    assert_eq!(ledger.balance(), Balance::Settled);
    assert_eq!(
        ledger.entries.last().map(|e| (e.kind, e.amount_cents)),
        Some((summer_school::domain::status::LedgerKind::WriteOff, 1_000))
    );
    app.dispatch_pending_jobs().await;
    app.stop().await;
}

/// Posts a statement to the finance page's import form, as a browser sends it.
async fn upload_statement(
    finance: &crate::organizers::Visitor,
    base: &str,
    name: &str,
    bytes: Vec<u8>,
    dry_run: bool,
) -> (u16, String) {
    let (_, html) = finance.page("/organizer/finance/bank").await;
    let mut form = reqwest::multipart::Form::new()
        .text("csrf", crate::harness::csrf_of(&html))
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        );
    if dry_run {
        form = form.text("dry_run", "yes");
    }
    let r = finance
        .client
        .post(format!("{base}/organizer/finance/bank/import"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn finance_imports_a_statement_in_the_browser_sees_how_each_line_matched_and_matches_the_rest()
 {
    let app = crate::applications::demo_app().await;
    let finance = app.signed_in("finance@u-paris.fr", "finance", &[]).await;
    let (first, _, _) = app.offered("web.transfer@example.org").await;
    let (second, _, _) = app.offered("web.institution@example.org").await;
    let offer = |id: String| {
        let app = &app;
        async move { app.store.standing(&id).await.unwrap().offer.unwrap() }
    };
    let (one, two) = (offer(first.clone()).await, offer(second.clone()).await);
    let xml = camt053(&json!({
        "msg_id": "WEB-1",
        "statements": [{ "id": "S-WEB", "iban": "FR7630006000011234567890189", "entries": [
            { "amount": euros(one.total_cents), "booked": "2026-05-04", "ref": "WEB-1",
              "txs": [{ "ref": "WEB-TX-1",
                        "creditor_ref": CreditorReference::for_payment_reference(&one.payment_reference).as_str() }] },
            { "amount": euros(two.total_cents), "booked": "2026-05-05", "ref": "WEB-2",
              "txs": [{ "ref": "WEB-TX-2", "debtor": "Hanoi Medical University", "ustrd": ["Summer school 2026"] }] },
        ]}]
    }));

    let (status, page) = upload_statement(
        &finance,
        &app.base,
        "camt.xml",
        xml.clone().into_bytes(),
        true,
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Dry run, nothing changed"), "{page}");
    assert_eq!(
        offer(first.clone()).await.status,
        summer_school::domain::status::OrderStatus::Pending
    );

    let (status, page) =
        upload_statement(&finance, &app.base, "camt.xml", xml.into_bytes(), false).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("by its reference") && page.contains("Paid in full: enrolled"),
        "{page}"
    );
    assert!(
        page.contains("Hanoi Medical University"),
        "the line waits: {page}"
    );
    assert_eq!(
        offer(first).await.status,
        summer_school::domain::status::OrderStatus::Paid
    );

    // The waiting line, matched by hand: first without choosing, then to the institution's order.
    let line = app
        .store
        .bank_lines(false)
        .await
        .unwrap()
        .into_iter()
        .find(|l| l.payer.as_deref() == Some("Hanoi Medical University"))
        .unwrap();
    let action = format!("/organizer/finance/bank/lines/{}/match", line.line_id);
    let r = finance
        .submit("/organizer/finance/bank", &action, &[("order", "")])
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Choose the order this transfer pays."),
        "{page}"
    );
    let r = finance
        .submit(
            "/organizer/finance/bank",
            &action,
            &[("order", &two.order_id)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, page) = finance.page("/organizer/finance/bank?done=matched").await;
    assert!(
        page.contains("The transfer is matched to the order."),
        "{page}"
    );
    assert!(page.contains("by hand"), "{page}");
    assert_eq!(
        offer(second).await.status,
        summer_school::domain::status::OrderStatus::Paid
    );

    // A malformed file: 422, the line named, nothing imported; and in French.
    let broken = b"date,amount,reference,payer,id\n2026-05-06,abc,x,y,Z-1\n".to_vec();
    let (status, page) =
        upload_statement(&finance, &app.base, "export.csv", broken.clone(), false).await;
    assert_eq!(status, 422, "{page}");
    assert!(
        page.contains("Line 2 of the file") && page.contains("Nothing was imported"),
        "{page}"
    );
    assert!(app.store.bank_lines(false).await.unwrap().is_empty());
    let (_, html) = finance.page("/organizer/finance/bank").await;
    let r = finance
        .client
        .post(format!("{}/organizer/finance/bank/import", app.base))
        .header("accept-language", "fr")
        .multipart(
            reqwest::multipart::Form::new()
                .text("csrf", crate::harness::csrf_of(&html))
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(broken).file_name("export.csv"),
                ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Ligne 2 du fichier") && page.contains("n&#39;est pas un montant"),
        "{page}"
    );

    // Only finance sees the page.
    let reviewer = app
        .signed_in("reviewer.bank@u-paris.fr", "reviewer", &[])
        .await;
    let (status, _) = reviewer.page("/organizer/finance/bank").await;
    assert_eq!(status, 403);
    app.stop().await;
}

#[tokio::test]
async fn an_applicant_is_told_how_to_pay_by_transfer_with_a_pdf_and_sees_what_is_still_due() {
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
    let (id, _, _) = app.offered("transfer.payer@example.org").await;
    let offer = app.store.standing(&id).await.unwrap().offer.unwrap();
    let reference = CreditorReference::for_payment_reference(&offer.payment_reference);
    let (_, page) = app.page(&format!("/applications/{id}")).await;
    assert!(page.contains("Or pay by bank transfer"), "{page}");
    assert!(page.contains("FR76 3000 6000 0112 3456 7890 189"), "{page}");
    assert!(page.contains(&reference.grouped()), "{page}");
    assert!(page.contains("€3,100"), "{page}");

    let pdf = app.get(&format!("/applications/{id}/transfer.pdf")).await;
    assert_eq!(pdf.status().as_u16(), 200);
    assert!(
        pdf.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("no-store")
    );
    let bytes = pdf.bytes().await.unwrap();
    // The EPC QR code a banking app scans, as a decoder reads it off the printed page.
    let codes = crate::harness::pdf_qr_codes(&bytes).await;
    assert_eq!(codes.len(), 1, "{codes:?}");
    let epc: Vec<&str> = codes[0].split('\n').collect();
    assert_eq!(
        epc,
        [
            "BCD",
            "002",
            "1",
            "SCT",
            "BNPAFRPPXXX",
            "Agent comptable de l'Université Paris Cité",
            "FR7630006000011234567890189",
            "EUR3100.00",
            "",
            reference.as_str(),
            ""
        ]
    );
    let text = crate::harness::pdf_text(&bytes).await;
    for expected in [
        "Paying by bank transfer",
        "Agent comptable de l'Université Paris Cité",
        "FR76 3000 6000 0112 3456 7890 189",
        "BNPAFRPPXXX",
        "€3,100",
        reference.grouped().as_str(),
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }

    // €1,000 arrives with the reference: the page asks for the rest, the PDF too.
    let csv = format!(
        "date,amount,reference,payer,id\n2026-05-04,1000.00,{},Hospital,PART-1\n",
        reference.grouped()
    );
    let (format, lines) = read_statement(csv.as_bytes(), &CsvColumns::default()).unwrap();
    app.store
        .import_statement(
            &StatementImport {
                file_name: "part.csv",
                format,
                lines: &lines,
                dry_run: false,
            },
            &Actor::Cli,
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
    let (_, page) = app.page(&format!("/applications/{id}")).await;
    assert!(
        page.contains("Bank transfer") && page.contains("€1,000"),
        "{page}"
    );
    assert!(page.contains("Still to pay: €2,100"), "{page}");
    let pdf = app.get(&format!("/applications/{id}/transfer.pdf")).await;
    let text = crate::harness::pdf_text(&pdf.bytes().await.unwrap()).await;
    assert!(text.contains("€2,100"), "{text}");

    // Someone else gets nothing.
    app.sign_in("not.the.payer@example.org").await;
    assert_eq!(
        app.get(&format!("/applications/{id}/transfer.pdf"))
            .await
            .status()
            .as_u16(),
        404
    );
    app.stop().await;
}
