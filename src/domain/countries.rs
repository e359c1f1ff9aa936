//! The ISO 3166-1 countries, with their names in English and French.
//!
//! Application forms ask for nationality, residence, institution and postal-address countries; a
//! closed list keeps those answers comparable and lets each reader see names in their own language.
//! The list is compiled into the binary from `templates/data/countries.tsv` (generated from Debian's
//! iso-codes by `templates/data/countries.py`), so no file is read at run time.

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use super::locale::Locale;

/// The data file: `CODE<TAB>English<TAB>French` per line, `#` lines are comments.
const DATA: &str = include_str!("../../templates/data/countries.tsv");

/// One country: its upper-case ISO 3166-1 alpha-2 code and its everyday names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Country {
    pub code: &'static str,
    pub en: &'static str,
    pub fr: &'static str,
}

impl Country {
    /// The country's name in `locale`, for display.
    pub fn name(&self, locale: Locale) -> &'static str {
        match locale {
            Locale::En => self.en,
            Locale::Fr => self.fr,
        }
    }
}

/// Every country, sorted by code; parsed from the compiled-in data on first use.
pub fn all() -> &'static [Country] {
    static COUNTRIES: OnceLock<Vec<Country>> = OnceLock::new();
    COUNTRIES.get_or_init(|| parse_data(DATA))
}

/// Parses the data file. It is compiled in and checked by the tests, so a malformed line is a
/// build mistake and panics rather than being silently skipped.
fn parse_data(data: &'static str) -> Vec<Country> {
    let mut countries: Vec<Country> = data
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| {
            let mut fields = line.split('\t');
            match (fields.next(), fields.next(), fields.next(), fields.next()) {
                (Some(code), Some(en), Some(fr), None)
                    if code.len() == 2
                        && code.bytes().all(|b| b.is_ascii_uppercase())
                        && !en.is_empty()
                        && !fr.is_empty() =>
                {
                    Country { code, en, fr }
                }
                _ => panic!("malformed line in countries.tsv: {line:?}"),
            }
        })
        .collect();
    // `by_code` binary-searches, so the order must not depend on the file's.
    countries.sort_unstable_by_key(|c| c.code);
    countries
}

/// The country with this alpha-2 code, in any letter case (`"fr"`, `"FR"`); no trimming.
pub fn by_code(code: &str) -> Option<&'static Country> {
    let code = code.to_ascii_uppercase();
    let countries = all();
    countries
        .binary_search_by(|c| c.code.cmp(code.as_str()))
        .ok()
        .map(|i| &countries[i])
}

/// Every country sorted by its name in `locale`, for a drop-down list.
///
/// Accents and punctuation are ignored when comparing, as in a dictionary, so that "Égypte" sits
/// among the E's and "Îles Cook" among the I's rather than after "Zimbabwe" (plain `str` order
/// compares code points). Names equal under that key fall back to plain order, so the result is
/// deterministic.
pub fn sorted_for(locale: Locale) -> Vec<&'static Country> {
    let mut countries: Vec<&'static Country> = all().iter().collect();
    countries.sort_by_cached_key(|c| {
        let name = c.name(locale);
        (collation_key(name), name)
    });
    countries
}

/// A primary sort key: letters and digits only, lower-cased, with Latin accents removed.
fn collation_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    for ch in name.chars().flat_map(char::to_lowercase) {
        match fold_latin(ch) {
            Some(base) => key.push_str(base),
            None if ch.is_alphanumeric() => key.push(ch),
            None => {}
        }
    }
    key
}

/// The unaccented spelling of a lower-case accented Latin letter, or `None` for any other char.
fn fold_latin(ch: char) -> Option<&'static str> {
    Some(match ch {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

/// A known ISO 3166-1 alpha-2 code, as stored in a form answer; always one of [`all`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CountryCode(&'static str);

/// A country code that is not in the ISO 3166-1 list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown country code `{0}`")]
pub struct UnknownCountry(pub String);

impl CountryCode {
    /// Parses a code such as `FR`, `fr` or ` gb ` (form input): surrounding whitespace is trimmed
    /// and letter case ignored; anything not in the list, including the empty string, is refused.
    pub fn parse(raw: &str) -> Result<CountryCode, UnknownCountry> {
        let trimmed = raw.trim();
        by_code(trimmed)
            .map(|c| CountryCode(c.code))
            .ok_or_else(|| UnknownCountry(trimmed.to_owned()))
    }

    /// The upper-case code, e.g. `"FR"`.
    pub fn as_str(self) -> &'static str {
        self.0
    }

    /// The country this code names.
    pub fn country(self) -> &'static Country {
        by_code(self.0).expect("a CountryCode only holds codes from the list")
    }
}

impl FromStr for CountryCode {
    type Err = UnknownCountry;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CountryCode::parse(s)
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn has_all_249_iso_countries() {
        assert_eq!(all().len(), 249);
    }

    #[test]
    fn codes_are_unique_sorted_and_upper_case() {
        let codes: HashSet<&str> = all().iter().map(|c| c.code).collect();
        assert_eq!(codes.len(), all().len());
        assert!(all().windows(2).all(|w| w[0].code < w[1].code));
        let upper =
            |c: &Country| c.code.len() == 2 && c.code.bytes().all(|b| b.is_ascii_uppercase());
        assert!(all().iter().all(upper));
    }

    #[test]
    fn names_are_present_and_trimmed() {
        for c in all() {
            for name in [c.en, c.fr] {
                assert!(!name.is_empty(), "{}", c.code);
                assert_eq!(name, name.trim(), "{}", c.code);
            }
        }
    }

    #[test]
    fn by_code_ignores_letter_case() {
        let fr = by_code("fr").unwrap();
        assert_eq!((fr.code, fr.en, fr.fr), ("FR", "France", "France"));
        assert_eq!(by_code("Fr"), Some(fr));
        assert_eq!(by_code("XX"), None);
        assert_eq!(by_code(""), None);
        assert_eq!(by_code("FRA"), None);
    }

    #[test]
    fn french_names_are_translations() {
        let cases = [
            ("DE", "Germany", "Allemagne"),
            ("GB", "United Kingdom", "Royaume-Uni"),
            ("US", "United States", "États-Unis"),
            ("CI", "Côte d'Ivoire", "Côte d'Ivoire"),
            ("VN", "Vietnam", "Viêt Nam"),
            ("RU", "Russia", "Russie"),
        ];
        for (code, en, fr) in cases {
            let c = by_code(code).unwrap();
            assert_eq!((c.en, c.fr), (en, fr), "{code}");
        }
    }

    #[test]
    fn name_follows_locale() {
        let de = by_code("DE").unwrap();
        assert_eq!(de.name(Locale::En), "Germany");
        assert_eq!(de.name(Locale::Fr), "Allemagne");
    }

    fn names(locale: Locale) -> Vec<&'static str> {
        sorted_for(locale).iter().map(|c| c.name(locale)).collect()
    }

    fn neighbours(names: &[&'static str], name: &str) -> (&'static str, &'static str) {
        let i = names.iter().position(|n| *n == name).unwrap();
        (names[i - 1], names[i + 1])
    }

    #[test]
    fn french_order_puts_accented_names_among_their_letter() {
        let names = names(Locale::Fr);
        assert_eq!(names.len(), 249);
        assert_eq!(
            neighbours(&names, "Égypte"),
            ("Dominique", "Émirats arabes unis")
        );
        assert_eq!(neighbours(&names, "États-Unis"), ("Eswatini", "Éthiopie"));
        assert_eq!(
            neighbours(&names, "Îles Cook"),
            ("Îles Cocos (Keeling)", "Îles Féroé")
        );
        let pos = |n: &str| names.iter().position(|x| *x == n).unwrap();
        assert!(pos("Danemark") < pos("Égypte") && pos("Égypte") < pos("Espagne"));
        assert!(pos("Égypte") < pos("Équateur"));
        assert_eq!(names.first(), Some(&"Afghanistan"));
        assert_eq!(names.last(), Some(&"Zimbabwe"));
    }

    #[test]
    fn english_order_ignores_accents_too() {
        let names = names(Locale::En);
        assert_eq!(&names[..3], ["Afghanistan", "Åland Islands", "Albania"]);
        assert_eq!(neighbours(&names, "Türkiye"), ("Tunisia", "Turkmenistan"));
        assert_eq!(names.last(), Some(&"Zimbabwe"));
    }

    #[test]
    fn collation_key_folds_accents_case_and_punctuation() {
        assert_eq!(collation_key("Égypte"), "egypte");
        assert_eq!(collation_key("Côte d'Ivoire"), "cotedivoire");
        assert_eq!(collation_key("Guinée-Bissau"), "guineebissau");
        assert_eq!(collation_key("Œ Æ ß"), "oeaess");
    }

    #[test]
    fn parse_trims_and_ignores_case() {
        let gb = CountryCode::parse(" gb ").unwrap();
        assert_eq!(gb.as_str(), "GB");
        assert_eq!(gb.to_string(), "GB");
        assert_eq!(gb.country().fr, "Royaume-Uni");
        assert_eq!("de".parse::<CountryCode>().unwrap().country().en, "Germany");
        assert_eq!(CountryCode::parse("FR"), CountryCode::parse("fr"));
    }

    #[test]
    fn parse_refuses_unknown_and_empty() {
        assert_eq!(
            CountryCode::parse("XX"),
            Err(UnknownCountry("XX".to_owned()))
        );
        assert_eq!(
            CountryCode::parse("XX").unwrap_err().to_string(),
            "unknown country code `XX`"
        );
        assert!(CountryCode::parse("").is_err());
        assert!(CountryCode::parse("   ").is_err());
        assert!(CountryCode::parse("FRA").is_err());
        assert!(CountryCode::parse("F").is_err());
    }

    #[test]
    fn every_country_round_trips_through_its_code() {
        for c in all() {
            let code = CountryCode::parse(&c.code.to_ascii_lowercase()).unwrap();
            assert_eq!(code.country(), c);
        }
    }
}
