use super::*;
use std::collections::HashSet;

fn texts() -> HashMap<String, String> {
    let mut t = HashMap::new();
    t.insert("A".to_string(), "x".repeat(200));
    t.insert("B".to_string(), "y".repeat(200));
    // 100 Arabic letters of two bytes each.
    t.insert("C".to_string(), "ب".repeat(100));
    t
}

fn case(a: &str, sa: [usize; 2], b: &str, sb: [usize; 2], kind: &str) -> PanCase {
    PanCase {
        a: a.into(),
        b: b.into(),
        a_spans: vec![sa],
        b_spans: vec![sb],
        kind: kind.into(),
    }
}

fn det(a: &str, sa: [usize; 2], b: &str, sb: [usize; 2]) -> PanDetection {
    PanDetection {
        a: a.into(),
        a_span: sa,
        b: b.into(),
        b_span: sb,
    }
}

fn close(x: f64, y: f64) {
    assert!((x - y).abs() < 1e-12, "{x} != {y}");
}

#[test]
fn perfect_detection() {
    let cases = [case("A", [0, 100], "B", [0, 100], "t")];
    // Reported the other way round: still the same pair.
    let s = pan_score(&texts(), &cases, &[det("B", [0, 100], "A", [0, 100])]);
    assert_eq!((s.cases, s.detections, s.detected_cases), (1, 1, 1));
    for v in [s.precision, s.recall, s.granularity, s.plagdet] {
        close(v, 1.0);
    }
    for v in [s.macro_precision, s.macro_recall, s.macro_plagdet] {
        close(v, 1.0);
    }
}

#[test]
fn split_detection_has_granularity_two() {
    let cases = [case("A", [0, 100], "B", [0, 100], "t")];
    let dets = [
        det("A", [0, 50], "B", [0, 50]),
        det("A", [50, 100], "B", [50, 100]),
    ];
    let s = pan_score(&texts(), &cases, &dets);
    close(s.precision, 1.0);
    close(s.recall, 1.0);
    close(s.granularity, 2.0);
    close(s.plagdet, 1.0 / 3f64.log2());
    close(s.plagdet, 0.630_929_753_571_457_4);
}

#[test]
fn partial_overlap() {
    let cases = [case("A", [0, 100], "B", [0, 100], "t")];
    // 75 + 80 characters in common, 180 detected, 200 planted.
    let s = pan_score(&texts(), &cases, &[det("A", [25, 125], "B", [0, 80])]);
    close(s.precision, 155.0 / 180.0);
    close(s.recall, 155.0 / 200.0);
    close(s.granularity, 1.0);
    close(s.plagdet, 310.0 / 380.0);
    close(s.macro_precision, 155.0 / 180.0);
    close(s.macro_recall, 0.775);
}

#[test]
fn overlap_on_one_side_only_detects_nothing() {
    let cases = [case("A", [0, 100], "B", [0, 100], "t")];
    let one_sided = det("A", [0, 100], "B", [150, 200]);
    let s = pan_score(&texts(), &cases, std::slice::from_ref(&one_sided));
    assert_eq!(s.detected_cases, 0);
    close(s.precision, 0.0);
    close(s.recall, 0.0);
    close(s.granularity, 1.0);
    close(s.plagdet, 0.0);
    // With a perfect detection besides: 200 of 100 + 150 detected characters.
    let dets = [det("A", [0, 100], "B", [0, 100]), one_sided];
    let s = pan_score(&texts(), &cases, &dets);
    close(s.precision, 0.8);
    close(s.recall, 1.0);
    close(s.granularity, 1.0);
    close(s.plagdet, 2.0 * 0.8 / 1.8);
    close(s.macro_precision, 0.5);
}

#[test]
fn characters_not_bytes() {
    // C[0, 200) is 100 characters; the detection covers its first 50.
    let cases = [case("C", [0, 200], "A", [0, 100], "t")];
    let s = pan_score(&texts(), &cases, &[det("C", [0, 100], "A", [0, 100])]);
    close(s.precision, 1.0);
    close(s.recall, 150.0 / 200.0);
}

#[test]
fn no_detections_and_no_cases() {
    let cases = [case("A", [0, 100], "B", [0, 100], "t")];
    let s = pan_score(&texts(), &cases, &[]);
    assert_eq!(s.detections, 0);
    close(s.plagdet, 0.0);
    let s = pan_score(&texts(), &[], &[det("A", [0, 10], "B", [0, 10])]);
    close(s.precision, 0.0);
    close(s.recall, 0.0);
}

#[test]
fn report_by_type_and_outside_truth() {
    let cases = [
        case("A", [0, 100], "B", [0, 100], "one"),
        case("A", [0, 100], "C", [0, 200], "two"),
    ];
    let dets = [
        det("A", [0, 100], "B", [0, 100]),
        det("B", [0, 10], "C", [0, 20]),
    ];
    let r = pan_report(&texts(), &cases, &dets);
    assert_eq!(r.outside_truth, 1);
    assert_eq!(r.overall.cases, 2);
    assert_eq!(r.overall.detections, 2);
    close(r.overall.recall, 200.0 / 400.0);
    close(r.overall.precision, 200.0 / 220.0);
    close(r.by_type["one"].plagdet, 1.0);
    assert_eq!(r.by_type["two"].detections, 0);
    close(r.by_type["two"].recall, 0.0);
    let table = r.table();
    assert!(table.contains("| one | 1 | 1 | 1.000 | 1.000 | 1.000 | 1.000 |"));
    assert!(table.lines().last().unwrap().starts_with("| all | 2 | 1 |"));
}

#[test]
fn covered_share_counts_only_the_pair() {
    let dets = [
        det("A", [0, 50], "B", [0, 50]),
        det("B", [0, 10], "A", [40, 100]),
        det("A", [150, 200], "C", [0, 10]),
    ];
    close(covered_share(&texts(), "A", "B", &dets), 100.0 / 200.0);
    close(covered_share(&texts(), "C", "A", &dets), 5.0 / 100.0);
    close(covered_share(&texts(), "Z", "A", &dets), 0.0);
}

fn words(text: &str) -> Vec<String> {
    let mut w: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    w.sort_unstable();
    w
}

/// A small corpus with rewrites: every kind is planted, the rest of the
/// corpus is as without rewrites, the truth ranges are exact (a perfect
/// detector scores 1).
#[test]
fn generated_rewrites() {
    use crate::{NewsSpec, Script, news_corpus, write_news_corpus};
    let spec = NewsSpec {
        docs: 600,
        seed: 5,
        script: Script::Latin,
        rewrites: true,
        ..NewsSpec::default()
    };
    let dir = tempfile::tempdir().unwrap();
    write_news_corpus(&spec, dir.path()).unwrap();
    let cases = read_news_cases(dir.path()).unwrap();
    let off = news_corpus(&NewsSpec {
        rewrites: false,
        ..spec.clone()
    });
    let texts = read_texts(&dir.path().join("corpus.jsonl")).unwrap();
    let rewritten: HashSet<&str> = cases
        .iter()
        .filter(|c| crate::rewrite::REWRITES.iter().any(|r| r.name() == c.kind))
        .map(|c| c.b.as_str())
        .collect();
    assert!(rewritten.len() > 80, "{}", rewritten.len());
    for d in &off.docs {
        assert_eq!(texts[&d.id] == d.text, !rewritten.contains(d.id.as_str()));
    }
    let span = |id: &str, s: &[[usize; 2]]| texts[id][s[0][0]..s[0][1]].to_string();
    let mut dets = Vec::new();
    for c in cases
        .iter()
        .filter(|c| c.a_spans.len() == 1 && c.b_spans.len() == 1)
    {
        if c.kind == "word_shuffle" || c.kind == "phrase_move" {
            assert_eq!(
                words(&span(&c.a, &c.a_spans)),
                words(&span(&c.b, &c.b_spans))
            );
        }
        dets.push(det(&c.a, c.a_spans[0], &c.b, c.b_spans[0]));
    }
    assert!(dets.len() * 10 >= cases.len() * 9);
    let single: Vec<PanCase> = cases
        .iter()
        .filter(|c| c.a_spans.len() == 1 && c.b_spans.len() == 1)
        .cloned()
        .collect();
    let r = pan_report(&texts, &single, &dets);
    for kind in [
        "word_shuffle",
        "phrase_move",
        "synonyms",
        "paraphrase",
        "desk",
        "wire",
    ] {
        close(r.by_type[kind].plagdet, 1.0);
    }
    close(r.overall.plagdet, 1.0);
}
