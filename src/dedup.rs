//! `neardup dedup`: feed cleaning. Writes the kept records, drops the rest.
//!
//! Two passes over the input: the first signs every record and finds the
//! clusters (the text of a record is dropped as soon as it is signed), the
//! second reads the records again and copies the kept ones to the output:
//! for JSONL input the original line, byte for byte; for a text file a JSON
//! line `{"id","outlet","path"}`. Standard input is spooled to a temporary
//! file during the first pass so it can be read twice. Nothing is written
//! before the first pass has succeeded, so under `--on-error fail` a bad record
//! leaves no partial output.

use std::io::Write;
use std::time::Instant;

use crate::cluster::Duplicates;
use crate::config::Config;
use crate::document::{DocId, Row, Status};
use crate::error::{Error, Result};
use crate::input::{Inputs, ItemKind};
use crate::pipeline::{Corpus, ReadStats, find_duplicates, read_and_sign};
use crate::progress::{Progress, Unit};
use crate::report::{AtomicFile, json, round4, write_line, write_notice};
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
}

impl std::fmt::Display for DedupSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "read {} = kept {} + duplicates {} + empty {} + rejected {}",
            self.read, self.kept, self.duplicates, self.empty, self.rejected
        )
    }
}

/// Where dedup writes.
pub struct DedupOutputs<'a> {
    /// The kept records.
    pub kept: &'a mut dyn Write,
    /// `{"id","duplicate_of","similarity"}` for every dropped record.
    pub duplicates: Option<AtomicFile>,
    /// Rejected records and renamed ids (`--errors`).
    pub errors: Option<AtomicFile>,
}

/// Deduplicates `inputs`, writing the kept records to `outputs.kept`.
///
/// The configuration is validated here, once, before any input is read.
pub fn dedup(
    config: &Config,
    inputs: Inputs,
    mut outputs: DedupOutputs<'_>,
    progress: &dyn Progress,
) -> Result<DedupSummary> {
    config.validate()?;
    let mut timings = Timings::default();
    let errors = &mut outputs.errors;
    let corpus = timings.time("read + sign", || {
        read_and_sign(config, inputs, true, progress, &mut |n| match errors {
            Some(f) => write_notice(f, &n),
            None => Ok(()),
        })
    })?;
    let dups = find_duplicates(&corpus, config, progress, &mut timings)?;

    let start = Instant::now();
    let kept = write_kept(&corpus, &dups, outputs.kept, progress)?;
    if let Some(mut f) = outputs.duplicates.take() {
        write_duplicates(&corpus, &dups, &mut f)?;
        f.commit()?;
    }
    if let Some(f) = outputs.errors.take() {
        f.commit()?;
    }
    timings.add("write", start.elapsed());
    let s = &corpus.stats;
    Ok(DedupSummary {
        read: s.read,
        kept,
        duplicates: s.ok - kept,
        empty: s.empty,
        rejected: s.rejected,
        input: s.clone(),
        timings,
    })
}

/// Second pass: copies kept records to `out`; returns how many.
fn write_kept(
    corpus: &Corpus,
    dups: &Duplicates,
    out: &mut dyn Write,
    progress: &dyn Progress,
) -> Result<u64> {
    let docs = &corpus.docs;
    let signed = corpus.signed();
    progress.begin("write kept", Some(docs.len() as u64), Unit::Items);
    let mut kept = 0;
    let mut line = Vec::new();
    let write_err = |e: std::io::Error| Error::io("<output>", e);
    corpus.rescan_blocks(|block, first| {
        for (i, item) in block.items.iter().enumerate() {
            let d = DocId(first.0 + i as u32);
            if docs.status(d) != Status::Ok || dups.kept_of(&signed, d) != Some(d) {
                continue;
            }
            kept += 1;
            if item.kind == ItemKind::Line {
                out.write_all(block.bytes(item)).map_err(write_err)?;
                out.write_all(b"\n").map_err(write_err)?;
            } else {
                line.clear();
                let source = &corpus.sources[item.source as usize];
                serde_json::to_writer(
                    &mut line,
                    &json::KeptFileLine {
                        id: docs.id(d),
                        outlet: docs.outlet(d),
                        path: &source.name,
                    },
                )
                .map_err(|e| Error::other(e.to_string()))?;
                line.push(b'\n');
                out.write_all(&line).map_err(write_err)?;
            }
        }
        progress.advance(block.items.len() as u64);
        Ok(())
    })?;
    out.flush().map_err(write_err)?;
    progress.end();
    Ok(kept)
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
            },
        )?;
    }
    Ok(())
}
