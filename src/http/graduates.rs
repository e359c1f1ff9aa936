//! The graduate's certificates page (`/certificates`): every certificate they hold that stands, from
//! every school and year they attended, each to download as a PDF (in English and in French, from
//! the one signed record) or as an Open Badge, with the
//! public address anyone can use to check it and a button that copies it.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

use super::AppState;
use super::auth::RequireApplicant;
use super::error::AppError;
use super::lang::Lang;
use super::views::{GraduateCertificate, GraduateSchool, GraduatesTemplate, Layout};
use crate::domain::calendar::{format_date, format_date_range};
use crate::domain::locale::Locale;
use crate::domain::status::CertificateKind;
use crate::i18n::Tr;

/// The copy button's script: served from here, so the page needs no inline script.
pub const COPY_SCRIPT: &str = include_str!("../../templates/static/copy.js");

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/certificates", get(certificates))
        .route("/static/copy.js", get(copy_script))
}

async fn certificates(
    State(state): State<AppState>,
    Lang(locale): Lang,
    RequireApplicant(applicant): RequireApplicant,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    let mut schools = Vec::new();
    for a in state
        .store
        .applications()
        .applications_of(&applicant.applicant_id)
        .await?
    {
        let standing = state
            .store
            .certificates()
            .certificates_of(&a.application_id)
            .await?;
        let Some(first) = standing.first() else {
            continue;
        };
        let dates = format_date_range(
            first.record.course.starts_on,
            first.record.course.ends_on,
            locale,
        );
        let certificates = standing
            .iter()
            .map(|c| {
                let r = &c.record;
                let base = format!(
                    "/applications/{}/certificates/{}",
                    a.application_id, r.verification_code
                );
                GraduateCertificate {
                    title: tr.t(match r.kind {
                        CertificateKind::AttestationOfSuccess => "certificate-success-title",
                        CertificateKind::Afgsu2 => "certificate-afgsu-title",
                    }),
                    serial: r.serial.clone(),
                    issued: tr.t_args(
                        "graduates-issued",
                        &[("date", format_date(r.issued_on, locale).into())],
                    ),
                    valid_until: r.valid_until.map(|d| {
                        tr.t_args(
                            "certificate-valid-until",
                            &[("date", format_date(d, locale).into())],
                        )
                    }),
                    pdfs: r
                        .languages()
                        .into_iter()
                        .map(|l| {
                            (
                                format!("{base}/pdf/{}", l.tag()),
                                tr.t(match l {
                                    Locale::En => "graduates-pdf-en",
                                    Locale::Fr => "graduates-pdf-fr",
                                }),
                            )
                        })
                        .collect(),
                    badge_href: format!("{base}/badge"),
                    share_url: r.verification_url.clone(),
                    code: r.verification_code.clone(),
                }
            })
            .collect();
        schools.push(GraduateSchool {
            title: a.program_title.get(locale).to_owned(),
            dates,
            certificates,
        });
    }
    let template = GraduatesTemplate {
        layout: Layout::new(tr, "/certificates", &tr.t("graduates-title"), &state.config),
        schools,
    };
    let body = template
        .render()
        .map_err(|e| AppError::Internal(e.into()))?;
    let mut response = Html(body).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    h.insert(
        header::VARY,
        HeaderValue::from_static("accept-language, cookie"),
    );
    Ok(response)
}

async fn copy_script() -> impl IntoResponse {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
        ],
        COPY_SCRIPT,
    )
}
