//! Opening a source as a stream of bytes: the file, standard input, or the
//! spool that replaces a source that can be read only once; then
//! decompressed.
//!
//! Guarantees:
//! - a source that can be read only once ([`Source::once`]) is opened once
//!   per run: under [`SpoolMode::Spool`] every byte read from it is copied to
//!   its spool, under [`SpoolMode::Replay`] the spool is read instead;
//! - when such a source cannot be opened, its spool is removed, so that a
//!   replay fails to open it in the same way and finds the same (no)
//!   records;
//! - every on-disk byte read is counted (for progress), before
//!   decompression.

use std::fs::{self, File};
use std::io::{self, BufReader, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::source::{Compression, Source};
use super::spool::{SpoolMode, Tee};

/// A source's bytes as read from disk (or standard input).
pub(super) type Raw = Box<dyn Read>;

/// Counts the on-disk bytes read through it.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// The source itself: its file, or standard input.
fn open_source(source: &Source) -> io::Result<Raw> {
    Ok(match &source.path {
        Some(p) => Box::new(File::open(p)?),
        None => Box::new(io::stdin()),
    })
}

/// Opens source `i`'s raw bytes: the source, a copy of it to its spool, or
/// its spool.
pub(super) fn open_raw(i: u32, source: &Source, spool: &SpoolMode) -> io::Result<Raw> {
    if !source.once {
        return open_source(source);
    }
    match (spool, spool.path(i)) {
        (SpoolMode::Replay(_), Some(p)) => Ok(Box::new(File::open(p)?)),
        (SpoolMode::Spool(_), Some(p)) => {
            let inner = match open_source(source) {
                Ok(r) => r,
                Err(e) => {
                    let _ = fs::remove_file(p);
                    return Err(e);
                }
            };
            Ok(Box::new(Tee {
                inner,
                spool: File::create(p)?,
                path: p.to_path_buf(),
            }))
        }
        _ => open_source(source),
    }
}

/// Opens source `i` as a stream of decompressed bytes, counting the raw bytes
/// in `count`.
pub(super) fn open_stream(
    i: u32,
    source: &Source,
    spool: &SpoolMode,
    count: &Arc<AtomicU64>,
) -> io::Result<Raw> {
    let counted = || -> io::Result<Counting<Raw>> {
        Ok(Counting {
            inner: open_raw(i, source, spool)?,
            count: Arc::clone(count),
        })
    };
    Ok(match source.compression {
        Compression::None => Box::new(counted()?),
        Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(BufReader::with_capacity(
            256 << 10,
            counted()?,
        ))),
        Compression::Zstd => Box::new(zstd::stream::read::Decoder::new(counted()?)?),
        Compression::Parquet => open_parquet(source, count)?,
    })
}

/// A Parquet source's rows as JSON lines. Parquet is read from its footer
/// first, so it needs a file that can be read at any offset.
fn open_parquet(source: &Source, count: &Arc<AtomicU64>) -> io::Result<Raw> {
    let Some(path) = source.path.as_deref().filter(|_| !source.once) else {
        return Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "Parquet is read from a regular file, not from a pipe or standard input",
        ));
    };
    #[cfg(feature = "parquet")]
    {
        Ok(Box::new(super::parquet::ParquetLines::open(path, count)?))
    }
    #[cfg(not(feature = "parquet"))]
    {
        let _ = (path, count);
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "this neardup was built without Parquet support (cargo feature `parquet`)",
        ))
    }
}

/// Reads into `buf`, retrying when interrupted; `Ok(0)` at the end.
pub(super) fn read_some(r: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match r.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// Reads into `buf` until it holds at least `at_least` bytes or the stream
/// ends (a pipe or a decoder may hand out a few bytes at a time).
pub(super) fn read_at_least(
    r: &mut dyn Read,
    buf: &mut [u8],
    at_least: usize,
) -> io::Result<usize> {
    let mut n = 0;
    while n < at_least.min(buf.len()) {
        match read_some(r, &mut buf[n..])? {
            0 => break,
            m => n += m,
        }
    }
    Ok(n)
}
