//! The original text of what the passage stage found.
//!
//! Passages and boilerplate are found on words ([`super::tokens`] keeps
//! about 7 bytes a word, no text). Their text, and the sentences around them, come
//! from one more read of the documents ([`Snippets::collect`]), which keeps
//! only the spans needed, every title, and the whole texts of the documents
//! the HTML report embeds: memory grows with what is shown, not with the
//! corpus.

use std::ops::Range;

use ahash::AHashMap;

use super::Passages;
use super::sentences::{enclosing, sentences};
use crate::document::Row;
use crate::error::Result;
use crate::signed::Texts;

/// A piece of an original text and the sentences around it.
#[derive(Clone, Debug, Default)]
pub struct Snippet {
    /// The text of the span.
    pub text: String,
    /// Start of the sentence containing the span's start.
    pub sentence_start: usize,
    /// End of the sentence containing the span's end.
    pub sentence_end: usize,
}

/// What the writers need of the original texts, read in one more pass:
/// spans by `(row, start, end)`, every signed document's title, and the whole
/// text of the documents the HTML report embeds.
#[derive(Debug, Default)]
pub struct Snippets {
    map: AHashMap<(Row, usize, usize), Snippet>,
    /// Title of every signed document, by signature row ([`Row::index`]).
    pub titles: Vec<Option<String>>,
    /// Whole texts of the embedded documents, by signature [`Row`].
    pub texts: AHashMap<Row, String>,
}

impl Snippets {
    /// Reads the `rows` signed documents again and collects the `wanted`
    /// spans, all titles and the texts of the rows `embed` selects.
    pub fn collect(
        texts: &impl Texts,
        rows: usize,
        mut wanted: Vec<(Row, Range<usize>)>,
        embed: &(dyn Fn(Row) -> bool + Sync),
    ) -> Result<Snippets> {
        wanted.sort_by_key(|(r, s)| (*r, s.start, s.end));
        wanted.dedup();
        let wanted_rows: Vec<Row> = wanted.iter().map(|w| w.0).collect();
        let spans_of = |row: Row| {
            let lo = wanted_rows.partition_point(|&r| r < row);
            let hi = wanted_rows.partition_point(|&r| r <= row);
            &wanted[lo..hi]
        };
        let mut map = AHashMap::new();
        let mut titles = vec![None; rows];
        let mut whole_texts = AHashMap::new();
        texts.map_texts(
            |_| true,
            || (),
            |_, row, text, title| {
                let title = title.map(str::to_string);
                let whole = embed(row).then(|| text.to_string());
                let sents = sentences(text);
                let spans = spans_of(row)
                    .iter()
                    .map(|(_, span)| {
                        let span = span.start.min(text.len())..span.end.min(text.len());
                        let s0 = enclosing(&sents, span.start)
                            .map_or(span.start, |s| s.start.min(span.start));
                        let s1 = enclosing(&sents, span.end.saturating_sub(1))
                            .map_or(span.end, |s| s.end.max(span.end));
                        (
                            (row, span.start, span.end),
                            Snippet {
                                text: text.get(span.clone()).unwrap_or_default().to_string(),
                                sentence_start: s0,
                                sentence_end: s1,
                            },
                        )
                    })
                    .collect::<Vec<_>>();
                (row, title, whole, spans)
            },
            |_, (row, title, whole, spans)| {
                titles[row.index()] = title;
                if let Some(t) = whole {
                    whole_texts.insert(row, t);
                }
                map.extend(spans);
                Ok(())
            },
        )?;
        Ok(Snippets {
            map,
            titles,
            texts: whole_texts,
        })
    }

    /// The snippet of `row`'s span, if collected.
    pub fn get(&self, row: Row, span: &Range<usize>) -> Option<&Snippet> {
        self.map.get(&(row, span.start, span.end))
    }
}

/// A byte range as `usize`s.
pub fn byte_span(span: &Range<u32>) -> Range<usize> {
    span.start as usize..span.end as usize
}

/// The spans every writer needs, by signature [`Row`].
pub fn wanted_spans(passages: &Passages) -> Vec<(Row, Range<usize>)> {
    let mut out = Vec::new();
    for p in &passages.passages {
        out.push((p.a, byte_span(&p.a_span)));
        out.push((p.b, byte_span(&p.b_span)));
    }
    for b in &passages.boilerplate {
        out.push((b.example.0, byte_span(&b.example.1)));
    }
    out
}
