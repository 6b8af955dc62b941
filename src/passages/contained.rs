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

use super::{Passages, SharedPassage, TextKind, covered_len};
use crate::document::Row;

/// Share of the shorter document's words (outside boilerplate) that shared
/// passages must cover.
pub const COVERAGE: f64 = 0.8;
/// Fewest covered words: shorter documents are too little text to call a
/// copy of another on passages.
pub const MIN_WORDS: u32 = 25;
/// A document that contains this many unrelated shorter ones (groups that
/// share no passage with each other) is a compilation — a digest, a
/// roundup — not a copy of any of them: none of its pairs is kept.
pub const COMPILATION: usize = 2;

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
    /// The shorter document (`a` or `b`).
    pub short: Row,
}

/// The contained copies among the pairs of `passages`; `reuse` is
/// [`Passages::reuse_pairs`].
pub fn find(passages: &Passages, reuse: &[(Row, Row)]) -> Vec<Contained> {
    let own_words = &passages.own_words;
    let mut out = Vec::new();
    let kept: Vec<&SharedPassage> = passages
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
                short: if short_is_a { a } else { b },
            });
        }
    }
    let linked = |x: Row, y: Row| reuse.binary_search(&(x.min(y), x.max(y))).is_ok();
    without_compilations(out, linked)
}

/// Drops every pair whose longer document contains [`COMPILATION`] or more
/// groups of shorter ones that are not `linked` (share no passage) to each
/// other.
fn without_compilations(
    pairs: Vec<Contained>,
    linked: impl Fn(Row, Row) -> bool,
) -> Vec<Contained> {
    let long = |c: &Contained| if c.short == c.a { c.b } else { c.a };
    let mut by_long: Vec<(Row, Row)> = pairs.iter().map(|c| (long(c), c.short)).collect();
    by_long.sort_unstable();
    let mut compilations = Vec::new();
    for group in by_long.chunk_by(|x, y| x.0 == y.0) {
        if group.len() < COMPILATION {
            continue;
        }
        // Groups of the contained documents linked by shared passages.
        let shorts: Vec<Row> = group.iter().map(|g| g.1).collect();
        let mut uf = crate::cluster::UnionFind::new(shorts.len());
        for i in 0..shorts.len() {
            for j in i + 1..shorts.len() {
                if linked(shorts[i], shorts[j]) {
                    uf.union(i as u32, j as u32);
                }
            }
        }
        let groups = (0..shorts.len() as u32)
            .filter(|&i| uf.find(i) == i)
            .count();
        if groups >= COMPILATION {
            compilations.push(group[0].0);
        }
    }
    pairs
        .into_iter()
        .filter(|c| compilations.binary_search(&long(c)).is_err())
        .collect()
}

/// Number of positions in the union of half-open `spans` (sorted here).
fn union_len(spans: &mut [(u32, u32)]) -> u32 {
    spans.sort_unstable();
    covered_len(spans.iter().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contained(long: u32, short: u32) -> Contained {
        Contained {
            a: Row(long.min(short)),
            b: Row(long.max(short)),
            coverage: 0.9,
            short: Row(short),
        }
    }

    #[test]
    fn a_document_holding_unrelated_items_is_a_compilation() {
        // 0 holds 1, 2 and 3, which share nothing: a digest. 10 holds 11,
        // 12 and 13, trimmed copies of one story that share its lead.
        let pairs = vec![
            contained(0, 1),
            contained(0, 2),
            contained(0, 3),
            contained(10, 11),
            contained(10, 12),
            contained(10, 13),
            contained(20, 21),
        ];
        let linked = |x: Row, y: Row| x.0 >= 11 && y.0 >= 11 && x.0 <= 13 && y.0 <= 13;
        let kept = without_compilations(pairs, linked);
        let longs: Vec<u32> = kept.iter().map(|c| c.a.0.min(c.b.0)).collect();
        assert_eq!(longs, [10, 10, 10, 20]);
    }

    #[test]
    fn overlapping_spans_count_once() {
        assert_eq!(union_len(&mut [(5, 10), (0, 3), (8, 12)]), 10);
        assert_eq!(union_len(&mut []), 0);
        assert_eq!(union_len(&mut [(0, 4), (0, 4)]), 4);
    }
}
