//! Email addresses, parsed once.

use std::fmt;

/// A syntactically plausible email address, trimmed, with its domain lower-cased.
#[derive(Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("enter an email address")]
    Empty,
    #[error("enter an email address in the correct format, like name@example.org")]
    Malformed,
    #[error("the email address is too long (at most 254 characters)")]
    TooLong,
}

impl EmailError {
    /// The message key that says what to fix (main.ftl).
    pub fn key(&self) -> &'static str {
        match self {
            EmailError::Empty => "error-email-empty",
            EmailError::Malformed => "error-email-malformed",
            EmailError::TooLong => "error-email-too-long",
        }
    }
}

/// For `#[validate(custom(function = "well_formed"))]` on a form's email field: the same rule as
/// [`EmailAddress::parse`], its problem's key as the code.
pub fn well_formed(raw: &str) -> Result<(), validator::ValidationError> {
    EmailAddress::parse(raw)
        .map(drop)
        .map_err(|e| validator::ValidationError::new(e.key()))
}

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let t = raw.trim();
        if t.is_empty() {
            return Err(EmailError::Empty);
        }
        if t.len() > 254 {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = t.rsplit_once('@').ok_or(EmailError::Malformed)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local
                .chars()
                .any(|c| c.is_whitespace() || c == '@' || c.is_control());
        if !domain_ok || !local_ok {
            return Err(EmailError::Malformed);
        }
        Ok(EmailAddress(format!("{local}@{}", domain.to_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = EmailError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        EmailAddress::parse(&value)
    }
}

impl From<EmailAddress> for String {
    fn from(value: EmailAddress) -> Self {
        value.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Debug output never prints the address: it is personal data and may reach logs.
impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EmailAddress(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_parsed_and_normalised() {
        assert_eq!(
            EmailAddress::parse(" Ana@Example.ORG ").unwrap().as_str(),
            "Ana@example.org"
        );
        assert_eq!(EmailAddress::parse("").unwrap_err(), EmailError::Empty);
        assert_eq!(
            EmailAddress::parse("no-at-sign").unwrap_err(),
            EmailError::Malformed
        );
        assert_eq!(
            EmailAddress::parse("a@b").unwrap_err(),
            EmailError::Malformed
        );
        assert_eq!(
            EmailAddress::parse("a b@c.org").unwrap_err(),
            EmailError::Malformed
        );
        assert!(EmailAddress::parse("józef@uniwersytet.pl").is_ok());
        assert!(!format!("{:?}", EmailAddress::parse("x@y.org").unwrap()).contains("x@y"));
    }
}
