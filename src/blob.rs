//! An append-only run of bytes kept in memory up to a budget and in a
//! temporary file past it, read back by position.
//!
//! Guarantees:
//! - [`Blob::append`] returns the offset of what it appended; [`Blob::read`]
//!   of any appended range gives the same bytes whether or not the blob
//!   spilled;
//! - memory is at most the budget plus one chunk (plus a 1 MB write buffer
//!   once spilled); in memory the bytes are kept in chunks of [`CHUNK`]
//!   bytes, so growing never copies what is there nor reserves twice of it:
//!   when an append would pass it, everything so far moves to a temporary
//!   file in the given folder, named `PREFIX-PID-…` so that a killed run's
//!   file is recognised and removed by the next run
//!   ([`crate::input::spool::remove_stale`]), and removed on drop;
//! - reading needs [`Blob::seal`] first, and appending after it is an error
//!   (a file being written is not read);
//! - reads of a sealed blob take `&self` and may run on many threads.

use std::borrow::Cow;
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Bytes of one chunk of a blob in memory.
pub const CHUNK: usize = 8 << 20;

/// Bytes appended in order, in memory or in a temporary file (module docs).
#[derive(Debug)]
pub struct Blob {
    state: State,
    len: u64,
    budget: u64,
    dir: PathBuf,
    prefix: &'static str,
}

#[derive(Debug)]
enum State {
    /// Full chunks of [`CHUNK`] bytes, the last one filling.
    Memory(Vec<Vec<u8>>),
    Writing {
        file: std::io::BufWriter<std::fs::File>,
        path: tempfile::TempPath,
    },
    File {
        file: std::fs::File,
        path: tempfile::TempPath,
    },
}

impl Blob {
    /// An empty blob that keeps up to `budget` bytes in memory and spills to
    /// a file named `{prefix}{pid}-…` in `dir` past it.
    pub fn new(budget: u64, dir: &Path, prefix: &'static str) -> Blob {
        Blob {
            state: State::Memory(Vec::new()),
            len: 0,
            budget,
            dir: dir.to_path_buf(),
            prefix,
        }
    }

    /// An empty blob that never spills.
    pub fn in_memory() -> Blob {
        Blob::new(u64::MAX, &std::env::temp_dir(), "neardup-blob-")
    }

    /// Appends `bytes`, returning the offset they start at.
    pub fn append(&mut self, bytes: &[u8]) -> Result<u64> {
        if let State::Memory(chunks) = &mut self.state
            && self.len + bytes.len() as u64 > self.budget
        {
            let named = tempfile::Builder::new()
                .prefix(&format!("{}{}-", self.prefix, std::process::id()))
                .tempfile_in(&self.dir)
                .map_err(|e| Error::io(&self.dir, e))?;
            let (file, path) = named.into_parts();
            let mut file = std::io::BufWriter::with_capacity(1 << 20, file);
            for c in chunks.drain(..) {
                file.write_all(&c).map_err(|e| Error::io(&*path, e))?;
            }
            self.state = State::Writing { file, path };
        }
        match &mut self.state {
            State::Memory(chunks) => {
                let mut rest = bytes;
                while !rest.is_empty() {
                    match chunks.last_mut() {
                        Some(c) if c.len() < CHUNK => {
                            let n = rest.len().min(CHUNK - c.len());
                            c.extend_from_slice(&rest[..n]);
                            rest = &rest[n..];
                        }
                        _ => chunks.push(Vec::with_capacity(CHUNK)),
                    }
                }
            }
            State::Writing { file, path } => {
                file.write_all(bytes).map_err(|e| Error::io(&**path, e))?;
            }
            State::File { path, .. } => {
                return Err(Error::other(format!(
                    "{}: appended to after reading began",
                    path.display()
                )));
            }
        }
        let at = self.len;
        self.len += bytes.len() as u64;
        Ok(at)
    }

    /// Ends appending: a file being written is flushed and opened for
    /// reading. Sealing twice does nothing.
    pub fn seal(&mut self) -> Result<()> {
        let state = std::mem::replace(&mut self.state, State::Memory(Vec::new()));
        self.state = match state {
            State::Writing { file, path } => {
                let file = file
                    .into_inner()
                    .map_err(|e| Error::io(&*path, e.into_error()))?;
                State::File { file, path }
            }
            other => other,
        };
        Ok(())
    }

    /// Bytes appended.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether nothing was appended.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether the bytes went to a temporary file.
    pub fn spilled(&self) -> bool {
        !matches!(self.state, State::Memory(_))
    }

    /// Bytes written to the temporary file (0 when in memory).
    pub fn spilled_bytes(&self) -> u64 {
        if self.spilled() { self.len } else { 0 }
    }

    /// The bytes of `range`: borrowed when in memory within one chunk, else
    /// copied or read into `buf`.
    pub fn read<'a>(&'a self, range: Range<u64>, buf: &'a mut Vec<u8>) -> Result<&'a [u8]> {
        match &self.state {
            State::Memory(chunks) => {
                if let Some(bytes) = in_one_chunk(chunks, &range) {
                    return Ok(bytes);
                }
                let (a, b) = (range.start as usize, range.end as usize);
                let (first, last) = (a / CHUNK, (b - 1) / CHUNK);
                buf.clear();
                for (i, c) in chunks.iter().enumerate().take(last + 1).skip(first) {
                    let lo = if i == first { a % CHUNK } else { 0 };
                    let hi = if i == last {
                        (b - 1) % CHUNK + 1
                    } else {
                        CHUNK
                    };
                    buf.extend_from_slice(&c[lo..hi]);
                }
                Ok(buf)
            }
            State::Writing { path, .. } => Err(Error::other(format!(
                "{}: read before it was all written",
                path.display()
            ))),
            State::File { file, path } => {
                buf.resize((range.end - range.start) as usize, 0);
                read_at(file, buf, range.start).map_err(|e| Error::io(&**path, e))?;
                Ok(buf)
            }
        }
    }

    /// The bytes of `range`, borrowed when in memory within one chunk.
    pub fn get(&self, range: Range<u64>) -> Result<Cow<'_, [u8]>> {
        if let State::Memory(chunks) = &self.state
            && let Some(bytes) = in_one_chunk(chunks, &range)
        {
            return Ok(Cow::Borrowed(bytes));
        }
        let mut buf = Vec::new();
        self.read(range, &mut buf)?;
        Ok(Cow::Owned(buf))
    }
}

/// The bytes of `range` if they lie in one chunk (or are none).
fn in_one_chunk<'a>(chunks: &'a [Vec<u8>], range: &Range<u64>) -> Option<&'a [u8]> {
    let (a, b) = (range.start as usize, range.end as usize);
    if a == b {
        return Some(&[]);
    }
    let first = a / CHUNK;
    (first == (b - 1) / CHUNK).then(|| &chunks[first][a % CHUNK..a % CHUNK + (b - a)])
}

/// Reads exactly `buf.len()` bytes of `file` at `offset`.
#[cfg(unix)]
fn read_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.read_exact_at(buf, offset)
}

/// Reads exactly `buf.len()` bytes of `file` at `offset`.
#[cfg(windows)]
fn read_at(file: &std::fs::File, mut buf: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_across_chunks_give_the_bytes_appended() {
        let mut blob = Blob::in_memory();
        let bytes: Vec<u8> = (0..2 * CHUNK + 10).map(|i| (i % 251) as u8).collect();
        for piece in bytes.chunks(CHUNK / 3 + 7) {
            blob.append(piece).unwrap();
        }
        blob.seal().unwrap();
        assert_eq!(blob.len(), bytes.len() as u64);
        let (c, n) = (CHUNK as u64, bytes.len() as u64);
        for r in [
            0..0,
            0..c,
            c - 3..c + 3,
            5..n,
            c..c,
            2 * c - 1..2 * c + 1,
            0..n,
        ] {
            let want = &bytes[r.start as usize..r.end as usize];
            assert_eq!(&*blob.get(r.clone()).unwrap(), want, "{r:?}");
            assert_eq!(
                blob.read(r.clone(), &mut Vec::new()).unwrap(),
                want,
                "{r:?}"
            );
        }
        assert!(matches!(blob.get(1..10).unwrap(), Cow::Borrowed(_)));
    }

    #[test]
    fn a_spilled_blob_reads_like_one_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        let mut memory = Blob::new(u64::MAX, dir.path(), "neardup-test-");
        let mut file = Blob::new(10, dir.path(), "neardup-test-");
        let pieces: Vec<Vec<u8>> = (0..50u8).map(|i| vec![i; usize::from(i % 7)]).collect();
        let mut at = Vec::new();
        for p in &pieces {
            let a = memory.append(p).unwrap();
            assert_eq!(file.append(p).unwrap(), a);
            at.push(a..a + p.len() as u64);
        }
        assert!(
            file.read(0..1, &mut Vec::new()).is_err(),
            "read before seal"
        );
        memory.seal().unwrap();
        file.seal().unwrap();
        assert!(file.append(b"x").is_err(), "append after seal");
        assert!(!memory.spilled() && file.spilled());
        assert_eq!(file.spilled_bytes(), memory.len());
        let files = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(files, 1);
        for (p, r) in pieces.iter().zip(&at) {
            assert_eq!(&*memory.get(r.clone()).unwrap(), p.as_slice());
            assert_eq!(&*file.get(r.clone()).unwrap(), p.as_slice());
        }
        drop(file);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
