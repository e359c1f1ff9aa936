//! Specimens before issuing (`/organizer/programs/{id}/specimens`): any document of the program,
//! printed for any name as the form would take it, from the signatory, signature image and layout
//! it will be issued with, stamped SPECIMEN, never numbered nor signed. Anyone who may see the
//! program may print them; nothing is stored and the name typed is sent in the form, never in the
//! address.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use crate::documents::specimen::{self, Specimen, SpecimenError, SpecimenFee, SpecimenKind};
use crate::domain::access::Permission;
use crate::domain::locale::Locale;
use crate::domain::status::CertificateKind;
use crate::http::AppState;
use crate::http::auth as site_auth;
use crate::http::error::AppError;
use crate::http::forms::CsrfForm;
use crate::http::lang::Lang;
use crate::http::organizer::auth::{Organizer, RequireOrganizer};
use crate::http::organizer::dashboard::nav;
use crate::http::organizer::views::{SpecimensPage, page};
use crate::http::views::{FieldError, Layout, OptionView};
use crate::i18n::Tr;

use super::{facts, page_path};

/// What the organizer asks for.
#[derive(Debug, Default, Deserialize)]
pub(super) struct SpecimenRequest {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    lang: String,
    #[serde(default)]
    name: String,
}

fn path(program_id: &str) -> String {
    format!("/organizer/programs/{program_id}/specimens")
}

/// The form.
#[tracing::instrument(skip_all, fields(organizer_id = %organizer.organizer_id, program_id = %program_id))]
pub(super) async fn specimens_page(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(organizer): RequireOrganizer,
    Path(program_id): Path<String>,
) -> Result<Response, AppError> {
    organizer.require(Permission::ViewProgram, &program_id)?;
    let request = SpecimenRequest {
        kind: SpecimenKind::Success.as_str().to_owned(),
        lang: locale.tag().to_owned(),
        name: String::new(),
    };
    form(
        &state,
        locale,
        &headers,
        &organizer,
        &program_id,
        &request,
        None,
    )
    .await
}

/// The specimen's PDF, or the form again (422) saying what to change, with what was typed.
#[tracing::instrument(skip_all, fields(organizer_id = %organizer.organizer_id, program_id = %program_id))]
pub(super) async fn print_specimen(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(organizer): RequireOrganizer,
    Path(program_id): Path<String>,
    CsrfForm(request): CsrfForm<SpecimenRequest>,
) -> Result<Response, AppError> {
    organizer.require(Permission::ViewProgram, &program_id)?;
    match specimen_pdf(&state, Tr(locale), &program_id, &request).await? {
        Ok((file_name, pdf)) => Ok(crate::http::pdf_response(&file_name, pdf)),
        Err(error) => {
            form(
                &state,
                locale,
                &headers,
                &organizer,
                &program_id,
                &request,
                Some(error),
            )
            .await
        }
    }
}

/// The specimen `request` asks for, as its file name and PDF, or what the organizer must change.
async fn specimen_pdf(
    state: &AppState,
    tr: Tr,
    program_id: &str,
    request: &SpecimenRequest,
) -> Result<Result<(String, Vec<u8>), FieldError>, AppError> {
    let Some(kind) = SpecimenKind::parse(&request.kind) else {
        return Ok(Err(FieldError::new("kind", tr.t("specimen-error-kind"))));
    };
    let Some(document_locale) = Locale::from_tag(&request.lang) else {
        return Ok(Err(FieldError::new("lang", tr.t("specimen-error-lang"))));
    };
    let facts = facts(state, program_id).await?;
    let snapshot = state.catalog.get(&state.config).await?;
    let program = snapshot
        .programs
        .iter()
        .find(|p| p.program_id == program_id)
        .ok_or(AppError::NotFound)?;
    let organization = state
        .store
        .certificates()
        .program_organization(program_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let specimen = Specimen {
        fee: program.standard_fee().map(|fee| SpecimenFee {
            label: fee.label.clone(),
            amount: fee.amount,
            several_tiers: program.fee_tiers.len() > 1,
        }),
        contact_email: program.contact_email.clone(),
        facts,
        organization,
        kind,
        locale: document_locale,
        name: request.name.clone(),
        public_url: state.config.public_url.clone(),
    };
    Ok(match specimen::render(&specimen, &state.signatures) {
        Ok(pdf) => Ok((
            format!("specimen-{}-{}.pdf", kind.as_str(), document_locale.tag()),
            pdf,
        )),
        Err(SpecimenError::Name(problem)) => Err(FieldError::new("name", tr.problem(&problem))),
        // The catalog lacks what the document needs (who issues or signs it, a fee): said in the
        // organizer's language; the log has the detail.
        Err(other) => {
            tracing::info!(error = %other, "a specimen the catalog cannot print");
            Err(FieldError::new("kind", tr.t("specimen-error-unavailable")))
        }
    })
}

async fn form(
    state: &AppState,
    locale: Locale,
    headers: &HeaderMap,
    organizer: &Organizer,
    program_id: &str,
    request: &SpecimenRequest,
    error: Option<FieldError>,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    let program = facts(state, program_id).await?;
    let awarded = |k: CertificateKind| program.certifications.contains(&k);
    let kinds = SpecimenKind::ALL
        .into_iter()
        .filter(|k| match k {
            SpecimenKind::Success => awarded(CertificateKind::AttestationOfSuccess),
            SpecimenKind::Afgsu => awarded(CertificateKind::Afgsu2),
            _ => true,
        })
        .map(|k| OptionView {
            value: k.as_str().to_owned(),
            label: tr.t(&format!("specimen-kind-{}", k.as_str())),
            selected: k.as_str() == request.kind,
        })
        .collect();
    let languages = Locale::ALL
        .into_iter()
        .map(|l| OptionView {
            value: l.tag().to_owned(),
            label: l.native_name().to_owned(),
            selected: l.tag() == request.lang,
        })
        .collect();
    let error_of = |field: &str| {
        error
            .as_ref()
            .filter(|e| e.field == field)
            .map(|e| e.message.clone())
    };
    let (kind_error, lang_error, name_error) =
        (error_of("kind"), error_of("lang"), error_of("name"));
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let csrf = site_auth::issue_csrf(state, headers);
    let action = path(program_id);
    let template = SpecimensPage {
        layout: Layout::new(tr, &action, &tr.t("specimen-title"), &state.config),
        nav: nav(state, headers, organizer),
        program_title: program.title.get(locale).to_owned(),
        cohort_href: page_path(program_id),
        kind_error,
        lang_error,
        name_error,
        errors: error.into_iter().collect(),
        kinds,
        languages,
        name: request.name.clone(),
        action,
        csrf: csrf.token,
    };
    page(template, status, csrf.set_cookie)
}
