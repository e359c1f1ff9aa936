//! What a reviewer or a director posts on one application's page, checked: scores on the program's
//! rubric, a comment, who reviews it, a declared conflict of interest. Pure: the store records them
//! and their audit events; the decision itself is in [`super::decision`].

use serde::Deserialize;
use validator::Validate;

use super::problem::{Checked, choice, text_block};

/// The scale of every rubric criterion, worst to best.
pub const SCORE_MIN: i32 = 1;
pub const SCORE_MAX: i32 = 5;

/// Most characters in one comment.
pub const COMMENT_MAX: u64 = 5000;

/// The name of the page's field for one criterion (`score-motivation`).
pub fn score_field(criterion: &str) -> String {
    format!("score-{criterion}")
}

/// One score as typed: a whole number on the scale, or nothing.
pub fn parse_score(raw: &str) -> Option<i32> {
    raw.trim()
        .parse::<i32>()
        .ok()
        .filter(|v| (SCORE_MIN..=SCORE_MAX).contains(v))
}

/// A score for every criterion of the rubric, in its order, or the criteria whose score is missing
/// or off the scale. `typed` gives what was posted for a criterion's key.
pub fn parse_scores<'a>(
    criteria: impl IntoIterator<Item = &'a str>,
    typed: impl Fn(&str) -> &'a str,
) -> Result<Vec<(String, i32)>, Vec<&'a str>> {
    let mut scores = Vec::new();
    let mut wrong = Vec::new();
    for key in criteria {
        match parse_score(typed(key)) {
            Some(v) => scores.push((key.to_owned(), v)),
            None => wrong.push(key),
        }
    }
    if wrong.is_empty() {
        Ok(scores)
    } else {
        Err(wrong)
    }
}

/// A comment for the other reviewers, as typed.
#[derive(Debug, Clone, Default, Deserialize, Validate)]
pub struct CommentDraft {
    #[serde(default, deserialize_with = "text_block")]
    #[validate(
        required(code = "review-comment-missing"),
        length(max = COMMENT_MAX, code = "review-comment-invalid")
    )]
    pub comment: Option<String>,
}

impl Checked for CommentDraft {
    const FIELDS: &'static [&'static str] = &["comment"];
}

/// Add a reviewer to the application, or take one off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReviewerAction {
    Assign,
    Unassign,
}

/// The reviewers form: which organizer, and what to do.
#[derive(Debug, Clone, Deserialize)]
pub struct ReviewerChange {
    /// `None` when the form named no known action: nothing changes.
    #[serde(default, deserialize_with = "choice")]
    pub action: Option<ReviewerAction>,
    /// The organizer's id; blank when the list offered nobody.
    #[serde(default)]
    pub organizer: String,
}

/// A conflict of interest declared, or withdrawn.
#[derive(Debug, Clone, Deserialize)]
pub struct ConflictDraft {
    /// Whose conflict: blank for the one who posts it.
    #[serde(default)]
    pub organizer: String,
    /// `yes` declares it; anything else withdraws it.
    #[serde(default)]
    pub conflict: String,
}

impl ConflictDraft {
    pub fn declares(&self) -> bool {
        self.conflict == "yes"
    }

    /// Whose conflict it is: the named organizer, or `me`.
    pub fn whose<'a>(&'a self, me: &'a str) -> &'a str {
        if self.organizer.is_empty() {
            me
        } else {
            &self.organizer
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::problem::Problem;

    #[test]
    fn a_score_is_a_whole_number_on_the_scale() {
        assert_eq!(parse_score(" 4 "), Some(4));
        assert_eq!(parse_score("1"), Some(1));
        assert_eq!(parse_score("5"), Some(5));
        for wrong in ["0", "6", "4.5", "", "four", "-1"] {
            assert_eq!(parse_score(wrong), None, "{wrong:?}");
        }
    }

    #[test]
    fn every_criterion_needs_its_score() {
        let typed = |key: &str| match key {
            "motivation" => "5",
            "fit" => "9",
            _ => "",
        };
        assert_eq!(
            parse_scores(["motivation", "fit", "english"], typed),
            Err(vec!["fit", "english"])
        );
        assert_eq!(
            parse_scores(["motivation"], typed),
            Ok(vec![("motivation".to_owned(), 5)])
        );
    }

    #[test]
    fn a_comment_is_not_blank_and_not_too_long() {
        let draft = |text: &str| CommentDraft {
            comment: Some(text.to_owned()).filter(|t| !t.is_empty()),
        };
        assert!(draft("Strong motivation letter.").problems().is_empty());
        assert_eq!(
            draft("").problems(),
            vec![Problem::new("comment", "review-comment-missing")]
        );
        assert_eq!(
            draft(&"é".repeat(COMMENT_MAX as usize + 1)).problems(),
            vec![Problem::counted(
                "comment",
                "review-comment-invalid",
                COMMENT_MAX as i64
            )]
        );
        assert!(
            draft(&"é".repeat(COMMENT_MAX as usize))
                .problems()
                .is_empty()
        );
    }

    #[test]
    fn a_conflict_is_the_posters_own_unless_another_is_named() {
        let mine = ConflictDraft {
            organizer: String::new(),
            conflict: "yes".into(),
        };
        assert_eq!(mine.whose("org-1"), "org-1");
        assert!(mine.declares());
        let theirs = ConflictDraft {
            organizer: "org-2".into(),
            conflict: "no".into(),
        };
        assert_eq!(theirs.whose("org-1"), "org-2");
        assert!(!theirs.declares());
    }
}
