//! The corpus-wide index of sentences as bags of content words: which
//! documents share sentences that were reordered or reworded.
//!
//! Winnowed word n-grams ([`super::index`]) only see text that kept at least
//! eight words in a row. A desk that shuffles a sentence's words, moves its
//! clauses or swaps a third of its vocabulary leaves the sentence's *set* of
//! content words ([`super::content`]) mostly intact, so sentences are compared
//! as sets, with MinHash and banding (the same locality-sensitive hashing
//! as the near-duplicate stage, at sentence scale): each sentence of at least
//! [`MIN_CONTENT`] distinct content words gets [`BANDS`] keys, each the hash of
//! [`ROWS`] minima. Two sentences with Jaccard `J` share a key with
//! probability `1 - (1 - J^3)^8`: 1 for shuffled words, 0.66 for a sentence
//! with a third of its words replaced (`J = 0.5`), 0.006 for two sentences
//! sharing a tenth of their words. Keys are sorted (no hash maps, no
//! all-pairs), each shared key gives its pairs of documents of different
//! outlets, unless the two sentences are identical (the n-gram index finds
//! those, and aligns them word by word). A pair of documents that shares no
//! key between different sentences is not compared sentence by sentence at
//! all; one that shares only keys (no exact n-gram) is a
//! candidate when it shares at least [`MIN_COLLISIONS`], so one coincidence
//! is not enough.
//!
//! A key found in many otherwise unrelated documents is a stock sentence
//! (the judge of [`super::index`]); its sentences never count as evidence.
//! Keys shared by more than [`MAX_GROUP`] sentences give no pairs.

use rayon::prelude::*;

use crate::document::Row;
use crate::minhash::mix64;
use crate::signed::SignedDocs;

use super::Space;
use super::doc::{Bits, Doc};
use super::index::{GROUP_BATCH, Judge, shared_runs};
use super::repeats::Kind;
use super::tokens::TokenStore;
use crate::error::Result;
use crate::spill::{Sorted, Sorter};

/// Keys per sentence.
pub const BANDS: usize = 8;
/// Minima hashed into one key.
pub const ROWS: usize = 3;
/// Least number of distinct content words of a sentence with keys.
pub const MIN_CONTENT: usize = 5;
/// Keys shared by more sentences than this give no candidate pairs.
pub const MAX_GROUP: usize = 64;
/// Least number of keys two documents that share no exact n-gram must share
/// to be a candidate pair.
pub const MIN_COLLISIONS: usize = 2;

/// What the sentence index yields.
#[derive(Debug, Default)]
pub struct BagIndex {
    /// Pairs `(a, b, keys)`, `a < b`, sorted and distinct, that share
    /// `keys` sentence keys.
    pub pairs: Vec<(Row, Row, u32)>,
    /// Per sentence of the store (by global number): a stock sentence.
    pub stock_units: Bits,
    /// Keys indexed.
    pub keys: u64,
    /// Distinct keys found to be stock.
    pub stock_keys: u64,
}

/// Multipliers and offsets of the `BANDS * ROWS` hash functions
/// `h -> a * h + b` (odd `a`, on the mixed word hash): a multiply and an add
/// per word and function.
const FUNCTIONS: [(u64, u64); BANDS * ROWS] = {
    let mut f = [(0u64, 0u64); BANDS * ROWS];
    let mut k = 0;
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    while k < BANDS * ROWS {
        // splitmix64 steps, at compile time.
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        let a = (z ^ (z >> 31)) | 1;
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        f[k] = (a, z ^ (z >> 31));
        k += 1;
    }
    f
};

/// The [`BANDS`] keys of a set of content words (at least [`MIN_CONTENT`]).
fn keys(set: &[u32]) -> [u64; BANDS] {
    let mut mins = [u64::MAX; BANDS * ROWS];
    for &w in set {
        let h = mix64(u64::from(w) ^ 0x9E37_79B9_7F4A_7C15);
        for (m, &(a, b)) in mins.iter_mut().zip(&FUNCTIONS) {
            let v = a.wrapping_mul(h).wrapping_add(b);
            if v < *m {
                *m = v;
            }
        }
    }
    let mut out = [0u64; BANDS];
    for (band, key) in out.iter_mut().enumerate() {
        let mut h = mix64(0xB5AD_4ECE_DA1C_E2A9 ^ band as u64);
        for &m in &mins[band * ROWS..(band + 1) * ROWS] {
            h = mix64(h ^ m);
        }
        *key = h;
    }
    out
}

/// A sentence key entry: `(key, sentence hash, row, sentence number)`,
/// rows and sentences by number; the key is the high 32 bits of a band key
/// (a chance collision of two 32-bit keys only adds a candidate that
/// alignment then rejects).
type Entry = (u32, u64, u32, u32);

/// The sentence keys of `d` (its sentences of at least [`MIN_CONTENT`]
/// content words outside boilerplate).
fn doc_entries(words: &TokenStore, d: &Doc) -> Vec<Entry> {
    let mut set = Vec::new();
    let mut out = Vec::new();
    let first = words.unit_range(d.row).start;
    for (k, u) in d.tokens.units.iter().enumerate() {
        set.clear();
        set.extend(
            (u.words.start as usize..u.words.end as usize)
                .filter(|&i| d.content[i] && !d.masked[i])
                .map(|i| d.tokens.hashes[i]),
        );
        set.sort_unstable();
        set.dedup();
        if set.len() >= MIN_CONTENT {
            let n = first + k as u32;
            out.extend(keys(&set).map(|key| ((key >> 32) as u32, u.hash, d.row.0, n)));
        }
    }
    out
}

/// What the sentence index sorts ([`sort_repeated`](super::repeats::sort_repeated)):
/// the keys of every sentence's content words (boilerplate excluded), as
/// entries keyed by key; at most 8 a sentence. Keys found once pair no
/// sentences and are never stock: only the others (and a few single ones
/// sharing their bits) are sorted.
pub fn kind(
    words: &TokenStore,
) -> Kind<impl Fn(&Doc) -> Vec<Entry> + Sync + Send, impl Fn(&Entry) -> u64 + Sync + Send> {
    Kind {
        expected: words.units() as u64 * 8,
        entries: |d: &Doc| doc_entries(words, d),
        key: |e: &Entry| mix64(u64::from(e.0)),
    }
}

/// Builds the sentence index of `words` from the sorted sentence keys
/// ([`kind`]) and their number, judged key by key.
pub fn build(
    signed: &SignedDocs<'_>,
    kept: &[Row],
    words: &TokenStore,
    (keys, entries): (u64, Sorted<Entry>),
    space: &Space,
) -> Result<BagIndex> {
    let judge = Judge::new(signed, kept);
    let mut stock_units = Bits::new(words.units());
    let mut stock_keys = 0;
    let mut pairs: Sorter<(u32, u32)> = space.sorter();
    entries.for_each_batch(
        GROUP_BATCH,
        |x, y| x.0 == y.0,
        |batch| {
            let bounds = shared_runs(batch, |x, y| x.0 == y.0);
            let results: Vec<(bool, Vec<(u32, u32)>)> = bounds
                .par_iter()
                .map(|&(i, j)| {
                    let group = &batch[i..j];
                    if judge.is_stock(group.iter().map(|e| Row(e.2))) {
                        return (true, Vec::new());
                    }
                    let mut pairs = Vec::new();
                    if group.len() <= MAX_GROUP {
                        for (x, ea) in group.iter().enumerate() {
                            for eb in &group[x + 1..] {
                                let (ra, rb) = (Row(ea.2), Row(eb.2));
                                if ea.1 != eb.1 && judge.may_pair(ra, rb) {
                                    pairs.push((ra.0.min(rb.0), ra.0.max(rb.0)));
                                }
                            }
                        }
                    }
                    (false, pairs)
                })
                .collect();
            for (&(i, j), (stock, p)) in bounds.iter().zip(results) {
                if stock {
                    stock_keys += 1;
                    for e in &batch[i..j] {
                        stock_units.set(e.3 as usize);
                    }
                }
                pairs.extend(p)?;
            }
            Ok(())
        },
    )?;
    let mut counted = Vec::new();
    space.finish(pairs)?.for_each_batch(
        GROUP_BATCH,
        |x, y| x == y,
        |batch| {
            counted.extend(
                batch
                    .chunk_by(|x, y| x == y)
                    .map(|run| (Row(run[0].0), Row(run[0].1), run.len() as u32)),
            );
            Ok(())
        },
    )?;
    Ok(BagIndex {
        pairs: counted,
        stock_units,
        keys,
        stock_keys,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(words: &[u32]) -> Vec<u32> {
        let mut v = words.to_vec();
        v.sort_unstable();
        v.dedup();
        v
    }

    #[test]
    fn the_same_set_in_any_order_has_the_same_keys() {
        let a: Vec<u32> = (1..15).collect();
        let mut b = a.clone();
        b.reverse();
        assert_eq!(keys(&set(&a)), keys(&set(&b)));
    }

    #[test]
    fn half_shared_sets_often_share_a_key_and_disjoint_ones_never() {
        let mut shared_half = 0;
        let mut disjoint = 0;
        for t in 0..200u32 {
            let base: Vec<u32> = (0..12).map(|i| t * 1000 + i).collect();
            let mut half = base[..8].to_vec();
            half.extend((0..4).map(|i| t * 1000 + 500 + i));
            let other: Vec<u32> = (0..12).map(|i| t * 1000 + 700 + i).collect();
            let (k, kh, ko) = (keys(&set(&base)), keys(&set(&half)), keys(&set(&other)));
            shared_half += usize::from(k.iter().zip(&kh).any(|(x, y)| x == y));
            disjoint += usize::from(k.iter().zip(&ko).any(|(x, y)| x == y));
        }
        // J = 8/16 = 0.5: 1 - (1 - 0.125)^8 = 0.66 expected.
        assert!(shared_half > 100, "{shared_half}");
        assert_eq!(disjoint, 0);
    }
}
