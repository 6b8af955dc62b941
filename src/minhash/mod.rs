//! MinHash signatures: one-permutation hashing with optimal densification.
//!
//! # Scheme
//!
//! Classic MinHash applies `k` independent hash functions to every shingle
//! and keeps `k` minima: O(k) work per shingle, the bottleneck of most dedup
//! tools. We use *one-permutation hashing* (OPH, Li, Owen & Zhang 2012) with
//! *optimal densification* (Shrivastava, ICML 2017), which gives the same
//! estimator quality for O(1) work per shingle:
//!
//! 1. each shingle hash `h` (64-bit xxh3, seeded) is split: its high 32 bits
//!    pick a slot `i = (h >> 32) * k >> 32`, its low 32 bits are the value;
//! 2. every slot keeps the minimum value it saw;
//! 3. a slot that saw nothing (a document with few shingles) borrows the value
//!    of a non-empty slot chosen by a hash sequence `j = slot(mix(seed, i, t))`
//!    for `t = 0, 1, ...` until one is non-empty. Both documents of a pair use
//!    the same sequence, which is what makes the estimator unbiased
//!    (Shrivastava 2017, Theorem 3.1).
//!
//! The signature keeps the low 16 bits of each slot value (b-bit minwise
//! hashing, Li & König 2010): 256 bytes per document at the default
//! `k = 128`. Two different minima agree on 16 bits with probability
//! `c = 2^-16`, so the estimate `(m/k - c) / (1 - c)` for `m` equal slots is
//! unbiased; the variance is that of classic MinHash, `J(1-J)/k`, to within
//! that correction. The test `estimate_is_unbiased_with_minhash_spread`
//! checks mean error < 0.01 and the spread against `sqrt(J(1-J)/k)` on
//! random pairs of sets.
//!
//! # Parameters
//!
//! A signature is only meaningful together with the parameters that made it
//! (permutations, shingle size, seed, normalization); [`SignatureParams`]
//! carries them and [`Signature::jaccard`] refuses to compare signatures made
//! with different ones.

use std::fmt;

use crate::error::{Error, ErrorKind, Result};
use crate::normalize::NormalizeOptions;
use crate::shingle::{MAX_SHINGLE, for_each_shingle};

/// Value of an empty slot while signing. (A slot whose only values were
/// this one counts as empty too: both documents of a pair agree on that,
/// and it happens once in 2^32 shingles.)
const EMPTY: u32 = u32::MAX;
/// Probability that two different slot minima agree on their stored 16 bits.
const B_BIT_COLLISION: f64 = 1.0 / 65536.0;

/// Everything that determines a signature.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SignatureParams {
    /// Number of slots (`--num-perm`).
    pub num_perm: usize,
    /// Shingle size in characters (`--shingle`).
    pub shingle: usize,
    /// Seed of the shingle hash and the densification sequence (`--seed`).
    pub seed: u64,
    /// Normalization applied before shingling.
    pub normalize: NormalizeOptions,
}

impl SignatureParams {
    /// Checks the parameters can make signatures.
    pub fn validate(&self) -> Result<()> {
        if !(1..=MAX_SHINGLE).contains(&self.shingle) {
            return Err(Error::usage(format!(
                "--shingle must be between 1 and {MAX_SHINGLE}, got {}",
                self.shingle
            )));
        }
        if !(2..=4096).contains(&self.num_perm) {
            return Err(Error::usage(format!(
                "--num-perm must be between 2 and 4096, got {}",
                self.num_perm
            )));
        }
        Ok(())
    }

    /// Fails unless `other` made signatures comparable with ours.
    pub fn check_compatible(&self, other: &SignatureParams) -> Result<()> {
        if self == other {
            Ok(())
        } else {
            Err(Error::from(ErrorKind::IncompatibleSignatures {
                expected: self.to_string(),
                found: other.to_string(),
            }))
        }
    }
}

impl fmt::Display for SignatureParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "num_perm={} shingle={} seed={} normalize={}",
            self.num_perm,
            self.shingle,
            self.seed,
            self.normalize.enabled_names().join(",")
        )
    }
}

/// Makes signatures for one set of parameters. Cheap to share across threads.
#[derive(Clone, Debug)]
pub struct MinHasher {
    params: SignatureParams,
}

/// Reusable per-thread working memory of a [`MinHasher`].
#[derive(Clone, Debug, Default)]
pub struct Scratch {
    slots: Vec<u32>,
    fine: Vec<u32>,
}

/// Folds shingle hashes into slot minima (high 32 bits pick the slot, low 32
/// bits are the value).
#[inline]
fn fold_hashes(hashes: &[u64], slots: &mut [u32]) {
    let k = slots.len();
    for &h in hashes {
        let i = slot(h >> 32, k);
        let v = h as u32;
        let s = &mut slots[i];
        *s = (*s).min(v);
    }
}

impl MinHasher {
    /// A hasher for `params` (validated).
    pub fn new(params: SignatureParams) -> Result<MinHasher> {
        params.validate()?;
        Ok(MinHasher { params })
    }

    /// The parameters of the signatures this hasher makes.
    pub fn params(&self) -> &SignatureParams {
        &self.params
    }

    /// Signs already-normalized text into `out` (`num_perm` values). Returns
    /// `false`, leaving `out` untouched, when the text has no shingle (it is
    /// empty).
    pub fn sign_normalized(&self, text: &str, scratch: &mut Scratch, out: &mut [u16]) -> bool {
        scratch.slots.clear();
        scratch.slots.resize(self.params.num_perm, EMPTY);
        let any = self.fold(text, &mut scratch.slots);
        if any {
            self.finish(&scratch.slots, out);
        }
        any
    }

    /// Folds the shingles of `text` into the slot minima `slots` (their
    /// number is the slot count). Returns whether there was any shingle.
    fn fold(&self, text: &str, slots: &mut [u32]) -> bool {
        // The common slot counts get a fixed-size array: the slot index is a
        // shift the compiler knows is in bounds (`(h >> 32) * k >> 32` is
        // `h >> (64 - log2 k)` for a power of two, so results are identical).
        match slots.len() {
            64 => self.fold_fixed::<64>(text, slots),
            128 => self.fold_fixed::<128>(text, slots),
            256 => self.fold_fixed::<256>(text, slots),
            512 => self.fold_fixed::<512>(text, slots),
            1024 => self.fold_fixed::<1024>(text, slots),
            2048 => self.fold_fixed::<2048>(text, slots),
            k => {
                let mut any = false;
                for_each_shingle(text, self.params.shingle, self.params.seed, |h| {
                    let s = &mut slots[slot(h >> 32, k)];
                    *s = (*s).min(h as u32);
                    any = true;
                });
                any
            }
        }
    }

    /// Folds the shingles of `text` into `K` slots (`K` a power of two).
    #[inline]
    fn fold_fixed<const K: usize>(&self, text: &str, slots: &mut [u32]) -> bool {
        let slots: &mut [u32; K] = slots.try_into().expect("K slots");
        let shift = 64 - K.trailing_zeros();
        let mut any = false;
        for_each_shingle(text, self.params.shingle, self.params.seed, |h| {
            let s = &mut slots[(h >> shift) as usize % K];
            *s = (*s).min(h as u32);
            any = true;
        });
        any
    }

    /// Signs already-normalized text into `out` (`num_perm` values) and into
    /// the finer signature `fine` (`F = fine.len()` slots, a multiple of
    /// `num_perm`) in the same pass. Returns `false`, leaving both untouched,
    /// when the text has no shingle.
    ///
    /// Every shingle updates one of `F` slots; slot `i` of the coarse
    /// signature is the minimum of fine slots `i·F/k .. (i+1)·F/k` (the slot
    /// functions nest), so `out` is exactly what [`Self::sign_normalized`]
    /// makes, and the finer signature costs a few operations per *slot*,
    /// not per shingle. Fine slots are not densified: each keeps one byte,
    /// 0 when it saw nothing, else the top byte of its 32-bit minimum (0
    /// counted as 1); [`estimate_fine`] compares them.
    pub fn sign_normalized_fine(
        &self,
        text: &str,
        scratch: &mut Scratch,
        out: &mut [u16],
        fine: &mut [u8],
    ) -> bool {
        let k = self.params.num_perm;
        let f = fine.len();
        assert!(
            f >= k && f.is_multiple_of(k),
            "fine width must be a multiple of num_perm"
        );
        scratch.fine.clear();
        scratch.fine.resize(f, EMPTY);
        let any = self.fold(text, &mut scratch.fine);
        if any {
            self.finish_fine(scratch, out, fine);
        }
        any
    }

    /// Makes the coarse signature from the fine slot minima in
    /// `scratch.fine`, and the fine signature's bytes.
    fn finish_fine(&self, scratch: &mut Scratch, out: &mut [u16], fine: &mut [u8]) {
        let group = fine.len() / self.params.num_perm;
        scratch.slots.clear();
        if group == 8 {
            scratch.slots.extend(scratch.fine.chunks_exact(8).map(|g| {
                let (a, b) = (g[0].min(g[1]), g[2].min(g[3]));
                let (c, d) = (g[4].min(g[5]), g[6].min(g[7]));
                a.min(b).min(c.min(d))
            }));
        } else {
            scratch.slots.extend(
                scratch
                    .fine
                    .chunks_exact(group)
                    .map(|g| g.iter().fold(EMPTY, |m, &v| m.min(v))),
            );
        }
        self.finish(&scratch.slots, out);
        for (o, &v) in fine.iter_mut().zip(&scratch.fine) {
            *o = fine_byte(v);
        }
    }

    /// Signs a set of already-hashed items (for callers with their own
    /// shingling). Returns `false` when there are none.
    pub fn sign_hashes(
        &self,
        hashes: impl IntoIterator<Item = u64>,
        scratch: &mut Scratch,
        out: &mut [u16],
    ) -> bool {
        let k = self.params.num_perm;
        let hashes: Vec<u64> = hashes.into_iter().collect();
        if hashes.is_empty() {
            return false;
        }
        scratch.slots.clear();
        scratch.slots.resize(k, EMPTY);
        fold_hashes(&hashes, &mut scratch.slots);
        self.finish(&scratch.slots, out);
        true
    }

    /// Densifies and truncates the slot minima into `out`.
    fn finish(&self, slots: &[u32], out: &mut [u16]) {
        let k = slots.len();
        assert_eq!(out.len(), k, "signature buffer has the wrong length");
        for (i, o) in out.iter_mut().enumerate() {
            let mut v = slots[i];
            let mut t = 0u64;
            while v == EMPTY {
                // Optimal densification: borrow from a non-empty slot picked by
                // a sequence that depends only on (seed, i, t), never from a
                // slot that was itself filled by borrowing.
                let r = mix64(self.params.seed ^ ((i as u64) << 32) ^ t ^ 0xD1B5_4A32_D192_ED03);
                v = slots[slot(r >> 32, k)];
                t += 1;
            }
            *o = v as u16;
        }
    }

    /// Signs normalized text into a new [`Signature`] (`None` if empty).
    pub fn signature(&self, normalized: &str) -> Option<Signature> {
        let mut values = vec![0u16; self.params.num_perm];
        self.sign_normalized(normalized, &mut Scratch::default(), &mut values)
            .then(|| Signature {
                params: self.params.clone(),
                values,
            })
    }
}

/// Maps 32 random bits to a slot in `0..k` (Lemire's multiply-shift).
#[inline(always)]
fn slot(r32: u64, k: usize) -> usize {
    ((r32 * k as u64) >> 32) as usize
}

/// The splitmix64 finalizer: a fast, well-mixing bijection on `u64`.
#[inline(always)]
pub fn mix64(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Number of slots where two signatures agree.
#[inline]
pub fn matches(a: &[u16], b: &[u16]) -> usize {
    a.iter().zip(b).filter(|(x, y)| x == y).count()
}

/// Jaccard estimate from the number of agreeing slots out of `k`.
#[inline]
pub fn estimate_from_matches(m: usize, k: usize) -> f64 {
    let raw = m as f64 / k as f64;
    ((raw - B_BIT_COLLISION) / (1.0 - B_BIT_COLLISION)).clamp(0.0, 1.0)
}

/// The byte a fine slot keeps: 0 when empty, else the top byte of its
/// minimum with 0 folded into 1.
#[inline(always)]
fn fine_byte(v: u32) -> u8 {
    if v == EMPTY {
        0
    } else {
        ((v >> 24) as u8).max(1)
    }
}

/// Probability that two different fine minima get the same byte: 254 bytes
/// of probability 1/256 and byte 1 of probability 2/256.
const FINE_COLLISION: f64 = 258.0 / 65536.0;

/// Jaccard estimate of two finer signatures made by
/// [`MinHasher::sign_normalized_fine`] with the same parameters.
///
/// One-permutation hashing without densification (Li, Owen & Zhang 2012):
/// slots empty in both documents are left out, a slot empty in only one is
/// a mismatch, and among slots filled in both, the chance agreement of two
/// different minima on one byte (about 1/254) is corrected.
pub fn estimate_fine(a: &[u8], b: &[u8]) -> f64 {
    debug_assert_eq!(a.len(), b.len());
    let (mut equal, mut both_empty, mut both_full) = (0u32, 0u32, 0u32);
    for (&x, &y) in a.iter().zip(b) {
        equal += u32::from(x == y && x != 0);
        both_empty += u32::from((x | y) == 0);
        both_full += u32::from(x != 0 && y != 0);
    }
    let used = a.len() as f64 - f64::from(both_empty);
    if used <= 0.0 {
        return 0.0;
    }
    let c = FINE_COLLISION;
    let true_equal = (f64::from(equal) - c * f64::from(both_full)) / (1.0 - c);
    (true_equal / used).clamp(0.0, 1.0)
}

/// Jaccard estimate of two signature rows made with the same parameters.
#[inline]
pub fn estimate(a: &[u16], b: &[u16]) -> f64 {
    debug_assert_eq!(a.len(), b.len());
    estimate_from_matches(matches(a, b), a.len())
}

/// A standalone signature that carries its parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    params: SignatureParams,
    values: Vec<u16>,
}

impl Signature {
    /// The parameters that made it.
    pub fn params(&self) -> &SignatureParams {
        &self.params
    }

    /// The slot values.
    pub fn values(&self) -> &[u16] {
        &self.values
    }

    /// Estimated Jaccard similarity; an error if the parameters differ.
    pub fn jaccard(&self, other: &Signature) -> Result<f64> {
        self.params.check_compatible(&other.params)?;
        Ok(estimate(&self.values, &other.values))
    }
}

/// The signatures of a corpus: one row of `num_perm` values per signed
/// document, in one flat array.
///
/// The array lives in memory, or, once it outgrows the run's memory budget,
/// in a temporary file: [`spill`](Self::spill) moves the rows written so far
/// there, later rows are appended to it, and [`seal`](Self::seal) maps it
/// read-only, so [`row`](Self::row) keeps returning plain slices while the
/// operating system pages the file in and out.
pub struct Signatures {
    params: SignatureParams,
    store: Store,
    rows: usize,
    /// The first write error of a spilled store, reported by `seal`.
    error: Option<std::io::Error>,
}

/// Where the rows live.
enum Store {
    Memory(Vec<u16>),
    Writing {
        file: std::io::BufWriter<std::fs::File>,
        path: tempfile::TempPath,
    },
    Mapped {
        map: memmap2::Mmap,
        /// Keeps the file until the map is dropped.
        _path: tempfile::TempPath,
    },
}

impl fmt::Debug for Signatures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signatures")
            .field("params", &self.params)
            .field("rows", &self.rows)
            .field("file_backed", &self.is_file_backed())
            .finish()
    }
}

impl Signatures {
    /// An empty set of signatures, in memory.
    pub fn new(params: SignatureParams) -> Signatures {
        Signatures {
            params,
            store: Store::Memory(Vec::new()),
            rows: 0,
            error: None,
        }
    }

    /// The parameters of every row.
    pub fn params(&self) -> &SignatureParams {
        &self.params
    }

    /// Values per row.
    pub fn width(&self) -> usize {
        self.params.num_perm
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Whether the rows are in a temporary file rather than in memory.
    pub fn is_file_backed(&self) -> bool {
        !matches!(self.store, Store::Memory(_))
    }

    /// Reserves room for `rows` more rows in memory (address space only:
    /// pages are committed as rows are written), so that the table does not
    /// move while it grows.
    pub fn reserve(&mut self, rows: usize) {
        if let Store::Memory(data) = &mut self.store {
            data.reserve(rows * self.params.num_perm);
        }
    }

    /// Appends a row and returns its number. A write error of a spilled store
    /// is kept and returned by [`seal`](Self::seal).
    pub fn push(&mut self, row: &[u16]) -> u32 {
        assert_eq!(
            row.len(),
            self.width(),
            "signature row has the wrong length"
        );
        let r = self.rows as u32;
        match &mut self.store {
            Store::Memory(data) => data.extend_from_slice(row),
            Store::Writing { file, .. } => {
                if self.error.is_none()
                    && let Err(e) = std::io::Write::write_all(file, bytemuck::cast_slice(row))
                {
                    self.error = Some(e);
                }
            }
            Store::Mapped { .. } => panic!("signatures pushed after seal()"),
        }
        self.rows += 1;
        r
    }

    /// Moves the rows to a temporary file in `dir`; later rows are appended
    /// to it. Does nothing if they are already there.
    pub fn spill(&mut self, dir: &std::path::Path) -> std::io::Result<()> {
        let Store::Memory(data) = &mut self.store else {
            return Ok(());
        };
        let tmp = tempfile::Builder::new()
            .prefix("neardup-signatures-")
            .tempfile_in(dir)?;
        let (file, path) = tmp.into_parts();
        let mut file = std::io::BufWriter::with_capacity(1 << 20, file);
        std::io::Write::write_all(&mut file, bytemuck::cast_slice(data))?;
        self.store = Store::Writing { file, path };
        Ok(())
    }

    /// Ends writing: a spilled store is flushed and mapped for reading.
    pub fn seal(&mut self) -> std::io::Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        if !matches!(self.store, Store::Writing { .. }) {
            return Ok(());
        }
        let Store::Writing { file, path } =
            std::mem::replace(&mut self.store, Store::Memory(Vec::new()))
        else {
            unreachable!("checked above")
        };
        let file = file.into_inner().map_err(|e| e.into_error())?;
        // SAFETY: the file is this run's private temporary file, written
        // completely above and never modified while mapped.
        let map = unsafe { memmap2::Mmap::map(&file)? };
        self.store = Store::Mapped { map, _path: path };
        Ok(())
    }

    /// Row `r`.
    #[inline]
    pub fn row(&self, r: u32) -> &[u16] {
        let w = self.width();
        let range = r as usize * w..(r as usize + 1) * w;
        match &self.store {
            Store::Memory(data) => &data[range],
            Store::Mapped { map, .. } => &bytemuck::cast_slice::<u8, u16>(map)[range],
            Store::Writing { .. } => panic!("signatures read before seal()"),
        }
    }

    /// Estimated Jaccard similarity of rows `a` and `b`.
    #[inline]
    pub fn jaccard(&self, a: u32, b: u32) -> f64 {
        estimate(self.row(a), self.row(b))
    }

    /// Bytes of the rows (in memory or in the file).
    pub fn bytes(&self) -> usize {
        self.rows * self.width() * 2
    }

    /// Heap bytes held (0 once spilled).
    pub fn heap_bytes(&self) -> usize {
        match &self.store {
            Store::Memory(data) => data.capacity() * 2,
            _ => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(k: usize) -> SignatureParams {
        SignatureParams {
            num_perm: k,
            shingle: 5,
            seed: 42,
            normalize: NormalizeOptions::all(),
        }
    }

    /// A tiny deterministic generator for test data.
    fn rng(state: &mut u64) -> u64 {
        *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(*state)
    }

    /// Two hash sets with `n_common` shared items and `n_a`, `n_b` own items.
    fn pair(state: &mut u64, common: usize, own_a: usize, own_b: usize) -> (Vec<u64>, Vec<u64>) {
        let c: Vec<u64> = (0..common).map(|_| rng(state)).collect();
        let mut a = c.clone();
        let mut b = c;
        a.extend((0..own_a).map(|_| rng(state)));
        b.extend((0..own_b).map(|_| rng(state)));
        (a, b)
    }

    #[test]
    fn estimate_is_unbiased_with_minhash_spread() {
        let k = 128;
        let h = MinHasher::new(params(k)).unwrap();
        let mut scratch = Scratch::default();
        let (mut sa, mut sb) = (vec![0u16; k], vec![0u16; k]);
        // Several Jaccard levels, sizes from smaller than k (densification at
        // work) to much larger.
        for (level, &(common, own)) in [
            (900, 50),
            (600, 200),
            (300, 300),
            (100, 400),
            (40, 5),
            (20, 20),
        ]
        .iter()
        .enumerate()
        {
            let j = common as f64 / (common + 2 * own) as f64;
            let trials = 2000;
            let mut errs = Vec::with_capacity(trials);
            for t in 0..trials {
                let mut s = (level as u64 + 1) ^ (t as u64) << 20;
                let (a, b) = pair(&mut s, common, own, own);
                assert!(h.sign_hashes(a, &mut scratch, &mut sa));
                assert!(h.sign_hashes(b, &mut scratch, &mut sb));
                errs.push(estimate(&sa, &sb) - j);
            }
            let mean = errs.iter().sum::<f64>() / trials as f64;
            let sd = (errs.iter().map(|e| (e - mean) * (e - mean)).sum::<f64>()
                / (trials - 1) as f64)
                .sqrt();
            let expected_sd = (j * (1.0 - j) / k as f64).sqrt();
            assert!(mean.abs() < 0.01, "J={j:.3}: mean error {mean:.4}");
            assert!(
                sd < expected_sd * 1.25 && sd > expected_sd * 0.6,
                "J={j:.3}: sd {sd:.4} vs sqrt(J(1-J)/k) {expected_sd:.4}"
            );
        }
    }

    #[test]
    fn fine_estimate_is_unbiased_and_eight_times_finer() {
        let (k, f) = (128, 1024);
        let h = MinHasher::new(params(k)).unwrap();
        let mut scratch = Scratch::default();
        let (mut ca, mut cb) = (vec![0u16; k], vec![0u16; k]);
        let (mut fa, mut fb) = (vec![0u8; f], vec![0u8; f]);
        // From sets much larger than F to sets smaller than it (empty slots).
        for (level, &(common, own)) in [(4000, 300), (2000, 1000), (300, 30), (200, 200)]
            .iter()
            .enumerate()
        {
            let j = common as f64 / (common + 2 * own) as f64;
            let trials = 300;
            let mut errs = Vec::with_capacity(trials);
            for t in 0..trials {
                let mut s = (level as u64 + 7) ^ (t as u64) << 20;
                let (a, b) = pair(&mut s, common, own, own);
                for (set, c, fine) in [(a, &mut ca, &mut fa), (b, &mut cb, &mut fb)] {
                    scratch.fine.clear();
                    scratch.fine.resize(f, EMPTY);
                    fold_hashes(&set, &mut scratch.fine);
                    h.finish_fine(&mut scratch, c, fine);
                    // The coarse half is the ordinary signature.
                    let mut plain = vec![0u16; k];
                    assert!(h.sign_hashes(set, &mut Scratch::default(), &mut plain));
                    assert_eq!(&plain, c);
                }
                errs.push(estimate_fine(&fa, &fb) - j);
            }
            let mean = errs.iter().sum::<f64>() / trials as f64;
            let rms = (errs.iter().map(|e| e * e).sum::<f64>() / trials as f64).sqrt();
            let coarse_sd = (j * (1.0 - j) / k as f64).sqrt();
            assert!(mean.abs() < 0.006, "J={j:.3}: mean error {mean:.4}");
            assert!(
                rms < coarse_sd * 0.55,
                "J={j:.3}: rms {rms:.4} vs coarse sd {coarse_sd:.4}"
            );
        }
    }

    #[test]
    fn text_signatures_with_and_without_fine_agree() {
        let h = MinHasher::new(params(128)).unwrap();
        let mut scratch = Scratch::default();
        for text in [
            "a",
            "short text",
            "the quick brown fox jumps over the lazy dog, again and again",
            "السلام عليكم ورحمة الله وبركاته",
        ] {
            let mut plain = vec![0u16; 128];
            assert!(h.sign_normalized(text, &mut scratch, &mut plain));
            for f in [128, 384, 1024, 2048] {
                let (mut coarse, mut fine) = (vec![0u16; 128], vec![0u8; f]);
                assert!(h.sign_normalized_fine(text, &mut scratch, &mut coarse, &mut fine));
                assert_eq!(plain, coarse, "{text} F={f}");
                assert!((estimate_fine(&fine, &fine) - 1.0).abs() < 1e-9);
            }
        }
        let (mut coarse, mut fine) = (vec![0u16; 128], vec![0u8; 1024]);
        assert!(!h.sign_normalized_fine("", &mut scratch, &mut coarse, &mut fine));
    }

    #[test]
    fn fixed_slot_counts_match_the_general_formula() {
        for k in [64usize, 128, 256] {
            for h in [
                0u64,
                1 << 40,
                u64::MAX,
                0x9E37_79B9_7F4A_7C15,
                0x0123_4567_89AB_CDEF,
            ] {
                assert_eq!((h >> (64 - k.trailing_zeros())) as usize, slot(h >> 32, k));
            }
        }
        // And whole signatures agree with a non-power-of-two neighbour's path
        // only through that formula: sign with k = 128 both ways.
        let h = MinHasher::new(params(128)).unwrap();
        let text = "the formula and the shift pick the same slot for every shingle";
        let fixed = h.signature(text).unwrap();
        let mut general = vec![0u16; 128];
        let mut scratch = Scratch::default();
        let mut hashes = vec![];
        crate::shingle::for_each_shingle(text, 5, 42, |x| hashes.push(x));
        assert!(h.sign_hashes(hashes, &mut scratch, &mut general));
        assert_eq!(fixed.values(), &general[..]);
    }

    /// The shingle hash must behave like a random function on text:
    /// estimates from text signatures are unbiased with MinHash's spread,
    /// for Latin and Arabic letters (packed windows) and CJK (polynomial).
    /// Every trial makes its own random words, so trials are independent.
    #[test]
    fn text_estimates_are_unbiased() {
        use crate::shingle::{jaccard, shingle_set};
        // (first letter, number of letters, separator)
        let scripts = [(0x61u32, 26u64, " "), (0x627, 36, " "), (0x4E00, 3000, "")];
        let (k, trials) = (128, 600);
        let h = MinHasher::new(params(k)).unwrap();
        let mut scratch = Scratch::default();
        let (mut sa, mut sb) = (vec![0u16; k], vec![0u16; k]);
        for (script, &(first, letters, sep)) in scripts.iter().enumerate() {
            let mut errs = vec![];
            let mut state = 99 + script as u64;
            for _ in 0..trials {
                let vocab: Vec<String> = (0..60)
                    .map(|_| {
                        let len = 2 + rng(&mut state) % 6;
                        (0..len)
                            .map(|_| {
                                char::from_u32(first + (rng(&mut state) % letters) as u32).unwrap()
                            })
                            .collect()
                    })
                    .collect();
                let word = |state: &mut u64| vocab[(rng(state) % 60) as usize].as_str();
                let len = 100 + (rng(&mut state) % 200) as usize;
                let a: Vec<&str> = (0..len).map(|_| word(&mut state)).collect();
                // Edit a random share of the words (0 to 60%).
                let p = rng(&mut state) % 60;
                let b: Vec<&str> = a
                    .iter()
                    .map(|&w| {
                        if rng(&mut state) % 100 < p {
                            word(&mut state)
                        } else {
                            w
                        }
                    })
                    .collect();
                let (a, b) = (a.join(sep), b.join(sep));
                let j = jaccard(&shingle_set(&a, 5, 42), &shingle_set(&b, 5, 42));
                assert!(h.sign_normalized(&a, &mut scratch, &mut sa));
                assert!(h.sign_normalized(&b, &mut scratch, &mut sb));
                let sd = (j * (1.0 - j) / k as f64).sqrt().max(0.01);
                errs.push((estimate(&sa, &sb) - j, sd));
            }
            let mean = errs.iter().map(|e| e.0).sum::<f64>() / trials as f64;
            // Errors in units of their expected sd: spread about 1.
            let z =
                (errs.iter().map(|(e, sd)| (e / sd).powi(2)).sum::<f64>() / trials as f64).sqrt();
            assert!(mean.abs() < 0.005, "script {script}: mean error {mean:.4}");
            assert!(z > 0.7 && z < 1.2, "script {script}: spread {z:.2} sd");
        }
    }

    #[test]
    fn identical_and_disjoint_texts() {
        let h = MinHasher::new(params(64)).unwrap();
        let a = h.signature("the same words in the same order").unwrap();
        let b = h.signature("the same words in the same order").unwrap();
        let c = h.signature("قطعة مختلفة تماما من النص العربي").unwrap();
        assert_eq!(a.jaccard(&b).unwrap(), 1.0);
        assert!(a.jaccard(&c).unwrap() < 0.05);
        assert!(h.signature("").is_none());
        // A text shorter than a shingle still has a signature.
        assert!(h.signature("ab").is_some());
    }

    #[test]
    fn mismatched_parameters_are_refused() {
        let a = MinHasher::new(params(64))
            .unwrap()
            .signature("some text here")
            .unwrap();
        let mut p = params(64);
        p.seed = 7;
        let b = MinHasher::new(p)
            .unwrap()
            .signature("some text here")
            .unwrap();
        let err = a.jaccard(&b).unwrap_err();
        assert!(matches!(
            err.kind(),
            ErrorKind::IncompatibleSignatures { .. }
        ));
        let all = "nfkc,invisible,diacritics,tatweel,alef,alef-maqsura,ta-marbuta,persian,\
                   digits,lowercase,punctuation,whitespace";
        assert_eq!(
            err.to_string(),
            format!(
                "signatures are not comparable: made with num_perm=64 shingle=5 seed=42 \
                 normalize={all} and with num_perm=64 shingle=5 seed=7 normalize={all}"
            )
        );
    }

    #[test]
    fn bad_parameters_are_usage_errors() {
        let mut p = params(128);
        p.shingle = 0;
        assert!(MinHasher::new(p).unwrap_err().is_usage());
        assert!(MinHasher::new(params(1)).unwrap_err().is_usage());
    }

    #[test]
    fn spilled_signatures_read_the_same() {
        let h = MinHasher::new(params(16)).unwrap();
        let texts = [
            "first document text",
            "second document text",
            "a third one",
            "and more",
        ];
        let mut mem = Signatures::new(h.params().clone());
        let mut spilled = Signatures::new(h.params().clone());
        let dir = tempfile::tempdir().unwrap();
        for (i, t) in texts.iter().enumerate() {
            let sig = h.signature(t).unwrap();
            mem.push(sig.values());
            spilled.push(sig.values());
            if i == 1 {
                spilled.spill(dir.path()).unwrap();
            }
        }
        spilled.seal().unwrap();
        assert!(spilled.is_file_backed());
        assert_eq!(spilled.len(), 4);
        for r in 0..4 {
            assert_eq!(mem.row(r), spilled.row(r));
        }
        assert_eq!(spilled.heap_bytes(), 0);
    }

    #[test]
    fn signatures_store_rows() {
        let h = MinHasher::new(params(16)).unwrap();
        let mut sigs = Signatures::new(h.params().clone());
        let a = h.signature("first document text").unwrap();
        let b = h.signature("second document text").unwrap();
        assert_eq!(sigs.push(a.values()), 0);
        assert_eq!(sigs.push(b.values()), 1);
        assert_eq!(sigs.len(), 2);
        assert_eq!(sigs.row(1), b.values());
        assert_eq!(sigs.jaccard(0, 1), a.jaccard(&b).unwrap());
    }
}
