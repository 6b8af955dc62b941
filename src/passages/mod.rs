//! Shared passages between documents of different outlets.
//!
//! The stage reads the signed documents again and runs, corpus-wide:
//!
//! 1. [`tokens`]: every document cut into sentences and normalized words,
//!    each word keeping the byte range of the original text it came from;
//! 2. [`boilerplate`]: sentences an outlet repeats across its own articles,
//!    and short lines that begin or end alike (patterns with a slot), are
//!    masked, so furniture never matches;
//! 3. [`content`]: which words are content words (not function words of the
//!    language, not in a large share of the corpus);
//! 4. [`index`]: winnowed word 5-grams sorted by hash give the pairs of
//!    documents (of different outlets) that share at least 8 words in a row,
//!    and tell stock phrases (in article after article of the same outlets)
//!    from copy (once per outlet, in many outlets), and template wording
//!    (recurring day after day in many issues) from both;
//! 5. [`bags`]: sentences hashed as sets of content words (MinHash bands) give
//!    the pairs that share sentences whose words were shuffled, moved or
//!    partly replaced;
//! 6. [`align`]: each candidate pair is aligned into passages from exact runs
//!    and matching sentences ([`sentence_pairs`]), graded by [`grade`] as
//!    `exact`, `reordered` or `rewritten`. A pair of otherwise unrelated
//!    documents (estimated Jaccard below [`index::UNRELATED`]) whose passages
//!    total fewer than [`PassageParams::isolated_words`] words shares a formula
//!    or a name with its titles, not text: such matches are dropped. Each
//!    passage gets its [`TextKind`]: a template's wording, unless its slots
//!    agree on both sides; a quote; else reuse;
//! 7. template siblings: near-duplicate pairs and pairs sharing a passage
//!    where one side is mostly template wording and the slots differ are two
//!    issues of one template ([`Passages::template_siblings`]), for the
//!    caller to keep out of clusters and stories.
//!
//! Passages are returned as word ranges; [`snippets`] reads the spans of the
//! original texts they cover, which the writers in [`crate::report`] use.

pub mod align;
pub mod bags;
pub mod boilerplate;
pub mod contained;
pub mod content;
pub mod grade;
pub mod index;
pub mod pair;
pub mod sentence_pairs;
pub mod sentences;
pub mod snippets;
pub mod tokens;

use std::ops::Range;

use rayon::prelude::*;

use crate::cluster::Duplicates;
use crate::config::PassageParams;
use crate::document::Row;
use crate::error::Result;
use crate::normalize::NormalizeOptions;
use crate::progress::{Progress, Unit};
use crate::signed::{SignedDocs, Texts};
use crate::timings::Timings;

pub use boilerplate::Boilerplate;
pub use grade::Match;
pub use tokens::TokenStore;

/// A passage shared by two documents.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedPassage {
    /// Signature [`Row`] of the earlier document.
    pub a: Row,
    /// Signature row of the later document.
    pub b: Row,
    /// Word range in `a` (global word indexes of the [`TokenStore`]).
    pub a_words: Range<u32>,
    /// Word range in `b`.
    pub b_words: Range<u32>,
    /// Matched words: shared by both spans, in any order.
    pub words: u32,
    /// Matched words over the longer side's span.
    pub similarity: f32,
    /// How it matched.
    pub kind: Match,
    /// What the shared text is: copy, or a template's fixed wording.
    pub text: TextKind,
}

/// What a shared passage's text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TextKind {
    /// Text one document took from the other or both from one source.
    Reuse,
    /// The same quotation (in quotation marks on both sides): public
    /// words both quote, not necessarily one outlet copying another.
    Quote,
    /// Mostly the fixed wording of a template or of a running story's
    /// background, or stock wording: wording that recurs day after day in
    /// many clusters ([`index::TEMPLATE_DAYS`]) or across many unrelated
    /// ones. It is not evidence of one event.
    Template,
}

impl TextKind {
    /// `reuse`, `quote` or `template`.
    pub fn name(self) -> &'static str {
        match self {
            TextKind::Reuse => "reuse",
            TextKind::Quote => "quote",
            TextKind::Template => "template",
        }
    }
}

/// Share of a passage's words (on its first side) in template fingerprints
/// or stock phrases (wording that recurs across many clusters) from which
/// it is a template's.
pub const TEMPLATE_SHARE: f64 = 0.5;
/// Share of a passage's words inside quotation marks, on both sides, from
/// which it is a quote.
pub const QUOTE_SHARE: f64 = 0.8;

/// Counts of the passage stage.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct PassageStats {
    /// Words read.
    pub words: u64,
    /// Words masked as boilerplate.
    pub boilerplate_words: u64,
    /// Fingerprints indexed.
    pub fingerprints: u64,
    /// Distinct fingerprints found to be stock phrases.
    pub stock_fingerprints: u64,
    /// Distinct fingerprints found to be templates' (recurring on many days).
    pub template_fingerprints: u64,
    /// Function words known (built-in and frequent in the corpus).
    pub function_words: u64,
    /// Sentence keys indexed.
    pub sentence_keys: u64,
    /// Distinct sentence keys found to be stock.
    pub stock_sentence_keys: u64,
    /// Candidate pairs found by sentence keys only.
    pub sentence_only_pairs: u64,
    /// Document pairs aligned.
    pub pairs_aligned: u64,
    /// N-grams of short passages found to be stock on a second look.
    pub rechecked_stock_ngrams: u64,
}

/// Everything the passage stage found.
#[derive(Debug)]
pub struct Passages {
    /// The words of every signed document.
    pub words: TokenStore,
    /// Boilerplate sentences per outlet.
    pub boilerplate: Vec<Boilerplate>,
    /// Shared passages, sorted by `(a, b, a_words.start)`.
    pub passages: Vec<SharedPassage>,
    /// Pairs of signature [`Row`]s that share at least one fingerprint or
    /// enough sentence keys (all were aligned).
    pub aligned: Vec<(Row, Row)>,
    /// Words of every signed document outside its boilerplate, by row.
    pub own_words: Vec<u32>,
    /// Pairs that are two issues of one template, sorted: one of the two is
    /// mostly ([`FORMULA_SHARE`]) template or stock wording, and their other
    /// words, the slots, mostly differ ([`SLOT_AGREEMENT`]). Among the
    /// near-duplicates on Jaccard and the pairs sharing a passage of reused
    /// or quoted text.
    pub template_siblings: Vec<(Row, Row)>,
    /// Counts.
    pub stats: PassageStats,
}

/// Positions covered by half-open `spans` sorted by start (overlaps count
/// once).
pub fn covered_len(spans: impl IntoIterator<Item = (u32, u32)>) -> u32 {
    let (mut total, mut end) = (0, 0);
    for (s, e) in spans {
        let s = s.max(end);
        if e > s {
            total += e - s;
            end = e;
        }
    }
    total
}

/// Share of a document's words, from its start, that is its lead: where a
/// news article tells what is new (at least [`LEAD_WORDS`] words).
pub const LEAD: f64 = 0.2;
/// Least words of a lead.
pub const LEAD_WORDS: u32 = 30;
/// Shared words from which a passage counts wherever it sits: several
/// sentences copied are more than a background paragraph (on the labelled
/// pairs, follow-ups re-used 25–47 words of another event's text, while
/// independent reports of one event quoting one statement shared 45–77).
pub const LONG_PASSAGE: u32 = 60;

impl Passages {
    /// The pairs of signature [`Row`]s that share a passage of reused or
    /// quoted text (not only a template's), sorted.
    pub fn reuse_pairs(&self) -> Vec<(Row, Row)> {
        let mut out: Vec<(Row, Row)> = self
            .passages
            .iter()
            .filter(|p| p.text != TextKind::Template)
            .map(|p| (p.a, p.b))
            .collect();
        out.dedup();
        out
    }

    /// Whether rows `a < b` are two issues of one template
    /// ([`Passages::template_siblings`]).
    pub fn are_template_siblings(&self, a: Row, b: Row) -> bool {
        self.template_siblings.binary_search(&(a, b)).is_ok()
    }

    /// Whether passage `p` starts within the lead ([`LEAD`]) of one of its
    /// two documents, or is long ([`LONG_PASSAGE`]). Shorter text shared only
    /// below both leads is background (a running story's paragraph, a quoted
    /// statement re-used by a follow-up), not the news itself.
    pub fn in_lead(&self, p: &SharedPassage) -> bool {
        let starts_in_lead = |r: Row, start: u32| {
            let w = self.words.words_of(r);
            let lead = (LEAD * w.len() as f64).ceil().max(f64::from(LEAD_WORDS)) as u32;
            start - w.start < lead
        };
        p.words >= LONG_PASSAGE
            || starts_in_lead(p.a, p.a_words.start)
            || starts_in_lead(p.b, p.b_words.start)
    }
}

/// Passages shorter than this get a second look for stock phrases.
pub const RECHECK_WORDS: u32 = 16;

/// What aligning a pair needs of the corpus-wide stage.
struct Aligner<'a> {
    signed: &'a SignedDocs<'a>,
    /// Per row, the kept row of its near-duplicate cluster.
    kept: &'a [Row],
    words: &'a TokenStore,
    masked: &'a [bool],
    /// Per word, whether a stock phrase covers it.
    stock: Vec<bool>,
    /// Per word, whether a template fingerprint covers it.
    template: Vec<bool>,
    /// Per word, whether it is a content word.
    content: &'a [bool],
    /// Content-word sets of every sentence.
    sets: &'a sentence_pairs::SentenceSets,
    params: &'a PassageParams,
}

/// One candidate pair of rows and its seeds (a range of the seed list, empty
/// when only sentence keys found it).
#[derive(Clone, Debug)]
struct Candidate {
    a: Row,
    b: Row,
    seeds: Range<usize>,
    /// Whether the pair shares a sentence key: only then are its sentences
    /// compared.
    sentences: bool,
}

impl Aligner<'_> {
    /// Row `r` as one side of a pair.
    fn side(&self, r: Row) -> align::Side<'_> {
        let words = self.words;
        let w = words.words_of(r);
        let (s, e) = (w.start as usize, w.end as usize);
        align::Side {
            hashes: words.hashes(r),
            masked: &self.masked[s..e],
            stock: &self.stock[s..e],
            content: &self.content[s..e],
            units: words.units_of(r),
            base: w.start,
            sets: self.sets.doc(words, r),
        }
    }

    /// What the passage of words `a` and `b` (global indexes) is: a
    /// template's when most of `a` is template or stock wording and its
    /// other words — the slots — are not the same on both sides
    /// ([`same_slots`]: one issue of a template run by two outlets is
    /// reuse), a quote when both sides are mostly inside quotation marks,
    /// else reuse.
    fn text_kind(&self, a: Range<u32>, b: Range<u32>) -> TextKind {
        let share = |r: &Range<u32>, f: &dyn Fn(u32) -> bool| {
            r.clone().filter(|&i| f(i)).count() as f64 / r.len().max(1) as f64
        };
        let words = self.words;
        // Stock wording (in many unrelated clusters) recurs as templates do.
        let recurring = |i: u32| self.template[i as usize] || self.stock[i as usize];
        let slots = |r: &Range<u32>| {
            let r = r.start as usize..r.end as usize;
            slot_words(words, r, self.masked, &|i| recurring(i as u32))
        };
        if share(&a, &recurring) >= TEMPLATE_SHARE && !same_slots(&slots(&a), &slots(&b)) {
            TextKind::Template
        } else if share(&a, &|i| words.quoted(i)) >= QUOTE_SHARE
            && share(&b, &|i| words.quoted(i)) >= QUOTE_SHARE
        {
            TextKind::Quote
        } else {
            TextKind::Reuse
        }
    }

    /// Aligns one pair of documents from its seeds and returns its passages.
    fn align_pair(&self, c: &Candidate, seeds: &[index::Seed]) -> Vec<SharedPassage> {
        let words = self.words;
        let (a, b) = (c.a, c.b);
        let pairs: Vec<(u32, u32)> = seeds[c.seeds.clone()]
            .iter()
            .map(|s| (s.pa, s.pb))
            .collect();
        let (base_a, base_b) = (words.words_of(a).start, words.words_of(b).start);
        let found = align::align(
            &self.side(a),
            &self.side(b),
            &pairs,
            c.sentences,
            self.params,
        );
        // A short match between otherwise unrelated documents is a formula or
        // a name with its titles, not reuse.
        let total: u32 = found.iter().map(|p| p.words).sum();
        if total < self.params.isolated_words && self.signed.jaccard(a, b) < index::UNRELATED {
            return Vec::new();
        }
        found
            .into_iter()
            .map(|p| SharedPassage {
                a,
                b,
                a_words: base_a + p.a.start..base_a + p.a.end,
                b_words: base_b + p.b.start..base_b + p.b.end,
                words: p.words,
                similarity: p.similarity,
                kind: p.kind,
                text: self.text_kind(
                    base_a + p.a.start..base_a + p.a.end,
                    base_b + p.b.start..base_b + p.b.end,
                ),
            })
            .collect()
    }

    /// Aligns every candidate pair (in parallel), then gives short passages
    /// a second look ([`Aligner::recheck`]); returns the passages per
    /// candidate and the n-grams the second look found stock.
    fn align_all(
        &mut self,
        candidates: &[Candidate],
        seeds: &[index::Seed],
        progress: &dyn Progress,
        timings: &mut Timings,
    ) -> (Vec<Vec<SharedPassage>>, Option<u64>) {
        progress.begin("passages", Some(candidates.len() as u64), Unit::Items);
        let mut found: Vec<Vec<SharedPassage>> = timings.time("passages: align", || {
            candidates
                .par_iter()
                .map(|c| {
                    progress.advance(1);
                    self.align_pair(c, seeds)
                })
                .collect()
        });
        progress.end();
        let start = std::time::Instant::now();
        let rechecked_stock = self.recheck(seeds, candidates, &mut found);
        if rechecked_stock.is_some() {
            timings.add("passages: recheck", start.elapsed());
        }
        (found, rechecked_stock)
    }

    /// A second look at short passages. Stock marks come from winnowed
    /// fingerprints, so a stock phrase shorter than 8 words may carry none
    /// and be joined by one word of context into an 8-word run. The document
    /// frequency of every n-gram of such passages is counted exactly, over
    /// the whole corpus, and their `candidates` are aligned again into
    /// `found`. Returns the number of n-grams found to be stock,
    /// `None` when no passage was short.
    fn recheck(
        &mut self,
        seeds: &[index::Seed],
        candidates: &[Candidate],
        found: &mut [Vec<SharedPassage>],
    ) -> Option<u64> {
        let short = |v: &Vec<SharedPassage>| v.iter().any(|p| p.words < RECHECK_WORDS);
        let recheck: Vec<usize> = (0..candidates.len())
            .filter(|&g| short(&found[g]))
            .collect();
        if recheck.is_empty() {
            return None;
        }
        let words = self.words;
        let mut wanted: ahash::AHashSet<u64> = ahash::AHashSet::new();
        for &g in &recheck {
            for p in found[g].iter().filter(|p| p.words < RECHECK_WORDS) {
                let row_start = words.words_of(p.a).start;
                let (s, e) = (p.a_words.start - row_start, p.a_words.end - row_start);
                let hashes = &words.hashes(p.a)[s as usize..e as usize];
                for w in hashes.windows(index::NGRAM) {
                    wanted.insert(index::ngram_hash(w));
                }
            }
        }
        let stock = self.mark_stock(&wanted);
        let again: Vec<(usize, Vec<SharedPassage>)> = recheck
            .par_iter()
            .map(|&g| (g, self.align_pair(&candidates[g], seeds)))
            .collect();
        for (g, v) in again {
            found[g] = v;
        }
        Some(stock)
    }

    /// Counts, over the whole corpus, the documents of every n-gram in
    /// `wanted` and marks the words of those that are stock; returns how
    /// many are.
    fn mark_stock(&mut self, wanted: &ahash::AHashSet<u64>) -> u64 {
        let (words, masked, kept) = (self.words, self.masked, self.kept);
        // (n-gram hash, row number, position): a flat sort key.
        let mut occ: Vec<(u64, u32, u32)> = (0..words.docs() as u32)
            .into_par_iter()
            .flat_map_iter(|r| {
                let w = words.words_of(Row(r));
                let m = &masked[w.start as usize..w.end as usize];
                index::ngrams(words.hashes(Row(r)), m)
                    .into_iter()
                    .enumerate()
                    .filter_map(move |(i, h)| {
                        h.filter(|h| wanted.contains(h)).map(|h| (h, r, i as u32))
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        occ.par_sort_unstable();
        let judge = index::Judge::new(self.signed, kept);
        let mut found = 0;
        for group in occ.chunk_by(|x, y| x.0 == y.0) {
            if judge.is_stock(group.iter().map(|e| Row(e.1))) {
                found += 1;
                index::mark_stock(words, group, &mut self.stock);
            }
        }
        found
    }
}

/// Finds shared passages between the `signed` documents, whose texts it
/// reads again through `texts` (normalized with `normalize`, the options
/// their signatures were made with).
pub fn find(
    signed: &SignedDocs<'_>,
    texts: &impl Texts,
    dups: &Duplicates,
    normalize: NormalizeOptions,
    params: &PassageParams,
    progress: &dyn Progress,
    timings: &mut Timings,
) -> Result<Passages> {
    let words = timings.time("passages: words", || {
        TokenStore::build(texts, signed.len(), normalize, progress)
    })?;
    let kept = &dups.clusters.kept;
    let (boilerplate, masked) = timings.stage(progress, "passages: boilerplate", || {
        boilerplate::find(signed, kept, &words)
    });
    let mut index = timings.stage(progress, "passages: index", || {
        let issues = index::issues(signed.len(), &dups.pairs);
        index::build(signed, kept, &issues, &words, &masked)
    });
    let seeds = std::mem::take(&mut index.seeds);
    // With only exact matches wanted, sentences are never compared as sets.
    let loose = if params.loosest == Match::Exact {
        SentenceEvidence::none(&words)
    } else {
        // One bar for its three timed steps.
        progress.begin("passages: sentences", None, Unit::Items);
        let evidence = sentence_evidence(
            signed,
            kept,
            &words,
            &masked,
            &index.stock,
            normalize,
            timings,
        );
        progress.end();
        evidence
    };
    let (content, bag, sets) = (&loose.content, &loose.bag, &loose.sets);
    let candidates = candidates(&seeds, &bag.pairs);
    let mut stage = Aligner {
        signed,
        kept,
        words: &words,
        masked: &masked,
        stock: index.stock,
        template: index.template,
        content,
        sets,
        params,
    };
    let (found, rechecked_stock) = stage.align_all(&candidates, &seeds, progress, timings);
    let template_siblings = timings.stage(progress, "passages: template siblings", || {
        // Near-duplicates on Jaccard, and pairs that share a passage that
        // is not all template wording (story evidence).
        let mut pairs: Vec<(Row, Row)> = dups
            .pairs
            .iter()
            .filter(|p| !p.contained)
            .map(|p| (p.a, p.b))
            .chain(
                found
                    .iter()
                    .flatten()
                    .filter(|p| p.text != TextKind::Template)
                    .map(|p| (p.a, p.b)),
            )
            .collect();
        pairs.par_sort_unstable();
        pairs.dedup();
        template_siblings(&words, &masked, &stage.stock, &stage.template, &pairs)
    });
    let own_words: Vec<u32> = (0..words.docs() as u32)
        .into_par_iter()
        .map(|r| {
            let range = words.words_of(Row(r));
            masked[range.start as usize..range.end as usize]
                .iter()
                .filter(|&&m| !m)
                .count() as u32
        })
        .collect();
    let own_total: u64 = own_words.iter().map(|&w| u64::from(w)).sum();
    let stats = PassageStats {
        words: words.len() as u64,
        boilerplate_words: words.len() as u64 - own_total,
        fingerprints: index.fingerprints,
        stock_fingerprints: index.stock_fingerprints,
        template_fingerprints: index.template_fingerprints,
        function_words: loose.function_words as u64,
        sentence_keys: bag.keys,
        stock_sentence_keys: bag.stock_keys,
        sentence_only_pairs: candidates.iter().filter(|c| c.seeds.is_empty()).count() as u64,
        pairs_aligned: candidates.len() as u64,
        rechecked_stock_ngrams: rechecked_stock.unwrap_or(0),
    };
    let aligned = candidates.iter().map(|c| (c.a, c.b)).collect();

    Ok(Passages {
        words,
        boilerplate,
        passages: found.into_iter().flatten().collect(),
        aligned,
        own_words,
        template_siblings,
        stats,
    })
}

/// Share of its own words (outside boilerplate) from which a document is
/// mostly a template's fixed wording.
pub const FORMULA_SHARE: f64 = 0.5;
/// Least share of the slot words of the document with fewer that the other
/// must have for two issues of one template to be one article.
pub const SLOT_AGREEMENT: f64 = 0.8;

/// The `pairs` (sorted) that are two issues of one template, not one
/// article nor one event: one of the two is mostly template or stock
/// wording ([`FORMULA_SHARE`] of its own words), and the words outside that
/// wording — the slots: names, places, figures, dates — mostly differ
/// (fewer than [`SLOT_AGREEMENT`] of the smaller set of slot words is in
/// the other). Two outlets running the same issue agree on its slots.
fn template_siblings(
    words: &TokenStore,
    masked: &[bool],
    stock: &[bool],
    template: &[bool],
    pairs: &[(Row, Row)],
) -> Vec<(Row, Row)> {
    let recurring = |i: usize| template[i] || stock[i];
    let own = |r: Row| {
        let w = words.words_of(r);
        w.start as usize..w.end as usize
    };
    // Per row of the pairs, the share of its own words in recurring wording
    // (computed once: a row is in many pairs).
    let mut rows: Vec<Row> = pairs.iter().flat_map(|&(a, b)| [a, b]).collect();
    rows.par_sort_unstable();
    rows.dedup();
    let formula: Vec<f64> = rows
        .par_iter()
        .map(|&r| {
            let range = own(r);
            let own_words = range.clone().filter(|&i| !masked[i]).count().max(1);
            let recurring_words = range.filter(|&i| !masked[i] && recurring(i)).count();
            recurring_words as f64 / own_words as f64
        })
        .collect();
    let formula_of = |r: Row| rows.binary_search(&r).map_or(0.0, |i| formula[i]);
    // Slot words only for the pairs where one side is mostly formula.
    pairs
        .par_iter()
        .filter(|&&(a, b)| formula_of(a).max(formula_of(b)) >= FORMULA_SHARE)
        .filter_map(|&(a, b)| {
            let slots = |r| slot_words(words, own(r), masked, &recurring);
            (slots_agree(&slots(a), &slots(b)) == Some(false)).then_some((a, b))
        })
        .collect()
}

/// The slot words of the words in `range` (global indexes): the distinct
/// hashes of those outside boilerplate (`masked`) and outside `recurring`
/// (template or stock) wording, sorted.
fn slot_words(
    words: &TokenStore,
    range: Range<usize>,
    masked: &[bool],
    recurring: &dyn Fn(usize) -> bool,
) -> Vec<u32> {
    let mut slots: Vec<u32> = range
        .filter(|&i| !masked[i] && !recurring(i))
        .map(|i| words.all_hashes()[i])
        .collect();
    slots.sort_unstable();
    slots.dedup();
    slots
}

/// Jaccard of their slot words from which two passages are one issue of a
/// template (their slot words: the words outside template and stock
/// wording).
pub const SAME_SLOTS: f64 = 0.72;

/// Whether the slot words (sorted) of two passages are the same: at least
/// [`MIN_SLOTS`] and a Jaccard of at least [`SAME_SLOTS`] (a template's
/// passage often holds words of its formula that fingerprints missed, the
/// same on both sides, so the share of the smaller set would overrate two
/// issues).
fn same_slots(a: &[u32], b: &[u32]) -> bool {
    if a.len().min(b.len()) < MIN_SLOTS {
        return false;
    }
    let common = common_words(a, b);
    common as f64 >= SAME_SLOTS * (a.len() + b.len() - common) as f64
}

/// Least slot words on each side for two texts to be judged by their slots.
pub const MIN_SLOTS: usize = 3;

/// Whether two sets of slot words (sorted) are one issue's: at least
/// [`SLOT_AGREEMENT`] of the smaller set is in the other; `None` when one
/// has fewer than [`MIN_SLOTS`] (too few to tell).
fn slots_agree(a: &[u32], b: &[u32]) -> Option<bool> {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if small.len() < MIN_SLOTS {
        return None;
    }
    Some(common_words(small, large) as f64 >= SLOT_AGREEMENT * small.len() as f64)
}

/// Number of the words of sorted `a` that are in sorted `b`.
fn common_words(a: &[u32], b: &[u32]) -> usize {
    a.iter().filter(|h| b.binary_search(h).is_ok()).count()
}

/// What comparing sentences as sets needs: per word, whether it is a content
/// word; the sentence index; the sentences' content-word sets; the number of
/// function words known.
struct SentenceEvidence {
    content: Vec<bool>,
    bag: bags::BagIndex,
    sets: sentence_pairs::SentenceSets,
    function_words: usize,
}

impl SentenceEvidence {
    /// No content words, no sentence keys, empty sets.
    fn none(words: &TokenStore) -> SentenceEvidence {
        SentenceEvidence {
            content: vec![false; words.len()],
            bag: bags::BagIndex::default(),
            sets: sentence_pairs::SentenceSets::empty(words),
            function_words: 0,
        }
    }
}

/// Content words, the sentence index and the sentence sets of `words`.
fn sentence_evidence(
    signed: &SignedDocs<'_>,
    kept: &[Row],
    words: &TokenStore,
    masked: &[bool],
    stock: &[bool],
    normalize: NormalizeOptions,
    timings: &mut Timings,
) -> SentenceEvidence {
    let (content_words, content) = timings.time("passages: content words", || {
        let c = content::ContentWords::build(words, normalize);
        let flags: Vec<bool> = words
            .all_hashes()
            .par_iter()
            .map(|&h| c.is_content(h))
            .collect();
        (c, flags)
    });
    let bag = timings.time("passages: sentence index", || {
        bags::build(signed, kept, words, masked, &content)
    });
    let sets = timings.time("passages: sentence sets", || {
        sentence_pairs::SentenceSets::build(words, masked, stock, &bag.stock_units, &content)
    });
    SentenceEvidence {
        content,
        bag,
        sets,
        function_words: content_words.function_words(),
    }
}

/// The candidate pairs: the pairs of `seeds` (sorted by pair) with their
/// seeds, and the `sentence_pairs` (sorted, with their shared sentence keys)
/// without seeds that share at least [`bags::MIN_COLLISIONS`] keys, sorted
/// by pair.
fn candidates(seeds: &[index::Seed], sentence_pairs: &[(Row, Row, u32)]) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    let mut start = 0;
    for run in seeds.chunk_by(|x, y| (x.a, x.b) == (y.a, y.b)) {
        out.push(Candidate {
            a: run[0].a,
            b: run[0].b,
            seeds: start..start + run.len(),
            sentences: false,
        });
        start += run.len();
    }
    let seeded = out.len();
    for &(a, b, keys) in sentence_pairs {
        match out[..seeded].binary_search_by(|c| (c.a, c.b).cmp(&(a, b))) {
            Ok(k) => out[k].sentences = true,
            Err(_) if keys as usize >= bags::MIN_COLLISIONS => out.push(Candidate {
                a,
                b,
                seeds: 0..0,
                sentences: true,
            }),
            Err(_) => {}
        }
    }
    out.sort_by_key(|c| (c.a, c.b));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_tell_issues_of_a_template_apart() {
        // Two cables to other countries: of 10 slot words, 3 differ.
        let a = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        let b = [1, 2, 3, 4, 5, 6, 7, 11, 12, 13];
        assert_eq!(slots_agree(&a, &b), Some(false));
        assert!(!same_slots(&a, &b));
        // One issue run twice, one word edited.
        let c = [1, 2, 3, 4, 5, 6, 7, 8, 9, 14];
        assert_eq!(slots_agree(&a, &c), Some(true));
        assert!(same_slots(&a, &c));
        // Too few slot words to tell.
        assert_eq!(slots_agree(&[1, 2], &a), None);
        assert!(!same_slots(&[1, 2], &[1, 2]));
    }
}
