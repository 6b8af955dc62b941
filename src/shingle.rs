//! Character shingles of normalized text, hashed with a seeded mixer.
//!
//! A shingle is a window of `k` consecutive characters (not bytes, so Arabic
//! or CJK text is cut the same way as Latin text, and text without spaces
//! works). Windows are hashed in place: no shingle is ever copied or
//! allocated. A non-empty text shorter than `k` characters is one shingle,
//! so short documents still have a signature. See [`for_each_shingle`] for
//! the hash: O(1) per character in any script, stable across platforms and
//! releases, so signatures can be stored and compared later.

use std::collections::HashSet;

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Largest supported shingle size in characters.
pub const MAX_SHINGLE: usize = 64;

/// Base of the rolling polynomial (odd, so multiplication is invertible).
const BASE: u64 = 0x9E37_79B9_7F4A_7C15;

/// Bits per character of a packed window.
const PACK: u32 = 11;
/// Largest shingle size whose windows are packed.
const MAX_PACKED: usize = (64 / PACK) as usize;
/// Code points below this (ASCII, Latin, Greek, Cyrillic, Hebrew, Arabic...)
/// are "narrow": they fit [`PACK`] bits and take one or two UTF-8 bytes.
const NARROW: u32 = 1 << PACK;

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

/// The hash of a window of narrow characters packed into `w`.
#[inline(always)]
fn packed_hash(w: u64, key: u64) -> u64 {
    finalize(w ^ key)
}

/// Calls `f` with the hash of every `k`-character window of `text`, in order
/// (duplicates included). `k` must be in `1..=MAX_SHINGLE`.
///
/// With `key = xxh3_64_with_seed(k, seed)`, a window `c_1 .. c_k` of code
/// points is hashed as `avalanche(X ^ key)`, xxh3's avalanche (a bijection
/// that spreads every bit over all 64), of
/// - for `k <= 5` when every `c_i < 0x800` (ASCII, Latin, Greek, Cyrillic,
///   Hebrew, Arabic...): the packed window
///   `X = c_1·2^(11(k-1)) + ... + c_k`, exact and injective, updated with a
///   shift and an or per character;
/// - otherwise (longer shingles, or a window with a CJK or other wider
///   character): the rolling polynomial `X = c_1·B^(k-1) + ... + c_k`
///   (wrapping 64-bit arithmetic, `B` odd), updated in O(1) per character.
///
/// Both spread every input bit over the high bits (the MinHash slot) and the
/// low ones (the value). A text shorter than `k` characters is one window.
#[inline]
pub fn for_each_shingle(text: &str, k: usize, seed: u64, f: impl FnMut(u64)) {
    debug_assert!((1..=MAX_SHINGLE).contains(&k));
    if text.is_empty() {
        return;
    }
    let key = xxh3_64_with_seed(&(k as u64).to_le_bytes(), seed);
    // One pass tells ASCII (< 0x80) from one- and two-byte text (< 0xE0).
    let top = text.bytes().fold(0u8, u8::max);
    if k <= MAX_PACKED {
        if top < 0x80 {
            ascii_packed(text.as_bytes(), k, key, f);
        } else if top < 0xE0 {
            // One- and two-byte characters only: every window is packed.
            narrow_packed(text, k, key, f);
        } else {
            mixed(text, k, key, f);
        }
    } else if top < 0x80 {
        ascii_polynomial(text.as_bytes(), k, key, f);
    } else {
        mixed(text, k, key, f);
    }
}

/// Packed windows of an ASCII text (`k <= MAX_PACKED`).
#[inline(always)]
fn ascii_packed(bytes: &[u8], k: usize, key: u64, mut f: impl FnMut(u64)) {
    let mask = u64::MAX >> (64 - PACK as usize * k);
    let head = bytes.len().min(k - 1);
    let mut w = 0u64;
    for &b in &bytes[..head] {
        w = w << PACK | u64::from(b);
    }
    if bytes.len() < k {
        f(packed_hash(w, key));
        return;
    }
    for &b in &bytes[head..] {
        w = w << PACK | u64::from(b);
        f(packed_hash(w & mask, key));
    }
}

/// Packed windows of a text of one- and two-byte characters
/// (`k <= MAX_PACKED`), decoding the UTF-8 in place.
#[inline(always)]
fn narrow_packed(text: &str, k: usize, key: u64, mut f: impl FnMut(u64)) {
    let mask = u64::MAX >> (64 - PACK as usize * k);
    let b = text.as_bytes();
    let mut w = 0u64;
    let (mut i, mut n) = (0usize, 0usize);
    while i < b.len() {
        let b0 = u64::from(b[i]);
        let c = if b0 < 0x80 {
            i += 1;
            b0
        } else {
            // A two-byte sequence: the caller checked there are no longer ones.
            let c = (b0 & 0x1F) << 6 | u64::from(b[i + 1] & 0x3F);
            i += 2;
            c
        };
        w = w << PACK | c;
        n += 1;
        if n >= k {
            f(packed_hash(w & mask, key));
        }
    }
    if n < k {
        f(packed_hash(w, key));
    }
}

/// Any text, any `k`: packed windows where possible (`k <= MAX_PACKED` and
/// every character narrow), rolling polynomials elsewhere.
fn mixed(text: &str, k: usize, key: u64, mut f: impl FnMut(u64)) {
    let packable = k <= MAX_PACKED;
    let mask = if packable {
        u64::MAX >> (64 - PACK as usize * k)
    } else {
        0
    };
    let out_weight = BASE.wrapping_pow(k as u32);
    // The last `k` code points, to take the leaving one out.
    let mut ring = [0u32; MAX_SHINGLE];
    let (mut p, mut w) = (0u64, 0u64);
    let mut n = 0usize;
    // Index + 1 of the last wide character (0: none yet).
    let mut last_wide = 0usize;
    let mut emit = |p: u64, w: u64, n: usize, last_wide: usize| {
        // The window ends at character n - 1 and starts at n - k (or 0).
        if packable && last_wide + k <= n.max(k) {
            f(packed_hash(w & mask, key));
        } else {
            f(window_hash(p, key));
        }
    };
    for c in text.chars() {
        let c = u32::from(c);
        p = p.wrapping_mul(BASE).wrapping_add(u64::from(c));
        if n >= k {
            let leaving = ring[(n - k) % MAX_SHINGLE];
            p = p.wrapping_sub(u64::from(leaving).wrapping_mul(out_weight));
        }
        ring[n % MAX_SHINGLE] = c;
        w = w << PACK | u64::from(c);
        n += 1;
        if c >= NARROW {
            last_wide = n;
        }
        if n >= k {
            emit(p, w, n, last_wide);
        }
    }
    if n < k {
        emit(p, w, n, last_wide);
    }
}

/// Rolling polynomial windows of an ASCII text.
fn ascii_polynomial(bytes: &[u8], k: usize, key: u64, mut f: impl FnMut(u64)) {
    let out_weight = BASE.wrapping_pow(k as u32);
    let mut p = 0u64;
    let n = bytes.len();
    let head = n.min(k);
    for &b in &bytes[..head] {
        p = p.wrapping_mul(BASE).wrapping_add(u64::from(b));
    }
    f(window_hash(p, key));
    for e in k..n {
        p = p
            .wrapping_mul(BASE)
            .wrapping_add(u64::from(bytes[e]))
            .wrapping_sub(u64::from(bytes[e - k]).wrapping_mul(out_weight));
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
        let hash = |w: &[u32]| {
            if k <= 5 && w.iter().all(|&c| c < 0x800) {
                let packed = w.iter().fold(0u64, |p, &c| p << 11 | u64::from(c));
                finalize(packed ^ key)
            } else {
                let poly = w.iter().fold(0u64, |p, &c| {
                    p.wrapping_mul(BASE).wrapping_add(u64::from(c))
                });
                window_hash(poly, key)
            }
        };
        if chars.is_empty() {
            return vec![];
        }
        if chars.len() < k {
            return vec![hash(&chars)];
        }
        chars.windows(k).map(hash).collect()
    }

    #[test]
    fn rolling_hash_equals_the_definition_in_every_path() {
        for text in [
            "the quick brown fox jumps",
            "السلام عليكم ورحمة الله",
            "日本語のテキスト",
            "mixed text с кириллицей and ascii",
            "العربية mixed with 中文 and ascii",
            "中ab",
            "ab",
            "a",
        ] {
            for k in [1, 2, 3, 4, 5, 6, 9, 20] {
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
