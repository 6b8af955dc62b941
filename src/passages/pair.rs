//! The two documents of a candidate pair, as the alignment sees them: per
//! side, the words and their marks, the sentences and their content-word
//! sets; and a run of identical words between them. Plain views, shared by
//! [`super::align`], [`super::sentence_pairs`] and [`super::grade`].

use std::ops::Range;

use super::tokens::Unit;

/// One side of the pair: its word hashes and, per word, whether it is masked
/// (boilerplate), covered by a stock phrase or a content word; its sentences
/// and their content-word sets.
#[derive(Clone, Copy, Debug)]
pub struct Side<'a> {
    /// Word hashes.
    pub hashes: &'a [u32],
    /// Boilerplate words: they never match.
    pub masked: &'a [bool],
    /// Words of stock phrases: they match but do not count.
    pub stock: &'a [bool],
    /// Content words ([`super::content`]).
    pub content: &'a [bool],
    /// Sentences, as word ranges.
    pub units: &'a [Unit],
    /// Content-word sets of its sentences.
    pub sets: DocSets<'a>,
}

impl Side<'_> {
    /// Number of words.
    pub fn len(&self) -> u32 {
        self.hashes.len() as u32
    }

    /// Whether it has no words.
    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }

    /// Local word range of sentence `u`.
    pub fn unit(&self, u: usize) -> Range<u32> {
        self.units[u].words.clone()
    }
}

/// Whether word `i` of A and word `j` of B are the same and neither is
/// boilerplate.
#[inline]
pub fn same(a: &Side<'_>, i: u32, b: &Side<'_>, j: u32) -> bool {
    let (i, j) = (i as usize, j as usize);
    a.hashes[i] == b.hashes[j] && !a.masked[i] && !b.masked[j]
}

/// A run of identical words: `len` words from `a` in A and `b` in B.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Run {
    /// Start in A.
    pub a: u32,
    /// Start in B.
    pub b: u32,
    /// Length in words.
    pub len: u32,
}

/// The sets of one document: its postings and its sentences' set sizes.
#[derive(Clone, Copy, Debug)]
pub struct DocSets<'a> {
    /// `(word hash, sentence index local to the document)`, sorted.
    pub postings: &'a [(u32, u32)],
    /// Per sentence, the size of its set (0 for stock sentences).
    pub sizes: &'a [u32],
}
