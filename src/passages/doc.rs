//! One document as the passage stage sees it, derived from its stored words
//! and what the corpus-wide steps learnt.
//!
//! Nothing is kept per word of the corpus between steps: the marks of a
//! document's words — boilerplate, stock phrase, template wording, content
//! word — and its sentences' content-word sets are derived again from its
//! record in the [`TokenStore`] whenever a step needs them
//! ([`Knowledge::doc`]), from corpus-wide facts that are per sentence (one
//! bit each) or per distinct phrase. Derivation is exact: the marks are the
//! ones the steps would have set word by word.

use ahash::AHashSet;
use rayon::prelude::*;

use super::content::ContentWords;
use super::ngrams::{self, NGRAM};
use super::pair::{DocSets, Side};
use super::tokens::{TokenStore, Tokens};
use crate::document::Row;
use crate::error::Result;
use crate::progress::Progress;

/// A set of numbers below a bound, one bit each.
#[derive(Clone, Debug, Default)]
pub struct Bits(Vec<u64>);

impl Bits {
    /// `n` bits, all clear.
    pub fn new(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64)])
    }

    /// Sets bit `i`.
    pub fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }

    /// Whether bit `i` is set (false past the end).
    pub fn get(&self, i: usize) -> bool {
        self.0.get(i / 64).is_some_and(|w| w >> (i % 64) & 1 == 1)
    }
}

/// What the corpus-wide steps learnt, step by step: enough to derive any
/// document's marks.
#[derive(Debug, Default)]
pub struct Knowledge {
    /// Per global sentence number ([`TokenStore::unit_range`]), whether it
    /// is boilerplate (all its words are masked).
    pub masked_units: Bits,
    /// Content words, when sentences are compared as sets.
    pub content: Option<ContentWords>,
    /// Fingerprints found to be stock phrases.
    pub stock: AHashSet<u64>,
    /// Fingerprints found to be templates' wording.
    pub template: AHashSet<u64>,
    /// N-grams (any position, not only fingerprints) found to be stock by
    /// the second look at short passages, once it has run.
    pub rechecked: Option<AHashSet<u64>>,
    /// Per global sentence number, whether one of its sentence keys is stock
    /// (its set is left out of sentence matching).
    pub stock_units: Bits,
}

/// How much of a document to derive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Boilerplate marks only.
    Masked,
    /// And content-word flags.
    Content,
    /// And stock and template marks.
    Marks,
    /// And the sentence sets.
    Full,
}

/// One document's words and their marks.
#[derive(Clone, Debug, Default)]
pub struct Doc {
    /// Its signature row.
    pub row: Row,
    /// Its words.
    pub tokens: Tokens,
    /// Per word: boilerplate.
    pub masked: Vec<bool>,
    /// Per word: in a stock phrase.
    pub stock: Vec<bool>,
    /// Per word: in a template's wording.
    pub template: Vec<bool>,
    /// Per word: a content word.
    pub content: Vec<bool>,
    /// `(word hash, sentence)` of the sentences' content-word sets, sorted.
    pub postings: Vec<(u32, u32)>,
    /// Per sentence, the size of its set.
    pub sizes: Vec<u32>,
}

impl Doc {
    /// Number of words.
    pub fn len(&self) -> usize {
        self.tokens.hashes.len()
    }

    /// Whether it has no words.
    pub fn is_empty(&self) -> bool {
        self.tokens.hashes.is_empty()
    }

    /// The document as one side of a pair.
    pub fn side(&self) -> Side<'_> {
        Side {
            hashes: &self.tokens.hashes,
            masked: &self.masked,
            stock: &self.stock,
            content: &self.content,
            units: &self.tokens.units,
            sets: DocSets {
                postings: &self.postings,
                sizes: &self.sizes,
            },
        }
    }

    /// Whether word `i` is stock or template wording.
    pub fn recurring(&self, i: usize) -> bool {
        self.stock[i] || self.template[i]
    }

    /// Words outside boilerplate.
    pub fn own_words(&self) -> u32 {
        self.masked.iter().filter(|&&m| !m).count() as u32
    }
}

impl Knowledge {
    /// Applies `f` to every document of `words`, derived up to `level`, in
    /// parallel; `sink` gets the results in row order; `progress` advances
    /// by one a document.
    pub fn map_docs<T: Send>(
        &self,
        words: &TokenStore,
        level: Level,
        progress: &dyn Progress,
        f: impl Fn(&Doc) -> T + Sync + Send,
        mut sink: impl FnMut(T) -> Result<()>,
    ) -> Result<()> {
        words.map_docs(
            progress,
            false,
            Doc::default,
            |d, r, t| {
                d.row = r;
                d.tokens.clone_from(t);
                self.derive(words, d, level);
                f(d)
            },
            |_, x| sink(x),
        )
    }

    /// The documents of `rows` (sorted, distinct), derived up to `level`,
    /// read in parallel.
    pub fn docs(&self, words: &TokenStore, rows: &[Row], level: Level) -> Result<Vec<Doc>> {
        rows.par_iter()
            .map_init(Vec::new, |buf, &r| self.doc(words, r, level, buf))
            .collect()
    }

    /// Reads row `r` of `words` and derives its marks up to `level`
    /// (`buf`: scratch for reading its record).
    pub fn doc(&self, words: &TokenStore, r: Row, level: Level, buf: &mut Vec<u8>) -> Result<Doc> {
        let mut d = Doc {
            row: r,
            ..Doc::default()
        };
        words.read(r, &mut d.tokens, false, buf)?;
        self.derive(words, &mut d, level);
        Ok(d)
    }

    /// Derives the marks of `d` (its row and tokens set) up to `level`.
    pub fn derive(&self, words: &TokenStore, d: &mut Doc, level: Level) {
        let n = d.len();
        let first_unit = words.unit_range(d.row).start as usize;
        d.masked.clear();
        d.masked.resize(n, false);
        for (k, u) in d.tokens.units.iter().enumerate() {
            if self.masked_units.get(first_unit + k) {
                for m in &mut d.masked[u.words.start as usize..u.words.end as usize] {
                    *m = true;
                }
            }
        }
        if level < Level::Content {
            return;
        }
        d.content.clear();
        match &self.content {
            Some(c) => d
                .content
                .extend(d.tokens.hashes.iter().map(|&h| c.is_content(h))),
            None => d.content.resize(n, false),
        }
        if level < Level::Marks {
            return;
        }
        d.stock.clear();
        d.stock.resize(n, false);
        d.template.clear();
        d.template.resize(n, false);
        let again = self.rechecked.as_ref().filter(|s| !s.is_empty());
        let grams = if self.stock.is_empty() && self.template.is_empty() && again.is_none() {
            Vec::new()
        } else {
            ngrams::ngrams(&d.tokens.hashes, &d.masked)
        };
        if !self.stock.is_empty() || !self.template.is_empty() {
            for (h, p) in ngrams::winnow(&grams) {
                let p = p as usize;
                if self.stock.contains(&h) {
                    d.stock[p..p + NGRAM].iter_mut().for_each(|w| *w = true);
                }
                if self.template.contains(&h) {
                    d.template[p..p + NGRAM].iter_mut().for_each(|w| *w = true);
                }
            }
        }
        // The sets are those of the first look: the second one's stock
        // n-grams only change how passages are counted.
        if level == Level::Full {
            self.sets(d, first_unit);
        }
        if let Some(again) = again {
            for (p, h) in grams.iter().enumerate() {
                if h.is_some_and(|h| again.contains(&h)) {
                    d.stock[p..p + NGRAM].iter_mut().for_each(|w| *w = true);
                }
            }
        }
    }

    /// Adds the marks of the n-grams found stock by the second look
    /// ([`Knowledge::rechecked`]) to `d`, derived before they were known.
    pub fn add_rechecked(&self, d: &mut Doc) {
        let Some(again) = self.rechecked.as_ref().filter(|s| !s.is_empty()) else {
            return;
        };
        for (p, h) in ngrams::ngrams(&d.tokens.hashes, &d.masked)
            .into_iter()
            .enumerate()
        {
            if h.is_some_and(|h| again.contains(&h)) {
                d.stock[p..p + NGRAM].iter_mut().for_each(|w| *w = true);
            }
        }
    }

    /// The content-word sets of `d`'s sentences (not boilerplate, stock
    /// phrases nor stock sentences).
    fn sets(&self, d: &mut Doc, first_unit: usize) {
        d.postings.clear();
        d.sizes.clear();
        if self.content.is_none() {
            d.sizes.resize(d.tokens.units.len(), 0);
            return;
        }
        let mut set = Vec::new();
        for (local, u) in d.tokens.units.iter().enumerate() {
            set.clear();
            if !self.stock_units.get(first_unit + local) {
                set.extend(
                    (u.words.start as usize..u.words.end as usize)
                        .filter(|&i| d.content[i] && !d.masked[i] && !d.stock[i])
                        .map(|i| d.tokens.hashes[i]),
                );
                set.sort_unstable();
                set.dedup();
            }
            d.sizes.push(set.len() as u32);
            d.postings.extend(set.iter().map(|&h| (h, local as u32)));
        }
        d.postings.sort_unstable();
    }
}
