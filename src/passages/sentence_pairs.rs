//! Sentences of two documents that share most of their content words, in
//! any order: the evidence of text whose words were shuffled, whose clauses
//! were moved or whose vocabulary was partly replaced.
//!
//! Each sentence is the set of its content words ([`super::content`]),
//! boilerplate and stock words excluded; stock sentences ([`super::bags`])
//! have none. The sets are derived with each document
//! ([`super::doc::Knowledge::doc`]), with the stock marks of the n-gram
//! index (the recheck of short passages, which comes later, does not change
//! them). Sentence `i` of A and `j` of B match when they share at least
//! [`MIN_SHARED`] content words, at least [`MIN_OF_SMALLER`] of the smaller
//! set and [`MIN_OF_LARGER`] of the larger (a sentence that two were merged
//! into still matches each of them; a short sentence inside a long unrelated
//! line does not). The sorted postings of the two documents are merged, so
//! the cost is the length of the postings and the shared words, not the
//! number of sentence pairs (the shared words are counted in a table of the
//! sentence pairs only when they fill at least a quarter of it).

use std::ops::Range;

use super::pair::Side;

/// Least number of content words two matching sentences share.
pub const MIN_SHARED: usize = 4;
/// Least share of the smaller sentence's content words that are shared.
pub const MIN_OF_SMALLER: f64 = 0.5;
/// Least share of the larger sentence's content words that are shared.
pub const MIN_OF_LARGER: f64 = 0.25;
/// Pairs of documents with at most this many pairs of sentences count
/// matches in a dense table; larger ones sort.
const DENSE: usize = 1 << 16;

/// Two matching sentences: their word ranges (local to each document) and
/// the content words they share.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentencePair {
    /// Words of the sentence of A.
    pub a: Range<u32>,
    /// Words of the sentence of B.
    pub b: Range<u32>,
    /// Content words shared.
    pub shared: u32,
}

/// Whether sentences with sets of `na` and `nb` words sharing `shared` match.
fn matches(shared: usize, na: u32, nb: u32) -> bool {
    let (small, large) = (na.min(nb) as f64, na.max(nb) as f64);
    shared >= MIN_SHARED
        && shared as f64 >= MIN_OF_SMALLER * small
        && shared as f64 >= MIN_OF_LARGER * large
}

/// The matching sentences of A and B, by sentence of A then of B: a merge of
/// the two sorted postings lists, counting shared words per pair of
/// sentences.
pub fn matching(a: &Side<'_>, b: &Side<'_>) -> Vec<SentencePair> {
    let (pa, pb) = (a.sets.postings, b.sets.postings);
    let (na, nb) = (a.sets.sizes.len(), b.sets.sizes.len());
    let mut hits: Vec<(u32, u32)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < pa.len() && j < pb.len() {
        let (ha, hb) = (pa[i].0, pb[j].0);
        if ha < hb {
            i += 1;
        } else if hb < ha {
            j += 1;
        } else {
            let ie = i + pa[i..].iter().take_while(|p| p.0 == ha).count();
            let je = j + pb[j..].iter().take_while(|p| p.0 == ha).count();
            for x in &pa[i..ie] {
                for y in &pb[j..je] {
                    hits.push((x.1, y.1));
                }
            }
            (i, j) = (ie, je);
        }
    }
    let mut out = Vec::new();
    let mut push = |ua: u32, ub: u32, shared: usize| {
        let (sa, sb) = (a.sets.sizes[ua as usize], b.sets.sizes[ub as usize]);
        if matches(shared, sa, sb) {
            out.push(SentencePair {
                a: a.unit(ua as usize),
                b: b.unit(ub as usize),
                shared: shared as u32,
            });
        }
    };
    // A table of all sentence pairs only when the hits fill a good part of
    // it: otherwise scanning it would cost more than sorting the hits.
    if na * nb <= DENSE && hits.len() * 4 >= na * nb {
        let mut count = vec![0u16; na * nb];
        for &(x, y) in &hits {
            let c = &mut count[x as usize * nb + y as usize];
            *c = c.saturating_add(1);
        }
        for (k, &c) in count.iter().enumerate() {
            if c as usize >= MIN_SHARED {
                push((k / nb) as u32, (k % nb) as u32, c as usize);
            }
        }
    } else {
        hits.sort_unstable();
        for run in hits.chunk_by(|x, y| x == y) {
            if run.len() >= MIN_SHARED {
                push(run[0].0, run[0].1, run.len());
            }
        }
    }
    out
}
