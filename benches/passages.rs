//! Criterion benchmark of the passage stage (words, boilerplate, index,
//! alignment) at 10k, 100k and 1M generated documents, within the default
//! `--memory-limit` of a library [`Config`] (4 GiB: at 1M the word records
//! and the sorts spill to disk), to show its cost grows linearly with the
//! corpus. `cargo bench --bench passages`; `NEARDUP_BENCH_MAX_DOCS=100000`
//! leaves out the larger sizes (1M takes about 20 minutes).

use std::hint::black_box;
use std::io::Write;
use std::path::Path;

use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};

use neardup::cluster::Duplicates;
use neardup::config::Config;
use neardup::input::{OutletFrom, resolve};
use neardup::passages;
use neardup::pipeline::{Corpus, find_duplicates, read_and_sign};
use neardup::progress::NoProgress;
use neardup::timings::Timings;
use neardup_testkit::{DedupSpec, dedup_corpus};

fn corpus(dir: &Path, docs: usize, config: &Config) -> (Corpus, Duplicates) {
    let path = dir.join(format!("c{docs}.jsonl"));
    let spec = DedupSpec {
        docs,
        seed: 9,
        ..DedupSpec::default()
    };
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    for item in dedup_corpus(&spec).unwrap() {
        let line = serde_json::json!({"id": item.doc.id, "source": item.doc.outlet, "text": item.doc.text});
        writeln!(f, "{line}").unwrap();
    }
    drop(f);
    let inputs = resolve(&[path], OutletFrom::None).unwrap();
    let corpus = read_and_sign(config, inputs, false, &NoProgress, &mut |_| Ok(())).unwrap();
    let dups = find_duplicates(&corpus, config, &NoProgress, &mut Timings::default()).unwrap();
    (corpus, dups)
}

fn passage_stage(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::default();
    let mut g = c.benchmark_group("passages");
    g.sample_size(10);
    g.sampling_mode(SamplingMode::Flat);
    let max: usize = std::env::var("NEARDUP_BENCH_MAX_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(usize::MAX);
    let budget = config.budget();
    for docs in [10_000, 100_000, 1_000_000]
        .into_iter()
        .filter(|&d| d <= max)
    {
        let (corpus, dups) = corpus(dir.path(), docs, &config);
        g.throughput(Throughput::Elements(docs as u64));
        g.bench_with_input(BenchmarkId::from_parameter(docs), &docs, |b, _| {
            b.iter(|| {
                let space = passages::Space::within(&budget);
                let signed = corpus.signed();
                let words = passages::TokenStore::build(
                    &corpus,
                    signed.len(),
                    config.normalize,
                    space.words,
                    &space.dir,
                    &NoProgress,
                )
                .unwrap();
                let p = passages::find(
                    &signed,
                    words,
                    &dups,
                    config.normalize,
                    &config.passages,
                    &space,
                    &NoProgress,
                    &mut Timings::default(),
                )
                .unwrap();
                black_box(p.passages.len())
            })
        });
    }
    g.finish();
}

criterion_group!(benches, passage_stage);
criterion_main!(benches);
