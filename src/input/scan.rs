//! Streaming the bytes of all sources as blocks of whole records.
//!
//! One background thread opens the sources in order, decompresses them, cuts
//! JSONL streams into lines and hands out [`Block`]s of a few megabytes over a
//! bounded channel, so a 50 GB dump never sits in memory and reading overlaps
//! with the parallel work done on the previous block. Every record becomes an
//! [`Item`] that says where it came from (source, line, byte offset in the
//! decompressed stream), so it can be found again by a later pass.
//!
//! Guarantees:
//! - items come in input order, each input record exactly once;
//! - a JSONL line longer than `max_doc_bytes` is never held in memory: it
//!   becomes a [`ItemKind::TooLarge`] item (a text file likewise, by size);
//! - a read or decompression failure becomes an [`ItemKind::Failed`] item at
//!   the line after the last good one, naming that line, and the scan goes on
//!   with the next source;
//! - lines that are empty or only whitespace are not records and are skipped.

use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use super::source::{Compression, Format, Source};

/// What an item holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ItemKind {
    /// A JSONL line (without its `\n`).
    Line,
    /// The whole content of a text file.
    File,
    /// A record over the size limit: its bytes were skipped, not loaded.
    TooLarge,
    /// The source could not be read from this point on.
    Failed(String),
}

/// One record, or the failure to read one.
#[derive(Clone, Debug)]
pub struct Item {
    /// Index into the scanned sources.
    pub source: u32,
    /// 1-based line number for JSONL records and stream failures.
    pub line: Option<u64>,
    /// Byte offset of the record in the (decompressed) stream.
    pub offset: u64,
    /// Length of the record in bytes (without the newline).
    pub len: u64,
    /// The record's bytes inside [`Block::data`] (empty unless `Line`/`File`).
    pub data: Range<usize>,
    /// What this item is.
    pub kind: ItemKind,
}

/// A batch of consecutive items and the bytes they point into.
#[derive(Debug, Default)]
pub struct Block {
    /// Bytes of the records of this block.
    pub data: Vec<u8>,
    /// The items, in input order.
    pub items: Vec<Item>,
    /// On-disk bytes consumed since the previous block (for progress).
    pub raw_bytes: u64,
}

impl Block {
    /// The bytes of `item`.
    pub fn bytes(&self, item: &Item) -> &[u8] {
        &self.data[item.data.clone()]
    }
}

/// What to do with standard input.
#[derive(Clone, Debug, Default)]
pub enum StdinMode {
    /// Read it once.
    #[default]
    Plain,
    /// Read it and copy every byte to this file, so a later pass can read the
    /// same records again.
    Spool(PathBuf),
    /// Read this file (a spool written by an earlier pass) instead.
    Replay(PathBuf),
}

/// Options of a scan.
#[derive(Clone, Debug)]
pub struct ScanOptions {
    /// Records larger than this are not loaded.
    pub max_doc_bytes: u64,
    /// Target size of a block's data.
    pub block_bytes: usize,
    /// Standard input handling.
    pub stdin: StdinMode,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            max_doc_bytes: 16 << 20,
            block_bytes: 4 << 20,
            stdin: StdinMode::Plain,
        }
    }
}

/// An iterator over the blocks of a scan, read by a background thread.
pub struct Scanner {
    rx: Option<Receiver<Block>>,
    handle: Option<JoinHandle<()>>,
    /// Data buffers of consumed blocks, back to the reader for reuse.
    spare: std::sync::mpsc::Sender<Vec<u8>>,
}

impl Scanner {
    /// Starts reading `sources` in the background.
    pub fn start(sources: Arc<[Source]>, options: ScanOptions) -> Scanner {
        // Two blocks in flight: one being processed, one being read.
        let (tx, rx) = sync_channel(2);
        let (spare, spares) = std::sync::mpsc::channel();
        let handle = std::thread::Builder::new()
            .name("neardup-reader".into())
            .spawn(move || {
                let mut w = BlockWriter::new(tx, spares, &options);
                for (i, source) in sources.iter().enumerate() {
                    if w.read_source(i as u32, source, &options).is_err() {
                        return; // the consumer hung up
                    }
                }
                let _ = w.flush();
            })
            .expect("spawning the reader thread");
        Scanner {
            rx: Some(rx),
            handle: Some(handle),
            spare,
        }
    }

    /// Hands a consumed block's data buffer back to the reader, which fills
    /// it again instead of allocating (and faulting in) a new one.
    pub fn recycle(&self, data: Vec<u8>) {
        let _ = self.spare.send(data);
    }
}

impl Iterator for Scanner {
    type Item = Block;
    fn next(&mut self) -> Option<Block> {
        self.rx.as_ref()?.recv().ok()
    }
}

impl Drop for Scanner {
    fn drop(&mut self) {
        // Dropping the receiver makes the reader's next send fail, so it stops.
        self.rx.take();
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// Marker error: the receiving side is gone.
struct Hangup;

/// Counts the on-disk bytes read through it.
struct Counting<R> {
    inner: R,
    count: Arc<std::sync::atomic::AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

/// Copies everything read to a spool file.
struct Tee<R> {
    inner: R,
    spool: File,
    path: PathBuf,
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.spool.write_all(&buf[..n]).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("writing the spool file {}: {e}", self.path.display()),
            )
        })?;
        Ok(n)
    }
}

/// Builds blocks and sends them when full.
struct BlockWriter {
    tx: SyncSender<Block>,
    spares: Receiver<Vec<u8>>,
    block: Block,
    block_bytes: usize,
    raw: Arc<std::sync::atomic::AtomicU64>,
}

/// State of the line being assembled in a JSONL stream.
struct LineState {
    source: u32,
    max: u64,
    /// Number of the line being assembled (1-based).
    line: u64,
    /// Stream offset of its first byte.
    offset: u64,
    /// Where it starts in the block's data.
    start: usize,
    /// Bytes skipped so far when the line is over the limit.
    skipped: Option<u64>,
}

impl BlockWriter {
    fn new(tx: SyncSender<Block>, spares: Receiver<Vec<u8>>, options: &ScanOptions) -> BlockWriter {
        BlockWriter {
            tx,
            spares,
            block: Block::default(),
            block_bytes: options.block_bytes.max(1),
            raw: Arc::new(std::sync::atomic::AtomicU64::new(0)),
        }
    }

    fn flush(&mut self) -> Result<(), Hangup> {
        if self.block.items.is_empty() {
            return Ok(());
        }
        let mut block = std::mem::take(&mut self.block);
        block.raw_bytes = self.raw.swap(0, std::sync::atomic::Ordering::Relaxed);
        if let Ok(mut data) = self.spares.try_recv() {
            data.clear();
            self.block.data = data;
        }
        self.block.data.reserve(self.block_bytes + (64 << 10));
        self.tx.send(block).map_err(|_| Hangup)
    }

    fn push(&mut self, item: Item) -> Result<(), Hangup> {
        self.block.items.push(item);
        if self.block.data.len() >= self.block_bytes || self.block.items.len() >= 1 << 16 {
            self.flush()?;
        }
        Ok(())
    }

    fn failed(&mut self, source: u32, line: Option<u64>, reason: String) -> Result<(), Hangup> {
        self.push(Item {
            source,
            line,
            offset: 0,
            len: 0,
            data: 0..0,
            kind: ItemKind::Failed(reason),
        })
    }

    fn read_source(&mut self, i: u32, source: &Source, opts: &ScanOptions) -> Result<(), Hangup> {
        if let Some(err) = &source.error {
            return self.failed(i, None, err.clone());
        }
        match source.format {
            Format::Text => self.read_text(i, source, opts),
            Format::Jsonl => self.read_jsonl(i, source, opts),
        }
    }

    fn read_text(&mut self, i: u32, source: &Source, opts: &ScanOptions) -> Result<(), Hangup> {
        let Some(path) = &source.path else {
            return self.failed(i, None, "standard input cannot be a text file".into());
        };
        let file = match File::open(path) {
            Ok(f) => f,
            Err(e) => return self.failed(i, None, format!("cannot read: {e}")),
        };
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        if size > opts.max_doc_bytes {
            self.raw
                .fetch_add(size, std::sync::atomic::Ordering::Relaxed);
            return self.push(Item {
                source: i,
                line: None,
                offset: 0,
                len: size,
                data: 0..0,
                kind: ItemKind::TooLarge,
            });
        }
        let start = self.block.data.len();
        // `take` guards against a file that grows while we read it.
        let mut reader = file.take(opts.max_doc_bytes + 1);
        match reader.read_to_end(&mut self.block.data) {
            Ok(n) => {
                self.raw
                    .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
                if n as u64 > opts.max_doc_bytes {
                    self.block.data.truncate(start);
                    return self.push(Item {
                        source: i,
                        line: None,
                        offset: 0,
                        len: n as u64,
                        data: 0..0,
                        kind: ItemKind::TooLarge,
                    });
                }
                let end = self.block.data.len();
                self.push(Item {
                    source: i,
                    line: None,
                    offset: 0,
                    len: n as u64,
                    data: start..end,
                    kind: ItemKind::File,
                })
            }
            Err(e) => {
                self.block.data.truncate(start);
                self.failed(i, None, format!("cannot read: {e}"))
            }
        }
    }

    fn open(&self, source: &Source, opts: &ScanOptions) -> io::Result<Box<dyn Read>> {
        let raw: Box<dyn Read> = match (&source.path, &opts.stdin) {
            (Some(p), _) => Box::new(File::open(p)?),
            (None, StdinMode::Replay(p)) => Box::new(File::open(p)?),
            (None, StdinMode::Spool(p)) => Box::new(Tee {
                inner: io::stdin(),
                spool: File::create(p)?,
                path: p.clone(),
            }),
            (None, StdinMode::Plain) => Box::new(io::stdin()),
        };
        let counted = Counting {
            inner: raw,
            count: Arc::clone(&self.raw),
        };
        Ok(match source.compression {
            Compression::None => Box::new(counted),
            Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(
                BufReader::with_capacity(256 << 10, counted),
            )),
            Compression::Zstd => Box::new(zstd::stream::read::Decoder::new(counted)?),
        })
    }

    fn read_jsonl(&mut self, i: u32, source: &Source, opts: &ScanOptions) -> Result<(), Hangup> {
        let mut reader = match self.open(source, opts) {
            Ok(r) => r,
            Err(e) => return self.failed(i, None, format!("cannot read: {e}")),
        };
        let mut st = LineState {
            source: i,
            max: opts.max_doc_bytes,
            line: 1,
            offset: 0,
            start: self.block.data.len(),
            skipped: None,
        };
        let mut buf = vec![0u8; 256 << 10];
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    // Drop the partial line: it is not known to be complete.
                    self.block.data.truncate(st.start);
                    let what = match source.compression {
                        Compression::Gzip => "corrupt or truncated gzip stream",
                        Compression::Zstd => "corrupt or truncated zstd stream",
                        Compression::None => "read error",
                    };
                    let last = st.line - 1;
                    let reason = if last == 0 {
                        format!("{what} before the first line: {e}")
                    } else {
                        format!("{what} after line {last} (the last good line): {e}")
                    };
                    return self.failed(i, Some(st.line), reason);
                }
            };
            let mut rest = &buf[..n];
            while let Some(pos) = memchr::memchr(b'\n', rest) {
                self.append(&mut st, &rest[..pos]);
                self.end_line(&mut st, 1)?;
                rest = &rest[pos + 1..];
            }
            self.append(&mut st, rest);
        }
        // A last line without a newline is still a record.
        if st.skipped.is_some() || self.block.data.len() > st.start {
            self.end_line(&mut st, 0)?;
        }
        Ok(())
    }

    fn append(&mut self, st: &mut LineState, bytes: &[u8]) {
        if let Some(skipped) = &mut st.skipped {
            *skipped += bytes.len() as u64;
            return;
        }
        self.block.data.extend_from_slice(bytes);
        let len = (self.block.data.len() - st.start) as u64;
        if len > st.max {
            st.skipped = Some(len);
            self.block.data.truncate(st.start);
        }
    }

    /// Ends the current line; `newline` is 1 if a `\n` followed it.
    fn end_line(&mut self, st: &mut LineState, newline: u64) -> Result<(), Hangup> {
        let line = st.line;
        let offset = st.offset;
        st.line += 1;
        let result = if let Some(len) = st.skipped.take() {
            st.offset += len + newline;
            self.push(Item {
                source: st.source,
                line: Some(line),
                offset,
                len,
                data: 0..0,
                kind: ItemKind::TooLarge,
            })
        } else {
            let end = self.block.data.len();
            let len = (end - st.start) as u64;
            st.offset += len + newline;
            if self.block.data[st.start..end]
                .iter()
                .all(|b| b.is_ascii_whitespace())
            {
                self.block.data.truncate(st.start);
                Ok(())
            } else {
                self.push(Item {
                    source: st.source,
                    line: Some(line),
                    offset,
                    len,
                    data: st.start..end,
                    kind: ItemKind::Line,
                })
            }
        };
        st.start = self.block.data.len();
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::source::{OutletFrom, resolve};

    fn scan_all(paths: &[PathBuf], opts: ScanOptions) -> Vec<(Option<u64>, ItemKind, String)> {
        let inputs = resolve(paths, OutletFrom::None).unwrap();
        let sources: Arc<[Source]> = inputs.sources.into();
        let mut out = vec![];
        for block in Scanner::start(sources, opts) {
            for item in &block.items {
                out.push((
                    item.line,
                    item.kind.clone(),
                    String::from_utf8_lossy(block.bytes(item)).into_owned(),
                ));
            }
        }
        out
    }

    #[test]
    fn lines_blank_lines_last_line_and_oversized() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.jsonl");
        let big = "x".repeat(100);
        std::fs::write(&p, format!("{{\"a\":1}}\n\n  \n{big}\r\n{{\"b\":2}}")).unwrap();
        let opts = ScanOptions {
            max_doc_bytes: 50,
            block_bytes: 1,
            ..ScanOptions::default()
        };
        let items = scan_all(&[p], opts);
        assert_eq!(
            items,
            vec![
                (Some(1), ItemKind::Line, "{\"a\":1}".into()),
                (Some(4), ItemKind::TooLarge, String::new()),
                (Some(5), ItemKind::Line, "{\"b\":2}".into()),
            ]
        );
    }

    #[test]
    fn offsets_point_at_records() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.jsonl");
        let text = "one\ntwo\n\nthree\n";
        std::fs::write(&p, text).unwrap();
        let inputs = resolve(&[p], OutletFrom::None).unwrap();
        let sources: Arc<[Source]> = inputs.sources.into();
        for block in Scanner::start(sources, ScanOptions::default()) {
            for item in &block.items {
                let at = &text[item.offset as usize..(item.offset + item.len) as usize];
                assert_eq!(at.as_bytes(), block.bytes(item));
            }
        }
    }

    #[test]
    fn truncated_gzip_names_last_good_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.jsonl.gz");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        for i in 0..2000 {
            writeln!(
                enc,
                "{{\"id\":{i},\"text\":\"document number {i} with some words\"}}"
            )
            .unwrap();
        }
        let bytes = enc.finish().unwrap();
        std::fs::write(&p, &bytes[..bytes.len() / 2]).unwrap();
        let items = scan_all(&[p], ScanOptions::default());
        let (line, kind, _) = items.last().unwrap().clone();
        let ItemKind::Failed(reason) = kind else {
            panic!("expected a failure, got {kind:?}");
        };
        let good = items.len() as u64 - 1;
        assert_eq!(line, Some(good + 1));
        assert!(
            reason.contains(&format!("after line {good}")),
            "reason: {reason}"
        );
    }

    #[test]
    fn zstd_and_text_files() {
        let dir = tempfile::tempdir().unwrap();
        let z = dir.path().join("b.jsonl.zst");
        let data = zstd::encode_all(&b"{\"x\":1}\n{\"x\":2}\n"[..], 3).unwrap();
        std::fs::write(&z, data).unwrap();
        let t = dir.path().join("c.txt");
        std::fs::write(&t, "hello").unwrap();
        let items = scan_all(&[z, t], ScanOptions::default());
        assert_eq!(items.len(), 3);
        assert_eq!(items[2], (None, ItemKind::File, "hello".into()));
    }
}
