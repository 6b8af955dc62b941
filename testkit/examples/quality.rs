//! Measures an analyze output against a generated corpus's planted truth.
//!
//! ```text
//! cargo run --release -p neardup-testkit -- generate --docs 100000 --out g
//! neardup analyze g/corpus.jsonl --out out
//! cargo run --release -p neardup-testkit --example quality -- g out [THRESHOLD] [MARGIN]
//! ```
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        eprintln!("usage: quality CORPUS_DIR OUT_DIR [THRESHOLD=0.7] [MARGIN=0.05]");
        std::process::exit(2);
    }
    let threshold = args.get(2).map_or(0.7, |t| t.parse().expect("threshold"));
    let margin = args.get(3).map_or(0.05, |m| m.parse().expect("margin"));
    match neardup_testkit::planted_quality(args[0].as_ref(), args[1].as_ref(), threshold, margin, 5)
    {
        Ok(q) => println!("{}", serde_json::to_string_pretty(&q).unwrap()),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
