//! LSH banding: from signatures to candidate pairs.
//!
//! A signature of `k` slots is cut into `bands` bands of `rows` slots. Two
//! documents become a candidate pair when all rows of at least one band agree,
//! which happens with probability `1 - (1 - J^rows)^bands` for Jaccard `J`:
//! an S-curve whose steep part sits near the threshold. Candidates are then
//! verified on the full signatures (see [`crate::cluster`]), so a false
//! positive costs only a comparison, while a false negative loses a duplicate
//! for good.
//!
//! # Choosing bands and rows
//!
//! [`optimal_params`] picks `bands * rows <= k` minimising
//! `FP_WEIGHT * FP + FN_WEIGHT * FN`, where `FP` is the area under the S-curve
//! below the threshold and `FN` the area above it missed (the method of
//! datasketch and *Mining of Massive Datasets*, ch. 3). Because candidates are
//! verified, false negatives weigh 19 times more than false positives: for
//! the default `t = 0.7, k = 128` this gives 21 bands of 6 rows, which finds
//! a pair at `J = 0.75` with probability 0.984 (datasketch's equal weights
//! give 14 x 9, which finds it with probability 0.66); for `t = 0.8` it gives
//! 16 bands of 8 rows, which finds a pair at `J = 0.85` with probability
//! 0.994 (equal weights: 9 x 13, probability 0.69).
//!
//! # Buckets
//!
//! A band's key (see [`band_key`]) is a 64-bit hash of the band's values.
//! Bands are processed a batch at a time, as many as the memory budget holds
//! (at least one per thread). One row-major pass over the signatures, in
//! parallel over runs of rows, makes the keys of all the batch's bands for
//! each row and stores them as 8-byte entries: the key's high 32 bits above
//! the row number. Each band's entries are then sorted on their own (bands in
//! parallel); a run of entries with the same high half is a group, whose rows'
//! full keys are computed again and sorted (stably, so rows stay in input
//! order), and every run of equal full keys is a bucket. Sorting a flat
//! `Vec<u64>` is faster and far smaller than a hash map of vectors. A bucket
//! of up to [`FULL_BUCKET`] documents yields all its pairs; a larger one
//! (typically thousands of copies of one text) yields a star from its first
//! member plus a chain, which is enough to connect every member that is a
//! true duplicate of the others while keeping the number of candidates
//! linear. Each band's pairs are sorted and deduplicated, and the bands'
//! lists merged, so the output is the same whatever the thread count or the
//! batch size. For signatures too large for memory,
//! [`candidate_pairs_spilled`] writes the entries to one temporary file per
//! band and sorts the bands a few at a time.
//!
//! Entries, buckets and packed pairs hold a signature [`Row`] as its bare
//! `u32` number; rows become [`Row`]s again where pairs leave the module
//! ([`unpack`]).

use rayon::prelude::*;

use crate::document::Row;
use crate::error::{Error, Result};
use crate::minhash::{Signatures, mix64};

/// Weight of the false-positive area when choosing bands and rows.
pub const FP_WEIGHT: f64 = 0.05;
/// Weight of the false-negative area when choosing bands and rows.
pub const FN_WEIGHT: f64 = 0.95;
/// Buckets up to this size yield all their pairs; larger ones a star and a chain.
pub const FULL_BUCKET: usize = 64;

/// Bands and rows per band.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct LshParams {
    /// Number of bands.
    pub bands: usize,
    /// Slots per band.
    pub rows: usize,
}

impl LshParams {
    /// Probability that a pair with Jaccard `j` becomes a candidate.
    pub fn candidate_probability(&self, j: f64) -> f64 {
        1.0 - (1.0 - j.powi(self.rows as i32)).powi(self.bands as i32)
    }

    /// Checks the banding fits in `num_perm` slots.
    pub fn validate(&self, num_perm: usize) -> Result<()> {
        if self.bands == 0 || self.rows == 0 || self.bands * self.rows > num_perm {
            return Err(Error::usage(format!(
                "`bands` {} x `rows` {} must be at least 1 x 1 and use at most `num_perm` {} slots",
                self.bands, self.rows, num_perm
            )));
        }
        Ok(())
    }
}

/// Integrates `f` over `[a, b]` (Simpson's rule; the curves are smooth).
fn integrate(f: impl Fn(f64) -> f64, a: f64, b: f64) -> f64 {
    let n = 200;
    let h = (b - a) / n as f64;
    let mut s = f(a) + f(b);
    for i in 1..n {
        let x = a + i as f64 * h;
        s += if i % 2 == 1 { 4.0 } else { 2.0 } * f(x);
    }
    s * h / 3.0
}

/// Bands and rows for a Jaccard `threshold` and `num_perm` slots, minimising
/// the weighted false positive and false negative areas.
pub fn optimal_params(threshold: f64, num_perm: usize) -> LshParams {
    let mut best = (f64::INFINITY, LshParams { bands: 1, rows: 1 });
    for bands in 1..=num_perm {
        for rows in 1..=num_perm / bands {
            let p = LshParams { bands, rows };
            let fp = integrate(|j| p.candidate_probability(j), 0.0, threshold);
            let fnr = integrate(|j| 1.0 - p.candidate_probability(j), threshold, 1.0);
            let cost = FP_WEIGHT * fp + FN_WEIGHT * fnr;
            if cost < best.0 - 1e-12 {
                best = (cost, p);
            }
        }
    }
    best.1
}

/// The key of band `band` of a signature row: its values packed four to a
/// word, the words rotated apart and xored with the band's seed, then mixed
/// by splitmix64 (a bijection). Two rows' keys agree when their bands do;
/// otherwise they differ unless two or more of their words differ and these
/// happen to cancel, a 2^-64 chance for MinHash values.
#[inline]
pub fn band_key(row: &[u16], band: usize, rows: usize) -> u64 {
    let values = &row[band * rows..(band + 1) * rows];
    let mut h = (band as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    for (j, chunk) in values.chunks(4).enumerate() {
        let mut w = 0u64;
        for (i, &v) in chunk.iter().enumerate() {
            w |= u64::from(v) << (16 * i);
        }
        h ^= w.rotate_left((j as u32 * 23) % 64);
    }
    mix64(h)
}

/// A candidate pair of signature [`Row`]s (their numbers), `a < b`, packed as
/// `a << 32 | b`.
#[inline]
pub(crate) fn pack(a: u32, b: u32) -> u64 {
    debug_assert!(a < b);
    (u64::from(a) << 32) | u64::from(b)
}

/// Unpacks a candidate pair into its two signature [`Row`]s.
#[inline]
pub fn unpack(p: u64) -> (Row, Row) {
    (Row((p >> 32) as u32), Row(p as u32))
}

/// Candidate pairs of signature rows `(a, b)`, `a < b`, sorted and distinct,
/// packed as `a << 32 | b` (use [`unpack`] to get the [`Row`]s).
///
/// Bands are processed a batch at a time: as many as `budget` bytes of
/// entries hold (8 bytes per document and band), and at least one per
/// thread. A batch's entries are made in one pass over the signature rows
/// (row after row, in parallel over runs of rows), then each band is sorted
/// and cut into buckets.
pub fn candidate_pairs(sigs: &Signatures, params: LshParams, budget: u64) -> Vec<u64> {
    const RUN: usize = 4096;
    let n = sigs.len();
    let threads = rayon::current_num_threads().max(1);
    let fit = budget / (8 * n.max(1) as u64);
    let per_batch = (fit.min(params.bands as u64) as usize).max(threads);
    let mut pairs: Vec<u64> = Vec::new();
    let bands: Vec<usize> = (0..params.bands).collect();
    for batch in bands.chunks(per_batch) {
        let mut entries: Vec<Vec<u64>> = batch.iter().map(|_| vec![0u64; n]).collect();
        // Run `i` of every band's entries, to fill in parallel.
        let mut runs: Vec<Vec<&mut [u64]>> = (0..n.div_ceil(RUN)).map(|_| Vec::new()).collect();
        for band in &mut entries {
            for (run, chunk) in runs.iter_mut().zip(band.chunks_mut(RUN)) {
                run.push(chunk);
            }
        }
        runs.into_par_iter().enumerate().for_each(|(i, mut run)| {
            for j in 0..run[0].len() {
                let r = (i * RUN + j) as u32;
                let row = sigs.row(Row(r));
                for (out, &band) in run.iter_mut().zip(batch) {
                    out[j] = entry(band_key(row, band, params.rows), r);
                }
            }
        });
        let found: Vec<Vec<u64>> = entries
            .into_par_iter()
            .zip(batch)
            .map(|(e, &band)| band_pairs(e, |r| band_key(sigs.row(Row(r)), band, params.rows)))
            .collect();
        for f in found {
            pairs = merge_sorted(&pairs, &f);
        }
    }
    pairs
}

/// A band entry: the key's high 32 bits above the row.
#[inline]
fn entry(key: u64, row: u32) -> u64 {
    (key & !0xFFFF_FFFF) | u64::from(row)
}

/// Candidate pairs like [`candidate_pairs`], for signatures too large for
/// memory (file-backed): one sequential pass computes every band's entry of
/// every row and spills them to one temporary file per band in `dir`; each
/// band's file is then read back, sorted in memory (8 bytes a row) and cut
/// into buckets, a few bands at a time.
pub fn candidate_pairs_spilled(
    sigs: &Signatures,
    params: LshParams,
    dir: &std::path::Path,
) -> std::io::Result<Vec<u64>> {
    use std::io::{BufReader, BufWriter, Read, Seek, Write};
    let mut files = Vec::with_capacity(params.bands);
    for _ in 0..params.bands {
        // Anonymous: no name is left behind, however the process ends.
        let f = tempfile::tempfile_in(dir)?;
        files.push(BufWriter::with_capacity(1 << 20, f));
    }
    for r in 0..sigs.len() as u32 {
        let row = sigs.row(Row(r));
        for (band, f) in files.iter_mut().enumerate() {
            f.write_all(&entry(band_key(row, band, params.rows), r).to_le_bytes())?;
        }
    }
    let mut readers = Vec::with_capacity(params.bands);
    for f in files {
        let mut f = f.into_inner().map_err(|e| e.into_error())?;
        f.rewind()?;
        readers.push(f);
    }
    let per_batch = rayon::current_num_threads().max(1);
    let mut pairs: Vec<u64> = Vec::new();
    for (b, batch) in readers.chunks_mut(per_batch).enumerate() {
        let found: Vec<std::io::Result<Vec<u64>>> = batch
            .par_iter_mut()
            .enumerate()
            .map(|(i, f)| {
                let band = b * per_batch + i;
                let mut entries: Vec<u64> = Vec::with_capacity(sigs.len());
                let mut rd = BufReader::with_capacity(1 << 20, f);
                let mut rec = [0u8; 8];
                for _ in 0..sigs.len() {
                    rd.read_exact(&mut rec)?;
                    entries.push(u64::from_le_bytes(rec));
                }
                Ok(band_pairs(entries, |r| {
                    band_key(sigs.row(Row(r)), band, params.rows)
                }))
            })
            .collect();
        for f in found {
            pairs = merge_sorted(&pairs, &f?);
        }
    }
    Ok(pairs)
}

/// The union of two sorted, duplicate-free lists, sorted and duplicate-free.
fn merge_sorted(a: &[u64], b: &[u64]) -> Vec<u64> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        out.push(x.min(y));
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

/// The candidate pairs of one band from its entries, sorted and without
/// duplicates. Entries whose keys agree on the high 32 bits are sorted
/// together; `key` gives a row's full key, which splits them into buckets.
fn band_pairs(mut entries: Vec<u64>, key: impl Fn(u32) -> u64) -> Vec<u64> {
    entries.sort_unstable();
    let mut out = Vec::new();
    let mut group: Vec<(u64, u32)> = Vec::new();
    let mut start = 0;
    while start < entries.len() {
        let high = entries[start] >> 32;
        let mut end = start + 1;
        while end < entries.len() && entries[end] >> 32 == high {
            end += 1;
        }
        if end - start > 1 {
            group.clear();
            group.extend(
                entries[start..end]
                    .iter()
                    .map(|&e| (key(e as u32), e as u32)),
            );
            // Stable: rows stay in order within a bucket.
            group.sort_by_key(|g| g.0);
            let mut a = 0;
            while a < group.len() {
                let mut b = a + 1;
                while b < group.len() && group[b].0 == group[a].0 {
                    b += 1;
                }
                bucket_pairs(&group[a..b], &mut out);
                a = b;
            }
        }
        start = end;
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Pairs of one bucket (members sorted by row).
fn bucket_pairs(bucket: &[(u64, u32)], out: &mut Vec<u64>) {
    let m = bucket.len();
    if m < 2 {
        return;
    }
    if m <= FULL_BUCKET {
        for i in 0..m {
            for j in i + 1..m {
                out.push(pack(bucket[i].1, bucket[j].1));
            }
        }
    } else {
        let first = bucket[0].1;
        for w in bucket.windows(2) {
            out.push(pack(first, w[1].1));
            if w[0].1 != first {
                out.push(pack(w[0].1, w[1].1));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::minhash::{MinHasher, SignatureParams};
    use crate::normalize::NormalizeOptions;

    #[test]
    fn default_threshold_gives_21_by_6() {
        // The defaults of `config`: threshold 0.7, 128 permutations.
        let p = optimal_params(0.7, 128);
        assert_eq!(p, LshParams { bands: 21, rows: 6 });
        assert!(p.candidate_probability(0.75) > 0.98, "{p:?}");
        // The other figures of the module documentation.
        assert_eq!(optimal_params(0.8, 128), LshParams { bands: 16, rows: 8 });
        let p = optimal_params(0.5, 128);
        assert!(p.bands * p.rows <= 128);
        assert!(p.candidate_probability(0.55) > 0.99, "{p:?}");
    }

    #[test]
    fn recall_above_threshold_is_high() {
        for &t in &[0.5, 0.6, 0.7, 0.8, 0.9] {
            let p = optimal_params(t, 128);
            let at = (t + 0.05).min(1.0);
            assert!(p.candidate_probability(at) > 0.98, "t={t} {p:?}");
            assert!(p.candidate_probability(t - 0.4) < 0.1, "t={t} {p:?}");
        }
    }

    #[test]
    fn merge_is_a_sorted_union() {
        let a = [1u64, 4, 5, 9];
        let b = [2u64, 4, 9, 10, 11];
        assert_eq!(merge_sorted(&a, &b), vec![1, 2, 4, 5, 9, 10, 11]);
        assert_eq!(merge_sorted(&[], &b), b.to_vec());
        assert_eq!(merge_sorted(&a, &[]), a.to_vec());
    }

    #[test]
    fn keys_equal_in_their_high_bits_are_split_into_buckets() {
        // Rows 0-3: keys sharing their high half; 0 and 2 truly equal.
        let keys = [
            0xAAAA_0000_0000_0001u64,
            0xAAAA_0000_0000_0002,
            0xAAAA_0000_0000_0001,
            0xAAAA_0000_0000_0003,
        ];
        let entries: Vec<u64> = keys
            .iter()
            .enumerate()
            .map(|(r, &k)| entry(k, r as u32))
            .collect();
        assert_eq!(band_pairs(entries, |r| keys[r as usize]), vec![pack(0, 2)]);
    }

    #[test]
    fn band_key_uses_only_its_band() {
        let mut row: Vec<u16> = (0..16).collect();
        let k0 = band_key(&row, 0, 8);
        let k1 = band_key(&row, 1, 8);
        row[12] = 999;
        assert_eq!(band_key(&row, 0, 8), k0);
        assert_ne!(band_key(&row, 1, 8), k1);
        // The band number is part of the key.
        let same: Vec<u16> = vec![5; 16];
        assert_ne!(band_key(&same, 0, 8), band_key(&same, 1, 8));
    }

    #[test]
    fn spilled_bands_give_the_same_pairs() {
        let h = MinHasher::new(SignatureParams {
            num_perm: 128,
            shingle: 5,
            seed: 3,
            normalize: NormalizeOptions::all(),
        })
        .unwrap();
        let mut sigs = Signatures::new(h.params().clone());
        for i in 0..300 {
            let t = format!(
                "story number {} about the harbour and the strike {}",
                i % 40,
                i % 7
            );
            sigs.push(h.signature(&t).unwrap().values(), 0);
        }
        let dir = tempfile::tempdir().unwrap();
        let p = LshParams { bands: 16, rows: 8 };
        let direct = candidate_pairs(&sigs, p, u64::MAX);
        assert!(!direct.is_empty());
        assert_eq!(
            candidate_pairs_spilled(&sigs, p, dir.path()).unwrap(),
            direct
        );
    }

    #[test]
    fn finds_near_duplicates_and_big_buckets_stay_linear() {
        let h = MinHasher::new(SignatureParams {
            num_perm: 128,
            shingle: 5,
            seed: 1,
            normalize: NormalizeOptions::all(),
        })
        .unwrap();
        let mut sigs = Signatures::new(h.params().clone());
        let base = "the minister said on monday that talks would continue next week in the capital";
        sigs.push(h.signature(base).unwrap().values(), 0);
        sigs.push(
            h.signature("an entirely different story about football results")
                .unwrap()
                .values(),
            0,
        );
        sigs.push(h.signature(&format!("{base} today")).unwrap().values(), 0);
        for _ in 0..200 {
            sigs.push(h.signature("a copied wire story").unwrap().values(), 0);
        }
        let pairs = candidate_pairs(&sigs, LshParams { bands: 16, rows: 8 }, 1);
        assert!(pairs.contains(&pack(0, 2)));
        assert!(
            !pairs
                .iter()
                .any(|&p| unpack(p).0 == Row(1) || unpack(p).1 == Row(1))
        );
        // 200 identical rows: star + chain, not 19,900 pairs.
        assert!(pairs.len() < 2 * 200 + 1, "{}", pairs.len());
        assert!(pairs.windows(2).all(|w| w[0] < w[1]));
    }
}
