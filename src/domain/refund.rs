//! A refund as the finance office asks it on an order: an amount to give back, why, and whether the
//! enrollment is cancelled too (a refused visa is the classic case). Pure: the store checks the
//! amount against what was paid and queues the provider's refund.

use serde::Deserialize;
use validator::Validate;

use super::money::{Currency, Money};
use super::problem::{Checked, Problem, trimmed};

/// Most characters in a refund's reason.
pub const REASON_MAX: u64 = 500;

/// The refund form as typed (kept as typed, to show again with its problems).
#[derive(Debug, Clone, Default, Deserialize, Validate)]
pub struct RefundDraft {
    /// Euros, with a comma or a point for the cents; blank or zero gives nothing back (only with
    /// `cancel`).
    #[serde(default)]
    pub amount: String,
    #[serde(default, deserialize_with = "trimmed")]
    #[validate(
        required(code = "finance-error-reason"),
        length(max = REASON_MAX, code = "finance-error-reason"),
        non_control_character(code = "finance-error-reason")
    )]
    pub reason: Option<String>,
    /// `yes` when the enrollment is cancelled too.
    #[serde(default)]
    pub cancel: String,
}

impl Checked for RefundDraft {
    const FIELDS: &'static [&'static str] = &["amount", "reason", "cancel"];
}

impl RefundDraft {
    pub fn cancels(&self) -> bool {
        self.cancel == "yes"
    }
}

/// What finance asked for, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefundAsked {
    /// Give back this many cents; the enrollment stands.
    Refund { cents: i64, reason: String },
    /// Cancel the enrollment, giving back this many cents, or nothing.
    Cancel { cents: Option<i64>, reason: String },
}

/// The form checked, or every problem with it.
pub fn parse_refund(draft: &RefundDraft) -> Result<RefundAsked, Vec<Problem>> {
    let mut problems = draft.problems();
    let typed = draft.amount.trim();
    let parsed = Money::parse_decimal(&typed.replace(',', "."), Currency::Eur)
        .ok()
        .map(Money::cents);
    let nothing = typed.is_empty() || parsed == Some(0);
    let cents = parsed.filter(|c| *c > 0);
    // Cancelling may give nothing back; a refund alone needs an amount.
    if cents.is_none() && !(draft.cancels() && nothing) {
        problems.push(Problem::new("amount", "finance-error-amount"));
    }
    RefundDraft::in_order(&mut problems);
    match (&draft.reason, cents) {
        (Some(reason), cents) if problems.is_empty() && draft.cancels() => {
            Ok(RefundAsked::Cancel {
                cents,
                reason: reason.clone(),
            })
        }
        (Some(reason), Some(cents)) if problems.is_empty() => Ok(RefundAsked::Refund {
            cents,
            reason: reason.clone(),
        }),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(amount: &str, reason: &str, cancel: bool) -> RefundDraft {
        RefundDraft {
            amount: amount.into(),
            reason: Some(reason.trim().to_owned()).filter(|r| !r.is_empty()),
            cancel: if cancel { "yes" } else { "" }.into(),
        }
    }

    #[test]
    fn a_refund_needs_an_amount_and_a_reason() {
        assert_eq!(
            parse_refund(&draft("250,50", "Paid twice", false)),
            Ok(RefundAsked::Refund {
                cents: 25_050,
                reason: "Paid twice".into()
            })
        );
        assert_eq!(
            parse_refund(&draft("0", "", false)),
            Err(vec![
                Problem::new("amount", "finance-error-amount"),
                Problem::new("reason", "finance-error-reason"),
            ])
        );
        assert_eq!(
            parse_refund(&draft("-5", "Paid twice", false)),
            Err(vec![Problem::new("amount", "finance-error-amount")])
        );
    }

    #[test]
    fn a_cancellation_may_give_nothing_back() {
        assert_eq!(
            parse_refund(&draft("", "Visa refused", true)),
            Ok(RefundAsked::Cancel {
                cents: None,
                reason: "Visa refused".into()
            })
        );
        assert_eq!(
            parse_refund(&draft("3100", "Visa refused", true)),
            Ok(RefundAsked::Cancel {
                cents: Some(310_000),
                reason: "Visa refused".into()
            })
        );
        assert_eq!(
            parse_refund(&draft("lots", "Visa refused", true)),
            Err(vec![Problem::new("amount", "finance-error-amount")])
        );
        let long = "r".repeat(REASON_MAX as usize + 1);
        assert_eq!(
            parse_refund(&draft("", &long, true)),
            Err(vec![Problem::counted(
                "reason",
                "finance-error-reason",
                500
            )])
        );
    }
}
