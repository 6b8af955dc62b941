//! `neardup index add` over files: read and sign the inputs as `dedup`
//! does, decide and add them in one transaction, write a decision for every
//! input record.
//!
//! What the outputs guarantee:
//!
//! - one decision line per input record, in input order: `new` and
//!   `duplicate` for the documents added, `empty` and `rejected` (under
//!   `--on-error skip`) for those that were not, so every record is
//!   accounted for;
//! - output files are [`AtomicFile`]s, written before the index's
//!   transaction commits and renamed into place after it: a run that fails
//!   before the commit leaves the index and every output as they were;
//!   decisions on standard output are written once the batch is committed;
//! - `new_records` gets the input records decided `new`, byte for byte, as
//!   `dedup` writes its kept ones.

use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use super::{AddOptions, Batch, Decision, Index, Status};
use crate::config::Config;
use crate::dedup::{KeptOut, write_kept};
use crate::document::{DocId, Row};
use crate::error::{Error, Result};
use crate::input::Inputs;
use crate::pipeline::{Corpus, ReadStats, input_size, read_and_sign};
use crate::progress::{Progress, Unit};
use crate::report::paths::{Output, refuse_clashes};
use crate::report::{AtomicFile, commit_all, write_notice};
use crate::signed::Texts;
use crate::timings::Timings;

/// Where `index add` writes.
#[derive(Clone, Copy, Debug, Default)]
pub struct AddOutputs<'a> {
    /// The decisions: a file, or `None` for standard output.
    pub decisions: Option<&'a Path>,
    /// The input records decided new, byte for byte (`--keep-new-only -o`).
    pub new_records: Option<&'a Path>,
    /// Rejected records and renamed ids.
    pub errors: Option<&'a Path>,
}

/// The counts of an `index add` run: `read = new + duplicates + empty +
/// rejected`.
#[derive(Clone, Debug, serde::Serialize)]
pub struct AddSummary {
    /// Records read.
    pub read: u64,
    /// Documents new to the index.
    pub new: u64,
    /// Near-duplicates of a document seen before.
    pub duplicates: u64,
    /// Records without text.
    pub empty: u64,
    /// Bad records.
    pub rejected: u64,
    /// Documents in the index afterwards (before, for a dry run).
    pub documents: u64,
    /// Details of reading.
    pub input: ReadStats,
    /// Wall time per stage.
    #[serde(skip)]
    pub timings: Timings,
}

impl std::fmt::Display for AddSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "read {} = new {} + duplicates {} + empty {} + rejected {}; the index holds {} documents",
            self.read, self.new, self.duplicates, self.empty, self.rejected, self.documents
        )
    }
}

/// The index a batch goes to.
pub enum Target<'a> {
    /// An open index.
    Open(&'a Index),
    /// A folder where an index is created with the configuration's
    /// parameters once the inputs have been read (a run that fails before
    /// leaves no index behind).
    Create(&'a Path),
}

/// Reads, signs, decides and (unless `options.dry_run`) adds `inputs` to
/// the index, with `config` (whose signature parameters must be an open
/// index's: [`IndexParams::apply`](super::IndexParams::apply)). With
/// `store_text` the texts are stored too.
pub fn add_inputs(
    target: Target<'_>,
    config: &Config,
    inputs: Inputs,
    outputs: AddOutputs<'_>,
    options: &AddOptions,
    store_text: bool,
    progress: &dyn Progress,
) -> Result<AddSummary> {
    config.validate()?;
    let params = super::IndexParams::of(config);
    if let Target::Open(index) = target {
        index.refuse_other(&params)?;
    }
    let all: Vec<Output<'_>> =
        std::iter::once(outputs.decisions.map_or(Output::Stdout, Output::File))
            .chain(
                [outputs.new_records, outputs.errors]
                    .into_iter()
                    .flatten()
                    .map(Output::File),
            )
            .collect();
    refuse_clashes(&inputs, &all)?;
    let mut decisions_file = outputs.decisions.map(AtomicFile::create).transpose()?;
    let mut new_file = outputs.new_records.map(AtomicFile::create).transpose()?;
    let mut errors = outputs.errors.map(AtomicFile::create).transpose()?;

    let mut timings = Timings::default();
    // Every document's finer signature goes into the batch, so the read
    // keeps them whatever their share of the memory budget: dropping them
    // would only make the batch sign every text again.
    let keep_fine = Config {
        memory_limit: config.memory_limit.max(fine_bytes(&inputs, config) * 8),
        ..config.clone()
    };
    let corpus = timings.time("read + sign", || {
        read_and_sign(
            &keep_fine,
            inputs,
            true,
            progress,
            &mut |n| match &mut errors {
                Some(f) => write_notice(f, &n),
                None => Ok(()),
            },
        )
    })?;
    let created;
    let index = match target {
        Target::Open(index) => index,
        Target::Create(path) => {
            created = Index::create(path, &params)?;
            &created
        }
    };
    let batch = timings.time("batch", || {
        batch_of(&corpus, index, config, store_text, progress)
    })?;
    let start = Instant::now();
    progress.begin("decide", Some(batch.len() as u64), Unit::Items);
    let mut lines: Vec<Decision> = Vec::new();
    let decided = index.add_then(&batch, options, |decided| {
        lines = per_record(&corpus, decided);
        if let Some(f) = &mut decisions_file {
            write_decisions(f, &lines).map_err(|e| Error::io(f.path().to_path_buf(), e))?;
        }
        if let Some(f) = new_file.take() {
            let is_new = |d: DocId| lines[d.0 as usize].status == Status::New;
            let mut out = KeptOut::File(f);
            write_kept(&corpus, &is_new, &mut out, progress)?;
            if let KeptOut::File(f) = out {
                new_file = Some(f);
            }
        }
        Ok(())
    })?;
    progress.advance(decided.len() as u64);
    progress.end();
    timings.add("decide + add", start.elapsed());
    let start = Instant::now();
    commit_all(
        errors
            .into_iter()
            .chain(decisions_file)
            .chain(new_file)
            .collect(),
    )?;
    if outputs.decisions.is_none() {
        let mut out = BufWriter::with_capacity(1 << 20, io::stdout().lock());
        match write_decisions(&mut out, &lines).and_then(|()| out.flush()) {
            // Closed by its reader (`| head`): the batch is added all the same.
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
            r => r.map_err(|e| Error::io("standard output", e))?,
        }
    }
    timings.add("write", start.elapsed());
    let count = |s: Status| lines.iter().filter(|d| d.status == s).count() as u64;
    let stats = &corpus.stats;
    Ok(AddSummary {
        read: stats.read,
        new: count(Status::New),
        duplicates: count(Status::Duplicate),
        empty: stats.empty,
        rejected: stats.rejected,
        documents: index.stats()?.documents,
        input: stats.clone(),
        timings,
    })
}

/// Bytes of finer signatures the inputs may need: at most one per 500 bytes
/// of input (the estimate the read reserves by), or a few thousand
/// documents when the size is unknown (standard input).
fn fine_bytes(inputs: &Inputs, config: &Config) -> u64 {
    (input_size(&inputs.sources) / 500 + 4096) * config.fine_width() as u64
}

/// The batch of the corpus's signed documents, in input order, with their
/// finer signatures (made again from the texts if the read dropped them)
/// and, with `store_text`, their texts.
fn batch_of(
    corpus: &Corpus,
    index: &Index,
    config: &Config,
    store_text: bool,
    progress: &dyn Progress,
) -> Result<Batch> {
    let rows: Vec<Row> = (0..corpus.sigs.len() as u32).map(Row).collect();
    let width = config.fine_width();
    let again;
    let fine: &[u8] = match corpus.fine() {
        Some(f) => f,
        None if width == 0 => &[],
        None => {
            progress.begin("sign finer", Some(rows.len() as u64), Unit::Items);
            again = corpus.sign_fine_again(config, &rows, width, progress)?;
            progress.end();
            &again
        }
    };
    let mut batch = Batch::new(index.params());
    let docs = &corpus.docs;
    for &r in &rows {
        let d = corpus.doc_of_row(r);
        batch.push(
            docs.id(d).to_string(),
            docs.outlet(d).map(str::to_string),
            docs.date(d),
            corpus.sigs.row(r),
            &fine[r.index() * width..(r.index() + 1) * width],
            corpus.sigs.shingles(r),
        )?;
    }
    if store_text {
        let mut texts = Vec::with_capacity(rows.len());
        corpus.map_texts(
            |_| true,
            || (),
            |_, _, text, _| text.to_string(),
            |_, t| {
                texts.push(t);
                Ok(())
            },
        )?;
        batch = batch.with_texts(texts)?;
    }
    Ok(batch)
}

/// One decision per input record, in input order: the batch's decisions
/// (one per signed record, in order) with the records that were not added.
fn per_record(corpus: &Corpus, decided: &[Decision]) -> Vec<Decision> {
    let docs = &corpus.docs;
    docs.doc_ids()
        .map(|d| match docs.sig_row(d) {
            Some(r) => decided[r.index()].clone(),
            None => {
                let status = match docs.status(d) {
                    crate::document::Status::Empty => Status::Empty,
                    _ => Status::Rejected,
                };
                Decision::not_added(docs.id(d).to_string(), status)
            }
        })
        .collect()
}

fn write_decisions(out: &mut dyn Write, lines: &[Decision]) -> io::Result<()> {
    for d in lines {
        serde_json::to_writer(&mut *out, d)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
