//! Sentences of two documents that share most of their content words, in
//! any order: the evidence of text whose words were shuffled, whose clauses
//! were moved or whose vocabulary was partly replaced.
//!
//! Each sentence is the set of its content words ([`super::content`]),
//! boilerplate and stock words excluded; stock sentences ([`super::bags`])
//! have none. Sentence `i` of A and `j` of B match when they share at least
//! [`MIN_SHARED`] content words, at least [`MIN_OF_SMALLER`] of the smaller
//! set and [`MIN_OF_LARGER`] of the larger (a sentence that two were merged
//! into still matches each of them; a short sentence inside a long unrelated
//! line does not). Every pair is compared through an inverted index of B's
//! words, so the cost is the number of shared words, not of sentence pairs.

use std::ops::Range;

use ahash::AHashMap;

use super::align::Side;

/// Least number of content words two matching sentences share.
pub const MIN_SHARED: usize = 4;
/// Least share of the smaller sentence's content words that are shared.
pub const MIN_OF_SMALLER: f64 = 0.5;
/// Least share of the larger sentence's content words that are shared.
pub const MIN_OF_LARGER: f64 = 0.25;

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

/// The content-word set of each sentence of `side` (empty for stock ones).
fn sets(side: &Side<'_>) -> Vec<Vec<u32>> {
    side.units
        .iter()
        .zip(side.stock_units)
        .map(|(u, &stock)| {
            if stock {
                return Vec::new();
            }
            let mut set: Vec<u32> = u
                .clone()
                .map(|i| i as usize)
                .filter(|&i| side.content[i] && !side.masked[i] && !side.stock[i])
                .map(|i| side.hashes[i])
                .collect();
            set.sort_unstable();
            set.dedup();
            set
        })
        .collect()
}

/// The matching sentences of A and B, by sentence of A then of B.
pub fn matching(a: &Side<'_>, b: &Side<'_>) -> Vec<SentencePair> {
    let (sa, sb) = (sets(a), sets(b));
    let mut index: AHashMap<u32, Vec<u32>> = AHashMap::new();
    for (j, set) in sb.iter().enumerate() {
        if set.len() >= MIN_SHARED {
            for &w in set {
                index.entry(w).or_default().push(j as u32);
            }
        }
    }
    let mut out = Vec::new();
    let mut count = vec![0u32; sb.len()];
    let mut touched: Vec<u32> = Vec::new();
    for (i, set) in sa.iter().enumerate() {
        if set.len() < MIN_SHARED {
            continue;
        }
        for w in set {
            for &j in index.get(w).map_or(&[][..], Vec::as_slice) {
                if count[j as usize] == 0 {
                    touched.push(j);
                }
                count[j as usize] += 1;
            }
        }
        touched.sort_unstable();
        for &j in &touched {
            let shared = count[j as usize] as usize;
            count[j as usize] = 0;
            let (small, large) = (
                set.len().min(sb[j as usize].len()),
                set.len().max(sb[j as usize].len()),
            );
            if shared >= MIN_SHARED
                && shared as f64 >= MIN_OF_SMALLER * small as f64
                && shared as f64 >= MIN_OF_LARGER * large as f64
            {
                out.push(SentencePair {
                    a: a.units[i].clone(),
                    b: b.units[j as usize].clone(),
                    shared: shared as u32,
                });
            }
        }
        touched.clear();
    }
    out
}
