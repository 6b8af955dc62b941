//! PAN's character-level measures of text-reuse detection (Potthast, Stein,
//! Barrón-Cedeño and Rosso, "An Evaluation Framework for Plagiarism
//! Detection", COLING 2010).
//!
//! A **case** `s` (planted reuse) and a **detection** `r` (a predicted
//! passage) are sets of characters on both documents of a pair. `r`
//! *detects* `s` when they are on the same pair of documents and overlap on
//! both sides; `s ⊓ r` is then `s ∩ r`, and empty otherwise. With `S` the
//! cases, `R` the detections and `S_R` the detected cases:
//!
//! - micro-averaged **precision** `|⋃ (s ⊓ r)| / |⋃ r|` and **recall**
//!   `|⋃ (s ⊓ r)| / |⋃ s|` (characters counted once per document pair);
//! - macro-averaged precision `1/|R| Σ_r |⋃_s (s ⊓ r)| / |r|` and recall
//!   `1/|S| Σ_s |⋃_r (s ⊓ r)| / |s|` (the 2010 paper's definitions);
//! - **granularity** `1/|S_R| Σ_{s ∈ S_R} |R_s|`, the mean number of
//!   detections per detected case (1 when none is detected);
//! - **plagdet** `F1 / log2(1 + granularity)`, F1 of precision and recall
//!   (micro for `plagdet`, macro for `macro_plagdet`).
//!
//! Characters, not bytes, so Arabic and Latin weigh alike. As in PAN's
//! evaluation code, precision is 0 without detections and recall 0 without
//! cases.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::passage_quality::{Iv, SharedLine, TruthLine, chars, intersect, union};
use super::quality::lines;
use neardup::error::Result;

/// A planted case: byte spans on both documents.
#[derive(Clone, Debug, PartialEq)]
pub struct PanCase {
    /// Source document id.
    pub a: String,
    /// Copy document id.
    pub b: String,
    /// Byte spans `[start, end)` on `a`.
    pub a_spans: Vec<[usize; 2]>,
    /// Byte spans on `b`.
    pub b_spans: Vec<[usize; 2]>,
    /// Its edit type (what the scores are broken down by).
    pub kind: String,
}

/// A detection (one line of `shared.jsonl`): a byte span on each document.
#[derive(Clone, Debug, PartialEq)]
pub struct PanDetection {
    /// Document id of one side.
    pub a: String,
    /// Byte span on `a`.
    pub a_span: [usize; 2],
    /// Document id of the other side.
    pub b: String,
    /// Byte span on `b`.
    pub b_span: [usize; 2],
}

/// PAN scores of a set of detections against a set of cases.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PanScore {
    /// Cases.
    pub cases: u64,
    /// Detections.
    pub detections: u64,
    /// Cases detected by at least one detection.
    pub detected_cases: u64,
    /// Micro-averaged character precision.
    pub precision: f64,
    /// Micro-averaged character recall.
    pub recall: f64,
    /// Mean detections per detected case.
    pub granularity: f64,
    /// F1 of micro precision and recall over log2(1 + granularity).
    pub plagdet: f64,
    /// Macro-averaged precision (mean over detections).
    pub macro_precision: f64,
    /// Macro-averaged recall (mean over cases).
    pub macro_recall: f64,
    /// F1 of the macro measures over log2(1 + granularity).
    pub macro_plagdet: f64,
}

/// Scores overall and by edit type.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PanReport {
    /// All cases and all detections.
    pub overall: PanScore,
    /// By case kind: its cases and the detections on their document pairs.
    pub by_type: BTreeMap<String, PanScore>,
    /// Detections between documents with no case.
    pub outside_truth: u64,
}

/// The intervals of a case or detection on a document pair `(x, y)`,
/// `x < y`.
#[derive(Clone, Debug, Default)]
struct Sides {
    x: Vec<Iv>,
    y: Vec<Iv>,
}

type Pair = (String, String);

fn ivs(spans: &[[usize; 2]]) -> Vec<Iv> {
    union(spans.iter().map(|&[s, e]| (s, e)).collect())
}

/// The pair key and the sides, oriented so that `x < y`.
fn orient(a: &str, sa: Vec<Iv>, b: &str, sb: Vec<Iv>) -> (Pair, Sides) {
    if a <= b {
        ((a.to_string(), b.to_string()), Sides { x: sa, y: sb })
    } else {
        ((b.to_string(), a.to_string()), Sides { x: sb, y: sa })
    }
}

/// Sums over document pairs.
#[derive(Default)]
struct Sums {
    hit: usize,
    case_chars: usize,
    det_chars: usize,
    macro_p: f64,
    macro_r: f64,
    detections: u64,
    cases: u64,
    detected: u64,
    detecting: u64,
}

/// Adds one document pair's cases and detections to the sums.
fn score_pair(tx: &str, ty: &str, cases: &[Sides], dets: &[Sides], sums: &mut Sums) {
    let size = |s: &Sides| chars(tx, &s.x) + chars(ty, &s.y);
    // The share of `total` characters the ranges of `hit` cover (their
    // union); nothing for an empty side.
    let share = |hit: Sides, total: usize| {
        if total == 0 {
            return 0.0;
        }
        let got = size(&Sides {
            x: union(hit.x),
            y: union(hit.y),
        });
        got as f64 / total as f64
    };
    let meet = |s: &Sides, r: &Sides| Sides {
        x: intersect(&s.x, &r.x),
        y: intersect(&s.y, &r.y),
    };
    let detects = |m: &Sides| !m.x.is_empty() && !m.y.is_empty();
    let (mut hit, mut all_s, mut all_r) = (Sides::default(), Sides::default(), Sides::default());
    let mut per_r: Vec<Sides> = vec![Sides::default(); dets.len()];
    for s in cases {
        all_s.x.extend(&s.x);
        all_s.y.extend(&s.y);
        let mut per_s = Sides::default();
        let mut count = 0;
        for (r, acc) in dets.iter().zip(per_r.iter_mut()) {
            let m = meet(s, r);
            if detects(&m) {
                count += 1;
                for side in [&mut per_s, acc, &mut hit] {
                    side.x.extend(&m.x);
                    side.y.extend(&m.y);
                }
            }
        }
        sums.macro_r += share(per_s, size(s));
        sums.cases += 1;
        sums.detected += u64::from(count > 0);
        sums.detecting += count;
    }
    for (r, acc) in dets.iter().zip(per_r) {
        all_r.x.extend(&r.x);
        all_r.y.extend(&r.y);
        sums.macro_p += share(acc, size(r));
        sums.detections += 1;
    }
    let merged = |s: Sides| {
        size(&Sides {
            x: union(s.x),
            y: union(s.y),
        })
    };
    sums.hit += merged(hit);
    sums.case_chars += merged(all_s);
    sums.det_chars += merged(all_r);
}

fn div(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { 0.0 }
}

fn plagdet(p: f64, r: f64, gran: f64) -> f64 {
    if p + r <= 0.0 {
        return 0.0;
    }
    2.0 * p * r / (p + r) / (1.0 + gran).log2()
}

impl Sums {
    fn score(&self) -> PanScore {
        let precision = div(self.hit as f64, self.det_chars as f64);
        let recall = div(self.hit as f64, self.case_chars as f64);
        let granularity = if self.detected == 0 {
            1.0
        } else {
            self.detecting as f64 / self.detected as f64
        };
        let macro_precision = div(self.macro_p, self.detections as f64);
        let macro_recall = div(self.macro_r, self.cases as f64);
        PanScore {
            cases: self.cases,
            detections: self.detections,
            detected_cases: self.detected,
            precision,
            recall,
            granularity,
            plagdet: plagdet(precision, recall, granularity),
            macro_precision,
            macro_recall,
            macro_plagdet: plagdet(macro_precision, macro_recall, granularity),
        }
    }
}

/// PAN scores of `dets` against `cases`; `texts` maps document ids to their
/// texts (a missing text counts as empty).
pub fn pan_score(
    texts: &HashMap<String, String>,
    cases: &[PanCase],
    dets: &[PanDetection],
) -> PanScore {
    let mut pairs: BTreeMap<Pair, (Vec<Sides>, Vec<Sides>)> = BTreeMap::new();
    for c in cases {
        let (k, s) = orient(&c.a, ivs(&c.a_spans), &c.b, ivs(&c.b_spans));
        pairs.entry(k).or_default().0.push(s);
    }
    for d in dets {
        let (k, s) = orient(&d.a, ivs(&[d.a_span]), &d.b, ivs(&[d.b_span]));
        pairs.entry(k).or_default().1.push(s);
    }
    let empty = String::new();
    let text = |id: &str| texts.get(id).unwrap_or(&empty);
    let mut sums = Sums::default();
    for ((x, y), (cs, ds)) in &pairs {
        score_pair(text(x), text(y), cs, ds, &mut sums);
    }
    sums.score()
}

fn pair_of(a: &str, b: &str) -> Pair {
    orient(a, Vec::new(), b, Vec::new()).0
}

/// Scores overall and by case kind (a kind's detections are those on the
/// document pairs of its cases).
pub fn pan_report(
    texts: &HashMap<String, String>,
    cases: &[PanCase],
    dets: &[PanDetection],
) -> PanReport {
    let mut kinds: BTreeMap<&str, HashSet<Pair>> = BTreeMap::new();
    for c in cases {
        kinds
            .entry(&c.kind)
            .or_default()
            .insert(pair_of(&c.a, &c.b));
    }
    let truth: HashSet<Pair> = kinds.values().flatten().cloned().collect();
    let by_type = kinds
        .iter()
        .map(|(&kind, pairs)| {
            let cs: Vec<PanCase> = cases.iter().filter(|c| c.kind == kind).cloned().collect();
            let ds: Vec<PanDetection> = dets
                .iter()
                .filter(|d| pairs.contains(&pair_of(&d.a, &d.b)))
                .cloned()
                .collect();
            (kind.to_string(), pan_score(texts, &cs, &ds))
        })
        .collect();
    PanReport {
        overall: pan_score(texts, cases, dets),
        by_type,
        outside_truth: dets
            .iter()
            .filter(|d| !truth.contains(&pair_of(&d.a, &d.b)))
            .count() as u64,
    }
}

impl PanReport {
    /// A markdown table: one row per kind, then `all`.
    pub fn table(&self) -> String {
        let mut out = String::from(
            "| edit type | cases | detected | precision | recall | granularity | plagdet |\n\
             |---|---:|---:|---:|---:|---:|---:|\n",
        );
        let rows = self.by_type.iter().map(|(k, s)| (k.as_str(), s));
        for (k, s) in rows.chain([("all", &self.overall)]) {
            out.push_str(&format!(
                "| {k} | {} | {} | {:.3} | {:.3} | {:.3} | {:.3} |\n",
                s.cases, s.detected_cases, s.precision, s.recall, s.granularity, s.plagdet
            ));
        }
        out
    }
}

fn id_string(v: serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    }
}

/// The detections of an analyze output folder (its `shared.jsonl`).
pub fn read_detections(analyze_out: &Path) -> Result<Vec<PanDetection>> {
    let mut dets = Vec::new();
    lines(&analyze_out.join("shared.jsonl"), |s: SharedLine| {
        dets.push(PanDetection {
            a: s.a.id,
            a_span: [s.a.start, s.a.end],
            b: s.b.id,
            b_span: [s.b.start, s.b.end],
        })
    })?;
    Ok(dets)
}

#[derive(Deserialize)]
struct CorpusDoc {
    id: serde_json::Value,
    text: String,
}

/// The texts of a JSONL corpus (`{"id", "text", …}` lines) by id.
pub fn read_texts(corpus: &Path) -> Result<HashMap<String, String>> {
    let mut texts = HashMap::new();
    lines(corpus, |d: CorpusDoc| {
        texts.insert(id_string(d.id), d.text);
    })?;
    Ok(texts)
}

/// The edit type of a planted relation: its rewrite, `wire`, `verbatim`
/// (no edit at all) or `desk` (the desk edits of `edits`).
fn edit_type(t: &TruthLine) -> String {
    match &t.rewrite {
        Some(r) => r.clone(),
        None if t.kind == "wire" => "wire".to_string(),
        None if t.edits.is_empty() => "verbatim".to_string(),
        None => "desk".to_string(),
    }
}

/// The planted cases of a folder written by [`super::write_news_corpus`]
/// (its `passages.jsonl`), with their edit types.
pub fn read_news_cases(corpus_dir: &Path) -> Result<Vec<PanCase>> {
    let mut cases = Vec::new();
    lines(&corpus_dir.join("passages.jsonl"), |t: TruthLine| {
        let kind = edit_type(&t);
        cases.push(PanCase {
            a: t.a,
            b: t.b,
            a_spans: t.a_spans,
            b_spans: t.b_spans,
            kind,
        })
    })?;
    Ok(cases)
}

/// PAN scores of an analyze output folder against a generated news corpus.
pub fn pan_eval(corpus_dir: &Path, analyze_out: &Path) -> Result<PanReport> {
    let texts = read_texts(&corpus_dir.join("corpus.jsonl"))?;
    let cases = read_news_cases(corpus_dir)?;
    let dets = read_detections(analyze_out)?;
    Ok(pan_report(&texts, &cases, &dets))
}

/// Share of the characters of document `doc` covered by the detections
/// between it and document `other` (0 for an empty text).
pub fn covered_share(
    texts: &HashMap<String, String>,
    doc: &str,
    other: &str,
    dets: &[PanDetection],
) -> f64 {
    let Some(text) = texts.get(doc) else {
        return 0.0;
    };
    let spans: Vec<Iv> = dets
        .iter()
        .filter_map(|d| match (d.a.as_str(), d.b.as_str()) {
            (a, b) if a == doc && b == other => Some((d.a_span[0], d.a_span[1])),
            (a, b) if a == other && b == doc => Some((d.b_span[0], d.b_span[1])),
            _ => None,
        })
        .collect();
    let all = text.chars().count();
    div(chars(text, &union(spans)) as f64, all as f64)
}

#[cfg(test)]
mod tests;
