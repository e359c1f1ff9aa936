//! Pure rules and parsed types: no I/O, no sqlx, no axum.
//!
//! Everything that enters the product from outside (a catalog file, a form, a CLI flag) is parsed into
//! one of these types once; after that, no function takes a bare `String` for a meaningful value.

pub mod access;
pub mod application;
pub mod audit;
pub mod badge;
pub mod bank;
pub mod calendar;
pub mod cancellation;
pub mod catalog;
pub mod certificate;
pub mod completion;
pub mod countries;
pub mod decision;
pub mod demo;
pub mod discount;
pub mod document;
pub mod email;
pub mod fees;
pub mod issuance;
pub mod job;
pub mod ledger;
pub mod locale;
pub mod message;
pub mod money;
pub mod offer;
pub mod payer;
pub mod payment;
pub mod problem;
pub mod queue;
pub mod receipt;
pub mod refund;
pub mod refusal;
pub mod review;
pub mod status;
pub mod totp;
pub mod visa;
