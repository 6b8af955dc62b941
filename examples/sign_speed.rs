//! Times normalization and signing of a JSONL corpus held in memory.
//! Usage: cargo run --release --example sign_speed FILE.jsonl
use std::time::Instant;

use neardup::minhash::{MinHasher, Scratch, SignatureParams};
use neardup::normalize::{NormalizeOptions, Normalizer};

fn main() {
    let path = std::env::args().nth(1).expect("FILE.jsonl");
    let text = std::fs::read_to_string(&path).expect("read");
    let docs: Vec<String> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|v| v["text"].as_str().unwrap_or("").to_string())
        .collect();
    let bytes: usize = docs.iter().map(|d| d.len()).sum();
    let n = Normalizer::new(NormalizeOptions::all());
    let t = Instant::now();
    let mut norm = Vec::with_capacity(docs.len());
    for d in &docs {
        norm.push(n.normalize(d));
    }
    let dt = t.elapsed().as_secs_f64();
    println!("normalize {:.0} MB/s", bytes as f64 / dt / 1e6);
    let h = MinHasher::new(SignatureParams {
        num_perm: 128,
        shingle: 5,
        seed: 42,
        normalize: NormalizeOptions::all(),
    })
    .unwrap();
    let mut s = Scratch::default();
    let mut out = vec![0u16; 128];
    // Variants interleaved, best of 5 each: this machine's speed drifts.
    let widths = [0usize, 128, 512, 1024];
    let mut best = vec![0f64; widths.len()];
    for _ in 0..5 {
        for (b, &width) in best.iter_mut().zip(&widths) {
            let mut fine = vec![0u8; width];
            let t = Instant::now();
            let mut x = 0u64;
            for d in &norm {
                if width == 0 {
                    h.sign_normalized(d, &mut s, &mut out);
                } else {
                    h.sign_normalized_fine(d, &mut s, &mut out, &mut fine);
                }
                x += u64::from(out[0]);
            }
            std::hint::black_box(x);
            *b = b.max(bytes as f64 / t.elapsed().as_secs_f64() / 1e6);
        }
    }
    for (b, width) in best.iter().zip(widths) {
        println!("sign + {width} fine slots: {b:.0} MB/s of original text");
    }
    let t = Instant::now();
    for l in text.lines() {
        std::hint::black_box(simdutf8::basic::from_utf8(l.as_bytes()).is_ok());
    }
    println!(
        "from_utf8 {:.0} MB/s",
        text.len() as f64 / t.elapsed().as_secs_f64() / 1e6
    );
}
