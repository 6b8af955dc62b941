//! `neardup eval`: quality of predicted near-duplicate clusters against labels.
//!
//! The truth is JSONL of `{"id","cluster"}`: documents with the same `cluster`
//! (string or integer) are duplicates of each other. The prediction is either
//! an analyze `documents.jsonl` (its `cluster` field) or a dedup
//! `--duplicates` file (`{"id","duplicate_of"}`; records not listed were
//! kept, so they are their own cluster's representative).
//!
//! Metrics are computed over the documents of the truth file from the
//! contingency table of the two clusterings, never by enumerating pairs, so
//! they are exact and fast even for clusters of thousands:
//!
//! - pair precision = pairs together in both / pairs together in the prediction;
//! - pair recall = pairs together in both / pairs together in the truth;
//! - F1, and the adjusted Rand index (Hubert & Arabie 1985).
//!
//! A truth document missing from the prediction counts as a singleton there
//! (and is counted in `missing`).

use std::collections::HashMap;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};

/// Pair-counting quality of a clustering.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Quality {
    /// Documents in the truth file.
    pub documents: u64,
    /// Truth documents absent from an analyze `documents.jsonl` (always 0
    /// for a dedup `--duplicates` file, which lists only dropped records).
    pub missing: u64,
    /// Pairs together in the truth.
    pub truth_pairs: u64,
    /// Pairs together in the prediction.
    pub predicted_pairs: u64,
    /// Pairs together in both.
    pub correct_pairs: u64,
    /// correct / predicted (1 when nothing is predicted).
    pub precision: f64,
    /// correct / truth (1 when the truth has no pairs).
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Adjusted Rand index.
    pub ari: f64,
}

impl std::fmt::Display for Quality {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "documents        {}", self.documents)?;
        writeln!(f, "missing          {}", self.missing)?;
        writeln!(f, "truth pairs      {}", self.truth_pairs)?;
        writeln!(f, "predicted pairs  {}", self.predicted_pairs)?;
        writeln!(f, "correct pairs    {}", self.correct_pairs)?;
        writeln!(f, "precision        {:.4}", self.precision)?;
        writeln!(f, "recall           {:.4}", self.recall)?;
        writeln!(f, "f1               {:.4}", self.f1)?;
        write!(f, "ari              {:.4}", self.ari)
    }
}

fn pairs(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

/// Quality of `predicted` labels against `truth` labels, both indexed by
/// document (same length).
pub fn compare<P: std::hash::Hash + Eq, T: std::hash::Hash + Eq>(
    predicted: &[P],
    truth: &[T],
) -> Quality {
    assert_eq!(predicted.len(), truth.len());
    let mut cells: HashMap<(&P, &T), u64> = HashMap::new();
    let mut rows: HashMap<&P, u64> = HashMap::new();
    let mut cols: HashMap<&T, u64> = HashMap::new();
    for (p, t) in predicted.iter().zip(truth) {
        *cells.entry((p, t)).or_default() += 1;
        *rows.entry(p).or_default() += 1;
        *cols.entry(t).or_default() += 1;
    }
    let n = truth.len() as u64;
    let tp: u64 = cells.values().map(|&c| pairs(c)).sum();
    let pp: u64 = rows.values().map(|&c| pairs(c)).sum();
    let tt: u64 = cols.values().map(|&c| pairs(c)).sum();
    let precision = if pp == 0 { 1.0 } else { tp as f64 / pp as f64 };
    let recall = if tt == 0 { 1.0 } else { tp as f64 / tt as f64 };
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    let total = pairs(n) as f64;
    let expected = if total == 0.0 {
        0.0
    } else {
        pp as f64 * tt as f64 / total
    };
    let max = 0.5 * (pp as f64 + tt as f64);
    let ari = if (max - expected).abs() < 1e-12 {
        1.0
    } else {
        (tp as f64 - expected) / (max - expected)
    };
    Quality {
        documents: n,
        missing: 0,
        truth_pairs: tt,
        predicted_pairs: pp,
        correct_pairs: tp,
        precision,
        recall,
        f1,
        ari,
    }
}

/// A label that may be written as a string or an integer.
#[derive(Deserialize, Clone, PartialEq, Eq, Hash, Debug)]
#[serde(untagged)]
enum Label {
    Str(String),
    Int(i64),
}

impl Label {
    fn into_string(self) -> String {
        match self {
            Label::Str(s) => s,
            Label::Int(i) => i.to_string(),
        }
    }
}

#[derive(Deserialize)]
struct TruthLine {
    id: Label,
    cluster: Label,
}

#[derive(Deserialize)]
struct PredictedLine {
    id: Label,
    #[serde(default)]
    cluster: Option<Label>,
    #[serde(default)]
    duplicate_of: Option<Label>,
}

fn read_lines<T: for<'de> Deserialize<'de>>(
    path: &Path,
    mut f: impl FnMut(T, u64) -> Result<()>,
) -> Result<()> {
    let file = fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let name = path.display().to_string();
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let n = i as u64 + 1;
        let line = line.map_err(|e| Error::record(&name, Some(n), e.to_string()))?;
        if line.trim().is_empty() {
            continue;
        }
        let value: T = serde_json::from_str(&line)
            .map_err(|e| Error::record(&name, Some(n), e.to_string()))?;
        f(value, n)?;
    }
    Ok(())
}

/// The file of an analyze prediction (`documents.jsonl` of a complete run)
/// or of a dedup one (any other file), refusing an interrupted analyze run.
fn prediction_file(predicted: &Path) -> Result<(std::path::PathBuf, bool)> {
    let analyze = predicted.is_dir()
        || predicted.file_name() == Some(std::ffi::OsStr::new("documents.jsonl"));
    if !analyze {
        return Ok((predicted.to_path_buf(), false));
    }
    let (dir, file) = if predicted.is_dir() {
        (predicted.to_path_buf(), predicted.join("documents.jsonl"))
    } else {
        let dir = (predicted.parent())
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        (dir.to_path_buf(), predicted.to_path_buf())
    };
    if !dir.join("summary.json").is_file() {
        return Err(Error::other(format!(
            "{}: not a complete analyze run (no summary.json: interrupted or still running)",
            predicted.display()
        )));
    }
    Ok((file, true))
}

/// Evaluates the prediction at `predicted` (an analyze output folder, its
/// `documents.jsonl`, or a dedup `--duplicates` file) against `truth_path`.
///
/// Fails, rather than print scores that mean nothing, when the truth has no
/// document, when an analyze run is incomplete (no `summary.json`) or when
/// its `documents.jsonl` holds none of the truth's documents.
pub fn evaluate(truth_path: &Path, predicted: &Path) -> Result<Quality> {
    let (predicted, analyze) = prediction_file(predicted)?;
    let mut ids: Vec<String> = Vec::new();
    let mut truth: Vec<String> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let truth_name = truth_path.display().to_string();
    read_lines(truth_path, |t: TruthLine, n| {
        let id = t.id.into_string();
        if index.insert(id.clone(), ids.len()).is_some() {
            return Err(Error::record(
                &truth_name,
                Some(n),
                format!("id `{id}` appears twice"),
            ));
        }
        ids.push(id);
        truth.push(t.cluster.into_string());
        Ok(())
    })?;
    if ids.is_empty() {
        return Err(Error::other(format!(
            "{truth_name}: no labelled document, nothing to evaluate"
        )));
    }
    // Each truth document starts as its own predicted cluster.
    let mut labels: Vec<Option<String>> = vec![None; ids.len()];
    let mut has_clusters = false;
    read_lines(&predicted, |p: PredictedLine, _| {
        has_clusters |= p.cluster.is_some();
        let id = p.id.into_string();
        if let Some(&i) = index.get(&id) {
            let label = p.cluster.or(p.duplicate_of).map(Label::into_string);
            labels[i] = Some(label.unwrap_or_else(|| id.clone()));
        }
        Ok(())
    })?;
    let missing = if has_clusters || analyze {
        labels.iter().filter(|l| l.is_none()).count() as u64
    } else {
        0
    };
    if analyze && missing == ids.len() as u64 {
        return Err(Error::other(format!(
            "{}: none of the {} documents of {truth_name} is in it",
            predicted.display(),
            ids.len()
        )));
    }
    let predicted: Vec<String> = labels
        .into_iter()
        .zip(&ids)
        .map(|(l, id)| l.unwrap_or_else(|| id.clone()))
        .collect();
    let mut q = compare(&predicted, &truth);
    q.missing = missing;
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_and_partial_clusterings() {
        let truth = [1, 1, 1, 2, 2, 3];
        let q = compare(&truth, &truth);
        assert_eq!((q.precision, q.recall, q.ari), (1.0, 1.0, 1.0));
        // Predicted: {0,1} {2} {3,4,5}: correct pairs (0,1),(3,4) of 4 true
        // and 4 predicted.
        let pred = ["a", "a", "b", "c", "c", "c"];
        let q = compare(&pred, &truth);
        assert_eq!(
            (q.truth_pairs, q.predicted_pairs, q.correct_pairs),
            (4, 4, 2)
        );
        assert_eq!(q.precision, 0.5);
        assert_eq!(q.recall, 0.5);
        assert!(q.ari < 0.5 && q.ari > -0.5);
    }

    #[test]
    fn ari_matches_a_known_value() {
        // sklearn.metrics.adjusted_rand_score([0,0,1,1],[0,0,1,2]) = 0.5714...
        let q = compare(&[0, 0, 1, 1], &[0, 0, 1, 2]);
        assert!((q.ari - 0.571_428_571).abs() < 1e-6, "{}", q.ari);
    }

    #[test]
    fn reads_documents_and_duplicates_files() {
        let dir = tempfile::tempdir().unwrap();
        let truth = dir.path().join("truth.jsonl");
        fs::write(
            &truth,
            "{\"id\":\"a\",\"cluster\":1}\n{\"id\":\"b\",\"cluster\":1}\n{\"id\":\"c\",\"cluster\":2}\n",
        )
        .unwrap();
        let docs = dir.path().join("documents.jsonl");
        fs::write(
            &docs,
            "{\"id\":\"a\",\"cluster\":\"a\"}\n{\"id\":\"b\",\"cluster\":\"a\"}\n{\"id\":\"c\",\"cluster\":\"c\"}\n",
        )
        .unwrap();
        let err = evaluate(&truth, dir.path()).unwrap_err().to_string();
        assert!(err.contains("not a complete analyze run"), "{err}");
        fs::write(dir.path().join("summary.json"), "{}").unwrap();
        let q = evaluate(&truth, dir.path()).unwrap();
        assert_eq!((q.precision, q.recall, q.missing), (1.0, 1.0, 0));
        let dupes = dir.path().join("dupes.jsonl");
        fs::write(
            &dupes,
            "{\"id\":\"c\",\"duplicate_of\":\"a\",\"similarity\":0.9}\n",
        )
        .unwrap();
        let q = evaluate(&truth, &dupes).unwrap();
        assert_eq!((q.correct_pairs, q.predicted_pairs), (0, 1));
        assert_eq!(q.missing, 0, "records a duplicates file omits were kept");
        let bad = dir.path().join("bad.jsonl");
        fs::write(&bad, "{\"id\":\"a\"}\n").unwrap();
        let err = evaluate(&bad, &docs).unwrap_err().to_string();
        assert!(err.contains("bad.jsonl:1"), "{err}");
    }
}
