//! The fonts certificates are printed with, embedded in the binary, and the check that a name can be
//! drawn with them.
//!
//! A certificate prints the graduate's name exactly as typed on the application form. PDF text has
//! no font fallback: a character missing from the font comes out as an empty box (or nothing), and
//! we would only find out when printing the certificate, weeks after the applicant has gone. So the
//! form refuses, right away, a name the name font cannot draw ([`undrawable_chars`]), and says which
//! characters are the problem.
//!
//! The fonts are Noto Serif (names, headings) and Noto Sans (body text), SIL Open Font License 1.1;
//! see `certificates/fonts/README.md`. They cover Latin (Vietnamese, Polish, French, Turkish, Nordic,
//! pinyin with tone marks…), Greek and Cyrillic; not Armenian, Georgian, Hebrew, Arabic, Indic
//! scripts, Thai, CJK, nor emoji.

use std::cmp::Ordering;
use std::sync::OnceLock;

use ttf_parser::{Face, GlyphId};

/// Noto Serif Regular: the graduate's name.
pub static SERIF_REGULAR: &[u8] = include_bytes!("../../certificates/fonts/NotoSerif-Regular.ttf");
/// Noto Serif Bold: headings, and the name where it is set in bold.
pub static SERIF_BOLD: &[u8] = include_bytes!("../../certificates/fonts/NotoSerif-Bold.ttf");
/// Noto Sans Regular: body text. Same character coverage as the serif faces (checked by a test),
/// so a name that passes [`can_draw`] can also appear in body text.
pub static SANS_REGULAR: &[u8] = include_bytes!("../../certificates/fonts/NotoSans-Regular.ttf");

/// The characters the name font draws, as sorted, disjoint, inclusive ranges: computed once from
/// both faces' `cmap` tables (about 2,800 characters in a few hundred ranges), so that checking a
/// character is a binary search in a small array, with no font parsing per request (~1 µs for a
/// 40-character name in an optimized build).
fn drawable_ranges() -> &'static [(char, char)] {
    static RANGES: OnceLock<Vec<(char, char)>> = OnceLock::new();
    RANGES.get_or_init(|| {
        let regular = parse(SERIF_REGULAR, "NotoSerif-Regular");
        let bold = parse(SERIF_BOLD, "NotoSerif-Bold");
        let mut ranges: Vec<(char, char)> = Vec::new();
        for c in mapped_chars(&regular) {
            if is_invisible(c) || !face_has(&regular, c) || !face_has(&bold, c) {
                continue;
            }
            match ranges.last_mut() {
                Some((_, end)) if u32::from(*end) + 1 == u32::from(c) => *end = c,
                _ => ranges.push((c, c)),
            }
        }
        ranges
    })
}

fn parse(data: &'static [u8], name: &str) -> Face<'static> {
    // The bytes are compiled in and covered by the tests, so a failure here is a build mistake.
    Face::parse(data, 0).unwrap_or_else(|e| panic!("embedded font {name} does not parse: {e}"))
}

/// The characters `face` maps to glyphs in its Unicode `cmap` subtables, sorted, without repeats.
fn mapped_chars(face: &Face<'_>) -> Vec<char> {
    let mut chars = Vec::new();
    if let Some(cmap) = face.tables().cmap {
        for subtable in cmap.subtables.into_iter().filter(|s| s.is_unicode()) {
            subtable.codepoints(|cp| chars.extend(char::from_u32(cp)));
        }
    }
    chars.sort_unstable();
    chars.dedup();
    chars
}

/// Whether `face` maps `c` to a real glyph (not `.notdef`, glyph 0).
fn face_has(face: &Face<'_>, c: char) -> bool {
    face.glyph_index(c).is_some_and(|glyph| glyph != GlyphId(0))
}

/// Characters that are never drawn as themselves, even though Noto maps them to glyphs: control
/// characters (NUL and carriage return have empty glyphs), the line and paragraph separators, and
/// Unicode's default-ignorable code points (soft hyphen, zero-width space and joiners, direction
/// marks and overrides, word joiner, variation selectors, byte-order mark…). For several of the
/// latter (U+200C–U+200F, U+202A–U+202E, U+034F) Noto Serif holds a *visible* placeholder glyph that
/// a text shaper would hide; a PDF writer that does no shaping would print it. Either way the
/// certificate would not show the name as registered.
fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'..='\u{1160}'
                | '\u{17B4}'..='\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF0}'..='\u{FFF8}'
                | '\u{1BCA0}'..='\u{1BCA3}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
}

/// Whether both name faces (regular and bold) draw `c`.
pub fn name_font_draws(c: char) -> bool {
    drawable_ranges()
        .binary_search_by(|&(start, end)| {
            if end < c {
                Ordering::Less
            } else if start > c {
                Ordering::Greater
            } else {
                Ordering::Equal
            }
        })
        .is_ok()
}

/// The distinct characters of `text`, in order of first appearance, that the name font (Noto Serif,
/// regular and bold: a character must be in both) cannot draw. Empty when the whole text can be
/// printed.
///
/// Characters are checked as given, without Unicode normalization: precomposed letters (é, ễ, ł)
/// and the combining accents of decomposed ones are both in the font. Invisible characters (control
/// characters, zero-width and bidirectional format characters) are returned as undrawable. Show the
/// result with code points (`U+200B`), since some of them have no visible form.
pub fn undrawable_chars(text: &str) -> Vec<char> {
    let mut missing = Vec::new();
    for c in text.chars() {
        if !missing.contains(&c) && !name_font_draws(c) {
            missing.push(c);
        }
    }
    missing
}

/// Whether the name font can draw all of `text` (true for the empty string: whether a name may be
/// empty is the form's business). Same rule as [`undrawable_chars`], without allocating.
pub fn can_draw(text: &str) -> bool {
    text.chars().all(name_font_draws)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_latin_greek_and_cyrillic_are_accepted() {
        for name in [
            "Hélène Dupont-Moreau",
            "Zoë O'Connor",
            "Łukasz Żółkiewski",
            "Nguyễn Thị Minh Khai",
            "Γεώργιος Παπαδόπουλος",
            "Анна Кузнецова",
            "Jean\u{2011}Luc d\u{2019}Arcy", // non-breaking hyphen, right single quotation mark
            "Şahin Çelik",
            "Đorđe Đoković",
            "Dvořák Šťastný",
            "Ísold Þórsdóttir",
            "Ørsted Ångström",
            "Mǎ Lǐ",
            "ʻOkalani Kaʻahumanu",
            "Marie\u{00A0}Curie",
        ] {
            assert_eq!(undrawable_chars(name), Vec::<char>::new(), "{name}");
            assert!(can_draw(name), "{name}");
        }
    }

    #[test]
    fn decomposed_accents_are_accepted() {
        // "Nguyễn" typed as e + combining circumflex + combining tilde (NFD).
        let nfd = "Nguye\u{0302}\u{0303}n";
        assert!(can_draw(nfd));
        assert!(can_draw("He\u{0301}le\u{0300}ne"));
    }

    #[test]
    fn names_in_uncovered_scripts_are_refused_with_the_offending_characters() {
        assert_eq!(undrawable_chars("张伟"), vec!['张', '伟']);
        // Distinct characters, in order of first appearance: م appears twice.
        assert_eq!(undrawable_chars("محمد"), vec!['م', 'ح', 'د']);
        assert_eq!(undrawable_chars("Արամ"), vec!['Ա', 'ր', 'ա', 'մ']);
        assert_eq!(undrawable_chars("😀"), vec!['😀']);
        assert_eq!(undrawable_chars("Anna 张 Smith 张"), vec!['张']);
        for name in ["张伟", "محمد", "Արամ", "😀", "ნინო", "דוד", "राम"]
        {
            assert!(!can_draw(name), "{name}");
        }
    }

    #[test]
    fn invisible_characters_are_refused() {
        for c in [
            '\0', '\t', '\n', '\r', '\u{00AD}', '\u{200B}', '\u{200C}', '\u{200D}', '\u{200E}',
            '\u{202E}', '\u{2060}', '\u{2066}', '\u{FE0F}', '\u{FEFF}', '\u{2028}',
        ] {
            let name = format!("Anna{c}Smith");
            assert_eq!(undrawable_chars(&name), vec![c], "U+{:04X}", u32::from(c));
            assert!(!can_draw(&name), "U+{:04X}", u32::from(c));
        }
    }

    fn name_faces() -> [Face<'static>; 2] {
        [
            parse(SERIF_REGULAR, "NotoSerif-Regular"),
            parse(SERIF_BOLD, "NotoSerif-Bold"),
        ]
    }

    /// The range table says what the faces say, for every code point of the first two planes and
    /// the tags block.
    #[test]
    fn range_table_matches_the_faces() {
        let [regular, bold] = name_faces();
        let planes = (0..=0x1_FFFF).chain(0xE_0000..=0xE_0FFF);
        for c in planes.filter_map(char::from_u32) {
            let expected = !is_invisible(c) && face_has(&regular, c) && face_has(&bold, c);
            assert_eq!(name_font_draws(c), expected, "U+{:04X}", u32::from(c));
        }
    }

    /// Every accepted character prints something: its glyph has an outline, or it is a space. This
    /// is what keeps the list in `is_invisible` complete for these fonts.
    #[test]
    fn every_accepted_character_has_a_visible_glyph_or_is_a_space() {
        let mut accepted = 0;
        for face in name_faces() {
            for c in mapped_chars(&face)
                .into_iter()
                .filter(|&c| name_font_draws(c))
            {
                let glyph = face.glyph_index(c).expect("mapped");
                assert!(
                    face.glyph_bounding_box(glyph).is_some() || c.is_whitespace(),
                    "U+{:04X} is accepted but has an empty glyph",
                    u32::from(c)
                );
                accepted += 1;
            }
        }
        assert!(accepted > 2 * 2700, "only {accepted} characters accepted");
    }

    #[test]
    fn printable_ascii_is_drawn_by_both_name_faces() {
        for c in ' '..='~' {
            assert!(name_font_draws(c), "{c:?}");
        }
        assert!(can_draw(""));
        assert!(undrawable_chars("").is_empty());
    }

    /// Every character the name font draws, the body font draws too, so a name that passes the check
    /// can also be set in body text ("This certifies that …").
    #[test]
    fn body_font_covers_every_character_of_the_name_font() {
        let sans = parse(SANS_REGULAR, "NotoSans-Regular");
        for c in mapped_chars(&name_faces()[0])
            .into_iter()
            .filter(|&c| name_font_draws(c))
        {
            assert!(
                face_has(&sans, c),
                "U+{:04X} missing from NotoSans-Regular",
                u32::from(c)
            );
        }
    }
}
