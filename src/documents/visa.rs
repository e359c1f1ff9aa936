//! The visa invitation letter, printed from a [`VisaLetterRecord`] in its language, for
//! [`super::seal::Sealer::seal`] to sign. No I/O: the same record gives the same bytes (until
//! sealed: each signature is new).

use fluent_templates::fluent_bundle::FluentValue;

use super::layout::{self, Slot};
use super::pdf::{self, Align, Face, Meta, PAGE_WIDTH, Page, Picture};
use super::seal::Unsealed;
use crate::domain::calendar::{format_date, format_date_range};
use crate::domain::visa::VisaLetterRecord;
use crate::i18n::Tr;

const LEFT: f32 = 22.0;
const RIGHT: f32 = PAGE_WIDTH - 22.0;

/// The letterhead's lines (institution, faculty, contact), left of the number and date.
const LETTERHEAD: Slot = Slot {
    face: Face::SerifBold,
    size: 14.0,
    floor: 7.0,
    width: RIGHT - LEFT,
    lines: 1,
};

/// The PDF of a visa invitation letter.
pub fn render(r: &VisaLetterRecord) -> Unsealed {
    render_with(r, None)
}

/// [`render`], with the signatory's signature image above their name.
pub fn render_with(r: &VisaLetterRecord, signature_image: Option<&Picture>) -> Unsealed {
    let (page, title) = draw(r, signature_image, None);
    pdf::finish_sealable(&meta(r, &title), vec![page], &[])
}

/// A specimen of the letter `r` describes, `stamp` across its margins.
pub fn render_specimen(
    r: &VisaLetterRecord,
    signature_image: Option<&Picture>,
    stamp: &str,
) -> Vec<u8> {
    let (page, title) = draw(r, signature_image, Some(stamp));
    pdf::finish(&meta(r, &title), vec![page])
}

fn meta<'a>(r: &'a VisaLetterRecord, title: &'a str) -> Meta<'a> {
    Meta {
        title,
        author: &r.institution,
        subject: &r.program_title,
        issued_at: r.issued_on.midnight().assume_utc(),
        key: &r.number,
    }
}

/// The page, and the file's title.
fn draw(
    r: &VisaLetterRecord,
    signature_image: Option<&Picture>,
    stamp: Option<&str>,
) -> (Page, String) {
    let tr = Tr(r.locale);
    let locale = r.locale;
    let a = |pairs: &[(&'static str, String)]| -> Vec<(&'static str, FluentValue<'static>)> {
        pairs
            .iter()
            .map(|(k, v)| (*k, FluentValue::from(v.clone())))
            .collect()
    };
    let mut page = Page::new();
    let width = RIGHT - LEFT;

    // Letterhead: the institution and faculty (left); number and date (right).
    let mut y = 272.0;
    let number = tr.t_args("visa-letter-number", &a(&[("number", r.number.clone())]));
    let dated = tr.t_args(
        "visa-letter-date",
        &a(&[
            ("place", r.place_of_issue.clone()),
            ("date", format_date(r.issued_on, locale)),
        ]),
    );
    // The letterhead takes what the number and the date leave of the line.
    let beside = |text: &str| width - pdf::width_mm(Face::Sans, 9.5, text) - 6.0;
    let institution = Slot {
        width: beside(&number),
        ..LETTERHEAD
    };
    page.slot(&institution, Align::Left(LEFT), y, &r.institution);
    page.text_right(Face::Sans, 9.5, RIGHT, y, &number);
    y -= 6.0;
    let faculty = Slot {
        face: Face::Serif,
        size: 11.0,
        width: beside(&dated),
        ..LETTERHEAD
    };
    page.slot(&faculty, Align::Left(LEFT), y, &r.faculty);
    page.text_right(Face::Sans, 9.5, RIGHT, y, &dated);
    y -= 5.0;
    let contact = Slot {
        face: Face::Sans,
        size: 9.0,
        ..LETTERHEAD
    };
    page.slot(&contact, Align::Left(LEFT), y, &r.contact_email);
    y -= 6.0;
    page.rule(LEFT, RIGHT, y, 0.6, 0.3);

    y -= 14.0;
    page.text(Face::SerifBold, 13.0, LEFT, y, &tr.t("visa-letter-to"));
    y -= 12.0;
    let title = tr.t("visa-letter-title").to_uppercase();
    page.text(Face::SerifBold, 15.0, LEFT, y, &title);
    y -= 12.0;

    // Who is invited, as in their passport.
    let facts = [
        (tr.t("visa-letter-name"), r.passport.name.clone()),
        (
            tr.t("visa-letter-birth"),
            format_date(r.passport.birth_date, locale),
        ),
        (tr.t("visa-letter-nationality"), r.nationality_name.clone()),
        (tr.t("visa-letter-passport"), r.passport.number.clone()),
        (
            tr.t("visa-letter-expiry"),
            format_date(r.passport.expires_on, locale),
        ),
    ];
    for (label, value) in &facts {
        page.text(Face::Sans, 10.0, LEFT + 4.0, y, label);
        let below = page.slot(&layout::VISA_NAME, Align::Left(LEFT + 62.0), y, value);
        y = below - (6.0 - layout::leading(10.5));
    }
    y -= 6.0;

    let dates = format_date_range(r.starts_on, r.ends_on, locale);
    let body = [
        tr.t_args(
            if r.enrolled {
                "visa-letter-body-enrolled"
            } else {
                "visa-letter-body-admitted"
            },
            &a(&[
                ("name", r.passport.name.clone()),
                ("program", r.program_title.clone()),
                ("institution", r.institution.clone()),
            ]),
        ),
        tr.t_args(
            "visa-letter-body-school",
            &a(&[
                ("dates", dates),
                ("place", r.place.clone()),
                ("hours", r.hours.to_string()),
            ]),
        ),
        tr.t("visa-letter-body-costs"),
        tr.t_args(
            "visa-letter-body-contact",
            &a(&[("contact", r.contact_email.clone())]),
        ),
    ];
    for paragraph in &body {
        y = page.paragraph((Face::Serif, 11.0), LEFT, y, width, 5.6, paragraph);
        y -= 4.0;
    }

    // The signatory, under their signature when there is one.
    y -= 8.0;
    if let Some(picture) = signature_image {
        let high = 42.0 * picture.height as f32 / picture.width.max(1) as f32;
        page.picture(picture, 120.0, y - high + 4.0, 42.0);
        y -= high;
    }
    y = page.slot(
        &layout::SIGNATORY_NAME,
        Align::Left(120.0),
        y,
        &r.signatory_name,
    ) - 0.8;
    page.slot(
        &layout::SIGNATORY_TITLE,
        Align::Left(120.0),
        y,
        &r.signatory_title,
    );

    // Where a consulate checks the letter: the address, and the same in a QR code.
    if !r.verification_url.is_empty() {
        page.qr(LEFT, 25.0, 24.0, &r.verification_url);
        page.text(
            Face::Sans,
            8.5,
            LEFT + 27.0,
            41.0,
            &tr.t("visa-letter-verify"),
        );
        page.text(Face::Sans, 8.5, LEFT + 27.0, 36.5, &r.verification_url);
    }
    page.rule(LEFT, RIGHT, 22.0, 0.6, 0.3);
    page.paragraph(
        (Face::Sans, 8.0),
        LEFT,
        17.0,
        width,
        3.8,
        &tr.t("visa-letter-footer"),
    );

    match stamp {
        Some(label) => page.demo_stamp(label),
        None if r.demo => page.demo_stamp(&tr.t("document-demo-stamp")),
        None => {}
    }
    let file_title = format!("{} {}", tr.t("visa-letter-title"), r.number);
    (page, file_title)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::countries::CountryCode;
    use crate::domain::locale::Locale;
    use crate::domain::visa::PassportData;
    use time::macros::date;

    fn record(locale: Locale) -> VisaLetterRecord {
        VisaLetterRecord {
            locale,
            number: "V-2026-00007".into(),
            issued_on: date!(2026 - 04 - 02),
            institution: "Université Paris Cité".into(),
            faculty: "UFR de Médecine".into(),
            signatory_name: "Pr Claire Moreau".into(),
            signatory_title: "Doyenne de l'UFR de Médecine".into(),
            place_of_issue: "Paris".into(),
            contact_email: "summerschool.medicine@u-paris.fr".into(),
            passport: PassportData {
                name: "NGUYEN THI MINH KHAI".into(),
                number: "C1234567".into(),
                nationality: CountryCode::parse("VN").unwrap(),
                birth_date: date!(1999 - 03 - 14),
                expires_on: date!(2030 - 01 - 01),
            },
            nationality_name: "Viet Nam".into(),
            program_title: "Hands-on Training in Clinical Medicine and Emergencies".into(),
            starts_on: date!(2026 - 07 - 06),
            ends_on: date!(2026 - 07 - 17),
            place: "UFR de Médecine, Université Paris Cité, Paris".into(),
            hours: 60,
            enrolled: true,
            verification_url: "https://summerschool.example/verify/7KQ2-MX9D-4T8P-ZR3W".into(),
            demo: false,
        }
    }

    #[test]
    fn the_same_record_gives_the_same_bytes_in_either_language() {
        for locale in [Locale::En, Locale::Fr] {
            let one = render(&record(locale));
            // To look at the layout: SHOW_VISA_LETTER=/tmp/v cargo test --lib visa (one file per language).
            if let Ok(path) = std::env::var("SHOW_VISA_LETTER") {
                std::fs::write(format!("{path}-{}.pdf", locale.tag()), &one).unwrap();
            }
            assert_eq!(one, render(&record(locale)));
            assert!(one.starts_with(b"%PDF-"));
            assert!(one.len() < 100 * 1024, "{} bytes", one.len());
        }
        assert_ne!(render(&record(Locale::En)), render(&record(Locale::Fr)));
        // With the signatory's signature: still the same bytes, and the image in the file.
        let images = crate::documents::signatures::SignatureImages::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/certificates"
        ));
        let picture = images
            .get("signatory.png")
            .expect("the shipped placeholder");
        let signed = render_with(&record(Locale::En), Some(&picture));
        assert_eq!(signed, render_with(&record(Locale::En), Some(&picture)));
        assert!(signed.len() < 100 * 1024, "{} bytes", signed.len());
        let doc = lopdf::Document::load_mem(&signed).unwrap();
        let page = *doc.get_pages().values().next().unwrap();
        assert!(String::from_utf8_lossy(&doc.get_page_content(page)).contains("/Signature Do"));
        if let Ok(path) = std::env::var("SHOW_VISA_LETTER") {
            std::fs::write(format!("{path}-signed.pdf"), &signed).unwrap();
        }
    }
}
