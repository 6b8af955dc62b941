//! [`MinHasher`]: signing a text (or a set of hashes) into slot values, with one-permutation
//! hashing and optimal densification as the module documentation describes, optionally
//! with the finer signature in the same pass.
//!
//! Guarantees: a signature depends only on the parameters and the set of shingles (not
//! their order or count, nor the thread or platform); the coarse half of a fine signing is
//! exactly the plain signature.

use super::estimate::estimate_cardinality;
use super::params::{Signature, SignatureParams};
use crate::error::Result;
use crate::shingle::for_each_shingle;

/// Value of an empty slot while signing. (A slot whose only values were
/// this one counts as empty too: both documents of a pair agree on that,
/// and it happens once in 2^32 shingles.)
pub(super) const EMPTY: u32 = u32::MAX;

/// Makes signatures for one set of parameters. Cheap to share across threads.
#[derive(Clone, Debug)]
pub struct MinHasher {
    params: SignatureParams,
}

/// Reusable per-thread working memory of a [`MinHasher`].
#[derive(Clone, Debug, Default)]
pub struct Scratch {
    slots: Vec<u32>,
    pub(super) fine: Vec<u32>,
}

impl Scratch {
    /// Estimated number of distinct shingles of the text last signed with
    /// this scratch ([`estimate_cardinality`] of its finer slots when it was
    /// signed with them, else of its `num_perm` slots), rounded.
    pub fn shingles(&self) -> u32 {
        let minima = if self.fine.is_empty() {
            &self.slots
        } else {
            &self.fine
        };
        estimate_cardinality(minima)
            .round()
            .min(f64::from(u32::MAX)) as u32
    }
}

/// Folds shingle hashes into slot minima (high 32 bits pick the slot, low 32
/// bits are the value).
#[inline]
pub(super) fn fold_hashes(hashes: &[u64], slots: &mut [u32]) {
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
        scratch.fine.clear();
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
    /// counted as 1); [`estimate_fine`](super::estimate_fine) compares them.
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
    pub(super) fn finish_fine(&self, scratch: &mut Scratch, out: &mut [u16], fine: &mut [u8]) {
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
        scratch.fine.clear();
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
pub(super) fn slot(r32: u64, k: usize) -> usize {
    ((r32 * k as u64) >> 32) as usize
}

/// The splitmix64 finalizer: a fast, well-mixing bijection on `u64`.
#[inline(always)]
pub fn mix64(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
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
