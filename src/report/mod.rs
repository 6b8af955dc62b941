//! Writing results: JSON Lines and JSON files, atomically.
//!
//! Every output file is an [`AtomicFile`] ([`atomic`]): written under a
//! unique temporary name beside it and renamed when complete, so a killed run
//! never leaves a complete-looking but partial file, and nothing but the
//! target is ever written. `summary.json` is renamed last, so an output folder
//! without it is an interrupted run. Before anything is read, [`paths`]
//! refuses outputs that are inputs or one another.
//!
//! # Formats
//!
//! `documents.jsonl`, one line per input record, in input order:
//!
//! ```json
//! {"id":"a1","outlet":"reuters","location":{"file":"feed.jsonl","line":1},"status":"ok",
//!  "cluster":"a1","duplicate_of":null,"similarity":1.0,"story":"a1"}
//! ```
//!
//! - `status`: `ok`, `empty` (no text once normalized) or `rejected` (bad
//!   input under `--on-error skip`; see `errors.jsonl`);
//! - `cluster`: id of the document kept for its near-duplicate cluster
//!   (itself if kept; its own id for an empty record; `null` if rejected);
//! - `duplicate_of`: the kept document's id, `null` for a kept one;
//! - `similarity`: estimated similarity to the kept document (1 for the
//!   kept one, `null` for empty and rejected records);
//! - `measure` (duplicates only): what `similarity` is — `jaccard`, or
//!   `containment` (the share of the shorter text inside the longer) for a
//!   trimmed or re-furnished copy;
//! - `story`: id of the first document (input order) of the document's story.
//!
//! `pairs.jsonl`, verified pairs, sorted by the input order of `a` then `b`:
//! `{"a":"a1","b":"a7","level":"duplicate","jaccard":0.9375,"containment":0.97}`
//! (`containment`, the estimated share of the shorter document inside the
//! longer, on duplicate pairs only).
//!
//! `errors.jsonl`, one line per record that was not taken as is:
//! `{"file":"feed.jsonl","line":7,"action":"rejected","reason":"malformed JSON: ...","raw":"{\"id\":..."}`
//! (`raw` is the line decoded with U+FFFD replacements, `null` when it was not
//! loaded: over the size limit or unreadable), or
//! `{"file":..,"line":..,"action":"renamed","reason":"duplicate id","id":"x","new_id":"x@feed.jsonl:9"}`.

pub mod atomic;
pub mod html;
pub mod json;
pub mod model;
pub mod outlets;
pub mod passages;
pub mod paths;

pub use atomic::{AtomicFile, commit_all};

use crate::error::{Error, Result};
use crate::pipeline::Notice;

/// Serializes `value` as one JSON line into `out`.
pub fn write_line<T: serde::Serialize>(out: &mut AtomicFile, value: &T) -> Result<()> {
    let path = out.path().to_path_buf();
    serde_json::to_writer(&mut *out, value).map_err(|e| Error::io(&path, e.into()))?;
    out.write(b"\n")
}

/// Writes one JSON line per item of `items`, made by `line` from its index
/// and itself (the first error stops the writing): formatted in parallel, a chunk at a time, and written in order (the file is the same
/// as writing them one by one).
pub fn write_lines_par<I: Sync, T: serde::Serialize>(
    out: &mut AtomicFile,
    items: &[I],
    line: impl Fn(usize, &I) -> Result<T> + Sync,
) -> Result<()> {
    use rayon::prelude::*;
    const CHUNK: usize = 4096;
    let path = out.path().to_path_buf();
    for (c, chunk) in items.chunks(CHUNK).enumerate() {
        let lines: Vec<Vec<u8>> = chunk
            .par_iter()
            .enumerate()
            .map(|(i, item)| {
                let mut bytes = serde_json::to_vec(&line(c * CHUNK + i, item)?)
                    .map_err(|e| Error::io(&path, e.into()))?;
                bytes.push(b'\n');
                Ok(bytes)
            })
            .collect::<Result<_>>()?;
        for l in &lines {
            out.write(l)?;
        }
    }
    Ok(())
}

/// Writes one `errors.jsonl` line for a notice from the reader.
pub fn write_notice(out: &mut AtomicFile, notice: &Notice<'_>) -> Result<()> {
    match *notice {
        Notice::Rejected {
            file,
            line,
            reason,
            raw,
        } => {
            let raw = raw.map(String::from_utf8_lossy);
            write_line(
                out,
                &json::ErrorLine::Rejected {
                    file,
                    line,
                    reason,
                    raw: raw.as_deref(),
                },
            )
        }
        Notice::Renamed {
            file,
            line,
            id,
            new_id,
        } => write_line(
            out,
            &json::ErrorLine::Renamed {
                file,
                line,
                reason: "duplicate id",
                id,
                new_id,
            },
        ),
    }
}

/// Rounds a similarity to 4 decimals for output.
pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}
