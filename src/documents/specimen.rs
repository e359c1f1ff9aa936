//! Specimens: each kind of document printed for any name from the catalog's programs, issuer,
//! signatory and signature image, before anything is issued. A specimen says SPECIMEN across its
//! margins, carries no number, no verification code, no signed record and no signature, so it can
//! never pass for the real thing. Organizers print them from a program's specimens page or with
//! `certificates preview` to see what graduates, payers and consulates will get; the tests use them
//! to print the longest names the forms accept.

use time::{Date, Duration, OffsetDateTime};

use super::badges::{self, BadgeRecord, BadgeSheet};
use super::signatures::SignatureImages;
use super::{certificate, layout, receipt, visa};
use crate::domain::application::{
    NamePrinting, Problem, parse_certificate_name, parse_printed_name,
};
use crate::domain::catalog::{EditionSpec, LocalizedText, ProgramSpec};
use crate::domain::certificate::CertificateRecord;
use crate::domain::completion::Participation;
use crate::domain::countries::CountryCode;
use crate::domain::issuance::{self, Candidate, ProgramFacts};
use crate::domain::locale::Locale;
use crate::domain::money::Money;
use crate::domain::receipt::{Issuer, Payer, ReceiptKind, ReceiptRecord, statement_lines};
use crate::domain::status::CertificateKind;
use crate::domain::visa::{PassportData, VisaLetterRecord};
use crate::i18n::Tr;

/// The documents a specimen can be printed of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecimenKind {
    /// The attestation of success.
    Success,
    /// The AFGSU 2 attestation.
    Afgsu,
    Receipt,
    Badge,
    VisaLetter,
}

impl SpecimenKind {
    pub const ALL: [SpecimenKind; 5] = [
        SpecimenKind::Success,
        SpecimenKind::Afgsu,
        SpecimenKind::Receipt,
        SpecimenKind::Badge,
        SpecimenKind::VisaLetter,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SpecimenKind::Success => "success",
            SpecimenKind::Afgsu => "afgsu",
            SpecimenKind::Receipt => "receipt",
            SpecimenKind::Badge => "badge",
            SpecimenKind::VisaLetter => "visa",
        }
    }

    pub fn parse(text: &str) -> Option<SpecimenKind> {
        SpecimenKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// How the name given for this kind must print (the same rule as the form that asks for it).
    fn printing(self) -> (&'static str, NamePrinting) {
        match self {
            SpecimenKind::VisaLetter => ("passport_name", layout::PASSPORT_NAME),
            _ => ("certificate_name", layout::CERTIFICATE_NAME),
        }
    }
}

/// What a specimen is printed from: the program as its documents describe it, whether read from a
/// catalog file ([`Specimen::from_catalog`]) or from the store (the organizers' page).
#[derive(Debug, Clone)]
pub struct Specimen {
    pub facts: ProgramFacts,
    /// Who receipts are issued by.
    pub organization: Issuer,
    /// The program's standard fee, as a receipt shows it.
    pub fee: Option<SpecimenFee>,
    /// The program's contact address (visa letters name it).
    pub contact_email: String,
    pub kind: SpecimenKind,
    pub locale: Locale,
    /// The name to print, as a participant would type it.
    pub name: String,
    /// The service's public address (what the verification lines and QR codes would point at).
    pub public_url: String,
}

/// The fee a specimen receipt shows.
#[derive(Debug, Clone)]
pub struct SpecimenFee {
    pub label: LocalizedText,
    pub amount: Money,
    /// The program has several tiers, so the receipt names this one.
    pub several_tiers: bool,
}

impl Specimen {
    /// The specimen of `kind` for `program` of a catalog file's `edition`.
    pub fn from_catalog(
        edition: &EditionSpec,
        program: &ProgramSpec,
        kind: SpecimenKind,
        locale: Locale,
        name: &str,
        public_url: &str,
    ) -> Specimen {
        let fee = program.standard_fee();
        let organization = &edition.organization;
        Specimen {
            facts: ProgramFacts::from_spec(edition, program),
            organization: Issuer {
                name: organization.name.clone(),
                contact_email: organization.contact_email.as_str().to_owned(),
                website: organization.website.clone(),
                legal: organization
                    .legal
                    .as_ref()
                    .map(|l| crate::domain::receipt::SellerMentions::from_legal(l, locale)),
            },
            fee: Some(SpecimenFee {
                label: fee.label.clone(),
                amount: fee.amount,
                several_tiers: program.fee_tiers.len() > 1,
            }),
            contact_email: program.contact_email.as_str().to_owned(),
            kind,
            locale,
            name: name.to_owned(),
            public_url: public_url.to_owned(),
        }
    }
}

/// Why a specimen cannot be printed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpecimenError {
    /// The form would refuse the name: the problem, as the form would show it.
    #[error("the form would refuse this name: {}", .0.key)]
    Name(Problem),
    #[error("the catalog has no [certificates] table: it must say who issues and signs them")]
    NoIssuer,
    #[error("this program does not award the {}", .0.as_str())]
    NotAwarded(CertificateKind),
    #[error("the catalog's [certificates] table names no afgsu_issuer (the CESU)")]
    NoAfgsuIssuer,
    #[error("the program has no standard fee for a receipt to show")]
    NoFee,
}

/// The PDF of `s`, with the signature image of whoever signs it (the faculty's signatory, or the
/// CESU's for the AFGSU 2) when there is one.
pub fn render(s: &Specimen, images: &SignatureImages) -> Result<Vec<u8>, SpecimenError> {
    let (field, printing) = s.kind.printing();
    let name = match s.kind {
        SpecimenKind::VisaLetter => parse_printed_name(field, &s.name, &printing),
        _ => parse_certificate_name(&s.name, &printing),
    }
    .map_err(SpecimenError::Name)?;
    let name = name.as_str();
    let tr = Tr(s.locale);
    let stamp = tr.t("document-specimen-stamp");
    // What goes where a number, a serial or a code would be.
    let word = tr.t("document-specimen");
    let program = &s.facts;
    match s.kind {
        SpecimenKind::Success | SpecimenKind::Afgsu => {
            let kind = match s.kind {
                SpecimenKind::Afgsu => CertificateKind::Afgsu2,
                _ => CertificateKind::AttestationOfSuccess,
            };
            let r = certificate_record(s, program, kind, name)?;
            let picture = images.for_record(&r);
            Ok(certificate::render_specimen(&r, picture.as_deref(), &stamp))
        }
        SpecimenKind::Receipt => {
            let fee = s.fee.as_ref().ok_or(SpecimenError::NoFee)?;
            let country = CountryCode::parse("FR").expect("a known country");
            let r = ReceiptRecord {
                number: word.clone(),
                kind: ReceiptKind::Receipt,
                issued_at: midnight(program.starts_on - Duration::days(30)),
                locale: s.locale,
                issuer: s.organization.clone(),
                payer: Payer {
                    name: name.to_owned(),
                    email: "participant@example.org".to_owned(),
                    address: vec![
                        "15 rue de l'École de Médecine".to_owned(),
                        "75006 Paris".to_owned(),
                        country.country().name(s.locale).to_owned(),
                    ],
                },
                program_title: program.title.get(s.locale).to_owned(),
                starts_on: program.starts_on,
                ends_on: program.ends_on,
                tier_label: fee
                    .several_tiers
                    .then(|| fee.label.get(s.locale).to_owned()),
                lines: statement_lines(None, fee.amount.cents(), None, None),
                total_cents: fee.amount.cents(),
                currency: fee.amount.currency(),
                explanation: String::new(),
                provider: "stripe".to_owned(),
                provider_reference: None,
                order_reference: word.clone(),
                paid_at: midnight(program.starts_on - Duration::days(30)),
                corrects: None,
                reason: None,
                demo: false,
            };
            Ok(receipt::render_specimen(&r, &stamp))
        }
        SpecimenKind::Badge => {
            let sheet = BadgeSheet::for_program(program, s.locale);
            let badge = BadgeRecord {
                name: name.to_owned(),
                check_in_url: format!("{}/organizer/check-in", s.public_url.trim_end_matches('/')),
            };
            Ok(badges::render_stamped(
                &sheet,
                &[badge],
                midnight(program.starts_on),
                Some(&stamp),
            ))
        }
        SpecimenKind::VisaLetter => {
            let issuer = program.issuer.as_ref().ok_or(SpecimenError::NoIssuer)?;
            let nationality = CountryCode::parse("VN").expect("a known country");
            let place = issuance::school_place(&program.places, &issuer.place_of_issue);
            let r = VisaLetterRecord {
                locale: s.locale,
                number: word.clone(),
                issued_on: program.starts_on - Duration::days(60),
                institution: issuer.institution.clone(),
                faculty: issuer.faculty.get(s.locale).to_owned(),
                signatory_name: issuer.signatory_name.clone(),
                signatory_title: issuer.signatory_title.get(s.locale).to_owned(),
                place_of_issue: issuer.place_of_issue.clone(),
                contact_email: s.contact_email.clone(),
                nationality_name: nationality.country().name(s.locale).to_owned(),
                passport: PassportData {
                    name: name.to_owned(),
                    number: "SPECIMEN".to_owned(),
                    nationality,
                    birth_date: BIRTH_DATE,
                    expires_on: program.ends_on + Duration::days(3 * 365),
                },
                program_title: program.title.get(s.locale).to_owned(),
                starts_on: program.starts_on,
                ends_on: program.ends_on,
                place,
                hours: program.hours,
                enrolled: true,
                verification_url: verify_url(s),
                demo: false,
            };
            let picture = issuer
                .signature_image
                .as_deref()
                .and_then(|file| images.get(file));
            Ok(visa::render_specimen(&r, picture.as_deref(), &stamp))
        }
    }
}

/// The date of birth specimens print.
const BIRTH_DATE: Date = time::macros::date!(1998 - 04 - 12);

fn midnight(day: Date) -> OffsetDateTime {
    day.midnight().assume_utc()
}

fn verify_url(s: &Specimen) -> String {
    format!("{}/verify", s.public_url.trim_end_matches('/'))
}

/// The record a graduate of `facts` would get, issued on the school's last day, with the stamp
/// where the serial and the verification code go.
fn certificate_record(
    s: &Specimen,
    facts: &ProgramFacts,
    kind: CertificateKind,
    name: &str,
) -> Result<CertificateRecord, SpecimenError> {
    if !facts.certifications.contains(&kind) {
        return Err(SpecimenError::NotAwarded(kind));
    }
    let issuer = facts.issuer.as_ref().ok_or(SpecimenError::NoIssuer)?;
    if kind == CertificateKind::Afgsu2 && issuer.afgsu_issuer.is_none() {
        return Err(SpecimenError::NoAfgsuIssuer);
    }
    let candidate = Candidate {
        application_id: String::new(),
        name: name.to_owned(),
        birth_date: Some(BIRTH_DATE),
        locale: s.locale,
        participation: Participation {
            days_present: 0,
            passed: Some(true),
            afgsu_validated: Some(true),
        },
        grade: None,
        issued: Vec::new(),
    };
    let mut r =
        issuance::record(facts, &candidate, kind, facts.ends_on).ok_or(SpecimenError::NoIssuer)?;
    let word = Tr(s.locale).t("document-specimen");
    r.serial = word.clone();
    r.verification_code = word;
    r.verification_url = verify_url(s);
    Ok(r)
}
