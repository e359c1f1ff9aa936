//! Organizer sign-in and the extractor every organizer page uses.
//!
//! A password opens a session (a random id in the `ss_organizer` cookie, only its SHA-256 stored; a new
//! id at each sign-in). With two-factor sign-in on, that session waits for a code and opens nothing
//! else; the code replaces it with a full one. Five failures in a row lock the account for 15 minutes,
//! a visitor's failures are limited whatever the address, and an address without an account answers
//! exactly like one with a wrong password.

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{ConnectInfo, FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use time::{Duration, OffsetDateTime};
use validator::Validate;

use super::views::{CodePage, SignInPage, page};
use crate::domain::access::{Access, Permission};
use crate::domain::audit::Actor;
use crate::domain::calendar::to_paris;
use crate::domain::email::{EmailAddress, well_formed};
use crate::domain::problem::{Checked, trimmed};
use crate::domain::totp::TotpSecret;
use crate::http::auth::{self as site_auth, percent_encode};
use crate::http::error::AppError;
use crate::http::forms::{Button, CsrfForm};
use crate::http::lang::{Lang, safe_next};
use crate::http::views::{FieldError, Layout};
use crate::http::{AppState, cookies};
use crate::i18n::Tr;
use crate::password;
use crate::store::StoreError;
use crate::store::organizers::{
    LockoutPolicy, NewOrganizerSession, OrganizerSession, SignInAttempt, SignInGate,
};

/// The organizer's session cookie (apart from the applicant's `ss_session`).
pub const ORGANIZER_COOKIE: &str = "ss_organizer";
/// How long a session lasts from sign-in (absolute, not sliding).
pub const SESSION_TTL: Duration = Duration::hours(12);
/// How long the code may take after the password.
pub const PENDING_TTL: Duration = Duration::minutes(10);

mod code;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/organizer/sign-in", get(sign_in_form).post(sign_in))
        .route(
            "/organizer/sign-in/code",
            get(code::code_form).post(code::code),
        )
        .route("/organizer/sign-out", post(sign_out))
}

/// The signed-in organizer (password, and code when two-factor sign-in is on).
#[derive(Debug, Clone)]
pub struct Organizer {
    pub organizer_id: String,
    pub organization_id: String,
    pub email: String,
    pub display_name: String,
    /// Role and programs, read at each request: a change of role applies at once.
    pub access: Access,
    pub totp_enabled: bool,
    /// SHA-256 of the session id.
    pub session_hash: String,
}

impl Organizer {
    /// Refuses what this organizer may not do on this program: 404 when they do not cover it (they
    /// must not learn that it exists), 403 when their role lacks the permission.
    pub fn require(&self, permission: Permission, program_id: &str) -> Result<(), AppError> {
        if !self.access.covers(program_id) {
            Err(AppError::NotFound)
        } else if !self.access.allows(permission, program_id) {
            Err(AppError::Denied)
        } else {
            Ok(())
        }
    }

    /// Refuses an organization-level page to a role that has the permission nowhere (403).
    pub fn require_anywhere(&self, permission: Permission) -> Result<(), AppError> {
        if self.access.allows_somewhere(permission) {
            Ok(())
        } else {
            Err(AppError::Denied)
        }
    }

    /// The author of what this organizer changes, for the audit trail.
    pub fn actor(&self) -> Actor {
        Actor::Organizer(self.organizer_id.clone())
    }
}

/// The session behind the request's organizer cookie (pending or full), with its hash.
pub async fn current_session(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<(String, OrganizerSession)>, AppError> {
    let Some(token) = cookies::get(headers, ORGANIZER_COOKIE).filter(|t| t.len() == 64) else {
        return Ok(None);
    };
    let hash = site_auth::sha256_hex(token);
    let session = state
        .store
        .organizer_sessions()
        .organizer_session(&hash, OffsetDateTime::now_utc())
        .await?;
    Ok(session.map(|s| (hash, s)))
}

/// The signed-in organizer, if the request has a full session.
pub async fn current_organizer(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Organizer>, AppError> {
    Ok(current_session(state, headers)
        .await?
        .filter(|(_, s)| !s.second_factor_pending)
        .map(|(session_hash, s)| Organizer {
            organizer_id: s.organizer_id,
            organization_id: s.organization_id,
            email: s.email,
            display_name: s.display_name,
            access: s.access,
            totp_enabled: s.totp_enabled,
            session_hash,
        }))
}

/// An extractor for organizer pages: anyone without a full organizer session (nobody, an applicant, a
/// session still waiting for its code) is sent to sign in, and comes back to the page afterwards.
pub struct RequireOrganizer(pub Organizer);

pub enum OrganizerRejection {
    SignIn(Option<String>),
    Error(AppError),
}

impl IntoResponse for OrganizerRejection {
    fn into_response(self) -> Response {
        match self {
            OrganizerRejection::SignIn(Some(next)) => Redirect::to(&format!(
                "/organizer/sign-in?next={}",
                percent_encode(&next)
            ))
            .into_response(),
            OrganizerRejection::SignIn(None) => Redirect::to("/organizer/sign-in").into_response(),
            OrganizerRejection::Error(e) => e.into_response(),
        }
    }
}

impl FromRequestParts<AppState> for RequireOrganizer {
    type Rejection = OrganizerRejection;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match current_organizer(state, &parts.headers).await {
            Ok(Some(o)) => Ok(RequireOrganizer(o)),
            // Coming back to a form's target after signing in would be a GET it does not answer.
            Ok(None) if parts.method != Method::GET => Err(OrganizerRejection::SignIn(None)),
            Ok(None) => Err(OrganizerRejection::SignIn(Some(
                parts
                    .uri
                    .path_and_query()
                    .map_or("/organizer", |p| p.as_str())
                    .to_owned(),
            ))),
            Err(e) => Err(OrganizerRejection::Error(e)),
        }
    }
}

/// Where to go after signing in: a path on this site (that a `Location` header can carry), else the
/// dashboard.
fn next_path(next: Option<String>) -> String {
    match safe_next(next) {
        n if n == "/" || n.chars().any(char::is_control) => "/organizer".to_owned(),
        n => n,
    }
}

/// "14:05", in Paris.
pub fn paris_time(at: OffsetDateTime) -> String {
    let t = to_paris(at);
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// The sign-in form again, with problems (never the password).
struct SignInView {
    errors: Vec<FieldError>,
    notice: Option<String>,
    email: String,
    email_error: Option<String>,
    password_error: Option<String>,
}

fn render_sign_in(
    state: &AppState,
    tr: Tr,
    headers: &HeaderMap,
    next: String,
    view: SignInView,
    status: StatusCode,
) -> Result<Response, AppError> {
    let csrf = site_auth::issue_csrf(state, headers);
    let heading = tr.t("organizer-sign-in-title");
    let title = if view.errors.is_empty() {
        heading
    } else {
        format!("{} {heading}", tr.t("error-title-prefix"))
    };
    let template = SignInPage {
        layout: Layout::new(tr, "/organizer/sign-in", &title, &state.config),
        errors: view.errors,
        notice: view.notice,
        csrf: csrf.token,
        next,
        email: view.email,
        email_error: view.email_error,
        password_error: view.password_error,
    };
    page(template, status, csrf.set_cookie)
}

/// The answer to a refused sign-in: one message on the email field (the same whichever the reason).
fn refused(
    state: &AppState,
    tr: Tr,
    headers: &HeaderMap,
    next: String,
    email: String,
    message: String,
    status: StatusCode,
) -> Result<Response, AppError> {
    let view = SignInView {
        errors: vec![FieldError {
            field: "email".into(),
            message: message.clone(),
        }],
        notice: None,
        email,
        email_error: Some(message),
        password_error: None,
    };
    render_sign_in(state, tr, headers, next, view, status)
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
    done: Option<String>,
}

async fn sign_in_form(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    let next = next_path(q.next);
    if current_organizer(&state, &headers).await?.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    let tr = Tr(locale);
    let view = SignInView {
        errors: Vec::new(),
        notice: (q.done.as_deref() == Some("signed-out")).then(|| tr.t("organizer-signed-out")),
        email: String::new(),
        email_error: None,
        password_error: None,
    };
    render_sign_in(&state, tr, &headers, next, view, StatusCode::OK)
}

#[derive(Deserialize, Validate)]
struct SignInForm {
    #[serde(default)]
    next: String,
    #[serde(default)]
    #[validate(custom(function = "well_formed"))]
    email: String,
    /// As typed: spaces count.
    #[serde(default)]
    #[validate(length(min = 1, code = "organizer-error-password-empty"))]
    password: String,
}

impl Checked for SignInForm {
    const FIELDS: &'static [&'static str] = &["email", "password"];
}

fn requester(state: &AppState, headers: &HeaderMap, peer: SocketAddr) -> String {
    site_auth::keyed_hash(
        state,
        "organizer-requester",
        &site_auth::client_ip(state, headers, peer),
    )
}

fn email_key(state: &AppState, email: &str) -> String {
    site_auth::keyed_hash(state, "organizer-email", &email.to_lowercase())
}

/// Sets the organizer cookie (and drops the anonymous CSRF cookie: forms now bind to the session).
pub(crate) fn with_session_cookie(
    mut response: Response,
    state: &AppState,
    token: &str,
    ttl: Duration,
) -> Response {
    let secure = site_auth::is_secure(state);
    let headers = response.headers_mut();
    headers.append(
        header::SET_COOKIE,
        cookies::set(ORGANIZER_COOKIE, token, ttl.whole_seconds(), secure),
    );
    headers.append(
        header::SET_COOKIE,
        cookies::clear(site_auth::CSRF_COOKIE, secure),
    );
    response
}

#[tracing::instrument(skip_all)]
async fn sign_in(
    State(state): State<AppState>,
    Lang(locale): Lang,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    CsrfForm(f): CsrfForm<SignInForm>,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    let next = next_path(Some(f.next.clone()));
    let problems = f.problems();
    let email = match EmailAddress::parse(&f.email) {
        Ok(email) if problems.is_empty() => email,
        _ => {
            let error = |field: &str| {
                problems
                    .iter()
                    .find(|p| p.field == field)
                    .map(|p| tr.problem(p))
            };
            let view = SignInView {
                errors: FieldError::all(tr, &problems),
                notice: None,
                email: f.email,
                email_error: error("email"),
                password_error: error("password"),
            };
            return render_sign_in(
                &state,
                tr,
                &headers,
                next,
                view,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let requester = requester(&state, &headers, peer);
    let email_key = email_key(&state, email.as_str());
    let attempt = SignInAttempt {
        email: &email,
        email_key: &email_key,
        requester: &requester,
        policy: LockoutPolicy::default(),
    };
    let typed = f.email;
    let now = OffsetDateTime::now_utc();
    let locked = |until: OffsetDateTime| tr.t1("organizer-error-locked", "time", paris_time(until));
    let account = match state
        .store
        .organizer_sessions()
        .sign_in_gate(&attempt, now)
        .await?
    {
        SignInGate::Throttled => {
            tracing::info!("organizer sign-in throttled");
            let message = tr.t("organizer-error-throttled");
            return refused(
                &state,
                tr,
                &headers,
                next,
                typed,
                message,
                StatusCode::TOO_MANY_REQUESTS,
            );
        }
        SignInGate::Locked { until } => {
            return refused(
                &state,
                tr,
                &headers,
                next,
                typed,
                locked(until),
                StatusCode::TOO_MANY_REQUESTS,
            );
        }
        SignInGate::Check(account) => account,
    };
    let right = password::verify_async(
        account.as_ref().map(|a| a.password_hash.clone()),
        f.password,
    )
    .await;
    let account = match account {
        Some(a) if right => a,
        other => {
            let organizer_id = other.as_ref().map(|a| a.organizer_id.as_str());
            let lock = state
                .store
                .organizer_sessions()
                .record_failed_sign_in(&attempt, organizer_id, now)
                .await?;
            tracing::info!(locked = lock.is_some(), "organizer sign-in failed");
            return match lock {
                Some(until) => refused(
                    &state,
                    tr,
                    &headers,
                    next,
                    typed,
                    locked(until),
                    StatusCode::TOO_MANY_REQUESTS,
                ),
                None => {
                    let message = tr.t("organizer-error-wrong");
                    refused(
                        &state,
                        tr,
                        &headers,
                        next,
                        typed,
                        message,
                        StatusCode::UNPROCESSABLE_ENTITY,
                    )
                }
            };
        }
    };
    let token = site_auth::random_token();
    let session_hash = site_auth::sha256_hex(&token);
    let old = cookies::get(&headers, ORGANIZER_COOKIE).map(site_auth::sha256_hex);
    let pending = account.totp_enabled;
    let ttl = if pending { PENDING_TTL } else { SESSION_TTL };
    let session = NewOrganizerSession {
        session_hash: &session_hash,
        expires_at: now + ttl,
        second_factor_pending: pending,
        replaces: old.as_deref(),
    };
    match state
        .store
        .organizer_sessions()
        .open_organizer_session(&account.organizer_id, &session, now)
        .await
    {
        Ok(()) => {}
        // Locked between the gate and here by failures elsewhere.
        Err(StoreError::Refused(_)) => {
            let message = tr.t("organizer-error-wrong");
            return refused(
                &state,
                tr,
                &headers,
                next,
                typed,
                message,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
        Err(e) => return Err(e.into()),
    }
    tracing::info!(organizer_id = %account.organizer_id, code_pending = pending, "organizer signed in");
    let to = if pending {
        format!("/organizer/sign-in/code?next={}", percent_encode(&next))
    } else {
        next
    };
    Ok(with_session_cookie(
        Redirect::to(&to).into_response(),
        &state,
        &token,
        ttl,
    ))
}

async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    CsrfForm(_): CsrfForm<Button>,
) -> Result<Response, AppError> {
    if let Some(token) = cookies::get(&headers, ORGANIZER_COOKIE) {
        state
            .store
            .organizer_sessions()
            .end_organizer_session(&site_auth::sha256_hex(token), OffsetDateTime::now_utc())
            .await?;
    }
    let mut response = Redirect::to("/organizer/sign-in?done=signed-out").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        cookies::clear(ORGANIZER_COOKIE, site_auth::is_secure(&state)),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(next_path(Some("/organizer/team".into())), "/organizer/team");
        assert_eq!(next_path(Some("https://evil.example".into())), "/organizer");
        assert_eq!(next_path(Some("//evil.example".into())), "/organizer");
        assert_eq!(next_path(None), "/organizer");
        assert_eq!(
            next_path(Some("/a\r\nSet-Cookie: x=y".into())),
            "/organizer"
        );
    }

    fn organizer(role: crate::domain::status::OrganizerRole, programs: &[&str]) -> Organizer {
        Organizer {
            organizer_id: "o".into(),
            organization_id: "org".into(),
            email: "o@u-paris.fr".into(),
            display_name: "O".into(),
            access: Access {
                role,
                programs: programs.iter().map(|p| (*p).to_owned()).collect(),
            },
            totp_enabled: false,
            session_hash: "h".into(),
        }
    }

    #[test]
    fn a_program_not_covered_is_not_found_and_a_missing_permission_is_denied() {
        use crate::domain::status::OrganizerRole::*;
        let reviewer = organizer(Reviewer, &["ai"]);
        assert!(reviewer.require(Permission::Review, "ai").is_ok());
        assert!(matches!(
            reviewer.require(Permission::Review, "hands-on"),
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            reviewer.require(Permission::Decide, "ai"),
            Err(AppError::Denied)
        ));
        assert!(matches!(
            reviewer.require_anywhere(Permission::ManageOrganizers),
            Err(AppError::Denied)
        ));
        let admin = organizer(Admin, &[]);
        assert!(admin.require(Permission::Decide, "anything").is_ok());
        assert!(admin.require_anywhere(Permission::ManageOrganizers).is_ok());
        let finance = organizer(Finance, &[]);
        assert!(finance.require(Permission::ExtendDeadline, "ai").is_ok());
        assert!(matches!(
            finance.require(Permission::Decide, "ai"),
            Err(AppError::Denied)
        ));
    }

    #[test]
    fn lock_times_are_shown_in_paris() {
        let winter = time::macros::datetime!(2026-01-10 13:05 UTC);
        let summer = time::macros::datetime!(2026-07-10 13:05 UTC);
        assert_eq!(paris_time(winter), "14:05");
        assert_eq!(paris_time(summer), "15:05");
    }
}
