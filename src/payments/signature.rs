//! Stripe's webhook signatures: the `Stripe-Signature` header is `t=<unix seconds>` followed by one or
//! more `v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` (several during a secret's rotation), and
//! maybe `v0=` values from Stripe's test scheme, which never count. Checked on the raw bytes of the
//! body, before anything parses it.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// How far the signed timestamp may be from our clock, either way (Stripe's own default).
pub const TOLERANCE_SECS: i64 = 300;

/// Why a webhook was refused. None of them says more than that to the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("no Stripe-Signature header")]
    Missing,
    #[error("the Stripe-Signature header has no timestamp or no v1 signature")]
    Malformed,
    #[error("the signed timestamp is more than 300 s away from now")]
    OutsideTolerance,
    #[error("no v1 signature matches the body")]
    NoMatch,
}

/// Checks `header` against `body` with the endpoint's signing secret (`whsec_…`), at `now` (Unix
/// seconds). Every `v1` value is tried, in constant time each.
pub fn verify(
    header: Option<&str>,
    body: &[u8],
    secret: &str,
    now: i64,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut timestamp: Option<&str> = None;
    let mut candidates: Vec<Vec<u8>> = Vec::new();
    for part in header.split(',') {
        let Some((key, value)) = part.trim().split_once('=') else {
            continue;
        };
        match key {
            "t" => timestamp = Some(value),
            "v1" => {
                if let Some(bytes) = hex(value) {
                    candidates.push(bytes);
                }
            }
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    let seconds: i64 = timestamp.parse().map_err(|_| SignatureError::Malformed)?;
    if candidates.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - seconds).abs() > TOLERANCE_SECS {
        return Err(SignatureError::OutsideTolerance);
    }
    let signed = |candidate: &[u8]| {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
        mac.update(timestamp.as_bytes());
        mac.update(b".");
        mac.update(body);
        mac.verify_slice(candidate).is_ok()
    };
    // Every candidate is checked, so the time taken does not say which one matched.
    let matched = candidates.iter().fold(false, |found, c| signed(c) | found);
    if matched {
        Ok(())
    } else {
        Err(SignatureError::NoMatch)
    }
}

/// The header Stripe would send for `body` at `timestamp`: for the simulated provider, the stand-in
/// and the tests.
pub fn sign(body: &[u8], secret: &str, timestamp: i64) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("t={timestamp},v1={hex}")
}

fn hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_secret";
    const BODY: &[u8] = b"{\n  \"id\": \"evt_test_webhook\",\n  \"object\": \"event\"\n}";
    const T: i64 = 1_700_000_000;
    /// HMAC-SHA256("whsec_test_secret", "1700000000." + BODY), computed independently (Python's hmac).
    const KNOWN: &str = "4f1cd7feda9826e746b7d482c4badebb657398df1099e1046364f6196a230150";

    #[test]
    fn a_known_vector_passes_and_signing_reproduces_it() {
        let header = format!("t={T},v1={KNOWN}");
        assert_eq!(verify(Some(&header), BODY, SECRET, T + 10), Ok(()));
        assert_eq!(sign(BODY, SECRET, T), header);
    }

    #[test]
    fn one_changed_byte_or_the_wrong_secret_fails() {
        let header = sign(BODY, SECRET, T);
        let mut changed = BODY.to_vec();
        changed[10] ^= 1;
        assert_eq!(
            verify(Some(&header), &changed, SECRET, T),
            Err(SignatureError::NoMatch)
        );
        assert_eq!(
            verify(Some(&header), BODY, "whsec_other", T),
            Err(SignatureError::NoMatch)
        );
    }

    #[test]
    fn the_timestamp_must_be_within_300_seconds() {
        let header = sign(BODY, SECRET, T);
        assert_eq!(verify(Some(&header), BODY, SECRET, T + 300), Ok(()));
        assert_eq!(
            verify(Some(&header), BODY, SECRET, T + 301),
            Err(SignatureError::OutsideTolerance)
        );
        assert_eq!(
            verify(Some(&header), BODY, SECRET, T - 301),
            Err(SignatureError::OutsideTolerance),
            "a timestamp from the future is refused too"
        );
    }

    #[test]
    fn any_v1_value_may_match_and_v0_never_counts() {
        let wrong = "0".repeat(64);
        let two = format!("t={T},v1={wrong},v1={KNOWN}");
        assert_eq!(verify(Some(&two), BODY, SECRET, T), Ok(()));
        let v0_only = format!("t={T},v0={KNOWN}");
        assert_eq!(
            verify(Some(&v0_only), BODY, SECRET, T),
            Err(SignatureError::Malformed)
        );
    }

    #[test]
    fn a_missing_or_malformed_header_fails() {
        assert_eq!(verify(None, BODY, SECRET, T), Err(SignatureError::Missing));
        for bad in [
            "",
            "v1=abc",
            &format!("t=soon,v1={KNOWN}"),
            &format!("v1={KNOWN}"),
            "t=1700000000",
        ] {
            assert!(verify(Some(bad), BODY, SECRET, T).is_err(), "{bad}");
        }
        let odd = format!("t={T},v1={}", &KNOWN[1..]);
        assert_eq!(
            verify(Some(&odd), BODY, SECRET, T),
            Err(SignatureError::Malformed)
        );
    }
}
