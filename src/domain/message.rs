//! A message organizers write to a school's people (its participants, those admitted, or its
//! waitlist): who receives it, and the subject and text, checked. Pure: the store queues one email
//! per person in one transaction.

use super::status::ApplicationStatus;

/// Most characters in a subject line.
pub const SUBJECT_MAX: usize = 150;
/// Most characters in a message.
pub const BODY_MAX: usize = 5000;

/// Whom a message goes to, by where their application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Enrolled, and those who completed the school.
    Participants,
    /// Offered a place (yet to pay) or enrolled: everyone who may come.
    Admitted,
    /// On the waitlist.
    Waitlisted,
}

impl Audience {
    pub const ALL: [Audience; 3] = [
        Audience::Participants,
        Audience::Admitted,
        Audience::Waitlisted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Participants => "participants",
            Audience::Admitted => "admitted",
            Audience::Waitlisted => "waitlisted",
        }
    }

    pub fn parse(text: &str) -> Option<Audience> {
        Audience::ALL.into_iter().find(|a| a.as_str() == text)
    }

    /// The application statuses it takes in.
    pub fn statuses(self) -> &'static [ApplicationStatus] {
        use ApplicationStatus::*;
        match self {
            Audience::Participants => &[Enrolled, Completed],
            Audience::Admitted => &[Accepted, Enrolled],
            Audience::Waitlisted => &[Waitlisted],
        }
    }
}

/// A message, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CohortMessage {
    pub audience: Audience,
    pub subject: String,
    /// Paragraphs, as the organizer separated them by blank lines.
    pub paragraphs: Vec<String>,
}

pub use super::problem::Problem;

/// Checks a message as typed: an audience, a subject of one line (at most [`SUBJECT_MAX`]
/// characters) and a text (at most [`BODY_MAX`]). Every problem at once.
pub fn parse_message(
    audience: &str,
    subject: &str,
    body: &str,
) -> Result<CohortMessage, Vec<Problem>> {
    let mut problems = Vec::new();
    let audience = Audience::parse(audience);
    if audience.is_none() {
        problems.push(Problem::new("audience", "message-error-audience"));
    }
    let subject = subject.trim();
    if subject.is_empty() {
        problems.push(Problem::new("subject", "message-error-subject-empty"));
    } else if subject.chars().count() > SUBJECT_MAX || subject.chars().any(char::is_control) {
        problems.push(Problem::new("subject", "message-error-subject"));
    }
    let body = body.replace("\r\n", "\n");
    let body = body.trim();
    if body.is_empty() {
        problems.push(Problem::new("body", "message-error-body-empty"));
    } else if body.chars().count() > BODY_MAX {
        problems.push(Problem::new("body", "message-error-body-long"));
    }
    match audience {
        Some(audience) if problems.is_empty() => Ok(CohortMessage {
            audience,
            subject: subject.to_owned(),
            paragraphs: body
                .split("\n\n")
                .map(|p| p.trim().to_owned())
                .filter(|p| !p.is_empty())
                .collect(),
        }),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_cut_into_paragraphs_at_blank_lines() {
        let m = parse_message(
            "participants",
            "  Welcome day  ",
            "Dear all,\r\n\r\nWe meet at 9:00.\r\nBring your badge.\r\n\r\n\r\nSee you!",
        )
        .unwrap();
        assert_eq!(m.audience, Audience::Participants);
        assert_eq!(m.subject, "Welcome day");
        assert_eq!(
            m.paragraphs,
            [
                "Dear all,",
                "We meet at 9:00.\nBring your badge.",
                "See you!"
            ]
        );
    }

    #[test]
    fn every_problem_is_named_at_once() {
        assert_eq!(
            parse_message("everyone", "", " ").unwrap_err(),
            [
                Problem::new("audience", "message-error-audience"),
                Problem::new("subject", "message-error-subject-empty"),
                Problem::new("body", "message-error-body-empty"),
            ]
        );
        let long = "x".repeat(BODY_MAX + 1);
        assert_eq!(
            parse_message("waitlisted", "Two\nlines", &long).unwrap_err(),
            [
                Problem::new("subject", "message-error-subject"),
                Problem::new("body", "message-error-body-long"),
            ]
        );
    }

    #[test]
    fn audiences_take_in_the_statuses_they_say() {
        use ApplicationStatus::*;
        assert_eq!(Audience::Participants.statuses(), [Enrolled, Completed]);
        assert_eq!(Audience::Admitted.statuses(), [Accepted, Enrolled]);
        assert_eq!(Audience::Waitlisted.statuses(), [Waitlisted]);
        for a in Audience::ALL {
            assert_eq!(Audience::parse(a.as_str()), Some(a));
        }
    }
}
