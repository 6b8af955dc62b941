//! External sort of fixed-size records: sorted runs on disk, merged k ways.
//!
//! A [`Sorter`] keeps records in memory up to a byte budget; when the buffer
//! is full it sorts it and writes it to a temporary run file. [`Sorter::finish`]
//! gives a [`Sorted`] stream that merges the runs with what is left in memory.
//!
//! Guarantees:
//! - records come back in ascending [`Ord`] order;
//! - the result is identical whether or not anything spilled: records are
//!   totally ordered by [`Ord`], and equal records are indistinguishable;
//! - memory is at most the budget plus one read buffer per run (and one write
//!   buffer while a run is written);
//! - run files are temporary files in the given folder, removed when the
//!   [`Sorter`] or [`Sorted`] holding them is dropped.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use rayon::slice::ParallelSliceMut;
use tempfile::NamedTempFile;

use crate::error::{Error, Result};

/// Smallest memory budget a [`Sorter`] uses, in bytes.
pub const MIN_BUDGET: u64 = 64 << 10;
/// Size of the buffer a run is written through, in bytes.
const WRITE_BUF: usize = 1 << 20;
/// Bounds on the read buffer of one run, in bytes.
const READ_BUF: (u64, u64) = (64 << 10, 1 << 20);

/// A fixed-size record that can be written to and read from a run file.
pub trait Record: Copy + Ord + Send + Sync {
    /// Bytes of one record on disk.
    const SIZE: usize;
    /// Writes exactly [`SIZE`](Record::SIZE) bytes to the start of `out`, little endian.
    fn put(&self, out: &mut [u8]);
    /// Reads a record from the first [`SIZE`](Record::SIZE) bytes of `bytes`.
    fn get(bytes: &[u8]) -> Self;
}

/// Integers, little endian.
macro_rules! record_int {
    ($($t:ty),*) => {$(
        impl Record for $t {
            const SIZE: usize = size_of::<$t>();
            fn put(&self, out: &mut [u8]) {
                out[..size_of::<$t>()].copy_from_slice(&self.to_le_bytes());
            }
            fn get(bytes: &[u8]) -> Self {
                <$t>::from_le_bytes(bytes[..size_of::<$t>()].try_into().expect("record size"))
            }
        }
    )*};
}
record_int!(u8, u32, u64);

/// Tuples of fields, laid out field by field.
macro_rules! record_tuple {
    ($($t:ident $i:tt),+) => {
        impl Record for ($($t,)+) {
            const SIZE: usize = 0 $(+ <$t as Record>::SIZE)+;
            fn put(&self, out: &mut [u8]) {
                let mut rest = out;
                $(
                    let (head, tail) = rest.split_at_mut(<$t as Record>::SIZE);
                    self.$i.put(head);
                    rest = tail;
                )+
                let _ = rest;
            }
            fn get(bytes: &[u8]) -> Self {
                let mut rest = bytes;
                let record = ($({
                    let (head, tail) = rest.split_at(<$t as Record>::SIZE);
                    rest = tail;
                    <$t as Record>::get(head)
                },)+);
                let _ = rest;
                record
            }
        }
    };
}
record_tuple!(u32 0, u32 1);
record_tuple!(u64 0, u32 1, u32 2);
record_tuple!(u32 0, u32 1, u32 2, u32 3);
record_tuple!(u32 0, u64 1, u32 2, u32 3);
record_tuple!(u32 0, u8 1, u64 2, u32 3, u64 4, u32 5);

/// One sorted run on disk, read back through a buffer; the file is removed
/// when this is dropped.
struct Run {
    file: NamedTempFile,
    /// Records not yet read from `file`.
    records: u64,
    bytes: Vec<u8>,
    pos: usize,
}

/// Sorts records within a memory budget, spilling sorted runs to disk.
pub struct Sorter<T: Record> {
    buf: Vec<T>,
    cap: usize,
    budget: u64,
    dir: PathBuf,
    runs: Vec<Run>,
    len: u64,
    spilled_bytes: u64,
}

impl<T: Record> Sorter<T> {
    /// A sorter holding at most `budget` bytes of records in memory (at least
    /// [`MIN_BUDGET`]), spilling sorted runs to temporary files in `dir`.
    pub fn new(budget: u64, dir: &Path) -> Sorter<T> {
        let budget = budget.max(MIN_BUDGET);
        let cap = (budget / size_of::<T>().max(1) as u64).max(1);
        Sorter {
            buf: Vec::new(),
            cap: usize::try_from(cap).unwrap_or(usize::MAX),
            budget,
            dir: dir.to_path_buf(),
            runs: Vec::new(),
            len: 0,
            spilled_bytes: 0,
        }
    }

    /// Adds records; when the buffer is full, sorts it and writes it as a run.
    pub fn extend(&mut self, items: impl IntoIterator<Item = T>) -> Result<()> {
        for item in items {
            if self.buf.len() >= self.cap {
                self.spill()?;
            }
            if self.buf.len() == self.buf.capacity() {
                // Grow by doubling, but never past the budget.
                let grow = self.buf.capacity().max(1024).min(self.cap - self.buf.len());
                self.buf.reserve_exact(grow);
            }
            self.buf.push(item);
            self.len += 1;
        }
        Ok(())
    }

    /// Makes room in memory for `n` more records (at most the budget's), so
    /// that a caller who knows about how many will come spares the buffer its
    /// growth by doubling (copies, and pages touched twice).
    pub fn reserve(&mut self, n: u64) {
        let room = self.cap - self.buf.len();
        self.buf
            .reserve_exact(usize::try_from(n).unwrap_or(usize::MAX).min(room));
    }

    /// Number of records added so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether no record was added.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether any run was written to disk.
    pub fn spilled(&self) -> bool {
        !self.runs.is_empty()
    }

    /// Bytes written to run files.
    pub fn spilled_bytes(&self) -> u64 {
        self.spilled_bytes
    }

    /// Sorts the buffer and writes it to a new run file, emptying the buffer.
    fn spill(&mut self) -> Result<()> {
        self.buf.par_sort_unstable();
        let mut file = tempfile::Builder::new()
            .prefix(&format!("neardup-run-{}-", std::process::id()))
            .tempfile_in(&self.dir)
            .map_err(|e| Error::io(&self.dir, e))?;
        let per_chunk = (WRITE_BUF / T::SIZE.max(1)).max(1);
        let mut bytes = vec![0u8; per_chunk * T::SIZE];
        for chunk in self.buf.chunks(per_chunk) {
            for (r, out) in chunk.iter().zip(bytes.chunks_exact_mut(T::SIZE)) {
                r.put(out);
            }
            let n = chunk.len() * T::SIZE;
            file.write_all(&bytes[..n])
                .map_err(|e| Error::io(file.path(), e))?;
            self.spilled_bytes += n as u64;
        }
        file.flush().map_err(|e| Error::io(file.path(), e))?;
        let records = self.buf.len() as u64;
        let (bytes, pos) = (Vec::new(), 0);
        self.runs.push(Run {
            file,
            records,
            bytes,
            pos,
        });
        self.buf.clear();
        Ok(())
    }

    /// Ends input: sorts what is in memory (if nothing spilled it stays in
    /// memory, no file is written) and returns the sorted stream.
    pub fn finish(mut self) -> Result<Sorted<T>> {
        self.buf.par_sort_unstable();
        let inner = if self.runs.is_empty() {
            Inner::Memory(self.buf)
        } else {
            let per_run = (self.budget / self.runs.len() as u64).clamp(READ_BUF.0, READ_BUF.1);
            let read_records = (per_run as usize / T::SIZE.max(1)).max(1);
            for run in &mut self.runs {
                run.file
                    .rewind()
                    .map_err(|e| Error::io(run.file.path(), e))?;
            }
            Inner::Merge {
                runs: self.runs,
                tail: self.buf,
                read_records,
            }
        };
        Ok(Sorted {
            inner,
            len: self.len,
        })
    }
}

/// The sorted records of a [`Sorter`], in memory or to be merged from runs.
pub struct Sorted<T: Record> {
    inner: Inner<T>,
    len: u64,
}

enum Inner<T> {
    Memory(Vec<T>),
    Merge {
        runs: Vec<Run>,
        tail: Vec<T>,
        read_records: usize,
    },
}

impl<T: Record> Sorted<T> {
    /// Number of records.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether there are no records.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Calls `f` with consecutive batches of the sorted records, in order.
    ///
    /// A batch holds whole groups: consecutive records for which
    /// `same(prev, next)` is true are never split across two batches. A batch
    /// has at most `batch` records (at least 1) unless it is one group larger
    /// than that, delivered alone and whole. Errors from `f` or from reading
    /// runs are returned, and stop the walk.
    pub fn for_each_batch(
        self,
        batch: usize,
        same: impl Fn(&T, &T) -> bool,
        mut f: impl FnMut(&[T]) -> Result<()>,
    ) -> Result<()> {
        let batch = batch.max(1);
        let (mut runs, tail, read_records) = match self.inner {
            Inner::Memory(v) => {
                // Window v[start..=i]; v[group..] is the group i is in.
                let (mut start, mut group) = (0, 0);
                for i in 0..v.len() {
                    if i > start && !same(&v[i - 1], &v[i]) {
                        group = i;
                    }
                    if i + 1 - start > batch && group > start {
                        f(&v[start..group])?;
                        start = group;
                    }
                }
                return if start < v.len() {
                    f(&v[start..])
                } else {
                    Ok(())
                };
            }
            Inner::Merge {
                runs,
                tail,
                read_records,
            } => (runs, tail, read_records),
        };
        let sources = runs.len() + 1;
        // Source `i` is run `i`, or the in-memory tail after the runs.
        let mut tail = tail.into_iter();
        let mut pull = |i: usize| match runs.get_mut(i) {
            Some(r) => r.next(read_records),
            None => Ok(tail.next()),
        };
        let mut heap = BinaryHeap::new();
        for i in 0..sources {
            if let Some(t) = pull(i)? {
                heap.push(Reverse((t, i)));
            }
        }
        // out[group..] is the group the last record is in.
        let mut out: Vec<T> = Vec::with_capacity(batch.min(1 << 16) + 1);
        let mut group = 0;
        while let Some(Reverse((t, i))) = heap.pop() {
            if let Some(n) = pull(i)? {
                heap.push(Reverse((n, i)));
            }
            if out.last().is_some_and(|last| !same(last, &t)) {
                group = out.len();
            }
            out.push(t);
            if out.len() > batch && group > 0 {
                f(&out[..group])?;
                out.drain(..group);
                group = 0;
            }
        }
        if out.is_empty() { Ok(()) } else { f(&out) }
    }
}

impl Run {
    /// The next record, reading `read_records` at a time.
    fn next<T: Record>(&mut self, read_records: usize) -> Result<Option<T>> {
        if self.pos == self.bytes.len() {
            if self.records == 0 {
                return Ok(None);
            }
            let n = (read_records as u64).min(self.records);
            self.bytes.resize(n as usize * T::SIZE, 0);
            self.file
                .read_exact(&mut self.bytes)
                .map_err(|e| Error::io(self.file.path(), e))?;
            self.records -= n;
            self.pos = 0;
        }
        let t = T::get(&self.bytes[self.pos..self.pos + T::SIZE]);
        self.pos += T::SIZE;
        Ok(Some(t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Rec = (u64, u32, u32);

    fn random(n: usize, mut x: u64) -> Vec<Rec> {
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        (0..n)
            .map(|_| (next() % 5000, next() as u32 % 4, next() as u32))
            .collect()
    }

    /// Sorts `items` in `budget` bytes (0: many runs, else none) and returns the batches.
    fn sort(
        items: &[Rec],
        budget: u64,
        batch: usize,
        same: impl Fn(&Rec, &Rec) -> bool,
    ) -> Vec<Vec<Rec>> {
        let dir = tempfile::tempdir().unwrap();
        let mut sorter = Sorter::new(budget, dir.path());
        for chunk in items.chunks(777) {
            sorter.extend(chunk.iter().copied()).unwrap();
        }
        assert_eq!(sorter.len(), items.len() as u64);
        let many_runs = budget == 0 && !items.is_empty();
        assert_eq!(sorter.spilled(), many_runs);
        assert!(!many_runs || sorter.runs.len() > 1);
        let records: u64 = sorter.runs.iter().map(|r| r.records).sum();
        assert_eq!(sorter.spilled_bytes(), records * 16);
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            sorter.runs.len()
        );
        let sorted = sorter.finish().unwrap();
        assert_eq!(sorted.len(), items.len() as u64);
        let mut batches = Vec::new();
        sorted
            .for_each_batch(batch, same, |b| {
                batches.push(b.to_vec());
                Ok(())
            })
            .unwrap();
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "runs removed"
        );
        batches
    }

    #[test]
    fn spilled_or_not_the_result_is_a_plain_sort() {
        let items = random(100_000, 0x9e37_79b9_7f4a_7c15);
        let mut want = items.clone();
        want.sort();
        for budget in [0, 1 << 30] {
            let batches = sort(&items, budget, 1000, |_, _| false);
            assert!(batches.iter().all(|b| b.len() == 1000));
            assert_eq!(batches.concat(), want);
        }
    }

    #[test]
    fn batches_never_split_a_group() {
        let mut items = random(30_000, 7);
        // Groups larger than the batch.
        items.extend((0..700).map(|i| (42, 0, i)));
        items.extend((0..300).map(|i| (4999, 1, i)));
        let mut want = items.clone();
        want.sort();
        let big = items.iter().filter(|r| r.0 == 42).count();
        for budget in [0, 1 << 30] {
            let batches = sort(&items, budget, 100, |a, b| a.0 == b.0);
            for w in batches.windows(2) {
                assert_ne!(w[0].last().unwrap().0, w[1][0].0, "group split");
            }
            assert!(
                batches
                    .iter()
                    .all(|b| b.len() <= 100 || b.iter().all(|r| r.0 == b[0].0))
            );
            assert!(batches.iter().any(|b| b.len() == big));
            assert_eq!(batches.concat(), want);
        }
    }

    #[test]
    fn empty_input_errors_and_drop() {
        assert!(sort(&[], 0, 10, |_, _| false).is_empty());
        assert!(sort(&[], 1 << 30, 10, |_, _| false).is_empty());
        let dir = tempfile::tempdir().unwrap();
        let mut sorter = Sorter::new(0, dir.path());
        sorter.extend(0..20_000u64).unwrap();
        let sorted = sorter.finish().unwrap();
        let err = sorted.for_each_batch(10, |_, _| false, |_| Err(Error::other("stop")));
        assert_eq!(err.unwrap_err().to_string(), "stop");
        // A sorter dropped without finishing removes its runs too.
        let mut sorter = Sorter::new(0, dir.path());
        sorter.extend(0..20_000u64).unwrap();
        assert!(sorter.spilled());
        drop(sorter);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn records_round_trip() {
        fn check<T: Record + std::fmt::Debug>(t: T, size: usize) {
            assert_eq!(T::SIZE, size);
            let mut bytes = vec![0u8; size];
            t.put(&mut bytes);
            assert_eq!(T::get(&bytes), t);
        }
        check(u64::MAX - 1, 8);
        check((1u32, 2u32), 8);
        check((1u64 << 40, 2u32, 3u32), 16);
        check((1u32, 2u32, 3u32, u32::MAX), 16);
        check((1u32, 1u64 << 50, 3u32, 4u32), 20);
        check((1u32, 200u8, 1u64 << 60, 4u32, 5u64, 6u32), 29);
        let mut bytes = [0u8; 8];
        (1u32, 2u32).put(&mut bytes);
        assert_eq!(bytes, [1, 0, 0, 0, 2, 0, 0, 0]);
    }
}
