//! Tests of signing and estimating: unbiased estimates with MinHash's spread (on random
//! sets and on text in three scripts), the finer signature, the fixed-size slot paths,
//! parameter checks, and the signature table in memory and spilled.

use super::hasher::{EMPTY, fold_hashes, slot};
use super::*;
use crate::document::Row;
use crate::error::ErrorKind;
use crate::normalize::NormalizeOptions;

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
        let sd = (errs.iter().map(|e| (e - mean) * (e - mean)).sum::<f64>() / (trials - 1) as f64)
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
        let z = (errs.iter().map(|(e, sd)| (e / sd).powi(2)).sum::<f64>() / trials as f64).sqrt();
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
        mem.push(sig.values(), 7);
        spilled.push(sig.values(), 7);
        if i == 1 {
            spilled.spill(dir.path()).unwrap();
        }
    }
    // The spill file has no name: nothing is left for a killed run.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    spilled.seal().unwrap();
    assert!(spilled.is_file_backed());
    assert_eq!(spilled.len(), 4);
    for r in (0..4).map(Row) {
        assert_eq!(mem.row(r), spilled.row(r));
    }
    assert_eq!(spilled.heap_bytes(), spilled.len() * 4);
    assert_eq!(spilled.shingles(Row(3)), 7);
}

#[test]
fn signatures_store_rows() {
    let h = MinHasher::new(params(16)).unwrap();
    let mut sigs = Signatures::new(h.params().clone());
    let a = h.signature("first document text").unwrap();
    let b = h.signature("second document text").unwrap();
    assert_eq!(sigs.push(a.values(), 3), Row(0));
    assert_eq!(sigs.push(b.values(), 3), Row(1));
    assert_eq!(sigs.len(), 2);
    assert_eq!(sigs.row(Row(1)), b.values());
    assert_eq!(sigs.jaccard(Row(0), Row(1)), a.jaccard(&b).unwrap());
}

/// Distinct shingles of a text, counted exactly.
fn distinct_shingles(text: &str, k: usize, seed: u64) -> usize {
    let mut set = std::collections::HashSet::new();
    crate::shingle::for_each_shingle(text, k, seed, |h| {
        set.insert(h);
    });
    set.len()
}

#[test]
fn shingle_counts_are_estimated_within_a_few_percent() {
    let h = MinHasher::new(params(128)).unwrap();
    let mut scratch = Scratch::default();
    let mut out = vec![0u16; 128];
    let mut fine = vec![0u8; 1024];
    let mut state = 5u64;
    for words in [3usize, 20, 100, 400, 2_000, 10_000] {
        let text: Vec<String> = (0..words)
            .map(|_| {
                state = mix64(state);
                format!("w{}", state % 5_000)
            })
            .collect();
        let text = text.join(" ");
        let exact = distinct_shingles(&text, 5, 42) as f64;
        h.sign_normalized_fine(&text, &mut scratch, &mut out, &mut fine);
        let fine_est = f64::from(scratch.shingles());
        h.sign_normalized(&text, &mut scratch, &mut out);
        let coarse_est = f64::from(scratch.shingles());
        // 1,024 slots: about 3% standard error; 128: about 9%.
        assert!(
            (fine_est / exact - 1.0).abs() < 0.12,
            "{words}: {fine_est} vs {exact}"
        );
        assert!(
            (coarse_est / exact - 1.0).abs() < 0.35,
            "{words}: {coarse_est} vs {exact}"
        );
    }
}

#[test]
fn containment_follows_from_jaccard_and_sizes() {
    // A inside B, B twice A's size: J = 1/2, containment 1.
    assert!((containment(0.5, 100.0, 200.0) - 1.0).abs() < 1e-9);
    // Equal sizes: containment is 2J/(1+J).
    assert!((containment(0.6, 50.0, 50.0) - 0.75).abs() < 1e-9);
    assert_eq!(containment(0.5, 0.0, 10.0), 0.0);
    assert_eq!(estimate_cardinality(&[]), 0.0);
    assert_eq!(estimate_cardinality(&[EMPTY; 64]), 0.0);
}
