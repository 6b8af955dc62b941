//! Shared-passage quality on generated news corpora with planted reuse
//! (copied sentences and paragraphs with rewriting-desk edits, a wire story,
//! stock phrases, per-outlet boilerplate), scored character by character
//! against the planted truth. The bars are the issue's acceptance bars.
//!
//! With rewrites on, copies are also planted with their words shuffled
//! within sentences, phrases moved within paragraphs, a third of their
//! content words replaced by synonyms, or condensed into a paraphrase; those
//! corpora are scored with PAN's measures (Potthast et al. 2010).

use neardup_testkit::pan::{PanReport, pan_eval};
use neardup_testkit::{
    NewsSpec, PassageQuality, Script, TemplateSpec, passage_quality, template_corpus,
    write_news_corpus,
};

use crate::util::*;

/// Generates a corpus of `docs` documents (with rewrites if `rewrites`) in
/// `d/g` and analyzes it into `d/out`.
fn generate_and_analyze(d: &Dir, script: Script, docs: usize, rewrites: bool) {
    let spec = NewsSpec {
        docs,
        seed: 1,
        script,
        rewrites,
        ..NewsSpec::default()
    };
    let stats = write_news_corpus(&spec, &d.join("g")).unwrap();
    assert_eq!(stats.docs as usize, docs);
    d.run(&[
        "analyze",
        "g/corpus.jsonl",
        "--out",
        "out",
        "--date-field",
        "date",
    ])
    .ok();
}

fn measure(script: Script) -> PassageQuality {
    let d = Dir::new();
    generate_and_analyze(&d, script, 3_000, false);
    passage_quality(&d.join("g"), &d.join("out")).unwrap()
}

fn check(script: Script) {
    let q = measure(script);
    let report = serde_json::to_string_pretty(&q).unwrap();
    assert_eq!(q.documents, 3_000, "{report}");
    assert!(q.relations >= 700 && q.paragraph_copies >= 300, "{report}");
    let bars = [
        ("character recall >= 0.95", q.recall >= 0.95),
        ("character precision >= 0.95", q.precision >= 0.95),
        ("paragraphs_as_one >= 0.95", q.paragraphs_as_one >= 0.95),
        ("wire_found == 1.0", q.wire_found == 1.0),
        ("stock_reported == 0", q.stock_reported == 0),
        ("boilerplate_reported == 0", q.boilerplate_reported == 0),
    ];
    let failed: Vec<&str> = bars.iter().filter(|b| !b.1).map(|b| b.0).collect();
    assert!(failed.is_empty(), "{script}: failed {failed:?}\n{report}");
}

#[test]
fn latin_passages_meet_the_bars() {
    check(Script::Latin);
}

#[test]
fn arabic_passages_meet_the_bars() {
    check(Script::Arabic);
}

fn measure_rewrites(script: Script) -> (PanReport, PassageQuality) {
    let d = Dir::new();
    generate_and_analyze(&d, script, 2_000, true);
    (
        pan_eval(&d.join("g"), &d.join("out")).unwrap(),
        passage_quality(&d.join("g"), &d.join("out")).unwrap(),
    )
}

fn check_rewrites(script: Script) {
    let (pan, q) = measure_rewrites(script);
    let report = format!(
        "{}\n{}",
        pan.table(),
        serde_json::to_string_pretty(&q).unwrap()
    );
    let recall = |t: &str| pan.by_type.get(t).map_or(0.0, |s| s.recall);
    let o = &pan.overall;
    let bars = [
        ("plagdet >= 0.90", o.plagdet >= 0.90),
        ("precision >= 0.95", o.precision >= 0.95),
        ("granularity <= 1.05", o.granularity <= 1.05),
        (
            "word_shuffle recall >= 0.85",
            recall("word_shuffle") >= 0.85,
        ),
        ("phrase_move recall >= 0.85", recall("phrase_move") >= 0.85),
        ("synonyms recall >= 0.85", recall("synonyms") >= 0.85),
        ("stock_reported == 0", q.stock_reported == 0),
        ("boilerplate_reported == 0", q.boilerplate_reported == 0),
    ];
    assert!(
        pan.by_type.get("word_shuffle").map_or(0, |s| s.cases) >= 50,
        "too few rewritten cases\n{report}"
    );
    let failed: Vec<&str> = bars.iter().filter(|b| !b.1).map(|b| b.0).collect();
    assert!(failed.is_empty(), "{script}: failed {failed:?}\n{report}");
}

#[test]
fn latin_rewritten_copies_meet_the_pan_bars() {
    check_rewrites(Script::Latin);
}

#[test]
fn arabic_rewritten_copies_meet_the_pan_bars() {
    check_rewrites(Script::Arabic);
}

/// The `match` of every line of a `shared.jsonl`, counted.
fn match_counts(path: &std::path::Path) -> std::collections::BTreeMap<String, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for l in read_jsonl(path) {
        let m = l["match"]
            .as_str()
            .expect("every passage says how it matched");
        *counts.entry(m.to_string()).or_default() += 1;
    }
    counts
}

#[test]
fn passages_say_how_they_matched_and_passage_match_limits_them() {
    let d = Dir::new();
    generate_and_analyze(&d, Script::Latin, 600, true);
    let all = match_counts(&d.join("out/shared.jsonl"));
    for kind in ["exact", "reordered", "rewritten"] {
        assert!(
            all.get(kind).copied().unwrap_or(0) > 0,
            "no {kind}: {all:?}"
        );
    }
    for (flag, allowed) in [
        ("exact", &["exact"][..]),
        ("reordered", &["exact", "reordered"][..]),
    ] {
        let out = format!("out-{flag}");
        d.run(&[
            "analyze",
            "g/corpus.jsonl",
            "--out",
            &out,
            "--date-field",
            "date",
            "--passage-match",
            flag,
        ])
        .ok();
        let got = match_counts(&d.join(&format!("{out}/shared.jsonl")));
        assert!(
            got.keys().all(|k| allowed.contains(&k.as_str())) && !got.is_empty(),
            "--passage-match {flag}: {got:?}"
        );
        let summary = read_json(&d.join(&format!("{out}/summary.json")));
        assert_eq!(summary["parameters"]["passages"]["loosest"], flag);
    }
}

#[test]
fn planted_templates_are_templates_not_duplicates_nor_stories() {
    // Two release families (the document is the formula: issues are
    // Jaccard 0.6-0.85 apart, each issue run by 3 outlets) and one
    // embedded family, over 8 outlets and 24 days; a wire story; unrelated
    // articles.
    let corpus = template_corpus(&TemplateSpec::default());
    let d = Dir::new();
    d.write("t.jsonl", corpus.jsonl());
    d.run(&["analyze", "t.jsonl", "--out", "out", "--date-field", "date"])
        .ok();
    let issue = |id: &serde_json::Value| {
        let t = corpus.docs.iter().find(|t| id == &t.id).unwrap();
        t.issue.clone()
    };
    let shared = read_jsonl(&d.join("out/shared.jsonl"));
    // Between issues of the embedded family, the shared text is the formula.
    let embedded: Vec<_> = shared
        .iter()
        .filter(|p| {
            let (a, b) = (issue(&p["a"]["id"]), issue(&p["b"]["id"]));
            matches!((&a, &b), (Some(x), Some(y)) if x.starts_with('e') && y.starts_with('e'))
        })
        .collect();
    assert!(!embedded.is_empty(), "the formula is shared text");
    assert!(
        embedded.iter().all(|p| p["kind"] == "template"),
        "{:?}",
        embedded
            .iter()
            .filter(|p| p["kind"] != "template")
            .collect::<Vec<_>>()
    );
    // The wire copies are reuse.
    assert!(
        shared
            .iter()
            .any(|p| p["a"]["id"] == "w0" && p["kind"] == "reuse")
    );
    let docs = read_jsonl(&d.join("out/documents.jsonl"));
    let mut siblings_joined = Vec::new();
    let mut copies_apart = Vec::new();
    for (i, x) in docs.iter().enumerate() {
        for y in &docs[i + 1..] {
            let (Some(ix), Some(iy)) = (issue(&x["id"]), issue(&y["id"])) else {
                continue;
            };
            for field in ["cluster", "story"] {
                if ix != iy && x[field] == y[field] {
                    siblings_joined.push((field, x["id"].clone(), y["id"].clone()));
                }
            }
            // Copies of one issue are one article.
            if ix == iy && x["cluster"] != y["cluster"] {
                copies_apart.push((x["id"].clone(), y["id"].clone()));
            }
        }
    }
    assert!(
        siblings_joined.is_empty(),
        "{} template sibling pairs joined, such as {:?}",
        siblings_joined.len(),
        &siblings_joined[..siblings_joined.len().min(6)]
    );
    assert!(
        copies_apart.is_empty(),
        "copies of one issue apart: {copies_apart:?}"
    );
    let summary = read_json(&d.join("out/summary.json"));
    assert!(
        summary["counts"]["template_sibling_pairs"]
            .as_u64()
            .unwrap()
            > 0
    );
    // The wire story is one story.
    let story = |id: &str| docs.iter().find(|x| x["id"] == id).unwrap()["story"].clone();
    assert_eq!(story("w0"), story("w1"));
    assert_eq!(story("w1"), story("w2"));
}

#[test]
fn furniture_with_a_variable_part_is_learnt_as_a_pattern() {
    // Two outlets close a fifth of their articles with a photo credit whose
    // name changes ("Photo by NAME for the Example Wire Service."). Two
    // related articles, one of each outlet, share a wire paragraph followed
    // by the same credit: the passage is the paragraph, not the credit.
    let names = [
        "Ann Lee", "Bo Park", "Cy Ode", "Di Roe", "Ed Fox", "Flo Kim", "Gus Day", "Hal Ito",
    ];
    let credit = |i: usize| {
        format!(
            "Photo by {} for the Example Wire Service.",
            names[i % names.len()]
        )
    };
    let wire = words(77, 90).join(" ");
    let mut body = String::new();
    for (o, outlet) in ["A", "B"].iter().enumerate() {
        for i in 0..20 {
            let mut text = words(1000 + (o * 100 + i) as u64, 150).join(" ");
            if i == 0 {
                text = format!(
                    "{} {wire}\n{}",
                    words(500 + o as u64, 40).join(" "),
                    credit(3)
                );
            } else if i % 4 == 1 {
                text = format!("{text}\n{}", credit(i + o));
            }
            body += &(serde_json::json!({"id": format!("{outlet}{i:02}"), "outlet": outlet, "text": text}).to_string() + "\n");
        }
    }
    let d = Dir::new();
    d.write("f.jsonl", body);
    d.run(&["analyze", "f.jsonl", "--out", "out"]).ok();
    let boilerplate = read_jsonl(&d.join("out/boilerplate.jsonl"));
    for outlet in ["A", "B"] {
        assert!(
            boilerplate.iter().any(|b| b["outlet"] == outlet
                && b["slot"] == "before"
                && b["text"].as_str().unwrap().contains("Wire Service")),
            "{boilerplate:?}"
        );
    }
    let shared = read_jsonl(&d.join("out/shared.jsonl"));
    let between: Vec<_> = shared
        .iter()
        .filter(|p| p["a"]["id"] == "A00" && p["b"]["id"] == "B00")
        .collect();
    assert!(!between.is_empty(), "the wire paragraph is shared");
    for p in &between {
        for side in ["a", "b"] {
            let text = p[side]["text"].as_str().unwrap();
            assert!(!text.contains("Wire Service"), "{text}");
        }
    }
}

#[test]
fn a_passage_stage_that_spills_to_disk_writes_the_same_files() {
    // Reworded copies (sentence keys) and templates (template wording,
    // siblings), so every sort of the stage has work.
    let d = Dir::new();
    let spec = NewsSpec {
        docs: 3_000,
        seed: 3,
        script: Script::Latin,
        rewrites: true,
        ..NewsSpec::default()
    };
    write_news_corpus(&spec, &d.join("g")).unwrap();
    // 12M: 3 MB of word records in memory and 1.5 MB per sort, against
    // about 8 MB of records and 2 MB of repeated fingerprints; the finer
    // signatures of the doubtful pairs still fit, so the duplicates are the
    // same.
    for (out, limit) in [("small", "12M"), ("large", "8G")] {
        d.run(&[
            "analyze",
            "g/corpus.jsonl",
            "--date-field",
            "date",
            "--memory-limit",
            limit,
            "--out",
            out,
        ])
        .ok();
    }
    let (small, large) = (
        read_json(&d.join("small/summary.json")),
        read_json(&d.join("large/summary.json")),
    );
    let spilled = |s: &serde_json::Value, what: &str| {
        s["passage_stage"][format!("spilled_{what}_bytes")]
            .as_u64()
            .unwrap()
    };
    // The word records went to disk (the sorts' spilling is tested below).
    assert!(spilled(&small, "words") > 5_000_000, "{small}");
    assert_eq!(
        spilled(&large, "words") + spilled(&large, "sort"),
        0,
        "{large}"
    );
    assert_eq!(small["counts"], large["counts"]);
    assert!(
        small["counts"]["passages"].as_u64().unwrap() > 500,
        "{small}"
    );
    // Every file but summary.json (which has the timings).
    assert_same_outputs(&d, "small", "large", &[]);
}

/// Asserts that the analyze output folders `x` and `y` of `d` hold the same
/// bytes in every output file but `summary.json` (timings) and `except`.
fn assert_same_outputs(d: &Dir, x: &str, y: &str, except: &[&str]) {
    for f in neardup::analyze::OUTPUT_FILES
        .iter()
        .filter(|f| **f != "summary.json" && !except.contains(*f))
    {
        let (a, b) = (
            std::fs::read(d.join(x).join(f)).unwrap(),
            std::fs::read(d.join(y).join(f)).unwrap(),
        );
        assert!(a == b, "{f} differs between {x} and {y}");
    }
}

/// The passage stage of `corpus` within `space`: its passages, boilerplate,
/// template siblings and counts (but the spilled bytes), as text.
#[test]
fn no_passage_text_leaves_out_only_the_passages_text() {
    let d = Dir::new();
    let spec = NewsSpec {
        docs: 600,
        seed: 5,
        script: Script::Latin,
        ..NewsSpec::default()
    };
    write_news_corpus(&spec, &d.join("g")).unwrap();
    d.run(&["analyze", "g/corpus.jsonl", "--out", "full"]).ok();
    d.run(&[
        "analyze",
        "g/corpus.jsonl",
        "--out",
        "bare",
        "--no-passage-text",
    ])
    .ok();
    let lines = |dir: &str| -> Vec<serde_json::Value> {
        std::fs::read_to_string(d.join(dir).join("shared.jsonl"))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let (mut full, bare) = (lines("full"), lines("bare"));
    assert!(full.len() > 50, "{}", full.len());
    for line in &mut full {
        for side in ["a", "b"] {
            let text = line[side].as_object_mut().unwrap().remove("text");
            assert!(text.is_some_and(|t| !t.as_str().unwrap().is_empty()));
        }
    }
    assert_eq!(full, bare);
    assert_same_outputs(&d, "full", "bare", &["shared.jsonl"]);
}

/// The passage stage's findings on `dir/corpus.jsonl` within `space`, with
/// their texts collected in a blob of at most `text_budget` bytes in memory:
/// all as text, the bytes of sorted runs and of texts spilled.
fn passage_stage(
    dir: &std::path::Path,
    space: &neardup::passages::Space,
    text_budget: u64,
) -> (String, u64, u64) {
    use neardup::config::Config;
    use neardup::input::{OutletFrom, resolve};
    use neardup::pipeline::{find_duplicates, read_sign_and_keep_words};
    use neardup::progress::NoProgress;
    use neardup::timings::Timings;
    // Dates are read from `date` by default.
    let config = Config::default();
    let inputs = resolve(&[dir.join("corpus.jsonl")], OutletFrom::None).unwrap();
    let mut corpus =
        read_sign_and_keep_words(&config, inputs, &NoProgress, &mut |_| Ok(())).unwrap();
    let words = corpus.words.take().unwrap();
    let dups = find_duplicates(&corpus, &config, &NoProgress, &mut Timings::default()).unwrap();
    let p = neardup::passages::find(
        &corpus.signed(),
        words,
        &dups,
        config.normalize,
        &config.passages,
        space,
        &NoProgress,
        &mut Timings::default(),
    )
    .unwrap();
    let mut stats = p.stats.clone();
    let spilled = stats.spilled_sort_bytes;
    stats.spilled_sort_bytes = 0;
    let mut text = format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
        p.passages, p.boilerplate, p.template_siblings, p.aligned, p.own_words, p.doc_words, stats
    );
    let blob = neardup::blob::Blob::new(text_budget, &space.dir, "neardup-text-");
    let rows = corpus.signed().len();
    let snippets =
        neardup::passages::snippets::Snippets::collect(&corpus, rows, &p, true, &|_| false, blob)
            .unwrap();
    for i in 0..p.passages.len() {
        text += &format!("{:?}", (snippets.side(i, false), snippets.side(i, true)));
    }
    for j in 0..p.boilerplate.len() {
        text += &format!("{:?}", snippets.example(j));
    }
    for r in 0..rows {
        text += &format!("{:?}", snippets.title(neardup::document::Row(r as u32)));
    }
    let (bytes, text_spilled) = snippets.text_bytes();
    (text, spilled, if text_spilled { bytes } else { 0 })
}

#[test]
fn sorts_and_batches_within_a_tiny_budget_find_the_same_passages() {
    let d = Dir::new();
    let spec = NewsSpec {
        docs: 2_000,
        seed: 4,
        script: Script::Arabic,
        rewrites: true,
        ..NewsSpec::default()
    };
    write_news_corpus(&spec, &d.join("g")).unwrap();
    let tmp = d.join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let unlimited = neardup::passages::Space::unlimited();
    let (all, none, no_text) = passage_stage(&d.join("g"), &unlimited, u64::MAX);
    assert_eq!((none, no_text), (0, 0));
    // 64 KiB per sort, batches of a few hundred documents, and every text
    // on disk.
    let small = neardup::passages::Space::new(u64::MAX, 64 << 10, 2 << 20, tmp.clone());
    let (spilled, bytes, text_bytes) = passage_stage(&d.join("g"), &small, 0);
    assert!(bytes > 1_000_000, "{bytes}");
    assert!(text_bytes > 100_000, "{text_bytes}");
    assert!(all.len() > 10_000 && all == spilled, "the passages differ");
    // Every run file was removed.
    assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0);
}
