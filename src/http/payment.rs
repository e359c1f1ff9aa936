//! Paying an offer: the applicant's "Pay" button opens a checkout with the configured provider, the
//! simulated provider's checkout page, and the page the applicant comes back to, which only shows
//! the status as we know it (a provider's redirect proves nothing; its events do).

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use time::OffsetDateTime;

use super::AppState;
use super::application::html;
use super::auth::{self, RequireApplicant};
use super::error::AppError;
use super::lang::Lang;
use super::views::{Layout, MessageTemplate, PostButton};
use crate::domain::money::{Currency, Money};
use crate::domain::payment::{PaymentEvent, PaymentEventKind};
use crate::domain::status::{OrderStatus, PaymentStatus};
use crate::http::forms::{Button, CsrfForm};
use crate::i18n::Tr;
use crate::payments::{CheckoutRequest, checkout_expiry, simulated};
use crate::store::StoreError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/applications/{id}/pay", post(pay))
        .route("/applications/{id}/payments/{payment}", get(returned))
        .route(
            "/checkout/simulated/{payment}",
            get(simulated_page).post(simulated_outcome),
        )
}

fn money(cents: i64, tr: Tr) -> String {
    Money::from_cents(cents, Currency::Eur)
        .map(|m| m.display(tr.locale()))
        .unwrap_or_default()
}

/// Opens (or reopens) a checkout for the applicant's pending order and sends them to it.
async fn pay(
    State(state): State<AppState>,
    Lang(locale): Lang,
    RequireApplicant(applicant): RequireApplicant,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Button>,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    let now = OffsetDateTime::now_utc();
    let provider = state.payments.clone();
    let start = match state
        .store
        .payments()
        .start_payment(&applicant.applicant_id, &id, provider.name(), now)
        .await
    {
        Ok(s) => s,
        // Paid meanwhile, expired, withdrawn: the application's page says which.
        Err(StoreError::Refused(_)) => {
            return Ok(Redirect::to(&format!("/applications/{id}")).into_response());
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(url) = &start.open_checkout {
        return Ok(Redirect::to(url).into_response());
    }
    // Counted from when the attempt started: a second press for the same attempt asks the
    // provider with the same parameters, and its idempotency key gets the same checkout back.
    let Some(expires_at) = checkout_expiry(start.started_at, start.order_deadline) else {
        return message(&state, tr, &id, "payment-too-late", StatusCode::CONFLICT);
    };
    let base = &state.config.public_url;
    let request = CheckoutRequest {
        attempt: &start,
        return_url: format!("{base}/applications/{id}/payments/{}", start.payment_id),
        cancel_url: format!("{base}/applications/{id}"),
        expires_at,
    };
    let checkout = match provider.open_checkout(&request).await {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "opening a checkout failed");
            return message(
                &state,
                tr,
                &id,
                "payment-unavailable",
                StatusCode::SERVICE_UNAVAILABLE,
            );
        }
    };
    state
        .store
        .payments()
        .attach_checkout(
            &start.payment_id,
            &checkout.session,
            &checkout.url,
            checkout.expires_at,
            now,
        )
        .await?;
    Ok(Redirect::to(&checkout.url).into_response())
}

/// A short page about the application's payment, with the way back to it.
fn message(
    state: &AppState,
    tr: Tr,
    id: &str,
    key: &str,
    status: StatusCode,
) -> Result<Response, AppError> {
    let heading = tr.t("payment-title");
    let template = MessageTemplate {
        layout: Layout::new(tr, &format!("/applications/{id}"), &heading, &state.config),
        heading,
        paragraphs: vec![tr.t(key)],
        form: None,
        link: Some((format!("/applications/{id}"), tr.t("payment-back"))),
    };
    html(template, status, None)
}

/// Where a provider sends the applicant back: the attempt's status as we know it.
async fn returned(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireApplicant(applicant): RequireApplicant,
    Path((id, payment)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    let view = state
        .store
        .payments()
        .payment(&applicant.applicant_id, &payment)
        .await?;
    if view.application_id != id {
        return Err(AppError::NotFound);
    }
    let key = match (view.order_status, view.status) {
        // Money arrived that could not be taken as it is: finance checks it.
        (_, s) if !s.received() && view.held_cents > 0 => "payment-checking",
        (_, s) if !s.received() && view.given_back => "payment-refunded",
        (OrderStatus::Paid, _) => "payment-done",
        (_, PaymentStatus::Confirmed) => "payment-done",
        (_, PaymentStatus::Created | PaymentStatus::Pending) => "payment-waiting",
        (_, PaymentStatus::Failed) => "payment-failed",
        (_, PaymentStatus::Cancelled) => "payment-cancelled",
        (_, PaymentStatus::Refunded) => "payment-refunded",
    };
    let heading = tr.t("payment-title");
    let csrf = auth::issue_csrf(&state, &headers);
    let again = view.order_status == OrderStatus::Pending
        && view.held_cents <= 0
        && matches!(
            view.status,
            PaymentStatus::Failed | PaymentStatus::Cancelled
        );
    let template = MessageTemplate {
        layout: Layout::new(tr, &format!("/applications/{id}"), &heading, &state.config),
        heading,
        paragraphs: vec![
            tr.t1("payment-amount", "amount", money(view.amount_cents, tr)),
            tr.t(key),
        ],
        form: again.then(|| PostButton {
            action: format!("/applications/{id}/pay"),
            csrf: csrf.token,
            label: tr.t("payment-try-again"),
        }),
        link: Some((format!("/applications/{id}"), tr.t("payment-back"))),
    };
    html(template, StatusCode::OK, csrf.set_cookie)
}

#[derive(Template)]
#[template(path = "checkout_simulated.html")]
struct SimulatedTemplate {
    layout: Layout,
    heading: String,
    program: String,
    amount: String,
    action: String,
    csrf: String,
    choices: Vec<(&'static str, String, &'static str)>,
}

/// The simulated provider's checkout, for the attempt's applicant only.
async fn simulated_page(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireApplicant(applicant): RequireApplicant,
    Path(payment): Path<String>,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    // Only while the simulated provider is the configured one: with Stripe in production, an old
    // simulated attempt cannot be "paid" with a button.
    if state.payments.name() != simulated::NAME {
        return Err(AppError::NotFound);
    }
    let view = state
        .store
        .payments()
        .payment(&applicant.applicant_id, &payment)
        .await?;
    if view.provider != simulated::NAME {
        return Err(AppError::NotFound);
    }
    if view.status != PaymentStatus::Pending {
        let to = format!("/applications/{}/payments/{payment}", view.application_id);
        return Ok(Redirect::to(&to).into_response());
    }
    let heading = tr.t("checkout-title");
    let csrf = auth::issue_csrf(&state, &headers);
    let template = SimulatedTemplate {
        layout: Layout::new(
            tr,
            &format!("/checkout/simulated/{payment}"),
            &heading,
            &state.config,
        ),
        heading,
        program: view.program_title.get(locale).to_owned(),
        amount: money(view.amount_cents, tr),
        action: format!("/checkout/simulated/{payment}"),
        csrf: csrf.token,
        choices: vec![
            ("pay", tr.t("checkout-pay"), ""),
            ("fail", tr.t("checkout-fail"), "button--secondary"),
            ("cancel", tr.t("checkout-cancel"), "button--secondary"),
        ],
    };
    html(template, StatusCode::OK, csrf.set_cookie)
}

#[derive(serde::Deserialize)]
struct OutcomeForm {
    #[serde(default)]
    outcome: String,
}

/// A button of the simulated checkout: the event a real provider would send, applied the same way.
async fn simulated_outcome(
    State(state): State<AppState>,
    RequireApplicant(applicant): RequireApplicant,
    Path(payment): Path<String>,
    CsrfForm(f): CsrfForm<OutcomeForm>,
) -> Result<Response, AppError> {
    // Only while the simulated provider is the configured one: with Stripe in production, an old
    // simulated attempt cannot be "paid" with a button.
    if state.payments.name() != simulated::NAME {
        return Err(AppError::NotFound);
    }
    let view = state
        .store
        .payments()
        .payment(&applicant.applicant_id, &payment)
        .await?;
    if view.provider != simulated::NAME {
        return Err(AppError::NotFound);
    }
    let to = format!("/applications/{}/payments/{payment}", view.application_id);
    // An old tab's button: the attempt is settled, its page says how.
    if view.status != PaymentStatus::Pending {
        return Ok(Redirect::to(&to).into_response());
    }
    let kind = match f.outcome.as_str() {
        "pay" => PaymentEventKind::Completed { paid: true },
        "fail" => PaymentEventKind::AsyncFailed,
        "cancel" => PaymentEventKind::Expired,
        _ => {
            return Ok(Redirect::to(&format!("/checkout/simulated/{payment}")).into_response());
        }
    };
    let Some(session) = view.session.clone() else {
        return Err(AppError::NotFound);
    };
    let event = PaymentEvent {
        provider: simulated::NAME.to_owned(),
        event_id: format!("sim_evt_{}", auth::random_token()),
        session: Some(session),
        intent: None,
        refund: None,
        order_id: None,
        amount_cents: Some(view.amount_cents),
        currency: Some(view.currency.clone()),
        refunded_total_cents: None,
        kind,
    };
    state
        .store
        .payments()
        .apply_payment_event(&event, OffsetDateTime::now_utc())
        .await?;
    state.wake_worker.notify_one();
    Ok(Redirect::to(&to).into_response())
}
