//! Writing `shared.jsonl` and `boilerplate.jsonl`.
//!
//! Passages are found on words; their text and enclosing sentences come from
//! one more read of the documents that have any, which collects only the
//! spans needed ([`Snippets`]), never whole texts.
//!
//! `shared.jsonl`, one passage per line, sorted by the input order of `a`,
//! then `b`, then the passage's start in `a`:
//!
//! ```json
//! {"a":{"id":"x","outlet":"wire","start":120,"end":388,"text":"...","sentence_start":101,"sentence_end":390},
//!  "b":{"id":"y","outlet":"daily","start":0,"end":270,"text":"...","sentence_start":0,"sentence_end":270},
//!  "words":41,"similarity":0.9535,"first":"a"}
//! ```
//!
//! `start`/`end` are byte offsets into the document's original text (for a
//! text file: its content after a UTF-8 byte-order mark), `text` is that span,
//! `sentence_*` the offsets of the sentences enclosing its start and end;
//! `words` is the number of matched words, `similarity` the matched words
//! over the longer side's span; `first` says which side was published first
//! (`null` if either is undated or both have the same date).
//!
//! `boilerplate.jsonl`, per outlet (outlets by name, `null` for the pool of
//! documents without an outlet), sentences by how often they recur:
//! `{"outlet":"daily","text":"Related articles","documents":412,"share":0.93}`
//! (`documents` counts near-duplicate clusters of the outlet, `share` is
//! their share of the outlet's clusters).

use std::ops::Range;

use ahash::AHashMap;
use serde::Serialize;

use crate::config::Config;
use crate::document::{DocId, NONE};
use crate::error::Result;
use crate::passages::sentences::{enclosing, sentences};
use crate::passages::{Boilerplate, Passages};
use crate::pipeline::Corpus;

use super::{AtomicFile, round4, write_line};

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
    map: AHashMap<(u32, usize, usize), Snippet>,
    /// Title of every signed document, by row.
    pub titles: Vec<Option<String>>,
    /// Whole texts of the embedded documents, by row.
    pub texts: AHashMap<u32, String>,
}

impl Snippets {
    /// Reads the documents again and collects the `wanted` spans, all titles
    /// and the texts of the rows `embed` selects.
    pub fn collect(
        corpus: &Corpus,
        config: &Config,
        mut wanted: Vec<(u32, Range<usize>)>,
        embed: &(dyn Fn(u32) -> bool + Sync),
    ) -> Result<Snippets> {
        wanted.sort_by_key(|(r, s)| (*r, s.start, s.end));
        wanted.dedup();
        let rows: Vec<u32> = wanted.iter().map(|w| w.0).collect();
        let spans_of = |row: u32| {
            let lo = rows.partition_point(|&r| r < row);
            let hi = rows.partition_point(|&r| r <= row);
            &wanted[lo..hi]
        };
        let mut map = AHashMap::new();
        let mut titles = vec![None; corpus.sigs.len()];
        let mut texts = AHashMap::new();
        corpus.map_texts(
            config,
            |_| true,
            || (),
            |_, d, text, title| {
                let row = corpus.docs.sig_row(d).unwrap_or(0);
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
                titles[row as usize] = title;
                if let Some(t) = whole {
                    texts.insert(row, t);
                }
                map.extend(spans);
                Ok(())
            },
        )?;
        Ok(Snippets { map, titles, texts })
    }

    /// The snippet of `row`'s span, if collected.
    pub fn get(&self, row: u32, span: &Range<usize>) -> Option<&Snippet> {
        self.map.get(&(row, span.start, span.end))
    }
}

/// Original byte range of a passage side (global word range).
pub fn byte_span(passages: &Passages, words: &Range<u32>) -> Range<usize> {
    let w = &passages.words;
    w.span(words.start).start..w.span(words.end - 1).end
}

/// The spans every writer needs.
pub fn wanted_spans(passages: &Passages) -> Vec<(u32, Range<usize>)> {
    let mut out = Vec::new();
    for p in &passages.passages {
        out.push((p.a, byte_span(passages, &p.a_words)));
        out.push((p.b, byte_span(passages, &p.b_words)));
    }
    for b in &passages.boilerplate {
        out.push((b.example.0, byte_span(passages, &b.example.1)));
    }
    out
}

#[derive(Serialize)]
struct SideLine<'a> {
    id: &'a str,
    outlet: Option<&'a str>,
    start: usize,
    end: usize,
    text: &'a str,
    sentence_start: usize,
    sentence_end: usize,
}

#[derive(Serialize)]
struct SharedLine<'a> {
    a: SideLine<'a>,
    b: SideLine<'a>,
    words: u32,
    similarity: f64,
    first: Option<&'a str>,
}

/// Which side of a pair was published first, if both are dated differently.
pub fn first_side(corpus: &Corpus, a: DocId, b: DocId) -> Option<&'static str> {
    match (corpus.docs.date(a), corpus.docs.date(b)) {
        (Some(x), Some(y)) if x < y => Some("a"),
        (Some(x), Some(y)) if x > y => Some("b"),
        _ => None,
    }
}

fn side_line<'a>(
    corpus: &'a Corpus,
    d: DocId,
    span: &Range<usize>,
    t: &'a Snippet,
) -> SideLine<'a> {
    SideLine {
        id: corpus.docs.id(d),
        outlet: corpus.docs.outlet(d),
        start: span.start,
        end: span.end,
        text: &t.text,
        sentence_start: t.sentence_start,
        sentence_end: t.sentence_end,
    }
}

/// Writes `shared.jsonl`.
pub fn write_shared(
    corpus: &Corpus,
    passages: &Passages,
    snippets: &Snippets,
    out: &mut AtomicFile,
) -> Result<()> {
    let empty = Snippet::default();
    for p in &passages.passages {
        let (da, db) = (corpus.doc_of_row(p.a), corpus.doc_of_row(p.b));
        let (sa, sb) = (
            byte_span(passages, &p.a_words),
            byte_span(passages, &p.b_words),
        );
        let (ta, tb) = (
            snippets.get(p.a, &sa).unwrap_or(&empty),
            snippets.get(p.b, &sb).unwrap_or(&empty),
        );
        let line = SharedLine {
            a: side_line(corpus, da, &sa, ta),
            b: side_line(corpus, db, &sb, tb),
            words: p.words,
            similarity: round4(f64::from(p.similarity)),
            first: first_side(corpus, da, db),
        };
        write_line(out, &line)?;
    }
    Ok(())
}

#[derive(Serialize)]
struct BoilerplateLine<'a> {
    outlet: Option<&'a str>,
    text: &'a str,
    documents: u32,
    share: f64,
}

/// Writes `boilerplate.jsonl`.
pub fn write_boilerplate(
    corpus: &Corpus,
    passages: &Passages,
    snippets: &Snippets,
    out: &mut AtomicFile,
) -> Result<()> {
    let names = corpus.docs.outlet_names();
    let name = |b: &Boilerplate| (b.outlet != NONE).then(|| names[b.outlet as usize].as_str());
    let mut list: Vec<&Boilerplate> = passages.boilerplate.iter().collect();
    list.sort_by(|x, y| {
        name(x)
            .cmp(&name(y))
            .then(y.clusters.cmp(&x.clusters))
            .then((x.example.0, x.example.1.start).cmp(&(y.example.0, y.example.1.start)))
    });
    for b in list {
        let span = byte_span(passages, &b.example.1);
        let text = snippets
            .get(b.example.0, &span)
            .map_or("", |s| s.text.as_str());
        write_line(
            out,
            &BoilerplateLine {
                outlet: name(b),
                text,
                documents: b.clusters,
                share: round4(f64::from(b.clusters) / f64::from(b.outlet_clusters.max(1))),
            },
        )?;
    }
    Ok(())
}
