//! A program's cancellation policy, from the catalog: a dated refund schedule (such as 100 % until
//! 60 days before the start, 50 % until 30, then nothing) and a visa-refusal clause (everything back
//! less a fixed fee). What a participant who cancels on a given day gets back is computed here, in
//! whole cents, rounded down. Pure.

use serde::{Deserialize, Serialize};
use time::{Date, Duration};

/// One rate of the schedule: `percent` of what was paid, when cancelling at least
/// `until_days_before` days before the first day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundStep {
    pub until_days_before: u16,
    pub percent: u8,
}

/// A program's policy.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CancellationPolicy {
    /// Most generous first: the days before the start go down, the rates too.
    pub steps: Vec<RefundStep>,
    /// With a refusal letter, until the first day: what was paid comes back less this fee.
    pub visa_refusal_fee_cents: Option<i64>,
}

/// Why a participant cancels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelReason {
    /// Their own choice (illness, change of plans).
    Choice,
    /// Their visa was refused (a refusal letter is needed).
    VisaRefused,
}

/// What the policy gives back on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefundQuote {
    /// The schedule's rate that applies (100 for a visa refusal).
    pub percent: u8,
    pub cents: i64,
    /// The last day this rate holds, when a lower one follows.
    pub holds_until: Option<Date>,
    /// The visa clause applied: `cents` is what was paid less its fee.
    pub visa_clause: bool,
}

/// Why a policy from a catalog is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("a rate is above 100 %")]
    Percent,
    #[error("the days before the start must go down from one rate to the next, and the rates too")]
    Order,
    #[error("the visa refusal fee cannot be negative")]
    Fee,
}

impl CancellationPolicy {
    /// Checks a schedule: rates of at most 100 %, days and rates going down.
    pub fn new(
        steps: Vec<RefundStep>,
        visa_refusal_fee_cents: Option<i64>,
    ) -> Result<Self, PolicyError> {
        if steps.iter().any(|s| s.percent > 100) {
            return Err(PolicyError::Percent);
        }
        let ordered = steps.windows(2).all(|w| {
            w[0].until_days_before > w[1].until_days_before && w[0].percent >= w[1].percent
        });
        if !ordered {
            return Err(PolicyError::Order);
        }
        if visa_refusal_fee_cents.is_some_and(|f| f < 0) {
            return Err(PolicyError::Fee);
        }
        Ok(CancellationPolicy {
            steps,
            visa_refusal_fee_cents,
        })
    }

    /// What cancelling on `today` gives back of `paid_cents`, for a school starting on
    /// `starts_on`. Once the school has started, nothing (finance may still grant an exception).
    pub fn quote(
        &self,
        paid_cents: i64,
        starts_on: Date,
        today: Date,
        reason: CancelReason,
    ) -> RefundQuote {
        let paid = paid_cents.max(0);
        if reason == CancelReason::VisaRefused
            && let Some(fee) = self.visa_refusal_fee_cents
            && today < starts_on
        {
            return RefundQuote {
                percent: 100,
                cents: (paid - fee).max(0),
                holds_until: Some(starts_on - Duration::days(1)),
                visa_clause: true,
            };
        }
        let deadline = |s: &RefundStep| starts_on - Duration::days(i64::from(s.until_days_before));
        match self.steps.iter().find(|s| today <= deadline(s)) {
            Some(step) => RefundQuote {
                percent: step.percent,
                cents: paid * i64::from(step.percent) / 100,
                holds_until: Some(deadline(step)),
                visa_clause: false,
            },
            None => RefundQuote {
                percent: 0,
                cents: 0,
                holds_until: None,
                visa_clause: false,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn policy() -> CancellationPolicy {
        CancellationPolicy::new(
            vec![
                RefundStep {
                    until_days_before: 60,
                    percent: 100,
                },
                RefundStep {
                    until_days_before: 30,
                    percent: 50,
                },
            ],
            Some(15_000),
        )
        .unwrap()
    }

    #[test]
    fn the_refund_follows_the_dated_schedule_on_each_side_of_each_date() {
        let start = date!(2026 - 07 - 06);
        let p = policy();
        let at = |d: Date| p.quote(310_001, start, d, CancelReason::Choice);
        // 60 days before: 7 May. Until then, all of it.
        assert_eq!(at(date!(2026 - 05 - 07)).cents, 310_001);
        assert_eq!(
            at(date!(2026 - 05 - 07)).holds_until,
            Some(date!(2026 - 05 - 07))
        );
        // The day after, half (rounded down to the cent), until 6 June.
        assert_eq!(at(date!(2026 - 05 - 08)).cents, 155_000);
        assert_eq!(at(date!(2026 - 06 - 06)).percent, 50);
        // Then nothing.
        assert_eq!(at(date!(2026 - 06 - 07)).cents, 0);
        assert_eq!(at(date!(2026 - 07 - 10)).cents, 0);
    }

    #[test]
    fn a_refused_visa_gives_everything_back_less_the_fee_until_the_first_day() {
        let start = date!(2026 - 07 - 06);
        let p = policy();
        let q = p.quote(
            310_000,
            start,
            date!(2026 - 06 - 20),
            CancelReason::VisaRefused,
        );
        assert_eq!((q.cents, q.visa_clause), (295_000, true));
        let late = p.quote(
            310_000,
            start,
            date!(2026 - 07 - 06),
            CancelReason::VisaRefused,
        );
        assert_eq!((late.cents, late.visa_clause), (0, false));
        // Without the clause, a refused visa follows the schedule.
        let none = CancellationPolicy::new(policy().steps, None).unwrap();
        assert_eq!(
            none.quote(
                310_000,
                start,
                date!(2026 - 06 - 20),
                CancelReason::VisaRefused
            )
            .cents,
            0
        );
    }

    #[test]
    fn a_schedule_out_of_order_is_refused() {
        let up = vec![
            RefundStep {
                until_days_before: 30,
                percent: 50,
            },
            RefundStep {
                until_days_before: 60,
                percent: 100,
            },
        ];
        assert_eq!(CancellationPolicy::new(up, None), Err(PolicyError::Order));
        let over = vec![RefundStep {
            until_days_before: 30,
            percent: 120,
        }];
        assert_eq!(
            CancellationPolicy::new(over, None),
            Err(PolicyError::Percent)
        );
    }
}
