//! Criterion benchmarks of the near-duplicate pipeline, per stage and whole,
//! on a generated corpus (all four scripts, 30% planted copies).
//!
//! `cargo bench --bench pipeline` (add `-- --quick` for a fast pass).

use std::hint::black_box;
use std::io::Write;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

use neardup::cluster::{Clusters, verify};
use neardup::config::Config;
use neardup::document::Row;
use neardup::input::{OutletFrom, resolve};
use neardup::lsh::{LshParams, candidate_pairs};
use neardup::minhash::{MinHasher, Scratch, Signatures};
use neardup::normalize::{NormalizeOptions, Normalizer};
use neardup::pipeline::{find_duplicates, read_and_sign};
use neardup::progress::NoProgress;
use neardup::timings::Timings;
use neardup_testkit::{DedupSpec, Script, dedup_corpus};

fn texts(docs: usize, scripts: Vec<Script>) -> Vec<String> {
    let spec = DedupSpec {
        docs,
        seed: 11,
        scripts,
        ..DedupSpec::default()
    };
    dedup_corpus(&spec).unwrap().map(|g| g.doc.text).collect()
}

fn bytes(texts: &[String]) -> u64 {
    texts.iter().map(|t| t.len() as u64).sum()
}

fn normalize(c: &mut Criterion) {
    let mut g = c.benchmark_group("normalize");
    for (name, scripts) in [
        ("latin", vec![Script::Latin]),
        ("arabic", vec![Script::Arabic]),
    ] {
        let docs = texts(1000, scripts);
        let n = Normalizer::new(NormalizeOptions::all());
        g.throughput(Throughput::Bytes(bytes(&docs)));
        g.bench_function(BenchmarkId::new("normalize_into", name), |b| {
            let mut out = String::new();
            b.iter(|| {
                for d in &docs {
                    n.normalize_into(d, &mut out);
                    black_box(&out);
                }
            })
        });
    }
    g.finish();
}

fn sign(c: &mut Criterion) {
    let mut g = c.benchmark_group("shingle+minhash");
    let config = Config::default();
    let h = MinHasher::new(config.signature_params()).unwrap();
    let n = Normalizer::new(config.normalize);
    for (name, scripts) in [
        ("latin", vec![Script::Latin]),
        ("arabic", vec![Script::Arabic]),
    ] {
        let docs: Vec<String> = texts(1000, scripts.clone());
        let normalized: Vec<String> = docs.iter().map(|d| n.normalize(d)).collect();
        g.throughput(Throughput::Bytes(bytes(&docs)));
        g.bench_function(BenchmarkId::new("sign_normalized", name), |b| {
            let mut s = Scratch::default();
            let mut out = vec![0u16; config.num_perm];
            b.iter(|| {
                for d in &normalized {
                    h.sign_normalized(d, &mut s, &mut out);
                    black_box(&out);
                }
            })
        });
    }
    g.finish();
}

fn lsh_and_cluster(c: &mut Criterion) {
    let mut g = c.benchmark_group("lsh+cluster");
    let config = Config::default();
    let h = MinHasher::new(config.signature_params()).unwrap();
    let n = Normalizer::new(config.normalize);
    let docs = texts(20_000, Script::ALL.to_vec());
    let mut sigs = Signatures::new(config.signature_params());
    let mut s = Scratch::default();
    let mut out = vec![0u16; config.num_perm];
    for d in &docs {
        if h.sign_normalized(&n.normalize(d), &mut s, &mut out) {
            sigs.push(&out, s.shingles());
        }
    }
    g.throughput(Throughput::Elements(sigs.len() as u64));
    let lsh: LshParams = config.lsh_params();
    g.bench_function("20k docs", |b| {
        b.iter(|| {
            let cands = candidate_pairs(&sigs, lsh, 1 << 30);
            let pairs = verify(&sigs, &cands, config.threshold);
            let near = |a: Row, b: Row| {
                let j = sigs.jaccard(a, b);
                (j >= config.threshold).then_some(1.0 + j as f32)
            };
            black_box(Clusters::build(sigs.len(), &pairs, |r| r, near))
        })
    });
    g.finish();
}

fn whole(c: &mut Criterion) {
    let mut g = c.benchmark_group("pipeline");
    g.sample_size(10);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corpus.jsonl");
    let spec = DedupSpec {
        docs: 10_000,
        seed: 5,
        ..DedupSpec::default()
    };
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let mut total = 0u64;
    for item in dedup_corpus(&spec).unwrap() {
        let line = serde_json::json!({"id": item.doc.id, "source": item.doc.outlet, "text": item.doc.text});
        let line = line.to_string();
        total += line.len() as u64 + 1;
        writeln!(f, "{line}").unwrap();
    }
    drop(f);
    let config = Config::default();
    let run = || {
        let inputs = resolve(std::slice::from_ref(&path), OutletFrom::None).unwrap();
        let corpus = read_and_sign(&config, inputs, false, &NoProgress, &mut |_| Ok(())).unwrap();
        let dups = find_duplicates(&corpus, &config, &NoProgress, &mut Timings::default()).unwrap();
        black_box(dups.clusters.count)
    };
    // The same run, reported as bytes and as documents per second.
    g.throughput(Throughput::Bytes(total));
    g.bench_function("bytes: read+sign+lsh+cluster 10k docs", |b| b.iter(run));
    g.throughput(Throughput::Elements(spec.docs as u64));
    g.bench_function("docs: read+sign+lsh+cluster 10k docs", |b| b.iter(run));
    g.finish();
}

criterion_group!(benches, normalize, sign, lsh_and_cluster, whole);
criterion_main!(benches);
