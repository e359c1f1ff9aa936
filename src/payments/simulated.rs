//! The simulated provider of the embedded default and demos: its checkout is a page of this service
//! (`/checkout/simulated/{payment}`) with pay, fail and cancel buttons, which produce the same events a
//! real provider's webhook would, applied through the same store operation.

use async_trait::async_trait;

use super::{Checkout, CheckoutRequest, PaymentProvider, ProviderError, RefundRequest, RefundSent};

pub const NAME: &str = "simulated";

pub struct Simulated;

#[async_trait]
impl PaymentProvider for Simulated {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn open_checkout(
        &self,
        request: &CheckoutRequest<'_>,
    ) -> Result<Checkout, ProviderError> {
        let id = &request.attempt.payment_id;
        Ok(Checkout {
            session: format!("sim_{id}"),
            url: format!("/checkout/simulated/{id}"),
            expires_at: request.expires_at,
        })
    }

    /// No money moved, so giving it back is done at once.
    async fn refund(&self, request: &RefundRequest) -> Result<RefundSent, ProviderError> {
        Ok(RefundSent {
            reference: format!("sim_re_{}", request.refund_id),
            done: true,
        })
    }
}
