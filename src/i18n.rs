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
}
