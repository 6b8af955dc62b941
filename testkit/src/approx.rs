//! Approximate Jaccard of a copy to its original, kept up to date edit by
//! edit.
//!
//! The copy's plain text (boilerplate lines and the tokens' plain forms, see
//! [`plain_piece`]) is hashed into counted character windows once; an edit of
//! a few tokens then removes and re-adds only the windows that overlap them,
//! so steering a copy toward its target costs a few window hashes per edit
//! instead of a pass over the whole text.

use super::Script;
use super::boiler::Boiler;
use super::sets::{plain_shingles, plain_windows};
use super::text::{Tok, plain_line, plain_piece, plain_piece_chars};
use super::vocab::vocab;

/// Counted windows of a copy's plain text, and their overlap with the
/// original's.
pub(crate) struct Tracker {
    script: Script,
    k: usize,
    /// The original's windows, each with count 0 and marked shared: the
    /// starting point of every recount (one copy of memory).
    template: Windows,
    /// Number of the original's windows.
    na: usize,
    prefix: String,
    suffix: String,
    /// Per window: how many times the copy has it, and whether the
    /// original has it.
    table: Windows,
    /// Distinct windows of the copy, and those also in the original.
    nb: usize,
    inter: usize,
    seg: String,
}

/// The plain text of a body with its boilerplate (the original's reference
/// set is built from this).
pub(crate) fn plain_text(
    script: Script,
    toks: &[Tok],
    h: Option<&Boiler>,
    f: Option<&Boiler>,
    out: &mut String,
) {
    out.clear();
    let (prefix, suffix) = edges(h, f);
    out.push_str(&prefix);
    let v = vocab(script);
    for i in 0..toks.len() {
        plain_piece(script, v, toks, i, out);
    }
    out.push_str(&suffix);
}

/// Plain header followed by a space, a space and the plain footer.
fn edges(h: Option<&Boiler>, f: Option<&Boiler>) -> (String, String) {
    let mut prefix = String::new();
    if let Some(h) = h {
        plain_line(&h.text, &mut prefix);
        prefix.truncate(prefix.trim_end().len());
        prefix.push(' ');
    }
    let mut suffix = String::new();
    if let Some(f) = f {
        suffix.push(' ');
        plain_line(&f.text, &mut suffix);
        suffix.truncate(suffix.trim_end().len());
    }
    (prefix, suffix)
}

impl Tracker {
    /// A tracker for copies of an original with this plain text.
    pub(crate) fn new(script: Script, k: usize, original: &str) -> Tracker {
        let mut template = Windows::default();
        plain_shingles(original, k, &mut |w| {
            let at = template.entry(w);
            template.slots[at] |= SHARED;
        });
        // Room for the copies' own windows too.
        template.reserve(2 * template.len + 64);
        let na = template.len;
        Tracker {
            script,
            k,
            template,
            na,
            prefix: String::new(),
            suffix: String::new(),
            table: Windows::default(),
            nb: 0,
            inter: 0,
            seg: String::new(),
        }
    }

    /// Recounts everything for a copy; returns its approximate Jaccard.
    pub(crate) fn rebuild(&mut self, toks: &[Tok], h: Option<&Boiler>, f: Option<&Boiler>) -> f64 {
        (self.prefix, self.suffix) = edges(h, f);
        self.table.clone_from(&self.template);
        (self.nb, self.inter) = (0, 0);
        let mut text = std::mem::take(&mut self.seg);
        plain_text(self.script, toks, h, f, &mut text);
        plain_shingles(&text, self.k, &mut |w| self.add(w));
        self.seg = text;
        self.jaccard()
    }

    /// Number of the original's windows.
    pub(crate) fn originals(&self) -> usize {
        self.na
    }

    /// The approximate Jaccard now.
    pub(crate) fn jaccard(&self) -> f64 {
        let na = self.na;
        if na == 0 && self.nb == 0 {
            return 1.0;
        }
        self.inter as f64 / (na + self.nb - self.inter) as f64
    }

    #[inline]
    fn add(&mut self, w: u64) {
        let at = self.table.entry(w);
        let s = &mut self.table.slots[at];
        *s += 1;
        if *s & COUNT == 1 {
            self.nb += 1;
            self.inter += usize::from(*s & SHARED != 0);
        }
    }

    #[inline]
    fn remove(&mut self, w: u64) {
        let at = self.table.locate(w);
        let s = &mut self.table.slots[at];
        debug_assert!(*s & COUNT > 0, "window counted");
        *s -= 1;
        if *s & COUNT == 0 {
            self.nb -= 1;
            self.inter -= usize::from(*s & SHARED != 0);
        }
    }

    /// Calls `f` with every window overlapping tokens `lo..hi` (plain text
    /// of those tokens with `k - 1` characters of context on each side).
    fn windows_of(
        &mut self,
        toks: &[Tok],
        lo: usize,
        hi: usize,
        mut f: impl FnMut(&mut Self, u64),
    ) {
        let script = self.script;
        let v = vocab(script);
        let k = self.k;
        let mut seg = std::mem::take(&mut self.seg);
        seg.clear();
        // Context before: enough tokens for k - 1 characters.
        let (mut from, mut chars) = (lo, 0);
        while from > 0 && chars < k - 1 {
            from -= 1;
            chars += plain_piece_chars(script, v, toks, from);
        }
        if from == 0 {
            seg.push_str(&self.prefix);
        }
        for i in from..lo {
            plain_piece(script, v, toks, i, &mut seg);
        }
        let skip = seg.chars().count().saturating_sub(k - 1);
        let start = seg.char_indices().nth(skip).map_or(seg.len(), |(b, _)| b);
        seg.drain(..start);
        for i in lo..hi {
            plain_piece(script, v, toks, i, &mut seg);
        }
        let mid = seg.len();
        let (mut to, mut chars) = (hi, 0);
        while to < toks.len() && chars < k - 1 {
            chars += plain_piece_chars(script, v, toks, to);
            to += 1;
        }
        for i in hi..to {
            plain_piece(script, v, toks, i, &mut seg);
        }
        if to == toks.len() {
            seg.push_str(&self.suffix);
        }
        let end = seg[mid..]
            .char_indices()
            .nth(k - 1)
            .map_or(seg.len(), |(b, _)| mid + b);
        seg.truncate(end);
        plain_windows(&seg, k, &mut |w| f(self, w));
        self.seg = seg;
    }

    /// Uncounts the windows overlapping tokens `lo..hi` (before an edit).
    pub(crate) fn uncount(&mut self, toks: &[Tok], lo: usize, hi: usize) {
        self.windows_of(toks, lo, hi, |t, w| t.remove(w));
    }

    /// Counts the windows overlapping tokens `lo..hi` (after an edit).
    pub(crate) fn count(&mut self, toks: &[Tok], lo: usize, hi: usize) {
        self.windows_of(toks, lo, hi, |t, w| t.add(w));
    }
}

/// Count of a window (low 16 bits of a slot).
const COUNT: u64 = 0xFFFF;
/// The original has the window.
const SHARED: u64 = 1 << 16;

/// Windows with counts, one `u64` per slot: 32 bits of the window's hash
/// (never 0), a shared flag and a 16-bit count; small enough to stay in
/// the first-level cache for a news article.
#[derive(Clone, Default)]
struct Windows {
    slots: Vec<u64>,
    len: usize,
}

impl Windows {
    #[inline]
    fn tag(w: u64) -> u64 {
        (w >> 32).max(1) << 32
    }

    /// The slot of `w`, or the empty slot where it would go.
    #[inline]
    fn locate(&self, w: u64) -> usize {
        let tag = Windows::tag(w);
        let mask = self.slots.len() - 1;
        let mut i = (tag >> 32) as usize & mask;
        loop {
            let s = self.slots[i];
            if s == 0 || s & !0xFFFF_FFFF == tag {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    /// The slot of `w`, inserted (count 0) if absent.
    #[inline]
    fn entry(&mut self, w: u64) -> usize {
        if 4 * (self.len + 1) > 3 * self.slots.len() {
            self.reserve(2 * self.len + 64);
        }
        let i = self.locate(w);
        if self.slots[i] == 0 {
            self.slots[i] = Windows::tag(w);
            self.len += 1;
        }
        i
    }

    /// Makes room for `n` windows at three-quarter load.
    fn reserve(&mut self, n: usize) {
        let cap = (n + n / 3 + 1).next_power_of_two().max(1024);
        if cap <= self.slots.len() {
            return;
        }
        let old = std::mem::replace(&mut self.slots, vec![0; cap]);
        let mask = cap - 1;
        for s in old.into_iter().filter(|&s| s != 0) {
            let mut i = (s >> 32) as usize & mask;
            while self.slots[i] != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = s;
        }
    }
}
