//! Forms posted by a browser: [`CsrfForm`] reads the body once, checks its CSRF token before
//! anything else, and hands the handler the typed fields.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::AppState;
use super::auth;
use super::error::AppError;

/// A urlencoded form whose `csrf` field matched the visitor's token; `T` is its other fields (a
/// struct, or the raw pairs when the names depend on the page, such as one field per participant).
/// A form without the right token is refused (403) before `T` is read; a body that is not a form,
/// or whose fields do not fit `T`, is a 400 page.
pub struct CsrfForm<T>(pub T);

/// A form with nothing but its token (a button).
#[derive(Debug, Deserialize)]
pub struct Button {}

#[derive(Deserialize)]
struct Token {
    #[serde(default)]
    csrf: String,
}

impl<T: DeserializeOwned> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, AppError> {
        let is_form = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|t| t.trim() == "application/x-www-form-urlencoded");
        let headers = req.headers().clone();
        let body = Bytes::from_request(req, state)
            .await
            .map_err(|_| AppError::BadForm)?;
        // Without a form body there is no token: the same refusal as a wrong one.
        let token: Token = if is_form {
            serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadForm)?
        } else {
            Token {
                csrf: String::new(),
            }
        };
        auth::check_csrf(state, &headers, &token.csrf)?;
        serde_urlencoded::from_bytes(&body)
            .map(CsrfForm)
            .map_err(|_| AppError::BadForm)
    }
}

/// One part of a multipart form: a field, or a file with the name the browser gave it.
#[derive(Debug)]
pub struct Part {
    pub name: String,
    /// The file's name as the browser sent it (never trusted: see `document::clean_file_name`).
    pub file_name: Option<String>,
    pub bytes: Bytes,
}

/// A multipart form (uploads) whose `csrf` field matched the visitor's token: every part read into
/// memory within the route's body limit, then the token checked, before the handler sees a byte.
/// A body cut short (over the limit, or the connection lost) still yields the parts read before
/// it, with `cut_short` naming where it stopped, so the form can say what to fix; the token must
/// still have arrived (it comes first in our forms).
#[derive(Debug)]
pub struct CsrfMultipart {
    pub parts: Vec<Part>,
    pub cut_short: Option<CutShort>,
}

/// Where a multipart body stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CutShort {
    /// Inside the part of this name: its file was too large.
    In(String),
    /// Between parts.
    Between,
}

impl CsrfMultipart {
    /// The first part of this name.
    pub fn part(&self, name: &str) -> Option<&Part> {
        self.parts.iter().find(|p| p.name == name)
    }
}

impl FromRequest<AppState> for CsrfMultipart {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, AppError> {
        let headers = req.headers().clone();
        // Not multipart at all: no token either, the same refusal as a wrong one.
        let Ok(mut multipart) = axum::extract::Multipart::from_request(req, state).await else {
            auth::check_csrf(state, &headers, "")?;
            return Err(AppError::BadForm);
        };
        let mut parts = Vec::new();
        let mut cut_short = None;
        loop {
            let field = match multipart.next_field().await {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) => {
                    tracing::info!(error = %e, "multipart body cut short");
                    cut_short = Some(CutShort::Between);
                    break;
                }
            };
            let name = field.name().unwrap_or("").to_owned();
            let file_name = field.file_name().map(str::to_owned);
            match field.bytes().await {
                Ok(bytes) => parts.push(Part {
                    name,
                    file_name,
                    bytes,
                }),
                Err(e) => {
                    tracing::info!(error = %e, "multipart part cut short");
                    cut_short = Some(CutShort::In(name));
                    break;
                }
            }
        }
        let token = parts
            .iter()
            .find(|p| p.name == "csrf")
            .and_then(|p| std::str::from_utf8(&p.bytes).ok())
            .unwrap_or("");
        auth::check_csrf(state, &headers, token)?;
        Ok(CsrfMultipart { parts, cut_short })
    }
}

/// The named fields of a form read as raw pairs, as `T`: for a form that also repeats a field
/// (one checkbox per application) beside fields of fixed names. Fields `T` does not name are left
/// alone; a named field that does not fit is a 400 page.
pub fn fields<T: DeserializeOwned>(pairs: &[(String, String)]) -> Result<T, AppError> {
    let named = serde_urlencoded::to_string(pairs).map_err(|_| AppError::BadForm)?;
    serde_urlencoded::from_str(&named).map_err(|_| AppError::BadForm)
}
