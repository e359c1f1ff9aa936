//! Accepting an invitation: the emailed link (single use, 72 hours, only its hash stored) opens a form
//! where the new organizer chooses their password; then they sign in like everyone else.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use time::{Duration, OffsetDateTime};
use validator::Validate;

use super::views::{InvitationPage, page};
use crate::domain::problem::{Checked, Problem};
use crate::http::AppState;
use crate::http::auth as site_auth;
use crate::http::error::AppError;
use crate::http::forms::CsrfForm;
use crate::http::lang::Lang;
use crate::http::views::{FieldError, Layout, MessageTemplate};
use crate::i18n::Tr;
use crate::password::{self, NewPassword};
use crate::store::StoreError;
use crate::store::organizers::InvitationInfo;

/// How long an invitation works.
pub const INVITATION_TTL: Duration = Duration::hours(72);

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/organizer/invitations/{token}",
        get(invitation_page).post(accept),
    )
}

/// The link holds a secret: keep it out of other sites' logs.
fn no_referrer(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

fn path_of(token: &str) -> String {
    let token: String = token.chars().filter(char::is_ascii_hexdigit).collect();
    format!("/organizer/invitations/{token}")
}

fn invalid(state: &AppState, tr: Tr) -> Result<Response, AppError> {
    let template = MessageTemplate {
        layout: Layout::new(
            tr,
            "/organizer/sign-in",
            &tr.t("invitation-invalid-title"),
            &state.config,
        ),
        heading: tr.t("invitation-invalid-title"),
        paragraphs: vec![tr.t("invitation-invalid-body")],
        form: None,
        link: None,
    };
    page(template, StatusCode::GONE, None)
}

fn render(
    state: &AppState,
    tr: Tr,
    headers: &HeaderMap,
    token: &str,
    info: &InvitationInfo,
    problems: &[Problem],
) -> Result<Response, AppError> {
    let csrf = site_auth::issue_csrf(state, headers);
    let errors = FieldError::all(tr, problems);
    let error = |field: &str| {
        problems
            .iter()
            .find(|p| p.field == field)
            .map(|p| tr.problem(p))
    };
    let heading = tr.t("invitation-title");
    let title = if errors.is_empty() {
        heading
    } else {
        format!("{} {heading}", tr.t("error-title-prefix"))
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let path = path_of(token);
    let template = InvitationPage {
        layout: Layout::new(tr, &path, &title, &state.config),
        errors,
        csrf: csrf.token,
        action: path,
        lead: tr.t_args(
            "invitation-lead",
            &[
                ("name", info.display_name.clone().into()),
                ("email", info.email.clone().into()),
            ],
        ),
        password_error: error("password"),
        confirm_error: error("confirm"),
    };
    Ok(no_referrer(page(template, status, csrf.set_cookie)?))
}

async fn invitation_page(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    match state
        .store
        .invitations()
        .invitation(&site_auth::sha256_hex(&token), OffsetDateTime::now_utc())
        .await
    {
        Ok(info) => render(&state, tr, &headers, &token, &info, &[]),
        Err(StoreError::NotFound | StoreError::Refused(_)) => Ok(no_referrer(invalid(&state, tr)?)),
        Err(e) => Err(e.into()),
    }
}

/// A new password, typed twice. Neither is ever shown again or logged.
#[derive(Deserialize, Validate)]
struct AcceptForm {
    #[serde(default)]
    #[validate(custom(function = "password::acceptable"))]
    password: String,
    #[serde(default)]
    #[validate(must_match(other = "password", code = "invitation-error-mismatch"))]
    confirm: String,
}

impl Checked for AcceptForm {
    const FIELDS: &'static [&'static str] = &["password", "confirm"];
}

#[tracing::instrument(skip_all)]
async fn accept(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    Path(token): Path<String>,
    CsrfForm(f): CsrfForm<AcceptForm>,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    let token_hash = site_auth::sha256_hex(&token);
    let now = OffsetDateTime::now_utc();
    let info = match state.store.invitations().invitation(&token_hash, now).await {
        Ok(info) => info,
        Err(StoreError::NotFound | StoreError::Refused(_)) => {
            return Ok(no_referrer(invalid(&state, tr)?));
        }
        Err(e) => return Err(e.into()),
    };
    let problems = f.problems();
    let password = match NewPassword::parse(&f.password) {
        Ok(p) if problems.is_empty() => p,
        _ => return render(&state, tr, &headers, &token, &info, &problems),
    };
    let hash = password::hash_async(password)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    match state
        .store
        .invitations()
        .accept_invitation(&token_hash, &hash, now)
        .await
    {
        Ok(organizer_id) => {
            tracing::info!(%organizer_id, "invitation accepted");
            let template = MessageTemplate {
                layout: Layout::new(
                    tr,
                    "/organizer/sign-in",
                    &tr.t("invitation-done-title"),
                    &state.config,
                ),
                heading: tr.t("invitation-done-title"),
                paragraphs: vec![tr.t("invitation-done-body")],
                form: None,
                link: Some(("/organizer/sign-in".to_owned(), tr.t("invitation-sign-in"))),
            };
            Ok(no_referrer(page(template, StatusCode::OK, None)?))
        }
        Err(StoreError::NotFound | StoreError::Refused(_)) => Ok(no_referrer(invalid(&state, tr)?)),
        Err(e) => Err(e.into()),
    }
}
