//! Stripe Checkout through async-stripe: a Checkout Session per attempt (one idempotency key per
//! attempt, so a retried request opens no second session), and the list of recent sessions that
//! reconciliation compares with our records. What happens to a session comes back through the
//! webhook (`http/webhook.rs`), never through the applicant's redirect.

use std::collections::HashMap;

use ::stripe::StripeRequest;
use async_trait::async_trait;
use stripe_checkout::checkout_session::{
    CreateCheckoutSession, CreateCheckoutSessionLineItems, CreateCheckoutSessionLineItemsPriceData,
    ListCheckoutSession, ProductData,
};
use stripe_checkout::{CheckoutSessionLocale, CheckoutSessionMode, CheckoutSessionPaymentStatus};
use time::OffsetDateTime;

use super::{Checkout, CheckoutRequest, PaymentProvider, ProviderError, RefundRequest, RefundSent};
use crate::domain::locale::Locale;
use crate::domain::payment::ProviderSession;

pub const NAME: &str = "stripe";

pub struct StripeProvider {
    client: ::stripe::Client,
}

impl StripeProvider {
    /// A client for `secret_key`; `api_base` points it at another address than Stripe's (the tests'
    /// stand-in). Nothing is sent until a checkout is opened.
    pub fn new(secret_key: &str, api_base: Option<&str>) -> Result<Self, ProviderError> {
        let mut builder = ::stripe::ClientBuilder::new(secret_key);
        if let Some(base) = api_base {
            // async-stripe joins paths onto the base: it must end with a slash.
            let base = if base.ends_with('/') {
                base.to_owned()
            } else {
                format!("{base}/")
            };
            builder = builder.url(base);
        }
        let client = builder
            .build()
            .map_err(|e| ProviderError::Unavailable(e.to_string()))?;
        Ok(StripeProvider { client })
    }

    /// The checkout sessions created since `since`, newest first, every page.
    pub async fn sessions_since(
        &self,
        since: OffsetDateTime,
    ) -> Result<Vec<ProviderSession>, ProviderError> {
        let mut found = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let mut request = ListCheckoutSession::new()
                .limit(100)
                .created(stripe_types::RangeQueryTs::gte(since.unix_timestamp()));
            if let Some(a) = &after {
                request = request.starting_after(a.clone());
            }
            let page = request
                .send(&self.client)
                .await
                .map_err(|e| ProviderError::Unavailable(e.to_string()))?;
            for s in &page.data {
                found.push(ProviderSession {
                    session: s.id.to_string(),
                    order_id: s.client_reference_id.clone(),
                    amount_cents: s.amount_total,
                    currency: s.currency.as_ref().map(|c| c.to_string()),
                    paid: s.payment_status == CheckoutSessionPaymentStatus::Paid,
                });
            }
            match (page.has_more, page.data.last()) {
                (true, Some(last)) => after = Some(last.id.to_string()),
                _ => break,
            }
        }
        Ok(found)
    }
}

#[async_trait]
impl PaymentProvider for StripeProvider {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn open_checkout(
        &self,
        request: &CheckoutRequest<'_>,
    ) -> Result<Checkout, ProviderError> {
        let a = request.attempt;
        let title = a.program_title.get(a.locale);
        let name = match &a.tier_label {
            Some(tier) => format!("{title} — {}", tier.get(a.locale)),
            None => title.to_owned(),
        };
        let mut price = CreateCheckoutSessionLineItemsPriceData::new(stripe_types::Currency::EUR);
        price.unit_amount = Some(a.amount_cents);
        price.product_data = Some(ProductData::new(name));
        let mut item = CreateCheckoutSessionLineItems::new();
        item.price_data = Some(price);
        item.quantity = Some(1);
        let metadata = HashMap::from([
            ("order_id".to_owned(), a.order_id.clone()),
            ("payment_id".to_owned(), a.payment_id.clone()),
            ("application_id".to_owned(), a.application_id.clone()),
            ("payment_reference".to_owned(), a.payment_reference.clone()),
        ]);
        let key = ::stripe::IdempotencyKey::new(&a.idempotency_key)
            .map_err(|e| ProviderError::Unavailable(e.to_string()))?;
        let session = CreateCheckoutSession::new()
            .mode(CheckoutSessionMode::Payment)
            .line_items(vec![item])
            .customer_email(a.applicant_email.clone())
            .client_reference_id(a.order_id.clone())
            .metadata(metadata)
            .locale(match a.locale {
                Locale::En => CheckoutSessionLocale::En,
                Locale::Fr => CheckoutSessionLocale::Fr,
            })
            .expires_at(request.expires_at.unix_timestamp())
            .success_url(request.return_url.clone())
            .cancel_url(request.cancel_url.clone())
            .customize()
            .request_strategy(::stripe::RequestStrategy::Idempotent(key))
            .send(&self.client)
            .await
            .map_err(|e| ProviderError::Unavailable(e.to_string()))?;
        let url = session
            .url
            .ok_or_else(|| ProviderError::Unavailable("the session has no url".into()))?;
        Ok(Checkout {
            session: session.id.to_string(),
            url,
            expires_at: OffsetDateTime::from_unix_timestamp(session.expires_at)
                .unwrap_or(request.expires_at),
        })
    }

    async fn refund(&self, request: &RefundRequest) -> Result<RefundSent, ProviderError> {
        self.create_refund(request).await
    }
}

impl StripeProvider {
    /// A refund on the payment intent, with our refund in its metadata; the idempotency key makes a
    /// retried request give the money back once.
    async fn create_refund(&self, r: &RefundRequest) -> Result<RefundSent, ProviderError> {
        let Some(intent) = &r.intent else {
            return Err(ProviderError::Refused(
                "the payment has no payment intent to refund".into(),
            ));
        };
        let key = ::stripe::IdempotencyKey::new(&r.idempotency_key)
            .map_err(|e| ProviderError::Unavailable(e.to_string()))?;
        let refund = stripe_core::refund::CreateRefund::new()
            .payment_intent(intent.clone())
            .amount(r.amount_cents)
            .metadata(HashMap::from([(
                "refund_id".to_owned(),
                r.refund_id.clone(),
            )]))
            .customize()
            .request_strategy(::stripe::RequestStrategy::Idempotent(key))
            .send(&self.client)
            .await
            .map_err(|e| ProviderError::Unavailable(e.to_string()))?;
        Ok(RefundSent {
            reference: refund.id.to_string(),
            done: refund.status.as_deref() == Some("succeeded"),
        })
    }
}

/// The parts of a Stripe event the webhook reads.
#[derive(serde::Deserialize)]
struct RawEvent {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    data: RawData,
}

#[derive(serde::Deserialize)]
struct RawData {
    object: RawObject,
}

/// A checkout session, a charge, a refund or a dispute: the fields of each that matter here.
#[derive(serde::Deserialize)]
struct RawObject {
    id: Option<String>,
    client_reference_id: Option<String>,
    amount_total: Option<i64>,
    currency: Option<String>,
    payment_status: Option<String>,
    payment_intent: Option<serde_json::Value>,
    status: Option<String>,
    /// A charge's total refunded so far (ours and any made in Stripe's dashboard).
    amount_refunded: Option<i64>,
    /// Ours, on the refunds we create: `refund_id`.
    metadata: Option<HashMap<String, String>>,
}

/// Why a webhook body could not be read.
#[derive(Debug, thiserror::Error)]
#[error("not a Stripe event: {0}")]
pub struct EventError(String);

/// The event a signed webhook body carries, in the providers' common shape; `None` for the types we do
/// not act on (they are acknowledged and ignored).
pub fn parse_event(
    body: &[u8],
) -> Result<Option<crate::domain::payment::PaymentEvent>, EventError> {
    use crate::domain::payment::{PaymentEvent, PaymentEventKind};
    let raw: RawEvent = serde_json::from_slice(body).map_err(|e| EventError(e.to_string()))?;
    let o = raw.data.object;
    // `payment_intent` is an id, or the whole object when expanded.
    let intent = match &o.payment_intent {
        Some(serde_json::Value::String(id)) => Some(id.clone()),
        Some(serde_json::Value::Object(m)) => {
            m.get("id").and_then(|v| v.as_str()).map(str::to_owned)
        }
        _ => None,
    };
    let session_event = |kind| PaymentEvent {
        provider: NAME.to_owned(),
        event_id: raw.id.clone(),
        session: o.id.clone(),
        intent: intent.clone(),
        refund: None,
        order_id: o.client_reference_id.clone(),
        amount_cents: o.amount_total,
        currency: o.currency.clone(),
        refunded_total_cents: None,
        kind,
    };
    let charge_event = |kind, refund: Option<String>| PaymentEvent {
        provider: NAME.to_owned(),
        event_id: raw.id.clone(),
        session: None,
        intent: intent.clone(),
        refund,
        order_id: None,
        amount_cents: None,
        currency: None,
        refunded_total_cents: o.amount_refunded,
        kind,
    };
    let event = match raw.kind.as_str() {
        "checkout.session.completed" => {
            let paid = matches!(
                o.payment_status.as_deref(),
                Some("paid" | "no_payment_required")
            );
            Some(session_event(PaymentEventKind::Completed { paid }))
        }
        "checkout.session.async_payment_succeeded" => {
            Some(session_event(PaymentEventKind::AsyncSucceeded))
        }
        "checkout.session.async_payment_failed" => {
            Some(session_event(PaymentEventKind::AsyncFailed))
        }
        "checkout.session.expired" => Some(session_event(PaymentEventKind::Expired)),
        // A charge refunded (by us or from Stripe's dashboard): the store tells the two apart.
        "charge.refunded" => Some(charge_event(PaymentEventKind::Refunded, None)),
        // A refund of ours that went through: the object is the refund, named in its metadata.
        // One made elsewhere (Stripe's dashboard) is counted from the `charge.refunded` that
        // comes with it, which says how much of the charge has been given back in all.
        "refund.created" | "refund.updated" if o.status.as_deref() == Some("succeeded") => o
            .metadata
            .as_ref()
            .and_then(|m| m.get("refund_id"))
            .cloned()
            .map(|ours| charge_event(PaymentEventKind::Refunded, Some(ours))),
        "charge.dispute.created" => Some(charge_event(PaymentEventKind::Disputed, None)),
        _ => None,
    };
    if let Some(e) = &event
        && e.session.is_none()
        && e.intent.is_none()
    {
        return Err(EventError(format!(
            "{} names no session and no payment intent",
            raw.kind
        )));
    }
    Ok(event)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::payment::PaymentEventKind;

    fn body(kind: &str, object: serde_json::Value) -> Vec<u8> {
        serde_json::to_vec(&serde_json::json!({
            "id": "evt_1", "object": "event", "type": kind, "data": { "object": object }
        }))
        .unwrap()
    }

    #[test]
    fn session_events_carry_what_is_checked_before_enrolling() {
        let session = serde_json::json!({
            "id": "cs_test_1", "object": "checkout.session", "client_reference_id": "order-1",
            "amount_total": 310000, "currency": "eur", "payment_status": "paid",
            "payment_intent": "pi_1", "status": "complete"
        });
        let e = parse_event(&body("checkout.session.completed", session.clone()))
            .unwrap()
            .unwrap();
        assert_eq!(e.kind, PaymentEventKind::Completed { paid: true });
        assert_eq!(
            (
                e.session.as_deref(),
                e.intent.as_deref(),
                e.order_id.as_deref(),
                e.amount_cents
            ),
            (
                Some("cs_test_1"),
                Some("pi_1"),
                Some("order-1"),
                Some(310_000)
            )
        );
        let mut unpaid = session.clone();
        unpaid["payment_status"] = "unpaid".into();
        let e = parse_event(&body("checkout.session.completed", unpaid))
            .unwrap()
            .unwrap();
        assert_eq!(e.kind, PaymentEventKind::Completed { paid: false });
        let e = parse_event(&body("checkout.session.expired", session))
            .unwrap()
            .unwrap();
        assert_eq!(e.kind, PaymentEventKind::Expired);
    }

    #[test]
    fn charge_events_name_the_intent_and_unknown_types_are_ignored() {
        let charge = serde_json::json!({ "id": "ch_1", "object": "charge", "payment_intent": "pi_1",
                                         "amount": 310_000, "amount_refunded": 100_000 });
        let e = parse_event(&body("charge.refunded", charge.clone()))
            .unwrap()
            .unwrap();
        assert_eq!(
            (
                e.kind,
                e.session,
                e.intent.as_deref(),
                e.refunded_total_cents
            ),
            (
                PaymentEventKind::Refunded,
                None,
                Some("pi_1"),
                Some(100_000)
            )
        );
        let e = parse_event(&body("charge.dispute.created", charge.clone()))
            .unwrap()
            .unwrap();
        assert_eq!(e.kind, PaymentEventKind::Disputed);
        assert!(
            parse_event(&body("customer.created", charge))
                .unwrap()
                .is_none()
        );
        let pending =
            serde_json::json!({ "id": "re_1", "payment_intent": "pi_1", "status": "pending" });
        assert!(
            parse_event(&body("refund.updated", pending))
                .unwrap()
                .is_none()
        );
        // A refund that went through names ours when we started it; one made elsewhere is
        // counted from its charge's `charge.refunded`.
        let ours = serde_json::json!({ "id": "re_1", "payment_intent": "pi_1", "status": "succeeded",
                                       "metadata": { "refund_id": "r-42" } });
        let e = parse_event(&body("refund.updated", ours)).unwrap().unwrap();
        assert_eq!(
            (e.kind, e.intent.as_deref(), e.refund.as_deref()),
            (PaymentEventKind::Refunded, Some("pi_1"), Some("r-42"))
        );
        let elsewhere = serde_json::json!({ "id": "re_2", "payment_intent": "pi_1", "status": "succeeded",
                                            "metadata": {} });
        assert!(
            parse_event(&body("refund.created", elsewhere))
                .unwrap()
                .is_none()
        );
        assert!(parse_event(b"not json").is_err());
        let nameless = serde_json::json!({ "id": "ch_2", "object": "charge" });
        assert!(parse_event(&body("charge.refunded", nameless)).is_err());
    }
}
