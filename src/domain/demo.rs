//! The demo edition: the shipped schools moved to dates around today, with an open application window,
//! so that a newcomer can walk every step. It is labelled as a demo wherever it appears.

use time::{Date, Duration, OffsetDateTime, Time, UtcOffset};

use super::catalog::{EditionSpec, LocalizedText, Slug};

/// The slug every demo edition uses; it never collides with a year.
pub const DEMO_EDITION_SLUG: &str = "demo";

/// Builds the demo edition from a real one, relative to `today`.
pub fn demo_edition(base: &EditionSpec, today: Date) -> EditionSpec {
    let at = |date: Date, hour: u8| {
        let time = Time::from_hms(hour, 0, 0).expect("valid hour");
        OffsetDateTime::new_in_offset(date, time, UtcOffset::UTC)
    };
    let opens = at(today - Duration::days(7), 8);
    let closes = at(today + Duration::days(60), 21);
    let starts = today + Duration::days(90);
    let ends = starts + Duration::days(11);
    let mut programs = base.programs.clone();
    for p in &mut programs {
        p.application_opens_at = opens;
        p.application_closes_at = closes;
        p.starts_on = starts;
        p.ends_on = ends;
    }
    EditionSpec {
        organization: base.organization.clone(),
        slug: Slug::parse("edition.slug", DEMO_EDITION_SLUG).expect("valid slug"),
        year: starts.year(),
        title: LocalizedText {
            en: "Demo edition (for trying the service; not a real school)".to_owned(),
            fr: "Édition de démonstration (pour essayer le service ; pas une vraie école)"
                .to_owned(),
        },
        is_demo: true,
        programs,
        certificates: base.certificates.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalog::{SHIPPED_CATALOG, parse_catalog};

    #[test]
    fn the_demo_edition_is_open_today_and_labelled() {
        let base = parse_catalog(SHIPPED_CATALOG).unwrap();
        let today = time::macros::date!(2026 - 11 - 27);
        let demo = demo_edition(&base, today);
        assert!(demo.is_demo);
        assert_eq!(demo.slug.as_str(), "demo");
        let now = OffsetDateTime::new_utc(today, Time::from_hms(12, 0, 0).unwrap());
        for p in &demo.programs {
            assert!(p.application_opens_at < now && now < p.application_closes_at);
            assert!(p.application_closes_at.date() <= p.starts_on);
        }
        assert_eq!(demo.programs.len(), base.programs.len());
    }
}
