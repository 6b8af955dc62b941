//! The feed rule: is a new document a near-duplicate of one seen before?
//!
//! Documents are decided one at a time, in batch order, each against the
//! index as last committed and the batch's earlier documents. A document's
//! candidates are the documents sharing one of its LSH band keys, and the
//! document kept for each candidate that is itself a duplicate. A
//! candidate that was new when added (a kept document) is a match when the
//! pair passes the same verification as `dedup` ([`Rule`]: the Jaccard
//! estimate, the finer signature near the threshold, containment), and the
//! new document may be its duplicate (a text that holds a shorter kept one
//! and much more is not: `may_hold_copy`). The closest match wins
//! ([`Pair::closeness`]), the earliest added among equals; none makes the
//! document new.
//!
//! This is `dedup --keep first` made incremental: a document kept when it
//! came stays kept. Where `dedup`, seeing all documents at once, would
//! choose a later document as the centre of a chain (A ~ B, B ~ C, A ≁ C:
//! `dedup` keeps B and drops A and C; the feed kept A, drops B, keeps C),
//! the decisions differ; on every other input they are the same. Splitting
//! a feed into batches never changes a decision.
//!
//! A document's story is that of its match; for a new document, that of
//! the most similar candidate whose Jaccard estimate reaches the story
//! threshold and whose story's first document is within the story window
//! of it (a story never spans more than the window); else it starts its
//! own. Only candidates that share a band are seen, so stories here link
//! documents closer than `analyze`'s stories do.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use heed::RoTxn;

use super::record::Record;
use super::store::{Store, Tables};
use super::{Batch, BatchDoc, IndexParams};
use crate::cluster::{Judgement, Pair, Rule, may_hold_copy};
use crate::document::Row;
use crate::error::{Error, Result};
use crate::lsh::band_key;
use crate::minhash::{containment, estimate, estimate_fine};

/// A document a decision can point to: one in the index (by number) or an
/// earlier one of the batch (by position). Stored documents come first:
/// they were added first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Ref {
    Stored(u64),
    Batch(u32),
}

/// A story: named by the id of its first document (stored), or started by
/// a document of the batch (by position).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Story {
    Named(String),
    Batch(u32),
}

/// A story and the time of its first document (its date, else when it was
/// added).
pub(super) type Dated = (Story, i64);

/// What the rule needs of a document (its finer signature is read only
/// for a pair in doubt).
struct Doc {
    sig: Vec<u16>,
    shingles: u32,
    duplicate: bool,
    kept: Ref,
    story: Dated,
}

/// The decision on one document of a batch.
#[derive(Clone, Debug)]
pub(super) struct Verdict {
    /// The kept document it duplicates, and how similar they are.
    pub duplicate_of: Option<(Ref, Pair)>,
    /// Its story.
    pub story: Dated,
}

/// The band keys of a signature.
pub(super) fn band_keys(params: &IndexParams, sig: &[u16]) -> Vec<u64> {
    (0..params.bands)
        .map(|b| band_key(sig, b, params.rows))
        .collect()
}

/// Decides every document of `batch`, in order, against the index as `txn`
/// sees it and the batch's earlier documents.
pub(super) fn decide<'a>(
    store: &Store,
    tables: &Tables,
    txn: &'a RoTxn<'_>,
    params: &IndexParams,
    batch: &'a Batch,
    now: i64,
) -> Result<Vec<Verdict>> {
    let rule = params.rule();
    let sig_bytes = params.num_perm * 2;
    let mut overlay: HashMap<u64, Vec<u32>> = HashMap::new();
    let mut verdicts: Vec<Verdict> = Vec::with_capacity(batch.len());
    let stored = |n: u64| load_stored(store, tables, txn, n, sig_bytes);
    let fine_of = |r: Ref| -> Result<Cow<'a, [u8]>> {
        match r {
            Ref::Batch(j) => Ok(Cow::Borrowed(batch.doc(j as usize).fine)),
            Ref::Stored(n) => {
                let fine = tables.fine.get(txn, &n).map_err(|e| store.err(e))?;
                fine.filter(|f| f.len() == params.fine_width())
                    .map(Cow::Borrowed)
                    .ok_or_else(|| damaged(store, n))
            }
        }
    };
    for i in 0..batch.len() {
        let me = batch.doc(i);
        let keys = band_keys(params, me.sig);
        let refs = sharing_a_band(store, tables, txn, &overlay, &keys)?;
        // The candidates, and the kept documents of those that are duplicates.
        let mut docs: BTreeMap<Ref, Doc> = BTreeMap::new();
        let load = |r: Ref, docs: &mut BTreeMap<Ref, Doc>| -> Result<()> {
            if docs.contains_key(&r) {
                return Ok(());
            }
            let doc = match r {
                Ref::Stored(n) => match stored(n)? {
                    None => return Ok(()), // expired
                    Some(rec) => Doc {
                        sig: rec.slots(),
                        shingles: rec.shingles,
                        duplicate: rec.duplicate,
                        kept: Ref::Stored(rec.kept),
                        story: (Story::Named(rec.story.into_owned()), rec.story_time),
                    },
                },
                Ref::Batch(j) => {
                    let d = batch.doc(j as usize);
                    let v = &verdicts[j as usize];
                    Doc {
                        sig: d.sig.to_vec(),
                        shingles: d.shingles,
                        duplicate: v.duplicate_of.is_some(),
                        kept: v.duplicate_of.as_ref().map_or(r, |(k, _)| *k),
                        story: v.story.clone(),
                    }
                }
            };
            docs.insert(r, doc);
            Ok(())
        };
        for &r in &refs {
            load(r, &mut docs)?;
        }
        let kept_of_duplicates: Vec<Ref> = docs
            .values()
            .filter(|d| d.duplicate)
            .map(|d| d.kept)
            .collect();
        for r in kept_of_duplicates {
            load(r, &mut docs)?;
        }
        let mut best: Option<(Ref, Pair, f32)> = None;
        for (&r, d) in &docs {
            if d.duplicate {
                continue;
            }
            let Some(p) = verify(&rule, d, &me, || fine_of(r))? else {
                continue;
            };
            if p.contained && !may_hold_copy(&p, d.shingles, me.shingles, params.threshold) {
                continue;
            }
            let c = p.closeness();
            if best.as_ref().is_none_or(|b| c > b.2) {
                best = Some((r, p, c));
            }
        }
        let mine = me.date.unwrap_or(now);
        let story = match &best {
            // The same text is the same story.
            Some((r, _, _)) => docs[r].story.clone(),
            None => {
                closest_story(&docs, &me, mine, params).unwrap_or((Story::Batch(i as u32), mine))
            }
        };
        for key in keys {
            overlay.entry(key).or_default().push(i as u32);
        }
        verdicts.push(Verdict {
            duplicate_of: best.map(|(r, p, _)| (r, p)),
            story,
        });
    }
    Ok(verdicts)
}

/// The documents sharing one of `keys`: in the index as `txn` sees it, and
/// among the batch's earlier documents (`overlay`), sorted and distinct.
fn sharing_a_band(
    store: &Store,
    tables: &Tables,
    txn: &RoTxn<'_>,
    overlay: &HashMap<u64, Vec<u32>>,
    keys: &[u64],
) -> Result<Vec<Ref>> {
    let mut refs: Vec<Ref> = Vec::new();
    for key in keys {
        let stored = tables
            .bands
            .get_duplicates(txn, key)
            .map_err(|e| store.err(e))?;
        for entry in stored.into_iter().flatten() {
            let (_, n) = entry.map_err(|e| store.err(e))?;
            refs.push(Ref::Stored(n));
        }
        if let Some(js) = overlay.get(key) {
            refs.extend(js.iter().map(|&j| Ref::Batch(j)));
        }
    }
    refs.sort_unstable();
    refs.dedup();
    Ok(refs)
}

/// The story of a new document (of time `mine`): that of the most similar
/// candidate (Jaccard estimate at least the story threshold) whose story
/// began within the window, so that a story never spans more than the
/// window; the first such candidate among equals.
fn closest_story(
    docs: &BTreeMap<Ref, Doc>,
    me: &BatchDoc<'_>,
    mine: i64,
    params: &IndexParams,
) -> Option<Dated> {
    let window = params.story_window_days * 86_400.0;
    let mut found: Option<(&Doc, f64)> = None;
    for d in docs.values() {
        let j = estimate(&d.sig, me.sig);
        let near_in_time = (mine - d.story.1).unsigned_abs() as f64 <= window;
        if j >= params.story_threshold && near_in_time && found.is_none_or(|(_, fj)| j > fj) {
            found = Some((d, j));
        }
    }
    found.map(|(d, _)| d.story.clone())
}

/// The pair of `kept` (earlier) and `me` if `rule` accepts it, as `dedup`
/// verifies a candidate: on the coarse estimate, and on the finer one when
/// the coarse one is too close to a threshold to call. (Rows are
/// placeholders: the pair is only returned for its estimates.)
fn verify<'f>(
    rule: &Rule,
    kept: &Doc,
    me: &BatchDoc<'_>,
    kept_fine: impl FnOnce() -> Result<Cow<'f, [u8]>>,
) -> Result<Option<Pair>> {
    let sizes = (f64::from(kept.shingles), f64::from(me.shingles));
    let judge = |rule: &Rule, j: f64| rule.judge_estimates(j, containment(j, sizes.0, sizes.1));
    let j = estimate(&kept.sig, me.sig);
    let pair = |j: f64, contained: bool| Pair {
        a: Row(0),
        b: Row(0),
        jaccard: j as f32,
        containment: containment(j, sizes.0, sizes.1) as f32,
        contained,
    };
    Ok(match judge(rule, j) {
        Judgement::Accept { contained } => Some(pair(j, contained)),
        Judgement::Reject => None,
        Judgement::Doubt => {
            let fine = Rule {
                margin: 0.0,
                ..*rule
            };
            let jf = estimate_fine(&kept_fine()?, me.fine);
            match judge(&fine, jf) {
                Judgement::Accept { contained } => Some(pair(jf, contained)),
                _ => None,
            }
        }
    })
}

/// The record of stored document `n`, `None` when it expired.
pub(super) fn load_stored<'t>(
    store: &Store,
    tables: &Tables,
    txn: &'t RoTxn<'_>,
    n: u64,
    sig_bytes: usize,
) -> Result<Option<Record<'t>>> {
    let Some(bytes) = tables.docs.get(txn, &n).map_err(|e| store.err(e))? else {
        return Ok(None);
    };
    Record::decode(bytes, sig_bytes)
        .map(Some)
        .ok_or_else(|| damaged(store, n))
}

pub(super) fn damaged(store: &Store, n: u64) -> Error {
    Error::other(format!(
        "index {}: document {n} is damaged (run `neardup index check`)",
        store.path.display()
    ))
}
