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
