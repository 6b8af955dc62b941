//! Criterion benchmark of the feed index: one article asked about alone
//! (a dry run) and a batch of 1,000 added, against indexes of 10k and 100k
//! generated documents, to show that both cost what the batch holds, not
//! what the index holds. `cargo bench --bench index`. The README's figures
//! at 1M and 10M documents come from the command line (see Performance).

use std::hint::black_box;
use std::path::Path;

use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};

use neardup::config::Config;
use neardup::index::{AddOptions, Article, Index, IndexParams};
use neardup_testkit::{DedupSpec, GenItem, dedup_corpus};

fn docs(n: usize, seed: u64) -> Vec<GenItem> {
    dedup_corpus(&DedupSpec {
        docs: n,
        seed,
        ..DedupSpec::default()
    })
    .unwrap()
    .collect()
}

fn articles(items: &[GenItem]) -> Vec<Article<'_>> {
    items
        .iter()
        .map(|it| Article {
            id: &it.doc.id,
            text: &it.doc.text,
            outlet: Some(&it.doc.outlet),
            date: None,
        })
        .collect()
}

/// An index of `n` generated documents in `dir`, added 10k at a time.
fn build(dir: &Path, n: usize) -> Index {
    let index = Index::create(dir, &IndexParams::of(&Config::default())).unwrap();
    let items = docs(n, 3);
    for chunk in items.chunks(10_000) {
        index
            .add_articles(&articles(chunk), &AddOptions::default())
            .unwrap();
    }
    index
}

fn index(c: &mut Criterion) {
    let mut g = c.benchmark_group("index");
    g.sample_size(10);
    // Other documents: new ones (a tenth are copies among themselves).
    let probes = docs(1_000, 77);
    let probes = articles(&probes);
    for n in [10_000, 100_000] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        let index = build(&path, n);
        let dry = AddOptions {
            dry_run: true,
            ..AddOptions::default()
        };
        let mut i = 0;
        g.bench_function(BenchmarkId::new("query one", n), |b| {
            b.iter(|| {
                i = (i + 1) % probes.len();
                black_box(index.add_articles(&probes[i..i + 1], &dry).unwrap())
            })
        });
        drop(index);
        g.bench_function(BenchmarkId::new("add 1000", n), |b| {
            b.iter_batched(
                || {
                    let copy = tempfile::tempdir().unwrap();
                    std::fs::create_dir(copy.path().join("db")).unwrap();
                    std::fs::copy(path.join("data.mdb"), copy.path().join("db/data.mdb")).unwrap();
                    let index = Index::open(&copy.path().join("db")).unwrap();
                    (copy, index)
                },
                |(_copy, index)| {
                    black_box(index.add_articles(&probes, &AddOptions::default()).unwrap())
                },
                BatchSize::PerIteration,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, index);
criterion_main!(benches);
