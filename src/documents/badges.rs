//! The cohort's badges, eight to an A4 sheet (cut along the grey lines): the participant's name, the
//! school, and a QR code that opens the organizers' check-in page for them. No I/O: the same badges
//! give the same bytes.

use super::layout::{self, Slot};
use super::pdf::{self, Align, Face, Meta, PAGE_WIDTH, Page};
use crate::domain::calendar::format_date_range;
use crate::domain::issuance::ProgramFacts;
use crate::domain::locale::Locale;
use crate::i18n::Tr;

/// One badge to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadgeRecord {
    pub name: String,
    /// The address the QR code opens (the check-in page of this participant).
    pub check_in_url: String,
}

/// What every badge of the sheet says besides the name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadgeSheet {
    pub institution: String,
    pub program_title: String,
    pub dates: String,
    /// "Participant".
    pub role: String,
    /// "Scan to check in" (for organizers).
    pub scan_hint: String,
}

impl BadgeSheet {
    /// The sheet of `program`'s badges, in `locale`.
    pub fn for_program(program: &ProgramFacts, locale: Locale) -> BadgeSheet {
        let tr = Tr(locale);
        BadgeSheet {
            institution: program
                .issuer
                .as_ref()
                .map(|i| i.institution.clone())
                .unwrap_or_default(),
            program_title: program.title.get(locale).to_owned(),
            dates: format_date_range(program.starts_on, program.ends_on, locale),
            role: tr.t("badge-role"),
            scan_hint: tr.t("badge-scan"),
        }
    }
}

const COLUMNS: usize = 2;
const ROWS: usize = 4;
const MARGIN: f32 = 10.0;
const BADGE_HEIGHT: f32 = 69.0;
/// The small print of a badge (the institution, the school and its dates), as wide as the name.
const BADGE_SMALL: Slot = Slot {
    face: Face::Sans,
    size: 7.5,
    floor: 5.5,
    width: layout::BADGE_NAME.width,
    lines: 1,
};

/// The sheets of badges, in the given order.
pub fn render(
    sheet: &BadgeSheet,
    badges: &[BadgeRecord],
    issued_at: time::OffsetDateTime,
) -> Vec<u8> {
    render_stamped(sheet, badges, issued_at, None)
}

/// [`render`], with `stamp` across the margins of every sheet: a specimen.
pub fn render_stamped(
    sheet: &BadgeSheet,
    badges: &[BadgeRecord],
    issued_at: time::OffsetDateTime,
    stamp: Option<&str>,
) -> Vec<u8> {
    let width = (PAGE_WIDTH - 2.0 * MARGIN) / COLUMNS as f32;
    let top = 297.0 - MARGIN;
    let mut pages = Vec::new();
    for chunk in badges.chunks(COLUMNS * ROWS) {
        let mut page = Page::new();
        for (i, b) in chunk.iter().enumerate() {
            let x = MARGIN + (i % COLUMNS) as f32 * width;
            let y_top = top - (i / COLUMNS) as f32 * BADGE_HEIGHT;
            // Cut lines.
            page.rule(x, x + width, y_top, 0.2, 0.75);
            page.rule(x, x + width, y_top - BADGE_HEIGHT, 0.2, 0.75);
            let left = x + 5.0;
            let institution = Slot {
                width: width - 10.0,
                ..BADGE_SMALL
            };
            page.slot(
                &institution,
                Align::Left(left),
                y_top - 8.0,
                &sheet.institution,
            );
            let y = page.slot(
                &layout::BADGE_NAME,
                Align::Left(left),
                y_top - 22.0,
                &b.name,
            );
            page.text(Face::Sans, 9.0, left, y - 1.0, &sheet.role);
            let title = Slot {
                lines: 3,
                ..BADGE_SMALL
            };
            let y = page.slot(
                &title,
                Align::Left(left),
                y_top - BADGE_HEIGHT + 18.0,
                &sheet.program_title,
            );
            page.slot(&BADGE_SMALL, Align::Left(left), y, &sheet.dates);
            page.qr(x + width - 40.0, y_top - 44.0, 35.0, &b.check_in_url);
            // Under the QR code, as wide as it.
            let hint = Slot {
                face: Face::Sans,
                size: 6.5,
                floor: 5.0,
                width: 37.0,
                lines: 2,
            };
            page.slot(
                &hint,
                Align::Left(x + width - 39.0),
                y_top - 48.0,
                &sheet.scan_hint,
            );
        }
        if let Some(label) = stamp {
            page.demo_stamp(label);
        }
        pages.push(page);
    }
    if pages.is_empty() {
        pages.push(Page::new());
    }
    pdf::finish(
        &Meta {
            title: &sheet.program_title,
            author: &sheet.institution,
            subject: &sheet.role,
            issued_at,
            key: &sheet.program_title,
        },
        pages,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_badges_a_sheet_same_bytes_for_the_same_badges() {
        let sheet = BadgeSheet {
            institution: "Université Paris Cité".into(),
            program_title: "Hands-on Training in Clinical Medicine and Emergencies".into(),
            dates: "6–17 July 2026".into(),
            role: "Participant".into(),
            scan_hint: "Organizers: scan to check in".into(),
        };
        let badges: Vec<BadgeRecord> = (0..9)
            .map(|n| BadgeRecord {
                name: format!("Γεώργιος Παπαδόπουλος {n}"),
                check_in_url: format!("https://summer.example/organizer/check-in/{n:032x}"),
            })
            .collect();
        let at = time::macros::datetime!(2026-07-01 08:00 UTC);
        let pdf = render(&sheet, &badges, at);
        assert_eq!(pdf, render(&sheet, &badges, at));
        let pages = lopdf::Document::load_mem(&pdf).unwrap().get_pages().len();
        assert_eq!(pages, 2, "nine badges take two sheets");
    }
}
