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
use super::{Pairs, value};
use crate::domain::access::{Permission, organization_wide};
use crate::domain::calendar::format_date;
use crate::domain::fees::{DiscountKind, normalize_code};
use crate::domain::money::{Currency, Money};
use crate::domain::offer::end_of_paris_day;
use crate::domain::problem::Problem;
use crate::domain::refusal::Refusal;
use crate::http::AppState;
use crate::http::auth as site_auth;
use crate::http::error::AppError;
use crate::http::forms::{Button, CsrfForm};
use crate::http::lang::Lang;
use crate::http::views::{FieldError, Layout, OptionView};
use crate::i18n::Tr;
use crate::store::discounts::{DiscountCodeView, DiscountScope, NewDiscountCode};
use crate::store::{ProgramRecord, StoreError};

const PATH: &str = "/organizer/discount-codes";
/// Most characters in a code's note.
const NOTE_MAX: usize = 200;
/// Most uses a limited code may allow.
const USES_MAX: u32 = 100_000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(PATH, get(list).post(create))
        .route("/organizer/discount-codes/{edition}/{code}/end", post(end))
}

#[derive(Deserialize)]
struct Done {
    done: Option<String>,
}

/// What the form holds, as typed.
#[derive(Default)]
struct Input {
    code: String,
    scope: String,
    kind: String,
    amount: String,
    max_uses: String,
    expires_on: String,
    note: String,
}

/// The programs this organizer may make codes for.
async fn programs(state: &AppState, organizer: &Organizer) -> Result<Vec<ProgramRecord>, AppError> {
    Ok(state
        .store
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

fn scope_options(
    tr: Tr,
    organizer: &Organizer,
    programs: &[ProgramRecord],
    selected: &str,
) -> Vec<OptionView> {
    let mut options: Vec<OptionView> = programs
        .iter()
        .map(|p| {
            let value = format!("program:{}", p.program_id);
            OptionView {
                selected: value == selected,
                label: format!("{} ({})", p.title.get(tr.locale()), p.edition_year),
                value,
            }
        })
        .collect();
    if organization_wide(organizer.access.role) {
        let mut editions: Vec<(&str, String)> = Vec::new();
        for p in programs {
            if !editions.iter().any(|(slug, _)| *slug == p.edition_slug) {
                editions.push((&p.edition_slug, p.edition_title.get(tr.locale()).to_owned()));
            }
        }
        for (slug, title) in editions {
            let value = format!("edition:{slug}");
            options.push(OptionView {
                selected: value == selected,
                label: tr.t1("discounts-scope-edition", "edition", title),
                value,
            });
        }
    }
    options
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
    input: &Input,
    problems: Vec<Problem>,
    notice: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let now = OffsetDateTime::now_utc();
    let programs = programs(state, organizer).await?;
    let rows = state
        .store
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
        note: input.note.clone(),
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
        &Input::default(),
        Vec::new(),
        notice,
        StatusCode::OK,
    )
    .await
}

/// The form parsed into a new code, or every problem with it.
fn parse(
    organizer: &Organizer,
    programs: &[ProgramRecord],
    input: &Input,
    now: OffsetDateTime,
) -> Result<NewDiscountCode, Vec<Problem>> {
    let mut problems = Vec::new();
    let code = normalize_code(&input.code)
        .map_err(|r| problems.push(Problem::new("code", r.key())))
        .ok();
    let scope = match input.scope.split_once(':') {
        Some(("program", id)) if programs.iter().any(|p| p.program_id == id) => {
            Some(DiscountScope::Program(id.to_owned()))
        }
        Some(("edition", slug))
            if organization_wide(organizer.access.role)
                && programs.iter().any(|p| p.edition_slug == slug) =>
        {
            Some(DiscountScope::Edition(slug.to_owned()))
        }
        _ => {
            problems.push(Problem::new("scope", "discounts-error-scope"));
            None
        }
    };
    let amount = input.amount.trim().replace(',', ".");
    let amount = amount.as_str();
    let kind = if input.kind == "amount" {
        Money::parse_decimal(amount, Currency::Eur)
            .ok()
            .filter(|m| m.cents() > 0)
            .map(|m| DiscountKind::Amount(m.cents()))
    } else {
        amount
            .trim_end_matches('%')
            .trim()
            .parse::<u8>()
            .ok()
            .filter(|p| (1..=100).contains(p))
            .map(DiscountKind::Percent)
    };
    if kind.is_none() {
        problems.push(Problem::new(
            "amount",
            if input.kind == "amount" {
                "discounts-error-amount"
            } else {
                "discounts-error-percent"
            },
        ));
    }
    let max_uses = match input.max_uses.trim() {
        "" => Some(None),
        n => n
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=USES_MAX).contains(n))
            .map(Some),
    };
    if max_uses.is_none() {
        problems.push(Problem::new("max_uses", "discounts-error-max-uses"));
    }
    let expires_at = match input.expires_on.trim() {
        "" => Some(None),
        d => time::Date::parse(d, time::macros::format_description!("[year]-[month]-[day]"))
            .ok()
            .map(end_of_paris_day)
            .filter(|e| *e > now)
            .map(Some),
    };
    if expires_at.is_none() {
        problems.push(Problem::new("expires_on", "discounts-error-expires"));
    }
    let note = input.note.trim();
    if note.is_empty() || note.chars().count() > NOTE_MAX || note.chars().any(char::is_control) {
        problems.push(Problem::new("note", "discounts-error-note"));
    }
    match (code, scope, kind, max_uses, expires_at) {
        (Some(code), Some(scope), Some(kind), Some(max_uses), Some(expires_at))
            if problems.is_empty() =>
        {
            Ok(NewDiscountCode {
                code,
                scope,
                kind,
                max_uses,
                expires_at,
                note: note.to_owned(),
            })
        }
        _ => Err(problems),
    }
}

#[tracing::instrument(skip_all, fields(organizer_id = %organizer.organizer_id))]
async fn create(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(organizer): RequireOrganizer,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<Response, AppError> {
    organizer.require_anywhere(Permission::ManageDiscounts)?;
    let tr = Tr(locale);
    let input = Input {
        code: value(&pairs, "code").to_owned(),
        scope: value(&pairs, "scope").to_owned(),
        kind: value(&pairs, "kind").to_owned(),
        amount: value(&pairs, "amount").to_owned(),
        max_uses: value(&pairs, "max_uses").to_owned(),
        expires_on: value(&pairs, "expires_on").to_owned(),
        note: value(&pairs, "note").to_owned(),
    };
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
    let code = match parse(&organizer, &programs, &input, now) {
        Ok(code) => code,
        Err(problems) => return refused(problems).await,
    };
    match state
        .store
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
        .discount_codes()
        .await?
        .into_iter()
        .find(|c| c.edition_slug == edition && c.code == code)
        .filter(|c| reaches(&organizer, c))
        .ok_or(AppError::NotFound)?;
    state
        .store
        .end_discount_code(
            &known.edition_slug,
            &known.code,
            &organizer.actor(),
            OffsetDateTime::now_utc(),
        )
        .await?;
    Ok(Redirect::to(&format!("{PATH}?done=ended")).into_response())
}
