//! Word n-grams and their winnowed fingerprints, as the passage stage
//! hashes them.
//!
//! Every document's word 5-grams are hashed and *winnowed* (Schleimer,
//! Wilkerson & Aiken, SIGMOD 2003): in every window of 4 consecutive
//! n-grams the smallest hash is kept. Any run of at least `5 + 4 - 1 = 8`
//! identical words in two documents therefore shares at least one
//! fingerprint, while only about 40% of the n-grams are kept. An n-gram
//! that touches a boilerplate word has no hash.

use crate::minhash::mix64;

/// Words per n-gram.
pub const NGRAM: usize = 5;
/// Winnowing window, in n-grams.
pub const WINDOW: usize = 4;
/// The hash of the n-gram of `NGRAM` words.
#[inline]
pub fn ngram_hash(words: &[u32]) -> u64 {
    let mut h = 0x243F_6A88_85A3_08D3u64;
    for &w in &words[..NGRAM] {
        h = mix64(h ^ u64::from(w));
    }
    h
}

/// The n-gram hashes of a document, `None` where an n-gram touches a masked word.
pub fn ngrams(hashes: &[u32], masked: &[bool]) -> Vec<Option<u64>> {
    if hashes.len() < NGRAM {
        return Vec::new();
    }
    // Position of the last masked word seen, plus one.
    let mut clear_from = 0;
    for (i, &m) in masked[..NGRAM - 1].iter().enumerate() {
        if m {
            clear_from = i + 1;
        }
    }
    (0..=hashes.len() - NGRAM)
        .map(|i| {
            if masked[i + NGRAM - 1] {
                clear_from = i + NGRAM;
            }
            if i < clear_from {
                return None;
            }
            Some(ngram_hash(&hashes[i..i + NGRAM]))
        })
        .collect()
}

/// Winnowed fingerprints `(hash, position)` of a document.
pub fn fingerprints(hashes: &[u32], masked: &[bool]) -> Vec<(u64, u32)> {
    winnow(&ngrams(hashes, masked))
}

/// Winnowed fingerprints `(hash, position)` of a document's n-grams
/// ([`ngrams`]).
pub fn winnow(grams: &[Option<u64>]) -> Vec<(u64, u32)> {
    let mut out: Vec<(u64, u32)> = Vec::new();
    for (i, seg) in segments(grams) {
        let v = |t: usize| seg[t].unwrap_or(0); // every n-gram of `seg` is valid
        let w = WINDOW.min(seg.len());
        // The rightmost minimum of the window `s..s + w`, kept as the window
        // slides: it stays the rightmost minimum until it leaves the window
        // or a new n-gram is no greater; only then is the window scanned.
        let rightmost_min = |s: usize| (s..s + w).fold(s, |b, t| if v(t) <= v(b) { t } else { b });
        let mut best = rightmost_min(0);
        out.push((v(best), (i + best) as u32));
        for s in 1..=seg.len() - w {
            let last = best;
            let new = s + w - 1;
            if best < s {
                best = rightmost_min(s);
            } else if v(new) <= v(best) {
                best = new;
            }
            if best != last {
                out.push((v(best), (i + best) as u32));
            }
        }
    }
    out
}

/// The maximal runs of valid n-grams of `grams`, with the position of
/// their first.
fn segments(grams: &[Option<u64>]) -> impl Iterator<Item = (usize, &[Option<u64>])> {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < grams.len() && grams[i].is_none() {
            i += 1;
        }
        let start = i;
        while i < grams.len() && grams[i].is_some() {
            i += 1;
        }
        (i > start).then(|| (start, &grams[start..i]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Winnowing as the paper states it: every window scanned.
    fn winnow_naive(grams: &[Option<u64>]) -> Vec<(u64, u32)> {
        let mut out = Vec::new();
        for (i, seg) in segments(grams) {
            let w = WINDOW.min(seg.len());
            let mut last = usize::MAX;
            for s in 0..=seg.len() - w {
                let mut best = s;
                for t in s..s + w {
                    if seg[t] <= seg[best] {
                        best = t;
                    }
                }
                if best != last {
                    out.push((seg[best].unwrap_or(0), (i + best) as u32));
                    last = best;
                }
            }
        }
        out
    }

    #[test]
    fn sliding_winnowing_is_the_naive_one() {
        let mut state = 11u64;
        for len in 0..200usize {
            // Few distinct values (ties everywhere) and some gaps.
            let grams: Vec<Option<u64>> = (0..len)
                .map(|_| {
                    state = crate::minhash::mix64(state);
                    (!state.is_multiple_of(7)).then_some(state % 5)
                })
                .collect();
            assert_eq!(winnow(&grams), winnow_naive(&grams), "{grams:?}");
        }
    }

    #[test]
    fn any_eight_word_match_shares_a_fingerprint() {
        let mut state = 7u64;
        let mut rnd = || {
            state = mix64(state + 1);
            state as u32
        };
        for _ in 0..200 {
            let shared: Vec<u32> = (0..8).map(|_| rnd()).collect();
            let mut a: Vec<u32> = (0..(rnd() % 20) as usize).map(|_| rnd()).collect();
            let mut b: Vec<u32> = (0..(rnd() % 20) as usize).map(|_| rnd()).collect();
            a.extend(&shared);
            b.extend(&shared);
            a.extend((0..(rnd() % 20) as usize).map(|_| rnd()));
            b.extend((0..(rnd() % 20) as usize).map(|_| rnd()));
            let fa: Vec<u64> = fingerprints(&a, &vec![false; a.len()])
                .iter()
                .map(|f| f.0)
                .collect();
            let fb = fingerprints(&b, &vec![false; b.len()]);
            assert!(fb.iter().any(|f| fa.contains(&f.0)));
        }
    }

    #[test]
    fn an_ngram_is_none_exactly_when_it_touches_a_masked_word() {
        let mut state = 3u64;
        for _ in 0..500 {
            state = mix64(state + 1);
            let n = (state % 30) as usize;
            let hashes: Vec<u32> = (0..n as u32).collect();
            let masked: Vec<bool> = (0..n)
                .map(|i| mix64(state ^ i as u64).is_multiple_of(5))
                .collect();
            let got = ngrams(&hashes, &masked);
            assert_eq!(got.len(), (n + 1).saturating_sub(NGRAM));
            for (i, g) in got.iter().enumerate() {
                let touches = masked[i..i + NGRAM].iter().any(|&m| m);
                assert_eq!(g.is_none(), touches, "{masked:?} at {i}");
            }
        }
    }

    #[test]
    fn masked_words_break_ngrams() {
        let h: Vec<u32> = (0..12).collect();
        let mut m = vec![false; 12];
        assert!(!fingerprints(&h, &m).is_empty());
        m[4] = true;
        m[8] = true;
        // No 5 consecutive unmasked words remain.
        assert!(fingerprints(&h, &m).is_empty());
    }
}
