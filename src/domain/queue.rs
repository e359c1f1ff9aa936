//! The review queue's filters and orders: which applications a program's queue shows, and in
//! which order. The page and its CSV export read them the same way.

use time::OffsetDateTime;

use super::status::ApplicationStatus;

/// One line of a program's review queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueEntry {
    pub application_id: String,
    pub status: ApplicationStatus,
    pub submitted_at: Option<OffsetDateTime>,
    pub given_names: Option<String>,
    pub family_name: Option<String>,
    /// The name as it is to appear on certificates.
    pub certificate_name: Option<String>,
    /// For the exported list; the queue's table does not show it.
    pub email: String,
    pub nationality: Option<String>,
    pub residence_country: Option<String>,
    pub category: Option<String>,
    pub institution: Option<String>,
    pub institution_country: Option<String>,
    /// The CV, the motivation letter and the proof of status are all there.
    pub documents_complete: bool,
    /// Mean of every score given, in hundredths; `None` before the first.
    pub mean_score: Option<i32>,
    /// How many reviewers have scored it.
    pub scored_by: i64,
    /// Organizer ids of the reviewers assigned.
    pub reviewers: Vec<String>,
}

/// What the queue can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueOrder {
    Submitted,
    Name,
    Status,
    Documents,
    Score,
}

impl QueueOrder {
    pub const ALL: [QueueOrder; 5] = [
        QueueOrder::Submitted,
        QueueOrder::Name,
        QueueOrder::Status,
        QueueOrder::Documents,
        QueueOrder::Score,
    ];

    pub fn key(self) -> &'static str {
        match self {
            QueueOrder::Submitted => "submitted",
            QueueOrder::Name => "name",
            QueueOrder::Status => "status",
            QueueOrder::Documents => "documents",
            QueueOrder::Score => "score",
        }
    }

    /// The order a first click gives: the best scores and the missing documents first, else A to Z
    /// and oldest first.
    pub fn descending_first(self) -> bool {
        matches!(self, QueueOrder::Score)
    }

    /// The order asked for (unknown values, and names under blind review, fall back to the date
    /// sent, oldest first) and whether it is descending.
    pub fn parse(sort: &str, dir: &str, blind: bool) -> (QueueOrder, bool) {
        let order = QueueOrder::ALL
            .into_iter()
            .find(|o| o.key() == sort)
            .filter(|o| !(blind && *o == QueueOrder::Name))
            .unwrap_or(QueueOrder::Submitted);
        let descending = match dir {
            "asc" => false,
            "desc" => true,
            _ => order.descending_first(),
        };
        (order, descending)
    }

    /// Compares two entries; ties keep the date sent, then the id, so the order is stable. Entries
    /// without a score come last whichever the direction.
    pub fn compare(self, descending: bool, a: &QueueEntry, b: &QueueEntry) -> std::cmp::Ordering {
        use std::cmp::Ordering;
        let name = |e: &QueueEntry| {
            format!(
                "{} {}",
                e.family_name.as_deref().unwrap_or_default(),
                e.given_names.as_deref().unwrap_or_default()
            )
            .to_lowercase()
        };
        let status = |e: &QueueEntry| ApplicationStatus::ALL.iter().position(|s| *s == e.status);
        let primary = match self {
            QueueOrder::Submitted => Ordering::Equal,
            QueueOrder::Name => name(a).cmp(&name(b)),
            QueueOrder::Status => status(a).cmp(&status(b)),
            QueueOrder::Documents => a.documents_complete.cmp(&b.documents_complete),
            QueueOrder::Score => match (a.mean_score, b.mean_score) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => return Ordering::Less,
                (None, Some(_)) => return Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
        };
        let primary = if descending {
            primary.reverse()
        } else {
            primary
        };
        let sent = a.submitted_at.cmp(&b.submitted_at);
        let sent = if descending && self == QueueOrder::Submitted {
            sent.reverse()
        } else {
            sent
        };
        primary
            .then(sent)
            .then_with(|| a.application_id.cmp(&b.application_id))
    }
}

/// "3.5" or "3,5" → 350; a score between 1 and 5.
pub fn parse_min_score(raw: &str) -> Option<i32> {
    let raw = raw.trim().replace(',', ".");
    let (whole, frac) = raw.split_once('.').unwrap_or((&raw, ""));
    let whole: i32 = whole.parse().ok()?;
    let frac = match frac.len() {
        0 => 0,
        1 => frac.parse::<i32>().ok()? * 10,
        2 => frac.parse::<i32>().ok()?,
        _ => return None,
    };
    let v = whole * 100 + frac;
    (100..=500).contains(&v).then_some(v)
}

/// Which documents the queue keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DocumentsFilter {
    #[default]
    Any,
    /// The CV, the motivation letter and the proof of status are all there.
    Complete,
    Missing,
}

impl DocumentsFilter {
    /// `complete`, `missing`; anything else keeps every application.
    pub fn parse(text: &str) -> DocumentsFilter {
        match text {
            "complete" => DocumentsFilter::Complete,
            "missing" => DocumentsFilter::Missing,
            _ => DocumentsFilter::Any,
        }
    }
}

/// The queue's filters and order, parsed from what the page's form sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueFilter {
    pub status: Option<ApplicationStatus>,
    /// An ISO 3166 code: nationality or residence. Ignored under blind review.
    pub country: Option<String>,
    pub category: Option<String>,
    /// In hundredths (350 is 3.5).
    pub min_score: Option<i32>,
    pub documents: DocumentsFilter,
    pub order: QueueOrder,
    pub descending: bool,
}

/// A filter value that is not one: the page says so beside its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadMinScore;

/// The queue's form as typed: every value a string from the query.
#[derive(Debug, Clone, Copy, Default)]
pub struct QueueForm<'a> {
    pub status: &'a str,
    pub country: &'a str,
    pub category: &'a str,
    pub min_score: &'a str,
    pub documents: &'a str,
    pub sort: &'a str,
    pub dir: &'a str,
}

impl QueueFilter {
    /// Reads the form; unknown values filter nothing, and a minimum score that is not a score
    /// filters nothing and is reported.
    pub fn parse(form: QueueForm<'_>, blind: bool) -> (QueueFilter, Option<BadMinScore>) {
        let text = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        let (min_score, bad) = match form.min_score.trim() {
            "" => (None, None),
            raw => match parse_min_score(raw) {
                Some(v) => (Some(v), None),
                None => (None, Some(BadMinScore)),
            },
        };
        let (order, descending) = QueueOrder::parse(form.sort, form.dir, blind);
        let filter = QueueFilter {
            status: form.status.parse().ok(),
            country: text(form.country).filter(|_| !blind),
            category: text(form.category),
            min_score,
            documents: DocumentsFilter::parse(form.documents),
            order,
            descending,
        };
        (filter, bad)
    }

    /// Whether the queue shows `e`.
    pub fn keeps(&self, e: &QueueEntry) -> bool {
        self.status.is_none_or(|s| e.status == s)
            && self.country.as_deref().is_none_or(|c| {
                e.nationality.as_deref() == Some(c) || e.residence_country.as_deref() == Some(c)
            })
            && self
                .category
                .as_deref()
                .is_none_or(|c| e.category.as_deref() == Some(c))
            && self
                .min_score
                .is_none_or(|m| e.mean_score.is_some_and(|s| s >= m))
            && match self.documents {
                DocumentsFilter::Any => true,
                DocumentsFilter::Complete => e.documents_complete,
                DocumentsFilter::Missing => !e.documents_complete,
            }
    }

    /// The applications the filters keep, in the order asked for.
    pub fn select<'a>(&self, queue: &'a [QueueEntry]) -> Vec<&'a QueueEntry> {
        let mut shown: Vec<&QueueEntry> = queue.iter().filter(|e| self.keeps(e)).collect();
        shown.sort_by(|a, b| self.order.compare(self.descending, a, b));
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimum_scores_are_read_as_people_type_them() {
        assert_eq!(parse_min_score("3"), Some(300));
        assert_eq!(parse_min_score("3.5"), Some(350));
        assert_eq!(parse_min_score("3,75"), Some(375));
        assert_eq!(parse_min_score("0.5"), None);
        assert_eq!(parse_min_score("6"), None);
        assert_eq!(parse_min_score("three"), None);
    }

    fn entry(id: &str, family: &str, score: Option<i32>, documents: bool) -> QueueEntry {
        QueueEntry {
            application_id: id.into(),
            status: ApplicationStatus::Submitted,
            submitted_at: Some(OffsetDateTime::UNIX_EPOCH),
            given_names: Some("Ana".into()),
            family_name: Some(family.into()),
            certificate_name: None,
            email: format!("{id}@example.org"),
            nationality: Some("BR".into()),
            residence_country: Some("FR".into()),
            category: Some("student".into()),
            institution: None,
            institution_country: None,
            documents_complete: documents,
            mean_score: score,
            scored_by: i64::from(score.is_some()),
            reviewers: Vec::new(),
        }
    }

    #[test]
    fn filters_keep_what_they_name_and_scores_sort_best_first_unscored_last() {
        let queue = vec![
            entry("a", "Zhou", Some(300), true),
            entry("b", "Alves", None, false),
            entry("c", "Moreau", Some(450), true),
        ];
        let ids = |f: &QueueFilter| -> Vec<String> {
            f.select(&queue)
                .iter()
                .map(|e| e.application_id.clone())
                .collect()
        };
        let (by_score, bad) = QueueFilter::parse(
            QueueForm {
                sort: "score",
                ..QueueForm::default()
            },
            false,
        );
        assert_eq!(bad, None);
        assert_eq!(ids(&by_score), ["c", "a", "b"]);
        let (ascending, _) = QueueFilter::parse(
            QueueForm {
                sort: "score",
                dir: "asc",
                ..QueueForm::default()
            },
            false,
        );
        assert_eq!(ids(&ascending), ["a", "c", "b"], "unscored stay last");
        let (by_name, _) = QueueFilter::parse(
            QueueForm {
                sort: "name",
                ..QueueForm::default()
            },
            false,
        );
        assert_eq!(ids(&by_name), ["b", "c", "a"]);
        let (missing, _) = QueueFilter::parse(
            QueueForm {
                documents: "missing",
                ..QueueForm::default()
            },
            false,
        );
        assert_eq!(ids(&missing), ["b"]);
        let (scored, bad) = QueueFilter::parse(
            QueueForm {
                min_score: "3,5",
                ..QueueForm::default()
            },
            false,
        );
        assert_eq!((ids(&scored), bad), (vec!["c".to_owned()], None));
        let (nonsense, bad) = QueueFilter::parse(
            QueueForm {
                min_score: "lots",
                ..QueueForm::default()
            },
            false,
        );
        assert_eq!((ids(&nonsense).len(), bad), (3, Some(BadMinScore)));
        // Under blind review neither the country nor the name can narrow or order the queue.
        let form = QueueForm {
            country: "JP",
            sort: "name",
            ..QueueForm::default()
        };
        let (blind, _) = QueueFilter::parse(form, true);
        assert_eq!(blind.order, QueueOrder::Submitted);
        assert_eq!(ids(&blind).len(), 3);
        let (seen, _) = QueueFilter::parse(form, false);
        assert!(ids(&seen).is_empty());
    }
}
