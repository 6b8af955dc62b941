//! Mean error of the 128-slot Jaccard estimate against the exact Jaccard of
//! normalized 5-shingle sets, on pairs of documents of a JSONL corpus: random
//! pairs and pairs sharing a rare shingle, binned by exact Jaccard.
//! Usage: cargo run --release --example estimate_bias FILE.jsonl
use neardup::minhash::{MinHasher, Scratch, SignatureParams, estimate};
use neardup::normalize::{NormalizeOptions, Normalizer};
use neardup::shingle::{jaccard, shingle_set};

fn main() {
    let path = std::env::args().nth(1).expect("FILE.jsonl");
    let text = std::fs::read_to_string(&path).expect("read");
    let n = Normalizer::new(NormalizeOptions::all());
    let docs: Vec<String> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|v| n.normalize(v["text"].as_str().unwrap_or("")))
        .filter(|t| t.chars().count() > 50)
        .collect();
    let h = MinHasher::new(SignatureParams {
        num_perm: 128,
        shingle: 5,
        seed: 42,
        normalize: NormalizeOptions::all(),
    })
    .unwrap();
    let mut s = Scratch::default();
    let sigs: Vec<Vec<u16>> = docs
        .iter()
        .map(|d| {
            let mut out = vec![0u16; 128];
            h.sign_normalized(d, &mut s, &mut out);
            out
        })
        .collect();
    let mut state = 7u64;
    let mut next = || {
        state = neardup::minhash::mix64(state.wrapping_add(0x9E37_79B9_7F4A_7C15));
        state
    };
    let bins = [0.0, 0.05, 0.1, 0.2, 0.4, 0.7, 1.01];
    let mut sum = vec![(0f64, 0f64, 0usize); bins.len() - 1];
    // Random pairs, and neighbours in input order (often related).
    for t in 0..40_000 {
        let a = (next() % docs.len() as u64) as usize;
        let b = if t % 2 == 0 {
            (next() % docs.len() as u64) as usize
        } else {
            (a + 1 + (next() % 3) as usize).min(docs.len() - 1)
        };
        if a == b {
            continue;
        }
        let j = jaccard(&shingle_set(&docs[a], 5, 42), &shingle_set(&docs[b], 5, 42));
        let e = estimate(&sigs[a], &sigs[b]);
        let i = bins.windows(2).position(|w| j >= w[0] && j < w[1]).unwrap();
        sum[i].0 += e - j;
        sum[i].1 += (e - j) * (e - j);
        sum[i].2 += 1;
    }
    for (w, (se, sq, c)) in bins.windows(2).zip(sum) {
        if c > 0 {
            let c = c as f64;
            println!(
                "J in [{:.2}, {:.2}): {:6} pairs, mean error {:+.4}, rms {:.4}",
                w[0],
                w[1],
                c,
                se / c,
                (sq / c).sqrt()
            );
        }
    }
}
