//! Input: from the command line's paths to records with text and metadata.
//!
//! - [`source`] resolves files, folders and `-` into an ordered list of
//!   sources (sorted folder walks, link loops avoided, special files skipped
//!   in walks, file names that are not UTF-8 refused);
//! - [`scan`] streams them as blocks of whole records on a background thread
//!   (decompressing `.gz`/`.zst` in `open`, reading `.parquet` rows as JSON
//!   lines in `parquet`, cutting lines in `jsonl`,
//!   enforcing the size limit as soon as a line passes it, reporting
//!   corrupt streams at the line where decoding failed);
//! - [`spool`] keeps a copy of each input that can be read only once
//!   (standard input, a named pipe, a device), so later passes replay it;
//! - [`record`] parses a record's JSON with the configured field names.
//!
//! Nothing here keeps a document's text beyond the block it arrived in: later
//! stages that need a text again scan the sources a second time.

pub mod aliases;
mod jsonl;
mod open;
#[cfg(feature = "parquet")]
mod parquet;
pub mod record;
pub mod scan;
pub mod source;
pub mod spool;

pub use aliases::OutletAliases;
pub use record::{FieldNames, Fields, parse_date, parse_json_line, timestamp, url_host, ymd};
pub use scan::{Block, Item, ItemKind, ScanOptions, Scanner};
pub use source::{Compression, Format, Inputs, OutletFrom, Source, escape_path, resolve};
pub use spool::SpoolMode;

/// Options that say how to read the inputs.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct InputOptions {
    /// JSON field names.
    pub fields: FieldNames,
    /// Outlet of text files (and fallback for JSONL records without one).
    #[serde(serialize_with = "ser_outlet_from")]
    pub outlet_from: OutletFrom,
    /// Records larger than this many bytes are rejected without being loaded.
    pub max_doc_bytes: u64,
    /// Outlets filed under other names (`--outlet-alias`).
    pub outlet_aliases: OutletAliases,
}

impl Default for InputOptions {
    fn default() -> Self {
        InputOptions {
            fields: FieldNames::default(),
            outlet_from: OutletFrom::None,
            max_doc_bytes: 16 << 20,
            outlet_aliases: OutletAliases::default(),
        }
    }
}

fn ser_outlet_from<S: serde::Serializer>(v: &OutletFrom, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(match v {
        OutletFrom::None => "none",
        OutletFrom::Dir => "dir",
        OutletFrom::Stem => "stem",
    })
}

/// The text of a text-file document: UTF-8 with a leading byte-order mark
/// removed, or the reason it is not valid.
pub fn text_file_content(bytes: &[u8]) -> Result<&str, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    simdutf8::basic::from_utf8(bytes)
        .or_else(|_| std::str::from_utf8(bytes))
        .map_err(|e| {
            let line = 1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            format!(
                "invalid UTF-8 at byte {} (line {line})",
                e.valid_up_to() + 1
            )
        })
}
