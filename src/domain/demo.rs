//! The demo (`serve --demo`): two editions built from the shipped schools around today (one open for
//! applications, one whose school ended last week) and a cast of people at every stage and in every
//! role. Everything of it is labelled as a demo, and its documents are numbered in series of their
//! own, so that trying the product never takes a real number. Pure data and dates; `crate::demo`
//! plays the cast through the store.

use time::{Date, Duration, OffsetDateTime, Time, UtcOffset, Weekday};

use super::catalog::{ApplicantCategory, EditionSpec, LocalizedText, Slug};
use super::locale::Locale;
use super::status::OrganizerRole;

/// The slug of the demo edition open for applications; it never collides with a year.
pub const DEMO_EDITION_SLUG: &str = "demo";
/// The slug of the demo edition whose school has just ended.
pub const DEMO_PAST_EDITION_SLUG: &str = "demo-past";
/// What every demo number starts with (`DEMO-R-2026-00001`, `DEMO-UPC-SS-2026-HO-0001`).
pub const DEMO_NUMBER_PREFIX: &str = "DEMO-";
/// The password of every demo organizer (shown on `/demo`; demo accounts exist only with `--demo`,
/// which production refuses).
pub const DEMO_PASSWORD: &str = "demo-summer-school";
/// The domain of every demo address: reserved (RFC 2606), so no mail reaches a real person.
pub const DEMO_EMAIL_DOMAIN: &str = "demo.example";

/// A demo number: `DEMO-` before the real series' own shape.
pub fn demo_number(number: &str) -> String {
    format!("{DEMO_NUMBER_PREFIX}{number}")
}

fn at(date: Date, hour: u8) -> OffsetDateTime {
    let time = Time::from_hms(hour, 0, 0).expect("valid hour");
    OffsetDateTime::new_in_offset(date, time, UtcOffset::UTC)
}

/// An edition of the shipped schools with the given dates, labelled and numbered as a demo.
fn demo_copy(
    base: &EditionSpec,
    slug: &str,
    title: LocalizedText,
    window: (OffsetDateTime, OffsetDateTime),
    school: (Date, Date),
) -> EditionSpec {
    let mut programs = base.programs.clone();
    for p in &mut programs {
        // A dated tier (an early bird) keeps its place in the window.
        let shift = window.0 - p.application_opens_at;
        for tier in &mut p.fee_tiers {
            tier.available_until = tier.available_until.map(|t| t + shift);
        }
        p.application_opens_at = window.0;
        p.application_closes_at = window.1;
        p.starts_on = school.0;
        p.ends_on = school.1;
    }
    let certificates = base.certificates.clone().map(|mut c| {
        c.serial_prefix = demo_number(&c.serial_prefix);
        c
    });
    EditionSpec {
        organization: base.organization.clone(),
        slug: Slug::parse("edition.slug", slug).expect("valid slug"),
        year: school.0.year(),
        title,
        is_demo: true,
        programs,
        certificates,
    }
}

/// The demo edition open for applications today: the window opened a week ago and closes in 60
/// days; the school starts in 90 days.
pub fn demo_edition(base: &EditionSpec, today: Date) -> EditionSpec {
    let starts = next_monday(today + Duration::days(90));
    demo_copy(
        base,
        DEMO_EDITION_SLUG,
        LocalizedText {
            en: "Demo edition: applications open (for trying the service; not a real school)"
                .to_owned(),
            fr: "Édition de démonstration : candidatures ouvertes (pour essayer le service ; pas une vraie école)"
                .to_owned(),
        },
        (
            at(today - Duration::days(7), 8),
            at(today + Duration::days(60), 21),
        ),
        (starts, starts + Duration::days(11)),
    )
}

/// The demo edition whose two-week school (Monday to Friday of the next week) ended last week.
pub fn demo_past_edition(base: &EditionSpec, today: Date) -> EditionSpec {
    let (starts, ends) = past_school(today);
    demo_copy(
        base,
        DEMO_PAST_EDITION_SLUG,
        LocalizedText {
            en: "Demo edition: school just ended (for trying the service; not a real school)"
                .to_owned(),
            fr: "Édition de démonstration : école tout juste terminée (pour essayer le service ; pas une vraie école)"
                .to_owned(),
        },
        (
            at(starts - Duration::days(150), 8),
            at(starts - Duration::days(30), 21),
        ),
        (starts, ends),
    )
}

/// The past school's first and last day: the Friday of last week, and the Monday eleven days before.
pub fn past_school(today: Date) -> (Date, Date) {
    let monday = today - Duration::days(i64::from(today.weekday().number_days_from_monday()));
    let ends = monday - Duration::days(3);
    (ends - Duration::days(11), ends)
}

fn next_monday(day: Date) -> Date {
    let mut d = day;
    while d.weekday() != Weekday::Monday {
        d += Duration::days(1);
    }
    d
}

/// One of the two demo editions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoEdition {
    Open,
    Past,
}

impl DemoEdition {
    pub fn slug(self) -> &'static str {
        match self {
            DemoEdition::Open => DEMO_EDITION_SLUG,
            DemoEdition::Past => DEMO_PAST_EDITION_SLUG,
        }
    }
}

/// The shipped school a demo person applied to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoSchool {
    /// Artificial Intelligence and Digital Innovation in Medicine (reviewed; attestation of success).
    Ai,
    /// Hands-on Training in Clinical Medicine and Emergencies (reviewed; success and AFGSU 2).
    HandsOn,
}

impl DemoSchool {
    /// The program's slug in the shipped catalog.
    pub fn slug(self) -> &'static str {
        match self {
            DemoSchool::Ai => "ai-digital-innovation",
            DemoSchool::HandsOn => "hands-on-clinical-emergencies",
        }
    }
}

/// A demo organizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoOrganizer {
    pub email_local: &'static str,
    pub name: &'static str,
    pub role: OrganizerRole,
}

impl DemoOrganizer {
    pub fn email(&self) -> String {
        format!("{}@{DEMO_EMAIL_DOMAIN}", self.email_local)
    }
}

/// One per role. Directors and reviewers are given both schools of both demo editions.
pub const DEMO_ORGANIZERS: [DemoOrganizer; 5] = [
    DemoOrganizer {
        email_local: "admin",
        name: "Camille Durand",
        role: OrganizerRole::Admin,
    },
    DemoOrganizer {
        email_local: "director",
        name: "Pr Amadou Diallo",
        role: OrganizerRole::ProgramDirector,
    },
    DemoOrganizer {
        email_local: "reviewer",
        name: "Dr Lin Mei",
        role: OrganizerRole::Reviewer,
    },
    DemoOrganizer {
        email_local: "finance",
        name: "Sofia Rossi",
        role: OrganizerRole::Finance,
    },
    DemoOrganizer {
        email_local: "scolarite",
        name: "Élodie Martin",
        role: OrganizerRole::Scolarite,
    },
];

/// Where a demo applicant's story stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Started, some steps filled, not sent.
    Draft,
    Submitted,
    /// Scored by the reviewer and the director, no decision yet.
    UnderReview,
    Waitlisted,
    /// Offered a place, with a checkout opened and not paid.
    Offered,
    /// Paid; holds a visa invitation letter.
    Enrolled,
    Rejected,
    /// Sent, then withdrawn.
    Withdrawn,
    /// Past school: present every day, passed, AFGSU 2 validated; attestations issued.
    Graduated,
    /// Past school: as graduated, and also holds a visa letter (the demo graduate to sign in as).
    GraduatedWithVisa,
    /// Past school: graduated, then a result corrected and the attestation replaced.
    Corrected,
    /// Past school: graduated, then the attestation of success revoked.
    Revoked,
    /// Past school: absent three days, so nothing is issued.
    Absent,
}

impl Stage {
    /// Whether the person went to the school that has ended.
    pub fn edition(self) -> DemoEdition {
        match self {
            Stage::Graduated
            | Stage::GraduatedWithVisa
            | Stage::Corrected
            | Stage::Revoked
            | Stage::Absent => DemoEdition::Past,
            _ => DemoEdition::Open,
        }
    }

    /// The key of the stage's one-line description on `/demo`.
    pub fn message_key(self) -> &'static str {
        match self {
            Stage::Draft => "demo-stage-draft",
            Stage::Submitted => "demo-stage-submitted",
            Stage::UnderReview => "demo-stage-under-review",
            Stage::Waitlisted => "demo-stage-waitlisted",
            Stage::Offered => "demo-stage-offered",
            Stage::Enrolled => "demo-stage-enrolled",
            Stage::Rejected => "demo-stage-rejected",
            Stage::Withdrawn => "demo-stage-withdrawn",
            Stage::Graduated => "demo-stage-graduated",
            Stage::GraduatedWithVisa => "demo-stage-graduated-visa",
            Stage::Corrected => "demo-stage-corrected",
            Stage::Revoked => "demo-stage-revoked",
            Stage::Absent => "demo-stage-absent",
        }
    }
}

/// A demo applicant: who they are, and where their story stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoApplicant {
    pub email_local: &'static str,
    pub given_names: &'static str,
    pub family_name: &'static str,
    /// As it is printed on certificates (the person's own order and script).
    pub certificate_name: &'static str,
    /// ISO 3166 alpha-2.
    pub nationality: &'static str,
    pub city: &'static str,
    pub institution: &'static str,
    pub category: ApplicantCategory,
    pub locale: Locale,
    pub birth_date: (i32, u8, u8),
    pub school: DemoSchool,
    pub stage: Stage,
}

impl DemoApplicant {
    pub fn email(&self) -> String {
        format!("{}@{DEMO_EMAIL_DOMAIN}", self.email_local)
    }

    pub fn birth_date(&self) -> Date {
        let (y, m, d) = self.birth_date;
        Date::from_calendar_date(y, time::Month::try_from(m).expect("month"), d).expect("date")
    }
}

/// Given names, family name, and the name as printed on certificates.
type Names = (&'static str, &'static str, &'static str);

const fn person(
    email_local: &'static str,
    (given_names, family_name, certificate_name): Names,
    nationality: &'static str,
    city: &'static str,
    institution: &'static str,
    school: DemoSchool,
    stage: Stage,
) -> DemoApplicant {
    DemoApplicant {
        email_local,
        given_names,
        family_name,
        certificate_name,
        nationality,
        city,
        institution,
        category: ApplicantCategory::MedicalStudent,
        locale: Locale::En,
        birth_date: (1998, 3, 14),
        school,
        stage,
    }
}

/// Every demo applicant, from a draft to a revoked attestation, from several countries and scripts.
pub const DEMO_APPLICANTS: [DemoApplicant; 13] = [
    DemoApplicant {
        locale: Locale::Fr,
        ..person(
            "lucia.fernandez",
            ("Lucía", "Fernández García", "Lucía Fernández García"),
            "ES",
            "Madrid",
            "Universidad Complutense de Madrid",
            DemoSchool::Ai,
            Stage::Draft,
        )
    },
    person(
        "minh.khai",
        ("Thị Minh Khai", "Nguyễn", "Nguyễn Thị Minh Khai"),
        "VN",
        "Hà Nội",
        "Hanoi Medical University",
        DemoSchool::Ai,
        Stage::Submitted,
    ),
    DemoApplicant {
        category: ApplicantCategory::EngineerOrDataScientist,
        birth_date: (1994, 11, 2),
        ..person(
            "oluwaseun.adeyemi",
            ("Oluwaseun", "Adeyemi", "Oluwaseun Adeyemi"),
            "NG",
            "Lagos",
            "University of Lagos",
            DemoSchool::Ai,
            Stage::UnderReview,
        )
    },
    person(
        "anna.kowalska",
        ("Anna", "Kowalska", "Anna Kowalska"),
        "PL",
        "Kraków",
        "Jagiellonian University Medical College",
        DemoSchool::Ai,
        Stage::Waitlisted,
    ),
    DemoApplicant {
        category: ApplicantCategory::Resident,
        birth_date: (1993, 6, 21),
        ..person(
            "mohammed.alfarsi",
            ("Mohammed", "Al-Farsi", "Mohammed Al-Farsi"),
            "OM",
            "Muscat",
            "Sultan Qaboos University",
            DemoSchool::HandsOn,
            Stage::Offered,
        )
    },
    person(
        "priya.sharma",
        ("Priya", "Sharma", "Priya Sharma"),
        "IN",
        "New Delhi",
        "All India Institute of Medical Sciences",
        DemoSchool::HandsOn,
        Stage::Enrolled,
    ),
    person(
        "carlos.mendoza",
        ("Carlos", "Mendoza", "Carlos Mendoza"),
        "MX",
        "Guadalajara",
        "Universidad de Guadalajara",
        DemoSchool::Ai,
        Stage::Rejected,
    ),
    DemoApplicant {
        category: ApplicantCategory::NurseOrHealthProfessional,
        ..person(
            "ingrid.johansson",
            ("Ingrid", "Johansson", "Ingrid Johansson"),
            "SE",
            "Uppsala",
            "Uppsala University",
            DemoSchool::HandsOn,
            Stage::Withdrawn,
        )
    },
    DemoApplicant {
        birth_date: (1997, 9, 30),
        ..person(
            "amara.okafor",
            ("Amara", "Okafor", "Amara Okafor"),
            "NG",
            "Enugu",
            "University of Nigeria",
            DemoSchool::HandsOn,
            Stage::GraduatedWithVisa,
        )
    },
    DemoApplicant {
        category: ApplicantCategory::Resident,
        birth_date: (1995, 1, 8),
        ..person(
            "olena.kovalenko",
            ("Олена", "Коваленко", "Олена Коваленко"),
            "UA",
            "Kyiv",
            "Bogomolets National Medical University",
            DemoSchool::HandsOn,
            Stage::Graduated,
        )
    },
    DemoApplicant {
        locale: Locale::Fr,
        ..person(
            "joao.pereira",
            ("João", "Pereira", "João Pereira"),
            "BR",
            "São Paulo",
            "Universidade de São Paulo",
            DemoSchool::HandsOn,
            Stage::Corrected,
        )
    },
    person(
        "nikos.papadopoulos",
        ("Νίκος", "Παπαδόπουλος", "Νίκος Παπαδόπουλος"),
        "GR",
        "Athens",
        "National and Kapodistrian University of Athens",
        DemoSchool::HandsOn,
        Stage::Revoked,
    ),
    person(
        "lukas.schneider",
        ("Lukas", "Schneider", "Lukas Schneider"),
        "DE",
        "Heidelberg",
        "Universität Heidelberg",
        DemoSchool::HandsOn,
        Stage::Absent,
    ),
];

/// The demo applicant whose attestations (success, AFGSU 2) and visa letter `/demo` offers to try.
pub fn demo_graduate() -> &'static DemoApplicant {
    DEMO_APPLICANTS
        .iter()
        .find(|a| a.stage == Stage::GraduatedWithVisa)
        .expect("the cast has a graduate")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::application::PersonName;
    use crate::domain::catalog::{SHIPPED_CATALOG, parse_catalog};
    use crate::domain::email::EmailAddress;
    use time::macros::date;

    #[test]
    fn the_open_demo_edition_takes_applications_today_and_is_labelled() {
        let base = parse_catalog(SHIPPED_CATALOG).unwrap();
        let today = date!(2026 - 11 - 27);
        let demo = demo_edition(&base, today);
        assert!(demo.is_demo);
        assert_eq!(demo.slug.as_str(), "demo");
        let now = OffsetDateTime::new_utc(today, Time::from_hms(12, 0, 0).unwrap());
        for p in &demo.programs {
            assert!(p.application_opens_at < now && now < p.application_closes_at);
            assert!(p.application_closes_at.date() <= p.starts_on);
            assert_eq!(p.starts_on.weekday(), Weekday::Monday);
        }
        assert_eq!(demo.programs.len(), base.programs.len());
        assert_eq!(
            demo.certificates.unwrap().serial_prefix,
            "DEMO-UPC-SS",
            "demo serials never look like real ones"
        );
    }

    #[test]
    fn the_past_demo_school_ran_two_weeks_and_ended_last_week() {
        // Every day of a fortnight, so that each weekday of "today" is tried.
        for offset in 0..14 {
            let today = date!(2026 - 12 - 02) + Duration::days(offset);
            let (starts, ends) = past_school(today);
            assert_eq!(starts.weekday(), Weekday::Monday);
            assert_eq!(ends.weekday(), Weekday::Friday);
            assert_eq!(
                crate::domain::completion::school_days(starts, ends).len(),
                10
            );
            let days_ago = (today - ends).whole_days();
            assert!(
                (3..=9).contains(&days_ago),
                "{today}: ended {days_ago} days ago"
            );
        }
        let base = parse_catalog(SHIPPED_CATALOG).unwrap();
        let past = demo_past_edition(&base, date!(2026 - 12 - 02));
        assert!(past.is_demo);
        assert_ne!(past.slug.as_str(), DEMO_EDITION_SLUG);
        for p in &past.programs {
            assert!(p.application_closes_at.date() < p.starts_on);
            assert_eq!(p.ends_on, date!(2026 - 11 - 27));
        }
    }

    #[test]
    fn the_cast_is_valid_input_and_covers_every_stage_and_role() {
        for a in &DEMO_APPLICANTS {
            EmailAddress::parse(&a.email()).unwrap();
            for name in [a.given_names, a.family_name, a.certificate_name] {
                PersonName::parse("name", name).unwrap();
            }
            assert!(
                crate::documents::fonts::can_draw(a.certificate_name),
                "{}",
                a.certificate_name
            );
            crate::domain::countries::CountryCode::parse(a.nationality).unwrap();
            let _ = a.birth_date();
        }
        let stages: std::collections::HashSet<_> = DEMO_APPLICANTS
            .iter()
            .map(|a| a.stage.message_key())
            .collect();
        assert_eq!(stages.len(), DEMO_APPLICANTS.len(), "one person per stage");
        let roles: std::collections::HashSet<_> = DEMO_ORGANIZERS.iter().map(|o| o.role).collect();
        assert_eq!(roles.len(), OrganizerRole::ALL.len());
        for o in &DEMO_ORGANIZERS {
            EmailAddress::parse(&o.email()).unwrap();
        }
    }
}
