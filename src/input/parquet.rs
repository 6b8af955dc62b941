//! Parquet files read as JSON lines (cargo feature `parquet`, on by
//! default).
//!
//! A `.parquet` file is streamed row group by row group and every row is
//! handed to the JSONL reader as one JSON object on one line, its columns
//! under their names (strings as strings, numbers as numbers, nulls as
//! `null`, dates and timestamps as the values `parquet` gives them). So a
//! Parquet record follows exactly the rules of a JSONL record — the same
//! `--*-field` options choose its columns, a missing text column or a text
//! that is not a string rejects the record — and its "line" in errors and
//! `location` is its row number, from 1.
//!
//! Guarantees:
//! - rows are decoded row group by row group and converted
//!   [`BATCH_ROWS`] at a time: memory does not grow with the file;
//! - the footer is checked when the file is opened: a truncated file or
//!   another format is an error naming the file, before any record;
//! - a page that cannot be decoded fails the stream at the row being read,
//!   like a corrupt gzip stream;
//! - the file's on-disk bytes are counted (for progress) in proportion to
//!   the rows converted.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use parquet::file::reader::{FileReader, SerializedFileReader};

/// Rows converted at a time, at most.
const BATCH_ROWS: usize = 1024;

/// A Parquet file as a stream of JSON lines.
pub struct ParquetLines {
    /// Rows of the file, read row group by row group.
    rows: parquet::record::reader::RowIter<'static>,
    /// Converted bytes; those before `pos` are handed out.
    pending: Vec<u8>,
    pos: usize,
    /// On-disk bytes and rows of the file, rows converted so far.
    bytes: u64,
    total_rows: u64,
    done_rows: u64,
    count: Arc<AtomicU64>,
}

impl ParquetLines {
    /// Opens `path`, checking its footer; `count` receives the on-disk bytes
    /// read, in proportion to the rows converted.
    pub fn open(path: &Path, count: &Arc<AtomicU64>) -> io::Result<ParquetLines> {
        let file = File::open(path)?;
        let bytes = file.metadata()?.len();
        let reader = SerializedFileReader::new(file).map_err(|e| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("not a readable Parquet file (truncated, or another format): {e}"),
            )
        })?;
        let total_rows = reader.metadata().file_metadata().num_rows().max(0) as u64;
        Ok(ParquetLines {
            rows: parquet::record::reader::RowIter::from_file_into(Box::new(reader)),
            pending: Vec::new(),
            pos: 0,
            bytes,
            total_rows,
            done_rows: 0,
            count: Arc::clone(count),
        })
    }

    /// Converts up to [`BATCH_ROWS`] rows into `pending`; false at the end
    /// of the file.
    fn fill(&mut self) -> io::Result<bool> {
        self.pending.clear();
        self.pos = 0;
        let mut converted = 0u64;
        for row in self.rows.by_ref() {
            let row = row.map_err(|e| decode_error(&e))?;
            serde_json::to_writer(&mut self.pending, &row.to_json_value())
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
            self.pending.push(b'\n');
            converted += 1;
            if converted == BATCH_ROWS as u64 {
                break;
            }
        }
        // Progress: the file's bytes in proportion to its rows.
        let before = self.bytes * self.done_rows / self.total_rows.max(1);
        self.done_rows += converted;
        let after = self.bytes * self.done_rows.min(self.total_rows) / self.total_rows.max(1);
        self.count.fetch_add(after - before, Ordering::Relaxed);
        Ok(converted > 0)
    }
}

/// A decoding failure as an I/O error of the stream.
fn decode_error(e: &parquet::errors::ParquetError) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e.to_string())
}

impl Read for ParquetLines {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.pending.len() && !self.fill()? {
            return Ok(0);
        }
        let rest = &self.pending[self.pos..];
        let n = buf.len().min(rest.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.pos += n;
        Ok(n)
    }
}
