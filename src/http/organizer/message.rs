//! Writing to a program's people (`/organizer/programs/{id}/message`; admins, the program's
//! directors, scolarité): its participants, everyone admitted, or its waitlist. One email each, in
//! one transaction with its audit event; a mistake sends nothing and keeps what was typed.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use time::OffsetDateTime;

use super::auth::{Organizer, RequireOrganizer};
use super::dashboard::nav;
use super::views::{MessagePage, page};
use crate::domain::access::Permission;
use crate::domain::message::{Audience, BODY_MAX, MessageDraft, SUBJECT_MAX, parse_message};
use crate::email::render;
use crate::http::AppState;
use crate::http::auth as site_auth;
use crate::http::error::AppError;
use crate::http::forms::CsrfForm;
use crate::http::lang::Lang;
use crate::http::views::{FieldError, Layout, OptionView};
use crate::i18n::Tr;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/organizer/programs/{program_id}/message",
        get(message_page).post(send),
    )
}

fn path(program_id: &str) -> String {
    format!("/organizer/programs/{program_id}/message")
}

/// What was typed, and its problems.
#[derive(Default)]
struct Typed {
    draft: MessageDraft,
    errors: Vec<FieldError>,
}

#[derive(Deserialize)]
struct Sent {
    sent: Option<usize>,
}

async fn render_page(
    state: &AppState,
    tr: Tr,
    headers: &HeaderMap,
    organizer: &Organizer,
    program_id: &str,
    typed: Typed,
    notice: Option<String>,
) -> Result<Response, AppError> {
    let program = state
        .store
        .certificates()
        .program_facts(program_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let status = if typed.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let heading = tr.t("message-title");
    let title = if typed.errors.is_empty() {
        heading.clone()
    } else {
        format!("{} {heading}", tr.t("error-title-prefix"))
    };
    let selected = if typed.draft.audience.is_empty() {
        Audience::Participants.as_str().to_owned()
    } else {
        typed.draft.audience.clone()
    };
    let error_of = |field: &str| {
        typed
            .errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
    };
    let csrf = site_auth::issue_csrf(state, headers);
    let template = MessagePage {
        layout: Layout::new(tr, &path(program_id), &title, &state.config),
        nav: nav(state, headers, organizer),
        heading,
        program_title: program.title.get(tr.locale()).to_owned(),
        queue_href: format!("/organizer/programs/{program_id}"),
        notice,
        audience_options: Audience::ALL
            .iter()
            .map(|a| OptionView {
                value: a.as_str().to_owned(),
                label: tr.t(&format!("message-audience-{}", a.as_str())),
                selected: a.as_str() == selected,
            })
            .collect(),
        audience_error: error_of("audience"),
        subject_error: error_of("subject"),
        body_error: error_of("body"),
        subject: typed.draft.subject.unwrap_or_default(),
        body: typed.draft.body.unwrap_or_default(),
        subject_max: SUBJECT_MAX,
        body_max: BODY_MAX,
        errors: typed.errors,
        action: path(program_id),
        csrf: csrf.token,
    };
    page(template, status, csrf.set_cookie)
}

#[tracing::instrument(skip_all, fields(organizer_id = %organizer.organizer_id, program_id = %program_id))]
async fn message_page(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(organizer): RequireOrganizer,
    Path(program_id): Path<String>,
    Query(q): Query<Sent>,
) -> Result<Response, AppError> {
    organizer.require(Permission::Message, &program_id)?;
    let tr = Tr(locale);
    let notice = q
        .sent
        .map(|n| tr.tn("message-sent", "count", i64::try_from(n).unwrap_or(0)));
    render_page(
        &state,
        tr,
        &headers,
        &organizer,
        &program_id,
        Typed::default(),
        notice,
    )
    .await
}

#[tracing::instrument(skip_all, fields(organizer_id = %organizer.organizer_id, program_id = %program_id))]
async fn send(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(organizer): RequireOrganizer,
    Path(program_id): Path<String>,
    CsrfForm(draft): CsrfForm<MessageDraft>,
) -> Result<Response, AppError> {
    organizer.require(Permission::Message, &program_id)?;
    let tr = Tr(locale);
    let message = match parse_message(&draft) {
        Ok(m) => m,
        Err(problems) => {
            let errors = FieldError::all(tr, &problems);
            let typed = Typed { draft, errors };
            return render_page(&state, tr, &headers, &organizer, &program_id, typed, None).await;
        }
    };
    let base = state.config.public_url.trim_end_matches('/').to_owned();
    let write = |r: &crate::store::cohort::Recipient| {
        render::program_message(
            Tr(r.locale),
            &r.email,
            r.given_names.clone(),
            &message.subject,
            &message.paragraphs,
            &format!("{base}/applications/{}", r.application_id),
        )
    };
    let sent = state
        .store
        .notices()
        .message_program(
            &program_id,
            message.audience.statuses(),
            &write,
            &format!("to {}: {}", message.audience.as_str(), message.subject),
            &organizer.actor(),
            OffsetDateTime::now_utc(),
        )
        .await?;
    state.wake_worker.notify_one();
    Ok(Redirect::to(&format!("{}?sent={sent}", path(&program_id))).into_response())
}
