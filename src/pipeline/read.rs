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
//!   file's id for a text file);
//! - a compressed stream that cannot be decoded stops the run under both
//!   policies, at the line where decoding failed, since what was decoded
//!   before it may be damaged too; under `Fail` a bad record of a compressed
//!   stream is held until the rest of the stream is decoded, and reported as
//!   the corruption if decoding fails;
//! - a block the reader marks urgent (it is skipping an endless line) is
//!   merged at once, so under `Fail` such a line stops the run at once;
//! - the inputs that can be read only once are spooled to temporary files
//!   removed on every exit path (see [`crate::input::spool`]).
//!
//! Signatures past their share of the [`MemoryBudget`](crate::config::MemoryBudget)
//! move to a memory-mapped file; finer signatures past theirs are dropped
//! (refinement then reads the documents it needs again).

use std::sync::Arc;

use tempfile::TempPath;

use super::corpus::{Corpus, ReadStats, location};
use super::sign::{Buffers, Outcome, Signed, Signer};
use crate::config::{Config, MemoryBudget, OnError};
use crate::document::{DocId, DocTable, NewDoc, Status};
use crate::error::{Error, ErrorKind, Result};
use crate::input::{
    Block, Compression, Inputs, Item, ItemKind, ScanOptions, Scanner, Source, SpoolMode, spool,
};
use crate::minhash::Signatures;
use crate::passages::TokenStore;
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
/// Under both, a compressed stream that cannot be decoded stops the run at
/// the line where decoding failed: what was decoded before may be damaged
/// too. (Under `Fail`, a bad record of a compressed stream is therefore
/// reported once the rest of its stream has been decoded, as the corruption
/// if decoding fails.)
///
/// With `spool`, the sources that can be read only once (standard input, a
/// named pipe, a device) are copied to temporary files so that the corpus can
/// read them again, and spool files that killed runs left in the temporary
/// folder are removed first. `config` must be valid ([`Config::validate`]);
/// the commands check it once, before any input is read.
pub fn read_and_sign(
    config: &Config,
    inputs: Inputs,
    spool: bool,
    progress: &dyn Progress,
    notices: &mut Notices<'_>,
) -> Result<Corpus> {
    read(config, inputs, spool, false, progress, notices)
}

/// [`read_and_sign`], also keeping the words of every signed document in
/// [`Corpus::words`] (within a quarter of `--memory-limit`, past it in a
/// temporary file), for the passage stage: one read of the input instead of
/// two. Spools the sources that can be read only once.
pub fn read_sign_and_keep_words(
    config: &Config,
    inputs: Inputs,
    progress: &dyn Progress,
    notices: &mut Notices<'_>,
) -> Result<Corpus> {
    read(config, inputs, true, true, progress, notices)
}

fn read(
    config: &Config,
    inputs: Inputs,
    spool: bool,
    words: bool,
    progress: &dyn Progress,
    notices: &mut Notices<'_>,
) -> Result<Corpus> {
    let budget = config.budget();
    let sources: Arc<[Source]> = inputs.sources.into();
    let mut scan = ScanOptions {
        max_doc_bytes: config.input.max_doc_bytes,
        ..ScanOptions::default()
    };
    let spools = if spool {
        spool_files(&sources, &budget)?
    } else {
        Vec::new()
    };
    if !spools.is_empty() {
        let paths = spools.iter().map(|(i, p)| (*i, p.to_path_buf()));
        scan.spool = SpoolMode::Spool(paths.collect());
    }
    let total = input_size(&sources);
    progress.begin("read + sign", Some(total), Unit::Bytes);
    let mut signer = Signer::new(config)?;
    let mut corpus = Corpus::empty(config, &sources, inputs.ignored_files, scan.clone(), total);
    if words {
        signer = signer.with_words();
        corpus.words = Some(TokenStore::new(budget.passage_words(), &budget.temp_dir()));
    }
    corpus.spools = spools;
    let scanner = Scanner::start(Arc::clone(&sources), scan);
    corpus.sign_all(config, &signer, scanner, notices, progress)?;
    progress.end();
    if let Some(w) = &mut corpus.words {
        w.seal()?;
    }
    corpus
        .sigs
        .seal()
        .map_err(|e| Error::other(format!("writing signatures to a temporary file: {e}")))?;
    Ok(corpus)
}

/// Spool files for the sources that can be read only once, after removing
/// those that killed runs left in the temporary folder.
fn spool_files(sources: &[Source], budget: &MemoryBudget) -> Result<Vec<(u32, TempPath)>> {
    let dir = budget.temp_dir();
    spool::remove_stale(&dir);
    sources
        .iter()
        .enumerate()
        .filter(|(_, s)| s.once && s.error.is_none())
        .map(|(i, s)| {
            let path = spool::create(&dir, s.path.is_none()).map_err(|e| Error::io(&dir, e))?;
            Ok((i as u32, path))
        })
        .collect()
}

/// Under [`OnError::Fail`], the first bad record of a compressed stream, held
/// until the rest of its stream is decoded: when decoding then fails, the
/// stream was damaged and the record was likely part of the damage (gzip
/// checks its data only at the end of a member), so the corruption is what is
/// reported.
struct Held {
    source: u32,
    error: Error,
}

impl Held {
    /// Holds `error`, raised by `item`, if it is to be held; else gives it
    /// back.
    fn new(on_error: OnError, sources: &[Source], item: &Item, error: Error) -> Result<Held> {
        let compressed = sources[item.source as usize].compression != Compression::None;
        let record = matches!(error.kind(), ErrorKind::Record { .. });
        // Only a record decoded from the stream: an over-long line is
        // reported at once, since its stream may never end.
        if on_error == OnError::Fail && compressed && record && item.kind == ItemKind::Line {
            return Ok(Held {
                source: item.source,
                error,
            });
        }
        Err(error)
    }
}

/// With a record held: the error to report once `item` decides it (the
/// corruption of the held stream, or the held record once its stream ended
/// well); `Ok` while the held stream goes on.
fn settle(held: &mut Option<Held>, sources: &[Source], item: &Item) -> Result<()> {
    match held.take() {
        None => Ok(()),
        Some(h) if item.source != h.source => Err(h.error),
        Some(h) => match &item.kind {
            ItemKind::Corrupt(reason) => {
                let name = &sources[item.source as usize].name;
                Err(Error::record(name, item.line, reason.as_str()))
            }
            _ => {
                *held = Some(h);
                Ok(())
            }
        },
    }
}

/// With a record held: reads `blocks` (without signing them) until the held
/// record's stream is settled, and gives the error to report.
fn drain(
    mut held: Option<Held>,
    sources: &[Source],
    blocks: impl Iterator<Item = Block>,
) -> Result<()> {
    for block in blocks {
        for item in &block.items {
            settle(&mut held, sources, item)?;
        }
    }
    held.map_or(Ok(()), |h| Err(h.error))
}

/// Bytes of the sources on disk (standard input counts 0).
pub(crate) fn input_size(sources: &[Source]) -> u64 {
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
            docs: DocTable::with_aliases(config.input.outlet_aliases.clone()),
            sigs,
            row_docs: Vec::new(),
            stats: ReadStats {
                ignored_files,
                ..ReadStats::default()
            },
            fields: config.input.fields.clone(),
            fine,
            spools: Vec::new(),
            scan,
            words: None,
        }
    }

    /// Signs and merges every block of `scanner`.
    ///
    /// Signing a block (in parallel) overlaps with appending the previous one
    /// to the table (in input order, on one thread), so the sequential part
    /// does not leave the other threads idle; an urgent block is merged at
    /// once, since the next one may be long in coming (or never come).
    /// Buffers of a merged block are reused for the next one.
    fn sign_all(
        &mut self,
        config: &Config,
        signer: &Signer<'_>,
        mut scanner: Scanner,
        notices: &mut Notices<'_>,
        progress: &dyn Progress,
    ) -> Result<()> {
        let mut held = None;
        let mut pending: Option<Signed> = None;
        let mut spare = (Vec::new(), Vec::new());
        while let Some(block) = scanner.next() {
            let buffers = std::mem::take(&mut spare);
            let (merged, signed) = rayon::join(
                || match pending.take() {
                    Some(p) => self.merge(config, p, &mut held, notices, progress),
                    None => Ok(None),
                },
                || signer.sign_block(block, buffers.0, buffers.1),
            );
            if let Some((rows, fine, data)) = merged? {
                spare = (rows, fine);
                scanner.recycle(data);
            }
            if held.is_some() {
                let rest = std::iter::once(signed.block).chain(scanner);
                return drain(held, &self.sources, rest);
            }
            if !signed.block.urgent {
                pending = Some(signed);
                continue;
            }
            if let Some((rows, fine, data)) =
                self.merge(config, signed, &mut held, notices, progress)?
            {
                spare = (rows, fine);
                scanner.recycle(data);
            }
            if held.is_some() {
                return drain(held, &self.sources, scanner);
            }
        }
        if let Some(p) = pending {
            self.merge(config, p, &mut held, notices, progress)?;
        }
        drain(held, &self.sources, std::iter::empty())
    }

    /// Appends a signed block's records to the table, in input order, and
    /// hands back its buffers. A bad record that is to be held ([`Held`])
    /// goes to `held` instead of failing, and the items after it only settle
    /// it.
    fn merge(
        &mut self,
        config: &Config,
        signed: Signed,
        held: &mut Option<Held>,
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
            if held.is_some() {
                settle(held, &self.sources, item)?;
                continue;
            }
            let signed = matches!(outcome, Outcome::Doc { signed: true, .. });
            if let Err(e) = self.add(config.on_error, &block, item, outcome, row, notices) {
                *held = Some(Held::new(config.on_error, &self.sources, item, e)?);
                continue;
            }
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
                shingles,
                words,
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
                    let r = self.sigs.push(row, shingles);
                    doc.sig_row = Some(r);
                    if let (Some(store), Some(w)) = (&mut self.words, words) {
                        store.append(w.words, w.units, &w.record)?;
                    }
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
        // A stream that cannot be decoded is not one bad record: what was
        // decoded of it may be damaged too, so the run stops.
        if on_error == OnError::Fail || matches!(item.kind, ItemKind::Corrupt(_)) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Format;

    fn source(name: &str, compression: Compression) -> Source {
        Source {
            path: Some(name.into()),
            once: false,
            name: name.into(),
            format: Format::Jsonl,
            compression,
            doc_id: None,
            outlet: None,
            error: None,
        }
    }

    fn item(source: u32, line: u64, kind: ItemKind) -> Item {
        Item {
            source,
            line: Some(line),
            offset: 0,
            len: 0,
            data: 0..0,
            kind,
        }
    }

    #[test]
    fn a_bad_line_of_a_compressed_stream_is_held_until_the_stream_settles() {
        let sources = [
            source("a.jsonl.gz", Compression::Gzip),
            source("b.jsonl", Compression::None),
        ];
        let bad = || Error::record("a.jsonl.gz", Some(2), "malformed JSON");
        let line = item(0, 2, ItemKind::Line);
        // Held only under fail, only for a decoded line of a compressed stream.
        assert!(Held::new(OnError::Skip, &sources, &line, bad()).is_err());
        let too_long = item(0, 2, ItemKind::TooLong);
        assert!(Held::new(OnError::Fail, &sources, &too_long, bad()).is_err());
        let plain = item(1, 2, ItemKind::Line);
        assert!(Held::new(OnError::Fail, &sources, &plain, bad()).is_err());
        let held = || Held::new(OnError::Fail, &sources, &line, bad()).ok();

        // The stream goes on, then fails: the corruption is reported.
        let mut h = held();
        settle(&mut h, &sources, &item(0, 3, ItemKind::Line)).unwrap();
        let corrupt = item(0, 9, ItemKind::Corrupt("corrupt gzip".into()));
        let e = settle(&mut h, &sources, &corrupt).unwrap_err();
        assert_eq!(e.to_string(), "a.jsonl.gz:9: corrupt gzip");

        // The stream ends well: the held record is reported.
        let mut h = held();
        let e = settle(&mut h, &sources, &plain).unwrap_err();
        assert_eq!(e.to_string(), "a.jsonl.gz:2: malformed JSON");
        let e = drain(held(), &sources, std::iter::empty()).unwrap_err();
        assert_eq!(e.to_string(), "a.jsonl.gz:2: malformed JSON");
        assert!(drain(None, &sources, std::iter::empty()).is_ok());
    }
}
