//! Who completed a school: attendance per school day and the assessment, against the program's
//! completion rule. Pure: the store keeps the marks, batch issuance asks here.

use time::{Date, Weekday};

/// What a participant must have done to be certified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompletionRule {
    /// Days present, at least (the brochure's schools: 10 school days).
    pub min_days_present: u16,
    /// A passed assessment is required.
    pub assessment_required: bool,
}

/// What the organizers recorded of one participant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Participation {
    pub days_present: u16,
    /// `None` until the result is entered.
    pub passed: Option<bool>,
    /// The AFGSU 2 practical validation (Hands-on school), `None` until entered.
    pub afgsu_validated: Option<bool>,
}

/// A participant's result as an organizer enters it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultEntry {
    pub passed: bool,
    /// A grade when the program gives one ("16/20", "A").
    pub grade: Option<String>,
    /// The AFGSU 2 practical validation (Hands-on school only).
    pub afgsu_validated: Option<bool>,
}

/// Most characters in a grade.
pub const GRADE_MAX: usize = 20;

/// A grade that cannot be printed: too long, or holding control characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a grade has at most {GRADE_MAX} printable characters")]
pub struct BadGrade;

/// A grade as typed: trimmed, empty is none.
pub fn parse_grade(text: &str) -> Result<Option<String>, BadGrade> {
    let grade = text.trim();
    if grade.chars().count() > GRADE_MAX || grade.chars().any(char::is_control) {
        return Err(BadGrade);
    }
    Ok((!grade.is_empty()).then(|| grade.to_owned()))
}

/// A result as typed in a form or a results file: passed or not (English or French words, yes/no,
/// 1/0); `None` when it is none of them.
pub fn parse_passed(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "pass" | "passed" | "yes" | "y" | "1" | "true" | "admis" | "admise" | "réussi"
        | "reussi" | "oui" | "validé" | "valide" | "validated" => Some(true),
        "fail" | "failed" | "no" | "n" | "0" | "false" | "ajourné" | "ajourne" | "ajournée"
        | "échec" | "echec" | "non" | "not passed" | "not validated" | "non validé" => {
            Some(false)
        }
        _ => None,
    }
}

/// What is wrong with one participant's result as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryProblem {
    /// Not a result we understand (empty when a grade or AFGSU value came without one).
    BadResult(String),
    BadGrade,
    /// Not an AFGSU 2 validation we understand.
    BadAfgsu(String),
}

/// One participant's result as typed, in the cohort grid or on a line of a results file: one rule
/// for both. `Ok(None)` when nothing is typed; every problem of the entry otherwise.
pub fn parse_result_entry(
    result: &str,
    grade: &str,
    afgsu: &str,
) -> Result<Option<ResultEntry>, Vec<EntryProblem>> {
    let mut problems = Vec::new();
    let grade = parse_grade(grade).map_err(|_| problems.push(EntryProblem::BadGrade));
    let afgsu_validated = match afgsu.trim() {
        "" => Ok(None),
        text => parse_passed(text)
            .map(Some)
            .ok_or_else(|| problems.push(EntryProblem::BadAfgsu(text.to_owned()))),
    };
    let passed = match result.trim() {
        "" if problems.is_empty()
            && matches!(grade, Ok(None))
            && matches!(afgsu_validated, Ok(None)) =>
        {
            return Ok(None);
        }
        text => parse_passed(text)
            .ok_or_else(|| problems.push(EntryProblem::BadResult(text.to_owned()))),
    };
    match (passed, grade, afgsu_validated) {
        (Ok(passed), Ok(grade), Ok(afgsu_validated)) => Ok(Some(ResultEntry {
            passed,
            grade,
            afgsu_validated,
        })),
        _ => Err(problems),
    }
}

/// What is wrong with one line of a results file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportProblem {
    /// The file has no header naming this column.
    MissingColumn(&'static str),
    /// The file is not readable as CSV (or not UTF-8).
    Unreadable,
    /// The file has no line after its header.
    Empty,
    /// More lines than a cohort can have.
    TooLong,
    /// No enrolled participant has this address.
    UnknownParticipant(String),
    /// The same participant twice.
    Duplicate(String),
    /// Not a result we understand.
    BadResult(String),
    BadGrade,
    BadAfgsu(String),
}

/// One problem, with its line (1 is the header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub line: usize,
    pub problem: ImportProblem,
}

/// Most data lines in a results file.
pub const IMPORT_MAX_LINES: usize = 2000;

/// Reads a results file: a header line naming `email` and `result`, and optionally `grade` and
/// `afgsu` (any order, any case), separated by commas or semicolons (what spreadsheets export in
/// French), one participant per line. `participants` are the enrolled ones as (email, id). Every
/// line is checked; the results come back only when every line is right, so a file with a mistake
/// records nothing.
pub fn parse_results_csv(
    bytes: &[u8],
    participants: &[(String, String)],
) -> Result<Vec<(String, ResultEntry)>, Vec<ImportError>> {
    let one = |line, problem| vec![ImportError { line, problem }];
    let text = std::str::from_utf8(bytes).map_err(|_| one(1, ImportProblem::Unreadable))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let header_line = text.lines().next().unwrap_or_default();
    let delimiter = if header_line.matches(';').count() > header_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|_| one(1, ImportProblem::Unreadable))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let email_at = column("email").ok_or_else(|| one(1, ImportProblem::MissingColumn("email")))?;
    let result_at =
        column("result").ok_or_else(|| one(1, ImportProblem::MissingColumn("result")))?;
    let grade_at = column("grade");
    let afgsu_at = column("afgsu");
    let mut errors = Vec::new();
    let mut results: Vec<(String, ResultEntry)> = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let line = i + 2;
        if i >= IMPORT_MAX_LINES {
            return Err(one(line, ImportProblem::TooLong));
        }
        let Ok(row) = row else {
            errors.push(ImportError {
                line,
                problem: ImportProblem::Unreadable,
            });
            continue;
        };
        if row.iter().all(str::is_empty) {
            continue;
        }
        let cell = |at: Option<usize>| at.and_then(|a| row.get(a)).unwrap_or("");
        let mut problem = |p| errors.push(ImportError { line, problem: p });
        let email = cell(Some(email_at)).to_lowercase();
        let Some((_, id)) = participants.iter().find(|(e, _)| e.to_lowercase() == email) else {
            problem(ImportProblem::UnknownParticipant(email));
            continue;
        };
        if results.iter().any(|(seen, _)| seen == id) {
            problem(ImportProblem::Duplicate(email));
            continue;
        }
        match parse_result_entry(cell(Some(result_at)), cell(grade_at), cell(afgsu_at)) {
            Ok(Some(entry)) => results.push((id.clone(), entry)),
            // A participant named with nothing to record is a mistake in a file.
            Ok(None) => problem(ImportProblem::BadResult(String::new())),
            Err(problems) => {
                for p in problems {
                    problem(match p {
                        EntryProblem::BadResult(text) => ImportProblem::BadResult(text),
                        EntryProblem::BadGrade => ImportProblem::BadGrade,
                        EntryProblem::BadAfgsu(text) => ImportProblem::BadAfgsu(text),
                    });
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if results.is_empty() {
        return Err(one(2, ImportProblem::Empty));
    }
    Ok(results)
}

/// Why a participant does not complete, for the organizers' list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortfall {
    Attendance { present: u16, required: u16 },
    NoResult,
    Failed,
}

impl CompletionRule {
    /// Every school day by default.
    pub fn every_day(starts_on: Date, ends_on: Date) -> CompletionRule {
        CompletionRule {
            min_days_present: school_days(starts_on, ends_on).len() as u16,
            assessment_required: true,
        }
    }

    /// Whether `p` completes; the first shortfall otherwise (attendance first: it is what
    /// organizers can still correct from their grid).
    pub fn check(&self, p: &Participation) -> Result<(), Shortfall> {
        if p.days_present < self.min_days_present {
            return Err(Shortfall::Attendance {
                present: p.days_present,
                required: self.min_days_present,
            });
        }
        if self.assessment_required {
            match p.passed {
                None => return Err(Shortfall::NoResult),
                Some(false) => return Err(Shortfall::Failed),
                Some(true) => {}
            }
        }
        Ok(())
    }

    /// Whether `p` also earns the AFGSU 2 attestation: the school completed and the practical
    /// validation recorded as passed.
    pub fn afgsu(&self, p: &Participation) -> bool {
        self.check(p).is_ok() && p.afgsu_validated == Some(true)
    }
}

/// The school's days: Monday to Friday from the first day to the last (6–17 July 2026: ten days).
pub fn school_days(starts_on: Date, ends_on: Date) -> Vec<Date> {
    let mut days = Vec::new();
    let mut d = starts_on;
    while d <= ends_on {
        if !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) {
            days.push(d);
        }
        match d.next_day() {
            Some(next) => d = next,
            None => break,
        }
    }
    days
}

/// The value of the attendance grid's box for one participant on one day (`{application}|{day}`).
pub fn attendance_box(application_id: &str, day: Date) -> String {
    format!("{application_id}|{day}")
}

/// One participant's row of the attendance grid: the days recorded present so far.
#[derive(Debug, Clone, Copy)]
pub struct AttendanceRow<'a> {
    pub application_id: &'a str,
    pub days_present: &'a [Date],
}

/// One school day's attendance to record: every participant, present or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayMarks {
    pub day: Date,
    pub marks: Vec<(String, bool)>,
}

/// What the posted grid changes: for each school day up to `today` (days to come cannot be
/// marked), the whole day's marks, when at least one box differs from what is recorded. `checked`
/// holds the boxes ticked, as [`attendance_box`] names them.
pub fn attendance_changes(
    days: &[Date],
    today: Date,
    rows: &[AttendanceRow<'_>],
    checked: &std::collections::HashSet<String>,
) -> Vec<DayMarks> {
    days.iter()
        .filter(|d| **d <= today)
        .filter_map(|&day| {
            let marks: Vec<(String, bool)> = rows
                .iter()
                .map(|r| {
                    let present = checked.contains(&attendance_box(r.application_id, day));
                    (r.application_id.to_owned(), present)
                })
                .collect();
            let changed = rows
                .iter()
                .zip(&marks)
                .any(|(r, (_, present))| r.days_present.contains(&day) != *present);
            changed.then_some(DayMarks { day, marks })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn one_rule_reads_a_typed_result_wherever_it_is_typed() {
        assert_eq!(parse_result_entry("", "", ""), Ok(None));
        assert_eq!(
            parse_result_entry(" admis ", "16/20", "oui"),
            Ok(Some(ResultEntry {
                passed: true,
                grade: Some("16/20".into()),
                afgsu_validated: Some(true),
            }))
        );
        assert_eq!(
            parse_result_entry("passed", "", "maybe"),
            Err(vec![EntryProblem::BadAfgsu("maybe".into())])
        );
        assert_eq!(
            parse_result_entry("", "16/20", ""),
            Err(vec![EntryProblem::BadResult(String::new())])
        );
        assert_eq!(
            parse_result_entry("perhaps", &"9".repeat(GRADE_MAX + 1), "x"),
            Err(vec![
                EntryProblem::BadGrade,
                EntryProblem::BadAfgsu("x".into()),
                EntryProblem::BadResult("perhaps".into()),
            ])
        );
    }

    fn cohort() -> Vec<(String, String)> {
        vec![
            ("zofia@example.org".into(), "a1".into()),
            ("minh@example.org".into(), "a2".into()),
            ("eleni@example.org".into(), "a3".into()),
        ]
    }

    #[test]
    fn a_results_file_from_a_spreadsheet_is_read_in_either_language_and_separator() {
        let file = "\u{feff}Email;Result;Grade;AFGSU\nZofia@Example.org;admis;16/20;oui\nminh@example.org ; ajourné ; ; \n\n";
        let read = parse_results_csv(file.as_bytes(), &cohort()).unwrap();
        assert_eq!(
            read,
            [
                (
                    "a1".to_owned(),
                    ResultEntry {
                        passed: true,
                        grade: Some("16/20".into()),
                        afgsu_validated: Some(true)
                    }
                ),
                (
                    "a2".to_owned(),
                    ResultEntry {
                        passed: false,
                        grade: None,
                        afgsu_validated: None
                    }
                ),
            ]
        );
        let file = "result,email\npassed,\"eleni@example.org\"\n";
        assert_eq!(
            parse_results_csv(file.as_bytes(), &cohort()).unwrap().len(),
            1
        );
    }

    #[test]
    fn every_wrong_line_is_named_and_nothing_is_taken_from_a_wrong_file() {
        let file = "email,result,grade,afgsu\n\
            zofia@example.org,passed,16/20,yes\n\
            stranger@example.org,passed,,\n\
            zofia@example.org,passed,,\n\
            minh@example.org,maybe,,\n\
            eleni@example.org,passed,a grade far too long for any certificate,perhaps\n";
        let errors = parse_results_csv(file.as_bytes(), &cohort()).unwrap_err();
        let got: Vec<(usize, ImportProblem)> =
            errors.into_iter().map(|e| (e.line, e.problem)).collect();
        assert_eq!(
            got,
            [
                (
                    3,
                    ImportProblem::UnknownParticipant("stranger@example.org".into())
                ),
                (4, ImportProblem::Duplicate("zofia@example.org".into())),
                (5, ImportProblem::BadResult("maybe".into())),
                (6, ImportProblem::BadGrade),
                (6, ImportProblem::BadAfgsu("perhaps".into())),
            ]
        );
        let missing = parse_results_csv(b"mail,result\nx,passed\n", &cohort()).unwrap_err();
        assert_eq!(missing[0].problem, ImportProblem::MissingColumn("email"));
        let empty = parse_results_csv(b"email,result\n", &cohort()).unwrap_err();
        assert_eq!(empty[0].problem, ImportProblem::Empty);
        let binary = parse_results_csv(&[0xff, 0xfe, 0x00], &cohort()).unwrap_err();
        assert_eq!(binary[0].problem, ImportProblem::Unreadable);
    }

    #[test]
    fn the_july_schools_have_ten_days() {
        let days = school_days(date!(2026 - 07 - 06), date!(2026 - 07 - 17));
        assert_eq!(days.len(), 10);
        assert_eq!(days[0], date!(2026 - 07 - 06));
        assert_eq!(days[5], date!(2026 - 07 - 13), "the weekend is skipped");
        assert!(school_days(date!(2026 - 07 - 11), date!(2026 - 07 - 12)).is_empty());
    }

    #[test]
    fn attendance_then_the_assessment_decide() {
        let rule = CompletionRule {
            min_days_present: 9,
            assessment_required: true,
        };
        let p = |days, passed, afgsu| Participation {
            days_present: days,
            passed,
            afgsu_validated: afgsu,
        };
        assert_eq!(rule.check(&p(10, Some(true), None)), Ok(()));
        assert_eq!(rule.check(&p(9, Some(true), None)), Ok(()));
        assert_eq!(
            rule.check(&p(8, Some(true), None)),
            Err(Shortfall::Attendance {
                present: 8,
                required: 9
            })
        );
        assert_eq!(rule.check(&p(10, None, None)), Err(Shortfall::NoResult));
        assert_eq!(
            rule.check(&p(10, Some(false), None)),
            Err(Shortfall::Failed)
        );
        assert!(rule.afgsu(&p(10, Some(true), Some(true))));
        assert!(!rule.afgsu(&p(10, Some(true), Some(false))));
        assert!(!rule.afgsu(&p(10, Some(true), None)));
        assert!(
            !rule.afgsu(&p(5, Some(true), Some(true))),
            "the school comes first"
        );
        let attendance_only = CompletionRule {
            min_days_present: 10,
            assessment_required: false,
        };
        assert_eq!(attendance_only.check(&p(10, None, None)), Ok(()));
        assert_eq!(
            CompletionRule::every_day(date!(2026 - 07 - 06), date!(2026 - 07 - 17))
                .min_days_present,
            10
        );
    }

    #[test]
    fn only_past_days_whose_boxes_changed_are_recorded() {
        let days = school_days(date!(2026 - 07 - 06), date!(2026 - 07 - 10));
        let ana = [date!(2026 - 07 - 06)];
        let rows = [
            AttendanceRow {
                application_id: "ana",
                days_present: &ana,
            },
            AttendanceRow {
                application_id: "ben",
                days_present: &[],
            },
        ];
        let checked: std::collections::HashSet<String> = [
            attendance_box("ana", date!(2026 - 07 - 06)),
            attendance_box("ben", date!(2026 - 07 - 07)),
            // A day to come: ignored.
            attendance_box("ben", date!(2026 - 07 - 09)),
        ]
        .into_iter()
        .collect();
        let changes = attendance_changes(&days, date!(2026 - 07 - 08), &rows, &checked);
        assert_eq!(
            changes,
            vec![DayMarks {
                day: date!(2026 - 07 - 07),
                marks: vec![("ana".into(), false), ("ben".into(), true)],
            }]
        );
        // Unticking a recorded day records that day.
        let none = std::collections::HashSet::new();
        let changes = attendance_changes(&days, date!(2026 - 07 - 08), &rows, &none);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].day, date!(2026 - 07 - 06));
    }
}
