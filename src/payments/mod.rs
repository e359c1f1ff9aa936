//! Payments: the providers behind one trait (Stripe, and the simulated one of the embedded default),
//! and what their webhooks are checked with. A provider opens checkouts; what happened to them comes
//! back as [`crate::domain::payment::PaymentEvent`]s, which the store applies once each.

pub mod signature;
pub mod simulated;
pub mod stripe;

use async_trait::async_trait;
use time::{Duration, OffsetDateTime};

use crate::store::payments::PaymentStart;

/// Stripe keeps a checkout open between 30 minutes and 24 hours from its creation.
pub const CHECKOUT_MIN: Duration = Duration::minutes(30);
pub const CHECKOUT_MAX: Duration = Duration::hours(24);
/// Kept from both ends of that window: Stripe's clock and ours differ, and the session is created a
/// moment after `now` is read.
pub const CHECKOUT_MARGIN: Duration = Duration::minutes(5);

/// A checkout to open for an attempt.
#[derive(Debug, Clone)]
pub struct CheckoutRequest<'a> {
    pub attempt: &'a PaymentStart,
    /// Where the provider sends the applicant back (our page that reads the status from us).
    pub return_url: String,
    /// Where the applicant goes when they give up.
    pub cancel_url: String,
    pub expires_at: OffsetDateTime,
}

/// An open checkout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkout {
    /// The provider's session id (our `payment.provider_reference`).
    pub session: String,
    /// Where to send the applicant.
    pub url: String,
    pub expires_at: OffsetDateTime,
}

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// The provider did not answer, or answered with an error: try again later.
    #[error("the payment provider is unavailable: {0}")]
    Unavailable(String),
    /// The request cannot work as it is (no payment intent to refund): trying again will not help.
    #[error("the payment provider cannot do this: {0}")]
    Refused(String),
}

/// Money to give back on a confirmed payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundRequest {
    pub refund_id: String,
    /// The payment intent (Stripe) the money came through.
    pub intent: Option<String>,
    /// The checkout session, for providers that refund by session.
    pub session: Option<String>,
    pub amount_cents: i64,
    pub currency: String,
    /// One per refund: a retried request gives back the money once.
    pub idempotency_key: String,
}

/// What the provider did with a refund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundSent {
    /// The provider's id for the refund.
    pub reference: String,
    /// Done now; otherwise the provider's event says when.
    pub done: bool,
}

#[async_trait]
pub trait PaymentProvider: Send + Sync {
    /// `stripe` or `simulated`, as stored on each attempt.
    fn name(&self) -> &'static str;

    async fn open_checkout(&self, request: &CheckoutRequest<'_>)
    -> Result<Checkout, ProviderError>;

    async fn refund(&self, request: &RefundRequest) -> Result<RefundSent, ProviderError>;
}

/// When a checkout opened `now` closes: 24 hours later less the margin, or at the offer's deadline if
/// sooner; `None` when less than the provider's 30 minutes and the margin are left before the
/// deadline (a checkout never outlives its offer, so paying by card is over; the page says whom to
/// contact). Whole seconds, as the provider counts.
pub fn checkout_expiry(now: OffsetDateTime, deadline: OffsetDateTime) -> Option<OffsetDateTime> {
    let now = now.replace_nanosecond(0).unwrap_or(now);
    let until = (now + CHECKOUT_MAX - CHECKOUT_MARGIN).min(deadline);
    let until = until.replace_nanosecond(0).unwrap_or(until);
    (until - now >= CHECKOUT_MIN + CHECKOUT_MARGIN).then_some(until)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_checkout_never_outlives_its_offer() {
        let now = datetime!(2026-03-01 10:00 UTC);
        assert_eq!(
            checkout_expiry(now, datetime!(2026-03-14 22:59:59 UTC)),
            Some(datetime!(2026-03-02 09:55 UTC)),
            "24 hours less the margin"
        );
        assert_eq!(
            checkout_expiry(now, datetime!(2026-03-01 18:00 UTC)),
            Some(datetime!(2026-03-01 18:00 UTC))
        );
        assert_eq!(checkout_expiry(now, datetime!(2026-03-01 10:34 UTC)), None);
        assert_eq!(
            checkout_expiry(now, datetime!(2026-03-01 10:35 UTC)),
            Some(datetime!(2026-03-01 10:35 UTC)),
            "30 minutes and the margin"
        );
        // Read a moment into a second: still a whole second inside the window.
        let later = datetime!(2026-03-01 10:00:00.9 UTC);
        assert_eq!(
            checkout_expiry(later, datetime!(2026-03-09 00:00 UTC)),
            Some(datetime!(2026-03-02 09:55 UTC))
        );
    }
}
