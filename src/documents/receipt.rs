//! The receipt and credit note PDF, printed from a frozen [`ReceiptRecord`] in the record's language.
//! No I/O: the same record gives the same bytes.

use fluent_templates::fluent_bundle::FluentValue;

use super::layout::{self, Slot};
use super::pdf::{self, Align, Face, Meta, PAGE_WIDTH, Page};
use crate::domain::calendar::{format_date, format_date_range, to_paris};
use crate::domain::locale::Locale;
use crate::domain::payer::InvoiceRecord;
use crate::domain::receipt::{LineItem, ReceiptKind, ReceiptRecord};
use crate::i18n::Tr;

const LEFT: f32 = 20.0;
const RIGHT: f32 = PAGE_WIDTH - 20.0;

/// The issuer's name, left of the document's title (its width is what the title leaves).
const ISSUER: Slot = Slot {
    face: Face::SerifBold,
    size: 13.0,
    floor: 8.0,
    width: 90.0,
    lines: 1,
};
/// The issuer's address and website under it, left of the number and date.
const ISSUER_SMALL: Slot = Slot {
    face: Face::Sans,
    size: 9.0,
    floor: 6.5,
    width: 100.0,
    lines: 1,
};
/// The payer's address lines and e-mail address, under their name.
const PAYER_DETAIL: Slot = Slot {
    face: Face::Sans,
    size: 9.5,
    floor: 7.0,
    width: layout::RECEIPT_PAYER.width,
    lines: 2,
};

/// The PDF of a receipt or credit note.
pub fn render(r: &ReceiptRecord) -> Vec<u8> {
    let (page, title) = draw(r, None, None);
    pdf::finish(&meta(r, &title), vec![page])
}

/// The PDF of an invoice (facture) to the institution that pays: the receipt's page, titled and
/// worded as an invoice, with the buyer's VAT number and purchase order, the participant, the due
/// date, how to pay and the payment terms.
pub fn render_invoice(invoice: &InvoiceRecord) -> Vec<u8> {
    let (page, title) = draw(&invoice.facts, None, Some(invoice));
    pdf::finish(&meta(&invoice.facts, &title), vec![page])
}

/// A specimen of the receipt `r` describes, `stamp` across its margins.
pub fn render_specimen(r: &ReceiptRecord, stamp: &str) -> Vec<u8> {
    let (page, title) = draw(r, Some(stamp), None);
    pdf::finish(&meta(r, &title), vec![page])
}

fn meta<'a>(r: &'a ReceiptRecord, title: &'a str) -> Meta<'a> {
    Meta {
        title,
        author: &r.issuer.name,
        subject: &r.program_title,
        issued_at: r.issued_at,
        key: &r.number,
    }
}

/// The page, and the file's title.
fn draw(r: &ReceiptRecord, stamp: Option<&str>, invoice: Option<&InvoiceRecord>) -> (Page, String) {
    let tr = Tr(r.locale);
    let title = tr.t(match (r.kind, invoice) {
        (_, Some(_)) => "invoice-title",
        (ReceiptKind::Receipt, None) => "receipt-title",
        (ReceiptKind::CreditNote, None) => "credit-note-title",
    });
    let mut page = Page::new();
    let arg = |k: &str, name: &'static str, v: &str| tr.t1(k, name, v.to_owned());

    // Issuer (left) and the document's title, number and date (right).
    let mut y = 272.0;
    let heading = title.to_uppercase();
    let issuer = Slot {
        width: RIGHT - LEFT - pdf::width_mm(Face::SerifBold, 20.0, &heading) - 6.0,
        ..ISSUER
    };
    page.slot(&issuer, Align::Left(LEFT), y, &r.issuer.name);
    page.text_right(Face::SerifBold, 20.0, RIGHT, y, &heading);
    y -= 6.0;
    page.slot(&ISSUER_SMALL, Align::Left(LEFT), y, &r.issuer.contact_email);
    page.text_right(
        Face::Sans,
        10.0,
        RIGHT,
        y,
        &arg("receipt-number", "number", &r.number),
    );
    y -= 5.0;
    if let Some(site) = &r.issuer.website {
        page.slot(&ISSUER_SMALL, Align::Left(LEFT), y, site);
    }
    let issued = format_date(to_paris(r.issued_at).date(), r.locale);
    page.text_right(
        Face::Sans,
        10.0,
        RIGHT,
        y,
        &arg("receipt-issued-on", "date", &issued),
    );
    y -= 8.0;
    page.rule(LEFT, RIGHT, y, 0.6, 0.6);

    // Who paid, and for what.
    y -= 10.0;
    page.text(
        Face::Sans,
        8.5,
        LEFT,
        y,
        &tr.t(match (r.kind, invoice) {
            (_, Some(_)) => "invoice-billed-to",
            (ReceiptKind::Receipt, None) => "receipt-billed-to",
            (ReceiptKind::CreditNote, None) => "credit-note-refunded-to",
        })
        .to_uppercase(),
    );
    page.text(
        Face::Sans,
        8.5,
        110.0,
        y,
        &tr.t("receipt-program").to_uppercase(),
    );
    y -= 6.0;
    let top = y;
    y = page.slot(&layout::RECEIPT_PAYER, Align::Left(LEFT), y, &r.payer.name) - 0.4;
    let mut buyer: Vec<String> = r.payer.address.clone();
    if let Some(inv) = invoice {
        buyer.extend(
            inv.buyer_vat
                .iter()
                .map(|v| arg("invoice-vat-number", "number", v)),
        );
        buyer.extend(
            inv.purchase_order
                .iter()
                .map(|po| arg("invoice-purchase-order", "number", po)),
        );
    }
    buyer.push(r.payer.email.clone());
    for line in &buyer {
        y = page.slot(&PAYER_DETAIL, Align::Left(LEFT), y, line) - 0.8;
    }
    let mut y2 = page.paragraph(
        (Face::Serif, 11.0),
        110.0,
        top,
        RIGHT - 110.0,
        5.0,
        &r.program_title,
    );
    page.text(
        Face::Sans,
        9.5,
        110.0,
        y2,
        &format_date_range(r.starts_on, r.ends_on, r.locale),
    );
    y2 -= 4.8;
    if let Some(inv) = invoice {
        page.text(
            Face::Sans,
            9.5,
            110.0,
            y2,
            &arg("invoice-participant", "name", &inv.participant),
        );
        y2 -= 4.8;
    }
    if let Some(tier) = &r.tier_label {
        page.text(
            Face::Sans,
            9.5,
            110.0,
            y2,
            &arg("receipt-tier", "tier", tier),
        );
        y2 -= 4.8;
    }
    y = y.min(y2) - 8.0;

    // The statement.
    page.text(
        Face::Sans,
        8.5,
        LEFT,
        y,
        &tr.t("receipt-description").to_uppercase(),
    );
    page.text_right(
        Face::Sans,
        8.5,
        RIGHT,
        y,
        &tr.t("receipt-amount").to_uppercase(),
    );
    y -= 2.5;
    page.rule(LEFT, RIGHT, y, 0.4, 0.6);
    y -= 6.0;
    for line in &r.lines {
        let label = match &line.item {
            LineItem::Fee => tr.t("receipt-line-fee"),
            LineItem::Discount { code } => arg("receipt-line-discount", "code", code),
            LineItem::Waiver { reason: None } => tr.t("receipt-line-waiver"),
            LineItem::Waiver {
                reason: Some(reason),
            } => arg("receipt-line-waiver-reason", "reason", reason),
            LineItem::Refund => tr.t("receipt-line-refund"),
        };
        let lines = pdf::wrap(Face::Sans, 10.0, 120.0, &label);
        page.text_right(Face::Sans, 10.0, RIGHT, y, &amount(line.cents, r));
        for l in lines {
            page.text(Face::Sans, 10.0, LEFT, y, &l);
            y -= 5.0;
        }
        y -= 1.0;
    }
    page.rule(LEFT, RIGHT, y + 2.0, 0.4, 0.6);
    y -= 4.0;
    let total_label = tr.t(match (r.kind, invoice) {
        (_, Some(_)) => "invoice-total-due",
        (ReceiptKind::Receipt, None) => "receipt-total-paid",
        (ReceiptKind::CreditNote, None) => "credit-note-total",
    });
    page.text(Face::SerifBold, 12.0, LEFT, y, &total_label);
    page.text_right(Face::SerifBold, 12.0, RIGHT, y, &amount(r.total_cents, r));
    y -= 12.0;

    // The payment.
    page.text(
        Face::Sans,
        8.5,
        LEFT,
        y,
        &tr.t("receipt-payment").to_uppercase(),
    );
    y -= 5.5;
    let method = match r.provider.as_str() {
        "stripe" => tr.t("receipt-method-stripe"),
        "simulated" => tr.t("receipt-method-simulated"),
        "bank_transfer" => tr.t("receipt-method-bank_transfer"),
        other => other.to_owned(),
    };
    let paid_on = format_date(to_paris(r.paid_at).date(), r.locale);
    let when = match r.kind {
        ReceiptKind::Receipt => arg("receipt-paid-on", "date", &paid_on),
        ReceiptKind::CreditNote => arg("credit-note-refunded-on", "date", &paid_on),
    };
    let mut facts = match invoice {
        None => vec![method, when],
        Some(inv) => {
            let due = format_date(to_paris(inv.due_at).date(), r.locale);
            let mut how = vec![arg("invoice-due-on", "date", &due)];
            if let Some((beneficiary, iban, bic)) = &inv.bank {
                how.push(arg("invoice-pay-to", "beneficiary", beneficiary));
                how.push(tr.t_args(
                    "invoice-account",
                    &[
                        ("iban", FluentValue::from(iban.clone())),
                        ("bic", FluentValue::from(bic.clone())),
                    ],
                ));
            }
            how.push(arg(
                "invoice-reference",
                "reference",
                &inv.creditor_reference,
            ));
            how.extend(r.issuer.legal.iter().map(|l| l.payment_terms.clone()));
            how
        }
    };
    if let Some(reference) = &r.provider_reference {
        facts.push(arg("receipt-provider-reference", "reference", reference));
    }
    facts.push(arg(
        "receipt-order-reference",
        "reference",
        &r.order_reference,
    ));
    if let Some(number) = &r.corrects {
        facts.push(arg("credit-note-corrects", "number", number));
    }
    if let Some(reason) = &r.reason {
        facts.push(arg("credit-note-reason", "reason", reason));
    }
    for fact in facts {
        y = page.paragraph((Face::Sans, 10.0), LEFT, y, RIGHT - LEFT, 4.8, &fact);
    }
    if r.kind == ReceiptKind::Receipt && !r.explanation.is_empty() {
        y -= 6.0;
        page.text(
            Face::Sans,
            8.5,
            LEFT,
            y,
            &tr.t("receipt-how").to_uppercase(),
        );
        y -= 5.5;
        page.paragraph(
            (Face::Sans, 10.0),
            LEFT,
            y,
            RIGHT - LEFT,
            4.8,
            &r.explanation,
        );
    }

    // Footer.
    let footer = match (r.kind, invoice) {
        (_, Some(_)) => tr.t("invoice-footer"),
        (ReceiptKind::Receipt, None) => tr.t_args(
            "receipt-footer",
            &[("issuer", FluentValue::from(r.issuer.name.clone()))],
        ),
        (ReceiptKind::CreditNote, None) => tr.t("credit-note-footer"),
    };
    page.rule(LEFT, RIGHT, 40.0, 0.4, 0.75);
    let y = page.paragraph((Face::Sans, 8.0), LEFT, 35.0, RIGHT - LEFT, 3.8, &footer);
    page.text(
        Face::Sans,
        8.0,
        LEFT,
        y,
        &arg("receipt-contact", "email", &r.issuer.contact_email),
    );
    // The seller's legal mentions: who the law says sold and was paid.
    if let Some(legal) = &r.issuer.legal {
        let line = tr.t_args(
            "receipt-seller",
            &[
                ("name", FluentValue::from(legal.name.clone())),
                ("address", FluentValue::from(legal.address.join(", "))),
                ("siret", FluentValue::from(legal.siret.clone())),
            ],
        );
        let y = page.paragraph((Face::Sans, 7.5), LEFT, y - 5.0, RIGHT - LEFT, 3.5, &line);
        page.paragraph((Face::Sans, 7.5), LEFT, y, RIGHT - LEFT, 3.5, &legal.vat);
    }

    match stamp {
        Some(label) => page.demo_stamp(label),
        None if r.demo => page.demo_stamp(&tr.t("document-demo-stamp")),
        None => {}
    }
    let file_title = format!("{title} {}", r.number);
    (page, file_title)
}

/// An amount with its cents, signed: `€3,100.00`, `-€310.00`, `3 100,00 €`.
fn amount(cents: i64, r: &ReceiptRecord) -> String {
    let abs = cents.unsigned_abs();
    let (whole, frac) = (abs / 100, abs % 100);
    let digits = whole.to_string();
    let sep = match r.locale {
        Locale::En => ",",
        Locale::Fr => "\u{202f}",
    };
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push_str(sep);
        }
        grouped.push(ch);
    }
    let sign = if cents < 0 { "-" } else { "" };
    let symbol = match r.currency {
        crate::domain::money::Currency::Eur => "€",
    };
    match r.locale {
        Locale::En => format!("{sign}{symbol}{grouped}.{frac:02}"),
        Locale::Fr => format!("{sign}{grouped},{frac:02}\u{a0}{symbol}"),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::money::Currency;
    use crate::domain::receipt::{Issuer, Payer, ReceiptLine, statement_lines};
    use time::macros::{date, datetime};

    pub(crate) fn record(locale: Locale) -> ReceiptRecord {
        ReceiptRecord {
            number: "R-2026-00007".into(),
            kind: ReceiptKind::Receipt,
            issued_at: datetime!(2026-04-02 09:30 UTC),
            locale,
            issuer: Issuer {
                name: "Université Paris Cité — UFR de Médecine".into(),
                contact_email: "summerschool.medicine@u-paris.fr".into(),
                website: Some("https://u-paris.fr/summerschoolmedicine-2026".into()),
                legal: Some(crate::domain::receipt::SellerMentions {
                    name: "Université Paris Cité".into(),
                    address: vec![
                        "85 boulevard Saint-Germain".into(),
                        "75006 Paris".into(),
                        "France".into(),
                    ],
                    siret: "130 025 265 00013".into(),
                    vat: "TVA non applicable, art. 261-4-4° du CGI".into(),
                    payment_terms: "Payable avant la date limite de l'offre.".into(),
                }),
            },
            payer: Payer {
                name: "Nguyễn Thị Minh Khai".into(),
                email: "minh@example.org".into(),
                address: vec!["12 Phố Huế".into(), "100000 Hà Nội".into(), "Vietnam".into()],
            },
            program_title: "Hands-on Training in Clinical Medicine and Emergencies".into(),
            starts_on: date!(2026 - 07 - 06),
            ends_on: date!(2026 - 07 - 17),
            tier_label: Some("Standard".into()),
            lines: statement_lines(Some(310_000), 250_000, Some(("PARTNER-2026", 31_000)), Some("hardship")),
            total_cents: 250_000,
            currency: Currency::Eur,
            explanation: "Tuition fee €3,100, less PARTNER-2026 (€310), less a waiver of €290 (hardship): €2,500".into(),
            provider: "stripe".into(),
            provider_reference: Some("pi_3Abc".into()),
            order_reference: "SS-ABCD-EFGH".into(),
            paid_at: datetime!(2026-04-02 09:30 UTC),
            corrects: None,
            reason: None,
            demo: false,
        }
    }

    #[test]
    fn amounts_keep_their_cents_and_sign() {
        let en = record(Locale::En);
        assert_eq!(amount(310_000, &en), "€3,100.00");
        assert_eq!(amount(-31_050, &en), "-€310.50");
        let fr = record(Locale::Fr);
        assert_eq!(amount(310_000, &fr), "3\u{202f}100,00\u{a0}€");
    }

    #[test]
    fn the_same_record_gives_the_same_bytes() {
        let r = record(Locale::En);
        let a = render(&r);
        assert_eq!(a, render(&r));
        assert!(a.starts_with(b"%PDF-"));
        let mut other = r.clone();
        other.number = "R-2026-00008".into();
        assert_ne!(a, render(&other));
    }

    #[test]
    fn a_credit_note_renders_in_french() {
        let mut r = record(Locale::Fr);
        r.kind = ReceiptKind::CreditNote;
        r.number = "A-2026-00001".into();
        r.lines = vec![ReceiptLine {
            item: LineItem::Refund,
            cents: 250_000,
        }];
        r.corrects = Some("R-2026-00007".into());
        r.reason = Some("Désistement avant le 1er juin".into());
        let pdf = render(&r);
        assert!(pdf.starts_with(b"%PDF-"));
    }
}
