//! Text normalization applied before shingling and passage matching.
//!
//! The rules run in the order of [`Rule::ALL`]; each can be switched off on its own:
//!
//! 1. `nfkc`: Unicode NFKC, applied per *segment*: a character that cannot interact with the
//!    one before it, followed by those that can (non-starters, and the starters that may
//!    compose with the character before or decompose into such characters: Hangul vowel and
//!    trailing jamo, halfwidth katakana voicing marks…). Segments that pass the NFKC quick
//!    check are kept as they are; the others are normalized as a whole. This matched
//!    whole-string NFKC on 200,000 random strings of combining marks, jamo, presentation and
//!    compatibility forms, but Unicode does not guarantee it for every exotic sequence; both
//!    entry points use the same segment-wise rule, so they always agree.
//! 2. `invisible`: format characters (general category Cf: ZWJ/ZWNJ, LRM/RLM and other bidi
//!    controls, soft hyphen, BOM, word joiner, zero width space…) are removed.
//! 3. `diacritics`: Arabic harakat, tanwin, shadda, sukun and madda/hamza marks
//!    U+064B–U+065F, superscript alef U+0670 and the Quranic marks U+0610–U+061A,
//!    U+06D6–U+06DC, U+06DF–U+06E8, U+06EA–U+06ED are removed.
//! 4. `tatweel`: U+0640 is removed.
//! 5. `alef`: أ إ آ ٱ ٲ ٳ (U+0623, U+0625, U+0622, U+0671–U+0673) become ا U+0627.
//! 6. `alef-maqsura`: ى U+0649 becomes ي U+064A.
//! 7. `ta-marbuta`: ة U+0629 becomes ه U+0647.
//! 8. `persian`: the Persian keyboard letters that Arabic text picks up: keheh ک U+06A9
//!    becomes kaf ك U+0643 and Farsi yeh ی U+06CC becomes yeh ي U+064A (a final Farsi yeh
//!    looks like alef maqsura, which `alef-maqsura` also maps to yeh). Yeh with tail U+06CD
//!    and ې U+06D0 are distinct Pashto/Uyghur letters, not spelling variants, and are kept.
//! 9. `digits`: every decimal digit (general category Nd, any script) becomes its ASCII digit.
//! 10. `lowercase`: full Unicode lower case ([`char::to_lowercase`], context free).
//! 11. `punctuation`: every character of general category P* becomes a space, and so do
//!     `` ` `` U+0060, `|` U+007C and ¦ U+00A6, symbols that news text uses as a quote or a
//!     separator. Other symbols ($, €, +, =, °, ©, emoji…) carry meaning and are kept.
//!     (NFKC turns spacing accents such as ´ U+00B4 into a space and a combining mark.)
//! 12. `whitespace`: every White_Space or control (Cc) character becomes a space; runs of
//!     spaces (including those made by punctuation) collapse to one, and leading and
//!     trailing spaces are removed. When off, whitespace and controls are kept as they are
//!     (and punctuation becomes a plain space that is not collapsed).
//!
//! Normalizing twice gives the same result except in rare cases: when a removed character
//! (a format character, tatweel, an Arabic mark) stands between a base and a combining mark
//! that is kept, the second pass sees the mark right after the base and may compose or
//! reorder it (e.g. `a`, U+065A, U+0309: the Arabic mark blocks the composition to ả only
//! in the first pass). About 0.2% of random strings dense in marks are affected; news text
//! practically never.
//!
//! Offsets: [`Normalizer::normalize_with_offsets`] records, for each output byte, the
//! original byte range of the character that produced it, or of the whole segment when the
//! segment needed NFKC. A collapsed run of spaces maps to the first character of the run.
//! Offsets are stored as `u32`: texts are assumed to be shorter than 4 GiB; beyond that,
//! offsets saturate at `u32::MAX`.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};
use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

/// Defines [`Rule`], [`Rule::ALL`] and [`Rule::name`] from one list.
macro_rules! define_rules {
    ($($(#[doc = $doc:literal])* $rule:ident = $name:literal,)*) => {
        /// One switchable normalization rule.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Rule {
            $($(#[doc = $doc])* $rule,)*
        }

        impl Rule {
            /// Every rule, in the order in which they are applied.
            pub const ALL: [Rule; 12] = [$(Rule::$rule),*];

            /// The rule's name, as used on the command line and in reports.
            pub fn name(self) -> &'static str {
                match self {
                    $(Rule::$rule => $name,)*
                }
            }
        }
    };
}

define_rules! {
    /// Unicode NFKC, segment by segment.
    Nfkc = "nfkc",
    /// Remove format characters (Cf).
    Invisible = "invisible",
    /// Remove Arabic diacritics and Quranic marks.
    Diacritics = "diacritics",
    /// Remove the Arabic tatweel U+0640.
    Tatweel = "tatweel",
    /// Unify alef variants to bare alef.
    Alef = "alef",
    /// Alef maqsura to yeh.
    AlefMaqsura = "alef-maqsura",
    /// Ta marbuta to heh.
    TaMarbuta = "ta-marbuta",
    /// Persian keheh and Farsi yeh to Arabic kaf and yeh.
    Persian = "persian",
    /// Decimal digits of every script to ASCII digits.
    Digits = "digits",
    /// Full Unicode lower case.
    Lowercase = "lowercase",
    /// Punctuation to spaces.
    Punctuation = "punctuation",
    /// Whitespace and controls to spaces, collapse runs, trim.
    Whitespace = "whitespace",
}

impl Rule {
    /// The rule called `s` (exact, lower-case name), if any.
    pub fn from_name(s: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.name() == s)
    }
}

/// Which rules are on. Default: all on. Serializes as the list of enabled rule names, in
/// rule order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NormalizeOptions {
    bits: u16,
}

impl NormalizeOptions {
    /// All rules on.
    pub fn all() -> Self {
        Self {
            bits: (1 << Rule::ALL.len()) - 1,
        }
    }

    /// All rules off (normalization is then the identity).
    pub fn none() -> Self {
        Self { bits: 0 }
    }

    /// Whether rule `r` is on.
    pub fn is_on(&self, r: Rule) -> bool {
        self.bits & 1 << r as u16 != 0
    }

    /// Switches rule `r` on or off.
    pub fn set(&mut self, r: Rule, on: bool) {
        self.bits = self.bits & !(1 << r as u16) | (on as u16) << r as u16;
    }

    /// Parses a comma list as given on the command line: "all", "none", rule names to switch
    /// on, "-name" / "no-name" to switch off, applied left to right starting from all-on,
    /// e.g. "all,-digits,-lowercase" or "none,nfkc,lowercase". Items are trimmed and matched
    /// case-insensitively; empty items are ignored. The error names the bad item and lists
    /// the valid names.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut o = Self::all();
        for raw in spec.split(',').map(str::trim) {
            let item = raw.to_ascii_lowercase();
            let (name, on) = match item.strip_prefix('-').or(item.strip_prefix("no-")) {
                Some(name) => (name, false),
                None => (item.as_str(), true),
            };
            match (name, on) {
                ("", true) => {}
                ("all", true) => o = Self::all(),
                ("none", true) => o = Self::none(),
                _ => match Rule::from_name(name) {
                    Some(r) => o.set(r, on),
                    None => {
                        let names: Vec<_> = Rule::ALL.iter().map(|r| r.name()).collect();
                        return Err(format!(
                            "unknown normalization item `{raw}`; valid items: all, none, {} \
                             (prefix a rule with `-` or `no-` to switch it off)",
                            names.join(", ")
                        ));
                    }
                },
            }
        }
        Ok(o)
    }

    /// Names of the rules that are on, in rule order.
    pub fn enabled_names(&self) -> Vec<&'static str> {
        Rule::ALL
            .into_iter()
            .filter(|r| self.is_on(*r))
            .map(Rule::name)
            .collect()
    }
}

impl Default for NormalizeOptions {
    fn default() -> Self {
        Self::all()
    }
}

impl serde::Serialize for NormalizeOptions {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.enabled_names())
    }
}

/// Byte-level map from normalized output back to the original text: for each output byte,
/// the original byte range of the character (or NFKC segment) that produced it.
#[derive(Clone, Debug, Default)]
pub struct OffsetMap {
    spans: Vec<[u32; 2]>,
}

impl OffsetMap {
    /// An empty map (does not allocate).
    pub fn new() -> Self {
        Self::default()
    }

    /// Empties the map, keeping its capacity.
    pub fn clear(&mut self) {
        self.spans.clear();
    }

    /// Original byte range covering normalized bytes `start..end` (char-aligned in the
    /// output): from the start of byte `start`'s source to the end of byte `end - 1`'s
    /// source, so removed characters in between are inside. The result is char-aligned in
    /// the original. Never panics: `end` is clamped to [`len`](Self::len), and an empty
    /// request gives an empty range at the corresponding original position.
    pub fn original_range(&self, start: usize, end: usize) -> Range<usize> {
        let end = end.min(self.spans.len());
        if start >= end {
            let p = match self.spans.get(start) {
                Some(s) => s[0],
                None => self.spans.last().map_or(0, |s| s[1]),
            };
            return p as usize..p as usize;
        }
        self.spans[start][0] as usize..self.spans[end - 1][1] as usize
    }

    /// Number of output bytes mapped.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
}

/// What rules 2–12 do with one (NFKC-normalized) character.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Act {
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
struct Entry {
    out: char,
    /// Canonical combining class.
    ccc: u8,
    /// Passes the NFKC quick check.
    qc: bool,
    /// Belongs to the segment of the char before it (see [`joins`]).
    join: bool,
    act: Act,
}

fn is_arabic_diacritic(c: char) -> bool {
    matches!(c, '\u{64B}'..='\u{65F}' | '\u{670}' | '\u{610}'..='\u{61A}' | '\u{6D6}'..='\u{6DC}'
        | '\u{6DF}'..='\u{6E8}' | '\u{6EA}'..='\u{6ED}')
}

fn is_nd(u: u32) -> bool {
    char::from_u32(u).is_some_and(|c| c.general_category() == GeneralCategory::DecimalNumber)
}

/// ASCII digit of an Nd character. Unicode guarantees that Nd characters come in contiguous
/// runs of ten, 0 to 9, so the value is the distance from the start of the maximal Nd
/// stretch, modulo 10 (stretches are at most five runs long). Only used when building the
/// tables and for rare characters outside them.
fn ascii_digit(c: char) -> char {
    let mut z = c as u32;
    while z > 0 && is_nd(z - 1) {
        z -= 1;
    }
    char::from(b'0' + ((c as u32 - z) % 10) as u8)
}

/// Applies rules 2–12 to one character.
fn rules(c: char, o: NormalizeOptions) -> (Act, char) {
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
fn make_entry(c: char, o: NormalizeOptions) -> Entry {
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
fn joins(c: char) -> bool {
    let mut first = None;
    unicode_normalization::char::decompose_compatible(c, |d| _ = first.get_or_insert(d));
    let maybe = |x: char| is_nfkc_quick([x].into_iter()) == IsNormalized::Maybe;
    let first = first.unwrap_or(c);
    canonical_combining_class(first) != 0 || maybe(first) || maybe(c)
}

/// Entry of the [`is_plain`] chars, with `out` set to the char.
const PLAIN: Entry = Entry {
    out: '\0',
    ccc: 0,
    qc: true,
    join: false,
    act: Act::Keep,
};

/// Ranges of starters without decompositions, case, digits, punctuation or format chars,
/// which every rule keeps: CJK ideographs (ext. A and unified), Hangul syllables, emoji.
fn is_plain(u: u32) -> bool {
    matches!(u, 0x3400..=0x9FFF | 0xAC00..=0xD7A3 | 0x1F300..=0x1FAFF)
}

/// Pages (code point >> 8) with precomputed entries: Latin … Thaana (incl. Arabic), Indic
/// scripts and Thai, Vietnamese and Greek extended, punctuation and letterlike symbols, CJK
/// punctuation and kana, presentation forms / BOM, fullwidth forms. Other chars are looked
/// up on the fly ([`is_plain`] ones cheaply, the rest slowly).
const PAGES: [u8; 21] = [
    0, 1, 2, 3, 4, 5, 6, 7, 9, 0xA, 0xB, 0xC, 0xD, 0xE, 0x1E, 0x1F, 0x20, 0x21, 0x30, 0xFE, 0xFF,
];
const NO_PAGE: u8 = u8::MAX;

// Fast-path word of a code point below U+0800 (one- or two-byte UTF-8): bits 0–15 hold the
// UTF-8 output (up to two bytes), bits 30–31 its length, bits 20–27 the ccc, plus flags.
const F_SP: u32 = 1 << 16; // output is a collapsible space
const F_FAST: u32 = 1 << 17; // NFKC-stable starter whose output fits the word
const F_RUN: u32 = 1 << 18; // F_FAST and not F_SP
const F_MARK: u32 = 1 << 19; // non-starter passing the quick check, kept or removed
const F_KEEP_SP: u32 = 1 << 29; // removed: the "ends with a space" state is unchanged
const LEN_SHIFT: u32 = 30;

fn fast_word(e: Entry, ws: bool) -> u32 {
    let out = match e.act {
        Act::Keep if (e.out as u32) < 0x800 => {
            let mut tmp = [0u8; 4];
            let enc = e.out.encode_utf8(&mut tmp).as_bytes();
            let bytes = enc.iter().rev().fold(0, |acc, &x| acc << 8 | x as u32);
            (enc.len() as u32) << LEN_SHIFT | bytes
        }
        Act::Remove => F_KEEP_SP,
        Act::Space if !e.join => 1 << LEN_SHIFT | 0x20 | if ws { F_SP } else { 0 },
        _ => return 0,
    };
    match (e.qc, e.join) {
        (true, false) if out & F_SP != 0 => F_FAST | out,
        (true, false) => F_FAST | F_RUN | out,
        (true, true) if e.ccc != 0 => F_MARK | (e.ccc as u32) << 20 | out,
        _ => 0,
    }
}

/// Lookup tables for one set of options.
struct Tables {
    small: Box<[u32; 0x800]>,
    page_of: [u8; 256],
    entries: Box<[Entry]>,
}

impl Tables {
    fn new(o: NormalizeOptions) -> Self {
        let mut page_of = [NO_PAGE; 256];
        let mut entries = Vec::with_capacity(PAGES.len() * 256);
        for (k, &p) in PAGES.iter().enumerate() {
            page_of[p as usize] = k as u8;
            let chars = (0..256).map(|lo| char::from_u32((p as u32) << 8 | lo).unwrap_or('\0'));
            entries.extend(chars.map(|c| make_entry(c, o)));
        }
        let mut small = Box::new([0u32; 0x800]);
        for (t, e) in small.iter_mut().zip(&entries) {
            *t = fast_word(*e, o.is_on(Rule::Whitespace));
        }
        debug_assert!(
            small[..128]
                .iter()
                .all(|t| t & F_FAST != 0 && t >> LEN_SHIFT == 1)
        );
        Self {
            small,
            page_of,
            entries: entries.into_boxed_slice(),
        }
    }
}

// Offset recording modes of the sink.
const NO_OFFSETS: u8 = 0;
const OFFSETS: u8 = 1; // the text is shorter than 4 GiB
const SATURATING: u8 = 2; // larger offsets saturate to u32::MAX

/// Converts a byte offset to the stored `u32`.
#[inline(always)]
fn off<const OFF: u8>(x: usize) -> u32 {
    match OFF {
        SATURATING => u32::try_from(x).unwrap_or(u32::MAX),
        _ => x as u32,
    }
}

/// Output cursor; `OFF` says whether and how offsets are recorded. `buf[..w]` is the output
/// so far and always consists of whole UTF-8 sequences; `buf[w..]` is scratch room, so
/// writes can be unconditional and a segment can be rolled back by moving `w`.
struct Sink<'a, const OFF: u8> {
    buf: Vec<u8>,
    spans: &'a mut Vec<[u32; 2]>,
    w: usize,
    ws: bool,
    /// 1 when the whitespace rule is on and the output is empty or ends with a space.
    last_sp: usize,
}

impl<const OFF: u8> Sink<'_, OFF> {
    const REC: bool = OFF != NO_OFFSETS;

    #[inline(always)]
    fn room(&mut self, k: usize) {
        if self.w + k > self.buf.len() {
            self.grow(k);
        }
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self, k: usize) {
        let n = (self.buf.len() * 2).max(self.w + k + 64);
        self.buf.resize(n, 0);
        if Self::REC {
            self.spans.resize(n, [0, 0]);
        }
    }

    /// Maps an all-ASCII run through the table, collapsing spaces without branches.
    #[inline(always)]
    fn ascii(&mut self, run: &[u8], pos: usize, small: &[u32; 0x800]) {
        self.room(run.len());
        let base = self.w;
        let dst = &mut self.buf[base..base + run.len()];
        let spans = &mut self.spans[if Self::REC {
            base..base + run.len()
        } else {
            0..0
        }];
        let (mut w, mut prev) = (0, self.last_sp);
        for (k, &b) in run.iter().enumerate() {
            let t = small[b as usize]; // b < 0x80
            let sp = (t >> 16) as usize & 1;
            dst[w] = t as u8;
            if Self::REC {
                spans[w] = [off::<OFF>(pos + k), off::<OFF>(pos + k + 1)];
            }
            w += 1 - (sp & prev);
            prev = sp;
        }
        self.w = base + w;
        self.last_sp = prev;
    }

    #[inline(always)]
    fn push(&mut self, c: char, s: usize, e: usize) {
        self.room(4);
        let n = c.encode_utf8(&mut self.buf[self.w..self.w + 4]).len();
        if Self::REC {
            self.spans[self.w..self.w + n].fill([off::<OFF>(s), off::<OFF>(e)]);
        }
        self.w += n;
        self.last_sp = 0;
    }

    /// Applies an entry's action for source bytes `s..e`.
    #[inline(always)]
    fn act(&mut self, entry: Entry, s: usize, e: usize) {
        match entry.act {
            Act::Keep => self.push(entry.out, s, e),
            Act::Remove => {}
            Act::Space if self.last_sp == 1 => {}
            Act::Space => {
                self.push(' ', s, e);
                self.last_sp = self.ws as usize;
            }
            Act::Lower => entry.out.to_lowercase().for_each(|l| self.push(l, s, e)),
        }
    }

    fn mark(&self) -> (usize, usize) {
        (self.w, self.last_sp)
    }

    fn rollback(&mut self, (w, last_sp): (usize, usize)) {
        (self.w, self.last_sp) = (w, last_sp);
    }

    fn finish(mut self, out: &mut String) {
        self.w -= self.last_sp & (self.w > 0) as usize; // trailing space
        self.buf.truncate(self.w);
        if Self::REC {
            self.spans.truncate(self.w);
        }
        debug_assert!(std::str::from_utf8(&self.buf).is_ok());
        // SAFETY: `buf[..w]` only ever holds whole UTF-8 sequences: ASCII bytes and UTF-8
        // from `char::encode_utf8` or from the tables (built with `encode_utf8`), each
        // followed by advancing `w` by exactly its length; `w` only moves back to earlier
        // char boundaries (rollback) or over a final ASCII space.
        *out = unsafe { String::from_utf8_unchecked(self.buf) };
    }
}

/// Fast paths of [`Normalizer::run`]: runs of two-byte chars whose word keeps or removes
/// them (most letters and marks of Latin, Greek, Cyrillic, Hebrew, Arabic…), and single
/// ASCII chars between them. Returns where it stopped, with `seg` (the current segment's
/// start and the output state before it) and `last_ccc` updated. A separate function so
/// that the cursor state stays in registers.
#[inline(never)]
fn fast_chars<const OFF: u8>(
    small: &[u32; 0x800],
    b: &[u8],
    mut i: usize,
    sink: &mut Sink<'_, OFF>,
    seg: &mut (usize, (usize, usize)),
    last_ccc: &mut u8,
) -> usize {
    let n = b.len();
    let (mut w, mut last_sp) = sink.mark();
    // Segment start and the output state before it, packed as w * 2 + last_sp.
    let (mut sg_i, mut sg_ws, mut lc) = (seg.0, seg.1.0 * 2 + seg.1.1, *last_ccc as u32);
    let buf = &mut sink.buf[..];
    let spans = &mut sink.spans[..];
    loop {
        while i + 1 < n && w + 2 <= buf.len() {
            let (b0, b1) = (b[i] as usize, b[i + 1] as usize);
            let t = small[(b0 & 0x1F) << 6 | (b1 & 0x3F)];
            if b0 & 0xE0 != 0xC0 {
                break;
            } else if t & F_RUN != 0 {
                (sg_i, sg_ws, lc) = (i, w * 2 + last_sp, 0);
            } else if t & F_MARK != 0 && t >> 20 & 0xFF >= lc {
                lc = t >> 20 & 0xFF;
            } else {
                break;
            }
            buf[w..w + 2].copy_from_slice(&(t as u16).to_le_bytes());
            if Sink::<OFF>::REC {
                spans[w..w + 2].fill([off::<OFF>(i), off::<OFF>(i + 2)]);
            }
            w += (t >> LEN_SHIFT) as usize;
            last_sp &= (t >> 29) as usize; // F_KEEP_SP (last_sp is 0 or 1)
            i += 2;
        }
        if i + 1 < n && b[i] < 0x80 && b[i + 1] >= 0x80 && w < buf.len() {
            let t = small[b[i] as usize];
            (sg_i, sg_ws, lc) = (i, w * 2 + last_sp, 0);
            buf[w] = t as u8;
            if Sink::<OFF>::REC {
                spans[w] = [off::<OFF>(i), off::<OFF>(i + 1)];
            }
            let sp = (t >> 16) as usize & 1;
            w += 1 - (sp & last_sp);
            last_sp = sp;
            i += 1;
            continue;
        }
        break;
    }
    sink.rollback((w, last_sp));
    (*seg, *last_ccc) = ((sg_i, (sg_ws / 2, sg_ws & 1)), lc as u8);
    i
}

/// The char at byte `i` of `text` and its length.
fn char_at(text: &str, i: usize) -> (char, usize) {
    let c = text[i..].chars().next().unwrap_or('\0');
    (c, c.len_utf8())
}

/// Length of the all-ASCII prefix of `b`, eight bytes at a time.
#[inline(always)]
fn ascii_prefix_len(b: &[u8]) -> usize {
    for (k, chunk) in b.chunks_exact(8).enumerate() {
        let m = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8])) & 0x8080_8080_8080_8080;
        if m != 0 {
            return k * 8 + (m.trailing_zeros() / 8) as usize;
        }
    }
    let tail = b.len() & !7;
    tail + b[tail..].iter().take_while(|x| x.is_ascii()).count()
}

/// A normalizer for one set of options; cheap to clone (the lookup tables are shared),
/// shareable across threads.
#[derive(Clone)]
pub struct Normalizer {
    options: NormalizeOptions,
    tables: Arc<Tables>,
}

impl fmt::Debug for Normalizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Normalizer")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl Normalizer {
    /// A normalizer applying `options` (builds its lookup tables, well under a millisecond).
    pub fn new(options: NormalizeOptions) -> Self {
        Self {
            options,
            tables: Arc::new(Tables::new(options)),
        }
    }

    /// The options this normalizer applies.
    pub fn options(&self) -> NormalizeOptions {
        self.options
    }

    /// Clears `out` and writes the normalized form of `text` into it. Does not allocate
    /// when `out` has capacity for `text.len() + 64` bytes and the output is not longer
    /// (except inside NFKC for a segment that expands to more than four chars).
    pub fn normalize_into(&self, text: &str, out: &mut String) {
        self.run::<NO_OFFSETS>(text, out, &mut Vec::new());
    }

    /// Same output as [`normalize_into`](Self::normalize_into), plus the offset map
    /// (cleared first).
    pub fn normalize_with_offsets(&self, text: &str, out: &mut String, map: &mut OffsetMap) {
        match u32::try_from(text.len()) {
            Ok(_) => self.run::<OFFSETS>(text, out, &mut map.spans),
            Err(_) => self.run::<SATURATING>(text, out, &mut map.spans),
        }
    }

    /// Convenience: returns the normalized text as a new `String`.
    pub fn normalize(&self, text: &str) -> String {
        let mut out = String::new();
        self.normalize_into(text, &mut out);
        out
    }

    #[inline(always)]
    fn info(&self, c: char) -> Entry {
        let u = c as u32;
        let p = self
            .tables
            .page_of
            .get(u as usize >> 8)
            .map_or(NO_PAGE, |p| *p);
        if p != NO_PAGE {
            self.tables.entries[(p as usize) << 8 | (u & 0xFF) as usize]
        } else if is_plain(u) {
            Entry { out: c, ..PLAIN }
        } else {
            make_entry(c, self.options)
        }
    }

    /// The normalizer proper. Chars are emitted as soon as they are read; a segment that
    /// turns out to need NFKC (a non-starter failing the quick check, or marks out of
    /// canonical order) is rolled back to its starter and normalized as a whole.
    fn run<const OFF: u8>(&self, text: &str, out: &mut String, spans: &mut Vec<[u32; 2]>) {
        // The scratch room beyond the output may hold anything: reuse the old contents
        // rather than zeroing them.
        let mut buf = std::mem::take(out).into_bytes();
        buf.resize(text.len() + 64, 0);
        if OFF != NO_OFFSETS {
            spans.resize(text.len() + 64, [0, 0]);
        }
        let ws = self.options.is_on(Rule::Whitespace);
        let mut sink = Sink::<OFF> {
            buf,
            spans,
            w: 0,
            ws,
            last_sp: ws as usize,
        };
        let small = &*self.tables.small;
        let (b, n) = (text.as_bytes(), text.len());
        let mut i = 0;
        let mut seg = (0, sink.mark()); // start of the current segment, for rollback
        let mut last_ccc = 0; // ccc of the last char of the current segment
        while i < n {
            if b[i] < 0x80 && i + 1 < n && b[i + 1] < 0x80 {
                // ASCII run: all but its last byte, which may start a segment with marks.
                let j = i + ascii_prefix_len(&b[i..]);
                let end = if j == n { n } else { j - 1 };
                sink.ascii(&b[i..end], i, small);
                i = end;
                continue;
            }
            if b[i] < 0xE0 {
                let i0 = i;
                i = fast_chars(small, b, i, &mut sink, &mut seg, &mut last_ccc);
                if i != i0 {
                    continue;
                }
            }
            let (c, len) = char_at(text, i);
            let e = self.info(c);
            if !e.join && e.qc {
                (seg, last_ccc) = ((i, sink.mark()), 0);
            } else if e.join && e.qc && last_ccc <= e.ccc {
                last_ccc = e.ccc;
            } else {
                // Normalize the whole segment: from this starter, or back from its starter.
                let start = if e.join { seg.0 } else { i };
                sink.rollback(if e.join { seg.1 } else { sink.mark() });
                i += len;
                while i < n && self.info(char_at(text, i).0).join {
                    i += char_at(text, i).1;
                }
                for c in text[start..i].chars().nfkc() {
                    sink.act(self.info(c), start, i);
                }
                continue;
            }
            sink.act(e, i, i + len);
            i += len;
        }
        sink.finish(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(rules: &[Rule]) -> Normalizer {
        let mut o = NormalizeOptions::none();
        rules.iter().for_each(|r| o.set(*r, true));
        Normalizer::new(o)
    }

    fn without(r: Rule) -> Normalizer {
        let mut o = NormalizeOptions::all();
        o.set(r, false);
        Normalizer::new(o)
    }

    /// `rule` alone maps `input` to `on`; all rules but `rule` keep `kept` in the output.
    fn check(rule: Rule, input: &str, on: &str, kept: &str) {
        assert_eq!(with(&[rule]).normalize(input), on, "{rule:?} on");
        assert_eq!(with(&[]).normalize(input), input, "identity");
        let off = without(rule).normalize(input);
        assert!(off.contains(kept), "{rule:?} off: {off:?} lacks {kept:?}");
    }

    #[test]
    fn rule_nfkc() {
        let text = "ﬁne Ａ ﻻ ① e\u{301} ｶﾞ ﾡￂ \u{1100}\u{1161}\u{11A8}";
        check(Rule::Nfkc, text, "fine A لا 1 é ガ 가 각", "ﬁ");
        assert_eq!(without(Rule::Nfkc).normalize("Ａ"), "ａ");
    }

    #[test]
    fn rule_invisible() {
        let text = "a\u{200C}b\u{200F}c\u{FEFF}d\u{AD}e\u{200D}f\u{2060}g";
        check(Rule::Invisible, text, "abcdefg", "\u{200C}");
    }

    #[test]
    fn rule_diacritics() {
        check(Rule::Diacritics, "مُحَمَّدٌ", "محمد", "\u{64F}");
    }

    #[test]
    fn rule_tatweel() {
        check(Rule::Tatweel, "الـــعـــربية", "العربية", "\u{640}");
    }

    #[test]
    fn rule_alef() {
        check(Rule::Alef, "أإآٱٲٳا", "ااااااا", "إ");
    }

    #[test]
    fn rule_alef_maqsura() {
        check(Rule::AlefMaqsura, "على", "علي", "ى");
    }

    #[test]
    fn rule_ta_marbuta() {
        check(Rule::TaMarbuta, "مدرسة", "مدرسه", "ة");
    }

    #[test]
    fn rule_persian() {
        check(Rule::Persian, "کتاب ایران", "كتاب ايران", "ی");
    }

    #[test]
    fn rule_digits() {
        let text = "٢٠٢٣ ۱۴۰۲ २०२४ ๒๕๖๗ ９";
        check(Rule::Digits, text, "2023 1402 2024 2567 9", "۱۴۰۲");
    }

    #[test]
    fn rule_lowercase() {
        let text = "HeLLo ПРИВЕТ ΣΟΦΙΑ İ";
        check(
            Rule::Lowercase,
            text,
            "hello привет σοφια i\u{307}",
            "ПРИВЕТ",
        );
    }

    #[test]
    fn rule_punctuation() {
        let text = "«a»،b؛c؟d。e、「f」“g” — h–i,j";
        check(Rule::Punctuation, text, " a  b c d e  f  g    h i j", "«");
    }

    #[test]
    fn rule_whitespace() {
        let text = " \ta\u{A0}\u{2003}b\n\n\r\u{85}c \u{3000}";
        check(Rule::Whitespace, text, "a b c", "\t");
        assert_eq!(without(Rule::Whitespace).normalize("a, b\tc"), "a  b\tc");
    }

    #[test]
    fn rules_together() {
        let all = Normalizer::new(NormalizeOptions::all());
        assert_eq!(all.normalize("𝟗 ９"), "9 9");
        let mixed = "«مرحبا»، كيف؛ حالك؟ 你好。「世界」“Quoted” — dash – end.";
        assert_eq!(
            all.normalize(mixed),
            "مرحبا كيف حالك 你好 世界 quoted dash end"
        );
        assert_eq!(
            all.normalize("don`t | x¦y $5 €3 +1 ´"),
            "don t x y $5 €3 +1 \u{301}"
        );
    }

    #[test]
    fn scripts_survive() {
        let n = Normalizer::new(NormalizeOptions::all());
        let text = "Hello Мир 你好世界 مرحبا 한국어 カタカナ Việt Nam हिन्दी 😀";
        assert_eq!(
            n.normalize(text),
            "hello мир 你好世界 مرحبا 한국어 カタカナ việt nam हिन्दी 😀"
        );
        assert_eq!(n.normalize(""), "");
        assert_eq!(n.normalize(" ... \u{200B} "), "");
    }

    #[test]
    fn plain_and_fancy_arabic_agree() {
        let n = Normalizer::new(NormalizeOptions::all());
        let fancy =
            "قالَ الرئيسُ: «إنّ الاقتصادَ نَمــا بنسبة ٣٫٥٪ عام ٢٠٢٣»، أليس كذلك؟ آمال على المدرسة";
        let plain =
            "قال الرئيس \"ان الاقتصاد نما بنسبة 3.5% عام 2023\", اليس كذلك? امال علي المدرسه";
        let want = "قال الرئيس ان الاقتصاد نما بنسبه 3 5 عام 2023 اليس كذلك امال علي المدرسه";
        assert_eq!(n.normalize(fancy), want);
        assert_eq!(n.normalize(plain), want);
    }

    #[test]
    fn parse_options() {
        let p = |s: &str| NormalizeOptions::parse(s);
        assert_eq!(p("").unwrap(), NormalizeOptions::all());
        assert_eq!(p("all").unwrap(), NormalizeOptions::all());
        assert_eq!(p("none").unwrap(), NormalizeOptions::none());
        let o = p("all,-digits, no-lowercase").unwrap();
        assert!(!o.is_on(Rule::Digits) && !o.is_on(Rule::Lowercase) && o.is_on(Rule::Nfkc));
        assert_eq!(
            p("none,nfkc,Lowercase").unwrap().enabled_names(),
            ["nfkc", "lowercase"]
        );
        assert_eq!(
            p("-nfkc,none,alef-maqsura").unwrap().enabled_names(),
            ["alef-maqsura"]
        );
        let err = p("all,-digitz").unwrap_err();
        assert!(
            err.contains("`-digitz`") && err.contains("ta-marbuta"),
            "{err}"
        );
        for bad in ["-all", "no", "-", "nfkc;digits", "no-none"] {
            assert!(p(bad).is_err(), "{bad}");
        }
        for r in Rule::ALL {
            assert_eq!(Rule::from_name(r.name()), Some(r));
        }
        let json = serde_json::to_string(&p("none,nfkc,whitespace").unwrap()).unwrap();
        assert_eq!(json, r#"["nfkc","whitespace"]"#);
    }

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

    #[test]
    fn offsets_example() {
        let n = Normalizer::new(NormalizeOptions::all());
        let text = "Ｈｅｌｌｏ,  مُحَمَّد ﬁx e\u{301}";
        let (mut out, mut map) = (String::new(), OffsetMap::new());
        n.normalize_with_offsets(text, &mut out, &mut map);
        assert_eq!(out, "hello محمد fix é");
        assert_eq!(map.len(), out.len());
        let at = out.find("محمد").unwrap();
        assert_eq!(&text[map.original_range(at, at + "محمد".len())], "مُحَمَّد");
        assert_eq!(&text[map.original_range(0, 5)], "Ｈｅｌｌｏ");
        assert_eq!(&text[map.original_range(5, 6)], ",");
        let fi = out.find("fix").unwrap();
        assert_eq!(&text[map.original_range(fi + 1, fi + 2)], "ﬁ");
        assert_eq!(
            &text[map.original_range(out.len() - 2, out.len())],
            "e\u{301}"
        );
        assert_eq!(map.original_range(3, 3), 9..9);
        let end = out.len();
        assert_eq!(map.original_range(end, end + 5), text.len()..text.len());
    }

    /// xorshift64*, deterministic.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> usize {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 16) as usize
        }
    }

    /// Realistic mixed text: marks only follow letters of their script.
    fn realistic(r: &mut Rng) -> String {
        let pieces: Vec<&str> = "the|News|WORLD|2023|e\u{301}|Cafe\u{301}|n\u{303}o|Å|ﬁ|İs|Straße|ẞ\
            |مُحَمَّدٌ|الـــعـــربية|أإآ|على|مدرسة|کی|٢٠٢٣|۱۴۰۲|ﻻ|ا\u{654}|\u{FDFA}|你好|世界。\
            |「引用」|한국|カタカナ|Привет|ΣΟΦΙΑ|ς|«|»|،|؛|؟|“|”|—|–|,|.|!| | |  |\t|\n|\u{A0}\
            |\u{2003}|\u{3000}|\u{2028}|\u{200C}|\u{200D}|\u{200F}|\u{FEFF}|\u{AD}|😀|①|㎏|Ａｂ|९|$5"
            .split('|')
            .collect();
        (0..r.next() % 24)
            .map(|_| pieces[r.next() % pieces.len()])
            .collect()
    }

    /// Arbitrary code points, weighted towards interesting blocks.
    fn wild(r: &mut Rng) -> String {
        let blocks = [
            (0, 0x80),
            (0x600, 0x100),
            (0x300, 0x70),
            (0, 0x3_0000),
            (0xFB00, 0x500),
        ];
        (0..r.next() % 16)
            .map(|_| {
                let (base, len) = blocks[r.next() % blocks.len()];
                char::from_u32((base + r.next() % len) as u32).unwrap_or('x')
            })
            .collect()
    }

    /// Straightforward reference implementation of the documented rules.
    fn reference(text: &str, o: NormalizeOptions) -> String {
        let mut chars = Vec::new();
        if o.is_on(Rule::Nfkc) {
            let starters = text.char_indices().filter(|&(i, c)| i == 0 || !joins(c));
            let mut starts: Vec<usize> = starters.map(|(i, _)| i).collect();
            starts.push(text.len());
            for seg in starts.windows(2).map(|w| &text[w[0]..w[1]]) {
                match is_nfkc_quick(seg.chars()) {
                    IsNormalized::Yes => chars.extend(seg.chars()),
                    _ => chars.extend(seg.chars().nfkc()),
                }
            }
        } else {
            chars.extend(text.chars());
        }
        let mut out = String::new();
        for c in chars {
            match rules(c, o) {
                (Act::Keep, c) => out.push(c),
                (Act::Space, _) => out.push(' '),
                (Act::Lower, c) => out.extend(c.to_lowercase()),
                (Act::Remove, _) => {}
            }
        }
        if o.is_on(Rule::Whitespace) {
            out = out
                .split(' ')
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
        }
        out
    }

    #[test]
    fn properties() {
        let mut r = Rng(0x9E37_79B9_7F4A_7C15);
        let all = Normalizer::new(NormalizeOptions::all());
        let nfkc = with(&[Rule::Nfkc]);
        let random = |r: &mut Rng| NormalizeOptions {
            bits: (r.next() & 0xFFF) as u16,
        };
        let pool: Vec<_> = (0..32).map(|_| Normalizer::new(random(&mut r))).collect();
        let (mut fast, mut slow, mut map) = (String::new(), String::new(), OffsetMap::new());
        let (mut sat, mut sat_spans) = (String::new(), Vec::new());
        for round in 0..8000 {
            let text = if round % 2 == 0 {
                realistic(&mut r)
            } else {
                wild(&mut r)
            };
            let n = if round % 3 == 0 {
                &all
            } else {
                &pool[r.next() % pool.len()]
            };
            let o = n.options();
            n.normalize_into(&text, &mut fast);
            n.normalize_with_offsets(&text, &mut slow, &mut map);
            n.run::<SATURATING>(&text, &mut sat, &mut sat_spans);
            // (a) both entry points agree, with each other and with the reference; segment-wise
            // NFKC agrees with whole-string NFKC.
            assert_eq!(
                nfkc.normalize(&text),
                text.nfkc().collect::<String>(),
                "{text:?}"
            );
            assert_eq!(fast, slow, "{text:?} {o:?}");
            assert_eq!(fast, reference(&text, o), "{text:?} {o:?}");
            assert_eq!((&sat, &sat_spans), (&slow, &map.spans));
            // (b) every output char maps to an in-bounds, char-aligned, non-decreasing range.
            assert_eq!(map.len(), slow.len());
            let mut prev = 0..0;
            for (a, ch) in slow.char_indices() {
                let rg = map.original_range(a, a + ch.len_utf8());
                assert!(rg.start < rg.end && rg.end <= text.len(), "{text:?}");
                assert!(text.is_char_boundary(rg.start) && text.is_char_boundary(rg.end));
                assert!(prev.start <= rg.start && prev.end <= rg.end, "{text:?}");
                prev = rg;
            }
            // (c) re-normalizing the original range of an output span gives a text that
            // contains the span (trimmed of spaces, which depend on the neighbours).
            let mut bounds: Vec<usize> = slow.char_indices().map(|(i, _)| i).collect();
            bounds.push(slow.len());
            for _ in 0..4.min(bounds.len() - 1) {
                let i = r.next() % (bounds.len() - 1);
                let (a, b) = (bounds[i], bounds[i + 1 + r.next() % (bounds.len() - 1 - i)]);
                let again = n.normalize(&text[map.original_range(a, b)]);
                let want = slow[a..b].trim_matches(' ');
                assert!(
                    again.contains(want),
                    "{text:?} {a}..{b}: {again:?} vs {want:?}"
                );
            }
            // (d) idempotence with all rules on, for realistic text.
            if round % 2 == 0 {
                let once = all.normalize(&text);
                assert_eq!(all.normalize(&once), once, "{text:?}");
            }
        }
    }

    #[test]
    fn normalizer_is_shareable() {
        fn check<T: Send + Sync + Clone>(_: &T) {}
        check(&Normalizer::new(NormalizeOptions::default()));
    }
}
