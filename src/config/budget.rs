//! How `--memory-limit` is shared between the stages' large arrays.
//!
//! Every stage that sizes an array against the memory limit asks its
//! [`MemoryBudget`] for its share; no stage divides the limit itself. The
//! shares are not all held at once: the finer signatures of the first read
//! are freed before refinement remakes any, and the band entries of one LSH
//! batch live only while their band keys are sorted.
//!
//! | share | what | past it |
//! |---|---|---|
//! | 1/2 | signatures in memory | they move to a memory-mapped file in [`MemoryBudget::temp_dir`] |
//! | 1/8 | finer signatures made in the first read | dropped; refinement reads its documents again |
//! | 1/8 | band entries of one LSH batch | fewer bands per batch |
//! | 1/4 | finer signatures remade by refinement's second read | fewer slots, or the coarse estimate |
//! | 1/4 | word records of the passage stage (analyze); later, while writing, the texts of passages | a temporary file, read back by position |
//! | 1/8 | records of one sort of the passage stage | sorted runs on disk, merged |
//! | 1/4 | documents of one batch of candidate pairs of the passage stage, after the sorts | more batches, each document read again |
//!
//! The passage stage sorts fingerprints and sentence keys in the same two
//! passes: the bit sets of repeated keys (at most two eighths a kind of key),
//! then two sorts and the bit sets left, then three sorts at the most while
//! they are judged. Until alignment these hold at most half the limit, the
//! sorts' quarter and the documents' quarter, which is not yet in use.

use std::path::PathBuf;

/// The memory limit of a run and its split between stages, in bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemoryBudget {
    limit: u64,
    temp_dir: Option<PathBuf>,
}

impl MemoryBudget {
    /// A budget of `limit` bytes whose spills go to `temp_dir` (the system's
    /// temporary folder when `None`).
    pub fn new(limit: u64, temp_dir: Option<PathBuf>) -> MemoryBudget {
        MemoryBudget { limit, temp_dir }
    }

    /// The whole limit.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Signatures kept in memory: half of the limit. Past it they move to a
    /// memory-mapped temporary file.
    pub fn signatures(&self) -> u64 {
        self.limit / 2
    }

    /// Finer signatures made beside the coarse ones in the first read: an
    /// eighth of the limit.
    pub fn fine_signatures(&self) -> u64 {
        self.limit / 8
    }

    /// Band entries of one batch of LSH bands: an eighth of the limit.
    pub fn lsh_batch(&self) -> u64 {
        self.limit / 8
    }

    /// Finer signatures remade by refinement when those of the first read
    /// outgrew their share: a quarter of the limit.
    pub fn refine_reread(&self) -> u64 {
        self.limit / 4
    }

    /// Word records of the passage stage kept in memory (past it, in a
    /// temporary file); once they are dropped, the same share holds the
    /// texts of passages while the outputs are written.
    pub fn passage_words(&self) -> u64 {
        self.limit / 4
    }

    /// Records each sort of the passage stage holds in memory (past it,
    /// sorted runs on disk); with the bit sets of repeated keys, the sorts
    /// open at a time hold at most half the limit (module docs).
    pub fn passage_sort(&self) -> u64 {
        self.limit / 8
    }

    /// Derived documents of one batch of candidate pairs of the passage
    /// stage (more documents, more batches).
    pub fn passage_docs(&self) -> u64 {
        self.limit / 4
    }

    /// The folder of temporary files (spilled signatures, band entries,
    /// word records and sorted runs, the spool of standard input).
    pub fn temp_dir(&self) -> PathBuf {
        self.temp_dir.clone().unwrap_or_else(std::env::temp_dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_within_the_limit_and_temp_dir_falls_back() {
        let b = MemoryBudget::new(8 << 30, None);
        assert_eq!(b.signatures(), 4 << 30);
        assert_eq!(b.fine_signatures(), 1 << 30);
        assert_eq!(b.lsh_batch(), 1 << 30);
        assert_eq!(b.refine_reread(), 2 << 30);
        assert_eq!(b.temp_dir(), std::env::temp_dir());
        let b = MemoryBudget::new(1, Some("/x".into()));
        assert_eq!(b.temp_dir(), PathBuf::from("/x"));
    }
}
