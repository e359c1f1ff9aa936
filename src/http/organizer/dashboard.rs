//! The organizer's home: the programs they cover, with their seats.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;

use super::auth::{Organizer, RequireOrganizer};
use super::views::{DashboardPage, Nav, ProgramRow, page};
use crate::domain::access::Permission;
use crate::domain::calendar::format_date_range;
use crate::http::AppState;
use crate::http::auth as site_auth;
use crate::http::error::AppError;
use crate::http::lang::Lang;
use crate::http::views::Layout;
use crate::i18n::Tr;

pub fn router() -> Router<AppState> {
    Router::new().route("/organizer", get(dashboard))
}

/// The menu for a signed-in organizer.
pub fn nav(state: &AppState, headers: &HeaderMap, organizer: &Organizer) -> Nav {
    Nav {
        name: organizer.display_name.clone(),
        csrf: site_auth::issue_csrf(state, headers).token,
        team: organizer
            .access
            .allows_somewhere(Permission::ManageOrganizers),
        discounts: organizer
            .access
            .allows_somewhere(Permission::ManageDiscounts),
        finance: organizer.access.allows_somewhere(Permission::Finance),
    }
}

#[tracing::instrument(skip_all, fields(organizer_id = %organizer.organizer_id))]
async fn dashboard(
    State(state): State<AppState>,
    Lang(locale): Lang,
    headers: HeaderMap,
    RequireOrganizer(organizer): RequireOrganizer,
) -> Result<Response, AppError> {
    let tr = Tr(locale);
    let rows = state
        .store
        .catalog()
        .programs()
        .await?
        .into_iter()
        .filter(|p| {
            organizer
                .access
                .allows(Permission::ViewProgram, &p.program_id)
        })
        .map(|p| ProgramRow {
            href: format!("/organizer/programs/{}", p.program_id),
            title: p.title.get(locale).to_owned(),
            edition: p.edition_title.get(locale).to_owned(),
            is_demo: p.edition_is_demo,
            dates: format_date_range(p.starts_on, p.ends_on, locale),
            capacity: p.capacity,
            held: p.seats_held,
            left: p.seats_left(),
        })
        .collect();
    let role = tr.t(&format!(
        "organizer-role-{}",
        organizer.access.role.as_str()
    ));
    let template = DashboardPage {
        layout: Layout::new(tr, "/organizer", &tr.t("dashboard-title"), &state.config),
        nav: nav(&state, &headers, &organizer),
        signed_in_as: tr.t_args(
            "dashboard-signed-in-as",
            &[
                ("name", organizer.display_name.clone().into()),
                ("role", role.into()),
            ],
        ),
        rows,
    };
    page(template, StatusCode::OK, None)
}
