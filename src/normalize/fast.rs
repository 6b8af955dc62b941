//! The fast paths of the normalizer: runs of one- and two-byte characters applied through
//! the fast-path words of `super::tables`, and the length of an all-ASCII prefix.
//!
//! Guarantees: they emit exactly what the general path would for the characters they
//! take, and stop (returning where) at the first character they cannot decide alone.

use super::sink::{Sink, off};
use super::tables::{F_MARK, F_RUN, LEN_SHIFT};

/// Fast paths of `Normalizer::run`: runs of two-byte chars whose word keeps or removes
/// them (most letters and marks of Latin, Greek, Cyrillic, Hebrew, Arabic…), and single
/// ASCII chars between them. Returns where it stopped, with `seg` (the current segment's
/// start and the output state before it) and `last_ccc` updated. A separate function so
/// that the cursor state stays in registers.
#[inline(never)]
pub(super) fn fast_chars<const OFF: u8>(
    small: &[u32; 0x800],
    b: &[u8],
    mut i: usize,
    sink: &mut Sink<'_, OFF>,
    seg: &mut (usize, (usize, usize)),
    last_ccc: &mut u8,
) -> usize {
    let n = b.len();
    let (mut w, mut last_sp) = sink.mark();
    // Segment start and the output state before it, packed as w * 2 + last_sp.
    let (mut sg_i, mut sg_ws, mut lc) = (seg.0, seg.1.0 * 2 + seg.1.1, *last_ccc as u32);
    let buf = &mut sink.buf[..];
    let spans = &mut sink.spans[..];
    loop {
        while i + 1 < n && w + 2 <= buf.len() {
            let (b0, b1) = (b[i] as usize, b[i + 1] as usize);
            let t = small[(b0 & 0x1F) << 6 | (b1 & 0x3F)];
            if b0 & 0xE0 != 0xC0 {
                break;
            } else if t & F_RUN != 0 {
                (sg_i, sg_ws, lc) = (i, w * 2 + last_sp, 0);
            } else if t & F_MARK != 0 && t >> 20 & 0xFF >= lc {
                lc = t >> 20 & 0xFF;
            } else {
                break;
            }
            buf[w..w + 2].copy_from_slice(&(t as u16).to_le_bytes());
            if Sink::<OFF>::REC {
                spans[w..w + 2].fill([off::<OFF>(i), off::<OFF>(i + 2)]);
            }
            w += (t >> LEN_SHIFT) as usize;
            last_sp &= (t >> 29) as usize; // F_KEEP_SP (last_sp is 0 or 1)
            i += 2;
        }
        if i + 1 < n && b[i] < 0x80 && b[i + 1] >= 0x80 && w < buf.len() {
            let t = small[b[i] as usize];
            (sg_i, sg_ws, lc) = (i, w * 2 + last_sp, 0);
            buf[w] = t as u8;
            if Sink::<OFF>::REC {
                spans[w] = [off::<OFF>(i), off::<OFF>(i + 1)];
            }
            let sp = (t >> 16) as usize & 1;
            w += 1 - (sp & last_sp);
            last_sp = sp;
            i += 1;
            continue;
        }
        break;
    }
    sink.rollback((w, last_sp));
    (*seg, *last_ccc) = ((sg_i, (sg_ws / 2, sg_ws & 1)), lc as u8);
    i
}

/// Length of the all-ASCII prefix of `b`, eight bytes at a time.
#[inline(always)]
pub(super) fn ascii_prefix_len(b: &[u8]) -> usize {
    for (k, chunk) in b.chunks_exact(8).enumerate() {
        let m = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8])) & 0x8080_8080_8080_8080;
        if m != 0 {
            return k * 8 + (m.trailing_zeros() / 8) as usize;
        }
    }
    let tail = b.len() & !7;
    tail + b[tail..].iter().take_while(|x| x.is_ascii()).count()
}
