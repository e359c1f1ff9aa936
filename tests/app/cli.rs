//! The command line: each failure is one clear line, a non-zero exit, and nothing written.

use std::path::Path;
use std::process::{Command, Output};

use crate::harness::{TestDb, binary};

fn run(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    Command::new(binary())
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("DATA_DIR", dir.join("data"))
        .env(
            "CERTIFICATES_DIR",
            concat!(env!("CARGO_MANIFEST_DIR"), "/certificates"),
        )
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

fn one_line_error(out: &Output) -> String {
    assert!(!out.status.success(), "expected failure, got {:?}", out);
    let err = String::from_utf8_lossy(&out.stderr).trim().to_owned();
    assert_eq!(err.lines().count(), 1, "one line, got: {err}");
    assert!(err.starts_with("error: "), "{err}");
    err
}

#[test]
fn every_command_has_help() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["catalog", "load", "--help"],
        vec!["catalog", "show", "--help"],
        vec!["admin", "create-organizer", "--help"],
        vec!["admin", "send-test-email", "--help"],
        vec!["jobs", "list", "--help"],
        vec!["jobs", "retry", "--help"],
        vec!["jobs", "run-once", "--help"],
        vec!["certificates", "issue", "--help"],
        vec!["certificates", "verify", "--help"],
        vec!["certificates", "public-key", "--help"],
        vec!["certificates", "preview", "--help"],
    ] {
        let out = run(dir.path(), &[], &args);
        assert!(out.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Usage:"),
            "{args:?}"
        );
    }
    assert!(!dir.path().join("data").exists(), "help writes nothing");
}

#[test]
fn a_bad_catalog_is_refused_with_the_field_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let bad = summer_school::domain::catalog::SHIPPED_CATALOG.replacen(
        "capacity = 40",
        "capacity = -3",
        1,
    );
    std::fs::write(dir.path().join("bad.toml"), bad).unwrap();
    let out = run(dir.path(), &[], &["catalog", "load", "bad.toml"]);
    let err = one_line_error(&out);
    assert!(
        err.contains("bad.toml") && err.contains("capacity"),
        "{err}"
    );

    let worse =
        summer_school::domain::catalog::SHIPPED_CATALOG.replacen("ects = 5", "ects = 500", 1);
    std::fs::write(dir.path().join("worse.toml"), worse).unwrap();
    let err = one_line_error(&run(dir.path(), &[], &["catalog", "load", "worse.toml"]));
    assert!(
        err.contains("programs[0].ects: 500 is out of range"),
        "{err}"
    );

    // `serve` with a bad CATALOG_FILE refuses before creating anything.
    let err = one_line_error(&run(
        dir.path(),
        &[("CATALOG_FILE", "worse.toml")],
        &["serve"],
    ));
    assert!(err.contains("ects"), "{err}");
    assert!(!dir.path().join("data").exists(), "nothing written");
}

/// A signature image the catalog names but the disk lacks (or that is not a PNG) stops `serve`,
/// `catalog load` and `certificates preview` before anything is written, naming the file: a
/// certificate printed without its signature would have to be issued again.
#[test]
fn a_missing_or_unreadable_signature_image_is_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let shipped = include_str!("../../catalog/2026.toml");
    assert!(shipped.contains("signature_image = \"signatory.png\""));
    std::fs::write(
        dir.path().join("gone.toml"),
        shipped.replace("signatory.png", "gone.png"),
    )
    .unwrap();
    let certificates = dir.path().join("certificates");
    std::fs::create_dir_all(certificates.join("signatures")).unwrap();
    std::fs::write(certificates.join("signatures/signatory.png"), "not a png").unwrap();
    let here = [("CERTIFICATES_DIR", certificates.to_str().unwrap())];
    let err = one_line_error(&run(dir.path(), &[], &["catalog", "load", "gone.toml"]));
    assert!(
        err.contains("signatures/gone.png") && err.contains("cannot read"),
        "{err}"
    );
    let err = one_line_error(&run(
        dir.path(),
        &[("CATALOG_FILE", "gone.toml")],
        &["serve"],
    ));
    assert!(err.contains("signatures/gone.png"), "{err}");
    let err = one_line_error(&run(dir.path(), &here, &["serve"]));
    assert!(
        err.contains("signatures/signatory.png") && err.contains("not a readable PNG"),
        "{err}"
    );
    let err = one_line_error(&run(
        dir.path(),
        &here,
        &[
            "certificates",
            "preview",
            "--kind",
            "success",
            "--name",
            "Anna",
            "--out",
            "a.pdf",
        ],
    ));
    assert!(err.contains("not a readable PNG"), "{err}");
    assert!(!dir.path().join("data").exists(), "nothing written");
    assert!(!dir.path().join("a.pdf").exists());
}

#[test]
fn bad_database_urls_are_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let err = one_line_error(&run(
        dir.path(),
        &[("DATABASE_URL", "mysql://x@y/z")],
        &["migrate"],
    ));
    assert!(err.contains("unknown scheme `mysql`"), "{err}");
    let err = one_line_error(&run(
        dir.path(),
        &[("DATABASE_URL", "no-scheme-at-all")],
        &["migrate"],
    ));
    assert!(err.contains("DATABASE_URL"), "{err}");
    let err = one_line_error(&run(
        dir.path(),
        &[(
            "DATABASE_URL",
            "postgres://postgres:pw-not-shown@127.0.0.1:1/nothing",
        )],
        &["migrate"],
    ));
    assert!(err.contains("does not answer"), "{err}");
    assert!(
        !err.contains("pw-not-shown"),
        "the password never appears: {err}"
    );
    assert!(!dir.path().join("data").exists(), "nothing written");
}

#[test]
fn a_port_in_use_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let err = one_line_error(&run(dir.path(), &[("BIND_ADDR", &addr)], &["serve"]));
    assert!(err.contains("already in use"), "{err}");
    assert!(!dir.path().join("data").exists(), "nothing written");
}

#[test]
fn production_refuses_every_development_default_and_says_which() {
    let dir = tempfile::tempdir().unwrap();
    let err = one_line_error(&run(dir.path(), &[("APP_ENV", "production")], &["serve"]));
    for named in [
        "MAIL_TRANSPORT",
        "PAYMENT_PROVIDER",
        "SECRET_KEY",
        "CERT_SIGNING_KEY",
        "CERT_PDF_KEY_FILE",
        "PUBLIC_URL",
    ] {
        assert!(err.contains(named), "{named} not named in: {err}");
    }
    let err = one_line_error(&run(
        dir.path(),
        &[
            ("APP_ENV", "production"),
            ("MAIL_TRANSPORT", "smtp"),
            (
                "SMTP_URL",
                "smtp://mailer:secret-pw@mail.example.org:587?tls=required",
            ),
            ("SECRET_KEY", &"ab".repeat(32)),
            ("CERT_SIGNING_KEY", &"cd".repeat(32)),
            ("PUBLIC_URL", "https://summerschool.example.org"),
        ],
        &["serve"],
    ));
    assert!(
        err.contains("PAYMENT_PROVIDER") && !err.contains("SECRET_KEY"),
        "{err}"
    );
    assert!(
        !err.contains(&"cd".repeat(32)),
        "the signing key never shows"
    );
    assert!(!err.contains("secret-pw"));
    let err = one_line_error(&run(dir.path(), &[("BIND_ADDR", "nonsense")], &["serve"]));
    assert!(err.contains("BIND_ADDR"), "{err}");
    assert!(!dir.path().join("data").exists(), "nothing written");
}

#[test]
fn production_signs_pdfs_with_the_issuers_pair_and_refuses_the_development_one() {
    use summer_school::config::Config;
    use summer_school::startup::pdf_sealer;
    let dir = tempfile::tempdir().unwrap();
    let config = |pairs: &[(&str, &str)]| {
        let mut env: std::collections::HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        env.insert(
            "DATA_DIR".into(),
            dir.path().join("data").display().to_string(),
        );
        Config::from_map(&env).unwrap()
    };
    // Development: a pair is generated once, then read back.
    let development = pdf_sealer(&config(&[])).unwrap();
    assert!(development.is_development());
    let again = pdf_sealer(&config(&[])).unwrap();
    assert_eq!(development.certificate_sha256(), again.certificate_sha256());
    let keys = dir.path().join("data").join("keys");
    let files = |key: &Path, cert: &Path| {
        [
            ("APP_ENV", "production".to_owned()),
            ("CERT_PDF_KEY_FILE", key.display().to_string()),
            ("CERT_PDF_CERTIFICATE_FILE", cert.display().to_string()),
        ]
    };
    let pairs = files(&keys.join("pdf-signing.key"), &keys.join("pdf-signing.crt"));
    let as_refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let err = pdf_sealer(&config(&as_refs)).err().unwrap().to_string();
    assert!(err.contains("development certificate"), "{err}");
    assert!(
        pdf_sealer(&config(&[("APP_ENV", "production")]))
            .err()
            .unwrap()
            .to_string()
            .contains("CERT_PDF_KEY_FILE")
    );
    // The issuer's own pairs, as OpenSSL makes them, RSA and ECDSA: taken.
    for kind in ["rsa", "ec"] {
        openssl_pair(dir.path(), kind);
        let pairs = files(
            &dir.path().join(format!("{kind}.key")),
            &dir.path().join(format!("{kind}.crt")),
        );
        let as_refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let sealer = pdf_sealer(&config(&as_refs)).unwrap();
        assert!(!sealer.is_development(), "{kind}");
        assert!(sealer.subject().contains("Issuer of record"), "{kind}");
    }
    // A key that is not the certificate's: refused, naming both files.
    let pairs = files(&dir.path().join("rsa.key"), &dir.path().join("ec.crt"));
    let as_refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let err = format!("{:#}", pdf_sealer(&config(&as_refs)).err().unwrap());
    assert!(
        err.contains("does not belong") && err.contains("ec.crt"),
        "{err}"
    );
}

#[test]
fn production_refuses_the_demo_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    // Even with every production setting right, the demo is refused, before anything is written.
    let err = one_line_error(&run(
        dir.path(),
        &[
            ("APP_ENV", "production"),
            ("MAIL_TRANSPORT", "smtp"),
            ("SMTP_URL", "smtp://mail.example.org:587?tls=required"),
            ("SECRET_KEY", &"ab".repeat(32)),
            ("CERT_SIGNING_KEY", &"cd".repeat(32)),
            ("PUBLIC_URL", "https://summerschool.example.org"),
            ("PAYMENT_PROVIDER", "stripe"),
            ("STRIPE_SECRET_KEY", "sk_test_x"),
            ("STRIPE_WEBHOOK_SECRET", "whsec_x"),
        ],
        &["serve", "--demo"],
    ));
    assert!(err.contains("--demo"), "{err}");
    assert!(!dir.path().join("data").exists(), "nothing written");
}

#[tokio::test]
async fn catalog_load_show_and_organizers_from_the_command_line() {
    let db = TestDb::fresh().await;
    let dir = tempfile::tempdir().unwrap();
    let url = db.url().to_owned();
    let env = [("DATABASE_URL", url.as_str())];
    let catalog = concat!(env!("CARGO_MANIFEST_DIR"), "/catalog/2026.toml");

    let out = run(dir.path(), &env, &["catalog", "show"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("no edition yet"));
    let out = run(dir.path(), &env, &["catalog", "load", catalog]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "edition 2026 created: 2 program(s) created, 0 updated"
    );
    let out = run(dir.path(), &env, &["catalog", "load", catalog]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "edition 2026 updated: 0 program(s) created, 2 updated"
    );
    let shown = String::from_utf8(run(dir.path(), &env, &["catalog", "show"]).stdout).unwrap();
    assert!(
        shown.contains("ai-digital-innovation") && shown.contains("2500.00 EUR"),
        "{shown}"
    );
    assert!(
        shown.contains("hands-on-clinical-emergencies") && shown.contains("3100.00 EUR"),
        "{shown}"
    );

    let out = run(
        dir.path(),
        &env,
        &[
            "admin",
            "create-organizer",
            "--email",
            "chef@u-paris.fr",
            "--role",
            "finance",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let password = stdout
        .lines()
        .last()
        .unwrap()
        .rsplit(' ')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(password.len(), 20);
    let err = one_line_error(&run(
        dir.path(),
        &env,
        &["admin", "create-organizer", "--email", "chef@u-paris.fr"],
    ));
    assert!(err.contains("already exists"), "{err}");
    let err = one_line_error(&run(
        dir.path(),
        &env,
        &[
            "admin",
            "create-organizer",
            "--email",
            "chef@u-paris.fr",
            "--role",
            "boss",
        ],
    ));
    assert!(err.contains("--role"), "{err}");
    let err = one_line_error(&run(
        dir.path(),
        &env,
        &["admin", "create-organizer", "--email", "not-an-address"],
    ));
    assert!(err.contains("--email"), "{err}");

    // The password is stored only as an argon2id hash.
    let store = summer_school::store::connect(&url, &Default::default())
        .await
        .unwrap();
    let pending = store
        .jobs(summer_school::store::JobFilter::Pending, 10)
        .await
        .unwrap();
    assert_eq!(pending.len(), 1, "the welcome email is queued");
    if !db.is_postgres() {
        let path = url.trim_start_matches("sqlite://");
        // The rows may still sit in the write-ahead log: read both files.
        let mut bytes = std::fs::read(path).unwrap();
        bytes.extend(std::fs::read(format!("{path}-wal")).unwrap_or_default());
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains(&password),
            "the password never reaches the database"
        );
        assert!(text.contains("$argon2id$"), "argon2id hash stored");
    }
}

#[test]
fn migrations_keep_the_same_versions_on_both_backends() {
    let names = |backend: &str| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(backend);
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names("sqlite"), names("postgres"));
    assert!(!names("sqlite").is_empty());
}

/// The database's table of application moves is the domain's `can_move_to`, on both backends.
#[test]
fn the_databases_transition_table_is_the_domains() {
    use summer_school::domain::status::ApplicationStatus;
    let mut expected: Vec<(String, String)> = Vec::new();
    for from in ApplicationStatus::ALL {
        for to in ApplicationStatus::ALL {
            if from.can_move_to(*to) {
                expected.push((from.as_str().to_owned(), to.as_str().to_owned()));
            }
        }
    }
    expected.sort();
    for backend in ["sqlite", "postgres"] {
        let sql = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("migrations")
                .join(backend)
                .join("0022_application_transitions.sql"),
        )
        .unwrap();
        let values = sql
            .split("values")
            .nth(1)
            .and_then(|v| v.split(';').next())
            .unwrap();
        let mut stored: Vec<(String, String)> = values
            .split("),")
            .map(|pair| {
                let words: Vec<String> = pair
                    .split('\'')
                    .skip(1)
                    .step_by(2)
                    .map(str::to_owned)
                    .collect();
                (words[0].clone(), words[1].clone())
            })
            .collect();
        stored.sort();
        assert_eq!(stored, expected, "{backend}");
    }
}

#[test]
fn status_enums_match_the_check_constraints() {
    use summer_school::domain::status::*;
    for backend in ["sqlite", "postgres"] {
        let sql: String = std::fs::read_dir(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("migrations")
                .join(backend),
        )
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
        let allowed = |constraint: &str| -> Vec<String> {
            let at = sql
                .find(&format!("constraint {constraint}"))
                .unwrap_or_else(|| panic!("{constraint} in {backend}"));
            let rest = &sql[at..];
            let list = &rest[rest.find(" in (").unwrap() + 5..];
            let list = &list[..list.find(')').unwrap()];
            list.split(',')
                .map(|s| s.trim().trim_matches('\'').to_owned())
                .collect()
        };
        for (constraint, values) in [
            ("application_status_check", ApplicationStatus::texts()),
            ("fee_order_status_check", OrderStatus::texts()),
            ("payment_status_check", PaymentStatus::texts()),
            ("refund_status_check", RefundStatus::texts()),
            ("ledger_entry_kind_check", LedgerKind::texts()),
            ("certificate_status_check", CertificateStatus::texts()),
            ("job_status_check", JobStatus::texts()),
            ("organizer_role_check", OrganizerRole::texts()),
            ("program_review_mode_check", ReviewMode::texts()),
            ("application_reject_reason_check", RejectReason::texts()),
            ("certificate_kind_check", CertificateKind::texts()),
            ("application_document_kind_check", DocumentKind::texts()),
            (
                "application_form_category_check",
                summer_school::domain::catalog::ApplicantCategory::ALL
                    .iter()
                    .map(|c| c.as_str())
                    .collect(),
            ),
        ] {
            assert_eq!(allowed(constraint), values, "{constraint} on {backend}");
        }
    }
}

#[test]
fn a_certificate_file_is_checked_offline_against_the_public_key() {
    use summer_school::domain::certificate::{
        CertificateRecord, Course, Holder, Issuer, Outcome, hex,
    };
    use summer_school::domain::locale::Locale;
    use summer_school::domain::status::CertificateKind;
    use time::macros::date;

    let dir = tempfile::tempdir().unwrap();
    let secret = "5a".repeat(32);
    let env = [("CERT_SIGNING_KEY", secret.as_str())];
    let out = run(dir.path(), &env, &["certificates", "public-key"]);
    assert!(out.status.success(), "{out:?}");
    let public = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let key = ed25519_dalek::SigningKey::from_bytes(&[0x5a; 32]);
    assert_eq!(public, hex(key.verifying_key().as_bytes()));

    let record = CertificateRecord {
        kind: CertificateKind::AttestationOfSuccess,
        serial: "UPC-SS-2026-HO-0001".into(),
        verification_code: "7KQ2-MX9D-4T8P-ZR3W".into(),
        verification_url: "https://summerschool.example/verify/7KQ2-MX9D-4T8P-ZR3W".into(),
        locale: Locale::Fr,
        holder: Holder {
            name: "Γεώργιος Παπαδόπουλος".into(),
            birth_date: date!(1998 - 11 - 02),
        },
        course: Course {
            title: "Formation pratique en médecine clinique et aux urgences".into(),
            starts_on: date!(2026 - 07 - 06),
            ends_on: date!(2026 - 07 - 17),
            place: "Paris".into(),
            language: "anglais".into(),
            hours: 60,
            ects: 5,
            workload_hours: None,
            outcomes: vec!["Prendre en charge un arrêt cardiaque".into()],
        },
        outcome: Outcome {
            passed: true,
            grade: Some("16/20".into()),
        },
        issuer: Issuer {
            institution: "Université Paris Cité".into(),
            faculty: "UFR de Médecine".into(),
            signatory_name: "Pr Jeanne Martin".into(),
            signatory_title: "Doyenne".into(),
            place_of_issue: "Paris".into(),
            signature_image: None,
        },
        issued_on: date!(2026 - 07 - 20),
        valid_until: None,
        supersedes: None,
        demo: false,
        translation: None,
    };
    // PDF-signed with a pair made as an issuer would make theirs, with OpenSSL.
    let (key_pem, cert_pem) = openssl_pair(dir.path(), "rsa");
    let sealer = summer_school::documents::seal::Sealer::from_pem(&key_pem, &cert_pem).unwrap();
    let pdf = sealer.seal(summer_school::documents::certificate::render(
        &record,
        &record.sign(&key),
    ));
    let (valid, said) = crate::harness::pdfsig(&pdf);
    assert!(valid, "an RSA signature, as Poppler reads it: {said}");
    let file = dir.path().join("attestation.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let path = file.to_str().unwrap();
    // With this service's key, and with the public key alone (as a third party would).
    let out = run(dir.path(), &env, &["certificates", "verify", path]);
    assert!(out.status.success(), "{out:?}");
    let said = String::from_utf8(out.stdout).unwrap();
    assert!(
        said.contains("valid signature") && said.contains("Γεώργιος Παπαδόπουλος"),
        "{said}"
    );
    // What the paper must say, the grade included, to compare with the page.
    for expected in [
        "2026-07-06 to 2026-07-17",
        "60 contact hours",
        "result: passed, grade 16/20; 5 ECTS credits",
        "PDF signature: valid over the whole file, by O=Test faculty,CN=Issuer of record",
        &sealer.certificate_sha256(),
        "the page says what the signed record says",
    ] {
        assert!(said.contains(expected), "{expected}: {said}");
    }
    let out = run(
        dir.path(),
        &[],
        &["certificates", "verify", path, "--public-key", &public],
    );
    assert!(out.status.success(), "{out:?}");

    // One character of the embedded data changed: refused.
    let find = |needle: &[u8]| pdf.windows(needle.len()).position(|w| w == needle);
    let (lower, upper) = (hex(b"16/20"), hex(b"16/20").to_uppercase());
    let (at, with) = match (find(lower.as_bytes()), find(upper.as_bytes())) {
        (Some(at), _) => (at, hex(b"19/20")),
        (None, Some(at)) => (at, hex(b"19/20").to_uppercase()),
        (None, None) => panic!("the record is in the file"),
    };
    let mut forged = pdf.clone();
    forged[at..at + with.len()].copy_from_slice(with.as_bytes());
    std::fs::write(&file, &forged).unwrap();
    let err = one_line_error(&run(
        dir.path(),
        &[],
        &["certificates", "verify", path, "--public-key", &public],
    ));
    assert!(err.contains("does not match"), "{err}");
    // The file changed after signing, its record intact: refused by the PDF signature.
    for (how, changed) in crate::harness::tamperings(&pdf) {
        std::fs::write(&file, &changed).unwrap();
        let err = one_line_error(&run(
            dir.path(),
            &[],
            &["certificates", "verify", path, "--public-key", &public],
        ));
        assert!(
            err.contains("changed after it was signed") || err.contains("does not cover"),
            "{how}: {err}"
        );
    }
    // Another key: refused. Not a certificate: refused.
    std::fs::write(&file, &pdf).unwrap();
    let other = hex(ed25519_dalek::SigningKey::from_bytes(&[1; 32])
        .verifying_key()
        .as_bytes());
    one_line_error(&run(
        dir.path(),
        &[],
        &["certificates", "verify", path, "--public-key", &other],
    ));
    std::fs::write(&file, b"%PDF-1.7 nothing here").unwrap();
    let err = one_line_error(&run(
        dir.path(),
        &[],
        &["certificates", "verify", path, "--public-key", &public],
    ));
    assert!(err.contains("no signed certificate data"), "{err}");
}

/// A PKCS#8 key and a self-signed certificate for it made by OpenSSL (`rsa` or `ec`), as an
/// issuer's IT would make a pair: the PEM texts.
pub fn openssl_pair(dir: &std::path::Path, kind: &str) -> (String, String) {
    crate::harness::preflight();
    let key = dir.join(format!("{kind}.key"));
    let cert = dir.join(format!("{kind}.crt"));
    let algorithm: &[&str] = match kind {
        "rsa" => &["-newkey", "rsa:2048"],
        _ => &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
    };
    let out = Command::new("openssl")
        .args(["req", "-x509", "-nodes", "-days", "30", "-sha256"])
        .args(algorithm)
        .args(["-subj", "/CN=Issuer of record/O=Test faculty"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl runs");
    assert!(out.status.success(), "openssl: {out:?}");
    (
        std::fs::read_to_string(key).unwrap(),
        std::fs::read_to_string(cert).unwrap(),
    )
}
