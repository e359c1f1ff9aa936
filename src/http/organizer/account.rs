//! The organizer's own account: two-factor sign-in, turned on with a code that proves the app has the
//! secret, turned off with a fresh code.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use time::OffsetDateTime;
use validator::Validate;

use super::auth::{Organizer, RequireOrganizer};
use super::dashboard::nav;
use super::views::{TwoFactorPage, page};
use crate::domain::problem::{Checked, choice, trimmed};
use crate::domain::totp::{SECRET_BYTES, TotpSecret};
use crate::http::AppState;
use crate::http::auth as site_auth;
use crate::http::error::AppError;
use crate::http::forms::CsrfForm;
use crate::http::lang::Lang;
use crate::http::views::{FieldError, Layout};
use crate::i18n::Tr;
use crate::store::StoreError;

const PATH: &str = "/organizer/account/two-factor";

pub fn router() -> Router<AppState> {
    Router::new().route(PATH, get(two_factor_page).post(two_factor))
}

fn new_secret() -> TotpSecret {
    let mut bytes = [0u8; SECRET_BYTES];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    TotpSecret::from_bytes(bytes)
}

/// The name authenticator apps show above the code.
fn issuer(state: &AppState) -> String {
    format!("Summer Schools ({})", state.config.public_host())
}

fn render(
    state: &AppState,
    tr: Tr,
    headers: &HeaderMap,
    organizer: &Organizer,
    secret: &TotpSecret,
    notice: Option<String>,
    code_error: Option<String>,
) -> Result<Response, AppError> {
    let status = match code_error {
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
        None => StatusCode::OK,
    };
    let heading = tr.t("two-factor-title");
    let title = match code_error {
        Some(_) => format!("{} {heading}", tr.t("error-title-prefix")),
        None => heading,
    };
    let base32 = secret.to_base32();
    let grouped = base32
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    let template = TwoFactorPage {
        layout: Layout::new(tr, PATH, &title, &state.config),
        nav: nav(state, headers, organizer),
        errors: code_error
            .iter()
            .map(|m| FieldError {
                field: "code".into(),
                message: m.clone(),
            })
            .collect(),
        notice,
        csrf: site_auth::issue_csrf(state, headers).token,
        enabled: organizer.totp_enabled,
        uri_qr: qr_svg(&secret.uri(&issuer(state), &organizer.email)),
        uri: secret.uri(&issuer(state), &organizer.email),
        secret: base32,
        secret_grouped: grouped,
        code_error,
    };
    page(template, status, None)
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

async fn two_factor_page(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(organizer): RequireOrganizer,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    let notice = match q.done.as_deref() {
        Some("enabled") => Some(tr.t("two-factor-enabled")),
        Some("disabled") => Some(tr.t("two-factor-disabled")),
        _ => None,
    };
    // A fresh secret each time the page is shown, until one is confirmed with a code.
    render(
        &state,
        tr,
        &headers,
        &organizer,
        &new_secret(),
        notice,
        None,
    )
}

/// Turn two-factor sign-in on (with the secret the page showed) or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum TwoFactorAction {
    Enable,
    Disable,
}

#[derive(Deserialize, Validate)]
struct TwoFactorForm {
    /// `None` for an action the page does not send.
    #[serde(default, deserialize_with = "choice")]
    action: Option<TwoFactorAction>,
    /// Only when enabling: the secret shown on the page, in base32.
    #[serde(default)]
    secret: String,
    /// The six digits of the authenticator app, trimmed.
    #[serde(default, deserialize_with = "trimmed")]
    #[validate(required(code = "organizer-error-code-empty"))]
    code: Option<String>,
}

impl Checked for TwoFactorForm {
    const FIELDS: &'static [&'static str] = &["code"];
}

#[tracing::instrument(skip_all, fields(organizer_id = %organizer.organizer_id))]
async fn two_factor(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(organizer): RequireOrganizer,
    CsrfForm(f): CsrfForm<TwoFactorForm>,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    let now = OffsetDateTime::now_utc();
    let wrong = |secret: &TotpSecret, key: &str| {
        render(
            &state,
            tr,
            &headers,
            &organizer,
            secret,
            None,
            Some(tr.t(key)),
        )
    };
    // The code's declared rule (left blank), before it is checked against the secret.
    let blank = f.problems().first().map(|p| p.key);
    let code = f.code.as_deref().unwrap_or_default();
    match (f.action, organizer.totp_enabled) {
        (Some(TwoFactorAction::Enable), false) => {
            // The secret comes back from the page that showed it; a tampered one only harms its sender.
            let Ok(secret) = TotpSecret::parse_base32(&f.secret) else {
                return Ok(Redirect::to(PATH).into_response());
            };
            if let Some(key) = blank {
                return wrong(&secret, key);
            }
            let Some(step) = secret.verify(code, now, None) else {
                return wrong(&secret, "organizer-error-code-wrong");
            };
            match state
                .store
                .organizer_sessions()
                .enable_two_factor(&organizer.organizer_id, &secret.to_base32(), step, now)
                .await
            {
                Ok(()) | Err(StoreError::Refused(_)) => {}
                Err(e) => return Err(e.into()),
            }
            tracing::info!("two-factor sign-in enabled");
            Ok(Redirect::to(&format!("{PATH}?done=enabled")).into_response())
        }
        (Some(TwoFactorAction::Disable), true) => {
            let stored = state
                .store
                .organizer_sessions()
                .organizer_totp(&organizer.organizer_id)
                .await?;
            let Some(stored) = stored else {
                return Ok(Redirect::to(PATH).into_response());
            };
            let secret = TotpSecret::parse_base32(&stored.secret)
                .map_err(|e| AppError::Internal(e.into()))?;
            if let Some(key) = blank {
                return wrong(&secret, key);
            }
            let Some(step) = secret.verify(code, now, stored.last_step) else {
                return wrong(&secret, "organizer-error-code-wrong");
            };
            match state
                .store
                .organizer_sessions()
                .disable_two_factor(&organizer.organizer_id, step, now)
                .await
            {
                Ok(()) => {}
                Err(StoreError::Refused(_)) => {
                    return wrong(&secret, "organizer-error-code-wrong");
                }
                Err(e) => return Err(e.into()),
            }
            tracing::info!("two-factor sign-in disabled");
            Ok(Redirect::to(&format!("{PATH}?done=disabled")).into_response())
        }
        // A stale page (the setting changed in another tab): show the current state.
        _ => Ok(Redirect::to(PATH).into_response()),
    }
}

/// `data` as a QR code in an inline `<svg>` element, dark on white with its quiet zone, drawn at
/// 200 pixels or more. Empty when the data is too long for a QR code (the link and key are shown as
/// text as well).
fn qr_svg(data: &str) -> String {
    let Ok(code) = qrcode::QrCode::new(data.as_bytes()) else {
        return String::new();
    };
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .build();
    // The renderer writes a standalone file; inside a page only the element is wanted.
    match svg.find("<svg") {
        Some(start) => svg[start..].to_owned(),
        None => String::new(),
    }
}
