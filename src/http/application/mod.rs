//! The application: started from a program's page, filled in short steps (each saved as a draft),
//! documents uploaded, answers checked, then sent. Every route loads the application through the
//! signed-in applicant, so another applicant's id answers 404.

mod check;
mod documents;
mod steps;
mod view;

pub(in crate::http) use self::check::*;
pub(in crate::http) use self::documents::*;
pub(in crate::http) use self::steps::*;
use self::view::*;
use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use time::OffsetDateTime;

use super::AppState;
use super::auth::{self, RequireApplicant};
use super::error::AppError;
use super::lang::Lang;
use super::views::{
    ApplicationTemplate, CheckSection, CheckTemplate, FieldError, FieldView, FormTemplate, Layout,
    MessageTemplate, OptionView, PostButton,
};
use crate::documents::layout;
use crate::domain::application::{self as form, EnglishLevel, Problem};
use crate::domain::calendar::format_paris_datetime;
use crate::domain::catalog::{ApplicantCategory, ApplicationWindow};
use crate::domain::countries::{self, CountryCode};
use crate::domain::document::{self, FileProblem};
use crate::domain::email::EmailAddress;
use crate::domain::locale::Locale;
use crate::domain::status::{ApplicationStatus, DocumentKind};
use crate::email::render;
use crate::http::forms::{Button, CsrfForm, CsrfMultipart, CutShort};
use crate::i18n::Tr;
use crate::store::{
    ApplicationRecord, FeeTierRecord, FormColumn, FormValue, NewDocument, QuestionRecord,
    StoreError, TimelineEntry,
};

/// The versions of the texts an applicant agrees to; stored with the application.
pub const PRIVACY_VERSION: &str = "2026-11";
pub const TERMS_VERSION: &str = "2026-11";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/programs/{edition}/{program}/apply",
            get(start_page).post(start),
        )
        .route("/applications/{id}", get(view))
        .route("/applications/{id}/check", get(check))
        .route("/applications/{id}/submit", post(submit))
        .route("/applications/{id}/withdraw", post(withdraw))
        .route(
            "/applications/{id}/documents",
            get(documents_page)
                .post(upload)
                .layer(DefaultBodyLimit::max(40 * 1024 * 1024)),
        )
        .route("/applications/{id}/documents/{document}", get(download))
        .route("/applications/{id}/receipts/{file}", get(download_receipt))
        .route("/applications/{id}/transfer.pdf", get(view::transfer_pdf))
        .route("/applications/{id}/payer", post(view::set_payer))
        .route(
            "/applications/{id}/cancel",
            get(view::cancel_page).post(view::cancel),
        )
        .route(
            "/applications/{id}/invoices/{file}",
            get(view::download_invoice),
        )
        .route(
            "/applications/{id}/certificates/{code}/pdf",
            get(download_certificate),
        )
        .route(
            "/applications/{id}/certificates/{code}/pdf/{lang}",
            get(download_certificate_in),
        )
        .route(
            "/applications/{id}/certificates/{code}/badge",
            get(download_badge),
        )
        .route(
            "/applications/{id}/step/{step}",
            get(step_page).post(save_step),
        )
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Step {
    Identity,
    Contact,
    Background,
    Motivation,
    Declaration,
}

impl Step {
    const ALL: [Step; 5] = [
        Step::Identity,
        Step::Contact,
        Step::Background,
        Step::Motivation,
        Step::Declaration,
    ];

    fn slug(self) -> &'static str {
        match self {
            Step::Identity => "identity",
            Step::Contact => "contact",
            Step::Background => "background",
            Step::Motivation => "motivation",
            Step::Declaration => "declaration",
        }
    }

    pub(super) fn parse(slug: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.slug() == slug)
    }

    fn title(self, tr: Tr) -> String {
        tr.t(&format!("step-{}", self.slug()))
    }

    /// Where the applicant goes after this step (documents sit between motivation and declaration).
    fn next_path(self, id: &str) -> String {
        match self {
            Step::Identity => step_path(id, Step::Contact),
            Step::Contact => step_path(id, Step::Background),
            Step::Background => step_path(id, Step::Motivation),
            Step::Motivation => format!("/applications/{id}/documents"),
            Step::Declaration => format!("/applications/{id}/check"),
        }
    }

    fn back_path(self, id: &str) -> String {
        match self {
            Step::Identity => format!("/applications/{id}"),
            Step::Contact => step_path(id, Step::Identity),
            Step::Background => step_path(id, Step::Contact),
            Step::Motivation => step_path(id, Step::Background),
            Step::Declaration => format!("/applications/{id}/documents"),
        }
    }
}

fn step_path(id: &str, step: Step) -> String {
    format!("/applications/{id}/step/{}", step.slug())
}

/// The short reference applicants quote.
pub fn reference(application_id: &str) -> String {
    application_id
        .chars()
        .take(8)
        .collect::<String>()
        .to_uppercase()
}

pub(super) fn html(
    template: impl Template,
    status: StatusCode,
    set_cookie: Option<HeaderValue>,
) -> Result<Response, AppError> {
    let body = template
        .render()
        .map_err(|e| AppError::Internal(e.into()))?;
    let mut response = (status, Html(body)).into_response();
    if let Some(c) = set_cookie {
        response.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(response)
}

fn caption(tr: Tr, record: &ApplicationRecord) -> String {
    tr.t1(
        "step-caption",
        "program",
        record.program_title.get(tr.locale()),
    )
}

// ---- starting ----------------------------------------------------------------------------------

async fn start_page(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireApplicant(_applicant): RequireApplicant,
    Path((edition, program)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    let snapshot = state.catalog.get(&state.config).await?;
    let p = snapshot
        .program(&edition, &program)
        .ok_or(AppError::NotFound)?;
    let title = tr.t1("apply-start-title", "program", p.title.get(locale));
    let csrf = auth::issue_csrf(&state, &headers);
    let open = p.window(OffsetDateTime::now_utc()) == ApplicationWindow::Open;
    let template = MessageTemplate {
        layout: Layout::new(
            tr,
            &format!("/programs/{edition}/{program}/apply"),
            &title,
            &state.config,
        ),
        heading: title,
        paragraphs: if open {
            vec![tr.t("apply-start-body"), tr.t("apply-start-need")]
        } else {
            vec![tr.t("apply-closed")]
        },
        form: open.then(|| PostButton {
            action: format!("/programs/{edition}/{program}/apply"),
            csrf: csrf.token,
            label: tr.t("apply-start-submit"),
        }),
        link: None,
    };
    html(template, StatusCode::OK, csrf.set_cookie)
}

async fn start(
    State(state): State<AppState>,
    RequireApplicant(applicant): RequireApplicant,
    Path((edition, program)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<Button>,
) -> Result<Response, AppError> {
    let snapshot = state.catalog.get(&state.config).await?;
    let p = snapshot
        .program(&edition, &program)
        .ok_or(AppError::NotFound)?;
    match state
        .store
        .applications()
        .start_application(
            &applicant.applicant_id,
            &p.program_id,
            OffsetDateTime::now_utc(),
        )
        .await
    {
        Ok((id, true)) => Ok(Redirect::to(&step_path(&id, Step::Identity)).into_response()),
        // One application per program: the existing one is where the applicant continues.
        Ok((id, false)) => Ok(Redirect::to(&format!("/applications/{id}")).into_response()),
        Err(StoreError::Refused(_)) => {
            Ok(Redirect::to(&format!("/programs/{edition}/{program}/apply")).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
