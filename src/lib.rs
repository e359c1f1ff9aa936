//! summer-school: runs a medical faculty's summer schools, from application to verified certificate.
//!
//! Layers (arrows point down only): `http` → `domain`, `store`, `email`, `jobs`; `domain` imports
//! nothing of ours and does no I/O; SQL lives only in `store`.

pub mod config;
pub mod demo;
pub mod documents;
pub mod domain;
pub mod email;
pub mod http;
pub mod i18n;
pub mod jobs;
pub mod password;
pub mod payments;
pub mod startup;
pub mod store;
