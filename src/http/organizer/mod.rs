//! Organizer pages: sign-in (password, lockout, an optional TOTP code), the dashboard of the programs an
//! organizer covers, their two-factor setting, invitations, and the team (admins).
//!
//! Every route behind sign-in takes [`auth::RequireOrganizer`] and names the permission it needs with
//! [`auth::Organizer::require`] (one program) or [`auth::Organizer::require_anywhere`] (organization-level
//! pages). A program the organizer does not cover answers 404, as if it did not exist; a permission
//! their role lacks answers 403.

pub mod account;
pub mod api;
pub mod auth;
pub mod bank;
pub mod dashboard;
pub mod discounts;
pub mod export;
pub mod finance;
pub mod invitations;
pub mod message;
pub mod participants;
pub mod review;
pub mod team;
pub mod views;

use axum::Router;

use super::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(auth::router())
        .merge(dashboard::router())
        .merge(discounts::router())
        .merge(finance::router())
        .merge(bank::router())
        .merge(account::router())
        .merge(invitations::router())
        .merge(team::router())
        .merge(review::router())
        .merge(participants::router())
        .merge(message::router())
        .merge(api::router())
}

/// A submitted form as name/value pairs (checkboxes repeat their name).
pub type Pairs = Vec<(String, String)>;

/// The first value of a field, or "".
pub fn value<'a>(pairs: &'a Pairs, name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map_or("", |(_, v)| v.as_str())
}

/// Every value of a repeated field (checkboxes).
pub fn values(pairs: &Pairs, name: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
        .collect()
}
