//! Shared passages between documents of different outlets.
//!
//! The stage works on the words of the signed documents, kept by the first
//! read, and runs, corpus-wide:
//!
//! 1. [`tokens`]: every document cut into sentences and normalized words,
//!    each word keeping the byte range of the original text it came from,
//!    stored as one record per document;
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
//! Passages are returned as word ranges and byte spans; [`snippets`] reads
//! the spans of the original texts they cover, which the writers in
//! [`crate::report`] use.
//!
//! # Memory
//!
//! Nothing is held per word of the corpus between steps. The word records
//! stay in memory within [`Space::words`] bytes, past it in a temporary
//! file read back by position ([`TokenStore`]). Each step derives the marks
//! of a document's words from its record when it needs them ([`doc`]), from
//! facts kept per sentence (one bit) or per distinct phrase. The steps'
//! tuples — boilerplate occurrences, fingerprints, sentence keys, seeds,
//! n-grams of the second look — go through external sorts
//! ([`crate::spill`]) of [`Space::sort`] bytes each, spilled to sorted runs
//! and merged. Candidates are aligned in batches whose documents, each read
//! and derived once per batch, fit the same budget; when every document
//! fits, all are derived once and kept. The output does not depend on the
//! budget: every sort is total and every derivation exact.

pub mod align;
pub mod bags;
pub mod boilerplate;
pub mod contained;
pub mod content;
pub mod doc;
pub mod grade;
pub mod index;
pub mod ngrams;
pub mod pair;
pub mod repeats;
pub mod sentence_pairs;
pub mod sentences;
pub mod snippets;
pub mod tokens;

use std::ops::Range;
use std::path::PathBuf;

use ahash::AHashSet;
use rayon::prelude::*;

use crate::cluster::Duplicates;
use crate::config::{MemoryBudget, PassageParams};
use crate::document::Row;
use crate::error::{Error, Result};
use crate::normalize::NormalizeOptions;
use crate::progress::{Progress, Unit};
use crate::signed::SignedDocs;
use crate::spill::{Record, Sorted, Sorter};
use crate::timings::Timings;

use content::ContentWords;
use doc::{Bits, Doc, Knowledge, Level};
use tokens::Tokens;

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
    /// Word range in `a` (word indexes of the document).
    pub a_words: Range<u32>,
    /// Word range in `b`.
    pub b_words: Range<u32>,
    /// Original byte range in `a`'s text.
    pub a_span: Range<u32>,
    /// Original byte range in `b`'s text.
    pub b_span: Range<u32>,
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
    /// Bytes of word records written to a temporary file past their share
    /// of `--memory-limit` (0 when they fit in memory).
    pub spilled_words_bytes: u64,
    /// Bytes of sorted runs (boilerplate occurrences, fingerprints, sentence
    /// keys, seeds) written to disk past the sorts' share (0 when all fit).
    pub spilled_sort_bytes: u64,
    /// Bytes of passage texts (with sentence bounds and titles) written to a
    /// temporary file past their share of `--memory-limit` (0 when they fit).
    pub spilled_text_bytes: u64,
}

/// Everything the passage stage found.
#[derive(Debug)]
pub struct Passages {
    /// Words of every signed document, by row.
    pub doc_words: Vec<u32>,
    /// Boilerplate sentences per outlet.
    pub boilerplate: Vec<Boilerplate>,
    /// Shared passages, sorted by `(a, b, a_words.start)`.
    pub passages: Vec<SharedPassage>,
    /// The pairs of signature [`Row`]s aligned (they share at least one
    /// fingerprint or enough sentence keys) that share a passage (before the
    /// second look at short passages), sorted.
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
            let w = self.doc_words[r.index()];
            let lead = (LEAD * f64::from(w)).ceil().max(f64::from(LEAD_WORDS)) as u32;
            start < lead
        };
        p.words >= LONG_PASSAGE
            || starts_in_lead(p.a, p.a_words.start)
            || starts_in_lead(p.b, p.b_words.start)
    }
}

/// Passages shorter than this get a second look for stock phrases.
pub const RECHECK_WORDS: u32 = 16;

/// Where the passage stage may hold its large data: `words` bytes of word
/// records in memory (past it they go to a temporary file in `dir`),
/// `sort` bytes for each sort of index entries (past it, sorted runs in
/// `dir`; two sorts are open at a time), and `docs` bytes of the documents
/// of one batch of candidates. The output does not depend on any of them.
#[derive(Debug, Default)]
pub struct Space {
    /// Bytes of word records kept in memory.
    pub words: u64,
    /// Bytes of records each sort holds in memory.
    pub sort: u64,
    /// Bytes of derived documents of one batch of candidates.
    pub docs: u64,
    /// Folder of the temporary files.
    pub dir: PathBuf,
    /// Bytes the sorts wrote to disk so far.
    spilled: std::sync::atomic::AtomicU64,
}

impl Space {
    /// Room for everything in memory (tests, small corpora).
    pub fn unlimited() -> Space {
        Space::new(u64::MAX, u64::MAX / 2, u64::MAX, std::env::temp_dir())
    }

    /// `words` bytes of word records, `sort` bytes per sort and `docs`
    /// bytes of a batch's documents in memory, the rest in `dir`.
    pub fn new(words: u64, sort: u64, docs: u64, dir: PathBuf) -> Space {
        Space {
            words,
            sort,
            docs,
            dir,
            spilled: Default::default(),
        }
    }

    /// The shares of `budget`: [`MemoryBudget::passage_words`],
    /// [`MemoryBudget::passage_sort`] and [`MemoryBudget::passage_docs`].
    pub fn within(budget: &MemoryBudget) -> Space {
        Space::new(
            budget.passage_words(),
            budget.passage_sort(),
            budget.passage_docs(),
            budget.temp_dir(),
        )
    }

    /// An external sorter within this space.
    pub fn sorter<T: Record>(&self) -> Sorter<T> {
        Sorter::new(self.sort, &self.dir)
    }

    /// Ends the input of `sorter`, counting what it wrote to disk.
    pub fn finish<T: Record>(&self, sorter: Sorter<T>) -> Result<Sorted<T>> {
        self.spilled
            .fetch_add(sorter.spilled_bytes(), std::sync::atomic::Ordering::Relaxed);
        sorter.finish()
    }
}

/// One candidate pair of rows and its seeds (`(pa, pb)` word positions,
/// empty when only sentence keys found it).
#[derive(Clone, Debug)]
struct Candidate {
    a: Row,
    b: Row,
    seeds: Vec<(u32, u32)>,
    /// Whether the pair shares a sentence key: only then are its sentences
    /// compared.
    sentences: bool,
}

/// The documents of a batch of candidates, derived once each; or all
/// documents, when they fit the budget.
struct Loaded {
    /// The rows, sorted; empty when all rows are loaded.
    rows: Vec<Row>,
    docs: Vec<Doc>,
}

impl Loaded {
    /// `f` of the documents of `pairs`: `resident` when every document is
    /// loaded, else the rows of `pairs` read and derived up to `level`.
    fn with<T>(
        resident: Option<&Loaded>,
        know: &Knowledge,
        words: &TokenStore,
        pairs: impl Iterator<Item = (Row, Row)>,
        level: Level,
        f: impl FnOnce(&Loaded) -> T,
    ) -> Result<T> {
        if let Some(all) = resident {
            return Ok(f(all));
        }
        let mut rows: Vec<Row> = pairs.flat_map(|(a, b)| [a, b]).collect();
        rows.par_sort_unstable();
        rows.dedup();
        let docs = know.docs(words, &rows, level)?;
        Ok(f(&Loaded { rows, docs }))
    }

    /// Reads and derives (fully) every row, in one pass over the store.
    fn all(know: &Knowledge, words: &TokenStore, progress: &dyn Progress) -> Result<Loaded> {
        let mut docs = Vec::with_capacity(words.docs());
        words.map_docs(
            progress,
            false,
            || (),
            |_, row, tokens| {
                let mut d = Doc {
                    row,
                    tokens: tokens.clone(),
                    ..Doc::default()
                };
                know.derive(words, &mut d, Level::Full);
                d
            },
            |_, d| {
                docs.push(d);
                Ok(())
            },
        )?;
        Ok(Loaded {
            rows: Vec::new(),
            docs,
        })
    }

    fn get(&self, r: Row) -> &Doc {
        if self.rows.is_empty() {
            &self.docs[r.index()]
        } else {
            &self.docs[self.rows.binary_search(&r).expect("loaded row")]
        }
    }
}

/// `f` of every document of `words` derived up to `level`, by row: from
/// `resident` when every document is loaded, else in one pass over the
/// store.
fn per_doc<T: Send>(
    know: &Knowledge,
    words: &TokenStore,
    resident: Option<&Loaded>,
    level: Level,
    progress: &dyn Progress,
    f: impl Fn(&Doc) -> T + Sync + Send,
) -> Result<Vec<T>> {
    if let Some(all) = resident {
        let out: Vec<T> = all.docs.par_iter().map(f).collect();
        progress.advance(out.len() as u64);
        return Ok(out);
    }
    let mut out = Vec::with_capacity(words.docs());
    know.map_docs(words, level, progress, f, |x| {
        out.push(x);
        Ok(())
    })?;
    Ok(out)
}

/// What aligning a pair needs of the corpus-wide stage.
struct Aligner<'a> {
    signed: &'a SignedDocs<'a>,
    params: &'a PassageParams,
}

impl Aligner<'_> {
    /// What the passage of words `ra` of `a` and `rb` of `b` is: a
    /// template's when most of `ra` is template or stock wording and its
    /// other words — the slots — are not the same on both sides
    /// ([`same_slots`]: one issue of a template run by two outlets is
    /// reuse), a quote when both sides are mostly inside quotation marks,
    /// else reuse.
    fn text_kind(&self, a: &Doc, ra: Range<u32>, b: &Doc, rb: Range<u32>) -> TextKind {
        let share = |r: &Range<u32>, f: &dyn Fn(usize) -> bool| {
            r.clone().filter(|&i| f(i as usize)).count() as f64 / r.len().max(1) as f64
        };
        let slots = |d: &Doc, r: &Range<u32>| slot_words(d, r.start as usize..r.end as usize);
        if share(&ra, &|i| a.recurring(i)) >= TEMPLATE_SHARE
            && !same_slots(&slots(a, &ra), &slots(b, &rb))
        {
            TextKind::Template
        } else if share(&ra, &|i| a.tokens.quoted[i]) >= QUOTE_SHARE
            && share(&rb, &|i| b.tokens.quoted[i]) >= QUOTE_SHARE
        {
            TextKind::Quote
        } else {
            TextKind::Reuse
        }
    }

    /// Aligns one pair of documents from its seeds and returns its passages.
    fn align_pair(&self, c: &Candidate, da: &Doc, db: &Doc) -> Vec<SharedPassage> {
        let (a, b) = (c.a, c.b);
        let found = align::align(&da.side(), &db.side(), &c.seeds, c.sentences, self.params);
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
                // Set by `fill_spans` once all are found.
                a_span: 0..0,
                b_span: 0..0,
                words: p.words,
                similarity: p.similarity,
                kind: p.kind,
                text: self.text_kind(da, p.a.clone(), db, p.b.clone()),
                a_words: p.a,
                b_words: p.b,
            })
            .collect()
    }

    /// Aligns `candidates` (sorted) in parallel, each document read once
    /// (from `resident` when all are loaded); `seen` gets every candidate's
    /// passages while its documents are loaded.
    fn align_batch(
        &self,
        know: &Knowledge,
        words: &TokenStore,
        candidates: &[Candidate],
        resident: Option<&Loaded>,
        seen: &mut dyn FnMut(&Candidate, &Vec<SharedPassage>, &Loaded),
    ) -> Result<Vec<Vec<SharedPassage>>> {
        let pairs = candidates.iter().map(|c| (c.a, c.b));
        Loaded::with(resident, know, words, pairs, Level::Full, |loaded| {
            let out: Vec<Vec<SharedPassage>> = candidates
                .par_iter()
                .map(|c| self.align_pair(c, loaded.get(c.a), loaded.get(c.b)))
                .collect();
            for (c, v) in candidates.iter().zip(&out) {
                seen(c, v, loaded);
            }
            out
        })
    }
}

/// Distinct documents a batch of candidates may read (each derived once per
/// batch): as many as fit `budget` bytes at the corpus's mean of
/// `words_per_doc`, between 1,024 and a million.
fn rows_per_batch(budget: u64, words_per_doc: u64) -> usize {
    // Hashes, quotation flags and marks, sentence sets and sentences, and
    // the vectors' headers.
    let per_doc = words_per_doc * 18 + 400;
    (budget / per_doc).clamp(1 << 10, 1 << 20) as usize
}

/// Cuts sorted `candidates` into runs that read at most `max_rows`
/// distinct documents each (a single candidate reads two): their ranges.
fn row_batches(candidates: &[Candidate], max_rows: usize) -> Vec<Range<usize>> {
    let mut rows: AHashSet<Row> = AHashSet::new();
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in candidates.iter().enumerate() {
        if rows.len() + 2 > max_rows && i > start {
            out.push(start..i);
            rows.clear();
            start = i;
        }
        rows.insert(c.a);
        rows.insert(c.b);
    }
    if start < candidates.len() {
        out.push(start..candidates.len());
    }
    out
}

/// Gives `f` the runs of [`row_batches`].
fn by_rows(
    candidates: &[Candidate],
    max_rows: usize,
    f: &mut impl FnMut(&[Candidate]) -> Result<()>,
) -> Result<()> {
    for r in row_batches(candidates, max_rows) {
        f(&candidates[r])?;
    }
    Ok(())
}

/// Candidates collected from the seeds before sentence-only pairs are
/// merged in and they are cut into batches.
const CANDIDATE_CHUNK: usize = 1 << 18;

/// The candidate pairs, sorted, in batches that read at most `max_rows`
/// documents each: the pairs of the sorted `seeds` with their seeds, and the
/// `sentence_pairs` (sorted, with their shared sentence keys) that share at
/// least [`bags::MIN_COLLISIONS`] keys and no seed. `f` gets each batch.
fn for_each_candidates(
    seeds: Sorted<(u32, u32, u32, u32)>,
    sentence_pairs: &[(Row, Row, u32)],
    max_rows: usize,
    progress: &dyn Progress,
    mut f: impl FnMut(&[Candidate]) -> Result<()>,
) -> Result<()> {
    let mut next = 0; // first sentence pair not yet given
    let mut batch: Vec<Candidate> = Vec::new();
    let sentence_only = |a: Row, b: Row| Candidate {
        a,
        b,
        seeds: Vec::new(),
        sentences: true,
    };
    let flush = |batch: &mut Vec<Candidate>, upto: Option<(Row, Row)>, next: &mut usize| {
        // Sentence-only pairs up to `upto`, merged in.
        let mut merged = Vec::with_capacity(batch.len());
        let mut seeded = std::mem::take(batch).into_iter().peekable();
        loop {
            let s = sentence_pairs
                .get(*next)
                .filter(|s| upto.is_none_or(|u| (s.0, s.1) <= u));
            match (seeded.peek(), s) {
                (Some(c), Some(&(a, b, _))) if (c.a, c.b) < (a, b) => {
                    merged.extend(seeded.next());
                }
                (Some(c), Some(&(a, b, _))) if (c.a, c.b) == (a, b) => {
                    let mut c = seeded.next().expect("peeked");
                    c.sentences = true;
                    merged.push(c);
                    *next += 1;
                }
                (_, Some(&(a, b, keys))) => {
                    *next += 1;
                    if keys as usize >= bags::MIN_COLLISIONS {
                        merged.push(sentence_only(a, b));
                    }
                }
                (Some(_), None) => merged.extend(seeded.next()),
                (None, None) => break,
            }
        }
        merged
    };
    seeds.for_each_batch(
        CANDIDATE_CHUNK * 4,
        |x, y| (x.0, x.1) == (y.0, y.1),
        |records| {
            for run in records.chunk_by(|x, y| (x.0, x.1) == (y.0, y.1)) {
                let mut s: Vec<(u32, u32)> = run.iter().map(|x| (x.2, x.3)).collect();
                s.dedup();
                batch.push(Candidate {
                    a: Row(run[0].0),
                    b: Row(run[0].1),
                    seeds: s,
                    sentences: false,
                });
            }
            if batch.len() >= CANDIDATE_CHUNK {
                let upto = batch.last().map(|c| (c.a, c.b));
                let merged = flush(&mut batch, upto, &mut next);
                by_rows(&merged, max_rows, &mut f)?;
            }
            progress.advance(records.len() as u64);
            Ok(())
        },
    )?;
    let merged = flush(&mut batch, None, &mut next);
    by_rows(&merged, max_rows, &mut f)
}

/// Sets the byte spans of `passages` from their word ranges, reading the
/// words (with their byte ranges) of the rows they are in, in parallel
/// chunks of rows.
fn fill_spans(words: &TokenStore, passages: &mut [SharedPassage]) -> Result<()> {
    // (row, passage, side b?), by row.
    let mut sides: Vec<(Row, u32, bool)> = passages
        .iter()
        .enumerate()
        .flat_map(|(i, p)| [(p.a, i as u32, false), (p.b, i as u32, true)])
        .collect();
    sides.par_sort_unstable();
    for chunk in sides
        .chunk_by(|x, y| x.0 == y.0)
        .collect::<Vec<_>>()
        .chunks(1 << 14)
    {
        let spans: Vec<Vec<Range<u32>>> = chunk
            .par_iter()
            .map_init(
                || (Tokens::default(), Vec::new()),
                |(tokens, buf), group| {
                    words.read(group[0].0, tokens, true, buf)?;
                    Ok(group
                        .iter()
                        .map(|&(_, i, is_b)| {
                            let p = &passages[i as usize];
                            tokens.byte_span(if is_b { &p.b_words } else { &p.a_words })
                        })
                        .collect())
                },
            )
            .collect::<Result<_>>()?;
        for (group, spans) in chunk.iter().zip(spans) {
            for (&(_, i, is_b), span) in group.iter().zip(spans) {
                let p = &mut passages[i as usize];
                if is_b {
                    p.b_span = span;
                } else {
                    p.a_span = span;
                }
            }
        }
    }
    Ok(())
}

/// A second look at short passages. Stock marks come from winnowed
/// fingerprints, so a stock phrase shorter than 8 words may carry none and
/// be joined by one word of context into an 8-word run. The document
/// frequency of every n-gram in `wanted` (those of the short passages) is
/// counted exactly, over the whole corpus, and the stock ones are returned.
fn recheck_stock(
    judge: &index::Judge<'_, '_>,
    words: &TokenStore,
    know: &Knowledge,
    wanted: &AHashSet<u64>,
    space: &Space,
    progress: &dyn Progress,
) -> Result<AHashSet<u64>> {
    // (n-gram hash, row number, position): a flat sort key.
    let mut occ: Sorter<(u64, u32, u32)> = space.sorter();
    know.map_docs(
        words,
        Level::Masked,
        progress,
        |d| {
            ngrams::ngrams(&d.tokens.hashes, &d.masked)
                .into_iter()
                .enumerate()
                .filter_map(|(i, h)| {
                    h.filter(|h| wanted.contains(h))
                        .map(|h| (h, d.row.0, i as u32))
                })
                .collect::<Vec<_>>()
        },
        |o| occ.extend(o),
    )?;
    let mut stock = AHashSet::new();
    space.finish(occ)?.for_each_batch(
        index::GROUP_BATCH,
        |x, y| x.0 == y.0,
        |batch| {
            for group in batch.chunk_by(|x, y| x.0 == y.0) {
                if judge.is_stock(group.iter().map(|e| Row(e.1))) {
                    stock.insert(group[0].0);
                }
            }
            Ok(())
        },
    )?;
    Ok(stock)
}

/// Finds shared passages between the `signed` documents, whose `words`
/// (normalized with `normalize`, the options their signatures were made
/// with) were kept by the first read, holding its large data within
/// `space`.
#[allow(clippy::too_many_arguments)]
pub fn find(
    signed: &SignedDocs<'_>,
    words: TokenStore,
    dups: &Duplicates,
    normalize: NormalizeOptions,
    params: &PassageParams,
    space: &Space,
    progress: &dyn Progress,
    timings: &mut Timings,
) -> Result<Passages> {
    let kept = &dups.clusters.kept;
    let mut know = Knowledge::default();
    let n = words.docs() as u64;
    let (boilerplate, masked_units) =
        timings.sized(progress, "passages: boilerplate", n, || {
            boilerplate::find(signed, kept, &words, space, progress)
        })?;
    know.masked_units = masked_units;
    // The fingerprints and the sentence keys come from one reading and
    // derivation of the documents (two passes: mark repeated keys, sort
    // them); with only exact matches wanted, sentences are never compared
    // as sets and only fingerprints are sorted.
    let sets = params.loosest != Match::Exact;
    if sets {
        let content = timings.stage(progress, "passages: content words", || {
            ContentWords::build(&words, normalize)
        })?;
        know.content = Some(content);
    }
    let (fingerprints, sentence_keys) = timings.sized(progress, "passages: keys", 2 * n, || {
        if sets {
            let (f, k) = repeats::sort_repeated_two(
                &know,
                &words,
                Level::Content,
                space,
                progress,
                index::kind(&words),
                bags::kind(&words),
            )?;
            Ok::<_, Error>((f, Some(k)))
        } else {
            let f = repeats::sort_repeated(
                &know,
                &words,
                Level::Masked,
                space,
                progress,
                index::kind(&words),
            )?;
            Ok((f, None))
        }
    })?;
    let index = timings.stage(progress, "passages: index", || {
        let issues = index::issues(signed.len(), &dups.pairs);
        index::build(signed, kept, &issues, fingerprints, space)
    })?;
    know.stock = index.stock;
    know.template = index.template;
    let bag = match sentence_keys {
        None => bags::BagIndex {
            stock_units: Bits::new(words.units()),
            ..bags::BagIndex::default()
        },
        Some(keys) => timings.stage(progress, "passages: sentence index", || {
            bags::build(signed, kept, &words, keys, space)
        })?,
    };
    let function_words = know.content.as_ref().map_or(0, |c| c.function_words());
    let bags::BagIndex {
        pairs: bag_pairs,
        stock_units,
        keys: sentence_keys,
        stock_keys,
    } = bag;
    know.stock_units = stock_units;

    // Alignment, batch by batch of candidates.
    let stage = Aligner { signed, params };
    let max_rows = rows_per_batch(space.docs, words.len() / words.docs().max(1) as u64);
    // Every document derived once and kept, when they all fit.
    let mut resident = if words.docs() <= max_rows {
        Some(timings.sized(progress, "passages: derive", n, || {
            Loaded::all(&know, &words, progress)
        })?)
    } else {
        None
    };
    let short = |v: &Vec<SharedPassage>| v.iter().any(|p| p.words < RECHECK_WORDS);
    let mut found: Vec<Vec<SharedPassage>> = Vec::new();
    let mut aligned: Vec<(Row, Row)> = Vec::new();
    let (mut sentence_only, mut pairs_aligned) = (0u64, 0u64);
    // Candidates with a short passage and their index in `found`, and the
    // n-grams of their short passages.
    let (mut recheck, mut recheck_at): (Vec<Candidate>, Vec<usize>) = Default::default();
    let mut wanted: AHashSet<u64> = AHashSet::new();
    // Seeds are the known measure of the work ahead.
    progress.begin("passages: align", Some(index.seeds.len()), Unit::Items);
    timings.time("passages: align", || {
        for_each_candidates(index.seeds, &bag_pairs, max_rows, progress, |batch| {
            let out = stage.align_batch(
                &know,
                &words,
                batch,
                resident.as_ref(),
                &mut |c, v, loaded| {
                    if short(v) {
                        let d = loaded.get(c.a);
                        for p in v.iter().filter(|p| p.words < RECHECK_WORDS) {
                            let h =
                                &d.tokens.hashes[p.a_words.start as usize..p.a_words.end as usize];
                            wanted.extend(h.windows(ngrams::NGRAM).map(ngrams::ngram_hash));
                        }
                    }
                },
            )?;
            for (c, v) in batch.iter().zip(out) {
                pairs_aligned += 1;
                sentence_only += u64::from(c.seeds.is_empty());
                if v.is_empty() {
                    // Most candidates of a large corpus share a chance
                    // n-gram and nothing else: nothing is kept of them.
                    continue;
                }
                if short(&v) {
                    recheck.push(c.clone());
                    recheck_at.push(found.len());
                }
                aligned.push((c.a, c.b));
                found.push(v);
            }
            Ok(())
        })
    })?;
    progress.end();
    let rechecked_stock = if recheck.is_empty() {
        None
    } else {
        let start = std::time::Instant::now();
        let judge = index::Judge::new(signed, kept);
        progress.begin("passages: recheck", Some(n), Unit::Items);
        let stock = recheck_stock(&judge, &words, &know, &wanted, space, progress)?;
        progress.end();
        let count = stock.len() as u64;
        know.rechecked = Some(stock);
        if let Some(all) = &mut resident {
            all.docs.par_iter_mut().for_each(|d| know.add_rechecked(d));
        }
        for r in row_batches(&recheck, max_rows) {
            let again = stage.align_batch(
                &know,
                &words,
                &recheck[r.clone()],
                resident.as_ref(),
                &mut |_, _, _| {},
            )?;
            for (&g, v) in recheck_at[r].iter().zip(again) {
                found[g] = v;
            }
        }
        timings.add("passages: recheck", start.elapsed());
        Some(count)
    };
    let mut passages: Vec<SharedPassage> = found.into_iter().flatten().collect();
    timings.stage(progress, "passages: spans", || {
        fill_spans(&words, &mut passages)
    })?;
    // Per row: words outside boilerplate, and the share of those in
    // recurring (template or stock) wording.
    let template_siblings = timings.sized(progress, "passages: template siblings", n, || {
        let (own_words, formula): (Vec<u32>, Vec<f64>) = per_doc(
            &know,
            &words,
            resident.as_ref(),
            Level::Marks,
            progress,
            |d| {
                let own = d.own_words();
                let recurring = (0..d.len())
                    .filter(|&i| !d.masked[i] && d.recurring(i))
                    .count();
                (own, recurring as f64 / f64::from(own.max(1)))
            },
        )?
        .into_iter()
        .unzip();
        // Near-duplicates on Jaccard, and pairs that share a passage that
        // is not all template wording (story evidence).
        let mut pairs: Vec<(Row, Row)> = dups
            .pairs
            .iter()
            .filter(|p| !p.contained)
            .map(|p| (p.a, p.b))
            .chain(
                passages
                    .iter()
                    .filter(|p| p.text != TextKind::Template)
                    .map(|p| (p.a, p.b)),
            )
            .collect();
        pairs.par_sort_unstable();
        pairs.dedup();
        let siblings =
            template_siblings(&know, &words, &pairs, &formula, resident.as_ref(), max_rows)?;
        Ok::<_, Error>((siblings, own_words))
    })?;
    let (template_siblings, own_words) = template_siblings;
    let own_total: u64 = own_words.iter().map(|&w| u64::from(w)).sum();
    let stats = PassageStats {
        words: words.len(),
        boilerplate_words: words.len() - own_total,
        fingerprints: index.fingerprints,
        stock_fingerprints: index.stock_fingerprints,
        template_fingerprints: index.template_fingerprints,
        function_words: function_words as u64,
        sentence_keys,
        stock_sentence_keys: stock_keys,
        sentence_only_pairs: sentence_only,
        pairs_aligned,
        rechecked_stock_ngrams: rechecked_stock.unwrap_or(0),
        spilled_words_bytes: words.spilled_bytes(),
        spilled_sort_bytes: space.spilled.load(std::sync::atomic::Ordering::Relaxed),
        spilled_text_bytes: 0,
    };
    Ok(Passages {
        doc_words: words.doc_words().to_vec(),
        boilerplate,
        passages,
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
    know: &Knowledge,
    words: &TokenStore,
    pairs: &[(Row, Row)],
    formula: &[f64],
    resident: Option<&Loaded>,
    max_rows: usize,
) -> Result<Vec<(Row, Row)>> {
    // Slot words only for the pairs where one side is mostly formula.
    let candidates: Vec<(Row, Row)> = pairs
        .iter()
        .copied()
        .filter(|&(a, b)| formula[a.index()].max(formula[b.index()]) >= FORMULA_SHARE)
        .collect();
    let mut out = Vec::new();
    for chunk in candidates.chunks(max_rows / 2) {
        let pairs = chunk.iter().copied();
        Loaded::with(resident, know, words, pairs, Level::Marks, |loaded| {
            let slots = |r: Row| slot_words(loaded.get(r), 0..loaded.get(r).len());
            out.par_extend(
                chunk
                    .par_iter()
                    .filter(|&&(a, b)| slots_agree(&slots(a), &slots(b)) == Some(false)),
            );
        })?;
    }
    Ok(out)
}

/// The slot words of words `range` of `d`: the distinct hashes of those
/// outside boilerplate and outside recurring (template or stock) wording,
/// sorted.
fn slot_words(d: &Doc, range: Range<usize>) -> Vec<u32> {
    let mut slots: Vec<u32> = range
        .filter(|&i| !d.masked[i] && !d.recurring(i))
        .map(|i| d.tokens.hashes[i])
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
