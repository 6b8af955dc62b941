//! Measuring shared passages against a generated news corpus's truth.
//!
//! Reads a folder written by [`super::write_news_corpus`] (`corpus.jsonl`,
//! `passages.jsonl`, `wire.jsonl`, `stock.jsonl`, `boilerplate.jsonl`) and an
//! analyze output folder (`shared.jsonl`, `documents.jsonl`), and compares
//! the predicted passages with the planted ones character by character
//! (characters, not bytes, so Arabic and Latin weigh alike):
//!
//! - **precision**: over every predicted passage and both its sides, the
//!   share of its characters inside the truth spans of its document pair (a
//!   passage between documents with no planted relation counts fully as
//!   false);
//! - **recall**: over the planted relations other than the wire story, the
//!   share of truth characters (both sides) covered by the predicted
//!   passages of the pair; **wire_recall** the same over the wire story's
//!   pairs (original–copy and copy–copy);
//! - **paragraphs_as_one**: share of planted paragraph copies whose region
//!   on the copy is covered to at least 80% by one predicted passage;
//! - **wire_found**: share of wire copies that one predicted passage links
//!   to the original or another copy, covering at least half of the copy's
//!   text outside boilerplate;
//! - **stock_reported**: predicted passages outside truth pairs of which at
//!   least half the characters, on either side, are a planted stock phrase;
//! - **boilerplate_reported**: predicted passages that cover at least half
//!   of a planted boilerplate line, on either side.
//!
//! The result also holds per-kind and per-edit recall and examples of what
//! went wrong, with their text, to diagnose the detector.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::quality::lines;
use neardup::error::Result;

/// Examples kept per category.
const EXAMPLES: usize = 10;
/// Characters of text shown per example piece.
const SHOW: usize = 240;

/// Quality of shared passages against the planted truth.
#[derive(Clone, Debug, Default, Serialize)]
pub struct PassageQuality {
    /// Lines of the analyze output's `documents.jsonl`.
    pub documents: u64,
    /// Planted relations other than the wire story.
    pub relations: u64,
    /// Wire story relations (original–copy and copy–copy).
    pub wire_relations: u64,
    /// Predicted passages.
    pub predicted: u64,
    /// Predicted passages between documents with no planted relation.
    pub predicted_outside_truth: u64,
    /// Character precision of all predicted passages.
    pub precision: f64,
    /// Character recall of the relations other than the wire story.
    pub recall: f64,
    /// Character recall of the wire story's relations.
    pub wire_recall: f64,
    /// Recall by kind (`sentences`, `paragraphs`).
    pub recall_by_kind: BTreeMap<String, f64>,
    /// Recall of the (non-wire) relations that have an edit, by edit.
    pub recall_by_edit: BTreeMap<String, f64>,
    /// Relations (non-wire) of which nothing was found.
    pub relations_missed: u64,
    /// Relations (non-wire) with recall below 0.9.
    pub relations_below_90: u64,
    /// Planted paragraph copies.
    pub paragraph_copies: u64,
    /// Share of them covered to 80% on the copy by one passage.
    pub paragraphs_as_one: f64,
    /// Wire copies.
    pub wire_copies: u64,
    /// Share of wire copies found (see the module docs).
    pub wire_found: f64,
    /// Predicted passages outside truth pairs that are mostly a stock phrase.
    pub stock_reported: u64,
    /// Predicted passages covering half a boilerplate line or more.
    pub boilerplate_reported: u64,
    /// What went wrong, with text.
    pub examples: QualityExamples,
}

/// Examples of errors (at most ten of each kind).
#[derive(Clone, Debug, Default, Serialize)]
pub struct QualityExamples {
    /// Relations with the lowest recall.
    pub low_recall: Vec<RelationExample>,
    /// Paragraph copies not covered by one passage.
    pub split_paragraphs: Vec<RelationExample>,
    /// Passages between documents with no planted relation.
    pub false_passages: Vec<PassageExample>,
    /// Passages in truth pairs with the most characters outside the truth.
    pub overreach: Vec<PassageExample>,
    /// Passages reported over boilerplate lines.
    pub boilerplate: Vec<PassageExample>,
    /// Wire copies not found.
    pub wire_missed: Vec<String>,
}

/// A planted relation and what the detector made of it.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RelationExample {
    /// Source id.
    pub a: String,
    /// Copy id.
    pub b: String,
    /// Kind.
    pub kind: String,
    /// Edits of the copy.
    pub edits: Vec<String>,
    /// Character recall of the relation.
    pub recall: f64,
    /// Predicted passages of the pair (spans on `b`).
    pub passages_on_b: Vec<[usize; 2]>,
    /// Truth text of `a` no passage covers.
    pub missed_a: Vec<String>,
    /// Truth text of `b` no passage covers.
    pub missed_b: Vec<String>,
}

/// A predicted passage.
#[derive(Clone, Debug, Default, Serialize)]
pub struct PassageExample {
    /// Id and span of side a.
    pub a: String,
    /// Id and span of side b.
    pub b: String,
    /// Why it is shown.
    pub reason: String,
    /// Characters outside the truth (both sides).
    pub false_chars: usize,
    /// Its text on a.
    pub a_text: String,
    /// Its text on b.
    pub b_text: String,
}

#[derive(Deserialize)]
struct CorpusDoc {
    id: String,
    text: String,
}

/// A line of a generated corpus's `passages.jsonl` (the planted truth), as
/// the scorers read it.
#[derive(Deserialize)]
pub(crate) struct TruthLine {
    pub(crate) a: String,
    pub(crate) b: String,
    pub(crate) kind: String,
    pub(crate) a_spans: Vec<[usize; 2]>,
    pub(crate) b_spans: Vec<[usize; 2]>,
    pub(crate) edits: Vec<String>,
    pub(crate) paragraph: bool,
    /// The rewrite of a rewritten copy (`NewsSpec::rewrites`).
    #[serde(default)]
    pub(crate) rewrite: Option<String>,
}

#[derive(Deserialize)]
struct WireLine {
    original: String,
    copies: Vec<String>,
}

#[derive(Deserialize)]
struct StockLine {
    phrase: String,
    docs: Vec<String>,
}

#[derive(Deserialize)]
struct BoilerLine {
    lines: Vec<String>,
}

/// One side of a `shared.jsonl` line, as the scorers read it.
#[derive(Deserialize)]
pub(crate) struct SharedSide {
    pub(crate) id: String,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// A `shared.jsonl` line, as the scorers read it.
#[derive(Deserialize)]
pub(crate) struct SharedLine {
    pub(crate) a: SharedSide,
    pub(crate) b: SharedSide,
}

#[derive(Deserialize)]
struct DocLine {
    #[allow(dead_code)]
    id: serde_json::Value,
}

/// Byte intervals `[start, end)`.
pub(crate) type Iv = (usize, usize);

/// Sorted, merged intervals.
pub(crate) fn union(mut v: Vec<Iv>) -> Vec<Iv> {
    v.retain(|&(s, e)| e > s);
    v.sort_unstable();
    let mut out: Vec<Iv> = Vec::with_capacity(v.len());
    for (s, e) in v {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// Intersection of two sorted, merged interval lists.
pub(crate) fn intersect(a: &[Iv], b: &[Iv]) -> Vec<Iv> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() && j < b.len() {
        let s = a[i].0.max(b[j].0);
        let e = a[i].1.min(b[j].1);
        if s < e {
            out.push((s, e));
        }
        if a[i].1 < b[j].1 {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// `a` minus `b` (both sorted and merged).
fn subtract(a: &[Iv], b: &[Iv]) -> Vec<Iv> {
    let mut out = Vec::new();
    for &(s, e) in a {
        let mut at = s;
        for &(bs, be) in b {
            if be <= at || bs >= e {
                continue;
            }
            if bs > at {
                out.push((at, bs));
            }
            at = at.max(be);
        }
        if at < e {
            out.push((at, e));
        }
    }
    out
}

/// Characters of `text` in the intervals.
pub(crate) fn chars(text: &str, ivs: &[Iv]) -> usize {
    ivs.iter()
        .map(|&(s, e)| {
            let e = e.min(text.len());
            text.get(s.min(e)..e).map_or(0, |t| t.chars().count())
        })
        .sum()
}

fn show(text: &str, (s, e): Iv) -> String {
    let piece = text.get(s.min(text.len())..e.min(text.len())).unwrap_or("");
    let mut out: String = piece.chars().take(SHOW).collect();
    if piece.chars().count() > SHOW {
        out.push('…');
    }
    out
}

fn ratio(hit: usize, total: usize) -> f64 {
    if total == 0 {
        1.0
    } else {
        hit as f64 / total as f64
    }
}

fn pair_key(x: &str, y: &str) -> (String, String) {
    if x <= y {
        (x.to_string(), y.to_string())
    } else {
        (y.to_string(), x.to_string())
    }
}

/// A predicted passage.
struct Pred {
    a: String,
    sa: Iv,
    b: String,
    sb: Iv,
}

impl Pred {
    /// Its span on document `id`, if it is one of its sides.
    fn on(&self, id: &str) -> Option<Iv> {
        if self.a == id {
            Some(self.sa)
        } else if self.b == id {
            Some(self.sb)
        } else {
            None
        }
    }
}

/// Measures the analyze output in `analyze_out` against the generated news
/// corpus in `corpus_dir` (see the module docs).
pub fn passage_quality(corpus_dir: &Path, analyze_out: &Path) -> Result<PassageQuality> {
    let mut texts: HashMap<String, String> = HashMap::new();
    lines(&corpus_dir.join("corpus.jsonl"), |d: CorpusDoc| {
        texts.insert(d.id, d.text);
    })?;
    let mut truth: Vec<TruthLine> = Vec::new();
    lines(&corpus_dir.join("passages.jsonl"), |t: TruthLine| {
        truth.push(t)
    })?;
    let mut wire: Vec<WireLine> = Vec::new();
    lines(&corpus_dir.join("wire.jsonl"), |w: WireLine| wire.push(w))?;
    let mut stock: HashMap<String, Vec<Iv>> = HashMap::new();
    lines(&corpus_dir.join("stock.jsonl"), |s: StockLine| {
        let mut cap = String::new();
        super::vocab::push_capitalized(&mut cap, &s.phrase);
        for id in s.docs {
            if let Some(text) = texts.get(&id) {
                let spans = stock.entry(id).or_default();
                for form in [&s.phrase, &cap] {
                    spans.extend(
                        text.match_indices(form.as_str())
                            .map(|(i, m)| (i, i + m.len())),
                    );
                }
            }
        }
    })?;
    for v in stock.values_mut() {
        *v = union(std::mem::take(v));
    }
    let mut furniture: HashSet<String> = HashSet::new();
    lines(&corpus_dir.join("boilerplate.jsonl"), |b: BoilerLine| {
        furniture.extend(b.lines.into_iter().map(|l| l.trim().to_string()))
    })?;
    let mut documents = 0u64;
    lines(&analyze_out.join("documents.jsonl"), |_: DocLine| {
        documents += 1
    })?;
    let mut preds: Vec<Pred> = Vec::new();
    lines(&analyze_out.join("shared.jsonl"), |s: SharedLine| {
        preds.push(Pred {
            a: s.a.id,
            sa: (s.a.start, s.a.end),
            b: s.b.id,
            sb: (s.b.start, s.b.end),
        })
    })?;
    let empty = String::new();
    let text = |id: &str| texts.get(id).unwrap_or(&empty);

    // Truth spans per pair and document.
    let mut truth_of: HashMap<(String, String), HashMap<String, Vec<Iv>>> = HashMap::new();
    for t in &truth {
        let sides = truth_of.entry(pair_key(&t.a, &t.b)).or_default();
        for (id, spans) in [(&t.a, &t.a_spans), (&t.b, &t.b_spans)] {
            sides
                .entry(id.clone())
                .or_default()
                .extend(spans.iter().map(|s| (s[0], s[1])));
        }
    }
    for sides in truth_of.values_mut() {
        for v in sides.values_mut() {
            *v = union(std::mem::take(v));
        }
    }
    let mut preds_of: HashMap<(String, String), Vec<usize>> = HashMap::new();
    for (i, p) in preds.iter().enumerate() {
        preds_of.entry(pair_key(&p.a, &p.b)).or_default().push(i);
    }
    let no_preds: Vec<usize> = Vec::new();
    let pred_union = |key: &(String, String), id: &str| -> Vec<Iv> {
        union(
            preds_of
                .get(key)
                .unwrap_or(&no_preds)
                .iter()
                .filter_map(|&i| preds[i].on(id))
                .collect(),
        )
    };

    let mut q = PassageQuality {
        documents,
        predicted: preds.len() as u64,
        ..PassageQuality::default()
    };

    // Furniture occurrences per document (whole lines).
    let furniture_in = |id: &str| -> Vec<Iv> {
        let t = text(id);
        let mut out = Vec::new();
        let mut at = 0;
        for line in t.split('\n') {
            let trimmed = line.trim();
            if !trimmed.is_empty() && furniture.contains(trimmed) {
                let lead = line.len() - line.trim_start().len();
                out.push((at + lead, at + lead + trimmed.len()));
            }
            at += line.len() + 1;
        }
        out
    };

    // Precision, stock and boilerplate, per predicted passage.
    let (mut hit, mut total) = (0usize, 0usize);
    let mut false_examples: Vec<(usize, PassageExample)> = Vec::new();
    let mut overreach: Vec<(usize, PassageExample)> = Vec::new();
    let mut boiler_examples: Vec<PassageExample> = Vec::new();
    for p in &preds {
        let key = pair_key(&p.a, &p.b);
        let sides = truth_of.get(&key);
        let mut false_chars = 0;
        for (id, span) in [(&p.a, p.sa), (&p.b, p.sb)] {
            let t = text(id);
            let n = chars(t, &[span]);
            let h = sides
                .and_then(|s| s.get(id.as_str()))
                .map_or(0, |tr| chars(t, &intersect(&[span], tr)));
            total += n;
            hit += h;
            false_chars += n - h;
        }
        let example = |reason: &str| PassageExample {
            a: format!("{} [{}, {})", p.a, p.sa.0, p.sa.1),
            b: format!("{} [{}, {})", p.b, p.sb.0, p.sb.1),
            reason: reason.to_string(),
            false_chars,
            a_text: show(text(&p.a), p.sa),
            b_text: show(text(&p.b), p.sb),
        };
        let is_stock = [(&p.a, p.sa), (&p.b, p.sb)].iter().any(|(id, span)| {
            let t = text(id);
            let n = chars(t, &[*span]);
            let s = stock
                .get(id.as_str())
                .map_or(0, |st| chars(t, &intersect(&[*span], st)));
            n > 0 && 2 * s >= n
        });
        let boiler = [(&p.a, p.sa), (&p.b, p.sb)].iter().any(|(id, span)| {
            let t = text(id);
            furniture_in(id).iter().any(|&line| {
                let n = chars(t, &[line]);
                n > 0 && 2 * chars(t, &intersect(&[*span], &[line])) >= n
            })
        });
        if boiler {
            q.boilerplate_reported += 1;
            if boiler_examples.len() < EXAMPLES {
                boiler_examples.push(example("boilerplate"));
            }
        }
        if sides.is_none() {
            q.predicted_outside_truth += 1;
            if is_stock {
                q.stock_reported += 1;
            }
            let reason = if is_stock {
                "stock phrase"
            } else if boiler {
                "boilerplate"
            } else {
                "no planted relation"
            };
            false_examples.push((false_chars, example(reason)));
        } else if false_chars > 0 {
            overreach.push((false_chars, example("characters outside the truth spans")));
        }
    }
    q.precision = ratio(hit, total);
    let top = |mut v: Vec<(usize, PassageExample)>| -> Vec<PassageExample> {
        v.sort_by(|x, y| y.0.cmp(&x.0).then_with(|| x.1.a.cmp(&y.1.a)));
        v.into_iter().take(EXAMPLES).map(|x| x.1).collect()
    };
    q.examples.false_passages = top(false_examples);
    q.examples.overreach = top(overreach);
    q.examples.boilerplate = boiler_examples;

    // Recall, per relation.
    let (mut hit, mut total) = (0usize, 0usize);
    let (mut wire_hit, mut wire_total) = (0usize, 0usize);
    let mut by_kind: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut by_edit: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut low: Vec<(f64, RelationExample)> = Vec::new();
    let mut split: Vec<RelationExample> = Vec::new();
    let (mut paragraphs, mut as_one) = (0u64, 0u64);
    for t in &truth {
        let key = pair_key(&t.a, &t.b);
        let (mut h, mut n) = (0, 0);
        let mut missed = [Vec::new(), Vec::new()];
        for (k, (id, spans)) in [(&t.a, &t.a_spans), (&t.b, &t.b_spans)]
            .into_iter()
            .enumerate()
        {
            let tx = text(id);
            let tr = union(spans.iter().map(|s| (s[0], s[1])).collect());
            let pr = pred_union(&key, id);
            h += chars(tx, &intersect(&tr, &pr));
            n += chars(tx, &tr);
            missed[k] = subtract(&tr, &pr)
                .into_iter()
                .filter(|&(s, e)| e > s)
                .map(|iv| show(tx, iv))
                .collect();
        }
        let on_b: Vec<Iv> = preds_of
            .get(&key)
            .unwrap_or(&no_preds)
            .iter()
            .filter_map(|&i| preds[i].on(&t.b))
            .collect();
        let example = |recall: f64, missed: [Vec<String>; 2]| {
            let [missed_a, missed_b] = missed;
            RelationExample {
                a: t.a.clone(),
                b: t.b.clone(),
                kind: t.kind.clone(),
                edits: t.edits.clone(),
                recall,
                passages_on_b: on_b.iter().map(|&(s, e)| [s, e]).collect(),
                missed_a,
                missed_b,
            }
        };
        if t.kind == "wire" {
            q.wire_relations += 1;
            wire_hit += h;
            wire_total += n;
            continue;
        }
        q.relations += 1;
        hit += h;
        total += n;
        let k = by_kind.entry(t.kind.clone()).or_default();
        k.0 += h;
        k.1 += n;
        for e in &t.edits {
            let k = by_edit.entry(e.clone()).or_default();
            k.0 += h;
            k.1 += n;
        }
        let r = ratio(h, n);
        if h == 0 {
            q.relations_missed += 1;
        }
        if r < 0.9 {
            q.relations_below_90 += 1;
        }
        if r < 1.0 {
            low.push((r, example(r, missed.clone())));
        }
        if t.paragraph {
            paragraphs += 1;
            let tb = text(&t.b);
            let region = union(t.b_spans.iter().map(|s| (s[0], s[1])).collect());
            let need = chars(tb, &region);
            let best = on_b
                .iter()
                .map(|&s| chars(tb, &intersect(&[s], &region)))
                .max()
                .unwrap_or(0);
            if need > 0 && best * 5 >= need * 4 {
                as_one += 1;
            } else if split.len() < EXAMPLES {
                split.push(example(r, missed));
            }
        }
    }
    q.recall = ratio(hit, total);
    q.wire_recall = ratio(wire_hit, wire_total);
    q.recall_by_kind = by_kind
        .into_iter()
        .map(|(k, (h, n))| (k, ratio(h, n)))
        .collect();
    q.recall_by_edit = by_edit
        .into_iter()
        .map(|(k, (h, n))| (k, ratio(h, n)))
        .collect();
    q.paragraph_copies = paragraphs;
    q.paragraphs_as_one = ratio(as_one as usize, paragraphs as usize);
    low.sort_by(|x, y| x.0.total_cmp(&y.0).then_with(|| x.1.b.cmp(&y.1.b)));
    q.examples.low_recall = low.into_iter().take(EXAMPLES).map(|x| x.1).collect();
    q.examples.split_paragraphs = split;

    // Wire copies: linked to the original or another copy, covering half
    // of their text outside boilerplate.
    let (mut copies, mut found) = (0u64, 0u64);
    for w in &wire {
        let group: Vec<&String> = std::iter::once(&w.original).chain(&w.copies).collect();
        for c in &w.copies {
            copies += 1;
            let body = truth
                .iter()
                .find(|t| t.kind == "wire" && t.a == w.original && t.b == *c)
                .map(|t| union(t.b_spans.iter().map(|s| (s[0], s[1])).collect()))
                .unwrap_or_default();
            let tc = text(c);
            let need = chars(tc, &body);
            let ok = group.iter().filter(|&&o| o != c).any(|o| {
                preds_of
                    .get(&pair_key(c, o))
                    .unwrap_or(&no_preds)
                    .iter()
                    .filter_map(|&i| preds[i].on(c))
                    .any(|s| need > 0 && 2 * chars(tc, &intersect(&[s], &body)) >= need)
            });
            if ok {
                found += 1;
            } else if q.examples.wire_missed.len() < EXAMPLES {
                q.examples.wire_missed.push(c.clone());
            }
        }
    }
    q.wire_copies = copies;
    q.wire_found = ratio(found as usize, copies as usize);
    Ok(q)
}

#[cfg(test)]
mod tests {
    use std::fs::File;
    use std::io::Write;

    use super::*;
    use crate::{NewsSpec, Script, news_corpus, write_news_corpus};

    fn side(id: &str, s: usize, e: usize) -> serde_json::Value {
        serde_json::json!({"id": id, "start": s, "end": e})
    }

    #[test]
    fn perfect_and_wrong_predictions() {
        let spec = NewsSpec {
            docs: 600,
            seed: 21,
            script: Script::Latin,
            ..NewsSpec::default()
        };
        let dir = tempfile::tempdir().unwrap();
        let (g, out) = (dir.path().join("g"), dir.path().join("out"));
        write_news_corpus(&spec, &g).unwrap();
        std::fs::create_dir_all(&out).unwrap();
        let c = news_corpus(&spec);
        let mut docs = File::create(out.join("documents.jsonl")).unwrap();
        for d in &c.docs {
            writeln!(docs, "{}", serde_json::json!({"id": d.id})).unwrap();
        }
        // One passage per planted relation, exactly over its spans.
        let mut shared: Vec<serde_json::Value> = c
            .passages
            .iter()
            .map(|p| {
                let (a0, a1) = (p.a_spans[0][0], p.a_spans.last().unwrap()[1]);
                let (b0, b1) = (p.b_spans[0][0], p.b_spans.last().unwrap()[1]);
                serde_json::json!({"a": side(&p.a, a0, a1), "b": side(&p.b, b0, b1)})
            })
            .collect();
        let write = |lines: &[serde_json::Value]| {
            let mut f = File::create(out.join("shared.jsonl")).unwrap();
            for l in lines {
                writeln!(f, "{l}").unwrap();
            }
        };
        write(&shared);
        let q = passage_quality(&g, &out).unwrap();
        assert_eq!(q.documents, 600);
        assert_eq!((q.relations, q.wire_relations), (150, 55), "{q:?}");
        assert_eq!(q.precision, 1.0, "{q:?}");
        assert_eq!(q.recall, 1.0, "{q:?}");
        assert_eq!(q.wire_recall, 1.0, "{q:?}");
        assert_eq!(q.paragraphs_as_one, 1.0, "{q:?}");
        assert_eq!(q.wire_found, 1.0, "{q:?}");
        assert_eq!((q.stock_reported, q.boilerplate_reported), (0, 0), "{q:?}");

        // A stock phrase between two of its documents, and a shared
        // furniture line between two outlets.
        let text = |id: &str| &c.docs.iter().find(|d| d.id == id).unwrap().text;
        let s = &c.stock[0];
        let find = |id: &str, what: &str| {
            let t = text(id);
            let cap = crate::vocab::capitalize(what);
            let at = t.find(what).or_else(|| t.find(&cap)).unwrap();
            (at, at + what.len())
        };
        let (x, y) = (find(&s.docs[0], &s.phrase), find(&s.docs[1], &s.phrase));
        shared.push(
            serde_json::json!({"a": side(&s.docs[0], x.0, x.1), "b": side(&s.docs[1], y.0, y.1)}),
        );
        let cms = c
            .boilerplate
            .iter()
            .flat_map(|b| &b.lines)
            .find(|l| c.boilerplate.iter().filter(|b| b.lines.contains(l)).count() > 1)
            .unwrap();
        let with: Vec<&crate::GenDoc> = c
            .docs
            .iter()
            .filter(|d| d.text.lines().any(|l| l == cms))
            .collect();
        let related = |x: &str, y: &str| {
            c.passages
                .iter()
                .any(|p| (p.a == x && p.b == y) || (p.a == y && p.b == x))
        };
        let second = with
            .iter()
            .find(|d| d.outlet != with[0].outlet && !related(&d.id, &with[0].id))
            .unwrap();
        let with = [with[0].id.as_str(), second.id.as_str()];
        let (x, y) = (find(with[0], cms), find(with[1], cms));
        shared
            .push(serde_json::json!({"a": side(with[0], x.0, x.1), "b": side(with[1], y.0, y.1)}));
        write(&shared);
        let q = passage_quality(&g, &out).unwrap();
        assert_eq!(q.predicted_outside_truth, 2, "{q:?}");
        assert_eq!(q.stock_reported, 1, "{q:?}");
        assert_eq!(q.boilerplate_reported, 1, "{q:?}");
        assert!(q.precision < 1.0 && q.recall == 1.0, "{q:?}");
        assert_eq!(q.examples.false_passages.len(), 2);
    }

    #[test]
    fn interval_arithmetic() {
        assert_eq!(
            union(vec![(5, 8), (0, 2), (1, 3), (8, 9)]),
            vec![(0, 3), (5, 9)]
        );
        assert_eq!(
            intersect(&[(0, 10)], &[(2, 4), (6, 12)]),
            vec![(2, 4), (6, 10)]
        );
        assert_eq!(
            subtract(&[(0, 10)], &[(2, 4), (6, 12)]),
            vec![(0, 2), (4, 6)]
        );
        let t = "aé b";
        assert_eq!(chars(t, &[(0, t.len())]), 4);
    }
}
