//! Stories: articles (usually of different outlets) that report the same
//! event.
//!
//! Documents are linked by three kinds of evidence, strongest first:
//!
//! 1. they are near-duplicates (always the same story);
//! 2. they share passages totalling at least [`StoryParams::min_words`] words;
//! 3. their estimated Jaccard similarity reaches [`StoryParams::threshold`]
//!    (a second LSH banding of the same signatures at that lower threshold).
//!
//! Links 2 and 3 are guarded against chaining, the failure mode of
//! single-link clustering where A–B and B–C links make one giant story out of
//! unrelated articles: a link between two dated documents further apart than
//! [`StoryParams::window_days`] is dropped, and links are applied strongest
//! first, each only if the story it makes has at most
//! [`StoryParams::max_size`] documents. The result depends only on the links,
//! never on thread scheduling.

use crate::cluster::{Pair, UnionFind, verify};
use crate::lsh::{candidate_pairs, optimal_params};
use crate::pipeline::{Corpus, Duplicates};

/// Parameters of story detection.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct StoryParams {
    /// Jaccard similarity that links two documents into a story.
    pub threshold: f64,
    /// Shared passage words that link two documents into a story.
    pub min_words: u32,
    /// Dated documents further apart than this many days are not linked.
    pub window_days: f64,
    /// Largest story a link may make.
    pub max_size: usize,
}

impl Default for StoryParams {
    fn default() -> Self {
        StoryParams {
            threshold: 0.4,
            min_words: 8,
            window_days: 7.0,
            max_size: 200,
        }
    }
}

/// Why two documents are in one story.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Evidence {
    /// Shared passages of this many words.
    Passages(u32),
    /// Document similarity only.
    Similarity,
}

/// A story link between signature rows `a < b`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Link {
    /// Earlier row.
    pub a: u32,
    /// Later row.
    pub b: u32,
    /// Estimated Jaccard similarity.
    pub jaccard: f32,
    /// What links them.
    pub evidence: Evidence,
}

/// The stories of a corpus.
#[derive(Clone, Debug)]
pub struct Stories {
    /// For every signature row, the first row (input order) of its story.
    pub first: Vec<u32>,
    /// Number of stories among signed documents.
    pub count: usize,
    /// Size of the largest story.
    pub largest: usize,
    /// Links that joined stories, sorted by `(a, b)`; near-duplicate pairs are
    /// not repeated here.
    pub links: Vec<Link>,
    /// Links dropped by the size guard.
    pub dropped_by_size: u64,
    /// Links dropped by the time window.
    pub dropped_by_window: u64,
}

/// Builds stories from near-duplicates, passage pairs `(a, b, words)` and
/// document similarity.
pub fn build(
    corpus: &Corpus,
    dups: &Duplicates,
    passage_pairs: &[(u32, u32, u32)],
    params: &StoryParams,
) -> Stories {
    let n = corpus.sigs.len();
    let mut uf = UnionFind::new(n);
    for p in &dups.pairs {
        uf.union(p.a, p.b);
    }
    let mut candidates: Vec<Link> = passage_pairs
        .iter()
        .filter(|&&(_, _, w)| w >= params.min_words)
        .map(|&(a, b, w)| Link {
            a,
            b,
            jaccard: corpus.sigs.jaccard(a, b) as f32,
            evidence: Evidence::Passages(w),
        })
        .collect();
    if params.threshold < 1.0 {
        let lsh = optimal_params(params.threshold, corpus.sigs.width());
        let similar: Vec<Pair> = verify(
            &corpus.sigs,
            &candidate_pairs(&corpus.sigs, lsh),
            params.threshold,
        );
        candidates.extend(similar.into_iter().map(|p| Link {
            a: p.a,
            b: p.b,
            jaccard: p.jaccard,
            evidence: Evidence::Similarity,
        }));
    }
    // Strongest first: passage words, then similarity; ties in input order.
    candidates.sort_by(|x, y| {
        let wx = match x.evidence {
            Evidence::Passages(w) => w,
            Evidence::Similarity => 0,
        };
        let wy = match y.evidence {
            Evidence::Passages(w) => w,
            Evidence::Similarity => 0,
        };
        wy.cmp(&wx)
            .then(y.jaccard.total_cmp(&x.jaccard))
            .then((x.a, x.b).cmp(&(y.a, y.b)))
    });
    let window = params.window_days * 86_400.0;
    let mut links = Vec::new();
    let (mut dropped_by_size, mut dropped_by_window) = (0, 0);
    let mut seen = ahash::AHashSet::new();
    let is_duplicate_pair = |a: u32, b: u32| {
        dups.pairs
            .binary_search_by(|p| (p.a, p.b).cmp(&(a, b)))
            .is_ok()
    };
    for l in candidates {
        if !seen.insert((l.a, l.b)) || is_duplicate_pair(l.a, l.b) {
            continue;
        }
        let (da, db) = (
            corpus.docs.date(corpus.doc_of_row(l.a)),
            corpus.docs.date(corpus.doc_of_row(l.b)),
        );
        if let (Some(x), Some(y)) = (da, db)
            && (x - y).unsigned_abs() as f64 > window
        {
            dropped_by_window += 1;
            continue;
        }
        let (ra, rb) = (uf.find(l.a), uf.find(l.b));
        if ra == rb {
            links.push(l);
            continue;
        }
        if (uf.set_size(ra) + uf.set_size(rb)) as usize > params.max_size {
            dropped_by_size += 1;
            continue;
        }
        uf.union(ra, rb);
        links.push(l);
    }
    links.sort_by_key(|l| (l.a, l.b));
    let mut first = vec![u32::MAX; n];
    let mut roots = Vec::with_capacity(n);
    let mut count = 0;
    let mut largest = 0;
    for r in 0..n as u32 {
        let root = uf.find(r);
        roots.push(root);
        if first[root as usize] == u32::MAX {
            first[root as usize] = r;
            count += 1;
            largest = largest.max(uf.set_size(root) as usize);
        }
    }
    let first = roots.iter().map(|&root| first[root as usize]).collect();
    Stories {
        first,
        count,
        largest,
        links,
        dropped_by_size,
        dropped_by_window,
    }
}
