//! The fee engine: which of a program's tiers an applicant may have, and discount codes. Pure rules:
//! the catalog states the tiers, the store keeps the codes, and an offer freezes the result on its
//! order through [`super::offer::price`].

use time::OffsetDateTime;

use super::catalog::ApplicantCategory;

/// A fee tier's terms, as the catalog states them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierTerms {
    pub code: String,
    pub list_cents: i64,
    /// The tier everyone may have; a program has exactly one.
    pub standard: bool,
    /// Only for applicants of this category (students, residents…).
    pub category: Option<ApplicantCategory>,
    /// Only for applicants from a partner university.
    pub partner_only: bool,
    /// Early-bird style: only for applications sent before this instant (the catalog's date is the
    /// end of that day in Paris).
    pub available_until: Option<OffsetDateTime>,
}

/// What decides which tiers an applicant may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Eligibility {
    pub category: Option<ApplicantCategory>,
    pub partner: bool,
    /// When the application was sent: an early-bird price counts from the applicant's own action, not
    /// from the day an organizer happens to decide.
    pub sent_at: OffsetDateTime,
}

/// Why a tier is not open to an applicant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ineligible {
    Category,
    Partner,
    Ended,
}

impl Ineligible {
    /// The message key that explains it (review.ftl, main.ftl).
    pub fn key(self) -> &'static str {
        match self {
            Ineligible::Category => "fee-not-category",
            Ineligible::Partner => "fee-not-partner",
            Ineligible::Ended => "fee-ended",
        }
    }
}

/// Whether the applicant may have the tier.
pub fn eligibility(tier: &TierTerms, who: &Eligibility) -> Result<(), Ineligible> {
    if let Some(category) = tier.category
        && who.category != Some(category)
    {
        return Err(Ineligible::Category);
    }
    if tier.partner_only && !who.partner {
        return Err(Ineligible::Partner);
    }
    if let Some(until) = tier.available_until
        && who.sent_at >= until
    {
        return Err(Ineligible::Ended);
    }
    Ok(())
}

/// The tiers open to the applicant, in catalog order.
pub fn open_tiers<'t>(tiers: &'t [TierTerms], who: &Eligibility) -> Vec<&'t TierTerms> {
    tiers
        .iter()
        .filter(|t| eligibility(t, who).is_ok())
        .collect()
}

/// The tier an offer gets, and why the requested one was not granted if it was not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice<'t> {
    pub tier: &'t TierTerms,
    pub refused: Option<(String, Ineligible)>,
}

/// The tier asked for when the applicant may have it; otherwise the cheapest tier open to them (the
/// first in catalog order among equals), which is the standard tier at worst. `None` only when no
/// tier is open at all (a catalog without a standard tier, which the catalog parser refuses).
pub fn choose<'t>(
    tiers: &'t [TierTerms],
    requested: Option<&str>,
    who: &Eligibility,
) -> Option<Choice<'t>> {
    let mut refused = None;
    if let Some(code) = requested
        && let Some(tier) = tiers.iter().find(|t| t.code == code)
    {
        match eligibility(tier, who) {
            Ok(()) => {
                return Some(Choice {
                    tier,
                    refused: None,
                });
            }
            Err(why) => refused = Some((tier.code.clone(), why)),
        }
    }
    let cheapest = open_tiers(tiers, who)
        .into_iter()
        .min_by_key(|t| t.list_cents)?;
    Some(Choice {
        tier: cheapest,
        refused,
    })
}

/// What a discount code takes off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscountKind {
    /// A whole percentage, 1–100; the cents taken off are rounded down, so the discount is never more
    /// than the exact percentage.
    Percent(u8),
    /// A fixed amount in cents, at most the whole fee.
    Amount(i64),
}

impl DiscountKind {
    /// The cents taken off a fee of `list_cents`: never more than the fee, never negative.
    pub fn cents_off(self, list_cents: i64) -> i64 {
        let list = list_cents.max(0);
        match self {
            DiscountKind::Percent(p) => list * i64::from(p.min(100)) / 100,
            DiscountKind::Amount(cents) => cents.clamp(0, list),
        }
    }
}

/// A discount code as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscountTerms {
    pub code: String,
    pub kind: DiscountKind,
    /// `None`: every program of the edition.
    pub program_id: Option<String>,
    /// `None`: no limit; `Some(1)`: single use.
    pub max_uses: Option<u32>,
    pub uses: u32,
    pub expires_at: Option<OffsetDateTime>,
}

/// Why a code cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeRefusal {
    Malformed,
    Unknown,
    OtherProgram,
    Expired,
    UsedUp,
}

impl CodeRefusal {
    /// The message key shown next to the field.
    pub fn key(self) -> &'static str {
        match self {
            CodeRefusal::Malformed => "error-code-malformed",
            CodeRefusal::Unknown => "error-code-unknown",
            CodeRefusal::OtherProgram => "error-code-other-program",
            CodeRefusal::Expired => "error-code-expired",
            CodeRefusal::UsedUp => "error-code-used-up",
        }
    }
}

/// A code as typed, in its one stored form: trimmed, upper-case, 3–32 of `A–Z 0–9 -`.
pub fn normalize_code(typed: &str) -> Result<String, CodeRefusal> {
    let code = typed.trim().to_ascii_uppercase();
    let fits = (3..=32).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
    if fits {
        Ok(code)
    } else {
        Err(CodeRefusal::Malformed)
    }
}

/// Whether the code may be used on `program_id` at `at`.
pub fn check_code(
    code: &DiscountTerms,
    program_id: &str,
    at: OffsetDateTime,
) -> Result<(), CodeRefusal> {
    if code.program_id.as_deref().is_some_and(|p| p != program_id) {
        return Err(CodeRefusal::OtherProgram);
    }
    if code.expires_at.is_some_and(|e| at >= e) {
        return Err(CodeRefusal::Expired);
    }
    if code.max_uses.is_some_and(|m| code.uses >= m) {
        return Err(CodeRefusal::UsedUp);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::offer::end_of_paris_day;
    use time::macros::{date, datetime};

    fn tier(code: &str, cents: i64) -> TierTerms {
        TierTerms {
            code: code.into(),
            list_cents: cents,
            standard: false,
            category: None,
            partner_only: false,
            available_until: None,
        }
    }

    fn tiers() -> Vec<TierTerms> {
        vec![
            TierTerms {
                standard: true,
                ..tier("standard", 310_000)
            },
            TierTerms {
                category: Some(ApplicantCategory::MedicalStudent),
                ..tier("student", 250_000)
            },
            TierTerms {
                partner_only: true,
                ..tier("partner", 280_000)
            },
            TierTerms {
                available_until: Some(end_of_paris_day(date!(2026 - 03 - 31))),
                ..tier("early", 290_000)
            },
        ]
    }

    fn who(
        category: Option<ApplicantCategory>,
        partner: bool,
        sent_at: OffsetDateTime,
    ) -> Eligibility {
        Eligibility {
            category,
            partner,
            sent_at,
        }
    }

    #[test]
    fn tiers_open_by_category_partnership_and_date() {
        let t = tiers();
        let april = datetime!(2026-04-10 10:00 UTC);
        let codes = |w: &Eligibility| -> Vec<&str> {
            open_tiers(&t, w).iter().map(|t| t.code.as_str()).collect()
        };
        assert_eq!(codes(&who(None, false, april)), ["standard"]);
        assert_eq!(
            codes(&who(Some(ApplicantCategory::MedicalStudent), false, april)),
            ["standard", "student"]
        );
        assert_eq!(codes(&who(None, true, april)), ["standard", "partner"]);
        assert_eq!(
            codes(&who(None, false, datetime!(2026-03-01 10:00 UTC))),
            ["standard", "early"]
        );
    }

    #[test]
    fn the_early_bird_ends_at_midnight_in_paris() {
        let t = tiers();
        // 31 March 2026 is summer time in Paris (UTC+2): the day ends at 21:59:59 UTC.
        let last_second = who(None, false, datetime!(2026-03-31 23:59:58 +02:00));
        let midnight = who(None, false, datetime!(2026-04-01 00:00:00 +02:00));
        assert_eq!(eligibility(&t[3], &last_second), Ok(()));
        assert_eq!(eligibility(&t[3], &midnight), Err(Ineligible::Ended));
        // A sender in New York on the evening of the 31st is already past Paris' midnight.
        let new_york = who(None, false, datetime!(2026-03-31 19:00:00 -04:00));
        assert_eq!(eligibility(&t[3], &new_york), Err(Ineligible::Ended));
    }

    #[test]
    fn the_requested_tier_when_open_else_the_cheapest_open_one() {
        let t = tiers();
        let student = who(
            Some(ApplicantCategory::MedicalStudent),
            true,
            datetime!(2026-03-01 10:00 UTC),
        );
        let asked = choose(&t, Some("partner"), &student).unwrap();
        assert_eq!((asked.tier.code.as_str(), asked.refused), ("partner", None));
        let none = choose(&t, None, &student).unwrap();
        assert_eq!(none.tier.code, "student", "the cheapest open tier");

        let physician = who(
            Some(ApplicantCategory::Physician),
            false,
            datetime!(2026-05-01 10:00 UTC),
        );
        let refused = choose(&t, Some("student"), &physician).unwrap();
        assert_eq!(refused.tier.code, "standard");
        assert_eq!(
            refused.refused,
            Some(("student".to_owned(), Ineligible::Category))
        );
        let unknown = choose(&t, Some("gold"), &physician).unwrap();
        assert_eq!(
            (unknown.tier.code.as_str(), unknown.refused),
            ("standard", None)
        );
    }

    proptest::proptest! {
        /// The chosen tier is always open to the applicant, and is either the one asked for or the
        /// cheapest open one.
        #[test]
        fn the_chosen_tier_is_open_and_never_dearer_than_needed(
            category in 0usize..7,
            partner in proptest::bool::ANY,
            day in 0i64..200,
            requested in 0usize..5,
        ) {
            let t = tiers();
            let who = Eligibility {
                category: ApplicantCategory::ALL.get(category).copied(),
                partner,
                sent_at: datetime!(2026-01-01 12:00 UTC) + time::Duration::days(day),
            };
            let asked = t.get(requested).map(|t| t.code.as_str());
            let choice = choose(&t, asked, &who).expect("the standard tier is open to all");
            proptest::prop_assert_eq!(eligibility(choice.tier, &who), Ok(()));
            if Some(choice.tier.code.as_str()) != asked {
                let cheapest = open_tiers(&t, &who).iter().map(|t| t.list_cents).min();
                proptest::prop_assert_eq!(Some(choice.tier.list_cents), cheapest);
            }
        }
    }

    #[test]
    fn discounts_never_exceed_the_fee() {
        assert_eq!(DiscountKind::Percent(10).cents_off(310_000), 31_000);
        assert_eq!(
            DiscountKind::Percent(33).cents_off(1_001),
            330,
            "rounded down"
        );
        assert_eq!(DiscountKind::Percent(100).cents_off(250_000), 250_000);
        assert_eq!(DiscountKind::Amount(50_000).cents_off(250_000), 50_000);
        assert_eq!(DiscountKind::Amount(900_000).cents_off(250_000), 250_000);
        assert_eq!(DiscountKind::Amount(-5).cents_off(250_000), 0);
    }

    #[test]
    fn codes_are_checked_for_program_expiry_and_uses() {
        let code = DiscountTerms {
            code: "PARTNER-2026".into(),
            kind: DiscountKind::Percent(10),
            program_id: Some("p1".into()),
            max_uses: Some(1),
            uses: 0,
            expires_at: Some(end_of_paris_day(date!(2026 - 04 - 30))),
        };
        let before = datetime!(2026-04-30 12:00 UTC);
        assert_eq!(check_code(&code, "p1", before), Ok(()));
        assert_eq!(
            check_code(&code, "p2", before),
            Err(CodeRefusal::OtherProgram)
        );
        assert_eq!(
            check_code(&code, "p1", datetime!(2026-05-01 00:00 +02:00)),
            Err(CodeRefusal::Expired)
        );
        let used = DiscountTerms {
            uses: 1,
            ..code.clone()
        };
        assert_eq!(check_code(&used, "p1", before), Err(CodeRefusal::UsedUp));
        let everywhere = DiscountTerms {
            program_id: None,
            max_uses: None,
            uses: 40,
            ..code
        };
        assert_eq!(check_code(&everywhere, "p2", before), Ok(()));
    }

    #[test]
    fn codes_have_one_stored_form() {
        assert_eq!(normalize_code("  partner-2026 "), Ok("PARTNER-2026".into()));
        assert_eq!(normalize_code("ab"), Err(CodeRefusal::Malformed));
        assert_eq!(normalize_code("ÉTÉ2026"), Err(CodeRefusal::Malformed));
        assert_eq!(normalize_code("a b c"), Err(CodeRefusal::Malformed));
    }
}
