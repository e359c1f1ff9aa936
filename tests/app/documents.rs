//! Every document prints every name its form accepts inside its frame: the longest names the
//! forms take, in Latin, Vietnamese, Greek and Cyrillic, printed as specimens by `certificates
//! preview` for each kind and language and read back with Poppler's `pdftotext -bbox`, word by
//! word, against the page's frame. The form itself takes and refuses the same names.

use std::path::Path;
use std::process::{Command, Output};

use crate::applications::demo_app;
use crate::harness::{binary, csrf_of, preflight};

/// Names to grow a name from, word by word (round again when the list runs out), per script.
const SCRIPTS: [(&str, &[&str]); 4] = [
    (
        "Latin",
        &[
            "Maria",
            "Fernanda",
            "Rodrigues",
            "da",
            "Silva",
            "Albuquerque",
            "Wolff-Santos",
            "Oliveira",
            "Pereira",
            "Costa",
            "Magalhães",
            "Vasconcelos",
            "Bragança",
        ],
    ),
    (
        "Vietnamese",
        &[
            "Nguyễn", "Hoàng", "Phương", "Thảo", "Trần", "Thị", "Minh", "Khai", "Huỳnh", "Đặng",
            "Lưu", "Quỳnh", "Dương", "Hồ", "Ngọc", "Thủy", "Bảo",
        ],
    ),
    (
        "Greek",
        &[
            "Παναγιώτης",
            "Κωνσταντίνος",
            "Παπαδόπουλος-Χατζηγεωργίου",
            "Αλέξανδρος",
            "Ευάγγελος",
            "Χαράλαμπος",
            "Δημητρόπουλος",
            "Σταυρούλα",
        ],
    ),
    (
        "Cyrillic",
        &[
            "Александра",
            "Константиновна",
            "Преображенская-Воскресенская",
            "Екатерина",
            "Владимировна",
            "Рождественская",
            "Святославовна",
            "Щербакова",
        ],
    ),
];

/// The kinds `certificates preview` prints, and each page's frame: the certificates' rules, the
/// letters' and receipts' margins, the badge's cut lines (the first badge of its sheet).
const KINDS: [(&str, Frame); 5] = [
    ("success", Frame::new(22.0, 188.0, 17.0, 275.0)),
    ("afgsu", Frame::new(22.0, 188.0, 17.0, 275.0)),
    ("receipt", Frame::new(20.0, 190.0, 10.0, 287.0)),
    ("visa", Frame::new(22.0, 188.0, 10.0, 287.0)),
    ("badge", Frame::new(10.0, 105.0, 10.0, 79.0)),
];

const MM: f64 = 72.0 / 25.4;

/// A box on the page, in millimetres from the top left corner (as `pdftotext -bbox` counts).
#[derive(Debug, Clone, Copy)]
struct Frame {
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
}

impl Frame {
    const fn new(left: f64, right: f64, top: f64, bottom: f64) -> Frame {
        Frame {
            left,
            right,
            top,
            bottom,
        }
    }
}

/// One word as Poppler reads it, in points.
#[derive(Debug)]
struct Word {
    x_min: f64,
    y_min: f64,
    x_max: f64,
    y_max: f64,
    text: String,
}

/// The words of the first page of `pdf`, with their boxes (`pdftotext -bbox`).
fn words(pdf: &Path) -> Vec<Word> {
    let out = Command::new("pdftotext")
        .args(["-bbox", "-f", "1", "-l", "1"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(out.status.success(), "pdftotext -bbox: {out:?}");
    // And sound by qpdf's reading of the PDF standard.
    let check = Command::new("qpdf")
        .arg("--check")
        .arg(pdf)
        .output()
        .expect("qpdf runs");
    assert!(
        check.status.success(),
        "qpdf --check {}: {check:?}",
        pdf.display()
    );
    let html = String::from_utf8(out.stdout).unwrap();
    html.split("<word ")
        .skip(1)
        .map(|chunk| {
            let attr = |name: &str| -> f64 {
                let start = chunk.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                let end = start + chunk[start..].find('"').unwrap();
                chunk[start..end].parse().unwrap()
            };
            let text = chunk
                .split_once('>')
                .unwrap()
                .1
                .split_once("</word>")
                .unwrap()
                .0;
            Word {
                x_min: attr("xMin"),
                y_min: attr("yMin"),
                x_max: attr("xMax"),
                y_max: attr("yMax"),
                text: text
                    .replace("&amp;", "&")
                    .replace("&apos;", "'")
                    .replace("&quot;", "\"")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">"),
            }
        })
        .collect()
}

fn preview(dir: &Path, kind: &str, lang: &str, name: &str) -> (Output, std::path::PathBuf) {
    let out_file = dir.join(format!("{kind}-{lang}.pdf"));
    let out = Command::new(binary())
        .args(["certificates", "preview", "--kind", kind, "--lang", lang])
        .args(["--name", name, "--out"])
        .arg(&out_file)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_clear()
        .env("DATA_DIR", dir.join("data"))
        .output()
        .unwrap();
    (out, out_file)
}

/// The longest name, grown a word at a time from `given`, that `certificates preview` (the form's
/// rule) accepts for `kind`; and the first one it refuses.
fn longest_accepted(dir: &Path, kind: &str, given: &[&str]) -> (String, String) {
    let mut accepted = String::new();
    for word in given.iter().cycle().take(100) {
        let candidate = if accepted.is_empty() {
            (*word).to_owned()
        } else {
            format!("{accepted} {word}")
        };
        let (out, _) = preview(dir, kind, "en", &candidate);
        if out.status.success() {
            accepted = candidate;
            continue;
        }
        let error = String::from_utf8_lossy(&out.stderr).trim().to_owned();
        // Refused for the room it needs on the page, or past the 100 characters of any name.
        assert!(
            error.contains("too long to print") || error.contains("100 characters or fewer"),
            "{kind}: {candidate}: {error}"
        );
        return (accepted, candidate);
    }
    panic!("{kind}: every name up to {accepted:?} is accepted");
}

/// The visible text of a word (for the name check): letters and marks only.
fn letters(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).collect()
}

#[test]
fn the_longest_names_the_forms_accept_print_inside_every_documents_frame() {
    preflight();
    let dir = tempfile::tempdir().unwrap();
    for (kind, frame) in KINDS {
        for (script, given) in SCRIPTS {
            let given: Vec<String> = given
                .iter()
                .map(|w| {
                    if kind == "visa" {
                        w.to_uppercase()
                    } else {
                        (*w).to_owned()
                    }
                })
                .collect();
            let given: Vec<&str> = given.iter().map(String::as_str).collect();
            let (name, refused) = longest_accepted(dir.path(), kind, &given);
            // The rule takes realistic long names: at least 35 characters in every script.
            assert!(
                name.chars().count() >= 35,
                "{kind}, {script}: only {name:?} accepted, {refused:?} refused"
            );
            for lang in ["en", "fr"] {
                let (out, file) = preview(dir.path(), kind, lang, &name);
                assert!(out.status.success(), "{kind} {lang} {name}: {out:?}");
                let words = words(&file);
                let stamp = [
                    "SPECIMEN",
                    "SPÉCIMEN",
                    "—",
                    "NOT",
                    "A",
                    "DOCUMENT",
                    "SANS",
                    "VALEUR",
                ];
                // The specimen's stamp is in the page's margins, outside every frame.
                for w in words.iter().filter(|w| !stamp.contains(&w.text.as_str())) {
                    let inside = w.x_min >= frame.left * MM - 0.5
                        && w.x_max <= frame.right * MM + 0.5
                        && w.y_min >= frame.top * MM - 0.5
                        && w.y_max <= frame.bottom * MM + 0.5;
                    assert!(
                        inside,
                        "{kind} {lang} {script}: {:?} at x {:.1}–{:.1} mm, y {:.1}–{:.1} mm, \
                         outside the frame {frame:?}",
                        w.text,
                        w.x_min / MM,
                        w.x_max / MM,
                        w.y_min / MM,
                        w.y_max / MM
                    );
                }
                // Every letter of the name is on the page, in order, in its own lines.
                let page: String = words.iter().map(|w| letters(&w.text)).collect();
                assert!(
                    page.contains(&letters(&name)),
                    "{kind} {lang}: {name} not read back from {page}"
                );
            }
        }
    }
}

#[test]
fn a_name_typed_decomposed_prints_composed() {
    preflight();
    let dir = tempfile::tempdir().unwrap();
    // e + combining circumflex + combining tilde, and a + combining grave (NFD).
    let nfd = "Nguye\u{0302}\u{0303}n Tha\u{0300}nh";
    for kind in ["success", "receipt", "badge"] {
        let (out, file) = preview(dir.path(), kind, "fr", nfd);
        assert!(out.status.success(), "{out:?}");
        let text: Vec<String> = words(&file).into_iter().map(|w| w.text).collect();
        assert!(
            text.iter().any(|w| w == "Nguyễn") && text.iter().any(|w| w == "Thành"),
            "{kind}: {text:?}"
        );
        assert!(
            !text
                .iter()
                .any(|w| w.contains('\u{0302}') || w.contains('\u{0300}')),
            "{kind}: a loose mark in {text:?}"
        );
    }
}

#[test]
fn a_specimen_is_stamped_and_carries_no_number_and_no_signed_record() {
    preflight();
    let dir = tempfile::tempdir().unwrap();
    let (out, file) = preview(dir.path(), "success", "en", "Anna Kuznetsova");
    assert!(out.status.success(), "{out:?}");
    let text: Vec<String> = words(&file).into_iter().map(|w| w.text).collect();
    assert!(
        text.iter().filter(|w| *w == "SPECIMEN").count() >= 2,
        "{text:?}"
    );
    let verify = Command::new(binary())
        .args(["certificates", "verify"])
        .arg(&file)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_clear()
        .env("DATA_DIR", dir.path().join("data"))
        .output()
        .unwrap();
    assert!(!verify.status.success(), "a specimen verifies: {verify:?}");
    assert!(
        String::from_utf8_lossy(&verify.stderr).contains("no signed certificate data"),
        "{verify:?}"
    );
    // A kind the program does not issue, or a name the form refuses, is one clear line.
    let (out, _) = preview(dir.path(), "afgsu", "en", "Anna Kuznetsova");
    assert!(
        out.status.success(),
        "the first program with the AFGSU 2 is chosen: {out:?}"
    );
    let (out, _) = preview(dir.path(), "diploma", "en", "Anna Kuznetsova");
    assert!(!out.status.success());
    let error = String::from_utf8_lossy(&out.stderr);
    assert!(
        error.contains("success, afgsu, receipt, badge, visa"),
        "{error}"
    );
    let (out, _) = preview(dir.path(), "success", "fr", "张伟");
    assert!(!out.status.success());
    let error = String::from_utf8_lossy(&out.stderr);
    assert!(
        error.contains("Nos attestations ne peuvent pas imprimer"),
        "{error}"
    );
}

/// The application form takes and refuses by the same rule, names typed decomposed are kept
/// composed, and names in scripts with combining vowel signs (Devanagari) are names.
#[tokio::test]
async fn the_identity_step_refuses_a_name_too_long_to_print_and_keeps_what_was_typed() {
    let app = demo_app().await;
    app.sign_in("long-names@example.org").await;
    let id = app.start_application().await;
    let dir = tempfile::tempdir().unwrap();
    let (fits, too_long) = longest_accepted(dir.path(), "success", SCRIPTS[3].1);
    let post = |certificate_name: String, given: &'static str| {
        let app = &app;
        let id = id.clone();
        async move {
            let path = format!("/applications/{id}/step/identity");
            let (_, page) = app.page(&path).await;
            let fields = [
                ("csrf", csrf_of(&page)),
                ("given_names", given.to_owned()),
                ("family_name", "Sharma".to_owned()),
                ("certificate_name", certificate_name),
                ("birth_date-day", "14".to_owned()),
                ("birth_date-month", "2".to_owned()),
                ("birth_date-year", "1999".to_owned()),
                ("nationality", "IN".to_owned()),
                ("residence_country", "FR".to_owned()),
            ];
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form(&path, &pairs).await
        }
    };
    let r = post(too_long.clone(), "Priyanka").await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("too long to print on the certificate"),
        "{html}"
    );
    assert!(
        html.contains(&format!("value=\"{too_long}\"")),
        "kept as typed"
    );
    // The longest the documents take is taken, and a Devanagari given name with its vowel signs
    // and virama is a name.
    let r = post(fits.clone(), "प्रियंका").await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    let r = post("Nguye\u{0302}\u{0303}n Tha\u{0300}nh".to_owned(), "प्रियंका").await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, page) = app.page(&format!("/applications/{id}/step/identity")).await;
    assert!(page.contains("value=\"Nguyễn Thành\""), "stored composed");
    assert!(page.contains("value=\"प्रियंका\""));
    app.stop().await;
}

/// Organizers print specimens from the program's page: any kind of its documents for any name the
/// form would take, from the signatory and the layout it will be issued with; a name the form would
/// refuse gets the form's message with what was typed kept; nobody outside the program prints them.
#[tokio::test]
async fn organizers_print_specimens_from_the_programs_page() {
    let app = crate::harness::spawn_app().await;
    let program = app
        .store
        .programs()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.slug == "hands-on-clinical-emergencies")
        .unwrap();
    let pid = &program.program_id;
    let path = format!("/organizer/programs/{pid}/specimens");
    let director = app
        .signed_in(
            "director@u-paris.fr",
            "program_director",
            &["2026/hands-on-clinical-emergencies"],
        )
        .await;
    let (_, cohort) = director
        .page(&format!("/organizer/programs/{pid}/participants"))
        .await;
    assert!(cohort.contains(&path), "the cohort page links to them");
    let (status, html) = director.page(&path).await;
    assert_eq!(status, 200, "{html}");
    for kind in ["success", "afgsu", "receipt", "badge", "visa"] {
        assert!(
            html.contains(&format!("value=\"{kind}\"")),
            "{kind}: {html}"
        );
    }
    let csrf = csrf_of(&html);
    let name = "Γεώργιος Παπαδόπουλος-Καραγιάννης";
    let r = director
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("kind", "afgsu"),
                ("lang", "fr"),
                ("name", name),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let pdf = r.bytes().await.unwrap();
    let text = crate::harness::pdf_text(&pdf).await;
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("SPÉCIMEN"), "{flat}");
    assert!(flat.contains("Παπαδόπουλος"), "{flat}");
    // Signed for the CESU, as the AFGSU 2 will be; never numbered, never signed.
    assert!(flat.contains("CESU"), "{flat}");
    assert!(summer_school::documents::certificate::read_embedded(&pdf).is_none());
    assert!(summer_school::documents::seal::check(&pdf).is_err());

    // A name the form would refuse: the form again, saying why, with the name kept.
    let typed = "Anna 2nd";
    let r = director
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("kind", "success"),
                ("lang", "en"),
                ("name", typed),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("aria-invalid=\"true\""), "{html}");
    assert!(html.contains(&format!("value=\"{typed}\"")), "{html}");
    assert!(
        html.contains("href=\"#name\""),
        "the summary leads to the field: {html}"
    );
    // An unknown kind is named, not a server error.
    let r = director
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("kind", "diploma"),
                ("lang", "en"),
                ("name", "Anna"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    // Without the form's token: refused.
    let r = director
        .post(
            &path,
            &[("kind", "success"), ("lang", "en"), ("name", "Anna")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);
    // A director of the other school does not reach this one's.
    let other = app
        .signed_in(
            "other.director@u-paris.fr",
            "program_director",
            &["2026/ai-digital-innovation"],
        )
        .await;
    let (status, _) = other.page(&path).await;
    assert!(status == 403 || status == 404, "{status}");
}
