//! [`Normalizer`]: one set of options with its lookup tables, applied to texts with or
//! without an offset map.
//!
//! Guarantees: both entry points give the same text (the one the module documentation
//! defines), whatever the input; with offsets, the map has one entry per output byte.

use std::fmt;
use std::sync::Arc;

use unicode_normalization::UnicodeNormalization;

use super::fast::{ascii_prefix_len, fast_chars};
use super::offsets::OffsetMap;
use super::options::{NormalizeOptions, Rule};
use super::rules::{Entry, PLAIN, is_plain, make_entry};
use super::sink::{NO_OFFSETS, OFFSETS, SATURATING, Sink};
use super::tables::{NO_PAGE, Tables};

/// A normalizer for one set of options; cheap to clone (the lookup tables are shared),
/// shareable across threads.
#[derive(Clone)]
pub struct Normalizer {
    options: NormalizeOptions,
    tables: Arc<Tables>,
}

impl fmt::Debug for Normalizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Normalizer")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl Normalizer {
    /// A normalizer applying `options` (builds its lookup tables, well under a millisecond).
    pub fn new(options: NormalizeOptions) -> Self {
        Self {
            options,
            tables: Arc::new(Tables::new(options)),
        }
    }

    /// The options this normalizer applies.
    pub fn options(&self) -> NormalizeOptions {
        self.options
    }

    /// Clears `out` and writes the normalized form of `text` into it. Does not allocate
    /// when `out` has capacity for `text.len() + 64` bytes and the output is not longer
    /// (except inside NFKC for a segment that expands to more than four chars).
    pub fn normalize_into(&self, text: &str, out: &mut String) {
        self.run::<NO_OFFSETS>(text, out, &mut Vec::new());
    }

    /// Same output as [`normalize_into`](Self::normalize_into), plus the offset map
    /// (cleared first).
    pub fn normalize_with_offsets(&self, text: &str, out: &mut String, map: &mut OffsetMap) {
        match u32::try_from(text.len()) {
            Ok(_) => self.run::<OFFSETS>(text, out, &mut map.spans),
            Err(_) => self.run::<SATURATING>(text, out, &mut map.spans),
        }
    }

    /// Convenience: returns the normalized text as a new `String`.
    pub fn normalize(&self, text: &str) -> String {
        let mut out = String::new();
        self.normalize_into(text, &mut out);
        out
    }

    #[inline(always)]
    fn info(&self, c: char) -> Entry {
        let u = c as u32;
        let p = self
            .tables
            .page_of
            .get(u as usize >> 8)
            .map_or(NO_PAGE, |p| *p);
        if p != NO_PAGE {
            self.tables.entries[(p as usize) << 8 | (u & 0xFF) as usize]
        } else if is_plain(u) {
            Entry { out: c, ..PLAIN }
        } else {
            make_entry(c, self.options)
        }
    }

    /// The normalizer proper. Chars are emitted as soon as they are read; a segment that
    /// turns out to need NFKC (a non-starter failing the quick check, or marks out of
    /// canonical order) is rolled back to its starter and normalized as a whole.
    pub(super) fn run<const OFF: u8>(
        &self,
        text: &str,
        out: &mut String,
        spans: &mut Vec<[u32; 2]>,
    ) {
        // The scratch room beyond the output may hold anything: reuse the old contents
        // rather than zeroing them.
        let mut buf = std::mem::take(out).into_bytes();
        buf.resize(text.len() + 64, 0);
        if OFF != NO_OFFSETS {
            spans.resize(text.len() + 64, [0, 0]);
        }
        let ws = self.options.is_on(Rule::Whitespace);
        let mut sink = Sink::<OFF> {
            buf,
            spans,
            w: 0,
            ws,
            last_sp: ws as usize,
        };
        let small = &*self.tables.small;
        let (b, n) = (text.as_bytes(), text.len());
        let mut i = 0;
        let mut seg = (0, sink.mark()); // start of the current segment, for rollback
        let mut last_ccc = 0; // ccc of the last char of the current segment
        while i < n {
            if b[i] < 0x80 && i + 1 < n && b[i + 1] < 0x80 {
                // ASCII run: all but its last byte, which may start a segment with marks.
                let j = i + ascii_prefix_len(&b[i..]);
                let end = if j == n { n } else { j - 1 };
                sink.ascii(&b[i..end], i, small);
                i = end;
                continue;
            }
            if b[i] < 0xE0 {
                let i0 = i;
                i = fast_chars(small, b, i, &mut sink, &mut seg, &mut last_ccc);
                if i != i0 {
                    continue;
                }
            }
            let (c, len) = char_at(text, i);
            let e = self.info(c);
            if !e.join && e.qc {
                (seg, last_ccc) = ((i, sink.mark()), 0);
            } else if e.join && e.qc && last_ccc <= e.ccc {
                last_ccc = e.ccc;
            } else {
                // Normalize the whole segment: from this starter, or back from its starter.
                let start = if e.join { seg.0 } else { i };
                sink.rollback(if e.join { seg.1 } else { sink.mark() });
                i += len;
                while i < n && self.info(char_at(text, i).0).join {
                    i += char_at(text, i).1;
                }
                for c in text[start..i].chars().nfkc() {
                    sink.act(self.info(c), start, i);
                }
                continue;
            }
            sink.act(e, i, i + len);
            i += len;
        }
        sink.finish(out);
    }
}

/// The char at byte `i` of `text` and its length.
#[inline]
fn char_at(text: &str, i: usize) -> (char, usize) {
    let c = text[i..].chars().next().unwrap_or('\0');
    (c, c.len_utf8())
}
