//! Review pages: a program's queue with its filters, sorting and CSV export, and bulk decisions;
//! one application's page, scores, comments, reviewers and decision are in `application.rs`.
//!
//! Who sees what: directors, admins, finance and scolarité see every application of the programs they
//! cover; reviewers only those assigned to them (any other is a 404). In a blind program, reviewers do
//! not see the name, nationality, institution or contact details.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use time::OffsetDateTime;

use super::auth::{Organizer, RequireOrganizer};
use super::dashboard::nav;
use super::export::{cell, csv_file};
use super::views::{ProgramPage, QueueFilterView, QueueRowView, SortHeading, page};
use super::{Pairs, values};
use crate::domain::access::Permission;
use crate::domain::calendar::{format_paris_datetime, to_paris};
use crate::domain::catalog::ApplicantCategory;
use crate::domain::countries;
use crate::domain::decision::{self, BulkDecisionDraft};
use crate::domain::locale::Locale;
use crate::domain::money::{Currency, Money};
use crate::domain::offer::format_score;
use crate::domain::queue::{QueueFilter, QueueForm, QueueOrder};
use crate::domain::status::{ApplicationStatus, RejectReason};
use crate::http::AppState;
use crate::http::application::reference;
use crate::http::auth as site_auth;
use crate::http::error::AppError;
use crate::http::forms::{CsrfForm, fields};
use crate::http::lang::Lang;
use crate::http::views::{FieldError, Layout, OptionView};
use crate::i18n::Tr;
use crate::store::review::ReviewDetail;
use crate::store::{ProgramRecord, StoreError};

mod application;

use application::{
    application_page, comment, conflict, decide, document, extend, reviewers, save_scores,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/organizer/programs/{program_id}", get(program_page))
        .route(
            "/organizer/programs/{program_id}/applications.csv",
            get(export),
        )
        .route(
            "/organizer/programs/{program_id}/decisions",
            post(bulk_decide),
        )
        .route("/organizer/applications/{id}", get(application_page))
        .route(
            "/organizer/applications/{id}/documents/{document}",
            get(document),
        )
        .route("/organizer/applications/{id}/scores", post(save_scores))
        .route("/organizer/applications/{id}/comments", post(comment))
        .route("/organizer/applications/{id}/reviewers", post(reviewers))
        .route("/organizer/applications/{id}/conflict", post(conflict))
        .route("/organizer/applications/{id}/decision", post(decide))
        .route("/organizer/applications/{id}/deadline", post(extend))
}

async fn program_of(state: &AppState, program_id: &str) -> Result<ProgramRecord, AppError> {
    state
        .store
        .catalog()
        .programs()
        .await?
        .into_iter()
        .find(|p| p.program_id == program_id)
        .ok_or(AppError::NotFound)
}

/// Opens an application for this organizer: 404 when they may not see it (not their program, or a
/// reviewer not assigned to it).
pub(super) async fn open(
    state: &AppState,
    o: &Organizer,
    application_id: &str,
) -> Result<(ReviewDetail, ProgramRecord), AppError> {
    let detail = state.store.review().review_detail(application_id).await?;
    let program_id = detail.application.program_id.clone();
    if !o.access.covers(&program_id) {
        return Err(AppError::NotFound);
    }
    if o.access.needs_assignment() {
        if !detail
            .assignments
            .iter()
            .any(|a| a.organizer_id == o.organizer_id)
        {
            return Err(AppError::NotFound);
        }
    } else {
        o.require(Permission::ViewAllApplications, &program_id)?;
    }
    let program = program_of(state, &program_id).await?;
    Ok((detail, program))
}

/// The queue's filters, as typed in the query string.
#[derive(Debug, Default, serde::Deserialize)]
struct QueueQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    min_score: String,
    #[serde(default)]
    documents: String,
    #[serde(default)]
    done: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    dir: String,
}

fn money(cents: i64, locale: Locale) -> String {
    Money::from_cents(cents, Currency::Eur)
        .map(|m| m.display(locale))
        .unwrap_or_default()
}

impl QueueQuery {
    fn form(&self) -> QueueForm<'_> {
        QueueForm {
            status: &self.status,
            country: &self.country,
            category: &self.category,
            min_score: &self.min_score,
            documents: &self.documents,
            sort: &self.sort,
            dir: &self.dir,
        }
    }
}

/// The query string of the queue with `q`'s filters, sorted by `order`.
fn queue_query(q: &QueueQuery, order: QueueOrder, descending: bool) -> String {
    serde_urlencoded::to_string([
        ("status", q.status.as_str()),
        ("country", q.country.as_str()),
        ("category", q.category.as_str()),
        ("min_score", q.min_score.as_str()),
        ("documents", q.documents.as_str()),
        ("sort", order.key()),
        ("dir", if descending { "desc" } else { "asc" }),
    ])
    .unwrap_or_default()
}

/// The queue as a CSV file, with the same filters and order as the page, for those who see every
/// application of the program (not reviewers, not under blind review): contact details included.
#[tracing::instrument(skip_all, fields(organizer_id = %o.organizer_id, program_id = %program_id))]
async fn export(
    State(state): State<AppState>,
    Lang(locale): Lang,
    RequireOrganizer(o): RequireOrganizer,
    Path(program_id): Path<String>,
    Query(q): Query<QueueQuery>,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    let program = program_of(&state, &program_id).await?;
    o.require(Permission::ViewAllApplications, &program_id)?;
    if o.access.is_blinded(program.blind_review) {
        return Err(AppError::Denied);
    }
    let queue = state.store.review().review_queue(&program_id, None).await?;
    // A minimum score that is not a score filters nothing here; the page explains it.
    let (filter, _) = QueueFilter::parse(q.form(), false);
    let headings = [
        "application-reference",
        "application-status",
        "field-family_name",
        "field-given_names",
        "export-certificate-name",
        "export-email",
        "field-nationality",
        "export-residence",
        "field-category",
        "field-institution",
        "queue-submitted",
        "queue-documents",
        "queue-score",
        "export-scored-by",
    ]
    .map(|k| tr.t(k))
    .to_vec();
    let mut rows = vec![headings];
    for e in filter.select(&queue) {
        let text = |v: &Option<String>| cell(v.as_deref().unwrap_or_default());
        rows.push(vec![
            reference(&e.application_id),
            tr.t(&format!("application-status-{}", e.status.as_str())),
            text(&e.family_name),
            text(&e.given_names),
            text(&e.certificate_name),
            cell(&e.email),
            e.nationality.clone().unwrap_or_default(),
            e.residence_country.clone().unwrap_or_default(),
            e.category
                .as_deref()
                .map(|c| tr.t(&format!("category-{c}")))
                .unwrap_or_default(),
            text(&e.institution),
            e.submitted_at
                .map(|t| to_paris(t).format(&time::format_description::well_known::Rfc3339))
                .transpose()
                .map_err(|e| AppError::Internal(e.into()))?
                .unwrap_or_default(),
            tr.t(if e.documents_complete {
                "queue-documents-complete"
            } else {
                "queue-documents-missing"
            }),
            e.mean_score.map(format_score).unwrap_or_default(),
            e.scored_by.to_string(),
        ]);
    }
    csv_file(&format!("applications-{}.csv", program.slug), &rows)
}

#[tracing::instrument(skip_all, fields(organizer_id = %o.organizer_id))]
async fn program_page(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(o): RequireOrganizer,
    Path(program_id): Path<String>,
    Query(q): Query<QueueQuery>,
) -> Result<Response, AppError> {
    let bulk = Bulk::default();
    render_program(&state, Tr(locale), &headers, &o, &program_id, &q, bulk).await
}

/// The bulk decision form as posted, when it was refused: its problems and what was chosen.
#[derive(Default)]
struct Bulk {
    errors: Vec<FieldError>,
    ticked: Vec<String>,
    draft: BulkDecisionDraft,
}

/// The queue page: 200, or 422 with the bulk form's problems.
async fn render_program(
    state: &AppState,
    tr: Tr,
    headers: &HeaderMap,
    o: &Organizer,
    program_id: &str,
    q: &QueueQuery,
    bulk: Bulk,
) -> Result<Response, AppError> {
    let locale = tr.locale();
    let program_id = program_id.to_owned();
    let status = if bulk.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let program = program_of(state, &program_id).await?;
    o.require(Permission::ViewProgram, &program_id)?;
    let assigned_to = if o.access.needs_assignment() {
        Some(o.organizer_id.as_str())
    } else {
        o.require(Permission::ViewAllApplications, &program_id)?;
        None
    };
    let blind = o.access.is_blinded(program.blind_review);
    let queue = state
        .store
        .review()
        .review_queue(&program_id, assigned_to)
        .await?;
    let seats = state.store.cohort().seats(&program_id).await?;

    let mut errors = bulk.errors;
    let (filter, bad_min_score) = QueueFilter::parse(q.form(), blind);
    if bad_min_score.is_some() {
        errors.push(FieldError {
            field: "min_score".into(),
            message: tr.t("queue-min-score-invalid"),
        });
    }
    let (order, descending) = (filter.order, filter.descending);
    let shown = filter.select(&queue);
    let rows: Vec<QueueRowView> = shown
        .into_iter()
        .map(|e| {
            let name = [e.given_names.as_deref(), e.family_name.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            let country = |c: &Option<String>| {
                c.as_deref()
                    .and_then(countries::by_code)
                    .map(|c| c.name(locale).to_owned())
                    .unwrap_or_default()
            };
            QueueRowView {
                href: format!("/organizer/applications/{}", e.application_id),
                application_id: e.application_id.clone(),
                ticked: bulk.ticked.contains(&e.application_id),
                reference: reference(&e.application_id),
                name: if blind { tr.t("blind-hidden") } else { name },
                nationality: if blind {
                    String::new()
                } else {
                    country(&e.nationality)
                },
                residence: country(&e.residence_country),
                category: e
                    .category
                    .as_deref()
                    .map(|c| tr.t(&format!("category-{c}")))
                    .unwrap_or_default(),
                institution: if blind {
                    String::new()
                } else {
                    e.institution.clone().unwrap_or_default()
                },
                submitted: e
                    .submitted_at
                    .map(|t| format_paris_datetime(t, locale))
                    .unwrap_or_default(),
                status: tr.t(&format!("application-status-{}", e.status.as_str())),
                documents: if e.documents_complete {
                    tr.t("queue-documents-complete")
                } else {
                    tr.t("queue-documents-missing")
                },
                score: e.mean_score.map(format_score).unwrap_or_default(),
                scored_by: e.scored_by,
                reviewers: e.reviewers.len(),
            }
        })
        .collect();
    let option = |value: &str, label: String, current: &str| OptionView {
        value: value.to_owned(),
        label,
        selected: value == current,
    };
    let mut status_options = vec![option("", tr.t("queue-any"), &q.status)];
    status_options.extend(
        ApplicationStatus::ALL
            .iter()
            .filter(|s| **s != ApplicationStatus::Draft)
            .map(|s| {
                option(
                    s.as_str(),
                    tr.t(&format!("application-status-{}", s.as_str())),
                    &q.status,
                )
            }),
    );
    let mut category_options = vec![option("", tr.t("queue-any"), &q.category)];
    category_options.extend(ApplicantCategory::ALL.iter().map(|c| {
        option(
            c.as_str(),
            tr.t(&format!("category-{}", c.as_str())),
            &q.category,
        )
    }));
    let mut country_options = vec![option("", tr.t("queue-any"), &q.country)];
    let mut present: Vec<&str> = queue
        .iter()
        .flat_map(|e| [e.nationality.as_deref(), e.residence_country.as_deref()])
        .flatten()
        .collect();
    present.sort_unstable();
    present.dedup();
    country_options.extend(
        present
            .into_iter()
            .filter_map(countries::by_code)
            .map(|c| option(c.code, c.name(locale).to_owned(), &q.country)),
    );
    let documents_options = vec![
        option("", tr.t("queue-any"), &q.documents),
        option("complete", tr.t("queue-documents-complete"), &q.documents),
        option("missing", tr.t("queue-documents-missing"), &q.documents),
    ];
    let can_decide = o.access.allows(Permission::Decide, &program_id);
    // Each heading links to the queue sorted by its column, the filters kept; the current column
    // links to the other direction.
    let sort = QueueOrder::ALL
        .into_iter()
        .filter(|c| !(blind && *c == QueueOrder::Name))
        .map(|column| {
            let current = column == order;
            let dir = if current {
                !descending
            } else {
                column.descending_first()
            };
            let query = queue_query(q, column, dir);
            SortHeading {
                key: column.key(),
                label: tr.t(match column {
                    QueueOrder::Submitted => "queue-submitted",
                    QueueOrder::Name => "queue-name",
                    QueueOrder::Status => "application-status",
                    QueueOrder::Documents => "queue-documents",
                    QueueOrder::Score => "queue-score",
                }),
                href: format!("/organizer/programs/{program_id}?{query}"),
                aria_sort: current.then_some(if descending {
                    "descending"
                } else {
                    "ascending"
                }),
                descending: current && descending,
            }
        })
        .collect();
    let csrf = site_auth::issue_csrf(state, headers);
    let title = program.title.get(locale).to_owned();
    let template = ProgramPage {
        layout: Layout::new(
            tr,
            &format!("/organizer/programs/{program_id}"),
            &title,
            &state.config,
        ),
        nav: nav(state, headers, o),
        title,
        notice: (!q.done.is_empty())
            .then(|| tr.tn("queue-bulk-done", "count", q.done.parse().unwrap_or(0))),
        count: tr.t_args(
            "queue-count",
            &[
                ("shown", (rows.len() as i64).into()),
                ("total", (queue.len() as i64).into()),
            ],
        ),
        errors,
        seats: tr.t_args(
            "queue-seats",
            &[
                ("capacity", i64::from(seats.capacity).into()),
                ("held", i64::from(seats.held).into()),
                ("waitlisted", seats.waitlisted.into()),
            ],
        ),
        blind,
        filter: QueueFilterView {
            status_options,
            country_options,
            category_options,
            documents_options,
            min_score: q.min_score.clone(),
        },
        sort,
        sort_key: order.key().to_owned(),
        sort_dir: if descending { "desc" } else { "asc" }.to_owned(),
        rows,
        can_decide,
        bulk_action: format!("/organizer/programs/{program_id}/decisions"),
        reason_options: reason_options(tr, &bulk.draft.reason),
        bulk_decision: bulk
            .draft
            .decision
            .map(|c| c.as_str().to_owned())
            .unwrap_or_default(),
        csrf: csrf.token,
        cohort_href: o
            .access
            .allows(Permission::RecordAttendance, &program_id)
            .then(|| format!("/organizer/programs/{program_id}/participants")),
        message_href: o
            .access
            .allows(Permission::Message, &program_id)
            .then(|| format!("/organizer/programs/{program_id}/message")),
        export_href: (assigned_to.is_none() && !blind).then(|| {
            let query = queue_query(q, order, descending);
            format!("/organizer/programs/{program_id}/applications.csv?{query}")
        }),
    };
    page(template, status, csrf.set_cookie)
}

fn reason_options(tr: Tr, current: &str) -> Vec<OptionView> {
    RejectReason::ALL
        .iter()
        .map(|r| OptionView {
            value: r.as_str().to_owned(),
            label: tr.t(&format!("reject-label-{}", r.as_str())),
            selected: r.as_str() == current,
        })
        .collect()
}

/// Bulk decisions on the checked applications: waitlist, reject with one reason, or accept at the
/// catalog price with the program's usual deadline.
async fn bulk_decide(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(o): RequireOrganizer,
    Path(program_id): Path<String>,
    // A checkbox per application, beside the decision's fields.
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    let program = program_of(&state, &program_id).await?;
    o.require(Permission::Decide, &program_id)?;
    let now = OffsetDateTime::now_utc();
    let days = u16::try_from(program.payment_deadline_days).unwrap_or(14);
    let draft: BulkDecisionDraft = fields(&pairs)?;
    let ticked = values(&pairs, "application");
    let decision = match decision::parse_bulk_decision(&draft, ticked.len(), now, days) {
        Ok(decision) => decision,
        Err(problems) => {
            let bulk = Bulk {
                errors: FieldError::all(tr, &problems),
                ticked,
                draft,
            };
            let q = QueueQuery::default();
            return render_program(&state, tr, &headers, &o, &program_id, &q, bulk).await;
        }
    };
    let mut done = 0;
    for id in &ticked {
        let id = id.as_str();
        // Only this program's applications: an id from elsewhere is skipped, not decided.
        let Ok(detail) = state.store.review().review_detail(id).await else {
            continue;
        };
        if detail.application.program_id != program_id {
            continue;
        }
        match state
            .store
            .cohort()
            .decide(id, &decision, &o.actor(), now)
            .await
        {
            Ok(_) => done += 1,
            Err(StoreError::Refused(_) | StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    state.wake_worker.notify_one();
    Ok(back_with(&program_id, &done.to_string()))
}

fn back_with(program_id: &str, done: &str) -> Response {
    Redirect::to(&format!("/organizer/programs/{program_id}?done={done}")).into_response()
}

/// Labels of the rows hidden from a blinded reviewer.
fn blinded_labels(tr: Tr) -> Vec<String> {
    [
        "given_names",
        "family_name",
        "certificate_name",
        "nationality",
        "institution",
        "institution_country",
    ]
    .iter()
    .map(|k| tr.t(&format!("field-{k}")))
    .collect()
}
