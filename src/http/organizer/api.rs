//! The organizers' JSON API, for the same review as the pages: a program's queue and one application.
//! Authenticated by the organizer's session cookie; the same roles, assignments and blind review apply.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::auth::{Organizer, current_organizer};
use crate::domain::access::Permission;
use crate::domain::offer::format_score;
use crate::http::AppState;
use crate::http::api_error::{ApiError, problem};
use crate::http::application::reference;
use crate::http::error::AppError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/organizer/programs/{program_id}/applications",
            get(queue),
        )
        .route("/api/v1/organizer/applications/{id}", get(application))
}

async fn organizer(state: &AppState, headers: &HeaderMap) -> Result<Organizer, ApiError> {
    current_organizer(state, headers).await?.ok_or_else(|| {
        problem(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Sign in as an organizer.".into(),
        )
    })
}

#[derive(Serialize, ToSchema)]
pub struct QueueItemJson {
    id: String,
    reference: String,
    /// `submitted`, `under_review`, `accepted`, `waitlisted`, …
    status: String,
    #[serde(with = "time::serde::rfc3339::option")]
    submitted_at: Option<OffsetDateTime>,
    /// Null in a blind review, for reviewers.
    name: Option<String>,
    /// ISO 3166 code; null in a blind review, for reviewers.
    nationality: Option<String>,
    /// Null in a blind review, for reviewers.
    institution: Option<String>,
    residence_country: Option<String>,
    category: Option<String>,
    documents_complete: bool,
    /// Mean score, like "3.67"; null before the first score.
    mean_score: Option<String>,
}

/// A program's applications past the draft stage (a reviewer's: those assigned to them).
#[utoipa::path(get, path = "/api/v1/organizer/programs/{program_id}/applications", tag = "organizers",
    params(("program_id" = String, Path)),
    responses((status = 200, body = [QueueItemJson]), (status = 401, body = super::super::api_error::ApiProblem),
        (status = 403, body = super::super::api_error::ApiProblem), (status = 404, body = super::super::api_error::ApiProblem)),
    security(("organizer_session" = [])))]
pub async fn queue(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(program_id): Path<String>,
) -> Result<Json<Vec<QueueItemJson>>, ApiError> {
    let o = organizer(&state, &headers).await?;
    let program = state
        .store
        .catalog()
        .programs()
        .await?
        .into_iter()
        .find(|p| p.program_id == program_id)
        .ok_or(AppError::NotFound)?;
    o.require(Permission::ViewProgram, &program_id)?;
    let assigned_to = if o.access.needs_assignment() {
        Some(o.organizer_id.as_str())
    } else {
        o.require(Permission::ViewAllApplications, &program_id)?;
        None
    };
    let blind = o.access.is_blinded(program.blind_review);
    let entries = state
        .store
        .review()
        .review_queue(&program_id, assigned_to)
        .await?;
    Ok(Json(
        entries
            .into_iter()
            .map(|e| QueueItemJson {
                reference: reference(&e.application_id),
                id: e.application_id,
                status: e.status.as_str().to_owned(),
                submitted_at: e.submitted_at,
                name: (!blind).then(|| {
                    [e.given_names, e.family_name]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" ")
                }),
                nationality: e.nationality.filter(|_| !blind),
                institution: e.institution.filter(|_| !blind),
                residence_country: e.residence_country,
                category: e.category,
                documents_complete: e.documents_complete,
                mean_score: e.mean_score.map(format_score),
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct ReviewDocumentJson {
    id: String,
    kind: String,
    /// Null in a blind review, for reviewers (file names often carry the applicant's name).
    file_name: Option<String>,
    content_type: String,
}

#[derive(Serialize, ToSchema)]
pub struct ReviewJson {
    id: String,
    reference: String,
    status: String,
    /// Whether identity fields are hidden from this organizer.
    blind: bool,
    given_names: Option<String>,
    family_name: Option<String>,
    certificate_name: Option<String>,
    email: Option<String>,
    nationality: Option<String>,
    institution: Option<String>,
    institution_country: Option<String>,
    residence_country: Option<String>,
    category: Option<String>,
    english_level: Option<String>,
    motivation: Option<String>,
    documents: Vec<ReviewDocumentJson>,
}

/// One application, as the review page shows it to this organizer.
#[utoipa::path(get, path = "/api/v1/organizer/applications/{id}", tag = "organizers", params(("id" = String, Path)),
    responses((status = 200, body = ReviewJson), (status = 401, body = super::super::api_error::ApiProblem),
        (status = 404, body = super::super::api_error::ApiProblem)),
    security(("organizer_session" = [])))]
pub async fn application(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<ReviewJson>, ApiError> {
    let o = organizer(&state, &headers).await?;
    let (detail, program) = super::review::open(&state, &o, &id).await?;
    let blind = o.access.is_blinded(program.blind_review);
    let a = detail.application;
    let f = a.form;
    let keep = |v: Option<String>| v.filter(|_| !blind);
    Ok(Json(ReviewJson {
        reference: reference(&a.application_id),
        id: a.application_id,
        status: a.status.as_str().to_owned(),
        blind,
        given_names: keep(f.given_names),
        family_name: keep(f.family_name),
        certificate_name: keep(f.certificate_name),
        email: keep(Some(a.applicant_email)),
        nationality: keep(f.nationality),
        institution: keep(f.institution),
        institution_country: keep(f.institution_country),
        residence_country: f.residence_country,
        category: f.category,
        english_level: f.english_level,
        motivation: f.motivation,
        documents: a
            .documents
            .into_iter()
            .map(|d| ReviewDocumentJson {
                id: d.document_id,
                kind: d.kind.as_str().to_owned(),
                file_name: keep(Some(d.file_name)),
                content_type: d.content_type,
            })
            .collect(),
    }))
}
