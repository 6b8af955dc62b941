//! Character shingles of normalized text, hashed with seeded xxh3.
//!
//! A shingle is a window of `k` consecutive characters (not bytes, so Arabic
//! or CJK text is cut the same way as Latin text, and text without spaces
//! works). Windows are borrowed slices of the normalized string, hashed in
//! place: no shingle is ever copied or allocated. A non-empty text shorter
//! than `k` characters is one shingle, so short documents still have a
//! signature. A window's hash is a rolling polynomial of its code points,
//! finalized with xxh3's avalanche under a key derived from the seed with xxh3
//! (see [`for_each_shingle`]): O(1) per character in any script, stable
//! across platforms and releases, so signatures can be stored and compared
//! later.

use std::collections::HashSet;

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Largest supported shingle size in characters.
pub const MAX_SHINGLE: usize = 64;

/// Base of the rolling polynomial (odd, so multiplication is invertible).
const BASE: u64 = 0x9E37_79B9_7F4A_7C15;

/// xxh3's avalanche: xorshift, multiply, xorshift. A bijection on `u64`
/// that spreads every input bit over the high and the low half.
#[inline(always)]
fn finalize(mut x: u64) -> u64 {
    x ^= x >> 37;
    x = x.wrapping_mul(0x1656_6791_9E37_79F9);
    x ^ (x >> 32)
}

/// The hash of a window given its rolling polynomial `p`.
#[inline(always)]
fn window_hash(p: u64, key: u64) -> u64 {
    finalize(p ^ key)
}

/// Calls `f` with the hash of every `k`-character window of `text`, in order
/// (duplicates included). `k` must be in `1..=MAX_SHINGLE`.
///
/// A window `c_1 .. c_k` of code points is hashed as
/// `avalanche(P ^ key)` with `P = c_1·B^(k-1) + ... + c_k` (wrapping
/// 64-bit arithmetic, `B` odd) and `key = xxh3_64_with_seed(k, seed)`: the
/// polynomial is updated in O(1) per character (one multiply, one add, one
/// multiply-subtract for the character leaving the window) whatever the
/// script or `k`, and xxh3's avalanche spreads it over all 64 bits, as MinHash
/// needs (the slot comes from the high bits, the value from the low ones).
/// A text shorter than `k` characters is one window.
#[inline]
pub fn for_each_shingle(text: &str, k: usize, seed: u64, mut f: impl FnMut(u64)) {
    debug_assert!((1..=MAX_SHINGLE).contains(&k));
    if text.is_empty() {
        return;
    }
    let key = xxh3_64_with_seed(&(k as u64).to_le_bytes(), seed);
    let out_weight = BASE.wrapping_pow(k as u32);
    let mut p = 0u64;
    if text.is_ascii() {
        let bytes = text.as_bytes();
        let n = bytes.len();
        let head = n.min(k);
        for &b in &bytes[..head] {
            p = p.wrapping_mul(BASE).wrapping_add(u64::from(b));
        }
        f(window_hash(p, key));
        if n <= k {
            return;
        }
        // Two interleaved chains, each advancing two windows a step:
        // P[e] = P[e-2]·B² + c[e-1]·B + c[e] − c[e-1-k]·B^(k+1) − c[e-k]·B^k.
        // The chain's multiply is the only dependency between steps, so two
        // chains halve the latency per window; the other products come from
        // tables of the 128 ASCII values.
        let b2 = BASE.wrapping_mul(BASE);
        let mut times_b = [0u64; 128];
        let mut times_bk = [0u64; 128];
        let mut times_bk1 = [0u64; 128];
        for c in 0..128u64 {
            times_b[c as usize] = c.wrapping_mul(BASE);
            times_bk[c as usize] = c.wrapping_mul(out_weight);
            times_bk1[c as usize] = c.wrapping_mul(out_weight.wrapping_mul(BASE));
        }
        let at = |i: usize| (bytes[i] & 0x7F) as usize;
        // Window ending at k (the second chain's start).
        let mut pb = p
            .wrapping_mul(BASE)
            .wrapping_add(u64::from(bytes[k]))
            .wrapping_sub(times_bk[at(0)]);
        f(window_hash(pb, key));
        let mut pa = p;
        let mut e = k + 1;
        while e + 1 < n {
            pa = pa
                .wrapping_mul(b2)
                .wrapping_add(times_b[at(e - 1)])
                .wrapping_add(u64::from(bytes[e]))
                .wrapping_sub(times_bk1[at(e - 1 - k)])
                .wrapping_sub(times_bk[at(e - k)]);
            pb = pb
                .wrapping_mul(b2)
                .wrapping_add(times_b[at(e)])
                .wrapping_add(u64::from(bytes[e + 1]))
                .wrapping_sub(times_bk1[at(e - k)])
                .wrapping_sub(times_bk[at(e + 1 - k)]);
            f(window_hash(pa, key));
            f(window_hash(pb, key));
            e += 2;
        }
        if e < n {
            pa = pa
                .wrapping_mul(b2)
                .wrapping_add(times_b[at(e - 1)])
                .wrapping_add(u64::from(bytes[e]))
                .wrapping_sub(times_bk1[at(e - 1 - k)])
                .wrapping_sub(times_bk[at(e - k)]);
            f(window_hash(pa, key));
        }
        return;
    }
    // The last `k` code points, to take the leaving one out.
    let mut ring = [0u32; MAX_SHINGLE];
    let mut n = 0usize;
    for c in text.chars() {
        let c = u32::from(c);
        p = p.wrapping_mul(BASE).wrapping_add(u64::from(c));
        if n >= k {
            let leaving = ring[(n - k) % MAX_SHINGLE];
            p = p.wrapping_sub(u64::from(leaving).wrapping_mul(out_weight));
        }
        ring[n % MAX_SHINGLE] = c;
        n += 1;
        if n >= k {
            f(window_hash(p, key));
        }
    }
    if n < k {
        f(window_hash(p, key));
    }
}

/// The set of shingle hashes of `text` (for exact Jaccard in tests, the
/// corpus generator and evaluation; the pipeline never builds sets).
pub fn shingle_set(text: &str, k: usize, seed: u64) -> HashSet<u64> {
    let mut set = HashSet::new();
    for_each_shingle(text, k, seed, |h| {
        set.insert(h);
    });
    set
}

/// Exact Jaccard similarity of two sets (1.0 for two empty sets).
pub fn jaccard(a: &HashSet<u64>, b: &HashSet<u64>) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let inter = small.iter().filter(|h| large.contains(h)).count();
    inter as f64 / (a.len() + b.len() - inter) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn windows(text: &str, k: usize) -> Vec<u64> {
        let mut v = vec![];
        for_each_shingle(text, k, 7, |h| v.push(h));
        v
    }

    /// The definition, computed from scratch for every window.
    fn reference(text: &str, k: usize, seed: u64) -> Vec<u64> {
        let key = xxh3_64_with_seed(&(k as u64).to_le_bytes(), seed);
        let chars: Vec<u32> = text.chars().map(u32::from).collect();
        let poly = |w: &[u32]| {
            w.iter().fold(0u64, |p, &c| {
                p.wrapping_mul(BASE).wrapping_add(u64::from(c))
            })
        };
        if chars.is_empty() {
            return vec![];
        }
        if chars.len() < k {
            return vec![window_hash(poly(&chars), key)];
        }
        chars
            .windows(k)
            .map(|w| window_hash(poly(w), key))
            .collect()
    }

    #[test]
    fn rolling_hash_equals_the_definition_in_every_path() {
        for text in [
            "the quick brown fox jumps",
            "السلام عليكم ورحمة الله",
            "日本語のテキスト",
            "mixed text с кириллицей and ascii",
            "ab",
            "a",
        ] {
            for k in [1, 3, 5, 9, 20] {
                assert_eq!(windows(text, k), reference(text, k, 7), "{text} k={k}");
            }
        }
    }

    #[test]
    fn windows_are_characters_not_bytes() {
        let arabic = "السلام";
        assert_eq!(arabic.chars().count(), 6);
        let hs = windows(arabic, 5);
        assert_eq!(hs.len(), 2);
        assert_eq!(hs[0], windows("السلا", 5)[0]);
        assert_eq!(hs[1], windows("لسلام", 5)[0]);
        // The same characters hash the same in an ASCII and a non-ASCII text.
        assert_eq!(windows("hello", 5)[0], windows("hello é", 5)[0]);
        assert_eq!(windows("日本語のテキスト", 3).len(), 6);
    }

    #[test]
    fn short_and_empty_texts() {
        assert_eq!(windows("", 5), Vec::<u64>::new());
        assert_eq!(windows("abc", 5).len(), 1);
        assert_ne!(windows("abc", 5), windows("abd", 5));
        assert_ne!(windows("abc", 5), windows("abc", 4), "k is part of the key");
    }

    #[test]
    fn seed_changes_hashes_and_jaccard_is_exact() {
        assert_ne!(windows("hello world", 3), {
            let mut v = vec![];
            for_each_shingle("hello world", 3, 8, |h| v.push(h));
            v
        });
        let a = shingle_set("abcde", 2, 0); // ab bc cd de
        let b = shingle_set("abcdx", 2, 0); // ab bc cd dx
        assert!((jaccard(&a, &b) - 3.0 / 5.0).abs() < 1e-12);
    }

    #[test]
    fn no_collisions_among_many_distinct_windows() {
        let mut seen = HashSet::new();
        let mut text = String::new();
        for i in 0..20_000u32 {
            text.push(char::from_u32(0x600 + (i * 7919) % 0x100).unwrap_or('x'));
            text.push(char::from(b'a' + (i % 26) as u8));
        }
        let mut windows_seen = HashSet::new();
        let chars: Vec<char> = text.chars().collect();
        for w in chars.windows(5) {
            windows_seen.insert(w.to_vec());
        }
        for_each_shingle(&text, 5, 1, |h| {
            seen.insert(h);
        });
        assert_eq!(seen.len(), windows_seen.len());
    }
}
