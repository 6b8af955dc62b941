//! From candidate pairs to near-duplicate clusters.
//!
//! Candidates from [`crate::lsh`] are verified on the full signatures (the
//! estimated Jaccard must reach the threshold), in parallel, keeping input
//! order; with a margin ([`verify_with_margin`]), the pairs within it of the
//! threshold are returned apart, for the caller to decide on a finer
//! signature. Verified pairs are joined with a union-find (union by size, path
//! halving) into connected components, and each component is cut into
//! clusters without chaining, by greedy star clustering (Aslam et al. 2004):
//! the member with the most verified pairs in which the other side may be
//! its duplicate (a contained copy is a duplicate of the text holding it,
//! not the reverse; then the first by a rank the
//! caller derives from [`Keep`]) is a centre and takes every unplaced member
//! of its component that is a near-duplicate *of it*; then the next unplaced
//! one, and so on. A star keeps its best-ranked member that is a
//! near-duplicate of every other member (the centre, at least). Then each
//! member that is not kept moves to the kept document it is closest to
//! among those it has a verified pair with, a Jaccard near-duplicate before
//! a text that contains it ([`Pair::closeness`]; greedy stars hand a short
//! copy to the first hub that contains it, not to its closest original). So every
//! member of a cluster is a near-duplicate of its kept document — never only
//! of a neighbour of a neighbour (A~B, B~C, A≁C gives two clusters). The
//! result depends only on the set of verified pairs and the signatures, never
//! on thread scheduling.

use rayon::prelude::*;

use crate::document::{DocId, Row};
use crate::lsh::{LshParams, unpack};
use crate::minhash::Signatures;
use crate::signed::SignedDocs;

/// Which document of a cluster is kept (`--keep`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Keep {
    /// The first in input order.
    #[default]
    First,
    /// The earliest dated; undated documents come after dated ones; ties in
    /// input order.
    Earliest,
    /// The one with the most text (characters); ties in input order.
    Longest,
}

/// A verified near-duplicate pair of signature [`Row`]s.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pair {
    /// The earlier row.
    pub a: Row,
    /// The later row.
    pub b: Row,
    /// Estimated Jaccard similarity.
    pub jaccard: f32,
    /// Estimated containment of the smaller document in the larger
    /// ([`Signatures::containment`]).
    pub containment: f32,
    /// Whether the pair was accepted on containment only (its Jaccard is
    /// below the threshold): a trimmed or re-furnished copy.
    pub contained: bool,
}

impl Pair {
    /// The similarity the outputs state for the pair: the containment when
    /// it was accepted on containment, else the Jaccard.
    pub fn similarity(&self) -> f32 {
        if self.contained {
            self.containment
        } else {
            self.jaccard
        }
    }

    /// How close the pair is, for choosing among kept documents: a Jaccard
    /// near-duplicate (`1 + jaccard`) is closer than any contained copy
    /// (`containment`), whose container may hold much else.
    pub fn closeness(&self) -> f32 {
        if self.contained {
            self.containment
        } else {
            1.0 + self.jaccard
        }
    }
}

/// Whether `member` (of `member_size` shingles) may be a duplicate of
/// `kept` in pair `p` accepted on containment: at least `threshold` of its
/// shingles are in `kept` (as for every Jaccard pair), so a document that
/// holds a copy and much text of its own is never dropped as the copy's
/// duplicate.
pub fn may_hold_copy(p: &Pair, kept_size: u32, member_size: u32, threshold: f64) -> bool {
    member_size <= kept_size
        || f64::from(p.containment) * f64::from(kept_size) / f64::from(member_size) >= threshold
}

/// When a candidate pair is a near-duplicate: its estimated Jaccard reaches
/// `threshold`, or (when `containment` is not 0) the smaller document's
/// estimated containment in the larger reaches `containment`.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// Jaccard threshold.
    pub threshold: f64,
    /// Half-width of the band of doubt around the Jaccard threshold (0: no
    /// doubt, every pair is decided here).
    pub margin: f64,
    /// Containment threshold; 0 is off.
    pub containment: f64,
}

/// How far below the containment threshold a coarse estimate still leaves a
/// pair in doubt. Containment is a ratio of two estimates (the Jaccard and
/// the sizes), so its coarse error is large: with a finer signature, every
/// pair within this of the threshold is decided on it.
pub const CONTAINMENT_DOUBT: f64 = 0.2;

/// What a [`Rule`] says of a pair from its estimates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Judgement {
    /// A near-duplicate (`contained`: on containment only).
    Accept {
        /// Accepted on containment, its Jaccard below the threshold.
        contained: bool,
    },
    /// Too close to a threshold to call on a coarse estimate.
    Doubt,
    /// Not a near-duplicate.
    Reject,
}

/// What verification makes of a candidate.
enum Verdict {
    Accept(Pair),
    Doubt(Pair),
    Reject,
}

impl Rule {
    /// A Jaccard-only rule with no band of doubt.
    pub fn jaccard(threshold: f64) -> Rule {
        Rule {
            threshold,
            margin: 0.0,
            containment: 0.0,
        }
    }

    /// Decides a pair on its Jaccard estimate `j` (coarse when `margin` is
    /// not 0) and the containment `c` estimated from it.
    pub fn judge_estimates(&self, j: f64, c: f64) -> Judgement {
        let (t, m, ct) = (self.threshold, self.margin, self.containment);
        if j >= t + m {
            Judgement::Accept { contained: false }
        } else if m > 0.0 {
            // Coarse: near either threshold, the finer signature decides.
            let near_containment = ct > 0.0 && c >= ct - CONTAINMENT_DOUBT;
            if j >= t - m || near_containment {
                Judgement::Doubt
            } else {
                Judgement::Reject
            }
        } else if ct > 0.0 && c >= ct {
            Judgement::Accept { contained: true }
        } else {
            Judgement::Reject
        }
    }

    /// Decides a pair of rows on the estimate `j` (coarse when `margin` is not 0).
    fn judge(&self, sigs: &Signatures, a: Row, b: Row, j: f64) -> Verdict {
        let c = sigs.containment(a, b, j);
        let pair = |contained| Pair {
            a,
            b,
            jaccard: j as f32,
            containment: c as f32,
            contained,
        };
        match self.judge_estimates(j, c) {
            Judgement::Accept { contained } => Verdict::Accept(pair(contained)),
            Judgement::Doubt => Verdict::Doubt(pair(false)),
            Judgement::Reject => Verdict::Reject,
        }
    }

    /// Decides a doubtful pair on a finer estimate `j`.
    pub fn decide(&self, sigs: &Signatures, p: &Pair, j: f64) -> Option<Pair> {
        let fine = Rule {
            margin: 0.0,
            ..*self
        };
        match fine.judge(sigs, p.a, p.b, j) {
            Verdict::Accept(pair) => Some(pair),
            _ => None,
        }
    }
}

/// Verifies candidate pairs on their Jaccard alone: keeps those whose
/// estimate reaches `threshold`, in the order given.
pub fn verify(sigs: &Signatures, candidates: &[u64], threshold: f64) -> Vec<Pair> {
    verify_with_margin(sigs, candidates, &Rule::jaccard(threshold)).0
}

/// Verifies candidate pairs by `rule` on the coarse signatures: returns the
/// pairs accepted and those left in doubt (within the margin of the
/// Jaccard threshold, or within [`CONTAINMENT_DOUBT`] of the containment
/// threshold), to be decided on a finer signature ([`Rule::decide`]), both
/// in the order given. With a zero margin every pair is decided here.
pub fn verify_with_margin(
    sigs: &Signatures,
    candidates: &[u64],
    rule: &Rule,
) -> (Vec<Pair>, Vec<Pair>) {
    let judged: Vec<Verdict> = candidates
        .par_iter()
        .map(|&p| {
            let (a, b) = unpack(p);
            rule.judge(sigs, a, b, sigs.jaccard(a, b))
        })
        .collect();
    let mut accepted = Vec::new();
    let mut doubtful = Vec::new();
    for v in judged {
        match v {
            Verdict::Accept(p) => accepted.push(p),
            Verdict::Doubt(p) => doubtful.push(p),
            Verdict::Reject => {}
        }
    }
    (accepted, doubtful)
}

/// Disjoint sets over `0..n` (signature rows by their `u32` numbers: the
/// sets are dense arrays).
#[derive(Clone, Debug)]
pub struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    /// `n` singleton sets.
    pub fn new(n: usize) -> UnionFind {
        UnionFind {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
        }
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.parent.len()
    }

    /// Whether there are no elements.
    pub fn is_empty(&self) -> bool {
        self.parent.is_empty()
    }

    /// The representative of `x`'s set.
    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[x as usize];
            self.parent[x as usize] = self.parent[p as usize];
            x = p;
        }
        x
    }

    /// Joins the sets of `a` and `b`; returns whether they were apart.
    pub fn union(&mut self, a: u32, b: u32) -> bool {
        let (mut ra, mut rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        if self.size[ra as usize] < self.size[rb as usize] {
            std::mem::swap(&mut ra, &mut rb);
        }
        self.parent[rb as usize] = ra;
        self.size[ra as usize] += self.size[rb as usize];
        true
    }

    /// Size of `x`'s set.
    pub fn set_size(&mut self, x: u32) -> u32 {
        let r = self.find(x);
        self.size[r as usize]
    }
}

/// Near-duplicate clusters of signature [`Row`]s.
#[derive(Clone, Debug)]
pub struct Clusters {
    /// For every row (indexed by [`Row::index`]), the row kept for its
    /// cluster (itself if kept).
    pub kept: Vec<Row>,
    /// Number of clusters (singletons included).
    pub count: usize,
    /// Size of the largest cluster.
    pub largest: usize,
}

impl Clusters {
    /// Cuts the components of `pairs` into clusters by greedy star
    /// clustering (see the module docs); `rank` orders documents for
    /// `--keep` (ties by row, which is input order) and `closeness(kept,
    /// member)` is how close `member` is to `kept` ([`Pair::closeness`]) when
    /// `member` may be a near-duplicate of `kept` (it may be directional: a
    /// contained copy is a duplicate of the text holding it, not the
    /// reverse), `None` otherwise.
    pub fn build<K: Ord>(
        n: usize,
        pairs: &[Pair],
        rank: impl Fn(Row) -> K + Sync,
        closeness: impl Fn(Row, Row) -> Option<f32> + Sync,
    ) -> Clusters {
        let near = |a: Row, b: Row| closeness(a, b).is_some();
        let mut uf = UnionFind::new(n);
        let mut degree = vec![0u32; n];
        for p in pairs {
            uf.union(p.a.0, p.b.0);
            // A row's degree counts the rows that may be its duplicates.
            degree[p.a.index()] += u32::from(near(p.a, p.b));
            degree[p.b.index()] += u32::from(near(p.b, p.a));
        }
        // Members of every component with more than one, by root.
        let mut members: Vec<Vec<Row>> = Vec::new();
        let mut slot = vec![u32::MAX; n];
        let mut kept: Vec<Row> = (0..n as u32).map(Row).collect();
        for r in 0..n as u32 {
            let root = uf.find(r);
            if uf.set_size(root) < 2 {
                continue;
            }
            if slot[root as usize] == u32::MAX {
                slot[root as usize] = members.len() as u32;
                members.push(Vec::new());
            }
            members[slot[root as usize] as usize].push(Row(r));
        }
        let placed: Vec<Vec<(Row, Row)>> = members
            .par_iter_mut()
            .map(|m| {
                // Centres: the most connected first (the original that all
                // its copies resemble), then by rank.
                m.sort_by_cached_key(|&r| (std::cmp::Reverse(degree[r.index()]), rank(r), r));
                stars(m, &rank, &near)
            })
            .collect();
        let mut count = n - members.iter().map(Vec::len).sum::<usize>();
        for (r, c) in placed.into_iter().flatten() {
            kept[r.index()] = c;
            count += usize::from(r == c);
        }
        move_to_closest(&mut kept, pairs, &closeness);
        let mut size = vec![0u32; n];
        for c in &kept {
            size[c.index()] += 1;
        }
        Clusters {
            kept,
            count,
            largest: size
                .iter()
                .copied()
                .max()
                .unwrap_or(0)
                .max(u32::from(n > 0)) as usize,
        }
    }
}

/// Moves every member that is not kept to the kept row it is closest to
/// among those it has a verified pair with, when that beats its own kept
/// row; ties stay. Kept rows and the cluster count do not change, and every
/// member stays a near-duplicate of its kept row. One pass over `pairs`.
fn move_to_closest(kept: &mut [Row], pairs: &[Pair], closeness: &impl Fn(Row, Row) -> Option<f32>) {
    let is_kept = |r: Row, kept: &[Row]| kept[r.index()] == r;
    // Per moving member, the best (similarity, kept row) found so far.
    let mut best: ahash::AHashMap<Row, (f32, Row)> = ahash::AHashMap::new();
    for p in pairs {
        for (m, k) in [(p.a, p.b), (p.b, p.a)] {
            if is_kept(m, kept) || !is_kept(k, kept) || kept[m.index()] == k {
                continue;
            }
            let Some(s) = closeness(k, m) else {
                continue;
            };
            let own = || closeness(kept[m.index()], m).unwrap_or(0.0);
            let entry = best.entry(m).or_insert_with(|| (own(), kept[m.index()]));
            if s > entry.0 || (s == entry.0 && k < entry.1 && entry.1 != kept[m.index()]) {
                *entry = (s, k);
            }
        }
    }
    for (m, (_, k)) in best {
        kept[m.index()] = k;
    }
}

/// Clusters larger than this keep their centre without looking for a
/// better-ranked member near all the others.
const KEEP_SEARCH: usize = 64;

/// Greedy star clustering of one component's `members` (sorted by centre
/// preference): the first unplaced member is a centre and takes every
/// unplaced member linked to it (`near` either way). Each star keeps its
/// best-ranked member that every other member may be a duplicate of (`near(kept,
/// member)`), else the centre; members that may not be duplicates of the
/// kept one go back to the unplaced. Returns `(member, kept)` for every
/// member.
fn stars<K: Ord>(
    members: &[Row],
    rank: &impl Fn(Row) -> K,
    near: &impl Fn(Row, Row) -> bool,
) -> Vec<(Row, Row)> {
    let mut out = Vec::with_capacity(members.len());
    let mut placed = vec![false; members.len()];
    for (c, &centre) in members.iter().enumerate() {
        if placed[c] {
            continue;
        }
        let at: Vec<usize> = std::iter::once(c)
            .chain((c + 1..members.len()).filter(|&i| {
                let m = members[i];
                !placed[i] && (near(centre, m) || near(m, centre))
            }))
            .collect();
        let star: Vec<Row> = at.iter().map(|&i| members[i]).collect();
        let mut keep = centre;
        if star.len() <= KEEP_SEARCH {
            let mut by_rank = star.clone();
            by_rank.sort_by_cached_key(|&r| (rank(r), r));
            if let Some(&best) = by_rank
                .iter()
                .find(|&&x| star.iter().all(|&m| m == x || near(x, m)))
            {
                keep = best;
            }
        }
        for i in at {
            let m = members[i];
            if m == keep || near(keep, m) {
                placed[i] = true;
                out.push((m, keep));
            }
        }
    }
    out
}

/// What the near-duplicate stage found: the pairs, the clusters, and the
/// counts and by-products later stages use.
#[derive(Debug)]
pub struct Duplicates {
    /// Bands and rows used.
    pub lsh: LshParams,
    /// Number of candidate pairs from the bands.
    pub candidates: u64,
    /// Verified pairs of signature [`Row`]s, sorted by `(a, b)`.
    pub pairs: Vec<Pair>,
    /// Pairs decided on the finer signatures (close to the threshold).
    pub refined: u64,
    /// Candidate pairs whose estimate reaches the story threshold, sorted
    /// (near-duplicates included): evidence for stories at no extra cost.
    pub similar: Vec<Pair>,
    /// The clusters.
    pub clusters: Clusters,
}

/// The pair of rows `a` and `b` in `pairs` (sorted by `(a, b)`), if any.
pub fn find_pair(pairs: &[Pair], a: Row, b: Row) -> Option<&Pair> {
    let key = (a.min(b), a.max(b));
    let i = pairs.binary_search_by(|p| (p.a, p.b).cmp(&key)).ok()?;
    Some(&pairs[i])
}

impl Duplicates {
    /// Adds `extra` pairs (each with `a < b`) that are not already verified,
    /// keeping [`Duplicates::pairs`] sorted, and returns how many were
    /// added. The clusters are the caller's to rebuild.
    pub fn add_pairs(&mut self, extra: impl IntoIterator<Item = Pair>) -> usize {
        let before = self.pairs.len();
        let new: Vec<Pair> = extra
            .into_iter()
            .filter(|p| find_pair(&self.pairs, p.a, p.b).is_none())
            .collect();
        self.pairs.extend(new);
        self.pairs.sort_by_key(|p| (p.a, p.b));
        self.pairs.dedup_by_key(|p| (p.a, p.b));
        self.pairs.len() - before
    }

    /// The document kept for `d`'s cluster (`None` unless `d` is ok).
    pub fn kept_of(&self, signed: &SignedDocs<'_>, d: DocId) -> Option<DocId> {
        let r = signed.docs.sig_row(d)?;
        Some(signed.doc(self.clusters.kept[r.index()]))
    }

    /// The similarity of rows `a` and `b` as the outputs state it: the
    /// estimate that verified them when they are a verified pair (finer when
    /// refined, as in `pairs.jsonl`; the containment when they were accepted
    /// on it), else the signatures' Jaccard estimate.
    pub fn similarity(&self, signed: &SignedDocs<'_>, a: Row, b: Row) -> f64 {
        match find_pair(&self.pairs, a, b) {
            Some(p) => f64::from(p.similarity()),
            None => signed.jaccard(a, b),
        }
    }

    /// What [`Duplicates::similarity`] measures for rows `a` and `b`:
    /// `containment` for a pair accepted on it, else `jaccard`.
    pub fn measure(&self, a: Row, b: Row) -> &'static str {
        match find_pair(&self.pairs, a, b) {
            Some(p) if p.contained => "containment",
            _ => "jaccard",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(a: u32, b: u32) -> Pair {
        Pair {
            a: Row(a),
            b: Row(b),
            jaccard: 0.9,
            containment: 0.9,
            contained: false,
        }
    }

    /// Components by breadth-first search, the naive oracle.
    fn bfs_components(n: usize, pairs: &[Pair]) -> Vec<usize> {
        let mut adj = vec![vec![]; n];
        for p in pairs {
            adj[p.a.index()].push(p.b.index());
            adj[p.b.index()].push(p.a.index());
        }
        let mut comp = vec![usize::MAX; n];
        for s in 0..n {
            if comp[s] != usize::MAX {
                continue;
            }
            let mut queue = std::collections::VecDeque::from([s]);
            comp[s] = s;
            while let Some(x) = queue.pop_front() {
                for &y in &adj[x] {
                    if comp[y] == usize::MAX {
                        comp[y] = s;
                        queue.push_back(y);
                    }
                }
            }
        }
        comp
    }

    #[test]
    fn union_find_matches_bfs() {
        let mut state = 3u64;
        for n in [1usize, 2, 10, 100, 500] {
            let mut pairs = vec![];
            for _ in 0..n {
                state = crate::minhash::mix64(state + 1);
                let a = (state % n as u64) as u32;
                let b = ((state >> 32) % n as u64) as u32;
                if a < b {
                    pairs.push(pair(a, b));
                }
            }
            // Everyone near everyone: clusters are the components.
            let clusters = Clusters::build(n, &pairs, |r| r, |_, _| Some(1.0));
            let comp = bfs_components(n, &pairs);
            for x in 0..n {
                for y in 0..n {
                    assert_eq!(
                        clusters.kept[x] == clusters.kept[y],
                        comp[x] == comp[y],
                        "n={n} x={x} y={y}"
                    );
                }
                // With rank = row, the kept row is the smallest of the component.
                assert_eq!(clusters.kept[x].index(), comp[x]);
            }
        }
    }

    #[test]
    fn keep_policy_picks_by_rank() {
        let pairs = [pair(0, 1), pair(1, 2), pair(3, 4)];
        let lengths = [10u32, 30, 30, 5, 1];
        let c = Clusters::build(
            5,
            &pairs,
            |r| std::cmp::Reverse(lengths[r.index()]),
            |_, _| Some(1.0),
        );
        assert_eq!(c.kept, [1, 1, 1, 3, 3].map(Row));
        assert_eq!((c.count, c.largest), (2, 3));
    }

    #[test]
    fn a_copy_joins_its_closest_original_not_the_first_hub() {
        // 0 is a roundup containing 1, 2 and 3 (containment 0.82); 1 is a
        // near-copy of 4 (0.95), and 4 of 5. 0 has the most pairs and takes
        // 1 first; 1 then moves to 4, its closest kept row.
        let contained = |a, b| Pair {
            jaccard: 0.3,
            containment: 0.82,
            contained: true,
            ..pair(a, b)
        };
        let close = |a, b| Pair {
            jaccard: 0.95,
            ..pair(a, b)
        };
        let pairs = [
            contained(0, 1),
            contained(0, 2),
            contained(0, 3),
            close(1, 4),
            close(4, 5),
        ];
        let sim = |a: Row, b: Row| {
            pairs
                .iter()
                .find(|p| (p.a, p.b) == (a.min(b), a.max(b)))
                .map(Pair::closeness)
        };
        let c = Clusters::build(6, &pairs, |r| r, sim);
        assert_eq!(c.kept, [0, 4, 0, 0, 4, 4].map(Row));
        assert_eq!((c.count, c.largest), (2, 3));
    }

    #[test]
    fn a_chain_is_not_one_cluster() {
        // 0~1, 1~2, 2~3, but 0 and 2 are not near-duplicates.
        let pairs = [pair(0, 1), pair(1, 2), pair(2, 3)];
        let near = |a: Row, b: Row| pairs.iter().any(|p| (p.a, p.b) == (a.min(b), a.max(b)));
        let c = Clusters::build(4, &pairs, |r| r, |a, b| near(a, b).then_some(0.9));
        // 1 and 2 have the most pairs: 1 is a centre and takes 0 and 2 (0 is
        // not near 2, so 1 is kept); 3 is left alone, not chained through 2.
        assert_eq!(c.kept, [1, 1, 1, 3].map(Row));
        assert_eq!((c.count, c.largest), (2, 3));
        // Every member is near its kept row.
        for (r, &k) in c.kept.iter().enumerate() {
            assert!(Row(r as u32) == k || near(k, Row(r as u32)));
        }
    }
}
