//! What a payment provider tells us, in one shape for every provider (Stripe's webhook events, the
//! simulated checkout's buttons), and what applying it did. The store applies an event once: its id is
//! kept in the same transaction as the change it causes.

/// One event from a provider about one checkout session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentEvent {
    /// `stripe` or `simulated`: event ids are unique per provider.
    pub provider: String,
    /// The provider's id for the event; a second delivery with the same id changes nothing.
    pub event_id: String,
    /// The provider's id for the checkout session (our `payment.provider_reference`); `None` for
    /// events about a charge (refunds, disputes), which name the payment intent instead.
    pub session: Option<String>,
    /// The provider's payment intent (Stripe), kept on the attempt when its session completes.
    pub intent: Option<String>,
    /// The order the session says it is for (Stripe: `client_reference_id`), checked against ours.
    pub order_id: Option<String>,
    /// What the provider says was charged, checked against the attempt before anything is enrolled.
    pub amount_cents: Option<i64>,
    pub currency: Option<String>,
    pub kind: PaymentEventKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentEventKind {
    /// The applicant finished the checkout: paid now (card), or not yet (a bank debit confirms later).
    Completed { paid: bool },
    /// A delayed payment went through.
    AsyncSucceeded,
    /// A delayed payment failed.
    AsyncFailed,
    /// The checkout session expired unpaid.
    Expired,
    /// Money went back to the applicant (from the provider's dashboard or ours).
    Refunded,
    /// The applicant's bank disputes the charge.
    Disputed,
}

impl PaymentEventKind {
    /// Stored with the event id, and shown in the audit trail.
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentEventKind::Completed { paid: true } => "completed_paid",
            PaymentEventKind::Completed { paid: false } => "completed_unpaid",
            PaymentEventKind::AsyncSucceeded => "async_succeeded",
            PaymentEventKind::AsyncFailed => "async_failed",
            PaymentEventKind::Expired => "expired",
            PaymentEventKind::Refunded => "refunded",
            PaymentEventKind::Disputed => "disputed",
        }
    }

    /// Whether the event says the money arrived.
    pub fn confirms(self) -> bool {
        matches!(
            self,
            PaymentEventKind::Completed { paid: true } | PaymentEventKind::AsyncSucceeded
        )
    }
}

/// What applying an event did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventOutcome {
    /// This event id was applied before: nothing changed.
    Duplicate,
    /// The order is paid and the application enrolled (exactly once, whatever arrives after).
    Enrolled { application_id: String },
    /// Nothing to change (an attempt already settled, a session we never opened, a late expiry).
    Unchanged,
    /// The attempt waits for its delayed payment.
    Pending,
    /// The attempt failed or expired; the offer still stands until its deadline.
    Closed,
    /// Money arrived that we cannot accept as it is (the order expired or was cancelled, or the
    /// amount, currency or order does not match): the order is flagged for finance, never enrolled.
    Flagged { attention: Attention },
}

/// Why finance must look at an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attention {
    /// Paid after the order expired or was cancelled: the money goes back.
    RefundDue,
    /// The provider's amount, currency or order differs from ours.
    Mismatch,
    /// The applicant's bank disputes the charge.
    Disputed,
    /// Money went back outside our own refund flow.
    Refunded,
}

impl Attention {
    pub const ALL: [Attention; 4] = [
        Attention::RefundDue,
        Attention::Mismatch,
        Attention::Disputed,
        Attention::Refunded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Attention::RefundDue => "refund_due",
            Attention::Mismatch => "mismatch",
            Attention::Disputed => "disputed",
            Attention::Refunded => "refunded",
        }
    }

    pub fn parse(text: &str) -> Option<Attention> {
        Attention::ALL.into_iter().find(|a| a.as_str() == text)
    }
}

/// Whether what the provider says was charged is what the attempt asked for. A missing amount or
/// currency (a provider that does not say) is not a mismatch; a different one is.
pub fn matches_attempt(
    event: &PaymentEvent,
    order_id: &str,
    amount_cents: i64,
    currency: &str,
) -> bool {
    event.order_id.as_deref().is_none_or(|o| o == order_id)
        && event.amount_cents.is_none_or(|a| a == amount_cents)
        && event
            .currency
            .as_deref()
            .is_none_or(|c| c.eq_ignore_ascii_case(currency))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(order: Option<&str>, amount: Option<i64>, currency: Option<&str>) -> PaymentEvent {
        PaymentEvent {
            provider: "stripe".into(),
            event_id: "evt_1".into(),
            session: Some("cs_1".into()),
            intent: None,
            order_id: order.map(Into::into),
            amount_cents: amount,
            currency: currency.map(Into::into),
            kind: PaymentEventKind::Completed { paid: true },
        }
    }

    #[test]
    fn the_charge_must_be_the_attempt() {
        assert!(matches_attempt(
            &event(Some("o1"), Some(310_000), Some("eur")),
            "o1",
            310_000,
            "EUR"
        ));
        assert!(matches_attempt(
            &event(None, None, None),
            "o1",
            310_000,
            "EUR"
        ));
        assert!(!matches_attempt(
            &event(Some("o2"), Some(310_000), Some("eur")),
            "o1",
            310_000,
            "EUR"
        ));
        assert!(!matches_attempt(
            &event(Some("o1"), Some(1), Some("eur")),
            "o1",
            310_000,
            "EUR"
        ));
        assert!(!matches_attempt(
            &event(Some("o1"), Some(310_000), Some("usd")),
            "o1",
            310_000,
            "EUR"
        ));
    }

    #[test]
    fn attention_round_trips() {
        for a in Attention::ALL {
            assert_eq!(Attention::parse(a.as_str()), Some(a));
        }
        assert_eq!(Attention::parse("other"), None);
    }
}
