//! The worker: claims due jobs from the outbox, performs them, retries with backoff, buries the ones
//! that keep failing. Runs inside `serve`, or once from the CLI.

pub mod reconcile;
mod worker;

pub use worker::{Outcome, RunReport, Worker};
