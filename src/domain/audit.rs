//! Who did something, for the audit trail that every state change writes.

use std::fmt;

/// The author of a state change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// The service itself (the worker, a deadline).
    System,
    /// An operator at the command line.
    Cli,
    Organizer(String),
    Applicant(String),
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::System => f.write_str("system"),
            Actor::Cli => f.write_str("cli"),
            Actor::Organizer(id) => write!(f, "organizer:{id}"),
            Actor::Applicant(id) => write!(f, "applicant:{id}"),
        }
    }
}
