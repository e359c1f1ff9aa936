//! The applicant's JSON API: the same actions as the pages, for apps and scripts. Authenticated by the
//! session, sent either as `Authorization: Bearer <token>` or as the session cookie; JSON bodies only
//! (a cross-site form cannot send `application/json` without a preflight, so cookies cannot be abused).

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::routing::{get, post, put};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use validator::Validate;

use super::AppState;
use super::api_error::{ApiError, ApiProblem, problem};
use super::application::{self as pages, Step, Submitted};
use super::auth::{self, LINK_TTL, SESSION_TTL};
use super::error::AppError;
use super::lang::{Lang, safe_next};
use crate::domain::catalog::ApplicationWindow;
use crate::domain::document::{self, FileProblem};
use crate::domain::email::{EmailAddress, well_formed};
use crate::domain::problem::{Checked, Problem};
use crate::domain::status::DocumentKind;
use crate::email::render;
use crate::i18n::Tr;
use crate::store::{
    ApplicationRecord, NewSession, SignInLimits, SignInRequest, StoreError, TimelineEntry,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/sign-in", post(request_link))
        .route("/api/v1/sign-in/{token}", post(use_link))
        .route("/api/v1/me/applications", get(list))
        .route(
            "/api/v1/programs/{edition}/{program}/applications",
            post(start),
        )
        .route("/api/v1/applications/{id}", get(show))
        .route("/api/v1/applications/{id}/standing", get(standing))
        .route("/api/v1/applications/{id}/steps/{step}", put(save_step))
        .route(
            "/api/v1/applications/{id}/documents/{kind}",
            put(upload).layer(DefaultBodyLimit::max(12 * 1024 * 1024)),
        )
        .route("/api/v1/applications/{id}/submit", post(submit))
        .route("/api/v1/applications/{id}/withdraw", post(withdraw))
        .route("/api/v1/applications/{id}/timeline", get(timeline))
}

/// The applicant behind a bearer token or the session cookie.
pub struct ApiApplicant(pub auth::Applicant);

impl FromRequestParts<AppState> for ApiApplicant {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| t.len() == 64);
        let found = match bearer {
            Some(token) => {
                let hash = auth::sha256_hex(token);
                state
                    .store
                    .applicants()
                    .session(&hash, OffsetDateTime::now_utc())
                    .await?
                    .map(|i| auth::Applicant {
                        applicant_id: i.applicant_id,
                        email: i.email,
                        locale: i.locale,
                        session_hash: hash,
                    })
            }
            None => {
                // With the cookie, a write must carry a type a cross-site form cannot send (JSON, a
                // document's own type): those take a preflight we never grant, so a body-less or
                // form POST from another site cannot submit or withdraw on the applicant's behalf.
                let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD);
                let preflighted = parts
                    .headers
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.split(';').next())
                    .map(|t| t.trim().to_ascii_lowercase())
                    .is_some_and(|t| {
                        !matches!(
                            t.as_str(),
                            "" | "application/x-www-form-urlencoded"
                                | "multipart/form-data"
                                | "text/plain"
                        )
                    });
                let signed_in = auth::current_applicant(state, &parts.headers).await?;
                if signed_in.is_some() && unsafe_method && !preflighted {
                    return Err(problem(
                        StatusCode::FORBIDDEN,
                        "csrf",
                        "With the session cookie, send a JSON body with Content-Type: application/json (or use a bearer token).".into(),
                    ));
                }
                signed_in
            }
        };
        found.map(ApiApplicant).ok_or_else(|| {
            problem(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "Sign in first (POST /api/v1/sign-in).".into(),
            )
        })
    }
}

// ---- sign-in -------------------------------------------------------------------------------------

#[derive(Deserialize, ToSchema, Validate)]
pub struct SignInBody {
    #[validate(custom(function = "well_formed"))]
    email: String,
    /// Where the emailed link leads in the browser after sign-in.
    next: Option<String>,
}

impl Checked for SignInBody {
    const FIELDS: &'static [&'static str] = &["email"];
}

#[derive(Serialize, ToSchema)]
pub struct Accepted {
    status: &'static str,
}

/// Emails a single-use sign-in link (30 minutes). The answer is the same whether or not the address
/// is known, and when the address or the caller asked too often.
#[utoipa::path(post, path = "/api/v1/sign-in", tag = "applicants", request_body = SignInBody,
    responses((status = 202, body = Accepted), (status = 422, body = ApiProblem)))]
pub async fn request_link(
    State(state): State<AppState>,
    Lang(locale): Lang,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Json(body): Json<SignInBody>,
) -> Result<(StatusCode, Json<Accepted>), ApiError> {
    let tr = Tr(locale);
    let problems = body.problems();
    let email = match EmailAddress::parse(&body.email) {
        Ok(email) if problems.is_empty() => email,
        _ => return Err(ApiError::invalid(tr, &problems)),
    };
    let token = auth::random_token();
    let link = format!("{}/sign-in/link/{token}", state.config.public_url);
    let now = OffsetDateTime::now_utc();
    let next = safe_next(body.next);
    let requester = auth::keyed_hash(
        &state,
        "requester",
        &auth::client_ip(&state, &headers, peer),
    );
    let token_hash = auth::sha256_hex(&token);
    let request = SignInRequest {
        email: &email,
        locale,
        next_path: &next,
        requester: &requester,
        token_hash: &token_hash,
        expires_at: now + LINK_TTL,
        limits: SignInLimits::default(),
    };
    state
        .store
        .applicants()
        .request_sign_in(&request, &render::sign_in_link(tr, &email, &link), now)
        .await?;
    state.wake_worker.notify_one();
    Ok((StatusCode::ACCEPTED, Json(Accepted { status: "sent" })))
}

#[derive(Serialize, ToSchema)]
pub struct SessionBody {
    /// Send as `Authorization: Bearer <token>`. Valid 14 days.
    token: String,
    #[serde(with = "time::serde::rfc3339")]
    expires_at: OffsetDateTime,
}

/// Exchanges the token from an emailed link (the last part of its path) for a session token.
#[utoipa::path(post, path = "/api/v1/sign-in/{token}", tag = "applicants",
    params(("token" = String, Path, description = "the token from the emailed link")),
    responses((status = 200, body = SessionBody), (status = 410, body = ApiProblem)))]
pub async fn use_link(
    State(state): State<AppState>,
    Lang(locale): Lang,
    Path(token): Path<String>,
) -> Result<Json<SessionBody>, ApiError> {
    let session_token = auth::random_token();
    let session_hash = auth::sha256_hex(&session_token);
    let now = OffsetDateTime::now_utc();
    let expires_at = now + SESSION_TTL;
    let session = NewSession {
        session_hash: &session_hash,
        expires_at,
        replaces: None,
    };
    match state
        .store
        .applicants()
        .consume_sign_in(&auth::sha256_hex(&token), &session, now)
        .await
    {
        Ok(_) => Ok(Json(SessionBody {
            token: session_token,
            expires_at,
        })),
        Err(StoreError::NotFound | StoreError::Refused(_)) => Err(problem(
            StatusCode::GONE,
            "link_used_or_expired",
            Tr(locale).t("sign-in-invalid-body"),
        )),
        Err(e) => Err(e.into()),
    }
}

// ---- applications --------------------------------------------------------------------------------

#[derive(Serialize, ToSchema)]
pub struct DocumentJson {
    id: String,
    /// `cv`, `motivation_letter`, `proof_of_status`, `fee_proof`.
    kind: String,
    file_name: String,
    content_type: String,
    size_bytes: i64,
    sha256: String,
}

#[derive(Serialize, ToSchema)]
pub struct ApplicationJson {
    id: String,
    reference: String,
    edition: String,
    program: String,
    /// `draft`, `submitted`, `under_review`, `accepted`, `waitlisted`, `rejected`, `enrolled`, …
    status: String,
    #[serde(with = "time::serde::rfc3339::option")]
    submitted_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    applications_close_at: OffsetDateTime,
    /// The answers so far, by field name (as the steps take them).
    answers: HashMap<String, String>,
    documents: Vec<DocumentJson>,
    /// Whether everything needed to submit is there.
    complete: bool,
}

fn to_json(r: &ApplicationRecord) -> ApplicationJson {
    let mut answers = pages::values_of(r);
    answers.remove("consent");
    if let Some(v) = &r.form.privacy_version {
        answers.insert("privacy_version".into(), v.clone());
    }
    ApplicationJson {
        id: r.application_id.clone(),
        reference: pages::reference(&r.application_id),
        edition: r.edition_slug.clone(),
        program: r.program_slug.clone(),
        status: r.status.as_str().to_owned(),
        submitted_at: r.submitted_at,
        applications_close_at: r.application_closes_at,
        answers,
        documents: r
            .documents
            .iter()
            .map(|d| DocumentJson {
                id: d.document_id.clone(),
                kind: d.kind.as_str().to_owned(),
                file_name: d.file_name.clone(),
                content_type: d.content_type.clone(),
                size_bytes: d.size_bytes,
                sha256: d.sha256.clone(),
            })
            .collect(),
        complete: pages::gaps(r).is_empty(),
    }
}

/// The signed-in applicant's applications.
#[utoipa::path(get, path = "/api/v1/me/applications", tag = "applicants",
    responses((status = 200, body = [ApplicationJson]), (status = 401, body = ApiProblem), (status = 404, body = ApiProblem)),
    security(("session" = [])))]
pub async fn list(
    State(state): State<AppState>,
    ApiApplicant(a): ApiApplicant,
) -> Result<Json<Vec<ApplicationJson>>, ApiError> {
    let all = state
        .store
        .applications()
        .applications_of(&a.applicant_id)
        .await?;
    Ok(Json(all.iter().map(to_json).collect()))
}

/// Starts an application to a program (or returns the applicant's existing one: one per program).
#[utoipa::path(post, path = "/api/v1/programs/{edition}/{program}/applications", tag = "applicants",
    params(("edition" = String, Path), ("program" = String, Path)),
    responses((status = 201, body = ApplicationJson), (status = 200, body = ApplicationJson),
        (status = 409, body = ApiProblem), (status = 404, body = ApiProblem), (status = 401, body = ApiProblem), (status = 403, body = ApiProblem)),
    security(("session" = [])))]
pub async fn start(
    State(state): State<AppState>,
    Lang(locale): Lang,
    ApiApplicant(a): ApiApplicant,
    Path((edition, program)): Path<(String, String)>,
) -> Result<(StatusCode, Json<ApplicationJson>), ApiError> {
    let tr = Tr(locale);
    let snapshot = state.catalog.get(&state.config).await?;
    let p = snapshot
        .program(&edition, &program)
        .ok_or(AppError::NotFound)?;
    if p.window(OffsetDateTime::now_utc()) != ApplicationWindow::Open {
        return Err(problem(
            StatusCode::CONFLICT,
            "closed",
            tr.t("apply-closed"),
        ));
    }
    let (id, created) = match state
        .store
        .applications()
        .start_application(&a.applicant_id, &p.program_id, OffsetDateTime::now_utc())
        .await
    {
        Ok(r) => r,
        Err(StoreError::Refused(_)) => {
            return Err(problem(
                StatusCode::CONFLICT,
                "closed",
                tr.t("apply-closed"),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let record = state
        .store
        .applications()
        .application(&a.applicant_id, &id)
        .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(to_json(&record))))
}

/// One application of the signed-in applicant (404 for anyone else's).
#[utoipa::path(get, path = "/api/v1/applications/{id}", tag = "applicants", params(("id" = String, Path)),
    responses((status = 200, body = ApplicationJson), (status = 404, body = ApiProblem), (status = 401, body = ApiProblem)), security(("session" = [])))]
pub async fn show(
    State(state): State<AppState>,
    ApiApplicant(a): ApiApplicant,
    Path(id): Path<String>,
) -> Result<Json<ApplicationJson>, ApiError> {
    let record = state
        .store
        .applications()
        .application(&a.applicant_id, &id)
        .await?;
    Ok(Json(to_json(&record)))
}

#[derive(Serialize, ToSchema)]
pub struct OfferJson {
    /// `pending` (to pay), `paid`, `expired`, `cancelled`.
    status: String,
    amount_cents: i64,
    currency: &'static str,
    /// How the amount was reached, in the applicant's language.
    explanation: String,
    /// To quote with a bank transfer.
    payment_reference: String,
    #[serde(with = "time::serde::rfc3339")]
    deadline_at: OffsetDateTime,
}

#[derive(Serialize, ToSchema)]
pub struct StandingJson {
    /// The offer of a seat, once made.
    offer: Option<OfferJson>,
    /// 1 for the first in line; only while waitlisted.
    waitlist_position: Option<i64>,
    /// `program_full`, `profile`, `incomplete`, `language`, `other`; only when rejected.
    reject_reason: Option<String>,
}

/// Where an application stands: its offer (amount, deadline, payment reference), its place on the
/// waitlist, or why it was not accepted. To decline an offer, withdraw the application.
#[utoipa::path(get, path = "/api/v1/applications/{id}/standing", tag = "applicants", params(("id" = String, Path)),
    responses((status = 200, body = StandingJson), (status = 404, body = ApiProblem), (status = 401, body = ApiProblem)), security(("session" = [])))]
pub async fn standing(
    State(state): State<AppState>,
    ApiApplicant(a): ApiApplicant,
    Path(id): Path<String>,
) -> Result<Json<StandingJson>, ApiError> {
    // Ownership first: someone else's application is a 404.
    state
        .store
        .applications()
        .application(&a.applicant_id, &id)
        .await?;
    let s = state.store.cohort().standing(&id).await?;
    Ok(Json(StandingJson {
        offer: s.offer.map(|o| OfferJson {
            status: o.status.as_str().to_owned(),
            amount_cents: o.total_cents,
            currency: "EUR",
            explanation: o.explanation,
            payment_reference: o.payment_reference,
            deadline_at: o.deadline_at,
        }),
        waitlist_position: s.waitlist_position,
        reject_reason: s.reject_reason.map(|r| r.as_str().to_owned()),
    }))
}

/// Saves one step of a draft: `identity`, `contact`, `background`, `motivation` or `declaration`, with
/// the same field names as the form (dates as `birth_date-day`, `-month`, `-year`; `consent: "yes"`).
#[utoipa::path(put, path = "/api/v1/applications/{id}/steps/{step}", tag = "applicants",
    params(("id" = String, Path), ("step" = String, Path)),
    request_body(content = HashMap<String, String>, description = "field name → value"),
    responses((status = 200, body = ApplicationJson), (status = 422, body = ApiProblem), (status = 409, body = ApiProblem), (status = 401, body = ApiProblem), (status = 404, body = ApiProblem), (status = 403, body = ApiProblem)),
    security(("session" = [])))]
pub async fn save_step(
    State(state): State<AppState>,
    Lang(locale): Lang,
    ApiApplicant(a): ApiApplicant,
    Path((id, step)): Path<(String, String)>,
    Json(values): Json<HashMap<String, String>>,
) -> Result<Json<ApplicationJson>, ApiError> {
    let tr = Tr(locale);
    let step = Step::parse(&step).ok_or(AppError::NotFound)?;
    let now = OffsetDateTime::now_utc();
    let record = state
        .store
        .applications()
        .application(&a.applicant_id, &id)
        .await?;
    match pages::parse_and_check(&state, step, &values, now, &record).await? {
        Ok((columns, answers)) => {
            let saved = match state
                .store
                .applications()
                .save_form(&a.applicant_id, &id, &columns, now)
                .await
            {
                Ok(()) if !answers.is_empty() => {
                    state
                        .store
                        .applications()
                        .save_answers(&a.applicant_id, &id, &answers, now)
                        .await
                }
                other => other,
            };
            match saved {
                Ok(()) => {}
                Err(StoreError::Refused(_)) => {
                    return Err(problem(
                        StatusCode::CONFLICT,
                        "not_draft",
                        tr.t("application-next-submitted"),
                    ));
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(problems) => return Err(ApiError::invalid(tr, &problems)),
    }
    let record = state
        .store
        .applications()
        .application(&a.applicant_id, &id)
        .await?;
    Ok(Json(to_json(&record)))
}

/// Uploads a document as the raw request body (PDF, JPEG or PNG, at most 10 MB, recognised by its
/// content). The file name comes from the `X-File-Name` header.
#[utoipa::path(put, path = "/api/v1/applications/{id}/documents/{kind}", tag = "applicants",
    params(("id" = String, Path), ("kind" = String, Path, description = "cv, motivation_letter, proof_of_status")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = ApplicationJson), (status = 422, body = ApiProblem), (status = 401, body = ApiProblem), (status = 404, body = ApiProblem), (status = 403, body = ApiProblem)), security(("session" = [])))]
pub async fn upload(
    State(state): State<AppState>,
    Lang(locale): Lang,
    ApiApplicant(a): ApiApplicant,
    headers: HeaderMap,
    Path((id, kind)): Path<(String, String)>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<(StatusCode, Json<ApplicationJson>), ApiError> {
    let tr = Tr(locale);
    let kind: DocumentKind = kind.parse().map_err(|_| AppError::NotFound)?;
    let record = state
        .store
        .applications()
        .application(&a.applicant_id, &id)
        .await?;
    if !pages::needed_documents(&record).contains(&kind) {
        return Err(AppError::NotFound.into());
    }
    let invalid = |key: &'static str| ApiError::invalid(tr, &[Problem::new(kind.as_str(), key)]);
    let bytes = body.map_err(|_| invalid("error-file-too-large"))?;
    let file_type = document::check_file(&bytes).map_err(|p| {
        invalid(match p {
            FileProblem::Empty => "error-file-empty",
            FileProblem::TooLarge => "error-file-too-large",
            FileProblem::WrongType => "error-file-type",
        })
    })?;
    let raw_name = headers
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let name = document::clean_file_name(raw_name, file_type);
    match pages::store_document(
        &state,
        &a.applicant_id,
        &record.application_id,
        kind,
        &name,
        file_type,
        &bytes,
        OffsetDateTime::now_utc(),
    )
    .await
    {
        Ok(_) => {}
        Err(AppError::Internal(e))
            if e.downcast_ref::<StoreError>()
                .is_some_and(|s| matches!(s, StoreError::Refused(_))) =>
        {
            return Err(problem(
                StatusCode::CONFLICT,
                "not_draft",
                tr.t("application-next-submitted"),
            ));
        }
        Err(e) => return Err(e.into()),
    }
    let record = state
        .store
        .applications()
        .application(&a.applicant_id, &id)
        .await?;
    Ok((StatusCode::CREATED, Json(to_json(&record))))
}

/// Sends a complete draft; the "application received" email goes out.
#[utoipa::path(post, path = "/api/v1/applications/{id}/submit", tag = "applicants", params(("id" = String, Path)),
    responses((status = 200, body = ApplicationJson), (status = 409, body = ApiProblem), (status = 401, body = ApiProblem), (status = 404, body = ApiProblem), (status = 403, body = ApiProblem)), security(("session" = [])))]
pub async fn submit(
    State(state): State<AppState>,
    Lang(locale): Lang,
    ApiApplicant(a): ApiApplicant,
    Path(id): Path<String>,
) -> Result<Json<ApplicationJson>, ApiError> {
    let tr = Tr(locale);
    let record = state
        .store
        .applications()
        .application(&a.applicant_id, &id)
        .await?;
    match pages::send(&state, tr, &a.applicant_id, &record).await? {
        Submitted::Sent => {}
        Submitted::Incomplete => {
            return Err(problem(
                StatusCode::CONFLICT,
                "incomplete",
                tr.t("check-incomplete"),
            ));
        }
        Submitted::NotOpen => {
            return Err(problem(
                StatusCode::CONFLICT,
                "not_draft",
                tr.t("application-next-none"),
            ));
        }
    }
    let record = state
        .store
        .applications()
        .application(&a.applicant_id, &id)
        .await?;
    Ok(Json(to_json(&record)))
}

/// Withdraws an application that is still open.
#[utoipa::path(post, path = "/api/v1/applications/{id}/withdraw", tag = "applicants", params(("id" = String, Path)),
    responses((status = 200, body = ApplicationJson), (status = 409, body = ApiProblem), (status = 401, body = ApiProblem), (status = 404, body = ApiProblem), (status = 403, body = ApiProblem)), security(("session" = [])))]
pub async fn withdraw(
    State(state): State<AppState>,
    Lang(locale): Lang,
    ApiApplicant(a): ApiApplicant,
    Path(id): Path<String>,
) -> Result<Json<ApplicationJson>, ApiError> {
    let tr = Tr(locale);
    match state
        .store
        .submission()
        .withdraw_application(&a.applicant_id, &id, OffsetDateTime::now_utc())
        .await
    {
        Ok(()) => {}
        Err(StoreError::Refused(_)) => {
            return Err(problem(
                StatusCode::CONFLICT,
                "not_open",
                tr.t("application-next-none"),
            ));
        }
        Err(e) => return Err(e.into()),
    }
    let record = state
        .store
        .applications()
        .application(&a.applicant_id, &id)
        .await?;
    Ok(Json(to_json(&record)))
}

#[derive(Serialize, ToSchema)]
pub struct TimelineJson {
    #[serde(with = "time::serde::rfc3339")]
    at: OffsetDateTime,
    /// `event` or `email`.
    kind: &'static str,
    /// The event (`application.submitted`) or the email's subject.
    what: String,
    /// For emails: whether it has been delivered.
    #[serde(skip_serializing_if = "Option::is_none")]
    sent: Option<bool>,
}

/// What happened to an application: state changes and emails, oldest first.
#[utoipa::path(get, path = "/api/v1/applications/{id}/timeline", tag = "applicants", params(("id" = String, Path)),
    responses((status = 200, body = [TimelineJson]), (status = 404, body = ApiProblem), (status = 401, body = ApiProblem)), security(("session" = [])))]
pub async fn timeline(
    State(state): State<AppState>,
    ApiApplicant(a): ApiApplicant,
    Path(id): Path<String>,
) -> Result<Json<Vec<TimelineJson>>, ApiError> {
    let entries = state
        .store
        .applications()
        .timeline(&a.applicant_id, &id)
        .await?;
    Ok(Json(
        entries
            .into_iter()
            .map(|e| match e {
                TimelineEntry::Event { at, action } => TimelineJson {
                    at,
                    kind: "event",
                    what: action.as_str().to_owned(),
                    sent: None,
                },
                TimelineEntry::Email { at, subject, sent } => TimelineJson {
                    at,
                    kind: "email",
                    what: subject,
                    sent: Some(sent),
                },
            })
            .collect(),
    ))
}
