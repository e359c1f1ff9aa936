//! Certificates: the time to sign and render one attestation (the PDF with its QR code, fonts
//! subset, the signed record embedded) and the size of the file, over names in several scripts.
//! The issue's goals: at most 10 ms per attestation and 100 KB per file. (The 200-person batch,
//! with storage, comes with batch issuance.)
//!
//! Settings (environment): `BENCH_CERTIFICATES` attestations to render (default 200).
//!
//! Run with `cargo bench --bench certificates`.

use std::time::{Duration, Instant};

use summer_school::documents::certificate::render;
use summer_school::domain::certificate::{CertificateRecord, Course, Holder, Issuer, Outcome};
use summer_school::domain::locale::Locale;
use summer_school::domain::status::CertificateKind;
use time::macros::date;

const NAMES: [&str; 5] = [
    "Nguyễn Thị Minh Khai",
    "Γεώργιος Παπαδόπουλος",
    "Анна Кузнецова",
    "Łukasz Żółkiewski-Dvořák",
    "Hélène Dupont-Moreau",
];

fn record(n: usize) -> CertificateRecord {
    CertificateRecord {
        kind: if n.is_multiple_of(2) {
            CertificateKind::AttestationOfSuccess
        } else {
            CertificateKind::Afgsu2
        },
        serial: format!("UPC-SS-2026-HO-{:04}", n + 1),
        verification_code: "7KQ2-MX9D-4T8P-ZR3W".into(),
        verification_url: "https://summerschool.example/verify/7KQ2-MX9D-4T8P-ZR3W".into(),
        locale: if n.is_multiple_of(3) {
            Locale::Fr
        } else {
            Locale::En
        },
        holder: Holder {
            name: NAMES[n % NAMES.len()].into(),
            birth_date: date!(1999 - 03 - 14),
        },
        course: Course {
            title: "Hands-on Training in Clinical Medicine and Emergencies".into(),
            starts_on: date!(2026 - 07 - 06),
            ends_on: date!(2026 - 07 - 17),
            place: "Paris".into(),
            language: "English".into(),
            hours: 60,
            ects: 5,
            outcomes: vec![
                "Recognise and manage the main medical emergencies".into(),
                "Perform basic and advanced life support as a team".into(),
            ],
        },
        outcome: Outcome {
            passed: true,
            grade: None,
        },
        issuer: Issuer {
            institution: "Université Paris Cité".into(),
            faculty: "UFR de Médecine".into(),
            signatory_name: "Pr Jeanne Martin".into(),
            signatory_title: "Dean".into(),
            place_of_issue: "Paris".into(),
        },
        issued_on: date!(2026 - 07 - 20),
        valid_until: (n % 2 == 1).then_some(date!(2030 - 07 - 20)),
        supersedes: None,
    }
}

fn main() {
    let count: usize = std::env::var("BENCH_CERTIFICATES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let key = ed25519_dalek::SigningKey::from_bytes(&[42; 32]);
    // The first one parses the fonts; it is reported apart.
    let started = Instant::now();
    let first = render(&record(0), &record(0).sign(&key));
    let cold = started.elapsed();
    let mut times: Vec<Duration> = Vec::with_capacity(count);
    let mut largest = first.len();
    let all = Instant::now();
    for n in 0..count {
        let r = record(n);
        let t = Instant::now();
        let pdf = render(&r, &r.sign(&key));
        times.push(t.elapsed());
        largest = largest.max(pdf.len());
    }
    let total = all.elapsed();
    times.sort();
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1000.0);
    println!(
        "| attestations | first (fonts parsed) | p50 | p90 | p99 | max | all | largest file |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    println!(
        "| {count} | {} | {} | {} | {} | {} | {} | {:.1} KB |",
        ms(cold),
        ms(at(0.5)),
        ms(at(0.9)),
        ms(at(0.99)),
        ms(*times.last().unwrap()),
        ms(total),
        largest as f64 / 1024.0
    );
}
