//! Receipts and credit notes: their numbers, and the plain record each PDF is printed from.
//!
//! A receipt is issued in the transaction that records the payment, with the next number of its
//! series and year (no gaps, no repeats: the counter moves in that same transaction). The record is
//! frozen then, with every text already in the payer's language, so the PDF printed from it today or
//! in ten years is the same document. A refund never edits a receipt: it issues a credit note that
//! names the receipt it corrects.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use super::locale::Locale;
use super::money::Currency;

/// The two series, numbered separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptKind {
    Receipt,
    CreditNote,
}

impl ReceiptKind {
    /// The series' letter in the number, and its key in the counter table.
    pub fn series(self) -> &'static str {
        match self {
            ReceiptKind::Receipt => "R",
            ReceiptKind::CreditNote => "A",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ReceiptKind::Receipt => "receipt",
            ReceiptKind::CreditNote => "credit_note",
        }
    }

    pub fn parse(text: &str) -> Option<ReceiptKind> {
        [ReceiptKind::Receipt, ReceiptKind::CreditNote]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// "R-2026-00042": the series, the year of issue, and the number within both, zero-padded so that
/// numbers sort as text. A sixth digit appears after 99,999 documents in a year rather than wrapping.
pub fn format_number(kind: ReceiptKind, year: i32, n: i64) -> String {
    format!("{}-{year}-{n:05}", kind.series())
}

/// The counter a document of `kind` takes its number from: a demo's receipts and credit notes count
/// in series of their own, so that trying the product never takes a real number.
pub fn counter_series(kind: ReceiptKind, demo: bool) -> String {
    if demo {
        super::demo::demo_number(kind.series())
    } else {
        kind.series().to_owned()
    }
}

/// The number of the `n`th document of its series: `R-2026-00042`, or `DEMO-R-2026-00001`.
pub fn number_in_series(kind: ReceiptKind, demo: bool, year: i32, n: i64) -> String {
    let number = format_number(kind, year, n);
    if demo {
        super::demo::demo_number(&number)
    } else {
        number
    }
}

/// Who issues the receipt: the organization, as its catalog names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issuer {
    pub name: String,
    pub contact_email: String,
    pub website: Option<String>,
    /// The legal entity behind the issuer, as the law asks a document of money to name it (absent
    /// from records frozen before the catalog gave it).
    #[serde(default)]
    pub legal: Option<SellerMentions>,
}

impl SellerMentions {
    /// The catalog's legal entity, in `locale`.
    pub fn from_legal(
        legal: &crate::domain::catalog::LegalEntity,
        locale: crate::domain::locale::Locale,
    ) -> SellerMentions {
        SellerMentions {
            name: legal.name.clone(),
            address: legal.address.clone(),
            siret: legal.siret.grouped(),
            vat: legal.vat.get(locale).to_owned(),
            payment_terms: legal.payment_terms.get(locale).to_owned(),
        }
    }
}

/// The seller's legal mentions, frozen in the record's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SellerMentions {
    pub name: String,
    pub address: Vec<String>,
    /// As printed: `130 025 265 00013`.
    pub siret: String,
    pub vat: String,
    pub payment_terms: String,
}

/// Who paid: the applicant, with the postal address they gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payer {
    pub name: String,
    pub email: String,
    /// Address lines, empty when none was given.
    pub address: Vec<String>,
}

/// One line of the statement: what it is and its signed amount (what came off is negative). The
/// renderer names it in the record's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptLine {
    pub item: LineItem,
    pub cents: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "item", rename_all = "snake_case")]
pub enum LineItem {
    /// The tier's price.
    Fee,
    /// A discount code.
    Discount { code: String },
    /// An organizer's waiver, with its reason.
    Waiver { reason: Option<String> },
    /// Money given back (a credit note's one line).
    Refund,
}

/// Everything a receipt or credit note shows, frozen when it is issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptRecord {
    pub number: String,
    pub kind: ReceiptKind,
    #[serde(with = "time::serde::rfc3339")]
    pub issued_at: OffsetDateTime,
    pub locale: Locale,
    pub issuer: Issuer,
    pub payer: Payer,
    pub program_title: String,
    pub starts_on: Date,
    pub ends_on: Date,
    /// The fee tier's name, when the program has several.
    pub tier_label: Option<String>,
    /// List price, then what came off it; they add up to `total_cents`.
    pub lines: Vec<ReceiptLine>,
    /// What was paid (receipt) or given back (credit note), never negative.
    pub total_cents: i64,
    pub currency: Currency,
    /// How the price was reached, as the offer said it.
    pub explanation: String,
    /// The provider (`stripe`, `simulated`) and its reference for the money (payment intent,
    /// checkout session or refund id).
    pub provider: String,
    pub provider_reference: Option<String>,
    /// The order's payment reference, as the applicant saw it.
    pub order_reference: String,
    /// When the money moved.
    #[serde(with = "time::serde::rfc3339")]
    pub paid_at: OffsetDateTime,
    /// A credit note's receipt.
    pub corrects: Option<String>,
    /// A credit note's reason.
    pub reason: Option<String>,
    /// A demo's document: it says DEMO on the page (absent from records of real ones).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub demo: bool,
}

impl ReceiptRecord {
    /// The file name it is downloaded and attached as.
    pub fn file_name(&self) -> String {
        format!("{}.pdf", self.number)
    }
}

/// The statement's lines from a frozen price: the list price, then the discount code's share, then
/// the waiver's, so that they always add up to what was paid (a list price below the total, which
/// only an order from before list prices were kept can have, is read as the total).
pub fn statement_lines(
    list_cents: Option<i64>,
    total_cents: i64,
    discount: Option<(&str, i64)>,
    waiver_reason: Option<&str>,
) -> Vec<ReceiptLine> {
    let list = list_cents.unwrap_or(total_cents).max(total_cents);
    let mut lines = vec![ReceiptLine {
        item: LineItem::Fee,
        cents: list,
    }];
    let mut left = list;
    if let Some((code, off)) = discount {
        let off = off.min(left - total_cents);
        if off > 0 {
            lines.push(ReceiptLine {
                item: LineItem::Discount {
                    code: code.to_owned(),
                },
                cents: -off,
            });
            left -= off;
        }
    }
    if left > total_cents {
        lines.push(ReceiptLine {
            item: LineItem::Waiver {
                reason: waiver_reason.map(str::to_owned),
            },
            cents: total_cents - left,
        });
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(list: Option<i64>, total: i64, discount: Option<(&str, i64)>) -> Vec<(String, i64)> {
        statement_lines(list, total, discount, Some("hardship"))
            .into_iter()
            .map(|l| {
                let label = match l.item {
                    LineItem::Fee => "Fee".to_owned(),
                    LineItem::Discount { code } => format!("Code {code}"),
                    LineItem::Waiver { reason } => format!("Waiver {}", reason.unwrap_or_default()),
                    LineItem::Refund => "Refund".to_owned(),
                };
                (label, l.cents)
            })
            .collect()
    }

    #[test]
    fn demo_documents_count_apart_and_say_so() {
        assert_eq!(counter_series(ReceiptKind::Receipt, false), "R");
        assert_eq!(counter_series(ReceiptKind::Receipt, true), "DEMO-R");
        assert_eq!(counter_series(ReceiptKind::CreditNote, true), "DEMO-A");
        assert_eq!(
            number_in_series(ReceiptKind::Receipt, true, 2026, 1),
            "DEMO-R-2026-00001"
        );
        assert_eq!(
            number_in_series(ReceiptKind::CreditNote, false, 2026, 3),
            "A-2026-00003"
        );
    }

    #[test]
    fn numbers_sort_as_text_within_a_series_and_year() {
        assert_eq!(format_number(ReceiptKind::Receipt, 2026, 1), "R-2026-00001");
        assert_eq!(
            format_number(ReceiptKind::CreditNote, 2026, 42),
            "A-2026-00042"
        );
        assert_eq!(
            format_number(ReceiptKind::Receipt, 2027, 123_456),
            "R-2027-123456"
        );
        assert!(
            format_number(ReceiptKind::Receipt, 2026, 9)
                < format_number(ReceiptKind::Receipt, 2026, 10)
        );
    }

    #[test]
    fn the_lines_add_up_to_what_was_paid() {
        assert_eq!(
            lines(Some(310_000), 310_000, None),
            [("Fee".into(), 310_000)]
        );
        assert_eq!(
            lines(Some(310_000), 279_000, Some(("PARTNER", 31_000))),
            [("Fee".into(), 310_000), ("Code PARTNER".into(), -31_000)]
        );
        assert_eq!(
            lines(Some(310_000), 200_000, Some(("PARTNER", 31_000))),
            [
                ("Fee".into(), 310_000),
                ("Code PARTNER".into(), -31_000),
                ("Waiver hardship".into(), -79_000)
            ]
        );
        // An order from before list prices were kept: one line, the total.
        assert_eq!(lines(None, 250_000, None), [("Fee".into(), 250_000)]);
        for (list, total, discount) in [
            (Some(310_000), 100, Some(("X", 500_000))),
            (Some(1_000), 0, None),
            (Some(310_000), 310_000, Some(("X", 5))),
        ] {
            let sum: i64 = lines(list, total, discount).iter().map(|l| l.1).sum();
            assert_eq!(sum, total);
        }
    }

    #[test]
    fn kinds_round_trip() {
        for k in [ReceiptKind::Receipt, ReceiptKind::CreditNote] {
            assert_eq!(ReceiptKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(ReceiptKind::parse("invoice"), None);
    }
}
