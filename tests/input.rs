//! Every bad-input case of SPEC.md: under `--on-error fail` the message names
//! the file and line and the exit status is 1 with no output finalised; under
//! `skip` the run goes on, the record is reported, and
//! read = kept + duplicates + empty + rejected.

use crate::util::*;

/// A corpus of three records whose second one is `bad`.
fn feed(bad: &[u8]) -> Vec<u8> {
    let mut v = line("a", "the first article about the harbour strike").into_bytes();
    v.extend_from_slice(bad);
    v.push(b'\n');
    v.extend_from_slice(line("c", "an unrelated report on the football final").as_bytes());
    v
}

/// Runs analyze and dedup under fail and skip on `file` and checks both.
pub(crate) fn check_bad(file: &str, content: &[u8], needle: &str, rejected: u64) {
    let d = Dir::new();
    d.write(file, content);
    // fail: exit 1, `FILE:LINE: reason`, nothing finalised.
    let r = d.run(&["analyze", file, "--out", "out"]);
    r.expect_stderr(1, &[needle]);
    for f in [
        "documents.jsonl",
        "pairs.jsonl",
        "summary.json",
        "errors.jsonl",
    ] {
        assert!(
            !d.join("out").join(f).exists(),
            "{f} written after a failure"
        );
    }
    let r = d.run(&["dedup", file, "-o", "kept.jsonl"]);
    r.expect_stderr(1, &[needle]);
    assert!(!d.join("kept.jsonl").exists());

    // skip: reported, counted, every record accounted for.
    let r = d.run(&["analyze", file, "--out", "out", "--on-error", "skip"]);
    r.ok();
    let summary = read_json(&d.join("out/summary.json"));
    let c = &summary["counts"];
    assert_eq!(c["rejected"], rejected, "{summary}");
    assert_eq!(
        c["read"].as_u64().unwrap(),
        c["ok"].as_u64().unwrap() + c["empty"].as_u64().unwrap() + c["rejected"].as_u64().unwrap()
    );
    let docs = read_jsonl(&d.join("out/documents.jsonl"));
    assert_eq!(docs.len() as u64, c["read"].as_u64().unwrap());
    let errors = read_jsonl(&d.join("out/errors.jsonl"));
    assert_eq!(errors.len() as u64, rejected);
    for e in &errors {
        assert_eq!(e["action"], "rejected");
        let at = match e["line"].as_u64() {
            Some(l) => format!(
                "{}:{l}: {}",
                e["file"].as_str().unwrap(),
                e["reason"].as_str().unwrap()
            ),
            None => format!(
                "{}: {}",
                e["file"].as_str().unwrap(),
                e["reason"].as_str().unwrap()
            ),
        };
        assert!(
            at.contains(needle) || needle.contains(e["reason"].as_str().unwrap()),
            "{at} vs {needle}"
        );
    }
    let rejected_docs = docs.iter().filter(|d| d["status"] == "rejected").count() as u64;
    assert_eq!(rejected_docs, rejected);

    let r = d.run(&[
        "dedup",
        file,
        "-o",
        "kept.jsonl",
        "--on-error",
        "skip",
        "--errors",
        "errors.jsonl",
    ]);
    r.ok();
    let summary_line = r.stderr();
    let nums: Vec<u64> = summary_line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    assert!(summary_line.starts_with("read "), "{summary_line}");
    assert_eq!(
        nums[0],
        nums[1] + nums[2] + nums[3] + nums[4],
        "{summary_line}"
    );
    assert_eq!(nums[4], rejected, "{summary_line}");
    assert_eq!(read_jsonl(&d.join("errors.jsonl")).len() as u64, rejected);
}

#[test]
fn invalid_utf8() {
    check_bad(
        "feed.jsonl",
        &feed(b"{\"id\":\"b\",\"text\":\"caf\xe9\"}"),
        "feed.jsonl:2: invalid UTF-8",
        1,
    );
}

#[test]
fn malformed_json() {
    check_bad(
        "feed.jsonl",
        &feed(b"{\"id\":\"b\",\"text\":\"no end"),
        "feed.jsonl:2: malformed JSON",
        1,
    );
}

#[test]
fn missing_text_field() {
    check_bad(
        "feed.jsonl",
        &feed(b"{\"id\":\"b\",\"body\":\"x\"}"),
        "feed.jsonl:2: missing field `text`",
        1,
    );
}

#[test]
fn non_string_text_field() {
    check_bad(
        "feed.jsonl",
        &feed(b"{\"id\":\"b\",\"text\":[\"x\"]}"),
        "feed.jsonl:2: field `text` must be a string, found an array",
        1,
    );
}

#[test]
fn bad_id_type() {
    check_bad(
        "feed.jsonl",
        &feed(b"{\"id\":{\"x\":1},\"text\":\"x\"}"),
        "feed.jsonl:2: field `id` must be a string or an integer",
        1,
    );
}

#[test]
fn oversized_record() {
    let d = Dir::new();
    let big = line("b", &"word ".repeat(100));
    d.write("feed.jsonl", feed(big.trim_end().as_bytes()));
    let r = d.run(&[
        "analyze",
        "feed.jsonl",
        "--out",
        "out",
        "--max-doc-bytes",
        "200",
    ]);
    r.expect_code(1);
    assert!(
        r.stderr().contains(
            "feed.jsonl:2: record of 520 bytes is larger than the maximum document size (200 bytes)"
        ),
        "{}",
        r.stderr()
    );
    d.run(&[
        "analyze",
        "feed.jsonl",
        "--out",
        "out",
        "--max-doc-bytes",
        "200",
        "--on-error",
        "skip",
    ])
    .ok();
    let errors = read_jsonl(&d.join("out/errors.jsonl"));
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors[0]["raw"],
        serde_json::Value::Null,
        "an oversized record is never loaded"
    );
}

#[test]
fn unreadable_file() {
    let d = Dir::new();
    d.write("good.jsonl", line("a", "some text"));
    let r = d.run(&["analyze", "good.jsonl", "missing.jsonl", "--out", "out"]);
    r.expect_stderr(1, &["missing.jsonl: cannot read"]);
    let r = d.run(&[
        "analyze",
        "good.jsonl",
        "missing.jsonl",
        "--out",
        "out",
        "--on-error",
        "skip",
    ]);
    r.ok();
    let docs = read_jsonl(&d.join("out/documents.jsonl"));
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[1]["status"], "rejected");
    assert_eq!(docs[1]["location"]["file"], "missing.jsonl");
}

#[cfg(unix)]
#[test]
fn dangling_link_in_folder_is_unreadable_and_link_loops_end() {
    let d = Dir::new();
    d.write("corpus/a.txt", "first article text");
    std::os::unix::fs::symlink(d.join("nowhere.txt"), d.join("corpus/b.txt")).unwrap();
    std::os::unix::fs::symlink(d.join("corpus"), d.join("corpus/loop")).unwrap();
    let r = d.run(&["analyze", "corpus", "--out", "out"]);
    r.expect_stderr(1, &["corpus/b.txt: cannot read"]);
    d.run(&["analyze", "corpus", "--out", "out", "--on-error", "skip"])
        .ok();
    assert_eq!(read_jsonl(&d.join("out/documents.jsonl")).len(), 2);
}

#[test]
fn invalid_utf8_text_file() {
    let d = Dir::new();
    d.write("corpus/a.txt", "good text here");
    d.write("corpus/bad.txt", b"line one\nbroken \xff byte");
    let r = d.run(&["analyze", "corpus", "--out", "out"]);
    r.expect_code(1);
    assert!(
        r.stderr()
            .contains("corpus/bad.txt: invalid UTF-8 at byte 17 (line 2)"),
        "{}",
        r.stderr()
    );
    d.run(&["analyze", "corpus", "--out", "out", "--on-error", "skip"])
        .ok();
    let docs = read_jsonl(&d.join("out/documents.jsonl"));
    assert_eq!(docs[1]["id"], "bad");
    assert_eq!(docs[1]["status"], "rejected");
}

#[test]
fn truncated_gzip_stops_the_run_at_the_line_being_decoded() {
    use std::io::Write;
    let d = Dir::new();
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    for i in 0..3000 {
        enc.write_all(line(&format!("d{i}"), &format!("report {i} on item {}", i * 31)).as_bytes())
            .unwrap();
    }
    let bytes = enc.finish().unwrap();
    d.write("feed.jsonl.gz", &bytes[..bytes.len() * 2 / 3]);
    // Under both policies: what was decoded may be damaged too.
    for policy in ["fail", "skip"] {
        let r = d.run(&[
            "analyze",
            "feed.jsonl.gz",
            "--out",
            "out",
            "--on-error",
            policy,
        ]);
        r.expect_code(1);
        let err = r.stderr();
        assert!(
            err.contains("corrupt or truncated gzip stream (decoding failed in this line)"),
            "{err}"
        );
        let at = err.split("feed.jsonl.gz:").nth(1).unwrap();
        let line: u64 = at[..at.find(':').unwrap()].parse().unwrap();
        assert!(line > 1000, "{err}");
        assert!(!d.join("out/documents.jsonl").exists());
    }
}

#[test]
fn duplicate_ids_fail_or_are_renamed() {
    let d = Dir::new();
    let mut text = line("a", "first text about the port");
    text += &line("b", "second text about the rail strike");
    text += &line("a", "third text, with a reused id");
    d.write("feed.jsonl", &text);
    d.write("more.jsonl", line("b", "another file reusing an id"));
    let r = d.run(&["analyze", "feed.jsonl", "more.jsonl", "--out", "out"]);
    r.expect_code(1);
    assert!(
        r.stderr()
            .contains("feed.jsonl:3: duplicate id `a` (first seen at feed.jsonl:1)"),
        "{}",
        r.stderr()
    );
    d.run(&[
        "analyze",
        "feed.jsonl",
        "more.jsonl",
        "--out",
        "out",
        "--on-error",
        "skip",
    ])
    .ok();
    let docs = read_jsonl(&d.join("out/documents.jsonl"));
    let ids: Vec<&str> = docs.iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a", "b", "a@feed.jsonl:3", "b@more.jsonl:1"]);
    assert!(docs.iter().all(|d| d["status"] == "ok"));
    let summary = read_json(&d.join("out/summary.json"));
    assert_eq!(summary["input"]["renamed_ids"], 2);
    let errors = read_jsonl(&d.join("out/errors.jsonl"));
    assert_eq!(errors[0]["action"], "renamed");
    assert_eq!(errors[0]["new_id"], "a@feed.jsonl:3");
}

#[test]
fn empty_texts_are_not_errors() {
    let d = Dir::new();
    let mut text = line("a", "an article");
    text += &line("e1", "");
    text += &line("e2", "  \n\t ");
    text += &line("e3", "!!! ... ؟؟");
    d.write("feed.jsonl", &text);
    d.run(&["analyze", "feed.jsonl", "--out", "out"]).ok();
    let docs = read_jsonl(&d.join("out/documents.jsonl"));
    let status: Vec<&str> = docs.iter().map(|d| d["status"].as_str().unwrap()).collect();
    assert_eq!(status, ["ok", "empty", "empty", "empty"]);
    let r = d.run(&["dedup", "feed.jsonl"]);
    r.ok();
    assert_eq!(r.stdout().lines().count(), 1);
    assert!(
        r.stderr()
            .contains("read 4 = kept 1 + duplicates 0 + empty 3 + rejected 0"),
        "{}",
        r.stderr()
    );
}

#[test]
fn first_bad_record_in_input_order_is_reported() {
    let d = Dir::new();
    let mut v = Vec::new();
    for i in 0..5000 {
        v.extend_from_slice(line(&format!("d{i}"), "x y z").as_bytes());
    }
    v.extend_from_slice(b"{broken one\n");
    v.extend_from_slice(b"{\"id\":\"q\"}\n");
    d.write("a.jsonl", &v);
    let r = d.run(&["dedup", "a.jsonl", "-j", "2"]);
    r.expect_stderr(1, &["a.jsonl:5001: malformed JSON"]);
}

#[test]
fn records_without_ids_are_named_by_location() {
    let d = Dir::new();
    d.write(
        "feed.jsonl",
        "{\"text\":\"one\"}\n\n{\"text\":\"two\",\"id\":7}\n{\"text\":\"three\"}\n",
    );
    d.run(&["analyze", "feed.jsonl", "--out", "out"]).ok();
    let docs = read_jsonl(&d.join("out/documents.jsonl"));
    let ids: Vec<&str> = docs.iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["feed.jsonl:1", "7", "feed.jsonl:4"]);
}
