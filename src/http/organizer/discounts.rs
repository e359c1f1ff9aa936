//! Discount codes (`Permission::ManageDiscounts`): the list with their uses, a form to create one
//! for a program the organizer covers (or, for organization-wide roles, a whole edition), and ending
//! a code early. Applicants type codes on the form; an offer takes one use (see `store::discounts`).

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use time::OffsetDateTime;

use super::auth::{Organizer, RequireOrganizer};
use super::dashboard::nav;
use super::views::{DiscountForm, DiscountRowView, DiscountsPage, page};
use crate::domain::access::{Permission, organization_wide};
use crate::domain::calendar::format_date;
use crate::domain::discount::{DiscountDraft, DiscountScope, parse_discount};
use crate::domain::fees::DiscountKind;
use crate::domain::money::{Currency, Money};
use crate::domain::problem::Problem;
use crate::domain::refusal::Refusal;
use crate::http::AppState;
use crate::http::auth as site_auth;
use crate::http::error::AppError;
use crate::http::forms::{Button, CsrfForm};
use crate::http::lang::Lang;
use crate::http::views::{FieldError, Layout, OptionView};
use crate::i18n::Tr;
use crate::store::discounts::DiscountCodeView;
use crate::store::{ProgramRecord, StoreError};

const PATH: &str = "/organizer/discount-codes";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(PATH, get(list).post(create))
        .route("/organizer/discount-codes/{edition}/{code}/end", post(end))
}

#[derive(Deserialize)]
struct Done {
    done: Option<String>,
}

/// The programs this organizer may make codes for.
async fn programs(state: &AppState, organizer: &Organizer) -> Result<Vec<ProgramRecord>, AppError> {
    Ok(state
        .store
        .catalog()
        .programs()
        .await?
        .into_iter()
        .filter(|p| {
            organizer
                .access
                .allows(Permission::ManageDiscounts, &p.program_id)
        })
        .collect())
}

/// Whether the organizer may see and end this code: one of their programs, or a whole edition for
/// organization-wide roles.
fn reaches(organizer: &Organizer, code: &DiscountCodeView) -> bool {
    match &code.program_id {
        Some(p) => organizer.access.allows(Permission::ManageDiscounts, p),
        None => organization_wide(organizer.access.role),
    }
}

/// The scope field's choices: exactly the scopes [`parse_discount`] will accept.
fn scope_options(
    tr: Tr,
    organizer: &Organizer,
    programs: &[ProgramRecord],
    selected: &str,
) -> Vec<OptionView> {
    scopes(organizer, programs)
        .into_iter()
        .filter_map(|scope| {
            let label = match &scope {
                DiscountScope::Program(id) => {
                    let p = programs.iter().find(|p| &p.program_id == id)?;
                    format!("{} ({})", p.title.get(tr.locale()), p.edition_year)
                }
                DiscountScope::Edition(slug) => {
                    let p = programs.iter().find(|p| &p.edition_slug == slug)?;
                    let title = p.edition_title.get(tr.locale()).to_owned();
                    tr.t1("discounts-scope-edition", "edition", title)
                }
            };
            let value = scope.value();
            Some(OptionView {
                selected: value == selected,
                label,
                value,
            })
        })
        .collect()
}

fn describe(tr: Tr, kind: DiscountKind) -> String {
    match kind {
        DiscountKind::Percent(p) => format!("{p} %"),
        DiscountKind::Amount(cents) => Money::from_cents(cents, Currency::Eur)
            .map(|m| m.display(tr.locale()))
            .unwrap_or_default(),
    }
}

#[allow(clippy::too_many_arguments)]
async fn render(
    state: &AppState,
    tr: Tr,
    headers: &HeaderMap,
    organizer: &Organizer,
    input: &DiscountDraft,
    problems: Vec<Problem>,
    notice: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let now = OffsetDateTime::now_utc();
    let programs = programs(state, organizer).await?;
    let rows = state
        .store
        .discounts()
        .discount_codes()
        .await?
        .into_iter()
        .filter(|c| reaches(organizer, c))
        .map(|c| {
            let open = c.expires_at.is_none_or(|e| e > now);
            DiscountRowView {
                scope: match &c.program_title {
                    Some(t) => t.get(tr.locale()).to_owned(),
                    None => tr.t1(
                        "discounts-scope-edition",
                        "edition",
                        c.edition_title.get(tr.locale()).to_owned(),
                    ),
                },
                discount: describe(tr, c.kind),
                uses: match c.max_uses {
                    Some(m) => format!("{} / {m}", c.uses),
                    None => tr.tn("discounts-uses-unlimited", "count", i64::from(c.uses)),
                },
                expires: match c.expires_at {
                    None => tr.t("discounts-never"),
                    Some(e) if e <= now => tr.t1(
                        "discounts-ended",
                        "date",
                        format_date(crate::domain::calendar::to_paris(e).date(), tr.locale()),
                    ),
                    Some(e) => {
                        format_date(crate::domain::calendar::to_paris(e).date(), tr.locale())
                    }
                },
                end_action: open.then(|| format!("{PATH}/{}/{}/end", c.edition_slug, c.code)),
                note: c.note,
                code: c.code,
            }
        })
        .collect();
    let error = |field: &str| {
        problems
            .iter()
            .find(|p| p.field == field)
            .map(|p| tr.problem(p))
    };
    let kind = if input.kind == "amount" {
        "amount"
    } else {
        "percent"
    };
    let form = DiscountForm {
        code: input.code.clone(),
        code_error: error("code"),
        scope_options: scope_options(tr, organizer, &programs, &input.scope),
        scope_error: error("scope"),
        kind_options: ["percent", "amount"]
            .into_iter()
            .map(|k| OptionView {
                selected: k == kind,
                value: k.to_owned(),
                label: tr.t(&format!("discounts-kind-{k}")),
            })
            .collect(),
        amount: input.amount.clone(),
        amount_error: error("amount"),
        max_uses: input.max_uses.clone(),
        max_uses_error: error("max_uses"),
        expires_on: input.expires_on.clone(),
        expires_on_error: error("expires_on"),
        note: input.note.clone().unwrap_or_default(),
        note_error: error("note"),
    };
    let title = if problems.is_empty() {
        tr.t("discounts-title")
    } else {
        format!("{} {}", tr.t("error-title-prefix"), tr.t("discounts-title"))
    };
    let csrf = site_auth::issue_csrf(state, headers);
    let template = DiscountsPage {
        layout: Layout::new(tr, PATH, &title, &state.config),
        nav: nav(state, headers, organizer),
        errors: FieldError::all(tr, &problems),
        notice,
        csrf: csrf.token,
        rows,
        form,
    };
    page(template, status, csrf.set_cookie)
}

#[tracing::instrument(skip_all, fields(organizer_id = %organizer.organizer_id))]
async fn list(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(organizer): RequireOrganizer,
    Query(q): Query<Done>,
) -> Result<Response, AppError> {
    organizer.require_anywhere(Permission::ManageDiscounts)?;
    let tr = Tr(locale);
    let notice = match q.done.as_deref() {
        Some("created") => Some(tr.t("discounts-created")),
        Some("ended") => Some(tr.t("discounts-ended-notice")),
        _ => None,
    };
    render(
        &state,
        tr,
        &headers,
        &organizer,
        &DiscountDraft::default(),
        Vec::new(),
        notice,
        StatusCode::OK,
    )
    .await
}

/// The scopes this organizer may give a code: each of their programs, and whole editions for
/// organization-wide roles.
fn scopes(organizer: &Organizer, programs: &[ProgramRecord]) -> Vec<DiscountScope> {
    let mut scopes: Vec<DiscountScope> = programs
        .iter()
        .map(|p| DiscountScope::Program(p.program_id.clone()))
        .collect();
    if organization_wide(organizer.access.role) {
        for p in programs {
            let edition = DiscountScope::Edition(p.edition_slug.clone());
            if !scopes.contains(&edition) {
                scopes.push(edition);
            }
        }
    }
    scopes
}

#[tracing::instrument(skip_all, fields(organizer_id = %organizer.organizer_id))]
async fn create(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(organizer): RequireOrganizer,
    CsrfForm(input): CsrfForm<DiscountDraft>,
) -> Result<Response, AppError> {
    organizer.require_anywhere(Permission::ManageDiscounts)?;
    let tr = Tr(locale);
    let now = OffsetDateTime::now_utc();
    let programs = programs(&state, &organizer).await?;
    let refused = |problems| {
        render(
            &state,
            tr,
            &headers,
            &organizer,
            &input,
            problems,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let code = match parse_discount(&input, &scopes(&organizer, &programs), now) {
        Ok(code) => code,
        Err(problems) => return refused(problems).await,
    };
    match state
        .store
        .discounts()
        .create_discount_code(&code, &organizer.actor(), now)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("{PATH}?done=created")).into_response()),
        Err(StoreError::Refused(Refusal::DuplicateCode)) => {
            refused(vec![Problem::new("code", "discounts-error-duplicate")]).await
        }
        Err(e) => Err(e.into()),
    }
}

#[tracing::instrument(skip_all, fields(organizer_id = %organizer.organizer_id))]
async fn end(
    State(state): State<AppState>,
    RequireOrganizer(organizer): RequireOrganizer,
    Path((edition, code)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<Button>,
) -> Result<Response, AppError> {
    organizer.require_anywhere(Permission::ManageDiscounts)?;
    // Only a code the organizer reaches; anything else is as if it did not exist.
    let known = state
        .store
        .discounts()
        .discount_codes()
        .await?
        .into_iter()
        .find(|c| c.edition_slug == edition && c.code == code)
        .filter(|c| reaches(&organizer, c))
        .ok_or(AppError::NotFound)?;
    state
        .store
        .discounts()
        .end_discount_code(
            &known.edition_slug,
            &known.code,
            &organizer.actor(),
            OffsetDateTime::now_utc(),
        )
        .await?;
    Ok(Redirect::to(&format!("{PATH}?done=ended")).into_response())
}
