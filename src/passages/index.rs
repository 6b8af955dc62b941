//! The corpus-wide index of word n-grams: which documents share text, and
//! which shared phrases are stock phrases rather than reuse.
//!
//! Every document's winnowed word 5-gram fingerprints ([`super::ngrams`]:
//! any run of 8 identical words shares one) that occur more than once are
//! sorted by hash (no hash maps; [`crate::spill`] past the budget), so the
//! index is a flat run of 16-byte entries and the work is a sort and a scan;
//! there is never an all-pairs comparison.
//!
//! # Stock phrases versus wire copy
//!
//! A phrase many documents share is either a stock phrase (titles, formulas,
//! honorifics, quotations everyone quotes) or copy that many outlets ran (a
//! wire story). Document frequency cannot tell them apart; *context* and
//! *outlets* can. The thirty copies of a wire story are the same article: the
//! documents that share its phrases are similar as wholes. The documents that
//! share an honorific or a Quran verse have nothing else in common. And an
//! outlet runs a wire story once, but uses a stock phrase in article after
//! article. So a fingerprint found in at least [`STOCK_MIN_CLUSTERS`]
//! near-duplicate clusters is stock when
//!
//! - most of [`CONTEXT_SAMPLE`] sampled pairs of those documents (one per
//!   cluster) are unrelated: estimated Jaccard below [`UNRELATED`]; or
//! - it appears in at least [`STOCK_RATIO`] times as many clusters as outlets
//!   (and in at least [`STOCK_RATIO_MIN_CLUSTERS`]); or
//! - its documents mostly have no outlet and it is in more than
//!   [`STOCK_MAX_SHARE`] of all clusters (documents without an outlet each
//!   count as an outlet of their own, so only frequency speaks for them).
//!
//! The words a stock fingerprint covers do not count towards a passage's
//! length, so a stock phrase alone is never reuse, but a wire story that
//! contains one still is. The price: text that four or more otherwise
//! unrelated articles share (a standard background paragraph) is treated as
//! stock too.

use ahash::AHashSet;
use rayon::prelude::*;

use crate::document::Row;
use crate::error::Result;
use crate::signed::SignedDocs;
use crate::spill::{Sorted, Sorter};

use super::Space;
use super::doc::Doc;
use super::ngrams::fingerprints;
use super::repeats::Kind;
use super::tokens::TokenStore;

/// Least number of clusters a stock fingerprint appears in.
pub const STOCK_MIN_CLUSTERS: u32 = 4;
/// Least ratio of clusters to outlets of a stock fingerprint (with at least
/// [`STOCK_RATIO_MIN_CLUSTERS`] clusters).
pub const STOCK_RATIO: f64 = 3.0;
/// Least number of clusters for the outlet-ratio rule.
pub const STOCK_RATIO_MIN_CLUSTERS: u32 = 10;
/// Documents less similar than this (estimated Jaccard) are unrelated.
pub const UNRELATED: f64 = 0.15;
/// Pairs of documents sampled to judge whether a phrase's documents are related.
pub const CONTEXT_SAMPLE: usize = 16;
/// Share of all clusters above which a fingerprint is stock regardless of outlets.
pub const STOCK_MAX_SHARE: f64 = 0.01;
/// Near-duplicate clusters up to this size have all their pairs of outlets
/// compared (a wire story and its republications); in larger ones members are
/// compared with the kept document only.
pub const FULL_CLUSTER: u32 = 32;
/// A fingerprint that is not stock is a template's (a formula, or a running
/// story's background paragraph) when its documents, in at least
/// [`STOCK_MIN_CLUSTERS`] clusters, are dated on at least this many distinct
/// days spanning more than [`TEMPLATE_SPAN_DAYS`]: copy of one article runs
/// within a day or two, a formula comes back day after day.
pub const TEMPLATE_DAYS: usize = 3;
/// Least span, in days, of the dates of a template fingerprint's documents.
pub const TEMPLATE_SPAN_DAYS: i64 = 2;
/// Fingerprints shared by more documents than this give no candidate pairs
/// (they would give a quadratic number; such phrases are stock in practice).
pub const MAX_GROUP: usize = 2000;

/// A seed: documents `a < b` (signature [`Row`]s) share the n-gram at word
/// `pa` of `a` and `pb` of `b`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Seed {
    /// Earlier row.
    pub a: Row,
    /// Later row.
    pub b: Row,
    /// Word index in `a` (local to the document).
    pub pa: u32,
    /// Word index in `b`.
    pub pb: u32,
}

/// Whether a phrase found in the documents of `rows` (signature [`Row`]s, any
/// order, repeats allowed) is stock (see the module docs); `kept` gives the
/// kept row of every row's near-duplicate cluster.
fn is_stock(
    signed: &SignedDocs<'_>,
    kept: &[Row],
    rows: impl Iterator<Item = Row> + Clone,
    total_clusters: usize,
) -> bool {
    let mut clusters: Vec<Row> = rows.clone().map(|r| kept[r.index()]).collect();
    clusters.sort_unstable();
    clusters.dedup();
    let n_clusters = clusters.len() as u32;
    if n_clusters < STOCK_MIN_CLUSTERS {
        return false;
    }
    let mut outlets: Vec<u64> = rows.map(|r| outlet_key(signed, r)).collect();
    outlets.sort_unstable();
    outlets.dedup();
    let unknown = outlets.iter().filter(|&&o| o >> 32 != 0).count();
    unrelated(signed, &clusters)
        || (n_clusters >= STOCK_RATIO_MIN_CLUSTERS
            && f64::from(n_clusters) >= STOCK_RATIO * outlets.len() as f64)
        || (2 * unknown >= outlets.len()
            && f64::from(n_clusters) > STOCK_MAX_SHARE * total_clusters as f64)
}

/// Number of near-duplicate clusters (of distinct kept rows).
fn cluster_count(kept: &[Row]) -> usize {
    let mut k: Vec<Row> = kept.to_vec();
    k.sort_unstable();
    k.dedup();
    k.len().max(1)
}

/// What the index yields.
pub struct IndexResult {
    /// Seeds of candidate pairs `(a, b, pa, pb)` (rows by number), sorted;
    /// a seed may be there more than once.
    pub seeds: Sorted<(u32, u32, u32, u32)>,
    /// Fingerprints found to be stock phrases.
    pub stock: AHashSet<u64>,
    /// Fingerprints found to be templates' wording.
    pub template: AHashSet<u64>,
    /// Distinct fingerprints found to be templates'.
    pub template_fingerprints: u64,
    /// Number of fingerprints indexed.
    pub fingerprints: u64,
    /// Number of distinct fingerprints found to be stock.
    pub stock_fingerprints: u64,
}

/// Whether most sampled pairs of the clusters' kept documents (sorted rows)
/// are unrelated.
fn unrelated(signed: &SignedDocs<'_>, clusters: &[Row]) -> bool {
    let mut sampled = 0;
    let mut low = 0;
    'outer: for step in 1..clusters.len() {
        for i in 0..clusters.len() - step {
            if sampled == CONTEXT_SAMPLE {
                break 'outer;
            }
            sampled += 1;
            if signed.jaccard(clusters[i], clusters[i + step]) < UNRELATED {
                low += 1;
            }
        }
    }
    2 * low > sampled
}

/// The outlet key of a row: its outlet, or a key of its own when unknown.
pub fn outlet_key(signed: &SignedDocs<'_>, row: Row) -> u64 {
    match signed.docs.outlet_index(signed.doc(row)) {
        Some(o) => u64::from(o),
        None => (1 << 32) | u64::from(row.0),
    }
}

/// What the index sorts ([`sort_repeated`](super::repeats::sort_repeated)):
/// a document's winnowed fingerprints outside boilerplate, as entries,
/// keyed by hash; about `words / 2` of them. Fingerprints found once pair
/// no documents and are never stock: only the others (and a few single
/// ones sharing their bits) are sorted; about 0.4 fingerprints a word.
pub fn kind(
    words: &TokenStore,
) -> Kind<impl Fn(&Doc) -> Vec<Entry> + Sync + Send, impl Fn(&Entry) -> u64 + Sync + Send> {
    Kind {
        expected: words.len() / 2,
        entries: |d: &Doc| {
            fingerprints(&d.tokens.hashes, &d.masked)
                .into_iter()
                .map(|(h, p)| (h, d.row.0, p))
                .collect::<Vec<Entry>>()
        },
        key: |e: &Entry| e.0,
    }
}

/// Builds the index from the sorted fingerprints of every document
/// ([`kind`]) and the number made, and returns the seeds of pairs of
/// documents of different outlets, with the fingerprints found to be stock
/// or templates'; fingerprints are judged group by group.
pub fn build(
    signed: &SignedDocs<'_>,
    kept: &[Row],
    issues: &[Row],
    (fingerprints, entries): (u64, Sorted<Entry>),
    space: &Space,
) -> Result<IndexResult> {
    let judge = Judge::new(signed, kept).with_issues(issues);
    let mut seeds: Sorter<(u32, u32, u32, u32)> = space.sorter();
    let (mut stock, mut template) = (AHashSet::new(), AHashSet::new());
    entries.for_each_batch(
        GROUP_BATCH,
        |x, y| x.0 == y.0,
        |batch| {
            // Each group on its own (in parallel), then in order.
            let bounds = shared_runs(batch, |x, y| x.0 == y.0);
            let results: Vec<(Wording, Vec<Seed>)> = bounds
                .par_iter()
                .map(|&(i, j)| judge.group(&batch[i..j]))
                .collect();
            for (&(i, _), (wording, s)) in bounds.iter().zip(results) {
                match wording {
                    Wording::Stock => {
                        stock.insert(batch[i].0);
                    }
                    Wording::Template => {
                        template.insert(batch[i].0);
                    }
                    Wording::Plain => {}
                }
                seeds.extend(s.into_iter().map(|s| (s.a.0, s.b.0, s.pa, s.pb)))?;
            }
            Ok(())
        },
    )?;
    Ok(IndexResult {
        seeds: space.finish(seeds)?,
        stock_fingerprints: stock.len() as u64,
        template_fingerprints: template.len() as u64,
        stock,
        template,
        fingerprints,
    })
}

/// Sorted records judged at a time (whole groups).
pub(super) const GROUP_BATCH: usize = 1 << 20;

/// An index entry: `(fingerprint hash, row, word position in the row)`, the
/// row by its number (a flat sort key; [`row`] gives the [`Row`]).
pub(super) type Entry = (u64, u32, u32);

/// The signature [`Row`] of an index entry.
#[inline]
fn row(e: &Entry) -> Row {
    Row(e.1)
}

/// The ranges `(start, end)` of the runs of at least two consecutive items
/// of `sorted` that are `same`, in order.
pub(super) fn shared_runs<T>(sorted: &[T], same: impl Fn(&T, &T) -> bool) -> Vec<(usize, usize)> {
    let mut bounds = Vec::new();
    let mut start = 0;
    for run in sorted.chunk_by(|x, y| same(x, y)) {
        if run.len() > 1 {
            bounds.push((start, start + run.len()));
        }
        start += run.len();
    }
    bounds
}

/// What a fingerprint's wording is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Wording {
    /// In many unrelated documents ([`is_stock`]).
    Stock,
    /// Recurring over days in many clusters ([`Judge::is_template`]).
    Template,
    /// Neither.
    Plain,
}

/// What judging a fingerprint group needs: the near-duplicate clusters and
/// the outlets of the rows.
pub(super) struct Judge<'a, 's> {
    signed: &'a SignedDocs<'s>,
    /// Per row, the kept row of its near-duplicate cluster.
    kept: &'a [Row],
    /// Per kept row, the size of its cluster.
    cluster_size: Vec<u32>,
    /// Number of clusters.
    total_clusters: usize,
    /// Per row, the first row of its issue ([`issues`]), for
    /// [`Judge::is_template`]; the clusters when not set.
    issues: Option<&'a [Row]>,
}

/// Jaccard from which two near-duplicates are one issue of a text: the same
/// words, not a template's formula with other slots.
pub const ISSUE_JACCARD: f64 = 0.9;

/// Per row, the first row of its issue: rows joined by near-duplicate pairs
/// of estimated Jaccard at least [`ISSUE_JACCARD`]. Template siblings are
/// often near-duplicates on signatures alone (the formula is most of the
/// text) and share a cluster, but not an issue.
pub fn issues(rows: usize, pairs: &[crate::cluster::Pair]) -> Vec<Row> {
    let mut uf = crate::cluster::UnionFind::new(rows);
    for p in pairs
        .iter()
        .filter(|p| f64::from(p.jaccard) >= ISSUE_JACCARD)
    {
        uf.union(p.a.0, p.b.0);
    }
    (0..rows as u32).map(|r| Row(uf.find(r))).collect()
}

impl<'a, 's> Judge<'a, 's> {
    /// A judge of the rows of `signed`, `kept` giving the kept row of each
    /// row's near-duplicate cluster.
    pub(super) fn new(signed: &'a SignedDocs<'s>, kept: &'a [Row]) -> Judge<'a, 's> {
        let mut cluster_size = vec![0u32; kept.len()];
        for &k in kept {
            cluster_size[k.index()] += 1;
        }
        Judge {
            signed,
            kept,
            cluster_size,
            total_clusters: cluster_count(kept),
            issues: None,
        }
    }

    /// The same judge, counting the `issues` of [`issues`] instead of
    /// clusters when it tells a template.
    pub(super) fn with_issues(self, issues: &'a [Row]) -> Judge<'a, 's> {
        Judge {
            issues: Some(issues),
            ..self
        }
    }

    /// Whether a phrase found in `rows` is stock ([`is_stock`]).
    pub(super) fn is_stock(&self, rows: impl Iterator<Item = Row> + Clone) -> bool {
        is_stock(self.signed, self.kept, rows, self.total_clusters)
    }

    /// Whether a phrase found in `rows` that is not stock is a template's:
    /// in at least [`STOCK_MIN_CLUSTERS`] issues ([`issues`]; clusters when not set), dated on at least
    /// [`TEMPLATE_DAYS`] distinct days spanning more than
    /// [`TEMPLATE_SPAN_DAYS`].
    pub(super) fn is_template(&self, rows: impl Iterator<Item = Row>) -> bool {
        let rows: Vec<Row> = rows.collect();
        let of = self.issues.unwrap_or(self.kept);
        let mut clusters: Vec<Row> = rows.iter().map(|r| of[r.index()]).collect();
        clusters.sort_unstable();
        clusters.dedup();
        if clusters.len() < STOCK_MIN_CLUSTERS as usize {
            return false;
        }
        let docs = self.signed.docs;
        let mut days: Vec<i64> = rows
            .iter()
            .filter_map(|&r| docs.date(self.signed.doc(r)))
            .map(|t| t.div_euclid(86_400))
            .collect();
        days.sort_unstable();
        days.dedup();
        days.len() >= TEMPLATE_DAYS
            && days
                .last()
                .zip(days.first())
                .is_some_and(|(l, f)| l - f > TEMPLATE_SPAN_DAYS)
    }

    /// Whether two rows of one group make a candidate pair: different rows
    /// of different outlets, and not two non-kept members of a
    /// near-duplicate cluster larger than [`FULL_CLUSTER`] (members of those
    /// are compared with the kept document only).
    pub(super) fn may_pair(&self, ra: Row, rb: Row) -> bool {
        if ra == rb || outlet_key(self.signed, ra) == outlet_key(self.signed, rb) {
            return false;
        }
        let (ka, kb) = (self.kept[ra.index()], self.kept[rb.index()]);
        !(ka == kb && ra != ka && rb != kb && self.cluster_size[ka.index()] > FULL_CLUSTER)
    }

    /// What the fingerprint of `group` (entries of one hash) is, and the
    /// seeds it gives: none if it is stock, all its rows share one outlet,
    /// or it has more than [`MAX_GROUP`] entries.
    fn group(&self, group: &[Entry]) -> (Wording, Vec<Seed>) {
        let signed = self.signed;
        let stock = self.is_stock(group.iter().map(row));
        let wording = if stock {
            Wording::Stock
        } else if self.is_template(group.iter().map(row)) {
            Wording::Template
        } else {
            Wording::Plain
        };
        let multi_outlet = group
            .iter()
            .any(|e| outlet_key(signed, row(e)) != outlet_key(signed, row(&group[0])));
        let mut seeds = Vec::new();
        if !stock && multi_outlet && group.len() <= MAX_GROUP {
            self.pair_seeds(group, &mut seeds);
        }
        (wording, seeds)
    }

    /// Appends to `seeds` one seed per pair of entries of `group` that
    /// [`Judge::may_pair`], in entry order.
    fn pair_seeds(&self, group: &[Entry], seeds: &mut Vec<Seed>) {
        for (x, ea) in group.iter().enumerate() {
            for eb in &group[x + 1..] {
                if !self.may_pair(row(ea), row(eb)) {
                    continue;
                }
                let (a, b) = if row(ea) < row(eb) {
                    (ea, eb)
                } else {
                    (eb, ea)
                };
                seeds.push(Seed {
                    a: row(a),
                    b: row(b),
                    pa: a.2,
                    pb: b.2,
                });
            }
        }
    }
}
