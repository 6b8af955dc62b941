//! Parquet input: a `.parquet` file's rows are records like JSON lines
//! (the same fields, the same outputs), its row numbers are their lines, and
//! bad files follow the rules of bad JSONL.

use neardup_testkit::parquet_file::{Column, write_parquet};

use crate::input::check_bad;
use crate::util::*;

/// `n` records: ids, outlets, dates, texts, with near-duplicates (every
/// fifth record repeats the one before with a word changed).
fn records(n: usize) -> Vec<(String, String, String, String)> {
    (0..n)
        .map(|i| {
            let base = if i % 5 == 4 { i - 1 } else { i };
            let mut text = words(40 + base as u64, 120);
            if base != i {
                text[60] = "changed".into();
            }
            (
                format!("r{i:03}"),
                format!("outlet{}", i % 4),
                format!("2024-05-{:02}", 1 + i % 20),
                text.join(" "),
            )
        })
        .collect()
}

fn parquet_of(path: &std::path::Path, recs: &[(String, String, String, String)], group: usize) {
    let col = |f: fn(&(String, String, String, String)) -> &String| {
        recs.iter().map(|r| Some(f(r).clone())).collect::<Vec<_>>()
    };
    write_parquet(
        path,
        &[
            Column::Str("id", col(|r| &r.0)),
            Column::Str("source", col(|r| &r.1)),
            Column::Str("date", col(|r| &r.2)),
            Column::Str("text", col(|r| &r.3)),
        ],
        group,
    )
    .unwrap();
}

/// A run's JSON lines without the input file name of `location`.
fn without_file(path: &std::path::Path) -> Vec<serde_json::Value> {
    read_jsonl(path)
        .into_iter()
        .map(|mut v| {
            if let Some(l) = v.get_mut("location") {
                l["file"] = serde_json::Value::Null;
            }
            v
        })
        .collect()
}

#[test]
fn parquet_rows_are_records_like_json_lines() {
    let recs = records(45);
    let d = Dir::new();
    parquet_of(&d.join("feed.parquet"), &recs, 10);
    let jsonl: String = recs
        .iter()
        .map(|r| {
            serde_json::json!({"id": r.0, "source": r.1, "date": r.2, "text": r.3}).to_string()
                + "\n"
        })
        .collect();
    d.write("feed.jsonl", jsonl);
    for input in ["feed.jsonl", "feed.parquet"] {
        d.run(&[
            "analyze",
            input,
            "--out",
            &format!("out-{input}"),
            "--date-field",
            "date",
        ])
        .ok();
    }
    for file in ["documents.jsonl", "pairs.jsonl", "shared.jsonl"] {
        assert_eq!(
            without_file(&d.join(&format!("out-feed.jsonl/{file}"))),
            without_file(&d.join(&format!("out-feed.parquet/{file}"))),
            "{file}"
        );
    }
    let docs = read_jsonl(&d.join("out-feed.parquet/documents.jsonl"));
    assert_eq!(docs.len(), 45);
    // A row's line is its row number, across row groups.
    assert_eq!(docs[16]["location"]["line"], 17);
    assert_eq!(docs[16]["location"]["file"], "feed.parquet");
    assert_eq!(docs[4]["duplicate_of"], "r003", "{:?}", docs[4]);
    // dedup writes the kept rows as JSON lines.
    d.run(&["dedup", "feed.parquet", "-o", "kept.jsonl"]).ok();
    let kept = read_jsonl(&d.join("kept.jsonl"));
    assert_eq!(kept.len(), 36);
    assert_eq!(kept[0]["text"], recs[0].3.as_str());
}

#[test]
fn a_truncated_parquet_file_names_the_file() {
    let d = Dir::new();
    parquet_of(&d.join("whole.parquet"), &records(20), 10);
    let bytes = std::fs::read(d.join("whole.parquet")).unwrap();
    d.write("cut.parquet", &bytes[..bytes.len() - 40]);
    d.write("other.parquet", b"id,text\n1,not parquet\n");
    for file in ["cut.parquet", "other.parquet"] {
        let out = format!("out-{file}");
        let r = d.run(&["analyze", file, "--out", &out]);
        r.expect_stderr(1, &[file, "not a readable Parquet file"]);
        assert!(!d.join(&out).join("documents.jsonl").exists());
        // Under skip, the file is one rejected record.
        d.run(&["analyze", file, "--out", &out, "--on-error", "skip"])
            .ok();
        let docs = read_jsonl(&d.join(&out).join("documents.jsonl"));
        assert_eq!(docs.len(), 1, "{docs:?}");
        assert_eq!(docs[0]["status"], "rejected");
    }
}

/// A Parquet file whose second row is bad in the way `bad` makes it.
fn with_bad_second_row(bad: Column) -> Vec<u8> {
    let d = Dir::new();
    let ids = (0..3).map(|i| Some(format!("p{i}"))).collect();
    write_parquet(&d.join("f.parquet"), &[Column::Str("id", ids), bad], 2).unwrap();
    std::fs::read(d.join("f.parquet")).unwrap()
}

#[test]
fn a_missing_text_column_rejects_every_row() {
    let titles = (0..3).map(|i| Some(format!("title {i}"))).collect();
    check_bad(
        "feed.parquet",
        &with_bad_second_row(Column::Str("title", titles)),
        "feed.parquet:1: missing field `text`",
        3,
    );
}

#[test]
fn a_text_that_is_not_a_string_is_rejected_at_its_row() {
    let d = Dir::new();
    let ids = (0..3).map(|i| Some(format!("p{i}"))).collect();
    let texts = vec![
        Some("first text".to_string()),
        None,
        Some("third text".to_string()),
    ];
    write_parquet(
        &d.join("f.parquet"),
        &[
            Column::Str("id", ids),
            Column::Str("text", texts),
            Column::Int("n", vec![Some(1), Some(2), Some(3)]),
        ],
        2,
    )
    .unwrap();
    let bytes = std::fs::read(d.join("f.parquet")).unwrap();
    check_bad("feed.parquet", &bytes, "feed.parquet:2: ", 1);
    // An integer column chosen as the text.
    let ids = (0..3).map(|i| Some(format!("p{i}"))).collect();
    let d2 = Dir::new();
    write_parquet(
        &d2.join("g.parquet"),
        &[
            Column::Str("id", ids),
            Column::Int("body", vec![Some(1), Some(2), Some(3)]),
        ],
        2,
    )
    .unwrap();
    d2.run(&[
        "analyze",
        "g.parquet",
        "--out",
        "out",
        "--text-field",
        "body",
    ])
    .expect_stderr(1, &["g.parquet:1: field `body` must be a string"]);
}
