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
    /// For refund events: our refund's id, when the refund is one we started (Stripe: the refund's
    /// `metadata.refund_id`). A refund without it was made elsewhere (the provider's dashboard).
    pub refund: Option<String>,
    /// The order the session says it is for (Stripe: `client_reference_id`), checked against ours.
    pub order_id: Option<String>,
    /// What the provider says was charged, checked against the attempt before anything is enrolled.
    pub amount_cents: Option<i64>,
    pub currency: Option<String>,
    /// For refund events about a charge: how much of it the provider has given back in all
    /// (Stripe: the charge's `amount_refunded`), ours and any made in its dashboard.
    pub refunded_total_cents: Option<i64>,
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
    /// A refund we started is done: its credit note is issued.
    RefundCompleted { application_id: String },
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

/// Whether what the provider says was charged is what the attempt asked for: the same amount in
/// the same currency, both stated (an event that does not say what was charged never confirms a
/// payment), for the same order when it names one.
pub fn matches_attempt(
    event: &PaymentEvent,
    order_id: &str,
    amount_cents: i64,
    currency: &str,
) -> bool {
    event.order_id.as_deref().is_none_or(|o| o == order_id)
        && event.amount_cents == Some(amount_cents)
        && event
            .currency
            .as_deref()
            .is_some_and(|c| c.eq_ignore_ascii_case(currency))
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
            refund: None,
            order_id: order.map(Into::into),
            amount_cents: amount,
            currency: currency.map(Into::into),
            refunded_total_cents: None,
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
            &event(None, Some(310_000), Some("EUR")),
            "o1",
            310_000,
            "EUR"
        ));
        // What was charged must be said: without the amount or the currency, no match.
        for (amount, currency) in [(None, Some("eur")), (Some(310_000), None), (None, None)] {
            assert!(!matches_attempt(
                &event(Some("o1"), amount, currency),
                "o1",
                310_000,
                "EUR"
            ));
        }
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

/// A checkout session as the provider lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderSession {
    pub session: String,
    pub order_id: Option<String>,
    pub amount_cents: Option<i64>,
    pub currency: Option<String>,
    pub paid: bool,
}

/// An attempt as we recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedAttempt {
    pub payment_id: String,
    pub session: String,
    pub order_id: String,
    pub amount_cents: i64,
    pub currency: String,
    /// Whether we hold the payment as confirmed (or confirmed then refunded).
    pub confirmed: bool,
}

/// A difference between the provider's records and ours. Ids and amounts only: a report can be
/// printed, logged, kept and emailed without personal data.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Difference {
    /// The provider has a session we never opened.
    UnknownSession { session: String },
    /// Paid at the provider, not confirmed here: a webhook that never arrived or failed.
    PaidNotConfirmed { session: String, payment_id: String },
    /// Confirmed here, not paid at the provider.
    ConfirmedNotPaid { session: String, payment_id: String },
    /// The amount, currency or order differs.
    Mismatch {
        session: String,
        payment_id: String,
        ours: String,
        theirs: String,
    },
    /// We opened it; the provider's list for the period does not have it.
    MissingAtProvider { session: String, payment_id: String },
}

impl Difference {
    /// The message that says it in a reader's language, with [`Difference::args`].
    pub fn message_key(&self) -> &'static str {
        match self {
            Difference::UnknownSession { .. } => "reconcile-unknown-session",
            Difference::PaidNotConfirmed { .. } => "reconcile-paid-not-confirmed",
            Difference::ConfirmedNotPaid { .. } => "reconcile-confirmed-not-paid",
            Difference::Mismatch { .. } => "reconcile-mismatch",
            Difference::MissingAtProvider { .. } => "reconcile-missing-at-provider",
        }
    }

    /// The session, our attempt, and for a mismatch what each side says.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Difference::UnknownSession { session } => vec![("session", session.clone())],
            Difference::PaidNotConfirmed {
                session,
                payment_id,
            }
            | Difference::ConfirmedNotPaid {
                session,
                payment_id,
            }
            | Difference::MissingAtProvider {
                session,
                payment_id,
            } => vec![
                ("session", session.clone()),
                ("payment", payment_id.clone()),
            ],
            Difference::Mismatch {
                session,
                payment_id,
                ours,
                theirs,
            } => vec![
                ("session", session.clone()),
                ("payment", payment_id.clone()),
                ("ours", ours.clone()),
                ("theirs", theirs.clone()),
            ],
        }
    }
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Difference::UnknownSession { session } => {
                write!(f, "{session}: at the provider, unknown here")
            }
            Difference::PaidNotConfirmed {
                session,
                payment_id,
            } => write!(
                f,
                "{session}: paid at the provider, not confirmed here (attempt {payment_id})"
            ),
            Difference::ConfirmedNotPaid {
                session,
                payment_id,
            } => write!(
                f,
                "{session}: confirmed here (attempt {payment_id}), not paid at the provider"
            ),
            Difference::Mismatch {
                session,
                payment_id,
                ours,
                theirs,
            } => write!(
                f,
                "{session}: ours {ours}, theirs {theirs} (attempt {payment_id})"
            ),
            Difference::MissingAtProvider {
                session,
                payment_id,
            } => write!(
                f,
                "{session}: opened here (attempt {payment_id}), not in the provider's list"
            ),
        }
    }
}

/// Every difference between the provider's sessions and our attempts of the same period.
pub fn reconcile(theirs: &[ProviderSession], ours: &[RecordedAttempt]) -> Vec<Difference> {
    use std::collections::HashMap;
    let by_session: HashMap<&str, &RecordedAttempt> =
        ours.iter().map(|a| (a.session.as_str(), a)).collect();
    let listed: std::collections::HashSet<&str> =
        theirs.iter().map(|s| s.session.as_str()).collect();
    let mut found = Vec::new();
    for s in theirs {
        let Some(a) = by_session.get(s.session.as_str()) else {
            found.push(Difference::UnknownSession {
                session: s.session.clone(),
            });
            continue;
        };
        let event = PaymentEvent {
            provider: String::new(),
            event_id: String::new(),
            session: Some(s.session.clone()),
            intent: None,
            refund: None,
            order_id: s.order_id.clone(),
            amount_cents: s.amount_cents,
            currency: s.currency.clone(),
            refunded_total_cents: None,
            kind: PaymentEventKind::Completed { paid: s.paid },
        };
        if !matches_attempt(&event, &a.order_id, a.amount_cents, &a.currency) {
            found.push(Difference::Mismatch {
                session: s.session.clone(),
                payment_id: a.payment_id.clone(),
                ours: format!("{} {} order {}", a.amount_cents, a.currency, a.order_id),
                theirs: format!(
                    "{} {} order {}",
                    s.amount_cents.map_or("?".into(), |c| c.to_string()),
                    s.currency.as_deref().unwrap_or("?"),
                    s.order_id.as_deref().unwrap_or("?")
                ),
            });
        }
        match (s.paid, a.confirmed) {
            (true, false) => found.push(Difference::PaidNotConfirmed {
                session: s.session.clone(),
                payment_id: a.payment_id.clone(),
            }),
            (false, true) => found.push(Difference::ConfirmedNotPaid {
                session: s.session.clone(),
                payment_id: a.payment_id.clone(),
            }),
            _ => {}
        }
    }
    for a in ours {
        if !listed.contains(a.session.as_str()) {
            found.push(Difference::MissingAtProvider {
                session: a.session.clone(),
                payment_id: a.payment_id.clone(),
            });
        }
    }
    found
}

#[cfg(test)]
mod reconcile_tests {
    use super::*;

    fn theirs(session: &str, paid: bool, cents: i64) -> ProviderSession {
        ProviderSession {
            session: session.into(),
            order_id: Some(format!("o-{session}")),
            amount_cents: Some(cents),
            currency: Some("eur".into()),
            paid,
        }
    }

    fn ours(session: &str, confirmed: bool) -> RecordedAttempt {
        RecordedAttempt {
            payment_id: format!("p-{session}"),
            session: session.into(),
            order_id: format!("o-{session}"),
            amount_cents: 310_000,
            currency: "EUR".into(),
            confirmed,
        }
    }

    #[test]
    fn every_kind_of_difference_is_found_and_agreement_is_silent() {
        let found = reconcile(
            &[
                theirs("cs_same", true, 310_000),
                theirs("cs_open", false, 310_000),
                theirs("cs_missed", true, 310_000),
                theirs("cs_unpaid", false, 310_000),
                theirs("cs_other", true, 10),
                theirs("cs_stranger", true, 310_000),
            ],
            &[
                ours("cs_same", true),
                ours("cs_open", false),
                ours("cs_missed", false),
                ours("cs_unpaid", true),
                ours("cs_other", true),
                ours("cs_gone", false),
            ],
        );
        let lines: Vec<String> = found.iter().map(ToString::to_string).collect();
        assert_eq!(found.len(), 5, "{lines:#?}");
        assert!(found.contains(&Difference::PaidNotConfirmed {
            session: "cs_missed".into(),
            payment_id: "p-cs_missed".into()
        }));
        assert!(found.contains(&Difference::ConfirmedNotPaid {
            session: "cs_unpaid".into(),
            payment_id: "p-cs_unpaid".into()
        }));
        assert!(matches!(&found[2], Difference::Mismatch { session, .. } if session == "cs_other"));
        assert!(found.contains(&Difference::UnknownSession {
            session: "cs_stranger".into()
        }));
        assert!(found.contains(&Difference::MissingAtProvider {
            session: "cs_gone".into(),
            payment_id: "p-cs_gone".into()
        }));
    }
}
