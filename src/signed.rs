//! The signed documents, by signature [`Row`]: what the stages after the
//! near-duplicate one see of a corpus.
//!
//! Signature rows number the documents that have a signature (status ok) in
//! input order. Passages, stories and the report take a [`SignedDocs`] view
//! (the document table, the row → document map and the signatures) and,
//! when they need the original texts, a [`Texts`] reader, never the whole
//! corpus: they cannot start another read or change the table.

use crate::document::{DocId, DocTable, Row};
use crate::error::Result;
use crate::minhash::Signatures;

/// The signed documents of a corpus, by signature [`Row`].
#[derive(Clone, Copy, Debug)]
pub struct SignedDocs<'a> {
    /// The table of every input record.
    pub docs: &'a DocTable,
    row_docs: &'a [DocId],
    sigs: &'a Signatures,
}

impl<'a> SignedDocs<'a> {
    /// A view of `sigs`, whose row `r` is the signature of document
    /// `row_docs[r]` of `docs`.
    pub fn new(docs: &'a DocTable, row_docs: &'a [DocId], sigs: &'a Signatures) -> Self {
        debug_assert_eq!(row_docs.len(), sigs.len());
        SignedDocs {
            docs,
            row_docs,
            sigs,
        }
    }

    /// Number of signed documents (signature [`Row`]s).
    pub fn len(&self) -> usize {
        self.row_docs.len()
    }

    /// Whether no document was signed.
    pub fn is_empty(&self) -> bool {
        self.row_docs.is_empty()
    }

    /// All signature [`Row`]s, in order.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = Row> + use<> {
        (0..self.len() as u32).map(Row)
    }

    /// The document of signature [`Row`] `r`.
    pub fn doc(&self, r: Row) -> DocId {
        self.row_docs[r.index()]
    }

    /// Estimated Jaccard similarity of rows `a` and `b`.
    pub fn jaccard(&self, a: Row, b: Row) -> f64 {
        self.sigs.jaccard(a, b)
    }

    /// The signatures.
    pub fn signatures(&self) -> &'a Signatures {
        self.sigs
    }
}

/// Reads the original texts of signed documents again.
///
/// Implemented by the corpus, which knows where every record came from; the
/// stages that need texts (passage words, passage snippets, refinement)
/// take this and nothing else of the input.
pub trait Texts: Sync {
    /// Reads the text (and title, where the record has one) of every signed
    /// [`Row`] that `select` accepts, maps them in parallel with `f` (given
    /// per-thread state from `init`), and hands the results to `sink` in row
    /// order. Fails if the input no longer holds the records of the first
    /// read.
    fn map_texts<S, T: Send>(
        &self,
        select: impl Fn(Row) -> bool + Sync,
        init: impl Fn() -> S + Sync + Send,
        f: impl Fn(&mut S, Row, &str, Option<&str>) -> T + Sync + Send,
        sink: impl FnMut(Row, T) -> Result<()>,
    ) -> Result<()>;
}
