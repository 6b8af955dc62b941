//! Shingle sets for measuring copies against their original: exact ones
//! (the sets [`neardup::shingle::shingle_set`] builds, same hashes, same
//! Jaccard arithmetic) and a cheap rolling hash for approximate steering.

use neardup::shingle::{MAX_SHINGLE, for_each_shingle};

use super::SHINGLE_SEED;

/// An open-addressing hash table from `u64` keys to small values (linear
/// probing, grows at three-quarter load, clears only the slots it filled).
#[derive(Clone, Default)]
pub(crate) struct Table<V> {
    slots: Vec<(u64, V)>,
    /// Key 0 lives here (0 marks empty slots).
    zero: Option<V>,
    filled: Vec<u32>,
}

/// Where a key is: a slot index, or `ZERO` for key 0.
const ZERO: usize = usize::MAX;

impl<V: Copy + Default> Table<V> {
    /// Makes room for about `n` keys without growing.
    pub(crate) fn reserve(&mut self, n: usize) {
        let cap = (n + n / 3 + 2).next_power_of_two().max(1024);
        if cap > self.slots.len() {
            self.rehash(cap);
        }
    }

    /// Number of keys.
    pub(crate) fn len(&self) -> usize {
        self.filled.len() + usize::from(self.zero.is_some())
    }

    /// Removes every key, keeping the capacity.
    pub(crate) fn clear(&mut self) {
        for &i in &self.filled {
            self.slots[i as usize] = (0, V::default());
        }
        self.filled.clear();
        self.zero = None;
    }

    #[inline]
    fn probe(&self, h: u64) -> (usize, bool) {
        let mask = self.slots.len() - 1;
        let mut i = (h ^ (h >> 29)) as usize & mask;
        loop {
            match self.slots[i].0 {
                0 => return (i, false),
                s if s == h => return (i, true),
                _ => i = (i + 1) & mask,
            }
        }
    }

    /// The position of `h`, if present.
    #[inline]
    pub(crate) fn find(&self, h: u64) -> Option<usize> {
        if h == 0 {
            return self.zero.map(|_| ZERO);
        }
        if self.slots.is_empty() {
            return None;
        }
        match self.probe(h) {
            (i, true) => Some(i),
            _ => None,
        }
    }

    /// The position of `h`, inserted with the default value if absent, and
    /// whether it was inserted.
    #[inline]
    pub(crate) fn entry(&mut self, h: u64) -> (usize, bool) {
        if h == 0 {
            let new = self.zero.is_none();
            self.zero.get_or_insert_with(V::default);
            return (ZERO, new);
        }
        if 4 * (self.filled.len() + 1) > 3 * self.slots.len() {
            self.grow();
        }
        match self.probe(h) {
            (i, true) => (i, false),
            (i, false) => {
                self.slots[i].0 = h;
                self.filled.push(i as u32);
                (i, true)
            }
        }
    }

    /// The value at a position from [`Table::find`] or [`Table::entry`].
    #[inline]
    pub(crate) fn value(&mut self, at: usize) -> &mut V {
        if at == ZERO {
            self.zero.as_mut().expect("key 0 present")
        } else {
            &mut self.slots[at].1
        }
    }

    fn grow(&mut self) {
        self.rehash((self.slots.len() * 2).max(1024));
    }

    fn rehash(&mut self, cap: usize) {
        let old = std::mem::replace(&mut self.slots, vec![(0, V::default()); cap]);
        self.filled.clear();
        for (h, v) in old.into_iter().filter(|&(h, _)| h != 0) {
            let (i, _) = self.probe(h);
            self.slots[i] = (h, v);
            self.filled.push(i as u32);
        }
    }
}

/// The shingle set of an original, compared with one copy after another:
/// each shared shingle is counted with one probe (a mark per slot, the
/// number of the comparison that last saw it); only the copy's own
/// shingles go to a second table.
#[derive(Default)]
pub(crate) struct RefSet {
    table: Table<u32>,
    epoch: u32,
    extra: Table<()>,
    inter: usize,
    nb: usize,
}

impl RefSet {
    /// A reference set from a hash stream of about `n` hashes.
    pub(crate) fn build(n: usize, each: impl FnOnce(&mut dyn FnMut(u64))) -> RefSet {
        let mut r = RefSet::default();
        r.table.reserve(n);
        r.extra.reserve(n / 2);
        each(&mut |h| {
            r.table.entry(h);
        });
        r
    }

    /// Number of shingles of the original.
    pub(crate) fn len(&self) -> usize {
        self.table.len()
    }

    /// Starts a comparison.
    fn begin(&mut self) {
        if self.epoch == u32::MAX {
            for &i in &self.table.filled {
                self.table.slots[i as usize].1 = 0;
            }
            if let Some(m) = self.table.zero.as_mut() {
                *m = 0;
            }
            self.epoch = 0;
        }
        self.epoch += 1;
        self.extra.clear();
        self.inter = 0;
        self.nb = 0;
    }

    /// Adds a shingle of the copy.
    #[inline]
    fn see(&mut self, h: u64) {
        match self.table.find(h) {
            Some(at) => {
                let epoch = self.epoch;
                let mark = self.table.value(at);
                if *mark != epoch {
                    *mark = epoch;
                    self.inter += 1;
                    self.nb += 1;
                }
            }
            None => self.nb += usize::from(self.extra.entry(h).1),
        }
    }

    /// Exact Jaccard of a normalized text to the original, computed as
    /// [`neardup::shingle::jaccard`] computes it on the two shingle sets.
    pub(crate) fn exact(&mut self, norm: &str, k: usize) -> f64 {
        self.begin();
        for_each_shingle(norm, k, SHINGLE_SEED, |h| self.see(h));
        let na = self.len();
        if na == 0 && self.nb == 0 {
            return 1.0;
        }
        self.inter as f64 / (na + self.nb - self.inter) as f64
    }
}

/// Calls `f` with a cheap rolling hash (never 0) of every `k`-character
/// window of `text`; a text shorter than `k` is one window.
pub(crate) fn plain_shingles<F: FnMut(u64)>(text: &str, k: usize, f: &mut F) {
    if plain_windows(text, k, f) < k {
        f(fin(text.chars().fold(0, |h, c| {
            h.wrapping_mul(31).wrapping_add(u64::from(c as u32))
        })));
    }
}

/// Calls `f` with the rolling hash (never 0) of every `k`-character window
/// of `text`; returns the length of `text` in characters.
#[inline]
pub(crate) fn plain_windows<F: FnMut(u64)>(text: &str, k: usize, f: &mut F) -> usize {
    const P: u64 = 0x0000_0100_0000_01B3;
    let pk = (0..k).fold(1u64, |acc, _| acc.wrapping_mul(P));
    let mut ring = [0u64; MAX_SHINGLE];
    let (mut n, mut h, mut r) = (0usize, 0u64, 0usize);
    for c in text.chars() {
        let c = u64::from(c as u32) + 1;
        h = h.wrapping_mul(P).wrapping_add(c);
        if n >= k {
            h = h.wrapping_sub(ring[r].wrapping_mul(pk));
        }
        ring[r] = c;
        r = if r + 1 == k { 0 } else { r + 1 };
        n += 1;
        if n >= k {
            f(fin(h));
        }
    }
    n
}

#[inline]
fn fin(h: u64) -> u64 {
    let h = (h ^ (h >> 32)).wrapping_mul(0xD6E8_FEB8_6659_FD93);
    (h ^ (h >> 32)).max(1)
}
