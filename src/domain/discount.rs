//! A discount code as organizers create it: the form's fields, checked into a [`NewDiscountCode`].
//! Pure: which scopes the organizer may choose is handed in (their programs, and whole editions for
//! organization-wide roles); the store keeps the code and counts its uses.

use serde::Deserialize;
use time::OffsetDateTime;
use validator::{Validate, ValidationError};

use super::fees::{DiscountKind, normalize_code};
use super::money::{Currency, Money};
use super::offer::end_of_paris_day;
use super::problem::{Checked, Problem, trimmed};

/// Most characters in a code's note.
pub const NOTE_MAX: u64 = 200;
/// Most uses a limited code may allow.
pub const USES_MAX: u32 = 100_000;

/// Where a new code applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiscountScope {
    Program(String),
    /// Every program of the edition with this slug.
    Edition(String),
}

impl DiscountScope {
    /// How the form's scope field names it: `program:{id}` or `edition:{slug}`.
    pub fn value(&self) -> String {
        match self {
            DiscountScope::Program(id) => format!("program:{id}"),
            DiscountScope::Edition(slug) => format!("edition:{slug}"),
        }
    }
}

/// A code, checked, for the store to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDiscountCode {
    /// Normalized (see [`normalize_code`]).
    pub code: String,
    pub scope: DiscountScope,
    pub kind: DiscountKind,
    pub max_uses: Option<u32>,
    pub expires_at: Option<OffsetDateTime>,
    /// What it is for (a partner, an agreement), for the team.
    pub note: String,
}

/// The form as typed (kept as typed, to show again with its problems).
#[derive(Debug, Clone, Default, Deserialize, Validate)]
pub struct DiscountDraft {
    #[serde(default)]
    #[validate(custom(function = "well_formed_code"))]
    pub code: String,
    /// `program:{id}` or `edition:{slug}`.
    #[serde(default)]
    pub scope: String,
    /// `percent` or `amount`.
    #[serde(default)]
    pub kind: String,
    /// A percentage (`15`, `15 %`) or euros (`250`, `250,50`), as `kind` says.
    #[serde(default)]
    pub amount: String,
    /// Blank for no limit.
    #[serde(default)]
    #[validate(custom(function = "uses_limit"))]
    pub max_uses: String,
    /// `YYYY-MM-DD`, the last day (Paris) it may be used; blank for no end.
    #[serde(default)]
    pub expires_on: String,
    #[serde(default, deserialize_with = "trimmed")]
    #[validate(
        required(code = "discounts-error-note"),
        length(max = NOTE_MAX, code = "discounts-error-note"),
        non_control_character(code = "discounts-error-note")
    )]
    pub note: Option<String>,
}

impl Checked for DiscountDraft {
    const FIELDS: &'static [&'static str] = &[
        "code",
        "scope",
        "kind",
        "amount",
        "max_uses",
        "expires_on",
        "note",
    ];
}

fn well_formed_code(typed: &str) -> Result<(), ValidationError> {
    normalize_code(typed)
        .map(drop)
        .map_err(|r| ValidationError::new(r.key()))
}

fn uses_limit(typed: &str) -> Result<(), ValidationError> {
    match max_uses(typed) {
        Some(_) => Ok(()),
        None => Err(ValidationError::new("discounts-error-max-uses")),
    }
}

/// Blank is no limit; otherwise 1 to [`USES_MAX`].
fn max_uses(typed: &str) -> Option<Option<u32>> {
    match typed.trim() {
        "" => Some(None),
        n => n
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=USES_MAX).contains(n))
            .map(Some),
    }
}

/// The reduction: 1–100 % or a positive amount of euros (comma or point for the cents).
fn reduction(kind: &str, typed: &str) -> Result<DiscountKind, Problem> {
    let typed = typed.trim().replace(',', ".");
    if kind == "amount" {
        Money::parse_decimal(&typed, Currency::Eur)
            .ok()
            .filter(|m| m.cents() > 0)
            .map(|m| DiscountKind::Amount(m.cents()))
            .ok_or(Problem::new("amount", "discounts-error-amount"))
    } else {
        typed
            .trim_end_matches('%')
            .trim()
            .parse::<u8>()
            .ok()
            .filter(|p| (1..=100).contains(p))
            .map(DiscountKind::Percent)
            .ok_or(Problem::new("amount", "discounts-error-percent"))
    }
}

/// The last day it may be used, which must be to come; blank is no end.
fn expiry(typed: &str, now: OffsetDateTime) -> Result<Option<OffsetDateTime>, Problem> {
    match typed.trim() {
        "" => Ok(None),
        d => time::Date::parse(d, time::macros::format_description!("[year]-[month]-[day]"))
            .ok()
            .map(end_of_paris_day)
            .filter(|e| *e > now)
            .map(Some)
            .ok_or(Problem::new("expires_on", "discounts-error-expires")),
    }
}

/// The form checked into a code, or every problem with it, in the form's order. `scopes` are
/// those the organizer may choose.
pub fn parse_discount(
    draft: &DiscountDraft,
    scopes: &[DiscountScope],
    now: OffsetDateTime,
) -> Result<NewDiscountCode, Vec<Problem>> {
    let mut problems = draft.problems();
    let scope = scopes.iter().find(|s| s.value() == draft.scope);
    if scope.is_none() {
        problems.push(Problem::new("scope", "discounts-error-scope"));
    }
    let kind = reduction(&draft.kind, &draft.amount).map_err(|p| problems.push(p));
    let expires_at = expiry(&draft.expires_on, now).map_err(|p| problems.push(p));
    DiscountDraft::in_order(&mut problems);
    match (
        normalize_code(&draft.code),
        scope,
        kind,
        max_uses(&draft.max_uses),
        expires_at,
        &draft.note,
    ) {
        (Ok(code), Some(scope), Ok(kind), Some(max_uses), Ok(expires_at), Some(note))
            if problems.is_empty() =>
        {
            Ok(NewDiscountCode {
                code,
                scope: scope.clone(),
                kind,
                max_uses,
                expires_at,
                note: note.clone(),
            })
        }
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const NOW: OffsetDateTime = datetime!(2026-03-01 10:00 UTC);

    fn draft(fields: &[(&str, &str)]) -> DiscountDraft {
        serde_urlencoded::from_str(&serde_urlencoded::to_string(fields).unwrap()).unwrap()
    }

    fn scopes() -> Vec<DiscountScope> {
        vec![
            DiscountScope::Program("ai".into()),
            DiscountScope::Edition("summer-2026".into()),
        ]
    }

    #[test]
    fn a_filled_form_becomes_a_code() {
        let code = parse_discount(
            &draft(&[
                ("code", " partner-aphp "),
                ("scope", "edition:summer-2026"),
                ("kind", "amount"),
                ("amount", "250,50"),
                ("max_uses", "12"),
                ("expires_on", "2026-04-30"),
                ("note", "  AP-HP agreement "),
            ]),
            &scopes(),
            NOW,
        )
        .unwrap();
        assert_eq!(code.code, "PARTNER-APHP");
        assert_eq!(code.scope, DiscountScope::Edition("summer-2026".into()));
        assert_eq!(code.kind, DiscountKind::Amount(25_050));
        assert_eq!(code.max_uses, Some(12));
        assert_eq!(
            code.expires_at,
            Some(end_of_paris_day(time::macros::date!(2026 - 04 - 30)))
        );
        assert_eq!(code.note, "AP-HP agreement");
        let open = parse_discount(
            &draft(&[
                ("code", "ALUMNI"),
                ("scope", "program:ai"),
                ("kind", "percent"),
                ("amount", "15 %"),
                ("note", "Alumni"),
            ]),
            &scopes(),
            NOW,
        )
        .unwrap();
        assert_eq!(open.kind, DiscountKind::Percent(15));
        assert_eq!((open.max_uses, open.expires_at), (None, None));
    }

    #[test]
    fn every_problem_is_named_at_once_in_the_forms_order() {
        let problems = parse_discount(
            &draft(&[
                ("note", &"n".repeat(NOTE_MAX as usize + 1)),
                ("code", "x!"),
                ("scope", "program:other"),
                ("kind", "percent"),
                ("amount", "101"),
                ("max_uses", "0"),
                ("expires_on", "2026-02-28"),
            ]),
            &scopes(),
            NOW,
        )
        .unwrap_err();
        assert_eq!(
            problems,
            [
                Problem::new("code", "error-code-malformed"),
                Problem::new("scope", "discounts-error-scope"),
                Problem::new("amount", "discounts-error-percent"),
                Problem::new("max_uses", "discounts-error-max-uses"),
                Problem::new("expires_on", "discounts-error-expires"),
                Problem::counted("note", "discounts-error-note", 200),
            ]
        );
        let blank = parse_discount(&draft(&[("kind", "amount")]), &scopes(), NOW).unwrap_err();
        assert_eq!(
            blank.iter().map(|p| (p.field, p.key)).collect::<Vec<_>>(),
            [
                ("code", "error-code-malformed"),
                ("scope", "discounts-error-scope"),
                ("amount", "discounts-error-amount"),
                ("note", "discounts-error-note"),
            ]
        );
    }
}
