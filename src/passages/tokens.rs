//! The words of every signed document, for the passage stage.
//!
//! Each document is cut into sentences ([`super::sentences`]); each sentence
//! is normalized with an offset map, so every word (a run of the normalized
//! text between spaces; in Chinese and Japanese, written without spaces, each
//! ideograph or kana) keeps the exact byte range of the original text it came
//! from. A line or full sentence is also a *unit*: the hash of its words,
//! which is what boilerplate detection counts. A document's words are
//! encoded as one record ([`DocWords::encode`]): a 32-bit hash a word, its
//! sentences, a bit a word for quotation marks, and the byte ranges as
//! varints, about 7 bytes a word and no text.

use std::ops::Range;
use std::path::Path;

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64;

use crate::blob::Blob;
use crate::document::Row;
use crate::error::Result;
use crate::minhash::mix64;
use crate::normalize::{NormalizeOptions, Normalizer, OffsetMap};
use crate::progress::{Progress, Unit as ProgressUnit};
use crate::signed::Texts;

use super::sentences::sentences;

/// A sentence of a document, as a range of its word indexes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    /// Its words (indexes local to the document).
    pub words: Range<u32>,
    /// Hash of its normalized words.
    pub hash: u64,
}

/// The words of all signed documents, by signature [`Row`], encoded one
/// record per document ([`DocWords::encode`]) in row order: in memory while
/// they fit the budget given to [`TokenStore::build`], past it in a
/// temporary file read back by position. What is kept in memory per document
/// is its record's offset, its number of words and of sentences.
#[derive(Debug)]
pub struct TokenStore {
    blob: Blob,
    /// Byte offset of each row's record; one more entry than rows.
    offsets: Vec<u64>,
    /// Words of each row.
    words: Vec<u32>,
    /// First sentence (global sentence number) of each row; one more entry
    /// than rows.
    unit_start: Vec<u32>,
    /// Total number of words.
    total_words: u64,
}

/// Words of one document, made in parallel before being stored.
#[derive(Debug, Default)]
pub struct DocWords {
    hash: Vec<u32>,
    start: Vec<u32>,
    end: Vec<u32>,
    quoted: Vec<bool>,
    units: Vec<(u32, u32, u64)>,
}

/// The words of one document as the passage stage reads them back: hashes,
/// quotation flags, sentences and (when asked for) each word's byte range in
/// the original text.
#[derive(Clone, Debug, Default)]
pub struct Tokens {
    /// Word hashes ([`word_hash`]).
    pub hashes: Vec<u32>,
    /// Per word, whether it stands inside quotation marks.
    pub quoted: Vec<bool>,
    /// Sentences, in order.
    pub units: Vec<Unit>,
    /// Per word, its original byte range `(start, end)`; empty unless read
    /// with offsets.
    pub spans: Vec<(u32, u32)>,
}

impl Tokens {
    /// Original byte range of words `words` (local, not empty).
    pub fn byte_span(&self, words: &Range<u32>) -> Range<u32> {
        self.spans[words.start as usize].0..self.spans[words.end as usize - 1].1
    }
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

impl DocWords {
    /// Number of words.
    pub fn len(&self) -> usize {
        self.hash.len()
    }

    /// Whether there are no words.
    pub fn is_empty(&self) -> bool {
        self.hash.is_empty()
    }

    /// Number of sentences.
    pub fn units(&self) -> usize {
        self.units.len()
    }

    /// Appends the record of these words to `out`: word and sentence
    /// counts, the hashes, the sentences, the quotation flags (one bit a
    /// word) and last the byte ranges (start gap and length as varints), so
    /// readers that need no offsets stop before them.
    pub fn encode(&self, out: &mut Vec<u8>) {
        let n = self.hash.len();
        out.extend_from_slice(&(n as u32).to_le_bytes());
        out.extend_from_slice(&(self.units.len() as u32).to_le_bytes());
        for &h in &self.hash {
            out.extend_from_slice(&h.to_le_bytes());
        }
        for &(a, b, h) in &self.units {
            out.extend_from_slice(&a.to_le_bytes());
            out.extend_from_slice(&b.to_le_bytes());
            out.extend_from_slice(&h.to_le_bytes());
        }
        for chunk in self.quoted.chunks(8) {
            let byte = chunk
                .iter()
                .enumerate()
                .fold(0u8, |b, (i, &q)| b | (u8::from(q) << i));
            out.push(byte);
        }
        let mut prev = 0u32;
        for (&s, &e) in self.start.iter().zip(&self.end) {
            put_varint(out, s.wrapping_sub(prev));
            put_varint(out, e - s);
            prev = e;
        }
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint(bytes: &[u8], pos: &mut usize) -> u32 {
    let mut v = 0u32;
    let mut shift = 0;
    loop {
        let b = bytes[*pos];
        *pos += 1;
        v |= u32::from(b & 0x7F) << shift;
        if b < 0x80 {
            return v;
        }
        shift += 7;
    }
}

fn le_u32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

impl Tokens {
    /// Decodes a record written by [`DocWords::encode`] into `self`
    /// (buffers reused); byte ranges too when `spans`.
    pub fn decode(&mut self, rec: &[u8], spans: bool) {
        let n = le_u32(rec, 0) as usize;
        let m = le_u32(rec, 4) as usize;
        let mut pos = 8;
        self.hashes.clear();
        self.hashes.extend(
            rec[pos..pos + 4 * n]
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])),
        );
        pos += 4 * n;
        self.units.clear();
        for u in rec[pos..pos + 16 * m].chunks_exact(16) {
            let h = u64::from_le_bytes([u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]]);
            self.units.push(Unit {
                words: le_u32(u, 0)..le_u32(u, 4),
                hash: h,
            });
        }
        pos += 16 * m;
        self.quoted.clear();
        self.quoted
            .extend((0..n).map(|i| rec[pos + i / 8] >> (i % 8) & 1 == 1));
        pos += n.div_ceil(8);
        self.spans.clear();
        if spans {
            let mut prev = 0u32;
            for _ in 0..n {
                let s = prev.wrapping_add(get_varint(rec, &mut pos));
                let e = s + get_varint(rec, &mut pos);
                self.spans.push((s, e));
                prev = e;
            }
        }
    }
}

/// Rows read at a time by [`TokenStore::map_docs`] (fewer when their
/// records pass [`BLOCK_BYTES`]).
const BLOCK_ROWS: usize = 4096;
/// Bytes of records read at a time by [`TokenStore::map_docs`].
const BLOCK_BYTES: u64 = 16 << 20;

impl TokenStore {
    /// Reads the `rows` signed documents again and keeps their words,
    /// normalized with `normalize`: in memory up to `budget` bytes of
    /// records, then in a temporary file in `dir`.
    pub fn build(
        texts: &impl Texts,
        rows: usize,
        normalize: NormalizeOptions,
        budget: u64,
        dir: &Path,
        progress: &dyn Progress,
    ) -> Result<TokenStore> {
        let normalizer = Normalizer::new(normalize);
        let mut store = TokenStore::new(budget, dir);
        progress.begin("words", Some(rows as u64), ProgressUnit::Items);
        texts.map_texts(
            |_| true,
            Scratch::default,
            |scratch, _, text, _| {
                let words = tokenize(&normalizer, text, scratch);
                let mut rec = Vec::with_capacity(words.hash.len() * 8 + 64);
                words.encode(&mut rec);
                (words.hash.len() as u32, words.units.len() as u32, rec)
            },
            |row, (n, m, rec)| {
                debug_assert_eq!(row.index() + 1, store.offsets.len());
                store.append(n, m, &rec)?;
                progress.advance(1);
                Ok(())
            },
        )?;
        progress.end();
        store.seal()?;
        Ok(store)
    }

    /// An empty store that keeps up to `budget` bytes of records in memory
    /// and moves them to a temporary file in `dir` past it.
    pub fn new(budget: u64, dir: &Path) -> TokenStore {
        TokenStore {
            blob: Blob::new(budget, dir, "neardup-words-"),
            offsets: vec![0],
            words: Vec::new(),
            unit_start: vec![0],
            total_words: 0,
        }
    }

    /// A store of no documents, kept in memory.
    pub fn empty() -> TokenStore {
        TokenStore::new(u64::MAX, &std::env::temp_dir())
    }

    /// Ends appending: a file being written is flushed and opened for reading.
    pub fn seal(&mut self) -> Result<()> {
        self.blob.seal()
    }

    /// Appends the record `rec` ([`DocWords::encode`]) of the next row,
    /// of `words` words and `units` sentences. [`TokenStore::seal`] ends the
    /// appending.
    pub fn append(&mut self, words: u32, units: u32, rec: &[u8]) -> Result<()> {
        let at = self.blob.append(rec)?;
        self.offsets.push(at + rec.len() as u64);
        self.words.push(words);
        let u = *self.unit_start.last().unwrap_or(&0);
        self.unit_start.push(u + units);
        self.total_words += u64::from(words);
        Ok(())
    }

    /// Whether the records went to a temporary file.
    pub fn spilled(&self) -> bool {
        self.blob.spilled()
    }

    /// Bytes of records written to the temporary file (0 when in memory).
    pub fn spilled_bytes(&self) -> u64 {
        self.blob.spilled_bytes()
    }

    /// Number of documents.
    pub fn docs(&self) -> usize {
        self.words.len()
    }

    /// Number of words of row `r`.
    pub fn words_in(&self, r: Row) -> u32 {
        self.words[r.index()]
    }

    /// Words of every row.
    pub fn doc_words(&self) -> &[u32] {
        &self.words
    }

    /// Global numbers of the sentences of row `r` (sentences numbered in
    /// row order, from 0).
    pub fn unit_range(&self, r: Row) -> Range<u32> {
        self.unit_start[r.index()]..self.unit_start[r.index() + 1]
    }

    /// The row of global sentence number `u`.
    pub fn row_of_unit(&self, u: u32) -> Row {
        Row(self.unit_start.partition_point(|&s| s <= u) as u32 - 1)
    }

    /// Number of sentences.
    pub fn units(&self) -> usize {
        *self.unit_start.last().unwrap_or(&0) as usize
    }

    /// Total number of words.
    pub fn len(&self) -> u64 {
        self.total_words
    }

    /// Whether there are no words.
    pub fn is_empty(&self) -> bool {
        self.total_words == 0
    }

    /// The bytes of records `rows` (consecutive) into `buf`, or borrowed
    /// when in memory.
    fn records<'a>(&'a self, rows: Range<usize>, buf: &'a mut Vec<u8>) -> Result<&'a [u8]> {
        self.blob
            .read(self.offsets[rows.start]..self.offsets[rows.end], buf)
    }

    /// Decodes row `r` into `out` (with byte ranges when `spans`); `buf` is
    /// scratch for a record read from the file.
    pub fn read(&self, r: Row, out: &mut Tokens, spans: bool, buf: &mut Vec<u8>) -> Result<()> {
        let rec = self.records(r.index()..r.index() + 1, buf)?;
        out.decode(rec, spans);
        Ok(())
    }

    /// Applies `f` to every row's words, in parallel, reading the records in
    /// blocks of consecutive rows; `sink` gets the results in row order.
    /// `init` makes per-thread state. `progress` advances by one a row.
    pub fn map_docs<S, T: Send>(
        &self,
        progress: &dyn Progress,
        spans: bool,
        init: impl Fn() -> S + Sync + Send,
        f: impl Fn(&mut S, Row, &Tokens) -> T + Sync + Send,
        mut sink: impl FnMut(Row, T) -> Result<()>,
    ) -> Result<()> {
        let mut buf = Vec::new();
        let mut lo = 0;
        while lo < self.docs() {
            let mut hi = (lo + BLOCK_ROWS).min(self.docs());
            while hi > lo + 1 && self.offsets[hi] - self.offsets[lo] > BLOCK_BYTES {
                hi = lo + (hi - lo) / 2;
            }
            let block = self.records(lo..hi, &mut buf)?;
            let base = self.offsets[lo];
            let out: Vec<T> = (lo..hi)
                .into_par_iter()
                .map_init(
                    || (init(), Tokens::default()),
                    |(state, tokens), i| {
                        let (a, b) = (self.offsets[i] - base, self.offsets[i + 1] - base);
                        tokens.decode(&block[a as usize..b as usize], spans);
                        f(state, Row(i as u32), tokens)
                    },
                )
                .collect();
            for (i, t) in out.into_iter().enumerate() {
                sink(Row((lo + i) as u32), t)?;
            }
            progress.advance((hi - lo) as u64);
            lo = hi;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::NormalizeOptions;
    use crate::progress::NoProgress;

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

    #[test]
    fn records_read_back_the_same_from_memory_and_from_the_file() {
        let n = Normalizer::new(NormalizeOptions::all());
        let texts = [
            "Hello, World! He said “we will win”.\nSecond line here.",
            "",
            "قالَ الوزيرُ: «نعم». 今天下雨abc。 Ünïcödé – text…",
        ];
        let docs: Vec<DocWords> = texts
            .iter()
            .map(|t| tokenize(&n, t, &mut Scratch::default()))
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let mut memory = TokenStore::new(u64::MAX, dir.path());
        let mut file = TokenStore::new(0, dir.path());
        let mut bytes = 0;
        for d in &docs {
            let mut rec = Vec::new();
            d.encode(&mut rec);
            bytes += rec.len() as u64;
            let (w, u) = (d.len() as u32, d.units() as u32);
            memory.append(w, u, &rec).unwrap();
            file.append(w, u, &rec).unwrap();
        }
        memory.seal().unwrap();
        file.seal().unwrap();
        assert!(!memory.spilled() && file.spilled());
        assert_eq!((file.spilled_bytes(), memory.spilled_bytes()), (bytes, 0));
        let (mut a, mut b, mut buf) = (Tokens::default(), Tokens::default(), Vec::new());
        for (r, (d, text)) in docs.iter().zip(texts).enumerate() {
            let row = Row(r as u32);
            memory.read(row, &mut a, true, &mut buf).unwrap();
            file.read(row, &mut b, true, &mut buf).unwrap();
            assert_eq!(
                (&a.hashes, &a.quoted, &a.units, &a.spans),
                (&b.hashes, &b.quoted, &b.units, &b.spans)
            );
            assert_eq!(a.hashes, d.hash);
            assert_eq!(a.quoted, d.quoted);
            let spans: Vec<(u32, u32)> =
                d.start.iter().copied().zip(d.end.iter().copied()).collect();
            assert_eq!(a.spans, spans, "{text}");
            assert_eq!(memory.words_in(row) as usize, d.len());
        }
        // Streaming gives every row once, in order, from either.
        for store in [&memory, &file] {
            let mut seen = Vec::new();
            store
                .map_docs(
                    &NoProgress,
                    false,
                    || (),
                    |_, r, t| (r, t.hashes.len()),
                    |r, x| {
                        seen.push((r, x));
                        Ok(())
                    },
                )
                .unwrap();
            let expect: Vec<(Row, (Row, usize))> = (0..3)
                .map(|r| (Row(r), (Row(r), docs[r as usize].len())))
                .collect();
            assert_eq!(seen, expect);
        }
        assert_eq!(memory.row_of_unit(0), Row(0));
        assert_eq!(memory.row_of_unit(memory.units() as u32 - 1), Row(2));
    }
}
