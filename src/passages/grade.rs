//! How a group of matched pieces became a passage: whether it counts, how it
//! matched, and how much of it matched.
//!
//! The evidence needed grows as the overlap gets looser:
//!
//! - an exact run of [`PassageParams::min_words`] words that are not stock is
//!   enough on its own, whatever else the passage holds;
//! - without one, a passage whose words are nearly all on the other side, in
//!   another order (at least [`PassageParams::reordered_share`] of the shorter
//!   side: an aside added on one side does not make it a rewrite), needs
//!   [`PassageParams::reordered_words`] shared content words;
//! - a looser one needs [`PassageParams::rewritten_words`] shared content
//!   words, [`PassageParams::rewritten_share`] of its words matched and
//!   [`PassageParams::rewritten_sentences`] matched sentences.
//!
//! Matches looser than [`PassageParams::loosest`] are dropped. The match is
//! `exact` when at least [`EXACT_ORDERED`] of the matched words
//! lie in exact runs that keep their order on both sides (the longest chain of
//! runs increasing in both documents); `reordered` when the words are there
//! but not in order; `rewritten` when many are not there at all.

use ahash::AHashMap;

pub use crate::config::Match;
use crate::config::PassageParams;

use super::pair::{Run, Side};

/// Least share of the matched words in ordered exact runs of an `exact` match.
pub const EXACT_ORDERED: f64 = 0.8;
/// A match of fewer words than this is short: it must be exact (see
/// [`super::align`]).
pub const SHORT: u32 = 16;

/// The grade of a group: how it matched, its matched words (shared by both
/// sides' spans, in any order, boilerplate excluded) and their share of the
/// longer span.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Grade {
    /// How it matched.
    pub kind: Match,
    /// Matched words.
    pub words: u32,
    /// Matched words over the longer side's span.
    pub similarity: f32,
}

/// What a group holds: its exact runs, its number of matched sentences and
/// its spans on both sides.
pub struct Group<'g> {
    /// Exact runs.
    pub runs: &'g [Run],
    /// Matched sentence pairs.
    pub sentences: u32,
    /// Span in A.
    pub a: std::ops::Range<u32>,
    /// Span in B.
    pub b: std::ops::Range<u32>,
}

/// Non-stock words of a run (the fewer of the two sides).
pub fn counted(a: &Side<'_>, b: &Side<'_>, r: &Run) -> u32 {
    let ca = (r.a..r.a + r.len).filter(|&i| !a.stock[i as usize]).count();
    let cb = (r.b..r.b + r.len).filter(|&j| !b.stock[j as usize]).count();
    ca.min(cb) as u32
}

/// Grades group `g` of A and B; `None` when its evidence is too weak.
pub fn grade(a: &Side<'_>, b: &Side<'_>, g: &Group<'_>, p: &PassageParams) -> Option<Grade> {
    let (words, content) = bag_overlap(a, b, g);
    let longer = g.a.len().max(g.b.len()).max(1);
    let shorter = g.a.len().min(g.b.len()).max(1);
    let share = f64::from(words) / longer as f64;
    let ordered = ordered_words(g.runs);
    let kind = if f64::from(ordered) >= EXACT_ORDERED * f64::from(words) {
        Match::Exact
    } else if f64::from(words) >= p.reordered_share * shorter as f64 {
        Match::Reordered
    } else {
        Match::Rewritten
    };
    let exact_evidence = g.runs.iter().any(|r| counted(a, b, r) >= p.min_words);
    let enough = exact_evidence
        || match kind {
            Match::Exact => false,
            Match::Reordered => content >= p.reordered_words,
            Match::Rewritten => {
                content >= p.rewritten_words
                    && share >= p.rewritten_share
                    && g.sentences >= p.rewritten_sentences
            }
        };
    (enough && kind <= p.loosest).then_some(Grade {
        kind,
        words,
        similarity: share as f32,
    })
}

/// Words of A's span also in B's span (as multisets, boilerplate excluded),
/// and how many of them are content words that are not stock.
fn bag_overlap(a: &Side<'_>, b: &Side<'_>, g: &Group<'_>) -> (u32, u32) {
    let mut left: AHashMap<u32, u32> = AHashMap::new();
    for i in g.a.clone().map(|i| i as usize) {
        if !a.masked[i] {
            *left.entry(a.hashes[i]).or_default() += 1;
        }
    }
    let (mut words, mut content) = (0, 0);
    for j in g.b.clone().map(|j| j as usize) {
        if b.masked[j] {
            continue;
        }
        if let Some(n) = left.get_mut(&b.hashes[j])
            && *n > 0
        {
            *n -= 1;
            words += 1;
            if b.content[j] && !b.stock[j] {
                content += 1;
            }
        }
    }
    (words, content)
}

/// The words of the longest chain of runs that increase in both documents
/// (the runs that kept their order).
fn ordered_words(runs: &[Run]) -> u32 {
    ordered_chain(runs).iter().map(|r| r.len).sum()
}

/// The longest chain (in words) of runs that increase in both documents, in
/// order.
pub fn ordered_chain(runs: &[Run]) -> Vec<Run> {
    let mut runs = runs.to_vec();
    runs.sort_unstable();
    let mut best = vec![0u32; runs.len()];
    let mut prev = vec![usize::MAX; runs.len()];
    let mut top = None;
    for x in 0..runs.len() {
        let r = runs[x];
        best[x] = r.len;
        for y in 0..x {
            let q = runs[y];
            if q.a + q.len <= r.a && q.b + q.len <= r.b && best[y] + r.len > best[x] {
                best[x] = best[y] + r.len;
                prev[x] = y;
            }
        }
        if top.is_none_or(|t: usize| best[x] > best[t]) {
            top = Some(x);
        }
    }
    let mut chain = Vec::new();
    let mut at = top.unwrap_or(usize::MAX);
    while at != usize::MAX {
        chain.push(runs[at]);
        at = prev[at];
    }
    chain.reverse();
    chain
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordered_words_follow_the_longest_increasing_chain() {
        let run = |a, b, len| Run { a, b, len };
        // In order.
        assert_eq!(ordered_words(&[run(0, 0, 5), run(6, 7, 4)]), 9);
        // Swapped: only the longer one is in order.
        assert_eq!(ordered_words(&[run(0, 10, 5), run(10, 0, 8)]), 8);
        assert_eq!(ordered_words(&[]), 0);
        assert_eq!(
            ordered_chain(&[run(6, 7, 4), run(0, 0, 5), run(1, 20, 2)]),
            [run(0, 0, 5), run(6, 7, 4)]
        );
    }
}
