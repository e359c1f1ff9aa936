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

    #[test]
    fn every_message_exists_in_every_language() {
        let en = keys(include_str!("../templates/locales/en/main.ftl"));
        let fr = keys(include_str!("../templates/locales/fr/main.ftl"));
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
