//! Which keys occur more than once, in a fixed number of bits.
//!
//! Most word n-gram fingerprints and sentence keys of a corpus occur once
//! (three in four on the generated corpora): they pair no documents and are
//! never stock, so sorting them is wasted. A first pass adds every key to a
//! bit set `seen` and, when its bit was already set, to a bit set `again`;
//! the second pass sorts only the keys whose bit is set in `again`. A key
//! that occurs twice is always kept (exact: the bits are set with atomic
//! `fetch_or`, so of two threads adding the same key one sees the other's
//! bit, in any order); a key that occurs once is kept only when another key
//! shares its bit, so what is sorted and what it gives do not change, only
//! how many single keys go along.

use std::sync::atomic::{AtomicU64, Ordering};

use super::Space;
use super::doc::{Doc, Knowledge, Level};
use super::tokens::TokenStore;
use crate::error::Result;
use crate::progress::Progress;
use crate::spill::{Record, Sorted};

/// Two bit sets of `2^bits` bits each, indexed by a key's top bits.
#[derive(Debug)]
pub struct Repeats {
    seen: Vec<AtomicU64>,
    again: Vec<AtomicU64>,
    shift: u32,
}

impl Repeats {
    /// Bit sets for about `keys` keys: 16 bits a key (one key in 16 that
    /// occurs once is kept), but together at most `bytes` (at least 16 KiB,
    /// at most 2^33 bits each).
    pub fn new(keys: u64, bytes: u64) -> Repeats {
        let per_set_bits = keys
            .saturating_mul(16)
            .min(bytes.saturating_mul(4))
            .clamp(1 << 16, 1 << 33);
        let bits = 63 - per_set_bits.leading_zeros();
        let words = (1usize << bits) / 64;
        let zeros = || (0..words).map(|_| AtomicU64::new(0)).collect::<Vec<_>>();
        Repeats {
            seen: zeros(),
            again: zeros(),
            shift: 64 - bits,
        }
    }

    fn bit(&self, key: u64) -> (usize, u64) {
        let i = (key >> self.shift) as usize;
        (i / 64, 1 << (i % 64))
    }

    /// Adds `key` (a hash: its top bits must be uniform). Safe from many
    /// threads at once.
    pub fn add(&self, key: u64) {
        let (w, m) = self.bit(key);
        if self.seen[w].fetch_or(m, Ordering::Relaxed) & m != 0 {
            self.again[w].fetch_or(m, Ordering::Relaxed);
        }
    }

    /// Ends adding: frees the `seen` set.
    pub fn seal(&mut self) {
        self.seen = Vec::new();
    }

    /// Whether `key` may have been added more than once (always, if it was).
    pub fn repeated(&self, key: u64) -> bool {
        let (w, m) = self.bit(key);
        self.again[w].load(Ordering::Relaxed) & m != 0
    }

    /// Heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        (self.seen.capacity() + self.again.capacity()) * 8
    }
}

/// The keys of one kind a pass over the documents collects: about how many
/// (`expected`, to size the bit sets), the entries of a document, and the key
/// of an entry.
pub struct Kind<E, K> {
    /// About how many keys the corpus has.
    pub expected: u64,
    /// The entries of a document.
    pub entries: E,
    /// The key of an entry.
    pub key: K,
}

/// Two passes over the documents of `words`, derived up to `level`, that
/// sort the entries of each of two kinds whose key occurs more than once
/// (and a few single ones, see the module docs): the first marks keys seen
/// twice, the second sorts those within `space`'s sorts. Both kinds share
/// each pass's reading and derivation of the documents. Returns, per kind,
/// the number of entries made (all, repeated or not) and the sorted ones.
/// `progress` advances by one a document in each pass. Memory: two bit sets
/// of at most `2 × space.sort` bytes in all a kind, then one sort a kind.
#[allow(clippy::type_complexity)]
pub fn sort_repeated_two<T, U, ET, KT, EU, KU>(
    know: &Knowledge,
    words: &TokenStore,
    level: Level,
    space: &Space,
    progress: &dyn Progress,
    t: Kind<ET, KT>,
    u: Kind<EU, KU>,
) -> Result<((u64, Sorted<T>), (u64, Sorted<U>))>
where
    T: Record,
    U: Record,
    ET: Fn(&Doc) -> Vec<T> + Sync + Send,
    KT: Fn(&T) -> u64 + Sync + Send,
    EU: Fn(&Doc) -> Vec<U> + Sync + Send,
    KU: Fn(&U) -> u64 + Sync + Send,
{
    let mut rt = Repeats::new(t.expected, 2 * space.sort);
    let mut ru = Repeats::new(u.expected, 2 * space.sort);
    let (mut made_t, mut made_u) = (0u64, 0u64);
    know.map_docs(
        words,
        level,
        progress,
        |d| {
            let (et, eu) = ((t.entries)(d), (u.entries)(d));
            et.iter().for_each(|x| rt.add((t.key)(x)));
            eu.iter().for_each(|x| ru.add((u.key)(x)));
            (et.len() as u64, eu.len() as u64)
        },
        |(nt, nu)| {
            made_t += nt;
            made_u += nu;
            Ok(())
        },
    )?;
    rt.seal();
    ru.seal();
    let (mut st, mut su) = (space.sorter(), space.sorter());
    // At most `made` records pass (about one in four: reserved pages that are
    // never touched cost no memory).
    st.reserve(made_t);
    su.reserve(made_u);
    know.map_docs(
        words,
        level,
        progress,
        |d| {
            let (mut et, mut eu) = ((t.entries)(d), (u.entries)(d));
            et.retain(|x| rt.repeated((t.key)(x)));
            eu.retain(|x| ru.repeated((u.key)(x)));
            (et, eu)
        },
        |(et, eu)| {
            st.extend(et)?;
            su.extend(eu)
        },
    )?;
    drop((rt, ru));
    Ok(((made_t, space.finish(st)?), (made_u, space.finish(su)?)))
}

/// [`sort_repeated_two`] for one kind of key.
pub fn sort_repeated<T, E, K>(
    know: &Knowledge,
    words: &TokenStore,
    level: Level,
    space: &Space,
    progress: &dyn Progress,
    kind: Kind<E, K>,
) -> Result<(u64, Sorted<T>)>
where
    T: Record,
    E: Fn(&Doc) -> Vec<T> + Sync + Send,
    K: Fn(&T) -> u64 + Sync + Send,
{
    let none = Kind {
        expected: 0,
        entries: |_: &Doc| Vec::<u32>::new(),
        key: |&x: &u32| u64::from(x),
    };
    let (found, _) = sort_repeated_two(know, words, level, space, progress, kind, none)?;
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::minhash::mix64;
    use rayon::prelude::*;

    #[test]
    fn keys_added_twice_are_always_repeated_and_most_single_ones_are_not() {
        let r = Repeats::new(u64::MAX, 1 << 16);
        assert!(r.heap_bytes() <= 1 << 16);
        let twice: Vec<u64> = (0..5_000u64).map(mix64).collect();
        let once: Vec<u64> = (0..5_000u64).map(|i| mix64(i + 1_000_000)).collect();
        // In parallel, the two copies of a key racing each other.
        twice
            .par_iter()
            .chain(twice.par_iter())
            .chain(once.par_iter())
            .for_each(|&k| r.add(k));
        let mut r = r;
        r.seal();
        assert!(twice.iter().all(|&k| r.repeated(k)));
        let false_hits = once.iter().filter(|&&k| r.repeated(k)).count();
        assert!(false_hits < 500, "{false_hits}");
    }
}
