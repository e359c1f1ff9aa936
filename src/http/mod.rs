//! HTTP: one module per resource, each with its own `router()`, merged here with the layers every
//! request goes through (request id, tracing, timeouts, security headers, localized error pages).
//!
//! Errors: page handlers return [`error::AppError`] (rendered as a page in the visitor's language by
//! the `error_pages` middleware); API handlers return [`api::ApiError`] (JSON).

pub mod api;
pub mod api_error;
pub mod applicant_api;
pub mod application;
pub mod auth;
pub mod cache;
pub mod cookies;
pub mod demo;
pub mod error;
pub mod forms;
pub mod graduates;
pub mod health;
pub mod lang;
pub mod organizer;
pub mod payment;
pub mod public;
pub mod sign_in;
pub mod verify;
pub mod views;
pub mod visa;
pub mod webhook;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tokio::sync::Notify;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::config::{Config, Secret};
use crate::store::Store;
use crate::store::areas::Stores;
use crate::store::blobs::BlobStore;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState(Arc<AppInner>);

pub struct AppInner {
    /// The database, handed out by area (`state.store.review()`).
    pub store: Stores,
    /// Settings read at start.
    pub config: Arc<Config>,
    /// The public catalog and its pre-rendered pages, refreshed from the store at most once a second.
    pub catalog: cache::PublicCatalog,
    /// Wakes the in-process worker when a job is queued, so email leaves at once.
    pub wake_worker: Arc<Notify>,
    /// Keys CSRF tokens and requester hashes.
    pub secret_key: Secret,
    /// Uploaded documents.
    pub blobs: Arc<dyn BlobStore>,
    /// Signs certificates; its public half is published and checks them.
    pub signing_key: ed25519_dalek::SigningKey,
    /// PDF-signs certificates and visa letters as they are downloaded.
    pub sealer: Arc<crate::documents::seal::Sealer>,
    /// Signature images printed on certificates (`CERTIFICATES_DIR/signatures/`).
    pub signatures: Arc<crate::documents::signatures::SignatureImages>,
    /// Opens checkouts (Stripe, or the simulated one).
    pub payments: Arc<dyn crate::payments::PaymentProvider>,
}

/// What documents of record are signed with: the records (Ed25519) and their PDF files (X.509).
pub struct IssuerKeys {
    pub signing_key: ed25519_dalek::SigningKey,
    pub sealer: Arc<crate::documents::seal::Sealer>,
}

impl std::ops::Deref for AppState {
    type Target = AppInner;
    fn deref(&self) -> &AppInner {
        &self.0
    }
}

impl AppState {
    pub fn new(
        store: Arc<dyn Store>,
        config: Arc<Config>,
        secret_key: Secret,
        wake_worker: Arc<Notify>,
        blobs: Arc<dyn BlobStore>,
        payments: Arc<dyn crate::payments::PaymentProvider>,
        keys: IssuerKeys,
    ) -> Self {
        let IssuerKeys {
            signing_key,
            sealer,
        } = keys;
        let catalog = cache::PublicCatalog::new(store.clone(), Duration::from_secs(1));
        let signatures = Arc::new(crate::documents::signatures::SignatureImages::new(
            config.certificates_dir.clone(),
        ));
        AppState(Arc::new(AppInner {
            signatures,
            store: Stores::new(store),
            config,
            catalog,
            wake_worker,
            secret_key,
            blobs,
            payments,
            signing_key,
            sealer,
        }))
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let security_headers = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        // Pages may show personal data: none is kept by a browser's or a proxy's cache unless
        // the handler says otherwise (the stylesheet, the public key).
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            ),
        ));
    let request_id = HeaderName::from_static("x-request-id");

    Router::new()
        .merge(public::router())
        .merge(api::router())
        .merge(health::router())
        .merge(lang::router())
        .merge(sign_in::router())
        .merge(application::router())
        .merge(payment::router())
        .merge(webhook::router())
        .merge(verify::router())
        .merge(graduates::router())
        .merge(visa::router())
        .merge(demo::router())
        .merge(applicant_api::router())
        .merge(organizer::router())
        .fallback(not_found)
        .layer(middleware::from_fn(api_rejections))
        .layer(middleware::from_fn_with_state(state.clone(), error_pages))
        .layer(CatchPanicLayer::custom(|_| {
            error::AppError::Internal(anyhow::anyhow!("handler panicked")).into_response()
        }))
        .layer(security_headers)
        .layer(axum::extract::DefaultBodyLimit::max(1024 * 1024))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(30),
        ))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let id = req
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            // The route, not the path: paths can carry secrets (sign-in links).
            let route = req
                .extensions()
                .get::<axum::extract::MatchedPath>()
                .map_or("(unmatched)", |m| m.as_str());
            tracing::info_span!("request", method = %req.method(), route = %route, request_id = %id)
        }))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .with_state(state)
}

async fn not_found(req: Request) -> Response {
    if req.uri().path().starts_with("/api/") {
        api::ApiError::NotFound.into_response()
    } else {
        error::AppError::NotFound.into_response()
    }
}

/// On the API, what the framework refuses before a handler runs (a body that is not JSON, another
/// content type, a body too large, a method the route does not take, a timeout) is answered with the
/// API's JSON problem like every other API error, not with plain text.
async fn api_rejections(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let response = next.run(req).await;
    let status = response.status();
    if !api || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json"));
    if json {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let said = String::from_utf8_lossy(&text).trim().to_owned();
    let (error, fallback) = match status {
        StatusCode::BAD_REQUEST => ("bad_request", "The request could not be read."),
        StatusCode::NOT_FOUND => ("not_found", "There is nothing at this address."),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "This address does not take this method.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ("too_large", "The body is too large."),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported_media_type",
            "Send Content-Type: application/json.",
        ),
        StatusCode::UNPROCESSABLE_ENTITY => {
            ("invalid", "The body does not have the expected fields.")
        }
        s if s.is_server_error() => (
            "unavailable",
            "The service is unavailable for a moment; try again.",
        ),
        _ => ("invalid", "The request was refused."),
    };
    let message = if said.is_empty() {
        fallback.to_owned()
    } else {
        said
    };
    let mut answer = api_error::problem(status, error, message).into_response();
    // What the refusal said about itself (`Allow` for a method) stays.
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(v) = parts.headers.get(&name) {
            answer.headers_mut().insert(name, v.clone());
        }
    }
    answer
}

/// Turns an error marked by [`error::AppError`] into a full page in the visitor's language.
async fn error_pages(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let locale = lang::Lang::from_headers(req.headers()).0;
    let response = next.run(req).await;
    match response.extensions().get::<error::ErrorPage>().cloned() {
        Some(page) => error::render(page, locale, &state.config),
        None => response,
    }
}

/// `attachment` (or `inline`) with the file's name as RFC 6266 gives it: an ASCII fallback for old
/// clients, and the name itself in UTF-8 (`filename*`), so that "CV Nguyễn.pdf" downloads as such.
pub(crate) fn content_disposition(kind: &str, file_name: &str) -> HeaderValue {
    let fallback: String = file_name
        .chars()
        .map(|c| {
            if (c.is_ascii_graphic() && c != '"' && c != '\\') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    HeaderValue::from_str(&format!(
        "{kind}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

/// A generated PDF, offered as a download named `file_name` (an ASCII name we made: a number), and
/// never cached by a shared cache (it holds personal data).
pub(crate) fn pdf_response(file_name: &str, bytes: Vec<u8>) -> Response {
    let safe: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("attachment; filename=\"{safe}\""))
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::content_disposition;

    #[test]
    fn a_download_keeps_its_name_in_any_script_and_an_ascii_fallback() {
        assert_eq!(
            content_disposition("attachment", "CV Nguyễn.pdf"),
            "attachment; filename=\"CV Nguy_n.pdf\"; filename*=UTF-8''CV%20Nguy%E1%BB%85n.pdf"
        );
        assert_eq!(
            content_disposition("attachment", "a\"b\\c.pdf"),
            "attachment; filename=\"a_b_c.pdf\"; filename*=UTF-8''a%22b%5Cc.pdf"
        );
    }
}
