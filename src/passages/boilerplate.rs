//! Per-outlet boilerplate: sentences an outlet repeats across its own
//! articles (menus, "related articles", sign-offs, agency tags).
//!
//! Learned from the corpus itself, no lists: a sentence (compared by its
//! normalized words) is boilerplate of an outlet when it appears in at least
//! [`MIN_DOCS`] of the outlet's near-duplicate clusters and in at least
//! [`MIN_SHARE`] of them. Clusters, not documents, are counted, so an article
//! the outlet republished ten times does not turn its own sentences into
//! boilerplate. Documents without an outlet are pooled, so furniture that
//! recurs in many documents of unknown outlet is found too. Words of
//! boilerplate sentences are masked: they never match, so they never become
//! part of a shared passage.

use crate::document::{NONE, Row};
use crate::signed::SignedDocs;

use super::tokens::TokenStore;

/// Least number of clusters of an outlet a sentence must appear in.
pub const MIN_DOCS: u32 = 3;
/// Least share of an outlet's clusters a sentence must appear in.
pub const MIN_SHARE: f64 = 0.05;

/// The outlet group of a row for boilerplate: its outlet, or the pool of
/// documents without one.
fn group(signed: &SignedDocs<'_>, row: Row) -> u32 {
    signed.docs.outlet_index(signed.doc(row)).unwrap_or(NONE)
}

/// One boilerplate sentence of an outlet.
#[derive(Clone, Debug)]
pub struct Boilerplate {
    /// Outlet index (`NONE` for the pool of documents without outlet).
    pub outlet: u32,
    /// Hash of the sentence's words.
    pub hash: u64,
    /// Clusters of the outlet it appears in.
    pub clusters: u32,
    /// Clusters of the outlet in all.
    pub outlet_clusters: u32,
    /// An occurrence: signature [`Row`] and word range, to show its text.
    pub example: (Row, std::ops::Range<u32>),
}

/// Finds boilerplate sentences and returns them with, for every word of the
/// store, whether it is masked. `kept` gives the kept row of every row's
/// near-duplicate cluster.
pub fn find(
    signed: &SignedDocs<'_>,
    kept: &[Row],
    words: &TokenStore,
) -> (Vec<Boilerplate>, Vec<bool>) {
    // (group, hash, cluster (its kept row's number), unit index), sorted and
    // counted.
    let mut occ: Vec<(u32, u64, u32, u32)> = words
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            (
                group(signed, u.row),
                u.hash,
                kept[u.row.index()].0,
                i as u32,
            )
        })
        .collect();
    occ.sort_unstable();
    // Clusters per group.
    let mut clusters_of_group: ahash::AHashMap<u32, u32> = ahash::AHashMap::new();
    {
        let mut seen: Vec<(u32, u32)> = (0..words.docs() as u32)
            .map(Row)
            .map(|r| (group(signed, r), kept[r.index()].0))
            .collect();
        seen.sort_unstable();
        seen.dedup();
        for (g, _) in seen {
            *clusters_of_group.entry(g).or_default() += 1;
        }
    }
    let mut found = Vec::new();
    let mut masked = vec![false; words.len()];
    let mut i = 0;
    while i < occ.len() {
        let (g, h) = (occ[i].0, occ[i].1);
        let mut j = i;
        let mut distinct = 0u32;
        let mut last_cluster = u32::MAX;
        while j < occ.len() && occ[j].0 == g && occ[j].1 == h {
            if occ[j].2 != last_cluster {
                distinct += 1;
                last_cluster = occ[j].2;
            }
            j += 1;
        }
        let total = clusters_of_group.get(&g).copied().unwrap_or(1);
        if distinct >= MIN_DOCS && f64::from(distinct) >= MIN_SHARE * f64::from(total) {
            let first = &words.units[occ[i].3 as usize];
            found.push(Boilerplate {
                outlet: g,
                hash: h,
                clusters: distinct,
                outlet_clusters: total,
                example: (first.row, first.words.clone()),
            });
            for o in &occ[i..j] {
                let u = &words.units[o.3 as usize];
                for w in u.words.clone() {
                    masked[w as usize] = true;
                }
            }
        }
        i = j;
    }
    (found, masked)
}
