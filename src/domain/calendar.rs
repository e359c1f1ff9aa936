//! Dates and times as people in Paris read them. Everything is stored in UTC; people see Paris time.
//!
//! France follows the EU summer-time rule: from the last Sunday of March, 01:00 UTC, to the last
//! Sunday of October, 01:00 UTC, Paris is UTC+2; otherwise UTC+1. Encoding the rule keeps the domain
//! free of a time-zone database.

use time::{Date, Duration, Month, OffsetDateTime, Time, UtcOffset, Weekday};

use super::locale::Locale;

fn last_sunday(year: i32, month: Month) -> Date {
    let mut d = Date::from_calendar_date(year, month, month.length(year)).expect("valid last day");
    while d.weekday() != Weekday::Sunday {
        d -= Duration::days(1);
    }
    d
}

/// Paris's offset from UTC at an instant.
pub fn paris_offset(at: OffsetDateTime) -> UtcOffset {
    let utc = at.to_offset(UtcOffset::UTC);
    let year = utc.year();
    let one_am = Time::from_hms(1, 0, 0).expect("valid time");
    let summer_starts = OffsetDateTime::new_utc(last_sunday(year, Month::March), one_am);
    let summer_ends = OffsetDateTime::new_utc(last_sunday(year, Month::October), one_am);
    let hours = if utc >= summer_starts && utc < summer_ends {
        2
    } else {
        1
    };
    UtcOffset::from_hms(hours, 0, 0).expect("valid offset")
}

/// The instant in Paris time.
pub fn to_paris(at: OffsetDateTime) -> OffsetDateTime {
    at.to_offset(paris_offset(at))
}

fn month_name(month: Month, locale: Locale) -> &'static str {
    let i = month as usize - 1;
    match locale {
        Locale::En => [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ][i],
        Locale::Fr => [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ][i],
    }
}

/// `6 July 2026` / `6 juillet 2026` (`1er` for the first in French).
pub fn format_date(d: Date, locale: Locale) -> String {
    let day = match (locale, d.day()) {
        (Locale::Fr, 1) => "1er".to_owned(),
        (_, n) => n.to_string(),
    };
    format!("{day} {} {}", month_name(d.month(), locale), d.year())
}

/// `6–17 July 2026`, `28 June – 9 July 2026`, `du 6 au 17 juillet 2026`.
pub fn format_date_range(start: Date, end: Date, locale: Locale) -> String {
    if start == end {
        return format_date(start, locale);
    }
    let same_month = start.month() == end.month() && start.year() == end.year();
    let same_year = start.year() == end.year();
    match locale {
        Locale::En if same_month => {
            format!(
                "{}–{} {} {}",
                start.day(),
                end.day(),
                month_name(end.month(), locale),
                end.year()
            )
        }
        Locale::En if same_year => format!(
            "{} {} – {}",
            start.day(),
            month_name(start.month(), locale),
            format_date(end, locale)
        ),
        Locale::En => format!(
            "{} – {}",
            format_date(start, locale),
            format_date(end, locale)
        ),
        Locale::Fr if same_month => format!(
            "du {} au {}",
            if start.day() == 1 {
                "1er".to_owned()
            } else {
                start.day().to_string()
            },
            format_date(end, locale)
        ),
        Locale::Fr => format!(
            "du {} au {}",
            format_date(start, locale),
            format_date(end, locale)
        ),
    }
}

/// `31 May 2026, 23:59` in Paris time (the caller says "Paris time" in the sentence).
pub fn format_paris_datetime(at: OffsetDateTime, locale: Locale) -> String {
    let p = to_paris(at);
    let date = format_date(p.date(), locale);
    match locale {
        Locale::En => format!("{date}, {:02}:{:02}", p.hour(), p.minute()),
        Locale::Fr => format!("{date} à {:02}h{:02}", p.hour(), p.minute()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn paris_switches_to_summer_time_on_the_last_sunday_of_march() {
        assert_eq!(
            paris_offset(datetime!(2026-03-29 00:59 UTC)).whole_hours(),
            1
        );
        assert_eq!(
            paris_offset(datetime!(2026-03-29 01:00 UTC)).whole_hours(),
            2
        );
        assert_eq!(
            paris_offset(datetime!(2026-10-25 00:59 UTC)).whole_hours(),
            2
        );
        assert_eq!(
            paris_offset(datetime!(2026-10-25 01:00 UTC)).whole_hours(),
            1
        );
        assert_eq!(to_paris(datetime!(2026-05-31 21:59 UTC)).hour(), 23);
    }

    #[test]
    fn dates_read_naturally_in_each_language() {
        let (s, e) = (date!(2026 - 07 - 06), date!(2026 - 07 - 17));
        assert_eq!(format_date_range(s, e, Locale::En), "6–17 July 2026");
        assert_eq!(
            format_date_range(s, e, Locale::Fr),
            "du 6 au 17 juillet 2026"
        );
        assert_eq!(
            format_date_range(date!(2026 - 06 - 28), date!(2026 - 07 - 09), Locale::En),
            "28 June – 9 July 2026"
        );
        assert_eq!(
            format_date(date!(2026 - 07 - 01), Locale::Fr),
            "1er juillet 2026"
        );
        assert_eq!(
            format_paris_datetime(datetime!(2026-05-31 21:59 UTC), Locale::En),
            "31 May 2026, 23:59"
        );
        assert_eq!(
            format_paris_datetime(datetime!(2026-01-05 08:00 UTC), Locale::Fr),
            "5 janvier 2026 à 09h00"
        );
    }
}

/// A calendar invitation (RFC 5545) for a whole-day event from `first` to `last` (both included), as
/// one `.ics` file: the two weeks of a school, with its places. Text is escaped and lines are folded
/// at 75 octets, as the format asks.
pub fn ics_event(
    uid: &str,
    stamp: OffsetDateTime,
    first: Date,
    last: Date,
    summary: &str,
    location: &str,
    description: &str,
) -> String {
    let day = |d: Date| format!("{:04}{:02}{:02}", d.year(), u8::from(d.month()), d.day());
    let utc = stamp.to_offset(UtcOffset::UTC);
    let stamp = format!(
        "{}T{:02}{:02}{:02}Z",
        day(utc.date()),
        utc.hour(),
        utc.minute(),
        utc.second()
    );
    // DTEND of a whole-day event is the day after the last one.
    let end = last.next_day().unwrap_or(last);
    let lines = [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Universite Paris Cite//summer-school//EN".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}", ics_text(uid)),
        format!("DTSTAMP:{stamp}"),
        format!("DTSTART;VALUE=DATE:{}", day(first)),
        format!("DTEND;VALUE=DATE:{}", day(end)),
        format!("SUMMARY:{}", ics_text(summary)),
        format!("LOCATION:{}", ics_text(location)),
        format!("DESCRIPTION:{}", ics_text(description)),
        "TRANSP:OPAQUE".to_owned(),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ];
    let mut out = String::new();
    for line in lines {
        out.push_str(&fold(&line));
        out.push_str("\r\n");
    }
    out
}

/// TEXT escaping of RFC 5545 §3.3.11.
fn ics_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets, never inside a character.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3);
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out
}

#[cfg(test)]
mod ics_tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn a_school_is_one_whole_day_event_with_escaped_folded_text() {
        let ics = ics_event(
            "app-1@summer-school",
            datetime!(2026-03-01 10:00:05 +01:00),
            date!(2026 - 07 - 06),
            date!(2026 - 07 - 17),
            "Hands-on Training in Clinical Medicine and Emergencies, Université Paris Cité; summer school",
            "Hôpital Européen Georges-Pompidou, Paris",
            "Line one\nline two",
        );
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(ics.contains("DTSTART;VALUE=DATE:20260706\r\n"));
        assert!(
            ics.contains("DTEND;VALUE=DATE:20260718\r\n"),
            "the day after the last"
        );
        assert!(ics.contains("DTSTAMP:20260301T090005Z\r\n"));
        assert!(ics.contains("Georges-Pompidou\\, Paris"));
        assert!(ics.contains("Line one\\nline two"));
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains("Emergencies\\, Université Paris Cité\\; summer school"));
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "{line:?} is {} octets", line.len());
        }
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
    }
}
