//! `neardup sign`: records in, one line of signature and band keys out per
//! record, by the code of the single-machine read (the same signer as
//! [`read_and_sign`](crate::pipeline::read_and_sign)).
//!
//! What a line guarantees: it is one JSON object ([`SignLine`]) with the
//! record's `line` (1-based, in its input), its `status`, the parameters
//! hash ([`super::params_hash`]) and, for an `ok` record, its signature,
//! finer signature, estimated shingles and band keys, equal byte for byte
//! to what `dedup` computes for the same record with the same options.
//! Lines come out in input order, one per record (blank lines of the input
//! are no records and give none, except in keyed mode, where each input
//! line gives exactly one output line: the caller counts on it).
//!
//! Keyed mode (`--keyed`, what the Spark driver uses): every input line is
//! `KEY<TAB>RECORD`; the key (any text without a tab) is echoed in the
//! output's `key`, and a blank record gives a `blank` line.

use std::io::Write;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde::Serialize;

use crate::config::{Config, OnError};
use crate::error::{Error, Result};
use crate::input::{Block, Inputs, ItemKind, ScanOptions, Scanner, Source};
use crate::lsh::band_key;
use crate::pipeline::{Outcome, Signer, location};

/// One output line of `neardup sign`.
#[derive(Serialize)]
pub struct SignLine<'a> {
    /// The key given with the record (keyed mode).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<&'a str>,
    /// Line of the record in its input (1-based; none for a text file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// `ok` (signed), `empty` (nothing to sign), `rejected`, or `blank`
    /// (keyed mode: no record).
    pub status: &'static str,
    /// Why a record was rejected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'a str>,
    /// The record's id, if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<&'a str>,
    /// Its outlet, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outlet: Option<&'a str>,
    /// Its date, Unix seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<i64>,
    /// Characters of its text.
    pub chars: u32,
    /// Estimated distinct shingles (0 unless `ok`).
    pub shingles: u32,
    /// The signature: `--num-perm` little-endian u16, base64.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sig: Option<String>,
    /// The finer signature (`--refine` bytes), base64.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fine: Option<String>,
    /// One key per LSH band, as signed 64-bit integers (Spark's `bigint`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bands: Option<Vec<i64>>,
    /// [`super::params_hash`] of the options.
    pub params: &'a str,
}

/// What a sign run saw.
#[derive(Debug, Default, Clone, Copy)]
pub struct SignSummary {
    /// Records read (blank keyed lines not counted).
    pub read: u64,
    /// Records signed.
    pub ok: u64,
    /// Records with nothing to sign.
    pub empty: u64,
    /// Bad records (under `--on-error skip`).
    pub rejected: u64,
    /// The output was closed by its reader (`neardup sign x | head`): the
    /// run stopped there, without an error.
    pub closed: bool,
}

/// Signs every record of `inputs`, writing one [`SignLine`] per record to
/// `out`. Under `--on-error fail` the first bad record stops the run with
/// its `file:line`; under `skip` it is a `rejected` line.
pub fn sign(
    config: &Config,
    inputs: Inputs,
    keyed: bool,
    out: &mut dyn Write,
) -> Result<SignSummary> {
    config.validate()?;
    let sources: Arc<[Source]> = inputs.sources.into();
    let max = config.input.max_doc_bytes;
    let scan = ScanOptions {
        // Room for the key in front of a record of the largest size.
        max_doc_bytes: if keyed { max.saturating_add(64) } else { max },
        ..ScanOptions::default()
    };
    let signer = Signer::new(config)?;
    let params = super::params_hash(config);
    let lsh = config.lsh_params();
    let k = config.num_perm;
    let mut summary = SignSummary::default();
    let mut bytes = Vec::with_capacity(k * 2);
    // Buffers handed back by each block, for the next.
    let (mut rows, mut fine) = (Vec::new(), Vec::new());
    let mut scanner = Scanner::start(Arc::clone(&sources), scan);
    while let Some(mut block) = scanner.next() {
        let keys = if keyed {
            strip_keys(&mut block, &sources, max)?
        } else {
            Vec::new()
        };
        let signed = signer.sign_block(block, rows, fine);
        let f = signed.fine_width;
        for (i, (item, outcome)) in signed.block.items.iter().zip(&signed.outcomes).enumerate() {
            let mut line = SignLine {
                key: keys.get(i).map(|k| k.text.as_str()),
                line: item.line,
                status: "blank",
                reason: None,
                id: None,
                outlet: None,
                date: None,
                chars: 0,
                shingles: 0,
                sig: None,
                fine: None,
                bands: None,
                params: &params,
            };
            // Named as dedup names a record without an id, except in keyed
            // mode, where the caller knows the record's file and line and
            // this filter does not.
            let unnamed;
            match outcome {
                _ if keys.get(i).is_some_and(|k| k.blank) => {}
                Outcome::Bad(reason) => {
                    summary.read += 1;
                    if config.on_error == OnError::Fail || matches!(item.kind, ItemKind::Corrupt(_))
                    {
                        let name = &sources[item.source as usize].name;
                        return Err(Error::record(name, item.line, reason.as_str()));
                    }
                    summary.rejected += 1;
                    line.status = "rejected";
                    line.reason = Some(reason);
                }
                Outcome::Doc {
                    id,
                    outlet,
                    date,
                    chars,
                    signed: is_signed,
                    shingles,
                    ..
                } => {
                    summary.read += 1;
                    line.id = match id {
                        Some(id) => Some(id.as_str()),
                        None if keyed => None,
                        None => {
                            let source = &sources[item.source as usize];
                            unnamed = source
                                .doc_id
                                .clone()
                                .unwrap_or_else(|| location(&sources, item.source, item.line));
                            Some(unnamed.as_str())
                        }
                    };
                    line.outlet = outlet.as_deref();
                    line.date = *date;
                    line.chars = *chars;
                    if *is_signed {
                        summary.ok += 1;
                        let row = &signed.rows[i * k..(i + 1) * k];
                        bytes.clear();
                        bytes.extend(row.iter().flat_map(|v| v.to_le_bytes()));
                        line.status = "ok";
                        line.shingles = *shingles;
                        line.sig = Some(B64.encode(&bytes));
                        line.fine = (f > 0).then(|| B64.encode(&signed.fine[i * f..(i + 1) * f]));
                        line.bands = Some(
                            (0..lsh.bands)
                                .map(|b| band_key(row, b, lsh.rows) as i64)
                                .collect(),
                        );
                    } else {
                        summary.empty += 1;
                        line.status = "empty";
                    }
                }
            }
            if !write_json(out, &line)? {
                summary.closed = true;
                return Ok(summary);
            }
        }
        scanner.recycle(signed.block.data);
        (rows, fine) = (signed.rows, signed.fine);
    }
    match out.flush() {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => summary.closed = true,
        r => r.map_err(|e| Error::io("standard output", e))?,
    }
    Ok(summary)
}

/// Writes one line; `false` when the reader closed the output.
fn write_json(out: &mut dyn Write, line: &SignLine<'_>) -> Result<bool> {
    let written = serde_json::to_writer(&mut *out, line)
        .map_err(std::io::Error::from)
        .and_then(|()| out.write_all(b"\n"));
    match written {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(false),
        Err(e) => Err(Error::io("standard output", e)),
    }
}

/// The key of a keyed line, and whether its record is blank.
struct Key {
    text: String,
    blank: bool,
}

/// Cuts `KEY<TAB>` off every line of `block` (the items then point at the
/// records). A line without a tab, or too long to carry its key, is an
/// error: the caller's framing is broken, not a record.
fn strip_keys(block: &mut Block, sources: &[Source], max: u64) -> Result<Vec<Key>> {
    let mut keys = Vec::with_capacity(block.items.len());
    for item in &mut block.items {
        let name = &sources[item.source as usize].name;
        let bytes = &block.data[item.data.clone()];
        let tab = match item.kind {
            ItemKind::Line => memchr::memchr(b'\t', bytes),
            _ => None,
        };
        let Some(tab) = tab else {
            return Err(Error::record(
                name,
                item.line,
                "--keyed: a line must be KEY<TAB>RECORD (key lost: a line without a tab, \
                 or longer than --max-doc-bytes)",
            ));
        };
        let text = String::from_utf8_lossy(&bytes[..tab]).into_owned();
        let rest = &bytes[tab + 1..];
        let blank = rest.iter().all(u8::is_ascii_whitespace);
        if rest.len() as u64 > max {
            item.kind = ItemKind::TooLarge;
        }
        item.data.start += tab + 1;
        item.len = rest.len() as u64;
        keys.push(Key { text, blank });
    }
    Ok(keys)
}
