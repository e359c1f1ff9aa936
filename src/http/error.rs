//! Page errors. Handlers return `AppError` and use `?`; unexpected errors are logged with their cause
//! chain and answered with an opaque page; the page itself is rendered by the `error_pages` middleware,
//! which knows the visitor's language.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::views::{ErrorTemplate, Layout};
use crate::config::Config;
use crate::domain::locale::Locale;
use crate::i18n::Tr;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// A form without its CSRF token, or with another visitor's.
    #[error("forbidden")]
    Forbidden,
    /// A signed-in organizer whose role does not allow this.
    #[error("denied")]
    Denied,
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorPage {
    NotFound,
    Forbidden,
    Denied,
    Unavailable,
    Internal,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, page) = match &self {
            AppError::NotFound => (StatusCode::NOT_FOUND, ErrorPage::NotFound),
            AppError::Forbidden => (StatusCode::FORBIDDEN, ErrorPage::Forbidden),
            AppError::Denied => (StatusCode::FORBIDDEN, ErrorPage::Denied),
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

/// The full error page.
pub fn render(page: ErrorPage, locale: Locale, config: &Config) -> Response {
    let tr = Tr(locale);
    let (status, title, body) = match page {
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
