//! [`Signatures`]: the signature table of a corpus, one [`Row`] per signed document, in memory
//! or spilled to a memory-mapped temporary file once it outgrows the memory budget.
//!
//! Guarantees: rows read back the same wherever they live; a write error of the spilled
//! file is never lost (it is returned by [`Signatures::seal`]); the file is deleted when
//! the table is dropped.

use std::fmt;

use super::estimate::{containment, estimate};
use super::params::SignatureParams;
use crate::document::Row;

/// The signatures of a corpus: one row of `num_perm` values per signed
/// document, in one flat array, numbered by [`Row`].
///
/// The array lives in memory, or, once it outgrows the run's memory budget,
/// in a temporary file: [`spill`](Self::spill) moves the rows written so far
/// there, later rows are appended to it, and [`seal`](Self::seal) maps it
/// read-only, so [`row`](Self::row) keeps returning plain slices while the
/// operating system pages the file in and out.
pub struct Signatures {
    params: SignatureParams,
    store: Store,
    rows: usize,
    /// Estimated distinct shingles of every row (always in memory).
    sizes: Vec<u32>,
    /// The first write error of a spilled store, reported by `seal`.
    error: Option<std::io::Error>,
}

/// Where the rows live.
enum Store {
    Memory(Vec<u16>),
    /// An anonymous temporary file: it has no name, so it goes with the
    /// process however that ends (`kill -9` included).
    Writing {
        file: std::io::BufWriter<std::fs::File>,
    },
    /// The same file, mapped; the mapping keeps it until dropped.
    Mapped {
        map: memmap2::Mmap,
    },
}

impl fmt::Debug for Signatures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signatures")
            .field("params", &self.params)
            .field("rows", &self.rows)
            .field("file_backed", &self.is_file_backed())
            .finish()
    }
}

impl Signatures {
    /// An empty set of signatures, in memory.
    pub fn new(params: SignatureParams) -> Signatures {
        Signatures {
            params,
            store: Store::Memory(Vec::new()),
            rows: 0,
            sizes: Vec::new(),
            error: None,
        }
    }

    /// The parameters of every row.
    pub fn params(&self) -> &SignatureParams {
        &self.params
    }

    /// Values per row.
    pub fn width(&self) -> usize {
        self.params.num_perm
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Whether the rows are in a temporary file rather than in memory.
    pub fn is_file_backed(&self) -> bool {
        !matches!(self.store, Store::Memory(_))
    }

    /// Reserves room for `rows` more rows in memory (address space only:
    /// pages are committed as rows are written), so that the table does not
    /// move while it grows.
    pub fn reserve(&mut self, rows: usize) {
        if let Store::Memory(data) = &mut self.store {
            data.reserve(rows * self.params.num_perm);
        }
    }

    /// Appends a row, with the estimated number of distinct shingles of its
    /// document ([`Scratch::shingles`](super::Scratch::shingles); 0 if
    /// unknown), and returns its number. A write error of a spilled store is
    /// kept and returned by [`seal`](Self::seal).
    pub fn push(&mut self, row: &[u16], shingles: u32) -> Row {
        assert_eq!(
            row.len(),
            self.width(),
            "signature row has the wrong length"
        );
        let r = Row(self.rows as u32);
        match &mut self.store {
            Store::Memory(data) => data.extend_from_slice(row),
            Store::Writing { file, .. } => {
                if self.error.is_none()
                    && let Err(e) = std::io::Write::write_all(file, bytemuck::cast_slice(row))
                {
                    self.error = Some(e);
                }
            }
            Store::Mapped { .. } => panic!("signatures pushed after seal()"),
        }
        self.sizes.push(shingles);
        self.rows += 1;
        r
    }

    /// Moves the rows to a temporary file in `dir`; later rows are appended
    /// to it. Does nothing if they are already there.
    pub fn spill(&mut self, dir: &std::path::Path) -> std::io::Result<()> {
        let Store::Memory(data) = &mut self.store else {
            return Ok(());
        };
        let file = tempfile::tempfile_in(dir)?;
        let mut file = std::io::BufWriter::with_capacity(1 << 20, file);
        std::io::Write::write_all(&mut file, bytemuck::cast_slice(data))?;
        self.store = Store::Writing { file };
        Ok(())
    }

    /// Ends writing: a spilled store is flushed and mapped for reading.
    pub fn seal(&mut self) -> std::io::Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        if !matches!(self.store, Store::Writing { .. }) {
            return Ok(());
        }
        let Store::Writing { file } = std::mem::replace(&mut self.store, Store::Memory(Vec::new()))
        else {
            unreachable!("checked above")
        };
        let file = file.into_inner().map_err(|e| e.into_error())?;
        // SAFETY: the file is this run's private temporary file, written
        // completely above and never modified while mapped.
        let map = unsafe { memmap2::Mmap::map(&file)? };
        self.store = Store::Mapped { map };
        Ok(())
    }

    /// Row `r`.
    #[inline]
    pub fn row(&self, r: Row) -> &[u16] {
        let w = self.width();
        let range = r.index() * w..(r.index() + 1) * w;
        match &self.store {
            Store::Memory(data) => &data[range],
            Store::Mapped { map, .. } => &bytemuck::cast_slice::<u8, u16>(map)[range],
            Store::Writing { .. } => panic!("signatures read before seal()"),
        }
    }

    /// Estimated Jaccard similarity of rows `a` and `b`.
    #[inline]
    pub fn jaccard(&self, a: Row, b: Row) -> f64 {
        estimate(self.row(a), self.row(b))
    }

    /// Estimated distinct shingles of row `r`'s document.
    #[inline]
    pub fn shingles(&self, r: Row) -> u32 {
        self.sizes[r.index()]
    }

    /// Estimated containment of the smaller document of rows `a` and `b` in
    /// the larger ([`containment`]), from `jaccard` (an estimate for the
    /// pair) and the rows' sizes.
    #[inline]
    pub fn containment(&self, a: Row, b: Row, jaccard: f64) -> f64 {
        containment(
            jaccard,
            f64::from(self.shingles(a)),
            f64::from(self.shingles(b)),
        )
    }

    /// Bytes of the rows (in memory or in the file).
    pub fn bytes(&self) -> usize {
        self.rows * self.width() * 2
    }

    /// Heap bytes held (only the sizes once spilled).
    pub fn heap_bytes(&self) -> usize {
        match &self.store {
            Store::Memory(data) => data.capacity() * 2 + self.sizes.capacity() * 4,
            _ => self.sizes.capacity() * 4,
        }
    }
}
