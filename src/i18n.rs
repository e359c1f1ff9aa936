//! Interface text in every language, from Fluent files under `templates/locales/` compiled into the
//! binary. Templates call `tr.t("key")`; a key missing from one language is caught by a test.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid, static_loader};

use crate::domain::locale::Locale;

static_loader! {
    static LOCALES = {
        locales: "./templates/locales",
        fallback_language: "en",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static EN: LanguageIdentifier = langid!("en");
static FR: LanguageIdentifier = langid!("fr");

/// A translator for one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tr(pub Locale);

impl Tr {
    fn lang(self) -> &'static LanguageIdentifier {
        match self.0 {
            Locale::En => &EN,
            Locale::Fr => &FR,
        }
    }

    pub fn locale(self) -> Locale {
        self.0
    }

    /// The message `key`.
    pub fn t(&self, key: &str) -> String {
        LOCALES.lookup(self.lang(), key)
    }

    /// The message `key` with named arguments.
    pub fn t_args(&self, key: &str, args: &[(&'static str, FluentValue<'static>)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), v.clone()))
            .collect();
        LOCALES.lookup_with_args(self.lang(), key, &map)
    }

    /// The message `key` with one text argument.
    pub fn t1(&self, key: &str, name: &'static str, value: impl Into<String>) -> String {
        self.t_args(key, &[(name, FluentValue::from(value.into()))])
    }

    /// The message `key` with one number argument (plural rules apply).
    pub fn tn(&self, key: &str, name: &'static str, value: i64) -> String {
        self.t_args(key, &[(name, FluentValue::from(value))])
    }

    /// What to fix, in this language: a problem's message, with its number when it has one.
    pub fn problem(&self, problem: &crate::domain::problem::Problem) -> String {
        match problem.count {
            Some(n) => self.tn(problem.key, "count", n),
            None => self.t(problem.key),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(ftl: &str) -> Vec<String> {
        ftl.lines()
            .filter(|l| !l.starts_with([' ', '#', '\t', '[', '*', '}']) && l.contains(" ="))
            .map(|l| l.split(" =").next().unwrap().trim().to_owned())
            .collect()
    }

    /// Every key of every `.ftl` file of one language, file by file (each area has its own file).
    fn keys_of(lang: &str) -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("templates/locales")
            .join(lang);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("the locale folder")
            .map(|e| e.expect("a locale file").path())
            .filter(|p| p.extension().is_some_and(|e| e == "ftl"))
            .collect();
        files.sort();
        files
            .iter()
            .flat_map(|f| {
                let name = f.file_name().unwrap().to_string_lossy().into_owned();
                keys(&std::fs::read_to_string(f).expect("readable"))
                    .into_iter()
                    .map(move |k| format!("{name}: {k}"))
            })
            .collect()
    }

    #[test]
    fn every_message_exists_in_every_language() {
        let en = keys_of("en");
        let fr = keys_of("fr");
        assert!(en.len() > 20);
        let missing_fr: Vec<_> = en.iter().filter(|k| !fr.contains(k)).collect();
        let missing_en: Vec<_> = fr.iter().filter(|k| !en.contains(k)).collect();
        assert!(missing_fr.is_empty(), "missing in fr: {missing_fr:?}");
        assert!(missing_en.is_empty(), "missing in en: {missing_en:?}");
    }

    /// Every source and template file of the crate.
    fn sources() -> Vec<std::path::PathBuf> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        let mut stack = vec![root.join("src"), root.join("templates")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("a source folder") {
                let path = entry.expect("an entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs" || e == "html") {
                    files.push(path);
                }
            }
        }
        files
    }

    /// The message keys of one language, without their file.
    fn bare_keys(lang: &str) -> Vec<String> {
        keys_of(lang)
            .into_iter()
            .map(|k| k.split_once(": ").unwrap().1.to_owned())
            .collect()
    }

    /// Every string literal of the code that reads like a message key (words joined by dashes, the
    /// first word one that starts some key: `cohort-kind-success`), and every key a template
    /// translates, exists in both languages. Keys made at run
    /// time from an enum are checked by `every_key_made_from_an_enum_exists`.
    #[test]
    fn every_key_written_in_code_and_templates_exists() {
        // Literals of that shape that are not message keys.
        const NOT_KEYS: &[&str] = &[
            "demo-past",           // the past demo edition's slug
            "demo-summer-school",  // the demo organizers' password
            "organizer-requester", // the sign-in link cookie's name
            "two-factor-reset",    // a notice's name in a redirect
        ];
        let (en, fr) = (bare_keys("en"), bare_keys("fr"));
        let first_words: Vec<&str> = en.iter().map(|k| k.split('-').next().unwrap()).collect();
        let mut missing = Vec::new();
        let mut seen = 0;
        for file in sources() {
            if file.ends_with("src/i18n.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&file).expect("readable");
            // In templates only what goes through the translator (HTML has classes of that shape).
            let literals: Vec<&str> = if file.extension().is_some_and(|e| e == "html") {
                text.split(".t(\"")
                    .skip(1)
                    .chain(text.split(".t1(\"").skip(1))
                    .chain(text.split(".tn(\"").skip(1))
                    .filter_map(|rest| rest.split('"').next())
                    .collect()
            } else {
                text.split('"').skip(1).step_by(2).collect()
            };
            for literal in literals {
                let words: Vec<&str> = literal.split('-').collect();
                let key_like = words.len() > 1
                    && words[0].chars().all(|c| c.is_ascii_lowercase())
                    && words[1..].iter().all(|w| {
                        !w.is_empty()
                            && w.chars()
                                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                    });
                if !key_like || !first_words.contains(&words[0]) || NOT_KEYS.contains(&literal) {
                    continue;
                }
                seen += 1;
                for (lang, keys) in [("en", &en), ("fr", &fr)] {
                    if !keys.iter().any(|k| k == literal) {
                        missing.push(format!("{lang}: {literal} ({})", file.display()));
                    }
                }
            }
        }
        assert!(seen > 300, "only {seen} keys found: the scan is broken");
        missing.sort();
        missing.dedup();
        assert!(missing.is_empty(), "keys missing: {missing:#?}");
    }

    /// Keys made from an enum's values (`application-status-under_review`) exist for every value.
    #[test]
    fn every_key_made_from_an_enum_exists() {
        use crate::domain::status::*;
        let families: Vec<(&str, Vec<&str>)> = vec![
            ("application-status-", ApplicationStatus::texts()),
            ("organizer-role-", OrganizerRole::texts()),
            ("reject-reason-", RejectReason::texts()),
            ("field-", DocumentKind::texts()),
        ];
        let mut missing = Vec::new();
        for lang in ["en", "fr"] {
            let keys = bare_keys(lang);
            for (prefix, values) in &families {
                for value in values {
                    let key = format!("{prefix}{value}");
                    if !keys.contains(&key) {
                        missing.push(format!("{lang}: {key}"));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "keys missing: {missing:#?}");
    }

    #[test]
    fn every_refusal_has_its_words_in_every_language() {
        for lang in ["en", "fr"] {
            let keys = keys_of(lang);
            for refusal in crate::domain::refusal::Refusal::samples() {
                let key = refusal.message_key();
                assert!(
                    keys.iter().any(|k| k.split_once(": ").unwrap().1 == key),
                    "{key} is missing in {lang}"
                );
            }
        }
    }

    #[test]
    fn messages_take_arguments_and_plurals() {
        assert_eq!(Tr(Locale::En).tn("seats-left", "count", 1), "1 seat left");
        assert_eq!(
            Tr(Locale::En).tn("seats-left", "count", 12),
            "12 seats left"
        );
        assert_eq!(
            Tr(Locale::Fr).tn("seats-left", "count", 12),
            "12 places restantes"
        );
        assert_eq!(Tr(Locale::Fr).t("not-found-title"), "Page introuvable");
    }

    /// Counts agree with their noun in both languages: no "1 graduates", no "document(s)".
    #[test]
    fn counted_nouns_agree_with_their_number() {
        let issued = |locale, graduates: i64, documents: i64| {
            Tr(locale).t_args(
                "cohort-issued",
                &[
                    ("graduates", graduates.into()),
                    ("documents", documents.into()),
                ],
            )
        };
        assert_eq!(
            issued(Locale::En, 1, 2),
            "1 graduate received 2 documents. Each is told by email."
        );
        assert_eq!(
            issued(Locale::Fr, 1, 1),
            "1 diplômé a reçu 1 document. Chacun est prévenu par courriel."
        );
        assert!(issued(Locale::En, 12, 24).starts_with("12 graduates received 24 documents"));
        let received = Tr(Locale::En).tn("email-received-summary", "documents", 1);
        assert!(received.ends_with("and one document."), "{received}");
        let received = Tr(Locale::Fr).tn("email-received-summary", "documents", 3);
        assert!(received.ends_with("et 3 documents."), "{received}");
        let present = Tr(Locale::En).t_args(
            "cohort-short-attendance",
            &[("present", 1.into()), ("required", 10.into())],
        );
        assert_eq!(present, "Present 1 day, 10 required.");
        let queue =
            Tr(Locale::En).t_args("queue-count", &[("shown", 1.into()), ("total", 1.into())]);
        assert_eq!(queue, "1 of 1 application");
        for ftl in ["en", "fr"] {
            for key in keys_of(ftl) {
                let key = key.split_once(": ").unwrap().1;
                let text = Tr(if ftl == "en" { Locale::En } else { Locale::Fr }).t(key);
                assert!(!text.contains("(s)"), "{ftl}: {key} says (s)");
            }
        }
    }
}
