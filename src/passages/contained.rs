//! Contained copies: a document whose text (but for its outlet's
//! boilerplate) lies almost wholly inside shared passages with one longer
//! document is a trimmed or re-furnished republication of it.
//!
//! Character-shingle Jaccard cannot see such a copy when it is much shorter
//! than the original (a two-paragraph brief cut from a wire story has a
//! Jaccard of 0.1 with it), and banding cannot find it cheaply; the passage
//! stage already has, for every pair sharing text, where that text is. Here
//! a pair is a contained copy when the passages of reused or quoted text (not
//! a template's fixed wording) cover at least [`COVERAGE`] of the shorter
//! document's words outside its boilerplate, and at least [`MIN_WORDS`] of
//! them. A passage covers the words its two sides share (a rewritten
//! stretch inside it does not count), at most its span. Guarantees: the pairs depend only on the passages and the masks,
//! sorted by `(a, b)`, one per pair of rows.

use super::{Passages, TextKind};
use crate::document::Row;

/// Share of the shorter document's words (outside boilerplate) that shared
/// passages must cover.
pub const COVERAGE: f64 = 0.8;
/// Fewest covered words: shorter documents are too little text to call a
/// copy of another on passages.
pub const MIN_WORDS: u32 = 25;

/// A contained copy: rows `a < b`, and the share of the shorter one's words
/// that the passages cover.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Contained {
    /// The earlier row.
    pub a: Row,
    /// The later row.
    pub b: Row,
    /// Covered share of the shorter document's words.
    pub coverage: f32,
}

/// The contained copies among the pairs of `passages`; `own_words[r]` is the
/// number of words of row `r` outside its boilerplate.
pub fn find(passages: &Passages, own_words: &[u32]) -> Vec<Contained> {
    let mut out = Vec::new();
    let kept: Vec<_> = passages
        .passages
        .iter()
        .filter(|p| p.text != TextKind::Template)
        .collect();
    for group in kept.chunk_by(|x, y| (x.a, x.b) == (y.a, y.b)) {
        let (a, b) = (group[0].a, group[0].b);
        let (wa, wb) = (own_words[a.index()], own_words[b.index()]);
        let short_is_a = (wa, a) <= (wb, b);
        let mut spans: Vec<(u32, u32)> = group
            .iter()
            .map(|p| {
                let s = if short_is_a { &p.a_words } else { &p.b_words };
                (s.start, s.end)
            })
            .collect();
        // Words shared within the passages (a span's replaced words do not
        // count), never more than the spans cover.
        let shared: u32 = group.iter().map(|p| p.words).sum();
        let covered = union_len(&mut spans).min(shared);
        let own = if short_is_a { wa } else { wb };
        if covered < MIN_WORDS || own == 0 {
            continue;
        }
        let coverage = (f64::from(covered) / f64::from(own)).min(1.0);
        if coverage >= COVERAGE {
            out.push(Contained {
                a,
                b,
                coverage: coverage as f32,
            });
        }
    }
    out
}

/// Number of positions in the union of half-open `spans` (sorted here).
fn union_len(spans: &mut [(u32, u32)]) -> u32 {
    spans.sort_unstable();
    let mut total = 0;
    let mut end = 0;
    for &(s, e) in spans.iter() {
        let s = s.max(end);
        if e > s {
            total += e - s;
            end = e;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_spans_count_once() {
        assert_eq!(union_len(&mut [(5, 10), (0, 3), (8, 12)]), 10);
        assert_eq!(union_len(&mut []), 0);
        assert_eq!(union_len(&mut [(0, 4), (0, 4)]), 4);
    }
}
