//! Certificates anyone can verify: the plain record a certificate is printed from, its canonical
//! form, and its Ed25519 signature.
//!
//! The record holds everything the document says, already in the document's language, and, since
//! the certificates are bilingual, its texts in the other language too ([`Translation`]): one
//! signed record prints in English and in French ([`CertificateRecord::in_language`]). Its canonical
//! form is the JSON Canonicalization Scheme (RFC 8785) of the record: object keys sorted, no
//! whitespace, strings escaped as ECMAScript does; the record has no floating-point numbers, so every
//! number prints the same everywhere. The signature is Ed25519 (RFC 8032) over those bytes. Anyone
//! with the published public key can check a certificate's data without asking us; changing one
//! character of the data breaks the signature.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::Date;

use super::locale::Locale;
use super::problem::{Checked, trimmed};
use super::status::CertificateKind;

// Dates as `2026-07-06` in the signed form: what a person reading the data expects.
time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");

/// What the document says about its holder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    /// The name exactly as the applicant asked it to appear on certificates.
    pub name: String,
    #[serde(with = "iso_date")]
    pub birth_date: Date,
}

/// The school, as the certificate describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Course {
    pub title: String,
    #[serde(with = "iso_date")]
    pub starts_on: Date,
    #[serde(with = "iso_date")]
    pub ends_on: Date,
    pub place: String,
    /// The language it was taught in, named in the document's language.
    pub language: String,
    /// Contact hours.
    pub hours: u16,
    pub ects: u16,
    /// The student workload the ECTS credits stand for, in hours, when the catalog gives it
    /// (absent from the signed form otherwise, so records issued before it existed keep their bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload_hours: Option<u16>,
    pub outcomes: Vec<String>,
}

/// Who issues it and signs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issuer {
    pub institution: String,
    pub faculty: String,
    pub signatory_name: String,
    pub signatory_title: String,
    pub place_of_issue: String,
    /// The signatory's signature image, a file under `certificates/signatures/` (absent from the
    /// signed form when there is none, so records issued before it existed keep their bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature_image: Option<String>,
}

/// The holder's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub passed: bool,
    /// A grade when the program gives one ("16/20", "A").
    pub grade: Option<String>,
}

/// Everything a certificate shows, frozen and signed when it is issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateRecord {
    pub kind: CertificateKind,
    pub serial: String,
    /// The code of the public verification page (`/verify/{code}`), also in the QR code.
    pub verification_code: String,
    pub verification_url: String,
    pub locale: Locale,
    pub holder: Holder,
    pub course: Course,
    pub outcome: Outcome,
    pub issuer: Issuer,
    #[serde(with = "iso_date")]
    pub issued_on: Date,
    /// AFGSU 2: four years after the last day of training.
    #[serde(with = "iso_date::option")]
    pub valid_until: Option<Date>,
    /// The serial of the certificate this one corrects.
    pub supersedes: Option<String>,
    /// A demo's certificate (`serve --demo`): it says DEMO on the page, on `/verify` and here, in
    /// what is signed. Absent from real records, so that their canonical form is unchanged.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub demo: bool,
    /// The texts in the other language, signed with the rest. Absent from records issued before
    /// certificates were bilingual (they print in their language only; their canonical form is
    /// unchanged).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub translation: Option<Translation>,
}

/// What a certificate says in its other language: every text of the record that is not a name, a
/// date or a number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Translation {
    pub locale: Locale,
    pub title: String,
    /// The language the school was taught in, named in this language.
    pub language: String,
    pub outcomes: Vec<String>,
    pub faculty: String,
    pub signatory_title: String,
}

impl Translation {
    /// The texts of `record` (printed in its language) as a translation of another record.
    pub fn of(record: &CertificateRecord) -> Translation {
        Translation {
            locale: record.locale,
            title: record.course.title.clone(),
            language: record.course.language.clone(),
            outcomes: record.course.outcomes.clone(),
            faculty: record.issuer.faculty.clone(),
            signatory_title: record.issuer.signatory_title.clone(),
        }
    }
}

/// Years an AFGSU 2 attestation is valid.
pub const AFGSU_VALID_YEARS: i32 = 4;

/// The last day an AFGSU 2 attestation is valid, for a training whose last day is `trained_until`:
/// the same day four years later (28 February after a 29 February). Counted from the training, not
/// from when the paper is issued: a late or corrected attestation does not last longer.
pub fn afgsu_valid_until(trained_until: Date) -> Date {
    let year = trained_until.year() + AFGSU_VALID_YEARS;
    Date::from_calendar_date(year, trained_until.month(), trained_until.day())
        .or_else(|_| Date::from_calendar_date(year, trained_until.month(), trained_until.day() - 1))
        .expect("the day before a 29 February exists")
}

/// "UPC-SS-2026-HO": a series of serials, the organization's prefix, the year of issue and the
/// program's short code. Numbers run in a series, whichever edition the program belongs to, so that
/// two editions of a year whose programs share a code never print the same serial.
pub fn format_series(prefix: &str, year: i32, program_code: &str) -> String {
    format!("{prefix}-{year}-{program_code}")
}

/// "UPC-SS-2026-HO-0007": the `n`th serial of `series`.
pub fn format_serial(series: &str, n: i64) -> String {
    format!("{series}-{n:04}")
}

/// A verification code from random bytes: 16 characters from an alphabet without look-alikes,
/// grouped by four (`7KQ2-MX9D-…`), about 80 bits: not guessable, readable over the phone.
pub fn verification_code(random: [u8; 10]) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    // 80 bits as 16 five-bit groups.
    let mut bits: u128 = 0;
    for b in random {
        bits = (bits << 8) | u128::from(b);
    }
    let chars: Vec<char> = (0..16)
        .rev()
        .map(|i| ALPHABET[((bits >> (i * 5)) & 31) as usize] as char)
        .collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// Whether `text` has the shape of a verification code (checked before any lookup).
pub fn is_verification_code(text: &str) -> bool {
    text.len() == 19
        && text.split('-').count() == 4
        && text.split('-').all(|g| {
            g.len() == 4
                && g.bytes()
                    .all(|b| b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ".contains(&b))
        })
}

/// The JSON Canonicalization Scheme (RFC 8785) of a JSON value: keys sorted by their UTF-16 code
/// units, no whitespace. Strings and integers are written by serde_json, whose escaping is the one
/// RFC 8785 asks for (`\"`, `\\`, `\b \f \n \r \t`, other controls as lowercase `\u00xx`, nothing
/// else). Floating-point numbers are not used by any record here and are refused.
pub fn canonical_json(value: &Value) -> Result<String, CanonicalError> {
    let mut out = String::new();
    write_canonical(value, &mut out)?;
    Ok(out)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CanonicalError {
    #[error("a floating-point number cannot be canonicalized here")]
    Float,
}

fn write_canonical(value: &Value, out: &mut String) -> Result<(), CanonicalError> {
    match value {
        Value::Null | Value::Bool(_) | Value::String(_) => {
            out.push_str(&serde_json::to_string(value).expect("a JSON value serializes"));
        }
        Value::Number(n) => {
            if n.is_f64() {
                return Err(CanonicalError::Float);
            }
            out.push_str(&n.to_string());
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out)?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(k).expect("a string serializes"));
                out.push(':');
                write_canonical(&map[k], out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

impl CertificateRecord {
    /// `UPC-SS-2026-HO-0007.pdf`: what a downloaded or attached file is called.
    pub fn file_name(&self) -> String {
        format!("{}.pdf", self.serial)
    }

    /// What the file of its page in `locale` is called: [`file_name`](Self::file_name) in its own
    /// language, `UPC-SS-2026-HO-0007-fr.pdf` in its translation's.
    pub fn file_name_in(&self, locale: Locale) -> String {
        if locale == self.locale {
            self.file_name()
        } else {
            format!("{}-{}.pdf", self.serial, locale.tag())
        }
    }

    /// The languages it prints in: its own, then its translation's.
    pub fn languages(&self) -> Vec<Locale> {
        std::iter::once(self.locale)
            .chain(self.translation.as_ref().map(|t| t.locale))
            .collect()
    }

    /// The record as the page in `locale` shows it: itself in its own language, its texts
    /// swapped for the translation's in the other; `None` in a language it does not hold.
    pub fn in_language(&self, locale: Locale) -> Option<CertificateRecord> {
        if locale == self.locale {
            return Some(self.clone());
        }
        let t = self.translation.as_ref().filter(|t| t.locale == locale)?;
        let mut view = self.clone();
        view.locale = locale;
        view.course.title = t.title.clone();
        view.course.language = t.language.clone();
        view.course.outcomes = t.outcomes.clone();
        view.issuer.faculty = t.faculty.clone();
        view.issuer.signatory_title = t.signatory_title.clone();
        view.translation = Some(Translation::of(self));
        Some(view)
    }

    /// The bytes that are signed.
    pub fn canonical(&self) -> Vec<u8> {
        let value = serde_json::to_value(self).expect("a record serializes");
        canonical_json(&value)
            .expect("a record holds no floating-point number")
            .into_bytes()
    }

    /// The Ed25519 signature of the canonical form.
    pub fn sign(&self, key: &SigningKey) -> [u8; 64] {
        key.sign(&self.canonical()).to_bytes()
    }

    /// Whether `signature` is `key`'s over this record.
    pub fn verify(&self, key: &VerifyingKey, signature: &[u8]) -> bool {
        let Ok(signature) = Signature::from_slice(signature) else {
            return false;
        };
        key.verify(&self.canonical(), &signature).is_ok()
    }
}

/// The holder's name as the public verification page shows it: every word but the last reduced to
/// its initial (`N. T. M. Khai`), enough for someone holding the paper to match it, not enough to
/// learn a full name from a guessed code.
pub fn masked_name(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let Some((last, first)) = words.split_last() else {
        return String::new();
    };
    first
        .iter()
        .filter_map(|w| w.chars().next())
        .map(|c| format!("{c}."))
        .chain(std::iter::once((*last).to_owned()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// What the verification page says of a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicStatus {
    Valid,
    Revoked,
    Superseded,
    /// Past its last day of validity (AFGSU 2).
    Expired,
}

impl PublicStatus {
    pub fn of(
        status: super::status::CertificateStatus,
        valid_until: Option<Date>,
        today: Date,
    ) -> PublicStatus {
        use super::status::CertificateStatus;
        match status {
            CertificateStatus::Revoked => PublicStatus::Revoked,
            CertificateStatus::Superseded => PublicStatus::Superseded,
            CertificateStatus::Issued if valid_until.is_some_and(|u| today > u) => {
                PublicStatus::Expired
            }
            CertificateStatus::Issued => PublicStatus::Valid,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PublicStatus::Valid => "valid",
            PublicStatus::Revoked => "revoked",
            PublicStatus::Superseded => "superseded",
            PublicStatus::Expired => "expired",
        }
    }
}

/// Lowercase hex, for signatures and keys in text.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Bytes from hex (either case); `None` when it is not hex of whole bytes.
pub fn from_hex(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Most characters in the reason a certificate was revoked (shown on its verification page).
pub const REVOKE_REASON_MAX: u64 = 500;

/// Why a certificate is revoked, as the organizer typed it.
#[derive(Debug, Clone, Default, Deserialize, validator::Validate)]
pub struct RevokeDraft {
    #[serde(default, deserialize_with = "trimmed")]
    #[validate(
        required(code = "cohort-error-reason"),
        length(max = REVOKE_REASON_MAX, code = "cohort-error-reason"),
        non_control_character(code = "cohort-error-reason")
    )]
    pub reason: Option<String>,
}

impl Checked for RevokeDraft {
    const FIELDS: &'static [&'static str] = &["reason"];
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use time::macros::date;

    pub(crate) fn record() -> CertificateRecord {
        CertificateRecord {
            kind: CertificateKind::AttestationOfSuccess,
            serial: "UPC-SS-2026-HO-0007".into(),
            verification_code: "7KQ2-MX9D-4T8P-ZR3W".into(),
            verification_url: "https://summerschool.example/verify/7KQ2-MX9D-4T8P-ZR3W".into(),
            locale: Locale::En,
            holder: Holder {
                name: "Nguyễn Thị Minh Khai".into(),
                birth_date: date!(1999 - 03 - 14),
            },
            course: Course {
                title: "Hands-on Training in Clinical Medicine and Emergencies".into(),
                starts_on: date!(2026 - 07 - 06),
                ends_on: date!(2026 - 07 - 17),
                place: "Paris".into(),
                language: "English".into(),
                hours: 60,
                ects: 5,
                workload_hours: None,
                outcomes: vec!["Recognise and manage a cardiac arrest".into()],
            },
            outcome: Outcome {
                passed: true,
                grade: None,
            },
            issuer: Issuer {
                institution: "Université Paris Cité".into(),
                faculty: "UFR de Médecine".into(),
                signatory_name: "Pr Jeanne Martin".into(),
                signatory_title: "Dean".into(),
                place_of_issue: "Paris".into(),
                signature_image: None,
            },
            issued_on: date!(2026 - 07 - 20),
            valid_until: None,
            supersedes: None,
            demo: false,
            translation: None,
        }
    }

    #[test]
    fn canonical_json_sorts_keys_and_escapes_as_rfc_8785_says() {
        // RFC 8785 §3.2.3's sorting example, keys as UTF-16 code units.
        let v: Value = serde_json::from_str(
            r#"{"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh",
                "1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}"#,
        )
        .unwrap();
        let text = canonical_json(&v).unwrap();
        let positions: Vec<usize> = [
            "\\r",
            "1",
            "\u{80}",
            "\u{f6}",
            "\u{20ac}",
            "\u{1f600}",
            "\u{fb33}",
        ]
        .iter()
        .map(|k| {
            text.find(&format!("\"{k}\""))
                .unwrap_or_else(|| panic!("{k} in {text}"))
        })
        .collect();
        assert!(
            positions.windows(2).all(|w| w[0] < w[1]),
            "{positions:?}: {text}"
        );
        // Literals, nesting and escapes.
        let v: Value = serde_json::from_str(
            r#"{ "b": [1, true, null, "a\u0007\"\\/\n"], "a": { "z": -5, "y": 10 } }"#,
        )
        .unwrap();
        assert_eq!(
            canonical_json(&v).unwrap(),
            r#"{"a":{"y":10,"z":-5},"b":[1,true,null,"a\u0007\"\\/\n"]}"#
        );
        assert_eq!(
            canonical_json(&serde_json::json!({ "x": 1.5 })),
            Err(CanonicalError::Float)
        );
    }

    #[test]
    fn ed25519_matches_rfc_8032_test_1() {
        let secret =
            from_hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60").unwrap();
        let key = SigningKey::from_bytes(&secret.try_into().unwrap());
        assert_eq!(
            hex(key.verifying_key().as_bytes()),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
        );
        assert_eq!(
            hex(&key.sign(b"").to_bytes()),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        );
    }

    #[test]
    fn a_signed_record_verifies_and_any_change_breaks_it() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let r = record();
        let signature = r.sign(&key);
        assert!(r.verify(&key.verifying_key(), &signature));
        let mut changed = r.clone();
        changed.holder.name = "Nguyễn Thị Minh Khái".into();
        assert!(!changed.verify(&key.verifying_key(), &signature));
        let mut changed = r.clone();
        changed.course.ects = 6;
        assert!(!changed.verify(&key.verifying_key(), &signature));
        let mut bad = signature;
        bad[10] ^= 1;
        assert!(!r.verify(&key.verifying_key(), &bad));
        assert!(!r.verify(
            &SigningKey::from_bytes(&[8; 32]).verifying_key(),
            &signature
        ));
        assert!(!r.verify(&key.verifying_key(), &signature[..63]));
    }

    #[test]
    fn the_public_page_masks_the_name_and_says_the_status() {
        use crate::domain::status::CertificateStatus;
        assert_eq!(masked_name("Nguyễn Thị Minh Khai"), "N. T. M. Khai");
        assert_eq!(masked_name("Γεώργιος Παπαδόπουλος"), "Γ. Παπαδόπουλος");
        assert_eq!(masked_name("Ísold"), "Ísold");
        assert_eq!(masked_name("  "), "");
        let today = date!(2030 - 07 - 18);
        let until = Some(date!(2030 - 07 - 17));
        assert_eq!(
            PublicStatus::of(CertificateStatus::Issued, None, today),
            PublicStatus::Valid
        );
        assert_eq!(
            PublicStatus::of(CertificateStatus::Issued, until, today),
            PublicStatus::Expired
        );
        assert_eq!(
            PublicStatus::of(CertificateStatus::Issued, until, date!(2030 - 07 - 17)),
            PublicStatus::Valid
        );
        assert_eq!(
            PublicStatus::of(CertificateStatus::Revoked, None, today),
            PublicStatus::Revoked
        );
        assert_eq!(
            PublicStatus::of(CertificateStatus::Superseded, until, today),
            PublicStatus::Superseded
        );
    }

    #[test]
    fn codes_serials_and_validity() {
        let code = verification_code([0; 10]);
        assert_eq!(code, "2222-2222-2222-2222");
        let code = verification_code([255, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        assert!(is_verification_code(&code), "{code}");
        assert!(!is_verification_code("2222-2222-2222-222O"));
        assert!(!is_verification_code("../../etc/passwd"));
        assert_eq!(
            format_serial(&format_series("UPC-SS", 2026, "HO"), 7),
            "UPC-SS-2026-HO-0007"
        );
        assert_eq!(
            afgsu_valid_until(date!(2026 - 07 - 17)),
            date!(2030 - 07 - 17)
        );
        assert_eq!(
            afgsu_valid_until(date!(2028 - 02 - 29)),
            date!(2032 - 02 - 29)
        );
        assert_eq!(
            afgsu_valid_until(date!(2024 - 02 - 29)),
            date!(2028 - 02 - 29)
        );
        assert_eq!(
            afgsu_valid_until(date!(2027 - 02 - 28)),
            date!(2031 - 02 - 28)
        );
        assert_eq!(from_hex("00ff10"), Some(vec![0, 255, 16]));
        assert_eq!(from_hex("0g"), None);
        assert_eq!(from_hex("abc"), None);
    }

    #[test]
    fn a_revocation_says_why_in_one_line_of_at_most_500_characters() {
        let draft = |reason: &str| RevokeDraft {
            reason: Some(reason.to_owned()),
        };
        assert!(draft("Issued to the wrong person").problems().is_empty());
        assert!(!RevokeDraft { reason: None }.problems().is_empty());
        assert!(!draft("two\nlines").problems().is_empty());
        assert!(!draft(&"x".repeat(501)).problems().is_empty());
        assert!(draft(&"x".repeat(500)).problems().is_empty());
    }
}
