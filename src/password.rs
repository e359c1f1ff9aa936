//! Organizer passwords: argon2id with the crate's defaults (19 MiB, 2 passes, 1 lane: OWASP's
//! recommendation), hashed and checked on the blocking pool so that they never stall request threads.
//!
//! An address without an account, and an account without a usable password (an invitation not yet
//! accepted), are checked against a fixed dummy hash with the same parameters, so that neither the
//! answer nor its timing tells whether the address has an account.

use std::fmt;

use argon2::password_hash::{PasswordHasher, PasswordVerifier};

/// Fewest characters in a new password.
pub const MIN_CHARS: usize = 12;
/// Most characters in a password (hashing a megabyte would be a cheap way to load the server).
pub const MAX_CHARS: usize = 256;

/// The hash of a password nobody knows (the input was 32 random bytes, thrown away), in the
/// parameters of `Argon2::default()`; a test keeps the two in step.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$HAlgkKcbj4Zly8JVUh0axQ$9y6WpC9NJ5NesuJ8dlunCCOSlwkrPq3Pklke2Tz2YK8";

/// A new password as typed, checked against the rules. `Debug` never prints it.
#[derive(Clone)]
pub struct NewPassword(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    #[error("enter a password")]
    Empty,
    #[error("the password is shorter than {MIN_CHARS} characters")]
    TooShort,
    #[error("the password is longer than {MAX_CHARS} characters")]
    TooLong,
}

impl PasswordProblem {
    /// The message key that says what to fix (organizer.ftl).
    pub fn key(self) -> &'static str {
        match self {
            PasswordProblem::Empty => "invitation-error-password-empty",
            PasswordProblem::TooShort => "invitation-error-password-short",
            PasswordProblem::TooLong => "invitation-error-password-long",
        }
    }
}

/// For `#[validate(custom(function = "acceptable"))]` on a new password field: the rule of
/// [`NewPassword::parse`], its problem's key as the code.
pub fn acceptable(raw: &str) -> Result<(), validator::ValidationError> {
    NewPassword::parse(raw)
        .map(drop)
        .map_err(|p| validator::ValidationError::new(p.key()))
}

impl NewPassword {
    pub fn parse(raw: &str) -> Result<NewPassword, PasswordProblem> {
        let chars = raw.chars().count();
        if raw.is_empty() {
            Err(PasswordProblem::Empty)
        } else if chars < MIN_CHARS {
            Err(PasswordProblem::TooShort)
        } else if chars > MAX_CHARS {
            Err(PasswordProblem::TooLong)
        } else {
            Ok(NewPassword(raw.to_owned()))
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(<redacted>)")
    }
}

#[derive(Debug, thiserror::Error)]
#[error("hashing the password failed: {0}")]
pub struct HashError(String);

/// The argon2id PHC string of a password, with a fresh random salt.
pub fn hash(password: &str) -> Result<String, HashError> {
    argon2::Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// Whether `password` matches `stored`. Without a usable stored hash the dummy hash is checked
/// instead (and the answer is no), so that every path costs one argon2 verification.
pub fn verify(stored: Option<&str>, password: &str) -> bool {
    let password = if password.chars().count() > MAX_CHARS {
        // Still spend the same time, on something bounded.
        ""
    } else {
        password
    };
    let usable = stored.filter(|h| h.starts_with("$argon2"));
    let argon2 = argon2::Argon2::default();
    match usable {
        Some(h) => argon2.verify_password(password.as_bytes(), h).is_ok(),
        None => {
            let _ = argon2.verify_password(password.as_bytes(), DUMMY_HASH);
            false
        }
    }
}

/// [`hash`] on the blocking pool.
pub async fn hash_async(password: NewPassword) -> Result<String, HashError> {
    tokio::task::spawn_blocking(move || hash(password.expose()))
        .await
        .map_err(|e| HashError(e.to_string()))?
}

/// [`verify`] on the blocking pool.
pub async fn verify_async(stored: Option<String>, password: String) -> bool {
    tokio::task::spawn_blocking(move || verify(stored.as_deref(), &password))
        .await
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::phc::PasswordHash;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify(Some(&h), "correct horse battery"));
        assert!(!verify(Some(&h), "correct horse batterz"));
        assert!(!verify(None, "anything at all"));
        assert!(!verify(Some("!invited"), "anything at all"));
        assert!(!verify(Some(&h), &"x".repeat(MAX_CHARS + 1)));
    }

    #[test]
    fn the_dummy_hash_uses_the_parameters_of_real_hashes() {
        let real = hash("some password").unwrap();
        let real = PasswordHash::new(&real).unwrap();
        let dummy = PasswordHash::new(DUMMY_HASH).unwrap();
        assert_eq!(dummy.algorithm, real.algorithm);
        assert_eq!(dummy.version, real.version);
        assert_eq!(dummy.params.to_string(), real.params.to_string());
    }

    #[test]
    fn new_passwords_follow_the_rules() {
        assert_eq!(NewPassword::parse("").unwrap_err(), PasswordProblem::Empty);
        assert_eq!(
            NewPassword::parse("eleven char").unwrap_err(),
            PasswordProblem::TooShort
        );
        assert!(NewPassword::parse("twelve chars").is_ok());
        // Characters, not bytes: twelve accented letters are enough.
        assert!(NewPassword::parse("éééééééééééé").is_ok());
        assert_eq!(
            NewPassword::parse(&"x".repeat(MAX_CHARS + 1)).unwrap_err(),
            PasswordProblem::TooLong
        );
        assert!(!format!("{:?}", NewPassword::parse("twelve chars").unwrap()).contains("twelve"));
    }
}
