//! Name badges for the first day, and checking participants in by the code on their badge.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use time::OffsetDateTime;

use crate::domain::access::Permission;
use crate::domain::calendar::{format_date, to_paris};
use crate::domain::completion::school_days;
use crate::http::AppState;
use crate::http::auth as site_auth;
use crate::http::error::AppError;
use crate::http::forms::{Button, CsrfForm};
use crate::http::lang::Lang;
use crate::http::organizer::auth::RequireOrganizer;
use crate::http::organizer::dashboard::nav;
use crate::http::organizer::views::{CheckInPage, page};
use crate::http::views::Layout;
use crate::i18n::Tr;
use crate::store::StoreError;

use super::{Done, facts, page_path};

/// The cohort's badges, to print: each QR code opens [`check_in_page`] for its participant.
#[tracing::instrument(skip_all, fields(organizer_id = %organizer.organizer_id, program_id = %program_id))]
pub(super) async fn badges(
    State(state): State<AppState>,
    Lang(locale): Lang,
    RequireOrganizer(organizer): RequireOrganizer,
    Path(program_id): Path<String>,
) -> Result<Response, AppError> {
    organizer.require(Permission::RecordAttendance, &program_id)?;
    let program = facts(&state, &program_id).await?;
    let base = state.config.public_url.trim_end_matches('/');
    let badges: Vec<crate::documents::badges::BadgeRecord> = state
        .store
        .certificates()
        .badges(&program_id)
        .await?
        .into_iter()
        .map(|b| crate::documents::badges::BadgeRecord {
            name: b.name,
            check_in_url: format!("{base}/organizer/check-in/{}", b.token),
        })
        .collect();
    let sheet = crate::documents::badges::BadgeSheet::for_program(&program, locale);
    let pdf = crate::documents::badges::render(&sheet, &badges, OffsetDateTime::now_utc());
    Ok(crate::http::pdf_response(
        &format!("badges-{}.pdf", program.code),
        pdf,
    ))
}

/// What an organizer sees after scanning a badge: who, and whether they are marked present today.
#[tracing::instrument(skip_all, fields(organizer_id = %organizer.organizer_id))]
pub(super) async fn check_in_page(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(organizer): RequireOrganizer,
    Path(token): Path<String>,
    Query(q): Query<Done>,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    let badge = state
        .store
        .certificates()
        .badge_holder(&token)
        .await?
        .ok_or(AppError::NotFound)?;
    organizer.require(Permission::RecordAttendance, &badge.program_id)?;
    let program = facts(&state, &badge.program_id).await?;
    let today = to_paris(OffsetDateTime::now_utc()).date();
    let school_day = school_days(program.starts_on, program.ends_on).contains(&today);
    let present = state
        .store
        .completion()
        .participants(&badge.program_id)
        .await?
        .into_iter()
        .find(|p| p.application_id == badge.application_id)
        .is_some_and(|p| p.days_present.contains(&today));
    let status = if !school_day {
        tr.t("check-in-not-a-school-day")
    } else if present {
        tr.t("check-in-present")
    } else {
        tr.t("check-in-not-yet")
    };
    let path = format!("/organizer/check-in/{token}");
    let csrf = site_auth::issue_csrf(&state, &headers);
    let template = CheckInPage {
        layout: Layout::new(tr, &path, &tr.t("check-in-title"), &state.config),
        nav: nav(&state, &headers, &organizer),
        notice: (q.done.as_deref() == Some("present")).then(|| tr.t("check-in-done")),
        name: badge.name,
        program_title: program.title.get(locale).to_owned(),
        today: format_date(today, locale),
        status,
        action: (school_day && !present).then_some(path),
        csrf: csrf.token,
        cohort_href: page_path(&badge.program_id),
    };
    page(template, StatusCode::OK, csrf.set_cookie)
}

/// Marks the badge's holder present today (a school day), audited like the grid.
#[tracing::instrument(skip_all, fields(organizer_id = %organizer.organizer_id))]
pub(super) async fn check_in(
    State(state): State<AppState>,
    RequireOrganizer(organizer): RequireOrganizer,
    Path(token): Path<String>,
    CsrfForm(_): CsrfForm<Button>,
) -> Result<Response, AppError> {
    let badge = state
        .store
        .certificates()
        .badge_holder(&token)
        .await?
        .ok_or(AppError::NotFound)?;
    organizer.require(Permission::RecordAttendance, &badge.program_id)?;
    let now = OffsetDateTime::now_utc();
    let today = to_paris(now).date();
    match state
        .store
        .completion()
        .record_attendance(
            &badge.program_id,
            today,
            &[(badge.application_id.clone(), true)],
            &organizer.actor(),
            now,
        )
        .await
    {
        Ok(()) => {
            Ok(Redirect::to(&format!("/organizer/check-in/{token}?done=present")).into_response())
        }
        // Not a school day (or no longer enrolled): the page says what stands.
        Err(StoreError::Refused(_)) => {
            Ok(Redirect::to(&format!("/organizer/check-in/{token}")).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
