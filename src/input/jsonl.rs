//! Cutting a JSONL stream into lines, for the [`Scanner`](super::Scanner).
//!
//! Guarantees:
//! - every line becomes one item in order, with its 1-based number and its
//!   byte offset in the decompressed stream; lines that are empty or only
//!   whitespace are not records and are skipped; a last line without a
//!   newline is still a record;
//! - a UTF-8 byte-order mark at the start of the stream is not part of the
//!   first line (offsets still count it);
//! - no more than `max_doc_bytes` of a line are ever held: a line found
//!   over the limit at its end becomes a [`ItemKind::TooLarge`] item; a line
//!   that passes the limit before its end was read becomes a
//!   [`ItemKind::TooLong`] item sent at once, and the reader skips to the
//!   next newline;
//! - a read error becomes an [`ItemKind::Failed`] item naming the last good
//!   line; a decompression error a [`ItemKind::Corrupt`] item at the line
//!   being decoded (the last complete line + 1). Nothing of the stream after
//!   the failure is read.

use super::open::{open_stream, read_at_least, read_some};
use super::scan::{BlockWriter, Hangup, Item, ItemKind, ScanOptions};
use super::source::{Compression, Source};

/// The UTF-8 byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

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
    /// Whether the line over the limit was already reported
    /// ([`ItemKind::TooLong`]).
    reported: bool,
}

impl BlockWriter {
    pub(super) fn read_jsonl(
        &mut self,
        i: u32,
        source: &Source,
        opts: &ScanOptions,
    ) -> Result<(), Hangup> {
        let mut reader = match open_stream(i, source, &opts.spool, &self.raw) {
            Ok(r) => r,
            Err(e) => {
                let reason = format!("cannot read: {e}");
                return self.failed(i, None, ItemKind::Failed(reason));
            }
        };
        let mut st = LineState {
            source: i,
            max: opts.max_doc_bytes,
            line: 1,
            offset: 0,
            start: self.block.data.len(),
            skipped: None,
            reported: false,
        };
        let mut buf = vec![0u8; 256 << 10];
        let mut n = match read_at_least(&mut reader, &mut buf, BOM.len()) {
            Ok(n) => n,
            Err(e) => return self.stream_failed(&mut st, source, &e),
        };
        let mut from = 0;
        if buf[..n].starts_with(BOM) {
            (from, st.offset) = (BOM.len(), BOM.len() as u64);
        }
        while n > 0 {
            self.cut_lines(&mut st, &buf[from..n])?;
            from = 0;
            if self.stopped() {
                return Err(Hangup);
            }
            n = match read_some(&mut reader, &mut buf) {
                Ok(n) => n,
                Err(e) => return self.stream_failed(&mut st, source, &e),
            };
        }
        // A last line without a newline is still a record.
        if st.skipped.is_some() || self.block.data.len() > st.start {
            self.end_line(&mut st, 0)?;
        }
        Ok(())
    }

    /// Cuts a chunk of the stream into lines; the part after its last newline
    /// starts (or continues) the next line.
    fn cut_lines(&mut self, st: &mut LineState, mut rest: &[u8]) -> Result<(), Hangup> {
        while let Some(pos) = memchr::memchr(b'\n', rest) {
            self.append(st, &rest[..pos]);
            self.end_line(st, 1)?;
            rest = &rest[pos + 1..];
        }
        if self.append(st, rest) {
            // Over the limit before its end: report it now, since its end
            // may never come.
            st.reported = true;
            self.push(Item {
                source: st.source,
                line: Some(st.line),
                offset: st.offset,
                len: st.skipped.unwrap_or(0),
                data: 0..0,
                kind: ItemKind::TooLong,
            })?;
            self.flush_urgent()?;
        }
        Ok(())
    }

    /// The failure of the stream at the line being assembled.
    fn stream_failed(
        &mut self,
        st: &mut LineState,
        source: &Source,
        e: &std::io::Error,
    ) -> Result<(), Hangup> {
        // Drop the partial line: it is not known to be complete.
        self.block.data.truncate(st.start);
        let line = st.line;
        let what = match source.compression {
            Compression::Gzip => "corrupt or truncated gzip stream",
            Compression::Zstd => "corrupt or truncated zstd stream",
            Compression::Parquet => "corrupt Parquet data",
            Compression::None => {
                let last = line - 1;
                let reason = if last == 0 {
                    format!("read error before the first line: {e}")
                } else {
                    format!("read error after line {last} (the last good line): {e}")
                };
                return self.failed(st.source, Some(line), ItemKind::Failed(reason));
            }
        };
        let reason = format!("{what} (decoding failed in this line): {e}");
        self.failed(st.source, Some(line), ItemKind::Corrupt(reason))
    }

    /// Adds bytes to the current line; true when they take it over the limit
    /// (its bytes are then dropped and counted instead).
    fn append(&mut self, st: &mut LineState, bytes: &[u8]) -> bool {
        if let Some(skipped) = &mut st.skipped {
            *skipped += bytes.len() as u64;
            return false;
        }
        self.block.data.extend_from_slice(bytes);
        let len = (self.block.data.len() - st.start) as u64;
        if len > st.max {
            st.skipped = Some(len);
            self.block.data.truncate(st.start);
            return true;
        }
        false
    }

    /// Ends the current line; `newline` is 1 if a `\n` followed it.
    fn end_line(&mut self, st: &mut LineState, newline: u64) -> Result<(), Hangup> {
        let line = st.line;
        let offset = st.offset;
        st.line += 1;
        let result = if let Some(len) = st.skipped.take() {
            st.offset += len + newline;
            if std::mem::take(&mut st.reported) {
                Ok(())
            } else {
                self.push(Item {
                    source: st.source,
                    line: Some(line),
                    offset,
                    len,
                    data: 0..0,
                    kind: ItemKind::TooLarge,
                })
            }
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
    use std::io::{Read, Write};

    use crate::input::scan::tests::scan_all;
    use crate::input::{ItemKind, ScanOptions};

    /// A gzip stream of `n` JSONL lines.
    fn gzip_lines(n: usize) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        for i in 0..n {
            writeln!(
                enc,
                "{{\"id\":{i},\"text\":\"document number {i} with some words\"}}"
            )
            .unwrap();
        }
        enc.finish().unwrap()
    }

    /// The number of the line being decoded when decoding `gz` fails.
    fn failing_line(gz: &[u8]) -> u64 {
        let mut dec = flate2::read::MultiGzDecoder::new(gz);
        let (mut buf, mut newlines) = (vec![0u8; 1 << 16], 0);
        loop {
            match dec.read(&mut buf) {
                Ok(0) => panic!("the stream decodes without error"),
                Ok(n) => newlines += memchr::memchr_iter(b'\n', &buf[..n]).count() as u64,
                Err(_) => return newlines + 1,
            }
        }
    }

    #[test]
    fn truncated_gzip_is_corrupt_at_the_line_being_decoded() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.jsonl.gz");
        let bytes = gzip_lines(2000);
        std::fs::write(&p, &bytes[..bytes.len() / 2]).unwrap();
        let items = scan_all(&[p], ScanOptions::default());
        let (line, kind, _) = items.last().unwrap().clone();
        let ItemKind::Corrupt(reason) = kind else {
            panic!("expected corruption, got {kind:?}");
        };
        let good = items.len() as u64 - 1;
        assert_eq!(line, Some(good + 1));
        assert!(
            reason.starts_with("corrupt or truncated gzip stream (decoding failed in this line)"),
            "{reason}"
        );
    }

    #[test]
    fn gzip_damaged_in_the_middle_is_corrupt_where_decoding_fails() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.jsonl.gz");
        let mut bytes = gzip_lines(3000);
        let mid = bytes.len() / 2;
        for b in &mut bytes[mid..mid + 4] {
            *b ^= 0xFF;
        }
        let expected = failing_line(&bytes);
        std::fs::write(&p, &bytes).unwrap();
        let items = scan_all(&[p], ScanOptions::default());
        let (line, kind, _) = items.last().unwrap().clone();
        assert!(matches!(kind, ItemKind::Corrupt(_)), "{kind:?}");
        assert_eq!(line, Some(expected));
        assert!(items.iter().all(|(l, _, _)| l.unwrap() <= expected));
    }

    #[test]
    fn a_byte_order_mark_starts_no_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.jsonl");
        std::fs::write(&p, b"\xEF\xBB\xBF{\"x\":1}\n\xEF\xBB\xBF{\"x\":2}\n").unwrap();
        let z = dir.path().join("b.jsonl.zst");
        std::fs::write(&z, zstd::encode_all(&b"\xEF\xBB\xBF{}"[..], 3).unwrap()).unwrap();
        let items = scan_all(&[p, z], ScanOptions::default());
        // Only at the start of a stream: the second one stays (and is bad JSON).
        assert_eq!(items[0], (Some(1), ItemKind::Line, "{\"x\":1}".into()));
        assert_eq!(
            items[1],
            (Some(2), ItemKind::Line, "\u{FEFF}{\"x\":2}".into())
        );
        assert_eq!(items[2], (Some(1), ItemKind::Line, "{}".into()));
    }

    #[test]
    fn a_line_is_reported_as_soon_as_it_passes_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.jsonl");
        // A line longer than one read (256 KiB), then a good one.
        let long = "x".repeat(600 << 10);
        std::fs::write(&p, format!("{{}}\n{long}\n{{\"y\":1}}")).unwrap();
        let opts = ScanOptions {
            max_doc_bytes: 1000,
            ..ScanOptions::default()
        };
        let items = scan_all(&[p], opts);
        assert_eq!(items.len(), 3);
        assert_eq!(items[1].0, Some(2));
        assert_eq!(items[1].1, ItemKind::TooLong);
        assert_eq!(items[2], (Some(3), ItemKind::Line, "{\"y\":1}".into()));
    }
}
