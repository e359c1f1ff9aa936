//! The catalog: one TOML file per edition, written by organizers, parsed here into checked values.
//!
//! A bad file is refused as a whole with the field and the reason; nothing is half-loaded because the
//! store only ever receives a fully parsed [`EditionSpec`].

use std::fmt;

use serde::Deserialize;
use time::{Date, OffsetDateTime};

use super::email::EmailAddress;
use super::locale::Locale;
use super::money::Money;
use super::status::{CertificateKind, ReviewMode};

mod parse;

pub use parse::parse_catalog;

/// The catalog that ships with the product (the 2026 edition from the brochure).
pub const SHIPPED_CATALOG: &str = include_str!("../../../catalog/2026.toml");

/// Why a catalog file was refused: where, and what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    #[error("{0}")]
    Syntax(String),
    #[error("{field}: {reason}")]
    Invalid { field: String, reason: String },
}

fn invalid(field: impl Into<String>, reason: impl Into<String>) -> CatalogError {
    CatalogError::Invalid {
        field: field.into(),
        reason: reason.into(),
    }
}

/// A short lowercase identifier used in URLs (`ai-digital-innovation`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Slug(String);

impl Slug {
    pub fn parse(field: &str, raw: &str) -> Result<Slug, CatalogError> {
        let ok = !raw.is_empty()
            && raw.len() <= 64
            && raw
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !raw.starts_with('-')
            && !raw.ends_with('-');
        if ok {
            Ok(Slug(raw.to_owned()))
        } else {
            Err(invalid(
                field,
                format!("`{raw}` must be 1–64 characters of a–z, 0–9 and inner hyphens"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A text in every interface language.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct LocalizedText {
    pub en: String,
    pub fr: String,
}

impl LocalizedText {
    pub fn get(&self, locale: Locale) -> &str {
        match locale {
            Locale::En => &self.en,
            Locale::Fr => &self.fr,
        }
    }

    fn check(&self, field: &str, max: usize) -> Result<(), CatalogError> {
        for (lang, text) in [("en", &self.en), ("fr", &self.fr)] {
            let len = text.trim().chars().count();
            if len == 0 {
                return Err(invalid(format!("{field}.{lang}"), "must not be empty"));
            }
            if len > max {
                return Err(invalid(
                    format!("{field}.{lang}"),
                    format!("must be at most {max} characters"),
                ));
            }
        }
        Ok(())
    }
}

/// Who an applicant is, which decides some fee tiers (and, later, eligibility).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantCategory {
    MedicalStudent,
    Resident,
    Physician,
    NurseOrHealthProfessional,
    EngineerOrDataScientist,
    Other,
}

impl ApplicantCategory {
    pub const ALL: [ApplicantCategory; 6] = [
        ApplicantCategory::MedicalStudent,
        ApplicantCategory::Resident,
        ApplicantCategory::Physician,
        ApplicantCategory::NurseOrHealthProfessional,
        ApplicantCategory::EngineerOrDataScientist,
        ApplicantCategory::Other,
    ];

    /// The category a stored text names, if any.
    pub fn from_text(text: &str) -> Option<ApplicantCategory> {
        ApplicantCategory::ALL
            .into_iter()
            .find(|c| c.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ApplicantCategory::MedicalStudent => "medical_student",
            ApplicantCategory::Resident => "resident",
            ApplicantCategory::Physician => "physician",
            ApplicantCategory::NurseOrHealthProfessional => "nurse_or_health_professional",
            ApplicantCategory::EngineerOrDataScientist => "engineer_or_data_scientist",
            ApplicantCategory::Other => "other",
        }
    }
}

/// The faculty that runs the schools.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationSpec {
    pub slug: Slug,
    pub name: String,
    pub contact_email: EmailAddress,
    pub website: Option<String>,
    /// The legal entity that sells (a faculty is not one: its university is), as receipts, credit
    /// notes and invoices must name it.
    pub legal: Option<LegalEntity>,
}

/// The seller's legal mentions, as a French public body's invoice must carry them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegalEntity {
    pub name: String,
    /// Postal address lines.
    pub address: Vec<String>,
    pub siret: Siret,
    /// Its VAT status, such as "TVA non applicable, art. 261-4-4° du CGI".
    pub vat: LocalizedText,
    pub payment_terms: LocalizedText,
}

/// A SIRET number: 14 digits whose Luhn sum holds (a SIREN of 9, an establishment of 5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Siret(String);

impl Siret {
    pub fn parse(text: &str) -> Option<Siret> {
        let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() != 14 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let sum: u32 = digits
            .bytes()
            .rev()
            .enumerate()
            .map(|(i, b)| {
                let d = u32::from(b - b'0');
                match (i % 2, d * 2) {
                    (1, twice) if twice > 9 => twice - 9,
                    (1, twice) => twice,
                    _ => d,
                }
            })
            .sum();
        sum.is_multiple_of(10).then_some(Siret(digits))
    }

    /// `130 025 265 00013`: the SIREN in threes, then the establishment.
    pub fn grouped(&self) -> String {
        let d = &self.0;
        format!("{} {} {} {}", &d[..3], &d[3..6], &d[6..9], &d[9..])
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One edition (a year's schools) with its programs, ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditionSpec {
    pub organization: OrganizationSpec,
    pub slug: Slug,
    pub year: i32,
    pub title: LocalizedText,
    /// A demo edition is labelled as such on every page and never mixed with real applicants.
    pub is_demo: bool,
    pub programs: Vec<ProgramSpec>,
    /// Who issues and signs the edition's certificates; `None` until the catalog says (issuance is
    /// refused until then).
    pub certificates: Option<IssuerSpec>,
}

/// Who issues and signs an edition's certificates, as printed on them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
pub struct IssuerSpec {
    /// `UPC-SS`: the first part of every serial number.
    pub serial_prefix: String,
    pub institution: String,
    pub faculty: LocalizedText,
    pub signatory_name: String,
    pub signatory_title: LocalizedText,
    pub place_of_issue: String,
    /// The CESU that delivers the AFGSU 2 attestations (required when a program gives them).
    pub afgsu_issuer: Option<String>,
    /// A PNG of the signatory's signature under `certificates/signatures/`, printed above the name.
    pub signature_image: Option<String>,
    /// Who signs the AFGSU 2 attestations for the CESU (required with `afgsu_issuer`; absent from
    /// editions stored before it existed).
    #[serde(default)]
    pub afgsu_signatory: Option<Signatory>,
}

/// Whether `name` names a signature image the way the catalog must: a `.png` file of
/// `certificates/signatures/` (or a folder under it), nothing that climbs out or starts at the root.
pub fn is_plain_image_name(name: &str) -> bool {
    name.ends_with(".png")
        && !name.contains("..")
        && !name.starts_with('/')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b))
}

/// A person who signs documents, as printed under their signature.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Signatory {
    pub name: String,
    pub title: LocalizedText,
    /// A PNG of their signature under `certificates/signatures/`.
    #[serde(default)]
    pub signature_image: Option<String>,
}

/// A list in every interface language (same length in each).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct LocalizedList {
    pub en: Vec<String>,
    pub fr: Vec<String>,
}

impl LocalizedList {
    pub fn get(&self, locale: Locale) -> &[String] {
        match locale {
            Locale::En => &self.en,
            Locale::Fr => &self.fr,
        }
    }
}

/// Hours of an AFGSU 2 training (arrêté du 30 décembre 2014).
pub const AFGSU_HOURS: u16 = 21;

/// Who completes a program and earns its certificates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompletionSpec {
    /// Days present, at least; `None`: every school day.
    pub min_days_present: Option<u16>,
    /// A passed assessment is required.
    pub assessment: bool,
}

impl CompletionSpec {
    /// The rule for a school held from `starts_on` to `ends_on`.
    pub fn rule(&self, starts_on: Date, ends_on: Date) -> super::completion::CompletionRule {
        let every_day = super::completion::CompletionRule::every_day(starts_on, ends_on);
        super::completion::CompletionRule {
            min_days_present: self.min_days_present.unwrap_or(every_day.min_days_present),
            assessment_required: self.assessment,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramSpec {
    pub slug: Slug,
    pub title: LocalizedText,
    pub summary: LocalizedText,
    pub audience: LocalizedText,
    /// The language the school is taught in (`en`).
    pub teaching_language: Locale,
    pub starts_on: Date,
    pub ends_on: Date,
    pub places: Vec<String>,
    pub ects: u16,
    pub hours: u16,
    pub certifications: Vec<CertificateKind>,
    pub capacity: u32,
    pub application_opens_at: OffsetDateTime,
    pub application_closes_at: OffsetDateTime,
    pub review_mode: ReviewMode,
    pub payment_deadline_days: u16,
    pub contact_email: EmailAddress,
    pub fee_tiers: Vec<FeeTierSpec>,
    /// The program's own questions, asked with the motivation.
    pub questions: Vec<QuestionSpec>,
    /// What reviewers score, each criterion from 1 to 5.
    pub rubric: Vec<CriterionSpec>,
    /// Reviewers do not see the applicant's name, nationality or institution.
    pub blind_review: bool,
    /// `HO`: the program's part of its certificates' serial numbers.
    pub code: String,
    /// What a graduate is able to do, printed on the attestation of success.
    pub learning_outcomes: LocalizedList,
    pub completion: CompletionSpec,
    /// Hours of the AFGSU 2 training within the school (the regulation sets 21).
    pub afgsu_hours: u16,
    /// The student workload the ECTS credits stand for, in hours (25 to 30 per credit), when the
    /// catalog gives it; `hours` are the contact hours within it.
    pub workload_hours: Option<u16>,
    /// What cancelling gives back (the refund schedule and the visa clause), when the catalog says.
    pub cancellation: Option<crate::domain::cancellation::CancellationPolicy>,
}

/// One criterion of a program's scoring rubric.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriterionSpec {
    /// Stable identifier, stored with each score (`motivation`).
    pub key: Slug,
    pub label: LocalizedText,
}

/// A question a program asks its applicants (a yes/no answer today).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionSpec {
    /// Stable identifier, stored with each answer (`health_professional`).
    pub key: Slug,
    pub label: LocalizedText,
    pub hint: Option<LocalizedText>,
    pub required: bool,
}

impl ProgramSpec {
    /// The tier everyone pays unless another applies.
    pub fn standard_fee(&self) -> &FeeTierSpec {
        self.fee_tiers
            .iter()
            .find(|t| t.standard)
            .expect("a parsed program has exactly one standard tier")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeTierSpec {
    pub code: Slug,
    pub label: LocalizedText,
    pub amount: Money,
    pub standard: bool,
    pub category: Option<ApplicantCategory>,
    pub partner_only: bool,
    /// Early-bird style tiers end at this instant.
    pub available_until: Option<OffsetDateTime>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_catalog_holds_the_brochure_facts() {
        let e = parse_catalog(SHIPPED_CATALOG).unwrap();
        assert_eq!(e.year, 2026);
        assert_eq!(e.programs.len(), 2);
        let ai = &e.programs[0];
        assert_eq!(
            ai.title.en,
            "Artificial Intelligence and Digital Innovation in Medicine"
        );
        assert_eq!(ai.standard_fee().amount.cents(), 250_000);
        assert_eq!(ai.starts_on, time::macros::date!(2026 - 07 - 06));
        assert_eq!(ai.ends_on, time::macros::date!(2026 - 07 - 17));
        assert_eq!(ai.ects, 5);
        let hands_on = &e.programs[1];
        assert_eq!(hands_on.standard_fee().amount.cents(), 310_000);
        assert!(hands_on.certifications.contains(&CertificateKind::Afgsu2));
        assert!(!ai.certifications.contains(&CertificateKind::Afgsu2));
        assert!(ai.questions.is_empty());
        assert_eq!(hands_on.questions.len(), 1);
        assert_eq!(hands_on.questions[0].key.as_str(), "health_professional");
    }

    fn with(find: &str, replace: &str) -> Result<EditionSpec, CatalogError> {
        assert!(
            SHIPPED_CATALOG.contains(find),
            "fixture text `{find}` not in catalog"
        );
        parse_catalog(&SHIPPED_CATALOG.replacen(find, replace, 1))
    }

    #[test]
    fn a_bad_catalog_names_the_field_and_the_reason() {
        let err = with("amount = \"2500.00\"", "amount = \"2500.001\"").unwrap_err();
        assert_eq!(
            err.to_string(),
            "programs[0].fee_tiers[0].amount: `2500.001` has more than two decimals"
        );
        let err = with("ends_on = 2026-07-17", "ends_on = 2026-07-01").unwrap_err();
        assert_eq!(
            err.to_string(),
            "programs[0].ends_on: must not be before starts_on"
        );
        let err = with("capacity = 40", "capacity = 0").unwrap_err();
        assert_eq!(
            err.to_string(),
            "programs[0].capacity: 0 is out of range (1–10000)"
        );
        let err = with("standard = true", "standard = false").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("programs[0].fee_tiers: exactly one tier"),
            "{err}"
        );
        let err = with("slug = \"ai-digital-innovation\"", "slug = \"AI Digital\"").unwrap_err();
        assert!(err.to_string().starts_with("programs[0].slug:"), "{err}");
        let err = with("review = \"review\"", "review = \"maybe\"").unwrap_err();
        assert!(
            matches!(err, CatalogError::Syntax(ref m) if m.contains("maybe")),
            "{err}"
        );
        let err = with("[edition]", "[edition]\ncolour = \"blue\"").unwrap_err();
        assert!(
            matches!(err, CatalogError::Syntax(ref m) if m.contains("colour")),
            "{err}"
        );
    }

    #[test]
    fn the_certificate_settings_are_checked_and_have_defaults() {
        let e = parse_catalog(SHIPPED_CATALOG).unwrap();
        let issuer = e.certificates.as_ref().unwrap();
        assert_eq!(issuer.serial_prefix, "UPC-SS");
        assert!(issuer.afgsu_issuer.as_deref().unwrap().starts_with("CESU"));
        let (ai, ho) = (&e.programs[0], &e.programs[1]);
        assert_eq!((ai.code.as_str(), ho.code.as_str()), ("AI", "HO"));
        assert_eq!(ai.learning_outcomes.en.len(), 3);
        assert_eq!(
            ai.completion
                .rule(ai.starts_on, ai.ends_on)
                .min_days_present,
            9
        );
        assert_eq!(
            ho.completion
                .rule(ho.starts_on, ho.ends_on)
                .min_days_present,
            10
        );
        assert_eq!(ho.afgsu_hours, AFGSU_HOURS);

        // Without a code or a rule: the slug's initials, every school day and a passed assessment.
        let bare = with("code = \"AI\"\n", "")
            .map(|e| e.programs[0].clone())
            .unwrap();
        assert_eq!(bare.code, "ADI");
        let bare = with(
            "completion = { min_days_present = 9, assessment = true }\n",
            "",
        )
        .map(|e| e.programs[0].clone())
        .unwrap();
        assert_eq!(bare.completion.min_days_present, None);
        assert_eq!(
            bare.completion
                .rule(bare.starts_on, bare.ends_on)
                .min_days_present,
            10
        );

        let err = with("code = \"AI\"", "code = \"HO\"").unwrap_err();
        assert_eq!(
            err.to_string(),
            "programs[1].code: `HO` is used twice: serial numbers would collide"
        );
        let err = with("code = \"AI\"", "code = \"ai\"").unwrap_err();
        assert!(err.to_string().starts_with("programs[0].code:"), "{err}");
        let err = with("min_days_present = 9", "min_days_present = 11").unwrap_err();
        assert_eq!(
            err.to_string(),
            "programs[0].completion.min_days_present: 11 is out of range (0–10)"
        );
        let err = with(
            "  \"Work with clinicians, engineers and data scientists on a digital innovation project\",\n",
            "",
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("programs[0].learning_outcomes:"),
            "{err}"
        );
        let err = with("afgsu_issuer = ", "# afgsu_issuer = ").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("certificates.afgsu_issuer: programs[1] gives the AFGSU 2"),
            "{err}"
        );
        // The credit workload is what ECTS says 5 credits stand for: 25 to 30 hours each.
        let err = with("workload_hours = 125", "workload_hours = 100").unwrap_err();
        assert_eq!(
            err.to_string(),
            "programs[0].workload_hours: 100 is out of range (125–150)"
        );
        // The CESU's signatory is named apart from the faculty's, and required with the CESU.
        let block = "[certificates.afgsu_signatory]\nname = \"Dr Julien Garnier\"\ntitle = { en = \"Medical Director of the CESU 75\", fr = \"Médecin directeur du CESU 75\" }\nsignature_image = \"cesu-signatory.png\"\n";
        let err = with(block, "").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("certificates.afgsu_signatory: name who signs"),
            "{err}"
        );
        let err = with("serial_prefix = \"UPC-SS\"", "serial_prefix = \"upc ss\"").unwrap_err();
        assert!(
            err.to_string().starts_with("certificates.serial_prefix:"),
            "{err}"
        );
        let err = with(
            "signature_image = \"signatory.png\"",
            "signature_image = \"../keys/signing.key\"",
        )
        .unwrap_err();
        assert!(
            err.to_string().starts_with("certificates.signature_image:"),
            "{err}"
        );
    }
}

/// Where a program's application window stands at a given instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationWindow {
    NotYetOpen,
    Open,
    Closed,
}

impl ApplicationWindow {
    pub fn at(opens: OffsetDateTime, closes: OffsetDateTime, now: OffsetDateTime) -> Self {
        if now < opens {
            ApplicationWindow::NotYetOpen
        } else if now < closes {
            ApplicationWindow::Open
        } else {
            ApplicationWindow::Closed
        }
    }
}

#[cfg(test)]
mod legal_tests {
    use super::*;

    #[test]
    fn a_siret_is_fourteen_digits_whose_luhn_sum_holds() {
        let s = Siret::parse("130 025 265 00013").unwrap();
        assert_eq!(s.as_str(), "13002526500013");
        assert_eq!(s.grouped(), "130 025 265 00013");
        assert!(Siret::parse("130 025 265 00014").is_none());
        assert!(Siret::parse("1300252650001").is_none());
        assert!(Siret::parse("13002526500O13").is_none());
    }

    #[test]
    fn the_shipped_catalog_names_the_legal_entity_and_a_wrong_siret_is_refused() {
        let text = include_str!("../../../catalog/2026.toml");
        let spec = parse_catalog(text).unwrap();
        let legal = spec
            .organization
            .legal
            .expect("the seller's legal mentions");
        assert_eq!(legal.name, "Université Paris Cité");
        assert!(legal.vat.fr.contains("261-4-4°"));
        let wrong = text.replace("130 025 265 00013", "130 025 265 00014");
        let error = parse_catalog(&wrong).unwrap_err().to_string();
        assert!(error.contains("organization.legal.siret"), "{error}");
    }

    #[test]
    fn each_shipped_program_has_its_cancellation_policy_and_a_schedule_out_of_order_is_refused() {
        let text = include_str!("../../../catalog/2026.toml");
        for p in parse_catalog(text).unwrap().programs {
            let policy = p.cancellation.expect("a cancellation policy");
            assert_eq!(policy.steps.len(), 2);
            assert_eq!(policy.visa_refusal_fee_cents, Some(15_000));
        }
        let wrong = text.replacen(
            "refunds = [{ until_days_before = 60, percent = 100 }, { until_days_before = 30, percent = 50 }]",
            "refunds = [{ until_days_before = 30, percent = 50 }, { until_days_before = 60, percent = 100 }]",
            1,
        );
        let error = parse_catalog(&wrong).unwrap_err().to_string();
        assert!(
            error.contains("programs[0].cancellation.refunds"),
            "{error}"
        );
    }
}
