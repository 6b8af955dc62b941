//! What rules 2–12 do with one character, and the NFKC facts the normalizer needs about
//! it, computed from the Unicode tables.
//!
//! This is the definition the lookup tables are built from (`super::tables`) and the
//! slow path for characters outside them, so both always agree.

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{IsNormalized, is_nfkc_quick};
use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

use super::options::{NormalizeOptions, Rule};

/// What rules 2–12 do with one (NFKC-normalized) character.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Act {
    /// Emit `Entry::out`.
    Keep,
    Remove,
    /// Emit a space (collapsible when the whitespace rule is on).
    Space,
    /// Emit `Entry::out.to_lowercase()`, several chars.
    Lower,
}

/// A character's NFKC facts (for it as input) and the rules' action on it.
#[derive(Clone, Copy, Debug)]
pub(super) struct Entry {
    pub(super) out: char,
    /// Canonical combining class.
    pub(super) ccc: u8,
    /// Passes the NFKC quick check.
    pub(super) qc: bool,
    /// Belongs to the segment of the char before it (see [`joins`]).
    pub(super) join: bool,
    pub(super) act: Act,
}

fn is_arabic_diacritic(c: char) -> bool {
    matches!(c, '\u{64B}'..='\u{65F}' | '\u{670}' | '\u{610}'..='\u{61A}' | '\u{6D6}'..='\u{6DC}'
        | '\u{6DF}'..='\u{6E8}' | '\u{6EA}'..='\u{6ED}')
}

pub(super) fn is_nd(u: u32) -> bool {
    char::from_u32(u).is_some_and(|c| c.general_category() == GeneralCategory::DecimalNumber)
}

/// ASCII digit of an Nd character. Unicode guarantees that Nd characters come in contiguous
/// runs of ten, 0 to 9, so the value is the distance from the start of the maximal Nd
/// stretch, modulo 10 (stretches are at most five runs long). Only used when building the
/// tables and for rare characters outside them.
pub(super) fn ascii_digit(c: char) -> char {
    let mut z = c as u32;
    while z > 0 && is_nd(z - 1) {
        z -= 1;
    }
    char::from(b'0' + ((c as u32 - z) % 10) as u8)
}

/// Applies rules 2–12 to one character.
pub(super) fn rules(c: char, o: NormalizeOptions) -> (Act, char) {
    use GeneralCategory::*;
    let on = |r| o.is_on(r);
    let gc = c.general_category();
    let punct = c.general_category_group() == GeneralCategoryGroup::Punctuation;
    if on(Rule::Invisible) && gc == Format
        || on(Rule::Diacritics) && is_arabic_diacritic(c)
        || on(Rule::Tatweel) && c == '\u{640}'
    {
        return (Act::Remove, c);
    }
    let c = match c {
        '\u{622}' | '\u{623}' | '\u{625}' | '\u{671}'..='\u{673}' if on(Rule::Alef) => 'ا',
        '\u{649}' if on(Rule::AlefMaqsura) => 'ي',
        '\u{629}' if on(Rule::TaMarbuta) => 'ه',
        '\u{6A9}' if on(Rule::Persian) => 'ك',
        '\u{6CC}' if on(Rule::Persian) => 'ي',
        _ if on(Rule::Digits) && gc == DecimalNumber => ascii_digit(c),
        _ if on(Rule::Lowercase) => {
            let mut lower = c.to_lowercase();
            if lower.len() > 1 {
                return (Act::Lower, c);
            }
            lower.next().unwrap_or(c)
        }
        _ => c,
    };
    if on(Rule::Punctuation) && (punct || matches!(c, '`' | '|' | '¦'))
        || on(Rule::Whitespace) && (c.is_whitespace() || gc == Control)
    {
        return (Act::Space, c);
    }
    (Act::Keep, c)
}

#[cold]
#[inline(never)]
pub(super) fn make_entry(c: char, o: NormalizeOptions) -> Entry {
    let nfkc = o.is_on(Rule::Nfkc);
    let (act, out) = rules(c, o);
    Entry {
        out,
        ccc: if nfkc {
            canonical_combining_class(c)
        } else {
            0
        },
        qc: !nfkc || is_nfkc_quick([c].into_iter()) == IsNormalized::Yes,
        join: nfkc && joins(c),
        act,
    }
}

/// Whether `c` belongs to the NFKC segment of the char before it: non-starters, and the
/// starters that may compose with the char before (quick check Maybe: Hangul vowel and
/// trailing jamo, second parts of some Indic two-part vowels) or whose decomposition starts
/// with such a char or a non-starter (halfwidth Hangul vowels, halfwidth katakana voicing
/// marks ﾞ ﾟ, some Tibetan vowel signs).
pub(super) fn joins(c: char) -> bool {
    let mut first = None;
    unicode_normalization::char::decompose_compatible(c, |d| _ = first.get_or_insert(d));
    let maybe = |x: char| is_nfkc_quick([x].into_iter()) == IsNormalized::Maybe;
    let first = first.unwrap_or(c);
    canonical_combining_class(first) != 0 || maybe(first) || maybe(c)
}

/// Entry of the [`is_plain`] chars, with `out` set to the char.
pub(super) const PLAIN: Entry = Entry {
    out: '\0',
    ccc: 0,
    qc: true,
    join: false,
    act: Act::Keep,
};

/// Ranges of starters without decompositions, case, digits, punctuation or format chars,
/// which every rule keeps: CJK ideographs (ext. A and unified), Hangul syllables, emoji.
#[inline]
pub(super) fn is_plain(u: u32) -> bool {
    matches!(u, 0x3400..=0x9FFF | 0xAC00..=0xD7A3 | 0x1F300..=0x1FAFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_match_the_rules() {
        // Every Nd char maps to its digit.
        let mut run = 0;
        for u in 0..=0x10FFFF {
            if is_nd(u) {
                let c = char::from_u32(u).unwrap();
                assert_eq!(ascii_digit(c), char::from(b'0' + run % 10), "U+{u:04X}");
                run += 1;
            } else {
                assert_eq!(run % 10, 0, "Nd run ending at U+{u:04X}");
                run = 0;
            }
        }
        // The shortcut ranges are kept by every rule.
        let all = NormalizeOptions::all();
        for u in (0..=0x10FFFF).filter(|&u| is_plain(u)) {
            let e = make_entry(char::from_u32(u).unwrap(), all);
            assert!(
                e.ccc == 0 && e.qc && e.act == Act::Keep && e.out as u32 == u,
                "{u:X}"
            );
        }
    }
}
