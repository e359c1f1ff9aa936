//! The catalog's file format (TOML, with unknown keys refused) and its reading into the checked
//! specs of `catalog`: every field's limits, dates and references checked, the first problem named
//! with where it is.

use std::collections::HashSet;
use std::fmt;

use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

use super::{
    AFGSU_HOURS, ApplicantCategory, CatalogError, CompletionSpec, CriterionSpec, EditionSpec,
    FeeTierSpec, IssuerSpec, LocalizedList, LocalizedText, OrganizationSpec, ProgramSpec,
    QuestionSpec, Signatory, Slug, invalid,
};
use crate::domain::email::EmailAddress;
use crate::domain::locale::Locale;
use crate::domain::money::{Currency, Money};
use crate::domain::status::{CertificateKind, ReviewMode};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalog {
    organization: RawOrganization,
    edition: RawEdition,
    certificates: Option<RawIssuer>,
    #[serde(default)]
    programs: Vec<RawProgram>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIssuer {
    serial_prefix: String,
    institution: String,
    faculty: LocalizedText,
    signatory_name: String,
    signatory_title: LocalizedText,
    place_of_issue: String,
    afgsu_issuer: Option<String>,
    signature_image: Option<String>,
    afgsu_signatory: Option<Signatory>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCompletion {
    min_days_present: Option<u16>,
    #[serde(default = "yes")]
    assessment: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOrganization {
    slug: String,
    name: String,
    contact_email: String,
    website: Option<String>,
    legal: Option<RawLegal>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLegal {
    name: String,
    address: Vec<String>,
    siret: String,
    vat: LocalizedText,
    payment_terms: LocalizedText,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEdition {
    slug: String,
    year: i32,
    title: LocalizedText,
    #[serde(default)]
    demo: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProgram {
    slug: String,
    title: LocalizedText,
    summary: LocalizedText,
    audience: LocalizedText,
    teaching_language: String,
    starts_on: toml::value::Datetime,
    ends_on: toml::value::Datetime,
    places: Vec<String>,
    ects: u16,
    hours: u16,
    certifications: Vec<CertificateKind>,
    capacity: u32,
    applications_open: toml::value::Datetime,
    applications_close: toml::value::Datetime,
    review: ReviewMode,
    payment_deadline_days: u16,
    contact_email: String,
    fee_tiers: Vec<RawFeeTier>,
    #[serde(default)]
    questions: Vec<RawQuestion>,
    #[serde(default)]
    rubric: Vec<RawCriterion>,
    #[serde(default)]
    blind_review: bool,
    code: Option<String>,
    #[serde(default)]
    learning_outcomes: LocalizedList,
    completion: Option<RawCompletion>,
    afgsu_hours: Option<u16>,
    workload_hours: Option<u16>,
    cancellation: Option<RawCancellation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCancellation {
    refunds: Vec<crate::domain::cancellation::RefundStep>,
    visa_refusal_fee: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCriterion {
    key: String,
    label: LocalizedText,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    key: String,
    kind: String,
    label: LocalizedText,
    hint: Option<LocalizedText>,
    #[serde(default = "yes")]
    required: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFeeTier {
    code: String,
    label: LocalizedText,
    amount: String,
    currency: String,
    #[serde(default)]
    standard: bool,
    category: Option<ApplicantCategory>,
    #[serde(default)]
    partner_only: bool,
    available_until: Option<toml::value::Datetime>,
}

fn parse_date(field: &str, value: &toml::value::Datetime) -> Result<Date, CatalogError> {
    if value.date.is_none() || value.time.is_some() {
        return Err(invalid(
            field,
            format!("`{value}` must be a date like 2026-07-06"),
        ));
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(&value.to_string(), format).map_err(|e| invalid(field, format!("`{value}`: {e}")))
}

fn parse_instant(
    field: &str,
    value: &toml::value::Datetime,
) -> Result<OffsetDateTime, CatalogError> {
    if value.date.is_none() || value.time.is_none() || value.offset.is_none() {
        return Err(invalid(
            field,
            format!(
                "`{value}` must be a date and time with its UTC offset, like 2026-01-05T09:00:00+01:00"
            ),
        ));
    }
    OffsetDateTime::parse(&value.to_string(), &Rfc3339)
        .map(|t| t.to_offset(time::UtcOffset::UTC))
        .map_err(|e| invalid(field, format!("`{value}`: {e}")))
}

fn parse_email(field: &str, raw: &str) -> Result<EmailAddress, CatalogError> {
    EmailAddress::parse(raw).map_err(|e| invalid(field, e.to_string()))
}

fn check_len(field: &str, text: &str, max: usize) -> Result<(), CatalogError> {
    let len = text.trim().chars().count();
    if len == 0 {
        return Err(invalid(field, "must not be empty"));
    }
    if len > max {
        return Err(invalid(field, format!("must be at most {max} characters")));
    }
    Ok(())
}

fn check_range<T: PartialOrd + fmt::Display>(
    field: &str,
    v: T,
    min: T,
    max: T,
) -> Result<(), CatalogError> {
    if v < min || v > max {
        return Err(invalid(field, format!("{v} is out of range ({min}–{max})")));
    }
    Ok(())
}

fn parse_legal(l: RawLegal) -> Result<super::LegalEntity, CatalogError> {
    check_len("organization.legal.name", &l.name, 200)?;
    if l.name.trim().is_empty() {
        return Err(invalid("organization.legal.name", "must not be empty"));
    }
    if l.address.is_empty() || l.address.len() > 5 {
        return Err(invalid(
            "organization.legal.address",
            "needs 1 to 5 address lines",
        ));
    }
    for line in &l.address {
        check_len("organization.legal.address", line, 100)?;
    }
    l.vat.check("organization.legal.vat", 200)?;
    l.payment_terms
        .check("organization.legal.payment_terms", 400)?;
    Ok(super::LegalEntity {
        name: l.name.trim().to_owned(),
        address: l.address.iter().map(|a| a.trim().to_owned()).collect(),
        siret: super::Siret::parse(&l.siret).ok_or_else(|| {
            invalid(
                "organization.legal.siret",
                "is not a SIRET (14 digits whose Luhn sum holds)",
            )
        })?,
        vat: l.vat,
        payment_terms: l.payment_terms,
    })
}

/// Parses and checks a catalog file's text.
pub fn parse_catalog(text: &str) -> Result<EditionSpec, CatalogError> {
    let raw: RawCatalog = toml::from_str(text).map_err(|e| {
        let one_line = e
            .to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        CatalogError::Syntax(one_line)
    })?;

    let o = raw.organization;
    check_len("organization.name", &o.name, 200)?;
    let organization = OrganizationSpec {
        slug: Slug::parse("organization.slug", &o.slug)?,
        name: o.name.trim().to_owned(),
        contact_email: parse_email("organization.contact_email", &o.contact_email)?,
        website: o.website.map(|w| w.trim().to_owned()),
        legal: o.legal.map(parse_legal).transpose()?,
    };
    if let Some(w) = &organization.website
        && !w.starts_with("https://")
    {
        return Err(invalid("organization.website", "must start with https://"));
    }

    let e = raw.edition;
    check_range("edition.year", e.year, 2000, 2100)?;
    e.title.check("edition.title", 120)?;
    if raw.programs.is_empty() {
        return Err(invalid("programs", "an edition needs at least one program"));
    }

    let certificates = raw.certificates.map(parse_issuer).transpose()?;

    let mut programs = Vec::with_capacity(raw.programs.len());
    let mut slugs = HashSet::new();
    let mut codes = HashSet::new();
    for (i, p) in raw.programs.into_iter().enumerate() {
        let program = parse_program(&format!("programs[{i}]"), p)?;
        if !slugs.insert(program.slug.clone()) {
            return Err(invalid(
                format!("programs[{i}].slug"),
                format!("`{}` is used twice", program.slug),
            ));
        }
        if !codes.insert(program.code.clone()) {
            return Err(invalid(
                format!("programs[{i}].code"),
                format!(
                    "`{}` is used twice: serial numbers would collide",
                    program.code
                ),
            ));
        }
        if program.certifications.contains(&CertificateKind::Afgsu2)
            && certificates
                .as_ref()
                .is_some_and(|c| c.afgsu_issuer.is_none())
        {
            return Err(invalid(
                "certificates.afgsu_issuer",
                format!("programs[{i}] gives the AFGSU 2: name the CESU that delivers it"),
            ));
        }
        programs.push(program);
    }

    Ok(EditionSpec {
        organization,
        slug: Slug::parse("edition.slug", &e.slug)?,
        year: e.year,
        title: e.title,
        is_demo: e.demo,
        programs,
        certificates,
    })
}

fn parse_program(at: &str, p: RawProgram) -> Result<ProgramSpec, CatalogError> {
    let f = |name: &str| format!("{at}.{name}");
    let f_cancel = |name: &str| format!("{at}.cancellation.{name}");
    let slug = Slug::parse(&f("slug"), &p.slug)?;
    p.title.check(&f("title"), 200)?;
    p.summary.check(&f("summary"), 2000)?;
    p.audience.check(&f("audience"), 1000)?;
    let teaching_language = Locale::from_tag(&p.teaching_language).ok_or_else(|| {
        invalid(
            f("teaching_language"),
            format!("`{}` is not en or fr", p.teaching_language),
        )
    })?;
    let starts_on = parse_date(&f("starts_on"), &p.starts_on)?;
    let ends_on = parse_date(&f("ends_on"), &p.ends_on)?;
    if ends_on < starts_on {
        return Err(invalid(f("ends_on"), "must not be before starts_on"));
    }
    if p.places.is_empty() {
        return Err(invalid(f("places"), "name at least one place"));
    }
    for (j, place) in p.places.iter().enumerate() {
        check_len(&format!("{at}.places[{j}]"), place, 200)?;
    }
    check_range(&f("ects"), p.ects, 0, 60)?;
    check_range(&f("hours"), p.hours, 1, 2000)?;
    check_range(&f("capacity"), p.capacity, 1, 10_000)?;
    check_range(&f("payment_deadline_days"), p.payment_deadline_days, 1, 120)?;
    if p.certifications.is_empty() {
        return Err(invalid(
            f("certifications"),
            "name at least one certificate",
        ));
    }
    let unique: HashSet<_> = p.certifications.iter().collect();
    if unique.len() != p.certifications.len() {
        return Err(invalid(
            f("certifications"),
            "a certificate is listed twice",
        ));
    }
    let opens = parse_instant(&f("applications_open"), &p.applications_open)?;
    let closes = parse_instant(&f("applications_close"), &p.applications_close)?;
    if closes <= opens {
        return Err(invalid(
            f("applications_close"),
            "must be after applications_open",
        ));
    }
    if closes.date() > starts_on {
        return Err(invalid(
            f("applications_close"),
            "must not be after the school starts",
        ));
    }

    if p.fee_tiers.is_empty() {
        return Err(invalid(
            f("fee_tiers"),
            "a program needs at least its standard fee",
        ));
    }
    let mut tiers = Vec::with_capacity(p.fee_tiers.len());
    let mut codes = HashSet::new();
    for (j, t) in p.fee_tiers.into_iter().enumerate() {
        let tf = |name: &str| format!("{at}.fee_tiers[{j}].{name}");
        let code = Slug::parse(&tf("code"), &t.code)?;
        if !codes.insert(code.clone()) {
            return Err(invalid(tf("code"), format!("`{code}` is used twice")));
        }
        t.label.check(&tf("label"), 120)?;
        let currency =
            Currency::parse(&t.currency).map_err(|e| invalid(tf("currency"), e.to_string()))?;
        let amount = Money::parse_decimal(&t.amount, currency)
            .map_err(|e| invalid(tf("amount"), e.to_string()))?;
        let available_until = t
            .available_until
            .as_ref()
            .map(|d| parse_instant(&tf("available_until"), d))
            .transpose()?;
        if t.standard && (t.category.is_some() || t.partner_only || available_until.is_some()) {
            return Err(invalid(
                tf("standard"),
                "the standard tier applies to everyone: no category, partner_only or available_until",
            ));
        }
        tiers.push(FeeTierSpec {
            code,
            label: t.label,
            amount,
            standard: t.standard,
            category: t.category,
            partner_only: t.partner_only,
            available_until,
        });
    }
    let mut questions = Vec::with_capacity(p.questions.len());
    for (j, q) in p.questions.into_iter().enumerate() {
        let qf = |name: &str| format!("{at}.questions[{j}].{name}");
        let key_ok = !q.key.is_empty()
            && q.key.len() <= 64
            && q.key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !key_ok {
            return Err(invalid(
                qf("key"),
                format!("`{}` must be 1–64 characters of a–z, 0–9 and _", q.key),
            ));
        }
        let key = Slug(q.key.clone());
        if questions.iter().any(|x: &QuestionSpec| x.key == key) {
            return Err(invalid(qf("key"), format!("`{key}` is used twice")));
        }
        if q.kind != "yes_no" {
            return Err(invalid(
                qf("kind"),
                format!("`{}` is not a known kind (yes_no)", q.kind),
            ));
        }
        q.label.check(&qf("label"), 300)?;
        if let Some(h) = &q.hint {
            h.check(&qf("hint"), 1000)?;
        }
        questions.push(QuestionSpec {
            key,
            label: q.label,
            hint: q.hint,
            required: q.required,
        });
    }
    let mut rubric: Vec<CriterionSpec> = Vec::with_capacity(p.rubric.len());
    for (j, c) in p.rubric.into_iter().enumerate() {
        let cf = |name: &str| format!("{at}.rubric[{j}].{name}");
        let key_ok = !c.key.is_empty()
            && c.key.len() <= 64
            && c.key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !key_ok {
            return Err(invalid(
                cf("key"),
                format!("`{}` must be 1–64 characters of a–z, 0–9 and _", c.key),
            ));
        }
        let key = Slug(c.key.clone());
        if rubric.iter().any(|x| x.key == key) {
            return Err(invalid(cf("key"), format!("`{key}` is used twice")));
        }
        c.label.check(&cf("label"), 200)?;
        rubric.push(CriterionSpec {
            key,
            label: c.label,
        });
    }
    let standard = tiers.iter().filter(|t| t.standard).count();
    if standard != 1 {
        return Err(invalid(
            f("fee_tiers"),
            format!("exactly one tier must have `standard = true` (found {standard})"),
        ));
    }
    let code = match p.code {
        Some(code) => {
            let ok = (1..=8).contains(&code.len())
                && code
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
            if !ok {
                return Err(invalid(
                    f("code"),
                    format!("`{code}` must be 1–8 characters of A–Z and 0–9"),
                ));
            }
            code
        }
        None => code_from_slug(&slug),
    };
    let outcomes = &p.learning_outcomes;
    if outcomes.en.len() != outcomes.fr.len() {
        return Err(invalid(
            f("learning_outcomes"),
            "give each outcome in English and in French (the lists differ in length)",
        ));
    }
    if outcomes.en.len() > 8 {
        return Err(invalid(
            f("learning_outcomes"),
            "at most 8 outcomes fit on the attestation",
        ));
    }
    for (j, (en, fr)) in outcomes.en.iter().zip(&outcomes.fr).enumerate() {
        check_len(&format!("{at}.learning_outcomes.en[{j}]"), en, 200)?;
        check_len(&format!("{at}.learning_outcomes.fr[{j}]"), fr, 200)?;
    }
    let afgsu_hours = p.afgsu_hours.unwrap_or(AFGSU_HOURS);
    check_range(&f("afgsu_hours"), afgsu_hours, 1, p.hours)?;
    // ECTS: one credit stands for 25 to 30 hours of a student's work, of which the contact hours
    // are part.
    if let Some(workload) = p.workload_hours {
        if p.ects == 0 {
            return Err(invalid(
                f("workload_hours"),
                "a program without ECTS credits has no credit workload to state",
            ));
        }
        let (low, high) = (p.ects * 25, p.ects * 30);
        check_range(&f("workload_hours"), workload, low.max(p.hours), high)?;
    }
    let school_days = crate::domain::completion::school_days(starts_on, ends_on).len() as u16;
    let completion = match p.completion {
        Some(c) => {
            if let Some(min) = c.min_days_present {
                check_range(&f("completion.min_days_present"), min, 0, school_days)?;
            }
            CompletionSpec {
                min_days_present: c.min_days_present,
                assessment: c.assessment,
            }
        }
        None => CompletionSpec {
            min_days_present: None,
            assessment: true,
        },
    };

    Ok(ProgramSpec {
        slug,
        title: p.title,
        summary: p.summary,
        audience: p.audience,
        teaching_language,
        starts_on,
        ends_on,
        places: p.places.into_iter().map(|s| s.trim().to_owned()).collect(),
        ects: p.ects,
        hours: p.hours,
        certifications: p.certifications,
        capacity: p.capacity,
        application_opens_at: opens,
        application_closes_at: closes,
        review_mode: p.review,
        payment_deadline_days: p.payment_deadline_days,
        contact_email: parse_email(&f("contact_email"), &p.contact_email)?,
        fee_tiers: tiers,
        questions,
        rubric,
        blind_review: p.blind_review,
        code,
        learning_outcomes: p.learning_outcomes,
        completion,
        afgsu_hours,
        workload_hours: p.workload_hours,
        cancellation: p
            .cancellation
            .map(|c| {
                let fee = c
                    .visa_refusal_fee
                    .map(|f| {
                        crate::domain::money::Money::parse_decimal(
                            &f,
                            crate::domain::money::Currency::Eur,
                        )
                        .map(|m| m.cents())
                        .map_err(|e| invalid(f_cancel("visa_refusal_fee"), e.to_string()))
                    })
                    .transpose()?;
                crate::domain::cancellation::CancellationPolicy::new(c.refunds, fee)
                    .map_err(|e| invalid(f_cancel("refunds"), e.to_string()))
            })
            .transpose()?,
    })
}

fn parse_issuer(c: RawIssuer) -> Result<IssuerSpec, CatalogError> {
    let prefix_ok = (1..=16).contains(&c.serial_prefix.len())
        && c.serial_prefix
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
    if !prefix_ok {
        return Err(invalid(
            "certificates.serial_prefix",
            format!(
                "`{}` must be 1–16 characters of A–Z, 0–9 and -",
                c.serial_prefix
            ),
        ));
    }
    check_len("certificates.institution", &c.institution, 200)?;
    c.faculty.check("certificates.faculty", 200)?;
    check_len("certificates.signatory_name", &c.signatory_name, 120)?;
    c.signatory_title
        .check("certificates.signatory_title", 200)?;
    check_len("certificates.place_of_issue", &c.place_of_issue, 120)?;
    if let Some(cesu) = &c.afgsu_issuer {
        check_len("certificates.afgsu_issuer", cesu, 200)?;
    }
    check_image("certificates.signature_image", c.signature_image.as_deref())?;
    let afgsu_signatory = match (&c.afgsu_issuer, c.afgsu_signatory) {
        (Some(_), None) => {
            return Err(invalid(
                "certificates.afgsu_signatory",
                "name who signs the AFGSU 2 for the CESU (name, title, signature_image)",
            ));
        }
        (_, signatory) => signatory,
    };
    if let Some(s) = &afgsu_signatory {
        check_len("certificates.afgsu_signatory.name", &s.name, 120)?;
        s.title.check("certificates.afgsu_signatory.title", 200)?;
        check_image(
            "certificates.afgsu_signatory.signature_image",
            s.signature_image.as_deref(),
        )?;
    }
    Ok(IssuerSpec {
        serial_prefix: c.serial_prefix,
        institution: c.institution.trim().to_owned(),
        faculty: c.faculty,
        signatory_name: c.signatory_name.trim().to_owned(),
        signatory_title: c.signatory_title,
        place_of_issue: c.place_of_issue.trim().to_owned(),
        afgsu_issuer: c.afgsu_issuer.map(|s| s.trim().to_owned()),
        signature_image: c.signature_image,
        afgsu_signatory: afgsu_signatory.map(|s| Signatory {
            name: s.name.trim().to_owned(),
            ..s
        }),
    })
}

/// A signature image's name: a `.png` file of `certificates/signatures/`, nothing that climbs out.
fn check_image(field: &str, image: Option<&str>) -> Result<(), CatalogError> {
    let Some(image) = image else {
        return Ok(());
    };
    if super::is_plain_image_name(image) {
        Ok(())
    } else {
        Err(invalid(
            field,
            format!("`{image}` must be a .png file name under certificates/signatures/"),
        ))
    }
}

/// `hands-on-clinical-emergencies` → `HOCE`: the initials of the slug's words, when the catalog
/// gives no code.
fn code_from_slug(slug: &Slug) -> String {
    slug.as_str()
        .split('-')
        .filter_map(|w| w.chars().next())
        .take(6)
        .collect::<String>()
        .to_ascii_uppercase()
}
