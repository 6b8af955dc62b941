use crate::util::*;

#[test]
fn help_on_every_command_has_examples() {
    let d = Dir::new();
    for cmd in [
        vec!["--help"],
        vec!["analyze", "--help"],
        vec!["dedup", "--help"],
        vec!["eval", "--help"],
    ] {
        let r = d.run(&cmd);
        r.ok();
        assert!(r.stdout().contains("Examples:"), "{cmd:?}: {}", r.stdout());
    }
}

#[test]
fn usage_errors_exit_2() {
    let d = Dir::new();
    d.write("a.jsonl", line("a", "text"));
    d.run(&["analyze", "a.jsonl"]).expect_code(2); // --out missing
    d.run(&["frobnicate"]).expect_code(2);
    d.run(&["dedup", "a.jsonl", "--threshold", "1.5"])
        .expect_code(2);
    d.run(&["dedup", "a.jsonl", "--bands", "3"]).expect_code(2);
    d.run(&["dedup", "a.jsonl", "--bands", "100", "--rows", "100"])
        .expect_code(2);
    d.run(&["dedup", "a.jsonl", "--normalize", "nonsense"])
        .expect_code(2);
    d.write("a.csv", "x");
    let r = d.run(&["dedup", "a.csv"]);
    r.expect_stderr(2, &["a.csv: unsupported file type"]);
}

#[test]
fn usage_is_checked_before_input_is_read() {
    let d = Dir::new();
    d.write("bad.jsonl", "{not json\n");
    // The data error would be exit 1; the usage error wins.
    d.run(&["dedup", "bad.jsonl", "--shingle", "0"])
        .expect_code(2);
    d.run(&["dedup", "bad.jsonl"]).expect_code(1);
}

#[test]
fn broken_pipe_is_not_an_error() {
    let d = Dir::new();
    let mut text = String::new();
    for i in 0..20_000 {
        text.push_str(&line(
            &format!("d{i}"),
            &format!("document number {i} is unique {}", i * 7919),
        ));
    }
    d.write("big.jsonl", &text);
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -o pipefail; {} dedup -q big.jsonl | head -c 10 > /dev/null",
            env!("CARGO_BIN_EXE_neardup")
        ))
        .current_dir(d.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

// Issue 10: `-j 100000` on three records ran for ten minutes with 14,000
// threads; past the documented bound it is a usage error.
#[test]
fn threads_above_the_bound_are_a_usage_error() {
    let d = Dir::new();
    d.write("a.jsonl", "{\"id\":\"a\",\"text\":\"x\"}\n");
    let r = d.run(&["dedup", "a.jsonl", "-j", "100000"]);
    r.expect_stderr(2, &["between 1 and 1024"]);
    d.run(&["dedup", "a.jsonl", "-j", "3", "-q"]).ok();
}

#[test]
fn progress_lines_for_logs() {
    let d = Dir::new();
    let mut body = String::new();
    for i in 0..30 {
        body += &line(&format!("d{i}"), &words(i, 80).join(" "));
    }
    d.write("f.jsonl", body);
    // Standard error is not a terminal here: no progress unless asked.
    let quiet = d.run(&["analyze", "f.jsonl", "--out", "a"]);
    quiet.ok();
    assert!(!quiet.stderr().contains("started"), "{}", quiet.stderr());
    let r = d.run(&["analyze", "f.jsonl", "--out", "b", "--progress"]);
    r.ok();
    let err = r.stderr();
    for stage in [
        "read + sign",
        "passages: keys",
        "passages: index",
        "passages: align",
        "stories",
        "write",
    ] {
        assert!(
            err.contains(&format!("neardup: {stage}: started")),
            "{stage}: {err}"
        );
        assert!(
            err.lines()
                .any(|l| l.starts_with(&format!("neardup: {stage}: done in "))),
            "{stage}: {err}"
        );
    }
    // Every stage that starts ends.
    assert_eq!(
        err.matches(": started").count(),
        err.matches(": done in ").count(),
        "{err}"
    );
    d.run(&["dedup", "f.jsonl", "-o", "k.jsonl", "--progress"])
        .ok();
    d.run(&["analyze", "f.jsonl", "--out", "c", "--progress", "--quiet"])
        .expect_code(2);
}
