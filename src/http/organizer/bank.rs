//! The finance office's bank transfers (`Permission::Finance`): import a statement (camt.053 or
//! the bank's CSV export; a dry run first if they like), see what each line did and how sure the
//! match was, and match by hand the lines that wait. The import is one store operation, all or
//! nothing (see `store::bank`).

use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use time::OffsetDateTime;

use super::auth::{Organizer, RequireOrganizer};
use super::dashboard::nav;
use super::views::{BankLineRow, BankOrderOption, BankPage, BankReportRow, page};
use crate::domain::access::Permission;
use crate::domain::bank::{Confidence, StatementError, read_statement};
use crate::domain::calendar::format_date;
use crate::domain::money::Money;
use crate::http::AppState;
use crate::http::auth as site_auth;
use crate::http::error::AppError;
use crate::http::forms::{CsrfForm, CsrfMultipart};
use crate::http::lang::Lang;
use crate::http::views::{FieldError, Layout};
use crate::i18n::Tr;
use crate::store::StoreError;
use crate::store::bank::{ImportReport, StatementImport, TransferOutcome};

const PATH: &str = "/organizer/finance/bank";

/// Largest statement accepted (a month of a faculty account is far below).
const STATEMENT_MAX_BYTES: usize = 4 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(PATH, get(overview))
        .route(
            "/organizer/finance/bank/import",
            post(import).layer(DefaultBodyLimit::max(STATEMENT_MAX_BYTES + 64 * 1024)),
        )
        .route(
            "/organizer/finance/bank/lines/{line}/match",
            post(match_line),
        )
}

#[derive(Deserialize)]
struct Done {
    done: Option<String>,
}

#[derive(Deserialize)]
struct MatchForm {
    #[serde(default)]
    order: String,
}

fn money(tr: Tr, cents: i64) -> String {
    Money::eur(cents.abs())
        .map(|m| {
            let shown = m.display(tr.locale());
            if cents < 0 {
                format!("−{shown}")
            } else {
                shown
            }
        })
        .unwrap_or_default()
}

fn confidence(tr: Tr, c: Option<Confidence>) -> String {
    c.map(|c| tr.t(&format!("bank-confidence-{}", c.as_str())))
        .unwrap_or_default()
}

fn outcome(tr: Tr, o: TransferOutcome) -> String {
    match o {
        TransferOutcome::Enrolled => tr.t("bank-outcome-enrolled"),
        TransferOutcome::Short { due_cents } => {
            tr.t1("bank-outcome-short", "amount", money(tr, due_cents))
        }
        TransferOutcome::Overpaid { over_cents } => {
            tr.t1("bank-outcome-over", "amount", money(tr, over_cents))
        }
        TransferOutcome::Settled => tr.t("bank-outcome-settled"),
    }
}

/// The page, with an import's report or the problems of a refused form.
async fn render(
    state: &AppState,
    tr: Tr,
    headers: &HeaderMap,
    organizer: &Organizer,
    report: Option<&ImportReport>,
    errors: Vec<FieldError>,
    notice: Option<String>,
) -> Result<Response, AppError> {
    let bank = state.store.bank();
    let waiting = bank.bank_lines(false).await?;
    let matched = bank.bank_lines(true).await?;
    let orders = bank.orders_awaiting_money().await?;
    let locale = tr.locale();
    let row = |l: &crate::store::bank::BankLineView| BankLineRow {
        line_id: l.line_id.clone(),
        booked_on: format_date(l.booked_on, locale),
        amount: money(tr, l.cents),
        payer: l.payer.clone().unwrap_or_default(),
        reference: l.reference_text.clone(),
        confidence: confidence(tr, l.confidence),
        order: match (&l.payment_reference, &l.applicant_name) {
            (Some(r), Some(n)) => format!("{r} · {n}"),
            (Some(r), None) => r.clone(),
            _ => String::new(),
        },
        suggested: l.order_id.clone().unwrap_or_default(),
        error: errors
            .iter()
            .find(|e| e.field == format!("order-{}", l.line_id))
            .map(|e| e.message.clone()),
    };
    let report = report.map(|r| {
        (
            tr.t_args(
                if r.dry_run {
                    "bank-report-dry-run"
                } else {
                    "bank-report-done"
                },
                &[
                    ("lines", (r.lines as i64).into()),
                    ("matched", (r.matched.len() as i64).into()),
                    ("waiting", (r.unmatched.len() as i64).into()),
                    ("duplicates", (r.duplicates as i64).into()),
                    ("debits", (r.debits as i64).into()),
                ],
            ),
            r.matched
                .iter()
                .map(|m| BankReportRow {
                    line: m.file_line.to_string(),
                    amount: money(tr, m.cents),
                    reference: m.payment_reference.clone(),
                    confidence: confidence(tr, Some(m.confidence)),
                    outcome: outcome(tr, m.outcome),
                })
                .collect::<Vec<_>>(),
        )
    });
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = if errors.is_empty() {
        tr.t("bank-title")
    } else {
        format!("{} {}", tr.t("error-title-prefix"), tr.t("bank-title"))
    };
    let csrf = site_auth::issue_csrf(state, headers);
    let file_error = errors
        .iter()
        .find(|e| e.field == "file")
        .map(|e| e.message.clone());
    let waiting = waiting.iter().map(row).collect();
    let matched = matched.iter().map(row).collect();
    let template = BankPage {
        layout: Layout::new(tr, PATH, &title, &state.config),
        nav: nav(state, headers, organizer),
        file_error,
        errors,
        notice,
        csrf: csrf.token,
        report,
        waiting,
        matched,
        orders: orders
            .into_iter()
            .map(|o| BankOrderOption {
                label: format!(
                    "{} · {} · {}",
                    o.payment_reference,
                    o.applicant_name,
                    money(tr, o.due_cents)
                ),
                order_id: o.order_id,
            })
            .collect(),
        account: state
            .config
            .bank
            .as_ref()
            .map(|b| format!("{} · {}", b.beneficiary, b.iban.grouped())),
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
    let notice = (q.done.as_deref() == Some("matched")).then(|| tr.t("bank-matched"));
    render(&state, tr, &headers, &organizer, None, Vec::new(), notice).await
}

/// Why a statement was refused, in the reader's language.
fn statement_error(tr: Tr, e: &StatementError) -> String {
    let problem = tr.t1(e.problem.message_key(), "value", e.problem.value());
    tr.t_args(
        "bank-import-refused",
        &[
            ("line", (e.line as i64).into()),
            ("problem", problem.into()),
        ],
    )
}

#[tracing::instrument(skip_all, fields(organizer_id = %organizer.organizer_id))]
async fn import(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(organizer): RequireOrganizer,
    form: CsrfMultipart,
) -> Result<Response, AppError> {
    organizer.require_anywhere(Permission::Finance)?;
    let tr = Tr(locale);
    let refuse = |message: String| vec![FieldError::new("file", message)];
    let file = form.part("file").filter(|f| !f.bytes.is_empty());
    let dry_run = form
        .part("dry_run")
        .is_some_and(|p| p.bytes.as_ref() == b"yes");
    let errors =
        if form.cut_short.is_some() || file.is_some_and(|f| f.bytes.len() > STATEMENT_MAX_BYTES) {
            refuse(tr.t("bank-import-too-large"))
        } else if file.is_none() {
            refuse(tr.t("bank-import-no-file"))
        } else {
            Vec::new()
        };
    let Some(file) = file.filter(|_| errors.is_empty()) else {
        return render(&state, tr, &headers, &organizer, None, errors, None).await;
    };
    let (format, lines) = match read_statement(&file.bytes, &state.config.bank_csv) {
        Ok(read) => read,
        Err(e) => {
            let errors = refuse(statement_error(tr, &e));
            return render(&state, tr, &headers, &organizer, None, errors, None).await;
        }
    };
    // The browser's name for the file, for the audit trail only: its last part, printable.
    let name: String = file
        .file_name
        .as_deref()
        .unwrap_or("statement")
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(120)
        .collect();
    let report = state
        .store
        .bank()
        .import_statement(
            &StatementImport {
                file_name: &name,
                format,
                lines: &lines,
                dry_run,
            },
            &organizer.actor(),
            OffsetDateTime::now_utc(),
        )
        .await?;
    if !report.dry_run {
        state.wake_worker.notify_one();
    }
    render(
        &state,
        tr,
        &headers,
        &organizer,
        Some(&report),
        Vec::new(),
        None,
    )
    .await
}

#[tracing::instrument(skip_all, fields(organizer_id = %organizer.organizer_id, line_id = %line_id))]
async fn match_line(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(organizer): RequireOrganizer,
    Path(line_id): Path<String>,
    CsrfForm(form): CsrfForm<MatchForm>,
) -> Result<Response, AppError> {
    organizer.require_anywhere(Permission::Finance)?;
    let tr = Tr(locale);
    let field = format!("order-{line_id}");
    let refused = |message: String| vec![FieldError::new(field.clone(), message)];
    if form.order.trim().is_empty() {
        let errors = refused(tr.t("bank-match-choose"));
        return render(&state, tr, &headers, &organizer, None, errors, None).await;
    }
    match state
        .store
        .bank()
        .match_line_by_hand(
            &line_id,
            form.order.trim(),
            &organizer.actor(),
            OffsetDateTime::now_utc(),
        )
        .await
    {
        Ok(_) => {
            state.wake_worker.notify_one();
            Ok(Redirect::to(&format!("{PATH}?done=matched")).into_response())
        }
        Err(StoreError::Refused(why)) => {
            let errors = refused(tr.t(&why.message_key()));
            render(&state, tr, &headers, &organizer, None, errors, None).await
        }
        Err(StoreError::NotFound) => {
            let errors = refused(tr.t("bank-match-choose"));
            render(&state, tr, &headers, &organizer, None, errors, None).await
        }
        Err(e) => Err(e.into()),
    }
}
