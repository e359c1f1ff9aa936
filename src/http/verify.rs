//! The public verification of certificates, for anyone holding one (an employer, a university, a
//! consulate): `/verify/{code}` (the address in the QR code) shows who issued what to whom (the name
//! partly masked), when, the credits, and whether it is valid, revoked, superseded or expired, after
//! checking its signature again. `/certificates/key.json` publishes the public key, so that anyone
//! can check a certificate file or an Open Badge without us; `/certificates/issuer` is the badges'
//! issuer profile and the controller document of their key, and `/certificates/status/{n}` the
//! signed revocation lists (W3C Bitstring Status List) their `credentialStatus` points to. The same address checks a visa
//! invitation letter, by the code printed on it: whether it still stands.
//!
//! A code that matches nothing (mistyped, or not one of ours) gets a page that says so, shows where
//! the code is printed and how it is written, offers to type it again (`/verify?code=…`, which
//! leads back to `/verify/{code}`) and names whom to write to. Codes are found whatever their case,
//! spaces and dashes, as people type them from paper.

use askama::Template;
use axum::Router;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use fluent_templates::fluent_bundle::FluentValue;
use serde::Deserialize;
use time::OffsetDateTime;

use super::AppState;
use super::application::html;
use super::auth::percent_encode;
use super::error::AppError;
use super::lang::Lang;
use super::views::{FieldError, Layout, VerifyTemplate};
use crate::domain::calendar::{format_date, format_date_range, to_paris};
use crate::domain::certificate::{PublicStatus, hex, is_verification_code, masked_name};
use crate::domain::locale::Locale;
use crate::domain::status::CertificateKind;
use crate::domain::visa::LetterStatus;
use crate::i18n::Tr;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/verify", get(lookup))
        .route("/verify/{code}", get(verify))
        .route("/certificates/key.json", get(public_key))
        .route("/certificates/issuer", get(issuer))
        .route("/certificates/status/{list}", get(status_list))
}

#[tracing::instrument(skip_all)]
async fn verify(
    State(state): State<AppState>,
    Lang(locale): Lang,
    uri: Uri,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, AppError> {
    // A segment that is not UTF-8 once decoded is still answered with the page, as typed.
    let typed = match path {
        Ok(Path(code)) => code,
        Err(_) => lossy_last_segment(uri.path()),
    };
    // Checked before any lookup: what cannot be a code is not looked up; unknown or malformed, the
    // answer is the 404 that helps find the right code.
    let Some(code) = normalize_code(&typed) else {
        return not_found(&state, locale, &typed).await;
    };
    let Some(found) = state
        .store
        .certificates()
        .certificate_by_code(&code)
        .await?
    else {
        return verify_letter(&state, locale, &code, &typed).await;
    };
    let tr = Tr(locale);
    let signed = found
        .record
        .verify(&state.signing_key.verifying_key(), &found.signature);
    // In the visitor's language when the record holds it (both pages say the same).
    let view = found.record.in_language(locale);
    let r = view.as_ref().unwrap_or(&found.record);
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
    // What the paper says of the school and the result, to compare it with.
    facts.push((
        tr.t("verify-hours"),
        tr.t1("verify-hours-value", "hours", r.course.hours.to_string()),
    ));
    if r.kind == CertificateKind::AttestationOfSuccess {
        facts.push((
            tr.t("verify-credits"),
            match r.course.workload_hours {
                Some(hours) => tr.t_args(
                    "verify-credits-workload",
                    &[
                        ("ects", FluentValue::from(r.course.ects.to_string())),
                        ("hours", FluentValue::from(hours.to_string())),
                    ],
                ),
                None => r.course.ects.to_string(),
            },
        ));
        let result = match (&r.outcome.grade, r.outcome.passed) {
            (Some(grade), true) => tr.t1("verify-result-grade", "grade", grade.clone()),
            (None, true) => tr.t("verify-result-passed"),
            (_, false) => tr.t("verify-result-failed"),
        };
        facts.push((tr.t("verify-result"), result));
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
        demo: r.demo,
    };
    private_page(template)
}

/// A visa invitation letter, as a consulate checks it: whose (initials), for which school and
/// dates, and whether it still stands, from the application as it is now. Unknown: 404, with the
/// page that helps find the right code.
async fn verify_letter(
    state: &AppState,
    locale: Locale,
    code: &str,
    typed: &str,
) -> Result<Response, AppError> {
    let Some(letter) = state.store.visa().visa_letter_by_code(code).await? else {
        return not_found(state, locale, typed).await;
    };
    let facts_of = state
        .store
        .certificates()
        .program_facts(&letter.program_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let tr = Tr(locale);
    let today = to_paris(OffsetDateTime::now_utc()).date();
    let status = LetterStatus::of(letter.application_status, facts_of.ends_on, today);
    let printed = letter
        .printed_dates
        .unwrap_or((facts_of.starts_on, facts_of.ends_on));
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
            format_date_range(printed.0, printed.1, locale),
        ),
        (tr.t("verify-issued"), format_date(letter.issued_on, locale)),
        (tr.t("verify-letter-number"), letter.number.clone()),
    ]);
    // The paper says what it said; when the school has moved since, the consulate is told.
    let now_dates = (facts_of.starts_on, facts_of.ends_on);
    let detail = (printed != now_dates).then(|| {
        tr.t1(
            "verify-letter-dates-changed",
            "dates",
            format_date_range(now_dates.0, now_dates.1, locale),
        )
    });
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
        detail,
        signature: tr.t("verify-letter-records"),
        facts,
        show_key: false,
        demo: letter.demo,
    };
    private_page(template)
}

/// The page, kept out of shared caches (it is about a person) and its address out of other sites'
/// logs.
fn private_page(template: VerifyTemplate) -> Result<Response, AppError> {
    private(html(template, StatusCode::OK, None)?)
}

fn private(mut response: Response) -> Result<Response, AppError> {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    Ok(response)
}

/// The page that finds a code: a bare form (`/verify`), the same with an error, or the answer to a
/// code that matches nothing.
#[derive(Template)]
#[template(path = "verify_lookup.html")]
struct LookupTemplate {
    layout: Layout,
    title: String,
    errors: Vec<FieldError>,
    /// A code that matched nothing: what to say about it.
    missing: Vec<String>,
    /// What is in the box.
    typed: String,
    code_error: Option<String>,
    /// Whom to write to.
    contacts: Vec<String>,
}

#[derive(Deserialize)]
struct LookupQuery {
    code: Option<String>,
}

/// `/verify`: the form; `/verify?code=…`: to the code's page, as it is written on paper.
#[tracing::instrument(skip_all)]
async fn lookup(
    State(state): State<AppState>,
    Lang(locale): Lang,
    query: Result<Query<LookupQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    // An unreadable query string is a box left empty.
    let typed = match query {
        Ok(Query(q)) => q.code,
        Err(_) => Some(String::new()),
    };
    let heading = tr.t("verify-lookup-title");
    let Some(typed) = typed else {
        let template = LookupTemplate {
            layout: Layout::new(tr, "/verify", &heading, &state.config),
            title: heading,
            errors: Vec::new(),
            missing: Vec::new(),
            typed: String::new(),
            code_error: None,
            contacts: contacts(&state).await,
        };
        return private(html(template, StatusCode::OK, None)?);
    };
    if typed.trim().is_empty() {
        let message = tr.t("verify-error-empty");
        let title = format!("{} {heading}", tr.t("error-title-prefix"));
        let template = LookupTemplate {
            layout: Layout::new(tr, "/verify", &title, &state.config),
            title: heading,
            errors: vec![FieldError {
                field: "code".into(),
                message: message.clone(),
            }],
            missing: Vec::new(),
            typed: String::new(),
            code_error: Some(message),
            contacts: contacts(&state).await,
        };
        return private(html(template, StatusCode::UNPROCESSABLE_ENTITY, None)?);
    }
    let segment = match normalize_code(&typed) {
        Some(code) => code,
        // Not a code: its page says so, with what was typed (shortened).
        None => encode_segment(&shown(&typed)),
    };
    Ok(Redirect::to(&format!("/verify/{segment}")).into_response())
}

/// 404: no certificate and no letter has this code; where the code is printed, how it is written,
/// a box to type it again, and whom to write to.
async fn not_found(state: &AppState, locale: Locale, typed: &str) -> Result<Response, AppError> {
    let tr = Tr(locale);
    let code = shown(typed);
    let title = tr.t("verify-missing-title");
    let mut missing = vec![tr.t_args(
        "verify-missing-body",
        &[("code", FluentValue::from(code.clone()))],
    )];
    if normalize_code(typed).is_none() {
        missing.push(tr.t("verify-missing-malformed"));
    }
    // The language switch comes back here: the path, encoded again for the query string.
    let path = percent_encode(&format!("/verify/{}", encode_segment(&code)));
    let template = LookupTemplate {
        layout: Layout::new(tr, &path, &title, &state.config),
        title,
        errors: Vec::new(),
        missing,
        typed: code,
        code_error: None,
        contacts: contacts(state).await,
    };
    private(html(template, StatusCode::NOT_FOUND, None)?)
}

/// The addresses the catalog gives for questions (the school offices', the same as the
/// organization's in the shipped catalog), real editions before demo ones. Empty when the catalog
/// cannot be read: the page then names the site's own address.
async fn contacts(state: &AppState) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let Ok(snapshot) = state.catalog.get(&state.config).await else {
        return out;
    };
    for demo in [false, true] {
        for p in snapshot
            .programs
            .iter()
            .filter(|p| p.edition_is_demo == demo)
        {
            if !p.contact_email.is_empty() && !out.contains(&p.contact_email) {
                out.push(p.contact_email.clone());
            }
        }
        if !out.is_empty() {
            break;
        }
    }
    out
}

/// A verification code as stored (`7KQ2-MX9D-4T8P-ZR3W`) from what someone typed: any case, with
/// or without spaces and dashes (of any kind), or the whole address from the QR code or the letter.
/// `None` when it cannot be one of our codes.
fn normalize_code(typed: &str) -> Option<String> {
    let typed = match typed.rfind("/verify/") {
        Some(at) => &typed[at + "/verify/".len()..],
        None => typed,
    };
    let chars: Vec<char> = typed
        .chars()
        .filter(|c| !c.is_whitespace() && !is_dash(*c))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if chars.len() != 16 {
        return None;
    }
    let code = chars
        .chunks(4)
        .map(|g| g.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-");
    is_verification_code(&code).then_some(code)
}

/// Hyphens, dashes and minus signs, as word processors and phones turn them.
fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}'
    )
}

/// What was typed, as the page shows it: without control characters, trimmed, and cut after 40
/// characters (a code has 19).
fn shown(typed: &str) -> String {
    const MAX: usize = 40;
    let clean: String = typed.chars().filter(|c| !c.is_control()).collect();
    let clean = clean.trim();
    if clean.chars().count() > MAX {
        let mut cut: String = clean.chars().take(MAX).collect();
        cut.push('…');
        cut
    } else {
        clean.to_owned()
    }
}

/// `text` as one path segment.
fn encode_segment(text: &str) -> String {
    percent_encode(text).replace('/', "%2F")
}

/// The last segment of `path`, percent-decoded, with bytes that are not UTF-8 replaced.
fn lossy_last_segment(path: &str) -> String {
    let raw = path.rsplit('/').next().unwrap_or_default().as_bytes();
    let mut bytes = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            raw[i],
            raw.get(i + 1).copied().and_then(hex),
            raw.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(hi), Some(lo)) => {
                bytes.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, _, _) => {
                bytes.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The public key certificates' records are signed with, as hex and as a Multikey, and the X.509
/// certificate their PDF files are signed with, with its SHA-256.
async fn public_key(State(state): State<AppState>) -> Response {
    let key = state.signing_key.verifying_key();
    axum::Json(serde_json::json!({
        "type": "Multikey",
        "algorithm": "Ed25519",
        "publicKeyHex": hex(key.as_bytes()),
        "publicKeyMultibase": crate::domain::badge::multikey(&key),
        "pdfSigningCertificate": state.sealer.certificate_pem(),
        "pdfSigningCertificateSha256": state.sealer.certificate_sha256(),
    }))
    .into_response()
}

/// The issuer's Open Badges profile, which is also the controller document of the key its badges
/// are signed with (`assertionMethod`): what a verifier fetches from a badge's `issuer` and proof.
async fn issuer(State(state): State<AppState>) -> Result<Response, AppError> {
    let snapshot = state.catalog.get(&state.config).await?;
    let program = snapshot
        .programs
        .iter()
        .filter(|p| !p.edition_is_demo)
        .max_by_key(|p| p.edition_year)
        .or_else(|| snapshot.programs.first());
    let facts = match program {
        Some(p) => {
            state
                .store
                .certificates()
                .program_facts(&p.program_id)
                .await?
        }
        None => None,
    };
    let name = facts
        .as_ref()
        .and_then(|f| f.issuer.as_ref())
        .map(|i| format!("{} — {}", i.institution, i.faculty.en))
        .unwrap_or_else(|| state.config.public_host().to_owned());
    let document = crate::domain::badge::issuer_document(
        &crate::domain::badge::IssuerUrls::new(&state.config.public_url),
        &name,
        &state.config.public_url,
        program.map(|p| p.contact_email.as_str()),
        &state.signing_key.verifying_key(),
    );
    Ok(public_json(document, "public, max-age=300"))
}

/// A revocation list (W3C Bitstring Status List), signed: read from the certificates' statuses as
/// committed, so a revocation or a correction shows in it as soon as it is made.
async fn status_list(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, AppError> {
    let list = path
        .ok()
        .and_then(|Path(n)| n.parse::<i64>().ok())
        .filter(|n| (1..=1_000_000).contains(n))
        .ok_or(AppError::NotFound)?;
    let len = crate::domain::badge::STATUS_LIST_LEN;
    let revoked = state
        .store
        .certificates()
        .revoked_places((list - 1) * len, len)
        .await?;
    let changed = revoked
        .changed_at
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .replace_nanosecond(0)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let valid_from = changed
        .format(&time::format_description::well_known::Rfc3339)
        .map_err(|e| AppError::Internal(e.into()))?;
    let credential = crate::domain::badge::signed_status_list(
        &crate::domain::badge::IssuerUrls::new(&state.config.public_url),
        list,
        &revoked.places,
        &valid_from,
        &state.signing_key,
    )
    .map_err(|e| AppError::Internal(e.into()))?;
    // Readers ask again each time: a revocation must reach them at once.
    Ok(public_json(credential, "public, no-cache"))
}

fn public_json(value: serde_json::Value, cache: &'static str) -> Response {
    let mut response = axum::Json(value).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_found_as_typed_from_paper() {
        for typed in [
            "7KQ2-MX9D-4T8P-ZR3W",
            " 7kq2-mx9d-4t8p-zr3w ",
            "7KQ2 MX9D 4T8P ZR3W",
            "7kq2mx9d4t8pzr3w",
            "7KQ2–MX9D—4T8P‑ZR3W",
            "7KQ2\u{a0}MX9D\t4T8P ZR3W",
            "https://summerschool.example/verify/7KQ2-MX9D-4T8P-ZR3W",
        ] {
            assert_eq!(
                normalize_code(typed).as_deref(),
                Some("7KQ2-MX9D-4T8P-ZR3W"),
                "{typed:?}"
            );
        }
        for typed in [
            "",
            "7KQ2-MX9D-4T8P",
            "7KQ2-MX9D-4T8P-ZR3W-2222",
            // Not in the alphabet: 0, 1, I and O are never used.
            "7KQ0-MX9D-4T8P-ZR3W",
            "7KQI-MX9D-4T8P-ZR3W",
            "<script>alert(1)</script>",
            "7ＫQ2-MX9D-4T8P-ZR3W",
        ] {
            assert_eq!(normalize_code(typed), None, "{typed:?}");
        }
    }

    #[test]
    fn what_was_typed_is_shown_short_and_clean() {
        assert_eq!(shown("  abc\u{0}d "), "abcd");
        let long = "é".repeat(300);
        let cut = shown(&long);
        assert_eq!(cut.chars().count(), 41);
        assert!(cut.ends_with('…'));
        assert_eq!(encode_segment("a/b c"), "a%2Fb%20c");
        assert_eq!(lossy_last_segment("/verify/%3Cb%3E%FF%2"), "<b>\u{FFFD}%2");
    }
}
