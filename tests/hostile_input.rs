//! Inputs that must neither hang a run nor make it lie: named pipes, sockets
//! and devices, endless lines, file names that are not UTF-8, corrupt
//! compressed streams, byte-order marks, spool files of killed runs. Every
//! run that could hang has a deadline, and every test checks that no input
//! was changed.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::io::{Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::util::*;

/// Seconds a run may take before it counts as hung.
const DEADLINE: u64 = 60;

/// Three unrelated records.
fn feed() -> String {
    line("a", "the harbour strike entered its third week on monday")
        + &line("b", "the football final ended in a draw after extra time")
        + &line(
            "c",
            "parliament passed the budget after a long night session",
        )
}

/// Makes a named pipe.
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

/// A process that writes `content` to the named pipe `path` once, then
/// closes it.
fn write_once(path: &Path, content: &[u8]) -> Child {
    let mut child = Command::new("sh")
        .args(["-c", "cat > \"$1\"", "sh"])
        .arg(path)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(content).unwrap();
    child
}

/// Ends a pipe writer: it must have written everything; killed if the run
/// never opened its pipe.
fn finish(mut writer: Child) {
    std::thread::sleep(std::time::Duration::from_millis(50));
    if writer.try_wait().unwrap().is_none() {
        writer.kill().unwrap();
        writer.wait().unwrap();
        panic!("the pipe was never read");
    }
    assert!(writer.wait().unwrap().success());
}

/// The bytes of every regular file under `dir` (links and special files are
/// not followed), to check that a run changed no input.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let meta = std::fs::symlink_metadata(&path).unwrap();
        if meta.is_dir() {
            out.extend(snapshot(&path));
        } else if meta.is_file() {
            out.insert(path.clone(), std::fs::read(&path).unwrap());
        }
    }
    out
}

/// Names of the files in `dir`.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Asserts that an analyze into `out` and a dedup into `kept` finalised
/// nothing.
fn nothing_written(d: &Dir, out: &str, kept: &str) {
    for f in ["documents.jsonl", "summary.json", "errors.jsonl"] {
        assert!(!d.join(out).join(f).exists(), "{out}/{f} written");
    }
    assert!(!d.join(kept).exists(), "{kept} written");
}

#[test]
fn special_files_in_a_walked_folder_are_skipped_and_counted() {
    let d = Dir::new();
    d.write("feeds/a.jsonl", feed());
    mkfifo(&d.join("feeds/pipe.jsonl")); // no writer: opening it would hang
    std::os::unix::fs::symlink("/dev/zero", d.join("feeds/zero.jsonl")).unwrap();
    let _socket = std::os::unix::net::UnixListener::bind(d.join("feeds/sock.jsonl")).unwrap();
    let before = snapshot(d.path());
    d.run_within(&["analyze", "feeds", "--out", "out"], DEADLINE)
        .ok();
    let summary = read_json(&d.join("out/summary.json"));
    assert_eq!(summary["input"]["ignored_files"], 3, "{summary}");
    assert_eq!(summary["counts"]["read"], 3, "{summary}");
    let r = d.run_within(&["dedup", "feeds", "-o", "kept.jsonl"], DEADLINE);
    r.ok();
    assert_eq!(
        std::fs::read_to_string(d.join("kept.jsonl")).unwrap(),
        feed()
    );
    let after = snapshot(d.path());
    assert_eq!(
        before.get(&d.join("feeds/a.jsonl")),
        after.get(&d.join("feeds/a.jsonl"))
    );
}

#[test]
fn a_pipe_given_as_input_is_read_once_and_replayed() {
    let d = Dir::new();
    std::fs::create_dir(d.join("tmp")).unwrap();
    mkfifo(&d.join("feed.jsonl"));
    mkfifo(&d.join("story.txt"));
    // dedup reads its input twice: the records, then the kept lines.
    let writers = [
        write_once(&d.join("feed.jsonl"), feed().as_bytes()),
        write_once(&d.join("story.txt"), b"a story told in a pipe"),
    ];
    let args = ["dedup", "feed.jsonl", "story.txt", "-o", "kept.jsonl"];
    let r = d.run_within(&[&args[..], &["--temp-dir", "tmp"]].concat(), DEADLINE);
    writers.into_iter().for_each(finish);
    r.ok();
    let kept = std::fs::read_to_string(d.join("kept.jsonl")).unwrap();
    let story = r#"{"id":"story","outlet":null,"path":"story.txt"}"#;
    assert_eq!(kept, feed() + story + "\n");
    assert!(listing(&d.join("tmp")).is_empty(), "spool files left");
    // analyze reads texts again for passages and stories.
    let writer = write_once(&d.join("feed.jsonl"), feed().as_bytes());
    let r = d.run_within(
        &["analyze", "feed.jsonl", "--out", "out", "--temp-dir", "tmp"],
        DEADLINE,
    );
    finish(writer);
    r.ok();
    let docs = read_jsonl(&d.join("out/documents.jsonl"));
    assert!(docs.iter().all(|doc| doc["status"] == "ok"), "{docs:?}");
    assert_eq!(docs.len(), 3);
    assert!(listing(&d.join("tmp")).is_empty(), "spool files left");
}

#[test]
fn an_endless_line_is_rejected_at_once() {
    let d = Dir::new();
    std::fs::create_dir(d.join("tmp")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", d.join("z.jsonl")).unwrap();
    let limit = ["--max-doc-bytes", "1000", "--temp-dir", "tmp"];
    let expected = "z.jsonl:1: record is larger than the maximum document size (1000 bytes)";
    let r = d.run_within(
        &[&["dedup", "z.jsonl", "-o", "kept.jsonl"][..], &limit].concat(),
        10,
    );
    r.expect_stderr(1, &[expected]);
    let r = d.run_within(
        &[&["analyze", "z.jsonl", "--out", "out"][..], &limit].concat(),
        10,
    );
    r.expect_stderr(1, &[expected]);
    nothing_written(&d, "out", "kept.jsonl");
    assert!(listing(&d.join("tmp")).is_empty(), "spool files left");

    // Under skip a long line is rejected and reading goes on after it.
    let long = line("long", &"word ".repeat(200_000));
    d.write("f.jsonl", line("a", "first") + &long + &line("b", "last"));
    let before = snapshot(d.path());
    let args = ["dedup", "f.jsonl", "-o", "kept.jsonl", "--on-error", "skip"];
    let errors = ["--errors", "errors.jsonl"];
    d.run_within(&[&args[..], &limit, &errors].concat(), DEADLINE)
        .ok();
    let errors = read_jsonl(&d.join("errors.jsonl"));
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["line"], 2);
    let reason = errors[0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("maximum document size (1000 bytes)"),
        "{reason}"
    );
    let kept = std::fs::read_to_string(d.join("kept.jsonl")).unwrap();
    assert_eq!(kept, line("a", "first") + &line("b", "last"));
    assert_eq!(
        snapshot(d.path()).get(&d.join("f.jsonl")),
        before.get(&d.join("f.jsonl"))
    );
}

#[test]
fn file_names_that_are_not_utf8_are_refused() {
    let d = Dir::new();
    let bad = OsStr::from_bytes(b"feeds/a\xFF.jsonl");
    let bad_text = OsStr::from_bytes(b"feeds/t\xE9.txt");
    d.write("feeds/b.jsonl", line("b", "a good record in a good file"));
    std::fs::write(
        d.path().join(bad),
        line("a", "a record in a badly named file"),
    )
    .unwrap();
    std::fs::write(d.path().join(bad_text), "a text in a badly named file").unwrap();
    let before = snapshot(d.path());

    let r = d.run_within(&["analyze", "feeds", "--out", "out"], DEADLINE);
    r.expect_stderr(1, &[r"feeds/a\xFF.jsonl: file name is not valid UTF-8"]);
    let r = d.run_within(&["dedup", "feeds", "-o", "kept.jsonl"], DEADLINE);
    r.expect_code(1);
    nothing_written(&d, "out", "kept.jsonl");

    let skip = ["--on-error", "skip"];
    let r = d.run_within(
        &[&["analyze", "feeds", "--out", "out"][..], &skip].concat(),
        DEADLINE,
    );
    r.ok();
    let errors = read_jsonl(&d.join("out/errors.jsonl"));
    let files: Vec<_> = errors.iter().map(|e| e["file"].as_str().unwrap()).collect();
    assert_eq!(files, [r"feeds/a\xFF.jsonl", r"feeds/t\xE9.txt"]);
    let docs = read_jsonl(&d.join("out/documents.jsonl"));
    let ids: Vec<_> = docs.iter().map(|doc| doc["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [r"feeds/a\xFF.jsonl", "b", r"feeds/t\xE9.txt"]);
    let r = d.run_within(
        &[&["dedup", "feeds", "-o", "kept.jsonl"][..], &skip].concat(),
        DEADLINE,
    );
    r.ok();
    let kept = std::fs::read_to_string(d.join("kept.jsonl")).unwrap();
    assert_eq!(kept, line("b", "a good record in a good file"));

    // Named explicitly: wrong usage, before anything is read.
    let args = [
        OsStr::new("dedup"),
        bad,
        OsStr::new("-o"),
        OsStr::new("k2.jsonl"),
    ];
    let r = d.run_within(&args, DEADLINE);
    r.expect_stderr(2, &[r"feeds/a\xFF.jsonl: file name is not valid UTF-8"]);
    assert!(!d.join("k2.jsonl").exists());
    let after = snapshot(d.path());
    for (path, bytes) in &before {
        assert_eq!(after.get(path), Some(bytes), "{} changed", path.display());
    }
}

/// `n` records.
fn gzip_plain(n: usize) -> Vec<u8> {
    (0..n)
        .map(|i| {
            let text = format!("report {i} on item {} of the daily ledger", i * 31);
            line(&format!("d{i}"), &text)
        })
        .collect::<String>()
        .into_bytes()
}

/// Gzip of `n` records.
fn gzip_feed(n: usize) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&gzip_plain(n)).unwrap();
    enc.finish().unwrap()
}

/// The number of the line being decoded when decoding `stream` fails: the
/// last complete line + 1.
fn failing_line(mut stream: impl Read) -> u64 {
    let (mut buf, mut newlines) = (vec![0u8; 1 << 16], 0);
    loop {
        match stream.read(&mut buf) {
            Ok(0) => panic!("the stream decodes without error"),
            Ok(n) => newlines += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64,
            Err(_) => return newlines + 1,
        }
    }
}

/// Runs analyze and dedup on the damaged `file` under both policies: each
/// stops with exit 1 at `FILE:LINE` and finalises nothing.
fn check_corrupt(d: &Dir, file: &str, line: u64, what: &str) {
    let before = snapshot(d.path());
    let needle = format!("{file}:{line}: corrupt or truncated {what} stream");
    for policy in ["fail", "skip"] {
        let on_error = ["--on-error", policy];
        let analyze = [&["analyze", file, "--out", "out"][..], &on_error].concat();
        let r = d.run_within(&analyze, DEADLINE);
        r.expect_stderr(1, &[&needle]);
        let dedup = [&["dedup", file, "-o", "kept.jsonl"][..], &on_error].concat();
        let r = d.run_within(&dedup, DEADLINE);
        r.expect_stderr(1, &[&needle]);
        nothing_written(d, "out", "kept.jsonl");
    }
    assert_eq!(snapshot(d.path()), before, "an input changed");
}

#[test]
fn corrupt_gzip_stops_the_run_at_the_line_where_decoding_failed() {
    let d = Dir::new();
    let mut bytes = gzip_feed(3000);
    let mid = bytes.len() / 2;
    for b in &mut bytes[mid..mid + 4] {
        *b ^= 0xFF;
    }
    let line = failing_line(flate2::read::MultiGzDecoder::new(&bytes[..]));
    // Damaged lines come out long before decoding fails (gzip checks its
    // data at the end of the stream): under skip they used to be kept.
    let mut decoded = Vec::new();
    let _ = flate2::read::MultiGzDecoder::new(&bytes[..]).read_to_end(&mut decoded);
    let original = gzip_plain(3000);
    let damaged = (decoded.split(|&b| b == b'\n'))
        .zip(original.split(|&b| b == b'\n'))
        .position(|(a, b)| a != b)
        .unwrap() as u64
        + 1;
    assert!(
        damaged < line,
        "damaged from line {damaged}, failing at {line}"
    );
    d.write("feed.jsonl.gz", &bytes);
    check_corrupt(&d, "feed.jsonl.gz", line, "gzip");
}

#[test]
fn truncated_zstd_stops_the_run_at_the_line_where_decoding_failed() {
    let d = Dir::new();
    let plain: String = (0..3000)
        .map(|i| line(&format!("d{i}"), &format!("report {i} on item {}", i * 7)))
        .collect();
    let bytes = zstd::encode_all(plain.as_bytes(), 3).unwrap();
    let cut = &bytes[..bytes.len() * 2 / 3];
    let line = failing_line(zstd::stream::read::Decoder::new(cut).unwrap());
    d.write("feed.jsonl.zst", cut);
    check_corrupt(&d, "feed.jsonl.zst", line, "zstd");
}

#[test]
fn a_byte_order_mark_starting_a_jsonl_file_is_skipped() {
    let d = Dir::new();
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), feed().as_bytes()].concat();
    d.write("feed.jsonl", &with_bom);
    let before = snapshot(d.path());
    d.run_within(&["analyze", "feed.jsonl", "--out", "out"], DEADLINE)
        .ok();
    let docs = read_jsonl(&d.join("out/documents.jsonl"));
    let ids: Vec<_> = docs.iter().map(|doc| doc["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a", "b", "c"]);
    assert!(docs.iter().all(|doc| doc["status"] == "ok"));
    d.run_within(&["dedup", "feed.jsonl", "-o", "kept.jsonl"], DEADLINE)
        .ok();
    assert_eq!(
        std::fs::read_to_string(d.join("kept.jsonl")).unwrap(),
        feed()
    );
    // Standard input alike.
    let r = d.run_with_stdin(&["dedup", "-", "-q"], Some(&with_bom));
    r.ok();
    assert_eq!(r.stdout(), feed());
    let input = d.join("feed.jsonl");
    assert_eq!(snapshot(d.path()).get(&input), before.get(&input));
}

#[test]
fn spool_files_of_killed_runs_are_removed() {
    let d = Dir::new();
    let tmp = d.join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    // A run killed while it reads standard input leaves its spool behind.
    let mut child = Command::new(env!("CARGO_BIN_EXE_neardup"))
        .args(["dedup", "-", "-o", "kept.jsonl", "--temp-dir", "tmp"])
        .current_dir(d.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(feed().as_bytes()).unwrap();
    let prefix = format!("neardup-stdin-{}-", child.id());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(DEADLINE);
    while !listing(&tmp).iter().any(|n| n.starts_with(&prefix)) {
        assert!(
            std::time::Instant::now() < deadline,
            "no spool file appeared"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL: no clean-up
    child.wait().unwrap();
    drop(stdin);
    assert_eq!(listing(&tmp).len(), 1);
    // A spool of a live process (this one) is never removed.
    let live = format!("neardup-stdin-{}-abcdef", std::process::id());
    std::fs::write(tmp.join(&live), "x").unwrap();
    std::fs::write(tmp.join("unrelated-1-x"), "x").unwrap();
    let r = d.run_with_stdin(
        &["dedup", "-", "-o", "kept.jsonl", "--temp-dir", "tmp"],
        Some(feed().as_bytes()),
    );
    r.ok();
    assert_eq!(listing(&tmp), [live, "unrelated-1-x".to_string()]);
}
