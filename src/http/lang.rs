//! Which language a visitor reads: the switch (remembered in a cookie), else Accept-Language, else English.

use axum::Router;
use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

use super::AppState;
use crate::domain::locale::Locale;

/// The visitor's language, as an extractor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lang(pub Locale);

pub const COOKIE: &str = "lang";

impl Lang {
    pub fn from_headers(headers: &HeaderMap) -> Lang {
        let from_cookie = super::cookies::get(headers, COOKIE).and_then(Locale::from_tag);
        let from_header = || {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Locale::from_accept_language)
        };
        Lang(from_cookie.or_else(from_header).unwrap_or_default())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Lang::from_headers(&parts.headers))
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/language/{tag}", get(switch))
}

#[derive(Deserialize)]
struct Next {
    next: Option<String>,
}

/// Only paths on this site, so that nobody can be sent elsewhere through a link of ours: a `/` not
/// followed by another `/`, then visible ASCII only (percent-encoded beyond that), no backslash.
/// Browsers drop tabs and line breaks from an address, so `/\t/evil.example` would lead to
/// `//evil.example`; and a `Location` header cannot carry control characters at all.
pub fn safe_next(next: Option<String>) -> String {
    match next {
        Some(n) if is_local_path(&n) => n,
        _ => "/".to_owned(),
    }
}

fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && path.len() <= 2048
        && path.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
}

async fn switch(
    axum::extract::State(state): axum::extract::State<AppState>,
    Path(tag): Path<String>,
    Query(q): Query<Next>,
) -> Response {
    let Some(locale) = Locale::from_tag(&tag).filter(|l| l.tag() == tag) else {
        return super::error::AppError::NotFound.into_response();
    };
    let secure = state.config.public_url.starts_with("https://");
    let mut response = Redirect::to(&safe_next(q.next)).into_response();
    let cookie = super::cookies::set(COOKIE, locale.tag(), 31_536_000, secure);
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn only_paths_of_this_site_are_followed() {
        for fine in ["/", "/programs/2026/ai", "/sign-in?next=%2Fmy-applications"] {
            assert_eq!(safe_next(Some(fine.to_owned())), fine);
        }
        for elsewhere in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/ /evil.example",
            "/\\evil.example",
            "\\/evil.example",
            "https://evil.example",
            "/\0",
            "/é",
            "",
        ] {
            assert_eq!(safe_next(Some(elsewhere.to_owned())), "/", "{elsewhere:?}");
            assert!(HeaderValue::from_str(&safe_next(Some(elsewhere.to_owned()))).is_ok());
        }
        assert_eq!(safe_next(Some(format!("/{}", "a".repeat(3000)))), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn the_cookie_wins_over_the_browser_language() {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("fr-FR,fr;q=0.9"),
        );
        assert_eq!(Lang::from_headers(&h).0, Locale::Fr);
        h.insert(header::COOKIE, HeaderValue::from_static("a=b; lang=en"));
        assert_eq!(Lang::from_headers(&h).0, Locale::En);
        assert_eq!(Lang::from_headers(&HeaderMap::new()).0, Locale::En);
    }

    #[test]
    fn the_switch_only_returns_to_this_site() {
        assert_eq!(
            safe_next(Some("/programs/2026/x".into())),
            "/programs/2026/x"
        );
        assert_eq!(safe_next(Some("//evil.example".into())), "/");
        assert_eq!(safe_next(Some("https://evil.example".into())), "/");
        assert_eq!(safe_next(None), "/");
    }
}
