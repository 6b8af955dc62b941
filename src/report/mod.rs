//! Writing results: JSON Lines and JSON files, atomically.
//!
//! Every output file is written under a temporary name in the same folder
//! (`.NAME.partial`) and renamed when complete, so a killed run never leaves a
//! complete-looking but partial file; `summary.json` is renamed last, so an
//! output folder without it is an interrupted run.
//!
//! # Formats
//!
//! `documents.jsonl`, one line per input record, in input order:
//!
//! ```json
//! {"id":"a1","outlet":"reuters","location":{"file":"feed.jsonl","line":1},"status":"ok",
//!  "cluster":"a1","duplicate_of":null,"similarity":1.0,"story":"a1"}
//! ```
//!
//! - `status`: `ok`, `empty` (no text once normalized) or `rejected` (bad
//!   input under `--on-error skip`; see `errors.jsonl`);
//! - `cluster`: id of the document kept for its near-duplicate cluster
//!   (itself if kept; its own id for an empty record; `null` if rejected);
//! - `duplicate_of`: the kept document's id, `null` for a kept one;
//! - `similarity`: estimated Jaccard to the kept document (1 for the kept
//!   one, `null` for empty and rejected records);
//! - `story`: id of the first document (input order) of the document's story.
//!
//! `pairs.jsonl`, verified pairs, sorted by the input order of `a` then `b`:
//! `{"a":"a1","b":"a7","level":"duplicate","jaccard":0.9375}`.
//!
//! `errors.jsonl`, one line per record that was not taken as is:
//! `{"file":"feed.jsonl","line":7,"action":"rejected","reason":"malformed JSON: ...","raw":"{\"id\":..."}`
//! (`raw` is the line decoded with U+FFFD replacements, `null` when it was not
//! loaded: over the size limit or unreadable), or
//! `{"file":..,"line":..,"action":"renamed","reason":"duplicate id","id":"x","new_id":"x@feed.jsonl:9"}`.

pub mod html;
pub mod json;
pub mod model;
pub mod outlets;
pub mod passages;

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::pipeline::Notice;

/// A file written under a temporary name and renamed by [`commit`](Self::commit).
/// Dropped without a commit, the temporary file is removed.
///
/// A path that exists and is not a regular file (`/dev/null`, a named pipe,
/// `/dev/stdout`) is written directly: renaming over it would replace the
/// device with a plain file.
pub struct AtomicFile {
    /// The temporary name, `None` when writing directly.
    tmp: Option<PathBuf>,
    path: PathBuf,
    out: Option<BufWriter<File>>,
}

impl AtomicFile {
    /// Starts writing `path` (as `.NAME.partial` beside it).
    pub fn create(path: impl Into<PathBuf>) -> Result<AtomicFile> {
        let path = path.into();
        let special = fs::metadata(&path).is_ok_and(|m| !m.is_file() && !m.is_dir());
        if special {
            let file = fs::OpenOptions::new()
                .write(true)
                .open(&path)
                .map_err(|e| Error::io(&path, e))?;
            return Ok(AtomicFile {
                tmp: None,
                path,
                out: Some(BufWriter::with_capacity(1 << 20, file)),
            });
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".into());
        let tmp = path.with_file_name(format!(".{name}.partial"));
        let file = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        Ok(AtomicFile {
            tmp: Some(tmp),
            path,
            out: Some(BufWriter::with_capacity(1 << 20, file)),
        })
    }

    /// The final path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes all of `buf`, naming the file on failure.
    pub fn write(&mut self, buf: &[u8]) -> Result<()> {
        let out = self.out.as_mut().expect("written after commit");
        out.write_all(buf).map_err(|e| Error::io(&self.path, e))
    }

    /// Flushes and renames to the final name.
    pub fn commit(mut self) -> Result<()> {
        let out = self.out.take().expect("committed twice");
        let file = out
            .into_inner()
            .map_err(|e| Error::io(&self.path, e.into_error()))?;
        let Some(tmp) = self.tmp.take() else {
            return Ok(()); // written directly to a device or pipe
        };
        file.sync_all().map_err(|e| Error::io(&self.path, e))?;
        drop(file);
        fs::rename(&tmp, &self.path).map_err(|e| Error::io(&self.path, e))
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.out.take().is_some()
            && let Some(tmp) = &self.tmp
        {
            let _ = fs::remove_file(tmp);
        }
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.as_mut().expect("written after commit").write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.out.as_mut().expect("written after commit").flush()
    }
}

/// Serializes `value` as one JSON line into `out`.
pub fn write_line<T: serde::Serialize>(out: &mut AtomicFile, value: &T) -> Result<()> {
    let path = out.path().to_path_buf();
    serde_json::to_writer(&mut *out, value).map_err(|e| Error::io(&path, e.into()))?;
    out.write(b"\n")
}

/// Writes one `errors.jsonl` line for a notice from the reader.
pub fn write_notice(out: &mut AtomicFile, notice: &Notice<'_>) -> Result<()> {
    match *notice {
        Notice::Rejected {
            file,
            line,
            reason,
            raw,
        } => {
            let raw = raw.map(String::from_utf8_lossy);
            write_line(
                out,
                &json::ErrorLine::Rejected {
                    file,
                    line,
                    reason,
                    raw: raw.as_deref(),
                },
            )
        }
        Notice::Renamed {
            file,
            line,
            id,
            new_id,
        } => write_line(
            out,
            &json::ErrorLine::Renamed {
                file,
                line,
                reason: "duplicate id",
                id,
                new_id,
            },
        ),
    }
}

/// Rounds a similarity to 4 decimals for output.
pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_file_appears_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.jsonl");
        let mut f = AtomicFile::create(&p).unwrap();
        f.write(b"x\n").unwrap();
        assert!(!p.exists());
        f.commit().unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "x\n");
        let q = dir.path().join("gone.jsonl");
        let mut g = AtomicFile::create(&q).unwrap();
        g.write(b"y").unwrap();
        drop(g);
        assert!(!q.exists());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_written_not_replaced() {
        let mut f = AtomicFile::create("/dev/null").unwrap();
        f.write(b"discarded").unwrap();
        f.commit().unwrap();
        let meta = fs::metadata("/dev/null").unwrap();
        assert!(!meta.is_file(), "/dev/null is still a device");
    }
}
