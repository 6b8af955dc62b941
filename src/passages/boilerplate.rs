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

use super::Space;
use super::doc::Bits;
use super::tokens::{TokenStore, Tokens};
use crate::error::Result;
use crate::progress::Progress;
use crate::spill::Sorter;

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
    /// An occurrence: signature [`Row`] and original byte range, to show
    /// its text (of a pattern: its fixed words).
    pub example: (Row, std::ops::Range<u32>),
    /// `None` for a whole sentence; for a pattern, where its variable part
    /// is.
    pub slot: Option<Slot>,
}

/// Finds boilerplate sentences and returns them with, for every sentence
/// of the store (by global number), whether it is masked. `kept` gives the
/// kept row of every row's near-duplicate cluster. The occurrences are
/// sorted within `space` (spilled to disk past its budget); `progress`
/// advances by one a document.
pub fn find(
    signed: &SignedDocs<'_>,
    kept: &[Row],
    words: &TokenStore,
    space: &Space,
    progress: &dyn Progress,
) -> Result<(Vec<Boilerplate>, Bits)> {
    // (outlet, sentence hash, cluster, sentence number): each outlet's
    // sentences grouped, clusters in order within a group.
    let mut occ: Sorter<(u32, u64, u32, u32)> = space.sorter();
    // (outlet, slot side, hash of the fixed words, cluster, sentence hash,
    // sentence number) of the short sentences.
    let mut pat: Sorter<(u32, u8, u64, u32, u64, u32)> = space.sorter();
    words.map_docs(
        progress,
        false,
        || (),
        |_, r, t| {
            let g = group(signed, r);
            let cluster = kept[r.index()].0;
            let first = words.unit_range(r).start;
            let mut o = Vec::with_capacity(t.units.len());
            let mut p = Vec::new();
            for (k, u) in t.units.iter().enumerate() {
                let n = first + k as u32;
                o.push((g, u.hash, cluster, n));
                let len = u.words.len();
                if PATTERN_WORDS < len && len <= PATTERN_MAX_WORDS {
                    let h = &t.hashes[u.words.start as usize..u.words.end as usize];
                    for (slot, fixed) in [
                        (Slot::After, &h[..PATTERN_WORDS]),
                        (Slot::Before, &h[len - PATTERN_WORDS..]),
                    ] {
                        p.push((g, slot as u8, fixed_hash(fixed), cluster, u.hash, n));
                    }
                }
            }
            (o, p)
        },
        |_, (o, p)| {
            occ.extend(o)?;
            pat.extend(p)
        },
    )?;
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
    let total_of = |g: u32| clusters_of_group.get(&g).copied().unwrap_or(1);
    let mut found = Vec::new();
    // Per entry of `found`: the sentence of its example.
    let mut examples: Vec<u32> = Vec::new();
    let mut masked = Bits::new(words.units());
    space.finish(occ)?.for_each_batch(
        BATCH,
        |x, y| (x.0, x.1) == (y.0, y.1),
        |batch| {
            for run in batch.chunk_by(|x, y| (x.0, x.1) == (y.0, y.1)) {
                let (g, h) = (run[0].0, run[0].1);
                let mut distinct = 0u32;
                let mut last_cluster = u32::MAX;
                for o in run {
                    if o.2 != last_cluster {
                        distinct += 1;
                        last_cluster = o.2;
                    }
                }
                let total = total_of(g);
                if distinct >= MIN_DOCS && f64::from(distinct) >= MIN_SHARE * f64::from(total) {
                    found.push(Boilerplate {
                        outlet: g,
                        hash: h,
                        clusters: distinct,
                        outlet_clusters: total,
                        example: (Row(0), 0..0),
                        slot: None,
                    });
                    examples.push(run[0].3);
                    for o in run {
                        masked.set(o.3 as usize);
                    }
                }
            }
            Ok(())
        },
    )?;
    space.finish(pat)?.for_each_batch(
        BATCH,
        |x, y| (x.0, x.1, x.2) == (y.0, y.1, y.2),
        |batch| {
            for run in batch.chunk_by(|x, y| (x.0, x.1, x.2) == (y.0, y.1, y.2)) {
                if run.len() < PATTERN_MIN_DOCS as usize {
                    continue;
                }
                let mut clusters: Vec<u32> = run.iter().map(|o| o.3).collect();
                clusters.dedup();
                let mut variants: Vec<u64> = run.iter().map(|o| o.4).collect();
                variants.sort_unstable();
                variants.dedup();
                let g = run[0].0;
                let slot = if run[0].1 == Slot::After as u8 {
                    Slot::After
                } else {
                    Slot::Before
                };
                let total = total_of(g);
                let distinct = clusters.len() as u32;
                if distinct < PATTERN_MIN_DOCS
                    || f64::from(distinct) < PATTERN_SHARE * f64::from(total)
                    || (variants.len() as u32) < PATTERN_VARIANTS
                {
                    continue;
                }
                found.push(Boilerplate {
                    outlet: g,
                    hash: run[0].2,
                    clusters: distinct,
                    outlet_clusters: total,
                    example: (Row(0), 0..0),
                    slot: Some(slot),
                });
                examples.push(run[0].5);
                for o in run {
                    masked.set(o.5 as usize);
                }
            }
            Ok(())
        },
    )?;
    set_examples(words, &mut found, &examples)?;
    Ok((found, masked))
}

/// Records sorted at a time by [`find`].
const BATCH: usize = 1 << 16;

/// Sets the example of every entry of `found` from the sentence number in
/// `examples`: its row and the original bytes of the sentence (of a
/// pattern, of its fixed words).
fn set_examples(words: &TokenStore, found: &mut [Boilerplate], examples: &[u32]) -> Result<()> {
    let mut tokens = Tokens::default();
    let mut buf = Vec::new();
    let mut order: Vec<usize> = (0..found.len()).collect();
    order.sort_by_key(|&i| examples[i]);
    let mut loaded: Option<Row> = None;
    for i in order {
        let row = words.row_of_unit(examples[i]);
        if loaded != Some(row) {
            words.read(row, &mut tokens, true, &mut buf)?;
            loaded = Some(row);
        }
        let local = (examples[i] - words.unit_range(row).start) as usize;
        let w = tokens.units[local].words.clone();
        let fixed = match found[i].slot {
            None => w,
            Some(Slot::After) => w.start..w.start + PATTERN_WORDS as u32,
            Some(Slot::Before) => w.end - PATTERN_WORDS as u32..w.end,
        };
        found[i].example = (row, tokens.byte_span(&fixed));
    }
    Ok(())
}

/// A hash of a few word hashes, mixed as a sentence's hash is.
fn fixed_hash(hashes: &[u32]) -> u64 {
    hashes
        .iter()
        .fold(0x5151_5151u64, |h, &w| mix64(h ^ u64::from(w)))
}
