//! The index on disk: an LMDB environment (through `heed`) in a folder, and
//! the locks that order the processes using it.
//!
//! Tables (LMDB named databases):
//!
//! - `meta`: `params` (the [`IndexParams`] as JSON), `next` (the next
//!   document number), `range` (first and last dates and insertion times);
//! - `docs`: document number (big-endian `u64`, insertion order) → its
//!   [`Record`];
//! - `fine`: document number → its finer signature (apart from the
//!   records, so that the pages read for every lookup hold only what every
//!   lookup needs);
//! - `bands`: band key (big-endian `u64`) → the numbers of the documents
//!   with that band (sorted duplicates of fixed size);
//! - `times`: document time (its date, else its insertion time; biased
//!   big-endian) and number → nothing, for `expire`.
//!
//! Guarantees: a batch is one LMDB write transaction, so a crash or a kill
//! at any point leaves the index as it was before the batch (LMDB's
//! copy-on-write pages and double meta page); readers in any process see
//! the last committed batch and never wait for a writer; writers take
//! `write.lock` (an exclusive file lock, released by the kernel when a
//! process dies) for the whole batch, so they run one after another;
//! `compact` takes `open.lock` exclusively, every other opener shares it.

use std::fs::{self, File, OpenOptions};
use std::path::{Path, PathBuf};

use heed::byteorder::BigEndian;
use heed::types::{Bytes, Str, U64, Unit};
use heed::{Database, DatabaseFlags, Env, EnvFlags, EnvOpenOptions, RoTxn, RwTxn};

use super::IndexParams;
use crate::error::{Error, Result};

/// The tables of an open transaction.
#[derive(Clone, Copy)]
pub(super) struct Tables {
    pub meta: Database<Str, Bytes>,
    pub docs: Database<U64<BigEndian>, Bytes>,
    pub fine: Database<U64<BigEndian>, Bytes>,
    pub bands: Database<U64<BigEndian>, U64<BigEndian>>,
    pub times: Database<Bytes, Unit>,
}

/// The band table holds several document numbers a key, sorted, of one size.
const BANDS: DatabaseFlags = DatabaseFlags::DUP_SORT.union(DatabaseFlags::DUP_FIXED);

/// Largest size the data file may grow to: address space only (the file
/// grows as pages are written).
const MAP_SIZE: usize = 1 << 40;
/// Smaller address space, for systems that refuse the large one.
const SMALL_MAP_SIZE: usize = 64 << 30;

/// An open index folder.
pub(super) struct Store {
    pub env: Env,
    pub path: PathBuf,
    /// Shared (or, for compaction, exclusive) lock on `open.lock`, held
    /// while the store is open.
    _open: File,
}

/// Whether a file lock is to be waited for or refused when taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    /// Wait for the other process, saying so on standard error.
    Yes,
    /// Refuse with an error naming the index.
    No,
}

fn lock_file(dir: &Path, name: &str) -> Result<File> {
    let path = dir.join(name);
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io(&path, e))
}

pub(super) fn heed_error(path: &Path, e: heed::Error) -> Error {
    match e {
        heed::Error::Io(io) => Error::io(path, io),
        e => Error::other(format!("index {}: {e}", path.display())),
    }
}

impl Store {
    /// Opens the index folder `path`, creating it when `create` (it must
    /// then not hold an index yet or hold one; the caller checks the
    /// parameters). `exclusive` takes `open.lock` exclusively (refused while
    /// another process has the index open).
    pub fn open(path: &Path, create: bool, exclusive: bool) -> Result<Store> {
        if create {
            fs::create_dir_all(path).map_err(|e| Error::io(path, e))?;
        } else if !path.join("data.mdb").is_file() {
            return Err(Error::usage(format!(
                "{} is not a neardup index (no data.mdb; `neardup index add --db {}` creates one)",
                path.display(),
                path.display()
            )));
        }
        let open = lock_file(path, "open.lock")?;
        if exclusive {
            match open.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => {
                    return Err(Error::other(format!(
                        "index {} is in use by another process; compact it when nothing else has it open",
                        path.display()
                    )));
                }
                Err(fs::TryLockError::Error(e)) => return Err(Error::io(path, e)),
            }
        } else {
            open.lock_shared().map_err(|e| Error::io(path, e))?;
        }
        let env = open_env(path)?;
        Ok(Store {
            env,
            path: path.to_path_buf(),
            _open: open,
        })
    }

    /// Takes the writers' lock: waits for (or refuses) another writer.
    pub fn writer_lock(&self, wait: Wait) -> Result<File> {
        let f = lock_file(&self.path, "write.lock")?;
        match f.try_lock() {
            Ok(()) => return Ok(f),
            Err(fs::TryLockError::Error(e)) => return Err(Error::io(&self.path, e)),
            Err(fs::TryLockError::WouldBlock) => {}
        }
        if wait == Wait::No {
            return Err(Error::other(format!(
                "index {} is being written by another process (try again when it is done)",
                self.path.display()
            )));
        }
        eprintln!(
            "neardup: index {} is being written by another process; waiting for it",
            self.path.display()
        );
        f.lock().map_err(|e| Error::io(&self.path, e))?;
        Ok(f)
    }

    /// The tables, created if missing (in a write transaction).
    pub fn create_tables(&self, txn: &mut RwTxn<'_>) -> Result<Tables> {
        let e = |e| heed_error(&self.path, e);
        for name in ["meta", "docs", "fine", "times"] {
            self.env
                .create_database::<Bytes, Bytes>(txn, Some(name))
                .map_err(e)?;
        }
        self.env
            .database_options()
            .types::<U64<BigEndian>, U64<BigEndian>>()
            .name("bands")
            .flags(BANDS)
            .create(txn)
            .map_err(e)?;
        self.tables(txn)
    }

    /// The tables of an existing index.
    pub fn tables(&self, txn: &RoTxn<'_>) -> Result<Tables> {
        let e = |e| heed_error(&self.path, e);
        let missing = || {
            Error::other(format!(
                "index {}: a table is missing (not a neardup index, or damaged)",
                self.path.display()
            ))
        };
        Ok(Tables {
            meta: self
                .env
                .open_database(txn, Some("meta"))
                .map_err(e)?
                .ok_or_else(missing)?,
            docs: self
                .env
                .open_database(txn, Some("docs"))
                .map_err(e)?
                .ok_or_else(missing)?,
            fine: self
                .env
                .open_database(txn, Some("fine"))
                .map_err(e)?
                .ok_or_else(missing)?,
            bands: self
                .env
                .database_options()
                .types::<U64<BigEndian>, U64<BigEndian>>()
                .name("bands")
                .flags(BANDS)
                .open(txn)
                .map_err(e)?
                .ok_or_else(missing)?,
            times: self
                .env
                .open_database(txn, Some("times"))
                .map_err(e)?
                .ok_or_else(missing)?,
        })
    }

    /// The parameters stored in the index, if it has any yet.
    pub fn params(&self, t: &Tables, txn: &RoTxn<'_>) -> Result<Option<IndexParams>> {
        let Some(bytes) = t
            .meta
            .get(txn, "params")
            .map_err(|e| heed_error(&self.path, e))?
        else {
            return Ok(None);
        };
        serde_json::from_slice(bytes).map(Some).map_err(|e| {
            Error::other(format!(
                "index {}: unreadable parameters: {e}",
                self.path.display()
            ))
        })
    }

    /// A `u64` of `meta` (0 when absent).
    pub fn meta_u64(&self, t: &Tables, txn: &RoTxn<'_>, key: &str) -> Result<u64> {
        let v = t
            .meta
            .get(txn, key)
            .map_err(|e| heed_error(&self.path, e))?;
        Ok(v.and_then(|b| b.try_into().ok())
            .map(u64::from_le_bytes)
            .unwrap_or(0))
    }

    /// The error of a `heed` call on this index.
    pub fn err(&self, e: heed::Error) -> Error {
        heed_error(&self.path, e)
    }
}

/// Opens the LMDB environment of `path`.
fn open_env(path: &Path) -> Result<Env> {
    let mut last = None;
    for size in [MAP_SIZE, SMALL_MAP_SIZE] {
        let mut options = EnvOpenOptions::new();
        options.map_size(size).max_dbs(8).max_readers(1024);
        // SAFETY: no flag that changes the file's layout or durability:
        // lookups are random, so reading ahead only evicts useful pages
        // once the index outgrows memory.
        unsafe {
            options.flags(EnvFlags::NO_READ_AHEAD);
        }
        // SAFETY: LMDB requires that an environment be opened once per
        // process: every `Index` opens its own folder once and keeps the
        // `Env` until it is dropped; the library documents that one process
        // must not open the same index twice at the same time.
        match unsafe { options.open(path) } {
            Ok(env) => return Ok(env),
            Err(e) => last = Some(e),
        }
    }
    Err(heed_error(path, last.expect("tried at least once")))
}

/// The key of a document in `times`: its time with the sign bit flipped
/// (so that big-endian bytes sort as the numbers), then its number.
pub(super) fn time_key(time: i64, doc: u64) -> [u8; 16] {
    let mut k = [0u8; 16];
    k[..8].copy_from_slice(&((time as u64) ^ (1 << 63)).to_be_bytes());
    k[8..].copy_from_slice(&doc.to_be_bytes());
    k
}

/// The time and number of a `times` key.
pub(super) fn parse_time_key(k: &[u8]) -> Option<(i64, u64)> {
    let t = u64::from_be_bytes(k.get(..8)?.try_into().ok()?) ^ (1 << 63);
    let d = u64::from_be_bytes(k.get(8..16)?.try_into().ok()?);
    Some((t as i64, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_keys_sort_as_times() {
        let times = [i64::MIN + 1, -86_400, -1, 0, 1, 1_700_000_000];
        let keys: Vec<[u8; 16]> = times.iter().map(|&t| time_key(t, 3)).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
        for (&t, k) in times.iter().zip(&keys) {
            assert_eq!(parse_time_key(k), Some((t, 3)));
        }
    }
}
