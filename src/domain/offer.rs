//! Offers of a seat: their price, their payment deadline, the reminders before it, and the waitlist's
//! order. Pure rules; the store applies them inside its transactions.

use time::{Duration, OffsetDateTime, Time};

use super::calendar::{paris_offset, to_paris};
use super::fees::DiscountKind;
use super::locale::Locale;
use super::money::{Currency, Money};

/// Reminders go out this many days before the deadline, each once.
pub const REMINDER_DAYS: [i32; 3] = [7, 2, 1];

/// The end (23:59:59, Paris time) of the day `days` days after `now` in Paris: a deadline people can
/// remember, whatever the hour the offer was made.
pub fn payment_deadline(now: OffsetDateTime, days: u16) -> OffsetDateTime {
    let day = to_paris(now).date() + Duration::days(i64::from(days));
    end_of_paris_day(day)
}

/// 23:59:59 in Paris on `day`, as an instant.
pub fn end_of_paris_day(day: time::Date) -> OffsetDateTime {
    let last = Time::from_hms(23, 59, 59).expect("valid time");
    // The offset in force at that wall-clock time: try winter's, then correct if summer applies.
    let guess = day
        .with_time(last)
        .assume_offset(time::UtcOffset::from_hms(1, 0, 0).expect("offset"));
    day.with_time(last).assume_offset(paris_offset(guess))
}

/// The reminder due now, if any: the nearest threshold already reached, not sent yet, and reached after
/// the offer was made (an offer made four days before its deadline gets no "7 days left" reminder).
pub fn reminder_due(
    offered_at: OffsetDateTime,
    deadline: OffsetDateTime,
    already_reminded: Option<i32>,
    now: OffsetDateTime,
) -> Option<i32> {
    if now >= deadline {
        return None;
    }
    let due = REMINDER_DAYS
        .iter()
        .copied()
        .filter(|d| now >= deadline - Duration::days(i64::from(*d)))
        .min()?;
    let reached_at = deadline - Duration::days(i64::from(due));
    let not_sent = already_reminded.is_none_or(|sent| due < sent);
    (not_sent && offered_at < reached_at).then_some(due)
}

/// The mean of reviewers' scores in hundredths of a point (3.67 → 367), rounded half up; `None`
/// without scores. Integers only, so ranks compare exactly.
pub fn mean_score_hundredths(scores: &[i32]) -> Option<i32> {
    if scores.is_empty() {
        return None;
    }
    let sum: i64 = scores.iter().map(|s| i64::from(*s)).sum();
    let n = scores.len() as i64;
    Some(((sum * 200 + n) / (2 * n)) as i32)
}

/// "3.67" for a mean score in hundredths.
pub fn format_score(hundredths: i32) -> String {
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

/// How an organizer adjusts the catalog price of an offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Adjustment {
    /// The tier's price.
    None,
    /// The price lowered by this much (a partial waiver), with the reason.
    Waiver { cents: i64, reason: String },
    /// The whole fee waived, with the reason.
    FullWaiver { reason: String },
    /// A price set by hand, with the reason.
    SetPrice { cents: i64, reason: String },
}

/// A frozen price: what the applicant owes and how it was reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Price {
    pub tier_code: String,
    pub list_cents: i64,
    pub total_cents: i64,
    /// The discount code used, and what it took off.
    pub discount: Option<(String, i64)>,
    pub waiver_reason: Option<String>,
    /// One line, in the applicant's language, printed on the offer and the receipt.
    pub explanation: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PriceError {
    #[error("a waiver or a set price needs a reason")]
    NoReason,
    #[error("a waiver cannot be more than the fee")]
    WaiverTooLarge,
    #[error("an amount cannot be negative or zero")]
    NotPositive,
    #[error("a set price cannot be more than the fee")]
    AboveList,
}

/// The price of an offer from a tier's price and an adjustment.
pub fn price(
    tier_code: &str,
    tier_label: &str,
    list_cents: i64,
    adjustment: &Adjustment,
    locale: Locale,
) -> Result<Price, PriceError> {
    price_with_code(tier_code, tier_label, list_cents, None, adjustment, locale)
}

/// The price of an offer from a tier's price, a discount code (already checked, see
/// [`super::fees::check_code`]) and an organizer's adjustment. The code comes off the list price; a
/// waiver comes off what is left; a set price or a full waiver replaces both. The total is never
/// negative and never above the list price.
pub fn price_with_code(
    tier_code: &str,
    tier_label: &str,
    list_cents: i64,
    code: Option<(&str, DiscountKind)>,
    adjustment: &Adjustment,
    locale: Locale,
) -> Result<Price, PriceError> {
    let money = |c: i64| {
        Money::from_cents(c, Currency::Eur)
            .map(|m| m.display(locale))
            .unwrap_or_default()
    };
    let reason_of = |r: &str| {
        let r = r.trim();
        if r.is_empty() {
            Err(PriceError::NoReason)
        } else {
            Ok(r.to_owned())
        }
    };
    let list_cents = list_cents.max(0);
    let discount = code.map(|(c, kind)| (c.to_owned(), kind.cents_off(list_cents)));
    let after_code = list_cents - discount.as_ref().map_or(0, |d| d.1);
    let (total, reason, replaces) = match adjustment {
        Adjustment::None => (after_code, None, false),
        Adjustment::Waiver { cents, reason } => {
            if *cents <= 0 {
                return Err(PriceError::NotPositive);
            }
            if *cents > after_code {
                return Err(PriceError::WaiverTooLarge);
            }
            (after_code - cents, Some(reason_of(reason)?), false)
        }
        Adjustment::FullWaiver { reason } => (0, Some(reason_of(reason)?), true),
        Adjustment::SetPrice { cents, reason } => {
            if *cents < 0 {
                return Err(PriceError::NotPositive);
            }
            if *cents > list_cents {
                return Err(PriceError::AboveList);
            }
            (*cents, Some(reason_of(reason)?), true)
        }
    };
    // A set price or a full waiver replaces the code's discount: the code is then not used.
    let discount = if replaces { None } else { discount };
    let (colon, less, code_word) = match locale {
        Locale::En => (":", "less", "code"),
        Locale::Fr => ("\u{a0}:", "moins", "code"),
    };
    let mut explanation = format!("{tier_label}{colon} {}", money(list_cents));
    if let Some((c, off)) = &discount {
        explanation.push_str(&format!(", {less} {} ({code_word} {c})", money(*off)));
    }
    if let Some(r) = &reason {
        let base = list_cents - discount.as_ref().map_or(0, |d| d.1);
        explanation.push_str(&format!(", {less} {} ({r})", money(base - total)));
    }
    if discount.is_some() || reason.is_some() {
        explanation.push_str(&format!("{colon} {}", money(total)));
    }
    Ok(Price {
        tier_code: tier_code.to_owned(),
        list_cents,
        total_cents: total,
        discount,
        waiver_reason: reason,
        explanation,
    })
}

/// A payment reference people can read out on the phone: `SS-` and 8 characters from an alphabet
/// without look-alikes, from random bytes.
pub fn payment_reference(random: [u8; 8]) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let body: String = random
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    format!("SS-{}-{}", &body[..4], &body[4..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn deadlines_end_at_midnight_in_paris_in_winter_and_summer() {
        assert_eq!(
            payment_deadline(datetime!(2026-01-10 08:00 UTC), 14),
            datetime!(2026-01-24 23:59:59 +01:00)
        );
        assert_eq!(
            payment_deadline(datetime!(2026-06-01 23:30 UTC), 14),
            // 01:30 on 2 June in Paris already
            datetime!(2026-06-16 23:59:59 +02:00)
        );
        // Across the change to summer time (29 March 2026).
        assert_eq!(
            payment_deadline(datetime!(2026-03-20 12:00 UTC), 14),
            datetime!(2026-04-03 23:59:59 +02:00)
        );
    }

    #[test]
    fn each_reminder_goes_once_and_only_after_the_offer() {
        let offered = datetime!(2026-03-01 10:00 UTC);
        let deadline = datetime!(2026-03-15 22:59:59 UTC);
        assert_eq!(
            reminder_due(offered, deadline, None, datetime!(2026-03-05 10:00 UTC)),
            None
        );
        assert_eq!(
            reminder_due(offered, deadline, None, datetime!(2026-03-09 00:00 UTC)),
            Some(7)
        );
        assert_eq!(
            reminder_due(offered, deadline, Some(7), datetime!(2026-03-09 00:00 UTC)),
            None
        );
        assert_eq!(
            reminder_due(offered, deadline, Some(7), datetime!(2026-03-14 00:00 UTC)),
            Some(2)
        );
        // A worker down for two days sends only the nearest reminder.
        assert_eq!(
            reminder_due(offered, deadline, None, datetime!(2026-03-15 00:00 UTC)),
            Some(1)
        );
        assert_eq!(
            reminder_due(offered, deadline, Some(1), datetime!(2026-03-15 12:00 UTC)),
            None
        );
        assert_eq!(reminder_due(offered, deadline, None, deadline), None);
        // An offer made 3 days before its deadline: no 7-day reminder, but the 2-day one later.
        let late = datetime!(2026-03-12 23:00 UTC);
        assert_eq!(
            reminder_due(late, deadline, None, datetime!(2026-03-13 00:00 UTC)),
            None
        );
        assert_eq!(
            reminder_due(late, deadline, None, datetime!(2026-03-14 00:00 UTC)),
            Some(2)
        );
    }

    #[test]
    fn mean_scores_are_exact_hundredths() {
        assert_eq!(mean_score_hundredths(&[]), None);
        assert_eq!(mean_score_hundredths(&[4]), Some(400));
        assert_eq!(mean_score_hundredths(&[4, 4, 3]), Some(367));
        assert_eq!(mean_score_hundredths(&[5, 4]), Some(450));
        assert_eq!(mean_score_hundredths(&[1, 2, 2]), Some(167));
        assert_eq!(format_score(367), "3.67");
        assert_eq!(format_score(500), "5.00");
    }

    #[test]
    fn a_discount_code_comes_off_the_list_price_and_a_waiver_off_what_is_left() {
        let code = Some(("PARTNER-2026", DiscountKind::Percent(10)));
        let p = price_with_code(
            "standard",
            "Tuition fee",
            310_000,
            code,
            &Adjustment::None,
            Locale::En,
        )
        .unwrap();
        assert_eq!(p.total_cents, 279_000);
        assert_eq!(p.discount, Some(("PARTNER-2026".to_owned(), 31_000)));
        assert_eq!(
            p.explanation,
            "Tuition fee: €3,100, less €310 (code PARTNER-2026): €2,790"
        );
        let waiver = Adjustment::Waiver {
            cents: 79_000,
            reason: "bourse".into(),
        };
        let p = price_with_code("standard", "Frais", 310_000, code, &waiver, Locale::Fr).unwrap();
        assert_eq!(p.total_cents, 200_000);
        assert_eq!(
            p.explanation,
            "Frais\u{a0}: 3\u{202f}100\u{a0}€, moins 310\u{a0}€ (code PARTNER-2026), \
             moins 790\u{a0}€ (bourse)\u{a0}: 2\u{202f}000\u{a0}€"
        );
        // A waiver larger than what the code left is refused; a set price replaces the code.
        let too_much = Adjustment::Waiver {
            cents: 280_000,
            reason: "x".into(),
        };
        assert_eq!(
            price_with_code("s", "T", 310_000, code, &too_much, Locale::En),
            Err(PriceError::WaiverTooLarge)
        );
        let set = Adjustment::SetPrice {
            cents: 150_000,
            reason: "agreement".into(),
        };
        let p = price_with_code("s", "T", 310_000, code, &set, Locale::En).unwrap();
        assert_eq!((p.total_cents, p.discount), (150_000, None));
    }

    proptest::proptest! {
        /// Whatever the tier, code and adjustment, an accepted price is one of the amounts the rules
        /// allow, never negative and never above the list price.
        #[test]
        fn a_price_is_always_an_allowed_amount(
            list in 0i64..2_000_000,
            code in 0u8..3,
            percent in 1u8..=100,
            amount in -10i64..3_000_000,
            adjustment in 0u8..4,
            cents in -10i64..3_000_000,
        ) {
            let kind = match code {
                0 => None,
                1 => Some(DiscountKind::Percent(percent)),
                _ => Some(DiscountKind::Amount(amount)),
            };
            let off = kind.map_or(0, |k| k.cents_off(list));
            let reason = "reason".to_owned();
            let (adjustment, allowed) = match adjustment {
                0 => (Adjustment::None, list - off),
                1 => (Adjustment::Waiver { cents, reason }, list - off - cents),
                2 => (Adjustment::FullWaiver { reason }, 0),
                _ => (Adjustment::SetPrice { cents, reason }, cents),
            };
            let code = kind.map(|k| ("CODE", k));
            if let Ok(p) = price_with_code("t", "T", list, code, &adjustment, Locale::En) {
                proptest::prop_assert!(p.total_cents >= 0 && p.total_cents <= list);
                proptest::prop_assert_eq!(p.total_cents, allowed);
            }
        }
    }

    #[test]
    fn prices_come_from_the_tier_and_an_explained_adjustment() {
        let p = price(
            "standard",
            "Tuition fee",
            250_000,
            &Adjustment::None,
            Locale::En,
        )
        .unwrap();
        assert_eq!(p.total_cents, 250_000);
        assert_eq!(p.explanation, "Tuition fee: €2,500");
        let w = Adjustment::Waiver {
            cents: 50_000,
            reason: "partner scholarship".into(),
        };
        let p = price("standard", "Tuition fee", 250_000, &w, Locale::En).unwrap();
        assert_eq!(p.total_cents, 200_000);
        assert!(
            p.explanation.contains("partner scholarship"),
            "{}",
            p.explanation
        );
        let full = Adjustment::FullWaiver {
            reason: "faculty guest".into(),
        };
        assert_eq!(
            price("s", "T", 250_000, &full, Locale::Fr)
                .unwrap()
                .total_cents,
            0
        );
        let no_reason = Adjustment::FullWaiver {
            reason: "  ".into(),
        };
        assert_eq!(
            price("s", "T", 1, &no_reason, Locale::En),
            Err(PriceError::NoReason)
        );
        let too_much = Adjustment::Waiver {
            cents: 250_001,
            reason: "x".into(),
        };
        assert_eq!(
            price("s", "T", 250_000, &too_much, Locale::En),
            Err(PriceError::WaiverTooLarge)
        );
        let above = Adjustment::SetPrice {
            cents: 300_000,
            reason: "x".into(),
        };
        assert_eq!(
            price("s", "T", 250_000, &above, Locale::En),
            Err(PriceError::AboveList)
        );
    }

    #[test]
    fn payment_references_avoid_look_alikes() {
        let r = payment_reference([0, 1, 2, 3, 250, 251, 252, 255]);
        assert_eq!(r.len(), "SS-XXXX-XXXX".len());
        assert!(!r[3..].contains(['0', 'O', '1', 'I']), "{r}");
    }
}
