//! The public verification of certificates, for anyone holding one (an employer, a university, a
//! consulate): `/verify/{code}` (the address in the QR code) shows who issued what to whom (the name
//! partly masked), when, the credits, and whether it is valid, revoked, superseded or expired, after
//! checking its signature again. `/certificates/key.json` publishes the public key, so that anyone
//! can check a certificate file or an Open Badge without us.

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
use crate::domain::status::CertificateKind;
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
    let found = state
        .store
        .certificate_by_code(&code)
        .await?
        .ok_or(AppError::NotFound)?;
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
    };
    let mut response = html(template, StatusCode::OK, None)?;
    // Nobody's certificate stays in a shared cache, and the code stays out of other sites' logs.
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
