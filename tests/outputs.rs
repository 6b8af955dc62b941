//! Outputs that cannot hurt: temporary files created exclusively and renamed,
//! outputs that are inputs (or one another) refused before anything is read,
//! standard output closed by its reader, write errors, and output folders
//! that are never read and survive a failed run.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::util::*;

/// `n` unrelated records with ids `PREFIX0..`, every tenth followed by an
/// exact copy (so that there are duplicates to report).
fn feed(prefix: &str, n: usize) -> String {
    const WORDS: [&str; 16] = [
        "harbour", "minister", "talks", "weather", "market", "bridge", "strike", "council",
        "election", "festival", "court", "budget", "river", "school", "railway", "museum",
    ];
    let mut s = String::new();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15 ^ prefix.len() as u64;
    for i in 0..n {
        let mut text = format!("{prefix} record {i}:");
        for _ in 0..14 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            text.push(' ');
            text.push_str(WORDS[(x % 16) as usize]);
            text.push_str(&(x % 997).to_string());
        }
        s += &line(&format!("{prefix}{i}"), &text);
        if i % 10 == 0 {
            s += &line(&format!("{prefix}{i}-copy"), &text);
        }
    }
    s
}

/// Every file under `dir` (hidden ones included) and its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        let meta = fs::symlink_metadata(&p).unwrap();
        if meta.is_dir() {
            out.extend(snapshot(&p));
        } else if meta.is_file() {
            out.insert(p.clone(), fs::read(&p).unwrap());
        } else {
            out.insert(p.clone(), b"<link>".to_vec());
        }
    }
    out
}

/// Temporary files left in `dir`.
fn partials(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".partial"))
        .collect()
}

/// Asserts a usage error whose message contains every one of `names`.
fn refused(r: &Run, names: &[&str]) {
    r.expect_stderr(2, names);
    assert!(!r.stderr().contains(".partial"), "{}", r.stderr());
}

// Defect 2: an output that is also an input.
#[test]
fn an_output_that_is_an_input_is_refused_before_anything_is_read() {
    let d = Dir::new();
    let v = feed("v", 30);
    d.write("v.jsonl", &v);
    d.write("dir/sub/w.jsonl", feed("w", 5));
    fs::hard_link(d.join("v.jsonl"), d.join("hard.jsonl")).unwrap();
    std::os::unix::fs::symlink("v.jsonl", d.join("link.jsonl")).unwrap();
    let before = snapshot(d.path());
    let cases: [(&[&str], &[&str]); 7] = [
        (
            &[
                "dedup",
                "v.jsonl",
                "-o",
                "/dev/null",
                "--on-error",
                "skip",
                "--errors",
                "v.jsonl",
            ],
            &["output v.jsonl", "input v.jsonl"],
        ),
        (
            &[
                "dedup",
                "v.jsonl",
                "-o",
                "/dev/null",
                "--duplicates",
                "v.jsonl",
            ],
            &["output v.jsonl", "input v.jsonl"],
        ),
        (
            &["dedup", "v.jsonl", "-o", "v.jsonl"],
            &["output v.jsonl", "input v.jsonl"],
        ),
        (
            &["dedup", "v.jsonl", "-o", "./v.jsonl"],
            &["output ./v.jsonl", "input v.jsonl"],
        ),
        (
            &["dedup", "v.jsonl", "-o", "hard.jsonl"],
            &["output hard.jsonl", "input v.jsonl"],
        ),
        (
            &["dedup", "v.jsonl", "-o", "link.jsonl"],
            &["output link.jsonl", "input v.jsonl"],
        ),
        (
            &["dedup", "dir", "--duplicates", "dir/sub/w.jsonl"],
            &["output dir/sub/w.jsonl", "input dir/sub/w.jsonl"],
        ),
    ];
    for (args, names) in cases {
        refused(&d.run(args), names);
        assert_eq!(snapshot(d.path()), before, "{args:?} changed a file");
    }
    // analyze: an output file that is a hard link to an input.
    fs::create_dir(d.join("out")).unwrap();
    fs::hard_link(d.join("v.jsonl"), d.join("out/documents.jsonl")).unwrap();
    let before = snapshot(d.path());
    let r = d.run(&["analyze", "v.jsonl", "--out", "out"]);
    refused(&r, &["output out/documents.jsonl", "input v.jsonl"]);
    assert_eq!(snapshot(d.path()), before);
}

// Defect 2: standard output or input redirected to or from an output.
#[test]
fn standard_streams_that_are_inputs_or_outputs_are_refused() {
    let d = Dir::new();
    let v = feed("v", 30);
    d.write("v.jsonl", &v);
    let append = || {
        fs::OpenOptions::new()
            .append(true)
            .open(d.join("v.jsonl"))
            .unwrap()
    };
    // `neardup dedup v.jsonl >> v.jsonl` would read its own output.
    Run::of(d.command(&["dedup", "v.jsonl"]).stdout(append()))
        .expect_stderr(2, &["standard output is input v.jsonl"]);
    // `neardup dedup - -o v.jsonl < v.jsonl` would replace its input.
    let input = fs::File::open(d.join("v.jsonl")).unwrap();
    Run::of(d.command(&["dedup", "-", "-o", "v.jsonl"]).stdin(input))
        .expect_stderr(2, &["output v.jsonl is standard input"]);
    // `neardup dedup v.jsonl --duplicates d.jsonl >> d.jsonl`.
    d.write("d.jsonl", "earlier\n");
    let dups = fs::OpenOptions::new()
        .append(true)
        .open(d.join("d.jsonl"))
        .unwrap();
    Run::of(
        d.command(&["dedup", "v.jsonl", "--duplicates", "d.jsonl"])
            .stdout(dups),
    )
    .expect_stderr(2, &["standard output", "d.jsonl"]);
    assert_eq!(fs::read(d.join("v.jsonl")).unwrap(), v.as_bytes());
    assert_eq!(fs::read_to_string(d.join("d.jsonl")).unwrap(), "earlier\n");
}

// Defect 1 and 2: `-o x --duplicates x` used to splice both into x.
#[test]
fn two_outputs_that_are_one_file_are_refused() {
    let d = Dir::new();
    d.write("v.jsonl", feed("v", 30));
    d.write("x.jsonl", "earlier\n");
    fs::create_dir(d.join("sub")).unwrap();
    let before = snapshot(d.path());
    let cases: [(&[&str], &[&str]); 4] = [
        (
            &[
                "dedup",
                "v.jsonl",
                "-o",
                "x.jsonl",
                "--duplicates",
                "x.jsonl",
            ],
            &["output x.jsonl and output x.jsonl"],
        ),
        (
            &[
                "dedup",
                "v.jsonl",
                "-o",
                "x.jsonl",
                "--duplicates",
                "./x.jsonl",
            ],
            &["output x.jsonl and output ./x.jsonl"],
        ),
        (
            &[
                "dedup",
                "v.jsonl",
                "-o",
                "new.jsonl",
                "--errors",
                "sub/../new.jsonl",
            ],
            &["output new.jsonl", "output sub/../new.jsonl"],
        ),
        (
            &[
                "dedup",
                "v.jsonl",
                "--duplicates",
                "n.jsonl",
                "--errors",
                "n.jsonl",
            ],
            &["output n.jsonl and output n.jsonl"],
        ),
    ];
    for (args, names) in cases {
        refused(&d.run(args), names);
        assert_eq!(snapshot(d.path()), before, "{args:?} changed a file");
    }
    // A special file may take several outputs: it is written, not replaced.
    d.run(&[
        "dedup",
        "v.jsonl",
        "-o",
        "/dev/null",
        "--duplicates",
        "/dev/null",
        "-q",
    ])
    .ok();
}

// Defect 1: a link planted at a temporary name is never followed.
#[test]
fn links_planted_at_temporary_names_are_not_followed() {
    let d = Dir::new();
    d.write("v.jsonl", feed("v", 30));
    let victim = d.write("victim.txt", "precious\n");
    fs::create_dir(d.join("out")).unwrap();
    let pid = std::process::id();
    let planted = [
        "out/.documents.jsonl.partial".to_string(),
        "out/.summary.json.partial".to_string(),
        ".kept.jsonl.partial".to_string(),
        format!(".kept.jsonl.{pid}.abcdef.partial"),
        // A dead process's name: the clean-up removes the link, not its target.
        ".kept.jsonl.99999999.abcdef.partial".to_string(),
    ];
    for p in &planted {
        std::os::unix::fs::symlink(&victim, d.join(p)).unwrap();
    }
    d.run(&["analyze", "v.jsonl", "--out", "out", "-q"]).ok();
    d.run(&["dedup", "v.jsonl", "-o", "kept.jsonl", "-q"]).ok();
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious\n");
    read_jsonl(&d.join("out/documents.jsonl"));
    read_json(&d.join("out/summary.json"));
    assert_eq!(read_jsonl(&d.join("kept.jsonl")).len(), 30);
}

// Defect 1: two runs writing one `-o` used to interleave their lines.
#[test]
fn concurrent_writers_leave_one_complete_output() {
    let d = Dir::new();
    d.write("a.jsonl", feed("a", 3000));
    d.write("b.jsonl", feed("b", 2000));
    d.run(&["dedup", "a.jsonl", "-o", "a.kept", "-q"]).ok();
    d.run(&["dedup", "b.jsonl", "-o", "b.kept", "-q"]).ok();
    let (a, b) = (
        fs::read(d.join("a.kept")).unwrap(),
        fs::read(d.join("b.kept")).unwrap(),
    );
    for round in 0..3 {
        let spawn = |input: &str| {
            d.command(&["dedup", input, "-o", "same.jsonl", "-q"])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (pa, pb) = (spawn("a.jsonl"), spawn("b.jsonl"));
        for p in [pa, pb] {
            let out = p.wait_with_output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "round {round}: {err}");
        }
        let same = fs::read(d.join("same.jsonl")).unwrap();
        assert!(
            same == a || same == b,
            "round {round}: a mixture of both runs"
        );
        assert!(partials(d.path()).is_empty(), "{:?}", partials(d.path()));
    }
}

// Defect 1: a run killed outright leaves its temporary file; the next run
// removes it, but never one of a live process.
#[test]
fn leftovers_of_killed_runs_are_removed_and_live_ones_kept() {
    let d = Dir::new();
    d.write("v.jsonl", feed("v", 30));
    // A real leftover: a run that waits on standard input, killed with -9.
    let mut child = d
        .command(&["dedup", "-", "-o", "kept.jsonl", "-q"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while partials(d.path()).is_empty() {
        assert!(start.elapsed().as_secs() < 30, "no temporary file appeared");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let killed = partials(d.path());
    assert!(
        killed[0].starts_with(&format!(".kept.jsonl.{}.", child.id())),
        "{killed:?}"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(partials(d.path()), killed, "kill -9 leaves the file");
    // A fake one of a process that is gone, and one of a live process (this
    // test's).
    let dead = ".kept.jsonl.99999999.Xy12Zw.partial";
    let live = format!(".kept.jsonl.{}.Xy12Zw.partial", std::process::id());
    d.write(dead, "dead");
    d.write(&live, "live");
    d.write("out/.documents.jsonl.99999999.Xy12Zw.partial", "dead");
    d.run(&["dedup", "v.jsonl", "-o", "kept.jsonl", "-q"]).ok();
    assert_eq!(partials(d.path()), vec![live.clone()]);
    assert_eq!(fs::read_to_string(d.join(&live)).unwrap(), "live");
    d.run(&["analyze", "v.jsonl", "--out", "out", "-q"]).ok();
    assert!(partials(&d.join("out")).is_empty());
}

/// A feed large enough that `head -1` closes the pipe while dedup writes.
fn big(d: &Dir) {
    d.write("big.jsonl", feed("d", 20_000));
}

// Defect 4: `dedup big.jsonl --duplicates d.jsonl | head -1` used to exit 0
// without writing d.jsonl.
#[test]
fn closed_standard_output_still_finishes_the_other_outputs() {
    let d = Dir::new();
    big(&d);
    d.run(&[
        "dedup",
        "big.jsonl",
        "--duplicates",
        "full.jsonl",
        "-o",
        "/dev/null",
        "-q",
    ])
    .ok();
    let full = fs::read(d.join("full.jsonl")).unwrap();
    assert_eq!(read_jsonl(&d.join("full.jsonl")).len(), 2000);
    let out = d.run_into_head("dedup big.jsonl --duplicates d.jsonl --errors e.jsonl");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    // Quiet: no message, and no summary line (it would claim records written).
    assert_eq!(err, "");
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
    assert_eq!(fs::read(d.join("d.jsonl")).unwrap(), full);
    assert_eq!(fs::read(d.join("e.jsonl")).unwrap(), b"");
    assert!(partials(d.path()).is_empty());
}

// Defect 4: a write error on any other output is exit 1 with a message, and
// no output is finalised.
#[test]
fn write_errors_on_any_output_fail_and_name_it() {
    let d = Dir::new();
    d.write("v.jsonl", feed("v", 30));
    d.write("kept.jsonl", "earlier\n");
    let r = d.run(&["dedup", "v.jsonl", "-o", "/dev/full"]);
    r.expect_stderr(1, &["/dev/full: No space left"]);
    let r = d.run(&[
        "dedup",
        "v.jsonl",
        "-o",
        "kept.jsonl",
        "--duplicates",
        "/dev/full",
    ]);
    r.expect_stderr(1, &["/dev/full"]);
    assert_eq!(
        fs::read_to_string(d.join("kept.jsonl")).unwrap(),
        "earlier\n"
    );
    let full = fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    Run::of(d.command(&["dedup", "v.jsonl"]).stdout(full))
        .expect_stderr(1, &["standard output: No space left"]);
    assert!(partials(d.path()).is_empty());
}

// "Some messages name the temporary file instead of the user's path."
#[test]
fn messages_name_the_users_path() {
    let d = Dir::new();
    d.write("v.jsonl", feed("v", 30));
    let r = d.run(&["dedup", "v.jsonl", "-o", "missing/kept.jsonl"]);
    r.expect_code(1);
    assert!(
        r.stderr().starts_with("neardup: missing/kept.jsonl: "),
        "{}",
        r.stderr()
    );
    assert!(!r.stderr().contains("partial"), "{}", r.stderr());
    fs::create_dir(d.join("folder")).unwrap();
    let r = d.run(&["dedup", "v.jsonl", "-o", "folder"]);
    r.expect_code(1);
    assert!(
        r.stderr().starts_with("neardup: folder: "),
        "{}",
        r.stderr()
    );
}

// Defect 6: `analyze in --out in` read its own outputs on the second run.
#[test]
fn analyze_never_reads_its_output_folder() {
    let d = Dir::new();
    d.write("in/a.jsonl", feed("a", 20));
    let r = d.run(&["analyze", "in", "--out", "in"]);
    refused(&r, &["output folder in,"]);
    assert_eq!(snapshot(&d.join("in")).len(), 1, "nothing written");
    for _ in 0..2 {
        d.run(&["analyze", "in", "--out", "in/out", "-q"]).ok();
        let docs = read_jsonl(&d.join("in/out/documents.jsonl"));
        assert_eq!(docs.len(), 22, "only in/a.jsonl is read");
    }
    let summary = read_json(&d.join("in/out/summary.json"));
    assert_eq!(summary["counts"]["read"], 22);
    // documents, pairs, shared, boilerplate, errors (dropped: inside the
    // output folder) + outlets.csv, report.html, summary.json (no input type).
    assert_eq!(summary["input"]["ignored_files"], 8);
}

// Defect 6: a failed run deleted the previous complete run's summary.json.
#[test]
fn a_failed_analyze_leaves_the_previous_run_untouched() {
    let d = Dir::new();
    d.write("a.jsonl", feed("a", 20));
    d.run(&["analyze", "a.jsonl", "--out", "out", "-q"]).ok();
    let before = snapshot(&d.join("out"));
    assert_eq!(before.len(), 8, "{:?}", before.keys());
    d.write("a.jsonl", format!("{}{{bad\n", feed("b", 20)));
    let r = d.run(&["analyze", "a.jsonl", "--out", "out"]);
    r.expect_stderr(1, &["a.jsonl:23:"]);
    assert_eq!(snapshot(&d.join("out")), before);
    // A failure while writing (a folder where an output goes) too.
    fs::remove_file(d.join("out/report.html")).unwrap();
    fs::create_dir(d.join("out/report.html")).unwrap();
    let before = snapshot(&d.join("out"));
    d.write("a.jsonl", feed("c", 20));
    d.run(&["analyze", "a.jsonl", "--out", "out", "-q"])
        .expect_code(1);
    assert_eq!(snapshot(&d.join("out")), before);
}
