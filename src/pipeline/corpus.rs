//! The corpus table: what the one streaming read of the inputs leaves in
//! memory, and how its records are read again.
//!
//! A [`Corpus`] holds one [`DocTable`] row per input record (ok, empty or
//! rejected: nothing is lost silently), one signature [`Row`] per ok record, and
//! where every record came from. It keeps no text. Stages that need texts
//! again read them through [`Texts`], which replays the same sources in the
//! same order (standard input, named pipes and devices from their spools)
//! and fails if the records differ from the first read.

use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::document::{DocId, DocTable, Row, Status};
use crate::error::{Error, Result};
use crate::input::{
    Block, FieldNames, ItemKind, ScanOptions, Scanner, Source, SpoolMode, parse_json_line,
    text_file_content,
};
use crate::minhash::Signatures;
use crate::minhash::{MinHasher, Scratch};
use crate::normalize::Normalizer;
use crate::passages::TokenStore;
use crate::progress::Progress;
use crate::signed::{SignedDocs, Texts};

/// Counts of the reading stage.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct ReadStats {
    /// Records read (= ok + empty + rejected).
    pub read: u64,
    /// Records signed.
    pub ok: u64,
    /// Records whose text is empty after normalization.
    pub empty: u64,
    /// Records rejected as bad input.
    pub rejected: u64,
    /// Duplicate ids kept under a new name.
    pub renamed_ids: u64,
    /// Records whose date field could not be parsed (the date is ignored).
    pub unparsed_dates: u64,
    /// Files in the given folders skipped for their type.
    pub ignored_files: u64,
    /// Bytes of text of the ok and empty records.
    pub text_bytes: u64,
    /// Bytes read from disk (compressed size for compressed inputs).
    pub input_bytes: u64,
    /// Whether the signatures outgrew half of `--memory-limit` and were moved
    /// to a temporary file.
    pub signatures_on_disk: bool,
    /// Whether the finer signatures outgrew an eighth of `--memory-limit`
    /// while reading, so that refinement read its documents again.
    pub fine_reread: bool,
}

/// Everything read from the inputs: one table row per record, one signature
/// row per ok record.
#[derive(Debug)]
pub struct Corpus {
    /// The sources, in reading order.
    pub sources: Arc<[Source]>,
    /// One row per input record.
    pub docs: DocTable,
    /// One row per ok record.
    pub sigs: Signatures,
    /// For each signature [`Row`], its document.
    pub row_docs: Vec<DocId>,
    /// Counts.
    pub stats: ReadStats,
    /// The JSON field names the records were read with.
    pub(super) fields: FieldNames,
    /// Finer signatures made in the first read ([`Config::refine`] bytes per
    /// signature [`Row`]), while they fit an eighth of the memory budget;
    /// `None` when refinement is off or they outgrew it (refinement then
    /// reads the documents it needs again).
    pub(super) fine: Option<Vec<u8>>,
    /// Copies of the sources that can be read only once (by source index),
    /// for rescans; removed when the corpus is dropped.
    pub(super) spools: Vec<(u32, tempfile::TempPath)>,
    pub(super) scan: ScanOptions,
    /// The words of every signed document, by signature [`Row`], when read
    /// by [`read_sign_and_keep_words`](super::read_sign_and_keep_words).
    pub words: Option<TokenStore>,
}

impl Corpus {
    /// Reads every source again, in the same order, with the same blocks'
    /// items; the sources that can be read only once are replayed from their
    /// spools.
    pub fn rescan(&self) -> Result<Scanner> {
        let mut scan = self.scan.clone();
        let spooled = |i: usize| self.spools.iter().any(|(s, _)| *s as usize == i);
        let unspooled = (self.sources.iter().enumerate())
            .find(|(i, s)| s.once && s.error.is_none() && !spooled(*i));
        if let Some((_, s)) = unspooled {
            return Err(Error::other(format!(
                "{}: this input can be read only once and was not spooled, so it cannot be read again",
                s.name
            )));
        }
        if !self.spools.is_empty() {
            let paths = self.spools.iter().map(|(i, p)| (*i, p.to_path_buf()));
            scan.spool = SpoolMode::Replay(paths.collect());
        }
        Ok(Scanner::start(Arc::clone(&self.sources), scan))
    }

    /// Reads every record again, in input order, and calls `f` with each block
    /// and the id of its first record (the block's items are that record and
    /// the following ones). Fails if the input no longer holds the records of
    /// the first pass.
    pub fn rescan_blocks(&self, mut f: impl FnMut(&Block, DocId) -> Result<()>) -> Result<()> {
        let docs = &self.docs;
        let mut next = 0usize;
        for block in self.rescan()? {
            let first = next;
            for item in &block.items {
                let d = DocId(next as u32);
                if next >= docs.len()
                    || docs.source(d) != item.source
                    || docs.line(d) != item.line
                    || docs.offset(d) != item.offset
                {
                    return Err(self.changed(next));
                }
                next += 1;
            }
            f(&block, DocId(first as u32))?;
        }
        if next != docs.len() {
            return Err(self.changed(next));
        }
        Ok(())
    }

    fn changed(&self, next: usize) -> Error {
        let at = if next < self.docs.len() {
            self.location(DocId(next as u32))
        } else {
            "input".to_string()
        };
        Error::other(format!(
            "{at}: the input changed while it was being read (the records differ from the first pass)"
        ))
    }

    /// The name of a record's location: `file:line`, or `file`.
    pub fn location(&self, d: DocId) -> String {
        location(&self.sources, self.docs.source(d), self.docs.line(d))
    }

    /// The document of signature [`Row`] `r`.
    pub fn doc_of_row(&self, r: Row) -> DocId {
        self.row_docs[r.index()]
    }

    /// The signed documents, as the stages after signing see them.
    pub fn signed(&self) -> SignedDocs<'_> {
        SignedDocs::new(&self.docs, &self.row_docs, &self.sigs)
    }
}

impl Corpus {
    /// The finer signatures of the first read, when it kept them
    /// ([`Config::fine_width`](crate::config::Config::fine_width) bytes per
    /// signature [`Row`]).
    pub fn fine(&self) -> Option<&[u8]> {
        self.fine.as_deref()
    }

    /// Finer signatures of `width` slots (a multiple of `num_perm`, at most
    /// the configured width) for the sorted `rows`, made again from their
    /// texts: `width` bytes per row, in the order of `rows`. Advances
    /// `progress` by one per row.
    pub fn sign_fine_again(
        &self,
        config: &Config,
        rows: &[Row],
        width: usize,
        progress: &dyn Progress,
    ) -> Result<Vec<u8>> {
        let k = config.num_perm;
        let hasher = MinHasher::new(config.signature_params())?;
        let normalizer = Normalizer::new(config.normalize);
        let mut fine = vec![0u8; rows.len() * width];
        self.map_texts(
            |r| rows.binary_search(&r).is_ok(),
            || {
                (
                    String::new(),
                    Scratch::default(),
                    vec![0u16; k],
                    vec![0u8; width],
                )
            },
            |(norm, scratch, coarse, sig), _, text, _| {
                normalizer.normalize_into(text, norm);
                sig.fill(0);
                hasher.sign_normalized_fine(norm, scratch, coarse, sig);
                sig.clone()
            },
            |r, sig| {
                if let Ok(i) = rows.binary_search(&r) {
                    fine[i * width..(i + 1) * width].copy_from_slice(&sig);
                }
                progress.advance(1);
                Ok(())
            },
        )?;
        Ok(fine)
    }
}

impl Texts for Corpus {
    fn map_texts<S, T: Send>(
        &self,
        select: impl Fn(Row) -> bool + Sync,
        init: impl Fn() -> S + Sync + Send,
        f: impl Fn(&mut S, Row, &str, Option<&str>) -> T + Sync + Send,
        mut sink: impl FnMut(Row, T) -> Result<()>,
    ) -> Result<()> {
        let fields = &self.fields;
        self.rescan_blocks(|block, first| {
            let results: Vec<Option<(Row, T)>> = block
                .items
                .par_iter()
                .enumerate()
                .map_init(
                    || (init(), String::new()),
                    |(state, buf), (i, item)| {
                        let d = DocId(first.0 + i as u32);
                        let row = self.docs.sig_row(d)?;
                        if self.docs.status(d) != Status::Ok || !select(row) {
                            return None;
                        }
                        let bytes = block.bytes(item);
                        match &item.kind {
                            ItemKind::Line => {
                                let parsed = parse_json_line(bytes, fields, buf).ok()?;
                                let title = parsed.title.as_deref().map(str::to_string);
                                Some((row, f(state, row, buf, title.as_deref())))
                            }
                            ItemKind::File => {
                                let text = text_file_content(bytes).ok()?;
                                Some((row, f(state, row, text, None)))
                            }
                            _ => None,
                        }
                    },
                )
                .collect();
            for (row, r) in results.into_iter().flatten() {
                sink(row, r)?;
            }
            Ok(())
        })
    }
}

pub(crate) fn location(sources: &[Source], source: u32, line: Option<u64>) -> String {
    let name = &sources[source as usize].name;
    match line {
        Some(l) => format!("{name}:{l}"),
        None => name.clone(),
    }
}
