//! The application form, parsed: each step's raw fields become typed values, or a list of problems
//! (field id + message key) that the page shows next to each field, in the applicant's language.

use time::{Date, Month};

use super::catalog::ApplicantCategory;
use super::status::DocumentKind;

pub use super::problem::Problem;

fn problem(field: &'static str, key: &'static str) -> Problem {
    Problem::new(field, key)
}

/// A person's name as they write it, in any script: in Unicode's composed form (NFC, so "é" typed
/// as "e" and a combining accent is stored, compared and printed as "é"), trimmed, inner spaces
/// collapsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub const MAX: usize = 100;

    pub fn parse(field: &'static str, raw: &str) -> Result<PersonName, Problem> {
        use unicode_normalization::UnicodeNormalization;
        let name = raw
            .nfc()
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if name.is_empty() {
            return Err(problem(field, "error-name-empty"));
        }
        if name.chars().count() > Self::MAX {
            return Err(Problem {
                field,
                key: "error-name-too-long",
                count: Some(Self::MAX as i64),
            });
        }
        let allowed = |c: char| {
            c.is_alphabetic() || c == ' ' || "'’‘-‐.·ʼ".contains(c) || is_combining_mark(c)
        };
        if !name.chars().all(allowed) {
            return Err(problem(field, "error-name-characters"));
        }
        Ok(PersonName(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Marks that combine with the letter before them, in every script (Unicode's general category
/// Mark): accents, but also the vowel signs and the virama of Indic scripts, without which
/// "Priyanka" in Devanagari could not be typed.
fn is_combining_mark(c: char) -> bool {
    unicode_normalization::char::is_combining_mark(c)
}

/// How a name is printed on the documents it goes on: whether their fonts draw every character,
/// and whether it fits the room each page gives it (wrapped, then shrunk to a floor size). The
/// documents answer (they own the fonts and the layout); the form asks, so that a name accepted
/// today always prints.
#[derive(Debug, Clone, Copy)]
pub struct NamePrinting {
    pub draws: fn(&str) -> bool,
    pub fits: fn(&str) -> bool,
    /// The messages when it does not: characters the fonts lack, a name too long for the page.
    pub script_key: &'static str,
    pub too_long_key: &'static str,
}

/// A person's name that prints: see [`NamePrinting`].
pub fn parse_printed_name(
    field: &'static str,
    raw: &str,
    printing: &NamePrinting,
) -> Result<PersonName, Problem> {
    let name = PersonName::parse(field, raw)?;
    if !(printing.draws)(name.as_str()) {
        return Err(problem(field, printing.script_key));
    }
    if !(printing.fits)(name.as_str()) {
        return Err(problem(field, printing.too_long_key));
    }
    Ok(name)
}

/// The name printed on certificates, badges and receipts.
pub fn parse_certificate_name(raw: &str, printing: &NamePrinting) -> Result<PersonName, Problem> {
    parse_printed_name("certificate_name", raw, printing)
}

/// A date typed as day, month and year fields.
pub fn parse_date(
    field: &'static str,
    day: &str,
    month: &str,
    year: &str,
) -> Result<Date, Problem> {
    let (day, month, year) = (day.trim(), month.trim(), year.trim());
    if day.is_empty() && month.is_empty() && year.is_empty() {
        return Err(problem(field, "error-date-empty"));
    }
    if day.is_empty() || month.is_empty() || year.is_empty() {
        return Err(problem(field, "error-date-incomplete"));
    }
    let number = |s: &str| s.parse::<u16>().ok();
    let (Some(d), Some(m), Some(y)) = (number(day), number(month), number(year)) else {
        return Err(problem(field, "error-date-real"));
    };
    if year.len() != 4 {
        return Err(problem(field, "error-date-year"));
    }
    let month = u8::try_from(m).ok().and_then(|m| Month::try_from(m).ok());
    let day = u8::try_from(d).ok();
    match (month, day) {
        (Some(month), Some(day)) => Date::from_calendar_date(i32::from(y), month, day)
            .map_err(|_| problem(field, "error-date-real")),
        _ => Err(problem(field, "error-date-real")),
    }
}

/// A date of birth: a real date, for someone at least 16 and at most 100 years old on `on`.
pub fn parse_birth_date(day: &str, month: &str, year: &str, on: Date) -> Result<Date, Problem> {
    let date = parse_date("birth_date", day, month, year)?;
    if date >= on {
        return Err(problem("birth_date", "error-birth-date-future"));
    }
    let age =
        on.year() - date.year() - i32::from((on.month(), on.day()) < (date.month(), date.day()));
    if age < 16 {
        return Err(Problem {
            field: "birth_date",
            key: "error-birth-date-young",
            count: Some(16),
        });
    }
    if age > 100 {
        return Err(problem("birth_date", "error-date-real"));
    }
    Ok(date)
}

/// A phone number in international format, kept as `+` and digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(raw: &str) -> Result<PhoneNumber, Problem> {
        let t = raw.trim();
        if t.is_empty() {
            return Err(problem("phone", "error-phone-empty"));
        }
        let compact: String = t
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')' | '\u{a0}'))
            .collect();
        let t = compact
            .strip_prefix("00")
            .map(|r| format!("+{r}"))
            .unwrap_or(compact);
        let Some(digits) = t.strip_prefix('+') else {
            return Err(problem("phone", "error-phone-international"));
        };
        if !digits.bytes().all(|b| b.is_ascii_digit())
            || !(8..=15).contains(&digits.len())
            || digits.starts_with('0')
        {
            return Err(problem("phone", "error-phone-international"));
        }
        Ok(PhoneNumber(t))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A short free text (an institution, an address line): trimmed, required or not, bounded.
pub fn parse_text(
    field: &'static str,
    raw: &str,
    required: bool,
    max: usize,
) -> Result<Option<String>, Problem> {
    let t = raw.trim();
    if t.is_empty() {
        return if required {
            Err(problem(field, "error-required"))
        } else {
            Ok(None)
        };
    }
    if t.chars().count() > max {
        return Err(Problem {
            field,
            key: "error-too-long",
            count: Some(max as i64),
        });
    }
    if t.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(problem(field, "error-characters"));
    }
    Ok(Some(t.to_owned()))
}

/// The motivation statement's bounds, shown to the applicant.
pub const MOTIVATION_MIN: usize = 200;
pub const MOTIVATION_MAX: usize = 4000;

pub fn parse_motivation(raw: &str) -> Result<String, Problem> {
    let t = raw.trim().replace("\r\n", "\n");
    let n = t.chars().count();
    if n == 0 {
        return Err(problem("motivation", "error-motivation-empty"));
    }
    if n < MOTIVATION_MIN {
        return Err(Problem {
            field: "motivation",
            key: "error-motivation-short",
            count: Some(MOTIVATION_MIN as i64),
        });
    }
    if n > MOTIVATION_MAX {
        return Err(Problem {
            field: "motivation",
            key: "error-motivation-long",
            count: Some(MOTIVATION_MAX as i64),
        });
    }
    Ok(t)
}

/// Self-assessed English level (the schools are taught in English).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnglishLevel {
    B1,
    B2,
    C1,
    C2,
    Native,
}

impl EnglishLevel {
    pub const ALL: [EnglishLevel; 5] = [
        EnglishLevel::B1,
        EnglishLevel::B2,
        EnglishLevel::C1,
        EnglishLevel::C2,
        EnglishLevel::Native,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EnglishLevel::B1 => "b1",
            EnglishLevel::B2 => "b2",
            EnglishLevel::C1 => "c1",
            EnglishLevel::C2 => "c2",
            EnglishLevel::Native => "native",
        }
    }

    pub fn parse(raw: &str) -> Result<EnglishLevel, Problem> {
        EnglishLevel::ALL
            .into_iter()
            .find(|l| l.as_str() == raw.trim())
            .ok_or_else(|| problem("english_level", "error-choose-one"))
    }
}

pub fn parse_category(raw: &str) -> Result<ApplicantCategory, Problem> {
    ApplicantCategory::ALL
        .into_iter()
        .find(|c| c.as_str() == raw.trim())
        .ok_or_else(|| problem("category", "error-choose-one"))
}

/// A yes/no radio.
pub fn parse_yes_no(field: &'static str, raw: &str) -> Result<bool, Problem> {
    match raw.trim() {
        "yes" => Ok(true),
        "no" => Ok(false),
        _ => Err(problem(field, "error-choose-one")),
    }
}

/// The year of study, asked of medical students.
pub fn parse_study_year(raw: &str) -> Result<i32, Problem> {
    match raw.trim().parse::<i32>() {
        Ok(y) if (1..=7).contains(&y) => Ok(y),
        _ if raw.trim().is_empty() => Err(problem("study_year", "error-study-year-empty")),
        _ => Err(Problem {
            field: "study_year",
            key: "error-study-year-range",
            count: Some(7),
        }),
    }
}

/// What an applicant wrote so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplicationForm {
    pub given_names: Option<String>,
    pub family_name: Option<String>,
    pub certificate_name: Option<String>,
    pub birth_date: Option<Date>,
    pub nationality: Option<String>,
    pub residence_country: Option<String>,
    pub phone: Option<String>,
    pub address_line1: Option<String>,
    pub address_line2: Option<String>,
    pub address_city: Option<String>,
    pub address_postcode: Option<String>,
    pub address_country: Option<String>,
    pub category: Option<String>,
    pub study_year: Option<i32>,
    pub institution: Option<String>,
    pub institution_country: Option<String>,
    pub partner_university: Option<bool>,
    pub english_level: Option<String>,
    pub motivation: Option<String>,
    pub privacy_version: Option<String>,
    pub terms_version: Option<String>,
    /// The fee tier asked for, by code (only when the program has several).
    pub requested_fee_tier: Option<String>,
    /// A discount code, normalized, checked when typed and again when the offer is made.
    pub discount_code: Option<String>,
}

/// The documents every application needs.
pub const REQUIRED_DOCUMENTS: [DocumentKind; 3] = [
    DocumentKind::Cv,
    DocumentKind::MotivationLetter,
    DocumentKind::ProofOfStatus,
];

/// What a draft still lacks before it can be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gap {
    /// A field of the form, by its id (`given_names`, `address`, `consent`…).
    Answer(&'static str),
    /// A required question of the program, by its key.
    Question(String),
    Document(DocumentKind),
}

/// What the completeness rule needs to know of the program and the uploads.
#[derive(Debug, Clone, Copy)]
pub struct DraftContext<'a> {
    /// The program offers more than one fee tier, so one must be chosen.
    pub several_tiers: bool,
    /// The tier asked for is a reduced one: a proof is needed.
    pub asks_reduced: bool,
    /// The program's questions: (key, required).
    pub questions: &'a [(&'a str, bool)],
    /// The applicant's answers: (key, value).
    pub answers: &'a [(String, String)],
    /// The kinds of the documents uploaded.
    pub uploaded: &'a [DocumentKind],
}

/// The documents an application needs: a proof too when it asks for a reduced tier.
pub fn needed_documents(asks_reduced: bool) -> Vec<DocumentKind> {
    let mut kinds = REQUIRED_DOCUMENTS.to_vec();
    if asks_reduced {
        kinds.push(DocumentKind::FeeProof);
    }
    kinds
}

impl ApplicationForm {
    /// Everything the draft still lacks, in the order of the steps; empty when it can be sent.
    pub fn gaps(&self, cx: DraftContext<'_>) -> Vec<Gap> {
        let text = |v: &Option<String>| v.as_deref().is_some_and(|t| !t.trim().is_empty());
        let mut gaps: Vec<Gap> = [
            ("given_names", text(&self.given_names)),
            ("family_name", text(&self.family_name)),
            ("certificate_name", text(&self.certificate_name)),
            ("birth_date", self.birth_date.is_some()),
            ("nationality", text(&self.nationality)),
            ("residence_country", text(&self.residence_country)),
            ("phone", text(&self.phone)),
            ("address", text(&self.address_line1)),
            ("category", text(&self.category)),
            ("institution", text(&self.institution)),
            ("institution_country", text(&self.institution_country)),
            ("partner_university", self.partner_university.is_some()),
            ("english_level", text(&self.english_level)),
            (
                "requested_fee_tier",
                !cx.several_tiers || text(&self.requested_fee_tier),
            ),
            ("motivation", text(&self.motivation)),
        ]
        .into_iter()
        .filter(|(_, present)| !present)
        .map(|(field, _)| Gap::Answer(field))
        .collect();
        for (key, required) in cx.questions {
            let answered = cx
                .answers
                .iter()
                .any(|(k, v)| k == key && (v == "yes" || v == "no"));
            if *required && !answered {
                gaps.push(Gap::Question((*key).to_owned()));
            }
        }
        for kind in needed_documents(cx.asks_reduced) {
            if !cx.uploaded.contains(&kind) {
                gaps.push(Gap::Document(kind));
            }
        }
        if self.privacy_version.is_none() {
            gaps.push(Gap::Answer("consent"));
        }
        gaps
    }
}

#[cfg(test)]
mod tests {
    fn complete_form() -> ApplicationForm {
        let t = |v: &str| Some(v.to_owned());
        ApplicationForm {
            given_names: t("Thị Minh Khai"),
            family_name: t("Nguyễn"),
            certificate_name: t("Nguyễn Thị Minh Khai"),
            birth_date: Some(time::macros::date!(2000 - 01 - 31)),
            nationality: t("VN"),
            residence_country: t("VN"),
            phone: t("+84 24 3825 1234"),
            address_line1: t("1 Phố Huế"),
            address_city: t("Hà Nội"),
            address_country: t("VN"),
            category: t("student"),
            study_year: Some(5),
            institution: t("Hanoi Medical University"),
            institution_country: t("VN"),
            partner_university: Some(false),
            english_level: t("c1"),
            motivation: t(&"I want to learn. ".repeat(20)),
            privacy_version: t("2026-01"),
            terms_version: t("2026-01"),
            ..ApplicationForm::default()
        }
    }

    #[test]
    fn a_draft_can_be_sent_when_nothing_is_missing_and_says_what_is() {
        let questions = [("health_profession", true), ("dietary", false)];
        let answered = vec![("health_profession".to_owned(), "yes".to_owned())];
        let all_documents = REQUIRED_DOCUMENTS.to_vec();
        let cx = DraftContext {
            several_tiers: false,
            asks_reduced: false,
            questions: &questions,
            answers: &answered,
            uploaded: &all_documents,
        };
        assert_eq!(complete_form().gaps(cx), vec![]);

        let mut form = complete_form();
        form.phone = Some("  ".into());
        form.privacy_version = None;
        let none: Vec<(String, String)> = Vec::new();
        let gaps = form.gaps(DraftContext {
            several_tiers: true,
            asks_reduced: true,
            answers: &none,
            uploaded: &[DocumentKind::Cv],
            ..cx
        });
        assert_eq!(
            gaps,
            vec![
                Gap::Answer("phone"),
                Gap::Answer("requested_fee_tier"),
                Gap::Question("health_profession".into()),
                Gap::Document(DocumentKind::MotivationLetter),
                Gap::Document(DocumentKind::ProofOfStatus),
                Gap::Document(DocumentKind::FeeProof),
                Gap::Answer("consent"),
            ]
        );
    }

    use super::*;
    use time::macros::date;

    #[test]
    fn names_from_any_script_are_kept_exactly() {
        for name in [
            "Hélène Dupont-Moreau",
            "Łukasz Żółkiewski",
            "Nguyễn Thị Minh Khai",
            "Γεώργιος Παπαδόπουλος",
            "Анна Кузнецова",
            "Seán O'Brien",
            "D’Artagnan",
            "张伟",
        ] {
            assert_eq!(
                PersonName::parse("given_names", name).unwrap().as_str(),
                name
            );
        }
        assert_eq!(
            PersonName::parse("f", "  Ana   Maria ").unwrap().as_str(),
            "Ana Maria"
        );
        assert_eq!(
            PersonName::parse("f", " ").unwrap_err().key,
            "error-name-empty"
        );
        assert_eq!(
            PersonName::parse("f", "R2-D2").unwrap_err().key,
            "error-name-characters"
        );
        assert_eq!(
            PersonName::parse("f", "<script>").unwrap_err().key,
            "error-name-characters"
        );
        assert_eq!(
            PersonName::parse("f", &"a".repeat(101)).unwrap_err().key,
            "error-name-too-long"
        );
    }

    const NO_CJK_TWENTY_WIDE: NamePrinting = NamePrinting {
        draws: |s| s.chars().all(|c| (c as u32) < 0x4E00),
        fits: |s| s.chars().count() <= 20,
        script_key: "error-certificate-name-script",
        too_long_key: "error-certificate-name-too-long",
    };

    #[test]
    fn a_certificate_name_must_print_in_the_fonts_and_in_the_room() {
        assert!(parse_certificate_name("Zhang Wei", &NO_CJK_TWENTY_WIDE).is_ok());
        assert_eq!(
            parse_certificate_name("张伟", &NO_CJK_TWENTY_WIDE)
                .unwrap_err()
                .key,
            "error-certificate-name-script"
        );
        assert_eq!(
            parse_certificate_name("Maria Fernanda da Silva Rodrigues", &NO_CJK_TWENTY_WIDE)
                .unwrap_err()
                .key,
            "error-certificate-name-too-long"
        );
    }

    #[test]
    fn names_are_stored_composed_and_take_the_marks_of_every_script() {
        // Typed decomposed (NFD): e + combining circumflex + combining tilde.
        let nfd = "Nguye\u{0302}\u{0303}n Thi\u{0323}";
        let name = PersonName::parse("given_names", nfd).unwrap();
        assert_eq!(name.as_str(), "Nguyễn Thị");
        assert_eq!(name.as_str().chars().count(), 10);
        // Devanagari with its vowel signs and virama (U+094D), Tamil, Thai, Bengali.
        for name in ["प्रियंका शर्मा", "கார்த்திக்", "สมชาย", "সৌমিত্র"]
        {
            assert_eq!(
                PersonName::parse("given_names", name).unwrap().as_str(),
                name
            );
        }
        // Symbols are not letters, in any script.
        assert_eq!(
            PersonName::parse("f", "Anna ©").unwrap_err().key,
            "error-name-characters"
        );
    }

    #[test]
    fn dates_of_birth_are_real_past_and_adult() {
        let on = date!(2027 - 07 - 05);
        assert_eq!(
            parse_birth_date("29", "2", "2000", on).unwrap(),
            date!(2000 - 02 - 29)
        );
        assert_eq!(
            parse_birth_date("29", "2", "2001", on).unwrap_err().key,
            "error-date-real"
        );
        assert_eq!(
            parse_birth_date("", "", "", on).unwrap_err().key,
            "error-date-empty"
        );
        assert_eq!(
            parse_birth_date("3", "", "1990", on).unwrap_err().key,
            "error-date-incomplete"
        );
        assert_eq!(
            parse_birth_date("3", "4", "90", on).unwrap_err().key,
            "error-date-year"
        );
        assert_eq!(
            parse_birth_date("1", "1", "2030", on).unwrap_err().key,
            "error-birth-date-future"
        );
        assert_eq!(
            parse_birth_date("6", "7", "2011", on).unwrap_err().key,
            "error-birth-date-young"
        );
        assert!(
            parse_birth_date("5", "7", "2011", on).is_ok(),
            "16 on the day"
        );
    }

    #[test]
    fn phones_are_international() {
        assert_eq!(
            PhoneNumber::parse("+33 6 12 34 56 78").unwrap().as_str(),
            "+33612345678"
        );
        assert_eq!(
            PhoneNumber::parse("0048 (22) 123-45-67").unwrap().as_str(),
            "+48221234567"
        );
        assert_eq!(
            PhoneNumber::parse("06 12 34 56 78").unwrap_err().key,
            "error-phone-international"
        );
        assert_eq!(
            PhoneNumber::parse("+1 555").unwrap_err().key,
            "error-phone-international"
        );
        assert_eq!(PhoneNumber::parse("").unwrap_err().key, "error-phone-empty");
    }

    #[test]
    fn the_motivation_has_shown_bounds() {
        assert_eq!(
            parse_motivation("too short").unwrap_err().count,
            Some(MOTIVATION_MIN as i64)
        );
        assert!(parse_motivation(&"word ".repeat(50)).is_ok());
        assert_eq!(
            parse_motivation(&"x".repeat(MOTIVATION_MAX + 1))
                .unwrap_err()
                .key,
            "error-motivation-long"
        );
    }
}
