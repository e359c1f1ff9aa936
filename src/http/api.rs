//! The JSON API (`/api/v1/…`) and its OpenAPI document (`/api/openapi.json`).

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::{OpenApi, ToSchema};

use super::AppState;
use crate::domain::catalog::{ApplicationWindow, LocalizedText};
use crate::store::ProgramRecord;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/programs", get(list_programs))
        .route("/api/openapi.json", get(openapi))
}

/// API errors, always JSON.
#[derive(Debug)]
pub enum ApiError {
    NotFound,
    Unavailable,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// A stable code: `not_found`, `unavailable`.
    error: &'static str,
    message: &'static str,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, error, message) = match self {
            ApiError::NotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                "There is nothing at this address.",
            ),
            ApiError::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "The service cannot answer right now; try again.",
            ),
        };
        (status, Json(ErrorBody { error, message })).into_response()
    }
}

#[derive(Serialize, ToSchema)]
pub struct Text {
    en: String,
    fr: String,
}

impl From<&LocalizedText> for Text {
    fn from(t: &LocalizedText) -> Self {
        Text {
            en: t.en.clone(),
            fr: t.fr.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct FeeJson {
    code: String,
    label: Text,
    /// Minor units (cents).
    amount_cents: i64,
    currency: &'static str,
    standard: bool,
}

#[derive(Serialize, ToSchema)]
pub struct WindowJson {
    #[serde(with = "time::serde::rfc3339")]
    opens_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    closes_at: OffsetDateTime,
    /// `not_yet_open`, `open` or `closed` when the list was produced.
    #[schema(value_type = String)]
    state: ApplicationWindow,
}

/// A program as published.
#[derive(Serialize, ToSchema)]
pub struct ProgramJson {
    edition: String,
    edition_is_demo: bool,
    slug: String,
    url: String,
    title: Text,
    summary: Text,
    teaching_language: String,
    /// `YYYY-MM-DD`.
    #[schema(format = Date)]
    starts_on: String,
    /// `YYYY-MM-DD`.
    #[schema(format = Date)]
    ends_on: String,
    places: Vec<String>,
    ects: i32,
    hours: i32,
    /// `attestation_of_success`, `afgsu2`.
    certifications: Vec<String>,
    fees: Vec<FeeJson>,
    capacity: i32,
    seats_left: i32,
    applications: WindowJson,
    contact_email: String,
}

impl ProgramJson {
    pub fn new(p: &ProgramRecord, public_url: &str, now: OffsetDateTime) -> Self {
        ProgramJson {
            edition: p.edition_slug.clone(),
            edition_is_demo: p.edition_is_demo,
            slug: p.slug.clone(),
            url: format!("{public_url}/programs/{}/{}", p.edition_slug, p.slug),
            title: (&p.title).into(),
            summary: (&p.summary).into(),
            teaching_language: p.teaching_language.tag().to_owned(),
            starts_on: p.starts_on.to_string(),
            ends_on: p.ends_on.to_string(),
            places: p.places.clone(),
            ects: p.ects,
            hours: p.hours,
            certifications: p
                .certifications
                .iter()
                .map(|c| c.as_str().to_owned())
                .collect(),
            fees: p
                .fee_tiers
                .iter()
                .map(|t| FeeJson {
                    code: t.code.clone(),
                    label: (&t.label).into(),
                    amount_cents: t.amount.cents(),
                    currency: t.amount.currency().code(),
                    standard: t.is_standard,
                })
                .collect(),
            capacity: p.capacity,
            seats_left: p.seats_left(),
            applications: WindowJson {
                opens_at: p.application_opens_at,
                closes_at: p.application_closes_at,
                state: p.window(now),
            },
            contact_email: p.contact_email.clone(),
        }
    }
}

/// Every published program of every edition (a demo edition first, then the newest).
#[utoipa::path(get, path = "/api/v1/programs", tag = "catalog",
    responses((status = 200, body = [ProgramJson]), (status = 503, body = ErrorBody)))]
pub async fn list_programs(State(state): State<AppState>) -> Result<Response, ApiError> {
    let snapshot = state.catalog.get(&state.config).await.map_err(|e| {
        tracing::error!(error = %e, "program list unavailable");
        ApiError::Unavailable
    })?;
    let headers = [(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    )];
    Ok((headers, snapshot.api_json.clone()).into_response())
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "summer-school",
        description = "Programs, applications and certificates of the summer schools."
    ),
    paths(
        list_programs,
        super::health::healthz,
        super::applicant_api::request_link,
        super::applicant_api::use_link,
        super::applicant_api::list,
        super::applicant_api::start,
        super::applicant_api::show,
        super::applicant_api::standing,
        super::applicant_api::save_step,
        super::applicant_api::upload,
        super::applicant_api::submit,
        super::applicant_api::withdraw,
        super::applicant_api::timeline,
        super::organizer::api::queue,
        super::organizer::api::application,
    ),
    components(schemas(
        ProgramJson,
        FeeJson,
        WindowJson,
        Text,
        ErrorBody,
        super::health::Health,
        super::api_error::ApiProblem,
        super::api_error::FieldProblem,
        super::applicant_api::SignInBody,
        super::applicant_api::Accepted,
        super::applicant_api::SessionBody,
        super::applicant_api::ApplicationJson,
        super::applicant_api::DocumentJson,
        super::applicant_api::TimelineJson,
        super::applicant_api::StandingJson,
        super::applicant_api::OfferJson,
        super::organizer::api::QueueItemJson,
        super::organizer::api::ReviewJson,
        super::organizer::api::ReviewDocumentJson,
    )),
    modifiers(&SessionAuth)
)]
pub struct ApiDoc;

/// Declares the applicant session as a bearer token.
struct SessionAuth;

impl utoipa::Modify for SessionAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).description(Some(
                "The token from POST /api/v1/sign-in/{token}, or the session cookie of a signed-in browser.",
            )).build()),
        );
        components.add_security_scheme(
            "organizer_session",
            SecurityScheme::ApiKey(utoipa::openapi::security::ApiKey::Cookie(
                utoipa::openapi::security::ApiKeyValue::with_description(
                    "ss_organizer",
                    "The session cookie of an organizer signed in at /organizer/sign-in.",
                ),
            )),
        );
    }
}

/// The OpenAPI 3.1 document of the JSON API.
async fn openapi() -> Response {
    static DOC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let body = DOC.get_or_init(|| {
        ApiDoc::openapi()
            .to_pretty_json()
            .unwrap_or_else(|_| "{}".to_owned())
    });
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body.as_str(),
    )
        .into_response()
}
