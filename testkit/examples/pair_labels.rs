//! Scores an analyze output folder against the hand-labelled pairs of
//! `testkit/labels/pairs.jsonl` (issue 12), for one corpus:
//!
//! ```text
//! pair_labels LABELS CORPUS OUT_DIR      # CORPUS: saudinewsnet | allsides-dev
//! ```
//!
//! - clusters: a pair is predicted when both documents are in one
//!   near-duplicate cluster; true when labelled `same_article`;
//! - stories: predicted when in one story; precision against `same_article`
//!   or `same_event`, recall on the pairs of one story (`same_article` or
//!   `same_event`) whose shared text is `reuse` — the pairs a text-based
//!   method can find. A second row gives recall on every pair sharing reused
//!   text, `related` ones included (a follow-up that re-uses a paragraph of
//!   another event): those count against precision when found and against
//!   that recall when not, so no output can score well on both;
//! - passages: predicted when `shared.jsonl` has a passage between them of
//!   kind `reuse` or `quote` (not `template`; any passage when the output
//!   has no `kind`); true when the shared text is `reuse` (quotes included).
//!   Passages are reported between outlets: the first row scores the pairs
//!   of two different outlets, the second every pair (a pair of one outlet
//!   is in a near-duplicate cluster or a story, never in `shared.jsonl`).
//!
//! Figures are over the labelled sample as drawn (stratified, unweighted).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use neardup_testkit::each_json_line;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

#[derive(Deserialize)]
struct Label {
    corpus: String,
    a: String,
    b: String,
    a_outlet: String,
    b_outlet: String,
    relation: String,
    shared_text: String,
}

fn fail(msg: &str) -> ! {
    eprintln!("{msg}");
    std::process::exit(2)
}

/// The JSON lines of `path`; a bad line stops the scorer naming its file and
/// line.
fn lines<T: DeserializeOwned>(path: &Path) -> Vec<T> {
    let mut out = Vec::new();
    each_json_line(path, |v| out.push(v)).unwrap_or_else(|e| fail(&e.to_string()));
    out
}

/// Precision and recall of `predicted` against `truth` over `pairs`
/// (recall over the pairs where `relevant`).
fn pr(pairs: &[(bool, bool, bool)]) -> (f64, f64, usize, usize) {
    let predicted = pairs.iter().filter(|p| p.0).count();
    let correct = pairs.iter().filter(|p| p.0 && p.1).count();
    let relevant = pairs.iter().filter(|p| p.2).count();
    let found = pairs.iter().filter(|p| p.0 && p.2).count();
    let div = |a: usize, b: usize| {
        if b == 0 {
            f64::NAN
        } else {
            a as f64 / b as f64
        }
    };
    (
        div(correct, predicted),
        div(found, relevant),
        predicted,
        relevant,
    )
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() != 3 {
        fail("usage: pair_labels LABELS CORPUS OUT_DIR");
    }
    let (labels, corpus, out) = (Path::new(&args[0]), &args[1], Path::new(&args[2]));
    let labels: Vec<Label> = lines(labels)
        .into_iter()
        .filter(|l: &Label| &l.corpus == corpus)
        .collect();
    let wanted: HashSet<&str> = labels
        .iter()
        .flat_map(|l| [l.a.as_str(), l.b.as_str()])
        .collect();
    let mut cluster = HashMap::new();
    let mut story = HashMap::new();
    for d in lines::<Value>(&out.join("documents.jsonl")) {
        let id = d["id"].as_str().unwrap_or_default().to_string();
        if wanted.contains(id.as_str()) {
            cluster.insert(id.clone(), d["cluster"].clone());
            story.insert(id, d["story"].clone());
        }
    }
    let mut passages: HashSet<(String, String)> = HashSet::new();
    for p in lines::<Value>(&out.join("shared.jsonl")) {
        if p["kind"].as_str() == Some("template") {
            continue;
        }
        let (a, b) = (
            p["a"]["id"].as_str().unwrap_or_default(),
            p["b"]["id"].as_str().unwrap_or_default(),
        );
        if wanted.contains(a) && wanted.contains(b) {
            passages.insert((a.min(b).to_string(), a.max(b).to_string()));
        }
    }
    let same = |m: &HashMap<String, Value>, l: &Label| matches!((m.get(&l.a), m.get(&l.b)), (Some(x), Some(y)) if !x.is_null() && x == y);
    let reuse = |l: &Label| l.shared_text == "reuse";
    let clusters: Vec<_> = labels
        .iter()
        .map(|l| {
            (
                same(&cluster, l),
                l.relation == "same_article",
                l.relation == "same_article",
            )
        })
        .collect();
    let one_story = |l: &Label| matches!(l.relation.as_str(), "same_article" | "same_event");
    let stories: Vec<_> = labels
        .iter()
        .map(|l| (same(&story, l), one_story(l), reuse(l) && one_story(l)))
        .collect();
    let stories_all: Vec<_> = labels
        .iter()
        .map(|l| (same(&story, l), one_story(l), reuse(l)))
        .collect();
    let found = |l: &Label| {
        let key = (l.a.clone().min(l.b.clone()), l.a.clone().max(l.b.clone()));
        passages.contains(&key)
    };
    let shared_all: Vec<_> = labels
        .iter()
        .map(|l| (found(l), reuse(l), reuse(l)))
        .collect();
    let shared: Vec<_> = labels
        .iter()
        .filter(|l| l.a_outlet != l.b_outlet)
        .map(|l| (found(l), reuse(l), reuse(l)))
        .collect();
    println!("{corpus}: {} labelled pairs", labels.len());
    println!("| level | precision | recall | predicted | relevant |");
    println!("|---|---:|---:|---:|---:|");
    for (name, v) in [
        ("clusters (same_article)", &clusters),
        (
            "stories (same article or event; recall on those sharing reuse)",
            &stories,
        ),
        ("stories, recall on every pair sharing reuse", &stories_all),
        ("passages (reuse), pairs of two outlets", &shared),
        ("passages (reuse), every pair", &shared_all),
    ] {
        let (p, r, np, nr) = pr(v);
        println!("| {name} | {p:.3} | {r:.3} | {np} | {nr} |");
    }
}
