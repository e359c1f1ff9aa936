//! The attestation of success and the AFGSU 2 attestation, printed from a signed
//! [`CertificateRecord`] in the record's language. No I/O: the same record and signature give the
//! same bytes.
//!
//! Each file carries what is needed to check it offline: the record's canonical form and its
//! Ed25519 signature, in the PDF's document information (`SummerSchoolRecord`,
//! `SummerSchoolSignature`). [`read_embedded`] gets them back; `summer-school certificates verify
//! FILE.pdf` checks them against the public key.

use fluent_templates::fluent_bundle::FluentValue;

use super::pdf::{self, Face, Meta, PAGE_WIDTH, Page, Picture};
use crate::domain::calendar::{format_date, format_date_range};
use crate::domain::certificate::{CertificateRecord, hex};
use crate::domain::status::CertificateKind;
use crate::i18n::Tr;

const LEFT: f32 = 22.0;
const RIGHT: f32 = PAGE_WIDTH - 22.0;
const CENTRE: f32 = PAGE_WIDTH / 2.0;

/// The keys of the document information that carry the signed data.
pub const RECORD_KEY: &str = "SummerSchoolRecord";
pub const SIGNATURE_KEY: &str = "SummerSchoolSignature";

/// The PDF of a certificate, with its record and signature embedded.
pub fn render(r: &CertificateRecord, signature: &[u8; 64]) -> Vec<u8> {
    render_with(r, signature, None)
}

/// [`render`], with the signatory's signature image above their name.
pub fn render_with(
    r: &CertificateRecord,
    signature: &[u8; 64],
    signature_image: Option<&Picture>,
) -> Vec<u8> {
    let tr = Tr(r.locale);
    let a = |pairs: &[(&'static str, String)]| -> Vec<(&'static str, FluentValue<'static>)> {
        pairs
            .iter()
            .map(|(k, v)| (*k, FluentValue::from(v.clone())))
            .collect()
    };
    let mut page = Page::new();
    page.rule(LEFT, RIGHT, 280.0, 1.2, 0.2);
    page.text_centred(Face::SerifBold, 16.0, CENTRE, 268.0, &r.issuer.institution);
    page.text_centred(Face::Serif, 12.0, CENTRE, 261.0, &r.issuer.faculty);
    let title = match r.kind {
        CertificateKind::AttestationOfSuccess => tr.t("certificate-success-title"),
        CertificateKind::Afgsu2 => tr.t("certificate-afgsu-title"),
    };
    let mut y = 240.0;
    for line in pdf::wrap(Face::SerifBold, 20.0, RIGHT - LEFT, &title.to_uppercase()) {
        page.text_centred(Face::SerifBold, 20.0, CENTRE, y, &line);
        y -= 9.0;
    }
    y -= 6.0;
    page.text_centred(Face::Serif, 12.0, CENTRE, y, &tr.t("certificate-certify"));
    y -= 14.0;
    page.text_centred(Face::SerifBold, 24.0, CENTRE, y, &r.holder.name);
    y -= 8.0;
    let born = format_date(r.holder.birth_date, r.locale);
    page.text_centred(
        Face::Serif,
        11.0,
        CENTRE,
        y,
        &tr.t_args("certificate-born", &a(&[("date", born)])),
    );
    y -= 12.0;
    let completed = match r.kind {
        CertificateKind::AttestationOfSuccess => tr.t("certificate-success-completed"),
        CertificateKind::Afgsu2 => tr.t("certificate-afgsu-completed"),
    };
    page.text_centred(Face::Serif, 12.0, CENTRE, y, &completed);
    y -= 9.0;
    for line in pdf::wrap(Face::SerifBold, 15.0, RIGHT - LEFT - 10.0, &r.course.title) {
        page.text_centred(Face::SerifBold, 15.0, CENTRE, y, &line);
        y -= 7.0;
    }
    y -= 3.0;
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
            page.text_centred(Face::SerifBold, 13.0, CENTRE, y, &result);
            y -= 7.5;
            page.text_centred(
                Face::SerifBold,
                13.0,
                CENTRE,
                y,
                &tr.t_args(
                    "certificate-ects",
                    &a(&[("ects", r.course.ects.to_string())]),
                ),
            );
            y -= 10.0;
        }
        CertificateKind::Afgsu2 => {
            page.text_centred(
                Face::SerifBold,
                13.0,
                CENTRE,
                y,
                &tr.t("certificate-afgsu-level"),
            );
            y -= 7.5;
            if let Some(until) = r.valid_until {
                page.text_centred(
                    Face::SerifBold,
                    12.0,
                    CENTRE,
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
    if !r.course.outcomes.is_empty() {
        page.text(
            Face::Sans,
            9.0,
            LEFT + 8.0,
            y,
            &tr.t("certificate-outcomes").to_uppercase(),
        );
        y -= 5.0;
        for outcome in &r.course.outcomes {
            y = page.paragraph(
                (Face::Sans, 9.5),
                LEFT + 12.0,
                y,
                RIGHT - LEFT - 20.0,
                4.6,
                &format!("• {outcome}"),
            );
        }
    }
    if let Some(serial) = &r.supersedes {
        y -= 2.0;
        page.text(
            Face::Sans,
            9.0,
            LEFT + 8.0,
            y,
            &tr.t_args("certificate-supersedes", &a(&[("serial", serial.clone())])),
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
    page.text(Face::Serif, 11.0, 120.0, 92.0, &issued);
    if let Some(picture) = signature_image {
        page.picture(picture, 120.0, 73.0, 42.0);
    }
    page.text(Face::SerifBold, 11.0, 120.0, 70.0, &r.issuer.signatory_name);
    page.text(Face::Serif, 10.0, 120.0, 64.5, &r.issuer.signatory_title);

    // Verification: QR code, serial, code and address.
    page.qr(LEFT, 30.0, 34.0, &r.verification_url);
    let facts = [
        tr.t_args("certificate-serial", &a(&[("serial", r.serial.clone())])),
        tr.t_args(
            "certificate-code",
            &a(&[("code", r.verification_code.clone())]),
        ),
        tr.t("certificate-verify-at"),
        r.verification_url.clone(),
        tr.t("certificate-signed"),
    ];
    let mut y = 60.0;
    for fact in facts {
        y = page.paragraph((Face::Sans, 8.5), LEFT + 38.0, y, 78.0, 4.2, &fact);
    }
    page.rule(LEFT, RIGHT, 22.0, 1.2, 0.2);

    if r.demo {
        page.demo_stamp(&tr.t("document-demo-stamp"));
    }
    let canonical = String::from_utf8(r.canonical()).expect("canonical JSON is UTF-8");
    pdf::finish_with(
        &Meta {
            title: &format!("{title} — {}", r.holder.name),
            author: &r.issuer.institution,
            subject: &r.course.title,
            issued_at: r.issued_on.with_time(time::Time::MIDNIGHT).assume_utc(),
            key: &r.serial,
        },
        vec![page],
        &[(RECORD_KEY, canonical), (SIGNATURE_KEY, hex(signature))],
    )
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
