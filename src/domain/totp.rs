//! Time-based one-time passwords (RFC 6238 over RFC 4226): HMAC-SHA-1, 6 digits, 30-second steps,
//! the step before and after accepted for clock drift. What every authenticator app speaks.
//!
//! A code is accepted only for a step later than the last one accepted, so that it works once; the
//! store keeps that step and refuses a replay atomically.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use time::OffsetDateTime;

/// Seconds per step.
pub const STEP_SECONDS: i64 = 30;
/// Digits per code.
pub const DIGITS: usize = 6;
/// Bytes of a new secret (160 bits, as RFC 4226 recommends).
pub const SECRET_BYTES: usize = 20;

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A shared secret. `Debug` never prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TotpError {
    #[error("the secret is not base32")]
    NotBase32,
    #[error("the secret is too short")]
    TooShort,
}

impl TotpSecret {
    pub fn from_bytes(bytes: [u8; SECRET_BYTES]) -> Self {
        TotpSecret(bytes.to_vec())
    }

    /// Reads a base32 secret (RFC 4648, case and spaces ignored, padding optional).
    pub fn parse_base32(text: &str) -> Result<Self, TotpError> {
        let mut bits: u64 = 0;
        let mut count = 0u32;
        let mut out = Vec::new();
        for c in text
            .bytes()
            .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
        {
            let value = BASE32
                .iter()
                .position(|a| *a == c.to_ascii_uppercase())
                .ok_or(TotpError::NotBase32)? as u64;
            bits = (bits << 5) | value;
            count += 5;
            if count >= 8 {
                count -= 8;
                out.push((bits >> count) as u8);
                bits &= (1 << count) - 1;
            }
        }
        if out.len() < 10 {
            return Err(TotpError::TooShort);
        }
        Ok(TotpSecret(out))
    }

    /// The secret as base32 without padding, as authenticator apps take it.
    pub fn to_base32(&self) -> String {
        let mut out = String::new();
        let mut bits: u64 = 0;
        let mut count = 0u32;
        for b in &self.0 {
            bits = (bits << 8) | u64::from(*b);
            count += 8;
            while count >= 5 {
                count -= 5;
                out.push(BASE32[((bits >> count) & 31) as usize] as char);
            }
        }
        if count > 0 {
            out.push(BASE32[((bits << (5 - count)) & 31) as usize] as char);
        }
        out
    }

    /// The code of one step (RFC 4226's HOTP with the step as counter).
    pub fn code_at_step(&self, step: i64) -> String {
        let mut mac = Hmac::<Sha1>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(&step.to_be_bytes());
        let digest = mac.finalize().into_bytes();
        let offset = usize::from(digest[digest.len() - 1] & 0x0f);
        let binary = u32::from_be_bytes([
            digest[offset] & 0x7f,
            digest[offset + 1],
            digest[offset + 2],
            digest[offset + 3],
        ]);
        format!("{:06}", binary % 1_000_000)
    }

    /// The code at an instant.
    pub fn code_at(&self, at: OffsetDateTime) -> String {
        self.code_at_step(step_of(at))
    }

    /// The step whose code this is, when it is the code of the step before, at or after `now`, and
    /// later than `last_step` (the last one accepted). Spaces in the code are ignored.
    pub fn verify(&self, code: &str, now: OffsetDateTime, last_step: Option<i64>) -> Option<i64> {
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let current = step_of(now);
        let mut found = None;
        // Every candidate is computed and compared in constant time, whichever matches.
        for step in [current - 1, current, current + 1] {
            let expected = self.code_at_step(step);
            let same = expected
                .bytes()
                .zip(code.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
            if same && last_step.is_none_or(|last| step > last) && found.is_none() {
                found = Some(step);
            }
        }
        found
    }

    /// The `otpauth://` URI that authenticator apps read (usually from a QR code).
    pub fn uri(&self, issuer: &str, account: &str) -> String {
        format!(
            "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
            uri_encode(issuer),
            uri_encode(account),
            self.to_base32(),
            uri_encode(issuer)
        )
    }
}

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret(<redacted>)")
    }
}

/// The 30-second step an instant falls in.
pub fn step_of(at: OffsetDateTime) -> i64 {
    at.unix_timestamp().div_euclid(STEP_SECONDS)
}

fn uri_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'@' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc_secret() -> TotpSecret {
        TotpSecret(b"12345678901234567890".to_vec())
    }

    fn at(unix: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(unix).unwrap()
    }

    #[test]
    fn codes_match_the_rfc_6238_sha1_vectors() {
        // RFC 6238 appendix B gives 8 digits; the last 6 are the 6-digit codes.
        for (unix, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
            (20_000_000_000, "353130"),
        ] {
            assert_eq!(rfc_secret().code_at(at(unix)), code, "{unix}");
        }
    }

    #[test]
    fn base32_round_trips_and_reads_what_apps_show() {
        let s = rfc_secret();
        assert_eq!(s.to_base32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(
            TotpSecret::parse_base32("gezd gnbv gy3t qojq gezd gnbv gy3t qojq").unwrap(),
            s
        );
        let random = TotpSecret::from_bytes([7u8; SECRET_BYTES]);
        assert_eq!(
            TotpSecret::parse_base32(&random.to_base32()).unwrap(),
            random
        );
        assert_eq!(
            TotpSecret::parse_base32("not base32!"),
            Err(TotpError::NotBase32)
        );
        assert_eq!(TotpSecret::parse_base32("GEZD"), Err(TotpError::TooShort));
        assert!(!format!("{s:?}").contains("GEZ"));
    }

    #[test]
    fn a_code_works_one_step_either_side_and_only_once() {
        let s = rfc_secret();
        let now = at(1_111_111_111);
        let step = step_of(now);
        assert_eq!(s.verify(&s.code_at_step(step), now, None), Some(step));
        assert_eq!(
            s.verify(&s.code_at_step(step - 1), now, None),
            Some(step - 1)
        );
        assert_eq!(
            s.verify(&s.code_at_step(step + 1), now, None),
            Some(step + 1)
        );
        assert_eq!(s.verify(&s.code_at_step(step + 2), now, None), None);
        assert_eq!(s.verify(&s.code_at_step(step - 2), now, None), None);
        // Used once: the same step, or an earlier one, is refused.
        assert_eq!(s.verify(&s.code_at_step(step), now, Some(step)), None);
        assert_eq!(s.verify(&s.code_at_step(step - 1), now, Some(step)), None);
        assert_eq!(
            s.verify(&s.code_at_step(step + 1), now, Some(step)),
            Some(step + 1)
        );
        let spaced = format!("{} {}", &s.code_at(now)[..3], &s.code_at(now)[3..]);
        assert_eq!(s.verify(&spaced, now, None), Some(step));
        assert_eq!(s.verify("12345", now, None), None);
        assert_eq!(s.verify("abcdef", now, None), None);
    }

    #[test]
    fn the_uri_names_the_issuer_and_account() {
        let uri = rfc_secret().uri("Summer Schools", "ana@u-paris.fr");
        assert_eq!(
            uri,
            "otpauth://totp/Summer%20Schools:ana@u-paris.fr?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\
             &issuer=Summer%20Schools&algorithm=SHA1&digits=6&period=30"
        );
    }
}
