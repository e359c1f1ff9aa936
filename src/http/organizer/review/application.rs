//! One application as organizers review it: its answers and documents (a reviewer in a blind
//! program sees neither the name nor the contact details), scores and comments, the reviewers
//! assigned, a declared conflict of interest, and the decision with its offer terms.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use time::OffsetDateTime;

use crate::domain::access::Permission;
use crate::domain::calendar::{format_paris_datetime, to_paris};
use crate::domain::decision::{self, DecisionDraft, ExtendDraft};
use crate::domain::offer::{self, format_score};
use crate::domain::problem::{Checked, Problem};
use crate::domain::refusal::Refusal;
use crate::domain::review::{self, CommentDraft, ConflictDraft, ReviewerAction, ReviewerChange};
use crate::domain::status::{ApplicationStatus, OrganizerRole};
use crate::http::AppState;
use crate::http::application::{reference, sections};
use crate::http::auth as site_auth;
use crate::http::error::AppError;
use crate::http::forms::CsrfForm;
use crate::http::lang::Lang;
use crate::http::organizer::auth::{Organizer, RequireOrganizer};
use crate::http::organizer::dashboard::nav;
use crate::http::organizer::views::{
    ApplicationPage, DecisionForm, DocumentView, ReviewerView, ScoreRowView, page,
};
use crate::http::organizer::{Pairs, value};
use crate::http::views::{FieldError, Layout, OptionView};
use crate::i18n::Tr;
use crate::store::StoreError;
use crate::store::cohort::DecisionOutcome;

use super::{blinded_labels, money, open, reason_options};

#[derive(Default)]
struct PageState {
    errors: Vec<FieldError>,
    notice: Option<String>,
    /// What the decision form held when it was refused.
    decision: Option<DecisionDraft>,
    scores: HashMap<String, String>,
    comment: String,
    /// The new last day to pay as typed.
    extend_deadline: String,
}

#[tracing::instrument(skip_all, fields(organizer_id = %o.organizer_id))]
pub(super) async fn application_page(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(o): RequireOrganizer,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    const DONE: [&str; 13] = [
        "scored",
        "commented",
        "assigned",
        "unassigned",
        "nobody",
        "conflict",
        "no-conflict",
        "offered",
        "enrolled",
        "waitlisted",
        "rejected",
        "nothing",
        "extended",
    ];
    let notice = q
        .get("done")
        .filter(|d| DONE.contains(&d.as_str()))
        .map(|d| tr.t(&format!("review-done-{d}")));
    render_application(
        &state,
        tr,
        &headers,
        &o,
        &id,
        PageState {
            notice,
            ..PageState::default()
        },
        StatusCode::OK,
    )
    .await
}

async fn render_application(
    state: &AppState,
    tr: Tr,
    headers: &HeaderMap,
    o: &Organizer,
    id: &str,
    ps: PageState,
    status: StatusCode,
) -> Result<Response, AppError> {
    let locale = tr.locale();
    let (detail, program) = open(state, o, id).await?;
    let blind = o.access.is_blinded(program.blind_review);
    let a = &detail.application;
    let program_id = a.program_id.clone();
    let hidden = blinded_labels(tr);
    let mut answer_sections = sections(tr, a);
    // Documents have their own section below (viewable inline, and renamed in blind review).
    let documents_title = tr.t("step-documents");
    answer_sections.retain(|s| !s.rows.is_empty() && s.title != documents_title);
    if blind {
        // Contact details say who the applicant is.
        let contact = tr.t("step-contact");
        answer_sections.retain(|s| s.title != contact);
        for s in &mut answer_sections {
            for row in &mut s.rows {
                if hidden.contains(&row.0) {
                    row.1 = tr.t("blind-hidden");
                }
            }
        }
    }
    let documents = a
        .documents
        .iter()
        .map(|d| DocumentView {
            href: format!("/organizer/applications/{id}/documents/{}", d.document_id),
            label: tr.t(&format!("field-{}", d.kind.as_str())),
            file_name: if blind {
                format!(
                    "{}.{}",
                    d.kind.as_str(),
                    d.file_name.rsplit('.').next().unwrap_or("pdf")
                )
            } else {
                d.file_name.clone()
            },
            is_pdf: d.content_type == "application/pdf",
            is_image: d.content_type.starts_with("image/"),
        })
        .collect();
    let mine = detail
        .assignments
        .iter()
        .find(|x| x.organizer_id == o.organizer_id);
    let conflicted = mine.is_some_and(|x| x.conflict_of_interest);
    let can_review = o.access.allows(Permission::Review, &program_id)
        && (!o.access.needs_assignment() || mine.is_some())
        && !conflicted;
    let my_scores: HashMap<&str, i32> = detail
        .scores
        .iter()
        .filter(|s| s.organizer_id == o.organizer_id)
        .map(|s| (s.criterion_key.as_str(), s.score))
        .collect();
    let score_rows = program
        .rubric
        .iter()
        .map(|c| ScoreRowView {
            key: c.key.clone(),
            label: c.label.get(locale).to_owned(),
            value: ps
                .scores
                .get(&c.key)
                .cloned()
                .or_else(|| my_scores.get(c.key.as_str()).map(|v| v.to_string()))
                .unwrap_or_default(),
            error: ps
                .errors
                .iter()
                .find(|e| e.field == review::score_field(&c.key))
                .map(|e| e.message.clone()),
        })
        .collect();
    // Everyone's scores: reviewers in a blind program see only their own (no anchoring on others).
    let all_scores: Vec<(String, String, String)> = detail
        .scores
        .iter()
        .filter(|s| !o.access.needs_assignment() || s.organizer_id == o.organizer_id)
        .map(|s| {
            let label = program
                .rubric
                .iter()
                .find(|c| c.key == s.criterion_key)
                .map_or(s.criterion_key.clone(), |c| c.label.get(locale).to_owned());
            (s.display_name.clone(), label, s.score.to_string())
        })
        .collect();
    let all: Vec<i32> = detail.scores.iter().map(|s| s.score).collect();
    let can_assign = o.access.allows(Permission::AssignReviewers, &program_id);
    let team = if can_assign {
        state
            .store
            .organizers()
            .organizers(&o.organization_id, OffsetDateTime::now_utc())
            .await?
    } else {
        Vec::new()
    };
    let reviewers: Vec<ReviewerView> = detail
        .assignments
        .iter()
        .map(|x| ReviewerView {
            organizer_id: x.organizer_id.clone(),
            name: x.display_name.clone(),
            conflict: x.conflict_of_interest,
        })
        .collect();
    let assignable: Vec<OptionView> = team
        .iter()
        .filter(|m| {
            matches!(
                m.role,
                OrganizerRole::Reviewer | OrganizerRole::ProgramDirector
            ) && m.programs.contains(&program_id)
                && !detail
                    .assignments
                    .iter()
                    .any(|x| x.organizer_id == m.organizer_id)
        })
        .map(|m| OptionView {
            value: m.organizer_id.clone(),
            label: m.display_name.clone(),
            selected: false,
        })
        .collect();
    let standing = state.store.cohort().standing(id).await?;
    let can_decide = o.access.allows(Permission::Decide, &program_id)
        && matches!(
            a.status,
            ApplicationStatus::Submitted
                | ApplicationStatus::UnderReview
                | ApplicationStatus::Waitlisted
        );
    let days = u16::try_from(program.payment_deadline_days).unwrap_or(14);
    let default_deadline =
        to_paris(offer::payment_deadline(OffsetDateTime::now_utc(), days)).date();
    let typed = ps.decision.unwrap_or_default();
    let requested = a.form.requested_fee_tier.clone().unwrap_or_default();
    let tier_current = Some(typed.tier)
        .filter(|t| !t.is_empty())
        .unwrap_or(requested);
    let decision = DecisionForm {
        tier_options: program
            .fee_tiers
            .iter()
            .map(|t| OptionView {
                value: t.code.clone(),
                label: format!("{} — {}", t.label.get(locale), t.amount.display(locale)),
                selected: t.code == tier_current || (tier_current.is_empty() && t.is_standard),
            })
            .collect(),
        adjustment: typed.adjustment.unwrap_or_default().as_str().to_owned(),
        amount: typed.amount,
        reason: typed.reason,
        deadline: Some(typed.deadline)
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| default_deadline.to_string()),
        reject_options: reason_options(tr, &typed.reject_reason),
        error: ps
            .errors
            .iter()
            .find(|e| e.field == decision::DECISION_FIELD)
            .map(|e| e.message.clone()),
        field_error: ps
            .errors
            .iter()
            .find(|e| ["amount", "deadline", "reject_reason"].contains(&e.field.as_str()))
            .map(|e| (e.field.clone(), e.message.clone())),
    };
    let offer_text = standing.offer.as_ref().map(|of| {
        tr.t_args(
            "review-offer",
            &[
                ("amount", money(of.total_cents, locale).into()),
                (
                    "deadline",
                    format_paris_datetime(of.deadline_at, locale).into(),
                ),
                ("status", of.status.as_str().to_owned().into()),
                ("explanation", of.explanation.clone().into()),
            ],
        )
    });
    let can_extend = o.access.allows(Permission::ExtendDeadline, &program_id)
        && standing
            .offer
            .as_ref()
            .is_some_and(|of| of.status == crate::domain::status::OrderStatus::Pending);
    let csrf = site_auth::issue_csrf(state, headers);
    let title = if blind {
        tr.t1("review-title-blind", "reference", reference(id))
    } else {
        tr.t_args(
            "review-title",
            &[
                (
                    "name",
                    format!(
                        "{} {}",
                        a.form.given_names.clone().unwrap_or_default(),
                        a.form.family_name.clone().unwrap_or_default()
                    )
                    .into(),
                ),
                ("reference", reference(id).into()),
            ],
        )
    };
    let template = ApplicationPage {
        layout: Layout::new(
            tr,
            &format!("/organizer/applications/{id}"),
            &title,
            &state.config,
        ),
        nav: nav(state, headers, o),
        errors: ps.errors,
        notice: ps.notice,
        title,
        back: format!("/organizer/programs/{program_id}"),
        program: program.title.get(locale).to_owned(),
        status: tr.t(&format!("application-status-{}", a.status.as_str())),
        waitlist_position: standing.waitlist_position,
        offer: offer_text,
        mean_score: offer::mean_score_hundredths(&all)
            .filter(|_| !o.access.needs_assignment())
            .map(format_score),
        blind,
        sections: answer_sections,
        documents,
        can_review,
        conflicted,
        score_rows,
        all_scores,
        comments: detail
            .comments
            .iter()
            .map(|c| {
                (
                    c.display_name.clone(),
                    format_paris_datetime(c.created_at, locale),
                    c.body.clone(),
                )
            })
            .collect(),
        comment: ps.comment,
        can_assign,
        reviewers,
        assignable,
        is_assigned: mine.is_some(),
        can_decide,
        decision,
        can_extend,
        extend_deadline: ps.extend_deadline,
        action: format!("/organizer/applications/{id}"),
        csrf: csrf.token,
    };
    page(template, status, csrf.set_cookie)
}

/// A document, shown in the page (inline) for those who may open the application.
pub(super) async fn document(
    State(state): State<AppState>,
    RequireOrganizer(o): RequireOrganizer,
    Path((id, document_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    open(&state, &o, &id).await?;
    let d = state
        .store
        .review()
        .application_document(&id, &document_id)
        .await?;
    let bytes = state
        .blobs
        .get(&d.blob_key)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&d.content_type).map_err(|e| AppError::Internal(e.into()))?,
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("inline"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    // Shown in a frame of our own page only. No `default-src 'none'` here: it would keep the browser's
    // own PDF viewer from drawing the file (the types are checked by content at upload: PDF, JPEG, PNG).
    h.insert(
        HeaderName::from_static("content-security-policy"),
        HeaderValue::from_static("frame-ancestors 'self'"),
    );
    h.insert(
        HeaderName::from_static("x-frame-options"),
        HeaderValue::from_static("SAMEORIGIN"),
    );
    Ok(response)
}

/// The page shown again after a refused form: with its problem and what was typed.
async fn again(
    state: &AppState,
    tr: Tr,
    headers: &HeaderMap,
    o: &Organizer,
    id: &str,
    ps: PageState,
) -> Result<Response, AppError> {
    render_application(
        state,
        tr,
        headers,
        o,
        id,
        ps,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

fn done(id: &str, what: &str) -> Response {
    Redirect::to(&format!("/organizer/applications/{id}?done={what}")).into_response()
}

pub(super) async fn save_scores(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(o): RequireOrganizer,
    Path(id): Path<String>,
    // One field per criterion of the program's rubric.
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    let (detail, program) = open(&state, &o, &id).await?;
    o.require(Permission::Review, &detail.application.program_id)?;
    let criteria = program.rubric.iter().map(|c| c.key.as_str());
    let typed = |key: &str| value(&pairs, &review::score_field(key));
    let scores = match review::parse_scores(criteria, typed) {
        Ok(scores) => scores,
        Err(wrong) => {
            let errors = program
                .rubric
                .iter()
                .filter(|c| wrong.contains(&c.key.as_str()))
                .map(|c| {
                    FieldError::new(
                        review::score_field(&c.key),
                        tr.t1("review-score-invalid", "criterion", c.label.get(locale)),
                    )
                })
                .collect();
            let scores = program
                .rubric
                .iter()
                .map(|c| (c.key.clone(), typed(&c.key).trim().to_owned()))
                .collect();
            let ps = PageState {
                errors,
                scores,
                ..PageState::default()
            };
            return again(&state, tr, &headers, &o, &id, ps).await;
        }
    };
    match state
        .store
        .review()
        .save_scores(&id, &o.organizer_id, &scores, OffsetDateTime::now_utc())
        .await
    {
        Ok(()) => Ok(done(&id, "scored")),
        Err(StoreError::Refused(_)) => Err(AppError::Denied),
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn comment(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(o): RequireOrganizer,
    Path(id): Path<String>,
    CsrfForm(draft): CsrfForm<CommentDraft>,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    let (detail, _) = open(&state, &o, &id).await?;
    o.require(Permission::Review, &detail.application.program_id)?;
    let problems = draft.problems();
    let body = match draft.comment {
        Some(body) if problems.is_empty() => body,
        typed => {
            let ps = PageState {
                errors: FieldError::all(tr, &problems),
                comment: typed.unwrap_or_default(),
                ..PageState::default()
            };
            return again(&state, tr, &headers, &o, &id, ps).await;
        }
    };
    state
        .store
        .review()
        .add_comment(&id, &o.organizer_id, &body, OffsetDateTime::now_utc())
        .await?;
    Ok(done(&id, "commented"))
}

pub(super) async fn reviewers(
    State(state): State<AppState>,
    RequireOrganizer(o): RequireOrganizer,
    Path(id): Path<String>,
    CsrfForm(change): CsrfForm<ReviewerChange>,
) -> Result<Response, AppError> {
    let (detail, _) = open(&state, &o, &id).await?;
    let program_id = detail.application.program_id.clone();
    o.require(Permission::AssignReviewers, &program_id)?;
    let now = OffsetDateTime::now_utc();
    let target = change.organizer.as_str();
    match change.action {
        None => Ok(done(&id, "nobody")),
        Some(ReviewerAction::Assign) => {
            // Only someone who reviews this program can be assigned.
            let team = state
                .store
                .organizers()
                .organizers(&o.organization_id, now)
                .await?;
            let fits = team.iter().any(|m| {
                m.organizer_id == target
                    && matches!(
                        m.role,
                        OrganizerRole::Reviewer | OrganizerRole::ProgramDirector
                    )
                    && m.programs.contains(&program_id)
            });
            if !fits {
                return Ok(done(&id, "nobody"));
            }
            state
                .store
                .review()
                .assign_reviewer(&id, target, &o.actor(), now)
                .await?;
            Ok(done(&id, "assigned"))
        }
        Some(ReviewerAction::Unassign) => {
            state
                .store
                .review()
                .unassign_reviewer(&id, target, &o.actor(), now)
                .await?;
            Ok(done(&id, "unassigned"))
        }
    }
}

/// A reviewer declares their own conflict of interest; a director can set anyone's.
pub(super) async fn conflict(
    State(state): State<AppState>,
    RequireOrganizer(o): RequireOrganizer,
    Path(id): Path<String>,
    CsrfForm(draft): CsrfForm<ConflictDraft>,
) -> Result<Response, AppError> {
    let (detail, _) = open(&state, &o, &id).await?;
    let program_id = detail.application.program_id.clone();
    let target = draft.whose(&o.organizer_id);
    if target != o.organizer_id {
        o.require(Permission::AssignReviewers, &program_id)?;
    } else {
        o.require(Permission::Review, &program_id)?;
    }
    let conflict = draft.declares();
    state
        .store
        .review()
        .set_conflict(&id, target, conflict, &o.actor(), OffsetDateTime::now_utc())
        .await?;
    Ok(done(&id, if conflict { "conflict" } else { "no-conflict" }))
}

pub(super) async fn decide(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(o): RequireOrganizer,
    Path(id): Path<String>,
    CsrfForm(draft): CsrfForm<DecisionDraft>,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    let (detail, _) = open(&state, &o, &id).await?;
    o.require(Permission::Decide, &detail.application.program_id)?;
    let now = OffsetDateTime::now_utc();
    let refused = |problem: Problem| PageState {
        errors: vec![FieldError::of(tr, &problem)],
        decision: Some(draft.clone()),
        ..PageState::default()
    };
    let decision = match decision::parse_decision(&draft, now) {
        Ok(Some(decision)) => decision,
        Ok(None) => return Ok(done(&id, "nothing")),
        Err(problem) => return again(&state, tr, &headers, &o, &id, refused(problem)).await,
    };
    match state
        .store
        .cohort()
        .decide(&id, &decision, &o.actor(), now)
        .await
    {
        Ok(outcome) => {
            state.wake_worker.notify_one();
            let what = match outcome {
                DecisionOutcome::Offered { .. } => "offered",
                DecisionOutcome::Enrolled { .. } => "enrolled",
                DecisionOutcome::Waitlisted { .. } => "waitlisted",
                DecisionOutcome::Rejected => "rejected",
            };
            Ok(done(&id, what))
        }
        Err(StoreError::Refused(r)) => {
            let key = match r {
                Refusal::Full => "decision-full",
                Refusal::Price(_) => "decision-price-invalid",
                _ => "decision-state",
            };
            let ps = refused(Problem::new(decision::DECISION_FIELD, key));
            render_application(&state, tr, &headers, &o, &id, ps, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn extend(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(o): RequireOrganizer,
    Path(id): Path<String>,
    CsrfForm(draft): CsrfForm<ExtendDraft>,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    let (detail, _) = open(&state, &o, &id).await?;
    o.require(Permission::ExtendDeadline, &detail.application.program_id)?;
    let now = OffsetDateTime::now_utc();
    let result = match decision::parse_last_day(&draft.deadline) {
        Some(d) => {
            state
                .store
                .cohort()
                .extend_deadline(&id, d, &o.actor(), now)
                .await
        }
        None => Err(StoreError::Refused(Refusal::DeadlineNotLater)),
    };
    match result {
        Ok(()) => {
            state.wake_worker.notify_one();
            Ok(done(&id, "extended"))
        }
        Err(StoreError::Refused(_)) => {
            let ps = PageState {
                errors: vec![FieldError::new(
                    "new-deadline",
                    tr.t("decision-extend-invalid"),
                )],
                extend_deadline: draft.deadline.trim().to_owned(),
                ..PageState::default()
            };
            again(&state, tr, &headers, &o, &id, ps).await
        }
        Err(e) => Err(e.into()),
    }
}
