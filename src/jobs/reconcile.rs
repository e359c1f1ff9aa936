//! Reconciliation: Stripe's checkout sessions of a period against our attempts of the same period,
//! every difference reported (ids and amounts only). Run by `payments reconcile` and by the worker.

use time::{Duration, OffsetDateTime};

use crate::domain::payment::{Difference, reconcile};
use crate::payments::stripe::{NAME, StripeProvider};
use crate::store::Store;

/// The differences over the last `days` days.
pub async fn differences(
    store: &dyn Store,
    stripe: &StripeProvider,
    days: u32,
    now: OffsetDateTime,
) -> anyhow::Result<Vec<Difference>> {
    let since = now - Duration::days(i64::from(days));
    let theirs = stripe.sessions_since(since).await?;
    let ours = store.attempts_since(NAME, since).await?;
    Ok(reconcile(&theirs, &ours))
}
