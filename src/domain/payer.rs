//! Who pays an order: the applicant themselves, or an institution (a hospital, a university) with
//! its name, postal address, VAT number if it has one, purchase-order number and the email its
//! invoice goes to. The form as typed, checked into a [`PayerChoice`]; and the invoice (facture)
//! an institution is sent before it pays. Pure.

use serde::{Deserialize, Serialize};
use validator::Validate;

use super::email::EmailAddress;
use super::problem::{Checked, Problem, choice, trimmed};

/// Who pays, as the form offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayerKind {
    Person,
    Institution,
}

/// The *who pays* form as typed (kept as typed, to show again with its problems).
#[derive(Debug, Clone, Default, Deserialize, Validate)]
pub struct PayerDraft {
    #[serde(default, deserialize_with = "choice")]
    #[validate(required(code = "payer-error-kind"))]
    pub kind: Option<PayerKind>,
    #[serde(default, deserialize_with = "trimmed")]
    #[validate(
        length(max = 140, code = "payer-error-name"),
        non_control_character(code = "payer-error-name")
    )]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "trimmed")]
    #[validate(
        length(max = 100, code = "payer-error-address"),
        non_control_character(code = "payer-error-address")
    )]
    pub address_line1: Option<String>,
    #[serde(default, deserialize_with = "trimmed")]
    #[validate(
        length(max = 100, code = "payer-error-address"),
        non_control_character(code = "payer-error-address")
    )]
    pub address_line2: Option<String>,
    #[serde(default, deserialize_with = "trimmed")]
    #[validate(
        length(max = 100, code = "payer-error-city"),
        non_control_character(code = "payer-error-city")
    )]
    pub city: Option<String>,
    #[serde(default, deserialize_with = "trimmed")]
    #[validate(
        length(max = 60, code = "payer-error-country"),
        non_control_character(code = "payer-error-country")
    )]
    pub country: Option<String>,
    #[serde(default, deserialize_with = "trimmed")]
    pub vat_number: Option<String>,
    #[serde(default, deserialize_with = "trimmed")]
    #[validate(
        length(max = 35, code = "payer-error-purchase-order"),
        non_control_character(code = "payer-error-purchase-order")
    )]
    pub purchase_order: Option<String>,
    #[serde(default, deserialize_with = "trimmed")]
    pub contact_email: Option<String>,
}

impl Checked for PayerDraft {
    const FIELDS: &'static [&'static str] = &[
        "kind",
        "name",
        "address_line1",
        "address_line2",
        "city",
        "country",
        "vat_number",
        "purchase_order",
        "contact_email",
    ];
}

/// An institution that pays, as its invoice names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Institution {
    pub name: String,
    /// Postal address lines (street, city, country).
    pub address: Vec<String>,
    pub vat_number: Option<String>,
    pub purchase_order: Option<String>,
    pub contact_email: EmailAddress,
}

/// Who pays, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PayerChoice {
    /// The applicant, in the name and at the address of their application.
    Person,
    Institution(Institution),
}

/// An invoice (facture) sent to the institution that pays, before it pays: the receipt's frozen
/// facts (seller and its legal mentions, program, dates, the statement's lines, the order's
/// reference) with the buyer, its VAT number and purchase order, the participant, the due date and
/// how to pay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceRecord {
    /// Number, dates, seller, program, lines and total, as a receipt freezes them; its `payer` is
    /// the institution (its name, contact email and address).
    pub facts: super::receipt::ReceiptRecord,
    pub buyer_vat: Option<String>,
    pub purchase_order: Option<String>,
    /// Whose place it pays for.
    pub participant: String,
    /// When the money must have arrived (the offer's deadline).
    #[serde(with = "time::serde::rfc3339")]
    pub due_at: time::OffsetDateTime,
    /// The ISO 11649 reference the transfer carries.
    pub creditor_reference: String,
    /// Where to pay by transfer: beneficiary, IBAN, BIC, as printed.
    pub bank: Option<(String, String, String)>,
}

impl InvoiceRecord {
    pub fn file_name(&self) -> String {
        format!("{}.pdf", self.facts.number)
    }
}

/// An invoice's number: `F-2026-00042` (`DEMO-F-…` for the demo's).
pub fn invoice_number(demo: bool, year: i32, n: i64) -> String {
    let number = format!("F-{year}-{n:05}");
    if demo {
        super::demo::demo_number(&number)
    } else {
        number
    }
}

/// The counter's series for invoices.
pub fn invoice_series(demo: bool) -> String {
    if demo {
        super::demo::demo_number("F")
    } else {
        "F".to_owned()
    }
}

/// A VAT number as the EU writes them: two letters, then 2 to 13 letters or digits (spaces and
/// dots removed). Its check digits are the tax office's to verify, not ours.
pub fn vat_number(text: &str) -> Option<String> {
    let t: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.' && *c != '-')
        .flat_map(char::to_uppercase)
        .collect();
    let shaped = (4..=15).contains(&t.len())
        && t[..2].bytes().all(|b| b.is_ascii_uppercase())
        && t[2..].bytes().all(|b| b.is_ascii_alphanumeric());
    shaped.then_some(t)
}

/// The form checked, or every problem with it.
pub fn parse_payer(draft: &PayerDraft) -> Result<PayerChoice, Vec<Problem>> {
    let mut problems = draft.problems();
    if draft.kind != Some(PayerKind::Institution) {
        return match draft.kind {
            Some(PayerKind::Person) if problems.is_empty() => Ok(PayerChoice::Person),
            _ if problems.iter().any(|p| p.field == "kind") => {
                Err(vec![Problem::new("kind", "payer-error-kind")])
            }
            // The institution's fields do not matter when the applicant pays.
            _ => Ok(PayerChoice::Person),
        };
    }
    for (field, value, key) in [
        ("name", &draft.name, "payer-error-name"),
        ("address_line1", &draft.address_line1, "payer-error-address"),
        ("city", &draft.city, "payer-error-city"),
        ("country", &draft.country, "payer-error-country"),
    ] {
        if value.is_none() && !problems.iter().any(|p| p.field == field) {
            problems.push(Problem::new(field, key));
        }
    }
    let vat = match draft.vat_number.as_deref() {
        None => None,
        Some(v) => match vat_number(v) {
            Some(v) => Some(v),
            None => {
                problems.push(Problem::new("vat_number", "payer-error-vat"));
                None
            }
        },
    };
    let email = match draft.contact_email.as_deref().map(EmailAddress::parse) {
        Some(Ok(e)) => Some(e),
        _ => {
            problems.push(Problem::new("contact_email", "payer-error-email"));
            None
        }
    };
    PayerDraft::in_order(&mut problems);
    match (problems.is_empty(), email) {
        (true, Some(contact_email)) => Ok(PayerChoice::Institution(Institution {
            name: draft.name.clone().unwrap_or_default(),
            address: [
                draft.address_line1.clone(),
                draft.address_line2.clone(),
                draft.city.clone(),
                draft.country.clone(),
            ]
            .into_iter()
            .flatten()
            .collect(),
            vat_number: vat,
            purchase_order: draft.purchase_order.clone(),
            contact_email,
        })),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn institution() -> PayerDraft {
        PayerDraft {
            kind: Some(PayerKind::Institution),
            name: Some("Bach Mai Hospital".into()),
            address_line1: Some("78 Giải Phóng".into()),
            address_line2: None,
            city: Some("100000 Hà Nội".into()),
            country: Some("Vietnam".into()),
            vat_number: None,
            purchase_order: Some("PO-2026-117".into()),
            contact_email: Some("accounts@bachmai.example".into()),
        }
    }

    #[test]
    fn an_institution_needs_its_name_address_and_the_email_its_invoice_goes_to() {
        let Ok(PayerChoice::Institution(i)) = parse_payer(&institution()) else {
            panic!("an institution");
        };
        assert_eq!(i.address, ["78 Giải Phóng", "100000 Hà Nội", "Vietnam"]);
        assert_eq!(i.purchase_order.as_deref(), Some("PO-2026-117"));
        let blank = PayerDraft {
            name: None,
            city: None,
            contact_email: Some("not an address".into()),
            vat_number: Some("12".into()),
            ..institution()
        };
        let fields: Vec<&str> = parse_payer(&blank)
            .unwrap_err()
            .iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(fields, ["name", "city", "vat_number", "contact_email"]);
    }

    #[test]
    fn the_applicant_paying_needs_nothing_more_and_a_vat_number_is_shaped_like_one() {
        let person = PayerDraft {
            kind: Some(PayerKind::Person),
            ..PayerDraft::default()
        };
        assert_eq!(parse_payer(&person), Ok(PayerChoice::Person));
        assert_eq!(
            parse_payer(&PayerDraft::default()),
            Err(vec![Problem::new("kind", "payer-error-kind")])
        );
        assert_eq!(
            vat_number("FR 12 345678901").as_deref(),
            Some("FR12345678901")
        );
        assert_eq!(vat_number("DE.123.456.789").as_deref(), Some("DE123456789"));
        assert_eq!(vat_number("12345"), None);
    }
}
