//! The finance office's page (`Permission::Finance`): the orders flagged for them (paid after the
//! deadline, a mismatch, a dispute, money given back elsewhere) and the orders with refunds, each
//! with a refund form; and every refund with its state. A refund is recorded, audited and queued in
//! one transaction; the worker asks the provider (see `store::finance::start_refund`).

use crate::domain::ledger::Balance;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use time::OffsetDateTime;

use super::auth::{Organizer, RequireOrganizer};
use super::dashboard::nav;
use super::views::{FinanceOrderRow, FinancePage, FinanceRefundRow, page};
use crate::domain::access::Permission;
use crate::domain::calendar::format_paris_datetime;
use crate::domain::money::{Currency, Money};
use crate::domain::problem::Problem;
use crate::domain::refund::{RefundAsked, RefundDraft, parse_refund};
use crate::domain::refusal::Refusal;
use crate::domain::status::{ApplicationStatus, OrderStatus};
use crate::http::AppState;
use crate::http::auth as site_auth;
use crate::http::error::AppError;
use crate::http::forms::CsrfForm;
use crate::http::lang::Lang;
use crate::http::views::{FieldError, Layout};
use crate::i18n::Tr;
use crate::store::StoreError;

const PATH: &str = "/organizer/finance";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(PATH, get(overview))
        .route("/organizer/finance/orders/{order}/refund", post(refund))
        .route(
            "/organizer/finance/orders/{order}/write-off",
            post(write_off),
        )
}

#[derive(Deserialize)]
struct Done {
    done: Option<String>,
}

/// A refund form that was refused: for which order, what was typed, what is wrong.
struct Refused {
    order_id: String,
    draft: RefundDraft,
    problems: Vec<Problem>,
}

impl Refused {
    fn error(&self, tr: Tr, field: &str) -> Option<String> {
        self.problems
            .iter()
            .find(|p| p.field == field)
            .map(|p| tr.problem(p))
    }
}

/// Why the store would not refund or cancel, next to the field to fix.
fn refusal_problem(why: Refusal) -> Problem {
    match why {
        Refusal::NotEnrolled => Problem::new("cancel", "finance-error-not-enrolled"),
        Refusal::NotPaid => Problem::new("amount", "finance-error-not-paid"),
        Refusal::NoReason => Problem::new("reason", "finance-error-reason"),
        _ => Problem::new("amount", "finance-error-too-much"),
    }
}

fn money(tr: Tr, cents: i64) -> String {
    Money::from_cents(cents.max(0), Currency::Eur)
        .map(|m| m.display(tr.locale()))
        .unwrap_or_default()
}

/// Cents as the amount field shows them: `3100.00`.
fn decimal(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// A write-off form that was refused: for which order, the reason typed, what is wrong.
struct WriteOffRefused {
    order_id: String,
    reason: String,
    message: String,
}

async fn render(
    state: &AppState,
    tr: Tr,
    headers: &HeaderMap,
    organizer: &Organizer,
    refused: Option<Refused>,
    notice: Option<String>,
) -> Result<Response, AppError> {
    render_with(state, tr, headers, organizer, refused, None, notice).await
}

async fn render_with(
    state: &AppState,
    tr: Tr,
    headers: &HeaderMap,
    organizer: &Organizer,
    refused: Option<Refused>,
    write_off_refused: Option<WriteOffRefused>,
    notice: Option<String>,
) -> Result<Response, AppError> {
    let overview = state.store.finance().finance_overview().await?;
    let orders = overview
        .orders
        .iter()
        .map(|o| {
            let left = o.refundable_cents();
            let cancellable = o.application_status == ApplicationStatus::Enrolled;
            let mine = refused.as_ref().filter(|r| r.order_id == o.order_id);
            let status = match o.order_status {
                OrderStatus::Pending => "finance-order-pending",
                OrderStatus::Paid => "finance-order-paid",
                OrderStatus::Expired => "finance-order-expired",
                OrderStatus::Cancelled => "finance-order-cancelled",
            };
            FinanceOrderRow {
                order_id: o.order_id.clone(),
                applicant: o.applicant_name.clone(),
                email: o.applicant_email.clone(),
                program: o.program_title.get(tr.locale()).to_owned(),
                status: tr.t(status),
                attention: o
                    .attention
                    .map(|a| tr.t(&format!("finance-attention-{}", a.as_str()))),
                total: money(tr, o.total_cents),
                paid: money(tr, o.paid_cents),
                refunded: money(tr, o.refunded_cents()),
                policy_hint: o
                    .cancellation
                    .as_ref()
                    .filter(|_| cancellable && o.held_cents > 0)
                    .map(|(policy, starts_on)| {
                        let today =
                            crate::domain::calendar::to_paris(OffsetDateTime::now_utc()).date();
                        let q = policy.quote(
                            o.held_cents,
                            *starts_on,
                            today,
                            crate::domain::cancellation::CancelReason::Choice,
                        );
                        tr.t_args(
                            "finance-policy-today",
                            &[
                                ("amount", money(tr, q.cents).into()),
                                ("percent", i64::from(q.percent).into()),
                            ],
                        )
                    }),
                write_off_action: match o.balance() {
                    Balance::Due(_)
                        if o.held_cents > 0
                            && matches!(
                                o.order_status,
                                OrderStatus::Pending | OrderStatus::Paid
                            ) =>
                    {
                        Some(format!(
                            "/organizer/finance/orders/{}/write-off",
                            o.order_id
                        ))
                    }
                    _ => None,
                },
                write_off_label: match o.balance() {
                    Balance::Due(cents) => tr.t1("finance-write-off", "amount", money(tr, cents)),
                    _ => String::new(),
                },
                write_off_reason: write_off_refused
                    .as_ref()
                    .filter(|w| w.order_id == o.order_id)
                    .map(|w| w.reason.clone())
                    .unwrap_or_default(),
                write_off_error: write_off_refused
                    .as_ref()
                    .filter(|w| w.order_id == o.order_id)
                    .map(|w| w.message.clone()),
                balance: match o.balance() {
                    Balance::Settled => tr.t("finance-balance-settled"),
                    Balance::Due(cents) => tr.t1("finance-balance-due", "amount", money(tr, cents)),
                    Balance::Overpaid(cents) => {
                        tr.t1("finance-balance-over", "amount", money(tr, cents))
                    }
                },
                refund_action: (left > 0 || cancellable)
                    .then(|| format!("/organizer/finance/orders/{}/refund", o.order_id)),
                refundable: left > 0,
                cancellable,
                cancel_checked: mine.is_some_and(|r| r.draft.cancels()),
                amount: mine.map_or_else(|| decimal(left.max(0)), |r| r.draft.amount.clone()),
                amount_error: mine.and_then(|r| r.error(tr, "amount")),
                reason: mine
                    .and_then(|r| r.draft.reason.clone())
                    .unwrap_or_default(),
                reason_error: mine.and_then(|r| r.error(tr, "reason")),
                cancel_error: mine.and_then(|r| r.error(tr, "cancel")),
            }
        })
        .collect();
    let refunds = overview
        .refunds
        .into_iter()
        .map(|r| FinanceRefundRow {
            applicant: r.applicant_name,
            amount: money(tr, r.amount_cents),
            status: tr.t(&format!("finance-refund-{}", r.status)),
            reason: r.reason,
            when: format_paris_datetime(r.created_at, tr.locale()),
        })
        .collect();
    // The fields are numbered by order on this page of many forms.
    let errors: Vec<FieldError> = refused
        .iter()
        .flat_map(|r| {
            r.problems
                .iter()
                .map(|p| FieldError::new(format!("{}-{}", p.field, r.order_id), tr.problem(p)))
        })
        .chain(write_off_refused.iter().map(|w| {
            FieldError::new(
                format!("write-off-reason-{}", w.order_id),
                w.message.clone(),
            )
        }))
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = if errors.is_empty() {
        tr.t("finance-title")
    } else {
        format!("{} {}", tr.t("error-title-prefix"), tr.t("finance-title"))
    };
    let reconciliation = state
        .store
        .reconciliation()
        .latest_reconciliation(crate::payments::stripe::NAME)
        .await?
        .map(|run| {
            let heading = tr.t_args(
                "reconcile-last-run",
                &[
                    (
                        "when",
                        format_paris_datetime(run.ran_at, tr.locale()).into(),
                    ),
                    ("days", i64::from(run.days).into()),
                    ("count", (run.differences.len() as i64).into()),
                ],
            );
            let lines = run
                .differences
                .iter()
                .map(|d| {
                    let args: Vec<(
                        &'static str,
                        fluent_templates::fluent_bundle::FluentValue<'static>,
                    )> = d.args().into_iter().map(|(k, v)| (k, v.into())).collect();
                    tr.t_args(d.message_key(), &args)
                })
                .collect();
            (heading, lines)
        });
    let csrf = site_auth::issue_csrf(state, headers);
    let template = FinancePage {
        reconciliation,
        layout: Layout::new(tr, PATH, &title, &state.config),
        nav: nav(state, headers, organizer),
        errors,
        notice,
        csrf: csrf.token,
        orders,
        refunds,
    };
    page(template, status, csrf.set_cookie)
}

#[tracing::instrument(skip_all, fields(organizer_id = %organizer.organizer_id))]
async fn overview(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(organizer): RequireOrganizer,
    Query(q): Query<Done>,
) -> Result<Response, AppError> {
    organizer.require_anywhere(Permission::Finance)?;
    let tr = Tr(locale);
    let notice = match q.done.as_deref() {
        Some("refund") => Some(tr.t("finance-refund-started")),
        Some("cancelled") => Some(tr.t("finance-cancelled")),
        Some("written-off") => Some(tr.t("finance-written-off")),
        _ => None,
    };
    render(&state, tr, &headers, &organizer, None, notice).await
}

#[tracing::instrument(skip_all, fields(organizer_id = %organizer.organizer_id, order_id = %order_id))]
async fn refund(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(organizer): RequireOrganizer,
    Path(order_id): Path<String>,
    CsrfForm(draft): CsrfForm<RefundDraft>,
) -> Result<Response, AppError> {
    organizer.require_anywhere(Permission::Finance)?;
    let tr = Tr(locale);
    let mut refused = Refused {
        order_id: order_id.clone(),
        draft,
        problems: Vec::new(),
    };
    let asked = match parse_refund(&refused.draft) {
        Ok(asked) => asked,
        Err(problems) => {
            refused.problems = problems;
            return render(&state, tr, &headers, &organizer, Some(refused), None).await;
        }
    };
    let (cents, reason) = match asked {
        RefundAsked::Refund { cents, reason } => (cents, reason),
        RefundAsked::Cancel { cents, reason } => {
            return cancel(&state, tr, &headers, &organizer, refused, cents, &reason).await;
        }
    };
    match state
        .store
        .finance()
        .start_refund(
            &order_id,
            cents,
            &reason,
            &organizer.actor(),
            OffsetDateTime::now_utc(),
        )
        .await
    {
        Ok(_) => {
            state.wake_worker.notify_one();
            Ok(Redirect::to(&format!("{PATH}?done=refund")).into_response())
        }
        Err(StoreError::Refused(why)) => {
            refused.problems = vec![refusal_problem(why)];
            render(&state, tr, &headers, &organizer, Some(refused), None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Cancels the order's enrollment, giving back `cents` if any, as the refund form asked. The order
/// is looked up among those the finance page lists (the form is only on them).
async fn cancel(
    state: &AppState,
    tr: Tr,
    headers: &HeaderMap,
    organizer: &Organizer,
    mut refused: Refused,
    cents: Option<i64>,
    reason: &str,
) -> Result<Response, AppError> {
    let application_id = state
        .store
        .finance()
        .finance_overview()
        .await?
        .orders
        .into_iter()
        .find(|o| o.order_id == refused.order_id)
        .map(|o| o.application_id)
        .ok_or(AppError::NotFound)?;
    match state
        .store
        .finance()
        .cancel_enrollment(
            &application_id,
            reason,
            cents,
            &organizer.actor(),
            OffsetDateTime::now_utc(),
        )
        .await
    {
        Ok(_) => {
            state.wake_worker.notify_one();
            Ok(Redirect::to(&format!("{PATH}?done=cancelled")).into_response())
        }
        Err(StoreError::Refused(why)) => {
            refused.problems = vec![refusal_problem(why)];
            render(state, tr, headers, organizer, Some(refused), None).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct WriteOffForm {
    #[serde(default)]
    reason: String,
}

/// Finance writes off what an order still asks after money came in (bank charges, a few cents).
#[tracing::instrument(skip_all, fields(organizer_id = %organizer.organizer_id, order_id = %order_id))]
async fn write_off(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(organizer): RequireOrganizer,
    Path(order_id): Path<String>,
    CsrfForm(form): CsrfForm<WriteOffForm>,
) -> Result<Response, AppError> {
    organizer.require_anywhere(Permission::Finance)?;
    let tr = Tr(locale);
    let reason: String = form.reason.trim().chars().take(500).collect();
    let refuse = |message: String| WriteOffRefused {
        order_id: order_id.clone(),
        reason: reason.clone(),
        message,
    };
    if reason.is_empty() || reason.chars().any(char::is_control) {
        let refused = refuse(tr.t("finance-write-off-reason"));
        return render_with(&state, tr, &headers, &organizer, None, Some(refused), None).await;
    }
    match state
        .store
        .finance()
        .write_off(
            &order_id,
            &reason,
            &organizer.actor(),
            OffsetDateTime::now_utc(),
        )
        .await
    {
        Ok(_) => {
            state.wake_worker.notify_one();
            Ok(Redirect::to(&format!("{PATH}?done=written-off")).into_response())
        }
        Err(StoreError::Refused(_)) => {
            let refused = refuse(tr.t("finance-write-off-nothing"));
            render_with(&state, tr, &headers, &organizer, None, Some(refused), None).await
        }
        Err(e) => Err(e.into()),
    }
}
