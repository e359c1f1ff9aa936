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

/// Input whose plain rules (left blank, too long, one line, out of range, two fields that must
/// match) are declared with `validator`'s derive on its struct, each rule's `code` being the
/// message key to show. The rich rules (names in any script, dates, catalog-driven fields) stay
/// in the domain's parsers, which run on what passed.
pub trait Checked: validator::Validate {
    /// The form's fields in the order the page shows them: the order problems are listed in.
    const FIELDS: &'static [&'static str];

    /// Every broken rule, one per field, in the form's order.
    fn problems(&self) -> Vec<Problem> {
        match self.validate() {
            Ok(()) => Vec::new(),
            Err(errors) => problems_of(&errors, Self::FIELDS),
        }
    }

    /// Puts problems found by other rules among these in the form's order.
    fn in_order(problems: &mut [Problem]) {
        sort_in(Self::FIELDS, problems);
    }
}

/// Orders problems as `fields` lists their fields (stable: one field's problems keep their order).
pub fn sort_in(fields: &[&'static str], problems: &mut [Problem]) {
    problems.sort_by_key(|p| {
        fields
            .iter()
            .position(|f| *f == p.field)
            .unwrap_or(usize::MAX)
    });
}

/// `validator`'s findings as problems: per field its first broken rule (with the rule's bound as
/// the message's count), ordered as `fields` lists them. The findings' params also hold what was
/// typed (a password, say): they are dropped here, never logged or shown.
pub fn problems_of(errors: &validator::ValidationErrors, fields: &[&'static str]) -> Vec<Problem> {
    use std::borrow::Cow;
    let mut problems: Vec<Problem> = errors
        .field_errors()
        .into_iter()
        .filter_map(|(field, found)| {
            let first = found.first()?;
            // The derive names fields and codes with string literals: both are borrowed.
            let (Cow::Borrowed(field), Cow::Borrowed(key)) = (field, &first.code) else {
                return None;
            };
            let count = ["max", "min", "equal"]
                .iter()
                .find_map(|bound| first.params.get(*bound))
                .and_then(serde_json::Value::as_i64);
            Some(Problem { field, key, count })
        })
        .collect();
    sort_in(fields, &mut problems);
    problems
}

/// For serde: a one-line field as typed, trimmed; `None` when nothing is left, so that
/// `#[validate(required)]` reads "left blank".
pub fn trimmed<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let typed = <Option<String> as serde::Deserialize>::deserialize(d)?;
    Ok(typed.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()))
}

/// For serde: a text of several lines, with browsers' `\r\n` read as `\n`, trimmed; `None` when
/// nothing is left.
pub fn text_block<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let typed = <Option<String> as serde::Deserialize>::deserialize(d)?;
    Ok(typed
        .map(|s| s.replace("\r\n", "\n").trim().to_owned())
        .filter(|s| !s.is_empty()))
}

/// For serde: one of a fixed set of values (an enum of unit variants, as a radio button or a
/// hidden field sends it); `None` when the field is absent or holds none of them (a stale page, a
/// hand-made form), for the handler to treat after it has checked who is asking.
pub fn choice<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    use serde::de::IntoDeserializer;
    let typed = <Option<String> as serde::Deserialize>::deserialize(d)?;
    Ok(typed.and_then(|s| {
        let value: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
            s.as_str().into_deserializer();
        T::deserialize(value).ok()
    }))
}
