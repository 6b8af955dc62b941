//! Measuring a result against a generated corpus's planted truth.
//!
//! Reads a generated corpus folder (`corpus.jsonl`, `truth.jsonl`,
//! `planted.jsonl`) and an analyze output folder (`documents.jsonl`,
//! `pairs.jsonl`), and reports:
//!
//! - recall of planted pairs whose exact Jaccard is at least
//!   `threshold + margin`: both documents in one predicted cluster;
//! - precision of the verified near-duplicate pairs against their exact
//!   Jaccard (recomputed from the texts), strictly (`>= threshold`) and with
//!   the same margin (`>= threshold - margin`);
//! - pair precision, recall and adjusted Rand index of the clusters against
//!   `truth.jsonl` ([`neardup::eval`]).

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use rayon::prelude::*;
use serde::Deserialize;

use neardup::error::{Error, Result};
use neardup::eval::{Quality, evaluate};

/// Quality of a run on a generated corpus.
#[derive(Clone, Debug, serde::Serialize)]
pub struct PlantedQuality {
    /// Planted pairs.
    pub planted: u64,
    /// Planted pairs with exact Jaccard >= threshold + margin.
    pub planted_above: u64,
    /// Share of those found in one predicted cluster.
    pub recall_above: f64,
    /// Verified near-duplicate pairs.
    pub verified_pairs: u64,
    /// Share of verified pairs with exact Jaccard >= threshold.
    pub precision_strict: f64,
    /// Share of verified pairs with exact Jaccard >= threshold - margin.
    pub precision_margin: f64,
    /// Clusters against `truth.jsonl`.
    pub clusters: Quality,
}

/// Calls `f` with each JSON line of `path` (blank lines skipped); a line
/// that does not parse is an error naming the file and line.
pub fn lines<T: for<'de> Deserialize<'de>>(path: &Path, mut f: impl FnMut(T)) -> Result<()> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| Error::io(path, e))?;
        if line.trim().is_empty() {
            continue;
        }
        let v = serde_json::from_str(&line).map_err(|e| {
            Error::record(
                path.display().to_string(),
                Some(i as u64 + 1),
                e.to_string(),
            )
        })?;
        f(v);
    }
    Ok(())
}

#[derive(Deserialize)]
struct Doc {
    id: String,
    text: String,
}

#[derive(Deserialize)]
struct Planted {
    a: String,
    b: String,
    jaccard: f64,
}

#[derive(Deserialize)]
struct Predicted {
    id: String,
    cluster: Option<String>,
}

#[derive(Deserialize)]
struct PairLine {
    a: String,
    b: String,
    level: String,
}

/// Measures the analyze output in `out` against the generated corpus in
/// `corpus` (see the module docs).
pub fn planted_quality(
    corpus: &Path,
    out: &Path,
    threshold: f64,
    margin: f64,
    shingle: usize,
) -> Result<PlantedQuality> {
    let mut cluster: HashMap<String, String> = HashMap::new();
    lines(&out.join("documents.jsonl"), |p: Predicted| {
        if let Some(c) = p.cluster {
            cluster.insert(p.id, c);
        }
    })?;
    let (mut planted, mut above, mut found) = (0u64, 0u64, 0u64);
    lines(&corpus.join("planted.jsonl"), |p: Planted| {
        planted += 1;
        if p.jaccard >= threshold + margin {
            above += 1;
            if cluster.contains_key(&p.a) && cluster.get(&p.a) == cluster.get(&p.b) {
                found += 1;
            }
        }
    })?;
    let mut pairs = Vec::new();
    lines(&out.join("pairs.jsonl"), |p: PairLine| {
        if p.level == "duplicate" {
            pairs.push((p.a, p.b));
        }
    })?;
    let mut texts: HashMap<String, String> = HashMap::new();
    lines(&corpus.join("corpus.jsonl"), |d: Doc| {
        texts.insert(d.id, d.text);
    })?;
    let exact: Vec<f64> = pairs
        .par_iter()
        .map(|(a, b)| match (texts.get(a), texts.get(b)) {
            (Some(x), Some(y)) => super::exact_jaccard(x, y, shingle),
            _ => 0.0,
        })
        .collect();
    let share = |ok: usize| {
        if exact.is_empty() {
            1.0
        } else {
            ok as f64 / exact.len() as f64
        }
    };
    Ok(PlantedQuality {
        planted,
        planted_above: above,
        recall_above: if above == 0 {
            1.0
        } else {
            found as f64 / above as f64
        },
        verified_pairs: exact.len() as u64,
        precision_strict: share(exact.iter().filter(|&&j| j >= threshold).count()),
        precision_margin: share(exact.iter().filter(|&&j| j >= threshold - margin).count()),
        clusters: evaluate(&corpus.join("truth.jsonl"), out)?,
    })
}
