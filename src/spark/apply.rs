//! `neardup apply`: the Spark job's `documents` and the inputs it read →
//! the outputs `neardup dedup` writes (kept records byte for byte, the
//! `--duplicates` file), with dedup's code for both.
//!
//! The job writes `documents` sorted by `doc` (input order); apply reads
//! the inputs again in the same order and walks both together, so it holds
//! one block of records at a time, whatever the size of the dump. Each
//! record must meet the row of its line: inputs other than the job's, or
//! in another order, are an error naming the first record that differs,
//! and outputs are committed only when every record has met its row.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::Config;
use crate::dedup::counts_line;
use crate::error::{Error, Result};
use crate::input::{Inputs, ItemKind, ScanOptions, Scanner, Source};
use crate::report::paths::{Output, refuse_clashes};
use crate::report::{AtomicFile, commit_all, json, round4, write_line};

/// Where apply writes.
#[derive(Clone, Copy, Debug)]
pub struct ApplyOutputs<'a> {
    /// The kept records: a file, or `None` for standard output.
    pub kept: Option<&'a Path>,
    /// `{"id","duplicate_of","similarity","measure"}` per dropped record.
    pub duplicates: Option<&'a Path>,
}

/// The counts of an apply run, as dedup states them.
#[derive(Debug, Default, Clone, Copy)]
pub struct ApplySummary {
    /// Records read.
    pub read: u64,
    /// Records written.
    pub kept: u64,
    /// Records dropped as near-duplicates.
    pub duplicates: u64,
    /// Empty records.
    pub empty: u64,
    /// Rejected records.
    pub rejected: u64,
}

impl std::fmt::Display for ApplySummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self;
        counts_line(f, [s.read, s.kept, s.duplicates, s.empty, s.rejected])
    }
}

/// One row of the job's `documents`.
#[derive(Debug, Default)]
struct DocRow {
    doc: i64,
    line: i64,
    id: String,
    status: String,
    duplicate_of: Option<String>,
    similarity: Option<f64>,
    measure: Option<String>,
}

/// Writes dedup's outputs for `inputs` from the job output folder `job`.
pub fn apply(
    config: &Config,
    job: &Path,
    inputs: Inputs,
    outputs: ApplyOutputs<'_>,
) -> Result<ApplySummary> {
    config.validate()?;
    let kept_output = outputs.kept.map_or(Output::Stdout, Output::File);
    let all: Vec<Output<'_>> = std::iter::once(kept_output)
        .chain(outputs.duplicates.map(Output::File))
        .collect();
    refuse_clashes(&inputs, &all)?;
    let mut rows = rows::DocRows::open(&job.join("documents"))?;
    let mut kept_file = outputs.kept.map(AtomicFile::create).transpose()?;
    let mut stdout = BufWriter::with_capacity(1 << 20, io::stdout().lock());
    let mut duplicates = outputs.duplicates.map(AtomicFile::create).transpose()?;
    let sources: Arc<[Source]> = inputs.sources.into();
    let scan = ScanOptions {
        max_doc_bytes: config.input.max_doc_bytes,
        ..ScanOptions::default()
    };
    let mut summary = ApplySummary::default();
    let mut last = i64::MIN;
    let kept_name = outputs
        .kept
        .map_or(PathBuf::from("standard output"), Path::to_path_buf);
    for block in Scanner::start(Arc::clone(&sources), scan) {
        for item in &block.items {
            let name = &sources[item.source as usize].name;
            let here = || format!("{name}:{}", item.line.unwrap_or(0));
            if let ItemKind::Failed(reason) | ItemKind::Corrupt(reason) = &item.kind {
                return Err(Error::record(name, item.line, reason.as_str()));
            }
            let Some(row) = rows.next()? else {
                return Err(Error::other(format!(
                    "{}: the job's documents end before this record: not the input it read",
                    here()
                )));
            };
            if row.doc <= last {
                return Err(Error::other(format!(
                    "{}: documents are not sorted by doc at {}",
                    job.display(),
                    row.doc
                )));
            }
            last = row.doc;
            if item.line.map(|l| l as i64) != Some(row.line) {
                return Err(Error::other(format!(
                    "{}: the job's next document ({}) is at line {}: not the input it read, \
                     or not in its order",
                    here(),
                    row.id,
                    row.line
                )));
            }
            summary.read += 1;
            match (row.status.as_str(), &row.duplicate_of) {
                ("ok", None) => {
                    summary.kept += 1;
                    let out: &mut dyn Write = match &mut kept_file {
                        Some(f) => f,
                        None => &mut stdout,
                    };
                    out.write_all(block.bytes(item))
                        .and_then(|()| out.write_all(b"\n"))
                        .map_err(|e| Error::io(&kept_name, e))?;
                }
                ("ok", Some(kept)) => {
                    summary.duplicates += 1;
                    if let Some(f) = &mut duplicates {
                        write_line(
                            f,
                            &json::DuplicateLine {
                                id: &row.id,
                                duplicate_of: kept,
                                similarity: round4(row.similarity.unwrap_or(0.0)),
                                measure: row.measure.as_deref().unwrap_or("jaccard"),
                            },
                        )?;
                    }
                }
                ("empty", _) => summary.empty += 1,
                _ => summary.rejected += 1,
            }
        }
    }
    if let Some(row) = rows.next()? {
        return Err(Error::other(format!(
            "the job's documents go on after the inputs end (document {} at line {}): \
             not the input it read",
            row.id, row.line
        )));
    }
    stdout
        .flush()
        .map_err(|e| Error::io("standard output", e))?;
    commit_all(kept_file.into_iter().chain(duplicates).collect())?;
    Ok(summary)
}

#[cfg(feature = "parquet")]
mod rows {
    use std::fs::File;
    use std::path::{Path, PathBuf};

    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;
    use parquet::record::reader::RowIter;

    use super::DocRow;
    use crate::error::{Error, Result};

    /// The rows of the Parquet files of a `documents` folder, files in name
    /// order.
    pub(super) struct DocRows {
        files: std::vec::IntoIter<PathBuf>,
        rows: Option<(PathBuf, RowIter<'static>)>,
    }

    impl DocRows {
        pub(super) fn open(dir: &Path) -> Result<DocRows> {
            let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
                .map_err(|e| Error::io(dir, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "parquet"))
                .collect();
            if files.is_empty() {
                return Err(Error::usage(format!(
                    "{}: no Parquet files: not the documents of a neardup Spark job",
                    dir.display()
                )));
            }
            files.sort();
            Ok(DocRows {
                files: files.into_iter(),
                rows: None,
            })
        }

        pub(super) fn next(&mut self) -> Result<Option<DocRow>> {
            loop {
                if let Some((path, rows)) = &mut self.rows
                    && let Some(row) = rows.next()
                {
                    let row = row.map_err(|e| Error::other(format!("{}: {e}", path.display())))?;
                    return Ok(Some(doc_row(path, &row)?));
                }
                let Some(path) = self.files.next() else {
                    return Ok(None);
                };
                let file = File::open(&path).map_err(|e| Error::io(&path, e))?;
                let reader = SerializedFileReader::new(file)
                    .map_err(|e| Error::other(format!("{}: {e}", path.display())))?;
                if reader.metadata().file_metadata().num_rows() == 0 {
                    continue;
                }
                self.rows = Some((path, RowIter::from_file_into(Box::new(reader))));
            }
        }
    }

    fn doc_row(path: &Path, row: &parquet::record::Row) -> Result<DocRow> {
        let mut d = DocRow::default();
        let (mut has_doc, mut has_line) = (false, false);
        for (name, field) in row.get_column_iter() {
            match (name.as_str(), field) {
                ("doc", Field::Long(v)) => (d.doc, has_doc) = (*v, true),
                ("line", Field::Long(v)) => (d.line, has_line) = (*v, true),
                ("id", Field::Str(s)) => d.id = s.clone(),
                ("status", Field::Str(s)) => d.status = s.clone(),
                ("duplicate_of", Field::Str(s)) => d.duplicate_of = Some(s.clone()),
                ("similarity", Field::Double(v)) => d.similarity = Some(*v),
                ("measure", Field::Str(s)) => d.measure = Some(s.clone()),
                _ => {}
            }
        }
        if !has_doc || !has_line || d.status.is_empty() {
            return Err(Error::other(format!(
                "{}: a row without doc, line or status: not the documents of a neardup Spark job",
                path.display()
            )));
        }
        Ok(d)
    }
}

#[cfg(not(feature = "parquet"))]
mod rows {
    use std::path::Path;

    use super::DocRow;
    use crate::error::{Error, Result};

    pub(super) struct DocRows;

    impl DocRows {
        pub(super) fn open(_: &Path) -> Result<DocRows> {
            Err(Error::usage(
                "neardup apply reads Parquet: build with the `parquet` feature (on by default)",
            ))
        }

        pub(super) fn next(&mut self) -> Result<Option<DocRow>> {
            Ok(None)
        }
    }
}
