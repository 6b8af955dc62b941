//! Converts a JSONL file (plain, from standard input) to Parquet with the
//! string columns `id source title text url date_extracted date author`
//! (those present), 5,000 rows per row group, Snappy: to time analyze on the
//! same corpus as JSONL and as Parquet.
//!
//! `zcat docs.jsonl.gz | cargo run --release -p neardup-testkit --example
//! to_parquet -- OUT.parquet`

use std::io::BufRead;

use neardup_testkit::parquet_file::{Column, write_parquet};

const FIELDS: [&str; 8] = [
    "id",
    "source",
    "title",
    "text",
    "url",
    "date_extracted",
    "date",
    "author",
];

fn main() {
    let out = std::env::args()
        .nth(1)
        .expect("usage: to_parquet OUT.parquet");
    let mut cols: Vec<Vec<Option<String>>> = vec![Vec::new(); FIELDS.len()];
    for line in std::io::stdin().lock().lines() {
        let v: serde_json::Value = serde_json::from_str(&line.expect("read")).expect("json");
        for (f, col) in FIELDS.iter().zip(&mut cols) {
            col.push(match &v[*f] {
                serde_json::Value::Null => None,
                serde_json::Value::String(s) => Some(s.clone()),
                other => Some(other.to_string()),
            });
        }
    }
    let columns: Vec<Column> = FIELDS
        .iter()
        .zip(cols)
        .filter(|(_, c)| c.iter().any(Option::is_some))
        .map(|(f, c)| Column::Str(f, c))
        .collect();
    write_parquet(std::path::Path::new(&out), &columns, 5_000).expect("write");
}
