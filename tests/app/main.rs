//! One test binary for the whole application (one link instead of many). Each module tells a part of
//! the story through the public surface: HTTP, the CLI, and the `Store` trait.

mod harness;
mod invoices;

mod accounts;
mod api;
mod applications;
mod bank;
mod browser;
mod certificates;
mod cli;
mod cohort;
mod completion;
mod demo;
mod discounts;
mod documents;
mod finance;
mod jobs;
mod layout;
mod letters;
mod messages;
mod organizers;
mod pages;
mod payments;
mod queue;
mod review;
mod store;
mod stripe;
mod stripe_stand_in;
mod team;
