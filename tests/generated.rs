//! Near-duplicate quality on a generated corpus with planted copies whose
//! exact Jaccard is known (issue 2, point 2, at test size; the README reports
//! the 100k-document run).

use neardup_testkit::{DedupSpec, Script};

use crate::util::*;

#[test]
fn planted_duplicates_are_found_precisely() {
    let d = Dir::new();
    d.generate(
        "g",
        &DedupSpec {
            docs: 20_000,
            seed: 7,
            ..DedupSpec::default()
        },
    );
    // The truth is Jaccard's: the generator's truncated copies are below
    // the threshold there, but contained copies for `--containment`
    // (tested in `dedup::trimmed_copies_are_contained_duplicates`).
    d.run(&[
        "analyze",
        "g/corpus.jsonl",
        "--out",
        "out",
        "--containment",
        "0",
    ])
    .ok();
    let q = neardup_testkit::planted_quality(&d.join("g"), &d.join("out"), 0.7, 0.05, 5).unwrap();
    assert!(q.planted_above > 1000, "{q:?}");
    assert!(
        q.recall_above >= 0.98,
        "recall of planted pairs with J >= 0.75: {q:?}"
    );
    assert!(
        q.precision_margin >= 0.99,
        "verified pairs with true J >= 0.65: {q:?}"
    );
    assert!(
        q.precision_strict >= 0.95,
        "verified pairs with true J >= 0.7: {q:?}"
    );
    assert!(q.clusters.ari >= 0.95, "{q:?}");
    // The eval command agrees with the library on cluster quality.
    let r = d.run(&["eval", "--truth", "g/truth.jsonl", "out", "--json"]);
    let e: serde_json::Value = serde_json::from_str(&r.ok().stdout()).unwrap();
    assert_eq!(e["correct_pairs"], q.clusters.correct_pairs);
}

#[test]
fn without_refinement_estimates_alone_still_recall() {
    let d = Dir::new();
    d.generate(
        "g",
        &DedupSpec {
            docs: 5_000,
            seed: 3,
            scripts: vec![Script::Latin, Script::Arabic],
            ..DedupSpec::default()
        },
    );
    d.run(&[
        "dedup",
        "g/corpus.jsonl",
        "--refine",
        "0",
        "--containment",
        "0",
        "-o",
        "kept.jsonl",
        "--duplicates",
        "dropped.jsonl",
    ])
    .ok();
    let r = d.run(&[
        "eval",
        "--truth",
        "g/truth.jsonl",
        "dropped.jsonl",
        "--json",
    ]);
    let e: serde_json::Value = serde_json::from_str(&r.ok().stdout()).unwrap();
    assert!(e["recall"].as_f64().unwrap() > 0.9, "{e}");
    assert!(e["precision"].as_f64().unwrap() > 0.9, "{e}");
}
