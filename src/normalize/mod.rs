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
//!
//! # Layout
//!
//! The public items are re-exported here; the submodules are private.
//!
//! - `options`: [`Rule`] and [`NormalizeOptions`], the switches and their command-line
//!   syntax;
//! - `rules`: what rules 2–12 do with one character, and its NFKC facts;
//! - `tables`: those answers precomputed per code-point page for one set of options;
//! - `sink`: the output cursor that emits, collapses spaces, records offsets and rolls
//!   back a segment;
//! - `fast`: the fast paths over runs of one- and two-byte characters;
//! - `normalizer`: [`Normalizer`], which drives them over a text;
//! - `offsets`: [`OffsetMap`], from output bytes back to the original text.

mod fast;
mod normalizer;
mod offsets;
mod options;
mod rules;
mod sink;
mod tables;

#[cfg(test)]
mod tests;

pub use normalizer::Normalizer;
pub use offsets::OffsetMap;
pub use options::{NormalizeOptions, Rule};
