//! `/demo` (only with `serve --demo`): the demo's people, each with a one-click sign-in, and the codes
//! of its certificates and letters to try on `/verify`. Only accounts the demo made can be signed in
//! as (the store checks their flag); without the demo every route here answers 404.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use time::OffsetDateTime;

use super::auth::{self, SESSION_COOKIE, SESSION_TTL};
use super::error::AppError;
use super::lang::Lang;
use super::organizer::auth::{ORGANIZER_COOKIE, SESSION_TTL as ORGANIZER_TTL, with_session_cookie};
use super::views::{Layout, MessageTemplate};
use super::{AppState, cookies};
use crate::domain::demo::{DEMO_APPLICANTS, DEMO_PASSWORD, DemoApplicant, DemoEdition, Stage};
use crate::domain::status::{CertificateKind, CertificateStatus};
use crate::http::forms::{Button, CsrfForm};
use crate::i18n::Tr;
use crate::store::demo::DemoDocumentKind;
use crate::store::organizers::NewOrganizerSession;
use crate::store::{NewSession, StoreError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/demo", get(page))
        .route("/demo/sign-in/organizer/{id}", post(as_organizer))
        .route("/demo/sign-in/applicant/{id}", post(as_applicant))
}

/// A demo organizer as `/demo` lists them.
pub struct OrganizerRow {
    pub id: String,
    pub name: String,
    pub role: String,
    pub email: String,
    pub button: String,
}

/// A demo applicant as `/demo` lists them.
pub struct ApplicantRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub stage: String,
    pub edition: String,
    pub button: String,
}

/// A demo certificate or letter to try on `/verify`.
pub struct DocumentRow {
    pub code: String,
    pub number: String,
    pub holder: String,
    pub what: String,
}

#[derive(Template)]
#[template(path = "demo.html")]
pub struct DemoTemplate {
    pub layout: Layout,
    pub csrf: String,
    pub password: String,
    pub organizers: Vec<OrganizerRow>,
    pub applicants: Vec<ApplicantRow>,
    pub documents: Vec<DocumentRow>,
}

/// Only with `--demo`: otherwise these addresses do not exist (404), whatever is posted to them.
struct DemoOn;

impl axum::extract::FromRequestParts<AppState> for DemoOn {
    type Rejection = AppError;

    async fn from_request_parts(
        _: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, AppError> {
        if state.config.demo {
            Ok(DemoOn)
        } else {
            Err(AppError::NotFound)
        }
    }
}

fn cast_member(email: &str) -> Option<&'static DemoApplicant> {
    DEMO_APPLICANTS.iter().find(|a| a.email() == email)
}

#[tracing::instrument(skip_all)]
async fn page(
    _: DemoOn,
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    let accounts = state.store.demo().demo_accounts().await?;
    let organizers = accounts
        .organizers
        .into_iter()
        .map(|o| OrganizerRow {
            button: tr.t1("demo-sign-in-as", "name", o.name.clone()),
            role: tr.t(&format!("organizer-role-{}", o.role.as_str())),
            id: o.organizer_id,
            name: o.name,
            email: o.email,
        })
        .collect();
    // In the cast's order: from a draft to a graduate.
    let mut cast = accounts.applicants;
    cast.sort_by_key(|a| DEMO_APPLICANTS.iter().position(|m| m.email() == a.email));
    let applicants = cast
        .into_iter()
        .filter_map(|a| {
            let member = cast_member(&a.email)?;
            let edition = match member.stage.edition() {
                DemoEdition::Open => tr.t("demo-edition-open"),
                DemoEdition::Past => tr.t("demo-edition-past"),
            };
            Some(ApplicantRow {
                button: tr.t1("demo-sign-in-as", "name", member.certificate_name),
                id: a.applicant_id,
                name: member.certificate_name.to_owned(),
                email: a.email,
                stage: tr.t(member.stage.message_key()),
                edition,
            })
        })
        .collect();
    let documents = state
        .store
        .demo()
        .demo_documents()
        .await?
        .into_iter()
        .map(|d| DocumentRow {
            what: match d.what {
                DemoDocumentKind::VisaLetter => tr.t("demo-document-visa"),
                DemoDocumentKind::Certificate(kind, status) => {
                    let kind = tr.t(match kind {
                        CertificateKind::AttestationOfSuccess => "certificate-success-title",
                        CertificateKind::Afgsu2 => "demo-document-afgsu",
                    });
                    let status = tr.t(match status {
                        CertificateStatus::Issued => "demo-document-issued",
                        CertificateStatus::Revoked => "demo-document-revoked",
                        CertificateStatus::Superseded => "demo-document-superseded",
                    });
                    format!("{kind} ({status})")
                }
            },
            code: d.code,
            number: d.number,
            holder: d.holder,
        })
        .collect();
    let csrf = auth::issue_csrf(&state, &headers);
    let template = DemoTemplate {
        layout: Layout::new(tr, "/demo", &tr.t("demo-title"), &state.config),
        csrf: csrf.token,
        password: DEMO_PASSWORD.to_owned(),
        organizers,
        applicants,
        documents,
    };
    let html = template
        .render()
        .map_err(|e| AppError::Internal(e.into()))?;
    let mut response = Html(html).into_response();
    if let Some(c) = csrf.set_cookie {
        response.headers_mut().append(header::SET_COOKIE, c);
    }
    // It lists people (demo ones, but people as the pages show them): never cached.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

#[tracing::instrument(skip_all, fields(organizer = %id))]
async fn as_organizer(
    _: DemoOn,
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Button>,
) -> Result<Response, AppError> {
    let accounts = state.store.demo().demo_accounts().await?;
    if !accounts.organizers.iter().any(|o| o.organizer_id == id) {
        return Err(AppError::NotFound);
    }
    let token = auth::random_token();
    let session_hash = auth::sha256_hex(&token);
    let old = cookies::get(&headers, ORGANIZER_COOKIE).map(auth::sha256_hex);
    let now = OffsetDateTime::now_utc();
    let session = NewOrganizerSession {
        session_hash: &session_hash,
        expires_at: now + ORGANIZER_TTL,
        second_factor_pending: false,
        replaces: old.as_deref(),
    };
    match state
        .store
        .organizer_sessions()
        .open_organizer_session(&id, &session, now)
        .await
    {
        Ok(()) => {}
        // Locked by too many wrong passwords typed on the sign-in page: the demo says so.
        Err(StoreError::Refused(_)) => {
            let tr = Tr(locale);
            let template = MessageTemplate {
                layout: Layout::new(tr, "/demo", &tr.t("demo-locked-title"), &state.config),
                heading: tr.t("demo-locked-title"),
                paragraphs: vec![tr.t("demo-locked-body")],
                form: None,
                link: Some(("/demo".to_owned(), tr.t("demo-title"))),
            };
            let html = template
                .render()
                .map_err(|e| AppError::Internal(e.into()))?;
            return Ok((StatusCode::CONFLICT, Html(html)).into_response());
        }
        Err(e) => return Err(e.into()),
    }
    Ok(with_session_cookie(
        Redirect::to("/organizer").into_response(),
        &state,
        &token,
        ORGANIZER_TTL,
    ))
}

#[tracing::instrument(skip_all, fields(applicant = %id))]
async fn as_applicant(
    _: DemoOn,
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Button>,
) -> Result<Response, AppError> {
    let accounts = state.store.demo().demo_accounts().await?;
    let Some(account) = accounts.applicants.iter().find(|a| a.applicant_id == id) else {
        return Err(AppError::NotFound);
    };
    let graduate = cast_member(&account.email).is_some_and(|m| {
        matches!(
            m.stage,
            Stage::Graduated | Stage::GraduatedWithVisa | Stage::Corrected | Stage::Revoked
        )
    });
    let token = auth::random_token();
    let session_hash = auth::sha256_hex(&token);
    let old = cookies::get(&headers, SESSION_COOKIE).map(auth::sha256_hex);
    let now = OffsetDateTime::now_utc();
    let session = NewSession {
        session_hash: &session_hash,
        expires_at: now + SESSION_TTL,
        replaces: old.as_deref(),
    };
    state
        .store
        .demo()
        .open_demo_applicant_session(&id, &session, now)
        .await?;
    let to = if graduate {
        "/certificates"
    } else {
        "/my-applications"
    };
    Ok(auth::with_session_cookie(
        Redirect::to(to).into_response(),
        &state,
        &token,
    ))
}
