use neardup_testkit::DedupSpec;

use crate::util::*;

fn feed() -> String {
    let base = "Officials confirmed on Monday that the new bridge over the river will open to traffic \
                in the spring, two years later than planned, after a dispute over the cost of steel.";
    let mut s = String::new();
    s += "{\"id\": \"k1\",  \"text\": \"";
    s += base;
    s += "\", \"extra\": {\"keep\": [1, 2]}}\r\n";
    s += &line(
        "u",
        "Markets closed higher on Friday as oil prices fell for a third day.",
    );
    s += &line("k1-copy", &format!("{base} Share this article."));
    s += &line("empty", "");
    s
}

#[test]
fn kept_records_are_copied_byte_for_byte() {
    let d = Dir::new();
    let text = feed();
    d.write("feed.jsonl", &text);
    let r = d.run(&["dedup", "feed.jsonl", "--duplicates", "dropped.jsonl"]);
    r.ok();
    let lines: Vec<&str> = text.split('\n').collect();
    assert_eq!(r.stdout(), format!("{}\n{}\n", lines[0], lines[1]));
    assert!(
        r.stderr()
            .contains("read 4 = kept 2 + duplicates 1 + empty 1 + rejected 0"),
        "{}",
        r.stderr()
    );
    let dropped = read_jsonl(&d.join("dropped.jsonl"));
    assert_eq!(dropped.len(), 1);
    assert_eq!(dropped[0]["id"], "k1-copy");
    assert_eq!(dropped[0]["duplicate_of"], "k1");
    assert!(dropped[0]["similarity"].as_f64().unwrap() > 0.7);
}

#[test]
fn stdin_and_output_file_and_quiet() {
    let d = Dir::new();
    let text = feed();
    let r = d.run_with_stdin(
        &["dedup", "-", "-o", "kept.jsonl", "-q"],
        Some(text.as_bytes()),
    );
    r.ok();
    assert_eq!(r.stderr(), "");
    let kept = std::fs::read_to_string(d.join("kept.jsonl")).unwrap();
    assert_eq!(kept.lines().count(), 2);
}

#[test]
fn text_files_are_written_as_json_lines() {
    let d = Dir::new();
    d.write(
        "c/a.txt",
        "A story about the weather in the mountains this week, with snow.",
    );
    d.write(
        "c/b.txt",
        "A story about the weather in the mountains this week, with snow!",
    );
    d.write(
        "c/z.txt",
        "Completely different: the parliament passed the budget.",
    );
    let r = d.run(&["dedup", "c"]);
    r.ok();
    let kept: Vec<serde_json::Value> = r
        .stdout()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(kept.len(), 2);
    assert_eq!(
        kept[0],
        serde_json::json!({"id": "a", "outlet": null, "path": "c/a.txt"})
    );
    assert_eq!(kept[1]["id"], "z");
}

#[test]
fn eval_scores_a_dedup_result() {
    let d = Dir::new();
    d.write("feed.jsonl", feed());
    d.write(
        "truth.jsonl",
        "{\"id\":\"k1\",\"cluster\":1}\n{\"id\":\"k1-copy\",\"cluster\":1}\n{\"id\":\"u\",\"cluster\":2}\n",
    );
    d.run(&["dedup", "feed.jsonl", "--duplicates", "dropped.jsonl", "-q"])
        .ok();
    let r = d.run(&["eval", "--truth", "truth.jsonl", "dropped.jsonl", "--json"]);
    r.ok();
    let q: serde_json::Value = serde_json::from_str(&r.stdout()).unwrap();
    assert_eq!(q["precision"], 1.0);
    assert_eq!(q["recall"], 1.0);
    assert_eq!(q["ari"], 1.0);
    d.run(&["analyze", "feed.jsonl", "--out", "out"]).ok();
    let r = d.run(&["eval", "--truth", "truth.jsonl", "out"]);
    r.ok();
    assert!(
        r.stdout().contains("recall           1.0000"),
        "{}",
        r.stdout()
    );
}

/// Finer signatures too big for their share of the budget are made again
/// in a second read, for the doubtful pairs only; the decisions are the same.
#[test]
fn refining_by_a_second_read_changes_nothing() {
    let d = Dir::new();
    d.generate(
        "g",
        &DedupSpec {
            docs: 3_000,
            seed: 12,
            ..DedupSpec::default()
        },
    );
    // 3,000 x 1,024 bytes of finer signatures > 12M / 8, while the doubtful
    // rows fit 12M / 4.
    for (out, limit) in [("a", "12M"), ("b", "8G")] {
        d.run(&[
            "analyze",
            "g/corpus.jsonl",
            "--memory-limit",
            limit,
            "--out",
            out,
        ])
        .ok();
    }
    let (sa, sb) = (
        read_json(&d.join("a/summary.json")),
        read_json(&d.join("b/summary.json")),
    );
    assert_eq!(sa["input"]["fine_reread"], true);
    assert_eq!(sb["input"]["fine_reread"], false);
    assert!(sa["counts"]["refined_pairs"].as_u64().unwrap() > 10, "{sa}");
    assert_eq!(sa["counts"], sb["counts"]);
    for f in ["documents.jsonl", "pairs.jsonl"] {
        let (x, y) = (
            std::fs::read(d.join("a").join(f)).unwrap(),
            std::fs::read(d.join("b").join(f)).unwrap(),
        );
        assert!(x == y, "{f} differs when refined by a second read");
    }
}

#[test]
fn spilling_to_disk_changes_nothing() {
    let d = Dir::new();
    d.generate(
        "g",
        &DedupSpec {
            docs: 3_000,
            seed: 11,
            ..DedupSpec::default()
        },
    );
    // (A tiny budget also leaves no room for refinement, so both runs decide
    // on the coarse signatures.)
    let small = d.run(&[
        "dedup",
        "g/corpus.jsonl",
        "--memory-limit",
        "64K",
        "--refine",
        "0",
        "--duplicates",
        "a.jsonl",
        "-o",
        "ka.jsonl",
    ]);
    small.ok();
    d.run(&[
        "dedup",
        "g/corpus.jsonl",
        "--refine",
        "0",
        "--duplicates",
        "b.jsonl",
        "-o",
        "kb.jsonl",
    ])
    .ok();
    for (x, y) in [("a.jsonl", "b.jsonl"), ("ka.jsonl", "kb.jsonl")] {
        let (x, y) = (
            std::fs::read(d.join(x)).unwrap(),
            std::fs::read(d.join(y)).unwrap(),
        );
        assert!(!x.is_empty());
        assert!(x == y, "spilled and in-memory runs differ");
    }
    d.run(&[
        "analyze",
        "g/corpus.jsonl",
        "--memory-limit",
        "64K",
        "--refine",
        "0",
        "--out",
        "sa",
    ])
    .ok();
    d.run(&["analyze", "g/corpus.jsonl", "--refine", "0", "--out", "sb"])
        .ok();
    assert_eq!(
        read_json(&d.join("sa/summary.json"))["input"]["signatures_on_disk"],
        true
    );
    assert_eq!(
        read_json(&d.join("sb/summary.json"))["input"]["signatures_on_disk"],
        false
    );
    for f in ["documents.jsonl", "pairs.jsonl", "shared.jsonl"] {
        let (x, y) = (
            std::fs::read(d.join("sa").join(f)).unwrap(),
            std::fs::read(d.join("sb").join(f)).unwrap(),
        );
        assert!(x == y, "{f} differs when spilled");
    }
}

// Issue 10: `eval` refuses input that gives meaningless scores.
#[test]
fn eval_refuses_empty_truth_and_interrupted_runs() {
    let d = Dir::new();
    d.write("feed.jsonl", feed());
    d.write("empty.jsonl", "");
    d.write(
        "truth.jsonl",
        "{\"id\":\"k1\",\"cluster\":1}\n{\"id\":\"k1-copy\",\"cluster\":1}\n",
    );
    d.write("other.jsonl", "{\"id\":\"nope\",\"cluster\":1}\n");
    d.run(&["analyze", "feed.jsonl", "--out", "out", "-q"]).ok();
    let r = d.run(&["eval", "--truth", "empty.jsonl", "out"]);
    r.expect_stderr(1, &["empty.jsonl: no labelled document"]);
    // None of the truth's documents in the prediction.
    let r = d.run(&["eval", "--truth", "other.jsonl", "out/documents.jsonl"]);
    r.expect_stderr(1, &["none of the 1 documents"]);
    // An interrupted run: documents.jsonl without summary.json.
    std::fs::remove_file(d.join("out/summary.json")).unwrap();
    for target in ["out", "out/documents.jsonl"] {
        let r = d.run(&["eval", "--truth", "truth.jsonl", target]);
        r.expect_stderr(1, &["not a complete analyze run"]);
    }
    // An empty dedup --duplicates file is a real prediction: nothing dropped.
    let r = d.run(&["eval", "--truth", "truth.jsonl", "empty.jsonl", "--json"]);
    r.ok();
    let q: serde_json::Value = serde_json::from_str(&r.stdout()).unwrap();
    assert_eq!(q["recall"], 0.0);
}

// Issue 10: `pairs.jsonl`, `documents.jsonl` and `--duplicates` state one
// similarity for one pair, refined pairs included.
#[test]
fn one_similarity_per_pair_in_every_output() {
    let d = Dir::new();
    d.generate(
        "g",
        &neardup_testkit::DedupSpec {
            docs: 3000,
            seed: 5,
            ..neardup_testkit::DedupSpec::default()
        },
    );
    d.run(&["analyze", "g/corpus.jsonl", "--out", "out", "-q"])
        .ok();
    d.run(&[
        "dedup",
        "g/corpus.jsonl",
        "-o",
        "kept.jsonl",
        "--duplicates",
        "dups.jsonl",
        "-q",
    ])
    .ok();
    // Each pair's stated values: (jaccard, containment).
    let mut pair_j = std::collections::HashMap::new();
    for p in read_jsonl(&d.join("out/pairs.jsonl")) {
        let (a, b) = (p["a"].as_str().unwrap(), p["b"].as_str().unwrap());
        let v = (p["jaccard"].as_f64().unwrap(), p["containment"].as_f64());
        pair_j.insert((a.to_string(), b.to_string()), v);
        pair_j.insert((b.to_string(), a.to_string()), v);
    }
    let summary = read_json(&d.join("out/summary.json"));
    assert!(summary["counts"]["refined_pairs"].as_u64().unwrap() > 0);
    let (mut checked, mut same_kept) = (0, 0);
    let dedup: std::collections::HashMap<String, (String, f64)> = read_jsonl(&d.join("dups.jsonl"))
        .into_iter()
        .map(|x| {
            (
                x["id"].as_str().unwrap().to_string(),
                (
                    x["duplicate_of"].as_str().unwrap().to_string(),
                    x["similarity"].as_f64().unwrap(),
                ),
            )
        })
        .collect();
    for doc in read_jsonl(&d.join("out/documents.jsonl")) {
        let Some(kept) = doc["duplicate_of"].as_str() else {
            continue;
        };
        let id = doc["id"].as_str().unwrap();
        let sim = doc["similarity"].as_f64().unwrap();
        let measure = doc["measure"].as_str().unwrap();
        // Contained copies that only shared passages reveal are analyze's
        // alone (and may make other stars): a duplicate of the same kept
        // document is stated alike by both commands.
        if let Some((k, s)) = dedup.get(id)
            && k == kept
        {
            assert_eq!(*s, sim, "{id}");
            same_kept += 1;
        }
        if let Some((j, c)) = pair_j.get(&(id.to_string(), kept.to_string())) {
            let stated = if measure == "containment" {
                c.unwrap()
            } else {
                *j
            };
            assert_eq!(stated, sim, "{id} ~ {kept}");
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked}");
    assert!(same_kept > 100, "{same_kept}");
}

/// Four versions of a text, each changing an eighth of the words of the one
/// before (at its start, end, middle): neighbours are near-duplicates
/// (Jaccard about 0.78), versions two steps apart are not (about 0.6).
fn chain() -> String {
    let mut state = 11u64;
    let mut word = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let n = (state >> 33) as usize;
        let syll = [
            "ka", "lo", "mi", "ren", "tas", "vu", "zen", "pri", "dol", "sek",
        ];
        (0..3)
            .map(|i| syll[(n >> (i * 4)) % syll.len()])
            .collect::<String>()
            + &format!("{}", n % 97)
    };
    let a: Vec<String> = (0..160).map(|_| word()).collect();
    let mut versions = vec![a];
    for range in [0..20, 140..160, 70..90] {
        let mut next = versions.last().unwrap().clone();
        for w in &mut next[range] {
            *w = word();
        }
        versions.push(next);
    }
    ["a", "b", "c", "d"]
        .iter()
        .zip(&versions)
        .map(|(id, w)| line(id, &w.join(" ")))
        .collect()
}

#[test]
fn chained_near_duplicates_are_not_one_cluster() {
    let d = Dir::new();
    d.write("chain.jsonl", chain());
    d.run(&["analyze", "chain.jsonl", "--out", "out"]).ok();
    let docs = read_jsonl(&d.join("out/documents.jsonl"));
    let cluster = |id: &str| {
        docs.iter().find(|x| x["id"] == id).unwrap()["cluster"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // A~B~C~D: the ends are never together, and every duplicate is a
    // near-duplicate of its kept document, not of a neighbour's neighbour.
    assert_ne!(cluster("a"), cluster("d"), "{docs:?}");
    assert!(docs.iter().filter(|x| !x["duplicate_of"].is_null()).count() >= 1);
    for x in &docs {
        if !x["duplicate_of"].is_null() {
            assert!(x["similarity"].as_f64().unwrap() >= 0.7, "{x}");
        }
    }
    let pairs = read_jsonl(&d.join("out/pairs.jsonl"));
    let near = |a: &str, b: &str| {
        pairs.iter().any(|p| {
            p["level"] == "duplicate"
                && ((p["a"] == a && p["b"] == b) || (p["a"] == b && p["b"] == a))
        })
    };
    for x in &docs {
        if let Some(k) = x["duplicate_of"].as_str() {
            assert!(
                near(x["id"].as_str().unwrap(), k),
                "{x} is not a verified pair with {k}"
            );
        }
    }
}

/// An original of 300 words, its first 180 words (Jaccard about 0.6 with it,
/// wholly contained), its first 60 words (Jaccard about 0.2, contained) and
/// unrelated documents.
fn trimmed() -> String {
    let original = words(3, 300);
    let mut out = line("orig", &original.join(" "));
    out.push_str(&line("trim60", &original[..180].join(" ")));
    out.push_str(&line("brief", &original[..60].join(" ")));
    for i in 0..6 {
        out.push_str(&line(&format!("other{i}"), &words(100 + i, 200).join(" ")));
    }
    out
}

/// The records `dedup FILE` drops, from its `--duplicates` file.
fn dropped(d: &Dir, file: &str) -> Vec<serde_json::Value> {
    d.run(&[
        "dedup",
        file,
        "-o",
        "kept.jsonl",
        "--duplicates",
        "dups.jsonl",
    ])
    .ok();
    read_jsonl(&d.join("dups.jsonl"))
}

#[test]
fn the_text_holding_a_copy_is_never_its_duplicate() {
    // The trimmed copy comes first in the input, and `--keep first` would
    // keep it; but the original holds 120 words the copy lacks, so the copy
    // is the duplicate, in dedup as in analyze.
    let original = words(3, 300);
    let d = Dir::new();
    let mut text = line("trim60", &original[..180].join(" "));
    text.push_str(&line("orig", &original.join(" ")));
    d.write("t.jsonl", text);
    let dups = dropped(&d, "t.jsonl");
    assert_eq!(dups.len(), 1, "{dups:?}");
    assert_eq!(
        (&dups[0]["id"], &dups[0]["duplicate_of"]),
        (&"trim60".into(), &"orig".into())
    );
    d.run(&["analyze", "t.jsonl", "--out", "out"]).ok();
    let docs = read_jsonl(&d.join("out/documents.jsonl"));
    assert_eq!(docs[0]["duplicate_of"], "orig", "{docs:?}");
    assert!(docs[1]["duplicate_of"].is_null(), "{docs:?}");
}

#[test]
fn trimmed_copies_are_contained_duplicates() {
    let d = Dir::new();
    d.write("t.jsonl", trimmed());
    let dups = dropped(&d, "t.jsonl");
    // The signatures see the long trimmed copy: contained, Jaccard too low.
    assert_eq!(dups.len(), 1, "{dups:?}");
    assert_eq!(dups[0]["id"], "trim60");
    assert_eq!(dups[0]["duplicate_of"], "orig");
    assert_eq!(dups[0]["measure"], "containment");
    assert!(dups[0]["similarity"].as_f64().unwrap() >= 0.9, "{dups:?}");

    // analyze also finds the brief from the shared passages.
    d.run(&["analyze", "t.jsonl", "--out", "out"]).ok();
    let docs = read_jsonl(&d.join("out/documents.jsonl"));
    let doc = |id: &str| docs.iter().find(|x| x["id"] == id).unwrap().clone();
    for id in ["trim60", "brief"] {
        assert_eq!(doc(id)["duplicate_of"], "orig", "{id}: {docs:?}");
        assert_eq!(doc(id)["measure"], "containment");
        assert!(doc(id)["similarity"].as_f64().unwrap() >= 0.8);
    }
    for i in 0..6 {
        assert!(doc(&format!("other{i}"))["duplicate_of"].is_null());
    }
    let pairs = read_jsonl(&d.join("out/pairs.jsonl"));
    let brief = pairs
        .iter()
        .find(|p| p["level"] == "duplicate" && (p["a"] == "brief" || p["b"] == "brief"))
        .unwrap();
    assert!(brief["jaccard"].as_f64().unwrap() < 0.4, "{brief}");
    assert!(brief["containment"].as_f64().unwrap() >= 0.8, "{brief}");

    // --containment 0: Jaccard alone, no duplicate here.
    d.run(&[
        "dedup",
        "t.jsonl",
        "--containment",
        "0",
        "-o",
        "k0.jsonl",
        "--duplicates",
        "d0.jsonl",
    ])
    .ok();
    assert!(read_jsonl(&d.join("d0.jsonl")).is_empty());
    d.run(&["analyze", "t.jsonl", "--out", "out0", "--containment", "0"])
        .ok();
    let docs0 = read_jsonl(&d.join("out0/documents.jsonl"));
    assert!(
        docs0.iter().all(|x| x["duplicate_of"].is_null()),
        "{docs0:?}"
    );
}
