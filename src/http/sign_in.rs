//! Sign-in without a password: the visitor asks for a link, we email it (single use, 30 minutes, only
//! its hash stored, the same answer whatever the address), the link opens a confirmation page whose
//! button starts a server-side session. Mail scanners that open links do not use them up: only the
//! button does.

use askama::Template;
use axum::Router;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use std::net::SocketAddr;
use time::OffsetDateTime;
use validator::Validate;

use super::auth::{self, LINK_TTL, RequireApplicant, SESSION_COOKIE, SESSION_TTL};
use super::error::AppError;
use super::lang::{Lang, safe_next};
use super::views::{
    FieldError, Layout, MessageTemplate, MyApplicationsTemplate, PostButton, SignInTemplate,
};
use super::{AppState, cookies};
use crate::domain::email::{EmailAddress, well_formed};
use crate::domain::problem::Checked;
use crate::email::render;
use crate::http::forms::{Button, CsrfForm};
use crate::i18n::Tr;
use crate::store::{NewSession, SignInLimits, SignInRequest, StoreError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sign-in", get(form).post(request_link))
        .route("/sign-in/link/{token}", get(confirm).post(use_link))
        .route("/sign-out", post(sign_out))
        .route("/my-applications", get(my_applications))
}

fn page(
    template: impl Template,
    set_cookie: Option<axum::http::HeaderValue>,
) -> Result<Response, AppError> {
    let html = template
        .render()
        .map_err(|e| AppError::Internal(e.into()))?;
    let mut response = Html(html).into_response();
    if let Some(c) = set_cookie {
        response.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(response)
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn form(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    let csrf = auth::issue_csrf(&state, &headers);
    let template = SignInTemplate {
        layout: Layout::new(tr, "/sign-in", &tr.t("sign-in-title"), &state.config),
        errors: Vec::new(),
        csrf: csrf.token,
        next: safe_next(q.next),
        email: String::new(),
        email_error: None,
    };
    page(template, csrf.set_cookie)
}

#[derive(Deserialize, Validate)]
struct SignInForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    #[validate(custom(function = "well_formed"))]
    email: String,
}

impl Checked for SignInForm {
    const FIELDS: &'static [&'static str] = &["email"];
}

#[tracing::instrument(skip_all)]
async fn request_link(
    State(state): State<AppState>,
    Lang(locale): Lang,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    CsrfForm(f): CsrfForm<SignInForm>,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    let next = safe_next(Some(f.next.clone()));
    let problems = f.problems();
    let email = match EmailAddress::parse(&f.email) {
        Ok(e) if problems.is_empty() => e,
        _ => {
            let errors = FieldError::all(tr, &problems);
            let title = format!("{} {}", tr.t("error-title-prefix"), tr.t("sign-in-title"));
            let template = SignInTemplate {
                layout: Layout::new(tr, "/sign-in", &title, &state.config),
                email_error: errors.first().map(|e| e.message.clone()),
                errors,
                csrf: f.csrf,
                next,
                email: f.email,
            };
            let mut response = page(template, None)?;
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(response);
        }
    };
    let token = auth::random_token();
    let link = format!("{}/sign-in/link/{token}", state.config.public_url);
    let token_hash = auth::sha256_hex(&token);
    let requester = auth::keyed_hash(
        &state,
        "requester",
        &auth::client_ip(&state, &headers, peer),
    );
    let now = OffsetDateTime::now_utc();
    let request = SignInRequest {
        email: &email,
        locale,
        next_path: &next,
        requester: &requester,
        token_hash: &token_hash,
        expires_at: now + LINK_TTL,
        limits: SignInLimits::default(),
    };
    let outcome = state
        .store
        .applicants()
        .request_sign_in(&request, &render::sign_in_link(tr, &email, &link), now)
        .await?;
    tracing::info!(?outcome, "sign-in link requested");
    state.wake_worker.notify_one();
    let template = MessageTemplate {
        layout: Layout::new(tr, "/sign-in", &tr.t("sign-in-sent-title"), &state.config),
        heading: tr.t("sign-in-sent-title"),
        paragraphs: vec![
            tr.t1("sign-in-sent-body", "email", email.as_str()),
            tr.t("sign-in-sent-help"),
        ],
        form: None,
        link: None,
    };
    page(template, None)
}

async fn confirm(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    let csrf = auth::issue_csrf(&state, &headers);
    let template = MessageTemplate {
        layout: Layout::new(
            tr,
            "/sign-in",
            &tr.t("sign-in-confirm-title"),
            &state.config,
        ),
        heading: tr.t("sign-in-confirm-title"),
        paragraphs: vec![tr.t("sign-in-confirm-body")],
        form: Some(PostButton {
            action: format!(
                "/sign-in/link/{}",
                token
                    .chars()
                    .filter(char::is_ascii_hexdigit)
                    .collect::<String>()
            ),
            csrf: csrf.token,
            label: tr.t("sign-in-confirm-submit"),
        }),
        link: None,
    };
    let mut response = page(template, csrf.set_cookie)?;
    // The link is a secret: keep it out of other sites' logs.
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        axum::http::HeaderValue::from_static("no-referrer"),
    );
    Ok(response)
}

#[tracing::instrument(skip_all)]
async fn use_link(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    Path(token): Path<String>,
    CsrfForm(_): CsrfForm<Button>,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    let session_token = auth::random_token();
    let session_hash = auth::sha256_hex(&session_token);
    let old = cookies::get(&headers, SESSION_COOKIE).map(auth::sha256_hex);
    let now = OffsetDateTime::now_utc();
    let session = NewSession {
        session_hash: &session_hash,
        expires_at: now + SESSION_TTL,
        replaces: old.as_deref(),
    };
    match state
        .store
        .applicants()
        .consume_sign_in(&auth::sha256_hex(&token), &session, now)
        .await
    {
        Ok(signed_in) => {
            let response = auth::with_session_cookie(
                Redirect::to(&safe_next(Some(signed_in.next_path))).into_response(),
                &state,
                &session_token,
            );
            Ok(response)
        }
        Err(StoreError::NotFound | StoreError::Refused(_)) => {
            let template = MessageTemplate {
                layout: Layout::new(
                    tr,
                    "/sign-in",
                    &tr.t("sign-in-invalid-title"),
                    &state.config,
                ),
                heading: tr.t("sign-in-invalid-title"),
                paragraphs: vec![tr.t("sign-in-invalid-body")],
                form: None,
                link: Some(("/sign-in".to_owned(), tr.t("sign-in-again"))),
            };
            let mut response = page(template, None)?;
            *response.status_mut() = StatusCode::GONE;
            Ok(response)
        }
        Err(e) => Err(e.into()),
    }
}

async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    CsrfForm(_): CsrfForm<Button>,
) -> Result<Response, AppError> {
    if let Some(token) = cookies::get(&headers, SESSION_COOKIE) {
        state
            .store
            .applicants()
            .end_session(&auth::sha256_hex(token))
            .await?;
    }
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        cookies::clear(SESSION_COOKIE, auth::is_secure(&state)),
    );
    Ok(response)
}

async fn my_applications(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireApplicant(applicant): RequireApplicant,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    let csrf = auth::issue_csrf(&state, &headers);
    let rows = state
        .store
        .applications()
        .applications_of(&applicant.applicant_id)
        .await?
        .into_iter()
        .map(|a| {
            (
                format!("/applications/{}", a.application_id),
                a.program_title.get(locale).to_owned(),
                tr.t(&format!("application-status-{}", a.status.as_str())),
            )
        })
        .collect();
    let template = MyApplicationsTemplate {
        layout: Layout::new(
            tr,
            "/my-applications",
            &tr.t("applications-title"),
            &state.config,
        ),
        signed_in_as: tr.t1("applications-signed-in-as", "email", applicant.email),
        csrf: csrf.token,
        rows,
    };
    page(template, csrf.set_cookie)
}
