//! The original text of what the passage stage found.
//!
//! Passages and boilerplate are found on words ([`super::tokens`] keeps
//! about 7 bytes a word, no text). Their text, and the sentences around them, come
//! from one more read of the documents ([`Snippets::collect`]), in row
//! order: each span's text goes to a [`Blob`] (in memory within its budget,
//! past it in a temporary file), and what stays in memory is 24 bytes a
//! passage (where its two records are, their characters) and 8 a
//! boilerplate entry and a title, plus the whole texts of
//! the documents the HTML report embeds (at most `--report-max-docs`).
//! Memory grows with the number of passages, never with their text.

use std::borrow::Cow;
use std::ops::Range;

use ahash::AHashMap;

use super::Passages;
use super::sentences::{enclosing, sentences};
use crate::blob::Blob;
use crate::document::Row;
use crate::error::{Error, Result};
use crate::signed::Texts;

/// A piece of an original text and the sentences around it.
#[derive(Clone, Debug, Default)]
pub struct Snippet<'a> {
    /// The text of the span (empty when texts were not kept).
    pub text: Cow<'a, str>,
    /// Its characters (counted even when the text was not kept).
    pub chars: u64,
    /// Start of the sentence containing the span's start.
    pub sentence_start: usize,
    /// End of the sentence containing the span's end.
    pub sentence_end: usize,
}

/// Bytes of a span record's header: sentence start, sentence end, characters
/// and text length, four little-endian `u32`s.
const HEADER: u64 = 16;
/// Offset standing for "none" (no title, a span never collected).
const NONE: u64 = u64::MAX;

/// What the writers need of the original texts, read in one more pass: the
/// text of both sides of every passage and of every boilerplate example (by
/// their index in [`Passages`]), every signed document's title, and the
/// whole text of the documents the HTML report embeds.
#[derive(Debug)]
pub struct Snippets {
    blob: Blob,
    /// Offset of the record of each passage's `a` and `b` span.
    passages: Vec<[u64; 2]>,
    /// Characters of each passage's `a` and `b` span.
    chars: Vec<[u32; 2]>,
    /// Offset of the record of each boilerplate entry's example.
    examples: Vec<u64>,
    /// Offset of each signed row's title record (length `u32`, then the
    /// text), or [`NONE`].
    titles: Vec<u64>,
    /// Whole texts of the embedded documents, by signature [`Row`].
    pub texts: AHashMap<Row, String>,
    /// Whether span texts were kept (else their snippets have empty text).
    pub with_text: bool,
}

/// Which span a wanted entry fills: side `s` of passage `i` is `2i + s`,
/// boilerplate example `j` is `2 * passages + j`.
type Slot = u32;

impl Snippets {
    /// Reads the `rows` signed documents again and collects the text of the
    /// spans of `passages` (passages without their text unless `with_text`;
    /// sentence bounds and character counts always), all titles and the texts of the
    /// rows `embed` selects. Span texts go to `blob`.
    pub fn collect(
        texts: &impl Texts,
        rows: usize,
        passages: &Passages,
        with_text: bool,
        embed: &(dyn Fn(Row) -> bool + Sync),
        mut blob: Blob,
    ) -> Result<Snippets> {
        let wanted = wanted_spans(passages);
        let spans_of = |row: Row| {
            let lo = wanted.partition_point(|w| w.0 < row);
            let hi = wanted.partition_point(|w| w.0 <= row);
            &wanted[lo..hi]
        };
        let n = passages.passages.len();
        let examples = 2 * n as Slot;
        let mut passages_at = vec![[NONE; 2]; n];
        let mut chars = vec![[0u32; 2]; n];
        let mut examples_at = vec![NONE; passages.boilerplate.len()];
        let mut titles = vec![NONE; rows];
        let mut whole_texts = AHashMap::new();
        texts.map_texts(
            |_| true,
            || (),
            |_, row, text_of, title| {
                let whole = embed(row).then(|| text_of.to_string());
                let wanted = spans_of(row);
                let sents = if wanted.is_empty() {
                    Vec::new()
                } else {
                    sentences(text_of)
                };
                // One record a distinct span; its slots follow it.
                let mut records: Vec<(Vec<u8>, u32)> = Vec::new();
                let mut slots: Vec<(usize, Slot)> = Vec::new();
                for group in wanted.chunk_by(|x, y| x.1 == y.1) {
                    // Boilerplate examples always keep their text.
                    let text = with_text || group.iter().any(|w| w.2 >= examples);
                    records.push(span_record(text_of, &sents, group[0].1, text));
                    slots.extend(group.iter().map(|w| (records.len() - 1, w.2)));
                }
                let title = title.map(|t| {
                    let mut rec = (t.len() as u32).to_le_bytes().to_vec();
                    rec.extend_from_slice(t.as_bytes());
                    rec
                });
                (whole, title, records, slots)
            },
            |row, (whole, title, records, slots)| {
                if let Some(t) = whole {
                    whole_texts.insert(row, t);
                }
                if let Some(t) = title {
                    titles[row.index()] = blob.append(&t)?;
                }
                let mut offsets = Vec::with_capacity(records.len());
                for (r, _) in &records {
                    offsets.push(blob.append(r)?);
                }
                for (record, slot) in slots {
                    let (at, c) = (offsets[record], records[record].1);
                    match slot.checked_sub(examples) {
                        Some(j) => examples_at[j as usize] = at,
                        None => {
                            let (i, side) = (slot as usize / 2, slot as usize % 2);
                            passages_at[i][side] = at;
                            chars[i][side] = c;
                        }
                    }
                }
                Ok(())
            },
        )?;
        blob.seal()?;
        Ok(Snippets {
            blob,
            passages: passages_at,
            chars,
            examples: examples_at,
            titles,
            texts: whole_texts,
            with_text,
        })
    }

    /// Bytes of span text kept, and whether they went to a temporary file.
    pub fn text_bytes(&self) -> (u64, bool) {
        (self.blob.len(), self.blob.spilled())
    }

    /// The span of side `b` (`false`: `a`, `true`: `b`) of passage `i` of
    /// the [`Passages`] collected from.
    pub fn side(&self, i: usize, b: bool) -> Result<Snippet<'_>> {
        self.snippet(self.passages[i][usize::from(b)])
    }

    /// The characters of the `a` and `b` span of passage `i`.
    pub fn side_chars(&self, i: usize) -> [u64; 2] {
        self.chars[i].map(u64::from)
    }

    /// The example span of boilerplate entry `j`.
    pub fn example(&self, j: usize) -> Result<Snippet<'_>> {
        self.snippet(self.examples[j])
    }

    /// The title of signature row `row`, if its record has one.
    pub fn title(&self, row: Row) -> Result<Option<Cow<'_, str>>> {
        let at = self.titles[row.index()];
        if at == NONE {
            return Ok(None);
        }
        let len = u32::from_le_bytes(self.fixed(at)?) as u64;
        self.text(at + 4..at + 4 + len).map(Some)
    }

    fn snippet(&self, at: u64) -> Result<Snippet<'_>> {
        if at == NONE {
            return Ok(Snippet::default());
        }
        let h: [u8; HEADER as usize] = self.fixed(at)?;
        let word =
            |i: usize| u32::from_le_bytes([h[4 * i], h[4 * i + 1], h[4 * i + 2], h[4 * i + 3]]);
        let len = u64::from(word(3));
        Ok(Snippet {
            text: self.text(at + HEADER..at + HEADER + len)?,
            chars: u64::from(word(2)),
            sentence_start: word(0) as usize,
            sentence_end: word(1) as usize,
        })
    }

    fn fixed<const N: usize>(&self, at: u64) -> Result<[u8; N]> {
        let bytes = self.blob.get(at..at + N as u64)?;
        let mut out = [0; N];
        out.copy_from_slice(&bytes);
        Ok(out)
    }

    fn text(&self, range: Range<u64>) -> Result<Cow<'_, str>> {
        let bad = || Error::other("passage texts: a record is not UTF-8".to_string());
        Ok(match self.blob.get(range)? {
            Cow::Borrowed(b) => Cow::Borrowed(std::str::from_utf8(b).map_err(|_| bad())?),
            Cow::Owned(b) => Cow::Owned(String::from_utf8(b).map_err(|_| bad())?),
        })
    }
}

/// The record of `span` of `text` (clamped to it; empty if it cuts a
/// character): header ([`HEADER`]), then the text if `with_text`.
fn span_record(
    text: &str,
    sents: &[Range<usize>],
    span: (u32, u32),
    with_text: bool,
) -> (Vec<u8>, u32) {
    let span = (span.0 as usize).min(text.len())..(span.1 as usize).min(text.len());
    let s0 = enclosing(sents, span.start).map_or(span.start, |s| s.start.min(span.start));
    let s1 = enclosing(sents, span.end.saturating_sub(1)).map_or(span.end, |s| s.end.max(span.end));
    let piece = text.get(span).unwrap_or_default();
    let kept = if with_text { piece } else { "" };
    let chars = piece.chars().count() as u32;
    let mut rec = Vec::with_capacity(HEADER as usize + kept.len());
    for v in [s0 as u32, s1 as u32, chars, kept.len() as u32] {
        rec.extend_from_slice(&v.to_le_bytes());
    }
    rec.extend_from_slice(kept.as_bytes());
    (rec, chars)
}

/// A byte range as `usize`s.
pub fn byte_span(span: &Range<u32>) -> Range<usize> {
    span.start as usize..span.end as usize
}

/// The spans every writer needs, `(row, (start, end), slot)`, sorted.
fn wanted_spans(passages: &Passages) -> Vec<(Row, (u32, u32), Slot)> {
    let mut out = Vec::with_capacity(2 * passages.passages.len() + passages.boilerplate.len());
    for (i, p) in passages.passages.iter().enumerate() {
        let i = 2 * i as Slot;
        out.push((p.a, (p.a_span.start, p.a_span.end), i));
        out.push((p.b, (p.b_span.start, p.b_span.end), i + 1));
    }
    let base = 2 * passages.passages.len() as Slot;
    for (j, b) in passages.boilerplate.iter().enumerate() {
        let span = &b.example.1;
        out.push((b.example.0, (span.start, span.end), base + j as Slot));
    }
    out.sort_unstable();
    out
}
