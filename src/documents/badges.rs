//! The cohort's badges, eight to an A4 sheet (cut along the grey lines): the participant's name, the
//! school, and a QR code that opens the organizers' check-in page for them. No I/O: the same badges
//! give the same bytes.

use super::pdf::{self, Face, Meta, PAGE_WIDTH, Page};

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

const COLUMNS: usize = 2;
const ROWS: usize = 4;
const MARGIN: f32 = 10.0;
const BADGE_HEIGHT: f32 = 69.0;

/// The sheets of badges, in the given order.
pub fn render(
    sheet: &BadgeSheet,
    badges: &[BadgeRecord],
    issued_at: time::OffsetDateTime,
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
            let text_width = width - 45.0;
            page.text(Face::Sans, 7.5, left, y_top - 8.0, &sheet.institution);
            let mut y = y_top - 22.0;
            for line in pdf::wrap(Face::SerifBold, 15.0, text_width, &b.name) {
                page.text(Face::SerifBold, 15.0, left, y, &line);
                y -= 6.5;
            }
            page.text(Face::Sans, 9.0, left, y - 1.0, &sheet.role);
            let mut y = y_top - BADGE_HEIGHT + 18.0;
            for line in pdf::wrap(Face::Sans, 7.5, text_width, &sheet.program_title) {
                page.text(Face::Sans, 7.5, left, y, &line);
                y -= 3.6;
            }
            page.text(Face::Sans, 7.5, left, y, &sheet.dates);
            page.qr(x + width - 40.0, y_top - 44.0, 35.0, &b.check_in_url);
            page.text(
                Face::Sans,
                6.5,
                x + width - 39.0,
                y_top - 48.0,
                &sheet.scan_hint,
            );
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
