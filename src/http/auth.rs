//! Who is asking: the applicant's session (a random id in an HttpOnly cookie, only its SHA-256 stored),
//! and CSRF tokens for every state-changing form (an HMAC of the session, or of an anonymous cookie,
//! under the secret key, so nothing is stored for them).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::error::AppError;
use super::{AppState, cookies};
use crate::domain::locale::Locale;

pub const SESSION_COOKIE: &str = "ss_session";
pub const CSRF_COOKIE: &str = "ss_csrf";
/// How long an emailed sign-in link works.
pub const LINK_TTL: time::Duration = time::Duration::minutes(30);
/// How long a session lasts (absolute, not sliding).
pub const SESSION_TTL: time::Duration = time::Duration::days(14);

/// 32 random bytes as hex: sign-in links, session ids, anonymous CSRF cookies.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    hex(&bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the database keeps of a token.
pub fn sha256_hex(value: &str) -> String {
    hex(&Sha256::digest(value.as_bytes()))
}

/// SHA-256 of a file's bytes, kept with each document.
pub fn sha256_hex_bytes(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// HMAC-SHA256 of `value` under the secret key, for `purpose` (so that one use's output is never valid
/// for another).
pub fn keyed_hash(state: &AppState, purpose: &str, value: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(state.secret_key.expose().as_bytes())
        .expect("any key length");
    mac.update(purpose.as_bytes());
    mac.update(b"\0");
    mac.update(value.as_bytes());
    hex(&mac.finalize().into_bytes())
}

/// The visitor's address: the connection's, or behind a proxy the last entry of the configured header.
pub fn client_ip(state: &AppState, headers: &HeaderMap, peer: std::net::SocketAddr) -> String {
    state
        .config
        .client_ip_header
        .as_deref()
        .and_then(|h| headers.get(h))
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| peer.ip().to_string())
}

pub fn is_secure(state: &AppState) -> bool {
    state.config.public_url.starts_with("https://")
}

/// Sets the applicant's session cookie on `response` and drops the anonymous CSRF cookie (forms now
/// bind to the session).
pub fn with_session_cookie(
    mut response: axum::response::Response,
    state: &AppState,
    token: &str,
) -> axum::response::Response {
    let secure = is_secure(state);
    let headers = response.headers_mut();
    headers.append(
        axum::http::header::SET_COOKIE,
        super::cookies::set(SESSION_COOKIE, token, SESSION_TTL.whole_seconds(), secure),
    );
    headers.append(
        axum::http::header::SET_COOKIE,
        super::cookies::clear(CSRF_COOKIE, secure),
    );
    response
}

/// The signed-in applicant.
#[derive(Debug, Clone)]
pub struct Applicant {
    pub applicant_id: String,
    pub email: String,
    pub locale: Locale,
    pub session_hash: String,
}

/// The applicant behind the request's session cookie, if any.
pub async fn current_applicant(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Applicant>, AppError> {
    let Some(token) = cookies::get(headers, SESSION_COOKIE).filter(|t| t.len() == 64) else {
        return Ok(None);
    };
    let session_hash = sha256_hex(token);
    let info = state
        .store
        .applicants()
        .session(&session_hash, OffsetDateTime::now_utc())
        .await?;
    Ok(info.map(|i| Applicant {
        applicant_id: i.applicant_id,
        email: i.email,
        locale: i.locale,
        session_hash,
    }))
}

/// An extractor for pages that need a signed-in applicant: others are sent to sign in, and come back.
pub struct RequireApplicant(pub Applicant);

pub enum AuthRejection {
    SignIn(String),
    Error(AppError),
}

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        match self {
            AuthRejection::SignIn(next) => {
                Redirect::to(&format!("/sign-in?next={}", percent_encode(&next))).into_response()
            }
            AuthRejection::Error(e) => e.into_response(),
        }
    }
}

impl FromRequestParts<AppState> for RequireApplicant {
    type Rejection = AuthRejection;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match current_applicant(state, &parts.headers).await {
            Ok(Some(a)) => Ok(RequireApplicant(a)),
            Ok(None) => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map_or("/", |p| p.as_str())
                    .to_owned();
                Err(AuthRejection::SignIn(next))
            }
            Err(e) => Err(AuthRejection::Error(e)),
        }
    }
}

/// Enough percent-encoding for a path in a query string.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A CSRF token for a form, and the anonymous cookie to set when the visitor had none.
pub struct Csrf {
    pub token: String,
    pub set_cookie: Option<HeaderValue>,
}

/// What a CSRF token is bound to: the applicant's and the organizer's sessions (either or both), or
/// before any sign-in an anonymous cookie.
fn binding(headers: &HeaderMap) -> Option<String> {
    let applicant = cookies::get(headers, SESSION_COOKIE)
        .filter(|t| t.len() == 64)
        .map(|s| format!("session:{}", sha256_hex(s)));
    let organizer = cookies::get(headers, super::organizer::auth::ORGANIZER_COOKIE)
        .filter(|t| t.len() == 64)
        .map(|s| format!("organizer:{}", sha256_hex(s)));
    match (applicant, organizer) {
        (Some(a), Some(o)) => return Some(format!("{a}|{o}")),
        (Some(one), None) | (None, Some(one)) => return Some(one),
        (None, None) => {}
    }
    cookies::get(headers, CSRF_COOKIE)
        .filter(|t| t.len() == 64)
        .map(|c| format!("anonymous:{c}"))
}

/// The token to put in a form's hidden `csrf` field.
pub fn issue_csrf(state: &AppState, headers: &HeaderMap) -> Csrf {
    match binding(headers) {
        Some(b) => Csrf {
            token: keyed_hash(state, "csrf", &b),
            set_cookie: None,
        },
        None => {
            let cookie = random_token();
            let token = keyed_hash(state, "csrf", &format!("anonymous:{cookie}"));
            let set_cookie = Some(cookies::set(
                CSRF_COOKIE,
                &cookie,
                60 * 60 * 24,
                is_secure(state),
            ));
            Csrf { token, set_cookie }
        }
    }
}

/// Refuses a state-changing request whose form does not carry the token bound to this visitor.
pub fn check_csrf(state: &AppState, headers: &HeaderMap, submitted: &str) -> Result<(), AppError> {
    let Some(b) = binding(headers) else {
        return Err(AppError::Forbidden);
    };
    let expected = keyed_hash(state, "csrf", &b);
    // Compare in constant time: the token is a secret.
    let same = expected.len() == submitted.len()
        && expected
            .bytes()
            .zip(submitted.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if same {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_hashes_stable() {
        let a = random_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_token());
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(percent_encode("/a b?c=d&e"), "/a%20b%3Fc%3Dd%26e");
    }
}
