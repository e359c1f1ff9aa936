//! Who receives which certificate when a program's certificates are issued, and what each one says.
//! Pure: the store supplies the program and its participants, the caller signs and stores the plan.
//!
//! A participant who meets the program's completion rule receives the attestation of success; one
//! who also has the AFGSU 2 practical validation (Hands-on school) receives the AFGSU 2 attestation.
//! A certificate already issued (and standing) is never issued again, so running the batch twice
//! issues nothing twice; a correction goes through [`record`] and supersedes explicitly.

use time::Date;

use super::catalog::{EditionSpec, IssuerSpec, LocalizedList, LocalizedText, ProgramSpec};
use super::certificate::{
    CertificateRecord, Course, Holder, Issuer, Outcome, Translation, afgsu_valid_until,
};
use super::completion::{CompletionRule, Participation, Shortfall};
use super::locale::Locale;
use super::status::CertificateKind;

/// A program as its certificates describe it, with the edition's issuer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramFacts {
    pub program_id: String,
    pub title: LocalizedText,
    pub starts_on: Date,
    pub ends_on: Date,
    pub places: Vec<String>,
    pub teaching_language: Locale,
    pub hours: u16,
    pub afgsu_hours: u16,
    pub ects: u16,
    /// The student workload the credits stand for (hours), when the catalog gives it.
    pub workload_hours: Option<u16>,
    pub certifications: Vec<CertificateKind>,
    /// `HO`: the program's part of serial numbers.
    pub code: String,
    pub learning_outcomes: LocalizedList,
    pub rule: CompletionRule,
    /// `None` while the catalog does not say who signs.
    pub issuer: Option<IssuerSpec>,
    /// A demo edition's program: its certificates say DEMO.
    pub demo: bool,
}

impl ProgramFacts {
    /// A program as the catalog describes it, before it is stored (a specimen's facts).
    pub fn from_spec(edition: &EditionSpec, program: &ProgramSpec) -> ProgramFacts {
        ProgramFacts {
            program_id: program.slug.as_str().to_owned(),
            title: program.title.clone(),
            starts_on: program.starts_on,
            ends_on: program.ends_on,
            places: program.places.clone(),
            teaching_language: program.teaching_language,
            hours: program.hours,
            afgsu_hours: program.afgsu_hours,
            ects: program.ects,
            workload_hours: program.workload_hours,
            certifications: program.certifications.clone(),
            code: program.code.clone(),
            learning_outcomes: program.learning_outcomes.clone(),
            rule: program.completion.rule(program.starts_on, program.ends_on),
            issuer: edition.certificates.clone(),
            demo: edition.is_demo,
        }
    }
}

/// An enrolled participant, with what organizers recorded and what was already issued to them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub application_id: String,
    /// As it must appear on certificates.
    pub name: String,
    pub birth_date: Option<Date>,
    /// The language their certificates are written in (theirs).
    pub locale: Locale,
    pub participation: Participation,
    pub grade: Option<String>,
    /// Kinds issued to them and still standing.
    pub issued: Vec<CertificateKind>,
}

/// Why a participant receives nothing this time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// The completion rule is not met.
    Shortfall(Shortfall),
    /// No date of birth on file (it is printed on the certificate).
    NoBirthDate,
}

/// Why a program's certificates cannot be issued now.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("the school ends on {0}: certificates are issued from its last day")]
    NotFinished(Date),
    #[error("the catalog has no [certificates] table: it must say who issues and signs them")]
    NoIssuer,
    #[error(
        "the catalog's [certificates] table names no afgsu_issuer (the CESU) or no afgsu_signatory"
    )]
    NoAfgsuIssuer,
}

/// What one run of issuance will do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Per graduate, the records to sign and store (one or two), in a stable order.
    pub to_issue: Vec<(String, Vec<CertificateRecord>)>,
    /// Who receives nothing, and why.
    pub skipped: Vec<(String, Skip)>,
    /// Graduates who already hold every certificate they earned.
    pub up_to_date: Vec<String>,
}

impl Plan {
    pub fn documents(&self) -> usize {
        self.to_issue.iter().map(|(_, r)| r.len()).sum()
    }
}

/// The kinds `c` has earned under `program`'s rule, or why none.
pub fn earned(program: &ProgramFacts, c: &Candidate) -> Result<Vec<CertificateKind>, Skip> {
    program
        .rule
        .check(&c.participation)
        .map_err(Skip::Shortfall)?;
    if c.birth_date.is_none() {
        return Err(Skip::NoBirthDate);
    }
    Ok(program
        .certifications
        .iter()
        .copied()
        .filter(|kind| match kind {
            CertificateKind::AttestationOfSuccess => true,
            CertificateKind::Afgsu2 => program.rule.afgsu(&c.participation),
        })
        .collect())
}

/// Plans the issuance of `program`'s certificates on `today`.
pub fn plan(
    program: &ProgramFacts,
    candidates: &[Candidate],
    today: Date,
) -> Result<Plan, PlanError> {
    if today < program.ends_on {
        return Err(PlanError::NotFinished(program.ends_on));
    }
    let issuer = program.issuer.as_ref().ok_or(PlanError::NoIssuer)?;
    if program.certifications.contains(&CertificateKind::Afgsu2)
        && (issuer.afgsu_issuer.is_none() || issuer.afgsu_signatory.is_none())
    {
        return Err(PlanError::NoAfgsuIssuer);
    }
    let mut plan = Plan::default();
    for c in candidates {
        match earned(program, c) {
            Err(skip) => plan.skipped.push((c.application_id.clone(), skip)),
            Ok(kinds) => {
                let records: Vec<CertificateRecord> = kinds
                    .into_iter()
                    .filter(|k| !c.issued.contains(k))
                    .filter_map(|k| record(program, c, k, today))
                    .collect();
                if records.is_empty() {
                    plan.up_to_date.push(c.application_id.clone());
                } else {
                    plan.to_issue.push((c.application_id.clone(), records));
                }
            }
        }
    }
    Ok(plan)
}

/// Where the school is held, as documents name it: its first place with the city of issue
/// ("UFR de Médecine, Université Paris Cité, Paris"), the city once when the place already ends with
/// it, the city alone without a place.
pub fn school_place(places: &[String], place_of_issue: &str) -> String {
    match places.first() {
        Some(first) if !first.ends_with(place_of_issue) => format!("{first}, {place_of_issue}"),
        Some(first) => first.clone(),
        None => place_of_issue.to_owned(),
    }
}

/// The record of a `kind` certificate for `c`, issued on `today`, without its serial and code (the
/// store gives them): in the graduate's language, with its texts in the other language as its
/// translation, so that it prints in both. `None` without an issuer, a CESU for the AFGSU 2, or a
/// date of birth.
pub fn record(
    program: &ProgramFacts,
    c: &Candidate,
    kind: CertificateKind,
    today: Date,
) -> Option<CertificateRecord> {
    let mut record = record_in(program, c, kind, today, c.locale)?;
    let other = match c.locale {
        Locale::En => Locale::Fr,
        Locale::Fr => Locale::En,
    };
    record.translation = record_in(program, c, kind, today, other).map(|r| Translation::of(&r));
    Some(record)
}

/// [`record`] in `locale` alone.
fn record_in(
    program: &ProgramFacts,
    c: &Candidate,
    kind: CertificateKind,
    today: Date,
    locale: Locale,
) -> Option<CertificateRecord> {
    let issuer = program.issuer.as_ref()?;
    let language = match (program.teaching_language, locale) {
        (Locale::En, Locale::En) => "English",
        (Locale::En, Locale::Fr) => "anglais",
        (Locale::Fr, Locale::En) => "French",
        (Locale::Fr, Locale::Fr) => "français",
    };
    let place = school_place(&program.places, &issuer.place_of_issue);
    let faculty = issuer.faculty.get(locale).to_owned();
    // Who signs: the faculty's signatory, or for the AFGSU 2 the CESU's.
    let faculty_signs = (
        issuer.signatory_name.clone(),
        issuer.signatory_title.get(locale).to_owned(),
        issuer.signature_image.clone(),
    );
    let (institution, faculty, hours, (ects, workload_hours), outcomes, valid_until, signatory) =
        match kind {
            CertificateKind::AttestationOfSuccess => (
                issuer.institution.clone(),
                faculty,
                program.hours,
                (program.ects, program.workload_hours),
                program.learning_outcomes.get(locale).to_vec(),
                None,
                faculty_signs,
            ),
            // The CESU delivers it and its signatory signs; the faculty is where the training took
            // place. No ECTS credits: the AFGSU 2 is a national attestation, not a course unit.
            CertificateKind::Afgsu2 => {
                let cesu = issuer.afgsu_signatory.as_ref()?;
                (
                    issuer.afgsu_issuer.clone()?,
                    format!("{faculty}, {}", issuer.institution),
                    program.afgsu_hours,
                    (0, None),
                    Vec::new(),
                    // Four years from the last day of training, whenever the paper is issued.
                    Some(afgsu_valid_until(program.ends_on)),
                    (
                        cesu.name.clone(),
                        cesu.title.get(locale).to_owned(),
                        cesu.signature_image.clone(),
                    ),
                )
            }
        };
    Some(CertificateRecord {
        kind,
        serial: String::new(),
        verification_code: String::new(),
        verification_url: String::new(),
        locale,
        holder: Holder {
            name: c.name.clone(),
            birth_date: c.birth_date?,
        },
        course: Course {
            title: program.title.get(locale).to_owned(),
            starts_on: program.starts_on,
            ends_on: program.ends_on,
            place,
            language: language.to_owned(),
            hours,
            ects,
            workload_hours,
            outcomes,
        },
        outcome: Outcome {
            passed: c.participation.passed.unwrap_or(true),
            grade: c.grade.clone(),
        },
        issuer: Issuer {
            institution,
            faculty,
            signatory_name: signatory.0,
            signatory_title: signatory.1,
            place_of_issue: issuer.place_of_issue.clone(),
            signature_image: signatory.2,
        },
        issued_on: today,
        valid_until,
        supersedes: None,
        demo: program.demo,
        translation: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    pub(crate) fn hands_on() -> ProgramFacts {
        ProgramFacts {
            program_id: "p".into(),
            title: LocalizedText {
                en: "Hands-on Training in Clinical Medicine and Emergencies".into(),
                fr: "Formation pratique en médecine clinique et en urgences".into(),
            },
            starts_on: date!(2026 - 07 - 06),
            ends_on: date!(2026 - 07 - 17),
            places: vec!["UFR de Médecine, Université Paris Cité".into()],
            teaching_language: Locale::En,
            hours: 60,
            afgsu_hours: 21,
            ects: 5,
            workload_hours: Some(125),
            certifications: vec![
                CertificateKind::AttestationOfSuccess,
                CertificateKind::Afgsu2,
            ],
            code: "HO".into(),
            learning_outcomes: LocalizedList {
                en: vec!["Manage a cardiac arrest as a team".into()],
                fr: vec!["Prendre en charge un arrêt cardiaque en équipe".into()],
            },
            rule: CompletionRule {
                min_days_present: 9,
                assessment_required: true,
            },
            issuer: Some(IssuerSpec {
                serial_prefix: "UPC-SS".into(),
                institution: "Université Paris Cité".into(),
                faculty: LocalizedText {
                    en: "Faculty of Medicine".into(),
                    fr: "UFR de Médecine".into(),
                },
                signatory_name: "Pr Claire Moreau".into(),
                signatory_title: LocalizedText {
                    en: "Dean".into(),
                    fr: "Doyenne".into(),
                },
                place_of_issue: "Paris".into(),
                afgsu_issuer: Some("CESU 75".into()),
                signature_image: None,
                afgsu_signatory: Some(crate::domain::catalog::Signatory {
                    name: "Dr Julien Garnier".into(),
                    title: LocalizedText {
                        en: "Medical Director of the CESU 75".into(),
                        fr: "Médecin directeur du CESU 75".into(),
                    },
                    signature_image: Some("cesu-signatory.png".into()),
                }),
            }),
            demo: false,
        }
    }

    fn candidate(id: &str, days: u16, passed: Option<bool>, afgsu: Option<bool>) -> Candidate {
        Candidate {
            application_id: id.into(),
            name: format!("Person {id}"),
            birth_date: Some(date!(1999 - 03 - 14)),
            locale: Locale::Fr,
            participation: Participation {
                days_present: days,
                passed,
                afgsu_validated: afgsu,
            },
            grade: Some("16/20".into()),
            issued: Vec::new(),
        }
    }

    #[test]
    fn only_those_who_complete_receive_and_the_afgsu_needs_its_validation() {
        let program = hands_on();
        let mut already = candidate("done", 10, Some(true), Some(true));
        already.issued = vec![
            CertificateKind::AttestationOfSuccess,
            CertificateKind::Afgsu2,
        ];
        let mut half = candidate("half", 10, Some(true), Some(true));
        half.issued = vec![CertificateKind::AttestationOfSuccess];
        let mut unborn = candidate("nobirth", 10, Some(true), None);
        unborn.birth_date = None;
        let people = [
            candidate("full", 10, Some(true), Some(true)),
            candidate("noafgsu", 9, Some(true), Some(false)),
            candidate("absent", 8, Some(true), Some(true)),
            candidate("failed", 10, Some(false), None),
            candidate("noresult", 10, None, None),
            already,
            half,
            unborn,
        ];
        let plan = plan(&program, &people, date!(2026 - 07 - 17)).unwrap();
        let kinds = |id: &str| -> Vec<CertificateKind> {
            plan.to_issue
                .iter()
                .find(|(a, _)| a == id)
                .map(|(_, r)| r.iter().map(|r| r.kind).collect())
                .unwrap_or_default()
        };
        assert_eq!(
            kinds("full"),
            [
                CertificateKind::AttestationOfSuccess,
                CertificateKind::Afgsu2
            ]
        );
        assert_eq!(kinds("noafgsu"), [CertificateKind::AttestationOfSuccess]);
        assert_eq!(
            kinds("half"),
            [CertificateKind::Afgsu2],
            "only what is missing"
        );
        assert_eq!(plan.up_to_date, ["done"]);
        assert_eq!(plan.documents(), 4);
        let skipped: Vec<(&str, Skip)> =
            plan.skipped.iter().map(|(a, s)| (a.as_str(), *s)).collect();
        assert_eq!(
            skipped,
            [
                (
                    "absent",
                    Skip::Shortfall(Shortfall::Attendance {
                        present: 8,
                        required: 9
                    })
                ),
                ("failed", Skip::Shortfall(Shortfall::Failed)),
                ("noresult", Skip::Shortfall(Shortfall::NoResult)),
                ("nobirth", Skip::NoBirthDate),
            ]
        );
    }

    #[test]
    fn the_records_say_what_the_catalog_and_the_organizers_said_in_the_graduates_language() {
        let program = hands_on();
        let c = candidate("full", 10, Some(true), Some(true));
        let today = date!(2026 - 07 - 20);
        let success = record(&program, &c, CertificateKind::AttestationOfSuccess, today).unwrap();
        assert_eq!(success.locale, Locale::Fr);
        assert_eq!(
            success.course.title,
            "Formation pratique en médecine clinique et en urgences"
        );
        assert_eq!(success.course.language, "anglais");
        assert_eq!(
            success.course.place,
            "UFR de Médecine, Université Paris Cité, Paris"
        );
        assert_eq!((success.course.hours, success.course.ects), (60, 5));
        assert_eq!(success.course.workload_hours, Some(125));
        assert_eq!(success.course.outcomes.len(), 1);
        assert_eq!(success.outcome.grade.as_deref(), Some("16/20"));
        assert_eq!(success.issuer.institution, "Université Paris Cité");
        assert_eq!(success.issuer.signatory_title, "Doyenne");
        assert_eq!(success.valid_until, None);
        // Bilingual: the English texts are signed with it, and the English page reads them.
        assert_eq!(success.languages(), vec![Locale::Fr, Locale::En]);
        let english = success.in_language(Locale::En).unwrap();
        assert_eq!(english.locale, Locale::En);
        assert_eq!(english.course.language, "English");
        assert_eq!(
            english.issuer.faculty,
            program.issuer.as_ref().unwrap().faculty.en
        );
        assert_eq!(english.course.title, program.title.en);
        assert_eq!(
            (&english.holder, &english.serial, &english.outcome),
            (&success.holder, &success.serial, &success.outcome),
            "names, numbers and results are the same on both pages"
        );
        assert_eq!(
            english.in_language(Locale::Fr).as_ref(),
            Some(&success),
            "and back"
        );
        let afgsu = record(&program, &c, CertificateKind::Afgsu2, today).unwrap();
        assert_eq!(afgsu.issuer.institution, "CESU 75");
        // Signed for the CESU, not by the faculty's dean.
        assert_eq!(afgsu.issuer.signatory_name, "Dr Julien Garnier");
        assert_eq!(afgsu.issuer.signatory_title, "Médecin directeur du CESU 75");
        assert_eq!(
            afgsu.issuer.signature_image.as_deref(),
            Some("cesu-signatory.png")
        );
        assert_eq!(
            afgsu.issuer.faculty,
            "UFR de Médecine, Université Paris Cité"
        );
        assert_eq!((afgsu.course.hours, afgsu.course.ects), (21, 0));
        assert_eq!(
            afgsu.course.workload_hours, None,
            "no credits, no credit workload"
        );
        assert_eq!(
            afgsu.valid_until,
            Some(date!(2030 - 07 - 17)),
            "four years from the last day of training, not from the day of issue"
        );
    }

    #[test]
    fn the_place_names_the_city_once() {
        let places = |p: &[&str]| p.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            school_place(&places(&["UFR de Médecine", "iLumens"]), "Paris"),
            "UFR de Médecine, Paris"
        );
        assert_eq!(
            school_place(&places(&["Hôpital Cochin, Paris"]), "Paris"),
            "Hôpital Cochin, Paris"
        );
        assert_eq!(school_place(&[], "Paris"), "Paris");
    }

    #[test]
    fn nothing_is_issued_before_the_last_day_or_without_a_signatory() {
        let mut program = hands_on();
        let people = [candidate("full", 10, Some(true), Some(true))];
        assert_eq!(
            plan(&program, &people, date!(2026 - 07 - 16)),
            Err(PlanError::NotFinished(date!(2026 - 07 - 17)))
        );
        program.issuer.as_mut().unwrap().afgsu_issuer = None;
        assert_eq!(
            plan(&program, &people, date!(2026 - 07 - 17)),
            Err(PlanError::NoAfgsuIssuer)
        );
        program.issuer = None;
        assert_eq!(
            plan(&program, &people, date!(2026 - 07 - 17)),
            Err(PlanError::NoIssuer)
        );
    }
}
