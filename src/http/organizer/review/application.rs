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
use crate::domain::money::{Currency, Money};
use crate::domain::offer::{self, Adjustment, format_score};
use crate::domain::refusal::Refusal;
use crate::domain::status::{ApplicationStatus, OrganizerRole, RejectReason};
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
use crate::store::cohort::{DecisionKind, DecisionOutcome};

use super::{blinded_labels, money, open, reason_options};

#[derive(Default)]
struct PageState {
    errors: Vec<FieldError>,
    notice: Option<String>,
    /// What the decision form held when it was refused.
    decision: HashMap<String, String>,
    scores: HashMap<String, String>,
    comment: String,
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
                .find(|e| e.field == format!("score-{}", c.key))
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
    let standing = state.store.standing(id).await?;
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
    let field = |k: &str, default: String| ps.decision.get(k).cloned().unwrap_or(default);
    let requested = a.form.requested_fee_tier.clone().unwrap_or_default();
    let tier_current = field("tier", requested);
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
        adjustment: field("adjustment", "none".into()),
        amount: field("amount", String::new()),
        reason: field("reason", String::new()),
        deadline: field("deadline", default_deadline.to_string()),
        reject_options: reason_options(tr, &field("reject_reason", String::new())),
        error: ps
            .errors
            .iter()
            .find(|e| e.field == "decision")
            .map(|e| e.message.clone()),
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
    let d = state.store.application_document(&id, &document_id).await?;
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

pub(super) async fn save_scores(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(o): RequireOrganizer,
    Path(id): Path<String>,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    // The page again, with the problem and what was typed.
    let again = async |ps: PageState| {
        render_application(
            &state,
            tr,
            &headers,
            &o,
            &id,
            ps,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await
    };
    let (detail, program) = open(&state, &o, &id).await?;
    o.require(Permission::Review, &detail.application.program_id)?;
    let mut errors = Vec::new();
    let mut scores = Vec::new();
    let mut typed = HashMap::new();
    for c in &program.rubric {
        let raw = value(&pairs, &format!("score-{}", c.key)).trim().to_owned();
        typed.insert(c.key.clone(), raw.clone());
        match raw.parse::<i32>() {
            Ok(v) if (1..=5).contains(&v) => scores.push((c.key.clone(), v)),
            _ => errors.push(FieldError {
                field: format!("score-{}", c.key),
                message: tr.t1("review-score-invalid", "criterion", c.label.get(locale)),
            }),
        }
    }
    if !errors.is_empty() {
        let ps = PageState {
            errors,
            scores: typed,
            ..PageState::default()
        };
        return again(ps).await;
    }
    match state
        .store
        .save_scores(&id, &o.organizer_id, &scores, OffsetDateTime::now_utc())
        .await
    {
        Ok(()) => Ok(done(&id, "scored")),
        Err(StoreError::Refused(_)) => Err(AppError::Denied),
        Err(e) => Err(e.into()),
    }
}

fn done(id: &str, what: &str) -> Response {
    Redirect::to(&format!("/organizer/applications/{id}?done={what}")).into_response()
}

pub(super) async fn comment(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(o): RequireOrganizer,
    Path(id): Path<String>,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    // The page again, with the problem and what was typed.
    let again = async |ps: PageState| {
        render_application(
            &state,
            tr,
            &headers,
            &o,
            &id,
            ps,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await
    };
    let (detail, _) = open(&state, &o, &id).await?;
    o.require(Permission::Review, &detail.application.program_id)?;
    let body = value(&pairs, "comment").trim().to_owned();
    let length = body.chars().count();
    if length == 0 || length > 5000 {
        let ps = PageState {
            errors: vec![FieldError {
                field: "comment".into(),
                message: tr.t("review-comment-invalid"),
            }],
            comment: body,
            ..PageState::default()
        };
        return again(ps).await;
    }
    state
        .store
        .add_comment(&id, &o.organizer_id, &body, OffsetDateTime::now_utc())
        .await?;
    Ok(done(&id, "commented"))
}

pub(super) async fn reviewers(
    State(state): State<AppState>,
    RequireOrganizer(o): RequireOrganizer,
    Path(id): Path<String>,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, AppError> {
    let (detail, _) = open(&state, &o, &id).await?;
    let program_id = detail.application.program_id.clone();
    o.require(Permission::AssignReviewers, &program_id)?;
    let now = OffsetDateTime::now_utc();
    let target = value(&pairs, "organizer");
    match value(&pairs, "action") {
        "assign" => {
            // Only someone who reviews this program can be assigned.
            let team = state.store.organizers(&o.organization_id, now).await?;
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
                .assign_reviewer(&id, target, &o.actor(), now)
                .await?;
            Ok(done(&id, "assigned"))
        }
        "unassign" => {
            state
                .store
                .unassign_reviewer(&id, target, &o.actor(), now)
                .await?;
            Ok(done(&id, "unassigned"))
        }
        _ => Ok(done(&id, "nobody")),
    }
}

/// A reviewer declares their own conflict of interest; a director can set anyone's.
pub(super) async fn conflict(
    State(state): State<AppState>,
    RequireOrganizer(o): RequireOrganizer,
    Path(id): Path<String>,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, AppError> {
    let (detail, _) = open(&state, &o, &id).await?;
    let program_id = detail.application.program_id.clone();
    let target = match value(&pairs, "organizer") {
        "" => o.organizer_id.clone(),
        other => other.to_owned(),
    };
    if target != o.organizer_id {
        o.require(Permission::AssignReviewers, &program_id)?;
    } else {
        o.require(Permission::Review, &program_id)?;
    }
    let conflict = value(&pairs, "conflict") == "yes";
    state
        .store
        .set_conflict(
            &id,
            &target,
            conflict,
            &o.actor(),
            OffsetDateTime::now_utc(),
        )
        .await?;
    Ok(done(&id, if conflict { "conflict" } else { "no-conflict" }))
}

/// A last day to pay, `YYYY-MM-DD` as date inputs send it: its end, midnight in Paris.
fn parse_last_day(raw: &str) -> Option<OffsetDateTime> {
    time::Date::parse(
        raw.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
    .map(offer::end_of_paris_day)
}

fn parse_cents(raw: &str) -> Option<i64> {
    Money::parse_decimal(raw.trim(), Currency::Eur)
        .ok()
        .map(Money::cents)
}

pub(super) async fn decide(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(o): RequireOrganizer,
    Path(id): Path<String>,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    // The page again, with the problem and what was typed.
    let again = async |ps: PageState| {
        render_application(
            &state,
            tr,
            &headers,
            &o,
            &id,
            ps,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await
    };
    let (detail, _) = open(&state, &o, &id).await?;
    o.require(Permission::Decide, &detail.application.program_id)?;
    let typed: HashMap<String, String> =
        pairs.iter().filter(|(k, _)| k != "csrf").cloned().collect();
    let refuse = |message: String| PageState {
        errors: vec![FieldError {
            field: "decision".into(),
            message,
        }],
        decision: typed.clone(),
        ..PageState::default()
    };
    let now = OffsetDateTime::now_utc();
    let decision = match value(&pairs, "decision") {
        "accept" => {
            let reason = value(&pairs, "reason").to_owned();
            let amount = value(&pairs, "amount");
            let adjustment = match value(&pairs, "adjustment") {
                "waiver" => parse_cents(amount).map(|cents| Adjustment::Waiver { cents, reason }),
                "full_waiver" => Some(Adjustment::FullWaiver { reason }),
                "set_price" => {
                    parse_cents(amount).map(|cents| Adjustment::SetPrice { cents, reason })
                }
                _ => Some(Adjustment::None),
            };
            let Some(adjustment) = adjustment else {
                let ps = refuse(tr.t("decision-amount-invalid"));
                return again(ps).await;
            };
            let deadline = parse_last_day(value(&pairs, "deadline")).filter(|d| *d > now);
            let Some(deadline) = deadline else {
                let ps = refuse(tr.t("decision-deadline-invalid"));
                return again(ps).await;
            };
            DecisionKind::Accept {
                tier_code: Some(value(&pairs, "tier").to_owned()).filter(|t| !t.is_empty()),
                adjustment,
                deadline,
            }
        }
        "waitlist" => DecisionKind::Waitlist,
        "reject" => match value(&pairs, "reject_reason").parse::<RejectReason>() {
            Ok(reason) => DecisionKind::Reject { reason },
            Err(_) => {
                let ps = refuse(tr.t("decision-reason-missing"));
                return again(ps).await;
            }
        },
        _ => return Ok(done(&id, "nothing")),
    };
    match state.store.decide(&id, &decision, &o.actor(), now).await {
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
            let message = match r {
                Refusal::Full => tr.t("decision-full"),
                Refusal::Price(_) => tr.t("decision-price-invalid"),
                _ => tr.t("decision-state"),
            };
            let ps = refuse(message);
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
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    // The page again, with the problem and what was typed.
    let again = async |ps: PageState| {
        render_application(
            &state,
            tr,
            &headers,
            &o,
            &id,
            ps,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await
    };
    let (detail, _) = open(&state, &o, &id).await?;
    o.require(Permission::ExtendDeadline, &detail.application.program_id)?;
    let now = OffsetDateTime::now_utc();
    let result = match parse_last_day(value(&pairs, "deadline")) {
        Some(d) => state.store.extend_deadline(&id, d, &o.actor(), now).await,
        None => Err(StoreError::Refused(Refusal::DeadlineNotLater)),
    };
    match result {
        Ok(()) => {
            state.wake_worker.notify_one();
            Ok(done(&id, "extended"))
        }
        Err(StoreError::Refused(_)) => {
            let ps = PageState {
                errors: vec![FieldError {
                    field: "deadline".into(),
                    message: tr.t("decision-extend-invalid"),
                }],
                ..PageState::default()
            };
            again(ps).await
        }
        Err(e) => Err(e.into()),
    }
}
