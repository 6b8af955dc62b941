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
//!
//! Furniture often has a variable part: a photo credit ("NAME/The Dallas
//! Morning News via AP"), a link line with another article's title ("Read
//! more: TITLE"), a tag list. Such lines are learnt as **patterns with a
//! slot**: short sentences (at most [`PATTERN_MAX_WORDS`] words) of an
//! outlet that begin, or end, with the same [`PATTERN_WORDS`] words, in at
//! least [`PATTERN_SHARE`] of the outlet's clusters (and
//! [`PATTERN_MIN_DOCS`]), with at least [`PATTERN_VARIANTS`] different
//! texts. Every short sentence of the outlet that fits a pattern is masked.

use crate::document::{NONE, Row};
use crate::minhash::mix64;
use crate::signed::SignedDocs;

use super::tokens::TokenStore;

/// Least number of clusters of an outlet a sentence must appear in.
pub const MIN_DOCS: u32 = 3;
/// Least share of an outlet's clusters a sentence must appear in.
pub const MIN_SHARE: f64 = 0.05;
/// Longest sentence, in words, that a pattern with a slot masks.
pub const PATTERN_MAX_WORDS: usize = 12;
/// Fixed words at the start or the end of a pattern with a slot.
pub const PATTERN_WORDS: usize = 3;
/// Least number of different sentences that make a pattern with a slot.
pub const PATTERN_VARIANTS: u32 = 3;
/// Least share of an outlet's clusters a pattern with a slot must appear
/// in: three times a whole sentence's, since short sentences that open
/// with the same three words ("It's not a …") are common in prose.
pub const PATTERN_SHARE: f64 = 0.15;
/// Least number of an outlet's clusters a pattern with a slot must appear
/// in.
pub const PATTERN_MIN_DOCS: u32 = 5;

/// Where the variable part of a boilerplate pattern is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Slot {
    /// After the fixed words ("Read more: …").
    After,
    /// Before the fixed words ("… via AP").
    Before,
}

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
    /// An occurrence: signature [`Row`] and word range, to show its text
    /// (of a pattern: its fixed words).
    pub example: (Row, std::ops::Range<u32>),
    /// `None` for a whole sentence; for a pattern, where its variable part
    /// is.
    pub slot: Option<Slot>,
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
                slot: None,
            });
            for o in &occ[i..j] {
                mask_unit(words, o.3, masked.as_mut_slice());
            }
        }
        i = j;
    }
    patterns(
        signed,
        kept,
        words,
        &clusters_of_group,
        &mut found,
        &mut masked,
    );
    (found, masked)
}

/// Learns the patterns with a slot (see the module docs), appends them to
/// `found` and masks the sentences that fit them.
fn patterns(
    signed: &SignedDocs<'_>,
    kept: &[Row],
    words: &TokenStore,
    clusters_of_group: &ahash::AHashMap<u32, u32>,
    found: &mut Vec<Boilerplate>,
    masked: &mut [bool],
) {
    // (group, slot, hash of the fixed words, cluster, sentence hash, unit).
    let mut occ: Vec<(u32, Slot, u64, u32, u64, u32)> = Vec::new();
    for (i, u) in words.units.iter().enumerate() {
        let n = u.words.len();
        if !(PATTERN_WORDS < n && n <= PATTERN_MAX_WORDS) {
            continue;
        }
        let hashes = &words.all_hashes()[u.words.start as usize..u.words.end as usize];
        let g = group(signed, u.row);
        let cluster = kept[u.row.index()].0;
        for (slot, fixed) in [
            (Slot::After, &hashes[..PATTERN_WORDS]),
            (Slot::Before, &hashes[n - PATTERN_WORDS..]),
        ] {
            occ.push((g, slot, fixed_hash(fixed), cluster, u.hash, i as u32));
        }
    }
    occ.sort_unstable();
    for run in occ.chunk_by(|x, y| (x.0, x.1, x.2) == (y.0, y.1, y.2)) {
        // Most runs are a single sentence: no pattern.
        if run.len() < PATTERN_MIN_DOCS as usize {
            continue;
        }
        let mut clusters: Vec<u32> = run.iter().map(|o| o.3).collect();
        clusters.dedup();
        let mut variants: Vec<u64> = run.iter().map(|o| o.4).collect();
        variants.sort_unstable();
        variants.dedup();
        let (g, slot) = (run[0].0, run[0].1);
        let total = clusters_of_group.get(&g).copied().unwrap_or(1);
        let distinct = clusters.len() as u32;
        if distinct < PATTERN_MIN_DOCS
            || f64::from(distinct) < PATTERN_SHARE * f64::from(total)
            || (variants.len() as u32) < PATTERN_VARIANTS
        {
            continue;
        }
        let first = &words.units[run[0].5 as usize];
        let w = first.words.clone();
        let fixed = match slot {
            Slot::After => w.start..w.start + PATTERN_WORDS as u32,
            Slot::Before => w.end - PATTERN_WORDS as u32..w.end,
        };
        found.push(Boilerplate {
            outlet: g,
            hash: run[0].2,
            clusters: distinct,
            outlet_clusters: total,
            example: (first.row, fixed),
            slot: Some(slot),
        });
        for o in run {
            mask_unit(words, o.5, masked);
        }
    }
}

/// Masks the words of sentence (unit) `unit` of `words`.
fn mask_unit(words: &TokenStore, unit: u32, masked: &mut [bool]) {
    for w in words.units[unit as usize].words.clone() {
        masked[w as usize] = true;
    }
}

/// A hash of a few word hashes, mixed as a sentence's hash is.
fn fixed_hash(hashes: &[u32]) -> u64 {
    hashes
        .iter()
        .fold(0x5151_5151u64, |h, &w| mix64(h ^ u64::from(w)))
}
