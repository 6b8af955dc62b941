//! Candidate search and verification: signatures to near-duplicate
//! clusters.
//!
//! LSH banding ([`crate::lsh`]) gives candidate pairs; each is verified on
//! its signatures by [`Rule`] (Jaccard at least `--threshold`, or the
//! shorter document's containment in the longer at least `--containment`),
//! and pairs whose estimate is too close to a threshold to call are decided
//! on finer signatures (refinement). Verified pairs become
//! clusters ([`crate::cluster`]) that keep one document each by `--keep`.
//! Decisions depend only on the signatures and the parameters: the same
//! input gives the same pairs, whatever the thread count, and whether the
//! finer signatures came from the first read or a second one.

use std::time::Instant;

use rayon::prelude::*;

use super::corpus::Corpus;
use crate::cluster::{
    Clusters, Duplicates, Keep, Pair, Rule, find_pair, may_hold_copy, verify, verify_with_margin,
};
use crate::config::Config;
use crate::document::Row;
use crate::error::{Error, Result};
use crate::lsh::{candidate_pairs, candidate_pairs_spilled};
use crate::minhash::{Signatures, estimate_fine};
use crate::progress::{Progress, Unit};
use crate::timings::Timings;

/// Bands, verifies and clusters the signatures of `corpus`.
///
/// A candidate is accepted when its Jaccard estimate is clearly above the
/// threshold; pairs within [`Config::doubt_margin`] of it, and pairs whose
/// coarse containment is within [`CONTAINMENT_DOUBT`](crate::cluster::CONTAINMENT_DOUBT) of
/// `--containment`, are decided on the finer
/// signatures ([`Config::fine_width`] one-byte slots, sd about 0.013 at
/// `J = 0.8` by default instead of 0.035) made beside the coarse ones in the
/// first read. When those outgrew their share of the [`MemoryBudget`](crate::config::MemoryBudget), the
/// documents of the doubtful pairs are read and signed again within
/// [`MemoryBudget::refine_reread`](crate::config::MemoryBudget::refine_reread) (fewer slots if needed; below twice
/// `num_perm` slots the pairs are decided on the coarse estimate).
pub fn find_duplicates(
    corpus: &Corpus,
    config: &Config,
    progress: &dyn Progress,
    timings: &mut Timings,
) -> Result<Duplicates> {
    let lsh = config.lsh_params();
    let budget = config.budget();
    progress.begin("candidates", None, Unit::Items);
    let candidates = timings.time("lsh", || {
        if corpus.sigs.is_file_backed() {
            // Band keys of all rows in one pass, spilled per band.
            let dir = budget.temp_dir();
            candidate_pairs_spilled(&corpus.sigs, lsh, &dir).map_err(|e| Error::io(&dir, e))
        } else {
            Ok(candidate_pairs(&corpus.sigs, lsh, budget.lsh_batch()))
        }
    })?;
    progress.end();
    progress.begin("verify", Some(candidates.len() as u64), Unit::Items);
    let rule = Rule {
        threshold: config.threshold,
        margin: config.doubt_margin(),
        containment: config.containment,
    };
    let (mut pairs, doubtful) = timings.time("verify", || {
        verify_with_margin(&corpus.sigs, &candidates, &rule)
    });
    progress.advance(candidates.len() as u64);
    progress.end();
    let similar = verify(&corpus.sigs, &candidates, config.stories.threshold);
    let mut refined = doubtful.len() as u64;
    if !doubtful.is_empty() {
        let start = Instant::now();
        match refine(corpus, config, &rule, &doubtful, progress)? {
            Some(decided) => pairs.extend(decided),
            None => {
                // Over the memory budget: decide on the coarse estimate.
                refined = 0;
                pairs.extend(
                    doubtful
                        .iter()
                        .filter_map(|p| rule.decide(&corpus.sigs, p, f64::from(p.jaccard))),
                );
            }
        }
        pairs.sort_by_key(|p| (p.a, p.b));
        timings.add("refine", start.elapsed());
    }
    let clusters = timings.stage(progress, "cluster", || cluster(corpus, config, &pairs));
    Ok(Duplicates {
        lsh,
        candidates: candidates.len() as u64,
        pairs,
        refined,
        similar,
        clusters,
    })
}

/// Cuts the verified `pairs` (sorted by `(a, b)`) into clusters without
/// chaining ([`Clusters::build`]), keeping by `--keep`.
///
/// A member must be a near-duplicate of its cluster's kept document: a
/// verified pair, or (where banding gave a star or a chain instead of every
/// pair) coarse signatures that clear the threshold by the margin that
/// accepts a pair without refinement. In a pair accepted on containment,
/// the larger document (by estimated shingles) is a duplicate of the
/// smaller only when `--threshold` of it is shared.
pub fn cluster(corpus: &Corpus, config: &Config, pairs: &[Pair]) -> Clusters {
    let (docs, row_docs) = (&corpus.docs, &corpus.row_docs);
    cluster_rows(&corpus.sigs, config, pairs, |r| {
        let d = row_docs[r.index()];
        (docs.date(d), docs.chars(d))
    })
}

/// [`cluster`] over any signatures: `facts(row)` is the date and the
/// number of characters of a row's document (for `--keep earliest` and
/// `longest`); rows are in input order (ties of `--keep` go to the lower
/// row). The Spark path cuts each connected component with this, on the
/// component's rows alone: the result for a row depends only on its
/// component.
pub fn cluster_rows(
    sigs: &Signatures,
    config: &Config,
    pairs: &[Pair],
    facts: impl Fn(Row) -> (Option<i64>, u32) + Sync,
) -> Clusters {
    let sure = config.threshold + config.doubt_margin();
    // How close `member` is to `kept` when it may be its duplicate
    // ([`Pair::closeness`]).
    let near = |kept: Row, member: Row| match find_pair(pairs, kept, member) {
        Some(p)
            if p.contained
                && !may_hold_copy(
                    p,
                    sigs.shingles(kept),
                    sigs.shingles(member),
                    config.threshold,
                ) =>
        {
            None
        }
        Some(p) => Some(p.closeness()),
        None => {
            let j = sigs.jaccard(kept, member);
            (j >= sure).then_some(1.0 + j as f32)
        }
    };
    let n = sigs.len();
    match config.keep {
        Keep::First => Clusters::build(n, pairs, |r| r, near),
        Keep::Earliest => Clusters::build(
            n,
            pairs,
            |r| {
                let date = facts(r).0;
                (date.is_none(), date.unwrap_or(0), r)
            },
            near,
        ),
        Keep::Longest => Clusters::build(n, pairs, |r| (std::cmp::Reverse(facts(r).1), r), near),
    }
}

/// Decides `doubtful` pairs on the finer signatures of their documents and
/// returns those at or above the threshold; `None` when there is no room for
/// finer signatures (the pairs are then decided on the coarse estimate).
///
/// The finer signatures normally come from the first read. When they
/// outgrew their budget there, the documents of the doubtful pairs are read
/// again and signed with the same parameters, within
/// [`MemoryBudget::refine_reread`](crate::config::MemoryBudget::refine_reread): if fewer slots fit, fewer are made (a multiple of
/// `num_perm`, at least twice it).
fn refine(
    corpus: &Corpus,
    config: &Config,
    rule: &Rule,
    doubtful: &[Pair],
    progress: &dyn Progress,
) -> Result<Option<Vec<Pair>>> {
    let k = config.num_perm;
    if let Some(fine) = &corpus.fine {
        return Ok(Some(decide(
            doubtful,
            corpus,
            rule,
            fine,
            config.fine_width(),
            Row::index,
        )));
    }
    let mut rows: Vec<Row> = doubtful.iter().flat_map(|p| [p.a, p.b]).collect();
    rows.sort_unstable();
    rows.dedup();
    let budget = config.budget().refine_reread() as usize;
    let fit = budget / rows.len().max(1) / k * k;
    let width = config.fine_width().min(fit);
    if width < 2 * k {
        return Ok(None);
    }
    progress.begin("refine", Some(rows.len() as u64), Unit::Items);
    let fine = corpus.sign_fine_again(config, &rows, width, progress)?;
    progress.end();
    Ok(Some(decide(doubtful, corpus, rule, &fine, width, |r| {
        rows.binary_search(&r).unwrap_or(0)
    })))
}

/// The `doubtful` pairs that `rule` accepts on their finer estimate; the
/// finer signature of row `r` is the `index(r)`-th `width` bytes of `fine`.
fn decide(
    doubtful: &[Pair],
    corpus: &Corpus,
    rule: &Rule,
    fine: &[u8],
    width: usize,
    index: impl Fn(Row) -> usize + Sync,
) -> Vec<Pair> {
    let row = |r: Row| {
        let i = index(r);
        &fine[i * width..(i + 1) * width]
    };
    doubtful
        .par_iter()
        .filter_map(|p| rule.decide(&corpus.sigs, p, estimate_fine(row(p.a), row(p.b))))
        .collect()
}
