//! The normalizer's output cursor: emits characters, collapses spaces, records the offset
//! of every output byte (in one of three modes chosen at compile time) and rolls a segment
//! back when it turns out to need NFKC.
//!
//! Guarantees: the output so far is always whole UTF-8 sequences, so
//! [`finish`](Sink::finish) can hand it out as a `String` without checking.

use super::rules::{Act, Entry};

// Offset recording modes of the sink.
pub(super) const NO_OFFSETS: u8 = 0;
pub(super) const OFFSETS: u8 = 1; // the text is shorter than 4 GiB
pub(super) const SATURATING: u8 = 2; // larger offsets saturate to u32::MAX

/// Converts a byte offset to the stored `u32`.
#[inline(always)]
pub(super) fn off<const OFF: u8>(x: usize) -> u32 {
    match OFF {
        SATURATING => u32::try_from(x).unwrap_or(u32::MAX),
        _ => x as u32,
    }
}

/// Output cursor; `OFF` says whether and how offsets are recorded. `buf[..w]` is the output
/// so far and always consists of whole UTF-8 sequences; `buf[w..]` is scratch room, so
/// writes can be unconditional and a segment can be rolled back by moving `w`.
pub(super) struct Sink<'a, const OFF: u8> {
    pub(super) buf: Vec<u8>,
    pub(super) spans: &'a mut Vec<[u32; 2]>,
    pub(super) w: usize,
    pub(super) ws: bool,
    /// 1 when the whitespace rule is on and the output is empty or ends with a space.
    pub(super) last_sp: usize,
}

impl<const OFF: u8> Sink<'_, OFF> {
    pub(super) const REC: bool = OFF != NO_OFFSETS;

    #[inline(always)]
    fn room(&mut self, k: usize) {
        if self.w + k > self.buf.len() {
            self.grow(k);
        }
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self, k: usize) {
        let n = (self.buf.len() * 2).max(self.w + k + 64);
        self.buf.resize(n, 0);
        if Self::REC {
            self.spans.resize(n, [0, 0]);
        }
    }

    /// Maps an all-ASCII run through the table, collapsing spaces without branches.
    #[inline(always)]
    pub(super) fn ascii(&mut self, run: &[u8], pos: usize, small: &[u32; 0x800]) {
        self.room(run.len());
        let base = self.w;
        let dst = &mut self.buf[base..base + run.len()];
        let spans = &mut self.spans[if Self::REC {
            base..base + run.len()
        } else {
            0..0
        }];
        let (mut w, mut prev) = (0, self.last_sp);
        for (k, &b) in run.iter().enumerate() {
            let t = small[b as usize]; // b < 0x80
            let sp = (t >> 16) as usize & 1;
            dst[w] = t as u8;
            if Self::REC {
                spans[w] = [off::<OFF>(pos + k), off::<OFF>(pos + k + 1)];
            }
            w += 1 - (sp & prev);
            prev = sp;
        }
        self.w = base + w;
        self.last_sp = prev;
    }

    #[inline(always)]
    fn push(&mut self, c: char, s: usize, e: usize) {
        self.room(4);
        let n = c.encode_utf8(&mut self.buf[self.w..self.w + 4]).len();
        if Self::REC {
            self.spans[self.w..self.w + n].fill([off::<OFF>(s), off::<OFF>(e)]);
        }
        self.w += n;
        self.last_sp = 0;
    }

    /// Applies an entry's action for source bytes `s..e`.
    #[inline(always)]
    pub(super) fn act(&mut self, entry: Entry, s: usize, e: usize) {
        match entry.act {
            Act::Keep => self.push(entry.out, s, e),
            Act::Remove => {}
            Act::Space if self.last_sp == 1 => {}
            Act::Space => {
                self.push(' ', s, e);
                self.last_sp = self.ws as usize;
            }
            Act::Lower => entry.out.to_lowercase().for_each(|l| self.push(l, s, e)),
        }
    }

    pub(super) fn mark(&self) -> (usize, usize) {
        (self.w, self.last_sp)
    }

    pub(super) fn rollback(&mut self, (w, last_sp): (usize, usize)) {
        (self.w, self.last_sp) = (w, last_sp);
    }

    pub(super) fn finish(mut self, out: &mut String) {
        self.w -= self.last_sp & (self.w > 0) as usize; // trailing space
        self.buf.truncate(self.w);
        if Self::REC {
            self.spans.truncate(self.w);
        }
        debug_assert!(std::str::from_utf8(&self.buf).is_ok());
        // SAFETY: `buf[..w]` only ever holds whole UTF-8 sequences: ASCII bytes and UTF-8
        // from `char::encode_utf8` or from the tables (built with `encode_utf8`), each
        // followed by advancing `w` by exactly its length; `w` only moves back to earlier
        // char boundaries (rollback) or over a final ASCII space.
        *out = unsafe { String::from_utf8_unchecked(self.buf) };
    }
}
