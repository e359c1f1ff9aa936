//! The visa invitation letter: the passport data an admitted applicant gives only when they ask for
//! one, checked here, and the plain record the letter is printed from.
//!
//! Passport data is the most sensitive data the service holds: it is asked for only here, shown only
//! to its owner (and printed on their letter), and erased once the school is over.

use time::{Date, Duration};

use super::application::{NamePrinting, Problem, parse_birth_date, parse_date, parse_printed_name};
use super::countries::CountryCode;
use super::locale::Locale;
use super::status::ApplicationStatus;

/// Months a passport must stay valid after the school ends (the Schengen rule is three months
/// after leaving the area).
pub const PASSPORT_MARGIN_DAYS: i64 = 92;

/// What the applicant typed, field by field (kept as typed when the form is refused), under the
/// page's field names (a date is three fields: `birth_date-day`, `-month`, `-year`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct VisaForm {
    pub passport_name: String,
    pub passport_number: String,
    pub nationality: String,
    #[serde(rename = "birth_date-day")]
    pub birth_day: String,
    #[serde(rename = "birth_date-month")]
    pub birth_month: String,
    #[serde(rename = "birth_date-year")]
    pub birth_year: String,
    #[serde(rename = "passport_expiry-day")]
    pub expiry_day: String,
    #[serde(rename = "passport_expiry-month")]
    pub expiry_month: String,
    #[serde(rename = "passport_expiry-year")]
    pub expiry_year: String,
}

/// The passport data, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassportData {
    /// The name exactly as in the passport.
    pub name: String,
    /// Upper-case letters and digits, spaces removed.
    pub number: String,
    pub nationality: CountryCode,
    pub birth_date: Date,
    pub expires_on: Date,
}

fn problem(field: &'static str, key: &'static str) -> Problem {
    Problem {
        field,
        key,
        count: None,
    }
}

/// Checks the form for a school ending on `school_ends_on`, on `today`: every problem at once.
pub fn parse_visa_form(
    form: &VisaForm,
    printing: &NamePrinting,
    school_ends_on: Date,
    today: Date,
) -> Result<PassportData, Vec<Problem>> {
    let mut problems = Vec::new();
    let name = parse_printed_name("passport_name", &form.passport_name, printing)
        .map_err(|p| problems.push(p))
        .ok();
    let number: String = form
        .passport_number
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    let number = if number.is_empty() {
        problems.push(problem("passport_number", "error-passport-number-empty"));
        None
    } else if !(5..=20).contains(&number.len())
        || !number.chars().all(|c| c.is_ascii_alphanumeric())
    {
        problems.push(problem("passport_number", "error-passport-number"));
        None
    } else {
        Some(number)
    };
    let nationality = CountryCode::parse(&form.nationality)
        .map_err(|_| problems.push(problem("nationality", "error-country")))
        .ok();
    let birth_date = parse_birth_date(&form.birth_day, &form.birth_month, &form.birth_year, today)
        .map_err(|p| problems.push(p))
        .ok();
    let needed = school_ends_on + Duration::days(PASSPORT_MARGIN_DAYS);
    let expires_on = match parse_date(
        "passport_expiry",
        &form.expiry_day,
        &form.expiry_month,
        &form.expiry_year,
    ) {
        Ok(d) if d < needed => {
            problems.push(problem("passport_expiry", "error-passport-expiry"));
            None
        }
        Ok(d) => Some(d),
        Err(p) => {
            problems.push(p);
            None
        }
    };
    match (name, number, nationality, birth_date, expires_on) {
        (Some(name), Some(number), Some(nationality), Some(birth_date), Some(expires_on))
            if problems.is_empty() =>
        {
            Ok(PassportData {
                name: name.as_str().to_owned(),
                number,
                nationality,
                birth_date,
                expires_on,
            })
        }
        _ => Err(problems),
    }
}

/// The first day a passport must still be valid on, for a school ending on `school_ends_on`.
pub fn passport_valid_until_at_least(school_ends_on: Date) -> Date {
    school_ends_on + Duration::days(PASSPORT_MARGIN_DAYS)
}

/// Everything the letter says, in its language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisaLetterRecord {
    pub locale: Locale,
    /// `V-2026-00012`.
    pub number: String,
    pub issued_on: Date,
    pub institution: String,
    pub faculty: String,
    pub signatory_name: String,
    pub signatory_title: String,
    pub place_of_issue: String,
    pub contact_email: String,
    pub passport: PassportData,
    /// The nationality named in the letter's language.
    pub nationality_name: String,
    pub program_title: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub place: String,
    pub hours: u16,
    /// Enrolled (fee settled) rather than admitted and yet to pay.
    pub enrolled: bool,
    /// Where a consulate checks the letter (`…/verify/{code}`), printed and in the QR code.
    pub verification_url: String,
    /// A demo's letter: it says DEMO on the page.
    pub demo: bool,
}

/// A letter's number: `V-2026-00012`, or `DEMO-V-2026-00001` in a demo's own series.
pub fn letter_number(demo: bool, year: i32, n: i64) -> String {
    let number = format!("V-{year}-{n:05}");
    if demo {
        super::demo::demo_number(&number)
    } else {
        number
    }
}

/// What `/verify` says of a letter, from the application as it stands now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LetterStatus {
    /// The applicant has a place (admitted or enrolled) and the school is still to come or going on.
    Valid,
    /// The place was given up, withdrawn, cancelled or lost: the letter no longer stands.
    Withdrawn,
    /// The school is over.
    Ended,
}

impl LetterStatus {
    /// The letter of an application in `status`, for a school ending on `ends_on`, seen `today`.
    pub fn of(status: ApplicationStatus, ends_on: Date, today: Date) -> LetterStatus {
        use ApplicationStatus::*;
        match status {
            Accepted | Enrolled if today <= ends_on => LetterStatus::Valid,
            Accepted | Enrolled | Completed | NotCompleted => LetterStatus::Ended,
            _ => LetterStatus::Withdrawn,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LetterStatus::Valid => "valid",
            LetterStatus::Withdrawn => "withdrawn",
            LetterStatus::Ended => "ended",
        }
    }
}

/// The erasure rule: passport data of a school that ended before `today` is erased.
pub fn due_for_erasure(school_ends_on: Date, today: Date) -> bool {
    school_ends_on < today
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    /// Every name prints (the documents' own rule is tested with the documents).
    const ANY: NamePrinting = NamePrinting {
        draws: |_| true,
        fits: |_| true,
        script_key: "error-passport-name-script",
        too_long_key: "error-passport-name-too-long",
    };

    fn form() -> VisaForm {
        VisaForm {
            passport_name: "  NGUYEN  Thi Minh Khai ".into(),
            passport_number: "c 1234 567".into(),
            nationality: "VN".into(),
            birth_day: "14".into(),
            birth_month: "3".into(),
            birth_year: "1999".into(),
            expiry_day: "1".into(),
            expiry_month: "1".into(),
            expiry_year: "2030".into(),
        }
    }

    #[test]
    fn passport_data_is_normalised() {
        let d =
            parse_visa_form(&form(), &ANY, date!(2026 - 07 - 17), date!(2026 - 04 - 01)).unwrap();
        assert_eq!(d.name, "NGUYEN Thi Minh Khai");
        assert_eq!(d.number, "C1234567");
        assert_eq!(d.nationality.as_str(), "VN");
        assert_eq!(d.birth_date, date!(1999 - 03 - 14));
        assert_eq!(d.expires_on, date!(2030 - 01 - 01));
    }

    #[test]
    fn every_problem_is_named_at_once() {
        let mut f = form();
        f.passport_number = "12#4".into();
        f.nationality = "XX".into();
        f.expiry_year = "2026".into();
        f.expiry_month = "8".into();
        f.passport_name = String::new();
        let problems =
            parse_visa_form(&f, &ANY, date!(2026 - 07 - 17), date!(2026 - 04 - 01)).unwrap_err();
        let keys: Vec<(&str, &str)> = problems.iter().map(|p| (p.field, p.key)).collect();
        assert_eq!(
            keys,
            [
                ("passport_name", "error-name-empty"),
                ("passport_number", "error-passport-number"),
                ("nationality", "error-country"),
                ("passport_expiry", "error-passport-expiry"),
            ]
        );
        assert_eq!(
            passport_valid_until_at_least(date!(2026 - 07 - 17)),
            date!(2026 - 10 - 17)
        );
    }

    #[test]
    fn a_letter_stands_while_the_place_does_and_until_the_school_ends() {
        let ends = date!(2026 - 07 - 17);
        let before = date!(2026 - 05 - 01);
        for s in [ApplicationStatus::Accepted, ApplicationStatus::Enrolled] {
            assert_eq!(LetterStatus::of(s, ends, before), LetterStatus::Valid);
            assert_eq!(LetterStatus::of(s, ends, ends), LetterStatus::Valid);
            assert_eq!(
                LetterStatus::of(s, ends, ends.next_day().unwrap()),
                LetterStatus::Ended
            );
        }
        assert_eq!(
            LetterStatus::of(ApplicationStatus::Completed, ends, before),
            LetterStatus::Ended
        );
        for s in [
            ApplicationStatus::Withdrawn,
            ApplicationStatus::Cancelled,
            ApplicationStatus::Expired,
        ] {
            assert_eq!(LetterStatus::of(s, ends, before), LetterStatus::Withdrawn);
        }
    }

    #[test]
    fn data_is_erased_once_the_school_is_over() {
        assert!(!due_for_erasure(
            date!(2026 - 07 - 17),
            date!(2026 - 07 - 17)
        ));
        assert!(due_for_erasure(
            date!(2026 - 07 - 17),
            date!(2026 - 07 - 18)
        ));
    }
}
