//! Jaccard estimates from signatures: the b-bit corrected estimate of two coarse rows, and
//! the estimate of two finer signatures (one-permutation hashing without densification).
//!
//! Guarantees: every estimate is in `[0, 1]`, is 1 for identical signatures (with at
//! least one filled fine slot), and corrects the chance agreement of the truncated values.
//! Also the number of distinct shingles of a document, estimated from its slot minima
//! while signing, and the containment of one set in another from their Jaccard and sizes.

/// Probability that two different slot minima agree on their stored 16 bits.
const B_BIT_COLLISION: f64 = 1.0 / 65536.0;

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

/// Probability that two different fine minima get the same byte: 254 bytes
/// of probability 1/256 and byte 1 of probability 2/256.
const FINE_COLLISION: f64 = 258.0 / 65536.0;

/// Jaccard estimate of two finer signatures made by
/// [`MinHasher::sign_normalized_fine`](super::MinHasher::sign_normalized_fine) with the same parameters.
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

/// Estimated number of distinct items folded into one-permutation slot
/// minima (`u32::MAX` marks an empty slot).
///
/// Every item falls in one of `m` slots with a uniform 32-bit value, so a
/// slot's minimum, scaled to `[0, 1)`, is exponential with rate `λ = n/m`
/// (Poissonized), truncated at 1 where the slot stayed empty. The mean of
/// the `m` truncated minima is then `(1 - e^-λ)/λ`, a decreasing function
/// solved here for `λ` by bisection: the order-statistics estimator of
/// Lumbroso (2010), relative standard error about `1/sqrt(m)` (3% at the
/// default 1,024 finer slots). While at least 30% of the slots are empty
/// (`n` up to about `1.2 m`), linear counting, `m ln(m / empty)`, is more
/// precise and is used instead.
pub fn estimate_cardinality(minima: &[u32]) -> f64 {
    let m = minima.len() as f64;
    if minima.is_empty() {
        return 0.0;
    }
    // One integer pass (it vectorizes): empty slots, and the sum of the
    // others' minima.
    let (empty, sum) = minima.iter().fold((0u64, 0u64), |(e, s), &v| {
        let full = u64::from(v != u32::MAX);
        (e + 1 - full, s + full * u64::from(v))
    });
    let empty = empty as f64;
    if empty >= 0.3 * m {
        return m * (m / empty).ln();
    }
    let mean = (empty + sum as f64 / 4_294_967_296.0) / m;
    if mean >= 1.0 {
        return 0.0;
    }
    // g(λ) = (1 - e^-λ)/λ falls from 1 (λ → 0) to 0; find g(λ) = mean.
    // Linear counting took λ up to about 1.2; past 30, g(λ) = 1/λ to
    // within e^-30.
    if mean * 30.0 < 1.0 {
        return m / mean;
    }
    let g = |l: f64| -(-l).exp_m1() / l;
    let (mut lo, mut hi) = (0.01f64, 30.0f64);
    for _ in 0..40 {
        let mid = 0.5 * (lo + hi);
        if g(mid) > mean {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi) * m
}

/// Containment of the smaller of two sets in the larger, from their Jaccard
/// `j` and their sizes: `|A ∩ B| = j (|A| + |B|) / (1 + j)`, over the
/// smaller size, capped at 1. 0 when a size is unknown (0).
pub fn containment(j: f64, size_a: f64, size_b: f64) -> f64 {
    let small = size_a.min(size_b);
    if small <= 0.0 {
        return 0.0;
    }
    (j * (size_a + size_b) / (1.0 + j) / small).clamp(0.0, 1.0)
}
