//! Aligning two documents into shared passages.
//!
//! Given the seeds of a pair (shared n-grams), every seed is extended to a
//! maximal run of identical words (an *anchor*). Around each anchor, shorter
//! exact runs of at least [`PassageParams::min_run`] words are searched within
//! [`PassageParams::gap`] words on both sides, which picks up the pieces of a
//! sentence a rewriting desk touched: a replaced word splits a run in two, a
//! clause moved within a sentence or a sentence moved within a paragraph is a
//! run out of order, an inserted aside is a gap on one side only. Runs that
//! lie within `gap` words of each other in *both* documents are chained
//! (union-find, so order does not matter) into one passage, so a reused
//! paragraph with edits is one passage, not five.
//!
//! A passage counts only if it has an exact run of at least
//! [`PassageParams::min_words`] words that are not stock (see [`super::index`]):
//! short matches must be exact, and a stock phrase alone never counts.
//! Boilerplate words never match at all.

use std::ops::Range;

use ahash::AHashMap;

use crate::config::PassageParams;

/// One side of the pair: its word hashes and, per word, whether it is masked
/// (boilerplate) or covered by a stock phrase.
#[derive(Clone, Copy, Debug)]
pub struct Side<'a> {
    /// Word hashes.
    pub hashes: &'a [u32],
    /// Boilerplate words: they never match.
    pub masked: &'a [bool],
    /// Words of stock phrases: they match but do not count.
    pub stock: &'a [bool],
}

impl Side<'_> {
    fn len(&self) -> u32 {
        self.hashes.len() as u32
    }
}

#[inline]
fn same(a: &Side<'_>, i: u32, b: &Side<'_>, j: u32) -> bool {
    let (i, j) = (i as usize, j as usize);
    a.hashes[i] == b.hashes[j] && !a.masked[i] && !b.masked[j]
}

/// A run of identical words: `len` words from `a` in A and `b` in B.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Run {
    /// Start in A.
    pub a: u32,
    /// Start in B.
    pub b: u32,
    /// Length in words.
    pub len: u32,
}

/// A passage: word ranges (local to each document) and how much matched.
#[derive(Clone, Debug, PartialEq)]
pub struct Passage {
    /// Words of A.
    pub a: Range<u32>,
    /// Words of B.
    pub b: Range<u32>,
    /// Matched words (the smaller of the two sides' covered words).
    pub words: u32,
    /// Matched words over the longer side's span.
    pub similarity: f32,
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

/// Non-stock words of a run (the fewer of the two sides).
fn counted(a: &Side<'_>, b: &Side<'_>, r: &Run) -> u32 {
    let ca = (r.a..r.a + r.len).filter(|&i| !a.stock[i as usize]).count();
    let cb = (r.b..r.b + r.len).filter(|&j| !b.stock[j as usize]).count();
    ca.min(cb) as u32
}

/// Size of the union of intervals.
fn covered(mut iv: Vec<(u32, u32)>) -> u32 {
    iv.sort_unstable();
    let mut total = 0;
    let mut end = 0;
    for (s, e) in iv {
        let s = s.max(end);
        if e > s {
            total += e - s;
            end = e;
        }
    }
    total
}

/// The word hulls `(a0, a1, b0, b1)` of a group of runs.
fn hull(g: &[Run]) -> (u32, u32, u32, u32) {
    (
        g.iter().map(|r| r.a).min().unwrap_or(0),
        g.iter().map(|r| r.a + r.len).max().unwrap_or(0),
        g.iter().map(|r| r.b).min().unwrap_or(0),
        g.iter().map(|r| r.b + r.len).max().unwrap_or(0),
    )
}

/// Merges groups whose hulls lie within `gap` words of each other in both
/// documents, until none do. Run-by-run chaining misses this when two long
/// sentences of a paragraph swap places: each is far from the text before
/// them on one side, yet the pieces still tile one region of both documents.
fn merge_close_hulls(groups: &mut Vec<Vec<Run>>, gap: u32) {
    loop {
        let mut merged = false;
        'scan: for x in 0..groups.len() {
            for y in x + 1..groups.len() {
                let (hx, hy) = (hull(&groups[x]), hull(&groups[y]));
                if distance(hx.0, hx.1, hy.0, hy.1) <= gap
                    && distance(hx.2, hx.3, hy.2, hy.3) <= gap
                {
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
/// n-gram of A equals one of B), sorted by their start in A.
pub fn align(a: &Side<'_>, b: &Side<'_>, seeds: &[(u32, u32)], p: &PassageParams) -> Vec<Passage> {
    let mut runs = anchors(a, b, seeds, p.min_words);
    if runs.is_empty() {
        return Vec::new();
    }
    add_near_runs(a, b, &mut runs, p);
    let mut groups = chain(&runs, p.gap);
    merge_close_hulls(&mut groups, p.gap);
    let mut out: Vec<Passage> = groups
        .into_iter()
        .filter(|g| g.iter().map(|r| counted(a, b, r)).max().unwrap_or(0) >= p.min_words)
        .map(|g| passage(&g))
        .collect();
    out.sort_by_key(|p| (p.a.start, p.b.start));
    out
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

/// Chains runs (sorted by start in A) that lie within `gap` words of each
/// other in both documents; returns the chains ordered by their smallest
/// `(a, b)` start.
fn chain(runs: &[Run], gap: u32) -> Vec<Vec<Run>> {
    let n = runs.len();
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
            let (r, s) = (runs[x], runs[y]);
            if s.a > r.a + r.len + gap {
                break; // sorted by start in A: no later run is closer
            }
            let da = distance(r.a, r.a + r.len, s.a, s.a + s.len);
            let db = distance(r.b, r.b + r.len, s.b, s.b + s.len);
            if da <= gap && db <= gap {
                let (rx, ry) = (root(&mut parent, x), root(&mut parent, y));
                parent[rx.max(ry)] = rx.min(ry);
            }
        }
    }
    let mut groups: AHashMap<usize, Vec<Run>> = AHashMap::new();
    for (x, r) in runs.iter().enumerate() {
        let g = root(&mut parent, x);
        groups.entry(g).or_default().push(*r);
    }
    let mut groups: Vec<Vec<Run>> = groups.into_values().collect();
    groups.sort_by_key(|g| g.iter().map(|r| (r.a, r.b)).min());
    groups
}

/// The passage a group of runs makes: its hulls in both documents, the
/// matched words (the fewer of the two sides' covered words) and their
/// share of the longer hull.
fn passage(g: &[Run]) -> Passage {
    let (a0, a1, b0, b1) = hull(g);
    let wa = covered(g.iter().map(|r| (r.a, r.a + r.len)).collect());
    let wb = covered(g.iter().map(|r| (r.b, r.b + r.len)).collect());
    let words = wa.min(wb);
    Passage {
        a: a0..a1,
        b: b0..b1,
        words,
        similarity: words as f32 / (a1 - a0).max(b1 - b0).max(1) as f32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passages::tokens::word_hash;

    fn words(s: &str) -> Vec<u32> {
        s.split_whitespace().map(word_hash).collect()
    }

    fn run(a: &str, b: &str) -> Vec<Passage> {
        let (ha, hb) = (words(a), words(b));
        let (ma, mb) = (vec![false; ha.len()], vec![false; hb.len()]);
        let sa = Side {
            hashes: &ha,
            masked: &ma,
            stock: &ma,
        };
        let sb = Side {
            hashes: &hb,
            masked: &mb,
            stock: &mb,
        };
        // Seed every position where 5 words agree, like the index would.
        let mut seeds = vec![];
        for i in 0..ha.len().saturating_sub(4) {
            for j in 0..hb.len().saturating_sub(4) {
                if ha[i..i + 5] == hb[j..j + 5] {
                    seeds.push((i as u32, j as u32));
                }
            }
        }
        align(&sa, &sb, &seeds, &PassageParams::default())
    }

    const PARA: &str = "the minister said on monday that the talks with the union had ended \
        without agreement and that a new round would begin next week in the capital after \
        both sides had consulted their members about the latest offer of the employers";

    #[test]
    fn an_edited_paragraph_is_one_passage() {
        let edited = PARA
            .replace("monday", "tuesday")
            .replace("without agreement", "with no agreement, a spokesman added,")
            .replace("next week", "within days");
        let a = format!("intro words here {PARA} unrelated closing words");
        let b = format!("other opening {edited} and something else entirely");
        let p = run(&a, &b);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].words >= 35, "{p:?}");
        assert_eq!(p[0].a, 3..3 + PARA.split_whitespace().count() as u32);
    }

    #[test]
    fn moved_sentences_stay_in_one_passage() {
        let s1 = "police said the fire started in a warehouse near the port late on friday";
        let s2 = "firefighters needed six hours to bring the flames under control by morning";
        let a = format!("{s1} {s2}");
        let b = format!("{s2} {s1}");
        let p = run(&a, &b);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].words, 26);
    }

    #[test]
    fn swapped_long_sentences_inside_a_paragraph_stay_one_passage() {
        let p0 = "at the start of the meeting the minister thanked the delegations for coming";
        let s1 = "the first long sentence describes the talks between the two governments in great detail today";
        let s2 = "the second long sentence lists the agreements that were signed by both sides after the long talks";
        let p3 = "the meeting ended with a joint statement read to the press by both spokesmen";
        let a = format!("{p0} {s1} {s2} {p3}");
        let b = format!("{p0} {s2} {s1} {p3}");
        let p = run(&a, &b);
        assert_eq!(p.len(), 1, "{p:?}");
    }

    #[test]
    fn short_matches_do_not_count() {
        // Seven identical words, then different text.
        let a = "the political bureau of the central committee said one thing";
        let b = "the political bureau of the central committee met another person";
        assert!(run(a, b).is_empty());
        let a = "one two three four five six seven eight and then more";
        let b = "one two three four five six seven eight but other words";
        assert_eq!(run(a, b).len(), 1);
    }

    #[test]
    fn far_apart_passages_are_separate() {
        let filler_a: String = (0..40).map(|i| format!("alpha{i} ")).collect();
        let filler_b: String = (0..40).map(|i| format!("beta{i} ")).collect();
        let s1 = "the court ruled on wednesday that the law was against the constitution";
        let s2 = "shares of the company fell by ten percent in early trading on thursday";
        let a = format!("{s1} {filler_a} {s2}");
        let b = format!("{s1} {filler_b} {s2}");
        assert_eq!(run(&a, &b).len(), 2);
    }
}
