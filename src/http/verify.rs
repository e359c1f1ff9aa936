//! The public verification of certificates, for anyone holding one (an employer, a university, a
//! consulate): `/verify/{code}` (the address in the QR code) shows who issued what to whom (the name
//! partly masked), when, the credits, and whether it is valid, revoked, superseded or expired, after
//! checking its signature again. `/certificates/key.json` publishes the public key, so that anyone
//! can check a certificate file or an Open Badge without us. The same address checks a visa
//! invitation letter, by the code printed on it: whether it still stands.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use fluent_templates::fluent_bundle::FluentValue;
use time::OffsetDateTime;

use super::AppState;
use super::application::html;
use super::error::AppError;
use super::lang::Lang;
use super::views::{Layout, VerifyTemplate};
use crate::domain::calendar::{format_date, format_date_range, to_paris};
use crate::domain::certificate::{PublicStatus, hex, is_verification_code, masked_name};
use crate::domain::locale::Locale;
use crate::domain::status::CertificateKind;
use crate::domain::visa::LetterStatus;
use crate::i18n::Tr;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/verify/{code}", get(verify))
        .route("/certificates/key.json", get(public_key))
}

#[tracing::instrument(skip_all)]
async fn verify(
    State(state): State<AppState>,
    Lang(locale): Lang,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    // Checked before any lookup; an unknown code and a malformed one answer the same 404.
    let code = code.trim().to_ascii_uppercase();
    if !is_verification_code(&code) {
        return Err(AppError::NotFound);
    }
    let Some(found) = state.store.certificate_by_code(&code).await? else {
        return verify_letter(&state, locale, &code).await;
    };
    let tr = Tr(locale);
    let r = &found.record;
    let signed = r.verify(&state.signing_key.verifying_key(), &found.signature);
    let today = to_paris(OffsetDateTime::now_utc()).date();
    let status = PublicStatus::of(found.status, r.valid_until, today);
    let a = |k: &'static str, v: String| [(k, FluentValue::from(v))];
    let mut facts = vec![
        (
            tr.t("verify-issuer"),
            format!("{}, {}", r.issuer.institution, r.issuer.faculty),
        ),
        (tr.t("verify-holder"), masked_name(&r.holder.name)),
        (
            tr.t("verify-what"),
            format!(
                "{} — {}",
                tr.t(match r.kind {
                    CertificateKind::AttestationOfSuccess => "certificate-success-title",
                    CertificateKind::Afgsu2 => "certificate-afgsu-title",
                }),
                r.course.title
            ),
        ),
        (
            tr.t("verify-dates"),
            format_date_range(r.course.starts_on, r.course.ends_on, locale),
        ),
        (tr.t("verify-issued"), format_date(r.issued_on, locale)),
        (tr.t("verify-serial"), r.serial.clone()),
    ];
    if r.kind == CertificateKind::AttestationOfSuccess {
        facts.push((tr.t("verify-credits"), r.course.ects.to_string()));
    }
    if let Some(until) = r.valid_until {
        facts.push((tr.t("verify-valid-until"), format_date(until, locale)));
    }
    let detail = match status {
        PublicStatus::Revoked => found
            .revoked_reason
            .as_ref()
            .map(|reason| tr.t_args("verify-revoked-reason", &a("reason", reason.clone()))),
        PublicStatus::Superseded => found
            .superseded_by
            .as_ref()
            .map(|serial| tr.t_args("verify-superseded-by", &a("serial", serial.clone()))),
        _ => None,
    };
    let title = tr.t("verify-title");
    let template = VerifyTemplate {
        layout: Layout::new(tr, &format!("/verify/{code}"), &title, &state.config),
        title,
        status: status.as_str(),
        status_text: tr.t(&format!("verify-status-{}", status.as_str())),
        detail,
        signature: tr.t(if signed {
            "verify-signature-ok"
        } else {
            "verify-signature-bad"
        }),
        facts,
        show_key: true,
    };
    private_page(template)
}

/// A visa invitation letter, as a consulate checks it: whose (initials), for which school and
/// dates, and whether it still stands, from the application as it is now. Unknown: 404.
async fn verify_letter(state: &AppState, locale: Locale, code: &str) -> Result<Response, AppError> {
    let letter = state
        .store
        .visa_letter_by_code(code)
        .await?
        .ok_or(AppError::NotFound)?;
    let facts_of = state
        .store
        .program_facts(&letter.program_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let tr = Tr(locale);
    let today = to_paris(OffsetDateTime::now_utc()).date();
    let status = LetterStatus::of(letter.application_status, facts_of.ends_on, today);
    let mut facts = Vec::new();
    if let Some(issuer) = &facts_of.issuer {
        facts.push((
            tr.t("verify-issuer"),
            format!("{}, {}", issuer.institution, issuer.faculty.get(locale)),
        ));
    }
    facts.extend([
        (tr.t("verify-holder"), masked_name(&letter.holder_name)),
        (
            tr.t("verify-letter-what"),
            facts_of.title.get(locale).to_owned(),
        ),
        (
            tr.t("verify-dates"),
            format_date_range(facts_of.starts_on, facts_of.ends_on, locale),
        ),
        (tr.t("verify-issued"), format_date(letter.issued_on, locale)),
        (tr.t("verify-letter-number"), letter.number),
    ]);
    let title = tr.t("verify-letter-title");
    let template = VerifyTemplate {
        layout: Layout::new(tr, &format!("/verify/{code}"), &title, &state.config),
        title,
        // The page's style: the same colours as a certificate's states.
        status: match status {
            LetterStatus::Valid => "valid",
            LetterStatus::Withdrawn => "revoked",
            LetterStatus::Ended => "expired",
        },
        status_text: tr.t(&format!("verify-letter-status-{}", status.as_str())),
        detail: None,
        signature: tr.t("verify-letter-records"),
        facts,
        show_key: false,
    };
    private_page(template)
}

/// The page, kept out of shared caches (it is about a person) and its address out of other sites'
/// logs.
fn private_page(template: VerifyTemplate) -> Result<Response, AppError> {
    let mut response = html(template, StatusCode::OK, None)?;
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    Ok(response)
}

/// The public key certificates are signed with, as hex and as a Multikey.
async fn public_key(State(state): State<AppState>) -> Response {
    let key = state.signing_key.verifying_key();
    axum::Json(serde_json::json!({
        "type": "Multikey",
        "algorithm": "Ed25519",
        "publicKeyHex": hex(key.as_bytes()),
        "publicKeyMultibase": crate::domain::badge::multikey(&key),
    }))
    .into_response()
}
