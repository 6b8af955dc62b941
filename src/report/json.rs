//! Serialization types of the JSON outputs, kept apart from the logic: they
//! borrow everything and exist only to fix the wire format (documented in
//! [`crate::report`]).

use serde::Serialize;

/// Where a record is.
#[derive(Serialize)]
pub struct Location<'a> {
    /// Source name.
    pub file: &'a str,
    /// 1-based line of a JSONL record, `null` for a whole-file document.
    pub line: Option<u64>,
}

/// One line of `documents.jsonl`.
#[derive(Serialize)]
pub struct DocumentLine<'a> {
    /// Document id.
    pub id: &'a str,
    /// Outlet, if known.
    pub outlet: Option<&'a str>,
    /// Where it was read.
    pub location: Location<'a>,
    /// `ok`, `empty` or `rejected`.
    pub status: &'a str,
    /// Id of the kept document of its near-duplicate cluster.
    pub cluster: Option<&'a str>,
    /// Id of the kept document if this one is a duplicate.
    pub duplicate_of: Option<&'a str>,
    /// Estimated similarity to the kept document (`measure` says which).
    pub similarity: Option<f64>,
    /// For a duplicate: `jaccard` (it resembles the kept document) or
    /// `containment` (it is contained in it, or contains it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measure: Option<&'a str>,
    /// Id of the first document of its story.
    pub story: Option<&'a str>,
}

/// One line of `pairs.jsonl`.
#[derive(Serialize)]
pub struct PairLine<'a> {
    /// The earlier document.
    pub a: &'a str,
    /// The later document.
    pub b: &'a str,
    /// `duplicate` or `story`.
    pub level: &'a str,
    /// Estimated Jaccard.
    pub jaccard: f64,
    /// For a duplicate pair, the estimated containment of the shorter
    /// document in the longer (the covered share of its words when shared
    /// passages found it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub containment: Option<f64>,
}

/// One line of `errors.jsonl` (or the `--errors` file of dedup).
#[derive(Serialize)]
#[serde(tag = "action", rename_all = "lowercase")]
pub enum ErrorLine<'a> {
    /// A bad record that was skipped.
    Rejected {
        /// Source name.
        file: &'a str,
        /// Line, for JSONL records.
        line: Option<u64>,
        /// What is wrong.
        reason: &'a str,
        /// The record decoded with U+FFFD replacements, if it was loaded.
        raw: Option<&'a str>,
    },
    /// A duplicate id kept under a new name.
    Renamed {
        /// Source name.
        file: &'a str,
        /// Line, for JSONL records.
        line: Option<u64>,
        /// Always "duplicate id".
        reason: &'a str,
        /// The id as given.
        id: &'a str,
        /// The id used instead.
        new_id: &'a str,
    },
}

/// One line of dedup's `--duplicates` file.
#[derive(Serialize)]
pub struct DuplicateLine<'a> {
    /// The dropped record.
    pub id: &'a str,
    /// The kept record of its cluster.
    pub duplicate_of: &'a str,
    /// Estimated similarity to it (`measure` says which).
    pub similarity: f64,
    /// `jaccard` or `containment`.
    pub measure: &'a str,
}

/// The output line for a kept text-file document in dedup.
#[derive(Serialize)]
pub struct KeptFileLine<'a> {
    /// Document id.
    pub id: &'a str,
    /// Outlet, if known.
    pub outlet: Option<&'a str>,
    /// Path of the file.
    pub path: &'a str,
}
