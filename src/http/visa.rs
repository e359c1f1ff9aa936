//! The visa invitation letter (`/applications/{id}/visa-letter`): an admitted or enrolled applicant
//! gives their passport data (only here, only if they ask), and downloads the letter for the
//! consulate. Only the owner sees the form, the data or the letter (404 for anyone else); the data
//! is erased once the school is over (see `store::visa::erase_visa_data`, run by the worker).

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use time::OffsetDateTime;

use super::AppState;
use super::auth::{self, RequireApplicant};
use super::error::AppError;
use super::lang::Lang;
use super::views::{FieldError, FieldView, Layout, OptionView, VisaTemplate};
use crate::domain::application::Problem;
use crate::domain::calendar::{format_date, to_paris};
use crate::domain::countries;
use crate::domain::refusal::Refusal;
use crate::domain::status::ApplicationStatus;
use crate::domain::visa::{
    VisaForm, VisaLetterRecord, parse_visa_form, passport_valid_until_at_least,
};
use crate::http::forms::CsrfForm;
use crate::i18n::Tr;
use crate::store::{ApplicationRecord, StoreError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/applications/{id}/visa-letter",
            get(form_page).post(request),
        )
        .route("/applications/{id}/visa-letter/pdf", get(download))
}

fn admitted(record: &ApplicationRecord) -> bool {
    matches!(
        record.status,
        ApplicationStatus::Accepted | ApplicationStatus::Enrolled
    )
}

async fn render(
    state: &AppState,
    tr: Tr,
    headers: &HeaderMap,
    record: &ApplicationRecord,
    typed: Option<VisaForm>,
    problems: &[Problem],
    closed: Option<String>,
) -> Result<Response, AppError> {
    let locale = tr.locale();
    let id = &record.application_id;
    let letter = state.store.visa().visa_letter(id).await?;
    let facts = state
        .store
        .certificates()
        .program_facts(&record.program_id)
        .await?;
    let closed = closed.or_else(|| match &letter {
        Some(l) if l.passport.is_none() => Some(tr.t1("visa-erased", "number", l.number.clone())),
        None if !admitted(record) => Some(tr.t("visa-not-admitted")),
        _ => None,
    });
    let stored = letter.as_ref().and_then(|l| l.passport.as_ref());
    let form = typed.unwrap_or_else(|| match stored {
        Some(p) => VisaForm {
            passport_name: p.name.clone(),
            passport_number: p.number.clone(),
            nationality: p.nationality.as_str().to_owned(),
            birth_day: p.birth_date.day().to_string(),
            birth_month: u8::from(p.birth_date.month()).to_string(),
            birth_year: p.birth_date.year().to_string(),
            expiry_day: p.expires_on.day().to_string(),
            expiry_month: u8::from(p.expires_on.month()).to_string(),
            expiry_year: p.expires_on.year().to_string(),
        },
        None => VisaForm::default(),
    });
    let error_of = |field: &str| {
        problems
            .iter()
            .find(|p| p.field == field)
            .map(|p| tr.problem(p))
    };
    let mut name = FieldView::new("passport_name", "text", tr.t("visa-passport-name"));
    name.hint = Some(tr.t("visa-passport-name-hint"));
    name.value = form.passport_name.clone();
    name.error = error_of("passport_name");
    let mut number = FieldView::new("passport_number", "text", tr.t("visa-passport-number"));
    number.value = form.passport_number.clone();
    number.error = error_of("passport_number");
    let mut nationality = FieldView::new("nationality", "select", tr.t("visa-nationality"));
    nationality.options = std::iter::once(OptionView {
        value: String::new(),
        label: String::new(),
        selected: form.nationality.is_empty(),
    })
    .chain(
        countries::sorted_for(locale)
            .into_iter()
            .map(|c| OptionView {
                value: c.code.to_owned(),
                label: c.name(locale).to_owned(),
                selected: c.code.eq_ignore_ascii_case(form.nationality.trim()),
            }),
    )
    .collect();
    nationality.error = error_of("nationality");
    let mut birth = FieldView::new("birth_date", "date", tr.t("visa-birth-date"));
    birth.date = (
        form.birth_day.clone(),
        form.birth_month.clone(),
        form.birth_year.clone(),
    );
    birth.error = error_of("birth_date");
    let mut expiry = FieldView::new("passport_expiry", "date", tr.t("visa-expiry"));
    expiry.date = (
        form.expiry_day.clone(),
        form.expiry_month.clone(),
        form.expiry_year.clone(),
    );
    expiry.hint = facts.as_ref().map(|f| {
        tr.t1(
            "visa-expiry-hint",
            "date",
            format_date(passport_valid_until_at_least(f.ends_on), locale),
        )
    });
    expiry.error = error_of("passport_expiry");
    let fields = vec![name, number, nationality, birth, expiry];
    let errors: Vec<FieldError> = fields
        .iter()
        .filter_map(|f| {
            f.error.as_ref().map(|m| FieldError {
                field: f.id.to_owned(),
                message: m.clone(),
            })
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let heading = tr.t("visa-title");
    let title = if errors.is_empty() {
        heading
    } else {
        format!("{} {heading}", tr.t("error-title-prefix"))
    };
    let path = format!("/applications/{id}/visa-letter");
    let csrf = auth::issue_csrf(state, headers);
    let template = VisaTemplate {
        layout: Layout::new(tr, &path, &title, &state.config),
        errors,
        back: format!("/applications/{id}"),
        program: record.program_title.get(locale).to_owned(),
        ready: letter
            .as_ref()
            .filter(|l| l.passport.is_some())
            .map(|l| tr.t1("visa-ready", "number", l.number.clone())),
        download: stored.map(|_| format!("{path}/pdf")),
        closed,
        action: path,
        csrf: csrf.token,
        fields,
        submit_label: tr.t(if stored.is_some() {
            "visa-update"
        } else {
            "visa-submit"
        }),
    };
    let mut response = super::organizer::views::page(template, status, csrf.set_cookie)?;
    // Passport data: never kept by a cache.
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

async fn form_page(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireApplicant(applicant): RequireApplicant,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let record = state
        .store
        .applications()
        .application(&applicant.applicant_id, &id)
        .await?;
    render(&state, Tr(locale), &headers, &record, None, &[], None).await
}

async fn request(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireApplicant(applicant): RequireApplicant,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<VisaForm>,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    let record = state
        .store
        .applications()
        .application(&applicant.applicant_id, &id)
        .await?;
    let facts = state
        .store
        .certificates()
        .program_facts(&record.program_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = OffsetDateTime::now_utc();
    let passport = match parse_visa_form(
        &form,
        &crate::documents::layout::PASSPORT_NAME,
        facts.ends_on,
        to_paris(now).date(),
    ) {
        Ok(p) => p,
        Err(problems) => {
            return render(&state, tr, &headers, &record, Some(form), &problems, None).await;
        }
    };
    match state
        .store
        .visa()
        .request_visa_letter(&applicant.applicant_id, &id, &passport, now)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/applications/{id}/visa-letter")).into_response()),
        Err(StoreError::Refused(why)) => {
            let closed = tr.t(if why == Refusal::SchoolOver {
                "visa-school-over"
            } else {
                "visa-not-admitted"
            });
            render(&state, tr, &headers, &record, Some(form), &[], Some(closed)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The letter, printed from the stored data in the reader's language.
async fn download(
    State(state): State<AppState>,
    Lang(locale): Lang,
    RequireApplicant(applicant): RequireApplicant,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let record = state
        .store
        .applications()
        .application(&applicant.applicant_id, &id)
        .await?;
    let letter = state
        .store
        .visa()
        .visa_letter(&id)
        .await?
        .ok_or(AppError::NotFound)?;
    let passport = letter.passport.ok_or(AppError::NotFound)?;
    let facts = state
        .store
        .certificates()
        .program_facts(&record.program_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let issuer = facts.issuer.as_ref().ok_or(AppError::NotFound)?;
    let program = state
        .store
        .catalog()
        .programs()
        .await?
        .into_iter()
        .find(|p| p.program_id == record.program_id)
        .ok_or(AppError::NotFound)?;
    let place = crate::domain::issuance::school_place(&program.places, &issuer.place_of_issue);
    let letter_record = VisaLetterRecord {
        locale,
        number: letter.number.clone(),
        issued_on: letter.issued_on,
        institution: issuer.institution.clone(),
        faculty: issuer.faculty.get(locale).to_owned(),
        signatory_name: issuer.signatory_name.clone(),
        signatory_title: issuer.signatory_title.get(locale).to_owned(),
        place_of_issue: issuer.place_of_issue.clone(),
        contact_email: program.contact_email.clone(),
        nationality_name: passport.nationality.country().name(locale).to_owned(),
        passport,
        program_title: facts.title.get(locale).to_owned(),
        // The dates the letter was issued with (the school's, for a letter from before they
        // were kept).
        starts_on: letter.school_dates.map_or(facts.starts_on, |d| d.0),
        ends_on: letter.school_dates.map_or(facts.ends_on, |d| d.1),
        place,
        hours: facts.hours,
        enrolled: record.status == ApplicationStatus::Enrolled,
        demo: record.edition_is_demo,
        verification_url: letter
            .verification_code
            .as_ref()
            .map(|code| {
                format!(
                    "{}/verify/{code}",
                    state.config.public_url.trim_end_matches('/')
                )
            })
            .unwrap_or_default(),
    };
    let picture = issuer
        .signature_image
        .as_deref()
        .and_then(|name| state.signatures.get(name));
    Ok(super::pdf_response(
        &format!("{}.pdf", letter.number),
        state.sealer.seal(crate::documents::visa::render_with(
            &letter_record,
            picture.as_deref(),
        )),
    ))
}
