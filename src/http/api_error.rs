//! Errors of the JSON APIs (the applicant's and the organizers'), in one shape: a stable code, a
//! message in the caller's language, and the fields to fix when there are any. Every failure a
//! handler returns (`AppError`, `StoreError`) maps here once.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use super::error::AppError;
use crate::domain::locale::Locale;
use crate::domain::problem::Problem;
use crate::i18n::Tr;
use crate::store::StoreError;

/// An API error: a stable code, a message in the caller's language, and field problems when relevant.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiProblem {
    /// `unauthenticated`, `not_found`, `invalid`, `incomplete`, `closed`, `not_draft`, `unavailable`.
    error: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fields: Vec<FieldProblem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldProblem {
    field: String,
    /// The message key, stable across languages (`error-date-real`).
    code: String,
    message: String,
}

pub struct ApiError(StatusCode, ApiProblem);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(self.1)).into_response()
    }
}

pub fn problem(status: StatusCode, error: &'static str, message: String) -> ApiError {
    ApiError(
        status,
        ApiProblem {
            error,
            message,
            fields: Vec::new(),
        },
    )
}

impl ApiError {
    /// A 422 naming every field to fix, with its stable code and its message in the caller's
    /// language.
    pub(crate) fn invalid(tr: Tr, problems: &[Problem]) -> ApiError {
        ApiError(
            StatusCode::UNPROCESSABLE_ENTITY,
            ApiProblem {
                error: "invalid",
                message: match problems {
                    [one] => tr.problem(one),
                    _ => tr.t("error-summary-title"),
                },
                fields: problems
                    .iter()
                    .map(|p| FieldProblem {
                        field: p.field.to_owned(),
                        code: p.key.to_owned(),
                        message: tr.problem(p),
                    })
                    .collect(),
            },
        )
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound => problem(
                StatusCode::NOT_FOUND,
                "not_found",
                "There is nothing at this address.".into(),
            ),
            AppError::BadForm => problem(
                StatusCode::BAD_REQUEST,
                "invalid",
                "The request body could not be read.".into(),
            ),
            AppError::Forbidden | AppError::Denied => {
                problem(StatusCode::FORBIDDEN, "forbidden", "Not allowed.".into())
            }
            AppError::Refused(refusal) => problem(
                super::error::refusal_status(&refusal),
                refusal.code(),
                Tr(Locale::En).t(&refusal.message_key()),
            ),
            AppError::Conflict(constraint) => {
                tracing::warn!(%constraint, "api request lost a race");
                problem(
                    StatusCode::CONFLICT,
                    "conflict",
                    "The same thing was changed at the same moment; try again.".into(),
                )
            }
            AppError::Unavailable => problem(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "The service is unavailable for a moment; try again.".into(),
            ),
            AppError::Internal(e) => {
                tracing::error!(error = ?e, "api request failed");
                problem(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "unavailable",
                    "The service failed; try again.".into(),
                )
            }
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        AppError::from(e).into()
    }
}
