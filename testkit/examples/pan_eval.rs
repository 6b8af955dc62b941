//! PAN measures (Potthast et al. 2010) of neardup's shared passages, per
//! edit type, on generated corpora with rewritten copies; and passage
//! coverage per reuse level on the Clough & Stevenson corpus.
//!
//! ```text
//! pan_eval generate DIR DOCS SCRIPT [SEED]   # a news corpus with NewsSpec::rewrites on
//! pan_eval score CORPUS_DIR OUT_DIR [...]    # PAN table of analyze outputs (pairs of folders)
//! pan_eval clough DATA_DIR OUT_DIR           # coverage of answers by passages with their source
//! ```
//!
//! `score` takes one or more `CORPUS_DIR OUT_DIR` pairs and scores them
//! together (say an Arabic and a Latin corpus); `testkit/BASELINE.md` has
//! the full commands.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use neardup_testkit::pan::{
    PanCase, PanDetection, covered_share, pan_report, read_detections, read_news_cases, read_texts,
};
use neardup_testkit::{NewsSpec, each_json_line, write_news_corpus};
use serde::Deserialize;

fn fail(msg: &str) -> ! {
    eprintln!("{msg}");
    std::process::exit(2)
}

fn generate(args: &[String]) {
    if args.len() < 3 {
        fail("usage: pan_eval generate DIR DOCS SCRIPT [SEED]");
    }
    let spec = NewsSpec {
        docs: args[1].parse().expect("DOCS"),
        script: args[2].parse().expect("SCRIPT"),
        seed: args.get(3).map_or(1, |s| s.parse().expect("SEED")),
        rewrites: true,
        ..NewsSpec::default()
    };
    let stats = write_news_corpus(&spec, args[0].as_ref()).unwrap_or_else(|e| fail(&e.to_string()));
    println!("{}", serde_json::to_string_pretty(&stats).unwrap());
}

/// Prefixes ids with the corpus index, so several corpora score together.
fn tag(k: usize, id: &str) -> String {
    format!("{k}:{id}")
}

fn score(args: &[String]) {
    if args.is_empty() || !args.len().is_multiple_of(2) {
        fail("usage: pan_eval score CORPUS_DIR OUT_DIR [CORPUS_DIR OUT_DIR ...]");
    }
    let mut texts = HashMap::new();
    let mut cases: Vec<PanCase> = Vec::new();
    let mut dets: Vec<PanDetection> = Vec::new();
    for (k, pair) in args.chunks(2).enumerate() {
        let (corpus, out) = (Path::new(&pair[0]), Path::new(&pair[1]));
        let read = || -> neardup::error::Result<_> {
            Ok((
                read_texts(&corpus.join("corpus.jsonl"))?,
                read_news_cases(corpus)?,
                read_detections(out)?,
            ))
        };
        let (t, c, d) = read().unwrap_or_else(|e| fail(&e.to_string()));
        texts.extend(t.into_iter().map(|(id, text)| (tag(k, &id), text)));
        cases.extend(c.into_iter().map(|c| PanCase {
            a: tag(k, &c.a),
            b: tag(k, &c.b),
            ..c
        }));
        dets.extend(d.into_iter().map(|d| PanDetection {
            a: tag(k, &d.a),
            b: tag(k, &d.b),
            ..d
        }));
    }
    let report = pan_report(&texts, &cases, &dets);
    print!("{}", report.table());
    println!(
        "\ndetections {} (outside planted pairs: {})",
        report.overall.detections, report.outside_truth
    );
    eprintln!("{}", serde_json::to_string_pretty(&report).unwrap());
}

#[derive(Deserialize)]
struct Label {
    id: String,
    source_id: String,
    category: String,
}

fn clough(args: &[String]) {
    if args.len() != 2 {
        fail("usage: pan_eval clough DATA_DIR OUT_DIR");
    }
    let (data, out) = (Path::new(&args[0]), Path::new(&args[1]));
    let texts = read_texts(&data.join("docs.jsonl")).unwrap_or_else(|e| fail(&e.to_string()));
    let dets = read_detections(out).unwrap_or_else(|e| fail(&e.to_string()));
    let mut truth: Vec<Label> = Vec::new();
    each_json_line(&data.join("ground_truth.jsonl"), |l| truth.push(l))
        .unwrap_or_else(|e| fail(&e.to_string()));
    // Per level: answers, answers with a passage, summed shares, covered
    // and total characters, passages with the source.
    let mut levels: BTreeMap<String, (usize, usize, f64, f64, usize, usize)> = BTreeMap::new();
    for l in truth {
        let share = covered_share(&texts, &l.id, &l.source_id, &dets);
        let n = texts.get(&l.id).map_or(0, |t| t.chars().count());
        let e = levels.entry(l.category).or_default();
        e.0 += 1;
        e.1 += usize::from(share > 0.0);
        e.2 += share;
        e.3 += share * n as f64;
        e.4 += n;
        e.5 += dets
            .iter()
            .filter(|d| (d.a == l.id && d.b == l.source_id) || (d.b == l.id && d.a == l.source_id))
            .count();
    }
    println!(
        "| reuse level | answers | with a passage | mean coverage | pooled coverage | passages per answer found |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for name in ["cut", "light", "heavy", "non"] {
        if let Some(&(n, found, sum, covered, all, passages)) = levels.get(name) {
            println!(
                "| {name} | {n} | {found} | {:.3} | {:.3} | {:.2} |",
                sum / n as f64,
                covered / all.max(1) as f64,
                passages as f64 / found.max(1) as f64
            );
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("generate") => generate(&args[1..]),
        Some("score") => score(&args[1..]),
        Some("clough") => clough(&args[1..]),
        _ => fail(
            "usage: pan_eval generate DIR DOCS SCRIPT [SEED]\n       \
             pan_eval score CORPUS_DIR OUT_DIR [CORPUS_DIR OUT_DIR ...]\n       \
             pan_eval clough DATA_DIR OUT_DIR",
        ),
    }
}
