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

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

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
}
