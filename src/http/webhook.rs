//! `POST /webhooks/stripe`: Stripe's events, the single source of truth about payments. The signature
//! is checked on the raw body before anything reads it; the event is applied once (its id is stored in
//! the transaction that applies it); types we do not act on are acknowledged and ignored. A store
//! failure answers 500, so that Stripe delivers the event again later.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use time::OffsetDateTime;

use super::AppState;
use super::error::AppError;
use crate::config::PaymentProvider;
use crate::domain::payment::EventOutcome;
use crate::payments::{signature, stripe};

pub fn router() -> Router<AppState> {
    Router::new().route("/webhooks/stripe", post(stripe_webhook))
}

#[tracing::instrument(skip_all)]
async fn stripe_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let PaymentProvider::Stripe(settings) = &state.config.payment_provider else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let now = OffsetDateTime::now_utc();
    let header = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok());
    if let Err(e) = signature::verify(
        header,
        &body,
        settings.webhook_secret.expose(),
        now.unix_timestamp(),
    ) {
        tracing::warn!(reason = %e, "a webhook was refused");
        return (StatusCode::BAD_REQUEST, "invalid signature").into_response();
    }
    let event = match stripe::parse_event(&body) {
        Ok(Some(event)) => event,
        Ok(None) => return (StatusCode::OK, "ignored").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "a signed webhook could not be read");
            return (StatusCode::BAD_REQUEST, "unreadable event").into_response();
        }
    };
    match state
        .store
        .payments()
        .apply_payment_event(&event, now)
        .await
    {
        Ok(outcome) => {
            tracing::info!(event = %event.event_id, kind = event.kind.as_str(), outcome = ?outcome, "webhook applied");
            if matches!(outcome, EventOutcome::Enrolled { .. }) {
                state.wake_worker.notify_one();
            }
            (StatusCode::OK, "ok").into_response()
        }
        // Stripe delivers the event again later: 503 when the database is out of reach, 500
        // otherwise.
        Err(e) => match AppError::from(e) {
            AppError::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "try again").into_response(),
            e => {
                tracing::error!(error = ?e, event = %event.event_id, "a webhook could not be applied");
                (StatusCode::INTERNAL_SERVER_ERROR, "try again").into_response()
            }
        },
    }
}
