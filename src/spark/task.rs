//! `neardup spark-task verify|cluster`: the filters of the Spark driver's
//! pair and component stages. Lines are tab-separated (Spark's `TRANSFORM`
//! row format); numbers are documents' positions in input order.
//!
//! - [`verify`] reads `a b params sig_a fine_a shingles_a sig_b fine_b
//!   shingles_b` (a candidate pair, `a < b`) and writes `a b jaccard
//!   containment contained` for each pair the single-machine rule accepts
//!   ([`verify_with_margin`], then [`Rule::decide`] on the finer signatures
//!   in the band of doubt), `contained` being `1` or `0`. Given no finer
//!   signatures (empty fields), it writes the pairs in doubt with
//!   `contained` = `doubt`, for a second pass with them: the driver ships
//!   the large finer signatures only for those.
//! - [`cluster`] reads one connected component after another (its lines
//!   contiguous): `comp M doc params sig shingles date chars` per member and
//!   `comp P a b jaccard containment contained` per verified pair; it writes
//!   `doc kept similarity measure` for every member that is not its
//!   cluster's kept one ([`cluster_rows`], the single-machine rule).
//!
//! Signatures are hex (Spark's `hex()` of the stored bytes) or base64
//! (the sign filter's text), told apart by length.
//!
//! Floats are written in their shortest form that reads back to the same
//! value, so a pair's estimates reach the cluster stage unchanged. A line
//! that does not parse, or was made with other parameters, stops the
//! filter with its line number: a job never goes on with mixed parameters
//! or a broken row format.

use std::io::{BufRead, Write};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

use crate::cluster::{Pair, Rule, find_pair, verify_with_margin};
use crate::config::Config;
use crate::document::Row;
use crate::error::{Error, Result};
use crate::lsh::pack;
use crate::minhash::{Signatures, estimate_fine};
use crate::pipeline::cluster_rows;

/// Candidate pairs verified per batch.
const BATCH: usize = 4096;

/// Where the filter reads from, for error messages.
const STDIN: &str = "standard input";

/// Parses the fields of line `no`, checking their number.
fn fields<'a>(line: &'a str, no: u64, n: usize, what: &str) -> Result<Vec<&'a str>> {
    let f: Vec<&str> = line.split('\t').collect();
    if f.len() != n {
        return Err(Error::record(
            STDIN,
            Some(no),
            format!("{what}: {} tab-separated fields, not {n}", f.len()),
        ));
    }
    Ok(f)
}

fn number<T: std::str::FromStr>(s: &str, no: u64, name: &str) -> Result<T> {
    s.parse()
        .map_err(|_| Error::record(STDIN, Some(no), format!("{name}: not a number: {s:?}")))
}

/// Bytes from hex (Spark's `hex()`, either case) when `s` has the length
/// of `n` bytes in hex, else from base64 (the sign filter's text).
fn decode(s: &str, n: usize, no: u64, what: &str) -> Result<Vec<u8>> {
    let bad = |e: String| Error::record(STDIN, Some(no), format!("{what}: {e}"));
    if s.len() == 2 * n {
        let digit = |c: u8| match c {
            b'0'..=b'9' => Ok(c - b'0'),
            b'a'..=b'f' => Ok(c - b'a' + 10),
            b'A'..=b'F' => Ok(c - b'A' + 10),
            _ => Err(bad(format!("not hex: {:?}", char::from(c)))),
        };
        let b = s.as_bytes();
        return (0..n)
            .map(|i| Ok(digit(b[2 * i])? << 4 | digit(b[2 * i + 1])?))
            .collect();
    }
    let bytes = B64.decode(s).map_err(|e| bad(e.to_string()))?;
    if bytes.len() != n {
        return Err(bad(format!("{} bytes, not {n}", bytes.len())));
    }
    Ok(bytes)
}

/// A signature of `k` slots (hex or base64).
fn signature(s: &str, k: usize, no: u64) -> Result<Vec<u16>> {
    let bytes = decode(s, 2 * k, no, "signature (--num-perm)")?;
    Ok(bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect())
}

/// A finer signature of `w` bytes (hex or base64); `None` when not given
/// (the empty field).
fn fine(s: &str, w: usize, no: u64) -> Result<Option<Vec<u8>>> {
    if s.is_empty() {
        return Ok(None);
    }
    decode(s, w, no, "finer signature (--refine)").map(Some)
}

fn check_params(got: &str, want: &str, no: u64) -> Result<()> {
    if got == want {
        return Ok(());
    }
    Err(Error::record(
        STDIN,
        Some(no),
        format!(
            "made with parameters {got}, this stage has {want}: every stage of a job \
             must be given the same options"
        ),
    ))
}

/// One candidate pair read by [`verify`].
struct Candidate {
    a: i64,
    b: i64,
    fine: [Option<Vec<u8>>; 2],
}

/// Verifies the candidate pairs of `input`, writing the accepted ones.
pub fn verify(config: &Config, input: &mut dyn BufRead, out: &mut dyn Write) -> Result<u64> {
    config.validate()?;
    let params = super::params_hash(config);
    let (k, w) = (config.num_perm, config.fine_width());
    let rule = Rule {
        threshold: config.threshold,
        margin: config.doubt_margin(),
        containment: config.containment,
    };
    let mut accepted_count = 0u64;
    let mut sigs = Signatures::new(config.signature_params());
    let mut batch: Vec<Candidate> = Vec::with_capacity(BATCH);
    let mut flush = |sigs: &mut Signatures, batch: &mut Vec<Candidate>| -> Result<()> {
        // Candidate i is rows 2i and 2i + 1.
        let cands: Vec<u64> = (0..batch.len() as u32)
            .map(|i| pack(2 * i, 2 * i + 1))
            .collect();
        let (accepted, doubtful) = verify_with_margin(sigs, &cands, &rule);
        let label = |p: &Pair| if p.contained { "1" } else { "0" };
        let mut lines: Vec<(Pair, &str)> = accepted.iter().map(|p| (*p, label(p))).collect();
        for p in &doubtful {
            match &batch[p.a.index() / 2].fine {
                [Some(a), Some(b)] => {
                    lines.extend(
                        rule.decide(sigs, p, estimate_fine(a, b))
                            .map(|p| (p, label(&p))),
                    );
                }
                // No finer signatures given: left for a second pass with them.
                _ => lines.push((*p, "doubt")),
            }
        }
        for (p, contained) in &lines {
            let c = &batch[p.a.index() / 2];
            writeln!(
                out,
                "{}\t{}\t{}\t{}\t{contained}",
                c.a, c.b, p.jaccard, p.containment
            )
            .map_err(|e| Error::io("standard output", e))?;
            accepted_count += u64::from(*contained != "doubt");
        }
        *sigs = Signatures::new(config.signature_params());
        batch.clear();
        Ok(())
    };
    for (no, line) in input.lines().enumerate() {
        let no = no as u64 + 1;
        let line = line.map_err(|e| Error::io(STDIN, e))?;
        let f = fields(&line, no, 9, "a candidate pair")?;
        check_params(f[2], &params, no)?;
        let (a, b): (i64, i64) = (number(f[0], no, "a")?, number(f[1], no, "b")?);
        if a >= b {
            return Err(Error::record(
                STDIN,
                Some(no),
                format!("pair {a} {b}: a must be below b"),
            ));
        }
        sigs.push(&signature(f[3], k, no)?, number(f[5], no, "shingles")?);
        sigs.push(&signature(f[6], k, no)?, number(f[8], no, "shingles")?);
        let fine = [fine(f[4], w, no)?, fine(f[7], w, no)?];
        batch.push(Candidate { a, b, fine });
        if batch.len() == BATCH {
            flush(&mut sigs, &mut batch)?;
        }
    }
    if !batch.is_empty() {
        flush(&mut sigs, &mut batch)?;
    }
    out.flush().map_err(|e| Error::io("standard output", e))?;
    Ok(accepted_count)
}

/// A member of a component being read by [`cluster`].
struct Member {
    doc: i64,
    sig: Vec<u16>,
    shingles: u32,
    date: Option<i64>,
    chars: u32,
}

/// A verified pair of documents being read by [`cluster`].
struct DocPair {
    /// Its line, for errors.
    no: u64,
    a: i64,
    b: i64,
    jaccard: f32,
    containment: f32,
    contained: bool,
}

/// Cuts every component of `input` into clusters, writing each member that
/// is not kept with its kept document.
pub fn cluster(config: &Config, input: &mut dyn BufRead, out: &mut dyn Write) -> Result<u64> {
    config.validate()?;
    let params = super::params_hash(config);
    let k = config.num_perm;
    let mut comp: Option<String> = None;
    let mut members: Vec<Member> = Vec::new();
    let mut pairs: Vec<DocPair> = Vec::new();
    let mut written = 0u64;
    for (no, line) in input.lines().enumerate() {
        let no = no as u64 + 1;
        let line = line.map_err(|e| Error::io(STDIN, e))?;
        let (c, rest) = line.split_once('\t').unwrap_or((&line, ""));
        if comp.as_deref() != Some(c) {
            written += cut(config, &mut members, &mut pairs, out)?;
            comp = Some(c.to_string());
        }
        if let Some(m) = rest.strip_prefix("M\t") {
            let f = fields(m, no, 6, "a component member")?;
            check_params(f[1], &params, no)?;
            members.push(Member {
                doc: number(f[0], no, "doc")?,
                sig: signature(f[2], k, no)?,
                shingles: number(f[3], no, "shingles")?,
                date: if f[4].is_empty() {
                    None
                } else {
                    Some(number(f[4], no, "date")?)
                },
                chars: number(f[5], no, "chars")?,
            });
        } else if let Some(p) = rest.strip_prefix("P\t") {
            let f = fields(p, no, 5, "a verified pair")?;
            pairs.push(DocPair {
                no,
                a: number(f[0], no, "a")?,
                b: number(f[1], no, "b")?,
                jaccard: number(f[2], no, "jaccard")?,
                containment: number(f[3], no, "containment")?,
                contained: f[4] == "1",
            });
        } else {
            return Err(Error::record(
                STDIN,
                Some(no),
                "neither a member (COMP<TAB>M...) nor a pair (COMP<TAB>P...)",
            ));
        }
    }
    written += cut(config, &mut members, &mut pairs, out)?;
    out.flush().map_err(|e| Error::io("standard output", e))?;
    Ok(written)
}

/// Clusters one component and writes its members that are not kept.
fn cut(
    config: &Config,
    members: &mut Vec<Member>,
    pairs: &mut Vec<DocPair>,
    out: &mut dyn Write,
) -> Result<u64> {
    if members.is_empty() && pairs.is_empty() {
        return Ok(0);
    }
    // Rows in input order, as in the single-machine table.
    members.sort_by_key(|m| m.doc);
    members.dedup_by_key(|m| m.doc);
    let row = |doc: i64, no: u64| {
        members
            .binary_search_by_key(&doc, |m| m.doc)
            .map(|i| Row(i as u32))
            .map_err(|_| {
                let what = format!("the pair names document {doc}, not a member of its component");
                Error::record(STDIN, Some(no), what)
            })
    };
    let mut sigs = Signatures::new(config.signature_params());
    for m in members.iter() {
        sigs.push(&m.sig, m.shingles);
    }
    let mut verified = Vec::with_capacity(pairs.len());
    for p in pairs.iter() {
        verified.push(Pair {
            a: row(p.a, p.no)?,
            b: row(p.b, p.no)?,
            jaccard: p.jaccard,
            containment: p.containment,
            contained: p.contained,
        });
    }
    verified.sort_by_key(|p| (p.a, p.b));
    verified.dedup_by_key(|p| (p.a, p.b));
    let clusters = cluster_rows(&sigs, config, &verified, |r| {
        let m = &members[r.index()];
        (m.date, m.chars)
    });
    let mut written = 0;
    for (i, m) in members.iter().enumerate() {
        let (r, kept) = (Row(i as u32), clusters.kept[i]);
        if kept == r {
            continue;
        }
        // As `Duplicates::similarity` and `measure` state it.
        let (similarity, measure) = match find_pair(&verified, r, kept) {
            Some(p) if p.contained => (f64::from(p.similarity()), "containment"),
            Some(p) => (f64::from(p.similarity()), "jaccard"),
            None => (sigs.jaccard(r, kept), "jaccard"),
        };
        writeln!(
            out,
            "{}\t{}\t{}\t{}",
            m.doc,
            members[kept.index()].doc,
            similarity,
            measure
        )
        .map_err(|e| Error::io("standard output", e))?;
        written += 1;
    }
    members.clear();
    pairs.clear();
    Ok(written)
}
