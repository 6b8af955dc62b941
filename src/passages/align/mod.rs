//! Aligning two documents into shared passages.
//!
//! Two kinds of evidence are gathered, then chained into passages:
//!
//! - **Exact runs.** Every seed (a shared n-gram) is extended to a maximal
//!   run of identical words (an *anchor*). Around each anchor, shorter exact
//!   runs of at least [`PassageParams::min_run`] words are searched within
//!   [`PassageParams::gap`] words on both sides, which picks up the pieces of
//!   a sentence a desk touched: a replaced word splits a run in two, a moved
//!   clause is a run out of order, an inserted aside is a gap on one side.
//! - **Matching sentences** ([`super::sentence_pairs`]): sentences that share
//!   most of their content words in any order, which is what survives
//!   shuffled words, moved phrases and replaced vocabulary.
//!
//! Pieces that lie within `gap` words of each other in *both* documents are
//! chained (union-find, so order does not matter), then groups whose spans
//! are that close are merged, so a reused block is one passage whatever its
//! internal order. A passage spans its pieces: whole sentences where
//! sentences matched, the exact words where only runs did. [`super::grade`]
//! decides whether a group counts and how it matched: short matches (fewer
//! than [`grade::SHORT`] words) must be exact and not stock, so a short group
//! that is not exact is cut down to its runs that kept their order, and the
//! evidence needed grows as the overlap gets looser. Boilerplate words never
//! match at all.

use std::ops::Range;

use ahash::AHashMap;

use crate::config::PassageParams;

use super::grade::{self, Group, Match, counted};
use super::pair::same;
pub use super::pair::{Run, Side};
use super::sentence_pairs;

/// A passage: word ranges (local to each document) and how much matched.
#[derive(Clone, Debug, PartialEq)]
pub struct Passage {
    /// Words of A.
    pub a: Range<u32>,
    /// Words of B.
    pub b: Range<u32>,
    /// Matched words: shared by both spans, in any order.
    pub words: u32,
    /// Matched words over the longer side's span.
    pub similarity: f32,
    /// How it matched.
    pub kind: Match,
}

/// A piece of evidence: an exact run or a pair of matching sentences, as
/// spans of both documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Piece {
    a0: u32,
    a1: u32,
    b0: u32,
    b1: u32,
    /// The exact run, if it is one.
    run: Option<Run>,
}

/// Extends a match at `(i, j)` to the maximal run containing it.
fn extend(a: &Side<'_>, b: &Side<'_>, mut i: u32, mut j: u32) -> Run {
    while i > 0 && j > 0 && same(a, i - 1, b, j - 1) {
        i -= 1;
        j -= 1;
    }
    let mut len = 0;
    while i + len < a.len() && j + len < b.len() && same(a, i + len, b, j + len) {
        len += 1;
    }
    Run { a: i, b: j, len }
}

/// Distance between two intervals (0 if they touch or overlap).
fn distance(s1: u32, e1: u32, s2: u32, e2: u32) -> u32 {
    if e1 <= s2 {
        s2 - e1
    } else {
        s1.saturating_sub(e2)
    }
}

/// Exact runs of at least `min` words between `a[ra]` and `b[rb]`.
fn local_runs(
    a: &Side<'_>,
    ra: Range<u32>,
    b: &Side<'_>,
    rb: Range<u32>,
    min: u32,
    out: &mut Vec<Run>,
) {
    if ra.len() < min as usize || rb.len() < min as usize {
        return;
    }
    let mut at: AHashMap<u32, Vec<u32>> = AHashMap::new();
    for i in ra.clone() {
        if !a.masked[i as usize] {
            at.entry(a.hashes[i as usize]).or_default().push(i);
        }
    }
    for j in rb {
        if b.masked[j as usize] {
            continue;
        }
        if let Some(is) = at.get(&b.hashes[j as usize]) {
            for &i in is {
                // Only from the start of a run, so each run is found once.
                if i > 0 && j > 0 && same(a, i - 1, b, j - 1) {
                    continue;
                }
                let r = extend(a, b, i, j);
                if r.len >= min {
                    out.push(r);
                }
            }
        }
    }
}

/// The spans `(a0, a1, b0, b1)` of a group of pieces.
fn hull(g: &[Piece]) -> (u32, u32, u32, u32) {
    (
        g.iter().map(|p| p.a0).min().unwrap_or(0),
        g.iter().map(|p| p.a1).max().unwrap_or(0),
        g.iter().map(|p| p.b0).min().unwrap_or(0),
        g.iter().map(|p| p.b1).max().unwrap_or(0),
    )
}

impl From<Run> for Piece {
    fn from(r: Run) -> Piece {
        Piece {
            a0: r.a,
            a1: r.a + r.len,
            b0: r.b,
            b1: r.b + r.len,
            run: Some(r),
        }
    }
}

/// Whether two groups of spans `x` and `y` (as [`hull`]s) are pieces of one
/// reused block: within `gap` words of each other in both documents, or
/// within `gap` in one and, in the other, no farther apart than the longer of
/// the two (a block whose phrases or sentences were moved around is found as
/// pieces that are next to each other on one side and shuffled within the
/// block's length on the other).
fn one_block(x: (u32, u32, u32, u32), y: (u32, u32, u32, u32), gap: u32) -> bool {
    let da = distance(x.0, x.1, y.0, y.1);
    let db = distance(x.2, x.3, y.2, y.3);
    let la = (x.1 - x.0).max(y.1 - y.0);
    let lb = (x.3 - x.2).max(y.3 - y.2);
    (da <= gap && db <= gap + lb) || (db <= gap && da <= gap + la)
}

/// Merges groups that are pieces of [`one_block`], until none are. Chaining
/// piece by piece misses this when two long sentences of a paragraph swap
/// places, or phrases move across it: each piece is far from its
/// neighbours on one side, yet the pieces still tile one region of both
/// documents.
fn merge_close_hulls(groups: &mut Vec<Vec<Piece>>, gap: u32) {
    loop {
        let mut merged = false;
        'scan: for x in 0..groups.len() {
            for y in x + 1..groups.len() {
                if one_block(hull(&groups[x]), hull(&groups[y]), gap) {
                    let g = groups.swap_remove(y);
                    groups[x].extend(g);
                    merged = true;
                    break 'scan;
                }
            }
        }
        if !merged {
            return;
        }
    }
}

/// The shared passages of A and B, from seeds `(pa, pb)` (positions where an
/// n-gram of A equals one of B; there may be none) and, if `sentences`, from
/// matching sentences, sorted by their start in A.
pub fn align(
    a: &Side<'_>,
    b: &Side<'_>,
    seeds: &[(u32, u32)],
    sentences: bool,
    p: &PassageParams,
) -> Vec<Passage> {
    let mut runs = anchors(a, b, seeds, p.min_words);
    if !runs.is_empty() {
        add_near_runs(a, b, &mut runs, p);
    }
    let mut pieces: Vec<Piece> = runs.iter().map(|&r| Piece::from(r)).collect();
    let matching = if sentences {
        sentence_pairs::matching(a, b)
    } else {
        Vec::new()
    };
    let beyond_runs = |s: &sentence_pairs::SentencePair| {
        s.shared.saturating_sub(content_in_runs(a, &runs, s)) >= sentence_pairs::MIN_SHARED as u32
    };
    pieces.extend(matching.into_iter().filter(beyond_runs).map(|s| Piece {
        a0: s.a.start,
        a1: s.a.end,
        b0: s.b.start,
        b1: s.b.end,
        run: None,
    }));
    if pieces.is_empty() {
        return Vec::new();
    }
    pieces.sort_unstable();
    pieces.dedup();
    let mut groups = chain(&pieces, p.gap);
    merge_close_hulls(&mut groups, p.gap);
    let mut out: Vec<Passage> = groups.iter().filter_map(|g| passage(a, b, g, p)).collect();
    out.sort_by_key(|p| (p.a.start, p.b.start));
    out
}

/// Content words of sentence `s.a` covered by exact runs that lie in
/// sentence `s.b` on the other side: a sentence pair is only evidence if it
/// shares more than a run already says (two sentences that share a name
/// with its title, and nothing else, are not a reworded sentence).
fn content_in_runs(a: &Side<'_>, runs: &[Run], s: &sentence_pairs::SentencePair) -> u32 {
    let mut n = 0;
    for r in runs {
        // Offsets k of the run with r.a + k in s.a and r.b + k in s.b.
        let from =
            s.a.start
                .saturating_sub(r.a)
                .max(s.b.start.saturating_sub(r.b));
        let to = r
            .len
            .min(s.a.end.saturating_sub(r.a))
            .min(s.b.end.saturating_sub(r.b));
        if from < to {
            let words = (r.a + from) as usize..(r.a + to) as usize;
            n += a.content[words].iter().filter(|&&c| c).count() as u32;
        }
    }
    n
}

/// Anchors: the maximal runs through the seeds (each run once, in seed
/// order) with at least `min_words` non-stock words.
fn anchors(a: &Side<'_>, b: &Side<'_>, seeds: &[(u32, u32)], min_words: u32) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    for &(i, j) in seeds {
        if i >= a.len() || j >= b.len() || !same(a, i, b, j) {
            continue;
        }
        if runs.iter().any(|r| {
            r.a as i64 - r.b as i64 == i as i64 - j as i64 && (r.a..r.a + r.len).contains(&i)
        }) {
            continue;
        }
        runs.push(extend(a, b, i, j));
    }
    runs.retain(|r| counted(a, b, r) >= min_words);
    runs
}

/// Adds to `runs` the exact runs of at least `p.min_run` words within
/// `p.gap` words of each anchor on both sides, then sorts and dedups them.
fn add_near_runs(a: &Side<'_>, b: &Side<'_>, runs: &mut Vec<Run>, p: &PassageParams) {
    let mut more = Vec::new();
    for r in runs.iter() {
        let ra = r.a.saturating_sub(p.gap)..(r.a + r.len + p.gap).min(a.len());
        let rb = r.b.saturating_sub(p.gap)..(r.b + r.len + p.gap).min(b.len());
        local_runs(a, ra, b, rb, p.min_run, &mut more);
    }
    runs.extend(more);
    runs.sort_unstable();
    runs.dedup();
}

/// Chains pieces (sorted by start in A) that lie within `gap` words of each
/// other in both documents; returns the chains ordered by their smallest
/// `(a, b)` start.
fn chain(pieces: &[Piece], gap: u32) -> Vec<Vec<Piece>> {
    let n = pieces.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for x in 0..n {
        for y in x + 1..n {
            let (r, s) = (pieces[x], pieces[y]);
            if s.a0 > r.a1 + gap {
                break; // sorted by start in A: no later piece is closer
            }
            let da = distance(r.a0, r.a1, s.a0, s.a1);
            let db = distance(r.b0, r.b1, s.b0, s.b1);
            if da <= gap && db <= gap {
                let (rx, ry) = (root(&mut parent, x), root(&mut parent, y));
                parent[rx.max(ry)] = rx.min(ry);
            }
        }
    }
    let mut groups: AHashMap<usize, Vec<Piece>> = AHashMap::new();
    for (x, r) in pieces.iter().enumerate() {
        let g = root(&mut parent, x);
        groups.entry(g).or_default().push(*r);
    }
    let mut groups: Vec<Vec<Piece>> = groups.into_values().collect();
    groups.sort_by_key(|g| g.iter().map(|r| (r.a0, r.b0)).min());
    groups
}

/// The passage a group of pieces makes, if [`grade::grade`] finds it counts:
/// its spans in both documents and how it matched.
fn passage(a: &Side<'_>, b: &Side<'_>, g: &[Piece], p: &PassageParams) -> Option<Passage> {
    let runs: Vec<Run> = g.iter().filter_map(|p| p.run).collect();
    let found = graded(a, b, g, &runs, p)?;
    if found.kind == Match::Exact || found.words >= grade::SHORT {
        return Some(found);
    }
    // A short match must be exact: keep only the runs that kept their order
    // (the stray pieces of a coincidence around a common phrase go).
    let ordered = grade::ordered_chain(&runs);
    let chain: Vec<Piece> = ordered.iter().map(|&r| Piece::from(r)).collect();
    let exact = graded(a, b, &chain, &ordered, p)?;
    (exact.kind == Match::Exact).then_some(exact)
}

/// The graded passage of the pieces `g`, whose exact runs are `runs`.
fn graded(
    a: &Side<'_>,
    b: &Side<'_>,
    g: &[Piece],
    runs: &[Run],
    p: &PassageParams,
) -> Option<Passage> {
    if g.is_empty() {
        return None;
    }
    let (a0, a1, b0, b1) = hull(g);
    let group = Group {
        runs,
        sentences: g.iter().filter(|p| p.run.is_none()).count() as u32,
        a: a0..a1,
        b: b0..b1,
    };
    let grade = grade::grade(a, b, &group, p)?;
    Some(Passage {
        a: a0..a1,
        b: b0..b1,
        words: grade.words,
        similarity: grade.similarity,
        kind: grade.kind,
    })
}

#[cfg(test)]
mod tests;
