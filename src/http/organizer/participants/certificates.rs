//! A program's certificates from the participants page: issued in one batch for everyone who
//! completes, corrected (a new certificate supersedes the old) or revoked with a reason.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use time::OffsetDateTime;

use crate::domain::access::Permission;
use crate::domain::certificate::{CertificateRecord, RevokeDraft};
use crate::domain::problem::Checked;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::forms::{Button, CsrfForm};
use crate::http::lang::Lang;
use crate::http::organizer::auth::RequireOrganizer;
use crate::i18n::Tr;
use crate::store::StoreError;
use crate::store::issuing::{BatchError, IssueSettings, correct_certificate, issue_program};

use super::{Refused, page_path, plan_error, render};

fn signer(state: &AppState) -> impl Fn(&CertificateRecord) -> [u8; 64] + Send + Sync + use<> {
    let key = state.signing_key.clone();
    move |r: &CertificateRecord| r.sign(&key)
}

/// The batch: every participant who completes receives what they earned and lacks, and an email.
#[tracing::instrument(skip_all, fields(organizer_id = %organizer.organizer_id, program_id = %program_id))]
pub(super) async fn issue(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(organizer): RequireOrganizer,
    Path(program_id): Path<String>,
    CsrfForm(_): CsrfForm<Button>,
) -> Result<Response, AppError> {
    organizer.require(Permission::Certify, &program_id)?;
    let tr = Tr(locale);
    let sign = signer(&state);
    let settings = IssueSettings::for_public_url(&state.config.public_url);
    let result = issue_program(
        state.store.all(),
        &program_id,
        &settings,
        &sign,
        &organizer.actor(),
        OffsetDateTime::now_utc(),
        &mut |_, _| {},
    )
    .await;
    match result {
        Ok(report) => {
            state.wake_worker.notify_one();
            Ok(Redirect::to(&format!(
                "{}?done=issued&graduates={}&documents={}",
                page_path(&program_id),
                report.graduates,
                report.documents
            ))
            .into_response())
        }
        Err(BatchError::NotFound) => Err(AppError::NotFound),
        Err(BatchError::Plan(e)) => {
            let refused = Refused {
                issue_error: Some(plan_error(tr, &e)),
                ..Refused::default()
            };
            render(&state, tr, &headers, &organizer, &program_id, refused, None).await
        }
        Err(BatchError::Store(e)) => Err(e.into()),
    }
}

/// The certificate `code` if it belongs to a participant of `program_id` (404 otherwise).
async fn certificate_of_program(
    state: &AppState,
    program_id: &str,
    code: &str,
) -> Result<(), AppError> {
    let found = state
        .store
        .certificates()
        .certificate_by_code(code)
        .await?
        .ok_or(AppError::NotFound)?;
    let program = state
        .store
        .certificates()
        .program_of(&found.application_id)
        .await?;
    if program.as_deref() == Some(program_id) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

#[tracing::instrument(skip_all, fields(organizer_id = %organizer.organizer_id, program_id = %program_id))]
pub(super) async fn revoke(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(organizer): RequireOrganizer,
    Path((program_id, code)): Path<(String, String)>,
    CsrfForm(draft): CsrfForm<RevokeDraft>,
) -> Result<Response, AppError> {
    organizer.require(Permission::Certify, &program_id)?;
    certificate_of_program(&state, &program_id, &code).await?;
    let tr = Tr(locale);
    let problems = draft.problems();
    let reason = match draft.reason {
        Some(reason) if problems.is_empty() => reason,
        typed => {
            let refused = Refused {
                revoke: Some((code, typed.unwrap_or_default(), tr.t("cohort-error-reason"))),
                ..Refused::default()
            };
            return render(&state, tr, &headers, &organizer, &program_id, refused, None).await;
        }
    };
    match state
        .store
        .certificates()
        .revoke_certificate(
            &code,
            &reason,
            &organizer.actor(),
            OffsetDateTime::now_utc(),
        )
        .await
    {
        Ok(()) => {
            Ok(Redirect::to(&format!("{}?done=revoked", page_path(&program_id))).into_response())
        }
        // Revoked or replaced meanwhile: the page shows it.
        Err(StoreError::NotFound) => Ok(Redirect::to(&page_path(&program_id)).into_response()),
        Err(e) => Err(e.into()),
    }
}

/// A correction: a new certificate, from what is recorded now, replaces this one.
#[tracing::instrument(skip_all, fields(organizer_id = %organizer.organizer_id, program_id = %program_id))]
pub(super) async fn correct(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(organizer): RequireOrganizer,
    Path((program_id, code)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<Button>,
) -> Result<Response, AppError> {
    organizer.require(Permission::Certify, &program_id)?;
    certificate_of_program(&state, &program_id, &code).await?;
    let tr = Tr(locale);
    let sign = signer(&state);
    let settings = IssueSettings::for_public_url(&state.config.public_url);
    match correct_certificate(
        state.store.all(),
        &code,
        &settings,
        &sign,
        &organizer.actor(),
        OffsetDateTime::now_utc(),
    )
    .await
    {
        Ok(_) => {
            state.wake_worker.notify_one();
            Ok(Redirect::to(&format!("{}?done=corrected", page_path(&program_id))).into_response())
        }
        Err(BatchError::NotFound) => Ok(Redirect::to(&page_path(&program_id)).into_response()),
        Err(BatchError::Plan(e)) => {
            let refused = Refused {
                issue_error: Some(plan_error(tr, &e)),
                ..Refused::default()
            };
            render(&state, tr, &headers, &organizer, &program_id, refused, None).await
        }
        Err(BatchError::Store(e)) => Err(e.into()),
    }
}
