//! The Spark path: `neardup sign`, `spark-task`, `apply`, and the driver of
//! `neardup spark-script` run by `spark-submit --master local[2]`.
//!
//! The Spark runs need `spark-submit` (pyspark and Java): `.ci/run`
//! installs them and sets `NEARDUP_SPARK_SUBMIT` and
//! `NEARDUP_REQUIRE_SPARK=1`; elsewhere those tests say they were skipped.

use std::path::{Path, PathBuf};
use std::process::Command;

use neardup_testkit::DedupSpec;
use serde_json::Value;

use crate::util::*;

/// `spark-submit`, or `None` (the test is skipped, visibly) when it is not
/// installed and not required.
fn spark_submit() -> Option<PathBuf> {
    let required = std::env::var_os("NEARDUP_REQUIRE_SPARK").is_some_and(|v| v == "1");
    let submit = std::env::var_os("NEARDUP_SPARK_SUBMIT").map(PathBuf::from);
    match submit {
        Some(p) if p.exists() => Some(p),
        _ => {
            assert!(
                !required,
                "NEARDUP_REQUIRE_SPARK=1 but NEARDUP_SPARK_SUBMIT does not name spark-submit"
            );
            eprintln!(
                "SKIPPED: no Spark (set NEARDUP_SPARK_SUBMIT to spark-submit; .ci/run installs it)"
            );
            None
        }
    }
}

/// Runs the driver on `local[2]`: `spark-submit neardup_spark.py --input
/// INPUT --output OUT --neardup BIN ARGS`; panics with its log on failure.
fn run_spark(submit: &Path, d: &Dir, input: &str, out: &str, args: &[&str]) {
    let (ok, ours) = spark_job(submit, d, input, out, args);
    assert!(ok, "spark-submit failed:\n{ours}");
    assert!(
        d.join(out).join("summary.json").exists(),
        "no summary.json: {ours}"
    );
}

/// Runs the driver; whether it succeeded, and its own messages and
/// Python's or Spark's errors.
fn spark_job(submit: &Path, d: &Dir, input: &str, out: &str, args: &[&str]) -> (bool, String) {
    let script = d.run(&["spark-script"]);
    script.ok();
    d.write("neardup_spark.py", script.stdout());
    // The venv's Python runs the driver (it has pyspark).
    let python = submit.with_file_name("python");
    let mut cmd = Command::new(submit);
    cmd.current_dir(d.path())
        .args([
            "--master",
            "local[2]",
            "--conf",
            "spark.ui.showConsoleProgress=false",
        ])
        .args(["--conf", "spark.sql.shuffle.partitions=4"])
        .arg("neardup_spark.py")
        .args(["--input", input, "--output", out])
        .args(["--neardup", env!("CARGO_BIN_EXE_neardup")])
        .args(args);
    if python.exists() {
        cmd.env("PYSPARK_PYTHON", &python)
            .env("PYSPARK_DRIVER_PYTHON", &python);
    }
    let run = cmd.output().expect("spark-submit runs");
    // The driver's messages reach either stream, depending on the launcher.
    let both = [&run.stdout[..], &run.stderr[..]].concat();
    let log = String::from_utf8_lossy(&both);
    // The driver's own lines, and Python's or Spark's errors.
    let ours: Vec<&str> = log
        .lines()
        .filter(|l| {
            l.starts_with("neardup")
                || l.starts_with("Traceback")
                || l.contains("Error:")
                || l.contains("Exception:")
        })
        .take(40)
        .collect();
    (run.status.success(), ours.join("\n"))
}

/// A generated corpus of `docs` documents (seed `seed`), as JSONL text.
fn generated(d: &Dir, docs: usize, seed: u64) -> String {
    let spec = DedupSpec {
        docs,
        seed,
        ..DedupSpec::default()
    };
    d.generate("g", &spec);
    std::fs::read_to_string(d.join("g/corpus.jsonl")).unwrap()
}

/// Every row of `DIR/documents/*.parquet`, as JSON objects, in file order.
fn documents(dir: &Path) -> Vec<Value> {
    use parquet::file::reader::SerializedFileReader;
    use parquet::record::reader::RowIter;
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("documents"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "parquet"))
        .collect();
    files.sort();
    let mut rows = Vec::new();
    for f in files {
        let reader = SerializedFileReader::new(std::fs::File::open(&f).unwrap()).unwrap();
        for row in RowIter::from_file_into(Box::new(reader)) {
            rows.push(row.unwrap().to_json_value());
        }
    }
    rows
}

/// The columns a documents row must have for its status (NULL where
/// TRANSFORM could have dropped a value is a failure, not a default).
fn assert_complete(rows: &[Value]) {
    for r in rows {
        for col in ["doc", "file", "line", "id", "status"] {
            assert!(!r[col].is_null(), "{col} is null: {r}");
        }
        let dup = !r["duplicate_of"].is_null();
        match r["status"].as_str().unwrap() {
            "ok" => {
                assert!(!r["cluster"].is_null() && !r["similarity"].is_null(), "{r}");
                assert_eq!(dup, !r["measure"].is_null(), "{r}");
                if dup {
                    assert_eq!(r["cluster"], r["duplicate_of"], "{r}");
                } else {
                    assert_eq!(r["cluster"], r["id"], "{r}");
                    assert_eq!(r["similarity"], 1.0, "{r}");
                }
            }
            "empty" => assert_eq!(r["cluster"], r["id"], "{r}"),
            "rejected" => assert!(!r["reason"].is_null() && r["cluster"].is_null(), "{r}"),
            s => panic!("status {s}: {r}"),
        }
    }
}

/// dedup's outputs and apply's, byte for byte.
fn assert_apply_equals_dedup(d: &Dir, input: &str, job: &str, args: &[&str]) {
    let mut dedup = vec![
        "dedup",
        input,
        "-o",
        "d.kept",
        "--duplicates",
        "d.dups",
        "-q",
    ];
    dedup.extend_from_slice(args);
    d.run(&dedup).ok();
    let mut apply = vec!["apply", "--job", job, input, "-o", "a.kept"];
    apply.extend_from_slice(&["--duplicates", "a.dups", "-q"]);
    apply.extend_from_slice(args);
    d.run(&apply).ok();
    let read = |n: &str| std::fs::read(d.join(n)).unwrap();
    assert!(!read("d.dups").is_empty(), "the corpus has duplicates");
    assert!(read("d.kept") == read("a.kept"), "kept records differ");
    assert!(read("d.dups") == read("a.dups"), "duplicates differ");
}

#[test]
fn spark_local_clusters_equal_dedup_on_20k_generated_documents() {
    let Some(submit) = spark_submit() else {
        return;
    };
    let d = Dir::new();
    // An empty text, a record without an id and a blank line, too.
    let mut corpus = generated(&d, 20_000, 15);
    corpus.push_str("{\"id\":\"blank-text\",\"text\":\"  \"}\n\n");
    corpus.push_str(&line_without_id(
        "a record without an id, named by its place",
    ));
    d.write("corpus.jsonl", corpus);
    run_spark(&submit, &d, "corpus.jsonl", "job", &["--write-kept"]);
    let rows = documents(&d.join("job"));
    assert_eq!(rows.len(), 20_002);
    assert_complete(&rows);
    let docs: Vec<i64> = rows.iter().map(|r| r["doc"].as_i64().unwrap()).collect();
    assert!(
        docs.windows(2).all(|w| w[0] < w[1]),
        "documents sorted by doc"
    );
    let last = rows.last().unwrap();
    assert_eq!(last["id"], "corpus.jsonl:20003", "{last}");
    assert_eq!(rows[20_000]["status"], "empty");
    let summary = read_json(&d.join("job/summary.json"));
    assert_eq!(summary["counts"]["read"], 20_002);
    assert!(summary["counts"]["largest_component"].as_u64().unwrap() >= 2);
    assert_apply_equals_dedup(&d, "corpus.jsonl", "job", &[]);
    // The job's own kept lines, part files in name order: dedup's -o.
    let mut parts: Vec<PathBuf> = std::fs::read_dir(d.join("job/kept"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("part-")
        })
        .collect();
    parts.sort();
    let kept: Vec<u8> = parts
        .iter()
        .flat_map(|p| std::fs::read(p).unwrap())
        .collect();
    assert!(
        kept == std::fs::read(d.join("d.kept")).unwrap(),
        "OUT/kept differs from dedup -o"
    );
}

#[test]
fn spark_local_keeps_by_the_same_rule_with_other_options_and_skipped_records() {
    let Some(submit) = spark_submit() else {
        return;
    };
    let d = Dir::new();
    let mut corpus = generated(&d, 3_000, 16);
    let first = corpus.lines().next().unwrap().to_string();
    // A byte-order mark first, as some exporters write.
    corpus.insert(0, '\u{feff}');
    corpus.push_str("{\"id\": 5, \"text\": not json}\n");
    corpus.push_str(&first); // its id again: renamed ID@FILE:LINE under skip
    corpus.push('\n');
    d.write("corpus.jsonl", corpus);
    let opts = [
        "--keep",
        "longest",
        "--threshold",
        "0.8",
        "--on-error",
        "skip",
    ];
    run_spark(&submit, &d, "corpus.jsonl", "job", &opts);
    let rows = documents(&d.join("job"));
    assert_complete(&rows);
    assert_eq!(rows.len(), 3_002);
    assert_eq!(rows[3_000]["status"], "rejected");
    let renamed = rows[3_001]["id"].as_str().unwrap();
    assert!(renamed.ends_with("@corpus.jsonl:3002"), "{renamed}");
    assert_apply_equals_dedup(&d, "corpus.jsonl", "job", &opts);
    // Under --on-error fail the job stops at the bad record, as dedup does.
    let (ok, log) = spark_job(&submit, &d, "corpus.jsonl", "failed", &[]);
    assert!(!ok && log.contains("corpus.jsonl:3001"), "{log}");
    assert!(!d.join("failed/summary.json").exists());
}

#[test]
fn spark_local_reads_a_folder_of_jsonl_and_parquet_in_path_order() {
    let Some(submit) = spark_submit() else {
        return;
    };
    let d = Dir::new();
    let corpus = generated(&d, 3_000, 17);
    let lines: Vec<&str> = corpus.lines().collect();
    std::fs::create_dir_all(d.join("dump/2024")).unwrap();
    // In path order "2024/a.parquet" comes before "b.jsonl"; "c.jsonl" is
    // empty.
    d.write("dump/c.jsonl", "");
    d.write("dump/b.jsonl", lines[1_500..].join("\n") + "\n");
    let rows: Vec<Value> = lines[..1_500]
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let col = |f: &str| -> Vec<Option<String>> {
        rows.iter()
            .map(|r| r[f].as_str().map(str::to_string))
            .collect()
    };
    use neardup_testkit::parquet_file::{Column, write_parquet};
    write_parquet(
        &d.join("dump/2024/a.parquet"),
        &[
            Column::Str("id", col("id")),
            Column::Str("source", col("source")),
            Column::Str("date", col("date")),
            Column::Str("text", col("text")),
        ],
        400,
    )
    .unwrap();
    let opts = ["--keep", "earliest"];
    run_spark(&submit, &d, "dump", "job", &opts);
    let rows = documents(&d.join("job"));
    assert_complete(&rows);
    assert_eq!(rows.len(), 3_000);
    assert_eq!(rows[0]["file"], "dump/2024/a.parquet");
    assert_eq!(rows[1_500]["file"], "dump/b.jsonl");
    assert_eq!(rows[1_500]["line"], 1);
    assert_apply_equals_dedup(&d, "dump", "job", &opts);
    // The job copies lines of JSONL only: with Parquet among the inputs,
    // --write-kept is refused before anything is read.
    let (ok, log) = spark_job(&submit, &d, "dump", "job2", &["--write-kept"]);
    assert!(
        !ok && log.contains("--write-kept copies lines of JSONL"),
        "{log}"
    );
    // No records at all: an empty result, not an error.
    run_spark(&submit, &d, "dump/c.jsonl", "empty", &["--write-kept"]);
    assert!(documents(&d.join("empty")).is_empty());
    assert_eq!(
        read_json(&d.join("empty/summary.json"))["counts"]["read"],
        0
    );
}

fn line_without_id(text: &str) -> String {
    format!("{}\n", serde_json::json!({ "text": text }))
}

#[test]
fn sign_writes_one_line_per_record_with_signature_and_band_keys() {
    let d = Dir::new();
    let run = d.run(&["sign", seeds().to_str().unwrap(), "-q"]);
    run.ok();
    let lines: Vec<Value> = run
        .stdout()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5);
    let params = lines[0]["params"].as_str().unwrap().to_string();
    for l in &lines {
        assert_eq!(l["status"], "ok");
        assert_eq!(l["params"], params.as_str());
        // 128 slots of two bytes, base64; 21 bands at the default threshold.
        assert_eq!(l["sig"].as_str().unwrap().len(), 344);
        assert_eq!(l["bands"].as_array().unwrap().len(), 21);
        assert!(l["id"].as_str().unwrap().starts_with("00"));
    }
    // A reader that stops early (`| head -1`) is no error, and no summary.
    let many: Vec<String> = (0..3_000)
        .map(|i| line(&format!("d{i}"), &words(i, 80).join(" ")))
        .collect();
    d.write("many.jsonl", many.join("\n") + "\n");
    let out = d.run_into_head("sign many.jsonl");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && err.is_empty(), "{err}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
    // Other parameters, another hash.
    let other = d.run(&[
        "sign",
        seeds().to_str().unwrap(),
        "-q",
        "--threshold",
        "0.8",
    ]);
    let v: Value = serde_json::from_str(other.stdout().lines().next().unwrap()).unwrap();
    assert_ne!(v["params"], params.as_str());
    assert_eq!(v["bands"].as_array().unwrap().len(), 16);
}

#[test]
fn sign_keyed_echoes_keys_and_accounts_for_every_line() {
    let d = Dir::new();
    let input = "k1\t{\"id\":\"a\",\"text\":\"one article about the talks\"}\n\
                 k2\t   \n\
                 k3\t{\"id\":\"b\",\"text\":\"\"}\n\
                 k4\t{not json}\n";
    let run = d.run_with_stdin(
        &["sign", "-", "--keyed", "--on-error", "skip", "-q"],
        Some(input.as_bytes()),
    );
    run.ok();
    let lines: Vec<Value> = run
        .stdout()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let got: Vec<(&str, &str)> = lines
        .iter()
        .map(|l| (l["key"].as_str().unwrap(), l["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            ("k1", "ok"),
            ("k2", "blank"),
            ("k3", "empty"),
            ("k4", "rejected")
        ]
    );
    assert!(lines[3]["reason"].as_str().is_some());
    // Under fail the bad record stops the filter with its line.
    d.run_with_stdin(&["sign", "-", "--keyed", "-q"], Some(input.as_bytes()))
        .expect_stderr(1, &["-:4"]);
    // A line without its key is broken framing, not a record.
    d.run_with_stdin(
        &["sign", "-", "--keyed", "-q"],
        Some(b"{\"id\":\"a\",\"text\":\"x\"}\n"),
    )
    .expect_stderr(1, &["KEY<TAB>RECORD"]);
}

/// Candidate-pair lines for `spark-task verify` from two signed records.
fn verify_line(a: &Value, b: &Value) -> String {
    let f = |v: &Value, k: &str| v[k].as_str().unwrap_or("").to_string();
    format!(
        "0\t1\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
        f(a, "params"),
        f(a, "sig"),
        f(a, "fine"),
        a["shingles"],
        f(b, "sig"),
        f(b, "fine"),
        b["shingles"]
    )
}

#[test]
fn spark_tasks_verify_like_dedup_and_refuse_mixed_parameters() {
    let d = Dir::new();
    let text = words(3, 300).join(" ");
    let mut copy = words(3, 300);
    copy[150] = "changed".into();
    d.write(
        "two.jsonl",
        format!("{}\n{}\n", line("a", &text), line("b", &copy.join(" "))),
    );
    let signed = d.run(&["sign", "two.jsonl", "-q"]);
    signed.ok();
    let rows: Vec<Value> = signed
        .stdout()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let input = verify_line(&rows[0], &rows[1]);
    let run = d.run_with_stdin(&["spark-task", "verify", "-", "-q"], Some(input.as_bytes()));
    run.ok();
    let out = run.stdout();
    let f: Vec<&str> = out.trim_end().split('\t').collect();
    assert_eq!(&f[..2], ["0", "1"], "{out}");
    assert_eq!(f.len(), 5);
    // dedup finds the same pair.
    d.run(&["dedup", "two.jsonl", "--duplicates", "dups.jsonl", "-q"])
        .ok();
    let dups = read_jsonl(&d.join("dups.jsonl"));
    assert_eq!(dups.len(), 1);
    // Signed with the default threshold, verified with another: refused.
    d.run_with_stdin(
        &["spark-task", "verify", "-", "--threshold", "0.8", "-q"],
        Some(input.as_bytes()),
    )
    .expect_stderr(1, &["same options"]);
    // A component of the pair: b is a duplicate of a.
    let member = |v: &Value, doc: u32| {
        format!(
            "7\tM\t{doc}\t{}\t{}\t{}\t\t{}\n",
            v["params"].as_str().unwrap(),
            v["sig"].as_str().unwrap(),
            v["shingles"],
            v["chars"]
        )
    };
    let comp = format!(
        "{}{}7\tP\t{}\n",
        member(&rows[0], 0),
        member(&rows[1], 1),
        f.join("\t")
    );
    let run = d.run_with_stdin(&["spark-task", "cluster", "-", "-q"], Some(comp.as_bytes()));
    run.ok();
    let out = run.stdout();
    let kept: Vec<&str> = out.trim_end().split('\t').collect();
    assert_eq!(&kept[..2], ["1", "0"], "b's kept document is a");
    let similarity: f64 = kept[2].parse().unwrap();
    let round4 = |x: f64| (x * 10_000.0).round() / 10_000.0;
    assert_eq!(round4(similarity), dups[0]["similarity"].as_f64().unwrap());
    // Broken row format: a line with a field missing.
    d.run_with_stdin(&["spark-task", "verify", "-", "-q"], Some(b"0\t1\tx\n"))
        .expect_stderr(1, &["fields"]);
}

#[test]
fn apply_refuses_another_input() {
    let d = Dir::new();
    std::fs::create_dir(d.join("job")).unwrap();
    std::fs::create_dir(d.join("job/documents")).unwrap();
    d.write("in.jsonl", line("a", "text") + "\n");
    d.run(&["apply", "--job", "job", "in.jsonl"])
        .expect_stderr(2, &["no Parquet files"]);
}

#[test]
fn spark_script_prints_the_embedded_driver() {
    let d = Dir::new();
    let run = d.run(&["spark-script"]);
    run.ok();
    let s = run.stdout();
    assert!(s.starts_with("#!/usr/bin/env python3"));
    for needle in [
        "TRANSFORM",
        "sign - --keyed",
        "spark-task verify",
        "spark-task cluster",
    ] {
        assert!(s.contains(needle), "{needle}");
    }
}
