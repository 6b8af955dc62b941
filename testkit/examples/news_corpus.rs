//! Writes a generated news corpus with planted passage reuse (for
//! benchmarks and for measuring the passage stage), then optionally scores
//! an analyze output against it.
//!
//! ```text
//! cargo run --release -p neardup-testkit --example news_corpus -- g 30000 latin [SEED]
//! neardup analyze g/corpus.jsonl --out out --date-field date
//! cargo run --release -p neardup-testkit --example news_corpus -- --score g out
//! ```
use std::time::Instant;

use neardup_testkit::{NewsSpec, passage_quality, write_news_corpus};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--score") && args.len() == 3 {
        match passage_quality(args[1].as_ref(), args[2].as_ref()) {
            Ok(q) => println!("{}", serde_json::to_string_pretty(&q).unwrap()),
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        }
        return;
    }
    if args.len() < 3 {
        eprintln!(
            "usage: news_corpus DIR DOCS SCRIPT [SEED]\n       news_corpus --score CORPUS_DIR OUT_DIR"
        );
        std::process::exit(2);
    }
    let spec = NewsSpec {
        docs: args[1].parse().expect("DOCS"),
        script: args[2].parse().expect("SCRIPT"),
        seed: args.get(3).map_or(1, |s| s.parse().expect("SEED")),
        ..NewsSpec::default()
    };
    let t = Instant::now();
    let stats = write_news_corpus(&spec, args[0].as_ref()).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1);
    });
    let secs = t.elapsed().as_secs_f64();
    println!("{}", serde_json::to_string_pretty(&stats).unwrap());
    eprintln!(
        "{:.2} s, {:.0} docs/s, {:.1} MB/s",
        secs,
        stats.docs as f64 / secs,
        stats.corpus_bytes as f64 / secs / 1e6
    );
}
