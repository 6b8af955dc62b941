//! Jaccard estimates from signatures: the b-bit corrected estimate of two coarse rows, and
//! the estimate of two finer signatures (one-permutation hashing without densification).
//!
//! Guarantees: every estimate is in `[0, 1]`, is 1 for identical signatures (with at
//! least one filled fine slot), and corrects the chance agreement of the truncated values.

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
