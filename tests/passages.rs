//! Shared-passage quality on generated news corpora with planted reuse
//! (copied sentences and paragraphs with rewriting-desk edits, a wire story,
//! stock phrases, per-outlet boilerplate), scored character by character
//! against the planted truth. The bars are the acceptance bars.
//!
//! With rewrites on, copies are also planted with their words shuffled
//! within sentences, phrases moved within paragraphs, a third of their
//! content words replaced by synonyms, or condensed into a paraphrase; those
//! corpora are scored with PAN's measures (Potthast et al. 2010).

use neardup_testkit::pan::{PanReport, pan_eval};
use neardup_testkit::{NewsSpec, PassageQuality, Script, passage_quality, write_news_corpus};

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

/// A corpus with one planted template: a congratulation formula with
/// slots (title, name, country, occasion) run by 8 outlets over 12 days,
/// each time inside an article of its own; plus a wire story copied by
/// three outlets on one day. Returns the JSONL and the template documents'
/// ids.
fn template_corpus() -> (String, Vec<String>) {
    let mut state = 5u64;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize
    };
    let syll = [
        "ka", "lo", "mi", "ren", "tas", "vu", "zen", "pri", "dol", "sek", "ar", "bo",
    ];
    // Words of a vocabulary of some thousands, so unrelated texts share few
    // character shingles, as real ones do.
    let mut word = || {
        let n = next();
        let stem: String = (0..2 + n % 2)
            .map(|i| syll[(n >> (i * 4 + 3)) % syll.len()])
            .collect();
        format!(
            "{stem}{}",
            syll[(n >> 20) % syll.len()].repeat(1 + (n >> 24) % 2)
        )
    };
    let mut prose = |n: usize| (0..n).map(|_| word()).collect::<Vec<_>>().join(" ");
    let countries = [
        "Norway", "Chile", "Kenya", "Peru", "Japan", "Ghana", "Nepal", "Fiji", "Oman", "Laos",
        "Chad", "Mali",
    ];
    let names = [
        "Adams", "Baker", "Costa", "Dubois", "Eriksen", "Fofana", "Garcia", "Hoshino", "Ibrahim",
        "Jensen", "Kato", "Lopez",
    ];
    let occasions = [
        "the national day",
        "the independence day",
        "the anniversary of the republic",
    ];
    let mut lines = Vec::new();
    let mut ids = Vec::new();
    for k in 0..24 {
        // Every issue of the formula has its own slots.
        let (c, n, o) = (
            countries[k % 12],
            names[(k * 5 + k / 12) % 12],
            occasions[(k + k / 12) % 3],
        );
        let formula = format!(
            "The king sent a cable of congratulation to President {n} of {c} on the occasion of \
             {o} of {c}, in which he expressed in his own name and in the name of the people and \
             the government of the kingdom his sincerest congratulations and best wishes for good \
             health and happiness to the president and for further progress and prosperity to \
             the friendly people of {c}."
        );
        let text = format!("{}. {formula} {}.", prose(70), prose(70));
        let id = format!("t{k:02}");
        lines.push(serde_json::json!({
            "id": id, "source": format!("outlet{}", k % 8),
            "date": format!("2024-03-{:02}", 1 + (k % 12) * 2), "text": text,
        }));
        ids.push(id);
    }
    let wire = format!("{}. {}. {}.", prose(60), prose(60), prose(60));
    for k in 0..3 {
        lines.push(serde_json::json!({
            "id": format!("w{k}"), "source": format!("outlet{k}"), "date": "2024-03-05",
            "text": format!("{} {wire}", prose(20)),
        }));
    }
    for k in 0..30 {
        lines.push(serde_json::json!({
            "id": format!("x{k:02}"), "source": format!("outlet{}", k % 8),
            "date": format!("2024-03-{:02}", 1 + k % 28), "text": prose(150),
        }));
    }
    let body = lines.iter().map(|l| format!("{l}\n")).collect();
    (body, ids)
}

#[test]
fn a_planted_template_is_reported_as_template_and_links_no_story() {
    let d = Dir::new();
    let (body, ids) = template_corpus();
    d.write("t.jsonl", body);
    d.run(&["analyze", "t.jsonl", "--out", "out", "--date-field", "date"])
        .ok();
    let is_template_doc = |id: &serde_json::Value| ids.iter().any(|t| id == t);
    let shared = read_jsonl(&d.join("out/shared.jsonl"));
    let between: Vec<_> = shared
        .iter()
        .filter(|p| is_template_doc(&p["a"]["id"]) && is_template_doc(&p["b"]["id"]))
        .collect();
    assert!(!between.is_empty(), "the formula is shared text");
    assert!(
        between.iter().all(|p| p["kind"] == "template"),
        "{:?}",
        between
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
    // No two template siblings in one cluster or story.
    let docs = read_jsonl(&d.join("out/documents.jsonl"));
    let of = |field: &str| -> Vec<String> {
        docs.iter()
            .filter(|x| is_template_doc(&x["id"]))
            .map(|x| x[field].as_str().unwrap().to_string())
            .collect()
    };
    for field in ["cluster", "story"] {
        let mut v = of(field);
        v.sort();
        let n = v.len();
        v.dedup();
        assert_eq!(v.len(), n, "template siblings share a {field}");
    }
    // The wire story is one story.
    let story = |id: &str| docs.iter().find(|x| x["id"] == id).unwrap()["story"].clone();
    assert_eq!(story("w0"), story("w1"));
    assert_eq!(story("w1"), story("w2"));
}
