//! The compact table of every input record.
//!
//! One row per input record, in input order, whatever its status: this is
//! how every record is accounted for in the output. Texts are not kept; a row
//! holds what later stages and the output need (id, outlet, where the record
//! is, its date and length), column by column, so a million documents cost
//! tens of megabytes, not the size of their text. Ids live in one string
//! arena, outlets are interned.

use std::collections::hash_map::Entry;

use ahash::AHashMap;

/// Index of a record in input order (the row of the [`DocTable`]).
///
/// Every input record has one, whatever its status; compare [`Row`], which
/// numbers only the signed records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DocId(pub u32);

impl DocId {
    /// The row index.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A signature row: the number of a signed record (status ok) among the
/// signed records, in input order; the row of
/// [`Signatures`](crate::minhash::Signatures).
///
/// Rows and [`DocId`]s follow the same order but are not the same numbers:
/// empty and rejected records have a `DocId` and no row, so a record's row
/// is at most its `DocId`. [`DocTable::sig_row`] maps a document to its row,
/// [`SignedDocs::doc`](crate::signed::SignedDocs::doc) a row to its document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Row(pub u32);

impl Row {
    /// The row index, for vectors indexed by signature row.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// What became of a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// Read and signed.
    Ok,
    /// Read, but its text is empty once normalized: it has no signature.
    Empty,
    /// Not read: bad input under `--on-error skip`.
    Rejected,
}

impl Status {
    /// The name used in `documents.jsonl`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Empty => "empty",
            Status::Rejected => "rejected",
        }
    }
}

/// Marker for "no value" in the `u32` columns.
pub const NONE: u32 = u32::MAX;

/// Everything kept about one record while it is added.
#[derive(Clone, Debug)]
pub struct NewDoc<'a> {
    /// The id (already made unique by the caller).
    pub id: &'a str,
    /// The outlet, if known.
    pub outlet: Option<&'a str>,
    /// Index of the source the record came from.
    pub source: u32,
    /// 1-based line for JSONL records.
    pub line: Option<u64>,
    /// Byte offset of the record in its (decompressed) source.
    pub offset: u64,
    /// Status.
    pub status: Status,
    /// Publication time, seconds since the Unix epoch.
    pub date: Option<i64>,
    /// Length of the text in characters.
    pub chars: u32,
    /// Signature [`Row`] of the record, for `Ok` records.
    pub sig_row: Option<Row>,
}

/// The records of a run, column by column.
#[derive(Debug, Default)]
pub struct DocTable {
    id_bytes: String,
    id_ends: Vec<u64>,
    outlet: Vec<u32>,
    outlet_names: Vec<String>,
    outlet_index: AHashMap<String, u32>,
    source: Vec<u32>,
    line: Vec<u64>,
    offset: Vec<u64>,
    status: Vec<Status>,
    date: Vec<i64>,
    chars: Vec<u32>,
    sig_row: Vec<u32>,
    /// Hash of an id -> first row with that hash; collisions probe onwards.
    id_index: AHashMap<u64, u32>,
    /// Outlets filed under other names.
    aliases: crate::input::OutletAliases,
}

impl DocTable {
    /// An empty table.
    pub fn new() -> DocTable {
        DocTable::default()
    }

    /// An empty table whose records' outlets go through `aliases`.
    pub fn with_aliases(aliases: crate::input::OutletAliases) -> DocTable {
        DocTable {
            aliases,
            ..DocTable::default()
        }
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.status.len()
    }

    /// Whether there are no records.
    pub fn is_empty(&self) -> bool {
        self.status.is_empty()
    }

    /// All record ids in input order.
    pub fn doc_ids(&self) -> impl ExactSizeIterator<Item = DocId> + use<> {
        (0..self.len() as u32).map(DocId)
    }

    /// Appends a record and returns its id. The caller must have checked the
    /// id with [`find_id`](Self::find_id) if ids must be unique.
    pub fn push(&mut self, doc: NewDoc<'_>) -> DocId {
        let row = self.len() as u32;
        let outlet = doc.outlet.map_or(NONE, |o| self.intern_outlet(o));
        self.id_bytes.push_str(doc.id);
        self.id_ends.push(self.id_bytes.len() as u64);
        self.outlet.push(outlet);
        self.source.push(doc.source);
        self.line.push(doc.line.unwrap_or(0));
        self.offset.push(doc.offset);
        self.status.push(doc.status);
        self.date.push(doc.date.unwrap_or(i64::MIN));
        self.chars.push(doc.chars);
        self.sig_row.push(doc.sig_row.map_or(NONE, |r| r.0));
        let mut h = id_hash(doc.id);
        loop {
            match self.id_index.entry(h) {
                Entry::Vacant(v) => {
                    v.insert(row);
                    break;
                }
                Entry::Occupied(_) => h = next_probe(h),
            }
        }
        DocId(row)
    }

    /// The record with this id, if any.
    pub fn find_id(&self, id: &str) -> Option<DocId> {
        let mut h = id_hash(id);
        while let Some(&row) = self.id_index.get(&h) {
            if self.id(DocId(row)) == id {
                return Some(DocId(row));
            }
            h = next_probe(h);
        }
        None
    }

    fn intern_outlet(&mut self, name: &str) -> u32 {
        let name = self.aliases.resolve(name);
        if let Some(&i) = self.outlet_index.get(name) {
            return i;
        }
        let i = self.outlet_names.len() as u32;
        self.outlet_names.push(name.to_string());
        self.outlet_index.insert(name.to_string(), i);
        i
    }

    /// The id of a record.
    pub fn id(&self, d: DocId) -> &str {
        let i = d.index();
        let start = if i == 0 {
            0
        } else {
            self.id_ends[i - 1] as usize
        };
        &self.id_bytes[start..self.id_ends[i] as usize]
    }

    /// The outlet of a record, if known.
    pub fn outlet(&self, d: DocId) -> Option<&str> {
        let o = self.outlet[d.index()];
        (o != NONE).then(|| self.outlet_names[o as usize].as_str())
    }

    /// The interned outlet number of a record (`None` if unknown).
    pub fn outlet_index(&self, d: DocId) -> Option<u32> {
        let o = self.outlet[d.index()];
        (o != NONE).then_some(o)
    }

    /// All outlet names, by interned number.
    pub fn outlet_names(&self) -> &[String] {
        &self.outlet_names
    }

    /// Index of the source a record came from.
    pub fn source(&self, d: DocId) -> u32 {
        self.source[d.index()]
    }

    /// 1-based line of a JSONL record.
    pub fn line(&self, d: DocId) -> Option<u64> {
        let l = self.line[d.index()];
        (l != 0).then_some(l)
    }

    /// Byte offset of the record in its source.
    pub fn offset(&self, d: DocId) -> u64 {
        self.offset[d.index()]
    }

    /// Status of a record.
    pub fn status(&self, d: DocId) -> Status {
        self.status[d.index()]
    }

    /// Publication time, seconds since the Unix epoch.
    pub fn date(&self, d: DocId) -> Option<i64> {
        let t = self.date[d.index()];
        (t != i64::MIN).then_some(t)
    }

    /// Length of the text in characters.
    pub fn chars(&self, d: DocId) -> u32 {
        self.chars[d.index()]
    }

    /// Signature [`Row`] of the record (only `Ok` records have one).
    pub fn sig_row(&self, d: DocId) -> Option<Row> {
        let r = self.sig_row[d.index()];
        (r != NONE).then_some(Row(r))
    }

    /// Bytes of memory held by the table (approximate).
    pub fn heap_bytes(&self) -> usize {
        self.id_bytes.capacity()
            + self.id_ends.capacity() * 8
            + self.outlet.capacity() * 4
            + self.source.capacity() * 4
            + self.line.capacity() * 8
            + self.offset.capacity() * 8
            + self.status.capacity()
            + self.date.capacity() * 8
            + self.chars.capacity() * 4
            + self.sig_row.capacity() * 4
            + self.id_index.capacity() * 16
    }
}

fn id_hash(id: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(id.as_bytes())
}

fn next_probe(h: u64) -> u64 {
    h.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, outlet: Option<&'static str>) -> NewDoc<'static> {
        NewDoc {
            id: Box::leak(id.to_string().into_boxed_str()),
            outlet,
            source: 0,
            line: Some(1),
            offset: 0,
            status: Status::Ok,
            date: None,
            chars: 3,
            sig_row: Some(Row(0)),
        }
    }

    #[test]
    fn rows_ids_and_outlets() {
        let mut t = DocTable::new();
        let a = t.push(doc("a", Some("bbc")));
        let b = t.push(doc("bb", None));
        let c = t.push(doc("", Some("bbc")));
        assert_eq!((t.id(a), t.id(b), t.id(c)), ("a", "bb", ""));
        assert_eq!(t.outlet(a), Some("bbc"));
        assert_eq!(t.outlet(b), None);
        assert_eq!(t.outlet_index(c), Some(0));
        assert_eq!(t.find_id("bb"), Some(b));
        assert_eq!(t.find_id(""), Some(c));
        assert_eq!(t.find_id("x"), None);
        assert_eq!(t.line(a), Some(1));
        assert_eq!(t.date(a), None);
    }

    #[test]
    fn many_ids_are_found() {
        let mut t = DocTable::new();
        for i in 0..10_000 {
            t.push(doc(&format!("doc-{i}"), None));
        }
        for i in (0..10_000).step_by(7) {
            assert_eq!(t.find_id(&format!("doc-{i}")), Some(DocId(i)));
        }
    }
}
