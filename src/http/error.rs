//! Page errors. Handlers return `AppError` and use `?`; unexpected errors are logged with their cause
//! chain and answered with an opaque page; the page itself is rendered by the `error_pages` middleware,
//! which knows the visitor's language.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::views::{ErrorTemplate, Layout};
use crate::config::Config;
use crate::domain::locale::Locale;
use crate::domain::refusal::Refusal;
use crate::i18n::Tr;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// A form without its CSRF token, or with another visitor's.
    #[error("forbidden")]
    Forbidden,
    /// A posted body that is not the form the page sends (400).
    #[error("the form could not be read")]
    BadForm,
    /// A signed-in organizer whose role does not allow this.
    #[error("denied")]
    Denied,
    /// The state does not allow what was asked (a handler that expected it answers better; one that
    /// did not still gets a page that says why, in the visitor's language).
    #[error("refused: {0}")]
    Refused(Refusal),
    /// Two requests changed the same thing at once and this one lost: try again.
    #[error("conflict with constraint `{0}`")]
    Conflict(String),
    /// The database does not answer (down, unreachable, every connection busy): 503, try again.
    #[error("the database is unavailable")]
    Unavailable,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Refused(refusal) => AppError::Refused(refusal),
            StoreError::Conflict { constraint } => AppError::Conflict(constraint),
            StoreError::Database(db) if is_outage(&db) => {
                tracing::warn!(error = %db, "the database is unavailable");
                AppError::Unavailable
            }
            other => AppError::Internal(other.into()),
        }
    }
}

/// Whether a database error says the database cannot be reached now, rather than that a query is
/// wrong: the visitor is told to try again (503), not that the service is broken.
fn is_outage(e: &sqlx::Error) -> bool {
    matches!(
        e,
        sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed
    )
}

/// The marker the middleware turns into a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorPage {
    NotFound,
    Forbidden,
    Denied,
    BadForm,
    Refused(Refusal),
    Conflict,
    Unavailable,
    Internal,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, page) = match &self {
            AppError::NotFound => (StatusCode::NOT_FOUND, ErrorPage::NotFound),
            AppError::Forbidden => (StatusCode::FORBIDDEN, ErrorPage::Forbidden),
            AppError::Denied => (StatusCode::FORBIDDEN, ErrorPage::Denied),
            AppError::BadForm => (StatusCode::BAD_REQUEST, ErrorPage::BadForm),
            AppError::Refused(refusal) => {
                tracing::info!(refusal = refusal.code(), "request refused");
                (refusal_status(refusal), ErrorPage::Refused(refusal.clone()))
            }
            AppError::Conflict(constraint) => {
                tracing::warn!(%constraint, "request lost a race");
                (StatusCode::CONFLICT, ErrorPage::Conflict)
            }
            AppError::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, ErrorPage::Unavailable),
            AppError::Internal(e) => {
                tracing::error!(error = ?e, "request failed");
                (StatusCode::INTERNAL_SERVER_ERROR, ErrorPage::Internal)
            }
        };
        let mut response = (status, "").into_response();
        response.extensions_mut().insert(page);
        response
    }
}

/// The status a refusal answers with: 422 when the request lacks something the visitor can add,
/// 423 for a locked account, else 409 (the state does not allow it now).
pub fn refusal_status(refusal: &Refusal) -> StatusCode {
    match refusal {
        Refusal::NoReason | Refusal::RefundTooLarge | Refusal::Price(_) => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Refusal::Locked => StatusCode::LOCKED,
        _ => StatusCode::CONFLICT,
    }
}

/// The full error page.
pub fn render(page: ErrorPage, locale: Locale, config: &Config) -> Response {
    let tr = Tr(locale);
    let (status, title, body) = match &page {
        ErrorPage::NotFound => (
            StatusCode::NOT_FOUND,
            tr.t("not-found-title"),
            tr.t("not-found-body"),
        ),
        ErrorPage::Forbidden => (
            StatusCode::FORBIDDEN,
            tr.t("forbidden-title"),
            tr.t("forbidden-body"),
        ),
        ErrorPage::Denied => (
            StatusCode::FORBIDDEN,
            tr.t("denied-title"),
            tr.t("denied-body"),
        ),
        ErrorPage::BadForm => (
            StatusCode::BAD_REQUEST,
            tr.t("bad-form-title"),
            tr.t("bad-form-body"),
        ),
        ErrorPage::Refused(refusal) => (
            refusal_status(refusal),
            tr.t("refused-title"),
            tr.t(&refusal.message_key()),
        ),
        ErrorPage::Conflict => (
            StatusCode::CONFLICT,
            tr.t("conflict-title"),
            tr.t("conflict-body"),
        ),
        ErrorPage::Unavailable => (
            StatusCode::SERVICE_UNAVAILABLE,
            tr.t("unavailable-title"),
            tr.t("unavailable-body"),
        ),
        ErrorPage::Internal => (
            StatusCode::INTERNAL_SERVER_ERROR,
            tr.t("error-title"),
            tr.t("error-body"),
        ),
    };
    let template = ErrorTemplate {
        layout: Layout::new(tr, "/", &title, config),
        heading: &title,
        body: &body,
        show_home_link: !matches!(page, ErrorPage::Internal | ErrorPage::Unavailable),
    };
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "error page failed to render");
            (status, title).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    /// A refusal nobody caught answers with its own status and sentence in the visitor's
    /// language, never with the 500 page.
    #[tokio::test]
    async fn a_refusal_is_a_page_that_says_why() {
        let config = Config::from_map(&HashMap::new()).expect("the embedded defaults");
        let error = AppError::from(StoreError::Refused(Refusal::Full));
        let response = error.into_response();
        assert_eq!(response.status(), StatusCode::CONFLICT);
        let page = response
            .extensions()
            .get::<ErrorPage>()
            .cloned()
            .expect("a marked page");
        let rendered = render(page, Locale::Fr, &config);
        assert_eq!(rendered.status(), StatusCode::CONFLICT);
        let body = axum::body::to_bytes(rendered.into_body(), 1 << 20)
            .await
            .expect("the page");
        let html = String::from_utf8(body.to_vec()).expect("UTF-8");
        assert!(
            html.contains("Il ne reste aucune place dans ce programme."),
            "{html}"
        );

        let lost = AppError::from(StoreError::Conflict {
            constraint: "certificate_serial_key".into(),
        });
        assert_eq!(lost.into_response().status(), StatusCode::CONFLICT);
        assert_eq!(
            AppError::from(StoreError::Refused(Refusal::NoReason))
                .into_response()
                .status(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
}
