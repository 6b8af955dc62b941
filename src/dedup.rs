//! `neardup dedup`: feed cleaning. Writes the kept records, drops the rest.
//!
//! Two passes over the input: the first signs every record and finds the
//! clusters (the text of a record is dropped as soon as it is signed), the
//! second reads the records again and copies the kept ones to the output:
//! for JSONL input the original line, byte for byte; for a text file a JSON
//! line `{"id","outlet","path"}`. Standard input is spooled to a temporary
//! file during the first pass so it can be read twice.
//!
//! What the outputs guarantee:
//!
//! - before anything is read, an output that is an input, or two outputs
//!   that are one file, are refused as a usage error
//!   ([`crate::report::paths`]);
//! - output files are [`AtomicFile`]s, all committed together at the end: a
//!   run that fails (a bad record under `--on-error fail`, a write error)
//!   leaves no output file and every earlier file as it was;
//! - a write error on any output is an error naming it, except standard
//!   output closed by its reader (`neardup dedup x | head`): the kept
//!   records then stop, the other outputs are still written in full, and
//!   the run succeeds with [`DedupSummary::stdout_closed`] set.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::cluster::Duplicates;
use crate::config::Config;
use crate::document::{DocId, Row, Status};
use crate::error::{Error, Result};
use crate::input::{Block, Inputs, ItemKind};
use crate::pipeline::{Corpus, ReadStats, find_duplicates, read_and_sign};
use crate::progress::{Progress, Unit};
use crate::report::paths::{Output, refuse_clashes};
use crate::report::{AtomicFile, commit_all, json, round4, write_line, write_notice};
use crate::timings::Timings;

/// The counts of a dedup run: `read = kept + duplicates + empty + rejected`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DedupSummary {
    /// Records read.
    pub read: u64,
    /// Records written to the output.
    pub kept: u64,
    /// Records dropped as near-duplicates of a kept one.
    pub duplicates: u64,
    /// Records with empty text (not written).
    pub empty: u64,
    /// Bad records (not written).
    pub rejected: u64,
    /// Details of reading.
    pub input: ReadStats,
    /// Wall time per stage.
    #[serde(skip)]
    pub timings: Timings,
    /// Standard output was closed by its reader before every kept record
    /// was written (the other outputs are complete).
    #[serde(skip)]
    pub stdout_closed: bool,
}

impl std::fmt::Display for DedupSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self;
        counts_line(f, [s.read, s.kept, s.duplicates, s.empty, s.rejected])
    }
}

/// dedup's summary line from `[read, kept, duplicates, empty, rejected]`
/// (also `neardup apply`'s).
pub(crate) fn counts_line(f: &mut std::fmt::Formatter<'_>, c: [u64; 5]) -> std::fmt::Result {
    write!(
        f,
        "read {} = kept {} + duplicates {} + empty {} + rejected {}",
        c[0], c[1], c[2], c[3], c[4]
    )
}

/// Where dedup writes: paths, so that they can be checked against the
/// inputs before anything is read.
#[derive(Clone, Copy, Debug)]
pub struct DedupOutputs<'a> {
    /// The kept records: a file, or `None` for standard output.
    pub kept: Option<&'a Path>,
    /// `{"id","duplicate_of","similarity","measure"}` for every dropped record.
    pub duplicates: Option<&'a Path>,
    /// Rejected records and renamed ids.
    pub errors: Option<&'a Path>,
}

/// Where the kept records go.
pub(crate) enum KeptOut {
    File(AtomicFile),
    Stdout(BufWriter<io::StdoutLock<'static>>),
}

/// Deduplicates `inputs`, writing the kept records to `outputs.kept`.
///
/// The configuration and the output paths are checked here, once, before
/// any input is read.
pub fn dedup(
    config: &Config,
    inputs: Inputs,
    outputs: DedupOutputs<'_>,
    progress: &dyn Progress,
) -> Result<DedupSummary> {
    config.validate()?;
    let kept_output = outputs.kept.map_or(Output::Stdout, Output::File);
    let others = [outputs.duplicates, outputs.errors];
    let all: Vec<Output<'_>> = std::iter::once(kept_output)
        .chain(others.iter().flatten().map(|p| Output::File(p)))
        .collect();
    refuse_clashes(&inputs, &all)?;
    let mut kept_out = match outputs.kept {
        Some(p) => KeptOut::File(AtomicFile::create(p)?),
        None => KeptOut::Stdout(BufWriter::with_capacity(1 << 20, io::stdout().lock())),
    };
    let mut duplicates = outputs.duplicates.map(AtomicFile::create).transpose()?;
    let mut errors = outputs.errors.map(AtomicFile::create).transpose()?;

    let mut timings = Timings::default();
    let corpus = timings.time("read + sign", || {
        read_and_sign(config, inputs, true, progress, &mut |n| match &mut errors {
            Some(f) => write_notice(f, &n),
            None => Ok(()),
        })
    })?;
    let dups = find_duplicates(&corpus, config, progress, &mut timings)?;

    let start = Instant::now();
    let signed = corpus.signed();
    let keep = |d: DocId| dups.kept_of(&signed, d) == Some(d);
    let stdout_closed = write_kept(&corpus, &keep, &mut kept_out, progress)?;
    if let Some(f) = &mut duplicates {
        write_duplicates(&corpus, &dups, f)?;
    }
    let mut files: Vec<AtomicFile> = errors.into_iter().chain(duplicates).collect();
    if let KeptOut::File(f) = kept_out {
        files.push(f);
    }
    commit_all(files)?;
    timings.add("write", start.elapsed());
    let s = &corpus.stats;
    let kept = kept_count(&corpus, &dups);
    Ok(DedupSummary {
        read: s.read,
        kept,
        duplicates: s.ok - kept,
        empty: s.empty,
        rejected: s.rejected,
        input: s.clone(),
        timings,
        stdout_closed,
    })
}

/// Records kept: the ok records that are their cluster's kept one.
fn kept_count(corpus: &Corpus, dups: &Duplicates) -> u64 {
    let signed = corpus.signed();
    let docs = &corpus.docs;
    docs.doc_ids()
        .filter(|&d| docs.status(d) == Status::Ok && dups.kept_of(&signed, d) == Some(d))
        .count() as u64
}

/// Second pass: copies the ok records that `keep` accepts to `kept_out`.
/// Returns whether standard output was closed by its reader (the copying
/// then stops early).
pub(crate) fn write_kept(
    corpus: &Corpus,
    keep: &dyn Fn(DocId) -> bool,
    kept_out: &mut KeptOut,
    progress: &dyn Progress,
) -> Result<bool> {
    let is_stdout = matches!(kept_out, KeptOut::Stdout(_));
    let (out, name): (&mut dyn Write, PathBuf) = match kept_out {
        KeptOut::File(f) => {
            let name = f.path().to_path_buf();
            (f, name)
        }
        KeptOut::Stdout(w) => (w, PathBuf::from("standard output")),
    };
    progress.begin("write kept", Some(corpus.docs.len() as u64), Unit::Items);
    let mut failed: Option<io::Error> = None;
    let scanned = corpus.rescan_blocks(|block, first| {
        if let Err(e) = copy_kept(corpus, keep, block, first, out) {
            failed = Some(e);
            return Err(Error::other("write failed")); // replaced below
        }
        progress.advance(block.items.len() as u64);
        Ok(())
    });
    let written = match failed {
        Some(e) => Err(e),
        None => {
            scanned?;
            out.flush()
        }
    };
    progress.end();
    match written {
        Ok(()) => Ok(false),
        Err(e) if is_stdout && e.kind() == io::ErrorKind::BrokenPipe => Ok(true),
        Err(e) => Err(Error::io(name, e)),
    }
}

/// Copies the ok records of `block` (whose first record is `first`) that
/// `keep` accepts to `out`.
fn copy_kept(
    corpus: &Corpus,
    keep: &dyn Fn(DocId) -> bool,
    block: &Block,
    first: DocId,
    out: &mut dyn Write,
) -> io::Result<()> {
    let docs = &corpus.docs;
    for (i, item) in block.items.iter().enumerate() {
        let d = DocId(first.0 + i as u32);
        if docs.status(d) != Status::Ok || !keep(d) {
            continue;
        }
        if item.kind == ItemKind::Line {
            out.write_all(block.bytes(item))?;
            out.write_all(b"\n")?;
        } else {
            let source = &corpus.sources[item.source as usize];
            let line = json::KeptFileLine {
                id: docs.id(d),
                outlet: docs.outlet(d),
                path: &source.name,
            };
            serde_json::to_writer(&mut *out, &line)?;
            out.write_all(b"\n")?;
        }
    }
    Ok(())
}

fn write_duplicates(corpus: &Corpus, dups: &Duplicates, out: &mut AtomicFile) -> Result<()> {
    let docs = &corpus.docs;
    let signed = corpus.signed();
    for d in docs.doc_ids() {
        let Some(k) = dups.kept_of(&signed, d) else {
            continue;
        };
        if k == d {
            continue;
        }
        let (a, b) = (
            docs.sig_row(d).unwrap_or(Row(0)),
            docs.sig_row(k).unwrap_or(Row(0)),
        );
        write_line(
            out,
            &json::DuplicateLine {
                id: docs.id(d),
                duplicate_of: docs.id(k),
                similarity: round4(dups.similarity(&signed, a, b)),
                measure: dups.measure(a, b),
            },
        )?;
    }
    Ok(())
}
