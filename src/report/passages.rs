//! Writing `shared.jsonl` and `boilerplate.jsonl`.
//!
//! Passages are found on words; their text and enclosing sentences come from
//! [`Snippets`], one more read of the documents that have any, which
//! collects only the spans needed, never whole texts.
//!
//! `shared.jsonl`, one passage per line, sorted by the input order of `a`,
//! then `b`, then the passage's start in `a`:
//!
//! ```json
//! {"a":{"id":"x","outlet":"wire","start":120,"end":388,"text":"...","sentence_start":101,"sentence_end":390},
//!  "b":{"id":"y","outlet":"daily","start":0,"end":270,"text":"...","sentence_start":0,"sentence_end":270},
//!  "words":41,"similarity":0.9535,"kind":"reuse","match":"exact","first":"a"}
//! ```
//!
//! `start`/`end` are byte offsets into the document's original text (for a
//! text file: its content after a UTF-8 byte-order mark), `text` is that span,
//! `sentence_*` the offsets of the sentences enclosing its start and end;
//! `words` is the number of matched words (words found in both spans, in any
//! order), `similarity` the matched words over the longer side's span;
//! `kind` says what the shared text is: `reuse` (copy, reworded or not),
//! `quote` (inside quotation marks on both sides: public words both quote),
//! or `template` (mostly wording that recurs day after day across many
//! near-duplicate clusters: a formula with changed slots, a running story's
//! background); `match` says how the text was reused: `exact` (word for word, in order,
//! small edits aside), `reordered` (the same words in another order) or
//! `rewritten` (many words replaced, dropped or added); `first` says which side was published first
//! (`null` if either is undated or both have the same date).
//!
//! `boilerplate.jsonl`, per outlet (outlets by name, `null` for the pool of
//! documents without an outlet), sentences by how often they recur:
//! `{"outlet":"daily","text":"Related articles","documents":412,"share":0.93}`
//! (`documents` counts near-duplicate clusters of the outlet, `share` is
//! their share of the outlet's clusters).

use std::ops::Range;

use serde::Serialize;

use crate::document::{DocId, NONE};
use crate::error::Result;
use crate::passages::snippets::{Snippet, Snippets, byte_span};
use crate::passages::{Boilerplate, Passages};
use crate::signed::SignedDocs;
use std::borrow::Cow;

use super::{AtomicFile, round4, write_line, write_lines_par};

#[derive(Serialize)]
struct SideLine<'a> {
    id: &'a str,
    outlet: Option<&'a str>,
    start: usize,
    end: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<Cow<'a, str>>,
    sentence_start: usize,
    sentence_end: usize,
}

#[derive(Serialize)]
struct SharedLine<'a> {
    a: SideLine<'a>,
    b: SideLine<'a>,
    words: u32,
    similarity: f64,
    kind: &'static str,
    #[serde(rename = "match")]
    matched: &'static str,
    first: Option<&'a str>,
}

/// Which side of a pair was published first, if both are dated differently.
pub fn first_side(signed: &SignedDocs<'_>, a: DocId, b: DocId) -> Option<&'static str> {
    match (signed.docs.date(a), signed.docs.date(b)) {
        (Some(x), Some(y)) if x < y => Some("a"),
        (Some(x), Some(y)) if x > y => Some("b"),
        _ => None,
    }
}

fn side_line<'a>(
    signed: &SignedDocs<'a>,
    d: DocId,
    span: &Range<usize>,
    t: Snippet<'a>,
    with_text: bool,
) -> SideLine<'a> {
    SideLine {
        id: signed.docs.id(d),
        outlet: signed.docs.outlet(d),
        start: span.start,
        end: span.end,
        text: with_text.then_some(t.text),
        sentence_start: t.sentence_start,
        sentence_end: t.sentence_end,
    }
}

/// Writes `shared.jsonl`; without the passages' `text` when the snippets
/// did not keep it.
pub fn write_shared(
    signed: &SignedDocs<'_>,
    passages: &Passages,
    snippets: &Snippets,
    out: &mut AtomicFile,
) -> Result<()> {
    write_lines_par(out, &passages.passages, |i, p| {
        let (da, db) = (signed.doc(p.a), signed.doc(p.b));
        let (sa, sb) = (byte_span(&p.a_span), byte_span(&p.b_span));
        let (ta, tb) = (snippets.side(i, false)?, snippets.side(i, true)?);
        let text = snippets.with_text;
        Ok(SharedLine {
            a: side_line(signed, da, &sa, ta, text),
            b: side_line(signed, db, &sb, tb, text),
            words: p.words,
            similarity: round4(f64::from(p.similarity)),
            kind: p.text.name(),
            matched: p.kind.name(),
            first: first_side(signed, da, db),
        })
    })
}

#[derive(Serialize)]
struct BoilerplateLine<'a> {
    outlet: Option<&'a str>,
    text: Cow<'a, str>,
    documents: u32,
    share: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    slot: Option<crate::passages::boilerplate::Slot>,
}

/// Writes `boilerplate.jsonl`.
pub fn write_boilerplate(
    signed: &SignedDocs<'_>,
    passages: &Passages,
    snippets: &Snippets,
    out: &mut AtomicFile,
) -> Result<()> {
    let names = signed.docs.outlet_names();
    let name = |b: &Boilerplate| (b.outlet != NONE).then(|| names[b.outlet as usize].as_str());
    let mut list: Vec<(usize, &Boilerplate)> = passages.boilerplate.iter().enumerate().collect();
    list.sort_by(|(_, x), (_, y)| {
        name(x)
            .cmp(&name(y))
            .then(y.clusters.cmp(&x.clusters))
            .then((x.example.0, x.example.1.start).cmp(&(y.example.0, y.example.1.start)))
    });
    for (j, b) in list {
        let text = snippets.example(j)?.text;
        write_line(
            out,
            &BoilerplateLine {
                outlet: name(b),
                text,
                documents: b.clusters,
                share: round4(f64::from(b.clusters) / f64::from(b.outlet_clusters.max(1))),
                slot: b.slot,
            },
        )?;
    }
    Ok(())
}
