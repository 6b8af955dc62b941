//! `neardup index`: decisions across batches, against `dedup`, expiry,
//! parameters, concurrency and crashes.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use neardup_testkit::DedupSpec;
use serde_json::Value;

use crate::util::*;

/// A fixed batch time, so that decisions are reproducible.
const NOW: &str = "2026-12-01";

/// `neardup index add --db DB INPUTS... --now NOW -q`, its decisions.
fn add(d: &Dir, db: &str, inputs: &[&str], extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["index", "add", "--db", db, "--now", NOW, "-q"];
    args.extend_from_slice(inputs);
    args.extend_from_slice(extra);
    let run = d.run(&args);
    run.ok();
    run.stdout()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `duplicate_of` of every document that has one.
fn duplicates(decisions: &[Value]) -> HashMap<String, String> {
    decisions
        .iter()
        .filter(|v| v["status"] == "duplicate")
        .map(|v| {
            (
                v["id"].as_str().unwrap().to_string(),
                v["duplicate_of"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// `dedup --duplicates`: what each dropped document duplicates.
fn dedup_duplicates(d: &Dir, inputs: &[&str]) -> HashMap<String, String> {
    let mut args = vec![
        "dedup",
        "-q",
        "-o",
        "kept.jsonl",
        "--duplicates",
        "dd.jsonl",
    ];
    args.extend_from_slice(inputs);
    d.run(&args).ok();
    read_jsonl(&d.join("dd.jsonl"))
        .iter()
        .map(|v| {
            (
                v["id"].as_str().unwrap().to_string(),
                v["duplicate_of"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn stat(d: &Dir, db: &str, key: &str) -> String {
    let run = d.run(&["index", "stats", "--db", db]);
    run.ok();
    let out = run.stdout();
    out.lines()
        .find_map(|l| l.strip_prefix(&format!("{key} ")).map(str::to_string))
        .unwrap_or_else(|| panic!("no {key} in:\n{out}"))
}

fn documents(d: &Dir, db: &str) -> u64 {
    stat(d, db, "documents").parse().unwrap()
}

#[test]
fn seeds_in_two_batches_decide_as_one_dedup_run() {
    let d = Dir::new();
    let mut seeds: Vec<_> = std::fs::read_dir(seeds())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    seeds.sort();
    // Batch one: three seeds. Batch two: the other two and altered copies
    // of one seed of each batch.
    for (i, p) in seeds.iter().enumerate() {
        let id = p.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(p).unwrap();
        let batch = if i < 3 { "b1" } else { "b2" };
        d.write(&format!("{batch}/{id}.txt"), &text);
        if i == 0 || i == 3 {
            let copy = neardup_testkit::alter_arabic(&text, 7 + i as u64, 5);
            d.write(&format!("b2/z_copy_of_{id}.txt"), copy);
        }
    }
    let first = add(&d, "db", &["b1"], &[]);
    let second = add(&d, "db", &["b2"], &[]);
    assert_eq!(first.len() + second.len(), 7);
    let mut decided = duplicates(&first);
    decided.extend(duplicates(&second));
    let dedup = dedup_duplicates(&d, &["b1", "b2"]);
    assert_eq!(decided.len(), 2, "both copies are duplicates: {decided:?}");
    assert_eq!(decided, dedup);
    // The matched document's details come with the decision.
    let copy = second
        .iter()
        .find(|v| v["status"] == "duplicate" && v["duplicate_of"] == "000_a6270511e6b8fb87")
        .expect("the copy of 000");
    assert_eq!(copy["first_seen"], "2026-12-01T00:00:00Z");
    assert_eq!(copy["story"], "000_a6270511e6b8fb87");
    assert!(copy["similarity"].as_f64().unwrap() >= 0.7);
    assert_eq!(documents(&d, "db"), 7);
    d.run(&["index", "check", "--db", "db"]).ok();
}

/// A generated corpus in feed order (every original before its copies),
/// written whole and in ten batches.
fn feed_corpus(d: &Dir, docs: usize, seed: u64) -> Vec<String> {
    let items: Vec<_> = neardup_testkit::dedup_corpus(&DedupSpec {
        docs,
        seed,
        ..DedupSpec::default()
    })
    .unwrap()
    .collect();
    let line = |it: &neardup_testkit::GenItem| {
        let doc = &it.doc;
        serde_json::json!({"id": doc.id, "source": doc.outlet, "date": doc.date, "text": doc.text})
            .to_string()
    };
    let (copies, firsts): (Vec<_>, Vec<_>) = items.iter().partition(|it| it.planted.is_some());
    let lines: Vec<String> = firsts.iter().chain(&copies).map(|it| line(it)).collect();
    d.write("all.jsonl", lines.join("\n") + "\n");
    let per = lines.len().div_ceil(10);
    let mut names = Vec::new();
    for (i, chunk) in lines.chunks(per).enumerate() {
        let name = format!("part{i}.jsonl");
        d.write(&name, chunk.join("\n") + "\n");
        names.push(name);
    }
    names
}

#[test]
fn ten_batches_decide_as_one_run_and_as_dedup_in_feed_order() {
    let d = Dir::new();
    let parts = feed_corpus(&d, 3_000, 21);
    let whole = add(&d, "one", &["all.jsonl"], &[]);
    let mut batched = Vec::new();
    for p in &parts {
        batched.extend(add(&d, "ten", &[p], &[]));
    }
    assert_eq!(whole.len(), 3_000);
    // Splitting a feed into batches changes no decision, and nothing else.
    assert_eq!(batched, whole);

    // Against dedup --keep first over the same file: the same decisions but
    // where dedup, seeing everything at once, keeps a later document of a
    // chain (the documented exception).
    let ours = duplicates(&whole);
    let dedup = dedup_duplicates(&d, &["all.jsonl"]);
    assert!(
        ours.len() > 300,
        "the corpus has duplicates: {}",
        ours.len()
    );
    let ids: Vec<&str> = whole.iter().map(|v| v["id"].as_str().unwrap()).collect();
    let differ = ids
        .iter()
        .filter(|id| ours.get(**id) != dedup.get(**id))
        .count();
    assert!(
        differ * 100 <= ids.len(),
        "{differ} of {} decisions differ from dedup",
        ids.len()
    );
    assert_eq!(documents(&d, "one"), 3_000);
    assert_eq!(documents(&d, "ten"), 3_000);
}

#[test]
fn a_re_added_batch_is_all_duplicate() {
    let d = Dir::new();
    let parts = feed_corpus(&d, 600, 4);
    let first = add(&d, "db", &[&parts[0]], &[]);
    let again = add(&d, "db", &[&parts[0]], &[]);
    assert_eq!(again.len(), first.len());
    for (a, b) in first.iter().zip(&again) {
        assert_eq!(b["status"], "duplicate", "{b}");
        // A document kept the first time is matched by its own copy; a
        // duplicate's copy goes to the kept document it duplicated.
        let kept = if a["status"] == "new" {
            &a["id"]
        } else {
            &a["duplicate_of"]
        };
        assert_eq!(&b["duplicate_of"], kept);
        assert_eq!(b["first_seen"], "2026-12-01T00:00:00Z");
    }
}

#[test]
fn expire_removes_what_it_should_and_nothing_else() {
    let d = Dir::new();
    let text = |seed| words(seed, 150).join(" ");
    let record = |id: &str, date: Option<&str>, seed| {
        let mut v = serde_json::json!({"id": id, "text": text(seed)});
        if let Some(date) = date {
            v["date"] = date.into();
        }
        v.to_string() + "\n"
    };
    // Dated documents: old and recent; undated: added long ago and lately.
    d.write(
        "a.jsonl",
        record("old", Some("2026-10-01"), 1) + &record("recent", Some("2026-11-30"), 2),
    );
    d.write("b.jsonl", record("undated-early", None, 3));
    d.write("c.jsonl", record("undated-late", None, 4));
    let add_at = |file: &str, now: &str| {
        d.run(&["index", "add", "--db", "db", file, "--now", now, "-q"])
            .ok();
    };
    add_at("a.jsonl", "2026-12-01");
    add_at("b.jsonl", "2026-11-01");
    add_at("c.jsonl", "2026-12-01");
    assert_eq!(documents(&d, "db"), 4);
    // Cut-off: 2026-11-05.
    d.run(&[
        "index",
        "expire",
        "--db",
        "db",
        "--older-than",
        "30",
        "--now",
        "2026-12-05",
    ])
    .ok()
    .expect_stderr(0, &["removed 2 documents"]);
    assert_eq!(documents(&d, "db"), 2);
    d.run(&["index", "check", "--db", "db"]).ok();
    // The removed ones are unknown again, the others are still there.
    d.write(
        "probe.jsonl",
        [
            record("p-old", None, 1),
            record("p-recent", None, 2),
            record("p-early", None, 3),
            record("p-late", None, 4),
        ]
        .concat(),
    );
    let run = d.run(&["index", "query", "--db", "db", "probe.jsonl", "-q"]);
    run.ok();
    let status: Vec<(String, String)> = run
        .stdout()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["id"].as_str().unwrap().to_string(),
                v["duplicate_of"].as_str().unwrap_or("-").to_string(),
            )
        })
        .collect();
    let expect = [
        ("p-old", "-"),
        ("p-recent", "recent"),
        ("p-early", "-"),
        ("p-late", "undated-late"),
    ];
    let expect: Vec<(String, String)> = expect
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(status, expect);
    // Compacting keeps every answer.
    d.run(&["index", "compact", "--db", "db"]).ok();
    d.run(&["index", "check", "--db", "db"]).ok();
    let again = d.run(&["index", "query", "--db", "db", "probe.jsonl", "-q"]);
    assert_eq!(again.stdout(), run.stdout());
}

#[test]
fn query_and_dry_run_decide_without_adding() {
    let d = Dir::new();
    let parts = feed_corpus(&d, 600, 8);
    add(&d, "db", &[&parts[0]], &[]);
    let query = d.run(&[
        "index", "query", "--db", "db", &parts[1], "--now", NOW, "-q",
    ]);
    query.ok();
    let dry = add(&d, "db", &[&parts[1]], &["--dry-run"]);
    assert_eq!(documents(&d, "db"), 60);
    let added = add(&d, "db", &[&parts[1]], &[]);
    assert_eq!(documents(&d, "db"), 120);
    let q: Vec<Value> = query
        .stdout()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(q, added);
    assert_eq!(dry, added);
    // A query needs an index.
    d.run(&["index", "query", "--db", "none", &parts[1]])
        .expect_stderr(2, &["none is not a neardup index"]);
}

#[test]
fn an_index_keeps_its_parameters_for_life() {
    let d = Dir::new();
    d.write("a.jsonl", line("a", &words(1, 80).join(" ")));
    d.write("b.jsonl", line("b", &words(2, 80).join(" ")));
    d.run(&[
        "index",
        "add",
        "--db",
        "db",
        "a.jsonl",
        "--threshold",
        "0.8",
        "-q",
    ])
    .ok();
    // Flags left out take the index's values; a flag that disagrees is refused.
    d.run(&["index", "add", "--db", "db", "b.jsonl", "-q"]).ok();
    assert!(stat(&d, "db", "parameters").contains("\"threshold\":0.8"));
    d.run(&[
        "index",
        "add",
        "--db",
        "db",
        "b.jsonl",
        "--threshold",
        "0.7",
    ])
    .expect_stderr(
        2,
        &[
            "created with other parameters",
            "--threshold is 0.8, not 0.7",
        ],
    );
    d.run(&["index", "add", "--db", "db", "b.jsonl", "--num-perm", "64"])
        .expect_stderr(2, &["--num-perm is 128, not 64"]);
    d.run(&["index", "add", "--db", "db", "b.jsonl", "--keep", "longest"])
        .expect_stderr(2, &["--keep"]);
    assert_eq!(documents(&d, "db"), 2);
}

#[test]
fn keep_new_only_writes_the_new_records_byte_for_byte() {
    let d = Dir::new();
    let story = words(5, 120).join(" ");
    // Unusual but valid JSON spacing: the records are copied, not re-encoded.
    let lines = [
        format!("{{\"id\": \"a\",   \"text\": \"{story}\"}}\n"),
        format!("{{\"id\":\"b\",\"text\":\"{story} Read more.\"}}\n"),
        line("c", &words(6, 120).join(" ")),
        "{\"id\":\"d\",\"text\":\"  \"}\n".to_string(),
    ];
    d.write("feed.jsonl", lines.concat());
    let run = d.run(&[
        "index",
        "add",
        "--db",
        "db",
        "feed.jsonl",
        "--keep-new-only",
        "-o",
        "new.jsonl",
        "--decisions",
        "decided.jsonl",
    ]);
    run.ok();
    assert_eq!(run.stdout(), "", "decisions went to their file");
    assert!(
        run.stderr().contains("new 2 + duplicates 1 + empty 1"),
        "{}",
        run.stderr()
    );
    let new = std::fs::read_to_string(d.join("new.jsonl")).unwrap();
    assert_eq!(new, lines[0].clone() + &lines[2]);
    d.run(&["dedup", "feed.jsonl", "-o", "kept.jsonl", "-q"])
        .ok();
    assert_eq!(new, std::fs::read_to_string(d.join("kept.jsonl")).unwrap());
    let decided = read_jsonl(&d.join("decided.jsonl"));
    let status: Vec<&str> = decided
        .iter()
        .map(|v| v["status"].as_str().unwrap())
        .collect();
    assert_eq!(status, ["new", "duplicate", "new", "empty"]);
    // --keep-new-only needs -o.
    d.run(&[
        "index",
        "add",
        "--db",
        "db",
        "feed.jsonl",
        "--keep-new-only",
    ])
    .expect_code(2);
}

#[test]
fn bad_records_follow_the_on_error_rules() {
    let d = Dir::new();
    let good = line("a", &words(3, 80).join(" "));
    d.write(
        "bad.jsonl",
        good.clone() + "{not json\n" + &line("c", &words(4, 80).join(" ")),
    );
    // fail (default): names the record; no index is left behind.
    d.run(&["index", "add", "--db", "db", "bad.jsonl"])
        .expect_stderr(1, &["bad.jsonl:2"]);
    assert!(!d.join("db/data.mdb").exists());
    // skip: every record is accounted for, the bad one rejected.
    let run = d.run(&[
        "index",
        "add",
        "--db",
        "db",
        "bad.jsonl",
        "--on-error",
        "skip",
        "--errors",
        "errors.jsonl",
    ]);
    run.ok();
    let status: Vec<String> = run
        .stdout()
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["status"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(status, ["new", "rejected", "new"]);
    assert_eq!(read_jsonl(&d.join("errors.jsonl")).len(), 1);
    assert_eq!(documents(&d, "db"), 2);
    // Not an index.
    d.run(&["index", "stats", "--db", "nowhere"])
        .expect_stderr(2, &["nowhere is not a neardup index"]);
    d.write("junk/data.mdb", "not lmdb");
    let run = d.run(&["index", "check", "--db", "junk"]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
}

/// Holds `write.lock` of `db` as a writer does, until dropped.
fn hold_writer_lock(db: &Path) -> std::fs::File {
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(db.join("write.lock"))
        .unwrap();
    f.lock().unwrap();
    f
}

#[test]
fn readers_run_beside_a_writer_and_a_second_writer_waits() {
    let d = Dir::new();
    let parts = feed_corpus(&d, 600, 9);
    let before = add(&d, "db", &[&parts[0]], &[]);
    assert_eq!(before.len(), 60);
    let lock = hold_writer_lock(&d.join("db"));
    // Readers do not wait for the writer.
    let q = d.run_within(&["index", "query", "--db", "db", &parts[1], "-q"], 60);
    q.ok();
    d.run_within(&["index", "stats", "--db", "db"], 60).ok();
    d.run_within(&["index", "check", "--db", "db"], 60).ok();
    // A writer that may not wait is refused; one that may, waits.
    d.run_within(&["index", "add", "--db", "db", &parts[1], "--no-wait"], 60)
        .expect_stderr(1, &["being written by another process"]);
    let mut waiting = d.command(&["index", "add", "--db", "db", &parts[1], "-q"]);
    waiting
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = waiting.spawn().unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(documents(&d, "db"), 60, "the second writer waits");
    drop(lock);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("waiting"));
    assert_eq!(documents(&d, "db"), 120);
    // Compaction needs the index to itself: refused while it is open.
    let reader = std::fs::File::open(d.join("db/open.lock")).unwrap();
    reader.lock_shared().unwrap();
    d.run_within(&["index", "compact", "--db", "db"], 60)
        .expect_stderr(1, &["in use by another process"]);
    drop(reader);
    d.run_within(&["index", "compact", "--db", "db"], 60).ok();
}

#[test]
fn a_reader_sees_the_index_before_or_after_a_batch_never_between() {
    let d = Dir::new();
    let parts = feed_corpus(&d, 8_000, 10);
    add(&d, "db", &[&parts[0]], &[]);
    let rest: Vec<&str> = parts[1..].iter().map(String::as_str).collect();
    let mut args = vec!["index", "add", "--db", "db", "-q"];
    args.extend(&rest);
    let mut writer = d.command(&args);
    writer.stdout(std::process::Stdio::null());
    let mut child = writer.spawn().unwrap();
    let mut seen = Vec::new();
    while child.try_wait().unwrap().is_none() {
        seen.push(documents(&d, "db"));
    }
    assert!(child.wait().unwrap().success());
    seen.push(documents(&d, "db"));
    assert!(seen.iter().all(|&n| n == 800 || n == 8_000), "{seen:?}");
    assert_eq!(seen.last(), Some(&8_000));
}

/// Runs `neardup ARGS --progress` in `d` and kills it (SIGKILL) `after`
/// the progress line containing `anchor` appears; returns whether it was
/// still running then.
fn kill_after(d: &Dir, args: &[&str], anchor: &str, after: Duration) -> bool {
    use std::io::{BufRead, BufReader};
    let mut cmd = d.command(args);
    cmd.arg("--progress")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    let anchor = anchor.to_string();
    let reader = std::thread::spawn(move || {
        for line in stderr.lines().map_while(Result::ok) {
            if line.contains(&anchor) {
                let _ = tx.send(());
            }
        }
    });
    let seen = rx.recv_timeout(Duration::from_secs(60)).is_ok();
    assert!(seen, "no progress line with the anchor");
    std::thread::sleep(after);
    let running = child.try_wait().unwrap().is_none();
    let _ = child.kill(); // SIGKILL
    child.wait().unwrap();
    reader.join().unwrap();
    running
}

/// Kills `index add` with SIGKILL at several points of a batch (while it
/// reads, and through the transaction that decides and adds): the index
/// opens, passes its check and answers exactly as before the batch (or, for
/// a kill after the commit, as after it), and the next writer is not
/// blocked.
#[test]
fn a_killed_batch_leaves_the_index_as_it_was() {
    let d = Dir::new();
    let parts = feed_corpus(&d, 24_000, 12);
    add(&d, "db", &[&parts[0]], &[]);
    let batch: Vec<&str> = parts[1..9].iter().map(String::as_str).collect();
    let probe = &parts[9];
    let query = |d: &Dir| {
        let run = d.run(&["index", "query", "--db", "db", probe, "--now", NOW, "-q"]);
        run.ok();
        run.stdout()
    };
    let before = query(&d);
    let mut args = vec!["index", "add", "--db", "db", "--now", NOW];
    args.extend(&batch);
    // How long the transaction of an uninterrupted batch takes, on a copy.
    let copy = Dir::new();
    std::fs::create_dir(copy.join("db")).unwrap();
    std::fs::copy(d.join("db/data.mdb"), copy.join("db/data.mdb")).unwrap();
    for f in batch.iter().chain([&probe.as_str()]) {
        std::fs::copy(d.join(f), copy.join(f)).unwrap();
    }
    let mut profiled = args.clone();
    profiled.push("--profile");
    let run = copy.run(&profiled);
    run.ok();
    let secs: f64 = run
        .stderr()
        .lines()
        .find_map(|l| l.strip_prefix("decide + add"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|s| s.parse().ok())
        .expect("the transaction's time in the profile");
    let after = query(&copy);
    assert_ne!(before, after, "the batch changes answers");
    let decide = Duration::from_secs_f64(secs);
    let mut points = vec![("read + sign: started", Duration::from_millis(5))];
    for f in [0.0, 0.2, 0.4, 0.6, 0.8, 0.9, 0.97] {
        points.push(("decide: started", decide.mul_f64(f)));
    }
    let mut killed = 0;
    for (anchor, at) in points {
        let running = kill_after(&d, &args, anchor, at);
        eprintln!("{anchor} + {at:?} of {decide:?}: killed {running}");
        killed += usize::from(running);
        d.run(&["index", "check", "--db", "db"]).ok();
        if documents(&d, "db") == 2_400 {
            assert_eq!(
                query(&d),
                before,
                "killed {at:?} after {anchor}: as before the batch"
            );
        } else {
            // Committed before the kill: the whole batch, never part of it.
            assert_eq!(documents(&d, "db"), 21_600);
            assert_eq!(query(&d), after);
            break;
        }
    }
    assert!(
        killed >= 5,
        "only {killed} runs were killed before their end"
    );
    if documents(&d, "db") == 2_400 {
        // A writer after the kills is not blocked by them.
        d.run_within(&args, 120).ok();
    }
    assert_eq!(documents(&d, "db"), 21_600);
    assert_eq!(query(&d), after);
}

/// Words of random letters (3 to 9), deterministic: texts that share
/// shingles only where they share words.
fn letters(seed: u64, n: usize) -> Vec<String> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..n)
        .map(|_| {
            let len = 3 + next() % 7;
            (0..len)
                .map(|_| (b'a' + (next() % 26) as u8) as char)
                .collect()
        })
        .collect()
}

#[test]
fn a_story_never_spans_more_than_the_window() {
    let d = Dir::new();
    // b keeps 80% of a's words, c 80% of b's: each is close to the one
    // before (a story link) without being its near-duplicate.
    // (At a Jaccard near 0.65, banding finds a pair with probability 0.86:
    // these texts are fixed, and among those where it does.)
    let a = letters(2, 200);
    let b: Vec<String> = a[..160].iter().cloned().chain(letters(102, 40)).collect();
    let c: Vec<String> = b[..160].iter().cloned().chain(letters(202, 40)).collect();
    let rec = |id: &str, date: &str, words: &[String]| {
        serde_json::json!({"id": id, "date": date, "text": words.join(" ")}).to_string() + "\n"
    };
    d.write(
        "feed.jsonl",
        rec("a", "2026-11-01", &a) + &rec("b", "2026-11-05", &b) + &rec("c", "2026-11-10", &c),
    );
    let stories = |extra: &[&str]| -> Vec<(String, String)> {
        let db = format!("db{}", extra.len());
        add(&d, &db, &["feed.jsonl"], extra)
            .iter()
            .map(|v| {
                assert_eq!(v["status"], "new", "{v}");
                (
                    v["id"].as_str().unwrap().into(),
                    v["story"].as_str().unwrap().into(),
                )
            })
            .collect()
    };
    let pairs = |p: &[(&str, &str)]| -> Vec<(String, String)> {
        p.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    // c is 9 days after the story's first document: a story of its own.
    assert_eq!(stories(&[]), pairs(&[("a", "a"), ("b", "a"), ("c", "c")]));
    // With a 30-day window the three are one story.
    assert_eq!(
        stories(&["--window", "30"]),
        pairs(&[("a", "a"), ("b", "a"), ("c", "a")])
    );
}

#[test]
fn texts_are_stored_only_when_asked() {
    let d = Dir::new();
    let text = letters(9, 60).join(" ");
    d.write("a.jsonl", line("a", &text));
    let holds_text = |db: &str| {
        let bytes = std::fs::read(d.join(db).join("data.mdb")).unwrap();
        let needle = &text.as_bytes()[..80];
        bytes.windows(needle.len()).any(|w| w == needle)
    };
    d.run(&["index", "add", "--db", "plain", "a.jsonl", "-q"])
        .ok();
    d.run(&[
        "index",
        "add",
        "--db",
        "texts",
        "a.jsonl",
        "--store-text",
        "-q",
    ])
    .ok();
    assert!(!holds_text("plain"), "no text without --store-text");
    assert!(holds_text("texts"));
    d.run(&["index", "check", "--db", "texts"]).ok();
}
