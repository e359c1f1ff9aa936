//! What a person must fix in what they typed or uploaded: one type for every form and API input,
//! translated only where it is shown (next to its field on a page, or in an API answer's `fields`).

/// One thing to fix: which field, and the Fluent message key (with an optional number argument,
/// such as a length limit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The field's name in the form (and its element id on the page).
    pub field: &'static str,
    pub key: &'static str,
    pub count: Option<i64>,
}

impl Problem {
    pub const fn new(field: &'static str, key: &'static str) -> Self {
        Problem {
            field,
            key,
            count: None,
        }
    }

    /// A message that names a number, such as `{ $count } characters at most`.
    pub const fn counted(field: &'static str, key: &'static str, count: i64) -> Self {
        Problem {
            field,
            key,
            count: Some(count),
        }
    }
}
