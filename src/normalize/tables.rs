//! Lookup tables of one set of options: each character's [`Entry`] for the pages that
//! news text uses, and for code points below U+0800 a fast-path word that the ASCII and
//! two-byte loops apply without branching on the rules.
//!
//! Guarantees: every table entry is exactly what `make_entry` gives for that character and
//! those options; characters outside the tables are left to the caller.

use super::options::{NormalizeOptions, Rule};
use super::rules::{Act, Entry, make_entry};

/// Pages (code point >> 8) with precomputed entries: Latin … Thaana (incl. Arabic), Indic
/// scripts and Thai, Vietnamese and Greek extended, punctuation and letterlike symbols, CJK
/// punctuation and kana, presentation forms / BOM, fullwidth forms. Other chars are looked
/// up on the fly ([`is_plain`](super::rules::is_plain) ones cheaply, the rest slowly).
pub(super) const PAGES: [u8; 21] = [
    0, 1, 2, 3, 4, 5, 6, 7, 9, 0xA, 0xB, 0xC, 0xD, 0xE, 0x1E, 0x1F, 0x20, 0x21, 0x30, 0xFE, 0xFF,
];
pub(super) const NO_PAGE: u8 = u8::MAX;

// Fast-path word of a code point below U+0800 (one- or two-byte UTF-8): bits 0–15 hold the
// UTF-8 output (up to two bytes), bits 30–31 its length, bits 20–27 the ccc, plus flags.
pub(super) const F_SP: u32 = 1 << 16; // output is a collapsible space
pub(super) const F_FAST: u32 = 1 << 17; // NFKC-stable starter whose output fits the word
pub(super) const F_RUN: u32 = 1 << 18; // F_FAST and not F_SP
pub(super) const F_MARK: u32 = 1 << 19; // non-starter passing the quick check, kept or removed
pub(super) const F_KEEP_SP: u32 = 1 << 29; // removed: the "ends with a space" state is unchanged
pub(super) const LEN_SHIFT: u32 = 30;

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
pub(super) struct Tables {
    pub(super) small: Box<[u32; 0x800]>,
    pub(super) page_of: [u8; 256],
    pub(super) entries: Box<[Entry]>,
}

impl Tables {
    pub(super) fn new(o: NormalizeOptions) -> Self {
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
