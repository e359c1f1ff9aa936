//! `/healthz`: answers 200 when the database does, 503 otherwise (for load balancers and probes).

use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;
use crate::store::Backend;

pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz))
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok` or `unavailable`.
    status: &'static str,
    /// `ok` or what went wrong (without connection details).
    database: String,
    /// `sqlite` or `postgres`.
    backend: &'static str,
}

/// Whether the service and its database answer.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let backend = match state.store.all().backend() {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    match tokio::time::timeout(Duration::from_secs(2), state.store.all().ping()).await {
        Ok(Ok(())) => (
            StatusCode::OK,
            Json(Health {
                status: "ok",
                database: "ok".into(),
                backend,
            }),
        ),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "health check: database error");
            let body = Health {
                status: "unavailable",
                database: "error".into(),
                backend,
            };
            (StatusCode::SERVICE_UNAVAILABLE, Json(body))
        }
        Err(_) => {
            let body = Health {
                status: "unavailable",
                database: "timeout".into(),
                backend,
            };
            (StatusCode::SERVICE_UNAVAILABLE, Json(body))
        }
    }
}
