//! The seed corpus expectations of SPEC.md, end to end.

use std::path::Path;

use crate::util::*;

fn seed_texts() -> Vec<(String, String)> {
    let mut v: Vec<_> = std::fs::read_dir(seeds())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    v.sort();
    v.iter()
        .map(|p| {
            (
                p.file_stem().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(p).unwrap(),
            )
        })
        .collect()
}

#[test]
fn altered_copies_join_their_originals() {
    let d = Dir::new();
    let seeds = seed_texts();
    for (i, (id, text)) in seeds.iter().enumerate() {
        d.write(&format!("c/{id}.txt"), text);
        let copy = neardup_testkit::alter_arabic(text, 100 + i as u64, 5);
        assert_ne!(&copy, text);
        d.write(&format!("c/z_copy_of_{id}.txt"), copy);
    }
    d.run(&["analyze", "c", "--out", "out"]).ok();
    let docs = read_jsonl(&d.join("out/documents.jsonl"));
    assert_eq!(docs.len(), 10);
    let cluster = |id: &str| {
        docs.iter()
            .find(|d| d["id"] == id)
            .unwrap_or_else(|| panic!("{id} missing"))["cluster"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let mut originals = std::collections::HashSet::new();
    for (id, _) in &seeds {
        assert_eq!(cluster(id), *id, "an original is kept in its own cluster");
        assert_eq!(
            cluster(&format!("z_copy_of_{id}")),
            *id,
            "the copy of {id} joins it"
        );
        originals.insert(cluster(id));
    }
    assert_eq!(originals.len(), 5);
}

fn analyze_seeds(d: &Dir) -> &Path {
    let seeds = seeds();
    d.run(&["analyze", seeds.to_str().unwrap(), "--out", "out"])
        .ok();
    d.path()
}

const A: &str = "000_a6270511e6b8fb87";
const B: &str = "002_8cef7475aeed4c23";

#[test]
fn one_story_joins_000_and_002() {
    let d = Dir::new();
    let out = analyze_seeds(&d).join("out");
    let docs = read_jsonl(&out.join("documents.jsonl"));
    let story: Vec<(&str, &str)> = docs
        .iter()
        .map(|d| (d["id"].as_str().unwrap(), d["story"].as_str().unwrap()))
        .collect();
    assert_eq!(
        story,
        [
            (A, A),
            ("001_c29349fac5246de1", "001_c29349fac5246de1"),
            (B, A),
            ("003_75a2d3ca4480b169", "003_75a2d3ca4480b169"),
            ("004_e5f77110d2edc0ef", "004_e5f77110d2edc0ef"),
        ]
    );
    let summary = read_json(&out.join("summary.json"));
    assert_eq!(summary["counts"]["stories"], 4);
    assert_eq!(summary["counts"]["clusters"], 5);
    let pairs = read_jsonl(&out.join("pairs.jsonl"));
    assert!(
        pairs
            .iter()
            .any(|p| p["a"] == A && p["b"] == B && p["level"] == "story")
    );
}

#[test]
fn shared_passages_are_the_expected_ones_with_exact_offsets() {
    let d = Dir::new();
    let out = analyze_seeds(&d).join("out");
    let passages = read_jsonl(&out.join("shared.jsonl"));
    assert!(!passages.is_empty());
    let text_of = |id: &str| std::fs::read_to_string(seeds().join(format!("{id}.txt"))).unwrap();
    for p in &passages {
        // Only between 000 and 002: stock phrases shared by 003 and 004 are not reuse.
        assert_eq!(
            (p["a"]["id"].as_str(), p["b"]["id"].as_str()),
            (Some(A), Some(B)),
            "{p}"
        );
        for side in ["a", "b"] {
            let s = &p[side];
            let text = text_of(s["id"].as_str().unwrap());
            let (start, end) = (
                s["start"].as_u64().unwrap() as usize,
                s["end"].as_u64().unwrap() as usize,
            );
            assert_eq!(
                &text[start..end],
                s["text"].as_str().unwrap(),
                "offsets are exact"
            );
            let (ss, se) = (
                s["sentence_start"].as_u64().unwrap() as usize,
                s["sentence_end"].as_u64().unwrap() as usize,
            );
            assert!(ss <= start && end <= se && se <= text.len());
            for furniture in [
                "زر الذهاب إلى الأعلى",
                "مقالات ذات صلة",
                "/انتهى/",
                "شارك المقال",
            ] {
                assert!(
                    !s["text"].as_str().unwrap().contains(furniture),
                    "{furniture} in a passage"
                );
            }
        }
    }
    let covers = |needle: &str| {
        passages.iter().any(|p| {
            ["a", "b"]
                .iter()
                .all(|side| p[side]["text"].as_str().unwrap().contains(needle))
        })
    };
    assert!(covers(
        "في غاية الأهمية وتأتي في التوقيت المناسب في ظل الوضع الدولي المتقلب"
    ));
    // The second passage: one passage on both sides, interrupted in 002 by an aside.
    assert!(passages.iter().any(|p| {
        ["a", "b"].iter().all(|side| {
            let t = p[side]["text"].as_str().unwrap();
            t.contains("التعاون بين القوات المسلحة الروسية وجيش التحرير الشعبي الصيني")
                && t.contains("يتمتع بمستوى عالٍ من التنظيم")
        })
    }));
    let outlets = std::fs::read_to_string(out.join("outlets.csv")).unwrap();
    assert_eq!(
        outlets.lines().count(),
        3,
        "header + both directions of 000/002:\n{outlets}"
    );
}
