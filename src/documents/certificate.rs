//! The attestation of success and the AFGSU 2 attestation, printed from a signed
//! [`CertificateRecord`] in the record's language, for [`super::seal::Sealer::seal`] to sign. No
//! I/O: the same record and signature give the same bytes (until sealed: each PDF signature is new).
//!
//! Each file carries what is needed to check it offline: the record's canonical form and its
//! Ed25519 signature, in the PDF's document information (`SummerSchoolRecord`,
//! `SummerSchoolSignature`). [`read_embedded`] gets them back; `summer-school certificates verify
//! FILE.pdf` checks them against the public key.

use fluent_templates::fluent_bundle::FluentValue;

use super::layout::{self, Slot};
use super::pdf::{self, Align, Face, Meta, PAGE_WIDTH, Page, Picture};
use super::seal::Unsealed;
use crate::domain::calendar::{format_date, format_date_range};
use crate::domain::certificate::{CertificateRecord, hex};
use crate::domain::status::CertificateKind;
use crate::i18n::Tr;

const LEFT: f32 = 22.0;
const RIGHT: f32 = PAGE_WIDTH - 22.0;
const CENTRE: f32 = PAGE_WIDTH / 2.0;

/// Where the signatory block begins (the place and date of issue): the text above stays above it.
const SIGNATURE_BLOCK_TOP: f32 = 100.0;
/// The width of the learning outcomes' paragraphs.
const OUTCOMES_WIDTH: f32 = RIGHT - LEFT - 20.0;

/// The size and leading the learning outcomes are set at so that they end above the signatory
/// block (`room` millimetres): 9.5 points, smaller for a long list, 6.5 at the least.
fn outcomes_size(items: &[String], room: f32) -> (f32, f32) {
    let mut size = 9.5;
    loop {
        let leading = size * 4.6 / 9.5;
        let lines: usize = items
            .iter()
            .map(|item| pdf::wrap(Face::Sans, size, OUTCOMES_WIDTH, item).len())
            .sum();
        if lines as f32 * leading <= room || size <= 6.5 {
            return (size, leading);
        }
        size -= 0.5;
    }
}

/// The keys of the document information that carry the signed data.
pub const RECORD_KEY: &str = "SummerSchoolRecord";
pub const SIGNATURE_KEY: &str = "SummerSchoolSignature";

/// The PDF of a certificate, with its record and signature embedded, for
/// [`super::seal::Sealer::seal`] to sign.
pub fn render(r: &CertificateRecord, signature: &[u8; 64]) -> Unsealed {
    render_with(r, signature, None)
}

/// [`render`], with the signatory's signature image above their name.
pub fn render_with(
    r: &CertificateRecord,
    signature: &[u8; 64],
    signature_image: Option<&Picture>,
) -> Unsealed {
    render_in(r, signature, signature_image, r.locale).expect("a record prints in its language")
}

/// [`render_with`], the page in `locale` (the record's language or its translation's); the file
/// embeds the whole signed record either way. `None` in a language the record does not hold.
pub fn render_in(
    r: &CertificateRecord,
    signature: &[u8; 64],
    signature_image: Option<&Picture>,
    locale: crate::domain::locale::Locale,
) -> Option<Unsealed> {
    let view = r.in_language(locale)?;
    let (page, title) = draw(&view, signature_image, None);
    let canonical = String::from_utf8(r.canonical()).expect("canonical JSON is UTF-8");
    Some(pdf::finish_sealable(
        &meta(&view, &title),
        vec![page],
        &[(RECORD_KEY, canonical), (SIGNATURE_KEY, hex(signature))],
    ))
}

/// A specimen of the certificate `r` describes: the same page, `stamp` across its margins, and
/// neither the signed record nor a signature in the file.
pub fn render_specimen(
    r: &CertificateRecord,
    signature_image: Option<&Picture>,
    stamp: &str,
) -> Vec<u8> {
    let (page, title) = draw(r, signature_image, Some(stamp));
    pdf::finish(&meta(r, &title), vec![page])
}

fn meta<'a>(r: &'a CertificateRecord, title: &'a str) -> Meta<'a> {
    Meta {
        title,
        author: &r.issuer.institution,
        subject: &r.course.title,
        issued_at: r.issued_on.with_time(time::Time::MIDNIGHT).assume_utc(),
        key: &r.serial,
    }
}

/// The page, and the file's title.
fn draw(
    r: &CertificateRecord,
    signature_image: Option<&Picture>,
    stamp: Option<&str>,
) -> (Page, String) {
    let tr = Tr(r.locale);
    let a = |pairs: &[(&'static str, String)]| -> Vec<(&'static str, FluentValue<'static>)> {
        pairs
            .iter()
            .map(|(k, v)| (*k, FluentValue::from(v.clone())))
            .collect()
    };
    let mut page = Page::new();
    page.rule(LEFT, RIGHT, 280.0, 1.2, 0.2);
    let mut y = page.slot(
        &layout::CERTIFICATE_INSTITUTION,
        Align::Centre(CENTRE),
        268.0,
        &r.issuer.institution,
    );
    y = page.slot(
        &layout::CERTIFICATE_FACULTY,
        Align::Centre(CENTRE),
        y - 0.5,
        &r.issuer.faculty,
    );
    let title = match r.kind {
        CertificateKind::AttestationOfSuccess => tr.t("certificate-success-title"),
        CertificateKind::Afgsu2 => tr.t("certificate-afgsu-title"),
    };
    let mut y = page.slot(
        &layout::CERTIFICATE_TITLE,
        Align::Centre(CENTRE),
        (y - 13.0).min(240.0),
        &title.to_uppercase(),
    );
    y -= 6.0;
    y = sentence(
        &mut page,
        (Face::Serif, 12.0),
        y,
        &tr.t("certificate-certify"),
    );
    y -= 14.0;
    y = page.slot(
        &layout::CERTIFICATE_HOLDER,
        Align::Centre(CENTRE),
        y,
        &r.holder.name,
    );
    y += 2.0;
    let born = format_date(r.holder.birth_date, r.locale);
    y = sentence(
        &mut page,
        (Face::Serif, 11.0),
        y,
        &tr.t_args("certificate-born", &a(&[("date", born)])),
    );
    y -= 12.0;
    let completed = match r.kind {
        CertificateKind::AttestationOfSuccess => tr.t("certificate-success-completed"),
        CertificateKind::Afgsu2 => tr.t("certificate-afgsu-completed"),
    };
    y = sentence(&mut page, (Face::Serif, 12.0), y, &completed);
    y -= 9.0;
    y = page.slot(
        &layout::CERTIFICATE_COURSE,
        Align::Centre(CENTRE),
        y,
        &r.course.title,
    );
    y -= 3.5;
    let details = tr.t_args(
        "certificate-details",
        &a(&[
            ("place", r.course.place.clone()),
            (
                "dates",
                format_date_range(r.course.starts_on, r.course.ends_on, r.locale),
            ),
            ("language", r.course.language.clone()),
            ("hours", r.course.hours.to_string()),
        ]),
    );
    for line in pdf::wrap(Face::Serif, 11.0, RIGHT - LEFT - 10.0, &details) {
        page.text_centred(Face::Serif, 11.0, CENTRE, y, &line);
        y -= 5.5;
    }
    y -= 6.0;
    match r.kind {
        CertificateKind::AttestationOfSuccess => {
            let result = match (&r.outcome.grade, r.outcome.passed) {
                (Some(grade), true) => {
                    tr.t_args("certificate-result-grade", &a(&[("grade", grade.clone())]))
                }
                (None, true) => tr.t("certificate-result-passed"),
                (_, false) => tr.t("certificate-result-failed"),
            };
            y = sentence(&mut page, (Face::SerifBold, 13.0), y, &result);
            y -= 7.5;
            y = sentence(
                &mut page,
                (Face::SerifBold, 13.0),
                y,
                &match r.course.workload_hours {
                    Some(hours) => tr.t_args(
                        "certificate-ects-workload",
                        &a(&[
                            ("ects", r.course.ects.to_string()),
                            ("hours", hours.to_string()),
                        ]),
                    ),
                    None => tr.t_args(
                        "certificate-ects",
                        &a(&[("ects", r.course.ects.to_string())]),
                    ),
                },
            );
            y -= 10.0;
        }
        CertificateKind::Afgsu2 => {
            y = sentence(
                &mut page,
                (Face::SerifBold, 13.0),
                y,
                &tr.t("certificate-afgsu-level"),
            );
            y -= 7.5;
            if let Some(until) = r.valid_until {
                y = sentence(
                    &mut page,
                    (Face::SerifBold, 12.0),
                    y,
                    &tr.t_args(
                        "certificate-valid-until",
                        &a(&[("date", format_date(until, r.locale))]),
                    ),
                );
                y -= 10.0;
            }
        }
    }
    let supersedes = r
        .supersedes
        .as_ref()
        .map(|serial| tr.t_args("certificate-supersedes", &a(&[("serial", serial.clone())])));
    // What is left above the signatory block for the learning outcomes and the correction line.
    let floor = SIGNATURE_BLOCK_TOP + if supersedes.is_some() { 6.0 } else { 0.0 };
    if !r.course.outcomes.is_empty() {
        page.text(
            Face::Sans,
            9.0,
            LEFT + 8.0,
            y,
            &tr.t("certificate-outcomes").to_uppercase(),
        );
        y -= 5.0;
        let items: Vec<String> = r.course.outcomes.iter().map(|o| format!("• {o}")).collect();
        let (size, leading) = outcomes_size(&items, y - floor);
        for item in &items {
            y = page.paragraph(
                (Face::Sans, size),
                LEFT + 12.0,
                y,
                OUTCOMES_WIDTH,
                leading,
                item,
            );
        }
    }
    if let Some(line) = &supersedes {
        y -= 2.0;
        page.text(
            Face::Sans,
            9.0,
            LEFT + 8.0,
            y.max(SIGNATURE_BLOCK_TOP),
            line,
        );
    }

    // Place and date of issue, and the signatory.
    let issued = tr.t_args(
        "certificate-issued",
        &a(&[
            ("place", r.issuer.place_of_issue.clone()),
            ("date", format_date(r.issued_on, r.locale)),
        ]),
    );
    page.slot(&layout::SIGNATORY_LINE, Align::Left(120.0), 92.0, &issued);
    if let Some(picture) = signature_image {
        page.picture(picture, 120.0, 73.0, 42.0);
    }
    page.slot(
        &layout::SIGNATORY_NAME,
        Align::Left(120.0),
        70.0,
        &r.issuer.signatory_name,
    );
    page.slot(
        &layout::SIGNATORY_TITLE,
        Align::Left(120.0),
        64.5,
        &r.issuer.signatory_title,
    );

    // Verification: QR code, serial, code and address.
    page.qr(LEFT, 30.0, 34.0, &r.verification_url);
    // Sentences wrap; the serial, the code and the address stay whole on their line, smaller if
    // they must, so they read (and copy) as one.
    let sentence = layout::VERIFICATION_FACT;
    let whole = Slot {
        lines: 1,
        ..layout::VERIFICATION_FACT
    };
    let facts = [
        (
            whole,
            tr.t_args("certificate-serial", &a(&[("serial", r.serial.clone())])),
        ),
        (
            whole,
            tr.t_args(
                "certificate-code",
                &a(&[("code", r.verification_code.clone())]),
            ),
        ),
        (sentence, tr.t("certificate-verify-at")),
        (whole, r.verification_url.clone()),
        (sentence, tr.t("certificate-signed")),
    ];
    let mut y = 60.0;
    for (slot, fact) in facts {
        y = page.slot(&slot, Align::Left(LEFT + 38.0), y, &fact) - 0.6;
    }
    page.rule(LEFT, RIGHT, 22.0, 1.2, 0.2);

    match stamp {
        Some(label) => page.demo_stamp(label),
        None if r.demo => page.demo_stamp(&tr.t("document-demo-stamp")),
        None => {}
    }
    let file_title = format!("{title} — {}", r.holder.name);
    (page, file_title)
}

/// A sentence of the page, centred between the rules, on a second line (or a little smaller) when
/// a language needs it; returns the baseline of its last line.
fn sentence(page: &mut Page, (face, size): (Face, f32), y: f32, text: &str) -> f32 {
    let slot = Slot {
        face,
        size,
        floor: size - 2.0,
        width: RIGHT - LEFT - 10.0,
        lines: 2,
    };
    let leading = slot.fit_anyway(&pdf::printable(text)).leading();
    page.slot(&slot, Align::Centre(CENTRE), y, text) + leading
}

/// The record and signature a certificate file carries, if it carries them.
pub fn read_embedded(pdf_bytes: &[u8]) -> Option<(CertificateRecord, Vec<u8>)> {
    let doc = lopdf::Document::load_mem(pdf_bytes).ok()?;
    let info = doc.trailer.get(b"Info").ok()?;
    let info = match info {
        lopdf::Object::Reference(id) => doc.get_object(*id).ok()?.as_dict().ok()?,
        lopdf::Object::Dictionary(d) => d,
        _ => return None,
    };
    let text = |key: &str| -> Option<String> {
        match info.get(key.as_bytes()).ok()? {
            lopdf::Object::String(bytes, _) => String::from_utf8(bytes.clone()).ok(),
            _ => None,
        }
    };
    let record: CertificateRecord = serde_json::from_str(&text(RECORD_KEY)?).ok()?;
    let signature = crate::domain::certificate::from_hex(&text(SIGNATURE_KEY)?)?;
    Some((record, signature))
}

/// What [`check_file`] found in a genuine certificate file.
#[derive(Debug)]
pub struct CheckedFile {
    pub record: CertificateRecord,
    /// The file's PDF signature, which covers the whole file.
    pub seal: super::seal::Seal,
}

/// Why a file is not a genuine certificate.
#[derive(Debug, thiserror::Error)]
pub enum NotGenuine {
    #[error("no signed certificate data in this file")]
    NoRecord,
    #[error("the signature does not match the data: this is not the certificate {0} issued")]
    RecordSignature(String),
    #[error("{0}")]
    Seal(#[from] super::seal::Broken),
    #[error("the page does not say what the signed record says: {0} is missing from it")]
    Page(String),
}

/// Checks a certificate file as a reader would: the embedded record against the issuer's public
/// key, the PDF signature over the whole file, and the page's text against the record (the
/// holder's name, the school, the serial, the verification code and the grade must be on it).
pub fn check_file(
    pdf_bytes: &[u8],
    key: &ed25519_dalek::VerifyingKey,
) -> Result<CheckedFile, NotGenuine> {
    let (record, signature) = read_embedded(pdf_bytes).ok_or(NotGenuine::NoRecord)?;
    if !record.verify(key, &signature) {
        return Err(NotGenuine::RecordSignature(record.issuer.institution));
    }
    let seal = super::seal::check(pdf_bytes)?;
    let page = page_text(pdf_bytes).unwrap_or_default();
    // The page is in one of the record's languages: all its facts, in that language, are on it.
    let missing = |view: &CertificateRecord| -> Option<String> {
        let mut facts = vec![
            &view.holder.name,
            &view.course.title,
            &view.serial,
            &view.verification_code,
        ];
        facts.extend(view.outcome.grade.as_ref());
        facts
            .into_iter()
            .find(|fact| !page.contains(&squeezed(&pdf::printable(fact))))
            .cloned()
    };
    let mut missed = Vec::new();
    for locale in record.languages() {
        let view = record.in_language(locale).ok_or(NotGenuine::NoRecord)?;
        match missing(&view) {
            None => return Ok(CheckedFile { record, seal }),
            Some(fact) => missed.push(fact),
        }
    }
    Err(NotGenuine::Page(missed.swap_remove(0)))
}

/// The text of the first page, without white space (a name may wrap onto a second line).
fn page_text(pdf_bytes: &[u8]) -> Option<String> {
    let doc = lopdf::Document::load_mem(pdf_bytes).ok()?;
    let text = doc.extract_text_with_limit(&[1], 4 << 20).ok()?;
    Some(squeezed(&text))
}

fn squeezed(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.nfc().filter(|c| !c.is_whitespace()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::certificate::tests::record;
    use ed25519_dalek::SigningKey;

    #[test]
    fn the_file_carries_its_signed_record_and_is_the_same_for_the_same_record() {
        let key = SigningKey::from_bytes(&[3; 32]);
        let r = record();
        let signature = r.sign(&key);
        let pdf = render(&r, &signature);
        assert_eq!(pdf, render(&r, &signature), "the same bytes");
        assert!(pdf.len() < 100 * 1024, "{} bytes", pdf.len());
        let (back, sig) = read_embedded(&pdf).expect("the embedded record");
        assert_eq!(back, r);
        assert!(back.verify(&key.verifying_key(), &sig));
        assert!(read_embedded(b"%PDF-1.4 not really").is_none());
    }

    #[test]
    fn a_sealed_file_checks_and_a_page_that_lost_its_facts_does_not() {
        let key = SigningKey::from_bytes(&[3; 32]);
        let r = record();
        let signature = r.sign(&key);
        let (k, c) = crate::documents::seal::Sealer::generate_development(
            "Test",
            time::OffsetDateTime::now_utc(),
        )
        .unwrap();
        let sealer = crate::documents::seal::Sealer::from_pem(&k, &c).unwrap();
        let pdf = sealer.seal(render(&r, &signature));
        // To try it in a PDF reader or pdfsig: SHOW_SEALED=/tmp/s.pdf cargo test --lib sealed.
        if let Ok(path) = std::env::var("SHOW_SEALED") {
            std::fs::write(path, &pdf).unwrap();
        }
        let checked = check_file(&pdf, &key.verifying_key()).expect("genuine");
        assert_eq!(checked.record, r);
        assert!(checked.seal.development);
        // The page's text reads back: every fact is found on it.
        let page = page_text(&pdf).unwrap();
        assert!(page.contains(&squeezed(&r.holder.name)), "{page}");
        // Unsealed: the PDF signature is missing.
        assert!(matches!(
            check_file(&render(&r, &signature), &key.verifying_key()),
            Err(NotGenuine::Seal(_))
        ));
    }

    #[test]
    fn the_signature_image_is_printed_and_the_file_stays_small_and_the_same() {
        let key = SigningKey::from_bytes(&[3; 32]);
        let mut r = record();
        r.issuer.signature_image = Some("signatory.png".into());
        let signature = r.sign(&key);
        let images = crate::documents::signatures::SignatureImages::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/certificates"
        ));
        let picture = images.for_record(&r).expect("the shipped placeholder");
        let pdf = render_with(&r, &signature, Some(&picture));
        // To look at the layout: SHOW_CERTIFICATE=/tmp/c.pdf cargo test --lib signature_image
        if let Ok(path) = std::env::var("SHOW_CERTIFICATE") {
            std::fs::write(path, &pdf).unwrap();
        }
        assert_eq!(pdf, render_with(&r, &signature, Some(&picture)));
        assert!(pdf.len() < 100 * 1024, "{} bytes", pdf.len());
        let doc = lopdf::Document::load_mem(&pdf).unwrap();
        let images = doc
            .objects
            .values()
            .filter(|o| {
                o.as_stream()
                    .ok()
                    .and_then(|s| s.dict.get(b"Subtype").ok())
                    .and_then(|t| t.as_name().ok())
                    == Some(b"Image".as_slice())
            })
            .count();
        assert_eq!(images, 1, "the signature, flattened onto white");
        // The page draws it, and the stream it names holds every pixel of the picture.
        let page = *doc.get_pages().values().next().unwrap();
        let content = String::from_utf8_lossy(&doc.get_page_content(page)).into_owned();
        assert!(content.contains("/Signature Do"), "{content}");
        let resources = doc.get_page_resources(page).unwrap().1;
        let resources = doc.get_dictionary(resources[0]).unwrap();
        let xobjects = doc
            .get_dictionary(resources.get(b"XObject").unwrap().as_reference().unwrap())
            .unwrap();
        let image = doc
            .get_object(xobjects.get(b"Signature").unwrap().as_reference().unwrap())
            .unwrap()
            .as_stream()
            .unwrap();
        let number = |key: &[u8]| image.dict.get(key).unwrap().as_i64().unwrap() as usize;
        let channels = match image.dict.get(b"ColorSpace").unwrap().as_name().unwrap() {
            b"DeviceRGB" => 3,
            b"DeviceGray" => 1,
            other => panic!("{}", String::from_utf8_lossy(other)),
        };
        assert_eq!((picture.width, picture.height), (360, 105));
        assert_eq!((number(b"Width"), number(b"Height")), (360, 105));
        assert_eq!(
            image.decompressed_content().unwrap().len(),
            360 * 105 * channels
        );
        let (back, sig) = read_embedded(&pdf).unwrap();
        assert_eq!(
            back.issuer.signature_image.as_deref(),
            Some("signatory.png")
        );
        assert!(back.verify(&key.verifying_key(), &sig));
        // Without an image the record's signed form is what it was before images existed.
        let plain = record();
        assert!(
            !String::from_utf8(plain.canonical())
                .unwrap()
                .contains("signature_image")
        );
    }
}
