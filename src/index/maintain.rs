//! Looking after an index: its statistics, expiry of old documents,
//! compaction of the store, and the integrity check.

use std::path::Path;

use heed::CompactionOption;

use super::decide::{self, band_keys};
use super::record::Record;
use super::store::{parse_time_key, time_key};
use super::{Index, IndexParams, Wait};
use crate::error::{Error, Result};
use crate::minhash::mix64;

/// What `index stats` reports.
#[derive(Clone, Debug, serde::Serialize)]
pub struct IndexStats {
    /// Documents in the index.
    pub documents: u64,
    /// Band entries (`bands` per document).
    pub band_entries: u64,
    /// Size of the data file on disk (free pages included: see `compact`).
    pub disk_bytes: u64,
    /// The parameters.
    pub params: IndexParams,
    /// The earliest and latest document time (date, else when added).
    pub time_range: Option<(i64, i64)>,
}

/// What `index check` found.
#[derive(Clone, Debug, serde::Serialize)]
pub struct CheckReport {
    /// Documents read and decoded.
    pub documents: u64,
    /// Band entries, all matching the documents' signatures.
    pub band_entries: u64,
}

impl Index {
    /// Documents, size and parameters.
    pub fn stats(&self) -> Result<IndexStats> {
        let store = &self.store;
        let e = |e| store.err(e);
        let txn = store.env.read_txn().map_err(e)?;
        let t = store.tables(&txn)?;
        let first = t
            .times
            .first(&txn)
            .map_err(e)?
            .and_then(|(k, _)| parse_time_key(k));
        let last = t
            .times
            .last(&txn)
            .map_err(e)?
            .and_then(|(k, _)| parse_time_key(k));
        Ok(IndexStats {
            documents: t.docs.len(&txn).map_err(e)?,
            band_entries: t.bands.len(&txn).map_err(e)?,
            disk_bytes: store.env.real_disk_size().map_err(e)?,
            params: self.params.clone(),
            time_range: first.zip(last).map(|((a, _), (b, _))| (a, b)),
        })
    }

    /// Removes the documents whose time (date, else when added) is before
    /// `cutoff` (Unix seconds), in one transaction; returns how many.
    pub fn expire(&self, cutoff: i64, wait: Wait) -> Result<u64> {
        let store = &self.store;
        let e = |e| store.err(e);
        let _writer = store.writer_lock(wait)?;
        let mut txn = store.env.write_txn().map_err(e)?;
        let t = store.tables(&txn)?;
        let end = time_key(cutoff, 0);
        let mut old: Vec<([u8; 16], u64)> = Vec::new();
        for r in t.times.iter(&txn).map_err(e)? {
            let (k, ()) = r.map_err(e)?;
            if k >= end.as_slice() {
                break;
            }
            let (_, n) = parse_time_key(k).ok_or_else(|| self.damaged(0))?;
            old.push((k.try_into().map_err(|_| self.damaged(n))?, n));
        }
        let sb = self.params.num_perm * 2;
        let mut entries = Vec::new();
        for (_, n) in &old {
            let rec =
                decide::load_stored(store, &t, &txn, *n, sb)?.ok_or_else(|| self.damaged(*n))?;
            entries.extend(
                band_keys(&self.params, &rec.slots())
                    .into_iter()
                    .map(|k| (k, *n)),
            );
        }
        entries.sort_unstable();
        for (k, n) in entries {
            t.bands.delete_one_duplicate(&mut txn, &k, &n).map_err(e)?;
        }
        for (k, n) in &old {
            t.docs.delete(&mut txn, n).map_err(e)?;
            t.fine.delete(&mut txn, n).map_err(e)?;
            t.times.delete(&mut txn, k.as_slice()).map_err(e)?;
        }
        txn.commit().map_err(e)?;
        Ok(old.len() as u64)
    }

    /// Rewrites the store without its free pages (after `expire`). Refused
    /// while another process has the index open. Returns the data file's
    /// size before and after.
    pub fn compact(path: &Path) -> Result<(u64, u64)> {
        let index = Index::open_with(path, true)?;
        let store = &index.store;
        let _writer = store.writer_lock(Wait::No)?;
        let data = path.join("data.mdb");
        let before = std::fs::metadata(&data)
            .map_err(|e| Error::io(&data, e))?
            .len();
        let tmp = path.join("data.mdb.compact");
        let _ = std::fs::remove_file(&tmp);
        let file = store
            .env
            .copy_to_path(&tmp, CompactionOption::Enabled)
            .map_err(|e| store.err(e))?;
        file.sync_all().map_err(|e| Error::io(&tmp, e))?;
        // The copy gets the original's permissions.
        let mode = std::fs::metadata(&data)
            .map_err(|e| Error::io(&data, e))?
            .permissions();
        file.set_permissions(mode).map_err(|e| Error::io(&tmp, e))?;
        drop(file);
        std::fs::rename(&tmp, &data).map_err(|e| Error::io(&data, e))?;
        if let Ok(dir) = std::fs::File::open(path) {
            let _ = dir.sync_all();
        }
        let after = std::fs::metadata(&data)
            .map_err(|e| Error::io(&data, e))?
            .len();
        Ok((before, after))
    }

    /// Reads every document, finer signature, band entry and time and checks
    /// that they agree: each record decodes with the index's widths, each
    /// document has exactly its finer signature, band keys and time, and no
    /// entry points elsewhere (compared as
    /// order-free sums of hashed entries). A damaged store is an error
    /// naming what is wrong.
    pub fn check(&self) -> Result<CheckReport> {
        let store = &self.store;
        let e = |e| store.err(e);
        let txn = store.env.read_txn().map_err(e)?;
        let t = store.tables(&txn)?;
        let (sb, fb) = (self.params.num_perm * 2, self.params.fine_width());
        let next = store.meta_u64(&t, &txn, "next")?;
        let doc_hash = |n: u64| mix64(n ^ 0x5851_F42D_4C95_7F2D);
        let mut want_fine = 0u64;
        let entry = |k: u64, n: u64| mix64(k ^ mix64(n.wrapping_add(0x9E37_79B9_7F4A_7C15)));
        let (mut docs, mut want_bands, mut want_times) = (0u64, 0u64, 0u64);
        for r in t.docs.iter(&txn).map_err(e)? {
            let (n, bytes) = r.map_err(e)?;
            let rec = Record::decode(bytes, sb).ok_or_else(|| self.damaged(n))?;
            if fb > 0 {
                want_fine = want_fine.wrapping_add(doc_hash(n));
            }
            if n >= next || rec.kept > n || (!rec.duplicate && rec.kept != n) {
                return Err(self.damaged(n));
            }
            for k in band_keys(&self.params, &rec.slots()) {
                want_bands = want_bands.wrapping_add(entry(k, n));
            }
            let time = time_key(rec.date.unwrap_or(rec.inserted), n);
            want_times = want_times.wrapping_add(mix64(xxhash_rust::xxh3::xxh3_64(&time)));
            docs += 1;
        }
        let (mut have_bands, mut band_entries) = (0u64, 0u64);
        for r in t.bands.iter(&txn).map_err(e)? {
            let (k, n) = r.map_err(e)?;
            have_bands = have_bands.wrapping_add(entry(k, n));
            band_entries += 1;
        }
        let mut have_times = 0u64;
        let mut times = 0u64;
        for r in t.times.iter(&txn).map_err(e)? {
            let (k, ()) = r.map_err(e)?;
            have_times = have_times.wrapping_add(mix64(xxhash_rust::xxh3::xxh3_64(k)));
            times += 1;
        }
        let mut have_fine = 0u64;
        for r in t.fine.iter(&txn).map_err(e)? {
            let (n, fine) = r.map_err(e)?;
            if fine.len() != fb {
                return Err(self.damaged(n));
            }
            have_fine = have_fine.wrapping_add(doc_hash(n));
        }
        let path = store.path.display();
        if have_fine != want_fine {
            return Err(Error::other(format!(
                "index {path}: the finer signatures do not match the documents"
            )));
        }
        if band_entries != docs * self.params.bands as u64 || have_bands != want_bands {
            return Err(Error::other(format!(
                "index {path}: the band table does not match the documents' signatures \
                 ({band_entries} entries for {docs} documents of {} bands)",
                self.params.bands
            )));
        }
        if times != docs || have_times != want_times {
            return Err(Error::other(format!(
                "index {path}: the time table does not match the documents ({times} entries for {docs} documents)"
            )));
        }
        Ok(CheckReport {
            documents: docs,
            band_entries,
        })
    }
}
