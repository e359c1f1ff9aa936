//! An organizer's decision on an application, from the form they posted to what the store applies:
//! offer a seat (at a tier, with an adjustment, until a last day to pay), waitlist, or reject with a
//! reason; and a later extension of the last day to pay. Pure: the store checks the decision against
//! the application as it stands, and the seats left.

use serde::Deserialize;
use time::OffsetDateTime;

use super::money::{Currency, Money};
use super::offer::{self, Adjustment};
use super::problem::{Problem, choice};
use super::status::RejectReason;

/// What an organizer decides about one application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecisionKind {
    /// Offer a seat: the tier (default: the one the applicant asked for, else the standard one), an
    /// optional adjustment, and the payment deadline.
    Accept {
        tier_code: Option<String>,
        adjustment: Adjustment,
        deadline: OffsetDateTime,
    },
    /// Put on the waitlist, ranked by the mean score at this moment, then by submission.
    Waitlist,
    Reject {
        reason: RejectReason,
    },
}

/// The three answers to an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Choice {
    Accept,
    Waitlist,
    Reject,
}

impl Choice {
    /// The form's value, to check the radio button again.
    pub fn as_str(self) -> &'static str {
        match self {
            Choice::Accept => "accept",
            Choice::Waitlist => "waitlist",
            Choice::Reject => "reject",
        }
    }
}

/// How the offer's price is adjusted, as the form names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdjustmentChoice {
    #[default]
    None,
    Waiver,
    FullWaiver,
    SetPrice,
}

impl AdjustmentChoice {
    /// The form's value (`full_waiver`), to check the radio button again.
    pub fn as_str(self) -> &'static str {
        match self {
            AdjustmentChoice::None => "none",
            AdjustmentChoice::Waiver => "waiver",
            AdjustmentChoice::FullWaiver => "full_waiver",
            AdjustmentChoice::SetPrice => "set_price",
        }
    }
}

/// The decision form as typed (kept as typed, to show again with its problem). The page's three
/// buttons post `decision`; only the offer sends the other fields.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DecisionDraft {
    /// `None` when nothing (or nothing known) was chosen.
    #[serde(default, deserialize_with = "choice")]
    pub decision: Option<Choice>,
    #[serde(default)]
    pub tier: String,
    /// `None` (none chosen) is no adjustment.
    #[serde(default, deserialize_with = "choice")]
    pub adjustment: Option<AdjustmentChoice>,
    /// Euros, with a point or a comma for the cents, for a waiver or a set price.
    #[serde(default)]
    pub amount: String,
    /// Why the price was adjusted (shown to the applicant).
    #[serde(default)]
    pub reason: String,
    /// The last day to pay, `YYYY-MM-DD` as date inputs send it.
    #[serde(default)]
    pub deadline: String,
    #[serde(default)]
    pub reject_reason: String,
}

/// Where a refusal of the decision as a whole is shown (no place left, the application moved on):
/// the decision section, not one of its fields.
pub const DECISION_FIELD: &str = "decision";

/// The decision checked (`None` when nothing was chosen), or what to fix. `now` bounds the last day
/// to pay: it cannot be over already.
pub fn parse_decision(
    draft: &DecisionDraft,
    now: OffsetDateTime,
) -> Result<Option<DecisionKind>, Problem> {
    let Some(choice) = draft.decision else {
        return Ok(None);
    };
    let kind = match choice {
        Choice::Accept => {
            let reason = draft.reason.trim().to_owned();
            let cents = parse_euros(&draft.amount);
            let adjustment = match draft.adjustment.unwrap_or_default() {
                AdjustmentChoice::None => Some(Adjustment::None),
                AdjustmentChoice::FullWaiver => Some(Adjustment::FullWaiver { reason }),
                AdjustmentChoice::Waiver => cents.map(|cents| Adjustment::Waiver { cents, reason }),
                AdjustmentChoice::SetPrice => {
                    cents.map(|cents| Adjustment::SetPrice { cents, reason })
                }
            };
            let adjustment = adjustment.ok_or(Problem::new("amount", "decision-amount-invalid"))?;
            let deadline = parse_last_day(&draft.deadline)
                .filter(|d| *d > now)
                .ok_or(Problem::new("deadline", "decision-deadline-invalid"))?;
            DecisionKind::Accept {
                tier_code: Some(draft.tier.trim().to_owned()).filter(|t| !t.is_empty()),
                adjustment,
                deadline,
            }
        }
        Choice::Waitlist => DecisionKind::Waitlist,
        Choice::Reject => DecisionKind::Reject {
            reason: draft
                .reject_reason
                .parse()
                .map_err(|_| Problem::new("reject_reason", "decision-reason-missing"))?,
        },
    };
    Ok(Some(kind))
}

/// A decision taken on many applications at once: waitlist, reject with one reason, or offer at the
/// catalog price until the program's usual last day to pay (`days` from `now`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct BulkDecisionDraft {
    #[serde(default, deserialize_with = "choice")]
    pub decision: Option<Choice>,
    /// The reason given to everyone rejected.
    #[serde(default)]
    pub reason: String,
}

/// The bulk decision on `selected` applications checked, or what to fix: no application ticked,
/// no decision chosen, or a rejection without its reason.
pub fn parse_bulk_decision(
    draft: &BulkDecisionDraft,
    selected: usize,
    now: OffsetDateTime,
    days: u16,
) -> Result<DecisionKind, Vec<Problem>> {
    let mut problems = Vec::new();
    if selected == 0 {
        problems.push(Problem::new(BULK_FIELD, "queue-bulk-none-selected"));
    }
    let kind = match draft.decision {
        None => {
            problems.push(Problem::new("decision", "queue-bulk-no-decision"));
            None
        }
        Some(Choice::Accept) => Some(DecisionKind::Accept {
            tier_code: None,
            adjustment: Adjustment::None,
            deadline: offer::payment_deadline(now, days),
        }),
        Some(Choice::Waitlist) => Some(DecisionKind::Waitlist),
        Some(Choice::Reject) => match draft.reason.parse() {
            Ok(reason) => Some(DecisionKind::Reject { reason }),
            Err(_) => {
                problems.push(Problem::new("reason", "decision-reason-missing"));
                None
            }
        },
    };
    match kind {
        Some(kind) if problems.is_empty() => Ok(kind),
        _ => Err(problems),
    }
}

/// Where the bulk form's "tick at least one" is shown: the bulk decision section.
pub const BULK_FIELD: &str = "bulk";

/// A new last day to pay for an offer.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ExtendDraft {
    #[serde(default)]
    pub deadline: String,
}

/// A last day to pay, `YYYY-MM-DD` as date inputs send it: its end, midnight in Paris.
pub fn parse_last_day(raw: &str) -> Option<OffsetDateTime> {
    time::Date::parse(
        raw.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
    .map(offer::end_of_paris_day)
}

/// Euros as organizers type them (`500`, `1250.50`, `1250,50`), in cents; zero or less is no
/// amount.
fn parse_euros(raw: &str) -> Option<i64> {
    Money::parse_decimal(&raw.trim().replace(',', "."), Currency::Eur)
        .ok()
        .map(Money::cents)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2027-05-02 10:00 UTC);

    fn offer(adjustment: AdjustmentChoice, amount: &str, deadline: &str) -> DecisionDraft {
        DecisionDraft {
            decision: Some(Choice::Accept),
            adjustment: Some(adjustment),
            amount: amount.into(),
            reason: " Scholarship ".into(),
            deadline: deadline.into(),
            ..DecisionDraft::default()
        }
    }

    #[test]
    fn an_offer_names_its_adjustment_and_a_last_day_to_come() {
        let kind = parse_decision(
            &offer(AdjustmentChoice::Waiver, "1250,50", "2027-05-16"),
            NOW,
        );
        assert_eq!(
            kind,
            Ok(Some(DecisionKind::Accept {
                tier_code: None,
                adjustment: Adjustment::Waiver {
                    cents: 125_050,
                    reason: "Scholarship".into()
                },
                // Midnight in Paris in summer: 21:59:59 UTC.
                deadline: datetime!(2027-05-16 21:59:59 UTC),
            }))
        );
        let plain = parse_decision(&offer(AdjustmentChoice::None, "", "2027-05-16"), NOW);
        assert!(matches!(
            plain,
            Ok(Some(DecisionKind::Accept {
                adjustment: Adjustment::None,
                ..
            }))
        ));
    }

    #[test]
    fn an_offer_without_its_amount_or_with_a_past_day_is_refused() {
        let refused =
            |adjustment, amount, day| parse_decision(&offer(adjustment, amount, day), NOW);
        let problem = |field, key| Err(Problem::new(field, key));
        assert_eq!(
            refused(AdjustmentChoice::SetPrice, "lots", "2027-05-16"),
            problem("amount", "decision-amount-invalid")
        );
        assert_eq!(
            refused(AdjustmentChoice::Waiver, "-5", "2027-05-16"),
            problem("amount", "decision-amount-invalid")
        );
        assert_eq!(
            refused(AdjustmentChoice::None, "", "2027-05-01"),
            problem("deadline", "decision-deadline-invalid")
        );
        assert_eq!(
            refused(AdjustmentChoice::None, "", "16/05/2027"),
            problem("deadline", "decision-deadline-invalid")
        );
    }

    #[test]
    fn a_rejection_needs_its_reason_and_no_choice_decides_nothing() {
        let reject = |reason: &str| DecisionDraft {
            decision: Some(Choice::Reject),
            reject_reason: reason.into(),
            ..DecisionDraft::default()
        };
        assert_eq!(
            parse_decision(&reject("language"), NOW),
            Ok(Some(DecisionKind::Reject {
                reason: RejectReason::Language
            }))
        );
        assert_eq!(
            parse_decision(&reject(""), NOW),
            Err(Problem::new("reject_reason", "decision-reason-missing"))
        );
        assert_eq!(parse_decision(&DecisionDraft::default(), NOW), Ok(None));
    }

    #[test]
    fn a_form_with_an_unknown_choice_reads_as_no_choice() {
        let draft: DecisionDraft =
            serde_urlencoded::from_str("decision=nothing&adjustment=bribe&amount=5").unwrap();
        assert_eq!(draft.decision, None);
        assert_eq!(draft.adjustment, None);
        let draft: DecisionDraft =
            serde_urlencoded::from_str("decision=accept&adjustment=full_waiver").unwrap();
        assert_eq!(draft.decision, Some(Choice::Accept));
        assert_eq!(draft.adjustment, Some(AdjustmentChoice::FullWaiver));
    }

    #[test]
    fn a_bulk_decision_names_what_is_missing() {
        let bulk = |decision, reason: &str| BulkDecisionDraft {
            decision,
            reason: reason.into(),
        };
        assert_eq!(
            parse_bulk_decision(&bulk(Some(Choice::Reject), ""), 2, NOW, 14),
            Err(vec![Problem::new("reason", "decision-reason-missing")])
        );
        assert_eq!(
            parse_bulk_decision(&bulk(None, ""), 0, NOW, 14),
            Err(vec![
                Problem::new(BULK_FIELD, "queue-bulk-none-selected"),
                Problem::new("decision", "queue-bulk-no-decision"),
            ])
        );
        assert_eq!(
            parse_bulk_decision(&bulk(Some(Choice::Waitlist), ""), 3, NOW, 14),
            Ok(DecisionKind::Waitlist)
        );
        assert_eq!(
            parse_bulk_decision(&bulk(Some(Choice::Accept), ""), 1, NOW, 14),
            Ok(DecisionKind::Accept {
                tier_code: None,
                adjustment: Adjustment::None,
                deadline: datetime!(2027-05-16 21:59:59 UTC),
            })
        );
    }
}
