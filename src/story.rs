//! Stories: articles (usually of different outlets) that report the same
//! event.
//!
//! Documents are linked by three kinds of evidence, strongest first:
//!
//! 1. they are in one near-duplicate cluster (always the same story);
//! 2. they share passages totalling at least [`StoryParams::min_words`] words
//!    that are either two passages or more, or [`StoryParams::min_share`] of
//!    the longer document (one short item pasted into a long roundup is not
//!    enough);
//! 3. they share some text (a fingerprint of the passage index, or a band of
//!    the near-duplicate LSH) and their estimated Jaccard similarity reaches
//!    [`StoryParams::threshold`].
//!
//! Text that is a template's fixed wording, a stock phrase or a running
//! story's recurring background ([`crate::passages::TextKind::Template`]) is
//! not evidence of one event: template passages are not passage evidence
//! (2.; nor are quotes, the same public words in independent articles),
//! and a similarity link (3.) needs the pair to share at least one passage
//! of reused or quoted text — similar documents whose common text is all
//! formula are issues of a template, not one event.
//!
//! The caller passes as passage evidence (and as pairs sharing reused text)
//! only pairs with such a passage starting in the *lead* of one of the two
//! articles ([`crate::passages::Passages::in_lead`]), and never two issues of
//! one template: the news of an article is in its lead; a paragraph shared
//! further down both is a running story's background.
//!
//! The third kind only looks at pairs the earlier stages already found, so
//! it costs nothing more on a large corpus: a separate banding at a low
//! threshold would make background pairs (J ≈ 0.1) candidates by the
//! billion. Stories here are about shared text; articles about one event
//! that share no text (different reporters) are not linked. On the Lee
//! corpus of human-rated news pairs, such same-event pairs have character
//! shingle Jaccard 0.02–0.16, indistinguishable from unrelated pairs.
//!
//! Links 2 and 3 are guarded against chaining, the failure mode of
//! single-link clustering where A–B and B–C links make one giant story out of
//! unrelated articles (in real news, through roundups that paste several
//! agency items into one article, and royal-court formulas):
//!
//! - the dated documents of a story span at most
//!   [`StoryParams::window_days`]: a link that would stretch a story's span
//!   past it is dropped (so an undated document can join one dated story but
//!   not bridge two whose dates are too far apart);
//! - links are applied strongest first (passage words, then similarity);
//! - a link may join a document to a story, but two stories of several
//!   documents merge only once the links between them number at least
//!   [`MERGE_DENSITY`] times the smaller story's size (a link-count form of
//!   average linkage);
//! - no link makes a story larger than [`StoryParams::max_size`]: a
//!   component that would grow past it is split along its weakest links
//!   (links are applied strongest first, so the links dropped are weaker
//!   than every link inside the pieces), and [`Stories::split`] names the
//!   pieces.
//!
//! The result depends only on the links, never on thread scheduling.

use crate::cluster::Duplicates;
use crate::cluster::UnionFind;
use crate::config::StoryParams;
use crate::document::Row;
use crate::signed::SignedDocs;

/// Two stories of several documents merge when the links between them
/// number at least this share of the smaller story's documents.
pub const MERGE_DENSITY: f64 = 0.5;

/// Why two documents are in one story.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Evidence {
    /// Shared passages of this many words.
    Passages(u32),
    /// Document similarity only.
    Similarity,
}

/// A story link between signature [`Row`]s `a < b`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Link {
    /// Earlier row.
    pub a: Row,
    /// Later row.
    pub b: Row,
    /// Estimated Jaccard similarity.
    pub jaccard: f32,
    /// What links them.
    pub evidence: Evidence,
}

/// The stories of a corpus.
#[derive(Clone, Debug)]
pub struct Stories {
    /// For every signature [`Row`] (by [`Row::index`]), the first row (input
    /// order) of its story.
    pub first: Vec<Row>,
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
    /// Links dropped because too few documents of the two stories are linked.
    pub dropped_by_density: u64,
    /// Components of the links that the size guard split into several
    /// stories.
    pub split_components: u64,
    /// The stories (by their first row, sorted) that are pieces of a split
    /// component: parts of a larger web of links, less likely to be one
    /// event than a story that stands alone.
    pub split: Vec<Row>,
}

/// Builds stories from near-duplicates, passage pairs `(a, b, words,
/// passages)` of signature [`Row`]s, and
/// the similarity of pairs that share text (`aligned`: pairs the passage
/// stage aligned that share a passage, plus the LSH candidates in
/// `dups.similar`; only those sharing reused or quoted text count).
///
/// `doc_words` gives the number of words of every row (by [`Row::index`]):
/// a passage link's strength is its words over the longer document's words,
/// so links that make up much of both documents (republications) are applied
/// before links through a long roundup article that pastes a short item.
///
/// `reuse_pairs` (sorted) are the pairs that share a passage of reused or
/// quoted text: only they get similarity links.
pub fn build(
    signed: &SignedDocs<'_>,
    dups: &Duplicates,
    passage_pairs: &[(Row, Row, u32, u32)],
    aligned: &[(Row, Row)],
    reuse_pairs: &[(Row, Row)],
    doc_words: &[u32],
    params: &StoryParams,
) -> Stories {
    let inputs = Inputs {
        signed,
        dups,
        passage_pairs,
        aligned,
        reuse_pairs,
        doc_words,
        params,
    };
    let n = signed.len();
    let mut uf = UnionFind::new(n);
    for (r, k) in dups.clusters.kept.iter().enumerate() {
        uf.union(r as u32, k.0);
    }
    let mut candidates = inputs.candidates();
    inputs.order_by_strength(&mut candidates);
    let applied = inputs.apply(&mut uf, candidates);
    let labels = label(&mut uf, n);
    let split = split_pieces(&labels.first, &applied.size_dropped);
    Stories {
        split_components: split.components,
        split: split.pieces,
        first: labels.first,
        count: labels.count,
        largest: labels.largest,
        links: applied.links,
        dropped_by_size: applied.dropped_by_size,
        dropped_by_window: applied.dropped_by_window,
        dropped_by_density: applied.dropped_by_density,
    }
}

/// The arguments of [`build`], shared by its steps.
struct Inputs<'a, 's> {
    signed: &'a SignedDocs<'s>,
    dups: &'a Duplicates,
    passage_pairs: &'a [(Row, Row, u32, u32)],
    aligned: &'a [(Row, Row)],
    reuse_pairs: &'a [(Row, Row)],
    doc_words: &'a [u32],
    params: &'a StoryParams,
}

/// What applying the candidate links gave: the story links, sorted by
/// `(a, b)`, and how many candidates each guard dropped.
struct Applied {
    links: Vec<Link>,
    /// The links the size guard dropped.
    size_dropped: Vec<(Row, Row)>,
    dropped_by_size: u64,
    dropped_by_window: u64,
    dropped_by_density: u64,
}

/// The story of every row, as [`Stories`] reports it.
struct Labels {
    /// For every row, the first row of its story.
    first: Vec<Row>,
    /// Number of stories.
    count: usize,
    /// Size of the largest story.
    largest: usize,
}

impl Inputs<'_, '_> {
    /// Words of the longer of rows `a` and `b`, at least 1.
    fn longer(&self, a: Row, b: Row) -> u32 {
        let doc_words = self.doc_words;
        doc_words[a.index()].max(doc_words[b.index()]).max(1)
    }

    /// Every candidate link, unordered and possibly repeated: the passage
    /// pairs that pass the word and share thresholds, then the LSH pairs of
    /// `dups.similar`, then the aligned pairs whose estimated Jaccard reaches
    /// the story threshold.
    fn candidates(&self) -> Vec<Link> {
        let (signed, params) = (self.signed, self.params);
        let mut candidates: Vec<Link> = self
            .passage_pairs
            .iter()
            .filter(|&&(a, b, w, n)| {
                w >= params.min_words
                    && (n >= 2 || f64::from(w) >= params.min_share * f64::from(self.longer(a, b)))
            })
            .map(|&(a, b, w, _)| Link {
                a,
                b,
                jaccard: signed.jaccard(a, b) as f32,
                evidence: Evidence::Passages(w),
            })
            .collect();
        // Similarity links only for pairs sharing reused or quoted text.
        let shares_reuse = |a: Row, b: Row| self.reuse_pairs.binary_search(&(a, b)).is_ok();
        candidates.extend(
            self.dups
                .similar
                .iter()
                .filter(|p| shares_reuse(p.a, p.b))
                .map(|p| Link {
                    a: p.a,
                    b: p.b,
                    jaccard: p.jaccard,
                    evidence: Evidence::Similarity,
                }),
        );
        candidates.extend(self.aligned.iter().filter_map(|&(a, b)| {
            let j = signed.jaccard(a, b);
            (j >= params.threshold && shares_reuse(a, b)).then_some(Link {
                a,
                b,
                jaccard: j as f32,
                evidence: Evidence::Similarity,
            })
        }));
        candidates
    }

    /// A link's strength: the share of the longer document it covers
    /// (shared passage words, or the Jaccard estimate if larger), or the
    /// Jaccard estimate for similarity links.
    fn strength(&self, l: &Link) -> f64 {
        match l.evidence {
            Evidence::Passages(w) => {
                (f64::from(w) / f64::from(self.longer(l.a, l.b))).max(f64::from(l.jaccard))
            }
            Evidence::Similarity => f64::from(l.jaccard),
        }
    }

    /// Sorts links strongest first, ties by `(a, b)`; the sort is stable,
    /// so equal links keep their input order.
    fn order_by_strength(&self, candidates: &mut [Link]) {
        candidates.sort_by(|x, y| {
            self.strength(y)
                .total_cmp(&self.strength(x))
                .then((x.a, x.b).cmp(&(y.a, y.b)))
        });
    }

    /// Whether `(a, b)` is a near-duplicate pair (`dups.pairs` is sorted).
    fn is_duplicate_pair(&self, a: Row, b: Row) -> bool {
        self.dups
            .pairs
            .binary_search_by(|p| (p.a, p.b).cmp(&(a, b)))
            .is_ok()
    }

    /// The date of row `r`, if dated.
    fn date(&self, r: Row) -> Option<i64> {
        self.signed.docs.date(self.signed.doc(r))
    }

    /// Applies `candidates` in order to `uf` (which holds the near-duplicate
    /// clusters) with the guards of the module docs: the first occurrence of
    /// a pair only, no near-duplicate pairs, the time window, the size
    /// guard, then the merge density between stories of several documents.
    /// Links held back by the density guard count as story links if their
    /// documents end up in one story anyway.
    fn apply(&self, uf: &mut UnionFind, candidates: Vec<Link>) -> Applied {
        let params = self.params;
        let window = params.window_days * 86_400.0;
        // Per root, the earliest and latest date of its story's documents.
        let n = uf.len();
        let mut span: Vec<(i64, i64)> = vec![(i64::MAX, i64::MIN); n];
        for r in 0..n as u32 {
            if let Some(t) = self.date(Row(r)) {
                let s = &mut span[uf.find(r) as usize];
                *s = (s.0.min(t), s.1.max(t));
            }
        }
        let mut links = Vec::new();
        let mut size_dropped = Vec::new();
        let (mut dropped_by_size, mut dropped_by_window) = (0, 0);
        let mut seen = ahash::AHashSet::new();
        let mut pending: ahash::AHashMap<(u32, u32), u32> = ahash::AHashMap::new();
        let mut weak = Vec::new();
        for l in candidates {
            if !seen.insert((l.a, l.b)) || self.is_duplicate_pair(l.a, l.b) {
                continue;
            }
            let (ra, rb) = (uf.find(l.a.0), uf.find(l.b.0));
            if ra == rb {
                links.push(l);
                continue;
            }
            let (sa_span, sb_span) = (span[ra as usize], span[rb as usize]);
            let joined = (sa_span.0.min(sb_span.0), sa_span.1.max(sb_span.1));
            if joined.0 <= joined.1 && (joined.1 - joined.0) as f64 > window {
                dropped_by_window += 1;
                continue;
            }
            let (sa, sb) = (uf.set_size(ra), uf.set_size(rb));
            if (sa + sb) as usize > params.max_size {
                dropped_by_size += 1;
                size_dropped.push((l.a, l.b));
                continue;
            }
            // Two stories of several documents merge only when enough of
            // their documents are linked, not through one article (a news
            // roundup) that touches both.
            if sa > 1 && sb > 1 {
                let key = (ra.min(rb), ra.max(rb));
                let count = pending.entry(key).or_insert(0);
                *count += 1;
                let need = (MERGE_DENSITY * f64::from(sa.min(sb))).ceil() as u32;
                if *count < need {
                    weak.push(l);
                    continue;
                }
                pending.remove(&key);
            }
            uf.union(ra, rb);
            span[uf.find(ra) as usize] = joined;
            links.push(l);
        }
        // Links held back that ended up inside one story anyway are story pairs.
        let mut dropped_by_density = 0;
        for l in weak {
            if uf.find(l.a.0) == uf.find(l.b.0) {
                links.push(l);
            } else {
                dropped_by_density += 1;
            }
        }
        links.sort_by_key(|l| (l.a, l.b));
        Applied {
            links,
            size_dropped,
            dropped_by_size,
            dropped_by_window,
            dropped_by_density,
        }
    }
}

/// The components the size guard split, and their pieces.
struct Split {
    components: u64,
    pieces: Vec<Row>,
}

/// Joins the stories (`first`: the first row of every row's story) along
/// the links the size guard dropped: each group of two stories or more is
/// one split component, and its stories are its pieces.
fn split_pieces(first: &[Row], size_dropped: &[(Row, Row)]) -> Split {
    let mut uf = UnionFind::new(first.len());
    for &(a, b) in size_dropped {
        uf.union(first[a.index()].0, first[b.index()].0);
    }
    let mut pieces: Vec<Row> = size_dropped
        .iter()
        .flat_map(|&(a, b)| [first[a.index()], first[b.index()]])
        .collect();
    pieces.sort_unstable();
    pieces.dedup();
    let mut roots: Vec<u32> = pieces.iter().map(|p| uf.find(p.0)).collect();
    roots.sort_unstable();
    roots.dedup();
    Split {
        components: roots.len() as u64,
        pieces,
    }
}

/// Labels the `n` rows of `uf` by story: each story is named by its first
/// row in input order, and counted once.
fn label(uf: &mut UnionFind, n: usize) -> Labels {
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
    let first = roots
        .iter()
        .map(|&root| Row(first[root as usize]))
        .collect();
    Labels {
        first,
        count,
        largest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_components_join_stories_along_dropped_links() {
        // Stories {0,1}, {2,3}, {4}, {5}: links 1-2 and 3-4 were dropped by
        // the size guard, so {0,1}, {2,3} and {4} are the pieces of one
        // split component; {5} stands alone.
        let first = [0, 0, 2, 2, 4, 5].map(Row);
        let split = split_pieces(&first, &[(Row(1), Row(2)), (Row(3), Row(4))]);
        assert_eq!(split.components, 1);
        assert_eq!(split.pieces, [0, 2, 4].map(Row));
        let none = split_pieces(&first, &[]);
        assert_eq!((none.components, none.pieces.len()), (0, 0));
    }
}
