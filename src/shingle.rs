//! Character shingles of normalized text, hashed with seeded xxh3.
//!
//! A shingle is a window of `k` consecutive characters (not bytes, so Arabic
//! or CJK text is cut the same way as Latin text, and text without spaces
//! works). Windows are borrowed slices of the normalized string, hashed in
//! place: no shingle is ever copied or allocated. A non-empty text shorter
//! than `k` characters is one shingle, so short documents still have a
//! signature. The hash is seeded xxh3, of the window's code points packed
//! into 16 bytes for `k <= 6` (one fixed-size call, O(1) per character in any
//! script) or of its UTF-8 bytes for longer windows: stable across platforms
//! and releases, so signatures can be stored and compared later.

use std::collections::HashSet;

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Largest supported shingle size in characters.
pub const MAX_SHINGLE: usize = 64;

/// Shingles of up to this many characters are packed into one `u128`
/// (21 bits a code point) and hashed in one xxh3 call.
pub const MAX_PACKED: usize = 6;

/// Hash of a packed window of up to [`MAX_PACKED`] characters.
#[inline(always)]
fn packed_hash(v: u128, seed: u64) -> u64 {
    xxh3_64_with_seed(&v.to_le_bytes(), seed)
}

/// Calls `f` with the hash of every `k`-character window of `text`, in order
/// (duplicates included). `k` must be in `1..=MAX_SHINGLE`.
///
/// For `k <= MAX_PACKED` (the default 5 included) a window is hashed as its
/// code points packed 21 bits each into a `u128`, updated in O(1) per
/// character whatever the script; longer windows hash their UTF-8 bytes.
#[inline]
pub fn for_each_shingle(text: &str, k: usize, seed: u64, mut f: impl FnMut(u64)) {
    debug_assert!((1..=MAX_SHINGLE).contains(&k));
    if text.is_empty() {
        return;
    }
    if k <= MAX_PACKED {
        let mask = (1u128 << (21 * k)) - 1;
        let mut v = 0u128;
        let mut n = 0usize;
        if text.is_ascii() {
            for &b in text.as_bytes() {
                v = ((v << 21) | u128::from(b)) & mask;
                n += 1;
                if n >= k {
                    f(packed_hash(v, seed));
                }
            }
        } else {
            for c in text.chars() {
                v = ((v << 21) | u128::from(u32::from(c))) & mask;
                n += 1;
                if n >= k {
                    f(packed_hash(v, seed));
                }
            }
        }
        if n < k {
            f(packed_hash(v, seed));
        }
        return;
    }
    let bytes = text.as_bytes();
    // Ring of the start offsets of the last `k` characters.
    let mut ring = [0usize; MAX_SHINGLE];
    let mut n = 0usize;
    for (i, &b) in bytes.iter().enumerate() {
        if (b as i8) < -0x40 {
            continue; // UTF-8 continuation byte
        }
        if n >= k {
            let start = ring[(n - k) % MAX_SHINGLE];
            f(xxh3_64_with_seed(&bytes[start..i], seed));
        }
        ring[n % MAX_SHINGLE] = i;
        n += 1;
    }
    if n >= k {
        let start = ring[(n - k) % MAX_SHINGLE];
        f(xxh3_64_with_seed(&bytes[start..], seed));
    } else {
        f(xxh3_64_with_seed(bytes, seed));
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

    #[test]
    fn windows_are_characters_not_bytes() {
        let arabic = "السلام";
        assert_eq!(arabic.chars().count(), 6);
        let hs = windows(arabic, 5);
        assert_eq!(hs.len(), 2);
        assert_eq!(hs[0], windows("السلا", 5)[0]);
        assert_eq!(hs[1], windows("لسلام", 5)[0]);
        assert_ne!(hs[0], hs[1]);
        assert_eq!(windows("abcdef", 5).len(), 2);
        assert_eq!(windows("日本語のテキスト", 3).len(), 6);
    }

    #[test]
    fn short_and_empty_texts() {
        assert_eq!(windows("", 5), Vec::<u64>::new());
        assert_eq!(windows("abc", 5).len(), 1);
        assert_eq!(windows("аб", 5).len(), 1);
        assert_ne!(windows("abc", 5), windows("abd", 5));
        // Long windows hash their bytes.
        let mut v = vec![];
        for_each_shingle("abcdefgh", 8, 7, |h| v.push(h));
        assert_eq!(v, vec![xxh3_64_with_seed(b"abcdefgh", 7)]);
    }

    #[test]
    fn ascii_fast_path_agrees_with_general_path() {
        // Same windows whether the text is ASCII or contains one non-ASCII char
        // at the end (which forces the general path).
        let a = windows("the quick brown fox", 4);
        let b = windows("the quick brown foxé", 4);
        assert_eq!(&b[..a.len()], &a[..]);
    }

    #[test]
    fn packed_and_byte_paths_count_the_same_windows() {
        for text in ["hello world", "مرحبا بالعالم", "日本語のテキスト", "a"] {
            for k in [3, 6, 7, 9] {
                let mut n = 0;
                for_each_shingle(text, k, 1, |_| n += 1);
                let chars = text.chars().count();
                assert_eq!(
                    n,
                    if chars >= k { chars - k + 1 } else { 1 },
                    "{text} k={k}"
                );
            }
        }
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
}
