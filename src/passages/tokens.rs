//! The words of every signed document, for the passage stage.
//!
//! Each document is cut into sentences ([`super::sentences`]); each sentence
//! is normalized with an offset map, so every word (a run of the normalized
//! text between spaces; in Chinese and Japanese, written without spaces, each
//! ideograph or kana) keeps the exact byte range of the original text it came
//! from. A word is stored as a 32-bit hash plus its original start and
//! end: 12 bytes a word, and no text. A line or full sentence is also a
//! *unit*: the hash of its words, which is what boilerplate detection counts.

use std::ops::Range;

use xxhash_rust::xxh3::xxh3_64;

use crate::document::Row;
use crate::error::Result;
use crate::minhash::mix64;
use crate::normalize::{NormalizeOptions, Normalizer, OffsetMap};
use crate::progress::{Progress, Unit as ProgressUnit};
use crate::signed::Texts;

use super::sentences::sentences;

/// A sentence of a document, as a range of word indexes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    /// Signature row of the document.
    pub row: Row,
    /// Its words (global word indexes).
    pub words: Range<u32>,
    /// Hash of its normalized words.
    pub hash: u64,
}

/// The words of all signed documents, by signature [`Row`].
#[derive(Debug, Default)]
pub struct TokenStore {
    hash: Vec<u32>,
    start: Vec<u32>,
    end: Vec<u32>,
    /// Per word, whether it stands inside quotation marks.
    quoted: Vec<bool>,
    /// First word of each row; one more entry than rows.
    doc_start: Vec<u32>,
    /// First unit of each row; one more entry than rows.
    unit_start: Vec<u32>,
    /// Sentences, in document order.
    pub units: Vec<Unit>,
}

/// Words of one document, made in parallel before being appended.
#[derive(Debug, Default)]
pub struct DocWords {
    hash: Vec<u32>,
    start: Vec<u32>,
    end: Vec<u32>,
    quoted: Vec<bool>,
    units: Vec<(u32, u32, u64)>,
}

/// Per-thread buffers.
#[derive(Default)]
pub struct Scratch {
    norm: String,
    map: OffsetMap,
}

/// The bit of a word hash that says the word holds a digit.
pub const NUMERIC: u32 = 1 << 31;

/// Hash of a normalized word: 31 bits of hash, and [`NUMERIC`] set when the
/// word holds a digit (normalization made every digit ASCII), so later stages
/// can tell numbers (the slots of a template) from words without the text.
#[inline]
pub fn word_hash(word: &str) -> u32 {
    let h = xxh3_64(word.as_bytes()) as u32 & !NUMERIC;
    if word.bytes().any(|b| b.is_ascii_digit()) {
        h | NUMERIC
    } else {
        h
    }
}

/// Whether a word hash is of a word that holds a digit.
#[inline]
pub fn is_numeric(h: u32) -> bool {
    h & NUMERIC != 0
}

/// Whether `c` is a Han ideograph or a kana (scripts written without spaces).
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}')
}

/// Moves `end` past the combining marks, tatweel and format characters that
/// follow it: normalization removed them, but they belong to the word's last
/// letter (a span must never split a letter from its diacritics).
fn through_marks(text: &str, mut end: usize) -> usize {
    for c in text[end..].chars() {
        if unicode_normalization::char::is_combining_mark(c)
            || c == '\u{0640}'
            || matches!(
                c,
                '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
            )
        {
            end += c.len_utf8();
        } else {
            break;
        }
    }
    end
}

/// Whether the text between two words opens or closes a quotation: the
/// quotation state after `gap`, from `inside` before it. Curly and angle
/// quotes open and close; a straight double quote toggles; a line break
/// ends any quotation (an unclosed quote never runs on).
fn quote_state(mut inside: bool, gap: &str) -> bool {
    for c in gap.chars() {
        match c {
            '“' | '«' | '„' | '「' | '『' => inside = true,
            '”' | '»' | '」' | '』' => inside = false,
            '"' => inside = !inside,
            '\n' => inside = false,
            _ => {}
        }
    }
    inside
}

/// Cuts `text` into words and sentences.
pub fn tokenize(normalizer: &Normalizer, text: &str, scratch: &mut Scratch) -> DocWords {
    let mut out = DocWords::default();
    let mut inside = false;
    let mut seen = 0usize;
    let mut unit_start = 0u32;
    let mut unit = 0x5151_5151u64;
    for s in sentences(text) {
        normalizer.normalize_with_offsets(&text[s.clone()], &mut scratch.norm, &mut scratch.map);
        let norm = scratch.norm.as_str();
        let mut push = |a: usize, b: usize, out: &mut DocWords| {
            let r = scratch.map.original_range(a, b);
            let end = through_marks(text, s.start + r.end);
            let h = word_hash(&norm[a..b]);
            let begin = s.start + r.start;
            if begin >= seen {
                inside = quote_state(inside, &text[seen..begin]);
                seen = end;
            }
            out.quoted.push(inside);
            out.hash.push(h);
            out.start.push(begin as u32);
            out.end.push(end as u32);
            unit = mix64(unit ^ u64::from(h));
        };
        let mut pos = 0;
        for word in norm.split(' ') {
            let (a, b) = (pos, pos + word.len());
            pos = b + 1;
            if word.is_empty() {
                continue;
            }
            if !word.chars().any(is_cjk) {
                push(a, b, &mut out);
                continue;
            }
            // Chinese and Japanese are written without spaces: every
            // ideograph or kana is a word of its own, other runs stay whole.
            let mut run = a;
            for (i, c) in word.char_indices() {
                if is_cjk(c) {
                    if a + i > run {
                        push(run, a + i, &mut out);
                    }
                    push(a + i, a + i + c.len_utf8(), &mut out);
                    run = a + i + c.len_utf8();
                }
            }
            if b > run {
                push(run, b, &mut out);
            }
        }
        // A unit (what boilerplate counts) is a line or a sentence that ends
        // with a full stop, question or exclamation mark: clauses cut at an
        // Arabic comma or semicolon stay together.
        let weak = text[..s.end].ends_with(['،', '؛']) && !text[s.end..].starts_with(['\n', '\r']);
        let last = out.hash.len() as u32;
        if !weak {
            if last > unit_start {
                out.units.push((unit_start, last, unit));
            }
            unit_start = last;
            unit = 0x5151_5151u64;
        }
    }
    let last = out.hash.len() as u32;
    if last > unit_start {
        out.units.push((unit_start, last, unit));
    }
    out
}

impl TokenStore {
    /// Reads the `rows` signed documents again and keeps their words,
    /// normalized with `normalize`.
    pub fn build(
        texts: &impl Texts,
        rows: usize,
        normalize: NormalizeOptions,
        progress: &dyn Progress,
    ) -> Result<TokenStore> {
        let normalizer = Normalizer::new(normalize);
        let mut store = TokenStore {
            doc_start: vec![0],
            unit_start: vec![0],
            ..TokenStore::default()
        };
        progress.begin("words", Some(rows as u64), ProgressUnit::Items);
        texts.map_texts(
            |_| true,
            Scratch::default,
            |scratch, _, text, _| tokenize(&normalizer, text, scratch),
            |row, words| {
                store.push(row, words);
                progress.advance(1);
                Ok(())
            },
        )?;
        progress.end();
        Ok(store)
    }

    fn push(&mut self, row: Row, w: DocWords) {
        debug_assert_eq!(row.index() + 1, self.doc_start.len());
        let base = self.hash.len() as u32;
        self.units.extend(w.units.iter().map(|&(a, b, h)| Unit {
            row,
            words: base + a..base + b,
            hash: h,
        }));
        self.hash.extend_from_slice(&w.hash);
        self.quoted.extend_from_slice(&w.quoted);
        self.start.extend_from_slice(&w.start);
        self.end.extend_from_slice(&w.end);
        self.doc_start.push(self.hash.len() as u32);
        self.unit_start.push(self.units.len() as u32);
    }

    /// Number of documents.
    pub fn docs(&self) -> usize {
        self.doc_start.len().saturating_sub(1)
    }

    /// Global word indexes of row `r`.
    pub fn words_of(&self, r: Row) -> Range<u32> {
        self.doc_start[r.index()]..self.doc_start[r.index() + 1]
    }

    /// Global indexes of the units (sentences) of row `r`, in order.
    pub fn unit_range(&self, r: Row) -> Range<usize> {
        self.unit_start[r.index()] as usize..self.unit_start[r.index() + 1] as usize
    }

    /// The units (sentences) of row `r`, in order.
    pub fn units_of(&self, r: Row) -> &[Unit] {
        &self.units[self.unit_range(r)]
    }

    /// The word hashes of all documents (by global word index).
    pub fn all_hashes(&self) -> &[u32] {
        &self.hash
    }

    /// Word hashes of row `r`.
    pub fn hashes(&self, r: Row) -> &[u32] {
        let w = self.words_of(r);
        &self.hash[w.start as usize..w.end as usize]
    }

    /// Whether word `i` (a global index) stands inside quotation marks.
    pub fn quoted(&self, i: u32) -> bool {
        self.quoted[i as usize]
    }

    /// Original byte range of word `i` (a global index).
    pub fn span(&self, i: u32) -> Range<usize> {
        self.start[i as usize] as usize..self.end[i as usize] as usize
    }

    /// Total number of words.
    pub fn len(&self) -> usize {
        self.hash.len()
    }

    /// Whether there are no words.
    pub fn is_empty(&self) -> bool {
        self.hash.is_empty()
    }

    /// The distinct hashes of unit `u`'s words whose global index `i`
    /// passes `keep(i)`, sorted, into `out` (cleared first).
    pub fn unit_set(&self, u: usize, keep: impl Fn(usize) -> bool, out: &mut Vec<u32>) {
        let w = &self.units[u].words;
        out.clear();
        out.extend(
            (w.start as usize..w.end as usize)
                .filter(|&i| keep(i))
                .map(|i| self.hash[i]),
        );
        out.sort_unstable();
        out.dedup();
    }

    /// Heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.hash.capacity() * 13
            + self.doc_start.capacity() * 4
            + self.unit_start.capacity() * 4
            + self.units.capacity() * std::mem::size_of::<Unit>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::NormalizeOptions;

    /// The original text of every word.
    fn spans<'t>(w: &DocWords, text: &'t str) -> Vec<&'t str> {
        w.start
            .iter()
            .zip(&w.end)
            .map(|(&a, &b)| &text[a as usize..b as usize])
            .collect()
    }

    #[test]
    fn words_keep_original_offsets() {
        let n = Normalizer::new(NormalizeOptions::all());
        let text = "Hello, World! قالَ الوزيرُ: «نعم».";
        let w = tokenize(&n, text, &mut Scratch::default());
        let spans: Vec<&str> = w
            .start
            .iter()
            .zip(&w.end)
            .map(|(&a, &b)| &text[a as usize..b as usize])
            .collect();
        assert_eq!(spans, ["Hello", "World", "قالَ", "الوزيرُ", "نعم"]);
        assert_eq!(w.hash[0], word_hash("hello"));
        assert_eq!(w.hash[2], word_hash("قال"));
        // Two sentences: "Hello, World!" and the Arabic one.
        assert_eq!(w.units.len(), 2);
        assert_eq!((w.units[0].0, w.units[0].1), (0, 2));
    }

    #[test]
    fn words_know_whether_they_are_quoted() {
        let n = Normalizer::new(NormalizeOptions::all());
        let text = "He said “we will win” and «نعم» then \"ok\" end";
        let w = tokenize(&n, text, &mut Scratch::default());
        assert_eq!(
            w.quoted,
            [
                false, false, true, true, true, false, true, false, true, false
            ]
        );
    }

    #[test]
    fn cjk_characters_are_words() {
        let n = Normalizer::new(NormalizeOptions::all());
        let text = "今天下雨abc。";
        let w = tokenize(&n, text, &mut Scratch::default());
        assert_eq!(spans(&w, text), ["今", "天", "下", "雨", "abc"]);
    }

    #[test]
    fn same_sentence_same_unit_hash() {
        let n = Normalizer::new(NormalizeOptions::all());
        let a = tokenize(
            &n,
            "Related articles\nSome text here.",
            &mut Scratch::default(),
        );
        let b = tokenize(&n, "Other text.\nRELATED ARTICLES", &mut Scratch::default());
        assert_eq!(a.units[0].2, b.units[1].2);
        assert_ne!(a.units[1].2, b.units[0].2);
    }
}
