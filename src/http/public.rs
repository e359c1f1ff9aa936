//! The public pages: home, a program's page, the stylesheet.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use time::OffsetDateTime;

use super::AppState;
use super::error::AppError;
use super::lang::Lang;
use super::views::{Layout, ProgramTemplate, ProgramView, STYLESHEET};
use crate::i18n::Tr;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/programs/{edition}/{program}", get(program))
        .route("/static/site.css", get(stylesheet))
}

/// Pages vary by the language the visitor chose or their browser asks for.
fn localized(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::VARY,
        HeaderValue::from_static("accept-language, cookie"),
    );
    response
}

async fn home(State(state): State<AppState>, Lang(locale): Lang) -> Result<Response, AppError> {
    let snapshot = state.catalog.get(&state.config).await?;
    let response = (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        snapshot.home(locale),
    );
    Ok(localized(response.into_response()))
}

#[tracing::instrument(skip(state, locale))]
async fn program(
    State(state): State<AppState>,
    Lang(locale): Lang,
    Path((edition, program)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let snapshot = state.catalog.get(&state.config).await?;
    let record = snapshot
        .program(&edition, &program)
        .ok_or(AppError::NotFound)?;
    let tr = Tr(locale);
    let view = ProgramView::new(record, tr, OffsetDateTime::now_utc());
    let path = view.href.clone();
    let page = ProgramTemplate {
        layout: Layout::new(tr, &path, &view.title, &state.config),
        p: view,
    };
    let html = page.render().map_err(|e| AppError::Internal(e.into()))?;
    Ok(localized(Html(html).into_response()))
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        STYLESHEET,
    )
}
