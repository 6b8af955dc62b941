//! Query latency of a feed index: each probe document alone, as a scraper
//! asks about one article at a time (a dry run: nothing is added).
//!
//! ```text
//! cargo run --release -p neardup-testkit --example index_latency -- INDEX PROBES.jsonl [N]
//! ```
//!
//! Reads the first `N` (default 1000) records `{"id","text"}` of the probe
//! file, answers each with `Index::add_articles` (dry run), and prints the
//! p50, p90, p99 and largest latency and how the probes were decided.

use std::io::BufRead;
use std::time::Instant;

use neardup::index::{AddOptions, Article, Index, Status};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(db), Some(probes)) = (args.first(), args.get(1)) else {
        return Err("usage: index_latency INDEX PROBES.jsonl [N]".into());
    };
    let n: usize = args.get(2).map_or(Ok(1000), |s| s.parse())?;
    let index = Index::open(db.as_ref())?;
    let file = std::io::BufReader::new(std::fs::File::open(probes)?);
    let mut records: Vec<(String, String)> = Vec::new();
    for line in file.lines().take(n) {
        let v: serde_json::Value = serde_json::from_str(&line?)?;
        let id = v["id"].as_str().unwrap_or_default().to_string();
        let text = v["text"].as_str().unwrap_or_default().to_string();
        records.push((id, text));
    }
    let options = AddOptions {
        dry_run: true,
        ..AddOptions::default()
    };
    let mut times = Vec::with_capacity(records.len());
    let mut duplicates = 0;
    for (id, text) in &records {
        let article = Article {
            id,
            text,
            outlet: None,
            date: None,
        };
        let start = Instant::now();
        let decided = index.add_articles(&[article], &options)?;
        times.push(start.elapsed().as_secs_f64() * 1e3);
        duplicates += usize::from(decided[0].status == Status::Duplicate);
    }
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!(
        "{} probes ({duplicates} duplicates) against {} documents: p50 {:.3} ms, p90 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        times.len(),
        index.stats()?.documents,
        at(0.5),
        at(0.9),
        at(0.99),
        at(1.0)
    );
    Ok(())
}
