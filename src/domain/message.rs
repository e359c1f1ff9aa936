//! A message organizers write to a school's people (its participants, those admitted, or its
//! waitlist): who receives it, and the subject and text, checked. Pure: the store queues one email
//! per person in one transaction.

use serde::Deserialize;
use validator::{Validate, ValidationError};

use super::problem::{Checked, text_block, trimmed};
use super::status::ApplicationStatus;

/// Most characters in a subject line.
pub const SUBJECT_MAX: u64 = 150;
/// Most characters in a message.
pub const BODY_MAX: u64 = 5000;

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

/// A message as the organizer typed it (the form's fields).
#[derive(Debug, Clone, Default, Deserialize, Validate)]
pub struct MessageDraft {
    #[serde(default)]
    #[validate(custom(function = "known_audience"))]
    pub audience: String,
    /// One line, trimmed.
    #[serde(default, deserialize_with = "trimmed")]
    #[validate(
        required(code = "message-error-subject-empty"),
        length(max = SUBJECT_MAX, code = "message-error-subject"),
        non_control_character(code = "message-error-subject")
    )]
    pub subject: Option<String>,
    #[serde(default, deserialize_with = "text_block")]
    #[validate(
        required(code = "message-error-body-empty"),
        length(max = BODY_MAX, code = "message-error-body-long")
    )]
    pub body: Option<String>,
}

impl Checked for MessageDraft {
    const FIELDS: &'static [&'static str] = &["audience", "subject", "body"];
}

fn known_audience(audience: &str) -> Result<(), ValidationError> {
    match Audience::parse(audience) {
        Some(_) => Ok(()),
        None => Err(ValidationError::new("message-error-audience")),
    }
}

/// Checks a message as typed: an audience, a subject of one line (at most [`SUBJECT_MAX`]
/// characters) and a text (at most [`BODY_MAX`]). Every problem at once.
pub fn parse_message(draft: &MessageDraft) -> Result<CohortMessage, Vec<Problem>> {
    let problems = draft.problems();
    match (
        Audience::parse(&draft.audience),
        &draft.subject,
        &draft.body,
    ) {
        (Some(audience), Some(subject), Some(body)) if problems.is_empty() => Ok(CohortMessage {
            audience,
            subject: subject.clone(),
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

    /// The form as a browser posts it.
    fn draft(audience: &str, subject: &str, body: &str) -> MessageDraft {
        serde_urlencoded::from_str(
            &serde_urlencoded::to_string([
                ("audience", audience),
                ("subject", subject),
                ("body", body),
            ])
            .unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn a_message_is_cut_into_paragraphs_at_blank_lines() {
        let m = parse_message(&draft(
            "participants",
            "  Welcome day  ",
            "Dear all,\r\n\r\nWe meet at 9:00.\r\nBring your badge.\r\n\r\n\r\nSee you!",
        ))
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
            parse_message(&draft("everyone", "", " ")).unwrap_err(),
            [
                Problem::new("audience", "message-error-audience"),
                Problem::new("subject", "message-error-subject-empty"),
                Problem::new("body", "message-error-body-empty"),
            ]
        );
        let long = "x".repeat(BODY_MAX as usize + 1);
        assert_eq!(
            parse_message(&draft("waitlisted", "Two\nlines", &long)).unwrap_err(),
            [
                Problem::new("subject", "message-error-subject"),
                Problem::counted("body", "message-error-body-long", 5000),
            ]
        );
        let subject = "y".repeat(SUBJECT_MAX as usize + 1);
        assert_eq!(
            parse_message(&draft("waitlisted", &subject, "Hello")).unwrap_err(),
            [Problem::counted("subject", "message-error-subject", 150)]
        );
        // The limit counts characters, after trimming, in any script.
        let subject = format!("  {}  ", "é".repeat(SUBJECT_MAX as usize));
        assert!(parse_message(&draft("waitlisted", &subject, "Hello")).is_ok());
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
