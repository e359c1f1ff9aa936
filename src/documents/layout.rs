//! Where each piece of text goes on a document, and the rule that makes it fit: a [`Slot`] is a
//! box of a given width and number of lines, set in one face from a preferred size down to a floor
//! size. Text is wrapped at spaces first, then made smaller, half a point at a time, until every
//! line is inside the box; measured with the fonts' own advance widths, as printpdf draws them.
//!
//! The same slots decide what forms accept: a name the form takes is one that fits every slot it is
//! printed in, at worst at the floor size ([`certificate_name_fits`], [`passport_name_fits`]). So a
//! name cannot be accepted in June and run off the certificate in July. Text that no form checked
//! (catalog text, records issued before a slot existed) is still kept inside the frame by
//! [`Slot::fit_anyway`], which goes below the floor and breaks words when nothing else fits.

use super::fonts;
use super::pdf::{Face, width_mm};
use crate::domain::application::NamePrinting;
use crate::domain::catalog::EditionSpec;
use crate::domain::locale::Locale;

/// A box for text on a page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slot {
    pub face: Face,
    /// The size the text is set at when it fits (points).
    pub size: f32,
    /// The smallest size it is shrunk to before the text counts as not fitting (points).
    pub floor: f32,
    /// Millimetres.
    pub width: f32,
    /// The most lines it may take.
    pub lines: usize,
}

/// Text fitted into a slot: the size it is set at and its lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    pub size: f32,
    pub lines: Vec<String>,
}

impl Fitted {
    /// The distance between baselines for this size, in millimetres (1.2 times the size).
    pub fn leading(&self) -> f32 {
        leading(self.size)
    }
}

/// The baseline distance for text of `size` points, in millimetres.
pub fn leading(size: f32) -> f32 {
    size * 1.2 * 25.4 / 72.0
}

/// The smallest size [`Slot::fit_anyway`] goes down to.
const LAST_RESORT: f32 = 4.0;

impl Slot {
    /// `text` in this slot: at the largest size from `size` down to `floor` (half points) at which
    /// it wraps at spaces into at most `lines` lines, none wider than the box. `None` when it does
    /// not fit even at the floor.
    pub fn fit(&self, text: &str) -> Option<Fitted> {
        let mut size = self.size;
        loop {
            let lines = wrap_words(self.face, size, self.width, text);
            if lines.len() <= self.lines
                && lines
                    .iter()
                    .all(|l| width_mm(self.face, size, l) <= self.width)
            {
                return Some(Fitted { size, lines });
            }
            if size <= self.floor {
                return None;
            }
            size = (size - 0.5).max(self.floor);
        }
    }

    /// Whether `text` fits (see [`Slot::fit`]).
    pub fn fits(&self, text: &str) -> bool {
        self.fit(text).is_some()
    }

    /// [`Slot::fit`], and when that fails, smaller than the floor and with words broken between
    /// characters, so that the text never leaves the box: for text no form has measured.
    pub fn fit_anyway(&self, text: &str) -> Fitted {
        if let Some(fitted) = self.fit(text) {
            return fitted;
        }
        let mut size = self.floor;
        loop {
            let lines = wrap_breaking(self.face, size, self.width, text);
            if lines.len() <= self.lines || size <= LAST_RESORT {
                return Fitted { size, lines };
            }
            size = (size - 0.5).max(LAST_RESORT);
        }
    }
}

/// `text` cut into lines at spaces, greedily, and with `at_hyphens` also after the hyphens inside
/// words (a double-barrelled name breaks as "Preobrazhenskaya-" / "Voskresenskaya"; codes and
/// serials in running text are not broken there). A piece wider than the box stands alone on its
/// line (and [`Slot::fit`] then shrinks it).
pub fn wrap(face: Face, size: f32, width: f32, text: &str, at_hyphens: bool) -> Vec<String> {
    let hyphens: &[char] = if at_hyphens { &['-', '\u{2010}'] } else { &[] };
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            for (i, piece) in word.split_inclusive(hyphens).enumerate() {
                let glue = if line.is_empty() || i > 0 { "" } else { " " };
                let candidate = format!("{line}{glue}{piece}");
                if !line.is_empty() && width_mm(face, size, &candidate) > width {
                    lines.push(std::mem::replace(&mut line, piece.to_owned()));
                } else {
                    line = candidate;
                }
            }
        }
        lines.push(line);
    }
    lines
}

/// Lines for a slot: at spaces and after hyphens.
fn wrap_words(face: Face, size: f32, width: f32, text: &str) -> Vec<String> {
    wrap(face, size, width, text, true)
}

/// [`wrap_words`], with words wider than the box broken between characters (an address with no
/// spaces, a long e-mail address). A character and the combining marks after it stay together.
fn wrap_breaking(face: Face, size: f32, width: f32, text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for line in wrap_words(face, size, width, text) {
        if width_mm(face, size, &line) <= width {
            lines.push(line);
            continue;
        }
        let mut piece = String::new();
        for cluster in clusters(&line) {
            let candidate = format!("{piece}{cluster}");
            if !piece.is_empty() && width_mm(face, size, &candidate) > width {
                lines.push(std::mem::replace(
                    &mut piece,
                    cluster.trim_start().to_owned(),
                ));
            } else {
                piece = candidate;
            }
        }
        lines.push(piece);
    }
    lines
}

/// `text` as base characters, each with the combining marks that follow it.
fn clusters(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices().skip(1) {
        if !unicode_normalization::char::is_combining_mark(c) {
            out.push(&text[start..i]);
            start = i;
        }
    }
    if !text.is_empty() {
        out.push(&text[start..]);
    }
    out
}

/// The name on the attestation of success and the AFGSU 2 attestation, centred between the frame
/// rules (166 mm), on up to two lines, 24 points down to 14.
pub const CERTIFICATE_HOLDER: Slot = Slot {
    face: Face::SerifBold,
    size: 24.0,
    floor: 14.0,
    width: 166.0,
    lines: 2,
};

/// The name on a participant's badge, beside the QR code, on up to four lines.
pub const BADGE_NAME: Slot = Slot {
    face: Face::SerifBold,
    size: 15.0,
    floor: 9.0,
    width: 50.0,
    lines: 4,
};

/// The payer's name on a receipt or credit note, in the "billed to" column.
pub const RECEIPT_PAYER: Slot = Slot {
    face: Face::Serif,
    size: 12.0,
    floor: 9.0,
    width: 84.0,
    lines: 2,
};

/// The name in the visa letter's table of passport details, right of the labels.
pub const VISA_NAME: Slot = Slot {
    face: Face::SerifBold,
    size: 10.5,
    floor: 8.0,
    width: 104.0,
    lines: 2,
};

/// The institution heading a certificate (for the AFGSU 2, the CESU that delivers it).
pub const CERTIFICATE_INSTITUTION: Slot = Slot {
    face: Face::SerifBold,
    size: 16.0,
    floor: 10.0,
    width: 166.0,
    lines: 2,
};

/// The faculty under it.
pub const CERTIFICATE_FACULTY: Slot = Slot {
    face: Face::Serif,
    size: 12.0,
    floor: 8.0,
    width: 166.0,
    lines: 2,
};

/// The certificate's title ("Attestation of success").
pub const CERTIFICATE_TITLE: Slot = Slot {
    face: Face::SerifBold,
    size: 20.0,
    floor: 12.0,
    width: 166.0,
    lines: 2,
};

/// The school's title on a certificate.
pub const CERTIFICATE_COURSE: Slot = Slot {
    face: Face::SerifBold,
    size: 15.0,
    floor: 10.0,
    width: 156.0,
    lines: 3,
};

/// The signatory block, right of the verification details: place and date of issue, the
/// signatory's name and their title.
pub const SIGNATORY_LINE: Slot = Slot {
    face: Face::Serif,
    size: 11.0,
    floor: 7.0,
    width: 68.0,
    lines: 1,
};
pub const SIGNATORY_NAME: Slot = Slot {
    face: Face::SerifBold,
    size: 11.0,
    floor: 7.0,
    width: 68.0,
    lines: 1,
};
pub const SIGNATORY_TITLE: Slot = Slot {
    face: Face::Serif,
    size: 10.0,
    floor: 7.0,
    width: 68.0,
    lines: 2,
};

/// The verification details beside the QR code (serial, code, address), left of the signatory.
pub const VERIFICATION_FACT: Slot = Slot {
    face: Face::Sans,
    size: 8.5,
    floor: 6.0,
    width: 56.0,
    lines: 2,
};

/// How the certificate-name field's name prints: on the certificates, the badge and the receipt.
pub const CERTIFICATE_NAME: NamePrinting = NamePrinting {
    draws: fonts::can_draw,
    fits: certificate_name_fits,
    script_key: "error-certificate-name-script",
    too_long_key: "error-certificate-name-too-long",
};

/// How the passport name prints on the visa letter.
pub const PASSPORT_NAME: NamePrinting = NamePrinting {
    draws: fonts::can_draw,
    fits: passport_name_fits,
    script_key: "error-passport-name-script",
    too_long_key: "error-passport-name-too-long",
};

/// Whether a name, as the certificate-name field gives it, fits every document that prints it:
/// the certificates, the badge and the receipt.
pub fn certificate_name_fits(name: &str) -> bool {
    [CERTIFICATE_HOLDER, BADGE_NAME, RECEIPT_PAYER]
        .iter()
        .all(|slot| slot.fits(name))
}

/// Whether a passport name fits the visa letter's table.
pub fn passport_name_fits(name: &str) -> bool {
    VISA_NAME.fits(name)
}

/// What the catalog puts on documents that does not fit its place at the floor size, as
/// `field ("text")` in the catalog's own terms. Empty when everything fits: the catalog is
/// refused at start and at `catalog load` otherwise, as a form refuses a name.
pub fn catalog_misfits(spec: &EditionSpec) -> Vec<String> {
    let mut misfits = Vec::new();
    let mut check = |field: String, slot: &Slot, text: &str| {
        if !slot.fits(text) {
            misfits.push(format!("{field} ({text:?})"));
        }
    };
    if let Some(c) = &spec.certificates {
        check(
            "certificates.institution".into(),
            &CERTIFICATE_INSTITUTION,
            &c.institution,
        );
        if let Some(cesu) = &c.afgsu_issuer {
            check(
                "certificates.afgsu_issuer".into(),
                &CERTIFICATE_INSTITUTION,
                cesu,
            );
        }
        check(
            "certificates.signatory_name".into(),
            &SIGNATORY_NAME,
            &c.signatory_name,
        );
        if let Some(cesu) = &c.afgsu_signatory {
            check(
                "certificates.afgsu_signatory.name".into(),
                &SIGNATORY_NAME,
                &cesu.name,
            );
            for locale in Locale::ALL {
                check(
                    format!("certificates.afgsu_signatory.title.{}", locale.tag()),
                    &SIGNATORY_TITLE,
                    cesu.title.get(locale),
                );
            }
        }
        for locale in Locale::ALL {
            let tag = locale.tag();
            let faculty = c.faculty.get(locale);
            check(
                format!("certificates.faculty.{tag}"),
                &CERTIFICATE_FACULTY,
                faculty,
            );
            // The AFGSU 2 names the faculty with its institution.
            check(
                format!("certificates.faculty.{tag}, with certificates.institution"),
                &CERTIFICATE_FACULTY,
                &format!("{faculty}, {}", c.institution),
            );
            check(
                format!("certificates.signatory_title.{tag}"),
                &SIGNATORY_TITLE,
                c.signatory_title.get(locale),
            );
        }
    }
    for (i, program) in spec.programs.iter().enumerate() {
        for locale in Locale::ALL {
            check(
                format!("programs[{i}].title.{}", locale.tag()),
                &CERTIFICATE_COURSE,
                program.title.get(locale),
            );
        }
    }
    misfits
}

#[cfg(test)]
mod tests {
    use super::*;

    const SLOT: Slot = Slot {
        face: Face::SerifBold,
        size: 24.0,
        floor: 14.0,
        width: 100.0,
        lines: 2,
    };

    #[test]
    fn short_text_keeps_its_size_on_one_line() {
        let fitted = SLOT.fit("Anna Kuznetsova").unwrap();
        assert_eq!(fitted.size, 24.0);
        assert_eq!(fitted.lines, vec!["Anna Kuznetsova"]);
    }

    #[test]
    fn text_wraps_onto_the_second_line_before_it_shrinks() {
        let name = "Maria Fernanda Rodrigues da Silva";
        assert!(width_mm(SLOT.face, 24.0, name) > SLOT.width);
        let fitted = SLOT.fit(name).unwrap();
        assert_eq!(fitted.size, 24.0);
        assert_eq!(fitted.lines.len(), 2);
        assert_eq!(fitted.lines.join(" "), name);
    }

    #[test]
    fn text_shrinks_when_two_lines_are_not_enough_and_stops_at_the_floor() {
        let name = "Александра Константиновна Преображенская-Воскресенская";
        let fitted = SLOT.fit(name).unwrap();
        assert!(fitted.size < 24.0 && fitted.size >= 14.0, "{}", fitted.size);
        assert!(fitted.lines.len() <= 2);
        for line in &fitted.lines {
            assert!(
                width_mm(SLOT.face, fitted.size, line) <= SLOT.width,
                "{line}"
            );
        }
        let longer = format!("{name} {name}");
        assert_eq!(SLOT.fit(&longer), None);
        assert!(!SLOT.fits(&longer));
    }

    #[test]
    fn a_single_word_wider_than_the_box_shrinks_and_past_the_floor_is_broken() {
        let word = "Wolfeschlegelsteinhausenbergerdorff";
        let fitted = SLOT.fit(word).unwrap();
        assert_eq!(fitted.lines, vec![word]);
        assert!(width_mm(SLOT.face, fitted.size, word) <= SLOT.width);
        let huge = word.repeat(4);
        assert_eq!(SLOT.fit(&huge), None);
        let anyway = SLOT.fit_anyway(&huge);
        assert_eq!(anyway.lines.concat(), huge);
        for line in &anyway.lines {
            assert!(
                width_mm(SLOT.face, anyway.size, line) <= SLOT.width,
                "{line}"
            );
        }
    }

    #[test]
    fn breaking_keeps_combining_marks_with_their_letter() {
        let word = "e\u{0302}\u{0303}".repeat(200);
        let anyway = SLOT.fit_anyway(&word);
        for line in &anyway.lines {
            let first = line.chars().next().unwrap();
            assert_eq!(first, 'e', "a line starts with a lone mark");
        }
        assert_eq!(anyway.lines.concat(), word);
    }

    #[test]
    fn a_double_barrelled_name_breaks_after_its_hyphen() {
        let narrow = Slot {
            width: 60.0,
            size: 12.0,
            floor: 12.0,
            ..SLOT
        };
        let fitted = narrow.fit("Preobrazhenskaya-Voskresenskaya").unwrap();
        assert_eq!(fitted.lines, vec!["Preobrazhenskaya-", "Voskresenskaya"]);
        let fitted = narrow.fit("Anna Preobrazhenskaya-Voskresenskaya").unwrap();
        assert_eq!(
            fitted.lines,
            vec!["Anna Preobrazhenskaya-", "Voskresenskaya"]
        );
    }

    /// Long names people have: the forms take them whole, in every script the fonts cover.
    #[test]
    fn long_real_names_are_accepted_in_every_script() {
        for name in [
            "Maria Fernanda Rodrigues da Silva Albuquerque Santos",
            "Nguyễn Hoàng Phương Thảo Trần Thị Minh Khai",
            "Παναγιώτης Κωνσταντίνος Παπαδόπουλος-Χατζηγεωργίου",
            "Александра Константиновна Преображенская-Воскресенская",
        ] {
            assert!(name.chars().count() >= 35, "{name}");
            assert!(certificate_name_fits(name), "{name}");
            assert!(passport_name_fits(&name.to_uppercase()), "{name}");
        }
    }

    #[test]
    fn the_shipped_catalog_fits_and_a_longer_title_is_named() {
        let text = include_str!("../../catalog/2026.toml");
        let mut spec = crate::domain::catalog::parse_catalog(text).unwrap();
        assert_eq!(catalog_misfits(&spec), Vec::<String>::new());
        spec.programs[1].title.fr = "Formation pratique ".repeat(20);
        spec.certificates.as_mut().unwrap().signatory_name = "Pr ".repeat(30);
        let misfits = catalog_misfits(&spec);
        assert_eq!(misfits.len(), 2, "{misfits:?}");
        assert!(
            misfits[0].starts_with("certificates.signatory_name (\"Pr Pr"),
            "{misfits:?}"
        );
        assert!(
            misfits[1].starts_with("programs[1].title.fr (\"Formation"),
            "{misfits:?}"
        );
    }

    #[test]
    fn the_form_rules_are_the_slots() {
        assert!(certificate_name_fits("Nguyễn Thị Minh Khai"));
        assert!(passport_name_fits("NGUYEN THI MINH KHAI"));
        let long = "Wolfeschlegelsteinhausenbergerdorff ".repeat(3);
        assert!(!certificate_name_fits(long.trim()));
    }
}
