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
//!
//! # Layout
//!
//! The public items are re-exported here; the submodules are private.
//!
//! - `params`: [`SignatureParams`] and the standalone [`Signature`];
//! - `hasher`: [`MinHasher`] and its [`Scratch`], the signing itself, and [`mix64`];
//! - `estimate`: the Jaccard estimates of coarse rows and of finer signatures;
//! - `table`: [`Signatures`], the corpus's signature table and its memory-mapped spill;
//! - `tests`: the statistical and table tests.

mod estimate;
mod hasher;
mod params;
mod table;

#[cfg(test)]
mod tests;

pub use estimate::{
    containment, estimate, estimate_cardinality, estimate_fine, estimate_from_matches, matches,
};
pub use hasher::{MinHasher, Scratch, mix64};
pub use params::{Signature, SignatureParams};
pub use table::Signatures;
