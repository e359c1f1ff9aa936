//! The team (admins only, `Permission::ManageOrganizers`): every organizer of the organization with
//! their role, programs, two-factor and lock; inviting someone; changing a role and programs;
//! unlocking an account.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use time::OffsetDateTime;
use validator::Validate;

use super::auth::{Organizer, RequireOrganizer, paris_time};
use super::dashboard::nav;
use super::invitations::INVITATION_TTL;
use super::views::{InviteForm, MemberRow, TeamPage, page};
use super::{Pairs, value, values};
use crate::domain::access::{self, Access, Permission};
use crate::domain::email::{EmailAddress, well_formed};
use crate::domain::locale::Locale;
use crate::domain::problem::Checked;
use crate::domain::status::OrganizerRole;
use crate::email::render;
use crate::http::AppState;
use crate::http::auth as site_auth;
use crate::http::error::AppError;
use crate::http::forms::{Button, CsrfForm};
use crate::http::lang::Lang;
use crate::http::views::{FieldError, Layout, OptionView};
use crate::i18n::Tr;
use crate::store::organizers::NewInvitation;
use crate::store::{ProgramRecord, StoreError};

const PATH: &str = "/organizer/team";
/// Most characters in a display name.
const NAME_MAX: u64 = 200;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(PATH, get(team_page))
        .route("/organizer/team/invite", post(invite))
        .route("/organizer/team/{id}", post(set_access))
        .route("/organizer/team/{id}/unlock", post(unlock))
        .route("/organizer/team/{id}/invitation", post(reinvite))
        .route("/organizer/team/{id}/deactivate", post(deactivate))
        .route("/organizer/team/{id}/reactivate", post(reactivate))
        .route(
            "/organizer/team/{id}/two-factor-reset",
            post(reset_two_factor),
        )
}

/// A role and programs as submitted, checked against the programs that exist; the problem
/// translated, as (role, programs).
fn parse_access(
    tr: Tr,
    role: &str,
    programs: &[String],
    known: &[ProgramRecord],
) -> Result<Access, (Option<String>, Option<String>)> {
    let known: Vec<&str> = known.iter().map(|p| p.program_id.as_str()).collect();
    access::parse_access(role, programs, &known).map_err(|problem| {
        let message = Some(tr.problem(&problem));
        if problem.field == "role" {
            (message, None)
        } else {
            (None, message)
        }
    })
}

fn role_options(tr: Tr, selected: Option<&str>) -> Vec<OptionView> {
    OrganizerRole::ALL
        .iter()
        .map(|r| OptionView {
            value: r.as_str().to_owned(),
            label: tr.t(&format!("organizer-role-{}", r.as_str())),
            selected: selected == Some(r.as_str()),
        })
        .collect()
}

fn program_options(tr: Tr, programs: &[ProgramRecord], selected: &[String]) -> Vec<OptionView> {
    programs
        .iter()
        .map(|p| {
            let edition = if p.edition_is_demo {
                tr.t("edition-demo-badge")
            } else {
                p.edition_year.to_string()
            };
            OptionView {
                value: p.program_id.clone(),
                label: format!("{} ({edition})", p.title.get(tr.locale())),
                selected: selected.contains(&p.program_id),
            }
        })
        .collect()
}

/// What the invitation form holds (typed values and their problems).
#[derive(Default, Validate)]
struct InviteInput {
    #[validate(custom(function = "well_formed"))]
    email: String,
    /// Trimmed; `None` when left blank.
    #[validate(
        required(code = "team-error-name-empty"),
        length(max = NAME_MAX, code = "team-error-name-long")
    )]
    name: Option<String>,
    role: Option<String>,
    programs: Vec<String>,
    lang: Option<String>,
    email_error: Option<String>,
    name_error: Option<String>,
    role_error: Option<String>,
    programs_error: Option<String>,
}

impl Checked for InviteInput {
    const FIELDS: &'static [&'static str] = &["email", "name"];
}

/// A member's form that was refused, with what was submitted.
struct MemberInput {
    organizer_id: String,
    role: String,
    programs: Vec<String>,
    role_error: Option<String>,
    programs_error: Option<String>,
}

#[derive(Default)]
struct TeamView {
    errors: Vec<FieldError>,
    notice: Option<String>,
    invite: InviteInput,
    member: Option<MemberInput>,
}

async fn render_team(
    state: &AppState,
    tr: Tr,
    headers: &HeaderMap,
    organizer: &Organizer,
    view: TeamView,
    status: StatusCode,
) -> Result<Response, AppError> {
    let now = OffsetDateTime::now_utc();
    let programs = state.store.catalog().programs().await?;
    let people = state
        .store
        .organizers()
        .organizers(&organizer.organization_id, now)
        .await?;
    let members = people
        .into_iter()
        .map(|m| {
            let refused = view
                .member
                .as_ref()
                .filter(|i| i.organizer_id == m.organizer_id);
            let (role, given) = match refused {
                Some(i) => (i.role.clone(), i.programs.clone()),
                None => (m.role.as_str().to_owned(), m.programs.clone()),
            };
            let status = match (m.deactivated_at, m.invited, m.locked_until) {
                (Some(at), ..) => tr.t1("team-status-deactivated", "time", paris_time(at)),
                (None, _, Some(until)) => tr.t1("team-status-locked", "time", paris_time(until)),
                (None, true, None) => tr.t("team-status-invited"),
                (None, false, None) => tr.t("team-status-active"),
            };
            let deactivated = m.deactivated_at.is_some();
            MemberRow {
                name: m.display_name,
                email: m.email,
                status,
                two_factor: m.totp_enabled,
                invited: m.invited && !deactivated,
                locked: m.locked_until.is_some() && !deactivated,
                deactivated,
                is_self: m.organizer_id == organizer.organizer_id,
                role_options: role_options(tr, Some(&role)),
                program_options: program_options(tr, &programs, &given),
                role_error: refused.and_then(|i| i.role_error.clone()),
                programs_error: refused.and_then(|i| i.programs_error.clone()),
                organizer_id: m.organizer_id,
            }
        })
        .collect();
    let i = view.invite;
    let lang = i.lang.unwrap_or_else(|| tr.locale().tag().to_owned());
    let invite = InviteForm {
        email: i.email,
        name: i.name.unwrap_or_default(),
        email_error: i.email_error,
        name_error: i.name_error,
        role_error: i.role_error,
        programs_error: i.programs_error,
        role_options: role_options(tr, i.role.as_deref()),
        program_options: program_options(tr, &programs, &i.programs),
        lang_options: Locale::ALL
            .iter()
            .map(|l| OptionView {
                value: l.tag().to_owned(),
                label: l.native_name().to_owned(),
                selected: l.tag() == lang,
            })
            .collect(),
    };
    let heading = tr.t("team-title");
    let title = if view.errors.is_empty() {
        heading
    } else {
        format!("{} {heading}", tr.t("error-title-prefix"))
    };
    let template = TeamPage {
        layout: Layout::new(tr, PATH, &title, &state.config),
        nav: nav(state, headers, organizer),
        errors: view.errors,
        notice: view.notice,
        csrf: site_auth::issue_csrf(state, headers).token,
        members,
        invite,
    };
    page(template, status, None)
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

#[tracing::instrument(skip_all, fields(organizer_id = %organizer.organizer_id))]
async fn team_page(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(organizer): RequireOrganizer,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    organizer.require_anywhere(Permission::ManageOrganizers)?;
    let tr = Tr(locale);
    let notice = match q.done.as_deref() {
        Some("invited") => Some(tr.t("team-invited")),
        Some("saved") => Some(tr.t("team-saved")),
        Some("unlocked") => Some(tr.t("team-unlocked")),
        Some("deactivated") => Some(tr.t("team-deactivated")),
        Some("reactivated") => Some(tr.t("team-reactivated")),
        Some("two-factor-reset") => Some(tr.t("team-two-factor-reset-done")),
        _ => None,
    };
    let view = TeamView {
        notice,
        ..TeamView::default()
    };
    render_team(&state, tr, &headers, &organizer, view, StatusCode::OK).await
}

fn push_error(errors: &mut Vec<FieldError>, field: &str, message: &Option<String>) {
    if let Some(m) = message {
        errors.push(FieldError {
            field: field.to_owned(),
            message: m.clone(),
        });
    }
}

#[tracing::instrument(skip_all, fields(organizer_id = %organizer.organizer_id))]
async fn invite(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(organizer): RequireOrganizer,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, AppError> {
    organizer.require_anywhere(Permission::ManageOrganizers)?;
    let tr = Tr(locale);
    let known = state.store.catalog().programs().await?;
    let mut input = InviteInput {
        email: value(&pairs, "email").to_owned(),
        name: Some(value(&pairs, "name").trim().to_owned()).filter(|n| !n.is_empty()),
        role: Some(value(&pairs, "role").to_owned()).filter(|r| !r.is_empty()),
        programs: values(&pairs, "program"),
        lang: Locale::from_tag(value(&pairs, "lang")).map(|l| l.tag().to_owned()),
        ..InviteInput::default()
    };
    let problems = input.problems();
    let error = |field: &str| {
        problems
            .iter()
            .find(|p| p.field == field)
            .map(|p| tr.problem(p))
    };
    input.email_error = error("email");
    input.name_error = error("name");
    let access = parse_access(
        tr,
        input.role.as_deref().unwrap_or(""),
        &input.programs,
        &known,
    );
    if let Err((role_error, programs_error)) = &access {
        input.role_error = role_error.clone();
        input.programs_error = programs_error.clone();
    }
    let email = EmailAddress::parse(&input.email);
    let (Ok(email), Some(name), true, Ok(access)) =
        (email, input.name.clone(), problems.is_empty(), access)
    else {
        let mut errors = Vec::new();
        push_error(&mut errors, "email", &input.email_error);
        push_error(&mut errors, "name", &input.name_error);
        push_error(&mut errors, "role", &input.role_error);
        push_error(&mut errors, "programs", &input.programs_error);
        let view = TeamView {
            errors,
            invite: input,
            ..TeamView::default()
        };
        return render_team(
            &state,
            tr,
            &headers,
            &organizer,
            view,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let token = site_auth::random_token();
    let token_hash = site_auth::sha256_hex(&token);
    let link = format!("{}/organizer/invitations/{token}", state.config.public_url);
    let now = OffsetDateTime::now_utc();
    let mail_locale = input
        .lang
        .as_deref()
        .and_then(Locale::from_tag)
        .unwrap_or(locale);
    let mail = render::organizer_invitation(
        Tr(mail_locale),
        &email,
        &name,
        access.role,
        &organizer.display_name,
        &link,
    );
    let invitation = NewInvitation {
        organization_id: &organizer.organization_id,
        email: &email,
        display_name: &name,
        role: access.role,
        programs: &access.programs,
        token_hash: &token_hash,
        expires_at: now + INVITATION_TTL,
    };
    match state
        .store
        .invitations()
        .invite_organizer(&invitation, &mail, &organizer.actor(), now)
        .await
    {
        Ok(invited) => {
            tracing::info!(invited_id = %invited, role = %access.role, "organizer invited");
            state.wake_worker.notify_one();
            Ok(Redirect::to(&format!("{PATH}?done=invited")).into_response())
        }
        Err(StoreError::Conflict { constraint })
            if constraint == "organizer_organization_id_email_key" =>
        {
            input.email_error = Some(tr.t("team-error-exists"));
            let mut errors = Vec::new();
            push_error(&mut errors, "email", &input.email_error);
            let view = TeamView {
                errors,
                invite: input,
                ..TeamView::default()
            };
            render_team(
                &state,
                tr,
                &headers,
                &organizer,
                view,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[tracing::instrument(skip_all, fields(organizer_id = %organizer.organizer_id, member_id = %id))]
async fn set_access(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(organizer): RequireOrganizer,
    Path(id): Path<String>,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, AppError> {
    organizer.require_anywhere(Permission::ManageOrganizers)?;
    let tr = Tr(locale);
    let known = state.store.catalog().programs().await?;
    let role = value(&pairs, "role").to_owned();
    let programs = values(&pairs, "program");
    let refused = |role_error: Option<String>, programs_error: Option<String>| {
        let mut errors = Vec::new();
        push_error(&mut errors, &format!("role-{id}"), &role_error);
        push_error(&mut errors, &format!("programs-{id}"), &programs_error);
        TeamView {
            errors,
            member: Some(MemberInput {
                organizer_id: id.clone(),
                role: role.clone(),
                programs: programs.clone(),
                role_error,
                programs_error,
            }),
            ..TeamView::default()
        }
    };
    let access = match parse_access(tr, &role, &programs, &known) {
        Ok(a) => a,
        Err((role_error, programs_error)) => {
            let view = refused(role_error, programs_error);
            return render_team(
                &state,
                tr,
                &headers,
                &organizer,
                view,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    match state
        .store
        .organizers()
        .set_organizer_access(
            &organizer.organization_id,
            &id,
            &access,
            &organizer.actor(),
            OffsetDateTime::now_utc(),
        )
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("{PATH}?done=saved")).into_response()),
        Err(StoreError::Refused(_)) => {
            let view = refused(Some(tr.t("team-error-last-admin")), None);
            render_team(
                &state,
                tr,
                &headers,
                &organizer,
                view,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[tracing::instrument(skip_all, fields(organizer_id = %organizer.organizer_id, member_id = %id))]
async fn unlock(
    State(state): State<AppState>,
    RequireOrganizer(organizer): RequireOrganizer,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Button>,
) -> Result<Response, AppError> {
    organizer.require_anywhere(Permission::ManageOrganizers)?;
    state
        .store
        .organizers()
        .unlock_organizer(
            &organizer.organization_id,
            &id,
            &organizer.actor(),
            OffsetDateTime::now_utc(),
        )
        .await?;
    Ok(Redirect::to(&format!("{PATH}?done=unlocked")).into_response())
}

/// Turns a member's account off. Not one's own (the page would lock its only reader out), and not
/// the last active admin's.
#[tracing::instrument(skip_all, fields(organizer_id = %organizer.organizer_id, member_id = %id))]
async fn deactivate(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(organizer): RequireOrganizer,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Button>,
) -> Result<Response, AppError> {
    set_active(&state, Tr(locale), &headers, &organizer, &id, false).await
}

#[tracing::instrument(skip_all, fields(organizer_id = %organizer.organizer_id, member_id = %id))]
async fn reactivate(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(organizer): RequireOrganizer,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Button>,
) -> Result<Response, AppError> {
    set_active(&state, Tr(locale), &headers, &organizer, &id, true).await
}

async fn set_active(
    state: &AppState,
    tr: Tr,
    headers: &HeaderMap,
    organizer: &Organizer,
    id: &str,
    active: bool,
) -> Result<Response, AppError> {
    organizer.require_anywhere(Permission::ManageOrganizers)?;
    let refusal = if !active && id == organizer.organizer_id {
        Some(tr.t("team-error-deactivate-self"))
    } else {
        match state
            .store
            .organizers()
            .set_organizer_active(
                &organizer.organization_id,
                id,
                active,
                &organizer.actor(),
                OffsetDateTime::now_utc(),
            )
            .await
        {
            Ok(()) => None,
            Err(StoreError::Refused(_)) => Some(tr.t("team-error-last-admin")),
            Err(e) => return Err(e.into()),
        }
    };
    match refusal {
        None => {
            let done = if active { "reactivated" } else { "deactivated" };
            Ok(Redirect::to(&format!("{PATH}?done={done}")).into_response())
        }
        Some(message) => {
            let view = TeamView {
                errors: vec![FieldError {
                    field: format!("member-{id}"),
                    message,
                }],
                ..TeamView::default()
            };
            render_team(
                state,
                tr,
                headers,
                organizer,
                view,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// Turns off a member's two-factor sign-in, for someone who lost their phone; they enrol a new app
/// after signing in with their password.
#[tracing::instrument(skip_all, fields(organizer_id = %organizer.organizer_id, member_id = %id))]
async fn reset_two_factor(
    State(state): State<AppState>,
    RequireOrganizer(organizer): RequireOrganizer,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Button>,
) -> Result<Response, AppError> {
    organizer.require_anywhere(Permission::ManageOrganizers)?;
    state
        .store
        .organizers()
        .reset_two_factor(
            &organizer.organization_id,
            &id,
            &organizer.actor(),
            OffsetDateTime::now_utc(),
        )
        .await?;
    Ok(Redirect::to(&format!("{PATH}?done=two-factor-reset")).into_response())
}

#[tracing::instrument(skip_all, fields(organizer_id = %organizer.organizer_id, member_id = %id))]
async fn reinvite(
    State(state): State<AppState>,
    Lang(locale): Lang,
    RequireOrganizer(organizer): RequireOrganizer,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Button>,
) -> Result<Response, AppError> {
    organizer.require_anywhere(Permission::ManageOrganizers)?;
    let now = OffsetDateTime::now_utc();
    let member = state
        .store
        .organizers()
        .organizers(&organizer.organization_id, now)
        .await?
        .into_iter()
        .find(|m| m.organizer_id == id)
        .ok_or(AppError::NotFound)?;
    let email = EmailAddress::parse(&member.email).map_err(|e| AppError::Internal(e.into()))?;
    let token = site_auth::random_token();
    let link = format!("{}/organizer/invitations/{token}", state.config.public_url);
    let mail = render::organizer_invitation(
        Tr(locale),
        &email,
        &member.display_name,
        member.role,
        &organizer.display_name,
        &link,
    );
    match state
        .store
        .invitations()
        .reinvite_organizer(
            &organizer.organization_id,
            &id,
            &site_auth::sha256_hex(&token),
            now + INVITATION_TTL,
            &mail,
            &organizer.actor(),
            now,
        )
        .await
    {
        Ok(()) => {
            state.wake_worker.notify_one();
            Ok(Redirect::to(&format!("{PATH}?done=invited")).into_response())
        }
        // The password was chosen meanwhile: nothing to send.
        Err(StoreError::Refused(_)) => Ok(Redirect::to(PATH).into_response()),
        Err(e) => Err(e.into()),
    }
}
