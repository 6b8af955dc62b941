//! Streaming the bytes of all sources as blocks of whole records.
//!
//! One background thread opens the sources in order, decompresses them, cuts
//! JSONL streams into lines (module `jsonl`) and hands out
//! [`Block`]s of a few megabytes over a bounded channel, so a 50 GB dump
//! never sits in memory and reading overlaps with the parallel work done on
//! the previous block. Every record becomes an [`Item`] that says where it
//! came from (source, line, byte offset in the decompressed stream), so it
//! can be found again by a later pass.
//!
//! Guarantees:
//! - items come in input order, each input record exactly once;
//! - a record larger than `max_doc_bytes` is never held in memory: a JSONL
//!   line becomes a [`ItemKind::TooLarge`] item, or a [`ItemKind::TooLong`]
//!   item sent at once when it passes the limit before its end was read (so
//!   an endless line is reported while the reader is still skipping it); a
//!   text file likewise, by size;
//! - a read failure becomes an [`ItemKind::Failed`] item at the line after
//!   the last good one, and the scan goes on with the next source; a
//!   decompression failure becomes an [`ItemKind::Corrupt`] item at the line
//!   being decoded when it failed;
//! - a source that can be read only once (standard input, a named pipe, a
//!   device) is read once per run: spooled, then replayed
//!   ([`spool`](super::spool));
//! - dropping the [`Scanner`] stops its thread, even in the middle of an
//!   endless line.

use std::fs::File;
use std::io::Read;
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use super::open::open_raw;
use super::source::{Format, Source};
use super::spool::SpoolMode;

/// What an item holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ItemKind {
    /// A JSONL line (without its `\n`).
    Line,
    /// The whole content of a text file.
    File,
    /// A record over the size limit: its bytes were skipped, not loaded;
    /// [`Item::len`] is its length.
    TooLarge,
    /// A JSONL line that passed the size limit before its end was read:
    /// reported at once, while the reader skips to the next newline;
    /// [`Item::len`] is the number of its bytes read so far.
    TooLong,
    /// The source could not be read from this point on.
    Failed(String),
    /// A compressed stream could not be decoded from this point on: the data
    /// decoded before may be damaged too (gzip checks it only at the end of a
    /// member), so the stream cannot be trusted.
    Corrupt(String),
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
    /// Sent before it was full because the next block may be long in coming
    /// (its last item is a [`ItemKind::TooLong`] line that the reader is
    /// still skipping): a consumer that keeps a block back until the next
    /// one arrives should handle this one at once.
    pub urgent: bool,
}

impl Block {
    /// The bytes of `item`.
    pub fn bytes(&self, item: &Item) -> &[u8] {
        &self.data[item.data.clone()]
    }
}

/// Options of a scan.
#[derive(Clone, Debug)]
pub struct ScanOptions {
    /// Records larger than this are not loaded.
    pub max_doc_bytes: u64,
    /// Target size of a block's data.
    pub block_bytes: usize,
    /// What to do with the sources that can be read only once.
    pub spool: SpoolMode,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            max_doc_bytes: 16 << 20,
            block_bytes: 4 << 20,
            spool: SpoolMode::Plain,
        }
    }
}

/// An iterator over the blocks of a scan, read by a background thread.
pub struct Scanner {
    rx: Option<Receiver<Block>>,
    handle: Option<JoinHandle<()>>,
    /// Data buffers of consumed blocks, back to the reader for reuse.
    spare: std::sync::mpsc::Sender<Vec<u8>>,
    /// Tells the reader to stop.
    stop: Arc<AtomicBool>,
}

impl Scanner {
    /// Starts reading `sources` in the background.
    pub fn start(sources: Arc<[Source]>, options: ScanOptions) -> Scanner {
        // Two blocks in flight: one being processed, one being read.
        let (tx, rx) = sync_channel(2);
        let (spare, spares) = std::sync::mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let handle = std::thread::Builder::new()
            .name("neardup-reader".into())
            .spawn(move || {
                let mut w = BlockWriter::new(tx, spares, stopped, &options);
                for (i, source) in sources.iter().enumerate() {
                    if w.stopped() || w.read_source(i as u32, source, &options).is_err() {
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
            stop,
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
        // The reader checks the flag between reads, which covers a reader
        // that sends nothing for a long time (skipping an endless line);
        // dropping the receiver makes its next send fail.
        self.stop.store(true, Ordering::Relaxed);
        self.rx.take();
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// Marker error: the receiving side is gone.
pub(super) struct Hangup;

/// Builds blocks and sends them when full.
pub(super) struct BlockWriter {
    tx: SyncSender<Block>,
    spares: Receiver<Vec<u8>>,
    pub(super) block: Block,
    block_bytes: usize,
    /// On-disk bytes read since the last block was sent.
    pub(super) raw: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
}

impl BlockWriter {
    fn new(
        tx: SyncSender<Block>,
        spares: Receiver<Vec<u8>>,
        stop: Arc<AtomicBool>,
        options: &ScanOptions,
    ) -> BlockWriter {
        BlockWriter {
            tx,
            spares,
            block: Block::default(),
            block_bytes: options.block_bytes.max(1),
            raw: Arc::new(AtomicU64::new(0)),
            stop,
        }
    }

    /// Whether the consumer asked the reader to stop.
    pub(super) fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    pub(super) fn flush(&mut self) -> Result<(), Hangup> {
        if self.block.items.is_empty() {
            return Ok(());
        }
        let mut block = std::mem::take(&mut self.block);
        block.raw_bytes = self.raw.swap(0, Ordering::Relaxed);
        if let Ok(mut data) = self.spares.try_recv() {
            data.clear();
            self.block.data = data;
        }
        self.block.data.reserve(self.block_bytes + (64 << 10));
        self.tx.send(block).map_err(|_| Hangup)
    }

    /// Sends the current block now, marked [`Block::urgent`].
    pub(super) fn flush_urgent(&mut self) -> Result<(), Hangup> {
        self.block.urgent = true;
        self.flush()
    }

    pub(super) fn push(&mut self, item: Item) -> Result<(), Hangup> {
        self.block.items.push(item);
        if self.block.data.len() >= self.block_bytes || self.block.items.len() >= 1 << 16 {
            self.flush()?;
        }
        Ok(())
    }

    pub(super) fn failed(
        &mut self,
        source: u32,
        line: Option<u64>,
        kind: ItemKind,
    ) -> Result<(), Hangup> {
        self.push(Item {
            source,
            line,
            offset: 0,
            len: 0,
            data: 0..0,
            kind,
        })
    }

    fn read_source(&mut self, i: u32, source: &Source, opts: &ScanOptions) -> Result<(), Hangup> {
        if let Some(err) = &source.error {
            return self.failed(i, None, ItemKind::Failed(err.clone()));
        }
        match source.format {
            Format::Text => self.read_text(i, source, opts),
            Format::Jsonl => self.read_jsonl(i, source, opts),
        }
    }

    fn too_large(&mut self, i: u32, len: u64) -> Result<(), Hangup> {
        self.push(Item {
            source: i,
            line: None,
            offset: 0,
            len,
            data: 0..0,
            kind: ItemKind::TooLarge,
        })
    }

    fn read_text(&mut self, i: u32, source: &Source, opts: &ScanOptions) -> Result<(), Hangup> {
        let Some(path) = &source.path else {
            let reason = "standard input cannot be a text file".into();
            return self.failed(i, None, ItemKind::Failed(reason));
        };
        let cannot = |e: std::io::Error| ItemKind::Failed(format!("cannot read: {e}"));
        let reader: Box<dyn Read> = if source.once {
            // A pipe or a device: its size is known only once it is read.
            match open_raw(i, source, &opts.spool) {
                Ok(r) => r,
                Err(e) => return self.failed(i, None, cannot(e)),
            }
        } else {
            let file = match File::open(path) {
                Ok(f) => f,
                Err(e) => return self.failed(i, None, cannot(e)),
            };
            let size = file.metadata().map(|m| m.len()).unwrap_or(0);
            if size > opts.max_doc_bytes {
                self.raw.fetch_add(size, Ordering::Relaxed);
                return self.too_large(i, size);
            }
            Box::new(file)
        };
        let start = self.block.data.len();
        // `take` guards against a file that grows while we read it.
        let mut reader = reader.take(opts.max_doc_bytes + 1);
        match reader.read_to_end(&mut self.block.data) {
            Ok(n) => {
                self.raw.fetch_add(n as u64, Ordering::Relaxed);
                if n as u64 > opts.max_doc_bytes {
                    self.block.data.truncate(start);
                    return self.too_large(i, n as u64);
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
                self.failed(i, None, cannot(e))
            }
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use std::io::Write;
    use std::path::PathBuf;

    use super::*;
    use crate::input::source::{OutletFrom, resolve};

    /// Every item of a scan of `paths`: line, kind, bytes.
    pub(in crate::input) fn scan_all(
        paths: &[PathBuf],
        opts: ScanOptions,
    ) -> Vec<(Option<u64>, ItemKind, String)> {
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

    /// Makes a named pipe at `path` and writes `content` to it once, from
    /// another process.
    #[cfg(unix)]
    fn fifo_writing(path: &std::path::Path, content: &[u8]) -> std::process::Child {
        let ok = std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .unwrap();
        assert!(ok.success());
        let mut child = std::process::Command::new("sh")
            .args(["-c", "cat > \"$1\"", "sh"])
            .arg(path)
            .stdin(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(content).unwrap();
        child
    }

    #[cfg(unix)]
    #[test]
    fn a_pipe_is_read_once_then_replayed_from_its_spool() {
        let dir = tempfile::tempdir().unwrap();
        let (j, t) = (dir.path().join("p.jsonl"), dir.path().join("q.txt"));
        let mut writers = [
            fifo_writing(&j, b"{\"x\":1}\n{\"x\":2}\n"),
            fifo_writing(&t, b"a text"),
        ];
        let inputs = resolve(&[j, t], OutletFrom::None).unwrap();
        assert!(inputs.sources.iter().all(|s| s.once));
        let spools: Arc<[(u32, PathBuf)]> = (0..2)
            .map(|i| (i, dir.path().join(format!("spool{i}"))))
            .collect();
        let sources: Arc<[Source]> = inputs.sources.into();
        let scan = |spool: SpoolMode| {
            let opts = ScanOptions {
                spool,
                ..ScanOptions::default()
            };
            let mut out = vec![];
            for block in Scanner::start(Arc::clone(&sources), opts) {
                for item in &block.items {
                    out.push((item.line, item.offset, block.bytes(item).to_vec()));
                }
            }
            out
        };
        let first = scan(SpoolMode::Spool(Arc::clone(&spools)));
        for w in &mut writers {
            assert!(w.wait().unwrap().success());
        }
        assert_eq!(first.len(), 3);
        // The pipes are empty now: the replay reads the spools.
        assert_eq!(scan(SpoolMode::Replay(spools)), first);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn dropping_the_scanner_stops_an_endless_line() {
        let dir = tempfile::tempdir().unwrap();
        let z = dir.path().join("z.jsonl");
        std::os::unix::fs::symlink("/dev/zero", &z).unwrap();
        let opts = ScanOptions {
            max_doc_bytes: 1000,
            ..ScanOptions::default()
        };
        let inputs = resolve(&[z], OutletFrom::None).unwrap();
        let mut scanner = Scanner::start(inputs.sources.into(), opts);
        let block = scanner.next().unwrap();
        assert!(block.urgent);
        assert_eq!(block.items[0].kind, ItemKind::TooLong);
        assert_eq!(block.items[0].line, Some(1));
        drop(scanner); // returns: the reader stops skipping zeros
    }
}
