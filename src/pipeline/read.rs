//! Reading: every record of the inputs, once, into the corpus table.
//!
//! [`read_and_sign`] streams the inputs in blocks (the scanner's thread
//! reads ahead), signs each block in parallel and appends its records to the
//! [`Corpus`] in input order, on one thread, while the next block is signed.
//! This is where the `--on-error` policy and ids are decided:
//!
//! - under [`OnError::Fail`] the first bad record or duplicate id in input
//!   order stops the run with its `file:line` and reason;
//! - under [`OnError::Skip`] a bad record becomes a rejected row named by its
//!   location, a duplicate id is kept under `ID@FILE:LINE`, and both are
//!   passed to the caller's notices;
//! - a record without an id is named by its location (`FILE:LINE`, or the
//!   file's id for a text file).
//!
//! Signatures past their share of the [`MemoryBudget`](crate::config::MemoryBudget)
//! move to a memory-mapped file; finer signatures past theirs are dropped
//! (refinement then reads the documents it needs again).

use std::sync::Arc;

use super::corpus::{Corpus, ReadStats, location};
use super::sign::{Buffers, Outcome, Signed, Signer};
use crate::config::{Config, MemoryBudget, OnError};
use crate::document::{DocId, DocTable, NewDoc, Status};
use crate::error::{Error, Result};
use crate::input::{Block, Inputs, Item, ItemKind, ScanOptions, Scanner, Source, StdinMode};
use crate::minhash::Signatures;
use crate::progress::{Progress, Unit};

/// Something the reader tells the caller about a record it did not take as is.
#[derive(Debug)]
pub enum Notice<'a> {
    /// A bad record, skipped under `--on-error skip`.
    Rejected {
        /// Source name.
        file: &'a str,
        /// Line, for JSONL records.
        line: Option<u64>,
        /// What is wrong.
        reason: &'a str,
        /// The offending bytes, when they were loaded.
        raw: Option<&'a [u8]>,
    },
    /// A duplicate id, kept under a new name under `--on-error skip`.
    Renamed {
        /// Source name.
        file: &'a str,
        /// Line, for JSONL records.
        line: Option<u64>,
        /// The id as given.
        id: &'a str,
        /// The id it was given instead.
        new_id: &'a str,
    },
}

/// Where notices go: called in input order, on the merging thread.
pub type Notices<'n> = dyn FnMut(Notice<'_>) -> Result<()> + Send + 'n;

/// Reads all inputs once and signs every record.
///
/// Under [`OnError::Fail`] the first bad record in input order stops the run
/// with its `file:line` and reason. Under [`OnError::Skip`] bad records become
/// rejected rows and are passed to `notices`, as are renamed duplicate ids.
/// With `spool_stdin`, standard input is copied to a temporary file so that
/// the corpus can read it again. `config` must be valid
/// ([`Config::validate`]); the commands check it once, before any input is
/// read.
pub fn read_and_sign(
    config: &Config,
    inputs: Inputs,
    spool_stdin: bool,
    progress: &dyn Progress,
    notices: &mut Notices<'_>,
) -> Result<Corpus> {
    let budget = config.budget();
    let sources: Arc<[Source]> = inputs.sources.into();
    let mut scan = ScanOptions {
        max_doc_bytes: config.input.max_doc_bytes,
        ..ScanOptions::default()
    };
    let spool = if spool_stdin {
        spool_stdin_file(&sources, &budget)?
    } else {
        None
    };
    if let Some(path) = &spool {
        scan.stdin = StdinMode::Spool(path.to_path_buf());
    }
    let total = input_size(&sources);
    progress.begin("read + sign", Some(total), Unit::Bytes);
    let signer = Signer::new(config)?;
    let mut corpus = Corpus::empty(config, &sources, inputs.ignored_files, scan.clone(), total);
    // Signing a block (in parallel) overlaps with appending the previous one
    // to the table (in input order, on one thread), so the sequential part
    // does not leave the other threads idle. Buffers of a merged block are
    // reused for the next one.
    let mut pending: Option<Signed> = None;
    let mut spare = (Vec::new(), Vec::new());
    let mut scanner = Scanner::start(Arc::clone(&sources), scan);
    while let Some(block) = scanner.next() {
        let fine = corpus.fine.is_some();
        let buffers = std::mem::take(&mut spare);
        let (merged, signed) = rayon::join(
            || match pending.take() {
                Some(p) => corpus.merge(config, p, notices, progress),
                None => Ok(None),
            },
            || signer.sign_block(block, buffers.0, buffers.1, fine),
        );
        if let Some((rows, fine, data)) = merged? {
            spare = (rows, fine);
            scanner.recycle(data);
        }
        pending = Some(signed);
    }
    if let Some(p) = pending {
        corpus.merge(config, p, notices, progress)?;
    }
    progress.end();
    corpus
        .sigs
        .seal()
        .map_err(|e| Error::other(format!("writing signatures to a temporary file: {e}")))?;
    corpus.spool = spool;
    Ok(corpus)
}

/// A temporary file for a copy of standard input, when it is one of the
/// sources.
fn spool_stdin_file(
    sources: &[Source],
    budget: &MemoryBudget,
) -> Result<Option<tempfile::TempPath>> {
    if !sources
        .iter()
        .any(|s| s.path.is_none() && s.error.is_none())
    {
        return Ok(None);
    }
    let dir = budget.temp_dir();
    let file = tempfile::Builder::new()
        .prefix("neardup-stdin-")
        .tempfile_in(&dir)
        .map_err(|e| Error::io(&dir, e))?;
    Ok(Some(file.into_temp_path()))
}

/// Bytes of the sources on disk (standard input counts 0).
fn input_size(sources: &[Source]) -> u64 {
    sources
        .iter()
        .filter_map(|s| s.path.as_ref())
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum()
}

impl Corpus {
    /// A corpus with no record yet, its tables' address space reserved for
    /// an input of `total` bytes.
    fn empty(
        config: &Config,
        sources: &Arc<[Source]>,
        ignored_files: u64,
        scan: ScanOptions,
        total: u64,
    ) -> Corpus {
        let budget = config.budget();
        let (k, fine_width) = (config.num_perm as u64, config.fine_width() as u64);
        // Address space for the signatures of as many documents as the input
        // could hold at 500 bytes each, within their share of the budget:
        // pages are only committed when written, and the tables never move as
        // they grow.
        let docs_at_most = total / 500 + 64;
        let fine = (fine_width > 0).then(|| {
            Vec::with_capacity((docs_at_most * fine_width).min(budget.fine_signatures()) as usize)
        });
        let mut sigs = Signatures::new(config.signature_params());
        sigs.reserve((docs_at_most * 2 * k).min(budget.signatures()) as usize / (2 * k as usize));
        Corpus {
            sources: Arc::clone(sources),
            docs: DocTable::new(),
            sigs,
            row_docs: Vec::new(),
            stats: ReadStats {
                ignored_files,
                ..ReadStats::default()
            },
            fields: config.input.fields.clone(),
            fine,
            spool: None,
            scan,
        }
    }

    /// Appends a signed block's records to the table, in input order, and
    /// hands back its buffers.
    fn merge(
        &mut self,
        config: &Config,
        signed: Signed,
        notices: &mut Notices<'_>,
        progress: &dyn Progress,
    ) -> Result<Option<Buffers>> {
        let budget = config.budget();
        let Signed {
            block,
            outcomes,
            rows,
            fine,
            fine_width,
        } = signed;
        let k = config.num_perm;
        for (i, ((item, outcome), row)) in block
            .items
            .iter()
            .zip(outcomes)
            .zip(rows.chunks(k))
            .enumerate()
        {
            let signed = matches!(outcome, Outcome::Doc { signed: true, .. });
            self.add(config.on_error, &block, item, outcome, row, notices)?;
            if signed && let Some(table) = &mut self.fine {
                if fine_width == 0 || (table.len() + fine_width) as u64 > budget.fine_signatures() {
                    // Over its budget (or made before that was known):
                    // refinement will read the documents again.
                    self.fine = None;
                    self.stats.fine_reread = true;
                } else {
                    table.extend_from_slice(&fine[i * fine_width..(i + 1) * fine_width]);
                }
            }
        }
        progress.advance(block.raw_bytes);
        self.stats.input_bytes += block.raw_bytes;
        if !self.sigs.is_file_backed() && self.sigs.bytes() as u64 > budget.signatures() {
            let dir = budget.temp_dir();
            self.sigs.spill(&dir).map_err(|e| Error::io(&dir, e))?;
            self.stats.signatures_on_disk = true;
        }
        Ok(Some((rows, fine, block.data)))
    }

    /// Appends one record to the table: rejected, empty or signed.
    fn add(
        &mut self,
        on_error: OnError,
        block: &Block,
        item: &Item,
        outcome: Outcome,
        row: &[u16],
        notices: &mut Notices<'_>,
    ) -> Result<()> {
        let sources = Arc::clone(&self.sources);
        let source = &sources[item.source as usize];
        self.stats.read += 1;
        let mut doc = NewDoc {
            id: "",
            outlet: source.outlet.as_deref(),
            source: item.source,
            line: item.line,
            offset: item.offset,
            status: Status::Rejected,
            date: None,
            chars: 0,
            sig_row: None,
        };
        match outcome {
            Outcome::Bad(reason) => {
                let id = self.reject(on_error, block, item, &reason, notices)?;
                doc.id = &id;
                self.docs.push(doc);
            }
            Outcome::Doc {
                id,
                outlet,
                date,
                date_unparsed,
                chars,
                text_bytes,
                signed,
            } => {
                let id = self.unique_id(on_error, item, id, notices)?;
                if date_unparsed {
                    self.stats.unparsed_dates += 1;
                }
                self.stats.text_bytes += text_bytes;
                doc.id = &id;
                if outlet.is_some() {
                    doc.outlet = outlet.as_deref();
                }
                doc.date = date;
                doc.chars = chars;
                if signed {
                    doc.status = Status::Ok;
                    let r = self.sigs.push(row);
                    doc.sig_row = Some(r);
                    self.row_docs.push(DocId(self.docs.len() as u32));
                    self.stats.ok += 1;
                } else {
                    doc.status = Status::Empty;
                    self.stats.empty += 1;
                }
                self.docs.push(doc);
            }
        }
        Ok(())
    }

    /// A bad record: the error under `fail`; under `skip` a notice, and the
    /// id of its rejected row (its location, which is unique).
    fn reject(
        &mut self,
        on_error: OnError,
        block: &Block,
        item: &Item,
        reason: &str,
        notices: &mut Notices<'_>,
    ) -> Result<String> {
        let source = &self.sources[item.source as usize];
        if on_error == OnError::Fail {
            return Err(Error::record(&source.name, item.line, reason));
        }
        let raw = matches!(item.kind, ItemKind::Line | ItemKind::File).then(|| block.bytes(item));
        notices(Notice::Rejected {
            file: &source.name,
            line: item.line,
            reason,
            raw,
        })?;
        self.stats.rejected += 1;
        Ok(match (&source.doc_id, item.line) {
            (Some(id), None) if self.docs.find_id(id).is_none() => id.clone(),
            _ => location(&self.sources, item.source, item.line),
        })
    }

    /// The id of a good record: as given, else its file's or its location;
    /// a duplicate is the error under `fail`, renamed `ID@FILE:LINE` (with
    /// `#N` if needed) under `skip`.
    fn unique_id(
        &mut self,
        on_error: OnError,
        item: &Item,
        id: Option<String>,
        notices: &mut Notices<'_>,
    ) -> Result<String> {
        let source = &self.sources[item.source as usize];
        let here = location(&self.sources, item.source, item.line);
        let id = match id {
            Some(id) => id,
            None => source.doc_id.clone().unwrap_or_else(|| here.clone()),
        };
        let Some(first) = self.docs.find_id(&id) else {
            return Ok(id);
        };
        if on_error == OnError::Fail {
            let first_at = self.location(first);
            return Err(Error::record(
                &source.name,
                item.line,
                format!("duplicate id `{id}` (first seen at {first_at})"),
            ));
        }
        let mut new_id = format!("{id}@{here}");
        let mut n = 2;
        while self.docs.find_id(&new_id).is_some() {
            new_id = format!("{id}@{here}#{n}");
            n += 1;
        }
        notices(Notice::Renamed {
            file: &source.name,
            line: item.line,
            id: &id,
            new_id: &new_id,
        })?;
        self.stats.renamed_ids += 1;
        Ok(new_id)
    }
}
